//! From proposals to one undoable edit of suggested annotations.
//!
//! Policy, so that running the engine again is always safe:
//! - an existing entity with the same span and label, whatever its status, means the proposal
//!   is already there (suggested or accepted) or was turned down (rejected): it is skipped;
//! - a proposal that overlaps an existing entity that is not rejected is skipped: what the
//!   annotator accepted, drew or imported wins, and suggestions never pile up on each other;
//! - events follow the same rules on their trigger (same trigger and type, or an overlapping
//!   trigger that is not rejected, means skip); an argument points to the entity proposed with
//!   it, or to an existing, not rejected entity with the same span and label, and is dropped
//!   when neither exists.
//!
//! Existing annotations are never changed.

use crate::model::{
    ArgTarget, Argument, Document, Edit, Entity, EntityId, Event, Origin, Schema, Status,
};

use super::Proposals;

/// The engine name recorded in [`Origin::Auto`].
pub const ENGINE_NAME: &str = "tagdesk-rules";

/// One [`Edit::Batch`] adding `proposals` to `doc` as suggestions (see the module docs for
/// what is skipped). Labels and event types must exist in the project's schema: filter with
/// [`Proposals::fit_schema`] first.
pub fn suggestion_edit(doc: &Document, proposals: &Proposals) -> Edit {
    let doc_id = doc.id().to_owned();
    let mut edits = Vec::new();
    let mut next_entity = doc.next_entity_id().0;
    let mut ids: Vec<Option<EntityId>> = Vec::with_capacity(proposals.entities.len());
    for proposed in &proposals.entities {
        let same = doc
            .entities()
            .iter()
            .find(|e| e.span == proposed.span && e.label == proposed.label);
        if let Some(existing) = same {
            ids.push((existing.status != Status::Rejected).then_some(existing.id));
            continue;
        }
        let blocked = doc
            .entities()
            .iter()
            .any(|e| e.status != Status::Rejected && e.span.overlaps(proposed.span));
        if blocked {
            ids.push(None);
            continue;
        }
        let id = EntityId(next_entity);
        next_entity += 1;
        ids.push(Some(id));
        edits.push(Edit::AddEntity {
            doc: doc_id.clone(),
            entity: Entity {
                id,
                span: proposed.span,
                label: proposed.label.clone(),
                origin: Origin::Auto {
                    engine: ENGINE_NAME.to_owned(),
                    rule: proposed.rule.clone(),
                    score: proposed.score,
                },
                status: Status::Suggested,
            },
        });
    }
    let mut next_event = doc.next_event_id().0;
    for proposed in &proposals.events {
        let skip = doc.events().iter().any(|e| {
            (e.trigger == proposed.trigger && e.event_type == proposed.event_type)
                || (e.status != Status::Rejected && e.trigger.overlaps(proposed.trigger))
        });
        if skip {
            continue;
        }
        let arguments = proposed
            .arguments
            .iter()
            .filter_map(|arg| {
                let id = ids.get(arg.entity).copied().flatten()?;
                Some(Argument {
                    role: arg.role.clone(),
                    target: ArgTarget::Entity(id),
                })
            })
            .collect();
        edits.push(Edit::AddEvent {
            doc: doc_id.clone(),
            event: Event {
                id: crate::model::EventId(next_event),
                event_type: proposed.event_type.clone(),
                trigger: proposed.trigger,
                arguments,
                origin: Origin::Auto {
                    engine: ENGINE_NAME.to_owned(),
                    rule: proposed.rule.clone(),
                    score: proposed.score,
                },
                status: Status::Suggested,
            },
        });
        next_event += 1;
    }
    Edit::Batch(edits)
}

impl Proposals {
    /// The proposals a project with `schema` can hold: entities whose label it defines, events
    /// whose type it defines, arguments whose role the type has and whose entity survived.
    pub fn fit_schema(&self, schema: &Schema) -> Proposals {
        let mut index = Vec::with_capacity(self.entities.len());
        let mut entities = Vec::new();
        for entity in &self.entities {
            if schema.entity_label(&entity.label).is_some() {
                index.push(Some(entities.len()));
                entities.push(entity.clone());
            } else {
                index.push(None);
            }
        }
        let events = self
            .events
            .iter()
            .filter_map(|event| {
                let event_type = schema.event_type(&event.event_type)?;
                let mut event = event.clone();
                event
                    .arguments
                    .retain_mut(|arg| match index.get(arg.entity).copied().flatten() {
                        Some(i) if event_type.role(&arg.role).is_some() => {
                            arg.entity = i;
                            true
                        }
                        _ => false,
                    });
                Some(event)
            })
            .collect();
        Proposals { entities, events }
    }
}
