//! Drawing the official tables on Excel worksheets, shared by the `init` workbook, the Excel
//! appendix and the batch roll-up: the same merges, borders, widths, and totals as formulas
//! whose cached result is the computed figure (so viewers that do not recalculate, and calamine,
//! show the right number).

use crate::diagnostics::a1;
use crate::figures::{Figures, Number};
use crate::format::{self, CellId, T3_CARRIED_FORWARD, T3_CARRIED_IN, T3_NEW, T3_RESULTS_TOTAL};
use crate::layout::{Content, Layout};
use crate::typography::{Font, XLSX_NOTE, XLSX_TABLE, XLSX_TITLE};
use rust_xlsxwriter::{Format, FormatAlign, FormatBorder, Formula, Worksheet, XlsxError};
use std::collections::BTreeMap;
use unicode_width::UnicodeWidthStr;

/// Excel number format of counts.
pub const COUNT_FORMAT: &str = "0";
/// Excel number format of 万元 amounts.
pub const WAN_FORMAT: &str = "0.00";
/// Line height in points for the table font, used to size rows.
const LINE_PT: f64 = 14.5;
/// Excel column-width units per display column (a halfwidth character of the 11 pt table font;
/// a Chinese character is two).
const UNITS_PER_COLUMN: f64 = 1.1;
/// Cell padding in Excel column-width units.
const PADDING: f64 = 1.5;
/// Short headers up to this many display columns (four Chinese characters, e.g. 结果维持) get
/// a column wide enough to stay on one line; longer ones wrap.
const NO_WRAP_HEADER: usize = 8;
/// The label of the 勾稽 check row under table 三.
pub const BALANCE_LABEL: &str = "勾稽检查：第一项加第二项之和，等于第三项加第四项之和";
/// What the 勾稽 check row shows when a column balances, and when it does not.
pub const BALANCE_RESULTS: [&str; 2] = ["通过", "不通过"];

/// A format with one of our fonts.
pub fn font_format(font: &Font) -> Format {
    let mut f = Format::new()
        .set_font_name(font.east_asia)
        .set_font_size(font.size);
    if font.bold {
        f = f.set_bold();
    }
    f
}

/// The formats of a drawn table.
#[derive(Debug, Clone)]
pub struct Formats {
    /// Column headers and block titles: centred, wrapped, bordered.
    pub header: Format,
    /// Row labels: left, wrapped, bordered.
    pub label: Format,
    /// Input counts.
    pub count: Format,
    /// Input 万元.
    pub wan: Format,
    /// Computed totals.
    pub total: Format,
}

impl Formats {
    /// Formats for a table; `inputs_unlocked` makes input cells editable under sheet protection.
    pub fn new(inputs_unlocked: bool) -> Self {
        let cell = font_format(&XLSX_TABLE)
            .set_border(FormatBorder::Thin)
            .set_align(FormatAlign::VerticalCenter)
            .set_text_wrap();
        let number = cell.clone().set_align(FormatAlign::Center);
        let input = |f: Format| {
            if inputs_unlocked {
                f.set_unlocked().set_background_color("#FFFDE7")
            } else {
                f
            }
        };
        Formats {
            header: cell.clone().set_align(FormatAlign::Center),
            label: cell.clone().set_align(FormatAlign::Left),
            count: input(number.clone().set_num_format(COUNT_FORMAT)),
            wan: input(number.clone().set_num_format(WAN_FORMAT)),
            total: number
                .set_num_format(COUNT_FORMAT)
                .set_background_color("#F2F2F2"),
        }
    }
}

/// Where a table was drawn: the sheet cell of every data cell.
#[derive(Debug, Clone, Default)]
pub struct Placement {
    /// Sheet (row, col) of every data cell.
    pub cells: BTreeMap<CellId, (u32, u16)>,
    /// First sheet row of the table.
    pub top: u32,
    /// Last sheet row of the table.
    pub bottom: u32,
    /// First sheet column of the table.
    pub left: u16,
    /// Last sheet column of the table.
    pub right: u16,
}

impl Placement {
    /// The A1 address of a data cell.
    pub fn address(&self, id: CellId) -> Option<String> {
        self.cells.get(&id).map(|&(r, c)| a1(r, u32::from(c)))
    }

    /// `=SUM(...)` over a total's parts, as contiguous ranges.
    pub fn sum_formula(&self, id: CellId) -> Option<String> {
        let parts = id.parts()?;
        let mut cells: Vec<(u32, u16)> = parts
            .iter()
            .filter_map(|p| self.cells.get(p).copied())
            .collect();
        if cells.is_empty() {
            return None;
        }
        cells.sort_unstable();
        let first = cells.first().copied()?;
        let last = cells.last().copied()?;
        let contiguous = cells.len() as u64
            == (u64::from(last.0 - first.0) + 1) * (u64::from(last.1.saturating_sub(first.1)) + 1)
            && (first.0 == last.0 || first.1 == last.1);
        let body = if contiguous {
            format!(
                "{}:{}",
                a1(first.0, u32::from(first.1)),
                a1(last.0, u32::from(last.1))
            )
        } else {
            cells
                .iter()
                .map(|&(r, c)| a1(r, u32::from(c)))
                .collect::<Vec<_>>()
                .join(",")
        };
        Some(format!("=SUM({body})"))
    }
}

/// Column widths in Excel units for a layout, computed for Chinese text (rust_xlsxwriter's
/// autofit counts a Chinese character as one Latin one): the layout's width in characters, widened
/// so that short headers stay on one line and every figure fits.
pub fn column_widths(layout: &Layout, figures: &Figures) -> Vec<f64> {
    let units = |display: f64| display * UNITS_PER_COLUMN + PADDING;
    let mut widths: Vec<f64> = layout
        .widths
        .iter()
        .map(|w| units(w * 2.0).max(4.0))
        .collect();
    // Merged cells share their width with their neighbours: only single-column cells widen.
    for p in layout.cells.iter().filter(|p| p.cols == 1) {
        let need = match p.content {
            Content::Header(t) if t.width_cjk() <= NO_WRAP_HEADER => units(t.width_cjk() as f64),
            Content::Data(id) => units(figures.get(id).to_string().len() as f64 + 1.0),
            _ => continue,
        };
        if let Some(w) = widths.get_mut(p.col) {
            *w = w.max(need);
        }
    }
    widths
}

/// Draws `layout` with its top-left corner at (top, left): headers, labels, inputs as numbers,
/// totals as SUM formulas with cached results. Sets column widths and row heights.
pub fn draw_table(
    ws: &mut Worksheet,
    layout: &Layout,
    top: u32,
    left: u16,
    formats: &Formats,
    figures: &Figures,
) -> Result<Placement, XlsxError> {
    let widths = column_widths(layout, figures);
    for (i, w) in widths.iter().enumerate() {
        ws.set_column_width(left + i as u16, *w)?;
    }
    let mut placement = Placement {
        top,
        bottom: top + layout.rows as u32 - 1,
        left,
        right: left + layout.cols as u16 - 1,
        ..Placement::default()
    };
    for p in &layout.cells {
        if let Content::Data(id) = p.content {
            placement
                .cells
                .insert(id, (top + p.row as u32, left + p.col as u16));
        }
    }
    for p in &layout.cells {
        let (r0, c0) = (top + p.row as u32, left + p.col as u16);
        let (r1, c1) = (r0 + p.rows as u32 - 1, c0 + p.cols as u16 - 1);
        match p.content {
            Content::Data(id) => {
                let fmt = match (id.is_total(), figures.get(id)) {
                    (true, _) => &formats.total,
                    (false, Number::Wan(_)) => &formats.wan,
                    (false, Number::Count(_)) => &formats.count,
                };
                if p.is_merged() {
                    ws.merge_range(r0, c0, r1, c1, "", fmt)?;
                }
                write_figure(ws, r0, c0, id, figures, &placement, fmt)?;
            }
            _ => {
                let text = p.content.text().unwrap_or("");
                let fmt = if matches!(p.content, Content::Label(_)) {
                    &formats.label
                } else {
                    &formats.header
                };
                if p.is_merged() {
                    ws.merge_range(r0, c0, r1, c1, text, fmt)?;
                } else {
                    ws.write_string_with_format(r0, c0, text, fmt)?;
                }
            }
        }
    }
    fit_rows(ws, layout, top, &widths)?;
    Ok(placement)
}

/// The 勾稽 check row under a drawn table 三 (the row after `placement.bottom`): per column a
/// formula `=IF(一+二=三（七）+四,"通过","不通过")` whose cached result is computed from `figures`.
/// Returns the sheet row it wrote.
pub fn balance_row(
    ws: &mut Worksheet,
    placement: &Placement,
    figures: &Figures,
    formats: &Formats,
) -> Result<u32, XlsxError> {
    let row = placement.bottom + 1;
    let first_data = placement
        .cells
        .get(&CellId::T3(T3_NEW, 0))
        .map_or(placement.left, |&(_, c)| c);
    // The label covers the label columns; a table without them still gets its label cell.
    let label_end = first_data.saturating_sub(1).max(placement.left);
    if label_end > placement.left {
        ws.merge_range(
            row,
            placement.left,
            row,
            label_end,
            BALANCE_LABEL,
            &formats.label,
        )?;
    } else {
        ws.write_string_with_format(row, placement.left, BALANCE_LABEL, &formats.label)?;
    }
    let fmt = formats.header.clone().set_bold();
    for c in 0..format::T3_COLS.len() {
        let id = |r: usize| CellId::T3(r, c);
        let Some(&(_, col)) = placement.cells.get(&id(T3_NEW)) else {
            continue;
        };
        let addr = |r: usize| placement.address(id(r)).unwrap_or_default();
        let [pass, fail] = BALANCE_RESULTS;
        let formula = format!(
            "=IF({}+{}={}+{},\"{pass}\",\"{fail}\")",
            addr(T3_NEW),
            addr(T3_CARRIED_IN),
            addr(T3_RESULTS_TOTAL),
            addr(T3_CARRIED_FORWARD)
        );
        let n = |r: usize| figures.count(id(r));
        let ok = n(T3_NEW).saturating_add(n(T3_CARRIED_IN))
            == n(T3_RESULTS_TOTAL).saturating_add(n(T3_CARRIED_FORWARD));
        let result = if ok { pass } else { fail };
        ws.write_formula_with_format(row, col, Formula::new(formula).set_result(result), &fmt)?;
    }
    ws.set_row_height(row, 32)?;
    Ok(row)
}

/// Writes one figure: an input as a number, a total as a formula with its cached result.
pub fn write_figure(
    ws: &mut Worksheet,
    row: u32,
    col: u16,
    id: CellId,
    figures: &Figures,
    placement: &Placement,
    fmt: &Format,
) -> Result<(), XlsxError> {
    let value = figures.get(id);
    match placement.sum_formula(id) {
        Some(formula) => {
            let f = Formula::new(formula).set_result(value.to_string());
            ws.write_formula_with_format(row, col, f, fmt)?;
        }
        None => {
            ws.write_number_with_format(row, col, value.as_f64(), fmt)?;
        }
    }
    Ok(())
}

/// Row heights that show every wrapped label (Excel does not size rows of merged cells).
fn fit_rows(
    ws: &mut Worksheet,
    layout: &Layout,
    top: u32,
    widths: &[f64],
) -> Result<(), XlsxError> {
    // One line with room above and below: figures read better than in Excel's default rows.
    let mut heights = vec![LINE_PT + 6.0; layout.rows];
    for p in &layout.cells {
        let Some(text) = p.content.text() else {
            continue;
        };
        let avail: f64 = widths.iter().skip(p.col).take(p.cols).sum::<f64>() - 1.0;
        let lines = (text.width_cjk() as f64 / avail.max(1.0)).ceil().max(1.0);
        let share = (lines * LINE_PT + 6.0) / p.rows as f64;
        for h in heights.iter_mut().skip(p.row).take(p.rows) {
            *h = h.max(share);
        }
    }
    for (i, h) in heights.iter().enumerate() {
        ws.set_row_height(top + i as u32, *h)?;
    }
    Ok(())
}

/// Writes a wrapped, merged text block over `cols` columns (instructions, titles); its height
/// follows the text.
pub fn text_block(
    ws: &mut Worksheet,
    row: u32,
    cols: (u16, u16),
    text: &str,
    fmt: &Format,
    widths: f64,
) -> Result<(), XlsxError> {
    if cols.1 > cols.0 {
        ws.merge_range(row, cols.0, row, cols.1, text, fmt)?;
    } else {
        ws.write_string_with_format(row, cols.0, text, fmt)?;
    }
    let lines: f64 = text
        .split('\n')
        .map(|l| {
            (l.width_cjk() as f64 / (widths - 1.0).max(1.0))
                .ceil()
                .max(1.0)
        })
        .sum();
    ws.set_row_height(row, lines * LINE_PT + 4.0)?;
    Ok(())
}

/// Print setup shared by every sheet: A4, fit to one page wide, centred, optional landscape.
pub fn print_setup(ws: &mut Worksheet, landscape: bool) {
    ws.set_paper_size(9);
    ws.set_print_fit_to_pages(1, 0);
    ws.set_print_center_horizontally(true);
    ws.set_margins(0.5, 0.5, 0.6, 0.6, 0.3, 0.3);
    if landscape {
        ws.set_landscape();
    }
}

/// Excel's longest cell text, in UTF-16 units.
pub const MAX_CELL_TEXT: usize = 32_767;
/// Excel's longest header or footer, in UTF-16 units, control codes included.
const MAX_HEADER_FOOTER: usize = 255;

/// `text` cut to at most `max` UTF-16 units, ending in “…” when cut (Excel refuses longer cell
/// text, and rust_xlsxwriter drops a too-long header with only a message on stderr).
pub fn clip(text: &str, max: usize) -> std::borrow::Cow<'_, str> {
    if text.encode_utf16().count() <= max {
        return text.into();
    }
    let mut out = String::new();
    let mut used = 1; // room for the ellipsis
    for ch in text.chars() {
        used += ch.len_utf16();
        if used > max {
            break;
        }
        out.push(ch);
    }
    out.push('…');
    out.into()
}

/// Text for a header or footer section: control characters removed, and `&` (the start of
/// Excel's codes such as `&P` or `&[Tab]`) shown as a fullwidth ＆, so text typed by an agency
/// never becomes a field code.
fn header_text(text: &str, max: usize) -> String {
    let plain: String = text
        .chars()
        .map(|c| if c == '&' { '＆' } else { c })
        .filter(|c| !c.is_control())
        .collect();
    clip(&plain, max).into_owned()
}

/// Printed header and footer in the table font: `left` and `right` in the header (e.g. the
/// agency and the table), “第 N 页，共 M 页” centred in the footer.
pub fn page_header_footer(ws: &mut Worksheet, left: &str, right: &str) {
    let font = format!("&\"{},Regular\"", XLSX_TABLE.east_asia);
    // Budget: both texts plus four font codes stay under Excel's 255 units.
    let room = MAX_HEADER_FOOTER.saturating_sub(4 * font.encode_utf16().count() + 8) / 2;
    ws.set_header(format!(
        "&L{font}{}&R{font}{}",
        header_text(left, room),
        header_text(right, room)
    ));
    ws.set_footer(format!("&C{font}第 &P 页，共 &N 页"));
}

/// A title over columns `cols` (inclusive) whose total width is `width` Excel units: merged,
/// centred, wrapped, its row as tall as its lines. Always a string, never a formula.
pub fn title_row(
    ws: &mut Worksheet,
    row: u32,
    cols: (u16, u16),
    text: &str,
    width: f64,
) -> Result<(), XlsxError> {
    let fmt = title_format().set_text_wrap();
    let text = clip(text, MAX_CELL_TEXT);
    if cols.1 > cols.0 {
        ws.merge_range(row, cols.0, row, cols.1, &text, &fmt)?;
    } else {
        ws.write_string_with_format(row, cols.0, &*text, &fmt)?;
    }
    // The title font is larger than the table font the widths are measured in.
    let scale = XLSX_TITLE.size / XLSX_TABLE.size;
    let lines = (text.width_cjk() as f64 * UNITS_PER_COLUMN * scale / (width - PADDING).max(1.0))
        .ceil()
        .clamp(1.0, 10.0);
    ws.set_row_height(row, lines * XLSX_TITLE.size * 1.4 + 10.0)?;
    Ok(())
}

/// The format of instruction blocks.
pub fn note_format() -> Format {
    font_format(&XLSX_NOTE)
        .set_text_wrap()
        .set_align(FormatAlign::Left)
        .set_align(FormatAlign::VerticalCenter)
        .set_background_color("#EEF3FA")
}

/// The format of sheet titles.
pub fn title_format() -> Format {
    font_format(&XLSX_TITLE)
        .set_align(FormatAlign::Center)
        .set_align(FormatAlign::VerticalCenter)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layout::Table;

    #[test]
    fn totals_sum_contiguous_ranges() {
        let l = Table::T3.layout();
        let mut p = Placement::default();
        for c in &l.cells {
            if let Content::Data(id) = c.content {
                p.cells.insert(id, (c.row as u32 + 3, c.col as u16));
            }
        }
        assert_eq!(
            p.sum_formula(CellId::T3(0, 6)).as_deref(),
            Some("=SUM(D7:I7)")
        );
        assert_eq!(
            p.sum_formula(CellId::T3(23, 0)).as_deref(),
            Some("=SUM(D9:D29)")
        );
        assert_eq!(p.sum_formula(CellId::T3(0, 0)), None);
    }

    #[test]
    fn short_headers_and_figures_get_room_for_one_line() {
        let l = Table::T4.layout();
        let mut f = Figures::default();
        let narrow = column_widths(&l, &f);
        // 结果维持: four Chinese characters on one line.
        assert!(narrow[0] >= 8.0 * UNITS_PER_COLUMN + PADDING);
        f.t4[0][0] = 123_456_789_012;
        let wide = column_widths(&l, &f);
        assert!(wide[0] > narrow[0] && wide[1] == narrow[1]);
    }

    #[test]
    fn clipped_text_and_header_codes() {
        assert_eq!(clip("伊美区", 3), "伊美区");
        assert_eq!(clip("伊美区教育局", 4), "伊美区…");
        assert_eq!(header_text("A&P\n", 10), "A＆P");
    }
}
