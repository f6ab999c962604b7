//! Project files: `NAME.tagdesk.ron` (the default) or `NAME.tagdesk.json`, chosen by extension;
//! a `NAME.tagdesk` folder is read and written by [`super::folder`].
//!
//! Both hold the same tree, with a `version` field first. Loading reads the version, refuses a
//! newer one, migrates an older one (none exists yet: version 1 is the first; when version 2
//! comes, the v1 wire struct stays here with a conversion, and its golden fixture stays in
//! `tests/fixtures/`), then validates every span, id and text hash before the project is used.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::atomic::{backup_path, write_atomically};
use crate::model::{DictionaryPattern, Document, Problem, Project, Schema, Severity};

/// The version this build writes, and the newest it reads.
pub const FORMAT_VERSION: u32 = 1;

/// The two encodings of a project file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProjectFormat {
    Ron,
    Json,
}

impl ProjectFormat {
    /// The format named by the file name: `.ron` or `.json` (normally `.tagdesk.ron`).
    pub fn from_path(path: &Path) -> Result<Self, ProjectFileError> {
        match path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
            .as_deref()
        {
            Some("ron") => Ok(Self::Ron),
            Some("json") => Ok(Self::Json),
            _ => Err(ProjectFileError::UnknownExtension {
                path: path.to_path_buf(),
            }),
        }
    }

    fn name(self) -> &'static str {
        match self {
            Self::Ron => "RON",
            Self::Json => "JSON",
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ProjectFileError {
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{}: a project file name must end in .tagdesk.ron or .tagdesk.json (or be a NAME.tagdesk folder)", path.display())]
    UnknownExtension { path: PathBuf },
    #[error("{}: not UTF-8 text (invalid byte at offset {byte_offset}); is this a project file?", path.display())]
    NotUtf8 { path: PathBuf, byte_offset: usize },
    #[error("{}: the file is empty", path.display())]
    Empty { path: PathBuf },
    #[error("{}: {format} error at line {line}, column {column}: {message}{}", path.display(), backup_hint(path))]
    Syntax {
        path: PathBuf,
        format: &'static str,
        line: usize,
        column: usize,
        message: String,
    },
    #[error("{}: the project was read with only some of its documents, so it can be saved only into its own folder", path.display())]
    Partial { path: PathBuf },
    #[error("{}: project format version {found} is newer than this tagdesk reads (up to {FORMAT_VERSION}); update tagdesk to open it", path.display())]
    NewerVersion { path: PathBuf, found: u32 },
    #[error("{}: project format version {found} is not a version tagdesk ever wrote", path.display())]
    UnknownVersion { path: PathBuf, found: u32 },
    #[error("{}: {} problem(s):\n  {}", path.display(), problems.len(), problems.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n  "))]
    Invalid {
        path: PathBuf,
        problems: Vec<Problem>,
    },
    #[error("{}: documents {first:?} and {second:?} differ only in case, so their files would be one on macOS and Windows; rename one, or save as a single project file", path.display())]
    SharedFile {
        path: PathBuf,
        first: String,
        second: String,
    },
    #[error("{}: could not encode the project as {format}: {message}", path.display())]
    Encode {
        path: PathBuf,
        format: &'static str,
        message: String,
    },
}

fn backup_hint(path: &Path) -> String {
    let backup = backup_path(path);
    if backup.exists() {
        format!(" (the previous save is kept in {})", backup.display())
    } else {
        String::new()
    }
}

/// The file as written: mirrors [`Project`] with the format version first.
#[derive(Serialize)]
struct ProjectFileOut<'a> {
    version: u32,
    name: &'a str,
    annotator: &'a str,
    created: &'a str,
    modified: &'a str,
    schema: &'a Schema,
    /// Left out when empty, so files without a dictionary stay as version 1 wrote them.
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    dictionary: &'a [DictionaryPattern],
    /// Written only when switched off, for the same reason.
    #[serde(skip_serializing_if = "is_true")]
    learning: bool,
    documents: &'a [Document],
}

fn is_true(b: &bool) -> bool {
    *b
}

fn yes() -> bool {
    true
}

/// Version 1 of the file, as read.
#[derive(Deserialize)]
struct ProjectFileV1 {
    version: u32,
    name: String,
    #[serde(default)]
    annotator: String,
    created: String,
    modified: String,
    schema: Schema,
    /// Added within version 1: older files have none.
    #[serde(default)]
    dictionary: Vec<DictionaryPattern>,
    /// Added within version 1: older files learn.
    #[serde(default = "yes")]
    learning: bool,
    #[serde(default)]
    documents: Vec<Document>,
}

/// Reads only the version, to explain why a file of another version does not parse.
#[derive(Deserialize)]
struct VersionProbe {
    version: u32,
}

/// Encodes a project in `format`.
pub fn encode(project: &Project, format: ProjectFormat) -> Result<Vec<u8>, String> {
    let file = ProjectFileOut {
        version: FORMAT_VERSION,
        name: project.name(),
        annotator: project.annotator(),
        created: project.created(),
        modified: project.modified(),
        schema: project.schema(),
        dictionary: project.dictionary(),
        learning: project.learning(),
        documents: project.documents(),
    };
    match format {
        ProjectFormat::Ron => {
            let pretty = ron::ser::PrettyConfig::new()
                .struct_names(false)
                .indentor("  ")
                // One line per label, entity and event: readable, and diffs stay small.
                .depth_limit(4);
            ron::ser::to_string_pretty(&file, pretty)
                .map(String::into_bytes)
                .map_err(|e| e.to_string())
        }
        ProjectFormat::Json => serde_json::to_vec_pretty(&file).map_err(|e| e.to_string()),
    }
}

/// Saves atomically (see [`write_atomically`]), stamping the project as modified now. The
/// format follows the extension; a `NAME.tagdesk` folder is saved by [`super::folder::save`].
/// On error the file on disk is untouched.
pub fn save(project: &mut Project, path: &Path) -> Result<(), ProjectFileError> {
    if super::folder::is_folder(path) {
        return super::folder::save(project, path);
    }
    if project.changes().partial {
        return Err(ProjectFileError::Partial {
            path: path.to_path_buf(),
        });
    }
    let format = ProjectFormat::from_path(path)?;
    let previous_stamp = project.modified().to_owned();
    project.touch();
    let result = encode(project, format)
        .map_err(|message| ProjectFileError::Encode {
            path: path.to_path_buf(),
            format: format.name(),
            message,
        })
        .and_then(|bytes| {
            write_atomically(path, &bytes).map_err(|source| ProjectFileError::Io {
                path: path.to_path_buf(),
                source,
            })
        });
    if result.is_err() {
        project.set_modified(previous_stamp);
    }
    result
}

/// Loads and validates a project; errors name the file and, for problems, every document and
/// offset at fault. Warnings do not stop loading: see [`Project::problems`].
pub fn load(path: &Path) -> Result<Project, ProjectFileError> {
    if super::folder::is_folder(path) {
        return super::folder::load(path);
    }
    let format = ProjectFormat::from_path(path)?;
    let bytes = std::fs::read(path).map_err(|source| ProjectFileError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    decode(&bytes, format, path)
}

/// Decodes and validates project file content; `path` is only used in messages.
pub fn decode(
    bytes: &[u8],
    format: ProjectFormat,
    path: &Path,
) -> Result<Project, ProjectFileError> {
    let path_buf = || path.to_path_buf();
    let text = std::str::from_utf8(bytes).map_err(|e| ProjectFileError::NotUtf8 {
        path: path_buf(),
        byte_offset: e.valid_up_to(),
    })?;
    if text.trim().is_empty() {
        return Err(ProjectFileError::Empty { path: path_buf() });
    }
    let parsed: Result<ProjectFileV1, ProjectFileError> = match format {
        ProjectFormat::Ron => ron::from_str(text).map_err(|e| ProjectFileError::Syntax {
            path: path_buf(),
            format: "RON",
            line: e.span.start.line,
            column: e.span.start.col,
            message: e.code.to_string(),
        }),
        ProjectFormat::Json => serde_json::from_str(text).map_err(|e| ProjectFileError::Syntax {
            path: path_buf(),
            format: "JSON",
            line: e.line(),
            column: e.column(),
            message: super::json_message(&e),
        }),
    };
    let file = match parsed {
        Ok(file) => file,
        Err(syntax) => {
            // A file of another version may not parse as v1: name its version instead.
            let probed = match format {
                ProjectFormat::Ron => ron::from_str::<VersionProbe>(text).ok(),
                ProjectFormat::Json => serde_json::from_str::<VersionProbe>(text).ok(),
            };
            return Err(match probed {
                Some(VersionProbe { version }) => {
                    check_version(version, path).err().unwrap_or(syntax)
                }
                None => syntax,
            });
        }
    };
    check_version(file.version, path)?;
    let project = Project::from_parts(
        file.name,
        file.annotator,
        file.created,
        file.modified,
        file.schema,
        file.documents,
    )
    .with_dictionary(file.dictionary)
    .with_learning(file.learning);
    validated(project, path)
}

/// The project if it has no errors (see [`Project::problems`]), else every error.
pub(super) fn validated(project: Project, path: &Path) -> Result<Project, ProjectFileError> {
    let errors: Vec<Problem> = project
        .problems()
        .into_iter()
        .filter(|p| p.severity == Severity::Error)
        .collect();
    if !errors.is_empty() {
        return Err(ProjectFileError::Invalid {
            path: path.to_path_buf(),
            problems: errors,
        });
    }
    Ok(project)
}

pub(super) fn check_version(found: u32, path: &Path) -> Result<(), ProjectFileError> {
    match found {
        FORMAT_VERSION => Ok(()),
        v if v > FORMAT_VERSION => Err(ProjectFileError::NewerVersion {
            path: path.to_path_buf(),
            found,
        }),
        _ => Err(ProjectFileError::UnknownVersion {
            path: path.to_path_buf(),
            found,
        }),
    }
}
