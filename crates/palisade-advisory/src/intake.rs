//! Reading a report from a file: Markdown with YAML front matter, JSON, or an e-mail
//! (`.eml`). Every field name is checked (an unknown one is an error naming it, so that
//! nothing a reporter wrote is silently dropped), the CVSS vector is validated, and the
//! size is bounded. The file itself is returned whole, to be kept with the report.

use std::io::Read;
use std::path::Path;

use serde_json::{Map, Value};

use crate::{Attachment, Error, Exploitation, Level, Report, Result, Source, SsvcInputs, State};

/// The default largest file `advisory import` reads: 10 MiB.
pub const DEFAULT_MAX_IMPORT: u64 = 10 * 1024 * 1024;
/// Text kept per text attachment (the whole file is kept in the store's sources).
const MAX_ATTACHMENT_TEXT: usize = 64 * 1024;
/// MIME parts and nesting an e-mail may have.
const MAX_PARTS: usize = 1000;
const MAX_MULTIPART: usize = 64;

/// The field names a report file may use (`-` and `_` are the same).
pub const FIELDS: &[&str] = &[
    "title",
    "reporter",
    "contact",
    "project",
    "component",
    "cwe",
    "endpoint",
    "description",
    "poc",
    "received",
    "state",
    "cvss",
    "ssvc",
    "exploited",
    "ecosystem",
    "package",
    "introduced",
    "fixed_versions",
    "fix_commits",
    "aliases",
    "references",
];

/// Values used when the file does not say.
#[derive(Debug, Clone, Default)]
pub struct Defaults {
    pub project: Option<String>,
    pub reporter: Option<String>,
    /// Now: the received date when the file has none.
    pub now: i64,
}

/// A report read from a file, the file itself, and what was noticed on the way.
#[derive(Debug, Clone)]
pub struct Imported {
    pub report: Report,
    pub source: Source,
    pub warnings: Vec<String>,
}

fn err(file: &str, problem: impl Into<String>) -> Error {
    Error::Import {
        file: file.to_owned(),
        problem: problem.into(),
    }
}

/// Reads and parses `path` (format by extension: `.md`/`.markdown`, `.json`, `.eml`,
/// else sniffed from the content).
///
/// # Errors
///
/// [`Error::Import`] naming the file and the problem: too large, not text, malformed
/// front matter/JSON/MIME, an unknown field, a bad value, an invalid CVSS vector.
pub fn import_file(path: &Path, max_size: u64, defaults: &Defaults) -> Result<Imported> {
    let name = path.display().to_string();
    let file = std::fs::File::open(path).map_err(|e| err(&name, e.to_string()))?;
    let meta = file.metadata().map_err(|e| err(&name, e.to_string()))?;
    if meta.len() > max_size {
        return Err(err(
            &name,
            format!(
                "{} bytes is over the import limit of {max_size} bytes (--max-size); nothing was imported",
                meta.len()
            ),
        ));
    }
    let mut bytes = Vec::new();
    file.take(max_size + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| err(&name, e.to_string()))?;
    if bytes.len() as u64 > max_size {
        return Err(err(
            &name,
            format!("over the import limit of {max_size} bytes (--max-size); nothing was imported"),
        ));
    }
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    import_bytes(&name, &ext, bytes, defaults)
}

/// Parses a file's content; `ext` picks the format (empty: sniffed).
///
/// # Errors
///
/// As [`import_file`].
pub fn import_bytes(
    name: &str,
    ext: &str,
    bytes: Vec<u8>,
    defaults: &Defaults,
) -> Result<Imported> {
    let format = match ext {
        "md" | "markdown" => "markdown",
        "json" => "json",
        "eml" | "msg" | "mbox" => "email",
        _ => sniff(&bytes),
    };
    let mut warnings = Vec::new();
    let mut report = match format {
        "email" => from_email(name, &bytes, &mut warnings)?,
        _ => {
            let text = as_text(name, &bytes)?;
            if format == "json" {
                let v: Value = serde_json::from_str(text)
                    .map_err(|e| err(name, format!("not valid JSON: {e}")))?;
                let Value::Object(map) = v else {
                    return Err(err(name, "the JSON must be an object of report fields"));
                };
                from_fields(name, &map)?
            } else {
                from_markdown(name, text)?
            }
        }
    };
    report.source = Some(name.to_owned());
    finish(name, &mut report, defaults, &mut warnings)?;
    Ok(Imported {
        report,
        source: Source {
            name: name.to_owned(),
            bytes,
        },
        warnings,
    })
}

fn sniff(bytes: &[u8]) -> &'static str {
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(4096)]);
    let t = head.trim_start();
    if t.starts_with('{') {
        "json"
    } else if t.starts_with("---") || t.starts_with('#') {
        "markdown"
    } else if head.lines().take(50).any(|l| {
        let l = l.to_ascii_lowercase();
        l.starts_with("from:") || l.starts_with("received:") || l.starts_with("mime-version:")
    }) {
        "email"
    } else {
        "markdown"
    }
}

fn as_text<'a>(name: &str, bytes: &'a [u8]) -> Result<&'a str> {
    if let Some(at) = bytes.iter().position(|b| *b == 0) {
        return Err(err(
            name,
            format!("binary data (a NUL byte at offset {at}): import a .md, .json or .eml report"),
        ));
    }
    std::str::from_utf8(bytes).map_err(|e| {
        err(
            name,
            format!(
                "not UTF-8 text (invalid byte at offset {}): save it as UTF-8",
                e.valid_up_to()
            ),
        )
    })
}

/// Sets defaults and checks what a report must have.
fn finish(name: &str, r: &mut Report, d: &Defaults, warnings: &mut Vec<String>) -> Result<()> {
    if r.project.trim().is_empty() {
        match &d.project {
            Some(p) => r.project.clone_from(p),
            None => {
                return Err(err(
                    name,
                    "no project: add `project:` to the report or pass --project",
                ));
            }
        }
    }
    if r.reporter.trim().is_empty() {
        match &d.reporter {
            Some(p) => r.reporter.clone_from(p),
            None => {
                r.reporter = "anonymous".to_owned();
                warnings.push("no reporter given: recorded as `anonymous`".to_owned());
            }
        }
    }
    if r.title.trim().is_empty() {
        let first = r
            .description
            .lines()
            .map(str::trim)
            .find(|l| !l.is_empty())
            .unwrap_or("");
        if first.is_empty() {
            return Err(err(name, "no title and no description: nothing to record"));
        }
        r.title = first.chars().take(120).collect();
        warnings.push("no title: the description's first line is used".to_owned());
    }
    if r.received == 0 {
        r.received = d.now;
    }
    if let Some(v) = &r.cvss {
        palisade_cvss::score(v).map_err(|e| err(name, e.to_string()))?;
    }
    Ok(())
}

fn norm_key(k: &str) -> String {
    k.trim().to_ascii_lowercase().replace(['-', ' '], "_")
}

fn str_list(name: &str, key: &str, v: &Value) -> Result<Vec<String>> {
    match v {
        Value::Null => Ok(Vec::new()),
        Value::String(s) => Ok(s
            .split([',', '\n'])
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect()),
        Value::Number(n) => Ok(vec![n.to_string()]),
        Value::Array(items) => items
            .iter()
            .map(|i| match i {
                Value::String(s) => Ok(s.trim().to_owned()),
                Value::Number(n) => Ok(n.to_string()),
                _ => Err(err(name, format!("`{key}` must be a list of strings"))),
            })
            .collect(),
        _ => Err(err(
            name,
            format!("`{key}` must be a string or a list of strings"),
        )),
    }
}

fn one_str(name: &str, key: &str, v: &Value) -> Result<Option<String>> {
    match v {
        Value::Null => Ok(None),
        Value::String(s) => Ok(Some(s.clone()).filter(|s| !s.trim().is_empty())),
        Value::Number(n) => Ok(Some(n.to_string())),
        Value::Bool(b) => Ok(Some(b.to_string())),
        _ => Err(err(name, format!("`{key}` must be a string"))),
    }
}

/// Reads an SSVC vector such as `E:A/A:Y/T:T/M:H` (CISA's decision point keys; the
/// words `active`, `poc`, `none`, `yes`, `no`, `total`, `partial`, `low`, `medium`,
/// `high` are accepted as values too), or an object with those keys.
pub fn parse_ssvc(s: &str) -> std::result::Result<SsvcInputs, String> {
    let mut e = None;
    let mut a = None;
    let mut t = None;
    let mut m = None;
    for part in s.trim().trim_start_matches("SSVC:").split(['/', ',']) {
        let part = part.trim();
        if part.is_empty() {
            continue;
        }
        let (k, v) = part
            .split_once([':', '='])
            .ok_or_else(|| format!("SSVC part {part:?} is not KEY:VALUE"))?;
        let v = v.trim().to_ascii_lowercase();
        match k.trim().to_ascii_lowercase().as_str() {
            "e" | "exploitation" => {
                e = Some(match v.as_str() {
                    "n" | "none" => Exploitation::None,
                    "p" | "poc" | "public poc" => Exploitation::Poc,
                    "a" | "active" => Exploitation::Active,
                    _ => {
                        return Err(format!(
                            "SSVC exploitation {v:?} is not none, poc or active"
                        ));
                    }
                });
            }
            "a" | "automatable" => {
                a = Some(match v.as_str() {
                    "y" | "yes" => true,
                    "n" | "no" => false,
                    _ => return Err(format!("SSVC automatable {v:?} is not yes or no")),
                });
            }
            "t" | "technical_impact" | "technical-impact" => {
                t = Some(match v.as_str() {
                    "t" | "total" => true,
                    "p" | "partial" => false,
                    _ => {
                        return Err(format!(
                            "SSVC technical impact {v:?} is not total or partial"
                        ));
                    }
                });
            }
            "m" | "mission" | "mission_and_well_being" | "mission-and-well-being" => {
                m = Some(match v.as_str() {
                    "l" | "low" => Level::Low,
                    "m" | "medium" => Level::Medium,
                    "h" | "high" => Level::High,
                    _ => {
                        return Err(format!(
                            "SSVC mission impact {v:?} is not low, medium or high"
                        ));
                    }
                });
            }
            other => {
                return Err(format!(
                    "unknown SSVC decision point {other:?} (E, A, T, M)"
                ));
            }
        }
    }
    let missing = |what: &str| format!("SSVC {what} is missing (E:…/A:…/T:…/M:…)");
    Ok(SsvcInputs {
        exploitation: e.ok_or_else(|| missing("exploitation (E)"))?,
        automatable: a.ok_or_else(|| missing("automatable (A)"))?,
        total_impact: t.ok_or_else(|| missing("technical impact (T)"))?,
        mission: m.ok_or_else(|| missing("mission and well-being (M)"))?,
    })
}

/// A report from named fields (JSON object or YAML front matter).
fn from_fields(name: &str, map: &Map<String, Value>) -> Result<Report> {
    let mut r = Report::default();
    for (key, v) in map {
        let k = norm_key(key);
        let s = || one_str(name, key, v);
        match k.as_str() {
            "title" => r.title = s()?.unwrap_or_default(),
            "reporter" => r.reporter = s()?.unwrap_or_default(),
            "contact" => r.contact = s()?,
            "project" => r.project = s()?.unwrap_or_default(),
            "component" => r.component = s()?,
            "endpoint" | "path" | "url" => r.endpoint = s()?,
            "description" => r.description = s()?.unwrap_or_default(),
            "poc" | "proof_of_concept" | "steps_to_reproduce" => r.poc = s()?,
            "cvss" | "cvss_vector" => r.cvss = s()?,
            "ecosystem" => r.ecosystem = s()?,
            "package" => r.package = s()?,
            "introduced" => r.introduced = s()?,
            "cwe" | "weakness" => {
                for c in str_list(name, key, v)? {
                    let n = crate::parse_cwe(&c).ok_or_else(|| {
                        err(name, format!("`{key}`: {c:?} is not a CWE id (CWE-79)"))
                    })?;
                    r.cwe.push(n);
                }
            }
            "fixed_versions" | "fixed_version" | "fixed" => {
                r.fixed_versions = str_list(name, key, v)?
            }
            "fix_commits" | "fix_commit" => r.fix_commits = str_list(name, key, v)?,
            "aliases" | "cve" | "ghsa" => r.aliases.extend(str_list(name, key, v)?),
            "references" => r.references = str_list(name, key, v)?,
            "exploited" | "exploited_in_the_wild" => {
                r.exploited = match v {
                    Value::Bool(b) => *b,
                    Value::String(s)
                        if matches!(s.to_ascii_lowercase().as_str(), "yes" | "true") =>
                    {
                        true
                    }
                    Value::String(s)
                        if matches!(s.to_ascii_lowercase().as_str(), "no" | "false") =>
                    {
                        false
                    }
                    _ => return Err(err(name, format!("`{key}` must be true or false"))),
                }
            }
            "received" | "date" => {
                let t = s()?.unwrap_or_default();
                r.received = palisade_store::time::parse_time(&t).ok_or_else(|| {
                    err(
                        name,
                        format!(
                            "`{key}`: {t:?} is not a date (2026-11-29 or 2026-11-29T10:00:00Z)"
                        ),
                    )
                })?;
            }
            "state" => {
                let t = s()?.unwrap_or_default();
                r.state = Some(State::parse(&t).ok_or_else(|| {
                    err(name, format!("`{key}`: {t:?} is not a state (new, needs-more-info, triaged, duplicate, not-applicable, informative, resolved, disclosed)"))
                })?);
            }
            "ssvc" => {
                let text = match v {
                    Value::Object(m) => m
                        .iter()
                        .map(|(k, v)| {
                            format!(
                                "{k}:{}",
                                v.as_str().map_or_else(|| v.to_string(), str::to_owned)
                            )
                        })
                        .collect::<Vec<_>>()
                        .join("/"),
                    other => one_str(name, key, other)?.unwrap_or_default(),
                };
                r.ssvc = Some(parse_ssvc(&text).map_err(|e| err(name, format!("`{key}`: {e}")))?);
            }
            _ => {
                return Err(err(
                    name,
                    format!("unknown field `{key}`; known fields: {}", FIELDS.join(", ")),
                ));
            }
        }
    }
    Ok(r)
}

fn is_poc_heading(h: &str) -> bool {
    let h = h.trim().trim_end_matches(':').trim().to_ascii_lowercase();
    h == "poc"
        || h.contains("proof of concept")
        || h.contains("proof-of-concept")
        || h.contains("steps to reproduce")
        || h.contains("reproduction")
}

/// Splits a body into description and proof of concept (the section under a heading —
/// Markdown `##`, or a `Steps to reproduce:` line — naming it), and takes a level-one
/// heading as the title.
fn split_body(body: &str) -> (Option<String>, String, Option<String>) {
    let mut title = None;
    let mut desc = String::new();
    let mut poc = String::new();
    let mut in_poc = false;
    let mut fence = false;
    for line in body.lines() {
        let t = line.trim_start();
        if t.starts_with("```") || t.starts_with("~~~") {
            fence = !fence;
        }
        if !fence {
            let heading = t.trim_start_matches('#');
            let is_heading = t.starts_with('#') && heading.starts_with(' ');
            if is_heading
                && t.starts_with("# ")
                && title.is_none()
                && desc.trim().is_empty()
                && !in_poc
            {
                title = Some(heading.trim().to_owned());
                continue;
            }
            let label_line = !is_heading && t.ends_with(':') && t.len() < 40;
            if is_heading || label_line {
                let h = if is_heading { heading } else { t };
                if is_poc_heading(h) {
                    in_poc = true;
                    continue;
                }
                if is_heading {
                    in_poc = false;
                }
            }
        }
        let target = if in_poc { &mut poc } else { &mut desc };
        target.push_str(line);
        target.push('\n');
    }
    let poc = Some(poc.trim().to_owned()).filter(|p| !p.is_empty());
    (title, desc.trim().to_owned(), poc)
}

fn from_markdown(name: &str, text: &str) -> Result<Report> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let (front, body) = if let Some(rest) = text
        .strip_prefix("---\n")
        .or_else(|| text.strip_prefix("---\r\n"))
    {
        let end = rest
            .match_indices("\n---")
            .find(|(i, _)| {
                let after = &rest[i + 4..];
                after.is_empty() || after.starts_with('\n') || after.starts_with("\r\n")
            })
            .map(|(i, _)| i)
            .ok_or_else(|| {
                err(
                    name,
                    "the front matter opened by `---` is never closed by a `---` line",
                )
            })?;
        let yaml = &rest[..end];
        let body = rest[end + 4..].trim_start_matches(['\r', '\n']);
        (Some(yaml), body)
    } else {
        (None, text)
    };
    let mut r = match front {
        Some(yaml) if !yaml.trim().is_empty() => {
            let v: Value = serde_saphyr::from_str(yaml)
                .map_err(|e| err(name, format!("front matter is not valid YAML: {e}")))?;
            match v {
                Value::Object(map) => from_fields(name, &map)?,
                Value::Null => Report::default(),
                _ => {
                    return Err(err(
                        name,
                        "the front matter must be a mapping of report fields",
                    ));
                }
            }
        }
        _ => Report::default(),
    };
    let (title, desc, poc) = split_body(body);
    if r.title.is_empty()
        && let Some(t) = title
    {
        r.title = t;
    }
    if r.description.is_empty() {
        r.description = desc;
    } else if !desc.is_empty() {
        r.description = format!("{}\n\n{desc}", r.description);
    }
    if r.poc.is_none() {
        r.poc = poc;
    }
    Ok(r)
}

/// Very small HTML-to-text: tags dropped, the five common entities decoded. Used only
/// when a mail has no text/plain body; the result is rendered escaped like any text.
fn html_to_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut in_tag = false;
    let mut in_script = false;
    let lower = html.to_ascii_lowercase();
    let mut i = 0;
    let bytes = html.as_bytes();
    while i < bytes.len() {
        if !in_tag && bytes[i] == b'<' {
            in_tag = true;
            let rest = &lower[i..];
            if rest.starts_with("<script") || rest.starts_with("<style") {
                in_script = true;
            } else if rest.starts_with("</script") || rest.starts_with("</style") {
                in_script = false;
            } else if rest.starts_with("<br")
                || rest.starts_with("<p")
                || rest.starts_with("</p")
                || rest.starts_with("<div")
            {
                out.push('\n');
            }
        } else if in_tag && bytes[i] == b'>' {
            in_tag = false;
        } else if !in_tag && !in_script {
            let c = html[i..].chars().next().unwrap_or(' ');
            out.push(c);
            i += c.len_utf8();
            continue;
        }
        i += 1;
    }
    out.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&nbsp;", " ")
        .replace("&amp;", "&")
}

fn from_email(name: &str, bytes: &[u8], warnings: &mut Vec<String>) -> Result<Report> {
    let lower =
        String::from_utf8_lossy(&bytes[..bytes.len().min(16 * 1024 * 1024)]).to_ascii_lowercase();
    let multiparts = lower.matches("multipart/").count();
    if multiparts > MAX_MULTIPART {
        return Err(err(
            name,
            format!(
                "{multiparts} nested multipart sections (at most {MAX_MULTIPART}): refused as a hostile message"
            ),
        ));
    }
    let mail = mailparse::parse_mail(bytes)
        .map_err(|e| err(name, format!("not a readable e-mail: {e}")))?;
    let header = |h: &str| {
        mail.headers
            .iter()
            .find(|x| x.get_key().eq_ignore_ascii_case(h))
            .map(mailparse::MailHeader::get_value)
    };
    if header("From").is_none() && header("Subject").is_none() {
        return Err(err(name, "not an e-mail: no From or Subject header"));
    }
    let mut r = Report {
        title: header("Subject").unwrap_or_default().trim().to_owned(),
        ..Report::default()
    };
    if let Some(from) = header("From") {
        match mailparse::addrparse(&from)
            .ok()
            .and_then(|l| l.extract_single_info())
        {
            Some(info) => {
                r.reporter = info
                    .display_name
                    .clone()
                    .unwrap_or_else(|| info.addr.clone());
                r.contact = Some(info.addr);
            }
            None => r.reporter = from.trim().to_owned(),
        }
    }
    if let Some(date) = header("Date") {
        match mailparse::dateparse(&date) {
            Ok(t) => r.received = t,
            Err(_) => warnings.push(format!(
                "the Date header {date:?} does not read: received is now"
            )),
        }
    }
    let mut plain: Option<String> = None;
    let mut html: Option<String> = None;
    let mut parts = Vec::new();
    collect_parts(&mail, &mut parts, 0);
    if parts.len() > MAX_PARTS {
        return Err(err(
            name,
            format!("{} MIME parts (at most {MAX_PARTS})", parts.len()),
        ));
    }
    for part in parts {
        let disp = part.get_content_disposition();
        let filename = disp
            .params
            .get("filename")
            .cloned()
            .or_else(|| part.ctype.params.get("name").cloned());
        let mime = part.ctype.mimetype.to_ascii_lowercase();
        let attachment = matches!(disp.disposition, mailparse::DispositionType::Attachment)
            || filename.is_some();
        if !attachment && mime == "text/plain" && plain.is_none() {
            plain = Some(
                part.get_body()
                    .map_err(|e| err(name, format!("a text part does not decode: {e}")))?,
            );
            continue;
        }
        if !attachment && mime == "text/html" && html.is_none() {
            html = Some(
                part.get_body()
                    .map_err(|e| err(name, format!("an HTML part does not decode: {e}")))?,
            );
            continue;
        }
        if mime.starts_with("multipart/") {
            continue;
        }
        let raw = part
            .get_body_raw()
            .map_err(|e| err(name, format!("attachment does not decode: {e}")))?;
        let digest = {
            use sha2::Digest;
            hex::encode(sha2::Sha256::digest(&raw))
        };
        let text_ok = (mime.starts_with("text/") || mime == "application/json")
            && !raw.contains(&0)
            && std::str::from_utf8(&raw).is_ok();
        let text = if text_ok {
            let t = String::from_utf8_lossy(&raw);
            if t.len() > MAX_ATTACHMENT_TEXT {
                warnings.push(format!(
                    "attachment {:?}: text cut to {MAX_ATTACHMENT_TEXT} bytes in the report (the whole message is kept)",
                    filename.as_deref().unwrap_or("unnamed")
                ));
                let mut end = MAX_ATTACHMENT_TEXT;
                while !t.is_char_boundary(end) {
                    end -= 1;
                }
                Some(t[..end].to_owned())
            } else {
                Some(t.into_owned())
            }
        } else {
            None
        };
        r.attachments.push(Attachment {
            name: filename.unwrap_or_else(|| "unnamed".to_owned()),
            content_type: mime,
            size: raw.len() as u64,
            sha256: digest,
            binary: !text_ok,
            text,
        });
    }
    let body = match (plain, html) {
        (Some(p), _) => p,
        (None, Some(h)) => {
            warnings.push("no text/plain part: the HTML part was reduced to text".to_owned());
            html_to_text(&h)
        }
        (None, None) => String::new(),
    };
    // `Key: value` lines naming report fields (Project:, Component:, CWE:, …) fill them.
    let mut fields = Map::new();
    for line in body.lines() {
        if let Some((k, v)) = line.split_once(':') {
            let k = norm_key(k);
            if matches!(
                k.as_str(),
                "project"
                    | "component"
                    | "cwe"
                    | "endpoint"
                    | "cvss"
                    | "ecosystem"
                    | "package"
                    | "introduced"
                    | "fixed_versions"
                    | "ssvc"
            ) && !v.trim().is_empty()
                && !fields.contains_key(&k)
            {
                fields.insert(k, Value::String(v.trim().to_owned()));
            }
        }
    }
    let extra = from_fields(name, &fields)?;
    r.project = extra.project;
    r.component = extra.component;
    r.cwe = extra.cwe;
    r.endpoint = extra.endpoint;
    r.cvss = extra.cvss;
    r.ecosystem = extra.ecosystem;
    r.package = extra.package;
    r.introduced = extra.introduced;
    r.fixed_versions = extra.fixed_versions;
    r.ssvc = extra.ssvc;
    let (_, desc, poc) = split_body(&body);
    r.description = desc;
    r.poc = poc;
    Ok(r)
}

fn collect_parts<'a>(
    m: &'a mailparse::ParsedMail<'a>,
    out: &mut Vec<&'a mailparse::ParsedMail<'a>>,
    depth: usize,
) {
    if out.len() > MAX_PARTS || depth > MAX_MULTIPART {
        return;
    }
    if m.subparts.is_empty() {
        out.push(m);
    } else {
        for p in &m.subparts {
            collect_parts(p, out, depth + 1);
        }
    }
}
