//! Articles in: what text is stored, for every supported format.

use std::path::Path;

use tagdesk::formats::import::{self, html_text, markdown_text};
use tagdesk::model::{ArgTarget, Edit, Schema, SourceFormat};

fn import_one(path: &str) -> tagdesk::model::Document {
    let mut docs = import::import_file(Path::new(path)).unwrap();
    assert_eq!(docs.len(), 1);
    docs.remove(0)
}

#[test]
fn plain_text_is_kept_as_written() {
    let doc = import_one("assets/samples/diplomacy-korea-uk-talks.txt");
    let raw = std::fs::read_to_string("assets/samples/diplomacy-korea-uk-talks.txt").unwrap();
    assert_eq!(doc.text(), raw);
    assert_eq!(doc.id(), "diplomacy-korea-uk-talks");
    assert_eq!(doc.source().unwrap().format, SourceFormat::PlainText);
    assert!(doc.text().contains('\u{a0}') && doc.text().contains('—'));
}

#[test]
fn bom_is_removed_and_crlf_becomes_lf() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("crlf.txt");
    std::fs::write(&path, "\u{feff}Seoul\r\n\r\nBusan\rDaegu 대구\r\n").unwrap();
    let doc = import_one(path.to_str().unwrap());
    assert_eq!(doc.text(), "Seoul\n\nBusan\nDaegu 대구\n");
}

#[test]
fn html_keeps_the_article_and_drops_page_furniture() {
    let doc = import_one("assets/samples/election-mayor.html");
    let text = doc.text();
    assert!(text.starts_with(
        "Home › Politics › Local\n\nFormer judge Seo Min-kyung elected mayor of Daejeon\n\n"
    ));
    assert!(
        text.contains("DAEJEON — Former appeals court judge Seo Min-kyung (서민경) was elected"),
        "entities decoded"
    );
    assert!(
        text.contains("after 11\u{a0}p.m."),
        "&nbsp; stays a no-break space"
    );
    assert!(text.contains("People Power Party’s"), "&#8217; decoded");
    assert!(text.contains("Sungwoo Engineering & Construction"));
    for furniture in [
        "paywall",
        "dataLayer",
        "font-family",
        "Arts & Culture",
        "Related stories",
        "Opinion",
    ] {
        assert!(
            !text.contains(furniture),
            "{furniture:?} leaked into the text"
        );
    }
    assert!(
        !text.contains("\n\n\n") && !text.contains("  "),
        "whitespace collapsed"
    );
}

#[test]
fn html_blocks_and_breaks() {
    let html =
        "<p>One <b>bold</b>\n   word</p><ul><li>a</li><li>b<br>c</li></ul><pre>x  y\n z</pre>";
    assert_eq!(html_text(html), "One bold word\n\na\nb\nc\n\nx  y\n z");
}

#[test]
fn markdown_keeps_readable_text_only() {
    let doc = import_one("assets/samples/markets-weekly.md");
    let text = doc.text();
    assert!(
        text.starts_with("Kospi snaps three-week losing streak"),
        "heading marker removed"
    );
    assert!(!text.contains("**") && !text.contains("](") && !text.contains("https://"));
    assert!(
        text.contains("Read the full earnings calendar here."),
        "link text kept"
    );
    assert_eq!(
        markdown_text("# Title\n\nSome *em* and `code`.\n\n- one\n- two\n"),
        "Title\n\nSome em and code.\n\none\ntwo"
    );
}

#[test]
fn gold_jsonl_brings_entities_events_and_nested_events() {
    let docs = import::import_file(Path::new(
        "../shared/data/brat_news_tutorial/brat_news_tutorial.gold.jsonl",
    ))
    .unwrap();
    assert_eq!(docs.len(), 14);
    let first = &docs[0];
    assert_eq!(first.id(), "brat_news_000-introduction_l5");
    assert_eq!(
        first.meta().get("file").map(String::as_str),
        Some("000-introduction")
    );
    assert_eq!(
        first.meta().get("line").map(String::as_str),
        Some("5"),
        "numbers kept as JSON text"
    );
    let citibank = first
        .entities()
        .iter()
        .find(|e| first.span_text(e.span) == Some("Citibank"))
        .unwrap();
    assert_eq!(citibank.label, "Organization");
    let nested = docs
        .iter()
        .flat_map(|d| d.events())
        .flat_map(|e| &e.arguments)
        .filter(|a| matches!(a.target, ArgTarget::Event(_)))
        .count();
    assert_eq!(nested, 8, "Report events point to the events they report");
}

#[test]
fn every_shared_gold_corpus_imports_with_exact_offsets() {
    for (file, docs_expected, entities_expected) in [
        ("wikigold/wikigold.gold.jsonl", 145, 3558),
        ("btc/btc.gold.jsonl", 2138, 4685),
        ("wnut17/wnut17.gold.jsonl", 1287, 1079),
        ("brat_news_tutorial/brat_news_tutorial.gold.jsonl", 14, 43),
    ] {
        let path = Path::new("../shared/data").join(file);
        let docs = import::import_file(&path).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(docs.len(), docs_expected, "{file}");
        assert_eq!(
            docs.iter().map(|d| d.entities().len()).sum::<usize>(),
            entities_expected,
            "{file}"
        );
        // The gold's own "text" field of each entity must be what our offsets cut out.
        let raw = std::fs::read_to_string(&path).unwrap();
        for (doc, line) in docs.iter().zip(raw.lines()) {
            let value: serde_json::Value = serde_json::from_str(line).unwrap();
            let texts: Vec<&str> = value["entities"]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| e["text"].as_str().unwrap())
                .collect();
            let mut ours: Vec<&str> = doc
                .entities()
                .iter()
                .map(|e| doc.span_text(e.span).unwrap())
                .collect();
            let mut theirs = texts.clone();
            ours.sort_unstable();
            theirs.sort_unstable();
            assert_eq!(ours, theirs, "{file} {}", doc.id());
        }
    }
}

#[test]
fn folders_import_recursively_in_name_order_and_report_skips() {
    let dir = tempfile::tempdir().unwrap();
    let sub = dir.path().join("b-sub");
    std::fs::create_dir(&sub).unwrap();
    std::fs::write(dir.path().join("c.txt"), "Third").unwrap();
    std::fs::write(dir.path().join("a.md"), "# First").unwrap();
    std::fs::write(sub.join("z.htm"), "<p>Second</p>").unwrap();
    std::fs::write(dir.path().join("photo.jpg"), [0xff, 0xd8]).unwrap();
    std::fs::write(dir.path().join(".hidden.txt"), "never").unwrap();
    let imported = import::import_paths(&[dir.path().to_path_buf()]).unwrap();
    let texts: Vec<&str> = imported.documents.iter().map(|d| d.text()).collect();
    assert_eq!(texts, ["First", "Second", "Third"]);
    assert_eq!(imported.skipped, [dir.path().join("photo.jpg")]);
}

#[test]
fn imported_labels_outside_the_schema_become_schema_additions() {
    let docs = import::import_file(Path::new(
        "../shared/data/brat_news_tutorial/brat_news_tutorial.gold.jsonl",
    ))
    .unwrap();
    let edits = import::schema_additions(&Schema::news(), None, &docs);
    let names: Vec<&str> = edits
        .iter()
        .map(|edit| match edit {
            Edit::AddEntityLabel { label } => label.name.as_str(),
            Edit::AddEventType { event_type } => event_type.name.as_str(),
            other => panic!("unexpected {other:?}"),
        })
        .collect();
    assert_eq!(
        names,
        [
            "Organization",
            "Money",
            "Person",
            "Transfer-money",
            "Merge-org",
            "Report"
        ]
    );
}
