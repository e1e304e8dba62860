//! TF11 — XI. Logs: treat logs as event streams.

use super::{DiagExt, Input, Meta, Rule, diag};
use crate::diagnostic::Diagnostic;
use crate::meta;
use crate::model::Project;
use crate::source::Origin;
use crate::walk;

use crate::parse::python::is_stream_target;

pub struct LogToFile;
impl Rule for LogToFile {
    fn meta(&self) -> &'static Meta {
        meta!(
            "TF1101",
            "log-to-file",
            11,
            Warning,
            "code routes its logs to a file instead of stdout"
        )
    }
    fn applies(&self, p: &Project) -> bool {
        !p.sources.is_empty()
    }
    fn app_inputs(&self) -> &'static [Input] {
        &[Input::Source]
    }
    fn check(&self, p: &Project, out: &mut Vec<Diagnostic>) {
        for src in p.app_code() {
            for l in &src.facts.rare.file_logs {
                out.push(
                    diag(self.meta(), l.what.clone())
                        .at(Origin::new(src.file, l.span.clone()), "file log handler")
                        .help("log to stdout/stderr and let the platform route the stream"),
                );
            }
        }
    }
}

pub struct LogFileInRuntimeConfig;
impl Rule for LogFileInRuntimeConfig {
    fn meta(&self) -> &'static Meta {
        meta!(
            "TF1102",
            "log-file-in-runtime-config",
            11,
            Warning,
            "the run configuration sends logs to files"
        )
    }
    fn applies(&self, p: &Project) -> bool {
        !p.apps.is_empty() || !p.sources.is_empty()
    }
    fn check(&self, p: &Project, out: &mut Vec<Diagnostic>) {
        let mut seen = Vec::new();
        for ai in 0..p.apps.len() {
            for line in p.start_commands(ai) {
                // the process the line leaves running (its last command, or one it sends to
                // the background) writing its output to a file, or throwing it away
                if !line.one_off && !line.dev {
                    let last = line
                        .cmds
                        .iter()
                        .rev()
                        .find(|c| !c.in_function && !shell_plumbing(c.program()));
                    for c in line.cmds.iter().filter(|c| {
                        !c.in_function
                            && !shell_plumbing(c.program())
                            && (c.background || last.is_some_and(|l| std::ptr::eq(*c, l)))
                    }) {
                        let Some((target, o)) = c.output_to.as_deref() else {
                            continue;
                        };
                        if seen.contains(o) || target.starts_with('$') {
                            continue;
                        }
                        seen.push(o.clone());
                        let prog = c.unwrapped().program().to_string();
                        let message = if target == "/dev/null" {
                            format!(
                                "the start command throws away the output of `{prog}` (`> /dev/null`): its logs are lost"
                            )
                        } else {
                            format!(
                                "the start command writes the output of `{prog}` to the file `{target}`"
                            )
                        };
                        out.push(
                            diag(self.meta(), message)
                                .at(o.clone(), "output redirected")
                                .help("let the process write to stdout/stderr, where the platform collects the stream"),
                        );
                    }
                }
                for c in &line.cmds {
                    let u = c.unwrapped();
                    let flags: &[&str] = match u.program() {
                        "gunicorn" => &["--access-logfile", "--error-logfile", "--log-file"],
                        "uwsgi" => &["--logto", "--logto2", "--daemonize"],
                        "celery" => &["--logfile", "-f"],
                        "uvicorn" | "hypercorn" => &["--log-config"],
                        _ => &[],
                    };
                    for f in flags {
                        if let Some((v, o)) = u.flag(&[f]).filter(|(v, _)| {
                            !is_stream_target(v) && !v.starts_with('$') && *f != "--log-config"
                        }) {
                            if seen.contains(&o) {
                                continue;
                            }
                            seen.push(o.clone());
                            out.push(
                                diag(
                                    self.meta(),
                                    format!("`{} {f} {v}` writes logs to a file", u.program()),
                                )
                                .at(o.clone(), "log file")
                                .help(format!("use `{f} -` to write to stdout/stderr")),
                            );
                        }
                    }
                    for (w, o) in u.args() {
                        if (w.starts_with("-Dlogging.file=")
                            || w.starts_with("-Dlogging.file.name="))
                            && !seen.contains(&o)
                        {
                            seen.push(o.clone());
                            out.push(
                                diag(self.meta(), format!("`{w}` writes logs to a file"))
                                    .at(o.clone(), "log file")
                                    .help("remove it: Spring Boot logs to the console by default"),
                            );
                        }
                    }
                }
            }
        }
        for (_, cm, s) in p.app_services() {
            for v in &s.volumes {
                if v.target.starts_with("/var/log") && !v.read_only {
                    out.push(
                        diag(
                            self.meta(),
                            format!(
                                "service `{}` mounts a volume at `{}` to keep log files",
                                s.name, v.target
                            ),
                        )
                        .at(Origin::new(cm.file, v.span.clone()), "log directory volume")
                        .help("write logs to stdout/stderr and use the platform's log collection"),
                    );
                }
            }
        }
        // logging configuration files: XML appenders, log4rs, Spring, Python, log4j, Serilog
        for l in p
            .log_files
            .iter()
            .filter(|l| !p.is_test_file(l.origin.file))
        {
            out.push(
                diag(self.meta(), l.what.clone())
                    .at(l.origin.clone(), "log file")
                    .help("use a console appender (stdout/stderr) and let the platform route the stream"),
            );
        }
        for py in &p.sources {
            let name = walk::file_name(p.rel(py.file));
            if !(name.starts_with("gunicorn") || name.contains("gunicorn")) {
                continue;
            }
            for b in p.code(py).bindings {
                if matches!(b.key.as_str(), "accesslog" | "errorlog") && !is_stream_target(&b.value)
                {
                    out.push(
                        diag(
                            self.meta(),
                            format!("gunicorn config sends `{}` to a file", b.key),
                        )
                        .at(Origin::new(py.file, b.value_span), "log file")
                        .help(format!("set `{} = \"-\"`", b.key)),
                    );
                }
            }
        }
    }
}

pub struct BufferedPythonOutput;
impl Rule for BufferedPythonOutput {
    fn meta(&self) -> &'static Meta {
        meta!(
            "TF1103",
            "buffered-python-output",
            11,
            Info,
            "a Python app image leaves stdout buffered"
        )
    }
    fn applies(&self, p: &Project) -> bool {
        p.apps.iter().any(|a| a.dockerfile.is_some())
    }
    fn app_inputs(&self) -> &'static [Input] {
        &[Input::Dockerfile]
    }
    fn check(&self, p: &Project, out: &mut Vec<Diagnostic>) {
        const PY_PROGRAMS: &[&str] = &[
            "gunicorn",
            "uvicorn",
            "celery",
            "daphne",
            "hypercorn",
            "flask",
            "django-admin",
            "waitress-serve",
        ];
        for (ai, app) in p.apps.iter().enumerate() {
            let Some(di) = app.dockerfile else { continue };
            let d = &p.dockerfiles[di];
            if p.is_test_file(d.file) || d.stages.is_empty() {
                continue;
            }
            let lines = p.start_commands(ai);
            let runs_python = lines
                .iter()
                .filter(|l| !l.one_off)
                .flat_map(|l| &l.cmds)
                .any(|c| {
                    let u = c.unwrapped();
                    (u.program().starts_with("python") && u.words.len() > 1)
                        || PY_PROGRAMS.contains(&u.program())
                });
            if !runs_python {
                continue;
            }
            let vars = d.stage_vars(d.stages.len() - 1);
            let set = |v: Option<&String>| v.is_some_and(|v| !v.is_empty() && v != "0");
            if set(vars.get("PYTHONUNBUFFERED")) {
                continue;
            }
            let in_deploy = app.compose.iter().any(|(ci, si)| {
                p.service_env(*ci, *si)
                    .0
                    .iter()
                    .any(|e| e.key == "PYTHONUNBUFFERED" && set(e.value.as_ref()))
            }) || app.k8s.iter().any(|(oi, ci)| {
                p.k8s[*oi].object.pod.as_ref().is_some_and(|pod| {
                    pod.containers[*ci]
                        .env
                        .iter()
                        .any(|e| e.name == "PYTHONUNBUFFERED")
                })
            });
            let dash_u = lines.iter().flat_map(|l| &l.cmds).any(|c| {
                let u = c.unwrapped();
                u.program().starts_with("python")
                    && u.words
                        .iter()
                        .skip(1)
                        .take_while(|(w, _)| w.starts_with('-'))
                        .any(|(w, _)| {
                            w == "-u"
                                || (w.starts_with('-') && !w.starts_with("--") && w.contains('u'))
                        })
            });
            if in_deploy || dash_u {
                continue;
            }
            let st = d.final_stage().expect("stages checked non-empty");
            out.push(
                diag(self.meta(), format!("Python app `{}` does not set PYTHONUNBUFFERED: its logs arrive late or are lost on a crash", app.name))
                    .at(Origin::new(d.file, d.df.instructions[st.from].span), "final stage")
                    .help("add `ENV PYTHONUNBUFFERED=1` to the final stage"),
            );
        }
    }
}

/// Shell builtins and plumbing around a process: their output is not the app's log stream.
fn shell_plumbing(prog: &str) -> bool {
    matches!(
        prog,
        "echo"
            | "printf"
            | "true"
            | "false"
            | "set"
            | "wait"
            | "kill"
            | "sleep"
            | "cd"
            | "test"
            | "["
            | "[["
            | "read"
            | "trap"
            | "exit"
            | ":"
            | "export"
            | "unset"
            | "shift"
            | "command"
            | "type"
            | "which"
            | "hash"
            | "pkill"
            | "pgrep"
            | "mkdir"
            | "rm"
            | "cp"
            | "mv"
            | "ln"
            | "chmod"
            | "chown"
            | "touch"
            | "cat"
            | "tee"
    )
}
