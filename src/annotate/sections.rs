//! Long texts are read in sections. The rules' document-level evidence (names seen earlier,
//! words the text uses in lower case) holds within a section of up to [`SECTION_BYTES`], which
//! is far longer than any article. Sections keep the engine's working set small enough to
//! stay in cache and its buffers reusable, and let the sections of one book-length text be
//! read on several cores with the same result as on one.
//!
//! Sections are byte ranges of the text that cut only between paragraphs where the text has
//! them (else between lines, else at a space), so no token, sentence or entity is split.

use std::ops::Range;

use super::Proposals;

/// The longest section, in bytes: about 40,000 words of news.
pub const SECTION_BYTES: usize = 256 << 10;

/// The byte ranges `text` is read in, in order, covering it; one range for a text of up to
/// [`SECTION_BYTES`].
pub fn sections(text: &str) -> Vec<Range<usize>> {
    sections_of(text, SECTION_BYTES)
}

fn sections_of(text: &str, most: usize) -> Vec<Range<usize>> {
    let mut out = Vec::with_capacity(text.len() / most + 1);
    let mut start = 0;
    while text.len() - start > most {
        // Cut in the second half of the longest section, at the best break found there.
        let window = start + most / 2..start + most;
        let bytes = &text.as_bytes()[window.clone()];
        let cut = find_last(bytes, b"\n\n")
            .map(|at| at + 2)
            .or_else(|| bytes.iter().rposition(|&b| b == b'\n').map(|at| at + 1))
            .or_else(|| bytes.iter().rposition(|&b| b == b' ').map(|at| at + 1))
            .map(|at| window.start + at)
            // One unbroken run of 128 KB: cut at a char boundary, the one place a token splits.
            .unwrap_or_else(|| text.floor_char_boundary(window.end));
        out.push(start..cut);
        start = cut;
    }
    out.push(start..text.len());
    out
}

fn find_last(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).rposition(|w| w == needle)
}

/// The proposals for the whole `text` from those of its `sections` (in order, each in the
/// section's own char offsets): spans shifted by the chars before their section, arguments
/// pointing into the joined entities.
pub fn join(text: &str, parts: Vec<(Range<usize>, Proposals)>) -> Proposals {
    if parts.len() == 1 {
        return parts.into_iter().next().map(|(_, p)| p).unwrap_or_default();
    }
    let mut joined = Proposals::default();
    let (mut chars, mut counted) = (0, 0);
    for (range, part) in parts {
        chars += text[counted..range.start].chars().count();
        counted = range.start;
        let entities_before = joined.entities.len();
        joined
            .entities
            .extend(part.entities.into_iter().map(|mut e| {
                e.span.start += chars;
                e.span.end += chars;
                e
            }));
        joined.events.extend(part.events.into_iter().map(|mut e| {
            e.trigger.start += chars;
            e.trigger.end += chars;
            for argument in &mut e.arguments {
                argument.entity += entities_before;
            }
            e
        }));
    }
    joined
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check_cover(text: &str, most: usize) -> Vec<Range<usize>> {
        let sections = sections_of(text, most);
        assert_eq!(sections.first().map(|r| r.start), Some(0));
        assert_eq!(sections.last().map(|r| r.end), Some(text.len()));
        for pair in sections.windows(2) {
            assert_eq!(pair[0].end, pair[1].start, "{sections:?}");
        }
        for r in &sections {
            assert!(r.len() <= most, "{r:?} is longer than {most}");
            assert!(text.is_char_boundary(r.start) && text.is_char_boundary(r.end));
        }
        sections
    }

    #[test]
    fn a_short_text_is_one_section() {
        assert_eq!(sections("Kim met May in Seoul."), vec![0..21]);
        assert_eq!(sections(""), vec![0..0]);
    }

    #[test]
    fn sections_cut_between_paragraphs_then_lines_then_words() {
        let text = "Kim met May.\n\nThey talked.\nLate.\n\nThe end came.";
        let sections = check_cover(text, 20);
        assert_eq!(&text[sections[0].clone()], "Kim met May.\n\n");
        let lines = "Kim met May.\nThey talked at length.\nLate";
        assert_eq!(&lines[check_cover(lines, 20)[0].clone()], "Kim met May.\n");
        let words = "Kim met May and they talked at length";
        assert_eq!(
            &words[check_cover(words, 20)[0].clone()],
            "Kim met May and "
        );
        // No break at all: cut at a char boundary, never inside one.
        check_cover(&"한국어".repeat(40), 20);
    }

    #[test]
    fn joined_sections_read_as_one_text() {
        let engine = super::super::Engine::new();
        let paragraph = "Président Kim Jong-un met Theresa May in Seoul on Tuesday — the talks \
                         ended at 5 p.m. with a pledge of $2 billion.\n\n";
        let text = paragraph.repeat(8);
        let parts: Vec<_> = check_cover(&text, paragraph.len() * 3 + 5)
            .into_iter()
            .map(|r| (r.clone(), engine.annotate_section(&text, r)))
            .collect();
        assert_eq!(parts.len(), 3);
        let one = engine.annotate(paragraph);
        assert!(!one.entities.is_empty() && !one.events.is_empty());
        let joined = join(&text, parts);
        // Each paragraph reads alone, so the whole is eight copies, shifted.
        let shift = paragraph.chars().count();
        assert_eq!(joined.entities.len(), one.entities.len() * 8);
        for (k, e) in joined.entities.iter().enumerate() {
            let original = &one.entities[k % one.entities.len()];
            let copy = k / one.entities.len();
            assert_eq!(e.span.start, original.span.start + copy * shift);
            assert_eq!(e.label, original.label);
        }
        for (k, event) in joined.events.iter().enumerate() {
            let original = &one.events[k % one.events.len()];
            let copy = k / one.events.len();
            assert_eq!(event.trigger.start, original.trigger.start + copy * shift);
            for (a, b) in event.arguments.iter().zip(&original.arguments) {
                assert_eq!(a.entity, b.entity + copy * one.entities.len());
                assert_eq!(a.role, b.role);
            }
        }
    }
}
