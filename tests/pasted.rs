//! Workbooks into which an office pasted the official tables: any sheet names, any position,
//! merged or unmerged labels, labels split over lines and cells, halfwidth punctuation,
//! numbered prefixes, numbers stored as text. They must read to the same figures as the `init`
//! workbook holding the same data.

use crate::util::samples;
use crate::util::{run, Dir};
use report_gen::diagnostics::Diagnostic;
use report_gen::figures::Figures;
use report_gen::format::CellId;
use report_gen::layout::{Content, Table};
use report_gen::statement::Statement;
use rust_xlsxwriter::{Format, Workbook, Worksheet};
use serde_json::Value;

/// How a table was pasted.
#[derive(Clone, Copy)]
pub struct Paste {
    /// Keep the merged cells of the Word table.
    pub merges: bool,
    /// Halfwidth punctuation, spaces and line breaks inside labels, “1、” numbering.
    pub messy_labels: bool,
    /// Split the long table-三 column heads over two rows (“社会公益” / “组织”).
    pub split_heads: bool,
    /// Write figures as text (“１２”, “ 3 ”, “1,234”).
    pub text_numbers: bool,
}

impl Paste {
    /// Everything at once.
    pub const MESSY: Paste = Paste {
        merges: true,
        messy_labels: true,
        split_heads: true,
        text_numbers: true,
    };
    /// Values only, as when a Word table is pasted as plain text.
    pub const PLAIN: Paste = Paste {
        merges: false,
        messy_labels: false,
        split_heads: false,
        text_numbers: false,
    };
}

/// A label as a careless paste would show it.
fn mess(label: &str, i: usize) -> String {
    let mut s: String = label
        .replace('（', "(")
        .replace('）', ")")
        .replace('，', ", ")
        .replace('：', ":");
    if let Some(rest) = s.strip_prefix(|c: char| c.is_ascii_digit()) {
        if let Some(tail) = rest.strip_prefix('.') {
            let digit = label.chars().next().unwrap_or('1');
            s = format!("{digit}、{tail}");
        }
    }
    let chars: Vec<char> = s.chars().collect();
    if chars.len() >= 4 {
        let mid = chars.len() / 2;
        let sep = if i.is_multiple_of(2) { "\n" } else { " " };
        s = format!(
            "{}{sep}{}",
            chars[..mid].iter().collect::<String>(),
            chars[mid..].iter().collect::<String>()
        );
    }
    format!(" {s} ")
}

fn number_text(n: f64, i: usize) -> String {
    let whole = n.fract() == 0.0;
    match i % 3 {
        0 if whole => n
            .to_string()
            .chars()
            .map(|c| char::from_u32(c as u32 + 0xFEE0).unwrap_or(c))
            .collect(),
        1 if whole && n >= 1000.0 => {
            let s = (n as u64).to_string();
            let (a, b) = s.split_at(s.len() - 3);
            format!("{a},{b}")
        }
        _ => format!(" {n} "),
    }
}

/// A cell written in place of a figure.
#[derive(Clone, Debug)]
pub enum Cell {
    /// Nothing written.
    Blank,
    /// A string.
    Text(&'static str),
    /// A number.
    Number(f64),
    /// TRUE or FALSE.
    Bool(bool),
    /// A date.
    Date,
    /// A formula and its cached result ("" for none).
    Formula(&'static str, &'static str),
}

fn write_cell(ws: &mut Worksheet, r: u32, c: u16, cell: &Cell) {
    match cell {
        Cell::Blank => {}
        Cell::Text(t) => {
            ws.write_string(r, c, *t).expect("write");
        }
        Cell::Number(x) => {
            ws.write_number(r, c, *x).expect("write");
        }
        Cell::Bool(b) => {
            ws.write_boolean(r, c, *b).expect("write");
        }
        Cell::Date => {
            let d = rust_xlsxwriter::ExcelDateTime::from_ymd(2025, 3, 1).expect("date");
            let f = Format::new().set_num_format("yyyy-mm-dd");
            ws.write_datetime_with_format(r, c, d, &f).expect("write");
        }
        Cell::Formula(f, result) => {
            ws.write_formula(r, c, rust_xlsxwriter::Formula::new(*f).set_result(*result))
                .expect("write");
        }
    }
}

/// Draws one official table at (top, left) the way a paste leaves it; returns rows used.
pub fn paste_table(
    ws: &mut Worksheet,
    table: Table,
    top: u32,
    left: u16,
    figures: &Figures,
    how: Paste,
) -> u32 {
    paste_table_with(ws, table, (top, left), figures, how, &[])
}

/// [`paste_table`] with some figure cells replaced.
pub fn paste_table_with(
    ws: &mut Worksheet,
    table: Table,
    (top, left): (u32, u16),
    figures: &Figures,
    how: Paste,
    overrides: &[(CellId, Cell)],
) -> u32 {
    let layout = table.layout();
    let fmt = Format::new();
    let split = how.split_heads && table == Table::T3;
    // With split heads, table 三 gets one extra header row below row 2.
    let shift = |row: usize| -> u32 { top + row as u32 + u32::from(split && row >= 3) };
    let mut n = 0;
    for p in &layout.cells {
        n += 1;
        let r0 = shift(p.row);
        let mut r1 = shift(p.row + p.rows - 1);
        if split && p.row + p.rows == 3 {
            r1 += 1; // header cells reaching the bottom of the header grow into the extra row
        }
        let c0 = left + p.col as u16;
        let c1 = c0 + p.cols as u16 - 1;
        match p.content {
            Content::Data(id) => {
                if let Some((_, cell)) = overrides.iter().find(|(o, _)| *o == id) {
                    write_cell(ws, r0, c0, cell);
                    continue;
                }
                let v = figures.get(id).as_f64();
                if id.is_total() && n % 4 == 0 {
                    continue; // some pasted totals are blank: computed anyway
                }
                if how.text_numbers && n % 2 == 0 {
                    ws.write_string(r0, c0, number_text(v, n)).expect("write");
                } else {
                    ws.write_number(r0, c0, v).expect("write");
                }
            }
            _ => {
                let text = p.content.text().unwrap_or("");
                let halves = split && p.row == 2 && text.chars().count() == 6;
                let shown = if how.messy_labels {
                    mess(text, n)
                } else {
                    text.to_string()
                };
                if halves {
                    let chars: Vec<char> = text.chars().collect();
                    ws.write_string(r0, c0, chars[..4].iter().collect::<String>())
                        .expect("write");
                    ws.write_string(r0 + 1, c0, chars[4..].iter().collect::<String>())
                        .expect("write");
                } else if how.merges && (r1 > r0 || c1 > c0) {
                    ws.merge_range(r0, c0, r1, c1, &shown, &fmt).expect("merge");
                } else {
                    ws.write_string(r0, c0, &shown).expect("write");
                }
            }
        }
    }
    layout.rows as u32 + u32::from(split)
}

/// A workbook holding `st` as pasted tables: 基本信息 as “标签：值” on a sheet called Sheet1,
/// tables 二 and 三 on one sheet at an offset, table 四 alone on a third sheet.
pub fn pasted_workbook(st: &Statement, how: Paste) -> Vec<u8> {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet().set_name("Sheet1").expect("name");
    ws.write_string(1, 1, format!("机关名称：{}", st.info.agency))
        .expect("write");
    ws.write_string(2, 1, "报告年度").expect("write");
    ws.write_number(2, 2, f64::from(st.info.year.unwrap_or(2025)))
        .expect("write");
    ws.write_string(3, 1, "机关类型: 政府部门").expect("write");
    ws.write_string(4, 1, "成文日期").expect("write");
    ws.write_string(4, 2, "2026年1月20日").expect("write");
    let ws = wb.add_worksheet().set_name("年报表格").expect("name");
    ws.write_string(2, 2, "二、主动公开政府信息情况")
        .expect("write");
    let used = paste_table(ws, Table::T2, 4, 2, &st.figures, how);
    ws.write_string(4 + used + 2, 1, "三、收到和处理政府信息公开申请情况")
        .expect("write");
    paste_table(ws, Table::T3, 4 + used + 4, 1, &st.figures, how);
    let ws = wb.add_worksheet().set_name("附表3").expect("name");
    paste_table(ws, Table::T4, 6, 3, &st.figures, how);
    wb.save_to_buffer().expect("workbook")
}

fn check_json(dir: &Dir, file: &str) -> (i32, Value) {
    let (code, out, err) = run(dir.cmd().args(["check", file, "--format", "json"]));
    let v: Value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out} {err}"));
    (code, v)
}

fn read(bytes: &[u8]) -> (Statement, Vec<Diagnostic>) {
    let book = report_gen::workbook::parse(
        std::path::Path::new("pasted.xlsx"),
        bytes,
        Default::default(),
    )
    .expect("opens");
    let st =
        report_gen::reader::from_book(std::path::Path::new("pasted.xlsx"), &book).expect("reads");
    let d = st.diagnostics.clone();
    (st, d)
}

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
    let (got, diags) = read(&pasted_workbook(&st, Paste::MESSY));
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

/// The workbook with the cached value of every `formula` removed, as files written by some
/// libraries are (rust_xlsxwriter always writes one).
pub fn without_cached_value(xlsx: &[u8], formula: &str) -> Vec<u8> {
    use std::io::{Read, Write};
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(xlsx)).expect("zip");
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for i in 0..archive.len() {
        let mut entry = archive.by_index(i).expect("entry");
        let name = entry.name().expect("name").to_string();
        let mut data = Vec::new();
        entry.read_to_end(&mut data).expect("read");
        if name.starts_with("xl/worksheets/") {
            let text = String::from_utf8(data).expect("utf-8");
            let f = formula.trim_start_matches('=');
            let re = format!("<f>{f}</f><v>0</v>");
            data = text.replace(&re, &format!("<f>{f}</f>")).into_bytes();
        }
        out.start_file(name, zip::write::SimpleFileOptions::default())
            .expect("file");
        out.write_all(&data).expect("write");
    }
    out.finish().expect("zip").into_inner()
}

/// Where [`tables`] puts tables 二, 三 and 四 on its sheet 数据.
pub const T2_AT: (u32, u16) = (4, 1);
/// Top-left of table 三 on sheet 数据.
pub const T3_AT: (u32, u16) = (22, 1);
/// Top-left of table 四 on sheet 数据.
pub const T4_AT: (u32, u16) = (56, 1);

/// The 基本信息 lines every hand-made workbook carries, as “标签：值”.
pub fn info(ws: &mut Worksheet) {
    ws.write_string(0, 0, "机关名称：测试局").expect("write");
    ws.write_string(1, 0, "报告年度：2025").expect("write");
    ws.write_string(2, 0, "机关类型：政府部门").expect("write");
}

/// One sheet “数据” with the three tables of `figures`, some cells replaced; `edit` may change
/// more.
pub fn tables(
    figures: &Figures,
    overrides: &[(CellId, Cell)],
    edit: impl Fn(&mut Worksheet),
) -> Vec<u8> {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet().set_name("数据").expect("name");
    info(ws);
    paste_table_with(ws, Table::T2, T2_AT, figures, Paste::PLAIN, overrides);
    paste_table_with(ws, Table::T3, T3_AT, figures, Paste::PLAIN, overrides);
    paste_table_with(ws, Table::T4, T4_AT, figures, Paste::PLAIN, overrides);
    edit(ws);
    wb.save_to_buffer().expect("workbook")
}

/// (row, col) on sheet 数据 of a figure written by [`tables`].
pub fn place(id: CellId) -> (u32, u16) {
    let (table, (top, left)) = match id {
        CellId::T2(_) => (Table::T2, T2_AT),
        CellId::T3(..) => (Table::T3, T3_AT),
        CellId::T4(..) => (Table::T4, T4_AT),
    };
    let (r, c) = table.layout().position(id).expect("placed");
    (top + r as u32, left + c as u16)
}

/// The A1 address on sheet 数据 of a figure written by [`tables`].
pub fn address(id: CellId) -> String {
    let (r, c) = place(id);
    format!("数据!{}", report_gen::diagnostics::a1(r, u32::from(c)))
}
