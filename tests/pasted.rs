//! Workbooks into which an office pasted the official tables: any sheet names, any position,
//! merged or unmerged labels, labels split over lines and cells, halfwidth punctuation,
//! numbered prefixes, numbers stored as text. They must read to the same figures as the `init`
//! workbook holding the same data.

use crate::util::read::read_as;
use crate::util::workbook::{pasted_workbook, Paste};
use crate::util::{check_json, samples, Dir};
use report_gen::format::CellId;
use report_gen::layout::Table;

#[test]
fn pasted_tables_give_the_same_json_figures_as_the_init_workbook() {
    let dir = Dir::new();
    let st = samples::busy();
    for (i, how) in [Paste::MESSY, Paste::PLAIN].into_iter().enumerate() {
        let name = format!("pasted{i}.xlsx");
        dir.write(&name, &pasted_workbook(&st, how));
        let (_, pasted) = check_json(&dir, &name);
        let (code, init) = check_json(
            &dir,
            samples::path(samples::BUSY).to_str().unwrap_or_default(),
        );
        assert_eq!(code, 0, "{init}");
        assert!(pasted["figures"].is_object(), "{pasted}");
        assert_eq!(pasted["figures"], init["figures"], "paste variant {i}");
    }
}

#[test]
fn pasted_tables_are_read_cell_by_cell_with_their_addresses() {
    let st = samples::busy();
    let got = read_as("pasted.xlsx", &pasted_workbook(&st, Paste::MESSY)).expect("reads");
    let diags = &got.diagnostics;
    assert_eq!(got.figures, st.figures);
    assert_eq!(got.info.agency, st.info.agency);
    assert_eq!(got.info.year, Some(2025));
    // 表三 starts below 表二 on the second sheet: 一、本年新收 自然人 sits at C36 (with split heads).
    let t2_rows = Table::T2.layout().rows as u32;
    let first = 4 + t2_rows + 4 + 4; // top of 表三 + three header rows + the extra split row
    assert_eq!(
        got.cells.get(&CellId::T3(0, 0)).map(|c| c.to_string()),
        Some(format!("年报表格!E{}", first + 1))
    );
    assert_eq!(
        got.cells.get(&CellId::T4(0, 0)).map(|c| c.to_string()),
        Some("附表3!D10".to_string())
    );
    // Numbers as text and merged, split, messy labels give no error; no narrative is a warning.
    assert!(diags.iter().all(|d| !d.is_error()), "{diags:#?}");
    assert!(diags.iter().any(|d| d.id == "READ-NARRATIVE"));
}
