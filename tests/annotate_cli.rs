//! `tagdesk annotate`, `annotate-file` and `eval` run as a user would, on a temporary project.

use std::path::{Path, PathBuf};
use std::process::Command;

use tagdesk::formats::project as project_file;
use tagdesk::model::{Edit, Origin, Status};

fn tagdesk(args: &[&str]) -> String {
    let output = Command::new(env!("CARGO_BIN_EXE_tagdesk"))
        .args(args)
        .output()
        .expect("run tagdesk");
    assert!(
        output.status.success(),
        "tagdesk {args:?} failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn sample(name: &str) -> PathBuf {
    Path::new(&std::env::var_os("CARGO_MANIFEST_DIR").expect("run by cargo"))
        .join("assets/samples")
        .join(name)
}

/// (suggested, accepted, rejected) entity counts and the suggested event count.
fn counts(path: &Path) -> (usize, usize, usize, usize) {
    let project = project_file::load(path).expect("load");
    let doc = &project.documents()[0];
    let status = |s| doc.entities().iter().filter(|e| e.status == s).count();
    let events = doc
        .events()
        .iter()
        .filter(|e| e.status == Status::Suggested)
        .count();
    (
        status(Status::Suggested),
        status(Status::Accepted),
        status(Status::Rejected),
        events,
    )
}

#[test]
fn annotate_suggests_once_and_respects_decisions() {
    let dir = tempfile::tempdir().expect("temp dir");
    let project = dir.path().join("news.tagdesk.ron");
    let project_arg = project.to_str().expect("utf-8 path");
    let article = sample("diplomacy-korea-uk-talks.txt");
    tagdesk(&["new", project_arg]);
    tagdesk(&["add", project_arg, article.to_str().expect("utf-8 path")]);

    let report = tagdesk(&["annotate", project_arg]);
    assert!(report.contains("suggested"), "{report}");
    let (suggested, accepted, rejected, events) = counts(&project);
    assert!(
        suggested > 50 && events > 5,
        "{suggested} entities, {events} events"
    );
    assert_eq!((accepted, rejected), (0, 0));
    {
        let project = project_file::load(&project).expect("load");
        let doc = &project.documents()[0];
        assert!(doc.entities().iter().all(|e| matches!(
            &e.origin,
            Origin::Auto { engine, score, .. } if engine == "tagdesk-rules" && (0.0..=1.0).contains(score)
        )));
        assert!(
            project
                .problems()
                .iter()
                .all(|p| p.severity != tagdesk::model::Severity::Error)
        );
    }

    // Running again adds nothing.
    tagdesk(&["annotate", project_arg, "--doc", "diplomacy-korea-uk-talks"]);
    assert_eq!(counts(&project), (suggested, 0, 0, events));

    // The annotator rejects the first suggestion and accepts the second.
    let mut loaded = project_file::load(&project).expect("load");
    let doc = loaded.documents()[0].clone();
    let mut rejected = doc.entities()[0].clone();
    rejected.status = Status::Rejected;
    let mut accepted = doc.entities()[1].clone();
    accepted.status = Status::Accepted;
    accepted.label = "ORG".to_owned();
    loaded
        .apply(Edit::Batch(vec![
            Edit::ReplaceEntity {
                doc: doc.id().to_owned(),
                entity: rejected.clone(),
            },
            Edit::ReplaceEntity {
                doc: doc.id().to_owned(),
                entity: accepted.clone(),
            },
        ]))
        .expect("review");
    project_file::save(&mut loaded, &project).expect("save");

    tagdesk(&["annotate", project_arg]);
    assert_eq!(counts(&project), (suggested - 2, 1, 1, events));
    let after = project_file::load(&project).expect("load");
    let doc = &after.documents()[0];
    assert_eq!(
        doc.entity(accepted.id),
        Some(&accepted),
        "accepted one untouched"
    );
    let same_as_rejected = doc
        .entities()
        .iter()
        .filter(|e| e.span == rejected.span && e.label == rejected.label)
        .count();
    assert_eq!(
        same_as_rejected, 1,
        "the rejected one is not suggested again"
    );
}

#[test]
fn annotate_refuses_unknown_documents() {
    let dir = tempfile::tempdir().expect("temp dir");
    let project = dir.path().join("p.tagdesk.ron");
    let project_arg = project.to_str().expect("utf-8 path");
    tagdesk(&["new", project_arg]);
    let output = Command::new(env!("CARGO_BIN_EXE_tagdesk"))
        .args(["annotate", project_arg, "--doc", "nope"])
        .output()
        .expect("run tagdesk");
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("nope"));
}

#[test]
fn annotate_file_prints_the_gold_format() {
    let article = sample("trade-tariffs-g20.txt");
    let out = tagdesk(&[
        "annotate-file",
        article.to_str().expect("utf-8 path"),
        "--format",
        "jsonl",
    ]);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 1);
    let value: serde_json::Value = serde_json::from_str(lines[0]).expect("json");
    assert_eq!(value["id"], "trade-tariffs-g20.txt");
    let text = value["text"].as_str().expect("text");
    let chars: Vec<char> = text.chars().collect();
    let entities = value["entities"].as_array().expect("entities");
    let first = &entities[0];
    let keys: Vec<&str> = first
        .as_object()
        .expect("object")
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(keys, ["end", "label", "score", "start"]);
    let span = |v: &serde_json::Value| -> String {
        let (s, e) = (
            v["start"].as_u64().expect("start"),
            v["end"].as_u64().expect("end"),
        );
        chars[s as usize..e as usize].iter().collect()
    };
    assert!(
        entities
            .iter()
            .any(|e| span(e) == "Martin Kessler" && e["label"] == "PER")
    );
    let events = value["events"].as_array().expect("events");
    let meet = events
        .iter()
        .find(|e| e["type"] == "Contact:Meet")
        .expect("a meeting");
    assert!(meet["trigger"]["start"].is_u64() && meet["arguments"].is_array());
}

#[test]
fn eval_prints_scores() {
    let gold = sample("business-chipmaker-merger.gold.jsonl");
    let out = tagdesk(&["eval", gold.to_str().expect("utf-8 path"), "--coarse"]);
    assert!(
        out.contains("micro") && out.contains("trigger classification"),
        "{out}"
    );
    assert!(out.lines().any(|l| l.starts_with("PER ")), "{out}");
    let out = tagdesk(&[
        "eval",
        gold.to_str().expect("utf-8 path"),
        "--labels",
        "ORG",
    ]);
    assert!(!out.lines().any(|l| l.starts_with("PER ")), "{out}");
}

/// Runs tagdesk expecting failure; returns stderr.
fn tagdesk_fails(args: &[&str]) -> String {
    let output = Command::new(env!("CARGO_BIN_EXE_tagdesk"))
        .args(args)
        .output()
        .expect("run tagdesk");
    assert!(!output.status.success(), "tagdesk {args:?} should fail");
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// The text and label of each suggestion the dictionary made in the project's first document.
fn dictionary_suggestions(path: &Path) -> Vec<(String, String)> {
    let project = project_file::load(path).expect("load");
    let doc = &project.documents()[0];
    doc.entities()
        .iter()
        .filter(|e| matches!(&e.origin, Origin::Auto { rule, .. } if rule == "dictionary"))
        .map(|e| (doc.span_text(e.span).unwrap().to_owned(), e.label.clone()))
        .collect()
}

#[test]
fn a_dictionary_is_attached_checked_shown_used_and_removed() {
    let dir = tempfile::tempdir().expect("temp dir");
    let project = dir.path().join("news.tagdesk.ron");
    let arg = project.to_str().expect("utf-8 path");
    let article = sample("diplomacy-korea-uk-talks.txt");
    tagdesk(&["new", arg]);
    tagdesk(&["add", arg, article.to_str().expect("utf-8 path")]);
    let out = tagdesk(&["dictionary", arg]);
    assert!(out.contains("no dictionary attached"), "{out}");

    // "Asia-Pacific" is LOC by the rules; the dictionary says ORG, and a label the schema lacks.
    let patterns = dir.path().join("patterns.jsonl");
    std::fs::write(
        &patterns,
        "{\"label\": \"ORG\", \"pattern\": \"Asia-Pacific\"}\n\
         {\"label\": \"LAW\", \"pattern\": [{\"lower\": \"free\"}, {\"lower\": \"trade\"}, {\"lower\": \"agreement\"}]}\n",
    )
    .expect("write");
    let patterns_arg = patterns.to_str().expect("utf-8 path");
    let broken = dir.path().join("broken.jsonl");
    std::fs::write(
        &broken,
        "{\"label\": \"ORG\", \"pattern\": \"Nikkei Asia\"}\n{\"label\": \"ORG\", \"pattern\": [{\"shape\": \"Xx\"}]}\n",
    )
    .expect("write");
    let before = std::fs::read(&project).expect("read");
    let err = tagdesk_fails(&["dictionary", arg, broken.to_str().expect("utf-8 path")]);
    assert!(
        err.contains("broken.jsonl") && err.contains("dictionary line 2"),
        "{err}"
    );
    let err = tagdesk_fails(&["dictionary", arg, patterns_arg]);
    assert!(
        err.contains("labels the project schema lacks: LAW") && err.contains("--add-labels"),
        "{err}"
    );
    assert_eq!(
        std::fs::read(&project).expect("read"),
        before,
        "refused: the project is untouched"
    );

    let out = tagdesk(&["dictionary", arg, patterns_arg, "--add-labels"]);
    assert!(
        out.contains("attached 2 dictionary pattern(s) (ORG 1, LAW 1)")
            && out.contains("the schema gained label(s) LAW"),
        "{out}"
    );
    let out = tagdesk(&["dictionary", arg]);
    assert!(
        out.contains("2 dictionary pattern(s): ORG 1, LAW 1"),
        "{out}"
    );

    // A copy annotated with another dictionary for one run uses that one only.
    let copy = dir.path().join("copy.tagdesk.ron");
    std::fs::copy(&project, &copy).expect("copy");
    let other = dir.path().join("other.jsonl");
    std::fs::write(
        &other,
        "{\"label\": \"ORG\", \"pattern\": \"Staff Reporters\"}\n",
    )
    .expect("write");
    let copy_arg = copy.to_str().expect("utf-8 path");
    tagdesk(&[
        "annotate",
        copy_arg,
        "--dictionary",
        other.to_str().expect("utf-8 path"),
    ]);
    assert_eq!(
        dictionary_suggestions(&copy),
        [("Staff Reporters".to_owned(), "ORG".to_owned())]
    );
    assert_eq!(
        project_file::load(&copy).expect("load").dictionary().len(),
        2,
        "--dictionary does not replace the project's"
    );

    // The project's own dictionary, winning over the rules.
    let out = tagdesk(&["annotate", arg]);
    assert!(
        out.contains("using the project dictionary (2 pattern(s))"),
        "{out}"
    );
    assert_eq!(
        dictionary_suggestions(&project),
        [
            ("Asia-Pacific".to_owned(), "ORG".to_owned()),
            ("free trade agreement".to_owned(), "LAW".to_owned())
        ]
    );

    let out = tagdesk(&["dictionary", arg, "--clear"]);
    assert!(
        out.contains("removed the dictionary (2 pattern(s))"),
        "{out}"
    );
    let loaded = project_file::load(&project).expect("load");
    assert!(loaded.dictionary().is_empty());
    assert!(
        loaded.schema().entity_label("LAW").is_some(),
        "the label stays: suggestions use it"
    );
    let err = tagdesk_fails(&["dictionary", arg, patterns_arg, "--clear"]);
    assert!(err.contains("cannot be used with"), "{err}");
}
