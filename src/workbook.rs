//! Opening a workbook file (.xlsx, .xls, .ods) into sheets of cell values, safely.
//!
//! Limits are applied before anything is decompressed: the file size, and for zip packages the
//! sizes their entries declare. Encrypted and non-workbook files are recognised by their bytes
//! and named. Cells are kept sparse, so a stray cell at XFD1048576 costs nothing.

// Cells, bytes and text come from the input: no indexing or slicing that can panic.
#![deny(clippy::indexing_slicing)]

use crate::error::{Error, Result};
use crate::rules;
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

    /// Refuses bytes of `path` larger than the input limit (bytes given by a caller, not read).
    pub(crate) fn check_input(&self, path: &Path, bytes: &[u8]) -> Result<()> {
        let size = bytes.len() as u64;
        if size > self.max_input {
            return Err(Error::TooLarge {
                path: path.to_path_buf(),
                size,
                limit: self.max_input,
            });
        }
        Ok(())
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
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Sheet {
    /// Sheet name.
    pub name: String,
    /// Non-empty cells by (row, column), row-major.
    pub cells: BTreeMap<(u32, u32), Value>,
    /// Merged ranges: ((first row, first col), (last row, last col)).
    pub merges: Vec<((u32, u32), (u32, u32))>,
    /// Cells whose text held control characters (or U+FFFE, U+FFFF), which were removed.
    pub stripped: Vec<(u32, u32)>,
    /// Cells whose formula takes its value from another file or program (an external link,
    /// DDE, RTD), with the formula: their value is the one cached when the file was saved.
    pub linked: Vec<((u32, u32), String)>,
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

/// Reads a workbook file, applying the limits first: only a regular file, and never more than
/// the size limit plus one byte, whatever its size claims (see [`crate::files::read_bounded`]).
pub fn open(path: &Path, limits: Limits) -> Result<Book> {
    let bytes = crate::files::read_bounded(path, limits.max_input)?;
    parse(path, &bytes, limits)
}

/// The bytes of an input file: only a regular file, never more than the size limit plus one
/// byte (the document readers share it).
pub(crate) fn read_limited(path: &Path, limits: Limits) -> Result<Vec<u8>> {
    crate::files::read_bounded(path, limits.max_input)
}

/// Excel's last row (1048576), zero-based: no workbook has a cell below it.
pub const MAX_ROW: u32 = 1_048_575;
/// Excel's last column (XFD), zero-based.
pub const MAX_COL: u32 = 16_383;
/// Largest rectangle (rows × columns of a sheet's used range) the .xls and .ods readers may
/// build in memory: they hold every cell of it. A statistics sheet uses a few hundred.
pub const MAX_GRID_CELLS: u64 = 4_000_000;
/// Most non-empty cells read from one workbook (a statistics workbook has a few thousand).
pub const MAX_CELLS: usize = 1_000_000;
/// Most merged ranges read from one sheet.
pub const MAX_MERGES: usize = 5_000;

/// Reads a workbook from its bytes; `path` only names it in messages.
///
/// Never panics and never builds more than the limits allow: the format is recognised and the
/// zip sizes checked first, the sheets' extents are checked before the spreadsheet reader
/// builds them (its .xls and .ods readers hold whole rectangles), and a panic inside that
/// reader on a damaged file is reported as a damaged file.
pub fn parse(path: &Path, bytes: &[u8], limits: Limits) -> Result<Book> {
    limits.check_input(path, bytes)?;
    let kind = detect(path, bytes, limits)?;
    match kind {
        Kind::Xlsx => shared_strings_fit(path, bytes, limits)?,
        Kind::Xls => xls_extent(path, bytes)?,
        Kind::Ods => ods_extent(path, bytes, limits)?,
    }
    contained(path, || read_book(path, bytes, kind))
}

/// Runs the spreadsheet reader, turning a panic on a damaged file into [`Error::Damaged`] that
/// says where the reader gave up.
///
/// The reader's panic is not printed: the first call wraps the process's panic hook so that a
/// panic inside this function on this thread is only recorded; every other panic goes to the
/// hook that was there before.
fn contained<T>(path: &Path, f: impl FnOnce() -> Result<T>) -> Result<T> {
    caught(f).unwrap_or_else(|at| {
        Err(Error::Damaged {
            path: path.to_path_buf(),
            detail: format!("文件内部结构不完整或不一致（表格读取组件在 {at} 处无法继续）"),
        })
    })
}

/// Runs `f`; a panic inside it is caught without being printed and returned as `Err` with
/// the place it happened (`crate-x.y/src/file.rs:line`). Other threads' panics are untouched.
/// Used around third-party readers of hostile files (calamine, lopdf).
pub(crate) fn caught<T>(f: impl FnOnce() -> T) -> std::result::Result<T, String> {
    use std::cell::{Cell, RefCell};
    thread_local! {
        static INSIDE: Cell<bool> = const { Cell::new(false) };
        static WHERE: RefCell<String> = const { RefCell::new(String::new()) };
    }
    static HOOK: std::sync::Once = std::sync::Once::new();
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !INSIDE.with(Cell::get) {
                return previous(info);
            }
            // The crate's own path: the last three components (calamine-x.y/src/xls.rs).
            let at = info.location().map_or_else(String::new, |l| {
                let parts: Vec<&str> = l.file().rsplit(['/', '\\']).take(3).collect();
                let file: Vec<&str> = parts.into_iter().rev().collect();
                format!("{}:{}", file.join("/"), l.line())
            });
            WHERE.with(|w| *w.borrow_mut() = at);
        }));
    });
    // Nested calls (a reader inside a reader) keep the outer call's state.
    let outer = INSIDE.with(|i| i.replace(true));
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f));
    INSIDE.with(|i| i.set(outer));
    result.map_err(|_| WHERE.with(|w| std::mem::take(&mut *w.borrow_mut())))
}

fn read_book(path: &Path, bytes: &[u8], kind: Kind) -> Result<Book> {
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
            .map_err(|e: calamine::OdsError| match e {
                calamine::OdsError::Password => Error::Encrypted {
                    path: path.to_path_buf(),
                },
                e => damaged(e.to_string()),
            })?,
    };
    let metadata: Vec<(String, bool)> = sheets
        .sheets_metadata()
        .iter()
        .map(|s| (s.name.clone(), s.visible == SheetVisible::Visible))
        .collect();
    let known_merges = if kind == Kind::Xlsx {
        xlsx_merges(bytes)
    } else {
        None
    };
    let mut book = Book::default();
    let mut cells = 0usize;
    for (name, visible) in metadata {
        if !visible {
            book.hidden.push(name);
            continue;
        }
        let merges = known_merges.as_ref().and_then(|m| m.get(&name));
        let sheet = read_sheet(&mut sheets, &name, merges).map_err(damaged)?;
        cells = cells.saturating_add(sheet.cells.len());
        if cells > MAX_CELLS {
            return Err(damaged(format!(
                "有内容的单元格超过 {MAX_CELLS} 个，不像是统计表"
            )));
        }
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
        let head = bytes.get(..512).unwrap_or(bytes);
        // Text cut off in the middle of a character is still text.
        let valid = std::str::from_utf8(head).map_or_else(|e| e.error_len().is_none(), |_| true);
        let text = valid && !head.iter().any(|&b| b < 0x20 && !b"\t\n\r".contains(&b));
        let csv = path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("csv") || e.eq_ignore_ascii_case("txt"));
        return Err(not_a_workbook(match (text, csv) {
            (_, true) => "这是 CSV 文本文件，只有一张表的数值，没有统计表的三张表和基本信息。请使用填好的统计表工作簿本身（.xlsx），不要另存为 CSV",
            (true, false) => "内容是文本，不是工作簿（可能只是把文件扩展名改成了 .xlsx）",
            (false, false) => "文件内容无法识别为工作簿",
        }));
    }
    let archive = zip::ZipArchive::new(Cursor::new(bytes))
        .map_err(|e| not_a_workbook(&format!("压缩包已损坏或不完整（{e}）")))?;
    let mut names = Vec::with_capacity(archive.len());
    for i in 0..archive.len() {
        if let Some(Ok(entry)) = archive.name_for_index(i) {
            names.push(entry.to_string());
        }
    }
    let mut archive = archive;
    zip_within(path, &mut archive, limits)?;
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
    if names
        .iter()
        .any(|n| n.starts_with("xl/") && n.ends_with("workbook.bin"))
    {
        return Err(not_a_workbook(
            "这是 Excel 二进制工作簿（.xlsb），本工具不读取。请在 Excel 或 WPS 中打开，另存为 .xlsx 后再试",
        ));
    }
    if has("word/document.xml") {
        return Err(not_a_workbook("这是 Word 文档，不是工作簿"));
    }
    Err(not_a_workbook("压缩包里没有工作簿内容"))
}

/// Refuses a zip package whose entries declare more than the limit in total (a zip bomb).
/// Declared sizes come from the central directory only: nothing is decompressed here, and a
/// reader of an entry must still stop at its declared size.
pub(crate) fn zip_within<R: std::io::Read + std::io::Seek>(
    path: &Path,
    archive: &mut zip::ZipArchive<R>,
    limits: Limits,
) -> Result<()> {
    let mut expanded: u64 = 0;
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
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Extents, checked before the spreadsheet reader builds anything

/// The used range of one sheet, as the spreadsheet reader will build it.
#[derive(Debug, Default)]
struct Extent {
    /// (first row, first col, last row, last col) of the non-empty cells.
    bounds: Option<(u64, u64, u64, u64)>,
    /// Cells the reader holds on the way (rows as written, before repeats are expanded; the
    /// rectangle an .xls DIMENSIONS record declares).
    held: u64,
    /// The rectangle behind `held`, when it is declared rather than used.
    declared: Option<(u64, u64, u64, u64)>,
}

impl Extent {
    fn add(&mut self, rows: (u64, u64), cols: (u64, u64)) {
        self.bounds = Some(match self.bounds {
            None => (rows.0, cols.0, rows.1, cols.1),
            Some((r0, c0, r1, c1)) => (
                r0.min(rows.0),
                c0.min(cols.0),
                r1.max(rows.1),
                c1.max(cols.1),
            ),
        });
    }

    fn cells(&self) -> u64 {
        self.bounds.map_or(0, |(r0, c0, r1, c1)| {
            (r1.saturating_sub(r0) + 1).saturating_mul(c1.saturating_sub(c0) + 1)
        })
    }

    /// Refuses a sheet whose rectangle (or what is held on the way) is beyond the limit.
    fn check(&self, path: &Path, sheet: &str) -> Result<()> {
        let cells = self.cells().max(self.held);
        if cells <= MAX_GRID_CELLS {
            return Ok(());
        }
        let at = |r: u64, c: u64| {
            let clip = |x: u64| u32::try_from(x).unwrap_or(u32::MAX);
            crate::diagnostics::a1(clip(r), clip(c))
        };
        let bounds = if self.held > self.cells() {
            self.declared.or(self.bounds)
        } else {
            self.bounds
        };
        let range = bounds.map_or_else(String::new, |(r0, c0, r1, c1)| {
            format!("{}:{}", at(r0, c0), at(r1, c1))
        });
        Err(Error::TooManyCells {
            path: path.to_path_buf(),
            sheet: sheet.to_string(),
            range,
            cells,
            limit: MAX_GRID_CELLS,
        })
    }
}

/// An .xlsx whose shared-string table declares more strings than its size can hold would make
/// the reader reserve memory for all of them.
fn shared_strings_fit(path: &Path, bytes: &[u8], limits: Limits) -> Result<()> {
    use std::io::Read;
    let Ok(mut archive) = zip::ZipArchive::new(Cursor::new(bytes)) else {
        return Ok(()); // detect() has opened it already
    };
    let names: Vec<String> = archive
        .file_names()
        .filter_map(|n| n.ok().map(|n| n.into_owned()))
        .filter(|n| n.to_ascii_lowercase().ends_with("sharedstrings.xml"))
        .collect();
    for name in names {
        let Ok(file) = archive.by_name(&name) else {
            continue;
        };
        let size = file.size();
        let mut head = Vec::new();
        // The <sst> element opens the part: its first few kilobytes are enough.
        if file
            .take(4096.min(limits.max_expanded))
            .read_to_end(&mut head)
            .is_err()
        {
            continue; // the reader reports the damage
        }
        let text = String::from_utf8_lossy(&head);
        let Some(at) = text.find("uniqueCount=") else {
            continue;
        };
        let digits: String = text
            .get(at + "uniqueCount=".len()..)
            .unwrap_or("")
            .chars()
            .skip(1)
            .take_while(char::is_ascii_digit)
            .collect();
        // Each string takes at least `<si/>`, 5 bytes.
        let declared: u64 = digits.parse().unwrap_or(u64::MAX);
        if declared > size / 5 + 1 {
            return Err(Error::Damaged {
                path: path.to_path_buf(),
                detail: format!(
                    "共享字符串表声明有 {digits} 个字符串，但只有 {size} 字节，文件内容不一致"
                ),
            });
        }
    }
    Ok(())
}

/// The extent of every sheet of an .ods, read from content.xml the way the reader will read it
/// (repeated rows and columns counted, capped like the reader caps them).
fn ods_extent(path: &Path, bytes: &[u8], limits: Limits) -> Result<()> {
    use quick_xml::events::Event;
    use std::io::Read;
    const ROWS: u64 = MAX_ROW as u64 + 1;
    const COLS: u64 = MAX_COL as u64 + 1;
    let Ok(mut archive) = zip::ZipArchive::new(Cursor::new(bytes)) else {
        return Ok(());
    };
    let Ok(file) = archive.by_name("content.xml") else {
        return Ok(()); // the reader reports it
    };
    let mut xml =
        quick_xml::Reader::from_reader(std::io::BufReader::new(file.take(limits.max_expanded)));
    let repeats = |e: &quick_xml::events::BytesStart<'_>, key: &[u8]| -> u64 {
        e.attributes()
            .flatten()
            .find(|a| a.key.as_ref() == key)
            .and_then(|a| {
                std::str::from_utf8(&a.value)
                    .ok()?
                    .trim()
                    .parse::<u64>()
                    .ok()
            })
            .unwrap_or(1)
    };
    let mut buf = Vec::new();
    let mut sheet = String::new();
    let mut extent = Extent::default();
    let (mut row, mut row_repeat, mut col) = (0u64, 1u64, 0u64);
    let mut row_cols: Option<(u64, u64)> = None;
    loop {
        buf.clear();
        let Ok(event) = xml.read_event_into(&mut buf) else {
            return Ok(()); // malformed XML: the reader reports it
        };
        let (e, open) = match &event {
            Event::Start(e) => (e, true),
            Event::Empty(e) => (e, false),
            Event::End(e) => {
                match e.name().as_ref() {
                    b"table:table-row" => {
                        if let Some((c0, c1)) = row_cols.take() {
                            extent.add((row, row + row_repeat - 1), (c0, c1));
                            extent.held = extent.held.saturating_add(c1 + 1);
                        }
                        row = row.saturating_add(row_repeat);
                    }
                    b"table:table" => {
                        extent.check(path, &sheet)?;
                        extent = Extent::default();
                        row = 0;
                    }
                    _ => {}
                }
                continue;
            }
            Event::Eof => return Ok(()),
            _ => continue,
        };
        match e.name().as_ref() {
            b"table:table" => {
                sheet = e
                    .attributes()
                    .flatten()
                    .find(|a| a.key.as_ref() == b"table:name")
                    .map(|a| String::from_utf8_lossy(&a.value).into_owned())
                    .unwrap_or_default();
            }
            b"table:table-row" => {
                row_repeat = repeats(e, b"table:number-rows-repeated")
                    .min(ROWS.saturating_sub(row))
                    .max(1);
                col = 0;
                row_cols = None;
                if !open {
                    row = row.saturating_add(row_repeat);
                }
            }
            b"table:table-cell" | b"table:covered-table-cell" => {
                let n = repeats(e, b"table:number-columns-repeated")
                    .min(COLS.saturating_sub(col))
                    .max(1);
                let valued = e.attributes().flatten().any(|a| {
                    matches!(
                        a.key.as_ref(),
                        b"office:value-type" | b"office:value" | b"table:formula"
                    )
                });
                if open || valued {
                    let last = col + n - 1;
                    row_cols = Some(row_cols.map_or((col, last), |(c0, _)| (c0, last)));
                }
                col = col.saturating_add(n).min(COLS);
            }
            _ => {}
        }
    }
}

// A compound (OLE) file as the .xls reader walks it: sectors after the header sector, the
// sector allocation table, and chains followed until their end. The reader follows chains
// without noticing cycles (a cycle grows memory without end), so every chain is walked here
// first, and the workbook stream found the way the reader finds it.

const END_OF_CHAIN: u32 = 0xFFFF_FFFE;
const DIF_SECTOR: u32 = 0xFFFF_FFFC;
const RESERVED_SECTORS: u32 = 0xFFFF_FFFA;

fn u16_at(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_le_bytes(b.get(at..at + 2)?.try_into().ok()?))
}

fn u32_at(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

fn u32s(b: &[u8]) -> impl Iterator<Item = u32> + '_ {
    b.chunks_exact(4)
        .filter_map(|c| c.try_into().ok().map(u32::from_le_bytes))
}

/// The bytes of sector `id` (shorter at the end of the file), if it can exist.
fn cfb_sector(data: &[u8], size: usize, maxid: u64, id: u32) -> std::result::Result<&[u8], String> {
    if u64::from(id) > maxid {
        return Err(format!("扇区 {id} 超出文件末尾"));
    }
    let start = (id as usize).saturating_mul(size);
    let end = start.saturating_add(size).min(data.len());
    Ok(data.get(start..end).unwrap_or_default())
}

/// Follows a chain from `id` for up to `len` bytes; a chain longer than the file has sectors
/// is a cycle.
fn cfb_chain(
    data: &[u8],
    size: usize,
    maxid: u64,
    fat: &[u32],
    mut id: u32,
    len: usize,
) -> std::result::Result<Vec<u8>, String> {
    let mut out = Vec::new();
    let mut steps: u64 = 0;
    while id != END_OF_CHAIN {
        steps += 1;
        if steps > maxid.saturating_add(2) {
            return Err("扇区链首尾相接（循环）".to_string());
        }
        let sector = cfb_sector(data, size, maxid, id)?;
        let take = sector.len().min(len.saturating_sub(out.len()));
        out.extend_from_slice(sector.get(..take).unwrap_or_default());
        if out.len() >= len {
            break;
        }
        id = *fat
            .get(id as usize)
            .ok_or_else(|| format!("扇区 {id} 不在分配表中"))?;
    }
    Ok(out)
}

/// The workbook stream (Workbook, or Book for BIFF5), found like the reader finds it.
fn workbook_stream(bytes: &[u8]) -> std::result::Result<Vec<u8>, String> {
    let header = bytes.get(..512).ok_or("文件头不完整")?;
    let version = u16_at(header, 26).unwrap_or(0);
    let size: usize = match u16_at(header, 30) {
        Some(9) => 512,
        Some(12) => 4096,
        _ => return Err("扇区大小无效".to_string()),
    };
    let body = bytes.get(size..).ok_or("文件头不完整")?;
    let maxid = (bytes.len() / size) as u64;
    let field = |at: usize| u32_at(header, at).unwrap_or(0);
    let (dir_start, mini_fat_start, mini_fat_len, difat_start) =
        (field(48), field(60), field(64), field(68));
    let mut difat: Vec<u32> = u32s(header.get(76..512).unwrap_or_default()).collect();
    let mut id = difat_start;
    let mut steps: u64 = 0;
    while id < RESERVED_SECTORS {
        steps += 1;
        if steps > maxid.saturating_add(1) {
            return Err("扇区分配表链首尾相接（循环）".to_string());
        }
        difat.extend(u32s(cfb_sector(body, size, maxid, id)?));
        id = difat.pop().ok_or("扇区分配表不完整")?;
    }
    let mut fat = Vec::new();
    for id in difat.into_iter().filter(|&id| id < DIF_SECTOR) {
        fat.extend(u32s(cfb_sector(body, size, maxid, id)?));
    }
    let dirs = cfb_chain(body, size, maxid, &fat, dir_start, usize::MAX)?;
    let entries: Vec<(String, u32, usize)> = dirs
        .chunks_exact(128)
        .map(|d| {
            let units: Vec<u16> = d
                .get(..64)
                .unwrap_or_default()
                .chunks_exact(2)
                .filter_map(|u| u.try_into().ok().map(u16::from_le_bytes))
                .take_while(|&u| u != 0)
                .collect();
            let name = String::from_utf16_lossy(&units);
            let start = u32_at(d, 116).unwrap_or(END_OF_CHAIN);
            let len = if size == 512 {
                u32_at(d, 120).map_or(0, |l| l as usize)
            } else {
                u32_at(d, 120).map_or(0, |l| l as usize)
                    | u32_at(d, 124).map_or(0, |h| (h as usize) << 32)
            };
            (name, start, len)
        })
        .collect();
    let Some(root) = entries.first() else {
        return Err("没有根目录".to_string());
    };
    if version != 3 && root.1 == END_OF_CHAIN {
        return Err("根目录为空".to_string());
    }
    let (mini_fat, mini_stream) = if mini_fat_len > 0 {
        let stream = cfb_chain(body, size, maxid, &fat, root.1, root.2)?;
        let table = cfb_chain(
            body,
            size,
            maxid,
            &fat,
            mini_fat_start,
            (mini_fat_len as usize).saturating_mul(size),
        )?;
        (u32s(&table).collect::<Vec<u32>>(), stream)
    } else {
        (Vec::new(), Vec::new())
    };
    let found = ["Workbook", "Book"].iter().find_map(|want| {
        entries
            .iter()
            .find(|(name, ..)| name.eq_ignore_ascii_case(want))
    });
    let Some((_, start, len)) = found else {
        return Err("没有 Workbook 数据流".to_string());
    };
    if *len < 4096 {
        // Mini sectors must lie inside the mini stream: past it the reader reads at random.
        // Only whole mini sectors: the last index is the last whole one.
        let Some(mini_max) = (mini_stream.len() / 64).checked_sub(1) else {
            return Err("迷你流为空".to_string());
        };
        cfb_chain(&mini_stream, 64, mini_max as u64, &mini_fat, *start, *len)
    } else {
        cfb_chain(body, size, maxid, &fat, *start, *len)
    }
}

/// The extent of every sheet of an .xls, from its BIFF records: the cells' positions and the
/// size each sheet's DIMENSIONS record asks the reader to reserve.
fn xls_extent(path: &Path, bytes: &[u8]) -> Result<()> {
    let damaged = |detail: String| Error::Damaged {
        path: path.to_path_buf(),
        detail: format!("复合文档结构有误（{detail}）"),
    };
    let stream = workbook_stream(bytes).map_err(damaged)?;
    let records = |from: usize| biff_records(&stream, from);
    // The globals: every sheet's name and where its records start.
    let mut sheets: Vec<(usize, String)> = Vec::new();
    for (typ, data) in records(0) {
        match typ {
            0x0085 => {
                let pos = u32_at(data, 0).map_or(usize::MAX, |p| p as usize);
                let name =
                    sheet_name(data).unwrap_or_else(|| format!("第 {} 个工作表", sheets.len() + 1));
                sheets.push((pos, name));
            }
            0x000A => break,
            _ => {}
        }
    }
    for (pos, name) in sheets {
        let mut extent = Extent::default();
        let mut depth = 0usize;
        let mut seen_bof = false;
        for (typ, data) in records(pos) {
            if depth > 0 {
                match typ {
                    0x0809 => depth += 1,
                    0x000A => depth -= 1,
                    _ => {}
                }
                continue;
            }
            let cell =
                |data: &[u8]| Some((u64::from(u16_at(data, 0)?), u64::from(u16_at(data, 2)?)));
            match typ {
                0x0809 if seen_bof => depth += 1,
                0x0809 => seen_bof = true,
                0x000A => break,
                // DIMENSIONS: the reader reserves rows × columns cells from it.
                0x0200 => {
                    if let Some((reserved, rect)) = dimensions(data) {
                        if reserved > extent.held {
                            extent.held = reserved;
                            extent.declared = Some(rect);
                        }
                    }
                }
                0x0203 | 0x0204 | 0x00D6 | 0x0205 | 0x027E | 0x00FD | 0x0006 => {
                    if let Some((r, c)) = cell(data) {
                        extent.add((r, r), (c, c));
                    }
                }
                // MULRK: one row, a run of columns.
                0x00BD => {
                    let last = data.len().checked_sub(2).and_then(|at| u16_at(data, at));
                    if let (Some((r, c0)), Some(c1)) = (cell(data), last) {
                        let c1 = u64::from(c1).max(c0);
                        extent.add((r, r), (c0, c1));
                    }
                }
                _ => {}
            }
        }
        extent.check(path, &name)?;
    }
    Ok(())
}

/// BIFF records from `at`: (type, data), CONTINUE records left as they are (cells never
/// continue).
fn biff_records(stream: &[u8], mut at: usize) -> impl Iterator<Item = (u16, &[u8])> {
    std::iter::from_fn(move || {
        let typ = u16_at(stream, at)?;
        let len = usize::from(u16_at(stream, at + 2)?);
        let data = stream.get(at + 4..at + 4 + len)?;
        at += 4 + len;
        Some((typ, data))
    })
}

/// How many cells the reader reserves for a DIMENSIONS record (its arithmetic, in u32), and the
/// rectangle the record declares.
fn dimensions(r: &[u8]) -> Option<(u64, (u64, u64, u64, u64))> {
    let (rf, rl, mut cf, cl) = match r.len() {
        10 => (
            u32::from(u16_at(r, 0)?),
            u32::from(u16_at(r, 2)?),
            u32::from(u16_at(r, 4)?),
            u32::from(u16_at(r, 6)?),
        ),
        14 | 16 => (
            u32_at(r, 0)?,
            u32_at(r, 4)?,
            u32::from(u16_at(r, 8)?),
            u32::from(u16_at(r, 10)?),
        ),
        _ => return None,
    };
    if 0xFF < cf || cl < cf {
        cf = 0;
    }
    let (start, end) = if 1 <= rl && 1 <= cl {
        ((rf, cf), (rl - 1, cl - 1))
    } else {
        ((rf, cf), (rf, cf))
    };
    let rect = (
        u64::from(start.0),
        u64::from(start.1),
        u64::from(end.0),
        u64::from(end.1),
    );
    // The reader's u32 arithmetic wraps (or stops) on a reversed range: treat it as huge.
    if end.0 < start.0 || end.1 < start.1 {
        return Some((u64::MAX, rect));
    }
    let rows = u64::from(end.0 - start.0) + 1;
    let cols = u64::from(end.1 - start.1) + 1;
    Some((rows.saturating_mul(cols), rect))
}

/// The name in a BOUNDSHEET record (BIFF8: a short Unicode string after six bytes).
fn sheet_name(data: &[u8]) -> Option<String> {
    let cch = usize::from(*data.get(6)?);
    let high = data.get(7)? & 1 == 1;
    let chars = data.get(8..)?;
    let name = if high {
        let units: Vec<u16> = chars
            .get(..cch * 2)?
            .chunks_exact(2)
            .filter_map(|u| u.try_into().ok().map(u16::from_le_bytes))
            .collect();
        String::from_utf16_lossy(&units)
    } else {
        chars.get(..cch)?.iter().map(|&b| char::from(b)).collect()
    };
    Some(crate::charset::clean(&name))
}

/// The merged ranges of every worksheet of an .xlsx package, by sheet name, found by scanning
/// each sheet part for its `<mergeCells>` (calamine would parse the whole sheet's XML a second
/// time for them). `None` when the package is unusual in any way: calamine then reads them.
fn xlsx_merges(bytes: &[u8]) -> Option<BTreeMap<String, Vec<Merge>>> {
    use quick_xml::events::Event;
    use std::io::Read;
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).ok()?;
    let mut part = |name: &str| -> Option<Vec<u8>> {
        let mut f = zip.by_name(name).ok()?;
        let mut v = Vec::with_capacity(usize::try_from(f.size()).ok()?.min(1 << 24));
        f.read_to_end(&mut v).ok()?;
        Some(v)
    };
    // (attribute local name, value) pairs of every element named `tag` in `xml`.
    type Attrs = Vec<(Vec<u8>, String)>;
    let elements = |xml: &[u8], tag: &[u8]| -> Option<Vec<Attrs>> {
        let mut reader = quick_xml::Reader::from_reader(xml);
        let mut out = Vec::new();
        loop {
            match reader.read_event().ok()? {
                Event::Start(e) | Event::Empty(e) if e.local_name().as_ref() == tag => {
                    let mut attrs = Vec::new();
                    for a in e.attributes() {
                        let a = a.ok()?;
                        let value = a
                            .decoded_and_normalized_value(
                                quick_xml::XmlVersion::Implicit1_0,
                                reader.decoder(),
                            )
                            .ok()?
                            .into_owned();
                        attrs.push((a.key.local_name().as_ref().to_vec(), value));
                    }
                    out.push(attrs);
                }
                Event::Eof => return Some(out),
                _ => {}
            }
        }
    };
    let get =
        |attrs: &Attrs, key: &[u8]| attrs.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone());
    let rels = elements(&part("xl/_rels/workbook.xml.rels")?, b"Relationship")?;
    let mut out = BTreeMap::new();
    for sheet in elements(&part("xl/workbook.xml")?, b"sheet")? {
        let name = get(&sheet, b"name")?;
        let id = get(&sheet, b"id")?;
        let target = rels
            .iter()
            .find(|r| get(r, b"Id").as_deref() == Some(id.as_str()))?;
        let target = get(target, b"Target")?;
        let path = match target.strip_prefix('/') {
            Some(absolute) => absolute.to_string(),
            None => format!("xl/{target}"),
        };
        let xml = part(&path)?;
        let at = memchr::memmem::find(&xml, b"<mergeCells")
            .or_else(|| memchr::memmem::find(&xml, b":mergeCells"));
        let mut merges = Vec::new();
        if let Some(at) = at {
            // From the list's start tag to its end tag: the rest of the sheet is not parsed.
            let tail = xml.get(at.saturating_sub(1)..)?;
            let end = memchr::memmem::find(tail, b"mergeCells>")
                .map_or(tail.len(), |e| e + b"mergeCells>".len());
            let list = tail.get(..end)?;
            for cell in elements(list, b"mergeCell")? {
                let r = get(&cell, b"ref")?;
                let (a, b) = r.split_once(':').unwrap_or((&r, &r));
                merges.push((a1_cell(a)?, a1_cell(b)?));
            }
        }
        out.insert(name, merges);
    }
    Some(out)
}

/// Whether a formula takes its value from outside the workbook: a reference to another
/// workbook (`[1]Sheet1!A1`, `'[统计.xlsx]表三'!C5`, `'C:\\x\\[a.xls]S'!A1`), a DDE link
/// (`程序|主题!项目`), or a real-time or web function (RTD, WEBSERVICE). Text inside double
/// quotes is a string, not a reference.
pub fn is_linked(formula: &str) -> bool {
    let mut outside = String::with_capacity(formula.len());
    let mut quoted = false;
    for c in formula.chars() {
        if c == '"' {
            quoted = !quoted;
        } else if !quoted {
            outside.push(c);
        }
    }
    let upper = outside.to_ascii_uppercase();
    if outside.contains('|') || upper.contains("RTD(") || upper.contains("WEBSERVICE(") {
        return true;
    }
    outside.split('[').skip(1).any(|rest| {
        let inner = rest.split(']').next().unwrap_or("");
        let lower = inner.to_ascii_lowercase();
        (!inner.is_empty() && inner.bytes().all(|b| b.is_ascii_digit()))
            || [".xl", ".et", ".od", ".csv"]
                .iter()
                .any(|e| lower.contains(e))
            || inner.contains(['/', '\\'])
    })
}

/// READ-EXTERNAL warnings: one per sheet whose cells take their values from another file or
/// program, naming the cells and quoting the first formula.
pub fn linked_warnings(book: &Book) -> Vec<crate::diagnostics::Diagnostic> {
    use crate::diagnostics::CellRef;
    const NAMED: usize = 20;
    book.sheets
        .iter()
        .filter_map(|sheet| {
            let ((r, c), formula) = sheet.linked.first()?;
            let formula: String = formula.chars().take(80).collect();
            let first = CellRef::new(&sheet.name, *r, *c);
            let more = match sheet.linked.len() {
                1 => String::new(),
                n => format!("（本表共 {n} 处）"),
            };
            Some(
                rules::READ_EXTERNAL.warning(format!(
                        "{first} 的公式“={formula}”取自另一个文件或程序{more}：读取的是统计表上次保存时留下的值，那个文件后来的修改不在其中。"
                    ),
                )
                .at(sheet
                    .linked
                    .iter()
                    .take(NAMED)
                    .map(|&((r, c), _)| CellRef::new(&sheet.name, r, c)))
                .hint("请在 Excel/WPS 中打开统计表，用“数据 → 编辑链接 → 断开链接”把这些公式换成数值（或直接填入数字）后保存，再运行本工具。"),
            )
        })
        .collect()
}

/// A1 reference → 0-based (row, col), e.g. C3 → (2, 2).
fn a1_cell(a: &str) -> Option<(u32, u32)> {
    let split = a.find(|c: char| c.is_ascii_digit())?;
    let (letters, digits) = a.split_at(split);
    if letters.is_empty() || letters.len() > 3 {
        return None;
    }
    let col = letters.bytes().try_fold(0u32, |n, b| {
        b.is_ascii_uppercase()
            .then(|| n * 26 + u32::from(b - b'A') + 1)
    })?;
    let row: u32 = digits.parse().ok()?;
    Some((row.checked_sub(1)?, col.checked_sub(1)?))
}

fn read_sheet<RS: std::io::Read + std::io::Seek>(
    sheets: &mut Sheets<RS>,
    name: &str,
    known_merges: Option<&Vec<Merge>>,
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
                    if let Some(f) = cell.formula.as_deref().filter(|f| is_linked(f)) {
                        sheet.linked.push((cell.pos, f.to_string()));
                    }
                    let value = match (from_ref(&cell.value), cell.formula) {
                        (Some(v), _) => v,
                        (None, Some(f)) if !f.is_empty() => Value::Uncached(f),
                        (None, _) => continue,
                    };
                    let (row, col) = cell.pos;
                    if row > MAX_ROW || col > MAX_COL {
                        return Err(beyond_excel(name, row, col));
                    }
                    let raw = match &cell.value {
                        DataRef::String(t) => Some(t.as_str()),
                        DataRef::SharedString(t) => Some(*t),
                        _ => None,
                    };
                    if raw.is_some_and(crate::charset::has_hidden) {
                        sheet.stripped.push(cell.pos);
                    }
                    sheet.cells.insert(cell.pos, value);
                    if sheet.cells.len() > MAX_CELLS {
                        return Err(format!(
                            "工作表“{name}”有内容的单元格超过 {MAX_CELLS} 个，不像是统计表"
                        ));
                    }
                }
            }
            sheet.merges = match known_merges {
                Some(m) => merges_within(name, m.iter().copied())?,
                None => {
                    let merges = x
                        .merge_cells_by_sheet_name(name)
                        .map_err(|e| e.to_string())?;
                    merges_within(name, merges.iter().map(|d| (d.start, d.end)))?
                }
            };
        }
        Sheets::Xls(x) => {
            let range = x.worksheet_range(name).map_err(|e| e.to_string())?;
            fill(&mut sheet, &range)?;
            let merges = x
                .merge_cells_by_sheet_name(name)
                .map_err(|e| e.to_string())?;
            sheet.merges = merges_within(name, merges.iter().map(|d| (d.start, d.end)))?;
        }
        other => {
            let range = other.worksheet_range(name).map_err(|e| e.to_string())?;
            fill(&mut sheet, &range)?;
        }
    }
    Ok(sheet)
}

fn beyond_excel(sheet: &str, row: u32, col: u32) -> String {
    format!(
        "工作表“{sheet}”中有位置超出 Excel 范围（XFD1048576）的单元格（第 {} 行第 {} 列）",
        u64::from(row) + 1,
        u64::from(col) + 1
    )
}

/// Merged ranges inside Excel's grid, well formed, not too many.
type Merge = ((u32, u32), (u32, u32));

fn merges_within(
    sheet: &str,
    merges: impl Iterator<Item = Merge>,
) -> std::result::Result<Vec<Merge>, String> {
    let mut out = Vec::new();
    for ((r0, c0), (r1, c1)) in merges {
        if r0 > r1 || c0 > c1 || r1 > MAX_ROW || c1 > MAX_COL {
            continue; // a range that cannot exist merges nothing
        }
        out.push(((r0, c0), (r1, c1)));
        if out.len() > MAX_MERGES {
            return Err(format!(
                "工作表“{sheet}”的合并单元格超过 {MAX_MERGES} 处，不像是统计表"
            ));
        }
    }
    Ok(out)
}

fn fill(sheet: &mut Sheet, range: &calamine::Range<Data>) -> std::result::Result<(), String> {
    let (r0, c0) = range.start().unwrap_or((0, 0));
    for (r, c, v) in range.used_cells() {
        if let Some(value) = from_data(v) {
            let (r, c) = (u64::from(r0) + r as u64, u64::from(c0) + c as u64);
            match (u32::try_from(r), u32::try_from(c)) {
                (Ok(r), Ok(c)) if r <= MAX_ROW && c <= MAX_COL => {
                    if matches!(v, Data::String(t) if crate::charset::has_hidden(t)) {
                        sheet.stripped.push((r, c));
                    }
                    sheet.cells.insert((r, c), value);
                }
                _ => {
                    let clip = |x: u64| u32::try_from(x).unwrap_or(u32::MAX);
                    return Err(beyond_excel(&sheet.name, clip(r), clip(c)));
                }
            }
        }
    }
    Ok(())
}

fn text(s: &str) -> Option<Value> {
    let t = crate::charset::clean(s);
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
    fn a_panic_inside_the_reader_is_a_damaged_file_and_others_still_panic() {
        let r: Result<()> = contained(Path::new("x.xls"), || panic!("boom"));
        match r {
            Err(Error::Damaged { detail, .. }) => {
                assert!(detail.contains("src/workbook.rs:"), "{detail}")
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(contained(Path::new("x.xls"), || Ok(7)).ok(), Some(7));
        // Outside, a panic is a panic.
        assert!(std::panic::catch_unwind(|| panic!("outside")).is_err());
    }

    #[test]
    fn dimensions_are_counted_as_the_reader_counts_them() {
        let mut r = [0u8; 14];
        r[4..8].copy_from_slice(&10u32.to_le_bytes()); // rows 0..10
        r[10..12].copy_from_slice(&3u16.to_le_bytes()); // columns 0..3
        assert_eq!(dimensions(&r), Some((30, (0, 0, 9, 2))));
        r[0..4].copy_from_slice(&20u32.to_le_bytes()); // first row after the last
        assert_eq!(dimensions(&r).map(|d| d.0), Some(u64::MAX));
        assert_eq!(dimensions(&[0; 3]), None);
    }

    #[test]
    fn merged_ranges_are_read_from_the_package_as_calamine_reads_them() {
        assert_eq!(a1_cell("A1"), Some((0, 0)));
        assert_eq!(a1_cell("XFD1048576"), Some((1_048_575, 16_383)));
        assert_eq!(a1_cell("a1"), None);
        assert_eq!(a1_cell("A0"), None);
        assert_eq!(a1_cell("ABCD1"), None);
        let mut wb = rust_xlsxwriter::Workbook::new();
        let fmt = rust_xlsxwriter::Format::new();
        let ws = wb
            .add_worksheet()
            .set_name("甲 & 乙")
            .unwrap_or_else(|e| panic!("{e}"));
        let _ = ws.merge_range(0, 0, 2, 1, "x", &fmt);
        let _ = ws.merge_range(4, 3, 4, 9, "y", &fmt);
        wb.add_worksheet()
            .write_string(0, 0, "no merges")
            .map(|_| ())
            .unwrap_or_default();
        let bytes = wb.save_to_buffer().unwrap_or_default();
        let ours = xlsx_merges(&bytes).unwrap_or_default();
        assert_eq!(
            ours.get("甲 & 乙"),
            Some(&vec![((0, 0), (2, 1)), ((4, 3), (4, 9))])
        );
        assert_eq!(ours.get("Sheet2"), Some(&vec![]));
        let mut x: calamine::Xlsx<_> = calamine::open_workbook_from_rs(Cursor::new(&bytes[..]))
            .unwrap_or_else(|e| panic!("{e}"));
        let theirs: Vec<Merge> = x
            .merge_cells_by_sheet_name("甲 & 乙")
            .unwrap_or_default()
            .iter()
            .map(|d| (d.start, d.end))
            .collect();
        assert_eq!(ours.get("甲 & 乙"), Some(&theirs));
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
