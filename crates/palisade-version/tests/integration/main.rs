//! Integration tests of `palisade-version`: the OSV test vectors and property checks.

mod properties;
mod vectors;
