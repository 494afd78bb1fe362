//! What the tests share (ripgrep's model): the harness here — a temporary folder per test, the
//! real `report-gen` binary, the client tier's programs — and, by noun, the builders of inputs
//! and the readers of outputs. Test files hold only tests.

pub mod clients;
pub mod published;
pub mod read;
pub mod samples;
pub mod workbook;

use assert_cmd::Command;
use std::path::{Path, PathBuf};

/// A temporary working folder, removed when dropped.
pub struct Dir {
    tmp: tempfile::TempDir,
}

impl Dir {
    /// A fresh folder.
    pub fn new() -> Dir {
        Dir {
            tmp: tempfile::tempdir().expect("temporary folder"),
        }
    }

    /// The folder.
    pub fn path(&self) -> &Path {
        self.tmp.path()
    }

    /// A path inside the folder.
    pub fn join(&self, name: &str) -> PathBuf {
        self.tmp.path().join(name)
    }

    /// Writes a file into the folder and returns its path.
    pub fn write(&self, name: &str, bytes: &[u8]) -> PathBuf {
        let p = self.join(name);
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent).expect("folder");
        }
        std::fs::write(&p, bytes).expect("file written");
        p
    }

    /// The names of the files in the folder, sorted.
    pub fn files(&self) -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(self.path())
            .expect("listing")
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }

    /// `report-gen` running in this folder.
    pub fn cmd(&self) -> Command {
        let mut c = Command::cargo_bin("report-gen").expect("binary");
        c.current_dir(self.path());
        c
    }
}

/// Runs a command and returns (exit code, stdout, stderr).
pub fn run(cmd: &mut Command) -> (i32, String, String) {
    let out = cmd.output().expect("command runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Asserts that README's part between `<!-- {marker}: begin -->` and `<!-- {marker}: end -->`
/// is `table`, which the code generates; with `UPDATE_README` set, writes it there instead.
pub fn readme_part(marker: &str, table: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md");
    let readme = std::fs::read_to_string(&path).expect("README");
    let (begin, end) = (
        format!("<!-- {marker}: begin -->\n"),
        format!("<!-- {marker}: end -->"),
    );
    let start = readme.find(&begin).expect("begin marker") + begin.len();
    let stop = readme.find(&end).expect("end marker");
    if std::env::var_os("UPDATE_README").is_some() {
        let updated = format!("{}{table}{}", &readme[..start], &readme[stop..]);
        std::fs::write(&path, updated).expect("README written");
        return;
    }
    assert_eq!(
        &readme[start..stop],
        table,
        "README's {marker} differ from the code: run UPDATE_README=1 cargo test readme"
    );
}

/// What a run printed, both streams together.
pub struct Ran {
    pub code: i32,
    pub text: String,
}

pub fn ran(cmd: &mut assert_cmd::Command) -> Ran {
    let (code, out, err) = run(cmd);
    Ran {
        code,
        text: format!("{out}{err}"),
    }
}
