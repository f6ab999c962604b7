//! The shared data in `../shared/data`: brat's news tutorial imports (entities, events with
//! roles, nested events, attributes, notes) and exports back to the same annotations; every
//! `*.gold.jsonl` imports, exports to CoNLL IOB2 and to spaCy JSONL, and re-imports with
//! identical spans.

mod exchange_common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use exchange_common::{empty_schema, entities_of, project_of, reimport, run_export};
use tagdesk::formats::exchange::{self, ExchangeFormat, ImportOptions};
use tagdesk::formats::export::{BRAT_EXTRA_META_KEY, ExportFormat, ExportOptions, TagScheme};
use tagdesk::formats::preflight::FindingKind;
use tagdesk::model::{ArgTarget, Document, Edit, Project};

fn data_dir() -> PathBuf {
    Path::new(&std::env::var_os("CARGO_MANIFEST_DIR").expect("run by cargo")).join("../shared/data")
}

fn brat_tutorial() -> PathBuf {
    data_dir().join("brat_news_tutorial")
}

/// The tutorial in a project whose schema is its `annotation.conf`.
fn tutorial_project() -> (Project, Vec<String>) {
    let imported = exchange::import(
        ExchangeFormat::Brat,
        &[brat_tutorial()],
        &ImportOptions::default(),
    )
    .expect("the brat tutorial imports");
    let schema = imported.schema.expect("annotation.conf is read");
    assert_eq!(schema.problems(), Vec::<String>::new());
    let mut project = Project::new("brat".into(), "tester".into(), schema);
    for (index, document) in imported.documents.into_iter().enumerate() {
        project
            .apply(Edit::AddDocument {
                index,
                document: Box::new(document),
            })
            .expect("every tutorial document fits its annotation.conf");
    }
    (project, imported.notes)
}

/// The non-blank lines of a tutorial `.ann` file.
fn ann_lines(path: &Path) -> Vec<String> {
    std::fs::read_to_string(path)
        .expect("read .ann")
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(str::to_owned)
        .collect()
}

#[test]
fn brat_tutorial_imports_everything() {
    let (project, notes) = tutorial_project();
    let docs = project.documents();
    assert_eq!(docs.len(), 13, "13 .ann files");
    let count = |f: fn(&Document) -> usize| docs.iter().map(f).sum::<usize>();
    let mut t = 0;
    let (mut e, mut r, mut extra) = (0, 0, 0);
    for entry in std::fs::read_dir(brat_tutorial()).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|x| x == "ann") {
            for line in ann_lines(&path) {
                match line.chars().next() {
                    Some('T') => t += 1,
                    Some('E') => e += 1,
                    Some('R') => r += 1,
                    _ => extra += 1,
                }
            }
        }
    }
    let triggers: BTreeSet<(String, usize)> = docs
        .iter()
        .flat_map(|d| {
            d.events()
                .iter()
                .map(move |ev| (d.id().to_owned(), ev.trigger.start))
        })
        .collect();
    assert_eq!(count(|d| d.events().len()), e);
    assert_eq!(count(|d| d.entities().len()) + triggers.len(), t);
    assert_eq!(count(|d| d.relations().len()), r);
    let kept: usize = docs
        .iter()
        .filter_map(|d| d.meta().get(BRAT_EXTRA_META_KEY))
        .map(|m| m.lines().count())
        .sum();
    assert_eq!(kept, extra, "every A, N, # and * line is kept");
    assert!(
        notes
            .iter()
            .any(|n| n.contains(&format!("{extra} attribute"))),
        "{notes:?}"
    );
    let nested = docs
        .iter()
        .flat_map(|d| d.events())
        .filter(|ev| {
            ev.arguments
                .iter()
                .any(|a| matches!(a.target, ArgTarget::Event(_)))
        })
        .count();
    assert!(nested >= 8, "Report events about other events: {nested}");
    let merge = project
        .document("110-note_annotation")
        .and_then(|d| d.event(tagdesk::model::EventId(1)))
        .expect("E1 of the note tutorial");
    let roles: Vec<&str> = merge.arguments.iter().map(|a| a.role.as_str()).collect();
    assert_eq!(
        roles,
        ["Org-Arg", "Org-Arg", "Org-Arg"],
        "numbered roles lose their number"
    );
}

#[test]
fn brat_tutorial_exports_back_to_the_same_annotations() {
    let (project, _) = tutorial_project();
    let options = ExportOptions::new(ExportFormat::Brat);
    let (report, files) = run_export(&project, &options);
    assert!(
        report
            .documents
            .iter()
            .flat_map(|d| &d.findings)
            .all(|f| !f.applied),
        "nothing to fix: {report}"
    );
    let dir = tempfile::tempdir().unwrap();
    let back = reimport(
        &files,
        ExportFormat::Brat,
        dir.path(),
        &ImportOptions::default(),
    );
    assert_eq!(back.documents.len(), project.documents().len());
    for (doc, again) in project.documents().iter().zip(&back.documents) {
        assert_eq!(again.text(), doc.text());
        assert_eq!(entities_of(again), entities_of(doc), "{}", doc.id());
        let strip = |d: &Document| {
            let mut events: Vec<_> = d
                .events()
                .iter()
                .map(|e| (e.id, e.event_type.clone(), e.trigger, e.arguments.clone()))
                .collect();
            events.sort_by_key(|e| e.0);
            let relations: Vec<_> = d
                .relations()
                .iter()
                .map(|r| (r.id, r.relation_type.clone(), r.from, r.to))
                .collect();
            (events, relations, d.meta().clone())
        };
        assert_eq!(strip(again), strip(doc), "{}", doc.id());
        // The .txt is the original byte for byte; every line but the triggers' T and the E
        // lines (whose trigger ids are renumbered) is the original line.
        let original = brat_tutorial().join(format!("{}.ann", doc.id()));
        let exported = dir.path().join(format!("{}.ann", doc.id()));
        assert_eq!(
            std::fs::read(dir.path().join(format!("{}.txt", doc.id()))).unwrap(),
            std::fs::read(original.with_extension("txt")).unwrap()
        );
        let trigger_free = |lines: Vec<String>| -> BTreeSet<String> {
            let triggers: BTreeSet<String> = lines
                .iter()
                .filter(|l| l.starts_with('E'))
                .filter_map(|l| {
                    l.split('\t')
                        .nth(1)?
                        .split_whitespace()
                        .next()?
                        .split(':')
                        .nth(1)
                        .map(str::to_owned)
                })
                .collect();
            lines
                .into_iter()
                .filter(|l| !l.starts_with('E'))
                .filter(|l| !triggers.contains(l.split('\t').next().unwrap_or_default()))
                .map(|l| l.trim_end().to_owned())
                .collect()
        };
        assert_eq!(
            trigger_free(ann_lines(&exported)),
            trigger_free(ann_lines(&original)),
            "{}",
            doc.id()
        );
    }
}

fn gold_files() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(data_dir())
        .expect("../shared/data exists beside the checkout")
        .filter_map(|e| {
            let dir = e.ok()?.path();
            let name = dir.file_name()?.to_str()?.to_owned();
            let file = dir.join(format!("{name}.gold.jsonl"));
            file.is_file().then_some(file)
        })
        .collect();
    files.sort();
    assert_eq!(files.len(), 4, "{files:?}");
    files
}

#[test]
fn gold_files_survive_conll_and_spacy() {
    for file in gold_files() {
        let imported = exchange::import(
            ExchangeFormat::Gold,
            std::slice::from_ref(&file),
            &ImportOptions::default(),
        )
        .expect("gold file imports");
        let project = project_of(empty_schema(), imported.documents);
        let events: usize = project.documents().iter().map(|d| d.events().len()).sum();
        let name = file.display();

        let mut conll = ExportOptions::new(ExportFormat::Conll(TagScheme::Iob2));
        conll.record_spacing = true;
        let spacy = ExportOptions::new(ExportFormat::Spacy);
        for options in [conll, spacy] {
            let (report, files) = run_export(&project, &options);
            let findings: Vec<_> = report.documents.iter().flat_map(|d| &d.findings).collect();
            let left_out = findings
                .iter()
                .filter(|f| f.kind == FindingKind::Unsupported)
                .count();
            assert_eq!(
                left_out, events,
                "{name}: every event is reported as left out"
            );
            assert!(
                findings
                    .iter()
                    .all(|f| !f.applied || f.kind == FindingKind::Unsupported),
                "{name}: no span needs a fix:\n{report}"
            );
            let dir = tempfile::tempdir().unwrap();
            let back = reimport(
                &files,
                options.format,
                dir.path(),
                &ImportOptions::default(),
            );
            assert_eq!(back.documents.len(), project.documents().len(), "{name}");
            for (doc, again) in project.documents().iter().zip(&back.documents) {
                assert_eq!(again.text(), doc.text(), "{name} {}", doc.id());
                assert_eq!(
                    entities_of(again),
                    entities_of(doc),
                    "{name} {} via {}",
                    doc.id(),
                    options.format.name()
                );
            }
        }
    }
}
