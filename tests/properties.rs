//! Properties over random inputs (proptest, on stable, inside `cargo test`):
//!
//! - random valid figures (R-T3-1 holds by construction, totals computed) go through the whole
//!   pipeline: `init::workbook` → `workbook::parse` → `reader::from_book` → the checks (no
//!   error) → `report::build`, and every figure comes back from the Word tables and from the
//!   Excel appendix;
//! - random corruptions of a valid workbook (truncation, flipped bytes, overwritten runs, and
//!   damage inside a part re-zipped with a correct checksum, so that it reaches the XML and the
//!   label finder) give figures or an error, never a panic.
//!
//! Case counts are small so that this module stays within a few seconds; `fuzz/` runs the same
//! reader for as long as one likes.

use crate::util::published::templates;
use crate::util::random::{damage, damaged, raw, round_trips, statement, valid};
use proptest::prelude::*;
use report_gen::report::{self, Checked};
use std::path::Path;

proptest! {
    #![proptest_config(ProptestConfig { cases: 6, ..ProptestConfig::default() })]

    #[test]
    fn random_valid_figures_round_trip_through_both_documents(raw in raw()) {
        let f = valid(&raw);
        let bytes = report_gen::init::workbook(&statement(&f)).expect("workbook");
        let path = Path::new("随机.xlsx");
        let book = report_gen::workbook::parse(path, &bytes, Default::default()).expect("opens");
        let read = report_gen::reader::from_book(path, &book).expect("reads");
        prop_assert_eq!(&read.figures, &f);
        let diagnostics = report_gen::checks::all(&read, None);
        let checked = Checked { statement: read, diagnostics, previous: false };
        prop_assert!(!checked.has_errors(), "{:#?}", checked.diagnostics);
        let docs = report::build(&checked, templates(), true).expect("documents build");
        let appendix = docs.appendix.expect("appendix");
        round_trips(&f, &docs.docx, &appendix)?;
        // And the same bytes again.
        let again = report::build(&checked, templates(), true).expect("documents build");
        prop_assert!(again.docx == docs.docx);
        prop_assert!(again.appendix.as_deref() == Some(appendix.as_slice()));
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn corrupted_workbooks_give_figures_or_an_error_never_a_panic(d in damage()) {
        let bytes = damaged(&d);
        let path = Path::new("损坏.xlsx");
        match report_gen::workbook::parse(path, &bytes, Default::default()) {
            Ok(book) => match report_gen::reader::from_book(path, &book) {
                Ok(st) => {
                    let _ = report_gen::checks::all(&st, None);
                }
                Err(e) => {
                    prop_assert!(e.to_string().contains("损坏.xlsx"), "{}", e);
                    prop_assert_eq!(e.exit_code(), 1);
                }
            },
            Err(e) => {
                prop_assert!(e.to_string().contains("损坏.xlsx"), "{}", e);
                prop_assert_eq!(e.exit_code(), 2);
            }
        }
    }
}
