//! Headless commands over the same library the app uses.

mod annotate;
mod dictionary;
mod exchange;
mod learn;
mod project;
mod team;

use std::io::Write;
use std::num::NonZeroUsize;
use std::path::PathBuf;

use anyhow::Result;
use clap::{Parser, Subcommand};

#[derive(Parser, Debug)]
#[command(
    name = "tagdesk",
    version,
    about = "Annotate news text with entities and events"
)]
#[command(args_conflicts_with_subcommands = true)]
pub struct Cli {
    /// A project (.tagdesk.ron / .tagdesk.json / .tagdesk folder) or an article to open in the desktop app
    pub path: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Create an empty project (NAME.tagdesk.ron, .tagdesk.json, or a NAME.tagdesk folder)
    New {
        /// The project to create (.tagdesk.ron, .tagdesk.json, or a .tagdesk folder)
        project: PathBuf,
        /// Schema file (RON or JSON) instead of the default news schema
        #[arg(long)]
        schema: Option<PathBuf>,
        /// Annotator name recorded in the project (default: $USER)
        #[arg(long)]
        annotator: Option<String>,
        /// A folder project's document files: ron (default) or json (faster to read and write)
        #[arg(long, value_enum)]
        documents: Option<project::DocumentsArg>,
    },
    /// Import articles (.txt, .md, .html, .jsonl, or folders of them) into a project
    Add {
        /// The project (.tagdesk.ron, .tagdesk.json, or a .tagdesk folder)
        project: PathBuf,
        /// Articles (.txt, .md, .html, .jsonl) or folders of them
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Extend the schema with labels and event types the imported annotations use
        #[arg(long)]
        add_labels: bool,
    },
    /// Check a project: spans, ids, labels, text hashes; exit 1 if it has errors
    Validate {
        /// The project (.tagdesk.ron, .tagdesk.json, or a .tagdesk folder)
        project: PathBuf,
    },
    /// Count documents, entities and events per label and status
    Stats {
        /// The project (.tagdesk.ron, .tagdesk.json, or a .tagdesk folder)
        project: PathBuf,
    },
    /// Write a project in another format, chosen by OUT's extension (.tagdesk.ron / .tagdesk.json / .tagdesk folder)
    Convert {
        /// The project file to read
        project: PathBuf,
        /// The file to write, in the format of its extension
        out: PathBuf,
        /// Writing a folder project: its document files as ron (default) or json
        #[arg(long, value_enum)]
        documents: Option<project::DocumentsArg>,
    },
    /// Measure the document view's frame times while scrolling long documents (headless)
    #[cfg(feature = "gui")]
    BenchView {
        /// Frames to scroll per document size
        #[arg(long, default_value_t = 300)]
        frames: usize,
        /// Instead, open this project as the window does: time to the first frame and to fully
        /// loaded, frame times while it loads and scrolling the documents list, Ctrl+S after one
        /// edit (undone and saved again, so the project ends as it began), peak memory
        #[arg(long)]
        project: Option<PathBuf>,
    },
    /// Export for training or another tool, after a pre-flight check of what the format cannot hold
    Export(exchange::ExportArgs),
    /// Import annotated documents from brat, doccano, CoNLL/IOB, Label Studio, spaCy or gold JSONL
    Import(exchange::ImportArgs),
    /// Add the pre-annotation engine's proposals to a project as suggestions
    Annotate {
        /// The project (.tagdesk.ron, .tagdesk.json, or a .tagdesk folder)
        project: PathBuf,
        /// Only these documents (id or name); repeatable. Default: all
        #[arg(long = "doc")]
        docs: Vec<String>,
        /// Dictionary (JSONL patterns) for this run instead of the project's; its patterns
        /// win over the built-in rules
        #[arg(long)]
        dictionary: Option<PathBuf>,
        /// The rules alone for this run: no model trained from the reviewed documents
        #[arg(long)]
        no_learning: bool,
        /// Threads to annotate with (default: one per core); the result is the same
        #[arg(long)]
        threads: Option<NonZeroUsize>,
    },
    /// Show what a project's pre-annotation learns from (reviewed documents, labels, the
    /// model's cross-validated quality), or switch learning on or off for the project
    Learning {
        /// The project (.tagdesk.ron, .tagdesk.json, or a .tagdesk folder)
        project: PathBuf,
        /// Switch learning on or off (saved in the project)
        #[arg(value_enum)]
        set: Option<Switch>,
    },
    /// Attach a dictionary of JSONL patterns to a project (replacing any), remove it with
    /// --clear, or, with no FILE, show it; `annotate` and the app use it
    Dictionary {
        /// The project (.tagdesk.ron, .tagdesk.json, or a .tagdesk folder)
        project: PathBuf,
        /// JSONL, one pattern a line: {"label": "ORG", "pattern": "Nikkei Asia"} or
        /// {"label": "ORG", "pattern": [{"lower": "nikkei"}, {"lower": "asia"}]}
        #[arg(conflicts_with = "clear")]
        file: Option<PathBuf>,
        /// Remove the project's dictionary
        #[arg(long)]
        clear: bool,
        /// Add the labels the patterns use that the project schema lacks
        #[arg(long, requires = "file")]
        add_labels: bool,
    },
    /// Print the engine's proposals for files, one JSON object per document
    AnnotateFile {
        /// Articles (.txt, .md, .html, .jsonl) or folders of them; `-` reads a JSONL corpus
        /// from standard input, streamed
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Output format
        #[arg(long, value_enum, default_value = "jsonl")]
        format: AnnotateFormat,
        /// Dictionary (JSONL patterns) whose matches win over the built-in rules
        #[arg(long)]
        dictionary: Option<PathBuf>,
        /// Pre-annotate as this project would: its dictionary, its schema and the model its
        /// reviewed documents train
        #[arg(long)]
        project: Option<PathBuf>,
        /// Threads to annotate with (default: one per core); the output is the same
        #[arg(long)]
        threads: Option<NonZeroUsize>,
    },
    /// Split a project between annotators: one project each, every document to one of them,
    /// a seeded share to all (for agreement); the split is written to OUT/split.json
    Split {
        /// The project file to split
        project: PathBuf,
        /// Annotators' names, comma-separated (ana,ben,chloe)
        #[arg(long, value_delimiter = ',', required = true)]
        annotators: Vec<String>,
        /// Share of the documents every annotator gets, for agreement (10% or 0.1)
        #[arg(long, default_value = "10%", value_parser = team::parse_share)]
        overlap: f64,
        /// Folder for the annotators' projects (created; nothing in it is overwritten)
        #[arg(long)]
        out: PathBuf,
        /// Seed of the shuffle that deals the documents
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
    /// Agreement of annotators' projects on the documents they share (by text hash):
    /// exact-span F1 and Cohen's kappa per pair, Krippendorff's alpha, events
    Agree {
        /// Two or more annotators' project files
        #[arg(required = true, num_args = 2..)]
        projects: Vec<PathBuf>,
        /// Print one JSON object (pairs, alpha, events) instead of the table
        #[arg(long)]
        json: bool,
    },
    /// Merge annotators' projects into a curation project: what all accepted alike is
    /// accepted, the rest are suggestions saying who made them
    Merge {
        /// Two or more annotators' project files
        #[arg(required = true, num_args = 2..)]
        projects: Vec<PathBuf>,
        /// The curation project to write (a new file)
        #[arg(long)]
        out: PathBuf,
    },
    /// F1 of a model trained on the first k documents of a gold file, for each k, next to the
    /// rules alone; with training time and words/s, so the curve is reproducible
    LearningCurve(learn::CurveArgs),
    /// Score the engine against gold JSONL files (together): P/R/F1 per label, events
    Eval {
        /// Gold JSONL files (the common format of ../shared/data), scored together
        #[arg(required = true)]
        gold: Vec<PathBuf>,
        /// Compare on the gold's coarse labels (PER ORG LOC DATE MISC)
        #[arg(long)]
        coarse: bool,
        /// Score only these labels, comma-separated (e.g. PER,ORG,LOC,MISC)
        #[arg(long)]
        labels: Option<String>,
        /// Dictionary (JSONL patterns) whose matches win over the built-in rules
        #[arg(long)]
        dictionary: Option<PathBuf>,
    },
}

/// `on` or `off`.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Switch {
    On,
    Off,
}

/// Output formats of `annotate-file`.
#[derive(clap::ValueEnum, Clone, Copy, Debug)]
pub enum AnnotateFormat {
    /// One object per line: {"id", "text", "entities", "events"}, char offsets
    Jsonl,
}

/// Runs one command, writing its report to `out`.
pub fn run(command: Command, out: &mut dyn Write) -> Result<()> {
    match command {
        Command::New {
            project,
            schema,
            annotator,
            documents,
        } => project::new(&project, schema.as_deref(), annotator, documents, out),
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
            documents,
        } => project::convert(&path, &out_path, documents, out),
        #[cfg(feature = "gui")]
        Command::BenchView {
            frames,
            project: Some(project),
        } => bench_open(&project, frames, out),
        #[cfg(feature = "gui")]
        Command::BenchView {
            frames,
            project: None,
        } => bench_view(frames, out),
        Command::Export(args) => exchange::export(&args, out),
        Command::Import(args) => exchange::import(&args, out),
        Command::Annotate {
            project,
            docs,
            dictionary,
            no_learning,
            threads,
        } => annotate::annotate(
            &project,
            &docs,
            dictionary.as_deref(),
            !no_learning,
            crate::parallel::threads(threads),
            out,
        ),
        Command::Learning { project, set } => {
            learn::learning(&project, set.map(|s| s == Switch::On), out)
        }
        Command::Dictionary {
            project,
            file,
            clear,
            add_labels,
        } => {
            let request = match (&file, clear) {
                (Some(file), _) => dictionary::Request::Attach { file, add_labels },
                (None, true) => dictionary::Request::Clear,
                (None, false) => dictionary::Request::Show,
            };
            dictionary::dictionary(&project, request, out)
        }
        Command::AnnotateFile {
            files,
            format: AnnotateFormat::Jsonl,
            dictionary,
            project,
            threads,
        } => annotate::annotate_files(
            &files,
            dictionary.as_deref(),
            project.as_deref(),
            crate::parallel::threads(threads),
            out,
        ),
        Command::LearningCurve(args) => learn::learning_curve(&args, out),
        Command::Split {
            project,
            annotators,
            overlap,
            out: dir,
            seed,
        } => team::split(&project, &annotators, overlap, &dir, seed, out),
        Command::Agree { projects, json } => team::agree(&projects, json, out),
        Command::Merge {
            projects,
            out: curated,
        } => team::merge(&projects, &curated, out),
        Command::Eval {
            gold,
            coarse,
            labels,
            dictionary,
        } => annotate::eval(&gold, coarse, labels, dictionary.as_deref(), out),
    }
}

#[cfg(feature = "gui")]
fn bench_open(project: &std::path::Path, frames: usize, out: &mut dyn Write) -> Result<()> {
    let s = crate::app::bench::measure_open(project, frames)?;
    let quantiles = |times: &[f64]| {
        let mut sorted = times.to_vec();
        sorted.sort_by(f64::total_cmp);
        let at = |q: f64| sorted[((sorted.len() - 1) as f64 * q).round() as usize];
        if sorted.is_empty() {
            "no frames".to_owned()
        } else {
            format!(
                "{} frames, median {:.2} ms, p95 {:.2} ms, max {:.2} ms",
                sorted.len(),
                at(0.5),
                at(0.95),
                at(1.0)
            )
        }
    };
    writeln!(out, "{}: {} documents", project.display(), s.documents)?;
    writeln!(out, "first frame:       {:.0} ms", s.first_frame_ms)?;
    writeln!(out, "fully loaded:      {:.0} ms", s.loaded_ms)?;
    writeln!(out, "while loading:     {}", quantiles(&s.loading_frames))?;
    writeln!(
        out,
        "scrolling list:    {} (down to document {})",
        quantiles(&s.list_frames),
        s.list_last_shown + 1
    )?;
    writeln!(out, "Ctrl+S, one edit:  {:.1} ms", s.save_ms)?;
    if let Some(mb) = s.peak_rss_mb {
        writeln!(out, "peak memory:       {mb:.0} MB")?;
    }
    writeln!(
        out,
        "(1280x820, headless, no GPU; frames at most 60 a second while loading)"
    )?;
    Ok(())
}

#[cfg(feature = "gui")]
fn bench_view(frames: usize, out: &mut dyn Write) -> Result<()> {
    writeln!(
        out,
        "{:>10} {:>9} {:>12} {:>10} {:>8} {:>8} {:>12}",
        "document", "entities", "first frame", "median", "p95", "max", "scrolled"
    )?;
    for bytes in [10_000, 100_000, 1_000_000] {
        let s = crate::app::bench::measure(bytes, frames);
        writeln!(
            out,
            "{:>8}KB {:>9} {:>10.1}ms {:>8.2}ms {:>6.2}ms {:>6.2}ms {:>5} paras",
            s.bytes / 1000,
            s.entities,
            s.first_frame_ms,
            s.median_ms,
            s.p95_ms,
            s.max_ms,
            s.paragraphs_scrolled
        )?;
    }
    writeln!(
        out,
        "({frames} frames each, scrolling 400 points a frame, 1280x820, one core, no GPU)"
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::Cli;

    /// `tagdesk COMMAND --help` explains every argument and flag.
    #[test]
    fn every_argument_has_help_text() {
        let cli = Cli::command();
        let mut missing = Vec::new();
        for command in cli.get_subcommands() {
            for arg in command.get_arguments() {
                let builtin = matches!(arg.get_id().as_str(), "help" | "version");
                if !builtin && arg.get_help().is_none() {
                    missing.push(format!("{} {}", command.get_name(), arg.get_id()));
                }
            }
        }
        assert!(missing.is_empty(), "no help text: {missing:?}");
    }
}
