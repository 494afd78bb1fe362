//! What the benchmarks share: synthetic valid statements (the same on every run) and timing.

use report_gen::figures::Figures;
use report_gen::format::{
    self, SECTION_OTHER, SECTION_OVERVIEW, SECTION_PROBLEMS, T3_CARRIED_FORWARD, T3_CARRIED_IN,
    T3_NEW, T3_RESULT_ROWS,
};
use report_gen::statement::{AgencyType, Date, Info, Part, Statement};
use std::path::Path;
use std::process::Command;
use std::time::Instant;

/// A small deterministic generator (xorshift64*): the same workbooks on every run.
pub struct Rng(pub u64);

impl Rng {
    pub fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) % n.max(1)
    }
}

/// A valid statement: each applicant column's new and carried-in applications are spread over
/// the result rows and the carry-forward, so 一+二 = 三（七）+四 holds.
pub fn statement(i: usize, rng: &mut Rng) -> Statement {
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

pub fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v.get(v.len() / 2).copied().unwrap_or(0.0)
}

pub fn seconds(cmd: &mut Command) -> f64 {
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
pub fn peak_mb(bin: &Path, args: &[&str]) -> Option<f64> {
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

/// A number from the environment (`BENCH_N=200`), or `default`.
pub fn env_number(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}
