//! Every command of the app, with its name, menu and shortcuts: one table drives the menus,
//! the keyboard and the shortcuts window.

use egui::{Key, KeyboardShortcut, Modifiers};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Action {
    NewProject,
    OpenProject,
    ImportArticles,
    Save,
    SaveAs,
    Export,
    Quit,
    Undo,
    Redo,
    Find,
    EditSchema,
    Preferences,
    ToggleTheme,
    ZoomIn,
    ZoomOut,
    ToggleSuggestions,
    ToggleRelations,
    ToggleSnap,
    PreAnnotateDocument,
    PreAnnotateAll,
    AttachDictionary,
    RemoveDictionary,
    ToggleLearning,
    ShowModel,
    ShowCuration,
    AcceptAllSuggestions,
    RejectAllSuggestions,
    Accept,
    Reject,
    NextSuggestion,
    PreviousSuggestion,
    LabelAllInDocument,
    LabelAllInProject,
    CreateEvent,
    AddArgument,
    StartRelation,
    CycleRelationType,
    NextDocument,
    PreviousDocument,
    ToggleDone,
    Escape,
    Shortcuts,
}

/// The menus, in menu bar order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Menu {
    File,
    Edit,
    View,
    Annotate,
    Help,
}

impl Menu {
    pub const ALL: [Menu; 5] = [
        Menu::File,
        Menu::Edit,
        Menu::View,
        Menu::Annotate,
        Menu::Help,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Menu::File => "File",
            Menu::Edit => "Edit",
            Menu::View => "View",
            Menu::Annotate => "Annotate",
            Menu::Help => "Help",
        }
    }
}

const fn ctrl(key: Key) -> KeyboardShortcut {
    KeyboardShortcut::new(Modifiers::COMMAND, key)
}

const fn ctrl_shift(key: Key) -> KeyboardShortcut {
    KeyboardShortcut::new(Modifiers::COMMAND.plus(Modifiers::SHIFT), key)
}

const fn plain(key: Key) -> KeyboardShortcut {
    KeyboardShortcut::new(Modifiers::NONE, key)
}

/// A `'static` slice of shortcuts, built at compile time.
macro_rules! keys {
    ($($shortcut:expr),*) => {{
        const KEYS: &[KeyboardShortcut] = &[$($shortcut),*];
        KEYS
    }};
}

impl Action {
    pub const ALL: [Action; 42] = [
        Action::NewProject,
        Action::OpenProject,
        Action::ImportArticles,
        Action::Save,
        Action::SaveAs,
        Action::Export,
        Action::Quit,
        Action::Undo,
        Action::Redo,
        Action::Find,
        Action::EditSchema,
        Action::Preferences,
        Action::ToggleTheme,
        Action::ZoomIn,
        Action::ZoomOut,
        Action::ToggleSuggestions,
        Action::ToggleRelations,
        Action::ToggleSnap,
        Action::PreAnnotateDocument,
        Action::PreAnnotateAll,
        Action::AttachDictionary,
        Action::RemoveDictionary,
        Action::ToggleLearning,
        Action::ShowModel,
        Action::ShowCuration,
        Action::AcceptAllSuggestions,
        Action::RejectAllSuggestions,
        Action::Accept,
        Action::Reject,
        Action::NextSuggestion,
        Action::PreviousSuggestion,
        Action::LabelAllInDocument,
        Action::LabelAllInProject,
        Action::CreateEvent,
        Action::AddArgument,
        Action::StartRelation,
        Action::CycleRelationType,
        Action::NextDocument,
        Action::PreviousDocument,
        Action::ToggleDone,
        Action::Escape,
        Action::Shortcuts,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Action::NewProject => "New project",
            Action::OpenProject => "Open…",
            Action::ImportArticles => "Import articles…",
            Action::Save => "Save",
            Action::SaveAs => "Save as…",
            Action::Export => "Export…",
            Action::Quit => "Quit",
            Action::Undo => "Undo",
            Action::Redo => "Redo",
            Action::Find => "Find",
            Action::EditSchema => "Schema…",
            Action::Preferences => "Preferences",
            Action::ToggleTheme => "Dark / light theme",
            Action::ZoomIn => "Larger text",
            Action::ZoomOut => "Smaller text",
            Action::ToggleSuggestions => "Show suggestions",
            Action::ToggleSnap => "Snap selections to tokens",
            Action::PreAnnotateDocument => "Pre-annotate document",
            Action::PreAnnotateAll => "Pre-annotate all documents",
            Action::AttachDictionary => "Attach dictionary…",
            Action::RemoveDictionary => "Remove dictionary",
            Action::ToggleLearning => "Learn from reviewed documents",
            Action::ShowModel => "Model…",
            Action::ShowCuration => "Curation…",
            Action::AcceptAllSuggestions => "Accept all suggestions",
            Action::RejectAllSuggestions => "Reject all suggestions",
            Action::Accept => "Accept selected",
            Action::Reject => "Reject or delete selected",
            Action::NextSuggestion => "Next suggestion",
            Action::PreviousSuggestion => "Previous suggestion",
            Action::LabelAllInDocument => "Label all occurrences in document",
            Action::LabelAllInProject => "Label all occurrences in project",
            Action::CreateEvent => "Create event from selection",
            Action::AddArgument => "Add entity at selection as argument",
            Action::StartRelation => "Start or end a relation at the selection",
            Action::CycleRelationType => "Next type for the selected relation",
            Action::ToggleRelations => "Show relations",
            Action::NextDocument => "Next document",
            Action::PreviousDocument => "Previous document",
            Action::ToggleDone => "Mark document done",
            Action::Escape => "Clear selection / cancel",
            Action::Shortcuts => "Keyboard shortcuts",
        }
    }

    /// The menu the action appears in; `None` for keyboard-only actions.
    pub fn menu(self) -> Option<Menu> {
        use Action::*;
        Some(match self {
            NewProject | OpenProject | ImportArticles | Save | SaveAs | Export | Quit => Menu::File,
            Undo | Redo | Find | EditSchema | Preferences => Menu::Edit,
            ToggleTheme | ZoomIn | ZoomOut | ToggleSuggestions | ToggleRelations | ToggleSnap => {
                Menu::View
            }
            PreAnnotateDocument | PreAnnotateAll | AttachDictionary | RemoveDictionary
            | ToggleLearning | ShowModel | ShowCuration | AcceptAllSuggestions
            | RejectAllSuggestions | Accept | Reject | NextSuggestion | PreviousSuggestion
            | LabelAllInDocument | LabelAllInProject | CreateEvent | AddArgument
            | StartRelation | CycleRelationType | NextDocument | PreviousDocument | ToggleDone => {
                Menu::Annotate
            }
            Shortcuts => Menu::Help,
            Escape => return None,
        })
    }

    /// Keyboard shortcuts, the first one shown in menus.
    pub fn shortcuts(self) -> &'static [KeyboardShortcut] {
        use Action::*;
        match self {
            NewProject => keys!(ctrl(Key::N)),
            OpenProject => keys!(ctrl(Key::O)),
            ImportArticles => keys!(ctrl(Key::I)),
            Save => keys!(ctrl(Key::S)),
            SaveAs => keys!(ctrl_shift(Key::S)),
            Export => keys!(ctrl(Key::E)),
            Quit => keys!(ctrl(Key::Q)),
            Undo => keys!(ctrl(Key::Z)),
            Redo => keys!(ctrl_shift(Key::Z), ctrl(Key::Y)),
            Find => keys!(ctrl(Key::F)),
            Preferences => keys!(ctrl(Key::Comma)),
            EditSchema => keys!(),
            ToggleTheme => keys!(),
            ZoomIn => keys!(ctrl(Key::Plus), ctrl(Key::Equals)),
            ZoomOut => keys!(ctrl(Key::Minus)),
            ToggleSuggestions => keys!(ctrl(Key::H)),
            ToggleSnap => keys!(),
            PreAnnotateDocument => keys!(ctrl(Key::R)),
            PreAnnotateAll => keys!(ctrl_shift(Key::R)),
            AttachDictionary | RemoveDictionary | ToggleLearning | ShowModel | ShowCuration => {
                keys!()
            }
            AcceptAllSuggestions => keys!(ctrl_shift(Key::Enter)),
            RejectAllSuggestions => keys!(ctrl_shift(Key::Delete)),
            Accept => keys!(plain(Key::Enter)),
            Reject => keys!(plain(Key::Delete), plain(Key::Backspace)),
            NextSuggestion => keys!(plain(Key::Tab)),
            PreviousSuggestion => keys!(KeyboardShortcut::new(Modifiers::SHIFT, Key::Tab)),
            LabelAllInDocument => keys!(ctrl(Key::L)),
            LabelAllInProject => keys!(ctrl_shift(Key::L)),
            CreateEvent => keys!(ctrl(Key::T)),
            AddArgument => keys!(ctrl(Key::K)),
            StartRelation => keys!(ctrl(Key::J)),
            CycleRelationType => keys!(ctrl_shift(Key::J)),
            ToggleRelations => keys!(),
            NextDocument => keys!(ctrl(Key::PageDown)),
            PreviousDocument => keys!(ctrl(Key::PageUp)),
            ToggleDone => keys!(ctrl(Key::D)),
            Escape => keys!(plain(Key::Escape)),
            Shortcuts => keys!(plain(Key::F1)),
        }
    }

    /// True for shortcuts that would clash with typing in a text field.
    pub fn is_plain_key(shortcut: &KeyboardShortcut) -> bool {
        !shortcut.modifiers.command && !shortcut.modifiers.ctrl
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    #[test]
    fn every_action_is_listed_once_and_no_shortcut_is_shared() {
        let mut seen = HashMap::new();
        for action in Action::ALL {
            for shortcut in action.shortcuts() {
                if let Some(other) = seen.insert(*shortcut, action) {
                    panic!("{shortcut:?} is bound to {other:?} and {action:?}");
                }
            }
        }
        let unique: std::collections::HashSet<_> = Action::ALL.iter().collect();
        assert_eq!(unique.len(), Action::ALL.len());
    }

    #[test]
    fn label_hotkeys_of_the_default_schema_do_not_collide_with_plain_shortcuts() {
        let schema = crate::model::Schema::news();
        for label in &schema.entity_labels {
            let key = label
                .hotkey
                .and_then(|c| Key::from_name(&c.to_ascii_uppercase().to_string()));
            let key = key.unwrap_or_else(|| panic!("hotkey of {} is not a key", label.name));
            for action in Action::ALL {
                assert!(
                    !action.shortcuts().contains(&plain(key)),
                    "{} hotkey {key:?} clashes with {action:?}",
                    label.name
                );
            }
        }
    }
}
