//! CoNLL-style token files: one token per line, whitespace-separated columns, the token first
//! and the tag last; a blank line ends a sentence; a `-DOCSTART-` line starts a document.
//!
//! The tag scheme is detected from the whole file: `L-`/`U-` (or `E-`/`S-`) tags mean BILOU
//! (BIOES); an `I-` that starts an entity means IOB1; otherwise IOB2. A sequence the scheme
//! does not allow (`I-PER` right after `B-ORG` in a file that starts entities with `B-`, a
//! `B-` not followed by `I-`/`L-` in BILOU) is an error naming the line.
//!
//! The text is rebuilt with one space between tokens and a line break between sentences;
//! each `-DOCSTART-` section is one document. A `# text = "…"` line (a JSON string, as
//! tagdesk's CoNLL export writes with `record_spacing`) records a document's exact text: the
//! tokens are then found in it in order, and the text and offsets come back unchanged.

use std::path::Path;

use super::{
    ExchangeError, ImportOptions, Imported, Location, Reason, entity_labels, file_name, file_stem,
    resolve_name,
};
use crate::formats::export::{TEXT_COMMENT, conll_name};
use crate::model::{Document, Entity, EntityId, Origin, Source, SourceFormat, Span, Status};

struct RawToken<'a> {
    word: &'a str,
    tag: Tag<'a>,
    raw_tag: &'a str,
    line: usize,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Prefix {
    Begin,
    Inside,
    Last,
    Unit,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Tag<'a> {
    Outside,
    Entity(Prefix, &'a str),
}

#[derive(Default)]
struct RawDocument<'a> {
    recorded_text: Option<(String, usize)>,
    sentences: Vec<Vec<RawToken<'a>>>,
}

fn parse_tag(tag: &str) -> Option<Tag<'_>> {
    if tag == "O" {
        return Some(Tag::Outside);
    }
    let (prefix, label) = tag.split_once('-')?;
    let prefix = match prefix {
        "B" => Prefix::Begin,
        "I" => Prefix::Inside,
        "L" | "E" => Prefix::Last,
        "U" | "S" => Prefix::Unit,
        _ => return None,
    };
    (!label.is_empty()).then_some(Tag::Entity(prefix, label))
}

/// Parses a CoNLL/IOB file into one document per `-DOCSTART-` section.
pub fn parse_conll(
    path: &Path,
    content: &str,
    options: &ImportOptions,
) -> Result<Imported, ExchangeError> {
    let err = |line, reason| ExchangeError::invalid(path, Location::Line(line), reason);
    let content = content.strip_prefix('\u{feff}').unwrap_or(content);
    let mut documents: Vec<RawDocument> = Vec::new();
    let mut doc = RawDocument::default();
    let mut sentence: Vec<RawToken> = Vec::new();
    let mut skipped_comments = 0;
    for (i, line) in content.split('\n').enumerate() {
        let line_no = i + 1;
        let line = line.strip_suffix('\r').unwrap_or(line);
        let columns: Vec<&str> = line.split_whitespace().collect();
        let is_docstart = columns.first() == Some(&"-DOCSTART-");
        if (columns.is_empty() || is_docstart) && !sentence.is_empty() {
            doc.sentences.push(std::mem::take(&mut sentence));
        }
        if is_docstart {
            documents.push(std::mem::take(&mut doc));
            continue;
        }
        if let Some(recorded) = line.strip_prefix(TEXT_COMMENT) {
            match serde_json::from_str::<String>(recorded) {
                Ok(text) => doc.recorded_text = Some((text, line_no)),
                Err(_) => skipped_comments += 1,
            }
            continue;
        }
        let [word, .., raw_tag] = columns[..] else {
            if let [_] = columns[..] {
                return Err(err(
                    line_no,
                    Reason::Truncated(format!("{line:?} has a token but no tag column")),
                ));
            }
            continue; // a blank line
        };
        let tag = parse_tag(raw_tag)
            .ok_or_else(|| err(line_no, Reason::UnknownTag(raw_tag.to_owned())))?;
        sentence.push(RawToken {
            word,
            tag,
            raw_tag,
            line: line_no,
        });
    }
    if !sentence.is_empty() {
        doc.sentences.push(sentence);
    }
    documents.push(doc);
    documents.retain(|d| !d.sentences.is_empty());
    check_scheme(&documents).map_err(|(line, reason)| err(line, reason))?;

    let source = file_name(path);
    let stem = file_stem(path);
    let mut imported = Imported::default();
    let count = documents.len();
    for (n, raw) in documents.into_iter().enumerate() {
        let (text, token_spans) = match &raw.recorded_text {
            Some((text, line)) => (
                text.clone(),
                align(text, &raw.sentences).map_err(|reason| err(*line, reason))?,
            ),
            None => rebuild(&raw.sentences),
        };
        let mut entities: Vec<Entity> = Vec::new();
        let tokens = raw
            .sentences
            .iter()
            .flat_map(|s| s.iter().enumerate().map(move |(i, t)| (i == 0, t)));
        let mut open: Option<(Span, &str)> = None;
        let close = |open: &mut Option<(Span, &str)>, entities: &mut Vec<Entity>| {
            if let Some((span, label)) = open.take() {
                entities.push(Entity {
                    id: EntityId(entities.len() as u32 + 1),
                    span,
                    label: resolve_name(label, entity_labels(options), conll_name),
                    origin: Origin::Imported {
                        source: source.clone(),
                    },
                    status: Status::Accepted,
                });
            }
        };
        for ((sentence_start, token), span) in tokens.zip(token_spans) {
            let Tag::Entity(prefix, label) = token.tag else {
                close(&mut open, &mut entities);
                continue;
            };
            // `I-`/`L-` go on with the open entity of their label (the scheme check made sure
            // nothing else is valid); every other tag, or a new sentence, starts one.
            let continues = !sentence_start
                && matches!(prefix, Prefix::Inside | Prefix::Last)
                && open.is_some_and(|(_, l)| l == label);
            match &mut open {
                Some((open_span, _)) if continues => open_span.end = span.end,
                _ => {
                    close(&mut open, &mut entities);
                    open = Some((span, label));
                }
            }
            if matches!(prefix, Prefix::Last | Prefix::Unit) {
                close(&mut open, &mut entities);
            }
        }
        close(&mut open, &mut entities);
        let id = if count == 1 {
            stem.clone()
        } else {
            format!("{stem}-{}", n + 1)
        };
        let doc_source = Source {
            path: path.to_path_buf(),
            format: SourceFormat::PlainText,
        };
        imported.documents.push(
            Document::new(id.clone(), id, Some(doc_source), text).with_annotations(
                entities,
                Vec::new(),
                Vec::new(),
            ),
        );
    }
    if skipped_comments > 0 {
        imported.notes.push(format!(
            "{source}: {skipped_comments} \"# text = \" line(s) without a JSON string skipped"
        ));
    }
    Ok(imported)
}

/// Checks every tag sequence against the file's scheme; the error names the line.
fn check_scheme(documents: &[RawDocument]) -> Result<(), (usize, Reason)> {
    let sentences = || documents.iter().flat_map(|d| &d.sentences);
    let bad = |line: usize, tag: &str, previous: &str, why| {
        Err((
            line,
            Reason::BadSequence {
                tag: tag.to_owned(),
                previous: previous.to_owned(),
                why,
            },
        ))
    };
    let bilou = sentences()
        .flatten()
        .any(|t| matches!(t.tag, Tag::Entity(Prefix::Last | Prefix::Unit, _)));
    if bilou {
        for sentence in sentences() {
            for (i, token) in sentence.iter().enumerate() {
                let prev = i.checked_sub(1).map(|p| &sentence[p]);
                let next = sentence.get(i + 1);
                let Tag::Entity(prefix, label) = token.tag else {
                    continue;
                };
                let opened = matches!(prev.map(|p| p.tag),
                    Some(Tag::Entity(Prefix::Begin | Prefix::Inside, l)) if l == label);
                let continued = matches!(next.map(|n| n.tag),
                    Some(Tag::Entity(Prefix::Inside | Prefix::Last, l)) if l == label);
                if matches!(prefix, Prefix::Inside | Prefix::Last) && !opened {
                    let previous = prev.map_or("the sentence start", |p| p.raw_tag);
                    return bad(
                        token.line,
                        token.raw_tag,
                        previous,
                        "in BILOU an entity starts with B- (or is one U- token)",
                    );
                }
                if matches!(prefix, Prefix::Begin | Prefix::Inside) && !continued {
                    let (line, tag) =
                        next.map_or((token.line, "the sentence end"), |n| (n.line, n.raw_tag));
                    return bad(
                        line,
                        tag,
                        token.raw_tag,
                        "in BILOU an entity goes on with I- and ends with L- of its label",
                    );
                }
            }
        }
        return Ok(());
    }
    // In IOB2 `B-` starts every entity; in IOB1 `I-` does, and `B-` only separates two
    // touching entities of one label. Whichever the file does first sets the scheme.
    let mut b_start: Option<(&RawToken, &str)> = None;
    let mut i_start: Option<(&RawToken, &str)> = None;
    for sentence in sentences() {
        for (i, token) in sentence.iter().enumerate() {
            let Tag::Entity(prefix, label) = token.tag else {
                continue;
            };
            let prev = i.checked_sub(1).map(|p| &sentence[p]);
            if matches!(prev.map(|p| p.tag), Some(Tag::Entity(_, l)) if l == label) {
                continue;
            }
            let previous = prev.map_or("the sentence start", |p| p.raw_tag);
            let slot = if prefix == Prefix::Begin {
                &mut b_start
            } else {
                &mut i_start
            };
            slot.get_or_insert((token, previous));
        }
    }
    match (b_start, i_start) {
        (Some((b, _)), Some((i, previous))) if b.line < i.line => bad(
            i.line,
            i.raw_tag,
            previous,
            "this file starts entities with B- (IOB2), so an entity cannot start with I-",
        ),
        (Some((b, previous)), Some(_)) => bad(
            b.line,
            b.raw_tag,
            previous,
            "this file starts entities with I- (IOB1), where B- only separates two touching \
             entities of one label",
        ),
        _ => Ok(()),
    }
}

/// One space between tokens, a line break between sentences; the spans of the tokens.
fn rebuild(sentences: &[Vec<RawToken>]) -> (String, Vec<Span>) {
    let mut text = String::new();
    let mut spans = Vec::new();
    let mut chars = 0;
    for (s, sentence) in sentences.iter().enumerate() {
        if s > 0 {
            text.push('\n');
            chars += 1;
        }
        for (i, token) in sentence.iter().enumerate() {
            if i > 0 {
                text.push(' ');
                chars += 1;
            }
            let len = token.word.chars().count();
            text.push_str(token.word);
            spans.push(Span {
                start: chars,
                end: chars + len,
            });
            chars += len;
        }
    }
    (text, spans)
}

/// Finds the tokens in order in a recorded text, with only whitespace between them.
fn align(text: &str, sentences: &[Vec<RawToken>]) -> Result<Vec<Span>, Reason> {
    let mut spans = Vec::new();
    let mut rest = text;
    let mut chars = 0;
    for (n, token) in sentences.iter().flatten().enumerate() {
        let trimmed = rest.trim_start();
        chars += rest[..rest.len() - trimmed.len()].chars().count();
        rest = trimmed;
        let Some(after) = rest.strip_prefix(token.word) else {
            let expected: String = rest.chars().take(token.word.chars().count()).collect();
            return Err(Reason::TextMismatch {
                what: format!("token {} (line {})", n + 1, token.line),
                found: token.word.to_owned(),
                expected,
            });
        };
        let len = token.word.chars().count();
        spans.push(Span {
            start: chars,
            end: chars + len,
        });
        chars += len;
        rest = after;
    }
    if !rest.trim().is_empty() {
        let extra: String = rest.trim_start().chars().take(20).collect();
        return Err(Reason::Malformed(format!(
            "the recorded text goes on after the last token: {extra:?}"
        )));
    }
    Ok(spans)
}
