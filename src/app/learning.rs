//! Learning from corrections in the app: when the project's reviewed work changes (a document
//! marked done, every [`REVIEWS_PER_RETRAIN`] reviewed suggestions, learning switched on), the
//! model retrains on a worker; its proposals then replace the suggestions of the documents
//! nobody has reviewed, as one undoable edit.

use std::sync::Arc;

use super::TagdeskApp;
use super::jobs::{EngineSlot, EstimateJob, LearnJob};
use crate::annotate::{is_untouched, learn, refresh_edit};
use crate::model::Edit;

/// Reviewed suggestions (accepted or rejected) between two retrainings.
pub const REVIEWS_PER_RETRAIN: usize = 25;

/// How many annotations an edit reviews (accepts, rejects, relabels: replacements).
pub(super) fn reviewed_count(edit: &Edit) -> usize {
    match edit {
        Edit::ReplaceEntity { .. } | Edit::ReplaceEvent { .. } => 1,
        Edit::ReplaceEntities { entities, .. } => entities.len(),
        Edit::Batch(edits) => edits.iter().map(reviewed_count).sum(),
        _ => 0,
    }
}

impl TagdeskApp {
    /// The model the project's pre-annotation uses now, if any.
    pub fn model(&self) -> Option<&learn::Model> {
        self.engine.model().map(|m| &**m)
    }

    /// Adds `reviews` reviewed suggestions, and retrains when enough have been since the
    /// last time.
    pub(super) fn count_reviews(&mut self, reviews: usize) {
        self.reviews_since_learning += reviews;
        if self.reviews_since_learning >= REVIEWS_PER_RETRAIN {
            self.learn(true);
        }
    }

    /// Retrains the model if the reviewed work changed since it was trained, on a worker;
    /// with `refresh`, its proposals then replace the suggestions of untouched documents.
    /// With learning off, or nothing reviewed, pre-annotation goes back to the rules.
    pub fn learn(&mut self, refresh: bool) {
        self.reviews_since_learning = 0;
        if !self.project.learning() {
            self.forget_model();
            return;
        }
        if self.project.is_partial() {
            // The model learns from the whole project, once it is loaded.
            self.learn_again = Some(self.learn_again.unwrap_or(false) || refresh);
            return;
        }
        let docs = learn::training_docs(&self.project);
        let key = learn::training_key(&docs);
        if self.learned_key == Some(key) {
            return;
        }
        if self.learn_job.is_some() {
            // One run at a time: the newest data are learned when this one ends.
            self.learn_again = Some(self.learn_again.unwrap_or(false) || refresh);
            return;
        }
        if docs.is_empty() {
            self.forget_model();
            self.learned_key = Some(key);
            return;
        }
        let untouched = if refresh {
            self.project
                .documents()
                .iter()
                .filter(|d| is_untouched(d))
                .map(|d| (d.id().to_owned(), d.index().text_arc().clone()))
                .collect()
        } else {
            Vec::new()
        };
        let engine = self.engine_for_dictionary();
        let wake = self.wake();
        self.learn_job = Some(LearnJob::start(engine, docs, key, untouched, wake));
        self.report("Learning from the reviewed documents…".into());
    }

    /// The engine slot, rebuilt without a model if the dictionary changed since it was made.
    pub(super) fn engine_for_dictionary(&mut self) -> super::jobs::SharedEngine {
        if self.engine.dictionary() != self.project.dictionary() {
            self.engine = Arc::new(EngineSlot::new(self.project.dictionary().to_vec(), None));
            self.learned_key = None;
        }
        self.engine.clone()
    }

    fn forget_model(&mut self) {
        if self.engine.model().is_some() {
            self.engine = Arc::new(EngineSlot::new(self.project.dictionary().to_vec(), None));
        }
        self.learned_key = None;
    }

    /// Takes a finished training run: the model serves pre-annotation from now on, and its
    /// proposals replace the suggestions of the documents still untouched, as one edit.
    pub(super) fn poll_learning(&mut self) {
        let Some(learned) = self.learn_job.as_ref().and_then(LearnJob::poll) else {
            return;
        };
        self.learn_job = None;
        self.take_learned(learned);
    }

    fn take_learned(&mut self, learned: super::jobs::Learned) {
        // The data may have changed while it trained (learning switched off, undo): a
        // stale model still beats none, but learning runs again below.
        if !self.project.learning() {
            self.learn_again = None;
            return;
        }
        self.learned_key = Some(learned.key);
        self.engine = Arc::new(EngineSlot::new(
            self.project.dictionary().to_vec(),
            Some(learned.model.clone()),
        ));
        let schema = self.project.schema();
        let edits: Vec<Edit> = learned
            .proposals
            .iter()
            .filter_map(|(id, proposals)| {
                let doc = self.project.document(id).filter(|d| is_untouched(d))?;
                match refresh_edit(doc, &proposals.fit_schema(schema)) {
                    Edit::Batch(edits) if edits.is_empty() => None,
                    edit => Some(edit),
                }
            })
            .collect();
        let refreshed = edits.len();
        let mut message = format!("{}", learned.model.stats());
        if refreshed > 0 && self.apply(Edit::Batch(edits)) {
            message.push_str(&format!(
                "; refreshed the suggestions of {refreshed} document{} (Ctrl+Z undoes)",
                if refreshed == 1 { "" } else { "s" }
            ));
        }
        self.report(message);
        if let Some(refresh) = self.learn_again.take() {
            self.learn(refresh);
        }
    }

    /// Waits for a running training and takes it (tests).
    pub fn wait_for_learning(&mut self) {
        while let Some(job) = self.learn_job.take() {
            if let Some(learned) = job.wait() {
                self.take_learned(learned);
            }
        }
    }

    /// Starts estimating the model's quality for the Model window, unless the estimate is
    /// current or on its way.
    pub(super) fn estimate(&mut self) {
        if self.project.is_partial() {
            return; // estimated from the whole project, once it is loaded
        }
        let docs = learn::training_docs(&self.project);
        let key = learn::training_key(&docs);
        let current = self.estimate.as_ref().is_some_and(|e| e.key == key);
        if current || self.estimate_job.as_ref().is_some_and(|(k, _)| *k == key) {
            return;
        }
        let engine = self.engine_for_dictionary();
        let wake = self.wake();
        self.estimate_job = Some((key, EstimateJob::start(engine, docs, key, wake)));
    }

    pub(super) fn poll_estimate(&mut self) {
        if let Some(estimate) = self.estimate_job.as_ref().and_then(|(_, j)| j.poll()) {
            self.estimate_job = None;
            self.estimate = Some(estimate);
        }
    }

    /// Waits for a running estimate and takes it (tests).
    pub fn wait_for_estimate(&mut self) {
        if let Some((_, job)) = self.estimate_job.take() {
            self.estimate = job.wait();
        }
    }

    /// The latest quality estimate.
    pub fn estimate_result(&self) -> Option<&super::jobs::Estimate> {
        self.estimate.as_ref()
    }
}
