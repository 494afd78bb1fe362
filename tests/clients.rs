//! The client tier: real programs written by others open our outputs. The checkers of
//! `tests/clients/` (each script's doc string says what it checks) run for the tests of the
//! other modules through `util/clients.rs`; this module keeps them honest: each must catch a
//! known fault.
//!
//! Client-tier tests are ignored by a plain `cargo test`; run them with
//! `bash tests/clients/install.sh`, then `cargo test -- --ignored`.

use crate::util::clients::{client_on, clients_dir, recalc, sdk_errors, INSTALL_CLIENTS};
use crate::util::workbook::patch_part;
use crate::util::{run, samples, Dir};
use report_gen::appendix::TABLE_SHEETS;
use report_gen::layout::Table;
use std::ffi::OsStr;

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
        .arg(samples::path(samples::SEED))
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
    let st = samples::busy();
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
