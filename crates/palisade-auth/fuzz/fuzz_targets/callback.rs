//! Callback URL parsing and validation on arbitrary input.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use palisade_auth::{Client, ClientAuth, ClientConfig, PendingAuthorization, ServerMetadata};

const PENDING: &str = r#"{"issuer":"https://id.example","client_id":"app","redirect_uri":"https://app.example/cb","state":"s","nonce":"n","verifier":"v","dpop_jkt":null}"#;

fn client() -> Option<&'static Client> {
    static C: OnceLock<Option<Client>> = OnceLock::new();
    C.get_or_init(|| {
        let meta: ServerMetadata = serde_json::from_str(
            r#"{"issuer":"https://id.example","authorization_endpoint":"https://id.example/auth",
                "token_endpoint":"https://id.example/token","code_challenge_methods_supported":["S256"],
                "authorization_response_iss_parameter_supported":true}"#,
        )
        .ok()?;
        let cfg = ClientConfig::new("app", url::Url::parse("https://app.example/cb").ok()?, ClientAuth::None);
        Client::from_metadata(meta, cfg).ok()
    })
    .as_ref()
}

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else {
        return;
    };
    let _ = palisade_auth::parse_callback_query(s);
    let Some(c) = client() else { return };
    let Ok(pending) = serde_json::from_str::<PendingAuthorization>(PENDING) else {
        return;
    };
    let _ = c.validate_callback_query(pending, s);
    if let Ok(u) = url::Url::parse(s) {
        let Ok(pending) = serde_json::from_str::<PendingAuthorization>(PENDING) else {
            return;
        };
        let _ = c.validate_callback(pending, &u);
    }
});
