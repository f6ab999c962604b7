//! The project commands, run as a user runs them.

use std::path::Path;
use std::process::{Command, Output};

fn tagdesk(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tagdesk"))
        .current_dir(dir)
        .args(args)
        .output()
        .unwrap()
}

fn ok(dir: &Path, args: &[&str]) -> String {
    let output = tagdesk(dir, args);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "tagdesk {args:?} failed: {stderr}");
    String::from_utf8(output.stdout).unwrap()
}

fn absolute(path: &str) -> String {
    std::fs::canonicalize(path)
        .unwrap()
        .to_string_lossy()
        .into_owned()
}

#[test]
fn new_add_validate_stats_convert() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    assert!(
        ok(d, &["new", "news.tagdesk.ron", "--annotator", "ana"])
            .contains("created news.tagdesk.ron")
    );
    // A folder of articles plus a PDF, which is reported and passed over.
    let articles = d.join("articles");
    std::fs::create_dir(&articles).unwrap();
    for name in ["trade-tariffs-g20.txt", "election-mayor.html"] {
        std::fs::copy(Path::new("assets/samples").join(name), articles.join(name)).unwrap();
    }
    std::fs::write(articles.join("scan.pdf"), b"%PDF-1.7").unwrap();
    let out = ok(d, &["add", "news.tagdesk.ron", "articles"]);
    assert!(out.contains("added 2 document(s)"), "{out}");
    assert!(out.contains("passed over articles/scan.pdf"), "{out}");
    let out = ok(
        d,
        &[
            "add",
            "news.tagdesk.ron",
            &absolute("assets/samples/markets-weekly.md"),
        ],
    );
    assert!(out.contains("added 1 document(s)"), "{out}");

    // Adding the same articles again adds nothing.
    let out = ok(
        d,
        &[
            "add",
            "news.tagdesk.ron",
            &absolute("assets/samples/trade-tariffs-g20.txt"),
        ],
    );
    assert!(
        out.contains("skipped trade-tariffs-g20.txt: the project already has the same text"),
        "{out}"
    );

    let gold = absolute("../shared/data/brat_news_tutorial/brat_news_tutorial.gold.jsonl");
    let refused = tagdesk(d, &["add", "news.tagdesk.ron", &gold]);
    assert_eq!(refused.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(
        stderr.contains("label Organization") && stderr.contains("--add-labels"),
        "{stderr}"
    );
    let out = ok(d, &["add", "news.tagdesk.ron", &gold, "--add-labels"]);
    assert!(
        out.contains("added 11 document(s) with 35 entities and 17 events"),
        "{out}"
    );

    let out = ok(d, &["validate", "news.tagdesk.ron"]);
    assert!(
        out.contains("valid (14 documents, 35 entities, 17 events, 0 warning(s))"),
        "{out}"
    );

    let out = ok(d, &["stats", "news.tagdesk.ron"]);
    assert!(
        out.contains("project \"news\": 14 documents (0 done)"),
        "{out}"
    );
    let org_row = out.lines().find(|l| l.starts_with("Organization")).unwrap();
    assert_eq!(
        org_row.split_whitespace().collect::<Vec<_>>(),
        ["Organization", "0", "29", "0", "29"]
    );
    let merge_row = out.lines().find(|l| l.starts_with("Merge-org")).unwrap();
    assert_eq!(merge_row.split_whitespace().last(), Some("10"));

    ok(d, &["convert", "news.tagdesk.ron", "news.tagdesk.json"]);
    let ron = ok(d, &["stats", "news.tagdesk.ron"]);
    assert_eq!(
        ok(d, &["stats", "news.tagdesk.json"]),
        ron,
        "the JSON copy holds the same project"
    );
}

#[test]
fn new_never_overwrites_and_checks_its_schema() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    ok(d, &["new", "p.tagdesk.json"]);
    let before = std::fs::read(d.join("p.tagdesk.json")).unwrap();
    let again = tagdesk(d, &["new", "p.tagdesk.json"]);
    assert_eq!(again.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&again.stderr).contains("already exists"));
    assert_eq!(std::fs::read(d.join("p.tagdesk.json")).unwrap(), before);

    std::fs::write(
        d.join("schema.ron"),
        r##"(name: "tiny", entity_labels: [(name: "X", color: "#ffffff", hotkey: Some('x')), (name: "Y", color: "#000000", hotkey: Some('x'))])"##,
    )
    .unwrap();
    let bad = tagdesk(d, &["new", "q.tagdesk.ron", "--schema", "schema.ron"]);
    assert!(String::from_utf8_lossy(&bad.stderr).contains("hotkey 'x' is used by \"X\" and \"Y\""));
    assert!(
        !d.join("q.tagdesk.ron").exists(),
        "nothing written on failure"
    );

    std::fs::write(
        d.join("schema.json"),
        r##"{"name": "tiny", "entity_labels": [{"name": "X", "color": "#ffffff"}]}"##,
    )
    .unwrap();
    ok(d, &["new", "q.tagdesk.ron", "--schema", "schema.json"]);
    assert!(ok(d, &["stats", "q.tagdesk.ron"]).contains("0 documents"));
}

#[test]
fn help_lists_every_command() {
    let out = ok(Path::new("."), &["--help"]);
    for command in [
        "new", "add", "validate", "stats", "convert", "annotate", "export", "import",
    ] {
        assert!(out.contains(command), "help lists {command}: {out}");
    }
}

#[test]
fn new_takes_its_schema_from_an_annotation_conf_or_another_project() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(
        d.join("annotation.conf"),
        "[entities]\nPerson\nOrganization\n[relations]\nWorks-for\tArg1:Person, Arg2:Organization\n[events]\nHire\tEmployee:Person, Employer:Organization\n[attributes]\n",
    )
    .unwrap();
    ok(
        d,
        &["new", "team.tagdesk.ron", "--schema", "annotation.conf"],
    );
    let team = tagdesk::formats::project::load(&d.join("team.tagdesk.ron")).unwrap();
    let schema = team.schema();
    assert!(schema.entity_label("Person").is_some());
    assert!(schema.relation_type("Works-for").is_some());
    assert!(schema.event_type("Hire").is_some());
    ok(
        d,
        &["new", "next.tagdesk.ron", "--schema", "team.tagdesk.ron"],
    );
    let next = tagdesk::formats::project::load(&d.join("next.tagdesk.ron")).unwrap();
    assert_eq!(next.schema(), schema);
}
