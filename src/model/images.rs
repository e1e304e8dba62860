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

#[cfg(test)]
mod tests {
    use super::*;

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
}
