//! The deliberately vulnerable test application, as a server for benchmarks and manual runs:
//! `cargo run -p palisade-dast --example dast-vulnapp -- 8080` (127.0.0.1 only).
#![allow(clippy::unwrap_used, clippy::print_stdout)]

#[path = "../tests/dast/vulnapp.rs"]
mod vulnapp;

use std::sync::Arc;

#[tokio::main]
async fn main() {
    let port: u16 = std::env::args()
        .nth(1)
        .and_then(|p| p.parse().ok())
        .unwrap_or(8080);
    let state = Arc::new(vulnapp::AppState::default());
    *state.outside.lock().unwrap() = "http://127.0.0.1:9".into();
    let addr = vulnapp::serve(state.clone(), false, port).await;
    println!("vulnerable test app on http://{addr}/ (Ctrl-C to stop)");
    tokio::signal::ctrl_c().await.unwrap();
    let hits = state.hits();
    println!("{} requests received", hits.len());
}
