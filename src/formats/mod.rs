//! Files in and out: project files, article import.

pub mod atomic;
pub mod exchange;
pub mod export;
pub mod folder;
pub mod import;
pub mod preflight;
pub mod project;
mod ron_skim;
pub mod schema_file;

/// A serde_json error without the " at line L column C" it ends with, for messages that give
/// the position their own way.
fn json_message(error: &serde_json::Error) -> String {
    let text = error.to_string();
    match text.rfind(" at line ") {
        Some(cut) => text[..cut].to_owned(),
        None => text,
    }
}
