//! Finding the figures of the three statistics tables in grids of cells, by their labels.
//!
//! A grid is a grid: a worksheet, a table of a Word document, an HTML page or a PDF all come here
//! as [`Sheet`]s. Every figure is found the way a person finds it: by the labels written to its
//! left and above it. For each candidate cell the finder takes the nearest run of labelled cells
//! to its left and the nearest run above it (through merged cells; labels split over several
//! cells or lines are joined) and asks the catalogue which official cell has exactly those
//! labels. The official paths come from [`crate::layout`], so the same code reads the official
//! layout, a table turned on its side (applicant types as rows), table 四 with its groups as rows,
//! a statistics-bureau 报表 with code and unit columns, and a key-value sheet whose indicator
//! names the whole path (“三、本年度办理结果（三）不予公开 1.属于国家秘密 自然人 | 5”).
//!
//! Parent labels are optional; a label may be an accepted alias ([`format::ALIASES`]) or, when it
//! matches nothing, within [`format::fuzzy_limit`] of exactly one official label that fits its
//! place. Every such deviation is a READ-DEVIATION warning naming the cell. Where a person could
//! not tell which figure is which (two copies of a table with different figures, columns without
//! their own heads, two official labels equally near) the finder reports an error naming the cells.

// Cells, bytes and text come from the input: no indexing or slicing that can panic.
#![deny(clippy::indexing_slicing)]

use crate::diagnostics::{CellRef, Diagnostic};
use crate::format::{self, CellId, T3_ROWS};
use crate::label::key;
use crate::layout::{Content, Table};
use crate::number::{self, Parsed};
use crate::rules;
use crate::workbook::{Book, Sheet, Value};
use rustc_hash::FxHashMap as HashMap;
use smallvec::SmallVec;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

/// A position in a book: sheet index, 0-based row and column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Pos {
    /// Index of the sheet in [`Book::sheets`].
    pub sheet: usize,
    /// 0-based row.
    pub row: u32,
    /// 0-based column.
    pub col: u32,
}

impl Pos {
    /// A position (row, col) of a sheet.
    fn at(sheet: usize, (row, col): (u32, u32)) -> Pos {
        Pos { sheet, row, col }
    }
}

/// Most cells a message names.
const MAX_NAMED: usize = 20;
/// A merged range larger than this many cells is not spread over the cells it covers (a table's
/// label cells are far smaller; a whole-sheet merge would only cost time).
const MAX_MERGE_CELLS: u64 = 4096;
/// How far below its heads (rows) a column's figures may reach.
const MAX_DEPTH: u32 = 120;
/// Texts longer than this (characters) are never labels: no splitting or fuzzy matching.
const MAX_LABEL_CHARS: usize = 80;
/// Cells of one column that must read as 表三 codes (一, 三(三)1, …) before the column is read as
/// a code column.
const MIN_CODES: usize = 3;

// ---------------------------------------------------------------------------------------------
// The catalogue: official labels, aliases and paths, built once from format and layout

/// Index of an official label key of the three tables (fewer than 128, so sets are a `u128`).
type TextId = u8;

/// How a written label came to mean an official one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum How {
    /// The official wording (after `label::key`).
    Exact,
    /// An accepted alias: index into [`format::ALIASES`].
    Alias(u16),
    /// A 表三 code in a code column (三(三)1).
    Code,
    /// A text within the fuzzy limit of one label, as another position of its row or column
    /// settled it (where two misspelt labels cross, neither settles the other).
    Near,
}

impl How {
    fn alias(self) -> Option<u16> {
        match self {
            How::Alias(a) => Some(a),
            _ => None,
        }
    }
}

/// One thing a written label can mean.
#[derive(Debug, Clone, Copy)]
struct Meaning {
    text: TextId,
    how: How,
}

/// A set of labels that counts a label present twice (表三 3.其他 × 其他).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Bag {
    once: u128,
    twice: u128,
}

impl Bag {
    fn add(&mut self, t: TextId) {
        self.twice |= self.once & bit(t);
        self.once |= bit(t);
    }

    /// Whether every label of `need` is here, as many times.
    fn holds(self, need: Bag) -> bool {
        need.once & !self.once == 0 && need.twice & !self.twice == 0
    }
}

/// One data cell of a table as the official layout labels it.
#[derive(Debug)]
struct CellCat {
    id: CellId,
    /// Every label on the cell's paths (row labels to its left, heads above it), and the
    /// table-wide labels (the note of 表三, 信息内容).
    allowed: u128,
    /// The labels that single the cell out when row labels stand to the left and heads above
    /// (row side, head side), with repeats (表三 3.其他 × 其他 needs two “其他”).
    sided: [Vec<TextId>; 2],
    /// The labels that single it out wherever they stand (a key-value indicator naming the
    /// whole path, 表四 with its groups as rows).
    required: Vec<TextId>,
    /// The labels of `sided` and `required` as sets, to rule cells out before `covers`.
    sided_bits: [u128; 2],
    required_bits: u128,
}

#[derive(Debug, Default)]
struct TableCat {
    /// Every label of the table.
    texts: u128,
    cells: Vec<CellCat>,
    /// For a label: the cells whose required labels include it.
    by_required: HashMap<TextId, Vec<usize>>,
}

#[derive(Default)]
struct Catalogue {
    /// Official label keys by id.
    keys: Vec<String>,
    /// Ids by the official label as typed in `format`: labels sharing a key (row 3.其他 and
    /// column 其他) are different labels, and an alias of one is no alias of the other.
    by_label: HashMap<&'static str, TextId>,
    /// The official label as printed, by id.
    labels: Vec<&'static str>,
    /// Every wording (official keys, alias keys) and what it means.
    words: HashMap<String, Vec<Meaning>>,
    /// Wordings by first character, longest first, for splitting a cell into labels.
    by_first: HashMap<char, Vec<String>>,
    /// For each label id: the keys it may be written as (its own and its aliases'), for fuzzy
    /// matching.
    forms: Vec<Vec<String>>,
    tables: Vec<TableCat>,
    /// 表三 codes (一, 二, 三(一), 三(三)1 … 四) by their normalised form, as what they mean.
    codes: HashMap<String, Vec<Meaning>>,
    /// Heads that span several columns of heads in the official layout (行政复议, 法人或其他组织,
    /// 第二十条第（一）项), and row labels that span several rows of labels (（三）不予公开).
    across: u128,
    down: u128,
    /// Labels never matched as near misses: the block titles of 表二 (第二十条第（一）项 and
    /// 第二十条第（五）项 are one character apart), which only ever stand as parents.
    exact_only: u128,
    /// What a text settled as a near miss of a label means, by label id.
    near_meanings: Vec<[Meaning; 1]>,
    /// Keys of [`format::HELPER_HEADS`] and [`format::SUM_LABELS`].
    helpers: Vec<String>,
    sums: Vec<String>,
}

fn catalogue() -> &'static Catalogue {
    static CATALOGUE: OnceLock<Catalogue> = OnceLock::new();
    CATALOGUE.get_or_init(Catalogue::build)
}

fn bit(t: TextId) -> u128 {
    1u128.checked_shl(u32::from(t)).unwrap_or(0)
}

impl Catalogue {
    fn build() -> Catalogue {
        let mut cat = Catalogue {
            helpers: format::HELPER_HEADS.iter().map(|h| key(h)).collect(),
            sums: format::SUM_LABELS.iter().map(|h| key(h)).collect(),
            ..Catalogue::default()
        };
        // Official labels of the three tables, as the layouts place them.
        let layouts = Table::ALL.map(Table::layout);
        for layout in &layouts {
            for p in &layout.cells {
                let Some(label) = p.content.text() else {
                    continue;
                };
                let t = cat.intern(label);
                if let Content::BlockTitle(_) = p.content {
                    cat.exact_only |= bit(t);
                }
                match p.content {
                    Content::Label(_) if p.rows > 1 => cat.down |= bit(t),
                    Content::Header(_) | Content::BlockTitle(_) if p.cols > 1 => {
                        cat.across |= bit(t)
                    }
                    _ => {}
                }
            }
        }
        for (i, (a, (k, _))) in format::ALIASES.iter().zip(format::alias_keys()).enumerate() {
            // An alias of a 基本信息 field or a heading means no table label.
            let Some(&text) = cat.by_label.get(a.means) else {
                continue;
            };
            let how = How::Alias(u16::try_from(i).unwrap_or(u16::MAX));
            cat.words
                .entry(k.clone())
                .or_default()
                .push(Meaning { text, how });
            if let Some(forms) = cat.forms.get_mut(usize::from(text)) {
                forms.push(k.clone());
            }
        }
        for k in cat.words.keys() {
            if let Some(c) = k.chars().next() {
                cat.by_first.entry(c).or_default().push(k.clone());
            }
        }
        for list in cat.by_first.values_mut() {
            list.sort_by_key(|k| std::cmp::Reverse(k.chars().count()));
        }
        // 表三 codes: the numbering of each label on a row's path (三 + （三） + 1).
        for row in &T3_ROWS {
            let code: String = row.path.iter().map(|l| code_of(l)).collect();
            if let Some(text) = cat.id(row.label()) {
                let how = How::Code;
                cat.codes.insert(code, vec![Meaning { text, how }]);
            }
        }
        for layout in &layouts {
            let t = cat.table_cat(layout);
            cat.tables.push(t);
        }
        cat
    }

    fn intern(&mut self, label: &'static str) -> TextId {
        if let Some(&id) = self.by_label.get(label) {
            return id;
        }
        let k = key(label);
        let id = TextId::try_from(self.keys.len()).unwrap_or(TextId::MAX);
        self.words.entry(k.clone()).or_default().push(Meaning {
            text: id,
            how: How::Exact,
        });
        self.near_meanings.push([Meaning {
            text: id,
            how: How::Near,
        }]);
        self.forms.push(vec![k.clone()]);
        self.by_label.insert(label, id);
        self.keys.push(k);
        self.labels.push(label);
        id
    }

    fn id(&self, label: &str) -> Option<TextId> {
        self.by_label.get(label).copied()
    }

    /// The table's cells with their official paths: the official layout read by the same runs
    /// the finder reads a sheet with.
    fn table_cat(&self, layout: &crate::layout::Layout) -> TableCat {
        let texts = (layout.cells.iter())
            .filter_map(|p| self.id(p.content.text()?))
            .fold(0u128, |a, t| a | bit(t));
        let mut on_paths = 0u128;
        // Each data cell's labels, inner first, alternating sides: (side, label).
        let mut cells: Vec<(CellId, Vec<(usize, TextId)>)> = Vec::new();
        for (id, left, up) in layout.paths() {
            let sides = [&left, &up];
            let mut path = Vec::new();
            for i in 0..left.len().max(up.len()) {
                for (side, labels) in sides.iter().enumerate() {
                    let Some(&label) = labels.iter().rev().nth(i) else {
                        continue;
                    };
                    if let Some(t) = self.id(label) {
                        path.push((side, t));
                        on_paths |= bit(t);
                    }
                }
            }
            cells.push((id, path));
        }
        let table_wide = texts & !on_paths;
        // Each path as bags: either side, row side, head side.
        let bags: Vec<[Bag; 3]> = cells
            .iter()
            .map(|(_, path)| {
                let mut b = [Bag::default(); 3];
                for &(side, t) in path {
                    b[0].add(t);
                    if let Some(s) = b.get_mut(side + 1) {
                        s.add(t);
                    }
                }
                b
            })
            .collect();
        // The cells whose path holds a label, to start each search from.
        let holding = holders(cells.iter().map(|(_, path)| path.iter().map(|&(_, t)| t)));
        let mut out = Vec::new();
        for (id, path) in &cells {
            let start = path
                .first()
                .and_then(|(_, t)| holding.get(t))
                .cloned()
                .unwrap_or_default();
            // The shortest prefix of the path that no other cell also has, its labels wherever
            // they stand or by side; the cells still alike narrow with every label added.
            let prefix = |by_side: bool| {
                let mut out: [Vec<TextId>; 2] = [Vec::new(), Vec::new()];
                let mut need = [Bag::default(); 2];
                let mut alike = start.clone();
                for &(side, t) in path {
                    let side = if by_side { side } else { 0 };
                    if let (Some(s), Some(n)) = (out.get_mut(side), need.get_mut(side)) {
                        s.push(t);
                        n.add(t);
                    }
                    alike.retain(|&i| {
                        bags.get(i).is_some_and(|b| match by_side {
                            true => b[1].holds(need[0]) && b[2].holds(need[1]),
                            false => b[0].holds(need[0]),
                        })
                    });
                    if alike.len() <= 1 {
                        break;
                    }
                }
                out
            };
            let [required, _] = prefix(false);
            let sided = prefix(true);
            let allowed = path.iter().fold(table_wide, |a, &(_, t)| a | bit(t));
            let set = |v: &[TextId]| v.iter().fold(0u128, |a, &t| a | bit(t));
            out.push(CellCat {
                id: *id,
                allowed,
                sided_bits: [set(&sided[0]), set(&sided[1])],
                required_bits: set(&required),
                sided,
                required,
            });
        }
        let by_required = holders(
            out.iter()
                .map(|c| c.required.iter().chain(c.sided.iter().flatten()).copied()),
        );
        TableCat {
            texts,
            cells: out,
            by_required,
        }
    }

    /// What a cell's text means as labels: one or more consecutive labels covering the whole
    /// text (numbering between them skipped), or `None`.
    fn tokenize(&self, k: &str) -> Option<Vec<&[Meaning]>> {
        if k.is_empty() {
            return None;
        }
        // Long texts (narrative) are no labels: not even hashed.
        if k.len() > MAX_LABEL_CHARS * 3 {
            return None;
        }
        if let Some(m) = self.words.get(k) {
            return Some(vec![m.as_slice()]);
        }
        let mut out = Vec::new();
        let mut rest = k;
        while let Some(c) = rest.chars().next() {
            let word = self
                .by_first
                .get(&c)
                .and_then(|ws| ws.iter().find(|w| rest.starts_with(w.as_str())));
            match word {
                Some(w) => {
                    out.extend(self.words.get(w).map(Vec::as_slice));
                    rest = rest.get(w.len()..).unwrap_or("");
                }
                // Numbering between labels (（三）, 1.) was kept by `key` inside a line.
                None if is_numeral(c) => rest = rest.get(c.len_utf8()..).unwrap_or(""),
                None => return None,
            }
        }
        (!out.is_empty()).then_some(out)
    }

    /// The official labels within the fuzzy limit of `k`, with their distances.
    fn near(&self, k: &str) -> Vec<(TextId, usize)> {
        let n = k.chars().count();
        if n > MAX_LABEL_CHARS {
            return Vec::new();
        }
        let mut out = Vec::new();
        for (t, forms) in (0..=TextId::MAX).zip(&self.forms) {
            if self.exact_only & bit(t) != 0 {
                continue;
            }
            let best = forms
                .iter()
                .filter_map(|f| {
                    let m = f.chars().count();
                    let limit = format::fuzzy_limit(m);
                    (limit > 0 && n.abs_diff(m) <= limit)
                        .then(|| strsim::levenshtein(k, f))
                        .filter(|&d| d <= limit)
                })
                .min();
            out.extend(best.map(|d| (t, d)));
        }
        out
    }

    fn label(&self, t: TextId) -> &'static str {
        self.labels.get(usize::from(t)).copied().unwrap_or("")
    }
}

use crate::label::is_numeral;

/// For each label, the indices of the items (in order, each once) whose labels include it.
fn holders(
    items: impl Iterator<Item = impl Iterator<Item = TextId>>,
) -> HashMap<TextId, Vec<usize>> {
    let mut out: HashMap<TextId, Vec<usize>> = HashMap::default();
    for (i, labels) in items.enumerate() {
        for t in labels {
            let list = out.entry(t).or_default();
            if list.last() != Some(&i) {
                list.push(i);
            }
        }
    }
    out
}

/// The numbering of a label as a code part: “三、本年度办理结果” → 三, “（三）不予公开” → (三),
/// “1.属于国家秘密” → 1.
fn code_of(label: &str) -> String {
    let t = crate::label::nfkc(label);
    if let Some(rest) = t.strip_prefix('(') {
        let inner: String = rest.chars().take_while(|&c| is_numeral(c)).collect();
        return format!("({inner})");
    }
    t.chars().take_while(|&c| is_numeral(c)).collect()
}

/// A cell's text as a 表三 code: NFKC, only numerals and parentheses kept; `None` unless it looks
/// like one (starts with a Chinese numeral, nothing but numerals and parentheses).
fn as_code(t: &str) -> Option<String> {
    let first = t.trim_start().chars().next()?;
    if !matches!(first, '一' | '二' | '三' | '四') {
        return None;
    }
    let s: String = crate::label::nfkc(t)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    let s = s.trim_end_matches(['.', '、']);
    let first = s.chars().next()?;
    ("一二三四".contains(first)
        && s.chars().all(|c| is_numeral(c) || c == '(' || c == ')')
        && s.chars().count() <= 6)
        .then(|| s.to_string())
}

/// A table pasted without its merges keeps a spanning head only in its first cell: “行政复议”
/// over the first of its five columns, blanks beside it, the five result heads below. A person
/// reads the blanks as part of the head; so does the finder: a label followed by empty cells,
/// under which (beside which, for row labels) the next line goes on with heads, covers them.
fn spread_unmerged_heads(cat: &Catalogue, occ: &mut BTreeMap<(u32, u32), Occ>, texts: &[TextCell]) {
    // Only labels that span in the official layout: a row label must not spread over the blank
    // figures after it.
    let spanning = cat.across | cat.down;
    let mut starts: Vec<(u32, u32)> = occ
        .iter()
        .filter(|(_, o)| match o {
            Occ::Text(i) => texts.get(*i).is_some_and(|t| {
                t.labels
                    .iter()
                    .copied()
                    .flatten()
                    .any(|m| spanning & bit(m.text) != 0)
            }),
            _ => false,
        })
        .map(|(&at, _)| at)
        .collect();
    let texty = |occ: &BTreeMap<(u32, u32), Occ>, at: (u32, u32)| {
        occ.get(&at).is_some_and(|&o| text_at(occ, o).is_some())
    };
    // Heads across, lowest row first (a group's heads spread before the group over them); then
    // row labels down, rightmost column first. Spreading adds only covered cells, so `starts`
    // holds for both.
    for across in [true, false] {
        starts.sort_by_key(|&at| {
            let (line, place) = oriented(at, across);
            (std::cmp::Reverse(line), place)
        });
        for &(r, c) in &starts {
            if !texty(occ, step((r, c), !across)) {
                continue;
            }
            let mut at = step((r, c), across);
            while !occ.contains_key(&at) && texty(occ, step(at, !across)) {
                occ.insert(at, Occ::Covered(r, c));
                at = step(at, across);
            }
        }
    }
}

/// A position as (line, place along the line): (row, column) across a row, (column, row) down a
/// column; the same function turns it back.
fn oriented((r, c): (u32, u32), across: bool) -> (u32, u32) {
    if across {
        (r, c)
    } else {
        (c, r)
    }
}

/// The next position across a row, or down a column.
fn step((r, c): (u32, u32), across: bool) -> (u32, u32) {
    if across {
        (r, c.saturating_add(1))
    } else {
        (r.saturating_add(1), c)
    }
}

/// The text cell shown at an occupied position (through a merge), if any.
fn text_at(occ: &BTreeMap<(u32, u32), Occ>, o: Occ) -> Option<usize> {
    match o {
        Occ::Text(i) => Some(i),
        Occ::Covered(r, c) => match occ.get(&(r, c)) {
            Some(Occ::Text(i)) => Some(*i),
            _ => None,
        },
        Occ::Value => None,
    }
}

// ---------------------------------------------------------------------------------------------
// A grid scanned into labelled runs

/// What occupies a grid position.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Occ {
    /// A text cell (index into [`Grid::texts`]).
    Text(usize),
    /// A figure, a placeholder (—, /) or any non-text value.
    Value,
    /// Covered by the merged range whose top-left cell is here.
    Covered(u32, u32),
}

/// A text cell: what it means as labels, if anything.
#[derive(Debug)]
struct TextCell<'a> {
    at: (u32, u32),
    key: std::borrow::Cow<'a, str>,
    /// Consecutive labels the text is made of (what each may mean, from the catalogue); empty
    /// for a text that is no label.
    labels: Vec<&'a [Meaning]>,
}

/// A label as the finder met it in a run.
#[derive(Debug, Clone)]
struct Tok<'a> {
    /// The cell it was written in (the first cell of a label split over several).
    at: (u32, u32),
    /// Where its cell begins along the run's line (the column of a row run, the row of a column
    /// run; for a merged cell, the first it covers in this line).
    pos: u32,
    meanings: &'a [Meaning],
    /// The key of a text that is no label (kept for fuzzy matching).
    unknown: Option<String>,
    /// Every label it may mean, as a set.
    bits: u128,
}

/// Consecutive text cells in a row (left to right) or a column (top to bottom), not interrupted
/// by a figure.
#[derive(Debug, Default)]
struct Run<'a> {
    /// First and last row (column runs) or column (row runs) it covers.
    start: u32,
    end: u32,
    toks: Vec<Tok<'a>>,
    /// Whether any token means a label.
    labelled: bool,
    /// Where its last label ends: texts after it (a figure typed as words) may be positions.
    label_end: u32,
    /// Its last text (index into [`Grid::texts`]): a helper column's head, a 合计 line's label.
    last: Option<usize>,
}

/// The tokens before `before` of the nearest run in `runs` that has labels there, not beyond a
/// wholly empty line (`filled` holds the lines with any cell): a table stacked under another,
/// after a blank row, does not read the heads of the one above.
fn nearest<'r, 'a>(
    runs: &'r [Run<'a>],
    before: u32,
    filled: &BTreeSet<u32>,
) -> Option<&'r [Tok<'a>]> {
    let run = runs
        .iter()
        .rev()
        .filter(|run| run.start < before)
        .find(|run| {
            run.toks
                .iter()
                .any(|t| t.pos < before && !t.meanings.is_empty())
        })?;
    let n = run.toks.iter().take_while(|t| t.pos < before).count();
    let toks = run.toks.get(..n)?;
    let end = run.end.min(before.saturating_sub(1));
    let lines = before.saturating_sub(end).saturating_sub(1) as usize;
    (filled.range(end.saturating_add(1)..before).count() == lines).then_some(toks)
}

struct Grid<'a> {
    sheet: &'a Sheet,
    index: usize,
    occ: BTreeMap<(u32, u32), Occ>,
    texts: Vec<TextCell<'a>>,
    /// Runs per row, left to right; per column, top to bottom.
    rows: BTreeMap<u32, Vec<Run<'a>>>,
    cols: BTreeMap<u32, Vec<Run<'a>>>,
    /// Rows and columns with any cell (the others separate tables).
    filled_rows: BTreeSet<u32>,
    filled_cols: BTreeSet<u32>,
    /// Rows and columns with a figure (or a placeholder, or any non-text value).
    value_rows: BTreeSet<u32>,
    value_cols: BTreeSet<u32>,
}

impl<'a> Grid<'a> {
    /// Reads a sheet into runs; `keys` gives the key of a text cell when the caller has it.
    fn scan(
        cat: &'a Catalogue,
        sheet: &'a Sheet,
        index: usize,
        keys: &dyn Fn(Pos) -> Option<&'a str>,
    ) -> Grid<'a> {
        let mut occ: BTreeMap<(u32, u32), Occ> = BTreeMap::new();
        let mut texts = Vec::new();
        for (&at, v) in &sheet.cells {
            let o = match v {
                Value::Text(t) if number::parse(t) == Parsed::NotANumber => {
                    let known = keys(Pos::at(index, at));
                    let k = known.map_or_else(|| key(t).into(), std::borrow::Cow::Borrowed);
                    let labels = cat.tokenize(&k).unwrap_or_default();
                    texts.push(TextCell { at, key: k, labels });
                    Occ::Text(texts.len() - 1)
                }
                _ => Occ::Value,
            };
            occ.insert(at, o);
        }
        // 表三 codes count only in a column holding several of them.
        let mut code_cols: HashMap<u32, usize> = HashMap::default();
        let codes: Vec<Option<&'a [Meaning]>> = texts
            .iter()
            .map(|tc| {
                let t = match sheet.get(tc.at.0, tc.at.1) {
                    Some(Value::Text(t)) if tc.labels.is_empty() => t,
                    _ => return None,
                };
                let code = as_code(t).and_then(|c| cat.codes.get(&c).map(Vec::as_slice));
                if code.is_some() {
                    *code_cols.entry(tc.at.1).or_default() += 1;
                }
                code
            })
            .collect();
        for (tc, code) in texts.iter_mut().zip(codes) {
            if let Some(code) = code {
                if code_cols.get(&tc.at.1).copied().unwrap_or(0) >= MIN_CODES {
                    tc.labels = vec![code];
                }
            }
        }
        for &((r0, c0), (r1, c1)) in &sheet.merges {
            let size = u64::from(r1.saturating_sub(r0) + 1) * u64::from(c1.saturating_sub(c0) + 1);
            if size > MAX_MERGE_CELLS || !occ.contains_key(&(r0, c0)) {
                continue;
            }
            for r in r0..=r1 {
                for c in c0..=c1 {
                    if (r, c) != (r0, c0) {
                        occ.entry((r, c)).or_insert(Occ::Covered(r0, c0));
                    }
                }
            }
        }
        // A sheet without a single label (基本信息, 报告正文) holds no table: no runs to build.
        if texts.iter().all(|t| t.labels.is_empty()) {
            occ.clear();
        }
        spread_unmerged_heads(cat, &mut occ, &texts);
        let values = || {
            occ.iter()
                .filter(|(_, o)| **o == Occ::Value)
                .map(|(&at, _)| at)
        };
        let mut g = Grid {
            filled_rows: occ.keys().map(|at| at.0).collect(),
            filled_cols: occ.keys().map(|at| at.1).collect(),
            value_rows: values().map(|at| at.0).collect(),
            value_cols: values().map(|at| at.1).collect(),
            sheet,
            index,
            occ,
            texts,
            rows: BTreeMap::new(),
            cols: BTreeMap::new(),
        };
        // Runs of every row and column that shows any text.
        let mut cells: Vec<((u32, u32), Occ)> = g.occ.iter().map(|(&at, &o)| (at, o)).collect();
        g.rows = g.lines(cat, &cells, true);
        cells.sort_unstable_by_key(|&((r, c), _)| (c, r));
        g.cols = g.lines(cat, &cells, false);
        g
    }

    /// The runs of each row (`across`) or column, from `cells` in the order of those lines.
    fn lines(
        &self,
        cat: &'a Catalogue,
        cells: &[((u32, u32), Occ)],
        across: bool,
    ) -> BTreeMap<u32, Vec<Run<'a>>> {
        // Figures in a column (row) tell where a row's (column's) labels end.
        let data = if across {
            &self.value_cols
        } else {
            &self.value_rows
        };
        let mut out = BTreeMap::new();
        for line in cells.chunk_by(|a, b| oriented(a.0, across).0 == oriented(b.0, across).0) {
            if let Some(&(at, _)) = line.first() {
                let mut places = line.iter().map(|&(at, o)| (oriented(at, across).1, o));
                let runs = self.runs(cat, &mut places, data);
                if !runs.is_empty() {
                    out.insert(oriented(at, across).0, runs);
                }
            }
        }
        out
    }

    /// Splits one line (a row or a column, in order) into runs of text cells.
    fn runs(
        &self,
        cat: &'a Catalogue,
        line: &mut dyn Iterator<Item = (u32, Occ)>,
        data: &BTreeSet<u32>,
    ) -> Vec<Run<'a>> {
        let mut out = Vec::new();
        // (coordinate, text index), one per merged range; where the run starts and last reached.
        let mut cells: Vec<(u32, usize)> = Vec::new();
        let mut span: Option<(u32, u32)> = None;
        let flush = |cells: &mut Vec<(u32, usize)>,
                     span: &mut Option<(u32, u32)>,
                     out: &mut Vec<Run<'a>>| {
            if let Some((start, end)) = span.take() {
                out.push(self.run(cat, start, end, cells, data));
            }
            cells.clear();
        };
        for (at, o) in line {
            // An empty cell ends a run: a blank figure must not join the heads above and below
            // it, nor a table the one stacked under it.
            if span.is_some_and(|(_, end)| end.saturating_add(1) != at) {
                flush(&mut cells, &mut span, &mut out);
            }
            match text_at(&self.occ, o) {
                Some(i) => {
                    if cells.last().map(|&(_, j)| j) != Some(i) {
                        cells.push((at, i));
                    }
                    span = Some((span.map_or(at, |s| s.0), at));
                }
                None => flush(&mut cells, &mut span, &mut out),
            }
        }
        flush(&mut cells, &mut span, &mut out);
        out
    }

    /// One run's labels. A text that is no label on its own is joined with the texts after it
    /// (“社会公益” over “组织”) when together they are.
    fn run(
        &self,
        cat: &'a Catalogue,
        start: u32,
        end: u32,
        cells: &[(u32, usize)],
        data: &BTreeSet<u32>,
    ) -> Run<'a> {
        let mut run = Run {
            start,
            end,
            ..Run::default()
        };
        let mut i = 0;
        while let Some(&(pos, ti)) = cells.get(i) {
            let Some(tc) = self.texts.get(ti) else {
                i += 1;
                continue;
            };
            run.last = Some(ti);
            let push = |toks: &mut Vec<Tok<'a>>, labels: &[&'a [Meaning]]| {
                toks.extend(labels.iter().map(|&m| Tok {
                    at: tc.at,
                    pos,
                    meanings: m,
                    unknown: None,
                    bits: m.iter().fold(0, |a, x| a | bit(x.text)),
                }))
            };
            if !tc.labels.is_empty() {
                push(&mut run.toks, &tc.labels);
                i += 1;
                continue;
            }
            let mut joined = tc.key.to_string();
            let mut used = 1;
            let mut found = None;
            for (n, &(_, tj)) in cells.iter().enumerate().skip(i + 1).take(2) {
                let Some(next) = self.texts.get(tj).filter(|t| t.labels.is_empty()) else {
                    break;
                };
                joined.push_str(&next.key);
                if let Some(labels) = cat.tokenize(&joined) {
                    found = Some(labels);
                    used = n + 1 - i;
                    break;
                }
            }
            match found {
                Some(labels) => {
                    push(&mut run.toks, &labels);
                    for &(_, tj) in cells.iter().skip(i + 1).take(used - 1) {
                        run.last = Some(tj);
                    }
                }
                // Only a short text can be a misspelt label.
                None if !tc.key.is_empty() && tc.key.len() <= MAX_LABEL_CHARS * 3 => {
                    run.toks.push(Tok {
                        at: tc.at,
                        pos,
                        meanings: &[],
                        unknown: Some(tc.key.to_string()),
                        bits: 0,
                    })
                }
                None => {}
            }
            i += used;
        }
        run.labelled = run.toks.iter().any(|t| !t.meanings.is_empty());
        // A text after the labels, in a line of figures, may be a figure typed as words.
        let last = run.toks.iter().rposition(|t| !t.meanings.is_empty());
        run.label_end = last
            .and_then(|i| run.toks.iter().skip(i + 1).find(|t| data.contains(&t.pos)))
            .map_or(run.end, |t| t.pos.saturating_sub(1));
        run
    }

    /// The labels of the nearest labelled run to the left of (r, c) in row r (only those left
    /// of c: a text typed where a figure belongs joins the labels' run).
    fn left_run(&self, r: u32, c: u32) -> Option<&[Tok<'a>]> {
        nearest(self.rows.get(&r)?, c, &self.filled_cols)
    }

    /// The labels of the nearest labelled run above (r, c) in column c.
    fn up_run(&self, r: u32, c: u32) -> Option<&[Tok<'a>]> {
        nearest(self.cols.get(&c)?, r, &self.filled_rows)
    }

    /// The nearest run of any text above (r, c), labelled or not: a helper column's head.
    fn head_above(&self, r: u32, c: u32) -> Option<&Run<'a>> {
        self.cols.get(&c)?.iter().rev().find(|run| run.end < r)
    }

    /// The nearest run of any text left of (r, c).
    fn head_left(&self, r: u32, c: u32) -> Option<&Run<'a>> {
        self.rows.get(&r)?.iter().rev().find(|run| run.end < c)
    }

    /// Positions that may hold a figure: where a labelled row meets a labelled column, and the
    /// first cell after a labelled run (a head whose labels alone name a cell, as 表四's do, or
    /// a key-value indicator).
    fn positions(&self) -> BTreeSet<(u32, u32)> {
        let mut out = BTreeSet::new();
        // A text that is no label stands where a figure belongs only in a row of figures (not
        // among heads).
        let free = |at: &(u32, u32)| match self.occ.get(at) {
            Some(Occ::Covered(..)) => false,
            Some(Occ::Text(_)) => !self.is_label(*at) && self.value_rows.contains(&at.0),
            _ => true,
        };
        for (&c, runs) in &self.cols {
            for (i, run) in runs.iter().enumerate().filter(|(_, r)| r.labelled) {
                let below = runs
                    .iter()
                    .skip(i + 1)
                    .find(|r| r.labelled)
                    .map_or(run.end.saturating_add(MAX_DEPTH), |r| r.start);
                let first = run.label_end.saturating_add(1);
                // The first row under the heads: past a column-number row (甲 乙 1 2 3 …) and
                // past the rest of the heads of other columns (表四's results under 行政诉讼).
                let data = (first..first.saturating_add(4))
                    .find(|&r| !self.helper_row(r) && !self.heads_at_or_after(r, c))
                    .unwrap_or(first);
                if free(&(data, c)) {
                    out.insert((data, c));
                }
                for (&r, row_runs) in self.rows.range(first..below) {
                    if row_runs.iter().any(|x| x.labelled && x.start < c) && free(&(r, c)) {
                        out.insert((r, c));
                    }
                }
            }
        }
        for (&r, runs) in &self.rows {
            for run in runs.iter().filter(|x| x.labelled) {
                // The first column after the labels, past helper columns (代码, 计量单位).
                let first = run.label_end.saturating_add(1);
                // Preferably a cell holding a figure: an unmerged label leaves the rest of its
                // span blank before the figures (表四 turned on its side).
                let window: Vec<u32> = (first..first.saturating_add(4))
                    .filter(|&c| !self.helper_col(c, r))
                    .collect();
                let data = window
                    .iter()
                    .copied()
                    .find(|&c| self.occ.get(&(r, c)) == Some(&Occ::Value))
                    .or_else(|| window.first().copied())
                    .unwrap_or(first);
                if free(&(r, data)) {
                    out.insert((r, data));
                }
            }
        }
        out
    }

    /// Whether row r holds labels right of column c: it is still part of the heads (表四's
    /// results under 行政诉讼 beside the blank under 行政复议's results, unmerged).
    fn heads_at_or_after(&self, r: u32, c: u32) -> bool {
        self.rows
            .get(&r)
            .is_some_and(|runs| runs.iter().any(|x| x.labelled && x.start > c))
    }

    /// A row of column numbers under the heads: labelled 甲/乙/栏次, or holding 1, 2, 3 … .
    fn helper_row(&self, r: u32) -> bool {
        let labelled = self.ends_in(
            self.rows.get(&r).and_then(|runs| runs.first()),
            &catalogue().helpers,
        );
        let numbers: Vec<f64> = self
            .occ
            .range((r, 0)..(r.saturating_add(1), 0))
            .filter_map(|(&(_, c), _)| match figure(self.sheet.get(r, c)) {
                Copy::Number(x) => Some(x),
                _ => None,
            })
            .collect();
        let counting = numbers.len() >= 3
            && numbers.first() == Some(&1.0)
            && numbers
                .windows(2)
                .all(|w| matches!(w, [a, b] if *b == *a + 1.0));
        labelled || counting
    }

    /// A helper column at c: its head above row r is 代码, 计量单位, 序号 ….
    fn helper_col(&self, c: u32, r: u32) -> bool {
        self.ends_in(self.head_above(r, c), &catalogue().helpers)
    }

    /// Whether a run's last text is one of `keys` (helper heads, total labels).
    fn ends_in(&self, run: Option<&Run>, keys: &[String]) -> bool {
        run.and_then(|run| self.last_key(run))
            .is_some_and(|k| keys.iter().any(|h| h == k))
    }

    fn is_label(&self, at: (u32, u32)) -> bool {
        match self.occ.get(&at) {
            Some(Occ::Text(i)) => self.texts.get(*i).is_some_and(|t| !t.labels.is_empty()),
            _ => false,
        }
    }

    /// The key of a run's last text.
    fn last_key(&self, run: &Run) -> Option<&str> {
        self.texts.get(run.last?).map(|t| t.key.as_ref())
    }

    fn cell_ref(&self, (r, c): (u32, u32)) -> CellRef {
        CellRef::new(&self.sheet.name, r, c)
    }

    fn pos(&self, at: (u32, u32)) -> Pos {
        Pos::at(self.index, at)
    }
}

// ---------------------------------------------------------------------------------------------
// Resolving a position to an official cell

/// A label that was read other than in its official wording.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Deviation {
    /// The official label.
    text: TextId,
    /// The alias used, or `None` for a fuzzy match.
    alias: Option<u16>,
    /// The cell it is written in.
    at: (u32, u32),
}

/// Which way round a position's labels named its cell.
#[derive(Debug, Clone, Copy, Default)]
struct Ways {
    /// Row labels to the left, heads above, as the format draws the table.
    official: bool,
    /// Turned on its side: the format's heads to the left, its row labels above.
    turned: bool,
    /// Named from wherever the labels stand, with the row's labels read before the head's (a
    /// key-value indicator “（七）总计 | 其他” is row （七）总计, column 其他).
    in_order: bool,
}

/// One official cell a position's labels name.
#[derive(Debug, Clone)]
struct Match {
    table: usize,
    cell: usize,
    ways: Ways,
    /// The deviations read on the way.
    devs: Vec<Deviation>,
}

#[derive(Debug)]
enum Resolution {
    /// The official cells the labels name (one, or two that only the table's orientation tells
    /// apart, such as （七）总计 × 其他 and 3.其他 × 总计).
    Cells(Vec<Match>),
    /// A label that matches nothing is near two official labels that would both fit.
    TwoNear((u32, u32), TextId, TextId),
    /// The position has labels of a table on both sides but no official cell has them all:
    /// `fits` cells are consistent with them (more than one: a head is missing; none: the row
    /// and the column do not belong together).
    Unresolved { table: usize, fits: usize },
    /// Nothing to do with any table.
    Nothing,
}

/// The labels of a run that can speak for a table, nearest first: labels of other tables end
/// the run (a table stacked right under another); texts that are no label are skipped.
fn labels_for<'r, 'a>(
    run: Option<&'r [Tok<'a>]>,
    tc: &TableCat,
    unknown: &mut Toks<'r, 'a>,
) -> Toks<'r, 'a> {
    let mut out = Toks::new();
    for tok in run.iter().flat_map(|toks| toks.iter().rev()) {
        if tok.meanings.is_empty() {
            unknown.push(tok);
        } else if tok.bits & tc.texts != 0 {
            out.push(tok);
        } else {
            break;
        }
    }
    out
}

/// Tokens of one position: a few, kept on the stack (a position is resolved for every cell).
type Toks<'r, 'a> = SmallVec<[&'r Tok<'a>; 8]>;

/// Whether, in one run (`toks`, nearest first), the labels of a cell's row come before those of
/// its head in reading order (a run naming only one side is in order).
fn rows_read_first(c: &CellCat, toks: &[&Tok]) -> bool {
    let has = |t: &Tok, side: &[TextId]| t.meanings.iter().any(|m| side.contains(&m.text));
    let last_head = toks.iter().position(|t| has(t, &c.sided[1]));
    let first_row = toks.iter().rposition(|t| has(t, &c.sided[0]));
    match (last_head, first_row) {
        (Some(h), Some(r)) => h < r,
        _ => true,
    }
}

/// Whether tokens name cell `c`: none of `all` contradicts it, and in each group the required
/// labels are covered by distinct tokens of the group (official wordings preferred); `extra` is
/// an unknown text taken as a misspelling of one label. Returns the deviations used.
fn covers(
    c: &CellCat,
    all: &[&Tok],
    groups: &[(&[&Tok], &[TextId])],
    extra: Option<(&Tok, TextId)>,
) -> Option<Vec<Deviation>> {
    if !all.iter().all(|t| t.bits & c.allowed != 0) {
        return None;
    }
    let mut extra_used = false;
    let mut devs = Vec::new();
    for (toks, needs) in groups {
        let mut used = 0u64;
        for &need in needs.iter() {
            let rank = |h: How| match h {
                How::Exact | How::Code => 0u8,
                How::Alias(_) => 1,
                How::Near => 2,
            };
            let best = toks
                .iter()
                .enumerate()
                .filter(|(i, _)| *i < 64 && used & (1 << i) == 0)
                .filter_map(|(i, t)| {
                    t.meanings
                        .iter()
                        .filter(|m| m.text == need)
                        .map(|m| (rank(m.how), i, m.how, t.at))
                        .min_by_key(|x| x.0)
                })
                .min_by_key(|x| x.0);
            match best {
                Some((rank, i, how, at)) => {
                    used |= 1 << i;
                    if rank > 0 {
                        devs.push(Deviation {
                            text: need,
                            alias: how.alias(),
                            at,
                        });
                    }
                }
                None => match extra {
                    Some((tok, text)) if text == need && !extra_used => {
                        extra_used = true;
                        devs.push(Deviation {
                            text,
                            alias: None,
                            at: tok.at,
                        });
                    }
                    _ => return None,
                },
            }
        }
    }
    // Every label read in another wording is a deviation, parents included.
    for t in all {
        let exact = t
            .meanings
            .iter()
            .any(|m| !matches!(m.how, How::Alias(_)) && c.allowed & bit(m.text) != 0);
        let alias = t.meanings.iter().find_map(|m| {
            m.how
                .alias()
                .filter(|_| c.allowed & bit(m.text) != 0)
                .map(|a| (a, m.text))
        });
        if let (false, Some((a, text))) = (exact, alias) {
            let d = Deviation {
                text,
                alias: Some(a),
                at: t.at,
            };
            if !devs.contains(&d) {
                devs.push(d);
            }
        }
    }
    Some(devs)
}

struct Resolver<'c> {
    cat: &'c Catalogue,
    /// Fuzzy matches of unknown texts, computed once per text.
    near: HashMap<String, Vec<(TextId, usize)>>,
}

impl Resolver<'_> {
    fn resolve(&mut self, left: Option<&[Tok]>, up: Option<&[Tok]>) -> Resolution {
        let mut found: Vec<Match> = Vec::new();
        let mut unresolved: Option<(usize, usize)> = None;
        let mut fuzzy: Vec<(usize, usize, (u32, u32), TextId)> = Vec::new();
        let all = |run: Option<&[Tok]>| run.into_iter().flatten().fold(0u128, |a, t| a | t.bits);
        let present = all(left) | all(up);
        for (ti, tc) in self.cat.tables.iter().enumerate() {
            if present & tc.texts == 0 {
                continue;
            }
            let mut unknown = Toks::new();
            let l = labels_for(left, tc, &mut unknown);
            let u = labels_for(up, tc, &mut unknown);
            if l.is_empty() && u.is_empty() {
                continue;
            }
            let toks: Toks = l.iter().chain(&u).copied().collect();
            let mut candidates: SmallVec<[usize; 32]> = SmallVec::new();
            for m in toks.iter().flat_map(|t| t.meanings.iter()) {
                for &c in tc.by_required.get(&m.text).into_iter().flatten() {
                    if !candidates.contains(&c) {
                        candidates.push(c);
                    }
                }
            }
            let before = found.len();
            let bits = |ts: &[&Tok]| ts.iter().fold(0u128, |a, t| a | t.bits);
            let (lb, ub) = (bits(&l), bits(&u));
            let within = |need: u128, have: u128| need & !have == 0;
            for &ci in &candidates {
                let Some(c) = tc.cells.get(ci) else { continue };
                let [rows, heads] = [c.sided[0].as_slice(), c.sided[1].as_slice()];
                let [rb, hb] = c.sided_bits;
                // The labels of one side of the cell to the left, of the other above.
                let sided = |(lb_need, left): (u128, &[TextId]),
                             (ub_need, up): (u128, &[TextId])| {
                    (within(lb_need, lb) && within(ub_need, ub))
                        .then(|| covers(c, &toks, &[(&l, left), (&u, up)], None))
                        .flatten()
                };
                let official = sided((rb, rows), (hb, heads));
                let turned = sided((hb, heads), (rb, rows));
                let anyhow =
                    (official.is_none() && turned.is_none() && within(c.required_bits, lb | ub))
                        .then(|| covers(c, &toks, &[(&toks, &c.required)], None))
                        .flatten();
                let ways = Ways {
                    official: official.is_some(),
                    turned: turned.is_some(),
                    in_order: anyhow.is_some() && rows_read_first(c, &l) && rows_read_first(c, &u),
                };
                if let Some(devs) = official.or(turned).or(anyhow) {
                    found.push(Match {
                        table: ti,
                        cell: ci,
                        ways,
                        devs,
                    });
                }
            }
            let mut fits = 0;
            if found.len() == before {
                // No cell has all these labels. Count those they fit, and try each text that is
                // no label as a misspelling of the one label such a cell still lacks.
                for &ci in &candidates {
                    let Some(c) = tc.cells.get(ci) else { continue };
                    let consistent = toks.iter().all(|t| t.bits & c.allowed != 0);
                    if !consistent {
                        continue;
                    }
                    fits += 1;
                    for tok in &unknown {
                        let Some(k) = &tok.unknown else { continue };
                        let near = self
                            .near
                            .entry(k.clone())
                            .or_insert_with(|| self.cat.near(k));
                        for &(text, _) in near.iter() {
                            let group = [(&toks[..], &c.required[..])];
                            if covers(c, &toks, &group, Some((tok, text))).is_some() {
                                fuzzy.push((ti, ci, tok.at, text));
                            }
                        }
                    }
                }
            }
            if found.len() == before && !l.is_empty() && !u.is_empty() {
                unresolved.get_or_insert((ti, fits));
            }
        }
        if !found.is_empty() {
            return Resolution::Cells(found);
        }
        let mut texts: Vec<TextId> = fuzzy.iter().map(|f| f.3).collect();
        texts.sort_unstable();
        texts.dedup();
        match (texts.as_slice(), fuzzy.first()) {
            ([_], Some(&(table, _, at, text))) => {
                let cells: BTreeSet<usize> = fuzzy.iter().map(|f| f.1).collect();
                if let (1, Some(&cell)) = (cells.len(), cells.first()) {
                    return Resolution::Cells(vec![Match {
                        table,
                        cell,
                        ways: Ways::default(),
                        devs: vec![Deviation {
                            text,
                            alias: None,
                            at,
                        }],
                    }]);
                }
            }
            ([a, b, ..], Some(&(_, _, at, _))) => return Resolution::TwoNear(at, *a, *b),
            _ => {}
        }
        match unresolved {
            Some((table, fits)) => Resolution::Unresolved { table, fits },
            None => Resolution::Nothing,
        }
    }

    fn cell_id(&self, t: usize, c: usize) -> Option<CellId> {
        self.cat.tables.get(t)?.cells.get(c).map(|c| c.id)
    }
}

// ---------------------------------------------------------------------------------------------
// The whole book

/// A total line a workbook adds where the format has none (a 合计 row under 表二): the cell it
/// is written in and the figures it adds up.
#[derive(Debug, Clone)]
pub struct Sum {
    /// Where the total is written.
    pub at: Pos,
    /// The label as written (合计, 小计).
    pub label: String,
    /// The cells it adds up.
    pub parts: Vec<CellId>,
}

/// What the finder found in a book.
#[derive(Debug, Default)]
pub struct Found {
    /// Where each figure stands (one place per figure).
    pub at: BTreeMap<CellId, Pos>,
    /// Which of the three tables were found (in [`Table::ALL`] order).
    pub tables: [bool; 3],
    /// Totals the workbook adds where the format has none.
    pub sums: Vec<Sum>,
    /// Structural findings: deviations, duplicates, missing rows, ambiguity.
    pub diagnostics: Vec<Diagnostic>,
}

/// One figure's place as found, with the deviations that led to it.
#[derive(Debug, Clone)]
struct Hit {
    pos: Pos,
    devs: Vec<Deviation>,
    /// The first row label to its left, where a message about its table points.
    label: Option<(u32, u32)>,
}

/// Finds the three tables in every sheet of a book.
pub fn find<'k>(book: &'k Book, keys: &dyn Fn(Pos) -> Option<&'k str>) -> Found {
    let cat = catalogue();
    let mut resolver = Resolver {
        cat,
        near: HashMap::default(),
    };
    let grids: Vec<Grid> = book
        .sheets
        .iter()
        .enumerate()
        .map(|(i, s)| Grid::scan(cat, s, i, keys))
        .collect();
    let mut hits: BTreeMap<CellId, Vec<Hit>> = BTreeMap::new();
    let mut unclear: BTreeMap<usize, Vec<CellRef>> = BTreeMap::new();
    let mut mismatched: BTreeMap<usize, Vec<(CellRef, String)>> = BTreeMap::new();
    let mut two_near: BTreeMap<(usize, (u32, u32)), (TextId, TextId)> = BTreeMap::new();
    let mut ambiguous: Vec<(CellRef, Vec<CellId>)> = Vec::new();
    let mut lines: Vec<(Pos, CellId)> = Vec::new();
    // Per (sheet, table): positions named the official way round and turned on its side.
    let mut votes: BTreeMap<(usize, usize), (usize, usize)> = BTreeMap::new();
    // (position, the cells its labels name, its first row label)
    type Pending = (Pos, Vec<Match>, Option<(u32, u32)>);
    let mut pending: Vec<Pending> = Vec::new();
    for g in &grids {
        // Near misses settled at one position of their row or column, for where two cross.
        let mut settled: HashMap<(u32, u32), TextId> = HashMap::default();
        let mut retry: Vec<(u32, u32)> = Vec::new();
        let mut handle = |at: (u32, u32), left: Option<&[Tok]>, up: Option<&[Tok]>, res| {
            let (r, _) = at;
            match res {
                Resolution::Cells(matches) => {
                    let pos = g.pos(at);
                    if let [m] = matches.as_slice() {
                        let vote = votes.entry((g.index, m.table)).or_default();
                        match (m.ways.official, m.ways.turned) {
                            (true, false) => vote.0 += 1,
                            (false, true) => vote.1 += 1,
                            _ => {}
                        }
                    }
                    let label = left.and_then(|t| t.first()).map(|t| (r, t.pos));
                    pending.push((pos, matches, label));
                }
                Resolution::TwoNear(label_at, a, b) => {
                    two_near.insert((g.index, label_at), (a, b));
                }
                Resolution::Unresolved { table, fits }
                    if holds_figure(g, at) && !is_helper(g, at) =>
                {
                    if fits > 1 {
                        unclear.entry(table).or_default().push(g.cell_ref(at));
                    } else {
                        let words = [left, up]
                            .iter()
                            .flatten()
                            .flat_map(|toks| toks.iter().rev().take(1))
                            .filter_map(|t| t.meanings.first())
                            .map(|m| format!("“{}”", cat.label(m.text)))
                            .collect::<Vec<_>>()
                            .join("与");
                        mismatched
                            .entry(table)
                            .or_default()
                            .push((g.cell_ref(at), words));
                    }
                }
                _ => {}
            }
        };
        let unknown =
            |run: Option<&[Tok]>| run.is_some_and(|t| t.iter().any(|t| t.unknown.is_some()));
        for at in g.positions() {
            let (r, c) = at;
            let (left, up) = (g.left_run(r, c), g.up_run(r, c));
            let res = resolver.resolve(left, up);
            if let Resolution::Cells(matches) = &res {
                for d in matches
                    .iter()
                    .flat_map(|m| &m.devs)
                    .filter(|d| d.alias.is_none())
                {
                    settled.insert(d.at, d.text);
                }
            }
            let failed = matches!(res, Resolution::Unresolved { .. } | Resolution::Nothing);
            if failed && (unknown(left) || unknown(up)) {
                retry.push(at);
                continue;
            }
            handle(at, left, up, res);
        }
        for at in retry {
            let (r, c) = at;
            let left = settle(g.left_run(r, c), &settled, cat);
            let up = settle(g.up_run(r, c), &settled, cat);
            let res = resolver.resolve(left.as_deref(), up.as_deref());
            handle(at, left.as_deref(), up.as_deref(), res);
        }
    }
    // Labels that fit two cells are told apart by the way the rest of the table is turned.
    for (pos, matches, label) in pending {
        let m = match matches.as_slice() {
            [m] => Some(m),
            [first, ..] => {
                let (official, turned) = votes
                    .get(&(pos.sheet, first.table))
                    .copied()
                    .unwrap_or_default();
                let way = |m: &Match| {
                    if official >= turned {
                        m.ways.official
                    } else {
                        m.ways.turned
                    }
                };
                let keep: Vec<&Match> = if matches.iter().any(way) {
                    matches.iter().filter(|m| way(m)).collect()
                } else {
                    matches.iter().filter(|m| m.ways.in_order).collect()
                };

                match keep.as_slice() {
                    [m] => Some(*m),
                    _ => {
                        let ids = matches
                            .iter()
                            .filter_map(|m| resolver.cell_id(m.table, m.cell))
                            .collect();
                        let at = (pos.row, pos.col);
                        if let Some(g) = grids.get(pos.sheet).filter(|g| holds_figure(g, at)) {
                            ambiguous.push((g.cell_ref(at), ids));
                        }
                        None
                    }
                }
            }
            [] => None,
        };
        if let Some(m) = m {
            if let Some(id) = resolver.cell_id(m.table, m.cell) {
                lines.push((pos, id));
                hits.entry(id).or_default().push(Hit {
                    pos,
                    devs: m.devs.clone(),
                    label,
                });
            }
        }
    }
    let mut found = Found::default();
    let mut report = Report {
        cat,
        book,
        out: &mut found.diagnostics,
        absent_groups: BTreeSet::new(),
        labels: BTreeMap::new(),
    };
    for ((sheet, at), (a, b)) in two_near {
        report.two_near(sheet, at, a, b);
    }
    for (cell, ids) in ambiguous.into_iter().take(MAX_NAMED) {
        let names: Vec<String> = ids.iter().map(|id| id.describe()).collect();
        report.out.push(
            rules::READ_AMBIGUOUS
                .error(format!(
                    "{cell} 的数字无法确定属于哪一项：它的行名和列名同时符合{}。",
                    names.join("、")
                ))
                .at([cell])
                .hint("请按年报格式写全行名和列名。"),
        );
    }
    for (table, cells) in unclear {
        let name = Table::ALL.get(table).map_or("", |t| t.name());
        let n = cells.len();
        report.out.push(
            rules::READ_AMBIGUOUS.error(format!(
                    "{name}中有 {n} 个数字无法确定属于哪一项：它们所在的列（或行）没有自己的表头，只有上一级的表头（例如“法人或其他组织”下没有写明各类申请人）。"
                ),
            )
            .at(cells.into_iter().take(MAX_NAMED))
            .hint("请补上每一列（行）的表头，与年报格式一致。"),
        );
    }
    for (table, cells) in mismatched {
        let name = Table::ALL.get(table).map_or("", |t| t.name());
        let Some((first, words)) = cells.first() else {
            continue;
        };
        report.out.push(
            rules::READ_AMBIGUOUS.error(format!(
                    "{name}中有 {} 个数字不属于年报格式中的任何一项，例如 {first}：{words}不是同一项目的行和列。",
                    cells.len()
                ),
            )
            .at(cells.into_iter().map(|(c, _)| c).take(MAX_NAMED))
            .hint("不适用的单元格请留空或填“—”；如行名、列名写错，请按年报格式改正。"),
        );
    }
    let chosen = report.choose(hits);
    found.tables = Table::ALL.map(|t| chosen.keys().any(|id| table_of(*id) == t));
    report.missing(&chosen, found.tables);
    report.order(&chosen);
    found.sums = sums(&grids, &lines, &chosen);
    found.at = chosen;
    found
}

/// A run's tokens with texts settled as near misses standing for their labels.
fn settle<'a>(
    toks: Option<&[Tok<'a>]>,
    settled: &HashMap<(u32, u32), TextId>,
    cat: &'a Catalogue,
) -> Option<Vec<Tok<'a>>> {
    let settle = |t: &Tok<'a>| match (t.unknown.as_ref(), settled.get(&t.at)) {
        (Some(_), Some(&text)) => Tok {
            meanings: cat
                .near_meanings
                .get(usize::from(text))
                .map_or(&[][..], |m| &m[..]),
            unknown: None,
            bits: bit(text),
            ..t.clone()
        },
        _ => t.clone(),
    };
    toks.map(|toks| toks.iter().map(settle).collect())
}

/// The table a figure belongs to.
fn table_of(id: CellId) -> Table {
    match id {
        CellId::T2(_) => Table::T2,
        CellId::T3(..) => Table::T3,
        CellId::T4(..) => Table::T4,
    }
}

/// Whether a position holds a figure other than 0 (a blank, a placeholder or 0 is no figure).
fn holds_figure(g: &Grid, (r, c): (u32, u32)) -> bool {
    let v = g.sheet.get(r, c);
    match figure(v) {
        Copy::Number(x) => x != 0.0,
        Copy::Blank => false,
        Copy::Other => !matches!(v, Some(Value::Text(_))),
    }
}

/// Whether the nearest text above or to the left of a position is a helper head (代码, 序号 …).
fn is_helper(g: &Grid, (r, c): (u32, u32)) -> bool {
    let helpers = &catalogue().helpers;
    g.ends_in(g.head_above(r, c), helpers) || g.ends_in(g.head_left(r, c), helpers)
}

/// What a copy of a figure holds, for comparing copies.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Copy {
    /// Nothing, or a placeholder (—, /).
    Blank,
    /// A number.
    Number(f64),
    /// Anything else (text, a date, a formula error): never equal to another copy.
    Other,
}

fn copy_at(book: &Book, p: Pos) -> Copy {
    figure(book.sheets.get(p.sheet).and_then(|s| s.get(p.row, p.col)))
}

/// What a cell holds as a figure.
fn figure(v: Option<&Value>) -> Copy {
    match v {
        None => Copy::Blank,
        Some(Value::Number(x)) => Copy::Number(*x),
        Some(Value::Text(t)) => match number::parse(t) {
            Parsed::Number(x) => Copy::Number(x),
            Parsed::Blank => Copy::Blank,
            Parsed::NotANumber => Copy::Other,
        },
        Some(_) => Copy::Other,
    }
}

/// Whether a blank copy stands right beside the chosen one, under the same spanning head (a
/// value written in the first of the three columns under 本年处理决定数量).
fn beside(a: Pos, b: Pos) -> bool {
    a.sheet == b.sheet
        && ((a.row == b.row && a.col.abs_diff(b.col) <= 3)
            || (a.col == b.col && a.row.abs_diff(b.row) <= 3))
}

struct Report<'a> {
    cat: &'a Catalogue,
    book: &'a Book,
    out: &'a mut Vec<Diagnostic>,
    /// Keys of 表三 groups written as one row (“（六）其他处理”): their rows are absent.
    absent_groups: BTreeSet<String>,
    /// The row label of each chosen figure's row.
    labels: BTreeMap<CellId, Pos>,
}

impl Report<'_> {
    fn cell_ref(&self, p: Pos) -> CellRef {
        CellRef::new(
            self.book
                .sheets
                .get(p.sheet)
                .map_or("", |s| s.name.as_str()),
            p.row,
            p.col,
        )
    }

    fn written(&self, sheet: usize, (r, c): (u32, u32)) -> String {
        match self.book.sheets.get(sheet).and_then(|s| s.get(r, c)) {
            Some(Value::Text(t)) => t.split_whitespace().collect::<Vec<_>>().join(" "),
            _ => String::new(),
        }
    }

    fn two_near(&mut self, sheet: usize, at: (u32, u32), a: TextId, b: TextId) {
        let cell = self.cell_ref(Pos::at(sheet, at));
        let written = self.written(sheet, at);
        self.out.push(
            rules::READ_AMBIGUOUS.error(format!(
                    "{cell} 写作“{written}”，与年报格式中的“{}”和“{}”都只差一两个字，无法确定是哪一项。",
                    self.cat.label(a),
                    self.cat.label(b)
                ),
            )
            .at([cell])
            .hint("请按年报格式改正这个行名（列名）。"),
        );
    }

    /// One place per figure: the only one, or the first of identical copies (warned); copies
    /// with different figures are an error. Deviations of the chosen places are warned.
    fn choose(&mut self, hits: BTreeMap<CellId, Vec<Hit>>) -> BTreeMap<CellId, Pos> {
        let mut chosen = BTreeMap::new();
        // Figures found in more than one place: (figure, its copies, whether they agree).
        let mut dups: Vec<(CellId, Vec<Hit>, bool)> = Vec::new();
        let mut devs: BTreeMap<(&'static str, Option<u16>, String), Vec<CellRef>> = BTreeMap::new();
        let mut found_in: BTreeMap<Table, usize> = BTreeMap::new();
        for (id, list) in hits {
            let Some(first) = list.first() else { continue };
            *found_in.entry(table_of(id)).or_default() += 1;
            // The copy that holds a figure; blank copies beside it (under the same spanning
            // head) are the same cell, and blank copies elsewhere do not disagree with it.
            let first = list
                .iter()
                .find(|h| copy_at(self.book, h.pos) != Copy::Blank)
                .unwrap_or(first)
                .clone();
            let copies: Vec<Hit> = list
                .iter()
                .filter(|h| {
                    h.pos == first.pos
                        || !(copy_at(self.book, h.pos) == Copy::Blank && beside(h.pos, first.pos))
                })
                .cloned()
                .collect();
            if copies.len() > 1 {
                let written: Vec<Copy> = copies
                    .iter()
                    .map(|h| copy_at(self.book, h.pos))
                    .filter(|c| *c != Copy::Blank)
                    .collect();
                let agree = written
                    .windows(2)
                    .all(|w| matches!(w, [Copy::Number(a), Copy::Number(b)] if a == b));
                dups.push((id, copies, agree));
                if !agree {
                    continue;
                }
            }
            for d in &first.devs {
                // The alias as the catalogue spells it (a cell may hold a whole path); a near
                // miss as the cell holds it.
                let alias = d.alias.and_then(|a| format::ALIASES.get(usize::from(a)));
                let written = alias.map_or_else(
                    || self.written(first.pos.sheet, d.at),
                    |a| a.text.to_string(),
                );
                let cell = self.cell_ref(Pos::at(first.pos.sheet, d.at));
                let official = self.cat.label(d.text);
                if let (CellId::T3(r, _), Some(a)) = (id, alias) {
                    // “（六）其他处理” read as 3.其他: the group's other rows are absent, not missing.
                    let group = T3_ROWS.get(r).and_then(|row| row.path.get(1));
                    if group.is_some_and(|g| key(g) == key(a.text)) {
                        self.absent_groups.insert(key(a.text));
                    }
                }
                let list = devs.entry((official, d.alias, written)).or_default();
                if !list.contains(&cell) {
                    list.push(cell);
                }
            }
            if let Some(label) = first.label {
                self.labels.insert(id, Pos::at(first.pos.sheet, label));
            }
            chosen.insert(id, first.pos);
        }
        self.duplicates(&dups, &found_in);
        for ((official, alias, written), cells) in devs {
            let why = alias
                .and_then(|a| format::ALIASES.get(usize::from(a)))
                .map_or("与年报格式相差一两个字", |a| a.note);
            self.out.push(
                rules::READ_DEVIATION
                    .warning(format!(
                        "“{written}”与年报格式的“{official}”不同（{why}），已按“{official}”读取。"
                    ))
                    .at(cells.into_iter().take(MAX_NAMED))
                    .hint(format!("发布前请改为年报格式的“{official}”。")),
            );
        }
        chosen
    }

    /// Figures found in more than one place: a whole table twice, or rows twice. Different
    /// figures are an error (a person could not tell which to take); the same figures a warning.
    fn duplicates(&mut self, dups: &[(CellId, Vec<Hit>, bool)], found_in: &BTreeMap<Table, usize>) {
        let value = |book: &Book, p: Pos| match copy_at(book, p) {
            Copy::Number(x) => x.to_string(),
            Copy::Blank => "空白".to_string(),
            Copy::Other => "非数字".to_string(),
        };
        for table in Table::ALL {
            let mine: Vec<&(CellId, Vec<Hit>, bool)> =
                dups.iter().filter(|d| table_of(d.0) == table).collect();
            let Some((_, first_hits, _)) = mine.first().copied() else {
                continue;
            };
            let differ: Vec<&&(CellId, Vec<Hit>, bool)> = mine.iter().filter(|d| !d.2).collect();
            let whole = mine.len() == found_in.get(&table).copied().unwrap_or(0);
            let examples: Vec<String> = differ
                .iter()
                .take(3)
                .map(|(id, hits, _)| {
                    let at: Vec<String> = hits
                        .iter()
                        .map(|h| format!("{} 为 {}", self.cell_ref(h.pos), value(self.book, h.pos)))
                        .collect();
                    format!("{}在 {}", id.describe(), at.join("、"))
                })
                .collect();
            if whole {
                let copies = first_hits.len();
                let starts: Vec<CellRef> =
                    first_hits.iter().map(|h| self.cell_ref(h.pos)).collect();
                let d = if differ.is_empty() {
                    rules::READ_TABLE_DUPLICATE.warning(format!(
                        "工作簿中有 {copies} 张{}，数字相同，已按从 {} 开始的一张读取。",
                        table.name(),
                        starts.first().map(|c| c.to_string()).unwrap_or_default()
                    ))
                } else {
                    rules::READ_TABLE_DUPLICATE.error(format!(
                            "工作簿中有 {copies} 张{}，且数字不同，无法确定以哪一张为准：{}（共 {} 处不同）。",
                            table.name(),
                            examples.join("；"),
                            differ.len()
                        ),
                    )
                };
                self.out
                    .push(d.at(starts).hint("请删除多余或过时的表格，只保留一张。"));
                continue;
            }
            // Rows twice: one finding per row, naming the row labels.
            let mut lines: BTreeMap<usize, (CellId, bool, BTreeSet<Pos>)> = BTreeMap::new();
            for (id, hits, agree) in &mine {
                let line = lines
                    .entry(line_of(*id))
                    .or_insert((*id, true, BTreeSet::new()));
                line.1 &= *agree;
                for h in hits {
                    let label = h.label.map(|at| Pos::at(h.pos.sheet, at));
                    line.2.insert(label.unwrap_or(h.pos));
                }
            }
            for (id, agree, labels) in lines.into_values() {
                let row = row_name(id);
                let cells: Vec<CellRef> = labels.iter().map(|&p| self.cell_ref(p)).collect();
                let d = if agree {
                    rules::READ_ROW_DUPLICATE.warning(format!(
                        "{}的{row}出现了 {} 次，数字相同，已按第一次出现的读取。",
                        table.name(),
                        cells.len()
                    ))
                } else {
                    rules::READ_ROW_DUPLICATE.error(format!(
                        "{}的{row}出现了 {} 次，且数字不同，无法确定以哪一处为准：{}。",
                        table.name(),
                        cells.len(),
                        examples.join("；")
                    ))
                };
                self.out
                    .push(d.at(cells).hint("请删除重复的行，只保留一行。"));
            }
        }
    }

    /// Missing tables, rows, columns and cells.
    fn missing(&mut self, chosen: &BTreeMap<CellId, Pos>, tables: [bool; 3]) {
        if !tables.iter().any(|&t| t) {
            return;
        }
        for (t, table) in Table::ALL.iter().enumerate() {
            if !tables.get(t).copied().unwrap_or(false) {
                self.out.push(
                    rules::READ_TABLE_MISSING.error(format!("没有找到{}（{}）：{}。", table.name(), table.title(), needs(*table)),
                    )
                    .hint("请确认表格的行名、列名与年报格式一致（可用 report-gen init 生成标准统计表）。"),
                );
                continue;
            }
            let lost: Vec<CellId> = format::all_cells()
                .filter(|id| table_of(*id) == *table && !chosen.contains_key(id))
                .collect();
            self.missing_cells(*table, &lost, chosen);
        }
    }

    fn missing_cells(&mut self, table: Table, lost: &[CellId], chosen: &BTreeMap<CellId, Pos>) {
        // Point at the table: the label of its first figure's row, or that figure.
        let anchor: Vec<CellRef> = chosen
            .iter()
            .find(|(id, _)| table_of(**id) == table)
            .map(|(id, &p)| self.cell_ref(self.labels.get(id).copied().unwrap_or(p)))
            .into_iter()
            .collect();
        match table {
            Table::T3 => {
                let absent = |r: usize| {
                    T3_ROWS
                        .get(r)
                        .and_then(|row| row.path.get(1))
                        .is_some_and(|g| self.absent_groups.contains(&key(g)))
                };
                let row_lost = |r: usize| {
                    !absent(r)
                        && (0..format::T3_COLS.len()).all(|c| lost.contains(&CellId::T3(r, c)))
                };
                let col_lost =
                    |c: usize| (0..T3_ROWS.len()).all(|r| lost.contains(&CellId::T3(r, c)));
                // Whole rows and columns: a lost total is computed (a warning), the others are
                // errors.
                let rows = T3_ROWS.iter().enumerate().filter(|(r, _)| row_lost(*r));
                let rows = rows.map(|(r, row)| {
                    (
                        r == format::T3_RESULTS_TOTAL,
                        "表三没有“（七）总计”行，已按各项办理结果之和计算。",
                        &rules::READ_ROW_MISSING,
                        format!("表三缺少{}行。", row.describe()),
                        "请按年报格式补齐该行（没有的填 0）。",
                    )
                });
                let cols = format::T3_COLS
                    .iter()
                    .enumerate()
                    .filter(|(c, _)| col_lost(*c));
                let cols = cols.map(|(c, col)| {
                    (
                        c == format::T3_TOTAL_COL,
                        "表三没有“总计”列，已按各类申请人之和计算。",
                        &rules::READ_COLUMN_MISSING,
                        format!("表三缺少「{}」列。", col.label),
                        "请按年报格式补齐该列（没有的填 0）。",
                    )
                });
                for (total, computed, rule, missing, hint) in rows.chain(cols) {
                    self.out.push(if total {
                        rules::READ_TOTAL_MISSING.warning(computed)
                    } else {
                        rule.error(missing).at(anchor.clone()).hint(hint)
                    });
                }
                let rest: Vec<CellId> = lost
                    .iter()
                    .copied()
                    .filter(|id| matches!(*id, CellId::T3(r, c) if !absent(r) && !row_lost(r) && !col_lost(c) && !id.is_total()))
                    .collect();
                self.cells_lost(&rest, &anchor);
            }
            Table::T4 => {
                for (g, (group, _)) in format::T4_GROUPS.iter().enumerate() {
                    let total = CellId::T4(g, format::T4_TOTAL);
                    if lost.contains(&total) {
                        self.out.push(rules::READ_TOTAL_MISSING.warning(format!(
                            "表四“{}”没有“总计”列，已按各项之和计算。",
                            group.label
                        )));
                    }
                }
                let rest: Vec<CellId> = lost.iter().copied().filter(|id| !id.is_total()).collect();
                self.cells_lost(&rest, &anchor);
            }
            Table::T2 => {
                for block in &format::T2_BLOCKS {
                    for item in block.rows {
                        let row_cells: Vec<CellId> = format::t2_cells()
                            .filter(|c| c.row_item().id == item.id)
                            .map(|c| CellId::T2(c.index))
                            .collect();
                        if row_cells.iter().all(|id| lost.contains(id)) {
                            self.out.push(
                                rules::READ_ROW_MISSING
                                    .error(format!("表二缺少“{}”行。", item.label))
                                    .at(anchor.clone())
                                    .hint("请按年报格式补齐该行（没有的填 0）。"),
                            );
                        } else {
                            let rest: Vec<CellId> = row_cells
                                .into_iter()
                                .filter(|id| lost.contains(id))
                                .collect();
                            self.cells_lost(&rest, &anchor);
                        }
                    }
                }
            }
        }
    }

    fn cells_lost(&mut self, lost: &[CellId], anchor: &[CellRef]) {
        if lost.is_empty() {
            return;
        }
        let names: Vec<String> = lost
            .iter()
            .take(MAX_NAMED)
            .map(|id| id.describe())
            .collect();
        self.out.push(
            rules::READ_CELL_MISSING
                .error(format!(
                    "没有找到{}：它们的行名或列名与年报格式对不上。",
                    names.join("、")
                ))
                .at(anchor.to_vec())
                .hint("请按年报格式写出这些数字的行名和列名。"),
        );
    }

    /// 表三's rows in another order than the format's: a warning.
    fn order(&mut self, chosen: &BTreeMap<CellId, Pos>) {
        let places: Vec<Pos> = (0..T3_ROWS.len())
            .filter_map(|r| chosen.get(&CellId::T3(r, 0)).copied())
            .collect();
        let along = |f: fn(&Pos) -> (usize, u32, u32)| {
            places
                .windows(2)
                .all(|w| matches!(w, [a, b] if f(a) < f(b)))
        };
        let down = along(|p| (p.sheet, p.row, p.col));
        let across = along(|p| (p.sheet, p.col, p.row));
        if !(down || across) {
            let first = places.first().map(|&p| self.cell_ref(p));
            self.out.push(
                rules::READ_ROW_ORDER
                    .warning("表三各行的顺序与年报格式不一致，已按行名读取。")
                    .at(first)
                    .hint("发布前请按年报格式的顺序排列。"),
            );
        }
    }
}

/// The row (表三), the row of the block (表二) or the group (表四) a figure belongs to.
fn line_of(id: CellId) -> usize {
    match id {
        CellId::T2(i) => format::t2_cells().nth(i).map_or(i, |c| c.block * 8 + c.row),
        CellId::T3(r, _) => r,
        CellId::T4(g, _) => g,
    }
}

/// A figure's row as office staff name it, e.g. 「（三）不予公开 4.保护第三方合法权益」行.
fn row_name(id: CellId) -> String {
    match id {
        CellId::T2(i) => format::t2_cells()
            .nth(i)
            .map_or_else(String::new, |c| format!("“{}”行", c.row_item().label)),
        CellId::T3(r, _) => T3_ROWS
            .get(r)
            .map_or_else(String::new, |row| format!("{}行", row.describe())),
        CellId::T4(g, _) => format::T4_GROUPS
            .get(g)
            .map_or_else(String::new, |(g, _)| format!("“{}”一组", g.label)),
    }
}

/// What a table needs, in words, for the message when it is not found.
fn needs(table: Table) -> String {
    fn quoted<'l>(labels: impl Iterator<Item = &'l str>) -> String {
        labels.map(|l| format!("“{l}”")).collect()
    }
    match table {
        Table::T2 => format!(
            "需要有{}行及其表头",
            quoted(
                format::T2_BLOCKS
                    .iter()
                    .flat_map(|b| b.rows.iter().map(|r| r.label))
            )
        ),
        Table::T3 => format!(
            "需要有“{}”等行，以及{}列",
            format::T3_ROWS[format::T3_NEW].label(),
            quoted(format::T3_COLS.iter().map(|c| c.label))
        ),
        Table::T4 => format!(
            "需要有{}表头，及其下的{}列",
            quoted(format::T4_GROUPS.iter().map(|(g, _)| g.label)),
            quoted(format::T4_RESULTS.iter().map(|r| r.label))
        ),
    }
}

/// Total lines (合计, 小计) a workbook adds where the format has none: a row (column) labelled
/// with one of [`format::SUM_LABELS`] right after rows (columns) of figures of one table, adding
/// up the figures above it (to its left) in each column (row), back to the previous such line.
fn sums(grids: &[Grid], lines: &[(Pos, CellId)], chosen: &BTreeMap<CellId, Pos>) -> Vec<Sum> {
    let sum_keys = &catalogue().sums;
    let mut out = Vec::new();
    let chosen_at: BTreeSet<Pos> = chosen.values().copied().collect();
    for g in grids {
        let is_sum = |run: &Run| g.ends_in(Some(run), sum_keys);
        // A figure at `at` on a total line: the total of the chosen figures that `part` accepts.
        let mut add = |at: (u32, u32), run: &Run, part: &dyn Fn(&Pos) -> bool| {
            if chosen_at.contains(&g.pos(at)) {
                return;
            }
            let parts: Vec<CellId> = lines
                .iter()
                .filter(|(p, id)| {
                    p.sheet == g.index && !id.is_total() && chosen.get(id) == Some(p) && part(p)
                })
                .map(|(_, id)| *id)
                .collect();
            if parts.len() >= 2 {
                out.push(Sum {
                    at: g.pos(at),
                    label: g.last_key(run).unwrap_or_default().to_string(),
                    parts,
                });
            }
        };
        // Rows labelled 合计: each figure under a column of a table's figures, back to the
        // previous total line in that column.
        for (&r, runs) in &g.rows {
            for run in runs.iter().filter(|run| is_sum(run)) {
                for (&(rr, c), o) in g.occ.range((r, run.end.saturating_add(1))..(r + 1, 0)) {
                    if rr == r && *o == Occ::Value {
                        add((r, c), run, &|p| {
                            p.col == c
                                && p.row < r
                                && !g
                                    .rows
                                    .range(p.row + 1..r)
                                    .flat_map(|(_, rs)| rs)
                                    .any(is_sum)
                        });
                    }
                }
            }
        }
        // Columns labelled 合计: each figure right of a row of a table's figures.
        for (&c, runs) in &g.cols {
            for run in runs.iter().filter(|run| is_sum(run)) {
                for r in run.end.saturating_add(1)..run.end.saturating_add(MAX_DEPTH) {
                    if g.occ.get(&(r, c)) == Some(&Occ::Value) {
                        add((r, c), run, &|p| p.row == r && p.col < c);
                    }
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_catalogue_has_every_official_label_and_fits_in_a_set() {
        let cat = catalogue();
        assert!(cat.keys.len() <= 128, "{}", cat.keys.len());
        for table in Table::ALL {
            for p in table.layout().cells {
                if let Some(l) = p.content.text() {
                    assert!(cat.id(l).is_some(), "{l}");
                }
            }
        }
        // Every alias means an official label somewhere in the format.
        for a in format::ALIASES {
            let known = cat.id(a.means).is_some()
                || format::INFO_FIELDS.iter().any(|f| f.label == a.means)
                || format::SECTIONS.iter().any(|s| s.heading == a.means);
            assert!(known, "{} → {}", a.text, a.means);
        }
    }

    #[test]
    fn every_official_cell_is_named_by_its_own_labels_alone() {
        let cat = catalogue();
        for (tc, table) in cat.tables.iter().zip(Table::ALL) {
            assert_eq!(
                tc.cells.len(),
                format::all_cells()
                    .filter(|id| table_of(*id) == table)
                    .count()
            );
            for c in &tc.cells {
                assert!(!c.required.is_empty(), "{:?}", c.id);
                let sided: usize = c.sided.iter().map(Vec::len).sum();
                assert!((1..=2).contains(&sided), "{:?}", c.id);
            }
        }
        // 表四's cells need their group and their result; 表三's their row and column.
        let t4 = cat.tables.get(2).map(|t| &t.cells);
        assert!(t4.is_some_and(|cells| cells.iter().all(|c| c.required.len() == 2)));
    }

    /// The fuzzy limit keeps the official wordings apart: no label, nor any accepted alias of
    /// it, is within the limit of another label's wordings, so a label written exactly can never
    /// be taken for another, and a near miss is near one label only or is refused.
    #[test]
    fn no_official_wording_is_within_another_ones_fuzzy_limit() {
        let cat = catalogue();
        let mut closest = usize::MAX;
        for (i, a_forms) in cat.forms.iter().enumerate() {
            for (j, b_forms) in cat.forms.iter().enumerate() {
                let (Some(a0), Some(b0)) = (cat.keys.get(i), cat.keys.get(j)) else {
                    continue;
                };
                // Labels sharing a key (row 3.其他, column 其他) are the same words; block
                // titles are never matched as near misses.
                let exact_only = TextId::try_from(j).is_ok_and(|t| cat.exact_only & bit(t) != 0);
                if i == j || a0 == b0 || exact_only {
                    continue;
                }
                for a in a_forms {
                    for b in b_forms.iter().filter(|b| *b != a) {
                        let limit = format::fuzzy_limit(b.chars().count());
                        let d = strsim::levenshtein(a, b);
                        if limit > 0 {
                            closest = closest.min(d - limit);
                        }
                        assert!(
                            d > limit,
                            "“{a}” ({}) is within {limit} of “{b}” ({})",
                            cat.label(i as TextId),
                            cat.label(j as TextId)
                        );
                    }
                }
            }
        }
        assert!(closest >= 1);
        // The near misses seen in published tables are within their label's limit.
        for (written, official) in [
            ("属于四类过程信息", "6.属于四类过程性信息"),
            ("本机关不掌握相关信息", "1.本机关不掌握相关政府信息"),
            ("信访举报投诉申请", "1.信访举报投诉类申请"),
        ] {
            let near = cat.near(&key(written));
            let t = cat.id(official).expect("label");
            assert!(near.iter().any(|(x, _)| *x == t), "{written}: {near:?}");
        }
    }

    #[test]
    fn codes_are_derived_from_the_numbering() {
        let cat = catalogue();
        let row = |code: &str| {
            let m = cat.codes.get(code).and_then(|m| m.first());
            m.map(|m| cat.label(m.text))
        };
        assert_eq!(row("一"), Some("一、本年新收政府信息公开申请数量"));
        assert_eq!(row("三(三)1"), Some("1.属于国家秘密"));
        assert_eq!(row("三(六)3").map(key), Some(key("3.其他")));
        assert_eq!(row("三(七)").map(key), Some(key("（七）总计")));
        assert_eq!(row("四"), Some("四、结转下年度继续办理"));
        assert_eq!(as_code("三（三）1"), Some("三(三)1".to_string()));
        assert_eq!(as_code("三安全"), None);
    }

    #[test]
    fn a_cell_splits_into_consecutive_labels() {
        let cat = catalogue();
        let labels = |t: &str| {
            cat.tokenize(&key(t)).map(|v| {
                v.iter()
                    .map(|m| {
                        m.iter()
                            .map(|x| cat.label(x.text))
                            .collect::<Vec<_>>()
                            .join("|")
                    })
                    .collect::<Vec<_>>()
            })
        };
        assert_eq!(
            labels("三、本年度办理结果（三）不予公开 1.属于国家秘密 | 自然人"),
            Some(vec![
                "三、本年度办理结果".to_string(),
                "（三）不予公开".to_string(),
                "1.属于国家秘密".to_string(),
                "自然人".to_string()
            ])
        );
        assert_eq!(
            labels("复议纠正"),
            Some(vec!["行政复议".to_string(), "结果纠正".to_string()])
        );
        assert_eq!(labels("2025年，我局主动公开政府信息"), None);
    }
}
