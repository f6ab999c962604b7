//! Learning from corrections: a project-trained model that makes the next document's
//! suggestions follow the project's own guideline.
//!
//! [`train`] builds a [`Model`] from reviewed documents ([`training_docs`]): one sequence
//! labeller for entities and one for event triggers (see [`tagger`] for the model and why),
//! over features that include the rule engine's own reading of each token, so the model learns
//! how the project's labels relate to the rules' (`Person` where the rules say `PER`, nothing
//! where they say `DATE` if the project does not label dates). An [`Engine`] with a model
//! ([`Engine::with_model`]) proposes:
//! - the project dictionary's matches, which win over the model as they win over the rules;
//! - the model's spans that agree with the rules, and those that relabel, reshape, add or drop
//!   a rule's span when the model is confident enough; how confident is a [`combine::Gate`],
//!   tuned by cross-validation on the reviewed documents themselves;
//! - the rules' other proposals, under the project label each rule label stands for (a rule
//!   label the training data never showed keeps its name).
//!
//! Event arguments stay rule-based, linked to the learned entities through the rule label each
//! project label most often coincides with in training.
//!
//! The model is derived data: trained from scratch from the project, deterministic (same
//! documents, same model), never stored.

mod combine;
mod features;
mod knowledge;
mod tagger;

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::hash::{DefaultHasher, Hash, Hasher};
use std::sync::Arc;
use std::time::Instant;

use super::entities::Candidate;
use super::eval::{Counts, GoldDoc};
use super::events::{self, TriggerHit};
use super::lexicon::intern;
use super::tokens::TokenKind;
use super::{Analysis, Engine, Proposals, ProposedEntity, dictionary};
use crate::model::{Document, Project, Span, Status, thousands};
use combine::{Chosen, Gate, HeldOut, ModelSpan, RuleSpan};
use features::Features;
use tagger::{Classifier, Tagger, Trainer};

/// The rule name of the model's proposals (the engine name is [`MODEL_ENGINE_NAME`]).
pub const MODEL_RULE: &str = "model";
/// The engine name recorded in the origin of the model's suggestions.
pub const MODEL_ENGINE_NAME: &str = "tagdesk-model";

/// One reviewed document as training data: its text and the annotations the project stands by.
#[derive(Clone, Debug, PartialEq)]
pub struct TrainingDoc {
    pub text: Arc<str>,
    /// Chars `[start, end)` and label of each reviewed entity.
    pub entities: Vec<(Span, String)>,
    /// Chars `[start, end)` of each reviewed event's trigger, and its type.
    pub events: Vec<(Span, String)>,
}

impl TrainingDoc {
    /// A gold document as training data, with its coarse labels if `coarse`.
    pub fn from_gold(gold: &GoldDoc, coarse: bool) -> Self {
        Self {
            text: gold.text.as_str().into(),
            entities: gold
                .entities
                .iter()
                .map(|e| {
                    let label = match (&e.coarse, coarse) {
                        (Some(c), true) => c.clone(),
                        (None, true) => super::eval::coarse_label(&e.label).to_owned(),
                        _ => e.label.clone(),
                    };
                    (
                        Span {
                            start: e.start,
                            end: e.end,
                        },
                        label,
                    )
                })
                .collect(),
            events: gold
                .events
                .iter()
                .map(|e| {
                    (
                        Span {
                            start: e.trigger.start,
                            end: e.trigger.end,
                        },
                        e.event_type.clone(),
                    )
                })
                .collect(),
        }
    }
}

/// Whether the project's reviewed work in `doc` may teach a model: the document is marked
/// done, or nothing in it waits for review and something in it was accepted, drawn by hand or
/// imported.
pub fn is_reviewed(doc: &Document) -> bool {
    let pending = doc.entities().iter().any(|e| e.status == Status::Suggested)
        || doc.events().iter().any(|e| e.status == Status::Suggested);
    let accepted = doc.entities().iter().any(|e| e.status == Status::Accepted)
        || doc.events().iter().any(|e| e.status == Status::Accepted);
    doc.is_done() || (!pending && accepted)
}

/// The project's training data: each reviewed document ([`is_reviewed`]) with its accepted
/// entities and events. Suggestions and rejected annotations are not entities: the model
/// learns to leave their tokens empty.
pub fn training_docs(project: &Project) -> Vec<TrainingDoc> {
    project
        .documents()
        .iter()
        .filter(|d| is_reviewed(d))
        .map(|d| TrainingDoc {
            text: d.index().text_arc().clone(),
            entities: d
                .entities()
                .iter()
                .filter(|e| e.status == Status::Accepted)
                .map(|e| (e.span, e.label.clone()))
                .collect(),
            events: d
                .events()
                .iter()
                .filter(|e| e.status == Status::Accepted)
                .map(|e| (e.trigger, e.event_type.clone()))
                .collect(),
        })
        .collect()
}

/// The model a project's pre-annotation uses: trained on its reviewed documents with
/// `engine`'s rules, or `None` when learning is switched off or nothing is reviewed yet.
pub fn project_model(engine: &Engine, project: &Project) -> Option<Model> {
    if !project.learning() {
        return None;
    }
    let docs = training_docs(project);
    let model = train(engine, &docs, &TrainOptions::default());
    (!model.is_empty()).then_some(model)
}

/// A key that changes whenever the training data does, to tell whether a model is current.
pub fn training_key(docs: &[TrainingDoc]) -> u64 {
    let mut hasher = DefaultHasher::new();
    for doc in docs {
        doc.text.hash(&mut hasher);
        for (span, label) in &doc.entities {
            (span.start, span.end, label).hash(&mut hasher);
        }
        0xe7u8.hash(&mut hasher);
        for (span, event_type) in &doc.events {
            (span.start, span.end, event_type).hash(&mut hasher);
        }
        0xd0u8.hash(&mut hasher);
    }
    hasher.finish()
}

/// Training settings.
#[derive(Clone, Copy, Debug)]
pub struct TrainOptions {
    /// Passes over the training sentences.
    pub epochs: usize,
    /// Seeds the order sentences are visited in.
    pub seed: u64,
    /// The starting weight of the rules' reading (see [`tagger::Trainer::prior`]).
    pub prior: f32,
}

impl Default for TrainOptions {
    fn default() -> Self {
        Self {
            epochs: 10,
            seed: 0x7a6d_65736b,
            prior: 5.0,
        }
    }
}

/// What a model was trained on.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ModelStats {
    pub documents: usize,
    pub tokens: usize,
    /// Reviewed entities per label.
    pub entities: BTreeMap<String, usize>,
    /// Reviewed events per type.
    pub events: BTreeMap<String, usize>,
    pub train_seconds: f64,
}

impl std::fmt::Display for ModelStats {
    /// `Learned from 23 documents, 1,204 entities, 31 events`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let count = |n: usize, one: &str, many: &str| {
            format!("{} {}", thousands(n), if n == 1 { one } else { many })
        };
        write!(
            f,
            "Learned from {}, {}",
            count(self.documents, "document", "documents"),
            count(self.entity_count(), "entity", "entities"),
        )?;
        if self.event_count() > 0 {
            write!(f, ", {}", count(self.event_count(), "event", "events"))?;
        }
        Ok(())
    }
}

impl ModelStats {
    pub fn entity_count(&self) -> usize {
        self.entities.values().sum()
    }
    pub fn event_count(&self) -> usize {
        self.events.values().sum()
    }
}

/// A trained model: see the module docs.
pub struct Model {
    entities: Option<Layer>,
    triggers: Option<Layer>,
    stats: ModelStats,
}

/// One labeller with what it needs to combine with the rules.
struct Layer {
    labeller: Labeller,
    labels: Vec<&'static str>,
    /// What each rule label (or rule event type) stands for in the project: the label its
    /// tokens most often had in training, `None` when under a tenth of them had one. Rule
    /// labels missing here were never seen, and keep their own name.
    map: BTreeMap<&'static str, Option<&'static str>>,
    /// Per label, the rule label most often at its tokens in training: what the argument
    /// linker, which speaks the rules' labels and event types, reads it as.
    linker: Vec<Option<&'static str>>,
    /// Margins at this height score 0.5 (the lower decile of the training margins).
    scale: f32,
    gate: Gate,
}

impl Model {
    pub fn stats(&self) -> &ModelStats {
        &self.stats
    }

    /// Entity labels the model proposes.
    pub fn entity_labels(&self) -> &[&'static str] {
        self.entities.as_ref().map_or(&[], |l| &l.labels)
    }

    /// Event types the model proposes.
    pub fn event_types(&self) -> &[&'static str] {
        self.triggers.as_ref().map_or(&[], |l| &l.labels)
    }

    /// Whether the model learned anything (no reviewed entity nor event: it did not).
    pub fn is_empty(&self) -> bool {
        self.entities.is_none() && self.triggers.is_none()
    }
}

/// How a layer labels tokens.
enum Labeller {
    /// Spans of any length (entities).
    Spans(Tagger),
    /// Single candidate words (triggers): see [`trigger_candidate`].
    Words(Classifier, HashSet<u64>),
}

/// Whether token `i` may be a trigger the model proposes: a word the trigger lexicon starts a
/// trigger with, or one the reviewed documents used as a trigger (`words`, by the hash of
/// its lower case). The rules' own triggers are candidates too; every other token is left
/// alone, which spares the model nearly all of them.
fn trigger_candidate(
    analysis: &Analysis,
    features: &Features,
    words: &HashSet<u64>,
    i: usize,
) -> bool {
    analysis.doc.tokens[i].kind == TokenKind::Word
        && (analysis.doc.infos[i].triggers != 0 || words.contains(&features.lower(i)))
}

/// The lower-case hashes of the first words of `docs`' event triggers.
fn trigger_words(docs: &[&TrainingDoc]) -> HashSet<u64> {
    let mut words = HashSet::new();
    for doc in docs {
        for (span, _) in &doc.events {
            let text: String = doc.text.chars().skip(span.start).take(span.len()).collect();
            if let Some(first) = text.split_whitespace().next() {
                words.insert(features::lower_hash(first));
            }
        }
    }
    words
}

/// Sentences, gold tags and what the rules proposed, gathered for one layer.
struct LayerBuilder {
    labels: Vec<&'static str>,
    trainer: Trainer,
    /// Single words ([`Labeller::Words`]) rather than spans, with the words the reviewed
    /// documents used as triggers.
    words: Option<HashSet<u64>>,
    /// Per rule label, the tokens it covered in training by gold label (index `labels.len()`
    /// counts tokens the gold leaves empty).
    outcomes: BTreeMap<&'static str, Vec<usize>>,
    /// The feature of a rule label at a token (`first`: the span's first token).
    rule_feature: fn(&str, bool) -> u64,
}

/// Gold spans as (first token, end token, label index).
type GoldTokens = Vec<(usize, usize, usize)>;

impl LayerBuilder {
    fn new(
        labels: &BTreeSet<String>,
        words: Option<HashSet<u64>>,
        rule_feature: fn(&str, bool) -> u64,
    ) -> Self {
        Self {
            labels: labels.iter().map(|l| intern(l)).collect(),
            trainer: Trainer::default(),
            words,
            outcomes: BTreeMap::new(),
            rule_feature,
        }
    }

    /// Adds one document's sentences: `gold` spans and the rules' spans (token range, label).
    fn add(
        &mut self,
        analysis: &Analysis,
        features: &Features,
        gold: &GoldTokens,
        rules: &[(usize, usize, &'static str)],
    ) {
        let n = analysis.doc.tokens.len();
        let tags = gold_tags(n, gold);
        let empty = self.labels.len();
        for &(start, end, rule) in rules {
            let outcomes = self
                .outcomes
                .entry(rule)
                .or_insert_with(|| vec![0; empty + 1]);
            for &tag in &tags[start..end.min(n)] {
                outcomes[tagger::label_of(tag).unwrap_or(empty)] += 1;
            }
        }
        if let Some(trigger_words) = &self.words {
            // A word's class is its label where a gold trigger starts, 0 elsewhere.
            let starts_rule: BTreeSet<usize> = rules.iter().map(|r| r.0).collect();
            let words: Vec<usize> = (0..n)
                .filter(|&i| {
                    trigger_candidate(analysis, features, trigger_words, i)
                        || starts_rule.contains(&i)
                })
                .collect();
            let classes: Vec<u16> = words
                .iter()
                .map(|&i| match tagger::label_of(tags[i]) {
                    Some(label) if tags[i] == tagger::begin(label) => label as u16 + 1,
                    _ => 0,
                })
                .collect();
            self.trainer.add_tokens(features, &words, &classes);
        } else {
            for sentence in &analysis.doc.sentences {
                let range = sentence.tokens.clone();
                self.trainer.add(features, range.clone(), &tags[range]);
            }
        }
    }

    fn build(
        mut self,
        options: &TrainOptions,
        linker_known: impl Fn(&str) -> bool,
    ) -> Option<Layer> {
        if self.labels.is_empty() || self.trainer.is_empty() {
            return None;
        }
        let empty = self.labels.len();
        // A rule label stands for the label most of its tokens had, unless hardly any (a
        // tenth) had one: the project does not use it. Between the two the gate drops the
        // proposals the model is sure of. Ties go to the label that sorts first, so the same
        // data give the same map.
        let map: BTreeMap<&'static str, Option<&'static str>> = self
            .outcomes
            .iter()
            .map(|(&rule, outcomes)| {
                let total: usize = outcomes.iter().sum();
                let best = (0..empty)
                    .max_by_key(|&l| (outcomes[l], std::cmp::Reverse(l)))
                    .filter(|&l| 10 * outcomes[l] >= total && outcomes[l] > 0);
                (rule, best.map(|l| self.labels[l]))
            })
            .collect();
        // The prior: the model starts out reading each rule label as the map says.
        for (&rule, &label) in &map {
            if let Some(label) = label {
                let index = self.labels.iter().position(|l| *l == label)?;
                let first = (self.rule_feature)(rule, true);
                if self.words.is_some() {
                    self.trainer.prior(first, index as u16 + 1, options.prior);
                } else {
                    let b = tagger::begin(index);
                    self.trainer.prior(first, b, options.prior);
                    self.trainer
                        .prior((self.rule_feature)(rule, false), b + 1, options.prior);
                }
            }
        }
        let linker = (0..self.labels.len())
            .map(|label| {
                if linker_known(self.labels[label]) {
                    return Some(self.labels[label]);
                }
                // The rule label that most often covered this label's tokens; ties to the
                // name that sorts first.
                self.outcomes
                    .iter()
                    .filter(|(_, o)| o[label] > 0)
                    .max_by_key(|(rule, o)| (o[label], std::cmp::Reverse(**rule)))
                    .map(|(rule, _)| *rule)
            })
            .collect();
        let labels = self.labels.len();
        let (labeller, scale) = if let Some(words) = self.words {
            let (classifier, scale) =
                self.trainer
                    .train_classifier(labels + 1, options.epochs, options.seed);
            (Labeller::Words(classifier, words), scale)
        } else {
            let (tagger, scale) = self.trainer.train(labels, options.epochs, options.seed);
            (Labeller::Spans(tagger), scale)
        };
        Some(Layer {
            labeller,
            labels: self.labels,
            map,
            linker,
            scale,
            gate: Gate::default(),
        })
    }
}

/// BIO tags of `n` tokens from gold spans; of overlapping spans the longest wins.
fn gold_tags(n: usize, gold: &GoldTokens) -> Vec<u16> {
    let mut tags = vec![tagger::OUTSIDE; n];
    let mut order: Vec<&(usize, usize, usize)> = gold.iter().collect();
    order.sort_by_key(|&&(s, e, _)| (std::cmp::Reverse(e - s), s));
    for &&(start, end, label) in &order {
        if tags[start..end].iter().any(|&t| t != tagger::OUTSIDE) {
            continue;
        }
        for (i, tag) in tags[start..end].iter_mut().enumerate() {
            *tag = tagger::begin(label) + u16::from(i > 0);
        }
    }
    tags
}

/// Tokens `[start, end)` of `analysis` that a char span covers (those it overlaps).
fn token_range(analysis: &Analysis, span: Span) -> Option<(usize, usize)> {
    let tokens = &analysis.doc.tokens;
    let start = tokens.partition_point(|t| t.span.end <= span.start);
    let end = tokens.partition_point(|t| t.span.start < span.end);
    (start < end).then_some((start, end))
}

/// A document's gold spans over tokens for one layer's labels.
fn gold_tokens(
    analysis: &Analysis,
    spans: &[(Span, String)],
    labels: &[&'static str],
) -> GoldTokens {
    spans
        .iter()
        .filter_map(|(span, label)| {
            let (s, e) = token_range(analysis, *span)?;
            Some((s, e, labels.iter().position(|l| l == label)?))
        })
        .collect()
}

/// The rules' entities and triggers of an analysis, as (token range, label).
fn rule_entities(analysis: &Analysis) -> Vec<(usize, usize, &'static str)> {
    analysis
        .entities
        .iter()
        .map(|c| (c.start, c.end, c.label))
        .collect()
}

fn rule_triggers(analysis: &Analysis) -> Vec<(usize, usize, &'static str)> {
    analysis
        .triggers
        .iter()
        .map(|t| (t.start, t.end, t.event_type))
        .collect()
}

/// The labels and event types of `docs`, sorted.
fn label_sets(docs: &[&TrainingDoc]) -> (BTreeSet<String>, BTreeSet<String>) {
    let entities = docs
        .iter()
        .flat_map(|d| d.entities.iter().map(|(_, l)| l.clone()))
        .collect();
    let events = docs
        .iter()
        .flat_map(|d| d.events.iter().map(|(_, t)| t.clone()))
        .collect();
    (entities, events)
}

/// The two layers trained on `docs`, with the default gate.
fn train_layers(
    engine: &Engine,
    docs: &[&TrainingDoc],
    options: &TrainOptions,
    stats: &mut ModelStats,
) -> (Option<Layer>, Option<Layer>) {
    let (entity_labels, event_types) = label_sets(docs);
    let mut entities = LayerBuilder::new(&entity_labels, None, features::rule_feature);
    let mut triggers = LayerBuilder::new(
        &event_types,
        Some(trigger_words(docs)),
        features::trigger_feature,
    );
    let mut features = Features::default();
    for doc in docs {
        engine.analyse(&doc.text, true, |analysis| {
            stats.tokens += analysis.doc.tokens.len();
            features.extract(
                analysis.doc,
                analysis.entities,
                analysis.seen,
                analysis.triggers,
            );
            let gold = gold_tokens(&analysis, &doc.entities, &entities.labels);
            entities.add(&analysis, &features, &gold, &rule_entities(&analysis));
            if !triggers.labels.is_empty() {
                let gold = gold_tokens(&analysis, &doc.events, &triggers.labels);
                triggers.add(&analysis, &features, &gold, &rule_triggers(&analysis));
            }
        });
    }
    (
        entities.build(options, |label| engine.knows_label(label)),
        triggers.build(options, |event_type| engine.knows_event_type(event_type)),
    )
}

/// Round `fold` of `folds`: the documents dealt to it (every `folds`-th) and the others.
fn split_fold(
    docs: &[TrainingDoc],
    folds: usize,
    fold: usize,
) -> (Vec<&TrainingDoc>, Vec<&TrainingDoc>) {
    let (mut test, mut rest) = (Vec::new(), Vec::new());
    for (i, doc) in docs.iter().enumerate() {
        if i % folds == fold {
            test.push(doc);
        } else {
            rest.push(doc);
        }
    }
    (test, rest)
}

/// Rounds of cross-validation that tune the gates.
const FOLDS: usize = 4;

/// Trains a model from `docs` with `engine`'s rules (and dictionary) as evidence: the two
/// labellers on all of `docs`, and the gates that say when they may overrule the rules, tuned
/// on models trained with a quarter of the documents held out in turn. With no reviewed
/// entity nor event the model is empty and changes nothing.
pub fn train(engine: &Engine, docs: &[TrainingDoc], options: &TrainOptions) -> Model {
    let started = Instant::now();
    let mut stats = ModelStats {
        documents: docs.len(),
        ..ModelStats::default()
    };
    for doc in docs {
        for (_, label) in &doc.entities {
            *stats.entities.entry(label.clone()).or_default() += 1;
        }
        for (_, event_type) in &doc.events {
            *stats.events.entry(event_type.clone()).or_default() += 1;
        }
    }
    let all: Vec<&TrainingDoc> = docs.iter().collect();
    let (mut entities, mut triggers) = train_layers(engine, &all, options, &mut stats);
    let folds = FOLDS.min(docs.len());
    if folds >= 2 && (entities.is_some() || triggers.is_some()) {
        let mut held_entities = Vec::new();
        let mut held_triggers = Vec::new();
        let mut buffers = Buffers::default();
        for fold in 0..folds {
            let (test, rest) = split_fold(docs, folds, fold);
            let (fold_entities, fold_triggers) =
                train_layers(engine, &rest, options, &mut ModelStats::default());
            for doc in test {
                engine.analyse(&doc.text, true, |analysis| {
                    buffers.features.extract(
                        analysis.doc,
                        analysis.entities,
                        analysis.seen,
                        analysis.triggers,
                    );
                    if let (Some(full), Some(layer)) = (&entities, &fold_entities) {
                        let rules = rule_entities(&analysis);
                        held_entities.push(layer.held_out(
                            &analysis,
                            &mut buffers,
                            &rules,
                            &doc.entities,
                            &full.labels,
                        ));
                    }
                    if let (Some(full), Some(layer)) = (&triggers, &fold_triggers) {
                        let rules = rule_triggers(&analysis);
                        held_triggers.push(layer.held_out(
                            &analysis,
                            &mut buffers,
                            &rules,
                            &doc.events,
                            &full.labels,
                        ));
                    }
                });
            }
        }
        if let Some(layer) = &mut entities {
            layer.gate = combine::tune(&held_entities);
        }
        if let Some(layer) = &mut triggers {
            layer.gate = combine::tune(&held_triggers);
        }
    }
    stats.train_seconds = started.elapsed().as_secs_f64();
    Model {
        entities,
        triggers,
        stats,
    }
}

/// Per-thread decoding buffers.
#[derive(Default)]
struct Buffers {
    features: Features,
    scratch: tagger::Scratch,
    tags: Vec<u16>,
    margins: Vec<f32>,
}

thread_local! {
    static BUFFERS: RefCell<Buffers> = RefCell::new(Buffers::default());
}

impl Layer {
    /// The layer's spans in the analysed text whose features `buffers` holds, and per token
    /// the confidence that it is outside every span (`None` where the layer tags it, and where
    /// nobody asks: in sentences with no span of the layer's nor of the rules').
    fn decode(
        &self,
        analysis: &Analysis,
        buffers: &mut Buffers,
        rules: &[(usize, usize, &'static str)],
    ) -> (Vec<ModelSpan>, Vec<Option<f32>>) {
        let mut spans = Vec::new();
        let mut outside = vec![None; analysis.doc.tokens.len()];
        let Buffers {
            features,
            scratch,
            tags,
            margins,
        } = buffers;
        match &self.labeller {
            Labeller::Spans(tagger) => {
                let mut rule_at = rules.iter().peekable();
                for sentence in &analysis.doc.sentences {
                    let range = sentence.tokens.clone();
                    tagger.decode(features, range.clone(), scratch, tags);
                    // Margins score the model's spans and, at the rules' spans, how sure it is
                    // that they are empty: a sentence with neither needs none.
                    while rule_at.next_if(|r| r.1 <= range.start).is_some() {}
                    let rules_here = rule_at.peek().is_some_and(|r| r.0 < range.end);
                    if !rules_here && tags.iter().all(|&t| t == tagger::OUTSIDE) {
                        continue;
                    }
                    tagger.margins(scratch, tags, margins);
                    let mut k = 0;
                    while k < tags.len() {
                        let Some(label) = tagger::label_of(tags[k]) else {
                            outside[range.start + k] = Some(self.confidence(margins[k]));
                            k += 1;
                            continue;
                        };
                        let start = k;
                        k += 1;
                        while k < tags.len() && tags[k] == tagger::begin(label) + 1 {
                            k += 1;
                        }
                        let margin = margins[start..k]
                            .iter()
                            .copied()
                            .fold(f32::INFINITY, f32::min);
                        // A span never starts or ends with punctuation (`(`, `,`, `“`).
                        let punct = |i: usize| {
                            analysis.doc.tokens[range.start + i].kind == TokenKind::Punct
                        };
                        let (mut first, mut end) = (start, k);
                        while first < end && punct(first) {
                            first += 1;
                        }
                        while end > first && punct(end - 1) {
                            end -= 1;
                        }
                        if first < end {
                            spans.push(ModelSpan {
                                start: range.start + first,
                                end: range.start + end,
                                label: self.labels[label],
                                score: self.confidence(margin),
                            });
                        }
                    }
                }
            }
            Labeller::Words(classifier, words) => {
                let mut rule_at = rules.iter().peekable();
                for (i, slot) in outside.iter_mut().enumerate() {
                    while rule_at.next_if(|r| r.0 < i).is_some() {}
                    let rule = rule_at.peek().filter(|r| r.0 == i);
                    if rule.is_none() && !trigger_candidate(analysis, features, words, i) {
                        *slot = Some(1.0);
                        continue;
                    }
                    let (class, margin) = classifier.classify(features, i, margins);
                    let score = self.confidence(margin);
                    if class == 0 {
                        *slot = Some(score);
                    } else {
                        // A rule's trigger of several words (`sworn in`) keeps its length.
                        spans.push(ModelSpan {
                            start: i,
                            end: rule.map_or(i + 1, |r| r.1),
                            label: self.labels[class - 1],
                            score,
                        });
                    }
                }
            }
        }
        (spans, outside)
    }

    /// A margin as a score in `[0, 1)`: 0.5 at the training margins' lower decile.
    fn confidence(&self, margin: f32) -> f32 {
        1.0 - 0.5f32.powf(margin.max(0.0) / self.scale)
    }

    /// The rules' spans as the combination sees them, in the project's labels.
    fn rule_spans(
        &self,
        rules: &[(usize, usize, &'static str)],
        fixed: impl Fn(usize) -> bool,
    ) -> Vec<RuleSpan> {
        rules
            .iter()
            .enumerate()
            .map(|(index, &(start, end, label))| RuleSpan {
                start,
                end,
                label: match self.map.get(label) {
                    Some(mapped) => *mapped,
                    None => Some(label),
                },
                fixed: fixed(index),
                index,
            })
            .collect()
    }

    /// What this layer, trained without the document, makes of it, for tuning a gate.
    fn held_out(
        &self,
        analysis: &Analysis,
        buffers: &mut Buffers,
        rules: &[(usize, usize, &'static str)],
        gold: &[(Span, String)],
        labels: &[&'static str],
    ) -> HeldOut {
        let (model, outside) = self.decode(analysis, buffers, rules);
        let gold = gold_tokens(analysis, gold, labels)
            .into_iter()
            .map(|(s, e, l)| (s, e, labels[l]))
            .collect();
        HeldOut {
            rules: self.rule_spans(rules, |_| false),
            model,
            outside,
            gold,
        }
    }

    /// The combined spans of one analysed text (features in `buffers`), in token ranges,
    /// each with its label, score, rule and the index of the rule proposal it keeps.
    fn combined(
        &self,
        analysis: &Analysis,
        buffers: &mut Buffers,
        rules: &[(usize, usize, &'static str)],
        fixed: impl Fn(usize) -> bool,
    ) -> Vec<(usize, usize, &'static str, Option<usize>, f32)> {
        let (model, outside) = self.decode(analysis, buffers, rules);
        let rule_spans = self.rule_spans(rules, fixed);
        let outside_of = |s: usize, e: usize| {
            outside[s..e]
                .iter()
                .try_fold(f32::INFINITY, |lowest, c| c.map(|c| lowest.min(c)))
        };
        combine::combine(&rule_spans, &model, outside_of, &self.gate)
            .into_iter()
            .map(|(start, end, chosen)| match chosen {
                Chosen::Rule { index, label } => (start, end, label, Some(index), 0.0),
                Chosen::Model(i) => (start, end, model[i].label, None, model[i].score),
            })
            .collect()
    }
}

impl Model {
    /// The proposals for one analysed text: see the module docs for how the model, the
    /// dictionary and the rules combine.
    pub(super) fn propose(&self, engine: &Engine, analysis: &Analysis) -> Proposals {
        BUFFERS.with_borrow_mut(|buffers| {
            buffers.features.extract(
                analysis.doc,
                analysis.entities,
                analysis.seen,
                analysis.triggers,
            );
            let entities = self.combine_entities(analysis, buffers);
            let (hits, types) = self.combine_triggers(analysis, &entities, buffers);
            let linker_entities: Vec<Candidate> = entities
                .iter()
                .map(|(c, linker)| Candidate {
                    label: linker.unwrap_or(""),
                    ..*c
                })
                .collect();
            let mut events = events::link(analysis.doc, &engine.roles, &linker_entities, &hits);
            for (event, event_type) in events.iter_mut().zip(types) {
                event.event_type = event_type;
            }
            Proposals {
                entities: entities
                    .iter()
                    .map(|(c, _)| ProposedEntity {
                        span: analysis.doc.span(c.start, c.end),
                        label: c.label,
                        rule: c.rule,
                        score: c.score,
                    })
                    .collect(),
                events,
            }
        })
    }

    /// Entities sorted by start, non-overlapping, each with its label for the argument linker.
    fn combine_entities(
        &self,
        analysis: &Analysis,
        buffers: &mut Buffers,
    ) -> Vec<(Candidate, Option<&'static str>)> {
        let rules = analysis.entities;
        let Some(layer) = &self.entities else {
            return rules.iter().map(|c| (*c, Some(c.label))).collect();
        };
        let is_dictionary = |i: usize| rules[i].rule == dictionary::RULE;
        layer
            .combined(analysis, buffers, &rule_entities(analysis), is_dictionary)
            .into_iter()
            .map(|(start, end, label, rule, score)| match rule {
                Some(i) => {
                    let c = rules[i];
                    let linker = if is_dictionary(i) {
                        c.label
                    } else {
                        layer.linker_of(label).unwrap_or(c.label)
                    };
                    (Candidate { label, ..c }, Some(linker))
                }
                None => (
                    Candidate {
                        start,
                        end,
                        label,
                        rule: MODEL_RULE,
                        score,
                        priority: 0,
                    },
                    layer.linker_of(label),
                ),
            })
            .collect()
    }

    /// Triggers sorted by start for the linker (in the rules' event types), and the type each
    /// event is proposed with.
    fn combine_triggers(
        &self,
        analysis: &Analysis,
        entities: &[(Candidate, Option<&'static str>)],
        buffers: &mut Buffers,
    ) -> (Vec<TriggerHit>, Vec<&'static str>) {
        let rules = analysis.triggers;
        let Some(layer) = &self.triggers else {
            // Rule triggers inside a learned entity are dropped, as the rules drop them.
            let kept: Vec<TriggerHit> = rules
                .iter()
                .filter(|t| {
                    !entities.iter().any(|(e, _)| {
                        e.label != "EVENT" && overlaps((e.start, e.end), (t.start, t.end))
                    })
                })
                .copied()
                .collect();
            let types = kept.iter().map(|t| t.event_type).collect();
            return (kept, types);
        };
        layer
            .combined(analysis, buffers, &rule_triggers(analysis), |_| false)
            .into_iter()
            .map(|(start, end, event_type, rule, score)| {
                let linker_type = layer.linker_of(event_type).unwrap_or(event_type);
                let hit = match rule {
                    Some(i) => TriggerHit {
                        event_type: linker_type,
                        ..rules[i]
                    },
                    None => TriggerHit {
                        start,
                        end,
                        event_type: linker_type,
                        noun: analysis
                            .doc
                            .trigger_entries(start)
                            .iter()
                            .find(|t| t.event_type == linker_type)
                            .is_some_and(|t| t.noun),
                        rule: MODEL_RULE,
                        score,
                    },
                };
                (hit, event_type)
            })
            .unzip()
    }
}

impl Layer {
    /// What the argument linker reads `label` as.
    fn linker_of(&self, label: &str) -> Option<&'static str> {
        let i = self.labels.iter().position(|l| *l == label)?;
        self.linker[i]
    }
}

fn overlaps(a: (usize, usize), b: (usize, usize)) -> bool {
    a.0 < b.1 && b.0 < a.1
}

/// Entity scores of `engine` with `model` on `test`: exact span and label, per label.
pub fn score(
    engine: &Engine,
    model: Option<&Model>,
    test: &[TrainingDoc],
) -> BTreeMap<String, Counts> {
    let mut counts: BTreeMap<String, Counts> = BTreeMap::new();
    for doc in test {
        let proposals = engine.annotate_with(&doc.text, model);
        let gold: BTreeSet<(usize, usize, &str)> = doc
            .entities
            .iter()
            .map(|(s, l)| (s.start, s.end, l.as_str()))
            .collect();
        for (_, label) in &doc.entities {
            counts.entry(label.clone()).or_default().gold += 1;
        }
        for e in &proposals.entities {
            let c = counts.entry(e.label.to_owned()).or_default();
            c.predicted += 1;
            if gold.contains(&(e.span.start, e.span.end, e.label)) {
                c.correct += 1;
            }
        }
    }
    counts
}

/// Cross-validated quality of a project's model: per label, the counts of `folds` rounds each
/// trained on the other folds (documents dealt round-robin, so the split is fixed), and the
/// learning curve: micro F1 with a quarter, half, three quarters and all of each round's
/// training part. Fewer than two documents give nothing.
pub fn cross_validate(
    engine: &Engine,
    docs: &[TrainingDoc],
    folds: usize,
    options: &TrainOptions,
) -> Validation {
    let mut validation = Validation::default();
    let folds = folds.min(docs.len());
    if folds < 2 {
        return validation;
    }
    // Per quarter: training documents summed over the rounds, and the counts.
    let mut curve = [(0usize, Counts::default()); 4];
    for fold in 0..folds {
        let (test, train_part) = split_fold(docs, folds, fold);
        let test: Vec<TrainingDoc> = test.into_iter().cloned().collect();
        let train_part: Vec<TrainingDoc> = train_part.into_iter().cloned().collect();
        for (quarter, point) in curve.iter_mut().enumerate() {
            let n = (train_part.len() * (quarter + 1)).div_ceil(4);
            let model = train(engine, &train_part[..n], options);
            let scored = score(engine, Some(&model), &test);
            point.0 += n;
            for c in scored.values() {
                point.1.add(*c);
            }
            if quarter == 3 {
                for (label, c) in scored {
                    validation.per_label.entry(label).or_default().add(c);
                }
            }
        }
    }
    validation.curve = curve
        .iter()
        .map(|(n, c)| (*n as f64 / folds as f64, c.f1()))
        .collect();
    validation
}

/// What [`cross_validate`] measured.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Validation {
    pub per_label: BTreeMap<String, Counts>,
    /// (training documents, on average over the rounds; micro F1), by size.
    pub curve: Vec<(f64, f64)>,
}
