//! Reading outputs back, independently of report-gen's own code: zip entries, Word XML
//! (roxmltree), HTML tables (scraper), workbooks (calamine), folders, and statements read from
//! workbook bytes.

use calamine::{Data, Reader, Xlsx};
use report_gen::appendix::{TABLE_SHEETS, TABLE_TOP};
use report_gen::audit::{self, Audited};
use report_gen::diagnostics::Diagnostic;
use report_gen::document::Document;
use report_gen::figures::Figures;
use report_gen::format::CellId;
use report_gen::layout::{Content, Table};
use report_gen::statement::Statement;
use report_gen::workbook::Limits;
use report_gen::Error;
use roxmltree::{Document as Xml, Node};
use scraper::{ElementRef, Html, Selector};
use std::collections::{BTreeMap, BTreeSet};
use std::io::{Cursor, Read};
use std::path::Path;

/// The WordprocessingML namespace.
pub const W: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";

/// A part of a .docx, as text.
pub fn part(docx: &[u8], name: &str) -> String {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(docx)).expect("docx is a zip");
    let mut s = String::new();
    zip.by_name(name)
        .expect("part")
        .read_to_string(&mut s)
        .expect("utf-8");
    s
}

/// The first child element `w:name` of a Word XML node.
pub fn el<'a>(n: Node<'a, 'a>, name: &str) -> Option<Node<'a, 'a>> {
    n.children().find(|c| c.has_tag_name((W, name)))
}

/// Attribute `w:name` of a Word XML node, when both exist.
pub fn attr(n: Option<Node>, name: &str) -> Option<String> {
    n.and_then(|n| n.attribute((W, name))).map(str::to_string)
}

/// The text of a Word XML node: its `w:t` runs joined.
pub fn text(n: Node) -> String {
    n.descendants()
        .filter(|d| d.has_tag_name((W, "t")))
        .filter_map(|t| t.text())
        .collect()
}

/// The `w:p` children of a Word XML node (the body: paragraphs outside tables).
pub fn paragraphs<'a>(body: Node<'a, 'a>) -> Vec<Node<'a, 'a>> {
    body.children()
        .filter(|c| c.has_tag_name((W, "p")))
        .collect()
}

/// The paragraph style of a `w:p`.
pub fn style(p: Node) -> Option<String> {
    attr(el(p, "pPr").and_then(|ppr| el(ppr, "pStyle")), "val")
}

/// (eastAsia font, size in half-points) of a paragraph's first run.
pub fn run_font(p: Node) -> (Option<String>, Option<String>) {
    let rpr = p
        .descendants()
        .find(|d| d.has_tag_name((W, "r")))
        .and_then(|r| el(r, "rPr"));
    (
        attr(rpr.and_then(|r| el(r, "rFonts")), "eastAsia"),
        attr(rpr.and_then(|r| el(r, "sz")), "val"),
    )
}

/// Everything that keeps a zip package from opening, found with zip and an XML parser: unsafe
/// or repeated entry names, XML that does not parse, a part without a content type (or, when a
/// relationship points to it, with only the generic `application/xml`), an override without
/// its part, a relationship whose target is missing, an `r:id` its part's relationships do not
/// define, no main part. Empty when the package is whole.
pub fn package_problems(package: &[u8]) -> Vec<String> {
    const R: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
    let mut problems = Vec::new();
    let mut zip = match zip::ZipArchive::new(std::io::Cursor::new(package)) {
        Ok(zip) => zip,
        Err(e) => return vec![format!("not a zip: {e}")],
    };
    let mut parts = std::collections::BTreeMap::new();
    for i in 0..zip.len() {
        let mut entry = zip.by_index(i).expect("entry");
        let name = entry.name().expect("name").to_string();
        if name.starts_with('/') || name.contains('\\') || name.split('/').any(|s| s == "..") {
            problems.push(format!("unsafe entry name {name}"));
        }
        let mut bytes = Vec::new();
        entry.read_to_end(&mut bytes).expect("entry reads");
        if parts.insert(name.clone(), bytes).is_some() {
            problems.push(format!("entry {name} twice"));
        }
    }
    let mut xml = std::collections::BTreeMap::new();
    for (name, bytes) in &parts {
        if name.ends_with(".xml") || name.ends_with(".rels") {
            match std::str::from_utf8(bytes).map(|t| (t, Xml::parse(t))) {
                Ok((text, Ok(_))) => {
                    xml.insert(name.as_str(), text);
                }
                _ => problems.push(format!("{name} is not well-formed UTF-8 XML")),
            }
        }
    }
    let Some(types) = xml
        .get("[Content_Types].xml")
        .map(|t| Xml::parse(t).expect("parsed"))
    else {
        problems.push("no [Content_Types].xml".into());
        return problems;
    };
    let mut defaults = std::collections::HashMap::new();
    let mut overrides = std::collections::HashMap::new();
    for n in types.root_element().children().filter(Node::is_element) {
        let content_type = n.attribute("ContentType").unwrap_or_default();
        match n.tag_name().name() {
            "Default" => {
                let ext = n.attribute("Extension").unwrap_or_default().to_lowercase();
                defaults.insert(ext, content_type);
            }
            "Override" => {
                let part = n
                    .attribute("PartName")
                    .unwrap_or_default()
                    .trim_start_matches('/');
                if !parts.contains_key(part) {
                    problems.push(format!("content type for a missing part /{part}"));
                }
                overrides.insert(part.to_string(), content_type);
            }
            other => problems.push(format!("[Content_Types].xml: unknown {other}")),
        }
    }
    let content_type = |part: &str| {
        overrides.get(part).copied().or_else(|| {
            let ext = part.rsplit_once('.').map(|(_, e)| e.to_lowercase());
            ext.and_then(|e| defaults.get(&e).copied())
        })
    };
    for name in parts.keys().filter(|n| *n != "[Content_Types].xml") {
        if content_type(name).is_none() {
            problems.push(format!("{name} has no content type"));
        }
    }
    let mut main = Vec::new();
    for (rels_name, text) in xml.iter().filter(|(n, _)| n.ends_with(".rels")) {
        // `a/_rels/b.xml.rels` describes `a/b.xml`; targets are relative to `a/`.
        let (folder, file) = rels_name.rsplit_once("_rels/").unwrap_or(("", rels_name));
        let source = format!("{folder}{}", file.trim_end_matches(".rels"));
        let doc = Xml::parse(text).expect("parsed");
        let mut ids = std::collections::HashSet::new();
        for rel in doc.root_element().children().filter(Node::is_element) {
            let id = rel.attribute("Id").unwrap_or_default();
            if !ids.insert(id.to_string()) {
                problems.push(format!("{rels_name}: Id {id} twice"));
            }
            if rel.attribute("TargetMode") == Some("External") {
                continue;
            }
            let target = rel.attribute("Target").unwrap_or_default();
            let mut path: Vec<&str> = if target.starts_with('/') {
                Vec::new()
            } else {
                folder.split('/').filter(|s| !s.is_empty()).collect()
            };
            for segment in target.split('/').filter(|s| !s.is_empty() && *s != ".") {
                if segment == ".." {
                    path.pop();
                } else {
                    path.push(segment);
                }
            }
            let resolved = path.join("/");
            if !parts.contains_key(&resolved) {
                problems.push(format!("{rels_name}: {id} points to a missing {resolved}"));
            } else if content_type(&resolved) == Some("application/xml")
                && !resolved.starts_with("customXml/")
            {
                // Only custom XML may have the generic type: Word and Excel find their parts by
                // type as well as by relationship.
                problems.push(format!(
                    "{resolved} has only the generic type application/xml"
                ));
            }
            if rel
                .attribute("Type")
                .is_some_and(|t| t.ends_with("/officeDocument"))
            {
                main.push(resolved);
            }
        }
        if let Some(text) = xml.get(source.as_str()) {
            let doc = Xml::parse(text).expect("parsed");
            for n in doc.descendants().filter(Node::is_element) {
                for a in n.attributes().filter(|a| a.namespace() == Some(R)) {
                    if a.name() != "id" && a.name() != "embed" && a.name() != "link" {
                        continue;
                    }
                    if !ids.contains(a.value()) {
                        problems.push(format!("{source}: r:{} {} undefined", a.name(), a.value()));
                    }
                }
            }
        }
    }
    match main.as_slice() {
        [part] if content_type(part).is_some_and(|t| t.ends_with(".main+xml")) => {}
        other => problems.push(format!("main part: {other:?}")),
    }
    problems
}

/// A workbook opened by calamine from memory.
pub type Book = Xlsx<Cursor<Vec<u8>>>;

/// An .xlsx in memory, opened by calamine.
pub fn book(bytes: &[u8]) -> Book {
    Xlsx::new(Cursor::new(bytes.to_vec())).expect("calamine opens the appendix")
}

/// The sheet name of a table.
pub fn table_sheet(table: Table) -> &'static str {
    TABLE_SHEETS
        .iter()
        .find(|(t, _)| *t == table)
        .map(|(_, s)| *s)
        .expect("every table has a sheet")
}

/// 0-based (row, col) of an A1 address such as `D7`.
pub fn parse_a1(a: &str) -> (u32, u32) {
    let letters: String = a.chars().take_while(char::is_ascii_uppercase).collect();
    let col = letters
        .bytes()
        .fold(0u32, |n, b| n * 26 + u32::from(b - b'A') + 1)
        - 1;
    let row: u32 = a[letters.len()..].parse().expect("row number");
    (row - 1, col)
}

/// The cells a `SUM(...)` formula adds up, ranges expanded.
pub fn sum_cells(formula: &str) -> BTreeSet<(u32, u32)> {
    let body = formula
        .strip_prefix("SUM(")
        .and_then(|f| f.strip_suffix(')'))
        .unwrap_or_else(|| panic!("not a SUM: {formula}"));
    let mut out = BTreeSet::new();
    for part in body.split(',') {
        let (a, b) = part.split_once(':').unwrap_or((part, part));
        let ((r0, c0), (r1, c1)) = (parse_a1(a), parse_a1(b));
        for r in r0..=r1 {
            for c in c0..=c1 {
                out.insert((r, c));
            }
        }
    }
    out
}

/// Sheet (row, col) of a grid cell of a table sheet.
pub fn at(row: usize, col: usize) -> (u32, u32) {
    (TABLE_TOP + row as u32, col as u32)
}

/// An .xlsx file, opened by calamine.
pub fn book_file(path: &Path) -> Book {
    Xlsx::new(Cursor::new(std::fs::read(path).expect("file"))).expect("calamine opens it")
}

/// A column of a sheet, below its head row.
pub fn column(book: &mut Book, sheet: &str, col: u32) -> Vec<String> {
    let range = book.worksheet_range(sheet).expect("sheet");
    (1..range.height() as u32)
        .map(|r| {
            range
                .get_value((r, col))
                .map(|v| v.to_string())
                .unwrap_or_default()
        })
        .collect()
}

/// The figures of a roll-up sheet, read cell by cell at the layout's positions.
pub fn rolled_up(book: &mut Book) -> Figures {
    let mut f = Figures::default();
    for (table, sheet) in [
        (Table::T2, "汇总表二"),
        (Table::T3, "汇总表三"),
        (Table::T4, "汇总表四"),
    ] {
        let range = book.worksheet_range(sheet).expect("sheet");
        for p in table.layout().cells {
            let Content::Data(id) = p.content else {
                continue;
            };
            let v = range
                .get_value((TABLE_TOP + p.row as u32, p.col as u32))
                .cloned();
            let x = match v {
                Some(Data::Float(x)) => x,
                Some(Data::Int(i)) => i as f64,
                other => panic!("{sheet} {id:?}: {other:?}"),
            };
            let n = if id == CellId::T2(report_gen::figures::T2_FEES) {
                report_gen::figures::Number::Wan(x)
            } else {
                report_gen::figures::Number::Count(x as u64)
            };
            f.set(id, n);
        }
    }
    f
}

/// A column of a sheet, below its head row.
pub fn sheet_column(path: &Path, sheet: &str, col: u32) -> Vec<String> {
    column(&mut book_file(path), sheet, col)
}

/// Reads a sheet of a workbook as rows of text.
pub fn sheet_rows(path: &Path, name: &str) -> Vec<Vec<String>> {
    let mut wb: Xlsx<_> = calamine::open_workbook(path).expect("workbook opens");
    let range = wb.worksheet_range(name).expect("sheet");
    range
        .rows()
        .map(|r| {
            r.iter()
                .map(|c| match c {
                    Data::String(s) => s.clone(),
                    Data::Float(f) => format!("{f}"),
                    Data::Int(i) => format!("{i}"),
                    Data::Empty => String::new(),
                    other => format!("{other}"),
                })
                .collect()
        })
        .collect()
}

/// The names in a folder (not recursing), sorted; none when it does not exist.
pub fn listing(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

/// Every file under `dir`, recursively, relative to it.
pub fn tree(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if let Ok(rel) = p.strip_prefix(dir) {
                out.push(rel.to_string_lossy().into_owned());
            }
        }
    }
    out.sort();
    out
}

/// Whether a file name is one of report-gen's temporary files.
pub fn is_temporary(name: &str) -> bool {
    name.starts_with(report_gen::output::TEMP_PREFIX) && name.ends_with(".tmp")
}

/// The text of the report's body.
pub fn document_xml(docx: &[u8]) -> String {
    part(docx, "word/document.xml")
}

/// (sheet, row, col) of every cell of a workbook whose value starts with `prefix`, with the
/// cell's value and formula.
pub fn cells_starting_with(path: &Path, prefix: &str) -> Vec<(String, Data, String)> {
    let mut book: calamine::Xlsx<_> = calamine::open_workbook(path).expect("opens");
    let mut found = Vec::new();
    for sheet in book.sheet_names() {
        let values = book.worksheet_range(&sheet).expect("values");
        let formulas = book.worksheet_formula(&sheet).expect("formulas");
        for (r, c, v) in values.used_cells() {
            if v.to_string().starts_with(prefix) {
                let (r0, c0) = values.start().unwrap_or((0, 0));
                let at = (r0 + r as u32, c0 + c as u32);
                let f = formulas.get_value(at).cloned().unwrap_or_default();
                found.push((sheet.clone(), v.clone(), f));
            }
        }
    }
    found
}

/// Whether a file is a complete zip package: every entry reads to its end (checksums checked).
pub fn complete_zip(path: &Path) -> bool {
    let Ok(bytes) = std::fs::read(path) else {
        return false;
    };
    let Ok(mut zip) = zip::ZipArchive::new(Cursor::new(bytes)) else {
        return false;
    };
    (0..zip.len()).all(|i| {
        zip.by_index(i)
            .ok()
            .is_some_and(|mut e| std::io::copy(&mut e, &mut std::io::sink()).is_ok())
    })
}

/// Every file of a folder (not recursing), sorted by name, with its bytes.
pub fn read_all(dir: &Path) -> Vec<(String, Vec<u8>)> {
    listing(dir)
        .into_iter()
        .map(|n| {
            let bytes = std::fs::read(dir.join(&n)).expect("file");
            (n, bytes)
        })
        .collect()
}

/// The text of every cell of a Word table by its grid position (row, first column).
pub fn word_cells(tbl: Node) -> BTreeMap<(usize, usize), String> {
    let mut out = BTreeMap::new();
    let rows = tbl.children().filter(|c| c.has_tag_name((W, "tr")));
    for (r, tr) in rows.enumerate() {
        let mut col = 0;
        for tc in tr.children().filter(|c| c.has_tag_name((W, "tc"))) {
            let span: usize = tc
                .descendants()
                .find(|d| d.has_tag_name((W, "gridSpan")))
                .and_then(|g| g.attribute((W, "val")))
                .and_then(|v| v.parse().ok())
                .unwrap_or(1);
            let text: String = tc
                .descendants()
                .filter(|d| d.has_tag_name((W, "t")))
                .filter_map(|t| t.text())
                .collect();
            out.insert((r, col), text);
            col += span;
        }
    }
    out
}

/// A table as its grid: for every grid position, the top-left corner of the cell covering it,
/// and the text of each cell by its corner.
#[derive(Debug, PartialEq)]
pub struct Grid {
    pub origin: Vec<Vec<(usize, usize)>>,
    pub text: BTreeMap<(usize, usize), String>,
}

/// A CSS selector.
pub fn sel(s: &str) -> Selector {
    Selector::parse(s).expect("selector")
}

/// Text without any whitespace (pdftotext and HTML put spaces and breaks where the page does).
pub fn squash(s: &str) -> String {
    s.split_whitespace().collect()
}

/// The Word tables: gridSpan across, vMerge (restart / continue) down.
pub fn word_grids(docx: &[u8]) -> Vec<Grid> {
    let xml = document_xml(docx);
    let doc = Xml::parse(&xml).expect("document.xml parses");
    doc.descendants()
        .filter(|n| n.has_tag_name((W, "tbl")))
        .map(|tbl| {
            let mut origin: Vec<Vec<(usize, usize)>> = Vec::new();
            let mut text = BTreeMap::new();
            for (r, tr) in tbl
                .children()
                .filter(|c| c.has_tag_name((W, "tr")))
                .enumerate()
            {
                let mut row = Vec::new();
                for tc in tr.children().filter(|c| c.has_tag_name((W, "tc"))) {
                    let pr = el(tc, "tcPr");
                    let span: usize = pr
                        .and_then(|p| el(p, "gridSpan"))
                        .and_then(|g| g.attribute((W, "val")))
                        .map_or(1, |v| v.parse().expect("gridSpan"));
                    let vmerge = pr.and_then(|p| el(p, "vMerge"));
                    let continues =
                        vmerge.is_some_and(|v| v.attribute((W, "val")) != Some("restart"));
                    let c = row.len();
                    let o = if continues {
                        origin[r - 1][c]
                    } else {
                        let t: String = tc
                            .descendants()
                            .filter(|d| d.has_tag_name((W, "t")))
                            .filter_map(|t| t.text())
                            .collect();
                        text.insert((r, c), squash(&t));
                        (r, c)
                    };
                    row.extend(std::iter::repeat_n(o, span));
                }
                origin.push(row);
            }
            Grid { origin, text }
        })
        .collect()
}

/// The HTML tables, by the HTML table model: rowspan/colspan over the occupied grid.
pub fn html_grids(html: &Html) -> Vec<Grid> {
    html.select(&sel("table"))
        .map(|table| {
            let mut occupied: BTreeMap<(usize, usize), (usize, usize)> = BTreeMap::new();
            let mut text = BTreeMap::new();
            for (r, tr) in table.select(&sel("tr")).enumerate() {
                let mut c = 0;
                for cell in tr.select(&sel("th, td")) {
                    while occupied.contains_key(&(r, c)) {
                        c += 1;
                    }
                    let span = |a: &str| {
                        cell.value()
                            .attr(a)
                            .map_or(1, |v| v.parse::<usize>().expect("span"))
                    };
                    let (rows, cols) = (span("rowspan"), span("colspan"));
                    for dr in 0..rows {
                        for dc in 0..cols {
                            occupied.insert((r + dr, c + dc), (r, c));
                        }
                    }
                    text.insert((r, c), squash(&cell.text().collect::<String>()));
                    c += cols;
                }
            }
            let rows = occupied.keys().map(|k| k.0 + 1).max().unwrap_or(0);
            let origin = (0..rows)
                .map(|r| {
                    occupied
                        .range((r, 0)..(r + 1, 0))
                        .map(|(_, o)| *o)
                        .collect()
                })
                .collect();
            Grid { origin, text }
        })
        .collect()
}

/// The Word report's paragraphs outside the tables, non-empty, in order.
pub fn word_paragraphs(docx: &[u8]) -> Vec<String> {
    let xml = document_xml(docx);
    let doc = Xml::parse(&xml).expect("document.xml parses");
    let body = doc
        .descendants()
        .find(|n| n.has_tag_name((W, "body")))
        .expect("body");
    body.children()
        .filter(|c| c.has_tag_name((W, "p")))
        .map(|p| {
            p.descendants()
                .filter(|d| d.has_tag_name((W, "t")))
                .filter_map(|t| t.text())
                .collect::<String>()
        })
        .filter(|t| !t.trim().is_empty())
        .collect()
}

/// The page's headings and paragraphs outside the tables, non-empty, in order; the title's
/// lines (split by `<br>`) one each.
pub fn html_paragraphs(html: &Html) -> Vec<String> {
    let article = html.select(&sel("article")).next().expect("an article");
    let mut out = Vec::new();
    for el in article.child_elements() {
        match el.value().name() {
            "h1" | "h2" | "h3" | "p" => out.extend(
                el.text()
                    .map(|t| t.trim_matches(|c: char| c.is_whitespace() || c == '\u{a0}'))
                    .filter(|t| !t.is_empty())
                    .map(str::to_string),
            ),
            "div" => assert!(el.select(&sel("table")).next().is_some(), "{}", el.html()),
            other => panic!("unexpected <{other}> in the article"),
        }
    }
    out
}

/// A published report read by `report_gen::document`.
pub fn open_document(path: &Path) -> Document {
    report_gen::document::open(path, Limits::default())
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The document's tables as a workbook: one sheet per table, in order.
pub fn book_of(doc: &Document) -> report_gen::workbook::Book {
    report_gen::workbook::Book {
        sheets: doc.tables().map(|t| t.grid.clone()).collect(),
        hidden: Vec::new(),
    }
}

/// A workbook's bytes read as the reader does, as if from a file called `name`.
pub fn read_as(name: &str, bytes: &[u8]) -> Result<Statement, Error> {
    let path = Path::new(name);
    let book = report_gen::workbook::parse(path, bytes, Default::default())?;
    report_gen::reader::from_book(path, &book)
}

/// The parts of a zip package, decompressed: (name, bytes), in the package's order.
pub fn parts(package: &[u8]) -> Vec<(String, Vec<u8>)> {
    let mut zip = zip::ZipArchive::new(Cursor::new(package)).expect("zip");
    (0..zip.len())
        .map(|i| {
            let mut e = zip.by_index(i).expect("entry");
            let name = e.name().expect("name").to_string();
            let mut data = Vec::new();
            e.read_to_end(&mut data).expect("read");
            (name, data)
        })
        .collect()
}

/// `report-gen audit` of one published report (with last year's, when given), as the library
/// runs it.
pub fn audit_file(path: &Path, previous: Option<&Path>) -> Audited {
    let prev = previous.map(|p| audit::previous(p, Limits::default()).expect("previous reads"));
    audit::audit(path, prev.as_ref(), Limits::default())
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The paragraph number of the first paragraph of a document containing `text`.
pub fn paragraph_of(path: &Path, text: &str) -> usize {
    let doc = report_gen::document::open(path, Limits::default()).expect("document");
    let found = doc
        .paragraphs()
        .find(|p| p.text.contains(text))
        .map(|p| p.index);
    found.unwrap_or_else(|| panic!("{}: no paragraph with {text}", path.display()))
}

/// The three tables of our Word report: the official grid (widths adding up to the text
/// width), header rows repeated, no row split, the official merges, every label and figure
/// in its cell, in 宋体.
pub fn check_tables(doc: &Xml, st: &Statement) {
    let body = doc.root_element().first_element_child().expect("body");
    let tables: Vec<Node> = body
        .children()
        .filter(|c| c.has_tag_name((W, "tbl")))
        .collect();
    assert_eq!(tables.len(), 3);
    for (tbl, table) in tables.iter().zip(Table::ALL) {
        let layout = table.layout();
        let grid: Vec<usize> = el(*tbl, "tblGrid")
            .expect("grid")
            .children()
            .filter_map(|g| attr(Some(g), "w").and_then(|w| w.parse().ok()))
            .collect();
        assert_eq!(grid.len(), layout.cols, "{table:?}");
        assert_eq!(
            grid.iter().sum::<usize>(),
            report_gen::typography::text_width() as usize
        );
        let rows: Vec<Node> = tbl
            .children()
            .filter(|c| c.has_tag_name((W, "tr")))
            .collect();
        assert_eq!(rows.len(), layout.rows, "{table:?}");
        for (r, tr) in rows.iter().enumerate() {
            let trpr = el(*tr, "trPr");
            assert!(
                trpr.and_then(|t| el(t, "cantSplit")).is_some(),
                "row {r} may split"
            );
            let header = trpr.and_then(|t| el(t, "tblHeader")).is_some();
            assert_eq!(header, r < layout.header_rows, "{table:?} row {r} header");
            let mut col = 0;
            for tc in tr.children().filter(|c| c.has_tag_name((W, "tc"))) {
                let tcpr = el(tc, "tcPr");
                let span: usize = attr(tcpr.and_then(|t| el(t, "gridSpan")), "val")
                    .map_or(1, |v| v.parse().unwrap_or(0));
                let vmerge = tcpr.and_then(|t| el(t, "vMerge"));
                let width: usize = attr(tcpr.and_then(|t| el(t, "tcW")), "w")
                    .and_then(|w| w.parse().ok())
                    .expect("tcW");
                assert_eq!(
                    width,
                    grid[col..col + span].iter().sum::<usize>(),
                    "{table:?} ({r},{col}) tcW"
                );
                let placed = layout.covering(r, col).expect("covered");
                assert_eq!(
                    (placed.col, placed.cols),
                    (col, span),
                    "{table:?} ({r},{col}) span"
                );
                if placed.rows > 1 {
                    // A continuing cell has no val or val="continue" (the schema default).
                    let val = attr(vmerge, "val").unwrap_or_else(|| "continue".into());
                    let want = if placed.row == r {
                        "restart"
                    } else {
                        "continue"
                    };
                    assert_eq!(val, want, "{table:?} ({r},{col}) vMerge");
                    assert!(vmerge.is_some());
                } else {
                    assert!(vmerge.is_none(), "{table:?} ({r},{col}) unexpected vMerge");
                }
                if placed.row == r {
                    let want = match placed.content {
                        Content::Data(id) => st.figures.get(id).to_string(),
                        other => other.text().unwrap_or_default().to_string(),
                    };
                    assert_eq!(text(tc), want, "{table:?} ({r},{col})");
                    assert_eq!(
                        run_font(*el(tc, "p").as_ref().expect("p")).0.as_deref(),
                        Some("宋体")
                    );
                }
                col += span;
            }
            assert_eq!(col, layout.cols, "{table:?} row {r} width");
        }
    }
}

/// Nothing that runs, loads or leaves the page; borders on every table and cell, twice.
pub fn assert_self_contained(html: &Html, source: &str) {
    for tag in [
        "script", "link", "img", "iframe", "object", "embed", "style", "base", "form",
    ] {
        assert!(
            html.select(&sel(tag)).next().is_none(),
            "<{tag}> in the page"
        );
    }
    for el in html.select(&sel("*")) {
        for (name, value) in el.value().attrs() {
            assert!(
                !matches!(name, "src" | "href" | "srcset" | "action" | "background")
                    && !name.starts_with("on"),
                "{name}={value}"
            );
            assert!(
                !value.contains("url(") && !value.contains("@import"),
                "{name}={value}"
            );
        }
    }
    assert!(!source.contains("http://") && !source.contains("https://"));
    let tables: Vec<ElementRef> = html.select(&sel("table")).collect();
    assert_eq!(tables.len(), 3);
    for t in &tables {
        assert_eq!(t.value().attr("border"), Some("1"));
        assert_eq!(t.value().attr("width"), Some("100%"));
        let style = t.value().attr("style").unwrap_or("");
        assert!(style.contains("border:1px solid #000") && style.contains("width:100%"));
        let pct: f64 = t
            .select(&sel("col"))
            .map(|c| {
                let w = c.value().attr("width").expect("col width");
                w.trim_end_matches('%').parse::<f64>().expect("percent")
            })
            .sum();
        assert!((pct - 100.0).abs() < 1e-9, "{pct}");
        for cell in t.select(&sel("th, td")) {
            let style = cell.value().attr("style").unwrap_or("");
            assert!(style.contains("border:1px solid #000"), "{}", cell.html());
            if cell.value().name() == "th" {
                assert!(
                    matches!(cell.value().attr("scope"), Some("col" | "row" | "rowgroup")),
                    "{}",
                    cell.html()
                );
            }
        }
    }
}

/// The checks' findings on a workbook that reads (as `测试.xlsx`).
pub fn findings(bytes: &[u8]) -> Vec<Diagnostic> {
    let st = read_as("测试.xlsx", bytes).expect("reads");
    report_gen::checks::all(&st, None)
}

/// The findings of a workbook that must be refused as invalid (as `测试.xlsx`).
pub fn invalid(bytes: &[u8]) -> Vec<Diagnostic> {
    match read_as("测试.xlsx", bytes) {
        Err(Error::Invalid { diagnostics, .. }) => diagnostics,
        other => panic!("expected invalid, got {other:?}"),
    }
}
