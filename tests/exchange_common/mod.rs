//! Helpers shared by the exchange tests: building projects from inline markup, running an
//! export through the pre-flight, and importing what it wrote.

#![allow(dead_code)] // each test file uses a different part

use std::path::Path;

use tagdesk::formats::exchange::{self, ExchangeFormat, ImportOptions, Imported};
use tagdesk::formats::export::{self, ExportFormat, ExportOptions, OutputFile};
use tagdesk::formats::import::schema_additions;
use tagdesk::formats::preflight::{self, PreflightReport};
use tagdesk::model::{Document, Edit, Entity, EntityId, Origin, Project, Schema, Span, Status};

/// Parses `"[Park](PER) will fly to [Seoul](GPE)"` into the text and its labelled spans
/// (char offsets). Brackets and parentheses outside that pattern are kept as text.
pub fn markup(source: &str) -> (String, Vec<(Span, String)>) {
    let chars: Vec<char> = source.chars().collect();
    let mut text = String::new();
    let mut len = 0;
    let mut spans = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if chars[i] == '['
            && let Some(close) = chars[i..].iter().position(|&c| c == ']').map(|p| p + i)
            && chars.get(close + 1) == Some(&'(')
            && let Some(end) = chars[close..]
                .iter()
                .position(|&c| c == ')')
                .map(|p| p + close)
        {
            let inner: String = chars[i + 1..close].iter().collect();
            let label: String = chars[close + 2..end].iter().collect();
            let n = inner.chars().count();
            spans.push((
                Span {
                    start: len,
                    end: len + n,
                },
                label,
            ));
            text.push_str(&inner);
            len += n;
            i = end + 1;
            continue;
        }
        text.push(chars[i]);
        len += 1;
        i += 1;
    }
    (text, spans)
}

pub fn entity(id: u32, span: Span, label: &str) -> Entity {
    Entity {
        id: EntityId(id),
        span,
        label: label.to_owned(),
        origin: Origin::Manual,
        status: Status::Accepted,
    }
}

/// A document whose accepted entities come from markup.
pub fn marked_document(id: &str, source: &str) -> Document {
    let (text, spans) = markup(source);
    let entities = spans
        .into_iter()
        .enumerate()
        .map(|(n, (span, label))| entity(n as u32 + 1, span, &label))
        .collect();
    Document::new(id.to_owned(), format!("{id}.txt"), None, text).with_annotations(
        entities,
        Vec::new(),
        Vec::new(),
    )
}

/// A project holding all of `documents` (duplicate texts too), its schema extended with
/// whatever they use.
pub fn project_of(schema: Schema, documents: Vec<Document>) -> Project {
    let mut project = Project::new("test".into(), "tester".into(), schema);
    for edit in schema_additions(project.schema(), None, &documents) {
        project.apply(edit).expect("schema additions apply");
    }
    for (index, document) in documents.into_iter().enumerate() {
        project
            .apply(Edit::AddDocument {
                index,
                document: Box::new(document),
            })
            .expect("test documents are valid");
    }
    project
}

/// An empty schema named `test`.
pub fn empty_schema() -> Schema {
    Schema {
        name: "test".into(),
        entity_labels: Vec::new(),
        event_types: Vec::new(),
        relation_types: Vec::new(),
    }
}

/// Pre-flight and export.
pub fn run_export(
    project: &Project,
    options: &ExportOptions,
) -> (PreflightReport, Vec<OutputFile>) {
    let report = preflight::check(project, options);
    let documents = report.apply(project, options);
    let files = export::export(project, &documents, options).expect("export");
    (report, files)
}

/// The (span, label) pairs the pre-flight says an export holds, per document.
pub fn expected_entities(project: &Project, options: &ExportOptions) -> Vec<Vec<(Span, String)>> {
    let report = preflight::check(project, options);
    report
        .apply(project, options)
        .iter()
        .map(|d| {
            let mut all: Vec<(Span, String)> = d
                .entities
                .iter()
                .chain(&d.extra_spans)
                .map(|e| (e.span, e.label.clone()))
                .collect();
            all.sort();
            all
        })
        .collect()
}

pub fn entities_of(doc: &Document) -> Vec<(Span, String)> {
    let mut all: Vec<(Span, String)> = doc
        .entities()
        .iter()
        .map(|e| (e.span, e.label.clone()))
        .collect();
    all.sort();
    all
}

/// Writes the export's files into `dir` and imports them back as `format`.
pub fn reimport(
    files: &[OutputFile],
    export_format: ExportFormat,
    dir: &Path,
    options: &ImportOptions,
) -> Imported {
    for file in files {
        std::fs::write(dir.join(&file.path), &file.bytes).expect("write export");
    }
    let (format, paths) = match export_format {
        ExportFormat::Brat => (ExchangeFormat::Brat, vec![dir.to_path_buf()]),
        ExportFormat::Conll(_) => (ExchangeFormat::Conll, vec![dir.join(&files[0].path)]),
        ExportFormat::Spacy => (ExchangeFormat::Spacy, vec![dir.join(&files[0].path)]),
        ExportFormat::Doccano => (ExchangeFormat::Doccano, vec![dir.join(&files[0].path)]),
        ExportFormat::LabelStudio => (ExchangeFormat::LabelStudio, vec![dir.join("tasks.json")]),
        ExportFormat::HuggingFace => panic!("tagdesk does not import Hugging Face files"),
    };
    exchange::import(format, &paths, options).expect("re-import")
}
