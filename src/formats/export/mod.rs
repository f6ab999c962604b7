//! Exports for training and for other annotation tools: CoNLL/IOB, spaCy, brat, doccano,
//! Label Studio and Hugging Face token classification.
//!
//! An export runs in three steps, so nothing leaves the project unreported:
//! 1. [`crate::formats::preflight::check`] lists what the chosen format cannot hold as it is
//!    (spans off token boundaries, overlaps in IOB, events in CoNLL…) with a fix for each;
//! 2. [`crate::formats::preflight::PreflightReport::apply`] selects the annotations to export
//!    (accepted ones, and suggestions when asked; rejected ones never) and applies the fixes,
//!    giving one [`ExportDocument`] per document;
//! 3. [`export`] writes those documents as the format's files.
//!
//! Each format maps the model to small serde structs that mirror the format exactly (its own
//! file here); offsets are chars (Unicode scalar values) unless a format takes
//! [`OffsetUnit::Utf16`], the one place UTF-16 is computed, through [`TextIndex`].

mod brat;
mod conll;
mod doccano;
mod hf;
mod label_studio;
mod spacy;

use std::collections::HashSet;
use std::path::{Path, PathBuf};

pub use brat::{EXTRA_META_KEY as BRAT_EXTRA_META_KEY, annotation_conf, brat_name, extra_targets};
pub(crate) use conll::token_range;
pub use conll::{Columns, DOCSTART, TEXT_COMMENT, TagScheme, conll_name};

use crate::model::{Document, Entity, Event, Project, Relation, Span, TextIndex};

/// The formats tagdesk exports.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExportFormat {
    /// One token per line with its tag in the given scheme: see [`conll`].
    Conll(TagScheme),
    /// spaCy JSONL: text and char-offset entities.
    Spacy,
    /// brat standoff: `.txt` + `.ann` per document and `annotation.conf`.
    Brat,
    /// doccano sequence-labelling JSONL.
    Doccano,
    /// Label Studio tasks JSON and its labelling config.
    LabelStudio,
    /// Hugging Face token classification JSONL and `labels.json`.
    HuggingFace,
}

impl ExportFormat {
    /// Every format, in the order the app's export dialog lists them.
    pub const ALL: [ExportFormat; 8] = [
        Self::Conll(TagScheme::Iob2),
        Self::Conll(TagScheme::Iob1),
        Self::Conll(TagScheme::Bilou),
        Self::Spacy,
        Self::Brat,
        Self::Doccano,
        Self::LabelStudio,
        Self::HuggingFace,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Self::Conll(TagScheme::Iob2) => "CoNLL (IOB2)",
            Self::Conll(TagScheme::Iob1) => "CoNLL (IOB1)",
            Self::Conll(TagScheme::Bilou) => "CoNLL (BILOU)",
            Self::Spacy => "spaCy JSONL",
            Self::Brat => "brat standoff",
            Self::Doccano => "doccano JSONL",
            Self::LabelStudio => "Label Studio",
            Self::HuggingFace => "Hugging Face token classification",
        }
    }

    /// The format tags tokens, so a span must cover whole tokens and spans cannot overlap.
    pub fn tags_tokens(self) -> bool {
        matches!(self, Self::Conll(_) | Self::HuggingFace)
    }

    /// The consumer only keeps spans on token boundaries: the token formats, and spaCy, whose
    /// `Doc.char_span` drops misaligned spans (warning W030).
    pub fn needs_token_boundaries(self) -> bool {
        self.tags_tokens() || self == Self::Spacy
    }

    /// spaCy's `doc.ents` cannot overlap either (error E103), only its span groups can.
    pub fn holds_overlaps(self) -> bool {
        !self.needs_token_boundaries()
    }

    pub fn holds_events(self) -> bool {
        self == Self::Brat
    }

    pub fn holds_relations(self, options: &ExportOptions) -> bool {
        self == Self::Brat || self == Self::Doccano && options.relations
    }

    /// Whether the export is one file (written at `--out`) rather than a folder of files.
    pub fn is_single_file(self) -> bool {
        matches!(self, Self::Conll(_) | Self::Spacy | Self::Doccano)
    }
}

/// How the offsets in a file count: chars (Unicode scalar values, Python `str` indices) or
/// UTF-16 code units (JavaScript strings: doccano's and Label Studio's front ends).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum OffsetUnit {
    #[default]
    Chars,
    Utf16,
}

impl OffsetUnit {
    pub fn name(self) -> &'static str {
        match self {
            Self::Chars => "chars",
            Self::Utf16 => "UTF-16 code units",
        }
    }
}

/// What to export and how.
#[derive(Clone, Debug, PartialEq)]
pub struct ExportOptions {
    pub format: ExportFormat,
    /// Export suggestions too (with their scores where the format has a place for them).
    pub include_suggestions: bool,
    /// Offsets for doccano and Label Studio; the other formats always count chars.
    pub offsets: OffsetUnit,
    /// spaCy: also write every span, overlapping ones included, under `spans.sc`.
    pub spans: bool,
    /// CoNLL: `token TAG` or the four CoNLL-2003 columns.
    pub columns: Columns,
    /// CoNLL: record each document's exact text in a `# text = "…"` line, so that an import
    /// gives back the same text and offsets (readers that do not skip comments choke on it).
    pub record_spacing: bool,
    /// doccano: the `entities` + `relations` variant instead of `label`.
    pub relations: bool,
    /// brat: `A` lines with each annotation's status and score.
    pub status_attributes: bool,
    /// Apply the fixes the pre-flight only offers (trimming edge whitespace or punctuation
    /// where the format could hold the span as it is).
    pub trim: bool,
}

impl ExportOptions {
    /// The defaults for `format`: accepted work only, char offsets, two CoNLL columns.
    pub fn new(format: ExportFormat) -> Self {
        Self {
            format,
            include_suggestions: false,
            offsets: OffsetUnit::Chars,
            spans: false,
            columns: Columns::Two,
            record_spacing: false,
            relations: false,
            status_attributes: false,
            trim: false,
        }
    }
}

/// One document as it will be exported: the annotations the pre-flight kept, with its fixes
/// applied. Built by [`crate::formats::preflight::PreflightReport::apply`].
#[derive(Clone, Debug)]
pub struct ExportDocument<'a> {
    pub document: &'a Document,
    /// Sorted by span; non-overlapping for formats that cannot hold overlaps.
    pub entities: Vec<Entity>,
    /// Overlapping spans kept for spaCy's `spans` group only.
    pub extra_spans: Vec<Entity>,
    pub events: Vec<Event>,
    pub relations: Vec<Relation>,
    /// brat lines the model has no place for (attributes, notes…), kept from a brat import.
    pub brat_extras: Vec<String>,
}

/// One file of an export, named relative to the output folder.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutputFile {
    pub path: PathBuf,
    pub bytes: Vec<u8>,
}

/// Where an export's files go: one file (single-file formats from the command line, where
/// `--out` names it) or a folder (everything else, and the app, which picks a folder).
#[derive(Clone, Copy, Debug)]
pub enum Destination<'p> {
    File(&'p Path),
    Folder(&'p Path),
}

/// Where [`export_project`] puts its files as they come: each piece is appended to the file
/// at its path (a path met again continues that file).
pub trait Sink {
    fn append(&mut self, file: OutputFile) -> Result<(), ExportError>;

    fn append_all(&mut self, files: Vec<OutputFile>) -> Result<(), ExportError> {
        files.into_iter().try_for_each(|file| self.append(file))
    }
}

/// In memory, as one pass of [`export`] returns them.
impl Sink for Vec<OutputFile> {
    fn append(&mut self, file: OutputFile) -> Result<(), ExportError> {
        match self.iter_mut().find(|f| f.path == file.path) {
            Some(whole) => whole.bytes.extend_from_slice(&file.bytes),
            None => self.push(file),
        }
        Ok(())
    }
}

/// On disk: the files written into `destination` as they come and put in place together by
/// [`ToDisk::finish`], each atomically (see [`crate::formats::atomic::Staged`]), folders
/// created as needed. A large export is never held whole in memory.
pub struct ToDisk<'p> {
    destination: Destination<'p>,
    staged: crate::formats::atomic::Staged,
    folders: HashSet<PathBuf>,
}

impl<'p> ToDisk<'p> {
    pub fn new(destination: Destination<'p>) -> Self {
        ToDisk {
            destination,
            staged: Default::default(),
            folders: HashSet::new(),
        }
    }

    fn path(&mut self, file: &Path) -> Result<PathBuf, ExportError> {
        let path = match self.destination {
            Destination::File(path) => path.to_path_buf(),
            Destination::Folder(folder) => {
                if folder.is_file() {
                    return Err(ExportError::NotAFolder(folder.to_path_buf()));
                }
                folder.join(file)
            }
        };
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty())
            && self.folders.insert(parent.to_path_buf())
        {
            std::fs::create_dir_all(parent).map_err(|source| ExportError::Write {
                path: parent.to_path_buf(),
                source,
            })?;
        }
        Ok(path)
    }

    /// Puts the files in place; the paths written.
    pub fn finish(self) -> Result<Vec<PathBuf>, ExportError> {
        self.staged
            .commit()
            .map_err(|(path, source)| ExportError::Write { path, source })
    }
}

impl Sink for ToDisk<'_> {
    fn append(&mut self, file: OutputFile) -> Result<(), ExportError> {
        let path = self.path(&file.path)?;
        self.staged
            .append(&path, &file.bytes)
            .map_err(|source| ExportError::Write { path, source })
    }

    fn append_all(&mut self, files: Vec<OutputFile>) -> Result<(), ExportError> {
        let mut paths = Vec::with_capacity(files.len());
        for file in &files {
            paths.push((self.path(&file.path)?, &file.bytes[..]));
        }
        self.staged
            .append_all(&paths)
            .map_err(|(path, source)| ExportError::Write { path, source })
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("{}: {source}", path.display())]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{} is a file; this format writes a folder", .0.display())]
    NotAFolder(PathBuf),
    #[error("document {doc:?}: span {span} lies outside its text")]
    SpanOutsideText { doc: String, span: Span },
    #[error("could not encode JSON: {0}")]
    Json(#[from] serde_json::Error),
}

/// Writes `documents` in `options.format`. Single-file formats give one file; the others
/// (brat, Label Studio, Hugging Face) a folder's worth.
pub fn export(
    project: &Project,
    documents: &[ExportDocument],
    options: &ExportOptions,
) -> Result<Vec<OutputFile>, ExportError> {
    match options.format {
        ExportFormat::Conll(scheme) => Ok(vec![conll::write(documents, scheme, options)]),
        ExportFormat::Spacy => Ok(vec![spacy::write(documents, options)?]),
        ExportFormat::Brat => brat::write(project.schema(), documents, options),
        ExportFormat::Doccano => Ok(vec![doccano::write(documents, options)?]),
        ExportFormat::LabelStudio => label_studio::write(project.schema(), documents, options),
        ExportFormat::HuggingFace => hf::write(project.schema(), documents),
    }
}

/// Documents per block of an export that goes a block at a time.
const BLOCK: usize = 1_000;

/// What [`export_project`] wrote.
#[derive(Debug)]
pub struct Exported {
    pub documents: usize,
    pub entities: usize,
    pub events: usize,
}

/// The writer of a format whose blocks are written in turn (see [`export_project`]).
enum InTurn<'s> {
    Hf(hf::Writer),
    LabelStudio(label_studio::Writer),
    Brat(brat::Writer<'s>),
}

impl<'s> InTurn<'s> {
    fn of(project: &'s Project, options: &ExportOptions) -> Option<Self> {
        let schema = project.schema();
        match options.format {
            ExportFormat::HuggingFace => Some(Self::Hf(hf::Writer::new(schema))),
            ExportFormat::LabelStudio => Some(Self::LabelStudio(label_studio::Writer::new(schema))),
            ExportFormat::Brat => Some(Self::Brat(brat::Writer::new(
                schema,
                options.status_attributes,
            ))),
            // One file, each document's lines on their own: blocks simply concatenate.
            ExportFormat::Conll(_) | ExportFormat::Spacy | ExportFormat::Doccano => None,
        }
    }

    fn add(
        &mut self,
        documents: &[ExportDocument],
        options: &ExportOptions,
        sink: &mut dyn Sink,
    ) -> Result<(), ExportError> {
        match self {
            Self::Hf(writer) => sink.append_all(writer.add(documents)?),
            Self::LabelStudio(writer) => sink.append_all(writer.add(documents, options)?),
            Self::Brat(writer) => sink.append_all(writer.add(documents, options)?),
        }
    }

    fn finish(self, sink: &mut dyn Sink) -> Result<(), ExportError> {
        match self {
            Self::Hf(writer) => sink.append_all(writer.finish()?),
            Self::LabelStudio(writer) => sink.append_all(writer.finish()),
            Self::Brat(writer) => sink.append(writer.finish()),
        }
    }
}

/// Steps 2 and 3 for the whole project: its documents with the fixes of `report`, written
/// into `sink` a block of documents at a time, so memory holds a few blocks' export
/// documents rather than a copy of the project's annotations; the files are the same, byte
/// for byte, as one pass. The pre-flight's fixes are applied to a few blocks at once, on
/// every core; formats whose blocks simply concatenate are written there too, the others
/// (whose numbering, names and declarations carry on from block to block) in turn.
pub fn export_project(
    project: &Project,
    report: &crate::formats::preflight::PreflightReport,
    options: &ExportOptions,
    sink: &mut dyn Sink,
) -> Result<Exported, ExportError> {
    let findings = report.findings_by_document();
    let threads = crate::parallel::threads(None);
    let mut writer = InTurn::of(project, options);
    let in_turn = writer.is_some();
    let blocks: Vec<&[Document]> = project.documents().chunks(BLOCK).collect();
    let mut exported = Exported {
        documents: 0,
        entities: 0,
        events: 0,
    };
    for group in blocks.chunks(threads * 2) {
        let parts = crate::parallel::map_ordered(group, threads, |block| {
            let documents =
                crate::formats::preflight::apply_documents(block, &findings, options, 1);
            if in_turn {
                return Ok::<_, ExportError>((Vec::new(), documents));
            }
            Ok((export(project, &documents, options)?, documents))
        });
        for part in parts {
            let (files, documents) = part?;
            exported.documents += documents.len();
            exported.entities += documents.iter().map(|d| d.entities.len()).sum::<usize>();
            exported.events += documents.iter().map(|d| d.events.len()).sum::<usize>();
            match &mut writer {
                Some(writer) => writer.add(&documents, options, sink)?,
                None => sink.append_all(files)?,
            }
        }
    }
    match writer {
        Some(writer) => writer.finish(sink)?,
        // No documents: the format's empty file.
        None if blocks.is_empty() => sink.append_all(export(project, &[], options)?)?,
        None => {}
    }
    Ok(exported)
}

/// `span` in `unit`s of the document's text.
fn offsets(doc: &Document, span: Span, unit: OffsetUnit) -> Result<(usize, usize), ExportError> {
    let index: &TextIndex = doc.index();
    let convert = |pos: usize| match unit {
        OffsetUnit::Chars => (pos <= index.len_chars()).then_some(pos),
        OffsetUnit::Utf16 => index.char_to_utf16(pos),
    };
    match (convert(span.start), convert(span.end)) {
        (Some(start), Some(end)) => Ok((start, end)),
        _ => Err(ExportError::SpanOutsideText {
            doc: doc.name().to_owned(),
            span,
        }),
    }
}

/// The text of `span`, checked against the document.
fn span_text(doc: &Document, span: Span) -> Result<&str, ExportError> {
    doc.span_text(span)
        .ok_or_else(|| ExportError::SpanOutsideText {
            doc: doc.name().to_owned(),
            span,
        })
}

/// File names from document ids: characters unsafe in file names become `_`, and repeats get
/// a number, so every document gets its own file (across every block of an export).
#[derive(Default)]
struct Stems {
    taken: HashSet<String>,
}

impl Stems {
    fn next(&mut self, id: &str) -> String {
        let safe: String = id
            .chars()
            .map(|c| {
                if c.is_alphanumeric() || matches!(c, '-' | '_' | '.') {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        let safe = safe.trim_start_matches('.');
        let base = if safe.is_empty() { "document" } else { safe };
        let mut stem = base.to_owned();
        let mut n = 2;
        while !self.taken.insert(stem.to_lowercase()) {
            stem = format!("{base}-{n}");
            n += 1;
        }
        stem
    }
}

/// The score of an annotation made by the engine, for formats with a place for it.
fn score_of(origin: &crate::model::Origin) -> Option<f32> {
    match origin {
        crate::model::Origin::Auto { score, .. } => Some(*score),
        _ => None,
    }
}

/// JSON Lines: one compact value per line, each line ending in `\n`.
/// `items` as elements of a pretty JSON array, laid out as serde_json's `to_vec_pretty` lays
/// out the whole array (`first`: they open it), so that an array written a block at a time
/// and closed by [`close_pretty_array`] is the array of one pass.
fn pretty_elements<T: serde::Serialize>(
    items: &[T],
    first: bool,
    out: &mut Vec<u8>,
) -> Result<(), ExportError> {
    for (i, item) in items.iter().enumerate() {
        out.extend_from_slice(if first && i == 0 { b"[\n  " } else { b",\n  " });
        // One level deeper: JSON strings hold no raw line break, so every one is layout.
        for byte in serde_json::to_vec_pretty(item)? {
            out.push(byte);
            if byte == b'\n' {
                out.extend_from_slice(b"  ");
            }
        }
    }
    Ok(())
}

/// The end of a pretty JSON array [`pretty_elements`] wrote, or the empty array.
fn close_pretty_array(any: bool) -> &'static [u8] {
    if any { b"\n]" } else { b"[]" }
}

fn jsonl<T: serde::Serialize>(lines: &[T]) -> Result<Vec<u8>, ExportError> {
    let mut out = Vec::new();
    for line in lines {
        serde_json::to_writer(&mut out, line)?;
        out.push(b'\n');
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Edit, EntityId, Origin, Schema, Status};

    /// Documents past several blocks, with Hangul, an em dash, an entity to trim (the
    /// pre-flight's fix) and a suggestion.
    fn project(n: usize) -> Project {
        let mut project = Project::new("p".into(), "ana".into(), Schema::news());
        let mut edits = Vec::new();
        for i in 0..n {
            let text = format!("서울 — Park Ji-won met Laura Hill in London ({i}).");
            let doc = Document::new(format!("d{i}"), format!("d{i}.txt"), None, text)
                .with_annotations(
                    vec![
                        Entity {
                            id: EntityId(1),
                            span: Span { start: 0, end: 3 }, // "서울 ": trimmed
                            label: "GPE".into(),
                            origin: Origin::Manual,
                            status: Status::Accepted,
                        },
                        Entity {
                            id: EntityId(2),
                            span: Span { start: 5, end: 16 },
                            label: "PER".into(),
                            origin: Origin::Manual,
                            status: if i % 3 == 0 {
                                Status::Suggested
                            } else {
                                Status::Accepted
                            },
                        },
                    ],
                    Vec::new(),
                    Vec::new(),
                );
            edits.push(Edit::AddDocument {
                index: i,
                document: Box::new(doc),
            });
        }
        project.apply(Edit::Batch(edits)).unwrap();
        project
    }

    #[test]
    fn a_project_exported_block_by_block_is_the_same_as_in_one_pass() {
        let project = project(2 * BLOCK + 345);
        for format in ExportFormat::ALL {
            // brat's Status and Score attributes are declared from every block's annotations.
            for (include_suggestions, status_attributes) in
                [(false, false), (true, false), (true, true)]
            {
                let options = ExportOptions {
                    include_suggestions,
                    status_attributes,
                    ..ExportOptions::new(format)
                };
                let report = crate::formats::preflight::check(&project, &options);
                assert!(report.finding_count() > 0, "{format:?}: the trims");
                let documents = report.apply(&project, &options);
                let one_pass = export(&project, &documents, &options).unwrap();
                let mut files = Vec::new();
                let blocks = export_project(&project, &report, &options, &mut files).unwrap();
                assert_eq!(files, one_pass, "{format:?}");
                assert_eq!(blocks.documents, project.documents().len());
                let entities: usize = documents.iter().map(|d| d.entities.len()).sum();
                assert_eq!(blocks.entities, entities, "{format:?}");
            }
        }
    }

    #[test]
    fn a_pretty_array_in_pieces_is_serde_jsons_whole() {
        #[derive(serde::Serialize)]
        struct Item {
            text: String,
            spans: Vec<(usize, usize)>,
            empty: Vec<u8>,
        }
        let items: Vec<Item> = (0..5)
            .map(|i| Item {
                text: format!("서울\n— \"{i}\""),
                spans: (0..i).map(|j| (j, j + 1)).collect(),
                empty: Vec::new(),
            })
            .collect();
        for n in 0..items.len() {
            for cut in 0..=n {
                let mut pieces = Vec::new();
                pretty_elements(&items[..cut], true, &mut pieces).unwrap();
                pretty_elements(&items[cut..n], cut == 0, &mut pieces).unwrap();
                pieces.extend_from_slice(close_pretty_array(n > 0));
                let whole = serde_json::to_vec_pretty(&items[..n]).unwrap();
                assert_eq!(
                    String::from_utf8(pieces).unwrap(),
                    String::from_utf8(whole).unwrap()
                );
            }
        }
    }

    #[test]
    fn every_format_is_listed_once_with_its_own_name() {
        let names: std::collections::HashSet<&str> =
            ExportFormat::ALL.iter().map(|f| f.name()).collect();
        assert_eq!(names.len(), ExportFormat::ALL.len());
    }
}
