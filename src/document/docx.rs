//! Word documents (.docx) from any writer: the body's paragraphs and tables in order.
//!
//! One streaming pass over `word/document.xml` (quick-xml), with `styles.xml` for heading
//! levels and `numbering.xml` for automatic numbers (“一、”, “（一）”, “1.” are often list
//! numbers, not typed text). Handled: runs, tabs, breaks, symbols, simple and complex fields
//! (their results, not their codes), tracked insertions (deletions left out), hidden text left
//! out, content controls, gridSpan, vMerge, legacy hMerge, gridBefore; a table that holds other
//! tables, or a single cell, is a layout frame whose contents are read as blocks. Not read:
//! text boxes and shapes, headers, footers, footnotes, comments, a table of contents.

use super::{Builder, Placed, MAX_TABLE_COLS};
use crate::error::{Error, Result};
use crate::workbook::Limits;
use quick_xml::events::{BytesStart, Event};
use std::collections::HashMap;
use std::io::{Cursor, Read};
use std::path::Path;

/// Reads the document into `out`; returns the title of its core properties.
pub(super) fn read(
    path: &Path,
    bytes: &[u8],
    limits: Limits,
    out: &mut Builder,
) -> Result<Option<String>> {
    let damaged = |detail: String| super::damaged(path, detail);
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes))
        .map_err(|e| damaged(format!("压缩包已损坏或不完整（{e}）")))?;
    crate::workbook::zip_within(path, &mut zip, limits)?;
    let names: Vec<String> = zip
        .file_names()
        .filter_map(|n| n.ok().map(|n| n.into_owned()))
        .collect();
    let main = main_part(&mut zip, limits)
        .filter(|m| !m.starts_with("xl/") && !m.starts_with("ppt/"))
        .unwrap_or_else(|| "word/document.xml".to_string());
    if !names.contains(&main) {
        let detail = if names.iter().any(|n| n.starts_with("xl/")) {
            "这是 Excel 工作簿，不是报告（统计表请用 report-gen check 检查）"
        } else if names.iter().any(|n| n.starts_with("ppt/")) {
            "这是 PowerPoint 演示文稿"
        } else if names.iter().any(|n| n == "content.xml") {
            "这是 OpenDocument 文件（.odt/.ods），请另存为 .docx 后再试"
        } else {
            "压缩包里没有 Word 文档内容"
        };
        return Err(Error::NotAReport {
            path: path.to_path_buf(),
            detail: detail.to_string(),
        });
    }
    let part = |zip: &mut zip::ZipArchive<Cursor<&[u8]>>, name: &str| -> Result<Option<Vec<u8>>> {
        read_part(zip, name, limits).map_err(|e| damaged(format!("{name}：{e}")))
    };
    let document = part(&mut zip, &main)?.unwrap_or_default();
    let dir = main.rsplit_once('/').map_or("", |(d, _)| d);
    let in_dir = |n: &str| {
        if dir.is_empty() {
            n.to_string()
        } else {
            format!("{dir}/{n}")
        }
    };
    // Styles and numbering only refine what is read: a damaged one is ignored.
    let styles = part(&mut zip, &in_dir("styles.xml"))
        .ok()
        .flatten()
        .map(|x| Styles::parse(&x))
        .unwrap_or_default();
    let numbering = part(&mut zip, &in_dir("numbering.xml"))
        .ok()
        .flatten()
        .map(|x| Numbering::parse(&x))
        .unwrap_or_default();
    let title = part(&mut zip, "docProps/core.xml")
        .ok()
        .flatten()
        .and_then(|x| core_title(&x));
    Body::new(&styles, numbering)
        .read(&document, out)
        .map_err(|e| damaged(format!("{main} 的内容无法解析（{e}）")))?;
    Ok(title)
}

/// The main document part named by the package relationships (usually word/document.xml).
fn main_part(zip: &mut zip::ZipArchive<Cursor<&[u8]>>, limits: Limits) -> Option<String> {
    let rels = read_part(zip, "_rels/.rels", limits).ok()??;
    let mut reader = quick_xml::Reader::from_reader(rels.as_slice());
    loop {
        match reader.read_event().ok()? {
            Event::Start(e) | Event::Empty(e) if e.local_name().as_ref() == b"Relationship" => {
                let kind = attr(&e, b"Type").unwrap_or_default();
                if kind.ends_with("/officeDocument") {
                    let target = attr(&e, b"Target")?;
                    return Some(target.trim_start_matches('/').to_string());
                }
            }
            Event::Eof => return None,
            _ => {}
        }
    }
}

/// One part of the package, read no further than the expanded-size limit.
fn read_part(
    zip: &mut zip::ZipArchive<Cursor<&[u8]>>,
    name: &str,
    limits: Limits,
) -> std::result::Result<Option<Vec<u8>>, String> {
    let file = match zip.by_name(name) {
        Ok(f) => f,
        Err(zip::result::ZipError::FileNotFound) => return Ok(None),
        Err(e) => return Err(e.to_string()),
    };
    let declared = file.size();
    let mut v = Vec::with_capacity(usize::try_from(declared.min(1 << 24)).unwrap_or(0));
    file.take(limits.max_expanded)
        .read_to_end(&mut v)
        .map_err(|e| e.to_string())?;
    Ok(Some(v))
}

/// The value of the attribute with local name `key` (raw: the values read here are ids,
/// numbers and keywords, which have no entities).
fn attr(e: &BytesStart<'_>, key: &[u8]) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.local_name().as_ref() == key)
        .map(|a| String::from_utf8_lossy(&a.value).into_owned())
}

fn val(e: &BytesStart<'_>) -> Option<String> {
    attr(e, b"val")
}

/// An on/off property (`<w:vanish/>`, `<w:vanish w:val="0"/>`).
fn on(e: &BytesStart<'_>) -> bool {
    !matches!(val(e).as_deref(), Some("0" | "false" | "off"))
}

/// Text of a text event or an entity reference, appended to `out`.
fn push_text(event: &Event<'_>, out: &mut String) {
    match event {
        Event::Text(t) => {
            if let Ok(s) = t.xml10_content() {
                out.push_str(&s);
            }
        }
        Event::CData(t) => {
            if let Ok(s) = t.decode() {
                out.push_str(&s);
            }
        }
        Event::GeneralRef(r) => {
            if let Ok(Some(c)) = r.resolve_char_ref() {
                out.push(c);
            } else if let Ok(name) = r.decode() {
                if let Some(s) = quick_xml::escape::resolve_predefined_entity(&name) {
                    out.push_str(s);
                }
            }
        }
        _ => {}
    }
}

/// dc:title of docProps/core.xml.
fn core_title(xml: &[u8]) -> Option<String> {
    let mut reader = quick_xml::Reader::from_reader(xml);
    let mut inside = false;
    let mut title = String::new();
    loop {
        let event = reader.read_event().ok()?;
        match &event {
            Event::Start(e) if e.local_name().as_ref() == b"title" => inside = true,
            Event::End(e) if e.local_name().as_ref() == b"title" => {
                return Some(title).filter(|t| !t.trim().is_empty())
            }
            Event::Eof => return None,
            _ if inside => push_text(&event, &mut title),
            _ => {}
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Styles

/// A paragraph style: what the body needs of it.
#[derive(Debug, Default, Clone)]
struct Style {
    name: String,
    based_on: Option<String>,
    outline: Option<u8>,
    numbering: Option<(String, u8)>,
}

/// Paragraph styles by id.
#[derive(Debug, Default)]
struct Styles {
    by_id: HashMap<String, Style>,
}

impl Styles {
    fn parse(xml: &[u8]) -> Styles {
        let mut styles = Styles::default();
        let mut reader = quick_xml::Reader::from_reader(xml);
        let mut current: Option<(String, Style)> = None;
        let mut num_id: Option<String> = None;
        let mut ilvl: u8 = 0;
        while let Ok(event) = reader.read_event() {
            match &event {
                Event::Start(e) | Event::Empty(e) => match e.local_name().as_ref() {
                    b"style" => {
                        current = attr(e, b"styleId").map(|id| (id, Style::default()));
                        num_id = None;
                        ilvl = 0;
                    }
                    b"name" => {
                        if let Some((_, s)) = current.as_mut() {
                            s.name = val(e).unwrap_or_default();
                        }
                    }
                    b"basedOn" => {
                        if let Some((_, s)) = current.as_mut() {
                            s.based_on = val(e);
                        }
                    }
                    b"outlineLvl" => {
                        if let Some((_, s)) = current.as_mut() {
                            s.outline = val(e).and_then(|v| v.parse::<u8>().ok());
                        }
                    }
                    b"numId" => num_id = val(e),
                    b"ilvl" => ilvl = val(e).and_then(|v| v.parse().ok()).unwrap_or(0),
                    _ => {}
                },
                Event::End(e) if e.local_name().as_ref() == b"style" => {
                    if let Some((id, mut s)) = current.take() {
                        s.numbering = num_id.take().map(|n| (n, ilvl));
                        styles.by_id.insert(id, s);
                    }
                }
                Event::Eof => break,
                _ => {}
            }
        }
        styles
    }

    /// The chain of a style and the styles it is based on (at most 16: a loop stops there).
    fn chain<'a>(&'a self, id: &str) -> impl Iterator<Item = &'a Style> + 'a {
        let mut next = self.by_id.get(id);
        std::iter::from_fn(move || {
            let s = next?;
            next = s.based_on.as_deref().and_then(|b| self.by_id.get(b));
            Some(s)
        })
        .take(16)
    }

    /// Outline level (1 = top) of a paragraph style: its own or inherited outline level, or a
    /// built-in heading name (“heading 2”, “标题 2”).
    fn heading(&self, id: &str) -> Option<u8> {
        for s in self.chain(id) {
            if let Some(level) = s.outline {
                // Level 9 is body text.
                return (level < 9).then_some(level + 1);
            }
            let name = s.name.to_lowercase();
            for prefix in ["heading ", "标题 "] {
                if let Some(n) = name.strip_prefix(prefix).and_then(|n| n.parse::<u8>().ok()) {
                    return (1..=9).contains(&n).then_some(n);
                }
            }
        }
        None
    }

    /// Whether the style is a table-of-contents entry (“toc 1”, “目录 1”).
    fn is_toc(&self, id: &str) -> bool {
        self.by_id.get(id).is_some_and(|s| {
            let name = s.name.to_lowercase();
            name.starts_with("toc ") || name.starts_with("目录 ")
        })
    }

    fn numbering(&self, id: &str) -> Option<(String, u8)> {
        self.chain(id).find_map(|s| s.numbering.clone())
    }
}

// ---------------------------------------------------------------------------------------------
// Numbering

/// One level of a list: its start, number format and text pattern (“%1、”).
#[derive(Debug, Default, Clone)]
struct Level {
    start: u32,
    format: String,
    text: String,
}

/// The list definitions and the counters of the lists met so far.
#[derive(Debug, Default)]
struct Numbering {
    /// Abstract list id → levels by ilvl.
    abstracts: HashMap<String, HashMap<u8, Level>>,
    /// numId → (abstract id, start overrides by ilvl).
    nums: HashMap<String, (String, HashMap<u8, u32>)>,
    /// Counters by abstract list id, per level; numIds with a start override are restarted
    /// the first time they are used.
    counters: HashMap<String, [Option<u32>; 9]>,
    started: std::collections::HashSet<String>,
}

impl Numbering {
    fn parse(xml: &[u8]) -> Numbering {
        let mut n = Numbering::default();
        let mut reader = quick_xml::Reader::from_reader(xml);
        let mut abstract_id: Option<String> = None;
        let mut level: Option<(u8, Level)> = None;
        let mut num: Option<(String, String, HashMap<u8, u32>)> = None;
        let mut override_lvl: Option<u8> = None;
        while let Ok(event) = reader.read_event() {
            match &event {
                Event::Start(e) | Event::Empty(e) => {
                    let empty = matches!(event, Event::Empty(_));
                    match e.local_name().as_ref() {
                        b"abstractNum" => abstract_id = attr(e, b"abstractNumId"),
                        b"lvl" if abstract_id.is_some() && num.is_none() => {
                            let ilvl = attr(e, b"ilvl").and_then(|v| v.parse().ok());
                            level = ilvl.map(|i| {
                                (
                                    i,
                                    Level {
                                        start: 1,
                                        ..Level::default()
                                    },
                                )
                            });
                        }
                        b"start" => {
                            if let Some((_, l)) = level.as_mut() {
                                l.start = val(e).and_then(|v| v.parse().ok()).unwrap_or(1);
                            }
                        }
                        b"numFmt" => {
                            if let Some((_, l)) = level.as_mut() {
                                l.format = val(e).unwrap_or_default();
                            }
                        }
                        b"lvlText" => {
                            if let Some((_, l)) = level.as_mut() {
                                l.text = attr(e, b"val")
                                    .map(|v| unescape_attr(&v))
                                    .unwrap_or_default();
                            }
                        }
                        b"num" if !empty => {
                            num = attr(e, b"numId").map(|id| (id, String::new(), HashMap::new()));
                        }
                        b"abstractNumId" => {
                            if let Some((_, a, _)) = num.as_mut() {
                                *a = val(e).unwrap_or_default();
                            }
                        }
                        b"lvlOverride" => {
                            override_lvl = attr(e, b"ilvl").and_then(|v| v.parse().ok());
                        }
                        b"startOverride" => {
                            if let (Some((_, _, o)), Some(i)) = (num.as_mut(), override_lvl) {
                                o.insert(i, val(e).and_then(|v| v.parse().ok()).unwrap_or(1));
                            }
                        }
                        _ => {}
                    }
                }
                Event::End(e) => match e.local_name().as_ref() {
                    b"lvl" => {
                        if let (Some(a), Some((i, l))) = (abstract_id.as_ref(), level.take()) {
                            n.abstracts.entry(a.clone()).or_default().insert(i, l);
                        }
                    }
                    b"abstractNum" => abstract_id = None,
                    b"num" => {
                        if let Some((id, a, o)) = num.take() {
                            n.nums.insert(id, (a, o));
                        }
                    }
                    _ => {}
                },
                Event::Eof => break,
                _ => {}
            }
        }
        n
    }

    /// The number text of the next paragraph of list `num_id` at level `ilvl` (e.g. “（二）”),
    /// advancing the counters; `None` for bullets, unknown lists and numId 0.
    fn next(&mut self, num_id: &str, ilvl: u8) -> Option<String> {
        let ilvl = ilvl.min(8);
        let (abstract_id, overrides) = self.nums.get(num_id)?.clone();
        let levels = self.abstracts.get(&abstract_id)?;
        let counters = self.counters.entry(abstract_id.clone()).or_default();
        if !overrides.is_empty() && self.started.insert(num_id.to_string()) {
            *counters = [None; 9];
        }
        let start = |i: u8| {
            overrides
                .get(&i)
                .copied()
                .or_else(|| levels.get(&i).map(|l| l.start))
                .unwrap_or(1)
        };
        let i = usize::from(ilvl);
        let current = counters.get(i).copied().flatten();
        let value = current.map_or_else(|| start(ilvl), |c| c.saturating_add(1));
        if let Some(slot) = counters.get_mut(i) {
            *slot = Some(value);
        }
        for deeper in counters.iter_mut().skip(i + 1) {
            *deeper = None;
        }
        let level = levels.get(&ilvl)?;
        if matches!(level.format.as_str(), "bullet" | "none" | "") && !level.text.contains('%') {
            return None;
        }
        let mut text = String::new();
        let mut chars = level.text.chars().peekable();
        while let Some(c) = chars.next() {
            let digit = chars.peek().and_then(|d| d.to_digit(10));
            match (c, digit) {
                ('%', Some(d @ 1..=9)) => {
                    chars.next();
                    let k = (d - 1) as u8;
                    let n = counters
                        .get(usize::from(k))
                        .copied()
                        .flatten()
                        .unwrap_or_else(|| start(k));
                    let format = levels.get(&k).map_or("decimal", |l| l.format.as_str());
                    text.push_str(&format_number(n, format));
                }
                _ => text.push(c),
            }
        }
        Some(text)
    }
}

/// Entities in an attribute value (lvlText is the one attribute here that may hold them).
fn unescape_attr(v: &str) -> String {
    quick_xml::escape::unescape(v).map_or_else(|_| v.to_string(), |s| s.into_owned())
}

/// A list number in a Word number format.
fn format_number(n: u32, format: &str) -> String {
    const DIGITS: [&str; 10] = ["〇", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    let chinese = |n: u32| -> String {
        let digit = |d: u32| DIGITS.get(d as usize).copied().unwrap_or("");
        match n {
            0..=9 => digit(n).to_string(),
            10..=19 => format!("十{}", if n == 10 { "" } else { digit(n - 10) }),
            20..=99 => format!(
                "{}十{}",
                digit(n / 10),
                if n.is_multiple_of(10) {
                    ""
                } else {
                    digit(n % 10)
                }
            ),
            _ => n.to_string(),
        }
    };
    match format {
        "chineseCounting"
        | "chineseCountingThousand"
        | "japaneseCounting"
        | "taiwaneseCounting"
        | "chineseLegalSimplified" => chinese(n),
        "ideographTraditional" => ["甲", "乙", "丙", "丁", "戊", "己", "庚", "辛", "壬", "癸"]
            .get((n as usize).wrapping_sub(1) % 10)
            .map_or_else(|| n.to_string(), |s| s.to_string()),
        "decimalEnclosedCircle" | "decimalEnclosedCircleChinese" if (1..=20).contains(&n) => {
            char::from_u32(0x2460 + n - 1).map_or_else(|| n.to_string(), String::from)
        }
        "decimalFullWidth" | "decimalFullWidth2" => n
            .to_string()
            .chars()
            .map(|c| char::from_u32(c as u32 + 0xFEE0).unwrap_or(c))
            .collect(),
        "decimalZero" if n < 10 => format!("0{n}"),
        "upperLetter" | "lowerLetter" => {
            let base = if format == "upperLetter" { b'A' } else { b'a' };
            let letter = char::from(base + ((n.max(1) - 1) % 26) as u8);
            letter
                .to_string()
                .repeat(((n.max(1) - 1) / 26 + 1) as usize)
        }
        "upperRoman" | "lowerRoman" => {
            let r = roman(n);
            if format == "lowerRoman" {
                r.to_lowercase()
            } else {
                r
            }
        }
        _ => n.to_string(),
    }
}

fn roman(mut n: u32) -> String {
    const TABLE: [(u32, &str); 13] = [
        (1000, "M"),
        (900, "CM"),
        (500, "D"),
        (400, "CD"),
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    ];
    let mut s = String::new();
    for (v, r) in TABLE {
        while n >= v {
            s.push_str(r);
            n -= v;
        }
    }
    s
}

// ---------------------------------------------------------------------------------------------
// The body

/// What a table cell or the body holds, in order.
#[derive(Debug)]
enum Item {
    Paragraph(String, Option<u8>),
    Table(Vec<Placed>),
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum VMerge {
    No,
    Restart,
    Continue,
}

/// A cell as written: its properties and contents.
#[derive(Debug)]
struct Cell {
    span: u32,
    vmerge: VMerge,
    hmerge_continue: bool,
    items: Vec<Item>,
    nested: bool,
}

#[derive(Debug, Default)]
struct Row {
    before: u32,
    cells: Vec<Cell>,
}

#[derive(Debug, Default)]
struct TableState {
    rows: Vec<Row>,
}

impl TableState {
    /// The table's cells placed on its grid, or — for a layout frame (a table holding tables,
    /// or a single cell) — its contents as blocks.
    fn finish(self) -> Vec<Item> {
        let cells = self.rows.iter().map(|r| r.cells.len()).sum::<usize>();
        let layout = cells == 1 || self.rows.iter().flat_map(|r| &r.cells).any(|c| c.nested);
        if layout {
            return self
                .rows
                .into_iter()
                .flat_map(|r| r.cells)
                .flat_map(|c| c.items)
                .collect();
        }
        let mut placed: Vec<Placed> = Vec::new();
        // Open vertical merges by starting column: index into `placed`.
        let mut open: HashMap<u32, usize> = HashMap::new();
        for (r, row) in self.rows.into_iter().enumerate() {
            let r = u32::try_from(r).unwrap_or(u32::MAX);
            let mut col = row.before.min(MAX_TABLE_COLS);
            let mut continued = Vec::new();
            let mut last: Option<usize> = None;
            for cell in row.cells {
                let span = cell.span.clamp(1, MAX_TABLE_COLS);
                let text = cell_text(&cell.items);
                if cell.hmerge_continue {
                    if let Some(p) = last.and_then(|i| placed.get_mut(i)) {
                        p.cols = p.cols.saturating_add(span);
                        col = col.saturating_add(span);
                        continue;
                    }
                }
                let origin = (cell.vmerge == VMerge::Continue)
                    .then(|| open.get(&col).copied())
                    .flatten()
                    .filter(|&i| placed.get(i).is_some_and(|p| p.cols == span));
                match origin {
                    Some(i) => {
                        if let Some(p) = placed.get_mut(i) {
                            p.rows = r - p.row + 1;
                            if p.text.trim().is_empty() {
                                p.text = text;
                            }
                        }
                        continued.push(col);
                        last = Some(i);
                    }
                    None => {
                        placed.push(Placed {
                            row: r,
                            col,
                            rows: 1,
                            cols: span,
                            text,
                        });
                        let i = placed.len() - 1;
                        if cell.vmerge == VMerge::Restart {
                            open.insert(col, i);
                            continued.push(col);
                        }
                        last = Some(i);
                    }
                }
                col = col.saturating_add(span);
            }
            // A merge not continued in this row is closed.
            open.retain(|c, _| continued.contains(c));
        }
        vec![Item::Table(placed)]
    }
}

/// The text of a data table's cell: its paragraphs, one per line.
fn cell_text(items: &[Item]) -> String {
    let mut s = String::new();
    for item in items {
        if let Item::Paragraph(t, _) = item {
            if !s.is_empty() {
                s.push('\n');
            }
            s.push_str(t);
        }
    }
    s
}

/// The paragraph being read.
#[derive(Debug, Default)]
struct Para {
    text: String,
    style: Option<String>,
    outline: Option<u8>,
    num_id: Option<String>,
    ilvl: u8,
}

/// The streaming reader of the body.
struct Body<'a> {
    styles: &'a Styles,
    numbering: Numbering,
    /// Element depth.
    depth: usize,
    /// Inside an element whose contents are not read, from this depth.
    skip: Option<usize>,
    /// Open tables, innermost last.
    tables: Vec<TableState>,
    para: Option<Para>,
    /// Inside a run's properties / a run that is hidden.
    in_rpr: bool,
    hidden_run: bool,
    /// Inside a paragraph's properties (a `w:tab` there is a tab stop, not a tab).
    in_ppr: bool,
    in_text: bool,
    /// Content controls: whether each open one is a table of contents.
    sdt_toc: Vec<bool>,
}

impl<'a> Body<'a> {
    fn new(styles: &'a Styles, numbering: Numbering) -> Self {
        Body {
            styles,
            numbering,
            depth: 0,
            skip: None,
            tables: Vec::new(),
            para: None,
            in_rpr: false,
            hidden_run: false,
            in_ppr: false,
            in_text: false,
            sdt_toc: Vec::new(),
        }
    }

    /// Hands finished items to the enclosing cell, or to the document.
    fn emit(&mut self, items: Vec<Item>, out: &mut Builder) {
        if let Some(cell) = self
            .tables
            .last_mut()
            .and_then(|t| t.rows.last_mut())
            .and_then(|r| r.cells.last_mut())
        {
            cell.items.extend(items);
            return;
        }
        for item in items {
            match item {
                Item::Paragraph(text, heading) => out.paragraph(&text, heading, None),
                Item::Table(cells) => out.table(cells, None),
            }
        }
    }

    fn cell(&mut self) -> Option<&mut Cell> {
        self.tables
            .last_mut()
            .and_then(|t| t.rows.last_mut())
            .and_then(|r| r.cells.last_mut())
    }

    fn read(mut self, xml: &[u8], out: &mut Builder) -> std::result::Result<(), String> {
        let mut reader = quick_xml::Reader::from_reader(xml);
        loop {
            let event = reader
                .read_event()
                .map_err(|e| format!("第 {} 字节附近：{e}", reader.error_position()))?;
            match &event {
                Event::Start(e) => {
                    self.depth += 1;
                    if self.skip.is_none() {
                        self.start(e, false);
                    }
                }
                Event::Empty(e) => {
                    if self.skip.is_none() {
                        self.start(e, true);
                    }
                }
                Event::End(e) => {
                    if self.skip == Some(self.depth) {
                        self.skip = None;
                    } else if self.skip.is_none() {
                        self.end(e.local_name().as_ref(), out);
                    }
                    self.depth = self.depth.saturating_sub(1);
                }
                Event::Eof => break,
                _ => {
                    if self.in_text && self.skip.is_none() && !self.hidden_run {
                        if let Some(p) = self.para.as_mut() {
                            push_text(&event, &mut p.text);
                        }
                    }
                }
            }
        }
        // A paragraph or table left open by a truncated file is still read.
        self.end(b"p", out);
        while !self.tables.is_empty() {
            self.end(b"tbl", out);
        }
        Ok(())
    }

    fn start(&mut self, e: &BytesStart<'_>, empty: bool) {
        let name = e.local_name();
        match name.as_ref() {
            // Not read: deleted or moved-away text, field codes, text boxes (their fallback
            // copies too), properties of content controls, footnote marks' text.
            b"del" | b"moveFrom" | b"instrText" | b"delInstrText" | b"delText" | b"Fallback"
            | b"txbxContent" | b"fldData"
                if !empty =>
            {
                self.skip = Some(self.depth);
            }
            b"sdt" => self.sdt_toc.push(false),
            b"docPartGallery" if val(e).is_some_and(|v| v.contains("Table of Contents")) => {
                if let Some(last) = self.sdt_toc.last_mut() {
                    *last = true;
                }
            }
            b"sdtContent" if self.sdt_toc.last() == Some(&true) && !empty => {
                self.skip = Some(self.depth);
            }
            // A paragraph inside a paragraph only comes from constructs skipped above.
            b"p" if !empty => {
                self.para = Some(Para::default());
                self.in_ppr = false;
            }
            b"pPr" => self.in_ppr = true,
            b"pStyle" if self.in_ppr => {
                if let Some(p) = self.para.as_mut() {
                    p.style = val(e);
                }
            }
            b"outlineLvl" if self.in_ppr => {
                if let Some(p) = self.para.as_mut() {
                    p.outline = val(e).and_then(|v| v.parse::<u8>().ok());
                }
            }
            b"numId" if self.in_ppr => {
                if let Some(p) = self.para.as_mut() {
                    p.num_id = val(e);
                }
            }
            b"ilvl" if self.in_ppr => {
                if let Some(p) = self.para.as_mut() {
                    p.ilvl = val(e).and_then(|v| v.parse().ok()).unwrap_or(0);
                }
            }
            b"r" => {
                self.hidden_run = false;
                self.in_rpr = false;
            }
            b"rPr" if !self.in_ppr => self.in_rpr = true,
            b"vanish" | b"webHidden" if self.in_rpr => self.hidden_run = on(e),
            b"t" if !empty => self.in_text = true,
            b"tab" | b"ptab" if !self.in_ppr => self.push("\t"),
            b"br" | b"cr" => self.push("\n"),
            b"noBreakHyphen" => self.push("-"),
            b"sym" => {
                let c = attr(e, b"char")
                    .and_then(|h| u32::from_str_radix(&h, 16).ok())
                    .and_then(char::from_u32)
                    // Symbol-font codes live in the private use area: no meaning as text.
                    .filter(|c| !('\u{E000}'..='\u{F8FF}').contains(c));
                if let Some(c) = c {
                    self.push(c.encode_utf8(&mut [0u8; 4]));
                }
            }
            b"tbl" => self.tables.push(TableState::default()),
            b"tr" => {
                if let Some(t) = self.tables.last_mut() {
                    t.rows.push(Row::default());
                }
            }
            b"gridBefore" => {
                let n = val(e).and_then(|v| v.parse().ok()).unwrap_or(0);
                if let Some(r) = self.tables.last_mut().and_then(|t| t.rows.last_mut()) {
                    r.before = n;
                }
            }
            b"tc" => {
                if let Some(r) = self.tables.last_mut().and_then(|t| t.rows.last_mut()) {
                    r.cells.push(Cell {
                        span: 1,
                        vmerge: VMerge::No,
                        hmerge_continue: false,
                        items: Vec::new(),
                        nested: false,
                    });
                }
            }
            b"gridSpan" if self.para.is_none() => {
                let n = val(e).and_then(|v| v.parse().ok()).unwrap_or(1);
                if let Some(c) = self.cell() {
                    c.span = n;
                }
            }
            b"vMerge" if self.para.is_none() => {
                let restart = val(e).as_deref() == Some("restart");
                if let Some(c) = self.cell() {
                    c.vmerge = if restart {
                        VMerge::Restart
                    } else {
                        VMerge::Continue
                    };
                }
            }
            b"hMerge" if self.para.is_none() => {
                let restart = val(e).as_deref() == Some("restart");
                if let Some(c) = self.cell() {
                    c.hmerge_continue = !restart;
                }
            }
            _ => {}
        }
    }

    fn push(&mut self, s: &str) {
        if self.hidden_run {
            return;
        }
        if let Some(p) = self.para.as_mut() {
            p.text.push_str(s);
        }
    }

    fn end(&mut self, name: &[u8], out: &mut Builder) {
        match name {
            b"t" => self.in_text = false,
            b"pPr" => self.in_ppr = false,
            b"rPr" => self.in_rpr = false,
            b"r" => self.hidden_run = false,
            b"sdt" => {
                self.sdt_toc.pop();
            }
            b"p" => {
                let Some(p) = self.para.take() else {
                    return;
                };
                let style = p.style.as_deref().unwrap_or("");
                if !style.is_empty() && self.styles.is_toc(style) {
                    return;
                }
                let heading = match p.outline {
                    Some(level) => (level < 9).then_some(level + 1),
                    None if !style.is_empty() => self.styles.heading(style),
                    None => None,
                };
                let numbering = match p.num_id {
                    Some(id) => Some((id, p.ilvl)),
                    None if !style.is_empty() => self.styles.numbering(style),
                    None => None,
                };
                let number = numbering
                    .filter(|(id, _)| id != "0")
                    .and_then(|(id, ilvl)| self.numbering.next(&id, ilvl));
                let text = match number {
                    Some(n) if !p.text.trim().is_empty() => format!("{n}{}", p.text),
                    _ => p.text,
                };
                self.emit(vec![Item::Paragraph(text, heading)], out);
            }
            // A paragraph left open inside the cell ends with it.
            b"tc" if self.para.is_some() => self.end(b"p", out),
            b"tbl" => {
                if self.para.is_some() {
                    self.end(b"p", out);
                }
                let Some(table) = self.tables.pop() else {
                    return;
                };
                if let Some(cell) = self.cell() {
                    cell.nested = true;
                }
                let items = table.finish();
                self.emit(items, out);
            }
            _ => {}
        }
    }
}

#[cfg(test)]
#[allow(clippy::indexing_slicing)]
mod tests {
    use super::*;

    #[test]
    fn list_numbers_are_written_as_word_shows_them() {
        assert_eq!(format_number(1, "chineseCounting"), "一");
        assert_eq!(format_number(10, "chineseCounting"), "十");
        assert_eq!(format_number(12, "chineseCountingThousand"), "十二");
        assert_eq!(format_number(20, "chineseCounting"), "二十");
        assert_eq!(format_number(3, "decimalEnclosedCircle"), "③");
        assert_eq!(format_number(4, "upperRoman"), "IV");
        assert_eq!(format_number(2, "ideographTraditional"), "乙");
        assert_eq!(format_number(7, "decimalFullWidth"), "７");
        assert_eq!(format_number(28, "lowerLetter"), "bb");
    }

    #[test]
    fn numbering_counts_per_list_and_restarts_deeper_levels() {
        let xml = r#"<w:numbering xmlns:w="w">
          <w:abstractNum w:abstractNumId="0">
            <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="%1、"/></w:lvl>
            <w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="（%2）"/></w:lvl>
          </w:abstractNum>
          <w:abstractNum w:abstractNumId="1">
            <w:lvl w:ilvl="0"><w:numFmt w:val="bullet"/><w:lvlText w:val="&#61623;"/></w:lvl>
          </w:abstractNum>
          <w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>
          <w:num w:numId="2"><w:abstractNumId w:val="1"/></w:num>
        </w:numbering>"#;
        let mut n = Numbering::parse(xml.as_bytes());
        assert_eq!(n.next("1", 0).as_deref(), Some("一、"));
        assert_eq!(n.next("1", 1).as_deref(), Some("（一）"));
        assert_eq!(n.next("1", 1).as_deref(), Some("（二）"));
        assert_eq!(n.next("1", 0).as_deref(), Some("二、"));
        assert_eq!(n.next("1", 1).as_deref(), Some("（一）"));
        assert_eq!(n.next("2", 0), None);
        assert_eq!(n.next("9", 0), None);
    }

    fn body(xml: &str) -> Vec<super::super::Block> {
        let styles = Styles::parse(
            br#"<w:styles xmlns:w="w">
              <w:style w:type="paragraph" w:styleId="1"><w:name w:val="heading 1"/></w:style>
              <w:style w:type="paragraph" w:styleId="Mine"><w:name w:val="Mine"/><w:basedOn w:val="1"/></w:style>
              <w:style w:type="paragraph" w:styleId="TOC1"><w:name w:val="toc 1"/></w:style>
            </w:styles>"#,
        );
        let mut out = Builder::default();
        let doc =
            format!(r#"<w:document xmlns:w="w" xmlns:mc="mc"><w:body>{xml}</w:body></w:document>"#);
        Body::new(&styles, Numbering::default())
            .read(doc.as_bytes(), &mut out)
            .unwrap_or_else(|e| panic!("{e}"));
        out.blocks
    }

    fn texts(blocks: &[super::super::Block]) -> Vec<(String, Option<u8>)> {
        blocks
            .iter()
            .filter_map(|b| match b {
                super::super::Block::Paragraph(p) => Some((p.text.clone(), p.heading)),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn runs_fields_and_hidden_text_read_as_word_shows_them() {
        let blocks = body(
            r#"<w:p><w:pPr><w:pStyle w:val="Mine"/><w:tabs><w:tab w:val="left" w:pos="1"/></w:tabs></w:pPr>
                 <w:r><w:t>一、总体</w:t></w:r><w:r><w:t xml:space="preserve">情况 &amp; </w:t></w:r></w:p>
               <w:p><w:r><w:t>共</w:t></w:r>
                 <w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText> = 1+2 </w:instrText></w:r>
                 <w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>3</w:t></w:r>
                 <w:r><w:fldChar w:fldCharType="end"/></w:r>
                 <w:r><w:rPr><w:vanish/></w:rPr><w:t>隐藏</w:t></w:r>
                 <w:del><w:r><w:delText>删去</w:delText></w:r></w:del><w:ins><w:r><w:t>件</w:t></w:r></w:ins>
                 <w:r><w:tab/><w:t>电话</w:t><w:br/><w:t>地址</w:t></w:r></w:p>
               <w:p/><w:p><w:r><w:t>  </w:t></w:r></w:p>
               <w:p><w:pPr><w:outlineLvl w:val="1"/></w:pPr><w:fldSimple w:instr="PAGE"><w:r><w:t>（一）简单域</w:t></w:r></w:fldSimple></w:p>
               <w:p><w:pPr><w:pStyle w:val="TOC1"/></w:pPr><w:r><w:t>目录行</w:t></w:r></w:p>
               <w:p><w:r><mc:AlternateContent><mc:Choice><w:drawing><w:txbxContent><w:p><w:r><w:t>框</w:t></w:r></w:p></w:txbxContent></w:drawing></mc:Choice>
                 <mc:Fallback><w:pict><w:t>框</w:t></w:pict></mc:Fallback></mc:AlternateContent><w:t>正文</w:t></w:r></w:p>"#,
        );
        assert_eq!(
            texts(&blocks),
            vec![
                ("一、总体情况 &".to_string(), Some(1)),
                ("共3件\t电话\n地址".to_string(), None),
                ("（一）简单域".to_string(), Some(2)),
                ("正文".to_string(), None),
            ]
        );
        let numbers: Vec<usize> = blocks
            .iter()
            .filter_map(|b| match b {
                super::super::Block::Paragraph(p) => Some(p.index),
                _ => None,
            })
            .collect();
        assert_eq!(numbers, vec![1, 2, 3, 4]);
    }

    fn tc(attrs: &str, text: &str) -> String {
        format!("<w:tc><w:tcPr>{attrs}</w:tcPr><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:tc>")
    }

    #[test]
    fn spans_and_vertical_merges_become_merged_ranges() {
        let row1 = format!(
            "<w:tr>{}{}</w:tr>",
            tc(r#"<w:vMerge w:val="restart"/>"#, "甲"),
            tc(r#"<w:gridSpan w:val="2"/>"#, "乙")
        );
        let row2 = format!(
            "<w:tr>{}{}{}</w:tr>",
            tc("<w:vMerge/>", ""),
            tc("", "1"),
            tc("", "2")
        );
        let row3 = format!(
            "<w:tr><w:trPr><w:gridBefore w:val=\"1\"/></w:trPr>{}</w:tr>",
            tc(r#"<w:gridSpan w:val="2"/>"#, "丙")
        );
        let blocks = body(&format!("<w:tbl>{row1}{row2}{row3}</w:tbl>"));
        let [super::super::Block::Table(t)] = blocks.as_slice() else {
            panic!("{blocks:?}")
        };
        let text = |r, c| t.grid.shown_text(r, c).map(str::to_string);
        assert_eq!(text(0, 0).as_deref(), Some("甲"));
        assert_eq!(text(1, 0).as_deref(), Some("甲"));
        assert_eq!(text(0, 2).as_deref(), Some("乙"));
        assert_eq!(text(1, 2).as_deref(), Some("2"));
        assert_eq!(text(2, 1).as_deref(), Some("丙"));
        assert_eq!(text(2, 0), None);
        assert_eq!(
            t.grid.merges,
            vec![((0, 0), (1, 0)), ((0, 1), (0, 2)), ((2, 1), (2, 2))]
        );
        assert_eq!(t.index, 1);
        assert_eq!(t.grid.name, "第1个表格");
    }

    #[test]
    fn a_frame_table_is_read_as_its_contents() {
        let inner = format!(
            "<w:tbl><w:tr>{}{}</w:tr></w:tbl>",
            tc("", "甲"),
            tc("", "乙")
        );
        let xml = format!(
            "<w:tbl><w:tr><w:tc><w:p><w:r><w:t>标题</w:t></w:r></w:p>{inner}<w:p/></w:tc></w:tr></w:tbl>\
             <w:p><w:r><w:t>后文</w:t></w:r></w:p>"
        );
        let blocks = body(&xml);
        assert_eq!(blocks.len(), 3, "{blocks:?}");
        assert!(matches!(&blocks[0], super::super::Block::Paragraph(p) if p.text == "标题"));
        assert!(
            matches!(&blocks[1], super::super::Block::Table(t) if t.grid.shown_text(0, 1) == Some("乙"))
        );
        assert!(
            matches!(&blocks[2], super::super::Block::Paragraph(p) if p.text == "后文" && p.index == 2)
        );
    }
}
