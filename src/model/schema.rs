//! What may be annotated: entity labels, event types with their roles, relation types.

use serde::{Deserialize, Serialize};

/// A colour written `"#rrggbb"` in project and schema files.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Rgb(pub [u8; 3]);

impl Rgb {
    pub fn parse(hex: &str) -> Option<Self> {
        let digits = hex.strip_prefix('#')?;
        if digits.len() != 6 || !digits.is_ascii() {
            return None;
        }
        let byte = |i: usize| u8::from_str_radix(&digits[i..i + 2], 16).ok();
        Some(Self([byte(0)?, byte(2)?, byte(4)?]))
    }
}

impl std::fmt::Display for Rgb {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let [r, g, b] = self.0;
        write!(f, "#{r:02x}{g:02x}{b:02x}")
    }
}

impl Serialize for Rgb {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Rgb {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        Rgb::parse(&text).ok_or_else(|| {
            serde::de::Error::custom(format!("colour {text:?} is not of the form \"#rrggbb\""))
        })
    }
}

/// Colour given to labels that arrive without one (imports that extend the schema).
pub const DEFAULT_LABEL_COLOR: Rgb = Rgb([0xc8, 0xc8, 0xc8]);

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EntityLabel {
    pub name: String,
    #[serde(default)]
    pub description: String,
    pub color: Rgb,
    /// Key that applies this label to the selection in the app.
    #[serde(default)]
    pub hotkey: Option<char>,
}

impl EntityLabel {
    /// A label added because imported data or a dictionary uses it: grey, no description,
    /// no hotkey, until the annotator gives it some.
    pub fn plain(name: &str) -> Self {
        Self {
            name: name.to_owned(),
            description: String::new(),
            color: DEFAULT_LABEL_COLOR,
            hotkey: None,
        }
    }
}

/// How many arguments of one role an event may have.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Cardinality {
    ZeroOrOne,
    ExactlyOne,
    ZeroOrMore,
    OneOrMore,
}

impl Cardinality {
    pub fn allows(self, count: usize) -> bool {
        match self {
            Self::ZeroOrOne => count <= 1,
            Self::ExactlyOne => count == 1,
            Self::ZeroOrMore => true,
            Self::OneOrMore => count >= 1,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Role {
    pub name: String,
    /// Entity labels (or, for nested events, event types) an argument of this role may point to;
    /// empty means any entity label, for ACE value roles such as Position or Crime.
    #[serde(default)]
    pub labels: Vec<String>,
    pub count: Cardinality,
}

impl Role {
    pub fn accepts(&self, label: &str) -> bool {
        self.labels.is_empty() || self.labels.iter().any(|l| l == label)
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EventType {
    /// ACE style `Type:Subtype`, e.g. `Contact:Meet`.
    pub name: String,
    #[serde(default)]
    pub description: String,
    pub color: Rgb,
    #[serde(default)]
    pub roles: Vec<Role>,
}

impl EventType {
    pub fn role(&self, name: &str) -> Option<&Role> {
        self.roles.iter().find(|r| r.name == name)
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RelationType {
    pub name: String,
    #[serde(default)]
    pub description: String,
    /// Labels allowed at each end; empty means any.
    #[serde(default)]
    pub from: Vec<String>,
    #[serde(default)]
    pub to: Vec<String>,
}

impl RelationType {
    /// Whether a relation of this type may go from an entity labelled `from` to one labelled
    /// `to`.
    pub fn fits(&self, from: &str, to: &str) -> bool {
        let allows =
            |labels: &[String], label: &str| labels.is_empty() || labels.iter().any(|l| l == label);
        allows(&self.from, from) && allows(&self.to, to)
    }
}

/// The labels, event types and relation types of one project.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Schema {
    pub name: String,
    pub entity_labels: Vec<EntityLabel>,
    #[serde(default)]
    pub event_types: Vec<EventType>,
    #[serde(default)]
    pub relation_types: Vec<RelationType>,
}

/// The default news schema, shipped in `assets/schemas/news.ron` and compiled in.
const NEWS_SCHEMA_RON: &str = include_str!("../../assets/schemas/news.ron");

impl Schema {
    /// The default schema: OntoNotes-style entity labels and the ACE 2005 event types.
    pub fn news() -> Self {
        // The file is part of the binary and checked by a test, so a failure is a build bug.
        ron::from_str(NEWS_SCHEMA_RON).expect("assets/schemas/news.ron is a valid schema")
    }

    pub fn entity_label(&self, name: &str) -> Option<&EntityLabel> {
        self.entity_labels.iter().find(|l| l.name == name)
    }

    pub fn event_type(&self, name: &str) -> Option<&EventType> {
        self.event_types.iter().find(|t| t.name == name)
    }

    pub fn relation_type(&self, name: &str) -> Option<&RelationType> {
        self.relation_types.iter().find(|t| t.name == name)
    }

    /// Every inconsistency of the schema itself, as sentences.
    pub fn problems(&self) -> Vec<String> {
        let mut problems = Vec::new();
        let mut seen = std::collections::HashSet::new();
        for name in self.entity_labels.iter().map(|l| &l.name) {
            if name.trim().is_empty() {
                problems.push("an entity label has an empty name".to_owned());
            }
            if !seen.insert(name.as_str()) {
                problems.push(format!("entity label {name:?} is defined twice"));
            }
        }
        let mut hotkeys = std::collections::HashMap::new();
        for label in &self.entity_labels {
            if let Some(key) = label.hotkey
                && let Some(other) = hotkeys.insert(key, &label.name)
            {
                problems.push(format!(
                    "hotkey {key:?} is used by {other:?} and {:?}",
                    label.name
                ));
            }
        }
        for event_type in &self.event_types {
            if !seen.insert(event_type.name.as_str()) {
                problems.push(format!("event type {:?} is defined twice", event_type.name));
            }
        }
        for event_type in &self.event_types {
            let mut roles = std::collections::HashSet::new();
            for role in &event_type.roles {
                if !roles.insert(role.name.as_str()) {
                    problems.push(format!(
                        "{}: role {:?} is defined twice",
                        event_type.name, role.name
                    ));
                }
                for label in &role.labels {
                    if !seen.contains(label.as_str()) {
                        problems.push(format!(
                            "{}: role {} allows {label:?}, which is neither an entity label nor an event type",
                            event_type.name, role.name
                        ));
                    }
                }
            }
        }
        let mut relations = std::collections::HashSet::new();
        for relation in &self.relation_types {
            if !relations.insert(relation.name.as_str()) {
                problems.push(format!(
                    "relation type {:?} is defined twice",
                    relation.name
                ));
            }
            for label in relation.from.iter().chain(&relation.to) {
                if self.entity_label(label).is_none() {
                    problems.push(format!(
                        "relation {} allows unknown label {label:?}",
                        relation.name
                    ));
                }
            }
        }
        problems
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn news_schema_is_consistent_and_complete() {
        let schema = Schema::news();
        assert_eq!(schema.problems(), Vec::<String>::new());
        let labels: Vec<&str> = schema
            .entity_labels
            .iter()
            .map(|l| l.name.as_str())
            .collect();
        assert_eq!(
            labels,
            [
                "PER", "ORG", "GPE", "LOC", "FAC", "NORP", "EVENT", "DATE", "TIME", "MONEY",
                "PERCENT"
            ]
        );
        assert_eq!(
            schema.event_types.len(),
            33,
            "ACE 2005 has 33 event subtypes"
        );
        let meet = schema.event_type("Contact:Meet").expect("Contact:Meet");
        let entity = meet.role("Entity").expect("Entity role");
        assert!(entity.accepts("PER") && entity.accepts("GPE") && !entity.accepts("DATE"));
        assert!(meet.role("Place").is_some() && meet.role("Time").is_some());
        let transport = schema
            .event_type("Movement:Transport")
            .expect("Movement:Transport");
        for role in [
            "Agent",
            "Artifact",
            "Vehicle",
            "Price",
            "Origin",
            "Destination",
            "Time",
        ] {
            assert!(
                transport.role(role).is_some(),
                "Movement:Transport lacks {role}"
            );
        }
        assert!(schema.event_type("Personnel:Start-Position").is_some());
    }

    #[test]
    fn colours_parse_and_print() {
        assert_eq!(Rgb::parse("#1f77b4"), Some(Rgb([0x1f, 0x77, 0xb4])));
        assert_eq!(Rgb([0x1f, 0x77, 0xb4]).to_string(), "#1f77b4");
        assert_eq!(Rgb::parse("1f77b4"), None);
        assert_eq!(Rgb::parse("#1f77b"), None);
        assert_eq!(Rgb::parse("#é1f77b"), None);
    }

    #[test]
    fn problems_name_duplicates_and_unknown_labels() {
        let mut schema = Schema::news();
        schema.entity_labels.push(schema.entity_labels[0].clone());
        schema.event_types[0].roles[0].labels.push("WEAPON".into());
        let problems = schema.problems().join("\n");
        assert!(
            problems.contains("entity label \"PER\" is defined twice"),
            "{problems}"
        );
        assert!(problems.contains("hotkey 'p'"), "{problems}");
        assert!(problems.contains("\"WEAPON\""), "{problems}");
    }
}
