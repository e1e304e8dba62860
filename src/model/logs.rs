//! Logging configuration that sends logs to files, wherever it is written: XML appenders
//! (read with the file, see `crate::parse::logconfig`), log4rs and Spring YAML, Python
//! `dictConfig`/`fileConfig` files, log4j properties and Serilog JSON.

use super::{LogFile, Project};
use crate::parse::yaml::Yaml;
use crate::source::Origin;
use crate::walk;

/// Python logging handlers that write to files.
const PY_FILE_HANDLERS: &[&str] = &[
    "FileHandler",
    "RotatingFileHandler",
    "TimedRotatingFileHandler",
    "WatchedFileHandler",
];

fn python_file_handler(class: &str) -> bool {
    let last = class.rsplit('.').next().unwrap_or(class);
    PY_FILE_HANDLERS.contains(&last)
}

/// A file path that is a stream or a reference, not a file.
fn names_a_file(v: &str) -> bool {
    let v = v.trim();
    !v.is_empty()
        && !v.starts_with('$')
        && !matches!(v, "/dev/stdout" | "/dev/stderr" | "-" | "stdout" | "stderr")
}

impl Project {
    /// Add the log files of YAML and other config files to those the XML configs gave.
    pub(super) fn compute_log_files(&mut self) {
        let mut found: Vec<LogFile> = Vec::new();
        for (file, docs) in &self.other_yaml {
            for d in docs {
                yaml_log_files(d, *file, &mut found);
            }
        }
        for c in &self.config_files {
            let rel = self.rel(c.file);
            let name = walk::file_name(rel).to_ascii_lowercase();
            let text = &self.file(c.file).text();
            for s in &c.settings {
                let full_key = text.get(s.key_span.clone()).unwrap_or(&s.key);
                let at = Origin::new(c.file, s.value_span.clone());
                let what = if matches!(
                    full_key,
                    "logging.file.name" | "logging.file.path" | "logging.file"
                ) && names_a_file(&s.value)
                {
                    Some(format!("`{full_key}` writes logs to a file"))
                } else if full_key.starts_with("log4j.appender.")
                    && full_key.matches('.').count() == 2
                    && (s.value.ends_with("FileAppender") || s.value.ends_with("SyslogAppender"))
                {
                    let class = s.value.rsplit('.').next().unwrap_or(&s.value);
                    Some(format!("log4j appender `{class}` writes logs to a file"))
                } else if full_key.starts_with("appender.")
                    && full_key.ends_with(".type")
                    && matches!(
                        s.value.as_str(),
                        "File" | "RollingFile" | "RollingRandomAccessFile" | "RandomAccessFile"
                    )
                {
                    Some(format!(
                        "log4j2 appender type `{}` writes logs to a file",
                        s.value
                    ))
                } else if s.key == "class" && python_file_handler(&s.value) {
                    Some(format!(
                        "logging handler `{}` writes logs to a file",
                        s.value
                    ))
                } else if let Some(program) = s.parent.strip_prefix("program:")
                    && matches!(s.key.as_str(), "stdout_logfile" | "stderr_logfile")
                    && supervisor_log_file(&s.value)
                {
                    // supervisord keeps a program's output in a file instead of passing it on
                    Some(format!(
                        "supervisord program `{program}` writes its {} to a file",
                        s.key.trim_end_matches("_logfile")
                    ))
                } else if s.parent == "Service"
                    && matches!(s.key.as_str(), "StandardOutput" | "StandardError")
                    && (s.value.starts_with("file:")
                        || s.value.starts_with("append:")
                        || s.value.starts_with("truncate:"))
                {
                    Some(format!("systemd unit's `{}` writes to a file", s.key))
                } else if name.starts_with("appsettings")
                    && s.key == "Name"
                    && matches!(s.value.as_str(), "File" | "RollingFile")
                {
                    Some(format!("Serilog sink `{}` writes logs to a file", s.value))
                } else {
                    None
                };
                if let Some(what) = what {
                    found.push(LogFile { origin: at, what });
                }
            }
        }
        self.log_files.extend(found);
        self.log_files.sort_by(|a, b| a.origin.cmp(&b.origin));
        self.log_files.dedup_by(|a, b| a.origin == b.origin);
    }
}

/// A supervisord `stdout_logfile`/`stderr_logfile` that names a file: not the container's
/// own streams, not `NONE` (discarded), not `AUTO` (supervisord's default, not written).
fn supervisor_log_file(value: &str) -> bool {
    let v = value.trim();
    !v.is_empty()
        && !v.contains("%(")
        && !matches!(v.to_ascii_uppercase().as_str(), "NONE" | "AUTO" | "SYSLOG")
        && !matches!(
            v,
            "/dev/stdout"
                | "/dev/stderr"
                | "/dev/fd/1"
                | "/dev/fd/2"
                | "/proc/1/fd/1"
                | "/proc/1/fd/2"
                | "/proc/self/fd/1"
                | "/proc/self/fd/2"
                | "/dev/null"
        )
}

/// log4rs file appenders, Spring `logging.file.*`, Python `dictConfig` file handlers.
fn yaml_log_files(doc: &Yaml, file: crate::source::FileId, out: &mut Vec<LogFile>) {
    // log4rs: `appenders: {name: {kind: rolling_file, path: …}}`
    if let Some(appenders) = doc.get("appenders").and_then(Yaml::as_map) {
        for (name, a) in appenders {
            if let Some(kind) = a.get("kind")
                && matches!(kind.as_str(), Some("file" | "rolling_file"))
                && a.get("path").is_some()
            {
                out.push(LogFile {
                    origin: Origin::new(file, kind.span.clone()),
                    what: format!(
                        "log4rs appender `{}` writes logs to a file",
                        name.as_str().unwrap_or("?")
                    ),
                });
            }
        }
    }
    // Spring Boot: `logging.file.name` / `logging.file.path` (and the old `logging.file`)
    if let Some(f) = doc.get("logging").and_then(|l| l.get("file")) {
        let values: Vec<(&str, &Yaml)> = match f.as_str() {
            Some(_) => vec![("logging.file", f)],
            None => ["name", "path"]
                .iter()
                .filter_map(|k| Some((*k, f.get(k)?)))
                .map(|(k, v)| {
                    (
                        if k == "name" {
                            "logging.file.name"
                        } else {
                            "logging.file.path"
                        },
                        v,
                    )
                })
                .collect(),
        };
        for (key, v) in values {
            if v.as_str().is_some_and(names_a_file) {
                out.push(LogFile {
                    origin: Origin::new(file, v.span.clone()),
                    what: format!("`{key}` writes logs to a file"),
                });
            }
        }
    }
    // Python dictConfig: `handlers: {name: {class: logging.handlers.RotatingFileHandler}}`
    if doc.get("version").is_some()
        && let Some(handlers) = doc.get("handlers").and_then(Yaml::as_map)
    {
        for (name, h) in handlers {
            if let Some(class) = h.get("class")
                && class.as_str().is_some_and(python_file_handler)
            {
                out.push(LogFile {
                    origin: Origin::new(file, class.span.clone()),
                    what: format!(
                        "logging handler `{}` writes logs to a file",
                        name.as_str().unwrap_or("?")
                    ),
                });
            }
        }
    }
}
