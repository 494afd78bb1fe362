//! `report-gen batch` over a folder of good, erroneous, unreadable, lock and hidden files.

use crate::util::read::{book_file, column, rolled_up};
use crate::util::samples::named;
use crate::util::workbook::{district, init};
use crate::util::{run, samples, Dir};
use report_gen::figures::Figures;
use report_gen::format::{T3_CARRIED_FORWARD, T3_CARRIED_IN};

#[test]
fn a_mixed_folder_gives_reports_for_the_good_and_a_summary_for_all() {
    let dir = Dir::new();
    district(&dir);
    let (code, out, err) = run(dir.cmd().args(["batch", "in", "-o", "out"]));
    assert_eq!(code, 1, "{out}{err}");
    assert!(
        err.contains("共 6 个文件：生成报告 3 份，有错误 2 个，无法读取 1 个"),
        "{err}"
    );
    let mut files: Vec<String> = std::fs::read_dir(dir.join("out"))
        .expect("out")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    files.sort();
    assert_eq!(
        files,
        vec![
            "伊美区教育局-2025年政府信息公开工作年度报告-附表.xlsx",
            "伊美区教育局-2025年政府信息公开工作年度报告.docx",
            "汇总.xlsx",
            "示例区人民政府-2025年政府信息公开工作年度报告-附表.xlsx",
            "示例区人民政府-2025年政府信息公开工作年度报告.docx",
            "示例镇人民政府-2025年政府信息公开工作年度报告-附表.xlsx",
            "示例镇人民政府-2025年政府信息公开工作年度报告.docx",
        ]
    );

    let mut book = book_file(&dir.join("out/汇总.xlsx"));
    let files = column(&mut book, "总览", 0);
    assert_eq!(
        files,
        vec![
            "乡镇/示例镇.xlsx",
            "伊美区教育局.xlsx",
            "出错局.xlsx",
            "坏文件.xlsx",
            "旧格式.xlsx",
            "示例区人民政府.xlsx"
        ]
    );
    let status = column(&mut book, "总览", 3);
    assert_eq!(
        status,
        vec!["通过", "有警告", "有错误", "无法读取", "有错误", "通过"]
    );
    let new_total = column(&mut book, "总览", 6);
    assert_eq!(new_total, vec!["393", "0", "3", "", "", "393"]);
    let ids = column(&mut book, "问题明细", 2);
    let who = column(&mut book, "问题明细", 0);
    let pairs: Vec<(String, String)> = who.into_iter().zip(ids).collect();
    assert!(
        pairs.contains(&("出错局.xlsx".into(), "R-T3-1".into())),
        "{pairs:?}"
    );
    assert!(pairs.contains(&("坏文件.xlsx".into(), "BATCH-UNREADABLE".into())));
    assert!(pairs.contains(&("旧格式.xlsx".into(), "R-X-2".into())));
    assert!(pairs.contains(&("伊美区教育局.xlsx".into(), "TEXT-PART".into())));

    // The roll-up is the sum of every agency that passed (the erroneous one is left out).
    let mut want = Figures::default();
    for st in [samples::seed(), samples::busy(), samples::busy()] {
        want.add(&st.figures);
    }
    want.compute_totals();
    assert_eq!(rolled_up(&mut book), want);
}

#[test]
fn a_report_made_in_batch_equals_the_one_the_main_command_makes() {
    let dir = Dir::new();
    dir.write("in/a.xlsx", &init(&samples::busy()));
    let (code, _, err) = run(dir.cmd().args(["batch", "in", "-o", "out", "--jobs", "2"]));
    assert_eq!(code, 0, "{err}");
    let (code, _, err) = run(dir.cmd().args(["in/a.xlsx", "-o", "single.docx"]));
    assert_eq!(code, 0, "{err}");
    let stem = "out/示例区人民政府-2025年政府信息公开工作年度报告";
    let batch = std::fs::read(dir.join(&format!("{stem}.docx"))).expect("batch report");
    let single = std::fs::read(dir.join("single.docx")).expect("single report");
    assert!(batch == single, "batch and single reports differ");
    let batch = std::fs::read(dir.join(&format!("{stem}-附表.xlsx"))).expect("batch appendix");
    let single = std::fs::read(dir.join("single-附表.xlsx")).expect("single appendix");
    assert!(batch == single, "batch and single appendices differ");
}

#[test]
fn agency_names_cannot_write_outside_the_output_folder() {
    let dir = Dir::new();
    dir.write(
        "in/a.xlsx",
        &init(&named("../../逃出/局:名\\..", &samples::busy())),
    );
    dir.write(
        "in/b.xlsx",
        &init(&named(&"很长的机关名称".repeat(50), &samples::busy())),
    );
    let (code, _, err) = run(dir.cmd().args(["batch", "in", "-o", "out"]));
    assert_eq!(code, 0, "{err}");
    let outside: Vec<String> = std::fs::read_dir(dir.path())
        .expect("dir")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    let mut outside = outside;
    outside.sort();
    assert_eq!(outside, vec!["in", "out"]);
    let inside: Vec<String> = std::fs::read_dir(dir.join("out"))
        .expect("out")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(inside.len(), 5, "{inside:?}");
    assert!(
        inside.iter().all(|n| !n.contains('/')
            && !n.contains('\\')
            && !n.contains(':')
            && !n.contains("..")),
        "{inside:?}"
    );
    assert!(inside.iter().all(|n| n.len() <= 255), "{inside:?}");
}

#[test]
fn two_workbooks_of_one_agency_and_year_conflict_without_overwriting() {
    let dir = Dir::new();
    dir.write("in/a.xlsx", &init(&samples::busy()));
    dir.write("in/b/a.xlsx", &init(&samples::busy()));
    dir.write("in/c.xlsx", &init(&samples::seed()));
    let (code, _, err) = run(dir.cmd().args(["batch", "in", "-o", "out"]));
    assert_eq!(code, 1, "{err}");
    let mut book = book_file(&dir.join("out/汇总.xlsx"));
    assert_eq!(
        column(&mut book, "总览", 3),
        vec!["有错误", "有错误", "有警告"]
    );
    let ids = column(&mut book, "问题明细", 2);
    assert_eq!(ids.iter().filter(|i| *i == "BATCH-CONFLICT").count(), 2);
    let messages = column(&mut book, "问题明细", 4);
    assert!(
        messages.iter().any(|m| m.contains("a.xlsx、b/a.xlsx")),
        "{messages:?}"
    );
    assert!(!dir
        .join("out/示例区人民政府-2025年政府信息公开工作年度报告.docx")
        .exists());
    assert!(dir
        .join("out/伊美区教育局-2025年政府信息公开工作年度报告.docx")
        .exists());
}

#[test]
fn last_year_is_matched_by_agency_name() {
    let dir = Dir::new();
    let mut last = samples::busy();
    last.info.year = Some(2024);
    last.info.agency = " 示例区 人民政府 ".into(); // spacing differs: still the same agency
    last.figures.t3[T3_CARRIED_FORWARD] = samples::busy().figures.t3[T3_CARRIED_IN];
    last.figures.compute_totals();
    dir.write("last/x.xlsx", &init(&last));
    dir.write("in/a.xlsx", &init(&samples::busy()));
    dir.write("in/c.xlsx", &init(&samples::seed()));
    let (code, _, err) = run(dir
        .cmd()
        .args(["batch", "in", "-o", "out", "--previous", "last"]));
    assert_eq!(code, 0, "{err}");
    let mut book = book_file(&dir.join("out/汇总.xlsx"));
    let pairs: Vec<(String, String)> = column(&mut book, "问题明细", 0)
        .into_iter()
        .zip(column(&mut book, "问题明细", 2))
        .collect();
    assert!(
        pairs.contains(&("c.xlsx".into(), "BATCH-PREVIOUS".into())),
        "{pairs:?}"
    );
    assert!(
        !pairs
            .iter()
            .any(|(f, id)| f == "a.xlsx" && id.starts_with("R-T3-6")),
        "{pairs:?}"
    );
    // A wrong carry-over is caught across years.
    last.figures.t3[T3_CARRIED_FORWARD][0] += 1;
    last.figures.compute_totals();
    dir.write("last/x.xlsx", &init(&last));
    let (code, _, _) = run(dir
        .cmd()
        .args(["batch", "in", "-o", "out2", "--previous", "last"]));
    assert_eq!(code, 1);
}

#[test]
fn parallel_runs_give_the_same_outputs_and_bad_arguments_exit_2() {
    let dir = Dir::new();
    district(&dir);
    for (jobs, out) in [("1", "o1"), ("2", "o2")] {
        let (code, _, _) = run(dir.cmd().args(["batch", "in", "-o", out, "--jobs", jobs]));
        assert_eq!(code, 1);
    }
    for name in [
        "汇总.xlsx",
        "示例区人民政府-2025年政府信息公开工作年度报告.docx",
        "示例镇人民政府-2025年政府信息公开工作年度报告-附表.xlsx",
    ] {
        let a = std::fs::read(dir.join("o1").join(name)).expect("o1");
        let b = std::fs::read(dir.join("o2").join(name)).expect("o2");
        assert!(a == b, "{name} differs between --jobs 1 and --jobs 2");
    }
    let (code, _, err) = run(dir.cmd().args(["batch", "nowhere", "-o", "out"]));
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("不存在"));
    let (code, _, _) = run(dir.cmd().args(["batch", "in", "-o", "out", "--jobs", "0"]));
    assert_eq!(code, 2);
    let (code, _, _) = run(dir.cmd().args(["batch", "in"]));
    assert_eq!(code, 2);
    // The output folder inside the input folder is not read back as input.
    let (code, _, err) = run(dir.cmd().args(["batch", "in", "-o", "in/out"]));
    assert_eq!(code, 1);
    assert!(err.contains("共 6 个文件"), "{err}");
    let (code, _, err) = run(dir.cmd().args(["batch", "in", "-o", "in/out"]));
    assert_eq!(code, 1);
    assert!(err.contains("共 6 个文件"), "{err}");
}
