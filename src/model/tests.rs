//! Edits, undo and redo over a small project with non-ASCII text.

use super::*;

const DOC: &str = "d1";

fn project() -> Project {
    let mut project = Project::new("test".into(), "ana".into(), Schema::news());
    let text = "서울 — Park Ji-won met Laura Hill in London on Friday.".to_owned();
    let doc = Document::new(DOC.into(), "seoul.txt".into(), None, text);
    project
        .apply(Edit::AddDocument {
            index: 0,
            document: Box::new(doc),
        })
        .expect("add document");
    project
}

fn entity(id: u32, start: usize, end: usize, label: &str) -> Entity {
    Entity {
        id: EntityId(id),
        span: Span { start, end },
        label: label.into(),
        origin: Origin::Manual,
        status: Status::Accepted,
    }
}

fn add(entity: Entity) -> Edit {
    Edit::AddEntity {
        doc: DOC.into(),
        entity,
    }
}

#[test]
fn entities_stay_sorted_and_text_matches() {
    let mut p = project();
    p.apply(add(entity(1, 35, 41, "GPE"))).unwrap();
    p.apply(add(entity(2, 0, 2, "GPE"))).unwrap();
    p.apply(add(entity(3, 5, 16, "PER"))).unwrap();
    let doc = p.document(DOC).unwrap();
    let spans: Vec<&str> = doc
        .entities()
        .iter()
        .map(|e| doc.span_text(e.span).unwrap())
        .collect();
    assert_eq!(spans, ["서울", "Park Ji-won", "London"]);
}

#[test]
fn invalid_edits_are_refused_and_change_nothing() {
    let mut p = project();
    let before = p.clone();
    let len = p.document(DOC).unwrap().index().len_chars();
    assert!(matches!(
        p.apply(add(entity(1, 40, len + 1, "GPE"))),
        Err(EditError::Invalid { .. })
    ));
    assert!(matches!(
        p.apply(add(entity(1, 0, 2, "WEAPON"))),
        Err(EditError::NotInSchema(_))
    ));
    assert!(matches!(
        p.apply(Edit::AddEntity {
            doc: "nope".into(),
            entity: entity(1, 0, 2, "GPE")
        }),
        Err(EditError::NoDocument(_))
    ));
    // A batch that fails half-way rolls back what it had applied.
    let batch = Edit::Batch(vec![
        add(entity(1, 0, 2, "GPE")),
        add(entity(1, 5, 9, "PER")),
    ]);
    assert!(matches!(p.apply(batch), Err(EditError::IdTaken { .. })));
    assert_eq!(p, before);
}

#[test]
fn undo_and_redo_restore_exact_states() {
    let mut p = project();
    let mut history = History::default();
    let start = p.clone();
    history.apply(&mut p, add(entity(1, 5, 16, "PER"))).unwrap();
    history
        .apply(&mut p, add(entity(2, 21, 31, "PER")))
        .unwrap();
    let two = p.clone();
    let mut relabelled = entity(2, 21, 31, "ORG");
    relabelled.status = Status::Rejected;
    history
        .apply(
            &mut p,
            Edit::ReplaceEntity {
                doc: DOC.into(),
                entity: relabelled,
            },
        )
        .unwrap();
    history
        .apply(
            &mut p,
            Edit::SetDone {
                doc: DOC.into(),
                done: true,
            },
        )
        .unwrap();
    let last = p.clone();

    assert!(history.undo(&mut p).unwrap().is_some());
    assert!(history.undo(&mut p).unwrap().is_some());
    assert_eq!(p, two);
    assert!(history.undo(&mut p).unwrap().is_some());
    assert!(history.undo(&mut p).unwrap().is_some());
    assert_eq!(p, start);
    assert!(
        history.undo(&mut p).unwrap().is_none(),
        "nothing left to undo"
    );
    while history.redo(&mut p).unwrap().is_some() {}
    assert_eq!(p, last);

    // A new edit after an undo drops the redo stack.
    history.undo(&mut p).unwrap();
    history
        .apply(&mut p, add(entity(3, 35, 41, "GPE")))
        .unwrap();
    assert!(!history.can_redo());
}

#[test]
fn removing_an_argument_entity_cascades_and_undoes_as_one() {
    let mut p = project();
    let mut history = History::default();
    history.apply(&mut p, add(entity(1, 5, 16, "PER"))).unwrap();
    history
        .apply(&mut p, add(entity(2, 21, 31, "PER")))
        .unwrap();
    let event = Event {
        id: EventId(1),
        event_type: "Contact:Meet".into(),
        trigger: Span { start: 17, end: 20 },
        arguments: vec![
            Argument {
                role: "Entity".into(),
                target: ArgTarget::Entity(EntityId(1)),
            },
            Argument {
                role: "Entity".into(),
                target: ArgTarget::Entity(EntityId(2)),
            },
        ],
        origin: Origin::Manual,
        status: Status::Accepted,
    };
    history
        .apply(
            &mut p,
            Edit::AddEvent {
                doc: DOC.into(),
                event,
            },
        )
        .unwrap();
    let relation = Relation {
        id: RelationId(1),
        relation_type: "PER-SOC:Business".into(),
        from: EntityId(1),
        to: EntityId(2),
        origin: Origin::Manual,
        status: Status::Accepted,
    };
    history
        .apply(
            &mut p,
            Edit::AddRelation {
                doc: DOC.into(),
                relation,
            },
        )
        .unwrap();
    let linked = p.clone();

    let plain = Edit::RemoveEntity {
        doc: DOC.into(),
        id: EntityId(1),
    };
    assert!(matches!(p.apply(plain), Err(EditError::InUse { .. })));

    let cascade = Edit::remove_entity(p.document(DOC).unwrap(), EntityId(1));
    history.apply(&mut p, cascade).unwrap();
    let doc = p.document(DOC).unwrap();
    assert!(doc.entity(EntityId(1)).is_none());
    assert_eq!(doc.events()[0].arguments.len(), 1);
    assert!(doc.relations().is_empty());
    assert!(p.problems().is_empty(), "{:?}", p.problems());

    history.undo(&mut p).unwrap();
    assert_eq!(p, linked);
}

#[test]
fn schema_labels_can_be_added_and_removed_only_when_unused() {
    let mut p = project();
    let label = EntityLabel {
        name: "MISC".into(),
        description: String::new(),
        color: DEFAULT_LABEL_COLOR,
        hotkey: None,
    };
    let inverse = p.apply(Edit::AddEntityLabel { label }).unwrap();
    p.apply(add(entity(1, 5, 16, "MISC"))).unwrap();
    assert!(matches!(
        p.apply(inverse.clone()),
        Err(EditError::SchemaItemInUse(_))
    ));
    p.apply(Edit::remove_entity(p.document(DOC).unwrap(), EntityId(1)))
        .unwrap();
    p.apply(inverse).unwrap();
    assert!(p.schema().entity_label("MISC").is_none());
}

#[test]
fn problems_locate_every_fault_by_document_and_offset() {
    let p = project();
    let doc = p.document(DOC).unwrap().clone();
    let bad = doc.with_annotations(
        vec![entity(1, 40, 400, "PER"), entity(1, 0, 2, "WEAPON")],
        vec![Event {
            id: EventId(1),
            event_type: "Contact:Meet".into(),
            trigger: Span { start: 17, end: 20 },
            arguments: vec![Argument {
                role: "Entity".into(),
                target: ArgTarget::Entity(EntityId(9)),
            }],
            origin: Origin::Manual,
            status: Status::Accepted,
        }],
        Vec::new(),
    );
    let messages: Vec<String> = bad
        .problems(p.schema())
        .iter()
        .map(ToString::to_string)
        .collect();
    let all = messages.join("\n");
    assert!(
        all.contains("document \"seoul.txt\", char 40: entity T1: span 40..400 ends past"),
        "{all}"
    );
    assert!(
        all.contains("char 0: entity T1 has label \"WEAPON\""),
        "{all}"
    );
    assert!(all.contains("entity id T1 is used twice"), "{all}");
    assert!(
        all.contains("char 17: event E1 argument Entity points to T9, which does not exist"),
        "{all}"
    );
}

#[test]
fn relation_types_can_be_added_and_schema_names_must_not_be_empty() {
    let mut p = project();
    let relation_type = RelationType {
        name: "Family".into(),
        description: String::new(),
        from: Vec::new(),
        to: Vec::new(),
    };
    let inverse = p
        .apply(Edit::AddRelationType {
            relation_type: relation_type.clone(),
        })
        .unwrap();
    assert!(p.schema().relation_type("Family").is_some());
    assert!(matches!(
        p.apply(Edit::AddRelationType { relation_type }),
        Err(EditError::AlreadyInSchema(_))
    ));
    p.apply(inverse).unwrap();
    assert!(p.schema().relation_type("Family").is_none());
    let blank = EntityLabel {
        name: " ".into(),
        description: String::new(),
        color: DEFAULT_LABEL_COLOR,
        hotkey: None,
    };
    assert_eq!(
        p.apply(Edit::AddEntityLabel { label: blank }),
        Err(EditError::EmptyName)
    );
}

#[test]
fn bulk_edits_apply_validate_and_undo_exactly() {
    let mut p = project();
    let mut history = History::default();
    let start = p.clone();
    let entities = vec![
        entity(3, 35, 41, "GPE"),
        entity(1, 5, 16, "PER"),
        entity(2, 21, 31, "PER"),
    ];
    history
        .apply(
            &mut p,
            Edit::AddEntities {
                doc: DOC.into(),
                entities,
            },
        )
        .unwrap();
    let spans: Vec<usize> = p
        .document(DOC)
        .unwrap()
        .entities()
        .iter()
        .map(|e| e.span.start)
        .collect();
    assert_eq!(spans, [5, 21, 35], "kept sorted");
    let added = p.clone();

    // All or nothing: one bad entity (id taken, label unknown, out of bounds) refuses the lot.
    for bad in [
        entity(1, 0, 2, "GPE"),
        entity(9, 0, 2, "WEAPON"),
        entity(9, 0, 999, "GPE"),
    ] {
        let edit = Edit::AddEntities {
            doc: DOC.into(),
            entities: vec![entity(8, 0, 2, "GPE"), bad],
        };
        assert!(p.apply(edit).is_err());
        assert_eq!(p, added);
    }

    let rejected: Vec<Entity> = p
        .document(DOC)
        .unwrap()
        .entities()
        .iter()
        .map(|e| Entity {
            status: Status::Rejected,
            ..e.clone()
        })
        .collect();
    history
        .apply(
            &mut p,
            Edit::ReplaceEntities {
                doc: DOC.into(),
                entities: rejected,
            },
        )
        .unwrap();
    assert!(
        p.document(DOC)
            .unwrap()
            .entities()
            .iter()
            .all(|e| e.status == Status::Rejected)
    );

    let meet = Event {
        id: EventId(1),
        event_type: "Contact:Meet".into(),
        trigger: Span { start: 17, end: 20 },
        arguments: vec![Argument {
            role: "Entity".into(),
            target: ArgTarget::Entity(EntityId(1)),
        }],
        origin: Origin::Manual,
        status: Status::Accepted,
    };
    history
        .apply(
            &mut p,
            Edit::AddEvents {
                doc: DOC.into(),
                events: vec![meet],
            },
        )
        .unwrap();
    let remove = Edit::RemoveEntities {
        doc: DOC.into(),
        ids: vec![EntityId(1), EntityId(2)],
    };
    assert!(
        matches!(p.apply(remove), Err(EditError::InUse { .. })),
        "T1 is an argument of E1"
    );
    history
        .apply(
            &mut p,
            Edit::RemoveEvents {
                doc: DOC.into(),
                ids: vec![EventId(1)],
            },
        )
        .unwrap();
    history
        .apply(
            &mut p,
            Edit::RemoveEntities {
                doc: DOC.into(),
                ids: vec![EntityId(1), EntityId(2)],
            },
        )
        .unwrap();
    assert_eq!(p.document(DOC).unwrap().entities().len(), 1);

    while history.undo(&mut p).unwrap().is_some() {}
    assert_eq!(p, start);
    history.redo(&mut p).unwrap();
    assert_eq!(p, added);
}

fn phrase(label: &str, text: &str) -> DictionaryPattern {
    DictionaryPattern {
        label: label.into(),
        pattern: Pattern::Phrase(text.into()),
    }
}

#[test]
fn the_dictionary_is_set_by_an_undoable_edit_and_keeps_its_labels_in_the_schema() {
    let mut p = project();
    let before = p.clone();
    let patterns = vec![
        phrase("ORG", "Nikkei Asia"),
        DictionaryPattern {
            label: "OUTLET".into(),
            pattern: Pattern::Tokens(vec![
                TokenPattern::Lower("harbor".into()),
                TokenPattern::Text("Daily".into()),
            ]),
        },
    ];
    // Refused while the schema lacks OUTLET, naming the pattern; nothing changes.
    let err = p
        .apply(Edit::SetDictionary {
            patterns: patterns.clone(),
        })
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "dictionary pattern 2 ([lower \"harbor\", \"Daily\"] OUTLET): label \"OUTLET\" is not in the schema"
    );
    assert_eq!(p, before);

    // The plan adds the label in the same edit; one undo takes both back.
    let plan = plan_dictionary(p.schema(), patterns.clone());
    assert_eq!(plan.missing_labels, ["OUTLET"]);
    let mut history = History::default();
    history.apply(&mut p, plan.edit).unwrap();
    assert_eq!(p.dictionary(), patterns.as_slice());
    assert!(p.schema().entity_label("OUTLET").is_some());
    assert!(p.problems().is_empty(), "{:?}", p.problems());
    assert_eq!(label_counts(p.dictionary()), [("ORG", 1), ("OUTLET", 1)]);

    // A label the dictionary uses cannot leave the schema.
    assert_eq!(
        p.apply(Edit::RemoveEntityLabel {
            name: "OUTLET".into()
        }),
        Err(EditError::LabelInDictionary("OUTLET".into()))
    );

    // Replacing and removing are edits too.
    let attached = p.clone();
    history
        .apply(
            &mut p,
            Edit::SetDictionary {
                patterns: Vec::new(),
            },
        )
        .unwrap();
    assert!(p.dictionary().is_empty());
    history.undo(&mut p).unwrap();
    assert_eq!(p, attached);
    history.undo(&mut p).unwrap();
    assert_eq!(p, before);
    history.redo(&mut p).unwrap();
    assert_eq!(p, attached);
}

#[test]
fn broken_dictionary_patterns_are_problems_that_name_them() {
    let p = Project::from_parts(
        "p".into(),
        "ana".into(),
        now_rfc3339(),
        now_rfc3339(),
        Schema::news(),
        Vec::new(),
    )
    .with_dictionary(vec![
        phrase("ORG", "Nikkei Asia"),
        phrase("ORG", "  "),
        phrase("", "Seoul"),
        DictionaryPattern {
            label: "ORG".into(),
            pattern: Pattern::Tokens(vec![TokenPattern::Lower(String::new())]),
        },
        phrase("WEAPON", "Excalibur"),
    ]);
    let problems: Vec<String> = p.problems().iter().map(ToString::to_string).collect();
    assert_eq!(
        problems,
        [
            "dictionary pattern 2 (\"  \" ORG): the pattern is empty",
            "dictionary pattern 3 (\"Seoul\"): the label is empty",
            "dictionary pattern 4 ([lower \"\"] ORG): a token pattern is empty",
            "dictionary pattern 5 (\"Excalibur\" WEAPON): label \"WEAPON\" is not in the schema",
        ]
    );
}

#[test]
fn a_relation_is_retyped_by_an_undoable_edit_and_types_say_which_labels_they_join() {
    let mut p = project();
    p.apply(add(entity(1, 5, 16, "PER"))).unwrap();
    p.apply(add(entity(2, 21, 31, "PER"))).unwrap();
    p.apply(add(entity(3, 35, 41, "GPE"))).unwrap();
    let relation = Relation {
        id: RelationId(1),
        relation_type: "PER-SOC:Business".into(),
        from: EntityId(1),
        to: EntityId(2),
        origin: Origin::Manual,
        status: Status::Accepted,
    };
    p.apply(Edit::AddRelation {
        doc: DOC.into(),
        relation: relation.clone(),
    })
    .unwrap();
    let before = p.clone();
    let mut history = History::default();
    let retyped = Relation {
        relation_type: "PHYS:Located".into(),
        to: EntityId(3),
        ..relation.clone()
    };
    history
        .apply(
            &mut p,
            Edit::ReplaceRelation {
                doc: DOC.into(),
                relation: retyped.clone(),
            },
        )
        .unwrap();
    assert_eq!(
        p.document(DOC).unwrap().relation(RelationId(1)),
        Some(&retyped)
    );
    history.undo(&mut p).unwrap();
    assert_eq!(p, before);
    // An unknown type or a missing relation changes nothing.
    let unknown = Relation {
        relation_type: "NOPE".into(),
        ..relation.clone()
    };
    assert!(
        p.apply(Edit::ReplaceRelation {
            doc: DOC.into(),
            relation: unknown,
        })
        .is_err()
    );
    let missing = Relation {
        id: RelationId(9),
        ..relation
    };
    assert!(
        p.apply(Edit::ReplaceRelation {
            doc: DOC.into(),
            relation: missing,
        })
        .is_err()
    );
    assert_eq!(p, before);

    let schema = Schema::news();
    let located = schema.relation_type("PHYS:Located").unwrap();
    assert!(located.fits("PER", "GPE") && !located.fits("GPE", "PER"));
    let any = RelationType {
        name: "any".into(),
        description: String::new(),
        from: Vec::new(),
        to: Vec::new(),
    };
    assert!(any.fits("X", "Y"));
}

#[test]
fn renaming_a_label_renames_it_everywhere_and_undoes_as_one() {
    let mut p = project();
    p.apply(add(entity(1, 5, 16, "PER"))).unwrap();
    p.apply(add(entity(2, 35, 41, "GPE"))).unwrap();
    p.apply(Edit::SetDictionary {
        patterns: vec![DictionaryPattern {
            label: "PER".into(),
            pattern: Pattern::Phrase("Laura Hill".into()),
        }],
    })
    .unwrap();
    let before = p.clone();
    let mut history = History::default();
    let rename = |from: &str, to: &str| Edit::RenameSchemaItem {
        item: SchemaItem::EntityLabel,
        from: from.into(),
        to: to.into(),
    };
    history.apply(&mut p, rename("PER", "Person")).unwrap();
    assert!(p.problems().is_empty(), "{:?}", p.problems());
    let doc = p.document(DOC).unwrap();
    assert_eq!(doc.entity(EntityId(1)).unwrap().label, "Person");
    assert_eq!(p.dictionary()[0].label, "Person");
    assert!(p.schema().entity_label("PER").is_none());
    let meet = p.schema().event_type("Contact:Meet").unwrap();
    assert!(
        meet.roles
            .iter()
            .any(|r| r.labels.iter().any(|l| l == "Person"))
    );
    let employment = p.schema().relation_type("ORG-AFF:Employment").unwrap();
    assert_eq!(employment.from, ["Person"]);
    // A taken or empty name is refused.
    assert!(p.apply(rename("Person", "GPE")).is_err());
    assert!(p.apply(rename("Person", " ")).is_err());
    history.undo(&mut p).unwrap();
    assert_eq!(p, before);

    // Event and relation types too.
    history
        .apply(
            &mut p,
            Edit::RenameSchemaItem {
                item: SchemaItem::RelationType,
                from: "PHYS:Located".into(),
                to: "located-in".into(),
            },
        )
        .unwrap();
    assert!(p.schema().relation_type("located-in").is_some());
    history.undo(&mut p).unwrap();
    assert_eq!(p, before);
}

#[test]
fn merging_or_deleting_a_label_in_use_is_one_edit_that_undo_reverts() {
    let mut p = project();
    p.apply(add(entity(1, 5, 16, "PER"))).unwrap();
    p.apply(add(entity(2, 21, 31, "PER"))).unwrap();
    p.apply(add(entity(3, 35, 41, "GPE"))).unwrap();
    p.apply(Edit::AddRelation {
        doc: DOC.into(),
        relation: Relation {
            id: RelationId(1),
            relation_type: "PHYS:Located".into(),
            from: EntityId(1),
            to: EntityId(3),
            origin: Origin::Manual,
            status: Status::Accepted,
        },
    })
    .unwrap();
    let before = p.clone();
    let mut history = History::default();
    // GPE into LOC: the entity follows, the schema's roles and relation types too.
    let merge = Edit::merge_entity_label(&p, "GPE", "LOC");
    history.apply(&mut p, merge).unwrap();
    assert!(p.problems().is_empty(), "{:?}", p.problems());
    assert_eq!(
        p.document(DOC).unwrap().entity(EntityId(3)).unwrap().label,
        "LOC"
    );
    assert!(p.schema().entity_label("GPE").is_none());
    history.undo(&mut p).unwrap();
    assert_eq!(p.document(DOC), before.document(DOC));
    assert!(p.schema().entity_label("GPE").is_some());
    // Deleting PER takes its two entities and the relation from one of them.
    let delete = Edit::delete_entity_label(&p, "PER");
    history.apply(&mut p, delete).unwrap();
    assert!(p.problems().is_empty(), "{:?}", p.problems());
    let doc = p.document(DOC).unwrap();
    assert_eq!(doc.entities().len(), 1);
    assert!(doc.relations().is_empty());
    history.undo(&mut p).unwrap();
    assert_eq!(p.document(DOC), before.document(DOC));
    // A plain removal of a label that roles name is refused, not left invalid.
    assert!(matches!(
        p.apply(Edit::RemoveEntityLabel {
            name: "NORP".into()
        }),
        Err(EditError::StillReferenced(_))
    ));
}

#[test]
fn label_and_type_details_change_by_edits_and_hotkeys_stay_unique() {
    let mut p = project();
    let mut per = p.schema().entity_label("PER").unwrap().clone();
    per.color = Rgb([1, 2, 3]);
    per.hotkey = Some('o');
    assert!(matches!(
        p.apply(Edit::ReplaceEntityLabel { label: per.clone() }),
        Err(EditError::HotkeyTaken { key: 'o', .. })
    ));
    per.hotkey = Some('x');
    let inverse = p
        .apply(Edit::ReplaceEntityLabel { label: per.clone() })
        .unwrap();
    assert_eq!(p.schema().entity_label("PER"), Some(&per));
    p.apply(inverse).unwrap();
    assert_eq!(p.schema().entity_label("PER").unwrap().hotkey, Some('p'));
    // An event type keeps the roles its events use.
    p.apply(add(entity(1, 5, 16, "PER"))).unwrap();
    p.apply(Edit::AddEvent {
        doc: DOC.into(),
        event: Event {
            id: EventId(1),
            event_type: "Contact:Meet".into(),
            trigger: Span { start: 17, end: 20 },
            arguments: vec![Argument {
                role: "Entity".into(),
                target: ArgTarget::Entity(EntityId(1)),
            }],
            origin: Origin::Manual,
            status: Status::Accepted,
        },
    })
    .unwrap();
    let mut meet = p.schema().event_type("Contact:Meet").unwrap().clone();
    meet.roles.retain(|r| r.name != "Entity");
    assert!(matches!(
        p.apply(Edit::ReplaceEventType { event_type: meet }),
        Err(EditError::StillReferenced(_))
    ));
}

#[test]
fn another_schema_adds_what_the_project_lacks_and_keeps_what_it_defines() {
    let mut p = project();
    let mut other = Schema::news();
    other.entity_labels.push(EntityLabel {
        hotkey: Some('p'),
        ..EntityLabel::plain("PRODUCT")
    });
    other.entity_labels[0].color = Rgb([9, 9, 9]);
    other.relation_types.push(RelationType {
        name: "MADE-BY".into(),
        description: String::new(),
        from: vec!["PRODUCT".into()],
        to: vec!["ORG".into()],
    });
    let (edit, differ) = Edit::add_schema(p.schema(), &other);
    assert_eq!(differ, ["PER"]);
    p.apply(edit).unwrap();
    let product = p.schema().entity_label("PRODUCT").unwrap();
    // `p` is PER's already.
    assert_eq!(product.hotkey, None);
    assert!(p.schema().relation_type("MADE-BY").is_some());
    assert_eq!(
        p.schema().entity_label("PER").unwrap().color,
        Schema::news().entity_labels[0].color
    );
    assert!(p.problems().is_empty(), "{:?}", p.problems());
}

proptest::proptest! {
    /// Documents found by id (through the position index) are those a scan finds, after any
    /// sequence of insertions anywhere, removals and undos.
    #[test]
    fn documents_are_found_by_id_after_any_insertions_and_removals(
        steps in proptest::collection::vec((proptest::bool::ANY, 0usize..8), 1..40)
    ) {
        let mut p = Project::new("p".into(), "ana".into(), Schema::news());
        let mut undo = Vec::new();
        for (n, (insert, at)) in steps.into_iter().enumerate() {
            let len = p.documents().len();
            let edit = if insert || len == 0 {
                let doc = Document::new(format!("d{n}"), format!("d{n}.txt"), None, "서울 — x".into());
                Edit::AddDocument { index: at.min(len), document: Box::new(doc) }
            } else {
                Edit::RemoveDocument { index: at % len }
            };
            undo.push(p.apply(edit).unwrap());
            for (i, doc) in p.documents().iter().enumerate() {
                proptest::prop_assert_eq!(p.position(doc.id()), Some(i));
            }
        }
        while let Some(inverse) = undo.pop() {
            p.apply(inverse).unwrap();
        }
        proptest::prop_assert!(p.documents().is_empty());
        proptest::prop_assert_eq!(p.document("d0"), None);
    }
}

#[test]
fn a_repeated_id_in_a_file_keeps_its_first_place() {
    let doc = |name: &str| Document::new("same".into(), name.into(), None, "x".into());
    let p = Project::from_parts(
        "p".into(),
        "ana".into(),
        now_rfc3339(),
        now_rfc3339(),
        Schema::news(),
        vec![doc("first.txt"), doc("second.txt")],
    );
    assert_eq!(p.document("same").map(Document::name), Some("first.txt"));
    assert!(
        p.problems()
            .iter()
            .any(|q| q.message.contains("used twice"))
    );
}

#[test]
fn a_partial_project_takes_edits_inside_documents_only_and_loads_the_rest_without_edits() {
    let mut p = project();
    assert!(p.changes().manifest, "the document list changed");
    p.set_saved_in("p.tagdesk".into(), "ron");
    assert!(!p.changes().manifest);
    p.apply(add(entity(1, 0, 2, "GPE"))).unwrap();
    assert!(!p.changes().manifest, "an edit inside a document");
    p.set_partial(true);
    let refused = [
        Edit::RemoveDocument { index: 0 },
        Edit::AddEntityLabel {
            label: EntityLabel::plain("Person"),
        },
        Edit::SetLearning { enabled: false },
        Edit::Batch(vec![
            Edit::SetDone {
                doc: DOC.into(),
                done: true,
            },
            Edit::SetDictionary {
                patterns: Vec::new(),
            },
        ]),
    ];
    let before = p.clone();
    for edit in refused {
        assert_eq!(p.apply(edit), Err(EditError::Partial));
    }
    assert_eq!(p, before);
    p.apply(Edit::SetDone {
        doc: DOC.into(),
        done: true,
    })
    .unwrap();
    // The folder's other documents arrive; one repeating an id is given back.
    let later = Document::new(
        "d2".into(),
        "busan.txt".into(),
        None,
        "부산 — Busan.".into(),
    );
    let again = Document::new(DOC.into(), "again.txt".into(), None, "again".into());
    let refused = p.append_loaded(vec![later, again]);
    assert_eq!(refused.len(), 1);
    assert_eq!(refused[0].name(), "again.txt");
    assert_eq!(p.position("d2"), Some(1));
    assert!(!p.changes().docs.contains("d2"), "loading is no change");
    p.set_partial(false);
    p.apply(Edit::SetLearning { enabled: false }).unwrap();
    assert!(p.changes().manifest);
}

#[test]
fn new_ids_are_free_and_many_of_one_name_are_numbered_in_turn() {
    let p = project(); // holds "d1"
    let mut ids = NewIds::default();
    assert_eq!(ids.claim(&p, "서울"), "서울");
    assert_eq!(ids.claim(&p, "d1"), "d1-2");
    assert_eq!(ids.claim(&p, "d1-3"), "d1-3");
    // The next "d1" skips the "d1-3" claimed since.
    assert_eq!(ids.claim(&p, "d1"), "d1-4");
    let many: Vec<String> = (0..10_000).map(|_| ids.claim(&p, "서울")).collect();
    assert_eq!(many[0], "서울-2");
    assert_eq!(many[9_999], "서울-10001");
    // Case alone does not make an id new: the two would be one file on macOS.
    assert_eq!(ids.claim(&p, "D1"), "D1-5");
    assert_eq!(ids.claim(&p, "Report"), "Report");
    assert_eq!(ids.claim(&p, "report"), "report-2");
}
