//! The objects each format offers to checks: Kubernetes objects, pod specs and containers;
//! compose services; CloudFormation resources; workflows, jobs and steps.

use crate::doc::{Node, route_index, route_key};
use crate::policy::{Format, Subject};

/// Pod-spec-bearing workload kinds and the route of their pod spec.
pub fn pod_spec_route(kind: &str) -> Option<&'static str> {
    Some(match kind {
        "Pod" => "spec",
        "Deployment"
        | "ReplicaSet"
        | "StatefulSet"
        | "DaemonSet"
        | "Job"
        | "ReplicationController" => "spec.template.spec",
        "CronJob" => "spec.jobTemplate.spec.template.spec",
        "PodTemplate" => "template.spec",
        _ => return None,
    })
}

/// One Kubernetes object of a file (`List` items unfolded).
pub struct K8sObject<'a> {
    pub node: &'a Node,
    pub route: String,
    pub kind: String,
    pub name: String,
}

/// Every Kubernetes object of the documents (`doc` index routes: `[0]`, `[1].items[2]`).
pub fn k8s_objects(docs: &[Node]) -> Vec<K8sObject<'_>> {
    let mut out = Vec::new();
    for (i, d) in docs.iter().enumerate() {
        let route = if docs.len() > 1 {
            format!("[{i}]")
        } else {
            String::new()
        };
        push_k8s(d, route, &mut out, 0);
    }
    out
}

fn push_k8s<'a>(d: &'a Node, route: String, out: &mut Vec<K8sObject<'a>>, depth: usize) {
    let Some(kind) = d.str_at("kind") else { return };
    if d.get("apiVersion").is_none() {
        return;
    }
    if kind.ends_with("List") && depth < 4 {
        if let Some(items) = d.get("items").and_then(Node::as_seq) {
            for (i, it) in items.iter().enumerate() {
                push_k8s(
                    it,
                    route_index(&route_key(&route, "items"), i),
                    out,
                    depth + 1,
                );
            }
        }
        return;
    }
    let meta = d.get("metadata");
    out.push(K8sObject {
        node: d,
        route,
        kind: kind.to_string(),
        name: meta
            .and_then(|m| m.str_at("name"))
            .unwrap_or("")
            .to_string(),
    });
}

fn join(route: &str, rel: &str) -> String {
    if route.is_empty() {
        rel.to_string()
    } else if rel.is_empty() {
        route.to_string()
    } else {
        format!("{route}.{rel}")
    }
}

/// The subjects of a file for `select`.
pub fn subjects<'a>(format: Format, docs: &'a [Node], selector: &str) -> Vec<Subject<'a>> {
    let mut out = Vec::new();
    match format {
        Format::Kubernetes => {
            for o in k8s_objects(docs) {
                // Kind and name, not namespace: overlays move objects between namespaces,
                // and the problem is the same one.
                let id = format!("{}/{}", o.kind, o.name);
                let display = format!(
                    "{}/{}",
                    o.kind,
                    if o.name.is_empty() { "?" } else { &o.name }
                );
                match selector {
                    "object" | "" => out.push(Subject {
                        node: o.node,
                        route: o.route.clone(),
                        kind: o.kind.clone(),
                        name: display,
                        ref_name: o.name.clone(),
                        identity: id,
                        parents: vec![],
                    }),
                    "pod" | "container" | "app-container" => {
                        let Some(rel) = pod_spec_route(&o.kind) else {
                            continue;
                        };
                        let Some(spec) = o.node.at(rel) else { continue };
                        let spec_route = join(&o.route, rel);
                        if selector == "pod" {
                            out.push(Subject {
                                node: spec,
                                route: spec_route,
                                kind: o.kind.clone(),
                                name: display,
                                ref_name: o.name.clone(),
                                identity: id,
                                parents: vec![("$object", o.node, o.route.clone())],
                            });
                            continue;
                        }
                        for list in ["initContainers", "containers", "ephemeralContainers"] {
                            if selector == "app-container" && list != "containers" {
                                continue;
                            }
                            let Some(cs) = spec.get(list).and_then(Node::as_seq) else {
                                continue;
                            };
                            for (i, c) in cs.iter().enumerate() {
                                let cname = c.str_at("name").unwrap_or("?");
                                out.push(Subject {
                                    node: c,
                                    route: route_index(&route_key(&spec_route, list), i),
                                    kind: "container".to_string(),
                                    name: format!("container `{cname}` of {display}"),
                                    ref_name: cname.to_string(),
                                    identity: format!("{id}/{list}/{cname}"),
                                    parents: vec![
                                        ("$pod", spec, spec_route.clone()),
                                        ("$object", o.node, o.route.clone()),
                                    ],
                                });
                            }
                        }
                    }
                    _ => {}
                }
            }
        }
        Format::Compose => {
            for (di, d) in docs.iter().enumerate() {
                let base = if docs.len() > 1 {
                    format!("[{di}]")
                } else {
                    String::new()
                };
                let Some(services) = d.get("services").and_then(Node::as_map) else {
                    continue;
                };
                for (k, v) in services {
                    let name = k.as_str().unwrap_or("?");
                    out.push(Subject {
                        node: v,
                        route: route_key(&route_key(&base, "services"), name),
                        kind: "service".into(),
                        name: format!("service `{name}`"),
                        ref_name: name.into(),
                        identity: format!("service/{name}"),
                        parents: vec![("$file", d, base.clone())],
                    });
                }
            }
        }
        Format::CloudFormation => {
            for d in docs {
                let Some(res) = d.get("Resources").and_then(Node::as_map) else {
                    continue;
                };
                for (k, v) in res {
                    let name = k.as_str().unwrap_or("?");
                    let ty = v.str_at("Type").unwrap_or("").to_string();
                    out.push(Subject {
                        node: v,
                        route: route_key("Resources", name),
                        name: format!("{ty} `{name}`"),
                        kind: ty,
                        ref_name: name.into(),
                        identity: format!("resource/{name}"),
                        parents: vec![("$template", d, String::new())],
                    });
                }
            }
        }
        Format::GithubActions => {
            for d in docs {
                match selector {
                    "workflow" => out.push(Subject {
                        node: d,
                        route: String::new(),
                        kind: "workflow".into(),
                        name: "workflow".into(),
                        ref_name: String::new(),
                        identity: "workflow".into(),
                        parents: vec![],
                    }),
                    "job" => {
                        for (k, v) in d.get("jobs").and_then(Node::as_map).unwrap_or_default() {
                            let name = k.as_str().unwrap_or("?");
                            out.push(Subject {
                                node: v,
                                route: route_key("jobs", name),
                                kind: "job".into(),
                                name: format!("job `{name}`"),
                                ref_name: name.into(),
                                identity: format!("job/{name}"),
                                parents: vec![("$workflow", d, String::new())],
                            });
                        }
                    }
                    "step" => {
                        for (job_route, job_name, job, steps) in gha_steps(d) {
                            for (i, st) in steps.iter().enumerate() {
                                let label = st
                                    .str_at("name")
                                    .or_else(|| st.str_at("uses"))
                                    .or_else(|| st.str_at("id"))
                                    .unwrap_or("");
                                out.push(Subject {
                                    node: st,
                                    route: route_index(&route_key(&job_route, "steps"), i),
                                    kind: "step".into(),
                                    name: format!("step {} `{label}` of {job_name}", i + 1),
                                    ref_name: String::new(),
                                    identity: format!("{job_name}/step/{i}/{label}"),
                                    parents: vec![
                                        ("$job", job, job_route.clone()),
                                        ("$workflow", d, String::new()),
                                    ],
                                });
                            }
                        }
                    }
                    _ => {}
                }
            }
        }
        Format::GitlabCi => {
            for d in docs {
                if selector == "pipeline" {
                    out.push(Subject {
                        node: d,
                        route: String::new(),
                        kind: "pipeline".into(),
                        name: "pipeline".into(),
                        ref_name: String::new(),
                        identity: "pipeline".into(),
                        parents: vec![],
                    });
                    continue;
                }
                for (k, v) in gitlab_jobs(d) {
                    out.push(Subject {
                        node: v,
                        route: route_key("", k),
                        kind: "job".into(),
                        name: format!("job `{k}`"),
                        ref_name: k.into(),
                        identity: format!("job/{k}"),
                        parents: vec![("$pipeline", d, String::new())],
                    });
                }
            }
        }
        Format::Dockerfile => {}
    }
    out
}

/// `(job route, job display name, job node, steps)` of a workflow, or of a composite action.
pub fn gha_steps(d: &Node) -> Vec<(String, String, &Node, &[Node])> {
    let mut out = Vec::new();
    if let Some(jobs) = d.get("jobs").and_then(Node::as_map) {
        for (k, v) in jobs {
            let name = k.as_str().unwrap_or("?");
            if let Some(steps) = v.get("steps").and_then(Node::as_seq) {
                out.push((route_key("jobs", name), format!("job `{name}`"), v, steps));
            }
        }
    }
    if let Some(runs) = d.get("runs")
        && let Some(steps) = runs.get("steps").and_then(Node::as_seq)
    {
        out.push((
            "runs".to_string(),
            "composite action".to_string(),
            runs,
            steps,
        ));
    }
    out
}

const GITLAB_RESERVED: &[&str] = &[
    "stages",
    "variables",
    "include",
    "default",
    "workflow",
    "image",
    "services",
    "before_script",
    "after_script",
    "cache",
    "types",
    "spec",
];

/// The jobs of a GitLab CI file: top-level mappings that are not keywords or hidden (`.x`).
pub fn gitlab_jobs(d: &Node) -> Vec<(&str, &Node)> {
    d.as_map()
        .unwrap_or_default()
        .iter()
        .filter_map(|(k, v)| {
            let k = k.as_str()?;
            (!k.starts_with('.') && !GITLAB_RESERVED.contains(&k) && v.as_map().is_some())
                .then_some((k, v))
        })
        .collect()
}
