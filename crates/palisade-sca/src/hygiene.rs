//! Dependency hygiene: the `deps/*` rules that need no advisory data, run on the same
//! inventory as the vulnerability match (and on npm `package.json` manifests, which pin
//! nothing and so are not lockfiles).
//!
//! - `deps/typosquatting`: a direct dependency named one slip away from a popular package
//!   of its ecosystem (`palisade_hygiene::typosquat`: separators, homoglyphs, adjacent
//!   keys, one edit). Transitive packages are not judged: their names were chosen by the
//!   direct dependency's authors, and judging them buries the signal in neighbours of
//!   popular names that are real packages.
//! - `deps/dependency-confusion`: an internal-looking name (`[deps] internal-prefixes`,
//!   or words like `internal`) resolved from the public registry, or with no registry
//!   recorded at all. A package resolved from another registry (package-lock `resolved`,
//!   Cargo.lock `source`, a requirements file's `--index-url`) is pinned and quiet, and so
//!   is one whose lockfile records no registry when the nearest `.npmrc` or `pip.conf` in
//!   the tree pins a private one ([`RegistryPins`]).
//! - `deps/install-script`: an npm package that runs a script when installed
//!   (package-lock v2/v3 `hasInstallScript`, or `scripts.preinstall`/`install`/
//!   `postinstall` in `node_modules/*/package.json` when the tree has them).
//! - `deps/unpinned-requirement`: a requirements line that allows more than one version,
//!   and `package.json` specs that float: `*`, `latest` and other dist-tags, open-ended
//!   `>=` ranges, git or tarball URLs without a commit.
//! - `deps/license-policy`: a package's SPDX license expression against `[deps.licenses]`
//!   allow/deny lists (licenses from package-lock, composer.lock, CycloneDX and SPDX input).

use palisade_engine::finding::{
    Confidence, Finding, Location, RuleId, Severity as FindingSeverity, Span,
};
use palisade_engine::{Example, RuleMeta, fingerprint};
use palisade_hygiene::{LicenseDecision, LicensePolicy, NpmrcPins, Resemblance};
use palisade_lockfile::{Format, Inventory, Package};
use serde_json::Value;

pub const TYPOSQUATTING: &str = "deps/typosquatting";
pub const DEPENDENCY_CONFUSION: &str = "deps/dependency-confusion";
pub const INSTALL_SCRIPT: &str = "deps/install-script";
pub const UNPINNED: &str = "deps/unpinned-requirement";
pub const LICENSE_POLICY: &str = "deps/license-policy";

/// What `[deps]` in palisade.toml says about hygiene.
#[derive(Debug, Clone, Default)]
pub struct HygienePolicy {
    /// Prefixes and npm scopes of internal package names (`acme-`, `@acme/`).
    pub internal_prefixes: Vec<String>,
    /// Names never reported as typosquats.
    pub typosquat_allow: Vec<String>,
    /// License allow/deny lists; both empty: no license findings.
    pub licenses: LicensePolicy,
}

impl HygienePolicy {
    /// The policy the rule examples run with: deny AGPL-3.0 (the configured policy
    /// replaces it in a real scan).
    pub fn examples() -> HygienePolicy {
        HygienePolicy {
            licenses: LicensePolicy {
                allow: Vec::new(),
                deny: vec!["AGPL-3.0-only".to_owned(), "AGPL-3.0-or-later".to_owned()],
            },
            ..HygienePolicy::default()
        }
    }
}

/// Registry configuration found beside a lockfile (the nearest `.npmrc`, `pip.conf` or
/// `pip.ini` in its directory or above, within the scanned tree): evidence that packages
/// come from a private registry when the lockfile does not record where they came from.
#[derive(Debug, Clone, Default)]
pub struct RegistryPins {
    pub npmrc: NpmrcPins,
    /// A `pip.conf`/`pip.ini` sets `index-url` to a private index.
    pub pip_index: bool,
}

impl RegistryPins {
    fn pins(&self, pkg: &Package) -> bool {
        match pkg.ecosystem.as_str() {
            "npm" => self.npmrc.pins(&pkg.name),
            "PyPI" => self.pip_index,
            _ => false,
        }
    }
}

/// Real, widely used packages one edit away from a more popular one: not typosquats.
const KNOWN_NEIGHBOURS: &[(&str, &str)] = &[
    ("npm", "color"),
    ("npm", "colorette"),
    ("npm", "debug-log"),
    ("npm", "globby"),
    ("npm", "preact"),
    ("npm", "reacts"),
    ("npm", "nest"),
    ("npm", "chai"),
    ("npm", "chalk"),
    ("npm", "mime"),
    ("npm", "mimic-fn"),
    ("npm", "uuid"),
    ("PyPI", "requests-oauthlib"),
    ("PyPI", "urllib3"),
    ("PyPI", "pyyaml"),
    ("PyPI", "six"),
    ("crates.io", "rand_core"),
    ("crates.io", "bytes"),
    ("crates.io", "byteorder"),
    ("crates.io", "toml_edit"),
    ("crates.io", "serde_derive"),
    ("crates.io", "sha1"),
    ("crates.io", "sha3"),
    ("crates.io", "ring"),
    ("crates.io", "rings"),
    ("crates.io", "hyper"),
    ("crates.io", "tokio"),
    ("crates.io", "mime"),
    ("npm", "dargs"),
    ("npm", "gaxios"),
    ("npm", "tslint"),
    ("npm", "enquirer"),
    ("npm", "colord"),
];

fn is_known_neighbour(eco: &str, name: &str) -> bool {
    KNOWN_NEIGHBOURS
        .iter()
        .any(|(e, n)| *e == eco && n.eq_ignore_ascii_case(name))
}

/// The rules of this module, with examples run by the registry test.
pub fn rules() -> Vec<RuleMeta> {
    let lock = |name: &str, extra: &str| Example::File {
        path: "package-lock.json".to_owned(),
        text: format!(
            "{{\n  \"name\": \"app\",\n  \"lockfileVersion\": 3,\n  \"packages\": {{\n    \"\": {{ \"dependencies\": {{ \"{name}\": \"^1.0.0\" }} }},\n    \"node_modules/{name}\": {{\n      \"version\": \"1.0.0\"{extra}\n    }}\n  }}\n}}\n"
        ),
    };
    let meta = |id: &str,
                name: &str,
                severity: FindingSeverity,
                confidence: Confidence,
                cwe: u32,
                description: &str,
                examples: Vec<Example>,
                negative: Vec<Example>| RuleMeta {
        id: id.to_owned(),
        name: name.to_owned(),
        severity,
        confidence,
        cwe: vec![cwe],
        owasp: vec!["A08:2021".to_owned()],
        description: description.to_owned(),
        references: vec![
            "https://owasp.org/Top10/A08_2021-Software_and_Data_Integrity_Failures/".to_owned(),
            format!("https://cwe.mitre.org/data/definitions/{cwe}.html"),
        ],
        examples,
        negative_examples: negative,
    };
    vec![
        meta(
            TYPOSQUATTING,
            "Dependency name resembles a popular package",
            FindingSeverity::High,
            Confidence::Medium,
            1357,
            "A direct dependency is named one slip away from a popular package of the same \
ecosystem: a swapped or extra letter, an adjacent key, a look-alike character (`0`/`o`, \
`rn`/`m`) or a different separator.\n\nWhy it matters: attackers publish such names with \
malicious install scripts and wait for a typo in a manifest (crossenv, python3-dateutil, \
rustdecimal).\n\nHow to fix: check that the package is the one you meant; if not, replace it \
with the popular package and rotate any credential the install could have read. If the name \
is intended, add it to `typosquat-allow` under `[deps]` in palisade.toml.",
            vec![lock("lodahs", "")],
            vec![lock("lodash", "")],
        ),
        meta(
            DEPENDENCY_CONFUSION,
            "Internal-looking package without a pinned registry",
            FindingSeverity::High,
            Confidence::Medium,
            427,
            "A package whose name is internal (it starts with one of `internal-prefixes` in \
palisade.toml's `[deps]`) was resolved from the public registry or has no registry recorded \
or pinned (high severity); or, with no prefix configured, an unscoped name with a segment \
such as `internal`, `corp` or `private` has no registry recorded (low severity; not for Go, \
Maven or NuGet names, npm scopes, or packages the lockfile says came from the public \
registry).\n\nWhy it matters: anyone can publish \
that name on the public registry with a higher version, and a resolver that consults both \
registries installs theirs (dependency confusion).\n\nHow to fix: pin the scope or package to \
your private registry (`.npmrc` `@acme:registry=`, pip `--index-url` or `pip.conf` \
`index-url` rather than `--extra-index-url`, Cargo `registry = \"acme\"`), regenerate the lockfile, and reserve the \
names on the public registry.",
            vec![lock("acme-internal-auth", "")],
            vec![lock(
                "acme-internal-auth",
                ",\n      \"resolved\": \"https://npm.acme.example/acme-internal-auth/-/acme-internal-auth-1.0.0.tgz\"",
            )],
        ),
        meta(
            INSTALL_SCRIPT,
            "npm dependency runs an install script",
            FindingSeverity::Low,
            Confidence::High,
            829,
            "An npm package runs a `preinstall`, `install` or `postinstall` script when it is \
installed (package-lock `hasInstallScript`, or the scripts of its package.json under \
node_modules).\n\nWhy it matters: install scripts run with the developer's or the CI job's \
rights before any code review; they are how most malicious npm packages act.\n\nHow to fix: \
review the script; install with `--ignore-scripts` and allow scripts only for the packages \
that need them (npm `ignore-scripts=true`, pnpm `onlyBuiltDependencies`).",
            vec![lock("esbuild", ",\n      \"hasInstallScript\": true")],
            vec![lock("esbuild", "")],
        ),
        meta(
            UNPINNED,
            "Dependency requirement is not pinned",
            FindingSeverity::Low,
            Confidence::High,
            1357,
            "A requirement allows more than one version and nothing pins it: a requirements \
line without `==`, or a package.json spec that floats (`*`, `latest` or another dist-tag, \
an open-ended `>=` range, a git or tarball URL without a commit).\n\nWhy it matters: every \
install can get different code, including a newly published malicious or broken release, \
and the scan cannot tell which version ships.\n\nHow to fix: pin exact versions (pip-compile \
or `pip freeze` into requirements, `==` with `--hash`), commit the lockfile, and pin git \
dependencies to a commit.",
            vec![Example::File {
                path: "requirements.txt".to_owned(),
                text: "requests>=2.0\n".to_owned(),
            }],
            vec![Example::File {
                path: "requirements.txt".to_owned(),
                text: "requests==2.32.3\n".to_owned(),
            }],
        ),
        meta(
            LICENSE_POLICY,
            "Dependency license against the license policy",
            FindingSeverity::Medium,
            Confidence::High,
            1357,
            "A package's license (an SPDX expression from the lockfile or SBOM) is denied by \
`[deps.licenses] deny` in palisade.toml, or, when an allow list is set, is on neither list. \
`OR` is a choice (allowed when one side is), `AND` needs both, `WITH` exceptions are judged \
by their license, and `GPL-2.0+` matches `GPL-2.0-or-later`. Without allow or deny lists \
this rule reports nothing.\n\nWhy it matters: shipping a package under a license your \
organisation does not accept is a legal risk found too late at release time.\n\nHow to fix: \
replace the package, obtain another license, or record the decision in the policy.",
            vec![lock("gpl-thing", ",\n      \"license\": \"AGPL-3.0-only\"")],
            vec![lock("gpl-thing", ",\n      \"license\": \"MIT\"")],
        ),
    ]
}

fn span(line: Option<u32>) -> Option<Span> {
    line.map(|l| Span {
        start_line: l,
        start_column: 1,
        end_line: l,
        end_column: 1,
        byte_start: 0,
        byte_end: 0,
    })
}

fn meta_of<'a>(rules: &'a [RuleMeta], id: &str) -> Option<&'a RuleMeta> {
    rules.iter().find(|r| r.id == id)
}

/// One hygiene finding about a package of a file.
fn finding(
    rules: &[RuleMeta],
    rule: &str,
    severity: Option<FindingSeverity>,
    pkg: &Package,
    detail: &str,
    message: String,
) -> Finding {
    let meta = meta_of(rules, rule);
    // Like the vulnerability rule: no path and no line in the identity, so the same
    // package in package.json and its lockfile is one finding with two locations.
    let fp = fingerprint(&[
        rule.as_bytes(),
        pkg.ecosystem.as_bytes(),
        pkg.name.as_bytes(),
        detail.as_bytes(),
    ]);
    Finding {
        rule: RuleId::new(rule),
        severity: severity
            .or_else(|| meta.map(|m| m.severity))
            .unwrap_or(FindingSeverity::Medium),
        confidence: meta.map_or(Confidence::Medium, |m| m.confidence),
        message,
        locations: vec![
            Location::File {
                path: pkg.file.clone(),
                span: span(pkg.line),
                git: None,
            },
            Location::Package {
                purl: pkg.purl.clone(),
                path: Some(pkg.file.clone()),
            },
        ],
        fingerprint: fp,
        snippet: None,
        fix: None,
        owners: Vec::new(),
        trace: Vec::new(),
    }
}

/// Is `resolved` (a package-lock `resolved` URL or a Cargo.lock `source`) the ecosystem's
/// public registry? `None`: the file does not say.
fn from_public_registry(eco: &str, resolved: Option<&str>) -> Option<bool> {
    let r = resolved?.to_ascii_lowercase();
    Some(match eco {
        "npm" => {
            r.starts_with("https://registry.npmjs.org/")
                || r.starts_with("http://registry.npmjs.org/")
                || r.starts_with("https://registry.yarnpkg.com/")
        }
        "crates.io" => {
            r == "registry+https://github.com/rust-lang/crates.io-index"
                || r.starts_with("sparse+https://index.crates.io/")
        }
        _ => return None,
    })
}

/// A requirements file whose `--index-url`/`-i` names a registry other than PyPI: every
/// package of it comes from there (an `--extra-index-url` pins nothing: pip consults both).
fn requirements_index_pinned(text: &str) -> bool {
    text.lines().any(|l| {
        let l = l.trim();
        let url = l
            .strip_prefix("--index-url")
            .or_else(|| l.strip_prefix("-i "))
            .map(|u| u.trim_start_matches(['=', ' ']).trim());
        url.is_some_and(|u| !u.is_empty() && !palisade_hygiene::is_public_pypi_index(u))
    })
}

fn resemblance_text(r: Resemblance) -> &'static str {
    match r {
        Resemblance::Separator => "the same but for separators or case",
        Resemblance::Homoglyph => "one look-alike character away",
        Resemblance::Keyboard => "one adjacent key away",
        Resemblance::EditDistance => "one edit away",
    }
}

/// Runs every hygiene rule over one file's inventory.
#[allow(clippy::too_many_arguments)]
pub fn check_inventory(
    policy: &HygienePolicy,
    rules: &[RuleMeta],
    pins: &RegistryPins,
    format: Format,
    path: &str,
    content: &[u8],
    inv: &Inventory,
    emit: &mut dyn FnMut(Finding),
) {
    let text = std::str::from_utf8(content).unwrap_or("");
    let index_pinned = format == Format::RequirementsTxt && requirements_index_pinned(text);
    let prefixes: Vec<&str> = policy
        .internal_prefixes
        .iter()
        .map(String::as_str)
        .collect();
    for pkg in &inv.packages {
        check_package(policy, rules, &prefixes, index_pinned, pins, pkg, emit);
        if pkg.install_script && pkg.ecosystem == "npm" {
            emit(finding(
                rules,
                INSTALL_SCRIPT,
                None,
                pkg,
                "",
                format!(
                    "{} {} runs an install script when installed",
                    pkg.name,
                    pkg.version.as_deref().unwrap_or("")
                ),
            ));
        }
        if format == Format::RequirementsTxt && pkg.version.is_none() {
            let line_text = (pkg.file == path)
                .then(|| {
                    pkg.line
                        .and_then(|l| text.lines().nth(l.saturating_sub(1) as usize))
                })
                .flatten()
                .map(|l| l.split(" #").next().unwrap_or(l).trim())
                .filter(|l| !l.is_empty() && l.len() <= 200);
            let message = match line_text {
                Some(l) => format!("`{l}` allows more than one version of {}", pkg.name),
                None => format!("{} is not pinned to one version", pkg.name),
            };
            emit(finding(rules, UNPINNED, None, pkg, "", message));
        }
    }
}

fn check_package(
    policy: &HygienePolicy,
    rules: &[RuleMeta],
    prefixes: &[&str],
    index_pinned: bool,
    pins: &RegistryPins,
    pkg: &Package,
    emit: &mut dyn FnMut(Finding),
) {
    if pkg.direct != Some(false)
        && !policy
            .typosquat_allow
            .iter()
            .any(|a| a.eq_ignore_ascii_case(&pkg.name))
        && !is_known_neighbour(&pkg.ecosystem, &pkg.name)
        && let Some(t) = palisade_hygiene::typosquat(&pkg.ecosystem, &pkg.name)
    {
        emit(finding(
            rules,
            TYPOSQUATTING,
            None,
            pkg,
            t.popular,
            format!(
                "{} is {} from the popular {} package `{}`: check it is the package you meant",
                pkg.name,
                resemblance_text(t.resemblance),
                pkg.ecosystem,
                t.popular
            ),
        ));
    }
    let public = from_public_registry(&pkg.ecosystem, pkg.resolved.as_deref());
    // Pinned: resolved from somewhere that is not the public registry (a private registry,
    // a git repository, a local path), or a requirements file with a private index, or,
    // when the lockfile does not say where it came from, a private registry in `.npmrc`
    // or `pip.conf` (a lockfile that says "public registry" outweighs the configuration).
    let pinned = public == Some(false) || index_pinned || (public.is_none() && pins.pins(pkg));
    let lower = pkg.name.to_ascii_lowercase();
    let configured = prefixes
        .iter()
        .any(|p| !p.is_empty() && lower.starts_with(&p.to_ascii_lowercase()));
    // Without a configured prefix, the name words alone decide, and only where a name can
    // be claimed by anyone: not Go modules (paths under a host), Maven groups or NuGet's
    // reserved prefixes, not npm scopes (owned by an organisation), and not a package the
    // lockfile says came from the public registry (it is a public package).
    let namespaced = matches!(pkg.ecosystem.as_str(), "Go" | "Maven" | "NuGet")
        || (pkg.ecosystem == "npm" && pkg.name.starts_with('@'));
    let words_apply = !configured && public.is_none() && !namespaced;
    if (configured || words_apply)
        && let Some(why) = palisade_hygiene::dependency_confusion(&pkg.name, prefixes, pinned)
    {
        let (severity, whence) = match public {
            Some(true) => (
                FindingSeverity::High,
                "it was resolved from the public registry: check that the installed package is yours",
            ),
            _ if configured => (
                FindingSeverity::High,
                "no private registry is recorded or pinned for it, so a public package of that name can take its place",
            ),
            _ => (
                FindingSeverity::Low,
                "no private registry is recorded or pinned for it, so a public package of that name can take its place",
            ),
        };
        emit(finding(
            rules,
            DEPENDENCY_CONFUSION,
            Some(severity),
            pkg,
            "",
            format!("{why}: {whence}"),
        ));
    }
    if (!policy.licenses.allow.is_empty() || !policy.licenses.deny.is_empty())
        && let Some(expr) = pkg.license.as_deref()
    {
        let v = pkg.version.as_deref().unwrap_or("");
        match policy.licenses.check(expr) {
            Ok(LicenseDecision::Allowed) => {}
            Ok(LicenseDecision::Denied(ids)) => emit(finding(
                rules,
                LICENSE_POLICY,
                Some(FindingSeverity::High),
                pkg,
                expr,
                format!(
                    "{} {v} is licensed `{expr}`: denied by the license policy ({})",
                    pkg.name,
                    ids.join(", ")
                ),
            )),
            Ok(LicenseDecision::Unknown(ids)) if !policy.licenses.allow.is_empty() => {
                emit(finding(
                    rules,
                    LICENSE_POLICY,
                    None,
                    pkg,
                    expr,
                    format!(
                        "{} {v} is licensed `{expr}`: {} not on the license allow list",
                        pkg.name,
                        ids.join(", ")
                    ),
                ));
            }
            Ok(LicenseDecision::Unknown(_)) => {}
            Err(e) => emit(finding(
                rules,
                LICENSE_POLICY,
                Some(FindingSeverity::Low),
                pkg,
                expr,
                format!("{} {v}: {e}; the license policy cannot judge it", pkg.name),
            )),
        }
    }
}

/// Is this an npm `package.json` the hygiene rules read?
pub fn is_package_json(path: &str) -> bool {
    let base = path.rsplit(['/', '\\']).next().unwrap_or(path);
    base == "package.json"
}

const MAX_DEPS: usize = 10_000;

/// The 1-based line of the first `"name"` key after `from` (byte offset), if any.
fn key_line(text: &str, key: &str, from: usize) -> Option<u32> {
    let needle = format!("\"{key}\"");
    let at = text.get(from..)?.find(&needle)? + from;
    u32::try_from(text[..at].bytes().filter(|&b| b == b'\n').count() + 1).ok()
}

/// Why an npm dependency spec floats, or `None` when it names a version or a range a
/// lockfile pins.
fn floating_spec(spec: &str) -> Option<&'static str> {
    let s = spec.trim();
    let lower = s.to_ascii_lowercase();
    if s.is_empty() || s == "*" || lower == "x" || lower == "latest" {
        return Some("any version, the newest at each install");
    }
    let is_url = lower.starts_with("git")
        || lower.starts_with("github:")
        || lower.starts_with("gitlab:")
        || lower.starts_with("bitbucket:")
        || lower.starts_with("http://")
        || lower.starts_with("https://");
    let github_short = !is_url
        && !lower.starts_with("file:")
        && !lower.starts_with("link:")
        && !lower.starts_with("npm:")
        && !lower.starts_with("workspace:")
        && s.contains('/')
        && !s.starts_with('@');
    if is_url || github_short {
        if lower.ends_with(".tgz") || lower.ends_with(".tar.gz") {
            return (lower.starts_with("http")).then_some("a tarball URL whose content can change");
        }
        let commit = s.rsplit_once('#').map(|(_, c)| c);
        let pinned =
            commit.is_some_and(|c| c.len() >= 7 && c.chars().all(|c| c.is_ascii_hexdigit()));
        return (!pinned)
            .then_some("a git dependency without a commit: a branch or tag that can move");
    }
    if s.starts_with(">") && !s.contains('<') && !s.contains("||") && !s.contains(' ') {
        return Some("an open-ended range with no upper bound");
    }
    if s.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && !lower.starts_with("file:")
        && !lower.starts_with("link:")
        && !lower.starts_with("npm:")
        && !lower.starts_with("workspace:")
        && !lower.starts_with("portal:")
        && !lower.starts_with("patch:")
        && !lower.starts_with("catalog:")
        && !lower.starts_with('v')
    {
        return Some("a dist-tag, moved by whoever publishes");
    }
    None
}

/// Hygiene of one `package.json`: in `node_modules`, the package's install scripts; else the
/// project's own dependencies (names and specs). `None` when it is not JSON (the scan goes
/// on: package.json files are not lockfiles, and templates are common).
pub fn check_package_json(
    policy: &HygienePolicy,
    rules: &[RuleMeta],
    pins: &RegistryPins,
    path: &str,
    content: &[u8],
    emit: &mut dyn FnMut(Finding),
) {
    let Ok(text) = std::str::from_utf8(content) else {
        return;
    };
    let Ok(doc) = serde_json::from_str::<Value>(text) else {
        return;
    };
    let norm = path.replace('\\', "/");
    if norm.contains("node_modules/") {
        let Some(name) = doc.get("name").and_then(Value::as_str) else {
            return;
        };
        let version = doc.get("version").and_then(Value::as_str).unwrap_or("");
        let scripts = doc.get("scripts").and_then(Value::as_object);
        let hooks: Vec<&str> = ["preinstall", "install", "postinstall"]
            .into_iter()
            .filter(|k| scripts.is_some_and(|s| s.get(*k).is_some_and(Value::is_string)))
            .collect();
        if hooks.is_empty() || name.len() > palisade_lockfile::MAX_FIELD {
            return;
        }
        let line = key_line(text, hooks[0], 0);
        let p = npm_package(name, Some(version), path, line);
        let first = scripts
            .and_then(|s| s.get(hooks[0]))
            .and_then(Value::as_str)
            .unwrap_or("");
        let shown: String = first.chars().take(120).collect();
        emit(finding(
            rules,
            INSTALL_SCRIPT,
            None,
            &p,
            "",
            format!(
                "{name} {version} runs `{shown}` as its {} script when installed",
                hooks[0]
            ),
        ));
        return;
    }
    let prefixes: Vec<&str> = policy
        .internal_prefixes
        .iter()
        .map(String::as_str)
        .collect();
    let mut seen = 0usize;
    for section in ["dependencies", "devDependencies", "optionalDependencies"] {
        let Some(deps) = doc.get(section).and_then(Value::as_object) else {
            continue;
        };
        let section_at = text.find(&format!("\"{section}\"")).unwrap_or(0);
        for (name, spec) in deps {
            seen += 1;
            if seen > MAX_DEPS || name.len() > palisade_lockfile::MAX_FIELD {
                return;
            }
            let Some(spec) = spec.as_str() else { continue };
            let line = key_line(text, name, section_at);
            let mut p = npm_package(name, None, path, line);
            p.direct = Some(true);
            p.dev = Some(section == "devDependencies");
            // Registry unknown from a manifest: `.npmrc` decides.
            check_package(policy, rules, &prefixes, false, pins, &p, emit);
            if let Some(why) = floating_spec(spec) {
                let shown: String = spec.chars().take(120).collect();
                emit(finding(
                    rules,
                    UNPINNED,
                    None,
                    &p,
                    "",
                    format!("{name} `{shown}` in {section} is {why}"),
                ));
            }
        }
    }
}

fn npm_package(name: &str, version: Option<&str>, file: &str, line: Option<u32>) -> Package {
    let version = version.filter(|v| !v.is_empty());
    let purl = palisade_lockfile::purl::for_ecosystem("npm", name, version);
    Package {
        ecosystem: "npm".to_owned(),
        name: name.to_owned(),
        version: version.map(str::to_owned),
        purl,
        direct: None,
        dev: None,
        file: file.to_owned(),
        line,
        dependencies: Vec::new(),
        license: None,
        resolved: None,
        install_script: false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn floating_specs() {
        for (spec, floats) in [
            ("^1.2.3", false),
            ("~1.2.3", false),
            ("1.2.3", false),
            (">=1.0.0 <2", false),
            ("npm:other@1.0.0", false),
            ("workspace:*", false),
            ("file:../x", false),
            ("*", true),
            ("latest", true),
            ("next", true),
            ("", true),
            (">=1.0.0", true),
            ("github:user/repo", true),
            ("user/repo#main", true),
            ("user/repo#0f3c2a1", false),
            ("git+https://github.com/u/r.git#v1.0.0", true),
            (
                "git+https://github.com/u/r.git#4b825dc642cb6eb9a060e54bf8d69288fbee4904",
                false,
            ),
            ("https://example.com/x-1.0.0.tgz", true),
        ] {
            assert_eq!(floating_spec(spec).is_some(), floats, "{spec}");
        }
    }

    #[test]
    fn private_index_pins_requirements() {
        assert!(requirements_index_pinned(
            "--index-url https://pypi.acme.example/simple\nx==1\n"
        ));
        assert!(requirements_index_pinned(
            "-i https://pypi.acme.example/simple\n"
        ));
        assert!(!requirements_index_pinned(
            "--extra-index-url https://pypi.acme.example/simple\n"
        ));
        assert!(!requirements_index_pinned(
            "--index-url https://pypi.org/simple\n"
        ));
    }
}
