//! A published report read into a [`Statement`], as the workbook reader reads a workbook: the
//! figures from its tables (through the one label finder), 基本信息 from its title, preamble and
//! signature, and the narrative from the paragraphs under its six section headings. On the way,
//! what only a document can get wrong: its sections (R-X-1) and its years (R-X-3).
//!
//! The text is read line by line: a portal page often holds a whole report in one block with
//! line breaks (`<br>`), and a heading is a line. Lines are named in positions by
//! [`paragraph_ref`], a cell reference that [`super::locate::Locator`] turns into the words a
//! reader uses (“第12段”, “第3段第2行”).

// Cells, bytes and text come from the input: no indexing or slicing that can panic.
#![deny(clippy::indexing_slicing)]

use super::locate::{GridInfo, Locator, ParagraphInfo, Role};
use crate::diagnostics::{CellRef, Diagnostic};
use crate::document::{Block, Document, Paragraph};
use crate::finder::{self, Found};
use crate::format::{self, CellId, REPORT_TITLE, SECTIONS, SECTION_WORDS};
use crate::label::{self, key};
use crate::layout::Table;
use crate::reader;
use crate::rules;
use crate::statement::{AgencyType, Date, Part, Statement};
use crate::workbook::Book;
use std::ops::Range;

/// The sheet name of the cell references that stand for paragraphs (row = paragraph number).
pub(super) const PARAGRAPH: &str = "段";
/// A section heading is one short line.
const MAX_HEADING_CHARS: usize = 50;
/// A sub-heading （一）… is at most this long; a longer paragraph opening with （一） is a
/// sub-heading run into its text when a full stop or colon comes within this many characters.
const MAX_SUB_HEADING_CHARS: usize = 30;
/// A title is one short line.
const MAX_TITLE_CHARS: usize = 60;
/// The title is among the first paragraphs.
const TITLE_WITHIN: usize = 8;
/// The signature is among the last paragraphs.
const SIGNATURE_WITHIN: usize = 4;
/// A line naming the agency (above the title, in the signature) is short.
const MAX_AGENCY_CHARS: usize = 40;

/// The reference of the line at `at` among the document's lines.
pub(super) fn paragraph_ref(at: usize) -> CellRef {
    CellRef::new(PARAGRAPH, at as u32, 0)
}

/// A report read: what it states, and what reading it found.
pub(crate) struct Reading {
    /// The statement the checks run on; its narrative holds sections 一, 五 and 六.
    pub statement: Statement,
    /// The sentences before the tables (sections 二 to 四): checked against the figures
    /// (R-X-4), but not compared with last year's (they are the same every year).
    pub lead: Vec<Part>,
    /// Which tables' figures can be checked: found, and without a structural error.
    pub usable: [bool; 3],
    /// Findings of reading, in order: sections and years, the tables' structure, cells.
    pub findings: Vec<Diagnostic>,
    /// Positions as a reader finds them.
    pub locator: Locator,
}

/// One section heading found: its paragraph (index into the paragraphs), its section, how it
/// is written.
#[derive(Debug, Clone)]
struct Heading {
    at: usize,
    section: usize,
    /// The numbering written before it (“一”, “1”), if any.
    numeral: String,
    /// The accepted other wording it uses, if not the canonical one.
    alias: Option<&'static format::Alias>,
}

/// Reads a document.
pub(crate) fn read(doc: Document) -> Reading {
    let source = crate::files::display(&doc.source);
    let meta_title = doc.title;
    // Every line of every paragraph, with (its line, the paragraph's lines).
    let mut paras: Vec<Paragraph> = Vec::new();
    let mut lines: Vec<(usize, usize)> = Vec::new();
    let mut sheets = Vec::new();
    let mut grids: Vec<GridInfo> = Vec::new();
    for block in doc.blocks {
        match block {
            Block::Paragraph(p) => {
                let n = p.text.lines().count();
                if n <= 1 {
                    lines.push((0, 1));
                    paras.push(p);
                    continue;
                }
                for (k, line) in p.text.lines().enumerate() {
                    lines.push((k, n));
                    paras.push(Paragraph {
                        text: line.to_string(),
                        ..p.clone()
                    });
                }
            }
            Block::Table(t) => {
                grids.push(GridInfo {
                    index: t.index,
                    page: t.page,
                    table: None,
                });
                sheets.push(t.grid);
            }
        }
    }
    let book = Book {
        sheets,
        hidden: Vec::new(),
    };
    let found = finder::find(&book, &|_| None);
    let mut r = Reader {
        paras: &paras,
        findings: Vec::new(),
        st: Statement {
            source,
            ..Statement::default()
        },
        roles: vec![Role::Body(None); paras.len()],
    };

    // Sections (R-X-1), and the paragraphs of each.
    let headings = r.headings();
    r.sections(&headings, &found);
    let first = headings.iter().map(|h| h.at).min().unwrap_or(paras.len());
    let front = 0..first;
    r.preamble_list(front.clone());
    let regions = regions(&headings, paras.len());
    let signature = r.signature(&headings);
    let excluded = |i: usize| {
        signature
            .as_ref()
            .is_some_and(|s| s.paragraphs.contains(&i))
    };

    // 基本信息: title, period, signature, fees.
    let title = r.title(front.clone(), meta_title.as_deref());
    let period = r.period(front.clone());
    r.info(title.as_ref(), period.as_ref(), signature.as_ref());

    // Narrative: sections 一, 五, 六 for the checks; 二–四 for R-X-4 only.
    let mut lead = Vec::new();
    // The paragraphs each section's parts are named by (a finding about all of them is about
    // the section).
    let mut named: [Vec<usize>; 6] = Default::default();
    for (section, range) in &regions {
        let parts = r.parts(range.clone().filter(|&i| !excluded(i)));
        if let Some(n) = named.get_mut(*section) {
            n.extend(
                parts
                    .iter()
                    .filter_map(|p| p.cell.as_ref())
                    .map(|c| c.row as usize),
            );
        }
        match SECTIONS.get(*section) {
            Some(s) if s.narrative => {
                if let Some(slot) = r.st.narrative.sections.get_mut(*section) {
                    slot.extend(parts);
                }
            }
            _ => lead.extend(parts),
        }
    }
    r.fees();
    r.narrative_years(&lead);

    // The tables.
    if !found.tables.iter().any(|&t| t) {
        r.findings.push(
            rules::READ_NO_TABLE.error("报告中没有找到任何统计表（表二、表三、表四）。",
            )
            .hint("年度报告须以表格形式报告主动公开、依申请公开和行政复议、行政诉讼情况（2021 年报格式第二、三、四部分）。"),
        );
    }
    attribute_grids(&found, &mut grids);
    let usable = usable(&found, &grids);
    r.findings.extend(found.diagnostics.iter().cloned());
    let cell_findings = reader::read_figures(&book, &found.at, &mut r.st);
    r.findings.extend(cell_findings);
    r.st.figures.compute_totals();
    let sums = reader::check_sums(&book, &found.sums, &r.st);
    r.findings.extend(sums);

    let Reader {
        st,
        findings,
        roles,
        ..
    } = r;
    let paragraphs = paras
        .iter()
        .zip(roles)
        .zip(lines)
        .map(|((p, role), (line, of))| ParagraphInfo {
            index: p.index,
            line: (of > 1).then_some(line + 1),
            page: p.page,
            text: p.text.clone(),
            role,
        })
        .collect();
    let locator = Locator::new(grids, &found, paragraphs, &regions, named);
    Reading {
        statement: st,
        lead,
        usable,
        findings,
        locator,
    }
}

/// Each grid's table: the one most of its figures belong to.
fn attribute_grids(found: &Found, grids: &mut [GridInfo]) {
    let mut counts = vec![[0usize; 3]; grids.len()];
    for (id, pos) in &found.at {
        if let Some(c) = counts.get_mut(pos.sheet) {
            if let Some(n) = c.get_mut(table_of(*id)) {
                *n += 1;
            }
        }
    }
    for (g, c) in grids.iter_mut().zip(counts) {
        let best = (0..3).max_by_key(|&t| c.get(t).copied().unwrap_or(0));
        g.table = best
            .filter(|&t| c.get(t).is_some_and(|&n| n > 0))
            .and_then(|t| Table::ALL.get(t).copied());
    }
}

/// The index of a figure's table in [`Table::ALL`].
pub(super) fn table_of(id: CellId) -> usize {
    match id {
        CellId::T2(_) => 0,
        CellId::T3(..) => 1,
        CellId::T4(..) => 2,
    }
}

/// Which tables' figures the checks may use: found, and named by no structural error (a
/// structural error that names no table makes every table unusable, as the workbook reader
/// then reads no figures at all).
fn usable(found: &Found, grids: &[GridInfo]) -> [bool; 3] {
    let mut usable = found.tables;
    for d in &found.diagnostics {
        if !(d.is_error() && d.id.starts_with("READ-")) {
            continue;
        }
        let mut named = [false; 3];
        for (t, name) in format::TABLE_NAMES.iter().enumerate() {
            if d.message.contains(name) {
                if let Some(n) = named.get_mut(t) {
                    *n = true;
                }
            }
        }
        for cell in &d.cells {
            let sheet = cell.sheet.as_str();
            for g in grids {
                if sheet == format!("第{}个表格", g.index) {
                    if let Some(t) = g.table {
                        if let Some(n) = named.get_mut(t as usize) {
                            *n = true;
                        }
                    }
                }
            }
        }
        if !named.iter().any(|&n| n) {
            named = [true; 3];
        }
        for (u, n) in usable.iter_mut().zip(named) {
            *u &= !n;
        }
    }
    usable
}

/// Each heading's region: the paragraphs after it up to the next heading, with its section.
fn regions(headings: &[Heading], len: usize) -> Vec<(usize, Range<usize>)> {
    let mut sorted: Vec<&Heading> = headings.iter().collect();
    sorted.sort_by_key(|h| h.at);
    sorted
        .iter()
        .enumerate()
        .map(|(k, h)| {
            let end = sorted.get(k + 1).map_or(len, |n| n.at);
            (h.section, h.at + 1..end)
        })
        .collect()
}

/// The title line: the agency, the year, where each was read.
struct TitleFound {
    /// The title paragraph, if the title was read from the body (else from the metadata).
    at: Option<usize>,
    year: Option<i32>,
    agency: Option<String>,
    /// The paragraph the agency was read from, when above the title.
    agency_at: Option<usize>,
}

/// The 统计期限 the preamble states.
struct Period {
    at: usize,
    words: String,
    year: Option<i32>,
    problem: Option<String>,
}

/// The signature at the end: the agency (if written) above the date.
struct Signature {
    date: Date,
    date_at: usize,
    agency: Option<(String, usize)>,
    /// The paragraphs it takes (not narrative).
    paragraphs: Vec<usize>,
}

struct Reader<'a> {
    paras: &'a [Paragraph],
    findings: Vec<Diagnostic>,
    st: Statement,
    roles: Vec<Role>,
}

impl<'a> Reader<'a> {
    fn para(&self, i: usize) -> Option<&'a Paragraph> {
        self.paras.get(i)
    }

    fn at(&self, i: usize) -> Option<CellRef> {
        self.para(i).map(|_| paragraph_ref(i))
    }

    fn set_role(&mut self, i: usize, role: Role) {
        if let Some(r) = self.roles.get_mut(i) {
            *r = role;
        }
    }

    // -----------------------------------------------------------------------------------------
    // R-X-1: the six sections

    /// Every paragraph that is a section heading, in document order.
    fn headings(&mut self) -> Vec<Heading> {
        let candidates: Vec<(Heading, bool)> = self
            .paras
            .iter()
            .enumerate()
            .filter_map(|(i, p)| {
                section_heading(p).map(|(section, numeral, alias, bracketed)| {
                    let h = Heading {
                        at: i,
                        section,
                        numeral,
                        alias,
                    };
                    (h, bracketed)
                })
            })
            .collect();
        // “（二）主动公开政府信息情况” is a sub-heading where a plain heading names 二, and the
        // heading of 二 (wrongly numbered) where none does.
        let plain: Vec<usize> = candidates
            .iter()
            .filter(|(_, b)| !b)
            .map(|(h, _)| h.section)
            .collect();
        let found: Vec<Heading> = candidates
            .into_iter()
            .filter(|(h, bracketed)| !bracketed || !plain.contains(&h.section))
            .map(|(h, _)| h)
            .collect();
        for h in &found {
            self.set_role(h.at, Role::Heading(h.section));
        }
        found
    }

    /// R-X-1: every section present once, in order, numbered and worded as the format.
    fn sections(&mut self, headings: &[Heading], found: &Found) {
        let text = |r: &Self, h: &Heading| r.para(h.at).map_or(String::new(), |p| p.text.clone());
        // Wording and numbering of each heading.
        for h in headings {
            let Some(section) = SECTIONS.get(h.section) else {
                continue;
            };
            let written = text(self, h);
            let expected = numeral_of(section.heading);
            let at = self.at(h.at);
            if let Some(alias) = h.alias {
                self.findings.push(
                    rules::R_X_1
                        .warning(format!(
                            "章节标题“{written}”与 2021 年报格式的“{}”不同（{}）。",
                            section.heading, alias.note
                        ))
                        .at(at.clone())
                        .hint(format!("请使用规范的标题“{}”。", section.heading)),
                );
            }
            if h.numeral.is_empty() {
                self.findings.push(
                    rules::R_X_1
                        .warning(format!(
                            "章节标题“{written}”没有编号，应为“{}”。",
                            section.heading
                        ))
                        .at(at),
                );
            } else if h.numeral != expected {
                self.findings.push(
                    rules::R_X_1.warning(format!(
                            "章节标题“{written}”的编号应为“{expected}”（2021 年报格式的第{expected}部分）。"
                        ),
                    )
                    .at(at),
                );
            }
        }
        // Twice.
        for (i, section) in SECTIONS.iter().enumerate() {
            let at: Vec<&Heading> = headings.iter().filter(|h| h.section == i).collect();
            if at.len() > 1 {
                let cells: Vec<CellRef> = at.iter().filter_map(|h| self.at(h.at)).collect();
                self.findings.push(
                    rules::R_X_1
                        .error(format!("章节“{}”出现了 {} 次。", section.heading, at.len()))
                        .at(cells)
                        .hint("每个部分只应有一个标题：请删除重复的部分，或改正写错的标题。"),
                );
            }
        }
        // Out of order.
        let mut firsts: Vec<&Heading> = Vec::new();
        for h in headings {
            if !firsts.iter().any(|f| f.section == h.section) {
                firsts.push(h);
            }
        }
        let mut latest: Option<&Heading> = None;
        for h in &firsts {
            match latest {
                Some(l) if l.section > h.section => {
                    let (Some(a), Some(b)) = (SECTIONS.get(h.section), SECTIONS.get(l.section))
                    else {
                        continue;
                    };
                    self.findings.push(
                        rules::R_X_1.error(format!(
                                "章节“{}”排在“{}”之后，顺序与 2021 年报格式不符。",
                                a.heading, b.heading
                            ),
                        )
                        .at(self.at(h.at).into_iter().chain(self.at(l.at)))
                        .hint("六个部分应依次为：一、总体情况；二、主动公开政府信息情况；三、收到和处理政府信息公开申请情况；四、政府信息公开行政复议、行政诉讼情况；五、存在的主要问题及改进情况；六、其他需要报告的事项。"),
                    );
                }
                _ => latest = Some(h),
            }
        }
        // Missing.
        for (i, section) in SECTIONS.iter().enumerate() {
            if firsts.iter().any(|h| h.section == i) {
                continue;
            }
            let before = firsts
                .iter()
                .filter(|h| h.section < i)
                .max_by_key(|h| h.section);
            let after = firsts
                .iter()
                .filter(|h| h.section > i)
                .min_by_key(|h| h.section);
            let (place, cell) = match (before, after) {
                (Some(b), _) => (
                    format!(
                        "，应在“{}”一部分之后",
                        SECTIONS.get(b.section).map_or("", |s| s.heading)
                    ),
                    self.at(b.at),
                ),
                (None, Some(a)) => (
                    format!(
                        "，应在“{}”之前",
                        SECTIONS.get(a.section).map_or("", |s| s.heading)
                    ),
                    self.at(a.at),
                ),
                (None, None) => (String::new(), None),
            };
            // A section with a table whose table is there, without its heading.
            let table = Table::ALL
                .iter()
                .position(|t| t.section().id == section.id)
                .filter(|&t| found.tables.get(t).copied().unwrap_or(false));
            let note = match table.and_then(|t| Table::ALL.get(t)) {
                Some(t) => format!("（报告中有{}，但它前面没有这一部分的标题）", t.name()),
                None => String::new(),
            };
            // Where its table starts, if it is there.
            let table_cell = table.and_then(|t| {
                let pos = found.at.iter().find(|(id, _)| table_of(**id) == t)?.1;
                Some(CellRef::new(&format!("第{}个表格", pos.sheet + 1), 0, 0))
            });
            self.findings.push(
                rules::R_X_1.error(format!("报告缺少第{}部分“{}”{place}{note}。", numeral_of(section.heading), section.heading),
                )
                .at(cell.into_iter().chain(table_cell))
                .hint("2021 年报格式规定报告由六部分组成，不能遗漏；没有情况的部分也应保留标题并写明“无”或填写 0。"),
            );
        }
    }

    /// R-X-1: the preamble's “由…等六部分组成” lists every section, and six.
    fn preamble_list(&mut self, front: Range<usize>) {
        for i in front {
            let Some(p) = self.para(i) else { continue };
            let Some((list, count)) = parts_list(&p.text) else {
                continue;
            };
            let at = self.at(i);
            let missing: Vec<&str> = SECTIONS
                .iter()
                .zip(SECTION_WORDS)
                .filter(|(_, words)| !words.iter().any(|w| list.contains(w)))
                .map(|(s, _)| s.short)
                .collect();
            if !missing.is_empty() {
                let names: Vec<String> = missing.iter().map(|m| format!("“{m}”")).collect();
                self.findings.push(
                    rules::R_X_1.error(format!(
                            "前言所列的报告组成部分（“{list}”）中没有{}。",
                            names.join("、")
                        ),
                    )
                    .at(at.clone())
                    .hint("前言应列出全部六个部分：总体情况、主动公开政府信息情况、收到和处理政府信息公开申请情况、政府信息公开行政复议、行政诉讼情况、存在的主要问题及改进情况、其他需要报告的事项。"),
                );
            }
            match count {
                Some(n) if n as usize != SECTIONS.len() => self.findings.push(
                    rules::R_X_1
                        .error(format!(
                            "前言说报告由 {n} 个部分组成，2021 年报格式为六个部分。"
                        ))
                        .at(at),
                ),
                _ => {}
            }
            return;
        }
    }

    // -----------------------------------------------------------------------------------------
    // 基本信息

    /// The title: a line “XX局2025年政府信息公开工作年度报告” among the first paragraphs (the
    /// agency may stand on the line above), else the file's metadata title.
    fn title(&mut self, front: Range<usize>, meta: Option<&str>) -> Option<TitleFound> {
        let report_key = key(REPORT_TITLE);
        // Among the first paragraphs, before the first heading.
        let end = front.end.min(TITLE_WITHIN);
        for i in 0..end {
            let Some(p) = self.para(i) else { continue };
            let short = |t: &str| t.chars().count() <= MAX_TITLE_CHARS;
            // A long title wraps; in a PDF its lines are paragraphs of their own.
            let next = self
                .para(i + 1)
                .filter(|n| i + 1 < end && short(&n.text) && !n.text.contains('。'));
            let text = if short(&p.text) && key(&p.text).contains(&report_key) {
                p.text.clone()
            } else if let Some(n) = next.filter(|n| {
                // Not the agency line above a title line.
                !key(&n.text).contains(&report_key)
                    && short(&p.text)
                    && key(&format!("{}{}", p.text, n.text)).contains(&report_key)
            }) {
                self.set_role(i + 1, Role::Title);
                format!("{}{}", p.text, n.text)
            } else {
                continue;
            };
            self.set_role(i, Role::Title);
            let (agency, year) = title_of(&text);
            if year.is_none() {
                self.findings.push(
                    rules::R_X_3
                        .error(format!("标题“{text}”中没有四位数字的报告年度。"))
                        .at(self.at(i))
                        .hint("标题应写作“XX机关XXXX年政府信息公开工作年度报告”。"),
                );
            }
            let above = i
                .checked_sub(1)
                .and_then(|j| self.para(j).map(|a| (j, a)))
                .filter(|(_, a)| is_agency_line(&a.text));
            let (agency, agency_at) = match (agency, above) {
                (Some(a), _) => (Some(a), Some(i)),
                (None, Some((j, a))) => {
                    self.set_role(j, Role::Title);
                    (Some(agency_name(&a.text)), Some(j))
                }
                (None, None) => (None, None),
            };
            return Some(TitleFound {
                at: Some(i),
                year,
                agency,
                agency_at,
            });
        }
        let (agency, year) = meta
            .filter(|m| key(m).contains(&report_key))
            .map(title_of)?;
        year?;
        Some(TitleFound {
            at: None,
            year,
            agency,
            agency_at: None,
        })
    }

    /// The 统计期限 the preamble states, read.
    fn period(&mut self, front: Range<usize>) -> Option<Period> {
        let order = front
            .clone()
            .chain((0..self.paras.len()).filter(|i| !front.contains(i)));
        for i in order {
            let Some(p) = self.para(i) else { continue };
            let Some((words, year, problem)) = period_of(&p.text) else {
                continue;
            };
            return Some(Period {
                at: i,
                words,
                year,
                problem,
            });
        }
        None
    }

    /// 基本信息 from the title, the period and the signature; R-X-3 where they disagree.
    fn info(
        &mut self,
        title: Option<&TitleFound>,
        period: Option<&Period>,
        sig: Option<&Signature>,
    ) {
        let title_year = title.and_then(|t| t.year);
        // The year most of the title, the 统计期限 and the date (the year after) agree on; the
        // title's when they do not: one slip (a title left at last year's) is reported, not
        // taken for the report's year.
        let votes = [
            title_year,
            period.and_then(|p| p.year),
            sig.map(|s| s.date.year - 1),
        ];
        let count = |y: i32| votes.iter().filter(|v| **v == Some(y)).count();
        let year = votes
            .iter()
            .flatten()
            .copied()
            .fold(None, |best: Option<i32>, y| match best {
                Some(b) if count(b) >= count(y) => Some(b),
                _ => Some(y),
            });
        self.st.info.year = year;
        let title_at = title.and_then(|t| t.at).and_then(|i| self.at(i));
        match (title, title_at.clone()) {
            (None, _) => self.findings.push(
                rules::R_X_3.error("没有找到报告标题（“XX机关XXXX年政府信息公开工作年度报告”），无法确定报告年度和机关。",
                )
                .hint("报告开头应有标题，写明机关名称和报告年度。"),
            ),
            (Some(_), Some(at)) => {
                self.st.info_cells.insert("year", at.clone());
                self.st.info_cells.insert("agency_type", at);
            }
            (Some(_), None) => {}
        }
        // The agency: the title's, else the signature's.
        let agency = title
            .and_then(|t| t.agency.clone().map(|a| (a, t.agency_at)))
            .or_else(|| sig.and_then(|s| s.agency.clone().map(|(a, i)| (a, Some(i)))));
        match agency {
            Some((a, at)) => {
                if let Some(c) = at.and_then(|i| self.at(i)) {
                    self.st.info_cells.insert("agency", c);
                }
                self.st.info.agency_type = Some(if a.ends_with(format::AGENCY_TYPES[0]) {
                    AgencyType::Government
                } else {
                    AgencyType::Department
                });
                self.st.info.agency = a;
            }
            None => self.findings.push(
                rules::INFO_AGENCY
                    .error("标题和落款中都没有找到机关名称。")
                    .at(title_at.clone())
                    .hint("标题应写明机关全称，落款也应署机关名称。"),
            ),
        }
        if let (Some(t), Some(s)) = (title, sig) {
            if let (Some(a), Some((b, at))) = (&t.agency, &s.agency) {
                if key(a) != key(b) && !key(b).contains(&key(a)) && !key(a).contains(&key(b)) {
                    self.findings.push(
                        rules::INFO_AGENCY
                            .warning(format!("落款“{b}”与标题中的机关名称“{a}”不同。"))
                            .at(self.at(*at).into_iter().chain(title_at.clone()))
                            .hint("请核对机关名称：报告可能是从其他机关的报告改写的。"),
                    );
                }
            }
        }
        // 统计期限.
        match period {
            Some(p) => {
                let at = self.at(p.at);
                if let Some(problem) = &p.problem {
                    let want = year.map_or("XXXX年1月1日至12月31日".to_string(), |y| {
                        format!("{y}年1月1日至12月31日")
                    });
                    self.findings.push(
                        rules::R_X_3
                            .error(format!("统计期限“{}”写法有误：{problem}。", p.words))
                            .at(at.clone())
                            .hint(format!("应写作“统计期限为{want}”。")),
                    );
                }
                if let (Some(ty), Some(py)) = (title_year, p.year) {
                    if ty != py {
                        self.findings.push(
                            rules::R_X_3
                                .error(format!(
                                    "标题的报告年度是 {ty} 年，但统计期限“{}”是 {py} 年。",
                                    p.words
                                ))
                                .at(title_at.clone().into_iter().chain(at))
                                .hint("请核对报告年度：常见原因是沿用了上一年度的报告。"),
                        );
                    }
                }
            }
            None => {
                let want = year.map_or("XXXX年1月1日至12月31日".to_string(), |y| {
                    format!("{y}年1月1日至12月31日")
                });
                self.findings.push(
                    rules::R_X_3
                        .warning(format!("报告没有写明数据的统计期限（“{want}”）。"))
                        .hint(format!(
                            "通常在前言中写明：“报告中所列数据统计期限为{want}”。"
                        )),
                );
            }
        }
        // 成文日期.
        match sig {
            Some(s) => {
                self.st.info.date = Some(s.date);
                if let Some(c) = self.at(s.date_at) {
                    self.st.info_cells.insert("date", c);
                }
            }
            None => self.findings.push(
                rules::INFO_DATE
                    .warning("报告末尾没有找到落款日期（成文日期），无法核对是否按时发布。")
                    .hint("报告末尾应署机关名称和成文日期，例如 2026年1月20日。"),
            ),
        }
    }

    /// The signature: a date line among the last paragraphs after the last heading, with the
    /// agency on the line above.
    fn signature(&mut self, headings: &[Heading]) -> Option<Signature> {
        let last = headings.iter().map(|h| h.at + 1).max().unwrap_or(0);
        let from = last.max(self.paras.len().saturating_sub(SIGNATURE_WITHIN));
        let (i, date, lines) = (from..self.paras.len()).rev().find_map(|i| {
            let p = self.para(i)?;
            let lines: Vec<&str> = p.text.lines().collect();
            let date = date_line(lines.last()?)?;
            Some((i, date, lines))
        })?;
        let mut paragraphs = vec![i];
        let agency = match lines.len() {
            0 | 1 => i
                .checked_sub(1)
                .filter(|&j| j >= last)
                .and_then(|j| self.para(j).map(|p| (j, p.text.clone())))
                .filter(|(_, t)| is_agency_line(t))
                .map(|(j, t)| {
                    paragraphs.push(j);
                    (agency_name(&t), j)
                }),
            n => lines
                .get(n - 2)
                .filter(|t| is_agency_line(t))
                .map(|t| (agency_name(t), i)),
        };
        for &p in &paragraphs {
            self.set_role(p, Role::Signature);
        }
        Some(Signature {
            date,
            date_at: i,
            agency,
            paragraphs,
        })
    }

    /// The 信息处理费 the report states in section 六 (for R-T3-8): notices, their total and
    /// what was collected.
    fn fees(&mut self) {
        let Some(parts) = self.st.narrative.sections.get(format::SECTION_OTHER) else {
            return;
        };
        let (mut notices, mut amount, mut collected) = (None, None, None);
        for part in parts {
            for text in &part.paragraphs {
                let n = label::nfkc(text);
                let at = || part.cell.clone();
                notices =
                    notices.or(number_after(&n, "收费通知", &["件", "份"]).map(|x| (x, at())));
                amount = amount.or(number_after(&n, "总金额", &["元"]).map(|x| (x, at())));
                collected = collected.or(number_after(&n, "实际收取", &["元"]).map(|x| (x, at())));
            }
        }
        // Only what the report states as the format's statement does: an amount without the
        // notices, or a sum collected without the amount noticed, is not compared (R-T3-8
        // would otherwise find a “0” the report never wrote).
        let Some((n, at)) = notices else { return };
        self.st.info.fee_notices = n as u64;
        self.st.info_cells.extend(at.map(|c| ("fee_notices", c)));
        let Some((x, at)) = amount else { return };
        self.st.info.fee_notice_amount = x;
        self.st
            .info_cells
            .extend(at.map(|c| ("fee_notice_amount", c)));
        if let Some((y, at)) = collected {
            self.st.info.fee_collected = y;
            self.st.info_cells.extend(at.map(|c| ("fee_collected", c)));
        }
    }

    // -----------------------------------------------------------------------------------------
    // Narrative

    /// The parts of a section: one per paragraph, a sub-heading （一）… joined to the paragraph
    /// after it (so that a finding names the very paragraph).
    fn parts(&mut self, range: impl Iterator<Item = usize>) -> Vec<Part> {
        let mut parts = Vec::new();
        let mut pending: Option<(String, CellRef)> = None;
        for i in range {
            let Some(p) = self.para(i) else { continue };
            let at = paragraph_ref(i);
            match sub_heading(p) {
                Some((heading, body)) => {
                    if let Some((h, c)) = pending.take() {
                        parts.push(Part {
                            heading: Some(h),
                            paragraphs: Vec::new(),
                            cell: Some(c),
                        });
                    }
                    match body {
                        Some(body) => parts.push(Part {
                            heading: Some(heading),
                            paragraphs: vec![body],
                            cell: Some(at),
                        }),
                        None => pending = Some((heading, at)),
                    }
                }
                None => {
                    let lines: Vec<String> = p.text.lines().map(str::to_string).collect();
                    parts.push(Part {
                        heading: pending.take().map(|(h, _)| h),
                        paragraphs: lines,
                        cell: Some(at),
                    });
                }
            }
        }
        if let Some((h, c)) = pending {
            parts.push(Part {
                heading: Some(h),
                paragraphs: Vec::new(),
                cell: Some(c),
            });
        }
        parts
    }

    /// R-X-3 in the text: a sentence of 一、总体情况 or before a table that opens with another
    /// year (“2024年，我局……” in a 2025 report) was left from an earlier report.
    fn narrative_years(&mut self, lead: &[Part]) {
        let Some(year) = self.st.info.year else {
            return;
        };
        let overview = self
            .st
            .narrative
            .sections
            .get(format::SECTION_OVERVIEW)
            .cloned()
            .unwrap_or_default();
        for part in overview.iter().chain(lead) {
            for text in &part.paragraphs {
                let Some((y, sentence)) = text
                    .split_inclusive(['。', '；', '！', '？'])
                    .find_map(|s| sentence_year(s).filter(|&y| y != year).map(|y| (y, s)))
                else {
                    continue;
                };
                self.findings.push(
                    rules::R_X_3
                        .warning(format!(
                            "报告正文“{}”写的是 {y} 年，但报告年度是 {year} 年。",
                            sentence.trim()
                        ))
                        .at(part.cell.clone())
                        .hint("请核对年份：常见原因是沿用了上一年度报告的文字。"),
                );
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Recognising lines

/// The numbering that opens a heading of the format, e.g. “一” of “一、总体情况”.
fn numeral_of(heading: &str) -> &str {
    heading.split('、').next().unwrap_or("")
}

/// A section heading: its section, the numbering written before it (“一”, “第一部分”, “（一）”),
/// the alias it uses, and whether it is numbered in brackets as a sub-heading is (“（二）主动
/// 公开政府信息情况”: a section only where no plain heading names that section).
fn section_heading(p: &Paragraph) -> Option<(usize, String, Option<&'static format::Alias>, bool)> {
    let t = p.text.trim();
    if t.contains('\n') || t.chars().count() > MAX_HEADING_CHARS {
        return None;
    }
    let n = label::nfkc(t);
    let n = n.trim_start();
    if n.starts_with('【') {
        return None;
    }
    let numerals =
        |s: &str| -> String { s.chars().take_while(|&c| label::is_numeral(c)).collect() };
    // 第一部分 总体情况
    let part = n.strip_prefix('第').and_then(|rest| {
        let x = numerals(rest);
        let after = rest.get(x.len()..)?.strip_prefix("部分")?;
        (!x.is_empty()).then(|| (format!("第{x}部分"), after))
    });
    let bracketed = n.starts_with('(');
    let (numeral, words) = match part {
        Some((x, after)) => (x, after),
        None if bracketed => {
            let rest = n.get(1..).unwrap_or("");
            let x = numerals(rest);
            (format!("（{x}）"), n)
        }
        None => (numerals(n), n),
    };
    let section = reader::section_of(words)?;
    let s = SECTIONS.get(section)?;
    let k = key(words);
    let alias = if k == key(s.heading) {
        None
    } else {
        format::aliases_of(s.heading).find(|a| key(a.text) == k)
    };
    Some((section, numeral, alias, bracketed))
}

/// A sub-heading （一）…: its words (numbering and closing punctuation removed) and, when it
/// runs into its text (“（一）主动公开。本年度……”), that text.
fn sub_heading(p: &Paragraph) -> Option<(String, Option<String>)> {
    let t = p.text.trim();
    let n = label::nfkc(t);
    let numbered = n.trim_start().strip_prefix('(').is_some_and(|rest| {
        rest.find(')').is_some_and(|end| {
            end > 0
                && rest
                    .get(..end)
                    .is_some_and(|x| x.chars().all(label::is_numeral))
        })
    });
    let words = label::strip_numbering(t);
    let clean = |h: &str| {
        h.trim()
            .trim_end_matches(['。', '：', ':', '；'])
            .to_string()
    };
    if numbered {
        let single = !t.contains('\n');
        if single && words.chars().count() <= MAX_SUB_HEADING_CHARS {
            return Some((clean(words), None));
        }
        let stop = words
            .char_indices()
            .take(MAX_SUB_HEADING_CHARS + 1)
            .find(|(_, c)| matches!(c, '。' | '：' | ':'))
            .map(|(i, c)| (i, c.len_utf8()));
        let (i, len) = stop?;
        let heading = words.get(..i)?;
        let body = words.get(i + len..)?.trim();
        if body.is_empty() {
            return Some((clean(heading), None));
        }
        return Some((clean(heading), Some(body.to_string())));
    }
    let styled = p.heading.is_some_and(|l| l >= 2);
    (styled && !t.contains('\n') && t.chars().count() <= MAX_SUB_HEADING_CHARS)
        .then(|| (clean(words), None))
}

/// The agency and the year of a title: “XX局2025年政府信息公开工作年度报告”, also written
/// “2025年XX局……”, “XX局关于2025年度……”; the agency `None` when it stands on the line above.
fn title_of(t: &str) -> (Option<String>, Option<i32>) {
    if let Some(t) = reader::title(t) {
        return (t.agency.map(|a| agency_name(&a)), Some(t.year));
    }
    let n: String = label::nfkc(t)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    // The first four digits followed by 年.
    let mut year = None;
    let mut cut = String::new();
    let chars: Vec<char> = n.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let run: String = chars
            .iter()
            .skip(i)
            .take_while(|c| c.is_ascii_digit())
            .collect();
        if run.is_empty() {
            i += 1;
            continue;
        }
        let after = chars.get(i + run.len()).copied();
        if year.is_none() && run.len() == 4 && after == Some('年') {
            year = run
                .parse::<i32>()
                .ok()
                .filter(|y| (2000..=2100).contains(y));
            let du = chars.get(i + 5).copied() == Some('度');
            cut = format!("{run}年{}", if du { "度" } else { "" });
        }
        i += run.len();
    }
    let mut agency = n.replacen(REPORT_TITLE, "", 1);
    if !cut.is_empty() {
        agency = agency.replacen(&cut, "", 1);
    }
    let agency = agency.replace("关于", "");
    let agency = agency.trim_matches(|c: char| !c.is_alphanumeric());
    let agency = (!agency.is_empty()).then(|| agency.to_string());
    (agency, year)
}

/// A line that can be an agency's name: short, no sentence, not a date.
fn is_agency_line(t: &str) -> bool {
    let t = t.trim();
    !t.is_empty()
        && t.chars().count() <= MAX_AGENCY_CHARS
        && !t.contains(['。', '，', '；', '：', ':'])
        && date_line(t).is_none()
        && !key(t).contains(&key(REPORT_TITLE))
}

/// An agency's name as written on a line: spaces removed (a centred title is often spaced),
/// a trailing “关于” dropped.
fn agency_name(t: &str) -> String {
    let n: String = t.chars().filter(|c| !c.is_whitespace()).collect();
    n.strip_suffix("关于").unwrap_or(&n).to_string()
}

/// A line holding only a date: 2026年1月20日, 2026-01-20, 二〇二六年一月二十日.
fn date_line(t: &str) -> Option<Date> {
    let n: String = label::nfkc(t)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    if n.is_empty() || n.chars().count() > 16 {
        return None;
    }
    if n.chars()
        .all(|c| c.is_ascii_digit() || "年月日-/.".contains(c))
    {
        let d = reader::parse_date(&n)?;
        return (2000..=2100).contains(&d.year).then_some(d);
    }
    // Chinese numerals: 二〇二六年一月二十日.
    let (y, rest) = n.split_once('年')?;
    let (m, rest) = rest.split_once('月')?;
    let d = rest.strip_suffix('日')?;
    let digit = |c: char| {
        "〇一二三四五六七八九"
            .chars()
            .position(|x| x == c)
            .or_else(|| (c == '零' || c == '○').then_some(0))
    };
    let year: String = y
        .chars()
        .map(|c| digit(c).map(|d| char::from(b'0' + d as u8)))
        .collect::<Option<String>>()?;
    let small = |s: &str| -> Option<u32> {
        let chars: Vec<char> = s.chars().collect();
        match chars.as_slice() {
            ['十'] => Some(10),
            ['十', b] => Some(10 + digit(*b)? as u32),
            [a, '十'] => Some(10 * digit(*a)? as u32),
            [a, '十', b] => Some(10 * digit(*a)? as u32 + digit(*b)? as u32),
            [a] => Some(digit(*a)? as u32),
            _ => None,
        }
    };
    let d = Date::new(year.parse().ok()?, small(m)?, small(d)?)?;
    (2000..=2100).contains(&d.year).then_some(d)
}

/// The preamble's list of the report's parts, “由总体情况、……等六部分组成”: the list's words
/// (without punctuation) and the number it states.
fn parts_list(t: &str) -> Option<(String, Option<u32>)> {
    let n = label::nfkc(t);
    let at = n.find("部分组成").or_else(|| n.find("个部分"))?;
    let before = n.get(..at)?;
    let before = before.strip_suffix('个').unwrap_or(before);
    let numeral: String = before
        .chars()
        .rev()
        .take_while(|&c| label::is_numeral(c))
        .collect::<Vec<char>>()
        .into_iter()
        .rev()
        .collect();
    let count = number_word(&numeral);
    let list = before.get(..before.len() - numeral.len())?;
    let list = list.strip_suffix('等').unwrap_or(list);
    let list = list.strip_suffix('共').unwrap_or(list);
    let start = ["由", "包括", "分为", "包含"]
        .iter()
        .filter_map(|w| list.rfind(w).map(|i| i + w.len()))
        .max()
        .unwrap_or(0);
    let list = list.get(start..)?.trim();
    (list.chars().count() >= 8).then(|| (list.to_string(), count))
}

/// A small number written 一 … 十 or in digits.
fn number_word(s: &str) -> Option<u32> {
    if s.chars().all(|c| c.is_ascii_digit()) {
        return s.parse().ok();
    }
    let digits = "一二三四五六七八九十";
    let mut chars = s.chars();
    let c = chars.next()?;
    if chars.next().is_some() {
        return None;
    }
    digits.chars().position(|x| x == c).map(|i| i as u32 + 1)
}

/// The 统计期限 in a paragraph: the words after “统计期限”, the year they give, and what is
/// wrong with them (“20251月1日”: 年 missing).
fn period_of(t: &str) -> Option<(String, Option<i32>, Option<String>)> {
    let n = label::nfkc(t);
    let start = ["统计期限", "统计时限", "统计时段", "统计区间"]
        .iter()
        .filter_map(|w| n.find(w).map(|i| i + w.len()))
        .min()?;
    let rest = n.get(start..)?;
    let end = rest
        .find(['。', ';', '；', ',', '，'])
        .unwrap_or(rest.len());
    let words: String = rest
        .get(..end)?
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    let words = words
        .trim_start_matches(|c: char| !c.is_ascii_digit())
        .to_string();
    if words.is_empty() {
        return None;
    }
    // (digits, the unit after them)
    let mut tokens: Vec<(String, Option<char>)> = Vec::new();
    let mut chars = words.chars().peekable();
    while let Some(c) = chars.next() {
        if !c.is_ascii_digit() {
            continue;
        }
        let mut digits = String::from(c);
        while let Some(&d) = chars.peek() {
            if !d.is_ascii_digit() {
                break;
            }
            digits.push(d);
            chars.next();
        }
        let unit = chars.peek().copied().filter(|u| "年月日".contains(*u));
        tokens.push((digits, unit));
    }
    let first = tokens.first()?;
    let year = first.0.get(..4).and_then(|y| y.parse::<i32>().ok());
    let with_units = tokens.iter().any(|(_, u)| u.is_some());
    let problem = if !with_units {
        // 2025.1.1-2025.12.31, 2025-01-01至2025-12-31
        let nums: Vec<u32> = tokens.iter().filter_map(|(d, _)| d.parse().ok()).collect();
        match nums.as_slice() {
            [_, 1, 1, _, 12, 31] | [_, 1, 1, 12, 31] if first.0.len() == 4 => None,
            _ => Some("不是完整的一年（1月1日至12月31日）".to_string()),
        }
    } else if let Some((d, _)) = tokens.iter().find(|(d, u)| d.len() > 4 && *u == Some('月')) {
        Some(format!("“{d}月”少了“年”字"))
    } else {
        let shape: Vec<(u32, char)> = tokens
            .iter()
            .filter_map(|(d, u)| Some((d.parse().ok()?, (*u)?)))
            .collect();
        let y = year.unwrap_or(0) as u32;
        match shape.as_slice() {
            [(a, '年'), (1, '月'), (1, '日'), (12, '月'), (31, '日')] if *a == y => None,
            [(a, '年'), (1, '月'), (1, '日'), (b, '年'), (12, '月'), (31, '日')]
                if *a == y && *b == y =>
            {
                None
            }
            [(a, '年'), (1, '月'), (1, '日'), (b, '年'), (12, '月'), (31, '日')] if *a == y => {
                Some(format!("起止年份不同（{a} 年和 {b} 年）"))
            }
            [(a, '年')] if *a == y => None,
            _ if first.0.len() != 4 => Some(format!("年份“{}”不是四位数字", first.0)),
            _ => Some("不是完整的一年（1月1日至12月31日）".to_string()),
        }
    };
    Some((words, year.filter(|y| (1990..=2100).contains(y)), problem))
}

/// The year a sentence opens with: “2024年，……”, “截至2024年底……”.
fn sentence_year(s: &str) -> Option<i32> {
    let n = label::nfkc(s);
    let t = n.trim_start();
    let t = ["截至", "截止", "在", "于"]
        .iter()
        .find_map(|w| t.strip_prefix(w))
        .unwrap_or(t);
    let since = t.len() < n.trim_start().len();
    let digits: String = t.chars().take_while(char::is_ascii_digit).collect();
    let rest = t.get(4..)?.strip_prefix('年')?;
    let rest = rest.strip_prefix('度').unwrap_or(rest);
    // The year the sentence is about (“2024年，我局……”, “2024年以来”), not one it names
    // (“2024年度报告提出的问题已整改”).
    let about = since
        || rest.starts_with([',', '，', '、'])
        || ["以来", "全年", "期间", "内"]
            .iter()
            .any(|w| rest.starts_with(w));
    if digits.len() != 4 || !about {
        return None;
    }
    digits.parse().ok().filter(|y| (2000..=2100).contains(y))
}

/// A number written right after `word` (at most a few characters between), followed by one of
/// `units`: “发出收费通知6件”, “总金额1,800元”.
fn number_after(text: &str, word: &str, units: &[&str]) -> Option<f64> {
    let at = text.find(word)? + word.len();
    let rest = text.get(at..)?;
    let start = rest.find(|c: char| c.is_ascii_digit())?;
    let lead = rest.get(..start)?;
    if lead.chars().count() > 6 || lead.contains(['。', '；', ';', ',', '，']) {
        return None;
    }
    let body = rest.get(start..)?;
    let end = body
        .find(|c: char| !(c.is_ascii_digit() || c == ',' || c == '.'))
        .unwrap_or(body.len());
    let tail = body.get(end..)?;
    if !units.iter().any(|u| tail.starts_with(u)) {
        return None;
    }
    body.get(..end)?.replace(',', "").parse().ok()
}

#[cfg(test)]
#[allow(clippy::indexing_slicing)]
mod tests {
    use super::*;

    fn para(text: &str, heading: Option<u8>) -> Paragraph {
        Paragraph {
            index: 1,
            text: text.into(),
            heading,
            page: None,
        }
    }

    #[test]
    fn lines_of_one_paragraph_are_read_as_lines() {
        let p = |index: usize, text: &str| {
            Block::Paragraph(Paragraph {
                index,
                ..para(text, None)
            })
        };
        let doc = Document {
            source: "r.docx".into(),
            kind: crate::document::Kind::Docx,
            title: None,
            blocks: vec![
                p(1, "示例区教育局\n2025年政府信息公开工作年度报告"),
                p(2, "一、总体情况\n2024年，本局推进政务公开。"),
            ],
        };
        let r = read(doc);
        assert_eq!(r.statement.info.agency, "示例区教育局");
        assert_eq!(r.statement.info.year, Some(2025));
        let mut d = r
            .findings
            .iter()
            .find(|d| d.message.contains("写的是 2024 年"))
            .cloned()
            .unwrap_or_else(|| panic!("{:#?}", r.findings));
        r.locator.place(&mut d, None);
        assert_eq!(d.cells, ["第2段第2行“2024年，本局推进政务公开。”"]);
        let mut d = r
            .findings
            .iter()
            .find(|d| d.message.contains("缺少第二部分"))
            .cloned()
            .unwrap_or_else(|| panic!("{:#?}", r.findings));
        r.locator.place(&mut d, None);
        assert_eq!(d.cells, ["章节标题“一、总体情况”（第2段第1行）"]);
    }

    #[test]
    fn section_headings_by_their_words_not_sub_headings() {
        let h =
            |t: &str| section_heading(&para(t, None)).map(|(s, n, a, b)| (s, n, a.is_some() || b));
        assert_eq!(h("一、总体情况"), Some((0, "一".into(), false)));
        assert_eq!(
            h("四、政府信息公开行政复议、行政诉讼情况"),
            Some((3, "四".into(), false))
        );
        assert_eq!(
            h("五、政府信息公开工作存在的主要问题及改进情况"),
            Some((4, "五".into(), true))
        );
        assert_eq!(h("总体情况"), Some((0, String::new(), false)));
        assert_eq!(h("2.主动公开政府信息情况"), Some((1, "2".into(), false)));
        assert_eq!(
            h("（二）主动公开政府信息情况"),
            Some((1, "（二）".into(), true))
        );
        assert_eq!(
            h("第三部分 收到和处理政府信息公开申请情况"),
            Some((2, "第三部分".into(), false))
        );
        assert_eq!(h("（一）主动公开"), None);
        assert_eq!(h("一、总体情况。本年度，我局……".repeat(3).as_str()), None);
    }

    #[test]
    fn sub_headings_alone_or_run_in() {
        let s = |t: &str| sub_heading(&para(t, None));
        assert_eq!(s("（一）主动公开情况"), Some(("主动公开情况".into(), None)));
        assert_eq!(
            s("（二）依申请公开。本年度共收到申请12件，均按时答复，没有发生逾期答复的情况。"),
            Some((
                "依申请公开".into(),
                Some("本年度共收到申请12件，均按时答复，没有发生逾期答复的情况。".into())
            ))
        );
        assert_eq!(s("一是加强培训。"), None);
        assert_eq!(
            sub_heading(&para("监督保障", Some(2))),
            Some(("监督保障".into(), None))
        );
    }

    #[test]
    fn titles_in_their_usual_forms() {
        let t = |s: &str| title_of(s);
        let agency = |a: &str| Some(a.to_string());
        assert_eq!(
            t("示例区教育局2025年政府信息公开工作年度报告"),
            (agency("示例区教育局"), Some(2025))
        );
        assert_eq!(
            t("2025年度示例区教育局政府信息公开工作年度报告"),
            (agency("示例区教育局"), Some(2025))
        );
        assert_eq!(
            t("示例区教育局关于2025年政府信息公开工作年度报告"),
            (agency("示例区教育局"), Some(2025))
        );
        assert_eq!(t("2025年政府信息公开工作年度报告"), (None, Some(2025)));
        assert_eq!(
            t("示例区教育局政府信息公开工作年度报告"),
            (agency("示例区教育局"), None)
        );
    }

    #[test]
    fn a_title_wrapped_over_two_lines_is_one_title() {
        let p = |index: usize, text: &str| {
            Block::Paragraph(Paragraph {
                index,
                ..para(text, None)
            })
        };
        let doc = Document {
            source: "r.pdf".into(),
            kind: crate::document::Kind::Pdf,
            title: None,
            blocks: vec![
                p(1, "示例市示例区示例街道办事处2025年政府信息公开工作"),
                p(2, "年度报告"),
                p(3, "报告中所列数据统计期限为2025年1月1日至12月31日。"),
            ],
        };
        let r = read(doc);
        assert_eq!(r.statement.info.agency, "示例市示例区示例街道办事处");
        assert_eq!(r.statement.info.year, Some(2025));
        assert!(
            !r.findings.iter().any(|d| d.id == "R-X-3"),
            "{:#?}",
            r.findings
        );
    }

    #[test]
    fn dates_of_a_signature() {
        assert_eq!(date_line("2026年1月20日"), Date::new(2026, 1, 20));
        assert_eq!(date_line(" 2026-01-20 "), Date::new(2026, 1, 20));
        assert_eq!(date_line("二〇二六年一月二十日"), Date::new(2026, 1, 20));
        assert_eq!(
            date_line("二〇二五年十二月三十一日"),
            Date::new(2025, 12, 31)
        );
        assert_eq!(date_line("2025年1月1日起施行的办法"), None);
        assert_eq!(date_line("示例区人民政府"), None);
    }

    #[test]
    fn the_preamble_list_and_its_count() {
        let t = "本报告根据……要求编制，由总体情况、主动公开政府信息情况、收到和处理政府信息公开申请情况、政府信息公开行政复议、行政诉讼情况、存在的主要问题及改进情况、其他需要报告的事项等六部分组成。报告中所列数据统计期限为2025年1月1日至12月31日。";
        let (list, n) = parts_list(t).unwrap_or_default();
        assert_eq!(n, Some(6));
        assert!(
            list.starts_with("总体情况") && list.ends_with("其他需要报告的事项"),
            "{list}"
        );
        assert_eq!(parts_list("本报告共五个部分组成").map(|x| x.1), None);
        assert_eq!(
            parts_list("本报告包括总体情况、主动公开政府信息情况等五个部分组成").map(|x| x.1),
            Some(Some(5))
        );
    }

    #[test]
    fn periods_and_their_typos() {
        let p = |t: &str| period_of(t).map(|(_, y, problem)| (y, problem.is_some()));
        assert_eq!(
            p("统计期限为2025年1月1日至12月31日。"),
            Some((Some(2025), false))
        );
        assert_eq!(
            p("数据统计期限自2025年1月1日起至2025年12月31日止。"),
            Some((Some(2025), false))
        );
        assert_eq!(
            p("统计期限为20251月1日至12月31日。"),
            Some((Some(2025), true))
        );
        assert_eq!(
            p("统计期限为2025年1月1日至6月30日。"),
            Some((Some(2025), true))
        );
        assert_eq!(
            p("统计期限为2025.1.1-2025.12.31。"),
            Some((Some(2025), false))
        );
        assert_eq!(p("统计期限为2025年度。"), Some((Some(2025), false)));
        assert_eq!(p("本报告由六部分组成。"), None);
        let (_, _, problem) = period_of("统计期限为20251月1日至12月31日").unwrap_or_default();
        assert_eq!(problem.as_deref(), Some("“20251月”少了“年”字"));
    }

    #[test]
    fn years_that_open_sentences() {
        assert_eq!(sentence_year("2024年，我局深入贯彻……"), Some(2024));
        assert_eq!(sentence_year("截至2024年底，现行有效……"), Some(2024));
        assert_eq!(sentence_year("本年度，我局……2024年……"), None);
        assert_eq!(sentence_year("2024年度报告提出的问题已全部整改。"), None);
        assert_eq!(sentence_year("2024年度，全局共……"), Some(2024));
    }

    #[test]
    fn fees_are_taken_only_as_the_format_states_them() {
        let p = |index: usize, text: &str| {
            Block::Paragraph(Paragraph {
                index,
                ..para(text, None)
            })
        };
        let doc = |six: &str| Document {
            source: "r.docx".into(),
            kind: crate::document::Kind::Docx,
            title: None,
            blocks: vec![p(1, "六、其他需要报告的事项"), p(2, six)],
        };
        // A sum collected without the notices' amount: not compared (no “0” to exceed).
        let r = read(doc("本年度实际收取信息处理费200元。"));
        assert_eq!(r.statement.info.fee_collected, 0.0);
        let r = read(doc(
            "本年度发出收费通知6件，总金额1800元；实际收取信息处理费1200元。",
        ));
        let info = &r.statement.info;
        assert_eq!(
            (info.fee_notices, info.fee_notice_amount, info.fee_collected),
            (6, 1800.0, 1200.0)
        );
    }

    #[test]
    fn fee_figures_in_words() {
        let t = "依据《政府信息公开信息处理费管理办法》，本年度发出收费通知6件，总金额1,800元；实际收取信息处理费1200元。";
        assert_eq!(number_after(t, "收费通知", &["件"]), Some(6.0));
        assert_eq!(number_after(t, "总金额", &["元"]), Some(1800.0));
        assert_eq!(number_after(t, "实际收取", &["元"]), Some(1200.0));
        assert_eq!(
            number_after("本年度未收取信息处理费。", "实际收取", &["元"]),
            None
        );
    }
}
