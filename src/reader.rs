//! Finding the tables, 基本信息 and 报告正文 in a workbook by their labels, not by addresses.
//!
//! The same figures come out of the workbook `init` writes and of one into which an office
//! pasted the official tables from Word: any sheet names, any position, merged label cells,
//! labels split over cells or lines, halfwidth or fullwidth punctuation, numbered prefixes.
//! Labels are compared by [`crate::label::key`]; a label split over several cells is matched on the
//! concatenation of their keys.

// Cells, bytes and text come from the input: no indexing or slicing that can panic.
#![deny(clippy::indexing_slicing)]

use crate::diagnostics::{CellRef, Diagnostic, Severity};
use crate::error::{Error, Result};
use crate::figures::{Number, T2_FEES};
use crate::finder::{self, Pos};
use crate::format::{
    self, CellId, FieldKind, InfoField, Unit, INFO_FIELDS, LAYOUT_2019_MARKERS, SECTIONS,
};
use crate::label::key;
use crate::number::{self, Parsed};
use crate::rules;
use crate::statement::{AgencyType, Date, Part, Statement};
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
    let found = finder::find(book, &|p| r.key_at(p));
    if !found.tables.iter().any(|&t| t) {
        let mut diags =
            vec![rules::READ_NO_TABLE.error("工作簿中没有找到任何统计表（表二、表三、表四）。",
        )
        .hint("请使用 report-gen init 生成的统计表，或把年报格式中的三张表原样粘贴到工作簿中。")];
        diags.extend(found.diagnostics);
        return Err(invalid(diags));
    }
    r.diags.extend(found.diagnostics);
    // Structural faults (missing or ambiguous tables, rows and cells) leave no usable figures.
    if r.diags
        .iter()
        .any(|d| d.is_error() && d.id.starts_with("READ-"))
    {
        return Err(invalid(r.diags));
    }
    let figure_findings = read_figures(book, &found.at, &mut r.st);
    r.diags.extend(figure_findings);
    r.info();
    r.narrative();
    r.characters();
    for hidden in &book.hidden {
        r.diags.push(rules::READ_HIDDEN.warning(format!(
            "已忽略隐藏的工作表“{hidden}”。如其中有需要的数据，请取消隐藏后再试。"
        )));
    }
    r.diags.extend(crate::workbook::linked_warnings(book));
    r.st.figures.compute_totals();
    let sum_findings = check_sums(book, &found.sums, &r.st);
    r.diags.extend(sum_findings);
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
        Some(Value::Text(t)) => match number::parse(t) {
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

/// The cell at a position of a book, as messages name it (`Sheet!D7`).
fn cell_at(book: &Book, p: Pos) -> CellRef {
    CellRef::new(
        book.sheets.get(p.sheet).map_or("", |s| s.name.as_str()),
        p.row,
        p.col,
    )
}

/// Reads the figure at each position the finder found (any book of grids: a workbook's sheets
/// or a published report's tables) into `st`: the figures, the totals as written
/// ([`Statement::written`]) and where each was read ([`Statement::cells`]). Blank input cells
/// read as 0 with a warning; totals that are blank count as not written. Returns the findings
/// about the cells, in the order of `at`.
pub fn read_figures(
    book: &Book,
    at: &BTreeMap<CellId, Pos>,
    st: &mut Statement,
) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    for (&id, &p) in at {
        figure(book, id, p, st, &mut diags);
    }
    diags
}

/// Reads one figure cell (see [`read_figures`]).
fn figure(book: &Book, id: CellId, p: Pos, st: &mut Statement, diags: &mut Vec<Diagnostic>) {
    let cell = cell_at(book, p);
    st.cells.insert(id, cell.clone());
    let rule = match id {
        CellId::T2(_) => &rules::R_T2_1,
        CellId::T3(..) => &rules::R_T3_5,
        CellId::T4(..) => &rules::R_T4_2,
    };
    let unit = match id {
        CellId::T2(T2_FEES) => Unit::Wan,
        _ => Unit::Count,
    };
    let value = book.sheets.get(p.sheet).and_then(|s| s.get(p.row, p.col));
    let x = match interpret(value, unit, id.is_total()) {
        Ok(Some(x)) => x,
        Ok(None) => return,
        Err(f) => {
            // Described only for a finding: most cells are fine.
            let message = format!("{}{}。", id.describe(), f.problem);
            let d = rule.report(f.severity, message).at([&cell]);
            diags.push(match f.hint {
                Some(h) => d.hint(h),
                None => d,
            });
            return;
        }
    };
    if id.is_total() {
        st.written.insert(id, x as u64);
    } else if unit == Unit::Wan {
        st.figures.set(id, Number::Wan(x));
    } else {
        st.figures.set(id, Number::Count(x as u64));
    }
}

/// Total lines a book adds where the format has none ([`finder::Sum`]): each must equal its
/// parts, read into `st` (with its totals computed) before. Returns the READ-SUM findings.
pub fn check_sums(book: &Book, sums: &[finder::Sum], st: &Statement) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    for s in sums {
        let value = book
            .sheets
            .get(s.at.sheet)
            .and_then(|sh| sh.get(s.at.row, s.at.col));
        let Ok(Some(written)) = interpret(value, Unit::Wan, true) else {
            continue;
        };
        let parts: f64 = s.parts.iter().map(|&id| st.figures.get(id).as_f64()).sum();
        if (written - parts).abs() < 1e-6 {
            continue;
        }
        let mut cells = vec![cell_at(book, s.at)];
        cells.extend(s.parts.iter().filter_map(|id| st.cells.get(id).cloned()));
        let names: Vec<String> = s.parts.iter().map(|id| id.describe()).collect();
        diags.push(
            rules::READ_SUM
                .error(format!(
                    "{} 的“{}”填的是 {written}，但{}之和为 {parts}。",
                    cell_at(book, s.at),
                    s.label,
                    names.join("、")
                ))
                .at(cells)
                .hint("请改正合计，或核对各分项。"),
        );
    }
    diags
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

    /// The key of the text cell at a position.
    fn key_at(&self, p: Pos) -> Option<&str> {
        let i = *self.at.get(&p)?;
        self.texts.get(i).map(|(.., k)| k.as_str())
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
            rules::R_X_2.error(format!(
                    "这是 2019 年试行格式（国办公开办函〔2019〕60号）的统计表：发现 {}。2021 格式（国办公开办函〔2021〕30号）的表二统计口径不同，旧表的数字无法换算成新表。",
                    list.join("、")
                ),
            )
            .at(found.iter().map(|(.., c)| c))
            .hint("请用 report-gen init 生成 2021 版统计表，按新口径重新填写。"),
        )
    }

    // -----------------------------------------------------------------------------------------
    // 基本信息

    fn info(&mut self) {
        for field in &INFO_FIELDS {
            let found = self.info_value(field);
            let Some((p, value)) = found else {
                if !self.info_elsewhere(field) {
                    self.info_missing(field);
                }
                continue;
            };
            self.st.info_cells.insert(field.id, self.cell_ref(p));
            self.info_set(field, p, value);
            if field.id == "agency" && self.st.info.agency.is_empty() {
                self.info_elsewhere(field);
            }
        }
        self.years_agree();
    }

    /// The value of a 基本信息 field: a cell labelled with it (or with an accepted other
    /// wording, warned) and the cell to its right, or a cell reading “标签：值”.
    fn info_value(&mut self, field: &InfoField) -> Option<(Pos, Value)> {
        let labels = std::iter::once((field.label, None))
            .chain(format::aliases_of(field.label).map(|a| (a.text, Some(a))));
        for (label, alias) in labels {
            let Some((label_at, at, value)) = self.labelled(label) else {
                continue;
            };
            if let Some(a) = alias {
                self.diags.push(
                    rules::READ_DEVIATION
                        .warning(format!(
                            "“{}”与统计表的“{}”不同（{}），已按“{}”读取。",
                            a.text, field.label, a.note, field.label
                        ))
                        .at([self.cell_ref(label_at)]),
                );
            }
            return Some((at, value));
        }
        None
    }

    /// The cell labelled `label` and the value to its right (after its merged range), or a cell
    /// reading “label：value”: (label cell, value cell, value).
    fn labelled(&self, label: &str) -> Option<(Pos, Pos, Value)> {
        let k = key(label);
        let beside = self.texts().find(|(_, _, t)| *t == k).and_then(|(p, ..)| {
            let sheet = self.sheet(p.sheet)?;
            let end = sheet
                .merge_at(p.row, p.col)
                .map_or(p.col, |(_, (_, c1))| c1);
            let at = Pos { col: end + 1, ..p };
            let value = sheet
                .get(at.row, at.col)
                .cloned()
                .unwrap_or(Value::Text(String::new()));
            Some((p, at, value))
        });
        if beside.is_some() {
            return beside;
        }
        let label = normalise_label(label);
        self.texts().find_map(|(p, t, _)| {
            let n = normalise_label(t);
            let rest = n.strip_prefix(&label)?;
            let rest = rest.strip_prefix([':', '：'])?;
            Some((p, p, Value::Text(rest.trim().to_string())))
        })
    }

    /// 报告年度 or 机关名称 where no field is labelled with it: a cell holding only “2024年度”,
    /// a title row “XX局2024年政府信息公开工作年度报告统计表”, the sheet name, the file name, in
    /// that order ([`format::INFO_SOURCES`]); a warning says where it was found. Whether found.
    fn info_elsewhere(&mut self, field: &InfoField) -> bool {
        let found: Option<(usize, String, Option<Pos>)> = match field.kind {
            FieldKind::Year => self
                .year_sources()
                .into_iter()
                .next()
                .map(|(s, y, p, _)| (s, y.to_string(), p)),
            FieldKind::Text if field.id == "agency" => self
                .titles()
                .into_iter()
                .find_map(|(p, title)| title.agency.map(|a| (1, a, Some(p))))
                .or_else(|| file_agency(&self.st.source).map(|a| (3, a, None))),
            _ => None,
        };
        let Some((source, value, at)) = found else {
            return false;
        };
        let place = format::INFO_SOURCES.get(source).copied().unwrap_or("");
        let place = match at {
            Some(p) => format!("{place} {}", self.cell_ref(p)),
            None if source == 2 => place.to_string(),
            None => format!("{place}“{}”", file_name(&self.st.source)),
        };
        self.diags.push(
            rules::READ_INFO
                .warning(format!(
                    "没有找到“{}”一栏，已从{place}读取为“{value}”。",
                    field.label
                ))
                .at(at.map(|p| self.cell_ref(p)))
                .hint(format!(
                    "请在“基本信息”表中填写“{}”，以免读错。",
                    field.label
                )),
        );
        if let Some(p) = at {
            self.st.info_cells.insert(field.id, self.cell_ref(p));
        }
        match field.kind {
            FieldKind::Year => self.st.info.year = value.parse().ok(),
            _ => self.st.info.agency = value,
        }
        true
    }

    /// Every place the workbook names its year, in order of preference: (source index into
    /// [`format::INFO_SOURCES`], year, cell, words).
    fn year_sources(&self) -> Vec<(usize, i32, Option<Pos>, String)> {
        let mut out: Vec<(usize, i32, Option<Pos>, String)> = Vec::new();
        for (p, t, k) in self.texts() {
            if let Some(y) = standalone_year(k) {
                out.push((0, y, Some(p), t.trim().to_string()));
            }
        }
        for (p, title) in self.titles() {
            out.push((1, title.year, Some(p), title.text));
        }
        for s in &self.book.sheets {
            if let Some(y) = year_in(&s.name) {
                out.push((2, y, None, s.name.clone()));
            }
        }
        if let Some(y) = year_in(&file_name(&self.st.source)) {
            out.push((3, y, None, file_name(&self.st.source)));
        }
        out
    }

    /// Title rows naming the report: “XX局2024年政府信息公开工作年度报告（统计表）”.
    fn titles(&self) -> Vec<(Pos, Title)> {
        self.texts()
            .filter(|(.., k)| k.contains(format::REPORT_TITLE))
            .filter_map(|(p, t, _)| title(t).map(|x| (p, x)))
            .collect()
    }

    /// Two different years in the workbook (the 报告年度 field, a year cell, a title row) are an
    /// error naming both; a file name with another year is a warning.
    fn years_agree(&mut self) {
        let Some(year) = self.st.info.year else {
            return;
        };
        let mut named: Vec<(CellRef, i32, String)> = Vec::new();
        if let Some(c) = self.st.info_cells.get("year") {
            named.push((c.clone(), year, String::new()));
        }
        let sources = self.year_sources();
        for (source, y, at, words) in &sources {
            if *source <= 1 {
                if let Some(p) = at {
                    named.push((self.cell_ref(*p), *y, words.clone()));
                }
            }
        }
        if let Some((cell, other, words)) = named.iter().find(|(_, y, _)| *y != year).cloned() {
            let first = named.first().map(|(c, ..)| c.clone());
            let shown = first.as_ref().map(ToString::to_string).unwrap_or_default();
            self.diags.push(
                rules::R_X_3
                    .error(format!(
                        "工作簿中有两个不同的年度：{shown} 为 {year} 年，{cell}“{words}”为 {other} 年。"
                    ))
                    .at(first.into_iter().chain([cell]))
                .hint("请核对报告年度，改正其中错误的一处。"),
            );
            return;
        }
        if let Some((_, y, _, name)) = sources.iter().find(|(s, y, ..)| *s == 3 && *y != year) {
            self.diags.push(
                rules::READ_INFO
                    .warning(format!(
                        "文件名“{name}”中的年度 {y} 与报告年度 {year} 不同。"
                    ))
                    .hint("请确认这是要报告的年度的统计表。"),
            );
        }
    }

    fn info_missing(&mut self, field: &InfoField) {
        let d = match field.id {
            "agency" => rules::INFO_AGENCY.error("没有填写“机关名称”。")
                .hint("请在“基本信息”表中填写机关全称，它是报告标题和落款。"),
            "year" => rules::R_X_3.error("没有填写“报告年度”。")
                .hint("请在“基本信息”表中填写四位数字年份，例如 2025。"),
            "agency_type" => rules::INFO_TYPE.warning("没有填写“机关类型”（人民政府 或 政府部门），无法判断是否须报告工作考核、社会评议和责任追究结果。",
            ),
            "date" => rules::INFO_DATE.warning("没有填写“成文日期”，报告落款将没有日期。"),
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
                let digits = k
                    .strip_suffix("年度")
                    .or_else(|| k.strip_suffix('年'))
                    .unwrap_or(&k);
                let four = digits.len() == 4 && digits.chars().all(|c| c.is_ascii_digit());
                let year = four.then(|| digits.parse::<i32>().ok()).flatten();
                match year {
                    Some(y) => info.year = Some(y),
                    None if shown.is_empty() => self.info_missing(field),
                    None => self.diags.push(
                        rules::R_X_3
                            .error(format!("“报告年度”应为四位数字年份，实际填的是“{shown}”。"))
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
                        rules::INFO_TYPE
                            .warning(format!(
                                "“机关类型”应为“人民政府”或“政府部门”，实际填的是“{shown}”。"
                            ))
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
                        rules::INFO_DATE
                            .warning(format!("“成文日期”无法识别为日期：“{shown}”。"))
                            .at([&cell])
                            .hint("请写成 2026年1月20日 的形式。"),
                    ),
                }
            }
            FieldKind::Count | FieldKind::Yuan => {
                let number = match &value {
                    Value::Number(x) => Parsed::Number(*x),
                    Value::Text(t) => number::parse(t),
                    _ => Parsed::NotANumber,
                };
                let x = match number {
                    Parsed::Number(x) if (0.0..=MAX_COUNT).contains(&x) => {
                        if field.kind == FieldKind::Count && x.fract() != 0.0 {
                            self.diags.push(
                                rules::INFO_FEE
                                    .error(format!("“{}”应为整数，实际为 {x}。", field.label))
                                    .at([&cell]),
                            );
                            return;
                        }
                        x
                    }
                    Parsed::Blank => {
                        self.diags.push(
                            rules::INFO_FEE
                                .warning(format!("“{}”未填写，按 0 读取。", field.label))
                                .at([&cell]),
                        );
                        0.0
                    }
                    _ => {
                        self.diags.push(
                            rules::INFO_FEE
                                .error(format!(
                                    "“{}”应为不小于 0 的数字，实际填的是“{shown}”。",
                                    field.label
                                ))
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
                    rules::READ_CONTROL.warning(format!(
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
                    rules::READ_FAR_CELL.warning(format!(
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
                    !c.is_whitespace()
                        && !*known
                            .entry(c)
                            .or_insert_with(|| crate::charset::in_gb2312(c))
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
                rules::READ_GB2312.warning(format!(
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
            self.diags.push(rules::READ_NARRATIVE.warning("没有找到“报告正文”表（章节、小标题、正文三列），报告的总体情况、存在的主要问题及改进情况等章节将没有内容。",
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
                            rules::READ_NARRATIVE.warning(format!("无法识别章节“{sec}”，该行已忽略。"))
                                .at([CellRef::new(&sheet.name, row, p.col)])
                                .hint("章节应为：一、总体情况；五、存在的主要问题及改进情况；六、其他需要报告的事项。"),
                        );
                    }
                    Some(i) if !SECTIONS.get(i).is_some_and(|s| s.narrative) => {
                        self.diags.push(
                            rules::READ_NARRATIVE
                                .warning(format!(
                                    "“{}”由统计表自动生成，正文表中的该行已忽略。",
                                    SECTIONS.get(i).map_or("", |s| s.heading)
                                ))
                                .at([CellRef::new(&sheet.name, row, p.col)]),
                        );
                        section = None;
                    }
                    Some(_) => {}
                }
            }
            let Some(s) = section else {
                if sec.is_empty() {
                    self.diags.push(
                        rules::READ_NARRATIVE
                            .warning("这一行没有填写章节，已忽略。")
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
                    heading: (!heading.is_empty())
                        .then(|| crate::label::strip_numbering(heading.trim()).to_string()),
                    paragraphs,
                    cell: Some(cell),
                }),
            }
        }
    }
}

/// The section a 章节 cell (or a report's heading) names: its heading, its short name or an
/// accepted other wording.
pub(crate) fn section_of(text: &str) -> Option<usize> {
    let k = key(text);
    SECTIONS.iter().position(|s| {
        key(s.heading) == k
            || key(s.short) == k
            || format::aliases_of(s.heading).any(|a| key(a.text) == k)
    })
}

/// A title row naming the report.
pub(crate) struct Title {
    pub(crate) text: String,
    pub(crate) agency: Option<String>,
    pub(crate) year: i32,
}

/// “XX局2024年政府信息公开工作年度报告统计表” → agency XX局, year 2024.
pub(crate) fn title(t: &str) -> Option<Title> {
    let n: String = crate::label::nfkc(t)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    if n.chars().count() > 60 {
        return None;
    }
    let at = n.find(format::REPORT_TITLE)?;
    let before = n.get(..at)?;
    let before = before.strip_suffix('度').unwrap_or(before);
    let before = before.strip_suffix('年')?;
    let digits: String = before
        .chars()
        .rev()
        .take_while(|c| c.is_ascii_digit())
        .collect();
    if digits.len() != 4 {
        return None;
    }
    let year: i32 = digits.chars().rev().collect::<String>().parse().ok()?;
    let agency = before
        .get(..before.len() - 4)?
        .trim_matches(|c: char| !c.is_alphanumeric());
    Some(Title {
        text: t.trim().to_string(),
        agency: (!agency.is_empty()).then(|| agency.to_string()),
        year,
    })
}

/// A cell holding only a year: “2024年度”, “2024年”.
fn standalone_year(t: &str) -> Option<i32> {
    let n: String = crate::label::nfkc(t)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    let digits = n.strip_suffix("年度").or_else(|| n.strip_suffix('年'))?;
    plausible_year(digits)
}

/// A four-digit year 2000–2100 in a name (sheet or file): “2024年报”, “统计表2024”.
fn year_in(name: &str) -> Option<i32> {
    let digits: Vec<&str> = name
        .split(|c: char| !c.is_ascii_digit())
        .filter(|d| d.len() == 4)
        .collect();
    match digits.as_slice() {
        [d] => plausible_year(d),
        _ => None,
    }
}

fn plausible_year(digits: &str) -> Option<i32> {
    let y: i32 = (digits.len() == 4).then(|| digits.parse().ok()).flatten()?;
    (2000..=2100).contains(&y).then_some(y)
}

/// The file name of a path, as text.
fn file_name(source: &str) -> String {
    std::path::Path::new(source)
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// The agency a file name gives, “伊美区教育局-2025.xlsx” → 伊美区教育局: the stem before its year,
/// without separators and words such as 统计表.
fn file_agency(source: &str) -> Option<String> {
    let stem = std::path::Path::new(source)
        .file_stem()?
        .to_string_lossy()
        .into_owned();
    let y = year_in(&stem)?;
    let at = stem.find(&y.to_string())?;
    let agency = stem
        .get(..at)?
        .trim_matches(|c: char| !c.is_alphanumeric() || c.is_ascii_digit());
    (agency.chars().count() >= 2).then(|| agency.to_string())
}

/// NFKC text without whitespace, for “标签：值” matching.
fn normalise_label(s: &str) -> String {
    crate::label::nfkc(s)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .replace('：', ":")
}

/// Parses 2026年1月20日, 2026-01-20, 2026/1/20, 2026.1.20.
pub(crate) fn parse_date(s: &str) -> Option<Date> {
    let t = crate::label::nfkc(s);
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
