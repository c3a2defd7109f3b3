//! Schema-driven generation of valid instances (work in progress).
