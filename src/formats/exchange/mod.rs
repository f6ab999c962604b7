//! Annotated documents in from other tools: brat standoff, doccano JSONL, CoNLL/IOB files,
//! Label Studio JSON, spaCy JSONL and the gold JSONL of `../shared/data`.
//!
//! Every importer reads whole files into [`Document`]s and checks everything before giving any
//! back: a bad file fails with its path, the line (or task) and the reason
//! ([`ExchangeError`]), and nothing of it is imported. What a format holds that tagdesk does
//! not model (brat attributes and notes, Label Studio choices…) is either kept where the export
//! can write it back (brat lines in the document meta) or counted in [`Imported::notes`]:
//! nothing is dropped silently. Texts are kept exactly as the files have them (no newline
//! conversion), since every offset counts them.

mod brat;
mod conll;
mod doccano;
mod label_studio;
mod spacy;

use std::borrow::Cow;
use std::fmt;
use std::path::{Path, PathBuf};

pub use brat::{parse_annotation_conf, parse_brat};
pub use conll::parse_conll;
pub use label_studio::parse_label_studio;

use crate::formats::export::OffsetUnit;
use crate::formats::import::{self, ImportError, MAX_FILE_BYTES};
use crate::model::{Document, Entity, Relation, Schema, Source, SourceFormat, Span, TextIndex};

/// The formats tagdesk imports annotations from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExchangeFormat {
    Brat,
    Doccano,
    Conll,
    LabelStudio,
    Spacy,
    /// The common JSONL of `../shared/data` (`*.gold.jsonl`), read by [`import::import_file`].
    Gold,
}

/// How to read the files.
#[derive(Clone, Copy, Debug, Default)]
pub struct ImportOptions<'a> {
    /// What doccano and Label Studio offsets count; the other formats always count chars.
    pub offsets: OffsetUnit,
    /// The schema of the project imported into: names a format cannot spell (brat's `_` for
    /// `:`, CoNLL's `_` for a space) are mapped back to the schema's.
    pub schema: Option<&'a Schema>,
}

/// What an import produced.
#[derive(Debug, Default)]
pub struct Imported {
    pub documents: Vec<Document>,
    /// The schema of a brat collection's `annotation.conf`, when there is one.
    pub schema: Option<Schema>,
    /// What was changed or not imported, with counts, one sentence each.
    pub notes: Vec<String>,
}

impl Imported {
    fn extend(&mut self, other: Imported) {
        self.documents.extend(other.documents);
        self.notes.extend(other.notes);
        if self.schema.is_none() {
            self.schema = other.schema;
        }
    }
}

/// Where in a file a problem is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Location {
    /// 1-based line.
    Line(usize),
    /// 1-based task of a Label Studio file.
    Task(usize),
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Line(n) => write!(f, "line {n}"),
            Self::Task(n) => write!(f, "task {n}"),
        }
    }
}

/// Why a file is refused.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum Reason {
    #[error("the line is cut short: {0}")]
    Truncated(String),
    #[error("{what}: offsets {start}..{end} lie past the end of the text ({len} {unit})")]
    PastEnd {
        what: String,
        start: usize,
        end: usize,
        len: usize,
        unit: &'static str,
    },
    #[error("{what}: the span {start}..{end} is empty or reversed")]
    EmptySpan {
        what: String,
        start: usize,
        end: usize,
    },
    #[error("{what}: UTF-16 offset {offset} falls between the halves of a surrogate pair")]
    InsideSurrogatePair { what: String, offset: usize },
    #[error("{what}: the file says {found:?} but the text there is {expected:?}")]
    TextMismatch {
        what: String,
        found: String,
        expected: String,
    },
    #[error("{by} refers to {id}, which is not defined")]
    UnknownId { id: String, by: String },
    #[error("the id {0} is used twice")]
    DuplicateId(String),
    #[error("{0:?} is not an id tagdesk can keep (a letter and a number, such as T12)")]
    BadId(String),
    #[error("{tag} after {previous}: {why}")]
    BadSequence {
        tag: String,
        previous: String,
        why: &'static str,
    },
    #[error("unknown tag {0:?}; expected O, or B-, I-, L-, U-, E- or S- and a label")]
    UnknownTag(String),
    #[error("{0}")]
    Json(String),
    #[error("{0}")]
    Malformed(String),
}

#[derive(Debug, thiserror::Error)]
pub enum ExchangeError {
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{}: {size} bytes is more than the {MAX_FILE_BYTES}-byte limit for one file", path.display())]
    TooLarge { path: PathBuf, size: u64 },
    #[error("{}: not valid UTF-8 at byte offset {byte_offset}; convert it to UTF-8 first", path.display())]
    NotUtf8 { path: PathBuf, byte_offset: usize },
    #[error("{}, {at}: {reason}", path.display())]
    Invalid {
        path: PathBuf,
        at: Location,
        reason: Reason,
    },
    #[error("{}: {message}", path.display())]
    Input { path: PathBuf, message: String },
    #[error(transparent)]
    Gold(#[from] ImportError),
}

impl ExchangeError {
    fn invalid(path: &Path, at: Location, reason: Reason) -> Self {
        Self::Invalid {
            path: path.to_path_buf(),
            at,
            reason,
        }
    }

    /// The reason, for errors about a file's content.
    pub fn reason(&self) -> Option<&Reason> {
        match self {
            Self::Invalid { reason, .. } => Some(reason),
            _ => None,
        }
    }
}

/// Imports `paths` (brat also takes folders) as `format`. All or nothing: the first bad file
/// fails the whole import.
pub fn import(
    format: ExchangeFormat,
    paths: &[PathBuf],
    options: &ImportOptions,
) -> Result<Imported, ExchangeError> {
    let mut imported = Imported::default();
    match format {
        ExchangeFormat::Brat => return brat::import_paths(paths, options),
        ExchangeFormat::Gold => {
            for path in paths {
                let documents = import::import_file(path)?;
                let blank = documents.iter().find_map(|d| {
                    let labels = d.entities().iter().map(|e| e.label.as_str());
                    let types = d.events().iter().flat_map(|e| {
                        std::iter::once(e.event_type.as_str())
                            .chain(e.arguments.iter().map(|a| a.role.as_str()))
                    });
                    labels
                        .chain(types)
                        .any(|n| n.trim().is_empty())
                        .then(|| d.id().to_owned())
                });
                if let Some(id) = blank {
                    return Err(ExchangeError::Input {
                        path: path.clone(),
                        message: format!("document {id:?} has an empty label, type or role"),
                    });
                }
                imported.documents.extend(documents);
            }
        }
        ExchangeFormat::Spacy | ExchangeFormat::Doccano => {
            // JSONL: streamed and parsed on every core, the size limit bounding each line.
            let parse_line: ParseLine = match format {
                ExchangeFormat::Spacy => spacy::parse_line,
                _ => doccano::parse_line,
            };
            for path in paths {
                let file = std::fs::File::open(path).map_err(|source| ExchangeError::Io {
                    path: path.clone(),
                    source,
                })?;
                let lines = import::jsonl_lines(path, std::io::BufReader::new(file));
                for doc in import::parse_lines(lines, |line_no, line| {
                    parse_line(path, line_no, line, options)
                }) {
                    imported.documents.push(doc?);
                }
            }
        }
        _ => {
            for path in paths {
                let content = read_text(path)?;
                imported.extend(parse_str(format, path, &content, options)?);
            }
        }
    }
    Ok(imported)
}

/// Parses the content of one file of a single-file format (not brat, not gold, which read
/// files). `path` names the file in errors and in the documents' origin.
pub fn parse_str(
    format: ExchangeFormat,
    path: &Path,
    content: &str,
    options: &ImportOptions,
) -> Result<Imported, ExchangeError> {
    match format {
        ExchangeFormat::Doccano => parse_jsonl(path, content, options, doccano::parse_line),
        ExchangeFormat::Conll => parse_conll(path, content, options),
        ExchangeFormat::LabelStudio => parse_label_studio(path, content, options),
        ExchangeFormat::Spacy => parse_jsonl(path, content, options, spacy::parse_line),
        ExchangeFormat::Brat | ExchangeFormat::Gold => Err(ExchangeError::Input {
            path: path.to_path_buf(),
            message: "this format is read from files, not from one text".to_owned(),
        }),
    }
}

/// The file's text as UTF-8, byte for byte (a byte order mark included: offsets count it).
fn read_text(path: &Path) -> Result<String, ExchangeError> {
    let bytes = match crate::formats::import::read_capped(path) {
        Ok(Ok(bytes)) => bytes,
        Ok(Err(size)) => {
            return Err(ExchangeError::TooLarge {
                path: path.to_path_buf(),
                size,
            });
        }
        Err(source) => {
            return Err(ExchangeError::Io {
                path: path.to_path_buf(),
                source,
            });
        }
    };
    String::from_utf8(bytes).map_err(|e| ExchangeError::NotUtf8 {
        path: path.to_path_buf(),
        byte_offset: e.utf8_error().valid_up_to(),
    })
}

/// The documents of a JSONL file's `content`, one a line, each parsed by `parse_line`.
fn parse_jsonl(
    path: &Path,
    content: &str,
    options: &ImportOptions,
    parse_line: ParseLine,
) -> Result<Imported, ExchangeError> {
    let documents = jsonl_lines(content)
        .map(|(line_no, line)| parse_line(path, line_no, line, options))
        .collect::<Result<_, _>>()?;
    Ok(Imported {
        documents,
        ..Imported::default()
    })
}

/// One line of a JSONL format (spaCy, doccano) as a document.
type ParseLine = fn(&Path, usize, &str, &ImportOptions) -> Result<Document, ExchangeError>;

/// A span from a file's offsets in `unit`, checked against the text.
fn span_from(
    index: &TextIndex,
    start: usize,
    end: usize,
    unit: OffsetUnit,
    what: &str,
) -> Result<Span, Reason> {
    let len = match unit {
        OffsetUnit::Chars => index.len_chars(),
        OffsetUnit::Utf16 => index.len_utf16(),
    };
    if start >= end {
        return Err(Reason::EmptySpan {
            what: what.to_owned(),
            start,
            end,
        });
    }
    if end > len {
        return Err(Reason::PastEnd {
            what: what.to_owned(),
            start,
            end,
            len,
            unit: unit.name(),
        });
    }
    let to_char = |offset: usize| match unit {
        OffsetUnit::Chars => Ok(offset),
        OffsetUnit::Utf16 => {
            index
                .utf16_to_char(offset)
                .ok_or_else(|| Reason::InsideSurrogatePair {
                    what: what.to_owned(),
                    offset,
                })
        }
    };
    Ok(Span {
        start: to_char(start)?,
        end: to_char(end)?,
    })
}

/// A label, type or role name: tagdesk refuses blank ones (they cannot be shown or exported).
fn name(name: String, what: &str) -> Result<String, Reason> {
    if name.trim().is_empty() {
        Err(Reason::Malformed(format!("{what} has an empty label")))
    } else {
        Ok(name)
    }
}

/// Checks that a file's copy of a span's text matches the text.
fn check_text(index: &TextIndex, span: Span, found: &str, what: &str) -> Result<(), Reason> {
    let expected = index.slice_chars(span.start, span.end).unwrap_or_default();
    if expected == found {
        Ok(())
    } else {
        Err(Reason::TextMismatch {
            what: what.to_owned(),
            found: found.to_owned(),
            expected: expected.to_owned(),
        })
    }
}

/// `name` as the schema spells it: unchanged when the schema has it, else the one schema
/// name that `encode` turns into `name` (brat's `Business_Merge-Org` for
/// `Business:Merge-Org`), else unchanged.
fn resolve_name<'a>(
    name: &str,
    known: impl Iterator<Item = &'a str> + Clone,
    encode: fn(&str) -> Cow<'_, str>,
) -> String {
    if known.clone().any(|k| k == name) {
        return name.to_owned();
    }
    let mut matches = known.filter(|k| encode(k) == name);
    match (matches.next(), matches.next()) {
        (Some(only), None) => only.to_owned(),
        _ => name.to_owned(),
    }
}

/// Entity labels of the import schema, for [`resolve_name`].
fn entity_labels<'a>(options: &ImportOptions<'a>) -> impl Iterator<Item = &'a str> + Clone {
    options
        .schema
        .into_iter()
        .flat_map(|s| s.entity_labels.iter().map(|l| l.name.as_str()))
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

fn file_stem(path: &Path) -> String {
    path.file_stem()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// A document id from a JSON `id` value (string or number).
fn json_id(value: Option<&serde_json::Value>) -> Option<String> {
    match value? {
        serde_json::Value::String(s) if !s.is_empty() => Some(s.clone()),
        serde_json::Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// The non-blank lines of a JSONL file with their 1-based numbers, `\r` of CRLF removed.
fn jsonl_lines(content: &str) -> impl Iterator<Item = (usize, &str)> {
    content
        .strip_prefix('\u{feff}')
        .unwrap_or(content)
        .split('\n')
        .enumerate()
        .map(|(i, line)| (i + 1, line.strip_suffix('\r').unwrap_or(line)))
        .filter(|(_, line)| !line.trim().is_empty())
}

/// The id of the document on line `line_no` of JSONL file `path`: its own, or the file's
/// stem and the line number.
fn line_id(id: Option<&serde_json::Value>, path: &Path, line_no: usize) -> String {
    json_id(id).unwrap_or_else(|| format!("{}-{line_no}", file_stem(path)))
}

/// A document read from a JSON-based file (doccano, spaCy, Label Studio): named by its id.
fn json_document(
    path: &Path,
    id: String,
    text: String,
    entities: Vec<Entity>,
    relations: Vec<Relation>,
) -> Document {
    let source = Source {
        path: path.to_path_buf(),
        format: SourceFormat::Jsonl,
    };
    Document::new(id.clone(), id, Some(source), text).with_annotations(
        entities,
        Vec::new(),
        relations,
    )
}
