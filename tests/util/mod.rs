//! What the tests share (ripgrep's model): the harness here — a temporary folder per test, the
//! real `report-gen` binary and what a run printed — and, by noun, the builders of inputs and
//! the readers of outputs. Test files hold only tests.

pub mod clients;
pub mod layouts;
pub mod published;
pub mod random;
pub mod read;
pub mod samples;
pub mod workbook;

use assert_cmd::Command;
use read::{is_temporary, listing, tree};
use report_gen::statement::Statement;
use serde_json::Value;
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

/// Runs a command; its exit code and both streams together.
pub fn ran(cmd: &mut Command) -> Ran {
    let (code, out, err) = run(cmd);
    Ran {
        code,
        text: format!("{out}{err}"),
    }
}

/// The test folder holds only the inputs in `in/`: no report, appendix or temporary file.
pub fn nothing_written(dir: &Dir, context: &str) {
    assert_eq!(listing(dir.path()), vec!["in"], "{context}");
    let stray: Vec<String> = tree(&dir.join("in"))
        .into_iter()
        .filter(|n| n.ends_with(".docx") || n.contains("附表") || is_temporary(n))
        .collect();
    assert!(stray.is_empty(), "{context}: {stray:?}");
}

/// Runs `check FILE` and `report-gen FILE -o r.docx` on `in/<name>` holding `bytes` and asserts
/// the exit code, that every message names the file and contains `words`, and that nothing was
/// written. Extra arguments go to both commands.
pub fn refused(name: &str, bytes: &[u8], code: i32, words: &[&str], extra: &[&str]) {
    let dir = Dir::new();
    let file = format!("in/{name}");
    dir.write(&file, bytes);
    for args in [
        vec!["check", file.as_str()],
        vec![file.as_str(), "-o", "r.docx"],
    ] {
        let r = ran(dir.cmd().args(&args).args(extra));
        let context = format!("{args:?}: {}", r.text);
        assert_eq!(r.code, code, "{context}");
        assert!(r.text.contains(&file), "file not named: {context}");
        for w in words {
            assert!(r.text.contains(w), "missing “{w}”: {context}");
        }
        nothing_written(&dir, &context);
    }
}

/// Runs both commands on a workbook that reads with warnings: exit 0, the report and appendix
/// written, every `words` in the output. Returns the folder and the report's bytes.
pub fn accepted(name: &str, bytes: &[u8], words: &[&str]) -> (Dir, Vec<u8>) {
    let dir = Dir::new();
    let file = format!("in/{name}");
    dir.write(&file, bytes);
    let r = ran(dir.cmd().args(["check", &file]));
    assert_eq!(r.code, 0, "{}", r.text);
    for w in words {
        assert!(r.text.contains(w), "missing “{w}”: {}", r.text);
    }
    let r = ran(dir.cmd().args([file.as_str(), "-o", "r.docx"]));
    assert_eq!(r.code, 0, "{}", r.text);
    for w in words {
        assert!(r.text.contains(w), "missing “{w}”: {}", r.text);
    }
    assert_eq!(listing(dir.path()), vec!["in", "r-附表.xlsx", "r.docx"]);
    let docx = std::fs::read(dir.join("r.docx")).expect("report");
    (dir, docx)
}

/// `check FILE --format json` in `dir`: (exit code, the JSON).
pub fn check_json(dir: &Dir, file: &str) -> (i32, Value) {
    let (code, out, err) = run(dir.cmd().args(["check", file, "--format", "json"]));
    let v: Value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out} {err}"));
    (code, v)
}

/// Runs report-gen in `dir` with standard output (and error, if `both`) going into a pipe
/// whose reading end is already closed; returns the exit code and standard error.
pub fn with_closed_pipe(dir: &Dir, args: &[&str], both: bool) -> (Option<i32>, String) {
    let (reader, writer) = std::io::pipe().expect("pipe");
    drop(reader);
    let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin("report-gen"));
    cmd.args(args).current_dir(dir.path());
    if both {
        cmd.stderr(writer.try_clone().expect("clone"));
    } else {
        cmd.stderr(std::process::Stdio::piped());
    }
    let out = cmd.stdout(writer).output().expect("runs");
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// `check` of a sample with `--previous` pointing at `last` written as a workbook: (exit code, stdout).
pub fn check_with_last_year(dir: &Dir, name: &str, last: &Statement) -> (i32, String) {
    dir.write("last.xlsx", &workbook::init(last));
    let (code, out, _) =
        run(dir
            .cmd()
            .args(["check", &samples::arg(name), "--previous", "last.xlsx"]));
    (code, out)
}
