//! Pre-annotation commands: `tagdesk annotate|annotate-file|eval`.

use std::collections::HashSet;
use std::io::{BufRead, Write};
use std::ops::Range;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use serde::Serialize;

use crate::annotate::eval::{self, EvalOptions};
use crate::annotate::learn;
use crate::annotate::{
    Dictionary, Engine, Proposals, join_sections, refresh_edit, sections, suggestion_edit,
};
use crate::formats::{folder, import, project as project_file};
use crate::model::{Document, Edit, Project, Schema};

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

/// Documents annotated together before their suggestions are applied.
const CHUNK_DOCS: usize = 1024;

/// Adds the engine's proposals to a project's documents (all, or those named) as suggestions,
/// with the project's dictionary, or the dictionary file given instead, and the project's
/// model (see [`learn::project_model`]) unless `learning` is false. With a model, a document
/// nobody has reviewed has its earlier suggestions replaced ([`refresh_edit`]). Documents are
/// annotated on `threads` threads; output and project are the same for any number.
pub fn annotate(
    path: &Path,
    docs: &[String],
    dictionary: Option<&Path>,
    learning: bool,
    threads: usize,
    out: &mut dyn Write,
) -> Result<()> {
    let named: HashSet<&str> = docs.iter().map(String::as_str).collect();
    // A few documents of a folder project: read those, and the reviewed ones a model learns
    // from, not the whole project; the save writes only what changed.
    let mut project = if folder::is_folder(path) && !docs.is_empty() {
        folder::load_some(path, |id, doc| {
            named.contains(id)
                || named.contains(doc.name.as_str())
                || (learning && doc.is_reviewed())
        })?
    } else {
        project_file::load(path)?
    };
    for name in docs {
        let known = project.document(name).is_some()
            || project.documents().iter().any(|d| d.name() == name);
        if !known {
            bail!("the project has no document {name:?}");
        }
    }
    let engine = project_engine(&project, dictionary, learning, out)?;
    // Reviewed work is final (and teaches the model): new suggestions would reopen it.
    // Naming a document with --doc annotates it all the same.
    let (mut todo, mut reviewed) = (Vec::new(), 0);
    for (i, d) in project.documents().iter().enumerate() {
        if !named.is_empty() && !named.contains(d.id()) && !named.contains(d.name()) {
            continue;
        }
        if docs.is_empty() && learn::is_reviewed(d) {
            reviewed += 1;
        } else {
            todo.push(i);
        }
    }
    let (mut entities, mut events) = (0, 0);
    // A chunk at a time, applied as it comes: the suggestions of a whole large project are
    // never held twice (as edits and in the project).
    for chunk in todo.chunks(CHUNK_DOCS) {
        let batches = crate::parallel::map_ordered(chunk, threads, |&i| {
            let doc = &project.documents()[i];
            let proposals = engine.annotate(doc.text()).fit_schema(project.schema());
            if engine.model().is_some() {
                refresh_edit(doc, &proposals)
            } else {
                suggestion_edit(doc, &proposals)
            }
        });
        for (&i, edit) in chunk.iter().zip(batches) {
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
                project.documents()[i].name(),
                doc_entities + doc_events
            )?;
            entities += doc_entities;
            events += doc_events;
            // Nothing is saved unless every document's suggestions applied.
            project
                .apply(Edit::Batch(batch))
                .context("adding the suggestions")?;
        }
    }
    if reviewed > 0 {
        writeln!(
            out,
            "left {reviewed} reviewed document(s) as they are (name one with --doc to annotate it)"
        )?;
    }
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
    id: &'a str,
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

/// Documents gathered before they are annotated in parallel and written, in order: enough to
/// keep every thread busy, few enough that a stream's output follows its input closely.
const BATCH_DOCS: usize = 512;
const BATCH_BYTES: usize = 8 << 20;

/// Prints one JSON object per document of each file (one per file, except JSONL corpora),
/// in input order, annotated on `threads` threads. `-` is a JSONL corpus on standard input.
/// JSONL is streamed: output follows input batch by batch, and a bad line stops the run
/// after the documents before it are written. With a `project`, its dictionary (unless one
/// is given), its model and its schema are used, as `annotate` would on the project's own
/// documents.
pub fn annotate_files(
    files: &[PathBuf],
    dictionary: Option<&Path>,
    project: Option<&Path>,
    threads: usize,
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
    let mut batch = Batch {
        engine: &engine,
        schema: schema.as_ref(),
        threads,
        docs: Vec::new(),
        bytes: 0,
    };
    let result = annotate_inputs(files, &mut batch, out);
    // What was read before an error is still written.
    batch.flush(out)?;
    result
}

fn annotate_inputs(files: &[PathBuf], batch: &mut Batch, out: &mut dyn Write) -> Result<()> {
    for file in import::article_files(files)? {
        let file_name = file
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let stdin = file.as_os_str() == "-";
        if !stdin && !import::is_jsonl(&file) {
            for doc in import::import_file(&file)? {
                batch.push(file_name.clone(), doc, out)?;
            }
            continue;
        }
        let reader: Box<dyn BufRead> = if stdin {
            Box::new(std::io::stdin().lock())
        } else {
            let opened = std::fs::File::open(&file)
                .with_context(|| format!("opening {}", file.display()))?;
            Box::new(std::io::BufReader::new(opened))
        };
        let name = if stdin { Path::new("stdin") } else { &file };
        let mut docs = import::jsonl_documents(name, reader).peekable();
        let Some(first) = docs.next() else { continue };
        // A file of one document is named by the file, as for any article; stdin by ids.
        let several = stdin || docs.peek().is_some();
        for doc in std::iter::once(first).chain(docs) {
            let doc = doc?;
            let id = if several {
                doc.id().to_owned()
            } else {
                file_name.clone()
            };
            batch.push(id, doc, out)?;
        }
    }
    Ok(())
}

/// Documents waiting to be annotated and written, with their output ids.
struct Batch<'a> {
    engine: &'a Engine,
    schema: Option<&'a Schema>,
    threads: usize,
    docs: Vec<(String, Document)>,
    bytes: usize,
}

impl Batch<'_> {
    fn push(&mut self, id: String, doc: Document, out: &mut dyn Write) -> Result<()> {
        self.bytes += doc.text().len();
        self.docs.push((id, doc));
        if self.docs.len() >= BATCH_DOCS || self.bytes >= BATCH_BYTES {
            self.flush(out)?;
        }
        Ok(())
    }

    fn flush(&mut self, out: &mut dyn Write) -> Result<()> {
        // The threads share out sections, not documents, so that one long text uses them all.
        let work: Vec<(usize, Range<usize>)> = self
            .docs
            .iter()
            .enumerate()
            .flat_map(|(k, (_, doc))| sections(doc.text()).into_iter().map(move |r| (k, r)))
            .collect();
        let parts = crate::parallel::map_ordered(&work, self.threads, |(k, range)| {
            let text = self.docs[*k].1.text();
            (
                range.clone(),
                self.engine.annotate_section(text, range.clone()),
            )
        });
        let mut per_doc: Vec<Vec<_>> = self.docs.iter().map(|_| Vec::new()).collect();
        for ((k, _), part) in work.iter().zip(parts) {
            per_doc[*k].push(part);
        }
        let docs: Vec<_> = self
            .docs
            .iter()
            .zip(per_doc)
            .map(|(doc, parts)| (doc, join_sections(doc.1.text(), parts)))
            .collect();
        let lines = crate::parallel::map_ordered(&docs, self.threads, |((id, doc), proposals)| {
            file_line(self.schema, id, doc, proposals)
        });
        for line in lines {
            out.write_all(&line?)?;
        }
        out.flush()?;
        self.docs.clear();
        self.bytes = 0;
        Ok(())
    }
}

/// One document's `annotate-file` line, newline included.
fn file_line(
    schema: Option<&Schema>,
    id: &str,
    doc: &Document,
    proposals: &Proposals,
) -> serde_json::Result<Vec<u8>> {
    let fitted;
    let proposals = match schema {
        Some(schema) => {
            fitted = proposals.fit_schema(schema);
            &fitted
        }
        None => proposals,
    };
    let line = FileLine {
        id,
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
    let mut bytes = serde_json::to_vec(&line)?;
    bytes.push(b'\n');
    Ok(bytes)
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
