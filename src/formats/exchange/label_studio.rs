//! Label Studio JSON: a list of tasks (or one task) with `data.text`, completed work under
//! `annotations` and model output under `predictions`; `labels` results become entities.
//!
//! Annotations are imported as accepted, predictions as suggestions (with the region's or the
//! prediction's score when there is one); a prediction that repeats an annotation is dropped
//! as the same entity. Results of other types (choices, text areas, relations…) and
//! cancelled annotations are counted in the notes. Offsets count chars, or UTF-16 code units
//! with [`OffsetUnit::Utf16`](crate::formats::export::OffsetUnit::Utf16).

use std::collections::{BTreeMap, HashSet};
use std::path::Path;

use serde::Deserialize;
use serde_json::Value;

use super::{
    ExchangeError, ImportOptions, Imported, Location, Reason, check_text, file_name, file_stem,
    json_id, name, span_from,
};
use crate::model::{Entity, EntityId, Origin, Span, Status, TextIndex};

#[derive(Deserialize)]
struct Task {
    #[serde(default)]
    id: Option<Value>,
    data: serde_json::Map<String, Value>,
    #[serde(default)]
    annotations: Vec<Completion>,
    #[serde(default)]
    predictions: Vec<Completion>,
}

/// An annotation or a prediction: a list of results.
#[derive(Deserialize)]
struct Completion {
    #[serde(default)]
    result: Vec<Value>,
    #[serde(default)]
    was_cancelled: bool,
    #[serde(default)]
    model_version: Option<String>,
    #[serde(default)]
    score: Option<f32>,
}

#[derive(Deserialize)]
struct LabelsValue {
    start: usize,
    end: usize,
    #[serde(default)]
    text: Option<String>,
    labels: Vec<String>,
    #[serde(default)]
    score: Option<f32>,
}

/// Parses a Label Studio JSON export or task file.
pub fn parse_label_studio(
    path: &Path,
    content: &str,
    options: &ImportOptions,
) -> Result<Imported, ExchangeError> {
    let source = file_name(path);
    let stem = file_stem(path);
    let content = content.strip_prefix('\u{feff}').unwrap_or(content);
    let value: Value = serde_json::from_str(content).map_err(|e| {
        ExchangeError::invalid(path, Location::Line(e.line()), Reason::Json(e.to_string()))
    })?;
    let tasks = match value {
        Value::Array(tasks) => tasks,
        task @ Value::Object(_) => vec![task],
        _ => {
            return Err(ExchangeError::invalid(
                path,
                Location::Line(1),
                Reason::Malformed("expected a list of tasks or one task".to_owned()),
            ));
        }
    };
    let mut imported = Imported::default();
    let mut skipped_types: BTreeMap<String, usize> = BTreeMap::new();
    let mut cancelled = 0;
    for (n, task) in tasks.into_iter().enumerate() {
        let err = |reason| ExchangeError::invalid(path, Location::Task(n + 1), reason);
        let task: Task =
            serde_json::from_value(task).map_err(|e| err(Reason::Json(e.to_string())))?;
        let text = task_text(&task.data).ok_or_else(|| {
            err(Reason::Malformed(
                "the task has no text: expected data.text (or one text field in data)".to_owned(),
            ))
        })?;
        let index = TextIndex::new(text.as_str());
        let mut seen: HashSet<(Span, String)> = HashSet::new();
        let mut entities = Vec::new();
        let completions = task
            .annotations
            .iter()
            .map(|c| (c, Status::Accepted))
            .chain(task.predictions.iter().map(|c| (c, Status::Suggested)));
        for (completion, status) in completions {
            if completion.was_cancelled {
                cancelled += 1;
                continue;
            }
            for (r, result) in completion.result.iter().enumerate() {
                let kind = result.get("type").and_then(Value::as_str).unwrap_or("");
                if kind != "labels" {
                    *skipped_types.entry(kind.to_owned()).or_insert(0) += 1;
                    continue;
                }
                let what = format!("result {}", r + 1);
                let value: LabelsValue = result
                    .get("value")
                    .cloned()
                    .ok_or_else(|| Reason::Malformed(format!("{what} has no value")))
                    .and_then(|v| {
                        serde_json::from_value(v).map_err(|e| Reason::Json(format!("{what}: {e}")))
                    })
                    .map_err(err)?;
                let span = span_from(&index, value.start, value.end, options.offsets, &what)
                    .map_err(err)?;
                if let Some(found) = &value.text {
                    check_text(&index, span, found, &what).map_err(err)?;
                }
                let score = value
                    .score
                    .or_else(|| {
                        result
                            .get("score")
                            .and_then(Value::as_f64)
                            .map(|s| s as f32)
                    })
                    .or(completion.score);
                let origin = match (status, score) {
                    (Status::Suggested, Some(score)) => Origin::Auto {
                        engine: completion
                            .model_version
                            .as_deref()
                            .unwrap_or("label-studio")
                            .into(),
                        rule: source.as_str().into(),
                        score,
                    },
                    _ => Origin::Imported {
                        source: source.clone(),
                    },
                };
                for label in value.labels {
                    let label = name(label, &what).map_err(err)?;
                    if seen.insert((span, label.clone())) {
                        entities.push(Entity {
                            id: EntityId(entities.len() as u32 + 1),
                            span,
                            label,
                            origin: origin.clone(),
                            status,
                        });
                    }
                }
            }
        }
        let id = task
            .data
            .get("doc_id")
            .and_then(|v| json_id(Some(v)))
            .or_else(|| json_id(task.id.as_ref()))
            .unwrap_or_else(|| format!("{stem}-{}", n + 1));
        imported
            .documents
            .push(super::json_document(path, id, text, entities, Vec::new()));
    }
    for (kind, count) in skipped_types {
        let kind = if kind.is_empty() { "untyped" } else { &kind };
        imported.notes.push(format!(
            "{source}: {count} result(s) of type {kind} not imported (tagdesk imports labels results)"
        ));
    }
    if cancelled > 0 {
        imported.notes.push(format!(
            "{source}: {cancelled} cancelled annotation(s) not imported"
        ));
    }
    Ok(imported)
}

/// `data.text`, or the only string of `data`.
fn task_text(data: &serde_json::Map<String, Value>) -> Option<String> {
    if let Some(Value::String(text)) = data.get("text") {
        return Some(text.clone());
    }
    let mut strings = data.values().filter_map(Value::as_str);
    match (strings.next(), strings.next()) {
        (Some(only), None) => Some(only.to_owned()),
        _ => None,
    }
}
