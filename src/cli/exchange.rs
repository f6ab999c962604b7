//! Exchange commands: `tagdesk export` (pre-flight, then files) and `tagdesk import`
//! (annotated documents from other tools).

use std::io::Write;
use std::path::PathBuf;

use anyhow::{Result, bail};
use clap::{Args, ValueEnum};

use crate::formats::exchange::{self, ExchangeFormat, ImportOptions};
use crate::formats::export::{
    self, Columns, Destination, ExportFormat, ExportOptions, OffsetUnit, TagScheme,
};
use crate::formats::{import, preflight, project as project_file};

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum ExportFormatArg {
    /// CoNLL columns, IOB2 tags
    Conll,
    /// CoNLL columns, IOB1 tags
    Iob1,
    /// CoNLL columns, BILOU tags
    Bilou,
    /// spaCy JSONL (text + char-offset entities)
    Spacy,
    /// brat standoff folder (.txt + .ann per document, annotation.conf)
    Brat,
    /// doccano JSONL
    Doccano,
    /// Label Studio folder (tasks.json + config.xml)
    LabelStudio,
    /// Hugging Face token classification folder (data.jsonl + labels.json)
    Hf,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum ImportFormatArg {
    /// .ann files (with their .txt) or folders of them; annotation.conf is read when present
    Brat,
    /// doccano JSONL (label or entities + relations)
    Doccano,
    /// CoNLL / IOB1 / IOB2 / BILOU token files
    Conll,
    /// Label Studio JSON export
    LabelStudio,
    /// spaCy JSONL
    Spacy,
    /// The common gold JSONL of ../shared/data
    Gold,
}

#[derive(Clone, Copy, Debug, Default, ValueEnum)]
pub enum OffsetsArg {
    /// Unicode code points (Python str indices)
    #[default]
    Chars,
    /// UTF-16 code units (JavaScript strings)
    Utf16,
}

#[derive(Clone, Copy, Debug, Default, ValueEnum)]
pub enum ColumnsArg {
    /// token TAG
    #[default]
    #[value(name = "2")]
    Two,
    /// word POS chunk NER (CoNLL-2003)
    #[value(name = "4")]
    Four,
}

impl From<OffsetsArg> for OffsetUnit {
    fn from(arg: OffsetsArg) -> Self {
        match arg {
            OffsetsArg::Chars => Self::Chars,
            OffsetsArg::Utf16 => Self::Utf16,
        }
    }
}

/// `tagdesk export` arguments.
#[derive(Args, Debug)]
pub struct ExportArgs {
    /// The project file (.tagdesk.ron or .tagdesk.json)
    pub project: PathBuf,
    /// Training-data format to write
    #[arg(long, value_enum)]
    pub format: ExportFormatArg,
    /// Output file (conll, iob1, bilou, spacy, doccano) or folder (brat, label-studio, hf)
    #[arg(long)]
    pub out: PathBuf,
    /// Export suggestions too, not only accepted annotations
    #[arg(long)]
    pub include_suggestions: bool,
    /// Offset unit for doccano and Label Studio
    #[arg(long, value_enum, default_value_t)]
    pub offsets: OffsetsArg,
    /// Fail, writing nothing, if the pre-flight finds anything
    #[arg(long)]
    pub strict: bool,
    /// spaCy: also write all spans, overlapping ones included, under spans.sc
    #[arg(long)]
    pub spans: bool,
    /// CoNLL: number of columns
    #[arg(long, value_enum, default_value_t)]
    pub columns: ColumnsArg,
    /// CoNLL: record each document's exact text in a `# text = "…"` line
    #[arg(long)]
    pub keep_spacing: bool,
    /// doccano: write the entities + relations variant
    #[arg(long)]
    pub relations: bool,
    /// brat: write Status and Score attributes
    #[arg(long)]
    pub status_attributes: bool,
    /// Also apply the fixes the pre-flight only offers (trim edge whitespace and punctuation)
    #[arg(long)]
    pub trim: bool,
}

/// `tagdesk import` arguments.
#[derive(Args, Debug)]
pub struct ImportArgs {
    /// The project file (.tagdesk.ron or .tagdesk.json)
    pub project: PathBuf,
    /// Format of the files to import
    #[arg(long, value_enum)]
    pub format: ImportFormatArg,
    /// Files or folders to import (brat: folders of .txt and .ann with an annotation.conf)
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// Extend the schema with labels and event types the imported annotations use (for brat,
    /// everything annotation.conf defines that the project lacks)
    #[arg(long)]
    pub add_labels: bool,
    /// Offset unit of doccano and Label Studio files
    #[arg(long, value_enum, default_value_t)]
    pub offsets: OffsetsArg,
}

fn export_options(args: &ExportArgs) -> Result<ExportOptions> {
    let format = match args.format {
        ExportFormatArg::Conll => ExportFormat::Conll(TagScheme::Iob2),
        ExportFormatArg::Iob1 => ExportFormat::Conll(TagScheme::Iob1),
        ExportFormatArg::Bilou => ExportFormat::Conll(TagScheme::Bilou),
        ExportFormatArg::Spacy => ExportFormat::Spacy,
        ExportFormatArg::Brat => ExportFormat::Brat,
        ExportFormatArg::Doccano => ExportFormat::Doccano,
        ExportFormatArg::LabelStudio => ExportFormat::LabelStudio,
        ExportFormatArg::Hf => ExportFormat::HuggingFace,
    };
    let conll = matches!(format, ExportFormat::Conll(_));
    let misplaced = [
        (
            args.spans,
            "--spans",
            format == ExportFormat::Spacy,
            "spacy",
        ),
        (
            matches!(args.offsets, OffsetsArg::Utf16),
            "--offsets utf16",
            matches!(format, ExportFormat::Doccano | ExportFormat::LabelStudio),
            "doccano and label-studio",
        ),
        (
            matches!(args.columns, ColumnsArg::Four),
            "--columns 4",
            conll,
            "conll, iob1 and bilou",
        ),
        (
            args.keep_spacing,
            "--keep-spacing",
            conll,
            "conll, iob1 and bilou",
        ),
        (
            args.relations,
            "--relations",
            format == ExportFormat::Doccano,
            "doccano",
        ),
        (
            args.status_attributes,
            "--status-attributes",
            format == ExportFormat::Brat,
            "brat",
        ),
    ];
    for (given, flag, fits, formats) in misplaced {
        if given && !fits {
            bail!("{flag} applies to {formats} only, not to {}", format.name());
        }
    }
    Ok(ExportOptions {
        format,
        include_suggestions: args.include_suggestions,
        offsets: args.offsets.into(),
        spans: args.spans,
        columns: match args.columns {
            ColumnsArg::Two => Columns::Two,
            ColumnsArg::Four => Columns::Four,
        },
        record_spacing: args.keep_spacing,
        relations: args.relations,
        status_attributes: args.status_attributes,
        trim: args.trim,
    })
}

pub fn export(args: &ExportArgs, out: &mut dyn Write) -> Result<()> {
    let options = export_options(args)?;
    let project = project_file::load(&args.project)?;
    let report = preflight::check(&project, &options);
    if !report.is_empty() {
        write!(out, "{report}")?;
    }
    if args.strict && !report.is_empty() {
        bail!(
            "--strict: the pre-flight found {} thing(s) to fix; nothing was written",
            report.finding_count()
        );
    }
    let destination = if options.format.is_single_file() {
        Destination::File(&args.out)
    } else {
        Destination::Folder(&args.out)
    };
    let mut disk = export::ToDisk::new(destination);
    let exported = export::export_project(&project, &report, &options, &mut disk)?;
    disk.finish()?;
    writeln!(
        out,
        "wrote {} ({}): {} document(s), {} entities, {} events",
        args.out.display(),
        options.format.name(),
        exported.documents,
        exported.entities,
        exported.events
    )?;
    Ok(())
}

pub fn import(args: &ImportArgs, out: &mut dyn Write) -> Result<()> {
    let format = match args.format {
        ImportFormatArg::Brat => ExchangeFormat::Brat,
        ImportFormatArg::Doccano => ExchangeFormat::Doccano,
        ImportFormatArg::Conll => ExchangeFormat::Conll,
        ImportFormatArg::LabelStudio => ExchangeFormat::LabelStudio,
        ImportFormatArg::Spacy => ExchangeFormat::Spacy,
        ImportFormatArg::Gold => ExchangeFormat::Gold,
    };
    if matches!(args.offsets, OffsetsArg::Utf16)
        && !matches!(
            format,
            ExchangeFormat::Doccano | ExchangeFormat::LabelStudio
        )
    {
        bail!("--offsets utf16 applies to doccano and label-studio only");
    }
    let mut project = project_file::load(&args.project)?;
    let options = ImportOptions {
        offsets: args.offsets.into(),
        schema: Some(project.schema()),
    };
    let imported = exchange::import(format, &args.paths, &options)?;
    for note in &imported.notes {
        writeln!(out, "note: {note}")?;
    }
    if let Some(conf) = &imported.schema {
        let problems = conf.problems();
        if !problems.is_empty() {
            bail!("annotation.conf: {}", problems.join("; "));
        }
    }
    let addition = import::plan_addition(&project, imported.documents, imported.schema.as_ref());
    super::project::apply_addition(&mut project, &args.project, addition, args.add_labels, out)
}
