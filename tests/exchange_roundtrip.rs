//! Round trips as properties: arbitrary text (astral-plane characters, ZWJ sequences, Hangul,
//! CRLF, NBSP, tabs, tokens without spaces between them) with arbitrary labelled spans, exported
//! and imported back, gives the spans and labels the pre-flight said it would export. For the
//! formats that count chars (brat, doccano, Label Studio) that is every span as it was; for the
//! token formats (CoNLL/IOB, spaCy) it is the spans after the pre-flight's trimming, snapping
//! and overlap resolution.

mod exchange_common;

use exchange_common::{
    empty_schema, entities_of, entity, expected_entities, project_of, reimport, run_export,
};
use proptest::prelude::*;
use tagdesk::formats::exchange::ImportOptions;
use tagdesk::formats::export::{ExportFormat, ExportOptions, OffsetUnit, TagScheme};
use tagdesk::model::{Document, Project, Span};

const WORDS: &[&str] = &[
    "Seoul",
    "Park",
    "Ji-won",
    "U.S.",
    "서울",
    "외교부",
    "👩\u{200d}🚒",
    "🇰🇷",
    "😀",
    "𝕏",
    "don't",
    ",",
    ".",
    "(",
    ")",
    "“",
    "”",
    "—",
    "$3",
    "10",
    "Élysée",
    "e\u{301}",
    "#UN",
    "Dr.",
];
const SEPARATORS: &[&str] = &[" ", " ", " ", "  ", "\n", "\r\n", "\u{a0}", "\t", ""];
const LABELS: &[&str] = &["PER", "ORG", "GPE"];

/// A text and up to 6 distinct labelled spans in it.
fn document() -> impl Strategy<Value = (String, Vec<(Span, String)>)> {
    prop::collection::vec(
        (
            prop::sample::select(WORDS),
            prop::sample::select(SEPARATORS),
        ),
        1..20,
    )
    .prop_flat_map(|pieces| {
        let text: String = pieces.iter().flat_map(|(w, s)| [*w, *s]).collect();
        let len = text.chars().count();
        let spans = prop::collection::vec((0..len, 1..12usize, prop::sample::select(LABELS)), 0..6)
            .prop_map(move |raw| {
                let mut spans: Vec<(Span, String)> = raw
                    .into_iter()
                    .filter_map(|(start, n, label)| {
                        let end = (start + n).min(len);
                        (start < end).then(|| (Span { start, end }, label.to_owned()))
                    })
                    .collect();
                spans.sort();
                spans.dedup();
                spans
            });
        (Just(text), spans)
    })
}

fn project(docs: &[(String, Vec<(Span, String)>)]) -> Project {
    let documents = docs
        .iter()
        .enumerate()
        .map(|(n, (text, spans))| {
            let entities = spans
                .iter()
                .enumerate()
                .map(|(i, (span, label))| entity(i as u32 + 1, *span, label))
                .collect();
            Document::new(format!("d{n}"), format!("d{n}.txt"), None, text.clone())
                .with_annotations(entities, Vec::new(), Vec::new())
        })
        .collect();
    project_of(empty_schema(), documents)
}

/// Exports with `options`, imports back, and checks texts and spans against the pre-flight.
fn round_trip(project: &Project, options: &ExportOptions) -> Result<(), TestCaseError> {
    let expected = expected_entities(project, options);
    let (_, files) = run_export(project, options);
    let dir = tempfile::tempdir().expect("temp dir");
    let import_options = ImportOptions {
        offsets: options.offsets,
        schema: Some(project.schema()),
    };
    let imported = reimport(&files, options.format, dir.path(), &import_options);
    prop_assert_eq!(imported.documents.len(), project.documents().len());
    for ((doc, back), expected) in project
        .documents()
        .iter()
        .zip(&imported.documents)
        .zip(expected)
    {
        prop_assert_eq!(back.text(), doc.text(), "{}", options.format.name());
        let (mut back, mut expected) = (entities_of(back), expected);
        if options.format == ExportFormat::Spacy {
            // spaCy holds a span once (in `entities` and `spans`): equal ones come back as one.
            back.dedup();
            expected.dedup();
        }
        prop_assert_eq!(back, expected, "{}", options.format.name());
    }
    Ok(())
}

fn config() -> ProptestConfig {
    let cases = std::env::var("ROUND_TRIP_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(64);
    ProptestConfig::with_cases(cases)
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn char_formats_give_back_every_span(docs in prop::collection::vec(document(), 1..4)) {
        let project = project(&docs);
        for (format, offsets, relations) in [
            (ExportFormat::Doccano, OffsetUnit::Chars, false),
            (ExportFormat::Doccano, OffsetUnit::Utf16, true),
            (ExportFormat::LabelStudio, OffsetUnit::Chars, false),
            (ExportFormat::LabelStudio, OffsetUnit::Utf16, false),
        ] {
            let mut options = ExportOptions::new(format);
            options.offsets = offsets;
            options.relations = relations;
            // Nothing to fix: the pre-flight's spans are the originals.
            let originals: Vec<_> = project.documents().iter().map(entities_of).collect();
            prop_assert_eq!(&expected_entities(&project, &options), &originals);
            round_trip(&project, &options)?;
        }
    }

    #[test]
    fn brat_gives_back_every_span_not_edged_by_a_line_break(
        docs in prop::collection::vec(document(), 1..4)
    ) {
        let project = project(&docs);
        let options = ExportOptions::new(ExportFormat::Brat);
        for (doc, expected) in project.documents().iter().zip(expected_entities(&project, &options)) {
            let edged = |span: Span| {
                [span.start, span.end - 1].iter().any(|&i| {
                    matches!(doc.span_text(Span { start: i, end: i + 1 }), Some("\n" | "\r"))
                })
            };
            let unchanged: Vec<_> = entities_of(doc).into_iter().filter(|(s, _)| !edged(*s)).collect();
            prop_assert!(unchanged.iter().all(|e| expected.contains(e)));
        }
        round_trip(&project, &options)?;
    }

    #[test]
    fn token_formats_give_back_the_preflight_spans(docs in prop::collection::vec(document(), 1..4)) {
        let project = project(&docs);
        for scheme in [TagScheme::Iob2, TagScheme::Iob1, TagScheme::Bilou] {
            let mut options = ExportOptions::new(ExportFormat::Conll(scheme));
            options.record_spacing = true;
            round_trip(&project, &options)?;
        }
        let mut spacy = ExportOptions::new(ExportFormat::Spacy);
        spacy.spans = true;
        round_trip(&project, &spacy)?;
        let mut trimmed = ExportOptions::new(ExportFormat::Spacy);
        trimmed.trim = true;
        round_trip(&project, &trimmed)?;
    }

    /// Without the recorded text, CoNLL rebuilds it from the tokens: the labels and the
    /// tokens of each entity come back, not the spacing.
    #[test]
    fn conll_without_spacing_gives_back_labels_and_tokens(
        docs in prop::collection::vec(document(), 1..4)
    ) {
        let project = project(&docs);
        let options = ExportOptions::new(ExportFormat::Conll(TagScheme::Iob2));
        let expected = expected_entities(&project, &options);
        let (_, files) = run_export(&project, &options);
        let dir = tempfile::tempdir().expect("temp dir");
        let imported = reimport(&files, options.format, dir.path(), &ImportOptions::default());
        let compact = |doc: &Document, span: Span| -> String {
            doc.span_text(span).unwrap_or_default().chars().filter(|c| !c.is_whitespace()).collect()
        };
        for ((doc, back), expected) in project.documents().iter().zip(&imported.documents).zip(expected) {
            let before: Vec<(String, String)> =
                expected.iter().map(|(s, l)| (compact(doc, *s), l.clone())).collect();
            let after: Vec<(String, String)> =
                entities_of(back).iter().map(|(s, l)| (compact(back, *s), l.clone())).collect();
            prop_assert_eq!(after, before);
        }
    }
}
