//! The engine on sentences written with inline markup: `[text](LABEL)` marks every entity the
//! engine must propose, with its exact span; nothing else may be proposed.

use tagdesk::annotate::markup::{self, Marked};
use tagdesk::annotate::{Dictionary, Engine, Proposals};
use tagdesk::model::{DictionaryPattern, Pattern, TokenPattern};

fn marked(proposals: &Proposals) -> Vec<Marked> {
    proposals
        .entities
        .iter()
        .map(|e| Marked {
            span: e.span,
            label: e.label.to_owned(),
        })
        .collect()
}

fn check(engine: &Engine, cases: &[&str]) {
    let mut failures = Vec::new();
    for case in cases {
        let (text, _) = markup::parse(case);
        let got = markup::render(&text, &marked(&engine.annotate(&text)));
        if got != *case {
            failures.push(format!("want {case}\n got {got}"));
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

#[test]
fn people_titles_and_later_mentions() {
    check(
        &Engine::new(),
        &[
            "[Park Ji-won](PER) will fly to the [United Kingdom](GPE) on [Friday afternoon](DATE).",
            "Commerce Secretary [Laura Hill](PER) met Dr. [Ana Ruiz](PER) in [Geneva](GPE). [Hill](PER) said the talks went well.",
            "Vice Foreign Minister and chief negotiator [Park Ji-won](PER) arrived. [Park](PER) declined to comment.",
            "Rep. [Thomas Greer Jr.](PER) spoke.",
            "[U.S.](GPE) President [Daniel Moss](PER) and [South Korean](NORP) officials met.",
        ],
    );
}

#[test]
fn places_organisations_and_credits() {
    check(
        &Engine::new(),
        &[
            "Officials in [Washington](GPE) said the [IMF](ORG) and the [WTO](ORG) disagree.",
            "The [Ministry of Trade, Industry and Energy](ORG) and the [Korea International Trade Association](ORG) agreed.",
            "[Hanbit Semiconductor Corp.](ORG) bought [Northwind Devices Inc.](ORG) for [$4.6 billion](MONEY).",
            "The [Foreign, Commonwealth and Development Office](ORG) hosted the meeting.",
            "[Korea](GPE)’s exports rose [6.2%](PERCENT) from [2023](DATE).",
            "Police stand guard at [Incheon International Airport](FAC). [[YONHAP](ORG)]",
            "Rescue workers in [Kagoshima](GPE). [[AFP](ORG)/[KYODO](ORG)]",
            "Aides met at the [Kremlin](FAC) on [Monday or Tuesday](DATE), and the [Kremlin](ORG) said nothing.",
            "He spoke to [Reuters](ORG) and [Yonhap](ORG) at the [Blue House](FAC).",
        ],
    );
}

/// What a new analyst found on a scraped trade-talks article, one case per kind of error.
#[test]
fn portfolios_participles_facilities_and_plural_heads() {
    check(
        &Engine::new(),
        &[
            // A sentence-initial participle is the verb, not part of the name.
            "Representing [Korea](GPE), officials arrived.",
            "Following [Seoul](GPE)’s lead, others agreed.",
            // A title's portfolio, even a list, then the person.
            "Minister of Trade, Industry and Energy [Ahn Duk-geun](PER) met them. [Ahn](PER) smiled.",
            "[Japan](GPE)’s Minister for Economic Revitalization [Ryosei Akazawa](PER) also attended.",
            "The Minister of Foreign Affairs declined to comment.",
            // A known facility after `of the` is a name of its own.
            "He spoke in the [Oval Office](FAC) of the [White House](ORG).",
            "The [Institute of the Americas](ORG) said so.",
            // A plural head still heads a name.
            "The [Centers for Medicare and Medicaid Services](ORG) announced rules.",
            // A name opening with a participle is no person; a newspaper is an organisation.
            "It was published by [Rolling Stone](ORG).",
            "Viewers watched Breaking Bad again.",
        ],
    );
}

#[test]
fn dates_times_and_values() {
    check(
        &Engine::new(),
        &[
            "Updated [Feb. 3, 2025](DATE) [14:05 KST](TIME)",
            "The vote is on [May 9](DATE), before [March 1](DATE) next time, or [this month](DATE).",
            "Trade reached [$14.8 billion](MONEY) [last year](DATE), up [6.2%](PERCENT).",
            "They meet at [10 a.m.](TIME) on [Tuesday](DATE), [three days](DATE) after the vote.",
            "Firms pledged [₩3 trillion](MONEY) and [£1.1 billion](MONEY) [earlier this year](DATE).",
            "2+2 is 4 and 1,000 people may come.",
        ],
    );
}

#[test]
fn sentence_initial_capitals_are_not_names() {
    check(
        &Engine::new(),
        &[
            "Semiconductors, batteries and clean energy were barely discussed.",
            "Analysts cautioned against expecting a breakthrough.",
            "Bilateral trade between the two countries grew.",
        ],
    );
}

#[test]
fn the_project_dictionary_wins() {
    let dictionary = Dictionary::from_jsonl(
        "{\"label\": \"ORG\", \"pattern\": \"Nikkei Asia\"}\n\
         {\"label\": \"ORG\", \"pattern\": [{\"lower\": \"harbor\"}, {\"lower\": \"daily\"}]}\n\
         {\"label\": \"GPE\", \"pattern\": \"Busan\"}",
    )
    .expect("valid dictionary");
    check(
        &Engine::new().with_dictionary(dictionary),
        &["[Nikkei Asia](ORG) and The [HARBOR daily](ORG) in [Busan](GPE)."],
    );
}

#[test]
fn a_project_keeps_the_patterns_of_its_jsonl_and_they_match_the_same() {
    let patterns = Dictionary::parse_jsonl(
        "{\"label\": \"ORG\", \"pattern\": \"Nikkei Asia\"}\n\n\
         {\"label\": \"ORG\", \"pattern\": [{\"LOWER\": \"Harbor\"}, {\"orth\": \"daily\"}]}",
    )
    .expect("valid dictionary");
    assert_eq!(
        patterns,
        [
            DictionaryPattern {
                label: "ORG".into(),
                pattern: Pattern::Phrase("Nikkei Asia".into()),
            },
            DictionaryPattern {
                label: "ORG".into(),
                pattern: Pattern::Tokens(vec![
                    TokenPattern::Lower("harbor".into()),
                    TokenPattern::Text("daily".into()),
                ]),
            },
        ]
    );
    check(
        &Engine::new().with_dictionary(Dictionary::new(&patterns)),
        &["[Nikkei Asia](ORG) and The [HARBOR daily](ORG), not nikkei asia or harbor Daily."],
    );
    for (jsonl, message) in [
        (
            "{\"label\": \"ORG\", \"pattern\": \"Nikkei\"}\n{\"label\": \"ORG\", \"pattern\": \"  \"}",
            "dictionary line 2: the pattern is empty",
        ),
        (
            "{\"label\": \"\", \"pattern\": \"Nikkei\"}",
            "dictionary line 1: the label is empty",
        ),
        (
            "\n\n{\"label\": \"ORG\", \"pattern\": [{\"lower\": 3}]}",
            "dictionary line 3: token pattern \"lower\" must be a string",
        ),
    ] {
        let err = Dictionary::parse_jsonl(jsonl).expect_err(jsonl);
        assert_eq!(err.to_string(), message);
    }
}

#[test]
fn events_with_arguments() {
    let engine = Engine::new();
    let text = "Yoon Seo-hyun departed for the United Kingdom on Monday for three days of talks \
                with Trade Minister Eleanor Whitcombe in London.";
    let proposals = engine.annotate(text);
    let types: Vec<&str> = proposals.events.iter().map(|e| e.event_type).collect();
    assert_eq!(
        types,
        ["Movement:Transport", "Contact:Meet"],
        "{proposals:#?}"
    );
    let argument = |event: usize, role: &str| -> Vec<String> {
        proposals.events[event]
            .arguments
            .iter()
            .filter(|a| a.role == role)
            .map(|a| {
                let span = proposals.entities[a.entity].span;
                text.chars().skip(span.start).take(span.len()).collect()
            })
            .collect()
    };
    assert_eq!(argument(0, "Artifact"), ["Yoon Seo-hyun"]);
    assert_eq!(argument(0, "Destination"), ["United Kingdom"]);
    assert_eq!(argument(0, "Time"), ["Monday"]);
    assert_eq!(
        argument(1, "Entity"),
        ["Yoon Seo-hyun", "Eleanor Whitcombe"]
    );
    assert_eq!(argument(1, "Place"), ["London"]);
}

#[test]
fn false_triggers_stay_out() {
    let engine = Engine::new();
    for text in [
        "He talks to reporters every week in Seoul.",
        "The company is meeting expectations in Seoul.",
        "She had a heart attack in Paris.",
    ] {
        let proposals = engine.annotate(text);
        assert!(
            proposals.events.is_empty(),
            "{text}: {:#?}",
            proposals.events
        );
    }
    let proposals = engine.annotate("The talks in Seoul ended. The meeting in Paris was short.");
    assert_eq!(proposals.events.len(), 2, "{:#?}", proposals.events);
}

/// The hand-written gold of the sample articles: a regression floor, not a target.
#[test]
fn sample_articles_stay_above_their_floor() {
    use tagdesk::annotate::eval::{EvalOptions, evaluate, read_gold};
    let samples =
        std::path::Path::new(&std::env::var_os("CARGO_MANIFEST_DIR").expect("run by cargo"))
            .join("assets/samples");
    let mut docs = Vec::new();
    for entry in std::fs::read_dir(&samples).expect("samples folder") {
        let path = entry.expect("entry").path();
        let name = path.to_string_lossy().into_owned();
        if !name.ends_with(".gold.jsonl") {
            continue;
        }
        let gold = read_gold(&std::fs::read_to_string(&path).expect("gold")).expect("valid gold");
        // The gold counts offsets in the article exactly as the importer reads it.
        let article = path.with_file_name(name.replace(".gold.jsonl", ".txt"));
        let imported = tagdesk::formats::import::import_file(&article).expect("article");
        assert_eq!(gold[0].text, imported[0].text(), "{name}");
        for e in &gold[0].entities {
            assert!(
                e.start < e.end && e.end <= gold[0].text.chars().count(),
                "{name}"
            );
        }
        docs.extend(gold);
    }
    assert_eq!(docs.len(), 5);
    let report = evaluate(&Engine::new(), &docs, &EvalOptions::default());
    let floor = [
        ("entities", report.micro_exact().f1(), 0.9),
        ("triggers", report.trigger_classification.f1(), 0.7),
        ("arguments", report.argument_identification.f1(), 0.6),
    ];
    for (what, f1, min) in floor {
        assert!(f1 >= min, "{what}: F1 {f1:.3} < {min}\n{report}");
    }
}

mod properties {
    use std::sync::LazyLock;

    use proptest::prelude::*;
    use tagdesk::annotate::{Engine, sentences, tokenize};

    static ENGINE: LazyLock<Engine> = LazyLock::new(Engine::new);

    fn check(engine: &Engine, text: &str) -> Result<(), TestCaseError> {
        let chars: Vec<char> = text.chars().collect();
        let tokens = tokenize(text);
        let mut at = 0;
        for t in &tokens {
            prop_assert!(t.span.start >= at && t.span.start < t.span.end);
            prop_assert!(t.span.end <= chars.len());
            prop_assert!(
                !chars[t.span.start..t.span.end]
                    .iter()
                    .any(|c| c.is_whitespace())
            );
            prop_assert_eq!(t.text(text).chars().count(), t.span.len());
            at = t.span.end;
        }
        let non_space = chars.iter().filter(|c| !c.is_whitespace()).count();
        prop_assert_eq!(
            tokens.iter().map(|t| t.span.len()).sum::<usize>(),
            non_space
        );
        let mut next = 0;
        for s in sentences(text, &tokens) {
            prop_assert_eq!(s.tokens.start, next);
            prop_assert!(s.tokens.end > s.tokens.start);
            next = s.tokens.end;
        }
        prop_assert_eq!(next, tokens.len());
        let proposals = engine.annotate(text);
        let trimmed = |start: usize, end: usize| {
            start < end
                && end <= chars.len()
                && !chars[start].is_whitespace()
                && !chars[end - 1].is_whitespace()
        };
        for e in &proposals.entities {
            prop_assert!(trimmed(e.span.start, e.span.end), "{:?}", e);
            prop_assert!((0.0..=1.0).contains(&e.score));
        }
        for w in proposals.entities.windows(2) {
            prop_assert!(w[0].span.end <= w[1].span.start, "overlap {:?}", w);
        }
        for ev in &proposals.events {
            prop_assert!(trimmed(ev.trigger.start, ev.trigger.end));
            prop_assert!((0.0..=1.0).contains(&ev.score));
            for a in &ev.arguments {
                prop_assert!(a.entity < proposals.entities.len());
            }
        }
        Ok(())
    }

    proptest! {
        #[test]
        fn arbitrary_unicode_never_panics(text in any::<String>()) {
            check(&ENGINE, &text)?;
        }

        #[test]
        fn news_like_text_keeps_its_invariants(
            text in "([A-Z][a-z]{0,8}|[a-z]{1,8}|U\\.S\\.|Dr\\.|’s|n't|[0-9]{1,4}|[.,:;%$₩—“”()\\[\\]/-]|#UN|@ab|윤서현|東京|\u{a0}| |\n){0,60}"
        ) {
            check(&ENGINE, &text)?;
        }
    }
}
