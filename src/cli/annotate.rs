//! Pre-annotation commands: `tagdesk annotate|annotate-file|eval`.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use serde::Serialize;

use crate::annotate::eval::{self, EvalOptions};
use crate::annotate::learn;
use crate::annotate::{Dictionary, Engine, refresh_edit, suggestion_edit};
use crate::formats::{import, project as project_file};
use crate::model::{Edit, Project};

pub(super) fn engine(dictionary: Option<&Path>) -> Result<Engine> {
    Ok(match dictionary {
        Some(path) => Engine::with_patterns(&Dictionary::read_patterns(path)?),
        None => Engine::new(),
    })
}

/// The engine a project pre-annotates with: its dictionary (or the file given instead) and,
/// unless learning is off or `learning` is false, the model its reviewed documents train.
fn project_engine(
    project: &Project,
    dictionary: Option<&Path>,
    learning: bool,
    out: &mut dyn Write,
) -> Result<Engine> {
    // A dictionary file given for this run overrides the project's own.
    let engine = match dictionary {
        Some(_) => engine(dictionary)?,
        None => {
            if !project.dictionary().is_empty() {
                writeln!(
                    out,
                    "using the project dictionary ({} pattern(s))",
                    project.dictionary().len()
                )?;
            }
            Engine::with_patterns(project.dictionary())
        }
    };
    if !learning {
        return Ok(engine);
    }
    Ok(match learn::project_model(&engine, project) {
        Some(model) => {
            writeln!(
                out,
                "{} in {:.2} s",
                model.stats(),
                model.stats().train_seconds
            )?;
            engine.with_model(std::sync::Arc::new(model))
        }
        None => engine,
    })
}

/// Adds the engine's proposals to a project's documents (all, or those named) as suggestions,
/// with the project's dictionary, or the dictionary file given instead, and the project's
/// model (see [`learn::project_model`]) unless `learning` is false. With a model, a document
/// nobody has reviewed has its earlier suggestions replaced ([`refresh_edit`]).
pub fn annotate(
    path: &Path,
    docs: &[String],
    dictionary: Option<&Path>,
    learning: bool,
    out: &mut dyn Write,
) -> Result<()> {
    let mut project = project_file::load(path)?;
    for name in docs {
        let known = project
            .documents()
            .iter()
            .any(|d| d.id() == name || d.name() == name);
        if !known {
            bail!("the project has no document {name:?}");
        }
    }
    let engine = project_engine(&project, dictionary, learning, out)?;
    let mut edits = Vec::new();
    let (mut entities, mut events, mut reviewed) = (0, 0, 0);
    for doc in project.documents() {
        let wanted = docs.is_empty() || docs.iter().any(|n| n == doc.id() || n == doc.name());
        if !wanted {
            continue;
        }
        // Reviewed work is final (and teaches the model): new suggestions would reopen it.
        // Naming a document with --doc annotates it all the same.
        if docs.is_empty() && learn::is_reviewed(doc) {
            reviewed += 1;
            continue;
        }
        let proposals = engine.annotate(doc.text()).fit_schema(project.schema());
        let edit = if engine.model().is_some() {
            refresh_edit(doc, &proposals)
        } else {
            suggestion_edit(doc, &proposals)
        };
        let Edit::Batch(batch) = edit else {
            continue;
        };
        let (mut doc_entities, mut doc_events) = (0, 0);
        for edit in &batch {
            match edit {
                Edit::AddEntities { entities, .. } => doc_entities += entities.len(),
                Edit::AddEvents { events, .. } => doc_events += events.len(),
                _ => {}
            }
        }
        writeln!(
            out,
            "{}: {} suggestions",
            doc.name(),
            doc_entities + doc_events
        )?;
        entities += doc_entities;
        events += doc_events;
        edits.extend(batch);
    }
    if reviewed > 0 {
        writeln!(
            out,
            "left {reviewed} reviewed document(s) as they are (name one with --doc to annotate it)"
        )?;
    }
    project
        .apply(Edit::Batch(edits))
        .context("adding the suggestions")?;
    project_file::save(&mut project, path)?;
    writeln!(
        out,
        "suggested {entities} entities and {events} events in {}",
        path.display()
    )?;
    Ok(())
}

/// One line of `annotate-file` output: the gold JSONL format, char offsets.
#[derive(Serialize)]
struct FileLine<'a> {
    id: String,
    text: &'a str,
    entities: Vec<EntityLine<'a>>,
    events: Vec<EventLine<'a>>,
}

#[derive(Serialize)]
struct EntityLine<'a> {
    start: usize,
    end: usize,
    label: &'a str,
    score: f32,
}

#[derive(Serialize)]
struct SpanLine {
    start: usize,
    end: usize,
}

#[derive(Serialize)]
struct EventLine<'a> {
    trigger: SpanLine,
    #[serde(rename = "type")]
    event_type: &'a str,
    arguments: Vec<ArgumentLine<'a>>,
}

#[derive(Serialize)]
struct ArgumentLine<'a> {
    role: &'a str,
    start: usize,
    end: usize,
}

/// Prints one JSON object per document of each file (one per file, except JSONL corpora).
/// With a `project`, its dictionary (unless one is given), its model and its schema are used,
/// as `annotate` would on the project's own documents.
pub fn annotate_files(
    files: &[PathBuf],
    dictionary: Option<&Path>,
    project: Option<&Path>,
    out: &mut dyn Write,
) -> Result<()> {
    let (engine, schema) = match project {
        Some(path) => {
            let project = project_file::load(path)?;
            // The model's summary goes to stderr: stdout is the JSONL.
            let engine = project_engine(&project, dictionary, true, &mut std::io::stderr())?;
            (engine, Some(project.schema().clone()))
        }
        None => (engine(dictionary)?, None),
    };
    for file in files {
        let file_name = file
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let documents = import::import_file(file)?;
        let several = documents.len() > 1;
        for doc in &documents {
            let proposals = engine.annotate(doc.text());
            let proposals = match &schema {
                Some(schema) => proposals.fit_schema(schema),
                None => proposals,
            };
            let line = FileLine {
                id: if several {
                    doc.id().to_owned()
                } else {
                    file_name.clone()
                },
                text: doc.text(),
                entities: proposals
                    .entities
                    .iter()
                    .map(|e| EntityLine {
                        start: e.span.start,
                        end: e.span.end,
                        label: e.label,
                        score: e.score,
                    })
                    .collect(),
                events: proposals
                    .events
                    .iter()
                    .map(|e| EventLine {
                        trigger: SpanLine {
                            start: e.trigger.start,
                            end: e.trigger.end,
                        },
                        event_type: e.event_type,
                        arguments: e
                            .arguments
                            .iter()
                            .filter_map(|a| {
                                let entity = proposals.entities.get(a.entity)?;
                                Some(ArgumentLine {
                                    role: a.role,
                                    start: entity.span.start,
                                    end: entity.span.end,
                                })
                            })
                            .collect(),
                    })
                    .collect(),
            };
            serde_json::to_writer(&mut *out, &line)?;
            writeln!(out)?;
        }
    }
    Ok(())
}

/// Scores the engine against gold JSONL files, taken together, and prints the report.
pub fn eval(
    gold: &[PathBuf],
    coarse: bool,
    labels: Option<String>,
    dictionary: Option<&Path>,
    out: &mut dyn Write,
) -> Result<()> {
    let mut docs = Vec::new();
    for path in gold {
        let text =
            std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
        docs.extend(eval::read_gold(&text).with_context(|| format!("{}", path.display()))?);
    }
    let engine = engine(dictionary)?;
    let options = EvalOptions {
        coarse,
        labels: labels.as_deref().map(eval::parse_labels),
    };
    let started = std::time::Instant::now();
    let report = eval::evaluate(&engine, &docs, &options);
    let seconds = started.elapsed().as_secs_f64();
    write!(out, "{report}")?;
    writeln!(
        out,
        "engine and scoring: {:.3} s, {:.0} words/s",
        seconds,
        report.words as f64 / seconds.max(1e-9)
    )?;
    Ok(())
}
