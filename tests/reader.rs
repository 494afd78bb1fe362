//! The reader on hand-made workbooks: bad cells, published-table deviations, structural faults,
//! and the 2019 trial layout. Each finding names its sheet and cell.

use crate::util::read::{findings, invalid, read_as};
use crate::util::samples;
use crate::util::workbook::{
    address, custom, custom_t3, info, layout_2019, paste_table_with, t3_rows, tables_with,
    with_info, without_cached_value, Cell, Paste, T2_AT, T3_AT, T4_AT,
};
use report_gen::diagnostics::{Diagnostic, Severity};
use report_gen::figures::Figures;
use report_gen::format::CellId;
use report_gen::layout::Table;
use rust_xlsxwriter::Workbook;

fn one(d: &[Diagnostic], id: &str) -> Diagnostic {
    let hits: Vec<&Diagnostic> = d.iter().filter(|x| x.id == id).collect();
    assert_eq!(hits.len(), 1, "{id} in {d:#?}");
    hits[0].clone()
}

#[test]
fn bad_cells_are_errors_naming_sheet_and_cell() {
    let f = samples::busy().figures;
    let cases: Vec<(CellId, Cell, &str, &str)> = vec![
        (CellId::T3(0, 0), Cell::Number(-2.0), "R-T3-5", "负数"),
        (CellId::T3(2, 1), Cell::Number(2.5), "R-T3-5", "整数"),
        (CellId::T3(5, 2), Cell::Text("十二"), "R-T3-5", "“十二”"),
        (CellId::T3(6, 3), Cell::Bool(true), "R-T3-5", "逻辑值"),
        (CellId::T3(7, 4), Cell::Date, "R-T3-5", "日期"),
        (
            CellId::T3(8, 5),
            Cell::Formula("=A1/0", "#DIV/0!"),
            "R-T3-5",
            "#DIV/0!",
        ),
        (
            CellId::T3(9, 0),
            Cell::Formula("=#REF!+1", "#REF!"),
            "R-T3-5",
            "#REF!",
        ),
        (
            CellId::T3(10, 0),
            Cell::Formula("=1+1", ""),
            "R-T3-5",
            "没有保存计算结果",
        ),
        (CellId::T3(11, 0), Cell::Number(2e9), "R-T3-5", "10 亿"),
        (CellId::T4(0, 0), Cell::Number(-1.0), "R-T4-2", "负数"),
        (CellId::T2(0), Cell::Number(0.5), "R-T2-1", "整数"),
        (CellId::T2(9), Cell::Number(-0.5), "R-T2-1", "负数"),
    ];
    for (id, cell, rule, words) in cases {
        let d = findings(&without_cached_value(
            &tables_with(&f, &[(id, cell.clone())]),
            "=1+1",
        ));
        let hit = d
            .iter()
            .find(|x| x.id == rule && x.severity == Severity::Error && x.message.contains(words))
            .unwrap_or_else(|| panic!("{cell:?} at {id:?}: {d:#?}"));
        assert_eq!(hit.cells, vec![address(id)], "{cell:?}");
        assert!(hit.message.starts_with(&id.describe()), "{}", hit.message);
    }
}

#[test]
fn amounts_may_have_decimals_and_text_numbers_read() {
    let mut f = samples::busy().figures;
    let d = findings(&tables_with(
        &f,
        &[
            (CellId::T2(9), Cell::Number(0.35)),
            (CellId::T3(0, 0), Cell::Text("３１２")),
            (CellId::T3(0, 1), Cell::Text(" 45 ")),
        ],
    ));
    assert!(d.iter().all(|x| x.severity == Severity::Warning), "{d:#?}");
    f.fees = 0.35;
    let st = read_as(
        "测试.xlsx",
        &tables_with(&f, &[(CellId::T3(0, 0), Cell::Text("３１２"))]),
    )
    .expect("reads");
    assert_eq!(st.figures, f);
}

#[test]
fn blank_cells_read_as_zero_with_a_warning_each() {
    let f = Figures::default();
    let blanks = [
        CellId::T3(0, 0),
        CellId::T3(3, 2),
        CellId::T4(0, 1),
        CellId::T2(6),
    ];
    let overrides: Vec<(CellId, Cell)> = blanks.iter().map(|&id| (id, Cell::Blank)).collect();
    let st = read_as("测试.xlsx", &tables_with(&f, &overrides)).expect("reads");
    let mut warned: Vec<String> = st
        .diagnostics
        .iter()
        .filter(|d| d.message.contains("空白") && d.severity == Severity::Warning)
        .flat_map(|d| d.cells.iter().map(ToString::to_string))
        .collect();
    warned.sort();
    let mut want: Vec<String> = blanks.iter().map(|&id| address(id)).collect();
    want.sort();
    assert_eq!(warned, want);
    assert_eq!(st.figures, f);
    // Placeholders “/” and “—” read as 0 with a warning too.
    let d = findings(&tables_with(&f, &[(CellId::T2(0), Cell::Text("/"))]));
    assert_eq!(one(&d, "R-T2-1").severity, Severity::Warning);
}

#[test]
fn written_totals_that_do_not_add_up_are_caught() {
    // The published case: 行政复议 10/1/0/0 with 总计 0.
    let mut f = Figures::default();
    f.t4[0] = [10, 1, 0, 0, 0];
    let d = findings(&tables_with(&f, &[(CellId::T4(0, 4), Cell::Number(0.0))]));
    let hit = one(&d, "R-T4-1");
    assert!(
        hit.message.contains("填的是 0") && hit.message.contains("为 11"),
        "{}",
        hit.message
    );
    assert_eq!(
        hit.cells.first().map(ToString::to_string),
        Some(address(CellId::T4(0, 4)))
    );
    // A wrong 总计 column cell and a wrong （七）总计 cell.
    let f = samples::busy().figures;
    let d = findings(&tables_with(
        &f,
        &[
            (CellId::T3(0, 6), Cell::Number(400.0)),
            (CellId::T3(23, 0), Cell::Formula("=SUM(E28:E48)", "300")),
        ],
    ));
    assert!(one(&d, "R-T3-3")
        .message
        .contains("填的是 400，但六类申请人之和为 393"));
    assert!(one(&d, "R-T3-2").message.contains("填的是 300"));
}

#[test]
fn unnumbered_labels_without_merges_and_without_the_total_row_read() {
    let st = read_as("测试.xlsx", &custom(&t3_rows(), |_| {})).expect("reads");
    assert_eq!(st.figures.t3[0], [1, 1, 1, 1, 1, 1, 6]);
    assert_eq!(st.figures.t3[23], [1, 1, 1, 1, 1, 1, 6]);
    assert!(st.diagnostics.iter().any(|d| d.id == "READ-TOTAL-MISSING"));
}

#[test]
fn a_single_other_row_counts_as_other_with_a_warning() {
    let mut rows: Vec<(&str, u64)> = t3_rows();
    rows.retain(|(l, _)| {
        !l.contains("申请人无正当理由") && !l.contains("逾期未按") && *l != "3.其他"
    });
    rows.insert(20, ("（六）其他处理", 2));
    rows[0].1 = 3;
    let st = read_as("测试.xlsx", &custom(&rows, |_| {})).expect("reads");
    assert_eq!(st.figures.t3[22][0], 2);
    assert_eq!(st.figures.t3[20][0], 0);
    let d = st
        .diagnostics
        .iter()
        .find(|d| d.id == "READ-DEVIATION")
        .expect("warned");
    assert!(d.message.contains("（六）其他处理") && d.message.contains("3.其他"));
    assert_eq!(d.cells, vec![format!("Sheet1!A{}", T3_AT.0 + 3 + 20 + 1)]);
}

#[test]
fn the_old_name_of_normative_documents_reads_with_a_warning() {
    let bytes = custom(&t3_rows(), |ws| {
        // Overwrite the 行政规范性文件 label of table 二 with its 2019 name.
        let (r, c) = Table::T2.layout().position(CellId::T2(3)).expect("placed");
        ws.write_string(T2_AT.0 + r as u32, T2_AT.1 + c as u16 - 1, "规范性文件")
            .expect("write");
        ws.write_number(T2_AT.0 + r as u32, T2_AT.1 + c as u16, 7.0)
            .expect("write");
    });
    let st = read_as("测试.xlsx", &bytes).expect("reads");
    assert_eq!(st.figures.t2[3], 7);
    let d = st
        .diagnostics
        .iter()
        .find(|d| d.id == "READ-DEVIATION")
        .expect("warned");
    assert!(d.message.contains("规范性文件"));
}

#[test]
fn rows_out_of_order_read_by_label_with_a_warning() {
    let mut rows = t3_rows();
    rows.swap(5, 9);
    rows.swap(0, 1);
    let st = read_as("测试.xlsx", &custom(&rows, |_| {})).expect("reads");
    assert_eq!(st.figures.t3[0][0], 1);
    assert!(st.diagnostics.iter().any(|d| d.id == "READ-ROW-ORDER"));
}

#[test]
fn missing_and_duplicated_rows_and_tables_are_errors() {
    let mut rows = t3_rows();
    rows.remove(7);
    let d = invalid(&custom(&rows, |_| {}));
    assert!(one(&d, "READ-ROW-MISSING")
        .message
        .contains("4.保护第三方合法权益"));

    // A row twice with different figures: which one? An error naming both rows.
    let mut rows = t3_rows();
    rows.insert(8, (rows[7].0, 3));
    let d = invalid(&custom(&rows, |_| {}));
    let hit = one(&d, "READ-ROW-DUPLICATE");
    assert_eq!(hit.cells.len(), 2, "{hit:?}");
    assert!(hit.message.contains("数字不同"), "{}", hit.message);
    // The same row twice with the same figures: read, with a warning naming both.
    let mut rows = t3_rows();
    rows.insert(8, rows[7]);
    let st = read_as("测试.xlsx", &custom(&rows, |_| {})).expect("reads");
    let hit = one(&st.diagnostics, "READ-ROW-DUPLICATE");
    assert_eq!((hit.severity, hit.cells.len()), (Severity::Warning, 2));

    // Two tables 三: with different figures an error, with the same figures a warning.
    let other: Vec<(&str, u64)> = t3_rows().into_iter().map(|(l, v)| (l, v * 2)).collect();
    let d = invalid(&custom(&t3_rows(), |ws| custom_t3(ws, 90, &other)));
    let hit = one(&d, "READ-TABLE-DUPLICATE");
    assert!(hit.message.contains("2 张表三") && hit.message.contains("数字不同"));
    let st = read_as(
        "测试.xlsx",
        &custom(&t3_rows(), |ws| custom_t3(ws, 90, &t3_rows())),
    )
    .expect("reads");
    assert_eq!(
        one(&st.diagnostics, "READ-TABLE-DUPLICATE").severity,
        Severity::Warning
    );
    assert_eq!(st.figures.t3[0], [1, 1, 1, 1, 1, 1, 6]);
}

#[test]
fn a_workbook_without_tables_is_invalid() {
    let mut wb = Workbook::new();
    wb.add_worksheet()
        .write_string(0, 0, "你好")
        .expect("write");
    let d = invalid(&wb.save_to_buffer().expect("workbook"));
    assert_eq!(d[0].id, "READ-NO-TABLE");
}

#[test]
fn the_2019_layout_is_rejected_naming_its_labels() {
    let d = invalid(&layout_2019());
    let hit = one(&d, "R-X-2");
    for label in [
        "本年新制作数量",
        "对外公开总数量",
        "上一年项目数量",
        "第二十条第（九）项",
    ] {
        assert!(hit.message.contains(label), "{}", hit.message);
    }
    assert!(hit.message.contains("2019") && hit.message.contains("无法换算"));
}

#[test]
fn hidden_sheets_are_skipped_with_a_warning() {
    let f = samples::busy().figures;
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    info(ws);
    paste_table_with(ws, Table::T2, T2_AT, &f, Paste::PLAIN, &[]);
    paste_table_with(ws, Table::T3, T3_AT, &f, Paste::PLAIN, &[]);
    paste_table_with(ws, Table::T4, T4_AT, &f, Paste::PLAIN, &[]);
    let old = wb.add_worksheet().set_name("去年").expect("name");
    paste_table_with(
        old,
        Table::T3,
        T3_AT,
        &Figures::default(),
        Paste::PLAIN,
        &[],
    );
    old.set_hidden(true);
    let st = read_as("测试.xlsx", &wb.save_to_buffer().expect("workbook")).expect("reads");
    assert_eq!(st.figures, f);
    assert!(st
        .diagnostics
        .iter()
        .any(|d| d.id == "READ-HIDDEN" && d.message.contains("去年")));
}

// ---------------------------------------------------------------------------------------------
// 报告年度 and 机关名称 from every form a person uses

#[test]
fn the_year_is_read_under_other_labels_and_as_text() {
    for (label, value) in [
        ("报告年度", "2024"),
        ("年度", "2024"),
        ("所属年度", "2024年"),
        ("填报年度", "2024年度"),
        ("统计年度", "２０２４"),
    ] {
        let lines = [("机关名称", "测试局"), (label, value)];
        let st = read_as("测试.xlsx", &with_info(&lines, None, "数据")).expect("reads");
        assert_eq!(st.info.year, Some(2024), "{label} {value}");
        let renamed = st
            .diagnostics
            .iter()
            .any(|d| d.id == "READ-DEVIATION" && d.message.contains(label));
        assert_eq!(
            renamed,
            label != "报告年度",
            "{label}: {:#?}",
            st.diagnostics
        );
    }
    let lines = [("填报单位", "测试局"), ("报告年度", "2024")];
    let st = read_as("测试.xlsx", &with_info(&lines, None, "数据")).expect("reads");
    assert_eq!(st.info.agency, "测试局");
}

#[test]
fn the_year_and_agency_come_from_a_title_row_sheet_or_file_name_with_a_warning() {
    let title = "测试局2024年政府信息公开工作年度报告统计表";
    // From a title row: the year, and the agency too.
    let st = read_as(
        "测试.xlsx",
        &with_info(&[("机关类型", "政府部门")], Some(title), "数据"),
    )
    .expect("reads");
    assert_eq!(
        (st.info.year, st.info.agency.as_str()),
        (Some(2024), "测试局")
    );
    let infos: Vec<&Diagnostic> = st
        .diagnostics
        .iter()
        .filter(|d| d.id == "READ-INFO")
        .collect();
    assert_eq!(infos.len(), 2, "{infos:#?}");
    assert!(infos
        .iter()
        .all(|d| d.message.contains("标题行") && d.cells == ["数据!A1"]));
    // A cell holding only “2024年度”.
    let lines = [("机关名称", "测试局"), ("说明", "2024年度")];
    let st = read_as("测试.xlsx", &with_info(&lines, None, "数据")).expect("reads");
    assert_eq!(st.info.year, Some(2024));
    assert!(st
        .diagnostics
        .iter()
        .any(|d| d.id == "READ-INFO" && d.message.contains("单独一格")));
    // From the sheet name.
    let st = read_as(
        "测试.xlsx",
        &with_info(&[("机关名称", "测试局")], None, "2024年"),
    )
    .expect("reads");
    assert_eq!(st.info.year, Some(2024));
    assert!(st
        .diagnostics
        .iter()
        .any(|d| d.id == "READ-INFO" && d.message.contains("工作表名称")));
    // From the file name, agency and year.
    let st = read_as("测试局-2024.xlsx", &with_info(&[], None, "数据")).expect("reads");
    assert_eq!(
        (st.info.year, st.info.agency.as_str()),
        (Some(2024), "测试局")
    );
    assert!(st
        .diagnostics
        .iter()
        .any(|d| d.id == "READ-INFO" && d.message.contains("文件名")));
    // Nowhere: the year is missing (R-X-3).
    let st = read_as(
        "测试.xlsx",
        &with_info(&[("机关名称", "测试局")], None, "数据"),
    )
    .expect("reads");
    assert!(st
        .diagnostics
        .iter()
        .any(|d| d.id == "R-X-3" && d.is_error()));
}

#[test]
fn two_different_years_in_one_workbook_are_an_error_naming_both_cells() {
    let title = "测试局2024年政府信息公开工作年度报告统计表";
    let lines = [("机关名称", "测试局"), ("报告年度", "2025")];
    let st = read_as("测试.xlsx", &with_info(&lines, Some(title), "数据")).expect("reads");
    let hit = one(&st.diagnostics, "R-X-3");
    assert!(hit.is_error() && hit.message.contains("2025") && hit.message.contains("2024"));
    assert_eq!(hit.cells, ["基本信息!B2", "数据!A1"]);
    // The same year in the title: no finding.
    let title = "测试局2025年政府信息公开工作年度报告统计表";
    let st = read_as("测试.xlsx", &with_info(&lines, Some(title), "数据")).expect("reads");
    assert!(
        st.diagnostics.iter().all(|d| d.id != "R-X-3"),
        "{:#?}",
        st.diagnostics
    );
}

/// README's table of accepted wordings is `format::ALIASES`, row for row.
#[test]
fn readme_lists_every_alias() {
    let mut table = String::from("| written | read as | why |\n|---|---|---|\n");
    for a in report_gen::format::ALIASES {
        table.push_str(&format!("| {} | {} | {} |\n", a.text, a.means, a.note));
    }
    crate::util::readme_part("aliases", &table);
}
