//! Project files: round trips, the golden v1 fixture, atomic saves.

mod common;

use std::path::Path;

use proptest::prelude::*;
use tagdesk::formats::project::{self, ProjectFileError, ProjectFormat};
use tagdesk::model::{
    DictionaryPattern, Document, Edit, Entity, EntityId, Origin, Pattern, Project, Schema,
    Severity, Span, Status, TokenPattern, plan_dictionary,
};

fn round_trip(project: &Project, file_name: &str) -> Project {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(file_name);
    let mut saved = project.clone();
    project::save(&mut saved, &path).unwrap();
    let loaded = project::load(&path).unwrap();
    assert_eq!(loaded, saved, "{file_name} loads back what was saved");
    loaded
}

#[test]
fn ron_and_json_round_trip_every_part_of_the_model() {
    let rich = common::rich_project();
    let from_ron = round_trip(&rich, "p.tagdesk.ron");
    let from_json = round_trip(&rich, "p.tagdesk.json");
    let doc = &from_json.documents()[0];
    assert_eq!(
        doc.text(),
        common::TEXT,
        "CRLF, NBSP and the ZWJ sequence survive byte for byte"
    );
    assert_eq!(
        doc.span_text(doc.entities()[0].span),
        Some("Vice Foreign Minister Park Ji-won")
    );
    assert_eq!(from_ron.documents(), from_json.documents());
}

#[test]
fn golden_v1_fixtures_load_as_the_model_they_were_written_from() {
    // These files were written by format version 1 and are never regenerated: a change that
    // breaks them breaks every user's existing projects.
    for name in ["golden.tagdesk.ron", "golden.tagdesk.json"] {
        let path = Path::new("tests/fixtures/v1").join(name);
        let loaded = project::load(&path).unwrap_or_else(|e| panic!("{e}"));
        let expected = common::rich_project();
        // The default schema may grow; the fixture keeps the one it was written with.
        assert_eq!(loaded.documents(), expected.documents(), "{name}");
        assert_eq!(
            (
                loaded.name(),
                loaded.annotator(),
                loaded.created(),
                loaded.modified()
            ),
            (
                "golden",
                "ana",
                "2026-11-30T12:00:00Z",
                "2026-11-30T12:30:00Z"
            )
        );
        assert_eq!(loaded.schema().event_types.len(), 33);
        let doc = &loaded.documents()[0];
        let meet = &doc.events()[1];
        assert_eq!(doc.span_text(meet.trigger), Some("met"));
        assert_eq!(meet.arguments.len(), 4);
        assert!(loaded.documents()[1].is_done());
    }
}

#[test]
fn golden_v1_fixtures_encode_back_byte_for_byte() {
    // A project with no dictionary writes no `dictionary` field: files stay as v1 wrote them.
    for (name, format) in [
        ("golden.tagdesk.ron", ProjectFormat::Ron),
        ("golden.tagdesk.json", ProjectFormat::Json),
    ] {
        let path = Path::new("tests/fixtures/v1").join(name);
        let bytes = std::fs::read(&path).unwrap();
        let loaded = project::decode(&bytes, format, &path).unwrap();
        let encoded = project::encode(&loaded, format).unwrap();
        assert!(encoded == bytes, "{name} changed when written back");
    }
}

#[test]
fn the_dictionary_round_trips_and_reads_well_in_ron() {
    let mut rich = common::rich_project();
    let patterns = vec![
        DictionaryPattern {
            label: "ORG".into(),
            pattern: Pattern::Phrase("Nikkei Asia".into()),
        },
        DictionaryPattern {
            label: "OUTLET".into(),
            pattern: Pattern::Tokens(vec![
                TokenPattern::Lower("harbor".into()),
                TokenPattern::Text("Daily".into()),
            ]),
        },
    ];
    rich.apply(plan_dictionary(rich.schema(), patterns.clone()).edit)
        .unwrap();
    let from_ron = round_trip(&rich, "p.tagdesk.ron");
    let from_json = round_trip(&rich, "p.tagdesk.json");
    assert_eq!(from_ron.dictionary(), patterns.as_slice());
    assert_eq!(from_json.dictionary(), patterns.as_slice());
    let ron = String::from_utf8(project::encode(&rich, ProjectFormat::Ron).unwrap()).unwrap();
    for line in [
        "dictionary: [",
        "label: \"OUTLET\",",
        "pattern: Phrase(\"Nikkei Asia\"),",
        "pattern: Tokens([",
        "Lower(\"harbor\"),",
    ] {
        assert!(ron.lines().any(|l| l.trim() == line), "{line} in {ron}");
    }
}

#[test]
fn format_follows_the_extension() {
    assert_eq!(
        ProjectFormat::from_path(Path::new("a.tagdesk.ron")).unwrap(),
        ProjectFormat::Ron
    );
    assert_eq!(
        ProjectFormat::from_path(Path::new("a.tagdesk.JSON")).unwrap(),
        ProjectFormat::Json
    );
    assert!(matches!(
        ProjectFormat::from_path(Path::new("a.tagdesk.yaml")),
        Err(ProjectFileError::UnknownExtension { .. })
    ));
}

#[test]
fn saving_keeps_the_previous_file_as_bak() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("p.tagdesk.ron");
    let mut p = common::rich_project();
    project::save(&mut p, &path).unwrap();
    let first = std::fs::read(&path).unwrap();
    p.apply(Edit::SetDone {
        doc: "seoul".into(),
        done: true,
    })
    .unwrap();
    project::save(&mut p, &path).unwrap();
    assert_eq!(
        std::fs::read(dir.path().join("p.tagdesk.ron.bak")).unwrap(),
        first
    );
    assert!(project::load(&path).unwrap().documents()[0].is_done());
}

#[test]
fn a_failed_save_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("p.tagdesk.ron");
    let mut p = common::rich_project();
    project::save(&mut p, &path).unwrap();
    let before = std::fs::read(&path).unwrap();
    let stamp = p.modified().to_owned();
    // Saving into a folder that does not exist fails before anything is written.
    let missing = dir.path().join("missing").join("p.tagdesk.ron");
    assert!(matches!(
        project::save(&mut p, &missing),
        Err(ProjectFileError::Io { .. })
    ));
    assert_eq!(p.modified(), stamp, "the modified stamp is put back");
    assert_eq!(std::fs::read(&path).unwrap(), before);
}

/// Arbitrary text with arbitrary entities on it, in chars.
fn arb_document() -> impl Strategy<Value = Document> {
    let text = prop_oneof![
        any::<String>(),
        "[a-zA-Z \n\r\u{a0}\u{ac00}-\u{ac10}\u{1f469}\u{200d}—“”]{1,80}"
    ]
    .prop_filter("non-empty", |t| !t.is_empty());
    text.prop_flat_map(|text| {
        let len = text.chars().count();
        let span = (0..len).prop_flat_map(move |start| (Just(start), start + 1..=len));
        let labels = prop::sample::select(vec!["PER", "ORG", "GPE", "DATE", "MONEY"]);
        let status = prop::sample::select(Status::ALL.to_vec());
        let score = 0.0f32..=1.0;
        let entity = (span, labels, status, score, any::<bool>());
        (Just(text), prop::collection::vec(entity, 0..12))
    })
    .prop_map(|(text, raw)| {
        let entities = raw
            .into_iter()
            .enumerate()
            .map(|(i, ((start, end), label, status, score, manual))| Entity {
                id: EntityId(i as u32 + 1),
                span: Span { start, end },
                label: label.into(),
                origin: if manual {
                    Origin::Manual
                } else {
                    Origin::Auto {
                        engine: "e".into(),
                        rule: "r\"ü".into(),
                        score,
                    }
                },
                status,
            })
            .collect();
        Document::new("d".into(), "d — ü.txt".into(), None, text).with_annotations(
            entities,
            Vec::new(),
            Vec::new(),
        )
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    #[test]
    fn save_then_load_is_the_identity(doc in arb_document()) {
        let mut p = Project::new("prop".into(), "ana".into(), Schema::news());
        p.apply(Edit::AddDocument { index: 0, document: Box::new(doc) }).unwrap();
        prop_assert!(p.problems().iter().all(|pr| pr.severity != Severity::Error));
        for format in [ProjectFormat::Ron, ProjectFormat::Json] {
            let bytes = project::encode(&p, format).unwrap();
            let loaded = project::decode(&bytes, format, Path::new("mem")).unwrap();
            prop_assert_eq!(&loaded, &p);
        }
    }
}

#[test]
fn the_example_project_is_valid_and_matches_its_sample_articles() {
    let path = Path::new("projects/sample.tagdesk.ron");
    let p = project::load(path).unwrap_or_else(|e| panic!("{e}"));
    assert!(p.problems().is_empty(), "{:?}", p.problems());
    assert!(p.documents().iter().any(|d| !d.events().is_empty()));
    for doc in p.documents() {
        // Sources are relative to the project file, and still import to the very same text.
        let source = path.parent().unwrap().join(&doc.source().unwrap().path);
        let fresh = tagdesk::formats::import::import_file(&source).unwrap();
        assert_eq!(fresh[0].text(), doc.text(), "{}", source.display());
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]
    /// The loader never panics: arbitrary bytes, and the golden file with bytes changed, cut
    /// or inserted, give a project or an error.
    #[test]
    fn the_loader_never_panics_on_damaged_files(
        noise in prop::collection::vec(any::<u8>(), 0..64),
        at in 0usize..40_000,
        cut in any::<bool>(),
        ron in any::<bool>(),
    ) {
        let (name, format) = if ron { ("golden.tagdesk.ron", ProjectFormat::Ron) } else { ("golden.tagdesk.json", ProjectFormat::Json) };
        let mut bytes = std::fs::read(Path::new("tests/fixtures/v1").join(name)).unwrap();
        let at = at % bytes.len();
        if cut {
            bytes.truncate(at);
        }
        let end = (at + noise.len()).min(bytes.len());
        bytes.splice(at..end, noise.iter().copied());
        let _ = project::decode(&bytes, format, Path::new("fuzz"));
        let _ = project::decode(&noise, format, Path::new("fuzz"));
    }
}
