//! Side panels: documents with progress, the label palette, the entity list, the events panel.

use std::collections::HashSet;

use egui::{Color32, ComboBox, RichText, Ui};

use super::{AnnotationRef, Request, color_of, origin_text, target_text};
use crate::model::{
    ArgTarget, Argument, Document, Edit, Entity, EntityId, Project, Relation, Schema, Status,
};

/// A thin bar filled in proportion to `done` of `total`. Painted rather than egui's
/// `ProgressBar`, whose rounded fill shows a dot at zero.
fn progress_ui(ui: &mut Ui, done: usize, total: usize) {
    let (rect, _) =
        ui.allocate_exact_size(egui::vec2(ui.available_width(), 8.0), egui::Sense::hover());
    let painter = ui.painter();
    painter.rect_filled(rect, 4.0, ui.visuals().extreme_bg_color);
    if let Some(fill) = progress_fill(rect, done, total) {
        painter.rect_filled(fill, 4.0, ui.visuals().selection.bg_fill);
    }
}

/// The filled part of a progress bar, none at all when nothing is done.
fn progress_fill(bar: egui::Rect, done: usize, total: usize) -> Option<egui::Rect> {
    (done > 0 && total > 0).then(|| {
        let fraction = done.min(total) as f32 / total as f32;
        egui::Rect::from_min_size(bar.min, egui::vec2(bar.width() * fraction, bar.height()))
    })
}

/// Which documents the list shows.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum DocShow {
    #[default]
    All,
    ToDo,
    Done,
    /// With suggestions still to review.
    ToReview,
}

impl DocShow {
    const ALL: [DocShow; 4] = [
        DocShow::All,
        DocShow::ToDo,
        DocShow::Done,
        DocShow::ToReview,
    ];

    fn name(self) -> &'static str {
        match self {
            DocShow::All => "all documents",
            DocShow::ToDo => "not done",
            DocShow::Done => "marked done",
            DocShow::ToReview => "with suggestions",
        }
    }

    fn shows(self, doc: &Document) -> bool {
        match self {
            DocShow::All => true,
            DocShow::ToDo => !doc.is_done(),
            DocShow::Done => doc.is_done(),
            DocShow::ToReview => doc.entities().iter().any(|e| e.status == Status::Suggested),
        }
    }
}

/// The documents list's filter, and the rows it found for one revision of the project: a
/// project of 100,000 documents is filtered once per change, not once per frame.
#[derive(Debug, Default)]
pub struct DocumentFilter {
    pub text: String,
    pub show: DocShow,
    found: Option<Found>,
}

#[derive(Debug)]
struct Found {
    key: (u64, usize, String, DocShow),
    rows: Vec<usize>,
    done: usize,
}

impl DocumentFilter {
    /// Indices of the documents shown, and how many of the project's are done.
    fn rows(&mut self, project: &Project, revision: u64) -> (&[usize], usize) {
        // Documents a loading project appends change no revision, but do change the rows.
        let key = (
            revision,
            project.documents().len(),
            self.text.to_lowercase(),
            self.show,
        );
        if self.found.as_ref().is_none_or(|f| f.key != key) {
            let docs = project.documents();
            let rows = (0..docs.len())
                .filter(|&i| {
                    let doc = &docs[i];
                    self.show.shows(doc)
                        && (key.2.is_empty() || doc.name().to_lowercase().contains(&key.2))
                })
                .collect();
            let done = docs.iter().filter(|d| d.is_done()).count();
            self.found = Some(Found { key, rows, done });
        }
        let found = self.found.as_ref().expect("just set");
        (&found.rows, found.done)
    }
}

/// Documents of the project with their progress, filtered by name and status; only the rows
/// in view are laid out, so the list stays smooth at any size.
pub fn documents_ui(
    ui: &mut Ui,
    project: &Project,
    current: usize,
    revision: u64,
    filter: &mut DocumentFilter,
) -> Vec<Request> {
    let mut requests = Vec::new();
    let docs = project.documents();
    ui.horizontal(|ui| {
        let label = ui.label("Filter:");
        ui.add(
            egui::TextEdit::singleline(&mut filter.text)
                .hint_text("name")
                .desired_width(90.0),
        )
        .labelled_by(label.id);
        ComboBox::from_label("Show")
            .selected_text(filter.show.name())
            .show_ui(ui, |ui| {
                for show in DocShow::ALL {
                    ui.selectable_value(&mut filter.show, show, show.name());
                }
            });
    });
    let (rows, done) = filter.rows(project, revision);
    if rows.len() == docs.len() {
        ui.label(format!("{done} / {} done", docs.len()));
    } else {
        ui.label(format!(
            "{done} / {} done; {} shown",
            docs.len(),
            rows.len()
        ));
    }
    progress_ui(ui, done, docs.len());
    let spacing = ui.spacing().item_spacing.y;
    let line = ui.text_style_height(&egui::TextStyle::Body);
    let row_height = ui.spacing().interact_size.y.max(line) + spacing + line;
    egui::ScrollArea::vertical()
        .id_salt("documents")
        .max_height(ui.available_height() * 0.4)
        .auto_shrink([false, true])
        .show_rows(ui, row_height, rows.len(), |ui, range| {
            for &index in &rows[range] {
                let doc = &docs[index];
                ui.allocate_ui(egui::vec2(ui.available_width(), row_height), |ui| {
                    ui.set_height(row_height);
                    ui.horizontal(|ui| {
                        let mut is_done = doc.is_done();
                        if ui.checkbox(&mut is_done, "done").changed() {
                            requests.push(Request::Apply(Edit::SetDone {
                                doc: doc.id().to_owned(),
                                done: is_done,
                            }));
                        }
                        if ui.selectable_label(index == current, doc.name()).clicked() {
                            requests.push(Request::OpenDocument(index));
                        }
                    });
                    let suggested = doc
                        .entities()
                        .iter()
                        .filter(|e| e.status == Status::Suggested)
                        .count();
                    ui.weak(format!(
                        "   {} entities, {} events, {suggested} to review",
                        doc.entities().len(),
                        doc.events().len()
                    ));
                });
            }
        });
    requests
}

/// One button per entity label, with its hotkey; clicking labels the selection.
pub fn palette_ui(ui: &mut Ui, schema: &Schema, enabled: bool) -> Vec<Request> {
    let mut requests = Vec::new();
    ui.horizontal_wrapped(|ui| {
        for label in &schema.entity_labels {
            let text = match label.hotkey {
                Some(key) => format!("{} ({key})", label.name),
                None => label.name.clone(),
            };
            let button = egui::Button::new(RichText::new(text).color(Color32::BLACK))
                .fill(color_of(Some(label.color)));
            let response = ui
                .add_enabled(enabled, button)
                .on_hover_text(&label.description);
            if response.clicked() {
                requests.push(Request::Label(label.name.clone()));
            }
        }
    });
    requests
}

/// Which entities the list shows.
#[derive(Clone, Debug, Default)]
pub struct EntityFilter {
    pub label: Option<String>,
    pub status: Option<Status>,
}

/// Entities of the document, filterable by label and status, less the `hidden` ones (other
/// annotators' while curating); a click reveals one.
pub fn entity_list_ui(
    ui: &mut Ui,
    doc: &Document,
    schema: &Schema,
    filter: &mut EntityFilter,
    hidden: &HashSet<EntityId>,
    selected: Option<AnnotationRef>,
) -> Vec<Request> {
    let mut requests = Vec::new();
    ui.horizontal(|ui| {
        ComboBox::from_label("Label")
            .selected_text(filter.label.as_deref().unwrap_or("all"))
            .show_ui(ui, |ui| {
                ui.selectable_value(&mut filter.label, None, "all");
                for label in &schema.entity_labels {
                    ui.selectable_value(&mut filter.label, Some(label.name.clone()), &label.name);
                }
            });
        ComboBox::from_label("Status")
            .selected_text(filter.status.map_or("all", Status::name))
            .show_ui(ui, |ui| {
                ui.selectable_value(&mut filter.status, None, "all");
                for status in Status::ALL {
                    ui.selectable_value(&mut filter.status, Some(status), status.name());
                }
            });
    });
    let shown: Vec<_> = doc
        .entities()
        .iter()
        .filter(|e| {
            !hidden.contains(&e.id)
                && filter.label.as_ref().is_none_or(|l| *l == e.label)
                && filter.status.is_none_or(|s| s == e.status)
        })
        .collect();
    ui.horizontal(|ui| {
        ui.weak(format!(
            "{} of {} entities",
            shown.len(),
            doc.entities().len()
        ));
        // Review every suggestion the filter shows at once (e.g. all DATE suggestions).
        let suggestions: Vec<_> = shown
            .iter()
            .filter(|e| e.status == Status::Suggested)
            .collect();
        for (text, status) in [
            ("Accept shown", Status::Accepted),
            ("Reject shown", Status::Rejected),
        ] {
            let button = ui.add_enabled(!suggestions.is_empty(), egui::Button::new(text).small());
            if button
                .on_hover_text("Every suggestion in this list")
                .clicked()
            {
                let entities = suggestions
                    .iter()
                    .map(|e| Entity {
                        status,
                        ..(**e).clone()
                    })
                    .collect();
                requests.push(Request::Apply(Edit::ReplaceEntities {
                    doc: doc.id().to_owned(),
                    entities,
                }));
            }
        }
    });
    let row_height = ui.text_style_height(&egui::TextStyle::Body) + 4.0;
    egui::ScrollArea::vertical().id_salt("entities").show_rows(
        ui,
        row_height,
        shown.len(),
        |ui, rows| {
            for e in &shown[rows] {
                let text = doc.span_text(e.span).unwrap_or_default();
                let line = RichText::new(format!("{}  {text}", e.label)).background_color(
                    color_of(schema.entity_label(&e.label).map(|l| l.color)).gamma_multiply(0.5),
                );
                let line = if e.status == Status::Rejected {
                    line.strikethrough()
                } else {
                    line
                };
                let is_selected = selected == Some(AnnotationRef::Entity(e.id));
                if ui
                    .selectable_label(is_selected, line)
                    .on_hover_text(origin_text(&e.origin, e.status))
                    .clicked()
                {
                    requests.push(Request::Reveal {
                        span: e.span,
                        annotation: Some(AnnotationRef::Entity(e.id)),
                    });
                }
            }
        },
    );
    requests
}

/// What the events panel remembers between frames.
#[derive(Clone, Debug, Default)]
pub struct EventsPanelState {
    /// Event type for "New event".
    pub new_type: String,
    /// Role chosen for the next argument of the selected event.
    pub new_role: String,
}

/// The document's events: create one from the selection, select, accept, reject, delete, and
/// edit arguments by role (only roles the type has, only entities the role accepts).
pub fn events_ui(
    ui: &mut Ui,
    doc: &Document,
    schema: &Schema,
    state: &mut EventsPanelState,
    selected: Option<AnnotationRef>,
    has_selection: bool,
) -> Vec<Request> {
    let mut requests = Vec::new();
    if state.new_type.is_empty()
        && let Some(first) = schema.event_types.first()
    {
        state.new_type = first.name.clone();
    }
    ui.horizontal(|ui| {
        ComboBox::from_label("Type")
            .selected_text(&state.new_type)
            .height(400.0)
            .show_ui(ui, |ui| {
                for t in &schema.event_types {
                    ui.selectable_value(&mut state.new_type, t.name.clone(), &t.name);
                }
            });
        let create = ui
            .add_enabled(has_selection, egui::Button::new("Create event"))
            .on_hover_text("The selected text becomes the trigger (Ctrl+T)");
        if create.clicked() {
            requests.push(Request::CreateEvent(state.new_type.clone()));
        }
    });
    ui.separator();
    // The selected event's details stay at the top, whatever the list's scroll position.
    if let Some(AnnotationRef::Event(id)) = selected
        && let Some(event) = doc.event(id)
    {
        let color = color_of(schema.event_type(&event.event_type).map(|t| t.color));
        ui.horizontal(|ui| {
            ui.colored_label(color, "■");
            ui.strong(format!(
                "{}  «{}»",
                event.event_type,
                doc.span_text(event.trigger).unwrap_or_default()
            ));
        });
        ui.weak(origin_text(&event.origin, event.status));
        event_detail_ui(ui, doc, schema, state, event, &mut requests);
        ui.separator();
    }
    // The relations list goes below.
    egui::ScrollArea::vertical()
        .id_salt("events")
        .max_height(ui.available_height() * 0.6)
        .show(ui, |ui| {
            for event in doc.events() {
                let is_selected = selected == Some(AnnotationRef::Event(event.id));
                let color = color_of(schema.event_type(&event.event_type).map(|t| t.color));
                let trigger = doc.span_text(event.trigger).unwrap_or_default();
                let title = RichText::new(format!("{}  «{trigger}»", event.event_type)).color(
                    if is_selected {
                        ui.visuals().strong_text_color()
                    } else {
                        ui.visuals().text_color()
                    },
                );
                ui.horizontal(|ui| {
                    ui.colored_label(color, "■");
                    if ui
                        .selectable_label(is_selected, title)
                        .on_hover_text(origin_text(&event.origin, event.status))
                        .clicked()
                    {
                        requests.push(Request::Reveal {
                            span: event.trigger,
                            annotation: Some(AnnotationRef::Event(event.id)),
                        });
                    }
                });
                ui.weak(format!(
                    "   {} · {} argument(s)",
                    event.status.name(),
                    event.arguments.len()
                ));
            }
        });
    requests
}

fn event_detail_ui(
    ui: &mut Ui,
    doc: &Document,
    schema: &Schema,
    state: &mut EventsPanelState,
    event: &crate::model::Event,
    requests: &mut Vec<Request>,
) {
    let doc_id = doc.id().to_owned();
    ui.indent(("event", event.id.0), |ui| {
        for (i, arg) in event.arguments.iter().enumerate() {
            ui.horizontal(|ui| {
                ui.label(format!("{}: {}", arg.role, target_text(doc, arg.target)));
                if ui
                    .small_button("×")
                    .on_hover_text("Remove this argument")
                    .clicked()
                {
                    let mut changed = event.clone();
                    changed.arguments.remove(i);
                    requests.push(Request::Apply(Edit::ReplaceEvent {
                        doc: doc_id.clone(),
                        event: changed,
                    }));
                }
            });
        }
        let Some(event_type) = schema.event_type(&event.event_type) else {
            ui.colored_label(ui.visuals().error_fg_color, "type not in the schema");
            return;
        };
        if !event_type.roles.iter().any(|r| r.name == state.new_role) {
            state.new_role = event_type
                .roles
                .first()
                .map(|r| r.name.clone())
                .unwrap_or_default();
        }
        ui.horizontal(|ui| {
            ComboBox::from_label("Role")
                .selected_text(&state.new_role)
                .show_ui(ui, |ui| {
                    for role in &event_type.roles {
                        ui.selectable_value(&mut state.new_role, role.name.clone(), &role.name);
                    }
                });
            if ui
                .button("Pick in text")
                .on_hover_text("Then click an entity in the text")
                .clicked()
            {
                requests.push(Request::PickArgument {
                    event: event.id,
                    role: state.new_role.clone(),
                });
            }
        });
        if let Some(role) = event_type.role(&state.new_role) {
            let candidates: Vec<_> = doc
                .entities()
                .iter()
                .filter(|e| e.status != Status::Rejected && role.accepts(&e.label))
                .collect();
            ComboBox::from_label("Add entity")
                .selected_text("choose…")
                .height(300.0)
                .show_ui(ui, |ui| {
                    for e in candidates {
                        let text = format!(
                            "{} ({}, {})",
                            doc.span_text(e.span).unwrap_or_default(),
                            e.label,
                            e.id
                        );
                        if ui.selectable_label(false, text).clicked() {
                            let mut changed = event.clone();
                            changed.arguments.push(Argument {
                                role: role.name.clone(),
                                target: ArgTarget::Entity(e.id),
                            });
                            requests.push(Request::Apply(Edit::ReplaceEvent {
                                doc: doc_id.clone(),
                                event: changed,
                            }));
                        }
                    }
                });
        }
        ui.horizontal(|ui| {
            if event.status != Status::Accepted && ui.button("Accept").clicked() {
                let mut changed = event.clone();
                changed.status = Status::Accepted;
                requests.push(Request::Apply(Edit::ReplaceEvent {
                    doc: doc_id.clone(),
                    event: changed,
                }));
            }
            if event.status == Status::Suggested && ui.button("Reject").clicked() {
                let mut changed = event.clone();
                changed.status = Status::Rejected;
                requests.push(Request::Apply(Edit::ReplaceEvent {
                    doc: doc_id.clone(),
                    event: changed,
                }));
            }
            if ui.button("Delete event").clicked() {
                requests.push(Request::Apply(Edit::remove_event(doc, event.id)));
                requests.push(Request::Select(None));
            }
        });
    });
}

/// The document's relations: each as `from to to` (click: show and select it), its type
/// among those that fit the two labels, and a button that deletes it.
pub fn relations_ui(
    ui: &mut Ui,
    doc: &Document,
    schema: &Schema,
    selected: Option<AnnotationRef>,
) -> Vec<Request> {
    let mut requests = Vec::new();
    if doc.relations().is_empty() {
        ui.weak("None yet: select an entity, press Ctrl+J, then click the entity it goes to.");
        return requests;
    }
    let text = |id| target_text(doc, ArgTarget::Entity(id));
    egui::ScrollArea::vertical()
        .id_salt("relations")
        .show(ui, |ui| {
            for relation in doc.relations() {
                let (Some(from), Some(to)) = (doc.entity(relation.from), doc.entity(relation.to))
                else {
                    continue;
                };
                let me = AnnotationRef::Relation(relation.id);
                // Two lines a relation, so that long names wrap instead of widening the panel.
                let name = format!("“{}” to “{}”", text(relation.from), text(relation.to));
                let name = if relation.status == Status::Suggested {
                    RichText::new(name).weak()
                } else {
                    RichText::new(name)
                };
                if ui
                    .selectable_label(selected == Some(me), name)
                    .on_hover_text(origin_text(&relation.origin, relation.status))
                    .clicked()
                {
                    requests.push(Request::Reveal {
                        span: from.span,
                        annotation: Some(me),
                    });
                }
                ui.horizontal(|ui| {
                    let mut chosen = relation.relation_type.clone();
                    ComboBox::new(("relation-type", relation.id), "type")
                        .selected_text(&chosen)
                        .show_ui(ui, |ui| {
                            for t in schema
                                .relation_types
                                .iter()
                                .filter(|t| t.fits(&from.label, &to.label))
                            {
                                ui.selectable_value(&mut chosen, t.name.clone(), &t.name);
                            }
                        });
                    if chosen != relation.relation_type {
                        requests.push(Request::Apply(Edit::ReplaceRelation {
                            doc: doc.id().to_owned(),
                            relation: Relation {
                                relation_type: chosen,
                                ..relation.clone()
                            },
                        }));
                    }
                    if ui
                        .small_button("×")
                        .on_hover_text("Delete the relation")
                        .clicked()
                    {
                        requests.push(Request::Apply(Edit::RemoveRelation {
                            doc: doc.id().to_owned(),
                            id: relation.id,
                        }));
                    }
                });
            }
        });
    requests
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_progress_bar_is_empty_at_zero_and_full_when_all_are_done() {
        let bar = egui::Rect::from_min_size(egui::pos2(10.0, 0.0), egui::vec2(200.0, 8.0));
        assert_eq!(progress_fill(bar, 0, 42), None);
        assert_eq!(progress_fill(bar, 0, 0), None);
        assert_eq!(progress_fill(bar, 21, 42).map(|r| r.width()), Some(100.0));
        assert_eq!(progress_fill(bar, 42, 42), Some(bar));
    }
}
