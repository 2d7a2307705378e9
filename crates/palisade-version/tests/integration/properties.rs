//! Property checks: `compare` is antisymmetric, reflexive and never panics, on ordinary
//! and hostile inputs.
