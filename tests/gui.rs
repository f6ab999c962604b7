//! The desktop app driven like a user drives it: keyboard, clicks, menus' actions.
#![cfg(feature = "gui")]

mod team_common;

use std::path::Path;

use egui::{Key, Modifiers};
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT as _, Queryable as _};
use tagdesk::app::{Action, Config, Modal, Preferences, TagdeskApp};
use tagdesk::model::{ArgTarget, Origin, Status};
use tagdesk::ui::AnnotationRef;

const SAMPLE: &str = "assets/samples/diplomacy-korea-uk-talks.txt";

fn harness(app: TagdeskApp) -> Harness<'static, TagdeskApp> {
    Harness::builder()
        .with_size(egui::vec2(1400.0, 900.0))
        .with_context_setup(tagdesk::app::install_fonts)
        .build_ui_state(|ui, app: &mut TagdeskApp| app.ui(ui), app)
}

fn app(recovery: &Path) -> TagdeskApp {
    let prefs = Preferences {
        annotator: "tester".into(),
        ..Preferences::default()
    };
    TagdeskApp::new(
        Config {
            recovery_dir: Some(recovery.to_path_buf()),
        },
        prefs,
    )
}

/// The sample article, opened through the same call the File menu and the command line use,
/// with its pre-annotation finished.
fn sample_harness(recovery: &Path) -> Harness<'static, TagdeskApp> {
    let mut app = app(recovery);
    app.open_path(Path::new(SAMPLE));
    app.wait_for_jobs();
    let mut harness = harness(app);
    harness.run();
    harness
}

fn press(harness: &mut Harness<'_, TagdeskApp>, modifiers: Modifiers, key: Key, times: usize) {
    for _ in 0..times {
        harness.key_press_modifiers(modifiers, key);
        harness.run();
    }
}

fn doc<'h>(harness: &'h Harness<'_, TagdeskApp>) -> &'h tagdesk::model::Document {
    let app = harness.state();
    &app.project().documents()[app.current()]
}

#[test]
fn opening_an_article_shows_it_pre_annotated() {
    let recovery = tempfile::tempdir().unwrap();
    let harness = sample_harness(recovery.path());
    let d = doc(&harness);
    assert_eq!(d.name(), "diplomacy-korea-uk-talks.txt");
    let suggested: Vec<&str> = d
        .entities()
        .iter()
        .filter(|e| e.status == Status::Suggested)
        .map(|e| d.span_text(e.span).unwrap())
        .collect();
    assert!(
        suggested.contains(&"London") && suggested.contains(&"South Korea"),
        "{suggested:?}"
    );
    assert!(d.events().iter().any(|e| e.status == Status::Suggested));
    // The panels show the document and its events.
    harness.get_by_label("Documents");
    harness.get_by_label("Create event");
    assert!(harness.state().title().contains("untitled"));
}

#[test]
fn keyboard_selection_and_a_hotkey_make_an_entity() {
    let recovery = tempfile::tempdir().unwrap();
    let mut harness = sample_harness(recovery.path());
    let before = doc(&harness).entities().len();
    // "Home › World › Asia-Pacific": select "Home" with Shift+Right from the start, label ORG.
    press(&mut harness, Modifiers::COMMAND, Key::Home, 1);
    press(&mut harness, Modifiers::SHIFT, Key::ArrowRight, 4);
    press(&mut harness, Modifiers::NONE, Key::O, 1);
    let d = doc(&harness);
    assert_eq!(d.entities().len(), before + 1);
    let home = d.entities().iter().find(|e| e.span.start == 0).unwrap();
    assert_eq!(
        (
            d.span_text(home.span),
            home.label.as_str(),
            home.status,
            &home.origin
        ),
        (Some("Home"), "ORG", Status::Accepted, &Origin::Manual)
    );
    assert_eq!(
        harness.state().selected(),
        Some(AnnotationRef::Entity(home.id))
    );
    // With the entity selected, another hotkey relabels it.
    press(&mut harness, Modifiers::NONE, Key::L, 1);
    let d = doc(&harness);
    assert_eq!(
        d.entities()
            .iter()
            .find(|e| e.span.start == 0)
            .unwrap()
            .label,
        "LOC"
    );
    assert!(harness.state().is_dirty());
    assert!(
        harness.state().title().starts_with("• "),
        "the title marks unsaved changes"
    );
}

#[test]
fn tab_enter_and_delete_review_suggestions() {
    let recovery = tempfile::tempdir().unwrap();
    let mut harness = sample_harness(recovery.path());
    press(&mut harness, Modifiers::NONE, Key::Tab, 1);
    let Some(AnnotationRef::Entity(first)) = harness.state().selected() else {
        panic!("Tab selects the first suggestion")
    };
    press(&mut harness, Modifiers::NONE, Key::Enter, 1);
    assert_eq!(
        doc(&harness).entity(first).unwrap().status,
        Status::Accepted
    );
    // Reviewing moves on: the next suggestion is selected; Delete rejects it.
    let next = harness
        .state()
        .selected()
        .expect("the next suggestion is selected");
    assert_ne!(next, AnnotationRef::Entity(first));
    press(&mut harness, Modifiers::NONE, Key::Delete, 1);
    let status = match next {
        AnnotationRef::Entity(id) => doc(&harness).entity(id).unwrap().status,
        AnnotationRef::Event(id) => doc(&harness).event(id).unwrap().status,
        AnnotationRef::Relation(id) => doc(&harness).relation(id).unwrap().status,
    };
    assert_eq!(status, Status::Rejected);
    // Rejected suggestions are kept (so they are never proposed again) but hidden.
    harness
        .state_mut()
        .run(tagdesk::app::Action::PreAnnotateDocument);
    harness.state_mut().wait_for_jobs();
    if let AnnotationRef::Entity(id) = next {
        let rejected = doc(&harness).entity(id).unwrap().clone();
        let again = doc(&harness)
            .entities()
            .iter()
            .filter(|e| e.span == rejected.span && e.label == rejected.label)
            .count();
        assert_eq!(again, 1, "a rejected suggestion is not proposed again");
    }
}

#[test]
fn an_event_gets_two_arguments_and_undo_redo_walk_back_and_forth() {
    let recovery = tempfile::tempdir().unwrap();
    let mut harness = sample_harness(recovery.path());
    let text = doc(&harness).text().to_owned();
    // Select the word "negotiator" (line 3) with the keyboard: jump to it via the find bar.
    harness.state_mut().run(tagdesk::app::Action::Find);
    harness.run();
    harness.get_by_label("Find:").focus();
    harness.run();
    harness
        .get_by_role_and_label(egui::accesskit::Role::TextInput, "Find:")
        .type_text("flies");
    harness.run();
    harness.get_by_label("Next").click();
    harness.run();
    let span = harness
        .state()
        .view
        .selection
        .span()
        .expect("find selects the match");
    assert_eq!(
        &text[text.char_indices().nth(span.start).unwrap().0..][..5],
        "flies"
    );
    harness.get_by_label("Close").click();
    harness.run();
    // Turn it into a Movement:Transport event: choose the type, then Create event.
    harness.get_by_label("Type").click();
    harness.run();
    harness.get_by_label("Movement:Transport").click();
    harness.run();
    let events_before = doc(&harness).events().len();
    harness.get_by_label("Create event").click();
    harness.run();
    let d = doc(&harness);
    assert_eq!(d.events().len(), events_before + 1);
    let Some(AnnotationRef::Event(event_id)) = harness.state().selected() else {
        panic!("the new event is selected")
    };
    assert_eq!(d.event(event_id).unwrap().event_type, "Movement:Transport");

    // Two arguments: the negotiator is the Artifact, London the Destination (roles from the type).
    for (role, entity_text) in [("Artifact", None), ("Destination", Some("London"))] {
        harness.get_by_label("Role").click();
        harness.run();
        harness.get_by_label(role).click();
        harness.run();
        harness.get_by_label("Add entity").click();
        harness.run();
        let d = doc(&harness);
        let entity = match entity_text {
            Some(t) => d
                .entities()
                .iter()
                .find(|e| d.span_text(e.span) == Some(t))
                .unwrap(),
            None => d
                .entities()
                .iter()
                .find(|e| e.label == "PER" && e.status != Status::Rejected)
                .unwrap(),
        };
        let pick = format!(
            "{} ({}, {})",
            d.span_text(entity.span).unwrap(),
            entity.label,
            entity.id
        );
        harness.get_by_label(&pick).click();
        harness.run();
    }
    let event = doc(&harness).event(event_id).unwrap().clone();
    let roles: Vec<&str> = event.arguments.iter().map(|a| a.role.as_str()).collect();
    assert_eq!(roles, ["Artifact", "Destination"]);
    assert!(
        event
            .arguments
            .iter()
            .all(|a| matches!(a.target, ArgTarget::Entity(_)))
    );

    // Undo removes the arguments, then the event; redo (both shortcuts) brings them back.
    let with_args = harness.state().project().clone();
    press(&mut harness, Modifiers::COMMAND, Key::Z, 3);
    assert!(doc(&harness).event(event_id).is_none());
    press(
        &mut harness,
        Modifiers::COMMAND | Modifiers::SHIFT,
        Key::Z,
        2,
    );
    press(&mut harness, Modifiers::COMMAND, Key::Y, 1);
    assert_eq!(harness.state().project(), &with_args);
}

#[test]
fn save_and_reload_give_the_same_project_and_the_title_follows() {
    let recovery = tempfile::tempdir().unwrap();
    let mut harness = sample_harness(recovery.path());
    press(&mut harness, Modifiers::NONE, Key::Tab, 1);
    press(&mut harness, Modifiers::NONE, Key::Enter, 1);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("talks.tagdesk.ron");
    harness.state_mut().save_to(&path).unwrap();
    harness.run();
    assert!(!harness.state().is_dirty());
    assert!(
        harness.state().title().contains("talks.tagdesk.ron")
            && !harness.state().title().starts_with('•')
    );
    let saved = harness.state().project().clone();
    let mut reopened = app(recovery.path());
    reopened.open_project(&path).unwrap();
    assert_eq!(reopened.project(), &saved);
}

#[test]
fn unsaved_changes_are_asked_about_before_a_new_project() {
    let recovery = tempfile::tempdir().unwrap();
    let mut harness = sample_harness(recovery.path());
    press(&mut harness, Modifiers::COMMAND, Key::N, 1);
    assert!(matches!(
        harness.state().modal(),
        Some(Modal::Unsaved { .. })
    ));
    harness.get_by_label("Cancel").click();
    harness.run();
    assert_eq!(
        harness.state().project().documents().len(),
        1,
        "cancel keeps the work"
    );
    press(&mut harness, Modifiers::COMMAND, Key::N, 1);
    harness.get_by_label("Discard changes").click();
    harness.run();
    assert!(harness.state().project().documents().is_empty());
}

#[test]
fn work_survives_a_crash_through_the_journal() {
    let recovery = tempfile::tempdir().unwrap();
    let mut harness = sample_harness(recovery.path());
    press(&mut harness, Modifiers::NONE, Key::Tab, 1);
    press(&mut harness, Modifiers::NONE, Key::Enter, 1);
    let lost = harness.state().project().documents().to_vec();
    std::mem::forget(harness); // the process dies: no clean-up runs

    let mut harness = harness_for_recovery(recovery.path());
    assert!(
        matches!(harness.state().modal(), Some(Modal::Recovery(_))),
        "the next start offers recovery"
    );
    harness.get_by_label("Recover").click();
    harness.run();
    assert_eq!(harness.state().project().documents(), lost.as_slice());
    assert!(
        harness.state().is_dirty(),
        "recovered work still has to be saved"
    );
}

fn harness_for_recovery(recovery: &Path) -> Harness<'static, TagdeskApp> {
    let mut harness = harness(app(recovery));
    harness.run();
    harness
}

#[test]
fn keyboard_shortcuts_window_lists_actions_and_hotkeys() {
    let recovery = tempfile::tempdir().unwrap();
    let mut harness = sample_harness(recovery.path());
    press(&mut harness, Modifiers::NONE, Key::F1, 1);
    harness.get_by_label("Label selection PER");
    harness.get_by_label("Accept selected");
}

/// Selects the first occurrence of `needle` in the open document through the find bar.
fn find_and_select(harness: &mut Harness<'_, TagdeskApp>, needle: &str) {
    harness.state_mut().run(tagdesk::app::Action::Find);
    harness.run();
    harness.get_by_label("Find:").focus();
    harness.run();
    // Replace what an earlier search left in the field.
    harness.key_press_modifiers(Modifiers::COMMAND, Key::A);
    harness.run();
    harness
        .get_by_role_and_label(egui::accesskit::Role::TextInput, "Find:")
        .type_text(needle);
    harness.run();
    harness.get_by_label("Next").click();
    harness.run();
    harness.get_by_label("Close").click();
    harness.run();
    let app = harness.state();
    let d = &app.project().documents()[app.current()];
    let selected = app.view.selection.span().and_then(|s| d.span_text(s));
    assert_eq!(
        selected.map(str::to_lowercase),
        Some(needle.to_lowercase()),
        "find selected the match"
    );
}

#[test]
fn label_all_occurrences_in_the_document_then_the_project() {
    let recovery = tempfile::tempdir().unwrap();
    let mut harness = sample_harness(recovery.path());
    harness
        .state_mut()
        .import_paths(&["assets/samples/trade-tariffs-g20.txt".into()])
        .unwrap();
    harness.state_mut().wait_for_jobs();
    harness.state_mut().open_document(0);
    harness.run();
    let count_labelled = |h: &Harness<'_, TagdeskApp>, doc: usize| {
        let d = &h.state().project().documents()[doc];
        d.entities()
            .iter()
            .filter(|e| {
                d.span_text(e.span) == Some("Whitcombe")
                    && e.label == "ORG"
                    && e.status == Status::Accepted
            })
            .count()
    };
    find_and_select(&mut harness, "Whitcombe");
    press(&mut harness, Modifiers::NONE, Key::O, 1); // deliberately ORG, which no suggestion uses
    assert_eq!(count_labelled(&harness, 0), 1);
    press(&mut harness, Modifiers::COMMAND, Key::L, 1);
    let text = harness.state().project().documents()[0].text().to_owned();
    assert_eq!(
        count_labelled(&harness, 0),
        text.matches("Whitcombe").count(),
        "every occurrence in the document"
    );
    assert_eq!(
        count_labelled(&harness, 1),
        0,
        "the other document is untouched"
    );
    // One undo takes the whole batch back.
    press(&mut harness, Modifiers::COMMAND, Key::Z, 1);
    assert_eq!(count_labelled(&harness, 0), 1);
    // Whole project: a name that occurs in both articles.
    find_and_select(&mut harness, "Washington");
    press(&mut harness, Modifiers::NONE, Key::O, 1);
    press(
        &mut harness,
        Modifiers::COMMAND | Modifiers::SHIFT,
        Key::L,
        1,
    );
    for doc in 0..2 {
        let d = &harness.state().project().documents()[doc];
        let labelled = d
            .entities()
            .iter()
            .filter(|e| d.span_text(e.span) == Some("Washington") && e.label == "ORG")
            .count();
        assert_eq!(
            labelled,
            selection_count(d.text(), "Washington"),
            "document {doc}"
        );
        assert!(labelled > 0);
    }
}

/// Whole-word occurrences, as label-all counts them.
fn selection_count(text: &str, word: &str) -> usize {
    let doc = tagdesk::model::Document::new("x".into(), "x".into(), None, text.into());
    tagdesk::ui::selection::occurrences(&doc, word).len()
}

/// Selects "talks" and makes it a Contact:Meet event with Ctrl+T; the new event is selected.
fn meeting_on_talks(harness: &mut Harness<'_, TagdeskApp>) -> tagdesk::model::EventId {
    find_and_select(harness, "talks");
    harness.get_by_label("Type").click();
    harness.run();
    harness.get_by_label("Contact:Meet").click();
    harness.run();
    press(harness, Modifiers::COMMAND, Key::T, 1);
    let Some(AnnotationRef::Event(event)) = harness.state().selected() else {
        panic!("Ctrl+T creates and selects the event")
    };
    event
}

#[test]
fn an_argument_must_fit_its_role() {
    let recovery = tempfile::tempdir().unwrap();
    let mut harness = sample_harness(recovery.path());
    let event = meeting_on_talks(&mut harness);
    let d = doc(&harness);
    let date = d.entities().iter().find(|e| e.label == "DATE").unwrap().id;
    let person = d.entities().iter().find(|e| e.label == "PER").unwrap().id;
    harness.state_mut().add_argument(event, "Entity", date);
    assert!(
        doc(&harness).event(event).unwrap().arguments.is_empty(),
        "Entity of Contact:Meet takes no DATE"
    );
    assert!(
        harness
            .state()
            .status()
            .unwrap()
            .contains("does not take a DATE")
    );
    harness.state_mut().add_argument(event, "Entity", person);
    harness.state_mut().add_argument(event, "Time", date);
    let roles: Vec<String> = doc(&harness)
        .event(event)
        .unwrap()
        .arguments
        .iter()
        .map(|a| a.role.clone())
        .collect();
    assert_eq!(roles, ["Entity", "Time"]);
    // The role list offers only the type's roles.
    harness.run();
    harness.get_by_label("Role").click();
    harness.run();
    assert!(
        harness.query_by_label("Destination").is_none(),
        "Contact:Meet has no Destination"
    );
    harness.get_by_label("Place");
}

#[test]
fn event_arguments_are_linked_from_the_keyboard() {
    let recovery = tempfile::tempdir().unwrap();
    let mut harness = sample_harness(recovery.path());
    // No event selected yet: Ctrl+K says what to do and changes nothing.
    find_and_select(&mut harness, "Yoon Seo-hyun");
    let before = harness.state().project().clone();
    press(&mut harness, Modifiers::COMMAND, Key::K, 1);
    assert_eq!(harness.state().project(), &before);
    assert!(
        harness
            .state()
            .status()
            .unwrap()
            .contains("Select an event")
    );

    let event = meeting_on_talks(&mut harness);
    // A person and a place fill the first role that takes them (Entity); Ctrl+K again moves
    // the place to the next one (Place); a date goes to Time; a facility finds Place taken.
    for (needle, times) in [
        ("Yoon Seo-hyun", 1),
        ("London", 2),
        ("Monday", 1),
        ("Incheon International Airport", 1),
    ] {
        find_and_select(&mut harness, needle);
        press(&mut harness, Modifiers::COMMAND, Key::K, times);
    }
    let status = harness.state().status().unwrap().to_owned();
    assert!(status.contains("no role left for a FAC"), "{status}");
    let d = doc(&harness);
    let linked: Vec<(String, &str)> = d
        .event(event)
        .unwrap()
        .arguments
        .iter()
        .map(|a| {
            let ArgTarget::Entity(id) = a.target else {
                panic!("an entity argument")
            };
            let entity = d.entity(id).unwrap();
            (a.role.clone(), d.span_text(entity.span).unwrap())
        })
        .collect();
    assert_eq!(
        linked,
        [
            ("Entity".to_owned(), "Yoon Seo-hyun"),
            ("Place".to_owned(), "London"),
            ("Time".to_owned(), "Monday"),
        ]
    );
    assert_eq!(
        harness.state().selected(),
        Some(AnnotationRef::Event(event))
    );
}

#[test]
fn the_export_dialog_shows_the_pre_flight_and_writes_the_files() {
    let recovery = tempfile::tempdir().unwrap();
    let mut harness = sample_harness(recovery.path());
    press(&mut harness, Modifiers::NONE, Key::Tab, 1);
    press(&mut harness, Modifiers::NONE, Key::Enter, 1);
    press(&mut harness, Modifiers::COMMAND, Key::E, 1);
    assert!(matches!(harness.state().modal(), Some(Modal::Export)));
    harness.get_by_label("Format").click();
    harness.run();
    harness.get_by_label("spaCy JSONL").click();
    harness.run();
    harness.get_by_label("Include suggestions").click();
    harness.run();
    assert!(
        harness.query_by_label_contains("Pre-flight").is_some(),
        "the report is shown before anything is written"
    );
    // The folder dialog's answer goes through the same method.
    let out = tempfile::tempdir().unwrap();
    harness.state_mut().export_to(out.path());
    let written = std::fs::read_to_string(out.path().join("export.jsonl")).unwrap();
    let line: serde_json::Value = serde_json::from_str(written.lines().next().unwrap()).unwrap();
    let d = doc(&harness);
    let exported = line["entities"].as_array().unwrap().len();
    let selected = d
        .entities()
        .iter()
        .filter(|e| e.status != Status::Rejected)
        .count();
    assert!(
        exported > 0 && exported <= selected,
        "{exported} of {selected}"
    );
    assert!(
        harness
            .state()
            .status()
            .unwrap()
            .starts_with("Exported 1 document(s) as spaCy JSONL")
    );
}

#[test]
fn a_failed_save_is_shown_and_loses_nothing() {
    let recovery = tempfile::tempdir().unwrap();
    let mut harness = sample_harness(recovery.path());
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("work");
    std::fs::create_dir(&folder).unwrap();
    let path = folder.join("p.tagdesk.ron");
    harness.state_mut().save_to(&path).unwrap();
    press(&mut harness, Modifiers::NONE, Key::Tab, 1);
    press(&mut harness, Modifiers::NONE, Key::Enter, 1);
    let edited = harness.state().project().documents().to_vec();
    std::fs::remove_dir_all(&folder).unwrap(); // the folder vanished (unplugged drive…)
    press(&mut harness, Modifiers::COMMAND, Key::S, 1);
    let Some(Modal::Error(message)) = harness.state().modal() else {
        panic!("the error is shown")
    };
    assert!(
        message.contains("Not saved — your work is still here"),
        "{message}"
    );
    assert!(harness.state().is_dirty());
    assert_eq!(harness.state().project().documents(), edited.as_slice());
    harness.get_by_label("OK").click();
    harness.run();
    assert!(harness.state().modal().is_none());
}

#[test]
fn pre_annotation_can_be_cancelled() {
    let recovery = tempfile::tempdir().unwrap();
    let articles = tempfile::tempdir().unwrap();
    for name in [
        "diplomacy-korea-uk-talks.txt",
        "trade-tariffs-g20.txt",
        "crime-port-smuggling-arrests.txt",
    ] {
        std::fs::copy(
            Path::new("assets/samples").join(name),
            articles.path().join(name),
        )
        .unwrap();
    }
    let mut app = app(recovery.path());
    app.open_path(articles.path());
    assert_eq!(app.project().documents().len(), 3);
    app.cancel_job();
    assert_eq!(app.is_busy(), None);
    assert!(app.status().unwrap().contains("cancelled"));
    // Nothing half-applied: every document is either untouched or fully pre-annotated, and
    // running it again fills in the rest.
    app.run(tagdesk::app::Action::PreAnnotateAll);
    assert!(
        app.is_busy().is_some(),
        "a progress bar is shown while it runs"
    );
    app.wait_for_jobs();
    assert!(
        app.project()
            .documents()
            .iter()
            .all(|d| d.entities().iter().any(|e| e.status == Status::Suggested))
    );
}

/// A dictionary file: "Asia-Pacific", which the rules call LOC, is ORG; "free trade
/// agreement", any case, is LAW, a label the news schema lacks.
fn write_dictionary(dir: &Path) -> std::path::PathBuf {
    let path = dir.join("outlets.jsonl");
    std::fs::write(
        &path,
        "{\"label\": \"ORG\", \"pattern\": \"Asia-Pacific\"}\n\
         {\"label\": \"LAW\", \"pattern\": [{\"lower\": \"free\"}, {\"lower\": \"trade\"}, {\"lower\": \"agreement\"}]}\n",
    )
    .unwrap();
    path
}

/// Attaches the dictionary of [`write_dictionary`], written in `dir`, as the file dialog does.
fn attach_dictionary(harness: &mut Harness<'_, TagdeskApp>, dir: &Path) {
    harness
        .state_mut()
        .attach_dictionary(&write_dictionary(dir));
}

/// (text, label, rule) of the open document's suggestions.
fn suggestions(harness: &Harness<'_, TagdeskApp>) -> Vec<(String, String, String)> {
    let d = doc(harness);
    d.entities()
        .iter()
        .filter(|e| e.status == Status::Suggested)
        .filter_map(|e| match &e.origin {
            Origin::Auto { rule, .. } => Some((
                d.span_text(e.span).unwrap().to_owned(),
                e.label.clone(),
                rule.to_string(),
            )),
            _ => None,
        })
        .collect()
}

#[test]
fn an_attached_dictionary_wins_on_the_next_pre_annotation_and_undo_removes_it() {
    let recovery = tempfile::tempdir().unwrap();
    let files = tempfile::tempdir().unwrap();
    let mut harness = sample_harness(recovery.path());
    let asia_pacific = |h: &Harness<'_, TagdeskApp>| {
        suggestions(h)
            .into_iter()
            .filter(|(text, ..)| text == "Asia-Pacific")
            .map(|(_, label, rule)| (label, rule))
            .collect::<Vec<_>>()
    };
    let by_rules = asia_pacific(&harness);
    assert!(
        matches!(by_rules.as_slice(), [(label, rule)] if label == "LOC" && rule != "dictionary"),
        "{by_rules:?}"
    );
    let before = harness.state().project().clone();

    // The file dialog's answer goes through the same method.
    attach_dictionary(&mut harness, files.path());
    harness.run();
    let app = harness.state();
    assert_eq!(app.project().dictionary().len(), 2);
    assert!(app.project().schema().entity_label("LAW").is_some());
    assert_eq!(
        app.status(),
        Some(
            "Attached dictionary outlets.jsonl: 2 pattern(s); the schema gained label(s) LAW. \
             Pre-annotate (Ctrl+R) to apply it."
        )
    );
    harness.get_by_label("Dictionary: 2 patterns");

    press(&mut harness, Modifiers::COMMAND, Key::R, 1);
    harness.state_mut().wait_for_jobs();
    harness.run();
    assert_eq!(
        asia_pacific(&harness),
        [("ORG".to_owned(), "dictionary".to_owned())],
        "the dictionary's label replaces the rule's suggestion"
    );
    assert!(
        suggestions(&harness).contains(&(
            "free trade agreement".to_owned(),
            "LAW".to_owned(),
            "dictionary".to_owned()
        )),
        "{:?}",
        suggestions(&harness)
    );

    // Undo takes back the suggestions, then the dictionary with the label it brought.
    press(&mut harness, Modifiers::COMMAND, Key::Z, 2);
    assert_eq!(harness.state().project(), &before);
    assert!(harness.query_by_label_contains("Dictionary:").is_none());
    press(&mut harness, Modifiers::COMMAND, Key::Y, 1);
    assert_eq!(harness.state().project().dictionary().len(), 2);
}

#[test]
fn a_dictionary_is_saved_with_the_project_and_removed_from_the_annotate_menu() {
    let recovery = tempfile::tempdir().unwrap();
    let files = tempfile::tempdir().unwrap();
    let mut harness = sample_harness(recovery.path());
    attach_dictionary(&mut harness, files.path());
    let path = files.path().join("talks.tagdesk.json");
    harness.state_mut().save_to(&path).unwrap();
    let saved = harness.state().project().clone();

    // Another session (its own recovery folder, so the first one's journal is not offered).
    let recovery = tempfile::tempdir().unwrap();
    let mut reopened = app(recovery.path());
    reopened.open_project(&path).unwrap();
    assert_eq!(reopened.project(), &saved);
    let mut harness = harness_with(reopened);
    harness.get_by_label("Dictionary: 2 patterns");

    harness.get_by_label("Annotate").click();
    harness.run();
    harness.get_by_label("Attach dictionary…");
    harness.get_by_label("Remove dictionary").click();
    harness.run();
    let app = harness.state();
    assert!(app.project().dictionary().is_empty());
    assert!(app.is_dirty());
    assert_eq!(app.status(), Some("Removed the dictionary (2 pattern(s))"));
    harness.get_by_label("Annotate").click();
    harness.run();
    assert!(
        harness
            .get_by_label("Remove dictionary")
            .accesskit_node()
            .is_disabled(),
        "nothing to remove now"
    );
    harness.get_by_label("Annotate").click();
    harness.run();
    press(&mut harness, Modifiers::COMMAND, Key::Z, 1);
    assert_eq!(harness.state().project(), &saved);
}

#[test]
fn a_broken_dictionary_is_shown_and_changes_nothing() {
    let recovery = tempfile::tempdir().unwrap();
    let files = tempfile::tempdir().unwrap();
    let mut harness = sample_harness(recovery.path());
    let before = harness.state().project().clone();
    let broken = files.path().join("broken.jsonl");
    std::fs::write(
        &broken,
        "{\"label\": \"ORG\", \"pattern\": \"Nikkei Asia\"}\n{\"label\": \"ORG\", \"pattern\": []}\n",
    )
    .unwrap();
    harness.state_mut().attach_dictionary(&broken);
    harness.run();
    let Some(Modal::Error(message)) = harness.state().modal() else {
        panic!("the error is shown")
    };
    assert!(
        message.contains("broken.jsonl")
            && message.contains("dictionary line 2: the pattern is empty"),
        "{message}"
    );
    assert_eq!(harness.state().project(), &before);
    harness.get_by_label("OK").click();
    harness.run();
    assert!(harness.state().modal().is_none());
}

fn harness_with(app: TagdeskApp) -> Harness<'static, TagdeskApp> {
    let mut harness = harness(app);
    harness.run();
    harness
}

#[test]
fn an_attached_dictionary_survives_a_crash_through_the_journal() {
    let recovery = tempfile::tempdir().unwrap();
    let files = tempfile::tempdir().unwrap();
    let mut harness = sample_harness(recovery.path());
    attach_dictionary(&mut harness, files.path());
    let lost = harness.state().project().clone();
    std::mem::forget(harness); // the process dies: no clean-up runs

    let mut harness = harness_for_recovery(recovery.path());
    harness.get_by_label("Recover").click();
    harness.run();
    let recovered = harness.state().project();
    assert_eq!(recovered.dictionary(), lost.dictionary());
    assert_eq!(recovered.schema(), lost.schema());
    assert_eq!(recovered.documents(), lost.documents());
}

/// Three short articles in a folder, opened as one project with the rules' suggestions.
fn three_articles(recovery: &Path, articles: &Path) -> Harness<'static, TagdeskApp> {
    for (name, text) in [
        (
            "a.txt",
            "Park Ji-won met Laura Hill in London on Friday.\n\nThe talks in Seoul ended on March 3, officials said.\n",
        ),
        (
            "b.txt",
            "Daniel Moss flew to Tokyo on Monday.\n\nHe met Ana Ruiz in Geneva on April 9, aides said.\n",
        ),
        (
            "c.txt",
            "Kim Min-jun visited Berlin on Tuesday.\n\nHe will meet Maria Costa in Paris on May 21, officials said.\n",
        ),
    ] {
        std::fs::write(articles.join(name), text).unwrap();
    }
    let mut app = app(recovery);
    app.open_path(articles);
    app.wait_for_jobs();
    let mut harness = harness(app);
    harness.run();
    harness
}

/// Reviews every suggestion of the current document from the keyboard as a team that does not
/// label dates would: Delete on each DATE, Enter on everything else.
fn review_without_dates(harness: &mut Harness<'_, TagdeskApp>) {
    press(harness, Modifiers::NONE, Key::Tab, 1);
    while let Some(selected) = harness.state().selected() {
        let d = doc(harness);
        let is_date = matches!(selected, AnnotationRef::Entity(id) if d.entity(id).is_some_and(|e| e.label == "DATE"));
        let pending = match selected {
            AnnotationRef::Entity(id) => {
                d.entity(id).is_some_and(|e| e.status == Status::Suggested)
            }
            AnnotationRef::Event(id) => d.event(id).is_some_and(|e| e.status == Status::Suggested),
            AnnotationRef::Relation(id) => d
                .relation(id)
                .is_some_and(|r| r.status == Status::Suggested),
        };
        if !pending {
            break;
        }
        let key = if is_date { Key::Delete } else { Key::Enter };
        press(harness, Modifiers::NONE, key, 1);
    }
}

fn labels(d: &tagdesk::model::Document) -> Vec<(String, String)> {
    d.entities()
        .iter()
        .filter(|e| e.status == Status::Suggested)
        .map(|e| (d.span_text(e.span).unwrap().to_owned(), e.label.clone()))
        .collect()
}

#[test]
fn documents_marked_done_teach_the_model_and_undo_restores_the_suggestions() {
    let recovery = tempfile::tempdir().unwrap();
    let articles = tempfile::tempdir().unwrap();
    let mut harness = three_articles(recovery.path(), articles.path());
    press(&mut harness, Modifiers::COMMAND, Key::PageUp, 2);
    assert_eq!(harness.state().current(), 0);
    let third = |h: &Harness<'_, TagdeskApp>| h.state().project().documents()[2].clone();
    let rules = third(&harness);
    assert!(labels(&rules).contains(&("Tuesday".into(), "DATE".into())));

    // The first document: dates rejected, the rest accepted, marked done.
    review_without_dates(&mut harness);
    press(&mut harness, Modifiers::COMMAND, Key::D, 1);
    harness.state_mut().wait_for_learning();
    harness.run();
    let status = harness.state().status().unwrap().to_owned();
    assert!(
        status.starts_with("Learned from 1 document, 4 entities"),
        "{status}"
    );
    // The third document's suggestions follow: no dates, from the project's model.
    let learned = third(&harness);
    assert!(
        !labels(&learned).iter().any(|(_, l)| l == "DATE"),
        "{:?}",
        labels(&learned)
    );
    assert!(labels(&learned).contains(&("Maria Costa".into(), "PER".into())));
    assert!(learned.entities().iter().any(|e| matches!(&e.origin,
        Origin::Auto { engine, .. } if engine == tagdesk::annotate::learn::MODEL_ENGINE_NAME)));
    // One undo restores them exactly; redo brings the model's back.
    press(&mut harness, Modifiers::COMMAND, Key::Z, 1);
    assert_eq!(third(&harness), rules);
    press(
        &mut harness,
        Modifiers::COMMAND | Modifiers::SHIFT,
        Key::Z,
        1,
    );
    assert_eq!(third(&harness), learned);

    // The second document, already refreshed (it was untouched), reviewed and marked done.
    press(&mut harness, Modifiers::COMMAND, Key::PageDown, 1);
    assert!(!labels(doc(&harness)).iter().any(|(_, l)| l == "DATE"));
    review_without_dates(&mut harness);
    press(&mut harness, Modifiers::COMMAND, Key::D, 1);
    harness.state_mut().wait_for_learning();
    harness.run();
    let status = harness.state().status().unwrap().to_owned();
    assert!(status.starts_with("Learned from 2 documents"), "{status}");
    assert!(!labels(&third(&harness)).iter().any(|(_, l)| l == "DATE"));
    // Reviewed documents are never refreshed.
    let first = &harness.state().project().documents()[0];
    assert!(
        first.is_done()
            && first
                .entities()
                .iter()
                .all(|e| e.status != Status::Suggested)
    );

    // The Model window shows what it learned from and its estimated quality.
    harness.state_mut().run(tagdesk::app::Action::ShowModel);
    // The estimate runs on a worker while a spinner turns.
    harness.step();
    harness.state_mut().wait_for_estimate();
    harness.run();
    harness.get_by_label("Learn from reviewed documents");
    harness.get_by_label("Estimated quality");
    let estimate = harness.state().estimate_result().expect("an estimate");
    assert!(estimate.validation.per_label["PER"].gold > 0);
    assert_eq!(estimate.validation.curve.len(), 4);
    // Learning off: the rules again, for the next pre-annotation; undo turns it back on.
    harness
        .get_by_label("Learn from reviewed documents")
        .click();
    harness.run();
    assert!(!harness.state().project().learning());
    assert!(harness.state().model().is_none());
    press(&mut harness, Modifiers::COMMAND, Key::Z, 1);
    assert!(harness.state().project().learning());
}

#[test]
fn the_events_panel_offers_the_selected_trigger_s_type_or_the_last_one_used() {
    let recovery = tempfile::tempdir().unwrap();
    let mut harness = sample_harness(recovery.path());
    // Before anything is selected: the schema's first type.
    assert_eq!(harness.state().new_event_type(), "Life:Be-Born");
    find_and_select(&mut harness, "talks");
    harness.run();
    assert_eq!(harness.state().new_event_type(), "Contact:Meet");
    find_and_select(&mut harness, "departed");
    harness.run();
    assert_eq!(harness.state().new_event_type(), "Movement:Transport");
    press(&mut harness, Modifiers::COMMAND, Key::T, 1);
    assert!(matches!(
        harness.state().selected(),
        Some(AnnotationRef::Event(_))
    ));
    // A word the trigger lexicon does not know keeps the type last used.
    find_and_select(&mut harness, "Seoul");
    harness.run();
    assert_eq!(harness.state().new_event_type(), "Movement:Transport");
}

fn relations(harness: &Harness<'_, TagdeskApp>) -> Vec<(String, String, String)> {
    let d = doc(harness);
    d.relations()
        .iter()
        .map(|r| {
            let text = |id| d.span_text(d.entity(id).unwrap().span).unwrap().to_owned();
            (text(r.from), r.relation_type.clone(), text(r.to))
        })
        .collect()
}

#[test]
fn a_relation_is_made_retyped_and_deleted_from_the_keyboard_and_undone() {
    let recovery = tempfile::tempdir().unwrap();
    let mut harness = sample_harness(recovery.path());
    find_and_select(&mut harness, "Yoon Seo-hyun");
    press(&mut harness, Modifiers::COMMAND, Key::J, 1);
    assert!(
        harness
            .state()
            .status()
            .unwrap()
            .starts_with("Relation from “Yoon Seo-hyun”")
    );
    find_and_select(&mut harness, "London");
    press(&mut harness, Modifiers::COMMAND, Key::J, 1);
    // The first type the schema lets go from a person to a place.
    let made = relations(&harness);
    assert_eq!(
        made,
        [(
            "Yoon Seo-hyun".to_owned(),
            "PHYS:Located".to_owned(),
            "London".to_owned()
        )]
    );
    let Some(AnnotationRef::Relation(id)) = harness.state().selected() else {
        panic!("the new relation is selected");
    };
    // The next type that fits, then deleted, then undone step by step.
    press(
        &mut harness,
        Modifiers::COMMAND | Modifiers::SHIFT,
        Key::J,
        1,
    );
    assert_eq!(relations(&harness)[0].1, "ORG-AFF:Employment");
    harness.state_mut().run(tagdesk::app::Action::Escape);
    harness
        .state_mut()
        .handle(tagdesk::ui::Request::Select(Some(AnnotationRef::Relation(
            id,
        ))));
    press(&mut harness, Modifiers::NONE, Key::Delete, 1);
    assert!(relations(&harness).is_empty());
    press(&mut harness, Modifiers::COMMAND, Key::Z, 1);
    assert_eq!(relations(&harness)[0].1, "ORG-AFF:Employment");
    press(&mut harness, Modifiers::COMMAND, Key::Z, 1);
    assert_eq!(relations(&harness), made);
    press(&mut harness, Modifiers::COMMAND, Key::Z, 1);
    assert!(relations(&harness).is_empty());
    // A pair no type fits is refused with a message, and Esc cancels a started relation.
    find_and_select(&mut harness, "London");
    press(&mut harness, Modifiers::COMMAND, Key::J, 1);
    press(&mut harness, Modifiers::NONE, Key::Escape, 1);
    assert_eq!(harness.state().status(), Some("Relation cancelled"));
}

#[test]
fn a_relation_is_made_from_the_menu_and_retyped_and_deleted_in_the_relations_list() {
    let recovery = tempfile::tempdir().unwrap();
    let mut harness = sample_harness(recovery.path());
    harness.get_by_label(
        "None yet: select an entity, press Ctrl+J, then click the entity it goes to.",
    );
    for name in ["Yoon Seo-hyun", "London"] {
        find_and_select(&mut harness, name);
        harness.get_by_label("Annotate").click();
        harness.run();
        harness
            .get_by_label_contains("Start or end a relation at the selection")
            .click();
        harness.run();
    }
    assert_eq!(relations(&harness).len(), 1);
    // The list shows it; its type box offers the types that fit.
    harness.get_by_label("“Yoon Seo-hyun” to “London”");
    harness.get_by_label("type").click();
    harness.run();
    harness
        .get_by_label("GEN-AFF:Citizen-Resident-Religion-Ethnicity")
        .click();
    harness.run();
    assert_eq!(
        relations(&harness)[0].1,
        "GEN-AFF:Citizen-Resident-Religion-Ethnicity"
    );
    harness.get_by_label("×").click();
    harness.run();
    assert!(relations(&harness).is_empty());
    // Saved and reopened, a relation stays.
    press(&mut harness, Modifiers::COMMAND, Key::Z, 1);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("rel.tagdesk.ron");
    harness.state_mut().save_to(&path).unwrap();
    let reopened = tagdesk::formats::project::load(&path).unwrap();
    assert_eq!(reopened.documents()[0].relations().len(), 1);
}

fn labels_of(harness: &Harness<'_, TagdeskApp>, label: &str) -> usize {
    doc(harness)
        .entities()
        .iter()
        .filter(|e| e.label == label)
        .count()
}

#[test]
fn a_label_renamed_in_the_schema_editor_renames_the_annotations_and_undo_brings_it_back() {
    let recovery = tempfile::tempdir().unwrap();
    let mut harness = sample_harness(recovery.path());
    let people = labels_of(&harness, "PER");
    assert!(people > 3);
    harness.state_mut().run(tagdesk::app::Action::EditSchema);
    harness.run();
    harness.get_by_label("name of PER").focus();
    harness.run();
    harness.key_press_modifiers(Modifiers::COMMAND, Key::A);
    harness.run();
    harness.get_by_label("name of PER").type_text("Person");
    harness.run();
    harness.key_press(Key::Enter);
    harness.run();
    assert_eq!(labels_of(&harness, "Person"), people);
    assert_eq!(labels_of(&harness, "PER"), 0);
    let schema = harness.state().project().schema();
    assert!(schema.entity_label("Person").is_some() && schema.entity_label("PER").is_none());
    assert!(harness.state().project().problems().is_empty());
    // One undo, and everything is PER again.
    harness.state_mut().undo();
    harness.run();
    assert_eq!(labels_of(&harness, "PER"), people);
    assert!(
        harness
            .state()
            .project()
            .schema()
            .entity_label("Person")
            .is_none()
    );
    // The window's field shows the name again.
    assert_eq!(
        harness.get_by_label("name of PER").value().as_deref(),
        Some("PER")
    );
}

#[test]
fn a_label_in_use_is_deleted_only_as_asked_and_a_schema_is_imported_and_saved() {
    let recovery = tempfile::tempdir().unwrap();
    let mut harness = sample_harness(recovery.path());
    let people = labels_of(&harness, "PER");
    harness.state_mut().run(tagdesk::app::Action::EditSchema);
    harness.run();
    // PER is the first label: its Delete asks what becomes of its annotations.
    harness.get_all_by_label("Delete").next().unwrap().click();
    harness.run();
    harness.get_by_label_contains(&format!("{people} annotation(s) have the label PER"));
    assert_eq!(labels_of(&harness, "PER"), people);
    harness.get_by_label("relabel as").click();
    harness.run();
    harness.get_by_label("NORP").click();
    harness.run();
    harness.get_by_label("Merge into it").click();
    harness.run();
    assert_eq!(labels_of(&harness, "PER"), 0);
    assert!(
        harness
            .state()
            .project()
            .schema()
            .entity_label("PER")
            .is_none()
    );
    assert!(harness.state().project().problems().is_empty());
    harness.state_mut().undo();
    harness.run();
    assert_eq!(labels_of(&harness, "PER"), people);

    // A brat annotation.conf adds what the project lacks.
    let dir = tempfile::tempdir().unwrap();
    let conf = dir.path().join("annotation.conf");
    std::fs::write(
        &conf,
        "[entities]\nPerson\nOrganization\nPRODUCT\n[relations]\nOwns\tArg1:Organization, Arg2:PRODUCT\n[events]\nLaunch\tAgent:Organization, Artifact:PRODUCT\n[attributes]\n",
    )
    .unwrap();
    harness.state_mut().import_schema(&conf);
    harness.run();
    let schema = harness.state().project().schema().clone();
    assert!(schema.entity_label("PRODUCT").is_some());
    assert!(schema.relation_type("Owns").is_some());
    assert!(schema.event_type("Launch").is_some());
    assert!(harness.state().status().unwrap().contains("added from"));
    // Saved as a schema file, it starts a new project with the same schema.
    let file = dir.path().join("team.ron");
    harness.state_mut().save_schema(&file);
    assert_eq!(
        tagdesk::formats::schema_file::read_schema(&file, None).unwrap(),
        schema
    );
    harness.state_mut().undo();
    assert!(
        harness
            .state()
            .project()
            .schema()
            .entity_label("PRODUCT")
            .is_none()
    );
}

#[test]
fn a_curator_sees_the_disagreements_takes_versions_and_saves_the_gold() {
    let dir = tempfile::tempdir().unwrap();
    // Both agree on the minister and the date; they differ on Hanbit's label and on whether
    // “서울 — Seoul” is a place at all.
    let ana = team_common::annotated(
        "ana",
        &["[박지민](PER) of [Hanbit](ORG) met envoys in [서울 — Seoul](GPE) on [3 May](DATE)."],
    );
    let ben = team_common::annotated(
        "ben",
        &["[박지민](PER) of [Hanbit](PER) met envoys in 서울 — Seoul on [3 May](DATE)."],
    );
    let names = vec!["ana".to_owned(), "ben".to_owned()];
    let (mut merged, _) = tagdesk::team::merge::merge(&[ana, ben], &names, "gold").unwrap();
    let path = dir.path().join("gold.ron");
    tagdesk::formats::project::save(&mut merged, &path).unwrap();

    let mut app = app(dir.path());
    app.open_path(&path);
    let mut harness = harness(app);
    harness.run();
    harness.get_by_label("Annotate").click();
    harness.run();
    harness.get_by_label("Curation…").click();
    harness.run();
    harness.get_by_label("2 disagreement(s) in this document, 0 disputed event(s)");
    // The heat map's pair and the filter: ana's version hides ben's entities only.
    harness.get_by_label("ben").click();
    harness.run();
    let hidden = harness.state().curation_hidden(doc(&harness));
    let label_of = |id| doc(&harness).entity(id).unwrap().label.clone();
    let mut hidden_labels: Vec<String> = hidden.iter().map(|&id| label_of(id)).collect();
    hidden_labels.sort();
    assert_eq!(hidden_labels, ["GPE", "ORG"]);
    harness.get_by_label("3 of 5 entities");
    harness.get_by_label("everyone").click();
    harness.run();
    assert!(harness.state().curation_hidden(doc(&harness)).is_empty());
    harness.get_by_label("5 of 5 entities");

    // Ben's label for Hanbit, then ana's whole version for what is left.
    harness.get_by_label("PER — ben").click();
    harness.run();
    harness.get_by_label("1 disagreement(s) in this document, 0 disputed event(s)");
    harness
        .get_by_label("Take ana's version of this document")
        .click();
    harness.run();
    harness.get_by_label("0 disagreement(s) in this document, 0 disputed event(s)");
    harness.state_mut().save_to(&path).unwrap();

    let reopened = tagdesk::formats::project::load(&path).unwrap();
    let gold = &reopened.documents()[0];
    let mut kept: Vec<(String, String)> = gold
        .entities()
        .iter()
        .filter(|e| e.status == Status::Accepted)
        .map(|e| (gold.span_text(e.span).unwrap().to_owned(), e.label.clone()))
        .collect();
    kept.sort();
    assert_eq!(
        kept,
        [
            ("3 May".to_owned(), "DATE".to_owned()),
            ("Hanbit".to_owned(), "PER".to_owned()),
            ("박지민".to_owned(), "PER".to_owned()),
            ("서울 — Seoul".to_owned(), "GPE".to_owned()),
        ]
    );
    // Taking a version is one edit each: two undos bring both disagreements back.
    press(&mut harness, Modifiers::COMMAND, Key::Z, 2);
    harness.get_by_label("2 disagreement(s) in this document, 0 disputed event(s)");
}

#[test]
fn a_folder_project_opens_from_its_manifest_and_ctrl_s_writes_only_the_edited_document() {
    use std::os::unix::fs::MetadataExt;
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("news.tagdesk");
    let mut project = tagdesk::model::Project::new(
        "news".into(),
        "tester".into(),
        tagdesk::model::Schema::news(),
    );
    let engine = tagdesk::annotate::Engine::new();
    for (i, text) in [
        "서울 — Foreign Minister Park Ji-won met Laura Hill in London on Friday.",
        "Hanbit Motors opened a plant in Busan on Monday.",
    ]
    .into_iter()
    .enumerate()
    {
        let doc =
            tagdesk::model::Document::new(format!("d{i}"), format!("d{i}"), None, text.into());
        let proposals = engine.annotate(text);
        let suggestions = tagdesk::annotate::suggestion_edit(&doc, &proposals);
        project
            .apply(tagdesk::model::Edit::AddDocument {
                index: i,
                document: Box::new(doc),
            })
            .unwrap();
        project.apply(suggestions).unwrap();
    }
    tagdesk::formats::project::save(&mut project, &folder).unwrap();
    let ino = |name: &str| std::fs::metadata(folder.join(name)).unwrap().ino();
    let before = [ino("manifest.ron"), ino("docs/d0.ron"), ino("docs/d1.ron")];

    let mut app = app(dir.path());
    app.open_path(&folder.join("manifest.ron"));
    let mut harness = harness(app);
    harness.run();
    assert_eq!(harness.state().project().documents().len(), 2);
    // Accept the first suggestion of the first document, and save.
    press(&mut harness, Modifiers::NONE, Key::Tab, 1);
    press(&mut harness, Modifiers::NONE, Key::Enter, 1);
    press(&mut harness, Modifiers::COMMAND, Key::S, 1);
    assert!(!harness.state().is_dirty());
    let after = [ino("manifest.ron"), ino("docs/d0.ron"), ino("docs/d1.ron")];
    assert_eq!(after[0], before[0], "the manifest is not rewritten");
    assert_ne!(after[1], before[1], "the edited document is");
    assert_eq!(after[2], before[2], "the other document is not");
    let reopened = tagdesk::formats::project::load(&folder).unwrap();
    let accepted = reopened.documents()[0]
        .entities()
        .iter()
        .filter(|e| e.status == Status::Accepted)
        .count();
    assert_eq!(accepted, 1);
    assert_eq!(reopened.documents(), harness.state().project().documents());
}

#[test]
fn the_documents_list_of_a_large_project_filters_by_name_and_status() {
    let dir = tempfile::tempdir().unwrap();
    let mut project = tagdesk::model::Project::new(
        "big".into(),
        "tester".into(),
        tagdesk::model::Schema::news(),
    );
    let mut edits = Vec::new();
    for i in 0..5_000 {
        let name = if i == 4_321 {
            "서울-summit.txt".to_owned()
        } else {
            format!("article-{i:05}.txt")
        };
        let doc =
            tagdesk::model::Document::new(format!("d{i}"), name, None, format!("Text {i} — ok."));
        edits.push(tagdesk::model::Edit::AddDocument {
            index: i,
            document: Box::new(doc),
        });
    }
    project.apply(tagdesk::model::Edit::Batch(edits)).unwrap();
    project
        .apply(tagdesk::model::Edit::SetDone {
            doc: "d7".into(),
            done: true,
        })
        .unwrap();
    let path = dir.path().join("big.tagdesk");
    tagdesk::formats::project::save(&mut project, &path).unwrap();
    let mut app = app(dir.path());
    app.open_path(&path);
    app.wait_for_loading();
    let mut harness = harness(app);
    harness.run();
    harness.get_by_label("1 / 5000 done");
    // Only the rows in view are laid out.
    assert!(harness.query_by_label("article-00001.txt").is_some());
    assert!(harness.query_by_label("article-04999.txt").is_none());

    harness.get_by_label("Filter:").click();
    harness.run();
    harness.get_by_label("Filter:").type_text("서울");
    harness.run();
    harness.get_by_label("1 / 5000 done; 1 shown");
    harness.get_by_label("서울-summit.txt").click();
    harness.run();
    assert_eq!(harness.state().current(), 4_321);

    // By status: the one document done.
    harness.get_by_label("Filter:").click();
    harness.run();
    press(&mut harness, Modifiers::COMMAND, Key::A, 1);
    press(&mut harness, Modifiers::NONE, Key::Backspace, 1);
    harness.get_by_label("Show").click();
    harness.run();
    harness.get_by_label("marked done").click();
    harness.run();
    harness.get_by_label("1 / 5000 done; 1 shown");
    assert!(harness.query_by_label("article-00007.txt").is_some());
}

/// A folder project of `n` short documents, each with the rules' suggestions.
fn suggested_folder(folder: &Path, n: usize) -> tagdesk::model::Project {
    let mut project = tagdesk::model::Project::new(
        "news".into(),
        "tester".into(),
        tagdesk::model::Schema::news(),
    );
    let engine = tagdesk::annotate::Engine::new();
    let mut edits = Vec::new();
    for i in 0..n {
        let text = format!("서울 — Park Ji-won met Laura Hill in London on Friday ({i}).");
        let doc = tagdesk::model::Document::new(format!("d{i}"), format!("d{i}"), None, text);
        let suggestions = tagdesk::annotate::suggestion_edit(&doc, &engine.annotate(doc.text()));
        edits.push(tagdesk::model::Edit::AddDocument {
            index: i,
            document: Box::new(doc),
        });
        edits.push(suggestions);
    }
    project.apply(tagdesk::model::Edit::Batch(edits)).unwrap();
    tagdesk::formats::project::save(&mut project, folder).unwrap();
    project
}

/// Accepts the first suggestion of document `id`.
fn accept_first(app: &mut TagdeskApp, id: &str) {
    let mut entity = app.project().document(id).unwrap().entities()[0].clone();
    assert_eq!(entity.status, Status::Suggested);
    entity.status = Status::Accepted;
    assert!(app.apply(tagdesk::model::Edit::ReplaceEntity {
        doc: id.into(),
        entity,
    }));
}

#[test]
fn a_large_folder_project_shows_its_first_documents_at_once_and_saves_edits_while_the_rest_loads() {
    use std::os::unix::fs::MetadataExt;
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("news.tagdesk");
    let written = suggested_folder(&folder, 1_500);
    let ino = |name: &str| std::fs::metadata(folder.join(name)).unwrap().ino();
    let before = [ino("manifest.ron"), ino("docs/d0.ron"), ino("docs/d1.ron")];

    let mut app = app(dir.path());
    app.open_path(&folder);
    // The first documents are in before the first frame; the others arrive as frames run.
    let first = app.project().documents().len();
    assert!((1..1_500).contains(&first), "{first}");
    assert_eq!(app.loading_progress(), Some((first, 1_500)));
    assert_eq!(app.project().documents()[0], written.documents()[0]);

    // Work goes on meanwhile, and Ctrl+S saves it: only the edited document's file.
    accept_first(&mut app, "d0");
    app.run(Action::Save);
    assert!(!app.is_dirty(), "{:?}", app.modal());
    let after = [ino("manifest.ron"), ino("docs/d0.ron"), ino("docs/d1.ron")];
    assert_eq!(after[0], before[0], "the manifest is not rewritten");
    assert_ne!(after[1], before[1], "the edited document is");
    assert_eq!(after[2], before[2], "the other document is not");
    // What needs every document waits, and says so.
    app.run(Action::Export);
    assert!(app.modal().is_none());
    assert!(
        app.status().unwrap().contains("needs every document"),
        "{:?}",
        app.status()
    );
    let removed = app.apply(tagdesk::model::Edit::RemoveDocument { index: 0 });
    assert!(!removed, "the document list waits too");

    app.wait_for_loading();
    assert_eq!(app.loading_progress(), None);
    assert!(!app.project().is_partial());
    assert!(
        app.status()
            .unwrap()
            .starts_with("Loaded all 1,500 documents")
    );
    let mut harness = harness(app);
    harness.run();
    harness.get_by_label("0 / 1500 done");
    let reopened = tagdesk::formats::project::load(&folder).unwrap();
    assert_eq!(reopened.documents(), harness.state().project().documents());
    assert_eq!(
        reopened.documents()[0].entities()[0].status,
        Status::Accepted
    );
    assert_eq!(&reopened.documents()[1..], &written.documents()[1..]);
    // Once loaded, every action is back.
    harness.state_mut().run(Action::Export);
    assert!(matches!(harness.state().modal(), Some(Modal::Export)));
}

#[test]
fn a_broken_document_file_is_reported_and_the_rest_of_the_project_stays_workable() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("news.tagdesk");
    suggested_folder(&folder, 800);
    let broken = folder.join("docs/d700.ron");
    std::fs::write(&broken, "(id: \"d700\", garbage").unwrap();

    let mut app = app(dir.path());
    app.open_path(&folder);
    app.wait_for_loading();
    let Some(Modal::Error(message)) = app.modal() else {
        panic!("{:?}", app.modal());
    };
    assert!(message.contains("d700.ron"), "{message}");
    assert!(message.contains("1 document(s)"), "{message}");
    assert_eq!(app.project().documents().len(), 799);
    assert!(app.project().is_partial());
    // The others are worked on and saved; the broken file and the manifest stay as they were.
    accept_first(&mut app, "d1");
    app.run(Action::Save);
    assert!(!app.is_dirty(), "{:?}", app.status());
    assert_eq!(
        std::fs::read_to_string(&broken).unwrap(),
        "(id: \"d700\", garbage"
    );
    let manifest = std::fs::read_to_string(folder.join("manifest.ron")).unwrap();
    assert!(manifest.contains("\"d700\""));
    let saved = std::fs::read_to_string(folder.join("docs/d1.ron")).unwrap();
    assert!(saved.contains("status: Accepted"), "{saved}");
    // An export would leave the unread document out: it is refused, and says why.
    app.run(Action::Export);
    assert!(!matches!(app.modal(), Some(Modal::Export)));
    assert!(
        app.status().unwrap().contains("could not be read"),
        "{:?}",
        app.status()
    );
}

#[test]
fn a_folder_project_saved_after_a_schema_edit_is_recovered_after_a_crash() {
    let recovery = tempfile::tempdir().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("news.tagdesk");
    suggested_folder(&folder, 3);
    // Written long ago: a save now must stamp the project as loading it will.
    let long_ago = std::time::SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1 << 30);
    for path in [folder.join("docs"), folder.join("manifest.ron")] {
        let file = std::fs::File::open(path).unwrap();
        file.set_modified(long_ago).unwrap();
    }
    let mut app = app(recovery.path());
    app.open_path(&folder);
    app.wait_for_loading();
    // A save that changes the manifest only, then an edit the journal alone holds.
    assert!(app.apply(tagdesk::model::Edit::SetLearning { enabled: false }));
    app.run(Action::Save);
    assert!(!app.is_dirty());
    accept_first(&mut app, "d2");
    let lost = app.project().documents().to_vec();
    std::mem::forget(app); // the process dies: no clean-up runs

    let mut harness = harness_for_recovery(recovery.path());
    assert!(matches!(harness.state().modal(), Some(Modal::Recovery(_))));
    harness.get_by_label("Recover").click();
    harness.run();
    assert!(
        harness.state().modal().is_none(),
        "{:?}",
        harness.state().modal()
    );
    assert_eq!(harness.state().project().documents(), lost.as_slice());
    assert!(!harness.state().project().learning());
}

#[test]
fn the_open_bench_scrolls_the_documents_list_it_times() {
    let dir = tempfile::tempdir().unwrap();
    let corpus: String = (0..400)
        .map(|i| {
            let text =
                format!("서울 — President Lee Jae-myung met Keir Starmer on Monday, {i} May.");
            format!(
                "{}\n",
                serde_json::json!({"id": format!("n{i}"), "text": text})
            )
        })
        .collect();
    std::fs::write(dir.path().join("corpus.jsonl"), corpus).unwrap();
    let project = dir.path().join("p.tagdesk");
    for args in [
        vec!["new", project.to_str().unwrap()],
        vec!["add", project.to_str().unwrap(), "corpus.jsonl"],
        vec!["annotate", project.to_str().unwrap()],
    ] {
        let status = std::process::Command::new(env!("CARGO_BIN_EXE_tagdesk"))
            .args(&args)
            .current_dir(dir.path())
            .output()
            .unwrap();
        assert!(status.status.success(), "{args:?}: {status:?}");
    }
    let still = tagdesk::app::bench::measure_open(&project, 1).unwrap();
    let scrolled = tagdesk::app::bench::measure_open(&project, 40).unwrap();
    assert_eq!(scrolled.documents, 400);
    assert!(still.list_last_shown < 30, "{}", still.list_last_shown);
    assert!(
        scrolled.list_last_shown > still.list_last_shown + 100,
        "{} then {}",
        still.list_last_shown,
        scrolled.list_last_shown
    );
}
