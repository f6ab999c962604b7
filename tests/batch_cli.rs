//! Batch runs as a pipeline uses them: `annotate-file -` from stdin to stdout, and the same
//! output, byte for byte, on any number of threads.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

fn run(args: &[&str], stdin: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_tagdesk"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run tagdesk");
    let mut input = child.stdin.take().expect("stdin");
    let stdin = stdin.to_vec();
    // Written from a thread, so a child that answers while it reads never blocks on us.
    let writer = std::thread::spawn(move || input.write_all(&stdin));
    let output = child.wait_with_output().expect("wait");
    writer.join().unwrap().expect("write stdin");
    output
}

fn ok(args: &[&str], stdin: &[u8]) -> String {
    let output = run(args, stdin);
    assert!(
        output.status.success(),
        "tagdesk {args:?} failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).expect("utf-8")
}

/// The text of a line's PER entities, sliced at their char offsets.
fn people(line: &serde_json::Value) -> Vec<String> {
    let text: Vec<char> = line["text"].as_str().unwrap().chars().collect();
    line["entities"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["label"] == "PER")
        .map(|e| {
            let (s, e) = (e["start"].as_u64().unwrap(), e["end"].as_u64().unwrap());
            text[s as usize..e as usize].iter().collect()
        })
        .collect()
}

fn corpus(n: usize) -> String {
    (0..n)
        .map(|i| {
            let line = serde_json::json!({
                "id": format!("n{i}"),
                "text": format!("서울 — President Lee Jae-myung met Prime Minister Keir Starmer\u{a0}in London on Monday, {i} May.")
            });
            format!("{line}\n")
        })
        .collect()
}

#[test]
fn annotate_file_streams_jsonl_from_stdin_to_stdout_in_input_order() {
    let dir = tempfile::tempdir().unwrap();
    let input = corpus(1200);
    let file = dir.path().join("corpus.jsonl");
    std::fs::write(&file, &input).unwrap();
    let piped = ok(&["annotate-file", "-"], input.as_bytes());
    let lines: Vec<serde_json::Value> = piped
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 1200);
    for (i, line) in lines.iter().enumerate() {
        assert_eq!(line["id"], format!("n{i}"));
        assert_eq!(people(line), ["Lee Jae-myung", "Keir Starmer"], "line {i}");
    }
    // The same as reading the file.
    assert_eq!(ok(&["annotate-file", file.to_str().unwrap()], b""), piped);
}

#[test]
fn a_bad_line_on_stdin_fails_after_the_lines_before_it_are_written() {
    let mut input = corpus(3);
    input.push_str("{\"text\": \n");
    input.push_str(&corpus(2));
    let output = run(&["annotate-file", "-"], input.as_bytes());
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("stdin, line 4"), "{stderr}");
    assert_eq!(String::from_utf8_lossy(&output.stdout).lines().count(), 3);
}

#[test]
fn threads_change_neither_annotate_file_nor_annotate() {
    let samples = Path::new(&std::env::var_os("CARGO_MANIFEST_DIR").expect("run by cargo"))
        .join("assets/samples");
    let samples = samples.to_str().unwrap();
    let one = ok(&["annotate-file", samples, "--threads", "1"], b"");
    assert!(one.lines().count() > 10, "{one}");
    assert_eq!(ok(&["annotate-file", samples, "--threads", "3"], b""), one);

    let dir = tempfile::tempdir().unwrap();
    let mut projects = Vec::new();
    for threads in ["1", "2"] {
        let path = dir.path().join(format!("p{threads}.tagdesk.ron"));
        let path = path.to_str().unwrap().to_owned();
        ok(&["new", &path], b"");
        ok(&["add", &path, samples], b"");
        let printed = ok(&["annotate", &path, "--threads", threads], b"");
        projects.push((
            tagdesk::formats::project::load(Path::new(&path)).unwrap(),
            printed,
        ));
    }
    assert_eq!(projects[0].0.documents(), projects[1].0.documents());
    // The same report, less the training time.
    let report = |printed: &str| -> Vec<String> {
        printed
            .lines()
            .filter(|l| !l.starts_with("Learned from"))
            .map(|l| l.replace("p1.", "p2."))
            .collect()
    };
    assert!(projects[0].1.starts_with("Learned from 5 documents"));
    assert_eq!(report(&projects[0].1), report(&projects[1].1));
}

#[test]
fn a_book_length_text_is_read_in_sections_with_exact_offsets_on_any_threads() {
    let dir = tempfile::tempdir().unwrap();
    let paragraph = "서울 — President Lee Jae-myung met Prime Minister Keir Starmer\u{a0}in London \
                     on Monday.\n\n";
    // About 700 KB: three sections of the engine's, read on one thread and on two.
    let copies = 700_000 / paragraph.len();
    let file = dir.path().join("book.txt");
    std::fs::write(&file, paragraph.repeat(copies)).unwrap();
    let file = file.to_str().unwrap();
    let one = ok(&["annotate-file", file, "--threads", "1"], b"");
    assert_eq!(ok(&["annotate-file", file, "--threads", "2"], b""), one);
    let line: serde_json::Value = serde_json::from_str(one.trim_end()).unwrap();
    let people = people(&line);
    assert_eq!(people.len(), 2 * copies);
    assert!(
        people
            .chunks(2)
            .all(|pair| pair == ["Lee Jae-myung", "Keir Starmer"])
    );
    // Every meeting's arguments point at entities of its own paragraph.
    let events = line["events"].as_array().unwrap();
    assert_eq!(events.len(), copies, "one meeting per paragraph");
    for event in events {
        let trigger = event["trigger"]["start"].as_u64().unwrap();
        for argument in event["arguments"].as_array().unwrap() {
            let start = argument["start"].as_u64().unwrap();
            assert!(start.abs_diff(trigger) < 100, "{event}");
        }
    }
}
