//! The pass [`super::finish`] streams each XML part through: one quick-xml read, written out
//! as it goes.
//!
//! Each child of an open element is a segment of the output: where it starts, and the id of
//! its name (or text). When an element with a sequence in `order_table.rs` closes, its segments
//! are put in that order by a stable sort (text goes with the element after it); an element
//! left without content is written `<name/>`. The few changes docx-rs needs hook in where an
//! element starts or ends ([`Edits`]).

use std::borrow::Cow;
use std::collections::BTreeSet;
use std::sync::OnceLock;

use quick_xml::events::{BytesStart, Event};
use quick_xml::{Reader, XmlVersion};
use rustc_hash::FxHashMap;

use super::{order_table, FontDecl, OoxmlError, DEFAULT_DECL};

/// Rank of a child its parent's sequence does not place: last.
const LAST: u32 = u32::MAX;
/// Id of a name the tables do not hold, and of text.
const NO_ID: u16 = u16::MAX;
const TEXT: u16 = u16::MAX - 1;
/// What header rows get.
const TBL_HEADER: &[u8] = b"<w:tblHeader/>";
const TR_PR_HEADER: &[u8] = b"<w:trPr><w:tblHeader/></w:trPr>";

/// `order_table::SEQUENCES` by name id.
#[derive(Default)]
struct Tables {
    ids: FxHashMap<&'static str, u16>,
    /// Rank of each (parent, child) the tables name.
    ranks: FxHashMap<(u16, u16), u32>,
    /// For each parent with a sequence, the rank of the children not named: that of `*`, or
    /// for property elements, which have none, last.
    rest: FxHashMap<u16, u32>,
}

fn tables() -> &'static Tables {
    static TABLES: OnceLock<Tables> = OnceLock::new();
    TABLES.get_or_init(|| {
        let mut tables = Tables::default();
        let id = |ids: &mut FxHashMap<_, _>, name| {
            let next = u16::try_from(ids.len()).unwrap_or(NO_ID);
            *ids.entry(name).or_insert(next)
        };
        for entry in order_table::SEQUENCES {
            let mut items = entry.split_whitespace();
            let parent = id(&mut tables.ids, items.next().unwrap_or_default());
            tables.rest.insert(parent, LAST);
            for (rank, item) in (0..).zip(items) {
                if item == "*" {
                    tables.rest.insert(parent, rank);
                }
                for name in item.split('|') {
                    let child = id(&mut tables.ids, name);
                    tables.ranks.entry((parent, child)).or_insert(rank);
                }
            }
        }
        tables
    })
}

fn id_of(name: &str) -> u16 {
    tables().ids.get(name).copied().unwrap_or(NO_ID)
}

/// What the pass changes in a part besides the order of children.
#[derive(Clone, Copy, Default)]
pub(super) struct Edits<'x> {
    /// `Extras::first_line_chars`, for every `w:ind`.
    pub(super) first_line_chars: &'x [(u32, u32)],
    /// `Extras::header_rows`, for the tables in a `w:body` (the main document's).
    pub(super) header_rows: &'x [usize],
    /// Fonts added at the end of a `w:fonts` root unless a `w:font` of that name is there
    /// (the font table's).
    pub(super) fonts: &'x [FontDecl],
    /// The package's parts: the content types' overrides of others are left out.
    pub(super) parts: Option<&'x BTreeSet<String>>,
    /// Markup added at the end of the root.
    pub(super) append: &'x [u8],
    /// `Extras::languages`, for the `w:rPr` of `w:rPrDefault` (the styles') and a
    /// `w:settings` root.
    pub(super) languages: Option<(&'x str, &'x str)>,
}

/// The unescaped value of an attribute, if there.
type Attr<'e> = Result<Option<Cow<'e, str>>, OoxmlError>;

/// An open element.
struct Frame<'a> {
    name: &'a str,
    id: u16,
    /// Where its content starts in the output (after its `>`).
    content: usize,
    /// Where its children start in `Pass::segs`.
    first: usize,
    /// A header row, or the `w:trPr` of one.
    header: bool,
}

/// A child of an open element in the output: where it starts, its name and its id (`TEXT`
/// for text).
struct Seg<'a> {
    start: usize,
    id: u16,
    name: &'a str,
}

#[derive(Default)]
struct Pass<'a, 'x> {
    part: &'x str,
    text: &'a str,
    edits: Edits<'x>,
    out: Vec<u8>,
    frames: Vec<Frame<'a>>,
    segs: Vec<Seg<'a>>,
    /// Rows of each body table so far.
    rows: Vec<usize>,
    /// Which of `Edits::fonts` the font table has.
    fonts_found: Vec<bool>,
    /// Depth inside an element left out.
    skip: usize,
    root_done: bool,
    ranks: Vec<u32>,
    scratch: Vec<u8>,
    /// Check mode: what the pass fixes, listed.
    check: Option<&'x mut Vec<String>>,
}

/// Streams `bytes` (the part `part`) into `out` with `edits`. Returns the number of rows of
/// each body table (`w:tbl` children of `w:body`). With `check`, also lists there what needed
/// a fix (see [`super::order_violations`]).
pub(super) fn run<'x>(
    part: &'x str,
    bytes: &[u8],
    edits: Edits<'x>,
    out: &mut Vec<u8>,
    check: Option<&'x mut Vec<String>>,
) -> Result<Vec<usize>, OoxmlError> {
    let text = std::str::from_utf8(bytes).map_err(|e| malformed(part, 0, e))?;
    out.clear();
    let mut pass = Pass {
        part,
        text,
        edits,
        out: std::mem::take(out),
        fonts_found: vec![false; edits.fonts.len()],
        check,
        ..Pass::default()
    };
    let result = pass.stream();
    *out = pass.out;
    result.map(|()| pass.rows)
}

fn malformed(part: &str, at: u64, message: impl std::fmt::Display) -> OoxmlError {
    OoxmlError::part(part, format!("malformed XML at byte {at}: {message}"))
}

impl<'a> Pass<'a, '_> {
    fn stream(&mut self) -> Result<(), OoxmlError> {
        let part = self.part;
        let mut reader = Reader::from_str(self.text);
        loop {
            let at = reader.buffer_position();
            let event = reader.read_event();
            let event = event.map_err(|e| malformed(part, reader.error_position(), e))?;
            match event {
                Event::Start(e) => self.start(&e, false, at)?,
                Event::Empty(e) => self.start(&e, true, at)?,
                Event::End(_) if self.skip > 0 => self.skip -= 1,
                Event::End(e) => self.end(std::str::from_utf8(e.name().as_ref()).unwrap_or("")),
                // Text between markup of a `str` is UTF-8 already; only line ends change.
                Event::Text(t) if !t.contains(&b'\r') => self.text(&t, at)?,
                Event::Text(t) => {
                    let t = t.xml10_content().map_err(|e| malformed(part, at, e))?;
                    self.text(t.as_bytes(), at)?
                }
                Event::CData(t) => self.text(&t, at)?,
                Event::GeneralRef(r) => {
                    let reference =
                        format!("&{};", r.decode().map_err(|e| malformed(part, at, e))?);
                    let text = quick_xml::escape::unescape(&reference);
                    self.text(text.map_err(|e| malformed(part, at, e))?.as_bytes(), at)?;
                }
                // docx-rs writes none, and nothing reads them.
                Event::Comment(_) | Event::PI(_) => {}
                // Nothing else is written before the root.
                Event::Decl(_) if self.out.is_empty() => {
                    let end = usize::try_from(reader.buffer_position()).ok();
                    let span = usize::try_from(at).ok().zip(end);
                    let decl = span.and_then(|(at, end)| self.text.get(at..end));
                    self.out
                        .extend_from_slice(decl.unwrap_or_default().as_bytes());
                }
                Event::Decl(_) => return Err(malformed(part, at, "misplaced XML declaration")),
                Event::DocType(_) => return Err(malformed(part, at, "DTDs are not allowed")),
                // The root's end makes `frames` empty; a second root is an error.
                Event::Eof if self.root_done => return Ok(()),
                Event::Eof if self.frames.is_empty() => return Err(malformed(part, at, "no root")),
                Event::Eof => return Err(malformed(part, at, "unclosed element")),
            }
        }
    }

    fn start(&mut self, e: &BytesStart<'_>, empty: bool, at: u64) -> Result<(), OoxmlError> {
        if self.skip > 0 {
            self.skip += usize::from(!empty);
            return Ok(());
        }
        // The name as a slice of the part, which outlives the event.
        let from = usize::try_from(at).map_or(usize::MAX, |at| at.saturating_add(1));
        let name = e.name();
        let name = (self
            .text
            .get(from..from.saturating_add(name.as_ref().len())))
        .filter(|n| n.as_bytes() == name.as_ref())
        .ok_or_else(|| malformed(self.part, at, "unexpected start tag"))?;
        let depth = self.frames.len();
        let parent = self.frames.last().map_or("", |f| f.name);
        let grandparent = depth.checked_sub(2).and_then(|d| self.frames.get(d));
        let grandparent = grandparent.map_or("", |f| f.name);
        if depth == 0 {
            if self.root_done {
                return Err(malformed(self.part, at, "more than one root element"));
            }
            if self.out.is_empty() {
                self.out.extend_from_slice(DEFAULT_DECL.as_bytes());
            }
        }
        // CT_PPrBase has no rPr: docx-rs writes an empty one in the pPr of styles.
        if name == "w:rPr" && parent == "w:pPr" && grandparent != "w:p" {
            if self.check.is_none() {
                let what = "run properties in the pPr of a style or numbering level";
                return if empty {
                    Ok(())
                } else {
                    Err(OoxmlError::part(self.part, what))
                };
            }
            self.violation(format!("<w:rPr> not allowed in the pPr of <{grandparent}>"));
        }
        // The content types of parts left out of the package go too.
        let gone = |p: &str| self.edits.parts.is_some_and(|parts| !parts.contains(p));
        if name == "Override" && parent == "Types" {
            let part = self.attr(e, "PartName", at)?;
            if part.is_some_and(|p| gone(p.strip_prefix('/').unwrap_or(&p))) {
                self.skip = usize::from(!empty);
                return Ok(());
            }
        }
        if name == "w:font" && parent == "w:fonts" {
            let font = self.attr(e, "w:name", at)?;
            let fonts = self.edits.fonts.iter().zip(&mut self.fonts_found);
            for (_, found) in fonts.filter(|(f, _)| font.as_deref() == Some(&f.name)) {
                *found = true;
            }
        }
        let header = match name {
            "w:tbl" if parent == "w:body" => {
                self.rows.push(0);
                false
            }
            "w:tr" if parent == "w:tbl" && grandparent == "w:body" => {
                let table = self.rows.len().saturating_sub(1);
                let row = self.rows.get_mut(table).map_or(0, |rows| {
                    *rows += 1;
                    *rows
                });
                self.edits.header_rows.get(table).is_some_and(|&n| row <= n)
            }
            "w:trPr" => self.frames.last().is_some_and(|f| f.header),
            _ => false,
        };
        let id = id_of(name);
        self.seg(id, name);
        self.write_start(e, name, at)?;
        self.frames.push(Frame {
            name,
            id,
            content: self.out.len(),
            first: self.segs.len(),
            header,
        });
        if empty {
            self.end(name);
        }
        Ok(())
    }

    fn violation(&mut self, what: String) {
        if let Some(list) = &mut self.check {
            list.push(format!("{}: {what}", self.part));
        }
    }

    /// The unescaped value of attribute `name`.
    fn attr<'e>(&self, e: &'e BytesStart<'_>, name: &str, at: u64) -> Attr<'e> {
        let attr = e.try_get_attribute(name);
        let value = attr.map_err(|e| malformed(self.part, at, e))?;
        let value = value.map(|a| a.normalized_value(XmlVersion::Implicit1_0));
        value.transpose().map_err(|e| malformed(self.part, at, e))
    }

    /// Writes `<name attributes>`: `w:type` left off `w:gridCol`, `w:firstLineChars` added to a
    /// `w:ind` without one whose `w:firstLine` a rule names. Other start tags are copied.
    fn write_start(&mut self, e: &BytesStart<'_>, name: &str, at: u64) -> Result<(), OoxmlError> {
        self.out.push(b'<');
        self.out.extend_from_slice(name.as_bytes());
        if !matches!(name, "w:gridCol" | "w:ind") {
            self.out
                .extend_from_slice(e.attributes_raw().trim_ascii_end());
            self.out.push(b'>');
            return Ok(());
        }
        let rules = self.edits.first_line_chars;
        let twips = match name {
            "w:ind" if self.attr(e, "w:firstLineChars", at)?.is_none() => {
                self.attr(e, "w:firstLine", at)?
            }
            _ => None,
        };
        let twips = twips.and_then(|t| t.trim().parse::<u32>().ok());
        let chars = twips.and_then(|t| rules.iter().find(|(w, _)| *w == t));
        for attr in e.attributes() {
            let attr = attr.map_err(|e| malformed(self.part, at, e))?;
            if name == "w:gridCol" && attr.key.as_ref() == b"w:type" {
                self.violation("w:type on <w:gridCol>".into());
                continue;
            }
            let value = attr.normalized_value(XmlVersion::Implicit1_0);
            let value = value.map_err(|e| malformed(self.part, at, e))?;
            self.out.push(b' ');
            self.out.extend_from_slice(attr.key.as_ref());
            self.out.extend_from_slice(b"=\"");
            escape_into(value.as_bytes(), true, &mut self.out);
            self.out.push(b'"');
        }
        if let Some((_, chars)) = chars {
            self.out
                .extend(format!(" w:firstLineChars=\"{chars}\"").bytes());
        }
        self.out.push(b'>');
        Ok(())
    }

    /// Adds a child at the end of the innermost open element.
    /// Starts a child of the innermost open element in the output.
    fn seg(&mut self, id: u16, name: &'a str) {
        let start = self.out.len();
        self.segs.push(Seg { start, id, name });
    }

    /// Adds a child at the end of the innermost open element.
    fn add(&mut self, name: &'a str, xml: &[u8]) {
        self.seg(id_of(name), name);
        self.out.extend_from_slice(xml);
    }

    fn end(&mut self, name: &str) {
        // Children docx-rs cannot write, added unless there: `w:tblHeader` in a header row
        // (and its `w:trPr`), the document's languages in the style defaults and settings.
        let depth = self.frames.len();
        let parent = depth.checked_sub(2).and_then(|d| self.frames.get(d));
        if let Some(frame) = self.frames.last() {
            let language = |name| {
                let (val, east) = self.edits.languages?;
                Some((
                    name,
                    element(name, &[("w:val", val), ("w:eastAsia", east)], b""),
                ))
            };
            let needed = match (frame.name, parent.map(|p| p.name)) {
                ("w:trPr", _) if frame.header => Some(("w:tblHeader", TBL_HEADER.into())),
                ("w:tr", _) if frame.header => Some(("w:trPr", TR_PR_HEADER.into())),
                ("w:rPr", Some("w:rPrDefault")) => language("w:lang"),
                ("w:settings", None) => language("w:themeFontLang"),
                _ => None,
            };
            let children = self.segs.get(frame.first..).unwrap_or_default();
            let has = |name| children.iter().any(|s| s.id == id_of(name));
            if let Some((child, xml)) = needed.filter(|(child, _)| !has(child)) {
                self.add(child, &xml);
            }
        }
        if self.frames.len() == 1 {
            let edits = self.edits;
            let found = std::mem::take(&mut self.fonts_found);
            let fonts = edits.fonts.iter().zip(found).filter(|(_, found)| !found);
            let root = self.frames.last().map_or("", |f| f.name);
            for (font, _) in fonts.filter(|_| root == "w:fonts") {
                self.add("w:font", &font_xml(font));
            }
            if !edits.append.is_empty() {
                self.add("", edits.append);
            }
        }
        let Some(frame) = self.frames.pop() else {
            return;
        };
        if self.out.len() == frame.content {
            self.out.pop();
            self.out.extend_from_slice(b"/>");
        } else {
            let rest = tables().rest.get(&frame.id);
            let several = self.segs.len() > frame.first + 1;
            if let Some(&rest) = rest.filter(|_| several || self.check.is_some()) {
                self.sort(&frame, rest);
            }
            self.out.extend_from_slice(b"</");
            self.out.extend_from_slice(name.as_bytes());
            self.out.push(b'>');
        }
        self.segs.truncate(frame.first);
        self.root_done |= self.frames.is_empty();
    }

    /// Character data (references resolved), escaped again as it is written.
    fn text(&mut self, text: &[u8], at: u64) -> Result<(), OoxmlError> {
        if self.frames.is_empty() && !text.iter().all(|b| b" \t\n\r".contains(b)) {
            return Err(malformed(self.part, at, "text outside the root element"));
        }
        if self.skip == 0 && !self.frames.is_empty() {
            self.seg(TEXT, "");
            escape_into(text, false, &mut self.out);
        }
        Ok(())
    }

    /// Puts the children of `frame` in the order of its sequence: a stable sort by rank
    /// (`rest` for children it does not name), where text takes the rank of the element after it.
    fn sort(&mut self, frame: &Frame<'a>, rest: u32) {
        let segs = self.segs.get(frame.first..).unwrap_or_default();
        let ranks = &tables().ranks;
        let mut next = LAST;
        self.ranks.clear();
        for seg in segs.iter().rev() {
            if seg.id != TEXT {
                next = ranks.get(&(frame.id, seg.id)).copied().unwrap_or(rest);
            }
            self.ranks.push(next);
        }
        self.ranks.reverse();
        if let Some(list) = &mut self.check {
            let children = segs.iter().zip(&self.ranks).filter(|(s, _)| s.id != TEXT);
            let unknown = children.clone().any(|(_, &rank)| rank == LAST);
            if unknown || !self.ranks.is_sorted() {
                let names: Vec<&str> = children.map(|(s, _)| s.name).collect();
                let (part, parent) = (self.part, frame.name);
                list.push(format!(
                    "{part} <{parent}>: children {names:?} out of order"
                ));
            }
        }
        if self.ranks.is_sorted() {
            return;
        }
        let mut order: Vec<usize> = (0..segs.len()).collect();
        order.sort_by_key(|&i| self.ranks.get(i).copied());
        self.scratch.clear();
        let content = self.out.get(frame.content..).unwrap_or_default();
        self.scratch.extend_from_slice(content);
        self.out.truncate(frame.content);
        let start = |i: usize| segs.get(i).map(|s| s.start.saturating_sub(frame.content));
        for i in order {
            let (from, to) = (start(i).unwrap_or(0), start(i + 1));
            let to = to.unwrap_or(self.scratch.len());
            let bytes = self.scratch.get(from..to).unwrap_or_default();
            self.out.extend_from_slice(bytes);
        }
    }
}

/// The `w:font` element of a declaration, its children in schema order.
fn font_xml(font: &FontDecl) -> Vec<u8> {
    let (charset, family, pitch) = match font.east_asian {
        true => ("86", "modern", "fixed"),
        false => ("00", "roman", "variable"),
    };
    let alt = font.alt_name.as_deref().map(|a| ("w:altName", a));
    let props = [
        ("w:charset", charset),
        ("w:family", family),
        ("w:pitch", pitch),
    ];
    let props = alt.into_iter().chain(props);
    let content: Vec<u8> = props
        .flat_map(|(n, v)| element(n, &[("w:val", v)], b""))
        .collect();
    element("w:font", &[("w:name", &font.name)], &content)
}

/// `<name key="value"…>content</name>`, or `<name key="value"…/>` without content.
fn element(name: &str, attributes: &[(&str, &str)], content: &[u8]) -> Vec<u8> {
    let mut xml = format!("<{name}").into_bytes();
    for (key, value) in attributes {
        xml.extend(format!(" {key}=\"").bytes());
        escape_into(value.as_bytes(), true, &mut xml);
        xml.push(b'"');
    }
    match content.is_empty() {
        true => xml.extend_from_slice(b"/>"),
        false => xml.extend([&b">"[..], content, b"</", name.as_bytes(), b">"].concat()),
    }
    xml
}

/// Escapes markup characters, and in attributes the whitespace a parser would normalize.
fn escape_into(s: &[u8], attribute: bool, out: &mut Vec<u8>) {
    if !attribute && memchr::memchr3(b'&', b'<', b'>', s).is_none() && !s.contains(&b'\r') {
        return out.extend_from_slice(s);
    }
    let mut from = 0;
    for (i, &b) in s.iter().enumerate() {
        let escaped: &[u8] = match b {
            b'&' => b"&amp;",
            b'<' => b"&lt;",
            b'>' => b"&gt;",
            b'"' if attribute => b"&quot;",
            b'\t' if attribute => b"&#9;",
            b'\n' if attribute => b"&#10;",
            b'\r' => b"&#13;",
            _ => continue,
        };
        out.extend_from_slice(s.get(from..i).unwrap_or_default());
        out.extend_from_slice(escaped);
        from = i + 1;
    }
    out.extend_from_slice(s.get(from..).unwrap_or_default());
}
