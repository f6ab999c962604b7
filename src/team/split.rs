//! Splitting a project's documents between annotators: each document goes to one of them,
//! round-robin in a seeded shuffle, except a seeded share given to all of them, on which their
//! agreement is measured. Each annotator gets a project of their own with the project's schema,
//! dictionary and settings, their name as its annotator, and every document marked with how it
//! was assigned (`meta`: `tagdesk.split` = `shared` or `assigned`), so that `merge` and
//! `agree` know which documents were shared.

use serde::Serialize;

use crate::model::{Edit, Project};

/// The `meta` key recording how a document was assigned.
pub const SPLIT_KEY: &str = "tagdesk.split";

/// What a split did, written beside the projects as `split.json`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SplitPlan {
    pub annotators: Vec<String>,
    pub overlap: f64,
    pub seed: u64,
    /// Per document of the source, in its order: its id, text hash and who got it.
    pub documents: Vec<Assignment>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Assignment {
    pub id: String,
    pub text_hash: String,
    pub shared: bool,
    pub annotators: Vec<String>,
}

/// xorshift64: the same seed gives the same split on every machine.
fn next(state: &mut u64) -> u64 {
    *state ^= *state << 13;
    *state ^= *state >> 7;
    *state ^= *state << 17;
    *state
}

/// Splits `project` between `annotators` with `overlap` (a fraction in `[0, 1]`) of its
/// documents shared by all: one project per annotator, and the plan.
pub fn split(
    project: &Project,
    annotators: &[String],
    overlap: f64,
    seed: u64,
) -> Result<(Vec<Project>, SplitPlan), String> {
    if annotators.is_empty() {
        return Err("name at least one annotator".into());
    }
    let mut names = annotators.to_vec();
    names.sort();
    names.dedup();
    if names.len() != annotators.len() {
        return Err("an annotator is named twice".into());
    }
    if !(0.0..=1.0).contains(&overlap) {
        return Err(format!(
            "the overlap must be between 0% and 100%, not {}",
            overlap * 100.0
        ));
    }
    let docs = project.documents();
    let mut order: Vec<usize> = (0..docs.len()).collect();
    let mut state = seed | 1;
    for i in (1..order.len()).rev() {
        let j = (next(&mut state) % (i as u64 + 1)) as usize;
        order.swap(i, j);
    }
    let shared_count = ((docs.len() as f64) * overlap).ceil() as usize;
    // Per document: who gets it.
    let mut owners: Vec<Vec<usize>> = vec![Vec::new(); docs.len()];
    for (k, &d) in order.iter().enumerate() {
        owners[d] = if k < shared_count {
            (0..annotators.len()).collect()
        } else {
            vec![(k - shared_count) % annotators.len()]
        };
    }
    let mut projects = Vec::with_capacity(annotators.len());
    for (a, name) in annotators.iter().enumerate() {
        let mut mine = Project::new(
            project.name().to_owned(),
            name.clone(),
            project.schema().clone(),
        )
        .with_dictionary(project.dictionary().to_vec())
        .with_learning(project.learning());
        for (d, doc) in docs
            .iter()
            .enumerate()
            .filter(|(d, _)| owners[*d].contains(&a))
        {
            let mut meta = doc.meta().clone();
            let how = if owners[d].len() > 1 {
                "shared"
            } else {
                "assigned"
            };
            meta.insert(SPLIT_KEY.into(), how.into());
            let index = mine.documents().len();
            mine.apply(Edit::AddDocument {
                index,
                document: Box::new(doc.clone().with_meta(meta)),
            })
            .map_err(|e| e.to_string())?;
        }
        projects.push(mine);
    }
    let plan = SplitPlan {
        annotators: annotators.to_vec(),
        overlap,
        seed,
        documents: docs
            .iter()
            .zip(&owners)
            .map(|(doc, owners)| Assignment {
                id: doc.id().to_owned(),
                text_hash: doc.text_hash().to_owned(),
                shared: owners.len() > 1,
                annotators: owners.iter().map(|&a| annotators[a].clone()).collect(),
            })
            .collect(),
    };
    Ok((projects, plan))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Document, Schema};

    fn project(n: usize) -> Project {
        let mut p = Project::new("p".into(), "lead".into(), Schema::news());
        for i in 0..n {
            p.apply(Edit::AddDocument {
                index: i,
                document: Box::new(Document::new(
                    format!("d{i}"),
                    format!("d{i}.txt"),
                    None,
                    format!("Text number {i}."),
                )),
            })
            .unwrap();
        }
        p
    }

    #[test]
    fn every_document_goes_to_one_annotator_but_the_shared_share_to_all() {
        let names: Vec<String> = ["ana", "ben", "chloe"].map(String::from).to_vec();
        let (projects, plan) = split(&project(40), &names, 0.1, 7).unwrap();
        let shared: Vec<&Assignment> = plan.documents.iter().filter(|d| d.shared).collect();
        assert_eq!(shared.len(), 4);
        assert!(shared.iter().all(|d| d.annotators == names));
        assert!(
            plan.documents
                .iter()
                .filter(|d| !d.shared)
                .all(|d| d.annotators.len() == 1)
        );
        // 36 assigned, 12 each, plus the 4 shared.
        for (p, name) in projects.iter().zip(&names) {
            assert_eq!(p.annotator(), name);
            assert_eq!(p.documents().len(), 16);
            let marked = p
                .documents()
                .iter()
                .filter(|d| d.meta()[SPLIT_KEY] == "shared");
            assert_eq!(marked.count(), 4);
        }
        // The same seed, the same split; another seed, another.
        assert_eq!(split(&project(40), &names, 0.1, 7).unwrap().1, plan);
        assert_ne!(split(&project(40), &names, 0.1, 8).unwrap().1, plan);
        assert!(split(&project(4), &["a".into(), "a".into()], 0.1, 1).is_err());
        assert!(split(&project(4), &names, 1.5, 1).is_err());
    }
}
