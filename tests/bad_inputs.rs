//! Every bad file gets its own clear error, and nothing on disk changes because of it.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use tagdesk::formats::import::{self, ImportError, MAX_FILE_BYTES};
use tagdesk::formats::project::{self, ProjectFileError};

/// Every file in `dir` with its bytes.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let path = e.unwrap().path();
            let bytes = std::fs::read(&path).unwrap();
            (path, bytes)
        })
        .collect()
}

/// Runs the CLI in `dir`; returns its stderr after checking it failed.
fn cli_fails(dir: &Path, args: &[&str]) -> String {
    let output = Command::new(env!("CARGO_BIN_EXE_tagdesk"))
        .current_dir(dir)
        .args(args)
        .output()
        .unwrap();
    assert!(!output.status.success(), "tagdesk {args:?} should fail");
    assert_eq!(output.status.code(), Some(1));
    String::from_utf8(output.stderr).unwrap()
}

#[test]
fn bad_project_files_are_refused_with_their_own_error() {
    type Check = fn(&ProjectFileError) -> bool;
    let cases: &[(&str, Check, &str)] = &[
        (
            "binary.tagdesk.ron",
            |e| matches!(e, ProjectFileError::NotUtf8 { byte_offset: 0, .. }),
            "not UTF-8 text (invalid byte at offset 0)",
        ),
        (
            "invalid_utf8.tagdesk.json",
            |e| {
                matches!(
                    e,
                    ProjectFileError::NotUtf8 {
                        byte_offset: 200,
                        ..
                    }
                )
            },
            "offset 200",
        ),
        (
            "empty.tagdesk.ron",
            |e| matches!(e, ProjectFileError::Empty { .. }),
            "the file is empty",
        ),
        (
            "nul_bytes.tagdesk.json",
            |e| matches!(e, ProjectFileError::Syntax { line: 2, .. }),
            "JSON error at line 2",
        ),
        (
            "truncated.tagdesk.ron",
            |e| matches!(e, ProjectFileError::Syntax { format: "RON", .. }),
            "RON error at line 202",
        ),
        (
            "truncated.tagdesk.json",
            |e| matches!(e, ProjectFileError::Syntax { format: "JSON", .. }),
            "EOF while parsing",
        ),
        (
            "newer_version.tagdesk.ron",
            |e| matches!(e, ProjectFileError::NewerVersion { found: 2, .. }),
            "version 2 is newer than this tagdesk reads",
        ),
        (
            "newer_version_other_shape.tagdesk.json",
            |e| matches!(e, ProjectFileError::NewerVersion { found: 9, .. }),
            "update tagdesk",
        ),
        (
            "version_zero.tagdesk.json",
            |e| matches!(e, ProjectFileError::UnknownVersion { found: 0, .. }),
            "version 0 is not a version",
        ),
        (
            "span_out_of_bounds.tagdesk.json",
            |e| matches!(e, ProjectFileError::Invalid { .. }),
            "document \"seoul.txt\", char 92: entity T3: span 92..9999 ends past the text's 166 chars",
        ),
        (
            "reversed_span.tagdesk.json",
            |e| matches!(e, ProjectFileError::Invalid { .. }),
            "char 71: entity T9: span 71..38 is empty or reversed",
        ),
        (
            "text_changed.tagdesk.json",
            |e| matches!(e, ProjectFileError::Invalid { .. }),
            "the text does not match its hash",
        ),
        (
            "unknown_label.tagdesk.json",
            |e| matches!(e, ProjectFileError::Invalid { .. }),
            "char 73: entity T2 has label \"WEAPON\", which the schema does not define",
        ),
        (
            "unknown_event_type.tagdesk.json",
            |e| matches!(e, ProjectFileError::Invalid { .. }),
            "type \"Contact:Teleport\"",
        ),
        (
            "dangling_argument.tagdesk.ron",
            |e| matches!(e, ProjectFileError::Invalid { .. }),
            "argument Entity points to T42, which does not exist",
        ),
        (
            "dangling_relation.tagdesk.json",
            |e| matches!(e, ProjectFileError::Invalid { .. }),
            "relation R1 points to T77",
        ),
        (
            "duplicate_entity_id.tagdesk.json",
            |e| matches!(e, ProjectFileError::Invalid { .. }),
            "entity id T9 is used twice",
        ),
        (
            "duplicate_document_id.tagdesk.json",
            |e| matches!(e, ProjectFileError::Invalid { .. }),
            "document id \"seoul\" is used twice",
        ),
        (
            "dictionary_empty_pattern.tagdesk.ron",
            |e| matches!(e, ProjectFileError::Invalid { .. }),
            "dictionary pattern 2 ([] ORG): the pattern is empty",
        ),
        (
            "dictionary_unknown_label.tagdesk.json",
            |e| matches!(e, ProjectFileError::Invalid { .. }),
            "dictionary pattern 1 ([lower \"excalibur\"] WEAPON): label \"WEAPON\" is not in the schema",
        ),
        (
            "bad_colour.tagdesk.ron",
            |e| matches!(e, ProjectFileError::Syntax { .. }),
            "colour \"orange\" is not of the form \"#rrggbb\"",
        ),
        (
            "bad_timestamp.tagdesk.json",
            |e| matches!(e, ProjectFileError::Invalid { .. }),
            "created time \"yesterday\" is not an RFC 3339 time",
        ),
        (
            "not_a_project.tagdesk.json",
            |e| matches!(e, ProjectFileError::Syntax { line: 1, .. }),
            "JSON error at line 1",
        ),
        (
            "wrong_extension.tagdesk.yaml",
            |e| matches!(e, ProjectFileError::UnknownExtension { .. }),
            "must end in .tagdesk.ron or .tagdesk.json",
        ),
    ];
    let folder = Path::new("tests/bad_inputs/project");
    assert_eq!(
        std::fs::read_dir(folder).unwrap().count(),
        cases.len(),
        "every fixture has a case"
    );
    let sample = std::fs::canonicalize("assets/samples/diplomacy-korea-uk-talks.txt").unwrap();
    for (name, check, message) in cases {
        let error = project::load(&folder.join(name)).expect_err(name);
        assert!(check(&error), "{name}: unexpected {error:?}");
        let text = error.to_string();
        assert!(text.contains(message), "{name}: {text:?} lacks {message:?}");
        assert!(
            text.contains(name),
            "{name}: the message names the file: {text}"
        );

        // Through the CLI: adding to a bad project fails and writes nothing.
        let dir = tempfile::tempdir().unwrap();
        std::fs::copy(folder.join(name), dir.path().join(name)).unwrap();
        let before = snapshot(dir.path());
        let stderr = cli_fails(dir.path(), &["add", name, sample.to_str().unwrap()]);
        assert!(stderr.contains(message), "{name}: CLI said {stderr:?}");
        assert_eq!(snapshot(dir.path()), before, "{name}: files changed");
    }
}

#[test]
fn bad_article_files_are_refused_and_the_project_is_untouched() {
    type Check = fn(&ImportError) -> bool;
    let cases: &[(&str, Check, &str)] = &[
        (
            "binary.txt",
            |e| matches!(e, ImportError::Binary { byte_offset: 7, .. }),
            "looks binary (NUL byte at byte offset 7)",
        ),
        (
            "invalid_utf8.txt",
            |e| matches!(e, ImportError::NotUtf8 { byte_offset: 3, .. }),
            "not valid UTF-8 at byte offset 3",
        ),
        (
            "empty.txt",
            |e| matches!(e, ImportError::Empty { .. }),
            "the file is empty",
        ),
        (
            "bom_only.txt",
            |e| matches!(e, ImportError::Empty { .. }),
            "the file is empty",
        ),
        (
            "script_only.html",
            |e| matches!(e, ImportError::NoText { .. }),
            "no readable text",
        ),
        (
            "unsupported.pdf",
            |e| matches!(e, ImportError::Unsupported { .. }),
            "unsupported file type",
        ),
        (
            "broken_line.jsonl",
            |e| matches!(e, ImportError::Jsonl { line: 2, .. }),
            "line 2: EOF while parsing a string (column 18)",
        ),
        (
            "offsets_past_end.jsonl",
            |e| matches!(e, ImportError::Jsonl { line: 1, .. }),
            "entity 2: span 9..40 ends past the text's 11 chars",
        ),
        (
            "dangling_argument.jsonl",
            |e| matches!(e, ImportError::Jsonl { .. }),
            "argument Entity at 8..11 is neither an entity nor another event's trigger",
        ),
        (
            "missing_text.jsonl",
            |e| matches!(e, ImportError::Jsonl { .. }),
            "missing field `text`",
        ),
        (
            "bad_id.jsonl",
            |e| matches!(e, ImportError::Jsonl { .. }),
            "\"id\" must be a string or number",
        ),
    ];
    let folder = Path::new("tests/bad_inputs/import");
    assert_eq!(
        std::fs::read_dir(folder).unwrap().count(),
        cases.len(),
        "every fixture has a case"
    );
    for (name, check, message) in cases {
        let error = import::import_file(&folder.join(name)).expect_err(name);
        assert!(check(&error), "{name}: unexpected {error:?}");
        assert!(
            error.to_string().contains(message),
            "{name}: {error} lacks {message:?}"
        );

        let dir = tempfile::tempdir().unwrap();
        std::fs::copy(
            "tests/fixtures/v1/golden.tagdesk.json",
            dir.path().join("p.tagdesk.json"),
        )
        .unwrap();
        std::fs::copy(folder.join(name), dir.path().join(name)).unwrap();
        let before = snapshot(dir.path());
        let stderr = cli_fails(dir.path(), &["add", "p.tagdesk.json", name]);
        assert!(stderr.contains(message), "{name}: CLI said {stderr:?}");
        assert_eq!(snapshot(dir.path()), before, "{name}: files changed");
    }
}

#[test]
fn a_bad_file_among_good_ones_imports_nothing() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        "tests/fixtures/v1/golden.tagdesk.json",
        dir.path().join("p.tagdesk.json"),
    )
    .unwrap();
    let good = std::fs::canonicalize("assets/samples").unwrap();
    let bad = std::fs::canonicalize("tests/bad_inputs/import/invalid_utf8.txt").unwrap();
    let before = snapshot(dir.path());
    cli_fails(
        dir.path(),
        &[
            "add",
            "p.tagdesk.json",
            good.to_str().unwrap(),
            bad.to_str().unwrap(),
        ],
    );
    assert_eq!(snapshot(dir.path()), before);
}

#[test]
fn oversized_and_empty_folders_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("big.txt");
    // A sparse file: over the limit without writing 64 MiB.
    std::fs::File::create(&big)
        .unwrap()
        .set_len(MAX_FILE_BYTES + 1)
        .unwrap();
    let error = import::import_file(&big).unwrap_err();
    assert!(matches!(error, ImportError::TooLarge { .. }), "{error:?}");
    assert!(
        error
            .to_string()
            .contains("67108865 bytes is more than the 67108864-byte limit")
    );

    let empty = dir.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    std::fs::write(empty.join("notes.pdf"), b"%PDF").unwrap();
    let error = import::import_paths(&[empty]).unwrap_err();
    assert!(
        matches!(error, ImportError::EmptyFolder { .. }),
        "{error:?}"
    );
}
