//! Commands as the model sees them: simple commands (program + words) with file origins, from
//! Dockerfile RUN/CMD/ENTRYPOINT, compose `command:`, k8s `command`/`args`, Procfile entries
//! and the entrypoint scripts they run.

use super::processes::{ProcessKind, ProcessSite};
use super::{App, Project};
use crate::parse::compose::CmdValue;
use crate::parse::dockerfile::{CommandSpec, Form, Kind};
use crate::parse::shell::{self, Script};
use crate::source::{FileId, Origin, Sp, Span};
use crate::walk;
use compact_str::CompactString;
use thin_vec::ThinVec;

#[derive(Debug, Clone)]
pub struct Cmd {
    /// Inline while short (most words are), one allocation a word otherwise; each with its
    /// span in the command's file (`at` makes it an origin).
    pub words: ThinVec<(CompactString, Sp)>,
    pub origin: Origin,
    pub background: bool,
    /// (pipeline id, position) within its command line.
    pub pipeline: Option<(u32, u32)>,
    /// Inside a shell loop.
    pub in_loop: bool,
    /// Inside a function body of its script, or a call of a function the script defines: the
    /// script's own plumbing, whose commands do not run where they stand.
    pub in_function: bool,
    /// Programs run by substitutions in its words (`bash <(curl …)` → `curl`).
    pub substituted_programs: ThinVec<String>,
    /// Its stdout or stderr redirected to a file (or `/dev/null`): target and where. Boxed:
    /// few commands are.
    pub output_to: Option<Box<(String, Origin)>>,
}

impl Cmd {
    pub fn program(&self) -> &str {
        self.words
            .first()
            .map(|(w, _)| w.rsplit('/').next().unwrap_or(w))
            .unwrap_or("")
    }
    /// Where `span`, a word's, is: in the command's file.
    pub fn at(&self, span: Sp) -> Origin {
        Origin::new(self.origin.file, span)
    }
    /// The words after the program, with their origins.
    pub fn args(&self) -> impl Iterator<Item = (&str, Origin)> {
        self.words
            .iter()
            .skip(1)
            .map(|(w, sp)| (w.as_str(), self.at(*sp)))
    }
    pub fn has_arg(&self, a: &str) -> bool {
        self.args().any(|(w, _)| w == a)
    }
    /// The value of a flag given as `--flag value`, `--flag=value` or `-f value`.
    pub fn flag(&self, names: &[&str]) -> Option<(&str, Origin)> {
        let words = &self.words;
        for (i, (w, o)) in words.iter().enumerate() {
            for n in names {
                if w == n {
                    return words.get(i + 1).map(|(v, o)| (v.as_str(), self.at(*o)));
                }
                if let Some(v) = w.strip_prefix(n).and_then(|r| r.strip_prefix('=')) {
                    return Some((v, self.at(*o)));
                }
            }
        }
        None
    }
    /// Skip wrappers (`exec`, `env`, `tini --`, `dumb-init`, `gosu user`, `sudo`) to the real program.
    pub fn unwrapped(&self) -> Cmd {
        let mut words = self.words.clone();
        while let Some((first, _)) = words.first() {
            let base = first.rsplit('/').next().unwrap_or(first).to_string();
            let skip = match base.as_str() {
                "exec" | "sudo" | "nice" | "nohup" => 1,
                "tini" | "dumb-init" => {
                    1 + usize::from(words.get(1).is_some_and(|(w, _)| w == "--"))
                }
                "gosu" | "su-exec" | "setpriv" => 2,
                "env" => {
                    1 + words
                        .iter()
                        .skip(1)
                        .take_while(|(w, _)| w.contains('=') || w.starts_with('-'))
                        .count()
                }
                _ => 0,
            };
            if skip == 0 || skip > words.len() {
                break;
            }
            words.drain(..skip);
        }
        Cmd {
            words,
            origin: self.origin.clone(),
            background: self.background,
            pipeline: self.pipeline,
            in_loop: self.in_loop,
            in_function: self.in_function,
            substituted_programs: self.substituted_programs.clone(),
            output_to: self.output_to.clone(),
        }
    }

    /// Port and host the command binds, from its flags (`-b 0.0.0.0:8000`, `--port 8000`,
    /// `runserver 0.0.0.0:8000`, runserver's loopback default).
    pub fn binds(&self) -> Vec<(Option<String>, Option<u16>, Origin)> {
        let c = self.unwrapped();
        let mut out = Vec::new();
        let prog = c.program();
        let args: Vec<&str> = c.words.iter().map(|(w, _)| w.as_str()).collect();
        if let Some((v, o)) = c.flag(&["-b", "--bind", "--listen", "--http", "--socket"]) {
            let (host, port) = match v.rsplit_once(':') {
                Some((h, p)) => (Some(h.to_string()), p.parse().ok()),
                None => (Some(v.to_string()), None),
            };
            if !v.starts_with("unix:") {
                out.push((host, port, o.clone()));
            }
        }
        let host = c
            .flag(&["--host", "-h"])
            .filter(|_| prog != "gunicorn")
            .map(|(h, _)| h.to_string());
        if let Some((v, o)) = c.flag(&["--port"]) {
            out.push((host.clone(), v.parse().ok(), o.clone()));
        } else if let Some((h, o)) = c.flag(&["--host"]) {
            out.push((Some(h.to_string()), None, o.clone()));
        }
        if let Some(i) = args.iter().position(|a| *a == "runserver") {
            match c.words.get(i + 1).filter(|(w, _)| !w.starts_with('-')) {
                Some((addr, o)) => {
                    let (h, port) = match addr.rsplit_once(':') {
                        Some((h, p)) => (Some(h.to_string()), p.parse().ok()),
                        None => (None, addr.parse().ok()),
                    };
                    out.push((
                        h.or(Some("0.0.0.0".into())).filter(|h| !h.is_empty()),
                        port,
                        c.at(*o),
                    ));
                }
                None => out.push((
                    Some("127.0.0.1 (runserver's default)".into()),
                    Some(8000),
                    c.at(c.words[i].1),
                )),
            }
        }
        out
    }

    /// Runs what a download prints: a shell or interpreter fed by `<(curl …)`, or a command
    /// whose name is `$(curl …)` (`sh -c "$(curl -fsSL …)"`).
    pub fn runs_downloaded_text(&self) -> bool {
        self.substituted_programs
            .iter()
            .any(|p| matches!(p.as_str(), "curl" | "wget"))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    DockerfileRun,
    DockerfileStart,
    Compose,
    Kubernetes,
    Procfile,
    Script,
    /// A package.json script that `npm start`, `npm run X` or `yarn X` runs.
    PackageScript,
    /// A `[program:x]` `command=` of a supervisord config the image's start command runs.
    Supervisor,
    /// A systemd unit's `ExecStart=` (or `ExecStartPre=`/`ExecStartPost=`).
    Systemd,
}

/// The flag that tells a server to migrate before it serves (`svix-server --run-migrations`),
/// where it is written (a script may collect it into an array first).
pub fn migration_flag(c: &Cmd) -> Option<Origin> {
    c.words.iter().skip(1).find_map(|(a, o)| {
        let flag = matches!(
            a.split('=').next().unwrap_or(a),
            "--run-migrations" | "--run-migration" | "--auto-migrate" | "--migrate"
        ) && !a.ends_with("=false");
        flag.then(|| c.at(*o))
    })
}

/// The migration a command runs, if it runs one.
pub fn migration(c: &Cmd) -> Option<String> {
    let u = c.unwrapped();
    let mut w: Vec<&str> = u.words.iter().map(|(w, _)| w.as_str()).collect();
    while matches!(
        w.first().copied(),
        Some("npx" | "bundle" | "exec" | "poetry" | "uv" | "pipenv" | "run" | "pnpm" | "yarn")
    ) {
        w.remove(0);
    }
    let prog = w
        .first()
        .map(|p| p.rsplit('/').next().unwrap_or(p))
        .unwrap_or("");
    let has = |a: &str| w.contains(&a);
    let found = (prog.starts_with("python")
        && w.iter().any(|a| a.ends_with("manage.py"))
        && has("migrate"))
        || (prog == "django-admin" && has("migrate"))
        || (prog == "alembic" && has("upgrade"))
        || (prog == "flask" && has("db") && has("upgrade"))
        || (matches!(prog, "rake" | "rails") && (has("db:migrate") || has("db:prepare")))
        || (prog == "prisma" && has("migrate") && has("deploy"))
        || (prog == "sqlx" && has("migrate") && has("run"))
        || (prog == "diesel" && has("migration") && has("run"))
        || migration_flag(&u).is_some();
    found.then(|| w.join(" "))
}

/// A command line and the simple commands in it.
#[derive(Debug, Clone)]
pub struct CommandLine {
    pub cmds: Vec<Cmd>,
    pub origin: Origin,
    pub source: Source,
    /// From a development-only file (dev compose, Dockerfile.dev).
    pub dev: bool,
    /// A one-off (Kubernetes Job, init container, Procfile `release:`): not a start command.
    pub one_off: bool,
    /// The process it starts, when it is a compose service's, container's or Procfile
    /// entry's own command (an entrypoint script followed from one has its site).
    pub site: Option<super::processes::ProcessSite>,
}

/// A file whose commands are read: its id and text. Every span a command gets is checked
/// against the text (inside it, on char boundaries), whatever the mapping that made it.
#[derive(Clone, Copy)]
pub struct Src<'a> {
    pub id: FileId,
    pub text: &'a str,
}

impl Src<'_> {
    fn origin(&self, span: Span) -> Origin {
        Origin::new(self.id, self.sp(span))
    }
    /// `span` checked against the text (see `Src`).
    fn sp(&self, span: Span) -> Sp {
        Sp::from(crate::text::widen(self.text, &span))
    }
    /// Where `inner` (a word's text with its quotes removed) stands inside `at`: the offset
    /// of its first byte when the file holds it as written, bare or in one pair of quotes.
    fn offset_of_word(&self, at: &Span, inner: &str) -> Option<usize> {
        let raw = self.text.get(at.clone())?;
        if raw == inner {
            return Some(at.start);
        }
        let quoted = raw
            .strip_prefix(['"', '\''])
            .and_then(|r| r.strip_suffix(['"', '\'']));
        (quoted == Some(inner)).then_some(at.start + 1)
    }
}

/// How deep `sh -c 'sh -c "…"'` is followed.
const MAX_SHELL_NESTING: usize = 4;

fn script_cmds(src: Src<'_>, script: &Script, map: impl Fn(&Span) -> Span) -> Vec<Cmd> {
    let mut out = Vec::new();
    script_cmds_into(src, script, &map, 0, &mut out);
    out
}

/// The commands of a script; a command that is itself `sh -c '<script>'` is replaced by the
/// commands of its script, located at the script word.
fn script_cmds_into(
    src: Src<'_>,
    script: &Script,
    map: &dyn Fn(&Span) -> Span,
    depth: usize,
    out: &mut Vec<Cmd>,
) {
    for c in &script.commands {
        if depth < MAX_SHELL_NESTING
            && let Some(i) = shell_c_script(&c.words)
        {
            let (inner, wspan) = &c.words[i];
            let at = map(wspan);
            let start = out.len();
            let inner_map = within_word(src, at, inner);
            script_cmds_into(src, &shell::parse(inner), &inner_map, depth + 1, out);
            for cmd in &mut out[start..] {
                cmd.background |= c.background;
                cmd.in_loop |= c.in_loop;
                cmd.in_function |= c.in_function;
            }
            continue;
        }
        out.push(Cmd {
            words: c
                .words
                .iter()
                .map(|(w, s)| (CompactString::from(w.as_str()), src.sp(map(s))))
                .collect(),
            origin: src.origin(map(&c.span)),
            background: c.background,
            pipeline: c.pipeline.map(|(id, pos)| (narrow(id), narrow(pos))),
            in_loop: c.in_loop,
            in_function: c.in_function
                || c.name()
                    .is_some_and(|n| script.functions.iter().any(|f| f == n)),
            substituted_programs: c.substituted_programs.iter().cloned().collect(),
            output_to: c
                .output_to
                .as_ref()
                .map(|(t, sp)| Box::new((t.clone(), src.origin(map(sp))))),
        });
    }
}

/// Map spans of a script onto the file, given the span of the word that holds it: exact when
/// the file holds the script as written, bare or in one pair of quotes; else the whole word.
fn within_word(src: Src<'_>, at: Span, script: &str) -> impl Fn(&Span) -> Span {
    let offset = src.offset_of_word(&at, script);
    move |s: &Span| match offset {
        Some(o) => (o + s.start).min(at.end)..(o + s.end).min(at.end),
        None => at.clone(),
    }
}

/// For `sh -c '<script>'` (or bash, ash, dash, zsh; `-ec` and the like), the index of the
/// script word.
fn shell_c_script<S>(words: &[(String, S)]) -> Option<usize> {
    let prog = words
        .first()
        .map(|(w, _)| w.rsplit('/').next().unwrap_or(w))?;
    if !matches!(prog, "sh" | "bash" | "ash" | "dash" | "zsh") {
        return None;
    }
    let pos = words
        .iter()
        .position(|(w, _)| w == "-c" || w == "-ec" || w == "-ce" || w == "-xc" || w == "-exc")?;
    (pos + 1 < words.len()).then_some(pos + 1)
}

/// Words run without a shell (exec form, compose list, k8s command): one command, unless it is
/// `sh -c '<script>'`, whose script is parsed (its commands located at the script word).
pub fn from_words(src: Src<'_>, words: &[(String, Span)], span: &Span) -> Vec<Cmd> {
    if let Some(i) = shell_c_script(words) {
        let (script, sspan) = &words[i];
        let parsed = shell::parse(script);
        return script_cmds(src, &parsed, within_word(src, sspan.clone(), script));
    }
    if words.is_empty() {
        return Vec::new();
    }
    vec![Cmd {
        words: words
            .iter()
            .map(|(w, s)| (CompactString::from(w.as_str()), src.sp(s.clone())))
            .collect(),
        origin: src.origin(span.clone()),
        background: false,
        pipeline: None,
        in_loop: false,
        in_function: false,
        substituted_programs: ThinVec::new(),
        output_to: None,
    }]
}

/// A Dockerfile RUN/CMD/ENTRYPOINT.
pub fn from_spec(src: Src<'_>, spec: &CommandSpec) -> Vec<Cmd> {
    let mut out = match &spec.form {
        Form::Exec(words) => {
            let ws: Vec<(String, Span)> = words
                .iter()
                .map(|w| (w.text.to_string(), w.span.range()))
                .collect();
            from_words(src, &ws, &spec.span)
        }
        Form::Shell { text, .. } => {
            let parsed = shell::parse(text);
            script_cmds(src, &parsed, |s| spec.file_span(s))
        }
    };
    for doc in &spec.heredocs {
        let parsed = shell::parse(&doc.text);
        // exact where the file holds the body as written, else the whole body
        let base = (src
            .text
            .get(doc.span.start()..doc.span.start() + doc.text.len())
            == Some(doc.text.as_str()))
        .then_some(doc.span.start());
        let whole = doc.span.range();
        out.extend(script_cmds(src, &parsed, |s| match base {
            Some(b) => b + s.start..b + s.end,
            None => whole.clone(),
        }));
    }
    out
}

/// A compose `command:`/`entrypoint:` value: a string is split into words, not run by a shell.
pub fn from_compose(src: Src<'_>, v: &CmdValue) -> (Vec<Cmd>, Span) {
    match v {
        CmdValue::String(s) => {
            // the scalar may be quoted in the file: locate the words inside its text when the
            // file holds it as written (no escapes, not folded), else at the whole scalar
            let at = src.offset_of_word(&s.span.range(), &s.text);
            let words: Vec<(String, Span)> = shell::split_words(&s.text)
                .into_iter()
                .map(|(w, r)| match at {
                    Some(o) => (w, o + r.start..o + r.end),
                    None => (w, s.span.range()),
                })
                .collect();
            (from_words(src, &words, &s.span.range()), s.span.range())
        }
        CmdValue::List(items) => {
            let words: Vec<(String, Span)> = items
                .iter()
                .map(|i| (i.text.to_string(), i.span.range()))
                .collect();
            let span = match (items.first(), items.last()) {
                (Some(a), Some(b)) => a.span.start()..b.span.end(),
                _ => 0..0,
            };
            (from_words(src, &words, &span), span)
        }
    }
}

impl Project {
    /// A file as a source of commands.
    pub fn src(&self, id: FileId) -> Src<'_> {
        Src {
            id,
            text: self.file(id).text(),
        }
    }

    /// Every RUN of a Dockerfile (all stages) as commands: (instruction index, commands).
    pub fn run_commands(&self, df: usize) -> &[(usize, Vec<Cmd>)] {
        self.runs.get(df).map(Vec::as_slice).unwrap_or(&[])
    }

    /// The commands that start app `ai` (see `compute_start_commands`).
    pub fn start_commands(&self, ai: usize) -> &[CommandLine] {
        self.starts.get(ai).map(Vec::as_slice).unwrap_or(&[])
    }

    /// The commands systemd units run as their service starts (`ExecStartPre=`, `ExecStart=`,
    /// `ExecStartPost=`), each with its unit's file. systemd's prefixes (`-`, `@`, `+`, `!`)
    /// are not part of the command.
    pub fn unit_start_commands(&self) -> &[CommandLine] {
        &self.unit_starts
    }

    fn compute_unit_start_commands(&self) -> Vec<CommandLine> {
        let mut out = Vec::new();
        for c in &self.config_files {
            // a `Type=oneshot` unit is a one-off (a migrate unit run once per release)
            let oneshot = c
                .settings
                .iter()
                .any(|s| s.parent == "Service" && s.key == "Type" && s.value.trim() == "oneshot");
            if !self.rel(c.file).ends_with(".service") || self.is_test_file(c.file) || oneshot {
                continue;
            }
            for st in &c.settings {
                if st.parent != "Service"
                    || !matches!(
                        st.key.as_str(),
                        "ExecStartPre" | "ExecStart" | "ExecStartPost"
                    )
                {
                    continue;
                }
                let command = st.value.trim_start_matches(['-', '@', '+', '!', ':']);
                let skipped = st.value.len() - command.len();
                let span = st.value_span.start + skipped..st.value_span.end;
                let src = self.src(c.file);
                out.push(CommandLine {
                    cmds: script_cmds(
                        src,
                        &shell::parse(command),
                        within_word(src, span.clone(), command),
                    ),
                    origin: Origin::new(c.file, span),
                    source: Source::Systemd,
                    dev: false,
                    one_off: false,
                    site: None,
                });
            }
        }
        out
    }

    /// The admin commands a PaaS runs once, outside the app's processes: Heroku's app.json
    /// `scripts.postdeploy` (after the app is created) and `scripts.pr-predestroy`.
    pub fn paas_one_offs(&self) -> Vec<(Origin, &str)> {
        self.config_files
            .iter()
            .filter(|c| walk::file_name(self.rel(c.file)) == "app.json")
            .flat_map(|c| {
                c.settings
                    .iter()
                    .filter(|s| {
                        s.parent == "scripts"
                            && matches!(s.key.as_str(), "postdeploy" | "pr-predestroy")
                    })
                    .map(move |s| (Origin::new(c.file, s.value_span.clone()), s.value.as_str()))
            })
            .collect()
    }

    /// Whether a process manager the app's image starts runs a reverse proxy beside its
    /// other programs: those serve the proxy inside the container, so their binds are not
    /// the container's port.
    pub fn supervised_behind_proxy(&self, ai: usize) -> bool {
        self.start_commands(ai).iter().any(|l| {
            l.source == Source::Supervisor
                && l.cmds.iter().any(|c| {
                    matches!(
                        c.unwrapped().program(),
                        "nginx" | "caddy" | "haproxy" | "envoy" | "traefik" | "apache2" | "httpd"
                    )
                })
        })
    }

    /// Parse every shell command of the model once: RUN steps and each app's start commands.
    pub(crate) fn compute_commands(&mut self) {
        use rayon::prelude::*;
        let runs: Vec<_> = (0..self.dockerfiles.len())
            .into_par_iter()
            .map(|di| self.compute_run_commands(di))
            .collect();
        let starts: Vec<_> = self
            .apps
            .par_iter()
            .map(|a| self.compute_start_commands(a))
            .collect();
        self.runs = runs;
        self.starts = starts;
        self.unit_starts = self.compute_unit_start_commands();
    }

    fn compute_run_commands(&self, df: usize) -> Vec<(usize, Vec<Cmd>)> {
        let d = &self.dockerfiles[df];
        d.df.instructions
            .iter()
            .enumerate()
            .filter_map(|(i, ins)| match &ins.kind {
                Kind::Run(spec) => Some((i, from_spec(self.src(d.file), spec))),
                _ => None,
            })
            .collect()
    }

    /// The commands that start an app, wherever they are stated, with entrypoint scripts
    /// followed into their files.
    fn compute_start_commands(&self, app: &App) -> Vec<CommandLine> {
        let mut out = Vec::new();
        if let Some(di) = app.dockerfile {
            let d = &self.dockerfiles[di];
            let mut entry = None;
            let mut cmd = None;
            for ins in d.final_instructions() {
                match &ins.kind {
                    Kind::Entrypoint(s) => entry = Some(s),
                    Kind::Cmd(s) => cmd = Some(s),
                    _ => {}
                }
            }
            for spec in [entry, cmd].into_iter().flatten() {
                out.push(CommandLine {
                    cmds: from_spec(self.src(d.file), spec),
                    origin: Origin::new(d.file, spec.span.clone()),
                    source: Source::DockerfileStart,
                    dev: d.dev,
                    one_off: false,
                    site: None,
                });
            }
        }
        for (ci, si) in &app.compose {
            let cm = &self.compose[*ci];
            let svc = &cm.compose.services[*si];
            let site = Some(ProcessSite::Compose {
                compose: *ci,
                service: *si,
            });
            let mut own: Vec<CommandLine> = [&svc.entrypoint, &svc.command]
                .into_iter()
                .flatten()
                .map(|v| {
                    let (cmds, span) = from_compose(self.src(cm.file), v);
                    CommandLine {
                        cmds,
                        origin: Origin::new(cm.file, span),
                        source: Source::Compose,
                        dev: false,
                        one_off: false,
                        site,
                    }
                })
                .collect();
            let (kind, _) = self.compose_process_kind(*ci, *si, &own);
            for l in &mut own {
                l.dev = kind == ProcessKind::Dev;
                l.one_off = kind == ProcessKind::OneOff;
            }
            out.extend(own);
        }
        for (oi, ci) in &app.k8s {
            let km = &self.k8s[*oi];
            let Some(pod) = &km.object.pod else { continue };
            let c = &pod.containers[*ci];
            let words: Vec<(String, Span)> = c
                .command
                .iter()
                .chain(c.args.iter())
                .map(|s| (s.text.to_string(), s.span.range()))
                .collect();
            if words.is_empty() {
                continue;
            }
            let span = words[0].1.start..words.last().map(|w| w.1.end).unwrap_or(0);
            let (kind, _) = self.k8s_process_kind(*oi, *ci);
            out.push(CommandLine {
                cmds: from_words(self.src(km.file), &words, &span),
                origin: Origin::new(km.file, span),
                source: Source::Kubernetes,
                dev: false,
                one_off: kind == ProcessKind::OneOff,
                site: Some(ProcessSite::Kubernetes {
                    object: *oi,
                    container: *ci,
                }),
            });
        }
        if let Some(ctx) = &app.context {
            for (pi, pf) in self.procfiles.iter().enumerate() {
                if walk::parent_dir(self.rel(pf.file)) != ctx.as_str() {
                    continue;
                }
                for (ei, (name, _, span)) in pf.entries.iter().enumerate() {
                    let text = self.file(pf.file).slice(span);
                    let parsed = shell::parse(text);
                    let base = span.start;
                    out.push(CommandLine {
                        cmds: script_cmds(self.src(pf.file), &parsed, |s| {
                            base + s.start..base + s.end
                        }),
                        origin: Origin::new(pf.file, span.clone()),
                        source: Source::Procfile,
                        dev: false,
                        one_off: Self::procfile_process_kind(name).0 == ProcessKind::OneOff,
                        site: Some(ProcessSite::Procfile {
                            procfile: pi,
                            entry: ei,
                        }),
                    });
                }
            }
        }
        // follow entrypoint/start scripts named by these commands
        let mut scripts = Vec::new();
        for line in &out {
            for c in &line.cmds {
                let c = c.unwrapped();
                let candidates: Vec<&str> = std::iter::once(c.program())
                    .chain(
                        matches!(c.program(), "sh" | "bash")
                            .then(|| c.words.get(1).map(|(w, _)| w.as_str()))
                            .flatten(),
                    )
                    .collect();
                for name in candidates {
                    if let Some(sf) = self.find_script(name, app) {
                        scripts.push((sf, line.dev, line.one_off, line.site));
                    }
                }
            }
        }
        // follow package.json scripts that `npm start`, `npm run X`, `yarn X` run (with their
        // `pre`/`post` scripts), and the scripts those run, a few levels down
        let mut queue: Vec<(
            String,
            bool,
            bool,
            Option<super::processes::ProcessSite>,
            u8,
        )> = Vec::new();
        for line in &out {
            for c in &line.cmds {
                if let Some(name) = package_script(&c.unwrapped()) {
                    queue.push((name, line.dev, line.one_off, line.site, 0));
                }
            }
        }
        let mut seen: Vec<String> = Vec::new();
        if let Some(mi) = self.package_json_of(app) {
            let m = &self.manifests[mi];
            let src = self.src(m.file);
            while let Some((name, dev, one_off, site, depth)) = queue.pop() {
                if depth > 4 || seen.contains(&name) {
                    continue;
                }
                seen.push(name.clone());
                for run in [format!("pre{name}"), name.clone(), format!("post{name}")] {
                    let Some((_, text, span)) =
                        m.manifest.scripts.iter().find(|(n, _, _)| *n == run)
                    else {
                        continue;
                    };
                    let parsed = shell::parse(text);
                    let cmds = script_cmds(src, &parsed, within_word(src, span.clone(), text));
                    for c in &cmds {
                        if let Some(next) = package_script(&c.unwrapped()) {
                            queue.push((next, dev, one_off, site, depth + 1));
                        }
                    }
                    out.push(CommandLine {
                        cmds,
                        origin: Origin::new(m.file, span.clone()),
                        source: Source::PackageScript,
                        dev,
                        one_off,
                        site,
                    });
                }
            }
        }
        scripts.sort_by_key(|s| s.0);
        scripts.dedup_by_key(|s| s.0);
        for (si, dev, one_off, site) in scripts {
            let sm = &self.scripts[si];
            out.push(CommandLine {
                cmds: script_cmds(self.src(sm.file), &sm.script, |s| s.clone()),
                origin: Origin::new(sm.file, 0..0),
                source: Source::Script,
                dev,
                one_off,
                site,
            });
        }
        // a process manager the image starts: the programs of supervisord's config files in
        // the build context are the app's processes
        let supervised = out.iter().find(|l| {
            !l.one_off
                && l.cmds
                    .iter()
                    .any(|c| c.unwrapped().program() == "supervisord")
        });
        if let Some(line) = supervised {
            let (dev, site) = (line.dev, line.site);
            let ctx = app.context.clone().unwrap_or_default();
            let mut programs = Vec::new();
            for c in self.config_files.iter() {
                let rel = self.rel(c.file);
                if !walk::is_within(rel, &ctx)
                    || !walk::file_name(rel)
                        .to_ascii_lowercase()
                        .contains("supervisor")
                {
                    continue;
                }
                for st in &c.settings {
                    if st.key == "command" && st.parent.starts_with("program:") {
                        programs.push((c.file, st.value.clone(), st.value_span.clone()));
                    }
                }
            }
            for (file, command, span) in programs {
                let src = self.src(file);
                let parsed = shell::parse(&command);
                out.push(CommandLine {
                    cmds: script_cmds(src, &parsed, within_word(src, span.clone(), &command)),
                    origin: Origin::new(file, span),
                    source: Source::Supervisor,
                    dev,
                    one_off: false,
                    site,
                });
            }
        }
        out
    }

    /// The package.json of an app: the one nearest its Dockerfile within its build context.
    fn package_json_of(&self, app: &App) -> Option<usize> {
        let near = app
            .dockerfile
            .map(|d| self.dockerfiles[d].dir.clone())
            .or_else(|| app.context.clone())?;
        let ctx = app.context.clone().unwrap_or_default();
        // the directories from `near` up to the context, nearest first: by the index of
        // manifests by directory, not a scan of every manifest per app
        walk::dirs_holding(&near)
            .take_while(|d| walk::is_within(d, &ctx))
            .find_map(|d| {
                self.index
                    .manifests_in_dir
                    .get(d)?
                    .iter()
                    .rev()
                    .copied()
                    .find(|i| {
                        self.manifests[*i].manifest.kind
                            == crate::parse::manifest::ManifestKind::PackageJson
                    })
            })
    }

    /// A shell script of the app's build context whose file name is `program`'s base name.
    fn find_script(&self, program: &str, app: &App) -> Option<usize> {
        let base = program.rsplit('/').next().unwrap_or(program);
        if base.is_empty() {
            return None;
        }
        let near = app
            .dockerfile
            .map(|d| self.dockerfiles[d].dir.clone())
            .or_else(|| app.context.clone())?;
        let ctx = app.context.clone().unwrap_or_default();
        self.scripts
            .iter()
            .enumerate()
            .filter(|(_, s)| {
                let rel = self.rel(s.file);
                walk::file_name(rel) == base && walk::is_within(rel, &ctx)
            })
            .max_by_key(|(_, s)| {
                let rel = self.rel(s.file);
                rel.chars()
                    .zip(near.chars())
                    .take_while(|(a, b)| a == b)
                    .count()
            })
            .map(|(i, _)| i)
    }
}

/// The package.json script a command runs: `npm start`, `npm run X`, `npm run-script X`,
/// `yarn X`, `yarn run X`, `pnpm X`, `pnpm run X`, `bun run X`.
pub fn package_script(c: &Cmd) -> Option<String> {
    let w: Vec<&str> = c
        .words
        .iter()
        .map(|(w, _)| w.as_str())
        .filter(|w| !w.starts_with('-'))
        .collect();
    let prog = w.first()?.rsplit('/').next()?;
    let sub = *w.get(1)?;
    let name = match (prog, sub) {
        ("npm" | "pnpm" | "yarn" | "bun", "start" | "stop" | "restart" | "test") => sub,
        ("npm" | "pnpm" | "yarn" | "bun", "run" | "run-script") => *w.get(2)?,
        // yarn and pnpm run a script named as the subcommand
        ("yarn" | "pnpm", s)
            if !matches!(
                s,
                "install" | "add" | "remove" | "exec" | "dlx" | "global" | "why" | "build"
            ) =>
        {
            s
        }
        _ => return None,
    };
    (!name.is_empty() && !name.contains('$')).then(|| name.to_string())
}

/// The dev server or reloader a command runs, if any: `--reload`, `runserver`, `flask run`,
/// nodemon, `ng serve`, `npm run dev`, `next dev`, `vite`, watchers.
pub fn dev_server<'a>(words: &[&'a str]) -> Option<&'a str> {
    let base = |w: &str| w.rsplit('/').next().unwrap_or(w).to_string();
    for (i, w) in words.iter().enumerate() {
        let next = words.get(i + 1).copied().unwrap_or("");
        let b = base(w);
        let hit = matches!(
            *w,
            "--reload" | "--watch" | "--hot" | "runserver" | "runserver_plus"
        ) || matches!(
            b.as_str(),
            "nodemon"
                | "ts-node-dev"
                | "webpack-dev-server"
                | "watchmedo"
                | "reflex"
                | "air"
                | "entr"
                | "tsx-watch"
        ) || (matches!(b.as_str(), "flask") && next == "run")
            || (matches!(b.as_str(), "ng" | "webpack" | "vue-cli-service") && next == "serve")
            || (matches!(b.as_str(), "next" | "nuxt" | "vite" | "astro" | "remix")
                && next == "dev")
            || (b == "vite" && (next.is_empty() || next.starts_with('-')))
            || (matches!(b.as_str(), "npm" | "yarn" | "pnpm" | "bun")
                && (next == "dev"
                    || (next == "run"
                        && words.get(i + 2).is_some_and(|s| {
                            matches!(*s, "dev" | "develop" | "start:dev" | "watch" | "serve")
                        }))))
            || (b == "cargo" && next == "watch");
        if hit {
            return Some(w);
        }
    }
    None
}

/// A count as the model keeps it (a pipeline's id and position).
fn narrow(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod dev_server_tests {
    use super::dev_server;

    #[test]
    fn dev_servers_and_reloaders() {
        let dev = |c: &str| dev_server(&c.split_whitespace().collect::<Vec<_>>()).map(String::from);
        for c in [
            "uvicorn main:app --host 0.0.0.0 --reload",
            "python manage.py runserver 0.0.0.0:8000",
            "flask run --host 0.0.0.0",
            "npx nodemon server.js",
            "ng serve --host 0.0.0.0",
            "npm run dev",
            "yarn dev",
            "pnpm run start:dev",
            "next dev",
            "vite --host",
            "cargo watch -x run",
            "/app/node_modules/.bin/nodemon index.js",
        ] {
            assert!(dev(c).is_some(), "{c}");
        }
        for c in [
            "gunicorn -b 0.0.0.0:8000 app:app",
            "npm start",
            "npm run build",
            "node server.js",
            "python manage.py migrate",
            "next start",
            "flask db upgrade",
            "vite build",
        ] {
            assert_eq!(dev(c), None, "{c}");
        }
    }
}
