//! `.tf.json` support: Terraform's JSON syntax is rewritten as HCL text and parsed like `.tf`.
//! Nested objects become object attributes (checks read a map like a single block).

use serde_json::Value as J;

fn ident_ok(k: &str) -> bool {
    !k.is_empty()
        && k.chars()
            .next()
            .is_some_and(|c| c.is_alphabetic() || c == '_')
        && k.chars()
            .all(|c| c.is_alphanumeric() || c == '_' || c == '-')
}

fn key(k: &str) -> String {
    if ident_ok(k) { k.to_string() } else { quote(k) }
}

/// A JSON string as an HCL template literal (keeps `${...}` interpolations).
fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn expr(v: &J, out: &mut String, depth: usize) -> Result<(), String> {
    if depth > 64 {
        return Err("JSON nested too deeply".into());
    }
    match v {
        J::Null => out.push_str("null"),
        J::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        J::Number(n) => out.push_str(&n.to_string()),
        J::String(s) => out.push_str(&quote(s)),
        J::Array(a) => {
            out.push('[');
            for (i, x) in a.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                expr(x, out, depth + 1)?;
            }
            out.push(']');
        }
        J::Object(o) => {
            out.push_str("{\n");
            for (k, x) in o {
                out.push_str(&quote(k));
                out.push_str(" = ");
                expr(x, out, depth + 1)?;
                out.push('\n');
            }
            out.push('}');
        }
    }
    Ok(())
}

fn body(v: &J, out: &mut String) -> Result<(), String> {
    let items: Vec<&J> = match v {
        J::Array(a) => a.iter().collect(),
        other => vec![other],
    };
    for it in items {
        if let J::Object(o) = it {
            for (k, x) in o {
                out.push_str(&key(k));
                out.push_str(" = ");
                expr(x, out, 0)?;
                out.push('\n');
            }
        }
    }
    Ok(())
}

/// HCL text equivalent to a `.tf.json` document.
pub fn to_hcl(doc: &J) -> Result<String, String> {
    let J::Object(top) = doc else {
        return Err("a .tf.json file must hold a JSON object".into());
    };
    let mut out = String::new();
    for (kind, v) in top {
        let J::Object(o) = v else { continue };
        match kind.as_str() {
            "resource" | "data" => {
                for (t, names) in o {
                    let J::Object(names) = names else { continue };
                    for (n, b) in names {
                        out.push_str(&format!("{kind} {} {} {{\n", quote(t), quote(n)));
                        body(b, &mut out)?;
                        out.push_str("}\n");
                    }
                }
            }
            "variable" | "output" | "module" | "provider" => {
                for (n, b) in o {
                    out.push_str(&format!("{kind} {} {{\n", quote(n)));
                    body(b, &mut out)?;
                    out.push_str("}\n");
                }
            }
            "locals" | "terraform" => {
                out.push_str(&format!("{kind} {{\n"));
                body(v, &mut out)?;
                out.push_str("}\n");
            }
            _ => {}
        }
    }
    Ok(out)
}
