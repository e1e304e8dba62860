//! Kubernetes objects lowered from YAML documents (`List` kinds unpacked).

use crate::name::Name;
use crate::parse::compose::Str;
use crate::parse::yaml::{Value, Yaml};
use crate::source::Sp;
use compact_str::{CompactString, ToCompactString};
use thin_vec::ThinVec;

/// The annotation that suppresses twelve's findings on its object (`twelve/ignore: TF0603`).
pub const IGNORE_ANNOTATION: &str = "twelve/ignore";

#[derive(Debug, Clone)]
pub enum PortRef {
    Number(u16),
    Name(CompactString),
}

#[derive(Debug, Clone)]
pub struct ContainerPort {
    pub number: u16,
    pub name: Option<CompactString>,
    pub host_port: Option<u16>,
    pub span: Sp,
}

#[derive(Debug, Clone)]
pub struct EnvVar {
    pub name: CompactString,
    pub name_span: Sp,
    /// `None` for a `valueFrom` (a Secret's or ConfigMap's key, a field of the pod): the
    /// variable is set, to what the cluster says.
    pub value: Option<Str>,
}

#[derive(Debug, Clone)]
pub struct Probe {
    pub kind: &'static str,
    pub port: Option<(PortRef, Sp)>,
    pub span: Sp,
}

#[derive(Debug, Clone)]
pub struct Container {
    pub name: CompactString,
    pub image: Option<Str>,
    pub command: ThinVec<Str>,
    pub args: ThinVec<Str>,
    pub ports: ThinVec<ContainerPort>,
    pub env: ThinVec<EnvVar>,
    /// `envFrom`: (`configMapRef`|`secretRef`, name).
    pub env_from: ThinVec<(CompactString, CompactString)>,
    pub probes: ThinVec<Probe>,
    /// volumeMounts: (volume name, mount path, read-only).
    pub mounts: ThinVec<(CompactString, CompactString, bool, Sp)>,
    /// `securityContext.privileged: true`.
    pub privileged: bool,
    pub span: Sp,
}

#[derive(Debug, Clone, Default)]
pub struct PodSpec {
    pub containers: ThinVec<Container>,
    pub init_containers: ThinVec<Container>,
    pub host_network: Option<Sp>,
    pub termination_grace: Option<(i64, Sp)>,
    pub labels: ThinVec<(CompactString, CompactString)>,
    pub restart_policy: Option<CompactString>,
    /// Pod volumes: (name, kind of source such as `persistentVolumeClaim`, `hostPath`, `emptyDir`).
    pub volumes: ThinVec<(CompactString, CompactString)>,
    /// The host directories or files `hostPath` volumes mount.
    pub host_paths: ThinVec<CompactString>,
    /// `hostPID` or `hostIPC`: the pod shares the node's process or IPC namespace.
    pub host_namespaces: bool,
}

#[derive(Debug, Clone)]
pub struct ServicePort {
    pub port: Option<u16>,
    pub target: Option<(PortRef, Sp)>,
    pub span: Sp,
}

#[derive(Debug, Clone)]
pub struct Object {
    /// Interned: a cluster's objects are of a handful of kinds.
    pub kind: Name,
    pub kind_span: Sp,
    pub name: Option<CompactString>,
    pub namespace: Option<Str>,
    pub annotations: ThinVec<(CompactString, CompactString)>,
    pub span: Sp,
    /// Boxed: most objects (Services, ConfigMaps, …) have none.
    pub pod: Option<Box<PodSpec>>,
    pub replicas: Option<(i64, Sp)>,
    pub selector: ThinVec<(CompactString, CompactString)>,
    pub service_ports: ThinVec<ServicePort>,
    /// ConfigMap/Secret `data`/`stringData`: key and value.
    pub data: ThinVec<(Str, Str)>,
    /// What few objects have, boxed: 8 bytes an object without.
    pub rare: Option<Box<RareFields>>,
}

/// The fields of an [`Object`] few objects have.
#[derive(Debug, Clone, Default)]
pub struct RareFields {
    /// The `twelve/ignore` annotation (suppressions for the whole object).
    pub ignore: Option<Str>,
    /// HorizontalPodAutoscaler target (kind, name).
    pub scale_target: Option<(CompactString, CompactString)>,
    /// Service `spec.sessionAffinity`.
    pub session_affinity: Option<Str>,
}

impl Object {
    /// Whether a container of its pod (init containers too) has a `command` or `args`.
    pub fn has_commands(&self) -> bool {
        self.pod.as_ref().is_some_and(|pod| {
            pod.containers
                .iter()
                .chain(&pod.init_containers)
                .any(|c| !c.command.is_empty() || !c.args.is_empty())
        })
    }

    /// The `twelve/ignore` annotation (suppressions for the whole object).
    pub fn ignore(&self) -> Option<&Str> {
        self.rare.as_ref()?.ignore.as_ref()
    }

    /// HorizontalPodAutoscaler target (kind, name).
    pub fn scale_target(&self) -> Option<&(CompactString, CompactString)> {
        self.rare.as_ref()?.scale_target.as_ref()
    }

    /// Service `spec.sessionAffinity`.
    pub fn session_affinity(&self) -> Option<&Str> {
        self.rare.as_ref()?.session_affinity.as_ref()
    }
}

pub const WORKLOAD_KINDS: &[&str] = &[
    "Deployment",
    "StatefulSet",
    "DaemonSet",
    "ReplicaSet",
    "Job",
    "CronJob",
    "Pod",
    "ReplicationController",
    "DeploymentConfig",
];

/// Whether a document looks like a Kubernetes object.
pub fn is_object(doc: &Yaml) -> bool {
    doc.get("apiVersion").and_then(Yaml::as_str).is_some()
        && doc.get("kind").and_then(Yaml::as_str).is_some()
}

/// Lower a document into objects (a `List` yields its items).
pub fn lower(doc: &Yaml, out: &mut Vec<Object>) {
    if !is_object(doc) {
        return;
    }
    let kind = doc.get("kind").and_then(Yaml::as_str).unwrap_or_default();
    if kind.ends_with("List") {
        for item in doc.get("items").and_then(Yaml::as_seq).unwrap_or(&[]) {
            lower(item, out);
        }
        return;
    }
    let meta = doc.get("metadata");
    let str_map = |y: Option<&Yaml>| -> Vec<(CompactString, CompactString)> {
        y.and_then(Yaml::as_map)
            .map(|m| {
                m.iter()
                    .filter_map(|(k, v)| {
                        Some((
                            k.as_str()?.to_compact_string(),
                            v.as_str()?.to_compact_string(),
                        ))
                    })
                    .collect()
            })
            .unwrap_or_default()
    };
    let spec = doc.get("spec");
    let pod_template = match kind {
        "Pod" => spec.map(|s| (s, meta)),
        "CronJob" => spec
            .and_then(|s| s.get("jobTemplate"))
            .and_then(|j| j.get("spec"))
            .and_then(|s| s.get("template"))
            .and_then(|t| t.get("spec").map(|s| (s, t.get("metadata")))),
        _ if WORKLOAD_KINDS.contains(&kind) => spec
            .and_then(|s| s.get("template"))
            .and_then(|t| t.get("spec").map(|s| (s, t.get("metadata")))),
        _ => None,
    };
    let pod = pod_template.map(|(p, m)| PodSpec {
        containers: containers(p.get("containers")).into(),
        init_containers: containers(p.get("initContainers")).into(),
        host_network: p
            .get("hostNetwork")
            .filter(|h| h.as_bool() == Some(true))
            .map(|h| h.span.clone().into()),
        termination_grace: p
            .get("terminationGracePeriodSeconds")
            .and_then(|t| Some((t.as_i64()?, t.span.clone().into()))),
        labels: str_map(m.and_then(|m| m.get("labels"))).into(),
        restart_policy: p
            .get("restartPolicy")
            .and_then(|r| r.as_str().map(CompactString::from)),
        volumes: p
            .get("volumes")
            .and_then(Yaml::as_seq)
            .unwrap_or(&[])
            .iter()
            .filter_map(|v| {
                let name = v.get("name")?.as_str()?.to_compact_string();
                let kind = v
                    .as_map()?
                    .iter()
                    .filter_map(|(k, _)| k.as_str())
                    .find(|k| *k != "name")?
                    .to_compact_string();
                Some((name, kind))
            })
            .collect(),
        host_paths: p
            .get("volumes")
            .and_then(Yaml::as_seq)
            .unwrap_or(&[])
            .iter()
            .filter_map(|v| {
                Some(
                    v.get("hostPath")?
                        .get("path")?
                        .as_str()?
                        .to_compact_string(),
                )
            })
            .collect(),
        host_namespaces: ["hostPID", "hostIPC"]
            .iter()
            .any(|k| p.get(k).and_then(Yaml::as_bool) == Some(true)),
    });
    let mut data = Vec::new();
    if kind == "ConfigMap" || kind == "Secret" {
        for key in ["data", "stringData"] {
            for (k, v) in doc.get(key).and_then(Yaml::as_map).unwrap_or(&[]) {
                if let (Some(ks), Some(vs)) = (k.as_str(), v.as_str()) {
                    data.push((
                        Str {
                            text: ks.into(),
                            span: k.span.clone().into(),
                        },
                        Str {
                            text: vs.into(),
                            span: v.span.clone().into(),
                        },
                    ));
                }
            }
        }
    }
    let service_ports = if kind == "Service" {
        spec.and_then(|s| s.get("ports"))
            .and_then(Yaml::as_seq)
            .unwrap_or(&[])
            .iter()
            .map(|p| ServicePort {
                port: p
                    .get("port")
                    .and_then(Yaml::as_i64)
                    .and_then(|n| u16::try_from(n).ok()),
                target: p.get("targetPort").and_then(port_ref),
                span: p.span.clone().into(),
            })
            .collect()
    } else {
        Vec::new()
    };
    let selector = if kind == "Service" {
        str_map(spec.and_then(|s| s.get("selector")))
    } else {
        str_map(
            spec.and_then(|s| s.get("selector"))
                .and_then(|s| s.get("matchLabels")),
        )
    };
    let scale_target = spec.and_then(|s| s.get("scaleTargetRef")).and_then(|r| {
        Some((
            r.get("kind")?.as_str()?.to_compact_string(),
            r.get("name")?.as_str()?.to_compact_string(),
        ))
    });
    let ignore = meta
        .and_then(|m| m.get("annotations"))
        .and_then(|a| a.get(IGNORE_ANNOTATION))
        .and_then(|v| {
            v.as_str().map(|t| Str {
                text: t.into(),
                span: v.span.clone().into(),
            })
        });
    let session_affinity = spec.and_then(|s| s.get("sessionAffinity")).and_then(|a| {
        a.as_str().map(|t| Str {
            text: t.into(),
            span: a.span.clone().into(),
        })
    });
    out.push(Object {
        kind: Name::new(kind),
        kind_span: doc
            .get("kind")
            .map(|k| k.span.clone().into())
            .unwrap_or_default(),
        name: meta
            .and_then(|m| m.get("name"))
            .and_then(|n| n.as_str().map(CompactString::from)),
        namespace: meta.and_then(|m| m.get("namespace")).and_then(|n| {
            n.as_str().map(|t| Str {
                text: t.into(),
                span: n.span.clone().into(),
            })
        }),
        annotations: str_map(meta.and_then(|m| m.get("annotations"))).into(),
        span: doc.span.clone().into(),
        pod: pod.map(Box::new),
        replicas: spec
            .and_then(|s| s.get("replicas"))
            .and_then(|r| Some((r.as_i64()?, r.span.clone().into()))),
        selector: selector.into(),
        service_ports: service_ports.into(),
        data: data.into(),
        rare: (ignore.is_some() || scale_target.is_some() || session_affinity.is_some()).then(
            || {
                Box::new(RareFields {
                    ignore,
                    scale_target,
                    session_affinity,
                })
            },
        ),
    });
}

fn port_ref(y: &Yaml) -> Option<(PortRef, Sp)> {
    let t = y.as_str()?;
    let r = match t.parse::<u16>() {
        Ok(n) => PortRef::Number(n),
        Err(_) => PortRef::Name(t.to_compact_string()),
    };
    Some((r, y.span.clone().into()))
}

fn strs(y: Option<&Yaml>) -> Vec<Str> {
    match y.map(|y| &y.value) {
        Some(Value::Seq(items)) => items
            .iter()
            .filter_map(|i| {
                i.as_str().map(|t| Str {
                    text: t.into(),
                    span: i.span.clone().into(),
                })
            })
            .collect(),
        _ => Vec::new(),
    }
}

fn containers(y: Option<&Yaml>) -> Vec<Container> {
    let Some(items) = y.and_then(Yaml::as_seq) else {
        return Vec::new();
    };
    items
        .iter()
        .map(|c| {
            let mut probes = Vec::new();
            for (key, kind) in [
                ("readinessProbe", "readiness"),
                ("livenessProbe", "liveness"),
                ("startupProbe", "startup"),
            ] {
                if let Some(p) = c.get(key) {
                    let port = ["httpGet", "tcpSocket", "grpc"]
                        .iter()
                        .find_map(|h| p.get(h).and_then(|h| h.get("port")).and_then(port_ref));
                    probes.push(Probe {
                        kind,
                        port,
                        span: p.span.clone().into(),
                    });
                }
            }
            Container {
                name: c
                    .get("name")
                    .and_then(Yaml::as_str)
                    .unwrap_or_default()
                    .to_compact_string(),
                image: c.get("image").and_then(|i| {
                    i.as_str().map(|t| Str {
                        text: t.into(),
                        span: i.span.clone().into(),
                    })
                }),
                command: strs(c.get("command")).into(),
                args: strs(c.get("args")).into(),
                ports: c
                    .get("ports")
                    .and_then(Yaml::as_seq)
                    .unwrap_or(&[])
                    .iter()
                    .filter_map(|p| {
                        let n = p.get("containerPort")?.as_i64()?;
                        Some(ContainerPort {
                            number: u16::try_from(n).ok()?,
                            name: p
                                .get("name")
                                .and_then(|n| n.as_str().map(CompactString::from)),
                            host_port: p
                                .get("hostPort")
                                .and_then(Yaml::as_i64)
                                .and_then(|n| u16::try_from(n).ok()),
                            span: p.span.clone().into(),
                        })
                    })
                    .collect(),
                env: c
                    .get("env")
                    .and_then(Yaml::as_seq)
                    .unwrap_or(&[])
                    .iter()
                    .filter_map(|e| {
                        let n = e.get("name")?;
                        Some(EnvVar {
                            name: n.as_str()?.to_compact_string(),
                            name_span: n.span.clone().into(),
                            value: e.get("value").and_then(|v| {
                                v.as_str().map(|t| Str {
                                    text: t.into(),
                                    span: v.span.clone().into(),
                                })
                            }),
                        })
                    })
                    .collect(),
                env_from: c
                    .get("envFrom")
                    .and_then(Yaml::as_seq)
                    .unwrap_or(&[])
                    .iter()
                    .filter_map(|e| {
                        ["configMapRef", "secretRef"].iter().find_map(|k| {
                            let n = e.get(k)?.get("name")?.as_str()?;
                            Some((k.to_compact_string(), n.to_compact_string()))
                        })
                    })
                    .collect(),
                probes: probes.into(),
                privileged: c
                    .get("securityContext")
                    .and_then(|s| s.get("privileged"))
                    .and_then(Yaml::as_bool)
                    == Some(true),
                mounts: c
                    .get("volumeMounts")
                    .and_then(Yaml::as_seq)
                    .unwrap_or(&[])
                    .iter()
                    .filter_map(|m| {
                        Some((
                            m.get("name")?.as_str()?.to_compact_string(),
                            m.get("mountPath")?.as_str()?.to_compact_string(),
                            m.get("readOnly").and_then(Yaml::as_bool) == Some(true),
                            m.span.clone().into(),
                        ))
                    })
                    .collect(),
                span: c.span.clone().into(),
            }
        })
        .collect()
}
