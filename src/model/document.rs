//! One document: an immutable text and the annotations on it.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::PathBuf;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::{
    ArgTarget, Entity, EntityId, Event, EventId, Relation, RelationId, Schema, Span, TextIndex,
};

/// The format a document was imported from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum SourceFormat {
    PlainText,
    Markdown,
    Html,
    Jsonl,
}

/// Where a document's text came from.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Source {
    pub path: PathBuf,
    pub format: SourceFormat,
}

/// `sha256:` and the hex digest of the text's UTF-8 bytes.
pub fn text_hash(text: &str) -> String {
    let digest = Sha256::digest(text.as_bytes());
    let mut hex = String::with_capacity(7 + 64);
    hex.push_str("sha256:");
    for byte in digest {
        hex.push_str(&format!("{byte:02x}"));
    }
    hex
}

/// A document: its text never changes after import, so offsets stay valid; annotations change
/// only through [`crate::model::Edit`]s applied by the project.
///
/// Entities are kept sorted by span then id, events by trigger then id, relations by id, so the
/// same annotations always serialise the same way and undo restores the exact order.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Document {
    pub(super) id: String,
    pub(super) name: String,
    #[serde(default)]
    pub(super) source: Option<Source>,
    #[serde(with = "text_serde")]
    pub(super) text: TextIndex,
    pub(super) text_hash: String,
    #[serde(default)]
    pub(super) entities: Vec<Entity>,
    #[serde(default)]
    pub(super) events: Vec<Event>,
    #[serde(default)]
    pub(super) relations: Vec<Relation>,
    #[serde(default)]
    pub(super) done: bool,
    /// Free metadata carried from corpora (`meta` of JSONL lines); non-string values as JSON.
    #[serde(default)]
    pub(super) meta: BTreeMap<String, String>,
}

/// A [`Document`] as it serialises, with another text in place of its own (see
/// [`Document::with_text`]); the fields and their order are the document's.
#[derive(Serialize)]
pub struct WithText<'a> {
    id: &'a str,
    name: &'a str,
    source: &'a Option<Source>,
    text: &'a str,
    text_hash: &'a str,
    entities: &'a [Entity],
    events: &'a [Event],
    relations: &'a [Relation],
    done: bool,
    meta: &'a BTreeMap<String, String>,
}

mod text_serde {
    use super::TextIndex;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(text: &TextIndex, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(text.text())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<TextIndex, D::Error> {
        Ok(TextIndex::new(String::deserialize(d)?))
    }
}

/// How bad a [`Problem`] is: errors make a project refuse to load, warnings are reported.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Warning,
    Error,
}

/// One thing wrong in a project, located by document name and char offset where it has one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    pub severity: Severity,
    pub document: Option<String>,
    pub char_offset: Option<usize>,
    pub message: String,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.severity == Severity::Warning {
            write!(f, "warning: ")?;
        }
        match (&self.document, self.char_offset) {
            (Some(doc), Some(offset)) => write!(f, "document {doc:?}, char {offset}: ")?,
            (Some(doc), None) => write!(f, "document {doc:?}: ")?,
            _ => {}
        }
        f.write_str(&self.message)
    }
}

impl Document {
    /// The document serialised with `text` standing in for its text, so that a save can
    /// write the text its own faster way (see `formats::folder`).
    pub fn with_text<'a>(&'a self, text: &'a str) -> WithText<'a> {
        WithText {
            id: &self.id,
            name: &self.name,
            source: &self.source,
            text,
            text_hash: &self.text_hash,
            entities: &self.entities,
            events: &self.events,
            relations: &self.relations,
            done: self.done,
            meta: &self.meta,
        }
    }

    /// A document with no annotations. `id` must be unique within its project.
    pub fn new(id: String, name: String, source: Option<Source>, text: String) -> Self {
        let text_hash = text_hash(&text);
        Self {
            id,
            name,
            source,
            text: TextIndex::new(text),
            text_hash,
            entities: Vec::new(),
            events: Vec::new(),
            relations: Vec::new(),
            done: false,
            meta: BTreeMap::new(),
        }
    }

    /// Adds annotations to a document being built (by an importer) before it joins a project;
    /// the project validates them when the document is added.
    pub fn with_annotations(
        mut self,
        entities: Vec<Entity>,
        events: Vec<Event>,
        relations: Vec<Relation>,
    ) -> Self {
        self.entities = entities;
        self.events = events;
        self.relations = relations;
        self.normalize_order();
        self
    }

    /// The same document under another id (to keep ids unique within a project).
    pub fn with_id(mut self, id: String) -> Self {
        self.id = id;
        self
    }

    pub fn with_meta(mut self, meta: BTreeMap<String, String>) -> Self {
        self.meta = meta;
        self
    }

    pub fn id(&self) -> &str {
        &self.id
    }
    pub fn name(&self) -> &str {
        &self.name
    }
    pub fn source(&self) -> Option<&Source> {
        self.source.as_ref()
    }
    pub fn text(&self) -> &str {
        self.text.text()
    }
    pub fn index(&self) -> &TextIndex {
        &self.text
    }
    pub fn text_hash(&self) -> &str {
        &self.text_hash
    }
    pub fn entities(&self) -> &[Entity] {
        &self.entities
    }
    pub fn events(&self) -> &[Event] {
        &self.events
    }
    pub fn relations(&self) -> &[Relation] {
        &self.relations
    }
    pub fn is_done(&self) -> bool {
        self.done
    }
    pub fn meta(&self) -> &BTreeMap<String, String> {
        &self.meta
    }

    pub fn entity(&self, id: EntityId) -> Option<&Entity> {
        self.entities.iter().find(|e| e.id == id)
    }
    pub fn event(&self, id: EventId) -> Option<&Event> {
        self.events.iter().find(|e| e.id == id)
    }
    pub fn relation(&self, id: RelationId) -> Option<&Relation> {
        self.relations.iter().find(|r| r.id == id)
    }

    /// The text of a span, or `None` if it is out of bounds.
    pub fn span_text(&self, span: Span) -> Option<&str> {
        self.text.slice_chars(span.start, span.end)
    }

    /// An id no entity of this document has.
    pub fn next_entity_id(&self) -> EntityId {
        EntityId(self.entities.iter().map(|e| e.id.0 + 1).max().unwrap_or(1))
    }
    pub fn next_event_id(&self) -> EventId {
        EventId(self.events.iter().map(|e| e.id.0 + 1).max().unwrap_or(1))
    }
    pub fn next_relation_id(&self) -> RelationId {
        RelationId(self.relations.iter().map(|r| r.id.0 + 1).max().unwrap_or(1))
    }

    pub(super) fn normalize_order(&mut self) {
        self.entities.sort_by_key(|e| (e.span, e.id));
        self.events.sort_by_key(|e| (e.trigger, e.id));
        self.relations.sort_by_key(|r| r.id);
    }

    /// Where an entity with this span and id belongs in the sorted list.
    pub(super) fn entity_slot(&self, span: Span, id: EntityId) -> usize {
        self.entities
            .partition_point(|e| (e.span, e.id) < (span, id))
    }
    pub(super) fn event_slot(&self, trigger: Span, id: EventId) -> usize {
        self.events
            .partition_point(|e| (e.trigger, e.id) < (trigger, id))
    }
    pub(super) fn relation_slot(&self, id: RelationId) -> usize {
        self.relations.partition_point(|r| r.id < id)
    }

    /// Every problem of this document against `schema`. Errors: text changed under its hash,
    /// spans out of bounds, duplicate ids, unknown labels or types, references that do not
    /// resolve. Warnings: arguments whose role or target does not fit the event type.
    pub fn problems(&self, schema: &Schema) -> Vec<Problem> {
        let mut problems = Vec::new();
        let mut report = |severity, offset: Option<usize>, message: String| {
            problems.push(Problem {
                severity,
                document: Some(self.name.clone()),
                char_offset: offset,
                message,
            })
        };
        use Severity::{Error, Warning};

        let actual_hash = text_hash(self.text());
        if actual_hash != self.text_hash {
            report(
                Error,
                None,
                format!(
                    "the text does not match its hash (stored {}, actual {actual_hash}): it was \
                     changed outside tagdesk, so the offsets of its annotations cannot be trusted",
                    self.text_hash
                ),
            );
        }
        let len = self.text.len_chars();
        let mut entity_labels: HashMap<EntityId, &str> = HashMap::new();
        for entity in &self.entities {
            if let Err(e) = entity.span.check(len) {
                report(
                    Error,
                    Some(entity.span.start),
                    format!("entity {}: {e}", entity.id),
                );
            }
            if schema.entity_label(&entity.label).is_none() {
                report(
                    Error,
                    Some(entity.span.start),
                    format!(
                        "entity {} has label {:?}, which the schema does not define",
                        entity.id, entity.label
                    ),
                );
            }
            if entity_labels.insert(entity.id, &entity.label).is_some() {
                report(
                    Error,
                    Some(entity.span.start),
                    format!("entity id {} is used twice", entity.id),
                );
            }
        }
        let event_types: HashMap<EventId, &str> = self
            .events
            .iter()
            .map(|e| (e.id, e.event_type.as_str()))
            .collect();
        let mut event_ids = HashSet::new();
        for event in &self.events {
            let at = Some(event.trigger.start);
            if !event_ids.insert(event.id) {
                report(Error, at, format!("event id {} is used twice", event.id));
            }
            if let Err(e) = event.trigger.check(len) {
                report(Error, at, format!("event {} trigger: {e}", event.id));
            }
            let event_type = schema.event_type(&event.event_type);
            if event_type.is_none() {
                report(
                    Error,
                    at,
                    format!(
                        "event {} has type {:?}, which the schema does not define",
                        event.id, event.event_type
                    ),
                );
            }
            for arg in &event.arguments {
                let target_label = match arg.target {
                    ArgTarget::Entity(id) => entity_labels.get(&id).copied(),
                    ArgTarget::Event(id) => event_types.get(&id).copied(),
                };
                let Some(target_label) = target_label else {
                    report(
                        Error,
                        at,
                        format!(
                            "event {} argument {} points to {}, which does not exist",
                            event.id,
                            arg.role,
                            target_name(arg.target)
                        ),
                    );
                    continue;
                };
                if arg.target == ArgTarget::Event(event.id) {
                    report(Error, at, format!("event {} is its own argument", event.id));
                }
                let Some(event_type) = event_type else {
                    continue;
                };
                match event_type.role(&arg.role) {
                    None => report(
                        Warning,
                        at,
                        format!(
                            "event {} ({}) has argument role {:?}, which that type does not have",
                            event.id, event_type.name, arg.role
                        ),
                    ),
                    Some(role) if !role.accepts(target_label) => report(
                        Warning,
                        at,
                        format!(
                            "event {} role {} points to a {target_label}, which that role does not take",
                            event.id, arg.role
                        ),
                    ),
                    Some(_) => {}
                }
            }
            if let Some(event_type) = event_type {
                for role in &event_type.roles {
                    let count = event
                        .arguments
                        .iter()
                        .filter(|a| a.role == role.name)
                        .count();
                    if !role.count.allows(count) {
                        report(
                            Warning,
                            at,
                            format!(
                                "event {} has {count} {} argument(s); {} allows {:?}",
                                event.id, role.name, event_type.name, role.count
                            ),
                        );
                    }
                }
            }
        }
        let mut relation_ids = HashSet::new();
        for relation in &self.relations {
            if !relation_ids.insert(relation.id) {
                report(
                    Error,
                    None,
                    format!("relation id {} is used twice", relation.id),
                );
            }
            if schema.relation_type(&relation.relation_type).is_none() {
                report(
                    Error,
                    None,
                    format!(
                        "relation {} has type {:?}, which the schema does not define",
                        relation.id, relation.relation_type
                    ),
                );
            }
            for end in [relation.from, relation.to] {
                if !entity_labels.contains_key(&end) {
                    report(
                        Error,
                        None,
                        format!(
                            "relation {} points to {end}, which does not exist",
                            relation.id
                        ),
                    );
                }
            }
        }
        problems
    }
}

pub(super) fn target_name(target: ArgTarget) -> String {
    match target {
        ArgTarget::Entity(id) => id.to_string(),
        ArgTarget::Event(id) => id.to_string(),
    }
}
