//! Noise measurement over real package names, not a test:
//! `cargo run -p palisade-hygiene --example typosquat_noise -- names.tsv` prints every
//! `ecosystem<TAB>name` line of the file that `typosquat` reports, then the count
//! (docs/deps-hygiene.md records the figures on the shared lockfiles).

#![allow(
    clippy::print_stdout,
    reason = "a measurement tool: its report is its output"
)]

use std::process::ExitCode;

fn main() -> ExitCode {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: typosquat_noise NAMES.tsv (lines: ecosystem<TAB>name)");
        return ExitCode::from(2);
    };
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("{path}: {e}");
            return ExitCode::from(2);
        }
    };
    let (mut judged, mut hits) = (0, 0);
    for line in text.lines() {
        let Some((eco, name)) = line.split_once('\t') else {
            continue;
        };
        judged += 1;
        if let Some(t) = palisade_hygiene::typosquat(eco, name) {
            hits += 1;
            println!("{eco}\t{name}\t{}\t{:?}", t.popular, t.resemblance);
        }
    }
    println!("{hits} hit(s) among {judged} name(s)");
    ExitCode::SUCCESS
}
