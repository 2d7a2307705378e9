//! Malformed and hostile input: a diagnostic naming the file and line, never a panic.
