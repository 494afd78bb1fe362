//! Benchmark of reading published reports (`report_gen::document::parse`), the first step of
//! `audit`: one .docx, one portal page in UTF-8 and in GBK, and one PDF, each read from memory.
//!
//!     cargo bench --bench document                 # 200 reads of each, medians
//!     BENCH_N=50 BENCH_KIND=pdf cargo bench --bench document
//!     BENCH_N=1 BENCH_KIND=docx valgrind --tool=callgrind --toggle-collect='*timed_read*' \
//!         target/release/deps/document-HASH        # instructions of one read
//!
//! The .docx is report-gen's report of the busy sample; the pages hold its paragraphs and
//! tables (rowspan/colspan, text in `<p><span>`) inside a portal's navigation; the PDF is the
//! LibreOffice conversion kept in tests/fixtures.

use report_gen::document::{self, Block, Document};
use report_gen::workbook::{Limits, Value};
use std::path::{Path, PathBuf};
use std::time::Instant;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The busy sample's report, as report-gen writes it.
fn docx() -> Vec<u8> {
    let path = root().join("samples/示例区人民政府-2025.xlsx");
    let checked = report_gen::report::check(&path, None, Limits::default()).expect("sample reads");
    let templates = report_gen::narrative::Templates::builtin().expect("templates");
    report_gen::report::build(&checked, &templates, false)
        .expect("report built")
        .docx
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// A portal page holding a document's blocks, with navigation, a sidebar and a footer.
fn page(doc: &Document, charset: &str) -> String {
    let mut body = String::new();
    for block in &doc.blocks {
        match block {
            Block::Paragraph(p) => body.push_str(&format!(
                "<p style=\"text-indent:2em\"><span style=\"font-size:16px\">{}</span></p>\n",
                escape(&p.text)
            )),
            Block::Table(t) => {
                let g = &t.grid;
                let last_row = g.merges.iter().map(|m| m.1 .0).chain(g.last_row()).max();
                let last_col = g
                    .cells
                    .keys()
                    .map(|k| k.1)
                    .chain(g.merges.iter().map(|m| m.1 .1))
                    .max();
                body.push_str("<table border=\"1\"><tbody>");
                for r in 0..=last_row.unwrap_or(0) {
                    body.push_str("<tr>");
                    for c in 0..=last_col.unwrap_or(0) {
                        let merge = g.merge_at(r, c);
                        if merge.is_some_and(|(o, _)| o != (r, c)) {
                            continue;
                        }
                        let (rows, cols) =
                            merge.map_or((1, 1), |((r0, c0), (r1, c1))| (r1 - r0 + 1, c1 - c0 + 1));
                        let text = match g.get(r, c) {
                            Some(Value::Text(t)) => escape(t),
                            _ => String::new(),
                        };
                        body.push_str(&format!(
                            "<td rowspan=\"{rows}\" colspan=\"{cols}\"><p><span>{text}</span></p></td>"
                        ));
                    }
                    body.push_str("</tr>\n");
                }
                body.push_str("</tbody></table>\n");
            }
        }
    }
    let nav: String = (1..=60)
        .map(|i| format!("<li><a href=\"/col/{i}.html\">政务公开栏目{i}</a></li>"))
        .collect();
    format!(
        "<!DOCTYPE html><html><head><meta charset=\"{charset}\"><title>年度报告</title>\
         <script>var a = '<div>';</script></head><body><div class=\"header\"><ul>{nav}</ul></div>\
         <div class=\"main\"><div class=\"left\"><ul>{nav}</ul></div><div class=\"right\">\
         <h1>示例区人民政府2025年政府信息公开工作年度报告</h1><div class=\"content\">{body}</div></div></div>\
         <div class=\"footer\"><p>主办单位：示例市人民政府办公室 地址：示例市人民路1号</p></div></body></html>"
    )
}

/// One read, timed; a function of its own so that callgrind can count just this.
#[inline(never)]
fn timed_read(file: &str, bytes: &[u8], limits: Limits) -> (f64, usize) {
    let start = Instant::now();
    let d = document::parse(Path::new(file), bytes, limits).expect("reads");
    (start.elapsed().as_secs_f64() * 1000.0, d.blocks.len())
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v.get(v.len() / 2).copied().unwrap_or(0.0)
}

fn main() {
    let n: usize = std::env::var("BENCH_N")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(200);
    let kind = std::env::var("BENCH_KIND").unwrap_or_default();
    let limits = Limits::default();
    let docx = docx();
    let doc = document::parse(Path::new("r.docx"), &docx, limits).expect("docx reads");
    let utf8 = page(&doc, "utf-8").into_bytes();
    let gbk_page = page(&doc, "gbk");
    let (gbk, _, _) = encoding_rs::GBK.encode(&gbk_page);
    let pdf =
        std::fs::read(root().join("tests/fixtures/示例区人民政府-2025.pdf")).expect("PDF fixture");
    let inputs: [(&str, &str, &[u8]); 4] = [
        ("docx", "r.docx", &docx),
        ("html", "r.html", &utf8),
        ("html-gbk", "r.htm", &gbk),
        ("pdf", "r.pdf", &pdf),
    ];
    println!("reading one report from memory, {n} times each (median, mean)");
    for (name, file, bytes) in inputs {
        if !kind.is_empty() && name != kind {
            continue;
        }
        let mut times = Vec::with_capacity(n);
        let mut blocks = 0;
        for _ in 0..n {
            let (ms, b) = timed_read(file, bytes, limits);
            times.push(ms);
            blocks = b;
        }
        let mean = times.iter().sum::<f64>() / times.len().max(1) as f64;
        println!(
            "{name:9} {:7} bytes {blocks:4} blocks  median {:7.3} ms  mean {:7.3} ms",
            bytes.len(),
            median(times),
            mean
        );
    }
}
