//! The Curation window (Annotate → Curation…), for a project `tagdesk merge` made: show one
//! annotator's version or all of them, the current document's disagreements with a button per
//! version to take, a button to take one annotator's whole version of the document, and the
//! project's agreement per label and pair as a heat map. Taking a version is one undoable edit.

use std::collections::HashSet;

use egui::{Color32, Pos2, Rect, RichText, Sense, Stroke, Ui, vec2};

use super::TagdeskApp;
use crate::model::{Document, EntityId};
use crate::team::curation;

impl TagdeskApp {
    /// Entities the view hides while one annotator's version is shown (all others').
    pub fn curation_hidden(&self, doc: &Document) -> HashSet<EntityId> {
        let Some(only) = &self.curation_only else {
            return HashSet::new();
        };
        doc.entities()
            .iter()
            .filter(|e| curation::makers(&e.origin).is_some_and(|m| !m.contains(&only.as_str())))
            .map(|e| e.id)
            .collect()
    }

    pub(super) fn curation_window_ui(&mut self, ctx: &egui::Context) {
        if !self.curation_window {
            return;
        }
        if self
            .curation_summary
            .as_ref()
            .is_none_or(|(at, ..)| *at != self.revision)
        {
            self.curation_summary = Some((
                self.revision,
                curation::annotators(&self.project),
                curation::label_table(&self.project),
            ));
        }
        let Some((_, names, table)) = self.curation_summary.take() else {
            return;
        };
        let mut open = true;
        let mut edit = None;
        let mut reveal = None;
        // Over the events panel, so the text being curated stays in view.
        let right = ctx.content_rect().right();
        egui::Window::new("Curation")
            .open(&mut open)
            .default_width(420.0)
            .default_pos(egui::pos2(right - 440.0, 60.0))
            .show(ctx, |ui| {
                if names.is_empty() {
                    ui.label(
                        "This project has no annotators' versions to curate: make one with \
                         tagdesk merge A B --out CURATED.",
                    );
                    return;
                }
                ui.horizontal_wrapped(|ui| {
                    ui.label("Show:");
                    ui.selectable_value(&mut self.curation_only, None, "everyone");
                    for name in &names {
                        ui.selectable_value(&mut self.curation_only, Some(name.clone()), name);
                    }
                });
                let Some(doc) = self.project.documents().get(self.current) else {
                    return;
                };
                let disputes = curation::disputes(doc);
                let events = curation::disputed_events(doc);
                ui.label(
                    RichText::new(format!(
                        "{} disagreement(s) in this document, {events} disputed event(s)",
                        disputes.len()
                    ))
                    .strong(),
                );
                egui::ScrollArea::vertical()
                    .max_height(220.0)
                    .show(ui, |ui| {
                        for dispute in &disputes {
                            ui.horizontal_wrapped(|ui| {
                                let text = doc.span_text(dispute.span).unwrap_or_default();
                                if ui.link(format!("“{text}”")).clicked() {
                                    reveal = Some(dispute.span);
                                }
                                for &id in &dispute.versions {
                                    let Some(e) = doc.entity(id) else { continue };
                                    let who = curation::makers(&e.origin)
                                        .map(|m| m.join(", "))
                                        .unwrap_or_default();
                                    let span = doc.span_text(e.span).unwrap_or_default();
                                    let name = if e.span == dispute.span {
                                        format!("{} — {who}", e.label)
                                    } else {
                                        format!("{} “{span}” — {who}", e.label)
                                    };
                                    if ui.button(name).on_hover_text("Take this version").clicked()
                                    {
                                        edit = Some(curation::take(doc, id));
                                    }
                                }
                            });
                        }
                    });
                if !disputes.is_empty() || events > 0 {
                    ui.horizontal_wrapped(|ui| {
                        for name in &names {
                            if ui
                                .button(format!("Take {name}'s version of this document"))
                                .clicked()
                            {
                                edit = Some(curation::take_version(doc, name));
                            }
                        }
                    });
                }
                ui.separator();
                ui.label(RichText::new("Agreement per label (exact-span F1)").strong());
                heat_map_ui(ui, &table);
            });
        self.curation_summary = Some((self.revision, names, table));
        self.curation_window = open;
        if let Some(edit) = edit
            && self.apply(edit)
        {
            self.report("Version taken (Ctrl+Z undoes)".into());
        }
        if let Some(span) = reveal {
            self.view.selection = crate::ui::selection::Selection::caret(span.start);
            self.view.scroll_to = Some(span.start);
        }
    }
}

/// The table as a grid of cells coloured from red (no agreement) through yellow to green.
fn heat_map_ui(ui: &mut Ui, table: &curation::LabelTable) {
    if table.pairs.is_empty() || table.rows.is_empty() {
        ui.weak("Nothing to compare yet.");
        return;
    }
    let (label_w, cell_w, cell_h) = (90.0, 72.0, 20.0);
    let size = vec2(
        label_w + cell_w * table.pairs.len() as f32,
        cell_h * (table.rows.len() + 1) as f32,
    );
    let (rect, _) = ui.allocate_exact_size(size, Sense::hover());
    let painter = ui.painter_at(rect);
    let font = egui::FontId::proportional(11.0);
    let ink = ui.visuals().text_color();
    for (k, (a, b)) in table.pairs.iter().enumerate() {
        let x = rect.left() + label_w + cell_w * k as f32 + cell_w / 2.0;
        painter.text(
            Pos2::new(x, rect.top() + cell_h / 2.0),
            egui::Align2::CENTER_CENTER,
            format!("{a}–{b}"),
            font.clone(),
            ink,
        );
    }
    for (r, (label, values)) in table.rows.iter().enumerate() {
        let y = rect.top() + cell_h * (r + 1) as f32;
        painter.text(
            Pos2::new(rect.left() + 4.0, y + cell_h / 2.0),
            egui::Align2::LEFT_CENTER,
            label,
            font.clone(),
            ink,
        );
        for (k, &f1) in values.iter().enumerate() {
            let cell = Rect::from_min_size(
                Pos2::new(rect.left() + label_w + cell_w * k as f32, y),
                vec2(cell_w, cell_h),
            )
            .shrink(1.0);
            painter.rect_filled(cell, 2.0, heat(f1));
            painter.rect_stroke(
                cell,
                2.0,
                Stroke::new(0.5, Color32::from_gray(120)),
                egui::StrokeKind::Inside,
            );
            painter.text(
                cell.center(),
                egui::Align2::CENTER_CENTER,
                format!("{f1:.2}"),
                font.clone(),
                Color32::BLACK,
            );
        }
    }
}

/// Red at 0, yellow at 0.5, green at 1.
fn heat(f1: f64) -> Color32 {
    let t = f1.clamp(0.0, 1.0) as f32;
    let (r, g) = if t < 0.5 {
        (1.0, t * 2.0)
    } else {
        (2.0 - t * 2.0, 1.0)
    };
    Color32::from_rgb((r * 230.0) as u8, (g * 200.0) as u8, 90)
}
