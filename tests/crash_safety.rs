//! Killing tagdesk while it saves never leaves a project that does not load.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Instant;

use tagdesk::formats::project;

/// Writes `count` articles of about 20 KB each, so that a save takes a while.
fn write_articles(dir: &Path, count: usize) {
    let paragraph = "Vice Foreign Minister Park Ji-won (박지원) met Laura Hill in London on Friday — \
                     talks on tariffs of 3.5%\u{a0}and a $1.2 billion fund. ";
    for i in 0..count {
        std::fs::write(
            dir.join(format!("a{i:03}.txt")),
            format!("Article {i}\n\n{}", paragraph.repeat(150)),
        )
        .unwrap();
    }
}

#[test]
fn a_kill_at_any_moment_leaves_the_old_or_the_new_project() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let articles = d.join("articles");
    std::fs::create_dir(&articles).unwrap();
    write_articles(&articles, 150);
    let bin = env!("CARGO_BIN_EXE_tagdesk");
    let status = Command::new(bin)
        .current_dir(d)
        .args(["new", "p.tagdesk.json"])
        .status()
        .unwrap();
    assert!(status.success());

    // How long one full `add` (load, import 3 MB, save) takes on this machine.
    std::fs::copy(d.join("p.tagdesk.json"), d.join("timing.tagdesk.json")).unwrap();
    let started = Instant::now();
    let status = Command::new(bin)
        .current_dir(d)
        .args(["add", "timing.tagdesk.json", "articles"])
        .stdout(Stdio::null())
        .status()
        .unwrap();
    assert!(status.success());
    let full = started.elapsed();

    // Bisect the kill moment towards the rename that ends the save: kills just before it land
    // while the temporary file is being written, which is the moment this test is about.
    let (mut early, mut late) = (full.mul_f64(0.0), full.mul_f64(1.5));
    let (mut old_survived, mut new_written, mut mid_write) = (0, 0, 0);
    let margin = full.mul_f64(0.05);
    for _ in 0..80 {
        // Timing jitters from run to run: keep a window around the boundary, never a point.
        if late < early + margin {
            (early, late) = (early.saturating_sub(margin), late.max(early) + margin);
        }
        let delay = (early + late) / 2;
        let mut child = Command::new(bin)
            .current_dir(d)
            .args(["add", "p.tagdesk.json", "articles"])
            .stdout(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(delay);
        let _ = child.kill(); // SIGKILL: no destructor, no flush
        child.wait().unwrap();

        let leftovers: Vec<_> = std::fs::read_dir(d)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.to_string_lossy().ends_with(".tmp"))
            .collect();
        if !leftovers.is_empty() {
            mid_write += 1;
            leftovers
                .iter()
                .for_each(|p| std::fs::remove_file(p).unwrap());
        }
        let loaded = project::load(&d.join("p.tagdesk.json"))
            .unwrap_or_else(|e| panic!("after a kill at {delay:?}: {e}"));
        match loaded.documents().len() {
            0 => {
                old_survived += 1;
                early = delay;
            }
            150 => {
                new_written += 1;
                late = delay;
                // Start over from an empty project for the next kill.
                std::fs::remove_file(d.join("p.tagdesk.json")).unwrap();
                let status = Command::new(bin)
                    .current_dir(d)
                    .args(["new", "p.tagdesk.json"])
                    .stdout(Stdio::null())
                    .status()
                    .unwrap();
                assert!(status.success());
            }
            n => panic!("a half-added project with {n} documents"),
        }
        if mid_write >= 3 && old_survived > 0 && new_written > 0 {
            break;
        }
    }
    eprintln!(
        "kills: {old_survived} left the old project, {new_written} the new one, {mid_write} hit the write itself (one add takes {full:?})"
    );
    assert!(
        mid_write > 0,
        "no kill landed during the write; the test proved nothing"
    );
    assert!(old_survived > 0 && new_written > 0);
}
