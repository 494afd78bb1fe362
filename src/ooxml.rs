//! Makes the package docx-rs 0.4.22 writes valid OOXML, and adds what docx-rs cannot write.
//!
//! docx-rs writes children out of schema order in many property elements (`w:pPr`, `w:rPr`,
//! `w:sectPr`, `w:tcPr`, styles, settings), an empty `w:rPr` inside the `w:pPr` of styles and
//! numbering levels, `w:type` on `w:gridCol`, and no theme; Word then offers to "repair" the
//! file. [`finish`] reads the zip once and streams each part the package references through
//! one quick-xml pass (`ooxml/stream.rs`) that puts children in the order of
//! `ooxml/order_table.rs`, leaves out what the schema forbids and adds the [`Extras`]; then it
//! writes a deterministic zip.
//!
//! The input is always docx-rs's output for our own documents, not any package: part names
//! are matched exactly, relationship targets are plain paths, and element names are matched
//! as written (docx-rs always writes WordprocessingML with the `w:` prefix).
//!
//! Entries are deflated at level [`DEFLATE_LEVEL`] (1), parts under [`STORE_BELOW`] bytes
//! stored: at the zip crate's default of 6, compressing takes most of the time `finish`
//! needs for a report, for a package about a quarter smaller.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{Cursor, Read, Write};

use quick_xml::events::Event;
use quick_xml::{Reader, XmlVersion};

mod order_table;
mod stream;
#[cfg(test)]
mod tests;

use stream::Edits;

/// What docx-rs cannot express, added by [`finish`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Extras {
    /// Fonts to declare in `word/fontTable.xml`, unless it declares that name already.
    pub fonts: Vec<FontDecl>,
    /// For each body table of the main document (direct `w:tbl` children of `w:body`, in
    /// document order), how many leading rows repeat as header rows. Missing entries = 0.
    pub header_rows: Vec<usize>,
    /// `(twips, chars)`: every `w:ind` whose `w:firstLine` equals `twips` gets
    /// `w:firstLineChars="chars"` (hundredths of a character, so `(640, 200)` = 2 chars at 16 pt).
    pub first_line_chars: Vec<(u32, u32)>,
    /// The document's languages, `(Latin text, East Asian text)` as language tags such as
    /// `("en-US", "zh-CN")`: `w:lang` in the style defaults and `w:themeFontLang` in the
    /// settings, so that Word, WPS and LibreOffice choose the right forms and fonts.
    pub languages: Option<(String, String)>,
}

/// One `w:font` entry of the font table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FontDecl {
    /// Face name as runs use it in `w:rFonts` (e.g. `仿宋_GB2312`).
    pub name: String,
    /// Alternative name Word tries when `name` is missing (e.g. `仿宋` or `FangSong_GB2312`).
    pub alt_name: Option<String>,
    /// A simplified-Chinese face: charset `86` (GB2312), modern family, fixed pitch, as Word
    /// declares 黑体 and 仿宋_GB2312. Otherwise a Latin one: charset `00`, roman, variable.
    pub east_asian: bool,
}

/// Why [`finish`] could not produce a package.
#[derive(Debug, thiserror::Error)]
pub enum OoxmlError {
    /// The zip archive cannot be read or written.
    #[error("zip archive: {0}")]
    Zip(#[from] zip::result::ZipError),
    /// A part is missing, unreadable or not well-formed, or holds what this module does not
    /// repair.
    #[error("{part}: {message}")]
    Part {
        /// Part name.
        part: String,
        /// What is wrong.
        message: String,
    },
}

impl OoxmlError {
    fn part(part: &str, message: impl std::fmt::Display) -> Self {
        OoxmlError::Part {
            part: part.to_string(),
            message: message.to_string(),
        }
    }
}

const REL_OFFICE_DOCUMENT: &str =
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument";
const REL_THEME: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/theme";
const CT_THEME: &str = "application/vnd.openxmlformats-officedocument.theme+xml";
const CONTENT_TYPES: &str = "[Content_Types].xml";
const ROOT_RELS: &str = "_rels/.rels";
/// The declaration of parts written without one (docx-rs's styles).
const DEFAULT_DECL: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#;
/// A compact Office theme: standard colours, Times New Roman with 黑体/宋体 for Hans. On
/// one line: the pass keeps whitespace between elements as text.
const THEME_XML: &str = include_str!("ooxml/theme1.xml");
/// Deflate level of the entries written. Level 6 (the zip crate's default, used before)
/// spends about 5 M instructions more on a 350 KB report for 15% fewer bytes; the output is
/// deterministic at any fixed level.
const DEFLATE_LEVEL: i64 = 1;
/// Parts smaller than this many bytes are stored, not deflated.
const STORE_BELOW: usize = 2048;

/// Rewrites a package written by `docx_rs::Docx::build().pack(..)` into a schema-valid one.
///
/// Children of every element with a known schema sequence are put in ECMA-376 order; the
/// empty `w:rPr` docx-rs writes in the `w:pPr` of styles and numbering levels is left out;
/// `w:type` on `w:gridCol` is removed; a theme part is added if the main document has none;
/// parts nothing references (docx-rs always writes numbering, comments and footnotes) are
/// dropped with their content types; then the [`Extras`] are applied. The output is
/// deterministic: dated 1980-01-01, `[Content_Types].xml` first, then `_rels/.rels`, then the
/// other parts by name.
pub fn finish(package: &[u8], extras: &Extras) -> Result<Vec<u8>, OoxmlError> {
    let mut parts = read_parts(package)?;
    let reached = reachable(&parts)?;
    let related = |source: &str, kind: &str| {
        let rels = reached.get(source).into_iter().flatten();
        rels.filter(|(k, _)| k == kind)
            .map(|(_, target)| target)
            .next()
    };
    let main = related("", REL_OFFICE_DOCUMENT);
    let main = main.ok_or_else(|| OoxmlError::part("", "no main document (officeDocument)"))?;
    let main_rels = rels_part_for(main);
    for needed in [CONTENT_TYPES, &main_rels] {
        if !parts.contains_key(needed) {
            return Err(OoxmlError::part(needed, "missing"));
        }
    }
    let mut keep: BTreeSet<String> = reached.keys().map(|s| rels_part_for(s)).collect();
    keep.extend(reached.keys().cloned().chain([CONTENT_TYPES.into()]));
    let theme = match related(main, REL_THEME) {
        Some(_) => None,
        None => Some(resolve(main, "theme/theme1.xml")),
    };
    if let Some(theme) = &theme {
        parts.insert(theme.clone(), THEME_XML.as_bytes().to_vec());
        keep.insert(theme.clone());
    }
    parts.retain(|name, _| keep.contains(name));
    let (theme_rel, theme_override) = match &theme {
        Some(theme) => (
            format!(
                r#"<Relationship Id="rIdTheme1" Type="{REL_THEME}" Target="theme/theme1.xml"/>"#
            ),
            format!(r#"<Override PartName="/{theme}" ContentType="{CT_THEME}"/>"#),
        ),
        None => Default::default(),
    };

    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .compression_level(Some(DEFLATE_LEVEL))
        .last_modified_time(zip::DateTime::default())
        .system(zip::System::Unix)
        .unix_permissions(0o644);
    // Small parts are stored: a deflate stream's set-up costs more than it saves on them.
    let stored = options
        .compression_method(zip::CompressionMethod::Stored)
        .compression_level(None);
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::with_capacity(package.len() / 4)));
    let first = [CONTENT_TYPES, ROOT_RELS];
    let ordered = first.iter().filter_map(|n| parts.get_key_value(*n));
    let rest = parts.iter().filter(|(n, _)| !first.contains(&n.as_str()));
    let names: BTreeSet<String> = parts.keys().cloned().collect();
    let edits = Edits {
        first_line_chars: &extras.first_line_chars,
        header_rows: &extras.header_rows,
        fonts: &extras.fonts,
        parts: Some(&names),
        append: b"",
        languages: (extras.languages.as_ref()).map(|(l, e)| (l.as_str(), e.as_str())),
    };
    let mut buffer = Vec::with_capacity(parts.values().map(Vec::len).max().unwrap_or(0) * 9 / 8);
    for (name, bytes) in ordered.chain(rest) {
        let data = if is_xml(name) {
            let append = match name {
                n if n == CONTENT_TYPES => theme_override.as_bytes(),
                n if *n == main_rels => theme_rel.as_bytes(),
                _ => b"",
            };
            let rows = stream::run(name, bytes, Edits { append, ..edits }, &mut buffer, None)?;
            if name == main {
                check_header_rows(main, &extras.header_rows, &rows)?;
            }
            &buffer
        } else {
            bytes
        };
        let how = match data.len() < STORE_BELOW {
            true => stored,
            false => options,
        };
        zip.start_file(name.as_str(), how)?;
        zip.write_all(data).map_err(zip::result::ZipError::Io)?;
    }
    Ok(zip.finish()?.into_inner())
}

/// Lists what [`finish`] repairs in a package: children out of the order of the tables or
/// unknown to a property element, `w:rPr` in the `w:pPr` of something else than a paragraph,
/// `w:type` on `w:gridCol`. Empty means the package passes; an unreadable package or part
/// yields one entry.
pub fn order_violations(package: &[u8]) -> Vec<String> {
    let parts = match read_parts(package) {
        Ok(parts) => parts,
        Err(e) => return vec![e.to_string()],
    };
    let (mut list, mut buffer) = (Vec::new(), Vec::new());
    for (name, bytes) in parts.iter().filter(|(name, _)| is_xml(name)) {
        let result = stream::run(name, bytes, Edits::default(), &mut buffer, Some(&mut list));
        if let Err(e) = result {
            list.push(e.to_string());
        }
    }
    list
}

fn is_xml(name: &str) -> bool {
    name.ends_with(".xml") || name.ends_with(".rels")
}

/// Whether the body tables have the header rows `Extras::header_rows` asks for.
fn check_header_rows(part: &str, wanted: &[usize], rows: &[usize]) -> Result<(), OoxmlError> {
    let short = |(t, &n): &(usize, &usize)| n > 0 && rows.get(*t).is_none_or(|&r| r < n);
    match wanted.iter().enumerate().find(short) {
        Some((t, n)) => Err(OoxmlError::part(
            part,
            format!("body table {t} (0-based) has fewer than {n} rows (rows of each: {rows:?})"),
        )),
        None => Ok(()),
    }
}

// ---------------------------------------------------------------------------------------
// Package

/// The entries of a zip by name; directory entries are dropped.
fn read_parts(package: &[u8]) -> Result<BTreeMap<String, Vec<u8>>, OoxmlError> {
    let mut archive = zip::ZipArchive::new(Cursor::new(package))?;
    let mut parts = BTreeMap::new();
    for index in 0..archive.len() {
        let mut file = archive.by_index(index)?;
        if file.is_dir() {
            continue;
        }
        let name = file.name()?.into_owned();
        let mut data = Vec::with_capacity(usize::try_from(file.size().min(64 << 20)).unwrap_or(0));
        file.read_to_end(&mut data)
            .map_err(|e| OoxmlError::part(&name, e))?;
        parts.insert(name, data);
    }
    Ok(parts)
}

/// `(type, part name)` of each relationship of a part to another part.
type Rels = Vec<(String, String)>;

/// The relationships of `source` (`""` for the package) to the parts of `parts`.
fn relationships(parts: &BTreeMap<String, Vec<u8>>, source: &str) -> Result<Rels, OoxmlError> {
    let name = rels_part_for(source);
    let Some(bytes) = parts.get(&name) else {
        return Ok(Vec::new());
    };
    let malformed = |e: &dyn std::fmt::Display| OoxmlError::part(&name, e);
    let mut reader = Reader::from_str(std::str::from_utf8(bytes).map_err(|e| malformed(&e))?);
    let mut out = Vec::new();
    loop {
        let e = match reader.read_event().map_err(|e| malformed(&e))? {
            Event::Start(e) | Event::Empty(e) if e.name().as_ref() == b"Relationship" => e,
            Event::Eof => return Ok(out),
            _ => continue,
        };
        let (mut kind, mut target, mut external) = (String::new(), String::new(), false);
        for attr in e.attributes() {
            let attr = attr.map_err(|e| malformed(&e))?;
            let value = attr.normalized_value(XmlVersion::Implicit1_0);
            let value = value.map_err(|e| malformed(&e))?.into_owned();
            match attr.key.as_ref() {
                b"Type" => kind = value,
                b"Target" => target = value,
                b"TargetMode" => external = value == "External",
                _ => {}
            }
        }
        let target = resolve(source, &target);
        if !external && parts.contains_key(&target) {
            out.push((kind, target));
        }
    }
}

/// Each part relationships reach from the package (`""`), with its relationships.
fn reachable(parts: &BTreeMap<String, Vec<u8>>) -> Result<BTreeMap<String, Rels>, OoxmlError> {
    let mut reached = BTreeMap::new();
    let mut queue = vec![String::new()];
    while let Some(source) = queue.pop() {
        if let std::collections::btree_map::Entry::Vacant(slot) = reached.entry(source) {
            let rels = relationships(parts, slot.key())?;
            queue.extend(rels.iter().map(|(_, target)| target.clone()));
            slot.insert(rels);
        }
    }
    Ok(reached)
}

/// `word/document.xml` → `word/_rels/document.xml.rels`; `""` (the package) → `_rels/.rels`.
fn rels_part_for(source: &str) -> String {
    match source.rsplit_once('/') {
        Some((dir, file)) => format!("{dir}/_rels/{file}.rels"),
        None => format!("_rels/{source}.rels"),
    }
}

/// The part name a relationship target of `source` names (docx-rs writes plain paths).
fn resolve(source: &str, target: &str) -> String {
    match (target.strip_prefix('/'), source.rsplit_once('/')) {
        (Some(absolute), _) => absolute.to_string(),
        (None, Some((dir, _))) => format!("{dir}/{target}"),
        (None, None) => target.to_string(),
    }
}
