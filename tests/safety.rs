//! Nothing lost, ever (issue 11), case by case through the real binary: outputs guarded by
//! file identity, reports and appendices replaced as pairs, closed and full output streams,
//! every entry of a batch folder accounted for, and batches of several 报告年度 (issue 9 item
//! 6). The one-per-defect regressions are in `regression.rs`.

use crate::util::read::{book_file, is_temporary, listing, rolled_up, sheet_column};
use crate::util::samples::of_year;
use crate::util::workbook::init;
use crate::util::{ran, run, samples, with_closed_pipe, Dir};

// ---------------------------------------------------------------------------------------------
// Outputs guarded by file identity

#[test]
fn an_output_that_is_an_input_under_any_name_is_refused() {
    let dir = Dir::new();
    let data = dir.write("a.xlsx", &samples::bytes(samples::BUSY));
    std::fs::create_dir(dir.join("sub")).expect("sub");
    dir.write("sub/title.j2", "{{ agency }}".as_bytes());
    std::fs::hard_link(&data, dir.join("hard.xlsx")).expect("hard link");
    #[cfg(unix)]
    std::os::unix::fs::symlink("a.xlsx", dir.join("link.docx")).expect("link");
    let mut cases = vec![
        (vec!["a.xlsx", "-o", "sub/../a.xlsx"], "就是输入的统计表"),
        (vec!["a.xlsx", "-o", "hard.xlsx"], "就是输入的统计表"),
        (
            vec!["a.xlsx", "-o", "r.docx", "--appendix", "./a.xlsx"],
            "就是输入的统计表",
        ),
        (vec!["a.xlsx", "-o", "sub"], "是文件夹"),
        (vec!["a.xlsx", "-o", "nowhere/r.docx"], "不存在"),
        (
            vec!["a.xlsx", "-o", "r.docx", "--appendix", "nowhere/a.xlsx"],
            "不存在",
        ),
        (vec!["a.xlsx", "-o", "new/"], "没有文件名"),
        (
            vec!["a.xlsx", "--templates", "sub", "-o", "sub/title.j2"],
            "就是输入的模板",
        ),
    ];
    #[cfg(unix)]
    {
        cases.push((vec!["a.xlsx", "-o", "link.docx"], "就是输入的统计表"));
        cases.push((vec!["a.xlsx", "-o", "/dev/null"], "是设备文件"));
        cases.push((vec!["init", "-o", "/dev/null", "--force"], "是设备文件"));
    }
    let before = listing(dir.path());
    for (args, words) in cases {
        let r = ran(dir.cmd().args(&args));
        assert_eq!(r.code, 2, "{args:?}: {}", r.text);
        assert!(r.text.contains(words), "{args:?}: {}", r.text);
        assert!(!r.text.contains("已生成"), "{args:?}: {}", r.text);
        assert_eq!(listing(dir.path()), before, "{args:?}");
        assert_eq!(
            std::fs::read(&data).expect("input"),
            samples::bytes(samples::BUSY)
        );
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        let null = std::fs::metadata("/dev/null").expect("/dev/null");
        assert!(null.file_type().is_char_device());
    }
}

#[test]
fn a_folder_where_the_appendix_goes_leaves_the_old_pair_alone() {
    let dir = Dir::new();
    dir.write("old.xlsx", &samples::bytes(samples::BUSY));
    dir.write("new.xlsx", &samples::bytes(samples::SEED));
    let r = ran(dir
        .cmd()
        .args(["old.xlsx", "-o", "r.docx", "--no-appendix"]));
    assert_eq!(r.code, 0, "{}", r.text);
    let report = std::fs::read(dir.join("r.docx")).expect("report");
    dir.write("r-附表.xlsx/keep.txt", b"a folder, not a file");
    let r = ran(dir.cmd().args(["new.xlsx", "-o", "r.docx"]));
    assert_eq!(r.code, 2, "{}", r.text);
    assert!(
        r.text.contains("附表 r-附表.xlsx 已存在，而且是文件夹"),
        "{}",
        r.text
    );
    assert_eq!(std::fs::read(dir.join("r.docx")).expect("report"), report);
    assert_eq!(
        listing(dir.path()),
        vec!["new.xlsx", "old.xlsx", "r-附表.xlsx", "r.docx"]
    );
}

#[test]
fn a_new_pair_replaces_the_old_pair_and_keeps_nothing_aside() {
    let dir = Dir::new();
    dir.write("old.xlsx", &samples::bytes(samples::BUSY));
    dir.write("new.xlsx", &samples::bytes(samples::SEED));
    assert_eq!(ran(dir.cmd().args(["old.xlsx", "-o", "r.docx"])).code, 0);
    let old = std::fs::read(dir.join("r-附表.xlsx")).expect("appendix");
    assert_eq!(ran(dir.cmd().args(["new.xlsx", "-o", "r.docx"])).code, 0);
    assert_ne!(
        std::fs::read(dir.join("r-附表.xlsx")).expect("appendix"),
        old
    );
    assert_eq!(
        listing(dir.path()),
        vec!["new.xlsx", "old.xlsx", "r-附表.xlsx", "r.docx"]
    );
}

// ---------------------------------------------------------------------------------------------
// Closed and full output streams

#[test]
fn a_closed_pipe_is_quiet_and_the_work_is_finished_with_its_own_exit_code() {
    let dir = Dir::new();
    dir.write("a.xlsx", &samples::bytes(samples::BUSY));
    let (code, err) = with_closed_pipe(&dir, &["check", "a.xlsx"], false);
    assert_eq!(code, Some(0), "{err}");
    assert!(err.is_empty(), "{err}");
    let (code, err) = with_closed_pipe(&dir, &["check", "--format", "json", "nowhere.xlsx"], false);
    assert_eq!(code, Some(2), "{err}");
    let (code, err) = with_closed_pipe(&dir, &["a.xlsx", "-o", "r.docx"], true);
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(listing(dir.path()), vec!["a.xlsx", "r-附表.xlsx", "r.docx"]);
    for args in [["--help"], ["--version"]] {
        let (code, err) = with_closed_pipe(&dir, &args, true);
        assert_eq!(code, Some(0), "{args:?}: {err}");
    }
    // Help and version are clap's, on standard output, exit 0.
    let (code, out, _) = run(dir.cmd().arg("--version"));
    assert_eq!(code, 0);
    assert!(out.starts_with("report-gen "), "{out}");
    let (code, out, _) = run(dir.cmd().args(["batch", "--help"]));
    assert_eq!(code, 0);
    assert!(out.contains("--jobs"), "{out}");
}

#[cfg(target_os = "linux")]
#[test]
fn a_full_standard_error_still_writes_the_report_and_exits_2() {
    let dir = Dir::new();
    dir.write("a.xlsx", &samples::bytes(samples::BUSY));
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .expect("/dev/full");
    let out = std::process::Command::new(assert_cmd::cargo::cargo_bin("report-gen"))
        .args(["a.xlsx", "-o", "r.docx"])
        .current_dir(dir.path())
        .stderr(full)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(listing(dir.path()), vec!["a.xlsx", "r-附表.xlsx", "r.docx"]);
}

// ---------------------------------------------------------------------------------------------
// The batch: every entry accounted for, outputs never over inputs

#[test]
fn every_entry_of_the_batch_folder_is_a_row_or_a_skipped_line() {
    let dir = Dir::new();
    dir.write("in/a.xlsx", &samples::bytes(samples::BUSY));
    dir.write("in/b.XLSM", &samples::bytes(samples::SEED));
    dir.write("in/~$a.xlsx", b"lock");
    dir.write("in/.hidden.xlsx", &samples::bytes(samples::SEED));
    dir.write("in/.git/config", b"x");
    dir.write("in/报告.docx", b"x");
    dir.write("in/README", b"x");
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink("a.xlsx", dir.join("in/again.xlsx")).expect("link");
        std::fs::create_dir(dir.join("elsewhere")).expect("folder");
        std::os::unix::fs::symlink("../elsewhere", dir.join("in/linked")).expect("link");
        std::os::unix::fs::symlink("missing.xlsx", dir.join("in/dangling.xlsx")).expect("link");
    }
    let r = ran(dir.cmd().args(["batch", "in", "-o", "out"]));
    let summary = dir.join("out/汇总.xlsx");
    let mut rows = sheet_column(&summary, "总览", 0);
    let skipped = sheet_column(&summary, "未处理的文件", 0);
    let reasons = sheet_column(&summary, "未处理的文件", 1);
    let mut want_rows = vec!["a.xlsx", "b.XLSM"];
    let mut want_skipped = vec![".git", ".hidden.xlsx", "README", "~$a.xlsx", "报告.docx"];
    #[cfg(unix)]
    {
        want_rows.push("dangling.xlsx");
        want_skipped.extend(["again.xlsx", "linked"]);
    }
    want_rows.sort_unstable();
    want_skipped.sort_unstable();
    rows.sort();
    assert_eq!(rows, want_rows, "{}", r.text);
    assert_eq!(skipped, want_skipped, "{reasons:?}");
    let reason = |name: &str| {
        skipped
            .iter()
            .zip(&reasons)
            .find(|(s, _)| *s == name)
            .map(|(_, r)| r.clone())
            .unwrap_or_default()
    };
    assert!(reason("~$a.xlsx").contains("a.xlsx 可能正在 Excel 或 WPS 中打开"));
    assert!(reason(".git").contains("隐藏文件夹"));
    assert!(reason("报告.docx").contains("不是统计表文件（扩展名 .docx"));
    #[cfg(unix)]
    {
        assert!(reason("again.xlsx").contains("与 a.xlsx 是同一个文件"));
        assert!(reason("linked").contains("指向文件夹的链接"));
        assert_eq!(r.code, 1, "the dangling link is unreadable: {}", r.text);
    }
    assert!(
        r.text.contains("未处理（详见汇总表的“未处理的文件”）"),
        "{}",
        r.text
    );
}

#[test]
fn the_batch_refuses_folders_that_would_mix_inputs_and_outputs() {
    let dir = Dir::new();
    dir.write("in/a.xlsx", &samples::bytes(samples::BUSY));
    dir.write(
        "last/a.xlsx",
        &init(&of_year(&samples::busy(), "示例区人民政府", 2024)),
    );
    for (args, words) in [
        (
            vec!["batch", "in", "-o", "last", "--previous", "last"],
            "就是上一年度统计表所在的文件夹",
        ),
        (
            vec!["batch", "in", "-o", "out", "--previous", "./in"],
            "就是本年度的输入文件夹",
        ),
        (vec!["batch", "in", "-o", "in/a.xlsx"], "不是文件夹"),
        (
            vec!["batch", "in", "-o", "out", "--previous", "nowhere"],
            "不存在",
        ),
    ] {
        let r = ran(dir.cmd().args(&args));
        assert_eq!(r.code, 2, "{args:?}: {}", r.text);
        assert!(r.text.contains(words), "{args:?}: {}", r.text);
        assert_eq!(listing(dir.path()), vec!["in", "last"], "{args:?}");
        assert_eq!(listing(&dir.join("last")), vec!["a.xlsx"]);
    }
}

#[cfg(unix)]
#[test]
fn a_batch_never_writes_over_an_input_or_a_read_only_report() {
    let dir = Dir::new();
    let input = dir.write("in/a.xlsx", &samples::bytes(samples::BUSY));
    dir.write("in/b.xlsx", &samples::bytes(samples::SEED));
    // The output folder holds a link, under the appendix's name, to an input.
    std::fs::create_dir(dir.join("out")).expect("out");
    let busy = "示例区人民政府-2025年政府信息公开工作年度报告";
    std::os::unix::fs::symlink(&input, dir.join(&format!("out/{busy}-附表.xlsx"))).expect("link");
    // And a read-only old report of the other agency.
    let seed = "伊美区教育局-2025年政府信息公开工作年度报告";
    let old = dir.write(&format!("out/{seed}.docx"), b"old report");
    let mut perms = std::fs::metadata(&old).expect("old").permissions();
    perms.set_readonly(true);
    std::fs::set_permissions(&old, perms).expect("read-only");
    let r = ran(dir.cmd().args(["batch", "in", "-o", "out"]));
    assert_eq!(r.code, 1, "{}", r.text);
    assert!(r.text.contains("生成报告 0 份"), "{}", r.text);
    assert_eq!(
        std::fs::read(&input).expect("input"),
        samples::bytes(samples::BUSY)
    );
    assert_eq!(std::fs::read(&old).expect("old"), b"old report");
    let files = listing(&dir.join("out"));
    assert_eq!(
        files,
        vec![
            format!("{seed}.docx"),
            "汇总.xlsx".to_string(),
            format!("{busy}-附表.xlsx"),
        ]
    );
    let messages = sheet_column(&dir.join("out/汇总.xlsx"), "问题明细", 4);
    assert!(
        messages.iter().any(|m| m.contains("就是输入的统计表")),
        "{messages:?}"
    );
    assert!(
        messages.iter().any(|m| m.contains("是只读文件")),
        "{messages:?}"
    );
}

// ---------------------------------------------------------------------------------------------
// Issue 9 item 6: workbooks of several 报告年度 in one folder

#[test]
fn workbooks_of_two_years_get_one_summary_each_and_are_never_added_up() {
    let dir = Dir::new();
    let busy = samples::busy();
    dir.write("in/a-2025.xlsx", &init(&of_year(&busy, "甲局", 2025)));
    dir.write("in/b-2025.xlsx", &init(&of_year(&busy, "乙局", 2025)));
    dir.write("in/a-2024.xlsx", &init(&of_year(&busy, "甲局", 2024)));
    dir.write("in/坏.xlsx", b"not a workbook");
    let r = ran(dir.cmd().args(["batch", "in", "-o", "out"]));
    assert_eq!(r.code, 1, "{}", r.text);
    assert!(
        r.text.contains("输入文件夹中有 2 个报告年度的统计表（2024 年度 1 个，2025 年度 2 个），已按年度分别汇总"),
        "{}",
        r.text
    );
    assert!(
        r.text
            .contains("汇总表：out/汇总-2024.xlsx、out/汇总-2025.xlsx"),
        "{}",
        r.text
    );
    let files = listing(&dir.join("out"));
    assert!(!files.contains(&"汇总.xlsx".to_string()), "{files:?}");
    assert!(files.contains(&"甲局-2024年政府信息公开工作年度报告.docx".to_string()));
    assert!(files.contains(&"甲局-2025年政府信息公开工作年度报告.docx".to_string()));
    for (year, want) in [
        (2024, vec!["a-2024.xlsx", "坏.xlsx"]),
        (2025, vec!["a-2025.xlsx", "b-2025.xlsx", "坏.xlsx"]),
    ] {
        let path = dir.join(&format!("out/汇总-{year}.xlsx"));
        assert_eq!(sheet_column(&path, "总览", 0), want, "{year}");
        let years: Vec<String> = sheet_column(&path, "总览", 2)
            .into_iter()
            .filter(|y| !y.is_empty())
            .collect();
        assert!(years.iter().all(|y| *y == year.to_string()), "{years:?}");
        // The roll-up adds only that year's agencies.
        let mut want_figures = report_gen::figures::Figures::default();
        for _ in 1..want.len() {
            want_figures.add(&busy.figures);
        }
        want_figures.compute_totals();
        let got = rolled_up(&mut book_file(&path));
        assert_eq!(got, want_figures, "{year}");
    }
    assert!(listing(&dir.join("out")).iter().all(|f| !is_temporary(f)));
}

#[test]
fn last_year_is_the_workbook_of_the_year_before_among_several() {
    let dir = Dir::new();
    let busy = samples::busy();
    let mut last = of_year(&busy, "示例区人民政府", 2024);
    last.figures.t3[report_gen::format::T3_CARRIED_FORWARD] =
        busy.figures.t3[report_gen::format::T3_CARRIED_IN];
    last.figures.compute_totals();
    dir.write(
        "last/2023.xlsx",
        &init(&of_year(&busy, "示例区人民政府", 2023)),
    );
    dir.write("last/2024.xlsx", &init(&last));
    dir.write("in/a.xlsx", &samples::bytes(samples::BUSY));
    let r = ran(dir
        .cmd()
        .args(["batch", "in", "-o", "out", "--previous", "last"]));
    assert_eq!(r.code, 0, "{}", r.text);
    let ids = sheet_column(&dir.join("out/汇总.xlsx"), "问题明细", 2);
    assert!(
        !ids.iter().any(|i| i == "INFO-PREVIOUS" || i == "R-T3-6"),
        "{ids:?}"
    );
    // Only another year's workbook: not compared, and said so.
    std::fs::remove_file(dir.join("last/2024.xlsx")).expect("removed");
    let r = ran(dir
        .cmd()
        .args(["batch", "in", "-o", "out2", "--previous", "last"]));
    assert_eq!(r.code, 0, "{}", r.text);
    let ids = sheet_column(&dir.join("out2/汇总.xlsx"), "问题明细", 2);
    assert!(ids.iter().any(|i| i == "INFO-PREVIOUS"), "{ids:?}");
    assert!(!ids.iter().any(|i| i == "R-T3-6"), "{ids:?}");
}
