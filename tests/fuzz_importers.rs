//! Fuzz targets for every importer, proptest-based: valid files with random edits (deleted
//! runs, inserted separators, ids, offsets, tags, emoji, BOMs, NULs), arbitrary bytes and
//! arbitrary strings. An importer must never panic; whatever it accepts must go through the
//! project, the pre-flight and every exporter without panicking, and what tagdesk exports must
//! import again.
//!
//! `FUZZ_CASES` sets the cases per target (default 200, what CI runs); a long run:
//! `FUZZ_CASES=20000 cargo test --no-default-features --test fuzz_importers`.

use std::collections::BTreeSet;
use std::path::Path;

use proptest::prelude::*;
use tagdesk::formats::exchange::{ExchangeFormat, ImportOptions, Imported, parse_brat, parse_str};
use tagdesk::formats::export::{self, ExportFormat, ExportOptions, OffsetUnit, OutputFile};
use tagdesk::formats::{exchange, preflight};
use tagdesk::model::{Document, Edit, EntityLabel, EventType, Project, RelationType, Rgb, Schema};

const BRAT_TEXT: &str = "Sony formed a joint venture with Ericsson, based in Sweden.\n서울 😀 ok";
const BRAT_ANN: &str = "T1\tOrganization 0 4\tSony\nT2\tMERGE-ORG 14 27\tjoint venture\n\
T3\tOrganization 33 41\tEricsson\nE1\tMERGE-ORG:T2 Org1:T1 Org2:T3\nT4\tCountry 52 58\tSweden\n\
R1\tOrigin Arg1:T3 Arg2:T4\t\nA1\tNegation E1\nA2\tConfidence E1 High\n\
N1\tReference T1 Wikipedia:534366\tSony\n#1\tAnnotatorNotes T1\ta note\n*\tAlias T1 T3\n\
T5\tPlace 60 62;63 64\t서울 😀\nA3\tStatus T5 Suggested\nA4\tScore T5 0.5\n";
const DOCCANO: &str = "{\"text\": \"EU rejects German call.\", \"label\": [[0, 2, \"ORG\"], [11, 17, \"MISC\"]]}\n\
{\"id\": 4, \"text\": \"😀 EU and Park\", \"entities\": [{\"id\": 1, \"start_offset\": 2, \"end_offset\": 4, \"label\": \"ORG\"}, \
{\"id\": 2, \"start_offset\": 9, \"end_offset\": 13, \"label\": \"PER\"}], \"relations\": [{\"id\": 1, \"from_id\": 2, \"to_id\": 1, \"type\": \"member\"}]}\n";
const CONLL: &str = "-DOCSTART- -X- -X- O\n# text = \"EU rejects\\r\\nGerman call.\"\n\nEU B-ORG\nrejects O\n\n\
German B-MISC\ncall O\n. O\n\n-DOCSTART- -X- -X- O\n\nPark _ _ U-PER\nJi-won _ _ O\n";
const LABEL_STUDIO: &str = r#"[{"data": {"text": "He came to Jerusalem 😀."}, "annotations": [{"result": [
{"id": "a", "from_name": "label", "to_name": "text", "type": "labels", "value": {"start": 11, "end": 20, "text": "Jerusalem", "labels": ["LOC"]}},
{"type": "choices", "value": {"choices": ["news"]}}]}],
"predictions": [{"model_version": "v1", "score": 0.5, "result": [{"type": "labels", "value": {"start": 0, "end": 2, "score": 0.7, "labels": ["PER"]}}]}]}]"#;
const SPACY: &str = "{\"text\": \"I like London and 서울.\", \"entities\": [[7, 13, \"LOC\"]], \"spans\": {\"sc\": [[7, 13, \"LOC\"], [18, 20, \"GPE\"]]}}\n";
const GOLD: &str = "{\"id\": \"g1\", \"text\": \"Acme merged with Beta.\", \"entities\": [{\"start\": 0, \"end\": 4, \"label\": \"ORG\"}, \
{\"start\": 17, \"end\": 21, \"label\": \"ORG\"}], \"events\": [{\"trigger\": {\"start\": 5, \"end\": 11}, \"type\": \"Merge\", \
\"arguments\": [{\"role\": \"Org\", \"start\": 0, \"end\": 4}]}]}\n";

const NOISE: &[&str] = &[
    "\t",
    " ",
    "\n",
    "\r\n",
    "\r",
    ":",
    ";",
    "-",
    "0",
    "1",
    "7",
    "99999999999999999999",
    "-1",
    "4294967296",
    "T1",
    "T9",
    "E1",
    "E2",
    "R1",
    "A1",
    "#1",
    "*",
    "\"",
    "[",
    "]",
    "{",
    "}",
    ",",
    "B-",
    "I-",
    "L-",
    "U-",
    "E-",
    "S-",
    "O",
    "X",
    "😀",
    "\u{200d}",
    "\u{feff}",
    "é",
    "서",
    "\u{0}",
    "null",
    "true",
    "-DOCSTART-",
    "# text = ",
    "\\u00e9",
    "\\ud83d",
    "\\n",
];

fn cases() -> u32 {
    std::env::var("FUZZ_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(200)
}

/// `seed` with up to 8 random edits: each deletes a few chars at a position and inserts noise.
fn mutated(seed: &'static str) -> impl Strategy<Value = String> {
    prop::collection::vec(
        (
            any::<prop::sample::Index>(),
            0..5usize,
            prop::collection::vec(prop::sample::select(NOISE), 0..3),
        ),
        0..8,
    )
    .prop_map(move |edits| {
        let mut chars: Vec<char> = seed.chars().collect();
        for (at, delete, insert) in edits {
            let at = at.index(chars.len() + 1);
            let end = (at + delete).min(chars.len());
            let noise: Vec<char> = insert.concat().chars().collect();
            chars.splice(at..end, noise);
        }
        chars.into_iter().collect()
    })
}

/// Mutated seeds most of the time, arbitrary bytes (as lossy UTF-8) and strings otherwise.
fn input(seed: &'static str) -> impl Strategy<Value = String> {
    prop_oneof![
        6 => mutated(seed),
        1 => prop::collection::vec(any::<u8>(), 0..300)
            .prop_map(|b| String::from_utf8_lossy(&b).into_owned()),
        1 => any::<String>(),
    ]
}

/// A schema with every name the documents use, so they can join a project.
fn schema_for(documents: &[Document]) -> Schema {
    let color = Rgb([0x80, 0x80, 0x80]);
    let mut labels = BTreeSet::new();
    let mut types = BTreeSet::new();
    let mut relations = BTreeSet::new();
    for doc in documents {
        labels.extend(doc.entities().iter().map(|e| e.label.clone()));
        types.extend(doc.events().iter().map(|e| e.event_type.clone()));
        relations.extend(doc.relations().iter().map(|r| r.relation_type.clone()));
    }
    Schema {
        name: "fuzz".into(),
        entity_labels: labels
            .into_iter()
            .map(|name| EntityLabel {
                name,
                description: String::new(),
                color,
                hotkey: None,
            })
            .collect(),
        event_types: types
            .into_iter()
            .map(|name| EventType {
                name,
                description: String::new(),
                color,
                roles: Vec::new(),
            })
            .collect(),
        relation_types: relations
            .into_iter()
            .map(|name| RelationType {
                name,
                description: String::new(),
                from: Vec::new(),
                to: Vec::new(),
            })
            .collect(),
    }
}

fn export_variants() -> Vec<ExportOptions> {
    let mut variants = Vec::new();
    for format in ExportFormat::ALL {
        let mut options = ExportOptions::new(format);
        options.include_suggestions = true;
        options.record_spacing = true;
        options.spans = format == ExportFormat::Spacy;
        options.relations = format == ExportFormat::Doccano;
        options.status_attributes = format == ExportFormat::Brat;
        if matches!(format, ExportFormat::Doccano | ExportFormat::LabelStudio) {
            options.offsets = OffsetUnit::Utf16;
        }
        variants.push(options);
    }
    variants
}

/// Imports tagdesk's own export again; it must be accepted.
fn reimport(files: &[OutputFile], options: &ExportOptions) -> Result<(), TestCaseError> {
    let import_options = ImportOptions {
        offsets: options.offsets,
        schema: None,
    };
    let text = |file: &OutputFile| String::from_utf8_lossy(&file.bytes).into_owned();
    let format = match options.format {
        ExportFormat::Conll(_) => ExchangeFormat::Conll,
        ExportFormat::Spacy => ExchangeFormat::Spacy,
        ExportFormat::Doccano => ExchangeFormat::Doccano,
        ExportFormat::LabelStudio => ExchangeFormat::LabelStudio,
        ExportFormat::HuggingFace => return Ok(()),
        ExportFormat::Brat => {
            for ann in files
                .iter()
                .filter(|f| f.path.extension().is_some_and(|e| e == "ann"))
            {
                let txt = files
                    .iter()
                    .find(|f| f.path == ann.path.with_extension("txt"))
                    .map(text)
                    .unwrap_or_default();
                let result = parse_brat(&ann.path, txt, &text(ann), None, &import_options);
                prop_assert!(
                    result.is_ok(),
                    "{:?}: {}",
                    ann.path,
                    result.err().map(|e| e.to_string()).unwrap_or_default()
                );
            }
            return Ok(());
        }
    };
    let main = files
        .iter()
        .find(|f| f.path.extension().is_some_and(|e| e != "xml"))
        .map(text)
        .unwrap_or_default();
    let result = parse_str(format, Path::new("export"), &main, &import_options);
    prop_assert!(
        result.is_ok(),
        "{}: {}\n{main}",
        options.format.name(),
        result.err().map(|e| e.to_string()).unwrap_or_default()
    );
    Ok(())
}

/// Whatever an importer accepted goes through a project, the pre-flight, every exporter and
/// back through the importers.
fn exercise(imported: Imported) -> Result<(), TestCaseError> {
    let mut project = Project::new(
        "fuzz".into(),
        "fuzz".into(),
        schema_for(&imported.documents),
    );
    for document in imported.documents {
        let index = project.documents().len();
        let document = document.with_id(format!("d{index}"));
        // Documents the model refuses (duplicate entity ids…) are a normal outcome.
        let _ = project.apply(Edit::AddDocument {
            index,
            document: Box::new(document),
        });
    }
    for options in export_variants() {
        let report = preflight::check(&project, &options);
        let _ = report.to_string();
        let documents = report.apply(&project, &options);
        let files = export::export(&project, &documents, &options);
        prop_assert!(
            files.is_ok(),
            "{}: {:?}",
            options.format.name(),
            files.err()
        );
        reimport(&files.unwrap_or_default(), &options)?;
    }
    Ok(())
}

fn parse(format: ExchangeFormat, content: &str) -> Result<(), TestCaseError> {
    let options = ImportOptions::default();
    if let Ok(imported) = parse_str(format, Path::new("fuzz"), content, &options) {
        exercise(imported)?;
    }
    let utf16 = ImportOptions {
        offsets: OffsetUnit::Utf16,
        schema: None,
    };
    if matches!(
        format,
        ExchangeFormat::Doccano | ExchangeFormat::LabelStudio
    ) && let Ok(imported) = parse_str(format, Path::new("fuzz"), content, &utf16)
    {
        exercise(imported)?;
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn fuzz_brat(text in input(BRAT_TEXT), ann in input(BRAT_ANN)) {
        let parsed = parse_brat(Path::new("fuzz.ann"), text, &ann, None, &ImportOptions::default());
        if let Ok((document, _)) = parsed {
            exercise(Imported { documents: vec![document], ..Imported::default() })?;
        }
    }

    #[test]
    fn fuzz_brat_conf(conf in input(include_str!("../../shared/data/brat_news_tutorial/annotation.conf"))) {
        let _ = tagdesk::formats::exchange::parse_annotation_conf(
            Path::new("annotation.conf"), &conf, &ImportOptions::default());
    }

    #[test]
    fn fuzz_doccano(content in input(DOCCANO)) {
        parse(ExchangeFormat::Doccano, &content)?;
    }

    #[test]
    fn fuzz_conll(content in input(CONLL)) {
        parse(ExchangeFormat::Conll, &content)?;
    }

    #[test]
    fn fuzz_label_studio(content in input(LABEL_STUDIO)) {
        parse(ExchangeFormat::LabelStudio, &content)?;
    }

    #[test]
    fn fuzz_spacy(content in input(SPACY)) {
        parse(ExchangeFormat::Spacy, &content)?;
    }

    #[test]
    fn fuzz_gold(content in input(GOLD)) {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("fuzz.gold.jsonl");
        std::fs::write(&path, content.as_bytes()).expect("write");
        if let Ok(imported) = exchange::import(ExchangeFormat::Gold, &[path], &ImportOptions::default()) {
            exercise(imported)?;
        }
    }
}
