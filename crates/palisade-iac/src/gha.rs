//! GitHub Actions checks that need more than the policy language: `uses:` references,
//! `${{ }}` expressions, triggers combined with steps, shell in `run:`.

use regex::Regex;
use std::sync::LazyLock;

use crate::Hit;
use crate::doc::{Node, Value, route_index, route_key};
use crate::subjects::gha_steps;

pub const IDS: &[&str] = &[
    "iac/gha-unpinned-action",
    "iac/gha-template-expansion",
    "iac/gha-template-injection",
    "iac/gha-template-expansion",
    "iac/gha-untrusted-checkout",
    "iac/gha-dangerous-trigger",
    "iac/gha-checkout-persist-credentials",
    "iac/gha-cache-poisoning",
    "iac/gha-github-env-write",
    "iac/gha-default-permissions",
    "iac/gha-archived-action",
    "iac/gha-typosquatted-action",
    "iac/gha-curl-pipe-shell",
    "iac/gha-overprovisioned-secrets",
    "iac/gha-bot-condition",
    "iac/gha-unpinned-container-image",
];

fn hit(rule: &str, message: String, route: String, node: &Node, identity: String) -> Hit {
    Hit {
        rule: rule.to_string(),
        message,
        route,
        start: node.start,
        end: node.end,
        identity,
    }
}

/// The event names of `on:` (string, list or mapping).
fn triggers(d: &Node) -> Vec<String> {
    // `on` is a YAML 1.1 boolean to some parsers; in YAML 1.2 it is the string "on".
    let Some(on) = d.get("on").or_else(|| d.get("true")) else {
        return Vec::new();
    };
    match &on.value {
        Value::Scalar { text, .. } => vec![text.clone()],
        Value::Seq(items) => items
            .iter()
            .filter_map(|i| i.as_str().map(str::to_string))
            .collect(),
        Value::Map(m) => m
            .iter()
            .filter_map(|(k, _)| k.as_str().map(str::to_string))
            .collect(),
    }
}

fn is_release_workflow(d: &Node) -> bool {
    let t = triggers(d);
    if t.iter().any(|t| t == "release") {
        return true;
    }
    let Some(push) = d.get("on").and_then(|on| on.get("push")) else {
        return false;
    };
    if push.get("tags").is_some() {
        return true;
    }
    // Pushes to release branches publish too.
    push.get("branches")
        .and_then(Node::as_seq)
        .is_some_and(|b| {
            b.iter()
                .any(|b| b.as_str().is_some_and(|b| b.starts_with("release")))
        })
}

static EXPR: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r"\$\{\{\s*([^}]*?)\s*\}\}").ok());

/// Expressions an outsider controls (issue/PR/comment text, branch names, commit messages).
static DANGEROUS: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(
        r"(?x)
        github\.event\.(issue|pull_request|discussion)\.(title|body)
      | github\.event\.(comment|review|review_comment)\.body
      | github\.event\.pull_request\.head\.(ref|label)
      | github\.event\.pull_request\.head\.repo\.(default_branch|name|full_name)
      | github\.event\.pages\.[^.]+\.page_name
      | github\.event\.(head_commit|commits\.[^.]+|commits\[[^\]]*\])\.(message|author\.(email|name))
      | github\.event\.workflow_run\.(head_branch|display_title|head_commit\.(message|author\.(email|name)))
      | github\.event\.workflow_run\.head_repository\.(description|name)
      | github\.head_ref
      | github\.event\.(release\.(name|body|tag_name)|discussion_comment\.body|check_suite\.head_branch)
    ",
    )
    .ok()
});

fn run_shell_hits(run: &Node, route: &str, label: &str, dangerous_ctx: bool, out: &mut Vec<Hit>) {
    let Some(script) = run.as_str() else { return };
    if let (Some(expr), Some(dang)) = (EXPR.as_ref(), DANGEROUS.as_ref()) {
        for c in expr.captures_iter(script) {
            let e = c.get(1).map_or("", |m| m.as_str());
            if let Some(m) = dang.find(e) {
                out.push(hit(
                    "iac/gha-template-injection",
                    format!("`${{{{ {e} }}}}` in a script of {label}: attacker-controlled text becomes shell code"),
                    route.to_string(),
                    run,
                    format!("{label}|{}", m.as_str()),
                ));
            } else if let Some(ctx) = expandable(e) {
                out.push(hit(
                    "iac/gha-template-expansion",
                    format!("`${{{{ {e} }}}}` is pasted into a script of {label}: pass `{ctx}` through `env:` instead"),
                    route.to_string(),
                    run,
                    format!("{label}|{e}"),
                ));
            }
        }
    }
    if curl_pipe_shell(script) {
        out.push(hit(
            "iac/gha-curl-pipe-shell",
            format!("{label} pipes a download straight into a shell"),
            route.to_string(),
            run,
            label.to_string(),
        ));
    }
    if dangerous_ctx && (script.contains("GITHUB_ENV") || script.contains("GITHUB_PATH")) {
        out.push(hit(
            "iac/gha-github-env-write",
            format!(
                "{label} writes to GITHUB_ENV/GITHUB_PATH in a workflow run with untrusted input"
            ),
            route.to_string(),
            run,
            label.to_string(),
        ));
    }
}

/// The first context of an expression whose value is not a constant of the run and may
/// carry text chosen by someone else than the workflow's author (inputs, refs, outputs,
/// matrix values, event fields not known to be numbers or hashes).
fn expandable(expr: &str) -> Option<&str> {
    static CTX: LazyLock<Option<Regex>> = LazyLock::new(|| {
        Regex::new(r"\b(inputs\.[A-Za-z0-9_.-]+|github\.event\.[A-Za-z0-9_.\[\]*-]+|github\.(ref_name|ref|base_ref|head_ref)\b|steps\.[A-Za-z0-9_-]+\.outputs\.[A-Za-z0-9_.-]+|needs\.[A-Za-z0-9_-]+\.outputs\.[A-Za-z0-9_.-]+|matrix\.[A-Za-z0-9_.-]+|env\.[A-Za-z0-9_]+|vars\.[A-Za-z0-9_]+)").ok()
    });
    let re = CTX.as_ref()?;
    re.find_iter(expr).map(|m| m.as_str()).find(|c| {
        let safe_suffix = [
            ".number",
            ".id",
            ".sha",
            "_sha",
            ".node_id",
            ".run_id",
            ".run_number",
            ".conclusion",
            ".draft",
            ".merged",
            ".created_at",
            ".updated_at",
            ".size",
            ".html_url",
        ]
        .iter()
        .any(|s| c.ends_with(s));
        !safe_suffix && !c.starts_with("github.event.repository.") && *c != "github.event_name"
    })
}

/// `curl … | sh`, `wget -O- … | bash`, `bash <(curl …)`.
pub fn curl_pipe_shell(script: &str) -> bool {
    static RE: LazyLock<Option<Regex>> = LazyLock::new(|| {
        Regex::new(r"(?m)\b(curl|wget)\b[^|\n;&]*\|\s*(sudo\s+(-\S+\s+)*)?(ba|z|da|k)?sh\b|(ba|z)?sh\s+(-s\s+)?<\(\s*(curl|wget)\b").ok()
    });
    RE.as_ref().is_some_and(|r| r.is_match(script))
}

const ARCHIVED: &[&str] = &[
    "actions/create-release",
    "actions/upload-release-asset",
    "actions/setup-ruby",
    "actions-rs/toolchain",
    "actions-rs/cargo",
    "actions-rs/audit-check",
    "actions-rs/clippy-check",
    "actions-rs/tarpaulin",
    "actions-rs/install",
    "contributor-assistant/github-action",
];

const TRUSTED_OWNERS: &[&str] = &[
    "actions",
    "github",
    "docker",
    "aws-actions",
    "azure",
    "google-github-actions",
    "hashicorp",
];

fn edit_distance_one(a: &str, b: &str) -> bool {
    if a == b {
        return false;
    }
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    let (la, lb) = (a.len(), b.len());
    if la.abs_diff(lb) > 1 {
        return false;
    }
    let (mut i, mut j, mut edits) = (0, 0, 0);
    while i < la && j < lb {
        if a[i] == b[j] {
            i += 1;
            j += 1;
            continue;
        }
        edits += 1;
        if edits > 1 {
            return false;
        }
        if la > lb {
            i += 1;
        } else if lb > la {
            j += 1;
        } else if i + 1 < la && a[i] == b[j + 1] && a[i + 1] == b[j] {
            // transposition
            i += 2;
            j += 2;
        } else {
            i += 1;
            j += 1;
        }
    }
    edits + (la - i) + (lb - j) <= 1
}

fn check_uses(uses: &Node, route: &str, label: &str, out: &mut Vec<Hit>) {
    let Some(u) = uses.as_str() else { return };
    let u = u.trim();
    if u.starts_with("./") || u.contains("${{") {
        return;
    }
    if let Some(img) = u.strip_prefix("docker://") {
        if !img.contains("@sha256:") {
            out.push(hit(
                "iac/gha-unpinned-action",
                format!("`{u}` in {label} is a container image not pinned by digest"),
                route.to_string(),
                uses,
                format!("{label}|{u}"),
            ));
        }
        return;
    }
    let (name, reference) = u.split_once('@').unwrap_or((u, ""));
    let repo: String = name
        .split('/')
        .take(2)
        .collect::<Vec<_>>()
        .join("/")
        .to_ascii_lowercase();
    let pinned = reference.len() == 40 && reference.bytes().all(|b| b.is_ascii_hexdigit());
    if !pinned {
        out.push(hit(
            "iac/gha-unpinned-action",
            format!("`{u}` in {label} is not pinned to a full commit SHA"),
            route.to_string(),
            uses,
            format!("{label}|{name}"),
        ));
    }
    if ARCHIVED.contains(&repo.as_str()) {
        out.push(hit(
            "iac/gha-archived-action",
            format!("`{repo}` (used in {label}) is archived: it gets no security fixes"),
            route.to_string(),
            uses,
            format!("{label}|{repo}"),
        ));
    }
    let owner = repo.split('/').next().unwrap_or("");
    if let Some(t) = TRUSTED_OWNERS.iter().find(|t| edit_distance_one(owner, t)) {
        out.push(hit(
            "iac/gha-typosquatted-action",
            format!("`{repo}` in {label}: owner `{owner}` is one letter away from `{t}`"),
            route.to_string(),
            uses,
            format!("{label}|{repo}"),
        ));
    }
}

fn uses_action(step: &Node, action: &str) -> bool {
    step.str_at("uses").is_some_and(|u| {
        u.split('@')
            .next()
            .is_some_and(|n| n.eq_ignore_ascii_case(action))
    })
}

/// Every Rust GitHub Actions check over one workflow or composite action.
pub fn scan(docs: &[Node]) -> Vec<Hit> {
    let mut out = Vec::new();
    for d in docs {
        let trig = triggers(d);
        let dangerous: Vec<&str> = trig
            .iter()
            .map(String::as_str)
            .filter(|t| matches!(*t, "pull_request_target" | "workflow_run" | "issue_comment"))
            .collect();
        let is_workflow = d.get("jobs").is_some();
        let untrusted_input = !dangerous.is_empty() || trig.iter().any(|t| t == "issue_comment");
        if let Some(on) = d.get("on").or_else(|| d.get("true")) {
            for t in &dangerous {
                let node = on.key_node(t).unwrap_or(on);
                out.push(hit(
                    "iac/gha-dangerous-trigger",
                    format!(
                        "`{t}` runs with a write token and secrets on events outsiders can cause"
                    ),
                    route_key("on", t),
                    node,
                    (*t).to_string(),
                ));
            }
        }
        // Permissions: none at the top and some job without its own.
        if is_workflow && d.get("permissions").is_none() {
            for (k, job) in d.get("jobs").and_then(Node::as_map).unwrap_or_default() {
                if job.get("permissions").is_none() {
                    let name = k.as_str().unwrap_or("?");
                    out.push(hit(
                        "iac/gha-default-permissions",
                        format!("job `{name}` runs with the default GITHUB_TOKEN permissions (no `permissions:` here or at the top)"),
                        route_key("jobs", name),
                        k,
                        name.to_string(),
                    ));
                }
            }
        }
        let release = is_release_workflow(d);
        if let Some(jobs) = d.get("jobs").and_then(Node::as_map) {
            for (k, job) in jobs {
                let name = k.as_str().unwrap_or("?");
                let jroute = route_key("jobs", name);
                if let Some(u) = job.get("uses") {
                    check_uses(
                        u,
                        &route_key(&jroute, "uses"),
                        &format!("job `{name}`"),
                        &mut out,
                    );
                }
                if let Some(cond) = job.get("if") {
                    bot_condition(
                        cond,
                        &route_key(&jroute, "if"),
                        &format!("job `{name}`"),
                        &mut out,
                    );
                }
                if let Some(c) = job.get("container") {
                    let img = c.as_str().or_else(|| c.str_at("image"));
                    if let Some(img) = img
                        && !img.contains("@sha256:")
                        && !img.contains("${{")
                    {
                        out.push(hit(
                            "iac/gha-unpinned-container-image",
                            format!("job `{name}` runs in `{img}`, not pinned by digest"),
                            route_key(&jroute, "container"),
                            c,
                            format!("{name}|{img}"),
                        ));
                    }
                }
                let _ = release;
            }
        }
        for (job_route, job_label, _job, steps) in gha_steps(d) {
            let mut checked_out_untrusted = false;
            for (i, st) in steps.iter().enumerate() {
                let sroute = route_index(&route_key(&job_route, "steps"), i);
                let label = format!("step {} of {job_label}", i + 1);
                if let Some(u) = st.get("uses") {
                    check_uses(u, &route_key(&sroute, "uses"), &label, &mut out);
                }
                if let Some(cond) = st.get("if") {
                    bot_condition(cond, &route_key(&sroute, "if"), &label, &mut out);
                }
                if let Some(run) = st.get("run") {
                    run_shell_hits(
                        run,
                        &route_key(&sroute, "run"),
                        &label,
                        untrusted_input,
                        &mut out,
                    );
                }
                if uses_action(st, "actions/github-script")
                    && let Some(script) = st.get("with").and_then(|w| w.get("script"))
                {
                    run_shell_hits(
                        script,
                        &route_key(&sroute, "with.script"),
                        &label,
                        false,
                        &mut out,
                    );
                }
                let text = st.get("with").map(|w| {
                    let mut s = String::new();
                    let mut budget = 10_000;
                    w.flatten(&mut s, &mut budget);
                    s
                });
                if let Some(env) = st.get("env") {
                    let mut s = String::new();
                    let mut budget = 10_000;
                    env.flatten(&mut s, &mut budget);
                    if s.contains("toJSON(secrets)") || s.contains("toJson(secrets)") {
                        out.push(hit(
                            "iac/gha-overprovisioned-secrets",
                            format!(
                                "{label} passes every secret of the repository (`toJSON(secrets)`)"
                            ),
                            route_key(&sroute, "env"),
                            env,
                            label.clone(),
                        ));
                    }
                }
                if uses_action(st, "actions/checkout") {
                    let with = st.get("with");
                    let persist = with.and_then(|w| w.get("persist-credentials"));
                    if is_workflow && persist.is_none_or(|p| p.as_bool() != Some(false)) {
                        out.push(hit(
                            "iac/gha-checkout-persist-credentials",
                            format!("{label} leaves the GITHUB_TOKEN in .git/config (set `persist-credentials: false`)"),
                            route_key(&sroute, "uses"),
                            st.get("uses").unwrap_or(st),
                            label.clone(),
                        ));
                    }
                    let reference = with
                        .and_then(|w| w.get("ref"))
                        .and_then(Node::as_str)
                        .unwrap_or("");
                    let untrusted_ref = [
                        "github.event.pull_request.head",
                        "github.head_ref",
                        "github.event.workflow_run.head",
                        "refs/pull/",
                    ]
                    .iter()
                    .any(|p| reference.contains(p));
                    if !dangerous.is_empty() && untrusted_ref {
                        checked_out_untrusted = true;
                        out.push(hit(
                            "iac/gha-untrusted-checkout",
                            format!("{label} checks out the pull request's code (`{reference}`) in a `{}` workflow", dangerous.join("`/`")),
                            route_key(&sroute, "with.ref"),
                            with.and_then(|w| w.get("ref")).unwrap_or(st),
                            label.clone(),
                        ));
                    }
                }
                let _ = checked_out_untrusted;
                if release {
                    let cache_action = uses_action(st, "actions/cache")
                        || uses_action(st, "actions/cache/restore")
                        || ((uses_action(st, "actions/setup-node")
                            || uses_action(st, "actions/setup-python")
                            || uses_action(st, "actions/setup-java"))
                            && st.get("with").and_then(|w| w.get("cache")).is_some())
                        || (uses_action(st, "actions/setup-go")
                            && !text.as_deref().is_some_and(|t| t.contains("cache:false")))
                        || uses_action(st, "Swatinem/rust-cache");
                    if cache_action {
                        out.push(hit(
                            "iac/gha-cache-poisoning",
                            format!("{label} restores a cache in a release workflow: a poisoned cache ends up in the release"),
                            route_key(&sroute, "uses"),
                            st.get("uses").unwrap_or(st),
                            label.clone(),
                        ));
                    }
                }
            }
        }
    }
    out
}

fn bot_condition(cond: &Node, route: &str, label: &str, out: &mut Vec<Hit>) {
    let Some(c) = cond.as_str() else { return };
    if c.contains("github.actor") && c.contains("[bot]") && c.contains("==") {
        out.push(hit(
            "iac/gha-bot-condition",
            format!("{label} trusts `github.actor` to be a bot; the actor is whoever triggered the latest event"),
            route.to_string(),
            cond,
            label.to_string(),
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn curl_pipe_detection() {
        assert!(curl_pipe_shell("curl -sSL https://x.io/i.sh | bash"));
        assert!(curl_pipe_shell("wget -qO- https://x | sudo sh"));
        assert!(curl_pipe_shell("bash <(curl -s https://x)"));
        assert!(!curl_pipe_shell("curl -o x.tgz https://x && tar xf x.tgz"));
        assert!(!curl_pipe_shell("curl https://x | jq .shell"));
    }

    #[test]
    fn typo_distance() {
        assert!(edit_distance_one("actons", "actions"));
        assert!(edit_distance_one("actoins", "actions"));
        assert!(!edit_distance_one("actions", "actions"));
        assert!(!edit_distance_one("octo", "actions"));
    }
}
