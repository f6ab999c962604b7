//! From proposals to one undoable edit of suggested annotations.
//!
//! Policy, so that running the engine again is always safe:
//! - an existing entity with the same span and label, whatever its status, means the proposal
//!   is already there (suggested or accepted) or was turned down (rejected): it is skipped;
//! - a proposal that overlaps an existing entity that is not rejected is skipped: what the
//!   annotator accepted, drew or imported wins, and suggestions never pile up on each other;
//! - except that a dictionary proposal replaces the engine's own suggestions it overlaps that
//!   nobody has reviewed (and that no reviewed event or any relation uses), so a dictionary
//!   attached after a first pre-annotation still wins over the built-in rules;
//! - events follow the same rules on their trigger (same trigger and type, or an overlapping
//!   trigger that is not rejected, means skip); an argument points to the entity proposed with
//!   it, or to an existing, not rejected entity with the same span and label, and is dropped
//!   when neither exists.
//!
//! Other existing annotations are never changed, with one exception, [`refresh_edit`]: in a
//! document nobody has reviewed yet, a project's model replaces the suggestions it supersedes.

use crate::model::{
    ArgTarget, Argument, Document, Edit, Entity, EntityId, Event, EventId, Origin, Schema, Span,
    Status,
};

use super::learn::{MODEL_ENGINE_NAME, MODEL_RULE};
use super::{Proposals, dictionary};

/// The engine name recorded in [`Origin::Auto`] for the rules' suggestions.
pub const ENGINE_NAME: &str = "tagdesk-rules";

/// The engine name of a proposal made by `rule`: the model's or the rules'.
fn engine_name(rule: &str) -> &'static str {
    if rule == MODEL_RULE {
        MODEL_ENGINE_NAME
    } else {
        ENGINE_NAME
    }
}

/// Whether `origin` is a suggestion of tagdesk's own pre-annotation (rules or model).
fn is_ours(origin: &Origin) -> bool {
    matches!(origin, Origin::Auto { engine, .. } if engine == ENGINE_NAME || engine == MODEL_ENGINE_NAME)
}

/// Whether nobody has reviewed anything in `doc`: not marked done, and every annotation in it
/// is still a suggestion.
pub fn is_untouched(doc: &Document) -> bool {
    !doc.is_done()
        && doc.entities().iter().all(|e| e.status == Status::Suggested)
        && doc.events().iter().all(|e| e.status == Status::Suggested)
        && doc
            .relations()
            .iter()
            .all(|r| r.status == Status::Suggested)
}

/// One [`Edit::Batch`] adding `proposals` to `doc` as suggestions (see the module docs for
/// what is skipped). Labels and event types must exist in the project's schema: filter with
/// [`Proposals::fit_schema`] first. Lookups go through span-sorted indexes, so a long document
/// with tens of thousands of annotations is handled in milliseconds.
pub fn suggestion_edit(doc: &Document, proposals: &Proposals) -> Edit {
    additions(doc, proposals, &Replaced::default())
}

/// For a document nobody has reviewed ([`is_untouched`]): one edit that removes the
/// suggestions of tagdesk's pre-annotation and adds `proposals` in their place, so a model's
/// proposals replace the rules' (undo restores them). Suggestions from elsewhere (an import)
/// and what a relation or another event uses stay. Any other document gets
/// [`suggestion_edit`].
pub fn refresh_edit(doc: &Document, proposals: &Proposals) -> Edit {
    if !is_untouched(doc) {
        return suggestion_edit(doc, proposals);
    }
    if already_proposed(doc, proposals) {
        // Running the same model again changes nothing, not even ids.
        return Edit::Batch(Vec::new());
    }
    let mut events: Vec<EventId> = doc
        .events()
        .iter()
        .filter(|e| is_ours(&e.origin))
        .map(|e| e.id)
        .collect();
    events.sort_unstable();
    let used_elsewhere = |id: EntityId| {
        doc.relations().iter().any(|r| r.from == id || r.to == id)
            || doc.events().iter().any(|e| {
                events.binary_search(&e.id).is_err()
                    && e.arguments
                        .iter()
                        .any(|a| a.target == ArgTarget::Entity(id))
            })
    };
    let mut entities: Vec<EntityId> = doc
        .entities()
        .iter()
        .filter(|e| is_ours(&e.origin) && !used_elsewhere(e.id))
        .map(|e| e.id)
        .collect();
    entities.sort_unstable();
    let replaced = Replaced { entities, events };
    let added = additions(doc, proposals, &replaced);
    let doc_id = doc.id().to_owned();
    let mut edits = Vec::new();
    if !replaced.events.is_empty() {
        edits.push(Edit::RemoveEvents {
            doc: doc_id.clone(),
            ids: replaced.events,
        });
    }
    if !replaced.entities.is_empty() {
        edits.push(Edit::RemoveEntities {
            doc: doc_id,
            ids: replaced.entities,
        });
    }
    if let Edit::Batch(more) = added {
        edits.extend(more);
    }
    Edit::Batch(edits)
}

/// Whether `doc`'s suggestions from tagdesk are exactly `proposals`: the same entity spans and
/// labels, and the same event triggers and types.
fn already_proposed(doc: &Document, proposals: &Proposals) -> bool {
    let mut ours: Vec<(Span, &str)> = doc
        .entities()
        .iter()
        .filter(|e| is_ours(&e.origin))
        .map(|e| (e.span, e.label.as_str()))
        .collect();
    let mut proposed: Vec<(Span, &str)> = proposals
        .entities
        .iter()
        .map(|e| (e.span, e.label))
        .collect();
    let mut our_events: Vec<(Span, &str)> = doc
        .events()
        .iter()
        .filter(|e| is_ours(&e.origin))
        .map(|e| (e.trigger, e.event_type.as_str()))
        .collect();
    let mut proposed_events: Vec<(Span, &str)> = proposals
        .events
        .iter()
        .map(|e| (e.trigger, e.event_type))
        .collect();
    for list in [
        &mut ours,
        &mut proposed,
        &mut our_events,
        &mut proposed_events,
    ] {
        list.sort_by_key(|&(span, label)| (span.start, span.end, label));
    }
    ours == proposed && our_events == proposed_events
}

/// Annotations that an edit removes, sorted by id, so that the additions ignore them.
#[derive(Default)]
struct Replaced {
    entities: Vec<EntityId>,
    events: Vec<EventId>,
}

fn additions(doc: &Document, proposals: &Proposals, replaced: &Replaced) -> Edit {
    let doc_id = doc.id().to_owned();
    let entities = SpanIndex::new(
        doc.entities()
            .iter()
            .filter(|e| replaced.entities.binary_search(&e.id).is_err())
            .map(|e| (e.span, e)),
    );
    let mut next_entity = doc.next_entity_id().0;
    let mut ids: Vec<Option<EntityId>> = Vec::with_capacity(proposals.entities.len());
    let mut new_entities = Vec::new();
    let mut superseded: Vec<EntityId> = Vec::new();
    for proposed in &proposals.entities {
        let existing = entities.overlapping(proposed.span);
        if let Some(same) = existing
            .iter()
            .find(|e| e.span == proposed.span && e.label == proposed.label)
        {
            ids.push((same.status != Status::Rejected).then_some(same.id));
            continue;
        }
        let standing: Vec<&Entity> = existing
            .into_iter()
            .filter(|e| e.status != Status::Rejected)
            .collect();
        if !standing.is_empty() {
            let replaces = proposed.rule == dictionary::RULE
                && standing.iter().all(|e| is_replaceable(doc, e));
            if !replaces {
                ids.push(None);
                continue;
            }
            superseded.extend(standing.iter().map(|e| e.id));
        }
        let id = EntityId(next_entity);
        next_entity += 1;
        ids.push(Some(id));
        new_entities.push(Entity {
            id,
            span: proposed.span,
            label: proposed.label.to_owned(),
            origin: Origin::Auto {
                engine: engine_name(proposed.rule).into(),
                rule: proposed.rule.into(),
                score: proposed.score,
            },
            status: Status::Suggested,
        });
    }
    let events = SpanIndex::new(
        doc.events()
            .iter()
            .filter(|e| replaced.events.binary_search(&e.id).is_err())
            .map(|e| (e.trigger, e)),
    );
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
            id: EventId(next_event),
            event_type: proposed.event_type.to_owned(),
            trigger: proposed.trigger,
            arguments,
            origin: Origin::Auto {
                engine: engine_name(proposed.rule).into(),
                rule: proposed.rule.into(),
                score: proposed.score,
            },
            status: Status::Suggested,
        });
        next_event += 1;
    }
    let mut edits = Vec::new();
    if !superseded.is_empty() {
        superseded.sort_unstable();
        superseded.dedup();
        // Suggested events lose the arguments that pointed to a replaced suggestion.
        let kept_events = doc
            .events()
            .iter()
            .filter(|e| replaced.events.binary_search(&e.id).is_err());
        for event in kept_events {
            let points_to_replaced = |a: &Argument| matches!(a.target, ArgTarget::Entity(id) if superseded.binary_search(&id).is_ok());
            if event.arguments.iter().any(points_to_replaced) {
                let mut event = event.clone();
                event.arguments.retain(|a| !points_to_replaced(a));
                edits.push(Edit::ReplaceEvent {
                    doc: doc_id.clone(),
                    event,
                });
            }
        }
        edits.push(Edit::RemoveEntities {
            doc: doc_id.clone(),
            ids: superseded,
        });
    }
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

/// Whether a dictionary proposal may replace `entity`: a suggestion of this engine that nobody
/// reviewed, which no relation and only suggested events use.
fn is_replaceable(doc: &Document, entity: &Entity) -> bool {
    let ours = is_ours(&entity.origin);
    let used_by_reviewed = doc.events().iter().any(|e| {
        e.status != Status::Suggested
            && e.arguments
                .iter()
                .any(|a| a.target == ArgTarget::Entity(entity.id))
    }) || doc
        .relations()
        .iter()
        .any(|r| r.from == entity.id || r.to == entity.id);
    entity.status == Status::Suggested && ours && !used_by_reviewed
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::annotate::ProposedEntity;
    use crate::model::{EventId, Project};

    fn entity(id: u32, span: Span, status: Status, origin: Origin) -> Entity {
        Entity {
            id: EntityId(id),
            span,
            label: "GPE".into(),
            origin,
            status,
        }
    }

    fn proposal(span: Span, rule: &'static str) -> ProposedEntity {
        ProposedEntity {
            span,
            label: "ORG",
            rule,
            score: 1.0,
        }
    }

    #[test]
    fn dictionary_proposals_replace_only_unreviewed_rule_suggestions() {
        // "Nikkei Asia" three times; the rules suggested "Asia" as GPE in each.
        let text = "Nikkei Asia said Nikkei Asia and Nikkei Asia met.";
        let nikkei = |start: usize| Span {
            start,
            end: start + 11,
        };
        let asia = |start: usize| Span {
            start: start + 7,
            end: start + 11,
        };
        let auto = || Origin::Auto {
            engine: ENGINE_NAME.into(),
            rule: "gazetteer".into(),
            score: 0.9,
        };
        let doc = Document::new("d".into(), "d.txt".into(), None, text.into()).with_annotations(
            vec![
                entity(1, asia(0), Status::Suggested, auto()),
                entity(2, asia(17), Status::Accepted, auto()),
                entity(3, asia(33), Status::Suggested, Origin::Manual),
            ],
            vec![Event {
                id: EventId(1),
                event_type: "Contact:Meet".into(),
                trigger: Span { start: 45, end: 48 },
                arguments: vec![Argument {
                    role: "Entity".into(),
                    target: ArgTarget::Entity(EntityId(1)),
                }],
                origin: auto(),
                status: Status::Suggested,
            }],
            Vec::new(),
        );
        let proposals = Proposals {
            entities: vec![
                proposal(nikkei(0), "dictionary"),
                proposal(nikkei(17), "dictionary"),
                proposal(nikkei(33), "dictionary"),
            ],
            events: Vec::new(),
        };
        let mut project = Project::new("p".into(), "ana".into(), Schema::news());
        project
            .apply(Edit::AddDocument {
                index: 0,
                document: Box::new(doc),
            })
            .unwrap();
        let edit = suggestion_edit(project.document("d").unwrap(), &proposals);
        project.apply(edit).unwrap();
        let doc = project.document("d").unwrap();
        let labelled: Vec<(&str, &str)> = doc
            .entities()
            .iter()
            .map(|e| (doc.span_text(e.span).unwrap(), e.label.as_str()))
            .collect();
        // Only the unreviewed rule suggestion gave way; the accepted and the hand-made stay.
        assert_eq!(
            labelled,
            [("Nikkei Asia", "ORG"), ("Asia", "GPE"), ("Asia", "GPE")]
        );
        assert!(doc.entity(EntityId(1)).is_none());
        assert!(doc.events()[0].arguments.is_empty());

        // A rule's proposal never replaces a suggestion.
        let mut rules = proposals.clone();
        rules.entities = vec![proposal(nikkei(17), "organisations")];
        assert_eq!(suggestion_edit(doc, &rules), Edit::Batch(Vec::new()));
    }
}
