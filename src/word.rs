//! The Word report: the six sections in the official order, the three tables with their merged
//! headers, GB/T 9704 typography, page numbers “— N —”.
//!
//! Built with docx-rs, then made schema-valid by [`crate::ooxml::finish`] (element order, theme,
//! font table, repeated header rows, first-line indent in characters). Typography comes from
//! [`crate::typography`]; the tables' grids from [`crate::layout`]; text from the agency's
//! 报告正文 and the [`crate::narrative`] templates.

use crate::error::{Error, Result};
use crate::format::{SECTIONS, SECTION_OTHER};
use crate::layout::{Content, Layout, Table as OfficialTable};
use crate::narrative::{Context, Templates};
use crate::ooxml::{self, Extras, FontDecl};
use crate::statement::{Part, Statement};
use crate::typography::{
    self as ty, Font, BODY, FIRST_LINE_CHARS, FONT_FALLBACKS, HEADING1, HEADING2, LINE_PITCH_PT,
    PAGE_NUMBER, TABLE, TITLE,
};
use docx_rs::{
    AlignmentType, BorderType, Docx, FieldCharType, Footer, InstrPAGE, InstrText, LineSpacing,
    LineSpacingType, PageMargin, Paragraph, Run, RunFonts, SpecialIndentType, Style, StyleType,
    Table, TableAlignmentType, TableBorder, TableBorderPosition, TableBorders, TableCell,
    TableCellMargins, TableLayoutType, TableRow, VAlignType, VMergeType, WidthType,
};

/// Paragraph style ids.
const STYLE_TITLE: &str = "ReportTitle";
const STYLE_BODY: &str = "ReportBody";
const STYLE_H1: &str = "Heading1";
const STYLE_H2: &str = "Heading2";
const STYLE_TABLE: &str = "TableText";

/// Tables with at most this many rows are kept on one page.
const KEEP_WHOLE: usize = 16;

/// Twips per point.
const TWIPS_PER_PT: f64 = 20.0;

fn fonts(f: &Font) -> RunFonts {
    RunFonts::new()
        .ascii(f.latin)
        .hi_ansi(f.latin)
        .east_asia(f.east_asia)
        .cs(f.latin)
        .hint("eastAsia")
}

fn run(text: &str, f: &Font) -> Run {
    let r = Run::new()
        .add_text(crate::text::xml_safe(text))
        .fonts(fonts(f))
        .size(f.half_points());
    if f.bold {
        r.bold()
    } else {
        r
    }
}

fn exact_spacing() -> LineSpacing {
    LineSpacing::new()
        .line_rule(LineSpacingType::Exact)
        .line((LINE_PITCH_PT * TWIPS_PER_PT) as i32)
        .before(0)
        .after(0)
}

/// Twips of `chars` characters of `font`.
fn chars(n: u32, font: &Font) -> i32 {
    (f64::from(n) * font.size * TWIPS_PER_PT) as i32
}

fn first_line(font: &Font) -> SpecialIndentType {
    SpecialIndentType::FirstLine(chars(FIRST_LINE_CHARS, font))
}

/// A justified paragraph in `font` with exact line spacing and a first line indented two
/// characters; headings (an outline level) stay with the next paragraph.
fn text_paragraph(style: &str, font: &Font, outline: Option<usize>, text: &str) -> Paragraph {
    let p = Paragraph::new()
        .style(style)
        .align(AlignmentType::Both)
        .indent(None, Some(first_line(font)), None, None)
        .line_spacing(exact_spacing())
        .add_run(run(text, font));
    match outline {
        Some(level) => p.outline_lvl(level).keep_next(true),
        None => p,
    }
}

/// A body paragraph: 仿宋 三号.
fn body(text: &str) -> Paragraph {
    text_paragraph(STYLE_BODY, &BODY, None, text)
}

/// A “一、” heading: 黑体 三号, outline level 1.
fn heading1(text: &str) -> Paragraph {
    text_paragraph(STYLE_H1, &HEADING1, Some(0), text)
}

/// A “（一）” heading: 楷体 三号, outline level 2.
fn heading2(text: &str) -> Paragraph {
    text_paragraph(STYLE_H2, &HEADING2, Some(1), text)
}

fn title(text: &str) -> Paragraph {
    Paragraph::new()
        .style(STYLE_TITLE)
        .align(AlignmentType::Center)
        .keep_next(true)
        .line_spacing(
            LineSpacing::new()
                .line_rule(LineSpacingType::Exact)
                .line(700)
                .before(0)
                .after(0),
        )
        .add_run(run(text, &TITLE))
}

fn empty_line() -> Paragraph {
    Paragraph::new()
        .style(STYLE_BODY)
        .line_spacing(exact_spacing())
        .add_run(run("", &BODY))
}

/// Right-aligned signature lines, the date four characters from the right margin (右空四字) and
/// the agency centred above the date.
fn signature(agency: &str, date: Option<&str>) -> Vec<Paragraph> {
    let line = |text: &str, right: i32| {
        Paragraph::new()
            .style(STYLE_BODY)
            .align(AlignmentType::Right)
            .indent(None, None, Some(right.max(0)), None)
            .line_spacing(exact_spacing())
            .add_run(run(text, &BODY))
    };
    let date_right = chars(4, &BODY);
    // Half-widths in twips; saturating, since an agency name can be absurdly long.
    let width = |s: &str| {
        i32::try_from(crate::text::display_width(s))
            .unwrap_or(i32::MAX)
            .saturating_mul(chars(1, &BODY) / 2)
    };
    let agency_right = match date {
        Some(d) => date_right.saturating_add(width(d).saturating_sub(width(agency)) / 2),
        None => date_right,
    };
    let mut v = vec![empty_line(), line(agency, agency_right)];
    if let Some(d) = date {
        v.push(line(d, date_right));
    }
    v
}

fn styles() -> Vec<Style> {
    let para = |id: &str, name: &str, f: &Font| {
        Style::new(id, StyleType::Paragraph)
            .name(name)
            .based_on("Normal")
            .fonts(fonts(f))
            .size(f.half_points())
            .q_format(true)
    };
    vec![
        para(STYLE_TITLE, "Title", &TITLE).align(AlignmentType::Center),
        para(STYLE_BODY, "Body Text", &BODY)
            .align(AlignmentType::Both)
            .indent(None, Some(first_line(&BODY)), None, None)
            .line_spacing(exact_spacing()),
        // Lower-case names are Word's built-in heading styles: the navigation pane shows them.
        para(STYLE_H1, "heading 1", &HEADING1)
            .outline_lvl(0)
            .next(STYLE_BODY)
            .line_spacing(exact_spacing()),
        para(STYLE_H2, "heading 2", &HEADING2)
            .outline_lvl(1)
            .next(STYLE_BODY)
            .line_spacing(exact_spacing()),
        para(STYLE_TABLE, "Table Text", &TABLE)
            .align(AlignmentType::Center)
            .line_spacing(
                LineSpacing::new()
                    .line_rule(LineSpacingType::Auto)
                    .line(240)
                    .before(0)
                    .after(0),
            ),
    ]
}

/// The page-number footer: “— N —” in 宋体 四号, one character in from the outer edge: odd
/// pages on the right, even pages on the left.
fn page_footer(odd: bool) -> Footer {
    let pad = chars(1, &PAGE_NUMBER);
    let (align, left, right) = if odd {
        (AlignmentType::Right, None, Some(pad))
    } else {
        (AlignmentType::Left, Some(pad), None)
    };
    let number = Run::new()
        .fonts(fonts(&PAGE_NUMBER))
        .size(PAGE_NUMBER.half_points())
        .add_field_char(FieldCharType::Begin, false)
        .add_instr_text(InstrText::PAGE(InstrPAGE::new()))
        .add_field_char(FieldCharType::Separate, false)
        .add_text("1")
        .add_field_char(FieldCharType::End, false);
    Footer::new().add_paragraph(
        Paragraph::new()
            .align(align)
            .indent(left, None, right, None)
            .add_run(run("— ", &PAGE_NUMBER))
            .add_run(number)
            .add_run(run(" —", &PAGE_NUMBER)),
    )
}

/// Single ½-pt black lines on the table's edges and between all its cells: every cell bordered
/// without a border on each cell (a quarter of the document's XML).
fn table_borders() -> TableBorders {
    [
        TableBorderPosition::Top,
        TableBorderPosition::Left,
        TableBorderPosition::Bottom,
        TableBorderPosition::Right,
        TableBorderPosition::InsideH,
        TableBorderPosition::InsideV,
    ]
    .into_iter()
    .fold(TableBorders::with_empty(), |b, p| {
        b.set(
            TableBorder::new(p)
                .border_type(BorderType::Single)
                .size(4)
                .color("000000"),
        )
    })
}

/// One official table as a Word table: grid and cell widths (tblGrid + tcW), every cell
/// bordered, merges as gridSpan and vMerge, rows that do not split.
fn table(layout: &Layout, st: &Statement) -> Table {
    let text_width = ty::text_width() as f64;
    let total: f64 = layout.widths.iter().sum();
    let mut grid: Vec<usize> = layout
        .widths
        .iter()
        .map(|w| (w / total * text_width).floor() as usize)
        .collect();
    let used: usize = grid.iter().sum();
    if let Some(last) = grid.last_mut() {
        *last += (text_width as usize).saturating_sub(used);
    }
    let span_width = |col: usize, cols: usize| grid.iter().skip(col).take(cols).sum::<usize>();
    let mut rows = Vec::with_capacity(layout.rows);
    for r in 0..layout.rows {
        let mut cells = Vec::new();
        let mut c = 0;
        while c < layout.cols {
            let Some(p) = layout.covering(r, c) else {
                c += 1;
                continue;
            };
            let width = span_width(p.col, p.cols);
            let (text, align) = match p.content {
                Content::Data(id) => (st.figures.get(id).to_string(), AlignmentType::Center),
                Content::Label(t) if p.rows > 1 => (t.to_string(), AlignmentType::Center),
                Content::Label(t) => (t.to_string(), AlignmentType::Left),
                Content::Header(t) | Content::BlockTitle(t) => {
                    (t.to_string(), AlignmentType::Center)
                }
            };
            let continues = p.row < r;
            // Short tables stay on one page; long ones keep their heads with the first row.
            let keep = if layout.rows <= KEEP_WHOLE {
                r + 1 < layout.rows
            } else {
                r < layout.header_rows
            };
            let paragraph = Paragraph::new()
                .keep_next(keep)
                .style(STYLE_TABLE)
                .align(align)
                .add_run(run(if continues { "" } else { &text }, &TABLE));
            let mut cell = TableCell::new()
                .add_paragraph(paragraph)
                .width(width, WidthType::Dxa)
                .vertical_align(VAlignType::Center);
            if p.cols > 1 {
                cell = cell.grid_span(p.cols);
            }
            if p.rows > 1 {
                cell = cell.vertical_merge(if continues {
                    VMergeType::Continue
                } else {
                    VMergeType::Restart
                });
            }
            cells.push(cell);
            c = p.col + p.cols;
        }
        rows.push(TableRow::new(cells).cant_split());
    }
    Table::new(rows)
        .set_grid(grid)
        .width(text_width as usize, WidthType::Dxa)
        .layout(TableLayoutType::Fixed)
        .align(TableAlignmentType::Center)
        .margins(TableCellMargins::new().margin(0, 57, 0, 57))
        .set_borders(table_borders())
}

/// The agency's parts of a narrative section, numbered （一）（二）… by the generator; parts
/// without text are left out (checks warn about them).
fn parts(doc: Docx, parts: &[Part]) -> Docx {
    let mut doc = doc;
    let mut n = 0;
    for part in parts.iter().filter(|p| !p.paragraphs.is_empty()) {
        if let Some(h) = &part.heading {
            n += 1;
            doc = doc.add_paragraph(heading2(&format!("（{}）{h}", numeral(n))));
        }
        for t in &part.paragraphs {
            doc = doc.add_paragraph(body(t));
        }
    }
    doc
}

fn numeral(n: u32) -> &'static str {
    const N: [&str; 20] = [
        "一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二", "十三", "十四",
        "十五", "十六", "十七", "十八", "十九", "二十",
    ];
    N.get(n.saturating_sub(1) as usize)
        .copied()
        .unwrap_or("二十")
}

/// The report of a statement as .docx bytes (byte-identical for the same input).
pub fn document(st: &Statement, templates: &Templates) -> Result<Vec<u8>> {
    let ctx = Context::new(st);
    let render = |name: &str| templates.render(name, &ctx);
    let m = ty::MARGINS_MM;
    let mut doc = Docx::new()
        .page_size(ty::PAGE_WIDTH, ty::PAGE_HEIGHT)
        .page_margin(
            PageMargin::new()
                .top(ty::mm_to_twips(m.top) as i32)
                .bottom(ty::mm_to_twips(m.bottom) as i32)
                .left(ty::mm_to_twips(m.left) as i32)
                .right(ty::mm_to_twips(m.right) as i32)
                .header(ty::mm_to_twips(15.0) as i32)
                .footer(ty::mm_to_twips(ty::FOOTER_MM) as i32),
        )
        .default_fonts(fonts(&BODY))
        .default_size(BODY.half_points())
        .footer(page_footer(true))
        .even_footer(page_footer(false));
    // No clock in the file: the document's dates are the report's.
    let stamp = st
        .info
        .date
        .map(|d| format!("{:04}-{:02}-{:02}T00:00:00Z", d.year, d.month, d.day))
        .unwrap_or_else(|| format!("{:04}-12-31T00:00:00Z", st.info.year.unwrap_or(2021)));
    doc = doc.created_at(&stamp).updated_at(&stamp);
    for s in styles() {
        doc = doc.add_style(s);
    }

    for line in render("title.j2")? {
        doc = doc.add_paragraph(title(&line));
    }
    doc = doc.add_paragraph(empty_line());
    for p in render("preamble.j2")? {
        doc = doc.add_paragraph(body(&p));
    }
    let mut header_rows = Vec::new();
    for (i, section) in SECTIONS.iter().enumerate() {
        doc = doc.add_paragraph(heading1(section.heading));
        let official = match section.id {
            "proactive" => Some(OfficialTable::T2),
            "applications" => Some(OfficialTable::T3),
            "appeals" => Some(OfficialTable::T4),
            _ => None,
        };
        if let Some(t) = official {
            let lead = match t {
                OfficialTable::T2 => Vec::new(),
                OfficialTable::T3 => render("applications.j2")?,
                OfficialTable::T4 => render("appeals.j2")?,
            };
            for p in lead {
                doc = doc.add_paragraph(body(&p).keep_next(true));
            }
            let layout = t.layout();
            header_rows.push(layout.header_rows);
            doc = doc.add_table(table(&layout, st));
            continue;
        }
        if i == SECTION_OTHER {
            for p in render("fees.j2")? {
                doc = doc.add_paragraph(body(&p));
            }
            let own = &st.narrative.sections[i];
            if own.iter().all(|p| p.paragraphs.is_empty()) {
                for p in render("other_none.j2")? {
                    doc = doc.add_paragraph(body(&p));
                }
                continue;
            }
        }
        doc = parts(doc, &st.narrative.sections[i]);
    }
    let date = st.info.date.map(|d| d.to_string());
    for p in signature(&st.info.agency, date.as_deref()) {
        doc = doc.add_paragraph(p);
    }

    let mut packed = Vec::new();
    doc.build()
        .pack(std::io::Cursor::new(&mut packed))
        .map_err(|e| Error::Build {
            what: "Word 报告",
            detail: e.to_string(),
        })?;
    let extras = Extras {
        fonts: FONT_FALLBACKS
            .iter()
            .map(|(name, alt)| FontDecl::east_asian(*name).alt_name(*alt))
            .chain(std::iter::once(FontDecl::latin(ty::LATIN)))
            .collect(),
        header_rows,
        // Body and headings share one size, so one indent: 2 characters = 200 hundredths.
        first_line_chars: vec![(
            chars(FIRST_LINE_CHARS, &BODY) as u32,
            FIRST_LINE_CHARS * 100,
        )],
    };
    ooxml::finish(&packed, &extras).map_err(|e| Error::Build {
        what: "Word 报告",
        detail: e.to_string(),
    })
}
