//! Writing output files atomically: a temporary file in the target folder, then a rename, so a
//! reader never sees a half-written report and an error leaves nothing behind.

use crate::error::{Error, Result};
use std::io::Write;
use std::path::Path;

/// Writes `bytes` to `path` through a temporary file in the same folder.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let write_err = |source| Error::Write {
        path: path.to_path_buf(),
        source,
    };
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let mut tmp = tempfile::Builder::new()
        .prefix(".report-gen-")
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(write_err)?;
    tmp.write_all(bytes).map_err(write_err)?;
    tmp.as_file().sync_all().map_err(write_err)?;
    // On failure the temporary file is dropped, which removes it.
    tmp.persist(path).map_err(|e| write_err(e.error))?;
    Ok(())
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
