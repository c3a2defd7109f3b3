//! The `oir` binary: a thin shell over the library (see `oir::cli`).

/// The stub and the validator allocate many small, short-lived strings per message (tree
/// nodes, findings, answers); mimalloc serves those markedly faster than glibc's malloc
/// (`cargo bench --bench stub_pipeline`, which uses it too).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    std::process::exit(oir::cli::main());
}
