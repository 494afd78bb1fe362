//! The Word report: the six sections in the official order, the three tables with their merged
//! headers, GB/T 9704 typography, page numbers “— N —”.
//!
//! Built with docx-rs, then made schema-valid by [`crate::ooxml::finish`] (element order, theme,
//! font table, repeated header rows, first-line indent in characters, languages). Typography
//! comes from [`crate::typography`]; the tables' grids from [`crate::layout`]; text from the
//! agency's 报告正文 and the [`crate::narrative`] templates.

use crate::content::{self, Align, Block};
use crate::error::{Error, Result};
use crate::layout::Layout;
use crate::narrative::Templates;
use crate::ooxml::{self, Extras, FontDecl};
use crate::statement::Statement;
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
        .add_text(crate::charset::xml_safe(text))
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

/// Right-aligned signature lines, indented as [`content::signature_indents`] says.
fn signature(agency: &str, date: Option<&str>) -> Vec<Paragraph> {
    let line = |text: &str, right: f64| {
        let twips = (right * BODY.size * TWIPS_PER_PT)
            .round()
            .min(f64::from(i32::MAX)) as i32;
        Paragraph::new()
            .style(STYLE_BODY)
            .align(AlignmentType::Right)
            .indent(None, None, Some(twips.max(0)), None)
            .line_spacing(exact_spacing())
            .add_run(run(text, &BODY))
    };
    let (agency_right, date_right) = content::signature_indents(agency, date);
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
            let (text, align) = content::cell(p, st);
            let align = match align {
                Align::Left => AlignmentType::Left,
                Align::Center => AlignmentType::Center,
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

/// The report of a statement as .docx bytes (byte-identical for the same input).
pub fn document(st: &Statement, templates: &Templates) -> Result<Vec<u8>> {
    from_blocks(st, &content::blocks(st, templates)?)
}

/// The report of a statement's [`content::blocks`] as .docx bytes.
pub fn from_blocks(st: &Statement, blocks: &[Block]) -> Result<Vec<u8>> {
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
    let mut header_rows = Vec::new();
    let mut blocks = blocks.iter().peekable();
    while let Some(block) = blocks.next() {
        doc = match block {
            Block::Title(line) => {
                let doc = doc.add_paragraph(title(line));
                // One blank line below the title.
                if matches!(blocks.peek(), Some(Block::Title(_))) {
                    doc
                } else {
                    doc.add_paragraph(empty_line())
                }
            }
            Block::Heading1(text) => doc.add_paragraph(heading1(text)),
            Block::Heading2(text) => doc.add_paragraph(heading2(text)),
            Block::Body(text) => doc.add_paragraph(body(text)),
            Block::Lead(text) => doc.add_paragraph(body(text).keep_next(true)),
            Block::Table(t) => {
                let layout = t.layout();
                header_rows.push(layout.header_rows);
                doc.add_table(table(&layout, st))
            }
            Block::Signature { agency, date } => signature(agency, date.as_deref())
                .into_iter()
                .fold(doc, Docx::add_paragraph),
        };
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
            .map(|(name, alt)| FontDecl {
                name: name.to_string(),
                alt_name: Some(alt.to_string()),
                east_asian: true,
            })
            .chain(std::iter::once(FontDecl {
                name: ty::LATIN.to_string(),
                alt_name: None,
                east_asian: false,
            }))
            .collect(),
        header_rows,
        // Body and headings share one size, so one indent: 2 characters = 200 hundredths.
        first_line_chars: vec![(
            chars(FIRST_LINE_CHARS, &BODY) as u32,
            FIRST_LINE_CHARS * 100,
        )],
        languages: Some((ty::LANGUAGES.0.into(), ty::LANGUAGES.1.into())),
    };
    ooxml::finish(&packed, &extras).map_err(|e| Error::Build {
        what: "Word 报告",
        detail: e.to_string(),
    })
}
