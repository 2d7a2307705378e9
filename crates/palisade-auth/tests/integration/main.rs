//! palisade-auth's one integration-test binary.

mod flow;
mod support;
