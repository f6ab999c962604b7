//! Selection logic of the text view, in chars: words, token snapping, occurrences, keyboard
//! movement. Pure functions over the document text, unit-tested without egui.

use crate::annotate::tokenize;
use crate::model::{Document, Span};

/// A selection in chars: `anchor` stays where it started, `head` moves with the mouse or keys.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Selection {
    pub anchor: usize,
    pub head: usize,
}

impl Selection {
    pub fn caret(at: usize) -> Self {
        Self {
            anchor: at,
            head: at,
        }
    }

    /// The selected chars, or `None` for a bare caret.
    pub fn span(self) -> Option<Span> {
        Span::new(self.anchor.min(self.head), self.anchor.max(self.head)).ok()
    }
}

/// Word chars: letters, digits and marks (so `é` and Hangul syllables join their word).
fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || ('\u{300}'..='\u{36f}').contains(&c)
}

/// The word around char `at` (for a double click): a run of word chars, or the single other
/// char at `at`.
pub fn word_at(doc: &Document, at: usize) -> Option<Span> {
    let chars: Vec<char> = line_chars(doc, at);
    let line_start = line_start(doc, at);
    let local = at.checked_sub(line_start)?;
    let c = *chars.get(local)?;
    if !is_word_char(c) {
        return Span::new(at, at + 1).ok();
    }
    let start = chars[..local]
        .iter()
        .rposition(|&c| !is_word_char(c))
        .map_or(0, |p| p + 1);
    let end = chars[local..]
        .iter()
        .position(|&c| !is_word_char(c))
        .map_or(chars.len(), |p| local + p);
    Span::new(line_start + start, line_start + end).ok()
}

/// Char offset of the start of the line holding char `at`.
fn line_start(doc: &Document, at: usize) -> usize {
    let index = doc.index();
    let byte = index.char_to_byte(at.min(index.len_chars())).unwrap_or(0);
    let start_byte = doc.text()[..byte].rfind('\n').map_or(0, |b| b + 1);
    index.byte_to_char(start_byte).unwrap_or(0)
}

/// The chars of the line holding char `at` (without its newline).
fn line_chars(doc: &Document, at: usize) -> Vec<char> {
    let index = doc.index();
    let byte = index.char_to_byte(at.min(index.len_chars())).unwrap_or(0);
    let text = doc.text();
    let start = text[..byte].rfind('\n').map_or(0, |b| b + 1);
    let end = text[byte..].find('\n').map_or(text.len(), |b| byte + b);
    text[start..end].chars().collect()
}

/// The selection with surrounding whitespace removed; `None` if nothing but whitespace.
pub fn trim(doc: &Document, span: Span) -> Option<Span> {
    let text = doc.span_text(span)?;
    let leading = text.chars().take_while(|c| c.is_whitespace()).count();
    let trailing = text.chars().rev().take_while(|c| c.is_whitespace()).count();
    Span::new(span.start + leading, span.end.saturating_sub(trailing)).ok()
}

/// The selection grown to whole tokens of the engine's tokenizer (what exports count), after
/// trimming whitespace. Only the lines the selection touches are tokenized.
pub fn snap_to_tokens(doc: &Document, span: Span) -> Option<Span> {
    let span = trim(doc, span)?;
    let index = doc.index();
    let text = doc.text();
    let first_line = line_start(doc, span.start);
    let (start_byte, end_byte) = (
        index.char_to_byte(first_line)?,
        index.char_to_byte(span.end)?,
    );
    let end_byte = text[end_byte..]
        .find('\n')
        .map_or(text.len(), |b| end_byte + b);
    let tokens = tokenize(&text[start_byte..end_byte]);
    let (local_start, local_end) = (span.start - first_line, span.end - first_line);
    let touched: Vec<&Span> = tokens
        .iter()
        .map(|t| &t.span)
        .filter(|t| t.start < local_end && local_start < t.end)
        .collect();
    let (first, last) = (touched.first()?, touched.last()?);
    Span::new(
        first_line + first.start.min(local_start),
        first_line + last.end.max(local_end),
    )
    .ok()
}

/// Every occurrence of `needle` in the document, as char spans, whole words only (so labelling
/// every "Park" leaves "Parkinson" alone).
pub fn occurrences(doc: &Document, needle: &str) -> Vec<Span> {
    if needle.trim().is_empty() {
        return Vec::new();
    }
    let text = doc.text();
    let index = doc.index();
    let needle_chars = needle.chars().count();
    let bounded = |byte: usize, before: bool| {
        let neighbour = if before {
            text[..byte].chars().next_back()
        } else {
            text[byte..].chars().next()
        };
        neighbour.is_none_or(|c| !is_word_char(c))
    };
    let starts_word = needle.chars().next().is_some_and(is_word_char);
    let ends_word = needle.chars().next_back().is_some_and(is_word_char);
    text.match_indices(needle)
        .filter(|(byte, _)| {
            (!starts_word || bounded(*byte, true))
                && (!ends_word || bounded(byte + needle.len(), false))
        })
        .filter_map(|(byte, _)| {
            let start = index.byte_to_char(byte)?;
            Span::new(start, start + needle_chars).ok()
        })
        .collect()
}

/// Moves `at` one word left or right, as Ctrl+arrow does.
pub fn word_step(doc: &Document, at: usize, forward: bool) -> usize {
    let len = doc.index().len_chars();
    let text = doc.text();
    let index = doc.index();
    let byte = index.char_to_byte(at.min(len)).unwrap_or(0);
    if forward {
        let rest = &text[byte..];
        let skip_non = rest.chars().take_while(|c| !is_word_char(*c)).count();
        let skip_word = rest
            .chars()
            .skip(skip_non)
            .take_while(|c| is_word_char(*c))
            .count();
        (at + skip_non + skip_word).min(len)
    } else {
        let before = &text[..byte];
        let skip_non = before
            .chars()
            .rev()
            .take_while(|c| !is_word_char(*c))
            .count();
        let skip_word = before
            .chars()
            .rev()
            .skip(skip_non)
            .take_while(|c| is_word_char(*c))
            .count();
        at.saturating_sub(skip_non + skip_word)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(text: &str) -> Document {
        Document::new("d".into(), "d".into(), None, text.into())
    }

    fn text_of(doc: &Document, span: Option<Span>) -> Option<&str> {
        span.and_then(|s| doc.span_text(s))
    }

    #[test]
    fn selection_span_is_ordered_and_empty_for_a_caret() {
        assert_eq!(
            Selection { anchor: 9, head: 4 }.span(),
            Some(Span { start: 4, end: 9 })
        );
        assert_eq!(Selection::caret(3).span(), None);
    }

    #[test]
    fn double_click_picks_the_word_in_any_script() {
        let d = doc("Minister Park Ji-won (박지원) met Hill.\nCafé");
        assert_eq!(text_of(&d, word_at(&d, 10)), Some("Park"));
        assert_eq!(text_of(&d, word_at(&d, 23)), Some("박지원"));
        assert_eq!(
            text_of(&d, word_at(&d, 16)),
            Some("-"),
            "punctuation is its own word"
        );
        let cafe = d.text().chars().count() - 2;
        assert_eq!(text_of(&d, word_at(&d, cafe)), Some("Café"), "second line");
    }

    #[test]
    fn snapping_grows_to_tokens_and_drops_whitespace() {
        let d = doc("He met Park Ji-won in the U.S. on Friday.");
        // " Park Ji-w" (leading space, cut inside the hyphenated name) snaps to "Park Ji-won".
        assert_eq!(
            text_of(&d, snap_to_tokens(&d, Span { start: 6, end: 17 })),
            Some("Park Ji-won")
        );
        // "U.S" grows to the abbreviation token "U.S.".
        let us = d.text().find("U.S").unwrap();
        assert_eq!(
            text_of(
                &d,
                snap_to_tokens(
                    &d,
                    Span {
                        start: us,
                        end: us + 3
                    }
                )
            ),
            Some("U.S.")
        );
        assert_eq!(
            snap_to_tokens(&d, Span { start: 2, end: 3 }),
            None,
            "only a space"
        );
    }

    #[test]
    fn occurrences_match_whole_words_with_char_offsets() {
        let d = doc("서울 — Park met Parkinson; Park’s aide in Park.");
        let spans = occurrences(&d, "Park");
        let starts: Vec<usize> = spans.iter().map(|s| s.start).collect();
        assert_eq!(starts, [5, 25, 40]);
        assert!(spans.iter().all(|s| d.span_text(*s) == Some("Park")));
        assert!(occurrences(&d, "  ").is_empty());
    }

    #[test]
    fn word_steps_like_ctrl_arrows() {
        let d = doc("Seoul — the talks");
        assert_eq!(word_step(&d, 0, true), 5);
        assert_eq!(word_step(&d, 5, true), 11);
        assert_eq!(word_step(&d, 17, false), 12);
        assert_eq!(word_step(&d, 0, false), 0);
        assert_eq!(word_step(&d, 17, true), 17);
    }
}
