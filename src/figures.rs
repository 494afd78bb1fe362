//! The figures of the three tables, with every total computed from its parts.

use crate::format::{self, CellId, T2_CELLS, T3_COLS, T3_ROWS, T4_GROUPS, T4_RESULTS};
use serde::ser::{SerializeMap, Serializer};
use serde::Serialize;
use std::fmt;

/// Index of the only 万元 cell of table 二 (行政事业性收费): the last one.
pub const T2_FEES: usize = T2_CELLS - 1;

/// The figures of tables 二, 三 and 四.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Figures {
    /// Table 二 counts, by [`format::T2Cell::index`] (0–8).
    pub t2: [u64; T2_FEES],
    /// Table 二 行政事业性收费, in 万元.
    pub fees: f64,
    /// Table 三, [row][column], totals included.
    pub t3: [[u64; 7]; 25],
    /// Table 四, by column, totals included.
    pub t4: [[u64; T4_RESULTS.len()]; T4_GROUPS.len()],
}

/// A figure: a count or an amount in 万元.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Number {
    /// A whole number.
    Count(u64),
    /// An amount in 万元.
    Wan(f64),
}

impl Number {
    /// The value as a float.
    pub fn as_f64(self) -> f64 {
        match self {
            Number::Count(n) => n as f64,
            Number::Wan(x) => x,
        }
    }
}

impl fmt::Display for Number {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Number::Count(n) => write!(f, "{n}"),
            Number::Wan(x) => write!(f, "{x:.2}"),
        }
    }
}

impl Serialize for Number {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match *self {
            Number::Count(n) => s.serialize_u64(n),
            Number::Wan(x) => s.serialize_f64(x),
        }
    }
}

impl Figures {
    /// The figure of a cell (0 for an id outside the tables).
    pub fn get(&self, id: CellId) -> Number {
        match id {
            CellId::T2(T2_FEES) => Number::Wan(self.fees),
            CellId::T2(i) => Number::Count(self.t2.get(i).copied().unwrap_or(0)),
            CellId::T3(r, c) => Number::Count(
                self.t3
                    .get(r)
                    .and_then(|row| row.get(c))
                    .copied()
                    .unwrap_or(0),
            ),
            CellId::T4(g, k) => Number::Count(
                self.t4
                    .get(g)
                    .and_then(|group| group.get(k))
                    .copied()
                    .unwrap_or(0),
            ),
        }
    }

    /// The count of a cell (amounts truncated; only for count cells).
    pub fn count(&self, id: CellId) -> u64 {
        match self.get(id) {
            Number::Count(n) => n,
            Number::Wan(x) => x as u64,
        }
    }

    /// Sets an input figure; amounts go to the 万元 cell, counts elsewhere.
    pub fn set(&mut self, id: CellId, value: Number) {
        match (id, value) {
            (CellId::T2(T2_FEES), v) => self.fees = v.as_f64(),
            (_, Number::Wan(x)) => self.set(id, Number::Count(x as u64)),
            (CellId::T2(i), Number::Count(n)) => {
                if let Some(slot) = self.t2.get_mut(i) {
                    *slot = n;
                }
            }
            (CellId::T3(r, c), Number::Count(n)) => {
                if let Some(slot) = self.t3.get_mut(r).and_then(|row| row.get_mut(c)) {
                    *slot = n;
                }
            }
            (CellId::T4(g, k), Number::Count(n)) => {
                if let Some(slot) = self.t4.get_mut(g).and_then(|group| group.get_mut(k)) {
                    *slot = n;
                }
            }
        }
    }

    /// The sum of a total's parts as they stand now.
    pub fn sum_of_parts(&self, id: CellId) -> Option<u64> {
        id.parts().map(|parts| {
            parts
                .into_iter()
                .map(|p| self.count(p))
                .fold(0u64, u64::saturating_add)
        })
    }

    /// Computes every total from its parts: row totals of table 三 first, then （七）总计
    /// (whose 总计 cell is its row's sum), then the three totals of table 四.
    pub fn compute_totals(&mut self) {
        for id in format::all_cells().filter(|c| c.is_total()) {
            if let Some(sum) = self.sum_of_parts(id) {
                self.set(id, Number::Count(sum));
            }
        }
    }

    /// Adds another agency's figures (the district roll-up).
    pub fn add(&mut self, other: &Figures) {
        for (a, b) in self.t2.iter_mut().zip(other.t2) {
            *a = a.saturating_add(b);
        }
        self.fees += other.fees;
        for (ra, rb) in self.t3.iter_mut().zip(other.t3) {
            for (a, b) in ra.iter_mut().zip(rb) {
                *a = a.saturating_add(b);
            }
        }
        for (ga, gb) in self.t4.iter_mut().zip(other.t4) {
            for (a, b) in ga.iter_mut().zip(gb) {
                *a = a.saturating_add(b);
            }
        }
    }

    /// Serialisable view by stable ids: `t2.licensing`, `t2.regulations.issued`,
    /// `t3.new.total`, `t4.review.total`.
    pub fn by_id(&self) -> ById<'_> {
        ById(self)
    }
}

/// The figures keyed by the format's stable ids (JSON output and templates).
pub struct ById<'a>(&'a Figures);

struct T2View<'a>(&'a Figures);
struct T3View<'a>(&'a Figures);
struct T4View<'a>(&'a Figures);
struct Row<'a, F: Fn(usize) -> (&'static str, Number)>(usize, &'a F);

impl Serialize for ById<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(3))?;
        m.serialize_entry("t2", &T2View(self.0))?;
        m.serialize_entry("t3", &T3View(self.0))?;
        m.serialize_entry("t4", &T4View(self.0))?;
        m.end()
    }
}

impl<F: Fn(usize) -> (&'static str, Number)> Serialize for Row<'_, F> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(self.0))?;
        for i in 0..self.0 {
            let (k, v) = (self.1)(i);
            m.serialize_entry(k, &v)?;
        }
        m.end()
    }
}

impl Serialize for T2View<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let f = self.0;
        let mut m = s.serialize_map(None)?;
        for block in &format::T2_BLOCKS {
            for row in block.rows {
                // A single-column row is its value; block （一） rows are maps by column.
                if block.columns.len() == 1 {
                    let i = format::t2_index(row.id, None).unwrap_or(usize::MAX);
                    m.serialize_entry(row.id, &f.get(CellId::T2(i)))?;
                } else {
                    let value = |c: usize| {
                        let col = block.columns.get(c).map_or("", |c| c.id);
                        let i = format::t2_index(row.id, Some(col)).unwrap_or(usize::MAX);
                        (col, f.get(CellId::T2(i)))
                    };
                    m.serialize_entry(row.id, &Row(block.columns.len(), &value))?;
                }
            }
        }
        m.end()
    }
}

impl Serialize for T3View<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let f = self.0;
        let mut m = s.serialize_map(Some(T3_ROWS.len()))?;
        for (r, row) in T3_ROWS.iter().enumerate() {
            let value = |c: usize| (T3_COLS[c].id, f.get(CellId::T3(r, c)));
            m.serialize_entry(row.id, &Row(T3_COLS.len(), &value))?;
        }
        m.end()
    }
}

impl Serialize for T4View<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let f = self.0;
        let mut m = s.serialize_map(Some(format::T4_GROUPS.len()))?;
        for (g, (group, _)) in format::T4_GROUPS.iter().enumerate() {
            let value = |k: usize| (format::T4_RESULTS[k].id, f.get(CellId::T4(g, k)));
            m.serialize_entry(group.id, &Row(format::T4_RESULTS.len(), &value))?;
        }
        m.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn totals_come_from_parts() {
        let mut f = Figures::default();
        f.t3[0] = [3, 1, 0, 0, 0, 1, 99];
        f.t3[2][0] = 2;
        f.t3[22][0] = 1;
        f.t4[0] = [10, 1, 0, 0, 0];
        f.compute_totals();
        assert_eq!(f.t3[0][6], 5);
        assert_eq!(f.t3[23][0], 3);
        assert_eq!(f.t3[23][6], 3);
        assert_eq!(f.t4[0][4], 11);
    }

    #[test]
    fn json_uses_stable_ids() {
        let mut f = Figures::default();
        f.t2[6] = 27;
        f.fees = 1.5;
        f.t3[0][0] = 4;
        f.compute_totals();
        let v = serde_json::to_value(f.by_id()).unwrap_or_default();
        assert_eq!(v["t2"]["licensing"], 27);
        assert_eq!(v["t2"]["fees"], 1.5);
        assert_eq!(v["t2"]["regulations"]["issued"], 0);
        assert_eq!(v["t3"]["new"]["total"], 4);
        assert_eq!(v["t4"]["after_review"]["total"], 0);
    }
}
