//! Inline span markup for tests that read like the text: `[Park Ji-won](PER) flew to
//! [London](GPE)` is the text `Park Ji-won flew to London` with two labelled spans.

use crate::model::Span;

/// A labelled span parsed from markup, in char offsets of the plain text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Marked {
    pub span: Span,
    pub label: String,
}

/// Parses markup into the plain text and its spans. `[` starts a span only when a matching
/// `](LABEL)` follows; other brackets are kept as text. Spans do not nest.
pub fn parse(markup: &str) -> (String, Vec<Marked>) {
    let mut text = String::with_capacity(markup.len());
    let mut spans = Vec::new();
    let mut chars = 0;
    let mut rest = markup;
    while let Some(c) = rest.chars().next() {
        if c == '['
            && let Some(close) = rest.find("](")
            && let Some(end) = rest[close + 2..].find(')')
        {
            let inner = &rest[1..close];
            let label = &rest[close + 2..close + 2 + end];
            let plain = !inner.contains(['[', ']']) && !label.is_empty() && !label.contains(' ');
            if plain {
                let len = inner.chars().count();
                text.push_str(inner);
                spans.push(Marked {
                    span: Span {
                        start: chars,
                        end: chars + len,
                    },
                    label: label.to_owned(),
                });
                chars += len;
                rest = &rest[close + 3 + end..];
                continue;
            }
        }
        text.push(c);
        chars += 1;
        rest = &rest[c.len_utf8()..];
    }
    (text, spans)
}

/// Writes `text` with `spans` as markup, the inverse of [`parse`] for non-overlapping spans.
pub fn render(text: &str, spans: &[Marked]) -> String {
    let mut sorted: Vec<&Marked> = spans.iter().collect();
    sorted.sort_by_key(|m| m.span);
    let mut out = String::with_capacity(text.len() + spans.len() * 8);
    let mut at = 0;
    let chars: Vec<char> = text.chars().collect();
    for m in sorted {
        if m.span.start < at || m.span.end > chars.len() {
            continue;
        }
        out.extend(&chars[at..m.span.start]);
        out.push('[');
        out.extend(&chars[m.span.start..m.span.end]);
        out.push_str("](");
        out.push_str(&m.label);
        out.push(')');
        at = m.span.end;
    }
    out.extend(&chars[at..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_renders_back() {
        let markup = "[Park Ji-won](PER) will fly to the [United Kingdom](GPE) on [Friday afternoon](DATE) [YONHAP]";
        let (text, spans) = parse(markup);
        assert_eq!(
            text,
            "Park Ji-won will fly to the United Kingdom on Friday afternoon [YONHAP]"
        );
        assert_eq!(spans[1].span, Span { start: 28, end: 42 });
        assert_eq!(spans[2].label, "DATE");
        assert_eq!(render(&text, &spans), markup);
    }
}
