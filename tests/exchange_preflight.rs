//! The pre-flight report: what it finds, the fix it applies or offers, and that nothing leaves
//! an export unreported.

mod exchange_common;

use exchange_common::{empty_schema, entity, marked_document, project_of};
use tagdesk::formats::export::{ExportFormat, ExportOptions, TagScheme};
use tagdesk::formats::preflight::{Finding, FindingKind, Fix, Target, check};
use tagdesk::model::{
    ArgTarget, Argument, Document, EntityId, Event, EventId, Origin, Project, Schema, Span, Status,
};

fn findings(project: &Project, options: &ExportOptions) -> Vec<Finding> {
    check(project, options)
        .documents
        .into_iter()
        .flat_map(|d| d.findings)
        .collect()
}

/// What the export would hold for one document with `markup`, as marked-up text again.
fn exported(markup: &str, options: &ExportOptions) -> String {
    let project = project_of(empty_schema(), vec![marked_document("d", markup)]);
    let report = check(&project, options);
    let docs = report.apply(&project, options);
    let doc = &docs[0];
    let text: Vec<char> = doc.document.text().chars().collect();
    let mut out = String::new();
    let mut at = 0;
    for entity in &doc.entities {
        out.extend(&text[at..entity.span.start]);
        out.push('[');
        out.extend(&text[entity.span.start..entity.span.end]);
        out.push_str(&format!("]({})", entity.label));
        at = entity.span.end;
    }
    out.extend(&text[at..]);
    out
}

#[test]
fn token_formats_trim_whitespace_and_snap_to_tokens() {
    let conll = ExportOptions::new(ExportFormat::Conll(TagScheme::Iob2));
    assert_eq!(
        exported("Park [flew to Seo](GPE)ul [ today](DATE).", &conll),
        "Park [flew to Seoul](GPE)  [today](DATE)."
    );
    // brat keeps both spans as they are, offering the trim.
    let brat = ExportOptions::new(ExportFormat::Brat);
    assert_eq!(
        exported("Park [flew to Seo](GPE)ul [ today](DATE).", &brat),
        "Park [flew to Seo](GPE)ul [ today](DATE)."
    );
}

#[test]
fn punctuation_trims_are_offered_and_applied_on_request() {
    let mut options = ExportOptions::new(ExportFormat::Spacy);
    assert_eq!(
        exported("He met [Ruiz.](PER) in [(Korea)](GPE)", &options),
        "He met [Ruiz.](PER) in [(Korea)](GPE)"
    );
    options.trim = true;
    for (before, after) in [
        ("He met [Ruiz.](PER)", "He met [Ruiz](PER)."),
        ("in [(Korea)](GPE)", "in ([Korea](GPE))"),
        ("[“Britain,”](GPE) she said", "“[Britain](GPE),” she said"),
        ("[Samsung (Korea)](ORG) rose", "[Samsung (Korea)](ORG) rose"),
        ("the [U.S.](GPE) said", "the [U.S.](GPE) said"),
        ("[$3 billion](MONEY) deal", "[$3 billion](MONEY) deal"),
        ("a [—](X) b", "a [—](X) b"),
    ] {
        assert_eq!(exported(before, &options), after, "{before}");
    }
}

#[test]
fn iob_keeps_the_longer_of_overlapping_spans() {
    let doc = Document::new(
        "d".into(),
        "d.txt".into(),
        None,
        "Bank of Korea said".into(),
    )
    .with_annotations(
        vec![
            entity(1, Span { start: 0, end: 13 }, "ORG"),
            entity(2, Span { start: 8, end: 13 }, "GPE"),
        ],
        Vec::new(),
        Vec::new(),
    );
    let project = project_of(empty_schema(), vec![doc]);
    let conll = ExportOptions::new(ExportFormat::Conll(TagScheme::Iob2));
    let found = findings(&project, &conll);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].kind, FindingKind::Overlap);
    assert_eq!(found[0].fix, Fix::KeepLonger { kept: EntityId(1) });
    assert_eq!(found[0].target, Target::Entity(EntityId(2)));
    let brat = ExportOptions::new(ExportFormat::Brat);
    assert!(findings(&project, &brat).is_empty(), "brat holds overlaps");
}

fn project_with_event(status_of_victim: Status) -> Project {
    let mut doc = marked_document("d", "[Kim](PER) was born in [Seoul](GPE).");
    let mut entities = doc.entities().to_vec();
    entities[0].status = status_of_victim;
    let born = Event {
        id: EventId(1),
        event_type: "Life:Be-Born".into(),
        trigger: Span { start: 8, end: 12 },
        arguments: vec![
            Argument {
                role: "Person".into(),
                target: ArgTarget::Entity(EntityId(1)),
            },
            Argument {
                role: "Place".into(),
                target: ArgTarget::Entity(EntityId(2)),
            },
        ],
        origin: Origin::Manual,
        status: Status::Accepted,
    };
    doc = Document::new("d".into(), "d.txt".into(), None, doc.text().to_owned()).with_annotations(
        entities,
        vec![born],
        Vec::new(),
    );
    project_of(Schema::news(), vec![doc])
}

#[test]
fn arguments_to_what_is_not_exported_are_left_out_and_reported() {
    let project = project_with_event(Status::Suggested);
    let brat = ExportOptions::new(ExportFormat::Brat);
    let found = findings(&project, &brat);
    let kinds: Vec<&FindingKind> = found.iter().map(|f| &f.kind).collect();
    assert_eq!(
        kinds,
        [
            &FindingKind::TargetNotExported,
            &FindingKind::MissingArgument {
                role: "Person".into(),
                found: 0
            }
        ]
    );
    assert_eq!(
        found[0].target,
        Target::Argument {
            event: EventId(1),
            index: 0
        }
    );
    let report = check(&project, &brat);
    let docs = report.apply(&project, &brat);
    assert_eq!(docs[0].events[0].arguments.len(), 1, "only Place is left");
    // With suggestions, everything is exported and nothing is reported.
    let mut all = brat.clone();
    all.include_suggestions = true;
    assert!(findings(&project, &all).is_empty());
}

#[test]
fn rejected_annotations_never_leave_and_events_are_reported_where_unsupported() {
    let project = project_with_event(Status::Rejected);
    for format in [
        ExportFormat::Spacy,
        ExportFormat::Doccano,
        ExportFormat::HuggingFace,
    ] {
        let mut options = ExportOptions::new(format);
        options.include_suggestions = true;
        let report = check(&project, &options);
        let docs = report.apply(&project, &options);
        assert!(
            docs[0]
                .entities
                .iter()
                .all(|e| e.status != Status::Rejected)
        );
        assert!(docs[0].events.is_empty());
        assert!(
            findings(&project, &options).iter().any(
                |f| f.kind == FindingKind::Unsupported && f.target == Target::Event(EventId(1))
            ),
            "{}",
            format.name()
        );
    }
}

#[test]
fn every_left_out_annotation_has_a_finding() {
    // Overlaps, whitespace-only spans, events, relations: count what goes in and out.
    let text = "Kim met Lee in Seoul on Monday .";
    let entities = vec![
        entity(1, Span { start: 0, end: 3 }, "PER"),
        entity(2, Span { start: 0, end: 7 }, "ORG"),
        entity(3, Span { start: 3, end: 4 }, "PER"),
        entity(4, Span { start: 15, end: 20 }, "GPE"),
    ];
    let doc = Document::new("d".into(), "d.txt".into(), None, text.into()).with_annotations(
        entities,
        Vec::new(),
        Vec::new(),
    );
    let project = project_of(empty_schema(), vec![doc]);
    for format in [
        ExportFormat::Conll(TagScheme::Iob2),
        ExportFormat::Spacy,
        ExportFormat::Brat,
        ExportFormat::HuggingFace,
    ] {
        let options = ExportOptions::new(format);
        let report = check(&project, &options);
        let docs = report.apply(&project, &options);
        let kept = docs[0].entities.len() + docs[0].extra_spans.len();
        let left_out = findings(&project, &options)
            .iter()
            .filter(|f| f.applied && matches!(f.fix, Fix::LeaveOut | Fix::KeepLonger { .. }))
            .count();
        assert_eq!(kept + left_out, 4, "{}: {report}", format.name());
    }
}
