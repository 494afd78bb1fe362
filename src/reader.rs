//! Finding the tables, 基本信息 and 报告正文 in a workbook by their labels, not by addresses.
//!
//! The same figures come out of the workbook `init` writes and of one into which an office
//! pasted the official tables from Word: any sheet names, any position, merged label cells,
//! labels split over cells or lines, halfwidth or fullwidth punctuation, numbered prefixes.
//! Labels are compared by [`text::key`]; a label split over several cells is matched on the
//! concatenation of their keys.

// Cells, bytes and text come from the input: no indexing or slicing that can panic.
#![deny(clippy::indexing_slicing)]

use crate::diagnostics::{CellRef, Diagnostic, Severity};
use crate::error::{Error, Result};
use crate::figures::{Number, T2_FEES};
use crate::format::{
    self, deviations, CellId, FieldKind, InfoField, Unit, INFO_FIELDS, LAYOUT_2019_MARKERS,
    SECTIONS, T2_BLOCKS, T3_COLS, T3_ROWS, T3_TOTAL_COL, T4_GROUPS, T4_RESULTS,
};
use crate::statement::{AgencyType, Date, Part, Statement};
use crate::text::{self, key, Parsed};
use crate::workbook::{Book, Sheet, Value};
use std::collections::{BTreeMap, HashMap};
use std::path::Path;

/// Largest figure accepted in a count cell: larger values are typing errors.
pub const MAX_COUNT: f64 = 1e9;

/// A cell this far down (row index) or right (column index) is far outside any statistics table.
const FAR_ROW: u32 = 10_000;
/// See [`FAR_ROW`].
const FAR_COL: u32 = 1_000;
/// Most cells a warning names.
const MAX_NAMED: usize = 20;

/// How far (rows) above a table's first data row its column headers may start.
const HEADER_BAND: u32 = 8;
/// How far (columns) right of a label a table's data columns may reach.
const MAX_WIDTH: u32 = 24;

/// Reads a workbook file into a statement.
pub fn read(path: &Path, limits: crate::workbook::Limits) -> Result<Statement> {
    let book = crate::workbook::open(path, limits)?;
    from_book(path, &book)
}

/// Reads the statement from already opened sheets; `path` names the file in messages.
pub fn from_book(path: &Path, book: &Book) -> Result<Statement> {
    let texts: Vec<(Pos, &str, String)> = book
        .sheets
        .iter()
        .enumerate()
        .flat_map(|(sheet, s)| {
            s.cells.iter().filter_map(move |(&(row, col), v)| match v {
                Value::Text(t) => Some((Pos { sheet, row, col }, t.as_str(), key(t))),
                _ => None,
            })
        })
        .collect();
    let at = texts
        .iter()
        .enumerate()
        .map(|(i, (p, ..))| (*p, i))
        .collect();
    let mut r = Reader {
        book,
        diags: Vec::new(),
        st: Statement {
            source: path.display().to_string(),
            ..Statement::default()
        },
        texts,
        at,
    };
    let invalid = |diagnostics: Vec<Diagnostic>| Error::Invalid {
        path: path.to_path_buf(),
        diagnostics,
    };
    if let Some(d) = r.layout_2019() {
        return Err(invalid(vec![d]));
    }
    let t2 = r.table2();
    let t3 = r.table3();
    let t4 = r.table4();
    if !(t2 || t3 || t4) {
        let mut diags = vec![Diagnostic::error(
            "READ-NO-TABLE",
            "工作簿中没有找到任何统计表（表二、表三、表四）。",
        )
        .hint("请使用 report-gen init 生成的统计表，或把年报格式中的三张表原样粘贴到工作簿中。")];
        diags.extend(r.diags.into_iter().filter(|d| d.id != "READ-TABLE-MISSING"));
        return Err(invalid(diags));
    }
    // Structural faults (missing or duplicated tables and rows) leave no usable figures.
    if r.diags
        .iter()
        .any(|d| d.is_error() && d.id.starts_with("READ-"))
    {
        return Err(invalid(r.diags));
    }
    r.info();
    r.narrative();
    r.characters();
    for hidden in &book.hidden {
        r.diags.push(Diagnostic::warning(
            "READ-HIDDEN",
            format!("已忽略隐藏的工作表“{hidden}”。如其中有需要的数据，请取消隐藏后再试。"),
        ));
    }
    r.st.figures.compute_totals();
    r.st.diagnostics = r.diags;
    Ok(r.st)
}

/// What is wrong with a figure cell: a severity, the words after the cell's description, and
/// what to do.
struct Finding {
    severity: Severity,
    problem: String,
    hint: Option<&'static str>,
}

impl Finding {
    fn error(problem: String, hint: Option<&'static str>) -> Self {
        Finding {
            severity: Severity::Error,
            problem,
            hint,
        }
    }
}

/// A figure cell's value: `Ok(Some)` a valid number, `Ok(None)` a blank total (not written),
/// `Err` a finding. A blank input reads as 0 with a warning.
fn interpret(value: Option<&Value>, unit: Unit, total: bool) -> Result<Option<f64>, Finding> {
    const BLANK_HINT: Option<&str> = Some("没有发生的事项请填 0。");
    let blank = |problem: String| {
        if total {
            Ok(None)
        } else {
            Err(Finding {
                severity: Severity::Warning,
                problem,
                hint: BLANK_HINT,
            })
        }
    };
    let x = match value {
        None => return blank("是空白，按 0 读取".into()),
        Some(Value::Number(x)) => *x,
        Some(Value::Text(t)) => match text::parse_number(t) {
            Parsed::Number(x) => x,
            Parsed::Blank => return blank(format!("填的是“{}”，按 0 读取", t.trim())),
            Parsed::NotANumber => {
                return Err(Finding::error(
                    format!("应为数字，实际填的是“{}”", t.trim()),
                    Some("请填写阿拉伯数字，没有的填 0。"),
                ))
            }
        },
        Some(Value::Bool(b)) => {
            let shown = if *b { "TRUE" } else { "FALSE" };
            return Err(Finding::error(
                format!("应为数字，实际是逻辑值 {shown}"),
                None,
            ));
        }
        Some(Value::Date(d)) => {
            let shown = d.map_or_else(|| "日期".to_string(), |d| d.to_string());
            return Err(Finding::error(
                format!("应为数字，实际是日期（{shown}）"),
                Some("请把单元格格式改为“常规”或“数值”后重新输入数字。"),
            ));
        }
        Some(Value::Error(e)) => {
            return Err(Finding::error(
                format!("是公式错误 {e}"),
                Some("请改正公式或直接填写数字。"),
            ))
        }
        Some(Value::Uncached(f)) => {
            return Err(Finding::error(
                format!("是公式 ={f}，但文件中没有保存计算结果"),
                Some("请在 Excel 或 WPS 中打开此文件并保存一次（让公式算出结果）后再试。"),
            ))
        }
    };
    let problem = if !x.is_finite() {
        Some("不是有效数字".to_string())
    } else if x < 0.0 {
        Some(format!("是负数 {x}，不能小于 0"))
    } else if x > MAX_COUNT {
        Some(format!("为 {x}，大得不合理（超过 10 亿）"))
    } else if unit == Unit::Count && x.fract() != 0.0 {
        Some(format!("为 {x}，件数必须是整数"))
    } else {
        None
    };
    match problem {
        Some(p) => Err(Finding::error(p, None)),
        None => Ok(Some(x)),
    }
}

struct Reader<'a> {
    book: &'a Book,
    diags: Vec<Diagnostic>,
    st: Statement,
    /// Every text cell with its key, computed once (NFKC is the reader's dearest step).
    texts: Vec<(Pos, &'a str, String)>,
    /// Index into `texts` by position.
    at: HashMap<Pos, usize>,
}

/// A position in the book.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
struct Pos {
    sheet: usize,
    row: u32,
    col: u32,
}

impl<'a> Reader<'a> {
    fn sheet(&self, i: usize) -> Option<&'a Sheet> {
        self.book.sheets.get(i)
    }

    fn cell_ref(&self, p: Pos) -> CellRef {
        CellRef::new(
            self.sheet(p.sheet).map_or("", |s| s.name.as_str()),
            p.row,
            p.col,
        )
    }

    /// Every text cell of the book with its key.
    fn texts(&self) -> impl Iterator<Item = (Pos, &'a str, &str)> + '_ {
        self.texts.iter().map(|(p, t, k)| (*p, *t, k.as_str()))
    }

    /// The key of the text shown at a cell: its own, or its merged range's.
    fn shown_key(&self, sheet: usize, row: u32, col: u32) -> Option<&str> {
        let s = self.sheet(sheet)?;
        let (row, col) = if s.cells.contains_key(&(row, col)) {
            (row, col)
        } else {
            s.merge_at(row, col).map_or((row, col), |(o, _)| o)
        };
        let i = *self.at.get(&Pos { sheet, row, col })?;
        self.texts.get(i).map(|(.., k)| k.as_str())
    }

    /// Keys of the texts shown in a run of cells, one per merged range, empty ones skipped.
    fn fragments(&self, sheet: usize, cells: impl Iterator<Item = (u32, u32)>) -> Vec<String> {
        let Some(s) = self.sheet(sheet) else {
            return Vec::new();
        };
        let mut out: Vec<String> = Vec::new();
        let mut last_origin = None;
        for (row, col) in cells {
            let origin = s.merge_at(row, col).map_or((row, col), |(o, _)| o);
            if last_origin == Some(origin) {
                continue;
            }
            last_origin = Some(origin);
            if let Some(k) = self.shown_key(sheet, row, col) {
                if !k.is_empty() {
                    out.push(k.to_string());
                }
            }
        }
        out
    }

    // -----------------------------------------------------------------------------------------
    // 2019 trial layout

    fn layout_2019(&self) -> Option<Diagnostic> {
        let markers: Vec<(String, &str, &str)> = LAYOUT_2019_MARKERS
            .iter()
            .map(|(label, why)| (key(label), *label, *why))
            .collect();
        let mut found: Vec<(&str, &str, CellRef)> = Vec::new();
        for (pos, _, k) in self.texts() {
            if let Some((_, label, why)) = markers.iter().find(|(mk, ..)| *mk == k) {
                if !found.iter().any(|(l, ..)| l == label) {
                    found.push((label, why, self.cell_ref(pos)));
                }
            }
        }
        if found.is_empty() {
            return None;
        }
        let list: Vec<String> = found
            .iter()
            .map(|(l, why, _)| format!("“{l}”（{why}）"))
            .collect();
        Some(
            Diagnostic::error(
                "R-X-2",
                format!(
                    "这是 2019 年试行格式（国办公开办函〔2019〕60号）的统计表：发现 {}。2021 格式（国办公开办函〔2021〕30号）的表二统计口径不同，旧表的数字无法换算成新表。",
                    list.join("、")
                ),
            )
            .at(found.iter().map(|(.., c)| c.to_string()))
            .hint("请用 report-gen init 生成 2021 版统计表，按新口径重新填写。"),
        )
    }

    // -----------------------------------------------------------------------------------------
    // Cells as figures

    /// Reads one figure cell. Blank input cells read as 0 with a warning; totals that are blank
    /// count as not written.
    fn figure(&mut self, id: CellId, p: Pos) {
        let cell = self.cell_ref(p);
        self.st.cells.insert(id, cell.clone());
        let rule = match id {
            CellId::T2(_) => "R-T2-1",
            CellId::T3(..) => "R-T3-5",
            CellId::T4(_) => "R-T4-2",
        };
        let unit = match id {
            CellId::T2(T2_FEES) => Unit::Wan,
            _ => Unit::Count,
        };
        let value = self.sheet(p.sheet).and_then(|s| s.get(p.row, p.col));
        let x = match interpret(value, unit, id.is_total()) {
            Ok(Some(x)) => x,
            Ok(None) => return,
            Err(f) => {
                // Described only for a finding: most cells are fine.
                let message = format!("{}{}。", id.describe(), f.problem);
                let d = match f.severity {
                    Severity::Error => Diagnostic::error(rule, message),
                    Severity::Warning => Diagnostic::warning(rule, message),
                };
                let d = d.at([&cell]);
                self.diags.push(match f.hint {
                    Some(h) => d.hint(h),
                    None => d,
                });
                return;
            }
        };
        if id.is_total() {
            self.st.written.insert(id, x as u64);
        } else if unit == Unit::Wan {
            self.st.figures.set(id, Number::Wan(x));
        } else {
            self.st.figures.set(id, Number::Count(x as u64));
        }
    }

    fn missing_table(&mut self, table: &str, what: &str) {
        self.diags.push(
            Diagnostic::error("READ-TABLE-MISSING", format!("没有找到{table}：{what}。")).hint(
                "请确认表格的行名、列名与年报格式一致（可用 report-gen init 生成标准统计表）。",
            ),
        );
    }

    fn duplicate_table(&mut self, table: &str, places: &[Pos]) {
        let cells: Vec<CellRef> = places.iter().map(|&p| self.cell_ref(p)).collect();
        self.diags.push(
            Diagnostic::error(
                "READ-TABLE-DUPLICATE",
                format!(
                    "工作簿中有 {} 张{table}，无法确定以哪一张为准。",
                    places.len()
                ),
            )
            .at(cells)
            .hint("请删除多余的表格，只保留一张。"),
        );
    }

    // -----------------------------------------------------------------------------------------
    // Table 三

    fn table3(&mut self) -> bool {
        let anchor_key = key(T3_ROWS[format::T3_NEW].label());
        // Anchors: the end of a run of text cells in a row whose joined keys end with row 一.
        let mut tables: Vec<(Pos, BTreeMap<usize, u32>)> = Vec::new();
        for (si, sheet) in self.book.sheets.iter().enumerate() {
            let mut run: Option<(u32, u32, String)> = None; // (row, first col, joined)
            for &(row, col) in sheet.cells.keys() {
                let k = self.shown_key(si, row, col).unwrap_or_default().to_string();
                let joined = match run.take() {
                    Some((r, c0, mut j)) if r == row && !k.is_empty() => {
                        j.push_str(&k);
                        (r, c0, j)
                    }
                    _ => (row, col, k),
                };
                if !joined.2.is_empty() && joined.2.ends_with(&anchor_key) {
                    let at = Pos {
                        sheet: si,
                        row: joined.0,
                        col: joined.1,
                    };
                    if let Some(cols) = self.t3_columns(at) {
                        tables.push((at, cols));
                    }
                }
                run = (!joined.2.is_empty()).then_some(joined);
            }
        }
        let Some((anchor, cols)) = tables.first().cloned() else {
            self.missing_table(
                "表三（收到和处理政府信息公开申请情况）",
                "需要有“一、本年新收政府信息公开申请数量”行，且其上方有“自然人”“商业企业”“科研机构”“社会公益组织”“法律服务机构”“其他”“总计”列",
            );
            return false;
        };
        if tables.len() > 1 {
            let places: Vec<Pos> = tables.iter().map(|(p, _)| *p).collect();
            self.duplicate_table("表三", &places);
            return true;
        }
        let first_data = cols.values().copied().min().unwrap_or(anchor.col + 1);
        if !cols.contains_key(&T3_TOTAL_COL) {
            self.diags.push(Diagnostic::warning(
                "READ-TOTAL-MISSING",
                "表三没有“总计”列，已按各类申请人之和计算。",
            ));
        }

        // Rows: match each row's joined label against the row labels, longest label first.
        let mut leaves: Vec<(usize, String)> =
            T3_ROWS.iter().map(|r| key(r.label())).enumerate().collect();
        leaves.sort_by_key(|(_, k)| std::cmp::Reverse(k.chars().count()));
        let partial_short = key(deviations::PARTIAL_SHORT);
        let other_single = key(deviations::OTHER_SINGLE_ROW);
        let mut found: BTreeMap<usize, u32> = BTreeMap::new();
        let mut order: Vec<usize> = Vec::new();
        let mut other_single_row: Option<u32> = None;
        // Rows start below the column heads (一 need not come first when rows are out of order).
        let start = self
            .t3_header_bottom(anchor, &cols)
            .map_or(anchor.row, |r| r + 1);
        let last = self
            .sheet(anchor.sheet)
            .and_then(Sheet::last_row)
            .unwrap_or(anchor.row);
        for row in start..=last.min(anchor.row + 40) {
            let frags = self.fragments(anchor.sheet, (anchor.col..first_data).map(|c| (row, c)));
            let joined: String = frags.concat();
            if joined.is_empty() {
                continue;
            }
            let hit = leaves
                .iter()
                .find(|(_, k)| joined.ends_with(k.as_str()))
                .map(|(i, _)| *i)
                .or_else(|| {
                    joined
                        .ends_with(&partial_short)
                        .then_some(format::T3_PARTIAL)
                });
            match hit {
                Some(i) => {
                    if let Some(&prev) = found.get(&i) {
                        let cells = [prev, row].map(|r| self.cell_ref(Pos { row: r, ..anchor }));
                        self.diags.push(
                            Diagnostic::error(
                                "READ-ROW-DUPLICATE",
                                format!("表三的{}行出现了两次。", row_name(i)),
                            )
                            .at(cells)
                            .hint("请删除重复的行。"),
                        );
                        continue;
                    }
                    found.insert(i, row);
                    order.push(i);
                    if i == format::T3_CARRIED_FORWARD {
                        break;
                    }
                }
                None if joined.ends_with(&other_single) => other_single_row = Some(row),
                None => {}
            }
        }

        // A single （六）其他处理 row (2019 habit) is counted as 3.其他.
        let sub_rows = format::T3_CLASSES[5].rows.clone();
        let mut absent_as_zero: Vec<usize> = Vec::new();
        if let Some(row) = other_single_row {
            if sub_rows.clone().all(|i| !found.contains_key(&i)) {
                self.diags.push(
                    Diagnostic::warning(
                        "READ-DEVIATION",
                        "表三只有一行“（六）其他处理”，没有分为三个子项；已计入“3.其他”。",
                    )
                    .at([self.cell_ref(Pos { row, ..anchor })])
                    .hint("2021 格式将“（六）其他处理”分为逾期不补正、逾期未缴费、其他三项，请分别填写。"),
                );
                found.insert(format::T3_OTHER_MISC, row);
                absent_as_zero.extend(sub_rows.filter(|&i| i != format::T3_OTHER_MISC));
            }
        }
        if !order.is_sorted() {
            self.diags.push(
                Diagnostic::warning(
                    "READ-ROW-ORDER",
                    "表三各行的顺序与年报格式不一致，已按行名读取。",
                )
                .at([self.cell_ref(anchor)])
                .hint("发布前请按年报格式的顺序排列。"),
            );
        }
        let missing =
            (0..T3_ROWS.len()).filter(|i| !found.contains_key(i) && !absent_as_zero.contains(i));
        for i in missing {
            if i == format::T3_RESULTS_TOTAL {
                self.diags.push(Diagnostic::warning(
                    "READ-TOTAL-MISSING",
                    "表三没有“（七）总计”行，已按各项办理结果之和计算。",
                ));
            } else {
                self.diags.push(
                    Diagnostic::error("READ-ROW-MISSING", format!("表三缺少{}行。", row_name(i)))
                        .at([self.cell_ref(anchor)])
                        .hint("请按年报格式补齐该行（没有的填 0）。"),
                );
            }
        }
        for (&i, &row) in &found {
            for (&c, &col) in &cols {
                self.figure(CellId::T3(i, c), Pos { row, col, ..anchor });
            }
        }
        true
    }

    /// The lowest row above `anchor` with text in a data column: the bottom of the column heads.
    fn t3_header_bottom(&self, anchor: Pos, cols: &BTreeMap<usize, u32>) -> Option<u32> {
        let sheet = self.sheet(anchor.sheet)?;
        (anchor.row.saturating_sub(HEADER_BAND)..anchor.row)
            .rev()
            .find(|&r| {
                cols.values()
                    .any(|&c| matches!(sheet.get(r, c), Some(Value::Text(_))))
            })
    }

    /// The data columns of table 三 whose headers stand above `anchor`'s row.
    fn t3_columns(&self, anchor: Pos) -> Option<BTreeMap<usize, u32>> {
        let top = anchor.row.saturating_sub(HEADER_BAND);
        let mut labels: Vec<(usize, String)> =
            T3_COLS.iter().map(|c| key(c.label)).enumerate().collect();
        labels.sort_by_key(|(_, k)| std::cmp::Reverse(k.chars().count()));
        let mut cols = BTreeMap::new();
        for col in anchor.col + 1..=anchor.col + MAX_WIDTH {
            let joined = self
                .fragments(anchor.sheet, (top..anchor.row).map(|r| (r, col)))
                .concat();
            if let Some((i, _)) = labels
                .iter()
                .find(|(i, k)| joined.ends_with(k.as_str()) && !cols.contains_key(i))
            {
                cols.insert(*i, col);
            }
        }
        (0..T3_TOTAL_COL)
            .all(|c| cols.contains_key(&c))
            .then_some(cols)
    }

    // -----------------------------------------------------------------------------------------
    // Table 四

    fn table4(&mut self) -> bool {
        let review = key(T4_GROUPS[0].0.label);
        let heads: Vec<Pos> = self
            .texts()
            .filter(|(_, _, k)| *k == review)
            .map(|(p, ..)| p)
            .collect();
        let tables: Vec<(Pos, u32, BTreeMap<usize, u32>)> = heads
            .into_iter()
            .filter_map(|p| self.t4_columns(p).map(|(row, cols)| (p, row, cols)))
            .collect();
        let Some((head, data_row, cols)) = tables.first().cloned() else {
            self.missing_table(
                "表四（政府信息公开行政复议、行政诉讼情况）",
                "需要有“行政复议”“行政诉讼”“未经复议直接起诉”“复议后起诉”表头，及其下的“结果维持”“结果纠正”“其他结果”“尚未审结”“总计”列",
            );
            return false;
        };
        if tables.len() > 1 {
            let places: Vec<Pos> = tables.iter().map(|(p, ..)| *p).collect();
            self.duplicate_table("表四", &places);
            return true;
        }
        for (g, (group, _)) in T4_GROUPS.iter().enumerate() {
            if !cols.contains_key(&(g * 5 + format::T4_TOTAL)) {
                self.diags.push(Diagnostic::warning(
                    "READ-TOTAL-MISSING",
                    format!("表四“{}”没有“总计”列，已按各项之和计算。", group.label),
                ));
            }
        }
        for (&i, &col) in &cols {
            self.figure(
                CellId::T4(i),
                Pos {
                    row: data_row,
                    col,
                    ..head
                },
            );
        }
        true
    }

    /// The data row and the columns of table 四 whose 行政复议 head is at `head`.
    fn t4_columns(&self, head: Pos) -> Option<(u32, BTreeMap<usize, u32>)> {
        let sheet = self.sheet(head.sheet)?;
        let span = head.col..head.col + MAX_WIDTH;
        // Header rows hold text that is not a number; the data row follows them.
        let mut data_row = head.row + 1;
        while data_row < head.row + HEADER_BAND {
            let header = span.clone().any(|c| match sheet.get(data_row, c) {
                Some(Value::Text(t)) => text::parse_number(t) == Parsed::NotANumber,
                _ => false,
            });
            if !header {
                break;
            }
            data_row += 1;
        }
        // Group starts: 行政复议 at the head; the two litigation groups where their heads are.
        let mut starts = vec![head.col];
        for (group, _) in &T4_GROUPS[1..] {
            let k = key(group.label);
            let col = span.clone().find(|&c| {
                (head.row..data_row).any(|r| self.shown_key(head.sheet, r, c) == Some(k.as_str()))
            })?;
            starts.push(col);
        }
        if !starts.is_sorted_by(|a, b| a < b) {
            return None;
        }
        let results: Vec<String> = T4_RESULTS.iter().map(|r| key(r.label)).collect();
        let mut cols = BTreeMap::new();
        for col in span {
            let g = starts.iter().rposition(|&s| s <= col).unwrap_or(0);
            let joined = self
                .fragments(head.sheet, (head.row..data_row).map(|r| (r, col)))
                .concat();
            if let Some(k) = results.iter().position(|rk| joined.ends_with(rk.as_str())) {
                cols.entry(g * 5 + k).or_insert(col);
            }
        }
        let inputs_found = (0..15)
            .filter(|i| i % 5 != format::T4_TOTAL)
            .all(|i| cols.contains_key(&i));
        inputs_found.then_some((data_row, cols))
    }

    // -----------------------------------------------------------------------------------------
    // Table 二

    fn table2(&mut self) -> bool {
        let mut any = false;
        let mut missing = Vec::new();
        for (b, block) in T2_BLOCKS.iter().enumerate() {
            for (r, item) in block.rows.iter().enumerate() {
                let mut places = self.t2_row(b, item.label);
                if places.is_empty() && item.id == "normative_documents" {
                    places = self.t2_row(b, deviations::NORMATIVE_DOCUMENTS_OLD);
                    if let Some((p, _)) = places.first() {
                        self.diags.push(
                            Diagnostic::warning(
                                "READ-DEVIATION",
                                "表二的行名写作“规范性文件”，2021 格式为“行政规范性文件”；已按“行政规范性文件”读取。",
                            )
                            .at([self.cell_ref(*p)]),
                        );
                    }
                }
                match places.as_slice() {
                    [] => missing.push(item.label),
                    [(p, cols)] => {
                        any = true;
                        for (c, &col) in cols.iter().enumerate() {
                            if let Some(index) = format::t2_cells()
                                .find(|x| x.block == b && x.row == r && x.col == c)
                            {
                                self.figure(CellId::T2(index.index), Pos { col, ..*p });
                            }
                        }
                    }
                    many => {
                        any = true;
                        let places: Vec<Pos> = many.iter().map(|(p, _)| *p).collect();
                        self.duplicate_table(&format!("表二（“{}”行）", item.label), &places);
                    }
                }
            }
        }
        if !any {
            self.missing_table(
                "表二（主动公开政府信息情况）",
                "需要有“规章”“行政规范性文件”“行政许可”“行政处罚”“行政强制”“行政事业性收费”行及其表头",
            );
            return false;
        }
        for label in missing {
            self.diags.push(
                Diagnostic::error("READ-ROW-MISSING", format!("表二缺少“{label}”行。"))
                    .hint("请按年报格式补齐该行（没有的填 0）。"),
            );
        }
        true
    }

    /// Cells labelled `label` with the value columns of block `b` in a header row above.
    fn t2_row(&self, b: usize, label: &str) -> Vec<(Pos, Vec<u32>)> {
        let Some(block) = T2_BLOCKS.get(b) else {
            return Vec::new();
        };
        let k = key(label);
        let heads: Vec<String> = block.columns.iter().map(|c| key(c.label)).collect();
        let fee_head = key("本年收费金额");
        let mut out = Vec::new();
        for (p, ..) in self.texts().filter(|(_, _, t)| *t == k) {
            let Some(sheet) = self.sheet(p.sheet) else {
                continue;
            };
            // The nearest header row above holding every column head of the block.
            let cols = (1..=3)
                .filter_map(|up| p.row.checked_sub(up))
                .find_map(|row| {
                    heads
                        .iter()
                        .map(|h| {
                            (p.col + 1..p.col + MAX_WIDTH).find(|&c| {
                                sheet.cells.contains_key(&(row, c))
                                    && self.shown_key(p.sheet, row, c).is_some_and(|tk| {
                                        tk == *h
                                            || (block.unit == Unit::Wan
                                                && tk.starts_with(&fee_head))
                                    })
                            })
                        })
                        .collect::<Option<Vec<u32>>>()
                });
            if let Some(cols) = cols {
                out.push((p, cols));
            }
        }
        out
    }

    // -----------------------------------------------------------------------------------------
    // 基本信息

    fn info(&mut self) {
        for field in &INFO_FIELDS {
            let found = self.info_value(field);
            let Some((p, value)) = found else {
                self.info_missing(field);
                continue;
            };
            self.st.info_cells.insert(field.id, self.cell_ref(p));
            self.info_set(field, p, value);
        }
    }

    /// The value of a 基本信息 field: a cell labelled with it and the next non-empty cell to its
    /// right, or a cell reading “标签：值”.
    fn info_value(&self, field: &InfoField) -> Option<(Pos, Value)> {
        let k = key(field.label);
        // The value sits in the cell right after the label (after its merged range, if any).
        let labelled = self.texts().find(|(_, _, t)| *t == k).and_then(|(p, ..)| {
            let sheet = self.sheet(p.sheet)?;
            let end = sheet
                .merge_at(p.row, p.col)
                .map_or(p.col, |(_, (_, c1))| c1);
            let at = Pos { col: end + 1, ..p };
            let value = sheet
                .get(at.row, at.col)
                .cloned()
                .unwrap_or(Value::Text(String::new()));
            Some((at, value))
        });
        if labelled.is_some() {
            return labelled;
        }
        let label = normalise_label(field.label);
        self.texts().find_map(|(p, t, _)| {
            let n = normalise_label(t);
            let rest = n.strip_prefix(&label)?;
            let rest = rest.strip_prefix([':', '：'])?;
            Some((p, Value::Text(rest.trim().to_string())))
        })
    }

    fn info_missing(&mut self, field: &InfoField) {
        let d = match field.id {
            "agency" => Diagnostic::error("INFO-AGENCY", "没有填写“机关名称”。")
                .hint("请在“基本信息”表中填写机关全称，它是报告标题和落款。"),
            "year" => Diagnostic::error("R-X-3", "没有填写“报告年度”。")
                .hint("请在“基本信息”表中填写四位数字年份，例如 2025。"),
            "agency_type" => Diagnostic::warning(
                "INFO-TYPE",
                "没有填写“机关类型”（人民政府 或 政府部门），无法判断是否须报告工作考核、社会评议和责任追究结果。",
            ),
            "date" => Diagnostic::warning("INFO-DATE", "没有填写“成文日期”，报告落款将没有日期。"),
            _ => return,
        };
        // Name the empty cell when the label was there.
        let d = d.at(self.st.info_cells.get(field.id).cloned());
        self.diags.push(d);
    }

    fn info_set(&mut self, field: &InfoField, p: Pos, value: Value) {
        let cell = self.cell_ref(p);
        let shown = match &value {
            Value::Text(t) => t.trim().to_string(),
            Value::Number(x) if x.fract() == 0.0 && x.abs() < 1e15 => format!("{}", *x as i64),
            Value::Number(x) => x.to_string(),
            Value::Date(Some(d)) => d.to_string(),
            _ => String::new(),
        };
        let info = &mut self.st.info;
        match field.kind {
            FieldKind::Text => {
                let slot = match field.id {
                    "agency" => &mut info.agency,
                    "address" => &mut info.address,
                    "postcode" => &mut info.postcode,
                    "phone" => &mut info.phone,
                    _ => &mut info.online,
                };
                *slot = shown.clone();
                if shown.is_empty() {
                    self.info_missing(field);
                }
            }
            FieldKind::Year => {
                let k = key(&shown);
                let digits = k.strip_suffix('年').unwrap_or(&k);
                let four = digits.len() == 4 && digits.chars().all(|c| c.is_ascii_digit());
                let year = four.then(|| digits.parse::<i32>().ok()).flatten();
                match year {
                    Some(y) => info.year = Some(y),
                    None if shown.is_empty() => self.info_missing(field),
                    None => self.diags.push(
                        Diagnostic::error(
                            "R-X-3",
                            format!("“报告年度”应为四位数字年份，实际填的是“{shown}”。"),
                        )
                        .at([&cell]),
                    ),
                }
            }
            FieldKind::AgencyType => {
                if shown.contains(format::AGENCY_TYPES[0]) {
                    info.agency_type = Some(AgencyType::Government);
                } else if shown.contains("部门") {
                    info.agency_type = Some(AgencyType::Department);
                } else if shown.is_empty() {
                    self.info_missing(field);
                } else {
                    self.diags.push(
                        Diagnostic::warning(
                            "INFO-TYPE",
                            format!("“机关类型”应为“人民政府”或“政府部门”，实际填的是“{shown}”。"),
                        )
                        .at([&cell]),
                    );
                }
            }
            FieldKind::Date => {
                let date = match value {
                    Value::Date(d) => d,
                    Value::Number(x) => Date::from_excel_serial(x),
                    _ => parse_date(&shown),
                };
                match date {
                    Some(d) => info.date = Some(d),
                    None if shown.is_empty() => self.info_missing(field),
                    None => self.diags.push(
                        Diagnostic::warning(
                            "INFO-DATE",
                            format!("“成文日期”无法识别为日期：“{shown}”。"),
                        )
                        .at([&cell])
                        .hint("请写成 2026年1月20日 的形式。"),
                    ),
                }
            }
            FieldKind::Count | FieldKind::Yuan => {
                let number = match &value {
                    Value::Number(x) => Parsed::Number(*x),
                    Value::Text(t) => text::parse_number(t),
                    _ => Parsed::NotANumber,
                };
                let x = match number {
                    Parsed::Number(x) if (0.0..=MAX_COUNT).contains(&x) => {
                        if field.kind == FieldKind::Count && x.fract() != 0.0 {
                            self.diags.push(
                                Diagnostic::error(
                                    "INFO-FEE",
                                    format!("“{}”应为整数，实际为 {x}。", field.label),
                                )
                                .at([&cell]),
                            );
                            return;
                        }
                        x
                    }
                    Parsed::Blank => {
                        self.diags.push(
                            Diagnostic::warning(
                                "INFO-FEE",
                                format!("“{}”未填写，按 0 读取。", field.label),
                            )
                            .at([&cell]),
                        );
                        0.0
                    }
                    _ => {
                        self.diags.push(
                            Diagnostic::error(
                                "INFO-FEE",
                                format!(
                                    "“{}”应为不小于 0 的数字，实际填的是“{shown}”。",
                                    field.label
                                ),
                            )
                            .at([&cell]),
                        );
                        return;
                    }
                };
                match field.id {
                    "fee_notices" => info.fee_notices = x as u64,
                    "fee_notice_amount" => info.fee_notice_amount = x,
                    _ => info.fee_collected = x,
                }
            }
        }
    }

    // -----------------------------------------------------------------------------------------
    // Characters and stray cells

    /// Warnings about what was read but is not as typed: control characters removed, cells far
    /// outside the tables, text the official fonts cannot show.
    fn characters(&mut self) {
        for sheet in &self.book.sheets {
            if !sheet.stripped.is_empty() {
                let cells = sheet
                    .stripped
                    .iter()
                    .take(MAX_NAMED)
                    .map(|&(r, c)| CellRef::new(&sheet.name, r, c));
                self.diags.push(
                    Diagnostic::warning(
                        "READ-CONTROL",
                        format!(
                            "工作表“{}”有 {} 个单元格含不可见的控制字符，已删除。",
                            sheet.name,
                            sheet.stripped.len()
                        ),
                    )
                    .at(cells)
                    .hint("这些字符通常是从网页或其他系统复制时带入的，删除后不影响内容；请在原表中一并删除。"),
                );
            }
            let is_far = |&&(r, c): &&(u32, u32)| r >= FAR_ROW || c >= FAR_COL;
            let count = sheet.cells.keys().filter(is_far).count();
            let far: Vec<CellRef> = sheet
                .cells
                .keys()
                .filter(is_far)
                .take(MAX_NAMED)
                .map(|&(r, c)| CellRef::new(&sheet.name, r, c))
                .collect();
            if let Some(first) = far.first() {
                self.diags.push(
                    Diagnostic::warning(
                        "READ-FAR-CELL",
                        format!(
                            "{first} 有内容，远在统计表之外（共 {count} 处），已忽略。"
                        ),
                    )
                    .at(&far)
                    .hint("如是误填，请删除这些单元格（在 Excel/WPS 中按 Ctrl+End 可找到最远的一个）。"),
                );
            }
        }
        let info = &self.st.info;
        let mut texts: Vec<(Option<CellRef>, &str)> = [
            ("agency", &info.agency),
            ("address", &info.address),
            ("online", &info.online),
        ]
        .into_iter()
        .map(|(id, t)| (self.st.info_cells.get(id).cloned(), t.as_str()))
        .collect();
        for part in self.st.narrative.sections.iter().flatten() {
            let lines = part.heading.iter().chain(&part.paragraphs);
            texts.extend(lines.map(|t| (part.cell.clone(), t.as_str())));
        }
        let mut found: Vec<(Option<CellRef>, Vec<char>)> = Vec::new();
        // Narrative repeats its characters: look each one up once.
        let mut known: HashMap<char, bool> = HashMap::new();
        for (cell, t) in texts {
            let outside: Vec<char> = t
                .chars()
                .filter(|&c| {
                    !c.is_whitespace() && !*known.entry(c).or_insert_with(|| text::in_gb2312(c))
                })
                .collect();
            let slot = match found.iter_mut().find(|(c, _)| *c == cell) {
                Some(slot) => slot,
                None => {
                    found.push((cell, Vec::new()));
                    match found.last_mut() {
                        Some(slot) => slot,
                        None => continue,
                    }
                }
            };
            for c in outside {
                if !slot.1.contains(&c) {
                    slot.1.push(c);
                }
            }
        }
        for (cell, chars) in found.into_iter().filter(|(_, c)| !c.is_empty()) {
            let shown: Vec<String> = chars
                .iter()
                .take(MAX_NAMED)
                .map(|c| format!("“{c}”"))
                .collect();
            self.diags.push(
                Diagnostic::warning(
                    "READ-GB2312",
                    format!(
                        "有 GB2312 字符集以外的字 {}：公文字体（仿宋_GB2312、楷体_GB2312）中没有这些字，Word 会换用其他字体显示，或显示为方框。",
                        shown.join("")
                    ),
                )
                .at(cell)
                .hint("请确认是否误输入；确需使用的生僻字，定稿前请检查显示和打印效果。"),
            );
        }
    }

    // -----------------------------------------------------------------------------------------
    // 报告正文

    fn narrative(&mut self) {
        let [section_head, heading_head, body_head] = format::NARRATIVE_HEADS.map(key);
        // The header row: 章节, 小标题 and 正文 in one row of one sheet.
        let header = self
            .texts()
            .filter(|(_, _, k)| *k == section_head)
            .find_map(|(p, ..)| {
                let sheet = self.sheet(p.sheet)?;
                let find = |h: &String| {
                    sheet
                        .cells
                        .range((p.row, p.col.saturating_add(1))..=(p.row, p.col.saturating_add(8)))
                        .find(|(&(row, col), _)| {
                            self.shown_key(p.sheet, row, col) == Some(h.as_str())
                        })
                        .map(|(&(_, c), _)| c)
                };
                Some((p, find(&heading_head)?, find(&body_head)?))
            });
        let Some((p, heading_col, body_col)) = header else {
            self.diags.push(Diagnostic::warning(
                "READ-NARRATIVE",
                "没有找到“报告正文”表（章节、小标题、正文三列），报告的总体情况、存在的主要问题及改进情况等章节将没有内容。",
            ));
            return;
        };
        let Some(sheet) = self.sheet(p.sheet) else {
            return;
        };
        // Only the rows below the header that hold something (a stray cell far below costs
        // nothing).
        let mut rows: Vec<u32> = sheet
            .cells
            .range((p.row.saturating_add(1), 0)..)
            .map(|(&(r, _), _)| r)
            .collect();
        rows.dedup();
        let mut section: Option<usize> = None;
        for row in rows {
            let at = |c: u32| match sheet.get(row, c) {
                Some(Value::Text(t)) => t.trim().to_string(),
                Some(Value::Number(x)) => x.to_string(),
                _ => String::new(),
            };
            let (sec, heading, body) = (at(p.col), at(heading_col), at(body_col));
            if sec.is_empty() && heading.is_empty() && body.is_empty() {
                continue;
            }
            let cell = CellRef::new(&sheet.name, row, body_col);
            if !sec.is_empty() {
                section = section_of(&sec);
                match section {
                    None => {
                        self.diags.push(
                            Diagnostic::warning("READ-NARRATIVE", format!("无法识别章节“{sec}”，该行已忽略。"))
                                .at([CellRef::new(&sheet.name, row, p.col)])
                                .hint("章节应为：一、总体情况；五、存在的主要问题及改进情况；六、其他需要报告的事项。"),
                        );
                    }
                    Some(i) if !SECTIONS.get(i).is_some_and(|s| s.narrative) => {
                        self.diags.push(
                            Diagnostic::warning(
                                "READ-NARRATIVE",
                                format!(
                                    "“{}”由统计表自动生成，正文表中的该行已忽略。",
                                    SECTIONS.get(i).map_or("", |s| s.heading)
                                ),
                            )
                            .at([CellRef::new(
                                &sheet.name,
                                row,
                                p.col,
                            )]),
                        );
                        section = None;
                    }
                    Some(_) => {}
                }
            }
            let Some(s) = section else {
                if sec.is_empty() {
                    self.diags.push(
                        Diagnostic::warning("READ-NARRATIVE", "这一行没有填写章节，已忽略。")
                            .at([CellRef::new(&sheet.name, row, p.col)]),
                    );
                }
                continue;
            };
            let paragraphs: Vec<String> = body
                .split('\n')
                .map(|l| l.trim().trim_start_matches('\u{3000}').trim().to_string())
                .filter(|l| !l.is_empty())
                .collect();
            let Some(parts) = self.st.narrative.sections.get_mut(s) else {
                continue;
            };
            match (heading.is_empty(), parts.last_mut()) {
                // A row without a sub-heading continues the part above it.
                (true, Some(last)) => last.paragraphs.extend(paragraphs),
                _ => parts.push(Part {
                    heading: (!heading.is_empty()).then(|| strip_numbering(&heading).to_string()),
                    paragraphs,
                    cell: Some(cell),
                }),
            }
        }
    }
}

/// The name of a row of table 三, for messages.
fn row_name(i: usize) -> String {
    T3_ROWS.get(i).map_or_else(String::new, |r| r.describe())
}

/// The section a 章节 cell names.
fn section_of(text: &str) -> Option<usize> {
    let k = key(text);
    SECTIONS.iter().position(|s| {
        key(s.heading) == k || key(s.short) == k || s.variants.iter().any(|v| key(v) == k)
    })
}

/// A sub-heading without the numbering the user may have typed (“（一）”, “一、”, “1.”).
pub fn strip_numbering(s: &str) -> &str {
    let t = s.trim();
    let numeral = |c: char| {
        "一二三四五六七八九十".contains(c) || c.is_ascii_digit() || ('０'..='９').contains(&c)
    };
    for (open, close) in [('（', '）'), ('(', ')')] {
        if let Some(rest) = t.strip_prefix(open) {
            if let Some(end) = rest.find(close) {
                if rest[..end].chars().all(numeral) && end > 0 {
                    return rest[end + close.len_utf8()..].trim_start();
                }
            }
        }
    }
    let end = t.find(|c: char| !numeral(c)).unwrap_or(t.len());
    if end > 0 {
        let rest = &t[end..];
        for sep in ['、', '.', '．'] {
            if let Some(r) = rest.strip_prefix(sep) {
                return r.trim_start();
            }
        }
    }
    t
}

/// NFKC text without whitespace, for “标签：值” matching.
fn normalise_label(s: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    s.nfkc()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .replace('：', ":")
}

/// Parses 2026年1月20日, 2026-01-20, 2026/1/20, 2026.1.20.
fn parse_date(s: &str) -> Option<Date> {
    use unicode_normalization::UnicodeNormalization;
    let t: String = s.nfkc().collect();
    let nums: Vec<&str> = t
        .split(|c: char| !c.is_ascii_digit())
        .filter(|p| !p.is_empty())
        .collect();
    match nums.as_slice() {
        [y, m, d] if y.len() == 4 => Date::new(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headings_lose_typed_numbering() {
        assert_eq!(
            strip_numbering("（一）政府信息主动公开情况"),
            "政府信息主动公开情况"
        );
        assert_eq!(
            strip_numbering("(二) 依法规范依申请公开"),
            "依法规范依申请公开"
        );
        assert_eq!(strip_numbering("三、平台建设"), "平台建设");
        assert_eq!(strip_numbering("1.主动公开"), "主动公开");
        assert_eq!(strip_numbering("主动公开"), "主动公开");
        assert_eq!(strip_numbering("三安全"), "三安全");
    }

    #[test]
    fn dates_in_office_forms() {
        assert_eq!(parse_date("2026年1月20日"), Date::new(2026, 1, 20));
        assert_eq!(parse_date("2026-01-20"), Date::new(2026, 1, 20));
        assert_eq!(parse_date("２０２６．１．２０"), Date::new(2026, 1, 20));
        assert_eq!(parse_date("1月20日"), None);
    }

    #[test]
    fn sections_by_heading_or_variant() {
        assert_eq!(section_of("一、总体情况"), Some(0));
        assert_eq!(section_of("总体情况"), Some(0));
        assert_eq!(
            section_of("五、政府信息公开工作存在的主要问题及改进情况"),
            Some(4)
        );
        assert_eq!(section_of("六、其他需要报告的事项"), Some(5));
        assert_eq!(section_of("七、附录"), None);
    }
}
