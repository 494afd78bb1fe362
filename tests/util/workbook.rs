//! Building the workbooks the tests read: the `init` workbook of a statement, official tables
//! pasted the way offices paste them, hand-made sheets (the 2019 trial layout, a custom table
//! 三, 基本信息 on its own sheet), packages edited part by part, files built to exhaust a
//! reader, a batch folder of every kind of input, the Excel appendix of a statement, and the
//! fixtures LibreOffice saved.

use super::samples;
use super::Dir;
use report_gen::figures::Figures;
use report_gen::format::{CellId, T3_NEW};
use report_gen::layout::{Content, Table};
use report_gen::statement::Statement;
use report_gen::{appendix, checks};
use rust_xlsxwriter::{Format, Workbook, Worksheet};
use std::io::{Cursor, Read, Write};
use std::path::PathBuf;

/// The `init` workbook of a statement.
pub fn init(st: &Statement) -> Vec<u8> {
    report_gen::init::workbook(st).expect("workbook")
}

/// A zip package with one part's text changed.
pub fn patch_part(xlsx: &[u8], part: &str, f: impl Fn(String) -> String) -> Vec<u8> {
    rewrite_parts(xlsx, |name, data| {
        if name == part {
            f(String::from_utf8(data).expect("utf-8")).into_bytes()
        } else {
            data
        }
    })
}

/// A zip package with every part passed through `f` (its name, its bytes), zipped again with
/// correct checksums, so that the change reaches the part's reader.
pub fn rewrite_parts(package: &[u8], f: impl Fn(&str, Vec<u8>) -> Vec<u8>) -> Vec<u8> {
    let mut archive = zip::ZipArchive::new(Cursor::new(package)).expect("zip");
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for i in 0..archive.len() {
        let mut entry = archive.by_index(i).expect("entry");
        let name = entry.name().expect("name").to_string();
        let mut data = Vec::new();
        entry.read_to_end(&mut data).expect("read");
        let data = f(&name, data);
        out.start_file(name, zip::write::SimpleFileOptions::default())
            .expect("file");
        out.write_all(&data).expect("write");
    }
    out.finish().expect("zip").into_inner()
}

/// (row, col) on sheet 数据 of the label cell of table 三's row `label`.
pub fn t3_label(label: &str) -> (u32, u16) {
    let layout = Table::T3.layout();
    let p = layout
        .cells
        .iter()
        .find(|p| p.content.text() == Some(label))
        .expect("label placed");
    (T3_AT.0 + p.row as u32, T3_AT.1 + p.col as u16)
}

/// An .ods with a value at A1 and one at XFD1048576, as LibreOffice writes it (empty rows and
/// columns as repeats).
pub fn far_ods() -> Vec<u8> {
    let content = r#"<?xml version="1.0" encoding="UTF-8"?>
<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.3"><office:body><office:spreadsheet><table:table table:name="数据"><table:table-column table:number-columns-repeated="16384"/><table:table-row><table:table-cell office:value-type="string"><text:p>机关名称：测试局</text:p></table:table-cell><table:table-cell table:number-columns-repeated="16383"/></table:table-row><table:table-row table:number-rows-repeated="1048574"><table:table-cell table:number-columns-repeated="16384"/></table:table-row><table:table-row><table:table-cell table:number-columns-repeated="16383"/><table:table-cell office:value-type="float" office:value="1"><text:p>1</text:p></table:table-cell></table:table-row></table:table></office:spreadsheet></office:body></office:document-content>"#;
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let stored =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    out.start_file("mimetype", stored).expect("file");
    out.write_all(b"application/vnd.oasis.opendocument.spreadsheet")
        .expect("write");
    out.start_file("content.xml", zip::write::SimpleFileOptions::default())
        .expect("file");
    out.write_all(content.as_bytes()).expect("write");
    out.start_file(
        "META-INF/manifest.xml",
        zip::write::SimpleFileOptions::default(),
    )
    .expect("file");
    out.write_all(br#"<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"><manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>"#)
        .expect("write");
    out.finish().expect("zip").into_inner()
}

/// A compound file (the container of .xls) whose directory chain is a cycle: sector 1 is
/// followed by sector 1. The spreadsheet reader would follow it until memory runs out.
pub fn looping_compound_file() -> Vec<u8> {
    let mut header = vec![0u8; 512];
    header[..8].copy_from_slice(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]);
    let mut put = |at: usize, v: u32| header[at..at + 4].copy_from_slice(&v.to_le_bytes());
    put(24, 0xFFFE_003E); // minor version, major version 3
    put(28, 0x0009_FFFE); // byte order, sector shift 9 (512 bytes)
    put(32, 0x0000_0006); // mini sector shift 6
    put(44, 1); // one FAT sector
    put(48, 1); // the directory starts at sector 1
    put(56, 4096);
    put(60, 0xFFFF_FFFE); // no mini FAT
    put(68, 0xFFFF_FFFE); // no DIFAT sectors
    for i in 0..109 {
        put(76 + 4 * i, 0xFFFF_FFFF);
    }
    put(76, 0); // the FAT is sector 0
    let mut fat = vec![0xFFu8; 512];
    fat[..4].copy_from_slice(&0xFFFF_FFFDu32.to_le_bytes()); // sector 0: the FAT itself
    fat[4..8].copy_from_slice(&1u32.to_le_bytes()); // sector 1 → sector 1
    [header, fat, vec![0u8; 512]].concat()
}

/// Bytes that do not compress.
pub fn noise(n: usize) -> Vec<u8> {
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    (0..n)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x as u8
        })
        .collect()
}

/// A package with one more entry.
pub fn add_entry(package: &[u8], name: &str, data: &[u8], deflate: bool) -> Vec<u8> {
    let mut archive = zip::ZipArchive::new(Cursor::new(package)).expect("zip");
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for i in 0..archive.len() {
        let entry = archive.by_index_raw(i).expect("entry");
        out.raw_copy_file(entry).expect("copy");
    }
    let method = if deflate {
        zip::CompressionMethod::Deflated
    } else {
        zip::CompressionMethod::Stored
    };
    out.start_file(
        name,
        zip::write::SimpleFileOptions::default().compression_method(method),
    )
    .expect("file");
    out.write_all(data).expect("write");
    out.finish().expect("zip").into_inner()
}

/// A district's folder: three good agencies (one in a subfolder), one with an error, one
/// unreadable, one 2019-layout, an Office lock file and a hidden file.
pub fn district(dir: &Dir) {
    dir.write("in/伊美区教育局.xlsx", &init(&samples::seed()));
    dir.write("in/示例区人民政府.xlsx", &init(&samples::busy()));
    dir.write(
        "in/乡镇/示例镇.xlsx",
        &init(&samples::named("示例镇人民政府", &samples::busy())),
    );
    let mut bad = samples::named("出错局", &samples::seed());
    bad.figures.t3[T3_NEW][0] = 3;
    bad.figures.compute_totals();
    dir.write("in/出错局.xlsx", &init(&bad));
    dir.write("in/坏文件.xlsx", b"this is not a workbook");
    dir.write("in/旧格式.xlsx", &layout_2019());
    dir.write("in/~$示例区人民政府.xlsx", b"lock");
    dir.write("in/.隐藏.xlsx", &init(&samples::seed()));
    dir.write("in/说明.txt", b"not a workbook extension");
}

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

/// The workbook with the cached value of every `formula` removed, as files written by some
/// libraries are (rust_xlsxwriter always writes one).
pub fn without_cached_value(xlsx: &[u8], formula: &str) -> Vec<u8> {
    rewrite_parts(xlsx, |name, data| {
        if !name.starts_with("xl/worksheets/") {
            return data;
        }
        let text = String::from_utf8(data).expect("utf-8");
        let f = formula.trim_start_matches('=');
        let re = format!("<f>{f}</f><v>0</v>");
        text.replace(&re, &format!("<f>{f}</f>")).into_bytes()
    })
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

/// The three tables of `figures` on sheet 数据, some cells replaced.
pub fn tables_with(figures: &Figures, overrides: &[(CellId, Cell)]) -> Vec<u8> {
    tables(figures, overrides, |_| {})
}

/// Table 三 written by hand: a header and rows of (label, six applicant figures).
pub fn custom_t3(ws: &mut Worksheet, top: u32, rows: &[(&str, u64)]) {
    let heads = [
        "自然人",
        "商业企业",
        "科研机构",
        "社会公益组织",
        "法律服务机构",
        "其他",
        "总计",
    ];
    ws.write_string(top, 1, "申请人情况").expect("write");
    for (i, h) in heads.iter().enumerate() {
        ws.write_string(top + 2, 1 + i as u16, *h).expect("write");
    }
    for (i, (label, v)) in rows.iter().enumerate() {
        let r = top + 3 + i as u32;
        ws.write_string(r, 0, *label).expect("write");
        for c in 0..6 {
            ws.write_number(r, 1 + c, *v as f64).expect("write");
        }
    }
}

/// Every row of table 三 but the results total, by label: 1 in 本年新收 and 予以公开, else 0.
pub fn t3_rows() -> Vec<(&'static str, u64)> {
    report_gen::format::T3_ROWS
        .iter()
        .filter(|r| r.id != "results_total")
        .map(|r| {
            (
                r.label(),
                if r.id == "new" || r.id == "granted" {
                    1
                } else {
                    0
                },
            )
        })
        .collect()
}

/// Sheet 数据 with tables 二 and 四 pasted and table 三 written by hand from `rows`; `extra`
/// may change more.
pub fn custom(rows: &[(&str, u64)], extra: impl Fn(&mut Worksheet)) -> Vec<u8> {
    let f = Figures::default();
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    info(ws);
    paste_table_with(ws, Table::T2, T2_AT, &f, Paste::PLAIN, &[]);
    custom_t3(ws, T3_AT.0, rows);
    paste_table_with(ws, Table::T4, T4_AT, &f, Paste::PLAIN, &[]);
    extra(ws);
    wb.save_to_buffer().expect("workbook")
}

/// A workbook in the 2019 trial layout (table 二 with its old columns and rows).
pub fn layout_2019() -> Vec<u8> {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    info(ws);
    let rows: [&[&str]; 8] = [
        &["第二十条第（一）项"],
        &[
            "信息内容",
            "本年新制作数量",
            "本年新公开数量",
            "对外公开总数量",
        ],
        &["规章", "0", "0", "0"],
        &["规范性文件", "2", "2", "10"],
        &["第二十条第（五）项"],
        &["信息内容", "上一年项目数量", "本年增/减", "处理决定数量"],
        &["行政许可", "10", "0", "27"],
        &["第二十条第（九）项"],
    ];
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            ws.write_string(4 + r as u32, c as u16, *v).expect("write");
        }
    }
    custom_t3(ws, 20, &t3_rows());
    wb.save_to_buffer().expect("workbook")
}

/// A workbook with the three tables on one sheet named `sheet`, `title` in its first cell (when
/// given), and a 基本信息 sheet holding `lines` (label, value).
pub fn with_info(lines: &[(&str, &str)], title: Option<&str>, sheet: &str) -> Vec<u8> {
    let f = samples::busy().figures;
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet().set_name("基本信息").expect("name");
    for (r, (label, value)) in lines.iter().enumerate() {
        ws.write_string(r as u32, 0, *label).expect("write");
        ws.write_string(r as u32, 1, *value).expect("write");
    }
    let ws = wb.add_worksheet().set_name(sheet).expect("name");
    if let Some(t) = title {
        ws.write_string(0, 0, t).expect("write");
    }
    paste_table_with(ws, Table::T2, T2_AT, &f, Paste::PLAIN, &[]);
    paste_table_with(ws, Table::T3, T3_AT, &f, Paste::PLAIN, &[]);
    paste_table_with(ws, Table::T4, T4_AT, &f, Paste::PLAIN, &[]);
    wb.save_to_buffer().expect("workbook")
}

/// An .xlsb package as Excel writes it: the workbook part is binary.
pub fn xlsb() -> Vec<u8> {
    use std::io::Write;
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default();
    for (name, data) in [
        ("[Content_Types].xml", &b"<Types/>"[..]),
        ("xl/workbook.bin", &[0x83, 0x01, 0x00][..]),
        ("xl/worksheets/sheet1.bin", &[0x81, 0x01, 0x00][..]),
    ] {
        zip.start_file(name, options).expect("entry");
        zip.write_all(data).expect("data");
    }
    zip.finish().expect("zip").into_inner()
}

/// Path of a committed fixture saved by LibreOffice.
pub fn fixture_path(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/libreoffice")
        .join(name)
}

/// The bytes of a committed fixture saved by LibreOffice.
pub fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(fixture_path(name)).unwrap_or_else(|e| panic!("fixture {name}: {e}"))
}

/// Each fixture's file name, and the .xlsx LibreOffice saved it from (as "Save as", keeping the
/// name: `busy.xls` from `busy.xlsx`).
pub fn sources() -> Vec<(&'static str, Vec<u8>)> {
    let busy = std::fs::read(samples::path(samples::BUSY)).expect("sample");
    let pasted = pasted_workbook(&samples::busy(), Paste::MESSY);
    vec![
        ("busy.xls", busy.clone()),
        ("busy.ods", busy),
        ("pasted.xls", pasted.clone()),
        ("pasted.ods", pasted),
        ("far-cell.xls", far_cell()),
    ]
}

/// A sheet with cells at A1 and IV65536, the last cell of an .xls sheet: saved as .xls, its
/// declared range is the whole sheet (see `bad_input.rs`).
pub fn far_cell() -> Vec<u8> {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet().set_name("数据").expect("name");
    ws.write_string(0, 0, "机关名称：测试局").expect("write");
    ws.write_number(65535, 255, 1.0).expect("write");
    wb.save_to_buffer().expect("workbook")
}

/// The Excel appendix of a statement, with its checks.
pub fn appendix_of(st: &Statement) -> Vec<u8> {
    let diagnostics = checks::all(st, None);
    appendix::workbook(st, &diagnostics, false).expect("appendix builds")
}
