//! `tagdesk export` and `tagdesk import` from the command line, through the same `run` the
//! binary calls.

use std::path::Path;

use clap::Parser;
use tagdesk::cli::{Cli, run};
use tagdesk::formats::project as project_file;

/// Runs `tagdesk ARGS…`, giving its output or its error chain.
fn tagdesk(args: &[&str]) -> Result<String, String> {
    let cli = Cli::try_parse_from(std::iter::once("tagdesk").chain(args.iter().copied()))
        .map_err(|e| e.to_string())?;
    let mut out = Vec::new();
    let command = cli.command.expect("a subcommand");
    run(command, &mut out).map_err(|e| format!("{e:#}"))?;
    Ok(String::from_utf8_lossy(&out).into_owned())
}

fn path(dir: &Path, name: &str) -> String {
    dir.join(name).to_string_lossy().into_owned()
}

/// A project with one doccano document: `Seoul.` ends with punctuation (offered trim) and
/// `Park Ji` cuts a token of `Ji-won` (snapped in token formats).
fn project(dir: &Path) -> String {
    let project = path(dir, "p.tagdesk.ron");
    tagdesk(&["new", &project]).unwrap();
    let doccano = dir.join("in.jsonl");
    std::fs::write(
        &doccano,
        "{\"text\": \"Park Ji-won flew to Seoul.\", \"label\": [[0, 7, \"PER\"], [20, 26, \"GPE\"]]}\n",
    )
    .unwrap();
    let out = tagdesk(&[
        "import",
        &project,
        "--format",
        "doccano",
        &path(dir, "in.jsonl"),
    ])
    .unwrap();
    assert!(out.contains("added 1 document(s) with 2 entities"), "{out}");
    project
}

#[test]
fn export_prints_the_preflight_and_writes_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let project = project(dir.path());
    let out_file = path(dir.path(), "train.conll");
    let out = tagdesk(&["export", &project, "--format", "conll", "--out", &out_file]).unwrap();
    assert!(
        out.contains("pre-flight for CoNLL (IOB2): 2 finding(s)"),
        "{out}"
    );
    assert!(
        out.contains("cuts a token; fix: widen to whole tokens 0..11"),
        "{out}"
    );
    assert!(out.contains("offered: trim to 20..25"), "{out}");
    let written = std::fs::read_to_string(&out_file).unwrap();
    assert!(written.contains("Park B-PER\nJi-won I-PER\n"), "{written}");

    let folder = path(dir.path(), "hf");
    tagdesk(&["export", &project, "--format", "hf", "--out", &folder]).unwrap();
    assert!(dir.path().join("hf/labels.json").is_file());
    assert!(dir.path().join("hf/data.jsonl").is_file());
}

#[test]
fn strict_fails_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let project = project(dir.path());
    let out_file = path(dir.path(), "train.jsonl");
    let error = tagdesk(&[
        "export", &project, "--format", "spacy", "--out", &out_file, "--strict",
    ])
    .unwrap_err();
    assert!(error.contains("--strict"), "{error}");
    assert!(!Path::new(&out_file).exists());
    // Trimming fixes the punctuation; the snap is still a finding.
    let error = tagdesk(&[
        "export", &project, "--format", "spacy", "--out", &out_file, "--strict", "--trim",
    ])
    .unwrap_err();
    assert!(error.contains("2 thing(s)"), "{error}");
}

#[test]
fn flags_must_fit_the_format() {
    let dir = tempfile::tempdir().unwrap();
    let project = project(dir.path());
    let out_file = path(dir.path(), "x");
    for (format, flag) in [
        ("conll", "--spans"),
        ("spacy", "--keep-spacing"),
        ("brat", "--relations"),
        ("conll", "--status-attributes"),
    ] {
        let error = tagdesk(&[
            "export", &project, "--format", format, "--out", &out_file, flag,
        ])
        .unwrap_err();
        assert!(error.contains(&format!("{flag} applies to")), "{error}");
    }
    let error = tagdesk(&[
        "export",
        &project,
        "--format",
        "spacy",
        "--out",
        &out_file,
        "--offsets",
        "utf16",
    ])
    .unwrap_err();
    assert!(error.contains("--offsets utf16 applies to"), "{error}");
}

#[test]
fn import_needs_add_labels_for_new_labels_and_is_all_or_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let project = path(dir.path(), "p.tagdesk.ron");
    tagdesk(&["new", &project]).unwrap();
    let conll = path(dir.path(), "in.conll");
    std::fs::write(&conll, "EU B-ORG\nrejects O\nGerman B-MISC\n").unwrap();
    let error = tagdesk(&["import", &project, "--format", "conll", &conll]).unwrap_err();
    assert!(
        error.contains("label MISC") && error.contains("--add-labels"),
        "{error}"
    );
    let bad = path(dir.path(), "bad.conll");
    std::fs::write(&bad, "EU B-ORG\nPeter I-PER\n").unwrap();
    let error = tagdesk(&[
        "import",
        &project,
        "--format",
        "conll",
        &conll,
        &bad,
        "--add-labels",
    ])
    .unwrap_err();
    assert!(error.contains("bad.conll, line 2"), "{error}");
    assert!(
        project_file::load(Path::new(&project))
            .unwrap()
            .documents()
            .is_empty(),
        "nothing of a failed import is added"
    );
    let out = tagdesk(&[
        "import",
        &project,
        "--format",
        "conll",
        &conll,
        "--add-labels",
    ])
    .unwrap();
    assert!(out.contains("added 1 document(s) with 2 entities"), "{out}");
    let loaded = project_file::load(Path::new(&project)).unwrap();
    assert!(loaded.schema().entity_label("MISC").is_some());
    assert_eq!(loaded.documents()[0].text(), "EU rejects German");
}

#[test]
fn brat_import_adds_annotation_conf_types() {
    let dir = tempfile::tempdir().unwrap();
    let project = path(dir.path(), "p.tagdesk.ron");
    tagdesk(&["new", &project]).unwrap();
    let brat = dir.path().join("brat");
    std::fs::create_dir(&brat).unwrap();
    std::fs::write(brat.join("a.txt"), "Google and YouTube merged.\r\n").unwrap();
    std::fs::write(
        brat.join("a.ann"),
        "T1\tOrganization 0 6\tGoogle\nT2\tOrganization 11 18\tYouTube\n\
         T3\tMerge-org 19 25\tmerged\nE1\tMerge-org:T3 Org-Arg:T1 Org-Arg2:T2\nA1\tConfidence E1 High\n",
    )
    .unwrap();
    std::fs::write(
        brat.join("annotation.conf"),
        "[entities]\nOrganization\nPerson\n[relations]\n[events]\nMerge-org\tOrg-Arg+:Organization\n[attributes]\nConfidence\tArg:<EVENT>, Value:High|Low\n",
    )
    .unwrap();
    let out = tagdesk(&[
        "import",
        &project,
        "--format",
        "brat",
        &brat.to_string_lossy(),
        "--add-labels",
    ])
    .unwrap();
    assert!(
        out.contains("added 1 document(s) with 2 entities and 1 events"),
        "{out}"
    );
    assert!(out.contains("note: brat: 1 attribute type(s)"), "{out}");
    let loaded = project_file::load(Path::new(&project)).unwrap();
    let merge = loaded
        .schema()
        .event_type("Merge-org")
        .expect("event type added");
    assert_eq!(merge.roles[0].labels, ["Organization"]);
    assert!(
        loaded.schema().entity_label("Person").is_some(),
        "all of annotation.conf"
    );
    let doc = &loaded.documents()[0];
    assert_eq!(
        doc.text(),
        "Google and YouTube merged.\r\n",
        "text kept byte for byte"
    );
    // And back out: the attribute line is written again.
    let out_dir = path(dir.path(), "out");
    tagdesk(&["export", &project, "--format", "brat", "--out", &out_dir]).unwrap();
    let ann = std::fs::read_to_string(dir.path().join("out/a.ann")).unwrap();
    assert!(
        ann.contains("E1\tMerge-org:T3 Org-Arg:T1 Org-Arg2:T2\n"),
        "{ann}"
    );
    assert!(ann.contains("A1\tConfidence E1 High\n"), "{ann}");
    let conf = std::fs::read_to_string(dir.path().join("out/annotation.conf")).unwrap();
    assert!(
        conf.contains("Confidence\tArg:<EVENT>, Value:High"),
        "{conf}"
    );
}

#[test]
fn the_brat_tutorial_imports_with_its_relation_types() {
    let dir = tempfile::tempdir().unwrap();
    let project = path(dir.path(), "p.tagdesk.ron");
    tagdesk(&["new", &project]).unwrap();
    let out = tagdesk(&[
        "import",
        &project,
        "--format",
        "brat",
        "../shared/data/brat_news_tutorial",
        "--add-labels",
    ])
    .unwrap();
    let loaded = project_file::load(Path::new(&project)).unwrap();
    let relations: usize = loaded.documents().iter().map(|d| d.relations().len()).sum();
    assert!(
        relations > 0 && out.contains(&format!(", {relations} relations")),
        "{out}"
    );
    for name in ["Located", "Family", "Employment", "Origin"] {
        assert!(
            loaded.schema().relation_type(name).is_some(),
            "relation type {name} added from annotation.conf"
        );
    }
}

#[test]
fn a_large_jsonl_import_streams_and_exports_back_the_same_bytes() {
    let dir = tempfile::tempdir().unwrap();
    for format in ["spacy", "doccano"] {
        let lines: String = (0..2_600)
            .map(|i| {
                let text = format!("서울 — Park Ji-won met Laura Hill ({i}).");
                match format {
                    "spacy" => format!(
                        "{{\"id\": \"d{i}\", \"text\": \"{text}\", \"entities\": [[0, 2, \"GPE\"], [5, 16, \"PER\"]]}}\n"
                    ),
                    _ => format!(
                        "{{\"id\": \"d{i}\", \"text\": \"{text}\", \"label\": [[0, 2, \"GPE\"], [5, 16, \"PER\"]]}}\n"
                    ),
                }
            })
            .collect();
        let input = dir.path().join(format!("{format}.jsonl"));
        std::fs::write(&input, &lines).unwrap();
        let project = path(dir.path(), &format!("{format}.tagdesk"));
        tagdesk(&["new", &project]).unwrap();
        let out = tagdesk(&[
            "import",
            &project,
            "--format",
            format,
            &input.to_string_lossy(),
        ])
        .unwrap();
        assert!(
            out.contains("added 2600 document(s) with 5200 entities"),
            "{out}"
        );
        let docs = project_file::load(Path::new(&project)).unwrap();
        assert_eq!(docs.documents()[2_599].id(), "d2599");
        let exported = path(dir.path(), &format!("{format}-out.jsonl"));
        tagdesk(&["export", &project, "--format", format, "--out", &exported]).unwrap();
        let again = std::fs::read_to_string(&exported).unwrap();
        assert_eq!(again.lines().count(), 2_600);
        // The same documents and spans come back (ids aside: exports do not write them).
        for (line, back) in lines.lines().zip(again.lines()) {
            let a: serde_json::Value = serde_json::from_str(line).unwrap();
            let b: serde_json::Value = serde_json::from_str(back).unwrap();
            assert_eq!(a["text"], b["text"]);
            let spans = if format == "spacy" {
                "entities"
            } else {
                "label"
            };
            assert_eq!(a[spans], b[spans], "{back}");
        }
        // A bad line past the first batch names its line and imports nothing.
        let mut broken: Vec<&str> = lines.lines().collect();
        broken[2_100] = "{\"text\": 5}";
        std::fs::write(&input, broken.join("\n")).unwrap();
        let fresh = path(dir.path(), &format!("{format}-2.tagdesk"));
        tagdesk(&["new", &fresh]).unwrap();
        let err = tagdesk(&[
            "import",
            &fresh,
            "--format",
            format,
            &input.to_string_lossy(),
        ])
        .unwrap_err();
        assert!(err.contains("line 2101"), "{err}");
        assert!(
            project_file::load(Path::new(&fresh))
                .unwrap()
                .documents()
                .is_empty()
        );
    }
}
