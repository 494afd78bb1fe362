//! Writing output files atomically: a temporary file in the target folder, then a rename, so a
//! reader never sees a half-written report and an error leaves nothing behind.
//!
//! Every temporary file is registered while it exists. On Ctrl-C (or SIGTERM, SIGHUP) the
//! handler removes the registered files and exits with 130; once interrupted, no temporary file
//! is created or renamed into place. A rename happens under the registry's lock, so an
//! interrupt sees a file either still temporary (removed) or complete under its final name.

use crate::error::{Error, Result};
use std::collections::BTreeSet;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, MutexGuard};

/// Prefix of every temporary file report-gen writes.
pub const TEMP_PREFIX: &str = ".report-gen-";
/// Suffix of every temporary file report-gen writes.
pub const TEMP_SUFFIX: &str = ".tmp";
/// Exit code after an interrupt (128 + SIGINT, as shells report it).
pub const INTERRUPTED_EXIT: i32 = 130;

/// Temporary files being written.
static PENDING: Mutex<BTreeSet<PathBuf>> = Mutex::new(BTreeSet::new());
/// Set once by [`interrupt`]: nothing is written after it.
static INTERRUPTED: AtomicBool = AtomicBool::new(false);

fn pending() -> MutexGuard<'static, BTreeSet<PathBuf>> {
    // A panic elsewhere while holding the lock leaves a set that is still valid.
    PENDING
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

fn interrupted_error(path: &Path) -> Error {
    Error::Write {
        path: path.to_path_buf(),
        source: std::io::Error::new(std::io::ErrorKind::Interrupted, "已中断"),
    }
}

/// Stops all writing: removes every temporary file being written and makes every later
/// [`write_atomic`] fail. Returns how many files were removed.
pub fn interrupt() -> usize {
    let mut pending = pending();
    INTERRUPTED.store(true, Ordering::SeqCst);
    let removed = pending
        .iter()
        .filter(|p| std::fs::remove_file(p).is_ok())
        .count();
    pending.clear();
    removed
}

/// When an output's data is flushed to the disk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flush {
    /// Before its rename (fsync): the file is durable as soon as it has its name.
    EachFile,
    /// Once for many files, by [`flush_all`] at the end of a batch: each file is still renamed
    /// into place only when completely written, so a failed or interrupted run leaves no partial
    /// file; only a power cut before the final flush can lose written reports. (On systems
    /// without `syncfs` this is [`Flush::EachFile`].)
    AtEnd,
}

/// Writes `bytes` to `path` through a temporary file in the same folder, flushed before the
/// rename.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    write_atomic_with(path, bytes, Flush::EachFile)
}

/// Writes `bytes` to `path` through a temporary file in the same folder.
pub fn write_atomic_with(path: &Path, bytes: &[u8], flush: Flush) -> Result<()> {
    let mut file = Pending::new(path)?;
    file.write(bytes)?;
    file.persist(flush)
}

/// Flushes the file system holding `dir` to the disk (the end of a [`Flush::AtEnd`] batch).
pub fn flush_all(dir: &Path) -> Result<()> {
    let err = |source| Error::Write {
        path: dir.to_path_buf(),
        source,
    };
    #[cfg(target_os = "linux")]
    {
        let d = std::fs::File::open(dir).map_err(err)?;
        rustix::fs::syncfs(&d).map_err(|e| err(e.into()))?;
    }
    #[cfg(not(target_os = "linux"))]
    let _ = err;
    Ok(())
}

/// An output being written: a registered temporary file in the target's folder, renamed into
/// place by [`Pending::persist`], removed when dropped or on an interrupt.
pub struct Pending {
    target: PathBuf,
    tmp: Option<tempfile::NamedTempFile>,
}

impl Pending {
    /// Creates and registers the temporary file for `target`.
    pub fn new(target: &Path) -> Result<Pending> {
        let dir = match target.parent() {
            Some(d) if !d.as_os_str().is_empty() => d,
            _ => Path::new("."),
        };
        let mut pending = pending();
        if INTERRUPTED.load(Ordering::SeqCst) {
            return Err(interrupted_error(target));
        }
        let mut builder = tempfile::Builder::new();
        builder.prefix(TEMP_PREFIX).suffix(TEMP_SUFFIX);
        // Reports are shared: the umask decides (usually 0644), not a temporary file's 0600,
        // which would keep colleagues on a shared folder from opening them.
        #[cfg(unix)]
        builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o666));
        let tmp = builder.tempfile_in(dir).map_err(|source| Error::Write {
            path: target.to_path_buf(),
            source,
        })?;
        pending.insert(tmp.path().to_path_buf());
        Ok(Pending {
            target: target.to_path_buf(),
            tmp: Some(tmp),
        })
    }

    /// The temporary file's path.
    pub fn path(&self) -> Option<&Path> {
        self.tmp.as_ref().map(tempfile::NamedTempFile::path)
    }

    fn error(&self, source: std::io::Error) -> Error {
        Error::Write {
            path: self.target.clone(),
            source,
        }
    }

    /// Appends bytes (outside the registry's lock: an interrupt may remove the file meanwhile).
    pub fn write(&mut self, bytes: &[u8]) -> Result<()> {
        let tmp = self
            .tmp
            .as_mut()
            .ok_or_else(|| interrupted_error(&self.target))?;
        let written = tmp.write_all(bytes);
        written.map_err(|e| self.error(e))
    }

    /// Flushes the file to disk (as `flush` says) and renames it to the target, unless
    /// interrupted.
    pub fn persist(mut self, flush: Flush) -> Result<()> {
        let Some(tmp) = self.tmp.take() else {
            return Err(interrupted_error(&self.target));
        };
        let each = flush == Flush::EachFile || cfg!(not(target_os = "linux"));
        // Still registered while it is flushed: an interrupt now removes it.
        let synced = if each {
            tmp.as_file().sync_all()
        } else {
            Ok(())
        };
        let mut pending = pending();
        pending.remove(tmp.path());
        if INTERRUPTED.load(Ordering::SeqCst) {
            return Err(interrupted_error(&self.target));
        }
        synced.map_err(|e| self.error(e))?;
        // The rename happens under the lock: an interrupt sees it done or not started.
        tmp.persist(&self.target).map_err(|e| self.error(e.error))?;
        drop(pending);
        Ok(())
    }
}

impl Drop for Pending {
    /// An output not persisted is removed (by the temporary file's own drop) and unregistered.
    fn drop(&mut self) {
        if let Some(tmp) = self.tmp.take() {
            pending().remove(tmp.path());
        }
    }
}

/// Longest file name we make, in characters (a CJK character is 3 bytes of the usual 255).
pub const MAX_NAME_CHARS: usize = 80;

/// A file name from text (an agency name): no path separators, no `..`, no characters Windows
/// forbids, no control characters, not hidden, not too long, never empty.
pub fn safe_file_name(text: &str) -> String {
    let mut s: String = text
        .chars()
        .map(|c| match c {
            '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|' => '_',
            c if c.is_control() => '_',
            c => c,
        })
        .collect();
    while s.contains("..") {
        s = s.replace("..", "_");
    }
    let s: String = s
        .trim_matches(|c: char| c.is_whitespace() || c == '.')
        .chars()
        .take(MAX_NAME_CHARS)
        .collect();
    let s = s
        .trim_end_matches(|c: char| c.is_whitespace() || c == '.')
        .to_string();
    if s.is_empty() {
        "未命名".to_string()
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_stay_in_their_folder() {
        assert_eq!(safe_file_name("伊美区教育局"), "伊美区教育局");
        assert_eq!(safe_file_name("a/b\\c:d"), "a_b_c_d");
        assert_eq!(safe_file_name("../../etc/passwd"), "____etc_passwd");
        assert_eq!(safe_file_name("..\\x"), "__x");
        assert_eq!(safe_file_name(".hidden"), "hidden");
        assert_eq!(safe_file_name("   "), "未命名");
        assert_eq!(
            safe_file_name(&"局".repeat(300)).chars().count(),
            MAX_NAME_CHARS
        );
        assert!(!safe_file_name("a\u{0}b\nc").contains(['\u{0}', '\n']));
    }

    /// Runs the named test of this binary alone in a child process (for tests that interrupt:
    /// the interrupt stops all writing in the process for good).
    fn in_child(test: &str) -> bool {
        if std::env::var_os("REPORT_GEN_TEST_CHILD").is_some() {
            return false;
        }
        let run = std::env::current_exe().and_then(|exe| {
            std::process::Command::new(exe)
                .args(["--exact", test, "--test-threads", "1"])
                .env("REPORT_GEN_TEST_CHILD", "1")
                .output()
        });
        let ok = run.as_ref().is_ok_and(|o| o.status.success());
        let shown = run.as_ref().map(|o| {
            format!(
                "{}{}",
                String::from_utf8_lossy(&o.stdout),
                String::from_utf8_lossy(&o.stderr)
            )
        });
        assert!(ok, "{test} in a child: {shown:?}");
        true
    }

    #[test]
    fn an_interrupt_removes_files_being_written_and_stops_all_writing() {
        if in_child("output::tests::an_interrupt_removes_files_being_written_and_stops_all_writing")
        {
            return;
        }
        let dir = tempfile::tempdir().expect("folder");
        let target = dir.path().join("r.docx");
        let mut first = Pending::new(&target).expect("pending");
        first.write(b"half a report").expect("written");
        let tmp = first.path().map(Path::to_path_buf).expect("temporary");
        assert!(tmp.exists());
        let second = Pending::new(&dir.path().join("s.docx")).expect("pending");
        assert_eq!(interrupt(), 2);
        assert!(!tmp.exists());
        assert!(first.persist(Flush::EachFile).is_err());
        assert!(second.persist(Flush::EachFile).is_err());
        assert!(write_atomic(&dir.path().join("t.docx"), b"x").is_err());
        let left: Vec<_> = std::fs::read_dir(dir.path()).expect("listing").collect();
        assert!(left.is_empty(), "{left:?}");
    }

    #[test]
    fn a_dropped_output_leaves_nothing() {
        let dir = tempfile::tempdir().expect("folder");
        let mut p = Pending::new(&dir.path().join("r.docx")).expect("pending");
        p.write(b"abc").expect("written");
        let tmp = p.path().map(Path::to_path_buf).expect("temporary");
        drop(p);
        assert!(!tmp.exists());
        assert!(!pending().contains(&tmp));
    }

    #[test]
    fn writes_and_leaves_no_temporary_file() {
        let dir = tempfile::tempdir().map_err(|e| e.to_string());
        let Ok(dir) = dir else { return };
        let p = dir.path().join("a.txt");
        assert!(write_atomic(&p, b"hello").is_ok());
        assert_eq!(std::fs::read(&p).ok().as_deref(), Some(&b"hello"[..]));
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .into_iter()
            .flatten()
            .flatten()
            .collect();
        assert_eq!(names.len(), 1);
        assert!(write_atomic(&dir.path().join("no/such/dir/a.txt"), b"x").is_err());
    }
}
