//! Turning the engine's proposals for a 1 MB article into suggestions and applying them: what
//! the app does on its UI thread when pre-annotation of a long document finishes, so it must
//! take milliseconds, not seconds. Run: `cargo bench --no-default-features --bench suggest`.

use criterion::{Criterion, criterion_group, criterion_main};
use tagdesk::annotate::{Engine, suggestion_edit};
use tagdesk::model::{Document, Edit, Project, Schema};

fn long_article() -> String {
    let sample = include_str!("../assets/samples/diplomacy-korea-uk-talks.txt");
    let mut text = String::with_capacity(1_050_000);
    while text.len() < 1_000_000 {
        text.push_str(sample);
        text.push('\n');
    }
    text
}

fn suggest(c: &mut Criterion) {
    let text = long_article();
    let mut project = Project::new("bench".into(), "bench".into(), Schema::news());
    let doc = Document::new("d".into(), "d.txt".into(), None, text.clone());
    project
        .apply(Edit::AddDocument {
            index: 0,
            document: Box::new(doc),
        })
        .expect("valid document");
    let proposals = Engine::new().annotate(&text).fit_schema(project.schema());
    let mut group = c.benchmark_group("suggestions on 1 MB");
    group.sample_size(10);
    group.bench_function("build and apply to an empty document", |b| {
        b.iter(|| {
            let mut p = project.clone();
            let edit = suggestion_edit(p.document("d").expect("doc"), &proposals);
            p.apply(edit).expect("applies");
            let count = p.document("d").expect("doc").entities().len();
            assert_eq!(count, proposals.entities.len());
        })
    });
    let mut annotated = project.clone();
    annotated
        .apply(suggestion_edit(
            annotated.document("d").expect("doc"),
            &proposals,
        ))
        .expect("applies");
    group.bench_function("re-run on the annotated document (nothing new)", |b| {
        b.iter(|| {
            let edit = suggestion_edit(annotated.document("d").expect("doc"), &proposals);
            assert_eq!(edit, Edit::Batch(Vec::new()));
        })
    });
    group.finish();
}

criterion_group!(benches, suggest);
criterion_main!(benches);
