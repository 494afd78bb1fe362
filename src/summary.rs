//! The batch's summary workbook 汇总.xlsx: 总览 (one row per file with its key figures),
//! 问题明细 (every diagnostic), the roll-up of tables 二, 三 and 四, and 未处理的文件 (every
//! entry of the input folder that is not a workbook, with the reason). A batch of several
//! 报告年度 writes one per year ([`Part`]): figures of different years are never added up.

use crate::batch::{Row, Skipped, Status};
use crate::diagnostics::Severity;
use crate::figures::Figures;
use crate::format::{self, CellId};
use crate::layout::Table;
use crate::{appendix, diagnostics, xlsx};

/// The key figures of the 总览 sheet: (column head, cell).
const KEY_FIGURES: [(&str, KeyFigure); 11] = [
    (
        "本年新收",
        KeyFigure::Cell(CellId::T3(format::T3_NEW, format::T3_TOTAL_COL)),
    ),
    (
        "上年结转",
        KeyFigure::Cell(CellId::T3(format::T3_CARRIED_IN, format::T3_TOTAL_COL)),
    ),
    (
        "予以公开",
        KeyFigure::Cell(CellId::T3(format::T3_GRANTED, format::T3_TOTAL_COL)),
    ),
    (
        "部分公开",
        KeyFigure::Cell(CellId::T3(format::T3_PARTIAL, format::T3_TOTAL_COL)),
    ),
    ("不予公开", KeyFigure::Class(2)),
    (
        "（七）总计",
        KeyFigure::Cell(CellId::T3(format::T3_RESULTS_TOTAL, format::T3_TOTAL_COL)),
    ),
    (
        "结转下年度",
        KeyFigure::Cell(CellId::T3(format::T3_CARRIED_FORWARD, format::T3_TOTAL_COL)),
    ),
    (
        "行政复议总计",
        KeyFigure::Cell(CellId::T4(format::T4_REVIEW, format::T4_TOTAL)),
    ),
    ("行政诉讼总计", KeyFigure::Litigation),
    ("行政许可", KeyFigure::T2("licensing")),
    ("行政处罚", KeyFigure::T2("penalty")),
];

#[derive(Debug, Clone, Copy)]
enum KeyFigure {
    Cell(CellId),
    Class(usize),
    Litigation,
    T2(&'static str),
}

impl KeyFigure {
    fn value(self, f: &Figures) -> u64 {
        match self {
            KeyFigure::Cell(id) => f.count(id),
            KeyFigure::Class(i) => format::T3_CLASSES.get(i).map_or(0, |c| {
                c.rows.clone().map(|r| f.t3[r][format::T3_TOTAL_COL]).sum()
            }),
            KeyFigure::Litigation => crate::checks::litigation(f),
            KeyFigure::T2(id) => format::t2_index(id, None).map_or(0, |i| f.count(CellId::T2(i))),
        }
    }
}

/// What one summary workbook covers.
pub struct Part<'a> {
    /// Its rows: the workbooks of its year, and those whose year is unknown.
    pub rows: &'a [&'a Row],
    /// Entries of the input folder that were not processed.
    pub skipped: &'a [Skipped],
    /// Its 报告年度, when known.
    pub year: Option<i32>,
}

/// The cell formats the sheets share.
struct Formats {
    cell: rust_xlsxwriter::Format,
    head: rust_xlsxwriter::Format,
    bad: rust_xlsxwriter::Format,
    warn: rust_xlsxwriter::Format,
}

impl Formats {
    fn new() -> Formats {
        use rust_xlsxwriter::{Color, FormatBorder};
        let cell = xlsx::font_format(&crate::typography::XLSX_TABLE)
            .set_border(FormatBorder::Thin)
            .set_text_wrap();
        Formats {
            head: cell.clone().set_bold().set_background_color("#F2F2F2"),
            bad: cell.clone().set_background_color(Color::RGB(0xFDE2E1)),
            warn: cell.clone().set_background_color(Color::RGB(0xFFF4CE)),
            cell,
        }
    }
}

/// A new workbook with its title, dated 1 January of the year after `year` (no clock time is
/// stored: reruns are byte-identical).
fn new_workbook(
    title: &str,
    year: Option<i32>,
) -> std::result::Result<rust_xlsxwriter::Workbook, rust_xlsxwriter::XlsxError> {
    use rust_xlsxwriter::{DocProperties, ExcelDateTime, Workbook};
    let mut wb = Workbook::new();
    let created = ExcelDateTime::from_ymd(
        year.map_or(2021, |y| (y + 1).clamp(1900, 9999) as u16),
        1,
        1,
    )?;
    wb.set_properties(
        &DocProperties::new()
            .set_title(title)
            .set_creation_datetime(&created),
    );
    Ok(wb)
}

/// The last column of 总览: its head and what it shows for a row.
type LastColumn<'a> = (&'a str, &'a dyn Fn(&Row) -> String);

/// The summary workbook: 总览, 问题明细, the roll-up tables and 未处理的文件.
pub fn workbook(part: &Part<'_>) -> std::result::Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    let mut wb = new_workbook("政府信息公开工作年度报告汇总", part.year)?;
    let rows = part.rows;
    let year = part.year;
    let f = Formats::new();
    let report = |row: &Row| {
        row.report
            .as_ref()
            .and_then(|p| p.file_name())
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default()
    };
    overview(&mut wb, rows, Some(("报告", &report)), &f)?;
    findings(&mut wb, rows, "单元格", &f)?;

    // The roll-up over every agency that passed (errors excluded, even when forced).
    let passed: Vec<&Figures> = rows
        .iter()
        .filter(|r| matches!(r.status, Status::Passed | Status::Warnings))
        .filter_map(|r| r.figures.as_ref())
        .collect();
    let mut total = Figures::default();
    for f in &passed {
        total.add(f);
    }
    let scope = format!("{} 个机关", passed.len());
    for (table, sheet) in [
        (Table::T2, "汇总表二"),
        (Table::T3, "汇总表三"),
        (Table::T4, "汇总表四"),
    ] {
        let title = format!("{}汇总（{scope}）", appendix::title("", year, table));
        appendix::add_table_sheet(&mut wb, sheet, &title, &scope, table, &total)?;
    }

    skipped_sheet(&mut wb, part.skipped, &f)?;
    wb.save_to_buffer()
}

/// The audit's summary workbook 审查结果.xlsx: 总览 (one row per report, with its key figures),
/// 问题明细 (every finding and where it is in the report) and 未处理的文件.
pub fn audit_workbook(
    rows: &[&Row],
    skipped: &[Skipped],
) -> std::result::Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    let mut years = rows.iter().filter_map(|r| r.year);
    let year = years.next().filter(|&y| years.all(|x| x == y));
    let mut wb = new_workbook("政府信息公开工作年度报告审查结果", year)?;
    let f = Formats::new();
    overview(&mut wb, rows, None, &f)?;
    findings(&mut wb, rows, "位置", &f)?;
    skipped_sheet(&mut wb, skipped, &f)?;
    wb.save_to_buffer()
}

/// 总览: one row per file with its status, counts and key figures.
fn overview(
    wb: &mut rust_xlsxwriter::Workbook,
    rows: &[&Row],
    last: Option<LastColumn<'_>>,
    f: &Formats,
) -> std::result::Result<(), rust_xlsxwriter::XlsxError> {
    use rust_xlsxwriter::Format;
    let Formats {
        cell,
        head,
        bad,
        warn,
    } = f;
    let count = |f: &Format| f.clone().set_num_format(xlsx::COUNT_FORMAT);
    let ws = wb.add_worksheet().set_name("总览")?;
    let mut heads = vec!["文件", "机关名称", "年度", "状态", "错误", "警告"];
    heads.extend(KEY_FIGURES.iter().map(|(h, _)| *h));
    heads.extend(last.as_ref().map(|(h, _)| *h));
    for (c, h) in heads.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, *h, head)?;
        let width = match c {
            0 | 1 => 34.0,
            c if last.is_some() && c == heads.len() - 1 => 46.0,
            _ => 10.0,
        };
        ws.set_column_width(c as u16, width)?;
    }
    for (i, row) in rows.iter().enumerate() {
        let r = i as u32 + 1;
        let fmt = match row.status {
            Status::Errors | Status::Unreadable => bad,
            Status::Warnings => warn,
            Status::Passed => cell,
        };
        let (errors, warnings) = diagnostics::counts(&row.diagnostics);
        ws.write_string_with_format(
            r,
            0,
            xlsx::clip(&crate::files::display(&row.file), xlsx::MAX_CELL_TEXT),
            fmt,
        )?;
        ws.write_string_with_format(r, 1, xlsx::clip(&row.agency, xlsx::MAX_CELL_TEXT), fmt)?;
        match row.year {
            Some(y) => ws.write_number_with_format(r, 2, f64::from(y), &count(fmt))?,
            None => ws.write_blank(r, 2, fmt)?,
        };
        ws.write_string_with_format(r, 3, row.status.label(), fmt)?;
        ws.write_number_with_format(r, 4, errors as f64, &count(fmt))?;
        ws.write_number_with_format(r, 5, warnings as f64, &count(fmt))?;
        for (k, (_, key)) in KEY_FIGURES.iter().enumerate() {
            let c = 6 + k as u16;
            match &row.figures {
                Some(f) => ws.write_number_with_format(r, c, key.value(f) as f64, &count(fmt))?,
                None => ws.write_blank(r, c, fmt)?,
            };
        }
        if let Some((_, value)) = &last {
            ws.write_string_with_format(r, heads.len() as u16 - 1, value(row), fmt)?;
        }
    }
    ws.set_freeze_panes(1, 2)?;
    ws.autofilter(0, 0, rows.len() as u32, heads.len() as u16 - 1)?;
    Ok(())
}

/// 问题明细: every diagnostic of every file; `cells_head` names the column of positions.
fn findings(
    wb: &mut rust_xlsxwriter::Workbook,
    rows: &[&Row],
    cells_head: &str,
    f: &Formats,
) -> std::result::Result<(), rust_xlsxwriter::XlsxError> {
    let ws = wb.add_worksheet().set_name("问题明细")?;
    let heads = ["文件", "机关名称", "编号", "严重程度", "说明", cells_head];
    let widths = [34.0, 30.0, 16.0, 10.0, 80.0, 40.0];
    for (c, (h, w)) in heads.iter().zip(widths).enumerate() {
        ws.write_string_with_format(0, c as u16, *h, &f.head)?;
        ws.set_column_width(c as u16, w)?;
    }
    let mut r = 1;
    for row in rows {
        for d in &row.diagnostics {
            let fmt = if d.severity == Severity::Error {
                &f.bad
            } else {
                &f.cell
            };
            ws.write_string_with_format(
                r,
                0,
                xlsx::clip(&crate::files::display(&row.file), xlsx::MAX_CELL_TEXT),
                fmt,
            )?;
            ws.write_string_with_format(r, 1, xlsx::clip(&row.agency, xlsx::MAX_CELL_TEXT), fmt)?;
            ws.write_string_with_format(r, 2, d.id, fmt)?;
            ws.write_string_with_format(r, 3, d.severity.label(), fmt)?;
            ws.write_string_with_format(r, 4, xlsx::clip(&d.message, xlsx::MAX_CELL_TEXT), fmt)?;
            ws.write_string_with_format(
                r,
                5,
                xlsx::clip(&crate::diagnostics::list(&d.cells), xlsx::MAX_CELL_TEXT),
                fmt,
            )?;
            r += 1;
        }
    }
    ws.set_freeze_panes(1, 0)?;
    ws.autofilter(0, 0, r.saturating_sub(1).max(1), heads.len() as u16 - 1)?;
    Ok(())
}

/// 未处理的文件: every entry of the input folder that was not processed, with the reason.
fn skipped_sheet(
    wb: &mut rust_xlsxwriter::Workbook,
    skipped: &[Skipped],
    f: &Formats,
) -> std::result::Result<(), rust_xlsxwriter::XlsxError> {
    let ws = wb.add_worksheet().set_name("未处理的文件")?;
    for (c, (h, w)) in [("文件", 40.0), ("原因", 90.0)].into_iter().enumerate() {
        ws.write_string_with_format(0, c as u16, h, &f.head)?;
        ws.set_column_width(c as u16, w)?;
    }
    for (i, skipped) in skipped.iter().enumerate() {
        let r = i as u32 + 1;
        let file = crate::files::display(&skipped.file);
        ws.write_string_with_format(r, 0, xlsx::clip(&file, xlsx::MAX_CELL_TEXT), &f.cell)?;
        ws.write_string_with_format(
            r,
            1,
            xlsx::clip(&skipped.reason, xlsx::MAX_CELL_TEXT),
            &f.cell,
        )?;
    }
    ws.set_freeze_panes(1, 0)?;
    Ok(())
}
