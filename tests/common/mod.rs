//! A project that uses every part of the model, with text in several scripts.

use std::collections::BTreeMap;
use std::path::PathBuf;

use tagdesk::model::{
    ArgTarget, Argument, Document, Edit, Entity, EntityId, Event, EventId, Origin, Project,
    Relation, RelationId, Schema, Source, SourceFormat, Span, Status,
};

pub const TEXT: &str = "Home › World\n\n“Talks went well,” said Vice Foreign Minister Park Ji-won (박지원) \
after she met Laura Hill in London on Friday afternoon — 東京 next.\r\nShares rose 3.5%\u{a0}👩\u{200D}🚒.";

/// The char span of the `nth` occurrence of `needle` in `text`.
pub fn find(text: &str, needle: &str, nth: usize) -> Span {
    let (byte, _) = text.match_indices(needle).nth(nth).expect("needle in text");
    let start = text[..byte].chars().count();
    Span {
        start,
        end: start + needle.chars().count(),
    }
}

fn entity(id: u32, span: Span, label: &str, origin: Origin, status: Status) -> Entity {
    Entity {
        id: EntityId(id),
        span,
        label: label.into(),
        origin,
        status,
    }
}

pub fn rich_project() -> Project {
    let auto = |rule: &str, score: f32| Origin::Auto {
        engine: "tagdesk-rules".into(),
        rule: rule.into(),
        score,
    };
    let entities = vec![
        entity(
            1,
            find(TEXT, "Park Ji-won", 0),
            "PER",
            auto("title+name", 0.9),
            Status::Accepted,
        ),
        entity(
            2,
            find(TEXT, "박지원", 0),
            "PER",
            Origin::Manual,
            Status::Accepted,
        ),
        entity(
            3,
            find(TEXT, "Laura Hill", 0),
            "PER",
            Origin::Manual,
            Status::Accepted,
        ),
        entity(
            4,
            find(TEXT, "London", 0),
            "GPE",
            auto("gazetteer:cities", 0.95),
            Status::Suggested,
        ),
        entity(
            5,
            find(TEXT, "Friday afternoon", 0),
            "DATE",
            auto("date:weekday-part", 0.75),
            Status::Accepted,
        ),
        entity(
            6,
            find(TEXT, "Friday", 0),
            "DATE",
            auto("date:weekday", 0.5),
            Status::Rejected,
        ),
        entity(
            7,
            find(TEXT, "東京", 0),
            "GPE",
            Origin::Imported {
                source: "gold.jsonl".into(),
            },
            Status::Accepted,
        ),
        entity(
            8,
            find(TEXT, "3.5%", 0),
            "PERCENT",
            auto("percent", 1.0),
            Status::Suggested,
        ),
        entity(
            9,
            find(TEXT, "Vice Foreign Minister Park Ji-won", 0),
            "PER",
            Origin::Manual,
            Status::Rejected,
        ),
    ];
    let meet = Event {
        id: EventId(1),
        event_type: "Contact:Meet".into(),
        trigger: find(TEXT, "met", 0),
        arguments: vec![
            Argument {
                role: "Entity".into(),
                target: ArgTarget::Entity(EntityId(1)),
            },
            Argument {
                role: "Entity".into(),
                target: ArgTarget::Entity(EntityId(3)),
            },
            Argument {
                role: "Place".into(),
                target: ArgTarget::Entity(EntityId(4)),
            },
            Argument {
                role: "Time".into(),
                target: ArgTarget::Entity(EntityId(5)),
            },
        ],
        origin: auto("trigger:met", 0.8),
        status: Status::Suggested,
    };
    let talks = Event {
        id: EventId(2),
        event_type: "Contact:Meet".into(),
        trigger: find(TEXT, "Talks", 0),
        arguments: vec![Argument {
            role: "Entity".into(),
            target: ArgTarget::Entity(EntityId(1)),
        }],
        origin: Origin::Manual,
        status: Status::Accepted,
    };
    let relation = Relation {
        id: RelationId(1),
        relation_type: "PER-SOC:Business".into(),
        from: EntityId(1),
        to: EntityId(3),
        origin: Origin::Manual,
        status: Status::Accepted,
    };
    let mut meta = BTreeMap::new();
    meta.insert("url".to_owned(), "https://example.com/a".to_owned());
    meta.insert("line".to_owned(), "5".to_owned());
    let source = Source {
        path: PathBuf::from("articles/seoul.txt"),
        format: SourceFormat::PlainText,
    };
    let doc = Document::new(
        "seoul".into(),
        "seoul.txt".into(),
        Some(source),
        TEXT.into(),
    )
    .with_annotations(entities, vec![meet, talks], vec![relation])
    .with_meta(meta);
    let plain = Document::new(
        "empty-ish".into(),
        "notes.md".into(),
        None,
        "No entities here.".into(),
    );
    let mut project = Project::from_parts(
        "golden".into(),
        "ana".into(),
        "2026-11-30T12:00:00Z".into(),
        "2026-11-30T12:30:00Z".into(),
        Schema::news(),
        vec![doc, plain],
    );
    let done = Edit::SetDone {
        doc: "empty-ish".into(),
        done: true,
    };
    project.apply(done).expect("the document exists");
    project
}
