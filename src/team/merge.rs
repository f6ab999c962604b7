//! Merging annotators' projects into one curation project: for each document (matched by text
//! hash) several annotators had, what every one of them accepted identically is accepted
//! (origin: imported, "agreed by …"); what only some did becomes a suggestion whose origin says
//! who (`Auto`, engine `annotators`, rule their names, score the share of annotators who
//! agree), for a curator to take or leave. A document only one annotator had is carried over as
//! it is. The schemas are joined: what one annotator added is added and reported. Nothing is
//! dropped silently: what annotators left unreviewed or rejected is counted in the report.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::model::{
    ArgTarget, Argument, Document, Edit, Entity, EntityId, Event, EventId, Origin, Project,
    Relation, RelationId, Span, Status,
};

/// The engine name of a disputed annotation's origin.
pub const ANNOTATORS: &str = "annotators";

/// What a merge did.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct MergeReport {
    pub documents: usize,
    /// Documents several annotators had.
    pub shared: usize,
    /// Documents one annotator had, carried over as they are.
    pub carried: usize,
    pub agreed: Counts,
    pub disputed: Counts,
    /// Per annotator, what of theirs in shared documents was not accepted work and stays out:
    /// unreviewed suggestions and rejections.
    pub left_out: BTreeMap<String, usize>,
    /// Schema definitions added from annotators' schemas, and those they define differently
    /// (the first project's kept).
    pub schema_added: usize,
    pub schema_differ: Vec<String>,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    pub entities: usize,
    pub events: usize,
    pub relations: usize,
}

type EntityKey = (Span, String);

/// Merges `projects` (annotators `names`) into a curation project called `name`.
pub fn merge(
    projects: &[Project],
    names: &[String],
    name: &str,
) -> Result<(Project, MergeReport), String> {
    let Some(first) = projects.first() else {
        return Err("name at least one project".into());
    };
    let mut report = MergeReport::default();
    let mut merged = Project::new(name.to_owned(), "curation".into(), first.schema().clone())
        .with_dictionary(first.dictionary().to_vec())
        .with_learning(first.learning());
    for other in &projects[1..] {
        let (edit, differ) = Edit::add_schema(merged.schema(), other.schema());
        if let Edit::Batch(edits) = &edit {
            report.schema_added += edits.len();
        }
        merged.apply(edit).map_err(|e| e.to_string())?;
        for d in differ {
            if !report.schema_differ.contains(&d) {
                report.schema_differ.push(d);
            }
        }
    }
    // Documents by text hash, in first appearance.
    let mut order: Vec<&str> = Vec::new();
    let mut owners: BTreeMap<&str, Vec<(usize, &Document)>> = BTreeMap::new();
    for (p, project) in projects.iter().enumerate() {
        for doc in project.documents() {
            let list = owners.entry(doc.text_hash()).or_insert_with(|| {
                order.push(doc.text_hash());
                Vec::new()
            });
            list.push((p, doc));
        }
    }
    let mut new_ids = crate::model::NewIds::default();
    for hash in order {
        let docs = &owners[hash];
        let document = if docs.len() == 1 {
            report.carried += 1;
            docs[0].1.clone()
        } else {
            report.shared += 1;
            merge_document(docs, names, &mut report)
        };
        let id = new_ids.claim(&merged, document.id());
        let index = merged.documents().len();
        merged
            .apply(Edit::AddDocument {
                index,
                document: Box::new(document.with_id(id)),
            })
            .map_err(|e| e.to_string())?;
    }
    report.documents = merged.documents().len();
    Ok((merged, report))
}

/// Who made an annotation, of `k` annotators: all (accepted), or some (a suggestion saying who).
fn verdict(makers: &[usize], names: &[String], k: usize) -> (Origin, Status) {
    let who: Vec<&str> = makers.iter().map(|&a| names[a].as_str()).collect();
    if makers.len() == k {
        (
            Origin::Imported {
                source: format!("agreed by {}", who.join(", ")),
            },
            Status::Accepted,
        )
    } else {
        (
            Origin::Auto {
                engine: ANNOTATORS.into(),
                rule: who.join(", ").into(),
                score: makers.len() as f32 / k as f32,
            },
            Status::Suggested,
        )
    }
}

fn merge_document(
    docs: &[(usize, &Document)],
    names: &[String],
    report: &mut MergeReport,
) -> Document {
    let k = docs.len();
    let base = docs[0].1;
    let key_of = |doc: &Document, id: EntityId| -> Option<EntityKey> {
        doc.entity(id).map(|e| (e.span, e.label.clone()))
    };
    // Each annotation, by what makes two the same, with who made it.
    let mut entities: BTreeMap<EntityKey, Vec<usize>> = BTreeMap::new();
    type EventKey = (Span, String, Vec<(String, EntityKey)>);
    let mut events: BTreeMap<EventKey, Vec<usize>> = BTreeMap::new();
    let mut relations: BTreeMap<(String, EntityKey, EntityKey), Vec<usize>> = BTreeMap::new();
    for &(a, doc) in docs {
        let left_out = report.left_out.entry(names[a].clone()).or_default();
        for e in doc.entities() {
            if e.status == Status::Accepted {
                entities
                    .entry((e.span, e.label.clone()))
                    .or_default()
                    .push(a);
            } else {
                *left_out += 1;
            }
        }
        for e in doc.events() {
            if e.status != Status::Accepted {
                *left_out += 1;
                continue;
            }
            let mut arguments: Vec<(String, EntityKey)> = e
                .arguments
                .iter()
                .filter_map(|arg| match arg.target {
                    ArgTarget::Entity(id) => Some((arg.role.clone(), key_of(doc, id)?)),
                    // Nested events are carried by the document of whoever made them.
                    ArgTarget::Event(_) => None,
                })
                .collect();
            arguments.sort();
            events
                .entry((e.trigger, e.event_type.clone(), arguments))
                .or_default()
                .push(a);
        }
        for r in doc.relations() {
            if r.status != Status::Accepted {
                *left_out += 1;
                continue;
            }
            if let (Some(from), Some(to)) = (key_of(doc, r.from), key_of(doc, r.to)) {
                relations
                    .entry((r.relation_type.clone(), from, to))
                    .or_default()
                    .push(a);
            }
        }
    }
    // An argument or relation end needs its entity, even if only someone else accepted it.
    let mut needed: Vec<EntityKey> = events
        .keys()
        .flat_map(|(_, _, args)| args.iter().map(|(_, e)| e.clone()))
        .chain(
            relations
                .keys()
                .flat_map(|(_, from, to)| [from.clone(), to.clone()]),
        )
        .collect();
    needed.sort();
    needed.dedup();
    for key in needed {
        entities.entry(key).or_default();
    }
    let mut ids: BTreeMap<EntityKey, EntityId> = BTreeMap::new();
    let mut out_entities = Vec::new();
    for (n, (key, makers)) in entities.into_iter().enumerate() {
        let id = EntityId(n as u32 + 1);
        let (origin, status) = verdict(&makers, names, k);
        count(report, status == Status::Accepted, |c| c.entities += 1);
        out_entities.push(Entity {
            id,
            span: key.0,
            label: key.1.clone(),
            origin,
            status,
        });
        ids.insert(key, id);
    }
    let mut out_events = Vec::new();
    for (n, ((trigger, event_type, arguments), makers)) in events.into_iter().enumerate() {
        let (origin, status) = verdict(&makers, names, k);
        count(report, status == Status::Accepted, |c| c.events += 1);
        out_events.push(Event {
            id: EventId(n as u32 + 1),
            event_type,
            trigger,
            arguments: arguments
                .into_iter()
                .map(|(role, key)| Argument {
                    role,
                    target: ArgTarget::Entity(ids[&key]),
                })
                .collect(),
            origin,
            status,
        });
    }
    let mut out_relations = Vec::new();
    for (n, ((relation_type, from, to), makers)) in relations.into_iter().enumerate() {
        let (origin, status) = verdict(&makers, names, k);
        count(report, status == Status::Accepted, |c| c.relations += 1);
        out_relations.push(Relation {
            id: RelationId(n as u32 + 1),
            relation_type,
            from: ids[&from],
            to: ids[&to],
            origin,
            status,
        });
    }
    Document::new(
        base.id().to_owned(),
        base.name().to_owned(),
        base.source().cloned(),
        base.text().to_owned(),
    )
    .with_meta(base.meta().clone())
    .with_annotations(out_entities, out_events, out_relations)
}

fn count(report: &mut MergeReport, agreed: bool, add: impl Fn(&mut Counts)) {
    if agreed {
        add(&mut report.agreed);
    } else {
        add(&mut report.disputed);
    }
}
