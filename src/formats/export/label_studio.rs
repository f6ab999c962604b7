//! Label Studio: `tasks.json`, a list of tasks with accepted work under `annotations` and
//! suggestions under `predictions`, and `config.xml`, the labelling config that matches it.
//!
//! ```text
//! [{"data": {"text": "He came to Jerusalem.", "doc_id": "d1"},
//!   "annotations": [{"result": [
//!     {"id": "T1", "from_name": "label", "to_name": "text", "type": "labels",
//!      "value": {"start": 11, "end": 20, "text": "Jerusalem", "labels": ["GPE"]}}]}],
//!   "predictions": [{"model_version": "gazetteer", "score": 0.65, "result": [
//!     {"id": "T2", …, "value": {"start": 0, "end": 2, "score": 0.65, "text": "He", "labels": ["PER"]}}]}]}]
//! ```
//!
//! ```xml
//! <View>
//!   <Labels name="label" toName="text">
//!     <Label value="GPE" background="#90be6d"/>
//!   </Labels>
//!   <Text name="text" value="$text"/>
//! </View>
//! ```
//!
//! A document marked done gets an `annotations` entry even when it has no entity, since that
//! is a finding too; other documents get one only when they have accepted work. Offsets are
//! chars, or UTF-16 code units (what the browser counts) with [`super::OffsetUnit::Utf16`].

use serde::Serialize;

use super::{
    ExportDocument, ExportError, ExportOptions, OutputFile, Sink, close_pretty_array, offsets,
    pretty_elements, score_of, span_text,
};
use crate::model::{Origin, Schema, Status};

/// The names tying results to the config's `<Labels>` and `<Text>` tags.
const FROM_NAME: &str = "label";
const TO_NAME: &str = "text";

#[derive(Serialize)]
struct Task<'a> {
    data: TaskData<'a>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    annotations: Vec<Annotation<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    predictions: Vec<Prediction<'a>>,
}

#[derive(Serialize)]
struct TaskData<'a> {
    text: &'a str,
    doc_id: &'a str,
}

#[derive(Serialize)]
struct Annotation<'a> {
    result: Vec<Region<'a>>,
}

#[derive(Serialize)]
struct Prediction<'a> {
    model_version: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    score: Option<f32>,
    result: Vec<Region<'a>>,
}

#[derive(Serialize)]
struct Region<'a> {
    id: String,
    from_name: &'static str,
    to_name: &'static str,
    #[serde(rename = "type")]
    kind: &'static str,
    value: RegionValue<'a>,
}

#[derive(Serialize)]
struct RegionValue<'a> {
    start: usize,
    end: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    score: Option<f32>,
    text: &'a str,
    labels: [&'a str; 1],
}

pub(super) fn write(
    schema: &Schema,
    documents: &[ExportDocument],
    options: &ExportOptions,
) -> Result<Vec<OutputFile>, ExportError> {
    let mut writer = Writer::new(schema);
    let mut files = Vec::new();
    files.append_all(writer.add(documents, options)?)?;
    files.append_all(writer.finish())?;
    Ok(files)
}

/// The export written a block of documents at a time: `tasks.json` one piece per block, its
/// array closed and `config.xml` written by [`Writer::finish`], so the files are those of one
/// pass.
pub(super) struct Writer {
    /// The config's labels: the schema's, then any used outside it, in the order met.
    labels: Vec<(String, String)>,
    tasks: usize,
}

impl Writer {
    pub(super) fn new(schema: &Schema) -> Self {
        Writer {
            labels: schema
                .entity_labels
                .iter()
                .map(|l| (l.name.clone(), l.color.to_string()))
                .collect(),
            tasks: 0,
        }
    }

    /// The piece of `tasks.json` that holds `documents`.
    pub(super) fn add(
        &mut self,
        documents: &[ExportDocument],
        options: &ExportOptions,
    ) -> Result<Vec<OutputFile>, ExportError> {
        let mut tasks = Vec::with_capacity(documents.len());
        for doc in documents {
            let (mut accepted, mut suggested) = (Vec::new(), Vec::new());
            let mut engines: Vec<&str> = Vec::new();
            let mut scores = Vec::new();
            for entity in &doc.entities {
                let (start, end) = offsets(doc.document, entity.span, options.offsets)?;
                let score = score_of(&entity.origin);
                let region = Region {
                    id: entity.id.to_string(),
                    from_name: FROM_NAME,
                    to_name: TO_NAME,
                    kind: "labels",
                    value: RegionValue {
                        start,
                        end,
                        score: score.filter(|_| entity.status == Status::Suggested),
                        text: span_text(doc.document, entity.span)?,
                        labels: [&entity.label],
                    },
                };
                if entity.status == Status::Suggested {
                    if let Origin::Auto { engine, .. } = &entity.origin
                        && !engines.contains(&engine.as_str())
                    {
                        engines.push(engine);
                    }
                    scores.extend(score);
                    suggested.push(region);
                } else {
                    accepted.push(region);
                }
            }
            let annotations = if accepted.is_empty() && !doc.document.is_done() {
                Vec::new()
            } else {
                vec![Annotation { result: accepted }]
            };
            let predictions = if suggested.is_empty() {
                Vec::new()
            } else {
                let model_version = if engines.is_empty() {
                    "tagdesk".to_owned()
                } else {
                    engines.join("+")
                };
                let score =
                    (!scores.is_empty()).then(|| scores.iter().sum::<f32>() / scores.len() as f32);
                vec![Prediction {
                    model_version,
                    score,
                    result: suggested,
                }]
            };
            tasks.push(Task {
                data: TaskData {
                    text: doc.document.text(),
                    doc_id: doc.document.id(),
                },
                annotations,
                predictions,
            });
        }
        for entity in documents.iter().flat_map(|d| &d.entities) {
            if !self.labels.iter().any(|(name, _)| *name == entity.label) {
                self.labels.push((
                    entity.label.clone(),
                    crate::model::DEFAULT_LABEL_COLOR.to_string(),
                ));
            }
        }
        let mut bytes = Vec::new();
        pretty_elements(&tasks, self.tasks == 0, &mut bytes)?;
        self.tasks += tasks.len();
        Ok(vec![OutputFile {
            path: "tasks.json".into(),
            bytes,
        }])
    }

    /// The end of `tasks.json`, and `config.xml`.
    pub(super) fn finish(self) -> Vec<OutputFile> {
        let mut end = close_pretty_array(self.tasks > 0).to_vec();
        end.push(b'\n');
        vec![
            OutputFile {
                path: "tasks.json".into(),
                bytes: end,
            },
            OutputFile {
                path: "config.xml".into(),
                bytes: config_xml(&self.labels).into_bytes(),
            },
        ]
    }
}

/// The labelling config: one `<Label>` per label, with its colour.
fn config_xml(labels: &[(String, String)]) -> String {
    let mut xml = format!("<View>\n  <Labels name=\"{FROM_NAME}\" toName=\"{TO_NAME}\">\n");
    for (name, color) in labels {
        xml.push_str(&format!(
            "    <Label value=\"{}\" background=\"{color}\"/>\n",
            xml_escape(name)
        ));
    }
    xml.push_str(&format!(
        "  </Labels>\n  <Text name=\"{TO_NAME}\" value=\"${TO_NAME}\"/>\n</View>\n"
    ));
    xml
}

fn xml_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
    out
}
