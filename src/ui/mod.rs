//! egui widgets: the annotated text view and the side panels. They read the model and return
//! [`Request`]s (edits to apply, things to select or open); the app carries them out, so no
//! widget mutates the project.

pub mod panels;
pub mod selection;
pub mod text_view;

use egui::{Color32, RichText, Ui};

use crate::annotate::{ENGINE_NAME, learn};
use crate::model::{Document, Edit, EntityId, EventId, Origin, RelationId, Rgb, Span, Status};

/// An annotation of the open document.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AnnotationRef {
    Entity(EntityId),
    Event(EventId),
    Relation(RelationId),
}

/// What a widget asks the app to do.
#[derive(Clone, Debug, PartialEq)]
pub enum Request {
    /// Apply an edit through the undo history.
    Apply(Edit),
    OpenDocument(usize),
    Select(Option<AnnotationRef>),
    /// Show a span of the open document and select what is there.
    Reveal {
        span: Span,
        annotation: Option<AnnotationRef>,
    },
    /// Label the current selection.
    Label(String),
    /// Create an event of this type on the selected text.
    CreateEvent(String),
    /// Wait for a click on an entity in the text to fill `role` of `event`.
    PickArgument {
        event: EventId,
        role: String,
    },
}

/// The colour of a label or event type (grey when unknown).
pub fn color_of(rgb: Option<Rgb>) -> Color32 {
    let [r, g, b] = rgb.unwrap_or(crate::model::DEFAULT_LABEL_COLOR).0;
    Color32::from_rgb(r, g, b)
}

/// "suggested 85% (gazetteer:cities)" and the like.
pub fn origin_text(origin: &Origin, status: Status) -> String {
    match origin {
        Origin::Auto { engine, score, .. } if engine == learn::MODEL_ENGINE_NAME => format!(
            "{}, {:.0}% by the project's model (learned from its reviewed documents)",
            status.name(),
            score * 100.0
        ),
        Origin::Auto {
            engine,
            rule,
            score,
        } if engine == ENGINE_NAME => {
            format!(
                "{}, {:.0}% by the rules ({rule})",
                status.name(),
                score * 100.0
            )
        }
        Origin::Auto {
            engine,
            rule,
            score,
        } => {
            format!(
                "{}, {:.0}% by {engine} ({rule})",
                status.name(),
                score * 100.0
            )
        }
        Origin::Manual => format!("{}, by hand", status.name()),
        Origin::Imported { source } => format!("{}, imported from {source}", status.name()),
    }
}

/// The hover text of an annotation: label or type, text, origin, status, score and rule.
pub fn annotation_tooltip_ui(ui: &mut Ui, doc: &Document, annotation: AnnotationRef) {
    match annotation {
        AnnotationRef::Entity(id) => {
            if let Some(e) = doc.entity(id) {
                ui.label(RichText::new(&e.label).strong());
                ui.label(format!("“{}”", doc.span_text(e.span).unwrap_or_default()));
                ui.label(origin_text(&e.origin, e.status));
                ui.weak(format!("{id}, chars {}", e.span));
            }
        }
        AnnotationRef::Event(id) => {
            if let Some(e) = doc.event(id) {
                ui.label(RichText::new(&e.event_type).strong());
                ui.label(format!(
                    "trigger “{}”",
                    doc.span_text(e.trigger).unwrap_or_default()
                ));
                for arg in &e.arguments {
                    ui.label(format!("{}: {}", arg.role, target_text(doc, arg.target)));
                }
                ui.label(origin_text(&e.origin, e.status));
                ui.weak(format!("{id}, chars {}", e.trigger));
            }
        }
        AnnotationRef::Relation(id) => {
            if let Some(r) = doc.relation(id) {
                ui.label(RichText::new(&r.relation_type).strong());
                ui.label(format!(
                    "from “{}” to “{}”",
                    target_text(doc, crate::model::ArgTarget::Entity(r.from)),
                    target_text(doc, crate::model::ArgTarget::Entity(r.to))
                ));
                ui.label(origin_text(&r.origin, r.status));
                ui.weak(id.to_string());
            }
        }
    }
}

/// The text an argument points to.
pub fn target_text(doc: &Document, target: crate::model::ArgTarget) -> String {
    match target {
        crate::model::ArgTarget::Entity(id) => doc
            .entity(id)
            .and_then(|e| doc.span_text(e.span))
            .map_or_else(|| id.to_string(), ToOwned::to_owned),
        crate::model::ArgTarget::Event(id) => doc
            .event(id)
            .map_or_else(|| id.to_string(), |e| format!("{} event", e.event_type)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_hover_text_says_whether_the_rules_or_the_model_suggested() {
        let auto = |engine: &str, rule: &str| Origin::Auto {
            engine: engine.into(),
            rule: rule.into(),
            score: 0.83,
        };
        assert_eq!(
            origin_text(&auto(ENGINE_NAME, "title"), Status::Suggested),
            "suggested, 83% by the rules (title)"
        );
        assert_eq!(
            origin_text(
                &auto(learn::MODEL_ENGINE_NAME, learn::MODEL_RULE),
                Status::Accepted
            ),
            "accepted, 83% by the project's model (learned from its reviewed documents)"
        );
        assert_eq!(
            origin_text(&auto("spacy", "ner"), Status::Suggested),
            "suggested, 83% by spacy (ner)"
        );
    }
}
