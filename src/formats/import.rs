//! Articles in: plain text, Markdown, HTML, folders of them, and JSONL corpora.
//!
//! The stored text is what every offset counts, so it is fixed here, once:
//! - a UTF-8 byte order mark is removed;
//! - in `.txt`, `.md` and `.html` files, CRLF and lone CR become LF, as Python's text mode
//!   reads them, so offsets match what `open(path).read()` counts;
//! - JSONL texts are kept exactly as written, since their offsets (gold annotations) count
//!   that text;
//! - Markdown and HTML are reduced to their readable text (see [`markdown_text`] and
//!   [`html_text`]); the markup itself is never annotated.
//!
//! Files larger than [`MAX_FILE_BYTES`], empty files, binary files and invalid UTF-8 are refused
//! with an error naming the file.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::{BufRead, Read};
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::model::{
    ArgTarget, Argument, Cardinality, DEFAULT_LABEL_COLOR, Document, Edit, Entity, EntityId,
    EntityLabel, Event, EventId, EventType, Origin, Project, RelationType, Role, Schema, Source,
    SourceFormat, Span, Status, TextIndex,
};

/// The largest file, or JSONL line, tagdesk imports: 64 MiB, far above any article, small
/// enough to hold. A JSONL corpus may be any size: the limit applies to each of its lines.
pub const MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{}: {size} bytes is more than the {MAX_FILE_BYTES}-byte limit for one file", path.display())]
    TooLarge { path: PathBuf, size: u64 },
    #[error("{}, line {line}: more than the {MAX_FILE_BYTES}-byte limit for one document", path.display())]
    LineTooLarge { path: PathBuf, line: usize },
    #[error("{}: the file is empty", path.display())]
    Empty { path: PathBuf },
    #[error("{}: looks binary (NUL byte at byte offset {byte_offset}), not text", path.display())]
    Binary { path: PathBuf, byte_offset: usize },
    #[error("{}: not valid UTF-8 at byte offset {byte_offset}; convert it to UTF-8 first", path.display())]
    NotUtf8 { path: PathBuf, byte_offset: usize },
    #[error("{}: unsupported file type; tagdesk imports .txt, .md, .html, .htm and .jsonl", path.display())]
    Unsupported { path: PathBuf },
    #[error("{}: no .txt, .md, .html, .htm or .jsonl files in this folder", path.display())]
    EmptyFolder { path: PathBuf },
    #[error("{}: has no readable text once its markup is removed", path.display())]
    NoText { path: PathBuf },
    #[error("{}, line {line}: {message}", path.display())]
    Jsonl {
        path: PathBuf,
        line: usize,
        message: String,
    },
}

/// What an import produced: documents in order, and files a folder walk passed over.
#[derive(Debug, Default)]
pub struct Imported {
    pub documents: Vec<Document>,
    pub skipped: Vec<PathBuf>,
}

/// Imports files and folders (folders recursively, in name order, hidden entries and other
/// file types skipped). All or nothing: the first bad file fails the whole import.
pub fn import_paths(paths: &[PathBuf]) -> Result<Imported, ImportError> {
    let mut imported = Imported::default();
    for path in paths {
        if path.is_dir() {
            let mut files = Vec::new();
            walk_folder(path, &mut files, &mut imported.skipped)?;
            if files.is_empty() {
                return Err(ImportError::EmptyFolder { path: path.clone() });
            }
            for file in files {
                imported.documents.extend(import_file(&file)?);
            }
        } else {
            imported.documents.extend(import_file(path)?);
        }
    }
    Ok(imported)
}

/// The files `paths` name, folders walked as [`import_paths`] walks them (other file types
/// in a folder passed over); `-` (standard input) is kept as it is.
pub fn article_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>, ImportError> {
    let mut files = Vec::new();
    for path in paths {
        if path.is_dir() {
            let before = files.len();
            walk_folder(path, &mut files, &mut Vec::new())?;
            if files.len() == before {
                return Err(ImportError::EmptyFolder { path: path.clone() });
            }
        } else {
            files.push(path.clone());
        }
    }
    Ok(files)
}

/// Whether `path` is read as a JSONL corpus.
pub fn is_jsonl(path: &Path) -> bool {
    format_of(path) == Some(SourceFormat::Jsonl)
}

fn walk_folder(
    dir: &Path,
    files: &mut Vec<PathBuf>,
    skipped: &mut Vec<PathBuf>,
) -> Result<(), ImportError> {
    let entries = sorted_entries(dir).map_err(|source| ImportError::Io {
        path: dir.to_path_buf(),
        source,
    })?;
    for path in entries {
        let hidden = path
            .file_name()
            .is_some_and(|n| n.to_string_lossy().starts_with('.'));
        if hidden {
            continue;
        }
        if path.is_dir() {
            walk_folder(&path, files, skipped)?;
        } else if format_of(&path).is_some() {
            files.push(path);
        } else {
            skipped.push(path);
        }
    }
    Ok(())
}

fn format_of(path: &Path) -> Option<SourceFormat> {
    let ext = path.extension()?.to_str()?.to_ascii_lowercase();
    Some(match ext.as_str() {
        "txt" | "text" => SourceFormat::PlainText,
        "md" | "markdown" => SourceFormat::Markdown,
        "html" | "htm" => SourceFormat::Html,
        "jsonl" => SourceFormat::Jsonl,
        _ => return None,
    })
}

/// Imports one file: one document, or one per line for JSONL.
pub fn import_file(path: &Path) -> Result<Vec<Document>, ImportError> {
    let format = format_of(path).ok_or_else(|| ImportError::Unsupported {
        path: path.to_path_buf(),
    })?;
    if format == SourceFormat::Jsonl {
        let file = std::fs::File::open(path).map_err(|source| ImportError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        return jsonl_documents(path, std::io::BufReader::new(file)).collect();
    }
    let bytes = read_limited(path)?;
    let raw = decode_utf8(path, &bytes)?;
    let text = normalize_newlines(raw);
    let text = match format {
        SourceFormat::Markdown => markdown_text(&text),
        SourceFormat::Html => html_text(&text),
        _ => text,
    };
    if text.trim().is_empty() {
        return Err(match format {
            SourceFormat::PlainText => ImportError::Empty {
                path: path.to_path_buf(),
            },
            _ => ImportError::NoText {
                path: path.to_path_buf(),
            },
        });
    }
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let name = path
        .file_name()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let source = Source {
        path: path.to_path_buf(),
        format,
    };
    Ok(vec![Document::new(stem, name, Some(source), text)])
}

fn read_limited(path: &Path) -> Result<Vec<u8>, ImportError> {
    match read_capped(path) {
        Ok(Ok(bytes)) => Ok(bytes),
        Ok(Err(size)) => Err(ImportError::TooLarge {
            path: path.to_path_buf(),
            size,
        }),
        Err(source) => Err(ImportError::Io {
            path: path.to_path_buf(),
            source,
        }),
    }
}

/// A folder's entries, sorted by name so imports are in a stable order.
pub(crate) fn sorted_entries(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut entries = std::fs::read_dir(dir)?
        .map(|e| e.map(|e| e.path()))
        .collect::<Result<Vec<_>, _>>()?;
    entries.sort();
    Ok(entries)
}

/// A file's bytes, or (inner `Err`) its size when it is over [`MAX_FILE_BYTES`].
pub(crate) fn read_capped(path: &Path) -> std::io::Result<Result<Vec<u8>, u64>> {
    let size = std::fs::metadata(path)?.len();
    if size > MAX_FILE_BYTES {
        return Ok(Err(size));
    }
    std::fs::read(path).map(Ok)
}

/// Checks that `bytes` are text: not empty, no NUL, valid UTF-8; strips a BOM.
fn decode_utf8<'a>(path: &Path, bytes: &'a [u8]) -> Result<&'a str, ImportError> {
    if bytes.is_empty() {
        return Err(ImportError::Empty {
            path: path.to_path_buf(),
        });
    }
    if let Some(byte_offset) = bytes.iter().position(|&b| b == 0) {
        return Err(ImportError::Binary {
            path: path.to_path_buf(),
            byte_offset,
        });
    }
    let text = std::str::from_utf8(bytes).map_err(|e| ImportError::NotUtf8 {
        path: path.to_path_buf(),
        byte_offset: e.valid_up_to(),
    })?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.trim().is_empty() {
        return Err(ImportError::Empty {
            path: path.to_path_buf(),
        });
    }
    Ok(text)
}

/// CRLF and lone CR become LF.
pub fn normalize_newlines(text: &str) -> String {
    if !text.contains('\r') {
        return text.to_owned();
    }
    text.replace("\r\n", "\n").replace('\r', "\n")
}

/// Appends readable text, collapsing runs of blank lines into one paragraph break.
#[derive(Default)]
struct TextSink {
    out: String,
    /// Newlines owed before the next text: 1 for a line break, 2 for a paragraph.
    pending_newlines: usize,
}

impl TextSink {
    fn push_text(&mut self, text: &str) {
        if text.is_empty() {
            return;
        }
        if !self.out.is_empty() {
            for _ in 0..self.pending_newlines {
                self.out.push('\n');
            }
        }
        self.pending_newlines = 0;
        self.out.push_str(text);
    }

    fn break_line(&mut self, newlines: usize) {
        let trimmed = self.out.trim_end_matches([' ', '\t']).len();
        self.out.truncate(trimmed);
        self.pending_newlines = self.pending_newlines.max(newlines);
    }

    /// Appends HTML text with its whitespace collapsed (`pre` keeps it).
    fn push_collapsed(&mut self, text: &str) {
        let mut piece = String::with_capacity(text.len());
        let mut space = false;
        for c in text.chars() {
            if matches!(c, ' ' | '\t' | '\n' | '\r' | '\u{c}') {
                space = true;
                continue;
            }
            let at_line_start = piece.is_empty()
                && (self.out.is_empty() || self.out.ends_with('\n') || self.pending_newlines > 0);
            if space && !at_line_start && !(piece.is_empty() && self.out.ends_with(' ')) {
                piece.push(' ');
            }
            space = false;
            piece.push(c);
        }
        // Trailing whitespace becomes one space, unless a line break or a space comes first.
        let follows_text = !piece.is_empty()
            || (self.pending_newlines == 0
                && !self.out.is_empty()
                && !self.out.ends_with([' ', '\n']));
        if space && follows_text {
            piece.push(' ');
        }
        self.push_text(&piece);
    }

    fn finish(self) -> String {
        self.out.trim_end().to_owned()
    }
}

/// The readable text of a Markdown document: headings, paragraphs, list items and code as
/// lines, emphasis and link markup removed (link text kept, URLs dropped), raw HTML dropped.
pub fn markdown_text(markdown: &str) -> String {
    use pulldown_cmark::{Event as Md, Parser, Tag, TagEnd};
    let mut sink = TextSink::default();
    for event in Parser::new(markdown) {
        match event {
            Md::Text(t) | Md::Code(t) => sink.push_text(&t),
            Md::SoftBreak => sink.push_text(" "),
            Md::HardBreak => sink.break_line(1),
            Md::Start(Tag::Item) | Md::End(TagEnd::Item) | Md::End(TagEnd::TableRow) => {
                sink.break_line(1)
            }
            Md::Start(Tag::TableCell) => sink.push_text(" "),
            Md::End(
                TagEnd::Paragraph
                | TagEnd::Heading(_)
                | TagEnd::CodeBlock
                | TagEnd::BlockQuote(_)
                | TagEnd::List(_)
                | TagEnd::Table,
            ) => sink.break_line(2),
            Md::Rule => sink.break_line(2),
            _ => {}
        }
    }
    sink.finish()
}

/// Elements whose content is never article text.
const HTML_SKIP: &[&str] = &[
    "head", "script", "style", "noscript", "template", "nav", "header", "footer", "aside", "svg",
    "iframe", "form", "button", "select", "canvas", "object",
];
/// Elements that end a line.
const HTML_LINE: &[&str] = &["br", "li", "tr", "dt", "dd", "option"];
/// Elements that are paragraphs of their own.
const HTML_BLOCK: &[&str] = &[
    "p",
    "div",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "ul",
    "ol",
    "dl",
    "blockquote",
    "pre",
    "figure",
    "figcaption",
    "article",
    "section",
    "main",
    "table",
    "hr",
    "address",
    "body",
];

/// The readable text of an HTML page: scripts, styles, navigation, headers, footers and asides
/// dropped; block elements become paragraph breaks, `br` and list items line breaks; entities
/// decoded; whitespace collapsed as a browser does (NBSP kept).
pub fn html_text(html: &str) -> String {
    let document = scraper::Html::parse_document(html);
    let mut sink = TextSink::default();
    walk_html(document.tree.root(), &mut sink, false);
    sink.finish()
}

fn walk_html(node: ego_tree::NodeRef<'_, scraper::Node>, sink: &mut TextSink, in_pre: bool) {
    match node.value() {
        scraper::Node::Text(text) => {
            if in_pre {
                sink.push_text(text);
            } else {
                sink.push_collapsed(text);
            }
        }
        scraper::Node::Element(element) => {
            let name = element.name();
            if HTML_SKIP.contains(&name) {
                return;
            }
            let breaks = if HTML_BLOCK.contains(&name) {
                2
            } else if HTML_LINE.contains(&name) {
                1
            } else {
                0
            };
            if breaks > 0 {
                sink.break_line(breaks);
            }
            let in_pre = in_pre || name == "pre";
            for child in node.children() {
                walk_html(child, sink, in_pre);
            }
            if breaks > 0 {
                sink.break_line(breaks);
            }
        }
        scraper::Node::Document | scraper::Node::Fragment => {
            for child in node.children() {
                walk_html(child, sink, in_pre);
            }
        }
        _ => {}
    }
}

/// One line of a JSONL corpus: `{"text", "id"?, "meta"?}`, plus the gold format's
/// `entities` and `events` (char offsets, end exclusive).
#[derive(Deserialize)]
struct JsonlLine {
    text: String,
    #[serde(default)]
    id: Option<serde_json::Value>,
    #[serde(default)]
    meta: Option<serde_json::Map<String, serde_json::Value>>,
    #[serde(default)]
    entities: Vec<GoldEntity>,
    #[serde(default)]
    events: Vec<GoldEvent>,
}

#[derive(Deserialize)]
struct GoldEntity {
    start: usize,
    end: usize,
    label: String,
}

#[derive(Deserialize)]
struct GoldSpan {
    start: usize,
    end: usize,
}

#[derive(Deserialize)]
struct GoldEvent {
    trigger: GoldSpan,
    #[serde(rename = "type")]
    event_type: String,
    #[serde(default)]
    arguments: Vec<GoldArgument>,
}

#[derive(Deserialize)]
struct GoldArgument {
    role: String,
    start: usize,
    end: usize,
}

/// The documents of a JSONL corpus, read line by line from `reader` (`path` names it in
/// errors) and parsed a batch at a time on every core, in order: memory holds a batch of
/// lines, and [`MAX_FILE_BYTES`] bounds each document, not the corpus. Byte offsets in errors
/// count from the start of the input. The first error ends the iteration.
pub fn jsonl_documents<R: BufRead>(
    path: &Path,
    reader: R,
) -> impl Iterator<Item = Result<Document, ImportError>> {
    jsonl_documents_limited(path, reader, MAX_FILE_BYTES)
}

fn jsonl_documents_limited<R: BufRead>(
    path: &Path,
    reader: R,
    limit: u64,
) -> impl Iterator<Item = Result<Document, ImportError>> {
    let owned = path.to_path_buf();
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let source_name = path
        .file_name()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    parse_lines(
        jsonl_lines_limited(path, reader, limit),
        move |line_no, line| jsonl_document(&owned, &stem, &source_name, line_no, line),
    )
}

/// The non-blank lines of a JSONL input with their numbers (from 1), read one at a time:
/// a byte-order mark and `\r\n` endings are dropped; a line over [`MAX_FILE_BYTES`], a NUL
/// byte or bad UTF-8 is an error (byte offsets from the start of the input), and so is an
/// input without a line. The first error ends the iteration.
pub fn jsonl_lines<R: BufRead>(path: &Path, reader: R) -> JsonlLines<R> {
    jsonl_lines_limited(path, reader, MAX_FILE_BYTES)
}

fn jsonl_lines_limited<R: BufRead>(path: &Path, reader: R, limit: u64) -> JsonlLines<R> {
    JsonlLines {
        limit,
        path: path.to_path_buf(),
        reader,
        line: Vec::new(),
        line_no: 0,
        offset: 0,
        seen: false,
        ended: false,
    }
}

/// See [`jsonl_lines`].
pub struct JsonlLines<R> {
    /// The most bytes of one line.
    limit: u64,
    path: PathBuf,
    reader: R,
    line: Vec<u8>,
    line_no: usize,
    /// Bytes read before the current line.
    offset: u64,
    seen: bool,
    ended: bool,
}

impl<R: BufRead> Iterator for JsonlLines<R> {
    type Item = Result<(usize, String), ImportError>;

    fn next(&mut self) -> Option<Self::Item> {
        let item = self.next_line();
        if !matches!(item, Some(Ok(_))) {
            self.ended = true;
        }
        item
    }
}

impl<R: BufRead> JsonlLines<R> {
    fn next_line(&mut self) -> Option<Result<(usize, String), ImportError>> {
        if self.ended {
            return None;
        }
        let path = || self.path.clone();
        loop {
            self.line.clear();
            let read = (&mut self.reader)
                .take(self.limit + 1)
                .read_until(b'\n', &mut self.line);
            let n = match read {
                Ok(n) => n,
                Err(source) => {
                    return Some(Err(ImportError::Io {
                        path: path(),
                        source,
                    }));
                }
            };
            if n == 0 {
                return (!self.seen).then(|| Err(ImportError::Empty { path: path() }));
            }
            self.line_no += 1;
            let start = self.offset;
            self.offset += n as u64;
            if n as u64 > self.limit && !self.line.ends_with(b"\n") {
                return Some(Err(ImportError::LineTooLarge {
                    path: path(),
                    line: self.line_no,
                }));
            }
            if let Some(at) = self.line.iter().position(|&b| b == 0) {
                return Some(Err(ImportError::Binary {
                    path: path(),
                    byte_offset: start as usize + at,
                }));
            }
            let line = match std::str::from_utf8(&self.line) {
                Ok(line) => line,
                Err(e) => {
                    return Some(Err(ImportError::NotUtf8 {
                        path: path(),
                        byte_offset: start as usize + e.valid_up_to(),
                    }));
                }
            };
            let line = if self.line_no == 1 {
                line.strip_prefix('\u{feff}').unwrap_or(line)
            } else {
                line
            };
            let line = line.strip_suffix('\n').unwrap_or(line);
            let line = line.strip_suffix('\r').unwrap_or(line);
            if line.trim().is_empty() {
                continue;
            }
            self.seen = true;
            return Some(Ok((self.line_no, line.to_owned())));
        }
    }
}

/// Lines per batch of [`parse_lines`], and the most bytes of one.
const LINE_BATCH: usize = 1_024;
const LINE_BATCH_BYTES: usize = 8 << 20;

/// `parse(line_no, line)` of every line of `lines`, a batch at a time on every core, in
/// order; the first error (reading or parsing) ends the iteration, as parsing one line after
/// another would.
pub fn parse_lines<R, T, E, F>(
    mut lines: JsonlLines<R>,
    parse: F,
) -> impl Iterator<Item = Result<T, E>>
where
    R: BufRead,
    T: Send,
    E: From<ImportError> + Send,
    F: Fn(usize, &str) -> Result<T, E> + Sync,
{
    let threads = crate::parallel::threads(None);
    let mut ready: std::vec::IntoIter<Result<T, E>> = Vec::new().into_iter();
    let mut ended = false;
    std::iter::from_fn(move || {
        loop {
            if let Some(item) = ready.next() {
                if item.is_err() {
                    ended = true;
                    ready = Vec::new().into_iter();
                }
                return Some(item);
            }
            if ended {
                return None;
            }
            let mut batch = Vec::new();
            let mut bytes = 0;
            let mut failed = None;
            while batch.len() < LINE_BATCH && bytes < LINE_BATCH_BYTES {
                match lines.next() {
                    Some(Ok(line)) => {
                        bytes += line.1.len();
                        batch.push(line);
                    }
                    Some(Err(e)) => {
                        failed = Some(e);
                        break;
                    }
                    None => break,
                }
            }
            ended = failed.is_some() || batch.len() < LINE_BATCH && bytes < LINE_BATCH_BYTES;
            let mut parsed =
                crate::parallel::map_ordered(&batch, threads, |(no, line)| parse(*no, line));
            parsed.extend(failed.map(|e| Err(e.into())));
            if parsed.is_empty() {
                return None;
            }
            ready = parsed.into_iter();
        }
    })
}

/// The document of one JSONL line (`line_no` counts from 1).
fn jsonl_document(
    path: &Path,
    stem: &str,
    source_name: &str,
    line_no: usize,
    line: &str,
) -> Result<Document, ImportError> {
    let err = |message: String| ImportError::Jsonl {
        path: path.to_path_buf(),
        line: line_no,
        message,
    };
    let parsed: JsonlLine = serde_json::from_str(line).map_err(|e| {
        err(format!(
            "{} (column {})",
            super::json_message(&e),
            e.column()
        ))
    })?;
    if parsed.text.is_empty() {
        return Err(err("\"text\" is empty".to_owned()));
    }
    let id = match parsed.id {
        Some(serde_json::Value::String(s)) if !s.is_empty() => s,
        Some(serde_json::Value::Number(n)) => n.to_string(),
        None => format!("{stem}-{line_no}"),
        Some(other) => {
            return Err(err(format!(
                "\"id\" must be a string or number, not {other}"
            )));
        }
    };
    let meta: BTreeMap<String, String> = parsed
        .meta
        .unwrap_or_default()
        .into_iter()
        .map(|(k, v)| match v {
            serde_json::Value::String(s) => (k, s),
            other => (k, other.to_string()),
        })
        .collect();
    let index = TextIndex::new(parsed.text.as_str());
    let span = |start: usize, end: usize, what: &str| {
        let span = Span { start, end };
        span.check(index.len_chars())
            .map(|()| span)
            .map_err(|e| err(format!("{what}: {e}")))
    };
    let origin = Origin::Imported {
        source: source_name.to_owned(),
    };
    let mut entities = Vec::with_capacity(parsed.entities.len());
    let mut by_span: HashMap<Span, EntityId> = HashMap::new();
    for (n, gold) in parsed.entities.into_iter().enumerate() {
        let id = EntityId(n as u32 + 1);
        let span = span(gold.start, gold.end, &format!("entity {}", n + 1))?;
        if gold.label.trim().is_empty() {
            return Err(err(format!("entity {} has an empty label", n + 1)));
        }
        by_span.entry(span).or_insert(id);
        entities.push(Entity {
            id,
            span,
            label: gold.label,
            origin: origin.clone(),
            status: Status::Accepted,
        });
    }
    let mut triggers: HashMap<Span, EventId> = HashMap::new();
    for (n, gold) in parsed.events.iter().enumerate() {
        if gold.event_type.trim().is_empty()
            || gold.arguments.iter().any(|a| a.role.trim().is_empty())
        {
            return Err(err(format!("event {} has an empty type or role", n + 1)));
        }
        let trigger = span(
            gold.trigger.start,
            gold.trigger.end,
            &format!("event {} trigger", n + 1),
        )?;
        triggers.entry(trigger).or_insert(EventId(n as u32 + 1));
    }
    let mut events = Vec::with_capacity(parsed.events.len());
    for (n, gold) in parsed.events.into_iter().enumerate() {
        let id = EventId(n as u32 + 1);
        let mut arguments = Vec::with_capacity(gold.arguments.len());
        for arg in gold.arguments {
            let at = span(
                arg.start,
                arg.end,
                &format!("event {} argument {}", n + 1, arg.role),
            )?;
            // An argument names an entity by its span, or (nested events) another trigger.
            let target = match (by_span.get(&at), triggers.get(&at)) {
                (Some(&entity), _) => ArgTarget::Entity(entity),
                (None, Some(&event)) if event != id => ArgTarget::Event(event),
                _ => {
                    return Err(err(format!(
                        "event {} argument {} at {at} is neither an entity nor another event's trigger",
                        n + 1,
                        arg.role
                    )));
                }
            };
            arguments.push(Argument {
                role: arg.role,
                target,
            });
        }
        let trigger = Span {
            start: gold.trigger.start,
            end: gold.trigger.end,
        };
        events.push(Event {
            id,
            event_type: gold.event_type,
            trigger,
            arguments,
            origin: origin.clone(),
            status: Status::Accepted,
        });
    }
    let name = id.clone();
    let source = Source {
        path: path.to_path_buf(),
        format: SourceFormat::Jsonl,
    };
    Ok(Document::new(id, name, Some(source), parsed.text)
        .with_annotations(entities, events, Vec::new())
        .with_meta(meta))
}

/// The schema edits needed before `documents` fit `schema`: first what a schema that came
/// with the import (brat's `annotation.conf`) defines and `schema` lacks, then entity labels,
/// event types and relation types the documents still use (labels grey, without hotkey; event
/// roles as seen, any label, any count; relations between any labels). Empty when they fit.
pub fn schema_additions(
    schema: &Schema,
    conf: Option<&Schema>,
    documents: &[Document],
) -> Vec<Edit> {
    let mut schema = schema.clone();
    let mut edits = Vec::new();
    let mut add = |schema: &mut Schema, edit: Edit| {
        match &edit {
            Edit::AddEntityLabel { label } => schema.entity_labels.push(label.clone()),
            Edit::AddEventType { event_type } => schema.event_types.push(event_type.clone()),
            Edit::AddRelationType { relation_type } => {
                schema.relation_types.push(relation_type.clone())
            }
            _ => {}
        }
        edits.push(edit);
    };
    let taken = |schema: &Schema, name: &str| {
        schema.entity_label(name).is_some() || schema.event_type(name).is_some()
    };
    if let Some(conf) = conf {
        for label in &conf.entity_labels {
            if !taken(&schema, &label.name) {
                add(
                    &mut schema,
                    Edit::AddEntityLabel {
                        label: label.clone(),
                    },
                );
            }
        }
        for event_type in &conf.event_types {
            if !taken(&schema, &event_type.name) {
                add(
                    &mut schema,
                    Edit::AddEventType {
                        event_type: event_type.clone(),
                    },
                );
            }
        }
        for relation_type in &conf.relation_types {
            if schema.relation_type(&relation_type.name).is_none() {
                add(
                    &mut schema,
                    Edit::AddRelationType {
                        relation_type: relation_type.clone(),
                    },
                );
            }
        }
    }
    for doc in documents {
        for entity in doc.entities() {
            if !taken(&schema, &entity.label) {
                let label = EntityLabel::plain(&entity.label);
                add(&mut schema, Edit::AddEntityLabel { label });
            }
        }
        for event in doc.events() {
            if schema.event_type(&event.event_type).is_none() {
                // Roles as every event of this type in the import uses them.
                let mut roles: Vec<Role> = Vec::new();
                for arg in documents
                    .iter()
                    .flat_map(|d| d.events())
                    .filter(|e| e.event_type == event.event_type)
                    .flat_map(|e| &e.arguments)
                {
                    if !roles.iter().any(|r| r.name == arg.role) {
                        roles.push(Role {
                            name: arg.role.clone(),
                            labels: Vec::new(),
                            count: Cardinality::ZeroOrMore,
                        });
                    }
                }
                let event_type = EventType {
                    name: event.event_type.clone(),
                    description: String::new(),
                    color: DEFAULT_LABEL_COLOR,
                    roles,
                };
                add(&mut schema, Edit::AddEventType { event_type });
            }
        }
        for relation in doc.relations() {
            if schema.relation_type(&relation.relation_type).is_none() {
                let relation_type = RelationType {
                    name: relation.relation_type.clone(),
                    description: String::new(),
                    from: Vec::new(),
                    to: Vec::new(),
                };
                add(&mut schema, Edit::AddRelationType { relation_type });
            }
        }
    }
    edits
}

/// How imported documents join a project.
#[derive(Debug)]
pub struct Addition {
    /// One edit: the schema additions, then every new document.
    pub edit: Edit,
    /// What the schema gains, as "label Person", "event type Report"…
    pub schema_changes: Vec<String>,
    /// Ids of the documents added.
    pub added: Vec<String>,
    /// Names of documents skipped because the project (or the import) already has their text.
    pub skipped: Vec<String>,
    pub entities: usize,
    pub events: usize,
    pub relations: usize,
}

/// Plans adding `documents` (and a schema that came with them) to `project`: unique ids, texts
/// already present skipped, schema extended. Applying `edit` does it all as one undoable step.
pub fn plan_addition(
    project: &Project,
    documents: Vec<Document>,
    conf: Option<&Schema>,
) -> Addition {
    let mut edits = schema_additions(project.schema(), conf, &documents);
    let schema_changes = edits
        .iter()
        .filter_map(|e| match e {
            Edit::AddEntityLabel { label } => Some(format!("label {}", label.name)),
            Edit::AddEventType { event_type } => Some(format!("event type {}", event_type.name)),
            Edit::AddRelationType { relation_type } => {
                Some(format!("relation type {}", relation_type.name))
            }
            _ => None,
        })
        .collect();
    let mut hashes: HashSet<String> = project
        .documents()
        .iter()
        .map(|d| d.text_hash().to_owned())
        .collect();
    let mut ids = crate::model::NewIds::default();
    let mut addition = Addition {
        edit: Edit::Batch(Vec::new()),
        schema_changes,
        added: Vec::new(),
        skipped: Vec::new(),
        entities: 0,
        events: 0,
        relations: 0,
    };
    let mut index = project.documents().len();
    for doc in documents {
        if !hashes.insert(doc.text_hash().to_owned()) {
            addition.skipped.push(doc.name().to_owned());
            continue;
        }
        let id = ids.claim(project, doc.id());
        addition.added.push(id.clone());
        addition.entities += doc.entities().len();
        addition.events += doc.events().len();
        addition.relations += doc.relations().len();
        edits.push(Edit::AddDocument {
            index,
            document: Box::new(doc.with_id(id)),
        });
        index += 1;
    }
    addition.edit = Edit::Batch(edits);
    addition
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(input: &str, limit: u64) -> Vec<Result<Document, ImportError>> {
        jsonl_documents_limited(Path::new("c.jsonl"), input.as_bytes(), limit).collect()
    }

    #[test]
    fn lines_parse_a_batch_at_a_time_in_order_and_the_first_error_ends_them() {
        let n = 3 * LINE_BATCH + 17;
        let input: String = (1..=n)
            .map(|i| format!("{{\"id\": \"서울-{i}\", \"text\": \"— {i}\"}}\r\n"))
            .collect();
        let docs: Vec<Document> = read(&input, MAX_FILE_BYTES)
            .into_iter()
            .collect::<Result<_, _>>()
            .unwrap();
        assert_eq!(docs.len(), n);
        assert!(
            docs.iter()
                .enumerate()
                .all(|(i, d)| d.id() == format!("서울-{}", i + 1))
        );
        // A bad line in the second batch: the lines before it, then its error, then nothing.
        let bad = LINE_BATCH + 5;
        let input: String = (1..=n)
            .map(|i| {
                if i == bad {
                    "{\"text\": 7}\n".to_owned()
                } else {
                    format!("{{\"text\": \"t{i}\"}}\n")
                }
            })
            .collect();
        let read = read(&input, MAX_FILE_BYTES);
        assert_eq!(read.len(), bad);
        assert!(read[..bad - 1].iter().all(Result::is_ok));
        assert!(
            matches!(read[bad - 1], Err(ImportError::Jsonl { line, .. }) if line == bad),
            "{:?}",
            read[bad - 1]
        );
    }

    #[test]
    fn a_corpus_past_the_limit_streams_while_each_line_is_under_it() {
        let line = |i: usize| format!("{{\"id\": \"d{i}\", \"text\": \"서울 — d{i}\"}}\r\n");
        let corpus: String = (0..50).map(line).collect();
        let limit = line(10).len() as u64;
        assert!(corpus.len() as u64 > limit * 40);
        let docs = read(&format!("\u{feff}{corpus}\n\n"), limit);
        assert_eq!(docs.len(), 50);
        let last = docs[49].as_ref().unwrap();
        assert_eq!((last.id(), last.text()), ("d49", "서울 — d49"));
    }

    #[test]
    fn a_line_over_the_limit_names_its_line_and_ends_the_corpus() {
        let input =
            "{\"text\": \"short\"}\n{\"text\": \"a much longer line\"}\n{\"text\": \"x\"}\n";
        let docs = read(input, 20);
        assert_eq!(docs.len(), 2);
        assert!(docs[0].is_ok());
        let err = docs[1].as_ref().unwrap_err();
        assert!(
            matches!(err, ImportError::LineTooLarge { line: 2, .. }),
            "{err}"
        );
        assert!(
            err.to_string().starts_with("c.jsonl, line 2: more than"),
            "{err}"
        );
    }

    #[test]
    fn bad_bytes_are_placed_from_the_start_of_the_input() {
        let first = "{\"text\": \"é\"}\n";
        let docs = read(&format!("{first}{{\"text\": \"\0\"}}\n"), MAX_FILE_BYTES);
        let at = first.len() + 10;
        assert!(
            matches!(docs[1], Err(ImportError::Binary { byte_offset, .. }) if byte_offset == at)
        );
        let docs: Vec<_> =
            jsonl_documents(Path::new("c.jsonl"), &b"{\"text\": \"\xff\"}"[..]).collect();
        assert!(matches!(
            docs[0],
            Err(ImportError::NotUtf8 {
                byte_offset: 10,
                ..
            })
        ));
        assert!(matches!(
            read(" \n\n", MAX_FILE_BYTES)[..],
            [Err(ImportError::Empty { .. })]
        ));
    }
}
