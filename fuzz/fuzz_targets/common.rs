//! What both targets share: the pipeline under test and the panic policy.

use report_gen::workbook::Limits;
use std::collections::BTreeSet;
use std::path::Path;
use std::sync::Mutex;

/// Panics inside the spreadsheet reader are contained by `workbook::parse` (a damaged file is
/// an error naming where the reader gave up, and nothing is printed); each new place is listed
/// once here so that a run shows them. A panic anywhere else unwinds out of the target, and
/// libfuzzer-sys turns it into a crash; this hook prints where it happened first.
pub fn list_contained_panics() {
    std::panic::set_hook(Box::new(|info| {
        let at = info
            .location()
            .map(|l| format!("{}:{}", l.file(), l.line()))
            .unwrap_or_default();
        eprintln!("UNCONTAINED PANIC at {at}: {info}");
    }));
}

fn note_contained(message: &str) {
    static SEEN: Mutex<BTreeSet<String>> = Mutex::new(BTreeSet::new());
    let Some(at) = message
        .split("表格读取组件在 ")
        .nth(1)
        .and_then(|rest| rest.split(" 处").next())
    else {
        return;
    };
    if let Ok(mut seen) = SEEN.lock() {
        if seen.insert(at.to_string()) {
            eprintln!("CONTAINED PANIC at {at} ({} distinct so far)", seen.len());
        }
    }
}

/// Bytes → workbook → statement → every check (against itself as last year, for the
/// continuity rules); errors are rendered as the user would see them.
pub fn pipeline(name: &str, bytes: &[u8]) {
    let path = Path::new(name);
    // Small limits keep each execution cheap; the checks that use them are the same.
    let limits = Limits::from_mb(1);
    match report_gen::workbook::parse(path, bytes, limits) {
        Ok(book) => match report_gen::reader::from_book(path, &book) {
            Ok(st) => {
                let diagnostics = report_gen::checks::all(&st, Some(&st));
                let _ = report_gen::diagnostics::render_text(&diagnostics);
            }
            Err(e) => {
                let _ = e.to_string();
            }
        },
        Err(e) => note_contained(&e.to_string()),
    }
}
