//! Save and load a project of 1,000 documents (~5 MB of text, 100,000 entities) as RON and
//! JSON, to and from a real file. Run: `cargo bench --no-default-features --bench project_io`.

use std::path::Path;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use tagdesk::formats::project;
use tagdesk::model::{Document, Edit, Entity, EntityId, Origin, Project, Schema, Span, Status};

const DOCUMENTS: usize = 1_000;
const ENTITIES_PER_DOCUMENT: usize = 100;

/// News-like text with some non-ASCII, cut into entities every ~50 chars.
fn big_project() -> Project {
    let sentence = "Vice Foreign Minister Park Ji-won (박지원) met Laura Hill in London on Friday — \
                    talks on tariffs of 3.5%\u{a0}and a $1.2 billion fund were “constructive”. ";
    let labels = ["PER", "ORG", "GPE", "DATE", "MONEY"];
    let mut p = Project::new("bench".into(), "bench".into(), Schema::news());
    for d in 0..DOCUMENTS {
        let text = sentence.repeat(35);
        let len = text.chars().count();
        let step = len / ENTITIES_PER_DOCUMENT;
        let entities = (0..ENTITIES_PER_DOCUMENT)
            .map(|i| Entity {
                id: EntityId(i as u32 + 1),
                span: Span {
                    start: i * step,
                    end: i * step + 11,
                },
                label: labels[i % labels.len()].into(),
                origin: if i % 3 == 0 {
                    Origin::Manual
                } else {
                    Origin::Auto {
                        engine: "tagdesk-rules".into(),
                        rule: "gazetteer:cities".into(),
                        score: 0.87,
                    }
                },
                status: Status::ALL[i % 3],
            })
            .collect();
        let doc = Document::new(
            format!("doc-{d:04}"),
            format!("article {d}.txt"),
            None,
            text,
        )
        .with_annotations(entities, Vec::new(), Vec::new());
        p.apply(Edit::AddDocument {
            index: d,
            document: Box::new(doc),
        })
        .expect("valid document");
    }
    p
}

fn check(loaded: &Project) {
    assert_eq!(loaded.documents().len(), DOCUMENTS);
    let entities: usize = loaded.documents().iter().map(|d| d.entities().len()).sum();
    assert_eq!(entities, DOCUMENTS * ENTITIES_PER_DOCUMENT);
}

fn project_io(c: &mut Criterion) {
    let project = big_project();
    let text_bytes: usize = project.documents().iter().map(|d| d.text().len()).sum();
    let dir = tempfile::tempdir().expect("temp dir");
    for name in ["bench.tagdesk.ron", "bench.tagdesk.json"] {
        let path = dir.path().join(name);
        let mut saved = project.clone();
        project::save(&mut saved, &path).expect("save");
        let file_bytes = std::fs::metadata(&path).expect("saved file").len();
        eprintln!(
            "{name}: {:.1} MB file, {:.1} MB of text",
            file_bytes as f64 / 1e6,
            text_bytes as f64 / 1e6
        );

        let mut group = c.benchmark_group(name);
        group.sample_size(10);
        group.throughput(Throughput::Bytes(file_bytes));
        group.bench_function("save", |b| {
            b.iter(|| project::save(&mut saved, &path).expect("save"))
        });
        group.bench_function("load", |b| b.iter(|| check(&load(&path))));
        group.finish();
    }
}

fn load(path: &Path) -> Project {
    project::load(path).expect("load")
}

criterion_group!(benches, project_io);
criterion_main!(benches);
