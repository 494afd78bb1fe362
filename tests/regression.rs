//! One regression test per numbered defect of issue 11 (“nothing lost, ever”), named after what
//! went wrong, through the real binary. The behaviours around them, case by case, are in
//! `safety.rs`.

use crate::util::read::{is_temporary, listing, sheet_column};
use crate::util::workbook::{address, init, tables, xlsb, Cell};
use crate::util::{ran, run, samples, Dir};

/// Defect 1: `-o` (or `--appendix`) naming the `--previous` workbook overwrote last year's
/// workbook, exit 0.
#[test]
fn an_output_naming_the_previous_workbook_overwrote_it() {
    let dir = Dir::new();
    let last = dir.write("last.xlsx", &samples::bytes(samples::SEED));
    dir.write("a.xlsx", &samples::bytes(samples::SEED));
    for args in [
        vec!["a.xlsx", "--previous", "last.xlsx", "-o", "last.xlsx"],
        vec![
            "a.xlsx",
            "--previous",
            "last.xlsx",
            "-o",
            "r.docx",
            "--appendix",
            "./last.xlsx",
        ],
    ] {
        let r = ran(dir.cmd().args(&args));
        assert_eq!(r.code, 2, "{args:?}: {}", r.text);
        assert!(r.text.contains("就是输入的上一年度统计表"), "{}", r.text);
        assert_eq!(
            std::fs::read(&last).expect("last"),
            samples::bytes(samples::SEED)
        );
        assert_eq!(listing(dir.path()), vec!["a.xlsx", "last.xlsx"]);
    }
}

/// Defect 2: `--appendix ./o/r.docx` beside `-o o/r.docx` overwrote the report with the appendix:
/// the paths were compared as text.
#[test]
fn an_appendix_spelled_differently_from_the_report_overwrote_it() {
    let dir = Dir::new();
    dir.write("a.xlsx", &samples::bytes(samples::BUSY));
    std::fs::create_dir(dir.join("o")).expect("o");
    let r = ran(dir
        .cmd()
        .args(["a.xlsx", "-o", "o/r.docx", "--appendix", "./o/../o/r.docx"]));
    assert_eq!(r.code, 2, "{}", r.text);
    assert!(r.text.contains("是同一个文件"), "{}", r.text);
    assert!(!r.text.contains("已生成"), "{}", r.text);
    assert!(listing(&dir.join("o")).is_empty());
}

/// Defect 3: The report was replaced although its appendix could not be: a name over 255 bytes, a
/// read-only old appendix. Now both are checked first and neither is touched.
#[test]
fn a_report_was_replaced_without_its_appendix() {
    let dir = Dir::new();
    dir.write("old.xlsx", &samples::bytes(samples::BUSY));
    dir.write("new.xlsx", &samples::bytes(samples::SEED));
    let r = ran(dir.cmd().args(["old.xlsx", "-o", "r.docx"]));
    assert_eq!(r.code, 0, "{}", r.text);
    let report = std::fs::read(dir.join("r.docx")).expect("report");
    let appendix = std::fs::read(dir.join("r-附表.xlsx")).expect("appendix");
    let long = format!("{}.xlsx", "附".repeat(90));
    let unchanged = |context: &str| {
        assert_eq!(
            std::fs::read(dir.join("r.docx")).expect("r"),
            report,
            "{context}"
        );
        assert_eq!(
            std::fs::read(dir.join("r-附表.xlsx")).expect("a"),
            appendix,
            "{context}"
        );
        let files = listing(dir.path());
        assert!(
            files.iter().all(|f| !is_temporary(f)),
            "{context}: {files:?}"
        );
    };
    let r = ran(dir
        .cmd()
        .args(["new.xlsx", "-o", "r.docx", "--appendix", &long]));
    assert_eq!(r.code, 2, "{}", r.text);
    assert!(r.text.contains("超过文件系统允许的 255 字节"), "{}", r.text);
    unchanged(&r.text);
    let ro = dir.join("r-附表.xlsx");
    let mut perms = std::fs::metadata(&ro).expect("appendix").permissions();
    perms.set_readonly(true);
    std::fs::set_permissions(&ro, perms).expect("read-only");
    let r = ran(dir.cmd().args(["new.xlsx", "-o", "r.docx"]));
    assert_eq!(r.code, 2, "{}", r.text);
    assert!(r.text.contains("是只读文件，未覆盖"), "{}", r.text);
    unchanged(&r.text);
}

/// Defect 4: A closed pipe (`batch … 2>&1 | head -2`) panicked with exit 101, leaving part of the
/// reports and no 汇总.xlsx; `check --format json > /dev/full` panicked.
#[test]
fn a_closed_pipe_panicked_and_left_the_batch_half_done() {
    let dir = Dir::new();
    for i in 0..12 {
        let mut st = samples::busy();
        st.info.agency = format!("第{i}区人民政府");
        dir.write(&format!("in/{i:02}.xlsx"), &init(&st));
    }
    let out = std::process::Command::new("bash")
        .arg("-c")
        .arg(r#"set -o pipefail; "$0" batch in -o out 2>&1 | head -2"#)
        .arg(assert_cmd::cargo::cargo_bin("report-gen"))
        .current_dir(dir.path())
        .output()
        .expect("bash runs");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    let files = listing(&dir.join("out"));
    assert_eq!(files.len(), 2 * 12 + 1, "{files:?}");
    assert!(files.contains(&"汇总.xlsx".to_string()), "{files:?}");

    #[cfg(target_os = "linux")]
    {
        let full = std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .expect("/dev/full");
        let out = std::process::Command::new(assert_cmd::cargo::cargo_bin("report-gen"))
            .args(["check", "--format", "json", "in/00.xlsx"])
            .current_dir(dir.path())
            .stdout(full)
            .output()
            .expect("runs");
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{err}");
        assert!(err.contains("无法写出到标准输出：磁盘空间已满"), "{err}");
        assert!(!err.contains("panicked"), "{err}");
    }
}

/// Defect 5: `batch D -o D` read its own outputs on the next run (汇总.xlsx and the appendices as
/// agencies with errors, exit 1). The output folder may not be the input folder.
#[test]
fn the_batch_read_its_own_outputs_back_as_workbooks() {
    let dir = Dir::new();
    dir.write("d/a.xlsx", &samples::bytes(samples::BUSY));
    for out in ["d", "./d/../d"] {
        let r = ran(dir.cmd().args(["batch", "d", "-o", out]));
        assert_eq!(r.code, 2, "{}", r.text);
        assert!(r.text.contains("就是输入文件夹"), "{}", r.text);
        assert_eq!(listing(&dir.join("d")), vec!["a.xlsx"]);
    }
    // Inside the input folder is fine: it is skipped, and said so.
    for _ in 0..2 {
        let r = ran(dir.cmd().args(["batch", "d", "-o", "d/年报"]));
        assert_eq!(r.code, 0, "{}", r.text);
        assert!(r.text.contains("共 1 个文件"), "{}", r.text);
        assert!(r.text.contains("年报：输出文件夹"), "{}", r.text);
    }
}

/// Defect 6: The batch silently passed over .xlsm (which `check` reads), .xlsb and .csv: “共 1 个文件”,
/// exit 0, an agency missing from the summary.
#[test]
fn the_batch_silently_passed_over_xlsm_xlsb_and_csv() {
    let dir = Dir::new();
    dir.write("in/a.xlsm", &samples::bytes(samples::BUSY));
    dir.write("in/b.xlsb", &xlsb());
    dir.write("in/c.csv", "机关名称,测试局\n".as_bytes());
    dir.write("in/说明.txt", b"notes");
    let r = ran(dir.cmd().args(["batch", "in", "-o", "out"]));
    assert_eq!(r.code, 1, "{}", r.text);
    assert!(r.text.contains("共 3 个文件：生成报告 1 份"), "{}", r.text);
    assert!(r.text.contains("说明.txt：不是统计表文件"), "{}", r.text);
    let summary = dir.join("out/汇总.xlsx");
    assert_eq!(
        sheet_column(&summary, "总览", 0),
        vec!["a.xlsm", "b.xlsb", "c.csv"]
    );
    assert_eq!(
        sheet_column(&summary, "总览", 3),
        vec!["通过", "无法读取", "无法读取"]
    );
    let messages = sheet_column(&summary, "问题明细", 4);
    assert!(
        messages
            .iter()
            .any(|m| m.contains(".xlsb") && m.contains("另存为 .xlsx")),
        "{messages:?}"
    );
    assert!(messages.iter().any(|m| m.contains("CSV")), "{messages:?}");
    assert_eq!(sheet_column(&summary, "未处理的文件", 0), vec!["说明.txt"]);
}

/// Defect 7: The size limit trusted `stat`: `check /dev/zero` grew without end, a pipe was read
/// whole, and a FIFO named x.xlsx hung the batch forever.
#[cfg(unix)]
#[test]
fn dev_zero_and_fifos_were_read_without_end() {
    let dir = Dir::new();
    let started = std::time::Instant::now();
    let r = ran(dir.cmd().args(["check", "/dev/zero"]));
    assert_eq!(r.code, 2, "{}", r.text);
    assert!(r.text.contains("不是普通文件，而是设备文件"), "{}", r.text);
    dir.write("in/a.xlsx", &samples::bytes(samples::BUSY));
    let fifo = dir.join("in/x.xlsx");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("mkfifo");
    assert!(made.success());
    let r = ran(dir.cmd().args(["check", "in/x.xlsx"]));
    assert_eq!(r.code, 2, "{}", r.text);
    assert!(r.text.contains("管道"), "{}", r.text);
    let r = ran(dir
        .cmd()
        .args(["batch", "in", "-o", "out"])
        .timeout(std::time::Duration::from_secs(120)));
    assert_eq!(r.code, 1, "{}", r.text);
    assert!(r.text.contains("生成报告 1 份"), "{}", r.text);
    let summary = dir.join("out/汇总.xlsx");
    assert_eq!(sheet_column(&summary, "总览", 3), vec!["通过", "无法读取"]);
    assert!(started.elapsed().as_secs() < 120);
}

/// Defect 8: Names: a GBK report name gave a mangled appendix name; two agencies sharing their
/// first 80 characters were both refused as “机关名称和年度相同”; the shortened name lost the year.
#[test]
fn gbk_names_were_mangled_and_long_agency_names_collided() {
    let dir = Dir::new();
    dir.write("a.xlsx", &samples::bytes(samples::BUSY));
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        let gbk = std::ffi::OsStr::from_bytes(b"\xb1\xa8\xb8\xe6.docx"); // 报告.docx
        let r = ran(dir.cmd().arg("a.xlsx").arg("-o").arg(gbk));
        assert_eq!(r.code, 0, "{}", r.text);
        assert!(r.text.contains("已生成：报告-附表.xlsx"), "{}", r.text);
        let mut names: Vec<Vec<u8>> = std::fs::read_dir(dir.path())
            .expect("listing")
            .flatten()
            .map(|e| e.file_name().as_bytes().to_vec())
            .collect();
        names.sort();
        let mut appendix = b"\xb1\xa8\xb8\xe6".to_vec();
        appendix.extend_from_slice("-附表.xlsx".as_bytes());
        assert!(names.contains(&appendix), "{names:?}");
    }
    let dir = Dir::new();
    let prefix = "某某省某某市某某区人民政府办公室政务公开科".repeat(5);
    for (file, tail) in [("in/1.xlsx", "甲"), ("in/2.xlsx", "乙")] {
        let mut st = samples::busy();
        st.info.agency = format!("{prefix}{tail}");
        dir.write(file, &init(&st));
    }
    let r = ran(dir.cmd().args(["batch", "in", "-o", "out"]));
    assert_eq!(r.code, 0, "{}", r.text);
    assert!(!r.text.contains("机关名称和年度相同"), "{}", r.text);
    let out = listing(&dir.join("out"));
    assert_eq!(out.len(), 5, "{out:?}");
    for n in ["（1）", "（2）"] {
        assert!(
            out.iter()
                .any(|f| f.ends_with(&format!("…-2025年政府信息公开工作年度报告{n}-附表.xlsx"))),
            "{out:?}"
        );
    }
    assert!(out.iter().all(|f| f.len() <= 255), "{out:?}");
    let ids = sheet_column(&dir.join("out/汇总.xlsx"), "问题明细", 2);
    assert_eq!(
        ids.iter().filter(|i| *i == "BATCH-NAME").count(),
        2,
        "{ids:?}"
    );
}

/// Defect 9: English where users read Chinese: clap's argument errors, and OS errors naming a
/// temporary file that no longer exists.
#[test]
fn argument_and_system_errors_were_in_english() {
    let dir = Dir::new();
    dir.write("a.xlsx", &samples::bytes(samples::BUSY));
    for (args, words) in [
        (vec!["--bogus"], "不认识的参数“--bogus”"),
        (
            vec!["batch", "in", "-o", "out", "--jobs", "0"],
            "应为 1 到 256 之间的整数",
        ),
        (vec!["check"], "缺少必需的参数"),
        (vec!["a.xlsx", "b.xlsx"], "多余的参数“b.xlsx”"),
        (
            vec!["check", "a.xlsx", "--format", "xml"],
            "可用的值：“text”、“json”",
        ),
    ] {
        let (code, out, err) = run(dir.cmd().args(&args));
        assert_eq!(code, 2, "{args:?}: {err}");
        assert!(out.is_empty(), "{args:?}: {out}");
        assert!(err.contains(words), "{args:?}: {err}");
        for english in ["error:", "Usage:", "tip:", "For more information"] {
            assert!(!err.contains(english), "{args:?}: {err}");
        }
    }
    #[cfg(target_os = "linux")]
    {
        // /proc takes no new files, even from root: the write fails in the system.
        let r = ran(dir.cmd().args(["a.xlsx", "-o", "/proc/r.docx"]));
        assert_eq!(r.code, 2, "{}", r.text);
        assert!(r.text.contains("无法写入 /proc/r.docx："), "{}", r.text);
        for english in ["os error", ".report-gen-", "denied", "No such"] {
            assert!(!r.text.contains(english), "{}", r.text);
        }
    }
}

/// Defect 10a: Temporary files of a run killed outright (SIGKILL) were never cleaned.
#[test]
fn temporary_files_of_a_killed_run_were_never_cleaned() {
    let dir = Dir::new();
    dir.write("a.xlsx", &samples::bytes(samples::BUSY));
    let hour_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(7200);
    for name in [".report-gen-4194399-abcdef.tmp", ".report-gen-abcdef.tmp"] {
        let f = std::fs::File::create(dir.join(name)).expect("file");
        f.set_modified(hour_ago).expect("time");
    }
    // A run still going: its file is young and stays.
    dir.write(".report-gen-4194398-young.tmp", b"x");
    let r = ran(dir.cmd().args(["a.xlsx", "-o", "r.docx"]));
    assert_eq!(r.code, 0, "{}", r.text);
    assert!(r.text.contains("已清理 2 个"), "{}", r.text);
    assert_eq!(
        listing(dir.path()),
        vec![
            ".report-gen-4194398-young.tmp",
            "a.xlsx",
            "r-附表.xlsx",
            "r.docx"
        ]
    );
}

/// Defect 10b: A figure taken from another file by an external-link formula was read as its cached
/// value without a word.
#[test]
fn figures_linked_to_another_file_were_read_without_a_warning() {
    use report_gen::format::CellId;
    let licensing = report_gen::format::t2_index("licensing", None).expect("licensing");
    let mut figures = samples::busy().figures;
    figures.t2[licensing] = 7;
    let id = CellId::T2(licensing);
    let bytes = tables(&figures, &[(id, Cell::Formula("=[1]表二!C5", "7"))], |_| {});
    let dir = Dir::new();
    dir.write("a.xlsx", &bytes);
    let r = ran(dir.cmd().args(["check", "a.xlsx"]));
    assert!(r.code < 2, "{}", r.text);
    assert!(r.text.contains("[READ-EXTERNAL]"), "{}", r.text);
    assert!(r.text.contains(&address(id)), "{}", r.text);
    assert!(r.text.contains("[1]表二!C5"), "{}", r.text);
}

/// Defect 10c: .csv and .xlsb got the hint for a renamed text file.
#[test]
fn csv_and_xlsb_got_the_wrong_hint() {
    let dir = Dir::new();
    dir.write("a.csv", "机关名称,测试局\n".as_bytes());
    dir.write("b.xlsb", &xlsb());
    let r = ran(dir.cmd().args(["check", "a.csv"]));
    assert_eq!(r.code, 2, "{}", r.text);
    assert!(
        r.text.contains("CSV") && !r.text.contains("改成了"),
        "{}",
        r.text
    );
    let r = ran(dir.cmd().args(["check", "b.xlsb"]));
    assert_eq!(r.code, 2, "{}", r.text);
    assert!(r.text.contains("（.xlsb），本工具不读取"), "{}", r.text);
}

/// Defect 10d: `--previous` given this year's workbook warned, but still compared and reported
/// false R-T3-6 errors.
#[test]
fn last_year_of_the_same_year_gave_false_continuity_errors() {
    let dir = Dir::new();
    dir.write("a.xlsx", &samples::bytes(samples::BUSY));
    let r = ran(dir
        .cmd()
        .args(["a.xlsx", "--previous", "a.xlsx", "-o", "r.docx"]));
    assert_eq!(r.code, 0, "{}", r.text);
    assert!(r.text.contains("[INFO-PREVIOUS]"), "{}", r.text);
    assert!(
        !r.text.contains("[R-T3-6]") && !r.text.contains("[R-X-5]"),
        "{}",
        r.text
    );
    // The appendix says the last-year rules were not checked.
    let checks = sheet_column(&dir.join("r-附表.xlsx"), "校验", 2);
    assert!(
        checks.iter().filter(|s| *s == "未核对").count() >= 4,
        "{checks:?}"
    );
}
