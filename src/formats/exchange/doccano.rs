//! doccano JSONL, both variants: `{"text", "label": [[start, end, label]…]}` and
//! `{"text", "entities": [{"id", "label", "start_offset", "end_offset"}…],
//! "relations": [{"id", "from_id", "to_id", "type"}…]}`. Offsets count chars, or UTF-16
//! code units with [`OffsetUnit::Utf16`](crate::formats::export::OffsetUnit::Utf16).
//!
//! doccano's ids are database ids: they are kept when they fit (positive, unique, below
//! 2³²), else entities and relations are numbered in file order.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use serde::Deserialize;
use serde_json::Value;

use super::{ExchangeError, ImportOptions, Location, Reason, file_name, name, span_from};
use crate::model::{
    Document, Entity, EntityId, Origin, Relation, RelationId, Span, Status, TextIndex,
};

#[derive(Deserialize)]
struct Line {
    text: String,
    #[serde(default)]
    id: Option<Value>,
    #[serde(default)]
    label: Vec<(usize, usize, String)>,
    #[serde(default)]
    entities: Vec<EntityObject>,
    #[serde(default)]
    relations: Vec<RelationObject>,
}

#[derive(Deserialize)]
struct EntityObject {
    id: Value,
    label: String,
    start_offset: usize,
    end_offset: usize,
}

#[derive(Deserialize)]
struct RelationObject {
    #[serde(default)]
    id: Option<Value>,
    from_id: Value,
    to_id: Value,
    #[serde(rename = "type")]
    relation_type: String,
}

/// Ids as tagdesk keeps them: the file's when all are distinct positive integers that fit,
/// else 1, 2, 3… in order.
fn keep_or_number<'a>(ids: impl Iterator<Item = Option<&'a Value>> + Clone) -> Vec<u32> {
    let kept: Option<Vec<u32>> = ids
        .clone()
        .map(|v| {
            v?.as_u64()
                .filter(|&n| n > 0)
                .and_then(|n| u32::try_from(n).ok())
        })
        .collect();
    match kept {
        Some(kept) if kept.iter().collect::<HashSet<_>>().len() == kept.len() => kept,
        _ => (1..=ids.count() as u32).collect(),
    }
}

/// The document of line `line_no` of doccano JSONL file `path`.
pub(super) fn parse_line(
    path: &Path,
    line_no: usize,
    line: &str,
    options: &ImportOptions,
) -> Result<Document, ExchangeError> {
    let origin = Origin::Imported {
        source: file_name(path),
    };
    let err = |reason| ExchangeError::invalid(path, Location::Line(line_no), reason);
    let parsed: Line = serde_json::from_str(line).map_err(|e| err(Reason::Json(e.to_string())))?;
    let index = TextIndex::new(parsed.text.as_str());
    let span =
        |start, end, what: &str| span_from(&index, start, end, options.offsets, what).map_err(err);
    let mut entities = Vec::new();
    for (n, (start, end, label)) in parsed.label.into_iter().enumerate() {
        let what = format!("label item {}", n + 1);
        entities.push(Entity {
            id: EntityId(n as u32 + 1),
            span: span(start, end, &what)?,
            label: name(label, &what).map_err(err)?,
            origin: origin.clone(),
            status: Status::Accepted,
        });
    }
    let base = entities.len() as u32;
    let ids = if base == 0 {
        keep_or_number(parsed.entities.iter().map(|e| Some(&e.id)))
    } else {
        (base + 1..=base + parsed.entities.len() as u32).collect()
    };
    let mut by_file_id: HashMap<String, EntityId> = HashMap::new();
    for (object, id) in parsed.entities.into_iter().zip(ids) {
        let file_id = object.id.to_string();
        let what = format!("entity {file_id}");
        if by_file_id.insert(file_id.clone(), EntityId(id)).is_some() {
            return Err(err(Reason::DuplicateId(file_id)));
        }
        let span: Span = span(object.start_offset, object.end_offset, &what)?;
        entities.push(Entity {
            id: EntityId(id),
            span,
            label: name(object.label, &what).map_err(err)?,
            origin: origin.clone(),
            status: Status::Accepted,
        });
    }
    let relation_ids = keep_or_number(parsed.relations.iter().map(|r| r.id.as_ref()));
    let mut relations = Vec::with_capacity(parsed.relations.len());
    for (object, id) in parsed.relations.into_iter().zip(relation_ids) {
        let by = format!("relation {}", object.id.as_ref().unwrap_or(&Value::Null));
        let end = |value: &Value| {
            by_file_id.get(&value.to_string()).copied().ok_or_else(|| {
                err(Reason::UnknownId {
                    id: format!("entity {value}"),
                    by: by.clone(),
                })
            })
        };
        relations.push(Relation {
            id: RelationId(id),
            relation_type: name(object.relation_type, &by).map_err(err)?,
            from: end(&object.from_id)?,
            to: end(&object.to_id)?,
            origin: origin.clone(),
            status: Status::Accepted,
        });
    }
    Ok(super::json_document(
        path,
        super::line_id(parsed.id.as_ref(), path, line_no),
        parsed.text,
        entities,
        relations,
    ))
}
