//! palisade-auth's one integration-test binary.

mod flow;
mod negative;
mod support;
mod tokens;
mod web;
