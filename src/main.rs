//! The `oir` binary: a thin shell over the library (see `oir::cli`).

fn main() {
    std::process::exit(oir::cli::main());
}
