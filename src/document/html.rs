//! Web pages saved from a government portal: the article found among the navigation around it.
//!
//! The page is decoded (byte-order mark, then `<meta charset>` / `http-equiv` / the XML
//! declaration, then UTF-8 if valid, then chardetng's guess), parsed as a browser parses it
//! (html5ever through scraper), and the article located without any site's class names: from
//! `<body>` down, the reader steps into the child element that holds nearly all (90 %) of the
//! cells of data tables that are not mostly links and most (60 %) of the text that is not link
//! text, until no child does. A heading just before the article (the page's `h1`, or an
//! element whose class or id says “title”) is kept as its title line.
//!
//! Inside the article: `p`, `div`, `li`, headings and `<br>` separate paragraphs; `h1`–`h6`
//! give the heading level; a table without tables inside and with more than one cell is a data
//! table (rowspan and colspan placed as a browser places them, lines of a cell joined with
//! `\n`); other tables are layout frames, read as their contents. Hidden elements
//! (`display:none`, `hidden`), scripts, styles and form controls are not read.

use super::{Builder, Placed, MAX_TABLE_COLS, MAX_TABLE_ROWS};
use crate::error::Result;
use ego_tree::NodeRef;
use encoding_rs::Encoding;
use scraper::node::Node;
use std::collections::HashMap;
use std::path::Path;

/// Most levels of element nesting in the page's source (a real page has a few dozen).
const MAX_SOURCE_DEPTH: usize = 2_000;

/// Reads the page into `out`; returns its `<title>`.
pub(super) fn read(path: &Path, bytes: &[u8], out: &mut Builder) -> Result<Option<String>> {
    // The HTML5 tree builder looks down its stack of open elements for every tag, so a page
    // nested thousands deep would take minutes: refused before parsing.
    let depth = source_depth(bytes);
    if depth > MAX_SOURCE_DEPTH {
        return Err(super::damaged(
            path,
            format!("网页的元素嵌套超过 {MAX_SOURCE_DEPTH} 层，不像是正常的网页"),
        ));
    }
    let text = decode(bytes);
    let page = scraper::Html::parse_document(&text);
    let root = page.tree.root();
    let title = find(root, "title").map(|t| {
        let mut s = String::new();
        for text in t.descendants().filter_map(|d| d.value().as_text()) {
            push_source_text(&mut s, text);
        }
        s
    });
    let body = find(root, "body").unwrap_or(root);
    let mut stats = HashMap::new();
    measure(body, 0, &mut stats);
    let (article, heading) = article(body, &stats);
    let mut walker = Walker {
        out,
        text: String::new(),
        heading: None,
        depth: 0,
    };
    if let Some((text, level)) = heading {
        walker.out.paragraph(&text, Some(level), None);
    }
    walker.block(article);
    walker.flush();
    Ok(title)
}

/// The deepest nesting of elements in the source, counted from its tags: start tags of
/// elements that need an end tag open a level, end tags close one; void elements, `/>`, and
/// elements whose end tag may be left out (p, li, td, tr, option …) are not counted;
/// comments and the contents of script and style are skipped.
fn source_depth(bytes: &[u8]) -> usize {
    const FLAT: [&[u8]; 28] = [
        b"br",
        b"img",
        b"meta",
        b"link",
        b"input",
        b"hr",
        b"area",
        b"base",
        b"col",
        b"embed",
        b"param",
        b"source",
        b"track",
        b"wbr",
        b"p",
        b"li",
        b"td",
        b"th",
        b"tr",
        b"option",
        b"dt",
        b"dd",
        b"thead",
        b"tbody",
        b"tfoot",
        b"colgroup",
        b"optgroup",
        b"!doctype",
    ];
    let (mut depth, mut deepest, mut at) = (0usize, 0usize, 0usize);
    while let Some(found) = bytes.get(at..).and_then(|rest| memchr::memchr(b'<', rest)) {
        let start = at + found + 1;
        let rest = bytes.get(start..).unwrap_or(&[]);
        if rest.starts_with(b"!--") {
            at = memchr::memmem::find(rest, b"-->").map_or(bytes.len(), |e| start + e + 3);
            continue;
        }
        let closing = rest.first() == Some(&b'/');
        let name_start = usize::from(closing);
        let name: Vec<u8> = rest
            .iter()
            .skip(name_start)
            .take_while(|b| b.is_ascii_alphanumeric() || **b == b'!')
            .map(u8::to_ascii_lowercase)
            .collect();
        let end = memchr::memchr(b'>', rest).map_or(bytes.len(), |e| start + e + 1);
        at = end;
        if name.is_empty() || FLAT.contains(&name.as_slice()) {
            continue;
        }
        let self_closing = bytes.get(end.saturating_sub(2)) == Some(&b'/');
        if closing {
            depth = depth.saturating_sub(1);
        } else if !self_closing {
            depth += 1;
            deepest = deepest.max(depth);
            if name == b"script" || name == b"style" {
                let close: &[u8] = if name == b"script" {
                    b"</script"
                } else {
                    b"</style"
                };
                let lower: Vec<u8> = bytes
                    .get(at..)
                    .unwrap_or(&[])
                    .iter()
                    .map(u8::to_ascii_lowercase)
                    .collect();
                at = memchr::memmem::find(&lower, close).map_or(bytes.len(), |e| at + e);
            }
        }
    }
    deepest
}

// ---------------------------------------------------------------------------------------------
// Decoding

/// The page as text, in the encoding it declares or, failing that, the one it looks like.
pub(crate) fn decode(bytes: &[u8]) -> String {
    if let Some((encoding, bom)) = Encoding::for_bom(bytes) {
        let body = bytes.get(bom..).unwrap_or(&[]);
        return encoding.decode_without_bom_handling(body).0.into_owned();
    }
    let utf8 = std::str::from_utf8(bytes).is_ok();
    let declared = declared(bytes.get(..4096).unwrap_or(bytes)).map(Encoding::output_encoding);
    let encoding = match declared {
        // A page re-saved as UTF-8 often keeps its old gb2312 declaration; valid UTF-8 with
        // Chinese in it is never GBK text in practice.
        Some(e) if e != encoding_rs::UTF_8 && utf8 && !bytes.is_ascii() => encoding_rs::UTF_8,
        Some(e) if e != encoding_rs::UTF_8 || utf8 => e,
        _ if utf8 => encoding_rs::UTF_8,
        _ => {
            let mut detector =
                chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
            detector.feed(bytes, true);
            detector.guess(None, chardetng::Utf8Detection::Deny)
        }
    };
    // GB18030 decodes everything GBK and GB2312 pages hold, and more.
    let encoding = if encoding == encoding_rs::GBK {
        encoding_rs::GB18030
    } else {
        encoding
    };
    encoding.decode_without_bom_handling(bytes).0.into_owned()
}

/// The encoding a page declares in its first bytes: `<meta charset=…>`, `<meta http-equiv=
/// "Content-Type" content="…; charset=…">`, or an XML declaration's `encoding=`.
fn declared(head: &[u8]) -> Option<&'static Encoding> {
    let lower: Vec<u8> = head.iter().map(u8::to_ascii_lowercase).collect();
    let value_after = |at: usize| -> Option<&'static Encoding> {
        let rest = lower.get(at..)?;
        let rest = rest.strip_prefix(b"=").or_else(|| {
            let t = rest.iter().position(|b| !b.is_ascii_whitespace())?;
            rest.get(t..)?.strip_prefix(b"=")
        })?;
        let start = rest.iter().position(|b| !b" \t\r\n\"'".contains(b))?;
        let rest = rest.get(start..)?;
        let end = rest
            .iter()
            .position(|b| b" \t\r\n\"';/>".contains(b))
            .unwrap_or(rest.len());
        Encoding::for_label(rest.get(..end)?)
    };
    if lower.starts_with(b"<?xml") {
        let close = memchr::memmem::find(&lower, b"?>").unwrap_or(lower.len());
        if let Some(at) = memchr::memmem::find(lower.get(..close)?, b"encoding") {
            if let Some(e) = value_after(at + b"encoding".len()) {
                return Some(e);
            }
        }
    }
    let mut from = 0;
    while let Some(at) = memchr::memmem::find(lower.get(from..)?, b"<meta") {
        let tag_start = from + at;
        let tag_end =
            memchr::memchr(b'>', lower.get(tag_start..)?).map_or(lower.len(), |e| tag_start + e);
        let tag = lower.get(tag_start..tag_end)?;
        if let Some(c) = memchr::memmem::find(tag, b"charset") {
            if let Some(e) = value_after(tag_start + c + b"charset".len()) {
                return Some(e);
            }
        }
        from = tag_end;
    }
    None
}

// ---------------------------------------------------------------------------------------------
// The article

type Ref<'a> = NodeRef<'a, Node>;

/// What an element holds: characters of text outside links and inside them, and cells of
/// data tables that are not navigation (mostly links).
#[derive(Debug, Default, Clone, Copy)]
struct Stats {
    text: usize,
    links: usize,
    cells: usize,
}

fn name<'a>(n: Ref<'a>) -> Option<&'a str> {
    match n.value() {
        Node::Element(e) => Some(e.name()),
        _ => None,
    }
}

fn attr<'a>(n: Ref<'a>, key: &str) -> Option<&'a str> {
    match n.value() {
        Node::Element(e) => e.attr(key),
        _ => None,
    }
}

/// The first element named `tag` in document order.
fn find<'a>(n: Ref<'a>, tag: &str) -> Option<Ref<'a>> {
    n.descendants().find(|d| name(*d) == Some(tag))
}

/// Elements whose contents a reader never sees.
fn skipped(n: Ref<'_>) -> bool {
    let Some(tag) = name(n) else {
        return false;
    };
    if matches!(
        tag,
        "script"
            | "style"
            | "noscript"
            | "template"
            | "head"
            | "title"
            | "iframe"
            | "object"
            | "embed"
            | "select"
            | "option"
            | "button"
            | "input"
            | "textarea"
            | "svg"
            | "canvas"
            | "map"
            | "audio"
            | "video"
    ) {
        return true;
    }
    if attr(n, "hidden").is_some() {
        return true;
    }
    attr(n, "style").is_some_and(|s| {
        let s: String = s
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .to_ascii_lowercase();
        s.contains("display:none") || s.contains("visibility:hidden")
    })
}

/// Whether a table is a data table: no table inside it and more than one cell.
fn is_data_table(n: Ref<'_>) -> bool {
    data_cells(n).is_some()
}

/// The cells of a data table (no table inside it, more than one cell).
fn data_cells(n: Ref<'_>) -> Option<usize> {
    let mut cells = 0;
    for d in n.descendants().skip(1) {
        match name(d) {
            Some("table") => return None,
            Some("td" | "th") => cells += 1,
            _ => {}
        }
    }
    (cells > 1).then_some(cells)
}

/// How deep the reader goes into the page's elements (browsers lay out no deeper either); a
/// hostile page nested deeper would otherwise exhaust the stack.
const MAX_DEPTH: usize = 512;

/// Fills `stats` for `n` and every element below it; returns `n`'s.
fn measure(n: Ref<'_>, depth: usize, stats: &mut HashMap<ego_tree::NodeId, Stats>) -> Stats {
    let mut s = Stats::default();
    if skipped(n) || depth > MAX_DEPTH {
        return s;
    }
    match n.value() {
        Node::Text(t) => {
            s.text = t.text.chars().filter(|c| !c.is_whitespace()).count();
            return s;
        }
        Node::Element(_) => {}
        _ => return s,
    }
    for c in n.children() {
        let cs = measure(c, depth + 1, stats);
        s.cells += cs.cells;
        s.links += cs.links;
        // Link text is navigation, not article.
        if name(c) == Some("a") {
            s.links += cs.text;
        } else {
            s.text += cs.text;
        }
    }
    if name(n) == Some("table") && s.text >= s.links {
        s.cells += data_cells(n).unwrap_or(0);
    }
    stats.insert(n.id(), s);
    s
}

/// Share of the text a child must hold to be taken for the article rather than its parent.
const ARTICLE_SHARE: f64 = 0.6;

/// The article element, and the title heading found just before it on the way down.
fn article<'a>(
    body: Ref<'a>,
    stats: &HashMap<ego_tree::NodeId, Stats>,
) -> (Ref<'a>, Option<(String, u8)>) {
    let get = |n: Ref<'_>| stats.get(&n.id()).copied().unwrap_or_default();
    let mut at = body;
    let mut title: Option<(String, u8)> = None;
    loop {
        let here = get(at);
        let next = at.children().filter(|c| name(*c).is_some()).find(|c| {
            let s = get(*c);
            // Nearly all table cells (a small table of links or an address may be outside).
            s.cells * 10 >= here.cells * 9 && (s.text as f64) >= ARTICLE_SHARE * here.text as f64
        });
        let Some(next) = next else {
            break;
        };
        if here.text > 0 && get(next).text == 0 {
            break;
        }
        // A title line left outside: the last heading-like element before the article, in
        // a sibling that is not navigation (mostly link text).
        for sibling in next.prev_siblings() {
            let s = get(sibling);
            if name(sibling).is_some() && s.links > s.text {
                continue;
            }
            if let Some(found) = title_of(sibling, 0) {
                title = Some(found);
                break;
            }
        }
        at = next;
    }
    // The article's own h1 is its title; then the one left outside is not needed.
    if at
        .descendants()
        .any(|d| name(d) == Some("h1") && !inline_text(d).is_empty())
    {
        title = None;
    }
    (at, title)
}

/// A heading-like element (h1–h3, or a short element whose class or id names a title), with
/// its level: `n` itself or the last one inside it (a few levels down at most).
fn title_of(n: Ref<'_>, depth: usize) -> Option<(String, u8)> {
    if skipped(n) || depth > 8 {
        return None;
    }
    let tag = name(n)?;
    let level = match tag {
        "h1" => 1,
        "h2" => 2,
        "h3" => 3,
        _ => {
            let names = format!(
                "{} {}",
                attr(n, "class").unwrap_or(""),
                attr(n, "id").unwrap_or("")
            )
            .to_ascii_lowercase();
            if !names.contains("title") || names.contains("subtitle") {
                return n.children().rev().find_map(|c| title_of(c, depth + 1));
            }
            1
        }
    };
    let text = inline_text(n);
    let chars = text.chars().count();
    (1..=200).contains(&chars).then_some((text, level))
}

// ---------------------------------------------------------------------------------------------
// Blocks

/// Elements that start and end a paragraph.
fn is_block(tag: &str) -> bool {
    matches!(
        tag,
        "p" | "div"
            | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "li"
            | "ul"
            | "ol"
            | "dl"
            | "dt"
            | "dd"
            | "section"
            | "article"
            | "main"
            | "header"
            | "footer"
            | "aside"
            | "nav"
            | "blockquote"
            | "pre"
            | "center"
            | "address"
            | "figure"
            | "figcaption"
            | "form"
            | "fieldset"
            | "hr"
            | "table"
            | "caption"
            | "thead"
            | "tbody"
            | "tfoot"
            | "tr"
            | "td"
            | "th"
            | "body"
            | "html"
    )
}

/// Text of a source text node as a browser lays it out: line breaks and tabs are spaces.
fn push_source_text(out: &mut String, t: &str) {
    out.extend(t.chars().map(|c| {
        if matches!(c, '\n' | '\r' | '\t') {
            ' '
        } else {
            c
        }
    }));
}

/// All text inside `n`, breaks and blocks as spaces (for titles).
fn inline_text(n: Ref<'_>) -> String {
    fn walk(n: Ref<'_>, depth: usize, out: &mut String) {
        if skipped(n) || depth > MAX_DEPTH {
            return;
        }
        match n.value() {
            Node::Text(t) => push_source_text(out, &t.text),
            _ => n.children().for_each(|c| walk(c, depth + 1, out)),
        }
    }
    let mut s = String::new();
    walk(n, 0, &mut s);
    super::clean_line(&s)
}

/// Walks the article, turning it into paragraphs and tables.
struct Walker<'o> {
    out: &'o mut Builder,
    text: String,
    heading: Option<u8>,
    depth: usize,
}

impl Walker<'_> {
    fn flush(&mut self) {
        if !self.text.trim().is_empty() {
            self.out.paragraph(&self.text, self.heading, None);
        }
        self.text.clear();
        self.heading = None;
    }

    fn block(&mut self, n: Ref<'_>) {
        if skipped(n) || self.depth > MAX_DEPTH {
            return;
        }
        self.depth += 1;
        self.node(n);
        self.depth -= 1;
    }

    fn node(&mut self, n: Ref<'_>) {
        match n.value() {
            Node::Text(t) => push_source_text(&mut self.text, &t.text),
            Node::Element(e) => {
                let tag = e.name();
                if tag == "br" {
                    self.flush();
                    return;
                }
                if tag == "table" && is_data_table(n) {
                    self.flush();
                    self.out.table(table(n), None);
                    return;
                }
                if !is_block(tag) {
                    for c in n.children() {
                        self.block(c);
                    }
                    return;
                }
                self.flush();
                let level = match tag {
                    "h1" => Some(1),
                    "h2" => Some(2),
                    "h3" => Some(3),
                    "h4" => Some(4),
                    "h5" => Some(5),
                    "h6" => Some(6),
                    _ => None,
                };
                for c in n.children() {
                    if level.is_some() {
                        self.heading = level;
                    }
                    self.block(c);
                }
                if level.is_some() {
                    self.heading = level;
                }
                self.flush();
            }
            _ => {
                for c in n.children() {
                    self.block(c);
                }
            }
        }
    }
}

/// A cell's text: blocks and `<br>` start new lines.
fn cell_text(n: Ref<'_>, depth: usize, out: &mut String) {
    if skipped(n) || depth > MAX_DEPTH {
        return;
    }
    match n.value() {
        Node::Text(t) => push_source_text(out, &t.text),
        Node::Element(e) => {
            let tag = e.name();
            if tag == "br" {
                out.push('\n');
                return;
            }
            let block = is_block(tag);
            if block && !out.is_empty() && !out.ends_with('\n') {
                out.push('\n');
            }
            for c in n.children() {
                cell_text(c, depth + 1, out);
            }
            if block && !out.ends_with('\n') {
                out.push('\n');
            }
        }
        _ => {}
    }
}

/// Most grid slots a table may occupy (rows × columns): a statistics table has a few hundred.
const MAX_SLOTS: usize = 4_000_000;

/// The rows of a table in the order the HTML table model takes them: its own rows and those of
/// its row groups, footers last; each with the group it belongs to.
fn rows<'a>(table: Ref<'a>) -> Vec<(Ref<'a>, usize)> {
    let mut rows = Vec::new();
    let mut footers = Vec::new();
    for (g, child) in table.children().enumerate() {
        match name(child) {
            Some("tr") => rows.push((child, usize::MAX)),
            Some(group @ ("thead" | "tbody" | "tfoot")) => {
                let target = if group == "tfoot" {
                    &mut footers
                } else {
                    &mut rows
                };
                target.extend(
                    child
                        .children()
                        .filter(|r| name(*r) == Some("tr"))
                        .map(|r| (r, g)),
                );
            }
            _ => {}
        }
    }
    rows.extend(footers);
    rows
}

/// The cells of a data table placed on its grid.
fn table(n: Ref<'_>) -> Vec<Placed> {
    let rows = rows(n);
    let mut placed = Vec::new();
    // Occupied slots, row by row.
    let mut taken: Vec<Vec<bool>> = vec![Vec::new(); rows.len()];
    let mut slots = 0usize;
    for (r, (row, group)) in rows.iter().enumerate() {
        // Rows left in this row group: a rowspan reaches no further (rowspan=0 reaches there).
        let left = rows
            .iter()
            .skip(r)
            .take_while(|(_, g)| g == group)
            .count()
            .max(1);
        let mut col = 0usize;
        for cell in row
            .children()
            .filter(|c| matches!(name(*c), Some("td" | "th")))
        {
            let number = |key: &str, default: usize| {
                attr(cell, key)
                    .and_then(|v| v.trim().parse::<usize>().ok())
                    .unwrap_or(default)
            };
            let cols = number("colspan", 1).clamp(1, MAX_TABLE_COLS as usize);
            let span_rows = match number("rowspan", 1) {
                0 => left,
                n => n.min(left),
            };
            while taken
                .get(r)
                .and_then(|t| t.get(col))
                .copied()
                .unwrap_or(false)
            {
                col += 1;
            }
            if col >= MAX_TABLE_COLS as usize || r >= MAX_TABLE_ROWS as usize {
                break;
            }
            slots = slots.saturating_add(span_rows.saturating_mul(cols));
            if slots > MAX_SLOTS {
                return placed;
            }
            for row_taken in taken.iter_mut().skip(r).take(span_rows) {
                if row_taken.len() < col + cols {
                    row_taken.resize(col + cols, false);
                }
                for slot in row_taken.iter_mut().skip(col).take(cols) {
                    *slot = true;
                }
            }
            let mut text = String::new();
            for c in cell.children() {
                cell_text(c, 0, &mut text);
            }
            placed.push(Placed {
                row: u32::try_from(r).unwrap_or(u32::MAX),
                col: u32::try_from(col).unwrap_or(u32::MAX),
                rows: u32::try_from(span_rows).unwrap_or(u32::MAX),
                cols: u32::try_from(cols).unwrap_or(u32::MAX),
                text,
            });
            col += cols;
        }
    }
    placed
}

#[cfg(test)]
#[allow(clippy::indexing_slicing)]
mod tests {
    use super::super::Block;
    use super::*;

    fn blocks(html: &str) -> Vec<Block> {
        let mut out = Builder::default();
        read(Path::new("x.html"), html.as_bytes(), &mut out).unwrap_or_else(|e| panic!("{e}"));
        out.blocks
    }

    #[test]
    fn the_declared_encoding_is_read_and_detection_is_the_fallback() {
        let text = "<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=gb2312\"></head><body><p>政府信息公开</p></body></html>";
        let (gbk, _, _) = encoding_rs::GBK.encode(text);
        assert!(decode(&gbk).contains("政府信息公开"));
        assert_eq!(declared(b"<meta charset='GBK'>"), Some(encoding_rs::GBK));
        assert_eq!(
            declared(b"<?xml version=\"1.0\" encoding=\"gb18030\"?>"),
            Some(encoding_rs::GB18030)
        );
        // No declaration: not UTF-8, so detected.
        let bare = "<html><body><p>本机关全年共收到政府信息公开申请三百九十三件，上年结转二十八件。</p></body></html>";
        let (gbk, _, _) = encoding_rs::GBK.encode(bare);
        assert!(decode(&gbk).contains("本机关全年共收到"));
        // Declared gb2312 but saved again as UTF-8.
        assert!(decode(text.as_bytes()).contains("政府信息公开"));
        // A UTF-8 byte-order mark wins.
        let mut bom = vec![0xEF, 0xBB, 0xBF];
        bom.extend_from_slice("<p>年报</p>".as_bytes());
        assert!(decode(&bom).contains("年报"));
    }

    #[test]
    fn the_article_is_found_among_the_navigation() {
        let nav: String = (0..40)
            .map(|i| format!("<li><a href='/{i}'>栏目链接{i}</a></li>"))
            .collect();
        let html = format!(
            "<html><head><title>某局2025年报_某市政府</title></head><body>\
             <div class='top'><ul>{nav}</ul><p>欢迎访问某市人民政府网站</p></div>\
             <div class='main'><div class='bt'><h1>某局2025年政府信息公开工作年度报告</h1></div>\
               <div class='info'>发布时间：2026-01-20 <a href='#'>打印</a></div>\
               <div class='zw'>\
                 <p style='text-indent:2em'>&nbsp;&nbsp;本报告根据《条例》编制。<br><br>报告中所列数据统计期限为2025年。</p>\
                 <p><strong>一、总体情况</strong></p><p>2025年，某局……</p>\
                 <table><tbody><tr><td rowspan='2'><p>信息</p><p>内容</p></td><td colspan='2'><span>本年</span><span>制发</span></td></tr>\
                 <tr><td>1</td><td>2</td></tr></tbody></table>\
                 <h2>二、主动公开政府信息情况</h2><div style='display:none'>隐藏水印</div>\
               </div></div>\
             <div class='footer'><p>主办单位：某市人民政府办公室 地址：某市某路1号 电话：0000</p></div>\
             <script>var x='不是正文';</script></body></html>"
        );
        let b = blocks(&html);
        let paragraphs: Vec<(String, Option<u8>)> = b
            .iter()
            .filter_map(|b| match b {
                Block::Paragraph(p) => Some((p.text.clone(), p.heading)),
                Block::Table(_) => None,
            })
            .collect();
        assert_eq!(
            paragraphs,
            vec![
                ("某局2025年政府信息公开工作年度报告".to_string(), Some(1)),
                ("本报告根据《条例》编制。".to_string(), None),
                ("报告中所列数据统计期限为2025年。".to_string(), None),
                ("一、总体情况".to_string(), None),
                ("2025年，某局……".to_string(), None),
                ("二、主动公开政府信息情况".to_string(), Some(2)),
            ]
        );
        let t = b
            .iter()
            .find_map(|b| match b {
                Block::Table(t) => Some(t),
                Block::Paragraph(_) => None,
            })
            .unwrap_or_else(|| panic!("no table"));
        assert_eq!(t.grid.shown_text(1, 0), Some("信息\n内容"));
        assert_eq!(t.grid.shown_text(0, 2), Some("本年制发"));
        assert_eq!(t.grid.shown_text(1, 2), Some("2"));
        assert_eq!(t.grid.merges, vec![((0, 0), (1, 0)), ((0, 1), (0, 2))]);
    }

    #[test]
    fn nesting_is_counted_from_the_source() {
        assert_eq!(
            source_depth(b"<html><body><div><p>a<p>b<br></div></body></html>"),
            3
        );
        assert_eq!(
            source_depth(b"<div><!-- <div><div> --><img src=x/><span/></div>"),
            1
        );
        assert_eq!(
            source_depth(b"<script>if (a<b) { x = '<div><div>'; }</script><div></div>"),
            1
        );
        assert_eq!(source_depth("<div>".repeat(5000).as_bytes()), 5000);
    }

    #[test]
    fn hostile_spans_are_bounded() {
        let html = "<table><tr><td rowspan=999999 colspan=999999>x</td><td>y</td></tr><tr><td>z</td></tr></table>";
        let b = blocks(html);
        let Some(Block::Table(t)) = b.first() else {
            panic!("{b:?}")
        };
        assert_eq!(t.grid.merges, vec![((0, 0), (1, MAX_TABLE_COLS - 1))]);
    }
}
