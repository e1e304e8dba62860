//! The source languages twelve reads: their names and file extensions (what the walk needs to
//! classify a file). What each language means to the parse layer and the rules is its row in
//! `parse::code::LANGS`.

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    Python,
    JavaScript,
    TypeScript,
    Go,
    Rust,
    Ruby,
    Java,
    CSharp,
    Php,
}

impl Lang {
    pub const ALL: &[Lang] = &[
        Lang::Python,
        Lang::JavaScript,
        Lang::TypeScript,
        Lang::Go,
        Lang::Rust,
        Lang::Ruby,
        Lang::Java,
        Lang::CSharp,
        Lang::Php,
    ];

    /// File extensions, lowercase, without the dot.
    pub fn extensions(self) -> &'static [&'static str] {
        match self {
            Lang::Python => &["py"],
            Lang::JavaScript => &["js", "mjs", "cjs", "jsx"],
            Lang::TypeScript => &["ts", "mts", "cts", "tsx"],
            Lang::Go => &["go"],
            Lang::Rust => &["rs"],
            Lang::Ruby => &["rb", "rake", "ru"],
            Lang::Java => &["java"],
            Lang::CSharp => &["cs"],
            Lang::Php => &["php"],
        }
    }

    /// The language of a file extension (lowercase, no dot).
    pub fn of_extension(ext: &str) -> Option<Lang> {
        Lang::ALL
            .iter()
            .copied()
            .find(|l| l.extensions().contains(&ext))
    }
}
