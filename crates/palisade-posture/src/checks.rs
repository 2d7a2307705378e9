//! The checks, one function each.

use std::sync::LazyLock;

use regex::Regex;
use serde_json::Value;

use crate::{Check, Evidence, MAX_READ, Risk, Tree, Workflow, line_of};

macro_rules! re {
    ($name:ident, $pat:expr) => {
        static $name: LazyLock<Regex> = LazyLock::new(|| {
            #[allow(clippy::unwrap_used)] // a literal pattern, covered by the tests
            Regex::new($pat).unwrap()
        });
    };
}

/// Evidence kept per check (the score counts all of it).
const MAX_EVIDENCE: usize = 200;

fn ev(file: &str, line: usize, message: impl Into<String>, negative: bool) -> Evidence {
    Evidence {
        file: file.to_owned(),
        line,
        message: message.into(),
        negative,
    }
}

fn check(
    id: &'static str,
    name: &'static str,
    risk: Risk,
    score: Option<u8>,
    reason: impl Into<String>,
    mut evidence: Vec<Evidence>,
) -> Check {
    evidence.sort();
    evidence.dedup();
    if evidence.len() > MAX_EVIDENCE {
        let more = evidence.len() - MAX_EVIDENCE;
        let negative = evidence[MAX_EVIDENCE..].iter().any(|e| e.negative);
        evidence.truncate(MAX_EVIDENCE);
        evidence.push(ev("", 0, format!("... and {more} more"), negative));
    }
    Check {
        id,
        name,
        risk,
        score,
        reason: reason.into(),
        evidence,
    }
}

/// `10 * good / total`, rounded down.
fn ratio(good: usize, total: usize) -> u8 {
    if total == 0 {
        return 10;
    }
    u8::try_from(good * 10 / total).unwrap_or(10)
}

// ---------------------------------------------------------------- Dangerous-Workflow

// Contexts an outsider controls (a pull request title, a branch name, a comment).
re!(
    UNTRUSTED_EXPR,
    r"\$\{\{[^}]*\b(github\.event\.(issue\.(title|body)|pull_request\.(title|body|head\.ref|head\.label|head\.repo\.default_branch)|comment\.body|review\.body|review_comment\.body|pages\.[^}]*\.page_name|commits\.[^}]*\.(message|author\.(email|name))|head_commit\.(message|author\.(email|name))|workflow_run\.(head_branch|head_commit\.message|display_title|pull_requests[^}]*\.head\.ref)|discussion\.(title|body))|github\.head_ref)\b[^}]*\}\}"
);
re!(
    HEAD_REF,
    r"github\.event\.pull_request\.head\.(sha|ref)|github\.head_ref|github\.event\.workflow_run\.head_(sha|branch)|refs/pull/"
);

pub(crate) fn dangerous_workflow(wfs: &[Workflow]) -> Check {
    let (id, name, risk) = ("dangerous-workflow", "Dangerous-Workflow", Risk::Critical);
    if wfs.is_empty() {
        return check(id, name, risk, None, "no GitHub workflows", vec![]);
    }
    let mut evidence = Vec::new();
    for wf in wfs {
        let privileged = wf
            .triggers()
            .iter()
            .any(|t| t == "pull_request_target" || t == "workflow_run");
        for step in wf.steps() {
            let uses = step.get("uses").and_then(Value::as_str).unwrap_or("");
            if privileged && uses.starts_with("actions/checkout") {
                let r = step
                    .get("with")
                    .and_then(|w| w.get("ref"))
                    .and_then(Value::as_str)
                    .unwrap_or("");
                if HEAD_REF.is_match(r) {
                    evidence.push(ev(
                        &wf.path,
                        wf.line_of(r),
                        format!("privileged trigger checks out untrusted code (ref: {r})"),
                        true,
                    ));
                }
            }
            let scripts = [
                step.get("run").and_then(Value::as_str),
                uses.starts_with("actions/github-script")
                    .then(|| step.get("with").and_then(|w| w.get("script")))
                    .flatten()
                    .and_then(Value::as_str),
            ];
            for script in scripts.into_iter().flatten() {
                for m in UNTRUSTED_EXPR.find_iter(script) {
                    evidence.push(ev(
                        &wf.path,
                        wf.line_of(m.as_str()),
                        format!("script injection: {} expanded into a script", m.as_str()),
                        true,
                    ));
                }
            }
        }
    }
    if evidence.is_empty() {
        check(
            id,
            name,
            risk,
            Some(10),
            "no dangerous workflow patterns",
            evidence,
        )
    } else {
        check(
            id,
            name,
            risk,
            Some(0),
            format!("{} dangerous pattern(s)", evidence.len()),
            evidence,
        )
    }
}

// ---------------------------------------------------------------- Token-Permissions

/// `None` when read-only (or empty), `Some(what)` naming the write access.
fn write_access(perms: &Value) -> Option<String> {
    match perms {
        Value::String(s) if s == "read-all" => None,
        Value::String(s) => Some(s.clone()),
        Value::Object(m) => {
            let w: Vec<&str> = m
                .iter()
                .filter(|(_, v)| v.as_str() == Some("write"))
                .map(|(k, _)| k.as_str())
                .collect();
            (!w.is_empty()).then(|| format!("{}: write", w.join(", ")))
        }
        _ => None,
    }
}

pub(crate) fn token_permissions(wfs: &[Workflow]) -> Check {
    let (id, name, risk) = ("token-permissions", "Token-Permissions", Risk::High);
    if wfs.is_empty() {
        return check(id, name, risk, None, "no GitHub workflows", vec![]);
    }
    let mut evidence = Vec::new();
    let mut good = 0;
    for wf in wfs {
        match wf.doc.get("permissions") {
            None => {
                let jobs = wf.jobs();
                let all_jobs = !jobs.is_empty()
                    && jobs.iter().all(|(_, j)| {
                        j.get("permissions").is_some_and(|p| {
                            !write_access(p).is_some_and(|w| w.contains("write-all"))
                        })
                    });
                if all_jobs {
                    good += 1;
                    evidence.push(ev(
                        &wf.path,
                        0,
                        "every job declares restricted permissions",
                        false,
                    ));
                } else {
                    evidence.push(ev(
                        &wf.path,
                        0,
                        "no top-level `permissions`: the token gets the repository default (possibly write-all)",
                        true,
                    ));
                }
            }
            Some(p) => match write_access(p) {
                None => {
                    good += 1;
                    evidence.push(ev(
                        &wf.path,
                        wf.line_of("permissions"),
                        "top-level permissions are read-only",
                        false,
                    ));
                }
                Some(w) => evidence.push(ev(
                    &wf.path,
                    wf.line_of("permissions"),
                    format!("top-level permissions grant write access ({w}); grant it per job"),
                    true,
                )),
            },
        }
        for (job, j) in wf.jobs() {
            if let Some(w) = j.get("permissions").and_then(write_access)
                && w.contains("write-all")
            {
                evidence.push(ev(
                    &wf.path,
                    wf.line_of(&format!("{job}:")),
                    format!("job `{job}` has write-all permissions"),
                    true,
                ));
            }
        }
    }
    let score = ratio(good, wfs.len());
    check(
        id,
        name,
        risk,
        Some(score),
        format!(
            "{good} of {} workflow(s) restrict the token to read at top level",
            wfs.len()
        ),
        evidence,
    )
}

// ---------------------------------------------------------------- Pinned-Dependencies

re!(USES, r#"^\s*(?:-\s+)?uses:\s*["']?([^\s"'#]+)"#);
re!(SHA40, r"@[0-9a-fA-F]{40}$");
re!(IMAGE_KEY, r#"^\s*(?:-\s+)?image:\s*["']?([^\s"'#]+)"#);
re!(
    FROM,
    r"(?i)^\s*FROM\s+(?:--platform=\S+\s+)?(\S+)(?:\s+AS\s+(\S+))?"
);
re!(
    CURL_PIPE,
    r"(?i)\b(curl|wget)\b[^|\n]*\|\s*(sudo\s+)?(ba|z|da)?sh\b|\b(ba)?sh\s+<\(\s*(curl|wget)\b"
);
re!(PIP_INSTALL, r"\bpip3?\s+install\b([^\n&;|]*)");
re!(NPM_INSTALL, r"\bnpm\s+(install|i|add)\b([^\n&;|]*)");

fn is_script(path: &str) -> bool {
    let base = path.rsplit('/').next().unwrap_or(path);
    path.ends_with(".sh") || path.ends_with(".bash") || base == "Makefile"
}

fn is_dockerfile(path: &str) -> bool {
    let base = path.rsplit('/').next().unwrap_or(path).to_ascii_lowercase();
    base == "dockerfile"
        || base.starts_with("dockerfile.")
        || base.ends_with(".dockerfile")
        || base == "containerfile"
}

/// Unpinned package installs and pipes to a shell on the lines of a script.
fn script_installs(
    file: &str,
    text: &str,
    total: &mut usize,
    pinned: &mut usize,
    evidence: &mut Vec<Evidence>,
) {
    for (i, line) in text.lines().enumerate() {
        let n = i + 1;
        if line.trim_start().starts_with('#') {
            continue;
        }
        if CURL_PIPE.is_match(line) {
            *total += 1;
            evidence.push(ev(
                file,
                n,
                "downloads a script and pipes it to a shell (unverified code)",
                true,
            ));
        }
        if let Some(c) = PIP_INSTALL.captures(line) {
            let args = &c[1];
            *total += 1;
            let ok = args.contains("--require-hashes")
                || (args.contains("-r ") && !args.contains("-e "))
                || args
                    .split_whitespace()
                    .filter(|a| !a.starts_with('-'))
                    .all(|a| a.contains("==") || a.starts_with('.') || a.contains("requirements"));
            if ok {
                *pinned += 1;
            } else {
                evidence.push(ev(
                    file,
                    n,
                    "pip install without exact versions or hashes",
                    true,
                ));
            }
        }
        if let Some(c) = NPM_INSTALL.captures(line) {
            let pkgs: Vec<&str> = c[2]
                .split_whitespace()
                .filter(|a| !a.starts_with('-'))
                .collect();
            *total += 1;
            if pkgs.is_empty() {
                evidence.push(ev(
                    file,
                    n,
                    "npm install (use `npm ci` to honour the lockfile)",
                    true,
                ));
            } else if pkgs.iter().all(|p| {
                p.rsplit_once('@').is_some_and(|(n, v)| {
                    !n.is_empty() && v.chars().next().is_some_and(|c| c.is_ascii_digit())
                })
            }) {
                *pinned += 1;
            } else {
                evidence.push(ev(
                    file,
                    n,
                    "npm install of packages without exact versions",
                    true,
                ));
            }
        }
    }
}

pub(crate) fn pinned_dependencies(tree: &Tree, wfs: &[Workflow]) -> Check {
    let (id, name, risk) = ("pinned-dependencies", "Pinned-Dependencies", Risk::Medium);
    let (mut total, mut pinned) = (0usize, 0usize);
    let mut evidence = Vec::new();
    for wf in wfs {
        for (i, line) in wf.text.lines().enumerate() {
            let n = i + 1;
            if let Some(c) = USES.captures(line) {
                let u = &c[1];
                if u.starts_with("./") {
                    continue;
                }
                total += 1;
                if let Some(img) = u.strip_prefix("docker://") {
                    if img.contains("@sha256:") {
                        pinned += 1;
                    } else {
                        evidence.push(ev(
                            &wf.path,
                            n,
                            format!("container action `{u}` not pinned by digest"),
                            true,
                        ));
                    }
                } else if SHA40.is_match(u) {
                    pinned += 1;
                } else {
                    evidence.push(ev(
                        &wf.path,
                        n,
                        format!("action `{u}` not pinned by full commit SHA"),
                        true,
                    ));
                }
            } else if let Some(c) = IMAGE_KEY.captures(line) {
                let img = &c[1];
                if img.starts_with("${{") {
                    continue;
                }
                total += 1;
                if img.contains("@sha256:") {
                    pinned += 1;
                } else {
                    evidence.push(ev(
                        &wf.path,
                        n,
                        format!("container image `{img}` not pinned by digest"),
                        true,
                    ));
                }
            }
        }
        for step in wf.steps() {
            if let Some(run) = step.get("run").and_then(Value::as_str) {
                let base = wf.line_of(run.lines().next().unwrap_or(""));
                let mut ev2 = Vec::new();
                script_installs(&wf.path, run, &mut total, &mut pinned, &mut ev2);
                for mut e in ev2 {
                    // Lines are relative to the script; map to the workflow when found.
                    let line_text = run.lines().nth(e.line.saturating_sub(1)).unwrap_or("");
                    let l = wf.line_of(line_text.trim());
                    e.line = if l > 0 { l } else { base };
                    evidence.push(e);
                }
            }
        }
    }
    for f in &tree.files {
        if is_dockerfile(f) {
            let Some(text) = tree.read_text(f) else {
                continue;
            };
            let mut stages: Vec<String> = Vec::new();
            for (i, line) in text.lines().enumerate() {
                if let Some(c) = FROM.captures(line) {
                    let img = c[1].to_string();
                    if let Some(alias) = c.get(2) {
                        stages.push(alias.as_str().to_ascii_lowercase());
                    }
                    if img == "scratch"
                        || stages.contains(&img.to_ascii_lowercase())
                        || img.starts_with('$')
                    {
                        continue;
                    }
                    total += 1;
                    if img.contains("@sha256:") {
                        pinned += 1;
                    } else {
                        evidence.push(ev(
                            f,
                            i + 1,
                            format!("base image `{img}` not pinned by digest"),
                            true,
                        ));
                    }
                }
            }
            script_installs(f, &text, &mut total, &mut pinned, &mut evidence);
        } else if is_script(f)
            && let Some(text) = tree.read_text(f)
        {
            script_installs(f, &text, &mut total, &mut pinned, &mut evidence);
        }
    }
    if total == 0 {
        return check(
            id,
            name,
            risk,
            None,
            "no actions, images or package installs to pin",
            evidence,
        );
    }
    check(
        id,
        name,
        risk,
        Some(ratio(pinned, total)),
        format!("{pinned} of {total} dependencies pinned"),
        evidence,
    )
}

// ---------------------------------------------------------------- Binary-Artifacts

const BINARY_EXT: &[&str] = &[
    "exe", "dll", "so", "dylib", "jar", "war", "ear", "class", "pyc", "pyo", "o", "a", "lib",
    "obj", "bin", "msi", "apk", "dex", "elf", "wasm", "com", "deb", "rpm", "whl", "egg", "crx",
    "gem", "nupkg",
];

pub(crate) fn binary_artifacts(tree: &Tree) -> Check {
    let (id, name, risk) = ("binary-artifacts", "Binary-Artifacts", Risk::High);
    let mut evidence = Vec::new();
    for f in &tree.files {
        let base = f.rsplit('/').next().unwrap_or(f);
        let ext = base.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase());
        // The Gradle wrapper jar is conventional (and verifiable by checksum).
        if base == "gradle-wrapper.jar" {
            continue;
        }
        let by_ext = ext.as_deref().is_some_and(|e| BINARY_EXT.contains(&e));
        let by_magic = !by_ext
            && tree.read_prefix(f, 4).is_some_and(|m| {
                m.starts_with(b"\x7fELF")
                    || m.starts_with(b"MZ") && ext.is_none()
                    || m == b"\xca\xfe\xba\xbe" && ext.is_none()
                    || m == b"\xcf\xfa\xed\xfe"
                    || m == b"\xce\xfa\xed\xfe"
            });
        if by_ext || by_magic {
            evidence.push(ev(
                f,
                0,
                if by_magic {
                    "executable binary (by content)"
                } else {
                    "binary artifact (by extension)"
                },
                true,
            ));
        }
    }
    let n = evidence.len();
    let score = u8::try_from(10usize.saturating_sub(n)).unwrap_or(0);
    let reason = if n == 0 {
        "no binary artifacts".to_owned()
    } else {
        format!("{n} binary artifact(s) in the tree")
    };
    check(id, name, risk, Some(score), reason, evidence)
}

// ---------------------------------------------------------------- Security-Policy

re!(
    EMAIL_OR_URL,
    r"(?i)[a-z0-9._%+-]+@[a-z0-9.-]+\.[a-z]{2,}|https?://\S+"
);
re!(DISCLOSURE, r"(?i)vulnerab|disclos|report|embargo|advisor");

pub(crate) fn security_policy(tree: &Tree) -> Check {
    let (id, name, risk) = ("security-policy", "Security-Policy", Risk::Medium);
    let mut candidates = Vec::new();
    for dir in ["", ".github/", "docs/", ".gitlab/"] {
        for f in [
            "SECURITY.md",
            "SECURITY.markdown",
            "SECURITY.rst",
            "SECURITY.txt",
            "SECURITY.adoc",
            "SECURITY",
        ] {
            candidates.push(format!("{dir}{f}"));
        }
    }
    let refs: Vec<&str> = candidates.iter().map(String::as_str).collect();
    let Some(file) = tree.find_ci(&refs) else {
        return check(
            id,
            name,
            risk,
            Some(0),
            "no security policy (SECURITY.md)",
            vec![ev(
                "SECURITY.md",
                0,
                "missing: say how to report a vulnerability",
                true,
            )],
        );
    };
    let text = tree.read_text(file).unwrap_or_default();
    let mut score = 4u8;
    let mut evidence = vec![ev(file, 0, "security policy present", false)];
    if let Some(m) = EMAIL_OR_URL.find(&text) {
        score += 3;
        evidence.push(ev(
            file,
            line_of(&text, m.as_str()),
            "gives a contact",
            false,
        ));
    } else {
        evidence.push(ev(file, 0, "no contact (e-mail or URL) for reports", true));
    }
    if DISCLOSURE.is_match(&text) && text.split_whitespace().count() >= 20 {
        score += 3;
        evidence.push(ev(file, 0, "describes the disclosure process", false));
    } else {
        evidence.push(ev(
            file,
            0,
            "too short to describe a disclosure process",
            true,
        ));
    }
    check(
        id,
        name,
        risk,
        Some(score),
        format!("security policy in {file}"),
        evidence,
    )
}

// ---------------------------------------------------------------- Dependency-Update-Tool

pub(crate) fn dependency_update_tool(tree: &Tree) -> Check {
    let (id, name, risk) = (
        "dependency-update-tool",
        "Dependency-Update-Tool",
        Risk::High,
    );
    const FILES: &[&str] = &[
        ".github/dependabot.yml",
        ".github/dependabot.yaml",
        "renovate.json",
        "renovate.json5",
        ".renovaterc",
        ".renovaterc.json",
        ".renovaterc.json5",
        ".github/renovate.json",
        ".github/renovate.json5",
        ".gitlab/renovate.json",
        ".pyup.yml",
    ];
    if let Some(f) = FILES.iter().find(|f| tree.has(f)) {
        return check(
            id,
            name,
            risk,
            Some(10),
            format!("update tool configured ({f})"),
            vec![ev(f, 0, "dependency update configuration", false)],
        );
    }
    if tree.has("package.json")
        && let Some(t) = tree.read_text("package.json")
        && t.contains("\"renovate\"")
    {
        return check(
            id,
            name,
            risk,
            Some(10),
            "renovate configured in package.json",
            vec![ev(
                "package.json",
                line_of(&t, "\"renovate\""),
                "renovate configuration",
                false,
            )],
        );
    }
    check(
        id,
        name,
        risk,
        Some(0),
        "no dependabot or renovate configuration",
        vec![ev(
            ".github/dependabot.yml",
            0,
            "missing: configure dependabot or renovate",
            true,
        )],
    )
}

// ---------------------------------------------------------------- SAST

re!(
    SAST_TOOL,
    r"(?i)github/codeql-action/(init|analyze)|semgrep|snyk\s+code|sonarsource/|sonar-scanner|sonarcloud|\bpalisade\s+(scan|sast)|\bbandit\b|\bgosec\b|brakeman|SAST\.gitlab-ci\.yml|psalm|spotbugs|find-sec-bugs|njsscan|snyk/actions|qodana"
);

pub(crate) fn sast(tree: &Tree, wfs: &[Workflow]) -> Check {
    let (id, name, risk) = ("sast", "SAST", Risk::Medium);
    let mut texts: Vec<(String, String)> = wfs
        .iter()
        .map(|w| (w.path.clone(), w.text.clone()))
        .collect();
    for f in [
        ".gitlab-ci.yml",
        ".circleci/config.yml",
        "azure-pipelines.yml",
        "Jenkinsfile",
        ".pre-commit-config.yaml",
    ] {
        if tree.has(f)
            && let Some(t) = tree.read_text(f)
        {
            texts.push((f.to_owned(), t));
        }
    }
    let mut evidence = Vec::new();
    for (f, t) in &texts {
        if let Some(m) = SAST_TOOL.find(t) {
            evidence.push(ev(
                f,
                line_of(t, m.as_str()),
                format!("SAST tool `{}` runs", m.as_str()),
                false,
            ));
        }
    }
    if evidence.is_empty() {
        if texts.is_empty() {
            return check(
                id,
                name,
                risk,
                Some(0),
                "no CI configuration, so no SAST in CI",
                vec![],
            );
        }
        return check(
            id,
            name,
            risk,
            Some(0),
            "no SAST tool in CI (CodeQL, Semgrep, palisade, ...)",
            vec![],
        );
    }
    check(id, name, risk, Some(10), "SAST runs in CI", evidence)
}

// ---------------------------------------------------------------- Fuzzing

re!(
    FUZZ_CODE,
    r"fuzz_target!\(|LLVMFuzzerTestOneInput\(|func Fuzz[A-Z0-9_]\w*\(\w+ \*testing\.F\)|import atheris|@FuzzTest|com\.code_intelligence\.jazzer|fuzzTest\("
);

pub(crate) fn fuzzing(tree: &Tree, wfs: &[Workflow]) -> Check {
    let (id, name, risk) = ("fuzzing", "Fuzzing", Risk::Medium);
    let mut evidence = Vec::new();
    for f in [
        ".clusterfuzzlite/project.yaml",
        ".clusterfuzzlite/Dockerfile",
        "project.yaml",
    ] {
        if tree.has(f) {
            evidence.push(ev(f, 0, "ClusterFuzzLite / OSS-Fuzz configuration", false));
        }
    }
    for wf in wfs {
        for needle in [
            "google/oss-fuzz/infra/cifuzz",
            "google/clusterfuzzlite",
            "cargo fuzz",
            "cargo-fuzz",
        ] {
            let l = wf.line_of(needle);
            if l > 0 {
                evidence.push(ev(&wf.path, l, format!("fuzzing in CI ({needle})"), false));
            }
        }
    }
    const SRC: &[&str] = &[
        ".rs", ".c", ".cc", ".cpp", ".go", ".py", ".java", ".kt", ".js", ".ts",
    ];
    let mut scanned = 0usize;
    for f in &tree.files {
        if evidence.len() >= 5 || scanned >= 20_000 {
            break;
        }
        // Test fixtures mention fuzz targets without being ones (Go's live in _test.go).
        let in_tests = f.starts_with("tests/") || f.contains("/tests/");
        if !SRC.iter().any(|e| f.ends_with(e)) || in_tests {
            continue;
        }
        scanned += 1;
        if let Some(t) = tree.read_text(f)
            && let Some(m) = FUZZ_CODE.find(&t)
        {
            evidence.push(ev(
                f,
                line_of(&t, m.as_str()),
                format!("fuzz target ({})", m.as_str().trim_end_matches('(')),
                false,
            ));
        }
    }
    if evidence.is_empty() {
        check(
            id,
            name,
            risk,
            Some(0),
            "no fuzz targets or fuzzing integration",
            evidence,
        )
    } else {
        check(id, name, risk, Some(10), "fuzzing present", evidence)
    }
}

// ---------------------------------------------------------------- Signed-Releases

re!(
    PROVENANCE,
    r"slsa-framework/slsa-github-generator|actions/attest-build-provenance|actions/attest@|npm publish[^\n]*--provenance|pypa/gh-action-pypi-publish"
);
re!(
    SIGNING,
    r"sigstore/cosign-installer|cosign sign|cosign attest|sigstore/gh-action-sigstore-python|gpg[^\n]*--detach-sign|minisign|signs:"
);
re!(
    RELEASE_STEP,
    r"softprops/action-gh-release|ncipollo/release-action|actions/create-release|goreleaser|gh release (create|upload)|cargo publish|npm publish|twine upload|pypa/gh-action-pypi-publish|docker/build-push-action|mvn[^\n]*deploy|gradle[^\n]*publish"
);

pub(crate) fn signed_releases(tree: &Tree, wfs: &[Workflow]) -> Check {
    let (id, name, risk) = ("signed-releases", "Signed-Releases", Risk::High);
    let mut texts: Vec<(&str, String)> = wfs
        .iter()
        .map(|w| (w.path.as_str(), w.text.clone()))
        .collect();
    for f in [".goreleaser.yml", ".goreleaser.yaml"] {
        if tree.has(f)
            && let Some(t) = tree.read_text(f)
        {
            texts.push((f, t));
        }
    }
    let mut evidence = Vec::new();
    let mut score = 0u8;
    let mut releases = false;
    for wf in wfs {
        let tags = wf
            .doc
            .get("on")
            .and_then(|o| o.get("push"))
            .is_some_and(|p| p.get("tags").is_some());
        if wf.triggers().contains("release") || tags {
            releases = true;
            let needle = if tags { "tags" } else { "release" };
            evidence.push(ev(
                &wf.path,
                wf.line_of(needle),
                "release workflow (release or tag trigger)",
                false,
            ));
        }
    }
    for (f, t) in &texts {
        if let Some(m) = RELEASE_STEP.find(t) {
            releases = true;
            evidence.push(ev(
                f,
                line_of(t, m.as_str()),
                format!("publishes a release ({})", m.as_str()),
                false,
            ));
        }
        if let Some(m) = PROVENANCE.find(t) {
            score = 10;
            evidence.push(ev(
                f,
                line_of(t, m.as_str()),
                format!("provenance generated ({})", m.as_str()),
                false,
            ));
        }
        if let Some(m) = SIGNING.find(t) {
            score = score.max(8);
            evidence.push(ev(
                f,
                line_of(t, m.as_str()),
                format!("artifacts signed ({})", m.as_str()),
                false,
            ));
        }
    }
    if score == 0 && !releases {
        return check(id, name, risk, None, "no release workflow found", evidence);
    }
    if score == 0 {
        // An unsigned release is what costs the points.
        for e in &mut evidence {
            e.negative = true;
            e.message.push_str(": nothing signed, no provenance");
        }
    }
    let reason = match score {
        10 => "releases carry provenance",
        8 => "releases are signed, without provenance",
        _ => "a release workflow exists but signs nothing",
    };
    check(id, name, risk, Some(score), reason, evidence)
}

// ---------------------------------------------------------------- Packaging

/// Scorecard's Packaging: releases are built and published by CI (reproducibly, from the
/// repository), not from a maintainer's laptop. No publishing workflow is inconclusive.
pub(crate) fn packaging(wfs: &[Workflow]) -> Check {
    let (id, name, risk) = ("packaging", "Packaging", Risk::Medium);
    let evidence: Vec<Evidence> = wfs
        .iter()
        .filter_map(|wf| {
            RELEASE_STEP.find(&wf.text).map(|m| {
                ev(
                    &wf.path,
                    wf.line_of(m.as_str()),
                    format!("CI publishes packages ({})", m.as_str()),
                    false,
                )
            })
        })
        .collect();
    if evidence.is_empty() {
        check(
            id,
            name,
            risk,
            None,
            "no publishing workflow found",
            evidence,
        )
    } else {
        check(
            id,
            name,
            risk,
            Some(10),
            "packages are published from CI",
            evidence,
        )
    }
}

// ---------------------------------------------------------------- License

re!(
    KNOWN_LICENSE,
    r"(?i)apache license|permission is hereby granted|gnu (lesser |affero )?general public license|redistribution and use in source and binary forms|mozilla public license|spdx-license-identifier|the unlicense|isc license|eclipse public license|boost software license"
);

pub(crate) fn license(tree: &Tree) -> Check {
    let (id, name, risk) = ("license", "License", Risk::Low);
    let top = tree.files.iter().find(|f| {
        !f.contains('/') && {
            let u = f.to_ascii_uppercase();
            [
                "LICENSE",
                "LICENCE",
                "COPYING",
                "LICENSE-APACHE",
                "LICENSE-MIT",
            ]
            .iter()
            .any(|p| u == *p || u.starts_with(&format!("{p}.")) || u.starts_with(&format!("{p}-")))
        }
    });
    let reuse = tree.files.iter().find(|f| f.starts_with("LICENSES/"));
    let Some(file) = top.or(reuse) else {
        return check(
            id,
            name,
            risk,
            Some(0),
            "no license file",
            vec![ev("LICENSE", 0, "missing", true)],
        );
    };
    let text = tree
        .read_prefix(file, MAX_READ)
        .map(|b| String::from_utf8_lossy(&b).into_owned())
        .unwrap_or_default();
    let mut evidence = vec![ev(file, 0, "license file", false)];
    let mut score = 6u8 + if top.is_some() { 3 } else { 0 };
    if let Some(m) = KNOWN_LICENSE.find(&text) {
        score += 1;
        evidence.push(ev(
            file,
            line_of(&text, m.as_str()),
            format!("recognised license text ({})", m.as_str()),
            false,
        ));
    } else {
        evidence.push(ev(file, 0, "license text not recognised", true));
    }
    check(
        id,
        name,
        risk,
        Some(score.min(10)),
        format!("license in {file}"),
        evidence,
    )
}

// ---------------------------------------------------------------- CODEOWNERS

const LOCKFILES: &[&str] = &[
    "Cargo.lock",
    "package-lock.json",
    "npm-shrinkwrap.json",
    "yarn.lock",
    "pnpm-lock.yaml",
    "poetry.lock",
    "Pipfile.lock",
    "uv.lock",
    "go.sum",
    "Gemfile.lock",
    "composer.lock",
    "packages.lock.json",
    "gradle.lockfile",
    "requirements.txt",
];
re!(
    AUTH_PATH,
    r"(?i)(^|/)(auth|authn|authz|oauth2?|security|crypto|login|session|jwt|permissions?|acl|rbac|sso|saml|oidc)(/|\.|_|$)"
);

pub(crate) fn codeowners(tree: &Tree) -> Check {
    let (id, name, risk) = ("codeowners", "CODEOWNERS-Coverage", Risk::Medium);
    let mut sensitive: Vec<(String, &'static str)> = Vec::new();
    let mut auth = 0;
    for f in &tree.files {
        let base = f.rsplit('/').next().unwrap_or(f);
        let kind = if f.starts_with(".github/workflows/") || f == ".gitlab-ci.yml" {
            Some("CI workflow")
        } else if base == "CODEOWNERS" {
            Some("CODEOWNERS itself")
        } else if LOCKFILES.contains(&base) {
            Some("lockfile")
        } else if base == "dependabot.yml"
            || base.starts_with("renovate.json")
            || base.eq_ignore_ascii_case("SECURITY.md")
        {
            Some("security configuration")
        } else if AUTH_PATH.is_match(f) && auth < 50 {
            auth += 1;
            Some("authentication/security code")
        } else {
            None
        };
        if let Some(k) = kind {
            sensitive.push((f.clone(), k));
        }
    }
    let Some((path, platform)) = palisade_codeowners::discover(&tree.root) else {
        return check(
            id,
            name,
            risk,
            Some(0),
            "no CODEOWNERS file",
            vec![ev(
                ".github/CODEOWNERS",
                0,
                "missing: no review owner for workflows, lockfiles and auth code",
                true,
            )],
        );
    };
    let rel = path.strip_prefix(&tree.root).map_or_else(
        |_| path.display().to_string(),
        |p| p.to_string_lossy().replace('\\', "/"),
    );
    let co = match palisade_codeowners::CodeOwners::load(&path, &rel, platform) {
        Ok(c) => c,
        Err(e) => {
            return check(
                id,
                name,
                risk,
                Some(0),
                format!("CODEOWNERS unreadable: {e}"),
                vec![ev(&rel, 0, e.to_string(), true)],
            );
        }
    };
    if sensitive.is_empty() {
        return check(
            id,
            name,
            risk,
            None,
            "no security-relevant paths to cover",
            vec![],
        );
    }
    let mut evidence = Vec::new();
    let mut covered = 0;
    for (f, kind) in &sensitive {
        let m = co.owners_of(f);
        if m.owners.is_empty() {
            evidence.push(ev(f, 0, format!("{kind} has no code owner"), true));
        } else {
            covered += 1;
            let line = m.decisions.last().map_or(0, |d| d.line);
            evidence.push(ev(
                &rel,
                line,
                format!("{f} ({kind}) owned by {}", m.owners.join(" ")),
                false,
            ));
        }
    }
    check(
        id,
        name,
        risk,
        Some(ratio(covered, sensitive.len())),
        format!(
            "{covered} of {} security-relevant path(s) have a code owner",
            sensitive.len()
        ),
        evidence,
    )
}
