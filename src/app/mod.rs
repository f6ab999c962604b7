//! The eframe shell: the app state, menus and shortcuts, dialogs, background pre-annotation,
//! the edit journal, preferences. Every change to the project goes through [`TagdeskApp::apply`]
//! (undo history + journal); widgets only return requests.

mod actions;
pub mod bench;
mod curation_window;
mod dialogs;
mod jobs;
mod journal;
mod learning;
mod loading;
mod logic;
mod model_window;
mod relations;
mod schema_window;
mod view;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::{Deserialize, Serialize};

pub use actions::{Action, Menu};
pub use journal::{Journal, Orphan};

use crate::model::{EventId, History, Project, Schema, Span};
use crate::ui::AnnotationRef;
use crate::ui::panels::{DocumentFilter, EntityFilter, EventsPanelState};
use crate::ui::text_view::TextViewState;

/// Preferences kept in eframe's storage (never project data).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Preferences {
    pub dark: bool,
    pub font_size: f32,
    pub show_suggestions: bool,
    pub show_rejected: bool,
    pub show_relations: bool,
    pub snap_to_tokens: bool,
    pub annotator: String,
    pub recent: Vec<PathBuf>,
}

impl Default for Preferences {
    fn default() -> Self {
        Self {
            dark: false,
            font_size: 17.0,
            show_suggestions: true,
            show_rejected: false,
            show_relations: true,
            snap_to_tokens: true,
            annotator: std::env::var("USER").unwrap_or_default(),
            recent: Vec::new(),
        }
    }
}

const PREFERENCES_KEY: &str = "tagdesk.preferences";
const RECENT_LIMIT: usize = 10;

/// Where the app keeps its journal.
#[derive(Clone, Debug, Default)]
pub struct Config {
    /// Folder for the edit journal; `None` disables it (benchmarks).
    pub recovery_dir: Option<PathBuf>,
}

impl Config {
    /// The platform's data folder for tagdesk (e.g. `~/.local/share/tagdesk/recovery`).
    pub fn standard() -> Self {
        Self {
            recovery_dir: eframe::storage_dir("tagdesk").map(|d| d.join("recovery")),
        }
    }
}

/// A question or notice the app shows over everything else.
#[derive(Debug, Clone)]
pub enum Modal {
    /// Unsaved changes: save, discard or cancel, then do `then`.
    Unsaved {
        then: Pending,
    },
    Recovery(Vec<Orphan>),
    Error(String),
    Shortcuts,
    Preferences,
    Export,
}

/// What to do once unsaved changes are dealt with.
#[derive(Debug, Clone, PartialEq)]
pub enum Pending {
    NewProject,
    Open(Option<PathBuf>),
    Quit,
}

/// The find bar.
#[derive(Debug, Default)]
pub struct Find {
    pub open: bool,
    pub query: String,
    pub in_project: bool,
    /// Matches as (document index, span).
    pub matches: Vec<(usize, Span)>,
    pub current: usize,
    focus: bool,
}

/// Export settings chosen in the export dialog.
#[derive(Debug, Clone)]
pub struct ExportChoice {
    pub format: usize,
    pub include_suggestions: bool,
    pub utf16: bool,
}

pub struct TagdeskApp {
    project: Project,
    path: Option<PathBuf>,
    history: History,
    revision: u64,
    saved_revision: u64,
    current: usize,
    pub view: TextViewState,
    selected: Option<AnnotationRef>,
    pick: Option<(EventId, String)>,
    entity_filter: EntityFilter,
    document_filter: DocumentFilter,
    events_panel: EventsPanelState,
    find: Find,
    pub prefs: Preferences,
    status: Option<(String, bool)>,
    modal: Option<Modal>,
    job: Option<jobs::Job>,
    engine: jobs::SharedEngine,
    learn_job: Option<jobs::LearnJob>,
    /// The rest of a folder project opened with its first documents, being read.
    loading: Option<jobs::LoadJob>,
    /// Documents of the loading project that could not be read.
    load_errors: Vec<String>,
    /// Learn again when the running training ends (`true`: and refresh the suggestions).
    learn_again: Option<bool>,
    /// The training data the current model (or the decision to have none) comes from.
    learned_key: Option<u64>,
    reviews_since_learning: usize,
    estimate_job: Option<(u64, jobs::EstimateJob)>,
    estimate: Option<jobs::Estimate>,
    /// The revision the Model window last checked the estimate at.
    estimate_revision: Option<u64>,
    /// Whether the Model window is open.
    pub model_window: bool,
    /// Whether the Curation window is open, and whose version the view shows (all: `None`).
    pub curation_window: bool,
    curation_only: Option<String>,
    /// The annotators and agreement table, computed once per revision (they scan every
    /// document).
    curation_summary: Option<(u64, Vec<String>, crate::team::curation::LabelTable)>,
    /// Whether the Schema window is open, and what is typed in it.
    pub schema_window: bool,
    schema_edit: schema_window::SchemaEdit,
    /// The selection the events panel's type was last chosen for, and the type of the last
    /// event made by hand: the panel offers the trigger's likely type, or that one.
    typed_for: Option<Span>,
    last_event_type: Option<String>,
    /// The entity a relation being made starts from, and the type of the last one made.
    relation_from: Option<crate::model::EntityId>,
    last_relation_type: Option<String>,
    journal: Option<Journal>,
    config: Config,
    dialogs: dialogs::Dialogs,
    last_label: Option<String>,
    export: ExportChoice,
    allow_close: bool,
    shown_title: String,
    /// Repaints the UI from worker threads; set once a frame has run.
    ctx: Option<egui::Context>,
}

impl TagdeskApp {
    /// A new, empty, unsaved project; offers to recover work a crashed session left behind.
    pub fn new(config: Config, prefs: Preferences) -> Self {
        let project = Project::new("untitled".into(), prefs.annotator.clone(), Schema::news());
        let mut app = Self {
            project,
            path: None,
            history: History::default(),
            revision: 0,
            saved_revision: 0,
            current: 0,
            view: TextViewState::default(),
            selected: None,
            pick: None,
            entity_filter: EntityFilter::default(),
            document_filter: DocumentFilter::default(),
            events_panel: EventsPanelState::default(),
            find: Find::default(),
            prefs,
            status: None,
            modal: None,
            job: None,
            engine: Arc::default(),
            learn_job: None,
            loading: None,
            load_errors: Vec::new(),
            learn_again: None,
            learned_key: None,
            reviews_since_learning: 0,
            estimate_job: None,
            estimate: None,
            estimate_revision: None,
            model_window: false,
            curation_window: false,
            curation_only: None,
            curation_summary: None,
            schema_window: false,
            schema_edit: Default::default(),
            typed_for: None,
            last_event_type: None,
            relation_from: None,
            last_relation_type: None,
            journal: None,
            config,
            dialogs: dialogs::Dialogs::default(),
            last_label: None,
            export: ExportChoice {
                format: 0,
                include_suggestions: false,
                utf16: false,
            },
            allow_close: false,
            shown_title: String::new(),
            ctx: None,
        };
        if let Some(dir) = app.config.recovery_dir.clone() {
            let orphans = Journal::orphans(&dir, None);
            app.restart_journal();
            if !orphans.is_empty() {
                app.modal = Some(Modal::Recovery(orphans));
            }
        }
        app
    }

    /// The app as eframe starts it: preferences from storage, fonts, then `path` opened.
    pub fn from_creation_context(cc: &eframe::CreationContext<'_>, path: Option<PathBuf>) -> Self {
        install_fonts(&cc.egui_ctx);
        let prefs = cc
            .storage
            .and_then(|s| eframe::get_value(s, PREFERENCES_KEY))
            .unwrap_or_default();
        let mut app = Self::new(Config::standard(), prefs);
        app.ctx = Some(cc.egui_ctx.clone());
        if let Some(path) = path {
            app.open_path(&path);
        }
        app
    }

    pub fn project(&self) -> &Project {
        &self.project
    }
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }
    pub fn current(&self) -> usize {
        self.current
    }
    pub fn selected(&self) -> Option<AnnotationRef> {
        self.selected
    }
    pub fn modal(&self) -> Option<&Modal> {
        self.modal.as_ref()
    }
    /// The type the events panel would give an event made now.
    pub fn new_event_type(&self) -> &str {
        &self.events_panel.new_type
    }

    pub fn status(&self) -> Option<&str> {
        self.status.as_ref().map(|(s, _)| s.as_str())
    }
    pub fn is_dirty(&self) -> bool {
        self.revision != self.saved_revision
    }

    /// The window title: project name, file, and a `•` while there are unsaved changes.
    pub fn title(&self) -> String {
        let file = self
            .path
            .as_ref()
            .and_then(|p| p.file_name())
            .map(|n| n.to_string_lossy().into_owned());
        let dirty = if self.is_dirty() { "• " } else { "" };
        match file {
            Some(file) => format!("{dirty}{} ({file}) — tagdesk", self.project.name()),
            None => format!("{dirty}{} — tagdesk", self.project.name()),
        }
    }

    fn restart_journal(&mut self) {
        let Some(dir) = self.config.recovery_dir.clone() else {
            return;
        };
        let result = match &mut self.journal {
            Some(journal) => journal.rebase(&self.project, self.path.as_deref()),
            None => Journal::start(&dir, &self.project, self.path.as_deref())
                .map(|j| self.journal = Some(j)),
        };
        if let Err(e) = result {
            self.report_error(format!(
                "The edit journal could not be written ({e:#}); save often."
            ));
        }
    }

    fn report_error(&mut self, message: String) {
        self.status = Some((message, true));
    }

    fn report(&mut self, message: String) {
        self.status = Some((message, false));
    }

    fn wake(&self) -> impl Fn() + Send + 'static {
        let ctx = self.ctx.clone();
        move || {
            if let Some(ctx) = &ctx {
                ctx.request_repaint();
            }
        }
    }
}

impl eframe::App for TagdeskApp {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        self.ui(ui);
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        eframe::set_value(storage, PREFERENCES_KEY, &self.prefs);
    }

    fn on_exit(&mut self, _gl: Option<&eframe::glow::Context>) {
        // A clean exit with everything saved leaves no journal to recover.
        if !self.is_dirty()
            && let Some(journal) = self.journal.take()
        {
            journal.close();
        }
    }
}

/// Fonts: egui's Latin fonts and monochrome emoji, then the bundled Hangul/CJK subset, so no
/// script in our news text draws as boxes; eframe adds system fonts for anything else.
pub fn install_fonts(ctx: &egui::Context) {
    let mut fonts = egui::FontDefinitions::default();
    let cjk = egui::FontData::from_static(include_bytes!(
        "../../assets/fonts/NotoSansCJKkr-subset.otf"
    ));
    fonts
        .font_data
        .insert("noto-cjk-subset".into(), Arc::new(cjk));
    for family in [egui::FontFamily::Proportional, egui::FontFamily::Monospace] {
        fonts
            .families
            .entry(family)
            .or_default()
            .push("noto-cjk-subset".into());
    }
    ctx.set_fonts(fonts);
}

/// Runs the desktop app, opening `path` (a project, or articles to import) if given.
pub fn run(path: Option<PathBuf>) -> anyhow::Result<()> {
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title("tagdesk")
            .with_app_id("tagdesk")
            .with_inner_size([1280.0, 820.0])
            .with_drag_and_drop(true),
        ..Default::default()
    };
    eframe::run_native(
        "tagdesk",
        options,
        Box::new(move |cc| Ok(Box::new(TagdeskApp::from_creation_context(cc, path)))),
    )
    .map_err(|e| anyhow::anyhow!("the window could not be opened: {e}"))
}
