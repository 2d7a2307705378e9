//! Integration tests of palisade-osv: the store and the shared advisory bundle.

#![allow(clippy::unwrap_used, clippy::print_stdout)]

mod bundle;
mod store;
