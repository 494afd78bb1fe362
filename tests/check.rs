//! `report-gen check` and `report-gen init` from the command line: output, JSON, exit codes.

use crate::util::workbook::layout_2019;
use crate::util::{check_with_last_year, run, samples, Dir};
use report_gen::format::{T3_CARRIED_FORWARD, T3_NEW};
use serde_json::Value;

#[test]
fn the_seed_sample_passes() {
    let dir = Dir::new();
    let (code, out, _) = run(dir.cmd().args(["check", &samples::arg(samples::SEED)]));
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("伊美区教育局 2025 年度"), "{out}");
    assert!(out.contains("共 0 个错误、2 个警告。"), "{out}");
    assert!(
        out.contains("[TEXT-PART] “一、总体情况”没有写到“政府信息管理”方面。"),
        "{out}"
    );
    // The seed's section 六 is “无。”.
    assert!(
        out.contains("[R-X-6] 报告正文中“六、其他需要报告的事项”没有写到：落实上级年度政务公开工作要点情况、人大代表建议和政协提案办理结果公开情况、政务公开工作创新情况。"),
        "{out}"
    );
    let (code, out, _) = run(dir.cmd().args(["check", &samples::arg(samples::BUSY)]));
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("检查通过"), "{out}");
}

#[test]
fn one_unbalanced_cell_fails_naming_the_column_and_both_sums() {
    let dir = Dir::new();
    let mut st = samples::seed();
    st.figures.t3[T3_NEW][0] = 2;
    st.figures.compute_totals();
    let bytes = report_gen::init::workbook(&st).expect("workbook");
    dir.write("bad.xlsx", &bytes);
    let (code, out, _) = run(dir.cmd().args(["check", "bad.xlsx"]));
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("[R-T3-1] 表三「自然人」列不平衡"), "{out}");
    assert!(out.contains("一、本年新收 2 + 二、上年结转 0 = 2"), "{out}");
    assert!(
        out.contains("三、（七）总计 0 + 四、结转下年度继续办理 0 = 0"),
        "{out}"
    );
    assert!(
        out.contains("位置：依申请公开!D7、依申请公开!D8、依申请公开!D30、依申请公开!D31"),
        "{out}"
    );
    // The 总计 column is not reported a second time.
    assert_eq!(out.matches("[R-T3-1]").count(), 1, "{out}");
}

#[test]
fn json_has_diagnostics_and_figures_by_stable_ids() {
    let dir = Dir::new();
    let (code, out, _) =
        run(dir
            .cmd()
            .args(["check", &samples::arg(samples::BUSY), "--format", "json"]));
    assert_eq!(code, 0, "{out}");
    let v: Value = serde_json::from_str(&out).expect("json");
    assert_eq!(v["agency"], "示例区人民政府");
    assert_eq!(v["errors"], 0);
    assert_eq!(v["figures"]["t3"]["new"]["total"], 393);
    assert_eq!(v["figures"]["t3"]["results_total"]["natural_person"], 304);
    assert_eq!(v["figures"]["t4"]["review"]["total"], 10);
    assert_eq!(v["figures"]["t2"]["licensing"], 15234);
    assert_eq!(v["figures"]["t2"]["normative_documents"]["in_force"], 87);
    assert_eq!(v["figures"]["t2"]["fees"], 1256.78);

    let mut st = samples::busy();
    st.figures.t3[T3_CARRIED_FORWARD][1] += 1;
    st.figures.compute_totals();
    dir.write(
        "bad.xlsx",
        &report_gen::init::workbook(&st).expect("workbook"),
    );
    let (code, out, _) = run(dir.cmd().args(["check", "bad.xlsx", "--format", "json"]));
    assert_eq!(code, 1);
    let v: Value = serde_json::from_str(&out).expect("json");
    let d = &v["diagnostics"][0];
    assert_eq!(d["id"], "R-T3-1");
    assert_eq!(d["severity"], "error");
    assert!(d["message"]
        .as_str()
        .unwrap_or_default()
        .contains("「商业企业」"));
    assert_eq!(d["cells"].as_array().map(Vec::len), Some(4));
}

#[test]
fn continuity_with_last_year() {
    let dir = Dir::new();
    let mut last = samples::busy();
    last.info.year = Some(2024);
    last.info.date = report_gen::statement::Date::new(2025, 3, 1);
    last.figures.t3[T3_CARRIED_FORWARD][0] = 20; // this year's 上年结转 自然人 is 21
    last.figures.t3[T3_NEW][0] -= 9;
    last.figures.compute_totals();
    let (code, out) = check_with_last_year(&dir, samples::BUSY, &last);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("[R-T3-6] 表三「自然人」列：二、上年结转 21 件，但上一年度的四、结转下年度继续办理为 20 件"), "{out}");
    let (code, out, _) = run(dir.cmd().args([
        "check",
        &samples::arg(samples::BUSY),
        "--previous",
        &samples::arg(samples::BUSY),
    ]));
    // This year's workbook as last year's is not compared (no false R-T3-6), with a warning.
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("[INFO-PREVIOUS]"), "{out}");
    assert!(out.contains("不是 2024 年度"), "{out}");
    assert!(
        !out.contains("[R-T3-6]") && !out.contains("[R-X-5]"),
        "{out}"
    );
}

#[test]
fn last_years_report_copied_is_flagged() {
    let dir = Dir::new();
    // Last year's workbook is this year's with the dates changed: 内容雷同.
    let mut last = samples::seed();
    last.info.year = Some(2024);
    last.info.date = report_gen::statement::Date::new(2025, 1, 20);
    let (code, out) = check_with_last_year(&dir, samples::SEED, &last);
    assert_eq!(code, 0, "{out}");
    for copied in [
        "[R-X-5] 报告正文中“一、总体情况”与上一年度的文字 100% 相同（不计数字）。",
        "[R-X-5] 报告正文中“五、存在的主要问题及改进情况”与上一年度的文字 100% 相同（不计数字）。",
        "[R-X-5] 表二（主动公开政府信息情况）的每一个数字都与上一年度相同。",
    ] {
        assert!(out.contains(copied), "{copied}\n{out}");
    }
    // 表三 and 表四 of the seed are all zero: nothing to compare.
    assert!(!out.contains("[R-X-5] 表三"), "{out}");
    assert!(!out.contains("[R-X-5] 表四"), "{out}");
    // This year's own workbook is not flagged without --previous.
    let (_, out, _) = run(dir.cmd().args(["check", &samples::arg(samples::SEED)]));
    assert!(!out.contains("R-X-5"), "{out}");
}

#[test]
fn the_2019_layout_exits_1_saying_so() {
    let dir = Dir::new();
    dir.write("old.xlsx", &layout_2019());
    let (code, _, err) = run(dir.cmd().args(["check", "old.xlsx"]));
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("2019 年试行格式"), "{err}");
    let (code, out, _) = run(dir.cmd().args(["check", "old.xlsx", "--format", "json"]));
    assert_eq!(code, 1);
    let v: Value = serde_json::from_str(&out).expect("json");
    assert_eq!(v["diagnostics"][0]["id"], "R-X-2");
    assert!(v["figures"].is_null());
}

#[test]
fn unreadable_input_and_wrong_arguments_exit_2() {
    let dir = Dir::new();
    dir.write("text.xlsx", b"name,value\n");
    let (code, _, err) = run(dir.cmd().args(["check", "text.xlsx"]));
    assert_eq!(code, 2);
    assert!(
        err.contains("text.xlsx") && err.contains("不是可读取的 Excel/WPS 工作簿"),
        "{err}"
    );
    let (code, _, err) = run(dir.cmd().args(["check", "missing.xlsx"]));
    assert_eq!(code, 2);
    assert!(err.contains("无法读取文件 missing.xlsx"), "{err}");
    let (code, _, _) = run(dir.cmd().args(["check"]));
    assert_eq!(code, 2);
    let (code, _, _) = run(dir.cmd().args(["check", "text.xlsx", "--format", "xml"]));
    assert_eq!(code, 2);
    let (code, _, err) = run(&mut dir.cmd());
    assert_eq!(code, 2, "{err}");
    assert_eq!(dir.files(), vec!["text.xlsx"]);
}

#[test]
fn init_writes_a_workbook_that_reads_back() {
    let dir = Dir::new();
    let (code, _, err) = run(dir
        .cmd()
        .args(["init", "--agency", "测试局", "--year", "2025"]));
    assert_eq!(code, 0, "{err}");
    assert_eq!(dir.files(), vec!["统计表.xlsx"]);
    let (code, out, _) = run(dir.cmd().args(["check", "统计表.xlsx", "--format", "json"]));
    assert_eq!(code, 0, "{out}");
    let v: Value = serde_json::from_str(&out).expect("json");
    assert_eq!(v["agency"], "测试局");
    assert_eq!(v["year"], 2025);
    assert_eq!(v["figures"]["t3"]["new"]["total"], 0);
    // An existing workbook is not overwritten by accident.
    let (code, _, err) = run(dir.cmd().args(["init"]));
    assert_eq!(code, 2);
    assert!(err.contains("已存在"), "{err}");
    let (code, _, _) = run(dir.cmd().args(["init", "--force"]));
    assert_eq!(code, 0);
}

/// Every figure names the cell it was read from, or says it was computed: in JSON for tools, as
/// a table (`--cells`) for people.
#[test]
fn every_figure_names_its_cell_or_that_it_was_computed() {
    let dir = Dir::new();
    let (code, out, err) =
        run(dir
            .cmd()
            .args(["check", &samples::arg(samples::BUSY), "--format", "json"]));
    assert_eq!(code, 0, "{err}");
    let v: Value = serde_json::from_str(&out).expect("json");
    let cells = v["cells"].as_array().expect("cells");
    assert_eq!(cells.len(), report_gen::format::all_cells().count());
    for c in cells {
        let computed = c["computed"].as_bool().expect("computed");
        let cell = c["cell"].as_str().unwrap_or("");
        if !computed {
            assert!(cell.contains('!'), "{c}");
        }
        let id = c["id"].as_str().expect("id");
        let parts: Vec<&str> = id.split('.').collect();
        let value = match parts.as_slice() {
            [t, row] => &v["figures"][t][row],
            [t, row, col] => &v["figures"][t][row][col],
            _ => panic!("{id}"),
        };
        assert_eq!(value, &c["value"], "{id}");
    }
    let first = &cells[10];
    assert_eq!(first["id"], "t3.new.natural_person");
    assert_eq!(first["cell"], "依申请公开!D7");
    let total = cells
        .iter()
        .find(|c| c["id"] == "t3.new.total")
        .expect("total");
    assert_eq!(
        (total["computed"].as_bool(), total["written"].as_u64()),
        (Some(true), Some(393))
    );

    let (code, out, _) = run(dir
        .cmd()
        .args(["check", &samples::arg(samples::BUSY), "--cells"]));
    assert_eq!(code, 0);
    assert!(out.contains("每个数字的来源"), "{out}");
    let line = out
        .lines()
        .find(|l| l.contains("表三「一、本年新收政府信息公开申请数量」「自然人」"))
        .expect("line");
    assert!(
        line.contains("312") && line.contains("依申请公开!D7"),
        "{line}"
    );
    assert!(
        out.contains("计算得出（表中填 393，依申请公开!J7）"),
        "{out}"
    );
}

/// README's table of checks is the registry's, one row per rule in its order.
#[test]
fn readme_lists_every_rule() {
    use report_gen::diagnostics::Severity;
    let mut table = String::from("| id | severity | rule |\n|---|---|---|\n");
    for rule in report_gen::rules::ALL {
        let severity: Vec<&str> = rule
            .levels
            .iter()
            .map(|l| match l {
                Severity::Error => "错误",
                Severity::Warning => "警告",
            })
            .collect();
        let needs = if rule.needs_previous() {
            " (needs `--previous`)"
        } else {
            ""
        };
        table.push_str(&format!(
            "| {} | {} | {}{needs} |\n",
            rule.id,
            severity.join(" / "),
            rule.about
        ));
    }
    crate::util::readme_part("rules", &table);
}
