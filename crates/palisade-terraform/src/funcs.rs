//! Terraform's built-in functions (the pure ones). `try` and `can` are special forms handled by
//! the evaluator because they need the unevaluated arguments.

use std::collections::BTreeMap;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use base64::Engine as _;

use crate::value::{Value, fmt_number};

/// Marker error meaning "the result depends on an Unknown": the caller turns it into Unknown.
const UNKNOWN: &str = "\u{0}unknown";

/// Names of every function `call` implements, plus the evaluator's special forms.
pub const FUNCTIONS: &[&str] = &[
    "abs",
    "alltrue",
    "anytrue",
    "base64decode",
    "base64encode",
    "can",
    "ceil",
    "chomp",
    "chunklist",
    "cidrhost",
    "cidrnetmask",
    "cidrsubnet",
    "cidrsubnets",
    "coalesce",
    "coalescelist",
    "compact",
    "concat",
    "contains",
    "distinct",
    "element",
    "endswith",
    "file",
    "flatten",
    "floor",
    "format",
    "formatlist",
    "indent",
    "index",
    "join",
    "jsondecode",
    "jsonencode",
    "keys",
    "length",
    "log",
    "lookup",
    "lower",
    "max",
    "merge",
    "min",
    "nonsensitive",
    "one",
    "parseint",
    "pow",
    "range",
    "regex",
    "regexall",
    "replace",
    "reverse",
    "sensitive",
    "setintersection",
    "setsubtract",
    "setunion",
    "signum",
    "slice",
    "sort",
    "split",
    "startswith",
    "strcontains",
    "strrev",
    "substr",
    "sum",
    "timestamp",
    "title",
    "tobool",
    "tolist",
    "tomap",
    "tonumber",
    "toset",
    "tostring",
    "transpose",
    "trim",
    "trimprefix",
    "trimspace",
    "trimsuffix",
    "try",
    "type",
    "upper",
    "urlencode",
    "uuid",
    "values",
    "zipmap",
];

/// Calls built-in `name`. `Ok(Value::Unknown)` when the result depends on an Unknown argument.
pub fn call(name: &str, args: Vec<Value>) -> Result<Value, String> {
    // Functions whose result is never known before apply.
    if matches!(
        name,
        "timestamp" | "uuid" | "plantimestamp" | "bcrypt" | "uuidv4"
    ) {
        return Ok(Value::Unknown);
    }
    let tolerant = matches!(
        name,
        "coalesce"
            | "length"
            | "tolist"
            | "toset"
            | "tomap"
            | "concat"
            | "merge"
            | "keys"
            | "compact"
            | "flatten"
            | "one"
            | "element"
            | "lookup"
            | "contains"
            | "jsonencode"
            | "sensitive"
            | "nonsensitive"
            | "alltrue"
            | "anytrue"
            | "coalescelist"
            | "values"
            | "zipmap"
            | "distinct"
            | "slice"
            | "reverse"
            | "setunion"
            | "type"
    );
    if !tolerant && args.iter().any(Value::has_unknown) {
        return Ok(Value::Unknown);
    }
    if args.iter().any(Value::is_unknown) && name != "coalesce" && name != "type" {
        return Ok(Value::Unknown);
    }
    match dispatch(name, args) {
        Err(e) if e == UNKNOWN => Ok(Value::Unknown),
        other => other,
    }
}

fn arity(args: &[Value], n: usize, name: &str) -> Result<(), String> {
    if args.len() == n {
        Ok(())
    } else {
        Err(format!(
            "{name}: expected {n} arguments, got {}",
            args.len()
        ))
    }
}

fn s(v: &Value) -> Result<String, String> {
    match v {
        Value::Unknown => Err(UNKNOWN.into()),
        other => other.to_tf_string(),
    }
}

fn n(v: &Value) -> Result<f64, String> {
    match v {
        Value::Unknown => Err(UNKNOWN.into()),
        other => other
            .as_f64()
            .ok_or_else(|| format!("a number is required, got {}", other.type_name())),
    }
}

fn list(v: &Value) -> Result<Vec<Value>, String> {
    match v {
        Value::Unknown => Err(UNKNOWN.into()),
        Value::List(l) => Ok(l.clone()),
        Value::Map(m) => Ok(m.values().cloned().collect()),
        other => Err(format!("a list is required, got {}", other.type_name())),
    }
}

fn map(v: &Value) -> Result<BTreeMap<String, Value>, String> {
    match v {
        Value::Unknown => Err(UNKNOWN.into()),
        Value::Map(m) => Ok(m.clone()),
        Value::Null => Ok(BTreeMap::new()),
        other => Err(format!("a map is required, got {}", other.type_name())),
    }
}

fn dedup(items: Vec<Value>) -> Vec<Value> {
    let mut out: Vec<Value> = Vec::with_capacity(items.len());
    for i in items {
        if !out.contains(&i) {
            out.push(i);
        }
    }
    out
}

fn regex_of(p: &str) -> Result<regex::Regex, String> {
    regex::RegexBuilder::new(p)
        .size_limit(1 << 20)
        .build()
        .map_err(|e| format!("invalid regex: {e}"))
}

fn regex_match(re: &regex::Regex, caps: &regex::Captures<'_>) -> Value {
    let names: Vec<_> = re.capture_names().flatten().collect();
    if re.captures_len() == 1 {
        Value::str(caps.get(0).map_or("", |m| m.as_str()))
    } else if !names.is_empty() {
        Value::Map(
            names
                .iter()
                .map(|n| {
                    (
                        (*n).to_string(),
                        caps.name(n).map_or(Value::Null, |m| Value::str(m.as_str())),
                    )
                })
                .collect(),
        )
    } else {
        Value::List(
            (1..re.captures_len())
                .map(|i| caps.get(i).map_or(Value::Null, |m| Value::str(m.as_str())))
                .collect(),
        )
    }
}

fn flatten_into(v: &[Value], out: &mut Vec<Value>, depth: usize) -> Result<(), String> {
    if depth > 64 {
        return Err("flatten: nesting too deep".into());
    }
    for i in v {
        match i {
            Value::List(l) => flatten_into(l, out, depth + 1)?,
            Value::Unknown => return Err(UNKNOWN.into()),
            other => out.push(other.clone()),
        }
    }
    Ok(())
}

fn format_fn(fmt: &str, args: &[Value]) -> Result<String, String> {
    let mut out = String::new();
    let mut chars = fmt.chars().peekable();
    let mut next = 0usize;
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        let mut spec = String::new();
        while let Some(&d) = chars.peek() {
            if d.is_ascii_digit() || d == '.' || d == '-' || d == '+' || d == '#' || d == ' ' {
                spec.push(d);
                chars.next();
            } else {
                break;
            }
        }
        let Some(verb) = chars.next() else {
            return Err("format: trailing %".into());
        };
        if verb == '%' {
            out.push('%');
            continue;
        }
        let arg = args
            .get(next)
            .ok_or_else(|| "format: not enough arguments".to_string())?;
        next += 1;
        let body = match verb {
            's' | 'v' => match arg {
                Value::List(_) | Value::Map(_) if verb == 'v' => arg.to_json().unwrap_or_default(),
                _ => s(arg)?,
            },
            'd' => format!("{}", n(arg)?.trunc() as i64),
            'f' | 'e' | 'g' => {
                let prec = spec
                    .split_once('.')
                    .and_then(|(_, p)| p.parse::<usize>().ok())
                    .unwrap_or(6);
                format!("{:.*}", prec, n(arg)?)
            }
            'q' => serde_json::Value::String(s(arg)?).to_string(),
            't' => s(arg)?,
            'x' => format!("{:x}", n(arg)? as i64),
            'X' => format!("{:X}", n(arg)? as i64),
            'o' => format!("{:o}", n(arg)? as i64),
            'b' => format!("{:b}", n(arg)? as i64),
            other => return Err(format!("format: unsupported verb %{other}")),
        };
        let width: usize = spec
            .split('.')
            .next()
            .unwrap_or("")
            .trim_start_matches(['-', '+', '#', ' '])
            .trim_start_matches('0')
            .parse()
            .unwrap_or(0);
        let pad = width.saturating_sub(body.chars().count());
        if spec.starts_with('-') {
            out.push_str(&body);
            out.push_str(&" ".repeat(pad));
        } else if spec.starts_with('0') && pad > 0 {
            out.push_str(&"0".repeat(pad));
            out.push_str(&body);
        } else {
            out.push_str(&" ".repeat(pad));
            out.push_str(&body);
        }
    }
    Ok(out)
}

fn parse_cidr(c: &str) -> Result<(IpAddr, u32), String> {
    let (ip, len) = c
        .split_once('/')
        .ok_or_else(|| format!("invalid CIDR {c:?}"))?;
    let ip: IpAddr = ip.parse().map_err(|_| format!("invalid CIDR {c:?}"))?;
    let len: u32 = len.parse().map_err(|_| format!("invalid CIDR {c:?}"))?;
    let max = if ip.is_ipv4() { 32 } else { 128 };
    if len > max {
        return Err(format!("invalid CIDR prefix length in {c:?}"));
    }
    Ok((ip, len))
}

fn ip_bits(ip: IpAddr) -> (u128, u32) {
    match ip {
        IpAddr::V4(v) => (u128::from(u32::from(v)), 32),
        IpAddr::V6(v) => (u128::from(v), 128),
    }
}

fn bits_ip(bits: u128, width: u32) -> String {
    if width == 32 {
        Ipv4Addr::from(bits as u32).to_string()
    } else {
        Ipv6Addr::from(bits).to_string()
    }
}

fn mask(width: u32, len: u32) -> u128 {
    let all: u128 = if width == 128 {
        u128::MAX
    } else {
        (1u128 << width) - 1
    };
    if len == 0 {
        0
    } else {
        all & !((1u128 << (width - len)).wrapping_sub(1)
            & if width - len == 128 { 0 } else { u128::MAX })
    }
}

fn cidrsubnet(prefix: &str, newbits: f64, netnum: f64) -> Result<String, String> {
    let (ip, len) = parse_cidr(prefix)?;
    let (bits, width) = ip_bits(ip);
    let newbits = newbits as u32;
    let newlen = len + newbits;
    if newlen > width || newbits > 64 {
        return Err("cidrsubnet: not enough address space".into());
    }
    let netnum = netnum as u128;
    if newbits < 64 && netnum >= (1u128 << newbits) {
        return Err("cidrsubnet: netnum too large".into());
    }
    let base = bits & mask(width, len);
    let sub = base | (netnum << (width - newlen));
    Ok(format!("{}/{}", bits_ip(sub, width), newlen))
}

fn cidrhost(prefix: &str, hostnum: f64) -> Result<String, String> {
    let (ip, len) = parse_cidr(prefix)?;
    let (bits, width) = ip_bits(ip);
    let hostbits = width - len;
    let size: u128 = if hostbits >= 128 {
        u128::MAX
    } else {
        1u128 << hostbits
    };
    let base = bits & mask(width, len);
    let host = if hostnum < 0.0 {
        size.checked_sub((-hostnum) as u128)
            .ok_or_else(|| "cidrhost: hostnum out of range".to_string())?
    } else {
        hostnum as u128
    };
    if host >= size {
        return Err("cidrhost: hostnum out of range".into());
    }
    Ok(bits_ip(base | host, width))
}

#[allow(clippy::too_many_lines)]
fn dispatch(name: &str, a: Vec<Value>) -> Result<Value, String> {
    use Value as V;
    Ok(match name {
        "lower" => {
            arity(&a, 1, name)?;
            V::String(s(&a[0])?.to_lowercase())
        }
        "upper" => {
            arity(&a, 1, name)?;
            V::String(s(&a[0])?.to_uppercase())
        }
        "title" => {
            arity(&a, 1, name)?;
            let mut out = String::new();
            let mut start = true;
            for c in s(&a[0])?.chars() {
                if start && c.is_alphabetic() {
                    out.extend(c.to_uppercase());
                } else {
                    out.push(c);
                }
                start = !c.is_alphanumeric();
            }
            V::String(out)
        }
        "format" => {
            let f = s(a.first().ok_or("format: no format")?)?;
            V::String(format_fn(&f, &a[1..])?)
        }
        "formatlist" => {
            let f = s(a.first().ok_or("formatlist: no format")?)?;
            let len = a[1..]
                .iter()
                .filter_map(|v| v.as_list().map(<[Value]>::len))
                .max()
                .unwrap_or(1);
            let mut out = Vec::new();
            for i in 0..len {
                let row: Vec<Value> = a[1..]
                    .iter()
                    .map(|v| match v {
                        V::List(l) => l.get(i).cloned().unwrap_or(V::Null),
                        other => other.clone(),
                    })
                    .collect();
                out.push(V::String(format_fn(&f, &row)?));
            }
            V::List(out)
        }
        "join" => {
            let sep = s(a.first().ok_or("join: no separator")?)?;
            let mut parts = Vec::new();
            for l in &a[1..] {
                for v in list(l)? {
                    parts.push(s(&v)?);
                }
            }
            V::String(parts.join(&sep))
        }
        "split" => {
            arity(&a, 2, name)?;
            let (sep, txt) = (s(&a[0])?, s(&a[1])?);
            if txt.is_empty() {
                V::List(vec![])
            } else {
                V::List(txt.split(sep.as_str()).map(V::str).collect())
            }
        }
        "concat" => {
            let mut out = Vec::new();
            for l in &a {
                out.extend(list(l)?);
            }
            V::List(out)
        }
        "merge" => {
            let mut out = BTreeMap::new();
            for m in &a {
                out.extend(map(m)?);
            }
            V::Map(out)
        }
        "lookup" => {
            if a.len() < 2 || a.len() > 3 {
                return Err("lookup: expected 2 or 3 arguments".into());
            }
            let m = map(&a[0])?;
            let k = s(&a[1])?;
            match (m.get(&k), a.get(2)) {
                (Some(v), _) => v.clone(),
                (None, Some(d)) => d.clone(),
                (None, None) => return Err(format!("lookup: no key {k:?}")),
            }
        }
        "element" => {
            arity(&a, 2, name)?;
            let l = list(&a[0])?;
            if l.is_empty() {
                return Err("element: empty list".into());
            }
            let i = n(&a[1])? as i64;
            let len = l.len() as i64;
            l[(((i % len) + len) % len) as usize].clone()
        }
        "index" => {
            arity(&a, 2, name)?;
            let l = list(&a[0])?;
            let pos = l
                .iter()
                .position(|v| v == &a[1])
                .ok_or("index: item not found")?;
            V::Number(pos as f64)
        }
        "length" => {
            arity(&a, 1, name)?;
            match &a[0] {
                V::String(t) => V::Number(t.chars().count() as f64),
                V::List(l) => V::Number(l.len() as f64),
                V::Map(m) => V::Number(m.len() as f64),
                V::Unknown => V::Unknown,
                other => return Err(format!("length: invalid {}", other.type_name())),
            }
        }
        "contains" => {
            arity(&a, 2, name)?;
            let l = list(&a[0])?;
            if l.contains(&a[1]) {
                V::Bool(true)
            } else if l.iter().any(Value::has_unknown) || a[1].has_unknown() {
                V::Unknown
            } else {
                V::Bool(false)
            }
        }
        "coalesce" => {
            for v in &a {
                match v {
                    V::Unknown => return Ok(V::Unknown),
                    V::Null => {}
                    V::String(t) if t.is_empty() => {}
                    other => return Ok(other.clone()),
                }
            }
            return Err("coalesce: no non-null arguments".into());
        }
        "coalescelist" => {
            for v in &a {
                let l = list(v)?;
                if !l.is_empty() {
                    return Ok(V::List(l));
                }
            }
            return Err("coalescelist: no non-empty list".into());
        }
        "compact" => {
            arity(&a, 1, name)?;
            V::List(
                list(&a[0])?
                    .into_iter()
                    .filter(|v| !matches!(v, V::Null) && v.as_str() != Some(""))
                    .collect(),
            )
        }
        "distinct" => {
            arity(&a, 1, name)?;
            V::List(dedup(list(&a[0])?))
        }
        "flatten" => {
            arity(&a, 1, name)?;
            let mut out = Vec::new();
            flatten_into(&list(&a[0])?, &mut out, 0)?;
            V::List(out)
        }
        "keys" => {
            arity(&a, 1, name)?;
            V::List(map(&a[0])?.into_keys().map(V::String).collect())
        }
        "values" => {
            arity(&a, 1, name)?;
            V::List(map(&a[0])?.into_values().collect())
        }
        "tolist" => {
            arity(&a, 1, name)?;
            V::List(list(&a[0])?)
        }
        "toset" => {
            arity(&a, 1, name)?;
            V::List(dedup(list(&a[0])?))
        }
        "tomap" => {
            arity(&a, 1, name)?;
            V::Map(map(&a[0])?)
        }
        "tostring" => {
            arity(&a, 1, name)?;
            match &a[0] {
                V::Null => V::Null,
                other => V::String(s(other)?),
            }
        }
        "tonumber" => {
            arity(&a, 1, name)?;
            match &a[0] {
                V::Null => V::Null,
                other => V::Number(n(other)?),
            }
        }
        "tobool" => {
            arity(&a, 1, name)?;
            match &a[0] {
                V::Null => V::Null,
                other => V::Bool(other.as_bool().ok_or("tobool: not a bool")?),
            }
        }
        "replace" => {
            arity(&a, 3, name)?;
            let (t, from, to) = (s(&a[0])?, s(&a[1])?, s(&a[2])?);
            if from.len() > 2 && from.starts_with('/') && from.ends_with('/') {
                let re = regex_of(&from[1..from.len() - 1])?;
                V::String(re.replace_all(&t, to.as_str()).into_owned())
            } else {
                V::String(t.replace(&from, &to))
            }
        }
        "regex" => {
            arity(&a, 2, name)?;
            let re = regex_of(&s(&a[0])?)?;
            let t = s(&a[1])?;
            let caps = re.captures(&t).ok_or("regex: pattern did not match")?;
            regex_match(&re, &caps)
        }
        "regexall" => {
            arity(&a, 2, name)?;
            let re = regex_of(&s(&a[0])?)?;
            let t = s(&a[1])?;
            V::List(re.captures_iter(&t).map(|c| regex_match(&re, &c)).collect())
        }
        "substr" => {
            arity(&a, 3, name)?;
            let t: Vec<char> = s(&a[0])?.chars().collect();
            let len = t.len() as i64;
            let mut off = n(&a[1])? as i64;
            if off < 0 {
                off += len;
            }
            let off = off.clamp(0, len);
            let l = n(&a[2])? as i64;
            let end = if l < 0 { len } else { (off + l).min(len) };
            V::String(t[off as usize..end.max(off) as usize].iter().collect())
        }
        "trimspace" => {
            arity(&a, 1, name)?;
            V::String(s(&a[0])?.trim().to_string())
        }
        "chomp" => {
            arity(&a, 1, name)?;
            V::String(s(&a[0])?.trim_end_matches(['\n', '\r']).to_string())
        }
        "trim" => {
            arity(&a, 2, name)?;
            let cut: Vec<char> = s(&a[1])?.chars().collect();
            V::String(s(&a[0])?.trim_matches(cut.as_slice()).to_string())
        }
        "trimprefix" => {
            arity(&a, 2, name)?;
            let (t, p) = (s(&a[0])?, s(&a[1])?);
            V::String(t.strip_prefix(p.as_str()).unwrap_or(&t).to_string())
        }
        "trimsuffix" => {
            arity(&a, 2, name)?;
            let (t, p) = (s(&a[0])?, s(&a[1])?);
            V::String(t.strip_suffix(p.as_str()).unwrap_or(&t).to_string())
        }
        "startswith" => {
            arity(&a, 2, name)?;
            V::Bool(s(&a[0])?.starts_with(&s(&a[1])?))
        }
        "endswith" => {
            arity(&a, 2, name)?;
            V::Bool(s(&a[0])?.ends_with(&s(&a[1])?))
        }
        "strcontains" => {
            arity(&a, 2, name)?;
            V::Bool(s(&a[0])?.contains(&s(&a[1])?))
        }
        "strrev" => {
            arity(&a, 1, name)?;
            V::String(s(&a[0])?.chars().rev().collect())
        }
        "indent" => {
            arity(&a, 2, name)?;
            let pad = " ".repeat(n(&a[0])?.clamp(0.0, 256.0) as usize);
            V::String(s(&a[1])?.replace('\n', &format!("\n{pad}")))
        }
        "urlencode" => {
            arity(&a, 1, name)?;
            let mut out = String::new();
            for b in s(&a[0])?.bytes() {
                if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                    out.push(b as char);
                } else {
                    out.push_str(&format!("%{b:02X}"));
                }
            }
            V::String(out)
        }
        "jsonencode" => {
            arity(&a, 1, name)?;
            if a[0].is_unknown() {
                V::Unknown
            } else {
                V::String(a[0].to_json_marked())
            }
        }
        "jsondecode" => {
            arity(&a, 1, name)?;
            let j: serde_json::Value =
                serde_json::from_str(&s(&a[0])?).map_err(|e| format!("jsondecode: {e}"))?;
            V::from_json(&j)
        }
        "base64encode" => {
            arity(&a, 1, name)?;
            V::String(base64::engine::general_purpose::STANDARD.encode(s(&a[0])?))
        }
        "base64decode" => {
            arity(&a, 1, name)?;
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(s(&a[0])?)
                .map_err(|e| format!("base64decode: {e}"))?;
            V::String(String::from_utf8(bytes).map_err(|_| "base64decode: not UTF-8")?)
        }
        "cidrsubnet" => {
            arity(&a, 3, name)?;
            V::String(cidrsubnet(&s(&a[0])?, n(&a[1])?, n(&a[2])?)?)
        }
        "cidrsubnets" => {
            let prefix = s(a.first().ok_or("cidrsubnets: no prefix")?)?;
            let (ip, len) = parse_cidr(&prefix)?;
            let (bits, width) = ip_bits(ip);
            let mut cur = bits & mask(width, len);
            let mut out = Vec::new();
            for nb in &a[1..] {
                let newlen = len + n(nb)? as u32;
                if newlen > width {
                    return Err("cidrsubnets: not enough address space".into());
                }
                let step = 1u128 << (width - newlen);
                cur = cur.div_ceil(step) * step;
                out.push(V::String(format!("{}/{}", bits_ip(cur, width), newlen)));
                cur += step;
            }
            V::List(out)
        }
        "cidrhost" => {
            arity(&a, 2, name)?;
            V::String(cidrhost(&s(&a[0])?, n(&a[1])?)?)
        }
        "cidrnetmask" => {
            arity(&a, 1, name)?;
            let (ip, len) = parse_cidr(&s(&a[0])?)?;
            if !ip.is_ipv4() {
                return Err("cidrnetmask: IPv6 has no netmask".into());
            }
            V::String(bits_ip(mask(32, len), 32))
        }
        "min" | "max" => {
            let mut nums = Vec::new();
            for v in &a {
                nums.push(n(v)?);
            }
            let r = if name == "min" {
                nums.into_iter().reduce(f64::min)
            } else {
                nums.into_iter().reduce(f64::max)
            };
            V::Number(r.ok_or("min/max: no arguments")?)
        }
        "abs" => V::Number(n(a.first().ok_or("abs: no argument")?)?.abs()),
        "ceil" => V::Number(n(a.first().ok_or("ceil: no argument")?)?.ceil()),
        "floor" => V::Number(n(a.first().ok_or("floor: no argument")?)?.floor()),
        "signum" => V::Number(n(a.first().ok_or("signum: no argument")?)?.signum()),
        "pow" => {
            arity(&a, 2, name)?;
            V::Number(n(&a[0])?.powf(n(&a[1])?))
        }
        "log" => {
            arity(&a, 2, name)?;
            V::Number(n(&a[0])?.log(n(&a[1])?))
        }
        "parseint" => {
            arity(&a, 2, name)?;
            let radix = n(&a[1])? as u32;
            if !(2..=36).contains(&radix) {
                return Err("parseint: radix out of range".into());
            }
            V::Number(
                i64::from_str_radix(&s(&a[0])?, radix).map_err(|e| format!("parseint: {e}"))?
                    as f64,
            )
        }
        "sum" => {
            arity(&a, 1, name)?;
            let mut t = 0.0;
            for v in list(&a[0])? {
                t += n(&v)?;
            }
            V::Number(t)
        }
        "range" => {
            let nums: Vec<f64> = a.iter().map(n).collect::<Result<_, _>>()?;
            let (start, end, step) = match nums.as_slice() {
                [e] => (0.0, *e, 1.0),
                [s0, e] => (*s0, *e, if e >= s0 { 1.0 } else { -1.0 }),
                [s0, e, st] => (*s0, *e, *st),
                _ => return Err("range: expected 1 to 3 arguments".into()),
            };
            if step == 0.0 {
                return Err("range: step must not be zero".into());
            }
            let mut out = Vec::new();
            let mut x = start;
            while (step > 0.0 && x < end) || (step < 0.0 && x > end) {
                if out.len() >= 1024 {
                    return Err("range: more than 1024 elements".into());
                }
                out.push(V::Number(x));
                x += step;
            }
            V::List(out)
        }
        "zipmap" => {
            arity(&a, 2, name)?;
            let (k, v) = (list(&a[0])?, list(&a[1])?);
            if k.len() != v.len() {
                return Err("zipmap: lists differ in length".into());
            }
            let mut out = BTreeMap::new();
            for (k, v) in k.iter().zip(v) {
                out.insert(s(k)?, v);
            }
            V::Map(out)
        }
        "setunion" => {
            let mut out = Vec::new();
            for l in &a {
                out.extend(list(l)?);
            }
            V::List(dedup(out))
        }
        "setintersection" => {
            let mut sets = a.iter().map(list);
            let mut acc = dedup(sets.next().ok_or("setintersection: no arguments")??);
            for l in sets {
                let l = l?;
                acc.retain(|v| l.contains(v));
            }
            V::List(acc)
        }
        "setsubtract" => {
            arity(&a, 2, name)?;
            let b = list(&a[1])?;
            V::List(
                dedup(list(&a[0])?)
                    .into_iter()
                    .filter(|v| !b.contains(v))
                    .collect(),
            )
        }
        "one" => {
            arity(&a, 1, name)?;
            let l = list(&a[0])?;
            match l.len() {
                0 => V::Null,
                1 => l[0].clone(),
                _ => return Err("one: more than one element".into()),
            }
        }
        "reverse" => {
            arity(&a, 1, name)?;
            let mut l = list(&a[0])?;
            l.reverse();
            V::List(l)
        }
        "sort" => {
            arity(&a, 1, name)?;
            let mut l: Vec<String> = list(&a[0])?.iter().map(s).collect::<Result<_, _>>()?;
            l.sort();
            V::List(l.into_iter().map(V::String).collect())
        }
        "slice" => {
            arity(&a, 3, name)?;
            let l = list(&a[0])?;
            let (from, to) = (n(&a[1])? as usize, n(&a[2])? as usize);
            if from > to || to > l.len() {
                return Err("slice: index out of range".into());
            }
            V::List(l[from..to].to_vec())
        }
        "chunklist" => {
            arity(&a, 2, name)?;
            let l = list(&a[0])?;
            let size = n(&a[1])? as usize;
            if size == 0 {
                V::List(vec![V::List(l)])
            } else {
                V::List(l.chunks(size).map(|c| V::List(c.to_vec())).collect())
            }
        }
        "alltrue" => {
            arity(&a, 1, name)?;
            let l = list(&a[0])?;
            if l.iter().any(|v| v.as_bool() == Some(false)) {
                V::Bool(false)
            } else if l.iter().any(Value::has_unknown) {
                V::Unknown
            } else {
                V::Bool(l.iter().all(|v| v.as_bool() == Some(true)))
            }
        }
        "anytrue" => {
            arity(&a, 1, name)?;
            let l = list(&a[0])?;
            if l.iter().any(|v| v.as_bool() == Some(true)) {
                V::Bool(true)
            } else if l.iter().any(Value::has_unknown) {
                V::Unknown
            } else {
                V::Bool(false)
            }
        }
        "transpose" => {
            arity(&a, 1, name)?;
            let mut out: BTreeMap<String, Vec<Value>> = BTreeMap::new();
            for (k, vs) in map(&a[0])? {
                for v in list(&vs)? {
                    out.entry(s(&v)?).or_default().push(V::String(k.clone()));
                }
            }
            V::Map(out.into_iter().map(|(k, v)| (k, V::List(v))).collect())
        }
        "sensitive" | "nonsensitive" => {
            arity(&a, 1, name)?;
            a[0].clone()
        }
        "type" => {
            arity(&a, 1, name)?;
            V::String(a[0].type_name().into())
        }
        other => return Err(format!("unsupported function {other}()")),
    })
}

/// Renders a number like Terraform's string conversion (re-exported for the evaluator).
pub fn number_string(x: f64) -> String {
    fmt_number(x)
}
