//! What a path is before anything is read from it or written over it: its identity (device and
//! inode), its kind (only regular files are read), reads bounded by a limit, and its name as
//! bytes (a GBK name from a Chinese Windows archive is kept as it is, never re-encoded).
//!
//! Paths are compared as files, never as text: `o/r.docx` and `./o/r.docx`, a symbolic link and
//! its target, two hard links are the same file.

use crate::error::{Error, Result};
use std::ffi::{OsStr, OsString};
use std::io::Read;
use std::path::{Path, PathBuf};

/// The identity of an existing file: device and inode where the system has them, else its
/// canonical path.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FileId(Id);

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum Id {
    #[cfg(unix)]
    Inode(u64, u64),
    #[cfg(not(unix))]
    Path(PathBuf),
}

impl FileId {
    /// The identity of what `path` names, following symbolic links; `None` when it does not
    /// exist (or cannot be looked at).
    pub fn of(path: &Path) -> Option<FileId> {
        let meta = std::fs::metadata(path).ok()?;
        Some(Self::from_metadata(path, &meta))
    }

    /// The identity of `path`, whose metadata (following links) is `meta`.
    #[cfg(unix)]
    pub fn from_metadata(_: &Path, meta: &std::fs::Metadata) -> FileId {
        use std::os::unix::fs::MetadataExt;
        FileId(Id::Inode(meta.dev(), meta.ino()))
    }

    /// The identity of `path`, whose metadata (following links) is `meta`.
    #[cfg(not(unix))]
    pub fn from_metadata(path: &Path, _: &std::fs::Metadata) -> FileId {
        FileId(Id::Path(
            path.canonicalize().unwrap_or_else(|_| path.to_path_buf()),
        ))
    }
}

/// What kind of thing a path names (after following links), in the words office staff read.
pub fn kind_of(meta: &std::fs::Metadata) -> &'static str {
    let t = meta.file_type();
    if t.is_file() {
        return "普通文件";
    }
    if t.is_dir() {
        return "文件夹";
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return "管道（FIFO）";
        }
        if t.is_socket() {
            return "套接字";
        }
        if t.is_char_device() || t.is_block_device() {
            return "设备文件";
        }
    }
    "特殊文件"
}

/// Refuses anything but a regular file (after following links), before it is opened: opening a
/// FIFO blocks until someone writes to it, and a device such as /dev/zero never ends.
pub fn regular_file(path: &Path) -> Result<std::fs::Metadata> {
    let meta = std::fs::metadata(path).map_err(|source| Error::Read {
        path: path.to_path_buf(),
        source,
    })?;
    if meta.is_file() {
        Ok(meta)
    } else {
        Err(Error::NotAFile {
            path: path.to_path_buf(),
            kind: kind_of(&meta),
        })
    }
}

/// Reads a regular file, at most `limit` bytes: one byte more than the limit is read (whatever
/// the file's size claims), and then it is refused as too large. Anything that is not a
/// regular file is refused before it is opened (and, on Linux, opened without blocking, in
/// case it was swapped for a FIFO meanwhile).
pub fn read_bounded(path: &Path, limit: u64) -> Result<Vec<u8>> {
    let meta = regular_file(path)?;
    let too_large = |size| Error::TooLarge {
        path: path.to_path_buf(),
        size,
        limit,
    };
    if meta.len() > limit {
        return Err(too_large(meta.len()));
    }
    let read_err = |source| Error::Read {
        path: path.to_path_buf(),
        source,
    };
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(target_os = "linux")]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(rustix::fs::OFlags::NONBLOCK.bits() as i32);
    }
    let file = options.open(path).map_err(read_err)?;
    // The file opened may not be the one looked at: check the open handle itself.
    let opened = file.metadata().map_err(read_err)?;
    if !opened.is_file() {
        return Err(Error::NotAFile {
            path: path.to_path_buf(),
            kind: kind_of(&opened),
        });
    }
    let expected = usize::try_from(opened.len().min(limit)).unwrap_or(0);
    let mut bytes = Vec::with_capacity(expected.saturating_add(1));
    file.take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(read_err)?;
    if bytes.len() as u64 > limit {
        return Err(too_large(bytes.len() as u64));
    }
    Ok(bytes)
}

/// Longest file name, in bytes, that the usual file systems (ext4, NTFS for CJK, APFS) take.
pub const NAME_MAX: usize = 255;

/// The length of a file name in bytes as the file system stores it.
pub fn name_bytes(name: &OsStr) -> usize {
    name.as_encoded_bytes().len()
}

/// `name` with `suffix` appended, as bytes: a name that is not UTF-8 (a GBK name on Linux)
/// stays exactly as it was.
pub fn with_suffix(name: &OsStr, suffix: &str) -> OsString {
    let mut out = name.to_os_string();
    out.push(suffix);
    out
}

/// A path for people to read: a name that is not UTF-8 is read as GB18030 (the encoding of
/// archives unzipped from Chinese Windows), with a UTF-8 ending that we appended (“-附表.xlsx”)
/// kept as UTF-8; what decodes as neither is shown with replacement characters.
///
/// Control characters (a name may hold any byte but `/` and NUL) are shown as U+FFFD: printed
/// to a terminal, an escape sequence in a file name could otherwise rewrite the screen.
pub fn display(path: &Path) -> String {
    let bytes = path.as_os_str().as_encoded_bytes();
    let text = match std::str::from_utf8(bytes) {
        Ok(s) => s.to_string(),
        Err(_) => bytes
            .split(|&b| b == b'/')
            .map(display_name)
            .collect::<Vec<_>>()
            .join("/"),
    };
    if text.chars().any(char::is_control) {
        text.chars()
            .map(|c| if c.is_control() { '\u{fffd}' } else { c })
            .collect()
    } else {
        text
    }
}

/// One name: UTF-8, or GB18030 followed by the longest UTF-8 ending.
fn display_name(bytes: &[u8]) -> String {
    if let Ok(s) = std::str::from_utf8(bytes) {
        return s.to_string();
    }
    for split in 1..=bytes.len() {
        let (head, tail) = bytes.split_at(split);
        let Ok(tail) = std::str::from_utf8(tail) else {
            continue;
        };
        // Without BOM sniffing: a name starting FF FE is not UTF-16.
        if let Some(text) =
            encoding_rs::GB18030.decode_without_bom_handling_and_without_replacement(head)
        {
            return format!("{text}{tail}");
        }
    }
    String::from_utf8_lossy(bytes).into_owned()
}

/// Where a file would be: its folder made canonical (links resolved, `.` and `..` gone) and its
/// own name. Used to compare a path that does not exist yet with others.
pub fn place(path: &Path) -> Option<PathBuf> {
    let name = path.file_name()?;
    let parent = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    Some(parent.canonicalize().ok()?.join(name))
}

/// Whether two paths name the same file: the same identity when both exist, else the same
/// place.
pub fn same_file(a: &Path, b: &Path) -> bool {
    match (FileId::of(a), FileId::of(b)) {
        (Some(x), Some(y)) => x == y,
        (None, None) => place(a).is_some_and(|p| Some(p) == place(b)),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_spelled_differently_are_the_same_file() {
        let dir = tempfile::tempdir().expect("folder");
        std::fs::create_dir(dir.path().join("o")).expect("o");
        let a = dir.path().join("o/r.docx");
        let b = dir.path().join("o/../o/./r.docx");
        assert!(same_file(&a, &b), "not existing yet");
        std::fs::write(&a, b"x").expect("written");
        assert!(same_file(&a, &b));
        #[cfg(unix)]
        {
            let link = dir.path().join("link.docx");
            std::os::unix::fs::symlink(&a, &link).expect("link");
            assert!(same_file(&a, &link));
            let hard = dir.path().join("hard.docx");
            std::fs::hard_link(&a, &hard).expect("hard link");
            assert!(same_file(&hard, &b));
        }
        assert!(!same_file(&a, &dir.path().join("o/s.docx")));
    }

    #[test]
    fn only_regular_files_are_read_and_never_beyond_the_limit() {
        let dir = tempfile::tempdir().expect("folder");
        let f = dir.path().join("a.xlsx");
        std::fs::write(&f, b"12345").expect("written");
        assert_eq!(read_bounded(&f, 5).expect("read"), b"12345");
        assert!(matches!(
            read_bounded(&f, 4),
            Err(Error::TooLarge { size: 5, .. })
        ));
        assert!(matches!(
            read_bounded(dir.path(), 9),
            Err(Error::NotAFile {
                kind: "文件夹", ..
            })
        ));
        #[cfg(unix)]
        assert!(matches!(
            read_bounded(Path::new("/dev/zero"), 9),
            Err(Error::NotAFile {
                kind: "设备文件",
                ..
            })
        ));
    }

    #[cfg(unix)]
    #[test]
    fn a_gbk_name_keeps_its_bytes_and_reads_as_chinese() {
        use std::os::unix::ffi::OsStrExt;
        let gbk = OsStr::from_bytes(b"\xb1\xa8\xb8\xe6"); // 报告
        let name = with_suffix(gbk, "-附表.xlsx");
        assert!(name.as_bytes().starts_with(b"\xb1\xa8\xb8\xe6-"));
        assert_eq!(display(Path::new(&name)), "报告-附表.xlsx");
        assert_eq!(display(&Path::new("o").join(&name)), "o/报告-附表.xlsx");
        assert_eq!(display(Path::new("a\u{1b}[2Jb.xlsx")), "a\u{fffd}[2Jb.xlsx");
        let odd = OsStr::from_bytes(b"\xff\xfe.xlsx");
        assert_eq!(display(Path::new(odd)), "\u{fffd}\u{fffd}.xlsx");
        assert_eq!(name_bytes(&name), 4 + "-附表.xlsx".len());
    }
}
