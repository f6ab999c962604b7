//! The learner on one core: training a project model from 20 and from 200 reviewed documents,
//! and pre-annotating with it. Run: `cargo bench --no-default-features --bench learn`.
//!
//! The reviewed documents are the sample articles' gold annotations (about 585 words each),
//! each one's paragraphs in a rotated order so that no two documents are the same text. What
//! the model proposes is checked, so a broken learner cannot look fast.

use std::hint::black_box;
use std::sync::Arc;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use tagdesk::annotate::Engine;
use tagdesk::annotate::eval::read_gold;
use tagdesk::annotate::learn::{self, TrainOptions, TrainingDoc};
use tagdesk::model::Span;

const GOLD: [&str; 5] = [
    include_str!("../assets/samples/diplomacy-korea-uk-talks.gold.jsonl"),
    include_str!("../assets/samples/trade-tariffs-g20.gold.jsonl"),
    include_str!("../assets/samples/business-chipmaker-merger.gold.jsonl"),
    include_str!("../assets/samples/crime-port-smuggling-arrests.gold.jsonl"),
    include_str!("../assets/samples/disaster-typhoon-coast.gold.jsonl"),
];

/// `doc` with its paragraphs rotated left by `by`, annotations moved with them.
fn rotated(doc: &TrainingDoc, by: usize) -> TrainingDoc {
    let chars: Vec<char> = doc.text.chars().collect();
    // Paragraphs as char ranges, split at blank lines.
    let mut paragraphs = Vec::new();
    let mut start = 0;
    for i in 0..chars.len() {
        if i + 1 < chars.len() && chars[i] == '\n' && chars[i + 1] == '\n' {
            paragraphs.push(start..i);
            start = i + 2;
        }
    }
    paragraphs.push(start..chars.len());
    let n = paragraphs.len();
    let order: Vec<usize> = (0..n).map(|k| (k + by) % n).collect();
    let mut text = String::new();
    let mut moved_to = vec![0usize; n];
    for (k, &p) in order.iter().enumerate() {
        if k > 0 {
            text.push_str("\n\n");
        }
        moved_to[p] = text.chars().count();
        text.extend(&chars[paragraphs[p].clone()]);
    }
    let moved = |span: Span| {
        let p = paragraphs
            .iter()
            .position(|r| r.start <= span.start && span.end <= r.end)?;
        let shift = moved_to[p] as isize - paragraphs[p].start as isize;
        Some(Span {
            start: (span.start as isize + shift) as usize,
            end: (span.end as isize + shift) as usize,
        })
    };
    TrainingDoc {
        text: text.as_str().into(),
        entities: doc
            .entities
            .iter()
            .filter_map(|(s, l)| Some((moved(*s)?, l.clone())))
            .collect(),
        events: doc
            .events
            .iter()
            .filter_map(|(s, t)| Some((moved(*s)?, t.clone())))
            .collect(),
    }
}

fn corpus(docs: usize) -> Vec<TrainingDoc> {
    let samples: Vec<TrainingDoc> = GOLD
        .iter()
        .flat_map(|g| read_gold(g).expect("sample gold"))
        .map(|g| TrainingDoc::from_gold(&g, false))
        .collect();
    (0..docs)
        .map(|i| rotated(&samples[i % samples.len()], i / samples.len()))
        .collect()
}

fn words(docs: &[TrainingDoc]) -> usize {
    docs.iter().map(|d| d.text.split_whitespace().count()).sum()
}

fn bench(c: &mut Criterion) {
    let engine = Engine::new();
    let options = TrainOptions::default();
    let mut train = c.benchmark_group("learn_train");
    train.sample_size(10);
    for size in [20, 200] {
        let docs = corpus(size);
        let model = learn::train(&engine, &docs, &options);
        println!(
            "{size} documents, {} words: {}, {:.3} s",
            words(&docs),
            model.stats(),
            model.stats().train_seconds
        );
        assert!(model.entity_labels().contains(&"PER"));
        assert!(!model.event_types().is_empty());
        train.throughput(Throughput::Elements(words(&docs) as u64));
        train.bench_with_input(BenchmarkId::from_parameter(size), &docs, |b, docs| {
            b.iter(|| learn::train(&engine, black_box(docs), &options))
        });
    }
    train.finish();

    // Pre-annotation with a model trained on 20 documents, over 200 documents' text.
    let model = Arc::new(learn::train(&engine, &corpus(20), &options));
    let texts: Vec<Arc<str>> = corpus(200).into_iter().map(|d| d.text).collect();
    let total_words: usize = texts.iter().map(|t| t.split_whitespace().count()).sum();
    let with_model = Engine::new().with_model(model);
    let found: usize = texts
        .iter()
        .map(|t| with_model.annotate(t).entities.len())
        .sum();
    let by_rules: usize = texts
        .iter()
        .map(|t| engine.annotate(t).entities.len())
        .sum();
    println!("{total_words} words: {found} entities with the model, {by_rules} by the rules");
    assert!(found > by_rules / 2, "the model proposes next to nothing");
    let mut annotate = c.benchmark_group("learn_annotate_words");
    annotate.throughput(Throughput::Elements(total_words as u64));
    annotate.sample_size(20);
    annotate.bench_function("rules_and_model", |b| {
        b.iter(|| {
            texts
                .iter()
                .map(|t| with_model.annotate(black_box(t)).entities.len())
                .sum::<usize>()
        })
    });
    annotate.bench_function("rules_alone", |b| {
        b.iter(|| {
            texts
                .iter()
                .map(|t| engine.annotate(black_box(t)).entities.len())
                .sum::<usize>()
        })
    });
    annotate.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
