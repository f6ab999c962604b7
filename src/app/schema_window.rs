//! The Schema window (Edit → Schema…): the project's entity labels (rename, recolour, re-key,
//! add, delete or merge one in use), event types and their roles (rename, add, allowed labels,
//! how many), relation types (rename, add, allowed labels); import a brat `annotation.conf`,
//! a project's or a schema file's definitions; save the schema for `tagdesk new --schema`.
//! Every change is one undoable, journalled edit.

use std::collections::HashMap;
use std::path::Path;

use egui::{ComboBox, RichText, Ui};

use super::dialogs::Purpose;
use super::{Action, TagdeskApp};
use crate::formats::schema_file;
use crate::model::{
    Cardinality, Edit, EntityLabel, EventType, RelationType, Rgb, Role, SchemaItem,
};

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
enum Tab {
    #[default]
    Labels,
    Events,
    Relations,
}

/// What is being typed in the window, kept between frames.
#[derive(Default)]
pub(super) struct SchemaEdit {
    tab: Tab,
    /// Names being typed, by the current name of what they rename.
    names: HashMap<String, String>,
    /// Label lists being typed (a role's, a relation end's), by where they go.
    lists: HashMap<String, String>,
    new_name: String,
    new_role: HashMap<String, String>,
    /// A label in use the annotator asked to delete, and where its annotations would go
    /// (empty: deleted with it).
    deleting: Option<(String, String)>,
    /// Entities per label, for the revision they were counted at.
    counts: Option<(u64, HashMap<String, usize>)>,
}

impl SchemaEdit {
    /// Starts the typed names and lists over from the schema once any edit (an undo too)
    /// changed it, so no field shows a name that is gone.
    fn sync(&mut self, revision: u64, counts: impl FnOnce() -> HashMap<String, usize>) {
        if self.counts.as_ref().map(|c| c.0) != Some(revision) {
            self.names.clear();
            self.lists.clear();
            self.counts = Some((revision, counts()));
        }
    }
}

/// A change asked for in the window, applied once it is drawn.
enum Change {
    Rename(SchemaItem, String, String),
    Label(EntityLabel),
    EventType(EventType),
    RelationType(RelationType),
    AddLabel(String),
    AddEventType(String),
    AddRelationType(String),
    DeleteLabel(String, Option<String>),
    RemoveEventType(String),
    RemoveRelationType(String),
    Dialog(Purpose),
}

const COUNTS: [Cardinality; 4] = [
    Cardinality::ZeroOrOne,
    Cardinality::ExactlyOne,
    Cardinality::ZeroOrMore,
    Cardinality::OneOrMore,
];

fn count_name(c: Cardinality) -> &'static str {
    match c {
        Cardinality::ZeroOrOne => "0 or 1",
        Cardinality::ExactlyOne => "exactly 1",
        Cardinality::ZeroOrMore => "any number",
        Cardinality::OneOrMore => "1 or more",
    }
}

/// A field without a visible label gets its accessible name (screen readers, UI tests).
fn named(response: egui::Response, name: &str) -> egui::Response {
    response
        .ctx
        .accesskit_node_builder(response.id, |node| node.set_label(name));
    response
}

/// `PER, ORG` as a list.
fn parse_list(text: &str) -> Vec<String> {
    text.split(',')
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
        .collect()
}

impl TagdeskApp {
    pub(super) fn schema_window_ui(&mut self, ctx: &egui::Context) {
        if !self.schema_window {
            return;
        }
        let project = &self.project;
        self.schema_edit.sync(self.revision, || {
            let mut counts: HashMap<String, usize> = HashMap::new();
            for doc in project.documents() {
                for e in doc.entities() {
                    *counts.entry(e.label.clone()).or_default() += 1;
                }
            }
            counts
        });
        let mut open = true;
        let mut changes = Vec::new();
        egui::Window::new("Schema")
            .open(&mut open)
            .default_width(560.0)
            .default_height(480.0)
            .show(ctx, |ui| {
                ui.horizontal(|ui| {
                    let tab = &mut self.schema_edit.tab;
                    ui.selectable_value(tab, Tab::Labels, "Entity labels");
                    ui.selectable_value(tab, Tab::Events, "Event types");
                    ui.selectable_value(tab, Tab::Relations, "Relation types");
                });
                ui.separator();
                egui::ScrollArea::vertical()
                    .max_height(ui.available_height() - 40.0)
                    .show(ui, |ui| match self.schema_edit.tab {
                        Tab::Labels => self.labels_ui(ui, &mut changes),
                        Tab::Events => self.event_types_ui(ui, &mut changes),
                        Tab::Relations => self.relation_types_ui(ui, &mut changes),
                    });
                ui.separator();
                ui.horizontal(|ui| {
                    if ui
                        .button("Import annotation.conf or schema…")
                        .on_hover_text(
                            "Add what a brat annotation.conf, a project or a schema file defines \
                             and this project lacks",
                        )
                        .clicked()
                    {
                        changes.push(Change::Dialog(Purpose::ImportSchema));
                    }
                    if ui
                        .button("Save schema as…")
                        .on_hover_text("For tagdesk new --schema FILE")
                        .clicked()
                    {
                        changes.push(Change::Dialog(Purpose::SaveSchema));
                    }
                });
            });
        self.schema_window = open;
        for change in changes {
            self.apply_schema_change(change);
        }
    }

    fn labels_ui(&mut self, ui: &mut Ui, changes: &mut Vec<Change>) {
        let labels = self.project.schema().entity_labels.clone();
        let edit = &mut self.schema_edit;
        let counts = edit.counts.as_ref().map(|c| &c.1);
        egui::Grid::new("schema-labels")
            .striped(true)
            .show(ui, |ui| {
                for head in ["colour", "name", "", "key", "in use", ""] {
                    ui.label(RichText::new(head).weak());
                }
                ui.end_row();
                for label in &labels {
                    let mut rgb = label.color.0;
                    if ui.color_edit_button_srgb(&mut rgb).changed() {
                        changes.push(Change::Label(EntityLabel {
                            color: Rgb(rgb),
                            ..label.clone()
                        }));
                    }
                    let name = edit
                        .names
                        .entry(label.name.clone())
                        .or_insert_with(|| label.name.clone());
                    let typed = named(
                        ui.add_sized([120.0, 20.0], egui::TextEdit::singleline(name)),
                        &format!("name of {}", label.name),
                    );
                    // Enter in the field renames, as the button does.
                    let entered =
                        typed.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
                    let renamed = name.trim() != label.name && !name.trim().is_empty();
                    if ui
                        .add_enabled(renamed, egui::Button::new("Rename"))
                        .clicked()
                        || renamed && entered
                    {
                        changes.push(Change::Rename(
                            SchemaItem::EntityLabel,
                            label.name.clone(),
                            name.trim().to_owned(),
                        ));
                    }
                    let mut key: String = label.hotkey.map(String::from).unwrap_or_default();
                    let typed = ui.add_sized(
                        [24.0, 20.0],
                        egui::TextEdit::singleline(&mut key).char_limit(1),
                    );
                    if named(typed, &format!("key of {}", label.name)).changed() {
                        changes.push(Change::Label(EntityLabel {
                            hotkey: key.chars().next().map(|c| c.to_ascii_lowercase()),
                            ..label.clone()
                        }));
                    }
                    let used = counts
                        .and_then(|c| c.get(&label.name))
                        .copied()
                        .unwrap_or(0);
                    ui.label(used.to_string());
                    if ui.small_button("Delete").clicked() {
                        if used == 0 {
                            changes.push(Change::DeleteLabel(label.name.clone(), None));
                        } else {
                            edit.deleting = Some((label.name.clone(), String::new()));
                        }
                    }
                    ui.end_row();
                }
            });
        let mut keep = false;
        if let Some((name, into)) = &mut edit.deleting {
            let used = counts
                .and_then(|c| c.get(name.as_str()))
                .copied()
                .unwrap_or(0);
            ui.group(|ui| {
                ui.label(format!(
                    "{used} annotation(s) have the label {name}. What becomes of them?"
                ));
                ui.horizontal(|ui| {
                    ComboBox::from_label("relabel as")
                        .selected_text(if into.is_empty() {
                            "—"
                        } else {
                            into.as_str()
                        })
                        .show_ui(ui, |ui| {
                            for other in labels.iter().filter(|l| l.name != *name) {
                                ui.selectable_value(into, other.name.clone(), &other.name);
                            }
                        });
                    if ui
                        .add_enabled(!into.is_empty(), egui::Button::new("Merge into it"))
                        .clicked()
                    {
                        changes.push(Change::DeleteLabel(name.clone(), Some(into.clone())));
                    }
                });
                ui.horizontal(|ui| {
                    if ui.button("Delete them with the label").clicked() {
                        changes.push(Change::DeleteLabel(name.clone(), None));
                    }
                    keep = ui.button("Keep the label").clicked();
                });
            });
        }
        if keep {
            edit.deleting = None;
        }
        ui.horizontal(|ui| {
            named(
                ui.add(egui::TextEdit::singleline(&mut edit.new_name).hint_text("new label")),
                "new label",
            );
            let name = edit.new_name.trim().to_owned();
            if ui
                .add_enabled(!name.is_empty(), egui::Button::new("Add label"))
                .clicked()
            {
                changes.push(Change::AddLabel(name));
                edit.new_name.clear();
            }
        });
    }

    fn event_types_ui(&mut self, ui: &mut Ui, changes: &mut Vec<Change>) {
        let types = self.project.schema().event_types.clone();
        let edit = &mut self.schema_edit;
        for event_type in &types {
            egui::CollapsingHeader::new(&event_type.name)
                .id_salt(("schema-event", &event_type.name))
                .show(ui, |ui| {
                    ui.horizontal(|ui| {
                        let name = edit
                            .names
                            .entry(event_type.name.clone())
                            .or_insert_with(|| event_type.name.clone());
                        named(
                            ui.add(egui::TextEdit::singleline(name).desired_width(180.0)),
                            &format!("name of {}", event_type.name),
                        );
                        let renamed = name.trim() != event_type.name && !name.trim().is_empty();
                        if ui
                            .add_enabled(renamed, egui::Button::new("Rename"))
                            .clicked()
                        {
                            changes.push(Change::Rename(
                                SchemaItem::EventType,
                                event_type.name.clone(),
                                name.trim().to_owned(),
                            ));
                        }
                        if ui.small_button("Delete type").clicked() {
                            changes.push(Change::RemoveEventType(event_type.name.clone()));
                        }
                    });
                    for (k, role) in event_type.roles.iter().enumerate() {
                        ui.horizontal(|ui| {
                            ui.label(RichText::new(&role.name).strong());
                            let mut count = role.count;
                            ComboBox::from_id_salt(("role-count", &event_type.name, k))
                                .selected_text(count_name(count))
                                .show_ui(ui, |ui| {
                                    for c in COUNTS {
                                        ui.selectable_value(&mut count, c, count_name(c));
                                    }
                                });
                            let key = format!("{}\u{1}{}", event_type.name, role.name);
                            let list = edit
                                .lists
                                .entry(key)
                                .or_insert_with(|| role.labels.join(", "));
                            // A list applies when the field is left (Enter or a click away).
                            let typed = named(
                                ui.add(
                                    egui::TextEdit::singleline(list)
                                        .hint_text("any label")
                                        .desired_width(160.0),
                                ),
                                &format!("labels of {}", role.name),
                            );
                            let labels = if typed.lost_focus() {
                                parse_list(list)
                            } else {
                                role.labels.clone()
                            };
                            let remove = ui
                                .small_button("×")
                                .on_hover_text("Remove the role")
                                .clicked();
                            if count != role.count || labels != role.labels || remove {
                                let mut changed = event_type.clone();
                                if remove {
                                    changed.roles.remove(k);
                                } else {
                                    changed.roles[k] = Role {
                                        labels,
                                        count,
                                        ..role.clone()
                                    };
                                }
                                changes.push(Change::EventType(changed));
                            }
                        });
                    }
                    ui.horizontal(|ui| {
                        let role = edit.new_role.entry(event_type.name.clone()).or_default();
                        named(
                            ui.add(
                                egui::TextEdit::singleline(role)
                                    .hint_text("new role")
                                    .desired_width(120.0),
                            ),
                            "new role",
                        );
                        let name = role.trim().to_owned();
                        if ui
                            .add_enabled(!name.is_empty(), egui::Button::new("Add role"))
                            .clicked()
                        {
                            let mut changed = event_type.clone();
                            changed.roles.push(Role {
                                name,
                                labels: Vec::new(),
                                count: Cardinality::ZeroOrMore,
                            });
                            changes.push(Change::EventType(changed));
                            role.clear();
                        }
                    });
                });
        }
        ui.horizontal(|ui| {
            named(
                ui.add(egui::TextEdit::singleline(&mut edit.new_name).hint_text("Type:Subtype")),
                "new event type",
            );
            let name = edit.new_name.trim().to_owned();
            if ui
                .add_enabled(!name.is_empty(), egui::Button::new("Add event type"))
                .clicked()
            {
                changes.push(Change::AddEventType(name));
                edit.new_name.clear();
            }
        });
    }

    fn relation_types_ui(&mut self, ui: &mut Ui, changes: &mut Vec<Change>) {
        let types = self.project.schema().relation_types.clone();
        let edit = &mut self.schema_edit;
        egui::Grid::new("schema-relations")
            .striped(true)
            .show(ui, |ui| {
                for head in ["name", "", "from", "to", ""] {
                    ui.label(RichText::new(head).weak());
                }
                ui.end_row();
                for relation_type in &types {
                    let name = edit
                        .names
                        .entry(relation_type.name.clone())
                        .or_insert_with(|| relation_type.name.clone());
                    named(
                        ui.add_sized([150.0, 20.0], egui::TextEdit::singleline(name)),
                        &format!("name of {}", relation_type.name),
                    );
                    let renamed = name.trim() != relation_type.name && !name.trim().is_empty();
                    if ui
                        .add_enabled(renamed, egui::Button::new("Rename"))
                        .clicked()
                    {
                        changes.push(Change::Rename(
                            SchemaItem::RelationType,
                            relation_type.name.clone(),
                            name.trim().to_owned(),
                        ));
                    }
                    let mut ends = [relation_type.from.clone(), relation_type.to.clone()];
                    for (end, labels) in ["from", "to"].iter().zip(&mut ends) {
                        let list = edit
                            .lists
                            .entry(format!("{}\u{1}{end}", relation_type.name))
                            .or_insert_with(|| labels.join(", "));
                        let response = named(
                            ui.add_sized(
                                [110.0, 20.0],
                                egui::TextEdit::singleline(list).hint_text("any label"),
                            ),
                            &format!("{end} labels of {}", relation_type.name),
                        );
                        if response.lost_focus() {
                            *labels = parse_list(list);
                        }
                    }
                    if ends[0] != relation_type.from || ends[1] != relation_type.to {
                        let [from, to] = ends;
                        changes.push(Change::RelationType(RelationType {
                            from,
                            to,
                            ..relation_type.clone()
                        }));
                    }
                    if ui.small_button("Delete").clicked() {
                        changes.push(Change::RemoveRelationType(relation_type.name.clone()));
                    }
                    ui.end_row();
                }
            });
        ui.horizontal(|ui| {
            named(
                ui.add(
                    egui::TextEdit::singleline(&mut edit.new_name).hint_text("new relation type"),
                ),
                "new relation type",
            );
            let name = edit.new_name.trim().to_owned();
            if ui
                .add_enabled(!name.is_empty(), egui::Button::new("Add relation type"))
                .clicked()
            {
                changes.push(Change::AddRelationType(name));
                edit.new_name.clear();
            }
        });
    }

    fn apply_schema_change(&mut self, change: Change) {
        match change {
            Change::Rename(item, from, to) => self.rename_schema_item(item, &from, &to),
            Change::Label(label) => self.replace_label(label),
            Change::EventType(event_type) => {
                self.apply(Edit::ReplaceEventType { event_type });
            }
            Change::RelationType(relation_type) => {
                self.apply(Edit::ReplaceRelationType { relation_type });
            }
            Change::AddLabel(name) => {
                self.apply(Edit::AddEntityLabel {
                    label: EntityLabel::plain(&name),
                });
            }
            Change::AddEventType(name) => {
                self.apply(Edit::AddEventType {
                    event_type: EventType {
                        name,
                        description: String::new(),
                        color: crate::model::DEFAULT_LABEL_COLOR,
                        roles: Vec::new(),
                    },
                });
            }
            Change::AddRelationType(name) => {
                self.apply(Edit::AddRelationType {
                    relation_type: RelationType {
                        name,
                        description: String::new(),
                        from: Vec::new(),
                        to: Vec::new(),
                    },
                });
            }
            Change::DeleteLabel(name, into) => self.delete_label(&name, into.as_deref()),
            Change::RemoveEventType(name) => {
                self.apply(Edit::RemoveEventType { name });
            }
            Change::RemoveRelationType(name) => {
                self.apply(Edit::RemoveRelationType { name });
            }
            Change::Dialog(purpose) => self.show_dialog(purpose),
        }
    }

    /// Renames a label, event type or relation type everywhere, as one edit.
    pub fn rename_schema_item(&mut self, item: SchemaItem, from: &str, to: &str) {
        if self.apply(Edit::RenameSchemaItem {
            item,
            from: from.to_owned(),
            to: to.to_owned(),
        }) {
            self.schema_edit.names.remove(from);
            self.report(format!("Renamed {from} to {to} everywhere (Ctrl+Z undoes)"));
        }
    }

    /// Replaces a label's colour, hotkey or description; a hotkey one of the app's plain
    /// shortcuts uses (Tab, Delete…) is refused, as one another label has.
    pub fn replace_label(&mut self, label: EntityLabel) {
        if let Some(key) = label.hotkey {
            let clash = egui::Key::from_name(&key.to_ascii_uppercase().to_string())
                .map(|k| egui::KeyboardShortcut::new(egui::Modifiers::NONE, k))
                .and_then(|shortcut| {
                    Action::ALL
                        .into_iter()
                        .find(|a| a.shortcuts().contains(&shortcut))
                });
            if let Some(action) = clash {
                self.report_error(format!("{key} is the shortcut of {}", action.name()));
                return;
            }
        }
        self.apply(Edit::ReplaceEntityLabel { label });
    }

    /// Deletes a label: its annotations are relabelled `into`, or deleted with it.
    pub fn delete_label(&mut self, name: &str, into: Option<&str>) {
        let edit = match into {
            Some(into) => Edit::merge_entity_label(&self.project, name, into),
            None => Edit::delete_entity_label(&self.project, name),
        };
        if self.apply(edit) {
            self.schema_edit.deleting = None;
            self.report(match into {
                Some(into) => format!("{name} merged into {into} (Ctrl+Z undoes)"),
                None => format!("{name} deleted with its annotations (Ctrl+Z undoes)"),
            });
        }
    }

    /// Adds what the schema in `path` (a brat `annotation.conf`, a project, a schema file)
    /// defines and the project lacks, as one edit.
    pub fn import_schema(&mut self, path: &Path) {
        let other = match schema_file::read_schema(path, Some(self.project.schema())) {
            Ok(schema) => schema,
            Err(e) => {
                self.modal = Some(super::Modal::Error(format!("{e:#}")));
                return;
            }
        };
        let (edit, differ) = Edit::add_schema(self.project.schema(), &other);
        let added = match &edit {
            Edit::Batch(edits) => edits.len(),
            _ => 1,
        };
        if added == 0 || self.apply(edit) {
            let mut message = format!("{added} definition(s) added from {}", path.display());
            if !differ.is_empty() {
                message.push_str(&format!(
                    "; kept this project's {} (defined differently there)",
                    differ.join(", ")
                ));
            }
            self.report(message);
        }
    }

    /// Writes the project's schema to `path` for `tagdesk new --schema`.
    pub fn save_schema(&mut self, path: &Path) {
        match schema_file::write_schema(self.project.schema(), path) {
            Ok(()) => self.report(format!("Schema saved to {}", path.display())),
            Err(e) => self.modal = Some(super::Modal::Error(format!("{e:#}"))),
        }
    }
}
