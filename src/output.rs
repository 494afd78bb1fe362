//! Writing output files: checked before anything is written, written to temporary files, then
//! renamed into place together, so a reader never sees a half-written report, an error leaves
//! nothing behind, and a report and its appendix are replaced as a pair or not at all.
//!
//! - [`check`] refuses, before anything is written, every failure that can be known: an output
//!   that is one of the inputs or another output (compared as files, see [`crate::files`]), a
//!   missing folder, a name over 255 bytes, an existing target that is a folder, a device or
//!   read-only.
//! - [`write_set`] writes every file of a set to a temporary file in its folder, then renames
//!   them into place one after the other. Each old file is kept aside (a hard link, else a
//!   rename) until every new one is in place; if a rename fails, the files already replaced
//!   are put back and the new ones removed, so the set is replaced whole or not at all.
//! - Every temporary file is registered while it exists. On Ctrl-C (or SIGTERM, SIGHUP) the
//!   handler removes the registered files and exits with 130; once interrupted, no temporary
//!   file is created or renamed into place. A set's renames happen under the registry's lock,
//!   so an interrupt sees the set either not started (temporary files removed) or complete.
//! - Temporary files are named `.report-gen-<process id>-<random>.tmp`. A run killed outright
//!   (SIGKILL, a power cut) leaves them behind; [`clean_stale`] removes those of processes that
//!   are gone, and any that are an hour old, never a file of a run still going.

use crate::error::{Error, Result};
use crate::files::{self, FileId};
use std::collections::BTreeSet;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

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
    write_set(&[(path, bytes)], flush)
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

fn folder_of(target: &Path) -> &Path {
    match target.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    }
}

/// An output being written: a registered temporary file in the target's folder, renamed into
/// place by [`Pending::persist`] (or with others by [`write_set`]), removed when dropped or on
/// an interrupt.
pub struct Pending {
    target: PathBuf,
    tmp: Option<tempfile::NamedTempFile>,
}

impl Pending {
    /// Creates and registers the temporary file for `target`.
    pub fn new(target: &Path) -> Result<Pending> {
        let dir = folder_of(target);
        let mut pending = pending();
        if INTERRUPTED.load(Ordering::SeqCst) {
            return Err(interrupted_error(target));
        }
        let prefix = format!("{TEMP_PREFIX}{}-", std::process::id());
        let mut builder = tempfile::Builder::new();
        builder.prefix(&prefix).suffix(TEMP_SUFFIX);
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

    /// Flushes the file to the disk if `flush` asks for it (still registered: an interrupt
    /// meanwhile removes it).
    fn sync(&self, flush: Flush) -> Result<()> {
        let each = flush == Flush::EachFile || cfg!(not(target_os = "linux"));
        match &self.tmp {
            Some(tmp) if each => tmp.as_file().sync_all().map_err(|e| self.error(e)),
            Some(_) => Ok(()),
            None => Err(interrupted_error(&self.target)),
        }
    }

    /// Flushes the file to disk (as `flush` says) and renames it to the target, unless
    /// interrupted.
    pub fn persist(self, flush: Flush) -> Result<()> {
        commit(vec![self], flush)
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

/// Writes a set of files (a report and its appendix): all are replaced, or none is.
///
/// Every file is first written to a temporary file in its folder (a full disk or a folder
/// without write permission stops here, before any file is touched). Then, under the
/// registry's lock, each is renamed into place, the old file kept aside until all are in place;
/// if one rename fails, those already done are undone. The error says what was kept.
pub fn write_set(files: &[(&Path, &[u8])], flush: Flush) -> Result<()> {
    let mut staged = Vec::with_capacity(files.len());
    for (i, (path, bytes)) in files.iter().enumerate() {
        let written = Pending::new(path).and_then(|mut p| {
            p.write(bytes)?;
            p.sync(flush)?;
            Ok(p)
        });
        match written {
            Ok(p) => staged.push(p),
            // The files staged so far are removed when `staged` is dropped.
            Err(e) => return Err(unchanged(e, files, i)),
        }
    }
    commit(staged, flush)
}

/// The error of the `failed`-th file of a set, saying that the others were left as they were.
fn unchanged(e: Error, files: &[(&Path, &[u8])], failed: usize) -> Error {
    let others: Vec<String> = files
        .iter()
        .enumerate()
        .filter(|&(i, _)| i != failed)
        .map(|(_, (p, _))| files::display(p))
        .collect();
    if others.is_empty() {
        return e;
    }
    match e {
        Error::Write { path, source } => Error::SetNotWritten {
            path,
            source,
            rest: format!("{} 也没有写入（原有的文件保持原样）。", others.join("、")),
        },
        e => e,
    }
}

/// Counter for the names of the old files kept aside during a set's renames.
static ASIDE: AtomicU64 = AtomicU64::new(0);

/// An old file kept aside while a set is renamed into place.
struct Aside {
    path: PathBuf,
}

impl Aside {
    /// Keeps the file at `target` aside: a hard link (the target stays in place until the new
    /// file replaces it in one step), or a rename where links are not supported.
    fn keep(target: &Path) -> std::io::Result<Aside> {
        loop {
            let n = ASIDE.fetch_add(1, Ordering::Relaxed);
            let path = folder_of(target).join(format!(
                "{TEMP_PREFIX}{}-old{n}{TEMP_SUFFIX}",
                std::process::id()
            ));
            match std::fs::hard_link(target, &path) {
                Ok(()) => return Ok(Aside { path }),
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
                Err(_) => match std::fs::rename(target, &path) {
                    Ok(()) => return Ok(Aside { path }),
                    Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
                    Err(e) => return Err(e),
                },
            }
        }
    }

    /// Puts the old file back at `target`.
    fn restore(self, target: &Path) -> std::io::Result<()> {
        std::fs::rename(&self.path, target)
    }
}

/// Renames staged files into place under the registry's lock; undoes them all if one fails.
fn commit(staged: Vec<Pending>, flush: Flush) -> Result<()> {
    for p in &staged {
        p.sync(flush)?;
    }
    // Without a temporary file, a file was interrupted: the others are dropped (removed).
    if let Some(p) = staged.iter().find(|p| p.tmp.is_none()) {
        return Err(interrupted_error(&p.target));
    }
    let files: Vec<(PathBuf, tempfile::NamedTempFile)> = staged
        .into_iter()
        .filter_map(|mut p| Some((p.target.clone(), p.tmp.take()?)))
        .collect();
    // Held to the end: an interrupt waits until the set is wholly in place or wholly undone.
    let mut lock = pending();
    for (_, tmp) in &files {
        lock.remove(tmp.path());
    }
    if INTERRUPTED.load(Ordering::SeqCst) {
        let target = files.first().map(|(t, _)| t.clone()).unwrap_or_default();
        return Err(interrupted_error(&target));
    }
    let targets: Vec<PathBuf> = files.iter().map(|(t, _)| t.clone()).collect();
    // (target, the old file kept aside) of each file renamed into place so far.
    let mut done: Vec<(PathBuf, Option<Aside>)> = Vec::new();
    let mut failure = None;
    for (target, tmp) in files {
        let existing = std::fs::symlink_metadata(&target).ok();
        // A folder is never moved aside (check() refuses it; this is a race with another
        // program): the rename fails, and the set is undone.
        if existing.as_ref().is_some_and(std::fs::Metadata::is_dir) {
            failure = Some((
                target,
                std::io::Error::from(std::io::ErrorKind::IsADirectory),
            ));
            break;
        }
        let aside = match existing.map(|_| Aside::keep(&target)).transpose() {
            Ok(a) => a,
            Err(e) => {
                failure = Some((target, e));
                break;
            }
        };
        match tmp.persist(&target) {
            Ok(_) => done.push((target, aside)),
            Err(e) => {
                // An old file moved aside (not linked) goes back first.
                if let Some(a) = aside {
                    if std::fs::symlink_metadata(&target).is_err() {
                        let _ = a.restore(&target);
                    } else {
                        let _ = std::fs::remove_file(&a.path);
                    }
                }
                failure = Some((target, e.error));
                break;
            }
        }
    }
    let Some((failed, source)) = failure else {
        for (_, aside) in done {
            if let Some(a) = aside {
                // A leftover is a stale temporary file that a later run removes.
                let _ = std::fs::remove_file(&a.path);
            }
        }
        return Ok(());
    };
    // Undo, last first: an old file goes back; a new file that had no old one is removed.
    let mut rest = String::new();
    let mut changed = Vec::new();
    for (target, aside) in done.into_iter().rev() {
        match aside {
            Some(a) => {
                let at = files::display(&a.path);
                if a.restore(&target).is_err() {
                    rest.push_str(&format!(
                        "{} 已是新的版本，未能恢复原来的版本；原来的版本保存在 {at}。",
                        files::display(&target)
                    ));
                    changed.push(target);
                }
            }
            None => {
                if std::fs::remove_file(&target).is_err() {
                    rest.push_str(&format!(
                        "{} 已是新的版本，未能删除，请手工删除。",
                        files::display(&target)
                    ));
                    changed.push(target);
                }
            }
        }
    }
    drop(lock);
    let untouched: Vec<String> = targets
        .iter()
        .filter(|t| **t != failed && !changed.contains(t))
        .map(|t| files::display(t))
        .collect();
    if !untouched.is_empty() {
        rest.insert_str(
            0,
            &format!(
                "{} 也没有写入（原有的文件保持原样）。",
                untouched.join("、")
            ),
        );
    }
    Err(if rest.is_empty() {
        Error::Write {
            path: failed,
            source,
        }
    } else {
        Error::SetNotWritten {
            path: failed,
            source,
            rest,
        }
    })
}

/// How old a temporary file of a process that is gone must be before it is removed.
const STALE_ORPHAN: Duration = Duration::from_secs(60);
/// How old any temporary file must be to be removed, whatever process made it (it may be on
/// another machine sharing the folder, or its number reused): no output stays temporary this
/// long, because every file is built in memory before its temporary file is created.
const STALE_ANY: Duration = Duration::from_secs(3600);

/// Removes the temporary files that runs killed outright (SIGKILL, a power cut) left in `dir`:
/// only ours (`.report-gen-*.tmp`, regular files), and only those of processes no longer
/// running here and a minute old, or an hour old whatever made them. Returns how many.
pub fn clean_stale(dir: &Path) -> usize {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    let me = std::process::id();
    let mut removed = 0;
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(name) = name.to_str() else { continue };
        let Some(middle) = name
            .strip_prefix(TEMP_PREFIX)
            .and_then(|n| n.strip_suffix(TEMP_SUFFIX))
        else {
            continue;
        };
        // Never a link or anything but a file (symlink_metadata does not follow links).
        let Ok(meta) = entry.path().symlink_metadata() else {
            continue;
        };
        if !meta.file_type().is_file() {
            continue;
        }
        let age = meta
            .modified()
            .ok()
            .and_then(|m| m.elapsed().ok())
            .unwrap_or_default();
        let pid: Option<u32> = middle.split('-').next().and_then(|p| p.parse().ok());
        let stale = match pid {
            Some(pid) if pid == me => false,
            Some(pid) => {
                age >= STALE_ANY || (age >= STALE_ORPHAN && process_gone(pid).unwrap_or(false))
            }
            None => age >= STALE_ANY,
        };
        if stale && std::fs::remove_file(entry.path()).is_ok() {
            removed += 1;
        }
    }
    removed
}

/// [`clean_stale`] in each folder that `targets` go to; returns how many files were removed.
pub fn clean_stale_for(targets: &[Target]) -> usize {
    let mut folders: Vec<PathBuf> = targets
        .iter()
        .filter_map(|t| files::place(&t.path))
        .filter_map(|p| p.parent().map(Path::to_path_buf))
        .collect();
    folders.sort();
    folders.dedup();
    folders.iter().map(|f| clean_stale(f)).sum()
}

/// Whether process `pid` is known not to run on this machine (`None`: cannot tell).
fn process_gone(pid: u32) -> Option<bool> {
    let proc = Path::new("/proc");
    if cfg!(target_os = "linux") && proc.join("self").exists() {
        Some(!proc.join(pid.to_string()).exists())
    } else {
        None
    }
}

/// One output of a run: what it is, in the words of messages (报告, 附表, 汇总表), and where
/// it goes.
#[derive(Debug, Clone)]
pub struct Target {
    /// 报告, 附表, 汇总表 …
    pub what: &'static str,
    /// Where it goes.
    pub path: PathBuf,
}

impl Target {
    /// An output.
    pub fn new(what: &'static str, path: impl Into<PathBuf>) -> Target {
        Target {
            what,
            path: path.into(),
        }
    }
}

/// The files a run reads: no output may be one of them.
#[derive(Debug, Default, Clone)]
pub struct Inputs {
    files: Vec<(FileId, String)>,
}

impl Inputs {
    /// No inputs.
    pub fn new() -> Inputs {
        Inputs::default()
    }

    /// Adds an input (`what`: 统计表, 上一年度统计表 …) if it exists.
    pub fn add(&mut self, what: &str, path: &Path) {
        if let Some(id) = FileId::of(path) {
            self.files
                .push((id, format!("{what} {}", files::display(path))));
        }
    }

    /// The input that `id` is, described.
    fn find(&self, id: &FileId) -> Option<&str> {
        self.files
            .iter()
            .find(|(x, _)| x == id)
            .map(|(_, what)| what.as_str())
    }
}

/// Whether this process may create files in `folder` (permissions, a read-only file system),
/// asked of the system; where it cannot be asked, creating the temporary file finds out, still
/// before any output is replaced.
fn writable(folder: &Path) -> std::io::Result<()> {
    #[cfg(target_os = "linux")]
    return rustix::fs::access(
        folder,
        rustix::fs::Access::WRITE_OK | rustix::fs::Access::EXEC_OK,
    )
    .map_err(std::io::Error::from);
    #[cfg(not(target_os = "linux"))]
    {
        let _ = folder;
        Ok(())
    }
}

/// Checks outputs before anything is written: every failure that can be known now is refused
/// here, so that nothing is half done. Each target must have a file name of at most
/// [`NAME_MAX`] bytes in an existing folder this process may write to; where it exists it must be a regular file that is
/// not read-only; it must not be one of `inputs` nor another target (compared as files).
pub fn check(targets: &[Target], inputs: &Inputs) -> Result<()> {
    let refuse = |t: &Target, why: String| {
        Err(Error::Usage(format!(
            "{} {}{why}",
            t.what,
            files::display(&t.path)
        )))
    };
    for (i, t) in targets.iter().enumerate() {
        let bytes = t.path.as_os_str().as_encoded_bytes();
        let (Some(name), false) = (t.path.file_name(), bytes.ends_with(b"/")) else {
            return refuse(
                t,
                " 没有文件名，请给出文件名（例如 年度报告.docx）。".into(),
            );
        };
        let bytes = files::name_bytes(name);
        if bytes > NAME_MAX {
            return refuse(
                t,
                format!(
                    " 的文件名有 {bytes} 字节，超过文件系统允许的 {NAME_MAX} 字节（约 85 个汉字），未写入任何文件。请换一个短一些的文件名。"
                ),
            );
        }
        let folder = folder_of(&t.path);
        match std::fs::metadata(folder) {
            Ok(m) if m.is_dir() => {}
            Ok(_) => {
                return refuse(
                    t,
                    format!(" 所在的 {} 不是文件夹。", files::display(folder)),
                )
            }
            Err(_) => {
                return refuse(
                    t,
                    format!(
                        " 所在的文件夹 {} 不存在，请先建立它。",
                        files::display(folder)
                    ),
                )
            }
        }
        if let Err(e) = writable(folder) {
            return refuse(
                t,
                format!(
                    " 所在的文件夹 {} 不能写入：{}。",
                    files::display(folder),
                    crate::error::explain(&e)
                ),
            );
        }
        match std::fs::metadata(&t.path) {
            Ok(meta) => {
                if !meta.is_file() {
                    return refuse(
                        t,
                        format!(
                            " 已存在，而且是{}，不能用作输出。请给出一个文件名。",
                            files::kind_of(&meta)
                        ),
                    );
                }
                let id = FileId::of(&t.path);
                if let Some(input) = id.as_ref().and_then(|id| inputs.find(id)) {
                    return refuse(
                        t,
                        format!(" 就是输入的{input}，未覆盖。请换一个输出文件名。"),
                    );
                }
                if meta.permissions().readonly() {
                    return refuse(
                        t,
                        " 是只读文件，未覆盖（也没有写入其他文件）。请去掉它的只读属性，或换一个文件名。"
                            .into(),
                    );
                }
            }
            // A link to nowhere is replaced like a missing file; anything else is an error.
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return refuse(t, format!(" 无法使用：{}。", crate::error::explain(&e))),
        }
        for other in targets.iter().take(i) {
            if files::same_file(&t.path, &other.path) {
                return refuse(
                    t,
                    format!(
                        " 与{} {} 是同一个文件，未写入。请给两者不同的文件名。",
                        other.what,
                        files::display(&other.path)
                    ),
                );
            }
        }
    }
    Ok(())
}

/// Longest name, in bytes, of a file we write: the usual file systems' limit.
pub use crate::files::NAME_MAX;

/// The appendix's name after its report's stem: `<stem>-附表.xlsx`.
pub const APPENDIX_SUFFIX: &str = "-附表.xlsx";

/// Bytes a report's file stem may take: its appendix, the longest name made from it, must fit
/// in [`NAME_MAX`].
pub const MAX_STEM_BYTES: usize = NAME_MAX - APPENDIX_SUFFIX.len();

/// Text (an agency name) made usable as part of a file name: no path separators, no `..`, no
/// characters Windows forbids, no control characters, not hidden, never empty. Not shortened:
/// see [`shorten`].
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
    let s = trim_name(&s);
    if s.is_empty() {
        "未命名".to_string()
    } else {
        s.to_string()
    }
}

fn trim_name(s: &str) -> &str {
    s.trim_matches(|c: char| c.is_whitespace() || c == '.')
}

/// Text of at most `max_bytes` bytes (UTF-8): cut at a character boundary and marked with “…”
/// when it was longer. Returns the text and whether it was shortened.
pub fn shorten(text: &str, max_bytes: usize) -> (String, bool) {
    if text.len() <= max_bytes {
        return (text.to_string(), false);
    }
    const MARK: &str = "…";
    let mut end = max_bytes.saturating_sub(MARK.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let head = text.get(..end).unwrap_or("");
    let head = head.trim_end_matches(|c: char| c.is_whitespace() || c == '.');
    (format!("{head}{MARK}"), true)
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
        assert!(!safe_file_name("a\u{0}b\nc").contains(['\u{0}', '\n']));
    }

    #[test]
    fn names_are_shortened_in_bytes_at_a_character_boundary() {
        let (s, cut) = shorten(&"局".repeat(300), 100);
        assert!(cut);
        assert!(s.len() <= 100 && s.ends_with('…'), "{s}");
        assert_eq!(
            shorten("伊美区教育局", 100),
            ("伊美区教育局".to_string(), false)
        );
        let (s, _) = shorten("ab局局局", 7);
        assert_eq!(s, "ab…");
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

    /// The names in a folder, sorted.
    fn names(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(dir)
            .expect("listing")
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }

    /// Stages a report and an appendix, then lets `fault` break the second target before the
    /// renames: the set must come back exactly as it was.
    fn second_rename_fails(fault: impl Fn(&Path, &[Pending])) {
        let dir = tempfile::tempdir().expect("folder");
        let (r, a) = (dir.path().join("r.docx"), dir.path().join("r-附表.xlsx"));
        std::fs::write(&r, b"old report").expect("old report");
        let staged: Vec<Pending> = [(&r, b"new report"), (&a, b"new append")]
            .into_iter()
            .map(|(p, bytes)| {
                let mut p = Pending::new(p).expect("pending");
                p.write(bytes).expect("written");
                p
            })
            .collect();
        fault(&a, &staged);
        let appendix = std::fs::read(&a).ok();
        let e = commit(staged, Flush::EachFile).expect_err("the appendix cannot be renamed");
        let shown = e.to_string();
        assert!(shown.contains("r-附表.xlsx"), "{shown}");
        assert!(
            shown.contains("r.docx 也没有写入（原有的文件保持原样）"),
            "{shown}"
        );
        assert!(!shown.contains(TEMP_PREFIX), "{shown}");
        assert_eq!(std::fs::read(&r).expect("report"), b"old report");
        assert_eq!(std::fs::read(&a).ok(), appendix);
        let left: Vec<String> = names(dir.path())
            .into_iter()
            .filter(|n| n.starts_with(TEMP_PREFIX))
            .collect();
        assert!(left.is_empty(), "{left:?}");
        assert!(pending().iter().all(|p| !p.starts_with(dir.path())));
    }

    #[test]
    fn when_the_second_rename_fails_the_first_file_is_put_back() {
        // A folder appears where the appendix goes (a race with another program).
        second_rename_fails(|a, _| {
            std::fs::create_dir(a).expect("folder");
            std::fs::write(a.join("x"), b"x").expect("file");
        });
        // The appendix's temporary file is deleted by another program: its rename fails.
        second_rename_fails(|_, staged| {
            let tmp = staged.get(1).and_then(Pending::path).expect("staged");
            std::fs::remove_file(tmp).expect("removed");
        });
        // The old appendix exists and must come back too.
        second_rename_fails(|a, staged| {
            std::fs::write(a, b"old appendix").expect("old");
            let tmp = staged.get(1).and_then(Pending::path).expect("staged");
            std::fs::remove_file(tmp).expect("removed");
        });
    }

    #[test]
    fn when_the_first_file_was_new_it_is_removed_again() {
        let dir = tempfile::tempdir().expect("folder");
        let (r, a) = (dir.path().join("r.docx"), dir.path().join("a"));
        std::fs::create_dir(&a).expect("folder");
        std::fs::write(a.join("x"), b"x").expect("file");
        let e = write_set(&[(&r, b"report"), (&a, b"appendix")], Flush::EachFile);
        assert!(e.is_err());
        assert_eq!(names(dir.path()), vec!["a"]);
    }

    #[test]
    fn a_set_replaces_every_old_file_and_keeps_nothing_aside() {
        let dir = tempfile::tempdir().expect("folder");
        let (r, a) = (dir.path().join("r.docx"), dir.path().join("r-附表.xlsx"));
        std::fs::write(&r, b"old").expect("old");
        std::fs::write(&a, b"old").expect("old");
        write_set(&[(&r, b"new r"), (&a, b"new a")], Flush::AtEnd).expect("written");
        assert_eq!(std::fs::read(&r).expect("r"), b"new r");
        assert_eq!(std::fs::read(&a).expect("a"), b"new a");
        assert_eq!(names(dir.path()), vec!["r-附表.xlsx", "r.docx"]);
    }

    #[test]
    fn only_stale_temporary_files_of_gone_processes_are_cleaned() {
        let dir = tempfile::tempdir().expect("folder");
        let ago = |secs| std::time::SystemTime::now() - Duration::from_secs(secs);
        let file = |name: &str, age: u64| {
            let p = dir.path().join(name);
            let f = std::fs::File::create(&p).expect("file");
            f.set_modified(ago(age)).expect("time");
        };
        // Above any Linux pid_max: never a running process.
        file(".report-gen-4194399-gone.tmp", 120);
        file(".report-gen-4194398-fresh.tmp", 5);
        file(
            &format!(".report-gen-{}-mine.tmp", std::process::id()),
            7200,
        );
        file(".report-gen-old-format.tmp", 7200);
        file(".report-gen-young-format.tmp", 120);
        file(".report-gen-4194397-gone.docx", 7200);
        file("r.docx", 7200);
        std::fs::create_dir(dir.path().join(".report-gen-1-dir.tmp")).expect("folder");
        let removed = clean_stale(dir.path());
        let mine = format!(".report-gen-{}-mine.tmp", std::process::id());
        let mut want = vec![
            ".report-gen-1-dir.tmp",
            ".report-gen-4194397-gone.docx",
            ".report-gen-4194398-fresh.tmp",
            ".report-gen-young-format.tmp",
            "r.docx",
            &mine,
        ];
        // Where processes cannot be looked up, only the hour-old files go.
        if process_gone(1).is_none() {
            want.push(".report-gen-4194399-gone.tmp");
        }
        want.sort_unstable();
        assert_eq!(names(dir.path()), want);
        assert_eq!(removed, 8 - want.len());
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
