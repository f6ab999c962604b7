//! CoNLL-style token files: one token per line with its tag, a blank line after each
//! sentence, and `-DOCSTART- -X- O O` before each document: the separator spaCy's
//! `spacy convert --converter ner` splits documents on (with CoNLL-2003's own
//! `-DOCSTART- -X- -X- O` it keeps each separator as a one-token document); readers that skip
//! lines starting with `-DOCSTART-` (Hugging Face's conll2003 script, flair) skip it too.
//!
//! ```text
//! -DOCSTART- -X- O O
//!
//! EU B-ORG
//! rejects O
//! German B-NORP
//! call O
//! . O
//! ```
//!
//! With [`Columns::Four`] each line is the CoNLL-2003 `word POS chunk NER`, the two middle
//! columns `_` (tagdesk has no POS or chunk tags): `EU _ _ B-ORG`. Tokens and sentences are the
//! engine's ([`crate::annotate::tokenize`], [`crate::annotate::sentences`]); a sentence break
//! inside an entity is dropped so that no entity is cut in two. Labels with whitespace would
//! split a column, so it becomes `_` ([`conll_name`]); the importer maps it back through the
//! project schema.
//!
//! With `record_spacing`, a `# text = "…"` line (the document's text as a JSON string) follows
//! each `-DOCSTART-` line, so that an import rebuilds the exact text and offsets; trainers that
//! do not skip comments would read it as a token, so it is off by default.

use std::borrow::Cow;

use super::{ExportDocument, ExportOptions, OutputFile};
use crate::annotate::{Token, sentences, tokenize};
use crate::model::Span;

/// How entity tokens are tagged.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum TagScheme {
    /// Every entity starts with `B-`, continues with `I-`.
    #[default]
    Iob2,
    /// `I-` throughout; `B-` only on the first token of an entity that directly follows
    /// another of the same label (the original CoNLL-2003 files).
    Iob1,
    /// `B-` begin, `I-` inside, `L-` last, `U-` a single-token entity.
    Bilou,
}

/// The columns of each token line.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Columns {
    /// `token TAG`, what most trainers read.
    #[default]
    Two,
    /// CoNLL-2003 `word POS chunk NER`, with `_` for the POS and chunk columns.
    Four,
}

/// The separator line written before each document.
pub const DOCSTART: &str = "-DOCSTART- -X- O O";

/// The start of the line that records a document's exact text.
pub const TEXT_COMMENT: &str = "# text = ";

/// A label as a CoNLL column: whitespace would split it, so it becomes `_`.
pub fn conll_name(label: &str) -> Cow<'_, str> {
    if label.contains(char::is_whitespace) {
        Cow::Owned(label.replace(char::is_whitespace, "_"))
    } else {
        Cow::Borrowed(label)
    }
}

/// Token index range `[first, last)` of the tokens a span overlaps (empty if none).
pub(crate) fn token_range(tokens: &[Token], span: Span) -> std::ops::Range<usize> {
    let first = tokens.partition_point(|t| t.span.end <= span.start);
    let last = tokens.partition_point(|t| t.span.start < span.end);
    first..last.max(first)
}

/// A document's sentences as (token text, tag) pairs.
pub(super) fn tagged_sentences<'a>(
    doc: &ExportDocument<'a>,
    scheme: TagScheme,
) -> Vec<Vec<(&'a str, String)>> {
    let text = doc.document.text();
    let tokens = tokenize(text);
    // Which entity each token belongs to; the pre-flight made entities disjoint, so the first
    // claim stands if a caller passes overlapping ones anyway.
    let mut owner: Vec<Option<usize>> = vec![None; tokens.len()];
    for (n, entity) in doc.entities.iter().enumerate() {
        for slot in &mut owner[token_range(&tokens, entity.span)] {
            slot.get_or_insert(n);
        }
    }
    let mut ranges: Vec<std::ops::Range<usize>> = Vec::new();
    for sentence in sentences(text, &tokens) {
        let range = sentence.tokens;
        match ranges.last_mut() {
            Some(prev)
                if range.start > 0
                    && owner[range.start].is_some()
                    && owner[range.start] == owner[range.start - 1] =>
            {
                prev.end = range.end
            }
            _ => ranges.push(range),
        }
    }
    let label = |n: usize| conll_name(&doc.entities[n].label);
    ranges
        .into_iter()
        .map(|range| {
            range
                .clone()
                .map(|i| {
                    let word = tokens[i].text(text);
                    let Some(n) = owner[i] else {
                        return (word, "O".to_owned());
                    };
                    let prev = (i > range.start).then(|| owner[i - 1]).flatten();
                    let next = (i + 1 < range.end).then(|| owner[i + 1]).flatten();
                    let first = prev != Some(n);
                    let last = next != Some(n);
                    let prefix = match scheme {
                        TagScheme::Iob2 => {
                            if first {
                                "B"
                            } else {
                                "I"
                            }
                        }
                        TagScheme::Iob1 => match prev {
                            Some(m) if first && label(m) == label(n) => "B",
                            _ => "I",
                        },
                        TagScheme::Bilou => match (first, last) {
                            (true, true) => "U",
                            (true, false) => "B",
                            (false, true) => "L",
                            (false, false) => "I",
                        },
                    };
                    (word, format!("{prefix}-{}", label(n)))
                })
                .collect()
        })
        .collect()
}

/// The whole export as one `.conll` file.
pub(super) fn write(
    documents: &[ExportDocument],
    scheme: TagScheme,
    options: &ExportOptions,
) -> OutputFile {
    let mut out = String::new();
    for doc in documents {
        out.push_str(DOCSTART);
        out.push('\n');
        if options.record_spacing {
            out.push_str(TEXT_COMMENT);
            // Serialising a string to JSON cannot fail.
            out.push_str(&serde_json::Value::from(doc.document.text()).to_string());
            out.push('\n');
        }
        out.push('\n');
        for sentence in tagged_sentences(doc, scheme) {
            for (word, tag) in sentence {
                out.push_str(word);
                if options.columns == super::Columns::Four {
                    out.push_str(" _ _");
                }
                out.push(' ');
                out.push_str(&tag);
                out.push('\n');
            }
            out.push('\n');
        }
    }
    OutputFile {
        path: "export.conll".into(),
        bytes: out.into_bytes(),
    }
}
