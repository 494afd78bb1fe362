//! The client tier: real programs written by others open our outputs. This module runs the
//! checkers of `tests/clients/` (each script's doc string says what it checks) for the tests of
//! the other modules, and keeps the checkers honest: each must catch a known fault.
//!
//! Client-tier tests are ignored by a plain `cargo test`; run them with
//! `bash tests/clients/install.sh`, then `cargo test -- --ignored`.

use crate::bad_input::patch_part;
use crate::util::{client, client_on, run, Dir, INSTALL_CLIENTS};
use report_gen::appendix::TABLE_SHEETS;
use report_gen::layout::Table;
use serde_json::Value;
use std::ffi::OsStr;
use std::path::{Path, PathBuf};

/// `tests/clients/`: the client tier's install script and checkers.
fn clients_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/clients")
}

/// Runs one of the client tier's checkers (`tests/clients/SCRIPT`, see each script's doc
/// string) with the tier's python3; returns its exit code, stdout and stderr. A checker that
/// finds a client missing (exit 3: a program or a Python module) fails the test with its
/// message, which names the install command.
pub fn checker(script: &str, args: &[&OsStr]) -> (i32, String, String) {
    let out = std::process::Command::new(client("python3"))
        .arg(clients_dir().join(script))
        .args(args)
        // No __pycache__ inside the repository: tests write only into their own folders.
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .output()
        .expect("python3 runs");
    let (code, stdout, stderr) = (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    );
    assert!(code != 3, "tests/clients/{script}: {stderr}");
    (code, stdout, stderr)
}

/// The Open XML SDK's findings (through openxml-audit) in an .docx or .xlsx, one line each;
/// empty when Word or Excel would open it without offering a repair.
pub fn sdk_errors(path: &Path) -> Vec<String> {
    let (code, out, err) = checker("ooxml_check.py", &[path.as_os_str()]);
    let v: Value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}{err}"));
    let errors: Vec<String> = v["errors"]
        .as_array()
        .expect("errors listed")
        .iter()
        .map(Value::to_string)
        .collect();
    assert_eq!(code, i32::from(!errors.is_empty()), "{out}{err}");
    errors
}

/// What python-docx reads in a .docx (see `docx_read.py`).
pub fn docx_read(path: &Path) -> Value {
    json("docx_read.py", &[path.as_os_str()])
}

/// LibreOffice's recalculation of an .xlsx compared with its cached values (see
/// `xlsx_recalc.py`); the exit status is left to the caller.
pub fn recalc(path: &Path) -> (i32, Value) {
    let (code, out, err) = checker("xlsx_recalc.py", &[path.as_os_str()]);
    let v = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}{err}"));
    (code, v)
}

/// `file` saved by LibreOffice as `target` (xls, ods, docx) into `outdir`; the new file.
pub fn convert(file: &Path, target: &str, outdir: &Path) -> PathBuf {
    let (code, out, err) = checker(
        "convert.py",
        &[file.as_os_str(), OsStr::new(target), outdir.as_os_str()],
    );
    assert_eq!(code, 0, "{out}{err}");
    PathBuf::from(out.trim_end())
}

/// `file` printed by LibreOffice and rasterised by poppler into `outdir` (see `render.py`).
pub fn render(file: &Path, outdir: &Path) -> Value {
    json("render.py", &[file.as_os_str(), outdir.as_os_str()])
}

fn json(script: &str, args: &[&OsStr]) -> Value {
    let (code, out, err) = checker(script, args);
    assert_eq!(code, 0, "{script}: {out}{err}");
    serde_json::from_str(&out).unwrap_or_else(|e| panic!("{script}: {e}: {out}{err}"))
}

/// (width, height) of a PNG file, from its IHDR chunk.
pub fn png_size(path: &Path) -> (u32, u32) {
    let bytes = std::fs::read(path).expect("png written");
    assert!(
        bytes.starts_with(b"\x89PNG\r\n\x1a\n") && bytes.get(12..16) == Some(&b"IHDR"[..]),
        "{} is not a PNG",
        path.display()
    );
    let be = |at: usize| u32::from_be_bytes(bytes[at..at + 4].try_into().expect("4 bytes"));
    (be(16), be(20))
}

#[test]
#[should_panic(expected = "bash tests/clients/install.sh")]
fn a_missing_client_fails_naming_the_install_command() {
    assert_eq!(INSTALL_CLIENTS, "bash tests/clients/install.sh");
    client_on("soffice", OsStr::new(""));
}

/// Renders map each face the documents name to a free face of its kind (`fonts.conf`): a face
/// added to the typography without a mapping would render in a fallback and hide mistakes.
#[test]
fn fonts_conf_maps_every_face_the_documents_use() {
    use report_gen::typography::*;
    let conf = std::fs::read_to_string(clients_dir().join("fonts.conf")).expect("fonts.conf");
    let fonts = [
        TITLE,
        BODY,
        HEADING1,
        HEADING2,
        TABLE,
        PAGE_NUMBER,
        XLSX_TABLE,
        XLSX_TITLE,
        XLSX_NOTE,
    ];
    let faces = fonts
        .iter()
        .flat_map(|f| [f.east_asia, f.latin])
        .chain(FONT_FALLBACKS.iter().flat_map(|(face, alt)| [*face, *alt]))
        .filter(|face| *face != LATIN);
    for face in faces {
        assert!(
            conf.contains(&format!("<family>{face}</family><prefer>")),
            "tests/clients/fonts.conf does not map {face}"
        );
    }
}

/// The schema check is not vacuous: in a report whose title paragraph has `w:rPr` before
/// `w:jc` (it must be the last paragraph property), both the Open XML SDK's rules and our own
/// order tables find that one fault.
#[test]
#[ignore = "client tier: bash tests/clients/install.sh, then cargo test -- --ignored"]
fn the_open_xml_sdk_rules_catch_paragraph_properties_out_of_order() {
    let dir = Dir::new();
    let (code, out, err) = run(dir
        .cmd()
        .arg(crate::util::samples::path(crate::util::samples::SEED))
        .args(["-o", "good.docx"]));
    assert_eq!(code, 0, "{out}{err}");
    let good = std::fs::read(dir.join("good.docx")).expect("report");
    let (ordered, swapped) = (
        r#"<w:jc w:val="center"/><w:rPr/></w:pPr>"#,
        r#"<w:rPr/><w:jc w:val="center"/></w:pPr>"#,
    );
    let bad = patch_part(&good, "word/document.xml", |xml| {
        assert!(xml.contains(ordered), "no centred paragraph");
        xml.replacen(ordered, swapped, 1)
    });
    assert_eq!(sdk_errors(&dir.join("good.docx")), Vec::<String>::new());
    let errors = sdk_errors(&dir.write("bad.docx", &bad));
    assert!(errors.len() == 1 && errors[0].contains("jc"), "{errors:#?}");
    let ours = report_gen::ooxml::order_violations(&bad);
    assert!(ours.len() == 1 && ours[0].contains("w:jc"), "{ours:#?}");
}

/// The recalculation is not vacuous: a total cached one too high is a mismatch.
#[test]
#[ignore = "client tier: bash tests/clients/install.sh, then cargo test -- --ignored"]
fn the_recalculation_catches_a_wrong_cached_total() {
    let dir = Dir::new();
    let st = crate::util::samples::busy();
    let diagnostics = report_gen::checks::all(&st, None);
    let appendix = report_gen::appendix::workbook(&st, &diagnostics, false).expect("appendix");
    let total = st.figures.t3[report_gen::format::T3_NEW][report_gen::format::T3_TOTAL_COL];
    let (from, to) = (
        format!("</f><v>{total}</v>"),
        format!("</f><v>{}</v>", total + 1),
    );
    // rust_xlsxwriter numbers the sheet parts in sheet order.
    let n = 1 + TABLE_SHEETS
        .iter()
        .position(|(t, _)| *t == Table::T3)
        .expect("T3 sheet");
    let patched = patch_part(&appendix, &format!("xl/worksheets/sheet{n}.xml"), |xml| {
        assert!(xml.contains(&from), "no cached {total}");
        xml.replacen(&from, &to, 1)
    });
    let (code, v) = recalc(&dir.write("wrong.xlsx", &patched));
    assert_eq!(code, 1, "{v}");
    let mismatches = v["mismatches"].as_array().expect("mismatches");
    assert_eq!(mismatches.len(), 1, "{v}");
    assert_eq!(mismatches[0]["cached"], total + 1);
    assert_eq!(mismatches[0]["libreoffice"], total);
}
