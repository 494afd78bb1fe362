//! Published reports as a reader sees them: the body's paragraphs and tables, in order, from a
//! .docx (any writer), a portal .html page or a text-based .pdf.
//!
//! Every table comes out as a [`Sheet`] grid (cell text at the top-left cell of each merged
//! range, merges listed), the same shape the workbook reader produces, so one label finder
//! reads tables whatever file they came from. Paragraph and table numbers are 1-based and count
//! what a reader counts (non-empty paragraphs; tables), so a message can say “第3个表格” or
//! “第12段”.
//!
//! The input is hostile: its size and a zip package's expanded size are checked before
//! anything is decompressed (the limits of [`crate::workbook::Limits`]), grids and block counts
//! are bounded, and a damaged file is an error naming the file, never a panic.

// Cells, bytes and text come from the input: no indexing or slicing that can panic.
#![deny(clippy::indexing_slicing)]

mod docx;
mod html;
mod pdf;

use crate::error::{Error, Result};
use crate::workbook::{Limits, Sheet, Value};
use std::path::{Path, PathBuf};

/// Which kind of file a document was read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Office Open XML word processing (.docx), from Word, WPS, python-docx or report-gen.
    Docx,
    /// A web page saved from a portal (.html, .htm), UTF-8 or GBK/GB2312/GB18030.
    Html,
    /// A PDF with a text layer.
    Pdf,
}

/// A published report: its paragraphs and tables in reading order.
#[derive(Debug, Clone)]
pub struct Document {
    /// The file it was read from.
    pub source: PathBuf,
    /// Its format.
    pub kind: Kind,
    /// The title stored in the file's metadata (HTML `<title>`, the .docx core properties, the
    /// PDF document information), if any. Often stale or a site name: a last resort only.
    pub title: Option<String>,
    /// Paragraphs and tables in reading order.
    pub blocks: Vec<Block>,
}

/// One block of the body.
#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    /// A paragraph (or heading) of text.
    Paragraph(Paragraph),
    /// A table.
    Table(Table),
}

/// A paragraph of text.
#[derive(Debug, Clone, PartialEq)]
pub struct Paragraph {
    /// Its number among the document's non-empty paragraphs, from 1.
    pub index: usize,
    /// Its text: runs joined, tabs as `\t`, manual line breaks as `\n`, automatic numbering
    /// (“一、”, “（一）”) written out, surrounding white space trimmed.
    pub text: String,
    /// The outline level when the file marks it as a heading (Word outline level or heading
    /// style, HTML `h1`–`h6`), 1 being the top. Only a hint: many reports are typed without
    /// heading styles, and a PDF carries no such mark.
    pub heading: Option<u8>,
    /// The page it starts on (PDF only).
    pub page: Option<u32>,
}

/// A table as a grid.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    /// Its number among the document's tables, from 1.
    pub index: usize,
    /// The grid: the text of each cell (or merged range, at its top-left cell) as
    /// [`Value::Text`], lines of a cell joined with `\n`; merged ranges in `merges`; empty cells
    /// absent. Its name is “第N个表格”.
    pub grid: Sheet,
    /// The page it starts on (PDF only).
    pub page: Option<u32>,
}

impl Document {
    /// The paragraphs, in order.
    pub fn paragraphs(&self) -> impl Iterator<Item = &Paragraph> {
        self.blocks.iter().filter_map(|b| match b {
            Block::Paragraph(p) => Some(p),
            Block::Table(_) => None,
        })
    }

    /// The tables, in order.
    pub fn tables(&self) -> impl Iterator<Item = &Table> {
        self.blocks.iter().filter_map(|b| match b {
            Block::Table(t) => Some(t),
            Block::Paragraph(_) => None,
        })
    }
}

/// Most columns in one table grid (a statistics table has 4 to 15).
pub const MAX_TABLE_COLS: u32 = 1_000;
/// Most rows in one table grid.
pub const MAX_TABLE_ROWS: u32 = 20_000;
/// Most blocks (paragraphs and tables) read from one document.
pub const MAX_BLOCKS: usize = 200_000;

/// Reads a report, applying the limits first. The format is recognised by the file's bytes,
/// not its extension.
pub fn open(path: &Path, limits: Limits) -> Result<Document> {
    let bytes = crate::workbook::read_limited(path, limits)?;
    parse(path, &bytes, limits)
}

/// Reads a report from its bytes; `path` only names it in messages.
pub fn parse(path: &Path, bytes: &[u8], limits: Limits) -> Result<Document> {
    limits.check_input(path, bytes)?;
    let kind = detect(path, bytes)?;
    let mut builder = Builder::default();
    let title = match kind {
        Kind::Docx => docx::read(path, bytes, limits, &mut builder)?,
        Kind::Html => html::read(path, bytes, &mut builder)?,
        Kind::Pdf => pdf::read(path, bytes, limits, &mut builder)?,
    };
    if builder.overflow {
        return Err(damaged(
            path,
            format!("段落和表格超过 {MAX_BLOCKS} 个，或单元格过多，不像是年度报告"),
        ));
    }
    Ok(Document {
        source: path.to_path_buf(),
        kind,
        title: title.map(|t| clean_line(&t)).filter(|t| !t.is_empty()),
        blocks: builder.blocks,
    })
}

/// Recognises the format by its first bytes.
fn detect(path: &Path, bytes: &[u8]) -> Result<Kind> {
    let not_a_report = |detail: &str| Error::NotAReport {
        path: path.to_path_buf(),
        detail: detail.to_string(),
    };
    if bytes.is_empty() {
        return Err(not_a_report("文件是空的（0 字节）"));
    }
    let head = bytes.get(..1024).unwrap_or(bytes);
    // The PDF header may follow some junk within the first kilobyte.
    if memchr::memmem::find(head, b"%PDF-").is_some() {
        return Ok(Kind::Pdf);
    }
    if bytes.starts_with(b"PK") {
        return Ok(Kind::Docx); // docx::read names other zip packages
    }
    if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
        let needle: Vec<u8> = "EncryptedPackage"
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        if memchr::memmem::find(bytes, &needle).is_some() {
            return Err(Error::ReportEncrypted {
                path: path.to_path_buf(),
            });
        }
        return Err(not_a_report(
            "这是旧版 Office 文件（.doc、.xls 等），请在 Word/WPS 中另存为 .docx 后再试",
        ));
    }
    if head.starts_with(b"{\\rtf") {
        return Err(not_a_report(
            "这是 RTF 文档，请在 Word/WPS 中另存为 .docx 后再试",
        ));
    }
    let lower: Vec<u8> = head.iter().map(u8::to_ascii_lowercase).collect();
    let has = |s: &[u8]| memchr::memmem::find(&lower, s).is_some();
    if has(b"mime-version:") && !has(b"<html") {
        return Err(not_a_report(
            "这是网页存档（.mht/.mhtml），请在浏览器中另存为“网页，仅 HTML”后再试",
        ));
    }
    // UTF-16 pages are rare and not read; every other text with markup is taken for HTML.
    if [
        &b"<html"[..],
        b"<!doctype",
        b"<head",
        b"<body",
        b"<meta",
        b"<table",
        b"<div",
        b"<p",
    ]
    .iter()
    .any(|t| has(t))
    {
        return Ok(Kind::Html);
    }
    Err(not_a_report("文件内容无法识别为 Word 文档、网页或 PDF"))
}

fn damaged(path: &Path, detail: String) -> Error {
    Error::ReportDamaged {
        path: path.to_path_buf(),
        detail,
    }
}

// ---------------------------------------------------------------------------------------------
// Building the blocks

/// Collects blocks as the readers find them, numbering paragraphs and tables as a reader counts.
#[derive(Debug, Default)]
pub(crate) struct Builder {
    blocks: Vec<Block>,
    paragraphs: usize,
    tables: usize,
    cells: usize,
    /// Set when a limit was passed; the document is then refused.
    overflow: bool,
}

impl Builder {
    /// Adds a paragraph; empty ones (white space only) are not counted.
    pub(crate) fn paragraph(&mut self, text: &str, heading: Option<u8>, page: Option<u32>) {
        let text = clean_paragraph(text);
        if text.is_empty() {
            return;
        }
        if self.blocks.len() >= MAX_BLOCKS {
            self.overflow = true;
            return;
        }
        self.paragraphs += 1;
        self.blocks.push(Block::Paragraph(Paragraph {
            index: self.paragraphs,
            text,
            heading,
            page,
        }));
    }

    /// Adds a table built from placed cells; a table with no text at all is left out.
    pub(crate) fn table(&mut self, cells: Vec<Placed>, page: Option<u32>) {
        if self.blocks.len() >= MAX_BLOCKS {
            self.overflow = true;
            return;
        }
        let name = format!("第{}个表格", self.tables + 1);
        let Some(grid) = grid(name, cells) else {
            self.overflow = true;
            return;
        };
        if grid.cells.is_empty() {
            return;
        }
        self.cells = self.cells.saturating_add(grid.cells.len());
        if self.cells > crate::workbook::MAX_CELLS {
            self.overflow = true;
            return;
        }
        self.tables += 1;
        self.blocks.push(Block::Table(Table {
            index: self.tables,
            grid,
            page,
        }));
    }
}

/// A cell placed in a table: its top-left grid position, its span and its raw text.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Placed {
    /// Top row, from 0.
    pub row: u32,
    /// Left column, from 0.
    pub col: u32,
    /// Rows spanned (≥ 1).
    pub rows: u32,
    /// Columns spanned (≥ 1).
    pub cols: u32,
    /// The text, lines joined with `\n` (cleaned when the grid is built).
    pub text: String,
}

/// The grid of placed cells: text at each origin, a merge for every span. Spans are clipped
/// to the limits and cells beyond them left out; `None` when the table has too many merges.
fn grid(name: String, cells: Vec<Placed>) -> Option<Sheet> {
    let mut sheet = Sheet {
        name,
        ..Sheet::default()
    };
    for c in cells {
        // Cells beyond the grid's limits exist only in hostile files: left out.
        if c.row >= MAX_TABLE_ROWS || c.col >= MAX_TABLE_COLS {
            continue;
        }
        let last_row = c
            .row
            .saturating_add(c.rows.max(1) - 1)
            .min(MAX_TABLE_ROWS - 1);
        let last_col = c
            .col
            .saturating_add(c.cols.max(1) - 1)
            .min(MAX_TABLE_COLS - 1);
        if last_row > c.row || last_col > c.col {
            sheet.merges.push(((c.row, c.col), (last_row, last_col)));
            if sheet.merges.len() > crate::workbook::MAX_MERGES {
                return None;
            }
        }
        if crate::charset::has_hidden(&c.text) {
            sheet.stripped.push((c.row, c.col));
        }
        let text = clean_cell(&c.text);
        if !text.is_empty() {
            sheet.cells.insert((c.row, c.col), Value::Text(text));
        }
    }
    Some(sheet)
}

/// Whether `c` is a CJK ideograph or fullwidth punctuation, between which a line break in the
/// source is no space.
fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x2E80..=0x2FDF | 0x3000..=0x303F | 0x3040..=0x30FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF
        | 0xF900..=0xFAFF | 0xFF00..=0xFFEF | 0x20000..=0x2FA1F)
}

/// One line of text: control characters removed, runs of white space (including no-break and
/// ideographic spaces at the ends) collapsed to one space, none between CJK characters, trimmed.
pub(crate) fn clean_line(s: &str) -> String {
    let cleaned = crate::charset::clean(s);
    let mut out = String::with_capacity(cleaned.len());
    let mut pending_space = false;
    for c in cleaned.chars() {
        if c.is_whitespace() {
            pending_space = !out.is_empty();
            continue;
        }
        if pending_space {
            let before = out.chars().next_back();
            if !(before.is_some_and(is_cjk) && is_cjk(c)) {
                out.push(' ');
            }
            pending_space = false;
        }
        out.push(c);
    }
    out
}

/// A paragraph's text: each line cleaned; tabs kept inside a line (they separate fields such as
/// “联系电话：\t0458-…”), blank lines dropped.
fn clean_paragraph(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for line in s.split('\n') {
        let fields: Vec<String> = line
            .split('\t')
            .map(clean_line)
            .filter(|f| !f.is_empty())
            .collect();
        if fields.is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push('\n');
        }
        out.push_str(&fields.join("\t"));
    }
    out
}

/// A cell's text: like a paragraph, but tabs become spaces (a cell holds one value).
fn clean_cell(s: &str) -> String {
    clean_paragraph(&s.replace('\t', " "))
}

#[cfg(test)]
#[allow(clippy::indexing_slicing)]
mod tests {
    use super::*;

    #[test]
    fn lines_collapse_white_space_but_not_between_cjk() {
        assert_eq!(clean_line("  本年新收\n  政府信息 "), "本年新收政府信息");
        assert_eq!(clean_line("2025 年\u{a0}共 393 件"), "2025 年共 393 件");
        assert_eq!(clean_line("a \u{3000} b"), "a b");
        assert_eq!(clean_paragraph("一\n\n  二\t 三 \n"), "一\n二\t三");
        assert_eq!(clean_cell("（本列数据\t的）"), "（本列数据的）");
    }

    #[test]
    fn grids_keep_text_at_origins_and_list_merges() {
        let cells = vec![
            Placed {
                row: 0,
                col: 0,
                rows: 2,
                cols: 1,
                text: "甲\n".into(),
            },
            Placed {
                row: 0,
                col: 1,
                rows: 1,
                cols: 3,
                text: " ".into(),
            },
        ];
        let g = grid("t".into(), cells).unwrap_or_default();
        assert_eq!(g.get(0, 0), Some(&Value::Text("甲".into())));
        assert_eq!(g.get(0, 1), None);
        assert_eq!(g.merges, vec![((0, 0), (1, 0)), ((0, 1), (0, 3))]);
        let huge = Placed {
            row: 0,
            col: 0,
            rows: u32::MAX,
            cols: u32::MAX,
            text: "x".into(),
        };
        let g = grid("t".into(), vec![huge]).unwrap_or_default();
        assert_eq!(
            g.merges,
            vec![((0, 0), (MAX_TABLE_ROWS - 1, MAX_TABLE_COLS - 1))]
        );
    }

    #[test]
    fn formats_are_recognised_by_their_bytes() {
        let p = Path::new("x");
        assert!(matches!(detect(p, b"%PDF-1.7\n"), Ok(Kind::Pdf)));
        assert!(matches!(detect(p, b"PK\x03\x04"), Ok(Kind::Docx)));
        assert!(matches!(
            detect(p, b"<!DOCTYPE html><html>"),
            Ok(Kind::Html)
        ));
        assert!(matches!(detect(p, b""), Err(Error::NotAReport { .. })));
        assert!(matches!(
            detect(p, b"{\\rtf1\\ansi"),
            Err(Error::NotAReport { .. })
        ));
        assert!(matches!(
            detect(p, b"MIME-Version: 1.0\r\nContent-Type: multipart/related"),
            Err(Error::NotAReport { .. })
        ));
        assert!(matches!(
            detect(p, b"just some words"),
            Err(Error::NotAReport { .. })
        ));
    }
}
