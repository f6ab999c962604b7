//! doccano sequence-labelling JSONL, one document per line, in two variants.
//!
//! `label` (doccano's plain sequence labelling):
//! ```text
//! {"text":"EU rejects German call.","label":[[0,2,"ORG"],[11,17,"NORP"]]}
//! ```
//! `entities` + `relations` (a project with relation labelling):
//! ```text
//! {"text":"…","entities":[{"id":1,"label":"ORG","start_offset":0,"end_offset":2}],
//!  "relations":[{"id":1,"from_id":1,"to_id":2,"type":"PHYS:Located"}]}
//! ```
//! Offsets are chars, or UTF-16 code units with [`OffsetUnit::Utf16`], which is what
//! doccano's browser front end counts (an emoji counts two).
//!
//! [`OffsetUnit::Utf16`]: super::OffsetUnit::Utf16

use serde::Serialize;

use super::{ExportDocument, ExportError, ExportOptions, OutputFile, jsonl, offsets};

#[derive(Serialize)]
struct LabelLine<'a> {
    text: &'a str,
    label: Vec<(usize, usize, &'a str)>,
}

#[derive(Serialize)]
struct RelationLine<'a> {
    text: &'a str,
    entities: Vec<EntityObject<'a>>,
    relations: Vec<RelationObject<'a>>,
}

#[derive(Serialize)]
struct EntityObject<'a> {
    id: u32,
    label: &'a str,
    start_offset: usize,
    end_offset: usize,
}

#[derive(Serialize)]
struct RelationObject<'a> {
    id: u32,
    from_id: u32,
    to_id: u32,
    #[serde(rename = "type")]
    relation_type: &'a str,
}

pub(super) fn write(
    documents: &[ExportDocument],
    options: &ExportOptions,
) -> Result<OutputFile, ExportError> {
    let bytes = if options.relations {
        let mut lines = Vec::with_capacity(documents.len());
        for doc in documents {
            let mut entities = Vec::with_capacity(doc.entities.len());
            for entity in &doc.entities {
                let (start_offset, end_offset) =
                    offsets(doc.document, entity.span, options.offsets)?;
                entities.push(EntityObject {
                    id: entity.id.0,
                    label: &entity.label,
                    start_offset,
                    end_offset,
                });
            }
            let relations = doc
                .relations
                .iter()
                .map(|r| RelationObject {
                    id: r.id.0,
                    from_id: r.from.0,
                    to_id: r.to.0,
                    relation_type: &r.relation_type,
                })
                .collect();
            lines.push(RelationLine {
                text: doc.document.text(),
                entities,
                relations,
            });
        }
        jsonl(&lines)?
    } else {
        let mut lines = Vec::with_capacity(documents.len());
        for doc in documents {
            let mut label = Vec::with_capacity(doc.entities.len());
            for entity in &doc.entities {
                let (start, end) = offsets(doc.document, entity.span, options.offsets)?;
                label.push((start, end, entity.label.as_str()));
            }
            lines.push(LabelLine {
                text: doc.document.text(),
                label,
            });
        }
        jsonl(&lines)?
    };
    Ok(OutputFile {
        path: "export.jsonl".into(),
        bytes,
    })
}
