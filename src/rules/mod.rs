//! The rule engine: rule trait, registry, selection. One module per factor.

pub mod admin;
pub mod backing_services;
pub mod build_release_run;
pub mod codebase;
pub mod concurrency;
pub mod config;
pub mod dependencies;
pub mod disposability;
pub mod logs;
pub mod parity;
pub mod port_binding;
pub mod processes;
pub use crate::secrets;
pub mod tool;

use crate::diagnostic::{Diagnostic, Label, Severity};
use crate::model::Project;
use crate::source::Origin;

pub use crate::factor::{FACTORS, Factor};

/// What a rule is: code, name, factor, default severity, one-line summary and its doc.
#[derive(Debug)]
pub struct Meta {
    pub code: &'static str,
    pub name: &'static str,
    pub factor: Factor,
    pub severity: Severity,
    pub summary: &'static str,
    pub doc: &'static str,
    pub preview: bool,
}

/// What of an app a rule judges, for per-app scorecards.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Input {
    Dockerfile,
    Compose,
    Kubernetes,
    /// Source code in the app's build context.
    Source,
    /// A dependency manifest in or above the app's build context.
    Manifest,
}

pub trait Rule: Sync {
    fn meta(&self) -> &'static Meta;
    /// Whether the inputs this rule needs exist in the project (it is then a scored check).
    fn applies(&self, p: &Project) -> bool;
    /// The inputs of an app this rule judges: its check counts on the scorecard of an app that
    /// has one of them. Empty (the default): every app's, like a repository-wide rule.
    fn app_inputs(&self) -> &'static [Input] {
        &[]
    }
    fn check(&self, p: &Project, out: &mut Vec<Diagnostic>);
}

/// Declare a rule's metadata; the doc is `rules/<code>-<name>.md`, compiled in.
#[macro_export]
macro_rules! meta {
    ($code:literal, $name:literal, $factor:literal, $sev:ident, $summary:literal) => {
        &$crate::rules::Meta {
            code: $code,
            name: $name,
            factor: $crate::rules::Factor($factor),
            severity: $crate::diagnostic::Severity::$sev,
            summary: $summary,
            doc: include_str!(concat!("../../rules/", $code, "-", $name, ".md")),
            preview: false,
        }
    };
    // `preview` after the summary: the rule does not run unless `--preview`/`preview = true`
    ($code:literal, $name:literal, $factor:literal, $sev:ident, $summary:literal, preview) => {
        &$crate::rules::Meta {
            code: $code,
            name: $name,
            factor: $crate::rules::Factor($factor),
            severity: $crate::diagnostic::Severity::$sev,
            summary: $summary,
            doc: include_str!(concat!("../../rules/", $code, "-", $name, ".md")),
            preview: true,
        }
    };
}

/// Every rule, in code order.
pub fn registry() -> Vec<&'static dyn Rule> {
    let mut v: Vec<&'static dyn Rule> = vec![
        &tool::ParseError,
        &tool::UnusedSuppression,
        &tool::NothingToCheck,
        &tool::InternalError,
        &codebase::NotVersionControlled,
        &codebase::CommittedBuildOutput,
        &codebase::EnvironmentCopiedConfig,
        &config::ConfigGroupedByEnvironment,
        &admin::AdminScriptNotShipped,
        &dependencies::UndeclaredImport,
        &dependencies::ImplicitSystemTool,
        &config::HardcodedConnectionString,
        &config::UndocumentedEnvVars,
        &config::UndeclaredEnvVar,
        &backing_services::ServiceInAppImage,
        &backing_services::HardcodedServiceAddress,
        &backing_services::StartupOrderRace,
        &processes::StatefulAppWorkload,
        &processes::StickySessions,
        &parity::BackingServiceMismatch,
        &parity::DivergentEnvironmentDockerfiles,
        &parity::EnvironmentsShareNamespace,
        &parity::HardcodedAbsolutePath,
        &parity::EnvironmentBranching,
        &admin::AdminImageDrift,
        &dependencies::MissingManifest,
        &dependencies::UnpinnedDependency,
        &dependencies::MissingLockfile,
        &dependencies::AdhocPackageInstall,
        &dependencies::ManifestNotInstalled,
        &dependencies::UnpinnedBaseImage,
        &dependencies::PipedRemoteScript,
        &config::HardcodedSecret,
        &config::SecretInImage,
        &config::ComposeInlineSecret,
        &config::K8sPlaintextSecret,
        &config::CommittedEnvFile,
        &port_binding::MissingExpose,
        &port_binding::PortMismatch,
        &port_binding::HardcodedListenPort,
        &port_binding::LoopbackBind,
        &logs::LogToFile,
        &logs::LogFileInRuntimeConfig,
        &logs::BufferedPythonOutput,
        &build_release_run::MutableImageReference,
        &build_release_run::BuildAtRuntime,
        &build_release_run::SourceMountedIntoContainer,
        &build_release_run::MissingDockerignore,
        &processes::BarePod,
        &processes::ImageDeclaresVolume,
        &port_binding::HostNetwork,
        &concurrency::SingleReplica,
        &concurrency::UnscalableComposeService,
        &concurrency::DaemonizingProcess,
        &concurrency::MultipleProcessesInContainer,
        &disposability::ShellFormEntrypoint,
        &disposability::MissingProbes,
        &disposability::UngracefulShutdown,
        &disposability::SleepBeforeStart,
        &admin::MigrationsOnStartup,
        &admin::MissingAdminProcess,
    ];
    v.sort_by_key(|r| r.meta().code);
    v
}

/// Every rule code and name: the candidates for "did you mean" suggestions.
pub fn names() -> Vec<&'static str> {
    registry()
        .iter()
        .flat_map(|r| [r.meta().code, r.meta().name])
        .collect()
}

pub fn find(key: &str) -> Option<&'static dyn Rule> {
    registry()
        .into_iter()
        .find(|r| r.meta().code.eq_ignore_ascii_case(key) || r.meta().name == key)
}

/// Whether a selector (`ALL`, a code, a code prefix like `TF03`, a rule name, a factor slug)
/// matches a rule.
pub fn selector_matches(sel: &str, m: &Meta) -> bool {
    let s = sel.trim();
    s.eq_ignore_ascii_case("ALL")
        || m.code.eq_ignore_ascii_case(s)
        || (s.len() >= 3
            && s.len() < m.code.len()
            && m.code
                .to_ascii_uppercase()
                .starts_with(&s.to_ascii_uppercase()))
        || m.name == s
        || m.factor.slug() == s
}

/// Whether a selector names anything at all (for config and flag validation).
pub fn selector_is_known(sel: &str) -> bool {
    registry().iter().any(|r| selector_matches(sel, r.meta()))
        || FACTORS.iter().any(|(slug, _)| *slug == sel)
}

/// Start a finding.
pub fn diag(meta: &'static Meta, message: impl Into<String>) -> Diagnostic {
    Diagnostic {
        code: meta.code,
        name: meta.name,
        severity: meta.severity,
        message: message.into(),
        primary: None,
        secondary: thin_vec::ThinVec::new(),
        help: None,
        secrets: thin_vec::ThinVec::new(),
    }
}

use crate::diagnostic::Text;

/// Builder helpers on findings.
pub trait DiagExt {
    fn at(self, origin: Origin, label: impl Into<Text>) -> Self;
    fn also(self, origin: Origin, label: impl Into<Text>) -> Self;
    fn help(self, help: impl Into<Text>) -> Self;
    fn secret(self, origin: Origin) -> Self;
    fn severity(self, s: Severity) -> Self;
}

impl DiagExt for Diagnostic {
    fn at(mut self, origin: Origin, label: impl Into<Text>) -> Self {
        self.primary = Some(Label {
            origin,
            message: label.into(),
        });
        self
    }
    fn also(mut self, origin: Origin, label: impl Into<Text>) -> Self {
        self.secondary.push(Label {
            origin,
            message: label.into(),
        });
        self
    }
    fn help(mut self, help: impl Into<Text>) -> Self {
        self.help = Some(help.into());
        self
    }
    fn secret(mut self, origin: Origin) -> Self {
        self.secrets.push(origin);
        self
    }
    fn severity(mut self, s: Severity) -> Self {
        self.severity = s;
        self
    }
}
