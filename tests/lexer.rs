//! The lexical front ends (`parse::code::{pylex, golex, rustlex, jslex, rubylex}`) give, for
//! every file they take, the facts the tree-sitter walk gives: on every Python, Go, Rust,
//! JavaScript and Ruby file of the fixtures and the shared corpora (and of any folder in
//! `TWELVE_LEXER_ROOTS`, colon-separated: CI adds a generated monorepo), on snippets of the
//! shapes they take and decline, and on generated text. Where one cannot be exact it must
//! decline.

use proptest::prelude::*;
use std::path::{Path, PathBuf};
use twelve::parse::code::{
    CodeFacts, golang, golex, javascript, jslex, pylex, ruby, rubylex, rust, rustlex,
};
use twelve::parse::python;

/// A language's front ends: the lexical one, the whole parse (lexical or tree), the tree alone.
struct Front {
    exts: &'static [&'static str],
    lexical: fn(&str) -> Option<CodeFacts>,
    parse: fn(&str) -> CodeFacts,
    tree: fn(&str) -> CodeFacts,
}

const PYTHON: Front = Front {
    exts: &["py", "pyi"],
    lexical: pylex::facts,
    parse: python::parse,
    tree: python::parse_with_tree,
};

const RUST: Front = Front {
    exts: &["rs"],
    lexical: rustlex::facts,
    parse: rust::parse,
    tree: rust::parse_with_tree,
};

const JAVASCRIPT: Front = Front {
    exts: &["js", "mjs", "cjs", "jsx"],
    lexical: jslex::facts,
    parse: |t| javascript::parse(t, javascript::Dialect::JavaScript),
    tree: |t| javascript::parse_with_tree(t, javascript::Dialect::JavaScript),
};

const GO: Front = Front {
    exts: &["go"],
    lexical: golex::facts,
    parse: golang::parse,
    tree: golang::parse_with_tree,
};

const RUBY: Front = Front {
    exts: &["rb"],
    lexical: rubylex::facts,
    parse: ruby::parse,
    tree: ruby::parse_with_tree,
};

fn source_files(dir: &Path, exts: &[&str], out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<_> = entries.flatten().collect();
    entries.sort_by_key(|e| e.path());
    for e in entries {
        let Ok(t) = e.file_type() else { continue };
        let p = e.path();
        if t.is_dir() {
            if !matches!(
                p.file_name().and_then(|n| n.to_str()),
                Some(".git" | "node_modules" | "target")
            ) {
                source_files(&p, exts, out);
            }
        } else if t.is_file()
            && p.extension()
                .and_then(|x| x.to_str())
                .is_some_and(|x| exts.contains(&x))
        {
            out.push(p);
        }
    }
}

/// The facts both ways, when the front end takes the text: `(lexical, tree)`.
fn both(front: &Front, text: &str) -> Option<(String, String)> {
    (front.lexical)(text)?;
    // the calls the model and rules read (every front end's facts are trimmed to them)
    let judged = |mut f: CodeFacts| {
        f.keep_judged_calls();
        format!("{f:#?}")
    };
    Some((judged((front.parse)(text)), judged((front.tree)(text))))
}

fn first_difference(a: &str, b: &str) -> String {
    let (a, b): (Vec<&str>, Vec<&str>) = (a.lines().collect(), b.lines().collect());
    let i = a
        .iter()
        .zip(&b)
        .position(|(x, y)| x != y)
        .unwrap_or(a.len().min(b.len()));
    let from = i.saturating_sub(6);
    format!(
        "lexical:\n{}\ntree:\n{}",
        a.get(from..(i + 3).min(a.len())).unwrap_or(&[]).join("\n"),
        b.get(from..(i + 3).min(b.len())).unwrap_or(&[]).join("\n"),
    )
}

/// Every file of the language under the fixtures, `../shared` and `TWELVE_LEXER_ROOTS`:
/// where the front end takes one, its facts are the tree's. Returns how many it took.
fn agrees_on_every_file(front: &Front) -> usize {
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut roots = vec![
        here.join("fixtures"),
        here.join("../shared/corpus"),
        here.join("../shared/corpus-apps"),
    ];
    if let Ok(extra) = std::env::var("TWELVE_LEXER_ROOTS") {
        roots.extend(
            extra
                .split(':')
                .filter(|s| !s.is_empty())
                .map(PathBuf::from),
        );
    }
    let mut files = Vec::new();
    for r in &roots {
        source_files(r, front.exts, &mut files);
    }
    let (mut taken, mut bytes, mut taken_bytes) = (0usize, 0usize, 0usize);
    let mut wrong = Vec::new();
    for f in &files {
        let Ok(text) = std::fs::read_to_string(f) else {
            continue;
        };
        bytes += text.len();
        if let Some((lexical, tree)) = both(front, &text) {
            taken += 1;
            taken_bytes += text.len();
            if lexical != tree {
                if let Ok(dump) = std::env::var("TWELVE_LEXER_DUMP") {
                    let _ = std::fs::write(format!("{dump}.lex"), &lexical);
                    let _ = std::fs::write(format!("{dump}.tree"), &tree);
                }
                wrong.push(format!(
                    "{}\n{}",
                    f.display(),
                    first_difference(&lexical, &tree)
                ));
            }
        }
    }
    eprintln!(
        "{}: {taken} of {} files ({} of {} KB) read without a tree",
        front.exts[0],
        files.len(),
        taken_bytes / 1024,
        bytes / 1024
    );
    assert!(
        wrong.is_empty(),
        "{} files where the lexical facts differ from the tree's:\n\n{}",
        wrong.len(),
        wrong
            .iter()
            .take(8)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n\n")
    );
    taken
}

#[test]
fn the_lexical_front_end_agrees_with_the_tree_on_every_python_file() {
    let taken = agrees_on_every_file(&PYTHON);
    // the fixtures alone hold dozens of Python files the front end must take
    assert!(taken >= 20, "the front end took only {taken} files");
}

#[test]
fn the_lexical_front_end_agrees_with_the_tree_on_every_rust_file() {
    let taken = agrees_on_every_file(&RUST);
    assert!(taken >= 5, "the front end took only {taken} files");
}

#[test]
fn the_lexical_front_end_agrees_with_the_tree_on_every_javascript_file() {
    let taken = agrees_on_every_file(&JAVASCRIPT);
    assert!(taken >= 5, "the front end took only {taken} files");
}

#[test]
fn the_lexical_front_end_agrees_with_the_tree_on_every_ruby_file() {
    assert!(agrees_on_every_file(&RUBY) > 0);
}

#[test]
fn the_lexical_front_end_agrees_with_the_tree_on_every_go_file() {
    let taken = agrees_on_every_file(&GO);
    assert!(taken >= 5, "the front end took only {taken} files");
}

/// Snippets the front end must take, and where it must agree with the tree.
#[test]
fn python_shapes_read_without_a_tree() {
    let cases = [
        "import os, yaml\nimport a.b as c\nfrom . import local\nfrom ..x.y import (p, q as r,)\nfrom m import *\nfrom __future__ import annotations\n",
        "DB = os.environ.get(\"DATABASE_URL\", \"postgres://u@db/app\")\nT = float(os.getenv('T', '5'))\nP = os.getenv(\"PORT\", default=8000)\nQ = os.environ.get(\"Q\", os.getenv(\"R\", \"x\"))\n",
        "x: str = \"/home/ann/data.csv\"\nself.name = 'n'\na = b = \"chain\"\nc = ('paren')\nd = \"a\" \"b\"\ne = f\"{x}/y\"\ng = f\"{{x}}\"\n",
        "cfg = {\"password\": \"hunter22\", \"nested\": {\"k\": \"v\"}, **other}\nd = {\"a\": \"b\" for _ in range(3)}\n",
        "def f(a=\"default\", *, b=g(c=\"kw\")):\n    return h(d=\"e\", f=i(j=\"k\"), l=\"m\")\n",
        "class A(B, metaclass=M, tag=\"t\"):\n    x = 'y'\n    if z: w = \"inline\"\n    else:\n        pass\n",
        "s = '''multi\nline \"quoted\" '''\nr = rb'\\x00' + b\"\\\\\"\nu = u'ü ☃ 😀'\n# comment with \"quotes\" and environ\n",
        "@decorator(name=\"n\")\nasync def f():\n    await g(key=\"v\")\n    return {**a, \"k\": \"v\"}\n",
        "SECRET_KEY = secrets.token_hex(32)\nself.signing_key: bytes = os.urandom(16)\nid = uuid4()\n",
        "def upgrade():\n    op.add_column(\"t\", sa.Column(\"c\", default=\"d\"))\nclass Base(Model):\n    id = Column(default=uuid4)\n",
        "from ...db.models import (A,\n    B)\nself.items[0].name = value\n",
        "x = f\"{d['key']} and {', '.join(names)} {y:>{w}}\"\nz = f'{d[\"k\"]}'\n",
        "x = (\"implicit\"\n     \"join\")\ny = [\n    \"a\",  # comment\n    \"b\",\n]\nz = 1 if a else \\\n    2\n",
        // patterns: their strings are literals, their pairs no bindings, their classes no calls
        "match p:\n    case {\"k\": \"v\", \"url\": str(u)} if u.startswith(\"http://x/\"):\n        y = \"z\"\n    case [\"/home/ann/a\" \"b\", *_] | Point(x=\"q\"):\n        pass\n    case _:\n        pass\n",
        "case = \"not a pattern\"\ncase.x = 1\n",
        // a script's guard: the first call under it, as the tree walk meets calls
        "import sys\n\ndef main():\n    pass\n\nif __name__ == \"__main__\":\n    main()\n",
        "if __name__ == '__main__': sys.exit(main(sys.argv[1:]))\n",
        "if \"__main__\" == __name__:\n    x = load(\"cfg\")\n    cli(obj={})\n",
        "if __name__ == \"__main__\":\n    f(a)(b)\n    d[g(1)](2)\n",
        "if __name__ == \"__main__\":\n    x = [1, 2]\n    \"{}\".format(x).strip()\n",
        "if __name__ == \"__main__\":\n    d[g(1)](2)\n    f(a)(b)\n",
        "if __name__ == \"__main__\":\n    class A(B):\n        pass\n    (lambda: go())()\n",
        "if __name__ == \"__main__\":\n    # the entry\n    print(f\"serving {port}\")\n# after\nfoo()\n",
        "@command(name=\"x\")\ndef main():\n    pass\nif __name__ == \"__main__\":\n    main.go(obj={}, auto_envvar_prefix=\"APP\")\n",
    ];
    for text in cases {
        let Some((lexical, tree)) = both(&PYTHON, text) else {
            panic!("the front end declined:\n{text}");
        };
        assert_eq!(lexical, tree, "{text}");
    }
}

/// Go snippets the front end must take, and where it must agree with the tree.
#[test]
fn go_shapes_read_without_a_tree() {
    let cases = [
        "package main\n\nimport (\n\t\"fmt\"\n\tlog \"github.com/sirupsen/logrus\"\n\t_ \"embed\"\n\t. \"strings\"\n)\nimport \"os\"\n",
        "package c\n\nconst (\n\tA = \"a\"\n\tB, C = \"b\", \"c\"\n\tD\n)\nvar x string = `raw\nline`\nvar y = \"http://svc:8080/x\"\n",
        "package c\n\nfunc f() {\n\tdsn := os.Getenv(\"DATABASE_URL\")\n\tv, ok := os.LookupEnv(\"V\")\n\tcfg.Addr = \"localhost:6379\"\n\tm[\"k\"] = \"v\"\n\tif s := \"x\"; s != \"\" {\n\t}\n}\n",
        "package c\n\nvar c = Config{Name: \"n\", Inner: Inner{Path: \"/home/ann/x\"}, List: []string{\"a\"}}\nvar m = map[string]string{\"a\": \"b\", `c`: \"d\"}\n",
        "package c\n\nfunc g() {\n\tfor _, s := range []string{\"a\", \"b\"} {\n\t\tx := T{K: s}\n\t}\n\tswitch v {\n\tcase \"a\":\n\t\ty := \"z\"\n\t}\n\tr := '\\''\n\t/* a\n\tcomment */ z := \"w\"\n}\n",
        "package c\n\nvar o = sql.TxOptions{Isolation: sql.LevelSerializable, ReadOnly: true}\nvar p = stripmd.Options{SkipImages: true, Name: \"x\"}\n",
        "package c\n\ntype I interface {\n\tRun() error\n\tStart(ctx context.Context)\n}\ntype S struct {\n\tName string `json:\"name\"`\n}\nfunc (s *S) Run() error { return nil }\n",
    ];
    for text in cases {
        let Some((lexical, tree)) = both(&GO, text) else {
            panic!("the front end declined:\n{text}");
        };
        assert_eq!(lexical, tree, "{text}");
    }
}

/// Rust snippets the front end must take, and where it must agree with the tree.
#[test]
fn rust_shapes_read_without_a_tree() {
    let cases = [
        "use axum::Router;\npub use ::serde::{Deserialize, Serialize};\nuse crate::config;\nuse std::env;\npub(crate) use {a, b};\n",
        "const NAME: &str = \"svc\";\npub static URL: &str = r#\"http://h:1/\"#;\nstatic mut X: &[u8] = b\"x\";\nconst fn f() {}\n",
        "fn f() {\n    let x = \"a\";\n    let mut y: &str = \"/home/ann/x\";\n    let z = \"b\".to_string();\n    let c = Config { host: \"db\", port: 5432, inner: Inner { path: \"p\" }, ..Default::default() };\n}\n",
        "fn g() -> String {\n    let u = std::env::var(\"UPSTREAM\").unwrap_or_else(|_| \"http://upstream:9000\".to_string());\n    let p = env::var(\"PORT\").ok().and_then(|p| p.parse().ok()).unwrap_or(8080);\n    let h = env::var(\"HOST\").unwrap_or(\"0.0.0.0\".into());\n    if env::var(\"X\").is_err() {}\n    u\n}\n",
        "#[derive(Debug, Deserialize)]\n#[serde(rename_all = \"camelCase\")]\nstruct S {\n    #[serde(default = \"d\")]\n    a: String,\n}\n#[cfg(test)]\nmod tests {\n    use super::*;\n    #[test]\n    fn t() { let s = \"secret\"; }\n}\n",
        "fn h<'a>(x: &'a str) -> char {\n    let c = '\\'';\n    let d = 'é';\n    'outer: loop { break 'outer; }\n    println!(\"{} {}\", x, env::var(\"IN_MACRO\").unwrap());\n    /* nested /* comment */ \"no\" */\n    c\n}\n",
        "impl T {\n    fn run(&self) {}\n    pub async fn connect(&self) -> r#type { todo!() }\n}\nmacro_rules! m { ($x:expr) => { $x }; }\n",
    ];
    for text in cases {
        let Some((lexical, tree)) = both(&RUST, text) else {
            panic!("the front end declined:\n{text}");
        };
        assert_eq!(lexical, tree, "{text}");
    }
}

/// Rust snippets only the tree reads exactly.
#[test]
fn rust_shapes_left_to_the_tree() {
    let cases = [
        "fn main() { let db = env::var(\"DATABASE_URL\")?; }\n",
        "fn main() { let t = env::var(\"T\").expect(\"T\"); }\n",
        "fn main() { HttpServer::new(f).bind((\"0.0.0.0\", 8080)).run(); }\n",
        "fn main() { let p = PgPool::connect(&url); }\n",
        "fn main() { Command::new(\"git\").output(); }\n",
        "fn main() { let a = tracing_appender::rolling::daily(\"/var/log\", \"app.log\"); }\n",
        "fn main() { match c { Config { host: \"x\" } => {} _ => {} } }\n",
        "#[cfg(test)]\nconst X: &str = \"t\";\n",
        "fn main() { let x = \"unterminated; }\n",
        "fn main() { f(\n",
        "fn main() { let x = $y; }\n",
        "fn main() { let s = c\"cstr\"; }\n",
    ];
    for text in cases {
        assert!(
            rustlex::facts(text).is_none(),
            "the front end took:\n{text}"
        );
    }
}

/// JavaScript snippets the front end must take, and where it must agree with the tree.
#[test]
fn javascript_shapes_read_without_a_tree() {
    let cases = [
        "#!/usr/bin/env node\nimport express from \"express\";\nimport { a, b as c } from \"./local\";\nimport * as ns from \"@scope/pkg/sub\";\nimport \"node:fs\";\nconst x = require(\"axios\");\nconst y = await import(\"./lazy.js\");\nexport * from \"./re\";\n",
        "const upstream = process.env.UPSTREAM || \"http://upstream:9000\";\nconst timeout = Number(process.env.HTTP_TIMEOUT || 5000);\nconst port = process.env.PORT ?? 3000\nconst name = process.env[\"APP_NAME\"] || `app`;\nconst key = process.env.API_KEY;\nlog(process.env.LEVEL, 1);\nconst v = process.env.VITE_X;\n",
        "const A = \"a\", B = 'b';\nlet c = `tpl`;\nmodule.exports.d = \"d\";\nthis.e = \"e\";\nx = y = \"z\"\nconst cfg = { host_name: \"h\", \"quoted\": 'q', 1.5: \"n\", nested: { k: \"v\" }, t: `x${y}` };\n",
        "function f(a, b = 1) {\n  return a / b / 2;\n}\nconst r = /\"[a-z]+\\/x/gi.test(s);\nconst d = (a + b) / 2;\nconst o = c ? { k: \"v\" } : [];\nswitch (x) { case \"a\": { y(); break; } default: z(); }\n",
        "class A extends B {\n  static name = \"static\";\n  #secret = \"p\";\n  constructor(id, tags = []) { super(); this.id = id; }\n  get v() { return { a: \"b\" }; }\n}\nconst { a, b: { c } } = obj;\n",
        "const s = 'it\\'s';\nconst u = \"/home/ann/x\";\n/* block\n comment */ const w = \"w\"\n(function () {})();\n",
    ];
    // semicolon-less code: the operator limit counts a statement's operators, and a line
    // break ends a statement as `;` does (hundreds of operators in the file)
    let long = "const a = b.c.d(e.f) + g.h\nx.y = \"z\"\n".repeat(60);
    for text in cases.iter().copied().chain([long.as_str()]) {
        let Some((lexical, tree)) = both(&JAVASCRIPT, text) else {
            panic!("the front end declined:\n{text}");
        };
        assert_eq!(lexical, tree, "{text}");
    }
    // a chain continued on the next lines is one statement: still counted
    let chain = format!("const a = b{}\n", "\n  .c(d)".repeat(200));
    assert!(jslex::facts(&chain).is_none());
}

/// JavaScript snippets only the tree reads exactly.
#[test]
fn javascript_shapes_left_to_the_tree() {
    let cases = [
        "app.listen(3000);\n",
        "if (process.env.NODE_ENV === \"production\") {}\n",
        "const a = !process.env.X;\n",
        "const b = process.env.X && y;\n",
        "if (process.env.FEATURE) { const k = process.env.KEY; }\n",
        "require(\"dotenv\").config();\n",
        "const r = new Redis({ host: \"cache\", port: 6379 });\n",
        "exec(\"git status\");\n",
        "const el = <div className=\"x\" />;\n",
        "const t = `${a[\"k\"]}`;\n",
        "function f(a = \"d\") {}\n",
        "const x = 'unterminated;\n",
        "f(\n",
        "@decorator class A {}\n",
        "const s = crypto.randomBytes(32).toString(\"hex\");\n",
    ];
    for text in cases {
        assert!(jslex::facts(text).is_none(), "the front end took:\n{text}");
    }
}

/// Ruby snippets the front end must take, and where it must agree with the tree: the order
/// of bindings is the tree walk's (a call's keyword arguments at the call's start, before the
/// pairs of a hash among its arguments), strings with escapes are no literal, single quotes
/// keep backslashes.
#[test]
fn ruby_shapes_read_without_a_tree() {
    let cases = [
        "render json: { error: \"x\" }, status: \"y\"\nfoo(a: \"1\").bar(b: \"2\")\n",
        "class Account < ApplicationRecord\n  belongs_to :family, class_name: \"Family\"\n  validates :name, presence: { message: \"blank\" }\n  scope :active, -> { where(status: \"active\") }\n  class << self\n    def x; end\n  end\nend\n",
        "x = 'it\\'s'\ny = \"a\\nb\"\nz = \"#{w = \"in\"} and #@v\"\nself.name = \"n\"\nA::B = \"c\"\nh[1] = \"v\"\n@@c = \"w\"\n$g = \"g\"\nq = r = \"k\"\n",
        "url = ENV[\"REDIS_URL\"] || \"redis://localhost:6379/1\"\nb = ENV.fetch(\"Y\") { \"z\" }\nc = ENV.fetch(\"C\", ENV.fetch(\"D\", \"/home/ann/x\"))\nENV[\"BUNDLE_GEMFILE\"] ||= File.expand_path(\"../Gemfile\", __dir__)\nok = ENV[\"SELF_HOSTED\"] == \"true\"\n",
        "def foo(a = \"x\", b: \"y\")\n  items.each { |i, j = \"q\"| k = \"r\" }\n  { :sym => \"s\", \"str\" => \"t\", Const => \"u\", 1 => \"n\", \"q\": \"v\" }\nend\nmount Sidekiq::Web => \"/sidekiq\"\n",
        "class M < ActiveRecord::Migration[7.2]\n  def change\n    execute <<~SQL.squish\n      UPDATE x SET y = 'z'\n    SQL\n    t.index [\"a\"], name: \"i\"\n    entry = build \\\n      name: \"n\"\n  end\nend\n",
        "x = %w[a b]\ny = /ab+c/i\nz = a.gsub(/x/, \"y\") if a =~ /q/\nw = [1, 2].map(&:to_s)\nv = c ? \"a\" : \"b\"\nu = \"a\" \"b\"\n",
        // precedence around a read's `||` default, and what is no default
        "a = ENV.fetch(\"A\", \"b\") || \"c\"\nb = (ENV[\"B\"] || \"x\")\nc = [ENV[\"C\"] || \"y\", 2]\nfoo ENV[\"D\"] || \"z\"\ne = !ENV[\"E\"] || \"w\"\nf = ENV[\"F\"] or raise \"missing\"\n",
        // keyword arguments: the innermost command call takes them, a modifier or `do` ends them
        "foo bar(a: \"1\"), b: \"2\"\nfoo x, bar y, a: \"1\"\nfoo a: \"b\" if c\nobj.m arg, key: \"v\" do |x|\n  y = \"z\"\nend\nx = y.z(a: 1).w b: \"c\"\n",
        // assignments: chained, in arguments, to a setter, a subscript, a safe call
        "x = y = z = \"a\"\nfoo(w = \"a\", 2)\nx.y&.z = \"w\"\nx.y[1] = \"z\"\nq = (r = \"a\")\ns = \"a\" while false\nt = \"a\" and u\n",
        // method names after `def`, parameters' defaults bind nothing
        "def ==(o)\n  x = \"y\"\nend\ndef []=(k, v)\n  x = \"y\"\nend\ndef name=(v)\n  @name = \"x\"\nend\ndef self.call(a = \"b\")\n  c = \"d\"\nend\nprivate def x(a: \"b\")\n  c = \"d\"\nend\n",
        // a local variable or a reader named like a server's setting is none; block defaults
        // of any shape; a read as the default of another
        "port = ENV.fetch(\"ES_PORT\") { 9200 }\nh = uri.port\nw = ENV.fetch(\"W\") { |k| raise \"no #{k}\" }\nv = ENV.fetch(\"V\") { 1 + 2 }\nu = ENV.fetch(\"U\") { x.map { |a|\n  a } }\nt = ENV[\"T\"] || ENV[\"T2\"] || \"c\"\n",
        // heredocs (the body skipped, the line after it read), literals inside interpolation
        "x = <<~EOS.strip\n  a \"b\" c\nEOS\ny = \"z\"\nfoo(<<~A, \"b\")\n  text\nA\nw = \"#{\"http://a.b/c\"}\"\n",
    ];
    for text in cases {
        let Some((lexical, tree)) = both(&RUBY, text) else {
            panic!("the front end declined:\n{text}");
        };
        assert_eq!(lexical, tree, "{text}");
    }
}

/// Ruby the front end must get through in linear time, without deep recursion: a chain of
/// 50,000 subscripts before a call given keywords, 100,000 comment lines between a line and
/// the `.` that continues it, 50,000 nested interpolations (declined at the nesting limit).
#[test]
fn ruby_pathological_shapes_end() {
    let chain = format!("x{}.foo a: \"b\"\n", "[1]".repeat(50_000));
    let f = rubylex::facts(&chain).expect("a long chain is Ruby the front end reads");
    assert_eq!(f.bindings.len(), 1);
    // more operators in a statement than a tree walk follows: declined
    let calls = format!("x{}.g a: \"b\"\n", ".f(1)".repeat(50_000));
    assert!(rubylex::facts(&calls).is_none());
    let comments = format!("x = y\n{}  .z(\"a\")\n", "# c\n".repeat(100_000));
    assert!(rubylex::facts(&comments).is_some());
    let nested = format!("x = {}{}\n", "\"#{".repeat(50_000), "}\"".repeat(50_000));
    assert!(rubylex::facts(&nested).is_none());
}

/// Ruby snippets only the tree reads exactly.
#[test]
fn ruby_shapes_left_to_the_tree() {
    let cases = [
        "port ENV.fetch(\"PORT\") { 3000 }\n",
        "bind \"tcp://0.0.0.0:3000\"\n",
        "config.port(3000)\n",
        "it \"works\" do\nend\n",
        "x = ENV.fetch(\"A\") {}\nif y\nend\n",
        "LOG = Logger.new(\"log/app.log\")\n",
        "use Rack::Session::Pool\n",
        "REDIS = Redis.new(host: \"redis-master\")\n",
        "if ENV[\"APP_ENV\"] == \"production\"\nend\n",
        "x = ENV.fetch(\"A\") if ENV[\"B\"]\n",
        "config.active_storage.service = :local\n",
        "describe \"x\" do\n  it \"y\" do\n  end\nend\n",
        "begin\n  connect\nrescue\n  retry\nend\n",
        "system(\"git pull\")\n",
        "x = <<~SQL\n  #{ENV[\"A\"]}\nSQL\n",
        "foo -1\n",
        "foo [1]\n",
        "x = ?a\n",
        "def syncing? = is_syncing\n",
        "x = \"unterminated\n",
        "def f\n",
        "end\n",
        "x = `ls`\n",
        "t = \"a\" rescue nil\n",
        "=begin\nc\n=end\n",
    ];
    for text in cases {
        assert!(
            rubylex::facts(text).is_none(),
            "the front end took:\n{text}"
        );
    }
}

/// Go snippets only the tree reads exactly.
#[test]
fn go_shapes_left_to_the_tree() {
    let cases = [
        "package m\nfunc main() { http.ListenAndServe(\":8080\", nil) }\n",
        "package m\nfunc main() { r.Run(\":8080\") }\n",
        "package m\nfunc main() { if os.Getenv(\"ENV\") == \"production\" {} }\n",
        "package m\nvar c = redis.NewClient(&redis.Options{Addr: \"redis:6379\"})\n",
        "package m\nvar c = x.Options{Name: \"n\", Inner: y{Host: \"cache\"}}\n",
        "package m\nfunc main() { exec.Command(\"git\").Run() }\n",
        "package m\nfunc main() { db.Ping() }\n",
        "package m\nfunc main() { for { if err := connect(); err == nil { break }; time.Sleep(time.Second) } }\n",
        "package m\nfunc main() { x := \"unterminated\n}\n",
        "package m\nfunc main() { f(\n",
        "package {{ .Name }}\n",
        "package m\nvar x = 1 # 2\n",
    ];
    for text in cases {
        assert!(golex::facts(text).is_none(), "the front end took:\n{text}");
    }
}

/// Snippets only the tree reads exactly: the front end declines them.
#[test]
fn python_shapes_left_to_the_tree() {
    let cases = [
        // the guard in another shape, or `__main__` elsewhere: the tree judges what is under it
        "if __name__ == \"__main__\":\n    main()\nelse:\n    other()\n",
        "if __name__ == \"__main__\":\n    main()\nelif x:\n    other()\n",
        "def f():\n    if __name__ == \"__main__\":\n        main()\n",
        "if __name__ == \"__main__\" and X:\n    main()\n",
        "x = \"__main__\"\nif __name__ == \"__main__\":\n    main()\n",
        "if __name__ == \"__main__\":\n    x = f\"{main()}\"\n",
        "if __name__ == \"__main__\":\n    conn = psycopg2.connect(DSN)\n",
        "app.run(host=\"0.0.0.0\", port=5000)\n",
        "x = os.environ[\"X\"]\n",
        "if os.getenv(\"ENV\") == \"production\":\n    pass\n",
        "while True:\n    try:\n        connect()\n        break\n    except E:\n        time.sleep(1)\n",
        "print \"python 2\"\n",
        "try:\n    pass\nexcept E, e:\n    pass\n",
        "x = f\"{d[\"key\"]}\"\n",
        "x = f\"{d['http://h/']}\"\n",
        "x = f\"{g(a='b')}\"\n",
        "x = f\"{subprocess.run('ls')}\"\n",
        "x = 'unterminated\n",
        "x = (1,\n",
        "if x:\ny = 1\n",
        "x = 1\n    y = 2\n",
        "{{ cookiecutter.name }} = 1\n",
        "x = `y`\n",
        "=\nimport os\n",
        "a b = 1\n",
        "x = = 1\n",
        "f(, x)\n",
        "x = 1 +\n",
        "x.\n",
        "h = logging.FileHandler(\"app.log\")\n",
        "subprocess.call([\"git\", \"status\"])\n",
        "c = connect(host=\"db\")\n",
        "x = f().attr = \"v\"\n",
        "x = (\"a\"  # between\n     \"b\")\n",
        "naïve = 1\n",
        "{% if x %}\nimport a\n{% endif %}\n",
        "match p:\n    case \"a\": y = \"b\"\n",
        "match p:\n    case f\"{x}\":\n        pass\n",
        "match p:\n    case 1:\n        pass\n    x = \"not a case\"\n",
        "match p:\n    x = \"not a case\"\n",
        "case {\"k\": \"v\"}:\n    pass\n",
        "n = 0777\n",
    ];
    for text in cases {
        assert!(pylex::facts(text).is_none(), "the front end took:\n{text}");
    }
}

fn go_piece() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("import \"os\"\n".to_string()),
        Just("import (\n\ta \"x/y\"\n\t\"z\"\n)\n".to_string()),
        Just("const X = \"é😀\"\n".to_string()),
        Just("var (\n\tA, B = \"a\", \"b\"\n\tC int\n)\n".to_string()),
        Just("func f() {\n\tx := \"y\"\n\tcfg.Host = `h`\n}\n".to_string()),
        Just("func (s *S) M(a int) (string, error) {\n\treturn \"\", nil\n}\n".to_string()),
        Just("var c = T{A: \"b\", C: []string{\"d\"}, E: map[string]string{\"f\": \"g\"}}\n".to_string()),
        Just("func g() {\n\tv := os.Getenv(\"V\")\n\t_, ok := os.LookupEnv(\"W\")\n}\n".to_string()),
        Just("func h() {\n\tfor i := 0; i < 3; i++ {\n\t\tif s := \"x\"; s != \"\" {\n\t\t}\n\t}\n}\n".to_string()),
        Just("type T struct {\n\tA string `json:\"a\"`\n}\n".to_string()),
        Just("// a comment \"x\"\n".to_string()),
        Just("var r = 'x'\n".to_string()),
        Just("func k() { switch x {\n\tcase \"a\":\n\t\ty := \"b\"\n\t} }\n".to_string()),
        Just("\n".to_string()),
    ]
}

fn ruby_piece() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("require \"x\"\n".to_string()),
        Just("X = \"é😀\"\n".to_string()),
        Just("class A < B\n  has_many :c, class_name: \"C\"\n  def d(e = \"f\", g: \"h\")\n    i = \"j\"\n  end\nend\n".to_string()),
        Just("render json: { a: \"b\" }, status: \"c\"\n".to_string()),
        Just("u = ENV[\"U\"] || \"http://u:1/\"\nv = ENV.fetch(\"V\", \"w\")\n".to_string()),
        Just("x.each do |y|\n  z = \"#{y} q\"\nend\n".to_string()),
        Just("h = { \"k\" => \"v\", :s => 'x\\'y', n: %w[a b] }\n".to_string()),
        Just("execute <<~SQL\n  SELECT 'a'\nSQL\n".to_string()),
        Just("t = c ? \"a\" : \"b\" # a comment \"x\"\n".to_string()),
        Just("foo(a: \"1\").bar(b: \"2\")\n".to_string()),
        Just("if x then y = \"z\" end\n".to_string()),
        Just("case v\nwhen \"a\" then w = \"b\"\nelse w = 'c'\nend\n".to_string()),
        Just("begin\n  x = \"y\"\nrescue StandardError => e\n  z = \"w\"\nensure\n  q = 1\nend\n".to_string()),
        Just("while i < 3 do\n  s = \"t\"\nend\nuntil j\n  k = 'l'\nend\n".to_string()),
        Just("f = ->(a, b = \"c\") { d = \"e\" }\ng = lambda { |h| i = \"j\" }\n".to_string()),
        Just("m = %i[a b]\nn = x.present? ? :y : :z\no = !p.valid?\n".to_string()),
        Just("def initialize(a, b: nil)\n  super(a, c: \"d\")\n  @e = \"f\" unless b\nend\n".to_string()),
        Just("r = s.map { |t| { u: \"v\", w: t } }\nx = y.reduce({}) { |a, b| a }\n".to_string()),
        Just("z = ENV[\"Z\"]&.to_sym || :dev\ny = ENV.fetch(\"Y\", nil)\nx = ENV['X'].presence || \"http://x:1/\"\n".to_string()),
        Just("paths << build_path(role_level:, freelance: true)\nopts[:a] = [b] if c.present?\n".to_string()),
        Just("validates :n, presence: true, format: { with: /\\A[a-z]+\\z/, message: \"bad\" }\n".to_string()),
        Just("redirect_to root_path, notice: \"Saved\", status: :see_other\n".to_string()),
        Just("x = a.b \\\n  .c(d: \"e\")\n".to_string()),
        Just("module M\n  class << self\n    attr_accessor :q\n  end\nend\n".to_string()),
        Just("\n".to_string()),
    ]
}

fn rust_piece() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("use a::b::{c, d};\n".to_string()),
        Just("pub const X: &str = \"é😀\";\n".to_string()),
        Just("static Y: &str = r##\"a\"#b\"##;\n".to_string()),
        Just(
            "fn f() {\n    let x = \"y\";\n    let c = C { a: \"b\", d: D { e: \"f\" } };\n}\n"
                .to_string()
        ),
        Just("fn g() { let u = env::var(\"U\").unwrap_or(String::from(\"d\")); }\n".to_string()),
        Just("fn g2() { let v = std::env::var_os(\"V\"); }\n".to_string()),
        Just("#[derive(Debug)]\n#[serde(rename = \"n\")]\nstruct S { a: String }\n".to_string()),
        Just("#[test]\nfn t() { let s = \"x\"; }\n".to_string()),
        Just("fn l<'a>(x: &'a str) -> char { 'x' }\n".to_string()),
        Just("// a comment \"x\"\n".to_string()),
        Just("fn m() { println!(\"{}\", \"http://h/\"); vec![1, 2]; }\n".to_string()),
        Just("impl A { fn run(&self) {} }\n".to_string()),
        Just("\n".to_string()),
    ]
}

fn js_piece() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("import x from \"y\";\n".to_string()),
        Just("const z = require(\"./z\");\n".to_string()),
        Just("const U = process.env.U || \"é😀\";\n".to_string()),
        Just("const P = Number(process.env.P || 8080);\n".to_string()),
        Just("const K = process.env.K;\n".to_string()),
        Just("let a = \"b\", c = `d`;\n".to_string()),
        Just("obj.key = 'v';\n".to_string()),
        Just("const o = { a: \"b\", c: { d: \"e\" }, f };\n".to_string()),
        Just("function g(x, y = 2) { return x / y; }\n".to_string()),
        Just("class C { m() { return \"r\"; } }\n".to_string()),
        Just("const re = /a\\/b[/]c/g;\n".to_string()),
        Just("const t = `a${b}c`;\n".to_string()),
        Just("// a comment \"x\"\n".to_string()),
        Just("x = c ? { k: \"v\" } : \"w\";\n".to_string()),
        Just("\n".to_string()),
    ]
}

fn piece() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("import os\n".to_string()),
        Just("from .a import b as c, d\n".to_string()),
        Just("X = \"value\"\n".to_string()),
        Just("y.z = 'é😀'\n".to_string()),
        Just("a = b = \"c\" \"d\"\n".to_string()),
        Just("k: int = \"3\"\n".to_string()),
        Just("f(a=\"b\", c=g(d='e'), *r, **s)\n".to_string()),
        Just("d = {\"k\": \"v\", 'x': {'y': 'z'}}\n".to_string()),
        Just("v = os.getenv(\"V\", \"http://h:1/\")\n".to_string()),
        Just("w = os.environ.get('W', default=\"/home/u/x\")\n".to_string()),
        Just("def h(p=\"q\"):\n    return p\n".to_string()),
        Just("class C(Base, kw=\"v\"):\n    pass\n".to_string()),
        Just("if a: b = \"c\"\n".to_string()),
        Just("s = f\"{x}:{{y}}\"\n".to_string()),
        Just("s2 = f\"{d['k']}/{', '.join(v)}\"\n".to_string()),
        Just("t = '''a\nb'''\n".to_string()),
        Just("# a comment \"x\"\n".to_string()),
        Just("u = (\"p\"\n     \"q\")\n".to_string()),
        Just("x = 1; y = \"z\"\n".to_string()),
        Just("lambda a=\"b\": a\n".to_string()),
        Just("\n".to_string()),
        Just("APP_SECRET = secrets.token_hex(8)\n".to_string()),
        Just("id = Column(default=uuid4, name=\"id\")\n".to_string()),
        Just("def upgrade():\n    pass\n".to_string()),
        Just("from ...p import q\n".to_string()),
        // a script's guard, and lines that continue its body when they follow it
        Just("if __name__ == \"__main__\":\n    main(sys.argv)\n".to_string()),
        Just("if '__main__' == __name__: f(a)(b); g()\n".to_string()),
        Just("    d[g(1)](2)\n".to_string()),
        Just("    x.y(z=\"v\").w()[0]\n".to_string()),
        Just("    \"{}\".format(a).strip()\n".to_string()),
        Just("match x:\n    case {\"url\": \"http://h/\"} if y == \"p\":\n        z = \"w\"\n    case Point(x=\"a\") | [\"b\" \"c\"]:\n        pass\n".to_string()),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, .. ProptestConfig::default() })]

    #[test]
    fn generated_text_is_read_as_the_tree_reads_it(pieces in prop::collection::vec(piece(), 0..12)) {
        let text = pieces.concat();
        if let Some((lexical, tree)) = both(&PYTHON, &text) {
            prop_assert_eq!(lexical, tree, "{}", text);
        }
    }

    #[test]
    fn generated_go_is_read_as_the_tree_reads_it(pieces in prop::collection::vec(go_piece(), 0..10)) {
        let text = format!("package p\n\n{}", pieces.concat());
        if let Some((lexical, tree)) = both(&GO, &text) {
            prop_assert_eq!(lexical, tree, "{}", text);
        }
    }

    #[test]
    fn generated_rust_is_read_as_the_tree_reads_it(pieces in prop::collection::vec(rust_piece(), 0..10)) {
        let text = pieces.concat();
        if let Some((lexical, tree)) = both(&RUST, &text) {
            prop_assert_eq!(lexical, tree, "{}", text);
        }
    }

    #[test]
    fn generated_ruby_is_read_as_the_tree_reads_it(pieces in prop::collection::vec(ruby_piece(), 0..10)) {
        let text = pieces.concat();
        if let Some((lexical, tree)) = both(&RUBY, &text) {
            prop_assert_eq!(lexical, tree, "{}", text);
        }
    }

    #[test]
    fn generated_javascript_is_read_as_the_tree_reads_it(pieces in prop::collection::vec(js_piece(), 0..10)) {
        let text = pieces.concat();
        if let Some((lexical, tree)) = both(&JAVASCRIPT, &text) {
            prop_assert_eq!(lexical, tree, "{}", text);
        }
    }

    /// Any text: the front end never panics, and what it takes has spans on character
    /// boundaries of the text.
    #[test]
    fn any_text_is_taken_or_declined_without_panic(
        pieces in prop::collection::vec(prop_oneof![piece(), go_piece(), rust_piece(), js_piece(), ruby_piece(), "[a-z`!$#/<>\"'(){}\\[\\]=:.,;#\\\\ é😀\t\n]{0,16}"], 0..12)
    ) {
        let text = pieces.concat();
        for f in [pylex::facts(&text), golex::facts(&text), rustlex::facts(&text), jslex::facts(&text), rubylex::facts(&text)].into_iter().flatten() {
            for s in f.bindings.iter().map(|b| &b.value_span).chain(f.urls.iter().map(|u| &u.span)) {
                prop_assert!(text.get(s.range()).is_some(), "{:?} in {}", s, text);
            }
        }
    }
}
