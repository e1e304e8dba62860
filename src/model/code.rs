//! The code facts of every source file, one list per kind for the whole project: a file's
//! facts are a range of each. A monorepo's 70,000 source files would otherwise hold 200,000
//! small lists (imports, environment reads, URLs…), each with its own header and allocation:
//! a third of what those facts cost.

use crate::name::Name;
use crate::parse::code::{CodeFacts, EnvRead, RareBox, RareFacts, StrBinding, UrlLiteral};
use crate::source::Sp;

/// The lists of every file's facts, in the order the files were added.
#[derive(Debug, Default)]
pub struct CodeTables {
    imports: Vec<(Name, Sp)>,
    modules: Vec<Name>,
    env_reads: Vec<EnvRead>,
    bindings: Vec<StrBinding>,
    urls: Vec<UrlLiteral>,
    test_spans: Vec<Sp>,
    /// Per file added, where its entries start in each list (in field order); they end where
    /// the next file's start, the last file's at the lists' ends.
    starts: Vec<[u32; 6]>,
}

/// Where a file's facts are in the project's `CodeTables`, and what is kept per file: the
/// rare facts (most files have none) and whether its parse hit an error.
#[derive(Debug)]
pub struct FileFacts {
    /// The file's entry in `CodeTables::starts`.
    entry: u32,
    pub has_error: bool,
    pub rare: RareBox,
}

/// No facts: an entry no table has.
impl Default for FileFacts {
    fn default() -> Self {
        FileFacts {
            entry: u32::MAX,
            has_error: false,
            rare: RareBox::default(),
        }
    }
}

/// A source file's code facts, as read from the tables (see `Project::code`).
#[derive(Clone, Copy)]
pub struct Code<'a> {
    /// Top-level module or package names imported (see `CodeFacts::imports`).
    pub imports: &'a [(Name, Sp)],
    /// Every module imported, as written (see `CodeFacts::modules`).
    pub modules: &'a [Name],
    pub env_reads: &'a [EnvRead],
    pub bindings: &'a [StrBinding],
    pub urls: &'a [UrlLiteral],
    /// Test code inside an app file (see `CodeFacts::test_spans`).
    pub test_spans: &'a [Sp],
    pub has_error: bool,
    pub rare: &'a RareFacts,
}

/// The entries of `list` from `start` to `end`; none once the tables are released.
fn slice<T>(list: &[T], start: u32, end: u32) -> &[T] {
    list.get(start as usize..end as usize).unwrap_or_default()
}

/// Offsets into a list of facts: a list of four billion facts is beyond any memory.
fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

impl CodeTables {
    /// Give back what growing the lists left spare, once every file was added.
    pub fn shrink_to_fit(&mut self) {
        self.imports.shrink_to_fit();
        self.modules.shrink_to_fit();
        self.env_reads.shrink_to_fit();
        self.bindings.shrink_to_fit();
        self.urls.shrink_to_fit();
        self.test_spans.shrink_to_fit();
        self.starts.shrink_to_fit();
    }

    /// Where each list ends.
    fn ends(&self) -> [u32; 6] {
        [
            to_u32(self.imports.len()),
            to_u32(self.modules.len()),
            to_u32(self.env_reads.len()),
            to_u32(self.bindings.len()),
            to_u32(self.urls.len()),
            to_u32(self.test_spans.len()),
        ]
    }

    /// Move a file's facts into the tables.
    pub fn add(&mut self, facts: CodeFacts) -> FileFacts {
        let CodeFacts {
            imports,
            modules,
            env_reads,
            bindings,
            urls,
            test_spans,
            has_error,
            rare,
        } = facts;
        let entry = to_u32(self.starts.len());
        self.starts.push(self.ends());
        self.imports.extend(imports);
        self.modules.extend(modules);
        self.env_reads.extend(env_reads);
        self.bindings.extend(bindings);
        self.urls.extend(urls);
        self.test_spans.extend(test_spans);
        FileFacts {
            entry,
            has_error,
            rare,
        }
    }

    /// The facts `f` locates.
    pub fn get<'a>(&'a self, f: &'a FileFacts) -> Code<'a> {
        let entry = f.entry as usize;
        let (s, e) = match self.starts.get(entry) {
            Some(s) => (
                *s,
                self.starts
                    .get(entry + 1)
                    .copied()
                    .unwrap_or_else(|| self.ends()),
            ),
            None => ([0; 6], [0; 6]),
        };
        Code {
            imports: slice(&self.imports, s[0], e[0]),
            modules: slice(&self.modules, s[1], e[1]),
            env_reads: slice(&self.env_reads, s[2], e[2]),
            bindings: slice(&self.bindings, s[3], e[3]),
            urls: slice(&self.urls, s[4], e[4]),
            test_spans: slice(&self.test_spans, s[5], e[5]),
            has_error: f.has_error,
            rare: &f.rare,
        }
    }
}

impl FileFacts {
    /// Forget the facts (see `Project::release_rule_facts`): the file reads as having none.
    pub fn release(&mut self) {
        *self = FileFacts {
            has_error: self.has_error,
            ..FileFacts::default()
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(imports: &[&str], env: &[&str]) -> CodeFacts {
        let mut f = CodeFacts::default();
        for (i, m) in imports.iter().enumerate() {
            f.imports.push((Name::new(m), Sp::from(i..i + 1)));
        }
        for e in env {
            f.env_reads.push(EnvRead {
                name: Name::new(e),
                default: None,
                has_default: false,
                span: Sp::from(0..1),
                default_span: None,
                required: false,
                required_if: None,
            });
        }
        f
    }

    #[test]
    fn each_file_reads_back_its_own_facts() {
        let mut t = CodeTables::default();
        let files = [
            facts(&["os", "redis"], &["PORT"]),
            facts(&[], &[]),
            facts(&["fmt"], &["A", "B"]),
        ];
        let mut at: Vec<FileFacts> = files.into_iter().map(|f| t.add(f)).collect();
        let names = |c: Code<'_>| {
            (
                c.imports
                    .iter()
                    .map(|(n, _)| n.to_string())
                    .collect::<Vec<_>>(),
                c.env_reads
                    .iter()
                    .map(|r| r.name.to_string())
                    .collect::<Vec<_>>(),
            )
        };
        assert_eq!(
            names(t.get(&at[0])),
            (vec!["os".into(), "redis".into()], vec!["PORT".into()])
        );
        assert_eq!(names(t.get(&at[1])), (vec![], vec![]));
        assert_eq!(
            names(t.get(&at[2])),
            (vec!["fmt".into()], vec!["A".into(), "B".into()])
        );
        // a file added after the others were shrunk to fit still reads back its own
        t.shrink_to_fit();
        at.push(t.add(facts(&["late"], &["LATE"])));
        assert_eq!(
            names(t.get(&at[2])),
            (vec!["fmt".into()], vec!["A".into(), "B".into()])
        );
        assert_eq!(
            names(t.get(&at[3])),
            (vec!["late".into()], vec!["LATE".into()])
        );
        assert_eq!(names(t.get(&FileFacts::default())), (vec![], vec![]));
        t.shrink_to_fit();
        assert_eq!(t.imports.capacity(), 4);
        at[0].release();
        assert!(t.get(&at[0]).imports.is_empty());
    }
}
