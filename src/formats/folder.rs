//! The folder project format, `NAME.tagdesk/`, for projects that grow:
//!
//! ```text
//! NAME.tagdesk/
//!   manifest.ron       version, name, annotator, created, schema, dictionary, settings,
//!                      the documents' format and their ids in order
//!   docs/ID.ron        one document each (`.json` when the manifest says Json)
//!   .gitignore         keeps the folders a save uses for a moment, and the cache, out of git
//!   .cache/            derived data: document summaries for `stats` (see [`summary`])
//! ```
//!
//! A save writes only the documents that changed (see [`crate::model::Changes`]) and the
//! manifest if it changed, so a one-label edit rewrites one small file. The manifest holds no
//! time stamp and lists ids one per line, so two annotators editing different documents
//! change different files and git merges them without conflict.
//!
//! A save is atomic as a whole: the new files go to `.staging-PID/`, which a rename turns into
//! `.commit/` (the moment the save happens), and are then moved into place. Whoever finds a
//! `.commit/` (the next load or save) finishes moving it; a `.staging-*` folder is a save
//! that never happened and is removed. A kill at any instant leaves the old project or the
//! new one.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::atomic::{SYNC_AT_ONCE, sync_files, write_file};
use super::project::{FORMAT_VERSION, ProjectFileError, ProjectFormat, validated};
use super::ron_skim;
use crate::model::{DictionaryPattern, Document, Project, Schema, Status, now_rfc3339, text_hash};

pub const MANIFEST: &str = "manifest.ron";
const DOCS: &str = "docs";
const COMMIT: &str = ".commit";
const STAGING: &str = ".staging-";
/// In a commit: the document files the save removes, one name a line.
const REMOVED: &str = "removed.txt";

/// Whether `path` names a folder project: an existing folder, or a name ending in `.tagdesk`.
pub fn is_folder(path: &Path) -> bool {
    path.is_dir() || path.extension().is_some_and(|e| e == "tagdesk")
}

/// Whether `path` is a folder project rather than a folder of articles: named `.tagdesk`,
/// or holding a manifest.
pub fn is_project_folder(path: &Path) -> bool {
    path.extension().is_some_and(|e| e == "tagdesk") || path.join(MANIFEST).is_file()
}

#[derive(Serialize, Deserialize)]
struct Manifest {
    version: u32,
    name: String,
    #[serde(default)]
    annotator: String,
    created: String,
    /// How document files are written: `Ron` (`.ron`) or `Json` (`.json`).
    #[serde(default = "ron_format")]
    documents_format: DocFormat,
    schema: Schema,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    dictionary: Vec<DictionaryPattern>,
    #[serde(default = "yes", skip_serializing_if = "is_true")]
    learning: bool,
    /// Document ids in project order; each is in `docs/` under [`file_name`].
    documents: Vec<String>,
}

/// How a folder project writes its document files.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum DocFormat {
    /// `docs/ID.ron`, the default.
    Ron,
    /// `docs/ID.json`: about four times faster to read and three times to write.
    Json,
}

fn ron_format() -> DocFormat {
    DocFormat::Ron
}
fn yes() -> bool {
    true
}
fn is_true(b: &bool) -> bool {
    *b
}

impl DocFormat {
    fn extension(self) -> &'static str {
        match self {
            DocFormat::Ron => "ron",
            DocFormat::Json => "json",
        }
    }

    fn of_extension(extension: &str) -> Self {
        if extension == "json" {
            DocFormat::Json
        } else {
            DocFormat::Ron
        }
    }
}

/// The file a document lives in: its id with every byte outside `[A-Za-z0-9_-]` (and a
/// leading `.`) written `%XX`, so any id is a safe, stable, portable file name; a long id is
/// cut and completed by a hash of the whole, keeping names under 200 bytes. A name Windows
/// keeps for a device (`con`, `nul.txt`, `com1`) has its first byte written `%XX` too.
pub fn file_name(id: &str, extension: &str) -> String {
    let mut name = escaped(id);
    if is_device_name(id) {
        name = format!("%{:02X}{}", name.as_bytes()[0], &name[1..]);
    }
    fitted(name, id, extension)
}

/// `name` (of document `id`) cut to fit if it is long, with `extension`.
fn fitted(mut name: String, id: &str, extension: &str) -> String {
    if name.len() > 160 {
        let mut cut = 120;
        while !name.is_char_boundary(cut) {
            cut -= 1;
        }
        let hash = &text_hash(id)["sha256:".len()..][..16];
        name = format!("{}~{hash}", &name[..cut]);
    }
    format!("{name}.{extension}")
}

fn escaped(id: &str) -> String {
    let mut name = String::with_capacity(id.len() + 5);
    for (i, b) in id.bytes().enumerate() {
        let plain = b.is_ascii_alphanumeric() || b == b'_' || b == b'-' || (b == b'.' && i > 0);
        if plain {
            name.push(b as char);
        } else {
            name.push_str(&format!("%{b:02X}"));
        }
    }
    name
}

/// Whether the file of document `id`, escaped as [`escaped`] has it, would have a name that
/// Windows keeps for a device whatever its extension (`con.ron` is the console there), which
/// git for Windows refuses to check out. Those names are plain letters and digits, so the
/// escaped name has one exactly when the id does, before its first `.`.
fn is_device_name(id: &str) -> bool {
    let stem = id.split('.').next().unwrap_or(id);
    let numbered = |prefix: &str| {
        stem.len() == 4
            && stem[..3].eq_ignore_ascii_case(prefix)
            && stem.as_bytes()[3].is_ascii_digit()
    };
    ["con", "prn", "aux", "nul"]
        .iter()
        .any(|d| stem.eq_ignore_ascii_case(d))
        || numbered("com")
        || numbered("lpt")
}

/// Projects saved before device names were escaped keep such documents as `con.ron`: their
/// files move to the names [`file_name`] gives now, so that every reader finds them there.
fn move_device_named_files(folder: &Path, manifest: &Manifest) -> Result<(), ProjectFileError> {
    let extension = manifest.documents_format.extension();
    let docs = folder.join(DOCS);
    for id in manifest.documents.iter().filter(|id| is_device_name(id)) {
        let old = docs.join(fitted(escaped(id), id, extension));
        let new = docs.join(file_name(id, extension));
        if old.is_file() && !new.exists() {
            fs::rename(&old, &new).map_err(io_error(&old))?;
        }
    }
    Ok(())
}

/// Refuses documents whose files would be one where case does not count (macOS, Windows):
/// there one would silently replace the other, on this machine or in a teammate's checkout.
/// File names are ASCII, so ASCII case is all that can make two equal.
fn check_file_names(project: &Project, folder: &Path) -> Result<(), ProjectFileError> {
    let mut seen: HashMap<String, &str> = HashMap::with_capacity(project.documents().len());
    for doc in project.documents() {
        let folded = file_name(doc.id(), "").to_ascii_lowercase();
        if let Some(first) = seen.insert(folded, doc.id()) {
            return Err(ProjectFileError::SharedFile {
                path: folder.to_path_buf(),
                first: first.to_owned(),
                second: doc.id().to_owned(),
            });
        }
    }
    Ok(())
}

fn io_error(path: &Path) -> impl Fn(io::Error) -> ProjectFileError + '_ {
    move |source| ProjectFileError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// Loads a folder project, finishing an interrupted save first; documents are read on every
/// core. Errors name the file at fault.
pub fn load(folder: &Path) -> Result<Project, ProjectFileError> {
    let manifest = open_manifest(folder)?;
    let ids: Vec<&String> = manifest.documents.iter().collect();
    let documents = read_documents(folder, manifest.documents_format, &ids)?;
    project_of(folder, manifest, documents)
}

/// Opens a folder project with only its first `first` documents, for a window that shows
/// one at once: the project is partial (see [`load_some`]) until [`Rest`]'s documents are all
/// appended ([`Project::append_loaded`]).
pub fn open(folder: &Path, first: usize) -> Result<(Project, Rest), ProjectFileError> {
    let mut manifest = open_manifest(folder)?;
    let later = manifest
        .documents
        .split_off(first.min(manifest.documents.len()));
    let format = manifest.documents_format;
    let ids: Vec<&String> = manifest.documents.iter().collect();
    let documents = read_documents(folder, format, &ids)?;
    let mut project = project_of(folder, manifest, documents)?;
    project.set_partial(true);
    let rest = Rest {
        folder: folder.to_path_buf(),
        format,
        schema: project.schema().clone(),
        ids: later,
    };
    Ok((project, rest))
}

/// The documents of a folder project [`open`] left to read, in project order.
pub struct Rest {
    folder: PathBuf,
    format: DocFormat,
    schema: Schema,
    pub ids: Vec<String>,
}

impl Rest {
    /// Reads documents `ids` (of [`Rest::ids`]) on every core, each checked as loading the
    /// whole project checks it; a file at fault gives its error and stops nothing else.
    pub fn read(&self, ids: &[String]) -> Vec<Result<Document, ProjectFileError>> {
        let threads = crate::parallel::threads(None);
        crate::parallel::map_ordered(ids, threads, |id| {
            let path = self
                .folder
                .join(DOCS)
                .join(file_name(id, self.format.extension()));
            let doc = read_document(&path, id, self.format)?;
            let errors: Vec<_> = doc
                .problems(&self.schema)
                .into_iter()
                .filter(|p| p.severity == crate::model::Severity::Error)
                .collect();
            if errors.is_empty() {
                Ok(doc)
            } else {
                Err(ProjectFileError::Invalid {
                    path,
                    problems: errors,
                })
            }
        })
    }
}

/// The manifest, once an interrupted save is finished and the version checked.
fn open_manifest(folder: &Path) -> Result<Manifest, ProjectFileError> {
    finish_commit(folder).map_err(io_error(&folder.join(COMMIT)))?;
    let path = folder.join(MANIFEST);
    let bytes = fs::read(&path).map_err(io_error(&path))?;
    let manifest: Manifest = parse(&bytes, ProjectFormat::Ron, &path)?;
    super::project::check_version(manifest.version, &path)?;
    move_device_named_files(folder, &manifest)?;
    Ok(manifest)
}

/// The documents `ids`, read on every core, in order.
fn read_documents(
    folder: &Path,
    format: DocFormat,
    ids: &[&String],
) -> Result<Vec<Document>, ProjectFileError> {
    let threads = crate::parallel::threads(None);
    let docs = crate::parallel::map_ordered(ids, threads, |id| {
        read_document(
            &folder.join(DOCS).join(file_name(id, format.extension())),
            id,
            format,
        )
    });
    docs.into_iter().collect()
}

/// The validated project of `manifest` and `documents`, stamped with the folder's
/// [`modified`], and matching the folder.
fn project_of(
    folder: &Path,
    manifest: Manifest,
    documents: Vec<Document>,
) -> Result<Project, ProjectFileError> {
    let modified = modified(folder).unwrap_or_else(|| manifest.created.clone());
    let extension = manifest.documents_format.extension();
    let mut project = Project::from_parts(
        manifest.name,
        manifest.annotator,
        manifest.created,
        modified,
        manifest.schema,
        documents,
    )
    .with_dictionary(manifest.dictionary)
    .with_learning(manifest.learning);
    project.set_saved_in(folder.to_path_buf(), extension);
    validated(project, &folder.join(MANIFEST))
}

/// The document in `path`, which must be document `id`.
fn read_document(path: &Path, id: &str, format: DocFormat) -> Result<Document, ProjectFileError> {
    let bytes = fs::read(path).map_err(io_error(path))?;
    parse_document(&bytes, path, id, format)
}

/// The document in `bytes`, read from `path`, which must be document `id`.
fn parse_document(
    bytes: &[u8],
    path: &Path,
    id: &str,
    format: DocFormat,
) -> Result<Document, ProjectFileError> {
    let doc: Document = parse(bytes, format.into(), path)?;
    check_id(doc.id(), id, path)?;
    Ok(doc)
}

impl From<DocFormat> for ProjectFormat {
    fn from(format: DocFormat) -> Self {
        match format {
            DocFormat::Ron => ProjectFormat::Ron,
            DocFormat::Json => ProjectFormat::Json,
        }
    }
}

/// A document file holds the document its name says.
fn check_id(found: &str, id: &str, path: &Path) -> Result<(), ProjectFileError> {
    if found == id {
        return Ok(());
    }
    Err(ProjectFileError::Syntax {
        path: path.to_path_buf(),
        format: "document",
        line: 1,
        column: 1,
        message: format!("holds document {found:?}, not {id:?}"),
    })
}

fn parse<'a, T: Deserialize<'a>>(
    bytes: &'a [u8],
    format: ProjectFormat,
    path: &Path,
) -> Result<T, ProjectFileError> {
    let text = std::str::from_utf8(bytes).map_err(|e| ProjectFileError::NotUtf8 {
        path: path.to_path_buf(),
        byte_offset: e.valid_up_to(),
    })?;
    match format {
        ProjectFormat::Ron => ron::from_str(text).map_err(|e| ProjectFileError::Syntax {
            path: path.to_path_buf(),
            format: "RON",
            line: e.span.start.line,
            column: e.span.start.col,
            message: e.code.to_string(),
        }),
        ProjectFormat::Json => serde_json::from_str(text).map_err(|e| ProjectFileError::Syntax {
            path: path.to_path_buf(),
            format: "JSON",
            line: e.line(),
            column: e.column(),
            message: super::json_message(&e),
        }),
    }
}

/// Saves into `folder`: every document if the folder is new or not the one the project came
/// from, else only those changed since; the manifest if its content changed. Atomic as a
/// whole (see the module's comment).
pub fn save(project: &mut Project, folder: &Path) -> Result<(), ProjectFileError> {
    save_new(project, folder, DocFormat::Ron)
}

/// [`save`], writing the documents in `format` if the folder holds no project yet (else in
/// the format its manifest says).
pub fn save_new(
    project: &mut Project,
    folder: &Path,
    format: DocFormat,
) -> Result<(), ProjectFileError> {
    let (format, summaries) = commit(project, folder, format)?;
    finish_commit(folder).map_err(io_error(folder))?;
    if !summaries.is_empty() {
        store_summaries(folder, project, format, summaries);
    }
    // Stamped as loading will stamp it, so the edit journal recognises the saved project.
    project.set_modified(modified(folder).unwrap_or_else(now_rfc3339));
    project.set_saved_in(folder.to_path_buf(), format.extension());
    Ok(())
}

/// When the folder's project last changed: its manifest or a document file (RFC 3339).
fn modified(folder: &Path) -> Option<String> {
    let time = |path: PathBuf| fs::metadata(path).and_then(|m| m.modified()).ok();
    let latest = time(folder.join(DOCS)).max(time(folder.join(MANIFEST)))?;
    Some(humantime::format_rfc3339_seconds(latest).to_string())
}

/// The save up to its commit: the new files staged, then `.commit/` in place; the format
/// the folder's documents are in, and, if the save wrote a quarter of the project or more,
/// the cache entries of the files it wrote (see [`store_summaries`]).
fn commit(
    project: &Project,
    folder: &Path,
    if_new: DocFormat,
) -> Result<(DocFormat, Vec<(String, Cached)>), ProjectFileError> {
    let err = io_error(folder);
    fs::create_dir_all(folder.join(DOCS)).map_err(&err)?;
    let ignore = folder.join(".gitignore");
    if !ignore.exists() {
        // What a save leaves for a moment stays out of the team's git history.
        fs::write(&ignore, format!("{STAGING}*/\n{COMMIT}/\n.cache/\n")).map_err(&err)?;
    }
    finish_commit(folder).map_err(&err)?;
    remove_stale_staging(folder);
    let changes = project.changes();
    let same_folder = changes
        .folder
        .as_ref()
        .is_some_and(|f| same_path(f, folder))
        && folder.join(MANIFEST).is_file();
    // Some documents of the folder (see [`load_some`]): only they are written.
    if changes.partial && !same_folder {
        return Err(ProjectFileError::Partial {
            path: folder.to_path_buf(),
        });
    }
    // What to write: the documents edited since (they are all there is to do when nothing
    // the manifest holds changed, so a save after one edit costs that edit, not the project)…
    let (format, wanted, manifest_bytes, removed) = if same_folder && !changes.manifest {
        let format = DocFormat::of_extension(changes.extension);
        let wanted: Vec<&Document> = changes
            .docs
            .iter()
            .filter_map(|id| project.document(id))
            .collect();
        (format, wanted, None, Vec::new())
    } else {
        // …or the manifest, if its content changed, and every document if the folder is
        // new to the project, and which files to remove.
        let previous = read_manifest(folder);
        let format = previous.as_ref().map_or(if_new, |m| m.documents_format);
        let manifest = Manifest {
            version: FORMAT_VERSION,
            name: project.name().to_owned(),
            annotator: project.annotator().to_owned(),
            created: project.created().to_owned(),
            documents_format: format,
            schema: project.schema().clone(),
            dictionary: project.dictionary().to_vec(),
            learning: project.learning(),
            documents: project
                .documents()
                .iter()
                .map(|d| d.id().to_owned())
                .collect(),
        };
        check_file_names(project, folder)?;
        let manifest_bytes = encode(&manifest, DocFormat::Ron, 3)?;
        let old_manifest = fs::read(folder.join(MANIFEST)).ok();
        let manifest_bytes = (!changes.partial
            && old_manifest.as_deref() != Some(&manifest_bytes[..]))
        .then_some(manifest_bytes);
        let wanted: Vec<&Document> = if same_folder {
            project
                .documents()
                .iter()
                .filter(|d| changes.docs.contains(d.id()))
                .collect()
        } else {
            project.documents().iter().collect()
        };
        let now: HashSet<&str> = project.documents().iter().map(|d| d.id()).collect();
        let removed: Vec<String> = previous
            .iter()
            .filter(|_| !changes.partial)
            .flat_map(|m| m.documents.iter())
            .filter(|id| !now.contains(id.as_str()))
            .map(|id| file_name(id, format.extension()))
            .collect();
        (format, wanted, manifest_bytes, removed)
    };
    let staging = folder.join(format!("{STAGING}{}", std::process::id()));
    let staged = (|| -> Result<Vec<(String, Cached)>, ProjectFileError> {
        let serr = io_error(&staging);
        let _ = fs::remove_dir_all(&staging);
        fs::create_dir_all(staging.join(DOCS)).map_err(&serr)?;
        // Every staged file is durable before the commit: each synced on its own, or, for
        // a large save, all at once (see [`sync_files`]). Writes and syncs wait on the
        // disk, not the CPU, so more threads than cores let the file system batch them.
        let at_once = wanted.len() >= SYNC_AT_ONCE;
        // Costs what the save does: a save of a few documents leaves the cache to `stats`.
        let summarise = wanted.len() * 4 >= project.documents().len();
        let threads = crate::parallel::threads(None).max(8);
        let written = crate::parallel::map_ordered(&wanted, threads, |doc| {
            let bytes = encode_document(doc, format)?;
            let name = file_name(doc.id(), format.extension());
            let path = staging.join(DOCS).join(&name);
            write_file(&path, &bytes, !at_once).map_err(io_error(&path))?;
            // A rename keeps the file's size and time, so they are known here already.
            let summary = match summarise {
                true => {
                    let meta = fs::metadata(&path).map_err(io_error(&path))?;
                    Some((name, Cached::of(&meta, DocSummary::of(doc))))
                }
                false => None,
            };
            Ok((path, summary))
        });
        let (mut staged, summaries): (Vec<PathBuf>, Vec<_>) = written
            .into_iter()
            .collect::<Result<Vec<_>, ProjectFileError>>()?
            .into_iter()
            .unzip();
        let summaries: Vec<(String, Cached)> = summaries.into_iter().flatten().collect();
        if let Some(bytes) = &manifest_bytes {
            write_file(&staging.join(MANIFEST), bytes, !at_once).map_err(&serr)?;
        }
        if !removed.is_empty() {
            write_file(
                &staging.join(REMOVED),
                removed.join("\n").as_bytes(),
                !at_once,
            )
            .map_err(&serr)?;
        }
        if at_once {
            if manifest_bytes.is_some() {
                staged.push(staging.join(MANIFEST));
            }
            if !removed.is_empty() {
                staged.push(staging.join(REMOVED));
            }
            sync_files(&staged).map_err(&serr)?;
        }
        sync_dir(&staging.join(DOCS));
        sync_dir(&staging);
        // The save happens here: before this rename, the old project; after, the new.
        fs::rename(&staging, folder.join(COMMIT)).map_err(&serr)?;
        sync_dir(folder);
        Ok(summaries)
    })();
    if staged.is_err() {
        let _ = fs::remove_dir_all(&staging);
    }
    staged.map(|summaries| (format, summaries))
}

fn read_manifest(folder: &Path) -> Option<Manifest> {
    let bytes = fs::read(folder.join(MANIFEST)).ok()?;
    parse(&bytes, ProjectFormat::Ron, &folder.join(MANIFEST)).ok()
}

fn same_path(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => a == b,
    }
}

/// RON one line per entity (`depth` levels expanded), or pretty JSON.
fn encode<T: Serialize>(
    value: &T,
    format: DocFormat,
    depth: usize,
) -> Result<Vec<u8>, ProjectFileError> {
    let encoded = match format {
        DocFormat::Ron => {
            let pretty = ron::ser::PrettyConfig::new()
                .struct_names(false)
                .indentor("  ")
                .depth_limit(depth);
            ron::ser::to_string_pretty(value, pretty)
                .map(String::into_bytes)
                .map_err(|e| e.to_string())
        }
        DocFormat::Json => serde_json::to_vec_pretty(value).map_err(|e| e.to_string()),
    };
    encoded
        .map(|mut bytes| {
            bytes.push(b'\n');
            bytes
        })
        .map_err(|message| ProjectFileError::Encode {
            path: PathBuf::from(MANIFEST),
            format: "RON",
            message,
        })
}

/// A document file's bytes. In RON its text, nearly all of a document, is escaped by
/// [`escape_ron`] rather than by ron, which escapes char by char through
/// `char::escape_debug` (a third of a large save's time); the bytes are the same.
fn encode_document(doc: &Document, format: DocFormat) -> Result<Vec<u8>, ProjectFileError> {
    const STAND_IN: &str = "\0tagdesk:text\0";
    const QUOTED: &[u8] = b"\"\\0tagdesk:text\\0\"";
    if format == DocFormat::Json {
        return encode(doc, format, 2);
    }
    let bytes = encode(&doc.with_text(STAND_IN), format, 2)?;
    let mut found = bytes.windows(QUOTED.len()).enumerate();
    let at = found.find(|(_, w)| *w == QUOTED).map(|(at, _)| at);
    // Another field holding the stand-in itself would make the splice ambiguous.
    let (Some(at), None) = (at, found.find(|(_, w)| *w == QUOTED)) else {
        return encode(doc, format, 2);
    };
    let text = doc.text();
    let mut out = Vec::with_capacity(bytes.len() + text.len() + text.len() / 8);
    out.extend_from_slice(&bytes[..at]);
    out.push(b'"');
    escape_ron(text, &mut out);
    out.push(b'"');
    out.extend_from_slice(&bytes[at + QUOTED.len()..]);
    Ok(out)
}

/// `text` escaped as ron escapes a string, `char::escape_debug` of each char, with runs of
/// printable ASCII copied whole.
fn escape_ron(text: &str, out: &mut Vec<u8>) {
    let bytes = text.as_bytes();
    let (mut plain, mut i) = (0, 0);
    while i < bytes.len() {
        let b = bytes[i];
        if (b' '..=b'~').contains(&b) && !matches!(b, b'"' | b'\\' | b'\'') {
            i += 1;
            continue;
        }
        out.extend_from_slice(&bytes[plain..i]);
        let c = text[i..].chars().next().expect("i is at a char boundary");
        let mut buf = [0; 4];
        for e in c.escape_debug() {
            out.extend_from_slice(e.encode_utf8(&mut buf).as_bytes());
        }
        i += c.len_utf8();
        plain = i;
    }
    out.extend_from_slice(&bytes[plain..]);
}

fn sync_dir(dir: &Path) {
    // Not all platforms can open a folder: durability is best effort there.
    if let Ok(dir) = fs::File::open(dir) {
        let _ = dir.sync_all();
    }
}

/// Moves a committed save's files into place and removes what it removed. Idempotent: a kill
/// while it runs leaves a `.commit/` that the next call finishes.
fn finish_commit(folder: &Path) -> io::Result<()> {
    let commit = folder.join(COMMIT);
    if !commit.is_dir() {
        return Ok(());
    }
    let docs = folder.join(DOCS);
    fs::create_dir_all(&docs)?;
    let staged = commit.join(DOCS);
    if staged.is_dir() && fs::read_dir(&docs)?.next().is_none() {
        // A project's first save: its documents move in one rename, not one each. A kill
        // between these two steps leaves no `docs/`, which the next call creates empty.
        fs::remove_dir(&docs)?;
        fs::rename(&staged, &docs)?;
    } else if let Ok(entries) = fs::read_dir(&staged) {
        for entry in entries {
            let entry = entry?;
            fs::rename(entry.path(), docs.join(entry.file_name()))?;
        }
    }
    if let Ok(removed) = fs::read_to_string(commit.join(REMOVED)) {
        for name in removed.lines().filter(|n| !n.is_empty()) {
            match fs::remove_file(docs.join(name)) {
                Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(e),
                _ => {}
            }
        }
    }
    sync_dir(&docs);
    let manifest = commit.join(MANIFEST);
    if manifest.exists() {
        fs::rename(&manifest, folder.join(MANIFEST))?;
    }
    fs::remove_dir_all(&commit)?;
    sync_dir(folder);
    Ok(())
}

/// Removes `.staging-PID` folders of saves killed before they committed (never another
/// running process's: only where `/proc` says its process is gone).
fn remove_stale_staging(folder: &Path) {
    let proc = Path::new("/proc");
    if !proc.join("self").exists() {
        return;
    }
    let Ok(entries) = fs::read_dir(folder) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let pid = name
            .to_str()
            .and_then(|n| n.strip_prefix(STAGING))
            .and_then(|pid| pid.parse::<u32>().ok());
        if let Some(pid) = pid
            && pid != std::process::id()
            && !proc.join(pid.to_string()).exists()
        {
            let _ = fs::remove_dir_all(entry.path());
        }
    }
}

/// What `tagdesk stats` counts of one document: per label and per event type, how many are
/// suggested, accepted and rejected (in [`Status::ALL`] order).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct DocSummary {
    pub name: String,
    pub done: bool,
    pub chars: usize,
    pub entities: BTreeMap<String, [usize; 3]>,
    pub events: BTreeMap<String, [usize; 3]>,
    pub relations: usize,
}

impl DocSummary {
    pub fn of(doc: &Document) -> Self {
        Self::count(
            doc.name(),
            doc.is_done(),
            doc.index().len_chars(),
            doc.relations().len(),
            doc.entities().iter().map(|e| (e.label.as_str(), e.status)),
            doc.events()
                .iter()
                .map(|e| (e.event_type.as_str(), e.status)),
        )
    }

    fn count<'a>(
        name: &str,
        done: bool,
        chars: usize,
        relations: usize,
        entities: impl Iterator<Item = (&'a str, Status)>,
        events: impl Iterator<Item = (&'a str, Status)>,
    ) -> Self {
        let column = |status: Status| {
            Status::ALL
                .iter()
                .position(|&s| s == status)
                .expect("ALL lists every status")
        };
        let tally =
            |counts: &mut BTreeMap<String, [usize; 3]>, name: &str, status: Status| match counts
                .get_mut(name)
            {
                Some(row) => row[column(status)] += 1,
                None => {
                    let mut row = [0; 3];
                    row[column(status)] = 1;
                    counts.insert(name.to_owned(), row);
                }
            };
        let mut summary = DocSummary {
            name: name.to_owned(),
            done,
            chars,
            relations,
            ..DocSummary::default()
        };
        for (label, status) in entities {
            tally(&mut summary.entities, label, status);
        }
        for (event_type, status) in events {
            tally(&mut summary.events, event_type, status);
        }
        summary
    }

    /// [`crate::annotate::learn::is_reviewed`] of the document summarised.
    pub fn is_reviewed(&self) -> bool {
        let any = |column: usize| {
            self.entities
                .values()
                .chain(self.events.values())
                .any(|counts| counts[column] > 0)
        };
        self.done || (!any(0) && any(1))
    }
}

/// What a summary needs of a document file, borrowed where it can be: reading only this
/// skips building the document (its text index, every annotation's origin and span).
#[derive(Deserialize)]
struct SummaryView<'a> {
    #[serde(borrow)]
    id: Cow<'a, str>,
    #[serde(borrow)]
    name: Cow<'a, str>,
    #[serde(borrow)]
    text: Cow<'a, str>,
    #[serde(default, borrow)]
    entities: Vec<Counted<'a>>,
    #[serde(default, borrow)]
    events: Vec<CountedEvent<'a>>,
    #[serde(default)]
    relations: Vec<serde::de::IgnoredAny>,
    #[serde(default)]
    done: bool,
}

#[derive(Deserialize)]
struct Counted<'a> {
    #[serde(borrow)]
    label: Cow<'a, str>,
    status: Status,
}

#[derive(Deserialize)]
struct CountedEvent<'a> {
    #[serde(rename = "type", borrow)]
    event_type: Cow<'a, str>,
    status: Status,
}

/// The summary of the document file at `path`, which must hold document `id`. From JSON
/// through [`SummaryView`] (3.96 s for 100,000 documents rather than 5.2-5.9 s); from RON
/// through [`ron_skim`], or the whole document where the file is not in the shape tagdesk
/// writes (ron skips the fields a view leaves out more slowly than it reads them).
fn read_summary(path: &Path, id: &str, format: DocFormat) -> Result<DocSummary, ProjectFileError> {
    let bytes = fs::read(path).map_err(io_error(path))?;
    if format == DocFormat::Ron {
        let skimmed = std::str::from_utf8(&bytes).ok().and_then(ron_skim::skim);
        let Some(doc) = skimmed else {
            return Ok(DocSummary::of(&parse_document(&bytes, path, id, format)?));
        };
        check_id(&doc.id, id, path)?;
        return Ok(DocSummary::count(
            &doc.name,
            doc.done,
            doc.chars,
            doc.relations,
            doc.entities.iter().map(|(l, s)| (l.as_ref(), *s)),
            doc.events.iter().map(|(t, s)| (t.as_ref(), *s)),
        ));
    }
    let view: SummaryView = parse(&bytes, format.into(), path)?;
    check_id(&view.id, id, path)?;
    Ok(DocSummary::count(
        &view.name,
        view.done,
        view.text.chars().count(),
        view.relations.len(),
        view.entities.iter().map(|e| (e.label.as_ref(), e.status)),
        view.events
            .iter()
            .map(|e| (e.event_type.as_ref(), e.status)),
    ))
}

/// A folder project's name, schema and document summaries, in document order.
pub struct Summary {
    pub name: String,
    pub schema: Schema,
    pub ids: Vec<String>,
    pub docs: Vec<DocSummary>,
}

const CACHE: &str = ".cache/summary.json";

/// A cached summary, valid while its file keeps the size and modification time it had.
#[derive(Clone, Serialize, Deserialize)]
struct Cached {
    size: u64,
    modified_ns: u128,
    summary: DocSummary,
}

impl Cached {
    fn of(meta: &fs::Metadata, summary: DocSummary) -> Self {
        Cached {
            size: meta.len(),
            modified_ns: modified_ns(meta),
            summary,
        }
    }

    fn is_of(&self, meta: &fs::Metadata) -> bool {
        self.size == meta.len() && self.modified_ns == modified_ns(meta)
    }
}

fn modified_ns(meta: &fs::Metadata) -> u128 {
    meta.modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_nanos())
}

fn read_cache(folder: &Path) -> HashMap<String, Cached> {
    fs::read(folder.join(CACHE))
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .unwrap_or_default()
}

/// Best effort: a cache that cannot be written is rebuilt by the next `stats`.
fn write_cache<'a>(folder: &Path, cache: impl IntoIterator<Item = (&'a str, &'a Cached)>) {
    let cache: HashMap<&str, &Cached> = cache.into_iter().collect();
    if let Ok(bytes) = serde_json::to_vec(&cache) {
        let _ = fs::create_dir_all(folder.join(".cache"));
        let _ = super::atomic::write_atomically(&folder.join(CACHE), &bytes);
    }
}

/// After a save that wrote much of the project: the summaries of the files it wrote join
/// the cache, which keeps only the project's documents, so that `stats` after a large `add`
/// or `annotate` reads no document file.
fn store_summaries(
    folder: &Path,
    project: &Project,
    format: DocFormat,
    written: Vec<(String, Cached)>,
) {
    let mut cache = read_cache(folder);
    cache.extend(written);
    let names: Vec<String> = project
        .documents()
        .iter()
        .map(|d| file_name(d.id(), format.extension()))
        .collect();
    write_cache(
        folder,
        names
            .iter()
            .filter_map(|n| cache.get(n).map(|c| (n.as_str(), c))),
    );
}

/// The summaries of a folder project's documents without loading the project: from the
/// cache (`.cache/summary.json`, derived data outside git) for each file whose size and
/// modification time it recorded, read on every core for the others; then the cache is
/// brought up to date. A missing or unreadable cache is rebuilt.
pub fn summary(folder: &Path) -> Result<Summary, ProjectFileError> {
    let manifest = open_manifest(folder)?;
    let docs = summaries(folder, &manifest)?;
    Ok(Summary {
        name: manifest.name,
        schema: manifest.schema,
        ids: manifest.documents,
        docs,
    })
}

/// Each document's summary, in manifest order (see [`summary`]).
fn summaries(folder: &Path, manifest: &Manifest) -> Result<Vec<DocSummary>, ProjectFileError> {
    let format = manifest.documents_format;
    let cache = read_cache(folder);
    let threads = crate::parallel::threads(None);
    let found = crate::parallel::map_ordered(&manifest.documents, threads, |id| {
        let name = file_name(id, format.extension());
        let path = folder.join(DOCS).join(&name);
        let meta = fs::metadata(&path).map_err(io_error(&path))?;
        if let Some(hit) = cache.get(&name)
            && hit.is_of(&meta)
        {
            return Ok((name, hit.clone(), false));
        }
        let summary = read_summary(&path, id, format)?;
        Ok((name, Cached::of(&meta, summary), true))
    });
    let found = found
        .into_iter()
        .collect::<Result<Vec<_>, ProjectFileError>>()?;
    if found.iter().any(|(_, _, fresh)| *fresh) || found.len() != cache.len() {
        write_cache(folder, found.iter().map(|(n, c, _)| (n.as_str(), c)));
    }
    Ok(found.into_iter().map(|(_, c, _)| c.summary).collect())
}

/// The project with only the documents `keep` picks (by id and summary), read without the
/// others: a command that works on a few documents of a large project costs what they do.
/// Saving it writes only its changed documents, into this folder only; the manifest stays.
pub fn load_some(
    folder: &Path,
    keep: impl Fn(&str, &DocSummary) -> bool,
) -> Result<Project, ProjectFileError> {
    let manifest = open_manifest(folder)?;
    let summaries = summaries(folder, &manifest)?;
    let kept: Vec<&String> = manifest
        .documents
        .iter()
        .zip(&summaries)
        .filter(|(id, doc)| keep(id, doc))
        .map(|(id, _)| id)
        .collect();
    let documents = read_documents(folder, manifest.documents_format, &kept)?;
    let mut project = project_of(folder, manifest, documents)?;
    project.set_partial(true);
    Ok(project)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_are_safe_stable_and_distinct() {
        assert_eq!(file_name("a7", "ron"), "a7.ron");
        assert_eq!(file_name("x.y", "ron"), "x.y.ron");
        assert_eq!(file_name("../etc", "ron"), "%2E.%2Fetc.ron");
        assert_eq!(file_name("서울 1", "json"), "%EC%84%9C%EC%9A%B8%201.json");
        // Names Windows keeps for devices, in any case and with any extension.
        assert_eq!(file_name("con", "ron"), "%63on.ron");
        assert_eq!(file_name("NUL.txt", "ron"), "%4EUL.txt.ron");
        assert_eq!(file_name("Com1", "json"), "%43om1.json");
        assert_eq!(file_name("lpt9", "ron"), "%6Cpt9.ron");
        assert_eq!(file_name("console", "ron"), "console.ron");
        for plain in ["com10", "comx", "nul_1", "a.con", ".con"] {
            assert!(!is_device_name(plain), "{plain}");
        }
        assert_ne!(file_name("con", "ron"), file_name("%63on", "ron"));
        let long = "é".repeat(200);
        let name = file_name(&long, "ron");
        assert!(name.len() < 200, "{name}");
        assert_ne!(name, file_name(&format!("{long}x"), "ron"));
    }

    fn project(texts: &[&str]) -> Project {
        let mut p = Project::new("p".into(), "ana".into(), Schema::news());
        for (i, text) in texts.iter().enumerate() {
            let doc = Document::new(format!("d{i}"), format!("d{i}"), None, (*text).into());
            p.apply(crate::model::Edit::AddDocument {
                index: i,
                document: Box::new(doc),
            })
            .unwrap();
        }
        p
    }

    #[test]
    fn a_document_named_like_a_device_moves_to_its_escaped_file_on_opening() {
        let dir = tempfile::tempdir().unwrap();
        let folder = dir.path().join("p.tagdesk");
        let mut p = Project::new("p".into(), "ana".into(), Schema::news());
        // A long id's name was cut and completed by a hash before, as it is now.
        let long = format!("con.{}", "x".repeat(200));
        for (index, id) in ["con", long.as_str()].into_iter().enumerate() {
            let doc = Document::new(id.into(), id.into(), None, "Talks in Seoul.".into());
            p.apply(crate::model::Edit::AddDocument {
                index,
                document: Box::new(doc),
            })
            .unwrap();
        }
        save(&mut p, &folder).unwrap();
        let hash = &text_hash(&long)["sha256:".len()..][..16];
        for (escaped, legacy) in [
            ("%63on.ron".to_owned(), "con.ron".to_owned()),
            (
                file_name(&long, "ron"),
                format!("{}~{hash}.ron", &long[..120]),
            ),
        ] {
            let (escaped, legacy) = (
                folder.join(DOCS).join(escaped),
                folder.join(DOCS).join(legacy),
            );
            assert!(escaped.is_file());
            // As a version before the escape saved it.
            fs::rename(&escaped, &legacy).unwrap();
            assert_eq!(summary(&folder).unwrap().docs.len(), 2);
            assert!(escaped.is_file() && !legacy.exists());
        }
        let loaded = load(&folder).unwrap();
        assert_eq!(loaded.documents()[0].text(), "Talks in Seoul.");
    }

    #[test]
    fn documents_whose_files_differ_only_in_case_are_refused_before_anything_is_written() {
        let dir = tempfile::tempdir().unwrap();
        let folder = dir.path().join("p.tagdesk");
        let mut p = project(&["one"]);
        let doc = project(&["two"]).documents()[0]
            .clone()
            .with_id("D0".into());
        p.apply(crate::model::Edit::AddDocument {
            index: 1,
            document: Box::new(doc),
        })
        .unwrap();
        let err = save(&mut p, &folder).unwrap_err();
        assert!(
            matches!(&err, ProjectFileError::SharedFile { first, second, .. } if first == "d0" && second == "D0"),
            "{err}"
        );
        assert!(err.to_string().contains("differ only in case"), "{err}");
        assert!(!folder.join(MANIFEST).exists());
        assert_eq!(fs::read_dir(folder.join(DOCS)).unwrap().count(), 0);
        p.apply(crate::model::Edit::RemoveDocument { index: 1 })
            .unwrap();
        save(&mut p, &folder).unwrap();
    }

    #[test]
    fn a_save_killed_after_its_commit_is_finished_by_the_next_load() {
        let dir = tempfile::tempdir().unwrap();
        let folder = dir.path().join("p.tagdesk");
        let mut p = project(&["서울 — one", "two"]);
        save(&mut p, &folder).unwrap();
        p.apply(crate::model::Edit::RemoveDocument { index: 0 })
            .unwrap();
        let mut next = project(&["three"]);
        let doc = next.documents()[0].clone().with_id("d9".into());
        p.apply(crate::model::Edit::AddDocument {
            index: 1,
            document: Box::new(doc),
        })
        .unwrap();
        // Killed between the commit and moving its files into place.
        commit(&p, &folder, DocFormat::Ron).unwrap();
        assert!(folder.join(COMMIT).is_dir());
        let loaded = load(&folder).unwrap();
        assert_eq!(loaded.documents(), p.documents());
        assert!(!folder.join(COMMIT).exists());
        assert!(!folder.join(DOCS).join("d0.ron").exists());
        // A save killed before its commit is no save: the project stays as it was, and the
        // next save clears the staging folder away.
        let stale = folder.join(format!("{STAGING}999999999"));
        fs::create_dir_all(stale.join(DOCS)).unwrap();
        fs::write(stale.join(MANIFEST), "garbage").unwrap();
        assert_eq!(load(&folder).unwrap().documents(), p.documents());
        save(&mut next, &folder).unwrap();
        assert!(!stale.exists());
        assert_eq!(load(&folder).unwrap().documents(), next.documents());
    }

    proptest::proptest! {
        #[test]
        fn a_skimmed_summary_is_the_parsed_documents_own(
            text in "(\\PC|[\\x00-\\x1f'\"\\\\#\u{301}\u{a0}서울—“”])+",
            label in "(\\PC|[\\x00\"\\\\])*",
            name in "(\\PC|\\x00)*",
        ) {
            use crate::model::{Entity, EntityId, Origin, Span};
            let doc = Document::new("d\"1".into(), name, None, text).with_annotations(
                vec![Entity {
                    id: EntityId(1),
                    span: Span { start: 0, end: 1 },
                    label,
                    origin: Origin::Manual,
                    status: Status::Rejected,
                }],
                Vec::new(),
                Vec::new(),
            );
            let ron = String::from_utf8(encode_document(&doc, DocFormat::Ron).unwrap()).unwrap();
            let skimmed = ron_skim::skim(&ron);
            proptest::prop_assert!(skimmed.is_some(), "{}", ron);
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("d.ron");
            fs::write(&path, &ron).unwrap();
            proptest::prop_assert_eq!(
                read_summary(&path, "d\"1", DocFormat::Ron).unwrap(),
                DocSummary::of(&doc)
            );
        }

        #[test]
        fn a_document_encodes_to_the_bytes_ron_itself_writes(
            text in "(\\PC|[\\x00-\\x1f'\"\\\\#\u{301}\u{200b}\u{a0}서울—“”])*",
            name in "(\\PC|\\x00)*",
        ) {
            let mut escaped = Vec::new();
            escape_ron(&text, &mut escaped);
            let by_char: String = text.chars().flat_map(char::escape_debug).collect();
            proptest::prop_assert_eq!(String::from_utf8(escaped).unwrap(), by_char);
            for name in [name.as_str(), "\0tagdesk:text\0"] {
                let doc = Document::new("d".into(), name.into(), None, text.clone());
                for format in [DocFormat::Ron, DocFormat::Json] {
                    proptest::prop_assert_eq!(
                        encode_document(&doc, format).unwrap(),
                        encode(&doc, format, 2).unwrap()
                    );
                }
            }
        }
    }

    #[test]
    fn a_summary_read_from_a_file_is_the_documents_own() {
        use crate::model::{
            ArgTarget, Argument, Entity, EntityId, Event, EventId, Origin, Relation, RelationId,
            Span,
        };
        let entity = |id, start, label: &str, origin: Origin, status| Entity {
            id: EntityId(id),
            span: Span {
                start,
                end: start + 2,
            },
            label: label.into(),
            origin,
            status,
        };
        let auto = Origin::Auto {
            engine: "gazetteer".into(),
            rule: "gazetteer:\"cities\"".into(),
            score: 0.5,
        };
        let doc = Document::new(
            "d1".into(),
            "서울 \"news\"".into(),
            None,
            "서울 — Park\nmet \"Hill\" 東京".into(),
        )
        .with_annotations(
            vec![
                entity(1, 0, "GPE", auto.clone(), Status::Suggested),
                entity(2, 5, "PER", Origin::Manual, Status::Accepted),
                entity(3, 10, "PER", auto, Status::Rejected),
                entity(
                    4,
                    19,
                    "GPE",
                    Origin::Imported {
                        source: "g.jsonl".into(),
                    },
                    Status::Accepted,
                ),
            ],
            vec![Event {
                id: EventId(1),
                event_type: "Contact:Meet".into(),
                trigger: Span { start: 8, end: 11 },
                arguments: vec![Argument {
                    role: "Entity".into(),
                    target: ArgTarget::Entity(EntityId(2)),
                }],
                origin: Origin::Manual,
                status: Status::Accepted,
            }],
            vec![Relation {
                id: RelationId(1),
                relation_type: "Located".into(),
                from: EntityId(2),
                to: EntityId(1),
                origin: Origin::Manual,
                status: Status::Suggested,
            }],
        )
        .with_meta(BTreeMap::from([(
            "url".into(),
            "https://x.kr/\"(1)".into(),
        )]));
        let ron = String::from_utf8(encode_document(&doc, DocFormat::Ron).unwrap()).unwrap();
        assert!(
            ron_skim::skim(&ron).is_some(),
            "what tagdesk writes is skimmed"
        );
        let dir = tempfile::tempdir().unwrap();
        // A file marked done by hand, in the RON form.
        let done = ron.replace("done: false", "done: true");
        let path = dir.path().join("d1.ron");
        fs::write(&path, &done).unwrap();
        let parsed: Document = ron::from_str(&done).unwrap();
        assert!(parsed.is_done());
        assert_eq!(
            read_summary(&path, "d1", DocFormat::Ron).unwrap(),
            DocSummary::of(&parsed)
        );
        for format in [DocFormat::Ron, DocFormat::Json] {
            let path = dir.path().join(file_name("d1", format.extension()));
            fs::write(&path, encode_document(&doc, format).unwrap()).unwrap();
            assert_eq!(
                read_summary(&path, "d1", format).unwrap(),
                DocSummary::of(&doc)
            );
            assert!(
                read_summary(&path, "d2", format).is_err(),
                "another document's file"
            );
        }
    }

    #[test]
    fn a_large_save_syncs_at_once_and_a_first_one_moves_its_documents_in_whole() {
        let dir = tempfile::tempdir().unwrap();
        let folder = dir.path().join("p.tagdesk");
        let texts: Vec<String> = (0..SYNC_AT_ONCE + 1).map(|i| format!("서울 {i}")).collect();
        let texts: Vec<&str> = texts.iter().map(String::as_str).collect();
        let mut p = project(&texts);
        commit(&p, &folder, DocFormat::Ron).unwrap();
        // Killed between removing the empty `docs/` and renaming the staged one in its place.
        fs::remove_dir(folder.join(DOCS)).unwrap();
        assert_eq!(load(&folder).unwrap().documents(), p.documents());
        assert!(!folder.join(COMMIT).exists());
        // Into a `docs/` that holds documents, a large save moves its files one by one and
        // keeps the rest.
        let mut more = project(&texts);
        more.apply(crate::model::Edit::RemoveDocument { index: 0 })
            .unwrap();
        save(&mut more, &folder).unwrap();
        assert_eq!(load(&folder).unwrap().documents(), more.documents());
        assert!(!folder.join(DOCS).join("d0.ron").exists());
        save(&mut p, &folder).unwrap();
        assert_eq!(load(&folder).unwrap().documents(), p.documents());
    }

    #[test]
    fn the_manifest_is_written_when_what_it_holds_changed_and_only_then() {
        use std::os::unix::fs::MetadataExt;
        let dir = tempfile::tempdir().unwrap();
        let folder = dir.path().join("p.tagdesk");
        let mut p = project(&["서울 — one", "two"]);
        save(&mut p, &folder).unwrap();
        let ino = |name: &str| fs::metadata(folder.join(name)).unwrap().ino();
        let first = ino(MANIFEST);
        p.apply(crate::model::Edit::SetDone {
            doc: "d1".into(),
            done: true,
        })
        .unwrap();
        save(&mut p, &folder).unwrap();
        assert_eq!(ino(MANIFEST), first);
        p.apply(crate::model::Edit::AddEntityLabel {
            label: crate::model::EntityLabel::plain("Person"),
        })
        .unwrap();
        save(&mut p, &folder).unwrap();
        assert_ne!(ino(MANIFEST), first);
        p.apply(crate::model::Edit::RemoveDocument { index: 0 })
            .unwrap();
        save(&mut p, &folder).unwrap();
        assert!(!folder.join(DOCS).join("d0.ron").exists());
        let loaded = load(&folder).unwrap();
        assert_eq!(loaded, p);
        assert!(loaded.schema().entity_label("Person").is_some());
        assert!(loaded.documents()[0].is_done());
    }

    #[test]
    fn opening_reads_the_first_documents_and_the_rest_reads_them_in_order() {
        let dir = tempfile::tempdir().unwrap();
        let folder = dir.path().join("p.tagdesk");
        let mut whole = project(&["서울 — one", "two", "three", "four"]);
        save(&mut whole, &folder).unwrap();
        let (mut p, rest) = open(&folder, 1).unwrap();
        assert!(p.is_partial());
        assert_eq!(p.documents(), &whole.documents()[..1]);
        assert_eq!(rest.ids, ["d1", "d2", "d3"]);
        // A file at fault gives its error, in its place; the others read.
        fs::write(folder.join(DOCS).join("d2.ron"), "(broken").unwrap();
        let read = rest.read(&rest.ids);
        assert!(
            matches!(&read[1], Err(ProjectFileError::Syntax { path, .. }) if path.ends_with("d2.ron"))
        );
        let docs: Vec<Document> = read.into_iter().filter_map(Result::ok).collect();
        assert!(p.append_loaded(docs).is_empty());
        let ids: Vec<&str> = p.documents().iter().map(Document::id).collect();
        assert_eq!(ids, ["d0", "d1", "d3"]);
    }

    #[test]
    fn some_documents_are_saved_back_alone_and_only_into_their_folder() {
        let dir = tempfile::tempdir().unwrap();
        let folder = dir.path().join("p.tagdesk");
        let mut whole = project(&["서울 — one", "two", "three"]);
        save(&mut whole, &folder).unwrap();
        let mut some = load_some(&folder, |id, _| id == "d1").unwrap();
        assert_eq!(some.documents().len(), 1);
        some.apply(crate::model::Edit::SetDone {
            doc: "d1".into(),
            done: true,
        })
        .unwrap();
        let elsewhere = dir.path().join("q.tagdesk");
        assert!(matches!(
            save(&mut some, &elsewhere),
            Err(ProjectFileError::Partial { .. })
        ));
        assert!(matches!(
            super::super::project::save(&mut some, &dir.path().join("q.tagdesk.ron")),
            Err(ProjectFileError::Partial { .. })
        ));
        save(&mut some, &folder).unwrap();
        let loaded = load(&folder).unwrap();
        assert_eq!(loaded.documents().len(), 3);
        let done: Vec<bool> = loaded.documents().iter().map(Document::is_done).collect();
        assert_eq!(done, [false, true, false]);
    }
}
