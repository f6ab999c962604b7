//! Native file dialogs (rfd), run on a worker thread so the window keeps painting while one
//! is open. Tests never open a dialog: they call the same app methods with a path.

use std::path::PathBuf;
use std::sync::mpsc::{Receiver, Sender, channel};

/// Why a dialog was opened, so its answer goes to the right place.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Purpose {
    Open,
    Import,
    SaveAs,
    Export,
    Dictionary,
    ImportSchema,
    SaveSchema,
}

pub struct Dialogs {
    sender: Sender<(Purpose, Vec<PathBuf>)>,
    answers: Receiver<(Purpose, Vec<PathBuf>)>,
    open: bool,
}

impl Default for Dialogs {
    fn default() -> Self {
        let (sender, answers) = channel();
        Self {
            sender,
            answers,
            open: false,
        }
    }
}

impl Dialogs {
    /// Shows a dialog unless one is already open; `wake` repaints the UI when it closes.
    /// Fails when this desktop has no way to show one (rfd needs an XDG portal on the session
    /// bus, or `zenity`), so the user hears why nothing appeared.
    pub fn show(
        &mut self,
        purpose: Purpose,
        suggested_name: Option<String>,
        wake: impl Fn() + Send + 'static,
    ) -> Result<(), String> {
        if self.open {
            return Ok(());
        }
        let has_portal = std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_some();
        let has_zenity = std::env::var_os("PATH").is_some_and(|paths| {
            std::env::split_paths(&paths).any(|dir| dir.join("zenity").is_file())
        });
        if !has_portal && !has_zenity {
            let instead = match purpose {
                Purpose::Dictionary => {
                    "attach one from the command line: tagdesk dictionary PROJECT FILE"
                }
                _ => "open files from the command line: tagdesk FILE",
            };
            return Err(format!(
                "No file dialog is available on this desktop (no XDG portal, no zenity). \
                 Install zenity, or {instead}"
            ));
        }
        self.open = true;
        let sender = self.sender.clone();
        std::thread::spawn(move || {
            let dialog = rfd::FileDialog::new();
            let paths = match purpose {
                Purpose::Open => dialog
                    .set_title("Open project (for a folder project, its manifest.ron)")
                    .add_filter("tagdesk project", &["ron", "json"])
                    .pick_file()
                    .into_iter()
                    .collect(),
                Purpose::Import => dialog
                    .set_title("Import articles")
                    .add_filter(
                        "Articles",
                        &["txt", "md", "markdown", "html", "htm", "jsonl"],
                    )
                    .pick_files()
                    .unwrap_or_default(),
                Purpose::SaveAs => dialog
                    .set_title("Save project as")
                    .add_filter("tagdesk project (RON)", &["ron"])
                    .add_filter("tagdesk project (JSON)", &["json"])
                    .add_filter("tagdesk folder project, a file per document", &["tagdesk"])
                    .set_file_name(suggested_name.unwrap_or_else(|| "project.tagdesk.ron".into()))
                    .save_file()
                    .into_iter()
                    .collect(),
                Purpose::Dictionary => dialog
                    .set_title("Attach dictionary")
                    .add_filter("Dictionary (JSONL patterns)", &["jsonl"])
                    .pick_file()
                    .into_iter()
                    .collect(),
                Purpose::ImportSchema => dialog
                    .set_title("Import a schema")
                    .add_filter(
                        "brat annotation.conf, tagdesk project or schema",
                        &["conf", "ron", "json"],
                    )
                    .pick_file()
                    .into_iter()
                    .collect(),
                Purpose::SaveSchema => dialog
                    .set_title("Save schema as")
                    .add_filter("Schema (RON)", &["ron"])
                    .add_filter("Schema (JSON)", &["json"])
                    .set_file_name(suggested_name.unwrap_or_else(|| "schema.ron".into()))
                    .save_file()
                    .into_iter()
                    .collect(),
                Purpose::Export => dialog
                    .set_title("Export into folder")
                    .pick_folder()
                    .into_iter()
                    .collect(),
            };
            let _ = sender.send((purpose, paths));
            wake();
        });
        Ok(())
    }

    /// The answer of the dialog that just closed (empty paths: cancelled).
    pub fn poll(&mut self) -> Option<(Purpose, Vec<PathBuf>)> {
        let answer = self.answers.try_recv().ok()?;
        self.open = false;
        Some(answer)
    }
}
