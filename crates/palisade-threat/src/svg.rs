//! The data-flow diagram as SVG, drawn here (no Graphviz, no Java).
//!
//! Layout: every trust boundary is a box holding a grid of its elements and, below it,
//! its nested boundaries in rows; elements outside every boundary form the outermost
//! level. Links are straight arrows between element centres (red dashed when not
//! encrypted). Linear in the size of the model.

use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;

use crate::model::{Model, TrustBoundary};
use crate::render::esc;

const NW: f64 = 150.0;
const NH: f64 = 46.0;
const GAP: f64 = 24.0;
const PAD: f64 = 16.0;
const TITLE: f64 = 22.0;

struct Container<'a> {
    id: &'a str,
    label: &'a str,
    items: Vec<&'a str>,
    children: Vec<Container<'a>>,
    w: f64,
    h: f64,
}

fn build<'a>(b: &'a TrustBoundary, depth: usize) -> Container<'a> {
    Container {
        id: &b.id,
        label: if b.name.is_empty() { &b.id } else { &b.name },
        items: b.assets.iter().map(String::as_str).collect(),
        children: if depth < 16 {
            b.boundaries.iter().map(|c| build(c, depth + 1)).collect()
        } else {
            Vec::new()
        },
        w: 0.0,
        h: 0.0,
    }
}

fn cols(n: usize) -> usize {
    if n == 0 {
        return 0;
    }
    let mut c = 1;
    while c * c < n {
        c += 1;
    }
    (c * 3).div_ceil(2).min(n)
}

fn measure(c: &mut Container<'_>) {
    for ch in &mut c.children {
        measure(ch);
    }
    let n = c.items.len();
    let k = cols(n);
    let rows = if k == 0 { 0 } else { n.div_ceil(k) };
    let grid_w = k as f64 * (NW + GAP);
    let grid_h = rows as f64 * (NH + GAP);
    let per_row = cols(c.children.len()).max(1);
    let (mut cw, mut ch_h) = (0.0_f64, 0.0_f64);
    for row in c.children.chunks(per_row) {
        cw = cw.max(row.iter().map(|x| x.w + GAP).sum());
        ch_h += row.iter().map(|x| x.h).fold(0.0, f64::max) + GAP;
    }
    c.w = grid_w.max(cw).max(NW + GAP) + 2.0 * PAD;
    c.h = TITLE + grid_h + ch_h + 2.0 * PAD;
}

/// A placed trust boundary: x, y, width, height, id, label, depth.
pub(crate) type PlacedBox<'a> = (f64, f64, f64, f64, &'a str, &'a str, usize);

fn place<'a>(
    c: &Container<'a>,
    x: f64,
    y: f64,
    depth: usize,
    pos: &mut HashMap<&'a str, (f64, f64)>,
    boxes: &mut Vec<PlacedBox<'a>>,
    top: bool,
) {
    if !top {
        boxes.push((x, y, c.w, c.h, c.id, c.label, depth));
    }
    let k = cols(c.items.len()).max(1);
    let (x0, y0) = (x + PAD, y + PAD + TITLE);
    for (i, id) in c.items.iter().enumerate() {
        pos.insert(
            id,
            (
                x0 + (i % k) as f64 * (NW + GAP),
                y0 + (i / k) as f64 * (NH + GAP),
            ),
        );
    }
    let rows = c.items.len().div_ceil(k);
    let mut cy = y0 + rows as f64 * (NH + GAP);
    let per_row = cols(c.children.len()).max(1);
    for row in c.children.chunks(per_row) {
        let mut cx = x0;
        for ch in row {
            place(ch, cx, cy, depth + 1, pos, boxes, false);
            cx += ch.w + GAP;
        }
        cy += row.iter().map(|x| x.h).fold(0.0, f64::max) + GAP;
    }
}

/// Node size used by the layout.
pub(crate) const NODE: (f64, f64) = (NW, NH);

/// Positions of every element (top-left corner) and boundary boxes, and the canvas size.
/// Element positions, boundary boxes, width, height.
pub(crate) type Layout<'a> = (HashMap<&'a str, (f64, f64)>, Vec<PlacedBox<'a>>, f64, f64);

pub(crate) fn layout(m: &Model) -> Layout<'_> {
    let mut inside = HashSet::new();
    let mut stack: Vec<&TrustBoundary> = m.trust_boundaries.iter().collect();
    let mut guard = 0;
    while let Some(b) = stack.pop() {
        guard += 1;
        if guard > 1_000_000 {
            break;
        }
        inside.extend(b.assets.iter().map(String::as_str));
        stack.extend(b.boundaries.iter());
    }
    let mut root = Container {
        id: "",
        label: "",
        items: m
            .actors
            .iter()
            .map(|a| a.id.as_str())
            .chain(m.technical_assets.iter().map(|a| a.id.as_str()))
            .filter(|id| !inside.contains(id))
            .collect(),
        children: m.trust_boundaries.iter().map(|b| build(b, 0)).collect(),
        w: 0.0,
        h: 0.0,
    };
    measure(&mut root);
    let mut pos = HashMap::new();
    let mut boxes = Vec::new();
    place(&root, 0.0, -TITLE, 0, &mut pos, &mut boxes, true);
    (pos, boxes, root.w, root.h - TITLE)
}

/// The diagram of a model as a standalone SVG document.
#[must_use]
pub fn svg(m: &Model) -> String {
    let (pos, boxes, w, h) = layout(m);
    let mut o = String::with_capacity(256 * (m.technical_assets.len() + m.links.len()) + 1024);
    let _ = writeln!(
        o,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w:.0}\" height=\"{h:.0}\" viewBox=\"0 0 {w:.0} {h:.0}\" font-family=\"sans-serif\" font-size=\"12\"><title>{}</title><defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"8\" markerHeight=\"8\" orient=\"auto\"><path d=\"M0,0L10,5L0,10z\" fill=\"#333\"/></marker></defs><rect width=\"100%\" height=\"100%\" fill=\"white\"/>",
        esc(&m.title)
    );
    for (x, y, bw, bh, _, label, depth) in &boxes {
        let _ = writeln!(
            o,
            "<g class=\"boundary\"><rect x=\"{x:.1}\" y=\"{y:.1}\" width=\"{bw:.1}\" height=\"{bh:.1}\" rx=\"8\" fill=\"{}\" stroke=\"#c0392b\" stroke-dasharray=\"6 4\"/><text x=\"{:.1}\" y=\"{:.1}\" fill=\"#c0392b\" font-weight=\"bold\">{}</text></g>",
            if depth % 2 == 1 { "#fdf2f0" } else { "#ffffff" },
            x + 8.0,
            y + 16.0,
            esc(label)
        );
    }
    for l in &m.links {
        let (Some(a), Some(b)) = (pos.get(l.from.as_str()), pos.get(l.to.as_str())) else {
            continue;
        };
        let (x1, y1, x2, y2) = (
            a.0 + NW / 2.0,
            a.1 + NH / 2.0,
            b.0 + NW / 2.0,
            b.1 + NH / 2.0,
        );
        // stop at the target's border
        let (dx, dy) = (x2 - x1, y2 - y1);
        let t = if dx == 0.0 && dy == 0.0 {
            0.0
        } else {
            ((NW / 2.0) / dx.abs().max(1e-9))
                .min((NH / 2.0) / dy.abs().max(1e-9))
                .min(1.0)
        };
        let (ex, ey) = (x2 - dx * t, y2 - dy * t);
        let style = if l.is_encrypted() {
            "stroke=\"#333\""
        } else {
            "stroke=\"#c0392b\" stroke-dasharray=\"4 3\""
        };
        let _ = writeln!(
            o,
            "<g class=\"link\"><title>{}</title><line x1=\"{x1:.1}\" y1=\"{y1:.1}\" x2=\"{ex:.1}\" y2=\"{ey:.1}\" {style} marker-end=\"url(#arrow)\"/><text x=\"{:.1}\" y=\"{:.1}\" font-size=\"10\" fill=\"#555\">{}</text></g>",
            esc(&format!("{}: {} → {}", l.id, l.from, l.to)),
            (x1 + ex) / 2.0,
            (y1 + ey) / 2.0 - 3.0,
            esc(&l.protocol)
        );
    }
    let kinds: HashMap<&str, (&str, bool)> = m
        .technical_assets
        .iter()
        .map(|a| (a.id.as_str(), (a.kind.as_str(), a.kind.is_store())))
        .collect();
    let names: HashMap<&str, &str> = m
        .technical_assets
        .iter()
        .map(|a| (a.id.as_str(), a.name.as_str()))
        .chain(m.actors.iter().map(|a| (a.id.as_str(), a.name.as_str())))
        .collect();
    let mut ids: Vec<(&&str, &(f64, f64))> = pos.iter().collect();
    ids.sort_by(|a, b| a.0.cmp(b.0));
    for (id, (x, y)) in ids {
        let name = names
            .get(id)
            .copied()
            .filter(|n| !n.is_empty())
            .unwrap_or(id);
        let name: String = name.chars().take(22).collect();
        let (kind, store) = kinds.get(id).copied().unwrap_or(("actor", false));
        let shape = if kind == "actor" {
            format!(
                "<rect x=\"{x:.1}\" y=\"{y:.1}\" width=\"{NW}\" height=\"{NH}\" rx=\"23\" fill=\"#eaf2fb\" stroke=\"#2c3e50\"/>"
            )
        } else if store {
            format!(
                "<rect x=\"{x:.1}\" y=\"{y:.1}\" width=\"{NW}\" height=\"{NH}\" rx=\"4\" fill=\"#fef9e7\" stroke=\"#2c3e50\" stroke-width=\"2\"/><line x1=\"{x:.1}\" y1=\"{:.1}\" x2=\"{:.1}\" y2=\"{:.1}\" stroke=\"#2c3e50\"/>",
                y + 8.0,
                x + NW,
                y + 8.0
            )
        } else {
            format!(
                "<rect x=\"{x:.1}\" y=\"{y:.1}\" width=\"{NW}\" height=\"{NH}\" rx=\"4\" fill=\"#f4f6f7\" stroke=\"#2c3e50\"/>"
            )
        };
        let _ = writeln!(
            o,
            "<g class=\"node\" id=\"n-{}\">{shape}<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text><text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\" font-size=\"10\" fill=\"#777\">{}</text></g>",
            esc(id),
            x + NW / 2.0,
            y + 22.0,
            esc(&name),
            x + NW / 2.0,
            y + 37.0,
            esc(kind)
        );
    }
    o.push_str("</svg>\n");
    o
}
