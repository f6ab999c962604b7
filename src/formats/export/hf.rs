//! Hugging Face token classification: `data.jsonl` with one sentence per line, and
//! `labels.json`, the IOB2 label list the tag numbers index.
//!
//! ```text
//! data.jsonl:  {"id":"0","tokens":["EU","rejects","German","call","."],"ner_tags":[3,0,7,0,0]}
//! labels.json: ["O","B-PER","I-PER","B-ORG","I-ORG",…]
//! ```
//!
//! `labels.json` lists `O`, then `B-`/`I-` for every entity label of the schema in schema order
//! (so numbers stay the same from one export to the next), then any label used outside the
//! schema; whitespace in a label becomes `_` as in CoNLL. Load it with `datasets.load_dataset("json", data_files="data.jsonl")` and
//! `ClassLabel(names=json.load(open("labels.json")))`. Tokens and sentences are the same as
//! the CoNLL export's.

use serde::Serialize;

use super::conll::{TagScheme, conll_name, tagged_sentences};
use super::{ExportDocument, ExportError, OutputFile, Sink, jsonl};
use crate::model::Schema;

/// One line of `data.jsonl`.
#[derive(Serialize)]
struct Sentence<'a> {
    id: String,
    tokens: Vec<&'a str>,
    ner_tags: Vec<usize>,
}

pub(super) fn write(
    schema: &Schema,
    documents: &[ExportDocument],
) -> Result<Vec<OutputFile>, ExportError> {
    let mut writer = Writer::new(schema);
    let mut files = Vec::new();
    files.append_all(writer.add(documents)?)?;
    files.append_all(writer.finish()?)?;
    Ok(files)
}

/// The export written a block of documents at a time, `data.jsonl` one piece per block:
/// sentence numbers and labels outside the schema carry on from one block to the next, so
/// the files are those of one pass.
pub(super) struct Writer {
    labels: Vec<String>,
    sentences: usize,
}

impl Writer {
    pub(super) fn new(schema: &Schema) -> Self {
        let mut writer = Writer {
            labels: vec!["O".to_owned()],
            sentences: 0,
        };
        for label in &schema.entity_labels {
            writer.push_label(&conll_name(&label.name));
        }
        writer
    }

    fn push_label(&mut self, name: &str) {
        let begin = format!("B-{name}");
        if !self.labels.contains(&begin) {
            self.labels.push(begin);
            self.labels.push(format!("I-{name}"));
        }
    }

    /// The piece of `data.jsonl` that holds `documents`.
    pub(super) fn add(
        &mut self,
        documents: &[ExportDocument],
    ) -> Result<Vec<OutputFile>, ExportError> {
        let mut lines = Vec::new();
        for doc in documents {
            for sentence in tagged_sentences(doc, TagScheme::Iob2) {
                let mut tokens = Vec::with_capacity(sentence.len());
                let mut ner_tags = Vec::with_capacity(sentence.len());
                for (word, tag) in sentence {
                    let index = match self.labels.iter().position(|l| *l == tag) {
                        Some(index) => index,
                        None => {
                            // A label outside the schema (the pre-flight reported it).
                            self.push_label(tag.get(2..).unwrap_or_default());
                            self.labels.iter().position(|l| *l == tag).unwrap_or(0)
                        }
                    };
                    tokens.push(word);
                    ner_tags.push(index);
                }
                lines.push(Sentence {
                    id: (self.sentences + lines.len()).to_string(),
                    tokens,
                    ner_tags,
                });
            }
        }
        self.sentences += lines.len();
        Ok(vec![OutputFile {
            path: "data.jsonl".into(),
            bytes: jsonl(&lines)?,
        }])
    }

    /// `labels.json` (after an empty piece of `data.jsonl`, which a project with no
    /// documents still gets).
    pub(super) fn finish(self) -> Result<Vec<OutputFile>, ExportError> {
        let mut labels_json = serde_json::to_vec(&self.labels)?;
        labels_json.push(b'\n');
        Ok(vec![
            OutputFile {
                path: "data.jsonl".into(),
                bytes: Vec::new(),
            },
            OutputFile {
                path: "labels.json".into(),
                bytes: labels_json,
            },
        ])
    }
}
