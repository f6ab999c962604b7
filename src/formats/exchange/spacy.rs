//! spaCy JSONL: `{"text", "entities": [[start, end, label]…], "spans": {"sc": […]}}`, chars.
//!
//! Entities and every span group are read; a span in both (tagdesk's own export writes each
//! entity to both with `--spans`) becomes one entity.

use std::collections::{BTreeMap, HashSet};
use std::path::Path;

use serde::Deserialize;

use super::{
    ExchangeError, ImportOptions, Imported, Location, Reason, file_name, file_stem, json_id,
    jsonl_lines, name, span_from,
};
use crate::formats::export::OffsetUnit;
use crate::model::{Entity, EntityId, Origin, Status, TextIndex};

type Triple = (usize, usize, String);

#[derive(Deserialize)]
struct Line {
    text: String,
    #[serde(default)]
    id: Option<serde_json::Value>,
    #[serde(default)]
    entities: Vec<Triple>,
    #[serde(default)]
    spans: BTreeMap<String, Vec<Triple>>,
}

/// Parses a spaCy JSONL file: one document per line.
pub fn parse_spacy(
    path: &Path,
    content: &str,
    _options: &ImportOptions,
) -> Result<Imported, ExchangeError> {
    let source = file_name(path);
    let stem = file_stem(path);
    let mut imported = Imported::default();
    for (line_no, line) in jsonl_lines(content) {
        let err = |reason| ExchangeError::invalid(path, Location::Line(line_no), reason);
        let parsed: Line =
            serde_json::from_str(line).map_err(|e| err(Reason::Json(e.to_string())))?;
        let index = TextIndex::new(parsed.text.as_str());
        let mut seen = HashSet::new();
        let mut entities = Vec::new();
        let groups = parsed
            .spans
            .iter()
            .flat_map(|(key, spans)| spans.iter().map(move |s| (format!("spans.{key}"), s)));
        let all = parsed
            .entities
            .iter()
            .map(|s| ("entities".to_owned(), s))
            .chain(groups);
        for (n, (group, (start, end, label))) in all.enumerate() {
            let what = format!("{group} item {}", n + 1);
            let span = span_from(&index, *start, *end, OffsetUnit::Chars, &what).map_err(err)?;
            let label = name(label.clone(), &what).map_err(err)?;
            if seen.insert((span, label.clone())) {
                entities.push(Entity {
                    id: EntityId(entities.len() as u32 + 1),
                    span,
                    label,
                    origin: Origin::Imported {
                        source: source.clone(),
                    },
                    status: Status::Accepted,
                });
            }
        }
        let id = json_id(parsed.id.as_ref()).unwrap_or_else(|| format!("{stem}-{line_no}"));
        imported.documents.push(super::json_document(
            path,
            id,
            parsed.text,
            entities,
            Vec::new(),
        ));
    }
    Ok(imported)
}
