//! TF06 — VI. Processes: execute the app as one or more stateless processes.

use super::{DiagExt, Meta, Rule, diag};
use crate::diagnostic::Diagnostic;
use crate::meta;
use crate::model::Project;
use crate::parse::dockerfile::Kind;
use crate::source::Origin;

pub struct BarePod;
impl Rule for BarePod {
    fn meta(&self) -> &'static Meta {
        meta!(
            "TF0603",
            "bare-pod",
            6,
            Warning,
            "an app runs as a bare Pod, with no controller to restart or scale it"
        )
    }
    fn applies(&self, p: &Project) -> bool {
        p.k8s.iter().any(|k| k.object.kind == "Pod")
    }
    fn check(&self, p: &Project, out: &mut Vec<Diagnostic>) {
        let mut seen = Vec::new();
        for app in &p.apps {
            for (oi, _) in &app.k8s {
                let km = &p.k8s[*oi];
                let o = &km.object;
                if o.kind != "Pod" || seen.contains(oi) || p.is_test_file(km.file) {
                    continue;
                }
                seen.push(*oi);
                let hook = o
                    .annotations
                    .iter()
                    .any(|(k, _)| k.starts_with("helm.sh/hook"));
                let one_off = o
                    .pod
                    .as_ref()
                    .and_then(|p| p.restart_policy.as_deref())
                    .is_some_and(|r| r != "Always");
                if hook || one_off {
                    continue;
                }
                out.push(
                    diag(
                        self.meta(),
                        format!(
                            "app `{}` runs as a bare Pod `{}`",
                            app.name,
                            o.name.as_deref().unwrap_or("?")
                        ),
                    )
                    .at(Origin::new(km.file, o.kind_span.clone()), "no controller")
                    .help("run it under a Deployment (or a Job for a one-off task)"),
                );
            }
        }
    }
}

pub struct ImageDeclaresVolume;
impl Rule for ImageDeclaresVolume {
    fn meta(&self) -> &'static Meta {
        meta!(
            "TF0604",
            "image-declares-volume",
            6,
            Info,
            "an app image declares a VOLUME for local state"
        )
    }
    fn applies(&self, p: &Project) -> bool {
        p.apps.iter().any(|a| a.dockerfile.is_some())
    }
    fn check(&self, p: &Project, out: &mut Vec<Diagnostic>) {
        for app in &p.apps {
            let Some(di) = app.dockerfile else { continue };
            let d = &p.dockerfiles[di];
            if p.is_test_file(d.file) {
                continue;
            }
            for ins in d.final_instructions() {
                if let Kind::Volume(paths) = &ins.kind {
                    let list = paths
                        .iter()
                        .map(|w| format!("`{}`", w.text))
                        .collect::<Vec<_>>()
                        .join(", ");
                    out.push(
                        diag(self.meta(), format!("app `{}` declares {list} as a volume in its image", app.name))
                            .at(Origin::new(d.file, ins.span.clone()), "local state in the image")
                            .help("keep state in a backing service; mount storage at deploy time only where it is truly needed"),
                    );
                }
            }
        }
    }
}
