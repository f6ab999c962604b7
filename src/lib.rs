//! tagdesk: an offline desktop tool to annotate news text with entities and events.

/// Pre-annotation: tokens, sentences, gazetteers, rules and event triggers; returns proposals.
pub mod annotate;
/// The desktop app: window, menus, shortcuts, dialogs, background jobs, journal.
#[cfg(feature = "gui")]
pub mod app;
pub mod cli;
pub mod formats;
pub mod model;
/// Work spread over threads, results in input order.
pub mod parallel;
/// Team work over project files: split, agreement, merge for curation.
pub mod team;
/// egui widgets: the annotated text view and the panels; they return requests, never mutate.
#[cfg(feature = "gui")]
pub mod ui;
