//! Workbooks saved by LibreOffice as .xls and .ods (a real client, not our writer) read to the
//! same figures and the same 基本信息 as the .xlsx they were saved from.
//!
//! The .xls and .ods files are committed in `tests/fixtures/libreoffice/`, so the plain tier
//! reads them without LibreOffice. LibreOffice saved each from an .xlsx this crate writes
//! (`util::workbook::sources`); the client-tier test `libreoffice_fixtures_are_current` saves them again and
//! compares what report-gen reads, and with `UPDATE_FIXTURES=1` it rewrites them:
//! `UPDATE_FIXTURES=1 cargo test libreoffice_fixtures_are_current -- --ignored`.

use crate::util::workbook::{fixture, fixture_path, sources};
use crate::util::{check_json, clients, run, samples, Dir};

#[test]
fn xls_and_ods_saved_by_libreoffice_read_to_the_same_figures() {
    let dir = Dir::new();
    std::fs::copy(samples::path(samples::BUSY), dir.join("busy.xlsx")).expect("copy");
    let want = check_json(&dir, "busy.xlsx").1;
    assert_eq!(want["errors"], 0);
    for name in ["busy.xls", "busy.ods", "pasted.xls", "pasted.ods"] {
        dir.write(name, &fixture(name));
        let got = check_json(&dir, name).1;
        for key in ["figures", "agency", "year"] {
            assert_eq!(got[key], want[key], "{name}: {key}");
        }
    }
    // The init workbook keeps its narrative and 基本信息 through .ods as well.
    let (code, out, err) = run(dir.cmd().args(["busy.ods", "-o", "from-ods.docx"]));
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("检查通过"), "{out}");
}

/// LibreOffice saves each fixture again from its source; report-gen reads the new file exactly
/// as the committed one (the same `check` output), so the fixtures are what LibreOffice makes
/// of what this crate writes today.
#[test]
#[ignore = "client tier: bash tests/clients/install.sh, then cargo test -- --ignored"]
fn libreoffice_fixtures_are_current() {
    let update = std::env::var_os("UPDATE_FIXTURES").is_some();
    let (made, committed) = (Dir::new(), Dir::new());
    for (name, xlsx) in sources() {
        let (stem, extension) = name.rsplit_once('.').expect("extension");
        let source = made.write(&format!("{stem}.xlsx"), &xlsx);
        let saved = clients::convert(&source, extension, made.path());
        assert_eq!(saved, made.join(name));
        if update {
            std::fs::copy(&saved, fixture_path(name)).expect("fixture written");
            continue;
        }
        committed.write(name, &fixture(name));
        let check = |dir: &Dir| run(dir.cmd().args(["check", name, "--format", "json"]));
        assert_eq!(
            check(&made),
            check(&committed),
            "tests/fixtures/libreoffice/{name} is out of date: run \
             UPDATE_FIXTURES=1 cargo test libreoffice_fixtures_are_current -- --ignored"
        );
    }
}
