use std::process::ExitCode;

use clap::Parser;

#[tokio::main]
async fn main() -> ExitCode {
    let cli = hrnexus::cli::Cli::parse();
    match hrnexus::cli::run(cli).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            // One clear line, no backtrace: these are the operator's mistakes, not bugs.
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}
