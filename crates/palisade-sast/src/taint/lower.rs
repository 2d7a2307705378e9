//! Lowering tree-sitter nodes to the operations the taint analysis understands, one table
//! per grammar. Node kinds shared between grammars (`identifier`, `binary_expression`,
//! `if_statement`, ...) are read through field names, which the grammars agree on for the
//! constructs used here.

use tree_sitter::Node;

use super::{Const, Unit};
use crate::lang::Lang;

pub enum Kind<'t> {
    /// A nested function: analysed as its own unit.
    Function,
    Ident,
    Lit(Const),
    /// A string with interpolated parts.
    Str(Vec<Node<'t>>),
    Member(Node<'t>, Node<'t>),
    Index(Node<'t>, Node<'t>),
    /// Target, value, compound operator (`+=`).
    Assign(Node<'t>, Option<Node<'t>>, Option<String>),
    /// A declaration: name, initial value, declared with a numeric/boolean type.
    Decl(Node<'t>, Option<Node<'t>>, bool),
    Binary(Node<'t>, String, Node<'t>),
    Unary(String, Node<'t>),
    Ternary(Node<'t>, Node<'t>, Node<'t>),
    Call,
    New(Node<'t>, Vec<Node<'t>>),
    Tuple(Vec<Node<'t>>),
    ListLit(Vec<Node<'t>>),
    DictLit(Vec<(Node<'t>, Node<'t>)>),
    If(Node<'t>, Node<'t>, Vec<Node<'t>>),
    /// Header expressions, loop variable, body.
    Loop(Vec<Node<'t>>, Option<Node<'t>>, Vec<Node<'t>>),
    Switch(Node<'t>, Vec<Case<'t>>),
    Try(Node<'t>, Vec<Node<'t>>, Option<Node<'t>>),
    Return(Option<Node<'t>>),
    Throw(Option<Node<'t>>),
    /// Anything else: the children are evaluated in order, the value joins theirs.
    Other,
}

pub struct Case<'t> {
    pub labels: Vec<Node<'t>>,
    pub default: bool,
    pub body: Vec<Node<'t>>,
    /// Control does not fall through to the next case.
    pub breaks: bool,
}

pub struct CallParts<'t> {
    pub name: Option<Node<'t>>,
    pub receiver: Option<Node<'t>>,
    pub args: Vec<Node<'t>>,
}

pub fn is_comment(kind: &str) -> bool {
    kind.contains("comment")
}

const FUNCTION_KINDS: &[&str] = &[
    "function_definition",
    "function_declaration",
    "method_declaration",
    "constructor_declaration",
    "lambda_expression",
    "lambda",
    "arrow_function",
    "function_expression",
    "function",
    "method_definition",
    "generator_function_declaration",
    "generator_function",
    "func_literal",
    "method",
    "singleton_method",
    "local_function_statement",
    "anonymous_function",
    "anonymous_function_creation_expression",
    "lambda_literal",
    "anonymous_method_expression",
];

pub fn is_function(kind: &str) -> bool {
    FUNCTION_KINDS.contains(&kind)
}

pub fn is_call(_lang: Lang, kind: &str) -> bool {
    matches!(
        kind,
        "call"
            | "method_invocation"
            | "call_expression"
            | "new_expression"
            | "object_creation_expression"
            | "function_call_expression"
            | "member_call_expression"
            | "scoped_call_expression"
            | "nullsafe_member_call_expression"
            | "invocation_expression"
    )
}

pub fn unparen(mut n: Node<'_>) -> Node<'_> {
    while matches!(
        n.kind(),
        "parenthesized_expression" | "parenthesized_statement"
    ) && n.named_child_count() >= 1
    {
        let mut c = n.walk();
        let kids: Vec<Node<'_>> = n
            .named_children(&mut c)
            .filter(|k| !is_comment(k.kind()))
            .collect();
        if kids.len() != 1 {
            break;
        }
        n = kids[0];
    }
    n
}

fn named<'t>(n: Node<'t>) -> Vec<Node<'t>> {
    let mut c = n.walk();
    n.named_children(&mut c)
        .filter(|k| !is_comment(k.kind()))
        .collect()
}

fn field<'t>(n: Node<'t>, f: &str) -> Option<Node<'t>> {
    n.child_by_field_name(f)
}

fn fields<'t>(n: Node<'t>, f: &str) -> Vec<Node<'t>> {
    let mut c = n.walk();
    n.children_by_field_name(f, &mut c).collect()
}

/// The operator token between the operands.
fn operator(n: Node<'_>, src: &[u8]) -> String {
    if let Some(o) = field(n, "operator") {
        return text(o, src).to_string();
    }
    let mut c = n.walk();
    let ops: Vec<&str> = n
        .children(&mut c)
        .filter(|k| !k.is_named())
        .map(|k| text(k, src))
        .collect();
    ops.join(" ")
}

fn text<'s>(n: Node<'_>, src: &'s [u8]) -> &'s str {
    std::str::from_utf8(&src[n.start_byte()..n.end_byte()]).unwrap_or("")
}

fn int_lit(t: &str) -> Option<Const> {
    let t: String = t.chars().filter(|c| *c != '_').collect();
    let t = t.trim_end_matches(['l', 'L', 'n']);
    if let Some(h) = t.strip_prefix("0x").or_else(|| t.strip_prefix("0X")) {
        return i64::from_str_radix(h, 16).ok().map(Const::Int);
    }
    t.parse::<i64>().ok().map(Const::Int)
}

fn is_interp(kind: &str) -> bool {
    matches!(
        kind,
        "interpolation"
            | "template_substitution"
            | "string_interpolation"
            | "interpolated_string_text"
    ) || kind.contains("interpolation")
        || kind.contains("substitution")
}

/// What a node is, for the analysis.
pub fn classify<'t>(lang: Lang, n: Node<'t>, src: &[u8]) -> Kind<'t> {
    let k = n.kind();
    if is_function(k) {
        return Kind::Function;
    }
    let f = |name: &str| field(n, name);
    match k {
        "identifier"
        | "this"
        | "self"
        | "shorthand_property_identifier"
        | "simple_identifier"
        | "variable_name"
        | "instance_variable"
        | "field_identifier" => Kind::Ident,
        "integer"
        | "decimal_integer_literal"
        | "hex_integer_literal"
        | "int_literal"
        | "integer_literal" => int_lit(text(n, src)).map_or(Kind::Other, Kind::Lit),
        "number" => int_lit(text(n, src)).map_or(Kind::Other, Kind::Lit),
        "true" => Kind::Lit(Const::Bool(true)),
        "false" => Kind::Lit(Const::Bool(false)),
        "boolean_literal" | "boolean" => Kind::Lit(Const::Bool(text(n, src) == "true")),
        "none" | "null" | "null_literal" | "undefined" | "nil" => Kind::Lit(Const::Null),
        "property_identifier" => Kind::Lit(Const::Str(text(n, src).to_string())),
        "concatenated_string" => Kind::Str(named(n)),
        _ if lang.is_string_kind(k) => {
            let mut parts = Vec::new();
            let mut stack = named(n);
            while let Some(c) = stack.pop() {
                if is_interp(c.kind()) {
                    parts.extend(named(c));
                } else if c.kind() == "variable_name" || c.kind() == "simple_expansion" {
                    parts.push(c);
                } else {
                    stack.extend(named(c));
                }
            }
            if parts.is_empty() {
                Kind::Lit(Const::Str(
                    crate::tree::string_value(text(n, src)).to_string(),
                ))
            } else {
                Kind::Str(parts)
            }
        }
        "attribute" => match (f("object"), f("attribute")) {
            (Some(o), Some(a)) => Kind::Member(o, a),
            _ => Kind::Other,
        },
        "field_access" => match (f("object"), f("field")) {
            (Some(o), Some(a)) => Kind::Member(o, a),
            _ => Kind::Other,
        },
        "member_expression" => match (f("object"), f("property")) {
            (Some(o), Some(a)) => Kind::Member(o, a),
            _ => Kind::Other,
        },
        "selector_expression" => match (f("operand"), f("field")) {
            (Some(o), Some(a)) => Kind::Member(o, a),
            _ => Kind::Other,
        },
        "member_access_expression" => match (f("expression").or(f("object")), f("name")) {
            (Some(o), Some(a)) => Kind::Member(o, a),
            _ => Kind::Other,
        },
        "subscript" => match (f("value"), f("subscript")) {
            (Some(o), Some(i)) => Kind::Index(o, i),
            _ => Kind::Other,
        },
        "array_access" => match (f("array"), f("index")) {
            (Some(o), Some(i)) => Kind::Index(o, i),
            _ => Kind::Other,
        },
        "subscript_expression" | "index_expression" => {
            match (f("object").or(f("operand")), f("index")) {
                (Some(o), Some(i)) => Kind::Index(o, i),
                _ => Kind::Other,
            }
        }
        "assignment"
        | "assignment_expression"
        | "assignment_statement"
        | "short_var_declaration" => match f("left") {
            Some(l) => {
                let op = operator(n, src);
                let op = op.trim();
                let compound = (op.len() > 1 && op.ends_with('=') && op != "==" && op != ":=")
                    .then(|| op.to_string());
                Kind::Assign(l, f("right"), compound)
            }
            None => Kind::Other,
        },
        "augmented_assignment" | "augmented_assignment_expression" | "operator_assignment" => {
            match f("left") {
                Some(l) => Kind::Assign(l, f("right"), Some(operator(n, src))),
                None => Kind::Other,
            }
        }
        "variable_declarator" => match f("name") {
            Some(name) => {
                let numeric = n.parent().is_some_and(|p| {
                    field(p, "type").is_some_and(|t| {
                        matches!(
                            t.kind(),
                            "integral_type" | "floating_point_type" | "boolean_type"
                        )
                    })
                });
                Kind::Decl(name, f("value"), numeric)
            }
            None => Kind::Other,
        },
        "binary_operator" | "boolean_operator" | "binary_expression" => {
            match (f("left"), f("right")) {
                (Some(a), Some(b)) => Kind::Binary(a, operator(n, src), b),
                _ => Kind::Other,
            }
        }
        "comparison_operator" => {
            let kids = named(n);
            if kids.len() == 2 {
                Kind::Binary(kids[0], operator(n, src), kids[1])
            } else {
                Kind::Other
            }
        }
        "not_operator" => match f("argument") {
            Some(a) => Kind::Unary("not".into(), a),
            None => Kind::Other,
        },
        "unary_operator" | "unary_expression" => {
            match (f("operator"), f("argument").or(f("operand"))) {
                (Some(o), Some(a)) => Kind::Unary(text(o, src).to_string(), a),
                _ => Kind::Other,
            }
        }
        "conditional_expression" if lang == Lang::Python => {
            let kids = named(n);
            if kids.len() == 3 {
                Kind::Ternary(kids[1], kids[0], kids[2])
            } else {
                Kind::Other
            }
        }
        "ternary_expression" | "conditional_expression" => {
            match (f("condition"), f("consequence"), f("alternative")) {
                (Some(c), Some(a), Some(b)) => Kind::Ternary(c, a, b),
                _ => Kind::Other,
            }
        }
        "new_expression" | "object_creation_expression" => {
            let ty = f("constructor").or(f("type")).unwrap_or(n);
            Kind::New(ty, call(lang, n).args)
        }
        _ if is_call(lang, k) => Kind::Call,
        "keyword_argument"
        | "argument"
        | "value_argument"
        | "spread_element"
        | "list_splat"
        | "dictionary_splat"
        | "await"
        | "await_expression"
        | "expression_statement" => Kind::Tuple(match f("value") {
            Some(v) => vec![v],
            None => named(n).into_iter().rev().take(1).collect(),
        }),
        "tuple" | "expression_list" | "pattern_list" | "tuple_pattern" | "list_pattern" => {
            Kind::Tuple(named(n))
        }
        "list" | "array" | "array_initializer" | "list_literal" => Kind::ListLit(named(n)),
        "dictionary" | "object" => Kind::DictLit(
            named(n)
                .into_iter()
                .filter_map(|p| Some((field(p, "key")?, field(p, "value")?)))
                .collect(),
        ),
        "if_statement" | "if" | "unless" | "if_expression" => {
            let cond = f("condition");
            let cons = f("consequence").or(f("body"));
            let mut alts = fields(n, "alternative");
            if alts.is_empty() {
                alts = named(n)
                    .into_iter()
                    .filter(|c| {
                        matches!(
                            c.kind(),
                            "else_clause" | "elif_clause" | "else_if_clause" | "else" | "elsif"
                        )
                    })
                    .collect();
            }
            match (cond, cons) {
                (Some(c), Some(b)) => Kind::If(c, b, alts),
                _ => Kind::Other,
            }
        }
        "for_statement" if lang == Lang::Python => match (f("left"), f("right"), f("body")) {
            (Some(l), Some(r), Some(b)) => Kind::Loop(vec![r], Some(l), vec![b]),
            _ => Kind::Other,
        },
        "for_in_statement"
        | "enhanced_for_statement"
        | "for_each_statement"
        | "foreach_statement" => {
            let value = f("right").or(f("value")).or(f("expression"));
            let bind = f("left").or(f("name")).or(f("value").and(None));
            match (value, f("body")) {
                (Some(v), Some(b)) => Kind::Loop(vec![v], bind, vec![b]),
                _ => Kind::Other,
            }
        }
        "for_statement" => {
            let mut header = Vec::new();
            for name in ["init", "initializer", "condition"] {
                header.extend(fields(n, name));
            }
            let mut body: Vec<Node<'t>> = f("body").into_iter().collect();
            for name in ["update", "increment"] {
                body.extend(fields(n, name));
            }
            if body.is_empty() {
                return Kind::Other;
            }
            Kind::Loop(header, None, body)
        }
        "while_statement" | "do_statement" | "while" | "until" => match f("body") {
            Some(b) => Kind::Loop(f("condition").into_iter().collect(), None, vec![b]),
            None => Kind::Other,
        },
        "switch_expression" | "switch_statement" | "match_statement" => {
            let subject = f("condition").or(f("value")).or(f("subject"));
            let body = f("body");
            match (subject, body) {
                (Some(s), Some(b)) => Kind::Switch(s, cases(lang, b, src)),
                _ => Kind::Other,
            }
        }
        "try_statement" | "try_with_resources_statement" => {
            let Some(body) = f("body") else {
                return Kind::Other;
            };
            let mut handlers = Vec::new();
            let mut fin = None;
            for c in named(n) {
                match c.kind() {
                    "catch_clause" | "except_clause" | "except_group_clause" | "else_clause" => {
                        handlers.push(c)
                    }
                    "finally_clause" => fin = Some(c),
                    _ => {}
                }
            }
            if let Some(h) = f("handler") {
                handlers.push(h);
            }
            if let Some(x) = f("finalizer") {
                fin = Some(x);
            }
            Kind::Try(body, handlers, fin)
        }
        "return_statement" | "return" => Kind::Return(named(n).into_iter().next()),
        "throw_statement" | "raise_statement" | "throw_expression" => {
            Kind::Throw(named(n).into_iter().next())
        }
        "cast_expression" => match (f("type"), f("value")) {
            (Some(t), Some(_))
                if matches!(
                    t.kind(),
                    "integral_type" | "floating_point_type" | "boolean_type"
                ) =>
            {
                Kind::Tuple(Vec::new())
            }
            (_, Some(v)) => Kind::Tuple(vec![v]),
            _ => Kind::Other,
        },
        _ => Kind::Other,
    }
}

/// The cases of a switch/match body.
fn cases<'t>(lang: Lang, body: Node<'t>, src: &[u8]) -> Vec<Case<'t>> {
    let mut out = Vec::new();
    for c in named(body) {
        match c.kind() {
            // Java: `case A: stmts` groups and `case A -> stmt` rules.
            "switch_block_statement_group" | "switch_rule" => {
                let mut labels = Vec::new();
                let mut default = false;
                let mut stmts = Vec::new();
                for k in named(c) {
                    if k.kind() == "switch_label" {
                        let ls = named(k);
                        if ls.is_empty() || text(k, src).trim_start().starts_with("default") {
                            default = true;
                        }
                        labels.extend(ls);
                    } else {
                        stmts.push(k);
                    }
                }
                let breaks = c.kind() == "switch_rule" || ends_flow(&stmts);
                out.push(Case {
                    labels,
                    default,
                    body: stmts,
                    breaks,
                });
            }
            // JavaScript
            "switch_case" | "switch_default" => {
                let labels: Vec<Node<'t>> = field(c, "value").into_iter().collect();
                let stmts = fields(c, "body");
                let breaks = ends_flow(&stmts);
                out.push(Case {
                    default: c.kind() == "switch_default",
                    labels,
                    body: stmts,
                    breaks,
                });
            }
            // Python `match`
            "case_clause" => {
                let mut labels = Vec::new();
                let mut default = false;
                let mut stmts = Vec::new();
                for k in named(c) {
                    match k.kind() {
                        "case_pattern" => {
                            let inner = named(k);
                            if inner.is_empty() || text(k, src).trim() == "_" {
                                default = true;
                            } else if inner.len() == 1 && lang.is_string_kind(inner[0].kind())
                                || inner.len() == 1 && inner[0].kind() == "integer"
                            {
                                labels.push(inner[0]);
                            } else {
                                // A structural pattern: never treated as a constant label.
                                labels.push(k);
                            }
                        }
                        "block" => stmts.push(k),
                        _ => {}
                    }
                }
                if let Some(b) = field(c, "consequence") {
                    stmts = vec![b];
                }
                out.push(Case {
                    labels,
                    default,
                    body: stmts,
                    breaks: true,
                });
            }
            _ => {}
        }
    }
    out
}

fn ends_flow(stmts: &[Node<'_>]) -> bool {
    stmts.iter().any(|s| {
        matches!(
            s.kind(),
            "break_statement" | "return_statement" | "throw_statement" | "continue_statement"
        ) || (s.kind() == "block" || s.kind() == "statement_block") && ends_flow(&named(*s))
    })
}

/// `elif`/`else if` clause: its condition, body and the clauses after it.
pub fn elif<'t>(_lang: Lang, n: Node<'t>) -> Option<(Node<'t>, Node<'t>, Vec<Node<'t>>)> {
    match n.kind() {
        "elif_clause" | "else_if_clause" | "elsif" => {
            let c = field(n, "condition")?;
            let b = field(n, "consequence").or(field(n, "body"))?;
            Some((c, b, fields(n, "alternative")))
        }
        _ => None,
    }
}

/// A call's parts.
pub fn call<'t>(lang: Lang, n: Node<'t>) -> CallParts<'t> {
    let f = |name: &str| field(n, name);
    let (mut name, mut receiver) = (None, None);
    match n.kind() {
        "method_invocation" | "member_call_expression" | "nullsafe_member_call_expression" => {
            name = f("name");
            receiver = f("object");
        }
        "scoped_call_expression" => {
            name = f("name");
            receiver = f("scope");
        }
        "new_expression" | "object_creation_expression" => {
            name = f("constructor").or(f("type"));
        }
        _ => {
            let callee = f("function")
                .or(f("method"))
                .or_else(|| named(n).into_iter().next());
            if lang == Lang::Ruby {
                name = f("method");
                receiver = f("receiver");
            } else if let Some(c) = callee {
                match classify(lang, c, &[]) {
                    Kind::Member(o, a) => {
                        name = Some(a);
                        receiver = Some(o);
                    }
                    _ => {
                        name = Some(c);
                    }
                }
            }
        }
    }
    let argn = f("arguments").or_else(|| {
        named(n)
            .into_iter()
            .find(|c| c.kind().contains("argument") || c.kind() == "call_suffix")
    });
    let mut args = Vec::new();
    if let Some(a) = argn {
        for x in named(a) {
            match x.kind() {
                "value_arguments" => args.extend(named(x).into_iter().map(unwrap_arg)),
                _ => args.push(unwrap_arg(x)),
            }
        }
    }
    CallParts {
        name,
        receiver,
        args,
    }
}

fn unwrap_arg(x: Node<'_>) -> Node<'_> {
    match x.kind() {
        "keyword_argument" => field(x, "value").unwrap_or(x),
        "argument" | "value_argument" => named(x).into_iter().last().unwrap_or(x),
        _ => x,
    }
}

/// Calls whose result never carries taint: numeric conversions, lengths, tests.
pub fn is_clean_call(_lang: Lang, full: &str, name: &str) -> bool {
    const NAMES: &[&str] = &[
        "int",
        "float",
        "bool",
        "len",
        "abs",
        "round",
        "ord",
        "hash",
        "id",
        "isinstance",
        "hasattr",
        "callable",
        "parseInt",
        "parseFloat",
        "Number",
        "Boolean",
        "isNaN",
        "isFinite",
        "parseLong",
        "parseDouble",
        "parseFloat",
        "parseBoolean",
        "parseShort",
        "parseByte",
        "length",
        "size",
        "isEmpty",
        "isBlank",
        "equals",
        "equalsIgnoreCase",
        "contains",
        "containsKey",
        "containsValue",
        "startsWith",
        "endsWith",
        "matches",
        "hashCode",
        "compareTo",
        "compareToIgnoreCase",
        "indexOf",
        "lastIndexOf",
        "count",
        "isdigit",
        "isnumeric",
        "isdecimal",
        "isalnum",
        "isalpha",
        "startswith",
        "endswith",
        "has",
        "includes",
        "test",
        "intval",
        "floatval",
        "boolval",
        "is_numeric",
        "strlen",
        "Atoi",
        "ParseInt",
        "ParseFloat",
        "ParseBool",
        "ParseUint",
        "to_i",
        "to_f",
        "nextInt",
        "randint",
        "uuid4",
        "isInteger",
        "isSafeInteger",
        "toFixed",
        "ceil",
        "floor",
        "max",
        "min",
        "sum",
    ];
    if NAMES.contains(&name) {
        return true;
    }
    let full = full.trim();
    matches!(
        full,
        "Integer.valueOf"
            | "Long.valueOf"
            | "Double.valueOf"
            | "Float.valueOf"
            | "Short.valueOf"
            | "Boolean.valueOf"
            | "int.Parse"
            | "Int32.Parse"
            | "Int64.Parse"
            | "long.Parse"
            | "Guid.Parse"
            | "Convert.ToInt32"
            | "Convert.ToInt64"
            | "UUID.fromString"
            | "uuid.UUID"
            | "decimal.Decimal"
    ) || full.starts_with("Math.")
}

pub fn is_list_type(t: &str) -> bool {
    ["List", "Deque", "Vector", "Stack", "Queue", "Array"]
        .iter()
        .any(|x| t.contains(x))
        && !t.contains("Map")
}

/// Every name bound in a destructuring pattern.
pub fn idents_in<'t>(lang: Lang, n: Node<'t>, out: &mut Vec<Node<'t>>) {
    let mut stack = vec![n];
    while let Some(x) = stack.pop() {
        match x.kind() {
            "identifier"
            | "shorthand_property_identifier_pattern"
            | "simple_identifier"
            | "variable_name" => out.push(x),
            "pair_pattern" => {
                if let Some(v) = field(x, "value") {
                    stack.push(v);
                }
            }
            _ => stack.extend(named(x)),
        }
    }
    let _ = lang;
}

/// The functions of a file (and the file's top level, first).
pub fn units<'t>(lang: Lang, src: &[u8], root: Node<'t>) -> Vec<Unit<'t>> {
    let mut out = vec![Unit {
        node: root,
        name: None,
        params: Vec::new(),
    }];
    let mut stack = vec![root];
    while let Some(n) = stack.pop() {
        let mut c = n.walk();
        for k in n.named_children(&mut c) {
            if is_function(k.kind()) {
                out.push(unit(lang, src, k));
            }
            stack.push(k);
        }
        if out.len() > 20_000 {
            break;
        }
    }
    out
}

fn unit<'t>(lang: Lang, src: &[u8], n: Node<'t>) -> Unit<'t> {
    let mut name = field(n, "name").map(|x| text(x, src).to_string());
    if name.is_none()
        && let Some(p) = n.parent()
        && p.kind() == "variable_declarator"
    {
        name = field(p, "name").map(|x| text(x, src).to_string());
    }
    let mut params = Vec::new();
    let plist = field(n, "parameters").or(field(n, "parameter"));
    if let Some(pl) = plist {
        let items = if pl.kind() == "identifier" {
            vec![pl]
        } else {
            named(pl)
        };
        let mut idx = 0usize;
        for (i, p) in items.iter().enumerate() {
            let mut names = Vec::new();
            let nm = field(*p, "name")
                .or(field(*p, "left"))
                .or(field(*p, "pattern"));
            match nm {
                Some(x) => idents_in(lang, x, &mut names),
                None => idents_in(lang, *p, &mut names),
            }
            // Java/C#/Go: the type's identifiers are not parameter names.
            if let Some(t) = field(*p, "type") {
                names.retain(|x| {
                    !(x.start_byte() >= t.start_byte() && x.end_byte() <= t.end_byte())
                });
            }
            let first = names.first().map(|x| text(*x, src).to_string());
            if i == 0 && lang == Lang::Python && matches!(first.as_deref(), Some("self" | "cls")) {
                continue;
            }
            for x in names {
                params.push((text(x, src).to_string(), *p, idx));
            }
            idx += 1;
        }
    }
    Unit {
        node: n,
        name,
        params,
    }
}

/// The body to evaluate for a unit.
pub fn body<'t>(_lang: Lang, n: Node<'t>) -> Option<Node<'t>> {
    if n.parent().is_none() {
        return Some(n);
    }
    // Ruby methods and a few grammars keep statements as direct children.
    field(n, "body").or(Some(n))
}

/// Whether a unit's body is an expression (arrow functions and lambdas without a block).
pub fn is_expression_body(_lang: Lang, n: Node<'_>, body: Node<'_>) -> bool {
    matches!(n.kind(), "arrow_function" | "lambda" | "lambda_expression")
        && !matches!(body.kind(), "statement_block" | "block")
}
