//! The test harness: a temporary folder per test and the real `report-gen` binary.

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

/// Runs one of the shared checking tools (`../shared/tools/SCRIPT`) with python3; returns its
/// exit code, stdout and stderr. CI installs them; a missing tool fails the test.
pub fn shared_tool(script: &str, args: &[&std::ffi::OsStr]) -> (i32, String, String) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/tools")
        .join(script);
    let out = std::process::Command::new("python3")
        .arg(path)
        .args(args)
        .output()
        .expect("python3 runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// The path of an external program the client tier needs (LibreOffice's `soffice`, `python3`
/// with python-docx, poppler's tools …). Panics, naming the install script, when it is missing:
/// a client-tier test never passes silently without its client.
pub fn client(program: &str) -> PathBuf {
    let found = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|dir| dir.join(program))
            .find(|p| p.is_file())
    });
    found.unwrap_or_else(|| {
        panic!("{program} is missing: run `bash tests/clients/install.sh`, then `cargo test -- --ignored`")
    })
}
