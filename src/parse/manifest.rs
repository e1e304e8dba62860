//! Dependency manifests: requirements*.txt, pyproject.toml, Pipfile, setup.py/cfg,
//! package.json, Cargo.toml, go.mod, Gemfile, composer.json, pom.xml, Gradle build files,
//! *.csproj.

use crate::source::Span;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Ecosystem {
    Python,
    Node,
    Rust,
    Go,
    Ruby,
    Php,
    Java,
    Dotnet,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ManifestKind {
    Requirements,
    Constraints,
    Pyproject,
    Pipfile,
    SetupPy,
    SetupCfg,
    PackageJson,
    CargoToml,
    GoMod,
    Gemfile,
    ComposerJson,
    PomXml,
    Gradle,
    Csproj,
}

impl ManifestKind {
    pub fn ecosystem(self) -> Ecosystem {
        match self {
            ManifestKind::PackageJson => Ecosystem::Node,
            ManifestKind::CargoToml => Ecosystem::Rust,
            ManifestKind::GoMod => Ecosystem::Go,
            ManifestKind::Gemfile => Ecosystem::Ruby,
            ManifestKind::ComposerJson => Ecosystem::Php,
            ManifestKind::PomXml | ManifestKind::Gradle => Ecosystem::Java,
            ManifestKind::Csproj => Ecosystem::Dotnet,
            _ => Ecosystem::Python,
        }
    }
}

/// One declared dependency: its name, its version requirement as written, and where.
#[derive(Debug, Clone)]
pub struct Dep {
    pub name: String,
    /// The requirement text (`==1.2`, `^4.18.0`, `*`, a URL, …), empty when none.
    pub spec: String,
    pub span: Span,
    /// Pinned by a hash (`--hash=`), a git `rev`/commit, or an exact version.
    pub hashed: bool,
    /// For Cargo git dependencies: has `rev` or `tag`.
    pub git_pinned: Option<bool>,
}

#[derive(Debug, Clone)]
pub struct Manifest {
    pub kind: ManifestKind,
    pub deps: Vec<Dep>,
    /// Tools named in pyproject `[tool.*]` tables (poetry, uv, pdm).
    pub tools: Vec<String>,
    /// Cargo: has a binary target (src/main.rs checked by the model, `[[bin]]` here).
    pub declares_bin: bool,
    /// go.mod has `require` entries.
    pub has_requires: bool,
    /// requirements: refers to a constraints file (`-c`).
    pub constrained: bool,
    /// Names of files referenced with `-r`/`-c`.
    pub includes: Vec<String>,
    /// package.json `scripts`: (name, command, span of the command's string with its quotes).
    pub scripts: Vec<(String, String, Span)>,
}

impl Manifest {
    fn new(kind: ManifestKind) -> Self {
        Manifest {
            kind,
            deps: Vec::new(),
            tools: Vec::new(),
            declares_bin: false,
            has_requires: false,
            constrained: false,
            includes: Vec::new(),
            scripts: Vec::new(),
        }
    }
}

#[derive(Debug, Clone)]
pub struct ParseError {
    pub offset: usize,
    pub message: String,
}

pub fn kind_of(file_name: &str) -> Option<ManifestKind> {
    let lower = file_name.to_ascii_lowercase();
    Some(match lower.as_str() {
        "pyproject.toml" => ManifestKind::Pyproject,
        "pipfile" => ManifestKind::Pipfile,
        "setup.py" => ManifestKind::SetupPy,
        "setup.cfg" => ManifestKind::SetupCfg,
        "package.json" => ManifestKind::PackageJson,
        "cargo.toml" => ManifestKind::CargoToml,
        "go.mod" => ManifestKind::GoMod,
        "gemfile" => ManifestKind::Gemfile,
        "composer.json" => ManifestKind::ComposerJson,
        "pom.xml" => ManifestKind::PomXml,
        "build.gradle" | "build.gradle.kts" => ManifestKind::Gradle,
        n if n.ends_with(".csproj") => ManifestKind::Csproj,
        n if n.starts_with("constraints") => ManifestKind::Constraints,
        n if n.starts_with("requirements") => ManifestKind::Requirements,
        _ => return None,
    })
}

/// Deepest bracket nesting accepted before handing text to a recursive parser.
pub const MAX_NESTING: usize = 256;

/// The offset where `[`/`{` nesting (outside quoted strings) first exceeds `limit`.
pub fn nesting_exceeds(text: &str, limit: usize) -> Option<usize> {
    let mut depth = 0usize;
    let mut quote: Option<u8> = None;
    let mut escaped = false;
    for (i, &b) in text.as_bytes().iter().enumerate() {
        if let Some(q) = quote {
            if escaped {
                escaped = false;
            } else if b == b'\\' {
                escaped = true;
            } else if b == q || b == b'\n' {
                quote = None;
            }
            continue;
        }
        match b {
            b'"' | b'\'' => quote = Some(b),
            b'[' | b'{' => {
                depth += 1;
                if depth > limit {
                    return Some(i);
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    None
}

pub fn parse(kind: ManifestKind, text: &str) -> Result<Manifest, ParseError> {
    if matches!(
        kind,
        ManifestKind::Pyproject
            | ManifestKind::Pipfile
            | ManifestKind::CargoToml
            | ManifestKind::PackageJson
            | ManifestKind::ComposerJson
    ) && let Some(offset) = nesting_exceeds(text, MAX_NESTING)
    {
        return Err(ParseError {
            offset,
            message: format!("nesting deeper than {MAX_NESTING} levels"),
        });
    }
    match kind {
        ManifestKind::Requirements | ManifestKind::Constraints => Ok(requirements(kind, text)),
        ManifestKind::Pyproject | ManifestKind::Pipfile | ManifestKind::CargoToml => {
            toml_manifest(kind, text)
        }
        ManifestKind::PackageJson | ManifestKind::ComposerJson => package_json(kind, text),
        ManifestKind::GoMod => Ok(go_mod(text)),
        ManifestKind::Gemfile => Ok(gemfile(text)),
        ManifestKind::PomXml => Ok(pom_xml(text)),
        ManifestKind::Gradle => Ok(gradle(text)),
        ManifestKind::Csproj => Ok(csproj(text)),
        ManifestKind::SetupPy | ManifestKind::SetupCfg => Ok(Manifest::new(kind)),
    }
}

/// A requirement's package name (letters, digits, `-`, `_`, `.`) and the rest after it.
fn split_name(s: &str) -> (&str, &str) {
    let end = s
        .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')))
        .unwrap_or(s.len());
    s.split_at_checked(end).unwrap_or((s, ""))
}

fn requirements(kind: ManifestKind, text: &str) -> Manifest {
    let mut m = Manifest::new(kind);
    let mut offset = 0;
    for raw_line in text.split_inclusive('\n') {
        let line_start = offset;
        offset += raw_line.len();
        let line = raw_line.trim_end_matches(['\n', '\r']);
        let content = if line.starts_with('#') {
            ""
        } else {
            line.split(" #").next().unwrap_or(line)
        };
        let trimmed = content.trim();
        if trimmed.is_empty() {
            continue;
        }
        if let Some(opt) = trimmed.strip_prefix('-') {
            let mut parts = opt.split_whitespace();
            let flag = parts.next().unwrap_or("");
            let arg = parts.next().map(String::from);
            match flag {
                "c" | "-constraint" => {
                    m.constrained = true;
                    m.includes.extend(arg);
                }
                "r" | "-requirement" => m.includes.extend(arg),
                f if f.starts_with("c") && f.len() > 1 && !f.starts_with("-") => {
                    m.constrained = true
                }
                _ => {}
            }
            continue;
        }
        if trimmed.starts_with('.') || trimmed.starts_with('/') {
            continue; // local path
        }
        let lead = content.len() - content.trim_start().len();
        let (name, spec_all) = split_name(trimmed);
        if name.is_empty() {
            continue;
        }
        let spec_all = spec_all.trim();
        // drop extras and environment markers
        let spec = spec_all
            .trim_start_matches(|c| c != ']' && spec_all.starts_with('['))
            .trim_start_matches(']');
        let spec = spec.split(';').next().unwrap_or("").trim();
        let spec = spec.split(" --").next().unwrap_or("").trim();
        m.deps.push(Dep {
            name: name.to_string(),
            spec: spec.to_string(),
            span: line_start + lead..line_start + lead + trimmed.len(),
            hashed: trimmed.contains("--hash"),
            git_pinned: None,
        });
    }
    m
}

fn toml_manifest(kind: ManifestKind, text: &str) -> Result<Manifest, ParseError> {
    let doc = toml::de::DeTable::parse(text).map_err(|e| ParseError {
        offset: e.span().map(|s| s.start).unwrap_or(0),
        message: e.message().to_string(),
    })?;
    let root = doc.get_ref();
    let mut m = Manifest::new(kind);
    match kind {
        ManifestKind::Pyproject => {
            if let Some(tool) = get_table(root, "tool") {
                for name in ["poetry", "uv", "pdm", "hatch"] {
                    if tool.get(name).is_some() {
                        m.tools.push(name.to_string());
                    }
                }
            }
            if let Some(project) = get_table(root, "project")
                && let Some(deps) = project.get("dependencies")
                && let toml::de::DeValue::Array(items) = deps.get_ref()
            {
                for it in items {
                    if let toml::de::DeValue::String(s) = it.get_ref() {
                        let (name, spec) = split_name(s);
                        m.deps.push(Dep {
                            name: name.to_string(),
                            spec: spec.trim().to_string(),
                            span: it.span(),
                            hashed: false,
                            git_pinned: None,
                        });
                    }
                }
            }
            if let Some(poetry) = get_table(root, "tool").and_then(|t| get_table(t, "poetry"))
                && let Some(deps) = get_table(poetry, "dependencies")
            {
                push_table_deps(&mut m, deps);
            }
        }
        ManifestKind::Pipfile => {
            for section in ["packages", "dev-packages"] {
                if let Some(t) = get_table(root, section) {
                    push_table_deps(&mut m, t);
                }
            }
        }
        ManifestKind::CargoToml => {
            m.declares_bin = root.get("bin").is_some();
            for section in ["dependencies", "dev-dependencies", "build-dependencies"] {
                if let Some(t) = get_table(root, section) {
                    push_table_deps(&mut m, t);
                }
            }
            if let Some(ws) = get_table(root, "workspace")
                && let Some(t) = get_table(ws, "dependencies")
            {
                push_table_deps(&mut m, t);
            }
        }
        _ => {}
    }
    Ok(m)
}

fn get_table<'a, 'b>(t: &'b toml::de::DeTable<'a>, key: &str) -> Option<&'b toml::de::DeTable<'a>> {
    match t.get(key)?.get_ref() {
        toml::de::DeValue::Table(t) => Some(t),
        _ => None,
    }
}

fn push_table_deps(m: &mut Manifest, t: &toml::de::DeTable<'_>) {
    for (k, v) in t.iter() {
        let name = k.get_ref().to_string();
        if name == "python" {
            continue;
        }
        let span = k.span().start..v.span().end;
        match v.get_ref() {
            toml::de::DeValue::String(s) => m.deps.push(Dep {
                name,
                spec: s.to_string(),
                span,
                hashed: false,
                git_pinned: None,
            }),
            toml::de::DeValue::Table(inner) => {
                let s = |key: &str| match inner.get(key).map(|v| v.get_ref()) {
                    Some(toml::de::DeValue::String(s)) => Some(s.to_string()),
                    _ => None,
                };
                let git = s("git");
                let local = inner.get("path").is_some() || inner.get("workspace").is_some();
                if local {
                    continue;
                }
                m.deps.push(Dep {
                    name,
                    spec: s("version").or_else(|| git.clone()).unwrap_or_default(),
                    span,
                    hashed: false,
                    git_pinned: git
                        .as_ref()
                        .map(|_| inner.get("rev").is_some() || inner.get("tag").is_some()),
                });
            }
            _ => {}
        }
    }
}

/// package.json or composer.json: both keep dependencies as `name: version` objects.
fn package_json(kind: ManifestKind, text: &str) -> Result<Manifest, ParseError> {
    use jsonc_parser::ast::Value;
    if let Some(offset) = crate::parse::settings::too_deep(text, 128) {
        return Err(ParseError {
            offset,
            message: "nested more than 128 levels deep".into(),
        });
    }
    let parsed = jsonc_parser::parse_to_ast(
        text,
        &jsonc_parser::CollectOptions::default(),
        &jsonc_parser::ParseOptions::default(),
    )
    .map_err(|e| ParseError {
        offset: e.range().start,
        message: e.kind().to_string(),
    })?;
    let mut m = Manifest::new(kind);
    let Some(Value::Object(root)) = parsed.value else {
        return Ok(m);
    };
    if let Some(prop) = root.get("scripts")
        && let Value::Object(scripts) = &prop.value
    {
        for p in &scripts.properties {
            if let Value::StringLit(s) = &p.value {
                m.scripts.push((
                    p.name.as_str().to_string(),
                    s.value.to_string(),
                    s.range.start..s.range.end,
                ));
            }
        }
    }
    let sections: &[&str] = if kind == ManifestKind::ComposerJson {
        &["require", "require-dev"]
    } else {
        &[
            "dependencies",
            "devDependencies",
            "optionalDependencies",
            "peerDependencies",
        ]
    };
    for section in sections {
        let Some(prop) = root.get(section) else {
            continue;
        };
        let Value::Object(deps) = &prop.value else {
            continue;
        };
        for p in &deps.properties {
            if let Value::StringLit(s) = &p.value {
                m.deps.push(Dep {
                    name: p.name.as_str().to_string(),
                    spec: s.value.to_string(),
                    span: p.range.start..p.range.end,
                    hashed: false,
                    git_pinned: None,
                });
            }
        }
    }
    Ok(m)
}

fn dep(name: &str, spec: &str, span: Span) -> Dep {
    Dep {
        name: name.to_string(),
        spec: spec.to_string(),
        span,
        hashed: false,
        git_pinned: None,
    }
}

/// Lines of `text` with their start offsets, line ends and trailing comments (`#`, `//`)
/// left out.
fn code_lines<'a>(text: &'a str, comment: &'a str) -> impl Iterator<Item = (usize, &'a str)> {
    let mut offset = 0;
    text.split_inclusive('\n').map(move |raw| {
        let start = offset;
        offset += raw.len();
        let line = raw.trim_end_matches(['\n', '\r']);
        let code = match line.find(comment) {
            Some(i) if !line.get(..i).unwrap_or("").contains(['"', '\'']) => {
                line.get(..i).unwrap_or(line)
            }
            _ => line,
        };
        (start, code)
    })
}

/// The quoted strings of a line: (content, start offset of the content in the line).
fn quoted(line: &str) -> Vec<(&str, usize)> {
    let mut out = Vec::new();
    let mut rest = line;
    let mut base = 0;
    while let Some(i) = rest.find(['"', '\'']) {
        let q = rest.as_bytes().get(i).copied().unwrap_or(b'"');
        let Some(after) = rest.get(i + 1..) else {
            break;
        };
        let Some(j) = after.find(q as char) else {
            break;
        };
        out.push((after.get(..j).unwrap_or(""), base + i + 1));
        base += i + 1 + j + 1;
        rest = after.get(j + 1..).unwrap_or("");
    }
    out
}

/// A Gemfile: `gem "name", "~> 1.2"`; `git:`/`github:` gems are pinned by `ref:` or `tag:`.
fn gemfile(text: &str) -> Manifest {
    let mut m = Manifest::new(ManifestKind::Gemfile);
    for (start, line) in code_lines(text, "#") {
        let t = line.trim_start();
        let Some(rest) = t.strip_prefix("gem ").or_else(|| t.strip_prefix("gem(")) else {
            continue;
        };
        let strs = quoted(rest);
        let Some((name, _)) = strs.first() else {
            continue;
        };
        let versions: Vec<&str> = strs
            .iter()
            .skip(1)
            .map(|(s, _)| *s)
            .take_while(|s| s.starts_with(|c: char| c.is_ascii_digit() || "~<>=!".contains(c)))
            .collect();
        let git = rest.contains("git:") || rest.contains("github:") || rest.contains(":git =>");
        let indent = line.len() - t.len();
        let mut d = dep(
            name,
            &versions.join(", "),
            start + indent..start + line.len(),
        );
        if git {
            d.git_pinned = Some(rest.contains("ref:") || rest.contains("tag:"));
        }
        m.deps.push(d);
    }
    m
}

static POM_DEP: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
    regex::Regex::new(r"(?s)<dependency>(.*?)</dependency>").expect("valid pattern")
});
static XML_COMMENT: std::sync::LazyLock<regex::Regex> =
    std::sync::LazyLock::new(|| regex::Regex::new(r"(?s)<!--.*?-->").expect("valid pattern"));

fn xml_tag<'a>(block: &'a str, tag: &str) -> Option<&'a str> {
    let open = format!("<{tag}>");
    let i = block.find(&open)? + open.len();
    let j = block.get(i..)?.find('<')?;
    block.get(i..i + j).map(str::trim)
}

/// pom.xml `<dependency>` blocks: `groupId:artifactId` and the version as written (empty
/// when a BOM or parent manages it).
fn pom_xml(text: &str) -> Manifest {
    let mut m = Manifest::new(ManifestKind::PomXml);
    let comments: Vec<std::ops::Range<usize>> =
        XML_COMMENT.find_iter(text).map(|c| c.range()).collect();
    for c in POM_DEP.find_iter(text) {
        if comments
            .iter()
            .any(|r| r.start <= c.start() && c.end() <= r.end)
        {
            continue;
        }
        let block = c.as_str();
        let (Some(g), Some(a)) = (xml_tag(block, "groupId"), xml_tag(block, "artifactId")) else {
            continue;
        };
        let v = xml_tag(block, "version").unwrap_or("");
        m.deps.push(dep(&format!("{g}:{a}"), v, c.range()));
    }
    m
}

/// Gradle dependency coordinates written as one string: `implementation "g:a:1.2"`,
/// `implementation("g:a:1.+")`.
fn gradle(text: &str) -> Manifest {
    const CONFIGS: &[&str] = &[
        "implementation",
        "api",
        "compile",
        "compileOnly",
        "runtimeOnly",
        "runtime",
        "testImplementation",
        "annotationProcessor",
        "kapt",
    ];
    let mut m = Manifest::new(ManifestKind::Gradle);
    for (start, line) in code_lines(text, "//") {
        let t = line.trim_start();
        let Some(word) = t.split(|c: char| !c.is_ascii_alphanumeric()).next() else {
            continue;
        };
        if !CONFIGS.contains(&word) {
            continue;
        }
        for (s, at) in quoted(line) {
            let parts: Vec<&str> = s.split(':').collect();
            if parts.len() >= 3 && !parts[0].is_empty() && !s.contains('$') {
                m.deps.push(dep(
                    &format!("{}:{}", parts[0], parts[1]),
                    parts[2],
                    start + at..start + at + s.len(),
                ));
            }
        }
    }
    m
}

static PACKAGE_REF: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
    regex::Regex::new(
        r#"(?s)<PackageReference\b[^>]*?\bInclude\s*=\s*"([^"]+)"([^>]*?)(/>|>(.*?)</PackageReference>)"#,
    )
    .expect("valid pattern")
});
static VERSION_ATTR: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
    regex::Regex::new(r#"\bVersion\s*=\s*"([^"]*)"|<Version>([^<]*)</Version>"#)
        .expect("valid pattern")
});

/// *.csproj `<PackageReference Include="X" Version="1.2.*" />`.
fn csproj(text: &str) -> Manifest {
    let mut m = Manifest::new(ManifestKind::Csproj);
    let comments: Vec<std::ops::Range<usize>> =
        XML_COMMENT.find_iter(text).map(|c| c.range()).collect();
    for c in PACKAGE_REF.captures_iter(text) {
        let Some(all) = c.get(0) else { continue };
        if comments
            .iter()
            .any(|r| r.start <= all.start() && all.end() <= r.end)
        {
            continue;
        }
        let name = c.get(1).map_or("", |x| x.as_str());
        let version = VERSION_ATTR
            .captures(all.as_str())
            .and_then(|v| v.get(1).or_else(|| v.get(2)))
            .map_or("", |v| v.as_str());
        m.deps.push(dep(name, version, all.range()));
    }
    m
}

fn go_mod(text: &str) -> Manifest {
    let mut m = Manifest::new(ManifestKind::GoMod);
    let mut in_block = false;
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        let t = line.trim();
        let t = t.split("//").next().unwrap_or("").trim();
        if in_block {
            if t == ")" {
                in_block = false;
            } else if !t.is_empty() {
                m.has_requires = true;
                push_go(&mut m, t, start, line);
            }
        } else if let Some(rest) = t.strip_prefix("require") {
            let rest = rest.trim();
            if rest == "(" {
                in_block = true;
            } else if !rest.is_empty() {
                m.has_requires = true;
                push_go(&mut m, rest, start, line);
            }
        }
    }
    m
}

fn push_go(m: &mut Manifest, t: &str, start: usize, line: &str) {
    let mut parts = t.split_whitespace();
    if let Some(name) = parts.next() {
        let lead = line.len() - line.trim_start().len();
        m.deps.push(Dep {
            name: name.to_string(),
            spec: parts.next().unwrap_or("").to_string(),
            span: start + lead..start + line.trim_end().len(),
            hashed: false,
            git_pinned: None,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ruby_php_java_dotnet_manifests() {
        let g = parse(
            ManifestKind::Gemfile,
            "source \"https://rubygems.org\"\ngem \"rails\", \"~> 7.1\", \">= 7.1.2\" # web\n  gem 'acme', git: 'https://x/acme.git', branch: 'main'\n# gem \"old\"\ngem \"pinned\", github: \"a/b\", ref: \"abc\"\n",
        )
        .unwrap();
        let deps: Vec<(&str, &str, Option<bool>)> = g
            .deps
            .iter()
            .map(|d| (d.name.as_str(), d.spec.as_str(), d.git_pinned))
            .collect();
        assert_eq!(
            deps,
            [
                ("rails", "~> 7.1, >= 7.1.2", None),
                ("acme", "", Some(false)),
                ("pinned", "", Some(true))
            ]
        );
        let c = parse(
            ManifestKind::ComposerJson,
            r#"{"require": {"php": "^8.2", "a/b": "dev-main"}, "require-dev": {"c/d": "*"}}"#,
        )
        .unwrap();
        assert_eq!(c.deps.len(), 3);
        let pom = parse(
            ManifestKind::PomXml,
            "<project><dependencies>\n<!-- <dependency><groupId>x</groupId><artifactId>gone</artifactId></dependency> -->\n<dependency>\n<groupId>org.a</groupId>\n<artifactId>b</artifactId>\n<version>LATEST</version>\n</dependency>\n<dependency><groupId>org.c</groupId><artifactId>d</artifactId></dependency>\n</dependencies></project>",
        )
        .unwrap();
        let deps: Vec<(&str, &str)> = pom
            .deps
            .iter()
            .map(|d| (d.name.as_str(), d.spec.as_str()))
            .collect();
        assert_eq!(deps, [("org.a:b", "LATEST"), ("org.c:d", "")]);
        let gradle = parse(
            ManifestKind::Gradle,
            "dependencies {\n  implementation 'org.a:b:1.+'\n  // implementation 'x:y:z'\n  testImplementation(\"org.c:d:2.0\")\n  implementation \"org.e:f:$v\"\n}\n",
        )
        .unwrap();
        let deps: Vec<(&str, &str)> = gradle
            .deps
            .iter()
            .map(|d| (d.name.as_str(), d.spec.as_str()))
            .collect();
        assert_eq!(deps, [("org.a:b", "1.+"), ("org.c:d", "2.0")]);
        let cs = parse(
            ManifestKind::Csproj,
            "<Project><ItemGroup>\n<PackageReference Include=\"Serilog\" Version=\"3.*\" />\n<PackageReference Include=\"Npgsql\">\n<Version>8.0.2</Version>\n</PackageReference>\n</ItemGroup></Project>",
        )
        .unwrap();
        let deps: Vec<(&str, &str)> = cs
            .deps
            .iter()
            .map(|d| (d.name.as_str(), d.spec.as_str()))
            .collect();
        assert_eq!(deps, [("Serilog", "3.*"), ("Npgsql", "8.0.2")]);
        // quoted strings with multi-byte text around them
        assert_eq!(quoted("gem \"é\", 'ü' ✓").len(), 2);
    }

    #[test]
    fn requirements_lines() {
        let text = "# c\nflask==3.0.0\nrequests>=2 # why\n-r base.txt\n-c constraints.txt\n./local\ngunicorn[gevent]\n";
        let m = parse(ManifestKind::Requirements, text).unwrap();
        let names: Vec<_> = m.deps.iter().map(|d| d.name.as_str()).collect();
        assert_eq!(names, ["flask", "requests", "gunicorn"]);
        assert_eq!(m.deps[1].spec, ">=2");
        assert_eq!(&text[m.deps[1].span.clone()], "requests>=2");
        assert!(m.constrained);
        assert_eq!(m.includes, ["base.txt", "constraints.txt"]);
    }

    #[test]
    fn package_json_and_cargo() {
        let m = parse(
            ManifestKind::PackageJson,
            r#"{"dependencies": {"express": "*"}}"#,
        )
        .unwrap();
        assert_eq!(m.deps[0].spec, "*");
        let m = parse(
            ManifestKind::CargoToml,
            "[dependencies]\nserde = \"1\"\nx = { git = \"https://g\", branch = \"main\" }\ny = { path = \"../y\" }\n",
        )
        .unwrap();
        assert_eq!(m.deps.len(), 2);
        assert_eq!(m.deps[1].git_pinned, Some(false));
        assert!(parse(ManifestKind::CargoToml, "[dependencies\n").is_err());
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_stack_overflow() {
        let text = "a = ".to_string() + &"[".repeat(50_000);
        let e = parse(ManifestKind::CargoToml, &text).unwrap_err();
        assert!(e.message.contains("nesting"));
        assert!(parse(ManifestKind::PackageJson, &"[".repeat(50_000)).is_err());
        assert!(nesting_exceeds("a = \"[[[[\"", 2).is_none());
    }

    #[test]
    fn go_requires() {
        let m = parse(
            ManifestKind::GoMod,
            "module x\n\nrequire (\n\tgithub.com/a/b v1.0.0\n)\n",
        )
        .unwrap();
        assert!(m.has_requires);
        assert_eq!(m.deps[0].name, "github.com/a/b");
    }
}
