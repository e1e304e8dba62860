//! The code a process runs: the entry module its start command names (`gunicorn app:app` runs
//! `app.py`, `python worker.py` runs `worker.py`, `node server.js` runs `server.js`) and the
//! app's own modules it imports, transitively. A file reached only from another process's entry
//! is not this process's code, so a variable only the worker reads is not the web process's.
//! What no entry reaches (a settings module a framework loads by name) stays everyone's.

use super::Project;
use super::commands::Cmd;
use super::processes::ProcessSite;
use crate::parse::code::Lang;
use crate::walk;
use foldhash::{HashMap, HashSet};
use std::collections::{BTreeSet, VecDeque};

/// What a start command names as the code it runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Entry {
    /// A file, as written (`worker.py`, `./src/server.js`).
    File(String),
    /// A Python module (`app`, `pkg.main`).
    Module(String),
}

/// Servers that take `module:attribute`.
const PY_SERVERS: &[&str] = &[
    "gunicorn",
    "uvicorn",
    "hypercorn",
    "daphne",
    "waitress-serve",
    "granian",
];

/// The entry a command names, if it names one twelve can follow.
pub fn entry_of(c: &Cmd) -> Option<Entry> {
    let c = c.unwrapped();
    let prog = c.program().to_string();
    let args: Vec<&str> = c.words.iter().skip(1).map(|(w, _)| w.as_str()).collect();
    let python = prog == "python" || prog.starts_with("python3") || prog.starts_with("python2");
    if python {
        if let Some(i) = args.iter().position(|a| *a == "-m") {
            let m = args.get(i + 1)?;
            // `python -m gunicorn app:app`, `python -m celery -A app worker`
            if PY_SERVERS.contains(m) || *m == "celery" {
                return server_module(&args[i + 1..]);
            }
            return Some(Entry::Module((*m).to_string()));
        }
        let file = args.iter().find(|a| !a.starts_with('-'))?;
        return file
            .ends_with(".py")
            .then(|| Entry::File((*file).to_string()));
    }
    if PY_SERVERS.contains(&prog.as_str()) || prog == "celery" {
        return server_module(&c.words.iter().map(|(w, _)| w.as_str()).collect::<Vec<_>>());
    }
    if matches!(
        prog.as_str(),
        "node" | "nodemon" | "ts-node" | "tsx" | "bun" | "deno"
    ) {
        let file = args.iter().find(|a| !a.starts_with('-') && **a != "run")?;
        let js = [".js", ".mjs", ".cjs", ".ts", ".mts", ".jsx", ".tsx"];
        return js
            .iter()
            .any(|e| file.ends_with(e))
            .then(|| Entry::File((*file).to_string()));
    }
    None
}

/// The module of `gunicorn … app:app`, `uvicorn pkg.main:app`, `celery -A proj worker`.
fn server_module(words: &[&str]) -> Option<Entry> {
    if words.first() == Some(&"celery") {
        let i = words.iter().position(|w| *w == "-A" || *w == "--app")?;
        let m = words.get(i + 1)?;
        let m = m.split(':').next()?;
        return Some(Entry::Module(
            m.strip_suffix(".celery").unwrap_or(m).to_string(),
        ));
    }
    words.iter().skip(1).find_map(|w| {
        let (module, attr) = w.split_once(':')?;
        let ident = |s: &str| {
            s.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
                && s.chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.')
        };
        (ident(module)
            && ident(attr.trim_end_matches("()"))
            && !module.starts_with('.')
            && !w.contains('/'))
        .then(|| Entry::Module(module.to_string()))
    })
}

impl Project {
    /// Per process of app `ai` (indices into `processes`), the sources (indices into `sources`)
    /// of the code it runs; `None` for a process whose code twelve cannot tell, which runs all
    /// of the app's code.
    pub fn process_code(&self, ai: usize) -> &[(usize, Option<BTreeSet<usize>>)] {
        match self.index.process_code.get(ai) {
            Some(memo) => memo.get_or_init(|| self.compute_process_code(ai)),
            None => &[],
        }
    }

    fn compute_process_code(&self, ai: usize) -> Vec<(usize, Option<BTreeSet<usize>>)> {
        let app_sources: Vec<usize> = self.source_indices_of_app(ai).collect();
        let by_path: HashMap<&str, usize> = app_sources
            .iter()
            .map(|si| (self.rel(self.sources[*si].file), *si))
            .collect();
        let context = self.apps[ai].context.clone().unwrap_or_default();
        let procs: Vec<usize> = self
            .processes
            .iter()
            .enumerate()
            .filter(|(_, p)| p.app == ai)
            .map(|(pi, _)| pi)
            .collect();
        // the app's files each file imports, resolved once (files of one directory import the
        // same modules: each is resolved once per directory)
        let mut resolved: HashMap<(Lang, &str, &str), Vec<usize>> = HashMap::default();
        // a Python module `a.b` is a file `b.py` or a package directory `b`: imports of
        // modules the app has no file or directory for (the standard library, dependencies)
        // are not looked up
        let py_stems: HashSet<&str> = by_path
            .keys()
            .filter_map(|r| walk::file_name(r).strip_suffix(".py"))
            .collect();
        let dirs: HashSet<&str> = by_path
            .keys()
            .map(|r| walk::file_name(walk::parent_dir(r)))
            .collect();
        let may_be_local = |lang: Lang, m: &str| {
            if lang != Lang::Python {
                return true;
            }
            let last = m.rsplit('.').next().unwrap_or(m);
            last.is_empty() || dirs.contains(last) || py_stems.contains(last)
        };
        let python = PythonModules::new(by_path.iter().map(|(p, si)| (*p, *si)));
        let mut edges: HashMap<usize, Vec<usize>> = HashMap::default();
        for si in &app_sources {
            let src = &self.sources[*si];
            let dir = walk::parent_dir(self.rel(src.file));
            let mut targets = Vec::new();
            for m in self.code(src).modules {
                if !may_be_local(src.lang, m) {
                    continue;
                }
                let found =
                    resolved
                        .entry((src.lang, dir, m.as_str()))
                        .or_insert_with(|| match src.lang {
                            Lang::Python => python.resolve(dir, m),
                            _ => module_files(src.lang, dir, m)
                                .iter()
                                .filter_map(|f| by_path.get(f.as_str()).copied())
                                .collect(),
                        });
                targets.extend(found.iter().copied());
            }
            edges.insert(*si, targets);
        }
        // files that run as scripts of their own: a `__main__` guard, and no file imports them
        let imported: BTreeSet<usize> = edges.values().flatten().copied().collect();
        let scripts: BTreeSet<usize> = app_sources
            .iter()
            .copied()
            .filter(|si| {
                !imported.contains(si)
                    && self.sources[*si]
                        .facts
                        .rare
                        .calls
                        .iter()
                        .any(|c| c.main_guard)
            })
            .collect();
        // each process's entry and what it reaches
        let reached: Vec<Option<BTreeSet<usize>>> = procs
            .iter()
            .map(|pi| {
                let entry = self.process_entry(*pi)?;
                let start = self.resolve_entry(&entry, &context, &by_path)?;
                Some(self.imports_closure(start, &by_path, &edges))
            })
            .collect();
        procs
            .iter()
            .enumerate()
            .map(|(i, pi)| {
                let Some(mine) = &reached[i] else {
                    return (*pi, None);
                };
                // every file of the app, less what only other processes' entries reach and the
                // scripts of their own (a `__main__` guard, imported by no file of the app)
                let others: BTreeSet<usize> = reached
                    .iter()
                    .enumerate()
                    .filter(|(j, _)| *j != i)
                    .filter_map(|(_, r)| r.as_ref())
                    .flatten()
                    .copied()
                    .chain(scripts.iter().copied())
                    .collect();
                let code = app_sources
                    .iter()
                    .copied()
                    .filter(|s| mine.contains(s) || !others.contains(s))
                    .collect();
                (*pi, Some(code))
            })
            .collect()
    }

    /// The entry the process's own command names, or the image's start command when it has
    /// none of its own.
    fn process_entry(&self, pi: usize) -> Option<Entry> {
        let proc = &self.processes[pi];
        let lines = self.start_commands(proc.app);
        let own: Vec<_> = lines.iter().filter(|l| l.site == Some(proc.site)).collect();
        let lines: Vec<_> = if own.is_empty() {
            // a Procfile entry has its own command, always
            if matches!(proc.site, ProcessSite::Procfile { .. }) {
                return None;
            }
            lines
                .iter()
                .filter(|l| l.site.is_none() && !l.one_off && !l.dev)
                .collect()
        } else {
            own
        };
        // the last command of a line is the one that runs (an entrypoint script `exec`s it)
        lines
            .iter()
            .rev()
            .flat_map(|l| l.cmds.iter().rev())
            .find_map(entry_of)
    }

    /// The source an entry names, looked up from the app's build context (where the image's
    /// working directory usually is) and from the root.
    fn resolve_entry(
        &self,
        entry: &Entry,
        context: &str,
        by_path: &HashMap<&str, usize>,
    ) -> Option<usize> {
        let candidates: Vec<String> = match entry {
            Entry::File(f) => {
                let f = f.trim_start_matches("./");
                let name = walk::file_name(f);
                // an absolute path inside the image (`/app/worker.py`): by its file name
                if f.starts_with('/') {
                    return by_path
                        .iter()
                        .filter(|(p, _)| walk::file_name(p) == name)
                        .map(|(_, s)| *s)
                        .min();
                }
                vec![f.to_string()]
            }
            Entry::Module(m) => python_module_files(m),
        };
        candidates.iter().find_map(|c| {
            walk::join(context, c)
                .and_then(|p| by_path.get(p.as_str()).copied())
                .or_else(|| by_path.get(c.as_str()).copied())
        })
    }

    /// The sources `start` imports of the app's code, transitively, `start` included.
    fn imports_closure(
        &self,
        start: usize,
        by_path: &HashMap<&str, usize>,
        edges: &HashMap<usize, Vec<usize>>,
    ) -> BTreeSet<usize> {
        let mut seen = BTreeSet::from([start]);
        let mut queue = VecDeque::from([start]);
        while let Some(si) = queue.pop_front() {
            let src = &self.sources[si];
            let rel = self.rel(src.file);
            let dir = walk::parent_dir(rel);
            for &t in edges.get(&si).into_iter().flatten() {
                if seen.insert(t) {
                    queue.push_back(t);
                }
            }
            // a package's `__init__.py` runs when anything in it is imported
            if src.lang == Lang::Python
                && let Some(init) = walk::join(dir, "__init__.py")
                && let Some(&t) = by_path.get(init.as_str())
                && seen.insert(t)
            {
                queue.push_back(t);
            }
        }
        seen
    }
}

/// The Python files of an app by the module paths they may be imported as: `a/b/c.py` (or
/// `a/b/c/__init__.py`) is `c` from `a/b`, `b.c` from `a` and `a.b.c` from the root. One
/// lookup resolves an import, where trying each directory above the importing file took
/// two paths per directory.
struct PythonModules<'a> {
    /// module path with `/` for `.` → (the directory it is imported from, source index)
    by_module: HashMap<&'a str, Vec<(&'a str, usize)>>,
}

impl<'a> PythonModules<'a> {
    fn new(files: impl Iterator<Item = (&'a str, usize)>) -> Self {
        let mut by_module: HashMap<&'a str, Vec<(&'a str, usize)>> = HashMap::default();
        for (path, si) in files {
            let Some(module) = path
                .strip_suffix("/__init__.py")
                .or_else(|| path.strip_suffix(".py"))
            else {
                continue;
            };
            if module.is_empty() || module.ends_with('/') {
                continue;
            }
            by_module.entry(module).or_default().push(("", si));
            for (i, _) in module.match_indices('/') {
                if let (Some(base), Some(rest)) = (module.get(..i), module.get(i + 1..))
                    && !rest.is_empty()
                {
                    by_module.entry(rest).or_default().push((base, si));
                }
            }
        }
        PythonModules { by_module }
    }

    /// The files an import written in a file of `dir` may name: absolute imports from `dir`
    /// and each directory above it (the package roots the interpreter may have on its path),
    /// relative ones (`.db`, `..models`) from the file's own package up.
    fn resolve(&self, dir: &str, module: &str) -> Vec<usize> {
        let dots = module.chars().take_while(|c| *c == '.').count();
        let rest = module.get(dots..).unwrap_or("");
        if rest.is_empty() {
            return Vec::new();
        }
        let key = rest.replace('.', "/");
        let Some(files) = self.by_module.get(key.as_str()) else {
            return Vec::new();
        };
        let mut out: Vec<usize> = if dots > 0 {
            // `.` is the file's own package, each further dot one up
            let mut base = dir;
            for _ in 1..dots {
                base = walk::parent_dir(base);
            }
            files
                .iter()
                .filter(|(b, _)| *b == base)
                .map(|(_, si)| *si)
                .collect()
        } else {
            files
                .iter()
                .filter(|(b, _)| b.is_empty() || walk::is_within(dir, b))
                .map(|(_, si)| *si)
                .collect()
        };
        out.sort_unstable();
        out.dedup();
        out
    }
}

/// The files a Python module may be, relative to a root (`a.b` → `a/b.py`, `a/b/__init__.py`).
fn python_module_files(module: &str) -> Vec<String> {
    let path = module.replace('.', "/");
    vec![format!("{path}.py"), format!("{path}/__init__.py")]
}

/// The repository paths a JavaScript relative specifier written in a file of `dir` may name,
/// with its extensions (Python imports: `PythonModules`).
fn module_files(lang: Lang, dir: &str, module: &str) -> Vec<String> {
    match lang {
        Lang::JavaScript | Lang::TypeScript => {
            let Some(base) = walk::join(dir, module) else {
                return Vec::new();
            };
            let mut out = vec![base.clone()];
            for ext in ["js", "mjs", "cjs", "ts", "mts", "jsx", "tsx"] {
                out.push(format!("{base}.{ext}"));
                out.push(format!("{base}/index.{ext}"));
            }
            out
        }
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn python_imports_resolve_from_the_file_and_its_parents() {
        let files = [
            "app/api/app/config.py",
            "app/config.py",
            "app/api/db/__init__.py",
            "app/models.py",
            "other/app/config.py",
            "app/api/routes.py",
            "config.py",
        ];
        let modules = PythonModules::new(files.iter().enumerate().map(|(i, f)| (*f, i)));
        let names = |got: Vec<usize>| -> Vec<&str> { got.into_iter().map(|i| files[i]).collect() };
        // from the file's directory and each one above, never from a sibling tree
        assert_eq!(
            names(modules.resolve("app/api", "app.config")),
            vec!["app/api/app/config.py", "app/config.py"]
        );
        assert_eq!(
            names(modules.resolve("app/api", "config")),
            vec!["app/config.py", "config.py"]
        );
        assert_eq!(names(modules.resolve("other", "config")), vec!["config.py"]);
        // relative: the file's own package, one up per further dot
        assert_eq!(
            names(modules.resolve("app/api", ".db")),
            vec!["app/api/db/__init__.py"]
        );
        assert_eq!(
            names(modules.resolve("app/api", "..models")),
            vec!["app/models.py"]
        );
        assert_eq!(
            names(modules.resolve("app/api", "..db")),
            Vec::<&str>::new()
        );
        assert!(modules.resolve("app/api", "os.path").is_empty());
        assert!(modules.resolve("app/api", ".").is_empty());
        let js = module_files(Lang::JavaScript, "src", "./db");
        assert!(js.contains(&"src/db.js".to_string()));
        assert!(js.contains(&"src/db/index.ts".to_string()));
    }

    #[test]
    fn server_commands_name_their_module() {
        let m = |w: &[&str]| server_module(w);
        assert_eq!(
            m(&["gunicorn", "-b", "0.0.0.0:8000", "-w", "2", "app:app"]),
            Some(Entry::Module("app".into()))
        );
        assert_eq!(
            m(&["uvicorn", "pkg.main:create_app()", "--port", "80"]),
            Some(Entry::Module("pkg.main".into()))
        );
        assert_eq!(
            m(&["celery", "-A", "proj.celery", "worker"]),
            Some(Entry::Module("proj".into()))
        );
        // a bind address is no module
        assert_eq!(m(&["gunicorn", "--bind", "0.0.0.0:8000"]), None);
    }
}
