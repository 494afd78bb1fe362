//! Random inputs for the property tests (proptest): figures that pass every check, layouts,
//! and damage done to a valid workbook.

use super::layouts::{Form, T2Form, T3Form, T4Form};
use super::read::{part, parts, word_cells, W};
use super::samples;
use calamine::{Data, Reader, Xlsx};
use proptest::prelude::*;
use report_gen::appendix::{TABLE_SHEETS, TABLE_TOP};
use report_gen::figures::Figures;
use report_gen::format::{self, T3_CARRIED_FORWARD, T3_CARRIED_IN, T3_NEW};
use report_gen::layout::{Content, Table};
use report_gen::statement::Statement;
use roxmltree::{Document, Node};
use std::io::{Cursor, Write};
use std::sync::OnceLock;

/// Random figures: counts below 300 in every input cell, a 万元 amount with two decimals.
pub fn figures() -> impl Strategy<Value = Figures> {
    (
        proptest::collection::vec(0u64..300, 9),
        0u32..100_000,
        proptest::collection::vec(0u64..300, 25 * 6),
        proptest::collection::vec(0u64..300, 12),
    )
        .prop_map(|(t2, fees, t3, t4)| {
            let mut f = Figures::default();
            f.t2.copy_from_slice(&t2);
            f.fees = f64::from(fees) / 100.0;
            for (i, v) in t3.into_iter().enumerate() {
                let (r, c) = (i / 6, i % 6);
                if r != format::T3_RESULTS_TOTAL {
                    f.t3[r][c] = v;
                }
            }
            for (i, v) in t4.into_iter().enumerate() {
                f.t4[i / 4][i % 4] = v;
            }
            f.compute_totals();
            f
        })
}

/// Random layouts ([`Form`]): every form of each table, merged or not, short forms or not,
/// totals or not, one sheet or several, at an offset; now and then a key-value sheet.
pub fn forms() -> impl Strategy<Value = Form> {
    (
        prop_oneof![Just(T2Form::Official), Just(T2Form::Flat)],
        prop_oneof![
            Just(T3Form::Official),
            Just(T3Form::Turned),
            Just(T3Form::Codes),
            Just(T3Form::Bureau)
        ],
        prop_oneof![
            Just(T4Form::Official),
            Just(T4Form::GroupsAsRows),
            Just(T4Form::Turned)
        ],
        any::<(bool, bool, bool, bool)>(),
        (0u32..6, 0u16..4),
        proptest::bool::weighted(0.15),
    )
        .prop_map(
            |(t2, t3, t4, (merges, aliases, totals, one_sheet), at, key_value)| Form {
                t2,
                t3,
                t4,
                merges,
                aliases,
                totals,
                one_sheet,
                at,
                key_value,
                wrong_sum: false,
            },
        )
}

/// Raw random numbers, made into valid figures by [`valid`].
#[derive(Debug, Clone)]
pub struct Raw {
    t2: Vec<u64>,
    fee_cents: u64,
    /// Per column 0–5: the 21 result rows (rows 2–22).
    results: Vec<Vec<u64>>,
    carried_forward: Vec<u64>,
    carried_in: Vec<u64>,
    t4: Vec<u64>,
}

/// Random raw numbers for [`valid`].
pub fn raw() -> impl Strategy<Value = Raw> {
    let small = || 0u64..40;
    (
        proptest::collection::vec(0u64..200_000, 9),
        0u64..100_000_000,
        proptest::collection::vec(proptest::collection::vec(small(), 21), 6),
        proptest::collection::vec(small(), 6),
        proptest::collection::vec(0u64..200, 6),
        proptest::collection::vec(0u64..30, 12),
    )
        .prop_map(
            |(t2, fee_cents, results, carried_forward, carried_in, t4)| Raw {
                t2,
                fee_cents,
                results,
                carried_forward,
                carried_in,
                t4,
            },
        )
}

/// Figures that pass every check: per column, 上年结转 at most what was finished or carried
/// forward, and 本年新收 the rest (R-T3-1); every total computed.
pub fn valid(raw: &Raw) -> Figures {
    let mut f = Figures::default();
    for (slot, v) in f.t2.iter_mut().zip(&raw.t2) {
        *slot = *v;
    }
    f.fees = raw.fee_cents as f64 / 100.0;
    for c in 0..6 {
        let results = &raw.results[c];
        for (r, v) in format::T3_RESULT_ROWS.zip(results) {
            f.t3[r][c] = *v;
        }
        let done: u64 = results.iter().sum::<u64>() + raw.carried_forward[c];
        f.t3[T3_CARRIED_FORWARD][c] = raw.carried_forward[c];
        f.t3[T3_CARRIED_IN][c] = raw.carried_in[c].min(done);
        f.t3[T3_NEW][c] = done - f.t3[T3_CARRIED_IN][c];
    }
    let inputs = (0..format::T4_COLS).filter(|i| i % format::T4_RESULTS.len() != format::T4_TOTAL);
    for (i, v) in inputs.zip(&raw.t4) {
        f.t4[i / format::T4_RESULTS.len()][i % format::T4_RESULTS.len()] = *v;
    }
    f.compute_totals();
    f
}

/// The busy sample (a 人民政府 whose text covers everything R-X-8 asks) with other figures.
pub fn statement(f: &Figures) -> Statement {
    let mut st = samples::busy();
    st.figures = f.clone();
    st
}

/// Every figure of `f` in the report's three tables and in the appendix's three sheets.
pub fn round_trips(f: &Figures, docx: &[u8], appendix: &[u8]) -> Result<(), TestCaseError> {
    let xml = part(docx, "word/document.xml");
    let doc = Document::parse(&xml).expect("document.xml parses");
    let tables: Vec<Node> = doc
        .descendants()
        .filter(|n| n.has_tag_name((W, "tbl")))
        .collect();
    prop_assert_eq!(tables.len(), 3);
    let mut book = Xlsx::new(Cursor::new(appendix.to_vec())).expect("appendix opens");
    for (tbl, table) in tables.iter().zip(Table::ALL) {
        let cells = word_cells(*tbl);
        let sheet = TABLE_SHEETS
            .iter()
            .find(|(t, _)| *t == table)
            .map(|(_, s)| *s)
            .expect("sheet");
        let values = book.worksheet_range(sheet).expect("sheet reads");
        for p in table.layout().cells {
            let Content::Data(id) = p.content else {
                continue;
            };
            let want = f.get(id);
            let shown = want.to_string();
            prop_assert_eq!(
                cells.get(&(p.row, p.col)).map(String::as_str),
                Some(shown.as_str()),
                "Word {:?} {:?}",
                table,
                id
            );
            let got = values.get_value((TABLE_TOP + p.row as u32, p.col as u32));
            prop_assert!(
                matches!(got, Some(Data::Float(x)) if *x == want.as_f64()),
                "appendix {:?} {:?}: {:?}, want {}",
                table,
                id,
                got,
                want
            );
        }
    }
    Ok(())
}

/// The parts of a zip package, decompressed: (name, bytes).
type Parts = Vec<(String, Vec<u8>)>;

/// The busy sample's workbook, and its parts decompressed.
fn base() -> &'static (Vec<u8>, Parts) {
    static B: OnceLock<(Vec<u8>, Parts)> = OnceLock::new();
    B.get_or_init(|| {
        let bytes = report_gen::init::workbook(&samples::busy()).expect("workbook");
        let parts = parts(&bytes);
        (bytes, parts)
    })
}

/// How a workbook is damaged.
#[derive(Debug, Clone)]
pub enum Damage {
    /// Cut after this fraction (per mille) of its bytes.
    Truncate(u16),
    /// Bytes at these positions (per mille of the length) replaced.
    Flip(Vec<(u16, u8)>),
    /// A run of bytes from this position (per mille) overwritten.
    Overwrite(u16, Vec<u8>),
    /// Inside part number `.0`, bytes replaced, then zipped again with correct checksums.
    Part(usize, Vec<(u16, u8)>),
    /// Inside part number `.0`, a run cut out.
    PartCut(usize, u16, u16),
}

/// Random damage to a workbook.
pub fn damage() -> impl Strategy<Value = Damage> {
    let at = || 0u16..1000;
    prop_oneof![
        at().prop_map(Damage::Truncate),
        proptest::collection::vec((at(), any::<u8>()), 1..24).prop_map(Damage::Flip),
        (at(), proptest::collection::vec(any::<u8>(), 1..200))
            .prop_map(|(a, b)| Damage::Overwrite(a, b)),
        (
            0usize..32,
            proptest::collection::vec((at(), any::<u8>()), 1..12)
        )
            .prop_map(|(p, v)| Damage::Part(p, v)),
        (0usize..32, at(), 1u16..200).prop_map(|(p, a, n)| Damage::PartCut(p, a, n)),
    ]
}

fn per_mille(len: usize, x: u16) -> usize {
    len * usize::from(x) / 1000
}

/// The busy sample's workbook with damage `d` done to it.
pub fn damaged(d: &Damage) -> Vec<u8> {
    let (bytes, parts) = base();
    let mut out = bytes.clone();
    match d {
        Damage::Truncate(x) => out.truncate(per_mille(out.len(), *x)),
        Damage::Flip(v) => {
            for &(x, b) in v {
                let i = per_mille(out.len(), x);
                out[i] = b;
            }
        }
        Damage::Overwrite(x, run) => {
            let i = per_mille(out.len(), *x);
            for (slot, b) in out[i..].iter_mut().zip(run) {
                *slot = *b;
            }
        }
        Damage::Part(p, _) | Damage::PartCut(p, ..) => {
            let target = p % parts.len();
            let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
            for (i, (name, data)) in parts.iter().enumerate() {
                let mut data = data.clone();
                if i == target {
                    match d {
                        Damage::Part(_, v) => {
                            for &(x, b) in v {
                                let i = per_mille(data.len(), x);
                                if let Some(slot) = data.get_mut(i) {
                                    *slot = b;
                                }
                            }
                        }
                        Damage::PartCut(_, x, n) => {
                            let i = per_mille(data.len(), *x);
                            let end = (i + usize::from(*n)).min(data.len());
                            data.drain(i..end);
                        }
                        _ => {}
                    }
                }
                zip.start_file(name.as_str(), zip::write::SimpleFileOptions::default())
                    .expect("file");
                zip.write_all(&data).expect("write");
            }
            out = zip.finish().expect("zip").into_inner();
        }
    }
    out
}
