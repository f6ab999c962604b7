//! Team work on files: agreement figures checked against values worked out by hand, their
//! properties, and split → annotate → merge losing nothing.

mod team_common;

use proptest::prelude::*;
use tagdesk::annotate::markup;
use tagdesk::model::{Document, Edit, Entity, EntityId, Origin, Project, Schema, Span, Status};
use tagdesk::team::agree::agreement;
use tagdesk::team::merge::{ANNOTATORS, merge};
use tagdesk::team::split::{SPLIT_KEY, split};
use team_common::annotated;

fn names(n: &[&str]) -> Vec<String> {
    n.iter().map(|s| s.to_string()).collect()
}

fn close(a: f64, b: f64) {
    assert!((a - b).abs() < 1e-9, "{a} != {b}");
}

#[test]
fn perfect_agreement_is_one_everywhere() {
    let doc = "[Park](PER) met [Hill](PER) in [London](GPE).";
    let a = annotated("ana", &[doc]);
    let b = annotated("ben", &[doc]);
    let g = agreement(&[a, b], &names(&["ana", "ben"]));
    close(g.pairs[0].f1, 1.0);
    close(g.pairs[0].kappa, 1.0);
    close(g.alpha, 1.0);
    assert_eq!(g.shared_documents, 1);
}

#[test]
fn disjoint_annotations_score_zero_f1() {
    // "Park met Hill" (13 chars): ana marks Park (4 chars), ben Hill (4 chars).
    let a = annotated("ana", &["[Park](PER) met Hill"]);
    let b = annotated("ben", &["Park met [Hill](PER)"]);
    let g = agreement(&[a, b], &names(&["ana", "ben"]));
    close(g.pairs[0].f1, 0.0);
    // Tokens Park met Hill: ana B-PER O O, ben O O B-PER. p_o = 1/3; p_a(B) = 1/3, p_b(B) =
    // 1/3, p_a(O) = p_b(O) = 2/3: p_e = 1/9 + 4/9 = 5/9. κ = (1/3 − 5/9)/(4/9) = −1/2.
    close(g.pairs[0].kappa, -0.5);
    // Chars: 13 units, 2 coders. Park: (PER, none) ×4, Hill: (none, PER) ×4, the other 5
    // (none, none). Each mixed unit adds o_PER,none = o_none,PER = 1: Σ_{c≠k} o = 16.
    // n = 26, n_PER = 8, n_none = 18: Σ_{c≠k} n_c n_k = 2·8·18 = 288.
    // α = 1 − 25·16/288 = −0.39: worse than chance, as two annotators who never agree are.
    close(g.alpha, 1.0 - 25.0 * 16.0 / 288.0);
}

#[test]
fn a_swapped_label_breaks_exact_f1_but_not_the_other_spans() {
    let a = annotated("ana", &["[Park](PER) met [Hill](PER) in [London](GPE)."]);
    let b = annotated("ben", &["[Park](PER) met [Hill](ORG) in [London](GPE)."]);
    let g = agreement(&[a, b], &names(&["ana", "ben"]));
    let pair = &g.pairs[0];
    // 2 of 3 alike each side: F1 = 4/6.
    close(pair.f1, 2.0 / 3.0);
    close(pair.per_label["PER"].f1, 2.0 / 3.0); // ana 2 PER, ben 1, both 1.
    close(pair.per_label["ORG"].f1, 0.0);
    close(pair.per_label["GPE"].f1, 1.0);
    assert_eq!(g.disagreements.labels[0].0, "ORG");
}

#[test]
fn nested_spans_count_as_spans_and_the_outermost_gives_the_char_value() {
    // ana: Bank of Korea (ORG) with Korea (GPE) inside; ben: only Bank of Korea (ORG).
    let mut a = annotated("ana", &["[Bank of Korea](ORG) rose"]);
    a.apply(Edit::AddEntity {
        doc: "d0".into(),
        entity: Entity {
            id: EntityId(9),
            span: Span { start: 8, end: 13 },
            label: "GPE".into(),
            origin: Origin::Manual,
            status: Status::Accepted,
        },
    })
    .unwrap();
    let b = annotated("ben", &["[Bank of Korea](ORG) rose"]);
    let g = agreement(&[a, b], &names(&["ana", "ben"]));
    // Spans: ana 2, ben 1, both 1: F1 = 2/3.
    close(g.pairs[0].f1, 2.0 / 3.0);
    // The outermost span is ORG for both at every char: alpha and kappa are perfect.
    close(g.alpha, 1.0);
    close(g.pairs[0].kappa, 1.0);
}

#[test]
fn three_annotators_give_three_pairs_and_one_alpha() {
    let a = annotated("ana", &["[Park](PER) met"]);
    let b = annotated("ben", &["[Park](PER) met"]);
    let c = annotated("chloe", &["Park met"]);
    let g = agreement(&[a, b, c], &names(&["ana", "ben", "chloe"]));
    let f1s: Vec<f64> = g.pairs.iter().map(|p| p.f1).collect();
    assert_eq!(f1s, [1.0, 0.0, 0.0]);
    // 8 chars, 3 coders: Park ×4 units (PER, PER, none), " met" ×4 (none ×3).
    // Each Park unit: (9 − 5)/2 = 2 ⇒ Σ_{c≠k} o = 8. n = 24, n_PER = 8, n_none = 16:
    // Σ n_c n_k = 2·8·16 = 256. α = 1 − 23·8/256.
    close(g.alpha, 1.0 - 23.0 * 8.0 / 256.0);
}

#[test]
fn empty_documents_agree_perfectly_and_unshared_ones_do_not_count() {
    let a = annotated("ana", &["Nothing here.", "Only [Ana](PER) has this."]);
    let b = annotated("ben", &["Nothing here."]);
    let g = agreement(&[a, b], &names(&["ana", "ben"]));
    assert_eq!(g.shared_documents, 1);
    close(g.pairs[0].f1, 1.0);
    close(g.pairs[0].kappa, 1.0);
    close(g.alpha, 1.0);
}

fn arb_doc() -> impl Strategy<Value = Vec<(usize, usize, bool)>> {
    prop::collection::vec((0usize..30, 1usize..6, any::<bool>()), 0..6)
}

fn project_of(annotator: &str, spans: &[(usize, usize, bool)]) -> Project {
    let text = "Park Ji-won met Laura Hill in London on Friday.";
    let len = text.chars().count();
    let entities = spans
        .iter()
        .enumerate()
        .map(|(k, &(s, l, per))| Entity {
            id: EntityId(k as u32 + 1),
            span: Span {
                start: s,
                end: (s + l).min(len),
            },
            label: if per { "PER" } else { "GPE" }.into(),
            origin: Origin::Manual,
            status: Status::Accepted,
        })
        .collect();
    let mut p = Project::new("p".into(), annotator.into(), Schema::news());
    p.apply(Edit::AddDocument {
        index: 0,
        document: Box::new(
            Document::new("d".into(), "d.txt".into(), None, text.into()).with_annotations(
                entities,
                Vec::new(),
                Vec::new(),
            ),
        ),
    })
    .unwrap();
    p
}

proptest! {
    #[test]
    fn identical_projects_have_alpha_one_and_f1_is_symmetric(a in arb_doc(), b in arb_doc()) {
        let same = agreement(
            &[project_of("x", &a), project_of("y", &a)],
            &names(&["x", "y"]),
        );
        prop_assert!((same.alpha - 1.0).abs() < 1e-9);
        prop_assert!((same.pairs[0].f1 - 1.0).abs() < 1e-9);
        let ab = agreement(&[project_of("x", &a), project_of("y", &b)], &names(&["x", "y"]));
        let ba = agreement(&[project_of("y", &b), project_of("x", &a)], &names(&["y", "x"]));
        prop_assert!((ab.pairs[0].f1 - ba.pairs[0].f1).abs() < 1e-12);
        prop_assert!((ab.pairs[0].kappa - ba.pairs[0].kappa).abs() < 1e-9);
        prop_assert!((ab.alpha - ba.alpha).abs() < 1e-9);
        prop_assert!((0.0..=1.0).contains(&ab.pairs[0].f1));
    }
}

#[test]
fn split_annotate_merge_loses_nothing() {
    let texts = [
        "[Park Ji-won](PER) met [Laura Hill](PER) in [London](GPE).",
        "[Hanbit](ORG) bought [Northwind](ORG) on [Monday](DATE).",
        "[Seoul](GPE) and [Tokyo](GPE) agreed.",
        "[Ana Ruiz](PER) flew to [Geneva](GPE).",
        "Officials in [Berlin](GPE) said nothing.",
        "[Reuters](ORG) reported it on [Friday](DATE).",
    ];
    // The lead's project has the texts only; each annotator annotates what they get.
    let plain: Vec<String> = texts.iter().map(|t| markup::parse(t).0).collect();
    let plain: Vec<&str> = plain.iter().map(String::as_str).collect();
    let lead = annotated("lead", &plain);
    let team = names(&["ana", "ben"]);
    let (projects, plan) = split(&lead, &team, 0.34, 3).unwrap();
    let shared: Vec<&str> = plan
        .documents
        .iter()
        .filter(|d| d.shared)
        .map(|d| d.id.as_str())
        .collect();
    assert_eq!(shared.len(), 3);
    // Simulated annotation: each takes the gold of their documents; ben labels people ORG.
    let annotate = |project: &Project, sloppy: bool| {
        let docs: Vec<String> = project
            .documents()
            .iter()
            .map(|d| {
                let i = plain.iter().position(|t| *t == d.text()).unwrap();
                if sloppy {
                    texts[i].replace("(PER)", "(ORG)")
                } else {
                    texts[i].to_owned()
                }
            })
            .collect();
        let refs: Vec<&str> = docs.iter().map(String::as_str).collect();
        annotated(project.annotator(), &refs)
    };
    let ana = annotate(&projects[0], false);
    let ben = annotate(&projects[1], true);
    assert!(
        projects[0]
            .documents()
            .iter()
            .all(|d| d.meta().contains_key(SPLIT_KEY))
    );
    let (merged, report) = merge(&[ana.clone(), ben.clone()], &team, "curated").unwrap();
    assert!(merged.problems().is_empty(), "{:?}", merged.problems());
    assert_eq!(merged.documents().len(), texts.len());
    assert_eq!(report.shared, 3);
    assert_eq!(report.carried, 3);
    // Every accepted annotation of either annotator is in the merged document: accepted when
    // both made it, else a suggestion naming who did.
    for annotator in [&ana, &ben] {
        for doc in annotator.documents() {
            let there = merged
                .documents()
                .iter()
                .find(|d| d.text_hash() == doc.text_hash())
                .unwrap();
            for e in doc.entities() {
                let found = there
                    .entities()
                    .iter()
                    .find(|m| m.span == e.span && m.label == e.label)
                    .unwrap_or_else(|| panic!("{e:?} of {} was dropped", annotator.annotator()));
                match (&found.origin, found.status) {
                    (_, Status::Accepted) => {}
                    (
                        Origin::Auto {
                            engine,
                            rule,
                            score,
                        },
                        Status::Suggested,
                    ) => {
                        assert_eq!(engine, ANNOTATORS);
                        assert!(rule.contains(annotator.annotator()));
                        assert!((*score - 0.5).abs() < 1e-6);
                    }
                    other => panic!("unexpected {other:?}"),
                }
            }
        }
    }
    assert!(report.disputed.entities > 0 && report.agreed.entities > 0);
}
