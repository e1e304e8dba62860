//! Components: every compose service, Kubernetes workload, Dockerfile and Procfile entry, with
//! the kind twelve takes it for and the evidence for that. Rules meant for the repository's own
//! app judge only components of kind `app`; the rest are backing services, products the
//! repository only runs, node agents, placeholders, and test or tooling stacks.

use super::images::{self, ImageRef};
use crate::source::Origin;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    /// Built from this repository's code.
    App,
    /// A datastore, broker, cache or search engine.
    Backing,
    /// An off-the-shelf image the repository only runs: a proxy, dashboard, monitoring.
    Product,
    /// Runs on every node to serve the node itself: log shippers, CNI, CSI, monitoring agents.
    NodeAgent,
    /// Not a real workload: a pause image, a `<your-image>` string.
    Placeholder,
    /// Test and e2e stacks, Helm test hooks, CI helpers.
    Tooling,
}

impl Kind {
    pub const ALL: [Kind; 6] = [
        Kind::App,
        Kind::Backing,
        Kind::Product,
        Kind::NodeAgent,
        Kind::Placeholder,
        Kind::Tooling,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::App => "app",
            Kind::Backing => "backing",
            Kind::Product => "product",
            Kind::NodeAgent => "node-agent",
            Kind::Placeholder => "placeholder",
            Kind::Tooling => "tooling",
        }
    }

    pub fn parse(s: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// Where a component is defined.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case", tag = "type")]
pub enum Site {
    /// Index into `Project::compose`, and the service's index in it.
    Compose { compose: usize, service: usize },
    /// Index into `Project::k8s` (a workload).
    Kubernetes { object: usize },
    /// Index into `Project::dockerfiles`.
    Dockerfile { dockerfile: usize },
    /// Index into `Project::procfiles`, and the entry's index in it.
    Procfile { procfile: usize, entry: usize },
}

#[derive(Debug, Clone)]
pub struct Component {
    /// What a user writes in `[components]` to override the kind: `path:name`, or the path
    /// alone for a Dockerfile.
    pub key: String,
    pub name: String,
    pub site: Site,
    pub kind: Kind,
    /// Why twelve takes it for that kind, in a few words (mostly words of twelve's, shared).
    pub evidence: crate::diagnostic::Text,
    pub origin: Origin,
}

/// A kind, the evidence for it, and for a backing service what it serves (`postgres`).
#[derive(Debug, Clone)]
pub struct Verdict {
    pub kind: Kind,
    pub evidence: crate::diagnostic::Text,
    pub service: Option<&'static str>,
}

pub fn verdict(kind: Kind, evidence: impl Into<crate::diagnostic::Text>) -> Verdict {
    Verdict {
        kind,
        evidence: evidence.into(),
        service: None,
    }
}

fn backing(service: &'static str, evidence: String) -> Verdict {
    Verdict {
        kind: Kind::Backing,
        evidence: evidence.into(),
        service: Some(service),
    }
}

/// What the image alone says, for an image this repository does not build.
pub fn by_image(image: &str) -> Option<Verdict> {
    let image = image.trim();
    if is_placeholder_image(image) {
        return Some(verdict(
            Kind::Placeholder,
            format!("`{image}` is a placeholder, not an image"),
        ));
    }
    let r = ImageRef::parse(image);
    if r.name().eq_ignore_ascii_case("pause") {
        return Some(verdict(
            Kind::Placeholder,
            format!("`{image}` is the pause image: the pod runs nothing"),
        ));
    }
    if let Some(kind) = images::backing_kind(image) {
        return Some(backing(kind, format!("image `{image}` is a {kind} server")));
    }
    if images::is_infra(image) {
        return Some(verdict(
            Kind::Product,
            format!("image `{image}` is an off-the-shelf product"),
        ));
    }
    None
}

/// `<your-image>`, `YOUR_IMAGE`, `image-name-here`: a string someone is to replace.
fn is_placeholder_image(image: &str) -> bool {
    let lower = image.to_ascii_lowercase();
    (lower.contains('<') && lower.contains('>'))
        || [
            "your-image",
            "your_image",
            "yourimage",
            "your-registry",
            "image-name-here",
        ]
        .iter()
        .any(|w| lower.contains(w))
}

/// Environment variables only a database server's own image reads, to initialise its data
/// directory: a client sets `POSTGRES_HOST` or `POSTGRES_DB`, never these.
const SERVER_INIT_VARS: &[(&str, &str)] = &[
    ("PGDATA", "postgres"),
    ("POSTGRES_INITDB_ARGS", "postgres"),
    ("POSTGRES_HOST_AUTH_METHOD", "postgres"),
    ("MYSQL_ROOT_PASSWORD", "mysql"),
    ("MYSQL_ALLOW_EMPTY_PASSWORD", "mysql"),
    ("MYSQL_RANDOM_ROOT_PASSWORD", "mysql"),
    ("MARIADB_ROOT_PASSWORD", "mariadb"),
    ("MARIADB_ALLOW_EMPTY_ROOT_PASSWORD", "mariadb"),
    ("MONGO_INITDB_ROOT_USERNAME", "mongodb"),
    ("MONGO_INITDB_ROOT_PASSWORD", "mongodb"),
    ("RABBITMQ_ERLANG_COOKIE", "rabbitmq"),
];

/// Data directories of well-known servers: a volume mounted there holds a database.
const DATA_DIRS: &[(&str, &str)] = &[
    ("/var/lib/postgresql", "postgres"),
    ("/var/lib/pgsql", "postgres"),
    ("/bitnami/postgresql", "postgres"),
    ("/var/lib/mysql", "mysql"),
    ("/bitnami/mysql", "mysql"),
    ("/bitnami/mariadb", "mariadb"),
    ("/data/db", "mongodb"),
    ("/bitnami/mongodb", "mongodb"),
    ("/var/lib/rabbitmq", "rabbitmq"),
    ("/bitnami/rabbitmq", "rabbitmq"),
    ("/usr/share/elasticsearch/data", "elasticsearch"),
    ("/usr/share/opensearch/data", "opensearch"),
    ("/var/lib/redis", "redis"),
    ("/bitnami/redis", "redis"),
    ("/var/lib/clickhouse", "clickhouse"),
    ("/var/lib/cassandra", "cassandra"),
    ("/var/lib/influxdb", "influxdb"),
    ("/var/lib/neo4j", "neo4j"),
    ("/var/opt/mssql", "mssql"),
];

/// What the environment and mounts of a container say, for an image this repository does not
/// build: a server's own initialisation variables, or a volume on a server's data directory.
pub fn by_signals<'a>(
    env: impl IntoIterator<Item = &'a str>,
    mounts: impl IntoIterator<Item = &'a str>,
) -> Option<Verdict> {
    for key in env {
        if let Some((_, kind)) = SERVER_INIT_VARS.iter().find(|(v, _)| *v == key) {
            return Some(backing(
                kind,
                format!("`{key}` initialises a {kind} server's data"),
            ));
        }
    }
    for target in mounts {
        let target = target.trim_end_matches('/');
        if let Some((dir, kind)) = DATA_DIRS.iter().find(|(d, _)| {
            target == *d || target.strip_prefix(d).is_some_and(|r| r.starts_with('/'))
        }) {
            return Some(backing(
                kind,
                format!("a volume on `{dir}`, a {kind} data directory"),
            ));
        }
    }
    None
}

/// A service named as a database (`db`, `app-db`, `orders_database`) that keeps its data on a
/// volume, for an image nothing else identifies.
pub fn by_name<'a>(name: &str, mounts: impl IntoIterator<Item = &'a str>) -> Option<Verdict> {
    let lower = name.to_ascii_lowercase();
    let named = ["db", "database"].contains(&lower.as_str())
        || ["-db", "_db", "-database", "_database"]
            .iter()
            .any(|s| lower.ends_with(s));
    let data = mounts.into_iter().find(|t| {
        let t = t.to_ascii_lowercase();
        t.contains("data") || t.contains("/db")
    })?;
    named.then(|| {
        backing(
            "database",
            format!("named `{name}`, with its data on a volume at `{data}`"),
        )
    })
}

/// Host paths a node agent mounts: the node's kernel interfaces, devices, container runtime,
/// kubelet state and logs.
const NODE_PATHS: &[&str] = &[
    "/proc",
    "/sys",
    "/dev",
    "/var/run/docker.sock",
    "/run/docker.sock",
    "/var/run/containerd",
    "/run/containerd",
    "/var/run/crio",
    "/run/crio",
    "/var/lib/docker",
    "/var/lib/containerd",
    "/var/lib/kubelet",
    "/etc/kubernetes",
    "/var/log",
    "/etc/cni",
    "/opt/cni",
    "/lib/modules",
    "/",
];

/// What a pod's spec says about serving the node: a DaemonSet, the host's process or IPC
/// namespace, or a host path into the node's kernel, devices, runtime or logs.
pub fn node_agent(
    kind: &str,
    host_namespaces: bool,
    host_paths: &[compact_str::CompactString],
) -> Option<Verdict> {
    if kind == "DaemonSet" {
        return Some(verdict(
            Kind::NodeAgent,
            "a DaemonSet: one pod on every node",
        ));
    }
    if host_namespaces {
        return Some(verdict(
            Kind::NodeAgent,
            "shares the node's process or IPC namespace",
        ));
    }
    let hit = host_paths.iter().find(|p| {
        let p = p.trim_end_matches('/');
        let p = if p.is_empty() { "/" } else { p };
        NODE_PATHS.iter().any(|n| {
            p == *n || (*n != "/" && p.strip_prefix(n).is_some_and(|r| r.starts_with('/')))
        })
    })?;
    Some(verdict(
        Kind::NodeAgent,
        format!("mounts the node's `{hit}` from the host"),
    ))
}

/// A Helm test hook (`helm.sh/hook: test`): a pod `helm test` runs, not part of the release.
pub fn helm_test_hook(
    annotations: &[(compact_str::CompactString, compact_str::CompactString)],
) -> bool {
    annotations
        .iter()
        .any(|(k, v)| k == "helm.sh/hook" && v.split(',').any(|h| h.trim().starts_with("test")))
}

/// The main container of a pod: the first one that is not a known sidecar (a proxy, exporter
/// or log shipper beside the real process), else the first.
pub fn main_container<'a>(images: impl IntoIterator<Item = Option<&'a str>> + Clone) -> usize {
    images
        .clone()
        .into_iter()
        .position(|i| !i.is_some_and(is_sidecar))
        .unwrap_or(0)
}

/// Images that run beside the main process of a pod: proxies, exporters, log shippers.
pub fn is_sidecar(image: &str) -> bool {
    let r = ImageRef::parse(image);
    let name = r.name().to_ascii_lowercase();
    name.ends_with("exporter")
        || name.ends_with("-proxy")
        || name.ends_with("proxyv2")
        || name.contains("sidecar")
        || [
            "fluent-bit",
            "fluentd",
            "promtail",
            "vector",
            "envoy",
            "linkerd2-proxy",
            "oauth2-proxy",
        ]
        .contains(&name.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn images_tell_backing_products_and_placeholders() {
        assert_eq!(by_image("postgres:16").map(|v| v.kind), Some(Kind::Backing));
        assert_eq!(
            by_image("bitnami/redis:7").map(|v| v.kind),
            Some(Kind::Backing)
        );
        assert_eq!(
            by_image("grafana/grafana:10").map(|v| v.kind),
            Some(Kind::Product)
        );
        assert_eq!(
            by_image("registry.k8s.io/pause:3.9").map(|v| v.kind),
            Some(Kind::Placeholder)
        );
        assert_eq!(
            by_image("<your-image>").map(|v| v.kind),
            Some(Kind::Placeholder)
        );
        assert!(by_image("ghcr.io/acme/api:1.2").is_none());
    }

    #[test]
    fn server_signals_are_not_client_settings() {
        assert!(by_signals(["POSTGRES_HOST", "POSTGRES_DB", "POSTGRES_PASSWORD"], []).is_none());
        assert!(by_signals(["MYSQL_ROOT_PASSWORD"], []).is_some());
        assert!(by_signals([], ["/var/lib/postgresql/data"]).is_some());
        assert!(by_signals([], ["/var/lib/postgresql-client"]).is_none());
        assert!(by_signals([], ["/app/data"]).is_none());
    }

    #[test]
    fn a_database_by_name_needs_its_data_on_a_volume() {
        assert!(by_name("orders-db", ["/var/lib/data"]).is_some());
        assert!(by_name("db", ["/srv/db"]).is_some());
        assert!(by_name("orders-db", []).is_none());
        assert!(by_name("dbadmin", ["/data"]).is_none());
        assert!(by_name("web", ["/data"]).is_none());
    }

    #[test]
    fn node_agents_by_kind_namespace_and_host_path() {
        assert!(node_agent("DaemonSet", false, &[]).is_some());
        assert!(node_agent("Deployment", true, &[]).is_some());
        assert!(node_agent("Deployment", false, &["/var/run/docker.sock".into()]).is_some());
        assert!(node_agent("Deployment", false, &["/proc/".into()]).is_some());
        assert!(node_agent("Deployment", false, &["/srv/data".into()]).is_none());
        assert!(node_agent("Deployment", false, &["/devices".into()]).is_none());
        assert!(node_agent("Deployment", false, &[]).is_none());
    }

    #[test]
    fn the_main_container_is_not_a_sidecar() {
        let pod = [Some("prom/redis-exporter"), Some("redis:7")];
        assert_eq!(main_container(pod.iter().copied()), 1);
        assert_eq!(
            main_container([Some("acme/api"), Some("envoy")].into_iter()),
            0
        );
        assert_eq!(
            main_container([Some("oliver006/redis_exporter")].into_iter()),
            0
        );
        assert!(helm_test_hook(&[(
            "helm.sh/hook".into(),
            "test-success".into()
        )]));
        assert!(!helm_test_hook(&[(
            "helm.sh/hook".into(),
            "pre-install".into()
        )]));
    }
}
