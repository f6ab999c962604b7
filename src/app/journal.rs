//! The edit journal: every edit is appended and synced to disk before the next frame, so that a
//! crash or a kill loses nothing. On the next start, a journal left behind by a session that
//! did not end cleanly is offered for recovery: its base (the saved project file, or a
//! snapshot for a project never saved) plus its edits replayed give back the lost work.

use std::fs::{self, File, OpenOptions};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use serde::{Deserialize, Serialize};

use crate::formats::project::{self, ProjectFormat};
use crate::model::{Edit, Project};

/// What the edits of a journal apply to.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Base {
    /// A saved project file, as it was when saved with this `modified` stamp.
    File { path: PathBuf, modified: String },
    /// A project never saved: a snapshot beside the journal.
    Snapshot { path: PathBuf },
}

#[derive(Debug, Serialize, Deserialize)]
enum Entry {
    Base(Base),
    Edit(Edit),
}

/// The journal of this session.
pub struct Journal {
    dir: PathBuf,
    session: String,
    file: File,
    edits: usize,
}

/// A journal left by an earlier session that did not end cleanly.
#[derive(Debug, Clone)]
pub struct Orphan {
    pub journal: PathBuf,
    pub base: Base,
    pub edits: usize,
}

fn journal_path(dir: &Path, session: &str) -> PathBuf {
    dir.join(format!("{session}.journal.jsonl"))
}

fn snapshot_path(dir: &Path, session: &str) -> PathBuf {
    dir.join(format!("{session}.base.tagdesk.json"))
}

impl Journal {
    /// Starts a journal in `dir` for `project`, saved at `path` or not saved yet.
    pub fn start(dir: &Path, project: &Project, path: Option<&Path>) -> Result<Self> {
        fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        let session = format!("{}-{nanos}", std::process::id());
        let file = OpenOptions::new()
            .create_new(true)
            .append(true)
            .open(journal_path(dir, &session))
            .with_context(|| format!("creating the edit journal in {}", dir.display()))?;
        let mut journal = Self {
            dir: dir.to_path_buf(),
            session,
            file,
            edits: 0,
        };
        journal.rebase(project, path)?;
        Ok(journal)
    }

    /// Starts over from `project` as it is now (after a save, open or recovery).
    pub fn rebase(&mut self, project: &Project, path: Option<&Path>) -> Result<()> {
        let base = match path {
            Some(path) => Base::File {
                path: path.to_path_buf(),
                modified: project.modified().to_owned(),
            },
            None => {
                let snapshot = snapshot_path(&self.dir, &self.session);
                let bytes =
                    project::encode(project, ProjectFormat::Json).map_err(anyhow::Error::msg)?;
                crate::formats::atomic::write_atomically(&snapshot, &bytes)?;
                Base::Snapshot { path: snapshot }
            }
        };
        self.file.set_len(0)?;
        self.edits = 0;
        self.append(&Entry::Base(base))
    }

    /// Records an edit that was applied to the project.
    pub fn record(&mut self, edit: &Edit) -> Result<()> {
        self.edits += 1;
        self.append(&Entry::Edit(edit.clone()))
    }

    fn append(&mut self, entry: &Entry) -> Result<()> {
        let mut line = serde_json::to_vec(entry)?;
        line.push(b'\n');
        self.file.write_all(&line)?;
        self.file.sync_data()?;
        Ok(())
    }

    /// Edits recorded since the base.
    pub fn edits(&self) -> usize {
        self.edits
    }

    /// Removes the journal: the session ended with nothing left unsaved.
    pub fn close(self) {
        let _ = fs::remove_file(journal_path(&self.dir, &self.session));
        let _ = fs::remove_file(snapshot_path(&self.dir, &self.session));
    }

    /// Journals in `dir` from other sessions whose process is gone, with edits to recover.
    pub fn orphans(dir: &Path, own: Option<&Journal>) -> Vec<Orphan> {
        let Ok(entries) = fs::read_dir(dir) else {
            return Vec::new();
        };
        let mut orphans: Vec<Orphan> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.to_string_lossy().ends_with(".journal.jsonl"))
            .filter(|p| own.is_none_or(|j| *p != journal_path(&j.dir, &j.session)))
            .filter(|p| !session_alive(p))
            .filter_map(|journal| {
                let (base, edits) = read(&journal).ok()?;
                let orphan = Orphan {
                    journal,
                    base,
                    edits: edits.len(),
                };
                // A saved project that a session opened and left unchanged: its file is the
                // whole of the work, so there is nothing to offer (an unsaved project's
                // snapshot is work even without edits).
                if orphan.edits == 0 && matches!(orphan.base, Base::File { .. }) {
                    Self::discard(&orphan);
                    return None;
                }
                Some(orphan)
            })
            .collect();
        orphans.sort_by(|a, b| a.journal.cmp(&b.journal));
        orphans
    }

    /// Rebuilds the project an orphan journal describes.
    pub fn recover(orphan: &Orphan) -> Result<(Project, Option<PathBuf>)> {
        let (base, edits) = read(&orphan.journal)?;
        let (mut project, path) = match &base {
            Base::File { path, modified } => {
                let project = project::load(path)?;
                if project.modified() != modified {
                    bail!(
                        "{} was saved again since the journal began; its edits cannot be replayed on it",
                        path.display()
                    );
                }
                (project, Some(path.clone()))
            }
            Base::Snapshot { path } => (project::load(path)?, None),
        };
        for edit in edits {
            project.apply(edit).context("replaying the journal")?;
        }
        Ok((project, path))
    }

    /// Deletes an orphan's files (after recovery, or when the user discards it).
    pub fn discard(orphan: &Orphan) {
        if let Base::Snapshot { path } = &orphan.base {
            let _ = fs::remove_file(path);
        }
        let _ = fs::remove_file(&orphan.journal);
    }
}

fn read(journal: &Path) -> Result<(Base, Vec<Edit>)> {
    let file = File::open(journal).with_context(|| format!("opening {}", journal.display()))?;
    let mut base = None;
    let mut edits = Vec::new();
    for line in BufReader::new(file).lines() {
        let line = line?;
        // A crash can cut the last line short: everything before it is whole.
        let Ok(entry) = serde_json::from_str::<Entry>(&line) else {
            break;
        };
        match entry {
            Entry::Base(b) => {
                base = Some(b);
                edits.clear();
            }
            Entry::Edit(e) => edits.push(e),
        }
    }
    match base {
        Some(base) => Ok((base, edits)),
        None => bail!("{} has no base", journal.display()),
    }
}

/// Whether the process that wrote a journal is still running (`PID-NANOS.journal.jsonl`).
fn session_alive(journal: &Path) -> bool {
    let name = journal
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let Some(pid) = name.split('-').next().and_then(|p| p.parse::<u32>().ok()) else {
        return false;
    };
    // This process's own earlier sessions (a test, or an app restarted in-process) are over.
    pid != std::process::id() && Path::new("/proc").join(pid.to_string()).exists()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Document, Entity, EntityId, Origin, Schema, Span, Status};

    fn project_with_doc() -> Project {
        let mut p = Project::new("j".into(), "ana".into(), Schema::news());
        let doc = Document::new("d".into(), "d.txt".into(), None, "서울 and Busan".into());
        p.apply(Edit::AddDocument {
            index: 0,
            document: Box::new(doc),
        })
        .unwrap();
        p
    }

    fn add_entity(start: usize, end: usize) -> Edit {
        let entity = Entity {
            id: EntityId(start as u32 + 1),
            span: Span { start, end },
            label: "GPE".into(),
            origin: Origin::Manual,
            status: Status::Accepted,
        };
        Edit::AddEntity {
            doc: "d".into(),
            entity,
        }
    }

    #[test]
    fn an_unsaved_project_is_recovered_from_its_snapshot_and_edits() {
        let dir = tempfile::tempdir().unwrap();
        let mut p = project_with_doc();
        let journal = Journal::start(dir.path(), &p, None).unwrap();
        let mut journal = journal;
        for edit in [add_entity(0, 2), add_entity(7, 12)] {
            p.apply(edit.clone()).unwrap();
            journal.record(&edit).unwrap();
        }
        std::mem::forget(journal); // a crash: nothing is cleaned up
        let orphans = Journal::orphans(dir.path(), None);
        assert_eq!(orphans.len(), 1);
        assert_eq!(orphans[0].edits, 2);
        let (recovered, path) = Journal::recover(&orphans[0]).unwrap();
        assert_eq!(recovered.documents(), p.documents());
        assert_eq!(path, None);
        Journal::discard(&orphans[0]);
        assert!(Journal::orphans(dir.path(), None).is_empty());
    }

    #[test]
    fn a_saved_project_replays_on_its_file_and_a_torn_last_line_is_ignored() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("p.tagdesk.ron");
        let mut p = project_with_doc();
        project::save(&mut p, &file).unwrap();
        let mut journal = Journal::start(&dir.path().join("recovery"), &p, Some(&file)).unwrap();
        let edit = add_entity(0, 2);
        p.apply(edit.clone()).unwrap();
        journal.record(&edit).unwrap();
        let journal_file = journal_path(&journal.dir, &journal.session);
        std::mem::forget(journal);
        // The process died in the middle of writing one more line.
        let mut f = OpenOptions::new().append(true).open(&journal_file).unwrap();
        f.write_all(b"{\"Edit\":{\"AddEnt").unwrap();
        let orphans = Journal::orphans(&dir.path().join("recovery"), None);
        let (recovered, path) = Journal::recover(&orphans[0]).unwrap();
        assert_eq!(path.as_deref(), Some(file.as_path()));
        assert_eq!(recovered.documents(), p.documents());
    }

    #[test]
    fn a_saved_project_left_unchanged_is_not_offered_and_its_journal_goes() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("p.tagdesk.ron");
        let mut p = project_with_doc();
        project::save(&mut p, &file).unwrap();
        let recovery = dir.path().join("recovery");
        std::mem::forget(Journal::start(&recovery, &p, Some(&file)).unwrap());
        // An unsaved project killed without edits is still offered: its snapshot is the work.
        std::mem::forget(Journal::start(&recovery, &project_with_doc(), None).unwrap());
        let orphans = Journal::orphans(&recovery, None);
        assert_eq!(orphans.len(), 1);
        assert!(matches!(orphans[0].base, Base::Snapshot { .. }));
        Journal::discard(&orphans[0]);
        assert_eq!(fs::read_dir(&recovery).unwrap().count(), 0);
    }

    #[test]
    fn a_closed_journal_leaves_nothing_to_recover() {
        let dir = tempfile::tempdir().unwrap();
        let p = project_with_doc();
        let journal = Journal::start(dir.path(), &p, None).unwrap();
        journal.close();
        assert!(Journal::orphans(dir.path(), None).is_empty());
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 0);
    }
}
