//! A small element tree over `quick-xml`'s pull parser, bounded in depth, with the line of
//! each element. No DTD, no external entities: only the five predefined entities and
//! character references are expanded.

use quick_xml::Reader;
use quick_xml::events::Event;

use crate::text::LineIndex;
use crate::{Cx, LockfileError};

/// How deep elements may nest (a real pom.xml needs about 8).
const MAX_DEPTH: usize = 256;

#[derive(Debug, Default, Clone)]
pub(crate) struct Element {
    pub(crate) name: String,
    pub(crate) attrs: Vec<(String, String)>,
    pub(crate) text: String,
    pub(crate) children: Vec<Element>,
    pub(crate) line: u32,
}

impl Element {
    pub(crate) fn child(&self, name: &str) -> Option<&Element> {
        self.children.iter().find(|c| c.name == name)
    }

    pub(crate) fn children<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Element> + 'a {
        self.children.iter().filter(move |c| c.name == name)
    }

    /// The trimmed text of the child `name`, if present and non-empty.
    pub(crate) fn child_text(&self, name: &str) -> Option<&str> {
        self.child(name)
            .map(|c| c.text.trim())
            .filter(|t| !t.is_empty())
    }

    pub(crate) fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// `a/b/c` below this element (first match at each step).
    pub(crate) fn path(&self, path: &str) -> Option<&Element> {
        let mut cur = self;
        for seg in path.split('/') {
            cur = cur.child(seg)?;
        }
        Some(cur)
    }
}

fn local(name: &[u8]) -> String {
    let n = name.rsplit(|&b| b == b':').next().unwrap_or(name);
    String::from_utf8_lossy(n).into_owned()
}

/// Parses a document into its root element.
pub(crate) fn parse(cx: &Cx<'_>, text: &str) -> Result<Element, LockfileError> {
    let index = LineIndex::new(text.as_bytes());
    let mut reader = Reader::from_str(text);
    reader.config_mut().check_end_names = true;
    let mut stack: Vec<Element> = vec![Element::default()];
    let line_at = |pos: u64| index.line(usize::try_from(pos).unwrap_or(usize::MAX));
    loop {
        let before = reader.buffer_position();
        let ev = reader.read_event().map_err(|e| {
            let pos = reader.error_position();
            cx.err(Some(line_at(pos)), format!("invalid XML: {e}"))
        })?;
        match ev {
            Event::Start(ref e) | Event::Empty(ref e) => {
                if stack.len() > MAX_DEPTH {
                    return Err(cx.err(
                        Some(line_at(before)),
                        format!("XML nested deeper than {MAX_DEPTH} elements"),
                    ));
                }
                let mut el = Element {
                    name: local(e.name().as_ref()),
                    line: line_at(before + leading_ws(text, before)),
                    ..Element::default()
                };
                for a in e.attributes().with_checks(false).flatten() {
                    let v = a
                        .unescape_value()
                        .map(|v| v.into_owned())
                        .unwrap_or_default();
                    el.attrs.push((local(a.key.as_ref()), v));
                }
                stack.push(el);
                if matches!(ev, Event::Empty(_)) {
                    close(&mut stack);
                }
            }
            Event::End(_) => close(&mut stack),
            Event::Text(t) => {
                if let (Some(top), Ok(s)) = (stack.last_mut(), t.decode()) {
                    top.text.push_str(&s);
                }
            }
            Event::CData(t) => {
                if let (Some(top), Ok(s)) = (stack.last_mut(), t.decode()) {
                    top.text.push_str(&s);
                }
            }
            Event::GeneralRef(r) => {
                let s = match r.resolve_char_ref() {
                    Ok(Some(c)) => c.to_string(),
                    _ => match r.decode().as_deref() {
                        Ok("amp") => "&".into(),
                        Ok("lt") => "<".into(),
                        Ok("gt") => ">".into(),
                        Ok("quot") => "\"".into(),
                        Ok("apos") => "'".into(),
                        _ => String::new(),
                    },
                };
                if let Some(top) = stack.last_mut() {
                    top.text.push_str(&s);
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if stack.len() > 1 {
        let (name, line) = stack
            .last()
            .map(|e| (e.name.clone(), e.line))
            .unwrap_or_default();
        return Err(cx.err(
            Some(line),
            format!("truncated XML: <{name}> is not closed at the end of the file"),
        ));
    }
    let doc = stack.pop().unwrap_or_default();
    doc.children
        .into_iter()
        .next()
        .ok_or_else(|| cx.err(Some(1), "no XML root element"))
}

fn leading_ws(text: &str, pos: u64) -> u64 {
    let start = usize::try_from(pos).unwrap_or(usize::MAX);
    let ws = text
        .get(start..)
        .map_or(0, |s| s.len() - s.trim_start().len());
    u64::try_from(ws).unwrap_or(0)
}

fn close(stack: &mut Vec<Element>) {
    if stack.len() > 1
        && let Some(el) = stack.pop()
        && let Some(parent) = stack.last_mut()
    {
        parent.children.push(el);
    }
}
