//! One self-contained HTML file: works offline, fetches nothing, and runs under a strict
//! Content-Security-Policy (`default-src 'none'`; the one stylesheet and the one script
//! are allowed by their SHA-256 hashes, so an injected `<script>` or `style` attribute
//! would not run even if escaping failed).
//!
//! Every finding is rendered server-side as a table row (the report is complete without
//! JavaScript); the script only filters, sorts and groups those rows, reading their
//! `data-*` attributes. Charts are inline SVG: findings by severity, and findings over
//! time when trend data is given (the findings store feeds [`TrendPoint`]s).

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::io::Write;

use palisade_engine::finding::{DiagnosticLevel, Finding, Location, Severity};
use sha2::{Digest, Sha256};

use crate::text::location_label;
use crate::{Report, ReportError};

/// Counts of open findings by severity on one day, for the trend chart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrendPoint {
    /// A label for the x axis, e.g. `2026-11-29`.
    pub date: String,
    /// Findings by severity, in [`Severity::ALL`] order (info first).
    pub counts: [u64; 5],
}

/// Options of the HTML report.
#[derive(Debug, Clone, Default)]
pub struct HtmlOptions {
    /// The title shown at the top (default: `palisade report`).
    pub title: Option<String>,
    /// History for the trend chart, oldest first; no chart when empty.
    pub trend: Vec<TrendPoint>,
    /// The grouping selected when the report opens: `owner`, `sev`, `engine` or `rule`.
    pub group: Option<String>,
}

const STYLE: &str = r#"
:root{--fg:#1b1f24;--muted:#57606a;--line:#d0d7de;--bg:#fff;--head:#f6f8fa}
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;color:var(--fg);background:var(--bg);margin:0 auto;padding:1.5rem;max-width:1400px}
h1{font-size:1.5rem;margin:0 0 .25rem}
h2{font-size:1.1rem;margin:1.5rem 0 .5rem}
.meta{color:var(--muted);margin:0 0 1rem}
.charts{display:flex;flex-wrap:wrap;gap:2rem}
figure{margin:0}
figcaption{font-weight:600;margin-bottom:.25rem}
svg text{font:12px system-ui,sans-serif;fill:var(--fg)}
.axis{stroke:var(--line)}
.controls{display:flex;flex-wrap:wrap;gap:.5rem;align-items:center;margin:1rem 0;position:sticky;top:0;background:var(--bg);padding:.5rem 0}
input,select{font:inherit;padding:.2rem .4rem}
table{border-collapse:collapse;width:100%}
th,td{border-bottom:1px solid var(--line);padding:.35rem .5rem;text-align:left;vertical-align:top}
th{background:var(--head);position:sticky;top:2.75rem}
th[data-key]{cursor:pointer;user-select:none}
th[aria-sort=ascending]::after{content:" \25B2"}
th[aria-sort=descending]::after{content:" \25BC"}
tr.group td{background:var(--head);font-weight:600}
code,pre{font:12px ui-monospace,SFMono-Regular,Menlo,monospace}
pre{white-space:pre-wrap;word-break:break-all;background:var(--head);padding:.5rem;margin:.25rem 0}
.sev{font-weight:600;text-transform:uppercase;font-size:12px}
.s4{color:#a40e26;fill:#a40e26}.s3{color:#bc4c00;fill:#cf222e}.s2{color:#9a6700;fill:#d4a72c}.s1{color:#0969da;fill:#54aeff}.s0{color:#57606a;fill:#8c959f}
line.s4,polyline.s4{stroke:#a40e26}line.s3,polyline.s3{stroke:#cf222e}line.s2,polyline.s2{stroke:#d4a72c}line.s1,polyline.s1{stroke:#54aeff}line.s0,polyline.s0{stroke:#8c959f}
polyline{fill:none;stroke-width:2}
.small{color:var(--muted);font-size:12px}
"#;

/// Filters, sorts and groups the rows of `#findings`. Reads only `data-*` attributes and
/// text, writes only `textContent` and DOM nodes: no `innerHTML`, no `eval`.
const SCRIPT: &str = r##"
(function(){
"use strict";
var tbody=document.querySelector("#findings tbody");
var rows=Array.prototype.slice.call(tbody.querySelectorAll("tr.f"));
var q=document.getElementById("q"),sev=document.getElementById("sev"),eng=document.getElementById("eng"),grp=document.getElementById("group"),count=document.getElementById("count");
var sortKey="sev",sortDir=-1;
function key(r,k){
 if(k==="sev")return Number(r.dataset.sev);
 if(k==="path")return r.dataset.path+"\u0000"+("0000000000"+r.dataset.line).slice(-10);
 return r.dataset[k]||"";
}
function groupsOf(r,k){
 if(k==="owner"){var o=r.dataset.owner;return o?o.split(" "):["(no owner)"];}
 if(k==="sev")return [r.dataset.sevname];
 if(k==="engine")return [r.dataset.engine];
 if(k==="rule")return [r.dataset.rule];
 return [""];
}
function render(){
 var text=q.value.toLowerCase(),s=sev.value,e=eng.value,g=grp.value;
 var shown=rows.filter(function(r){
  if(s!==""&&Number(r.dataset.sev)<Number(s))return false;
  if(e!==""&&r.dataset.engine!==e)return false;
  return text===""||r.textContent.toLowerCase().indexOf(text)>=0;
 });
 shown.sort(function(a,b){var x=key(a,sortKey),y=key(b,sortKey);return x<y?-sortDir:x>y?sortDir:0;});
 while(tbody.firstChild)tbody.removeChild(tbody.firstChild);
 if(g===""){shown.forEach(function(r){tbody.appendChild(r);});}
 else{
  var groups={},names=[],used=new Set();
  shown.forEach(function(r){groupsOf(r,g).forEach(function(n){if(!groups[n]){groups[n]=[];names.push(n);}groups[n].push(r);});});
  if(g==="sev"){names.sort(function(a,b){return Number(groups[b][0].dataset.sev)-Number(groups[a][0].dataset.sev);});}
  else{names.sort(function(a,b){if(a==="(no owner)")return 1;if(b==="(no owner)")return -1;return a<b?-1:a>b?1:0;});}
  names.forEach(function(n){
   var h=document.createElement("tr");h.className="group";var td=document.createElement("td");td.colSpan=5;
   td.textContent=n+" ("+groups[n].length+")";h.appendChild(td);tbody.appendChild(h);
   groups[n].forEach(function(r){tbody.appendChild(used.has(r)?r.cloneNode(true):r);used.add(r);});
  });
 }
 count.textContent=shown.length+" of "+rows.length+" finding(s) shown";
 Array.prototype.forEach.call(document.querySelectorAll("th[data-key]"),function(th){
  if(th.dataset.key===sortKey)th.setAttribute("aria-sort",sortDir<0?"descending":"ascending");else th.removeAttribute("aria-sort");
 });
}
Array.prototype.forEach.call(document.querySelectorAll("th[data-key]"),function(th){
 th.addEventListener("click",function(){var k=th.dataset.key;if(k===sortKey)sortDir=-sortDir;else{sortKey=k;sortDir=k==="sev"?-1:1;}render();});
});
[q,sev,eng,grp].forEach(function(el){el.addEventListener("input",render);el.addEventListener("change",render);});
render();
})();
"##;

/// Escapes text for HTML element content and quoted attribute values.
pub(crate) fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            // Control characters (other than tab and newline) are not valid HTML text.
            c if c.is_control() && c != '\n' && c != '\t' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

/// `'sha256-…'` of a CSP source expression.
fn csp_hash(s: &str) -> String {
    format!("'sha256-{}'", base64(&Sha256::digest(s.as_bytes())))
}

fn base64(bytes: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(A[((n >> (18 - 6 * i)) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
pub(crate) fn base64_for_tests(bytes: &[u8]) -> String {
    base64(bytes)
}

/// The Content-Security-Policy of the report.
pub fn content_security_policy() -> String {
    format!(
        "default-src 'none'; style-src {}; script-src {}; img-src 'none'; base-uri 'none'; form-action 'none'",
        csp_hash(STYLE),
        csp_hash(SCRIPT)
    )
}

fn sev_index(s: Severity) -> usize {
    Severity::ALL.iter().position(|x| *x == s).unwrap_or(0)
}

fn severity_chart(findings: &[Finding], out: &mut String) {
    let mut counts = [0u64; 5];
    for f in findings {
        counts[sev_index(f.severity)] += 1;
    }
    let max = counts.iter().copied().max().unwrap_or(0).max(1);
    let (w, bar_h, label_w) = (360u64, 22u64, 80u64);
    let h = bar_h * 5 + 10;
    let _ = write!(
        out,
        "<figure><figcaption>Findings by severity</figcaption><svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{}\" height=\"{h}\" role=\"img\" aria-label=\"findings by severity\">",
        w + label_w + 60
    );
    for (row, s) in Severity::ALL.iter().rev().enumerate() {
        let i = sev_index(*s);
        let y = row as u64 * bar_h + 5;
        let len = counts[i] * w / max;
        let _ = write!(
            out,
            "<text x=\"0\" y=\"{}\">{}</text><rect class=\"s{i}\" x=\"{label_w}\" y=\"{y}\" width=\"{len}\" height=\"{}\"><title>{}: {}</title></rect><text x=\"{}\" y=\"{}\">{}</text>",
            y + 15,
            s.as_str(),
            bar_h - 6,
            s.as_str(),
            counts[i],
            label_w + len + 6,
            y + 15,
            counts[i]
        );
    }
    out.push_str("</svg></figure>");
}

fn trend_chart(trend: &[TrendPoint], out: &mut String) {
    if trend.is_empty() {
        return;
    }
    let (w, h, left, bottom, top) = (480u64, 200u64, 40u64, 30u64, 10u64);
    let max = trend
        .iter()
        .flat_map(|p| p.counts.iter().copied())
        .max()
        .unwrap_or(0)
        .max(1);
    let plot_h = h - bottom - top;
    let n = trend.len() as u64;
    let x_of = |i: u64| {
        if n <= 1 {
            left + (w - left) / 2
        } else {
            left + i * (w - left - 10) / (n - 1)
        }
    };
    let y_of = |c: u64| top + plot_h - c * plot_h / max;
    let _ = write!(
        out,
        "<figure><figcaption>Open findings over time</figcaption><svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{h}\" role=\"img\" aria-label=\"open findings over time\"><line class=\"axis\" x1=\"{left}\" y1=\"{top}\" x2=\"{left}\" y2=\"{}\"/><line class=\"axis\" x1=\"{left}\" y1=\"{}\" x2=\"{w}\" y2=\"{}\"/><text x=\"0\" y=\"{}\">{max}</text><text x=\"0\" y=\"{}\">0</text>",
        top + plot_h,
        top + plot_h,
        top + plot_h,
        top + 10,
        top + plot_h
    );
    for s in Severity::ALL.iter().rev() {
        let i = sev_index(*s);
        if trend.iter().all(|p| p.counts[i] == 0) {
            continue;
        }
        let points: Vec<String> = trend
            .iter()
            .enumerate()
            .map(|(k, p)| format!("{},{}", x_of(k as u64), y_of(p.counts[i])))
            .collect();
        let _ = write!(
            out,
            "<polyline class=\"s{i}\" points=\"{}\"><title>{}</title></polyline>",
            points.join(" "),
            s.as_str()
        );
    }
    if let (Some(first), Some(last)) = (trend.first(), trend.last()) {
        let _ = write!(
            out,
            "<text x=\"{left}\" y=\"{}\">{}</text>",
            h - 8,
            esc(&first.date)
        );
        if trend.len() > 1 {
            let _ = write!(
                out,
                "<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>",
                w,
                h - 8,
                esc(&last.date)
            );
        }
    }
    out.push_str("</svg></figure>");
}

fn row(f: &Finding, out: &mut String) {
    let i = sev_index(f.severity);
    let loc = f.primary().map(location_label).unwrap_or_default();
    let owners = f.owners.join(" ");
    let _ = write!(
        out,
        "<tr class=\"f\" data-sev=\"{i}\" data-sevname=\"{}\" data-engine=\"{}\" data-rule=\"{}\" data-path=\"{}\" data-line=\"{}\" data-owner=\"{}\" data-fp=\"{}\">",
        f.severity.as_str(),
        esc(f.rule.engine()),
        esc(f.rule.as_str()),
        esc(f.path()),
        f.line(),
        esc(&owners),
        esc(&f.fingerprint.0),
    );
    let _ = write!(
        out,
        "<td class=\"sev s{i}\">{}</td><td><code>{}</code></td><td><code>{}</code>",
        f.severity.as_str(),
        esc(f.rule.as_str()),
        esc(&loc)
    );
    if f.locations.len() > 1 {
        let _ = write!(
            out,
            " <span class=\"small\">(+{} more)</span>",
            f.locations.len() - 1
        );
    }
    let _ = write!(
        out,
        "</td><td>{}</td><td>{}<details><summary class=\"small\">details</summary>",
        if owners.is_empty() {
            "<span class=\"small\">(no owner)</span>".to_string()
        } else {
            esc(&owners)
        },
        esc(&f.message)
    );
    if let Some(s) = &f.snippet {
        let _ = write!(out, "<pre>{}</pre>", esc(&s.text));
    }
    if f.locations.len() > 1 {
        out.push_str("<ul>");
        for l in &f.locations {
            let extra = match l {
                Location::File { git: Some(g), .. } => {
                    format!(" (commit {} by {})", g.commit, g.author)
                }
                _ => String::new(),
            };
            let _ = write!(
                out,
                "<li><code>{}</code>{}</li>",
                esc(&location_label(l)),
                esc(&extra)
            );
        }
        out.push_str("</ul>");
    }
    if let Some(fix) = &f.fix {
        let _ = write!(out, "<p>Fix: {}</p>", esc(&fix.description));
    }
    let _ = write!(
        out,
        "<p class=\"small\">confidence {} · fingerprint <code>{}</code></p></details></td></tr>",
        f.confidence.as_str(),
        esc(&f.fingerprint.0)
    );
}

pub(crate) fn render(
    r: &Report<'_>,
    opts: &HtmlOptions,
    out: &mut dyn Write,
) -> Result<(), ReportError> {
    let title = opts.title.as_deref().unwrap_or("palisade report");
    let mut s = String::with_capacity(4096 + r.findings.len() * 700);
    let _ = write!(
        s,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta http-equiv=\"Content-Security-Policy\" content=\"{}\">\n<meta name=\"referrer\" content=\"no-referrer\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n",
        content_security_policy(),
        esc(title)
    );
    let _ = write!(
        s,
        "<h1>{}</h1>\n<p class=\"meta\">{} finding(s) · {} file(s) scanned, {} skipped · {} suppressed inline · {} hidden by the baseline · palisade {}</p>\n",
        esc(title),
        r.findings.len(),
        r.summary.files_scanned,
        r.summary.files_skipped,
        r.summary.suppressed,
        r.summary.baselined,
        esc(r.tool_version)
    );
    s.push_str("<section class=\"charts\">");
    severity_chart(r.findings, &mut s);
    trend_chart(&opts.trend, &mut s);
    s.push_str("</section>\n");

    let engines: BTreeSet<&str> = r.findings.iter().map(|f| f.rule.engine()).collect();
    s.push_str("<h2>Findings</h2>\n<div class=\"controls\"><input id=\"q\" type=\"search\" placeholder=\"Filter (rule, path, message, owner)\" aria-label=\"filter\"> <select id=\"sev\" aria-label=\"minimum severity\"><option value=\"\">any severity</option>");
    for sv in Severity::ALL.iter().rev() {
        let _ = write!(
            s,
            "<option value=\"{}\">{} and above</option>",
            sev_index(*sv),
            sv.as_str()
        );
    }
    s.push_str("</select> <select id=\"eng\" aria-label=\"engine\"><option value=\"\">every engine</option>");
    for e in &engines {
        let _ = write!(s, "<option value=\"{0}\">{0}</option>", esc(e));
    }
    s.push_str("</select> <select id=\"group\" aria-label=\"group by\"><option value=\"\">no grouping</option>");
    for (value, label) in [
        ("owner", "group by owner"),
        ("sev", "group by severity"),
        ("engine", "group by engine"),
        ("rule", "group by rule"),
    ] {
        let selected = if opts.group.as_deref() == Some(value) {
            " selected"
        } else {
            ""
        };
        let _ = write!(s, "<option value=\"{value}\"{selected}>{label}</option>");
    }
    s.push_str("</select> <span id=\"count\" class=\"small\"></span></div>\n");
    s.push_str("<table id=\"findings\">\n<thead><tr><th data-key=\"sev\">Severity</th><th data-key=\"rule\">Rule</th><th data-key=\"path\">Location</th><th data-key=\"owner\">Owners</th><th>Message</th></tr></thead>\n<tbody>\n");
    // Most severe first, as the script sorts by default.
    let mut order: Vec<&Finding> = r.findings.iter().collect();
    order.sort_by_key(|f| std::cmp::Reverse(f.severity));
    for f in order {
        row(f, &mut s);
        s.push('\n');
    }
    s.push_str("</tbody>\n</table>\n<noscript><p class=\"small\">Filtering, sorting and grouping need JavaScript; every finding is listed above.</p></noscript>\n");

    let diags: Vec<_> = r
        .diagnostics
        .iter()
        .filter(|d| d.level != DiagnosticLevel::Skip)
        .collect();
    if !diags.is_empty() {
        let _ = write!(s, "<h2>Diagnostics ({})</h2>\n<ul>\n", diags.len());
        for d in diags {
            let _ = writeln!(s, "<li>{}</li>", esc(&d.to_string()));
        }
        s.push_str("</ul>\n");
    }
    let _ = write!(s, "<script>{SCRIPT}</script>\n</body>\n</html>\n");
    out.write_all(s.as_bytes())?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::base64;

    #[test]
    fn base64_matches_rfc4648_vectors() {
        assert_eq!(base64(b""), "");
        assert_eq!(base64(b"f"), "Zg==");
        assert_eq!(base64(b"fo"), "Zm8=");
        assert_eq!(base64(b"foo"), "Zm9v");
        assert_eq!(base64(b"foob"), "Zm9vYg==");
        assert_eq!(base64(b"fooba"), "Zm9vYmE=");
        assert_eq!(base64(b"foobar"), "Zm9vYmFy");
    }
}
