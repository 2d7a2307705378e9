//! HTML building blocks: escaping, the page frame, and the trend chart (SVG drawn on the
//! server: no script, no inline style).

use std::fmt::Write;

use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};

use crate::security::Session;

/// Escapes text for element content and quoted attribute values.
pub(crate) fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Percent-encodes a query value.
pub(crate) fn url_enc(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

pub(crate) const SEVERITIES: [&str; 5] = ["info", "low", "medium", "high", "critical"];

pub(crate) fn sev_badge(i: usize) -> String {
    let name = SEVERITIES.get(i).copied().unwrap_or("info");
    format!("<span class=\"sev s{i}\">{name}</span>")
}

/// A whole page around `body`.
pub(crate) fn page(title: &str, who: Option<&Session>, body: &str) -> Response {
    let mut h = String::with_capacity(body.len() + 2048);
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<meta name=\"referrer\" content=\"same-origin\">\n<title>{} · palisade</title>\n<link rel=\"stylesheet\" href=\"/static/app.css\">\n<script src=\"/static/app.js\" defer></script>\n</head>\n<body>\n<header class=\"top\"><a class=\"brand\" href=\"/\">palisade</a>",
        esc(title)
    );
    if let Some(s) = who {
        h.push_str("<nav><a href=\"/\">Projects</a><a href=\"/findings\">Findings</a><a href=\"/me\">My findings</a><a href=\"/deps\">Dependencies</a>");
        if s.role == palisade_store::Role::Admin {
            h.push_str("<a href=\"/admin\">Admin</a>");
        }
        let _ = write!(
            h,
            "</nav><form class=\"logout\" method=\"post\" action=\"/logout\"><input type=\"hidden\" name=\"csrf\" value=\"{}\"><span class=\"who\">{} ({})</span> <button type=\"submit\">Log out</button></form>",
            esc(&s.csrf),
            esc(&s.display),
            s.role.as_str()
        );
    }
    h.push_str("</header>\n<main>\n");
    h.push_str(body);
    h.push_str("\n</main>\n</body>\n</html>\n");
    let mut r = h.into_response();
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    r
}

/// A line chart of open findings per severity over time (points oldest first).
pub(crate) fn trend_svg(points: &[(String, [u64; 5])]) -> String {
    if points.is_empty() {
        return "<p class=\"small\">No scans with a trend yet.</p>".into();
    }
    let (w, hgt, pad) = (640.0_f64, 180.0_f64, 30.0_f64);
    let max = points
        .iter()
        .flat_map(|(_, c)| c.iter())
        .copied()
        .max()
        .unwrap_or(0)
        .max(1) as f64;
    let n = points.len();
    let x = |i: usize| {
        if n == 1 {
            pad + (w - 2.0 * pad) / 2.0
        } else {
            pad + (w - 2.0 * pad) * i as f64 / (n - 1) as f64
        }
    };
    let y = |v: u64| hgt - pad - (hgt - 2.0 * pad) * v as f64 / max;
    let mut s = format!(
        "<svg class=\"trend\" viewBox=\"0 0 {w} {hgt}\" width=\"{w}\" height=\"{hgt}\" role=\"img\" aria-label=\"Open findings over time\">"
    );
    let _ = write!(
        s,
        "<line class=\"axis\" x1=\"{pad}\" y1=\"{0}\" x2=\"{1}\" y2=\"{0}\"/><text x=\"2\" y=\"{2}\">{max}</text><text x=\"2\" y=\"{0}\">0</text>",
        hgt - pad,
        w - pad,
        pad + 4.0
    );
    for sev in (0..5).rev() {
        let pts: Vec<String> = points
            .iter()
            .enumerate()
            .map(|(i, (_, c))| format!("{:.1},{:.1}", x(i), y(c[sev])))
            .collect();
        if points.iter().all(|(_, c)| c[sev] == 0) {
            continue;
        }
        let _ = write!(
            s,
            "<polyline class=\"s{sev}\" points=\"{}\"><title>{}</title></polyline>",
            pts.join(" "),
            SEVERITIES[sev]
        );
    }
    if let (Some(first), Some(last)) = (points.first(), points.last()) {
        let _ = write!(
            s,
            "<text x=\"{pad}\" y=\"{}\">{}</text><text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>",
            hgt - 8.0,
            esc(&first.0),
            w - pad,
            hgt - 8.0,
            esc(&last.0)
        );
    }
    s.push_str("</svg>");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup() {
        assert_eq!(
            esc("<a href=\"x\">'&'</a>"),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;"
        );
        assert_eq!(url_enc("a b&c/"), "a+b%26c%2F");
    }

    #[test]
    fn trend_draws_a_line_per_present_severity() {
        let svg = trend_svg(&[
            ("2026-01-01".into(), [0, 0, 1, 2, 0]),
            ("2026-01-02".into(), [0, 0, 0, 1, 0]),
        ]);
        assert_eq!(svg.matches("<polyline").count(), 2);
        assert!(svg.contains("2026-01-02"));
        assert!(!svg.contains("style="));
    }
}
