//! SBOMs as inventories: CycloneDX JSON (`components`, nested, with their `purl`) and
//! SPDX 2.x JSON (`packages[].externalRefs` of type `purl`). Each package URL is mapped back
//! to its OSV ecosystem, name and version ([`from_purl`]); components without a purl, or
//! of a type without an OSV ecosystem, are diagnostics, not packages.

use serde_json::Value;

use crate::text::{JsonLines, json};
use crate::{Cx, Inventory, LockfileError, pkg};

/// How deep nested CycloneDX `components` are followed.
const MAX_DEPTH: usize = 32;

pub(crate) fn cyclonedx(cx: &Cx<'_>, content: &[u8]) -> Result<Inventory, LockfileError> {
    let text = cx.text(content)?;
    let doc: Value = json(cx, text)?;
    if doc.get("bomFormat").and_then(Value::as_str) != Some("CycloneDX") {
        return Err(cx.err(
            Some(1),
            "not a CycloneDX JSON document: no \"bomFormat\": \"CycloneDX\"",
        ));
    }
    let lines = JsonLines::new(text);
    let mut inv = Inventory::default();
    let mut path: Vec<String> = vec!["components".to_owned()];
    if let Some(list) = doc.get("components").and_then(Value::as_array) {
        components(cx, list, &lines, &mut path, 0, &mut inv);
    }
    Ok(inv)
}

fn components(
    cx: &Cx<'_>,
    list: &[Value],
    lines: &JsonLines,
    path: &mut Vec<String>,
    depth: usize,
    inv: &mut Inventory,
) {
    if depth >= MAX_DEPTH {
        inv.diagnostics.push(cx.diag(
            None,
            format!("components nested deeper than {MAX_DEPTH} levels not read"),
        ));
        return;
    }
    for (i, c) in list.iter().enumerate() {
        path.push(i.to_string());
        let segs: Vec<&str> = path.iter().map(String::as_str).collect();
        let line = lines.get(&segs);
        match c.get("purl").and_then(Value::as_str) {
            Some(purl) => add(cx, purl, line, cdx_license(c), inv),
            None => {
                let name = c.get("name").and_then(Value::as_str).unwrap_or("?");
                inv.diagnostics
                    .push(cx.diag(line, format!("component `{name}` has no purl: not audited")));
            }
        }
        if let Some(children) = c.get("components").and_then(Value::as_array) {
            path.push("components".to_owned());
            components(cx, children, lines, path, depth + 1, inv);
            path.pop();
        }
        path.pop();
    }
}

pub(crate) fn spdx(cx: &Cx<'_>, content: &[u8]) -> Result<Inventory, LockfileError> {
    let text = cx.text(content)?;
    let doc: Value = json(cx, text)?;
    if doc.get("spdxVersion").and_then(Value::as_str).is_none() {
        return Err(cx.err(Some(1), "not an SPDX JSON document: no \"spdxVersion\""));
    }
    let lines = JsonLines::new(text);
    let mut inv = Inventory::default();
    for (i, p) in doc
        .get("packages")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .enumerate()
    {
        let idx = i.to_string();
        let line = lines.get(&["packages", &idx]);
        let purl = p
            .get("externalRefs")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .find(|r| r.get("referenceType").and_then(Value::as_str) == Some("purl"))
            .and_then(|r| r.get("referenceLocator").and_then(Value::as_str));
        match purl {
            Some(purl) => add(cx, purl, line, spdx_license(p), &mut inv),
            None => {
                let name = p.get("name").and_then(Value::as_str).unwrap_or("?");
                inv.diagnostics
                    .push(cx.diag(line, format!("package `{name}` has no purl: not audited")));
            }
        }
    }
    Ok(inv)
}

/// A CycloneDX component's licenses as one SPDX expression: `expression` entries and
/// `license.id`s, several joined with `AND` (CycloneDX lists every license that applies);
/// free-text `license.name`s are not SPDX and are left out.
fn cdx_license(c: &Value) -> Option<String> {
    let mut parts: Vec<String> = Vec::new();
    for l in c
        .get("licenses")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        if let Some(e) = l.get("expression").and_then(Value::as_str) {
            parts.push(e.trim().to_owned());
        } else if let Some(id) = l
            .get("license")
            .and_then(|x| x.get("id"))
            .and_then(Value::as_str)
        {
            parts.push(id.trim().to_owned());
        }
    }
    parts.retain(|p| !p.is_empty() && p.len() <= crate::MAX_FIELD);
    match parts.len() {
        0 => None,
        1 => parts.pop(),
        _ => Some(
            parts
                .iter()
                .map(|p| format!("({p})"))
                .collect::<Vec<_>>()
                .join(" AND "),
        ),
    }
}

/// An SPDX package's concluded license, else its declared one (`NOASSERTION` and `NONE`
/// say nothing).
fn spdx_license(p: &Value) -> Option<String> {
    ["licenseConcluded", "licenseDeclared"]
        .iter()
        .filter_map(|k| p.get(*k).and_then(Value::as_str))
        .map(str::trim)
        .find(|l| {
            !l.is_empty()
                && l.len() <= crate::MAX_FIELD
                && !l.eq_ignore_ascii_case("NOASSERTION")
                && !l.eq_ignore_ascii_case("NONE")
        })
        .map(str::to_owned)
}

/// CycloneDX XML (1.x): every `component` (nested ones too) with its `purl` and licenses
/// (`licenses/license/id`, `licenses/expression`).
pub(crate) fn cyclonedx_xml(cx: &Cx<'_>, content: &[u8]) -> Result<Inventory, LockfileError> {
    let text = cx.text(content)?;
    let bom = crate::xml::parse(cx, text)?;
    if bom.name != "bom" {
        return Err(cx.err(
            Some(bom.line),
            format!(
                "not a CycloneDX XML document: the root element is <{}>",
                bom.name
            ),
        ));
    }
    let mut inv = Inventory::default();
    // Depth-first over `components/component`, bounded by the XML parser's depth limit.
    let mut todo: Vec<&crate::xml::Element> = bom.children("components").collect();
    while let Some(list) = todo.pop() {
        for c in list.children("component") {
            let mut ids: Vec<String> = Vec::new();
            for ls in c.children("licenses") {
                for e in ls.children("expression") {
                    ids.push(e.text.trim().to_owned());
                }
                for l in ls.children("license") {
                    if let Some(id) = l.child_text("id") {
                        ids.push(id.to_owned());
                    }
                }
            }
            ids.retain(|i| !i.is_empty() && i.len() <= crate::MAX_FIELD);
            let license = match ids.len() {
                0 => None,
                1 => ids.pop(),
                _ => Some(
                    ids.iter()
                        .map(|p| format!("({p})"))
                        .collect::<Vec<_>>()
                        .join(" AND "),
                ),
            };
            match c.child_text("purl") {
                Some(purl) => add(cx, purl, Some(c.line), license, &mut inv),
                None => {
                    let name = c.child_text("name").unwrap_or("?");
                    inv.diagnostics.push(cx.diag(
                        Some(c.line),
                        format!("component `{name}` has no purl: not audited"),
                    ));
                }
            }
            todo.extend(c.children("components"));
        }
    }
    inv.packages.sort_by_key(|p| p.line);
    Ok(inv)
}

/// SPDX 2.x tag-value: `PackageName:` opens a package; its `ExternalRef: PACKAGE-MANAGER
/// purl <purl>` names it, `PackageLicenseConcluded:` (else `PackageLicenseDeclared:`) is
/// its license. Multi-line `<text>...</text>` values are skipped.
pub(crate) fn spdx_tag_value(cx: &Cx<'_>, content: &[u8]) -> Result<Inventory, LockfileError> {
    struct Pending {
        name: String,
        line: u32,
        purl: Option<String>,
        concluded: Option<String>,
        declared: Option<String>,
    }
    let text = cx.text(content)?;
    if !text.contains("SPDXVersion:") {
        return Err(cx.err(Some(1), "not an SPDX tag-value document: no SPDXVersion"));
    }
    let mut inv = Inventory::default();
    let mut cur: Option<Pending> = None;
    let mut in_text = false;
    let useful = |v: &str| {
        let v = v.trim();
        (!v.is_empty()
            && v.len() <= crate::MAX_FIELD
            && !v.eq_ignore_ascii_case("NOASSERTION")
            && !v.eq_ignore_ascii_case("NONE"))
        .then(|| v.to_owned())
    };
    let finish = |p: Pending, inv: &mut Inventory| match p.purl {
        Some(purl) => add(cx, &purl, Some(p.line), p.concluded.or(p.declared), inv),
        None => inv.diagnostics.push(cx.diag(
            Some(p.line),
            format!("package `{}` has no purl: not audited", p.name),
        )),
    };
    for (n, line) in crate::text::numbered_lines(text) {
        if in_text {
            if line.contains("</text>") {
                in_text = false;
            }
            continue;
        }
        let Some((key, value)) = line.split_once(':') else {
            continue;
        };
        if value.contains("<text>") && !value.contains("</text>") {
            in_text = true;
            continue;
        }
        let value = value.trim();
        match key.trim() {
            "PackageName" => {
                if let Some(p) = cur.take() {
                    finish(p, &mut inv);
                }
                cur = Some(Pending {
                    name: value.chars().take(200).collect(),
                    line: n,
                    purl: None,
                    concluded: None,
                    declared: None,
                });
            }
            "ExternalRef" => {
                let mut parts = value.split_whitespace();
                let (cat, kind, loc) = (parts.next(), parts.next(), parts.next());
                if let (Some(p), Some(cat), Some("purl"), Some(loc)) =
                    (cur.as_mut(), cat, kind, loc)
                    && (cat == "PACKAGE-MANAGER" || cat == "PACKAGE_MANAGER")
                    && p.purl.is_none()
                {
                    p.purl = Some(loc.to_owned());
                }
            }
            "PackageLicenseConcluded" => {
                if let Some(p) = cur.as_mut() {
                    p.concluded = useful(value);
                }
            }
            "PackageLicenseDeclared" => {
                if let Some(p) = cur.as_mut() {
                    p.declared = useful(value);
                }
            }
            // A file or snippet section ends the package's own fields.
            "FileName" | "SnippetSPDXID" => {
                if let Some(p) = cur.take() {
                    finish(p, &mut inv);
                }
            }
            _ => {}
        }
    }
    if let Some(p) = cur.take() {
        finish(p, &mut inv);
    }
    Ok(inv)
}

fn add(cx: &Cx<'_>, purl: &str, line: Option<u32>, license: Option<String>, inv: &mut Inventory) {
    match from_purl(purl) {
        Some((eco, name, version)) => {
            let canonical = crate::purl::for_ecosystem(&eco, &name, version.as_deref());
            let mut p = pkg(&eco, name, version, canonical, line);
            p.license = license;
            inv.packages.push(p);
        }
        None => inv.diagnostics.push(cx.diag(
            line,
            format!("`{purl}`: no OSV ecosystem for this package URL"),
        )),
    }
}

fn decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let Some(b) = std::str::from_utf8(&bytes[i + 1..i + 3])
                .ok()
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A package URL's OSV ecosystem, name (as the ecosystem spells it) and version:
/// `pkg:npm/%40babel/core@7.0.0` → (`npm`, `@babel/core`, `7.0.0`). `None` for a malformed
/// purl or a type with no OSV ecosystem.
#[must_use]
pub fn from_purl(purl: &str) -> Option<(String, String, Option<String>)> {
    let rest = purl.trim().strip_prefix("pkg:")?;
    let rest = rest.split('#').next()?;
    // Qualifiers (`?distro=debian-12`) are not needed to match.
    let rest = rest.split('?').next()?;
    let (ty, rest) = rest.trim_start_matches('/').split_once('/')?;
    let (path, version) = match rest.rsplit_once('@') {
        Some((p, v)) if !p.is_empty() => (p, Some(decode(v)).filter(|v| !v.is_empty())),
        _ => (rest, None),
    };
    let segs: Vec<String> = path
        .split('/')
        .filter(|s| !s.is_empty())
        .map(decode)
        .collect();
    let (name, ns) = segs.split_last()?;
    let ns = ns.join("/");
    let with_ns = |sep: &str| {
        if ns.is_empty() {
            name.clone()
        } else {
            format!("{ns}{sep}{name}")
        }
    };
    let (eco, name) = match ty.to_ascii_lowercase().as_str() {
        "npm" => ("npm".to_owned(), with_ns("/")),
        "pypi" => ("PyPI".to_owned(), name.clone()),
        "cargo" => ("crates.io".to_owned(), name.clone()),
        "golang" => ("Go".to_owned(), with_ns("/")),
        "maven" => ("Maven".to_owned(), with_ns(":")),
        "gem" => ("RubyGems".to_owned(), name.clone()),
        "composer" => ("Packagist".to_owned(), with_ns("/")),
        "nuget" => ("NuGet".to_owned(), name.clone()),
        "pub" => ("Pub".to_owned(), name.clone()),
        "hex" => ("Hex".to_owned(), name.clone()),
        "hackage" => ("Hackage".to_owned(), name.clone()),
        "cran" => ("CRAN".to_owned(), name.clone()),
        "conan" => ("ConanCenter".to_owned(), name.clone()),
        "cocoapods" => ("CocoaPods".to_owned(), name.clone()),
        "swift" => ("SwiftURL".to_owned(), with_ns("/")),
        "deb" => {
            let eco = match ns.to_ascii_lowercase().as_str() {
                "ubuntu" => "Ubuntu",
                _ => "Debian",
            };
            (eco.to_owned(), name.clone())
        }
        "apk" => {
            let eco = match ns.to_ascii_lowercase().as_str() {
                "wolfi" => "Wolfi",
                _ => "Alpine",
            };
            (eco.to_owned(), name.clone())
        }
        "rpm" => {
            let eco = match ns.to_ascii_lowercase().as_str() {
                "rocky" | "rocky-linux" => "Rocky Linux",
                "almalinux" | "alma" => "AlmaLinux",
                "redhat" | "rhel" => "Red Hat",
                "opensuse" => "openSUSE",
                "suse" | "sles" => "SUSE",
                _ => return None,
            };
            (eco.to_owned(), name.clone())
        }
        _ => return None,
    };
    Some((eco, name, version))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Format, detect, parse};

    #[test]
    fn cyclonedx_xml_and_spdx_tag_value_by_content() {
        let xml = r#"<?xml version="1.0" encoding="UTF-8"?>
<bom xmlns="http://cyclonedx.org/schema/bom/1.5" version="1">
  <components>
    <component type="library">
      <name>openssl</name>
      <purl>pkg:cargo/openssl@0.8.0</purl>
      <licenses><license><id>Apache-2.0</id></license></licenses>
      <components>
        <component type="library">
          <name>left-pad</name>
          <purl>pkg:npm/left-pad@1.3.0</purl>
          <licenses><expression>MIT OR WTFPL</expression></licenses>
        </component>
      </components>
    </component>
    <component type="library"><name>nopurl</name></component>
  </components>
</bom>
"#;
        assert_eq!(
            detect("inventory.xml", xml.as_bytes()),
            Some(Format::CycloneDxXml)
        );
        assert_eq!(detect("app.cdx.xml", b""), Some(Format::CycloneDxXml));
        let inv = parse(Format::CycloneDxXml, "inventory.xml", xml.as_bytes()).expect("parse");
        let got: Vec<(String, Option<u32>, Option<String>)> = inv
            .packages
            .iter()
            .map(|p| (p.purl.clone(), p.line, p.license.clone()))
            .collect();
        assert_eq!(
            got,
            vec![
                (
                    "pkg:cargo/openssl@0.8.0".to_owned(),
                    Some(4),
                    Some("Apache-2.0".to_owned())
                ),
                (
                    "pkg:npm/left-pad@1.3.0".to_owned(),
                    Some(9),
                    Some("MIT OR WTFPL".to_owned())
                ),
            ]
        );
        assert_eq!(inv.diagnostics.len(), 1, "{:?}", inv.diagnostics);

        let tv = "SPDXVersion: SPDX-2.3\nDataLicense: CC0-1.0\nDocumentComment: <text>a\nPackageName: fake\n</text>\n\nPackageName: requests\nSPDXID: SPDXRef-1\nPackageLicenseConcluded: NOASSERTION\nPackageLicenseDeclared: Apache-2.0\nExternalRef: PACKAGE-MANAGER purl pkg:pypi/requests@2.31.0\n\nPackageName: nothing\nPackageLicenseConcluded: MIT\n";
        assert_eq!(
            detect("export.txt", tv.as_bytes()),
            Some(Format::SpdxTagValue)
        );
        let inv = parse(Format::SpdxTagValue, "export.txt", tv.as_bytes()).expect("parse");
        assert_eq!(inv.packages.len(), 1);
        let p = &inv.packages[0];
        assert_eq!((p.name.as_str(), p.line), ("requests", Some(7)));
        assert_eq!(p.license.as_deref(), Some("Apache-2.0"));
        assert_eq!(inv.diagnostics.len(), 1);
        assert!(parse(Format::SpdxTagValue, "x.spdx", b"PackageName: a\n").is_err());
        assert!(parse(Format::CycloneDxXml, "bom.xml", b"<bom><components>").is_err());
    }

    #[test]
    fn purls_map_to_osv_ecosystems() {
        let t = |p: &str| from_purl(p).map(|(e, n, v)| (e, n, v.unwrap_or_default()));
        let s = |e: &str, n: &str, v: &str| Some((e.to_owned(), n.to_owned(), v.to_owned()));
        assert_eq!(
            t("pkg:npm/%40babel/core@7.0.0"),
            s("npm", "@babel/core", "7.0.0")
        );
        assert_eq!(
            t("pkg:cargo/openssl@0.8.0"),
            s("crates.io", "openssl", "0.8.0")
        );
        assert_eq!(
            t("pkg:maven/org.slf4j/slf4j-api@1.7.30?type=jar"),
            s("Maven", "org.slf4j:slf4j-api", "1.7.30")
        );
        assert_eq!(
            t("pkg:golang/github.com/gin-gonic/gin@v1.9.0"),
            s("Go", "github.com/gin-gonic/gin", "v1.9.0")
        );
        assert_eq!(t("pkg:pypi/django@1.11.0"), s("PyPI", "django", "1.11.0"));
        assert_eq!(
            t("pkg:deb/debian/openssl@3.0.11-1~deb12u2?distro=debian-12"),
            s("Debian", "openssl", "3.0.11-1~deb12u2")
        );
        assert_eq!(t("pkg:cargo/serde"), s("crates.io", "serde", ""));
        assert_eq!(t("pkg:github/actions/checkout@v4"), None);
        assert_eq!(t("not a purl"), None);
        assert_eq!(t("pkg:"), None);
        assert_eq!(t("pkg:npm/"), None);
        assert_eq!(t("pkg:npm/%"), s("npm", "%", ""));
        assert_eq!(t("pkg:npm/a%4"), s("npm", "a%4", ""));
    }
}
