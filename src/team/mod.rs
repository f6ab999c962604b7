//! Team work without a server, over project files: split a project between annotators,
//! measure their agreement on the documents they share, and merge their projects into one for
//! curation. The CLI (`split`, `agree`, `merge`) and the app call these.

pub mod agree;
pub mod curation;
pub mod merge;
pub mod split;

use crate::model::Project;

/// The annotators' names of `projects`: each project's annotator, or `fallback` (a file name)
/// when it has none or another project has the same; unique either way.
pub fn annotator_names(projects: &[Project], fallback: &[String]) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for (project, fallback) in projects.iter().zip(fallback) {
        let own = project.annotator().trim();
        let mut name = if own.is_empty() || names.iter().any(|n| n == own) {
            fallback.clone()
        } else {
            own.to_owned()
        };
        let mut k = 2;
        while names.contains(&name) {
            name = format!("{fallback}-{k}");
            k += 1;
        }
        names.push(name);
    }
    names
}
