//! `security.txt` (RFC 9116): generate one, and lint one — fields, formats, required and
//! single-occurrence fields, the expiry (in the future, and less than a year away), the
//! canonical URL against where the file was fetched, and the OpenPGP cleartext signature
//! (parsed always; verified against a public key when one is given).
//!
//! A leaf crate: no palisade dependency. Fetching over HTTP is the caller's business; a
//! linted file is text passed in with the URL it came from, if any.
//!
//! ## Crates, and why
//!
//! - `pgp` (rPGP): a pure-Rust OpenPGP implementation (RFC 9580 and 4880) with cleartext
//!   signed messages, so verification needs no C library (Sequoia's default backend is
//!   Nettle, a C library) and no `gpg` binary. Default features off: no bzip2.
//! - `serde` for the lint report's JSON, `thiserror` for the one error type.

use std::fmt;

use serde::Serialize;

/// The largest file linted: 64 KiB (real files are well under 2 KiB).
pub const MAX_SIZE: usize = 64 * 1024;

/// Why a file could not be linted at all.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{name}: {size} bytes is over the {MAX_SIZE}-byte limit for a security.txt")]
    TooLarge { name: String, size: usize },
    #[error("{name}: not UTF-8 text (RFC 9116 §2.3 requires UTF-8)")]
    NotText { name: String },
    #[error("the public key does not read: {0}")]
    Key(String),
    #[error("cannot sign: {0}")]
    Sign(String),
}

/// How serious a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    /// Informational.
    Info,
    /// A SHOULD of the RFC, or a likely mistake.
    Warning,
    /// A MUST of the RFC.
    Error,
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Level::Info => "info",
            Level::Warning => "warning",
            Level::Error => "error",
        })
    }
}

/// One finding of the lint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    pub level: Level,
    /// 1-based line in the (signed) text, when the finding is about a line.
    pub line: Option<usize>,
    pub field: Option<String>,
    pub message: String,
}

/// A field as read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Field {
    pub name: String,
    pub value: String,
    pub line: usize,
}

/// What the signature check found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Signature {
    /// Not signed.
    Unsigned,
    /// Signed; no key was given to check it.
    Unverified,
    /// Signed, and the signature verifies with the given key.
    Valid { fingerprint: String },
    /// Signed, and the signature does not verify (or does not parse).
    Invalid { reason: String },
}

/// The lint's result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Lint {
    pub fields: Vec<Field>,
    pub signature: Signature,
    pub diagnostics: Vec<Diagnostic>,
}

impl Lint {
    /// No error-level diagnostic.
    pub fn is_valid(&self) -> bool {
        !self.diagnostics.iter().any(|d| d.level == Level::Error)
    }
}

/// What to lint against.
#[derive(Debug, Clone, Default)]
pub struct Options<'a> {
    /// Now, seconds since the epoch (for Expires).
    pub now: i64,
    /// The URL the file was fetched from (checked against Canonical and the well-known
    /// location).
    pub url: Option<&'a str>,
    /// An ASCII-armored OpenPGP public key to verify the signature with.
    pub key: Option<&'a str>,
}

/// The fields RFC 9116 registers (§6.4), plus CSAF's (CSAF 2.0 §7.1.8).
pub const KNOWN: &[&str] = &[
    "Acknowledgments",
    "Canonical",
    "Contact",
    "Encryption",
    "Expires",
    "Hiring",
    "Policy",
    "Preferred-Languages",
    "CSAF",
];

fn known(name: &str) -> Option<&'static str> {
    KNOWN.iter().copied().find(|k| k.eq_ignore_ascii_case(name))
}

fn is_token(name: &str) -> bool {
    !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

/// A URI with a scheme (RFC 3986 `scheme ":" …`), no spaces.
fn is_uri(s: &str) -> bool {
    let Some((scheme, rest)) = s.split_once(':') else {
        return false;
    };
    !rest.is_empty()
        && scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
        && !s.chars().any(|c| c.is_whitespace() || c.is_control())
}

fn scheme(s: &str) -> String {
    s.split(':').next().unwrap_or("").to_ascii_lowercase()
}

/// RFC 5646 language tag, structurally: alphanumeric subtags of 1–8 characters joined by
/// `-`, the first alphabetic (2–3 letters, or 4–8 for registered languages; `i`/`x`
/// for grandfathered and private use).
fn is_language_tag(t: &str) -> bool {
    let mut parts = t.split('-');
    let Some(first) = parts.next() else {
        return false;
    };
    let first_ok = first.chars().all(|c| c.is_ascii_alphabetic())
        && (matches!(first.len(), 2..=8)
            || first.eq_ignore_ascii_case("x")
            || first.eq_ignore_ascii_case("i"));
    first_ok
        && parts.all(|p| matches!(p.len(), 1..=8) && p.chars().all(|c| c.is_ascii_alphanumeric()))
}

fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Parses an RFC 3339 date-time (`2027-01-31T23:59:59Z`, fractions and `±hh:mm` offsets
/// allowed) to seconds since the epoch.
pub fn parse_rfc3339(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    if b.len() < 20
        || b[4] != b'-'
        || b[7] != b'-'
        || !matches!(b[10], b'T' | b't')
        || b[13] != b':'
        || b[16] != b':'
    {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<i64> {
        let t = s.get(r)?;
        t.bytes()
            .all(|c| c.is_ascii_digit())
            .then(|| t.parse().ok())?
    };
    let (y, mo, d, h, mi, se) = (
        num(0..4)?,
        num(5..7)?,
        num(8..10)?,
        num(11..13)?,
        num(14..16)?,
        num(17..19)?,
    );
    if !(1..=12).contains(&mo) || !(1..=31).contains(&d) || h > 23 || mi > 59 || se > 60 {
        return None;
    }
    let days = days_from_civil(y, mo, d);
    // Reject 2027-02-30: the date must round-trip.
    if days_from_civil(y, mo, 1) + d - 1 != days
        || (mo < 12 && days >= days_from_civil(y, mo + 1, 1))
    {
        return None;
    }
    let mut rest = &s[19..];
    if let Some(frac) = rest.strip_prefix('.') {
        let n = frac.bytes().take_while(u8::is_ascii_digit).count();
        if n == 0 {
            return None;
        }
        rest = &frac[n..];
    }
    let offset = match rest {
        "Z" | "z" => 0,
        o if o.len() == 6 && (o.starts_with('+') || o.starts_with('-')) && &o[3..4] == ":" => {
            let hh: i64 = o[1..3].parse().ok()?;
            let mm: i64 = o[4..6].parse().ok()?;
            let v = hh * 3600 + mm * 60;
            if o.starts_with('+') { v } else { -v }
        }
        _ => return None,
    };
    Some(days * 86_400 + h * 3600 + mi * 60 + se - offset)
}

/// `2027-01-31T23:59:59Z`.
pub fn format_rfc3339(t: i64) -> String {
    let days = t.div_euclid(86_400);
    let rem = t.rem_euclid(86_400);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

const SIGNED_HEADER: &str = "-----BEGIN PGP SIGNED MESSAGE-----";

/// Lints `bytes` (named `name` in errors).
///
/// # Errors
///
/// [`Error::TooLarge`], [`Error::NotText`]: nothing to lint. Everything else is a
/// [`Diagnostic`].
pub fn lint(name: &str, bytes: &[u8], o: &Options<'_>) -> Result<Lint, Error> {
    if bytes.len() > MAX_SIZE {
        return Err(Error::TooLarge {
            name: name.to_owned(),
            size: bytes.len(),
        });
    }
    let text = std::str::from_utf8(bytes).map_err(|_| Error::NotText {
        name: name.to_owned(),
    })?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut diags = Vec::new();
    let mut d = |level, line, field: Option<&str>, message: String| {
        diags.push(Diagnostic {
            level,
            line,
            field: field.map(str::to_owned),
            message,
        });
    };
    // The signed body, when signed (its fields are what counts), and the signature.
    let (body, signature, body_offset) = if text.trim_start().starts_with(SIGNED_HEADER) {
        match pgp::composed::CleartextSignedMessage::from_string(text.trim_start()) {
            Ok((msg, _)) => {
                let signed = msg.signed_text().replace("\r\n", "\n");
                let sig = match o.key {
                    None => Signature::Unverified,
                    Some(k) => verify(&msg, k)?,
                };
                // Fields start after the armor header and the blank line.
                let offset = text
                    .lines()
                    .position(|l| l.trim().is_empty())
                    .map_or(0, |i| i + 1);
                (signed, sig, offset)
            }
            Err(e) => {
                let reason = format!("the OpenPGP cleartext signature does not parse: {e}");
                d(Level::Error, Some(1), None, reason.clone());
                (String::new(), Signature::Invalid { reason }, 0)
            }
        }
    } else {
        if text.contains("-----BEGIN PGP SIGNATURE-----") {
            d(Level::Error, None, None, "a PGP signature block without the `-----BEGIN PGP SIGNED MESSAGE-----` header: not a cleartext signature (RFC 9116 §2.3)".to_owned());
        }
        (text.to_owned(), Signature::Unsigned, 0)
    };
    match &signature {
        Signature::Unsigned => d(
            Level::Info,
            None,
            None,
            "not signed: RFC 9116 §2.3 recommends an OpenPGP cleartext signature".to_owned(),
        ),
        Signature::Unverified => d(
            Level::Warning,
            None,
            None,
            "signed, but no key was given to verify the signature (--key FILE)".to_owned(),
        ),
        Signature::Invalid { reason } if !reason.starts_with("the OpenPGP") => {
            d(
                Level::Error,
                None,
                None,
                format!("the signature does not verify: {reason}"),
            );
        }
        _ => {}
    }
    let mut fields = Vec::new();
    for (i, raw) in body.lines().enumerate() {
        let line = i + 1 + body_offset;
        let l = raw.trim_end_matches('\r');
        if l.trim().is_empty() || l.starts_with('#') {
            continue;
        }
        let Some((name, value)) = l.split_once(':') else {
            d(
                Level::Error,
                Some(line),
                None,
                format!(
                    "not a `Field: value` line or a `#` comment: {:?}",
                    l.chars().take(80).collect::<String>()
                ),
            );
            continue;
        };
        if !is_token(name) {
            d(
                Level::Error,
                Some(line),
                None,
                format!(
                    "{name:?} is not a field name (RFC 9116 §2.4: a token, no spaces before the colon)"
                ),
            );
            continue;
        }
        if !value.starts_with(' ') && !value.is_empty() {
            d(
                Level::Warning,
                Some(line),
                Some(name),
                "no space after the colon".to_owned(),
            );
        }
        let value = value.trim().to_owned();
        match known(name) {
            Some(k) if k != name => d(
                Level::Info,
                Some(line),
                Some(name),
                format!("field names are case-insensitive; `{k}` is the registered spelling"),
            ),
            None => d(
                Level::Info,
                Some(line),
                Some(name),
                format!(
                    "`{name}` is not a field RFC 9116 registers: it is ignored by readers that do not know it"
                ),
            ),
            _ => {}
        }
        fields.push(Field {
            name: known(name).map_or_else(|| name.to_owned(), str::to_owned),
            value,
            line,
        });
    }
    let all = |n: &str| {
        fields
            .iter()
            .filter(move |f| f.name == n)
            .collect::<Vec<_>>()
    };
    // Contact: required, URIs; web URIs over https.
    let contacts = all("Contact");
    if contacts.is_empty() {
        d(
            Level::Error,
            None,
            Some("Contact"),
            "Contact is required (RFC 9116 §2.5.3): at least one mailto:, tel: or https:// URI"
                .to_owned(),
        );
    }
    for f in &contacts {
        check_uri(&mut d, f, &["mailto", "tel", "https"]);
    }
    // Expires: exactly once, RFC 3339, in the future, less than a year away.
    let expires = all("Expires");
    match expires.as_slice() {
        [] => d(
            Level::Error,
            None,
            Some("Expires"),
            "Expires is required (RFC 9116 §2.5.5), e.g. `Expires: 2027-01-31T23:59:59Z`"
                .to_owned(),
        ),
        [f, rest @ ..] => {
            for r in rest {
                d(
                    Level::Error,
                    Some(r.line),
                    Some("Expires"),
                    "Expires must appear only once".to_owned(),
                );
            }
            match parse_rfc3339(&f.value) {
                None => d(
                    Level::Error,
                    Some(f.line),
                    Some("Expires"),
                    format!(
                        "{:?} is not an RFC 3339 date-time (2027-01-31T23:59:59Z)",
                        f.value
                    ),
                ),
                Some(t) if t <= o.now => d(
                    Level::Error,
                    Some(f.line),
                    Some("Expires"),
                    format!(
                        "expired on {}: the file must not be used after it (RFC 9116 §2.5.5)",
                        format_rfc3339(t)
                    ),
                ),
                Some(t) if t - o.now > 365 * 86_400 => d(
                    Level::Warning,
                    Some(f.line),
                    Some("Expires"),
                    format!(
                        "{} is more than a year away: RFC 9116 §2.5.5 recommends less than a year",
                        format_rfc3339(t)
                    ),
                ),
                Some(_) => {}
            }
        }
    }
    for f in all("Encryption") {
        check_uri(&mut d, f, &["https", "dns", "openpgp4fpr"]);
    }
    for name in ["Acknowledgments", "Policy", "Hiring", "CSAF"] {
        for f in all(name) {
            check_uri(&mut d, f, &["https"]);
        }
    }
    let canonical = all("Canonical");
    for f in &canonical {
        check_uri(&mut d, f, &["https"]);
    }
    let langs = all("Preferred-Languages");
    for extra in langs.iter().skip(1) {
        d(
            Level::Error,
            Some(extra.line),
            Some("Preferred-Languages"),
            "Preferred-Languages must appear at most once".to_owned(),
        );
    }
    if let Some(f) = langs.first() {
        for tag in f.value.split(',').map(str::trim) {
            if !is_language_tag(tag) {
                d(
                    Level::Error,
                    Some(f.line),
                    Some("Preferred-Languages"),
                    format!(
                        "{tag:?} is not an RFC 5646 language tag (en, de-CH, …), comma-separated"
                    ),
                );
            }
        }
    }
    if let Some(url) = o.url {
        if !canonical.is_empty() && !canonical.iter().any(|c| c.value == url) {
            d(
                Level::Error,
                None,
                Some("Canonical"),
                format!("fetched from {url}, which no Canonical field lists (RFC 9116 §2.5.2)"),
            );
        }
        if !url.contains("/.well-known/security.txt") && !url.ends_with("/security.txt") {
            d(
                Level::Warning,
                None,
                None,
                format!("{url} is not /.well-known/security.txt (RFC 9116 §3)"),
            );
        } else if !url.contains("/.well-known/") {
            d(Level::Info, None, None, "served at /security.txt: RFC 9116 §3 places it at /.well-known/security.txt (the top-level path is for legacy compatibility)".to_owned());
        }
        if url.starts_with("http://") {
            d(
                Level::Error,
                None,
                None,
                "fetched over plain HTTP: RFC 9116 §3 requires HTTPS".to_owned(),
            );
        }
    } else if canonical.is_empty() && !matches!(signature, Signature::Unsigned) {
        d(Level::Warning, None, Some("Canonical"), "a signed file should name its Canonical URL (RFC 9116 §2.5.2), or the signature can be replayed elsewhere".to_owned());
    }
    diags.sort_by_key(|x| (std::cmp::Reverse(x.level), x.line.unwrap_or(0)));
    Ok(Lint {
        fields,
        signature,
        diagnostics: diags,
    })
}

fn check_uri(
    d: &mut impl FnMut(Level, Option<usize>, Option<&str>, String),
    f: &Field,
    schemes: &[&str],
) {
    if !is_uri(&f.value) {
        d(
            Level::Error,
            Some(f.line),
            Some(&f.name),
            format!("{:?} is not a URI (RFC 3986)", f.value),
        );
        return;
    }
    let s = scheme(&f.value);
    if s == "http" {
        d(
            Level::Error,
            Some(f.line),
            Some(&f.name),
            format!("{} must use https://, not http:// (RFC 9116 §2.5)", f.name),
        );
    } else if !schemes.contains(&s.as_str()) {
        d(
            Level::Warning,
            Some(f.line),
            Some(&f.name),
            format!(
                "{} uses the `{s}:` scheme; expected {}",
                f.name,
                schemes
                    .iter()
                    .map(|x| format!("{x}:"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        );
    }
}

fn verify(msg: &pgp::composed::CleartextSignedMessage, key: &str) -> Result<Signature, Error> {
    use pgp::composed::{Deserializable, SignedPublicKey};
    use pgp::types::KeyDetails;
    let (key, _) = SignedPublicKey::from_string(key).map_err(|e| Error::Key(e.to_string()))?;
    if msg.verify(&key.primary_key).is_ok() {
        return Ok(Signature::Valid {
            fingerprint: format!("{}", key.primary_key.fingerprint()),
        });
    }
    for sub in &key.public_subkeys {
        if msg.verify(&sub.key).is_ok() {
            return Ok(Signature::Valid {
                fingerprint: format!("{}", sub.key.fingerprint()),
            });
        }
    }
    Ok(Signature::Invalid {
        reason: "no signature verifies with the given key (wrong key, or the text was changed after signing)".to_owned(),
    })
}

/// What `generate` writes.
#[derive(Debug, Clone, Default)]
pub struct Spec {
    pub contact: Vec<String>,
    pub expires: i64,
    pub encryption: Vec<String>,
    pub acknowledgments: Vec<String>,
    pub canonical: Vec<String>,
    pub policy: Vec<String>,
    pub hiring: Vec<String>,
    pub preferred_languages: Option<String>,
    pub csaf: Vec<String>,
}

/// A security.txt in RFC 9116's field order, with a comment line on top.
pub fn generate(s: &Spec) -> String {
    let mut out =
        String::from("# security.txt (RFC 9116), written by palisade securitytxt generate\n");
    let mut put = |name: &str, vals: &[String]| {
        for v in vals {
            out.push_str(&format!("{name}: {}\n", v.trim()));
        }
    };
    put("Contact", &s.contact);
    put("Expires", &[format_rfc3339(s.expires)]);
    put("Encryption", &s.encryption);
    put("Acknowledgments", &s.acknowledgments);
    put(
        "Preferred-Languages",
        &s.preferred_languages.iter().cloned().collect::<Vec<_>>(),
    );
    put("Canonical", &s.canonical);
    put("Policy", &s.policy);
    put("Hiring", &s.hiring);
    put("CSAF", &s.csaf);
    out
}

#[cfg(test)]
mod tests;
