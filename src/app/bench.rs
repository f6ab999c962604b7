//! `tagdesk bench-view`: CPU time of frames while scrolling through long annotated documents,
//! headless (a real `egui::Context` running the whole app, plus tessellation; no GPU).

use std::time::Instant;

use super::{Config, Preferences, TagdeskApp, install_fonts};
use crate::model::{Document, Edit, Entity, EntityId, Origin, Span, Status};

/// Frame times for one document size, in milliseconds.
#[derive(Debug, Clone)]
pub struct FrameStats {
    pub bytes: usize,
    pub entities: usize,
    pub first_frame_ms: f64,
    pub median_ms: f64,
    pub p95_ms: f64,
    pub max_ms: f64,
    pub frames: usize,
    /// Paragraphs scrolled past, so a view that does not scroll cannot look fast.
    pub paragraphs_scrolled: usize,
}

/// News-like paragraphs of about 400 bytes with some Hangul, an em dash and an NBSP, and an
/// entity every ~50 bytes (labels and statuses mixed), `bytes` long in all.
pub fn generate_document(bytes: usize) -> Document {
    const WORDS: &[&str] = &[
        "the",
        "minister",
        "said",
        "talks",
        "in",
        "Seoul",
        "would",
        "resume",
        "on",
        "Friday",
        "after",
        "tariffs",
        "rose",
        "3.5%",
        "—",
        "officials",
        "from",
        "London",
        "and",
        "서울",
        "met",
        "Park",
        "Ji-won",
        "at",
        "Incheon",
        "trade",
        "deal",
        "worth",
        "$1.2\u{a0}billion",
        "analysts",
        "expect",
        "growth",
        "this",
        "year",
        "election",
    ];
    let mut text = String::with_capacity(bytes + 512);
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut entity_starts = Vec::new();
    let mut chars = 0usize;
    let mut next_entity_at = 0usize;
    while text.len() < bytes {
        let paragraph_end = text.len() + 400;
        while text.len() < paragraph_end {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let word = WORDS[(seed % WORDS.len() as u64) as usize];
            if text.len() >= next_entity_at {
                entity_starts.push((chars, word.chars().count()));
                next_entity_at = text.len() + 50;
            }
            text.push_str(word);
            text.push(' ');
            chars += word.chars().count() + 1;
        }
        text.push_str("\n\n");
        chars += 2;
    }
    let labels = ["PER", "ORG", "GPE", "DATE", "MONEY"];
    let entities = entity_starts
        .into_iter()
        .enumerate()
        .map(|(i, (start, len))| Entity {
            id: EntityId(i as u32 + 1),
            span: Span {
                start,
                end: start + len,
            },
            label: labels[i % labels.len()].into(),
            origin: if i % 2 == 0 {
                Origin::Manual
            } else {
                Origin::Auto {
                    engine: "bench".into(),
                    rule: "r".into(),
                    score: 0.8,
                }
            },
            status: if i % 2 == 0 {
                Status::Accepted
            } else {
                Status::Suggested
            },
        })
        .collect();
    Document::new(
        format!("bench-{bytes}"),
        format!("{bytes} bytes"),
        None,
        text,
    )
    .with_annotations(entities, Vec::new(), Vec::new())
}

/// Opens a generated document of `bytes` and scrolls through it for `frames` frames.
pub fn measure(bytes: usize, frames: usize) -> FrameStats {
    let mut app = TagdeskApp::new(Config::default(), Preferences::default());
    let doc = generate_document(bytes);
    let entities = doc.entities().len();
    app.apply(Edit::AddDocument {
        index: 0,
        document: Box::new(doc),
    });
    let ctx = egui::Context::default();
    install_fonts(&ctx);
    let screen = egui::Rect::from_min_size(egui::Pos2::ZERO, egui::vec2(1280.0, 820.0));
    let centre = screen.center();
    let mut times = Vec::with_capacity(frames);
    let mut first_frame_ms = 0.0;
    for frame in 0..=frames {
        let mut input = egui::RawInput {
            screen_rect: Some(screen),
            ..Default::default()
        };
        input.events.push(egui::Event::PointerMoved(centre));
        if frame > 1 {
            input.events.push(egui::Event::MouseWheel {
                unit: egui::MouseWheelUnit::Point,
                delta: egui::vec2(0.0, -400.0),
                phase: egui::TouchPhase::Move,
                source: egui::MouseWheelSource::Unknown,
                modifiers: egui::Modifiers::NONE,
            });
        }
        let started = Instant::now();
        let mut output = ctx.run_ui(input, |ui| app.ui(ui));
        // No GPU takes the font textures: dropped unapplied, they fail a debug check.
        output.textures_delta.clear();
        let primitives = ctx.tessellate(output.shapes, output.pixels_per_point);
        std::hint::black_box(primitives);
        let ms = started.elapsed().as_secs_f64() * 1000.0;
        if frame == 0 {
            first_frame_ms = ms;
        } else {
            times.push(ms);
        }
    }
    times.sort_by(f64::total_cmp);
    let at = |q: f64| times[((times.len() - 1) as f64 * q).round() as usize];
    let paragraphs_scrolled = app.view.first_visible;
    assert!(paragraphs_scrolled > 0, "the view did not scroll");
    FrameStats {
        bytes,
        entities,
        first_frame_ms,
        median_ms: at(0.5),
        p95_ms: at(0.95),
        max_ms: at(1.0),
        frames,
        paragraphs_scrolled,
    }
}

/// What `bench-view --project` measures on a project as the window opens it.
#[derive(Debug, Clone)]
pub struct OpenStats {
    pub documents: usize,
    /// From the open request to the end of the first frame showing its first document.
    pub first_frame_ms: f64,
    /// From the open request until every document is in.
    pub loaded_ms: f64,
    /// Frame times while the documents loaded (the UI thread appending them), in ms.
    pub loading_frames: Vec<f64>,
    /// Frame times scrolling the documents list, in ms.
    pub list_frames: Vec<f64>,
    /// The last document whose row the list shows after scrolling, so that a list that does
    /// not scroll cannot look fast.
    pub list_last_shown: usize,
    /// Ctrl+S after one accepted suggestion, in ms.
    pub save_ms: f64,
    pub peak_rss_mb: Option<f64>,
}

/// Runs one frame of `app` at 1280x820 with `events`; returns its CPU time in ms.
fn frame(ctx: &egui::Context, app: &mut TagdeskApp, events: Vec<egui::Event>) -> f64 {
    let started = Instant::now();
    let mut output = ctx.run_ui(input(events), |ui| app.ui(ui));
    output.textures_delta.clear();
    std::hint::black_box(ctx.tessellate(output.shapes, output.pixels_per_point));
    started.elapsed().as_secs_f64() * 1000.0
}

/// A frame's input at 1280x820.
fn input(events: Vec<egui::Event>) -> egui::RawInput {
    let screen = egui::Rect::from_min_size(egui::Pos2::ZERO, egui::vec2(1280.0, 820.0));
    egui::RawInput {
        screen_rect: Some(screen),
        events,
        ..Default::default()
    }
}

/// The texts one more frame of `app` shows.
fn shown_texts(ctx: &egui::Context, app: &mut TagdeskApp) -> std::collections::HashSet<String> {
    fn walk(shape: &egui::Shape, out: &mut std::collections::HashSet<String>) {
        match shape {
            egui::Shape::Text(text) => {
                out.insert(text.galley.text().to_owned());
            }
            egui::Shape::Vec(shapes) => shapes.iter().for_each(|s| walk(s, out)),
            _ => {}
        }
    }
    let mut output = ctx.run_ui(input(Vec::new()), |ui| app.ui(ui));
    output.textures_delta.clear();
    let mut out = std::collections::HashSet::new();
    for clipped in &output.shapes {
        walk(&clipped.shape, &mut out);
    }
    out
}

/// Opens `path` as the window does, frames at 60 a second until it is loaded, scrolls the
/// documents list for `frames` frames, then accepts one suggestion and saves (Ctrl+S). The
/// save is undone and saved again, so the project ends as it began.
pub fn measure_open(path: &std::path::Path, frames: usize) -> anyhow::Result<OpenStats> {
    // The journal a real window keeps, so the save costs what it costs there.
    let recovery = std::env::temp_dir().join(format!("tagdesk-bench-{}", std::process::id()));
    let config = Config {
        recovery_dir: Some(recovery.clone()),
    };
    let ctx = egui::Context::default();
    install_fonts(&ctx);
    let started = Instant::now();
    let mut app = TagdeskApp::new(config, Preferences::default());
    app.open_project(path)?;
    frame(&ctx, &mut app, Vec::new());
    let first_frame_ms = started.elapsed().as_secs_f64() * 1000.0;
    let period = std::time::Duration::from_millis(16);
    let mut loading_frames = Vec::new();
    while app.loading_progress().is_some() {
        let ms = frame(&ctx, &mut app, Vec::new());
        loading_frames.push(ms);
        std::thread::sleep(period.saturating_sub(std::time::Duration::from_secs_f64(ms / 1000.0)));
    }
    let loaded_ms = started.elapsed().as_secs_f64() * 1000.0;
    let over_list = egui::pos2(120.0, 250.0);
    let mut list_frames = Vec::with_capacity(frames);
    for i in 0..frames {
        let mut events = vec![egui::Event::PointerMoved(over_list)];
        if i > 0 {
            events.push(egui::Event::MouseWheel {
                unit: egui::MouseWheelUnit::Point,
                delta: egui::vec2(0.0, -300.0),
                phase: egui::TouchPhase::Move,
                source: egui::MouseWheelSource::Unknown,
                modifiers: egui::Modifiers::NONE,
            });
        }
        list_frames.push(frame(&ctx, &mut app, events));
    }
    let shown = shown_texts(&ctx, &mut app);
    let list_last_shown = app
        .project()
        .documents()
        .iter()
        .rposition(|d| shown.contains(d.name()))
        .unwrap_or(0);
    anyhow::ensure!(
        frames < 2 || list_last_shown > 0,
        "the documents list did not scroll"
    );
    let save_ms = time_one_save(&mut app);
    let documents = app.project().documents().len();
    drop(app);
    let _ = std::fs::remove_dir_all(&recovery);
    Ok(OpenStats {
        documents,
        first_frame_ms,
        loaded_ms,
        loading_frames,
        list_frames,
        list_last_shown,
        save_ms: save_ms?,
        peak_rss_mb: peak_rss_mb(),
    })
}

/// Accepts the first suggestion of the first document that has one, times the save, then
/// undoes it and saves again.
fn time_one_save(app: &mut TagdeskApp) -> anyhow::Result<f64> {
    let (doc, mut entity) = app
        .project()
        .documents()
        .iter()
        .find_map(|d| {
            let e = d
                .entities()
                .iter()
                .find(|e| e.status == Status::Suggested)?;
            Some((d.id().to_owned(), e.clone()))
        })
        .ok_or_else(|| anyhow::anyhow!("the project has no suggestion to accept"))?;
    entity.status = Status::Accepted;
    anyhow::ensure!(app.apply(Edit::ReplaceEntity { doc, entity }));
    let started = Instant::now();
    app.run(super::Action::Save);
    let ms = started.elapsed().as_secs_f64() * 1000.0;
    anyhow::ensure!(!app.is_dirty(), "the save failed: {:?}", app.modal());
    app.undo();
    app.run(super::Action::Save);
    anyhow::ensure!(!app.is_dirty(), "the second save failed: {:?}", app.modal());
    Ok(ms)
}

/// The process's peak resident memory, where `/proc` tells it.
fn peak_rss_mb() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}
