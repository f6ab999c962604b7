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
    ArgTarget, Argument, Document, Edit, Entity, EntityId, Event, Origin, Schema, Span, Status,
};

use super::Proposals;

/// The engine name recorded in [`Origin::Auto`].
pub const ENGINE_NAME: &str = "tagdesk-rules";

/// One [`Edit::Batch`] adding `proposals` to `doc` as suggestions (see the module docs for
/// what is skipped). Labels and event types must exist in the project's schema: filter with
/// [`Proposals::fit_schema`] first. Lookups go through span-sorted indexes, so a long document
/// with tens of thousands of annotations is handled in milliseconds.
pub fn suggestion_edit(doc: &Document, proposals: &Proposals) -> Edit {
    let doc_id = doc.id().to_owned();
    let entities = SpanIndex::new(doc.entities().iter().map(|e| (e.span, e)));
    let mut next_entity = doc.next_entity_id().0;
    let mut ids: Vec<Option<EntityId>> = Vec::with_capacity(proposals.entities.len());
    let mut new_entities = Vec::new();
    for proposed in &proposals.entities {
        let existing = entities.overlapping(proposed.span);
        if let Some(same) = existing
            .iter()
            .find(|e| e.span == proposed.span && e.label == proposed.label)
        {
            ids.push((same.status != Status::Rejected).then_some(same.id));
            continue;
        }
        if existing.iter().any(|e| e.status != Status::Rejected) {
            ids.push(None);
            continue;
        }
        let id = EntityId(next_entity);
        next_entity += 1;
        ids.push(Some(id));
        new_entities.push(Entity {
            id,
            span: proposed.span,
            label: proposed.label.to_owned(),
            origin: Origin::Auto {
                engine: ENGINE_NAME.to_owned(),
                rule: proposed.rule.to_owned(),
                score: proposed.score,
            },
            status: Status::Suggested,
        });
    }
    let events = SpanIndex::new(doc.events().iter().map(|e| (e.trigger, e)));
    let mut next_event = doc.next_event_id().0;
    let mut new_events = Vec::new();
    for proposed in &proposals.events {
        let skip = events.overlapping(proposed.trigger).iter().any(|e| {
            (e.trigger == proposed.trigger && e.event_type == proposed.event_type)
                || e.status != Status::Rejected
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
                    role: arg.role.to_owned(),
                    target: ArgTarget::Entity(id),
                })
            })
            .collect();
        new_events.push(Event {
            id: crate::model::EventId(next_event),
            event_type: proposed.event_type.to_owned(),
            trigger: proposed.trigger,
            arguments,
            origin: Origin::Auto {
                engine: ENGINE_NAME.to_owned(),
                rule: proposed.rule.to_owned(),
                score: proposed.score,
            },
            status: Status::Suggested,
        });
        next_event += 1;
    }
    let mut edits = Vec::new();
    if !new_entities.is_empty() {
        edits.push(Edit::AddEntities {
            doc: doc_id.clone(),
            entities: new_entities,
        });
    }
    if !new_events.is_empty() {
        edits.push(Edit::AddEvents {
            doc: doc_id,
            events: new_events,
        });
    }
    Edit::Batch(edits)
}

/// Annotations sorted by span start, to find those overlapping a span in O(log n + k).
struct SpanIndex<'d, T> {
    items: Vec<(Span, &'d T)>,
    longest: usize,
}

impl<'d, T> SpanIndex<'d, T> {
    fn new(items: impl Iterator<Item = (Span, &'d T)>) -> Self {
        let mut items: Vec<(Span, &'d T)> = items.collect();
        items.sort_by_key(|(span, _)| span.start);
        let longest = items.iter().map(|(span, _)| span.len()).max().unwrap_or(0);
        Self { items, longest }
    }

    /// Items sharing at least one char with `span`.
    fn overlapping(&self, span: Span) -> Vec<&'d T> {
        // Only an item starting at most `longest` chars before `span` can reach into it.
        let from = self
            .items
            .partition_point(|(s, _)| s.start + self.longest <= span.start);
        let to = self.items.partition_point(|(s, _)| s.start < span.end);
        self.items[from..to.max(from)]
            .iter()
            .filter(|(s, _)| s.overlaps(span))
            .map(|(_, item)| *item)
            .collect()
    }
}

impl Proposals {
    /// The proposals a project with `schema` can hold: entities whose label it defines, events
    /// whose type it defines, arguments whose role the type has and whose entity survived.
    pub fn fit_schema(&self, schema: &Schema) -> Proposals {
        let mut index = Vec::with_capacity(self.entities.len());
        let mut entities = Vec::new();
        for entity in &self.entities {
            if schema.entity_label(entity.label).is_some() {
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
                let event_type = schema.event_type(event.event_type)?;
                let mut event = event.clone();
                event
                    .arguments
                    .retain_mut(|arg| match index.get(arg.entity).copied().flatten() {
                        Some(i) if event_type.role(arg.role).is_some() => {
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
