//! Spans of text in char offsets.

use serde::{Deserialize, Serialize};

/// A half-open range `[start, end)` of Unicode scalar value (char) offsets into one document's
/// text. Never bytes, never UTF-16: [`crate::model::TextIndex`] converts at the edges.
///
/// Ordered by start, then end, which is the order annotations are kept and drawn in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Span {
    /// First char of the span.
    pub start: usize,
    /// One past the last char of the span.
    pub end: usize,
}

/// Why a span does not fit a text.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SpanError {
    #[error("span {start}..{end} is empty or reversed")]
    Empty { start: usize, end: usize },
    #[error("span {start}..{end} ends past the text's {len_chars} chars")]
    OutOfBounds {
        start: usize,
        end: usize,
        len_chars: usize,
    },
}

impl Span {
    /// A span that is non-empty; bounds are checked against a text with [`Span::check`].
    pub fn new(start: usize, end: usize) -> Result<Self, SpanError> {
        if start < end {
            Ok(Self { start, end })
        } else {
            Err(SpanError::Empty { start, end })
        }
    }

    /// Checks that the span is non-empty and lies inside a text of `len_chars` chars.
    pub fn check(self, len_chars: usize) -> Result<(), SpanError> {
        let Self { start, end } = self;
        if start >= end {
            return Err(SpanError::Empty { start, end });
        }
        if end > len_chars {
            return Err(SpanError::OutOfBounds {
                start,
                end,
                len_chars,
            });
        }
        Ok(())
    }

    pub fn len(self) -> usize {
        self.end.saturating_sub(self.start)
    }

    pub fn is_empty(self) -> bool {
        self.start >= self.end
    }

    /// True when the two spans share at least one char.
    pub fn overlaps(self, other: Span) -> bool {
        self.start < other.end && other.start < self.end
    }

    /// True when `other` lies inside `self` (equal spans contain each other).
    pub fn contains(self, other: Span) -> bool {
        self.start <= other.start && other.end <= self.end
    }
}

impl std::fmt::Display for Span {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}..{}", self.start, self.end)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_rejects_empty_and_reversed() {
        assert!(Span::new(3, 3).is_err());
        assert!(Span::new(4, 3).is_err());
        assert_eq!(Span::new(0, 1).map(Span::len), Ok(1));
    }

    #[test]
    fn check_reports_out_of_bounds() {
        let span = Span { start: 2, end: 9 };
        assert_eq!(span.check(9), Ok(()));
        assert_eq!(
            span.check(8),
            Err(SpanError::OutOfBounds {
                start: 2,
                end: 9,
                len_chars: 8
            })
        );
    }

    #[test]
    fn overlap_and_nesting() {
        let outer = Span { start: 0, end: 10 };
        let inner = Span { start: 2, end: 5 };
        let touching = Span { start: 10, end: 12 };
        assert!(outer.overlaps(inner) && outer.contains(inner) && !inner.contains(outer));
        assert!(
            !outer.overlaps(touching),
            "half-open spans that touch do not overlap"
        );
    }
}
