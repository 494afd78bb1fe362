//! One generator for every layout a person reads at a glance (see `layouts.rs`): the official
//! tables and the same turned on their side, 表四 with its groups as rows, 表三 keyed by a code
//! column, a statistics-bureau 报表, 表二 as one flat grid, a key-value sheet; merged or not, in
//! official wording or accepted short forms, at any offset, on one sheet or several.

use super::read::read_as;
use super::samples;
use report_gen::diagnostics::Diagnostic;
use report_gen::figures::Figures;
use report_gen::format::{
    self, CellId, T2_BLOCKS, T3_COLS, T3_ROWS, T4_GROUPS, T4_LITIGATION, T4_RESULTS,
};
use report_gen::layout::{Content, Table};
use report_gen::statement::Statement;
use rust_xlsxwriter::{Format, Workbook, Worksheet};

/// How 表二 is drawn.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum T2Form {
    /// Four blocks, as the format draws them.
    Official,
    /// One grid: the six rows × the five column heads, “—” where a head does not apply, and a
    /// 合计 row under it.
    Flat,
}

/// How 表三 is drawn.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum T3Form {
    /// As the format draws it.
    Official,
    /// Turned on its side: applicant types as rows, outcomes as columns.
    Turned,
    /// A code column (一, 二, 三(一) … 四) and each row's own label beside it, no parent labels.
    Codes,
    /// A statistics-bureau 报表: 指标名称 | 代码 | 计量单位, then a column-number row 甲 乙 丙 1 2 3.
    Bureau,
}

/// How 表四 is drawn.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum T4Form {
    /// As the format draws it: groups and results as heads over one row of figures.
    Official,
    /// A data-entry sheet: the three groups as rows, 结果维持 … 总计 as columns.
    GroupsAsRows,
    /// The official table turned on its side: one column of figures.
    Turned,
}

/// One way to lay out the three tables.
#[derive(Clone, Copy, Debug)]
pub struct Form {
    pub t2: T2Form,
    pub t3: T3Form,
    pub t4: T4Form,
    /// Spanning labels merged (otherwise written in their first cell only).
    pub merges: bool,
    /// Labels written in an accepted short form where the catalogue has one.
    pub aliases: bool,
    /// Totals written (otherwise left blank, to be computed).
    pub totals: bool,
    /// All tables on one sheet (otherwise one sheet each).
    pub one_sheet: bool,
    /// Where the first table starts.
    pub at: (u32, u16),
    /// Every figure as a key-value line (指标 | 数值) instead of tables.
    pub key_value: bool,
    /// 表二's 合计 row (flat form) one more than its parts in its first column.
    pub wrong_sum: bool,
}

impl Form {
    /// The official tables, merged, in official wording.
    pub const OFFICIAL: Form = Form {
        t2: T2Form::Official,
        t3: T3Form::Official,
        t4: T4Form::Official,
        merges: true,
        aliases: false,
        totals: true,
        one_sheet: false,
        at: (0, 0),
        key_value: false,
        wrong_sum: false,
    };
}

/// A label as this form writes it: an accepted short form, when asked and one exists (not one
/// that is itself an official label, such as “（六）其他处理” standing for the single row of 2019).
fn word(label: &str, form: &Form) -> String {
    if form.aliases {
        let official: Vec<String> = Table::ALL
            .iter()
            .flat_map(|t| t.layout().cells)
            .filter_map(|p| p.content.text().map(report_gen::label::key))
            .collect();
        let short =
            format::aliases_of(label).find(|a| !official.contains(&report_gen::label::key(a.text)));
        if let Some(a) = short {
            return a.text.to_string();
        }
    }
    label.to_string()
}

/// A sheet being drawn at an offset.
struct Pen<'a> {
    ws: &'a mut Worksheet,
    top: u32,
    left: u16,
    merges: bool,
    /// Labels written otherwise: (as the format prints it, as this workbook writes it).
    rename: &'a [(&'a str, &'a str)],
}

impl Pen<'_> {
    /// Text spanning `rows` × `cols` cells: merged, or in the first cell only.
    fn text(&mut self, r: u32, c: u16, rows: u32, cols: u16, text: &str) {
        let (r, c) = (self.top + r, self.left + c);
        let text = self
            .rename
            .iter()
            .find(|(from, _)| *from == text)
            .map_or(text, |(_, to)| to);
        if self.merges && (rows > 1 || cols > 1) {
            self.ws
                .merge_range(r, c, r + rows - 1, c + cols - 1, text, &Format::new())
                .expect("merge");
        } else {
            self.ws.write_string(r, c, text).expect("write");
        }
    }

    fn number(&mut self, r: u32, c: u16, x: f64) {
        self.ws
            .write_number(self.top + r, self.left + c, x)
            .expect("write");
    }
}

/// Draws an official table, or the same turned on its side, from its layout; returns the
/// rows used.
fn official(pen: &mut Pen, table: Table, turned: bool, f: &Figures, form: &Form) -> u32 {
    let layout = table.layout();
    for p in &layout.cells {
        let (mut r, mut c, mut rows, mut cols) = (p.row, p.col, p.rows, p.cols);
        if turned {
            (r, c, rows, cols) = (c, r, cols, rows);
        }
        let (r, c, rows, cols) = (r as u32, c as u16, rows as u32, cols as u16);
        match p.content {
            Content::Data(id) if id.is_total() && !form.totals => {}
            Content::Data(id) => pen.number(r, c, f.get(id).as_f64()),
            content => {
                let text = content.text().unwrap_or("");
                pen.text(r, c, rows, cols, &word(text, form));
            }
        }
    }
    (if turned { layout.cols } else { layout.rows }) as u32
}

/// 表二 as one grid: rows × column heads, “—” where a head does not apply, a 合计 row.
fn t2_flat(pen: &mut Pen, f: &Figures, form: &Form) -> u32 {
    let mut heads: Vec<&str> = Vec::new();
    for block in &T2_BLOCKS {
        for col in block.columns {
            if !heads.contains(&col.label) {
                heads.push(col.label);
            }
        }
    }
    pen.text(0, 0, 1, 1, &word(format::T2_HEAD, form));
    for (j, h) in heads.iter().enumerate() {
        pen.text(0, 1 + j as u16, 1, 1, &word(h, form));
    }
    let mut sums = vec![0.0; heads.len()];
    let mut r = 1;
    for block in &T2_BLOCKS {
        for item in block.rows {
            pen.text(r, 0, 1, 1, &word(item.label, form));
            for (j, h) in heads.iter().enumerate() {
                let cell = format::t2_cells()
                    .find(|c| c.row_item().id == item.id && c.col_item().label == *h);
                match cell {
                    Some(c) => {
                        let x = f.get(CellId::T2(c.index)).as_f64();
                        sums[j] += x;
                        pen.number(r, 1 + j as u16, x);
                    }
                    None => pen.text(r, 1 + j as u16, 1, 1, "—"),
                }
            }
            r += 1;
        }
    }
    pen.text(r, 0, 1, 1, "合计");
    for (j, x) in sums.iter().enumerate() {
        let off = if form.wrong_sum && j == 0 { 1.0 } else { 0.0 };
        pen.number(r, 1 + j as u16, *x + off);
    }
    r + 1
}

/// The code of a 表三 row: the numbering of each label on its path (三 + (三) + 1).
fn code(row: &format::T3Row) -> String {
    row.path
        .iter()
        .map(|l| {
            let n: String = l
                .chars()
                .take_while(|c| "一二三四五六七八九十1234567890".contains(*c))
                .collect();
            if n.is_empty() {
                let inner: String = l
                    .chars()
                    .skip(1)
                    .take_while(|c| "一二三四五六七八九十".contains(*c))
                    .collect();
                format!("({inner})")
            } else {
                n
            }
        })
        .collect()
}

/// The applicant heads of 表三 in one row (parents left out).
fn applicant_heads(pen: &mut Pen, r: u32, c0: u16, form: &Form) {
    for (c, col) in T3_COLS.iter().enumerate() {
        pen.text(r, c0 + c as u16, 1, 1, &word(col.label, form));
    }
}

/// 表三 keyed by a code column: 代码 | 项目 | the seven applicant columns; rows under their own
/// label only.
fn t3_codes(pen: &mut Pen, f: &Figures, form: &Form) -> u32 {
    pen.text(0, 0, 1, 1, "代码");
    pen.text(0, 1, 1, 1, "项目");
    applicant_heads(pen, 0, 2, form);
    for (i, row) in T3_ROWS.iter().enumerate() {
        let r = 1 + i as u32;
        pen.text(r, 0, 1, 1, &code(row));
        pen.text(r, 1, 1, 1, &word(row.label(), form));
        for c in 0..T3_COLS.len() {
            let id = CellId::T3(i, c);
            if form.totals || !id.is_total() {
                pen.number(r, 2 + c as u16, f.get(id).as_f64());
            }
        }
    }
    1 + T3_ROWS.len() as u32
}

/// 表三 as a statistics-bureau 报表: 指标名称 | 代码 | 计量单位 | heads, a column-number row, then
/// one row per indicator named by its path (without the outermost 三、本年度办理结果).
fn t3_bureau(pen: &mut Pen, f: &Figures, form: &Form) -> u32 {
    for (c, h) in ["指标名称", "代码", "计量单位"].iter().enumerate() {
        pen.text(0, c as u16, 2, 1, h);
    }
    pen.text(
        0,
        3,
        1,
        T3_COLS.len() as u16,
        &word(format::T3_APPLICANTS, form),
    );
    applicant_heads(pen, 1, 3, form);
    for (c, h) in ["甲", "乙", "丙"].iter().enumerate() {
        pen.text(2, c as u16, 1, 1, h);
    }
    for c in 0..T3_COLS.len() {
        pen.number(2, 3 + c as u16, (c + 1) as f64);
    }
    for (i, row) in T3_ROWS.iter().enumerate() {
        let r = 3 + i as u32;
        let name: Vec<String> = row
            .path
            .iter()
            .skip(usize::from(row.path.len() > 1))
            .map(|l| word(l, form))
            .collect();
        pen.text(r, 0, 1, 1, &name.join(" "));
        pen.text(r, 1, 1, 1, &format!("{:02}", i + 1));
        pen.text(r, 2, 1, 1, "件");
        for c in 0..T3_COLS.len() {
            let id = CellId::T3(i, c);
            if form.totals || !id.is_total() {
                pen.number(r, 3 + c as u16, f.get(id).as_f64());
            }
        }
    }
    3 + T3_ROWS.len() as u32
}

/// 表四 with its three groups as rows and the results as columns, 行政诉讼 over the two
/// litigation groups in a column of its own.
fn t4_groups_as_rows(pen: &mut Pen, f: &Figures, form: &Form) -> u32 {
    for (k, result) in T4_RESULTS.iter().enumerate() {
        pen.text(0, 2 + k as u16, 1, 1, &word(result.label, form));
    }
    for (g, (group, parent)) in T4_GROUPS.iter().enumerate() {
        let r = 1 + g as u32;
        if parent.is_some() {
            if g == 1 {
                pen.text(r, 0, 2, 1, &word(T4_LITIGATION, form));
            }
            pen.text(r, 1, 1, 1, &word(group.label, form));
        } else {
            pen.text(r, 0, 1, 2, &word(group.label, form));
        }
        for k in 0..T4_RESULTS.len() {
            let id = CellId::T4(g, k);
            if form.totals || !id.is_total() {
                pen.number(r, 2 + k as u16, f.get(id).as_f64());
            }
        }
    }
    1 + T4_GROUPS.len() as u32
}

/// The full path of a figure, as a key-value sheet names it.
fn indicator(id: CellId, form: &Form) -> String {
    let words: Vec<String> = match id {
        CellId::T2(i) => {
            let c = format::t2_cells().nth(i).expect("cell");
            vec![c.block().title, c.row_item().label, c.col_item().label]
                .into_iter()
                .map(|l| word(l, form))
                .collect()
        }
        CellId::T3(r, c) => {
            let mut w: Vec<String> = T3_ROWS[r].path.iter().map(|l| word(l, form)).collect();
            w.push("|".into());
            w.push(word(T3_COLS[c].label, form));
            w
        }
        CellId::T4(g, k) => {
            let (group, parent) = T4_GROUPS[g];
            parent
                .into_iter()
                .chain([group.label, T4_RESULTS[k].label])
                .map(|l| word(l, form))
                .collect()
        }
    };
    words.join(" ")
}

/// Every figure as one line 指标 | 数值.
fn key_value(ws: &mut Worksheet, f: &Figures, form: &Form) {
    let (top, left) = form.at;
    ws.write_string(top, left, "指标").expect("write");
    ws.write_string(top, left + 1, "数值").expect("write");
    let mut r = top + 1;
    for id in format::all_cells() {
        if id.is_total() && !form.totals {
            continue;
        }
        ws.write_string(r, left, indicator(id, form))
            .expect("write");
        ws.write_number(r, left + 1, f.get(id).as_f64())
            .expect("write");
        r += 1;
    }
}

/// The 基本信息 lines: labelled cells, in official or other wording.
fn info(ws: &mut Worksheet, st: &Statement, form: &Form) {
    let agency = if form.aliases {
        "填报单位"
    } else {
        "机关名称"
    };
    let year = if form.aliases {
        "年度"
    } else {
        "报告年度"
    };
    ws.write_string(0, 0, agency).expect("write");
    ws.write_string(0, 1, &st.info.agency).expect("write");
    ws.write_string(1, 0, year).expect("write");
    ws.write_number(1, 1, f64::from(st.info.year.unwrap_or(2025)))
        .expect("write");
    ws.write_string(2, 0, "机关类型").expect("write");
    ws.write_string(2, 1, "政府部门").expect("write");
}

/// A workbook holding `f` in layout `form`.
pub fn workbook(st: &Statement, f: &Figures, form: &Form) -> Vec<u8> {
    workbook_with(st, f, form, &[])
}

/// [`workbook`] with some labels written otherwise.
pub fn workbook_with(st: &Statement, f: &Figures, form: &Form, rename: &[(&str, &str)]) -> Vec<u8> {
    let mut wb = Workbook::new();
    info(
        wb.add_worksheet().set_name("基本信息").expect("name"),
        st,
        form,
    );
    if form.key_value {
        key_value(
            wb.add_worksheet().set_name("数据填报").expect("name"),
            f,
            form,
        );
        return wb.save_to_buffer().expect("workbook");
    }
    let (top, left) = form.at;
    let mut next = top;
    for (i, table) in Table::ALL.iter().enumerate() {
        if !form.one_sheet || i == 0 {
            wb.add_worksheet()
                .set_name(format!("表{}", i + 2))
                .expect("name");
            next = top;
        }
        let n = wb.worksheets().len() - 1;
        let ws = wb.worksheet_from_index(n).expect("sheet");
        let mut pen = Pen {
            ws,
            top: next,
            left,
            merges: form.merges,
            rename,
        };
        let used = match (table, form) {
            (
                Table::T2,
                Form {
                    t2: T2Form::Flat, ..
                },
            ) => t2_flat(&mut pen, f, form),
            (
                Table::T3,
                Form {
                    t3: T3Form::Codes, ..
                },
            ) => t3_codes(&mut pen, f, form),
            (
                Table::T3,
                Form {
                    t3: T3Form::Bureau, ..
                },
            ) => t3_bureau(&mut pen, f, form),
            (
                Table::T3,
                Form {
                    t3: T3Form::Turned, ..
                },
            ) => official(&mut pen, *table, true, f, form),
            (
                Table::T4,
                Form {
                    t4: T4Form::GroupsAsRows,
                    ..
                },
            ) => t4_groups_as_rows(&mut pen, f, form),
            (
                Table::T4,
                Form {
                    t4: T4Form::Turned, ..
                },
            ) => official(&mut pen, *table, true, f, form),
            _ => official(&mut pen, *table, false, f, form),
        };
        next += used + 2;
    }
    wb.save_to_buffer().expect("workbook")
}

/// The errors among findings.
pub fn errors(d: &[Diagnostic]) -> Vec<&Diagnostic> {
    d.iter().filter(|d| d.is_error()).collect()
}

/// Reads `form` holding the busy sample's figures and checks they come back, without errors.
pub fn reads_back(form: Form) -> Statement {
    let st = samples::busy();
    let bytes = workbook(&st, &st.figures, &form);
    let got = read_as("版式.xlsx", &bytes).unwrap_or_else(|e| panic!("{form:?}: {e:?}"));
    assert!(
        errors(&got.diagnostics).is_empty(),
        "{form:?}: {:#?}",
        got.diagnostics
    );
    assert_eq!(got.figures, st.figures, "{form:?}");
    assert_eq!(got.info.agency, st.info.agency, "{form:?}");
    assert_eq!(got.info.year, st.info.year, "{form:?}");
    got
}
