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

use report_gen::figures::Figures;
use report_gen::format::{
    self, SECTION_OTHER, SECTION_OVERVIEW, SECTION_PROBLEMS, T3_CARRIED_FORWARD, T3_CARRIED_IN,
    T3_NEW, T3_RESULT_ROWS,
};
use report_gen::statement::{AgencyType, Date, Info, Part, Statement};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

/// A small deterministic generator (xorshift64*): the same workbooks on every run.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) % n.max(1)
    }
}

/// A valid statement: each applicant column's new and carried-in applications are spread over
/// the result rows and the carry-forward, so 一+二 = 三（七）+四 holds.
fn statement(i: usize, rng: &mut Rng) -> Statement {
    let mut f = Figures::default();
    for c in 0..6 {
        let new = rng.below(if c == 0 { 80 } else { 12 });
        let carried = rng.below(4);
        f.t3[T3_NEW][c] = new;
        f.t3[T3_CARRIED_IN][c] = carried;
        let mut left = new + carried;
        let forward = rng.below(left / 4 + 1);
        f.t3[T3_CARRIED_FORWARD][c] = forward;
        left -= forward;
        while left > 0 {
            // Most applications are granted; the rest spread over the other results.
            let r = if rng.below(2) == 0 {
                T3_RESULT_ROWS.start
            } else {
                T3_RESULT_ROWS.start + rng.below(T3_RESULT_ROWS.len() as u64 - 1) as usize
            };
            let r = if r == format::T3_OTHER_MISC {
                T3_RESULT_ROWS.start
            } else {
                r
            };
            let take = 1 + rng.below(left.min(5));
            f.t3[r][c] += take;
            left -= take;
        }
    }
    for g in 0..3 {
        for k in 0..4 {
            f.t4[g][k] = rng.below(3);
        }
    }
    for cell in format::t2_cells() {
        if cell.row_item().id != "regulations" && cell.index < report_gen::figures::T2_FEES {
            f.t2[cell.index] = rng.below(500);
        }
    }
    if let Some(i) = format::t2_index("normative_documents", Some("in_force")) {
        f.t2[i] += 100;
    }
    f.fees = rng.below(100_000) as f64 / 100.0;
    f.compute_totals();
    let text = |topic: &str| {
        format!("本年度，本机关围绕{topic}持续推进政务公开工作，完善制度机制，加强平台建设和队伍建设，及时回应社会关切，切实保障人民群众的知情权、参与权、表达权和监督权。")
    };
    let mut st = Statement {
        info: Info {
            agency: format!("示例市第{}局", i + 1),
            year: Some(2025),
            agency_type: Some(AgencyType::Department),
            address: "示例市人民路1号".into(),
            postcode: "100000".into(),
            phone: "010-12345678".into(),
            online: "示例市人民政府门户网站".into(),
            date: Date::new(2026, 1, 20),
            fee_notices: 0,
            fee_notice_amount: 0.0,
            fee_collected: 0.0,
        },
        figures: f,
        ..Statement::default()
    };
    st.narrative.sections[SECTION_OVERVIEW] = format::OVERVIEW_PARTS
        .iter()
        .map(|p| Part {
            heading: Some(p.name.to_string()),
            paragraphs: vec![text(p.name), text("重点领域信息公开")],
            cell: None,
        })
        .collect();
    st.narrative.sections[SECTION_PROBLEMS] = vec![Part {
        heading: None,
        paragraphs: vec![text("问题整改"), text("改进措施")],
        cell: None,
    }];
    st.narrative.sections[SECTION_OTHER] = vec![Part {
        heading: Some("年度政务公开工作创新情况".into()),
        paragraphs: vec![text("创新")],
        cell: None,
    }];
    st
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v.get(v.len() / 2).copied().unwrap_or(0.0)
}

fn seconds(cmd: &mut Command) -> f64 {
    let t = Instant::now();
    let status = cmd
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .expect("binary runs");
    let s = t.elapsed().as_secs_f64();
    assert!(
        status.code().is_some_and(|c| c <= 1),
        "{cmd:?} failed: {status}"
    );
    s
}

/// Peak resident memory in MB of one run, from GNU time.
fn peak_mb(bin: &Path, args: &[&str]) -> Option<f64> {
    let out = Command::new("/usr/bin/time")
        .arg("-v")
        .arg(bin)
        .args(args)
        .output()
        .ok()?;
    let err = String::from_utf8_lossy(&out.stderr);
    let kb: f64 = err
        .lines()
        .find(|l| l.contains("Maximum resident set size"))?
        .rsplit(':')
        .next()?
        .trim()
        .parse()
        .ok()?;
    Some(kb / 1024.0)
}

fn main() {
    let n: usize = std::env::var("BENCH_N")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1000);
    let runs: usize = std::env::var("BENCH_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(3);
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
    let pdf_n: usize = std::env::var("BENCH_PDF")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(200)
        .min(n);
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
