//! The value model of the evaluator: HCL/Terraform values plus `Unknown`.

use std::collections::BTreeMap;
use std::fmt::Write as _;

/// A Terraform value. Objects and maps share `Map`; sets are de-duplicated `List`s; tuples are
/// `List`s. `Unknown` stands for anything not known before apply (data sources, unset
/// variables, computed resource attributes, registry modules) and propagates through every
/// operation that depends on it.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Value {
    #[default]
    Null,
    Bool(bool),
    Number(f64),
    String(String),
    List(Vec<Value>),
    Map(BTreeMap<String, Value>),
    Unknown,
}

impl Value {
    pub fn str(s: impl Into<String>) -> Value {
        Value::String(s.into())
    }

    pub fn is_unknown(&self) -> bool {
        matches!(self, Value::Unknown)
    }

    /// True when this value or anything inside it is Unknown (or a string holding
    /// [`UNKNOWN_MARK`]).
    pub fn has_unknown(&self) -> bool {
        match self {
            Value::Unknown => true,
            Value::String(s) => s.contains(UNKNOWN_MARK),
            Value::List(l) => l.iter().any(Value::has_unknown),
            Value::Map(m) => m.values().any(Value::has_unknown),
            _ => false,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_list(&self) -> Option<&[Value]> {
        match self {
            Value::List(l) => Some(l),
            _ => None,
        }
    }

    pub fn as_map(&self) -> Option<&BTreeMap<String, Value>> {
        match self {
            Value::Map(m) => Some(m),
            _ => None,
        }
    }

    /// Bool with Terraform's string conversion ("true"/"false").
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            Value::String(s) if s == "true" => Some(true),
            Value::String(s) if s == "false" => Some(false),
            _ => None,
        }
    }

    /// Number with Terraform's string conversion.
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Value::Number(n) => Some(*n),
            Value::String(s) => s.trim().parse().ok(),
            _ => None,
        }
    }

    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "bool",
            Value::Number(_) => "number",
            Value::String(_) => "string",
            Value::List(_) => "list",
            Value::Map(_) => "map",
            Value::Unknown => "unknown",
        }
    }

    /// The string form Terraform's `tostring` / template interpolation gives a primitive.
    pub fn to_tf_string(&self) -> Result<String, String> {
        match self {
            Value::String(s) => Ok(s.clone()),
            Value::Number(n) => Ok(fmt_number(*n)),
            Value::Bool(b) => Ok(b.to_string()),
            Value::Null => Err("null value cannot be used as a string".into()),
            other => Err(format!("cannot convert {} to string", other.type_name())),
        }
    }

    /// Element at `path` (dot separated; numeric segments index lists).
    pub fn pointer(&self, path: &str) -> Option<&Value> {
        let mut cur = self;
        if path.is_empty() {
            return Some(cur);
        }
        for seg in path.split('.') {
            cur = match cur {
                Value::Map(m) => m.get(seg)?,
                Value::List(l) => l.get(seg.parse::<usize>().ok()?)?,
                _ => return None,
            };
        }
        Some(cur)
    }

    pub fn from_json(j: &serde_json::Value) -> Value {
        match j {
            serde_json::Value::Null => Value::Null,
            serde_json::Value::Bool(b) => Value::Bool(*b),
            serde_json::Value::Number(n) => Value::Number(n.as_f64().unwrap_or(0.0)),
            serde_json::Value::String(s) => Value::String(s.clone()),
            serde_json::Value::Array(a) => Value::List(a.iter().map(Value::from_json).collect()),
            serde_json::Value::Object(o) => Value::Map(
                o.iter()
                    .map(|(k, v)| (k.clone(), Value::from_json(v)))
                    .collect(),
            ),
        }
    }

    /// JSON text; None when the value holds an Unknown.
    pub fn to_json(&self) -> Option<String> {
        let mut out = String::new();
        self.write_json(&mut out, false).then_some(out)
    }

    /// JSON text where Unknown leaves are the string [`UNKNOWN_MARK`] (`jsonencode`: a policy
    /// referencing `aws_s3_bucket.b.arn` stays analysable; the mark reads as Unknown).
    pub fn to_json_marked(&self) -> String {
        let mut out = String::new();
        self.write_json(&mut out, true);
        out
    }

    fn write_json(&self, out: &mut String, marked: bool) -> bool {
        match self {
            Value::Unknown if marked => {
                out.push_str(&serde_json::Value::String(UNKNOWN_MARK.to_string()).to_string());
            }
            Value::Unknown => return false,
            Value::Null => out.push_str("null"),
            Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Value::Number(n) => out.push_str(&fmt_number(*n)),
            Value::String(s) => {
                out.push_str(&serde_json::Value::String(s.clone()).to_string());
            }
            Value::List(l) => {
                out.push('[');
                for (i, v) in l.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    if !v.write_json(out, marked) {
                        return false;
                    }
                }
                out.push(']');
            }
            Value::Map(m) => {
                out.push('{');
                for (i, (k, v)) in m.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    out.push_str(&serde_json::Value::String(k.clone()).to_string());
                    out.push(':');
                    if !v.write_json(out, marked) {
                        return false;
                    }
                }
                out.push('}');
            }
        }
        true
    }

    /// Short human rendering for messages.
    pub fn render(&self) -> String {
        match self {
            Value::String(s) => s.clone(),
            Value::Unknown => "(known after apply)".into(),
            other => other.to_json().unwrap_or_default(),
        }
    }
}

/// Stands for an unknown part inside a string built by `jsonencode` or a heredoc (policies
/// that interpolate ARNs). Any string containing it counts as Unknown for functions, operators
/// and checks.
pub const UNKNOWN_MARK: &str = "\u{fffe}(known after apply)\u{fffe}";

/// Integers print without a fraction, like Terraform.
pub fn fmt_number(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        let mut s = String::new();
        let _ = write!(s, "{}", n as i64);
        s
    } else {
        n.to_string()
    }
}
