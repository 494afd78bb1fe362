//! Any bytes as a workbook file: `workbook::parse` → `reader::from_book` → `checks::all`.
//! Every input must give figures or an error, never a panic, a hang or a huge allocation.

#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;

fuzz_target!(
    init: common::list_contained_panics(),
    |data: &[u8]| {
        common::pipeline("fuzz.xlsx", data);
    }
);
