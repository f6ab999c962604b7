//! Annotators' projects written as inline markup, for the team-work tests.

use tagdesk::annotate::markup;
use tagdesk::model::{Document, Edit, Entity, EntityId, Origin, Project, Schema, Status};

/// A project of one annotator: each document in inline markup, its entities accepted.
pub fn annotated(annotator: &str, docs: &[&str]) -> Project {
    let mut p = Project::new("team".into(), annotator.into(), Schema::news());
    for (i, text) in docs.iter().enumerate() {
        let (text, spans) = markup::parse(text);
        let entities = spans
            .into_iter()
            .enumerate()
            .map(|(k, m)| Entity {
                id: EntityId(k as u32 + 1),
                span: m.span,
                label: m.label,
                origin: Origin::Manual,
                status: Status::Accepted,
            })
            .collect();
        let doc = Document::new(format!("d{i}"), format!("d{i}.txt"), None, text).with_annotations(
            entities,
            Vec::new(),
            Vec::new(),
        );
        p.apply(Edit::AddDocument {
            index: i,
            document: Box::new(doc),
        })
        .unwrap();
    }
    p
}
