//! Scope: the only origins and path prefixes that ever receive a request.

use url::Url;

/// One allowed origin, optionally narrowed to a path prefix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScopeEntry {
    pub scheme: String,
    pub host: String,
    pub port: u16,
    /// Always starts with `/`; `/` allows the whole origin.
    pub prefix: String,
}

/// The scan's scope. Built from the target (its origin) or an explicit `--scope` list.
#[derive(Debug, Clone, Default)]
pub struct Scope {
    pub entries: Vec<ScopeEntry>,
}

impl Scope {
    /// The target's whole origin.
    pub fn of_origin(target: &Url) -> Option<Scope> {
        Some(Scope {
            entries: vec![entry(target, "/")?],
        })
    }

    /// Explicit entries: `https://host[:port][/prefix]` each.
    pub fn parse(list: &[String]) -> Result<Scope, String> {
        let mut entries = Vec::new();
        for s in list {
            let u = Url::parse(s).map_err(|e| format!("scope `{s}`: {e}"))?;
            let path = u.path();
            let e = entry(&u, if path.is_empty() { "/" } else { path })
                .ok_or_else(|| format!("scope `{s}`: needs an http(s) URL with a host"))?;
            entries.push(e);
        }
        if entries.is_empty() {
            return Err("the scope is empty".into());
        }
        Ok(Scope { entries })
    }

    /// Whether `url` may receive a request: same scheme, host and port as an entry and a path
    /// under its prefix (segment-wise: `/api` allows `/api` and `/api/x`, not `/apix`).
    pub fn allows(&self, url: &Url) -> bool {
        let Some(host) = url.host_str() else {
            return false;
        };
        let Some(port) = url.port_or_known_default() else {
            return false;
        };
        let host = host.to_ascii_lowercase();
        let path = url.path();
        self.entries.iter().any(|e| {
            e.scheme == url.scheme()
                && e.host == host
                && e.port == port
                && (e.prefix == "/"
                    || path == e.prefix.trim_end_matches('/')
                    || path.starts_with(&format!("{}/", e.prefix.trim_end_matches('/'))))
        })
    }
}

fn entry(u: &Url, prefix: &str) -> Option<ScopeEntry> {
    if !matches!(u.scheme(), "http" | "https") {
        return None;
    }
    Some(ScopeEntry {
        scheme: u.scheme().to_owned(),
        host: u.host_str()?.to_ascii_lowercase(),
        port: u.port_or_known_default()?,
        prefix: if prefix.starts_with('/') {
            prefix.to_owned()
        } else {
            format!("/{prefix}")
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn u(s: &str) -> Url {
        Url::parse(s).expect("url")
    }

    #[test]
    fn origin_scope_is_exact() {
        let s = Scope::of_origin(&u("http://127.0.0.1:8080/app/")).expect("scope");
        assert!(s.allows(&u("http://127.0.0.1:8080/")));
        assert!(s.allows(&u("http://127.0.0.1:8080/x?y=1")));
        assert!(!s.allows(&u("http://127.0.0.1:8081/")));
        assert!(!s.allows(&u("https://127.0.0.1:8080/")));
        assert!(!s.allows(&u("http://localhost:8080/")));
        assert!(!s.allows(&u("http://127.0.0.1.evil.example:8080/")));
        assert!(!s.allows(&u("file:///etc/passwd")));
    }

    #[test]
    fn prefix_scope_is_segment_wise() {
        let s = Scope::parse(&["https://app.example/api".into()]).expect("scope");
        assert!(s.allows(&u("https://app.example/api")));
        assert!(s.allows(&u("https://app.example/api/users/1")));
        assert!(!s.allows(&u("https://app.example/apix")));
        assert!(!s.allows(&u("https://app.example/")));
        assert!(Scope::parse(&["not a url".into()]).is_err());
    }
}
