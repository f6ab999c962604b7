//! Malformed input for each importer gives its own error, naming the file and the line (or
//! task), and imports nothing.

use std::path::Path;

use tagdesk::formats::exchange::{
    self, ExchangeError, ExchangeFormat, ImportOptions, Location, Reason, parse_brat, parse_str,
};
use tagdesk::formats::export::OffsetUnit;

/// The error of parsing `content` as `format`, with its location.
fn error(format: ExchangeFormat, content: &str) -> (Location, Reason) {
    error_with(format, content, OffsetUnit::Chars)
}

fn error_with(format: ExchangeFormat, content: &str, offsets: OffsetUnit) -> (Location, Reason) {
    let options = ImportOptions {
        offsets,
        schema: None,
    };
    match parse_str(format, Path::new("in.file"), content, &options) {
        Err(ExchangeError::Invalid { at, reason, path }) => {
            assert_eq!(path, Path::new("in.file"));
            (at, reason)
        }
        Err(other) => panic!("unexpected error {other}"),
        Ok(imported) => panic!(
            "{content:?} imported {} documents",
            imported.documents.len()
        ),
    }
}

fn brat_error(text: &str, ann: &str) -> (Location, Reason) {
    match parse_brat(
        Path::new("doc.ann"),
        text.to_owned(),
        ann,
        None,
        &ImportOptions::default(),
    ) {
        Err(ExchangeError::Invalid { at, reason, .. }) => (at, reason),
        Err(other) => panic!("unexpected error {other}"),
        Ok(_) => panic!("{ann:?} imported"),
    }
}

const TEXT: &str = "Sony formed a joint venture with Ericsson.";

#[test]
fn brat_errors() {
    let ok = "T1\tOrganization 0 4\tSony\n";
    assert!(
        parse_brat(
            Path::new("d.ann"),
            TEXT.into(),
            ok,
            None,
            &Default::default()
        )
        .is_ok()
    );
    assert!(matches!(
        brat_error(TEXT, "T1\tOrganization 0 4\n"),
        (Location::Line(1), Reason::Truncated(_))
    ));
    assert!(matches!(
        brat_error(TEXT, "T1\n"),
        (Location::Line(1), Reason::Truncated(_))
    ));
    assert!(matches!(
        brat_error(
            TEXT,
            "T1\tOrganization 0 4\tSony\nT2\tOrganization 33 99\tEricsson\n"
        ),
        (
            Location::Line(2),
            Reason::PastEnd {
                end: 99,
                len: 42,
                ..
            }
        )
    ));
    assert_eq!(
        brat_error(TEXT, "T1\tOrganization 0 4\tSonic\n").1,
        Reason::TextMismatch {
            what: "T1".into(),
            found: "Sonic".into(),
            expected: "Sony".into()
        }
    );
    assert_eq!(
        brat_error(TEXT, "T1\tOrganization 0 4\tSony\nE1\tMerge:T2 Org:T1\n"),
        (
            Location::Line(2),
            Reason::UnknownId {
                id: "T2".into(),
                by: "E1".into()
            }
        )
    );
    assert_eq!(
        brat_error(
            TEXT,
            "T1\tOrganization 0 4\tSony\nT2\tMerge 14 27\tjoint venture\nE1\tMerge:T2 Org:T9\n"
        )
        .1,
        Reason::UnknownId {
            id: "T9".into(),
            by: "E1".into()
        }
    );
    assert_eq!(
        brat_error(TEXT, "T1\tOrganization 0 4\tSony\nA1\tNegation E4\n").1,
        Reason::UnknownId {
            id: "E4".into(),
            by: "A1".into()
        }
    );
    assert_eq!(
        brat_error(
            TEXT,
            "T1\tOrganization 0 4\tSony\nT1\tOrganization 0 4\tSony\n"
        )
        .1,
        Reason::DuplicateId("T1".into())
    );
    assert_eq!(
        brat_error(TEXT, "Tx\tOrganization 0 4\tSony\n").1,
        Reason::BadId("Tx".into())
    );
    assert!(matches!(
        brat_error(TEXT, "T1\tOrganization four 4\tSony\n").1,
        Reason::Malformed(_)
    ));
}

#[test]
fn doccano_errors() {
    use ExchangeFormat::Doccano;
    assert!(matches!(
        error(
            Doccano,
            "{\"text\": \"EU\", \"label\": [[0, 2, \"ORG\"]]}\n{\"text\": \"EU\", \"lab"
        ),
        (Location::Line(2), Reason::Json(_))
    ));
    assert!(matches!(
        error(
            Doccano,
            r#"{"text": "EU rejects", "label": [[0, 20, "ORG"]]}"#
        ),
        (
            Location::Line(1),
            Reason::PastEnd {
                end: 20,
                len: 10,
                ..
            }
        )
    ));
    assert!(matches!(
        error(
            Doccano,
            r#"{"text": "EU rejects", "label": [[3, 3, "ORG"]]}"#
        )
        .1,
        Reason::EmptySpan { .. }
    ));
    let unknown = r#"{"text": "EU rejects", "entities": [{"id": 7, "label": "ORG", "start_offset": 0, "end_offset": 2}], "relations": [{"id": 1, "from_id": 7, "to_id": 8, "type": "x"}]}"#;
    assert_eq!(
        error(Doccano, unknown).1,
        Reason::UnknownId {
            id: "entity 8".into(),
            by: "relation 1".into()
        }
    );
    // 😀 is two UTF-16 units: offset 1 falls between them.
    assert_eq!(
        error_with(
            Doccano,
            r#"{"text": "😀 EU", "label": [[1, 5, "ORG"]]}"#,
            OffsetUnit::Utf16
        )
        .1,
        Reason::InsideSurrogatePair {
            what: "label item 1".into(),
            offset: 1
        }
    );
    let classification = r#"{"text": "EU rejects", "label": ["politics"]}"#;
    assert!(matches!(error(Doccano, classification).1, Reason::Json(_)));
}

#[test]
fn conll_errors() {
    use ExchangeFormat::Conll;
    let (at, reason) = error(
        Conll,
        "EU B-ORG\nrejects O\nGerman B-MISC\n\nPeter B-ORG\nBlackburn I-PER\n",
    );
    assert_eq!(at, Location::Line(6));
    assert!(matches!(
        reason,
        Reason::BadSequence { ref tag, ref previous, .. } if tag == "I-PER" && previous == "B-ORG"
    ));
    // An IOB1 file (entities start with I-) in which a B- follows O.
    let (at, reason) = error(Conll, "EU I-ORG\nrejects O\nGerman B-MISC\n");
    assert_eq!(at, Location::Line(3));
    assert!(matches!(reason, Reason::BadSequence { ref previous, .. } if previous == "O"));
    assert!(matches!(
        error(Conll, "EU B-ORG\nrejects\n"),
        (Location::Line(2), Reason::Truncated(_))
    ));
    assert_eq!(
        error(Conll, "EU X-ORG\n"),
        (Location::Line(1), Reason::UnknownTag("X-ORG".into()))
    );
    assert_eq!(error(Conll, "EU B-\n").1, Reason::UnknownTag("B-".into()));
    // BILOU: B- must go on with I- or L-.
    let (at, reason) = error(Conll, "EU B-ORG\nrejects O\nGerman U-MISC\n");
    assert_eq!(at, Location::Line(2));
    assert!(
        matches!(reason, Reason::BadSequence { ref tag, ref previous, .. } if tag == "O" && previous == "B-ORG")
    );
    let (_, reason) = error(Conll, "EU L-ORG\n");
    assert!(
        matches!(reason, Reason::BadSequence { ref previous, .. } if previous == "the sentence start")
    );
    // A recorded text the tokens do not match.
    let (at, reason) = error(
        Conll,
        "-DOCSTART- -X- -X- O\n# text = \"EU rejects\"\n\nEU B-ORG\naccepts O\n",
    );
    assert_eq!(at, Location::Line(2));
    assert!(matches!(reason, Reason::TextMismatch { ref found, .. } if found == "accepts"));
}

#[test]
fn label_studio_errors() {
    use ExchangeFormat::LabelStudio;
    let task = |value: &str| {
        format!(
            r#"[{{"data": {{"text": "He came to Jerusalem."}}, "annotations": [{{"result": [{{"type": "labels", "from_name": "label", "to_name": "text", "value": {value}}}]}}]}}]"#
        )
    };
    assert!(matches!(
        error(
            LabelStudio,
            &task(r#"{"start": 11, "end": 20, "text": "Jerusalem", "labels": ["LOC"]}"#)[..40]
        ),
        (_, Reason::Json(_))
    ));
    assert_eq!(
        error(
            LabelStudio,
            &task(r#"{"start": 11, "end": 20, "text": "Jericho", "labels": ["LOC"]}"#)
        ),
        (
            Location::Task(1),
            Reason::TextMismatch {
                what: "result 1".into(),
                found: "Jericho".into(),
                expected: "Jerusalem".into()
            }
        )
    );
    assert!(matches!(
        error(
            LabelStudio,
            &task(r#"{"start": 11, "end": 40, "labels": ["LOC"]}"#)
        ),
        (Location::Task(1), Reason::PastEnd { end: 40, .. })
    ));
    assert!(matches!(
        error(LabelStudio, &task(r#"{"start": 11, "labels": ["LOC"]}"#)).1,
        Reason::Json(_)
    ));
    assert!(matches!(
        error(LabelStudio, r#"[{"data": {"image": 3}}]"#),
        (Location::Task(1), Reason::Malformed(_))
    ));
    assert!(matches!(error(LabelStudio, "42").1, Reason::Malformed(_)));
}

#[test]
fn spacy_errors() {
    use ExchangeFormat::Spacy;
    assert!(matches!(
        error(
            Spacy,
            r#"{"text": "I like London.", "entities": [[7, 13, "LOC"]"#
        ),
        (Location::Line(1), Reason::Json(_))
    ));
    assert!(matches!(
        error(
            Spacy,
            r#"{"text": "I like London.", "entities": [[7, 30, "LOC"]]}"#
        )
        .1,
        Reason::PastEnd {
            end: 30,
            len: 14,
            ..
        }
    ));
    assert!(matches!(
        error(Spacy, r#"{"text": "I like London.", "spans": {"sc": [[9, 7, "LOC"]]}}"#).1,
        Reason::EmptySpan { ref what, .. } if what == "spans.sc item 1"
    ));
    assert!(matches!(
        error(Spacy, "{\"entities\": []}\n").1,
        Reason::Json(_)
    ));
}

#[test]
fn gold_errors_name_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.gold.jsonl");
    std::fs::write(
        &path,
        "{\"text\": \"EU rejects\", \"entities\": [{\"start\": 0, \"end\": 2, \"label\": \"ORG\"}]}\n\
         {\"text\": \"EU\", \"entities\": [{\"start\": 0, \"end\": 9, \"label\": \"ORG\"}]}\n",
    )
    .unwrap();
    let error = exchange::import(ExchangeFormat::Gold, &[path], &ImportOptions::default())
        .expect_err("offsets past the end");
    let message = error.to_string();
    assert!(message.contains("bad.gold.jsonl, line 2"), "{message}");
}

#[test]
fn errors_read_with_file_line_and_reason() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("train.conll");
    std::fs::write(&path, "EU B-ORG\nPeter I-PER\n").unwrap();
    let error = exchange::import(ExchangeFormat::Conll, &[path], &ImportOptions::default())
        .expect_err("bad sequence");
    assert_eq!(
        error.to_string(),
        format!(
            "{}, line 2: I-PER after B-ORG: this file starts entities with B- (IOB2), so an \
             entity cannot start with I-",
            dir.path().join("train.conll").display()
        )
    );
    // A brat .ann whose .txt is missing is an I/O error naming the .txt.
    std::fs::write(dir.path().join("lonely.ann"), "T1\tX 0 1\ta\n").unwrap();
    let error = exchange::import(
        ExchangeFormat::Brat,
        &[dir.path().join("lonely.ann")],
        &ImportOptions::default(),
    )
    .expect_err("no .txt");
    assert!(error.to_string().contains("lonely.txt"), "{error}");
}
