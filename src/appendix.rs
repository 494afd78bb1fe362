//! The Excel appendix (附表) of a report: the three official tables with their figures and
//! working formulas, and a 校验 sheet with the outcome of every check.
//!
//! Each table sheet is drawn by [`crate::xlsx`] from the same grid as the Word tables, so the
//! merges agree. Inputs are numbers, totals are `=SUM(...)` formulas whose cached result is the
//! computed figure (viewers that do not recalculate show the right number), and text from the
//! agency's workbook is always written as a string. Nothing reads the clock: the same statement
//! gives the same bytes.

use crate::diagnostics::{self, CellRef, Diagnostic, Severity};
use crate::figures::Figures;
use crate::layout::Table;
use crate::rules::{self, Rule};
use crate::statement::{Info, Statement};
use crate::typography::{XLSX_NOTE, XLSX_TABLE};
use crate::xlsx::{self, Formats, Placement, MAX_CELL_TEXT};
use rust_xlsxwriter::{
    DocProperties, ExcelDateTime, Format, FormatAlign, FormatBorder, Workbook, XlsxError,
};
use unicode_width::UnicodeWidthStr;

/// The table sheets of the appendix, in report order, with their sheet names.
pub const TABLE_SHEETS: [(Table, &str); 3] = [
    (Table::T2, "表二 主动公开"),
    (Table::T3, "表三 依申请公开"),
    (Table::T4, "表四 复议诉讼"),
];
/// The sheet listing every check.
pub const SHEET_CHECKS: &str = "校验";
/// First sheet row of each table (row 0 is the title, row 1 a gap).
pub const TABLE_TOP: u32 = 2;
/// Column heads of the 校验 sheet.
pub const CHECK_HEADS: [&str; 5] = ["编号", "规则", "结果", "涉及单元格（统计表）", "说明"];
/// First data row of the 校验 sheet (title, summary, column heads above it).
pub const CHECKS_TOP: u32 = 3;

/// Creation date when the statement has neither 成文日期 nor a report year.
const FALLBACK_CREATED: (u16, u8, u8) = (2022, 1, 1);
/// Widths of the 校验 columns, Excel units.
const CHECK_WIDTHS: [f64; 5] = [24.0, 46.0, 9.0, 30.0, 64.0];
/// Line height of the 校验 sheet's text, points.
const CHECK_LINE_PT: f64 = 14.5;
/// Excel's tallest row, points.
const MAX_ROW_PT: f64 = 409.0;

/// The Excel appendix of a statement: the three official tables with working formulas and the
/// 校验 sheet (`previous`: whether last year's workbook was compared).
pub fn workbook(
    st: &Statement,
    diagnostics: &[Diagnostic],
    previous: bool,
) -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    // The batch writes one per agency: fast compression (the file is a few KB larger).
    wb.set_zip_compression_level(1);
    wb.set_properties(&properties(&st.info)?);
    for (table, sheet) in TABLE_SHEETS {
        let title = title(&st.info.agency, st.info.year, table);
        add_table_sheet(&mut wb, sheet, &title, &st.info.agency, table, &st.figures)?;
    }
    add_checks_sheet(&mut wb, &st.info, diagnostics, previous)?;
    wb.save_to_buffer()
}

/// The title of a table sheet: 机关名称 + YYYY年 + the table's name, e.g.
/// 伊美区教育局2025年主动公开政府信息情况.
pub fn title(agency: &str, year: Option<i32>, table: Table) -> String {
    let year = year.map(|y| format!("{y}年")).unwrap_or_default();
    format!("{}{year}{}", agency.trim(), table.title())
}

/// Adds one official table as its own sheet (title row, table, print setup) to any workbook:
/// the batch roll-up calls this with summed figures. `header` is the left part of the printed
/// page header (the agency, or the district of a roll-up). Totals are recomputed from their
/// parts, so each formula's cached result always equals its sum. Returns where the table was
/// drawn; under table 三 the 勾稽 check row is the row after `bottom`.
pub fn add_table_sheet(
    wb: &mut Workbook,
    sheet: &str,
    title: &str,
    header: &str,
    table: Table,
    figures: &Figures,
) -> Result<Placement, XlsxError> {
    let mut figures = figures.clone();
    figures.compute_totals();
    let ws = wb.add_worksheet();
    ws.set_name(sheet)?;
    let layout = table.layout();
    let width: f64 = xlsx::column_widths(&layout, &figures).iter().sum();
    let right = layout.cols.saturating_sub(1) as u16;
    xlsx::title_row(ws, 0, (0, right), title, width)?;
    ws.set_row_height(1, 6)?;
    let formats = Formats::new(false);
    let placement = xlsx::draw_table(ws, &layout, TABLE_TOP, 0, &formats, &figures)?;
    let last = if table == Table::T3 {
        xlsx::balance_row(ws, &placement, &figures, &formats)?
    } else {
        placement.bottom
    };
    let header_end = TABLE_TOP + layout.header_rows as u32;
    ws.set_freeze_panes(header_end, 0)?;
    // A table wider than a portrait page (表四, fifteen columns) reads better across.
    xlsx::print_setup(ws, table == Table::T4);
    ws.set_print_area(0, 0, last, placement.right)?;
    if layout.header_rows > 0 {
        ws.set_repeat_rows(TABLE_TOP, header_end - 1)?;
    }
    xlsx::page_header_footer(ws, header, &format!("{} {}", table.name(), table.title()));
    Ok(placement)
}

/// The outcome of one rule in the 校验 sheet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Nothing found.
    Pass,
    /// At least one error.
    Fail,
    /// Only warnings.
    Warning,
    /// Not checked: the rule needs last year's workbook, and none was given.
    NotChecked,
}

impl Outcome {
    /// The word the 校验 sheet shows: 通过, 不通过 or 警告.
    pub fn label(self) -> &'static str {
        match self {
            Outcome::Pass => "通过",
            Outcome::Fail => "不通过",
            Outcome::Warning => "警告",
            Outcome::NotChecked => "未核对",
        }
    }
}

/// One row of the 校验 sheet.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckRow {
    /// The rule.
    pub rule: &'static Rule,
    /// 通过, 不通过, 警告 or 未核对.
    pub outcome: Outcome,
    /// The cells involved, each once, in the order found.
    pub cells: Vec<CellRef>,
    /// The messages, in the order found.
    pub messages: Vec<String>,
}

/// Every rule of [`rules::ALL`] with its outcome. Without last year's workbook (`previous`
/// false) the rules that need it are 未核对.
pub fn check_rows(diagnostics: &[Diagnostic], previous: bool) -> Vec<CheckRow> {
    rules::ALL
        .iter()
        .map(|&rule| {
            let found: Vec<&Diagnostic> = diagnostics.iter().filter(|d| d.id == rule.id).collect();
            let outcome = if found.iter().any(|d| d.severity == Severity::Error) {
                Outcome::Fail
            } else if found.is_empty() && !previous && rule.needs_previous() {
                Outcome::NotChecked
            } else if found.is_empty() {
                Outcome::Pass
            } else {
                Outcome::Warning
            };
            let mut cells: Vec<CellRef> = Vec::new();
            for c in found.iter().flat_map(|d| &d.cells) {
                if !cells.contains(c) {
                    cells.push(c.clone());
                }
            }
            CheckRow {
                rule,
                outcome,
                cells,
                messages: found.iter().map(|d| d.message.clone()).collect(),
            }
        })
        .collect()
}

/// Document properties: title, author = 机关名称, created on 成文日期 (or 1 January after the
/// report year), never the clock, so reruns are byte-identical.
fn properties(info: &Info) -> Result<DocProperties, XlsxError> {
    let agency = info.agency.trim();
    let year = info.year.map(|y| format!("{y}年")).unwrap_or_default();
    let ymd = info
        .date
        .map(|d| (d.year, d.month, d.day))
        .or_else(|| info.year.map(|y| (y.saturating_add(1), 1, 1)));
    // A date Excel cannot hold (before 1900) falls back rather than failing the appendix.
    let created = match ymd.and_then(|(y, m, d)| {
        ExcelDateTime::from_ymd(
            u16::try_from(y).ok()?,
            u8::try_from(m).ok()?,
            u8::try_from(d).ok()?,
        )
        .ok()
    }) {
        Some(date) => date,
        None => {
            let (y, m, d) = FALLBACK_CREATED;
            ExcelDateTime::from_ymd(y, m, d)?
        }
    };
    Ok(DocProperties::new()
        .set_title(format!("{agency}{year}政府信息公开工作年度报告附表"))
        .set_subject("政府信息公开工作年度报告统计表")
        .set_author(if agency.is_empty() {
            "report-gen"
        } else {
            agency
        })
        .set_creation_datetime(&created))
}

/// The 校验 sheet: one row per rule (id, rule in words, result, cells, messages), with a
/// summary line, a frozen header row and an autofilter.
fn add_checks_sheet(
    wb: &mut Workbook,
    info: &Info,
    diagnostics: &[Diagnostic],
    previous: bool,
) -> Result<(), XlsxError> {
    let rows = check_rows(diagnostics, previous);
    let ws = wb.add_worksheet();
    ws.set_name(SHEET_CHECKS)?;
    for (c, w) in CHECK_WIDTHS.iter().enumerate() {
        ws.set_column_width(c as u16, *w)?;
    }
    let last_col = CHECK_WIDTHS.len() as u16 - 1;
    let width: f64 = CHECK_WIDTHS.iter().sum();
    let year = info.year.map(|y| format!("{y}年")).unwrap_or_default();
    xlsx::title_row(
        ws,
        0,
        (0, last_col),
        &format!("{}{year}统计表校验结果", info.agency.trim()),
        width,
    )?;
    let count = |o: Outcome| rows.iter().filter(|r| r.outcome == o).count();
    let not_checked = match count(Outcome::NotChecked) {
        0 => String::new(),
        n => format!("，未核对 {n} 项（没有提供上一年度统计表）"),
    };
    let summary = format!(
        "共 {} 项规则：通过 {} 项，不通过 {} 项，警告 {} 项{not_checked}。“不通过”须改正统计表后重新生成；“警告”请逐项核对。",
        rows.len(),
        count(Outcome::Pass),
        count(Outcome::Fail),
        count(Outcome::Warning)
    );
    let note = xlsx::font_format(&XLSX_NOTE)
        .set_text_wrap()
        .set_align(FormatAlign::Left)
        .set_align(FormatAlign::VerticalCenter);
    xlsx::text_block(ws, 1, (0, last_col), &summary, &note, width)?;

    let cell = xlsx::font_format(&XLSX_TABLE)
        .set_border(FormatBorder::Thin)
        .set_align(FormatAlign::VerticalCenter)
        .set_text_wrap();
    let head = cell
        .clone()
        .set_bold()
        .set_align(FormatAlign::Center)
        .set_align(FormatAlign::VerticalCenter)
        .set_background_color("#F2F2F2");
    let head_row = CHECKS_TOP - 1;
    for (c, h) in CHECK_HEADS.iter().enumerate() {
        ws.write_string_with_format(head_row, c as u16, *h, &head)?;
    }
    ws.set_row_height(head_row, 22)?;
    let outcome_format = |o: Outcome| -> Format {
        // Excel's own 好/差/适中 cell styles.
        let (font, fill) = match o {
            Outcome::Pass => ("#006100", "#C6EFCE"),
            Outcome::Fail => ("#9C0006", "#FFC7CE"),
            Outcome::Warning => ("#9C5700", "#FFEB9C"),
            Outcome::NotChecked => ("#595959", "#EDEDED"),
        };
        cell.clone()
            .set_bold()
            .set_align(FormatAlign::Center)
            .set_font_color(font)
            .set_background_color(fill)
    };

    let mut r = CHECKS_TOP;
    for row in &rows {
        let messages = match row.messages.as_slice() {
            [one] => one.clone(),
            many => many
                .iter()
                .enumerate()
                .map(|(i, m)| format!("{}. {m}", i + 1))
                .collect::<Vec<_>>()
                .join("\n"),
        };
        let texts = [
            row.rule.id,
            row.rule.words,
            row.outcome.label(),
            &diagnostics::list(&row.cells),
            &messages,
        ];
        let mut lines = 1.0_f64;
        for (c, text) in texts.iter().enumerate() {
            let text = xlsx::clip(text, MAX_CELL_TEXT);
            let fmt = if c == 2 {
                outcome_format(row.outcome)
            } else {
                cell.clone()
            };
            // Always strings: messages quote what the agency typed, which may start with “=”.
            ws.write_string_with_format(r, c as u16, &*text, &fmt)?;
            let w = CHECK_WIDTHS.get(c).copied().unwrap_or(10.0);
            lines = lines.max(wrapped_lines(&text, w));
        }
        ws.set_row_height(r, (lines * CHECK_LINE_PT + 4.0).min(MAX_ROW_PT))?;
        r += 1;
    }
    let last_row = r.saturating_sub(1).max(head_row);
    ws.set_freeze_panes(CHECKS_TOP, 0)?;
    ws.autofilter(head_row, 0, last_row, last_col)?;
    xlsx::print_setup(ws, true);
    ws.set_repeat_rows(head_row, head_row)?;
    ws.set_print_area(0, 0, last_row, last_col)?;
    xlsx::page_header_footer(ws, &info.agency, SHEET_CHECKS);
    Ok(())
}

/// Lines `text` takes in a wrapped column `width` Excel units wide (a Chinese character is two
/// display columns, about 2.2 units).
fn wrapped_lines(text: &str, width: f64) -> f64 {
    let per_line = ((width - 1.5) / 1.1).max(1.0);
    text.split('\n')
        .map(|l| (l.width_cjk() as f64 / per_line).ceil().max(1.0))
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_rule_gets_a_row_with_its_outcome() {
        let (d7, d8) = (CellRef::new("S", 6, 3), CellRef::new("S", 7, 3));
        let d = vec![
            rules::R_T3_7.warning("多").at([CellRef::new("S", 0, 0)]),
            rules::R_T2_1.error("一").at([&d7, &d8]),
            rules::R_T2_1.warning("二").at([&d8]),
        ];
        let rows = check_rows(&d, true);
        assert_eq!(rows.len(), rules::ALL.len());
        let get = |id: &str| rows.iter().find(|r| r.rule.id == id).cloned();
        let balance = get("R-T2-1");
        assert_eq!(balance.as_ref().map(|r| r.outcome), Some(Outcome::Fail));
        assert_eq!(
            balance.map(|r| (r.cells, r.messages)),
            Some((vec![d7, d8], vec!["一".to_string(), "二".to_string()]))
        );
        assert_eq!(get("R-T3-7").map(|r| r.outcome), Some(Outcome::Warning));
        assert_eq!(get("R-T3-2").map(|r| r.outcome), Some(Outcome::Pass));
        assert_eq!(get("R-X-5").map(|r| r.outcome), Some(Outcome::Pass));
        // Without last year's workbook its rules were not checked, unless one found something.
        let rows = check_rows(&d, false);
        for r in &rows {
            if r.rule.needs_previous() {
                assert_eq!(r.outcome, Outcome::NotChecked, "{}", r.rule.id);
            }
        }
        let get = |id: &str| rows.iter().find(|r| r.rule.id == id).map(|r| r.outcome);
        assert_eq!(get("R-T3-2"), Some(Outcome::Pass));
        let found = [rules::R_X_5.warning("雷同")];
        let rows = check_rows(&found, false);
        assert_eq!(
            rows.iter()
                .find(|r| r.rule.id == "R-X-5")
                .map(|r| r.outcome),
            Some(Outcome::Warning)
        );
    }

    #[test]
    fn titles_name_agency_year_and_table() {
        assert_eq!(
            title("伊美区教育局", Some(2025), Table::T2),
            "伊美区教育局2025年主动公开政府信息情况"
        );
        assert_eq!(title("", None, Table::T4), Table::T4.title());
    }

    #[test]
    fn wrapped_lines_count_chinese_as_two() {
        assert_eq!(wrapped_lines("通过", 9.0), 1.0);
        assert_eq!(wrapped_lines(&"字".repeat(20), 23.5), 2.0);
        assert_eq!(wrapped_lines("a\nb", 9.0), 2.0);
    }
}
