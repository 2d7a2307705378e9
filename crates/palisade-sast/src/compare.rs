//! `metavariable-comparison`: a small, safe expression language (no loops, no calls
//! beyond `int()`, `str()`, `float()`, `len()` and `re.match()`), evaluated over bindings.

use std::collections::HashMap;

#[derive(Debug, Clone)]
pub enum Expr {
    Int(i64),
    Float(f64),
    Str(String),
    Bool(bool),
    Var(String),
    List(Vec<Expr>),
    Call(String, Vec<Expr>),
    Unary(&'static str, Box<Expr>),
    Bin(&'static str, Box<Expr>, Box<Expr>),
}

#[derive(Debug, Clone, PartialEq)]
pub enum Val {
    Int(i64),
    Float(f64),
    Str(String),
    Bool(bool),
    List(Vec<Val>),
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Num(String),
    Str(String),
    Var(String),
    Name(String),
    Op(&'static str),
}

const OPS: &[&str] = &[
    "==", "!=", "<=", ">=", "<", ">", "+", "-", "*", "/", "%", "(", ")", "[", "]", ",",
];

fn lex(s: &str) -> Result<Vec<Tok>, String> {
    let b = s.as_bytes();
    let mut i = 0;
    let mut out = Vec::new();
    while i < b.len() {
        let c = b[i];
        if c.is_ascii_whitespace() {
            i += 1;
        } else if c.is_ascii_digit() {
            let st = i;
            while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'.' || b[i] == b'_') {
                i += 1;
            }
            out.push(Tok::Num(s[st..i].to_string()));
        } else if c == b'"' || c == b'\'' {
            let st = i + 1;
            i += 1;
            while i < b.len() && b[i] != c {
                i += 1;
            }
            if i >= b.len() {
                return Err("unterminated string".into());
            }
            out.push(Tok::Str(s[st..i].to_string()));
            i += 1;
        } else if c == b'$' || c.is_ascii_alphabetic() || c == b'_' {
            let st = i;
            i += 1;
            while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_' || b[i] == b'.') {
                i += 1;
            }
            let w = &s[st..i];
            out.push(if c == b'$' {
                Tok::Var(w.to_string())
            } else {
                Tok::Name(w.to_string())
            });
        } else if let Some(op) = OPS.iter().find(|op| s[i..].starts_with(**op)) {
            out.push(Tok::Op(op));
            i += op.len();
        } else {
            return Err(format!("unexpected `{}`", &s[i..]));
        }
    }
    Ok(out)
}

struct P {
    toks: Vec<Tok>,
    at: usize,
    depth: usize,
}

impl P {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.at)
    }
    fn eat_op(&mut self, op: &str) -> bool {
        if matches!(self.peek(), Some(Tok::Op(o)) if *o == op) {
            self.at += 1;
            true
        } else {
            false
        }
    }
    fn eat_name(&mut self, n: &str) -> bool {
        if matches!(self.peek(), Some(Tok::Name(o)) if o == n) {
            self.at += 1;
            true
        } else {
            false
        }
    }
    fn enter(&mut self) -> Result<(), String> {
        self.depth += 1;
        if self.depth > 64 {
            return Err("expression nested too deeply".into());
        }
        Ok(())
    }
    fn or(&mut self) -> Result<Expr, String> {
        self.enter()?;
        let mut l = self.and()?;
        while self.eat_name("or") {
            l = Expr::Bin("or", Box::new(l), Box::new(self.and()?));
        }
        self.depth -= 1;
        Ok(l)
    }
    fn and(&mut self) -> Result<Expr, String> {
        let mut l = self.not()?;
        while self.eat_name("and") {
            l = Expr::Bin("and", Box::new(l), Box::new(self.not()?));
        }
        Ok(l)
    }
    fn not(&mut self) -> Result<Expr, String> {
        if self.eat_name("not") {
            self.enter()?;
            let e = Expr::Unary("not", Box::new(self.not()?));
            self.depth -= 1;
            return Ok(e);
        }
        self.cmp()
    }
    fn cmp(&mut self) -> Result<Expr, String> {
        let l = self.add()?;
        for op in ["==", "!=", "<=", ">=", "<", ">"] {
            if self.eat_op(op) {
                return Ok(Expr::Bin(op, Box::new(l), Box::new(self.add()?)));
            }
        }
        if self.eat_name("in") {
            return Ok(Expr::Bin("in", Box::new(l), Box::new(self.add()?)));
        }
        if matches!(self.peek(), Some(Tok::Name(n)) if n == "not")
            && matches!(self.toks.get(self.at + 1), Some(Tok::Name(n)) if n == "in")
        {
            self.at += 2;
            let r = self.add()?;
            return Ok(Expr::Unary(
                "not",
                Box::new(Expr::Bin("in", Box::new(l), Box::new(r))),
            ));
        }
        Ok(l)
    }
    fn add(&mut self) -> Result<Expr, String> {
        let mut l = self.mul()?;
        loop {
            if self.eat_op("+") {
                l = Expr::Bin("+", Box::new(l), Box::new(self.mul()?));
            } else if self.eat_op("-") {
                l = Expr::Bin("-", Box::new(l), Box::new(self.mul()?));
            } else {
                return Ok(l);
            }
        }
    }
    fn mul(&mut self) -> Result<Expr, String> {
        let mut l = self.unary()?;
        loop {
            let op = ["*", "/", "%"].into_iter().find(|op| self.eat_op(op));
            match op {
                Some(op) => l = Expr::Bin(op, Box::new(l), Box::new(self.unary()?)),
                None => return Ok(l),
            }
        }
    }
    fn unary(&mut self) -> Result<Expr, String> {
        if self.eat_op("-") {
            self.enter()?;
            let e = Expr::Unary("-", Box::new(self.unary()?));
            self.depth -= 1;
            return Ok(e);
        }
        self.primary()
    }
    fn primary(&mut self) -> Result<Expr, String> {
        let t = self.peek().cloned().ok_or("unexpected end")?;
        self.at += 1;
        match t {
            Tok::Num(n) => parse_num(&n).ok_or(format!("bad number `{n}`")),
            Tok::Str(s) => Ok(Expr::Str(s)),
            Tok::Var(v) => Ok(Expr::Var(v)),
            Tok::Name(n) if n == "True" || n == "true" => Ok(Expr::Bool(true)),
            Tok::Name(n) if n == "False" || n == "false" => Ok(Expr::Bool(false)),
            Tok::Name(n) => {
                if !["int", "str", "float", "len", "re.match"].contains(&n.as_str()) {
                    return Err(format!("unknown function `{n}`"));
                }
                if !self.eat_op("(") {
                    return Err(format!("`{n}` must be called"));
                }
                let mut args = Vec::new();
                if !self.eat_op(")") {
                    loop {
                        args.push(self.or()?);
                        if self.eat_op(")") {
                            break;
                        }
                        if !self.eat_op(",") {
                            return Err("expected `,` or `)`".into());
                        }
                    }
                }
                Ok(Expr::Call(n, args))
            }
            Tok::Op("(") => {
                let e = self.or()?;
                if !self.eat_op(")") {
                    return Err("expected `)`".into());
                }
                Ok(e)
            }
            Tok::Op("[") => {
                let mut items = Vec::new();
                if !self.eat_op("]") {
                    loop {
                        items.push(self.or()?);
                        if self.eat_op("]") {
                            break;
                        }
                        if !self.eat_op(",") {
                            return Err("expected `,` or `]`".into());
                        }
                    }
                }
                Ok(Expr::List(items))
            }
            Tok::Op(o) => Err(format!("unexpected `{o}`")),
        }
    }
}

fn parse_num(n: &str) -> Option<Expr> {
    let n = n.replace('_', "");
    let lower = n.to_ascii_lowercase();
    let lower = lower.trim_end_matches(['l', 'u']);
    if let Some(h) = lower.strip_prefix("0x") {
        return i64::from_str_radix(h, 16).ok().map(Expr::Int);
    }
    if let Some(o) = lower.strip_prefix("0o") {
        return i64::from_str_radix(o, 8).ok().map(Expr::Int);
    }
    if let Some(b) = lower.strip_prefix("0b") {
        return i64::from_str_radix(b, 2).ok().map(Expr::Int);
    }
    if let Ok(i) = lower.parse::<i64>() {
        return Some(Expr::Int(i));
    }
    lower
        .trim_end_matches(['f', 'd'])
        .parse::<f64>()
        .ok()
        .map(Expr::Float)
}

pub fn parse(s: &str) -> Result<Expr, String> {
    let mut p = P {
        toks: lex(s)?,
        at: 0,
        depth: 0,
    };
    let e = p.or()?;
    if p.at != p.toks.len() {
        return Err("trailing input".into());
    }
    Ok(e)
}

/// The value of a bound code fragment: a number when it is a numeric literal, a string's
/// content when it is a string literal, else the text.
pub fn value_of(text: &str) -> Val {
    let t = text.trim();
    match parse_num(t) {
        Some(Expr::Int(i)) => Val::Int(i),
        Some(Expr::Float(f)) => Val::Float(f),
        _ => Val::Str(crate::tree::string_value(t).to_string()),
    }
}

fn truthy(v: &Val) -> bool {
    match v {
        Val::Bool(b) => *b,
        Val::Int(i) => *i != 0,
        Val::Float(f) => *f != 0.0,
        Val::Str(s) => !s.is_empty(),
        Val::List(l) => !l.is_empty(),
    }
}

fn num(v: &Val) -> Option<f64> {
    match v {
        Val::Int(i) => Some(*i as f64),
        Val::Float(f) => Some(*f),
        Val::Bool(b) => Some(f64::from(u8::from(*b))),
        _ => None,
    }
}

pub fn eval(e: &Expr, vars: &HashMap<String, String>) -> Result<Val, String> {
    Ok(match e {
        Expr::Int(i) => Val::Int(*i),
        Expr::Float(f) => Val::Float(*f),
        Expr::Str(s) => Val::Str(s.clone()),
        Expr::Bool(b) => Val::Bool(*b),
        Expr::Var(v) => value_of(vars.get(v).ok_or(format!("{v} is not bound"))?),
        Expr::List(items) => Val::List(
            items
                .iter()
                .map(|i| eval(i, vars))
                .collect::<Result<_, _>>()?,
        ),
        Expr::Call(f, args) => {
            let a: Vec<Val> = args
                .iter()
                .map(|i| eval(i, vars))
                .collect::<Result<_, _>>()?;
            match (f.as_str(), &a[..]) {
                ("int", [Val::Str(s)]) => match parse_num(s.trim()) {
                    Some(Expr::Int(i)) => Val::Int(i),
                    _ => return Err(format!("int(): `{s}` is not an integer")),
                },
                ("int", [v]) => Val::Int(num(v).ok_or("int(): not a number")? as i64),
                ("float", [v]) => match v {
                    Val::Str(s) => {
                        Val::Float(s.trim().parse().map_err(|_| "float(): not a number")?)
                    }
                    v => Val::Float(num(v).ok_or("float(): not a number")?),
                },
                ("str", [v]) => Val::Str(match v {
                    Val::Str(s) => s.clone(),
                    Val::Int(i) => i.to_string(),
                    Val::Float(f) => f.to_string(),
                    Val::Bool(b) => b.to_string(),
                    Val::List(_) => return Err("str() of a list".into()),
                }),
                ("len", [Val::Str(s)]) => Val::Int(s.chars().count() as i64),
                ("len", [Val::List(l)]) => Val::Int(l.len() as i64),
                ("re.match", [Val::Str(re), Val::Str(s)]) => {
                    let r = regex::RegexBuilder::new(&format!("^(?:{re})"))
                        .size_limit(1 << 20)
                        .build()
                        .map_err(|e| e.to_string())?;
                    Val::Bool(r.is_match(s))
                }
                _ => return Err(format!("bad arguments to {f}()")),
            }
        }
        Expr::Unary(op, x) => {
            let v = eval(x, vars)?;
            match *op {
                "not" => Val::Bool(!truthy(&v)),
                _ => match v {
                    Val::Int(i) => Val::Int(i.checked_neg().ok_or("overflow")?),
                    Val::Float(f) => Val::Float(-f),
                    _ => return Err("`-` of a non-number".into()),
                },
            }
        }
        Expr::Bin(op, l, r) => {
            if *op == "and" {
                let a = eval(l, vars)?;
                return Ok(if truthy(&a) { eval(r, vars)? } else { a });
            }
            if *op == "or" {
                let a = eval(l, vars)?;
                return Ok(if truthy(&a) { a } else { eval(r, vars)? });
            }
            let a = eval(l, vars)?;
            let b = eval(r, vars)?;
            match *op {
                "in" => Val::Bool(match (&a, &b) {
                    (x, Val::List(l)) => l.iter().any(|y| eq(x, y)),
                    (Val::Str(x), Val::Str(y)) => y.contains(x.as_str()),
                    _ => false,
                }),
                "==" => Val::Bool(eq(&a, &b)),
                "!=" => Val::Bool(!eq(&a, &b)),
                "<" | "<=" | ">" | ">=" => {
                    let ord = match (&a, &b) {
                        (Val::Str(x), Val::Str(y)) => x.partial_cmp(y),
                        _ => num(&a).zip(num(&b)).and_then(|(x, y)| x.partial_cmp(&y)),
                    }
                    .ok_or("cannot compare these values")?;
                    Val::Bool(match *op {
                        "<" => ord.is_lt(),
                        "<=" => ord.is_le(),
                        ">" => ord.is_gt(),
                        _ => ord.is_ge(),
                    })
                }
                _ => match (&a, &b) {
                    (Val::Int(x), Val::Int(y)) => Val::Int(
                        match *op {
                            "+" => x.checked_add(*y),
                            "-" => x.checked_sub(*y),
                            "*" => x.checked_mul(*y),
                            "/" => x.checked_div(*y),
                            _ => x.checked_rem(*y),
                        }
                        .ok_or("arithmetic overflow or division by zero")?,
                    ),
                    (Val::Str(x), Val::Str(y)) if *op == "+" => Val::Str(format!("{x}{y}")),
                    _ => {
                        let (x, y) = num(&a).zip(num(&b)).ok_or("arithmetic on non-numbers")?;
                        Val::Float(match *op {
                            "+" => x + y,
                            "-" => x - y,
                            "*" => x * y,
                            "/" => x / y,
                            _ => x % y,
                        })
                    }
                },
            }
        }
    })
}

fn eq(a: &Val, b: &Val) -> bool {
    match (num(a), num(b)) {
        (Some(x), Some(y)) => x == y,
        _ => a == b,
    }
}
