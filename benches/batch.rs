//! Benchmark of the January batch and of one report, on synthetic valid workbooks.
//!
//!     cargo bench --bench batch                  # 1,000 workbooks, 3 runs per setting
//!     BENCH_N=200 BENCH_RUNS=5 cargo bench --bench batch
//!     BENCH_DIR=/dev/shm cargo bench --bench batch   # files in memory: the disk left out
//!     BENCH_BIN=/tmp/old/report-gen cargo bench --bench batch   # another build of the binary
//!     BENCH_PDF=0 cargo bench --bench batch          # without the PDF stage
//!
//! It writes N workbooks of realistic size (every figure random but passing every check, about
//! 1,500 characters of narrative), then times the release binary: one report (read, check,
//! Word, Excel) as a whole process, and `batch` over all N with `--jobs 1` and `--jobs 2`.
//! Medians of wall time; peak memory from `/usr/bin/time -v` (Maximum resident set size).
//!
//! The PDF stage (when LibreOffice is installed): `batch --pdf` over the first `BENCH_PDF`
//! workbooks (default 200) against `batch` alone over the same ones, with `--jobs 2`; a
//! wrapper around soffice counts the LibreOffice processes started. Also one report with
//! `--pdf` as a whole process (LibreOffice's start included).

mod common;

use common::{env_number, median, peak_mb, seconds, statement, Rng};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

fn main() {
    let n = env_number("BENCH_N", 1000);
    let runs = env_number("BENCH_RUNS", 3);
    // BENCH_BIN times another build (a copy of an older binary, to compare builds run by run).
    let bin = std::env::var_os("BENCH_BIN").map_or_else(
        || PathBuf::from(env!("CARGO_BIN_EXE_report-gen")),
        PathBuf::from,
    );
    // BENCH_DIR puts the workbooks and outputs elsewhere (e.g. /dev/shm to leave the disk out).
    let tmp = match std::env::var_os("BENCH_DIR") {
        Some(dir) => tempfile::tempdir_in(dir),
        None => tempfile::tempdir(),
    }
    .expect("temporary folder");
    // BENCH_KEEP leaves the folder behind (to compare builds on the same workbooks).
    let (root, _guard): (PathBuf, Option<tempfile::TempDir>) =
        if std::env::var_os("BENCH_KEEP").is_some() {
            let kept = tmp.keep();
            println!("workbooks kept in {}", kept.join("in").display());
            (kept, None)
        } else {
            (tmp.path().to_path_buf(), Some(tmp))
        };
    let input = root.join("in");
    std::fs::create_dir_all(&input).expect("folder");
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let t = Instant::now();
    let mut bytes_total = 0;
    for i in 0..n {
        let bytes = report_gen::init::workbook(&statement(i, &mut rng)).expect("workbook");
        bytes_total += bytes.len();
        std::fs::write(input.join(format!("{i:05}.xlsx")), bytes).expect("write");
    }
    println!(
        "generated {n} workbooks ({:.0} KB each) in {:.1} s",
        bytes_total as f64 / n.max(1) as f64 / 1024.0,
        t.elapsed().as_secs_f64()
    );

    let one = input.join("00000.xlsx");
    let out = root.join("one.docx");
    let single: Vec<f64> = (0..21)
        .map(|_| seconds(Command::new(&bin).arg(&one).arg("-o").arg(&out)) * 1000.0)
        .collect();
    let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/示例区人民政府-2025.xlsx");
    let busy: Vec<f64> = (0..21)
        .map(|_| seconds(Command::new(&bin).arg(&sample).arg("-o").arg(&out)) * 1000.0)
        .collect();
    println!("single report (read, check, Word, Excel), median of 21 process runs:");
    println!("  synthetic workbook: {:.1} ms", median(single));
    println!("  samples/示例区人民政府-2025.xlsx: {:.1} ms", median(busy));

    let input_arg = input.to_string_lossy().into_owned();
    // Every run writes into a folder of its own, and the folders are deleted only after the
    // last run. This machine's ext4 has no journal, and there each new file's inode search
    // steps over every inode deleted in the last minutes (`recently_deleted` in the kernel):
    // deleting one run's 2,000 files right before the next made that run up to 1.5 s slower,
    // which no January batch, writing into a new folder, pays.
    let mut outputs = Vec::new();
    for jobs in ["1", "2"] {
        let mut fresh = |what: &str| {
            let dir = root.join(format!("out{jobs}-{what}-{}", outputs.len()));
            outputs.push(dir.clone());
            dir.to_string_lossy().into_owned()
        };
        let times: Vec<f64> = (0..runs)
            .map(|run| {
                let out_arg = fresh(&run.to_string());
                seconds(
                    Command::new(&bin)
                        .args(["batch", &input_arg, "-o", &out_arg, "--jobs", jobs])
                        .stderr(std::process::Stdio::null()),
                )
            })
            .collect();
        let out_arg = fresh("peak");
        let peak = peak_mb(&bin, &["batch", &input_arg, "-o", &out_arg, "--jobs", jobs]);
        let med = median(times);
        println!(
            "batch of {n}, --jobs {jobs}: median {med:.2} s over {runs} runs, {:.0} workbooks/s, peak memory {}",
            n as f64 / med,
            peak.map_or("unknown".to_string(), |p| format!("{p:.0} MB"))
        );
    }
    let pdf_n = env_number("BENCH_PDF", 200).min(n);
    if pdf_n > 0 {
        pdf_stage(&bin, &root, &input, pdf_n, runs, &mut outputs);
    }
    for dir in outputs {
        let _ = std::fs::remove_dir_all(dir);
    }
}

/// Times the PDF stage: `batch --pdf` against `batch` over the same `n` workbooks.
fn pdf_stage(
    bin: &Path,
    root: &Path,
    input: &Path,
    n: usize,
    runs: usize,
    outputs: &mut Vec<PathBuf>,
) {
    let Ok(soffice) = report_gen::pdf::find_soffice(None) else {
        println!("PDF stage skipped: LibreOffice is not installed");
        return;
    };
    let subset = root.join("in-pdf");
    std::fs::create_dir_all(&subset).expect("folder");
    for i in 0..n {
        let name = format!("{i:05}.xlsx");
        std::fs::copy(input.join(&name), subset.join(&name)).expect("copy");
    }
    let calls = root.join("soffice-calls");
    let wrapper = root.join("soffice");
    std::fs::write(
        &wrapper,
        format!(
            "#!/bin/sh\necho call >> '{}'\nexec '{}' \"$@\"\n",
            calls.display(),
            soffice.display()
        ),
    )
    .expect("wrapper");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&wrapper, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    }
    let subset_arg = subset.to_string_lossy().into_owned();
    let mut time = |extra: &[&str]| -> Vec<f64> {
        (0..runs)
            .map(|run| {
                let out = root.join(format!("pdf-out-{}-{run}", outputs.len()));
                outputs.push(out.clone());
                seconds(
                    Command::new(bin)
                        .args(["batch", &subset_arg, "-o"])
                        .arg(&out)
                        .args(["--jobs", "2"])
                        .args(extra)
                        .env(report_gen::pdf::SOFFICE_ENV, &wrapper)
                        .stderr(std::process::Stdio::null()),
                )
            })
            .collect()
    };
    let _ = std::fs::remove_file(&calls);
    let plain = median(time(&[]));
    let with_pdf = median(time(&["--pdf"]));
    let processes = std::fs::read_to_string(&calls)
        .map(|s| s.lines().count())
        .unwrap_or(0);
    let with_all = median(time(&["--pdf", "--html", "--html-fragment"]));
    let pdf = (with_pdf - plain).max(0.0);
    println!(
        "PDF stage, batch of {n}, --jobs 2, median of {runs}: batch {plain:.2} s, batch --pdf {with_pdf:.2} s \
         ({} soffice process(es) per run), with --html --html-fragment too {with_all:.2} s",
        processes / runs.max(1)
    );
    println!(
        "  PDF stage: {:.0} ms per report, {:.1} reports/s",
        pdf * 1000.0 / n as f64,
        n as f64 / pdf.max(1e-9)
    );
    let one = subset.join("00000.xlsx");
    let out = root.join("one-pdf.docx");
    let single: Vec<f64> = (0..runs.max(3))
        .map(|_| {
            seconds(
                Command::new(bin)
                    .arg(&one)
                    .arg("-o")
                    .arg(&out)
                    .arg("--pdf")
                    .env(report_gen::pdf::SOFFICE_ENV, &soffice)
                    .stderr(std::process::Stdio::null()),
            ) * 1000.0
        })
        .collect();
    println!(
        "  one report with --pdf, as a whole process (LibreOffice's start included): {:.0} ms",
        median(single)
    );
}
