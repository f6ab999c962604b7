//! Project commands: `tagdesk new|add|validate|stats|convert`.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Result, bail};

use crate::formats::folder::{self, DocSummary};
use crate::formats::{import, project as project_file};
use crate::model::{Project, Schema, Severity};

/// `--documents`: how a folder project writes its document files.
#[derive(Clone, Copy, Debug, clap::ValueEnum)]
pub enum DocumentsArg {
    /// docs/ID.ron
    Ron,
    /// docs/ID.json
    Json,
}

/// Saves a new project to `path`, a folder's documents as `documents` asks.
fn save_new(project: &mut Project, path: &Path, documents: Option<DocumentsArg>) -> Result<()> {
    let format = match documents {
        None => return Ok(project_file::save(project, path)?),
        Some(_) if !folder::is_folder(path) => {
            bail!("--documents applies to a folder project (a name ending in .tagdesk)")
        }
        Some(DocumentsArg::Ron) => folder::DocFormat::Ron,
        Some(DocumentsArg::Json) => folder::DocFormat::Json,
    };
    Ok(folder::save_new(project, path, format)?)
}

pub fn new(
    path: &Path,
    schema: Option<&Path>,
    annotator: Option<String>,
    documents: Option<DocumentsArg>,
    out: &mut dyn Write,
) -> Result<()> {
    if !crate::formats::folder::is_folder(path) {
        project_file::ProjectFormat::from_path(path)?;
    }
    if path.exists() {
        bail!(
            "{} already exists; tagdesk new never overwrites a project",
            path.display()
        );
    }
    let schema = match schema {
        Some(schema_path) => crate::formats::schema_file::read_schema(schema_path, None)?,
        None => Schema::news(),
    };
    let annotator = annotator
        .or_else(|| std::env::var("USER").ok())
        .unwrap_or_default();
    let mut project = Project::new(project_name(path), annotator, schema);
    save_new(&mut project, path, documents)?;
    writeln!(
        out,
        "created {} (schema {:?})",
        path.display(),
        project.schema().name
    )?;
    Ok(())
}

/// `NAME` of `NAME.tagdesk.ron`.
fn project_name(path: &Path) -> String {
    let file = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let stem = file
        .rsplit_once('.')
        .map_or(file.as_str(), |(stem, _)| stem);
    stem.strip_suffix(".tagdesk").unwrap_or(stem).to_owned()
}

pub fn add(path: &Path, paths: &[PathBuf], add_labels: bool, out: &mut dyn Write) -> Result<()> {
    let mut project = project_file::load(path)?;
    let imported = import::import_paths(paths)?;
    for skipped in &imported.skipped {
        writeln!(
            out,
            "passed over {} (not an article file)",
            skipped.display()
        )?;
    }
    let addition = import::plan_addition(&project, imported.documents, None);
    apply_addition(&mut project, path, addition, add_labels, out)
}

/// Applies an import's [`import::Addition`] and saves, or explains what blocks it. Shared by
/// `add` and `import`.
pub fn apply_addition(
    project: &mut Project,
    path: &Path,
    addition: import::Addition,
    add_labels: bool,
    out: &mut dyn Write,
) -> Result<()> {
    if !addition.schema_changes.is_empty() && !add_labels {
        bail!(
            "the imported annotations use what the project schema lacks: {}; rerun with --add-labels to add them",
            addition.schema_changes.join(", ")
        );
    }
    for name in &addition.skipped {
        writeln!(out, "skipped {name}: the project already has the same text")?;
    }
    if addition.added.is_empty() {
        writeln!(out, "nothing to add")?;
        return Ok(());
    }
    project.apply(addition.edit)?;
    project_file::save(project, path)?;
    let relations = if addition.relations > 0 {
        format!(", {} relations", addition.relations)
    } else {
        String::new()
    };
    writeln!(
        out,
        "added {} document(s) with {} entities and {} events{relations} to {}",
        addition.added.len(),
        addition.entities,
        addition.events,
        path.display()
    )?;
    Ok(())
}

pub fn validate(path: &Path, out: &mut dyn Write) -> Result<()> {
    let project = project_file::load(path)?;
    let warnings: Vec<_> = project
        .problems()
        .into_iter()
        .filter(|p| p.severity == Severity::Warning)
        .collect();
    for warning in &warnings {
        writeln!(out, "{warning}")?;
    }
    let entities: usize = project.documents().iter().map(|d| d.entities().len()).sum();
    let events: usize = project.documents().iter().map(|d| d.events().len()).sum();
    writeln!(
        out,
        "{}: valid ({} documents, {entities} entities, {events} events, {} warning(s))",
        path.display(),
        project.documents().len(),
        warnings.len()
    )?;
    Ok(())
}

/// Counts per label and status. A folder project is counted from its document summaries
/// (see [`folder::summary`]), without loading it whole.
pub fn stats(path: &Path, out: &mut dyn Write) -> Result<()> {
    let summary = if folder::is_folder(path) {
        folder::summary(path)?
    } else {
        let project = project_file::load(path)?;
        folder::Summary {
            name: project.name().to_owned(),
            schema: project.schema().clone(),
            ids: project
                .documents()
                .iter()
                .map(|d| d.id().to_owned())
                .collect(),
            docs: project.documents().iter().map(DocSummary::of).collect(),
        }
    };
    let docs = &summary.docs;
    let done = docs.iter().filter(|d| d.done).count();
    let chars: usize = docs.iter().map(|d| d.chars).sum();
    writeln!(
        out,
        "project {:?}: {} documents ({done} done), {chars} chars",
        summary.name,
        docs.len()
    )?;
    let mut entity_counts: BTreeMap<&str, [usize; 3]> = BTreeMap::new();
    let mut event_counts: BTreeMap<&str, [usize; 3]> = BTreeMap::new();
    for doc in docs {
        for (counts, add) in [
            (&mut entity_counts, &doc.entities),
            (&mut event_counts, &doc.events),
        ] {
            for (name, by_status) in add {
                let row = counts.entry(name).or_default();
                for (total, n) in row.iter_mut().zip(by_status) {
                    *total += n;
                }
            }
        }
    }
    // Schema order first (what annotators know), then anything else alphabetically.
    let schema = &summary.schema;
    let label_order: Vec<&str> = schema
        .entity_labels
        .iter()
        .map(|l| l.name.as_str())
        .collect();
    let type_order: Vec<&str> = schema.event_types.iter().map(|t| t.name.as_str()).collect();
    write_table(out, "entities", &label_order, &entity_counts)?;
    write_table(out, "events", &type_order, &event_counts)?;
    let relations: usize = docs.iter().map(|d| d.relations).sum();
    writeln!(out, "relations: {relations}")?;
    Ok(())
}

fn write_table(
    out: &mut dyn Write,
    title: &str,
    order: &[&str],
    counts: &BTreeMap<&str, [usize; 3]>,
) -> Result<()> {
    let mut rows: Vec<(&str, [usize; 3])> = order
        .iter()
        .filter_map(|name| counts.get(name).map(|c| (*name, *c)))
        .collect();
    rows.extend(
        counts
            .iter()
            .filter(|(name, _)| !order.contains(name))
            .map(|(n, c)| (*n, *c)),
    );
    let width = rows
        .iter()
        .map(|(n, _)| n.chars().count())
        .chain([title.len(), 5])
        .max()
        .unwrap_or(5);
    writeln!(
        out,
        "\n{title:<width$} {:>9} {:>9} {:>9} {:>9}",
        "suggested", "accepted", "rejected", "total"
    )?;
    let mut totals = [0; 3];
    for (name, c) in &rows {
        writeln!(
            out,
            "{name:<width$} {:>9} {:>9} {:>9} {:>9}",
            c[0],
            c[1],
            c[2],
            c.iter().sum::<usize>()
        )?;
        (0..3).for_each(|i| totals[i] += c[i]);
    }
    writeln!(
        out,
        "{:<width$} {:>9} {:>9} {:>9} {:>9}",
        "total",
        totals[0],
        totals[1],
        totals[2],
        totals.iter().sum::<usize>()
    )?;
    Ok(())
}

/// Writes the project in the format of `out_path`'s extension (RON <-> JSON).
pub fn convert(
    path: &Path,
    out_path: &Path,
    documents: Option<DocumentsArg>,
    out: &mut dyn Write,
) -> Result<()> {
    let mut project = project_file::load(path)?;
    if out_path.exists() {
        bail!(
            "{} already exists; choose a new file name",
            out_path.display()
        );
    }
    save_new(&mut project, out_path, documents)?;
    writeln!(out, "wrote {}", out_path.display())?;
    Ok(())
}
