//! Makes a package written by docx-rs 0.4.22 valid OOXML, and adds what docx-rs cannot write.
//!
//! docx-rs emits children in the wrong order in many property elements (`w:pPr`, `w:rPr`,
//! `w:sectPr`, `w:tcPr`, styles, settings), puts `w:rPr` where the schema forbids it, writes
//! `w:type` on `w:gridCol`, and has no theme part; Word then offers to "repair" the file.
//! [`finish`] reads the packed zip, parses every XML part into a tree that borrows from the
//! part (`ooxml/tree.rs`), fixes it (ordering is table-driven, see `ooxml/order_table.rs`),
//! adds the extras of [`Extras`] and writes a deterministic zip. [`order_violations`] checks
//! a package against the same tables.
//!
//! Cost: what `finish` does not change is copied, not rebuilt. Ordering, `w:gridCol` and
//! `w:firstLineChars` are done while parsing, and most elements are written out as they
//! close (see `ooxml/tree.rs`). Entries are deflated at level [`DEFLATE_LEVEL`] (1), parts
//! under [`STORE_BELOW`] bytes stored: at the zip crate's default of 6, compressing takes most
//! of the time `finish` needs for a report, for a package about a quarter smaller.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::{Cursor, Read, Write};
use std::sync::OnceLock;

mod order_table;
#[cfg(test)]
mod tests;
mod tree;
#[cfg(test)]
mod tree_tests;

use tree::{
    parse_part, parse_xml, sort_children, write_xml_into, Attrs, Build, Finishing, SortScratch,
    XDoc, XElement, XNode,
};
#[cfg(test)]
use tree::{write_xml, Element, Node, XmlDoc};

/// What docx-rs cannot express, added by [`finish`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Extras {
    /// Fonts to declare in `word/fontTable.xml`; an existing entry of the same name is replaced.
    pub fonts: Vec<FontDecl>,
    /// For each body table of the main document (direct `w:tbl` children of `w:body`, in
    /// document order), how many leading rows repeat as header rows. Missing entries = 0.
    pub header_rows: Vec<usize>,
    /// `(twips, chars)`: every `w:ind` whose `w:firstLine` equals `twips` gets
    /// `w:firstLineChars="chars"` (hundredths of a character, so `(640, 200)` = 2 chars at 16 pt).
    pub first_line_chars: Vec<(u32, u32)>,
}

/// One `w:font` entry of the font table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FontDecl {
    /// Face name as runs use it in `w:rFonts` (e.g. `仿宋_GB2312`).
    pub name: String,
    /// Alternative name Word tries when `name` is missing (e.g. `仿宋` or `FangSong_GB2312`).
    pub alt_name: Option<String>,
    /// PANOSE-1 classification, 20 hex digits.
    pub panose: Option<String>,
    /// Character set as two hex digits: `00` ANSI, `86` GB2312, `02` symbol.
    pub charset: String,
    /// Font family class.
    pub family: FontFamily,
    /// Font pitch.
    pub pitch: FontPitch,
}

/// `w:family` values (ST_FontFamily).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FontFamily {
    /// Serif, proportional (Times New Roman).
    Roman,
    /// Sans serif, proportional (Arial).
    Swiss,
    /// Fixed width; Word's class for most Chinese faces (黑体, 仿宋_GB2312).
    Modern,
    /// Script faces.
    Script,
    /// Decorative faces.
    Decorative,
    /// Unknown class (宋体 is declared so).
    Auto,
}

/// `w:pitch` values (ST_Pitch).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FontPitch {
    /// Fixed pitch.
    Fixed,
    /// Variable pitch.
    Variable,
    /// Unspecified pitch.
    Default,
}

impl FontDecl {
    /// A Latin face: charset `00`, roman family, variable pitch.
    pub fn latin(name: impl Into<String>) -> Self {
        FontDecl {
            name: name.into(),
            alt_name: None,
            panose: None,
            charset: "00".into(),
            family: FontFamily::Roman,
            pitch: FontPitch::Variable,
        }
    }

    /// A simplified-Chinese face: charset `86` (GB2312), modern family, fixed pitch, as Word
    /// declares 黑体 and 仿宋_GB2312.
    pub fn east_asian(name: impl Into<String>) -> Self {
        FontDecl {
            name: name.into(),
            alt_name: None,
            panose: None,
            charset: "86".into(),
            family: FontFamily::Modern,
            pitch: FontPitch::Fixed,
        }
    }

    /// Sets the alternative name.
    pub fn alt_name(mut self, alt_name: impl Into<String>) -> Self {
        self.alt_name = Some(alt_name.into());
        self
    }

    /// Sets the PANOSE-1 classification (20 hex digits).
    pub fn panose(mut self, panose: impl Into<String>) -> Self {
        self.panose = Some(panose.into());
        self
    }

    /// Sets the family class.
    pub fn family(mut self, family: FontFamily) -> Self {
        self.family = family;
        self
    }

    /// Sets the pitch.
    pub fn pitch(mut self, pitch: FontPitch) -> Self {
        self.pitch = pitch;
        self
    }
}

/// Why [`finish`] could not produce a package.
#[derive(Debug, thiserror::Error)]
pub enum OoxmlError {
    /// The input is not a zip archive the zip crate can read.
    #[error("cannot read the package as a zip archive: {0}")]
    Zip(#[source] zip::result::ZipError),
    /// An entry of the archive could not be decompressed.
    #[error("cannot read part {part}: {source}")]
    ReadPart {
        /// Entry name.
        part: String,
        /// Underlying I/O error.
        #[source]
        source: std::io::Error,
    },
    /// An entry is larger than [`finish`] accepts (a guard against zip bombs).
    #[error("part {part} is larger than {limit} bytes")]
    TooLarge {
        /// Entry name.
        part: String,
        /// The limit in bytes.
        limit: u64,
    },
    /// Two entries have the same name (ignoring ASCII case, as OPC part names do).
    #[error("the package holds {0} twice")]
    DuplicatePart(String),
    /// A part the package needs is absent or not referenced.
    #[error("the package has no {0}")]
    MissingPart(String),
    /// An XML part is not well-formed, or uses something this module does not support
    /// (a DTD, a non-UTF-8 encoding, entities other than the predefined ones).
    #[error("malformed XML in {part} at byte {position}: {message}")]
    MalformedXml {
        /// Part name.
        part: String,
        /// Byte offset of the problem in the part.
        position: u64,
        /// What is wrong.
        message: String,
    },
    /// `Extras::header_rows` asks for header rows in a body table that does not exist.
    #[error("no body table {table} (0-based) for header rows: the document has {tables}")]
    NoSuchTable {
        /// 0-based index into `header_rows`.
        table: usize,
        /// Number of body tables found.
        tables: usize,
    },
    /// `Extras::header_rows` asks for more header rows than a table has rows.
    #[error("body table {table} (0-based) has {rows} rows, fewer than {requested} header rows")]
    TooManyHeaderRows {
        /// 0-based table index.
        table: usize,
        /// Rows requested as header rows.
        requested: usize,
        /// Rows the table has.
        rows: usize,
    },
    /// A font declaration in `Extras::fonts` is invalid.
    #[error("invalid font declaration {name:?}: {reason}")]
    InvalidFont {
        /// The declared name.
        name: String,
        /// What is wrong.
        reason: String,
    },
    /// Writing the output archive failed.
    #[error("cannot write the output archive: {0}")]
    Write(#[source] zip::result::ZipError),
}

/// Largest part accepted, decompressed. Report packages are a few hundred kilobytes.
const MAX_PART_BYTES: u64 = 256 << 20;
/// Deepest element nesting accepted; bounds every recursion in this module.
const MAX_DEPTH: usize = 256;

const W_NS: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";
const CT_NS: &str = "http://schemas.openxmlformats.org/package/2006/content-types";
const PR_NS: &str = "http://schemas.openxmlformats.org/package/2006/relationships";
const REL_OFFICE_DOCUMENT: &str =
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument";
const REL_THEME: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/theme";
const REL_FONT_TABLE: &str =
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/fontTable";
const CT_THEME: &str = "application/vnd.openxmlformats-officedocument.theme+xml";
const CONTENT_TYPES: &str = "[Content_Types].xml";
const ROOT_RELS: &str = "_rels/.rels";
const DEFAULT_DECL: &str = r#"xml version="1.0" encoding="UTF-8" standalone="yes""#;
/// A compact Office theme: standard colours, Times New Roman with 黑体/宋体 for Hans.
const THEME_XML: &str = include_str!("ooxml/theme1.xml");
/// The relationships part `finish` starts from when the main document has none.
const EMPTY_RELS: &str =
    r#"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"/>"#;
/// Deflate level of the entries written. Level 6 (the zip crate's default, used before)
/// spends about 5 M instructions more on a 350 KB report for 15% fewer bytes; the output is
/// deterministic at any fixed level.
const DEFLATE_LEVEL: i64 = 1;
/// Parts smaller than this many bytes are stored, not deflated.
const STORE_BELOW: usize = 2048;

/// Namespaces whose elements the order tables name, with the prefix the tables use.
const KNOWN_NS: &[(&str, &str)] = &[
    ("w", W_NS),
    (
        "w14",
        "http://schemas.microsoft.com/office/word/2010/wordml",
    ),
    (
        "w15",
        "http://schemas.microsoft.com/office/word/2012/wordml",
    ),
    (
        "m",
        "http://schemas.openxmlformats.org/officeDocument/2006/math",
    ),
    (
        "sl",
        "http://schemas.openxmlformats.org/schemaLibrary/2006/main",
    ),
    ("ct", CT_NS),
    ("pr", PR_NS),
];

/// Rewrites a package written by `docx_rs::Docx::build().pack(..)` into a schema-valid one.
///
/// Children of every element with a known schema sequence are put in ECMA-376 order; `rPr`
/// inside style, numbering-level and default paragraph properties is moved to the run
/// properties next to it; `w:type` on `w:gridCol` is removed; a theme part is added if
/// none is referenced; parts nothing references (docx-rs always writes numbering, comments
/// and footnotes) are dropped; then the [`Extras`] are applied. The output is
/// deterministic: entries deflated, dated 1980-01-01, `[Content_Types].xml` first.
pub fn finish(package: &[u8], extras: &Extras) -> Result<Vec<u8>, OoxmlError> {
    check_fonts(&extras.fonts)?;
    let Entries { entries, error } = read_entries(package)?;
    let finishing = Finishing {
        first_line_chars: &extras.first_line_chars,
    };
    // Ordering, gridCol and firstLineChars are done while parsing (see `tree`).
    let mut pkg = XPackage::parse(&entries, error, &finishing)?;
    let main = pkg.main_document()?;
    pkg.ensure_theme(&main, &finishing)?;
    pkg.prune_unreferenced()?;
    let to_fix = std::mem::take(&mut pkg.to_fix);
    let mut scratch = SortScratch::default();
    for (name, part) in pkg.parts.iter_mut() {
        if let XPart::Xml(doc) = part {
            if to_fix.contains(name) {
                fix_context(&mut doc.root, 0);
                reorder_with(&mut doc.root, 0, &mut scratch);
            }
            if *name == main {
                add_header_rows(doc, &extras.header_rows, &mut scratch)?;
            }
        }
    }
    if !extras.fonts.is_empty() {
        let font_table = pkg
            .related_part(&main, REL_FONT_TABLE)
            .ok_or_else(|| OoxmlError::MissingPart("font table (word/fontTable.xml)".into()))?;
        let doc = pkg.xml_mut(&font_table)?;
        declare_fonts(doc, &extras.fonts)?;
        reorder_with(&mut doc.root, 0, &mut scratch);
    }
    pkg.write()
}

/// Lists every place where a package breaks the order tables: children out of order, unknown
/// children of property elements, `rPr` inside a `pPr` that is not a paragraph's, `w:type`
/// on `w:gridCol`. Empty means the package passes. An unreadable package yields one entry.
pub fn order_violations(package: &[u8]) -> Vec<String> {
    let pkg = match Package::read(package) {
        Ok(pkg) => pkg,
        Err(e) => return vec![format!("cannot read package: {e}")],
    };
    let mut out = Vec::new();
    for (name, part) in &pkg.parts {
        if let PartData::Xml(doc) = part {
            let mut path = format!("{name} /{}", doc.root.key);
            check_order(&doc.root, &mut path, &mut out, 0);
        }
    }
    out
}

/// Parses a part for `finish`. Parts whose elements `finish` reads or changes get a full tree:
/// relationships, content types and font tables sorted, parts that need `fix_context` in
/// document order; the others only keep the path to table rows (see [`Build::Hybrid`]).
fn parse_finishing<'a>(
    name: &str,
    bytes: &'a [u8],
    finishing: &Finishing<'_>,
) -> Result<(XDoc<'a>, bool), OoxmlError> {
    let lower = name.to_ascii_lowercase();
    if lower.ends_with("styles.xml") || lower.ends_with("numbering.xml") {
        // Styles and numbering levels always need `fix_context` in docx-rs output; on a part
        // that does not, it changes nothing and the `reorder` after it sorts.
        let (doc, _) = parse_part(name, bytes, finishing, Build::Unsorted)?;
        return Ok((doc, true));
    }
    let tree =
        name == CONTENT_TYPES || lower.ends_with(".rels") || lower.ends_with("fonttable.xml");
    let (doc, fix) = parse_part(
        name,
        bytes,
        finishing,
        if tree { Build::Tree } else { Build::Hybrid },
    )?;
    if fix {
        // Sorting first could change where `fix_context` leaves comments; see `Build`.
        return parse_part(name, bytes, finishing, Build::Unsorted);
    }
    if !tree && doc.root.key == "w:fonts" {
        return parse_part(name, bytes, finishing, Build::Tree);
    }
    Ok((doc, fix))
}

fn is_xml_part(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    lower.ends_with(".xml") || lower.ends_with(".rels")
}

// ---------------------------------------------------------------------------------------
// Ordering

/// Parsed form of one order table entry.
struct Sequence {
    ranks: HashMap<&'static str, usize>,
    /// Rank of children not named; `None` for property elements (they go last).
    rest: Option<usize>,
}

fn sequences() -> &'static HashMap<&'static str, Sequence> {
    static TABLE: OnceLock<HashMap<&'static str, Sequence>> = OnceLock::new();
    TABLE.get_or_init(|| {
        let mut table = HashMap::new();
        for (parent, items) in order_table::SEQUENCES {
            let mut ranks = HashMap::new();
            let mut rest = None;
            for (rank, item) in items.split_whitespace().enumerate() {
                if item == "*" {
                    rest = Some(rank);
                    continue;
                }
                for name in item.split('|') {
                    ranks.entry(name).or_insert(rank);
                }
            }
            table.insert(*parent, Sequence { ranks, rest });
        }
        table
    })
}

impl Sequence {
    /// The child's rank, or `None` if a property element does not know it.
    fn rank(&self, key: &str) -> Option<usize> {
        self.ranks.get(key).copied().or(self.rest)
    }
}

/// Puts the children of every element with a known sequence in schema order. The sort is
/// stable, unknown children of property elements go last, and comments or text travel
/// with the element that follows them.
#[cfg(test)]
fn reorder(element: &mut XElement<'_>, depth: usize) {
    reorder_with(element, depth, &mut SortScratch::default());
}

fn reorder_with(element: &mut XElement<'_>, depth: usize, scratch: &mut SortScratch) {
    if depth > MAX_DEPTH {
        return;
    }
    for child in element.elements_mut() {
        reorder_with(child, depth + 1, scratch);
    }
    sort_children(element, scratch);
}

fn check_order(element: &XElement<'_>, path: &mut String, out: &mut Vec<String>, depth: usize) {
    if depth > MAX_DEPTH {
        return;
    }
    if let Some(seq) = sequences().get(element.key.as_str()) {
        let mut highest: Option<(usize, &str)> = None;
        for child in element.elements() {
            match seq.rank(child.key.as_str()) {
                None => out.push(format!("{path}: unknown child <{}>", child.key)),
                Some(rank) => {
                    if let Some((top, top_key)) = highest {
                        if rank < top {
                            out.push(format!("{path}: <{}> after <{top_key}>", child.key));
                        }
                    }
                    if highest.is_none_or(|(top, _)| rank >= top) {
                        highest = Some((rank, child.key.as_str()));
                    }
                }
            }
        }
    }
    if element.key == "w:gridCol" && element.attr(&element.own_attr_name("type")).is_some() {
        out.push(format!("{path}: w:type attribute on w:gridCol"));
    }
    let mut seen: HashMap<&str, usize> = HashMap::new();
    for child in element.elements() {
        if child.key == "w:pPr" && element.key != "w:p" {
            for bad in ["w:rPr", "w:sectPr"] {
                if child.child(bad).is_some() {
                    out.push(format!(
                        "{path}/w:pPr: <{bad}> not allowed in the pPr of <{}>",
                        element.key
                    ));
                }
            }
        }
        let n = seen.entry(child.key.as_str()).or_insert(0);
        *n += 1;
        let len = path.len();
        path.push_str(&format!("/{}[{n}]", child.key));
        check_order(child, path, out, depth + 1);
        path.truncate(len);
    }
}

// ---------------------------------------------------------------------------------------
// Fixes docx-rs needs

/// Removes what the schema forbids where docx-rs puts it: `w:type` on `w:gridCol`, and
/// `w:rPr` in a `w:pPr` that is not a paragraph's (styles, numbering levels, defaults),
/// whose children move to the run properties beside it.
fn fix_context(element: &mut XElement<'_>, depth: usize) {
    if depth > MAX_DEPTH {
        return;
    }
    if element.key == "w:gridCol" {
        let name = element.own_attr_name("type");
        element.remove_attr(&name);
    }
    match element.key.as_str() {
        "w:p" => {}
        "w:style" | "w:lvl" | "w:tblStylePr" => {
            if let Some(moved) = element
                .child_mut("w:pPr")
                .and_then(|p| p.take_child("w:rPr"))
            {
                merge_run_properties(element, moved);
            }
        }
        "w:docDefaults" => {
            let moved = element
                .child_mut("w:pPrDefault")
                .and_then(|d| d.child_mut("w:pPr"))
                .and_then(|p| p.take_child("w:rPr"));
            if let Some(moved) = moved {
                element.with_child("rPrDefault", |d| merge_run_properties(d, moved));
            }
        }
        _ => {
            // pPrChange and anything else: CT_PPrBase has no rPr; nothing to keep it for.
            if let Some(ppr) = element.child_mut("w:pPr") {
                while ppr.take_child("w:rPr").is_some() {}
            }
        }
    }
    for child in element.elements_mut() {
        fix_context(child, depth + 1);
    }
}

/// Moves the children of `moved` into `owner`'s `w:rPr`; properties already there win.
fn merge_run_properties<'a>(owner: &mut XElement<'a>, moved: XElement<'a>) {
    if !moved
        .children
        .iter()
        .any(|n| matches!(n, XNode::Element(_)))
    {
        return;
    }
    owner.with_child("rPr", |target| {
        for node in moved.children {
            if let XNode::Element(e) = node {
                if target.child(e.key.as_str()).is_none() {
                    target.children.push(XNode::Element(e));
                }
            }
        }
    });
}

/// Marks header rows with `w:tblHeader`. The rows changed are put back in schema order
/// here; the rest of the document already is.
fn add_header_rows(
    doc: &mut XDoc<'_>,
    header_rows: &[usize],
    scratch: &mut SortScratch,
) -> Result<(), OoxmlError> {
    let wanted = header_rows.iter().rposition(|&n| n > 0);
    let Some(last) = wanted else {
        return Ok(());
    };
    let tables: Vec<&mut XElement<'_>> = match doc.root.child_mut("w:body") {
        Some(body) => body.elements_mut().filter(|e| e.key == "w:tbl").collect(),
        None => Vec::new(),
    };
    if last >= tables.len() {
        return Err(OoxmlError::NoSuchTable {
            table: last,
            tables: tables.len(),
        });
    }
    for (index, (table, &requested)) in tables.into_iter().zip(header_rows).enumerate() {
        if requested == 0 {
            continue;
        }
        let rows: Vec<&mut XElement<'_>> =
            table.elements_mut().filter(|e| e.key == "w:tr").collect();
        if requested > rows.len() {
            return Err(OoxmlError::TooManyHeaderRows {
                table: index,
                requested,
                rows: rows.len(),
            });
        }
        for row in rows.into_iter().take(requested) {
            row.with_child("trPr", |tr_pr| {
                tr_pr.with_child("tblHeader", |_| ());
                sort_children(tr_pr, scratch);
            });
            sort_children(row, scratch);
        }
    }
    Ok(())
}

fn check_fonts(fonts: &[FontDecl]) -> Result<(), OoxmlError> {
    let invalid = |font: &FontDecl, reason: &str| OoxmlError::InvalidFont {
        name: font.name.clone(),
        reason: reason.to_string(),
    };
    let mut names = HashSet::new();
    for font in fonts {
        if font.name.trim().is_empty() {
            return Err(invalid(font, "empty name"));
        }
        if !names.insert(font.name.as_str()) {
            return Err(invalid(font, "declared twice"));
        }
        if font.charset.len() != 2 || !font.charset.chars().all(|c| c.is_ascii_hexdigit()) {
            return Err(invalid(font, "charset must be two hex digits"));
        }
        if let Some(panose) = &font.panose {
            if panose.len() != 20 || !panose.chars().all(|c| c.is_ascii_hexdigit()) {
                return Err(invalid(font, "panose must be 20 hex digits"));
            }
        }
        if font
            .alt_name
            .as_deref()
            .is_some_and(|a| a.trim().is_empty())
        {
            return Err(invalid(font, "empty altName"));
        }
    }
    Ok(())
}

fn declare_fonts(doc: &mut XDoc<'_>, fonts: &[FontDecl]) -> Result<(), OoxmlError> {
    let root = &mut doc.root;
    if root.key != "w:fonts" {
        return Err(OoxmlError::MissingPart(
            "w:fonts root in the font table".into(),
        ));
    }
    let name_attr = root.own_attr_name("name");
    let val = root.own_attr_name("val");
    for font in fonts {
        let mut decl = XElement::sibling_of(root, "font");
        decl.attr_list()
            .push((Cow::Owned(name_attr.clone()), Cow::Owned(font.name.clone())));
        let mut prop = |local: &str, value: &str| {
            let mut e = XElement::sibling_of(root, local);
            e.attr_list()
                .push((Cow::Owned(val.clone()), Cow::Owned(value.to_string())));
            decl.children.push(XNode::Element(e));
        };
        if let Some(alt) = &font.alt_name {
            prop("altName", alt);
        }
        if let Some(panose) = &font.panose {
            prop("panose1", &panose.to_ascii_uppercase());
        }
        prop("charset", &font.charset.to_ascii_uppercase());
        prop(
            "family",
            match font.family {
                FontFamily::Roman => "roman",
                FontFamily::Swiss => "swiss",
                FontFamily::Modern => "modern",
                FontFamily::Script => "script",
                FontFamily::Decorative => "decorative",
                FontFamily::Auto => "auto",
            },
        );
        prop(
            "pitch",
            match font.pitch {
                FontPitch::Fixed => "fixed",
                FontPitch::Variable => "variable",
                FontPitch::Default => "default",
            },
        );
        let existing = root.children.iter_mut().find(|n| {
            matches!(n, XNode::Element(e)
                if e.key == "w:font" && e.attr(&name_attr) == Some(font.name.as_str()))
        });
        match existing {
            Some(slot) => *slot = XNode::Element(decl),
            None => root.children.push(XNode::Element(decl)),
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------
// Package

#[derive(Debug, Clone, PartialEq)]
enum XPart<'a> {
    Xml(XDoc<'a>),
    Binary(Cow<'a, [u8]>),
}

/// A part of a package that owns its data, as tests and [`order_violations`] use it.
type PartData = XPart<'static>;

/// A relationship of a `.rels` part.
struct Relationship {
    id: String,
    kind: String,
    /// Resolved part name (no leading `/`), `None` for external targets.
    target: Option<String>,
}

/// A package whose parts borrow from the entries read out of the zip.
struct XPackage<'a> {
    /// Part name (zip entry name) → content. Directory entries are dropped.
    parts: BTreeMap<String, XPart<'a>>,
    /// XML parts that need `fix_context` (see `tree::parse_part`).
    to_fix: HashSet<String>,
    /// Size of the largest part, to size the write buffer.
    largest: usize,
}

/// A package that owns its data, as tests and [`order_violations`] use it.
type Package = XPackage<'static>;

/// The entries of a zip, read in order. A failure on an entry (unreadable, too large, a name
/// seen before) ends the list; it is returned beside the entries before it, so that errors
/// in those (malformed XML) are still reported first, as when each entry was parsed as soon
/// as it was read.
struct Entries {
    entries: Vec<(String, Vec<u8>)>,
    error: Option<OoxmlError>,
}

fn read_entries(bytes: &[u8]) -> Result<Entries, OoxmlError> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(OoxmlError::Zip)?;
    let mut entries = Vec::with_capacity(archive.len());
    let mut lower_names = HashSet::new();
    let error = (|| {
        for index in 0..archive.len() {
            let file = archive.by_index(index).map_err(OoxmlError::Zip)?;
            if file.is_dir() {
                continue;
            }
            let name = file.name().map_err(OoxmlError::Zip)?.into_owned();
            if !lower_names.insert(name.to_ascii_lowercase()) {
                return Err(OoxmlError::DuplicatePart(name));
            }
            // Exactly sized for the declared size, within reason: the size may lie.
            let capacity = file.size().min(MAX_PART_BYTES + 1).min(16 << 20);
            let mut data = Vec::with_capacity(usize::try_from(capacity).unwrap_or(0));
            file.take(MAX_PART_BYTES + 1)
                .read_to_end(&mut data)
                .map_err(|source| OoxmlError::ReadPart {
                    part: name.clone(),
                    source,
                })?;
            if data.len() as u64 > MAX_PART_BYTES {
                return Err(OoxmlError::TooLarge {
                    part: name,
                    limit: MAX_PART_BYTES,
                });
            }
            entries.push((name, data));
        }
        Ok(())
    })()
    .err();
    Ok(Entries { entries, error })
}

impl Package {
    /// Reads a package into trees that own their data, exactly as parsed (no fixes).
    fn read(bytes: &[u8]) -> Result<Package, OoxmlError> {
        let Entries { entries, error } = read_entries(bytes)?;
        let mut parts = BTreeMap::new();
        let mut largest = 0;
        for (name, data) in entries {
            largest = largest.max(data.len());
            let part = if is_xml_part(&name) {
                XPart::Xml(parse_xml(&name, &data)?)
            } else {
                XPart::Binary(Cow::Owned(data))
            };
            parts.insert(name, part);
        }
        match error {
            Some(error) => Err(error),
            None => Ok(XPackage {
                parts,
                to_fix: HashSet::new(),
                largest,
            }),
        }
    }
}

impl<'a> XPackage<'a> {
    /// Parses the entries for `finish` (see `tree::parse_part`).
    fn parse(
        entries: &'a [(String, Vec<u8>)],
        error: Option<OoxmlError>,
        finishing: &Finishing<'_>,
    ) -> Result<Self, OoxmlError> {
        let mut parts = BTreeMap::new();
        let mut to_fix = HashSet::new();
        let mut largest = 0;
        for (name, data) in entries {
            largest = largest.max(data.len());
            let part = if is_xml_part(name) {
                let (doc, fix) = parse_finishing(name, data, finishing)?;
                if fix {
                    to_fix.insert(name.clone());
                }
                XPart::Xml(doc)
            } else {
                XPart::Binary(Cow::Borrowed(data.as_slice()))
            };
            parts.insert(name.clone(), part);
        }
        if let Some(error) = error {
            return Err(error);
        }
        Ok(XPackage {
            parts,
            to_fix,
            largest,
        })
    }

    /// The part named `name`, matched ignoring ASCII case as OPC part names are.
    fn find(&self, name: &str) -> Option<&str> {
        if let Some((k, _)) = self.parts.get_key_value(name) {
            return Some(k.as_str());
        }
        self.parts
            .keys()
            .find(|k| k.eq_ignore_ascii_case(name))
            .map(|k| k.as_str())
    }

    fn xml_mut(&mut self, name: &str) -> Result<&mut XDoc<'a>, OoxmlError> {
        match self.parts.get_mut(name) {
            Some(XPart::Xml(doc)) => Ok(doc),
            _ => Err(OoxmlError::MissingPart(name.to_string())),
        }
    }

    /// Relationships whose source is `source` (`""` for the package).
    fn relationships(&self, source: &str) -> Vec<Relationship> {
        let Some(rels_name) = self.find(&rels_part_for(source)) else {
            return Vec::new();
        };
        let Some(XPart::Xml(doc)) = self.parts.get(rels_name) else {
            return Vec::new();
        };
        doc.root
            .elements()
            .filter(|e| e.key == "pr:Relationship")
            .map(|e| {
                let external = e
                    .attr("TargetMode")
                    .is_some_and(|m| m.eq_ignore_ascii_case("External"));
                Relationship {
                    id: e.attr("Id").unwrap_or("").to_string(),
                    kind: e.attr("Type").unwrap_or("").to_string(),
                    target: if external {
                        None
                    } else {
                        e.attr("Target").and_then(|t| resolve_target(source, t))
                    },
                }
            })
            .collect()
    }

    /// The existing part `source` points at with a relationship of type `kind`.
    fn related_part(&self, source: &str, kind: &str) -> Option<String> {
        self.relationships(source)
            .into_iter()
            .filter(|r| r.kind == kind)
            .find_map(|r| r.target.and_then(|t| self.find(&t).map(str::to_string)))
    }

    fn main_document(&self) -> Result<String, OoxmlError> {
        self.related_part("", REL_OFFICE_DOCUMENT).ok_or_else(|| {
            OoxmlError::MissingPart("main document (officeDocument relationship)".into())
        })
    }

    /// Adds `word/theme/theme1.xml`, its relationship and content type, unless the main
    /// document already has a theme.
    fn ensure_theme(&mut self, main: &str, finishing: &Finishing<'_>) -> Result<(), OoxmlError> {
        if self.related_part(main, REL_THEME).is_some() {
            return Ok(());
        }
        let dir = main.rsplit_once('/').map(|(d, _)| d).unwrap_or("");
        let theme = (1..)
            .map(|n| match dir {
                "" => format!("theme/theme{n}.xml"),
                dir => format!("{dir}/theme/theme{n}.xml"),
            })
            .find(|candidate| self.find(candidate).is_none())
            .unwrap_or_default();
        let (doc, fix) = parse_finishing(&theme, THEME_XML.as_bytes(), finishing)?;
        if fix {
            self.to_fix.insert(theme.clone());
        }
        self.parts.insert(theme.clone(), XPart::Xml(doc));
        let rels_name = rels_part_for(main);
        let rels_name = self
            .find(&rels_name)
            .map(str::to_string)
            .unwrap_or(rels_name);
        if !self.parts.contains_key(&rels_name) {
            let (doc, _) = parse_finishing(&rels_name, EMPTY_RELS.as_bytes(), finishing)?;
            self.parts.insert(rels_name.clone(), XPart::Xml(doc));
        }
        let ids: HashSet<String> = self.relationships(main).into_iter().map(|r| r.id).collect();
        let id = (1..)
            .map(|n| format!("rIdTheme{n}"))
            .find(|id| !ids.contains(id))
            .unwrap_or_default();
        let target = theme.strip_prefix(&format!("{dir}/")).unwrap_or(&theme);
        let rels = self.xml_mut(&rels_name)?;
        let mut rel = XElement::sibling_of(&rels.root, "Relationship");
        rel.attrs = Attrs::list(vec![
            (Cow::Borrowed("Id"), Cow::Owned(id)),
            (Cow::Borrowed("Type"), Cow::Borrowed(REL_THEME)),
            (Cow::Borrowed("Target"), Cow::Owned(target.to_string())),
        ]);
        rels.root.children.push(XNode::Element(rel));
        self.add_override(&theme, CT_THEME)
    }

    fn add_override(&mut self, part: &str, content_type: &str) -> Result<(), OoxmlError> {
        let types = self.content_types()?;
        let part_name = format!("/{part}");
        let exists = types.root.elements().any(|e| {
            e.key == "ct:Override"
                && e.attr("PartName")
                    .is_some_and(|p| p.eq_ignore_ascii_case(&part_name))
        });
        if !exists {
            let mut over = XElement::sibling_of(&types.root, "Override");
            over.attrs = Attrs::list(vec![
                (Cow::Borrowed("PartName"), Cow::Owned(part_name)),
                (
                    Cow::Borrowed("ContentType"),
                    Cow::Owned(content_type.to_string()),
                ),
            ]);
            types.root.children.push(XNode::Element(over));
        }
        Ok(())
    }

    fn content_types(&mut self) -> Result<&mut XDoc<'a>, OoxmlError> {
        match self.parts.get_mut(CONTENT_TYPES) {
            Some(XPart::Xml(doc)) if doc.root.key == "ct:Types" => Ok(doc),
            _ => Err(OoxmlError::MissingPart(CONTENT_TYPES.into())),
        }
    }

    /// Drops parts no relationship reaches from the package root (docx-rs writes numbering,
    /// comments and footnotes even when nothing uses them), their `.rels` and their
    /// content-type overrides.
    fn prune_unreferenced(&mut self) -> Result<(), OoxmlError> {
        if self.find(ROOT_RELS).is_none() {
            return Err(OoxmlError::MissingPart(ROOT_RELS.into()));
        }
        let mut keep: HashSet<String> = HashSet::new();
        let mut queue = vec![String::new()];
        while let Some(source) = queue.pop() {
            if let Some(rels) = self.find(&rels_part_for(&source)) {
                keep.insert(rels.to_string());
            }
            for rel in self.relationships(&source) {
                if let Some(target) = rel.target.as_deref().and_then(|t| self.find(t)) {
                    if keep.insert(target.to_string()) {
                        queue.push(target.to_string());
                    }
                }
            }
        }
        keep.insert(CONTENT_TYPES.to_string());
        self.parts.retain(|name, _| keep.contains(name));
        let present: HashSet<String> = self
            .parts
            .keys()
            .map(|k| format!("/{}", k.to_ascii_lowercase()))
            .collect();
        let types = self.content_types()?;
        types.root.children.retain(|n| match n {
            XNode::Element(e) if e.key == "ct:Override" => e
                .attr("PartName")
                .is_some_and(|p| present.contains(&p.to_ascii_lowercase())),
            _ => true,
        });
        Ok(())
    }

    /// Serializes into a deterministic zip: `[Content_Types].xml`, `_rels/.rels`, then the
    /// other parts by name; deflated, dated 1980-01-01, mode 0644.
    fn write(&self) -> Result<Vec<u8>, OoxmlError> {
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated)
            .compression_level(Some(DEFLATE_LEVEL))
            .last_modified_time(zip::DateTime::default())
            .system(zip::System::Unix)
            .unix_permissions(0o644);
        let first = [CONTENT_TYPES, ROOT_RELS];
        let ordered = first
            .iter()
            .filter_map(|n| self.parts.get_key_value(*n))
            .chain(
                self.parts
                    .iter()
                    .filter(|(n, _)| !first.contains(&n.as_str())),
            );
        let mut zip = zip::ZipWriter::new(Cursor::new(Vec::with_capacity(
            self.largest / 8 + 16 * 1024,
        )));
        // Room for the largest part and what `finish` adds to it.
        let mut buffer = Vec::with_capacity(self.largest + self.largest / 16 + 4096);
        // Small parts are stored: a deflate stream's set-up costs more than it saves on them.
        let stored = options
            .compression_method(zip::CompressionMethod::Stored)
            .compression_level(None);
        for (name, part) in ordered {
            let bytes: &[u8] = match part {
                XPart::Xml(doc) => {
                    buffer.clear();
                    write_xml_into(doc, &mut buffer);
                    &buffer
                }
                XPart::Binary(data) => data,
            };
            let how = if bytes.len() < STORE_BELOW {
                stored
            } else {
                options
            };
            zip.start_file(name.as_str(), how)
                .map_err(OoxmlError::Write)?;
            zip.write_all(bytes)
                .map_err(|e| OoxmlError::Write(zip::result::ZipError::Io(e)))?;
        }
        let cursor = zip.finish().map_err(OoxmlError::Write)?;
        Ok(cursor.into_inner())
    }
}

/// `word/document.xml` → `word/_rels/document.xml.rels`; `""` (the package) → `_rels/.rels`.
fn rels_part_for(source: &str) -> String {
    match source.rsplit_once('/') {
        Some((dir, file)) => format!("{dir}/_rels/{file}.rels"),
        None => format!("_rels/{source}.rels"),
    }
}

/// Resolves a relationship target against its source part; `None` if it leaves the package.
fn resolve_target(source: &str, target: &str) -> Option<String> {
    let target = percent_decode(target)?;
    let target = target.split(['#', '?']).next().unwrap_or("");
    let mut segments: Vec<&str> = Vec::new();
    if let Some(absolute) = target.strip_prefix('/') {
        segments.extend(absolute.split('/'));
    } else {
        if let Some((dir, _)) = source.rsplit_once('/') {
            segments.extend(dir.split('/'));
        }
        segments.extend(target.split('/'));
    }
    let mut out: Vec<&str> = Vec::new();
    for segment in segments {
        match segment {
            "" | "." => {}
            ".." => {
                out.pop()?;
            }
            s => out.push(s),
        }
    }
    if out.is_empty() {
        None
    } else {
        Some(out.join("/"))
    }
}

fn percent_decode(s: &str) -> Option<String> {
    if !s.contains('%') {
        return Some(s.to_string());
    }
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if b == b'%' {
            let hex = bytes.get(i + 1..i + 3)?;
            let hex = std::str::from_utf8(hex).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(b);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}
