//! Positions as a reader of the report finds them. The reader and the checks name cells of the
//! tables' grids (`第3个表格!D7`) and paragraphs ([`super::structure::paragraph_ref`]); this
//! turns them into “表三 第7行「（二）部分公开」「商业企业」列”, “第12段“本年度共收到……”” and
//! “章节标题“六、其他需要报告的事项”（第27段）”.

// Cells, bytes and text come from the input: no indexing or slicing that can panic.
#![deny(clippy::indexing_slicing)]

use super::structure::{paragraph_ref, PARAGRAPH};
use crate::diagnostics::{column_letters, CellRef, Diagnostic};
use crate::finder::{Found, Pos};
use crate::format::{self, CellId, SECTIONS, T3_COLS, T3_ROWS, T4_GROUPS, T4_RESULTS};
use crate::layout::Table;
use std::collections::HashMap;
use std::ops::Range;

/// Characters of a paragraph quoted in its position.
const QUOTE_CHARS: usize = 16;

/// What a paragraph is in the report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Role {
    /// The title (or the agency line above it).
    Title,
    /// The heading of a section of [`SECTIONS`].
    Heading(usize),
    /// Text, in a section (by index) or before the first heading.
    Body(Option<usize>),
    /// The signature: the agency and the date at the end.
    Signature,
}

/// A paragraph as positions name it.
#[derive(Debug, Clone)]
pub(crate) struct ParagraphInfo {
    /// Its number, from 1 ([`crate::document::Paragraph::index`]).
    pub index: usize,
    /// Its line, from 1, when the paragraph has several.
    pub line: Option<usize>,
    /// Its page (PDF).
    pub page: Option<u32>,
    /// Its text.
    pub text: String,
    /// What it is.
    pub role: Role,
}

/// A table of the document as positions name it.
#[derive(Debug, Clone)]
pub(crate) struct GridInfo {
    /// Its number among the document's tables, from 1.
    pub index: usize,
    /// The page it starts on (PDF).
    pub page: Option<u32>,
    /// Which statistics table it holds (most of its figures), if any.
    pub table: Option<Table>,
}

/// Turns cell references into positions a reader finds.
#[derive(Debug, Clone, Default)]
pub(crate) struct Locator {
    /// Whether references are a document's (a workbook's `Sheet!D7` stay as they are).
    document: bool,
    grids: Vec<GridInfo>,
    /// Tables spread over several of the document's tables (the position then says which).
    split: [bool; 3],
    figures: HashMap<Pos, CellId>,
    /// The document's lines, in order (a paragraph reference names one by its place here).
    paragraphs: Vec<ParagraphInfo>,
    /// The lines that name each section's parts (one per part).
    section_parts: [Vec<usize>; 6],
    /// The line of each section's (first) heading.
    headings: [Option<usize>; 6],
}

impl Locator {
    /// The locator of a workbook: its cell references are what its user finds.
    pub(crate) fn workbook() -> Locator {
        Locator::default()
    }

    /// The locator of a document.
    pub(crate) fn new(
        grids: Vec<GridInfo>,
        found: &Found,
        mut paragraphs: Vec<ParagraphInfo>,
        regions: &[(usize, Range<usize>)],
        mut section_parts: [Vec<usize>; 6],
    ) -> Locator {
        let mut split = [false; 3];
        for (t, table) in Table::ALL.iter().enumerate() {
            let n = grids.iter().filter(|g| g.table == Some(*table)).count();
            if let Some(s) = split.get_mut(t) {
                *s = n > 1;
            }
        }
        let mut headings: [Option<usize>; 6] = [None; 6];
        for (section, range) in regions {
            for i in range.clone() {
                if let Some(p) = paragraphs.get_mut(i) {
                    if p.role == Role::Body(None) {
                        p.role = Role::Body(Some(*section));
                    }
                }
            }
        }
        for parts in &mut section_parts {
            parts.sort_unstable();
            parts.dedup();
        }
        for (i, p) in paragraphs.iter().enumerate() {
            if let Role::Heading(s) = p.role {
                if let Some(h) = headings.get_mut(s) {
                    h.get_or_insert(i);
                }
            }
        }
        Locator {
            document: true,
            grids,
            split,
            figures: found.at.iter().map(|(&id, &pos)| (pos, id)).collect(),
            paragraphs,
            section_parts,
            headings,
        }
    }

    fn paragraph(&self, at: usize) -> Option<&ParagraphInfo> {
        self.paragraphs.get(at)
    }

    /// A line's position: “第12段“本年度共收到……””, “第3段第2行……”, its page for a PDF; a
    /// heading or the title by its text.
    fn paragraph_name(&self, at: usize) -> String {
        let Some(p) = self.paragraph(at) else {
            return format!("第{}段", at + 1);
        };
        let index = match p.line {
            Some(line) => format!("{}段第{line}行", p.index),
            None => format!("{}段", p.index),
        };
        let place = match p.page {
            Some(page) => format!("第{index}，第{page}页"),
            None => format!("第{index}"),
        };
        let one_line: String = p.text.replace('\n', " ");
        match p.role {
            Role::Heading(_) => format!("章节标题“{one_line}”（{place}）"),
            Role::Title => format!("标题“{one_line}”（{place}）"),
            Role::Signature => format!("落款“{one_line}”（{place}）"),
            Role::Body(_) => {
                let mut quote: String = one_line.chars().take(QUOTE_CHARS).collect();
                if one_line.chars().count() > QUOTE_CHARS {
                    quote.push('…');
                }
                match p.page {
                    Some(page) => format!("第{index}“{quote}”（第{page}页）"),
                    None => format!("第{index}“{quote}”"),
                }
            }
        }
    }

    /// A cell of a table: its table, its row in the document's table, and the labels of a
    /// figure (“表三 第7行「（二）部分公开」「商业企业」列”) or its column number.
    fn table_cell(&self, sheet: usize, row: u32, col: u32) -> String {
        let grid = self.grids.get(sheet);
        let number = grid.map_or(sheet + 1, |g| g.index);
        let mut name = match grid.and_then(|g| g.table) {
            Some(t) if self.split.get(t as usize).copied().unwrap_or(false) => {
                format!("{}（第{number}个表格）", t.name())
            }
            Some(t) => t.name().to_string(),
            None => format!("第{number}个表格"),
        };
        // A PDF's table: the page it starts on (its rows run on over the next pages).
        if let Some(page) = grid.and_then(|g| g.page) {
            name.push_str(&format!("（第{page}页起）"));
        }
        // “表三 第7行”, “表三（第3页起）第7行”.
        if !name.ends_with('）') {
            name.push(' ');
        }
        let pos = Pos { sheet, row, col };
        match self.figures.get(&pos) {
            Some(&id) => format!("{name}第{}行{}列", row + 1, labels(id)),
            None => format!("{name}第{}行第{}列", row + 1, col + 1),
        }
    }

    /// The position a reference names, if it is one of this document's.
    pub(crate) fn name(&self, cell: &CellRef) -> Option<String> {
        if !self.document {
            return None;
        }
        let (sheet, row, col) = (cell.sheet.as_str(), cell.row, cell.col);
        if sheet == PARAGRAPH {
            return Some(self.paragraph_name(row as usize));
        }
        let n: usize = sheet
            .strip_prefix('第')?
            .strip_suffix("个表格")?
            .parse()
            .ok()?;
        let i = self.grids.iter().position(|g| g.index == n)?;
        Some(self.table_cell(i, row, col))
    }

    /// `cell` shown as this document's reader finds it (unchanged for a workbook's cell).
    pub(crate) fn named(&self, cell: &CellRef) -> CellRef {
        match self.name(cell) {
            Some(name) => cell.clone().named(name),
            None => cell.clone(),
        }
    }

    /// The heading paragraph `at`, by name.
    fn heading(&self, at: usize) -> CellRef {
        paragraph_ref(at).named(self.paragraph_name(at))
    }

    /// Names every position of a finding as its reader finds it: its cells, and cell
    /// references in its message. Cells marked “（`source`）” are last year's, named by
    /// `previous`. A finding about a whole section (naming all its paragraphs, several or the
    /// section's heading; or none but quoting the heading) is placed at the section's heading.
    pub(crate) fn place(&self, d: &mut Diagnostic, previous: Option<(&str, &Locator)>) {
        if self.document {
            d.message = self.in_text(&d.message);
        }
        // Whole sections: every body paragraph of one section named.
        let mut by_section: HashMap<usize, Vec<usize>> = HashMap::new();
        for c in &d.cells {
            if let Some(i) = paragraph_number(c) {
                if let Some(Role::Body(Some(s))) = self.paragraph(i).map(|p| p.role) {
                    by_section.entry(s).or_default().push(i);
                }
            }
        }
        let mut whole: Vec<usize> = Vec::new();
        for (s, mut named) in by_section {
            named.sort_unstable();
            named.dedup();
            let parts = self.section_parts.get(s).cloned().unwrap_or_default();
            // One paragraph is the section only when the finding names the section.
            let about = named.len() >= 2
                || SECTIONS
                    .get(s)
                    .is_some_and(|x| d.message.contains(x.heading));
            if about && named == parts {
                whole.push(s);
            }
        }
        let mut cells: Vec<CellRef> = Vec::new();
        let push = |cells: &mut Vec<CellRef>, c: CellRef| {
            if !cells.contains(&c) {
                cells.push(c);
            }
        };
        for c in &d.cells {
            if let Some(i) = paragraph_number(c) {
                if let Some(Role::Body(Some(s))) = self.paragraph(i).map(|p| p.role) {
                    if whole.contains(&s) {
                        if let Some(h) = self.headings.get(s).copied().flatten() {
                            push(&mut cells, self.heading(h));
                            continue;
                        }
                    }
                }
            }
            // Last year's cells are named by last year's report.
            let by = match previous {
                Some((source, loc)) if c.file.as_deref() == Some(source) => loc,
                _ => self,
            };
            push(&mut cells, by.named(c));
        }
        if cells.is_empty() && self.document {
            for (s, section) in SECTIONS.iter().enumerate() {
                if d.message.contains(section.heading) {
                    if let Some(h) = self.headings.get(s).copied().flatten() {
                        push(&mut cells, self.heading(h));
                    }
                }
            }
        }
        d.cells = cells;
    }

    /// `text` with every reference to a cell of this document's tables named.
    fn in_text(&self, text: &str) -> String {
        const MARK: &str = "个表格!";
        let mut out = String::with_capacity(text.len());
        let mut rest = text;
        while let Some(at) = rest.find(MARK) {
            let Some(head) = rest.get(..at) else { break };
            let digits = head.chars().rev().take_while(char::is_ascii_digit).count();
            let number_at = head.len() - digits;
            let start = head
                .get(..number_at)
                .and_then(|h| h.strip_suffix('第'))
                .map(str::len);
            let tail = rest.get(at + MARK.len()..).unwrap_or("");
            let letters = tail.chars().take_while(char::is_ascii_uppercase).count();
            let more = tail.get(letters..).unwrap_or("");
            let numbers = more.chars().take_while(char::is_ascii_digit).count();
            let end = at + MARK.len() + letters + numbers;
            match (start, rest.get(start.unwrap_or(0)..end)) {
                (Some(start), Some(reference)) if digits > 0 && letters > 0 && numbers > 0 => {
                    out.push_str(rest.get(..start).unwrap_or(""));
                    out.push_str(
                        &parse_ref(reference)
                            .and_then(|c| self.name(&c))
                            .unwrap_or_else(|| reference.to_string()),
                    );
                    rest = rest.get(end..).unwrap_or("");
                }
                _ => {
                    out.push_str(rest.get(..at + MARK.len()).unwrap_or(""));
                    rest = rest.get(at + MARK.len()..).unwrap_or("");
                }
            }
        }
        out.push_str(rest);
        out
    }
}

/// The paragraph number of a paragraph reference.
fn paragraph_number(cell: &CellRef) -> Option<usize> {
    (cell.sheet == PARAGRAPH).then_some(cell.row as usize)
}

/// The cell a reference in a message names: `第3个表格!D7`.
fn parse_ref(text: &str) -> Option<CellRef> {
    let (sheet, a1) = text.split_once('!')?;
    let (row, col) = parse_a1(a1)?;
    Some(CellRef::new(sheet, row, col))
}

/// The 0-based (row, col) of an A1 address: D7 → (6, 3).
fn parse_a1(a1: &str) -> Option<(u32, u32)> {
    let letters: String = a1.chars().take_while(char::is_ascii_uppercase).collect();
    let digits = a1.get(letters.len()..)?;
    if letters.is_empty() || digits.is_empty() || !digits.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let mut col: u64 = 0;
    for c in letters.chars() {
        col = col * 26 + u64::from(c as u8 - b'A') + 1;
        if col > u64::from(u32::MAX) {
            return None;
        }
    }
    let row: u64 = digits.parse().ok()?;
    let (row, col) = (
        u32::try_from(row.checked_sub(1)?).ok()?,
        u32::try_from(col - 1).ok()?,
    );
    debug_assert_eq!(column_letters(col), letters);
    Some((row, col))
}

/// A label without the note in brackets at its end: “（二）部分公开（区分处理的，……）” →
/// “（二）部分公开”, “本年收费金额（单位：万元）” → “本年收费金额”.
fn short(label: &str) -> &str {
    match label.strip_suffix('）').and_then(|l| l.rfind('（')) {
        Some(i) if i > 0 => {
            let head = label.get(..i).unwrap_or(label);
            // Not when the brackets are the numbering itself (“（七）总计” keeps them).
            if head
                .chars()
                .any(|c| !crate::label::is_numeral(c) && c != '（' && c != '）')
            {
                head
            } else {
                label
            }
        }
        _ => label,
    }
}

/// A figure's row and column labels: 「（二）部分公开」「商业企业」.
pub(crate) fn labels(id: CellId) -> String {
    let (row, col): (String, &str) = match id {
        CellId::T2(i) => match format::t2_cells().nth(i) {
            Some(c) => (
                short(c.row_item().label).to_string(),
                short(c.col_item().label),
            ),
            None => (String::new(), ""),
        },
        CellId::T3(r, c) => {
            let path = T3_ROWS.get(r).map_or(&[][..], |row| row.path);
            // The 三、本年度办理结果 group heads every result row; the row is named by the rest.
            let inner: Vec<&str> = path
                .iter()
                .skip(usize::from(path.len() > 1))
                .map(|l| short(l))
                .collect();
            (inner.join(" "), T3_COLS.get(c).map_or("", |c| c.label))
        }
        CellId::T4(g, r) => (
            T4_GROUPS.get(g).map_or("", |(g, _)| g.label).to_string(),
            T4_RESULTS.get(r).map_or("", |r| r.label),
        ),
    };
    format!("「{row}」「{col}」")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_are_short() {
        assert_eq!(labels(CellId::T3(3, 1)), "「（二）部分公开」「商业企业」");
        assert_eq!(
            labels(CellId::T3(4, 6)),
            "「（三）不予公开 1.属于国家秘密」「总计」"
        );
        assert_eq!(
            labels(CellId::T3(0, 0)),
            "「一、本年新收政府信息公开申请数量」「自然人」"
        );
        assert_eq!(labels(CellId::T3(23, 6)), "「（七）总计」「总计」");
        assert_eq!(labels(CellId::T4(0, 0)), "「行政复议」「结果维持」");
        assert_eq!(labels(CellId::T2(9)), "「行政事业性收费」「本年收费金额」");
        assert_eq!(labels(CellId::T2(0)), "「规章」「本年制发件数」");
    }

    #[test]
    fn addresses_parse_back() {
        assert_eq!(parse_a1("D7"), Some((6, 3)));
        assert_eq!(parse_a1("AA1"), Some((0, 26)));
        assert_eq!(parse_a1("A0"), None);
        assert_eq!(parse_a1("7"), None);
    }

    #[test]
    fn references_in_messages_are_named() {
        let grids = vec![GridInfo {
            index: 2,
            page: None,
            table: Some(Table::T3),
        }];
        let loc = Locator {
            document: true,
            grids,
            ..Locator::default()
        };
        assert_eq!(
            loc.in_text("第2个表格!B3 的“合计”填的是 5，第9个表格不存在。"),
            "表三 第3行第2列 的“合计”填的是 5，第9个表格不存在。"
        );
    }
}
