//! What a page links to and contains, read with html5ever's tokenizer (the WHATWG tokenizer
//! browsers implement: malformed markup is read the way a browser reads it, never an error).

use std::cell::RefCell;
use std::sync::LazyLock;

use html5ever::tendril::StrTendril;
use html5ever::tokenizer::states::RawKind;
use html5ever::tokenizer::{
    BufferQueue, Tag, TagKind, Token, TokenSink, TokenSinkResult, Tokenizer, TokenizerOpts,
};
use regex::Regex;

/// A form and its fields.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Form {
    pub action: Option<String>,
    /// Lower-case; `get` when absent.
    pub method: String,
    pub fields: Vec<Field>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Field {
    pub name: String,
    pub kind: String,
    pub value: String,
}

/// A script or stylesheet reference.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subresource {
    pub tag: String,
    pub url: String,
    pub integrity: bool,
}

/// A `target=_blank` link.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlankLink {
    pub href: String,
    pub rel: String,
}

/// Everything palisade reads from one HTML page.
#[derive(Debug, Clone, Default)]
pub struct Page {
    /// Every URL the page points at (links, frames, images, srcset candidates, scripts,
    /// styles, form actions, meta refresh), as written.
    pub links: Vec<String>,
    pub subresources: Vec<Subresource>,
    pub forms: Vec<Form>,
    pub comments: Vec<String>,
    pub inline_scripts: Vec<String>,
    pub blank_links: Vec<BlankLink>,
    pub title: String,
    /// Start tags whose name begins with `pal` (palisade's XSS probes), as the tokenizer saw them.
    pub probe_tags: Vec<String>,
    /// Attribute names beginning with `onpal` (palisade's attribute-context probes).
    pub probe_attrs: Vec<String>,
}

#[derive(Default)]
struct State {
    page: Page,
    in_form: bool,
    in_script: bool,
    in_title: bool,
    script_text: String,
    tags: usize,
}

struct Sink {
    state: RefCell<State>,
}

const MAX_TAGS: usize = 200_000;

fn attr<'a>(tag: &'a Tag, name: &str) -> Option<&'a str> {
    tag.attrs
        .iter()
        .find(|a| &*a.name.local == name)
        .map(|a| &*a.value)
}

impl TokenSink for Sink {
    type Handle = ();

    fn process_token(&self, token: Token, _line: u64) -> TokenSinkResult<()> {
        let mut st = self.state.borrow_mut();
        match token {
            Token::TagToken(tag) => {
                st.tags += 1;
                if st.tags > MAX_TAGS {
                    return TokenSinkResult::Continue;
                }
                let name: &str = &tag.name;
                if tag.kind == TagKind::EndTag {
                    match name {
                        "form" => st.in_form = false,
                        "script" => {
                            st.in_script = false;
                            let text = std::mem::take(&mut st.script_text);
                            if !text.trim().is_empty() {
                                st.page.inline_scripts.push(text);
                            }
                        }
                        "title" => st.in_title = false,
                        _ => {}
                    }
                    return TokenSinkResult::Continue;
                }
                start_tag(&mut st, &tag)
            }
            Token::CommentToken(c) => {
                st.page.comments.push(c.to_string());
                TokenSinkResult::Continue
            }
            Token::CharacterTokens(t) => {
                if st.in_script && st.script_text.len() < 1 << 20 {
                    st.script_text.push_str(&t);
                } else if st.in_title && st.page.title.len() < 500 {
                    st.page.title.push_str(&t);
                }
                TokenSinkResult::Continue
            }
            _ => TokenSinkResult::Continue,
        }
    }
}

fn start_tag(st: &mut State, tag: &Tag) -> TokenSinkResult<()> {
    let name: &str = &tag.name;
    let page = &mut st.page;
    if name.starts_with("pal") && page.probe_tags.len() < 100 {
        page.probe_tags.push(name.to_owned());
    }
    for a in &tag.attrs {
        if a.name.local.starts_with("onpal") && page.probe_attrs.len() < 100 {
            page.probe_attrs.push(a.name.local.to_string());
        }
    }
    for a in ["href", "src", "data-src", "poster"] {
        if let Some(v) = attr(tag, a)
            && !v.trim().is_empty()
            && !matches!(name, "base")
        {
            page.links.push(v.trim().to_owned());
        }
    }
    if let Some(set) = attr(tag, "srcset").or_else(|| attr(tag, "imagesrcset")) {
        for cand in set.split(',') {
            if let Some(u) = cand.split_whitespace().next() {
                page.links.push(u.to_owned());
            }
        }
    }
    match name {
        "script" => {
            if let Some(src) = attr(tag, "src") {
                page.subresources.push(Subresource {
                    tag: "script".into(),
                    url: src.trim().to_owned(),
                    integrity: attr(tag, "integrity").is_some_and(|v| !v.trim().is_empty()),
                });
            }
            st.in_script = true;
            st.script_text.clear();
            return TokenSinkResult::RawData(RawKind::ScriptData);
        }
        "style" => return TokenSinkResult::RawData(RawKind::Rawtext),
        "textarea" => {
            if st.in_form
                && let (Some(f), Some(n)) = (page.forms.last_mut(), attr(tag, "name"))
            {
                f.fields.push(Field {
                    name: n.to_owned(),
                    kind: "textarea".into(),
                    value: String::new(),
                });
            }
            return TokenSinkResult::RawData(RawKind::Rcdata);
        }
        "title" => {
            st.in_title = true;
            return TokenSinkResult::RawData(RawKind::Rcdata);
        }
        "link" => {
            let rel = attr(tag, "rel").unwrap_or("").to_ascii_lowercase();
            if rel.contains("stylesheet")
                && let Some(h) = attr(tag, "href")
            {
                page.subresources.push(Subresource {
                    tag: "link".into(),
                    url: h.trim().to_owned(),
                    integrity: attr(tag, "integrity").is_some_and(|v| !v.trim().is_empty()),
                });
            }
        }
        "img" | "iframe" | "frame" | "embed" | "audio" | "video" | "source" => {
            if let Some(s) = attr(tag, "src") {
                page.subresources.push(Subresource {
                    tag: name.to_owned(),
                    url: s.trim().to_owned(),
                    integrity: true,
                });
            }
        }
        "a" | "area" => {
            if attr(tag, "target").is_some_and(|t| t.eq_ignore_ascii_case("_blank"))
                && let Some(h) = attr(tag, "href")
            {
                page.blank_links.push(BlankLink {
                    href: h.trim().to_owned(),
                    rel: attr(tag, "rel").unwrap_or("").to_ascii_lowercase(),
                });
            }
        }
        "form" => {
            st.in_form = true;
            let action = attr(tag, "action").map(|a| a.trim().to_owned());
            if let Some(a) = &action
                && !a.is_empty()
            {
                page.links.push(a.clone());
            }
            page.forms.push(Form {
                action,
                method: attr(tag, "method")
                    .unwrap_or("get")
                    .trim()
                    .to_ascii_lowercase(),
                fields: Vec::new(),
            });
        }
        "input" | "select" | "button" => {
            if st.in_form
                && let (Some(f), Some(n)) = (page.forms.last_mut(), attr(tag, "name"))
                && f.fields.len() < 200
            {
                f.fields.push(Field {
                    name: n.to_owned(),
                    kind: attr(tag, "type")
                        .unwrap_or(if name == "input" { "text" } else { name })
                        .to_ascii_lowercase(),
                    value: attr(tag, "value").unwrap_or("").to_owned(),
                });
            }
        }
        "meta" => {
            if attr(tag, "http-equiv").is_some_and(|h| h.eq_ignore_ascii_case("refresh"))
                && let Some(c) = attr(tag, "content")
                && let Some(i) = c.to_ascii_lowercase().find("url=")
            {
                let u = c[i + 4..].trim().trim_matches(['\'', '"']);
                page.links.push(u.to_owned());
            }
        }
        _ => {}
    }
    TokenSinkResult::Continue
}

/// Reads a page. Never fails: broken markup is read as a browser would.
pub fn parse(text: &str) -> Page {
    let sink = Sink {
        state: RefCell::new(State::default()),
    };
    let tok = Tokenizer::new(sink, TokenizerOpts::default());
    let queue = BufferQueue::default();
    queue.push_back(StrTendril::from_slice(text));
    let _ = tok.feed(&queue);
    tok.end();
    let mut st = tok.sink.state.take();
    if st.in_script && !st.script_text.trim().is_empty() {
        let text = std::mem::take(&mut st.script_text);
        st.page.inline_scripts.push(text);
    }
    st.page
}

static URL_LITERAL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"["'`]((?:https?://[A-Za-z0-9.\-:\[\]]+)?/[A-Za-z0-9_\-./~%]*(?:\?[A-Za-z0-9_\-.=&%+]*)?)["'`]"#)
        .expect("static regex")
});

/// URL literals (absolute, or paths starting with `/`) in script source.
pub fn script_urls(js: &str) -> Vec<String> {
    let mut out = Vec::new();
    for c in URL_LITERAL.captures_iter(js).take(2000) {
        let u = &c[1];
        // `/` alone, regex literals and comments are noise.
        if u.len() > 1 && !u.starts_with("//") {
            out.push(u.to_owned());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_links_forms_srcset_scripts_and_comments() {
        let p = parse(
            r#"<html><head><title>T</title><script src="/app.js" integrity="sha384-x"></script>
            <script>fetch("/api/items?page=1"); var x = '/static/logo.png';</script></head>
            <body><!-- TODO secret --><a href="/a?x=1">a</a><img srcset="/s1.png 1x, /s2.png 2x">
            <form method=POST action="/login"><input name=user><input type=password name=pw>
            <textarea name=note></textarea></form><a href="https://o.example" target=_blank>o</a>"#,
        );
        assert_eq!(p.title, "T");
        for l in ["/app.js", "/a?x=1", "/s1.png", "/s2.png", "/login"] {
            assert!(p.links.iter().any(|x| x == l), "{l} in {:?}", p.links);
        }
        assert_eq!(p.forms.len(), 1);
        assert_eq!(p.forms[0].method, "post");
        let names: Vec<&str> = p.forms[0].fields.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, ["user", "pw", "note"]);
        assert_eq!(p.comments, [" TODO secret "]);
        assert!(p.subresources[0].integrity);
        let js = script_urls(&p.inline_scripts[0]);
        assert_eq!(js, ["/api/items?page=1", "/static/logo.png"]);
        assert_eq!(p.blank_links.len(), 1);
    }

    #[test]
    fn malformed_and_binary_input_is_read_without_panic() {
        let p = parse("<a href='/x'<<form><input name=a><<script>unterminated");
        assert!(p.links.iter().any(|l| l == "/x"));
        let junk: String = (0..5000u32)
            .map(|i| char::from_u32(i % 0x2FF).unwrap_or('?'))
            .collect();
        let _ = parse(&junk);
        let deep = "<div>".repeat(100_000);
        let _ = parse(&deep);
    }
}
