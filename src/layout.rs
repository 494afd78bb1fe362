//! The official tables as grids: every header, label and data cell with its position and merge.
//!
//! Derived from [`crate::format`], never typed again: the Word tables, the `init` workbook, the
//! Excel appendix and the batch roll-up draw the same grids, so their merges always agree with
//! the official format (reference §2–4).

use crate::format::{
    self, CellId, T2_BLOCKS, T2_HEAD, T3_APPLICANTS, T3_COLS, T3_LEGAL_PERSONS,
    T3_LEGAL_PERSON_COLS, T3_NOTE, T3_ROWS, T3_TOTAL_COL, T4_COLS, T4_GROUPS, T4_LITIGATION,
    T4_RESULTS,
};

/// Which of the three tables.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Table {
    /// 主动公开政府信息情况.
    T2,
    /// 收到和处理政府信息公开申请情况.
    T3,
    /// 政府信息公开行政复议、行政诉讼情况.
    T4,
}

impl Table {
    /// All three, in report order.
    pub const ALL: [Table; 3] = [Table::T2, Table::T3, Table::T4];

    /// The table's grid.
    pub fn layout(self) -> Layout {
        match self {
            Table::T2 => t2(),
            Table::T3 => t3(),
            Table::T4 => t4(),
        }
    }

    /// The section of the report that holds this table.
    pub fn section(self) -> &'static format::Section {
        match self {
            Table::T2 => &format::SECTIONS[1],
            Table::T3 => &format::SECTIONS[2],
            Table::T4 => &format::SECTIONS[3],
        }
    }

    /// The table's short name, e.g. 表三.
    pub fn name(self) -> &'static str {
        match self {
            Table::T2 => format::TABLE_NAMES[0],
            Table::T3 => format::TABLE_NAMES[1],
            Table::T4 => format::TABLE_NAMES[2],
        }
    }

    /// The table's title: its section heading without the numbering, e.g. 主动公开政府信息情况.
    pub fn title(self) -> &'static str {
        self.section().short
    }
}

/// What a grid cell shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Content {
    /// A column header or the table-三 note.
    Header(&'static str),
    /// A block title row of table 二 (第二十条第（X）项).
    BlockTitle(&'static str),
    /// A row label.
    Label(&'static str),
    /// A figure.
    Data(CellId),
}

impl Content {
    /// The text of a header, title or label; `None` for data.
    pub fn text(&self) -> Option<&'static str> {
        match *self {
            Content::Header(t) | Content::BlockTitle(t) | Content::Label(t) => Some(t),
            Content::Data(_) => None,
        }
    }
}

/// One cell of the grid, with its span.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Placed {
    /// Top row (0-based, within the table).
    pub row: usize,
    /// Left column (0-based, within the table).
    pub col: usize,
    /// Rows spanned (≥ 1).
    pub rows: usize,
    /// Columns spanned (≥ 1).
    pub cols: usize,
    /// What it shows.
    pub content: Content,
}

impl Placed {
    /// Whether this cell covers more than one grid cell.
    pub fn is_merged(&self) -> bool {
        self.rows > 1 || self.cols > 1
    }
}

/// A table as a grid of placed cells.
#[derive(Debug, Clone)]
pub struct Layout {
    /// Which table.
    pub table: Table,
    /// Grid rows.
    pub rows: usize,
    /// Grid columns.
    pub cols: usize,
    /// Leading rows that repeat on a new page (the column headers).
    pub header_rows: usize,
    /// Relative column widths, in characters of the table font.
    pub widths: Vec<f64>,
    /// Every cell, each grid position covered exactly once, in row-major order of top-left corners.
    pub cells: Vec<Placed>,
}

impl Layout {
    /// The grid position (row, col) of a data cell.
    pub fn position(&self, id: CellId) -> Option<(usize, usize)> {
        self.cells
            .iter()
            .find(|p| p.content == Content::Data(id))
            .map(|p| (p.row, p.col))
    }

    /// The placed cells of one grid row, left to right.
    pub fn row_cells(&self, row: usize) -> impl Iterator<Item = &Placed> {
        self.cells.iter().filter(move |p| p.row == row)
    }

    /// The placed cell covering grid position (row, col).
    pub fn covering(&self, row: usize, col: usize) -> Option<&Placed> {
        self.cells.iter().find(|p| {
            (p.row..p.row + p.rows).contains(&row) && (p.col..p.col + p.cols).contains(&col)
        })
    }

    /// What a person reads to know which figure a data cell holds: for each data cell, the row
    /// labels to its left (outermost first) and the heads above it (topmost first). As a reader
    /// does, it looks past other figures to the nearest labels (表三's heads stand over all 25
    /// rows) and stops at the figures beyond them (表二's blocks).
    pub fn paths(&self) -> Vec<(CellId, Vec<&'static str>, Vec<&'static str>)> {
        let mut at: Vec<Option<usize>> = vec![None; self.rows * self.cols];
        for (i, p) in self.cells.iter().enumerate() {
            for r in p.row..p.row + p.rows {
                for c in p.col..p.col + p.cols {
                    if let Some(slot) = at.get_mut(r * self.cols + c) {
                        *slot = Some(i);
                    }
                }
            }
        }
        // The labels met walking from a data cell over `steps` positions: figures skipped until
        // the first label, then labels until the next figure.
        let walk = |steps: &mut dyn Iterator<Item = (usize, usize)>| {
            let mut out: Vec<&'static str> = Vec::new();
            let mut last = None;
            for (r, c) in steps {
                let Some(i) = at.get(r * self.cols + c).copied().flatten() else {
                    continue;
                };
                match self.cells.get(i).map(|p| p.content) {
                    Some(Content::Data(_)) if out.is_empty() => continue,
                    Some(Content::Data(_)) | None => break,
                    Some(content) => {
                        if last != Some(i) {
                            out.extend(content.text());
                            last = Some(i);
                        }
                    }
                }
            }
            out.reverse();
            out
        };
        self.cells
            .iter()
            .filter_map(|p| match p.content {
                Content::Data(id) => {
                    let left = walk(&mut (0..p.col).rev().map(|c| (p.row, c)));
                    let up = walk(&mut (0..p.row).rev().map(|r| (r, p.col)));
                    Some((id, left, up))
                }
                _ => None,
            })
            .collect()
    }

    fn put(&mut self, row: usize, col: usize, rows: usize, cols: usize, content: Content) {
        self.cells.push(Placed {
            row,
            col,
            rows,
            cols,
            content,
        });
    }

    fn sorted(mut self) -> Self {
        self.cells.sort_by_key(|p| (p.row, p.col));
        self
    }
}

fn t2() -> Layout {
    let mut l = Layout {
        table: Table::T2,
        rows: 0,
        cols: 4,
        header_rows: 0,
        widths: vec![9.0, 8.0, 8.0, 8.0],
        cells: Vec::new(),
    };
    let mut index = 0;
    let mut r = 0;
    for block in &T2_BLOCKS {
        l.put(r, 0, 1, 4, Content::BlockTitle(block.title));
        r += 1;
        l.put(r, 0, 1, 1, Content::Header(T2_HEAD));
        // A single value column spans grid columns 2–4.
        let span = 3 / block.columns.len();
        for (c, col) in block.columns.iter().enumerate() {
            l.put(r, 1 + c * span, 1, span, Content::Header(col.label));
        }
        r += 1;
        for row in block.rows {
            l.put(r, 0, 1, 1, Content::Label(row.label));
            for c in 0..block.columns.len() {
                l.put(r, 1 + c * span, 1, span, Content::Data(CellId::T2(index)));
                index += 1;
            }
            r += 1;
        }
    }
    l.rows = r;
    l.sorted()
}

fn t3() -> Layout {
    const HEAD: usize = 3;
    const LABELS: usize = 3;
    let mut l = Layout {
        table: Table::T3,
        rows: HEAD + T3_ROWS.len(),
        cols: LABELS + T3_COLS.len(),
        header_rows: HEAD,
        widths: vec![2.5, 5.0, 11.0, 3.2, 3.2, 3.2, 3.2, 3.2, 3.2, 3.2],
        cells: Vec::new(),
    };
    l.put(0, 0, HEAD, LABELS, Content::Header(T3_NOTE));
    l.put(0, LABELS, 1, T3_COLS.len(), Content::Header(T3_APPLICANTS));
    l.put(1, LABELS, 2, 1, Content::Header(T3_COLS[0].label));
    l.put(
        1,
        LABELS + T3_LEGAL_PERSON_COLS.start,
        1,
        T3_LEGAL_PERSON_COLS.len(),
        Content::Header(T3_LEGAL_PERSONS),
    );
    for c in T3_LEGAL_PERSON_COLS {
        l.put(2, LABELS + c, 1, 1, Content::Header(T3_COLS[c].label));
    }
    l.put(
        1,
        LABELS + T3_TOTAL_COL,
        2,
        1,
        Content::Header(T3_COLS[T3_TOTAL_COL].label),
    );

    // Label columns: a label that repeats at the same depth in consecutive rows is one merged
    // cell (三、本年度办理结果 over 22 rows, （三）不予公开 over 8, …); the innermost label
    // spans the remaining label columns.
    for (i, row) in T3_ROWS.iter().enumerate() {
        for (depth, label) in row.path.iter().enumerate() {
            let continues = i > 0
                && T3_ROWS[i - 1].path.get(depth) == Some(label)
                && depth + 1 < row.path.len();
            if continues {
                continue;
            }
            let inner = depth + 1 == row.path.len();
            let down = if inner {
                1
            } else {
                1 + T3_ROWS[i + 1..]
                    .iter()
                    .take_while(|r| r.path.get(depth) == Some(label) && r.path.len() > depth + 1)
                    .count()
            };
            let across = if inner { LABELS - depth } else { 1 };
            l.put(HEAD + i, depth, down, across, Content::Label(label));
        }
        for c in 0..T3_COLS.len() {
            l.put(HEAD + i, LABELS + c, 1, 1, Content::Data(CellId::T3(i, c)));
        }
    }
    l.sorted()
}

fn t4() -> Layout {
    let mut l = Layout {
        table: Table::T4,
        rows: 4,
        cols: T4_COLS,
        header_rows: 3,
        widths: vec![2.6; T4_COLS],
        cells: Vec::new(),
    };
    let width = T4_RESULTS.len();
    l.put(0, 0, 1, width, Content::Header(T4_GROUPS[0].0.label));
    l.put(0, width, 1, T4_COLS - width, Content::Header(T4_LITIGATION));
    for (g, (group, parent)) in T4_GROUPS.iter().enumerate() {
        let left = g * width;
        if parent.is_some() {
            l.put(1, left, 1, width, Content::Header(group.label));
        }
        for (k, result) in T4_RESULTS.iter().enumerate() {
            if parent.is_some() {
                l.put(2, left + k, 1, 1, Content::Header(result.label));
            } else {
                l.put(1, left + k, 2, 1, Content::Header(result.label));
            }
            l.put(3, left + k, 1, 1, Content::Data(CellId::T4(g, k)));
        }
    }
    l.sorted()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_tiles(l: &Layout) {
        let mut seen = vec![vec![0u8; l.cols]; l.rows];
        for p in &l.cells {
            for row in seen.iter_mut().skip(p.row).take(p.rows) {
                for cell in row.iter_mut().skip(p.col).take(p.cols) {
                    *cell += 1;
                }
            }
        }
        assert!(
            seen.iter().flatten().all(|&n| n == 1),
            "{:?} does not tile its grid",
            l.table
        );
        assert_eq!(l.widths.len(), l.cols);
    }

    #[test]
    fn every_layout_tiles_its_grid() {
        for t in Table::ALL {
            assert_tiles(&t.layout());
        }
    }

    #[test]
    fn table_three_has_the_official_merges() {
        let l = Table::T3.layout();
        let find = |t: &str| {
            l.cells
                .iter()
                .find(|p| p.content.text() == Some(t))
                .copied()
        };
        let results = find("三、本年度办理结果").map(|p| (p.rows, p.cols));
        assert_eq!(results, Some((22, 1)));
        assert_eq!(
            find("（三）不予公开").map(|p| (p.rows, p.cols)),
            Some((8, 1))
        );
        assert_eq!(find("（四）无法提供").map(|p| p.rows), Some(3));
        assert_eq!(find("（五）不予处理").map(|p| p.rows), Some(5));
        assert_eq!(find("（六）其他处理").map(|p| p.rows), Some(3));
        assert_eq!(
            find("（一）予以公开").map(|p| (p.rows, p.cols)),
            Some((1, 2))
        );
        assert_eq!(find("（七）总计").map(|p| (p.rows, p.cols)), Some((1, 2)));
        assert_eq!(
            find("一、本年新收政府信息公开申请数量").map(|p| p.cols),
            Some(3)
        );
        assert_eq!(
            find(format::T3_NOTE).map(|p| (p.rows, p.cols)),
            Some((3, 3))
        );
        assert_eq!(find("申请人情况").map(|p| p.cols), Some(7));
        assert_eq!(find("法人或其他组织").map(|p| p.cols), Some(5));
        assert_eq!(find("自然人").map(|p| p.rows), Some(2));
        assert_eq!(l.position(CellId::T3(0, 0)), Some((3, 3)));
        assert_eq!(l.rows, 28);
    }

    #[test]
    fn paths_are_what_a_reader_reads() {
        let paths = Table::T3.layout().paths();
        let (left, up) = paths
            .iter()
            .find(|(id, ..)| *id == CellId::T3(format::T3_RESULTS_TOTAL, 5))
            .map(|(_, l, u)| (l.clone(), u.clone()))
            .unwrap_or_default();
        assert_eq!(left, ["三、本年度办理结果", "（七）总计"]);
        assert_eq!(up, ["申请人情况", "法人或其他组织", "其他"]);
        let paths = Table::T2.layout().paths();
        let licensing = format::t2_index("licensing", None).map(CellId::T2);
        let (left, up) = paths
            .iter()
            .find(|(id, ..)| Some(*id) == licensing)
            .map(|(_, l, u)| (l.clone(), u.clone()))
            .unwrap_or_default();
        assert_eq!(left, ["行政许可"]);
        assert_eq!(up, ["第二十条第（五）项", "本年处理决定数量"]);
        let paths = Table::T4.layout().paths();
        assert!(paths.iter().any(|(id, left, up)| *id == CellId::T4(1, 2)
            && left.is_empty()
            && *up == ["行政诉讼", "未经复议直接起诉", "其他结果"]));
    }

    #[test]
    fn tables_two_and_four_have_the_official_merges() {
        let l = Table::T2.layout();
        assert_eq!(
            l.cells
                .iter()
                .filter(|p| matches!(p.content, Content::BlockTitle(_)))
                .count(),
            4
        );
        assert_eq!(l.position(CellId::T2(6)), Some((6, 1)));
        assert_eq!(l.covering(6, 3).map(|p| p.cols), Some(3));
        assert_eq!(l.rows, 14);
        let l = Table::T4.layout();
        let spans: Vec<(usize, usize)> = l.row_cells(0).map(|p| (p.col, p.cols)).collect();
        assert_eq!(spans, vec![(0, 5), (5, 10)]);
        assert_eq!(l.covering(2, 0).map(|p| p.rows), Some(2));
        assert_eq!(l.position(CellId::T4(2, 4)), Some((3, 14)));
    }
}
