use std::process::ExitCode;

use clap::{CommandFactory, Parser};
use tagdesk::cli::{Cli, run};

fn main() -> ExitCode {
    let cli = Cli::parse();
    let Some(command) = cli.command else {
        // The desktop app opens here once it exists; until then, say what the CLI does.
        let _ = Cli::command().print_help();
        return ExitCode::SUCCESS;
    };
    match run(command, &mut std::io::stdout().lock()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}
