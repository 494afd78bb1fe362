//! What an agency's workbook states: 基本信息, the figures, the narrative, and where each was read.

// Cells, bytes and text come from the input: no indexing or slicing that can panic.
#![deny(clippy::indexing_slicing)]

use crate::diagnostics::{CellRef, Diagnostic};
use crate::figures::Figures;
use crate::format::{CellId, SECTIONS};
use std::collections::BTreeMap;
use std::fmt;

/// The kind of agency; it decides rule R-X-8.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AgencyType {
    /// 人民政府: must also report 工作考核、社会评议和责任追究结果.
    Government,
    /// 政府部门.
    Department,
}

impl AgencyType {
    /// The label as written in the workbook.
    pub fn label(self) -> &'static str {
        match self {
            AgencyType::Government => crate::format::AGENCY_TYPES[0],
            AgencyType::Department => crate::format::AGENCY_TYPES[1],
        }
    }
}

/// A calendar date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Date {
    /// Year.
    pub year: i32,
    /// Month 1–12.
    pub month: u32,
    /// Day 1–31.
    pub day: u32,
}

impl Date {
    /// A date if the day exists.
    pub fn new(year: i32, month: u32, day: u32) -> Option<Date> {
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
        let days = match month {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            2 if leap => 29,
            2 => 28,
            _ => return None,
        };
        (1..=days)
            .contains(&day)
            .then_some(Date { year, month, day })
    }

    /// The date of an Excel serial day number (1900 system; serial 61 = 1900-03-01).
    pub fn from_excel_serial(serial: f64) -> Option<Date> {
        if !(1.0..2_958_466.0).contains(&serial) {
            return None;
        }
        // Days since 1899-12-30 (Excel's phantom 1900-02-29 makes this exact from March 1900).
        let days = serial.floor() as i64 - 25_569; // to Unix epoch
        let (y, m, d) = civil_from_days(days);
        Date::new(y, m, d)
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}年{}月{}日", self.year, self.month, self.day)
    }
}

// Howard Hinnant's civil-from-days algorithm.
fn civil_from_days(z: i64) -> (i32, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    ((y + i64::from(m <= 2)) as i32, m, d)
}

/// The 基本信息 of an agency.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Info {
    /// 机关名称.
    pub agency: String,
    /// 报告年度.
    pub year: Option<i32>,
    /// 机关类型.
    pub agency_type: Option<AgencyType>,
    /// 联系地址.
    pub address: String,
    /// 邮政编码.
    pub postcode: String,
    /// 联系电话.
    pub phone: String,
    /// 电子版查阅途径.
    pub online: String,
    /// 成文日期.
    pub date: Option<Date>,
    /// 发出收费通知件数.
    pub fee_notices: u64,
    /// 收费通知总金额（元）.
    pub fee_notice_amount: f64,
    /// 实际收取总金额（元）.
    pub fee_collected: f64,
}

/// One part of a narrative section: an optional sub-heading and its paragraphs.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Part {
    /// The sub-heading as typed (numbered （一）（二）… by the generator).
    pub heading: Option<String>,
    /// Paragraphs in order.
    pub paragraphs: Vec<String>,
    /// Where the text was read.
    pub cell: Option<CellRef>,
}

/// The agency's own text, per section (only sections 一, 五 and 六 hold any).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Narrative {
    /// Parts per section, indexed like [`SECTIONS`].
    pub sections: [Vec<Part>; SECTIONS.len()],
}

impl Narrative {
    /// All paragraphs of all sections with the part they belong to.
    pub fn paragraphs(&self) -> impl Iterator<Item = (&Part, &String)> {
        self.sections
            .iter()
            .flatten()
            .flat_map(|p| p.paragraphs.iter().map(move |t| (p, t)))
    }

    /// One section's headings and paragraphs, a line each (empty for an unknown section).
    pub fn text(&self, section: usize) -> String {
        self.sections
            .get(section)
            .into_iter()
            .flatten()
            .flat_map(|p| p.heading.iter().chain(&p.paragraphs))
            .map(String::as_str)
            .collect::<Vec<_>>()
            .join("\n")
    }
}

/// Everything read from one statistics workbook.
#[derive(Debug, Clone, Default)]
pub struct Statement {
    /// The file name it was read from (for messages).
    pub source: String,
    /// 基本信息.
    pub info: Info,
    /// The figures, totals computed from their parts.
    pub figures: Figures,
    /// Totals as the workbook itself wrote them (typed or cached formula values).
    pub written: BTreeMap<CellId, u64>,
    /// Where each figure was read.
    pub cells: BTreeMap<CellId, CellRef>,
    /// Where each 基本信息 field was read, by field id.
    pub info_cells: BTreeMap<&'static str, CellRef>,
    /// The agency's own text.
    pub narrative: Narrative,
    /// What the reader noticed (blank cells, deviations, unreadable cells).
    pub diagnostics: Vec<Diagnostic>,
}

/// Where one figure of a statement comes from: the cell it was read from, or its parts.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Source {
    /// Stable id (`t3.new.natural_person`).
    pub id: String,
    /// The figure as office staff name it (表三「一、本年新收政府信息公开申请数量」「自然人」).
    pub name: String,
    /// The figure.
    pub value: crate::figures::Number,
    /// The cell it was read from; for a total, where the workbook wrote it (if it did).
    pub cell: Option<CellRef>,
    /// Whether the figure is computed from its parts (every total is).
    pub computed: bool,
    /// A total as the workbook wrote it, when it wrote one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub written: Option<u64>,
}

impl Statement {
    /// Every figure of the three tables with where it comes from, in reading order.
    pub fn sources(&self) -> Vec<Source> {
        crate::format::all_cells()
            .map(|id| Source {
                id: id.key(),
                name: id.describe(),
                value: self.figures.get(id),
                cell: self.cells.get(&id).cloned(),
                computed: id.is_total(),
                written: self.written.get(&id).copied(),
            })
            .collect()
    }

    /// Where a figure was read (empty when it was not read from a cell).
    pub fn cell(&self, id: CellId) -> Vec<CellRef> {
        self.cells.get(&id).cloned().into_iter().collect()
    }

    /// Where a 基本信息 field was read.
    pub fn info_cell(&self, id: &str) -> Vec<CellRef> {
        self.info_cells.get(id).cloned().into_iter().collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excel_serials_and_dates() {
        assert_eq!(Date::from_excel_serial(46042.0), Date::new(2026, 1, 20));
        assert_eq!(Date::from_excel_serial(61.0), Date::new(1900, 3, 1));
        assert_eq!(Date::new(2025, 2, 29), None);
        assert_eq!(
            Date::new(2024, 2, 29).map(|d| d.to_string()),
            Some("2024年2月29日".into())
        );
    }
}
