//! The Model window: whether the project learns, what its model learned from, the quality
//! estimated by cross-validation on the reviewed documents (per label, next to the rules),
//! and the learning curve.

use egui::{Color32, Pos2, Rect, RichText, Sense, Stroke, Ui, vec2};

use super::{Action, TagdeskApp};
use crate::annotate::eval::Counts;

impl TagdeskApp {
    pub(super) fn model_window_ui(&mut self, ctx: &egui::Context) {
        if !self.model_window {
            return;
        }
        let mut open = true;
        let mut toggle = false;
        let mut retrain = false;
        egui::Window::new("Model")
            .open(&mut open)
            .default_width(460.0)
            .resizable(false)
            .show(ctx, |ui| {
                let mut learning = self.project.learning();
                if ui
                    .checkbox(&mut learning, "Learn from reviewed documents")
                    .on_hover_text(
                        "Documents marked done, or with every suggestion reviewed, train a model \
                         whose suggestions follow this project's own labelling",
                    )
                    .changed()
                {
                    toggle = true;
                }
                match self.model() {
                    Some(model) => {
                        let stats = model.stats();
                        ui.label(format!(
                            "{stats} (trained in {:.2} s)",
                            stats.train_seconds
                        ));
                    }
                    None if self.project.learning() => {
                        ui.label(
                            "Suggestions come from the rules: nothing is reviewed yet. Mark a \
                             document done (Ctrl+D) to teach the model.",
                        );
                    }
                    None => {
                        ui.label("Learning is off: suggestions come from the rules alone.");
                    }
                }
                if self.learn_job.is_some() {
                    ui.horizontal(|ui| {
                        ui.spinner();
                        ui.label("Training…");
                    });
                }
                if self.project.learning() && self.model().is_some() {
                    if self.estimate_revision != Some(self.revision) {
                        self.estimate_revision = Some(self.revision);
                        self.estimate();
                    }
                    ui.separator();
                    self.estimate_ui(ui);
                    if ui
                        .button("Retrain now")
                        .on_hover_text("Train again from the reviewed documents and refresh the suggestions of untouched documents")
                        .clicked()
                    {
                        retrain = true;
                    }
                }
            });
        if toggle {
            self.run(Action::ToggleLearning);
        }
        if retrain {
            self.learned_key = None;
            self.learn(true);
        }
        self.model_window = open;
    }

    fn estimate_ui(&self, ui: &mut Ui) {
        ui.label(RichText::new("Estimated quality").strong())
            .on_hover_text(
                "4-fold cross-validation on the reviewed documents: each quarter is \
                 pre-annotated by a model trained on the other three; exact spans and labels",
            );
        let Some(estimate) = &self.estimate else {
            ui.horizontal(|ui| {
                ui.spinner();
                ui.label("Estimating…");
            });
            return;
        };
        if estimate.validation.per_label.is_empty() {
            ui.label("Review at least two documents to estimate the model's quality.");
            return;
        }
        let pct = |x: f64| format!("{:.0}", 100.0 * x);
        egui::Grid::new("model-quality")
            .striped(true)
            .num_columns(6)
            .show(ui, |ui| {
                for head in ["label", "precision", "recall", "F1", "rules F1", "reviewed"] {
                    ui.label(RichText::new(head).weak());
                }
                ui.end_row();
                let mut total = Counts::default();
                let mut rules_total = Counts::default();
                for (label, c) in &estimate.validation.per_label {
                    // Labels the project never uses (the rules' own) only show as noise.
                    if c.gold == 0 {
                        continue;
                    }
                    let rules = estimate.rules.get(label).copied().unwrap_or_default();
                    total.add(*c);
                    rules_total.add(rules);
                    ui.label(label);
                    ui.label(pct(c.precision()));
                    ui.label(pct(c.recall()));
                    ui.label(RichText::new(pct(c.f1())).strong());
                    ui.label(pct(rules.f1()));
                    ui.label(c.gold.to_string());
                    ui.end_row();
                }
                ui.label(RichText::new("all").strong());
                ui.label(pct(total.precision()));
                ui.label(pct(total.recall()));
                ui.label(RichText::new(pct(total.f1())).strong());
                ui.label(pct(rules_total.f1()));
                ui.label(total.gold.to_string());
                ui.end_row();
            });
        ui.add_space(6.0);
        ui.label(RichText::new("Learning curve").strong());
        let rules: Counts = estimate.rules.values().fold(Counts::default(), |mut t, c| {
            t.add(*c);
            t
        });
        curve_ui(ui, &estimate.validation.curve, rules.f1());
    }
}

/// F1 (0-100) against reviewed documents, with the rules' F1 as a dashed line, painted.
fn curve_ui(ui: &mut Ui, curve: &[(f64, f64)], rules_f1: f64) {
    let width = ui.available_width().clamp(280.0, 440.0);
    let (rect, _) = ui.allocate_exact_size(vec2(width, 170.0), Sense::hover());
    let painter = ui.painter_at(rect);
    let visuals = ui.visuals();
    let weak = visuals.weak_text_color();
    let font = egui::FontId::proportional(11.0);
    let plot = Rect::from_min_max(rect.min + vec2(30.0, 6.0), rect.max - vec2(10.0, 20.0));
    painter.rect_stroke(plot, 0.0, Stroke::new(1.0, weak), egui::StrokeKind::Inside);
    let max_docs = curve.iter().map(|(n, _)| *n).fold(1.0, f64::max);
    let at = |docs: f64, f1: f64| {
        Pos2::new(
            plot.left() + (docs / max_docs) as f32 * plot.width(),
            plot.bottom() - f1 as f32 * plot.height(),
        )
    };
    for tick in [0.0, 0.25, 0.5, 0.75, 1.0] {
        let y = at(0.0, tick).y;
        painter.line_segment(
            [Pos2::new(plot.left(), y), Pos2::new(plot.right(), y)],
            Stroke::new(0.5, weak.gamma_multiply(0.4)),
        );
        painter.text(
            Pos2::new(plot.left() - 4.0, y),
            egui::Align2::RIGHT_CENTER,
            format!("{:.0}", tick * 100.0),
            font.clone(),
            weak,
        );
    }
    // The rules: a dashed line across.
    let y = at(0.0, rules_f1).y;
    let rules_color = Color32::from_rgb(0xc0, 0x7a, 0x2a);
    painter.extend(egui::Shape::dashed_line(
        &[Pos2::new(plot.left(), y), Pos2::new(plot.right(), y)],
        Stroke::new(1.5, rules_color),
        6.0,
        4.0,
    ));
    painter.text(
        Pos2::new(plot.right() - 2.0, y - 2.0),
        egui::Align2::RIGHT_BOTTOM,
        "rules",
        font.clone(),
        rules_color,
    );
    let model_color = visuals.selection.bg_fill;
    let points: Vec<Pos2> = curve.iter().map(|&(n, f)| at(n, f)).collect();
    painter.add(egui::Shape::line(
        points.clone(),
        Stroke::new(2.0, model_color),
    ));
    for (&(n, f), p) in curve.iter().zip(&points) {
        painter.circle_filled(*p, 3.5, model_color);
        painter.text(
            *p - vec2(0.0, 5.0),
            egui::Align2::CENTER_BOTTOM,
            format!("{:.0}", f * 100.0),
            font.clone(),
            visuals.text_color(),
        );
        painter.text(
            Pos2::new(p.x, plot.bottom() + 3.0),
            egui::Align2::CENTER_TOP,
            format!("{n:.0}"),
            font.clone(),
            weak,
        );
    }
    painter.text(
        Pos2::new(plot.center().x, rect.bottom()),
        egui::Align2::CENTER_BOTTOM,
        "reviewed documents trained on (F1, cross-validated)",
        font,
        weak,
    );
}
