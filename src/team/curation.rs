//! Reading a curation project (made by [`super::merge`]): who made each annotation, where
//! annotators disagree, how much they agree per label, and the edits that take one
//! annotator's version.

use crate::model::{
    Document, Edit, Entity, EntityId, Event, Origin, Project, Relation, Span, Status,
};

use super::merge::ANNOTATORS;

/// The annotators an annotation's origin names: all of them for an agreed one (`agreed by
/// ana, ben`), those who made it for a disputed one; `None` for any other origin.
pub fn makers(origin: &Origin) -> Option<Vec<&str>> {
    let list = match origin {
        Origin::Imported { source } => source.strip_prefix("agreed by ")?,
        Origin::Auto { engine, rule, .. } if engine == ANNOTATORS => rule.as_str(),
        _ => return None,
    };
    Some(list.split(", ").filter(|s| !s.is_empty()).collect())
}

/// The annotators a curation project names, in order of first appearance; empty for any
/// other project.
pub fn annotators(project: &Project) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for doc in project.documents() {
        for e in doc.entities() {
            for name in makers(&e.origin).into_iter().flatten() {
                if !names.iter().any(|n| n == name) {
                    names.push(name.to_owned());
                }
            }
        }
    }
    names
}

/// Whether an annotation is one annotator's part of a disagreement still to settle.
fn disputed(status: Status, origin: &Origin) -> bool {
    status == Status::Suggested
        && matches!(origin, Origin::Auto { engine, .. } if engine == ANNOTATORS)
}

/// The document's disputed events (a trigger, type or argument not everyone gave).
pub fn disputed_events(doc: &Document) -> usize {
    doc.events()
        .iter()
        .filter(|e| disputed(e.status, &e.origin))
        .count()
}

/// One disagreement: overlapping disputed entities, each one annotator's (or several's)
/// version.
#[derive(Clone, Debug, PartialEq)]
pub struct Dispute {
    pub span: Span,
    pub versions: Vec<EntityId>,
}

/// The document's disagreements, by position: disputed entities grouped while they overlap.
pub fn disputes(doc: &Document) -> Vec<Dispute> {
    let mut out: Vec<Dispute> = Vec::new();
    for e in doc
        .entities()
        .iter()
        .filter(|e| disputed(e.status, &e.origin))
    {
        match out.last_mut() {
            Some(last) if last.span.overlaps(e.span) => {
                last.span = Span {
                    start: last.span.start.min(e.span.start),
                    end: last.span.end.max(e.span.end),
                };
                last.versions.push(e.id);
            }
            _ => out.push(Dispute {
                span: e.span,
                versions: vec![e.id],
            }),
        }
    }
    out
}

/// Takes version `id` of its disagreement: accepted, and the disputed entities it overlaps
/// rejected, as one edit.
pub fn take(doc: &Document, id: EntityId) -> Edit {
    let Some(chosen) = doc.entity(id).map(|e| e.span) else {
        return Edit::Batch(Vec::new());
    };
    settle(doc, |e| e.span.overlaps(chosen).then_some(e.id == id))
}

/// Takes `annotator`'s version of the whole document: their disputed entities, events and
/// relations accepted, the others' rejected, as one edit.
pub fn take_version(doc: &Document, annotator: &str) -> Edit {
    let theirs = |origin: &Origin| makers(origin).is_some_and(|m| m.contains(&annotator));
    let verdict = |yes: bool| {
        if yes {
            Status::Accepted
        } else {
            Status::Rejected
        }
    };
    let mut edits = vec![settle(doc, |e| Some(theirs(&e.origin)))];
    for e in doc
        .events()
        .iter()
        .filter(|e| disputed(e.status, &e.origin))
    {
        edits.push(Edit::ReplaceEvent {
            doc: doc.id().to_owned(),
            event: Event {
                status: verdict(theirs(&e.origin)),
                ..e.clone()
            },
        });
    }
    for r in doc
        .relations()
        .iter()
        .filter(|r| disputed(r.status, &r.origin))
    {
        edits.push(Edit::ReplaceRelation {
            doc: doc.id().to_owned(),
            relation: Relation {
                status: verdict(theirs(&r.origin)),
                ..r.clone()
            },
        });
    }
    Edit::Batch(edits)
}

/// Accepts or rejects each disputed entity as `keep` says (`None`: left as it is).
fn settle(doc: &Document, keep: impl Fn(&Entity) -> Option<bool>) -> Edit {
    let entities = doc
        .entities()
        .iter()
        .filter(|e| disputed(e.status, &e.origin))
        .filter_map(|e| {
            let status = if keep(e)? {
                Status::Accepted
            } else {
                Status::Rejected
            };
            Some(Entity {
                status,
                ..e.clone()
            })
        })
        .collect();
    Edit::ReplaceEntities {
        doc: doc.id().to_owned(),
        entities,
    }
}

/// Per label and pair of annotators, the exact-span F1 a curation project records: an
/// annotation counts for each annotator its origin names.
#[derive(Clone, Debug, PartialEq)]
pub struct LabelTable {
    pub pairs: Vec<(String, String)>,
    /// Rows: (label, F1 per pair, in `pairs` order).
    pub rows: Vec<(String, Vec<f64>)>,
}

pub fn label_table(project: &Project) -> LabelTable {
    let names = annotators(project);
    let pairs: Vec<(usize, usize)> = (0..names.len())
        .flat_map(|a| (a + 1..names.len()).map(move |b| (a, b)))
        .collect();
    let mut labels: Vec<String> = Vec::new();
    // Per label and pair: (a's, b's, both).
    let mut counts: Vec<Vec<(usize, usize, usize)>> = Vec::new();
    for doc in project.documents() {
        for e in doc.entities() {
            let Some(made) = makers(&e.origin) else {
                continue;
            };
            let row = match labels.iter().position(|l| *l == e.label) {
                Some(row) => row,
                None => {
                    labels.push(e.label.clone());
                    counts.push(vec![(0, 0, 0); pairs.len()]);
                    labels.len() - 1
                }
            };
            for (k, &(a, b)) in pairs.iter().enumerate() {
                let (has_a, has_b) = (
                    made.contains(&names[a].as_str()),
                    made.contains(&names[b].as_str()),
                );
                let c = &mut counts[row][k];
                c.0 += usize::from(has_a);
                c.1 += usize::from(has_b);
                c.2 += usize::from(has_a && has_b);
            }
        }
    }
    let f1 = |(a, b, both): (usize, usize, usize)| {
        if a + b == 0 {
            1.0
        } else {
            2.0 * both as f64 / (a + b) as f64
        }
    };
    let mut rows: Vec<(String, Vec<f64>)> = labels
        .into_iter()
        .zip(counts)
        .map(|(label, c)| (label, c.into_iter().map(f1).collect()))
        .collect();
    rows.sort_by(|x, y| x.0.cmp(&y.0));
    LabelTable {
        pairs: pairs
            .into_iter()
            .map(|(a, b)| (names[a].clone(), names[b].clone()))
            .collect(),
        rows,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Schema;
    use crate::team::merge::merge;

    fn project(annotator: &str, entities: &[(usize, usize, &str)]) -> Project {
        let mut p = Project::new("p".into(), annotator.into(), Schema::news());
        let list = entities
            .iter()
            .enumerate()
            .map(|(k, &(s, e, label))| Entity {
                id: EntityId(k as u32 + 1),
                span: Span { start: s, end: e },
                label: label.into(),
                origin: Origin::Manual,
                status: Status::Accepted,
            })
            .collect();
        let doc = Document::new(
            "d".into(),
            "d.txt".into(),
            None,
            "Park met Hanbit in Seoul.".into(),
        )
        .with_annotations(list, Vec::new(), Vec::new());
        p.apply(Edit::AddDocument {
            index: 0,
            document: Box::new(doc),
        })
        .unwrap();
        p
    }

    #[test]
    fn disagreements_are_found_taken_and_tabled() {
        // Both: Park PER, Seoul GPE; ana: Hanbit ORG, ben: Hanbit PER.
        let ana = project("ana", &[(0, 4, "PER"), (9, 15, "ORG"), (19, 24, "GPE")]);
        let ben = project("ben", &[(0, 4, "PER"), (9, 15, "PER"), (19, 24, "GPE")]);
        let names = vec!["ana".to_owned(), "ben".to_owned()];
        let (mut merged, _) = merge(&[ana, ben], &names, "c").unwrap();
        assert_eq!(annotators(&merged), names);
        let doc = merged.documents()[0].clone();
        let found = disputes(&doc);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].span, Span { start: 9, end: 15 });
        assert_eq!(found[0].versions.len(), 2);
        let table = label_table(&merged);
        assert_eq!(table.pairs, [("ana".to_owned(), "ben".to_owned())]);
        let row = |l: &str| table.rows.iter().find(|r| r.0 == l).unwrap().1[0];
        assert_eq!((row("GPE"), row("ORG")), (1.0, 0.0));
        assert!((row("PER") - 2.0 / 3.0).abs() < 1e-9);
        // Take ben's version of the dispute: his accepted, ana's rejected.
        let bens = found[0]
            .versions
            .iter()
            .copied()
            .find(|&id| doc.entity(id).unwrap().label == "PER")
            .unwrap();
        merged.apply(take(&doc, bens)).unwrap();
        let doc = &merged.documents()[0];
        assert!(disputes(doc).is_empty());
        assert_eq!(doc.entity(bens).unwrap().status, Status::Accepted);
        // The whole document as ana has it, undone by its inverse like any edit.
        let mut other = merged.clone();
        let inverse = other
            .apply(take_version(&other.documents()[0].clone(), "ana"))
            .unwrap();
        other.apply(inverse).unwrap();
        assert_eq!(other, merged);
    }

    #[test]
    fn taking_a_version_settles_its_events_too() {
        // Only ana saw a meeting at "met", with Park as its entity.
        let mut ana = project("ana", &[(0, 4, "PER")]);
        let doc = ana.documents()[0].id().to_owned();
        let meet = Event {
            id: crate::model::EventId(1),
            event_type: "Contact:Meet".into(),
            trigger: Span { start: 5, end: 8 },
            arguments: vec![crate::model::Argument {
                role: "Entity".into(),
                target: crate::model::ArgTarget::Entity(EntityId(1)),
            }],
            origin: Origin::Manual,
            status: Status::Accepted,
        };
        ana.apply(Edit::AddEvent { doc, event: meet }).unwrap();
        let ben = project("ben", &[(0, 4, "PER")]);
        let names = vec!["ana".to_owned(), "ben".to_owned()];
        let (merged, _) = merge(&[ana, ben], &names, "c").unwrap();
        let doc = &merged.documents()[0];
        assert_eq!(disputed_events(doc), 1);
        for (who, status) in [("ana", Status::Accepted), ("ben", Status::Rejected)] {
            let mut taken = merged.clone();
            taken.apply(take_version(doc, who)).unwrap();
            let doc = &taken.documents()[0];
            assert_eq!(disputed_events(doc), 0);
            assert_eq!(doc.events()[0].status, status, "{who}'s version");
        }
    }
}
