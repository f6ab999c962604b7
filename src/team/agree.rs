//! Inter-annotator agreement over the documents several projects share (matched by text hash),
//! on each annotator's accepted work.
//!
//! - **Exact-span F1**, per pair `a`, `b`: with `A` and `B` the sets of (document, span, label)
//!   each accepted, `F1 = 2 |A ∩ B| / (|A| + |B|)`. It is symmetric, and is the F1 of either
//!   annotator scored against the other. When neither marked anything, `F1 = 1`.
//! - **Cohen's kappa**, per pair, over the engine's tokens of the shared documents, each token
//!   tagged `B-L`, `I-L` or `O` by each annotator (a token is inside a span it overlaps; of
//!   nested spans the longest wins): `κ = (p_o − p_e) / (1 − p_e)`, where `p_o` is the share of
//!   tokens tagged alike and `p_e = Σ_c p_a(c) p_b(c)` the agreement the two tag frequencies
//!   give by chance. When `p_e = 1` (one tag everywhere, both alike) `κ = 1`.
//! - **Krippendorff's alpha**, nominal, across all annotators: one unit per character of a
//!   document at least two of them have, its value for each annotator the label of the
//!   outermost (longest) span covering it, or none. With `n_uc` the number of annotators
//!   giving unit `u` value `c` and `m_u = Σ_c n_uc`, the coincidences are
//!   `o_ck = Σ_u n_uc (n_uk − [c = k]) / (m_u − 1)`, `n_c = Σ_k o_ck`, `n = Σ_c n_c`, and
//!   `α = 1 − (n − 1) Σ_{c≠k} o_ck / Σ_{c≠k} n_c n_k`. With a single value everywhere, `α = 1`.
//! - **Events**, per pair: trigger F1 over (document, trigger span, type), argument F1 over
//!   (document, trigger span, role, argument span), both as the span F1 above.
//!
//! All figures are fractions in `[0, 1]` (kappa and alpha may go below 0 when annotators
//! disagree more than chance would have them).

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde::Serialize;

use crate::annotate::tokenize;
use crate::model::{ArgTarget, Document, Entity, Project, Span, Status};

/// The counts behind an F1: items of `a`, of `b`, and of both.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct PairCounts {
    pub a: usize,
    pub b: usize,
    pub both: usize,
}

impl PairCounts {
    /// `2 both / (a + b)`, 1 when neither has anything.
    pub fn f1(&self) -> f64 {
        if self.a + self.b == 0 {
            1.0
        } else {
            2.0 * self.both as f64 / (self.a + self.b) as f64
        }
    }

    fn of<T: Ord>(a: &BTreeSet<T>, b: &BTreeSet<T>) -> Self {
        Self {
            a: a.len(),
            b: b.len(),
            both: a.intersection(b).count(),
        }
    }
}

/// One label's agreement between two annotators.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LabelAgreement {
    pub f1: f64,
    #[serde(flatten)]
    pub counts: PairCounts,
}

/// Two annotators' agreement on the documents both have.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Pair {
    pub a: String,
    pub b: String,
    pub documents: usize,
    pub f1: f64,
    pub counts: PairCounts,
    pub per_label: BTreeMap<String, LabelAgreement>,
    pub kappa: f64,
}

/// Two annotators' agreement on events.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct EventPair {
    pub a: String,
    pub b: String,
    pub trigger_f1: f64,
    pub triggers: PairCounts,
    pub argument_f1: f64,
    pub arguments: PairCounts,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct EventAgreement {
    pub pairs: Vec<EventPair>,
}

/// Where agreement is lowest: documents and labels by their mean pairwise F1.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Disagreements {
    pub documents: Vec<(String, f64)>,
    pub labels: Vec<(String, f64)>,
}

/// Everything `tagdesk agree` reports.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Agreement {
    pub annotators: Vec<String>,
    /// Documents at least two annotators have.
    pub shared_documents: usize,
    pub pairs: Vec<Pair>,
    pub alpha: f64,
    pub events: EventAgreement,
    pub disagreements: Disagreements,
}

/// A document's accepted entities as (span, label).
fn entity_set(doc: &Document) -> BTreeSet<(usize, usize, String)> {
    doc.entities()
        .iter()
        .filter(|e| e.status == Status::Accepted)
        .map(|e| (e.span.start, e.span.end, e.label.clone()))
        .collect()
}

fn trigger_set(doc: &Document) -> BTreeSet<(usize, usize, String)> {
    doc.events()
        .iter()
        .filter(|e| e.status == Status::Accepted)
        .map(|e| (e.trigger.start, e.trigger.end, e.event_type.clone()))
        .collect()
}

fn argument_set(doc: &Document) -> BTreeSet<(usize, usize, String, usize, usize)> {
    doc.events()
        .iter()
        .filter(|e| e.status == Status::Accepted)
        .flat_map(|e| {
            e.arguments.iter().filter_map(move |a| {
                let ArgTarget::Entity(id) = a.target else {
                    return None;
                };
                let span = doc.entity(id)?.span;
                Some((
                    e.trigger.start,
                    e.trigger.end,
                    a.role.clone(),
                    span.start,
                    span.end,
                ))
            })
        })
        .collect()
}

/// Accepted entities, longest first (the outermost of nested spans wins a token or char).
fn outermost_first(doc: &Document) -> Vec<&Entity> {
    let mut entities: Vec<&Entity> = doc
        .entities()
        .iter()
        .filter(|e| e.status == Status::Accepted)
        .collect();
    entities.sort_by_key(|e| (std::cmp::Reverse(e.span.len()), e.span.start));
    entities
}

/// Each token's BIO tag for one annotator's entities.
fn token_tags(doc: &Document, tokens: &[Span]) -> Vec<String> {
    let mut tags = vec![String::from("O"); tokens.len()];
    let mut taken = vec![false; tokens.len()];
    for e in outermost_first(doc) {
        let first = tokens.partition_point(|t| t.end <= e.span.start);
        let end = tokens.partition_point(|t| t.start < e.span.end);
        if first >= end || taken[first..end].iter().any(|&t| t) {
            continue;
        }
        for (k, i) in (first..end).enumerate() {
            taken[i] = true;
            tags[i] = format!("{}-{}", if k == 0 { "B" } else { "I" }, e.label);
        }
    }
    tags
}

/// Each char's value for one annotator: the label of the outermost span covering it, or
/// `None`.
fn char_values(doc: &Document) -> Vec<Option<&str>> {
    let mut values = vec![None; doc.index().len_chars()];
    for e in outermost_first(doc) {
        for v in &mut values[e.span.start..e.span.end.min(doc.index().len_chars())] {
            if v.is_none() {
                *v = Some(e.label.as_str());
            }
        }
    }
    values
}

/// Cohen's kappa of two equally long tag sequences (see the module docs).
pub fn cohen_kappa<T: Eq + std::hash::Hash>(a: &[T], b: &[T]) -> f64 {
    let n = a.len().min(b.len());
    if n == 0 {
        return 1.0;
    }
    let observed = a.iter().zip(b).filter(|(x, y)| x == y).count() as f64 / n as f64;
    let mut freq_a: HashMap<&T, usize> = HashMap::new();
    let mut freq_b: HashMap<&T, usize> = HashMap::new();
    for (x, y) in a.iter().zip(b) {
        *freq_a.entry(x).or_default() += 1;
        *freq_b.entry(y).or_default() += 1;
    }
    let expected: f64 = freq_a
        .iter()
        .map(|(c, &na)| na as f64 * freq_b.get(c).copied().unwrap_or(0) as f64)
        .sum::<f64>()
        / (n as f64 * n as f64);
    if (1.0 - expected).abs() < 1e-12 {
        return if observed >= 1.0 - 1e-12 { 1.0 } else { 0.0 };
    }
    (observed - expected) / (1.0 - expected)
}

/// Krippendorff's alpha (nominal) of units, each the values its coders gave (see the module
/// docs); units with fewer than two values are not pairable and count for nothing.
pub fn krippendorff_alpha<T: Ord + Clone>(units: &[Vec<T>]) -> f64 {
    let mut alpha = Alpha::default();
    for unit in units {
        alpha.add(unit);
    }
    alpha.value()
}

/// Krippendorff's alpha accumulated unit by unit, so that a corpus's chars need not be kept.
struct Alpha<T> {
    /// `Σ_{c≠k} o_ck`.
    within: f64,
    /// `n_c`.
    totals: BTreeMap<T, f64>,
}

impl<T> Default for Alpha<T> {
    fn default() -> Self {
        Self {
            within: 0.0,
            totals: BTreeMap::new(),
        }
    }
}

impl<T: Ord + Clone> Alpha<T> {
    fn add(&mut self, unit: &[T]) {
        let m = unit.len();
        if m < 2 {
            return;
        }
        let mut counts: BTreeMap<&T, usize> = BTreeMap::new();
        for v in unit {
            *counts.entry(v).or_default() += 1;
        }
        let same: usize = counts.values().map(|&c| c * c).sum();
        self.within += (m * m - same) as f64 / (m - 1) as f64;
        for (v, c) in counts {
            *self.totals.entry(v.clone()).or_default() += c as f64;
        }
    }

    fn value(&self) -> f64 {
        let n: f64 = self.totals.values().sum();
        let squares: f64 = self.totals.values().map(|c| c * c).sum();
        let between = n * n - squares; // Σ_{c≠k} n_c n_k
        if between <= 0.0 {
            return 1.0;
        }
        1.0 - (n - 1.0) * self.within / between
    }
}

/// The agreement of `projects` (named `names`) on the documents they share.
pub fn agreement(projects: &[Project], names: &[String]) -> Agreement {
    // Text hash -> (document, for each project its document there).
    let mut order: Vec<&str> = Vec::new();
    let mut by_hash: HashMap<&str, Vec<Option<&Document>>> = HashMap::new();
    for (p, project) in projects.iter().enumerate() {
        for doc in project.documents() {
            let slot = by_hash.entry(doc.text_hash()).or_insert_with(|| {
                order.push(doc.text_hash());
                vec![None; projects.len()]
            });
            slot[p] = Some(doc);
        }
    }
    let shared: Vec<(&str, &Vec<Option<&Document>>)> = order
        .iter()
        .map(|h| (*h, &by_hash[h]))
        .filter(|(_, docs)| docs.iter().flatten().count() >= 2)
        .collect();

    let mut pairs = Vec::new();
    let mut event_pairs = Vec::new();
    // Per document and per label, the pairwise F1s to average for the disagreements.
    let mut doc_f1: BTreeMap<String, Vec<f64>> = BTreeMap::new();
    let mut label_f1: BTreeMap<String, Vec<f64>> = BTreeMap::new();
    for a in 0..projects.len() {
        for b in a + 1..projects.len() {
            let both: Vec<(&Document, &Document)> = shared
                .iter()
                .filter_map(|(_, docs)| Some((docs[a]?, docs[b]?)))
                .collect();
            let (mut set_a, mut set_b) = (BTreeSet::new(), BTreeSet::new());
            let (mut trig_a, mut trig_b) = (BTreeSet::new(), BTreeSet::new());
            let (mut arg_a, mut arg_b) = (BTreeSet::new(), BTreeSet::new());
            let (mut tags_a, mut tags_b) = (Vec::new(), Vec::new());
            for (k, (da, db)) in both.iter().enumerate() {
                let (ea, eb) = (entity_set(da), entity_set(db));
                doc_f1
                    .entry(da.name().to_owned())
                    .or_default()
                    .push(PairCounts::of(&ea, &eb).f1());
                set_a.extend(ea.into_iter().map(|x| (k, x)));
                set_b.extend(eb.into_iter().map(|x| (k, x)));
                trig_a.extend(trigger_set(da).into_iter().map(|x| (k, x)));
                trig_b.extend(trigger_set(db).into_iter().map(|x| (k, x)));
                arg_a.extend(argument_set(da).into_iter().map(|x| (k, x)));
                arg_b.extend(argument_set(db).into_iter().map(|x| (k, x)));
                let tokens: Vec<Span> = tokenize(da.text()).into_iter().map(|t| t.span).collect();
                tags_a.extend(token_tags(da, &tokens));
                tags_b.extend(token_tags(db, &tokens));
            }
            let labels: BTreeSet<&String> =
                set_a.iter().chain(&set_b).map(|(_, (_, _, l))| l).collect();
            let per_label: BTreeMap<String, LabelAgreement> = labels
                .into_iter()
                .map(|label| {
                    let only = |s: &BTreeSet<(usize, (usize, usize, String))>| {
                        s.iter()
                            .filter(|(_, (_, _, l))| l == label)
                            .cloned()
                            .collect::<BTreeSet<_>>()
                    };
                    let counts = PairCounts::of(&only(&set_a), &only(&set_b));
                    label_f1.entry(label.clone()).or_default().push(counts.f1());
                    (
                        label.clone(),
                        LabelAgreement {
                            f1: counts.f1(),
                            counts,
                        },
                    )
                })
                .collect();
            let counts = PairCounts::of(&set_a, &set_b);
            pairs.push(Pair {
                a: names[a].clone(),
                b: names[b].clone(),
                documents: both.len(),
                f1: counts.f1(),
                counts,
                per_label,
                kappa: cohen_kappa(&tags_a, &tags_b),
            });
            let (triggers, arguments) = (
                PairCounts::of(&trig_a, &trig_b),
                PairCounts::of(&arg_a, &arg_b),
            );
            event_pairs.push(EventPair {
                a: names[a].clone(),
                b: names[b].clone(),
                trigger_f1: triggers.f1(),
                triggers,
                argument_f1: arguments.f1(),
                arguments,
            });
        }
    }

    // Alpha: a unit per char of each shared document, a value per annotator who has it.
    let mut alpha = Alpha::default();
    let mut unit: Vec<&str> = Vec::new();
    for (_, docs) in &shared {
        let values: Vec<Vec<Option<&str>>> =
            docs.iter().flatten().map(|d| char_values(d)).collect();
        let len = values.first().map_or(0, Vec::len);
        for c in 0..len {
            unit.clear();
            unit.extend(values.iter().map(|v| v[c].unwrap_or("")));
            alpha.add(&unit);
        }
    }

    let mean = |v: &Vec<f64>| v.iter().sum::<f64>() / v.len().max(1) as f64;
    let mut documents: Vec<(String, f64)> =
        doc_f1.iter().map(|(d, f)| (d.clone(), mean(f))).collect();
    documents.sort_by(|x, y| x.1.total_cmp(&y.1).then_with(|| x.0.cmp(&y.0)));
    documents.truncate(10);
    let mut labels: Vec<(String, f64)> =
        label_f1.iter().map(|(l, f)| (l.clone(), mean(f))).collect();
    labels.sort_by(|x, y| x.1.total_cmp(&y.1).then_with(|| x.0.cmp(&y.0)));

    Agreement {
        annotators: names.to_vec(),
        shared_documents: shared.len(),
        pairs,
        alpha: alpha.value(),
        events: EventAgreement { pairs: event_pairs },
        disagreements: Disagreements { documents, labels },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) {
        assert!((a - b).abs() < 1e-9, "{a} != {b}");
    }

    #[test]
    fn kappa_by_hand() {
        // Perfect: κ = 1.
        close(cohen_kappa(&["B", "O", "O"], &["B", "O", "O"]), 1.0);
        // All O for both: agreement on nothing but the one tag is still perfect.
        close(cohen_kappa(&["O", "O"], &["O", "O"]), 1.0);
        // 4 tokens, tags A: B O B O, B: B O O O. p_o = 3/4. p_a(B) = 1/2, p_b(B) = 1/4,
        // p_a(O) = 1/2, p_b(O) = 3/4; p_e = 1/8 + 3/8 = 1/2. κ = (3/4 − 1/2) / (1/2) = 1/2.
        close(
            cohen_kappa(&["B", "O", "B", "O"], &["B", "O", "O", "O"]),
            0.5,
        );
        // Always different with balanced tags: p_o = 0, p_e = 1/2, κ = −1.
        close(cohen_kappa(&["B", "O"], &["O", "B"]), -1.0);
    }

    #[test]
    fn alpha_by_hand() {
        // Identical values: α = 1.
        close(krippendorff_alpha(&[vec!["a", "a"], vec!["b", "b"]]), 1.0);
        // Two coders, units (a,a) (a,b) (b,b) (b,b): pairable values n = 8, n_a = 3, n_b = 5.
        // o_ab = o_ba = 1 (the one mixed unit, m = 2: 1·1/1 each way), Σ_{c≠k} o = 2.
        // Σ_{c≠k} n_c n_k = 2·3·5 = 30. α = 1 − 7·2/30 = 1 − 14/30 = 8/15.
        let units = [
            vec!["a", "a"],
            vec!["a", "b"],
            vec!["b", "b"],
            vec!["b", "b"],
        ];
        close(krippendorff_alpha(&units), 8.0 / 15.0);
        // Three coders on one unit each: (a,a,a) (a,a,b): unit 2 has m = 3, n_a = 2, n_b = 1:
        // Σ_{c≠k} o = (9 − 5)/2 = 2. n = 6, n_a = 5, n_b = 1: Σ_{c≠k} n_c n_k = 10.
        // α = 1 − 5·2/10 = 0.
        close(
            krippendorff_alpha(&[vec!["a", "a", "a"], vec!["a", "a", "b"]]),
            0.0,
        );
        // Units with one value are not pairable; a single value everywhere gives 1.
        close(krippendorff_alpha(&[vec!["a"], vec!["a", "a"]]), 1.0);
    }

    #[test]
    fn f1_by_hand() {
        let c = PairCounts {
            a: 3,
            b: 1,
            both: 1,
        };
        close(c.f1(), 0.5);
        close(PairCounts::default().f1(), 1.0);
        close(
            PairCounts {
                a: 2,
                b: 2,
                both: 0,
            }
            .f1(),
            0.0,
        );
    }
}
