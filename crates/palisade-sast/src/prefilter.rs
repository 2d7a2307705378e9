//! Which identifiers a file must contain for a rule to possibly match: a conjunction of
//! disjunctions, checked with one Aho-Corasick pass per file before any parsing.

use crate::rule::{Filter, Formula};

pub fn required(f: &Formula) -> Vec<Vec<String>> {
    match f {
        Formula::Pattern(p) => {
            let mut lits = Vec::new();
            p.literals(&mut lits);
            lits.sort();
            lits.dedup();
            lits.into_iter().map(|l| vec![l]).collect()
        }
        Formula::Regex(_) | Formula::Scope => Vec::new(),
        Formula::Either(alts) => {
            let mut clause = Vec::new();
            for a in alts {
                let r = required(a);
                let Some(first) = r.into_iter().next() else {
                    return Vec::new();
                };
                clause.extend(first);
            }
            if clause.is_empty() {
                Vec::new()
            } else {
                vec![clause]
            }
        }
        Formula::All(all) => {
            let mut out: Vec<Vec<String>> = all.positives.iter().flat_map(required).collect();
            for flt in &all.filters {
                if let Filter::Inside(f) = flt {
                    out.extend(required(f));
                }
            }
            out
        }
    }
}
