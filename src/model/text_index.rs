//! Conversion between the three ways a position in a text is counted.
//!
//! The model counts Unicode scalar values (`char`s, what Python's `str` indexes). egui lays out
//! text by byte, and some exchange formats count UTF-16 code units. [`TextIndex`] is the one
//! place that converts between them; nothing else in tagdesk should scan `char_indices` to guess.

use std::sync::Arc;

/// How many chars one checkpoint covers. A lookup binary-searches the checkpoints, then walks at
/// most this many chars, so every conversion is O(log n + 64) however long the text is.
const BLOCK_CHARS: usize = 64;

/// Byte and UTF-16 offsets of the char at the start of one block.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Checkpoint {
    byte: usize,
    utf16: usize,
}

/// An immutable text with O(log n) conversions between char, byte and UTF-16 offsets.
///
/// All offsets are positions *between* characters, from 0 to the length inclusive, so a
/// half-open range `[start, end)` converts end point by end point. A conversion returns `None`
/// when the position is past the end, or (from bytes or UTF-16) falls inside one character.
#[derive(Clone, Debug)]
pub struct TextIndex {
    text: Arc<str>,
    /// One checkpoint per `BLOCK_CHARS` chars; empty when the text is ASCII (offsets coincide).
    checkpoints: Vec<Checkpoint>,
    len_chars: usize,
    len_utf16: usize,
}

impl TextIndex {
    pub fn new(text: impl Into<Arc<str>>) -> Self {
        let text: Arc<str> = text.into();
        if text.is_ascii() {
            let len = text.len();
            return Self {
                text,
                checkpoints: Vec::new(),
                len_chars: len,
                len_utf16: len,
            };
        }
        let mut checkpoints = Vec::with_capacity(text.len() / BLOCK_CHARS + 1);
        let (mut chars, mut utf16) = (0, 0);
        for (byte, c) in text.char_indices() {
            if chars % BLOCK_CHARS == 0 {
                checkpoints.push(Checkpoint { byte, utf16 });
            }
            chars += 1;
            utf16 += c.len_utf16();
        }
        Self {
            text,
            checkpoints,
            len_chars: chars,
            len_utf16: utf16,
        }
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    /// The shared text, for callers that keep it without copying.
    pub fn text_arc(&self) -> &Arc<str> {
        &self.text
    }

    pub fn len_chars(&self) -> usize {
        self.len_chars
    }

    pub fn len_bytes(&self) -> usize {
        self.text.len()
    }

    pub fn len_utf16(&self) -> usize {
        self.len_utf16
    }

    fn is_ascii(&self) -> bool {
        self.checkpoints.is_empty()
    }

    /// Byte offset of char position `char_pos` (`len_chars` maps to `len_bytes`).
    pub fn char_to_byte(&self, char_pos: usize) -> Option<usize> {
        if char_pos > self.len_chars {
            return None;
        }
        if self.is_ascii() {
            return Some(char_pos);
        }
        let block = char_pos / BLOCK_CHARS;
        let Some(cp) = self.checkpoints.get(block) else {
            return Some(self.text.len()); // char_pos == len_chars at a block boundary
        };
        let rest = char_pos - block * BLOCK_CHARS;
        Some(match self.text[cp.byte..].char_indices().nth(rest) {
            Some((b, _)) => cp.byte + b,
            None => self.text.len(),
        })
    }

    /// Char position of byte offset `byte`, or `None` inside a multi-byte character.
    pub fn byte_to_char(&self, byte: usize) -> Option<usize> {
        if byte > self.text.len() || !self.text.is_char_boundary(byte) {
            return None;
        }
        if self.is_ascii() {
            return Some(byte);
        }
        let block = self.checkpoints.partition_point(|cp| cp.byte <= byte) - 1;
        let start = self.checkpoints[block].byte;
        Some(block * BLOCK_CHARS + self.text[start..byte].chars().count())
    }

    /// UTF-16 offset of char position `char_pos`.
    pub fn char_to_utf16(&self, char_pos: usize) -> Option<usize> {
        if char_pos > self.len_chars {
            return None;
        }
        if self.is_ascii() {
            return Some(char_pos);
        }
        let block = char_pos / BLOCK_CHARS;
        let Some(cp) = self.checkpoints.get(block) else {
            return Some(self.len_utf16);
        };
        let rest = char_pos - block * BLOCK_CHARS;
        let walked: usize = self.text[cp.byte..]
            .chars()
            .take(rest)
            .map(char::len_utf16)
            .sum();
        Some(cp.utf16 + walked)
    }

    /// Char position of UTF-16 offset `utf16`, or `None` between the halves of a surrogate pair.
    pub fn utf16_to_char(&self, utf16: usize) -> Option<usize> {
        if utf16 > self.len_utf16 {
            return None;
        }
        if self.is_ascii() {
            return Some(utf16);
        }
        let block = self.checkpoints.partition_point(|cp| cp.utf16 <= utf16) - 1;
        let cp = self.checkpoints[block];
        let mut units = cp.utf16;
        let mut chars = block * BLOCK_CHARS;
        for c in self.text[cp.byte..].chars() {
            if units >= utf16 {
                break;
            }
            units += c.len_utf16();
            chars += 1;
        }
        (units == utf16).then_some(chars)
    }

    /// The text of the char range `[start, end)`, or `None` when it is out of bounds or reversed.
    pub fn slice_chars(&self, start: usize, end: usize) -> Option<&str> {
        if start > end {
            return None;
        }
        let (s, e) = (self.char_to_byte(start)?, self.char_to_byte(end)?);
        Some(&self.text[s..e])
    }
}

impl PartialEq for TextIndex {
    fn eq(&self, other: &Self) -> bool {
        self.text == other.text
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Checks every position of `text` against std's own iteration.
    fn check_all(text: &str) {
        let index = TextIndex::new(text);
        let mut utf16 = 0;
        let mut positions: Vec<(usize, usize)> = Vec::new(); // (byte, utf16) per char position
        for (b, c) in text.char_indices() {
            positions.push((b, utf16));
            utf16 += c.len_utf16();
        }
        positions.push((text.len(), utf16));
        assert_eq!(index.len_chars(), text.chars().count());
        assert_eq!(index.len_utf16(), text.encode_utf16().count());
        for (char_pos, &(byte, u16pos)) in positions.iter().enumerate() {
            assert_eq!(
                index.char_to_byte(char_pos),
                Some(byte),
                "char {char_pos} of {text:?}"
            );
            assert_eq!(
                index.byte_to_char(byte),
                Some(char_pos),
                "byte {byte} of {text:?}"
            );
            assert_eq!(index.char_to_utf16(char_pos), Some(u16pos));
            assert_eq!(index.utf16_to_char(u16pos), Some(char_pos));
        }
        assert_eq!(index.char_to_byte(positions.len()), None);
        assert_eq!(index.byte_to_char(text.len() + 1), None);
        for b in 0..text.len() {
            if !text.is_char_boundary(b) {
                assert_eq!(index.byte_to_char(b), None);
            }
        }
    }

    #[test]
    fn ascii_offsets_coincide() {
        check_all("Park Ji-won will fly to London on Friday.");
        check_all("");
    }

    #[test]
    fn hangul_and_cjk_are_one_char_each() {
        let text = "외교부 대변인 said 東京 talks";
        let index = TextIndex::new(text);
        assert_eq!(index.slice_chars(0, 3), Some("외교부"));
        assert_eq!(index.char_to_byte(3), Some(9));
        assert_eq!(index.char_to_utf16(3), Some(3));
        check_all(text);
    }

    #[test]
    fn emoji_zwj_sequence_counts_scalars_and_surrogates() {
        // 👩‍🚒 = U+1F469 U+200D U+1F692: 3 chars, 11 bytes, 5 UTF-16 units.
        let text = "a 👩\u{200D}🚒 b";
        let index = TextIndex::new(text);
        assert_eq!(index.len_chars(), 7);
        assert_eq!(index.char_to_byte(5), Some(13));
        assert_eq!(index.char_to_utf16(5), Some(7));
        assert_eq!(index.utf16_to_char(3), None, "inside a surrogate pair");
        assert_eq!(index.slice_chars(2, 5), Some("👩\u{200D}🚒"));
        check_all(text);
    }

    #[test]
    fn combining_marks_crlf_and_nbsp() {
        // "e" + COMBINING ACUTE is two scalars; CRLF is two; NBSP is one two-byte char.
        let text = "Cafe\u{301}\r\n10\u{a0}a.m. — Élysée";
        let index = TextIndex::new(text);
        assert_eq!(index.slice_chars(3, 5), Some("e\u{301}"));
        assert_eq!(index.slice_chars(5, 7), Some("\r\n"));
        assert_eq!(index.slice_chars(9, 10), Some("\u{a0}"));
        check_all(text);
    }

    #[test]
    fn long_text_crosses_many_blocks() {
        let text = "Séoul 서울 👍 ".repeat(500);
        check_all(&text);
    }

    #[test]
    fn slice_rejects_reversed_and_out_of_bounds() {
        let index = TextIndex::new("東京");
        assert_eq!(index.slice_chars(1, 0), None);
        assert_eq!(index.slice_chars(0, 3), None);
    }

    proptest! {
        #[test]
        fn conversions_agree_with_std(text in "\\PC{0,300}|[a\u{e9}\u{301}\u{ac00}\u{1f469}\u{200d}\r\n ]{0,300}") {
            check_all(&text);
        }

        #[test]
        fn conversions_agree_with_std_on_any_string(text in any::<String>()) {
            check_all(&text);
        }
    }
}
