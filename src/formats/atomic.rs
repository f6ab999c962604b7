//! Writing a file so that a crash or a full disk never leaves it half-written.

use std::collections::{BTreeMap, HashMap};
use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// The backup kept of the previous version of `path`: `NAME.bak` beside it.
pub fn backup_path(path: &Path) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(".bak");
    path.with_file_name(name)
}

/// Replaces `path` with `bytes` atomically: writes a temporary file in the same folder, flushes
/// and syncs it, keeps the old file as [`backup_path`], then renames the new one over it. At
/// every instant `path` holds either the old content or the new, never a mix.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> io::Result<()> {
    if path.file_name().is_none() {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "the path names no file",
        ));
    }
    let mut staged = Staged::default();
    staged.append(path, bytes)?;
    staged.commit().map(|_| ()).map_err(|(_, e)| e)
}

/// From this many files on, [`Staged::commit`] syncs them all at once.
pub const SYNC_AT_ONCE: usize = 256;

/// Files written piece by piece and then put in place together (an export's), each
/// replaced as [`write_atomically`] replaces one, at the cost of the work: pieces go to
/// temporary files beside their targets; [`Staged::commit`] syncs them all (at once when there
/// are many, see [`sync_files`]) and only then renames each over its target, with one sync and
/// one sweep for leftovers per folder. Dropped uncommitted, it removes its temporary files.
#[derive(Default)]
pub struct Staged {
    targets: Vec<PathBuf>,
    temporaries: Vec<PathBuf>,
    index: HashMap<PathBuf, usize>,
    committed: bool,
}

impl Staged {
    /// Appends `bytes` to what `path` will hold.
    pub fn append(&mut self, path: &Path, bytes: &[u8]) -> io::Result<()> {
        match self.index.get(path) {
            Some(&i) => OpenOptions::new()
                .append(true)
                .open(&self.temporaries[i])?
                .write_all(bytes),
            None => {
                let tmp = temporary(path);
                write_file(&tmp, bytes, false)?;
                self.push(path, tmp);
                Ok(())
            }
        }
    }

    /// [`Staged::append`] of many new files, written on several threads (writes wait on the
    /// disk, not the CPU, so more threads than cores let it batch them). On error, the path.
    pub fn append_all(&mut self, files: &[(PathBuf, &[u8])]) -> Result<(), (PathBuf, io::Error)> {
        let (new, known): (Vec<_>, Vec<_>) = files
            .iter()
            .partition(|(path, _)| !self.index.contains_key(path));
        let threads = crate::parallel::threads(None).max(8);
        let written = crate::parallel::map_ordered(&new, threads, |(path, bytes)| {
            let tmp = temporary(path);
            match write_file(&tmp, bytes, false) {
                Ok(()) => Ok((path, tmp)),
                Err(e) => {
                    let _ = fs::remove_file(&tmp);
                    Err((path.clone(), e))
                }
            }
        });
        let mut failed = None;
        for result in written {
            match result {
                Ok((path, tmp)) => self.push(path, tmp),
                Err(e) => failed = failed.or(Some(e)),
            }
        }
        if let Some(e) = failed {
            return Err(e);
        }
        for (path, bytes) in known {
            self.append(path, bytes).map_err(|e| (path.clone(), e))?;
        }
        Ok(())
    }

    fn push(&mut self, path: &Path, tmp: PathBuf) {
        self.index.insert(path.to_path_buf(), self.targets.len());
        self.targets.push(path.to_path_buf());
        self.temporaries.push(tmp);
    }

    /// Puts every file in place; the paths written, in the order first appended.
    pub fn commit(mut self) -> Result<Vec<PathBuf>, (PathBuf, io::Error)> {
        let first = |e| (self.targets.first().cloned().unwrap_or_default(), e);
        if self.targets.len() >= SYNC_AT_ONCE {
            sync_files(&self.temporaries).map_err(first)?;
        } else {
            for (tmp, path) in self.temporaries.iter().zip(&self.targets) {
                File::open(tmp)
                    .and_then(|f| f.sync_all())
                    .map_err(|e| (path.clone(), e))?;
            }
        }
        for (tmp, path) in self.temporaries.iter().zip(&self.targets) {
            let err = |e| (path.clone(), e);
            if path.exists() {
                let backup = backup_path(path);
                match fs::remove_file(&backup) {
                    Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(err(e)),
                    _ => {}
                }
                // A hard link keeps the old file whole without copying it; copy where links fail.
                if fs::hard_link(path, &backup).is_err() {
                    fs::copy(path, &backup).map_err(err)?;
                }
            }
            fs::rename(tmp, path).map_err(err)?;
        }
        self.committed = true;
        let mut by_folder: BTreeMap<&Path, Vec<&std::ffi::OsStr>> = BTreeMap::new();
        for path in &self.targets {
            let dir = path.parent().filter(|d| !d.as_os_str().is_empty());
            let name = path.file_name().unwrap_or_default();
            by_folder
                .entry(dir.unwrap_or(Path::new(".")))
                .or_default()
                .push(name);
        }
        for (dir, names) in by_folder {
            // Makes the renames durable; not all platforms can open a folder.
            if let Ok(dir) = File::open(dir) {
                let _ = dir.sync_all();
            }
            remove_stale_temporaries(dir, &names);
        }
        Ok(std::mem::take(&mut self.targets))
    }
}

impl Drop for Staged {
    fn drop(&mut self) {
        if !self.committed {
            for tmp in &self.temporaries {
                let _ = fs::remove_file(tmp);
            }
        }
    }
}

/// The temporary file a save of `path` writes first: `.NAME.PID.tmp` beside it.
fn temporary(path: &Path) -> PathBuf {
    let mut name = std::ffi::OsString::from(".");
    name.push(path.file_name().unwrap_or_default());
    name.push(format!(".{}.tmp", std::process::id()));
    path.with_file_name(name)
}

/// Creates `path` with `bytes`, synced if `sync`.
pub fn write_file(path: &Path, bytes: &[u8], sync: bool) -> io::Result<()> {
    let mut file = fs::File::create(path)?;
    file.write_all(bytes)?;
    if sync { file.sync_all() } else { Ok(()) }
}

/// Makes the files at `paths` durable. On Linux one `syncfs` of each file system they are on
/// (one, nearly always): a save of 100,000 files spent a third of its time in per-file syncs,
/// each a journal commit, where one sync flushes them together in about a second. Elsewhere,
/// or if a call fails, each file is synced on its own.
pub fn sync_files(paths: &[PathBuf]) -> io::Result<()> {
    #[cfg(target_os = "linux")]
    {
        use std::os::fd::AsRawFd;
        use std::os::unix::fs::MetadataExt;
        let mut folders = std::collections::HashSet::new();
        let mut devices = std::collections::HashSet::new();
        let mut synced = true;
        for path in paths {
            let folder = path.parent().unwrap_or(Path::new("."));
            if !folders.insert(folder) || !devices.insert(fs::metadata(folder)?.dev()) {
                continue;
            }
            let file = fs::File::open(path)?;
            // SAFETY: `syncfs` only reads the descriptor, which `file` keeps open for the call.
            synced &= unsafe { libc::syncfs(file.as_raw_fd()) } == 0;
        }
        if synced {
            return Ok(());
        }
    }
    paths
        .iter()
        .try_for_each(|path| fs::File::open(path)?.sync_all())
}

/// Deletes the temporary files of saves of `file_name` that a killed process left in `dir`
/// (`.NAME.PID.tmp` whose process is gone): never the project, only half-written copies that
/// nothing will rename. Best effort, and only where `/proc` says which processes live, so that
/// another running save's file is never taken.
fn remove_stale_temporaries(dir: &Path, file_names: &[&std::ffi::OsStr]) {
    let proc = Path::new("/proc");
    if !proc.join("self").exists() {
        return;
    }
    let names: std::collections::HashSet<String> = file_names
        .iter()
        .map(|n| n.to_string_lossy().into_owned())
        .collect();
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        // `.NAME.PID.tmp`, NAME one of `file_names`.
        let pid = name
            .to_str()
            .and_then(|n| n.strip_prefix('.'))
            .and_then(|rest| rest.strip_suffix(".tmp"))
            .and_then(|rest| rest.rsplit_once('.'))
            .filter(|(name, _)| names.contains(*name))
            .and_then(|(_, pid)| pid.parse::<u32>().ok());
        if let Some(pid) = pid
            && pid != std::process::id()
            && !proc.join(pid.to_string()).exists()
        {
            let _ = fs::remove_file(entry.path());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_content_and_keeps_a_backup() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("p.tagdesk.ron");
        write_atomically(&path, b"first").unwrap();
        assert!(!backup_path(&path).exists());
        write_atomically(&path, b"second").unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"second");
        assert_eq!(fs::read(backup_path(&path)).unwrap(), b"first");
        let names: Vec<_> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(
            names.len(),
            2,
            "no temporary file is left behind: {names:?}"
        );
    }

    #[test]
    fn a_save_removes_what_killed_saves_left_and_nothing_else() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("p.tagdesk.ron");
        // A process id above Linux's limit is never alive; process 1 always is.
        let stale = dir.path().join(".p.tagdesk.ron.4294967295.tmp");
        let running = dir.path().join(".p.tagdesk.ron.1.tmp");
        let other = dir.path().join(".q.tagdesk.ron.4294967295.tmp");
        for file in [&stale, &running, &other] {
            fs::write(file, b"half").unwrap();
        }
        write_atomically(&path, b"saved").unwrap();
        assert!(!stale.exists());
        assert!(running.exists(), "a live process's save is left alone");
        assert!(other.exists(), "another project's files are left alone");
        assert_eq!(fs::read(&path).unwrap(), b"saved");
    }

    fn write_many(files: &[(PathBuf, Vec<u8>)]) -> Result<(), (PathBuf, io::Error)> {
        let files: Vec<(PathBuf, &[u8])> = files.iter().map(|(p, b)| (p.clone(), &b[..])).collect();
        let mut staged = Staged::default();
        staged.append_all(&files)?;
        staged.commit().map(|_| ())
    }

    #[test]
    fn staged_files_are_replaced_like_one_and_a_failure_leaves_the_old_ones() {
        let dir = tempfile::tempdir().unwrap();
        let (a, b) = (dir.path().join("a"), dir.path().join("b"));
        fs::create_dir_all(&a).unwrap();
        fs::create_dir_all(&b).unwrap();
        let bytes: Vec<Vec<u8>> = (0..SYNC_AT_ONCE)
            .map(|i| format!("서울 {i}").into())
            .collect();
        let files = |round: &str| -> Vec<(PathBuf, Vec<u8>)> {
            bytes
                .iter()
                .enumerate()
                .map(|(i, text)| {
                    let folder = if i % 2 == 0 { &a } else { &b };
                    let mut text = text.clone();
                    text.extend_from_slice(round.as_bytes());
                    (folder.join(format!("f{i}.txt")), text)
                })
                .collect()
        };
        let first = files(" first");
        // What a killed export of f0 left, and a live one's, and another file's.
        let stale = a.join(".f0.txt.4294967295.tmp");
        let live = a.join(".f0.txt.1.tmp");
        let other = a.join(".notes.txt.4294967295.tmp");
        for file in [&stale, &live, &other] {
            fs::write(file, b"half").unwrap();
        }
        write_many(&first).unwrap();
        let second = files(" second");
        write_many(&second).unwrap();
        for ((path, now), (_, before)) in second.iter().zip(&first) {
            assert_eq!(&fs::read(path).unwrap(), now);
            assert_eq!(&fs::read(backup_path(path)).unwrap(), before);
        }
        assert!(!stale.exists());
        assert!(live.exists() && other.exists());
        // The first target is a folder: nothing is renamed, no temporary file stays. (Each
        // file is replaced whole; a failure further on leaves those before it replaced.)
        let mut third = files(" third");
        third.insert(0, (a.clone(), b"x".to_vec()));
        assert!(write_many(&third).is_err());
        for (path, now) in &second {
            assert_eq!(&fs::read(path).unwrap(), now);
        }
        let left: Vec<_> = fs::read_dir(&a)
            .unwrap()
            .chain(fs::read_dir(&b).unwrap())
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".tmp"))
            .collect();
        assert_eq!(left.len(), 2, "{left:?}");
        // Pieces appended to one file, in order; nothing is in place before the commit.
        let mut staged = Staged::default();
        let path = a.join("whole.jsonl");
        for piece in ["서울\n", "—\n", "end\n"] {
            staged.append(&path, piece.as_bytes()).unwrap();
        }
        assert!(!path.exists());
        assert_eq!(staged.commit().unwrap(), std::slice::from_ref(&path));
        assert_eq!(fs::read_to_string(&path).unwrap(), "서울\n—\nend\n");
        // Dropped uncommitted: the target untouched, the temporary file gone.
        let mut staged = Staged::default();
        staged.append(&path, b"lost").unwrap();
        drop(staged);
        assert_eq!(fs::read_to_string(&path).unwrap(), "서울\n—\nend\n");
        assert!(!temporary(&path).exists());
    }

    #[test]
    fn a_failed_write_leaves_the_old_file_alone() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("p.tagdesk.ron");
        write_atomically(&path, b"old").unwrap();
        // The target is a folder: the rename fails after the temporary file was written.
        let folder = dir.path().join("folder");
        fs::create_dir(&folder).unwrap();
        fs::write(folder.join("x"), b"x").unwrap();
        assert!(write_atomically(&folder, b"new").is_err());
        assert_eq!(fs::read(&path).unwrap(), b"old");
        let names: Vec<_> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert!(
            names.iter().all(|n| !n.to_string_lossy().ends_with(".tmp")),
            "{names:?}"
        );
    }
}
