//! `etc/os-release`: which distribution and release a root file system holds, so OS
//! packages get OSV's release-qualified ecosystem (`Debian:12`, `Ubuntu:22.04`,
//! `Alpine:v3.19`) and the purl its `distro` qualifier.

use crate::{Inventory, purl};

/// The fields of `os-release` that matter here.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OsRelease {
    /// `ID`: `debian`, `ubuntu`, `alpine`, `rhel`, `rocky`, `almalinux`, `fedora`...
    pub id: String,
    /// `VERSION_ID`: `12`, `22.04`, `3.19.1`, `9.3`.
    pub version_id: String,
}

impl OsRelease {
    /// Reads `KEY=value` lines (values may be quoted); unknown keys are ignored.
    #[must_use]
    pub fn parse(content: &[u8]) -> OsRelease {
        let text = String::from_utf8_lossy(content);
        let mut out = OsRelease::default();
        for line in text.lines() {
            let Some((k, v)) = line.split_once('=') else {
                continue;
            };
            let v = v.trim().trim_matches('"').trim_matches('\'').to_owned();
            match k.trim() {
                "ID" => out.id = v.to_ascii_lowercase(),
                "VERSION_ID" => out.version_id = v,
                _ => {}
            }
        }
        out
    }

    /// OSV's ecosystem for this release, if it has one: `Debian:12`, `Ubuntu:22.04`,
    /// `Alpine:v3.19`, `Red Hat`, `Rocky Linux:9`, `AlmaLinux:9`.
    #[must_use]
    pub fn ecosystem(&self) -> Option<String> {
        let major = self.version_id.split('.').next().unwrap_or("");
        let major_minor: String = self
            .version_id
            .split('.')
            .take(2)
            .collect::<Vec<_>>()
            .join(".");
        Some(match self.id.as_str() {
            "debian" if !major.is_empty() => format!("Debian:{major}"),
            "ubuntu" if !self.version_id.is_empty() => format!("Ubuntu:{}", self.version_id),
            "alpine" if !major_minor.is_empty() => format!("Alpine:v{major_minor}"),
            "rhel" => "Red Hat".to_owned(),
            "rocky" if !major.is_empty() => format!("Rocky Linux:{major}"),
            "almalinux" if !major.is_empty() => format!("AlmaLinux:{major}"),
            _ => return None,
        })
    }

    /// Refines the OS packages of `inv` (those of the `Debian`, `Alpine` and `Red Hat`
    /// families) with this release: the ecosystem, and the purl's namespace and `distro`.
    pub fn apply(&self, inv: &mut Inventory) {
        let Some(eco) = self.ecosystem() else { return };
        let distro = format!("{}-{}", self.id, self.version_id);
        for p in &mut inv.packages {
            let family_matches = match p.ecosystem.as_str() {
                "Debian" => matches!(self.id.as_str(), "debian" | "ubuntu"),
                "Alpine" => self.id == "alpine",
                "Red Hat" => matches!(self.id.as_str(), "rhel" | "rocky" | "almalinux"),
                _ => false,
            };
            if !family_matches {
                continue;
            }
            p.ecosystem.clone_from(&eco);
            // `pkg:deb/debian/name@v?arch=..` -> `pkg:deb/ubuntu/name@v?arch=..&distro=ubuntu-22.04`
            if let Some(rest) = p.purl.strip_prefix("pkg:") {
                let mut parts = rest.splitn(3, '/');
                if let (Some(ty), Some(_ns), Some(tail)) =
                    (parts.next(), parts.next(), parts.next())
                {
                    let ns = if self.id == "rhel" {
                        "redhat"
                    } else {
                        self.id.as_str()
                    };
                    let (head, query) = tail.split_once('?').unwrap_or((tail, ""));
                    let distro_q = format!("distro={}", purl::encode(&distro));
                    let mut qs: Vec<&str> = query.split('&').filter(|q| !q.is_empty()).collect();
                    qs.push(&distro_q);
                    qs.sort_unstable();
                    p.purl = format!("pkg:{ty}/{ns}/{head}?{}", qs.join("&"));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Format, parse};

    #[test]
    fn debian_release() {
        let os = OsRelease::parse(
            b"PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nID=debian\nVERSION_ID=\"12\"\n",
        );
        assert_eq!(os.ecosystem().as_deref(), Some("Debian:12"));
        let mut inv = parse(
            Format::DpkgStatus,
            "status",
            b"Package: bash\nStatus: install ok installed\nArchitecture: amd64\nVersion: 5.2-1\n",
        )
        .expect("parses");
        os.apply(&mut inv);
        assert_eq!(inv.packages[0].ecosystem, "Debian:12");
        assert_eq!(
            inv.packages[0].purl,
            "pkg:deb/debian/bash@5.2-1?arch=amd64&distro=debian-12"
        );
        let alpine = OsRelease::parse(b"ID=alpine\nVERSION_ID=3.19.1\n");
        assert_eq!(alpine.ecosystem().as_deref(), Some("Alpine:v3.19"));
        assert_eq!(OsRelease::parse(b"ID=gentoo\n").ecosystem(), None);
    }
}
