//! The report's content, independent of any file format: the title, the preamble, the six
//! sections with their headings, paragraphs and tables, and the signature, in reading order.
//!
//! The Word report ([`crate::word`]) and the web page ([`crate::html`]) both write these blocks,
//! so their headings, paragraphs and table cells are the same text by construction.

use crate::error::Result;
use crate::format::{SECTIONS, SECTION_OTHER};
use crate::layout::{Content, Placed, Table};
use crate::narrative::{Context, Templates};
use crate::statement::{Part, Statement};

/// One block of the report, in reading order.
#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    /// One line of the title (机关名称, then the report's name).
    Title(String),
    /// A level-1 heading “一、…”, as the format words it.
    Heading1(&'static str),
    /// A level-2 heading “（一）…”, numbered by the generator.
    Heading2(String),
    /// A body paragraph.
    Body(String),
    /// A body paragraph that introduces the table after it (kept on its page).
    Lead(String),
    /// One of the three official tables.
    Table(Table),
    /// The closing lines: the agency and the date (成文日期).
    Signature {
        /// 机关名称.
        agency: String,
        /// 成文日期, e.g. 2026年1月20日.
        date: Option<String>,
    },
}

/// The report of a statement as blocks.
pub fn blocks(st: &Statement, templates: &Templates) -> Result<Vec<Block>> {
    let ctx = Context::new(st);
    let render = |name: &str| templates.render(name, &ctx);
    let mut out: Vec<Block> = render("title.j2")?.into_iter().map(Block::Title).collect();
    out.extend(render("preamble.j2")?.into_iter().map(Block::Body));
    for (i, section) in SECTIONS.iter().enumerate() {
        out.push(Block::Heading1(section.heading));
        let official = Table::ALL
            .into_iter()
            .find(|t| t.section().id == section.id);
        if let Some(t) = official {
            let lead = match t {
                Table::T2 => Vec::new(),
                Table::T3 => render("applications.j2")?,
                Table::T4 => render("appeals.j2")?,
            };
            out.extend(lead.into_iter().map(Block::Lead));
            out.push(Block::Table(t));
            continue;
        }
        let own = st.narrative.sections.get(i).map_or(&[][..], Vec::as_slice);
        if i == SECTION_OTHER {
            out.extend(render("fees.j2")?.into_iter().map(Block::Body));
            if own.iter().all(|p| p.paragraphs.is_empty()) {
                out.extend(render("other_none.j2")?.into_iter().map(Block::Body));
                continue;
            }
        }
        parts(&mut out, own);
    }
    out.push(Block::Signature {
        agency: st.info.agency.clone(),
        date: st.info.date.map(|d| d.to_string()),
    });
    Ok(out)
}

/// The agency's parts of a narrative section, numbered （一）（二）… by the generator; parts
/// without text are left out (checks warn about them).
fn parts(out: &mut Vec<Block>, parts: &[Part]) {
    let mut n = 0;
    for part in parts.iter().filter(|p| !p.paragraphs.is_empty()) {
        if let Some(h) = &part.heading {
            n += 1;
            out.push(Block::Heading2(format!(
                "（{}）{h}",
                crate::label::chinese_numeral(n)
            )));
        }
        out.extend(part.paragraphs.iter().cloned().map(Block::Body));
    }
}

/// How a table cell's text is aligned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    /// Row labels of one row.
    Left,
    /// Headers, figures, and labels over several rows.
    Center,
}

/// What a table cell shows, and how it is aligned: the figure of a data cell, the official
/// text of the others.
pub fn cell(p: &Placed, st: &Statement) -> (String, Align) {
    match p.content {
        Content::Data(id) => (st.figures.get(id).to_string(), Align::Center),
        Content::Label(t) if p.rows > 1 => (t.to_string(), Align::Center),
        Content::Label(t) => (t.to_string(), Align::Left),
        Content::Header(t) | Content::BlockTitle(t) => (t.to_string(), Align::Center),
    }
}

/// The right indent of the signature lines, in characters of the body font: the date four
/// characters from the right margin (右空四字), the agency centred above the date.
pub fn signature_indents(agency: &str, date: Option<&str>) -> (f64, f64) {
    const DATE_RIGHT: f64 = 4.0;
    // Display width in half-characters.
    let width = |s: &str| unicode_width::UnicodeWidthStr::width_cjk(s) as f64 / 2.0;
    let agency_right = match date {
        Some(d) => DATE_RIGHT + (width(d) - width(agency)) / 2.0,
        None => DATE_RIGHT,
    };
    (agency_right.max(0.0), DATE_RIGHT)
}
