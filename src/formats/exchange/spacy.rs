//! spaCy JSONL: `{"text", "entities": [[start, end, label]…], "spans": {"sc": […]}}`, chars.
//!
//! Entities and every span group are read; a span in both (tagdesk's own export writes each
//! entity to both with `--spans`) becomes one entity.

use std::collections::{BTreeMap, HashSet};
use std::path::Path;

use serde::Deserialize;

use super::{ExchangeError, ImportOptions, Location, Reason, file_name, name, span_from};
use crate::formats::export::OffsetUnit;
use crate::model::{Document, Entity, EntityId, Origin, Status, TextIndex};

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

/// The document of line `line_no` of spaCy JSONL file `path`.
pub(super) fn parse_line(
    path: &Path,
    line_no: usize,
    line: &str,
    _options: &ImportOptions,
) -> Result<Document, ExchangeError> {
    let source = file_name(path);
    let err = |reason| ExchangeError::invalid(path, Location::Line(line_no), reason);
    let parsed: Line = serde_json::from_str(line).map_err(|e| err(Reason::Json(e.to_string())))?;
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
    Ok(super::json_document(
        path,
        super::line_id(parsed.id.as_ref(), path, line_no),
        parsed.text,
        entities,
        Vec::new(),
    ))
}
