//! The whole pre-annotation pipeline (tokens, sentences, gazetteers, rules, events) on one core,
//! over ~1.2 MB of news text made from the sample articles, and the one-time cost of
//! `Engine::new()`. Run: `cargo bench --no-default-features --bench annotate`.
//!
//! The corpus is each sample article's paragraphs in a rotated order, with its names swapped
//! for others from a fixed list, so the engine cannot serve repeats from any cache (it has none)
//! and the text keeps the mix of a real article. The count of entities found is asserted, so a
//! broken engine cannot look fast.

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use tagdesk::annotate::Engine;

const SAMPLES: [&str; 5] = [
    include_str!("../assets/samples/diplomacy-korea-uk-talks.txt"),
    include_str!("../assets/samples/trade-tariffs-g20.txt"),
    include_str!("../assets/samples/business-chipmaker-merger.txt"),
    include_str!("../assets/samples/crime-port-smuggling-arrests.txt"),
    include_str!("../assets/samples/disaster-typhoon-coast.txt"),
];

/// Names swapped in turn for the samples' own, to vary the text.
const SWAPS: [(&str, &str); 4] = [
    ("London", "Berlin"),
    ("Seoul", "Tokyo"),
    ("Yoon", "Kessler"),
    ("Hanbit", "Lumora"),
];

/// What the engine finds in the corpus; update it deliberately when the rules change.
const EXPECTED_ENTITIES: usize = 28_470;
const TARGET_BYTES: usize = 1_200_000;

/// Documents of about one article each, together at least `TARGET_BYTES`.
fn corpus() -> Vec<String> {
    let mut docs = Vec::new();
    let mut bytes = 0;
    let mut round = 0;
    while bytes < TARGET_BYTES {
        for sample in SAMPLES {
            let mut paragraphs: Vec<&str> = sample.split("\n\n").collect();
            let len = paragraphs.len();
            paragraphs.rotate_left(round % len);
            let mut doc = paragraphs.join("\n\n");
            let (from, to) = SWAPS[round % SWAPS.len()];
            doc = doc.replace(from, to);
            bytes += doc.len();
            docs.push(doc);
        }
        round += 1;
    }
    docs
}

fn annotate_all(engine: &Engine, docs: &[String]) -> usize {
    docs.iter().map(|d| engine.annotate(d).entities.len()).sum()
}

fn bench(c: &mut Criterion) {
    let docs = corpus();
    let bytes: usize = docs.iter().map(String::len).sum();
    let words: usize = docs.iter().map(|d| d.split_whitespace().count()).sum();
    let engine = Engine::new();
    let found = annotate_all(&engine, &docs);
    println!(
        "corpus: {} documents, {bytes} bytes, {words} words; {found} entities",
        docs.len()
    );
    assert_eq!(found, EXPECTED_ENTITIES, "the engine's output changed");

    c.bench_function("engine_new", |b| b.iter(|| black_box(Engine::new())));

    let mut by_bytes = c.benchmark_group("annotate_bytes");
    by_bytes.throughput(Throughput::Bytes(bytes as u64));
    by_bytes.sample_size(20);
    by_bytes.bench_function("pipeline", |b| {
        b.iter(|| annotate_all(&engine, black_box(&docs)))
    });
    by_bytes.finish();

    let mut by_words = c.benchmark_group("annotate_words");
    by_words.throughput(Throughput::Elements(words as u64));
    by_words.sample_size(20);
    by_words.bench_function("pipeline", |b| {
        b.iter(|| annotate_all(&engine, black_box(&docs)))
    });
    by_words.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
