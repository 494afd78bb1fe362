//! One worksheet's XML inside an otherwise valid workbook (the bundled busy sample), so that the
//! mutations reach the cell reader and the label finder instead of stopping at the zip's
//! checksums. Input: one byte choosing the sheet, then the sheet's XML.

#![no_main]

use libfuzzer_sys::fuzz_target;
use std::io::{Cursor, Read, Write};
use std::sync::OnceLock;

#[path = "common.rs"]
mod common;

const SAMPLE: &[u8] = include_bytes!("../../samples/示例区人民政府-2025.xlsx");

/// The sample's parts, decompressed once.
fn parts() -> &'static [(String, Vec<u8>)] {
    static PARTS: OnceLock<Vec<(String, Vec<u8>)>> = OnceLock::new();
    PARTS.get_or_init(|| {
        let mut out = Vec::new();
        let Ok(mut zip) = zip::ZipArchive::new(Cursor::new(SAMPLE)) else {
            return out;
        };
        for i in 0..zip.len() {
            let Ok(mut entry) = zip.by_index(i) else {
                continue;
            };
            let Ok(name) = entry.name().map(|n| n.to_string()) else {
                continue;
            };
            let mut data = Vec::new();
            if entry.read_to_end(&mut data).is_ok() {
                out.push((name, data));
            }
        }
        out
    })
}

fn workbook(sheet: u8, xml: &[u8]) -> Option<Vec<u8>> {
    let target = format!("xl/worksheets/sheet{}.xml", sheet % 5 + 1);
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let stored =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for (name, data) in parts() {
        out.start_file(name.as_str(), stored).ok()?;
        out.write_all(if *name == target { xml } else { data })
            .ok()?;
    }
    Some(out.finish().ok()?.into_inner())
}

fuzz_target!(
    init: common::list_contained_panics(),
    |data: &[u8]| {
        let Some((&sheet, xml)) = data.split_first() else {
            return;
        };
        if let Some(bytes) = workbook(sheet, xml) {
            common::pipeline("fuzz-sheet.xlsx", &bytes);
        }
    }
);
