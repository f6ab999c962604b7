//! Entities, events and relations: what an annotator (or the engine) says about a span.

use compact_str::CompactString;
use serde::{Deserialize, Serialize};

use super::Span;

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident, $prefix:literal) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub u32);

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                write!(f, concat!($prefix, "{}"), self.0)
            }
        }
    };
}

id_type!(
    /// Identifies an entity within its document (`T3` when displayed, as brat does).
    EntityId, "T"
);
id_type!(
    /// Identifies an event within its document (`E3`).
    EventId, "E"
);
id_type!(
    /// Identifies a relation within its document (`R3`).
    RelationId, "R"
);

/// Where an annotation came from, so the app can explain it and exports can filter on it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Origin {
    /// Proposed by the pre-annotation engine: which engine, which rule or lexicon, how sure.
    Auto {
        engine: CompactString,
        rule: CompactString,
        score: f32,
    },
    /// Made by hand in tagdesk.
    Manual,
    /// Read from a file (gold corpus, brat, doccano…): `source` names the file.
    Imported { source: String },
}

/// Review state. Suggestions wait for the annotator; rejected ones are kept so they are never
/// proposed again, and never exported.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Status {
    Suggested,
    Accepted,
    Rejected,
}

impl Status {
    pub const ALL: [Status; 3] = [Status::Suggested, Status::Accepted, Status::Rejected];

    pub fn name(self) -> &'static str {
        match self {
            Status::Suggested => "suggested",
            Status::Accepted => "accepted",
            Status::Rejected => "rejected",
        }
    }
}

/// A labelled span. Entities may overlap and nest.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Entity {
    pub id: EntityId,
    pub span: Span,
    pub label: String,
    pub origin: Origin,
    pub status: Status,
}

/// What an event argument points to: an entity, or another event (brat's nested events, e.g.
/// the event a Report is about).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ArgTarget {
    Entity(EntityId),
    Event(EventId),
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Argument {
    pub role: String,
    pub target: ArgTarget,
}

/// An event: a trigger span typed `Type:Subtype`, with arguments by role.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Event {
    pub id: EventId,
    #[serde(rename = "type")]
    pub event_type: String,
    pub trigger: Span,
    #[serde(default)]
    pub arguments: Vec<Argument>,
    pub origin: Origin,
    pub status: Status,
}

/// A typed, directed link between two entities.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Relation {
    pub id: RelationId,
    #[serde(rename = "type")]
    pub relation_type: String,
    pub from: EntityId,
    pub to: EntityId,
    pub origin: Origin,
    pub status: Status,
}
