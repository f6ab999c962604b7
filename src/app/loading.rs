//! Opening a folder project as a window should: its first documents at once, the others read
//! on a worker and appended as they arrive, so a project of 100,000 documents shows its first
//! within a second and stays usable while the rest loads. Until then the project is partial:
//! edits inside documents work (and Ctrl+S saves them), while actions that need every
//! document wait, and the model learns once all are in.

use std::path::Path;

use super::jobs::LoadJob;
use super::{Action, Modal, TagdeskApp};
use crate::formats::folder;
use crate::formats::project::ProjectFileError;
use crate::model::{Document, thousands};

/// Documents read before the first frame: the first one to show, and a screenful of the list.
const FIRST_DOCUMENTS: usize = 200;

/// Errors listed in the message that some documents could not be read.
const ERRORS_SHOWN: usize = 10;

impl Action {
    /// Whether the action needs every document of the project (so waits while it loads).
    fn needs_whole_project(self) -> bool {
        matches!(
            self,
            Action::ImportArticles
                | Action::SaveAs
                | Action::Export
                | Action::PreAnnotateAll
                | Action::LabelAllInProject
                | Action::ShowCuration
                | Action::EditSchema
                | Action::AttachDictionary
                | Action::RemoveDictionary
                | Action::ToggleLearning
        )
    }
}

impl TagdeskApp {
    pub(super) fn open_folder(&mut self, path: &Path) -> anyhow::Result<()> {
        let (mut project, rest) = folder::open(path, FIRST_DOCUMENTS)?;
        let total = project.documents().len() + rest.ids.len();
        if rest.ids.is_empty() {
            project.set_partial(false);
        }
        self.replace_project(project, Some(path.to_path_buf()), true);
        if self.project.is_partial() {
            let first = self.project.documents().len();
            self.loading = Some(LoadJob::start(rest, first, self.wake()));
        }
        self.report(format!(
            "Opened {} ({} documents)",
            path.display(),
            thousands(total)
        ));
        Ok(())
    }

    /// Documents read so far (or found unreadable) and in all, while a folder project loads.
    pub fn loading_progress(&self) -> Option<(usize, usize)> {
        self.loading
            .as_ref()
            .map(|job| (job.first + job.done, job.first + job.total))
    }

    /// Whether `action` must wait for the project to load (or cannot run, since some of its
    /// documents could not be read).
    pub(super) fn waits_for_loading(&self, action: Action) -> bool {
        self.project.is_partial() && action.needs_whole_project()
    }

    /// Why whole-project actions wait, for the status bar and the greyed-out menu items.
    pub(super) fn why_waiting(&self) -> String {
        match self.loading_progress() {
            Some((read, total)) => format!(
                "It needs every document: {} of {} are loaded so far.",
                thousands(read),
                thousands(total)
            ),
            None => "It needs every document, and some could not be read when the project opened: mend or remove their files, then open it again.".to_owned(),
        }
    }

    /// Says in the status bar why `action` waits.
    pub(super) fn report_waiting(&mut self, action: Action) {
        let why = self.why_waiting();
        self.report_error(format!("{}: {why}", action.name()));
    }

    /// Appends the documents read since the last frame; once all are in, the project is
    /// whole and learning starts.
    pub(super) fn poll_loading(&mut self) {
        let Some(job) = &mut self.loading else { return };
        let (read, finished) = job.poll();
        self.take_loaded(read);
        if finished {
            self.finish_loading();
        }
    }

    /// Blocks until the project is loaded (tests, benchmarks).
    pub fn wait_for_loading(&mut self) {
        while let Some(read) = self.loading.as_mut().and_then(LoadJob::wait) {
            self.take_loaded(read);
        }
        if self.loading.is_some() {
            self.finish_loading();
        }
    }

    fn take_loaded(&mut self, read: Vec<Result<Document, ProjectFileError>>) {
        let mut docs = Vec::with_capacity(read.len());
        for result in read {
            match result {
                Ok(doc) => docs.push(doc),
                Err(e) => self.load_errors.push(e.to_string()),
            }
        }
        for doc in self.project.append_loaded(docs) {
            self.load_errors
                .push(format!("document id {:?} is used twice", doc.id()));
        }
    }

    fn finish_loading(&mut self) {
        let Some(job) = self.loading.take() else {
            return;
        };
        let seconds = job.started.elapsed().as_secs_f64();
        let count = self.project.documents().len();
        if self.load_errors.is_empty() {
            self.project.set_partial(false);
            self.report(format!(
                "Loaded all {} documents in {seconds:.1} s",
                thousands(count)
            ));
            let refresh = self.learn_again.take().unwrap_or(false);
            self.learn(refresh);
            self.estimate_revision = None;
            self.refresh_find();
            return;
        }
        let errors = &self.load_errors;
        let mut listed: Vec<&str> = errors
            .iter()
            .take(ERRORS_SHOWN)
            .map(String::as_str)
            .collect();
        let more = format!("… and {} more", errors.len() - listed.len());
        if errors.len() > ERRORS_SHOWN {
            listed.push(&more);
        }
        self.modal = Some(Modal::Error(format!(
            "{} document(s) of this project could not be read:\n\n{}\n\nThe other {} documents are open. Until the project opens whole, saving writes only the documents you change, and leaves the rest of its folder as it is.",
            errors.len(),
            listed.join("\n"),
            thousands(count)
        )));
    }
}
