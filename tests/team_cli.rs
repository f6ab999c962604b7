//! `tagdesk split`, `agree` and `merge` as a team runs them, on files.

use std::path::Path;
use std::process::Command;

fn tagdesk(dir: &Path, args: &[&str]) -> String {
    let output = Command::new(env!("CARGO_BIN_EXE_tagdesk"))
        .current_dir(dir)
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

fn fails(dir: &Path, args: &[&str]) -> String {
    let output = Command::new(env!("CARGO_BIN_EXE_tagdesk"))
        .current_dir(dir)
        .args(args)
        .output()
        .expect("run tagdesk");
    assert!(!output.status.success(), "tagdesk {args:?} should fail");
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Gold JSONL for one annotator: the samples' gold, `sloppy` relabelling people ORG.
fn gold(dir: &Path, name: &str, sloppy: bool) -> String {
    let mut out = String::new();
    for sample in [
        "diplomacy-korea-uk-talks",
        "trade-tariffs-g20",
        "business-chipmaker-merger",
    ] {
        let text = std::fs::read_to_string(
            Path::new(&std::env::var_os("CARGO_MANIFEST_DIR").expect("run by cargo"))
                .join("assets/samples")
                .join(format!("{sample}.gold.jsonl")),
        )
        .unwrap();
        let text = if sloppy {
            text.replace("\"label\": \"PER\"", "\"label\": \"ORG\"")
        } else {
            text
        };
        out.push_str(text.trim_end());
        out.push('\n');
    }
    let file = format!("{name}.jsonl");
    std::fs::write(dir.join(&file), out).unwrap();
    file
}

#[test]
fn a_team_splits_measures_agreement_and_merges_on_files() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // The lead splits a project of 6 articles between two annotators, a third shared.
    tagdesk(d, &["new", "lead.tagdesk.ron"]);
    for sample in [
        "diplomacy-korea-uk-talks.txt",
        "trade-tariffs-g20.txt",
        "business-chipmaker-merger.txt",
        "crime-port-smuggling-arrests.txt",
        "disaster-typhoon-coast.txt",
        "election-mayor.html",
    ] {
        let path = Path::new(&std::env::var_os("CARGO_MANIFEST_DIR").expect("run by cargo"))
            .join("assets/samples")
            .join(sample);
        tagdesk(d, &["add", "lead.tagdesk.ron", path.to_str().unwrap()]);
    }
    let report = tagdesk(
        d,
        &[
            "split",
            "lead.tagdesk.ron",
            "--annotators",
            "ana,ben",
            "--overlap",
            "34%",
            "--out",
            "team",
            "--seed",
            "5",
        ],
    );
    assert!(report.contains("3 of 6 documents shared"), "{report}");
    let plan: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(d.join("team/split.json")).unwrap()).unwrap();
    assert_eq!(plan["annotators"], serde_json::json!(["ana", "ben"]));
    assert_eq!(plan["documents"].as_array().unwrap().len(), 6);
    let ana = tagdesk::formats::project::load(&d.join("team/ana.tagdesk.ron")).unwrap();
    assert_eq!(ana.annotator(), "ana");
    // Split again into the same folder: refused, nothing overwritten.
    let refused = fails(
        d,
        &[
            "split",
            "lead.tagdesk.ron",
            "--annotators",
            "ana,ben",
            "--out",
            "team",
        ],
    );
    assert!(refused.contains("exists"), "{refused}");

    // The annotators' work, simulated by importing gold; ben calls people ORG.
    for (name, sloppy) in [("ana", false), ("ben", true)] {
        let file = gold(d, name, sloppy);
        tagdesk(
            d,
            &["new", &format!("{name}.tagdesk.ron"), "--annotator", name],
        );
        tagdesk(
            d,
            &[
                "import",
                &format!("{name}.tagdesk.ron"),
                "--format",
                "gold",
                &file,
            ],
        );
    }
    let table = tagdesk(d, &["agree", "ana.tagdesk.ron", "ben.tagdesk.ron"]);
    assert!(
        table.contains("2 annotators (ana, ben), 3 shared documents"),
        "{table}"
    );
    assert!(table.contains("Krippendorff's alpha"), "{table}");
    let json: serde_json::Value = serde_json::from_str(&tagdesk(
        d,
        &["agree", "ana.tagdesk.ron", "ben.tagdesk.ron", "--json"],
    ))
    .unwrap();
    let pair = &json["pairs"][0];
    assert_eq!(
        (pair["a"].as_str(), pair["b"].as_str()),
        (Some("ana"), Some("ben"))
    );
    for x in [&pair["f1"], &pair["kappa"], &json["alpha"]] {
        let x = x.as_f64().unwrap();
        assert!((0.0..=1.0).contains(&x), "{x}");
    }
    assert!(pair["f1"].as_f64().unwrap() < 1.0);
    assert_eq!(pair["per_label"]["GPE"]["f1"].as_f64(), Some(1.0));
    assert!(pair["per_label"]["PER"]["f1"].as_f64().unwrap() < 0.01);
    assert!(json["events"]["pairs"][0]["trigger_f1"].is_f64());

    let merged = tagdesk(
        d,
        &[
            "merge",
            "ana.tagdesk.ron",
            "ben.tagdesk.ron",
            "--out",
            "curated.tagdesk.ron",
        ],
    );
    assert!(merged.contains("3 documents (3 shared"), "{merged}");
    let curated = tagdesk::formats::project::load(&d.join("curated.tagdesk.ron")).unwrap();
    let doc = &curated.documents()[0];
    let accepted = doc
        .entities()
        .iter()
        .filter(|e| e.status == tagdesk::model::Status::Accepted);
    let suggested = doc
        .entities()
        .iter()
        .filter(|e| e.status == tagdesk::model::Status::Suggested);
    assert!(accepted.count() > 0 && suggested.count() > 0);
    let refused = fails(
        d,
        &[
            "merge",
            "ana.tagdesk.ron",
            "ben.tagdesk.ron",
            "--out",
            "curated.tagdesk.ron",
        ],
    );
    assert!(refused.contains("exists"), "{refused}");
}
