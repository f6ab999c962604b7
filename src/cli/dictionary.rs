//! `tagdesk dictionary`: attach a JSONL dictionary to a project, remove it, or show it.

use std::io::Write;
use std::path::Path;

use anyhow::{Context, Result, bail};

use crate::annotate::Dictionary;
use crate::formats::project as project_file;
use crate::model::{DictionaryPattern, Edit, label_counts, plan_dictionary};

/// What `tagdesk dictionary` was asked to do.
pub enum Request<'a> {
    Show,
    /// Attach the patterns of this JSONL file, replacing any; `add_labels` extends the schema.
    Attach {
        file: &'a Path,
        add_labels: bool,
    },
    Clear,
}

pub fn dictionary(path: &Path, request: Request<'_>, out: &mut dyn Write) -> Result<()> {
    let mut project = project_file::load(path)?;
    match request {
        Request::Show => {
            if project.dictionary().is_empty() {
                writeln!(out, "{}: no dictionary attached", path.display())?;
            } else {
                writeln!(
                    out,
                    "{}: {} dictionary pattern(s): {}",
                    path.display(),
                    project.dictionary().len(),
                    describe_labels(project.dictionary())
                )?;
            }
        }
        Request::Clear => {
            let count = project.dictionary().len();
            if count == 0 {
                writeln!(out, "{}: no dictionary attached", path.display())?;
                return Ok(());
            }
            project.apply(Edit::SetDictionary {
                patterns: Vec::new(),
            })?;
            project_file::save(&mut project, path)?;
            writeln!(
                out,
                "removed the dictionary ({count} pattern(s)) from {}",
                path.display()
            )?;
        }
        Request::Attach { file, add_labels } => {
            let patterns = Dictionary::read_patterns(file)?;
            if patterns.is_empty() {
                bail!(
                    "dictionary {} has no patterns; to remove the project's dictionary, use --clear",
                    file.display()
                );
            }
            let plan = plan_dictionary(project.schema(), patterns);
            if !plan.missing_labels.is_empty() && !add_labels {
                bail!(
                    "the dictionary uses labels the project schema lacks: {}; rerun with --add-labels to add them",
                    plan.missing_labels.join(", ")
                );
            }
            project
                .apply(plan.edit)
                .context("attaching the dictionary")?;
            project_file::save(&mut project, path)?;
            let added = if plan.missing_labels.is_empty() {
                String::new()
            } else {
                format!(
                    "; the schema gained label(s) {}",
                    plan.missing_labels.join(", ")
                )
            };
            writeln!(
                out,
                "attached {} dictionary pattern(s) ({}) to {}{added}",
                project.dictionary().len(),
                describe_labels(project.dictionary()),
                path.display()
            )?;
        }
    }
    Ok(())
}

/// "ORG 2, PER 1": each label with its number of patterns.
fn describe_labels(patterns: &[DictionaryPattern]) -> String {
    label_counts(patterns)
        .iter()
        .map(|(label, count)| format!("{label} {count}"))
        .collect::<Vec<_>>()
        .join(", ")
}
