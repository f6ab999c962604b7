//! How a model's spans and the rules' combine, and how much confidence each kind of change
//! needs (the [`Gate`], tuned by cross-validation on the project's own reviewed documents).
//!
//! A model span is one of four kinds, by what the rules proposed there:
//! - *agree*: the same span with the label the rules' label stands for in the project;
//! - *relabel*: the same span, another label;
//! - *reshape*: overlapping a rule span with other boundaries;
//! - *new*: where the rules proposed nothing.
//!
//! An agreeing span is always kept; the others when their score reaches the gate's threshold
//! for their kind. A rule span that no kept model span overlaps is kept under its project label,
//! unless the project leaves that rule label empty, or the model is sure enough
//! (`drop` threshold) that its tokens are outside every entity. Dictionary spans are kept before
//! anything else.
//!
//! All spans are over token indices, `[start, end)`.

/// A rule proposal as the combination sees it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct RuleSpan {
    pub start: usize,
    pub end: usize,
    /// The project label the rule label stands for; `None` when the project leaves it empty.
    pub label: Option<&'static str>,
    /// Dictionary matches win over the model.
    pub fixed: bool,
    /// Index into the rule proposals it came from.
    pub index: usize,
}

/// A model proposal.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct ModelSpan {
    pub start: usize,
    pub end: usize,
    pub label: &'static str,
    /// Confidence in `(0, 1)`.
    pub score: f32,
}

/// What the combination keeps.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Chosen {
    /// A rule span (its index), under `label`.
    Rule { index: usize, label: &'static str },
    /// A model span (its index in the model's spans).
    Model(usize),
}

/// Thresholds on the model's score, per kind of change.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Gate {
    pub relabel: f32,
    pub reshape: f32,
    pub new: f32,
    /// To drop a rule span whose tokens the model leaves empty.
    pub drop: f32,
}

impl Default for Gate {
    /// Middle of the road, for a model too small to tune one.
    fn default() -> Self {
        Self {
            relabel: 0.5,
            reshape: 0.5,
            new: 0.5,
            drop: 0.5,
        }
    }
}

/// The thresholds tried when tuning; above 1 means never.
const GRID: [f32; 6] = [0.0, 0.2, 0.4, 0.6, 0.8, 1.1];

fn overlaps(a: (usize, usize), b: (usize, usize)) -> bool {
    a.0 < b.1 && b.0 < a.1
}

/// What a model span is to the rules' spans (see the module docs).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Agree,
    Relabel,
    Reshape,
    New,
}

impl Gate {
    fn threshold(&self, kind: Kind) -> f32 {
        match kind {
            Kind::Agree => 0.0,
            Kind::Relabel => self.relabel,
            Kind::Reshape => self.reshape,
            Kind::New => self.new,
        }
    }
}

/// The rules' spans (sorted by start, disjoint) that overlap `[start, end)`: a short run.
fn overlapping(rules: &[RuleSpan], start: usize, end: usize) -> impl Iterator<Item = &RuleSpan> {
    let first = rules.partition_point(|r| r.end <= start);
    rules[first..]
        .iter()
        .take_while(move |r| r.start < end)
        .filter(move |r| overlaps((r.start, r.end), (start, end)))
}

fn kind_of(rules: &[RuleSpan], m: &ModelSpan) -> Kind {
    let mut under = overlapping(rules, m.start, m.end).filter(|r| !r.fixed);
    match (under.next(), under.next()) {
        (None, _) => Kind::New,
        (Some(r), None) if r.start == m.start && r.end == m.end => {
            if r.label == Some(m.label) {
                Kind::Agree
            } else {
                Kind::Relabel
            }
        }
        _ => Kind::Reshape,
    }
}

/// Combines `rules` and `model` (each sorted by start and non-overlapping). `outside(start,
/// end)` is the model's confidence that tokens `[start, end)` are outside every entity, or
/// `None` if it tags any of them. The result is sorted by start and non-overlapping.
pub(crate) fn combine(
    rules: &[RuleSpan],
    model: &[ModelSpan],
    outside: impl Fn(usize, usize) -> Option<f32>,
    gate: &Gate,
) -> Vec<(usize, usize, Chosen)> {
    let mut out: Vec<(usize, usize, Chosen)> = rules
        .iter()
        .filter(|r| r.fixed)
        .filter_map(|r| {
            Some((
                r.start,
                r.end,
                Chosen::Rule {
                    index: r.index,
                    label: r.label?,
                },
            ))
        })
        .collect();
    let fixed = out.len();
    for (i, m) in model.iter().enumerate() {
        if out[..fixed]
            .iter()
            .any(|&(s, e, _)| overlaps((s, e), (m.start, m.end)))
        {
            continue;
        }
        if m.score >= gate.threshold(kind_of(rules, m)) {
            out.push((m.start, m.end, Chosen::Model(i)));
        }
    }
    let kept_model = out.len();
    for r in rules.iter().filter(|r| !r.fixed) {
        let Some(label) = r.label else { continue };
        let taken = out[..kept_model]
            .iter()
            .any(|&(s, e, _)| overlaps((s, e), (r.start, r.end)));
        let dropped = outside(r.start, r.end).is_some_and(|c| c >= gate.drop);
        if !taken && !dropped {
            out.push((
                r.start,
                r.end,
                Chosen::Rule {
                    index: r.index,
                    label,
                },
            ));
        }
    }
    out.sort_by_key(|&(s, _, _)| s);
    out
}

/// One held-out document for tuning: what the rules and a model trained without it proposed,
/// the model's confidence that each token is outside every entity (`None` where it tags one),
/// and the gold spans.
pub(crate) struct HeldOut {
    pub rules: Vec<RuleSpan>,
    pub model: Vec<ModelSpan>,
    pub outside: Vec<Option<f32>>,
    pub gold: Vec<(usize, usize, &'static str)>,
}

impl HeldOut {
    fn outside(&self, start: usize, end: usize) -> Option<f32> {
        self.outside[start..end]
            .iter()
            .try_fold(f32::INFINITY, |lowest, c| c.map(|c| lowest.min(c)))
    }

    /// The document reduced to what a gate decides, so that trying a gate costs a pass over
    /// its spans.
    fn decisions(&self) -> Decisions {
        let correct = |start: usize, end: usize, label: &str| {
            self.gold
                .iter()
                .any(|&(s, e, l)| s == start && e == end && l == label)
        };
        let fixed: Vec<&RuleSpan> = self
            .rules
            .iter()
            .filter(|r| r.fixed && r.label.is_some())
            .collect();
        let model: Vec<&ModelSpan> = self
            .model
            .iter()
            .filter(|m| {
                !fixed
                    .iter()
                    .any(|f| overlaps((f.start, f.end), (m.start, m.end)))
            })
            .collect();
        let rules = self
            .rules
            .iter()
            .filter(|r| !r.fixed)
            .filter_map(|r| {
                let label = r.label?;
                let first = model.partition_point(|m| m.end <= r.start);
                let last = first
                    + model[first..]
                        .iter()
                        .take_while(|m| m.start < r.end)
                        .count();
                Some(RuleDecision {
                    model: first..last,
                    outside: self.outside(r.start, r.end),
                    correct: correct(r.start, r.end, label),
                })
            })
            .collect();
        Decisions {
            model: model
                .iter()
                .map(|m| {
                    (
                        kind_of(&self.rules, m),
                        m.score,
                        correct(m.start, m.end, m.label),
                    )
                })
                .collect(),
            rules,
            fixed_correct: fixed
                .iter()
                .filter(|r| r.label.is_some_and(|l| correct(r.start, r.end, l)))
                .count(),
            fixed: fixed.len(),
            gold: self.gold.len(),
        }
    }
}

/// A held-out document as a gate sees it: see [`HeldOut::decisions`].
struct Decisions {
    /// Per model span a dictionary span does not block: its kind, score, and whether gold.
    model: Vec<(Kind, f32, bool)>,
    /// Per rule span with a label, outside the dictionary.
    rules: Vec<RuleDecision>,
    fixed_correct: usize,
    fixed: usize,
    gold: usize,
}

struct RuleDecision {
    /// The model spans (indices into [`Decisions::model`]) overlapping it.
    model: std::ops::Range<usize>,
    outside: Option<f32>,
    correct: bool,
}

impl Decisions {
    /// (correct, predicted, gold) of the combination under `gate`, as [`combine`] has it;
    /// `kept` is a buffer.
    fn counts(&self, gate: &Gate, kept: &mut Vec<bool>) -> (usize, usize, usize) {
        kept.clear();
        let (mut correct, mut predicted) = (self.fixed_correct, self.fixed);
        for &(kind, score, right) in &self.model {
            let keep = score >= gate.threshold(kind);
            kept.push(keep);
            predicted += usize::from(keep);
            correct += usize::from(keep && right);
        }
        for r in &self.rules {
            let taken = kept[r.model.clone()].iter().any(|&k| k);
            let dropped = r.outside.is_some_and(|c| c >= gate.drop);
            if !taken && !dropped {
                predicted += 1;
                correct += usize::from(r.correct);
            }
        }
        (correct, predicted, self.gold)
    }
}

fn f1((correct, predicted, gold): (usize, usize, usize)) -> f64 {
    if correct == 0 {
        0.0
    } else {
        2.0 * correct as f64 / (predicted + gold) as f64
    }
}

/// The gate to use after `held_out`: of the gates whose micro F1 is within one rough standard
/// error of the best, the most conservative (the highest thresholds, closest to the rules), so
/// that a few held-out documents do not talk the model into changes that do not generalise.
/// Ties go to the first in grid order: the same data give the same gate.
pub(crate) fn tune(held_out: &[HeldOut]) -> Gate {
    let gold: usize = held_out.iter().map(|h| h.gold.len()).sum();
    if gold == 0 {
        return Gate::default();
    }
    let decisions: Vec<Decisions> = held_out.iter().map(HeldOut::decisions).collect();
    let mut kept = Vec::new();
    let mut scored = Vec::with_capacity(GRID.len().pow(4));
    for &relabel in &GRID {
        for &reshape in &GRID {
            for &new in &GRID {
                for &drop in &GRID {
                    let gate = Gate {
                        relabel,
                        reshape,
                        new,
                        drop,
                    };
                    let total = decisions
                        .iter()
                        .map(|d| d.counts(&gate, &mut kept))
                        .fold((0, 0, 0), |(a, b, c), (x, y, z)| (a + x, b + y, c + z));
                    scored.push((f1(total), gate));
                }
            }
        }
    }
    let best = scored.iter().map(|(f, _)| *f).fold(0.0, f64::max);
    let tolerance = 0.25 / (gold as f64).sqrt();
    let strictness = |g: &Gate| g.relabel + g.reshape + g.new + g.drop;
    let mut chosen = Gate::default();
    let mut chosen_strictness = f32::NEG_INFINITY;
    for (f, gate) in scored {
        if f >= best - tolerance && strictness(&gate) > chosen_strictness {
            chosen = gate;
            chosen_strictness = strictness(&gate);
        }
    }
    chosen
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(start: usize, end: usize, label: &'static str) -> RuleSpan {
        RuleSpan {
            start,
            end,
            label: Some(label),
            fixed: false,
            index: start,
        }
    }

    fn model(start: usize, end: usize, label: &'static str, score: f32) -> ModelSpan {
        ModelSpan {
            start,
            end,
            label,
            score,
        }
    }

    fn spans(chosen: &[(usize, usize, Chosen)]) -> Vec<(usize, usize)> {
        chosen.iter().map(|&(s, e, _)| (s, e)).collect()
    }

    #[test]
    fn each_kind_needs_its_threshold() {
        let rules = [rule(0, 2, "PER"), rule(5, 6, "ORG"), rule(8, 10, "LOC")];
        let found = [
            model(0, 2, "PER", 0.1),   // agree: always kept
            model(5, 6, "LOC", 0.5),   // relabel
            model(8, 9, "LOC", 0.5),   // reshape
            model(12, 13, "ORG", 0.5), // new
        ];
        let none = |_, _| None;
        let strict = Gate {
            relabel: 0.9,
            reshape: 0.9,
            new: 0.9,
            drop: 0.9,
        };
        let kept = combine(&rules, &found, none, &strict);
        // The model's agreeing span and the rules' other two.
        assert_eq!(spans(&kept), [(0, 2), (5, 6), (8, 10)]);
        assert_eq!(kept[0].2, Chosen::Model(0));
        let lax = Gate {
            relabel: 0.4,
            reshape: 0.4,
            new: 0.4,
            drop: 0.4,
        };
        let kept = combine(&rules, &found, none, &lax);
        assert_eq!(spans(&kept), [(0, 2), (5, 6), (8, 9), (12, 13)]);
        assert!(kept.iter().all(|k| matches!(k.2, Chosen::Model(_))));
    }

    #[test]
    fn rule_spans_drop_when_the_project_leaves_them_empty_or_the_model_is_sure() {
        let mut date = rule(3, 4, "DATE");
        date.label = None;
        let rules = [rule(0, 1, "PER"), date];
        let sure = |s: usize, _| Some(if s == 0 { 0.9 } else { 0.1 });
        let kept = combine(&rules, &[], sure, &Gate::default());
        assert!(kept.is_empty(), "{kept:?}");
        let unsure = |_, _| Some(0.1);
        assert_eq!(
            spans(&combine(&rules, &[], unsure, &Gate::default())),
            [(0, 1)]
        );
    }

    #[test]
    fn dictionary_spans_win() {
        let mut dict = rule(0, 2, "ORG");
        dict.fixed = true;
        let kept = combine(
            &[dict],
            &[model(1, 3, "PER", 0.99)],
            |_, _| None,
            &Gate::default(),
        );
        assert_eq!(
            kept,
            [(
                0,
                2,
                Chosen::Rule {
                    index: 0,
                    label: "ORG"
                }
            )]
        );
    }

    #[test]
    fn a_gate_counts_what_combine_keeps() {
        let mut dict = rule(20, 22, "ORG");
        dict.fixed = true;
        let mut date = rule(14, 15, "DATE");
        date.label = None;
        let held = HeldOut {
            rules: vec![
                rule(0, 2, "PER"),
                rule(5, 6, "ORG"),
                rule(8, 10, "LOC"),
                date,
                dict,
            ],
            model: vec![
                model(0, 2, "PER", 0.1),
                model(5, 6, "LOC", 0.5),
                model(8, 9, "LOC", 0.7),
                model(12, 13, "ORG", 0.3),
                model(21, 23, "PER", 0.9),
            ],
            outside: (0..24).map(|i| (i == 5 || i > 10).then_some(0.6)).collect(),
            gold: vec![
                (0, 2, "PER"),
                (5, 6, "LOC"),
                (8, 10, "LOC"),
                (20, 22, "ORG"),
            ],
        };
        let decisions = held.decisions();
        for &relabel in &GRID {
            for &new in &GRID {
                for &drop in &GRID {
                    let gate = Gate {
                        relabel,
                        reshape: new,
                        new,
                        drop,
                    };
                    let chosen =
                        combine(&held.rules, &held.model, |s, e| held.outside(s, e), &gate);
                    let correct = chosen
                        .iter()
                        .filter(|&&(s, e, c)| {
                            let label = match c {
                                Chosen::Rule { label, .. } => label,
                                Chosen::Model(i) => held.model[i].label,
                            };
                            held.gold.contains(&(s, e, label))
                        })
                        .count();
                    assert_eq!(
                        decisions.counts(&gate, &mut Vec::new()),
                        (correct, chosen.len(), held.gold.len()),
                        "{gate:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn tuning_learns_to_refuse_new_spans_that_are_wrong() {
        let held = HeldOut {
            rules: vec![rule(0, 1, "PER")],
            model: vec![model(0, 1, "PER", 0.9), model(4, 5, "ORG", 0.5)],
            outside: vec![None, Some(0.9), Some(0.9), Some(0.9), None],
            gold: vec![(0, 1, "PER")],
        };
        let gate = tune(&[held]);
        assert!(gate.new > 0.5, "{gate:?}");
    }
}
