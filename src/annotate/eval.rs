//! Scoring the engine against gold annotations in the common JSONL format of
//! `../shared/data` (`{"id", "text", "entities": [{"start", "end", "label", "coarse"}],
//! "events": [{"trigger": {"start", "end"}, "type", "arguments": [{"role", "start", "end"}]}]}`,
//! char offsets, end exclusive).
//!
//! Entities: precision, recall and F1 per label and micro-averaged, by exact span and label,
//! and by partial overlap (a prediction overlapping a not yet matched gold span of the same
//! label; one to one). Events:
//! - trigger identification: the trigger span matches a gold trigger;
//! - trigger classification: and the type matches;
//! - argument identification: an argument span matches an argument of a gold event with the
//!   same trigger span;
//! - argument classification: and the role and the event type match too.
//!
//! Gold types without a `:` (brat's tutorial: `Merge-org`, `Transfer-money`) are compared with
//! the subtype of ours, case-insensitively (`Business:Merge-Org` = `Merge-org`); brat role
//! names lose their `-Arg` and number suffix (`Org-Arg2` = `Org`).

use std::collections::BTreeMap;
use std::fmt;

use serde::Deserialize;

use super::learn::Model;
use super::{Engine, Proposals};
use crate::model::Span;

#[derive(Debug, thiserror::Error)]
pub enum EvalError {
    #[error("gold line {line}: {message}")]
    Line { line: usize, message: String },
}

#[derive(Clone, Debug, Deserialize)]
pub struct GoldEntity {
    pub start: usize,
    pub end: usize,
    pub label: String,
    #[serde(default)]
    pub coarse: Option<String>,
}

#[derive(Clone, Debug, Deserialize)]
pub struct GoldSpan {
    pub start: usize,
    pub end: usize,
}

#[derive(Clone, Debug, Deserialize)]
pub struct GoldArgument {
    pub role: String,
    pub start: usize,
    pub end: usize,
}

#[derive(Clone, Debug, Deserialize)]
pub struct GoldEvent {
    pub trigger: GoldSpan,
    #[serde(rename = "type")]
    pub event_type: String,
    #[serde(default)]
    pub arguments: Vec<GoldArgument>,
}

/// One gold document.
#[derive(Clone, Debug, Deserialize)]
pub struct GoldDoc {
    #[serde(default)]
    pub id: Option<serde_json::Value>,
    pub text: String,
    #[serde(default)]
    pub entities: Vec<GoldEntity>,
    #[serde(default)]
    pub events: Vec<GoldEvent>,
}

/// Parses a gold JSONL file's content; blank lines are skipped.
pub fn read_gold(jsonl: &str) -> Result<Vec<GoldDoc>, EvalError> {
    jsonl
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(n, line)| {
            serde_json::from_str(line).map_err(|e| EvalError::Line {
                line: n + 1,
                message: e.to_string(),
            })
        })
        .collect()
}

/// Our label on the coarse scale of the gold files.
pub fn coarse_label(label: &str) -> &str {
    match label {
        "GPE" | "LOC" | "FAC" => "LOC",
        "DATE" | "TIME" => "DATE",
        "NORP" | "EVENT" | "PRODUCT" | "WORK_OF_ART" | "LAW" | "LANGUAGE" | "MISC" => "MISC",
        other => other,
    }
}

/// A comma-separated label list (`PER,ORG,LOC`), blanks skipped.
pub fn parse_labels(list: &str) -> Vec<String> {
    list.split(',')
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
        .collect()
}

#[derive(Clone, Debug, Default)]
pub struct EvalOptions {
    /// Compare coarse labels: ours mapped by [`coarse_label`], the gold's `coarse` field.
    pub coarse: bool,
    /// Score only these labels (after the coarse mapping), on both sides.
    pub labels: Option<Vec<String>>,
}

/// True positives, predictions and gold items.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    pub correct: usize,
    pub predicted: usize,
    pub gold: usize,
}

impl Counts {
    pub fn precision(&self) -> f64 {
        ratio(self.correct, self.predicted)
    }
    pub fn recall(&self) -> f64 {
        ratio(self.correct, self.gold)
    }
    pub fn f1(&self) -> f64 {
        let (p, r) = (self.precision(), self.recall());
        if p + r == 0.0 {
            0.0
        } else {
            2.0 * p * r / (p + r)
        }
    }
    pub fn add(&mut self, other: Counts) {
        self.correct += other.correct;
        self.predicted += other.predicted;
        self.gold += other.gold;
    }
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 { 0.0 } else { a as f64 / b as f64 }
}

/// The scores of one evaluation.
#[derive(Clone, Debug, Default)]
pub struct Report {
    pub documents: usize,
    pub words: usize,
    pub exact: BTreeMap<String, Counts>,
    pub partial: BTreeMap<String, Counts>,
    pub trigger_identification: Counts,
    pub trigger_classification: Counts,
    pub argument_identification: Counts,
    pub argument_classification: Counts,
    pub gold_events: usize,
}

impl Report {
    /// Adds another evaluation's counts to this one's.
    pub fn add(&mut self, other: &Report) {
        self.documents += other.documents;
        self.words += other.words;
        for (mine, theirs) in [
            (&mut self.exact, &other.exact),
            (&mut self.partial, &other.partial),
        ] {
            for (label, counts) in theirs {
                mine.entry(label.clone()).or_default().add(*counts);
            }
        }
        self.trigger_identification
            .add(other.trigger_identification);
        self.trigger_classification
            .add(other.trigger_classification);
        self.argument_identification
            .add(other.argument_identification);
        self.argument_classification
            .add(other.argument_classification);
        self.gold_events += other.gold_events;
    }

    pub fn micro_exact(&self) -> Counts {
        micro(&self.exact)
    }
    pub fn micro_partial(&self) -> Counts {
        micro(&self.partial)
    }
}

fn micro(per_label: &BTreeMap<String, Counts>) -> Counts {
    let mut total = Counts::default();
    per_label.values().for_each(|c| total.add(*c));
    total
}

/// Runs `engine` on every document and scores it.
pub fn evaluate(engine: &Engine, docs: &[GoldDoc], options: &EvalOptions) -> Report {
    evaluate_with(engine, engine.model(), docs, options)
}

/// Runs `engine` with `model` (`None`: the rules alone) on every document and scores it.
pub fn evaluate_with(
    engine: &Engine,
    model: Option<&Model>,
    docs: &[GoldDoc],
    options: &EvalOptions,
) -> Report {
    let mut report = Report {
        documents: docs.len(),
        ..Report::default()
    };
    for doc in docs {
        report.words += doc.text.split_whitespace().count();
        let proposals = engine.annotate_with(&doc.text, model);
        score_entities(doc, &proposals, options, &mut report);
        score_events(doc, &proposals, &mut report);
    }
    report
}

fn score_entities(
    doc: &GoldDoc,
    proposals: &Proposals,
    options: &EvalOptions,
    report: &mut Report,
) {
    let keep = |label: &str| {
        options
            .labels
            .as_ref()
            .is_none_or(|labels| labels.iter().any(|l| l == label))
    };
    let predicted: Vec<(Span, &str)> = proposals
        .entities
        .iter()
        .map(|e| {
            let label = if options.coarse {
                coarse_label(e.label)
            } else {
                e.label
            };
            (e.span, label)
        })
        .filter(|(_, l)| keep(l))
        .collect();
    let gold: Vec<(Span, &str)> = doc
        .entities
        .iter()
        .map(|e| {
            let label = match (&e.coarse, options.coarse) {
                (Some(coarse), true) => coarse.as_str(),
                (None, true) => coarse_label(&e.label),
                _ => e.label.as_str(),
            };
            (
                Span {
                    start: e.start,
                    end: e.end,
                },
                label,
            )
        })
        .filter(|(_, l)| keep(l))
        .collect();
    for (exact, table) in [(true, &mut report.exact), (false, &mut report.partial)] {
        let mut matched = vec![false; gold.len()];
        for &(span, label) in &predicted {
            let counts = table.entry(label.to_owned()).or_default();
            counts.predicted += 1;
            let hit = gold.iter().enumerate().position(|(g, &(gs, gl))| {
                !matched[g] && gl == label && if exact { gs == span } else { gs.overlaps(span) }
            });
            if let Some(g) = hit {
                matched[g] = true;
                counts.correct += 1;
            }
        }
        for &(_, label) in &gold {
            table.entry(label.to_owned()).or_default().gold += 1;
        }
    }
}

/// Whether our event type names the gold one (see the module docs).
pub fn same_event_type(ours: &str, gold: &str) -> bool {
    if gold.contains(':') {
        return ours == gold;
    }
    let subtype = ours.rsplit(':').next().unwrap_or(ours);
    subtype.eq_ignore_ascii_case(gold)
}

/// A role name without brat's `-Arg` and number suffixes.
pub fn base_role(role: &str) -> &str {
    let role = role.split("-Arg").next().unwrap_or(role);
    role.trim_end_matches(|c: char| c.is_ascii_digit())
}

fn score_events(doc: &GoldDoc, proposals: &Proposals, report: &mut Report) {
    report.gold_events += doc.events.len();
    let gold_triggers: Vec<Span> = doc
        .events
        .iter()
        .map(|e| Span {
            start: e.trigger.start,
            end: e.trigger.end,
        })
        .collect();
    let mut id_matched = vec![false; doc.events.len()];
    let mut class_matched = vec![false; doc.events.len()];
    for event in &proposals.events {
        report.trigger_identification.predicted += 1;
        report.trigger_classification.predicted += 1;
        if let Some(g) =
            (0..doc.events.len()).find(|&g| !id_matched[g] && gold_triggers[g] == event.trigger)
        {
            id_matched[g] = true;
            report.trigger_identification.correct += 1;
        }
        let classified = (0..doc.events.len()).find(|&g| {
            !class_matched[g]
                && gold_triggers[g] == event.trigger
                && same_event_type(event.event_type, &doc.events[g].event_type)
        });
        if let Some(g) = classified {
            class_matched[g] = true;
            report.trigger_classification.correct += 1;
        }
        for arg in &event.arguments {
            report.argument_identification.predicted += 1;
            report.argument_classification.predicted += 1;
            let Some(entity) = proposals.entities.get(arg.entity) else {
                continue;
            };
            let gold_args = doc
                .events
                .iter()
                .zip(&gold_triggers)
                .filter(|(_, t)| **t == event.trigger)
                .flat_map(|(e, _)| e.arguments.iter().map(move |a| (e, a)))
                .filter(|(_, a)| a.start == entity.span.start && a.end == entity.span.end);
            let mut identified = false;
            let mut classified = false;
            for (gold_event, gold_arg) in gold_args {
                identified = true;
                classified |= base_role(&gold_arg.role) == arg.role
                    && same_event_type(event.event_type, &gold_event.event_type);
            }
            report.argument_identification.correct += usize::from(identified);
            report.argument_classification.correct += usize::from(classified);
        }
    }
    report.trigger_identification.gold += doc.events.len();
    report.trigger_classification.gold += doc.events.len();
    let gold_args: usize = doc.events.iter().map(|e| e.arguments.len()).sum();
    report.argument_identification.gold += gold_args;
    report.argument_classification.gold += gold_args;
}

fn row(
    f: &mut fmt::Formatter<'_>,
    name: &str,
    exact: Counts,
    partial: Option<Counts>,
) -> fmt::Result {
    write!(
        f,
        "{name:<24} {:>6.1} {:>6.1} {:>6.1}  {:>5}/{:<5}/{:>5}",
        100.0 * exact.precision(),
        100.0 * exact.recall(),
        100.0 * exact.f1(),
        exact.correct,
        exact.predicted,
        exact.gold
    )?;
    if let Some(p) = partial {
        write!(
            f,
            "   {:>6.1} {:>6.1} {:>6.1}",
            100.0 * p.precision(),
            100.0 * p.recall(),
            100.0 * p.f1()
        )?;
    }
    writeln!(f)
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "{} documents, {} words", self.documents, self.words)?;
        writeln!(
            f,
            "{:<24} {:>6} {:>6} {:>6}  {:>17}   {:>6} {:>6} {:>6}",
            "entities", "P", "R", "F1", "correct/pred/gold", "P~", "R~", "F1~"
        )?;
        for (label, exact) in &self.exact {
            let partial = self.partial.get(label).copied().unwrap_or_default();
            row(f, label, *exact, Some(partial))?;
        }
        row(f, "micro", self.micro_exact(), Some(self.micro_partial()))?;
        writeln!(f, "(~ = partial overlap)")?;
        if self.gold_events == 0 {
            writeln!(f, "events: the gold has none, not scored")?;
        } else {
            writeln!(
                f,
                "{:<24} {:>6} {:>6} {:>6}  {:>17}",
                "events", "P", "R", "F1", "correct/pred/gold"
            )?;
            row(
                f,
                "trigger identification",
                self.trigger_identification,
                None,
            )?;
            row(
                f,
                "trigger classification",
                self.trigger_classification,
                None,
            )?;
            row(
                f,
                "argument identification",
                self.argument_identification,
                None,
            )?;
            row(
                f,
                "argument classification",
                self.argument_classification,
                None,
            )?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_and_names() {
        let c = Counts {
            correct: 1,
            predicted: 2,
            gold: 4,
        };
        assert!((c.f1() - 1.0 / 3.0).abs() < 1e-9);
        assert!(same_event_type("Business:Merge-Org", "Merge-org"));
        assert!(!same_event_type("Business:Merge-Org", "Contact:Meet"));
        assert_eq!(base_role("Org-Arg2"), "Org");
        assert_eq!(base_role("Entity2"), "Entity");
        assert_eq!(coarse_label("GPE"), "LOC");
    }

    #[test]
    fn exact_and_partial_matches() {
        let engine = Engine::new();
        let docs = read_gold(
            r#"{"id": "a", "text": "Talks in South Korea’s capital Seoul.", "entities": [{"start": 9, "end": 20, "label": "GPE", "coarse": "LOC"}, {"start": 31, "end": 37, "label": "GPE"}]}"#,
        )
        .expect("gold");
        let report = evaluate(&engine, &docs, &EvalOptions::default());
        let gpe = report.exact["GPE"];
        assert_eq!(gpe.gold, 2);
        assert_eq!(gpe.correct, 1, "{report}");
        assert_eq!(report.partial["GPE"].correct, 2, "{report}");
    }
}
