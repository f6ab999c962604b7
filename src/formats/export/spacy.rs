//! spaCy v3 training input as JSONL: one document per line, entities as `[start, end, label]`
//! in chars (Python `str` indices, what `Doc.char_span` takes), end exclusive.
//!
//! ```text
//! {"text":"EU rejects German call.","entities":[[0,2,"ORG"],[11,17,"NORP"]]}
//! ```
//!
//! `entities` never overlap (spaCy raises E103): the pre-flight keeps the longer of two
//! overlapping spans there. With `spans`, every exported span, overlapping ones included, is
//! also written to the span group `sc` (what spaCy's `spancat` trains on):
//! `"spans":{"sc":[[0,2,"ORG"],[0,17,"EVENT"]]}`.
//!
//! Turn the file into a `.spacy` DocBin with three lines of Python (`alignment_mode="expand"`
//! widens a span that cuts one of spaCy's tokens instead of losing it; an overlap still fails
//! loudly):
//!
//! ```python
//! import spacy, srsly; from spacy.tokens import DocBin; nlp, db = spacy.blank("en"), DocBin()
//! for ex in srsly.read_jsonl("train.jsonl"): doc = nlp.make_doc(ex["text"]); doc.ents = [doc.char_span(s, e, l, alignment_mode="expand") for s, e, l in ex["entities"]]; db.add(doc)
//! db.to_disk("train.spacy")
//! ```
//!
//! and the CoNLL export with `python -m spacy convert train.conll ./corpus --converter ner`.

use std::collections::BTreeMap;

use serde::Serialize;

use super::{ExportDocument, ExportError, ExportOptions, OffsetUnit, OutputFile, jsonl, offsets};
use crate::model::Entity;

/// `[start, end, label]` in chars.
type Triple<'a> = (usize, usize, &'a str);

/// One line of the file.
#[derive(Serialize)]
struct Line<'a> {
    text: &'a str,
    entities: Vec<Triple<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    spans: Option<BTreeMap<&'static str, Vec<Triple<'a>>>>,
}

pub(super) fn write<'a>(
    documents: &'a [ExportDocument],
    options: &ExportOptions,
) -> Result<OutputFile, ExportError> {
    let mut lines = Vec::with_capacity(documents.len());
    for doc in documents {
        let triple = |e: &'a Entity| {
            offsets(doc.document, e.span, OffsetUnit::Chars)
                .map(|(start, end)| (start, end, e.label.as_str()))
        };
        let entities = doc.entities.iter().map(triple).collect::<Result<_, _>>()?;
        let spans = if options.spans {
            let mut all: Vec<&Entity> = doc.entities.iter().chain(&doc.extra_spans).collect();
            all.sort_by_key(|e| (e.span, e.id));
            let group = all.into_iter().map(triple).collect::<Result<_, _>>()?;
            Some(BTreeMap::from([("sc", group)]))
        } else {
            None
        };
        lines.push(Line {
            text: doc.document.text(),
            entities,
            spans,
        });
    }
    Ok(OutputFile {
        path: "export.jsonl".into(),
        bytes: jsonl(&lines)?,
    })
}
