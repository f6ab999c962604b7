//! Writing a file so that a crash or a full disk never leaves it half-written.

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
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let Some(file_name) = path.file_name() else {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "the path names no file",
        ));
    };
    let mut tmp_name = std::ffi::OsString::from(".");
    tmp_name.push(file_name);
    tmp_name.push(format!(".{}.tmp", std::process::id()));
    let tmp = dir.join(tmp_name);

    let replaced = (|| {
        let mut file = OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(true)
            .open(&tmp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        drop(file);
        if path.exists() {
            let backup = backup_path(path);
            match fs::remove_file(&backup) {
                Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(e),
                _ => {}
            }
            // A hard link keeps the old file whole without copying it; copy where links fail.
            if fs::hard_link(path, &backup).is_err() {
                fs::copy(path, &backup)?;
            }
        }
        fs::rename(&tmp, path)
    })();
    if let Err(e) = replaced {
        let _ = fs::remove_file(&tmp); // best effort: the error that matters is `e`
        return Err(e);
    }
    // Make the rename itself durable; not all platforms can open a folder, so ignore failure.
    if let Ok(dir) = File::open(&dir) {
        let _ = dir.sync_all();
    }
    remove_stale_temporaries(&dir, file_name);
    Ok(())
}

/// Deletes the temporary files of saves of `file_name` that a killed process left in `dir`
/// (`.NAME.PID.tmp` whose process is gone): never the project, only half-written copies that
/// nothing will rename. Best effort, and only where `/proc` says which processes live, so that
/// another running save's file is never taken.
fn remove_stale_temporaries(dir: &Path, file_name: &std::ffi::OsStr) {
    let proc = Path::new("/proc");
    if !proc.join("self").exists() {
        return;
    }
    let prefix = format!(".{}.", file_name.to_string_lossy());
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let pid = name
            .to_str()
            .and_then(|n| n.strip_prefix(&prefix))
            .and_then(|rest| rest.strip_suffix(".tmp"))
            .and_then(|pid| pid.parse::<u32>().ok());
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
