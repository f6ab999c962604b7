//! Every change to a project is an [`Edit`]. Applying one returns its inverse, which is how
//! [`History`] undoes and redoes without snapshotting the project.

use std::collections::{HashMap, HashSet};

use super::{
    ArgTarget, DictionaryPattern, Document, Entity, EntityId, EntityLabel, Event, EventId,
    EventType, Project, Relation, RelationId, RelationType, Schema, Severity,
};

/// One change to a project. Documents are named by id. Serialisable for the app's edit journal.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum Edit {
    AddDocument {
        index: usize,
        document: Box<Document>,
    },
    RemoveDocument {
        index: usize,
    },
    SetDone {
        doc: String,
        done: bool,
    },
    AddEntity {
        doc: String,
        entity: Entity,
    },
    /// Many entities at once (pre-annotation, label-all): one sort instead of one insertion
    /// each, so a long document's suggestions apply without a pause.
    AddEntities {
        doc: String,
        entities: Vec<Entity>,
    },
    /// Refused while an event or relation points to one of them.
    RemoveEntities {
        doc: String,
        ids: Vec<EntityId>,
    },
    /// Replaces many entities by id at once (accept or reject all).
    ReplaceEntities {
        doc: String,
        entities: Vec<Entity>,
    },
    /// Many events at once; arguments may point to entities and to events of the same batch.
    AddEvents {
        doc: String,
        events: Vec<Event>,
    },
    /// Refused while an event outside the removed ones points to one of them.
    RemoveEvents {
        doc: String,
        ids: Vec<EventId>,
    },
    /// Refused while an event or relation points to the entity: see [`Edit::remove_entity`].
    RemoveEntity {
        doc: String,
        id: EntityId,
    },
    /// Replaces the entity with the same id: relabel, resize, accept, reject.
    ReplaceEntity {
        doc: String,
        entity: Entity,
    },
    AddEvent {
        doc: String,
        event: Event,
    },
    /// Refused while another event points to it: see [`Edit::remove_event`].
    RemoveEvent {
        doc: String,
        id: EventId,
    },
    /// Replaces the event with the same id: retype, arguments, accept, reject.
    ReplaceEvent {
        doc: String,
        event: Event,
    },
    AddRelation {
        doc: String,
        relation: Relation,
    },
    RemoveRelation {
        doc: String,
        id: RelationId,
    },
    /// Replaces the relation with the same id: retype, accept, reject.
    ReplaceRelation {
        doc: String,
        relation: Relation,
    },
    AddEntityLabel {
        label: EntityLabel,
    },
    /// Refused while an entity has the label.
    RemoveEntityLabel {
        name: String,
    },
    AddEventType {
        event_type: EventType,
    },
    /// Refused while an event has the type.
    RemoveEventType {
        name: String,
    },
    AddRelationType {
        relation_type: RelationType,
    },
    /// Refused while a relation has the type.
    RemoveRelationType {
        name: String,
    },
    /// Attaches the project dictionary, replacing the one attached; no patterns removes it.
    /// Refused when a pattern is empty or its label is not in the schema.
    SetDictionary {
        patterns: Vec<DictionaryPattern>,
    },
    /// Whether pre-annotation learns from the project's reviewed documents.
    SetLearning {
        enabled: bool,
    },
    /// Renames an entity label, event type or relation type everywhere it is used:
    /// annotations, the dictionary, and the schema's roles and relation types.
    RenameSchemaItem {
        item: SchemaItem,
        from: String,
        to: String,
    },
    /// Replaces the entity label of the same name: description, colour, hotkey. Refused when
    /// another label has the hotkey.
    ReplaceEntityLabel {
        label: EntityLabel,
    },
    /// Replaces the event type of the same name: description, colour, roles. Refused while an
    /// event has an argument in a role the new one lacks.
    ReplaceEventType {
        event_type: EventType,
    },
    /// Replaces the relation type of the same name: description, allowed labels.
    ReplaceRelationType {
        relation_type: RelationType,
    },
    /// Several edits applied as one: all or none, undone as one.
    Batch(Vec<Edit>),
}

/// A kind of schema item, for [`Edit::RenameSchemaItem`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum SchemaItem {
    EntityLabel,
    EventType,
    RelationType,
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum EditError {
    #[error("no document with id {0:?}")]
    NoDocument(String),
    #[error("document index {index} is past the {len} documents of the project")]
    NoDocumentIndex { index: usize, len: usize },
    #[error("a document with id {0:?} is already in the project")]
    DocumentIdTaken(String),
    #[error("document {doc:?} has no {what}")]
    NotFound { doc: String, what: String },
    #[error("document {doc:?} already has an annotation with id {what}")]
    IdTaken { doc: String, what: String },
    #[error("{what} in document {doc:?} is still used by {user}")]
    InUse {
        doc: String,
        what: String,
        user: String,
    },
    #[error("the schema has no {0}")]
    NotInSchema(String),
    #[error("the schema already has {0:?}")]
    AlreadyInSchema(String),
    #[error("a label, event type or relation type needs a name")]
    EmptyName,
    #[error("{0:?} is still used by annotations")]
    SchemaItemInUse(String),
    #[error("label {0:?} is still used by the project dictionary")]
    LabelInDictionary(String),
    #[error("{0}")]
    Dictionary(String),
    #[error("document {doc:?}: {message}")]
    Invalid { doc: String, message: String },
    #[error("hotkey {key:?} is already {label:?}'s")]
    HotkeyTaken { key: char, label: String },
    #[error("{0}")]
    StillReferenced(String),
    #[error(
        "only some of the project's documents are loaded, so only edits inside a document are possible (not to the document list, schema, dictionary or settings)"
    )]
    Partial,
}

impl Edit {
    /// Whether the edit changes the content of documents only: not the document list, the
    /// schema, the dictionary or the settings, which a partial project cannot change.
    pub fn is_within_documents(&self) -> bool {
        match self {
            Edit::Batch(edits) => edits.iter().all(Edit::is_within_documents),
            Edit::SetDone { .. }
            | Edit::AddEntity { .. }
            | Edit::AddEntities { .. }
            | Edit::RemoveEntities { .. }
            | Edit::ReplaceEntities { .. }
            | Edit::AddEvents { .. }
            | Edit::RemoveEvents { .. }
            | Edit::RemoveEntity { .. }
            | Edit::ReplaceEntity { .. }
            | Edit::AddEvent { .. }
            | Edit::RemoveEvent { .. }
            | Edit::ReplaceEvent { .. }
            | Edit::AddRelation { .. }
            | Edit::RemoveRelation { .. }
            | Edit::ReplaceRelation { .. } => true,
            Edit::AddDocument { .. }
            | Edit::RemoveDocument { .. }
            | Edit::AddEntityLabel { .. }
            | Edit::RemoveEntityLabel { .. }
            | Edit::AddEventType { .. }
            | Edit::RemoveEventType { .. }
            | Edit::AddRelationType { .. }
            | Edit::RemoveRelationType { .. }
            | Edit::SetDictionary { .. }
            | Edit::SetLearning { .. }
            | Edit::RenameSchemaItem { .. }
            | Edit::ReplaceEntityLabel { .. }
            | Edit::ReplaceEventType { .. }
            | Edit::ReplaceRelationType { .. } => false,
        }
    }

    /// Removes an entity and everything that points to it (event arguments, relations), as
    /// one undoable edit.
    pub fn remove_entity(doc: &Document, id: EntityId) -> Edit {
        let doc_id = doc.id().to_owned();
        let mut edits = Vec::new();
        for event in doc.events() {
            if event
                .arguments
                .iter()
                .any(|a| a.target == ArgTarget::Entity(id))
            {
                let mut event = event.clone();
                event
                    .arguments
                    .retain(|a| a.target != ArgTarget::Entity(id));
                edits.push(Edit::ReplaceEvent {
                    doc: doc_id.clone(),
                    event,
                });
            }
        }
        for relation in doc.relations() {
            if relation.from == id || relation.to == id {
                edits.push(Edit::RemoveRelation {
                    doc: doc_id.clone(),
                    id: relation.id,
                });
            }
        }
        edits.push(Edit::RemoveEntity { doc: doc_id, id });
        Edit::Batch(edits)
    }

    /// Removes entities `ids` of `doc` and everything that points to them (event arguments,
    /// relations), as one edit.
    pub fn remove_entities(doc: &Document, ids: &[EntityId]) -> Edit {
        let doc_id = doc.id().to_owned();
        let gone = |target: ArgTarget| matches!(target, ArgTarget::Entity(id) if ids.contains(&id));
        let mut edits: Vec<Edit> = doc
            .events()
            .iter()
            .filter(|e| e.arguments.iter().any(|a| gone(a.target)))
            .map(|e| {
                let mut event = e.clone();
                event.arguments.retain(|a| !gone(a.target));
                Edit::ReplaceEvent {
                    doc: doc_id.clone(),
                    event,
                }
            })
            .collect();
        edits.extend(
            doc.relations()
                .iter()
                .filter(|r| ids.contains(&r.from) || ids.contains(&r.to))
                .map(|r| Edit::RemoveRelation {
                    doc: doc_id.clone(),
                    id: r.id,
                }),
        );
        edits.push(Edit::RemoveEntities {
            doc: doc_id,
            ids: ids.to_vec(),
        });
        Edit::Batch(edits)
    }

    /// Relabels every `from` entity `into` and removes `from`, as one edit; the dictionary and
    /// the schema's roles and relation types follow.
    pub fn merge_entity_label(project: &Project, from: &str, into: &str) -> Edit {
        let mut edits = Self::label_references(project, from, Some(into));
        for doc in project.documents() {
            let relabelled: Vec<Entity> = doc
                .entities()
                .iter()
                .filter(|e| e.label == from)
                .map(|e| Entity {
                    label: into.to_owned(),
                    ..e.clone()
                })
                .collect();
            if !relabelled.is_empty() {
                edits.push(Edit::ReplaceEntities {
                    doc: doc.id().to_owned(),
                    entities: relabelled,
                });
            }
        }
        edits.push(Edit::RemoveEntityLabel {
            name: from.to_owned(),
        });
        Edit::Batch(edits)
    }

    /// Removes label `name` with every entity that has it (and what points to those), as one
    /// edit; its dictionary patterns go, and roles and relation types stop naming it.
    pub fn delete_entity_label(project: &Project, name: &str) -> Edit {
        let mut edits = Self::label_references(project, name, None);
        for doc in project.documents() {
            let ids: Vec<EntityId> = doc
                .entities()
                .iter()
                .filter(|e| e.label == name)
                .map(|e| e.id)
                .collect();
            if !ids.is_empty() {
                edits.push(Self::remove_entities(doc, &ids));
            }
        }
        edits.push(Edit::RemoveEntityLabel {
            name: name.to_owned(),
        });
        Edit::Batch(edits)
    }

    /// The edits that make the dictionary, roles and relation types name `into` instead of
    /// `label` (or drop it, with `None`).
    fn label_references(project: &Project, label: &str, into: Option<&str>) -> Vec<Edit> {
        let swap = |labels: &[String]| -> Vec<String> {
            let mut out: Vec<String> = Vec::new();
            for l in labels {
                let l = if l == label { into } else { Some(l.as_str()) };
                if let Some(l) = l.filter(|l| !out.iter().any(|o| o == l)) {
                    out.push(l.to_owned());
                }
            }
            out
        };
        let mut edits = Vec::new();
        let schema = project.schema();
        for event_type in &schema.event_types {
            if event_type
                .roles
                .iter()
                .any(|r| r.labels.iter().any(|l| l == label))
            {
                let mut event_type = event_type.clone();
                for role in &mut event_type.roles {
                    role.labels = swap(&role.labels);
                }
                edits.push(Edit::ReplaceEventType { event_type });
            }
        }
        for relation_type in &schema.relation_types {
            if relation_type
                .from
                .iter()
                .chain(&relation_type.to)
                .any(|l| l == label)
            {
                let mut relation_type = relation_type.clone();
                relation_type.from = swap(&relation_type.from);
                relation_type.to = swap(&relation_type.to);
                edits.push(Edit::ReplaceRelationType { relation_type });
            }
        }
        if project.dictionary().iter().any(|p| p.label == label) {
            let patterns = project
                .dictionary()
                .iter()
                .filter_map(|p| match into {
                    _ if p.label != label => Some(p.clone()),
                    Some(into) => Some(DictionaryPattern {
                        label: into.to_owned(),
                        ..p.clone()
                    }),
                    None => None,
                })
                .collect();
            edits.push(Edit::SetDictionary { patterns });
        }
        edits
    }

    /// The edit that adds to `current` what `other` defines and it lacks (labels first, then
    /// event types and relation types, which may name them), and the names both define
    /// differently, which stay as `current` has them.
    pub fn add_schema(current: &Schema, other: &Schema) -> (Edit, Vec<String>) {
        let mut edits = Vec::new();
        let mut differ = Vec::new();
        for label in &other.entity_labels {
            match current.entity_label(&label.name) {
                None => edits.push(Edit::AddEntityLabel {
                    label: EntityLabel {
                        // A hotkey ours already uses is left for the annotator to choose.
                        hotkey: label.hotkey.filter(|k| {
                            !current.entity_labels.iter().any(|l| l.hotkey == Some(*k))
                        }),
                        ..label.clone()
                    },
                }),
                Some(ours) if ours != label => differ.push(label.name.clone()),
                Some(_) => {}
            }
        }
        for event_type in &other.event_types {
            match current.event_type(&event_type.name) {
                None => edits.push(Edit::AddEventType {
                    event_type: event_type.clone(),
                }),
                Some(ours) if ours != event_type => differ.push(event_type.name.clone()),
                Some(_) => {}
            }
        }
        for relation_type in &other.relation_types {
            match current.relation_type(&relation_type.name) {
                None => edits.push(Edit::AddRelationType {
                    relation_type: relation_type.clone(),
                }),
                Some(ours) if ours != relation_type => differ.push(relation_type.name.clone()),
                Some(_) => {}
            }
        }
        (Edit::Batch(edits), differ)
    }

    /// Removes an event and the arguments of other events that point to it, as one edit.
    pub fn remove_event(doc: &Document, id: EventId) -> Edit {
        let doc_id = doc.id().to_owned();
        let mut edits = Vec::new();
        for event in doc.events() {
            if event.id != id
                && event
                    .arguments
                    .iter()
                    .any(|a| a.target == ArgTarget::Event(id))
            {
                let mut event = event.clone();
                event.arguments.retain(|a| a.target != ArgTarget::Event(id));
                edits.push(Edit::ReplaceEvent {
                    doc: doc_id.clone(),
                    event,
                });
            }
        }
        edits.push(Edit::RemoveEvent { doc: doc_id, id });
        Edit::Batch(edits)
    }
}

impl Project {
    /// Applies `edit` and returns the edit that undoes it. On error nothing has changed.
    pub fn apply(&mut self, edit: Edit) -> Result<Edit, EditError> {
        // Checks against the documents present (a label still in use, an id taken) would
        // be wrong for the others, and the manifest that would record such a change is not
        // written.
        if !edit.is_within_documents() {
            if self.changes.partial {
                return Err(EditError::Partial);
            }
            self.changes.manifest = true;
        }
        match edit {
            Edit::Batch(edits) => {
                let mut inverses = Vec::with_capacity(edits.len());
                for edit in edits {
                    match self.apply(edit) {
                        Ok(inverse) => inverses.push(inverse),
                        Err(e) => {
                            for inverse in inverses.into_iter().rev() {
                                self.apply(inverse)
                                    .expect("the inverse of an applied edit applies");
                            }
                            return Err(e);
                        }
                    }
                }
                inverses.reverse();
                Ok(Edit::Batch(inverses))
            }
            Edit::AddDocument { index, document } => {
                if index > self.documents.len() {
                    return Err(EditError::NoDocumentIndex {
                        index,
                        len: self.documents.len(),
                    });
                }
                if self.document(document.id()).is_some() {
                    return Err(EditError::DocumentIdTaken(document.id().to_owned()));
                }
                let errors: Vec<String> = document
                    .problems(&self.schema)
                    .into_iter()
                    .filter(|p| p.severity == Severity::Error)
                    .map(|p| p.to_string())
                    .collect();
                if !errors.is_empty() {
                    return Err(EditError::Invalid {
                        doc: document.name().to_owned(),
                        message: errors.join("; "),
                    });
                }
                let mut document = *document;
                document.normalize_order();
                self.changes.docs.insert(document.id.clone());
                self.documents.insert(index, document);
                self.reindex_from(index);
                Ok(Edit::RemoveDocument { index })
            }
            Edit::RemoveDocument { index } => {
                if index >= self.documents.len() {
                    return Err(EditError::NoDocumentIndex {
                        index,
                        len: self.documents.len(),
                    });
                }
                let document = Box::new(self.documents.remove(index));
                self.changes.docs.insert(document.id.clone());
                if self.position(&document.id) == Some(index) {
                    self.positions.remove(&document.id);
                }
                self.reindex_from(index);
                Ok(Edit::AddDocument { index, document })
            }
            Edit::SetDone { doc, done } => {
                let d = self.doc_mut(&doc)?;
                let was = std::mem::replace(&mut d.done, done);
                Ok(Edit::SetDone { doc, done: was })
            }
            Edit::AddEntity { doc, entity } => {
                self.check_entity(&doc, &entity)?;
                let d = self.doc_mut(&doc)?;
                if d.entity(entity.id).is_some() {
                    return Err(EditError::IdTaken {
                        doc,
                        what: entity.id.to_string(),
                    });
                }
                let id = entity.id;
                let slot = d.entity_slot(entity.span, id);
                d.entities.insert(slot, entity);
                Ok(Edit::RemoveEntity { doc, id })
            }
            Edit::RemoveEntity { doc, id } => {
                let d = self.doc_mut(&doc)?;
                let Some(pos) = d.entities.iter().position(|e| e.id == id) else {
                    return Err(EditError::NotFound {
                        doc,
                        what: id.to_string(),
                    });
                };
                let user = d
                    .events
                    .iter()
                    .find(|e| {
                        e.arguments
                            .iter()
                            .any(|a| a.target == ArgTarget::Entity(id))
                    })
                    .map(|e| e.id.to_string())
                    .or_else(|| {
                        d.relations
                            .iter()
                            .find(|r| r.from == id || r.to == id)
                            .map(|r| r.id.to_string())
                    });
                if let Some(user) = user {
                    return Err(EditError::InUse {
                        doc,
                        what: id.to_string(),
                        user,
                    });
                }
                let entity = d.entities.remove(pos);
                Ok(Edit::AddEntity { doc, entity })
            }
            Edit::AddEntities { doc, entities } => {
                for entity in &entities {
                    self.check_entity(&doc, entity)?;
                }
                let d = self.doc_mut(&doc)?;
                let mut ids: HashSet<EntityId> = d.entities.iter().map(|e| e.id).collect();
                if let Some(e) = entities.iter().find(|e| !ids.insert(e.id)) {
                    return Err(EditError::IdTaken {
                        doc,
                        what: e.id.to_string(),
                    });
                }
                let added = entities.iter().map(|e| e.id).collect();
                d.entities.extend(entities);
                d.entities.sort_by_key(|e| (e.span, e.id));
                Ok(Edit::RemoveEntities { doc, ids: added })
            }
            Edit::RemoveEntities { doc, ids } => {
                let d = self.doc_mut(&doc)?;
                let wanted: HashSet<EntityId> = ids.iter().copied().collect();
                let present = d.entities.iter().filter(|e| wanted.contains(&e.id)).count();
                if present != ids.len() {
                    return Err(EditError::NotFound {
                        doc,
                        what: "one of the entities (or one listed twice)".to_owned(),
                    });
                }
                let user = d
                    .events
                    .iter()
                    .find(|e| {
                        e.arguments.iter().any(
                            |a| matches!(a.target, ArgTarget::Entity(id) if wanted.contains(&id)),
                        )
                    })
                    .map(|e| e.id.to_string())
                    .or_else(|| {
                        d.relations
                            .iter()
                            .find(|r| wanted.contains(&r.from) || wanted.contains(&r.to))
                            .map(|r| r.id.to_string())
                    });
                if let Some(user) = user {
                    return Err(EditError::InUse {
                        doc,
                        what: "an entity".to_owned(),
                        user,
                    });
                }
                let (removed, kept) = std::mem::take(&mut d.entities)
                    .into_iter()
                    .partition(|e| wanted.contains(&e.id));
                d.entities = kept;
                Ok(Edit::AddEntities {
                    doc,
                    entities: removed,
                })
            }
            Edit::ReplaceEntities { doc, entities } => {
                for entity in &entities {
                    self.check_entity(&doc, entity)?;
                }
                let d = self.doc_mut(&doc)?;
                let present: HashSet<EntityId> = d.entities.iter().map(|e| e.id).collect();
                if let Some(e) = entities.iter().find(|e| !present.contains(&e.id)) {
                    return Err(EditError::NotFound {
                        doc,
                        what: e.id.to_string(),
                    });
                }
                let mut new: HashMap<EntityId, Entity> =
                    entities.into_iter().map(|e| (e.id, e)).collect();
                let mut old = Vec::with_capacity(new.len());
                for slot in &mut d.entities {
                    if let Some(entity) = new.remove(&slot.id) {
                        old.push(std::mem::replace(slot, entity));
                    }
                }
                d.entities.sort_by_key(|e| (e.span, e.id));
                Ok(Edit::ReplaceEntities { doc, entities: old })
            }
            Edit::AddEvents { doc, events } => {
                let d = self
                    .document(&doc)
                    .ok_or_else(|| EditError::NoDocument(doc.clone()))?;
                let entity_ids: HashSet<EntityId> = d.entities.iter().map(|e| e.id).collect();
                let mut event_ids: HashSet<EventId> = d.events.iter().map(|e| e.id).collect();
                if let Some(e) = events.iter().find(|e| !event_ids.insert(e.id)) {
                    return Err(EditError::IdTaken {
                        doc,
                        what: e.id.to_string(),
                    });
                }
                for event in &events {
                    self.check_event_with(&doc, event, |target| match target {
                        ArgTarget::Entity(id) => entity_ids.contains(&id),
                        ArgTarget::Event(id) => id != event.id && event_ids.contains(&id),
                    })?;
                }
                let added = events.iter().map(|e| e.id).collect();
                let d = self.doc_mut(&doc)?;
                d.events.extend(events);
                d.events.sort_by_key(|e| (e.trigger, e.id));
                Ok(Edit::RemoveEvents { doc, ids: added })
            }
            Edit::RemoveEvents { doc, ids } => {
                let d = self.doc_mut(&doc)?;
                let wanted: HashSet<EventId> = ids.iter().copied().collect();
                let present = d.events.iter().filter(|e| wanted.contains(&e.id)).count();
                if present != ids.len() {
                    return Err(EditError::NotFound {
                        doc,
                        what: "one of the events (or one listed twice)".to_owned(),
                    });
                }
                let user = d.events.iter().find(|e| {
                    !wanted.contains(&e.id)
                        && e.arguments.iter().any(
                            |a| matches!(a.target, ArgTarget::Event(id) if wanted.contains(&id)),
                        )
                });
                if let Some(user) = user {
                    return Err(EditError::InUse {
                        doc,
                        what: "an event".to_owned(),
                        user: user.id.to_string(),
                    });
                }
                let (removed, kept) = std::mem::take(&mut d.events)
                    .into_iter()
                    .partition(|e| wanted.contains(&e.id));
                d.events = kept;
                Ok(Edit::AddEvents {
                    doc,
                    events: removed,
                })
            }
            Edit::ReplaceEntity { doc, entity } => {
                self.check_entity(&doc, &entity)?;
                let d = self.doc_mut(&doc)?;
                let Some(pos) = d.entities.iter().position(|e| e.id == entity.id) else {
                    return Err(EditError::NotFound {
                        doc,
                        what: entity.id.to_string(),
                    });
                };
                let old = d.entities.remove(pos);
                let slot = d.entity_slot(entity.span, entity.id);
                d.entities.insert(slot, entity);
                Ok(Edit::ReplaceEntity { doc, entity: old })
            }
            Edit::AddEvent { doc, event } => {
                self.check_event(&doc, &event)?;
                let d = self.doc_mut(&doc)?;
                if d.event(event.id).is_some() {
                    return Err(EditError::IdTaken {
                        doc,
                        what: event.id.to_string(),
                    });
                }
                let id = event.id;
                let slot = d.event_slot(event.trigger, id);
                d.events.insert(slot, event);
                Ok(Edit::RemoveEvent { doc, id })
            }
            Edit::RemoveEvent { doc, id } => {
                let d = self.doc_mut(&doc)?;
                let Some(pos) = d.events.iter().position(|e| e.id == id) else {
                    return Err(EditError::NotFound {
                        doc,
                        what: id.to_string(),
                    });
                };
                if let Some(user) = d.events.iter().find(|e| {
                    e.id != id && e.arguments.iter().any(|a| a.target == ArgTarget::Event(id))
                }) {
                    return Err(EditError::InUse {
                        doc,
                        what: id.to_string(),
                        user: user.id.to_string(),
                    });
                }
                let event = d.events.remove(pos);
                Ok(Edit::AddEvent { doc, event })
            }
            Edit::ReplaceEvent { doc, event } => {
                self.check_event(&doc, &event)?;
                let d = self.doc_mut(&doc)?;
                let Some(pos) = d.events.iter().position(|e| e.id == event.id) else {
                    return Err(EditError::NotFound {
                        doc,
                        what: event.id.to_string(),
                    });
                };
                let old = d.events.remove(pos);
                let slot = d.event_slot(event.trigger, event.id);
                d.events.insert(slot, event);
                Ok(Edit::ReplaceEvent { doc, event: old })
            }
            Edit::AddRelation { doc, relation } => {
                if self.schema.relation_type(&relation.relation_type).is_none() {
                    return Err(EditError::NotInSchema(format!(
                        "relation type {:?}",
                        relation.relation_type
                    )));
                }
                let d = self.doc_mut(&doc)?;
                for end in [relation.from, relation.to] {
                    if d.entity(end).is_none() {
                        return Err(EditError::NotFound {
                            doc,
                            what: end.to_string(),
                        });
                    }
                }
                if d.relation(relation.id).is_some() {
                    return Err(EditError::IdTaken {
                        doc,
                        what: relation.id.to_string(),
                    });
                }
                let id = relation.id;
                let slot = d.relation_slot(id);
                d.relations.insert(slot, relation);
                Ok(Edit::RemoveRelation { doc, id })
            }
            Edit::RemoveRelation { doc, id } => {
                let d = self.doc_mut(&doc)?;
                let Some(pos) = d.relations.iter().position(|r| r.id == id) else {
                    return Err(EditError::NotFound {
                        doc,
                        what: id.to_string(),
                    });
                };
                let relation = d.relations.remove(pos);
                Ok(Edit::AddRelation { doc, relation })
            }
            Edit::ReplaceRelation { doc, relation } => {
                if self.schema.relation_type(&relation.relation_type).is_none() {
                    return Err(EditError::NotInSchema(format!(
                        "relation type {:?}",
                        relation.relation_type
                    )));
                }
                let d = self.doc_mut(&doc)?;
                for end in [relation.from, relation.to] {
                    if d.entity(end).is_none() {
                        return Err(EditError::NotFound {
                            doc,
                            what: end.to_string(),
                        });
                    }
                }
                let Some(slot) = d.relations.iter_mut().find(|r| r.id == relation.id) else {
                    return Err(EditError::NotFound {
                        doc,
                        what: relation.id.to_string(),
                    });
                };
                let old = std::mem::replace(slot, relation);
                Ok(Edit::ReplaceRelation { doc, relation: old })
            }
            Edit::AddEntityLabel { label } => {
                self.check_new_schema_name(&label.name)?;
                let name = label.name.clone();
                self.schema.entity_labels.push(label);
                Ok(Edit::RemoveEntityLabel { name })
            }
            Edit::RemoveEntityLabel { name } => {
                let Some(pos) = self
                    .schema
                    .entity_labels
                    .iter()
                    .position(|l| l.name == name)
                else {
                    return Err(EditError::NotInSchema(format!("entity label {name:?}")));
                };
                if self
                    .documents
                    .iter()
                    .any(|d| d.entities.iter().any(|e| e.label == name))
                {
                    return Err(EditError::SchemaItemInUse(name));
                }
                if self.dictionary.iter().any(|p| p.label == name) {
                    return Err(EditError::LabelInDictionary(name));
                }
                // A role or relation type naming a missing label makes the project invalid.
                let named = self
                    .schema
                    .event_types
                    .iter()
                    .find(|t| t.roles.iter().any(|r| r.labels.contains(&name)))
                    .map(|t| t.name.clone())
                    .or_else(|| {
                        self.schema
                            .relation_types
                            .iter()
                            .find(|t| t.from.contains(&name) || t.to.contains(&name))
                            .map(|t| t.name.clone())
                    });
                if let Some(user) = named {
                    return Err(EditError::StillReferenced(format!(
                        "{user} still names label {name:?}"
                    )));
                }
                let label = self.schema.entity_labels.remove(pos);
                Ok(Edit::AddEntityLabel { label })
            }
            Edit::SetDictionary { patterns } => {
                if let Some(problem) = patterns
                    .iter()
                    .enumerate()
                    .find_map(|(i, p)| p.problem(i, &self.schema))
                {
                    return Err(EditError::Dictionary(problem));
                }
                let old = std::mem::replace(&mut self.dictionary, patterns);
                Ok(Edit::SetDictionary { patterns: old })
            }
            Edit::SetLearning { enabled } => {
                let was = std::mem::replace(&mut self.learning, enabled);
                Ok(Edit::SetLearning { enabled: was })
            }
            Edit::AddEventType { event_type } => {
                self.check_new_schema_name(&event_type.name)?;
                let name = event_type.name.clone();
                self.schema.event_types.push(event_type);
                Ok(Edit::RemoveEventType { name })
            }
            Edit::RemoveEventType { name } => {
                let Some(pos) = self.schema.event_types.iter().position(|t| t.name == name) else {
                    return Err(EditError::NotInSchema(format!("event type {name:?}")));
                };
                if self
                    .documents
                    .iter()
                    .any(|d| d.events.iter().any(|e| e.event_type == name))
                {
                    return Err(EditError::SchemaItemInUse(name));
                }
                let event_type = self.schema.event_types.remove(pos);
                Ok(Edit::AddEventType { event_type })
            }
            Edit::AddRelationType { relation_type } => {
                if relation_type.name.trim().is_empty() {
                    return Err(EditError::EmptyName);
                }
                if self.schema.relation_type(&relation_type.name).is_some() {
                    return Err(EditError::AlreadyInSchema(relation_type.name));
                }
                let name = relation_type.name.clone();
                self.schema.relation_types.push(relation_type);
                Ok(Edit::RemoveRelationType { name })
            }
            Edit::RemoveRelationType { name } => {
                let Some(pos) = self
                    .schema
                    .relation_types
                    .iter()
                    .position(|t| t.name == name)
                else {
                    return Err(EditError::NotInSchema(format!("relation type {name:?}")));
                };
                if self
                    .documents
                    .iter()
                    .any(|d| d.relations.iter().any(|r| r.relation_type == name))
                {
                    return Err(EditError::SchemaItemInUse(name));
                }
                let relation_type = self.schema.relation_types.remove(pos);
                Ok(Edit::AddRelationType { relation_type })
            }
            Edit::RenameSchemaItem { item, from, to } => {
                self.rename_schema_item(item, &from, &to)?;
                Ok(Edit::RenameSchemaItem {
                    item,
                    from: to,
                    to: from,
                })
            }
            Edit::ReplaceEntityLabel { label } => {
                if let Some(key) = label.hotkey
                    && let Some(other) = self
                        .schema
                        .entity_labels
                        .iter()
                        .find(|l| l.name != label.name && l.hotkey == Some(key))
                {
                    return Err(EditError::HotkeyTaken {
                        key,
                        label: other.name.clone(),
                    });
                }
                let Some(slot) = self
                    .schema
                    .entity_labels
                    .iter_mut()
                    .find(|l| l.name == label.name)
                else {
                    return Err(EditError::NotInSchema(format!(
                        "entity label {:?}",
                        label.name
                    )));
                };
                let old = std::mem::replace(slot, label);
                Ok(Edit::ReplaceEntityLabel { label: old })
            }
            Edit::ReplaceEventType { event_type } => {
                let lost_role = self.documents.iter().find_map(|d| {
                    d.events
                        .iter()
                        .filter(|e| e.event_type == event_type.name)
                        .flat_map(|e| &e.arguments)
                        .find(|a| event_type.role(&a.role).is_none())
                        .map(|a| a.role.clone())
                });
                if let Some(role) = lost_role {
                    return Err(EditError::StillReferenced(format!(
                        "role {role:?} of {:?} still has arguments",
                        event_type.name
                    )));
                }
                let Some(slot) = self
                    .schema
                    .event_types
                    .iter_mut()
                    .find(|t| t.name == event_type.name)
                else {
                    return Err(EditError::NotInSchema(format!(
                        "event type {:?}",
                        event_type.name
                    )));
                };
                let old = std::mem::replace(slot, event_type);
                Ok(Edit::ReplaceEventType { event_type: old })
            }
            Edit::ReplaceRelationType { relation_type } => {
                let Some(slot) = self
                    .schema
                    .relation_types
                    .iter_mut()
                    .find(|t| t.name == relation_type.name)
                else {
                    return Err(EditError::NotInSchema(format!(
                        "relation type {:?}",
                        relation_type.name
                    )));
                };
                let old = std::mem::replace(slot, relation_type);
                Ok(Edit::ReplaceRelationType { relation_type: old })
            }
        }
    }

    /// Renames `from` to `to` in the schema and everywhere the name is used.
    fn rename_schema_item(
        &mut self,
        item: SchemaItem,
        from: &str,
        to: &str,
    ) -> Result<(), EditError> {
        let rename = |name: &mut String| {
            if name == from {
                *name = to.to_owned();
            }
        };
        match item {
            SchemaItem::EntityLabel | SchemaItem::EventType => self.check_new_schema_name(to)?,
            SchemaItem::RelationType => {
                if to.trim().is_empty() {
                    return Err(EditError::EmptyName);
                }
                if self.schema.relation_type(to).is_some() {
                    return Err(EditError::AlreadyInSchema(to.to_owned()));
                }
            }
        }
        match item {
            SchemaItem::EntityLabel => {
                let Some(label) = self
                    .schema
                    .entity_labels
                    .iter_mut()
                    .find(|l| l.name == from)
                else {
                    return Err(EditError::NotInSchema(format!("entity label {from:?}")));
                };
                label.name = to.to_owned();
                for event_type in &mut self.schema.event_types {
                    event_type
                        .roles
                        .iter_mut()
                        .flat_map(|r| &mut r.labels)
                        .for_each(rename);
                }
                for relation_type in &mut self.schema.relation_types {
                    relation_type
                        .from
                        .iter_mut()
                        .chain(&mut relation_type.to)
                        .for_each(rename);
                }
                self.dictionary
                    .iter_mut()
                    .for_each(|p| rename(&mut p.label));
                for doc in &mut self.documents {
                    self.changes.docs.insert(doc.id.clone());
                    doc.entities.iter_mut().for_each(|e| rename(&mut e.label));
                }
            }
            SchemaItem::EventType => {
                let Some(event_type) = self.schema.event_types.iter_mut().find(|t| t.name == from)
                else {
                    return Err(EditError::NotInSchema(format!("event type {from:?}")));
                };
                event_type.name = to.to_owned();
                // Nested events: a role may accept an event type.
                for event_type in &mut self.schema.event_types {
                    event_type
                        .roles
                        .iter_mut()
                        .flat_map(|r| &mut r.labels)
                        .for_each(rename);
                }
                for doc in &mut self.documents {
                    self.changes.docs.insert(doc.id.clone());
                    doc.events
                        .iter_mut()
                        .for_each(|e| rename(&mut e.event_type));
                }
            }
            SchemaItem::RelationType => {
                let Some(relation_type) = self
                    .schema
                    .relation_types
                    .iter_mut()
                    .find(|t| t.name == from)
                else {
                    return Err(EditError::NotInSchema(format!("relation type {from:?}")));
                };
                relation_type.name = to.to_owned();
                for doc in &mut self.documents {
                    self.changes.docs.insert(doc.id.clone());
                    doc.relations
                        .iter_mut()
                        .for_each(|r| rename(&mut r.relation_type));
                }
            }
        }
        Ok(())
    }

    fn doc_mut(&mut self, id: &str) -> Result<&mut Document, EditError> {
        let i = self
            .position(id)
            .ok_or_else(|| EditError::NoDocument(id.to_owned()))?;
        self.changes.docs.insert(id.to_owned());
        Ok(&mut self.documents[i])
    }

    fn check_new_schema_name(&self, name: &str) -> Result<(), EditError> {
        if name.trim().is_empty() {
            return Err(EditError::EmptyName);
        }
        if self.schema.entity_label(name).is_some() || self.schema.event_type(name).is_some() {
            return Err(EditError::AlreadyInSchema(name.to_owned()));
        }
        Ok(())
    }

    fn check_entity(&self, doc: &str, entity: &Entity) -> Result<(), EditError> {
        let d = self
            .document(doc)
            .ok_or_else(|| EditError::NoDocument(doc.to_owned()))?;
        if self.schema.entity_label(&entity.label).is_none() {
            return Err(EditError::NotInSchema(format!(
                "entity label {:?}",
                entity.label
            )));
        }
        entity
            .span
            .check(d.text.len_chars())
            .map_err(|e| EditError::Invalid {
                doc: doc.to_owned(),
                message: format!("entity {}: {e}", entity.id),
            })
    }

    fn check_event(&self, doc: &str, event: &Event) -> Result<(), EditError> {
        let d = self
            .document(doc)
            .ok_or_else(|| EditError::NoDocument(doc.to_owned()))?;
        self.check_event_with(doc, event, |target| match target {
            ArgTarget::Entity(id) => d.entity(id).is_some(),
            ArgTarget::Event(id) => id != event.id && d.event(id).is_some(),
        })
    }

    /// Checks an event's type, trigger and arguments; `exists` says whether a target resolves.
    fn check_event_with(
        &self,
        doc: &str,
        event: &Event,
        exists: impl Fn(ArgTarget) -> bool,
    ) -> Result<(), EditError> {
        let d = self
            .document(doc)
            .ok_or_else(|| EditError::NoDocument(doc.to_owned()))?;
        if self.schema.event_type(&event.event_type).is_none() {
            return Err(EditError::NotInSchema(format!(
                "event type {:?}",
                event.event_type
            )));
        }
        event
            .trigger
            .check(d.text.len_chars())
            .map_err(|e| EditError::Invalid {
                doc: doc.to_owned(),
                message: format!("event {} trigger: {e}", event.id),
            })?;
        for arg in &event.arguments {
            if !exists(arg.target) {
                return Err(EditError::NotFound {
                    doc: doc.to_owned(),
                    what: format!(
                        "{} for argument {}",
                        super::document::target_name(arg.target),
                        arg.role
                    ),
                });
            }
        }
        Ok(())
    }
}

/// Undo and redo stacks of inverse edits. Not saved with the project.
#[derive(Debug, Default)]
pub struct History {
    undo: Vec<Edit>,
    redo: Vec<Edit>,
}

impl History {
    /// Applies `edit` to `project` and records it; a new edit clears the redo stack.
    pub fn apply(&mut self, project: &mut Project, edit: Edit) -> Result<(), EditError> {
        let inverse = project.apply(edit)?;
        self.undo.push(inverse);
        self.redo.clear();
        Ok(())
    }

    /// Undoes the last edit and returns the edit it applied (for the journal); `None` when
    /// there is nothing to undo.
    pub fn undo(&mut self, project: &mut Project) -> Result<Option<Edit>, EditError> {
        Self::step(project, &mut self.undo, &mut self.redo)
    }

    /// Redoes the last undone edit and returns the edit it applied; `None` when there is
    /// nothing to redo.
    pub fn redo(&mut self, project: &mut Project) -> Result<Option<Edit>, EditError> {
        Self::step(project, &mut self.redo, &mut self.undo)
    }

    fn step(
        project: &mut Project,
        from: &mut Vec<Edit>,
        to: &mut Vec<Edit>,
    ) -> Result<Option<Edit>, EditError> {
        let Some(edit) = from.pop() else {
            return Ok(None);
        };
        match project.apply(edit.clone()) {
            Ok(inverse) => {
                to.push(inverse);
                Ok(Some(edit))
            }
            Err(e) => {
                from.push(edit);
                Err(e)
            }
        }
    }

    pub fn can_undo(&self) -> bool {
        !self.undo.is_empty()
    }

    pub fn can_redo(&self) -> bool {
        !self.redo.is_empty()
    }
}
