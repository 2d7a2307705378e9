//! Integration tests of `palisade-lockfile`: every real-world sample of the shared data,
//! hand-written fixtures of each format, and hostile input.

mod fixtures;
mod hostile;
mod samples;
