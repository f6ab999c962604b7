//! The window: menus, toolbar, panels, the document view, the status bar and modals.

use egui::{Align, Layout, RichText, Ui};

use super::{Action, Menu, Modal, Pending, TagdeskApp, dialogs::Purpose};
use crate::formats::export::{self, ExportFormat, ExportOptions, OffsetUnit};
use crate::formats::preflight;
use crate::ui::AnnotationRef;
use crate::ui::panels;
use crate::ui::text_view::{Highlight, ViewStyle, text_view_ui};

impl TagdeskApp {
    /// The whole UI for one frame; eframe, the kittest tests and `bench-view` all call this.
    pub fn ui(&mut self, ui: &mut Ui) {
        let ctx = ui.ctx().clone();
        if self.ctx.is_none() {
            self.ctx = Some(ctx.clone());
        }
        ctx.set_visuals(if self.prefs.dark {
            egui::Visuals::dark()
        } else {
            egui::Visuals::light()
        });
        self.poll_dialogs();
        self.poll_loading();
        self.poll_job();
        self.poll_learning();
        self.poll_estimate();
        self.handle_dropped_files(&ctx);
        self.handle_close(&ctx);
        // Keys belong to the document (Tab: next suggestion, Enter: accept…) unless a text
        // field is being typed in, so egui's keyboard focus on buttons is not kept.
        if !ctx.text_edit_focused()
            && let Some(id) = ctx.memory(|m| m.focused())
        {
            ctx.memory_mut(|m| m.surrender_focus(id));
        }
        if self.modal.is_none() {
            self.handle_shortcuts(&ctx);
        }
        let title = self.title();
        if title != self.shown_title {
            ctx.send_viewport_cmd(egui::ViewportCommand::Title(title.clone()));
            self.shown_title = title;
        }

        let mut requests = Vec::new();
        egui::Panel::top("menu").show(ui, |ui| self.menu_bar_ui(ui));
        egui::Panel::top("toolbar").show(ui, |ui| {
            let has_text = self.view.selection.span().is_some();
            let has_entity = matches!(self.selected, Some(AnnotationRef::Entity(_)));
            requests.extend(panels::palette_ui(
                ui,
                self.project.schema(),
                has_text || has_entity,
            ));
            if self.find.open {
                self.find_bar_ui(ui);
            }
        });
        egui::Panel::bottom("status").show(ui, |ui| self.status_bar_ui(ui));
        egui::Panel::left("documents")
            .default_size(260.0)
            .show(ui, |ui| {
                ui.heading("Documents");
                requests.extend(panels::documents_ui(
                    ui,
                    &self.project,
                    self.current,
                    self.revision,
                    &mut self.document_filter,
                ));
                ui.separator();
                ui.heading("Entities");
                if let Some(doc) = self.project.documents().get(self.current) {
                    let hidden = self.curation_hidden(doc);
                    requests.extend(panels::entity_list_ui(
                        ui,
                        doc,
                        self.project.schema(),
                        &mut self.entity_filter,
                        &hidden,
                        self.selected,
                    ));
                }
            });
        self.suggest_event_type();
        egui::Panel::right("events")
            .default_size(300.0)
            .show(ui, |ui| {
                ui.heading("Events");
                if let Some(doc) = self.project.documents().get(self.current) {
                    let has_selection = self.view.selection.span().is_some();
                    requests.extend(panels::events_ui(
                        ui,
                        doc,
                        self.project.schema(),
                        &mut self.events_panel,
                        self.selected,
                        has_selection,
                    ));
                    ui.separator();
                    ui.heading("Relations");
                    requests.extend(panels::relations_ui(
                        ui,
                        doc,
                        self.project.schema(),
                        self.selected,
                    ));
                }
            });
        let revision = (self.revision, self.selected, self.pick.is_some());
        egui::CentralPanel::default().show(ui, |ui| self.document_ui(ui));
        let acted = !requests.is_empty();
        for request in requests {
            self.handle(request);
        }
        // Panels drawn this frame show the state before these changes: draw once more.
        if acted || revision != (self.revision, self.selected, self.pick.is_some()) {
            ctx.request_repaint();
        }
        self.model_window_ui(&ctx);
        self.schema_window_ui(&ctx);
        self.curation_window_ui(&ctx);
        self.modal_ui(&ctx);
    }

    fn document_ui(&mut self, ui: &mut Ui) {
        let Some(doc) = self.project.documents().get(self.current) else {
            ui.centered_and_justified(|ui| {
                ui.label("Import articles (Ctrl+I) or open a project (Ctrl+O) to start.\nYou can also drop files on this window.");
            });
            return;
        };
        let (count, done) = (self.project.documents().len(), doc.is_done());
        let mut action = None;
        ui.horizontal(|ui| {
            if ui
                .add_enabled(self.current > 0, egui::Button::new("◀ Previous"))
                .clicked()
            {
                action = Some(Action::PreviousDocument);
            }
            if ui
                .add_enabled(self.current + 1 < count, egui::Button::new("Next ▶"))
                .clicked()
            {
                action = Some(Action::NextDocument);
            }
            ui.strong(doc.name());
            let count = match self.loading_progress() {
                Some((_, total)) => crate::model::thousands(total),
                None => count.to_string(),
            };
            ui.weak(format!("{} of {count}", self.current + 1));
            if ui
                .selectable_label(done, if done { "Done ✔" } else { "Mark done" })
                .clicked()
            {
                action = Some(Action::ToggleDone);
            }
            if let Some((_, role)) = &self.pick {
                ui.colored_label(
                    ui.visuals().warn_fg_color,
                    format!("Click the entity that is the {role}"),
                );
            }
        });
        if let Some(action) = action {
            self.run(action);
            return;
        }
        let mut highlight = Highlight {
            selected: self.selected,
            ..Default::default()
        };
        if let Some(AnnotationRef::Event(id)) = self.selected
            && let Some(event) = doc.event(id)
        {
            highlight.arguments = event
                .arguments
                .iter()
                .filter_map(|a| match a.target {
                    crate::model::ArgTarget::Entity(e) => Some((e, a.role.clone())),
                    crate::model::ArgTarget::Event(_) => None,
                })
                .collect();
        }
        highlight.hidden = self.curation_hidden(doc);
        highlight.matches = self
            .find
            .matches
            .iter()
            .filter(|(d, _)| *d == self.current)
            .map(|(_, s)| *s)
            .collect();
        let style = ViewStyle {
            font_size: self.prefs.font_size,
            show_suggestions: self.prefs.show_suggestions,
            show_rejected: self.prefs.show_rejected,
            show_relations: self.prefs.show_relations,
        };
        let output = text_view_ui(
            ui,
            &mut self.view,
            doc,
            self.project.schema(),
            &highlight,
            &style,
        );
        if let Some(hit) = output.clicked {
            self.clicked_annotation(hit);
        } else if output.clicked_text && self.pick.is_none() {
            self.selected = None;
        }
    }

    fn menu_bar_ui(&mut self, ui: &mut Ui) {
        egui::MenuBar::new().ui(ui, |ui| {
            for menu in Menu::ALL {
                ui.menu_button(menu.name(), |ui| {
                    for action in Action::ALL.into_iter().filter(|a| a.menu() == Some(menu)) {
                        let mut button = egui::Button::new(action.name());
                        if let Some(shortcut) = action.shortcuts().first() {
                            button = button.shortcut_text(ui.ctx().format_shortcut(shortcut));
                        }
                        let checked = match action {
                            Action::ToggleSuggestions => Some(self.prefs.show_suggestions),
                            Action::ToggleSnap => Some(self.prefs.snap_to_tokens),
                            Action::ToggleRelations => Some(self.prefs.show_relations),
                            Action::ToggleLearning => Some(self.project.learning()),
                            _ => None,
                        };
                        let button = match checked {
                            Some(true) => button.selected(true),
                            _ => button,
                        };
                        let enabled = match action {
                            Action::Undo => self.history.can_undo(),
                            Action::Redo => self.history.can_redo(),
                            Action::RemoveDictionary => !self.project.dictionary().is_empty(),
                            _ => true,
                        } && !self.waits_for_loading(action);
                        if ui
                            .add_enabled(enabled, button)
                            .on_disabled_hover_text(if self.waits_for_loading(action) {
                                self.why_waiting()
                            } else {
                                String::new()
                            })
                            .clicked()
                        {
                            self.run(action);
                        }
                        if action == Action::OpenProject {
                            self.recent_menu_ui(ui);
                        }
                    }
                });
            }
        });
    }

    fn recent_menu_ui(&mut self, ui: &mut Ui) {
        ui.menu_button("Recent", |ui| {
            if self.prefs.recent.is_empty() {
                ui.weak("No recent projects");
            }
            for path in self.prefs.recent.clone() {
                if ui.button(path.display().to_string()).clicked() {
                    self.guard_open(path);
                }
            }
        });
    }

    fn guard_open(&mut self, path: std::path::PathBuf) {
        if self.is_dirty() {
            self.modal = Some(Modal::Unsaved {
                then: Pending::Open(Some(path)),
            });
        } else {
            self.open_path(&path);
        }
    }

    fn find_bar_ui(&mut self, ui: &mut Ui) {
        ui.horizontal(|ui| {
            let label = ui.label("Find:");
            let edit = ui
                .add(egui::TextEdit::singleline(&mut self.find.query).desired_width(240.0))
                .labelled_by(label.id);
            if std::mem::take(&mut self.find.focus) {
                edit.request_focus();
            }
            let mut changed = edit.changed();
            changed |= ui
                .checkbox(&mut self.find.in_project, "whole project")
                .changed();
            if changed {
                self.refresh_find();
            }
            if edit.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter)) {
                self.next_match();
                edit.request_focus();
            }
            if ui.button("Next").clicked() {
                self.next_match();
            }
            ui.weak(format!("{} match(es)", self.find.matches.len()));
            if ui.button("Close").clicked() {
                self.close_find();
            }
        });
    }

    fn status_bar_ui(&mut self, ui: &mut Ui) {
        ui.horizontal(|ui| {
            if let Some((message, is_error)) = &self.status {
                let text = RichText::new(message);
                ui.label(if *is_error {
                    text.color(ui.visuals().error_fg_color)
                } else {
                    text
                });
            }
            ui.with_layout(Layout::right_to_left(Align::Center), |ui| {
                ui.label(if self.is_dirty() {
                    "unsaved changes"
                } else {
                    "saved"
                });
                let patterns = self.project.dictionary();
                if !patterns.is_empty() {
                    ui.separator();
                    let labels: Vec<String> = crate::model::label_counts(patterns)
                        .iter()
                        .map(|(label, count)| format!("{label} {count}"))
                        .collect();
                    let noun = if patterns.len() == 1 {
                        "pattern"
                    } else {
                        "patterns"
                    };
                    ui.label(format!("Dictionary: {} {noun}", patterns.len()))
                        .on_hover_text(format!(
                            "Pre-annotation applies these before its own rules: {}",
                            labels.join(", ")
                        ));
                }
                if let Some((read, total)) = self.loading_progress() {
                    ui.add(
                        egui::ProgressBar::new(read as f32 / total as f32)
                            .desired_width(240.0)
                            .text(format!(
                                "loading {} / {}",
                                crate::model::thousands(read),
                                crate::model::thousands(total)
                            )),
                    );
                }
                if let Some((done, total)) = self.is_busy() {
                    if ui.button("Cancel").clicked() {
                        self.cancel_job();
                    }
                    ui.add(
                        egui::ProgressBar::new(done as f32 / total.max(1) as f32)
                            .desired_width(160.0)
                            .text(format!("pre-annotating {done}/{total}")),
                    );
                    ui.ctx()
                        .request_repaint_after(std::time::Duration::from_millis(100));
                }
            });
        });
    }

    /// Menu shortcuts and label hotkeys. While a text field has the keyboard only Ctrl
    /// shortcuts count, so typing a search never labels or deletes anything.
    fn handle_shortcuts(&mut self, ctx: &egui::Context) {
        let typing = ctx.text_edit_focused();
        let mut bindings: Vec<(egui::KeyboardShortcut, Action)> = Action::ALL
            .iter()
            .flat_map(|a| a.shortcuts().iter().map(move |s| (*s, *a)))
            .collect();
        // egui matches extra Shift/Alt loosely: try the most specific shortcuts first.
        bindings.sort_by_key(|(s, _)| {
            std::cmp::Reverse(
                s.modifiers.shift as u8 + s.modifiers.alt as u8 + s.modifiers.command as u8,
            )
        });
        for (shortcut, action) in bindings {
            if typing && Action::is_plain_key(&shortcut) {
                continue;
            }
            if ctx.input_mut(|i| i.consume_shortcut(&shortcut)) {
                self.run(action);
            }
        }
        if typing {
            return;
        }
        let hotkeys: Vec<(egui::Key, String)> = self
            .project
            .schema()
            .entity_labels
            .iter()
            .filter_map(|l| {
                Some((
                    egui::Key::from_name(&l.hotkey?.to_ascii_uppercase().to_string())?,
                    l.name.clone(),
                ))
            })
            .collect();
        for (key, label) in hotkeys {
            if ctx.input_mut(|i| i.consume_key(egui::Modifiers::NONE, key)) {
                self.label_selection(&label);
            }
        }
    }

    fn handle_dropped_files(&mut self, ctx: &egui::Context) {
        let dropped: Vec<std::path::PathBuf> = ctx.input(|i| {
            i.raw
                .dropped_files
                .iter()
                .map(|f| f.path().to_path_buf())
                .filter(|p| !p.as_os_str().is_empty())
                .collect()
        });
        if dropped.is_empty() {
            return;
        }
        if let [one] = dropped.as_slice()
            && one.to_string_lossy().contains(".tagdesk.")
        {
            self.guard_open(one.clone());
        } else if let Err(e) = self.import_paths(&dropped) {
            self.modal = Some(Modal::Error(format!("{e:#}")));
        }
    }

    /// Closing the window with unsaved changes asks first.
    fn handle_close(&mut self, ctx: &egui::Context) {
        if ctx.input(|i| i.viewport().close_requested()) && self.is_dirty() && !self.allow_close {
            ctx.send_viewport_cmd(egui::ViewportCommand::CancelClose);
            self.modal = Some(Modal::Unsaved {
                then: Pending::Quit,
            });
        }
    }

    fn modal_ui(&mut self, ctx: &egui::Context) {
        let Some(modal) = self.modal.clone() else {
            return;
        };
        let mut close = false;
        let response = egui::Modal::new(egui::Id::unique("tagdesk-modal")).show(ctx, |ui| {
            ui.set_max_width(560.0);
            match &modal {
                Modal::Unsaved { then } => {
                    ui.heading("Unsaved changes");
                    ui.label(format!(
                        "Save the changes to “{}” first?",
                        self.project.name()
                    ));
                    ui.horizontal(|ui| {
                        if ui.button("Save").clicked() {
                            close = true;
                            match self.path.clone() {
                                Some(path) => match self.save_to(&path) {
                                    Ok(()) => self.proceed(then.clone()),
                                    Err(e) => {
                                        self.modal = Some(Modal::Error(format!(
                                            "Not saved — your work is still here.\n\n{e:#}"
                                        )));
                                        return;
                                    }
                                },
                                None => self.run(Action::SaveAs),
                            }
                        }
                        if ui.button("Discard changes").clicked() {
                            close = true;
                            self.proceed(then.clone());
                        }
                        if ui.button("Cancel").clicked() {
                            close = true;
                        }
                    });
                }
                Modal::Recovery(orphans) => {
                    ui.heading("Recover unsaved work?");
                    for orphan in orphans {
                        let what = match &orphan.base {
                            super::journal::Base::File { path, .. } => path.display().to_string(),
                            super::journal::Base::Snapshot { .. } => {
                                "an unsaved project".to_owned()
                            }
                        };
                        ui.label(format!(
                            "A session ended without saving {} edit(s) to {what}.",
                            orphan.edits
                        ));
                    }
                    ui.horizontal(|ui| {
                        if ui.button("Recover").clicked() {
                            close = true;
                            if let Some(latest) = orphans.last()
                                && let Err(e) = self.recover(latest)
                            {
                                self.modal =
                                    Some(Modal::Error(format!("Could not recover: {e:#}")));
                                return;
                            }
                            orphans
                                .iter()
                                .rev()
                                .skip(1)
                                .for_each(super::Journal::discard);
                        }
                        if ui.button("Discard").clicked() {
                            close = true;
                            orphans.iter().for_each(super::Journal::discard);
                        }
                    });
                }
                Modal::Error(message) => {
                    ui.heading("Something went wrong");
                    ui.label(message);
                    if ui.button("OK").clicked() {
                        close = true;
                    }
                }
                Modal::Shortcuts => {
                    ui.heading("Keyboard shortcuts");
                    egui::Grid::new("shortcuts").striped(true).show(ui, |ui| {
                        for action in Action::ALL {
                            if action.shortcuts().is_empty() {
                                continue;
                            }
                            ui.label(action.name());
                            let keys: Vec<String> = action
                                .shortcuts()
                                .iter()
                                .map(|s| ctx.format_shortcut(s))
                                .collect();
                            ui.label(keys.join(", "));
                            ui.end_row();
                        }
                        for label in &self.project.schema().entity_labels {
                            if let Some(key) = label.hotkey {
                                ui.label(format!("Label selection {}", label.name));
                                ui.label(key.to_ascii_uppercase().to_string());
                                ui.end_row();
                            }
                        }
                        ui.label("Select text");
                        ui.label("Drag, double-click, Shift+arrows");
                        ui.end_row();
                    });
                    if ui.button("Close").clicked() {
                        close = true;
                    }
                }
                Modal::Preferences => {
                    ui.heading("Preferences");
                    ui.add(
                        egui::Slider::new(&mut self.prefs.font_size, 9.0..=40.0).text("Text size"),
                    );
                    ui.checkbox(&mut self.prefs.dark, "Dark theme");
                    ui.checkbox(&mut self.prefs.show_suggestions, "Show suggestions");
                    ui.checkbox(&mut self.prefs.show_rejected, "Show rejected suggestions");
                    ui.checkbox(&mut self.prefs.snap_to_tokens, "Snap selections to tokens");
                    ui.horizontal(|ui| {
                        let label = ui.label("Annotator name:");
                        ui.text_edit_singleline(&mut self.prefs.annotator)
                            .labelled_by(label.id);
                    });
                    if ui.button("Close").clicked() {
                        close = true;
                    }
                }
                Modal::Export => close = self.export_dialog_ui(ui),
            }
        });
        if close
            || (response.should_close()
                && !matches!(modal, Modal::Recovery(_) | Modal::Unsaved { .. }))
        {
            // A handler may have put up a follow-up modal (an error): keep that one.
            if matches!((&self.modal, &modal), (Some(a), b) if std::mem::discriminant(a) == std::mem::discriminant(b))
            {
                self.modal = None;
            }
        }
    }

    /// Export dialog: format, options, and the pre-flight report before anything is written.
    /// Returns true when the dialog should close.
    fn export_dialog_ui(&mut self, ui: &mut Ui) -> bool {
        ui.heading("Export");
        egui::ComboBox::from_label("Format")
            .selected_text(ExportFormat::ALL[self.export.format].name())
            .show_ui(ui, |ui| {
                for (i, format) in ExportFormat::ALL.iter().enumerate() {
                    ui.selectable_value(&mut self.export.format, i, format.name());
                }
            });
        ui.checkbox(&mut self.export.include_suggestions, "Include suggestions");
        ui.checkbox(
            &mut self.export.utf16,
            "UTF-16 offsets (doccano, Label Studio front ends)",
        );
        let options = self.export_options();
        let report = preflight::check(&self.project, &options);
        if report.is_empty() {
            ui.label("Pre-flight: nothing to fix; every selected span exports as it is.");
        } else {
            ui.label(format!("Pre-flight: {} finding(s); the offered fixes are applied, nothing is dropped unreported.", report.finding_count()));
            egui::ScrollArea::vertical()
                .max_height(260.0)
                .show(ui, |ui| {
                    ui.monospace(report.to_string());
                });
        }
        let mut close = false;
        ui.horizontal(|ui| {
            if ui.button("Choose folder and export…").clicked() {
                let wake = self.wake();
                if let Err(message) = self.dialogs.show(Purpose::Export, None, wake) {
                    self.report_error(message);
                }
                close = true;
            }
            if ui.button("Cancel").clicked() {
                close = true;
            }
        });
        close
    }

    pub(super) fn export_options(&self) -> ExportOptions {
        let mut options = ExportOptions::new(ExportFormat::ALL[self.export.format]);
        options.include_suggestions = self.export.include_suggestions;
        if self.export.utf16 {
            options.offsets = OffsetUnit::Utf16;
        }
        options
    }

    /// Writes the export into `folder` (single-file formats as `PROJECT.EXT` inside it).
    pub fn export_to(&mut self, folder: &std::path::Path) {
        let options = self.export_options();
        match write_export(&self.project, &options, folder) {
            Ok(summary) => self.report(summary),
            Err(e) => self.modal = Some(Modal::Error(format!("Export failed: {e:#}"))),
        }
    }
}

/// Pre-flight, fixes, export, then the files into `folder`.
fn write_export(
    project: &crate::model::Project,
    options: &ExportOptions,
    folder: &std::path::Path,
) -> anyhow::Result<String> {
    let report = preflight::check(project, options);
    let mut disk = export::ToDisk::new(export::Destination::Folder(folder));
    let exported = export::export_project(project, &report, options, &mut disk)?;
    let written = disk.finish()?;
    Ok(format!(
        "Exported {} document(s) as {} into {} ({} file(s); {} pre-flight finding(s) fixed or reported)",
        exported.documents,
        options.format.name(),
        folder.display(),
        written.len(),
        report.finding_count()
    ))
}
