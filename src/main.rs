use std::process::ExitCode;

use clap::Parser;
use tagdesk::cli::{Cli, run};

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Some(command) => run(command, &mut std::io::stdout().lock()),
        None => open_app(cli.path),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

#[cfg(feature = "gui")]
fn open_app(path: Option<std::path::PathBuf>) -> anyhow::Result<()> {
    tagdesk::app::run(path)
}

#[cfg(not(feature = "gui"))]
fn open_app(_path: Option<std::path::PathBuf>) -> anyhow::Result<()> {
    use clap::CommandFactory;
    Cli::command().print_help()?;
    anyhow::bail!(
        "this tagdesk was built without the desktop app (feature \"gui\"); use a subcommand"
    )
}
