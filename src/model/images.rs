//! Image references: repository, tag, digest, and which images are backing services.

/// A parsed image reference `[registry/]repo[:tag][@digest]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageRef {
    pub repository: String,
    pub tag: Option<String>,
    pub digest: Option<String>,
}

impl ImageRef {
    pub fn parse(s: &str) -> ImageRef {
        let s = s.trim();
        let (rest, digest) = match s.split_once('@') {
            Some((r, d)) => (r, Some(d.to_string())),
            None => (s, None),
        };
        // a tag follows the last `:` of the last path segment (`host:5000/web` has none)
        let last_segment = rest.rsplit('/').next().unwrap_or(rest);
        let (repository, tag) = match last_segment.rsplit_once(':') {
            Some((_, tag)) => (
                rest.strip_suffix(tag)
                    .and_then(|r| r.strip_suffix(':'))
                    .unwrap_or(rest)
                    .to_string(),
                Some(tag.to_string()),
            ),
            None => (rest.to_string(), None),
        };
        ImageRef {
            repository,
            tag,
            digest,
        }
    }
    /// Why the reference moves, if it does: no tag, `latest`, or a tag made only of channel
    /// and variant words (`lts`, `stable`, `nightly`, `edge`, `alpine`, `lts-alpine`) that
    /// the publisher moves to each new release. A digest pins whatever the tag says; a
    /// reference still holding `$` is not judged.
    pub fn floating(&self) -> Option<&'static str> {
        if self.digest.is_some() || self.repository.is_empty() || self.repository.contains('$') {
            return None;
        }
        let Some(tag) = self.tag.as_deref() else {
            return Some("has no tag");
        };
        if tag.contains('$') {
            return None;
        }
        if tag == "latest" {
            return Some("uses the `latest` tag");
        }
        const CHANNELS: &[&str] = &[
            "latest", "lts", "stable", "nightly", "edge", "mainline", "current", "rolling", "beta",
            "rc", "dev", "master", "main",
        ];
        const VARIANTS: &[&str] = &["alpine", "slim"];
        let words: Vec<&str> = tag.split('-').collect();
        let floats = words
            .iter()
            .all(|w| CHANNELS.contains(w) || VARIANTS.contains(w));
        if !floats {
            return None;
        }
        Some(if words.iter().any(|w| CHANNELS.contains(w)) {
            "uses a channel tag that moves to each new release"
        } else {
            "uses a variant tag with no version, which moves to each new release"
        })
    }

    /// The last path segment of the repository (`ghcr.io/org/web` → `web`).
    pub fn name(&self) -> &str {
        self.repository
            .rsplit('/')
            .next()
            .unwrap_or(&self.repository)
    }
}

const BACKING: &[(&str, &str)] = &[
    ("postgres", "postgres"),
    ("postgresql", "postgres"),
    ("postgresql-ha", "postgres"),
    ("postgis", "postgres"),
    ("pgvector", "postgres"),
    ("timescaledb-ha", "postgres"),
    ("timescaledb", "postgres"),
    ("mysql", "mysql"),
    ("mariadb", "mariadb"),
    ("percona", "mysql"),
    ("percona-server", "mysql"),
    ("percona-xtradb-cluster", "mysql"),
    ("mysql-server", "mysql"),
    ("mariadb-galera", "mariadb"),
    ("mongo", "mongodb"),
    ("mongodb", "mongodb"),
    ("redis", "redis"),
    ("redis-stack", "redis"),
    ("valkey", "valkey"),
    ("redis-cluster", "redis"),
    ("dragonfly", "redis"),
    ("keydb", "redis"),
    ("memcached", "memcached"),
    ("rabbitmq", "rabbitmq"),
    ("kafka", "kafka"),
    ("cp-kafka", "kafka"),
    ("zookeeper", "zookeeper"),
    ("cp-zookeeper", "zookeeper"),
    ("elasticsearch", "elasticsearch"),
    ("opensearch", "opensearch"),
    ("minio", "minio"),
    ("nats", "nats"),
    ("cassandra", "cassandra"),
    ("couchdb", "couchdb"),
    ("neo4j", "neo4j"),
    ("clickhouse-server", "clickhouse"),
    ("clickhouse", "clickhouse"),
    ("influxdb", "influxdb"),
    ("etcd", "etcd"),
    ("cockroach", "cockroachdb"),
    ("hazelcast", "hazelcast"),
    ("scylla", "scylla"),
    ("couchbase", "couchbase"),
    ("arangodb", "arangodb"),
    ("meilisearch", "meilisearch"),
    ("typesense", "typesense"),
    ("qdrant", "qdrant"),
    ("solr", "solr"),
    ("questdb", "questdb"),
    ("mssql-server", "mssql"),
    ("mssql-server-linux", "mssql"),
    ("mssql-server-windows-express", "mssql"),
    ("mssql-server-windows-developer", "mssql"),
    ("azure-sql-edge", "mssql"),
    ("localstack", "localstack"),
];

/// Infrastructure around apps: proxies, observability, dev tools. Not apps, not data services.
const INFRA: &[&str] = &[
    "nginx",
    "traefik",
    "haproxy",
    "envoy",
    "caddy",
    "prometheus",
    "grafana",
    "jaeger",
    "all-in-one",
    "opentelemetry-collector",
    "opentelemetry-collector-contrib",
    "otel-collector",
    "loki",
    "tempo",
    "mailhog",
    "mailpit",
    "adminer",
    "pgadmin4",
    "flower",
    "kibana",
    "opensearch-dashboards",
    "busybox",
    "alpine",
    "node-exporter",
    "cadvisor",
    "fluent-bit",
    "fluentd",
    "promtail",
    "vector",
    "datadog-agent",
    "newrelic-infrastructure",
    // dashboards, UIs and off-the-shelf servers a repository runs but does not build
    "alertmanager",
    "pushgateway",
    "kube-state-metrics",
    "oauth2-proxy",
    "cloud-sql-proxy",
    "pgbouncer",
    "phpmyadmin",
    "redis-commander",
    "mongo-express",
    "kafka-ui",
    "portainer",
    "portainer-ce",
    "watchtower",
    "dozzle",
    "uptime-kuma",
    "metabase",
    "superset",
    "redash",
    "keycloak",
    "vault",
    "consul",
    "gitea",
    "gogs",
    "gitlab-ce",
    "gitlab-ee",
    "gitlab-runner",
    "jenkins",
    "sonarqube",
    "nexus3",
    "jellyfin",
    "plex",
    "pms-docker",
    "emby",
    "mailcatcher",
    "smtp4dev",
    "swagger-ui",
    "httpd",
    "varnish",
    "squid",
];

/// Infrastructure known by repository, where the last path segment alone is too generic.
const INFRA_REPOSITORIES: &[&str] = &[
    "datadog/agent",
    "datadoghq/agent",
    "elastic/filebeat",
    "elastic/metricbeat",
];

/// The service kind when `image` is a known backing service (`postgres:16` → `postgres`).
pub fn backing_kind(image: &str) -> Option<&'static str> {
    let r = ImageRef::parse(image);
    let name = r.name().to_ascii_lowercase();
    let repo = r.repository.to_ascii_lowercase();
    BACKING
        .iter()
        .find(|(n, _)| name == *n)
        .or_else(|| BACKING_REPOSITORIES.iter().find(|(n, _)| repo.ends_with(n)))
        .map(|(_, k)| *k)
}

/// Backing services known by repository, where the last path segment alone is too generic
/// (`mcr.microsoft.com/mssql/server`).
const BACKING_REPOSITORIES: &[(&str, &str)] = &[
    ("mssql/server", "mssql"),
    ("mssql/rhel/server", "mssql"),
    ("cockroachdb/cockroach", "cockroachdb"),
    ("bitnami/kafka", "kafka"),
];

pub fn is_infra(image: &str) -> bool {
    let r = ImageRef::parse(image);
    let name = r.name().to_ascii_lowercase();
    let repo = r.repository.to_ascii_lowercase();
    INFRA.contains(&name.as_str())
        || name.ends_with("exporter")
        || INFRA_REPOSITORIES.iter().any(|x| repo.ends_with(x))
}

/// Ports that well-known base images declare with `EXPOSE`, by repository (official images by
/// their short name, others by their full path): an image built `FROM` one of them exposes the
/// port without an `EXPOSE` of its own. Read off each image's published Dockerfile; extend it
/// here, with the image's name as `twelve model` prints it.
const BASE_EXPOSES: &[(&str, &[u16])] = &[
    ("nginx", &[80]),
    ("nginxinc/nginx-unprivileged", &[8080]),
    ("bitnami/nginx", &[8080, 8443]),
    ("openresty/openresty", &[80]),
    ("httpd", &[80]),
    ("caddy", &[80, 443, 2019]),
    ("traefik", &[80]),
    ("tomcat", &[8080]),
    ("jetty", &[8080]),
    ("quay.io/wildfly/wildfly", &[8080]),
    ("nodered/node-red", &[1880]),
    ("grafana/grafana", &[3000]),
    ("wordpress", &[80]),
    ("drupal", &[80]),
    ("ghost", &[2368]),
];

/// The ports a base image exposes (see `BASE_EXPOSES`); `php:8-apache` exposes 80.
pub fn base_exposes(image: &str) -> &'static [u16] {
    let r = ImageRef::parse(image);
    let repo = r
        .repository
        .strip_prefix("docker.io/")
        .unwrap_or(&r.repository);
    let repo = repo.strip_prefix("library/").unwrap_or(repo);
    if repo == "php" && r.tag.as_deref().is_some_and(|t| t.contains("apache")) {
        return &[80];
    }
    BASE_EXPOSES
        .iter()
        .find(|(name, _)| *name == repo)
        .map(|(_, ports)| *ports)
        .unwrap_or(&[])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn floating_references() {
        let f = |s: &str| ImageRef::parse(s).floating();
        assert_eq!(f("web"), Some("has no tag"));
        assert_eq!(f("web:latest"), Some("uses the `latest` tag"));
        assert!(f("node:lts").is_some());
        assert!(f("node:lts-alpine").is_some());
        assert!(f("rust:nightly").is_some());
        assert!(f("node:alpine").is_some());
        assert!(f("nginx:stable-alpine").is_some());
        assert_eq!(f("node:20-alpine"), None);
        assert_eq!(f("python:3.12-slim"), None);
        assert_eq!(f("alpine:3.20"), None);
        assert_eq!(f("web@sha256:abc"), None);
        assert_eq!(f("web:${TAG}"), None);
        assert_eq!(f("host:5000/web:1.0"), None);
    }

    #[test]
    fn parses_refs() {
        let r = ImageRef::parse("localhost:5000/team/web:1.2@sha256:abc");
        assert_eq!(r.repository, "localhost:5000/team/web");
        assert_eq!(r.tag.as_deref(), Some("1.2"));
        assert_eq!(r.digest.as_deref(), Some("sha256:abc"));
        assert_eq!(r.name(), "web");
        assert_eq!(ImageRef::parse("python").tag, None);
        assert_eq!(
            backing_kind("docker.io/library/postgres:16-alpine"),
            Some("postgres")
        );
        assert_eq!(backing_kind("bitnami/redis"), Some("redis"));
        assert_eq!(backing_kind("myorg/api"), None);
        assert_eq!(
            backing_kind("mcr.microsoft.com/mssql/server:2022-latest"),
            Some("mssql")
        );
        assert_eq!(backing_kind("ghcr.io/acme/server:1"), None);
        assert!(is_infra("traefik:v3"));
    }

    #[test]
    fn base_images_expose_their_ports() {
        assert_eq!(base_exposes("nginx:1.27-alpine"), &[80]);
        assert_eq!(base_exposes("docker.io/library/nginx"), &[80]);
        assert_eq!(base_exposes("nginxinc/nginx-unprivileged:stable"), &[8080]);
        assert_eq!(base_exposes("php:8.3-apache"), &[80]);
        assert!(base_exposes("php:8.3-fpm").is_empty());
        assert!(base_exposes("python:3.12-slim").is_empty());
    }
}
