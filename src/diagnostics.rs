//! Diagnostics as values: id, severity, message, cells, hint.
//!
//! Every finding of the reader and the checks is a [`Diagnostic`], made from its rule in
//! [`crate::rules`]. People read them as text grouped by severity ([`render_text`]); machines
//! read them as JSON (they serialise with serde, cells as `Sheet!D7`).

use crate::rules::Rule;
use serde::{Serialize, Serializer};
use std::fmt::{self, Write as _};

/// How serious a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The figures are wrong or unreadable: no report is written (unless forced).
    Error,
    /// Worth a look; never blocks.
    Warning,
}

impl Severity {
    /// The Chinese name office staff read: 错误 or 警告.
    pub fn label(self) -> &'static str {
        match self {
            Severity::Error => "错误",
            Severity::Warning => "警告",
        }
    }
}

/// One finding about a workbook.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Diagnostic {
    /// The id of its rule in [`crate::rules`].
    pub id: &'static str,
    /// Error or warning.
    pub severity: Severity,
    /// What is wrong and what to fix, in Chinese.
    pub message: String,
    /// The cells involved, e.g. `依申请公开!D7`.
    pub cells: Vec<CellRef>,
    /// A further hint, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
}

impl Diagnostic {
    /// A finding of `rule` (see [`Rule::error`] and [`Rule::warning`]).
    pub fn new(rule: &'static Rule, severity: Severity, message: impl Into<String>) -> Self {
        Diagnostic {
            id: rule.id,
            severity,
            message: message.into(),
            cells: Vec::new(),
            hint: None,
        }
    }

    /// Adds the cells involved.
    pub fn at<I>(mut self, cells: I) -> Self
    where
        I: IntoIterator,
        I::Item: Into<CellRef>,
    {
        self.cells.extend(cells.into_iter().map(Into::into));
        self
    }

    /// Adds a hint.
    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// Whether this is an error.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "[{}] {}", self.id, self.message)?;
        if !self.cells.is_empty() {
            write!(f, "（位置：{}）", list(&self.cells))?;
        }
        Ok(())
    }
}

/// Counts of errors and warnings.
pub fn counts(diagnostics: &[Diagnostic]) -> (usize, usize) {
    let errors = diagnostics.iter().filter(|d| d.is_error()).count();
    (errors, diagnostics.len() - errors)
}

/// Renders diagnostics for people: errors first, then warnings, each with its cells and hint,
/// and a closing count.
pub fn render_text(diagnostics: &[Diagnostic]) -> String {
    let mut out = String::new();
    for severity in [Severity::Error, Severity::Warning] {
        let group: Vec<&Diagnostic> = diagnostics
            .iter()
            .filter(|d| d.severity == severity)
            .collect();
        if group.is_empty() {
            continue;
        }
        let _ = writeln!(out, "{}（{} 项）：", severity.label(), group.len());
        for d in group {
            let _ = writeln!(out, "  [{}] {}", d.id, d.message);
            if !d.cells.is_empty() {
                let _ = writeln!(out, "      位置：{}", list(&d.cells));
            }
            if let Some(h) = &d.hint {
                let _ = writeln!(out, "      提示：{h}");
            }
        }
    }
    let (e, w) = counts(diagnostics);
    if e == 0 && w == 0 {
        out.push_str("检查通过：没有发现错误或警告。\n");
    } else {
        let _ = writeln!(out, "共 {e} 个错误、{w} 个警告。");
    }
    out
}

/// Cells as people read them: `表三!D7、表三!D8`.
pub fn list(cells: &[CellRef]) -> String {
    let shown: Vec<String> = cells.iter().map(ToString::to_string).collect();
    shown.join("、")
}

/// A cell address in a sheet, shown as `Sheet!D7`, or `Sheet!D7（file）` in another workbook.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CellRef {
    /// Sheet name.
    pub sheet: String,
    /// 0-based row.
    pub row: u32,
    /// 0-based column.
    pub col: u32,
    /// The workbook, when it is not the one the diagnostic is about (last year's).
    pub file: Option<String>,
    /// How a published report's reader finds the position (`表三 第7行…`, `第3段`), which is
    /// shown instead of the address (`audit`).
    pub name: Option<String>,
}

impl CellRef {
    /// A cell of a sheet.
    pub fn new(sheet: &str, row: u32, col: u32) -> Self {
        CellRef {
            sheet: sheet.to_string(),
            row,
            col,
            file: None,
            name: None,
        }
    }

    /// The same position, shown by the name a reader finds it by.
    pub fn named(mut self, name: String) -> Self {
        self.name = Some(name);
        self
    }

    /// The same cell, named as one of another workbook.
    pub fn in_file(mut self, file: &str) -> Self {
        self.file = Some(file.to_string());
        self
    }
}

impl From<&CellRef> for CellRef {
    fn from(c: &CellRef) -> Self {
        c.clone()
    }
}

impl fmt::Display for CellRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.name {
            Some(name) => f.write_str(name)?,
            None => write!(f, "{}!{}", self.sheet, a1(self.row, self.col))?,
        }
        if let Some(file) = &self.file {
            write!(f, "（{file}）")?;
        }
        Ok(())
    }
}

/// A cell equals the text people read it as (`Sheet!D7`).
impl PartialEq<&str> for CellRef {
    // Shown text is built to compare: the address or name, and the file.
    #[allow(clippy::cmp_owned)]
    fn eq(&self, text: &&str) -> bool {
        self.to_string() == *text
    }
}

impl PartialEq<String> for CellRef {
    fn eq(&self, text: &String) -> bool {
        *self == text.as_str()
    }
}

/// As people read it (`Sheet!D7`), in JSON as in text.
impl Serialize for CellRef {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// The A1 address of a 0-based (row, col), e.g. (6, 3) → D7.
pub fn a1(row: u32, col: u32) -> String {
    format!("{}{}", column_letters(col), u64::from(row) + 1)
}

/// The column letters of a 0-based column, e.g. 0 → A, 26 → AA.
pub fn column_letters(col: u32) -> String {
    let mut n = u64::from(col) + 1;
    let mut letters = Vec::new();
    while n > 0 {
        let rem = ((n - 1) % 26) as u8;
        letters.push((b'A' + rem) as char);
        n = (n - 1) / 26;
    }
    letters.iter().rev().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses() {
        assert_eq!(a1(6, 3), "D7");
        assert_eq!(a1(0, 25), "Z1");
        assert_eq!(a1(0, 26), "AA1");
        assert_eq!(a1(1_048_575, 16_383), "XFD1048576");
        assert_eq!(
            CellRef::new("依申请公开", 6, 3).to_string(),
            "依申请公开!D7"
        );
    }

    #[test]
    fn text_groups_errors_before_warnings() {
        use crate::rules::{R_T3_1, R_T3_7};
        let d = vec![
            R_T3_7.warning("w").at([CellRef::new("S", 0, 0)]),
            R_T3_1.error("e").hint("h"),
        ];
        let t = render_text(&d);
        let e = t.find("错误（1 项）").unwrap_or(usize::MAX);
        let w = t.find("警告（1 项）").unwrap_or(0);
        assert!(e < w, "{t}");
        assert!(
            t.contains("位置：S!A1")
                && t.contains("提示：h")
                && t.contains("共 1 个错误、1 个警告")
        );
    }
}
