//! The check and policy language: YAML documents of checks, each a selector (which objects
//! of which format), a condition over attribute paths, and the rule's metadata and examples.
//!
//! ```yaml
//! checks:
//!   - id: iac/k8s-privileged-container
//!     name: Privileged container
//!     format: kubernetes            # kubernetes | compose | cloudformation | github-actions | gitlab-ci
//!     select: container             # or {kind: [Role, ClusterRole]} / {type: AWS::S3::Bucket}
//!     severity: high
//!     cwe: [250]
//!     fail:                         # a finding when this holds
//!       path: securityContext.privileged
//!       equals: true
//!     message: "container `{name}` runs privileged"
//! ```
//!
//! Conditions: `{path, <op>}` with the operators `equals`, `not-equals`, `exists`, `absent`,
//! `contains`, `not-contains`, `matches`, `not-matches`, `greater-than`, `less-than`, `in`,
//! `not-in`; `{and: [...]}`, `{or: [...]}`, `{not: cond}`; and references between objects:
//! `{referenced-by: {kind: K, via: path, where: cond}}` holds when another object of kind
//! `K` in the same file points at this one through `via` (by name, `Ref` or `!Ref`) and
//! satisfies `where`. Paths take `*`/`[*]` wildcards; a path matching several nodes holds
//! when any of them satisfies the operator (`all: true` asks for every one). On a missing
//! field, `absent` and the negative operators (`not-equals`, `not-in` ...) hold, except on a
//! wildcard path, which only asks about the items that exist. `{path: env[*], some: cond}`
//! and `{path: ..., every: cond}` evaluate `cond` on each item (paths inside are relative to
//! the item, `.` is the item itself; over a mapping, `$key` is the item's key). Paths starting with `$pod`, `$object`, `$job`, `$workflow`, `$file`,
//! `$template`, `$pipeline` start at the enclosing object.
//!
//! Evaluation is three-valued: a value the scanner cannot know (a CloudFormation `Ref`,
//! `Fn::*` or `!Sub`, a `${{ }}` expression) is Unknown, and Unknown never fails a check.

use palisade_engine::finding::{Confidence, Severity};
use palisade_engine::{Example, RuleMeta};
use regex::Regex;

use crate::doc::{Node, Pos, Seg, Value, parse_route, parse_yaml, route_index, route_key};

/// A policy file could not be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyError {
    pub file: String,
    pub line: u32,
    pub message: String,
}

impl std::fmt::Display for PolicyError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}: {}", self.file, self.line, self.message)
    }
}

/// The formats a policy can select from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Format {
    Kubernetes,
    Compose,
    CloudFormation,
    GithubActions,
    GitlabCi,
    Dockerfile,
}

impl Format {
    pub fn parse(s: &str) -> Option<Format> {
        Some(match s {
            "kubernetes" => Format::Kubernetes,
            "compose" => Format::Compose,
            "cloudformation" => Format::CloudFormation,
            "github-actions" => Format::GithubActions,
            "gitlab-ci" => Format::GitlabCi,
            "dockerfile" => Format::Dockerfile,
            _ => return None,
        })
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Kubernetes => "kubernetes",
            Format::Compose => "compose",
            Format::CloudFormation => "cloudformation",
            Format::GithubActions => "github-actions",
            Format::GitlabCi => "gitlab-ci",
            Format::Dockerfile => "dockerfile",
        }
    }
    /// The file name examples of this format are scanned under.
    pub fn example_path(self) -> &'static str {
        match self {
            Format::Kubernetes => "k8s/example.yaml",
            Format::Compose => "docker-compose.yml",
            Format::CloudFormation => "cfn/template.yaml",
            Format::GithubActions => ".github/workflows/example.yml",
            Format::GitlabCi => ".gitlab-ci.yml",
            Format::Dockerfile => "Dockerfile",
        }
    }
    /// The selectors this format offers besides `{kind: ...}`.
    fn selectors(self) -> &'static [&'static str] {
        match self {
            Format::Kubernetes => &["container", "app-container", "pod", "object"],
            Format::Compose => &["service"],
            Format::CloudFormation => &["resource"],
            Format::GithubActions => &["workflow", "job", "step"],
            Format::GitlabCi => &["job", "pipeline"],
            Format::Dockerfile => &[],
        }
    }
}

/// Which objects a check looks at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Select {
    /// A format-defined selector: `container`, `service`, `job` ...
    Named(String),
    /// Objects whose kind (Kubernetes `kind`, CloudFormation `Type`) is one of these.
    Kinds(Vec<String>),
}

#[derive(Debug, Clone)]
pub enum Op {
    Equals(Node),
    NotEquals(Node),
    Exists,
    Absent,
    Contains(Node),
    NotContains(Node),
    Matches(Regex),
    NotMatches(Regex),
    GreaterThan(f64),
    LessThan(f64),
    In(Vec<Node>),
    NotIn(Vec<Node>),
}

#[derive(Debug, Clone)]
pub enum Cond {
    Path {
        path: Vec<Seg>,
        op: Op,
        all: bool,
    },
    And(Vec<Cond>),
    Or(Vec<Cond>),
    Not(Box<Cond>),
    /// `{path: env[*], some: cond}` / `{path: rules[*], every: cond}`: the condition
    /// evaluated with each node the path leads to as the subject.
    Each {
        path: Vec<Seg>,
        cond: Box<Cond>,
        every: bool,
    },
    ReferencedBy {
        kinds: Vec<String>,
        via: Vec<Seg>,
        cond: Option<Box<Cond>>,
    },
}

/// One check: metadata, selector, condition.
#[derive(Debug, Clone)]
pub struct Check {
    pub meta: RuleMeta,
    pub format: Format,
    pub select: Select,
    /// Only objects where this holds are looked at.
    pub when: Option<Cond>,
    /// A finding when this holds. `None` for checks implemented in Rust.
    pub fail: Option<Cond>,
    pub message: String,
    /// Equivalent ids in other tools: `(tool, id)`.
    pub equivalents: Vec<(String, String)>,
}

/// Three-valued truth.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tri {
    True,
    False,
    Unknown,
}

impl Tri {
    fn not(self) -> Tri {
        match self {
            Tri::True => Tri::False,
            Tri::False => Tri::True,
            Tri::Unknown => Tri::Unknown,
        }
    }
    fn from(b: bool) -> Tri {
        if b { Tri::True } else { Tri::False }
    }
}

/// Where a condition became true: the route and position of the deciding node.
#[derive(Debug, Clone)]
pub struct Witness {
    pub route: String,
    pub start: Pos,
    pub end: Pos,
    pub value: String,
}

/// An object a check looks at.
pub struct Subject<'a> {
    pub node: &'a Node,
    /// Route of `node` from its document root.
    pub route: String,
    /// Kind (Kubernetes kind, CloudFormation type, `container`, `job` ...).
    pub kind: String,
    /// A display name (`container app of Deployment/web`).
    pub name: String,
    /// The name other objects use to point at this one (k8s name, CFN logical id).
    pub ref_name: String,
    /// Stable identity for fingerprints (kind, namespace, name, route) – no line numbers.
    pub identity: String,
    /// Enclosing objects a path can start from: `$pod.securityContext`, `$workflow.on`.
    pub parents: Vec<(&'static str, &'a Node, String)>,
}

/// Every object of a file, for `referenced-by`.
pub struct World<'a> {
    pub objects: Vec<Subject<'a>>,
}

// ---------------------------------------------------------------------------------------
// Loading

/// The enclosing objects a path may start from.
const PARENTS: &[&str] = &[
    "$pod",
    "$object",
    "$job",
    "$workflow",
    "$file",
    "$template",
    "$pipeline",
    "$key",
];

struct Loader<'f> {
    file: &'f str,
}

fn kebab_key(s: &str) -> bool {
    !s.is_empty()
}

impl Loader<'_> {
    fn err(&self, node: &Node, message: impl Into<String>) -> PolicyError {
        PolicyError {
            file: self.file.to_string(),
            line: node.start.line,
            message: message.into(),
        }
    }

    fn string(&self, node: &Node, what: &str) -> Result<String, PolicyError> {
        node.as_str()
            .map(str::to_string)
            .ok_or_else(|| self.err(node, format!("`{what}` must be a string")))
    }

    fn strings(&self, node: &Node, what: &str) -> Result<Vec<String>, PolicyError> {
        match &node.value {
            Value::Scalar { text, .. } => Ok(vec![text.clone()]),
            Value::Seq(items) => items.iter().map(|i| self.string(i, what)).collect(),
            Value::Map(_) => Err(self.err(node, format!("`{what}` must be a string or a list"))),
        }
    }

    fn cond(&self, node: &Node) -> Result<Cond, PolicyError> {
        let Some(map) = node.as_map() else {
            return Err(self.err(node, "a condition must be a mapping (`path:` + operator, `and`, `or`, `not` or `referenced-by`)"));
        };
        if let Some(items) = node.get("and").or_else(|| node.get("or")) {
            let is_and = node.get("and").is_some();
            let Some(seq) = items.as_seq() else {
                return Err(self.err(items, "`and`/`or` take a list of conditions"));
            };
            if seq.is_empty() {
                return Err(self.err(items, "`and`/`or` need at least one condition"));
            }
            if map.len() != 1 {
                return Err(self.err(node, "`and`/`or` must be alone in their mapping"));
            }
            let conds = seq.iter().map(|c| self.cond(c)).collect::<Result<_, _>>()?;
            return Ok(if is_and {
                Cond::And(conds)
            } else {
                Cond::Or(conds)
            });
        }
        if let Some(inner) = node.get("not") {
            if map.len() != 1 {
                return Err(self.err(node, "`not` must be alone in its mapping"));
            }
            return Ok(Cond::Not(Box::new(self.cond(inner)?)));
        }
        if let Some(r) = node.get("referenced-by") {
            let kinds = r
                .get("kind")
                .ok_or_else(|| self.err(r, "`referenced-by` needs `kind`"))?;
            let via = r.get("via").ok_or_else(|| {
                self.err(
                    r,
                    "`referenced-by` needs `via` (the attribute path that names this object)",
                )
            })?;
            for (k, _) in r.as_map().unwrap_or_default() {
                let key = k.as_str().unwrap_or("");
                if !matches!(key, "kind" | "via" | "where") {
                    return Err(self.err(
                        k,
                        format!(
                            "unknown key `{key}` in `referenced-by` (expected kind, via, where)"
                        ),
                    ));
                }
            }
            return Ok(Cond::ReferencedBy {
                kinds: self.strings(kinds, "kind")?,
                via: parse_route(&self.string(via, "via")?),
                cond: r
                    .get("where")
                    .map(|w| self.cond(w))
                    .transpose()?
                    .map(Box::new),
            });
        }
        let path = node.get("path").ok_or_else(|| {
            self.err(
                node,
                "a condition needs `path` and an operator, or `and`/`or`/`not`/`referenced-by`",
            )
        })?;
        let path_s = self.string(path, "path")?;
        if path_s.trim().is_empty() {
            return Err(self.err(path, "`path` is empty (write `.` for the value itself)"));
        }
        if let Some(Seg::Key(k)) = parse_route(&path_s).first()
            && k.starts_with('$')
            && !PARENTS.contains(&k.as_str())
        {
            return Err(self.err(
                path,
                format!(
                    "unknown `{k}` in path `{path_s}` (expected one of {})",
                    PARENTS.join(", ")
                ),
            ));
        }
        if let Some(inner) = node.get("some").or_else(|| node.get("every")) {
            if map.len() != 2 {
                return Err(self.err(node, "`some`/`every` take only `path` beside them"));
            }
            return Ok(Cond::Each {
                path: parse_route(&path_s),
                cond: Box::new(self.cond(inner)?),
                every: node.get("every").is_some(),
            });
        }
        let mut op = None;
        let mut all = false;
        for (k, v) in map {
            let key = k.as_str().unwrap_or("");
            let this = match key {
                "path" => continue,
                "all" => {
                    all = v
                        .as_bool()
                        .ok_or_else(|| self.err(v, "`all` must be true or false"))?;
                    continue;
                }
                "equals" => Op::Equals(v.clone()),
                "not-equals" => Op::NotEquals(v.clone()),
                "exists" | "absent" => {
                    let b = v
                        .as_bool()
                        .ok_or_else(|| self.err(v, format!("`{key}` must be true or false")))?;
                    if (key == "exists") == b {
                        Op::Exists
                    } else {
                        Op::Absent
                    }
                }
                "contains" => Op::Contains(v.clone()),
                "not-contains" => Op::NotContains(v.clone()),
                "matches" | "not-matches" => {
                    let pat = self.string(v, key)?;
                    let re = regex::RegexBuilder::new(&pat)
                        .size_limit(1 << 20)
                        .build()
                        .map_err(|e| {
                            self.err(v, format!("`{key}`: invalid regular expression: {e}"))
                        })?;
                    if key == "matches" {
                        Op::Matches(re)
                    } else {
                        Op::NotMatches(re)
                    }
                }
                "greater-than" | "less-than" => {
                    let n = v
                        .as_f64()
                        .ok_or_else(|| self.err(v, format!("`{key}` takes a number")))?;
                    if key == "greater-than" {
                        Op::GreaterThan(n)
                    } else {
                        Op::LessThan(n)
                    }
                }
                "in" | "not-in" => {
                    let items = v
                        .as_seq()
                        .ok_or_else(|| self.err(v, format!("`{key}` takes a list")))?
                        .to_vec();
                    if key == "in" {
                        Op::In(items)
                    } else {
                        Op::NotIn(items)
                    }
                }
                other => {
                    return Err(self.err(k, format!(
                        "unknown operator `{other}` (expected equals, not-equals, exists, absent, contains, not-contains, matches, not-matches, greater-than, less-than, in, not-in)"
                    )));
                }
            };
            if op.is_some() {
                return Err(self.err(k, "one operator per condition: combine several with `and`"));
            }
            op = Some(this);
        }
        let op =
            op.ok_or_else(|| self.err(node, format!("condition on `{path_s}` has no operator")))?;
        Ok(Cond::Path {
            path: parse_route(&path_s),
            op,
            all,
        })
    }

    fn examples(&self, node: Option<&Node>, format: Format) -> Result<Vec<Example>, PolicyError> {
        let Some(node) = node else {
            return Ok(Vec::new());
        };
        let Some(seq) = node.as_seq() else {
            return Err(self.err(node, "examples must be a list"));
        };
        seq.iter()
            .map(|e| match &e.value {
                Value::Scalar { text, .. } => Ok(Example::File {
                    path: format.example_path().to_string(),
                    text: text.clone(),
                }),
                Value::Map(_) => Ok(Example::File {
                    path: e
                        .str_at("path")
                        .unwrap_or(format.example_path())
                        .to_string(),
                    text: self.string(
                        e.get("text")
                            .ok_or_else(|| self.err(e, "an example mapping needs `text`"))?,
                        "text",
                    )?,
                }),
                Value::Seq(_) => Err(self.err(e, "an example is a string or {path, text}")),
            })
            .collect()
    }

    fn check(&self, node: &Node, code_ids: &[&str]) -> Result<Check, PolicyError> {
        const KEYS: &[&str] = &[
            "id",
            "name",
            "format",
            "select",
            "severity",
            "confidence",
            "cwe",
            "owasp",
            "when",
            "fail",
            "message",
            "description",
            "references",
            "equivalents",
            "examples",
            "negative-examples",
            "code",
        ];
        let Some(map) = node.as_map() else {
            return Err(self.err(node, "a check must be a mapping"));
        };
        for (k, _) in map {
            let key = k.as_str().unwrap_or("");
            if !KEYS.contains(&key) || !kebab_key(key) {
                return Err(self.err(
                    k,
                    format!(
                        "unknown key `{key}` in a check (expected one of {})",
                        KEYS.join(", ")
                    ),
                ));
            }
        }
        let need = |key: &str| {
            node.get(key)
                .ok_or_else(|| self.err(node, format!("check has no `{key}`")))
        };
        let id = self.string(need("id")?, "id")?;
        let ctx = |e: PolicyError| PolicyError {
            message: format!("check `{id}`: {}", e.message),
            ..e
        };
        let inner = || -> Result<Check, PolicyError> {
            let id_ok = id.strip_prefix("iac/").is_some_and(|n| {
                !n.is_empty()
                    && n.bytes()
                        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            });
            if !id_ok {
                return Err(self.err(need("id")?, "id must be `iac/<kebab-case-name>`"));
            }
            let fnode = need("format")?;
            let fname = self.string(fnode, "format")?;
            let format = Format::parse(&fname).ok_or_else(|| {
                self.err(fnode, format!("unknown format `{fname}` (expected kubernetes, compose, cloudformation, github-actions, gitlab-ci, dockerfile)"))
            })?;
            let code = node.get("code").and_then(Node::as_bool).unwrap_or(false);
            let select = match node.get("select") {
                None if code => Select::Named(String::new()),
                None => return Err(self.err(node, "check has no `select`")),
                Some(s) => match &s.value {
                    Value::Scalar { text, .. } => {
                        if !format.selectors().contains(&text.as_str()) {
                            return Err(self.err(s, format!(
                                "unknown selector `{text}` for {} (expected {}, or {{kind: [...]}})",
                                format.as_str(),
                                format.selectors().join(", ")
                            )));
                        }
                        Select::Named(text.clone())
                    }
                    Value::Map(_) => {
                        let k = s.get("kind").or_else(|| s.get("type")).ok_or_else(|| {
                            self.err(s, "`select` mapping needs `kind` (or `type`)")
                        })?;
                        Select::Kinds(self.strings(k, "kind")?)
                    }
                    Value::Seq(_) => {
                        return Err(self.err(s, "`select` is a selector name or {kind: [...]}"));
                    }
                },
            };
            let sev_node = need("severity")?;
            let severity: Severity = self
                .string(sev_node, "severity")?
                .parse()
                .map_err(|e| self.err(sev_node, format!("{e}")))?;
            let confidence: Confidence = match node.get("confidence") {
                Some(c) => self
                    .string(c, "confidence")?
                    .parse()
                    .map_err(|e| self.err(c, format!("{e}")))?,
                None => Confidence::High,
            };
            let cwe_node = need("cwe")?;
            let cwe =
                match &cwe_node.value {
                    Value::Seq(items) => items
                        .iter()
                        .map(|c| {
                            c.as_f64()
                                .map(|f| f as u32)
                                .ok_or_else(|| self.err(c, "a CWE is a number"))
                        })
                        .collect::<Result<Vec<_>, _>>()?,
                    _ => vec![cwe_node.as_f64().map(|f| f as u32).ok_or_else(|| {
                        self.err(cwe_node, "`cwe` is a number or a list of numbers")
                    })?],
                };
            let fail = node.get("fail").map(|c| self.cond(c)).transpose()?;
            if fail.is_none() && !code {
                return Err(self.err(node, "check has no `fail` condition"));
            }
            if code && !code_ids.contains(&id.as_str()) {
                return Err(self.err(
                    node,
                    "`code: true` names a check implemented in palisade itself; this id is not one",
                ));
            }
            let when = node.get("when").map(|c| self.cond(c)).transpose()?;
            let mut equivalents = Vec::new();
            if let Some(eq) = node.get("equivalents") {
                let Some(m) = eq.as_map() else {
                    return Err(self.err(
                        eq,
                        "`equivalents` maps a tool (checkov, hadolint, zizmor, kics) to its id(s)",
                    ));
                };
                for (k, v) in m {
                    let tool = self.string(k, "tool")?;
                    for id in self.strings(v, "equivalent id")? {
                        equivalents.push((tool.clone(), id));
                    }
                }
            }
            let mut references = node
                .get("references")
                .map(|r| self.strings(r, "references"))
                .transpose()?
                .unwrap_or_default();
            references.extend(equivalents.iter().map(|(t, i)| format!("{t}:{i}")));
            let description = node
                .get("description")
                .map(|d| self.string(d, "description"))
                .transpose()?
                .unwrap_or_default();
            let message = node
                .get("message")
                .map(|d| self.string(d, "message"))
                .transpose()?
                .unwrap_or_default();
            let name = self.string(need("name")?, "name")?;
            Ok(Check {
                meta: RuleMeta {
                    id: id.clone(),
                    name: name.clone(),
                    severity,
                    confidence,
                    cwe,
                    // Misconfiguration is what IaC checks find, unless the check says otherwise.
                    owasp: node
                        .get("owasp")
                        .map(|o| self.strings(o, "owasp"))
                        .transpose()?
                        .unwrap_or_else(|| vec!["A05:2021".to_string()]),
                    description,
                    references,
                    examples: self.examples(node.get("examples"), format)?,
                    negative_examples: self.examples(node.get("negative-examples"), format)?,
                },
                format,
                select,
                when,
                fail,
                message: if message.is_empty() { name } else { message },
                equivalents,
            })
        };
        inner().map_err(ctx)
    }
}

/// Loads a policy file: `checks: [...]` (or a bare list of checks). `code_ids` are the ids
/// implemented in Rust, which a `code: true` check may describe.
pub fn load_policies(file: &str, text: &str, code_ids: &[&str]) -> Result<Vec<Check>, PolicyError> {
    let docs = parse_yaml(text).map_err(|e| PolicyError {
        file: file.to_string(),
        line: e.line,
        message: format!("not valid YAML: {}", e.message),
    })?;
    let loader = Loader { file };
    let mut out = Vec::new();
    for doc in &docs {
        let list = match &doc.value {
            Value::Seq(_) => doc,
            Value::Map(_) => doc.get("checks").ok_or_else(|| {
                loader.err(doc, "a policy file holds `checks:` (a list of checks)")
            })?,
            Value::Scalar { .. } => {
                return Err(loader.err(doc, "a policy file holds `checks:` (a list of checks)"));
            }
        };
        let Some(items) = list.as_seq() else {
            return Err(loader.err(list, "`checks` must be a list"));
        };
        for item in items {
            out.push(loader.check(item, code_ids)?);
        }
    }
    Ok(out)
}

// ---------------------------------------------------------------------------------------
// Evaluation

/// Whether a node's value cannot be known statically.
pub fn is_unknown(node: &Node) -> bool {
    if let Some(tag) = &node.tag
        && tag.starts_with('!')
        && !tag.starts_with("!!")
    {
        return true; // CloudFormation short forms: !Ref, !Sub, !If ...
    }
    match &node.value {
        Value::Map(m) if m.len() == 1 => m[0]
            .0
            .as_str()
            .is_some_and(|k| k == "Ref" || k.starts_with("Fn::")),
        Value::Scalar { text, .. } => text.contains("${{"),
        _ => false,
    }
}

/// The nodes a path leads to, with their routes. Unknown nodes met on the way end the walk
/// and are returned as they are (the caller treats them as Unknown).
pub fn resolve<'a>(node: &'a Node, route: &str, path: &[Seg], out: &mut Vec<(String, &'a Node)>) {
    if out.len() > 10_000 {
        return;
    }
    let Some((seg, rest)) = path.split_first() else {
        out.push((route.to_string(), node));
        return;
    };
    if is_unknown(node) {
        out.push((route.to_string(), node));
        return;
    }
    match seg {
        Seg::Key(k) => {
            if let Some(v) = node.get(k) {
                resolve(v, &route_key(route, k), rest, out);
            } else if let (Some(seq), Ok(i)) = (node.as_seq(), k.parse::<usize>())
                && let Some(v) = seq.get(i)
            {
                resolve(v, &route_index(route, i), rest, out);
            }
        }
        Seg::Index(i) => {
            if let Some(v) = node.as_seq().and_then(|s| s.get(*i)) {
                resolve(v, &route_index(route, *i), rest, out);
            }
        }
        Seg::Any => match &node.value {
            Value::Seq(items) => {
                for (i, v) in items.iter().enumerate() {
                    resolve(v, &route_index(route, i), rest, out);
                }
            }
            Value::Map(m) => {
                for (k, v) in m {
                    resolve(v, &route_key(route, k.as_str().unwrap_or("?")), rest, out);
                }
            }
            Value::Scalar { .. } => {}
        },
    }
}

/// Loose equality between a policy literal and a document node: booleans and numbers by
/// value, strings by text, collections structurally.
pub fn loose_eq(a: &Node, b: &Node) -> bool {
    match (&a.value, &b.value) {
        (Value::Scalar { text: ta, .. }, Value::Scalar { text: tb, .. }) => {
            if let (Some(x), Some(y)) = (a.as_bool(), b.as_bool()) {
                return x == y;
            }
            if let (Some(x), Some(y)) = (a.as_f64(), b.as_f64())
                && a.is_plain()
                && (b.is_plain() || tb.parse::<f64>().is_ok())
            {
                return (x - y).abs() < f64::EPSILON;
            }
            ta == tb || (a.as_bool().is_some() && ta.eq_ignore_ascii_case(tb))
        }
        (Value::Seq(x), Value::Seq(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| loose_eq(p, q))
        }
        (Value::Map(x), Value::Map(y)) => {
            x.len() == y.len()
                && x.iter().all(|(k, v)| {
                    y.iter()
                        .any(|(k2, v2)| k.as_str() == k2.as_str() && loose_eq(v, v2))
                })
        }
        _ => false,
    }
}

fn contains(hay: &Node, needle: &Node) -> Tri {
    match &hay.value {
        Value::Seq(items) => {
            let mut unknown = false;
            for i in items {
                if is_unknown(i) {
                    unknown = true;
                } else if loose_eq(i, needle) {
                    return Tri::True;
                }
            }
            if unknown { Tri::Unknown } else { Tri::False }
        }
        Value::Map(m) => Tri::from(m.iter().any(|(k, _)| k.as_str() == needle.as_str())),
        Value::Scalar { text, .. } => Tri::from(needle.as_str().is_some_and(|n| text.contains(n))),
    }
}

fn apply(op: &Op, v: &Node) -> Tri {
    if is_unknown(v) && !matches!(op, Op::Exists | Op::Absent) {
        return Tri::Unknown;
    }
    match op {
        Op::Equals(x) => Tri::from(loose_eq(x, v)),
        Op::NotEquals(x) => Tri::from(!loose_eq(x, v)),
        Op::Exists => Tri::from(!v.is_null()),
        Op::Absent => Tri::from(v.is_null()),
        Op::Contains(x) => contains(v, x),
        Op::NotContains(x) => contains(v, x).not(),
        Op::Matches(re) => Tri::from(v.as_str().is_some_and(|s| re.is_match(s))),
        Op::NotMatches(re) => Tri::from(!v.as_str().is_some_and(|s| re.is_match(s))),
        Op::GreaterThan(n) => v.as_f64().map_or(Tri::False, |x| Tri::from(x > *n)),
        Op::LessThan(n) => v.as_f64().map_or(Tri::False, |x| Tri::from(x < *n)),
        Op::In(items) => Tri::from(items.iter().any(|i| loose_eq(i, v))),
        Op::NotIn(items) => Tri::from(!items.iter().any(|i| loose_eq(i, v))),
    }
}

/// Evaluates a condition on a subject. The witness is the node that made it true.
pub fn eval(
    cond: &Cond,
    s: &Subject<'_>,
    world: &World<'_>,
    depth: usize,
) -> (Tri, Option<Witness>) {
    if depth > 32 {
        return (Tri::Unknown, None);
    }
    match cond {
        Cond::Path { path, op, all } => {
            let mut nodes = Vec::new();
            match path.first() {
                Some(Seg::Key(k)) if k.starts_with('$') => {
                    if let Some((_, n, r)) = s.parents.iter().find(|(name, _, _)| name == k) {
                        resolve(n, r, &path[1..], &mut nodes);
                    }
                }
                _ => resolve(s.node, &s.route, path, &mut nodes),
            }
            let nodes: Vec<_> = nodes
                .into_iter()
                .filter(|(_, n)| !n.is_null() || matches!(op, Op::Exists | Op::Absent))
                .collect();
            if nodes.is_empty() {
                // Nothing there: absent holds; negative operators hold on a plain path
                // (an unset field is not equal to anything) but not on a wildcard path,
                // which asks about the items there are.
                let wildcard = path.contains(&Seg::Any);
                let t = matches!(op, Op::Absent)
                    || (!wildcard
                        && matches!(
                            op,
                            Op::NotEquals(_)
                                | Op::NotContains(_)
                                | Op::NotMatches(_)
                                | Op::NotIn(_)
                        ));
                return (Tri::from(t), None);
            }
            let mut result = if *all { Tri::True } else { Tri::False };
            let mut witness = None;
            for (route, n) in &nodes {
                let r = apply(op, n);
                let w = || Witness {
                    route: route.clone(),
                    start: n.start,
                    end: n.end,
                    value: n.display(),
                };
                if *all {
                    match r {
                        Tri::False => return (Tri::False, None),
                        Tri::Unknown => result = Tri::Unknown,
                        Tri::True => {
                            if witness.is_none() {
                                witness = Some(w());
                            }
                        }
                    }
                } else {
                    match r {
                        Tri::True => return (Tri::True, Some(w())),
                        Tri::Unknown => result = Tri::Unknown,
                        Tri::False => {}
                    }
                }
            }
            (result, if result == Tri::True { witness } else { None })
        }
        Cond::And(cs) => {
            let mut res = Tri::True;
            let mut witness = None;
            for c in cs {
                let (r, w) = eval(c, s, world, depth + 1);
                match r {
                    Tri::False => return (Tri::False, None),
                    Tri::Unknown => res = Tri::Unknown,
                    Tri::True => {
                        if w.is_some() {
                            witness = w;
                        }
                    }
                }
            }
            (res, if res == Tri::True { witness } else { None })
        }
        Cond::Or(cs) => {
            let mut res = Tri::False;
            for c in cs {
                let (r, w) = eval(c, s, world, depth + 1);
                match r {
                    Tri::True => return (Tri::True, w),
                    Tri::Unknown => res = Tri::Unknown,
                    Tri::False => {}
                }
            }
            (res, None)
        }
        Cond::Not(c) => (eval(c, s, world, depth + 1).0.not(), None),
        Cond::Each { path, cond, every } => {
            let mut nodes = Vec::new();
            resolve(s.node, &s.route, path, &mut nodes);
            // Items of a mapping (`environment.*`) also expose their key as `$key`.
            let mut parents = Vec::new();
            if path.last() == Some(&Seg::Any) {
                resolve(s.node, &s.route, &path[..path.len() - 1], &mut parents);
            }
            let key_of = |n: &Node| -> Option<&Node> {
                parents.iter().find_map(|(_, p)| {
                    p.as_map()?
                        .iter()
                        .find(|(_, v)| std::ptr::eq(v, n))
                        .map(|(k, _)| k)
                })
            };
            let mut res = if *every { Tri::True } else { Tri::False };
            let mut witness = None;
            for (route, n) in nodes {
                let mut item_parents = s.parents.clone();
                if let Some(k) = key_of(n) {
                    item_parents.push(("$key", k, route.clone()));
                }
                let item = Subject {
                    node: n,
                    route: route.clone(),
                    kind: s.kind.clone(),
                    name: s.name.clone(),
                    ref_name: s.ref_name.clone(),
                    identity: s.identity.clone(),
                    parents: item_parents,
                };
                let (r, w) = eval(cond, &item, world, depth + 1);
                let w = w.or_else(|| {
                    Some(Witness {
                        route: route.clone(),
                        start: n.start,
                        end: n.end,
                        value: n.display(),
                    })
                });
                match (r, *every) {
                    (Tri::True, false) => return (Tri::True, w),
                    (Tri::False, true) => return (Tri::False, None),
                    (Tri::Unknown, _) => res = Tri::Unknown,
                    (Tri::True, true) => {
                        if witness.is_none() {
                            witness = w;
                        }
                    }
                    (Tri::False, false) => {}
                }
            }
            (res, if res == Tri::True { witness } else { None })
        }
        Cond::ReferencedBy { kinds, via, cond } => {
            let mut res = Tri::False;
            for o in &world.objects {
                if !kinds.iter().any(|k| k == &o.kind) {
                    continue;
                }
                let mut nodes = Vec::new();
                resolve(o.node, "", via, &mut nodes);
                let points = nodes.iter().any(|(_, n)| refers_to(n, &s.ref_name));
                if !points {
                    if nodes
                        .iter()
                        .any(|(_, n)| is_unknown(n) && ref_target(n).is_none())
                    {
                        res = Tri::Unknown;
                    }
                    continue;
                }
                match cond {
                    None => return (Tri::True, None),
                    Some(c) => match eval(c, o, world, depth + 1).0 {
                        Tri::True => return (Tri::True, None),
                        Tri::Unknown => res = Tri::Unknown,
                        Tri::False => {}
                    },
                }
            }
            (res, None)
        }
    }
}

/// The logical id a `Ref`/`!Ref`/`Fn::GetAtt` points at.
fn ref_target(n: &Node) -> Option<&str> {
    if let Some(tag) = &n.tag
        && (tag == "!Ref" || tag == "!GetAtt")
    {
        return n.as_str().map(|s| s.split('.').next().unwrap_or(s));
    }
    if let Some(r) = n.get("Ref") {
        return r.as_str();
    }
    if let Some(g) = n.get("Fn::GetAtt") {
        return g
            .as_seq()
            .and_then(|s| s.first())
            .and_then(Node::as_str)
            .or_else(|| g.as_str().map(|s| s.split('.').next().unwrap_or(s)));
    }
    None
}

fn refers_to(n: &Node, name: &str) -> bool {
    if name.is_empty() {
        return false;
    }
    if let Some(t) = ref_target(n) {
        return t == name;
    }
    match &n.value {
        Value::Scalar { text, .. } => text == name,
        Value::Seq(items) => items.iter().any(|i| refers_to(i, name)),
        Value::Map(_) => false,
    }
}

/// Renders a message template: `{name}`, `{kind}`, `{value}`, `{route}`.
pub fn render_message(template: &str, s: &Subject<'_>, w: Option<&Witness>) -> String {
    let value = w.map_or(String::new(), |w| {
        let mut v = w.value.clone();
        if v.len() > 80 {
            let mut cut = 77;
            while !v.is_char_boundary(cut) {
                cut -= 1;
            }
            v.truncate(cut);
            v.push('…');
        }
        v
    });
    template
        .replace("{name}", &s.name)
        .replace("{kind}", &s.kind)
        .replace("{value}", &value)
        .replace("{route}", w.map_or(s.route.as_str(), |w| w.route.as_str()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(yaml: &str) -> String {
        load_policies("p.yaml", yaml, &[])
            .expect_err("error")
            .to_string()
    }

    const HEAD: &str = "checks:\n  - id: iac/x\n    name: X\n    format: kubernetes\n    select: container\n    severity: low\n    cwe: [1]\n";

    #[test]
    fn bad_policies_name_file_line_and_problem() {
        assert_eq!(
            err(&format!("{HEAD}    fail: {{path: $pdo.x, exists: true}}\n")),
            "p.yaml:8: check `iac/x`: unknown `$pdo` in path `$pdo.x` (expected one of $pod, $object, $job, $workflow, $file, $template, $pipeline, $key)"
        );
        assert!(
            err(&format!(
                "{HEAD}    fail: {{path: image, matches: \"(\"}}\n"
            ))
            .contains("p.yaml:8: check `iac/x`: `matches`: invalid regular expression")
        );
        assert!(err(&format!("{HEAD}    fail: {{path: image}}\n")).contains("has no operator"));
        assert!(
            err(&format!(
                "{HEAD}    fail: {{path: a, equals: 1, exists: true}}\n"
            ))
            .contains("one operator per condition")
        );
        assert!(
            err(&HEAD.replace("select: container", "select: contianer"))
                .contains("unknown selector `contianer`")
        );
        assert!(err(&HEAD.replace("iac/x", "x")).contains("id must be `iac/<kebab-case-name>`"));
        assert!(
            err(&format!("{HEAD}    fial: {{path: a, exists: true}}\n"))
                .contains("unknown key `fial`")
        );
        assert!(err("checks: [\n").contains("not valid YAML"));
    }
}
