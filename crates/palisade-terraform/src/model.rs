//! The resource model checks see.

use std::collections::HashMap;
use std::sync::Arc;

use crate::value::Value;

/// A position in a scanned file (1-based line and column).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Loc {
    pub file: Arc<str>,
    pub line: u32,
    pub column: u32,
}

/// Something that prevented part of a scan (invalid HCL, missing module, cycle, cap reached).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Diagnostic {
    pub file: String,
    pub line: u32,
    pub message: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Managed,
    Data,
}

/// One resource (or data source) instance after evaluation.
#[derive(Debug, Clone)]
pub struct Resource {
    pub mode: Mode,
    /// `aws_s3_bucket`
    pub rtype: String,
    /// The block's name label.
    pub name: String,
    /// `module.a.aws_s3_bucket.b[0]`
    pub address: String,
    /// The address without the instance key: `module.a.aws_s3_bucket.b`.
    pub base_address: String,
    /// The evaluated attribute tree (a map; nested blocks are lists of maps).
    pub attrs: Value,
    /// Source position of every attribute and nested block, keyed by dotted path
    /// (`versioning.0.enabled`).
    pub locs: HashMap<String, Loc>,
    /// Resources / modules / data sources each top-level attribute refers to (base addresses).
    pub refs: HashMap<String, Vec<String>>,
    /// Position of the resource block.
    pub loc: Loc,
}

impl Resource {
    /// Value at a dotted path (`metadata_options.0.http_tokens`).
    pub fn get(&self, path: &str) -> Option<&Value> {
        self.attrs.pointer(path)
    }

    /// Position of `path`, or of its closest present ancestor, or of the block.
    pub fn loc_of(&self, path: &str) -> Loc {
        let mut p = path;
        loop {
            if let Some(l) = self.locs.get(p) {
                return l.clone();
            }
            match p.rfind('.') {
                Some(i) => p = &p[..i],
                None => return self.loc.clone(),
            }
        }
    }

    /// True when top-level attribute `attr` refers to `base_address` (or to it by name).
    pub fn refers_to(&self, attr: &str, target: &Resource) -> bool {
        self.refs
            .get(attr)
            .is_some_and(|r| r.contains(&target.base_address))
    }
}

/// A `module` block instance.
#[derive(Debug, Clone)]
pub struct ModuleCall {
    pub address: String,
    pub source: Option<String>,
    pub version: Option<Value>,
    pub loc: Loc,
    pub source_loc: Option<Loc>,
}

/// Everything evaluated from one root module (or one plan).
#[derive(Debug, Clone, Default)]
pub struct Model {
    pub resources: Vec<Resource>,
    pub module_calls: Vec<ModuleCall>,
}
