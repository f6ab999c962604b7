//! The learning commands run as a user (or a batch job) would: a project whose reviewed
//! documents call people `Person` pre-annotates its next documents and files that way;
//! `learning` shows and switches it; `learning-curve` prints a reproducible curve.

use std::path::{Path, PathBuf};
use std::process::Command;

use tagdesk::formats::project as project_file;
use tagdesk::model::{Origin, Status};

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

fn arg(path: &Path) -> &str {
    path.to_str().expect("utf-8 path")
}

/// The entity labels of `annotate-file` output.
fn entity_labels(jsonl: &str) -> std::collections::BTreeSet<String> {
    jsonl
        .lines()
        .flat_map(|line| {
            let value: serde_json::Value = serde_json::from_str(line).expect("a JSON line");
            value["entities"]
                .as_array()
                .expect("entities")
                .iter()
                .map(|e| e["label"].as_str().expect("label").to_owned())
                .collect::<Vec<_>>()
        })
        .collect()
}

/// Four sample articles' gold, with `PER` renamed `Person`, as one JSONL file.
fn renamed_gold(dir: &Path) -> PathBuf {
    let mut out = String::new();
    // The one with most people last: `--test 1` scores it.
    for name in [
        "trade-tariffs-g20",
        "crime-port-smuggling-arrests",
        "disaster-typhoon-coast",
        "diplomacy-korea-uk-talks",
    ] {
        let text = std::fs::read_to_string(sample(&format!("{name}.gold.jsonl"))).unwrap();
        out.push_str(&text.replace("\"label\": \"PER\"", "\"label\": \"Person\""));
        if !out.ends_with('\n') {
            out.push('\n');
        }
    }
    let path = dir.join("reviewed.jsonl");
    std::fs::write(&path, out).unwrap();
    path
}

#[test]
fn a_project_pre_annotates_its_next_documents_and_files_its_own_way() {
    let dir = tempfile::tempdir().unwrap();
    let project = dir.path().join("team.tagdesk.ron");
    tagdesk(&["new", arg(&project)]);
    tagdesk(&[
        "import",
        arg(&project),
        "--format",
        "gold",
        arg(&renamed_gold(dir.path())),
        "--add-labels",
    ]);
    let article = sample("business-chipmaker-merger.txt");
    tagdesk(&["add", arg(&project), arg(&article)]);

    let report = tagdesk(&["annotate", arg(&project)]);
    assert!(
        report.contains("Learned from 4 documents"),
        "the imported gold is reviewed work:\n{report}"
    );
    assert!(
        report.contains("left 4 reviewed document(s) as they are"),
        "{report}"
    );
    let loaded = project_file::load(&project).unwrap();
    let doc = loaded
        .documents()
        .iter()
        .find(|d| d.name() == "business-chipmaker-merger.txt")
        .unwrap();
    let labels: Vec<&str> = doc.entities().iter().map(|e| e.label.as_str()).collect();
    assert!(
        labels.contains(&"Person") && !labels.contains(&"PER"),
        "{labels:?}"
    );
    assert!(doc.entities().iter().any(|e| e.status == Status::Suggested
        && matches!(&e.origin, Origin::Auto { engine, .. } if engine == "tagdesk-model")));
    // The reviewed documents got no suggestions.
    assert!(
        loaded
            .documents()
            .iter()
            .filter(|d| d.id() != doc.id())
            .all(|d| d.entities().iter().all(|e| e.status == Status::Accepted))
    );

    // Running it again changes nothing: the same model proposes the same suggestions.
    tagdesk(&["annotate", arg(&project)]);
    let again = project_file::load(&project).unwrap();
    assert_eq!(
        again
            .documents()
            .iter()
            .find(|d| d.id() == doc.id())
            .unwrap(),
        doc
    );

    // The next batch, as files: the same labels, in the gold JSONL shape on stdout.
    let out = tagdesk(&[
        "annotate-file",
        arg(&article),
        "--project",
        arg(&project),
        "--format",
        "jsonl",
    ]);
    let line: serde_json::Value = serde_json::from_str(out.lines().next().unwrap()).unwrap();
    let labels: Vec<&str> = line["entities"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["label"].as_str().unwrap())
        .collect();
    assert!(
        labels.contains(&"Person") && !labels.contains(&"PER"),
        "{labels:?}"
    );
    // Without the project: the rules' own labels.
    let labels = entity_labels(&tagdesk(&["annotate-file", arg(&article)]));
    assert!(
        labels.contains("PER") && !labels.contains("Person"),
        "{labels:?}"
    );

    // Learning shown, switched off (saved in the project), and the rules are back.
    let shown = tagdesk(&["learning", arg(&project)]);
    assert!(
        shown.contains("learning: on") && shown.contains("Person"),
        "{shown}"
    );
    assert!(shown.contains("estimated quality"), "{shown}");
    tagdesk(&["learning", arg(&project), "off"]);
    assert!(!project_file::load(&project).unwrap().learning());
    let out = tagdesk(&["annotate-file", arg(&article), "--project", arg(&project)]);
    let labels = entity_labels(&out);
    assert!(
        labels.contains("PER") && !labels.contains("Person"),
        "{labels:?}"
    );
    tagdesk(&["learning", arg(&project), "on"]);
    assert!(project_file::load(&project).unwrap().learning());
}

#[test]
fn learning_curve_prints_f1_per_training_size() {
    let dir = tempfile::tempdir().unwrap();
    let gold = renamed_gold(dir.path());
    let out = tagdesk(&[
        "learning-curve",
        arg(&gold),
        "--train-sizes",
        "0,1,3",
        "--test",
        "1",
        "--json",
    ]);
    let curve: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(curve["test_docs"], 1);
    let points = curve["points"].as_array().unwrap();
    let sizes: Vec<u64> = points
        .iter()
        .map(|p| p["train_docs"].as_u64().unwrap())
        .collect();
    assert_eq!(sizes, [0, 1, 3]);
    for p in points {
        let f1 = p["f1"].as_f64().unwrap();
        assert!((0.0..=1.0).contains(&f1));
        assert!(p["trigger_f1"].is_f64());
    }
    // The rules never say Person; three reviewed documents teach it.
    let f1 = |k: usize| points[k]["f1"].as_f64().unwrap();
    assert!(f1(2) > f1(0) + 0.1, "{curve}");

    let table = tagdesk(&["learning-curve", arg(&gold), "--leave-one-out"]);
    assert!(
        table.contains("rules") && table.contains("(loo)"),
        "{table}"
    );
}

#[test]
fn a_splits_file_names_the_set_and_a_bad_one_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let gold = renamed_gold(dir.path());
    let splits = dir.path().join("splits.json");
    std::fs::write(
        &splits,
        r#"{"protocol": "k first of train_order",
            "samples": {"labels": "PER,ORG,LOC", "test": ["trade-tariffs-g20"],
                        "train_order": ["diplomacy-korea-uk-talks", "crime-port-smuggling-arrests", "disaster-typhoon-coast"]}}"#,
    )
    .unwrap();
    let out = tagdesk(&[
        "learning-curve",
        arg(&gold),
        "--split",
        arg(&splits),
        "--train-sizes",
        "0,3",
    ]);
    assert!(
        out.contains("(samples): 1 test documents, PER,ORG,LOC (coarse)"),
        "{out}"
    );
    std::fs::write(
        &splits,
        r#"{"other": {"labels": "PER", "test": ["nope"], "train_order": []}}"#,
    )
    .unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_tagdesk"))
        .args(["learning-curve", arg(&gold), "--split", arg(&splits)])
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("no set of"), "{stderr}");
}
