//! Benchmark of `report-gen audit` over a folder of published reports.
//!
//!     cargo bench --bench audit                  # 1,000 .docx reports, 3 runs per setting
//!     BENCH_N=200 BENCH_RUNS=5 cargo bench --bench audit
//!     BENCH_DIR=/dev/shm cargo bench --bench audit   # files in memory: the disk left out
//!
//! It writes N reports as report-gen writes them (the synthetic statements of the batch
//! benchmark: every figure random but passing every check, about 1,500 characters of
//! narrative), then times the release binary: one report audited as a whole process (a
//! synthetic .docx, and the busy sample as .docx, web page and PDF), and `audit DIR -o
//! 审查结果.xlsx` over all N with `--jobs 1` and `--jobs 2`. Medians of wall time; peak memory
//! from `/usr/bin/time -v`.

mod common;

use common::{env_number, median, peak_mb, seconds, statement, Rng};
use report_gen::workbook::Limits;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

fn main() {
    let n = env_number("BENCH_N", 1000);
    let runs = env_number("BENCH_RUNS", 3);
    let bin = PathBuf::from(env!("CARGO_BIN_EXE_report-gen"));
    let tmp = match std::env::var_os("BENCH_DIR") {
        Some(dir) => tempfile::tempdir_in(dir),
        None => tempfile::tempdir(),
    }
    .expect("temporary folder");
    let root = tmp.path().to_path_buf();
    let input = root.join("reports");
    std::fs::create_dir_all(&input).expect("folder");
    let templates = report_gen::narrative::Templates::builtin().expect("templates");
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let t = Instant::now();
    let mut bytes_total = 0;
    for i in 0..n {
        let docx = report_gen::word::document(&statement(i, &mut rng), &templates).expect("report");
        bytes_total += docx.len();
        std::fs::write(input.join(format!("{i:05}.docx")), docx).expect("write");
    }
    println!(
        "generated {n} reports ({:.0} KB each) in {:.1} s",
        bytes_total as f64 / n.max(1) as f64 / 1024.0,
        t.elapsed().as_secs_f64()
    );

    // One report as a whole process: a synthetic .docx, and the busy sample in three forms.
    let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/示例区人民政府-2025.xlsx");
    let checked = report_gen::report::check(&sample, None, Limits::default()).expect("sample");
    let wanted = report_gen::report::Wanted {
        appendix: false,
        html: true,
        fragment: false,
    };
    let docs = report_gen::report::build_wanted(&checked, &templates, wanted).expect("documents");
    let busy_docx = root.join("busy.docx");
    let busy_html = root.join("busy.html");
    std::fs::write(&busy_docx, &docs.docx).expect("write");
    std::fs::write(&busy_html, docs.html.unwrap_or_default()).expect("write");
    let busy_pdf =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/示例区人民政府-2025.pdf");
    println!("one report audited, median of 21 process runs:");
    for (what, file) in [
        ("synthetic .docx", input.join("00000.docx")),
        ("busy sample .docx", busy_docx),
        ("busy sample .html", busy_html),
        ("busy sample .pdf (LibreOffice)", busy_pdf),
    ] {
        let times: Vec<f64> = (0..21)
            .map(|_| seconds(Command::new(&bin).arg("audit").arg(&file)) * 1000.0)
            .collect();
        println!("  {what}: {:.1} ms", median(times));
    }

    let input_arg = input.to_string_lossy().into_owned();
    for jobs in ["1", "2"] {
        let out = |run: &str| {
            root.join(format!("审查结果-{jobs}-{run}.xlsx"))
                .to_string_lossy()
                .into_owned()
        };
        let times: Vec<f64> = (0..runs)
            .map(|run| {
                seconds(Command::new(&bin).args([
                    "audit",
                    &input_arg,
                    "-o",
                    &out(&run.to_string()),
                    "--jobs",
                    jobs,
                ]))
            })
            .collect();
        let peak = peak_mb(
            &bin,
            &["audit", &input_arg, "-o", &out("peak"), "--jobs", jobs],
        );
        let med = median(times);
        println!(
            "audit of {n} .docx reports, --jobs {jobs}: median {med:.2} s over {runs} runs, {:.0} reports/s, peak memory {}",
            n as f64 / med,
            peak.map_or("unknown".to_string(), |p| format!("{p:.0} MB"))
        );
    }
}
