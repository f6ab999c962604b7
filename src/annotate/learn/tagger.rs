//! A linear-chain sequence labeller over BIO tags, trained with the averaged structured
//! perceptron (Collins 2002) and decoded with Viterbi under the BIO constraint (`I-X` only
//! after `B-X` or `I-X`).
//!
//! Why this model: an epoch is one decode per sentence with updates only where it errs, so one
//! labeller trains on 200 reviewed documents in a fraction of a second on one core (the whole
//! model, gate cross-validation included, in about two: `benches/learn.rs`); averaging keeps it
//! stable on a handful of documents; and decoding is a sum of a few dozen weight rows per token
//! plus a max-plus product per tag, above a million words a second. A CRF would give
//! calibrated probabilities for several times the training cost; it was not measured here.
//!
//! Tags: 0 is `O`; label `l` has `B` = `1 + 2l` and `I` = `2 + 2l`.
//!
//! Event triggers, nearly always one word among few candidates, get a cheaper labeller of the
//! same family: a [`Classifier`] of single tokens (averaged multiclass perceptron), with no
//! transitions to decode.

use std::collections::HashMap;
use std::ops::Range;

use super::features::{Features, unique_id};

/// Tag index of `O`.
pub(crate) const OUTSIDE: u16 = 0;

pub(crate) fn begin(label: usize) -> u16 {
    (1 + 2 * label) as u16
}

/// The label of a `B` or `I` tag.
pub(crate) fn label_of(tag: u16) -> Option<usize> {
    (tag != OUTSIDE).then(|| usize::from(tag - 1) / 2)
}

fn is_inside(tag: u16) -> bool {
    tag != OUTSIDE && tag.is_multiple_of(2)
}

/// Feature hash -> weight row, open addressing with linear probing, at most a quarter full so
/// that the features a model never saw (most of a new text's) miss after about one probe. A
/// slot packs the hash's top 40 bits and the row (below 2^24) in one word, so that a lookup
/// touches one cache line before the weights.
struct FeatureTable {
    slots: Vec<u64>,
    shift: u32,
}

const ROW_BITS: u32 = 24;

impl FeatureTable {
    fn new(features: &[u64]) -> Self {
        assert!(
            features.len() < 1 << ROW_BITS,
            "too many features for one model"
        );
        let size = (features.len() * 4).next_power_of_two().max(16);
        let shift = 64 - size.trailing_zeros();
        let mut slots = vec![0; size];
        for (row, &key) in features.iter().enumerate() {
            let mut i = (key >> shift) as usize;
            while slots[i] != 0 {
                i = (i + 1) & (size - 1);
            }
            slots[i] = fingerprint(key) | row as u64;
        }
        Self { slots, shift }
    }

    /// The rows of those of `features` the table has, in order.
    #[inline]
    fn rows<'a>(&'a self, features: &'a [u64]) -> impl Iterator<Item = usize> + 'a {
        features.iter().filter_map(|&f| self.get(f))
    }

    #[inline]
    fn get(&self, key: u64) -> Option<usize> {
        let mask = self.slots.len() - 1;
        let print = fingerprint(key);
        let mut i = (key >> self.shift) as usize;
        loop {
            match self.slots[i] {
                0 => return None,
                slot if slot >> ROW_BITS << ROW_BITS == print => {
                    return Some((slot & ((1 << ROW_BITS) - 1)) as usize);
                }
                _ => i = (i + 1) & mask,
            }
        }
    }
}

/// The top 40 bits of a hash, never 0 (an empty slot), in place above the row bits.
#[inline]
fn fingerprint(key: u64) -> u64 {
    (key >> ROW_BITS).max(1) << ROW_BITS
}

/// A trained labeller.
pub(crate) struct Tagger {
    /// Tells apart the taggers whose sums a [`Scratch`] keeps.
    id: u64,
    tags: usize,
    table: FeatureTable,
    /// Row-major, `tags` weights per feature row.
    weights: Vec<f32>,
    /// `(tags + 1) x tags`: from each tag (the last row: the start) to each tag.
    transitions: Vec<f32>,
    layout: Layout,
}

/// Decoding buffers, reused across sentences.
#[derive(Default)]
pub(crate) struct Scratch {
    emissions: Vec<f32>,
    forward: Vec<f32>,
    backward: Vec<f32>,
    /// One row of best scores (into the open tags, or of every tag), padded.
    open: Vec<f32>,
    ahead: Vec<f32>,
    ahead_open: Vec<f32>,
    /// Per word of the features, the sum of its features' weight rows once `word_known`:
    /// most tokens are words met before, whose lookups need not be repeated. Valid for the
    /// tagger and the numbering of words in `owner` (their ids).
    word_rows: Vec<f32>,
    word_known: Vec<bool>,
    owner: (u64, u64),
}

impl Tagger {
    /// The best tags of tokens `range` of `features`; [`Tagger::margins`] then gives how
    /// sure each is.
    pub(crate) fn decode(
        &self,
        features: &Features,
        range: Range<usize>,
        scratch: &mut Scratch,
        tags: &mut Vec<u16>,
    ) {
        let t = self.tags;
        let stride = self.layout.tag_width;
        let n = range.len();
        let owner = (self.id, features.words_id());
        if scratch.owner != owner {
            scratch.owner = owner;
            scratch.word_known.clear();
            scratch.word_rows.clear();
        }
        let words = features.word_count();
        scratch.word_known.resize(words, false);
        scratch.word_rows.resize(words * stride, 0.0);
        scratch.emissions.clear();
        scratch.emissions.resize(n * stride, 0.0);
        for (k, i) in range.clone().enumerate() {
            let word = features.word(i);
            let word_row = &mut scratch.word_rows[word * stride..(word + 1) * stride];
            if !scratch.word_known[word] {
                add_rows(
                    self.table.rows(features.word_features(word)),
                    &self.weights,
                    word_row,
                );
                scratch.word_known[word] = true;
            }
            // The word's sum, then the context's rows: the order training sums them in.
            let out = &mut scratch.emissions[k * stride..(k + 1) * stride];
            out.copy_from_slice(word_row);
            add_rows(self.table.rows(features.context(i)), &self.weights, out);
        }
        viterbi(&self.transitions, &self.layout, t, scratch, tags);
    }

    /// Each token's margin in the sentence [`Tagger::decode`] just tagged (`tags`, with
    /// `scratch` as it left it): how much the best sequence outscores the best one that tags
    /// the token otherwise.
    pub(crate) fn margins(&self, scratch: &mut Scratch, tags: &[u16], margins: &mut Vec<f32>) {
        max_marginal_margins(
            &self.transitions,
            &self.layout,
            self.tags,
            scratch,
            tags,
            margins,
        );
    }
}

/// The transition scores into the open tags (`O` and every `B`, which any tag may precede),
/// laid out so that the decoders' inner loops run over contiguous memory and vectorise: by
/// source tag (`from_open[from][k]`) for the forward pass, by open tag (`into_open[k][from]`)
/// for the backward pass.
#[derive(Default)]
struct Layout {
    from_open: Vec<f32>,
    into_open: Vec<f32>,
    /// Row widths, padded with `-inf` to whole vectors: the number of open tags, and of tags.
    open_width: usize,
    tag_width: usize,
}

/// `O` and the `B` tags, in order.
fn open_tags(t: usize) -> impl Iterator<Item = usize> {
    std::iter::once(0).chain((1..t).step_by(2))
}

/// `n` rounded up to whole vectors of eight lanes, so that no loop has a scalar remainder.
fn padded(n: usize) -> usize {
    n.div_ceil(8) * 8
}

impl Layout {
    fn new(transitions: &[f32], t: usize) -> Self {
        let open_width = padded(t.div_ceil(2));
        let tag_width = padded(t);
        let mut from_open = vec![f32::NEG_INFINITY; t * open_width];
        let mut into_open = vec![f32::NEG_INFINITY; open_width * tag_width];
        for (k, to) in open_tags(t).enumerate() {
            for from in 0..t {
                from_open[from * open_width + k] = transitions[from * t + to];
                into_open[k * tag_width + from] = transitions[from * t + to];
            }
        }
        Self {
            from_open,
            into_open,
            open_width,
            tag_width,
        }
    }
}

/// `out[j] = max over i of (scores[i] + matrix[i][j])`, a max-plus product of `scores` and a
/// matrix of rows `out.len()` wide (whole vectors of eight). Eight outputs at a time stay in
/// registers over all of `scores`.
#[inline]
fn max_plus(scores: &[f32], matrix: &[f32], out: &mut [f32]) {
    let width = out.len();
    for (c, chunk) in out.chunks_exact_mut(8).enumerate() {
        let mut acc = [f32::NEG_INFINITY; 8];
        for (i, &score) in scores.iter().enumerate() {
            let row = &matrix[i * width + c * 8..i * width + c * 8 + 8];
            for k in 0..8 {
                let s = score + row[k];
                acc[k] = if s > acc[k] { s } else { acc[k] };
            }
        }
        chunk.copy_from_slice(&acc);
    }
}

/// Best path over `scratch.emissions` under the BIO constraint; fills `scratch.forward` (best
/// score of a prefix ending in each tag) and `tags`.
fn viterbi(
    transitions: &[f32],
    layout: &Layout,
    t: usize,
    scratch: &mut Scratch,
    tags: &mut Vec<u16>,
) {
    let Scratch {
        emissions,
        forward,
        open: best,
        ..
    } = scratch;
    let stride = layout.tag_width;
    let n = emissions.len() / stride;
    tags.clear();
    if n == 0 {
        return;
    }
    let open = layout.open_width;
    forward.clear();
    forward.resize(n * t, f32::NEG_INFINITY);
    let start = &transitions[t * t..];
    for tag in open_tags(t) {
        forward[tag] = start[tag] + emissions[tag];
    }
    for i in 1..n {
        let (done, rest) = forward.split_at_mut(i * t);
        let prev = &done[(i - 1) * t..];
        let out = &mut rest[..t];
        best.resize(open, f32::NEG_INFINITY);
        max_plus(prev, &layout.from_open, best);
        for (k, tag) in open_tags(t).enumerate() {
            out[tag] = best[k] + emissions[i * stride + tag];
        }
        // `I-X` follows only `B-X` or `I-X`.
        for inside in (2..t).step_by(2) {
            let b = inside - 1;
            let s = (prev[b] + transitions[b * t + inside])
                .max(prev[inside] + transitions[inside * t + inside]);
            out[inside] = s + emissions[i * stride + inside];
        }
    }
    // Back from the best last tag: each step's best predecessor, recomputed (cheaper than
    // keeping a pointer per token and tag).
    let mut last = argmax(&forward[(n - 1) * t..]);
    tags.resize(n, 0);
    for i in (1..n).rev() {
        tags[i] = last as u16;
        let prev = &forward[(i - 1) * t..i * t];
        let to = last;
        let mut best = f32::NEG_INFINITY;
        for p in candidates(to as u16, t) {
            let s = prev[p] + transitions[p * t + to];
            if s > best {
                best = s;
                last = p;
            }
        }
    }
    tags[0] = last as u16;
}

/// The tags that may precede `tag`: every tag, or for `I-X` only `B-X` and `I-X`.
fn candidates(tag: u16, t: usize) -> Range<usize> {
    if is_inside(tag) {
        usize::from(tag - 1)..usize::from(tag + 1)
    } else {
        0..t
    }
}

fn argmax(scores: &[f32]) -> usize {
    let mut best = 0;
    for (i, &s) in scores.iter().enumerate() {
        if s > scores[best] {
            best = i;
        }
    }
    best
}

/// Per token, the best path's score minus the best score of a path with another tag there
/// (max-marginals from a backward pass over the forward scores).
fn max_marginal_margins(
    transitions: &[f32],
    layout: &Layout,
    t: usize,
    scratch: &mut Scratch,
    tags: &[u16],
    margins: &mut Vec<f32>,
) {
    let n = tags.len();
    margins.clear();
    if n == 0 {
        return;
    }
    let Scratch {
        emissions,
        forward,
        backward,
        open: row,
        ahead,
        ahead_open,
        ..
    } = scratch;
    backward.clear();
    backward.resize(n * t, 0.0);
    ahead.clear();
    ahead.resize(t, 0.0);
    let width = layout.tag_width;
    // backward[i][tag]: the best score of tokens i+1.. given `tag` at i. What may follow a tag
    // is an open tag or its own label's `I`; `ahead` holds each next tag's own score.
    for i in (0..n - 1).rev() {
        for (next, a) in ahead.iter_mut().enumerate() {
            *a = emissions[(i + 1) * width + next] + backward[(i + 1) * t + next];
        }
        ahead_open.clear();
        ahead_open.extend(open_tags(t).map(|next| ahead[next]));
        row.resize(width, f32::NEG_INFINITY);
        max_plus(ahead_open, &layout.into_open, row);
        let out = &mut backward[i * t..(i + 1) * t];
        out.copy_from_slice(&row[..t]);
        for inside in (2..t).step_by(2) {
            for from in [inside - 1, inside] {
                out[from] = out[from].max(transitions[from * t + inside] + ahead[inside]);
            }
        }
    }
    for (i, &tag) in tags.iter().enumerate() {
        let tag = usize::from(tag);
        let total = |x: usize| forward[i * t + x] + backward[i * t + x];
        let chosen = total(tag);
        let rival = (0..t)
            .filter(|&x| x != tag)
            .map(total)
            .fold(f32::NEG_INFINITY, f32::max);
        margins.push(chosen - rival);
    }
}

/// Features seen on fewer training tokens than this keep no weight in a sequence labeller:
/// with a few thousand reviewed words, a feature of one token (most word, bigram and affix
/// values) memorises that token rather than generalising. Leaving them out did not change F1
/// on wikigold or btc (README, "Learning from corrections") and makes a model smaller and
/// its pre-annotation about a fifth faster.
const MIN_TOKENS: u32 = 2;

/// Collects training sequences, then trains a [`Tagger`].
#[derive(Default)]
pub(crate) struct Trainer {
    rows: HashMap<u64, u32>,
    features: Vec<u64>,
    sequences: Vec<Sequence>,
    /// Starting weights: (row, tag, weight).
    priors: Vec<(u32, u16, f32)>,
}

/// One training sentence: its tokens' feature rows, flat, and its gold tags.
struct Sequence {
    rows: Vec<u32>,
    starts: Vec<u32>,
    tags: Vec<u16>,
}

impl Sequence {
    /// Each token's score per tag under `weights` (rows of `stride`), into `out`.
    fn emissions(&self, weights: &[f32], stride: usize, out: &mut Vec<f32>) {
        let n = self.tags.len();
        out.clear();
        out.resize(n * stride, 0.0);
        for i in 0..n {
            let rows = &self.rows[self.starts[i] as usize..self.starts[i + 1] as usize];
            add_rows(
                rows.iter().map(|&r| r as usize),
                weights,
                &mut out[i * stride..(i + 1) * stride],
            );
        }
    }
}

impl Trainer {
    pub(crate) fn is_empty(&self) -> bool {
        self.sequences.is_empty()
    }

    fn row(&mut self, feature: u64) -> u32 {
        let next = self.features.len() as u32;
        let row = *self.rows.entry(feature).or_insert(next);
        if row == next {
            self.features.push(feature);
        }
        row
    }

    /// Starts the weight of `feature` for tag `tag` (a [`Tagger`]'s BIO tag, or a
    /// [`Classifier`]'s class) at `weight` instead of 0: the model then begins from a prior
    /// decision (the rules' reading) and training corrects it. The average over training keeps
    /// the starting weights.
    pub(crate) fn prior(&mut self, feature: u64, tag: u16, weight: f32) {
        let row = self.row(feature);
        self.priors.push((row, tag, weight));
    }

    /// Adds the tokens `tokens` of `features` with their gold classes (0: none), each on its
    /// own, for a [`Classifier`].
    pub(crate) fn add_tokens(&mut self, features: &Features, tokens: &[usize], classes: &[u16]) {
        self.push(features, tokens.iter().copied(), classes);
    }

    /// Trains a [`Classifier`] of `classes` classes (0: none) on the tokens added with
    /// [`Trainer::add_tokens`]; like [`Trainer::train`], deterministic, and with the lower
    /// decile of its margins on the tokens it assigns a class.
    pub(crate) fn train_classifier(
        self,
        classes: usize,
        epochs: usize,
        seed: u64,
    ) -> (Classifier, f32) {
        let c = classes;
        let mut weights = vec![0f32; self.features.len() * c];
        for &(row, class, weight) in &self.priors {
            weights[row as usize * c + usize::from(class)] += weight;
        }
        let mut totals = vec![0f64; weights.len()];
        // Every token on its own, in a seeded order.
        let tokens: Vec<(usize, usize)> = self
            .sequences
            .iter()
            .enumerate()
            .flat_map(|(s, seq)| (0..seq.tags.len()).map(move |i| (s, i)))
            .collect();
        let mut order: Vec<usize> = (0..tokens.len()).collect();
        let mut rng = seed | 1;
        let mut scores = vec![0f32; c];
        let mut step = 1f64;
        for _ in 0..epochs {
            shuffle(&mut order, &mut rng);
            for &k in &order {
                let (s, i) = tokens[k];
                let seq = &self.sequences[s];
                let rows = &seq.rows[seq.starts[i] as usize..seq.starts[i + 1] as usize];
                scores.fill(0.0);
                add_rows(rows.iter().map(|&r| r as usize), &weights, &mut scores);
                let predicted = argmax(&scores);
                let gold = usize::from(seq.tags[i]);
                if predicted != gold {
                    for &row in rows {
                        let base = row as usize * c;
                        weights[base + gold] += 1.0;
                        totals[base + gold] += step;
                        weights[base + predicted] -= 1.0;
                        totals[base + predicted] -= step;
                    }
                }
                step += 1.0;
            }
        }
        for (w, tot) in weights.iter_mut().zip(&totals) {
            *w = (f64::from(*w) - tot / step) as f32;
        }
        let mut margins = Vec::new();
        for &(s, i) in &tokens {
            let seq = &self.sequences[s];
            let rows = &seq.rows[seq.starts[i] as usize..seq.starts[i + 1] as usize];
            scores.fill(0.0);
            add_rows(rows.iter().map(|&r| r as usize), &weights, &mut scores);
            let (best, margin) = best_and_margin(&scores);
            if best != 0 {
                margins.push(margin);
            }
        }
        let scale = lower_decile(margins);
        let (table, weights) = kept_rows(&self.features, &weights, c);
        (
            Classifier {
                classes: c,
                table,
                weights,
            },
            scale,
        )
    }

    /// Adds tokens `range` of `features` with their gold `tags` (one per token).
    pub(crate) fn add(&mut self, features: &Features, range: Range<usize>, tags: &[u16]) {
        debug_assert_eq!(range.len(), tags.len());
        self.push(features, range, tags);
    }

    /// One sequence of `tokens` of `features` (in order) with their gold `tags`.
    fn push(&mut self, features: &Features, tokens: impl Iterator<Item = usize>, tags: &[u16]) {
        let mut rows = Vec::new();
        let mut starts = Vec::with_capacity(tags.len() + 1);
        for i in tokens {
            starts.push(rows.len() as u32);
            for f in features.token(i) {
                rows.push(self.row(f));
            }
        }
        starts.push(rows.len() as u32);
        self.sequences.push(Sequence {
            rows,
            starts,
            tags: tags.to_vec(),
        });
    }

    /// Per row, whether training may weigh it: rows seen on at least [`MIN_TOKENS`] tokens.
    fn trained_rows(&self) -> Vec<bool> {
        let mut seen = vec![0u32; self.features.len()];
        for seq in &self.sequences {
            for &row in &seq.rows {
                seen[row as usize] += 1;
            }
        }
        seen.into_iter().map(|n| n >= MIN_TOKENS).collect()
    }

    /// Trains over `labels` labels for `epochs` passes, visiting the sentences in an order
    /// shuffled by `seed`: the same data and seed give the same weights. Also returns the
    /// lower decile of the margins of the spans the model finds in its own training data, as
    /// the scale of its confidence.
    pub(crate) fn train(self, labels: usize, epochs: usize, seed: u64) -> (Tagger, f32) {
        let t = 2 * labels + 1;
        // Weight rows padded to whole vectors, as the decoders' emission rows are.
        let stride = padded(t);
        let rows = self.features.len();
        let mut weights = vec![0f32; rows * stride];
        for &(row, tag, weight) in &self.priors {
            weights[row as usize * stride + usize::from(tag)] += weight;
        }
        let mut totals = vec![0f64; rows * stride];
        let mut transitions = vec![0f32; (t + 1) * t];
        let mut transition_totals = vec![0f64; (t + 1) * t];
        let mut order: Vec<usize> = (0..self.sequences.len()).collect();
        let mut rng = seed | 1;
        let mut scratch = Scratch::default();
        let mut predicted = Vec::new();
        // The averaging trick (Daumé 2006): `totals` sums step * update, and the average of
        // the weights over all steps is `weights - totals / steps`.
        let mut step = 1f64;
        let trained = self.trained_rows();
        for _ in 0..epochs {
            shuffle(&mut order, &mut rng);
            for &s in &order {
                let seq = &self.sequences[s];
                let n = seq.tags.len();
                seq.emissions(&weights, stride, &mut scratch.emissions);
                let layout = Layout::new(&transitions, t);
                viterbi(&transitions, &layout, t, &mut scratch, &mut predicted);
                if predicted != seq.tags {
                    let update = |v: &mut [f32], tot: &mut [f64], at: usize, by: f32| {
                        v[at] += by;
                        tot[at] += step * f64::from(by);
                    };
                    for i in 0..n {
                        let (gold, pred) = (usize::from(seq.tags[i]), usize::from(predicted[i]));
                        if gold != pred {
                            for &row in
                                &seq.rows[seq.starts[i] as usize..seq.starts[i + 1] as usize]
                            {
                                if !trained[row as usize] {
                                    continue;
                                }
                                let base = row as usize * stride;
                                update(&mut weights, &mut totals, base + gold, 1.0);
                                update(&mut weights, &mut totals, base + pred, -1.0);
                            }
                        }
                        let (gold_prev, pred_prev) = match i {
                            0 => (t, t),
                            _ => (usize::from(seq.tags[i - 1]), usize::from(predicted[i - 1])),
                        };
                        if gold_prev != pred_prev || gold != pred {
                            update(
                                &mut transitions,
                                &mut transition_totals,
                                gold_prev * t + gold,
                                1.0,
                            );
                            update(
                                &mut transitions,
                                &mut transition_totals,
                                pred_prev * t + pred,
                                -1.0,
                            );
                        }
                    }
                }
                step += 1.0;
            }
        }
        let average = |w: &mut [f32], tot: &[f64]| {
            for (w, tot) in w.iter_mut().zip(tot) {
                *w = (f64::from(*w) - tot / step) as f32;
            }
        };
        average(&mut weights, &totals);
        average(&mut transitions, &transition_totals);
        let layout = Layout::new(&transitions, t);
        let mut span_margins = Vec::new();
        let mut margins = Vec::new();
        for seq in &self.sequences {
            seq.emissions(&weights, stride, &mut scratch.emissions);
            viterbi(&transitions, &layout, t, &mut scratch, &mut predicted);
            max_marginal_margins(
                &transitions,
                &layout,
                t,
                &mut scratch,
                &predicted,
                &mut margins,
            );
            span_margins.extend(
                predicted
                    .iter()
                    .zip(&margins)
                    .filter(|(tag, _)| **tag != OUTSIDE)
                    .map(|(_, m)| *m),
            );
        }
        let scale = lower_decile(span_margins);
        let (table, weights) = kept_rows(&self.features, &weights, stride);
        let tagger = Tagger {
            id: unique_id(),
            tags: t,
            table,
            weights,
            layout,
            transitions,
        };
        (tagger, scale)
    }
}

/// The table and weights of the rows with some weight (`width` per row): the others cannot
/// change a score.
fn kept_rows(features: &[u64], weights: &[f32], width: usize) -> (FeatureTable, Vec<f32>) {
    let mut kept_features = Vec::new();
    let mut kept_weights = Vec::new();
    for (row, &feature) in features.iter().enumerate() {
        let w = &weights[row * width..(row + 1) * width];
        if w.iter().any(|&x| x != 0.0) {
            kept_features.push(feature);
            kept_weights.extend_from_slice(w);
        }
    }
    (FeatureTable::new(&kept_features), kept_weights)
}

/// The lower decile of `margins`, or 1 when there are none: the scale of a confidence.
fn lower_decile(mut margins: Vec<f32>) -> f32 {
    margins.sort_by(f32::total_cmp);
    margins
        .get(margins.len() / 10)
        .copied()
        .filter(|m| *m > 0.0)
        .unwrap_or(1.0)
}

/// Adds weight rows `rows` (`scores.len()` weights each) to `scores`, in order.
#[inline]
fn add_rows(rows: impl Iterator<Item = usize>, weights: &[f32], scores: &mut [f32]) {
    // The usual widths (up to 15 labels) sum in registers and store once.
    match scores.len() {
        8 => add_rows_fixed::<8>(rows, weights, scores),
        16 => add_rows_fixed::<16>(rows, weights, scores),
        24 => add_rows_fixed::<24>(rows, weights, scores),
        32 => add_rows_fixed::<32>(rows, weights, scores),
        c => {
            for row in rows {
                let w = &weights[row * c..(row + 1) * c];
                scores.iter_mut().zip(w).for_each(|(s, w)| *s += w);
            }
        }
    }
}

#[inline]
fn add_rows_fixed<const W: usize>(
    rows: impl Iterator<Item = usize>,
    weights: &[f32],
    scores: &mut [f32],
) {
    let mut sum: [f32; W] = (&*scores).try_into().expect("scores are W wide");
    for row in rows {
        let w: &[f32; W] = weights[row * W..(row + 1) * W]
            .try_into()
            .expect("rows are W wide");
        for (s, w) in sum.iter_mut().zip(w) {
            *s += w;
        }
    }
    scores.copy_from_slice(&sum);
}

/// The best class and how far it is ahead of the next.
fn best_and_margin(scores: &[f32]) -> (usize, f32) {
    let best = argmax(scores);
    let rival = scores
        .iter()
        .enumerate()
        .filter(|(i, _)| *i != best)
        .map(|(_, s)| *s)
        .fold(f32::NEG_INFINITY, f32::max);
    (best, scores[best] - rival)
}

/// A trained classifier of single tokens: class 0 is none, class `l + 1` is label `l`.
pub(crate) struct Classifier {
    classes: usize,
    table: FeatureTable,
    weights: Vec<f32>,
}

impl Classifier {
    /// The best class of token `i` of `features` and its margin over the next best.
    pub(crate) fn classify(
        &self,
        features: &Features,
        i: usize,
        scores: &mut Vec<f32>,
    ) -> (usize, f32) {
        scores.clear();
        scores.resize(self.classes, 0.0);
        let rows = features.token(i).filter_map(|f| self.table.get(f));
        add_rows(rows, &self.weights, scores);
        best_and_margin(scores)
    }
}

/// Fisher-Yates with xorshift64: deterministic, no dependency.
fn shuffle(order: &mut [usize], state: &mut u64) {
    for i in (1..order.len()).rev() {
        *state ^= *state << 13;
        *state ^= *state >> 7;
        *state ^= *state << 17;
        let j = (*state % (i as u64 + 1)) as usize;
        order.swap(i, j);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Whether `tag` may follow `prev` (`None`: the sentence's first token), as the decoders
    /// have it: from the start, an open tag; after anything, an open tag or its own `I`.
    fn allowed(prev: Option<u16>, tag: u16) -> bool {
        match prev {
            None => open_tags(7).any(|o| o == usize::from(tag)),
            Some(p) => !is_inside(tag) || candidates(tag, 7).contains(&usize::from(p)),
        }
    }

    #[test]
    fn bio_constraint() {
        assert!(allowed(None, OUTSIDE));
        assert!(allowed(None, begin(0)));
        assert!(!allowed(None, begin(0) + 1));
        assert!(allowed(Some(begin(1)), begin(1) + 1));
        assert!(allowed(Some(begin(1) + 1), begin(1) + 1));
        assert!(!allowed(Some(begin(0)), begin(1) + 1));
        assert!(!allowed(Some(OUTSIDE), begin(1) + 1));
        assert_eq!(label_of(begin(2)), Some(2));
        assert_eq!(label_of(begin(2) + 1), Some(2));
        assert_eq!(label_of(OUTSIDE), None);
    }

    #[test]
    fn viterbi_never_starts_inside() {
        // Emissions that favour I-0 everywhere still decode to B-0 I-0 I-0.
        let t = 3;
        // One padded row of eight per token.
        let row = [0.0, 0.0, 5.0, 0.0, 0.0, 0.0, 0.0, 0.0];
        let transitions = vec![0.0; (t + 1) * t];
        let mut scratch = Scratch {
            emissions: row.repeat(3),
            ..Scratch::default()
        };
        let mut tags = Vec::new();
        let layout = Layout::new(&transitions, t);
        viterbi(&transitions, &layout, t, &mut scratch, &mut tags);
        assert_eq!(tags, [begin(0), begin(0) + 1, begin(0) + 1]);
        let mut margins = Vec::new();
        max_marginal_margins(&transitions, &layout, t, &mut scratch, &tags, &mut margins);
        assert!(margins.iter().all(|&m| m >= 0.0), "{margins:?}");
    }
}
