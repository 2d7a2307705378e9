//! Small hand-written fixtures of each format.
