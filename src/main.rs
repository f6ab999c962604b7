use std::process::ExitCode;

use clap::Parser;
use tagdesk::cli::{Cli, run};

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Some(command) => run_buffered(command),
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

/// Runs a command with its output buffered: commands that print a line per document would
/// otherwise make a write call per line. Commands that stream flush as they go.
fn run_buffered(command: tagdesk::cli::Command) -> anyhow::Result<()> {
    use std::io::Write;
    let mut out = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
    let result = run(command, &mut out);
    let flushed = out.flush();
    result?;
    Ok(flushed?)
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
