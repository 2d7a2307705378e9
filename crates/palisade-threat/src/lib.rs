//! palisade threat modelling and design review.
//!
//! A model (YAML, see [`model`]) describes data assets, technical assets, nested trust
//! boundaries, links, actors, assumptions and per-threat decisions. Built-in threat rules
//! ([`rules`], data in `data/rules.yaml`) run over it and raise threats with stable ids
//! (`<rule>@<element>`) and an explanation naming the elements; [`render`] writes text,
//! JSON, SARIF, Markdown, HTML, an SVG diagram, Mermaid and DOT; [`analyze::diff`]
//! compares two model versions; [`asvs`] prints ASVS 5.0.0 checklists scoped by the model.
//!
//! Dependencies, and why:
//! - `serde-saphyr`: the workspace's YAML parser; pure Rust, bounded (depth, events,
//!   aliases) on hostile input, and its errors carry line numbers.
//! - `schemars`: derives the published JSON Schema from the same structs serde reads, so
//!   the schema cannot drift from the parser.
//! - `serde_json`: JSON and SARIF output, and reading the ASVS data.

pub mod analyze;
pub mod asvs;
pub mod model;
pub mod render;
#[doc(hidden)]
pub mod rule_examples;
pub mod rules;
mod svg;
pub mod threagile;
pub mod threat_dragon;

pub use analyze::{Analysis, Diff, Threat, analyze, diff};
pub use model::{Model, parse};

/// Errors of this crate.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A model or evidence file is invalid.
    #[error("{file}:{line}: {message}")]
    Model {
        file: String,
        line: u64,
        message: String,
    },
    /// The built-in rules are malformed (a bug).
    #[error("built-in threat rules: {0}")]
    Rules(String),
    /// The ASVS data is malformed.
    #[error("ASVS data: {0}")]
    Asvs(String),
}

/// A commented starter model for `palisade threat-model init`.
pub const STARTER_MODEL: &str = include_str!("../data/starter.yaml");
