//! Loading modules from disk and evaluating them into the resource model.

use std::cell::{Cell, RefCell};
use std::collections::{BTreeMap, HashMap};
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

use hcl_edit::expr::{BinaryOperator, Expression, ObjectKey, TraversalOperator, UnaryOperator};
use hcl_edit::structure::{Block, Body, Structure};
use hcl_edit::template::{Directive, Element, Template};
use hcl_edit::{Ident, Span};

use crate::TfOptions;
use crate::funcs;
use crate::model::{Diagnostic, Loc, Mode, Model, ModuleCall, Resource};
use crate::value::Value;

/// Largest `.tf` file parsed.
pub const MAX_FILE_BYTES: usize = 4 << 20;
/// Deepest bracket nesting accepted before parsing (the parser recurses).
pub const MAX_NESTING: usize = 100;
/// Deepest chain of modules followed.
pub const MAX_MODULE_DEPTH: usize = 16;
/// Deepest evaluation recursion (locals referencing locals, nested expressions).
const MAX_EVAL_DEPTH: usize = 200;

/// One source file with its line index.
pub struct SrcFile {
    pub path: Arc<str>,
    pub text: String,
    line_starts: Vec<usize>,
    /// `.tf.json` files: positions are approximations (the JSON is re-read as HCL).
    pub json: bool,
}

impl SrcFile {
    pub fn new(path: Arc<str>, text: String, json: bool) -> SrcFile {
        let mut line_starts = vec![0];
        line_starts.extend(memchr_lines(&text));
        SrcFile {
            path,
            text,
            line_starts,
            json,
        }
    }

    /// Line and column (1-based, column in characters) of a byte offset.
    pub fn loc(&self, off: usize) -> Loc {
        let off = off.min(self.text.len());
        let line = self.line_starts.partition_point(|&s| s <= off).max(1);
        let start = self.line_starts[line - 1];
        let column = self
            .text
            .get(start..off)
            .map_or(1, |s| s.chars().count() + 1);
        Loc {
            file: self.path.clone(),
            line: line as u32,
            column: column as u32,
        }
    }

    fn loc_of(&self, span: Option<std::ops::Range<usize>>) -> Loc {
        if self.json {
            return Loc {
                file: self.path.clone(),
                line: 1,
                column: 1,
            };
        }
        self.loc(span.map_or(0, |r| r.start))
    }
}

fn memchr_lines(text: &str) -> impl Iterator<Item = usize> + '_ {
    text.bytes()
        .enumerate()
        .filter(|(_, b)| *b == b'\n')
        .map(|(i, _)| i + 1)
}

/// A parsed module directory.
pub struct Module {
    pub dir: PathBuf,
    pub files: Vec<SrcFile>,
    pub bodies: Vec<Body>,
}

/// Rough nesting depth of brackets outside strings, to refuse inputs that would make the
/// recursive parser overflow the stack.
pub fn nesting_depth(text: &str) -> usize {
    let (mut depth, mut max) = (0usize, 0usize);
    let mut in_str = false;
    let mut prev = 0u8;
    for b in text.bytes() {
        match b {
            b'"' if prev != b'\\' => in_str = !in_str,
            b'\n' => in_str = false,
            b'{' | b'[' | b'(' if !in_str => {
                depth += 1;
                max = max.max(depth);
            }
            b'}' | b']' | b')' if !in_str => depth = depth.saturating_sub(1),
            _ => {}
        }
        // `${` inside strings opens an expression: count it too.
        if in_str && prev == b'$' && b == b'{' {
            depth += 1;
            max = max.max(depth);
        }
        prev = if prev == b'\\' && b == b'\\' { 0 } else { b };
    }
    max
}

/// Parses one file's text; `Err` is a diagnostic.
pub fn parse_file(
    path: &Arc<str>,
    text: String,
    json: bool,
) -> Result<(SrcFile, Body), Diagnostic> {
    let diag = |line: u32, message: String| Diagnostic {
        file: path.to_string(),
        line,
        message,
    };
    // A UTF-8 byte-order mark is invisible to Terraform; drop it before parsing.
    let text = match text.strip_prefix('\u{feff}') {
        Some(rest) => rest.to_string(),
        None => text,
    };
    if text.len() > MAX_FILE_BYTES {
        return Err(diag(
            1,
            format!("file larger than {} bytes, skipped", MAX_FILE_BYTES),
        ));
    }
    if nesting_depth(&text) > MAX_NESTING {
        return Err(diag(
            1,
            format!("nesting deeper than {MAX_NESTING} levels, skipped"),
        ));
    }
    let hcl_text = if json {
        let j: serde_json::Value = serde_json::from_str(&text)
            .map_err(|e| diag(e.line() as u32, format!("invalid JSON: {e}")))?;
        crate::json::to_hcl(&j).map_err(|e| diag(1, e))?
    } else {
        text.clone()
    };
    match hcl_edit::parser::parse_body(&hcl_text) {
        Ok(body) => Ok((SrcFile::new(path.clone(), text, json), body)),
        Err(e) => Err(diag(
            e.location().line() as u32,
            format!(
                "invalid HCL: {}",
                e.message().lines().next().unwrap_or("parse error")
            ),
        )),
    }
}

/// Reads and parses every `.tf` / `.tf.json` file of `dir`, sorted by name.
pub fn load_module(dir: &Path, root: &Path, diags: &mut Vec<Diagnostic>) -> Module {
    let mut names: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| is_tf_file(p))
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    let mut files = Vec::new();
    let mut bodies = Vec::new();
    for p in names {
        let shown: Arc<str> = display_path(&p, root).into();
        let Ok(meta) = std::fs::symlink_metadata(&p) else {
            continue;
        };
        if !meta.is_file() {
            continue;
        }
        if meta.len() as usize > MAX_FILE_BYTES {
            diags.push(Diagnostic {
                file: shown.to_string(),
                line: 1,
                message: format!("file larger than {MAX_FILE_BYTES} bytes, skipped"),
            });
            continue;
        }
        let text = match std::fs::read(&p) {
            Ok(b) => String::from_utf8_lossy(&b).into_owned(),
            Err(e) => {
                diags.push(Diagnostic {
                    file: shown.to_string(),
                    line: 1,
                    message: format!("cannot read: {e}"),
                });
                continue;
            }
        };
        let json = p.to_string_lossy().ends_with(".tf.json");
        match parse_file(&shown, text, json) {
            Ok((f, b)) => {
                files.push(f);
                bodies.push(b);
            }
            Err(d) => diags.push(d),
        }
    }
    Module {
        dir: dir.to_path_buf(),
        files,
        bodies,
    }
}

pub fn is_tf_file(p: &Path) -> bool {
    let n = p
        .file_name()
        .map(|n| n.to_string_lossy())
        .unwrap_or_default();
    n.ends_with(".tf") || n.ends_with(".tf.json")
}

pub fn display_path(p: &Path, root: &Path) -> String {
    let rel = p.strip_prefix(root).unwrap_or(p);
    let s = rel.to_string_lossy().replace('\\', "/");
    if s.is_empty() { ".".into() } else { s }
}

/// Lexically normalises `a/b/../c` to `a/c` (no filesystem access, no symlinks followed).
pub fn normalize(p: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

/// The literal `source` of a module block.
pub fn module_source(b: &Block) -> Option<String> {
    b.body
        .get_attribute("source")
        .and_then(|a| a.value.as_str().map(str::to_string))
}

pub fn is_local_source(s: &str) -> bool {
    s.starts_with("./") || s.starts_with("../") || s == "." || s == ".."
}

/// Everything shared by the evaluation of one root module and its children.
pub struct Ctx<'a> {
    pub modules: &'a HashMap<PathBuf, Module>,
    pub root: &'a Path,
    pub opts: &'a TfOptions,
    pub out: RefCell<Model>,
    pub diags: RefCell<Vec<Diagnostic>>,
    refs: RefCell<Vec<Vec<String>>>,
    /// Modules installed by `terraform init` (`.terraform/modules/modules.json`): module key
    /// (`vpc`, `vpc.subnets`) -> directory. Registry and git modules found there are evaluated.
    pub installed: HashMap<String, PathBuf>,
    /// Expressions evaluated so far; bounded by [`TfOptions::max_eval_steps`].
    steps: Cell<u64>,
}

impl<'a> Ctx<'a> {
    pub fn new(modules: &'a HashMap<PathBuf, Module>, root: &'a Path, opts: &'a TfOptions) -> Self {
        Ctx {
            modules,
            root,
            opts,
            out: RefCell::new(Model::default()),
            diags: RefCell::new(Vec::new()),
            refs: RefCell::new(Vec::new()),
            steps: Cell::new(0),
            installed: HashMap::new(),
        }
    }

    fn diag(&self, loc: &Loc, message: String) {
        let mut d = self.diags.borrow_mut();
        if d.len() < 10_000 {
            d.push(Diagnostic {
                file: loc.file.to_string(),
                line: loc.line,
                message,
            });
        }
    }

    fn record_ref(&self, addr: &str) {
        if let Some(top) = self.refs.borrow_mut().last_mut()
            && !top.iter().any(|a| a == addr)
        {
            top.push(addr.to_string());
        }
    }
}

enum Slot {
    InProgress,
    Done(Value),
}

type Scope = Vec<(String, Value)>;

struct Decl<'a> {
    block: &'a Block,
    file: usize,
}

/// One instance of a module (root or a call) being evaluated.
pub struct ModEval<'a> {
    cx: &'a Ctx<'a>,
    m: &'a Module,
    prefix: String,
    chain: Vec<PathBuf>,
    vars: HashMap<String, Value>,
    locals_decl: HashMap<&'a str, (&'a Expression, usize)>,
    locals: RefCell<HashMap<String, Slot>>,
    res_decl: Vec<(String, Mode, Decl<'a>)>,
    /// `type.name` -> index in `res_decl`; and the resource type names declared.
    res_index: HashMap<String, usize>,
    res_types: std::collections::HashSet<String>,
    res: RefCell<HashMap<String, Slot>>,
    mod_decl: Vec<(String, Decl<'a>)>,
    mods: RefCell<HashMap<String, Slot>>,
    outputs: Vec<(&'a str, &'a Expression)>,
    depth: Cell<usize>,
    /// File of the block being evaluated (for diagnostics raised inside expressions).
    cur_file: Cell<usize>,
    /// Inside a heredoc: unknown interpolations render as `UNKNOWN_MARK`.
    lossy: Cell<bool>,
}

fn label(b: &Block, i: usize) -> Option<&str> {
    b.labels.get(i).map(|l| l.as_str())
}

impl<'a> ModEval<'a> {
    /// `inputs`: values given by the caller (or the root's resolved variables).
    pub fn new(
        cx: &'a Ctx<'a>,
        m: &'a Module,
        prefix: String,
        chain: Vec<PathBuf>,
        inputs: HashMap<String, Value>,
    ) -> ModEval<'a> {
        let mut me = ModEval {
            cx,
            m,
            prefix,
            chain,
            vars: HashMap::new(),
            locals_decl: HashMap::new(),
            locals: RefCell::new(HashMap::new()),
            res_decl: Vec::new(),
            res_index: HashMap::new(),
            res_types: std::collections::HashSet::new(),
            res: RefCell::new(HashMap::new()),
            mod_decl: Vec::new(),
            mods: RefCell::new(HashMap::new()),
            outputs: Vec::new(),
            depth: Cell::new(0),
            cur_file: Cell::new(0),
            lossy: Cell::new(false),
        };
        let mut defaults: Vec<(&'a str, Option<&'a Expression>, bool)> = Vec::new();
        for (fi, body) in m.bodies.iter().enumerate() {
            for b in body.blocks() {
                match (b.ident.as_str(), label(b, 0), label(b, 1)) {
                    ("variable", Some(n), _) => {
                        let is_string = b.body.get_attribute("type").is_some_and(|t| {
                            t.value
                                .as_variable()
                                .is_some_and(|v| v.as_str() == "string")
                        });
                        defaults.push((
                            n,
                            b.body.get_attribute("default").map(|a| &a.value),
                            is_string,
                        ));
                    }
                    ("locals", _, _) => {
                        for a in b.body.attributes() {
                            me.locals_decl.insert(a.key.as_str(), (&a.value, fi));
                        }
                    }
                    ("resource", Some(t), Some(n)) => {
                        me.res_decl.push((
                            format!("{t}.{n}"),
                            Mode::Managed,
                            Decl { block: b, file: fi },
                        ));
                    }
                    ("data", Some(t), Some(n)) => {
                        me.res_decl.push((
                            format!("data.{t}.{n}"),
                            Mode::Data,
                            Decl { block: b, file: fi },
                        ));
                    }
                    ("module", Some(n), _) => me
                        .mod_decl
                        .push((n.to_string(), Decl { block: b, file: fi })),
                    ("output", Some(n), _) => {
                        if let Some(v) = b.body.get_attribute("value") {
                            me.outputs.push((n, &v.value));
                        }
                    }
                    _ => {}
                }
            }
        }
        for (i, (k, mode, _)) in me.res_decl.iter().enumerate() {
            me.res_index.entry(k.clone()).or_insert(i);
            if *mode == Mode::Managed
                && let Some(t) = k.split('.').next()
            {
                me.res_types.insert(t.to_string());
            }
        }
        let mut vars = HashMap::new();
        for (name, default, _) in &defaults {
            let v = match inputs.get(*name) {
                Some(v) => v.clone(),
                None => match default {
                    Some(e) => me.eval(e, &mut Vec::new()).unwrap_or(Value::Unknown),
                    None => Value::Unknown,
                },
            };
            vars.insert((*name).to_string(), v);
        }
        me.vars = vars;
        me
    }

    /// Evaluates every resource, data source and module call of this instance.
    pub fn run(&self) {
        for (key, _, _) in &self.res_decl {
            let _ = self.resource(key);
        }
        for (name, _) in &self.mod_decl {
            let _ = self.module(name);
        }
    }

    /// Output values of this instance.
    pub fn outputs(&self) -> Value {
        let mut out = BTreeMap::new();
        for (n, e) in &self.outputs {
            out.insert(
                (*n).to_string(),
                self.eval(e, &mut Vec::new()).unwrap_or(Value::Unknown),
            );
        }
        Value::Map(out)
    }

    fn file(&self, i: usize) -> &'a SrcFile {
        &self.m.files[i]
    }

    fn local(&self, name: &str) -> Result<Value, String> {
        match self.locals.borrow().get(name) {
            Some(Slot::Done(v)) => return Ok(v.clone()),
            Some(Slot::InProgress) => {
                return Err(format!("cycle in locals through local.{name}"));
            }
            None => {}
        }
        let Some(&(expr, fi)) = self.locals_decl.get(name) else {
            return Err(format!("undeclared local.{name}"));
        };
        self.locals
            .borrow_mut()
            .insert(name.to_string(), Slot::InProgress);
        let saved = self.cur_file.replace(fi);
        let v = self.eval(expr, &mut Vec::new());
        self.cur_file.set(saved);
        let v = match v {
            Ok(v) => v,
            Err(e) => {
                if e.starts_with("cycle in locals") && !e.contains("(reported)") {
                    let loc = self.file(fi).loc_of(expr.span());
                    self.cx.diag(&loc, format!("{e} (evaluated as unknown)"));
                    self.locals
                        .borrow_mut()
                        .insert(name.to_string(), Slot::Done(Value::Unknown));
                    return Err(format!("{e} (reported)"));
                }
                Value::Unknown
            }
        };
        self.locals
            .borrow_mut()
            .insert(name.to_string(), Slot::Done(v.clone()));
        Ok(v)
    }

    /// Value of `type.name` (or `data.type.name`) as other expressions see it.
    fn resource(&self, key: &str) -> Value {
        match self.res.borrow().get(key) {
            Some(Slot::Done(v)) => return v.clone(),
            Some(Slot::InProgress) => return Value::Unknown,
            None => {}
        }
        let Some((_, mode, decl)) = self.res_index.get(key).and_then(|&i| self.res_decl.get(i))
        else {
            return Value::Unknown;
        };
        self.res
            .borrow_mut()
            .insert(key.to_string(), Slot::InProgress);
        let v = self.eval_resource(key, *mode, decl);
        self.res
            .borrow_mut()
            .insert(key.to_string(), Slot::Done(v.clone()));
        v
    }

    /// Instances of a block with `count` / `for_each`: (index suffix, scope entries).
    fn instances(&self, block: &'a Block, fi: usize, what: &str) -> Option<Vec<(String, Scope)>> {
        let cap = self.cx.opts.max_instances;
        let loc = self.file(fi).loc_of(block.ident.span());
        if let Some(c) = block.body.get_attribute("count") {
            let n = match self.eval(&c.value, &mut Vec::new()) {
                Ok(v) => v.as_f64(),
                Err(_) => None,
            };
            let Some(n) = n else {
                // Unknown count: evaluate one representative instance.
                return Some(vec![("[0]".into(), vec![count_scope(Value::Unknown)])]);
            };
            let mut n = n.max(0.0) as usize;
            if n > cap {
                self.cx.diag(
                    &loc,
                    format!("{what}: count = {n} capped at {cap} instances"),
                );
                n = cap;
            }
            return Some(
                (0..n)
                    .map(|i| (format!("[{i}]"), vec![count_scope(Value::Number(i as f64))]))
                    .collect(),
            );
        }
        if let Some(fe) = block.body.get_attribute("for_each") {
            let v = self
                .eval(&fe.value, &mut Vec::new())
                .unwrap_or(Value::Unknown);
            let items: Vec<(String, Value)> = match v {
                Value::Map(m) => m.into_iter().collect(),
                Value::List(l) => l
                    .into_iter()
                    .map(|v| (v.to_tf_string().unwrap_or_default(), v))
                    .collect(),
                _ => {
                    return Some(vec![(
                        "[\"?\"]".into(),
                        vec![each_scope(Value::Unknown, Value::Unknown)],
                    )]);
                }
            };
            let mut items = items;
            if items.len() > cap {
                self.cx.diag(
                    &loc,
                    format!(
                        "{what}: for_each over {} items capped at {cap} instances",
                        items.len()
                    ),
                );
                items.truncate(cap);
            }
            return Some(
                items
                    .into_iter()
                    .map(|(k, v)| {
                        (
                            format!("[{}]", serde_json::Value::String(k.clone())),
                            vec![each_scope(Value::String(k), v)],
                        )
                    })
                    .collect(),
            );
        }
        None
    }

    fn eval_resource(&self, key: &str, mode: Mode, decl: &Decl<'a>) -> Value {
        let saved = self.cur_file.replace(decl.file);
        let v = self.eval_resource_in(key, mode, decl);
        self.cur_file.set(saved);
        v
    }

    fn eval_resource_in(&self, key: &str, mode: Mode, decl: &Decl<'a>) -> Value {
        let b = decl.block;
        let rtype = label(b, 0).unwrap_or_default().to_string();
        let name = label(b, 1).unwrap_or_default().to_string();
        let base = format!("{}{key}", self.prefix);
        let loc = self.file(decl.file).loc_of(b.ident.span());
        let multi = self.instances(b, decl.file, &base);
        let insts = multi
            .clone()
            .unwrap_or_else(|| vec![(String::new(), Vec::new())]);
        let mut vals = Vec::new();
        for (suffix, mut scope) in insts {
            let mut locs = HashMap::new();
            let mut refs = HashMap::new();
            let attrs = self.eval_body(
                &b.body,
                decl.file,
                "",
                &mut scope,
                &mut locs,
                Some(&mut refs),
                0,
            );
            let loc = if self.file(decl.file).json {
                json_locs(self.file(decl.file), &rtype, &name, &mut locs)
            } else {
                loc.clone()
            };
            let v = Value::Map(attrs);
            self.cx.out.borrow_mut().resources.push(Resource {
                mode,
                rtype: rtype.clone(),
                name: name.clone(),
                address: format!("{base}{suffix}"),
                base_address: base.clone(),
                attrs: v.clone(),
                locs,
                refs,
                loc: loc.clone(),
            });
            let key = suffix
                .trim_start_matches('[')
                .trim_end_matches(']')
                .trim_matches('"')
                .to_string();
            vals.push((key, v));
        }
        if mode == Mode::Data {
            // Data sources are read at plan time: their results are unknown.
            return Value::Unknown;
        }
        match multi {
            None => vals.pop().map_or(Value::Unknown, |(_, v)| v),
            Some(_) if b.body.get_attribute("count").is_some() => {
                Value::List(vals.into_iter().map(|(_, v)| v).collect())
            }
            Some(_) => Value::Map(vals.into_iter().collect()),
        }
    }

    /// Evaluates a block body into an attribute map; nested blocks become lists of maps.
    #[allow(clippy::too_many_arguments)]
    fn eval_body(
        &self,
        body: &'a Body,
        fi: usize,
        path: &str,
        scope: &mut Scope,
        locs: &mut HashMap<String, Loc>,
        mut refs: Option<&mut HashMap<String, Vec<String>>>,
        depth: usize,
    ) -> BTreeMap<String, Value> {
        let mut out = BTreeMap::new();
        if depth > 32 {
            return out;
        }
        let f = self.file(fi);
        for s in body.iter() {
            match s {
                Structure::Attribute(a) => {
                    let key = a.key.as_str();
                    if path.is_empty()
                        && matches!(key, "count" | "for_each" | "depends_on" | "provider")
                    {
                        continue;
                    }
                    let p = join(path, key);
                    locs.insert(p.clone(), f.loc_of(a.key.span()));
                    self.cx.refs.borrow_mut().push(Vec::new());
                    let v = self.eval(&a.value, scope).unwrap_or(Value::Unknown);
                    let r = self.cx.refs.borrow_mut().pop().unwrap_or_default();
                    if let Some(refs) = refs.as_deref_mut()
                        && !r.is_empty()
                    {
                        refs.insert(key.to_string(), r);
                    }
                    out.insert(key.to_string(), v);
                }
                Structure::Block(b) => {
                    let ident = b.ident.as_str();
                    if matches!(ident, "provisioner" | "connection" | "lifecycle") {
                        continue;
                    }
                    if ident == "dynamic" {
                        let Some(lbl) = label(b, 0) else { continue };
                        let iter_name = b
                            .body
                            .get_attribute("iterator")
                            .and_then(|a| a.value.as_variable().map(|v| v.as_str().to_string()))
                            .unwrap_or_else(|| lbl.to_string());
                        let Some(content) = b.body.blocks().find(|c| c.ident.as_str() == "content")
                        else {
                            continue;
                        };
                        let coll = b
                            .body
                            .get_attribute("for_each")
                            .map_or(Value::Unknown, |a| {
                                self.eval(&a.value, scope).unwrap_or(Value::Unknown)
                            });
                        let items: Vec<(Value, Value)> = match coll {
                            Value::Map(m) => {
                                m.into_iter().map(|(k, v)| (Value::String(k), v)).collect()
                            }
                            Value::List(l) => l
                                .into_iter()
                                .enumerate()
                                .map(|(i, v)| (Value::Number(i as f64), v))
                                .collect(),
                            Value::Null => Vec::new(),
                            _ => vec![(Value::Unknown, Value::Unknown)],
                        };
                        for (k, v) in items.into_iter().take(self.cx.opts.max_instances) {
                            let list = out
                                .entry(lbl.to_string())
                                .or_insert_with(|| Value::List(Vec::new()));
                            let idx = list.as_list().map_or(0, <[Value]>::len);
                            let bp = join(path, &format!("{lbl}.{idx}"));
                            locs.insert(bp.clone(), f.loc_of(b.ident.span()));
                            let mut obj = BTreeMap::new();
                            obj.insert("key".to_string(), k);
                            obj.insert("value".to_string(), v);
                            scope.push((iter_name.clone(), Value::Map(obj)));
                            let inner = self.eval_body(
                                &content.body,
                                fi,
                                &bp,
                                scope,
                                locs,
                                None,
                                depth + 1,
                            );
                            scope.pop();
                            if let Some(Value::List(l)) = out.get_mut(lbl) {
                                l.push(Value::Map(inner));
                            }
                        }
                        continue;
                    }
                    let list = out
                        .entry(ident.to_string())
                        .or_insert_with(|| Value::List(Vec::new()));
                    let idx = list.as_list().map_or(0, <[Value]>::len);
                    let bp = join(path, &format!("{ident}.{idx}"));
                    locs.insert(bp.clone(), f.loc_of(b.ident.span()));
                    let inner = self.eval_body(&b.body, fi, &bp, scope, locs, None, depth + 1);
                    if let Some(Value::List(l)) = out.get_mut(ident) {
                        l.push(Value::Map(inner));
                    }
                }
            }
        }
        out
    }

    /// Value of `module.name` (outputs; list or map of outputs for count / for_each).
    fn module(&self, name: &str) -> Value {
        match self.mods.borrow().get(name) {
            Some(Slot::Done(v)) => return v.clone(),
            Some(Slot::InProgress) => return Value::Unknown,
            None => {}
        }
        let Some((_, decl)) = self.mod_decl.iter().find(|(n, _)| n == name) else {
            return Value::Unknown;
        };
        self.mods
            .borrow_mut()
            .insert(name.to_string(), Slot::InProgress);
        let v = self.eval_module(name, decl);
        self.mods
            .borrow_mut()
            .insert(name.to_string(), Slot::Done(v.clone()));
        v
    }

    fn eval_module(&self, name: &str, decl: &Decl<'a>) -> Value {
        let saved = self.cur_file.replace(decl.file);
        let v = self.eval_module_in(name, decl);
        self.cur_file.set(saved);
        v
    }

    fn eval_module_in(&self, name: &str, decl: &Decl<'a>) -> Value {
        let b = decl.block;
        let f = self.file(decl.file);
        let loc = f.loc_of(b.ident.span());
        let source = module_source(b);
        let base = format!("{}module.{name}", self.prefix);
        let version = b.body.get_attribute("version").map(|a| {
            self.eval(&a.value, &mut Vec::new())
                .unwrap_or(Value::Unknown)
        });
        self.cx.out.borrow_mut().module_calls.push(ModuleCall {
            address: base.clone(),
            source: source.clone(),
            version,
            loc: loc.clone(),
            source_loc: b
                .body
                .get_attribute("source")
                .map(|a| f.loc_of(a.key.span())),
        });
        let Some(source) = source else {
            self.cx.diag(
                &loc,
                format!("{base}: module source is not a literal string"),
            );
            return Value::Unknown;
        };
        let dir = if is_local_source(&source) {
            normalize(&self.m.dir.join(&source))
        } else {
            // Registry / git / archive modules: evaluated when `terraform init` installed them,
            // otherwise everything they produce is Unknown.
            let key = module_key(&self.prefix, name);
            match self.cx.installed.get(&key) {
                Some(d) => d.clone(),
                None => return Value::Unknown,
            }
        };
        if !dir.starts_with(self.cx.root) {
            self.cx.diag(
                &loc,
                format!("{base}: module source {source:?} is outside the scan root"),
            );
            return Value::Unknown;
        }
        if self.chain.contains(&dir) {
            self.cx.diag(
                &loc,
                format!("{base}: module recursion: {source:?} is already being evaluated"),
            );
            return Value::Unknown;
        }
        if self.chain.len() >= MAX_MODULE_DEPTH {
            self.cx.diag(
                &loc,
                format!("{base}: modules nested deeper than {MAX_MODULE_DEPTH}"),
            );
            return Value::Unknown;
        }
        let Some(child) = self.cx.modules.get(&dir) else {
            self.cx.diag(
                &loc,
                format!("{base}: module directory {source:?} not found or has no .tf files"),
            );
            return Value::Unknown;
        };
        let multi = self.instances(b, decl.file, &base);
        let insts = multi
            .clone()
            .unwrap_or_else(|| vec![(String::new(), Vec::new())]);
        let mut vals = Vec::new();
        for (suffix, mut scope) in insts {
            let mut inputs = HashMap::new();
            for a in b.body.attributes() {
                let k = a.key.as_str();
                if matches!(
                    k,
                    "source" | "version" | "count" | "for_each" | "providers" | "depends_on"
                ) {
                    continue;
                }
                inputs.insert(
                    k.to_string(),
                    self.eval(&a.value, &mut scope).unwrap_or(Value::Unknown),
                );
            }
            let mut chain = self.chain.clone();
            chain.push(dir.clone());
            let ev = ModEval::new(self.cx, child, format!("{base}{suffix}."), chain, inputs);
            ev.run();
            let key = suffix
                .trim_start_matches('[')
                .trim_end_matches(']')
                .trim_matches('"')
                .to_string();
            vals.push((key, ev.outputs()));
        }
        match multi {
            None => vals.pop().map_or(Value::Unknown, |(_, v)| v),
            Some(_) if b.body.get_attribute("count").is_some() => {
                Value::List(vals.into_iter().map(|(_, v)| v).collect())
            }
            Some(_) => Value::Map(vals.into_iter().collect()),
        }
    }

    /// Evaluates an expression. `Err` is an evaluation error (the caller usually treats it as
    /// Unknown; `try` and `can` observe it).
    pub fn eval(&self, e: &Expression, sc: &mut Scope) -> Result<Value, String> {
        let d = self.depth.get();
        if d > MAX_EVAL_DEPTH {
            return Err("expression nested too deeply".into());
        }
        let steps = self.cx.steps.get() + 1;
        self.cx.steps.set(steps);
        let max = self.cx.opts.max_eval_steps;
        if steps > max {
            if steps == max + 1 {
                let f = self.m.files.first();
                let loc = Loc {
                    file: f.map_or_else(|| Arc::from("."), |f| f.path.clone()),
                    line: 1,
                    column: 1,
                };
                self.cx.diag(
                    &loc,
                    format!("evaluation budget of {max} steps exhausted; the rest is unknown"),
                );
            }
            return Err("evaluation budget exhausted".into());
        }
        self.depth.set(d + 1);
        let r = self.eval_inner(e, sc);
        self.depth.set(d);
        r
    }

    fn eval_inner(&self, e: &Expression, sc: &mut Scope) -> Result<Value, String> {
        Ok(match e {
            Expression::Null(_) => Value::Null,
            Expression::Bool(b) => Value::Bool(*b.value()),
            Expression::Number(n) => Value::Number(n.value().as_f64().unwrap_or(0.0)),
            Expression::String(s) => Value::String(s.value().clone()),
            Expression::Array(a) => {
                let mut out = Vec::with_capacity(a.len());
                for x in a.iter() {
                    out.push(self.eval(x, sc)?);
                }
                Value::List(out)
            }
            Expression::Object(o) => {
                let mut out = BTreeMap::new();
                for (k, v) in o.iter() {
                    let key = match k {
                        ObjectKey::Ident(i) => i.as_str().to_string(),
                        ObjectKey::Expression(x) => match self.eval(x, sc)? {
                            Value::Unknown => return Ok(Value::Unknown),
                            other => other.to_tf_string()?,
                        },
                    };
                    out.insert(key, self.eval(v.expr(), sc)?);
                }
                Value::Map(out)
            }
            Expression::StringTemplate(t) => self.template(t, sc)?,
            Expression::HeredocTemplate(h) => {
                // Heredocs (policy documents) keep their known text; unknown parts are marked.
                let saved = self.lossy.replace(true);
                let v = self.template(&h.template, sc);
                self.lossy.set(saved);
                v?
            }
            Expression::Parenthesis(p) => self.eval(p.inner(), sc)?,
            Expression::Variable(v) => self.variable(v.value(), sc)?,
            Expression::Conditional(c) => match self.eval(&c.cond_expr, sc)? {
                Value::Unknown => Value::Unknown,
                v => match v.as_bool() {
                    Some(true) => self.eval(&c.true_expr, sc)?,
                    Some(false) => self.eval(&c.false_expr, sc)?,
                    None => return Err(format!("condition is {}, not bool", v.type_name())),
                },
            },
            Expression::FuncCall(f) => {
                let name = f.name.name.as_str();
                match name {
                    "try" => {
                        for a in f.args.iter() {
                            if let Ok(v) = self.eval(a, sc) {
                                return Ok(v);
                            }
                        }
                        return Err("try: no argument evaluated without error".into());
                    }
                    "can" => {
                        let a = f.args.iter().next().ok_or("can: no argument")?;
                        return Ok(match self.eval(a, sc) {
                            Ok(Value::Unknown) => Value::Unknown,
                            Ok(_) => Value::Bool(true),
                            Err(_) => Value::Bool(false),
                        });
                    }
                    _ => {}
                }
                let mut args = Vec::with_capacity(f.args.len());
                for a in f.args.iter() {
                    args.push(self.eval(a, sc)?);
                }
                if f.args.expand_final()
                    && let Some(Value::List(last)) = args.pop()
                {
                    args.extend(last);
                }
                if name == "file" {
                    return Ok(self.read_file(args.first()));
                }
                if name == "templatefile" || name == "fileexists" || name == "filebase64" {
                    return Ok(Value::Unknown);
                }
                match funcs::call(name, args) {
                    Ok(v) => v,
                    Err(e) if e.starts_with("unsupported function") => {
                        // Loud once per function and file: the value is Unknown from here on.
                        if let Some(src) = self.m.files.get(self.cur_file.get()) {
                            let loc = src.loc_of(f.name.name.span());
                            let msg = format!("{e}: evaluated as unknown");
                            let seen = self
                                .cx
                                .diags
                                .borrow()
                                .iter()
                                .any(|d| d.file == *loc.file && d.message == msg);
                            if !seen {
                                self.cx.diag(&loc, msg);
                            }
                        }
                        Value::Unknown
                    }
                    Err(e) => return Err(e),
                }
            }
            Expression::Traversal(t) => self.traversal(&t.expr, &t.operators, sc)?,
            Expression::UnaryOp(u) => {
                let v = self.eval(&u.expr, sc)?;
                if v.is_unknown() {
                    return Ok(Value::Unknown);
                }
                match u.operator.value() {
                    UnaryOperator::Neg => {
                        Value::Number(-v.as_f64().ok_or("negating a non-number")?)
                    }
                    UnaryOperator::Not => Value::Bool(!v.as_bool().ok_or("negating a non-bool")?),
                }
            }
            Expression::BinaryOp(b) => {
                let op = *b.operator.value();
                let l = self.eval(&b.lhs_expr, sc)?;
                // Short-circuit where the result is decided by the left side.
                if op == BinaryOperator::And && l.as_bool() == Some(false) {
                    return Ok(Value::Bool(false));
                }
                if op == BinaryOperator::Or && l.as_bool() == Some(true) {
                    return Ok(Value::Bool(true));
                }
                let r = self.eval(&b.rhs_expr, sc)?;
                binop(op, &l, &r)?
            }
            Expression::ForExpr(fe) => self.for_expr(fe, sc)?,
        })
    }

    fn read_file(&self, p: Option<&Value>) -> Value {
        let Some(Value::String(p)) = p else {
            return Value::Unknown;
        };
        let path = normalize(&self.m.dir.join(p));
        if !path.starts_with(self.cx.root) {
            return Value::Unknown;
        }
        match std::fs::symlink_metadata(&path) {
            Ok(m) if m.is_file() && (m.len() as usize) <= MAX_FILE_BYTES => {
                std::fs::read_to_string(&path).map_or(Value::Unknown, Value::String)
            }
            _ => Value::Unknown,
        }
    }

    fn for_expr(&self, fe: &hcl_edit::expr::ForExpr, sc: &mut Scope) -> Result<Value, String> {
        let coll = self.eval(&fe.intro.collection_expr, sc)?;
        let items: Vec<(Value, Value)> = match coll {
            Value::Unknown => return Ok(Value::Unknown),
            Value::List(l) => l
                .into_iter()
                .enumerate()
                .map(|(i, v)| (Value::Number(i as f64), v))
                .collect(),
            Value::Map(m) => m.into_iter().map(|(k, v)| (Value::String(k), v)).collect(),
            Value::Null => return Err("for expression over null".into()),
            other => return Err(format!("cannot iterate over {}", other.type_name())),
        };
        let kname = fe.intro.key_var.as_ref().map(|k| k.as_str().to_string());
        let vname = fe.intro.value_var.as_str().to_string();
        let mut list = Vec::new();
        let mut map: BTreeMap<String, Value> = BTreeMap::new();
        let mut unknown = false;
        for (k, v) in items {
            let pushed = if let Some(kn) = &kname {
                sc.push((kn.clone(), k));
                sc.push((vname.clone(), v));
                2
            } else {
                sc.push((vname.clone(), v));
                1
            };
            let res = (|| -> Result<(), String> {
                if let Some(c) = &fe.cond {
                    match self.eval(&c.expr, sc)? {
                        Value::Unknown => {
                            unknown = true;
                            return Ok(());
                        }
                        v if v.as_bool() == Some(false) => return Ok(()),
                        _ => {}
                    }
                }
                let val = self.eval(&fe.value_expr, sc)?;
                if let Some(ke) = &fe.key_expr {
                    let key = self.eval(ke, sc)?;
                    if key.is_unknown() {
                        unknown = true;
                        return Ok(());
                    }
                    let key = key.to_tf_string()?;
                    if fe.grouping {
                        if let Value::List(l) =
                            map.entry(key).or_insert_with(|| Value::List(Vec::new()))
                        {
                            l.push(val);
                        }
                    } else {
                        map.insert(key, val);
                    }
                } else {
                    list.push(val);
                }
                Ok(())
            })();
            for _ in 0..pushed {
                sc.pop();
            }
            res?;
        }
        if unknown {
            return Ok(Value::Unknown);
        }
        Ok(if fe.key_expr.is_some() {
            Value::Map(map)
        } else {
            Value::List(list)
        })
    }

    fn template(&self, t: &Template, sc: &mut Scope) -> Result<Value, String> {
        // A template that is exactly one interpolation yields the value itself.
        if let Some(Element::Interpolation(i)) = t.as_single_element() {
            return self.eval(&i.expr, sc);
        }
        let mut out = String::new();
        if self.render(t, sc, &mut out)? {
            Ok(Value::String(out))
        } else {
            Ok(Value::Unknown)
        }
    }

    /// Appends the rendering of `t`; `Ok(false)` when something was Unknown.
    fn render(&self, t: &Template, sc: &mut Scope, out: &mut String) -> Result<bool, String> {
        let mut strip_next = false;
        let elems: Vec<&Element> = t.iter().collect();
        for (i, el) in elems.iter().enumerate() {
            let strip_prev_of_next = match elems.get(i + 1) {
                Some(Element::Interpolation(n)) => n.strip.strip_start(),
                Some(Element::Directive(d)) => match d.as_ref() {
                    Directive::If(x) => x.if_expr.strip.strip_start(),
                    Directive::For(x) => x.for_expr.strip.strip_start(),
                },
                _ => false,
            };
            match el {
                Element::Literal(l) => {
                    let mut s: &str = l.value();
                    if strip_next {
                        s = s.trim_start();
                    }
                    if strip_prev_of_next {
                        s = s.trim_end();
                    }
                    out.push_str(s);
                    strip_next = false;
                }
                Element::Interpolation(ip) => {
                    let v = self.eval(&ip.expr, sc)?;
                    if v.is_unknown() && self.lossy.get() {
                        out.push_str(crate::value::UNKNOWN_MARK);
                        strip_next = ip.strip.strip_end();
                        continue;
                    }
                    if v.is_unknown() {
                        return Ok(false);
                    }
                    out.push_str(&v.to_tf_string()?);
                    strip_next = ip.strip.strip_end();
                }
                Element::Directive(d) => match d.as_ref() {
                    Directive::If(x) => {
                        let c = self.eval(&x.if_expr.cond_expr, sc)?;
                        if c.is_unknown() {
                            return Ok(false);
                        }
                        let branch = if c.as_bool().ok_or("template if: condition is not bool")? {
                            Some(&x.if_expr.template)
                        } else {
                            x.else_expr.as_ref().map(|e| &e.template)
                        };
                        if let Some(b) = branch {
                            let mut tmp = String::new();
                            if !self.render(b, sc, &mut tmp)? {
                                return Ok(false);
                            }
                            let mut t: &str = &tmp;
                            let (open_strip, close_strip) =
                                match (&x.else_expr, c.as_bool() == Some(true)) {
                                    (Some(e), true) => {
                                        (x.if_expr.strip.strip_end(), e.strip.strip_start())
                                    }
                                    (Some(e), false) => {
                                        (e.strip.strip_end(), x.endif_expr.strip.strip_start())
                                    }
                                    (None, _) => (
                                        x.if_expr.strip.strip_end(),
                                        x.endif_expr.strip.strip_start(),
                                    ),
                                };
                            if open_strip {
                                t = t.trim_start();
                            }
                            if close_strip {
                                t = t.trim_end();
                            }
                            out.push_str(t);
                        }
                        strip_next = x.endif_expr.strip.strip_end();
                    }
                    Directive::For(x) => {
                        let coll = self.eval(&x.for_expr.collection_expr, sc)?;
                        let items: Vec<(Value, Value)> = match coll {
                            Value::Unknown => return Ok(false),
                            Value::List(l) => l
                                .into_iter()
                                .enumerate()
                                .map(|(i, v)| (Value::Number(i as f64), v))
                                .collect(),
                            Value::Map(m) => {
                                m.into_iter().map(|(k, v)| (Value::String(k), v)).collect()
                            }
                            other => {
                                return Err(format!("template for over {}", other.type_name()));
                            }
                        };
                        for (k, v) in items {
                            let mut n = 1;
                            if let Some(kv) = &x.for_expr.key_var {
                                sc.push((kv.as_str().to_string(), k));
                                n = 2;
                            }
                            sc.push((x.for_expr.value_var.as_str().to_string(), v));
                            let mut tmp = String::new();
                            let r = self.render(&x.for_expr.template, sc, &mut tmp);
                            let mut t: &str = &tmp;
                            if x.for_expr.strip.strip_end() {
                                t = t.trim_start();
                            }
                            if x.endfor_expr.strip.strip_start() {
                                t = t.trim_end();
                            }
                            out.push_str(t);
                            for _ in 0..n {
                                sc.pop();
                            }
                            if !r? {
                                return Ok(false);
                            }
                            if out.len() > MAX_FILE_BYTES {
                                return Err("template output too large".into());
                            }
                        }
                        strip_next = x.endfor_expr.strip.strip_end();
                    }
                },
            }
        }
        Ok(true)
    }

    fn variable(&self, name: &Ident, sc: &Scope) -> Result<Value, String> {
        let n = name.as_str();
        if let Some((_, v)) = sc.iter().rev().find(|(k, _)| k == n) {
            return Ok(v.clone());
        }
        match n {
            "var" => Ok(Value::Map(
                self.vars
                    .iter()
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect(),
            )),
            "path" | "terraform" | "data" | "module" | "local" | "self" | "each" | "count" => {
                Ok(Value::Unknown)
            }
            other if self.res_types.contains(other) => Ok(Value::Unknown),
            other => Err(format!("unknown variable {other}")),
        }
    }

    fn traversal(
        &self,
        root: &Expression,
        ops: &[hcl_edit::Decorated<TraversalOperator>],
        sc: &mut Scope,
    ) -> Result<Value, String> {
        let attr = |i: usize| -> Option<&str> {
            match ops.get(i).map(|o| o.value()) {
                Some(TraversalOperator::GetAttr(a)) => Some(a.as_str()),
                _ => None,
            }
        };
        let mut consumed = 0;
        let base: Value = match root {
            Expression::Variable(v) if !sc.iter().any(|(k, _)| k == v.as_str()) => match v.as_str()
            {
                "var" => {
                    consumed = 1;
                    let name = attr(0).ok_or("var needs an attribute")?;
                    self.vars
                        .get(name)
                        .cloned()
                        .ok_or_else(|| format!("undeclared var.{name}"))?
                }
                "local" => {
                    consumed = 1;
                    self.local(attr(0).ok_or("local needs an attribute")?)?
                }
                "module" => {
                    consumed = 1;
                    let name = attr(0).ok_or("module needs a name")?;
                    self.cx.record_ref(&format!("{}module.{name}", self.prefix));
                    self.module(name)
                }
                "data" => {
                    consumed = 2;
                    let (t, n) = (
                        attr(0).ok_or("data needs a type")?,
                        attr(1).ok_or("data needs a name")?,
                    );
                    let key = format!("data.{t}.{n}");
                    self.cx.record_ref(&format!("{}{key}", self.prefix));
                    self.resource(&key)
                }
                "path" => {
                    consumed = 1;
                    match attr(0) {
                        Some("module") => Value::String(self.m.dir.to_string_lossy().into_owned()),
                        Some("root" | "cwd") => {
                            Value::String(self.cx.root.to_string_lossy().into_owned())
                        }
                        _ => Value::Unknown,
                    }
                }
                "terraform" => {
                    consumed = 1;
                    match attr(0) {
                        Some("workspace") => Value::str("default"),
                        _ => Value::Unknown,
                    }
                }
                "count" | "each" | "self" => Value::Unknown,
                t => {
                    let Some(n) = attr(0) else {
                        return Err(format!("unknown reference {t}"));
                    };
                    let key = format!("{t}.{n}");
                    if !self.res_index.contains_key(&key) {
                        return Err(format!("reference to undeclared resource {key}"));
                    }
                    consumed = 1;
                    self.cx.record_ref(&format!("{}{key}", self.prefix));
                    self.resource(&key)
                }
            },
            other => self.eval(other, sc)?,
        };
        self.apply_ops(base, &ops[consumed.min(ops.len())..], sc)
    }

    fn apply_ops(
        &self,
        mut v: Value,
        ops: &[hcl_edit::Decorated<TraversalOperator>],
        sc: &mut Scope,
    ) -> Result<Value, String> {
        for (i, op) in ops.iter().enumerate() {
            if v.is_unknown() {
                return Ok(Value::Unknown);
            }
            v = match op.value() {
                TraversalOperator::GetAttr(a) => get_key(&v, a.as_str())?,
                TraversalOperator::LegacyIndex(n) => {
                    get_index(&v, &Value::Number(*n.value() as f64))?
                }
                TraversalOperator::Index(e) => {
                    let k = self.eval(e, sc)?;
                    if k.is_unknown() {
                        return Ok(Value::Unknown);
                    }
                    get_index(&v, &k)?
                }
                TraversalOperator::AttrSplat(_) | TraversalOperator::FullSplat(_) => {
                    let items = match v {
                        Value::List(l) => l,
                        Value::Null => Vec::new(),
                        Value::Map(m) => m.into_values().collect(),
                        other => vec![other],
                    };
                    let rest = &ops[i + 1..];
                    let mut out = Vec::with_capacity(items.len());
                    for it in items {
                        out.push(self.apply_ops(it, rest, sc)?);
                    }
                    return Ok(Value::List(out));
                }
            };
        }
        Ok(v)
    }
}

/// Positions inside a `.tf.json` file: the resource's name key after its type key, and each
/// attribute's key after that (the JSON is parsed through generated HCL, whose spans do not
/// map back to the file).
fn json_locs(f: &SrcFile, rtype: &str, name: &str, locs: &mut HashMap<String, Loc>) -> Loc {
    let text = &f.text;
    let t = text.find(&format!("\"{rtype}\"")).unwrap_or(0);
    let start = text[t..].find(&format!("\"{name}\"")).map_or(t, |i| t + i);
    for (path, l) in locs.iter_mut() {
        let key = path
            .rsplit('.')
            .find(|s| s.parse::<usize>().is_err())
            .unwrap_or(path);
        let off = text[start..]
            .find(&format!("\"{key}\""))
            .map_or(start, |i| start + i);
        *l = f.loc(off);
    }
    f.loc(start)
}

/// `module.a[0].module.b.` + `c` -> `a.b.c` (the keys of `.terraform/modules/modules.json`).
fn module_key(prefix: &str, name: &str) -> String {
    let mut parts: Vec<String> = Vec::new();
    for seg in prefix.split("module.").filter(|s| !s.is_empty()) {
        let seg = seg.trim_end_matches('.');
        let seg = seg.split('[').next().unwrap_or(seg);
        parts.push(seg.to_string());
    }
    parts.push(name.to_string());
    parts.join(".")
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

fn count_scope(i: Value) -> (String, Value) {
    let mut m = BTreeMap::new();
    m.insert("index".to_string(), i);
    ("count".into(), Value::Map(m))
}

fn each_scope(k: Value, v: Value) -> (String, Value) {
    let mut m = BTreeMap::new();
    m.insert("key".to_string(), k);
    m.insert("value".to_string(), v);
    ("each".into(), Value::Map(m))
}

fn get_key(v: &Value, k: &str) -> Result<Value, String> {
    match v {
        // Attributes not set in configuration are computed by the provider: Unknown.
        Value::Map(m) => Ok(m.get(k).cloned().unwrap_or(Value::Unknown)),
        Value::Unknown => Ok(Value::Unknown),
        Value::Null => Err(format!("attribute {k} of null")),
        other => Err(format!("attribute {k} of a {}", other.type_name())),
    }
}

fn get_index(v: &Value, k: &Value) -> Result<Value, String> {
    match v {
        Value::List(l) => {
            let i = k.as_f64().ok_or("list index is not a number")?;
            if i < 0.0 {
                return Err("negative index".into());
            }
            l.get(i as usize)
                .cloned()
                .ok_or_else(|| format!("index {i} out of range"))
        }
        Value::Map(m) => {
            let key = k.to_tf_string()?;
            Ok(m.get(&key).cloned().unwrap_or(Value::Unknown))
        }
        Value::Unknown => Ok(Value::Unknown),
        other => Err(format!("cannot index a {}", other.type_name())),
    }
}

fn binop(op: BinaryOperator, l: &Value, r: &Value) -> Result<Value, String> {
    use BinaryOperator as B;
    if matches!(op, B::Eq | B::NotEq) {
        if l.has_unknown() || r.has_unknown() {
            return Ok(Value::Unknown);
        }
        let eq = match (l, r) {
            (Value::Number(a), Value::Number(b)) => a == b,
            _ => l == r,
        };
        return Ok(Value::Bool(if op == B::Eq { eq } else { !eq }));
    }
    if l.is_unknown() || r.is_unknown() {
        return Ok(Value::Unknown);
    }
    if matches!(op, B::And | B::Or) {
        let (a, b) = (
            l.as_bool().ok_or("logical operator on a non-bool")?,
            r.as_bool().ok_or("logical operator on a non-bool")?,
        );
        return Ok(Value::Bool(if op == B::And { a && b } else { a || b }));
    }
    let a = l
        .as_f64()
        .ok_or_else(|| format!("arithmetic on a {}", l.type_name()))?;
    let b = r
        .as_f64()
        .ok_or_else(|| format!("arithmetic on a {}", r.type_name()))?;
    Ok(match op {
        B::Plus => Value::Number(a + b),
        B::Minus => Value::Number(a - b),
        B::Mul => Value::Number(a * b),
        B::Div => {
            if b == 0.0 {
                return Err("division by zero".into());
            }
            Value::Number(a / b)
        }
        B::Mod => {
            if b == 0.0 {
                return Err("modulo by zero".into());
            }
            Value::Number(a % b)
        }
        B::Less => Value::Bool(a < b),
        B::LessEq => Value::Bool(a <= b),
        B::Greater => Value::Bool(a > b),
        B::GreaterEq => Value::Bool(a >= b),
        // Handled above.
        B::Eq | B::NotEq | B::And | B::Or => Value::Unknown,
    })
}
