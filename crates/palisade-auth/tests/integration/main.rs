//! palisade-auth's one integration-test binary.

mod backchannel;
mod flow;
mod negative;
mod random;
mod support;
mod tokens;
mod web;
