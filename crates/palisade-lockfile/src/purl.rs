//! Package URLs, per the purl specification
//! (<https://github.com/package-url/purl-spec>): `pkg:type/namespace/name@version?qualifiers#subpath`.
//!
//! Each component is percent-encoded byte by byte except the unreserved characters
//! (`A-Z a-z 0-9 . - _ ~`) and `:`, which the specification leaves as is; the namespace is
//! encoded segment by segment; qualifiers are sorted by key and empty ones dropped. Each
//! type's own normalisation (npm and PyPI names lowercased, PyPI `_` as `-`...) is applied
//! by [`for_ecosystem`].

use std::fmt::Write as _;

/// Percent-encodes one purl component.
#[must_use]
pub fn encode(s: &str) -> String {
    encode_keeping(s, b"")
}

/// Percent-encodes, keeping the unreserved characters, `:` and those of `keep`.
fn encode_keeping(s: &str, keep: &[u8]) -> String {
    let mut out = String::with_capacity(s.len());
    for &b in s.as_bytes() {
        if b.is_ascii_alphanumeric()
            || matches!(b, b'.' | b'-' | b'_' | b'~' | b':')
            || keep.contains(&b)
        {
            out.push(char::from(b));
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

/// Builds a purl from its parts. `namespace` may hold several `/`-separated segments;
/// empty segments are dropped.
#[must_use]
pub fn build(
    ty: &str,
    namespace: Option<&str>,
    name: &str,
    version: Option<&str>,
    qualifiers: &[(&str, &str)],
    subpath: Option<&str>,
) -> String {
    let mut out = String::with_capacity(16 + name.len());
    out.push_str("pkg:");
    out.push_str(ty);
    out.push('/');
    if let Some(ns) = namespace {
        for seg in ns.split('/').filter(|s| !s.is_empty()) {
            out.push_str(&encode(seg));
            out.push('/');
        }
    }
    out.push_str(&encode(name));
    if let Some(v) = version.filter(|v| !v.is_empty()) {
        out.push('@');
        out.push_str(&encode(v));
    }
    let mut q: Vec<(String, &str)> = qualifiers
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| (k.to_ascii_lowercase(), *v))
        .collect();
    q.sort();
    for (i, (k, v)) in q.iter().enumerate() {
        out.push(if i == 0 { '?' } else { '&' });
        out.push_str(k);
        out.push('=');
        // A qualifier value may keep `/` (a `vcs_url`, a `repository_url`).
        out.push_str(&encode_keeping(v, b"/"));
    }
    if let Some(sp) = subpath {
        let segs: Vec<String> = sp
            .split('/')
            .filter(|s| !s.is_empty() && *s != "." && *s != "..")
            .map(encode)
            .collect();
        if !segs.is_empty() {
            out.push('#');
            out.push_str(&segs.join("/"));
        }
    }
    out
}

/// The purl of a package of an OSV ecosystem, with the type's normalisation rules. `name`
/// is the ecosystem's own spelling (`@scope/name`, `group:artifact`, a Go module path).
#[must_use]
pub fn for_ecosystem(ecosystem: &str, name: &str, version: Option<&str>) -> String {
    match ecosystem {
        "npm" => {
            let lower = name.to_ascii_lowercase();
            match lower.strip_prefix('@').and_then(|r| r.split_once('/')) {
                Some((scope, n)) => build("npm", Some(&format!("@{scope}")), n, version, &[], None),
                None => build("npm", None, &lower, version, &[], None),
            }
        }
        "PyPI" => {
            let n = name.to_ascii_lowercase().replace('_', "-");
            build("pypi", None, &n, version, &[], None)
        }
        "crates.io" => build("cargo", None, name, version, &[], None),
        "Go" => match name.rsplit_once('/') {
            Some((ns, n)) => build("golang", Some(ns), n, version, &[], None),
            None => build("golang", None, name, version, &[], None),
        },
        "Maven" => match name.split_once(':') {
            Some((g, a)) => build("maven", Some(g), a, version, &[], None),
            None => build("maven", None, name, version, &[], None),
        },
        "RubyGems" => build("gem", None, name, version, &[], None),
        "Packagist" => {
            let lower = name.to_ascii_lowercase();
            match lower.split_once('/') {
                Some((ns, n)) => build("composer", Some(ns), n, version, &[], None),
                None => build("composer", None, &lower, version, &[], None),
            }
        }
        "NuGet" => build("nuget", None, name, version, &[], None),
        "Pub" => build("pub", None, &name.to_ascii_lowercase(), version, &[], None),
        "Hex" => build("hex", None, &name.to_ascii_lowercase(), version, &[], None),
        "Hackage" => build("hackage", None, name, version, &[], None),
        "CRAN" => build("cran", None, name, version, &[], None),
        "ConanCenter" => build("conan", None, name, version, &[], None),
        "CocoaPods" => match name.split_once('/') {
            Some((pod, sub)) => build("cocoapods", None, pod, version, &[], Some(sub)),
            None => build("cocoapods", None, name, version, &[], None),
        },
        "SwiftURL" => {
            let trimmed = name
                .trim_start_matches("https://")
                .trim_start_matches("http://")
                .trim_start_matches("ssh://")
                .trim_start_matches("git@")
                .trim_end_matches('/')
                .trim_end_matches(".git")
                .replacen(':', "/", 1);
            match trimmed.rsplit_once('/') {
                Some((ns, n)) => build("swift", Some(ns), n, version, &[], None),
                None => build("swift", None, &trimmed, version, &[], None),
            }
        }
        other => build(
            "generic",
            None,
            name,
            version,
            &[("ecosystem", other)],
            None,
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spec_examples() {
        assert_eq!(
            for_ecosystem("npm", "@angular/animation", Some("12.3.1")),
            "pkg:npm/%40angular/animation@12.3.1"
        );
        assert_eq!(
            for_ecosystem("PyPI", "Django_Allauth", Some("1.11.1")),
            "pkg:pypi/django-allauth@1.11.1"
        );
        assert_eq!(
            for_ecosystem("Maven", "org.apache.xmlgraphics:batik-anim", Some("1.9.1")),
            "pkg:maven/org.apache.xmlgraphics/batik-anim@1.9.1"
        );
        assert_eq!(
            for_ecosystem("Go", "github.com/gorilla/context", Some("v1.1.1")),
            "pkg:golang/github.com/gorilla/context@v1.1.1"
        );
        assert_eq!(
            build(
                "deb",
                Some("debian"),
                "curl",
                Some("7.50.3-1"),
                &[("distro", "jessie"), ("arch", "i386")],
                None
            ),
            "pkg:deb/debian/curl@7.50.3-1?arch=i386&distro=jessie"
        );
        assert_eq!(
            for_ecosystem("CocoaPods", "GoogleUtilities/NSData+zlib", Some("7.5.2")),
            "pkg:cocoapods/GoogleUtilities@7.5.2#NSData%2Bzlib"
        );
        assert_eq!(encode("1:2.3+dfsg 1"), "1:2.3%2Bdfsg%201");
        assert_eq!(
            for_ecosystem(
                "SwiftURL",
                "https://github.com/apple/swift-nio.git",
                Some("2.0.0")
            ),
            "pkg:swift/github.com/apple/swift-nio@2.0.0"
        );
    }
}
