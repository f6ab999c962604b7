//! Relations between entities in the app: start one from an entity (Ctrl+J, or the menu), pick
//! the entity it goes to by clicking it or by putting the selection on it and pressing Ctrl+J
//! again; the type is the last one used if it fits the two labels, else the schema's first
//! that does, and Ctrl+Shift+J (or the relations list) changes it. Every step is an edit.

use super::TagdeskApp;
use crate::model::{Edit, EntityId, Origin, Relation, RelationType, Status};
use crate::ui::AnnotationRef;

impl TagdeskApp {
    /// Ctrl+J: with no relation started, starts one from the selected entity (or the entity
    /// at the selection); with one started, ends it at the entity at the selection.
    pub(super) fn relation_at_selection(&mut self) {
        let at_selection = self.entity_at_selection().map(|e| e.id);
        match self.relation_from {
            Some(from) => match at_selection {
                Some(to) => {
                    self.relation_from = None;
                    self.create_relation(from, to);
                }
                None => self.report_error(
                    "Put the selection on the entity the relation goes to, or click it (Esc cancels)"
                        .into(),
                ),
            },
            None => {
                let selected = match self.selected {
                    Some(AnnotationRef::Entity(id)) => Some(id),
                    _ => None,
                };
                let Some(from) = selected.or(at_selection) else {
                    self.report_error("Select the entity the relation starts from first".into());
                    return;
                };
                self.relation_from = Some(from);
                let text = self.entity_text(from);
                self.report(format!(
                    "Relation from “{text}”: click the entity it goes to, or select it and press Ctrl+J (Esc cancels)"
                ));
            }
        }
    }

    fn entity_text(&self, id: EntityId) -> String {
        self.project
            .documents()
            .get(self.current)
            .and_then(|d| d.entity(id).and_then(|e| d.span_text(e.span)))
            .unwrap_or_default()
            .to_owned()
    }

    /// The relation types of the schema that may go from `from` to `to`, by their labels.
    fn fitting_types(&self, from: EntityId, to: EntityId) -> Vec<&RelationType> {
        let Some(doc) = self.project.documents().get(self.current) else {
            return Vec::new();
        };
        let (Some(a), Some(b)) = (doc.entity(from), doc.entity(to)) else {
            return Vec::new();
        };
        self.project
            .schema()
            .relation_types
            .iter()
            .filter(|t| t.fits(&a.label, &b.label))
            .collect()
    }

    /// Adds a relation from `from` to `to`, of the last type used if it fits, else the first
    /// that does, and selects it.
    pub(super) fn create_relation(&mut self, from: EntityId, to: EntityId) {
        if from == to {
            self.report_error("A relation joins two different entities".into());
            return;
        }
        let fitting: Vec<String> = self
            .fitting_types(from, to)
            .iter()
            .map(|t| t.name.clone())
            .collect();
        let chosen = fitting
            .iter()
            .find(|t| self.last_relation_type.as_ref() == Some(*t))
            .or(fitting.first())
            .cloned();
        let Some(relation_type) = chosen else {
            let (a, b) = (self.entity_label(from), self.entity_label(to));
            self.report_error(format!(
                "No relation type of the schema goes from {a} to {b}"
            ));
            return;
        };
        let Some(doc) = self.project.documents().get(self.current) else {
            return;
        };
        let relation = Relation {
            id: doc.next_relation_id(),
            relation_type: relation_type.clone(),
            from,
            to,
            origin: Origin::Manual,
            status: Status::Accepted,
        };
        let (doc_id, id) = (doc.id().to_owned(), relation.id);
        if self.apply(Edit::AddRelation {
            doc: doc_id,
            relation,
        }) {
            self.selected = Some(AnnotationRef::Relation(id));
            self.last_relation_type = Some(relation_type.clone());
            let others = fitting.len().saturating_sub(1);
            self.report(if others > 0 {
                format!(
                    "{relation_type} added; Ctrl+Shift+J for the other {others} type(s) that fit"
                )
            } else {
                format!("{relation_type} added")
            });
        }
    }

    fn entity_label(&self, id: EntityId) -> String {
        self.project
            .documents()
            .get(self.current)
            .and_then(|d| d.entity(id))
            .map(|e| e.label.clone())
            .unwrap_or_default()
    }

    /// Ctrl+Shift+J: the selected relation takes the next type that fits its two entities.
    pub(super) fn cycle_relation_type(&mut self) {
        let Some(AnnotationRef::Relation(id)) = self.selected else {
            self.report_error("Select a relation first (in the relations list)".into());
            return;
        };
        let Some(relation) = self
            .project
            .documents()
            .get(self.current)
            .and_then(|d| d.relation(id))
            .cloned()
        else {
            return;
        };
        let names: Vec<String> = self
            .fitting_types(relation.from, relation.to)
            .iter()
            .map(|t| t.name.clone())
            .collect();
        let at = names.iter().position(|n| *n == relation.relation_type);
        let next = at.map_or(0, |k| (k + 1) % names.len().max(1));
        let Some(name) = names.get(next).filter(|n| **n != relation.relation_type) else {
            self.report("No other relation type fits these two entities".into());
            return;
        };
        self.retype_relation(relation, name.clone());
    }

    /// Gives `relation` the type `name`, as one edit.
    pub(super) fn retype_relation(&mut self, relation: Relation, name: String) {
        let Some(doc) = self.project.documents().get(self.current) else {
            return;
        };
        let doc = doc.id().to_owned();
        let relation = Relation {
            relation_type: name.clone(),
            ..relation
        };
        if self.apply(Edit::ReplaceRelation { doc, relation }) {
            self.last_relation_type = Some(name.clone());
            self.report(format!("Relation retyped {name}"));
        }
    }

    /// The relation types that fit a relation's two entities, for the relations list.
    pub fn relation_choices(&self, relation: &Relation) -> Vec<String> {
        self.fitting_types(relation.from, relation.to)
            .iter()
            .map(|t| t.name.clone())
            .collect()
    }
}
