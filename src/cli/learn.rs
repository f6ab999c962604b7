//! `tagdesk learning-curve`: how much a project-trained model improves on the rules, measured
//! the same way every time (`../shared/data/learning_splits.json`, or sizes given).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context, Result, bail};
use serde::{Deserialize, Serialize};

use crate::annotate::Engine;
use crate::annotate::eval::{self, Counts, EvalOptions, GoldDoc, Report};
use crate::annotate::learn::{self, TrainOptions, TrainingDoc};
use crate::formats::project as project_file;
use crate::model::Edit;

/// `tagdesk learning PROJECT [on|off]`: switches learning, or shows what the project's model
/// learns from and how good it is (cross-validated on the reviewed documents).
pub fn learning(path: &Path, set: Option<bool>, out: &mut dyn Write) -> Result<()> {
    let mut project = project_file::load(path)?;
    if let Some(enabled) = set {
        if project.learning() != enabled {
            project.apply(Edit::SetLearning { enabled })?;
            project_file::save(&mut project, path)?;
        }
        writeln!(
            out,
            "learning is {} for {}",
            if enabled { "on" } else { "off" },
            path.display()
        )?;
        return Ok(());
    }
    writeln!(
        out,
        "learning: {}",
        if project.learning() {
            "on"
        } else {
            "off (tagdesk learning PROJECT on)"
        }
    )?;
    let docs = learn::training_docs(&project);
    let engine = Engine::with_patterns(project.dictionary());
    let model = learn::train(&engine, &docs, &TrainOptions::default());
    if model.is_empty() {
        writeln!(
            out,
            "nothing to learn from yet: mark documents done, or review every suggestion of a document"
        )?;
        return Ok(());
    }
    let stats = model.stats();
    writeln!(
        out,
        "{stats} ({} tokens), trained in {:.2} s",
        stats.tokens, stats.train_seconds
    )?;
    let validation = learn::cross_validate(&engine, &docs, 4, &TrainOptions::default());
    if validation.per_label.is_empty() {
        return Ok(());
    }
    writeln!(
        out,
        "estimated quality (4-fold cross-validation on the reviewed documents, exact spans):"
    )?;
    writeln!(
        out,
        "{:<16} {:>6} {:>6} {:>6} {:>6}",
        "label", "P", "R", "F1", "gold"
    )?;
    let mut micro = Counts::default();
    for (label, c) in &validation.per_label {
        writeln!(
            out,
            "{label:<16} {:>6.1} {:>6.1} {:>6.1} {:>6}",
            100.0 * c.precision(),
            100.0 * c.recall(),
            100.0 * c.f1(),
            c.gold
        )?;
        micro.add(*c);
    }
    writeln!(
        out,
        "{:<16} {:>6.1} {:>6.1} {:>6.1} {:>6}",
        "micro",
        100.0 * micro.precision(),
        100.0 * micro.recall(),
        100.0 * micro.f1(),
        micro.gold
    )?;
    let curve: Vec<String> = validation
        .curve
        .iter()
        .map(|(n, f)| format!("{n:.0} docs {:.1}", 100.0 * f))
        .collect();
    writeln!(out, "learning curve (micro F1): {}", curve.join(", "))?;
    Ok(())
}

/// The arguments of `learning-curve`.
#[derive(clap::Args, Debug)]
pub struct CurveArgs {
    /// Gold JSONL (the common format of ../shared/data)
    pub gold: PathBuf,
    /// A splits file (learning_splits.json): train on the first k of a set's train_order,
    /// score its test list, on its labels, coarse
    #[arg(long, conflicts_with = "test")]
    pub split: Option<PathBuf>,
    /// The set of the splits file to use (default: the one whose documents the gold file has)
    #[arg(long, requires = "split")]
    pub set: Option<String>,
    /// Training sizes, comma-separated; 0 is the rules alone [default: 0,10,20,50,100]
    #[arg(long, value_delimiter = ',')]
    pub train_sizes: Vec<usize>,
    /// Without --split: the last N documents of the file are the test set
    #[arg(long)]
    pub test: Option<usize>,
    /// Train on every document but one and score that one, for each document in turn
    #[arg(long, conflicts_with_all = ["split", "test", "train_sizes"])]
    pub leave_one_out: bool,
    /// Score (and train) on the gold's coarse labels (implied by --split)
    #[arg(long)]
    pub coarse: bool,
    /// Score only these labels, comma-separated (default: the split's, or all)
    #[arg(long)]
    pub labels: Option<String>,
    /// Dictionary (JSONL patterns) for the rules, as a project would attach
    #[arg(long)]
    pub dictionary: Option<PathBuf>,
    /// Print one JSON object instead of the table
    #[arg(long)]
    pub json: bool,
}

#[derive(Deserialize)]
struct SplitSet {
    labels: String,
    test: Vec<String>,
    train_order: Vec<String>,
}

/// One point of the curve.
#[derive(Serialize)]
struct Point {
    train_docs: usize,
    train_words: usize,
    f1: f64,
    precision: f64,
    recall: f64,
    partial_f1: f64,
    /// Trigger classification F1, when the gold has events.
    trigger_f1: Option<f64>,
    train_seconds: f64,
    words_per_second: f64,
}

#[derive(Serialize)]
struct Curve {
    gold: String,
    set: Option<String>,
    test_docs: usize,
    labels: Option<Vec<String>>,
    coarse: bool,
    points: Vec<Point>,
}

fn words(docs: &[GoldDoc]) -> usize {
    docs.iter().map(|d| d.text.split_whitespace().count()).sum()
}

fn doc_id(doc: &GoldDoc) -> Option<String> {
    match &doc.id {
        Some(serde_json::Value::String(s)) => Some(s.clone()),
        Some(other) => Some(other.to_string()),
        None => None,
    }
}

/// Runs the curve and prints it.
pub fn learning_curve(args: &CurveArgs, out: &mut dyn Write) -> Result<()> {
    let text = std::fs::read_to_string(&args.gold)
        .with_context(|| format!("reading {}", args.gold.display()))?;
    let docs = eval::read_gold(&text).with_context(|| format!("{}", args.gold.display()))?;
    if docs.is_empty() {
        bail!("{} has no documents", args.gold.display());
    }
    let engine = super::annotate::engine(args.dictionary.as_deref())?;
    let mut coarse = args.coarse;
    let mut labels = args.labels.clone();
    let mut set_name = None;
    // (train order, test) as document indices.
    let (order, test): (Vec<usize>, Vec<usize>) = if let Some(split) = &args.split {
        coarse = true;
        let (name, set) = read_split(split, args.set.as_deref(), &docs)?;
        labels = labels.or(Some(set.labels.clone()));
        set_name = Some(name);
        let index = |id: &String| {
            docs.iter()
                .position(|d| doc_id(d).as_ref() == Some(id))
                .with_context(|| format!("the split names {id:?}, which the gold file lacks"))
        };
        (
            set.train_order.iter().map(index).collect::<Result<_>>()?,
            set.test.iter().map(index).collect::<Result<_>>()?,
        )
    } else if args.leave_one_out {
        ((0..docs.len()).collect(), Vec::new())
    } else {
        let n = args.test.unwrap_or(docs.len() / 4).min(docs.len() - 1);
        let split = docs.len() - n;
        ((0..split).collect(), (split..docs.len()).collect())
    };
    let options = EvalOptions {
        coarse,
        labels: labels.as_deref().map(eval::parse_labels),
    };
    let train_docs: Vec<TrainingDoc> = order
        .iter()
        .map(|&i| TrainingDoc::from_gold(&docs[i], coarse))
        .collect();
    let mut points = Vec::new();
    if args.leave_one_out {
        points.push(point(&engine, None, &docs, &[], &options, 0.0));
        // Every document scored by a model trained on all the others, summed.
        let mut report = Report::default();
        let mut seconds = 0.0;
        let mut annotate_seconds = 0.0;
        for held in 0..docs.len() {
            let others: Vec<TrainingDoc> = (0..docs.len())
                .filter(|&i| i != held)
                .map(|i| train_docs[i].clone())
                .collect();
            let model = learn::train(&engine, &others, &TrainOptions::default());
            seconds += model.stats().train_seconds;
            let started = Instant::now();
            let one = eval::evaluate_with(
                &engine,
                Some(&model),
                std::slice::from_ref(&docs[held]),
                &options,
            );
            annotate_seconds += started.elapsed().as_secs_f64();
            report.add(&one);
        }
        let mut p = point_of(
            &report,
            docs.len() - 1,
            words(&docs),
            seconds / docs.len() as f64,
        );
        p.words_per_second = report.words as f64 / annotate_seconds.max(1e-9);
        points.push(p);
    } else {
        let test_docs: Vec<GoldDoc> = test.iter().map(|&i| docs[i].clone()).collect();
        let mut sizes = if args.train_sizes.is_empty() {
            vec![0, 10, 20, 50, 100]
        } else {
            args.train_sizes.clone()
        };
        sizes.retain(|&k| k <= order.len());
        let train_gold: Vec<GoldDoc> = order.iter().map(|&i| docs[i].clone()).collect();
        for k in sizes {
            if k == 0 {
                points.push(point(&engine, None, &test_docs, &[], &options, 0.0));
                continue;
            }
            let model = learn::train(&engine, &train_docs[..k], &TrainOptions::default());
            let seconds = model.stats().train_seconds;
            points.push(point(
                &engine,
                Some(&model),
                &test_docs,
                &train_gold[..k],
                &options,
                seconds,
            ));
        }
    }
    let curve = Curve {
        gold: args.gold.display().to_string(),
        set: set_name,
        test_docs: if args.leave_one_out {
            docs.len()
        } else {
            test.len()
        },
        labels: options.labels.clone(),
        coarse,
        points,
    };
    if args.json {
        serde_json::to_writer(&mut *out, &curve)?;
        writeln!(out)?;
    } else {
        print_table(&curve, args.leave_one_out, out)?;
    }
    Ok(())
}

fn point(
    engine: &crate::annotate::Engine,
    model: Option<&learn::Model>,
    test: &[GoldDoc],
    train: &[GoldDoc],
    options: &EvalOptions,
    train_seconds: f64,
) -> Point {
    let started = Instant::now();
    let report = eval::evaluate_with(engine, model, test, options);
    let seconds = started.elapsed().as_secs_f64();
    let mut p = point_of(&report, train.len(), words(train), train_seconds);
    p.words_per_second = report.words as f64 / seconds.max(1e-9);
    p
}

fn point_of(report: &Report, train_docs: usize, train_words: usize, train_seconds: f64) -> Point {
    let exact: Counts = report.micro_exact();
    Point {
        train_docs,
        train_words,
        f1: exact.f1(),
        precision: exact.precision(),
        recall: exact.recall(),
        partial_f1: report.micro_partial().f1(),
        trigger_f1: (report.gold_events > 0).then(|| report.trigger_classification.f1()),
        train_seconds,
        words_per_second: 0.0,
    }
}

fn print_table(curve: &Curve, leave_one_out: bool, out: &mut dyn Write) -> Result<()> {
    let labels = curve
        .labels
        .as_ref()
        .map_or("all labels".to_owned(), |l| l.join(","));
    writeln!(
        out,
        "{}{}: {} test documents, {labels}{}, exact-span micro F1",
        curve.gold,
        curve
            .set
            .as_ref()
            .map_or(String::new(), |s| format!(" ({s})")),
        curve.test_docs,
        if curve.coarse { " (coarse)" } else { "" },
    )?;
    let triggers = curve.points.iter().any(|p| p.trigger_f1.is_some());
    write!(
        out,
        "{:>10} {:>11} {:>6} {:>6} {:>6} {:>6}",
        "train docs", "train words", "F1", "P", "R", "F1~"
    )?;
    if triggers {
        write!(out, " {:>10}", "trigger F1")?;
    }
    writeln!(out, " {:>8} {:>12}", "train s", "words/s")?;
    for p in &curve.points {
        // The rules alone are the point with no training (which `--train-sizes` may leave out).
        let name = match (p.train_docs, leave_one_out) {
            (0, _) => "rules".to_owned(),
            (_, true) => format!("{} (loo)", p.train_docs),
            _ => p.train_docs.to_string(),
        };
        write!(
            out,
            "{name:>10} {:>11} {:>6.1} {:>6.1} {:>6.1} {:>6.1}",
            p.train_words,
            100.0 * p.f1,
            100.0 * p.precision,
            100.0 * p.recall,
            100.0 * p.partial_f1
        )?;
        if triggers {
            match p.trigger_f1 {
                Some(f) => write!(out, " {:>10.1}", 100.0 * f)?,
                None => write!(out, " {:>10}", "-")?,
            }
        }
        writeln!(
            out,
            " {:>8.3} {:>12.0}",
            p.train_seconds, p.words_per_second
        )?;
    }
    writeln!(
        out,
        "(F1~ = partial overlap; rules = the engine alone, no training)"
    )?;
    Ok(())
}

/// The set of a splits file named `wanted`, or the one whose test documents `docs` has.
fn read_split(path: &Path, wanted: Option<&str>, docs: &[GoldDoc]) -> Result<(String, SplitSet)> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let value: serde_json::Value =
        serde_json::from_str(&text).with_context(|| format!("{} is not JSON", path.display()))?;
    let sets = value
        .as_object()
        .with_context(|| format!("{} is not a JSON object", path.display()))?;
    let ids: std::collections::HashSet<String> = docs.iter().filter_map(doc_id).collect();
    for (name, set) in sets {
        if wanted.is_some_and(|w| w != name) {
            continue;
        }
        let Ok(set) = serde_json::from_value::<SplitSet>(set.clone()) else {
            continue;
        };
        if wanted.is_some() || set.test.iter().all(|id| ids.contains(id)) {
            return Ok((name.clone(), set));
        }
    }
    match wanted {
        Some(w) => bail!(
            "{} has no set {w:?} with labels, test and train_order",
            path.display()
        ),
        None => bail!(
            "no set of {} matches the documents of the gold file (name one with --set)",
            path.display()
        ),
    }
}
