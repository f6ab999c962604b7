//! The folder project format (`NAME.tagdesk/`): round trips, saves that write only what
//! changed, edits of different documents that touch different files, and kills mid-save.

use std::os::unix::fs::MetadataExt;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Instant;

use tagdesk::formats::project;
use tagdesk::model::{Edit, Entity, EntityId, Origin, Span, Status};

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

fn samples() -> String {
    Path::new(&std::env::var_os("CARGO_MANIFEST_DIR").expect("run by cargo"))
        .join("assets/samples")
        .to_string_lossy()
        .into_owned()
}

/// Inode of every file under the folder, by relative path: a file rewritten gets a new one.
fn inodes(folder: &Path) -> Vec<(String, u64)> {
    let mut out = Vec::new();
    for sub in ["", "docs"] {
        for entry in std::fs::read_dir(folder.join(sub)).unwrap() {
            let entry = entry.unwrap();
            if entry.file_type().unwrap().is_file() {
                let name = Path::new(sub).join(entry.file_name());
                out.push((
                    name.to_string_lossy().into_owned(),
                    entry.metadata().unwrap().ino(),
                ));
            }
        }
    }
    out.sort();
    out
}

fn changed(before: &[(String, u64)], after: &[(String, u64)]) -> Vec<String> {
    let mut names: Vec<String> = after
        .iter()
        .filter(|f| !before.contains(f))
        .map(|f| f.0.clone())
        .chain(
            before
                .iter()
                .filter(|f| !after.iter().any(|a| a.0 == f.0))
                .map(|f| format!("-{}", f.0)),
        )
        .collect();
    names.sort();
    names
}

#[test]
fn a_folder_project_converts_both_ways_and_keeps_everything() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    tagdesk(d, &["new", "one.tagdesk.ron"]);
    tagdesk(d, &["add", "one.tagdesk.ron", &samples()]);
    tagdesk(d, &["annotate", "one.tagdesk.ron"]);
    tagdesk(d, &["convert", "one.tagdesk.ron", "many.tagdesk"]);
    tagdesk(d, &["convert", "many.tagdesk", "back.tagdesk.json"]);
    let one = project::load(&d.join("one.tagdesk.ron")).unwrap();
    let many = project::load(&d.join("many.tagdesk")).unwrap();
    let back = project::load(&d.join("back.tagdesk.json")).unwrap();
    assert_eq!(many.documents(), one.documents());
    assert_eq!(back.documents(), one.documents());
    assert_eq!(many.schema(), one.schema());
    assert!(
        d.join("many.tagdesk/docs/diplomacy-korea-uk-talks.ron")
            .is_file()
    );
    // The conversion, a save of every document, left their summaries in the cache: stats
    // reads no document file (one made unreadable, its size and time kept, goes unread).
    let stats = tagdesk(d, &["stats", "one.tagdesk.ron"]);
    let file = d.join("many.tagdesk/docs/markets-weekly.ron");
    let (bytes, modified) = (
        std::fs::read(&file).unwrap(),
        std::fs::metadata(&file).unwrap().modified().unwrap(),
    );
    std::fs::write(&file, vec![b'#'; bytes.len()]).unwrap();
    let garbled = std::fs::File::options().write(true).open(&file).unwrap();
    garbled.set_modified(modified).unwrap();
    assert_eq!(tagdesk(d, &["stats", "many.tagdesk"]), stats);
    std::fs::write(&file, &bytes).unwrap();
    // Counted once from the documents, then from the summary cache: the same as the file's.
    std::fs::remove_dir_all(d.join("many.tagdesk/.cache")).unwrap();
    assert_eq!(tagdesk(d, &["stats", "many.tagdesk"]), stats);
    assert!(d.join("many.tagdesk/.cache/summary.json").is_file());
    assert_eq!(tagdesk(d, &["stats", "many.tagdesk"]), stats);
    // A changed document is counted again; a broken cache is rebuilt.
    tagdesk(
        d,
        &[
            "annotate",
            "many.tagdesk",
            "--doc",
            "trade-tariffs-g20",
            "--no-learning",
        ],
    );
    tagdesk(
        d,
        &[
            "annotate",
            "one.tagdesk.ron",
            "--doc",
            "trade-tariffs-g20",
            "--no-learning",
        ],
    );
    let stats = tagdesk(d, &["stats", "one.tagdesk.ron"]);
    assert_eq!(tagdesk(d, &["stats", "many.tagdesk"]), stats);
    std::fs::write(d.join("many.tagdesk/.cache/summary.json"), "{not json").unwrap();
    assert_eq!(tagdesk(d, &["stats", "many.tagdesk"]), stats);
    // One document with the model: the folder reads it and the reviewed ones, not the rest,
    // and gets what the whole project gets.
    let learned: Vec<String> = ["many.tagdesk", "one.tagdesk.ron"]
        .iter()
        .map(|p| {
            let printed = tagdesk(d, &["annotate", p, "--doc", "markets-weekly"]);
            // "Learned from 4 documents, 351 entities, 62 events in 1.97 s": less the time.
            printed
                .lines()
                .next()
                .unwrap()
                .split(" in ")
                .next()
                .unwrap()
                .to_owned()
        })
        .collect();
    assert!(
        learned[0].starts_with("Learned from 4 documents"),
        "{learned:?}"
    );
    assert_eq!(learned[0], learned[1]);
    let one = project::load(&d.join("one.tagdesk.ron")).unwrap();
    let many = project::load(&d.join("many.tagdesk")).unwrap();
    assert_eq!(many.documents(), one.documents());
}

#[test]
fn a_save_writes_only_the_documents_that_changed() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let folder = d.join("p.tagdesk");
    tagdesk(d, &["new", "p.tagdesk"]);
    tagdesk(d, &["add", "p.tagdesk", &samples()]);
    let mut p = project::load(&folder).unwrap();
    // A document with a Hangul id, in a file name any file system takes.
    let doc = tagdesk::model::Document::new(
        "서울/뉴스".into(),
        "seoul".into(),
        None,
        "서울 — Park met Hill.".into(),
    );
    let index = p.documents().len();
    p.apply(Edit::AddDocument {
        index,
        document: Box::new(doc),
    })
    .unwrap();
    let before = inodes(&folder);
    project::save(&mut p, &folder).unwrap();
    let after = inodes(&folder);
    assert_eq!(
        changed(&before, &after),
        [
            "docs/%EC%84%9C%EC%9A%B8%2F%EB%89%B4%EC%8A%A4.ron",
            "manifest.ron"
        ]
    );

    // One label: one document file, and not the manifest.
    p.apply(Edit::AddEntity {
        doc: "서울/뉴스".into(),
        entity: Entity {
            id: EntityId(1),
            span: Span { start: 0, end: 2 },
            label: "GPE".into(),
            origin: Origin::Manual,
            status: Status::Accepted,
        },
    })
    .unwrap();
    let before = after;
    project::save(&mut p, &folder).unwrap();
    let after = inodes(&folder);
    assert_eq!(
        changed(&before, &after),
        ["docs/%EC%84%9C%EC%9A%B8%2F%EB%89%B4%EC%8A%A4.ron"]
    );
    let reloaded = project::load(&folder).unwrap();
    assert_eq!(reloaded.documents(), p.documents());

    // A removal deletes its file and rewrites the manifest; undo brings both back.
    let undo = p.apply(Edit::RemoveDocument { index: 0 }).unwrap();
    project::save(&mut p, &folder).unwrap();
    let removed = inodes(&folder);
    assert_eq!(
        changed(&after, &removed),
        ["-docs/README.ron", "manifest.ron"]
    );
    p.apply(undo).unwrap();
    project::save(&mut p, &folder).unwrap();
    assert_eq!(
        project::load(&folder).unwrap().documents(),
        reloaded.documents()
    );
    // Nothing of a save is left behind but the summary cache the add's save wrote (derived
    // data, which the .gitignore keeps out of git).
    let mut names: Vec<_> = std::fs::read_dir(&folder)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, [".cache", ".gitignore", "docs", "manifest.ron"]);
}

#[test]
fn two_annotators_editing_different_documents_touch_different_files() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    tagdesk(d, &["new", "base.tagdesk"]);
    tagdesk(d, &["add", "base.tagdesk", &samples()]);
    let base = d.join("base.tagdesk");
    let mut touched = Vec::new();
    for (who, doc) in [
        ("ana", "trade-tariffs-g20"),
        ("ben", "disaster-typhoon-coast"),
    ] {
        let copy = d.join(format!("{who}.tagdesk"));
        std::fs::create_dir_all(copy.join("docs")).unwrap();
        for name in ["manifest.ron"].into_iter().map(String::from).chain(
            std::fs::read_dir(base.join("docs"))
                .unwrap()
                .map(|e| format!("docs/{}", e.unwrap().file_name().to_string_lossy())),
        ) {
            std::fs::copy(base.join(&name), copy.join(&name)).unwrap();
        }
        tagdesk(
            d,
            &[
                "annotate",
                &format!("{who}.tagdesk"),
                "--doc",
                doc,
                "--no-learning",
            ],
        );
        let differs: Vec<String> = ["manifest.ron".to_owned()]
            .into_iter()
            .chain(
                std::fs::read_dir(copy.join("docs"))
                    .unwrap()
                    .map(|e| format!("docs/{}", e.unwrap().file_name().to_string_lossy())),
            )
            .filter(|n| std::fs::read(base.join(n)).ok() != std::fs::read(copy.join(n)).ok())
            .collect();
        touched.push(differs);
    }
    // Disjoint files, the manifest untouched: git merges the two without a conflict.
    assert_eq!(touched[0], ["docs/trade-tariffs-g20.ron"]);
    assert_eq!(touched[1], ["docs/disaster-typhoon-coast.ron"]);
}

#[test]
fn a_kill_at_any_moment_of_a_folder_save_leaves_the_old_or_the_new_project() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let articles = d.join("articles");
    std::fs::create_dir(&articles).unwrap();
    let paragraph = "Vice Foreign Minister Park Ji-won (박지원) met Laura Hill in London on Friday — \
                     talks on tariffs of 3.5%\u{a0}and a $1.2 billion fund. ";
    // Enough documents that the save syncs them all at once (its large-save path).
    for i in 0..300 {
        std::fs::write(
            articles.join(format!("a{i:03}.txt")),
            format!("Article {i}\n\n{}", paragraph.repeat(50)),
        )
        .unwrap();
    }
    let bin = env!("CARGO_BIN_EXE_tagdesk");
    let fresh = || {
        let _ = std::fs::remove_dir_all(d.join("p.tagdesk"));
        tagdesk(d, &["new", "p.tagdesk"]);
    };
    fresh();
    let started = Instant::now();
    tagdesk(d, &["add", "p.tagdesk", "articles"]);
    let full = started.elapsed();
    fresh();
    let (mut early, mut late) = (full.mul_f64(0.0), full.mul_f64(1.5));
    let (mut old, mut new, mut mid_save) = (0, 0, 0);
    let margin = full.mul_f64(0.05);
    for _ in 0..80 {
        if late < early + margin {
            (early, late) = (early.saturating_sub(margin), late.max(early) + margin);
        }
        let delay = (early + late) / 2;
        let mut child = Command::new(bin)
            .current_dir(d)
            .args(["add", "p.tagdesk", "articles"])
            .stdout(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(delay);
        let _ = child.kill();
        child.wait().unwrap();
        let leftovers = std::fs::read_dir(d.join("p.tagdesk"))
            .unwrap()
            .filter(|e| {
                e.as_ref()
                    .unwrap()
                    .file_name()
                    .to_str()
                    .is_some_and(|n| n.starts_with(".staging-") || n == ".commit")
            })
            .count();
        if leftovers > 0 {
            mid_save += 1;
        }
        let loaded = project::load(&d.join("p.tagdesk"))
            .unwrap_or_else(|e| panic!("after a kill at {delay:?}: {e}"));
        match loaded.documents().len() {
            0 => {
                old += 1;
                early = delay;
            }
            300 => {
                new += 1;
                late = delay;
                fresh();
            }
            n => panic!("a half-saved project with {n} documents"),
        }
        if mid_save >= 3 && old > 0 && new > 0 {
            break;
        }
    }
    eprintln!("kills: {old} left the old project, {new} the new one, {mid_save} hit the save");
    assert!(
        mid_save > 0,
        "no kill landed during the save; the test proved nothing"
    );
    assert!(old > 0 && new > 0);
}

#[test]
fn a_folder_project_can_keep_its_documents_as_json_and_converts_both_ways() {
    let dir = tempfile::tempdir().unwrap();
    tagdesk(dir.path(), &["new", "j.tagdesk", "--documents", "json"]);
    tagdesk(dir.path(), &["add", "j.tagdesk", &samples()]);
    tagdesk(dir.path(), &["annotate", "j.tagdesk"]);
    let docs: Vec<String> = std::fs::read_dir(dir.path().join("j.tagdesk/docs"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(!docs.is_empty());
    assert!(docs.iter().all(|d| d.ends_with(".json")), "{docs:?}");
    let manifest = std::fs::read_to_string(dir.path().join("j.tagdesk/manifest.ron")).unwrap();
    assert!(manifest.contains("documents_format: Json"), "{manifest}");
    let json = project::load(&dir.path().join("j.tagdesk")).unwrap();
    // Later saves keep the folder's format.
    tagdesk(dir.path(), &["annotate", "j.tagdesk"]);
    assert!(
        !dir.path()
            .join("j.tagdesk/docs")
            .read_dir()
            .unwrap()
            .any(|e| { e.unwrap().file_name().to_string_lossy().ends_with(".ron") })
    );
    tagdesk(
        dir.path(),
        &["convert", "j.tagdesk", "r.tagdesk", "--documents", "ron"],
    );
    tagdesk(
        dir.path(),
        &["convert", "r.tagdesk", "j2.tagdesk", "--documents", "json"],
    );
    let ron = project::load(&dir.path().join("r.tagdesk")).unwrap();
    let again = project::load(&dir.path().join("j2.tagdesk")).unwrap();
    assert_eq!(ron.documents(), json.documents());
    assert_eq!(again.documents(), json.documents());
    let refused = Command::new(env!("CARGO_BIN_EXE_tagdesk"))
        .current_dir(dir.path())
        .args(["new", "x.tagdesk.ron", "--documents", "json"])
        .output()
        .unwrap();
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("folder project"));
}
