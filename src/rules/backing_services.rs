//! TF04 — IV. Backing services: treat backing services as attached resources.

use super::{DiagExt, Meta, Rule, diag};
use crate::diagnostic::Diagnostic;
use crate::meta;
use crate::model::Project;
use crate::parse::dockerfile::Kind;
use crate::source::Origin;

/// Packages that put a database, cache or broker server into the image.
fn server_package(pkg: &str) -> Option<&'static str> {
    let p = pkg.split(['=', ':']).next().unwrap_or(pkg);
    let base = p.trim_end_matches(|c: char| c.is_ascii_digit() || c == '.' || c == '-');
    Some(match base {
        "postgresql" | "postgresql-server" => "PostgreSQL",
        "mysql-server" | "mariadb-server" | "default-mysql-server" => "MySQL/MariaDB",
        "redis-server" | "redis" => "Redis",
        "mongodb" | "mongodb-org" | "mongodb-server" => "MongoDB",
        "rabbitmq-server" => "RabbitMQ",
        "memcached" => "Memcached",
        "supervisor" | "supervisord" => "supervisord",
        "runit" => "runit",
        _ => return None,
    })
}

pub struct ServiceInAppImage;
impl Rule for ServiceInAppImage {
    fn meta(&self) -> &'static Meta {
        meta!(
            "TF0403",
            "service-in-app-image",
            4,
            Warning,
            "an app image installs a backing-service server or a process supervisor"
        )
    }
    fn applies(&self, p: &Project) -> bool {
        !p.dockerfiles.is_empty()
    }
    fn check(&self, p: &Project, out: &mut Vec<Diagnostic>) {
        for app in &p.apps {
            let Some(di) = app.dockerfile else { continue };
            let d = &p.dockerfiles[di];
            if p.is_test_file(d.file) {
                continue;
            }
            for (_, cmds) in p.run_commands(di) {
                for c in cmds {
                    let u = c.unwrapped();
                    let w: Vec<&str> = u.words.iter().map(|(w, _)| w.as_str()).collect();
                    let installs = match u.program() {
                        "apt-get" | "apt" | "yum" | "dnf" | "microdnf" | "zypper" => {
                            w.contains(&"install")
                        }
                        "apk" => w.contains(&"add"),
                        _ => false,
                    };
                    if !installs {
                        continue;
                    }
                    for (word, o) in u.args() {
                        if word.starts_with('-') {
                            continue;
                        }
                        if let Some(what) = server_package(word) {
                            out.push(
                                diag(self.meta(), format!("app `{}` installs `{word}` ({what}) into its own image", app.name))
                                    .at(o.clone(), "server in the app image")
                                    .help("run the service as its own container or managed service and attach it by URL from the environment"),
                            );
                        }
                    }
                }
            }
            for ins in d.final_instructions() {
                if let Kind::Copy { srcs, .. } | Kind::Add { srcs, .. } = &ins.kind
                    && srcs.iter().any(|s| s.text.contains("s6-overlay"))
                {
                    out.push(
                        diag(
                            self.meta(),
                            format!("app `{}` adds the s6-overlay process supervisor", app.name),
                        )
                        .at(Origin::new(d.file, ins.span.clone()), "process supervisor")
                        .help("one process per container: give each service its own container"),
                    );
                }
            }
        }
    }
}
