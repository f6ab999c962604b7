//! Golden files for every exporter: a small project with Hangul, emoji (a ZWJ sequence and a
//! flag), NBSP and CRLF, overlapping spans, a span that cuts a token, a suggestion with a
//! score, a rejected entity, an event and a relation. Each export (and its pre-flight report)
//! is compared byte for byte with `tests/golden/<variant>/`; `UPDATE_GOLDEN=1 cargo test`
//! rewrites them (read the diff before committing).

mod exchange_common;

use std::path::{Path, PathBuf};

use exchange_common::{entity, marked_document, project_of, run_export};
use tagdesk::formats::export::{Columns, ExportFormat, ExportOptions, OffsetUnit, TagScheme};
use tagdesk::model::{
    ArgTarget, Argument, Document, Edit, EntityId, Event, EventId, Origin, Project, Relation,
    RelationId, Schema, Span, Status,
};

fn golden_project() -> Project {
    let seoul = marked_document(
        "seoul",
        "서울 — [Park Ji-won](PER) 👩\u{200d}🚒 met [Laura\u{a0}Hill](PER) in [London.](GPE) 🇰🇷 \
         [Samsung (Korea)](ORG) rose.",
    );
    let text = seoul.text().to_owned();
    let find = |needle: &str| {
        let byte = text.find(needle).expect("needle in text");
        let start = text[..byte].chars().count();
        Span {
            start,
            end: start + needle.chars().count(),
        }
    };
    let mut entities = seoul.entities().to_vec();
    entities.push(entity(10, find("Korea"), "GPE"));
    entities.push(tagdesk::model::Entity {
        origin: Origin::Auto {
            engine: "gazetteer".into(),
            rule: "cities".into(),
            score: 0.8,
        },
        status: Status::Suggested,
        ..entity(11, find("서울"), "GPE")
    });
    entities.push(tagdesk::model::Entity {
        status: Status::Rejected,
        ..entity(12, find("met"), "PER")
    });
    let seoul = Document::new("seoul".into(), "seoul.txt".into(), None, text).with_annotations(
        entities,
        Vec::new(),
        Vec::new(),
    );

    let crlf = marked_document(
        "crlf",
        "[Yoon](PER) left for the [U.S](GPE).\r\nThe talks end on [Friday](DATE).\r\n",
    );
    let left = Span { start: 5, end: 9 };
    assert_eq!(crlf.span_text(left), Some("left"));
    let event = Event {
        id: EventId(1),
        event_type: "Movement:Transport".into(),
        trigger: left,
        arguments: vec![
            Argument {
                role: "Artifact".into(),
                target: ArgTarget::Entity(EntityId(1)),
            },
            Argument {
                role: "Destination".into(),
                target: ArgTarget::Entity(EntityId(2)),
            },
        ],
        origin: Origin::Manual,
        status: Status::Accepted,
    };
    let relation = Relation {
        id: RelationId(1),
        relation_type: "PHYS:Located".into(),
        from: EntityId(1),
        to: EntityId(2),
        origin: Origin::Manual,
        status: Status::Accepted,
    };
    let crlf_entities = crlf.entities().to_vec();
    let crlf = Document::new(
        "crlf".into(),
        "crlf.txt".into(),
        None,
        crlf.text().to_owned(),
    )
    .with_annotations(crlf_entities, vec![event], vec![relation]);

    let quiet = marked_document("quiet", "Nothing to see here.");
    let mut project = project_of(Schema::news(), vec![seoul, crlf, quiet]);
    project
        .apply(Edit::SetDone {
            doc: "quiet".into(),
            done: true,
        })
        .expect("set done");
    project
}

fn variants() -> Vec<(&'static str, ExportOptions)> {
    let with = |format, change: fn(&mut ExportOptions)| {
        let mut options = ExportOptions::new(format);
        change(&mut options);
        options
    };
    vec![
        (
            "conll-iob2",
            with(ExportFormat::Conll(TagScheme::Iob2), |_| {}),
        ),
        (
            "conll-iob1",
            with(ExportFormat::Conll(TagScheme::Iob1), |_| {}),
        ),
        (
            "conll-bilou",
            with(ExportFormat::Conll(TagScheme::Bilou), |_| {}),
        ),
        (
            "conll-4col-spacing",
            with(ExportFormat::Conll(TagScheme::Iob2), |o| {
                o.columns = Columns::Four;
                o.record_spacing = true;
            }),
        ),
        (
            "spacy-spans",
            with(ExportFormat::Spacy, |o| {
                o.spans = true;
                o.include_suggestions = true;
            }),
        ),
        (
            "brat",
            with(ExportFormat::Brat, |o| {
                o.include_suggestions = true;
                o.status_attributes = true;
            }),
        ),
        ("doccano", with(ExportFormat::Doccano, |_| {})),
        (
            "doccano-relations-utf16",
            with(ExportFormat::Doccano, |o| {
                o.relations = true;
                o.offsets = OffsetUnit::Utf16;
            }),
        ),
        (
            "label-studio-utf16",
            with(ExportFormat::LabelStudio, |o| {
                o.include_suggestions = true;
                o.offsets = OffsetUnit::Utf16;
            }),
        ),
        ("hf", with(ExportFormat::HuggingFace, |_| {})),
        (
            "spacy-trim",
            with(ExportFormat::Spacy, |o| {
                o.trim = true;
            }),
        ),
    ]
}

#[test]
fn exports_match_golden_files() {
    let project = golden_project();
    let update = std::env::var_os("UPDATE_GOLDEN").is_some();
    let root = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("run by cargo"))
        .join("tests/golden");
    let mut failures = Vec::new();
    for (variant, options) in variants() {
        let (report, mut files) = run_export(&project, &options);
        files.push(tagdesk::formats::export::OutputFile {
            path: "preflight.txt".into(),
            bytes: report.to_string().into_bytes(),
        });
        let dir = root.join(variant);
        for file in files {
            let path = dir.join(&file.path);
            if update {
                std::fs::create_dir_all(&dir).expect("golden folder");
                std::fs::write(&path, &file.bytes).expect("write golden file");
                continue;
            }
            match std::fs::read(&path) {
                Ok(golden) if golden == file.bytes => {}
                Ok(golden) => failures.push(format!(
                    "{}: differs\n--- golden\n{}\n--- now\n{}",
                    path.display(),
                    String::from_utf8_lossy(&golden),
                    String::from_utf8_lossy(&file.bytes)
                )),
                Err(e) => failures.push(format!(
                    "{}: {e} (UPDATE_GOLDEN=1 writes it)",
                    path.display()
                )),
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn brat_text_files_are_the_document_text_byte_for_byte() {
    let project = golden_project();
    let (_, files) = run_export(&project, &ExportOptions::new(ExportFormat::Brat));
    for doc in project.documents() {
        let txt = files
            .iter()
            .find(|f| f.path == Path::new(&format!("{}.txt", doc.id())))
            .expect("a .txt per document");
        assert_eq!(txt.bytes, doc.text().as_bytes());
    }
}

#[test]
fn brat_names_map_back_through_the_schema() {
    let project = golden_project();
    let mut options = ExportOptions::new(ExportFormat::Brat);
    options.include_suggestions = true;
    options.status_attributes = true;
    let (_, files) = run_export(&project, &options);
    let ann = files
        .iter()
        .find(|f| f.path == Path::new("crlf.ann"))
        .expect("crlf.ann");
    let ann = String::from_utf8_lossy(&ann.bytes);
    assert!(
        ann.contains("E1\tMovement_Transport:T4 Artifact:T1 Destination:T2\n"),
        "{ann}"
    );
    let dir = tempfile::tempdir().unwrap();
    let import_options = tagdesk::formats::exchange::ImportOptions {
        offsets: OffsetUnit::Chars,
        schema: Some(project.schema()),
    };
    let back = exchange_common::reimport(&files, ExportFormat::Brat, dir.path(), &import_options);
    let by_id = |id: &str| back.documents.iter().find(|d| d.id() == id).expect(id);
    let crlf = by_id("crlf");
    assert_eq!(crlf.events()[0].event_type, "Movement:Transport");
    assert_eq!(crlf.relations()[0].relation_type, "PHYS:Located");
    // Status and score come back from the A lines; the rejected entity never left.
    let seoul = by_id("seoul");
    let original = project.document("seoul").unwrap();
    let kept: Vec<_> = original
        .entities()
        .iter()
        .filter(|e| e.status != Status::Rejected)
        .map(|e| (e.id, e.span, e.label.clone(), e.status))
        .collect();
    let again: Vec<_> = seoul
        .entities()
        .iter()
        .map(|e| (e.id, e.span, e.label.clone(), e.status))
        .collect();
    assert_eq!(again, kept);
    let suggestion = seoul.entity(EntityId(11)).unwrap();
    assert!(matches!(suggestion.origin, Origin::Auto { score, .. } if score == 0.8));
}
