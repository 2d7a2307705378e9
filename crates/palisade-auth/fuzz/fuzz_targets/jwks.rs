//! JWKS parsing (and thumbprints of whatever keys survive) on arbitrary input.
#![no_main]

use libfuzzer_sys::fuzz_target;
use palisade_auth::{Alg, Jwks};

fuzz_target!(|data: &[u8]| {
    if let Ok(jwks) = Jwks::parse(data) {
        for k in jwks.keys() {
            let _ = k.thumbprint();
        }
        for alg in Alg::ALL {
            let _ = jwks.find(None, alg);
            let _ = jwks.find(Some("k"), alg);
        }
    }
});
