//! Makes a package written by docx-rs 0.4.22 valid OOXML, and adds what docx-rs cannot write.
//!
//! docx-rs emits children in the wrong order in many property elements (`w:pPr`, `w:rPr`,
//! `w:sectPr`, `w:tcPr`, styles, settings), puts `w:rPr` where the schema forbids it, writes
//! `w:type` on `w:gridCol`, and has no theme part; Word then offers to "repair" the file.
//! [`finish`] reads the packed zip, parses every XML part into a small owned tree, fixes it
//! (ordering is table-driven, see `ooxml/order_table.rs`), adds the extras of [`Extras`] and
//! writes a deterministic zip. [`order_violations`] checks a package against the same tables.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::{Cursor, Read, Write};
use std::sync::OnceLock;

use quick_xml::events::{BytesStart, Event};
use quick_xml::{Reader, XmlVersion};

mod order_table;
#[cfg(test)]
mod tests;

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
    let mut pkg = Package::read(package)?;
    let main = pkg.main_document()?;
    pkg.ensure_theme(&main)?;
    pkg.prune_unreferenced()?;
    for (name, part) in pkg.parts.iter_mut() {
        if let PartData::Xml(doc) = part {
            fix_context(&mut doc.root, 0);
            if !extras.first_line_chars.is_empty() {
                add_first_line_chars(&mut doc.root, &extras.first_line_chars, 0);
            }
            if *name == main {
                add_header_rows(doc, &extras.header_rows)?;
            }
        }
    }
    if !extras.fonts.is_empty() {
        let font_table = pkg
            .related_part(&main, REL_FONT_TABLE)
            .ok_or_else(|| OoxmlError::MissingPart("font table (word/fontTable.xml)".into()))?;
        let doc = pkg.xml_mut(&font_table)?;
        declare_fonts(doc, &extras.fonts)?;
    }
    for part in pkg.parts.values_mut() {
        if let PartData::Xml(doc) = part {
            reorder(&mut doc.root, 0);
        }
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

// ---------------------------------------------------------------------------------------
// XML tree

/// An element with its namespace-resolved key (`w:pPr`, or `{uri}local` outside KNOWN_NS).
#[derive(Debug, Clone, PartialEq)]
struct Element {
    /// Qualified name as written.
    name: String,
    /// Canonical key used by the order tables.
    key: String,
    /// Attributes in original order, values unescaped (namespace declarations included).
    attrs: Vec<(String, String)>,
    children: Vec<Node>,
}

#[derive(Debug, Clone, PartialEq)]
enum Node {
    Element(Element),
    /// Unescaped character data.
    Text(String),
    /// Raw CDATA content.
    CData(String),
    /// Raw comment content.
    Comment(String),
    /// Raw processing instruction content.
    Pi(String),
}

#[derive(Debug, Clone, PartialEq)]
struct XmlDoc {
    /// Raw declaration content between `<?` and `?>`.
    decl: String,
    /// Comments and processing instructions before the root element.
    prolog: Vec<Node>,
    root: Element,
}

impl Element {
    /// A new element in the same namespace as `like` (same prefix), e.g. a `w:trPr` made
    /// next to a `w:tr`, so no namespace declaration is needed.
    fn sibling_of(like: &Element, local: &str) -> Element {
        let (prefix, _) = split_qname(&like.name);
        let key_prefix = like.key.split_once(':').map(|(p, _)| p).unwrap_or("");
        Element {
            name: match prefix {
                Some(p) => format!("{p}:{local}"),
                None => local.to_string(),
            },
            key: if key_prefix.is_empty() {
                local.to_string()
            } else {
                format!("{key_prefix}:{local}")
            },
            attrs: Vec::new(),
            children: Vec::new(),
        }
    }

    /// The name of an attribute `local` in this element's own prefix (`w:val` on `w:jc`).
    fn own_attr_name(&self, local: &str) -> String {
        match split_qname(&self.name).0 {
            Some(p) => format!("{p}:{local}"),
            None => local.to_string(),
        }
    }

    fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    fn set_attr(&mut self, name: &str, value: String) {
        match self.attrs.iter_mut().find(|(k, _)| k == name) {
            Some(slot) => slot.1 = value,
            None => self.attrs.push((name.to_string(), value)),
        }
    }

    fn elements(&self) -> impl Iterator<Item = &Element> {
        self.children.iter().filter_map(|n| match n {
            Node::Element(e) => Some(e),
            _ => None,
        })
    }

    fn elements_mut(&mut self) -> impl Iterator<Item = &mut Element> {
        self.children.iter_mut().filter_map(|n| match n {
            Node::Element(e) => Some(e),
            _ => None,
        })
    }

    fn child(&self, key: &str) -> Option<&Element> {
        self.elements().find(|e| e.key == key)
    }

    fn child_mut(&mut self, key: &str) -> Option<&mut Element> {
        self.elements_mut().find(|e| e.key == key)
    }

    /// Removes and returns the first child element with `key`.
    fn take_child(&mut self, key: &str) -> Option<Element> {
        let index = self
            .children
            .iter()
            .position(|n| matches!(n, Node::Element(e) if e.key == key))?;
        match self.children.remove(index) {
            Node::Element(e) => Some(e),
            _ => None,
        }
    }

    /// Runs `f` on the child element `local` (same prefix as `self`), creating it at the
    /// front if absent; `reorder` later moves it to its schema place.
    fn with_child<R>(&mut self, local: &str, f: impl FnOnce(&mut Element) -> R) -> R {
        let new = Element::sibling_of(self, local);
        let index = self
            .children
            .iter()
            .position(|n| matches!(n, Node::Element(e) if e.key == new.key));
        if let Some(Node::Element(existing)) = index.and_then(|i| self.children.get_mut(i)) {
            return f(existing);
        }
        let mut new = new;
        let result = f(&mut new);
        self.children.insert(0, Node::Element(new));
        result
    }
}

fn split_qname(name: &str) -> (Option<&str>, &str) {
    match name.split_once(':') {
        Some((p, l)) => (Some(p), l),
        None => (None, name),
    }
}

fn is_xml_part(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    lower.ends_with(".xml") || lower.ends_with(".rels")
}

/// The canonical key of `qname` under the in-scope namespace declarations `scope`
/// (innermost last; the empty prefix is the default namespace).
fn canonical_key(qname: &str, scope: &[(String, String)]) -> String {
    let (prefix, local) = split_qname(qname);
    let prefix = prefix.unwrap_or("");
    let uri = scope
        .iter()
        .rev()
        .find(|(p, _)| p == prefix)
        .map(|(_, u)| u.as_str());
    match uri {
        Some(uri) => match KNOWN_NS.iter().find(|(_, u)| *u == uri) {
            Some((p, _)) => format!("{p}:{local}"),
            None if uri.is_empty() => local.to_string(),
            None => format!("{{{uri}}}{local}"),
        },
        // Undeclared prefix (or no default namespace): keep the name as written.
        None => qname.to_string(),
    }
}

fn parse_xml(part: &str, bytes: &[u8]) -> Result<XmlDoc, OoxmlError> {
    let malformed = |position: u64, message: String| OoxmlError::MalformedXml {
        part: part.to_string(),
        position,
        message,
    };
    let text = std::str::from_utf8(bytes)
        .map_err(|e| malformed(e.valid_up_to() as u64, "not UTF-8".into()))?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut reader = Reader::from_str(text);
    let mut decl: Option<String> = None;
    let mut prolog = Vec::new();
    let mut root: Option<Element> = None;
    let mut stack: Vec<Element> = Vec::new();
    // Namespace declarations per open element: (prefix, uri), and how many each pushed.
    let mut scope: Vec<(String, String)> = vec![(
        "xml".to_string(),
        "http://www.w3.org/XML/1998/namespace".to_string(),
    )];
    let mut pushed: Vec<usize> = Vec::new();
    loop {
        let position = reader.buffer_position();
        let event = reader
            .read_event()
            .map_err(|e| malformed(reader.error_position(), e.to_string()))?;
        let node = match event {
            Event::Eof => break,
            Event::Decl(d) => {
                if decl.is_some() || root.is_some() || !stack.is_empty() || !prolog.is_empty() {
                    return Err(malformed(position, "misplaced XML declaration".into()));
                }
                if let Some(encoding) = d.encoding() {
                    let encoding = encoding.map_err(|e| malformed(position, e.to_string()))?;
                    if !encoding.eq_ignore_ascii_case(b"utf-8") {
                        return Err(malformed(position, "encoding other than UTF-8".into()));
                    }
                }
                decl = Some(String::from_utf8_lossy(&d).into_owned());
                continue;
            }
            Event::DocType(_) => {
                return Err(malformed(position, "DTDs are not allowed in OOXML".into()))
            }
            Event::Start(start) => {
                if stack.len() >= MAX_DEPTH {
                    return Err(malformed(position, "elements nested too deeply".into()));
                }
                let decls = namespace_decls(&start, &malformed, position)?;
                pushed.push(decls.len());
                scope.extend(decls);
                let element = element_from(&start, &scope, &malformed, position)?;
                stack.push(element);
                continue;
            }
            Event::Empty(start) => {
                let decls = namespace_decls(&start, &malformed, position)?;
                let count = decls.len();
                scope.extend(decls);
                let element = element_from(&start, &scope, &malformed, position);
                scope.truncate(scope.len() - count);
                Node::Element(element?)
            }
            Event::End(_) => {
                let mut element = stack
                    .pop()
                    .ok_or_else(|| malformed(position, "unmatched end tag".into()))?;
                let count = pushed.pop().unwrap_or(0);
                scope.truncate(scope.len().saturating_sub(count));
                // Indentation between elements is not content; text in leaves (w:t) is.
                if element
                    .children
                    .iter()
                    .any(|n| matches!(n, Node::Element(_)))
                {
                    element
                        .children
                        .retain(|n| !matches!(n, Node::Text(t) if is_xml_space(t)));
                }
                Node::Element(element)
            }
            Event::Text(t) => Node::Text(
                t.xml10_content()
                    .map_err(|e| malformed(position, e.to_string()))?
                    .into_owned(),
            ),
            Event::GeneralRef(r) => {
                let resolved = match r
                    .resolve_char_ref()
                    .map_err(|e| malformed(position, e.to_string()))?
                {
                    Some(c) => c.to_string(),
                    None => {
                        let name = r.decode().map_err(|e| malformed(position, e.to_string()))?;
                        quick_xml::escape::resolve_predefined_entity(&name)
                            .ok_or_else(|| malformed(position, format!("unknown entity &{name};")))?
                            .to_string()
                    }
                };
                Node::Text(resolved)
            }
            Event::CData(c) => Node::CData(String::from_utf8_lossy(&c).into_owned()),
            Event::Comment(c) => Node::Comment(String::from_utf8_lossy(&c).into_owned()),
            Event::PI(p) => Node::Pi(String::from_utf8_lossy(&p).into_owned()),
        };
        match stack.last_mut() {
            Some(parent) => match (parent.children.last_mut(), node) {
                // Text and references arrive in pieces; keep one text node.
                (Some(Node::Text(prev)), Node::Text(more)) => prev.push_str(&more),
                (_, node) => parent.children.push(node),
            },
            None => match node {
                Node::Element(e) if root.is_none() => root = Some(e),
                Node::Element(_) => {
                    return Err(malformed(position, "more than one root element".into()))
                }
                Node::Text(t) if is_xml_space(&t) => {}
                Node::Text(_) | Node::CData(_) => {
                    return Err(malformed(position, "text outside the root element".into()))
                }
                // Comments after the root are dropped: nothing reads them.
                other if root.is_none() => prolog.push(other),
                _ => {}
            },
        }
    }
    if !stack.is_empty() {
        return Err(malformed(
            reader.buffer_position(),
            "unclosed element".into(),
        ));
    }
    let root = root.ok_or_else(|| malformed(0, "no root element".into()))?;
    Ok(XmlDoc {
        decl: decl.unwrap_or_else(|| DEFAULT_DECL.to_string()),
        prolog,
        root,
    })
}

fn is_xml_space(s: &str) -> bool {
    s.chars().all(|c| matches!(c, ' ' | '\t' | '\n' | '\r'))
}

fn namespace_decls(
    start: &BytesStart<'_>,
    malformed: &impl Fn(u64, String) -> OoxmlError,
    position: u64,
) -> Result<Vec<(String, String)>, OoxmlError> {
    let mut out = Vec::new();
    for attr in start.attributes() {
        let attr = attr.map_err(|e| malformed(position, e.to_string()))?;
        let key = std::str::from_utf8(attr.key.as_ref())
            .map_err(|e| malformed(position, e.to_string()))?;
        let prefix = if key == "xmlns" {
            ""
        } else if let Some(p) = key.strip_prefix("xmlns:") {
            p
        } else {
            continue;
        };
        let value = attr
            .normalized_value(XmlVersion::Implicit1_0)
            .map_err(|e| malformed(position, e.to_string()))?;
        out.push((prefix.to_string(), value.into_owned()));
    }
    Ok(out)
}

fn element_from(
    start: &BytesStart<'_>,
    scope: &[(String, String)],
    malformed: &impl Fn(u64, String) -> OoxmlError,
    position: u64,
) -> Result<Element, OoxmlError> {
    let name = std::str::from_utf8(start.name().as_ref())
        .map_err(|e| malformed(position, e.to_string()))?
        .to_string();
    let mut attrs = Vec::new();
    for attr in start.attributes() {
        let attr = attr.map_err(|e| malformed(position, e.to_string()))?;
        let key = std::str::from_utf8(attr.key.as_ref())
            .map_err(|e| malformed(position, e.to_string()))?
            .to_string();
        let value = attr
            .normalized_value(XmlVersion::Implicit1_0)
            .map_err(|e| malformed(position, e.to_string()))?
            .into_owned();
        attrs.push((key, value));
    }
    Ok(Element {
        key: canonical_key(&name, scope),
        name,
        attrs,
        children: Vec::new(),
    })
}

fn write_xml(doc: &XmlDoc) -> Vec<u8> {
    let mut out = String::with_capacity(4096);
    out.push_str("<?");
    out.push_str(&doc.decl);
    out.push_str("?>");
    for node in &doc.prolog {
        write_node(node, &mut out);
    }
    write_element(&doc.root, &mut out);
    out.into_bytes()
}

fn write_node(node: &Node, out: &mut String) {
    match node {
        Node::Element(e) => write_element(e, out),
        Node::Text(t) => escape_into(t, false, out),
        Node::CData(c) => {
            out.push_str("<![CDATA[");
            out.push_str(c);
            out.push_str("]]>");
        }
        Node::Comment(c) => {
            out.push_str("<!--");
            out.push_str(c);
            out.push_str("-->");
        }
        Node::Pi(p) => {
            out.push_str("<?");
            out.push_str(p);
            out.push_str("?>");
        }
    }
}

fn write_element(e: &Element, out: &mut String) {
    out.push('<');
    out.push_str(&e.name);
    for (k, v) in &e.attrs {
        out.push(' ');
        out.push_str(k);
        out.push_str("=\"");
        escape_into(v, true, out);
        out.push('"');
    }
    if e.children.is_empty() {
        out.push_str("/>");
        return;
    }
    out.push('>');
    for child in &e.children {
        write_node(child, out);
    }
    out.push_str("</");
    out.push_str(&e.name);
    out.push('>');
}

/// Escapes markup characters, and the whitespace a parser would otherwise normalize.
fn escape_into(s: &str, attribute: bool, out: &mut String) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' if attribute => out.push_str("&quot;"),
            '\t' if attribute => out.push_str("&#9;"),
            '\n' if attribute => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            c => out.push(c),
        }
    }
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
fn reorder(element: &mut Element, depth: usize) {
    if depth > MAX_DEPTH {
        return;
    }
    for child in element.elements_mut() {
        reorder(child, depth + 1);
    }
    let Some(seq) = sequences().get(element.key.as_str()) else {
        return;
    };
    let mut keyed: Vec<(usize, Node)> = Vec::with_capacity(element.children.len());
    let mut pending: Vec<Node> = Vec::new();
    for node in element.children.drain(..) {
        match node {
            Node::Element(e) => {
                let rank = seq.rank(&e.key).unwrap_or(usize::MAX);
                keyed.extend(pending.drain(..).map(|n| (rank, n)));
                keyed.push((rank, Node::Element(e)));
            }
            other => pending.push(other),
        }
    }
    keyed.extend(pending.into_iter().map(|n| (usize::MAX, n)));
    keyed.sort_by_key(|(rank, _)| *rank);
    element.children = keyed.into_iter().map(|(_, n)| n).collect();
}

fn check_order(element: &Element, path: &mut String, out: &mut Vec<String>, depth: usize) {
    if depth > MAX_DEPTH {
        return;
    }
    if let Some(seq) = sequences().get(element.key.as_str()) {
        let mut highest: Option<(usize, &str)> = None;
        for child in element.elements() {
            match seq.rank(&child.key) {
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
fn fix_context(element: &mut Element, depth: usize) {
    if depth > MAX_DEPTH {
        return;
    }
    if element.key == "w:gridCol" {
        let name = element.own_attr_name("type");
        element.attrs.retain(|(k, _)| *k != name);
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
fn merge_run_properties(owner: &mut Element, moved: Element) {
    if !moved.children.iter().any(|n| matches!(n, Node::Element(_))) {
        return;
    }
    owner.with_child("rPr", |target| {
        for node in moved.children {
            if let Node::Element(e) = node {
                if target.child(&e.key).is_none() {
                    target.children.push(Node::Element(e));
                }
            }
        }
    });
}

fn add_first_line_chars(element: &mut Element, rules: &[(u32, u32)], depth: usize) {
    if depth > MAX_DEPTH {
        return;
    }
    if element.key == "w:ind" {
        let first_line = element
            .attr(&element.own_attr_name("firstLine"))
            .and_then(|v| v.trim().parse::<u32>().ok());
        if let Some(twips) = first_line {
            if let Some((_, chars)) = rules.iter().find(|(t, _)| *t == twips) {
                let name = element.own_attr_name("firstLineChars");
                element.set_attr(&name, chars.to_string());
            }
        }
    }
    for child in element.elements_mut() {
        add_first_line_chars(child, rules, depth + 1);
    }
}

fn add_header_rows(doc: &mut XmlDoc, header_rows: &[usize]) -> Result<(), OoxmlError> {
    let wanted = header_rows.iter().rposition(|&n| n > 0);
    let Some(last) = wanted else {
        return Ok(());
    };
    let tables: Vec<&mut Element> = match doc.root.child_mut("w:body") {
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
        let rows: Vec<&mut Element> = table.elements_mut().filter(|e| e.key == "w:tr").collect();
        if requested > rows.len() {
            return Err(OoxmlError::TooManyHeaderRows {
                table: index,
                requested,
                rows: rows.len(),
            });
        }
        for row in rows.into_iter().take(requested) {
            row.with_child("trPr", |tr_pr| tr_pr.with_child("tblHeader", |_| ()));
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

fn declare_fonts(doc: &mut XmlDoc, fonts: &[FontDecl]) -> Result<(), OoxmlError> {
    let root = &mut doc.root;
    if root.key != "w:fonts" {
        return Err(OoxmlError::MissingPart(
            "w:fonts root in the font table".into(),
        ));
    }
    let name_attr = root.own_attr_name("name");
    let val = root.own_attr_name("val");
    for font in fonts {
        let mut decl = Element::sibling_of(root, "font");
        decl.attrs.push((name_attr.clone(), font.name.clone()));
        let mut prop = |local: &str, value: &str| {
            let mut e = Element::sibling_of(root, local);
            e.attrs.push((val.clone(), value.to_string()));
            decl.children.push(Node::Element(e));
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
            matches!(n, Node::Element(e)
                if e.key == "w:font" && e.attr(&name_attr) == Some(font.name.as_str()))
        });
        match existing {
            Some(slot) => *slot = Node::Element(decl),
            None => root.children.push(Node::Element(decl)),
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------
// Package

#[derive(Debug, Clone, PartialEq)]
enum PartData {
    Xml(XmlDoc),
    Binary(Vec<u8>),
}

/// A relationship of a `.rels` part.
struct Relationship {
    id: String,
    kind: String,
    /// Resolved part name (no leading `/`), `None` for external targets.
    target: Option<String>,
}

struct Package {
    /// Part name (zip entry name) → content. Directory entries are dropped.
    parts: BTreeMap<String, PartData>,
}

impl Package {
    fn read(bytes: &[u8]) -> Result<Package, OoxmlError> {
        let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(OoxmlError::Zip)?;
        let mut parts = BTreeMap::new();
        let mut lower_names = HashSet::new();
        for index in 0..archive.len() {
            let file = archive.by_index(index).map_err(OoxmlError::Zip)?;
            if file.is_dir() {
                continue;
            }
            let name = file.name().map_err(OoxmlError::Zip)?.into_owned();
            if !lower_names.insert(name.to_ascii_lowercase()) {
                return Err(OoxmlError::DuplicatePart(name));
            }
            let mut data = Vec::new();
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
            let part = if is_xml_part(&name) {
                PartData::Xml(parse_xml(&name, &data)?)
            } else {
                PartData::Binary(data)
            };
            parts.insert(name, part);
        }
        Ok(Package { parts })
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

    fn xml_mut(&mut self, name: &str) -> Result<&mut XmlDoc, OoxmlError> {
        match self.parts.get_mut(name) {
            Some(PartData::Xml(doc)) => Ok(doc),
            _ => Err(OoxmlError::MissingPart(name.to_string())),
        }
    }

    /// Relationships whose source is `source` (`""` for the package).
    fn relationships(&self, source: &str) -> Vec<Relationship> {
        let Some(rels_name) = self.find(&rels_part_for(source)) else {
            return Vec::new();
        };
        let Some(PartData::Xml(doc)) = self.parts.get(rels_name) else {
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
    fn ensure_theme(&mut self, main: &str) -> Result<(), OoxmlError> {
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
        self.parts.insert(
            theme.clone(),
            PartData::Xml(parse_xml(&theme, THEME_XML.as_bytes())?),
        );
        let rels_name = rels_part_for(main);
        let rels_name = self
            .find(&rels_name)
            .map(str::to_string)
            .unwrap_or(rels_name);
        if !self.parts.contains_key(&rels_name) {
            let empty = format!(r#"<Relationships xmlns="{PR_NS}"/>"#);
            self.parts.insert(
                rels_name.clone(),
                PartData::Xml(parse_xml(&rels_name, empty.as_bytes())?),
            );
        }
        let ids: HashSet<String> = self.relationships(main).into_iter().map(|r| r.id).collect();
        let id = (1..)
            .map(|n| format!("rIdTheme{n}"))
            .find(|id| !ids.contains(id))
            .unwrap_or_default();
        let target = theme.strip_prefix(&format!("{dir}/")).unwrap_or(&theme);
        let rels = self.xml_mut(&rels_name)?;
        let mut rel = Element::sibling_of(&rels.root, "Relationship");
        rel.attrs = vec![
            ("Id".into(), id),
            ("Type".into(), REL_THEME.into()),
            ("Target".into(), target.to_string()),
        ];
        rels.root.children.push(Node::Element(rel));
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
            let mut over = Element::sibling_of(&types.root, "Override");
            over.attrs = vec![
                ("PartName".into(), part_name),
                ("ContentType".into(), content_type.into()),
            ];
            types.root.children.push(Node::Element(over));
        }
        Ok(())
    }

    fn content_types(&mut self) -> Result<&mut XmlDoc, OoxmlError> {
        match self.parts.get_mut(CONTENT_TYPES) {
            Some(PartData::Xml(doc)) if doc.root.key == "ct:Types" => Ok(doc),
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
            Node::Element(e) if e.key == "ct:Override" => e
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
            .compression_level(Some(6))
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
        let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
        for (name, part) in ordered {
            zip.start_file(name.as_str(), options)
                .map_err(OoxmlError::Write)?;
            let bytes = match part {
                PartData::Xml(doc) => write_xml(doc),
                PartData::Binary(data) => data.clone(),
            };
            zip.write_all(&bytes)
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
