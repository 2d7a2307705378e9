//! Shared by every fuzz target: parse the bytes as one format, with a loader that serves
//! the same bytes for any include (so `-r` includes and parent POMs are exercised too,
//! cycles and depth bounds included). Any panic is a bug.

/// Parses `data` as `format` and touches the result.
pub fn run(format: palisade_lockfile::Format, data: &[u8]) {
    let loader = |_: &std::path::Path| Some(data.to_vec());
    let path = format!("sub/{}", format.file_names().first().copied().unwrap_or("file"));
    if let Ok(inv) = palisade_lockfile::parse_with_loader(format, &path, data, &loader) {
        std::hint::black_box((inv.packages.len(), inv.diagnostics.len()));
    }
    let _ = palisade_lockfile::detect(&path, data);
}
