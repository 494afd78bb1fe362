//! Opening a workbook file (.xlsx, .xls, .ods) into sheets of cell values, safely.
//!
//! Limits are applied before anything is decompressed: the file size, and for zip packages the
//! sizes their entries declare. Encrypted and non-workbook files are recognised by their bytes
//! and named. Cells are kept sparse, so a stray cell at XFD1048576 costs nothing.

use crate::error::{Error, Result};
use crate::statement::Date;
use calamine::{Data, DataRef, Reader, SheetVisible, Sheets};
use std::collections::BTreeMap;
use std::io::Cursor;
use std::path::Path;

/// Limits applied before reading an input.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Largest input file, in bytes.
    pub max_input: u64,
    /// Largest total uncompressed size of a zip package's entries, in bytes.
    pub max_expanded: u64,
}

impl Limits {
    /// Limits for a maximum input size in megabytes (the package may expand to four times that).
    pub fn from_mb(mb: u64) -> Self {
        let max_input = mb.saturating_mul(1024 * 1024);
        Limits {
            max_input,
            max_expanded: max_input.saturating_mul(4),
        }
    }
}

impl Default for Limits {
    /// 50 MB input, 200 MB expanded.
    fn default() -> Self {
        Limits::from_mb(50)
    }
}

/// A cell value as the reader needs it.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// Text (control characters removed).
    Text(String),
    /// A number.
    Number(f64),
    /// TRUE or FALSE.
    Bool(bool),
    /// A date or time.
    Date(Option<Date>),
    /// A formula error such as #REF!.
    Error(String),
    /// A formula saved without its cached result.
    Uncached(String),
}

/// One worksheet: its name, its non-empty cells and its merged ranges.
#[derive(Debug, Clone, Default)]
pub struct Sheet {
    /// Sheet name.
    pub name: String,
    /// Non-empty cells by (row, column), row-major.
    pub cells: BTreeMap<(u32, u32), Value>,
    /// Merged ranges: ((first row, first col), (last row, last col)).
    pub merges: Vec<((u32, u32), (u32, u32))>,
}

impl Sheet {
    /// The value at (row, col), if any.
    pub fn get(&self, row: u32, col: u32) -> Option<&Value> {
        self.cells.get(&(row, col))
    }

    /// The merged range containing (row, col), if any.
    pub fn merge_at(&self, row: u32, col: u32) -> Option<((u32, u32), (u32, u32))> {
        self.merges
            .iter()
            .copied()
            .find(|&((r0, c0), (r1, c1))| (r0..=r1).contains(&row) && (c0..=c1).contains(&col))
    }

    /// The text shown at (row, col): the cell's own text, or its merged range's text.
    pub fn shown_text(&self, row: u32, col: u32) -> Option<&str> {
        let at = match self.get(row, col) {
            Some(v) => Some(v),
            None => self
                .merge_at(row, col)
                .and_then(|(origin, _)| self.cells.get(&origin)),
        };
        match at {
            Some(Value::Text(t)) => Some(t.as_str()),
            _ => None,
        }
    }

    /// The last used row, if any.
    pub fn last_row(&self) -> Option<u32> {
        self.cells.keys().map(|&(r, _)| r).max()
    }
}

/// The file formats read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Office Open XML (.xlsx, .xlsm).
    Xlsx,
    /// BIFF (.xls).
    Xls,
    /// OpenDocument (.ods).
    Ods,
}

/// The sheets of a workbook.
#[derive(Debug, Clone, Default)]
pub struct Book {
    /// Visible sheets in workbook order.
    pub sheets: Vec<Sheet>,
    /// Names of hidden sheets that were skipped.
    pub hidden: Vec<String>,
}

/// Reads a workbook file, applying the limits first.
pub fn open(path: &Path, limits: Limits) -> Result<Book> {
    let read_err = |source| Error::Read {
        path: path.to_path_buf(),
        source,
    };
    let size = std::fs::metadata(path).map_err(read_err)?.len();
    if size > limits.max_input {
        return Err(Error::TooLarge {
            path: path.to_path_buf(),
            size,
            limit: limits.max_input,
        });
    }
    let bytes = std::fs::read(path).map_err(read_err)?;
    parse(path, &bytes, limits)
}

/// Reads a workbook from its bytes; `path` only names it in messages.
pub fn parse(path: &Path, bytes: &[u8], limits: Limits) -> Result<Book> {
    let len = bytes.len() as u64;
    if len > limits.max_input {
        return Err(Error::TooLarge {
            path: path.to_path_buf(),
            size: len,
            limit: limits.max_input,
        });
    }
    let kind = detect(path, bytes, limits)?;
    let damaged = |detail: String| Error::Damaged {
        path: path.to_path_buf(),
        detail,
    };
    let cursor = Cursor::new(bytes);
    let mut sheets = match kind {
        Kind::Xlsx => calamine::open_workbook_from_rs(cursor)
            .map(Sheets::Xlsx)
            .map_err(|e| match e {
                calamine::XlsxError::Password => Error::Encrypted {
                    path: path.to_path_buf(),
                },
                e => damaged(e.to_string()),
            })?,
        Kind::Xls => calamine::open_workbook_from_rs(cursor)
            .map(Sheets::Xls)
            .map_err(|e| match e {
                calamine::XlsError::Password => Error::Encrypted {
                    path: path.to_path_buf(),
                },
                e => damaged(e.to_string()),
            })?,
        Kind::Ods => calamine::open_workbook_from_rs(cursor)
            .map(Sheets::Ods)
            .map_err(|e: calamine::OdsError| damaged(e.to_string()))?,
    };
    let metadata: Vec<(String, bool)> = sheets
        .sheets_metadata()
        .iter()
        .map(|s| (s.name.clone(), s.visible == SheetVisible::Visible))
        .collect();
    let mut book = Book::default();
    for (name, visible) in metadata {
        if !visible {
            book.hidden.push(name);
            continue;
        }
        let sheet = read_sheet(&mut sheets, &name).map_err(damaged)?;
        book.sheets.push(sheet);
    }
    Ok(book)
}

/// Recognises the format by its bytes (the extension is not trusted) and applies the zip limit.
fn detect(path: &Path, bytes: &[u8], limits: Limits) -> Result<Kind> {
    let not_a_workbook = |detail: &str| Error::NotAWorkbook {
        path: path.to_path_buf(),
        detail: detail.to_string(),
    };
    if bytes.is_empty() {
        return Err(not_a_workbook("文件是空的（0 字节）"));
    }
    if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
        // An encrypted .xlsx is an OLE container holding an "EncryptedPackage" stream.
        let needle: Vec<u8> = "EncryptedPackage"
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        if bytes.windows(needle.len()).any(|w| w == needle.as_slice()) {
            return Err(Error::Encrypted {
                path: path.to_path_buf(),
            });
        }
        return Ok(Kind::Xls);
    }
    if !bytes.starts_with(b"PK") {
        let text = std::str::from_utf8(&bytes[..bytes.len().min(512)]).is_ok();
        return Err(not_a_workbook(if text {
            "内容是文本，不是工作簿（可能只是把文件扩展名改成了 .xlsx）"
        } else {
            "文件内容无法识别为工作簿"
        }));
    }
    let archive = zip::ZipArchive::new(Cursor::new(bytes))
        .map_err(|e| not_a_workbook(&format!("压缩包已损坏或不完整（{e}）")))?;
    let mut expanded: u64 = 0;
    let mut names = Vec::with_capacity(archive.len());
    for i in 0..archive.len() {
        if let Some(Ok(entry)) = archive.name_for_index(i) {
            names.push(entry.to_string());
        }
    }
    // Declared sizes, from the central directory only: nothing is decompressed here.
    let mut archive = archive;
    for i in 0..archive.len() {
        if let Ok(file) = archive.by_index_raw(i) {
            expanded = expanded.saturating_add(file.size());
        }
    }
    if expanded > limits.max_expanded {
        return Err(Error::ZipBomb {
            path: path.to_path_buf(),
            expanded,
            limit: limits.max_expanded,
        });
    }
    let has = |n: &str| names.iter().any(|x| x == n);
    if has("xl/workbook.xml")
        || names
            .iter()
            .any(|n| n.starts_with("xl/") && n.ends_with("workbook.xml"))
    {
        return Ok(Kind::Xlsx);
    }
    if has("content.xml") && has("mimetype") {
        return Ok(Kind::Ods);
    }
    if has("word/document.xml") {
        return Err(not_a_workbook("这是 Word 文档，不是工作簿"));
    }
    Err(not_a_workbook("压缩包里没有工作簿内容"))
}

fn read_sheet<RS: std::io::Read + std::io::Seek>(
    sheets: &mut Sheets<RS>,
    name: &str,
) -> std::result::Result<Sheet, String> {
    let mut sheet = Sheet {
        name: name.to_string(),
        ..Sheet::default()
    };
    match sheets {
        Sheets::Xlsx(x) => {
            // Stream cells with their formulas: a formula without a cached value reads as empty
            // in calamine, and must be reported, not read as 0.
            {
                let mut reader = x.worksheet_cells_reader(name).map_err(|e| e.to_string())?;
                while let Some(cell) = reader.next_cell_with_formula().map_err(|e| e.to_string())? {
                    let value = match (from_ref(&cell.value), cell.formula) {
                        (Some(v), _) => v,
                        (None, Some(f)) if !f.is_empty() => Value::Uncached(f),
                        (None, _) => continue,
                    };
                    sheet.cells.insert(cell.pos, value);
                }
            }
            sheet.merges = x
                .merge_cells_by_sheet_name(name)
                .map_err(|e| e.to_string())?
                .into_iter()
                .map(|d| (d.start, d.end))
                .collect();
        }
        Sheets::Xls(x) => {
            let range = x.worksheet_range(name).map_err(|e| e.to_string())?;
            fill(&mut sheet, &range);
            sheet.merges = x
                .merge_cells_by_sheet_name(name)
                .map_err(|e| e.to_string())?
                .into_iter()
                .map(|d| (d.start, d.end))
                .collect();
        }
        other => {
            let range = other.worksheet_range(name).map_err(|e| e.to_string())?;
            fill(&mut sheet, &range);
        }
    }
    Ok(sheet)
}

fn fill(sheet: &mut Sheet, range: &calamine::Range<Data>) {
    let (r0, c0) = range.start().unwrap_or((0, 0));
    for (r, c, v) in range.used_cells() {
        if let Some(value) = from_data(v) {
            let (r, c) = (r0 as u64 + r as u64, c0 as u64 + c as u64);
            if let (Ok(r), Ok(c)) = (u32::try_from(r), u32::try_from(c)) {
                sheet.cells.insert((r, c), value);
            }
        }
    }
}

fn text(s: &str) -> Option<Value> {
    let t = crate::text::clean(s);
    (!t.trim().is_empty()).then_some(Value::Text(t))
}

fn date(d: &calamine::ExcelDateTime) -> Value {
    let (y, m, day, ..) = d.to_ymd_hms_milli();
    Value::Date(Date::new(i32::from(y), u32::from(m), u32::from(day)))
}

fn from_ref(v: &DataRef<'_>) -> Option<Value> {
    match v {
        DataRef::Int(i) => Some(Value::Number(*i as f64)),
        DataRef::Float(f) => Some(Value::Number(*f)),
        DataRef::String(s) => text(s),
        DataRef::SharedString(s) => text(s),
        DataRef::Bool(b) => Some(Value::Bool(*b)),
        DataRef::DateTime(d) => Some(date(d)),
        DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => Some(Value::Date(parse_iso_date(s))),
        DataRef::Error(e) => Some(Value::Error(e.to_string())),
        DataRef::Empty => None,
    }
}

fn from_data(v: &Data) -> Option<Value> {
    match v {
        Data::Int(i) => Some(Value::Number(*i as f64)),
        Data::Float(f) => Some(Value::Number(*f)),
        Data::String(s) => text(s),
        Data::Bool(b) => Some(Value::Bool(*b)),
        Data::DateTime(d) => Some(date(d)),
        Data::DateTimeIso(s) | Data::DurationIso(s) => Some(Value::Date(parse_iso_date(s))),
        Data::Error(e) => Some(Value::Error(e.to_string())),
        Data::Empty => None,
    }
}

fn parse_iso_date(s: &str) -> Option<Date> {
    let mut it = s.get(..10)?.split('-');
    let y = it.next()?.parse().ok()?;
    let m = it.next()?.parse().ok()?;
    let d = it.next()?.parse().ok()?;
    Date::new(y, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_bytes(bytes: &[u8]) -> Result<Book> {
        parse(Path::new("x.xlsx"), bytes, Limits::default())
    }

    #[test]
    fn non_workbooks_are_named() {
        assert!(matches!(parse_bytes(b""), Err(Error::NotAWorkbook { .. })));
        assert!(matches!(
            parse_bytes(b"hello"),
            Err(Error::NotAWorkbook { .. })
        ));
        assert!(matches!(
            parse_bytes(b"PK\x03\x04broken"),
            Err(Error::NotAWorkbook { .. })
        ));
    }

    #[test]
    fn size_limit_applies_before_parsing() {
        let limits = Limits {
            max_input: 4,
            max_expanded: 4,
        };
        let r = parse(Path::new("x.xlsx"), b"123456", limits);
        assert!(matches!(
            r,
            Err(Error::TooLarge {
                size: 6,
                limit: 4,
                ..
            })
        ));
    }
}
