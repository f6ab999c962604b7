//! What actions and requests do to the app and, through edits, to the project.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::jobs::Job;
use super::{Action, Modal, Pending, TagdeskApp, dialogs::Purpose};
use crate::annotate::{Dictionary, refresh_edit, suggestion_edit};
use crate::formats::{import, project as project_file};
use crate::model::{
    ArgTarget, Argument, Edit, Entity, Event, EventId, History, Origin, Project, Role, Schema,
    Span, Status, plan_dictionary,
};
use crate::ui::{AnnotationRef, Request, selection};

impl TagdeskApp {
    /// Applies an edit through the undo history and the journal. Refused edits change nothing
    /// and are reported in the status bar.
    pub fn apply(&mut self, edit: Edit) -> bool {
        if matches!(&edit, Edit::Batch(edits) if edits.is_empty()) {
            return false;
        }
        let journal_copy = self.journal.is_some().then(|| edit.clone());
        let reviews = super::learning::reviewed_count(&edit);
        match self.history.apply(&mut self.project, edit) {
            Ok(()) => {
                self.after_change(journal_copy.as_ref());
                self.count_reviews(reviews);
                true
            }
            Err(e) => {
                self.report_error(format!("Not done: {e}"));
                false
            }
        }
    }

    fn after_change(&mut self, applied: Option<&Edit>) {
        self.revision += 1;
        if let (Some(journal), Some(edit)) = (&mut self.journal, applied)
            && let Err(e) = journal.record(edit)
        {
            self.status = Some((
                format!("The edit journal could not be written ({e:#}); save now."),
                true,
            ));
        }
        self.current = self
            .current
            .min(self.project.documents().len().saturating_sub(1));
        let doc = self.project.documents().get(self.current);
        // Drop references to annotations an undo removed.
        let exists = |r: AnnotationRef| match r {
            AnnotationRef::Entity(id) => doc.is_some_and(|d| d.entity(id).is_some()),
            AnnotationRef::Event(id) => doc.is_some_and(|d| d.event(id).is_some()),
            AnnotationRef::Relation(id) => doc.is_some_and(|d| d.relation(id).is_some()),
        };
        if self.selected.is_some_and(|r| !exists(r)) {
            self.selected = None;
        }
        // Learning switched off (or an undo did): pre-annotation goes back to the rules.
        if !self.project.learning() && self.model().is_some() {
            self.learn(false);
        }
        self.refresh_find();
    }

    pub fn undo(&mut self) {
        match self.history.undo(&mut self.project) {
            Ok(Some(edit)) => self.after_change(Some(&edit)),
            Ok(None) => self.report("Nothing to undo".into()),
            Err(e) => self.report_error(format!("Undo failed: {e}")),
        }
    }

    pub fn redo(&mut self) {
        match self.history.redo(&mut self.project) {
            Ok(Some(edit)) => self.after_change(Some(&edit)),
            Ok(None) => self.report("Nothing to redo".into()),
            Err(e) => self.report_error(format!("Redo failed: {e}")),
        }
    }

    /// Replaces the project (open, new, recover): history and view start over.
    pub(super) fn replace_project(&mut self, project: Project, path: Option<PathBuf>, saved: bool) {
        self.project = project;
        self.loading = None;
        self.load_errors.clear();
        self.path = path;
        self.history = History::default();
        self.revision += 1;
        self.saved_revision = if saved {
            self.revision
        } else {
            self.revision - 1
        };
        self.current = 0;
        self.selected = None;
        self.pick = None;
        self.find = super::Find::default();
        if let Some(job) = self.job.take() {
            job.cancel();
        }
        // Another project's model and estimates mean nothing here; a running training's
        // result is dropped with its job.
        self.learn_job = None;
        self.learn_again = None;
        self.learned_key = None;
        self.estimate_job = None;
        self.estimate = None;
        self.engine = Arc::default();
        self.learn(false);
        self.restart_journal();
        if let Some(path) = &self.path {
            let path = path.clone();
            self.prefs.recent.retain(|p| *p != path);
            self.prefs.recent.insert(0, path);
            self.prefs.recent.truncate(super::RECENT_LIMIT);
        }
    }

    /// Opens a project file, or imports articles into a new project, by extension: any `.ron`
    /// or `.json` is a project (`tagdesk merge --out gold.ron` need not say `.tagdesk`).
    pub fn open_path(&mut self, path: &Path) {
        // A folder project opens from its folder or from its manifest (what a file dialog
        // can pick).
        let path = match path.parent() {
            Some(folder) if path.ends_with(crate::formats::folder::MANIFEST) => folder,
            _ => path,
        };
        let name = path.to_string_lossy();
        if name.ends_with(".ron")
            || name.ends_with(".json")
            || crate::formats::folder::is_project_folder(path)
        {
            if let Err(e) = self.open_project(path) {
                self.modal = Some(Modal::Error(format!("{e:#}")));
            }
        } else if let Err(e) = self.import_paths(&[path.to_path_buf()]) {
            self.modal = Some(Modal::Error(format!("{e:#}")));
        }
    }

    pub fn open_project(&mut self, path: &Path) -> anyhow::Result<()> {
        if crate::formats::folder::is_folder(path) {
            return self.open_folder(path);
        }
        let project = project_file::load(path)?;
        self.replace_project(project, Some(path.to_path_buf()), true);
        self.report(format!("Opened {}", path.display()));
        Ok(())
    }

    pub fn new_project(&mut self) {
        let project = Project::new(
            "untitled".into(),
            self.prefs.annotator.clone(),
            Schema::news(),
        );
        self.replace_project(project, None, true);
    }

    /// Imports articles as new documents (one undoable edit), extending the schema with labels
    /// their annotations use, and pre-annotates them in the background.
    pub fn import_paths(&mut self, paths: &[PathBuf]) -> anyhow::Result<usize> {
        let imported = import::import_paths(paths)?;
        let addition = import::plan_addition(&self.project, imported.documents, None);
        if addition.added.is_empty() {
            self.report("Nothing new to import: those texts are already in the project".into());
            return Ok(0);
        }
        let first_new = self.project.documents().len();
        let count = addition.added.len();
        if self.apply(addition.edit) {
            self.open_document(first_new);
            self.pre_annotate(addition.added);
            let schema = if addition.schema_changes.is_empty() {
                String::new()
            } else {
                format!("; the schema gained {}", addition.schema_changes.join(", "))
            };
            self.report(format!("Imported {count} document(s){schema}"));
        }
        Ok(count)
    }

    /// Attaches the dictionary of a JSONL file, replacing any, as one undoable edit that also
    /// adds the labels its patterns use and the schema lacks (as importing does). An error
    /// (a bad line, an unreadable file) is shown and changes nothing.
    pub fn attach_dictionary(&mut self, path: &Path) {
        let patterns = match Dictionary::read_patterns(path) {
            Ok(patterns) if patterns.is_empty() => {
                self.modal = Some(Modal::Error(format!(
                    "The dictionary was not attached: {} has no patterns.",
                    path.display()
                )));
                return;
            }
            Ok(patterns) => patterns,
            Err(e) => {
                self.modal = Some(Modal::Error(format!(
                    "The dictionary was not attached.\n\n{e:#}"
                )));
                return;
            }
        };
        let count = patterns.len();
        let plan = plan_dictionary(self.project.schema(), patterns);
        if self.apply(plan.edit) {
            let name = path
                .file_name()
                .unwrap_or(path.as_os_str())
                .to_string_lossy();
            let schema = if plan.missing_labels.is_empty() {
                String::new()
            } else {
                format!(
                    "; the schema gained label(s) {}",
                    plan.missing_labels.join(", ")
                )
            };
            self.report(format!(
                "Attached dictionary {name}: {count} pattern(s){schema}. Pre-annotate (Ctrl+R) to apply it."
            ));
        }
    }

    /// Removes the project dictionary (undoable); the suggestions it made stay.
    pub fn remove_dictionary(&mut self) {
        let count = self.project.dictionary().len();
        if count == 0 {
            self.report("No dictionary is attached".into());
        } else if self.apply(Edit::SetDictionary {
            patterns: Vec::new(),
        }) {
            self.report(format!("Removed the dictionary ({count} pattern(s))"));
        }
    }

    /// Saves to `path` (RON or JSON by extension); on error the project stays as it is.
    pub fn save_to(&mut self, path: &Path) -> anyhow::Result<()> {
        project_file::save(&mut self.project, path)?;
        self.path = Some(path.to_path_buf());
        self.saved_revision = self.revision;
        self.restart_journal();
        if !self.prefs.recent.iter().any(|p| p == path) {
            self.prefs.recent.insert(0, path.to_path_buf());
            self.prefs.recent.truncate(super::RECENT_LIMIT);
        }
        self.report(format!("Saved {}", path.display()));
        Ok(())
    }

    fn save(&mut self) {
        match self.path.clone() {
            Some(path) => {
                if let Err(e) = self.save_to(&path) {
                    self.modal = Some(Modal::Error(format!(
                        "Not saved — your work is still here.\n\n{e:#}"
                    )));
                }
            }
            None => self.show_dialog(Purpose::SaveAs),
        }
    }

    pub(super) fn show_dialog(&mut self, purpose: Purpose) {
        let name = format!("{}.tagdesk.ron", self.project.name());
        let wake = self.wake();
        if let Err(message) = self.dialogs.show(purpose, Some(name), wake) {
            self.report_error(message);
        }
    }

    /// Carries out `pending` now, or first asks about unsaved changes.
    fn guard(&mut self, pending: Pending) {
        if self.is_dirty() {
            self.modal = Some(Modal::Unsaved { then: pending });
        } else {
            self.proceed(pending);
        }
    }

    pub(super) fn proceed(&mut self, pending: Pending) {
        match pending {
            Pending::NewProject => self.new_project(),
            Pending::Open(Some(path)) => self.open_path(&path),
            Pending::Open(None) => self.show_dialog(Purpose::Open),
            Pending::Quit => {
                self.allow_close = true;
                if let Some(ctx) = &self.ctx {
                    ctx.send_viewport_cmd(egui::ViewportCommand::Close);
                }
            }
        }
    }

    /// Answers from native dialogs.
    pub(super) fn poll_dialogs(&mut self) {
        let Some((purpose, paths)) = self.dialogs.poll() else {
            return;
        };
        let Some(first) = paths.first().cloned() else {
            return;
        };
        match purpose {
            Purpose::Open => self.open_path(&first),
            Purpose::Import => {
                if let Err(e) = self.import_paths(&paths) {
                    self.modal = Some(Modal::Error(format!("{e:#}")));
                }
            }
            Purpose::SaveAs => {
                let path = with_project_extension(first);
                if let Err(e) = self.save_to(&path) {
                    self.modal = Some(Modal::Error(format!(
                        "Not saved — your work is still here.\n\n{e:#}"
                    )));
                }
            }
            Purpose::Export => self.export_to(&first),
            Purpose::Dictionary => self.attach_dictionary(&first),
            Purpose::ImportSchema => self.import_schema(&first),
            Purpose::SaveSchema => self.save_schema(&first),
        }
    }

    pub fn open_document(&mut self, index: usize) {
        if index < self.project.documents().len() {
            self.current = index;
            self.selected = None;
            self.pick = None;
            self.refresh_find();
        }
    }

    /// Starts pre-annotating the given documents in the background (one job at a time: a new
    /// request replaces a running one).
    pub fn pre_annotate(&mut self, doc_ids: Vec<String>) {
        if let Some(job) = self.job.take() {
            job.cancel();
        }
        let docs = doc_ids
            .into_iter()
            .filter_map(|id| {
                self.project
                    .document(&id)
                    .map(|d| (id, d.index().text_arc().clone()))
            })
            .collect::<Vec<_>>();
        if docs.is_empty() {
            return;
        }
        // The engine is rebuilt (a few ms, on the worker) only when the dictionary changed.
        let engine = self.engine_for_dictionary();
        let wake = self.wake();
        self.job = Some(Job::start(engine, docs, wake));
    }

    /// Applies finished pre-annotation results: one undoable edit per document.
    pub(super) fn poll_job(&mut self) {
        let Some(job) = &mut self.job else { return };
        let (results, finished) = job.poll();
        let learned = job.learned;
        if finished {
            self.job = None;
        }
        self.apply_proposals(results, learned);
        if finished {
            self.report("Pre-annotation finished".into());
        }
    }

    /// One edit per document; with a project model (`learned`) the proposals replace the
    /// earlier suggestions of documents nobody has reviewed.
    fn apply_proposals(
        &mut self,
        results: Vec<(String, crate::annotate::Proposals)>,
        learned: bool,
    ) {
        for (doc_id, proposals) in results {
            let Some(doc) = self.project.document(&doc_id) else {
                continue;
            };
            let proposals = proposals.fit_schema(self.project.schema());
            let edit = if learned {
                refresh_edit(doc, &proposals)
            } else {
                suggestion_edit(doc, &proposals)
            };
            self.apply(edit);
        }
    }

    /// Waits for the running pre-annotation and applies it (tests and benchmarks).
    pub fn wait_for_jobs(&mut self) {
        if let Some(mut job) = self.job.take() {
            let results = job.wait();
            let learned = job.learned;
            self.apply_proposals(results, learned);
        }
    }

    pub fn is_busy(&self) -> Option<(usize, usize)> {
        self.job.as_ref().map(|j| (j.done, j.total))
    }

    pub fn cancel_job(&mut self) {
        if let Some(job) = self.job.take() {
            job.cancel();
            self.report(
                "Pre-annotation cancelled; finished documents keep their suggestions".into(),
            );
        }
    }

    fn doc_id(&self) -> Option<String> {
        self.project
            .documents()
            .get(self.current)
            .map(|d| d.id().to_owned())
    }

    /// The selection, trimmed, and snapped to tokens if that preference is on.
    fn selected_span(&self) -> Option<Span> {
        let doc = self.project.documents().get(self.current)?;
        let span = self.view.selection.span()?;
        if self.prefs.snap_to_tokens {
            selection::snap_to_tokens(doc, span)
        } else {
            selection::trim(doc, span)
        }
    }

    /// Labels the selection with `label`, or relabels the selected entity.
    pub fn label_selection(&mut self, label: &str) {
        let Some(doc) = self.project.documents().get(self.current) else {
            return;
        };
        let doc_id = doc.id().to_owned();
        self.last_label = Some(label.to_owned());
        if let Some(span) = self.selected_span() {
            let existing = doc
                .entities()
                .iter()
                .find(|e| e.span == span && e.label == label)
                .cloned();
            let id = match existing {
                Some(mut entity) => {
                    let id = entity.id;
                    if entity.status != Status::Accepted {
                        entity.status = Status::Accepted;
                        self.apply(Edit::ReplaceEntity {
                            doc: doc_id,
                            entity,
                        });
                    }
                    id
                }
                None => {
                    let entity = Entity {
                        id: doc.next_entity_id(),
                        span,
                        label: label.to_owned(),
                        origin: Origin::Manual,
                        status: Status::Accepted,
                    };
                    let id = entity.id;
                    if !self.apply(Edit::AddEntity {
                        doc: doc_id,
                        entity,
                    }) {
                        return;
                    }
                    id
                }
            };
            self.selected = Some(AnnotationRef::Entity(id));
            self.view.selection = selection::Selection::caret(span.end);
        } else if let Some(AnnotationRef::Entity(id)) = self.selected
            && let Some(entity) = doc.entity(id)
        {
            let mut entity = entity.clone();
            if entity.label != label {
                entity.origin = Origin::Manual;
            }
            entity.label = label.to_owned();
            entity.status = Status::Accepted;
            self.apply(Edit::ReplaceEntity {
                doc: doc_id,
                entity,
            });
        } else {
            self.report("Select some text (or an entity) first".into());
        }
    }

    /// Sets the status of the selected annotation; Reject deletes what is not a suggestion.
    fn review_selected(&mut self, accept: bool) {
        let Some(doc) = self.project.documents().get(self.current) else {
            return;
        };
        let doc_id = doc.id().to_owned();
        let edit = match self.selected {
            Some(AnnotationRef::Entity(id)) => doc.entity(id).map(|e| {
                let mut e = e.clone();
                match (accept, e.status) {
                    (true, _) => e.status = Status::Accepted,
                    (false, Status::Suggested) => e.status = Status::Rejected,
                    (false, _) => return Edit::remove_entity(doc, id),
                }
                Edit::ReplaceEntity {
                    doc: doc_id.clone(),
                    entity: e,
                }
            }),
            Some(AnnotationRef::Event(id)) => doc.event(id).map(|e| {
                let mut e = e.clone();
                match (accept, e.status) {
                    (true, _) => e.status = Status::Accepted,
                    (false, Status::Suggested) => e.status = Status::Rejected,
                    (false, _) => return Edit::remove_event(doc, id),
                }
                Edit::ReplaceEvent {
                    doc: doc_id.clone(),
                    event: e,
                }
            }),
            Some(AnnotationRef::Relation(id)) => doc.relation(id).map(|r| {
                let mut r = r.clone();
                match (accept, r.status) {
                    (true, _) => r.status = Status::Accepted,
                    (false, Status::Suggested) => r.status = Status::Rejected,
                    (false, _) => {
                        return Edit::RemoveRelation {
                            doc: doc_id.clone(),
                            id,
                        };
                    }
                }
                Edit::ReplaceRelation {
                    doc: doc_id.clone(),
                    relation: r,
                }
            }),
            None => None,
        };
        let Some(edit) = edit else {
            self.report("Select an annotation first (Tab goes to the next suggestion)".into());
            return;
        };
        let from = self.selected.and_then(|r| self.annotation_start(r));
        if self.apply(edit) {
            // Reviewing moves on to the next suggestion, so Enter/Delete alone go through a document.
            self.step_suggestion(true, from);
        }
    }

    fn annotation_start(&self, r: AnnotationRef) -> Option<usize> {
        let doc = self.project.documents().get(self.current)?;
        match r {
            AnnotationRef::Entity(id) => doc.entity(id).map(|e| e.span.start),
            AnnotationRef::Event(id) => doc.event(id).map(|e| e.trigger.start),
            AnnotationRef::Relation(id) => doc
                .relation(id)
                .and_then(|r| doc.entity(r.from))
                .map(|e| e.span.start),
        }
    }

    /// Selects the next (or previous) suggestion after char `from` (default: the selection).
    fn step_suggestion(&mut self, forward: bool, from: Option<usize>) {
        let Some(doc) = self.project.documents().get(self.current) else {
            return;
        };
        let mut all: Vec<(Span, AnnotationRef)> = doc
            .entities()
            .iter()
            .filter(|e| e.status == Status::Suggested)
            .map(|e| (e.span, AnnotationRef::Entity(e.id)))
            .chain(
                doc.events()
                    .iter()
                    .filter(|e| e.status == Status::Suggested)
                    .map(|e| (e.trigger, AnnotationRef::Event(e.id))),
            )
            .collect();
        all.sort_by_key(|(span, _)| *span);
        let here = from
            .or_else(|| self.selected.and_then(|r| self.annotation_start(r)))
            .unwrap_or(self.view.selection.head);
        let current = self.selected;
        let next = if forward {
            all.iter()
                .find(|(s, r)| {
                    s.start > here || (s.start == here && Some(*r) != current && from.is_some())
                })
                .or(all.first())
        } else {
            all.iter()
                .rev()
                .find(|(s, _)| s.start < here)
                .or(all.last())
        };
        match next {
            Some(&(span, r)) => self.reveal(span, Some(r)),
            None => {
                self.selected = None;
                self.report("No suggestions left in this document".into());
            }
        }
    }

    /// Shows `span` and selects `annotation`.
    fn reveal(&mut self, span: Span, annotation: Option<AnnotationRef>) {
        self.selected = annotation;
        self.view.selection = selection::Selection::caret(span.start);
        self.view.scroll_to = Some(span.start);
    }

    /// Accepts or rejects every suggestion of the document (entities and events).
    fn review_all(&mut self, accept: bool) {
        let Some(doc) = self.project.documents().get(self.current) else {
            return;
        };
        let status = if accept {
            Status::Accepted
        } else {
            Status::Rejected
        };
        let doc_id = doc.id().to_owned();
        let entities: Vec<Entity> = doc
            .entities()
            .iter()
            .filter(|e| e.status == Status::Suggested)
            .map(|e| Entity {
                status,
                ..e.clone()
            })
            .collect();
        let mut count = entities.len();
        let mut edits = vec![Edit::ReplaceEntities {
            doc: doc_id.clone(),
            entities,
        }];
        edits.extend(
            doc.events()
                .iter()
                .filter(|e| e.status == Status::Suggested)
                .map(|e| Edit::ReplaceEvent {
                    doc: doc_id.clone(),
                    event: Event {
                        status,
                        ..e.clone()
                    },
                }),
        );
        count += edits.len() - 1;
        if self.apply(Edit::Batch(edits)) {
            self.report(format!(
                "{} {count} suggestion(s)",
                if accept { "Accepted" } else { "Rejected" }
            ));
        }
    }

    /// Labels every whole-word occurrence of the selected text (or entity) with its label, in
    /// this document or in every document; occurrences already labelled so are left alone.
    pub fn label_all_occurrences(&mut self, whole_project: bool) {
        let Some(doc) = self.project.documents().get(self.current) else {
            return;
        };
        let (needle, label) = match (self.selected, self.selected_span()) {
            (Some(AnnotationRef::Entity(id)), _) => match doc.entity(id) {
                Some(e) => (
                    doc.span_text(e.span).unwrap_or_default().to_owned(),
                    e.label.clone(),
                ),
                None => return,
            },
            (_, Some(span)) => match &self.last_label {
                Some(label) => (
                    doc.span_text(span).unwrap_or_default().to_owned(),
                    label.clone(),
                ),
                None => {
                    self.report(
                        "Label the text once with a hotkey, then label all occurrences".into(),
                    );
                    return;
                }
            },
            _ => {
                self.report("Select an entity or some text first".into());
                return;
            }
        };
        let targets: Vec<usize> = if whole_project {
            (0..self.project.documents().len()).collect()
        } else {
            vec![self.current]
        };
        let (mut edits, mut count) = (Vec::new(), 0);
        for index in targets {
            let doc = &self.project.documents()[index];
            let mut next = doc.next_entity_id().0;
            let mut entities = Vec::new();
            for span in selection::occurrences(doc, &needle) {
                if doc
                    .entities()
                    .iter()
                    .any(|e| e.span == span && e.label == label && e.status != Status::Rejected)
                {
                    continue;
                }
                let entity = Entity {
                    id: crate::model::EntityId(next),
                    span,
                    label: label.clone(),
                    origin: Origin::Manual,
                    status: Status::Accepted,
                };
                next += 1;
                entities.push(entity);
            }
            if !entities.is_empty() {
                count += entities.len();
                edits.push(Edit::AddEntities {
                    doc: doc.id().to_owned(),
                    entities,
                });
            }
        }
        if count == 0 {
            self.report(format!("Every “{needle}” is already labelled {label}"));
        } else if self.apply(Edit::Batch(edits)) {
            self.report(format!("Labelled {count} more “{needle}” as {label}"));
        }
    }

    /// Creates an event of `event_type` with the selected text as trigger.
    pub fn create_event(&mut self, event_type: &str) {
        let Some(span) = self.selected_span() else {
            self.report("Select the trigger word first".into());
            return;
        };
        let Some(doc) = self.project.documents().get(self.current) else {
            return;
        };
        let event = Event {
            id: doc.next_event_id(),
            event_type: event_type.to_owned(),
            trigger: span,
            arguments: Vec::new(),
            origin: Origin::Manual,
            status: Status::Accepted,
        };
        let (doc_id, id) = (doc.id().to_owned(), event.id);
        if self.apply(Edit::AddEvent { doc: doc_id, event }) {
            self.selected = Some(AnnotationRef::Event(id));
            self.view.selection = selection::Selection::caret(span.end);
            self.last_event_type = Some(event_type.to_owned());
        }
    }

    /// When the selection changes, the events panel's type follows it: the type the trigger
    /// lexicon gives its first word (if the schema has it), else the last one used.
    pub(super) fn suggest_event_type(&mut self) {
        let span = self.selected_span();
        if span == self.typed_for {
            return;
        }
        self.typed_for = span;
        let Some(span) = span else { return };
        let word = self
            .project
            .documents()
            .get(self.current)
            .and_then(|d| d.span_text(span))
            .and_then(|t| t.split_whitespace().next())
            .unwrap_or_default()
            .to_owned();
        let schema = self.project.schema();
        let likely = self
            .engine
            .engine()
            .trigger_types(&word)
            .into_iter()
            .find(|t| schema.event_type(t).is_some())
            .map(str::to_owned);
        if let Some(event_type) = likely.or_else(|| self.last_event_type.clone()) {
            self.events_panel.new_type = event_type;
        }
    }

    /// The entity (not rejected) the text selection is, or is inside, or the caret is in.
    pub(super) fn entity_at_selection(&self) -> Option<&Entity> {
        let doc = self.project.documents().get(self.current)?;
        let span = self.selected_span();
        let head = self.view.selection.head;
        let standing = || {
            doc.entities()
                .iter()
                .filter(|e| e.status != Status::Rejected)
        };
        standing().find(|e| Some(e.span) == span).or_else(|| {
            standing().find(|e| match span {
                Some(s) => e.span.start <= s.start && s.end <= e.span.end,
                None => e.span.start <= head && head < e.span.end,
            })
        })
    }

    /// Ctrl+K: the entity at the text selection (or the caret) becomes an argument of the
    /// selected event, or fills a pending pick. The role is the pick's, else the events
    /// panel's when it takes the entity and has room, else the type's first such role; on an
    /// entity that is already an argument, the next role that takes it. With the selection
    /// moved from entity to entity, a whole event is linked without the mouse.
    pub fn add_argument_at_selection(&mut self) {
        let Some(doc) = self.project.documents().get(self.current) else {
            return;
        };
        let (event, picked_role) = match (&self.pick, self.selected) {
            (Some((event, role)), _) => (*event, Some(role.clone())),
            (None, Some(AnnotationRef::Event(event))) => (event, None),
            _ => {
                self.report_error(
                    "Select an event first (Ctrl+T makes one from the selection)".into(),
                );
                return;
            }
        };
        let entity = self.entity_at_selection();
        let (Some(entity), Some(ev)) = (entity, doc.event(event)) else {
            self.report_error("Put the caret or the selection on an entity first".into());
            return;
        };
        let Some(event_type) = self.project.schema().event_type(&ev.event_type) else {
            return;
        };
        let has_room = |role: &Role| {
            let filled = ev.arguments.iter().filter(|a| a.role == role.name).count();
            role.count.allows(filled + 1) && role.accepts(&entity.label)
        };
        // Already an argument: Ctrl+K again moves it to the type's next role that takes it.
        let target = ArgTarget::Entity(entity.id);
        if picked_role.is_none()
            && let Some(at) = ev.arguments.iter().position(|a| a.target == target)
        {
            let roles = &event_type.roles;
            let current = roles.iter().position(|r| r.name == ev.arguments[at].role);
            let start = current.map_or(0, |i| i + 1);
            let next = (0..roles.len())
                .map(|k| &roles[(start + k) % roles.len()])
                .filter(|r| Some(&r.name) != current.map(|i| &roles[i].name))
                .find(|r| has_room(r));
            let Some(next) = next else {
                self.report_error(format!(
                    "The {} fits no other role of {}",
                    entity.label, ev.event_type
                ));
                return;
            };
            let mut changed = ev.clone();
            changed.arguments[at].role = next.name.clone();
            let message = format!("Now the {} of {}", next.name, ev.event_type);
            let doc_id = doc.id().to_owned();
            self.apply(Edit::ReplaceEvent {
                doc: doc_id,
                event: changed,
            });
            self.report(message);
            return;
        }
        let panel_role = event_type
            .role(&self.events_panel.new_role)
            .filter(|r| has_room(r));
        let role = picked_role.or_else(|| {
            panel_role
                .or_else(|| event_type.roles.iter().find(|r| has_room(r)))
                .map(|r| r.name.clone())
        });
        let Some(role) = role else {
            self.report_error(format!(
                "{} has no role left for a {}",
                ev.event_type, entity.label
            ));
            return;
        };
        let entity = entity.id;
        self.pick = None;
        self.add_argument(event, &role, entity);
    }

    /// Adds an argument to an event, if its role takes that entity.
    pub fn add_argument(&mut self, event: EventId, role: &str, entity: crate::model::EntityId) {
        let Some(doc) = self.project.documents().get(self.current) else {
            return;
        };
        let (Some(ev), Some(target)) = (doc.event(event), doc.entity(entity)) else {
            return;
        };
        let accepts = self
            .project
            .schema()
            .event_type(&ev.event_type)
            .and_then(|t| t.role(role))
            .is_some_and(|r| r.accepts(&target.label));
        if !accepts {
            self.report_error(format!(
                "{role} of {} does not take a {}",
                ev.event_type, target.label
            ));
            return;
        }
        let mut changed = ev.clone();
        changed.arguments.push(Argument {
            role: role.to_owned(),
            target: ArgTarget::Entity(entity),
        });
        let doc_id = doc.id().to_owned();
        self.apply(Edit::ReplaceEvent {
            doc: doc_id,
            event: changed,
        });
        self.selected = Some(AnnotationRef::Event(event));
    }

    /// A click on an annotation in the text: fills a pending argument pick, or selects it.
    pub(super) fn clicked_annotation(&mut self, hit: AnnotationRef) {
        if let (Some(from), AnnotationRef::Entity(to)) = (self.relation_from, hit) {
            self.relation_from = None;
            self.create_relation(from, to);
            return;
        }
        match (self.pick.take(), hit) {
            (Some((event, role)), AnnotationRef::Entity(entity)) => {
                self.add_argument(event, &role, entity)
            }
            (Some(pick), AnnotationRef::Event(_) | AnnotationRef::Relation(_)) => {
                self.pick = Some(pick);
                self.report(
                    "Click an entity (not an event) to fill the role, or Esc to cancel".into(),
                );
            }
            (None, hit) => self.selected = Some(hit),
        }
    }

    pub fn handle(&mut self, request: Request) {
        match request {
            Request::Apply(edit) => {
                self.apply(edit);
            }
            Request::OpenDocument(index) => self.open_document(index),
            Request::Select(r) => self.selected = r,
            Request::Reveal { span, annotation } => self.reveal(span, annotation),
            Request::Label(label) => self.label_selection(&label),
            Request::CreateEvent(event_type) => self.create_event(&event_type),
            Request::PickArgument { event, role } => {
                self.report(format!("Click the entity that is the {role} (Esc cancels)"));
                self.pick = Some((event, role));
            }
        }
    }

    pub fn run(&mut self, action: Action) {
        if self.waits_for_loading(action) {
            self.report_waiting(action);
            return;
        }
        match action {
            Action::NewProject => self.guard(Pending::NewProject),
            Action::OpenProject => self.guard(Pending::Open(None)),
            Action::ImportArticles => self.show_dialog(Purpose::Import),
            Action::Save => self.save(),
            Action::SaveAs => self.show_dialog(Purpose::SaveAs),
            Action::Export => self.modal = Some(Modal::Export),
            Action::Quit => self.guard(Pending::Quit),
            Action::Undo => self.undo(),
            Action::Redo => self.redo(),
            Action::Find => {
                self.find.open = true;
                self.find.focus = true;
            }
            Action::Preferences => self.modal = Some(Modal::Preferences),
            Action::ToggleTheme => self.prefs.dark = !self.prefs.dark,
            Action::ZoomIn => self.prefs.font_size = (self.prefs.font_size + 1.0).min(40.0),
            Action::ZoomOut => self.prefs.font_size = (self.prefs.font_size - 1.0).max(9.0),
            Action::ToggleSuggestions => self.prefs.show_suggestions = !self.prefs.show_suggestions,
            Action::ToggleSnap => self.prefs.snap_to_tokens = !self.prefs.snap_to_tokens,
            Action::PreAnnotateDocument => {
                if let Some(id) = self.doc_id() {
                    self.pre_annotate(vec![id]);
                }
            }
            Action::PreAnnotateAll => {
                // Reviewed documents are final: new suggestions would reopen them.
                let ids = self
                    .project
                    .documents()
                    .iter()
                    .filter(|d| !crate::annotate::learn::is_reviewed(d))
                    .map(|d| d.id().to_owned())
                    .collect();
                self.pre_annotate(ids);
            }
            Action::AttachDictionary => self.show_dialog(Purpose::Dictionary),
            Action::RemoveDictionary => self.remove_dictionary(),
            Action::ToggleLearning => {
                let enabled = !self.project.learning();
                if self.apply(Edit::SetLearning { enabled }) {
                    self.report(if enabled {
                        "Learning from the reviewed documents is on".into()
                    } else {
                        "Learning is off: suggestions come from the rules alone".into()
                    });
                    if enabled {
                        self.learn(true);
                    }
                }
            }
            Action::ShowModel => self.model_window = true,
            Action::ShowCuration => self.curation_window = true,
            Action::EditSchema => self.schema_window = true,
            Action::AcceptAllSuggestions => self.review_all(true),
            Action::RejectAllSuggestions => self.review_all(false),
            Action::Accept => self.review_selected(true),
            Action::Reject => self.review_selected(false),
            Action::NextSuggestion => self.step_suggestion(true, None),
            Action::PreviousSuggestion => self.step_suggestion(false, None),
            Action::LabelAllInDocument => self.label_all_occurrences(false),
            Action::LabelAllInProject => self.label_all_occurrences(true),
            Action::CreateEvent => {
                let event_type = self.events_panel.new_type.clone();
                let event_type = if event_type.is_empty() {
                    self.project
                        .schema()
                        .event_types
                        .first()
                        .map(|t| t.name.clone())
                        .unwrap_or_default()
                } else {
                    event_type
                };
                self.create_event(&event_type);
            }
            Action::AddArgument => self.add_argument_at_selection(),
            Action::StartRelation => self.relation_at_selection(),
            Action::CycleRelationType => self.cycle_relation_type(),
            Action::ToggleRelations => self.prefs.show_relations = !self.prefs.show_relations,
            Action::NextDocument => self.open_document(self.current + 1),
            Action::PreviousDocument => self.open_document(self.current.saturating_sub(1)),
            Action::ToggleDone => {
                if let Some(doc) = self.project.documents().get(self.current) {
                    let done = !doc.is_done();
                    let edit = Edit::SetDone {
                        doc: doc.id().to_owned(),
                        done,
                    };
                    // A document marked done is new training data.
                    if self.apply(edit) && done {
                        self.learn(true);
                    }
                }
            }
            Action::Escape => {
                if self.pick.take().is_some() {
                    self.report("Argument pick cancelled".into());
                } else if self.relation_from.take().is_some() {
                    self.report("Relation cancelled".into());
                } else if self.find.open {
                    self.close_find();
                } else {
                    self.selected = None;
                    self.view.selection = selection::Selection::caret(self.view.selection.head);
                }
            }
            Action::Shortcuts => self.modal = Some(Modal::Shortcuts),
        }
    }

    /// Closes the find bar; a pending argument pick or relation stays.
    pub(super) fn close_find(&mut self) {
        self.find.open = false;
        self.find.matches.clear();
    }

    /// Recomputes find matches after the query or the documents changed.
    pub(super) fn refresh_find(&mut self) {
        let query = self.find.query.trim().to_owned();
        self.find.matches.clear();
        if !self.find.open || query.is_empty() {
            return;
        }
        let docs: Vec<usize> = if self.find.in_project {
            (0..self.project.documents().len()).collect()
        } else {
            vec![self.current]
        };
        for index in docs {
            let Some(doc) = self.project.documents().get(index) else {
                continue;
            };
            let text = doc.text();
            let lower = text.to_lowercase();
            // Case-insensitive only where lowercasing keeps byte offsets (as for most text).
            let (haystack, needle) = if lower.len() == text.len() {
                (lower.as_str(), query.to_lowercase())
            } else {
                (text, query.clone())
            };
            for (byte, _) in haystack.match_indices(needle.as_str()) {
                if let Some(start) = doc.index().byte_to_char(byte) {
                    self.find.matches.push((
                        index,
                        Span {
                            start,
                            end: start + needle.chars().count(),
                        },
                    ));
                }
            }
        }
        self.find.current = self
            .find
            .current
            .min(self.find.matches.len().saturating_sub(1));
    }

    /// Jumps to the next find match (in another document if searching the project).
    pub(super) fn next_match(&mut self) {
        if self.find.matches.is_empty() {
            return;
        }
        let after = self.view.selection.head;
        let next = self
            .find
            .matches
            .iter()
            .position(|(doc, span)| {
                (*doc == self.current && span.start > after) || *doc > self.current
            })
            .unwrap_or(0);
        self.find.current = next;
        let (doc, span) = self.find.matches[next];
        if doc != self.current {
            self.open_document(doc);
            self.refresh_find();
        }
        self.view.selection = selection::Selection {
            anchor: span.start,
            head: span.end,
        };
        self.view.scroll_to = Some(span.start);
    }

    /// Recovers an orphan journal's project, replacing the current one.
    pub fn recover(&mut self, orphan: &super::Orphan) -> anyhow::Result<()> {
        let (project, path) = Journal::recover(orphan)?;
        self.replace_project(project, path, false);
        Journal::discard(orphan);
        self.report("Recovered the unsaved work of the last session; save it to keep it".into());
        Ok(())
    }
}

use super::Journal;

/// Adds `.tagdesk.ron` to a save-as name that has no project extension.
fn with_project_extension(path: PathBuf) -> PathBuf {
    let name = path.to_string_lossy();
    // A `.tagdesk` name is a folder project, saved one file per document.
    if name.ends_with(".tagdesk.ron")
        || name.ends_with(".tagdesk.json")
        || name.ends_with(".tagdesk")
    {
        return path;
    }
    let stem = name
        .trim_end_matches(".ron")
        .trim_end_matches(".json")
        .to_owned();
    PathBuf::from(format!("{stem}.tagdesk.ron"))
}
