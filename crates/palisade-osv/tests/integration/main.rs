//! Integration tests of palisade-osv: the store and the shared advisory bundle.

mod bundle;
mod store;
