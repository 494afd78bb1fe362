//! The same workbook saved by LibreOffice as .xls and .ods (a real client, not our writer) reads
//! to the same figures and the same 基本信息 as the .xlsx.

use crate::pasted::{pasted_workbook, Paste};
use crate::samples;
use crate::util::{run, Dir};
use serde_json::Value;
use std::path::Path;
use std::process::Command;

/// Converts `file` in `dir` to `format` with LibreOffice (a throwaway profile, so parallel
/// tests do not clash); returns the new file's name.
fn convert(dir: &Dir, file: &str, format: &str) -> String {
    let profile = dir.join(&format!("profile-{format}"));
    let status = Command::new("soffice")
        .arg(format!(
            "-env:UserInstallation=file://{}",
            profile.display()
        ))
        .args(["--headless", "--convert-to", format, "--outdir"])
        .arg(dir.path())
        .arg(dir.join(file))
        .output()
        .expect("soffice runs (install it with ../shared/tools/INSTALL.sh)");
    assert!(
        status.status.success(),
        "{}",
        String::from_utf8_lossy(&status.stderr)
    );
    let stem = Path::new(file)
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let out = format!("{stem}.{format}");
    assert!(dir.join(&out).exists(), "soffice wrote no {out}");
    out
}

fn json(dir: &Dir, file: &str) -> Value {
    let (_, out, err) = run(dir.cmd().args(["check", file, "--format", "json"]));
    serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}{err}"))
}

#[test]
fn xls_and_ods_saved_by_libreoffice_read_to_the_same_figures() {
    let dir = Dir::new();
    std::fs::copy(samples::path(samples::BUSY), dir.join("busy.xlsx")).expect("copy");
    dir.write(
        "pasted.xlsx",
        &pasted_workbook(&samples::busy(), Paste::MESSY),
    );
    let want = json(&dir, "busy.xlsx");
    assert_eq!(want["errors"], 0);
    for source in ["busy.xlsx", "pasted.xlsx"] {
        for format in ["xls", "ods"] {
            let converted = convert(&dir, source, format);
            let got = json(&dir, &converted);
            assert_eq!(got["figures"], want["figures"], "{source} as {format}");
            assert_eq!(got["agency"], want["agency"], "{source} as {format}");
            assert_eq!(got["year"], want["year"], "{source} as {format}");
            std::fs::remove_file(dir.join(&converted)).expect("remove");
        }
    }
    // The init workbook keeps its narrative and 基本信息 through .ods as well.
    let ods = convert(&dir, "busy.xlsx", "ods");
    let (code, out, err) = run(dir.cmd().args([ods.as_str(), "-o", "from-ods.docx"]));
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("检查通过"), "{out}");
}
