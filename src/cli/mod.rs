//! Headless commands over the same library the app uses.

mod project;

use std::io::Write;
use std::path::PathBuf;

use anyhow::Result;
use clap::{Parser, Subcommand};

#[derive(Parser, Debug)]
#[command(
    name = "tagdesk",
    version,
    about = "Annotate news text with entities and events"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Create an empty project (NAME.tagdesk.ron, or .tagdesk.json)
    New {
        project: PathBuf,
        /// Schema file (RON or JSON) instead of the default news schema
        #[arg(long)]
        schema: Option<PathBuf>,
        /// Annotator name recorded in the project (default: $USER)
        #[arg(long)]
        annotator: Option<String>,
    },
    /// Import articles (.txt, .md, .html, .jsonl, or folders of them) into a project
    Add {
        project: PathBuf,
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Extend the schema with labels and event types the imported annotations use
        #[arg(long)]
        add_labels: bool,
    },
    /// Check a project: spans, ids, labels, text hashes; exit 1 if it has errors
    Validate { project: PathBuf },
    /// Count documents, entities and events per label and status
    Stats { project: PathBuf },
    /// Write a project in another format, chosen by OUT's extension (.tagdesk.ron / .tagdesk.json)
    Convert { project: PathBuf, out: PathBuf },
}

/// Runs one command, writing its report to `out`.
pub fn run(command: Command, out: &mut dyn Write) -> Result<()> {
    match command {
        Command::New {
            project,
            schema,
            annotator,
        } => project::new(&project, schema.as_deref(), annotator, out),
        Command::Add {
            project,
            paths,
            add_labels,
        } => project::add(&project, &paths, add_labels, out),
        Command::Validate { project } => project::validate(&project, out),
        Command::Stats { project } => project::stats(&project, out),
        Command::Convert {
            project: path,
            out: out_path,
        } => project::convert(&path, &out_path, out),
    }
}
