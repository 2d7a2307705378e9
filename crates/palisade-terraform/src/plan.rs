//! Terraform plan JSON (`terraform show -json`) to the resource model.

use std::collections::HashMap;
use std::sync::Arc;

use serde_json::Value as J;

use crate::model::{Loc, Mode, Model, ModuleCall, Resource};
use crate::value::Value;

fn base_of(addr: &str) -> String {
    if addr.ends_with(']')
        && let Some(i) = addr.rfind('[')
    {
        return addr[..i].to_string();
    }
    addr.to_string()
}

struct Cx<'a> {
    file: Arc<str>,
    text: &'a str,
    model: Model,
    refs: HashMap<String, HashMap<String, Vec<String>>>,
}

impl Cx<'_> {
    /// Position of the first `needle` (`terraform show -json` prints one line, so the column
    /// matters as much as the line).
    fn line_of(&self, needle: &str) -> Option<Loc> {
        let pos = self.text.find(needle)?;
        let before = &self.text[..pos];
        let line = before.bytes().filter(|b| *b == b'\n').count() + 1;
        let column = before
            .rfind('\n')
            .map_or(before, |i| &before[i + 1..])
            .chars()
            .count()
            + 1;
        Some(Loc {
            file: self.file.clone(),
            line: line as u32,
            column: column as u32,
        })
    }

    fn first_loc(&self, needles: &[String]) -> Loc {
        needles
            .iter()
            .find_map(|n| self.line_of(n))
            .unwrap_or_else(|| Loc {
                file: self.file.clone(),
                line: 1,
                column: 1,
            })
    }

    fn module(&mut self, m: &J, depth: usize) {
        if depth > 32 {
            return;
        }
        for r in m
            .get("resources")
            .and_then(J::as_array)
            .into_iter()
            .flatten()
        {
            let s = |k: &str| r.get(k).and_then(J::as_str).unwrap_or_default().to_string();
            let address = s("address");
            let base = base_of(&address);
            let quoted = serde_json::Value::String(address.clone()).to_string();
            let loc = self.first_loc(&[
                format!("\"address\":{quoted}"),
                format!("\"address\": {quoted}"),
                quoted,
            ]);
            self.model.resources.push(Resource {
                mode: if s("mode") == "data" {
                    Mode::Data
                } else {
                    Mode::Managed
                },
                rtype: s("type"),
                name: s("name"),
                refs: self.refs.get(&base).cloned().unwrap_or_default(),
                address,
                base_address: base,
                attrs: r
                    .get("values")
                    .map_or(Value::Map(Default::default()), Value::from_json),
                locs: HashMap::new(),
                loc,
            });
        }
        for c in m
            .get("child_modules")
            .and_then(J::as_array)
            .into_iter()
            .flatten()
        {
            self.module(c, depth + 1);
        }
    }

    /// References between resources from the plan's `configuration` section.
    fn config(&mut self, m: &J, prefix: &str, depth: usize) {
        if depth > 32 {
            return;
        }
        for r in m
            .get("resources")
            .and_then(J::as_array)
            .into_iter()
            .flatten()
        {
            let addr = format!(
                "{prefix}{}",
                r.get("address").and_then(J::as_str).unwrap_or_default()
            );
            let mut refs: HashMap<String, Vec<String>> = HashMap::new();
            for (k, e) in r
                .get("expressions")
                .and_then(J::as_object)
                .into_iter()
                .flatten()
            {
                for t in e
                    .get("references")
                    .and_then(J::as_array)
                    .into_iter()
                    .flatten()
                {
                    if let Some(t) = t.as_str() {
                        let parts: Vec<&str> = t.split('.').collect();
                        let n = if parts.first() == Some(&"data") { 3 } else { 2 };
                        if parts.len() >= n {
                            let target = format!("{prefix}{}", base_of(&parts[..n].join(".")));
                            let e = refs.entry(k.clone()).or_default();
                            if !e.contains(&target) {
                                e.push(target);
                            }
                        }
                    }
                }
            }
            self.refs.insert(addr, refs);
        }
        for (name, call) in m
            .get("module_calls")
            .and_then(J::as_object)
            .into_iter()
            .flatten()
        {
            let address = format!("{prefix}module.{name}");
            let loc = self.first_loc(&[format!("\"{name}\"")]);
            self.model.module_calls.push(ModuleCall {
                address: address.clone(),
                source: call.get("source").and_then(J::as_str).map(str::to_string),
                version: call
                    .get("version_constraint")
                    .and_then(J::as_str)
                    .map(Value::str),
                loc: loc.clone(),
                source_loc: Some(loc),
            });
            if let Some(inner) = call.get("module") {
                self.config(inner, &format!("{address}."), depth + 1);
            }
        }
    }
}

pub fn model(path: &str, text: &str) -> Result<Model, String> {
    let j: J = serde_json::from_str(text).map_err(|e| format!("invalid plan JSON: {e}"))?;
    let pv = j
        .get("planned_values")
        .or_else(|| j.get("values"))
        .and_then(|v| v.get("root_module"))
        .ok_or(
            "not a Terraform plan: no planned_values.root_module (use `terraform show -json`)",
        )?;
    let mut cx = Cx {
        file: path.into(),
        text,
        model: Model::default(),
        refs: HashMap::new(),
    };
    if let Some(c) = j.get("configuration").and_then(|c| c.get("root_module")) {
        cx.config(c, "", 0);
    }
    cx.module(pv, 0);
    Ok(cx.model)
}
