//! `esign-codegen`: the installed command line. See [`esign_codegen::cli`]
//! for the flags and exit codes.

use esign_codegen::cli::{self, Command, Context};
use esign_codegen::RuntimeDep;
use std::process::ExitCode;

/// mimalloc rather than the system allocator: generating makes and drops
/// millions of small allocations (tokens, syntax trees, JSON nodes), and on
/// the largest specs it cuts the time by about a third and the peak memory
/// by a tenth (BENCHMARKS.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let parsed = match cli::parse(&args, false) {
        Ok(parsed) => parsed,
        Err(message) => {
            eprintln!("esign-codegen: {message}\n(see esign-codegen --help)");
            return ExitCode::from(2);
        }
    };
    match parsed {
        Command::Help => {
            print!("{}", cli::USAGE);
            ExitCode::SUCCESS
        }
        Command::Version => {
            println!("esign-codegen {}", env!("CARGO_PKG_VERSION"));
            ExitCode::SUCCESS
        }
        Command::Run(args) => {
            let context = Context {
                command: "esign-codegen",
                default_runtime: &|_| Ok(RuntimeDep::Version(cli::own_runtime_requirement())),
                check_out: &|_| Ok(()),
            };
            match cli::generate(&args, &context) {
                Ok(()) => ExitCode::SUCCESS,
                Err(failure) => {
                    eprintln!("error: {}", failure.message);
                    if failure.code == 2 {
                        eprintln!("(see esign-codegen --help)");
                    }
                    failure.exit_code()
                }
            }
        }
    }
}
