//! The statistics workbook an office hands to its agencies (`report-gen init`), blank or filled.
//!
//! Sheets: 基本信息, the three tables laid out like the official ones (inputs validated and
//! unlocked, totals and the 勾稽 check row as locked formulas with cached values, sheets
//! protected without a password), and 报告正文 for the agency's own text. The reader reads it
//! back by its labels like any other workbook.

use crate::figures::Figures;
use crate::format::{
    self, CellId, FieldKind, OVERVIEW_PARTS, SECTIONS, SECTION_OTHER, SECTION_OVERVIEW,
    SECTION_PROBLEMS,
};
use crate::layout::{Layout, Table};
use crate::statement::{Part, Statement};
use crate::xlsx::{self, Formats, Placement};
use rust_xlsxwriter::{
    DataValidation, DataValidationErrorStyle, DataValidationRule, DocProperties, ExcelDateTime,
    FormatAlign, FormatBorder, Workbook, Worksheet, XlsxError,
};

/// Sheet names of the workbook `init` writes.
pub const SHEET_INFO: &str = "基本信息";
/// Sheet of table 二.
pub const SHEET_T2: &str = "主动公开";
/// Sheet of table 三.
pub const SHEET_T3: &str = "依申请公开";
/// Sheet of table 四.
pub const SHEET_T4: &str = "复议诉讼";
/// Sheet of the agency's own text.
pub const SHEET_TEXT: &str = "报告正文";

/// First row of each table on its sheet (after the title and the instructions).
const TABLE_TOP: u32 = 3;
/// Largest count the validation accepts (the reader rejects more).
const MAX_INPUT: i32 = 1_000_000_000;

/// A blank statement: agency and year if given, the standard parts of 一、总体情况 as empty
/// sub-headings, and empty rows for 五 and 六.
pub fn blank(agency: Option<&str>, year: Option<i32>) -> Statement {
    let mut st = Statement::default();
    st.info.agency = agency.unwrap_or_default().to_string();
    st.info.year = year;
    st.narrative.sections[SECTION_OVERVIEW] = OVERVIEW_PARTS
        .iter()
        .map(|p| Part {
            heading: Some(p.name.to_string()),
            ..Part::default()
        })
        .collect();
    st.narrative.sections[SECTION_PROBLEMS] = vec![Part::default()];
    st.narrative.sections[SECTION_OTHER] = vec![Part::default()];
    st
}

/// The workbook for a statement, as .xlsx bytes (byte-identical for the same statement).
pub fn workbook(st: &Statement) -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    let created = ExcelDateTime::from_ymd(
        st.info
            .year
            .and_then(|y| u16::try_from(y).ok())
            .unwrap_or(2021),
        1,
        1,
    )?;
    wb.set_properties(
        &DocProperties::new()
            .set_title("政府信息公开工作年度报告统计表")
            .set_author(if st.info.agency.is_empty() {
                "report-gen"
            } else {
                &st.info.agency
            })
            .set_creation_datetime(&created),
    );
    info_sheet(wb.add_worksheet(), st)?;
    let mut figures = st.figures.clone();
    figures.compute_totals();
    for (table, name) in [
        (Table::T2, SHEET_T2),
        (Table::T3, SHEET_T3),
        (Table::T4, SHEET_T4),
    ] {
        table_sheet(wb.add_worksheet(), name, table, &figures)?;
    }
    text_sheet(wb.add_worksheet(), st)?;
    wb.save_to_buffer()
}

fn instructions(
    ws: &mut Worksheet,
    title: &str,
    note: &str,
    cols: u16,
    width: f64,
) -> Result<(), XlsxError> {
    ws.merge_range(0, 0, 0, cols - 1, title, &xlsx::title_format())?;
    ws.set_row_height(0, 28)?;
    xlsx::text_block(ws, 1, (0, cols - 1), note, &xlsx::note_format(), width)?;
    Ok(())
}

fn input_message(dv: DataValidation, message: &str) -> Result<DataValidation, XlsxError> {
    dv.set_input_title("填写说明")?
        .set_input_message(message)?
        .set_error_title("输入有误")?
        .set_error_message(message)
        .map(|d| d.set_error_style(DataValidationErrorStyle::Stop))
}

fn table_sheet(
    ws: &mut Worksheet,
    name: &str,
    table: Table,
    figures: &Figures,
) -> Result<(), XlsxError> {
    ws.set_name(name)?;
    let layout = table.layout();
    let widths: f64 = xlsx::column_widths(&layout, figures).iter().sum();
    let note = match table {
        Table::T2 => "说明：黄色单元格填写本年度数字，没有的填 0。件数填整数；行政事业性收费的单位是万元，可填小数。",
        Table::T3 => "说明：黄色单元格按申请人类型填写件数，没有的填 0。灰色的“总计”由公式计算，不必填写。最后一行“勾稽检查”须全部显示“通过”：第一项加第二项之和，等于第三项加第四项之和。",
        Table::T4 => "说明：黄色单元格填写件数，没有的填 0。灰色的“总计”由公式计算，不必填写。",
    };
    instructions(
        ws,
        &format!("{} {}", table.name(), table.title()),
        note,
        layout.cols as u16,
        widths,
    )?;
    let formats = Formats::new(true);
    let placement = xlsx::draw_table(ws, &layout, TABLE_TOP, 0, &formats, figures)?;
    validations(ws, &layout, &placement)?;
    if table == Table::T3 {
        xlsx::balance_row(ws, &placement, figures, &formats)?;
    }
    ws.set_freeze_panes(TABLE_TOP + layout.header_rows as u32, 0)?;
    xlsx::print_setup(ws, table == Table::T4);
    ws.protect();
    Ok(())
}

/// Data validation on every input cell, one rule per run of adjacent cells in a row.
fn validations(
    ws: &mut Worksheet,
    layout: &Layout,
    placement: &Placement,
) -> Result<(), XlsxError> {
    let count = input_message(
        DataValidation::new().allow_whole_number(DataValidationRule::Between(0, MAX_INPUT)),
        "请填写不小于 0 的整数（件数），没有的填 0。",
    )?;
    let wan = input_message(
        DataValidation::new().allow_decimal_number(DataValidationRule::GreaterThanOrEqualTo(0.0)),
        "请填写不小于 0 的金额，单位：万元，可有小数。没有的填 0。",
    )?;
    let mut runs: Vec<(u32, u16, u16, bool)> = Vec::new();
    for p in &layout.cells {
        let crate::layout::Content::Data(id) = p.content else {
            continue;
        };
        if id.is_total() {
            continue;
        }
        let Some(&(r, c)) = placement.cells.get(&id) else {
            continue;
        };
        let is_wan = id == CellId::T2(crate::figures::T2_FEES);
        match runs.last_mut() {
            Some(run) if run.0 == r && run.2 + 1 == c && run.3 == is_wan => run.2 = c,
            _ => runs.push((r, c, c, is_wan)),
        }
    }
    for (r, c0, c1, is_wan) in runs {
        ws.add_data_validation(r, c0, r, c1, if is_wan { &wan } else { &count })?;
    }
    Ok(())
}

/// Column heads of the 基本信息 sheet.
const INFO_HEADS: [&str; 3] = ["项目", "内容", "填写说明"];

/// A sheet of rows under a head row (基本信息, 报告正文): name, column widths, title and
/// instructions, the head row at [`TABLE_TOP`].
fn list_sheet(
    ws: &mut Worksheet,
    name: &str,
    title: &str,
    note: &str,
    heads: &[&str],
    widths: &[f64],
) -> Result<(), XlsxError> {
    ws.set_name(name)?;
    for (i, w) in widths.iter().enumerate() {
        ws.set_column_width(i as u16, *w)?;
    }
    instructions(ws, title, note, heads.len() as u16, widths.iter().sum())?;
    let head = xlsx::font_format(&crate::typography::XLSX_TABLE)
        .set_bold()
        .set_border(FormatBorder::Thin)
        .set_align(FormatAlign::Center)
        .set_background_color("#F2F2F2");
    for (c, h) in heads.iter().enumerate() {
        ws.write_string_with_format(TABLE_TOP, c as u16, *h, &head)?;
    }
    Ok(())
}

fn info_sheet(ws: &mut Worksheet, st: &Statement) -> Result<(), XlsxError> {
    list_sheet(
        ws,
        SHEET_INFO,
        "政府信息公开工作年度报告 基本信息",
        "说明：在“内容”列填写本机关的信息。机关名称、报告年度用于报告标题；联系地址、邮政编码、联系电话和电子版查阅途径写入报告前言；三项信息处理费数字用于报告第六部分。",
        &INFO_HEADS,
        &[22.0, 48.0, 46.0],
    )?;
    let cell = xlsx::font_format(&crate::typography::XLSX_TABLE)
        .set_border(FormatBorder::Thin)
        .set_align(FormatAlign::VerticalCenter)
        .set_text_wrap();
    let value = cell.clone().set_unlocked().set_background_color("#FFFDE7");
    let info = &st.info;
    for (i, field) in format::INFO_FIELDS.iter().enumerate() {
        let r = TABLE_TOP + 1 + i as u32;
        ws.write_string_with_format(r, 0, field.label, &cell)?;
        ws.write_string_with_format(r, 2, field.help, &cell)?;
        let number = |x: f64, f: &str| (Some(x), value.clone().set_num_format(f));
        let (n, fmt) = match field.id {
            "year" => match info.year {
                Some(y) => number(f64::from(y), "0"),
                None => (None, value.clone()),
            },
            "fee_notices" => number(info.fee_notices as f64, "0"),
            "fee_notice_amount" => number(info.fee_notice_amount, "0.00"),
            "fee_collected" => number(info.fee_collected, "0.00"),
            _ => (None, value.clone()),
        };
        let text = match field.id {
            "agency" => info.agency.as_str(),
            "address" => info.address.as_str(),
            "postcode" => info.postcode.as_str(),
            "phone" => info.phone.as_str(),
            "online" => info.online.as_str(),
            "agency_type" => info.agency_type.map_or("", |t| t.label()),
            _ => "",
        };
        match (n, field.id, info.date) {
            (Some(x), ..) => {
                ws.write_number_with_format(r, 1, x, &fmt)?;
            }
            (None, "date", Some(d)) => {
                let (y, m, day) = (
                    u16::try_from(d.year).unwrap_or(2021),
                    d.month as u8,
                    d.day as u8,
                );
                let date = ExcelDateTime::from_ymd(y, m, day)?;
                ws.write_datetime_with_format(
                    r,
                    1,
                    &date,
                    &value.clone().set_num_format("yyyy\"年\"m\"月\"d\"日\""),
                )?;
            }
            (None, ..) if text.is_empty() => {
                ws.write_blank(r, 1, &value)?;
            }
            (None, ..) => {
                // Always a string, never a formula, even when the text starts with “=”.
                ws.write_string_with_format(r, 1, text, &value)?;
            }
        }
        let dv = match field.kind {
            FieldKind::Year => Some(input_message(
                DataValidation::new().allow_whole_number(DataValidationRule::Between(
                    crate::checks::FIRST_YEAR,
                    2100,
                )),
                "四位数字年份，例如 2025。",
            )?),
            FieldKind::AgencyType => Some(input_message(
                DataValidation::new().allow_list_strings(&format::AGENCY_TYPES)?,
                "从下拉列表选择：人民政府 或 政府部门。",
            )?),
            FieldKind::Count => Some(input_message(
                DataValidation::new().allow_whole_number(DataValidationRule::Between(0, MAX_INPUT)),
                "请填写不小于 0 的整数，没有的填 0。",
            )?),
            FieldKind::Yuan => Some(input_message(
                DataValidation::new()
                    .allow_decimal_number(DataValidationRule::GreaterThanOrEqualTo(0.0)),
                "请填写不小于 0 的金额，单位：元。没有的填 0。",
            )?),
            FieldKind::Text | FieldKind::Date => None,
        };
        if let Some(dv) = dv {
            ws.add_data_validation(r, 1, r, 1, &dv)?;
        }
        ws.set_row_height(r, 22)?;
    }
    xlsx::print_setup(ws, true);
    ws.protect();
    Ok(())
}

fn text_sheet(ws: &mut Worksheet, st: &Statement) -> Result<(), XlsxError> {
    list_sheet(
        ws,
        SHEET_TEXT,
        "政府信息公开工作年度报告 报告正文",
        "说明：每行一段内容，行的顺序就是报告中的顺序。“章节”从下拉列表选择；“小标题”只写标题文字，（一）（二）等序号由程序自动编排；“正文”单元格内换行（Alt+Enter）即分段。小标题留空的行接在上一行之后。二、三、四部分由统计表自动生成，不在此填写。",
        &format::NARRATIVE_HEADS,
        &[26.0, 30.0, 90.0],
    )?;
    let cell = xlsx::font_format(&crate::typography::XLSX_TABLE)
        .set_border(FormatBorder::Thin)
        .set_align(FormatAlign::Top)
        .set_text_wrap();
    let mut r = TABLE_TOP + 1;
    for (s, section) in SECTIONS.iter().enumerate().filter(|(_, s)| s.narrative) {
        for part in &st.narrative.sections[s] {
            ws.write_string_with_format(r, 0, section.heading, &cell)?;
            let heading = part.heading.as_deref().unwrap_or("");
            ws.write_string_with_format(r, 1, heading, &cell)?;
            let body = part.paragraphs.join("\n");
            ws.write_string_with_format(r, 2, &body, &cell)?;
            let lines: f64 = part
                .paragraphs
                .iter()
                .map(|p| {
                    (unicode_width::UnicodeWidthStr::width_cjk(p.as_str()) as f64 / 88.0)
                        .ceil()
                        .max(1.0)
                })
                .sum::<f64>()
                .max(1.0);
            ws.set_row_height(r, (lines * 14.5 + 6.0).min(409.0))?;
            r += 1;
        }
    }
    // Room for more rows, with the same borders and the section list.
    let last = r + 20;
    for row in r..last {
        for c in 0..3 {
            ws.write_blank(row, c, &cell)?;
        }
    }
    let sections: Vec<&str> = SECTIONS
        .iter()
        .filter(|s| s.narrative)
        .map(|s| s.heading)
        .collect();
    let dv = input_message(
        DataValidation::new().allow_list_strings(&sections)?,
        "从下拉列表选择本行所属的章节。",
    )?;
    ws.add_data_validation(TABLE_TOP + 1, 0, last, 0, &dv)?;
    ws.set_freeze_panes(TABLE_TOP + 1, 0)?;
    xlsx::print_setup(ws, true);
    Ok(())
}
