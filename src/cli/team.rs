//! Team commands: `tagdesk split|agree|merge`, over project files.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

use crate::formats::atomic::write_atomically;
use crate::formats::project as project_file;
use crate::model::Project;
use crate::team::{agree, annotator_names, merge, split};

/// `10%` or `0.1` as a fraction.
pub fn parse_share(text: &str) -> Result<f64, String> {
    let (number, scale) = match text.trim().strip_suffix('%') {
        Some(percent) => (percent, 100.0),
        None => (text.trim(), 1.0),
    };
    let value: f64 = number
        .trim()
        .parse()
        .map_err(|_| format!("{text:?} is not a share (write 10% or 0.1)"))?;
    Ok(value / scale)
}

/// The project file extension of `path` (`.tagdesk.ron` or `.tagdesk.json`).
fn extension(path: &Path) -> &'static str {
    if path.to_string_lossy().ends_with(".json") {
        "tagdesk.json"
    } else {
        "tagdesk.ron"
    }
}

/// `tagdesk split`: one project per annotator in `out`, and `split.json`; never overwrites.
pub fn split(
    path: &Path,
    annotators: &[String],
    overlap: f64,
    out_dir: &Path,
    seed: u64,
    out: &mut dyn Write,
) -> Result<()> {
    let project = project_file::load(path)?;
    let (projects, plan) =
        split::split(&project, annotators, overlap, seed).map_err(anyhow::Error::msg)?;
    std::fs::create_dir_all(out_dir).with_context(|| format!("creating {}", out_dir.display()))?;
    let files: Vec<PathBuf> = annotators
        .iter()
        .map(|a| out_dir.join(format!("{a}.{}", extension(path))))
        .collect();
    let manifest = out_dir.join("split.json");
    for file in files.iter().chain([&manifest]) {
        if file.exists() {
            bail!("{} exists: split into an empty folder", file.display());
        }
    }
    for (mut project, file) in projects.into_iter().zip(&files) {
        project_file::save(&mut project, file)?;
        writeln!(
            out,
            "{}: {} documents",
            file.display(),
            project.documents().len()
        )?;
    }
    write_atomically(&manifest, &serde_json::to_vec_pretty(&plan)?)
        .with_context(|| format!("writing {}", manifest.display()))?;
    let shared = plan.documents.iter().filter(|d| d.shared).count();
    writeln!(
        out,
        "{shared} of {} documents shared by all for agreement; the split is in {}",
        plan.documents.len(),
        manifest.display()
    )?;
    Ok(())
}

/// Loads `paths` and names their annotators (the project's, or the file's name).
fn load_all(paths: &[PathBuf]) -> Result<(Vec<Project>, Vec<String>)> {
    let projects: Vec<Project> = paths
        .iter()
        .map(|p| project_file::load(p).map_err(anyhow::Error::from))
        .collect::<Result<_>>()?;
    let stems: Vec<String> = paths
        .iter()
        .map(|p| {
            let name = p
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            name.split('.').next().unwrap_or_default().to_owned()
        })
        .collect();
    let names = annotator_names(&projects, &stems);
    Ok((projects, names))
}

/// `tagdesk agree`: the agreement table, or one JSON object with `--json`.
pub fn agree(paths: &[PathBuf], json: bool, out: &mut dyn Write) -> Result<()> {
    if paths.len() < 2 {
        bail!("agreement needs two projects or more");
    }
    let (projects, names) = load_all(paths)?;
    let started = std::time::Instant::now();
    let agreement = agree::agreement(&projects, &names);
    if json {
        serde_json::to_writer(&mut *out, &agreement)?;
        writeln!(out)?;
        return Ok(());
    }
    writeln!(
        out,
        "{} annotators ({}), {} shared documents ({:.2} s)",
        names.len(),
        names.join(", "),
        agreement.shared_documents,
        started.elapsed().as_secs_f64()
    )?;
    if agreement.shared_documents == 0 {
        writeln!(out, "no document is in two projects: nothing to compare")?;
        return Ok(());
    }
    writeln!(
        out,
        "{:<24} {:>5} {:>7} {:>7}  {:>17}",
        "pair", "docs", "F1", "kappa", "a / b / both"
    )?;
    for p in &agreement.pairs {
        writeln!(
            out,
            "{:<24} {:>5} {:>7.3} {:>7.3}  {:>17}",
            format!("{} – {}", p.a, p.b),
            p.documents,
            p.f1,
            p.kappa,
            format!("{} / {} / {}", p.counts.a, p.counts.b, p.counts.both)
        )?;
    }
    writeln!(out, "per label (exact-span F1):")?;
    let labels: std::collections::BTreeSet<&String> = agreement
        .pairs
        .iter()
        .flat_map(|p| p.per_label.keys())
        .collect();
    for label in labels {
        let cells: Vec<String> = agreement
            .pairs
            .iter()
            .map(|p| {
                p.per_label
                    .get(label)
                    .map_or("-".to_owned(), |l| format!("{} – {} {:.3}", p.a, p.b, l.f1))
            })
            .collect();
        writeln!(out, "  {label:<14} {}", cells.join("   "))?;
    }
    writeln!(
        out,
        "Krippendorff's alpha (nominal, one unit per char): {:.3}",
        agreement.alpha
    )?;
    for e in &agreement.events.pairs {
        writeln!(
            out,
            "events {} – {}: trigger F1 {:.3} ({} / {} / {}), argument F1 {:.3}",
            e.a, e.b, e.trigger_f1, e.triggers.a, e.triggers.b, e.triggers.both, e.argument_f1
        )?;
    }
    let worst = |items: &[(String, f64)]| {
        items
            .iter()
            .take(5)
            .map(|(n, f)| format!("{n} {f:.2}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    writeln!(
        out,
        "most disagreement: documents {}; labels {}",
        worst(&agreement.disagreements.documents),
        worst(&agreement.disagreements.labels)
    )?;
    Ok(())
}

/// `tagdesk merge`: a curation project at `out_path`; never overwrites.
pub fn merge(paths: &[PathBuf], out_path: &Path, out: &mut dyn Write) -> Result<()> {
    if out_path.exists() {
        bail!("{} exists: merge into a new file", out_path.display());
    }
    let (projects, names) = load_all(paths)?;
    let started = std::time::Instant::now();
    let stem = out_path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let name = stem.split('.').next().unwrap_or("curated").to_owned();
    let (mut merged, report) =
        merge::merge(&projects, &names, &name).map_err(anyhow::Error::msg)?;
    project_file::save(&mut merged, out_path)?;
    writeln!(
        out,
        "{}: {} documents ({} shared, {} carried over from one annotator) in {:.2} s",
        out_path.display(),
        report.documents,
        report.shared,
        report.carried,
        started.elapsed().as_secs_f64()
    )?;
    writeln!(
        out,
        "agreed (accepted): {} entities, {} events, {} relations; disputed (suggestions saying who): {} entities, {} events, {} relations",
        report.agreed.entities,
        report.agreed.events,
        report.agreed.relations,
        report.disputed.entities,
        report.disputed.events,
        report.disputed.relations
    )?;
    for (annotator, n) in report.left_out.iter().filter(|(_, n)| **n > 0) {
        writeln!(
            out,
            "left out: {n} unreviewed suggestion(s) or rejection(s) of {annotator} in shared documents"
        )?;
    }
    if report.schema_added > 0 {
        writeln!(
            out,
            "schema: {} definition(s) added from the annotators' schemas",
            report.schema_added
        )?;
    }
    if !report.schema_differ.is_empty() {
        writeln!(
            out,
            "schema: {} defined differently by an annotator; the first project's kept",
            report.schema_differ.join(", ")
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shares_parse_as_percent_or_fraction() {
        assert_eq!(parse_share("10%"), Ok(0.1));
        assert_eq!(parse_share("0.25"), Ok(0.25));
        assert_eq!(parse_share(" 5 % "), Ok(0.05));
        assert!(parse_share("ten").is_err());
    }
}
