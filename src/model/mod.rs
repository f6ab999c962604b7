//! The annotation model: pure data and the edits that change it. No egui, no I/O.

mod annotation;
mod dictionary;
mod document;
mod edit;
mod project;
mod schema;
mod span;
mod text_index;

pub use annotation::{
    ArgTarget, Argument, Entity, EntityId, Event, EventId, Origin, Relation, RelationId, Status,
};
pub use dictionary::{
    DictionaryPattern, DictionaryPlan, Pattern, TokenPattern, label_counts, missing_labels,
    plan_dictionary,
};
pub use document::{Document, Problem, Severity, Source, SourceFormat, text_hash};
pub use edit::{Edit, EditError, History, SchemaItem};
pub use project::{Changes, NewIds, Project, now_rfc3339, thousands};
pub use schema::{
    Cardinality, DEFAULT_LABEL_COLOR, EntityLabel, EventType, RelationType, Rgb, Role, Schema,
};
pub use span::{Span, SpanError};
pub use text_index::TextIndex;

#[cfg(test)]
mod tests;
