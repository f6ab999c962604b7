//! The learner: a project's reviewed documents teach labels the rules do not have and names
//! the rules spell otherwise; training is deterministic; the model's spans stay in bounds and
//! trimmed; with nothing to learn from, pre-annotation is exactly the rules'; and refreshing
//! suggestions never touches what an annotator reviewed.

use std::sync::Arc;

use proptest::prelude::*;
use tagdesk::annotate::learn::{self, MODEL_ENGINE_NAME, TrainOptions, TrainingDoc};
use tagdesk::annotate::markup;
use tagdesk::annotate::{Engine, Proposals, ProposedEntity, TokenKind, refresh_edit, tokenize};
use tagdesk::model::{
    ArgTarget, Argument, Document, Edit, Entity, EntityId, Event, EventId, Origin, Project, Schema,
    Span, Status,
};

const PEOPLE: [&str; 8] = [
    "Park Ji-won",
    "Laura Hill",
    "Daniel Moss",
    "Ana Ruiz",
    "Kim Min-jun",
    "Thomas Greer",
    "Yoon Seo-hyun",
    "Maria Costa",
];
const PRODUCTS: [&str; 8] = [
    "Lumora X2",
    "Hanbit Q7",
    "Northwind S3",
    "Vela M8",
    "Orion T4",
    "Kestrel P9",
    "Sable R5",
    "Tundra K1",
];

/// A reviewed article in inline markup: people are `Person` (the rules say PER) and phones
/// are `PRODUCT` (the rules have no such label).
fn article(n: usize) -> String {
    let p = |k: usize| PEOPLE[(n + k) % PEOPLE.len()];
    let q = |k: usize| PRODUCTS[(n + k) % PRODUCTS.len()];
    format!(
        "Analyst [{}](Person) said the [{}](PRODUCT) phone sold well.\n\
         Reviewer [{}](Person) compared the [{}](PRODUCT) phone with the [{}](PRODUCT) phone.\n\
         Shares rose after [{}](Person) praised the [{}](PRODUCT) handset.",
        p(0),
        q(0),
        p(1),
        q(1),
        q(2),
        p(2),
        q(3)
    )
}

fn training_doc(markup_text: &str) -> TrainingDoc {
    let (text, spans) = markup::parse(markup_text);
    TrainingDoc {
        text: text.as_str().into(),
        entities: spans.into_iter().map(|m| (m.span, m.label)).collect(),
        events: Vec::new(),
    }
}

fn corpus() -> Vec<TrainingDoc> {
    (0..8).map(|n| training_doc(&article(n))).collect()
}

fn labelled(engine: &Engine, text: &str) -> String {
    let proposals = engine.annotate(text);
    let marked: Vec<markup::Marked> = proposals
        .entities
        .iter()
        .map(|e| markup::Marked {
            span: e.span,
            label: e.label.to_owned(),
        })
        .collect();
    markup::render(text, &marked)
}

#[test]
fn reviewed_documents_teach_a_new_label_and_a_renamed_one() {
    let engine = Engine::new();
    let text = "Analyst Maria Costa said the Zephyr V6 phone sold well.";
    // The rules call her PER and know nothing of phones.
    assert_eq!(
        labelled(&engine, text),
        "Analyst [Maria Costa](PER) said the Zephyr V6 phone sold well."
    );
    let model = learn::train(&engine, &corpus(), &TrainOptions::default());
    assert_eq!(model.entity_labels(), ["PRODUCT", "Person"]);
    let engine = engine.with_model(Arc::new(model));
    assert_eq!(
        labelled(&engine, text),
        "Analyst [Maria Costa](Person) said the [Zephyr V6](PRODUCT) phone sold well."
    );
    let proposals = engine.annotate(text);
    assert!(
        proposals
            .entities
            .iter()
            .all(|e| e.rule == learn::MODEL_RULE)
    );
    assert!(
        proposals
            .entities
            .iter()
            .all(|e| (0.0..=1.0).contains(&e.score))
    );
}

#[test]
fn training_is_deterministic() {
    let engine = Engine::new();
    let docs = corpus();
    let a = Arc::new(learn::train(&engine, &docs, &TrainOptions::default()));
    let b = Arc::new(learn::train(&engine, &docs, &TrainOptions::default()));
    let text = include_str!("../assets/samples/business-chipmaker-merger.txt");
    let with = |model: &Arc<learn::Model>| Engine::new().with_model(model.clone()).annotate(text);
    assert_eq!(with(&a), with(&b));
    assert_eq!(learn::training_key(&docs), learn::training_key(&corpus()));
    let mut changed = corpus();
    changed[0].entities.pop();
    assert_ne!(learn::training_key(&docs), learn::training_key(&changed));
}

#[test]
fn pre_annotation_does_not_depend_on_what_was_annotated_before() {
    let engine = Engine::new();
    let samples = samples();
    let train = |docs: &[(String, TrainingDoc)]| {
        let docs: Vec<TrainingDoc> = docs.iter().map(|(_, d)| d.clone()).collect();
        Arc::new(learn::train(&engine, &docs, &TrainOptions::default()))
    };
    let (a, b) = (train(&samples[1..]), train(&samples[2..]));
    let text = &samples[0].0;
    let with =
        |model: &Arc<learn::Model>, t: &str| Engine::new().with_model(model.clone()).annotate(t);
    // Each thread starts with nothing kept of earlier texts or models.
    let alone = |model| std::thread::scope(|s| s.spawn(|| with(model, text)).join().unwrap());
    let (by_a, by_b) = (alone(&a), alone(&b));
    assert!(by_a.entities.iter().any(|e| e.score < 0.99));
    assert!(by_a != by_b, "the two models differ");
    std::thread::scope(|s| {
        s.spawn(|| {
            // Whole proposals are too long to print: say which step differs.
            assert!(with(&b, text) == by_b);
            assert!(with(&a, text) == by_a, "after another model");
            for (other, _) in &samples[1..] {
                with(&a, other);
            }
            assert!(with(&a, text) == by_a, "after other texts");
            assert!(
                with(&b, text) == by_b,
                "after other texts and another model"
            );
        })
        .join()
        .unwrap()
    });
}

/// The samples' gold as training data, each document in turn held out.
fn samples() -> Vec<(String, TrainingDoc)> {
    let files = [
        include_str!("../assets/samples/diplomacy-korea-uk-talks.gold.jsonl"),
        include_str!("../assets/samples/trade-tariffs-g20.gold.jsonl"),
        include_str!("../assets/samples/business-chipmaker-merger.gold.jsonl"),
        include_str!("../assets/samples/crime-port-smuggling-arrests.gold.jsonl"),
        include_str!("../assets/samples/disaster-typhoon-coast.gold.jsonl"),
    ];
    files
        .iter()
        .flat_map(|f| tagdesk::annotate::eval::read_gold(f).expect("sample gold"))
        .map(|g| (g.text.clone(), TrainingDoc::from_gold(&g, false)))
        .collect()
}

#[test]
fn model_spans_are_in_bounds_on_tokens_and_trimmed() {
    let samples = samples();
    // Scraped-news oddities the samples lack: Hangul, CJK, curly quotes, no-break spaces.
    let extra = "“Seoul’s talks,” said Park Ji-won (박지원)\u{a0}— in 東京 on Friday. (Reuters) \
                 Hanbit Semiconductor Corp. rose 3%.";
    for held in 0..samples.len() {
        let train: Vec<TrainingDoc> = samples
            .iter()
            .enumerate()
            .filter(|(i, _)| *i != held)
            .map(|(_, (_, d))| d.clone())
            .collect();
        let engine = Engine::new().with_model(Arc::new(learn::train(
            &Engine::new(),
            &train,
            &TrainOptions::default(),
        )));
        for text in [samples[held].0.as_str(), extra] {
            let chars = text.chars().count();
            let tokens = tokenize(text);
            let proposals = engine.annotate(text);
            for e in &proposals.entities {
                assert!(e.span.start < e.span.end && e.span.end <= chars, "{e:?}");
                let first = tokens.iter().find(|t| t.span.start == e.span.start);
                let last = tokens.iter().find(|t| t.span.end == e.span.end);
                let (Some(first), Some(last)) = (first, last) else {
                    panic!("{e:?} is off token boundaries");
                };
                if e.rule == learn::MODEL_RULE {
                    assert_ne!(
                        first.kind,
                        TokenKind::Punct,
                        "{e:?} starts with punctuation"
                    );
                    assert_ne!(last.kind, TokenKind::Punct, "{e:?} ends with punctuation");
                }
            }
            for event in &proposals.events {
                assert!(event.trigger.end <= chars);
                for arg in &event.arguments {
                    assert!(arg.entity < proposals.entities.len());
                }
            }
        }
    }
}

#[test]
fn with_nothing_reviewed_pre_annotation_is_the_rules() {
    let mut project = Project::new("p".into(), "ana".into(), Schema::news());
    let text = include_str!("../assets/samples/diplomacy-korea-uk-talks.txt");
    let doc = Document::new("d".into(), "d.txt".into(), None, text.into());
    project
        .apply(Edit::AddDocument {
            index: 0,
            document: Box::new(doc),
        })
        .unwrap();
    let engine = Engine::new();
    assert!(learn::training_docs(&project).is_empty());
    assert!(learn::project_model(&engine, &project).is_none());
    let empty = learn::train(&engine, &[], &TrainOptions::default());
    assert!(empty.is_empty());
    assert_eq!(
        Engine::new().with_model(Arc::new(empty)).annotate(text),
        engine.annotate(text)
    );
}

#[test]
fn reviewed_documents_are_those_done_or_fully_reviewed() {
    let mut project = Project::new("p".into(), "ana".into(), Schema::news());
    let auto = || Origin::Auto {
        engine: "tagdesk-rules".into(),
        rule: "title".into(),
        score: 0.9,
    };
    let entity = |id, status, origin| Entity {
        id: EntityId(id),
        span: Span { start: 0, end: 4 },
        label: "PER".into(),
        origin,
        status,
    };
    let docs = [
        // Pending suggestion: not reviewed.
        ("pending", vec![entity(1, Status::Suggested, auto())]),
        // Everything reviewed, something accepted.
        ("reviewed", vec![entity(1, Status::Accepted, auto())]),
        // Only a rejection: nothing to stand by.
        ("rejected", vec![entity(1, Status::Rejected, auto())]),
        // Nothing at all, but marked done below.
        ("done", vec![]),
    ];
    for (i, (id, entities)) in docs.into_iter().enumerate() {
        let doc = Document::new(id.into(), id.into(), None, format!("Park {id} met."))
            .with_annotations(entities, Vec::new(), Vec::new());
        project
            .apply(Edit::AddDocument {
                index: i,
                document: Box::new(doc),
            })
            .unwrap();
    }
    project
        .apply(Edit::SetDone {
            doc: "done".into(),
            done: true,
        })
        .unwrap();
    let texts: Vec<String> = learn::training_docs(&project)
        .iter()
        .map(|d| d.text.to_string())
        .collect();
    assert_eq!(texts, ["Park reviewed met.", "Park done met."]);
    project.apply(Edit::SetLearning { enabled: false }).unwrap();
    assert!(!project.learning());
    assert!(learn::project_model(&Engine::new(), &project).is_none());
}

/// One annotation of a generated document: a span on a 40-char text, a label, a status and an
/// origin (reviewed ones: accepted, rejected, manual, imported).
fn arb_entity() -> impl Strategy<Value = (usize, usize, bool, u8)> {
    (0usize..38, 1usize..6, any::<bool>(), 0u8..5)
}

fn build(entities: &[(usize, usize, bool, u8)], done: bool, with_event: bool) -> Project {
    let text = "Park Ji-won met Laura Hill in London today";
    let chars = text.chars().count();
    let mut list = Vec::new();
    for (i, &(start, len, per, kind)) in entities.iter().enumerate() {
        let end = (start + len).min(chars);
        let (origin, status) = match kind {
            0 => (
                Origin::Auto {
                    engine: "tagdesk-rules".into(),
                    rule: "title".into(),
                    score: 0.5,
                },
                Status::Suggested,
            ),
            1 => (
                Origin::Auto {
                    engine: MODEL_ENGINE_NAME.into(),
                    rule: "model".into(),
                    score: 0.5,
                },
                Status::Accepted,
            ),
            2 => (
                Origin::Auto {
                    engine: "tagdesk-rules".into(),
                    rule: "title".into(),
                    score: 0.5,
                },
                Status::Rejected,
            ),
            3 => (Origin::Manual, Status::Accepted),
            _ => (
                Origin::Imported {
                    source: "gold.jsonl".into(),
                },
                Status::Accepted,
            ),
        };
        list.push(Entity {
            id: EntityId(i as u32 + 1),
            span: Span { start, end },
            label: if per { "PER" } else { "GPE" }.into(),
            origin,
            status,
        });
    }
    let events = if with_event && !list.is_empty() {
        vec![Event {
            id: EventId(1),
            event_type: "Contact:Meet".into(),
            trigger: Span { start: 12, end: 15 },
            arguments: vec![Argument {
                role: "Entity".into(),
                target: ArgTarget::Entity(EntityId(1)),
            }],
            origin: Origin::Auto {
                engine: "tagdesk-rules".into(),
                rule: "trigger".into(),
                score: 0.7,
            },
            status: Status::Suggested,
        }]
    } else {
        Vec::new()
    };
    let doc = Document::new("d".into(), "d.txt".into(), None, text.into()).with_annotations(
        list,
        events,
        Vec::new(),
    );
    let mut project = Project::new("p".into(), "ana".into(), Schema::news());
    project
        .apply(Edit::AddDocument {
            index: 0,
            document: Box::new(doc),
        })
        .unwrap();
    if done {
        project
            .apply(Edit::SetDone {
                doc: "d".into(),
                done: true,
            })
            .unwrap();
    }
    project
}

fn reviewed(project: &Project) -> Vec<Entity> {
    project.documents()[0]
        .entities()
        .iter()
        .filter(|e| e.status != Status::Suggested || !matches!(e.origin, Origin::Auto { .. }))
        .cloned()
        .collect()
}

proptest! {
    /// Whatever a model proposes, in a document with any mix of suggestions and reviewed
    /// work, refreshing applies cleanly, leaves every accepted, hand-made, imported and
    /// rejected annotation exactly as it was, and undo restores the document.
    #[test]
    fn refreshing_never_touches_reviewed_annotations(
        entities in prop::collection::vec(arb_entity(), 0..8),
        proposed in prop::collection::vec((0usize..38, 1usize..6, any::<bool>()), 0..8),
        done in any::<bool>(),
        with_event in any::<bool>(),
    ) {
        let mut project = build(&entities, done, with_event);
        let before = project.clone();
        let kept = reviewed(&project);
        let text_len = project.documents()[0].text().chars().count();
        // Proposals as the engine gives them: sorted by start, not overlapping.
        let mut spans: Vec<(usize, usize, bool)> = proposed
            .into_iter()
            .map(|(s, l, per)| (s, (s + l).min(text_len), per))
            .collect();
        spans.sort();
        let mut end = 0;
        spans.retain(|&(s, e, _)| {
            let free = s >= end;
            if free {
                end = e;
            }
            free
        });
        let proposals = Proposals {
            entities: spans
                .iter()
                .map(|&(start, end, per)| ProposedEntity {
                    span: Span { start, end },
                    label: if per { "PER" } else { "GPE" },
                    rule: learn::MODEL_RULE,
                    score: 0.8,
                })
                .collect(),
            events: Vec::new(),
        };
        let mut history = tagdesk::model::History::default();
        let edit = refresh_edit(&project.documents()[0], &proposals);
        history.apply(&mut project, edit).expect("the refresh applies");
        let after = reviewed(&project);
        for e in &kept {
            prop_assert!(after.contains(e), "{e:?} changed or vanished");
        }
        // The same proposals again change nothing where the first refresh replaced all.
        if tagdesk::annotate::is_untouched(&project.documents()[0]) {
            let again = refresh_edit(&project.documents()[0], &proposals);
            prop_assert_eq!(again, Edit::Batch(Vec::new()));
        }
        history.undo(&mut project).unwrap();
        prop_assert_eq!(project, before);
    }
}

const COMPANIES: [&str; 8] = [
    "Hanbit Semiconductor",
    "Northwind Devices",
    "Lumora Systems",
    "Vela Robotics",
    "Orion Biotech",
    "Kestrel Foods",
    "Sable Mining",
    "Tundra Energy",
];

/// Reviewed documents of a team that calls takeovers `Acquisition` (not an ACE type), with
/// the trigger word `acquired` or `bought`.
fn takeovers() -> Vec<TrainingDoc> {
    (0..8)
        .map(|n| {
            let c = |k: usize| COMPANIES[(n + k) % COMPANIES.len()];
            let verb = if n % 2 == 0 { "acquired" } else { "bought" };
            let markup_text = format!(
                "[{}](ORG) {verb} [{}](ORG) last year, analysts said.\nShares of [{}](ORG) rose.",
                c(0),
                c(1),
                c(2)
            );
            let mut doc = training_doc(&markup_text);
            let start = doc.text.find(verb).unwrap();
            let start = doc.text[..start].chars().count();
            doc.events.push((
                Span {
                    start,
                    end: start + verb.len(),
                },
                "Acquisition".into(),
            ));
            doc
        })
        .collect()
}

#[test]
fn reviewed_events_teach_the_project_s_event_types_and_arguments_use_learned_entities() {
    let engine = Engine::new();
    let model = learn::train(&engine, &takeovers(), &TrainOptions::default());
    assert_eq!(model.event_types(), ["Acquisition"]);
    let engine = engine.with_model(Arc::new(model));
    let text = "Zephyr Motors acquired Quill Labs in March, analysts said.";
    let proposals = engine.annotate(text);
    let event = proposals
        .events
        .iter()
        .find(|e| e.event_type == "Acquisition")
        .unwrap_or_else(|| panic!("no Acquisition in {proposals:?}"));
    let chars: Vec<char> = text.chars().collect();
    let word = |s: Span| chars[s.start..s.end].iter().collect::<String>();
    assert_eq!(word(event.trigger), "acquired");
    let arguments: Vec<String> = event
        .arguments
        .iter()
        .map(|a| word(proposals.entities[a.entity].span))
        .collect();
    assert!(
        arguments.contains(&"Zephyr Motors".to_owned()),
        "{arguments:?} in {proposals:?}"
    );
}
