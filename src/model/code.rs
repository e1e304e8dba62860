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
}

/// Where a file's facts are in the project's `CodeTables`, and what is kept per file: the
/// rare facts (most files have none) and whether its parse hit an error.
#[derive(Debug, Default)]
pub struct FileFacts {
    /// Per list of `CodeTables`, in field order: where the file's entries start and end.
    ranges: [(u32, u32); 6],
    pub has_error: bool,
    pub rare: RareBox,
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

/// The entries of `list` in `r`; none once the tables are released (`release`).
fn slice<T>(list: &[T], (start, end): (u32, u32)) -> &[T] {
    list.get(start as usize..end as usize).unwrap_or_default()
}

/// Move `items` to the end of `list`, answering where they are.
fn append<T>(list: &mut Vec<T>, items: impl Iterator<Item = T>) -> (u32, u32) {
    let start = list.len();
    list.extend(items);
    (to_u32(start), to_u32(list.len()))
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
        FileFacts {
            ranges: [
                append(&mut self.imports, imports.into_iter()),
                append(&mut self.modules, modules.into_iter()),
                append(&mut self.env_reads, env_reads.into_iter()),
                append(&mut self.bindings, bindings.into_iter()),
                append(&mut self.urls, urls.into_iter()),
                append(&mut self.test_spans, test_spans.into_iter()),
            ],
            has_error,
            rare,
        }
    }

    /// The facts `f` locates.
    pub fn get<'a>(&'a self, f: &'a FileFacts) -> Code<'a> {
        let [imports, modules, env_reads, bindings, urls, test_spans] = f.ranges;
        Code {
            imports: slice(&self.imports, imports),
            modules: slice(&self.modules, modules),
            env_reads: slice(&self.env_reads, env_reads),
            bindings: slice(&self.bindings, bindings),
            urls: slice(&self.urls, urls),
            test_spans: slice(&self.test_spans, test_spans),
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

    /// The range of imports (for tests of the tables).
    #[cfg(test)]
    fn imports(&self) -> std::ops::Range<usize> {
        self.ranges[0].0 as usize..self.ranges[0].1 as usize
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
        assert_eq!(at[2].imports(), 2..3);
        t.shrink_to_fit();
        assert_eq!(t.imports.capacity(), 3);
        at[0].release();
        assert!(t.get(&at[0]).imports.is_empty());
    }
}
