//! Text-based PDFs: paragraphs and tables recovered from where the characters and lines are.
//!
//! lopdf reads the file (cross-reference repair, decryption of copy-protected files, bounded
//! decompression, content-stream operators, ToUnicode CMaps); this module interprets the page
//! content itself: the text state (Tm, Td, TJ spacing, Tc/Tw/Tz, rise), fonts' widths (simple
//! fonts' Widths, CID fonts' W/DW), the graphics state (cm, q/Q, form XObjects) and the ruling
//! lines (stroked lines and rectangles, thin filled rectangles). It does not use pdf-extract:
//! that crate panics on many real files (a missing width, an unexpected colour space) and
//! pins an older lopdf without decompression limits.
//!
//! Tables are found from their ruling lines (a lattice): the lines' x and y positions make the
//! grid, a missing line between two grid cells merges them, and the characters inside each cell
//! are read line by line. A table continued on the next page (same columns, first thing on that
//! page) is joined to it, its repeated header rows dropped and a merged label cut by the page
//! break made whole again. Text outside tables is grouped into lines by baseline and into
//! paragraphs by first-line indent, short last lines and spacing; page numbers are dropped.
//! Not handled: tables without ruling lines (their text is read as lines), rotated text
//! (watermarks are ignored), Type3 glyph shapes, and fonts whose characters have no Unicode
//! mapping (reported as a file without usable text).

use super::{Builder, Placed};
use crate::error::{Error, Result};
use crate::workbook::Limits;
use lopdf::{Dictionary, Object, ObjectId};
use std::collections::HashMap;
use std::path::Path;
use std::rc::Rc;

/// Most pages read from one PDF (a report has 5 to 20).
const MAX_PAGES: usize = 2_000;
/// Most content operators interpreted in one PDF (form XObjects drawn repeatedly count each
/// time): bounds the time a hostile file can take.
const MAX_OPS: usize = 20_000_000;
/// Most characters kept from one PDF.
const MAX_GLYPHS: usize = 2_000_000;
/// Most ruling segments on one page for which tables are looked for (a page of tables has a
/// few hundred).
const MAX_SEGMENTS: usize = 5_000;
/// Most comparisons of segments with segments or grid cells spent finding tables in one PDF:
/// bounds the time a page of hatching or a hostile file can take.
const MAX_LATTICE_WORK: usize = 200_000_000;
/// Form XObjects inside form XObjects, at most.
const MAX_FORM_DEPTH: usize = 12;

/// Reads the PDF into `out`; returns the title of its document information.
pub(super) fn read(
    path: &Path,
    bytes: &[u8],
    limits: Limits,
    out: &mut Builder,
) -> Result<Option<String>> {
    let budget = usize::try_from(limits.max_expanded).unwrap_or(usize::MAX);
    let result = crate::workbook::caught(|| extract(path, bytes, budget));
    let (pages, title, counts) = match result {
        Ok(r) => r?,
        Err(at) => {
            return Err(super::damaged(
                path,
                format!("PDF 内部结构不完整或不一致（读取组件在 {at} 处无法继续）"),
            ))
        }
    };
    let (mapped, unmapped) = counts;
    if mapped == 0 || unmapped > mapped {
        let detail = if mapped == 0 && unmapped == 0 {
            format!(
                "没有文字层（共 {} 页，页面上只有图片，可能是扫描件）",
                pages.len()
            )
        } else {
            "的文字无法识别（字体没有字符映射，复制出来是乱码）".to_string()
        };
        return Err(Error::NoTextLayer {
            path: path.to_path_buf(),
            detail,
        });
    }
    layout(pages, out);
    Ok(title)
}

type Extracted = (Vec<Page>, Option<String>, (usize, usize));

fn extract(path: &Path, bytes: &[u8], budget: usize) -> Result<Extracted> {
    let damaged = |detail: String| super::damaged(path, detail);
    let options = lopdf::LoadOptions {
        max_decompressed_size: Some(budget),
        ..lopdf::LoadOptions::default()
    };
    let doc = lopdf::Document::load_mem_with_options(bytes, options).map_err(|e| match e {
        lopdf::Error::Decryption(_)
        | lopdf::Error::InvalidPassword
        | lopdf::Error::UnsupportedSecurityHandler(_) => Error::ReportEncrypted {
            path: path.to_path_buf(),
        },
        lopdf::Error::Decompress(lopdf::DecompressError::MemoryLimitExceeded { limit }) => {
            damaged(format!("压缩内容解压后超过 {limit} 字节，疑似压缩炸弹"))
        }
        e => damaged(format!("PDF 结构无法解析（{e}）")),
    })?;
    if doc.is_encrypted() {
        return Err(Error::ReportEncrypted {
            path: path.to_path_buf(),
        });
    }
    let title = doc
        .trailer
        .get_deref(b"Info", &doc)
        .and_then(Object::as_dict)
        .and_then(|info| info.get_deref(b"Title", &doc))
        .and_then(Object::as_str)
        .ok()
        .map(text_string);
    let page_ids: Vec<ObjectId> = doc.page_iter().take(MAX_PAGES + 1).collect();
    if page_ids.len() > MAX_PAGES {
        return Err(damaged(format!("页数超过 {MAX_PAGES} 页，不像是年度报告")));
    }
    let mut interp = Interp {
        doc: &doc,
        fonts: HashMap::new(),
        ops_left: MAX_OPS,
        glyphs_left: MAX_GLYPHS,
        budget,
        mapped: 0,
        unmapped: 0,
    };
    let mut pages = Vec::with_capacity(page_ids.len());
    for (n, id) in page_ids.into_iter().enumerate() {
        let page = interp
            .page(id, n as u32 + 1)
            .map_err(|e| damaged(format!("第 {} 页：{e}", n + 1)))?;
        pages.push(page);
    }
    Ok((pages, title, (interp.mapped, interp.unmapped)))
}

/// A PDF text string (UTF-16BE with its byte-order mark, else PDFDocEncoding ≈ Latin-1).
fn text_string(s: &[u8]) -> String {
    match s.strip_prefix(&[0xFE, 0xFF]) {
        Some(utf16) => {
            let units: Vec<u16> = utf16
                .chunks_exact(2)
                .map(|c| {
                    u16::from_be_bytes([
                        c.first().copied().unwrap_or(0),
                        c.get(1).copied().unwrap_or(0),
                    ])
                })
                .collect();
            String::from_utf16_lossy(&units)
        }
        None => match std::str::from_utf8(s) {
            Ok(t) => t.to_string(),
            Err(_) => s.iter().map(|&b| char::from(b)).collect(),
        },
    }
}

// ---------------------------------------------------------------------------------------------
// Geometry

/// An affine matrix [a b c d e f] (row-vector convention, as PDF writes them).
#[derive(Debug, Clone, Copy, PartialEq)]
struct M([f64; 6]);

impl M {
    const ID: M = M([1.0, 0.0, 0.0, 1.0, 0.0, 0.0]);

    fn translate(x: f64, y: f64) -> M {
        M([1.0, 0.0, 0.0, 1.0, x, y])
    }

    /// `self` then `o`.
    fn then(self, o: M) -> M {
        let [a, b, c, d, e, f] = self.0;
        let [oa, ob, oc, od, oe, of] = o.0;
        M([
            a * oa + b * oc,
            a * ob + b * od,
            c * oa + d * oc,
            c * ob + d * od,
            e * oa + f * oc + oe,
            e * ob + f * od + of,
        ])
    }

    fn apply(self, x: f64, y: f64) -> (f64, f64) {
        let [a, b, c, d, e, f] = self.0;
        (a * x + c * y + e, b * x + d * y + f)
    }
}

/// A character on the page, in display coordinates (points from the top-left corner).
#[derive(Debug, Clone)]
struct Glyph {
    text: String,
    /// Left edge.
    x: f64,
    /// Baseline.
    y: f64,
    /// Advance width.
    w: f64,
    /// Font size.
    size: f64,
}

impl Glyph {
    fn centre(&self) -> (f64, f64) {
        (self.x + self.w / 2.0, self.y - self.size * 0.35)
    }
}

/// A horizontal or vertical ruling segment in display coordinates.
#[derive(Debug, Clone, Copy)]
struct Seg {
    horizontal: bool,
    /// y of a horizontal segment, x of a vertical one.
    at: f64,
    from: f64,
    to: f64,
}

/// What one page holds.
#[derive(Debug, Default)]
struct Page {
    number: u32,
    height: f64,
    glyphs: Vec<Glyph>,
    segs: Vec<Seg>,
}

// ---------------------------------------------------------------------------------------------
// Fonts

/// How a font's character codes become text.
enum Decoder<'a> {
    /// A ToUnicode CMap (always `UnicodeMapEncoding`: lopdf does not name its type).
    Cmap(lopdf::Encoding<'static>),
    Encoding(lopdf::Encoding<'a>),
    Utf16,
    Gbk,
    None,
}

/// What the interpreter needs of a font.
struct Font<'a> {
    /// Codes are two bytes (CID fonts), or one or two (GBK-based CMaps).
    two_byte: bool,
    gbk: bool,
    decoder: Decoder<'a>,
    /// Widths by code (simple fonts) or CID (Identity CID fonts), in text space units.
    widths: HashMap<u32, f64>,
    default_width: f64,
    /// Text space units per glyph unit (1/1000, or a Type3 font's FontMatrix).
    scale: f64,
}

impl<'a> Font<'a> {
    fn new(doc: &'a lopdf::Document, dict: &'a Dictionary, budget: usize) -> Font<'a> {
        let name = |d: &Dictionary, key: &[u8]| -> Vec<u8> {
            d.get_deref(key, doc)
                .and_then(Object::as_name)
                .map(<[u8]>::to_vec)
                .unwrap_or_default()
        };
        let subtype = name(dict, b"Subtype");
        let num = |o: &Object| -> Option<f64> { o.as_float().ok().map(f64::from) };
        let deref = |o: &'a Object| -> &'a Object { doc.dereference(o).map_or(o, |(_, o)| o) };
        let mut font = Font {
            two_byte: false,
            gbk: false,
            decoder: Decoder::None,
            widths: HashMap::new(),
            default_width: 0.5,
            scale: 0.001,
        };
        // The Unicode mapping: ToUnicode first (a dictionary holding only it makes lopdf
        // parse it whatever the font's /Encoding says).
        if let Ok(t) = dict.get(b"ToUnicode") {
            let mut only = Dictionary::new();
            only.set("Type", Object::Name(b"Font".to_vec()));
            only.set("ToUnicode", t.clone());
            if let Ok(lopdf::Encoding::UnicodeMapEncoding(cmap)) =
                only.get_font_encoding_with_limit(doc, budget)
            {
                font.decoder = Decoder::Cmap(lopdf::Encoding::UnicodeMapEncoding(cmap));
            }
        }
        if subtype == b"Type0" {
            font.two_byte = true;
            let encoding = name(dict, b"Encoding");
            let encoding = String::from_utf8_lossy(&encoding).into_owned();
            if encoding.contains("EUC") || encoding.contains("GBK") || encoding.contains("GBpc") {
                font.two_byte = false;
                font.gbk = true;
            }
            if matches!(font.decoder, Decoder::None) {
                font.decoder = if encoding.contains("UCS2") || encoding.contains("UTF16") {
                    Decoder::Utf16
                } else if font.gbk {
                    Decoder::Gbk
                } else {
                    Decoder::None
                };
            }
            font.default_width = 1.0;
            let cid = dict
                .get_deref(b"DescendantFonts", doc)
                .and_then(Object::as_array)
                .ok()
                .and_then(|a| a.first())
                .and_then(|d| deref(d).as_dict().ok());
            if let Some(cid) = cid {
                if let Some(dw) = cid.get_deref(b"DW", doc).ok().and_then(num) {
                    font.default_width = dw / 1000.0;
                }
                // Only Identity fonts have codes equal to CIDs; others keep the default width.
                if encoding.starts_with("Identity") {
                    if let Ok(w) = cid.get_deref(b"W", doc).and_then(Object::as_array) {
                        cid_widths(w, doc, &mut font.widths);
                    }
                }
            }
            return font;
        }
        if matches!(font.decoder, Decoder::None) {
            if let Ok(e) = dict.get_font_encoding_with_limit(doc, budget) {
                font.decoder = Decoder::Encoding(e);
            }
        }
        if subtype == b"Type3" {
            if let Some(s) = dict
                .get_deref(b"FontMatrix", doc)
                .and_then(Object::as_array)
                .ok()
                .and_then(|m| m.first())
                .and_then(num)
            {
                font.scale = s;
            }
        }
        let first = dict
            .get_deref(b"FirstChar", doc)
            .ok()
            .and_then(num)
            .unwrap_or(0.0);
        if let Ok(widths) = dict.get_deref(b"Widths", doc).and_then(Object::as_array) {
            for (i, w) in widths.iter().enumerate().take(256) {
                if let Some(w) = num(deref(w)) {
                    font.widths.insert(first as u32 + i as u32, w * font.scale);
                }
            }
        }
        if let Some(missing) = dict
            .get_deref(b"FontDescriptor", doc)
            .and_then(Object::as_dict)
            .ok()
            .and_then(|d| d.get_deref(b"MissingWidth", doc).ok())
            .and_then(num)
            .filter(|w| *w > 0.0)
        {
            font.default_width = missing * font.scale;
        }
        font
    }

    /// The character codes of a string with their byte length.
    fn codes<'s>(&self, s: &'s [u8]) -> impl Iterator<Item = (u32, u8)> + 's {
        let (two_byte, gbk) = (self.two_byte, self.gbk);
        let mut i = 0;
        std::iter::from_fn(move || {
            let b = u32::from(*s.get(i)?);
            let len = if two_byte || (gbk && b >= 0x81) { 2 } else { 1 };
            let code = match (len, s.get(i + 1)) {
                (2, Some(&next)) => b << 8 | u32::from(next),
                _ => b,
            };
            i += usize::from(len);
            Some((code, len))
        })
    }

    fn width(&self, code: u32) -> f64 {
        self.widths
            .get(&code)
            .copied()
            .unwrap_or(self.default_width)
    }

    /// The text of one code; `None` when the font has no mapping for it.
    fn text(&self, code: u32, len: u8) -> Option<String> {
        match &self.decoder {
            Decoder::Cmap(lopdf::Encoding::UnicodeMapEncoding(cmap)) => cmap
                .get(code, len)
                .map(|units| String::from_utf16_lossy(&units)),
            Decoder::Cmap(_) => None,
            Decoder::Encoding(e) => {
                let byte = u8::try_from(code).ok()?;
                e.bytes_to_string(&[byte]).ok()
            }
            Decoder::Utf16 => char::from_u32(code).map(String::from),
            Decoder::Gbk => {
                let bytes = if len == 2 {
                    vec![(code >> 8) as u8, code as u8]
                } else {
                    vec![code as u8]
                };
                let (t, _, bad) = encoding_rs::GBK.decode(&bytes);
                (!bad).then(|| t.into_owned())
            }
            Decoder::None => None,
        }
    }
}

/// A CID font's W array: `c [w1 w2 …]` and `cfirst clast w`.
fn cid_widths(w: &[Object], doc: &lopdf::Document, out: &mut HashMap<u32, f64>) {
    let num = |o: &Object| -> Option<f64> {
        doc.dereference(o)
            .ok()
            .and_then(|(_, o)| o.as_float().ok())
            .map(f64::from)
    };
    let mut i = 0;
    while let Some(first) = w.get(i).and_then(num) {
        let first = first.max(0.0) as u32;
        match w
            .get(i + 1)
            .map(|o| doc.dereference(o).map_or(o, |(_, o)| o))
        {
            Some(Object::Array(list)) => {
                for (k, width) in list.iter().enumerate().take(65_536) {
                    if let Some(width) = num(width) {
                        out.insert(first.saturating_add(k as u32), width / 1000.0);
                    }
                }
                i += 2;
            }
            Some(last) => {
                let (Some(last), Some(width)) = (last.as_float().ok(), w.get(i + 2).and_then(num))
                else {
                    return;
                };
                let last = (last.max(0.0) as u32).min(first.saturating_add(65_535));
                for c in first..=last {
                    out.insert(c, width / 1000.0);
                }
                i += 3;
            }
            None => return,
        }
        if out.len() > 200_000 {
            return;
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The content interpreter

/// The graphics and text state saved by q and restored by Q.
#[derive(Clone)]
struct Gs<'a> {
    ctm: M,
    font: Option<Rc<Font<'a>>>,
    size: f64,
    char_space: f64,
    word_space: f64,
    scale: f64,
    leading: f64,
    rise: f64,
}

struct Interp<'a> {
    doc: &'a lopdf::Document,
    fonts: HashMap<ObjectId, Rc<Font<'a>>>,
    ops_left: usize,
    glyphs_left: usize,
    budget: usize,
    /// Characters decoded, and characters without a Unicode mapping.
    mapped: usize,
    unmapped: usize,
}

fn number(o: Option<&Object>) -> f64 {
    o.and_then(|o| o.as_float().ok())
        .map(f64::from)
        .filter(|v| v.is_finite())
        .unwrap_or(0.0)
}

fn matrix(ops: &[Object]) -> M {
    let n = |i| number(ops.get(i));
    M([n(0), n(1), n(2), n(3), n(4), n(5)])
}

impl<'a> Interp<'a> {
    fn page(&mut self, id: ObjectId, number_: u32) -> std::result::Result<Page, String> {
        let doc = self.doc;
        let dict = doc.get_dictionary(id).map_err(|e| e.to_string())?;
        // MediaBox and Rotate may be inherited from the page tree.
        let inherited = |key: &[u8]| -> Option<&'a Object> {
            let mut node = Some(dict);
            for _ in 0..32 {
                let n = node?;
                if let Ok(v) = n.get_deref(key, doc) {
                    return Some(v);
                }
                node = n.get_deref(b"Parent", doc).and_then(Object::as_dict).ok();
            }
            None
        };
        let media: Vec<f64> = inherited(b"MediaBox")
            .and_then(|o| o.as_array().ok())
            .map(|a| a.iter().map(|o| number(Some(o))).collect())
            .unwrap_or_default();
        let (llx, lly, urx, ury) = match media.as_slice() {
            [a, b, c, d] => (a.min(*c), b.min(*d), a.max(*c), b.max(*d)),
            _ => (0.0, 0.0, 595.0, 842.0),
        };
        let rotate = inherited(b"Rotate")
            .and_then(|o| o.as_i64().ok())
            .unwrap_or(0)
            .rem_euclid(360);
        // User space → display space (top-left origin, y down, page rotation applied).
        let (display, height) = match rotate {
            90 => (M([0.0, 1.0, 1.0, 0.0, -lly, -llx]), urx - llx),
            180 => (M([-1.0, 0.0, 0.0, 1.0, urx, -lly]), ury - lly),
            270 => (M([0.0, -1.0, -1.0, 0.0, ury, urx]), urx - llx),
            _ => (M([1.0, 0.0, 0.0, -1.0, -llx, ury]), ury - lly),
        };
        let content = doc
            .get_page_content_with_limit(id, self.budget)
            .map_err(|e| e.to_string())?;
        let (own, inherited_ids) = doc.get_page_resources(id).map_err(|e| e.to_string())?;
        let mut resources: Vec<&'a Dictionary> = own.into_iter().collect();
        resources.extend(
            inherited_ids
                .iter()
                .filter_map(|i| doc.get_dictionary(*i).ok()),
        );
        let mut page = Page {
            number: number_,
            height,
            ..Page::default()
        };
        let gs = Gs {
            ctm: display,
            font: None,
            size: 0.0,
            char_space: 0.0,
            word_space: 0.0,
            scale: 1.0,
            leading: 0.0,
            rise: 0.0,
        };
        self.run(&content, &resources, gs, &mut page, 0);
        Ok(page)
    }

    /// A named resource of a category (Font, XObject) from the innermost resources out.
    fn resource(
        &self,
        resources: &[&'a Dictionary],
        category: &[u8],
        name: &[u8],
    ) -> Option<(Option<ObjectId>, &'a Object)> {
        resources.iter().find_map(|r| {
            let dict = r
                .get_deref(category, self.doc)
                .and_then(Object::as_dict)
                .ok()?;
            let entry = dict.get(name).ok()?;
            self.doc.dereference(entry).ok()
        })
    }

    fn font(&mut self, resources: &[&'a Dictionary], name: &[u8]) -> Option<Rc<Font<'a>>> {
        let (id, object) = self.resource(resources, b"Font", name)?;
        if let Some(f) = id.and_then(|id| self.fonts.get(&id)) {
            return Some(f.clone());
        }
        let font = Rc::new(Font::new(self.doc, object.as_dict().ok()?, self.budget));
        if let Some(id) = id {
            self.fonts.insert(id, font.clone());
        }
        Some(font)
    }

    fn run(
        &mut self,
        content: &[u8],
        resources: &[&'a Dictionary],
        mut gs: Gs<'a>,
        page: &mut Page,
        depth: usize,
    ) {
        // A content stream that does not parse yields nothing rather than failing the file.
        let Ok(content) = lopdf::content::Content::decode(content) else {
            return;
        };
        let mut stack: Vec<Gs<'a>> = Vec::new();
        let mut tm = M::ID;
        let mut tlm = M::ID;
        // Subpaths in display space.
        let mut path: Vec<Vec<(f64, f64)>> = Vec::new();
        for op in &content.operations {
            if self.ops_left == 0 {
                return;
            }
            self.ops_left -= 1;
            let args = op.operands.as_slice();
            let n = |i: usize| number(args.get(i));
            match op.operator.as_str() {
                "q" if stack.len() < 256 => stack.push(gs.clone()),
                "Q" => {
                    if let Some(g) = stack.pop() {
                        gs = g;
                    }
                }
                "cm" => gs.ctm = matrix(args).then(gs.ctm),
                "BT" => {
                    tm = M::ID;
                    tlm = M::ID;
                }
                "Tf" => {
                    gs.font = args
                        .first()
                        .and_then(|o| o.as_name().ok())
                        .and_then(|name| self.font(resources, name));
                    gs.size = n(1);
                }
                "Tc" => gs.char_space = n(0),
                "Tw" => gs.word_space = n(0),
                "Tz" => gs.scale = n(0) / 100.0,
                "TL" => gs.leading = n(0),
                "Ts" => gs.rise = n(0),
                "Td" => {
                    tlm = M::translate(n(0), n(1)).then(tlm);
                    tm = tlm;
                }
                "TD" => {
                    gs.leading = -n(1);
                    tlm = M::translate(n(0), n(1)).then(tlm);
                    tm = tlm;
                }
                "Tm" => {
                    tlm = matrix(args);
                    tm = tlm;
                }
                "T*" => {
                    tlm = M::translate(0.0, -gs.leading).then(tlm);
                    tm = tlm;
                }
                "Tj" | "'" | "\"" => {
                    if op.operator != "Tj" {
                        if op.operator == "\"" {
                            gs.word_space = n(0);
                            gs.char_space = n(1);
                        }
                        tlm = M::translate(0.0, -gs.leading).then(tlm);
                        tm = tlm;
                    }
                    if let Some(Ok(s)) = args.last().map(Object::as_str) {
                        self.show(s, &gs, &mut tm, page);
                    }
                }
                "TJ" => {
                    let Some(Ok(items)) = args.first().map(Object::as_array) else {
                        continue;
                    };
                    for item in items {
                        match item {
                            Object::String(s, _) => self.show(s, &gs, &mut tm, page),
                            other => {
                                let adjust = number(Some(other));
                                let tx = -adjust / 1000.0 * gs.size * gs.scale;
                                tm = M::translate(tx, 0.0).then(tm);
                            }
                        }
                    }
                }
                "m" => {
                    path.push(vec![gs.ctm.apply(n(0), n(1))]);
                }
                "l" => {
                    let p = gs.ctm.apply(n(0), n(1));
                    match path.last_mut() {
                        Some(sub) => sub.push(p),
                        None => path.push(vec![p]),
                    }
                }
                "re" => {
                    let (x, y, w, h) = (n(0), n(1), n(2), n(3));
                    path.push(vec![
                        gs.ctm.apply(x, y),
                        gs.ctm.apply(x + w, y),
                        gs.ctm.apply(x + w, y + h),
                        gs.ctm.apply(x, y + h),
                        gs.ctm.apply(x, y),
                    ]);
                }
                "h" => {
                    if let Some(sub) = path.last_mut() {
                        if let Some(&first) = sub.first() {
                            sub.push(first);
                        }
                    }
                }
                "S" | "s" => {
                    stroke(&path, &mut page.segs);
                    path.clear();
                }
                "f" | "F" | "f*" => {
                    fill(&path, &mut page.segs);
                    path.clear();
                }
                "B" | "B*" | "b" | "b*" => {
                    stroke(&path, &mut page.segs);
                    path.clear();
                }
                "n" => path.clear(),
                "Do" if depth < MAX_FORM_DEPTH => {
                    let Some(name) = args.first().and_then(|o| o.as_name().ok()) else {
                        continue;
                    };
                    let Some((_, object)) = self.resource(resources, b"XObject", name) else {
                        continue;
                    };
                    let Ok(stream) = object.as_stream() else {
                        continue;
                    };
                    if stream.dict.get(b"Subtype").and_then(Object::as_name).ok() != Some(b"Form") {
                        continue;
                    }
                    let Ok(inner) =
                        stream
                            .decompressed_content_with_limit(self.budget)
                            .or_else(|_| {
                                // An uncompressed form has nothing to decompress.
                                if stream.dict.get(b"Filter").is_err() {
                                    Ok(stream.content.clone())
                                } else {
                                    Err(())
                                }
                            })
                    else {
                        continue;
                    };
                    let form_matrix = stream
                        .dict
                        .get(b"Matrix")
                        .and_then(Object::as_array)
                        .map(|a| matrix(a))
                        .unwrap_or(M::ID);
                    let mut inner_resources: Vec<&'a Dictionary> = Vec::new();
                    if let Ok(r) = stream
                        .dict
                        .get_deref(b"Resources", self.doc)
                        .and_then(Object::as_dict)
                    {
                        inner_resources.push(r);
                    }
                    inner_resources.extend_from_slice(resources);
                    let mut inner_gs = gs.clone();
                    inner_gs.ctm = form_matrix.then(gs.ctm);
                    self.run(&inner, &inner_resources, inner_gs, page, depth + 1);
                }
                _ => {}
            }
        }
    }

    /// Shows a string: one glyph per character code, the text matrix advanced after each.
    fn show(&mut self, s: &[u8], gs: &Gs<'a>, tm: &mut M, page: &mut Page) {
        let Some(font) = gs.font.clone() else {
            return;
        };
        for (code, len) in font.codes(s) {
            let w0 = font.width(code);
            let trm = M([gs.size * gs.scale, 0.0, 0.0, gs.size, 0.0, gs.rise])
                .then(*tm)
                .then(gs.ctm);
            let [a, b, c, d, e, f] = trm.0;
            let upright = a > 0.0 && b.abs() <= 0.05 * a && d < 0.0 && c.abs() <= 0.05 * d.abs();
            match font.text(code, len) {
                Some(text) => {
                    if !text.trim().is_empty() {
                        self.mapped += 1;
                    }
                    if upright && self.glyphs_left > 0 && !text.is_empty() {
                        self.glyphs_left -= 1;
                        page.glyphs.push(Glyph {
                            text,
                            x: e,
                            y: f,
                            w: w0 * a,
                            size: d.abs(),
                        });
                    }
                }
                None => self.unmapped += 1,
            }
            let word = if len == 1 && code == 32 {
                gs.word_space
            } else {
                0.0
            };
            let tx = (w0 * gs.size + gs.char_space + word) * gs.scale;
            *tm = M::translate(tx, 0.0).then(*tm);
        }
    }
}

/// Segments shorter than this (points) are not ruling lines.
const MIN_SEGMENT: f64 = 2.0;
/// A line thinner than this (points) drawn as a filled rectangle is a ruling line.
const THIN: f64 = 2.5;

fn segment(a: (f64, f64), b: (f64, f64)) -> Option<Seg> {
    let (dx, dy) = ((b.0 - a.0).abs(), (b.1 - a.1).abs());
    if dy < 0.5 && dx >= MIN_SEGMENT {
        Some(Seg {
            horizontal: true,
            at: (a.1 + b.1) / 2.0,
            from: a.0.min(b.0),
            to: a.0.max(b.0),
        })
    } else if dx < 0.5 && dy >= MIN_SEGMENT {
        Some(Seg {
            horizontal: false,
            at: (a.0 + b.0) / 2.0,
            from: a.1.min(b.1),
            to: a.1.max(b.1),
        })
    } else {
        None
    }
}

fn stroke(path: &[Vec<(f64, f64)>], segs: &mut Vec<Seg>) {
    for sub in path {
        for pair in sub.windows(2) {
            if let [a, b] = pair {
                if segs.len() < MAX_SEGMENTS * 4 {
                    segs.extend(segment(*a, *b));
                }
            }
        }
    }
}

/// Thin filled rectangles are lines (some writers draw borders so).
fn fill(path: &[Vec<(f64, f64)>], segs: &mut Vec<Seg>) {
    for sub in path {
        let xs = sub.iter().map(|p| p.0);
        let ys = sub.iter().map(|p| p.1);
        let (x0, x1) = (
            xs.clone().fold(f64::MAX, f64::min),
            xs.fold(f64::MIN, f64::max),
        );
        let (y0, y1) = (
            ys.clone().fold(f64::MAX, f64::min),
            ys.fold(f64::MIN, f64::max),
        );
        if sub.len() < 4 || segs.len() >= MAX_SEGMENTS * 4 {
            continue;
        }
        let (w, h) = (x1 - x0, y1 - y0);
        if h <= THIN && w >= MIN_SEGMENT {
            segs.extend(segment((x0, (y0 + y1) / 2.0), (x1, (y0 + y1) / 2.0)));
        } else if w <= THIN && h >= MIN_SEGMENT {
            segs.extend(segment(((x0 + x1) / 2.0, y0), ((x0 + x1) / 2.0, y1)));
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Tables from ruling lines

/// Positions closer than this (points) are one line.
const SNAP: f64 = 2.0;

/// Sorted positions with near ones merged (their mean).
fn cluster(mut v: Vec<f64>) -> Vec<f64> {
    v.sort_by(f64::total_cmp);
    let mut out: Vec<(f64, usize)> = Vec::new();
    for x in v {
        match out.last_mut() {
            Some((mean, n)) if x - *mean / (*n as f64) <= SNAP => {
                *mean += x;
                *n += 1;
            }
            _ => out.push((x, 1)),
        }
    }
    out.into_iter().map(|(s, n)| s / n as f64).collect()
}

/// A table found on a page: its grid lines and its cells (groups of grid cells).
#[derive(Debug)]
struct Lattice {
    xs: Vec<f64>,
    ys: Vec<f64>,
    /// Group of each grid cell, row-major.
    group: Vec<usize>,
    /// Each group's (first row, first col, last row, last col).
    spans: Vec<(usize, usize, usize, usize)>,
}

impl Lattice {
    fn contains(&self, (x, y): (f64, f64)) -> bool {
        matches!((self.xs.first(), self.xs.last(), self.ys.first(), self.ys.last()),
            (Some(&x0), Some(&x1), Some(&y0), Some(&y1)) if x0 <= x && x <= x1 && y0 <= y && y <= y1)
    }

    /// The group holding a point inside the table.
    fn group_at(&self, (x, y): (f64, f64)) -> Option<usize> {
        let col = self.xs.partition_point(|&v| v <= x).checked_sub(1)?;
        let row = self.ys.partition_point(|&v| v <= y).checked_sub(1)?;
        let cols = self.xs.len().checked_sub(1)?;
        let (row, col) = (
            row.min(self.ys.len().checked_sub(2)?),
            col.min(cols.checked_sub(1)?),
        );
        self.group.get(row * cols + col).copied()
    }
}

struct Union(Vec<usize>);

impl Union {
    fn find(&mut self, mut i: usize) -> usize {
        while let Some(&p) = self.0.get(i) {
            if p == i {
                break;
            }
            let grand = self.0.get(p).copied().unwrap_or(p);
            if let Some(slot) = self.0.get_mut(i) {
                *slot = grand;
            }
            i = p;
        }
        i
    }

    fn join(&mut self, a: usize, b: usize) {
        let (a, b) = (self.find(a), self.find(b));
        if a != b {
            if let Some(slot) = self.0.get_mut(a) {
                *slot = b;
            }
        }
    }
}

/// Collinear segments that overlap or touch become one.
fn merge_segments(mut segs: Vec<Seg>) -> Vec<Seg> {
    segs.sort_by(|a, b| {
        (a.horizontal, a.at)
            .partial_cmp(&(b.horizontal, b.at))
            .unwrap_or(std::cmp::Ordering::Equal)
            .then(a.from.total_cmp(&b.from))
    });
    let mut out: Vec<Seg> = Vec::new();
    // Groups of the same orientation and position, then sweep along them.
    let mut i = 0;
    while i < segs.len() {
        let Some(&first) = segs.get(i) else { break };
        let mut j = i;
        while segs
            .get(j)
            .is_some_and(|s| s.horizontal == first.horizontal && s.at - first.at <= SNAP / 2.0)
        {
            j += 1;
        }
        let mut group: Vec<Seg> = segs.get(i..j).unwrap_or(&[]).to_vec();
        group.sort_by(|a, b| a.from.total_cmp(&b.from));
        let mut current: Option<Seg> = None;
        for s in group {
            match current.as_mut() {
                Some(c) if s.from <= c.to + SNAP => c.to = c.to.max(s.to),
                _ => {
                    out.extend(current.take());
                    current = Some(s);
                }
            }
        }
        out.extend(current);
        i = j;
    }
    out
}

/// The tables on a page, from its ruling segments.
fn lattices(segs: &[Seg], work: &mut usize) -> Vec<Lattice> {
    if segs.len() > MAX_SEGMENTS {
        return Vec::new();
    }
    let segs = merge_segments(segs.to_vec());
    let n = segs.len();
    let Some(left) = work.checked_sub(n * n) else {
        return Vec::new();
    };
    *work = left;
    let mut u = Union((0..n).collect());
    let touches = |h: &Seg, v: &Seg| {
        v.at >= h.from - SNAP && v.at <= h.to + SNAP && h.at >= v.from - SNAP && h.at <= v.to + SNAP
    };
    for (i, a) in segs.iter().enumerate() {
        if !a.horizontal {
            continue;
        }
        for (j, b) in segs.iter().enumerate() {
            if !b.horizontal && touches(a, b) {
                u.join(i, j);
            }
        }
    }
    let mut components: HashMap<usize, Vec<Seg>> = HashMap::new();
    for (i, s) in segs.iter().enumerate() {
        components.entry(u.find(i)).or_default().push(*s);
    }
    let mut out: Vec<Lattice> = components
        .into_values()
        .filter_map(|c| lattice(&c, work))
        .collect();
    out.sort_by(|a, b| {
        let top = |l: &Lattice| l.ys.first().copied().unwrap_or(0.0);
        top(a).total_cmp(&top(b))
    });
    out
}

fn lattice(segs: &[Seg], work: &mut usize) -> Option<Lattice> {
    let hs: Vec<&Seg> = segs.iter().filter(|s| s.horizontal).collect();
    let vs: Vec<&Seg> = segs.iter().filter(|s| !s.horizontal).collect();
    let ys = cluster(hs.iter().map(|s| s.at).collect());
    let xs = cluster(vs.iter().map(|s| s.at).collect());
    if ys.len() < 2 || xs.len() < 2 || ys.len() > 2_000 || xs.len() > 200 {
        return None;
    }
    let (rows, cols) = (ys.len() - 1, xs.len() - 1);
    *work = work.checked_sub(rows * cols * segs.len())?;
    let mut u = Union((0..rows * cols).collect());
    let covered = |lines: &[&Seg], at: f64, mid: f64| {
        lines
            .iter()
            .any(|s| (s.at - at).abs() <= SNAP && s.from - SNAP <= mid && mid <= s.to + SNAP)
    };
    for r in 0..rows {
        for c in 0..cols {
            let (y0, y1) = (ys.get(r).copied()?, ys.get(r + 1).copied()?);
            let (x0, x1) = (xs.get(c).copied()?, xs.get(c + 1).copied()?);
            if c + 1 < cols && !covered(&vs, x1, (y0 + y1) / 2.0) {
                u.join(r * cols + c, r * cols + c + 1);
            }
            if r + 1 < rows && !covered(&hs, y1, (x0 + x1) / 2.0) {
                u.join(r * cols + c, (r + 1) * cols + c);
            }
        }
    }
    let mut ids: HashMap<usize, usize> = HashMap::new();
    let mut group = Vec::with_capacity(rows * cols);
    let mut spans: Vec<(usize, usize, usize, usize)> = Vec::new();
    for r in 0..rows {
        for c in 0..cols {
            let root = u.find(r * cols + c);
            let next = ids.len();
            let id = *ids.entry(root).or_insert(next);
            if id == spans.len() {
                spans.push((r, c, r, c));
            }
            if let Some(s) = spans.get_mut(id) {
                *s = (s.0.min(r), s.1.min(c), s.2.max(r), s.3.max(c));
            }
            group.push(id);
        }
    }
    Some(Lattice {
        xs,
        ys,
        group,
        spans,
    })
}

// ---------------------------------------------------------------------------------------------
// Lines and paragraphs

/// A line of text outside tables.
#[derive(Debug, Clone)]
struct Line {
    text: String,
    x0: f64,
    x1: f64,
    y: f64,
    size: f64,
    page: u32,
    /// In the top or bottom margin, where running heads and feet are.
    margin: bool,
}

/// Glyphs grouped into lines by baseline, each line's text in reading order (a space where
/// the gap is wider than a third of the font size; an overprinted duplicate, a writer's fake
/// bold, dropped).
fn lines(mut glyphs: Vec<Glyph>) -> Vec<(String, f64, f64, f64, f64)> {
    glyphs.sort_by(|a, b| a.y.total_cmp(&b.y).then(a.x.total_cmp(&b.x)));
    let mut groups: Vec<Vec<Glyph>> = Vec::new();
    for g in glyphs {
        match groups.last_mut() {
            Some(line)
                if line
                    .first()
                    .is_some_and(|f| (g.y - f.y).abs() <= 0.4 * f.size.max(g.size)) =>
            {
                line.push(g)
            }
            _ => groups.push(vec![g]),
        }
    }
    groups
        .into_iter()
        .map(|mut line| {
            line.sort_by(|a, b| a.x.total_cmp(&b.x));
            let mut text = String::new();
            let mut prev: Option<&Glyph> = None;
            for g in &line {
                if let Some(p) = prev {
                    if p.text == g.text && (g.x - p.x).abs() < 0.2 * g.size {
                        continue;
                    }
                    if g.x - (p.x + p.w) > g.size / 3.0 && !text.ends_with(' ') {
                        text.push(' ');
                    }
                }
                text.push_str(&g.text);
                prev = Some(g);
            }
            let x0 = line.first().map_or(0.0, |g| g.x);
            let x1 = line.last().map_or(0.0, |g| g.x + g.w);
            let y = line.first().map_or(0.0, |g| g.y);
            let size = line.iter().map(|g| g.size).fold(0.0, f64::max);
            (text, x0, x1, y, size)
        })
        .collect()
}

/// Whether a line in the top or bottom margin is a page number (“— 3 —”, “-3-”, “3”,
/// “第3页”, “第3页 共9页”, “3/9”).
fn is_page_number(text: &str) -> bool {
    let t: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    let t = t.trim_matches(|c| matches!(c, '—' | '–' | '-' | '－' | '~' | '·'));
    let digits = |s: &str| !s.is_empty() && s.len() <= 4 && s.chars().all(|c| c.is_ascii_digit());
    if digits(t) {
        return true;
    }
    if let Some((a, b)) = t.split_once('/') {
        return digits(a) && digits(b);
    }
    let t = t.replace("共", "").replace("页", " ").replace('第', "");
    let parts: Vec<&str> = t.split_whitespace().collect();
    !parts.is_empty() && parts.len() <= 2 && parts.iter().all(|p| digits(p))
}

/// A table as it leaves a page: its columns, rows and placed cells.
#[derive(Debug)]
struct TableOut {
    xs: Vec<f64>,
    rows: u32,
    cells: Vec<Placed>,
    page: u32,
}

enum Item {
    Line(Line),
    Table(TableOut),
}

fn page_items(page: Page, work: &mut usize) -> Vec<(f64, Item)> {
    let lattices = lattices(&page.segs, work);
    let mut in_cells: Vec<Vec<Vec<Glyph>>> = lattices
        .iter()
        .map(|l| vec![Vec::new(); l.spans.len()])
        .collect();
    let mut free = Vec::new();
    for g in page.glyphs {
        let centre = g.centre();
        let hit = lattices
            .iter()
            .enumerate()
            .find(|(_, l)| l.contains(centre))
            .and_then(|(i, l)| Some((i, l.group_at(centre)?)));
        match hit.and_then(|(i, k)| in_cells.get_mut(i)?.get_mut(k)) {
            Some(cell) => cell.push(g),
            None => free.push(g),
        }
    }
    let mut items: Vec<(f64, Item)> = Vec::new();
    for (lattice, cells) in lattices.into_iter().zip(in_cells) {
        // A frame around text (a box with one cell) is not a table.
        if lattice.spans.len() <= 1 {
            free.extend(cells.into_iter().flatten());
            continue;
        }
        let top = lattice.ys.first().copied().unwrap_or(0.0);
        let placed: Vec<Placed> = lattice
            .spans
            .iter()
            .zip(cells)
            .map(|(&(r0, c0, r1, c1), glyphs)| Placed {
                row: r0 as u32,
                col: c0 as u32,
                rows: (r1 - r0 + 1) as u32,
                cols: (c1 - c0 + 1) as u32,
                // A cell's lines are wrapped by the writer, not typed: joined as text.
                text: lines(glyphs)
                    .into_iter()
                    .fold(String::new(), |mut text, (line, ..)| {
                        join_line(&mut text, &line);
                        text
                    }),
            })
            .collect();
        items.push((
            top,
            Item::Table(TableOut {
                rows: lattice.ys.len().saturating_sub(1) as u32,
                xs: lattice.xs,
                cells: placed,
                page: page.number,
            }),
        ));
    }
    let height = page.height;
    for (text, x0, x1, y, size) in lines(free) {
        let margin = y < height * 0.1 || y > height * 0.88;
        if margin && is_page_number(&text) {
            continue;
        }
        items.push((
            y - size,
            Item::Line(Line {
                text,
                x0,
                x1,
                y,
                size,
                page: page.number,
                margin,
            }),
        ));
    }
    items.sort_by(|a, b| a.0.total_cmp(&b.0));
    items
}

/// The header rows `b` repeats from `a`: the most top rows, closed under merges, whose cells
/// are the same in both.
fn repeated_header(a: &TableOut, b: &TableOut) -> u32 {
    type Cells = Vec<(u32, u32, u32, u32, String)>;
    let top = |t: &TableOut, k: u32| -> Option<Cells> {
        let mut v = Vec::new();
        for c in t.cells.iter().filter(|c| c.row < k) {
            if c.row + c.rows > k {
                return None;
            }
            v.push((c.row, c.col, c.rows, c.cols, super::clean_line(&c.text)));
        }
        v.sort();
        Some(v)
    };
    (1..b.rows.min(a.rows))
        .rev()
        .find(|&k| {
            matches!((top(a, k), top(b, k)), (Some(x), Some(y)) if x == y && x.iter().any(|c| !c.4.is_empty()))
        })
        .unwrap_or(0)
}

/// Joins `b`, which continues `a` on the next page, onto `a`.
fn join(a: &mut TableOut, b: TableOut) {
    let k = repeated_header(a, &b);
    let offset = a.rows;
    for mut cell in b.cells.into_iter().filter(|c| c.row >= k) {
        cell.row = cell.row - k + offset;
        // A merged cell cut by the page break goes on empty on the new page.
        if cell.row == offset && cell.text.trim().is_empty() {
            let above = a.cells.iter_mut().find(|p| {
                p.col == cell.col
                    && p.cols == cell.cols
                    && p.row + p.rows == offset
                    && !p.text.trim().is_empty()
                    && (p.rows > 1 || cell.rows > 1)
            });
            if let Some(p) = above {
                p.rows += cell.rows;
                continue;
            }
        }
        a.cells.push(cell);
    }
    a.rows = offset + b.rows - k;
}

/// Whether `b` has the columns of `a`.
fn same_columns(a: &TableOut, b: &TableOut) -> bool {
    a.xs.len() == b.xs.len() && a.xs.iter().zip(&b.xs).all(|(x, y)| (x - y).abs() <= SNAP)
}

/// Appends a wrapped line to the text before it: directly after or before a CJK character,
/// else with a space (a word wrapped at a space).
fn join_line(text: &mut String, line: &str) {
    let last = text.chars().next_back();
    let first = line.chars().next();
    if last.is_some_and(|l| l.is_ascii() && !l.is_whitespace())
        && first.is_some_and(|f| f.is_ascii() && !f.is_whitespace())
    {
        text.push(' ');
    }
    text.push_str(line);
}

fn layout(pages: Vec<Page>, out: &mut Builder) {
    // Items of all pages in order, each with whether it is the first / last of its page.
    let mut work = MAX_LATTICE_WORK;
    let mut per_page: Vec<Vec<Item>> = pages
        .into_iter()
        .map(|p| {
            page_items(p, &mut work)
                .into_iter()
                .map(|(_, i)| i)
                .collect()
        })
        .collect();
    // Running heads and feet: a margin line whose text (digits aside) is on several pages.
    let margin_key = |l: &Line| -> String {
        l.text
            .chars()
            .filter(|c| !c.is_ascii_digit() && !c.is_whitespace())
            .collect()
    };
    let mut pages_of: HashMap<String, std::collections::BTreeSet<u32>> = HashMap::new();
    for item in per_page.iter().flatten() {
        if let Item::Line(l) = item {
            if l.margin {
                pages_of.entry(margin_key(l)).or_default().insert(l.page);
            }
        }
    }
    for page in &mut per_page {
        page.retain(|item| match item {
            Item::Line(l) if l.margin => pages_of.get(&margin_key(l)).is_none_or(|p| p.len() < 2),
            _ => true,
        });
    }
    let mut items: Vec<(Item, bool, bool)> = Vec::new();
    for page in per_page {
        let n = page.len();
        for (i, item) in page.into_iter().enumerate() {
            items.push((item, i == 0, i + 1 == n));
        }
    }
    // The body's margins: the commonest line start, and the line ends of full lines.
    let line_list: Vec<&Line> = items
        .iter()
        .filter_map(|(i, _, _)| match i {
            Item::Line(l) => Some(l),
            Item::Table(_) => None,
        })
        .collect();
    let mut starts: HashMap<i64, usize> = HashMap::new();
    for l in &line_list {
        *starts.entry(l.x0.round() as i64).or_default() += 1;
    }
    let left = starts
        .into_iter()
        .max_by_key(|&(x, n)| (n, -x))
        .map_or(0.0, |(x, _)| x as f64);
    let mut ends: Vec<f64> = line_list.iter().map(|l| l.x1).collect();
    ends.sort_by(f64::total_cmp);
    let right = ends
        .get(ends.len().saturating_mul(9) / 10)
        .copied()
        .unwrap_or(0.0);

    let mut para: Option<(String, Line)> = None;
    let mut pending_table: Option<(TableOut, bool)> = None;
    let flush_para = |para: &mut Option<(String, Line)>, out: &mut Builder| {
        if let Some((text, first)) = para.take() {
            out.paragraph(&text, None, Some(first.page));
        }
    };
    for (item, first_on_page, last_on_page) in items {
        match item {
            Item::Table(t) => {
                flush_para(&mut para, out);
                match pending_table.as_mut() {
                    Some((a, a_last)) if *a_last && first_on_page && same_columns(a, &t) => {
                        join(a, t);
                        *a_last = last_on_page;
                    }
                    _ => {
                        if let Some((done, _)) = pending_table.take() {
                            out.table(done.cells, Some(done.page));
                        }
                        pending_table = Some((t, last_on_page));
                    }
                }
            }
            Item::Line(line) => {
                if let Some((done, _)) = pending_table.take() {
                    out.table(done.cells, Some(done.page));
                }
                let starts_new = match &para {
                    None => true,
                    Some((_, prev)) => {
                        let same_page = prev.page == line.page;
                        let gap = line.y - prev.y;
                        let size = prev.size.max(line.size);
                        (same_page && (gap > 2.2 * size || gap < 0.0))
                            || line.x0 > left + 0.8 * line.size
                            || prev.x1 < right - 1.5 * prev.size
                            || (line.size - prev.size).abs() > 0.15 * prev.size
                    }
                };
                if starts_new {
                    flush_para(&mut para, out);
                    para = Some((line.text.clone(), line));
                } else if let Some((text, prev)) = para.as_mut() {
                    join_line(text, &line.text);
                    // The paragraph keeps the page it starts on.
                    let page = prev.page;
                    *prev = Line { page, ..line };
                }
            }
        }
    }
    flush_para(&mut para, out);
    if let Some((done, _)) = pending_table.take() {
        out.table(done.cells, Some(done.page));
    }
}

#[cfg(test)]
#[allow(clippy::indexing_slicing)]
mod tests {
    use super::*;

    fn h(y: f64, x0: f64, x1: f64) -> Seg {
        Seg {
            horizontal: true,
            at: y,
            from: x0,
            to: x1,
        }
    }

    fn v(x: f64, y0: f64, y1: f64) -> Seg {
        Seg {
            horizontal: false,
            at: x,
            from: y0,
            to: y1,
        }
    }

    #[test]
    fn ruling_lines_make_a_grid_and_missing_lines_merge_cells() {
        // 2 rows × 3 columns; the first row's cells 2–3 are one (no line at x=20 in row 0),
        // the first column spans both rows (no line at y=10 for x 0–10).
        let segs = vec![
            h(0.0, 0.0, 30.0),
            h(10.2, 10.0, 30.0),
            h(20.0, 0.0, 30.0),
            v(0.0, 0.0, 20.0),
            v(10.0, 0.0, 20.0),
            v(20.1, 10.0, 20.0),
            v(30.0, 0.0, 20.0),
        ];
        let l = lattices(&segs, &mut MAX_LATTICE_WORK.clone());
        assert_eq!(l.len(), 1);
        let l = &l[0];
        assert_eq!(l.xs.len(), 4);
        assert_eq!(l.ys.len(), 3);
        assert_eq!(
            l.spans,
            vec![(0, 0, 1, 0), (0, 1, 0, 2), (1, 1, 1, 1), (1, 2, 1, 2)]
        );
        assert_eq!(l.group_at((25.0, 5.0)), Some(1));
        assert_eq!(l.group_at((5.0, 15.0)), Some(0));
    }

    #[test]
    fn page_numbers_are_recognised() {
        for t in ["— 3 —", "-12-", "7", "第3页", "第 3 页 共 9 页", "3/9"] {
            assert!(is_page_number(t), "{t}");
        }
        for t in ["2025年", "一、总体情况", "393 件", ""] {
            assert!(!is_page_number(t), "{t}");
        }
    }

    #[test]
    fn matrices_compose_in_pdf_order() {
        let m = M::translate(10.0, 0.0).then(M([2.0, 0.0, 0.0, 2.0, 0.0, 0.0]));
        assert_eq!(m.apply(1.0, 1.0), (22.0, 2.0));
    }

    fn table(rows: u32, cells: &[(u32, u32, u32, u32, &str)]) -> TableOut {
        TableOut {
            xs: vec![0.0, 10.0, 20.0],
            rows,
            cells: cells
                .iter()
                .map(|&(row, col, rows, cols, text)| Placed {
                    row,
                    col,
                    rows,
                    cols,
                    text: text.into(),
                })
                .collect(),
            page: 1,
        }
    }

    #[test]
    fn a_table_continued_on_the_next_page_is_joined() {
        let mut a = table(
            3,
            &[
                (0, 0, 1, 1, "项目"),
                (0, 1, 1, 1, "数"),
                (1, 0, 2, 1, "三、结果"),
                (1, 1, 1, 1, "1"),
                (2, 1, 1, 1, "2"),
            ],
        );
        let b = table(
            3,
            &[
                (0, 0, 1, 1, "项目"),
                (0, 1, 1, 1, "数"),
                (1, 0, 2, 1, ""),
                (1, 1, 1, 1, "3"),
                (2, 1, 1, 1, "4"),
            ],
        );
        join(&mut a, b);
        assert_eq!(a.rows, 5);
        let label = a
            .cells
            .iter()
            .find(|c| c.text == "三、结果")
            .map(|c| (c.row, c.rows));
        assert_eq!(label, Some((1, 4)));
        let four = a
            .cells
            .iter()
            .find(|c| c.text == "4")
            .map(|c| (c.row, c.col));
        assert_eq!(four, Some((4, 1)));
        assert_eq!(a.cells.len(), 7);
    }

    /// Glyphs of `text` from (x, baseline y), 10 pt, each 10 pt wide.
    fn text_at(text: &str, x: f64, y: f64) -> Vec<Glyph> {
        text.chars()
            .enumerate()
            .map(|(i, c)| Glyph {
                text: c.to_string(),
                x: x + 10.0 * i as f64,
                y,
                w: 10.0,
                size: 10.0,
            })
            .collect()
    }

    /// A page holding a two-column table (header 项目 | 数, then one row) and a running head
    /// and page number.
    fn page(number: u32, row: (&str, &str)) -> Page {
        let mut glyphs = text_at("示例区人民政府年度报告", 200.0, 40.0);
        glyphs.extend(text_at(&format!("— {number} —"), 280.0, 800.0));
        glyphs.extend(text_at("项目", 110.0, 117.0));
        glyphs.extend(text_at("数", 210.0, 117.0));
        glyphs.extend(text_at(row.0, 110.0, 137.0));
        glyphs.extend(text_at(row.1, 210.0, 137.0));
        let segs = vec![
            h(100.0, 100.0, 300.0),
            h(120.0, 100.0, 300.0),
            h(140.0, 100.0, 300.0),
            v(100.0, 100.0, 140.0),
            v(200.0, 100.0, 140.0),
            v(300.0, 100.0, 140.0),
        ];
        Page {
            number,
            height: 842.0,
            glyphs,
            segs,
        }
    }

    #[test]
    fn running_heads_and_page_numbers_go_and_a_split_table_is_joined() {
        let mut out = Builder::default();
        layout(vec![page(1, ("甲", "1")), page(2, ("乙", "2"))], &mut out);
        let blocks = out.blocks;
        assert_eq!(blocks.len(), 1, "{blocks:?}");
        let super::super::Block::Table(t) = &blocks[0] else {
            panic!("{blocks:?}")
        };
        let text = |r, c| t.grid.shown_text(r, c);
        assert_eq!(
            [
                text(0, 0),
                text(0, 1),
                text(1, 0),
                text(1, 1),
                text(2, 0),
                text(2, 1)
            ],
            [
                Some("项目"),
                Some("数"),
                Some("甲"),
                Some("1"),
                Some("乙"),
                Some("2")
            ]
        );
        assert_eq!(t.grid.cells.len(), 6);
        assert_eq!(t.page, Some(1));
    }
}
