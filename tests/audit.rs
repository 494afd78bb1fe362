//! `report-gen audit`: published reports checked by every rule, each finding at the position a
//! reader of the report finds it.
//!
//! The reports are built in `util/published.rs`: report-gen's own (.docx, the web page, the committed PDF), portal
//! pages around their blocks in UTF-8 and GBK, python-docx reports with other table styles and
//! LibreOffice PDFs (client tier). Each kind of error is injected into the statement or the
//! blocks before the report is written, and must be caught where it is; a clean report gives
//! no error, and the figures read are the workbook's. Outputs are read back independently:
//! the JSON with serde_json, the summary workbook with calamine.

use crate::util::published::{
    checked, docx_of, expected, forms, one_block_page, pdf_fixture, portal_page, python_docx,
    soffice_pdf, templates, title_lines, typed_by_hand, without_section, Expected,
};
use crate::util::read::{audit_file, paragraph_of, sheet_rows};
use crate::util::samples::last_year;
use crate::util::{run, samples, Dir};
use report_gen::audit::Audited;
use report_gen::content::Block;
use report_gen::format::{
    self, CellId, SECTIONS, T3_CARRIED_FORWARD, T3_NEW, T3_RESULTS_TOTAL, T3_TOTAL_COL,
};
use report_gen::report::{self};
use report_gen::statement::Statement;

fn ids(a: &Audited) -> Vec<&'static str> {
    let mut v: Vec<&str> = a.diagnostics.iter().map(|d| d.id).collect();
    v.sort_unstable();
    v
}

fn errors(a: &Audited) -> Vec<String> {
    a.diagnostics
        .iter()
        .filter(|d| d.is_error())
        .map(|d| d.to_string())
        .collect()
}

/// The findings with this id.
fn with_id<'a>(a: &'a Audited, id: &str) -> Vec<&'a report_gen::diagnostics::Diagnostic> {
    a.diagnostics.iter().filter(|d| d.id == id).collect()
}

/// Every figure of the three tables read, each the statement's, totals as printed too.
fn assert_figures(a: &Audited, st: &Statement) {
    assert_eq!(
        a.figures.len(),
        format::all_cells().count(),
        "{}",
        a.source.display()
    );
    for f in &a.figures {
        let id = format::all_cells()
            .find(|c| c.key() == f.id)
            .unwrap_or_else(|| panic!("unknown id {}", f.id));
        let want = st.figures.get(id);
        assert_eq!(f.value, want, "{}: {}", a.source.display(), f.id);
        assert!(
            f.cell.is_some(),
            "{}: {} not found",
            a.source.display(),
            f.id
        );
        if id.is_total() {
            assert_eq!(f.written, Some(st.figures.count(id)), "{}", f.id);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Clean reports

#[test]
fn every_report_report_gen_writes_audits_clean_with_the_workbooks_figures() {
    let dir = Dir::new();
    for sample in [samples::SEED, samples::BUSY] {
        let c = checked(sample);
        let wanted = report::Wanted {
            appendix: false,
            html: true,
            fragment: true,
        };
        let docs = report::build_wanted(&c, templates(), wanted).expect("documents");
        let paths = [
            dir.write(&format!("{sample}.docx"), &docs.docx),
            dir.write(
                &format!("{sample}.html"),
                docs.html.expect("page").as_bytes(),
            ),
            dir.write(
                &format!("{sample}-片段.html"),
                docs.fragment.expect("fragment").as_bytes(),
            ),
        ];
        let mut want: Vec<&str> = c.diagnostics.iter().map(|d| d.id).collect();
        want.sort_unstable();
        for path in paths {
            let a = audit_file(&path, None);
            assert!(
                errors(&a).is_empty(),
                "{}: {:?}",
                path.display(),
                errors(&a)
            );
            // The same findings as the workbook's (its warnings are about its text).
            assert_eq!(ids(&a), want, "{}: {:#?}", path.display(), a.diagnostics);
            assert_figures(&a, &c.statement);
            let info = &a.statement.info;
            assert_eq!(info.agency, c.statement.info.agency);
            assert_eq!(info.year, c.statement.info.year);
            assert_eq!(info.date, c.statement.info.date);
            assert_eq!(info.agency_type, c.statement.info.agency_type);
        }
    }
    // The committed LibreOffice conversion of the busy sample's report.
    let c = checked(samples::BUSY);
    let a = audit_file(&pdf_fixture(), None);
    assert!(a.diagnostics.is_empty(), "{:#?}", a.diagnostics);
    assert_figures(&a, &c.statement);
    assert_eq!(a.statement.info.date, c.statement.info.date);
}

#[test]
fn portal_pages_in_utf8_and_gbk_with_navigation_audit_clean() {
    let dir = Dir::new();
    let c = checked(samples::BUSY);
    let st = &c.statement;
    let (docx, _) = docx_of(st, &|_| {});
    let want = expected(&docx);
    let lines = title_lines(&docx);
    let utf8 = portal_page(&want, st, Some("utf-8"), lines, true);
    let gbk_page = portal_page(&want, st, Some("gb2312"), lines, false);
    let (gbk, _, _) = encoding_rs::GBK.encode(&gbk_page);
    let bare = portal_page(&want, st, None, lines, false);
    let (bare, _, _) = encoding_rs::GBK.encode(&bare);
    for path in [
        dir.write("utf8.html", utf8.as_bytes()),
        dir.write("gbk.htm", &gbk),
        dir.write("bare.html", &bare),
    ] {
        let a = audit_file(&path, None);
        assert!(
            a.diagnostics.is_empty(),
            "{}: {:#?}",
            path.display(),
            a.diagnostics
        );
        assert_figures(&a, st);
        assert_eq!(a.statement.info.agency, "示例区人民政府");
        assert_eq!(a.statement.info.year, Some(2025));
    }
}

#[test]
fn a_report_typed_by_hand_audits_as_the_generated_one() {
    let dir = Dir::new();
    let c = checked(samples::BUSY);
    for path in forms(&dir, "手写", &c.statement, &typed_by_hand) {
        let a = audit_file(&path, None);
        assert!(
            a.diagnostics.is_empty(),
            "{}: {:#?}",
            path.display(),
            a.diagnostics
        );
        assert_figures(&a, &c.statement);
        assert_eq!(a.statement.info.agency, "示例区人民政府");
        assert_eq!(a.statement.info.date, c.statement.info.date);
        // The run-in sub-headings are the parts of 一、总体情况.
        let overview = &a.statement.narrative.sections[0];
        let headings: Vec<&str> = overview
            .iter()
            .filter_map(|p| p.heading.as_deref())
            .collect();
        assert_eq!(
            headings,
            [
                "主动公开",
                "依申请公开",
                "政府信息管理",
                "政府信息公开平台建设",
                "监督保障"
            ]
        );
    }
}

#[test]
fn a_page_holding_the_report_in_one_block_of_lines_audits_clean() {
    let dir = Dir::new();
    let c = checked(samples::BUSY);
    let (docx, _) = docx_of(&c.statement, &|_| {});
    let want = expected(&docx);
    let path = dir.write("一段.html", one_block_page(&want, &c.statement).as_bytes());
    let a = audit_file(&path, None);
    assert!(a.diagnostics.is_empty(), "{:#?}", a.diagnostics);
    assert_figures(&a, &c.statement);
    // An error there is named by its line.
    let mut st = c.statement.clone();
    for part in st.narrative.sections.iter_mut().flatten() {
        for p in &mut part.paragraphs {
            *p = p.replace("共收到政府信息公开申请393件", "共收到政府信息公开申请390件");
        }
    }
    let (docx, _) = docx_of(&st, &|_| {});
    let path = dir.write(
        "一段-错.html",
        one_block_page(&expected(&docx), &st).as_bytes(),
    );
    let a = audit_file(&path, None);
    let found = with_id(&a, "R-X-4");
    assert_eq!(found.len(), 1, "{:#?}", a.diagnostics);
    let n = paragraph_of(&path, "共收到政府信息公开申请390件");
    assert!(
        found[0].cells[0]
            .to_string()
            .starts_with(&format!("第{n}段“本年度共收到政府信息公开申请39")),
        "{:?}",
        found[0].cells
    );
}

#[test]
fn audit_prints_like_check_and_json_gives_every_figure_with_its_position() {
    let dir = Dir::new();
    let c = checked(samples::BUSY);
    let (docx, _) = docx_of(&c.statement, &|_| {});
    dir.write("年报.docx", &docx);
    let (code, out, err) = run(dir.cmd().args(["audit", "年报.docx"]));
    assert_eq!(code, 0, "{err}");
    assert!(
        out.starts_with("年报.docx：示例区人民政府 2025 年度") && out.contains("检查通过"),
        "{out}"
    );
    let (code, out, _) = run(dir.cmd().args(["audit", "年报.docx", "--format", "json"]));
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).expect("json");
    assert_eq!(v["file"], "年报.docx");
    assert_eq!(v["kind"], "docx");
    assert_eq!(v["agency"], "示例区人民政府");
    assert_eq!(v["year"], 2025);
    assert_eq!(v["errors"], 0);
    assert_eq!(
        v["figures"]["t3"]["partial"]["business"],
        c.statement.figures.count(CellId::T3(format::T3_PARTIAL, 1))
    );
    let cells = v["cells"].as_array().expect("cells");
    assert_eq!(cells.len(), format::all_cells().count());
    let find = |id: &str| {
        cells
            .iter()
            .find(|f| f["id"] == id)
            .unwrap_or_else(|| panic!("{id}"))
    };
    let partial = find("t3.partial.business");
    assert_eq!(
        partial["cell"],
        "表三 第7行「（二）部分公开」「商业企业」列"
    );
    assert_eq!(
        partial["value"],
        c.statement.figures.count(CellId::T3(format::T3_PARTIAL, 1))
    );
    assert_eq!(
        find("t3.new.natural_person")["cell"],
        "表三 第4行「一、本年新收政府信息公开申请数量」「自然人」列"
    );
    assert_eq!(
        find("t4.review.upheld")["cell"],
        "表四 第4行「行政复议」「结果维持」列"
    );
    let licensing = find("t2.licensing");
    assert_eq!(
        licensing["cell"],
        "表二 第7行「行政许可」「本年处理决定数量」列"
    );
    assert_eq!(licensing["value"], c.statement.figures.count(CellId::T2(6)));
    // A total: computed, and as printed.
    let total = find("t3.results_total.total");
    assert_eq!(total["computed"], true);
    assert_eq!(
        total["written"],
        c.statement
            .figures
            .count(CellId::T3(T3_RESULTS_TOTAL, T3_TOTAL_COL))
    );
    // --cells: the same as a table.
    let (code, out, _) = run(dir.cmd().args(["audit", "年报.docx", "--cells"]));
    assert_eq!(code, 0);
    assert!(
        out.contains("表三 第7行「（二）部分公开」「商业企业」列"),
        "{out}"
    );
}

#[test]
fn an_unreadable_report_is_exit_2_with_what_to_do() {
    let dir = Dir::new();
    dir.write(
        "旧版.doc",
        &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0, 0],
    );
    let (code, out, err) = run(dir.cmd().args(["audit", "旧版.doc"]));
    assert_eq!(code, 2, "{out}");
    assert!(err.contains("旧版.doc") && err.contains(".docx"), "{err}");
    let (code, out, _) = run(dir.cmd().args(["audit", "旧版.doc", "--format", "json"]));
    assert_eq!(code, 2);
    let v: serde_json::Value = serde_json::from_str(&out).expect("json");
    assert!(
        v["error"]
            .as_str()
            .is_some_and(|e| e.contains("另存为 .docx")),
        "{v}"
    );
    let (code, _, err) = run(dir.cmd().args(["audit", "没有这个文件.docx"]));
    assert_eq!(code, 2);
    assert!(err.contains("没有这个文件.docx"), "{err}");
}

// ---------------------------------------------------------------------------------------------
// Injected errors, each caught where it is

#[test]
fn a_total_that_does_not_add_up_is_caught_at_its_cell() {
    let dir = Dir::new();
    let mut st = checked(samples::BUSY).statement;
    // The printed （七）总计 of the 总计 column is one too many (totals are not recomputed).
    st.figures.t3[T3_RESULTS_TOTAL][T3_TOTAL_COL] += 1;
    for path in forms(&dir, "总计", &st, &|_| {}) {
        let a = audit_file(&path, None);
        let found = with_id(&a, "R-T3-3");
        assert_eq!(found.len(), 1, "{}: {:#?}", path.display(), a.diagnostics);
        let d = found[0];
        assert!(d.is_error());
        assert_eq!(
            d.cells.first().map(ToString::to_string).as_deref(),
            Some("表三 第27行「（七）总计」「总计」列"),
            "{}",
            path.display()
        );
        assert!(
            d.cells
                .iter()
                .any(|c| *c == "表三 第27行「（七）总计」「自然人」列"),
            "{:?}",
            d.cells
        );
        assert_eq!(errors(&a).len(), 1, "{:?}", errors(&a));
    }
}

#[test]
fn new_plus_carried_not_equal_to_results_plus_forward_is_caught_in_its_column() {
    let dir = Dir::new();
    let mut st = checked(samples::BUSY).statement;
    st.figures.t3[T3_NEW][1] += 5;
    st.figures.compute_totals();
    for path in forms(&dir, "勾稽", &st, &|_| {}) {
        let a = audit_file(&path, None);
        let found = with_id(&a, "R-T3-1");
        assert_eq!(found.len(), 1, "{}: {:#?}", path.display(), a.diagnostics);
        assert!(
            found[0].message.contains("「商业企业」列不平衡"),
            "{}",
            found[0]
        );
        assert_eq!(
            found[0].cells,
            vec![
                "表三 第4行「一、本年新收政府信息公开申请数量」「商业企业」列",
                "表三 第5行「二、上年结转政府信息公开申请数量」「商业企业」列",
                "表三 第27行「（七）总计」「商业企业」列",
                "表三 第28行「四、结转下年度继续办理」「商业企业」列",
            ],
            "{}",
            path.display()
        );
    }
}

#[test]
fn a_narrative_number_contradicting_the_table_is_caught_at_its_paragraph() {
    let dir = Dir::new();
    let mut st = checked(samples::BUSY).statement;
    let new = st.figures.t3[T3_NEW][T3_TOTAL_COL];
    let wrong = format!("共收到政府信息公开申请{}件", new - 3);
    let mut replaced = false;
    for part in st.narrative.sections.iter_mut().flatten() {
        for p in &mut part.paragraphs {
            let right = format!("共收到政府信息公开申请{new}件");
            if p.contains(&right) {
                *p = p.replace(&right, &wrong);
                replaced = true;
            }
        }
    }
    assert!(replaced, "the sample states its new applications");
    for path in forms(&dir, "正文数字", &st, &|_| {}) {
        let a = audit_file(&path, None);
        let found = with_id(&a, "R-X-4");
        assert_eq!(found.len(), 1, "{}: {:#?}", path.display(), a.diagnostics);
        let n = paragraph_of(&path, &wrong);
        let d = found[0];
        assert!(
            d.message.contains(&wrong) && d.message.contains(&format!("为 {new} 件")),
            "{d}"
        );
        assert_eq!(d.cells.len(), 1);
        assert!(
            d.cells[0]
                .to_string()
                .starts_with(&format!("第{n}段“本年度共收到政府信息公开申请")),
            "{}: {:?}",
            path.display(),
            d.cells
        );
        assert!(errors(&a).is_empty());
    }
}

#[test]
fn a_missing_section_is_an_error_naming_it() {
    let dir = Dir::new();
    let st = checked(samples::BUSY).statement;
    // 五 removed with its text.
    for path in forms(&dir, "缺五", &st, &|b| without_section(b, 4, true)) {
        let a = audit_file(&path, None);
        let found = with_id(&a, "R-X-1");
        assert_eq!(found.len(), 1, "{}: {:#?}", path.display(), a.diagnostics);
        let d = found[0];
        assert!(d.is_error());
        assert!(
            d.message
                .contains("缺少第五部分“五、存在的主要问题及改进情况”"),
            "{d}"
        );
        let n = paragraph_of(&path, SECTIONS[3].heading);
        assert_eq!(
            d.cells,
            vec![format!("章节标题“{}”（第{n}段）", SECTIONS[3].heading)]
        );
        // And its text is missing: R-X-7.
        assert_eq!(with_id(&a, "R-X-7").len(), 1);
    }
    // 四's heading alone removed: its table is there, without a heading.
    let (docx, _) = docx_of(&st, &|b| without_section(b, 3, false));
    let path = dir.write("缺四标题.docx", &docx);
    let a = audit_file(&path, None);
    let found = with_id(&a, "R-X-1");
    assert_eq!(found.len(), 1, "{:#?}", a.diagnostics);
    assert!(
        found[0]
            .message
            .contains("报告中有表四，但它前面没有这一部分的标题"),
        "{}",
        found[0]
    );
    assert_eq!(errors(&a).len(), 1, "{:?}", errors(&a));
    // The preamble says five parts and leaves one out.
    let (docx, _) = docx_of(&st, &|b| {
        for block in b.iter_mut() {
            if let Block::Body(t) = block {
                if t.contains("部分组成") {
                    *t = t
                        .replace("、存在的主要问题及改进情况", "")
                        .replace("六部分", "五部分");
                }
            }
        }
    });
    let path = dir.write("前言五部分.docx", &docx);
    let a = audit_file(&path, None);
    let found = with_id(&a, "R-X-1");
    assert_eq!(found.len(), 2, "{:#?}", a.diagnostics);
    assert!(
        found[0].message.contains("没有“存在的主要问题及改进情况”"),
        "{}",
        found[0]
    );
    assert!(found[1].message.contains("由 5 个部分组成"), "{}", found[1]);
    let n = paragraph_of(&path, "部分组成");
    assert!(found.iter().all(|d| d.cells.len() == 1
        && d.cells[0]
            .to_string()
            .starts_with(&format!("第{n}段“本报告根据"))));
    // Two sections swapped.
    let (docx, _) = docx_of(&st, &|b| {
        let five = b
            .iter()
            .position(|x| *x == Block::Heading1(SECTIONS[4].heading));
        let six = b
            .iter()
            .position(|x| *x == Block::Heading1(SECTIONS[5].heading));
        if let (Some(i), Some(j)) = (five, six) {
            b.swap(i, j);
        }
    });
    let a = audit_file(&dir.write("顺序.docx", &docx), None);
    let found = with_id(&a, "R-X-1");
    assert!(
        found
            .iter()
            .any(|d| d.is_error() && d.message.contains("排在“六、其他需要报告的事项”之后")),
        "{:#?}",
        a.diagnostics
    );
}

#[test]
fn a_wrong_year_in_the_title_or_period_is_caught() {
    let dir = Dir::new();
    let st = checked(samples::BUSY).statement;
    // The title left at last year's.
    let paths = forms(&dir, "标题年度", &st, &|b| {
        for block in b.iter_mut() {
            if let Block::Title(t) = block {
                *t = t.replace("2025年", "2024年");
            }
        }
    });
    for path in paths {
        let a = audit_file(&path, None);
        let found: Vec<_> = with_id(&a, "R-X-3")
            .into_iter()
            .filter(|d| d.is_error())
            .collect();
        assert_eq!(found.len(), 1, "{}: {:#?}", path.display(), a.diagnostics);
        let d = found[0];
        assert!(
            d.message.contains("标题的报告年度是 2024 年")
                && d.message.contains("2025年1月1日至12月31日")
                && d.message.contains("是 2025 年"),
            "{d}"
        );
        let title = paragraph_of(&path, "2024年政府信息公开工作年度报告");
        let preamble = paragraph_of(&path, "统计期限");
        assert!(
            d.cells[0].to_string().starts_with("标题“")
                && d.cells[0].to_string().contains(&format!("第{title}段")),
            "{:?}",
            d.cells
        );
        assert!(
            d.cells[1]
                .to_string()
                .starts_with(&format!("第{preamble}段“")),
            "{:?}",
            d.cells
        );
        // The 统计期限 and the date agree on 2025: the report's year, so the text's “2025年，……”
        // and the date are not findings too.
        assert_eq!(a.statement.info.year, Some(2025));
        assert_eq!(with_id(&a, "R-X-3").len(), 1, "{:#?}", a.diagnostics);
    }
    // 统计期限为20251月1日: 年 left out.
    let (docx, _) = docx_of(&st, &|b| {
        for block in b.iter_mut() {
            if let Block::Body(t) = block {
                *t = t.replace("统计期限为2025年1月1日", "统计期限为20251月1日");
            }
        }
    });
    let path = dir.write("统计期限.docx", &docx);
    let a = audit_file(&path, None);
    let found = with_id(&a, "R-X-3");
    assert_eq!(found.len(), 1, "{:#?}", a.diagnostics);
    assert!(found[0].is_error());
    assert!(
        found[0].message.contains("“20251月”少了“年”字"),
        "{}",
        found[0]
    );
    assert!(found[0]
        .hint
        .as_deref()
        .is_some_and(|h| h.contains("2025年1月1日至12月31日")));
}

#[test]
fn a_report_copied_from_last_year_is_caught_with_previous() {
    let dir = Dir::new();
    let st = checked(samples::BUSY).statement;
    let now = dir.write("2025.docx", &docx_of(&st, &|_| {}).0);
    // Copied: last year's report has this year's text.
    let copied = last_year(&st, true);
    let before = dir.write("2024-照抄.docx", &docx_of(&copied, &|_| {}).0);
    let a = audit_file(&now, Some(&before));
    let found = with_id(&a, "R-X-5");
    let sections: Vec<String> = found
        .iter()
        .filter(|d| d.message.contains("与上一年度的文字"))
        .map(|d| d.cells[0].to_string())
        .collect();
    for i in [0, 4, 5] {
        let heading = SECTIONS[i].heading;
        let n = paragraph_of(&now, heading);
        assert!(
            sections.contains(&format!("章节标题“{heading}”（第{n}段）")),
            "{heading}: {sections:?}"
        );
    }
    assert!(errors(&a).is_empty(), "{:?}", errors(&a));
    // A clean last year: no copy, continuity holds.
    let clean = last_year(&st, false);
    let before = dir.write("2024.docx", &docx_of(&clean, &|_| {}).0);
    let a = audit_file(&now, Some(&before));
    assert!(a.diagnostics.is_empty(), "{:#?}", a.diagnostics);
    // The same as its workbook, and through the command line.
    let workbook = dir.write(
        "2024.xlsx",
        &report_gen::init::workbook(&clean).expect("workbook"),
    );
    let a = audit_file(&now, Some(&workbook));
    assert!(a.diagnostics.is_empty(), "{:#?}", a.diagnostics);
    // Continuity broken: last year carried one more application forward.
    let mut broken = clean.clone();
    broken.figures.t3[T3_CARRIED_FORWARD][0] += 1;
    broken.figures.t3[T3_NEW][0] += 1;
    broken.figures.compute_totals();
    let before = dir.write("2024-结转.docx", &docx_of(&broken, &|_| {}).0);
    let (code, out, err) =
        run(dir
            .cmd()
            .args(["audit", "2025.docx", "--previous", "2024-结转.docx"]));
    assert_eq!(code, 1, "{out}{err}");
    assert!(out.contains("[R-T3-6]"), "{out}");
    assert!(
        out.contains(
            "位置：表三 第5行「二、上年结转政府信息公开申请数量」「自然人」列、表三 第28行「四、结转下年度继续办理」「自然人」列（2024-结转.docx）"
        ),
        "{out}"
    );
    let _ = before;
}

#[test]
fn a_report_copied_whole_with_its_tables_is_caught() {
    let dir = Dir::new();
    let st = checked(samples::BUSY).statement;
    let now = dir.write("2025.docx", &docx_of(&st, &|_| {}).0);
    // Last year's report is this year's with the year changed: every figure the same.
    let mut same = st.clone();
    same.info.year = Some(2024);
    let before = dir.write(
        "2024.html",
        report_gen::html::page(&same, &docx_of(&same, &|_| {}).1).as_bytes(),
    );
    let a = audit_file(&now, Some(&before));
    let tables: Vec<_> = with_id(&a, "R-X-5")
        .into_iter()
        .filter(|d| d.message.contains("的每一个数字都与上一年度相同"))
        .collect();
    assert_eq!(tables.len(), 3, "{:#?}", a.diagnostics);
    assert!(
        tables
            .iter()
            .any(|d| d.cells == vec!["表三 第4行「一、本年新收政府信息公开申请数量」「总计」列"]),
        "{tables:#?}"
    );
}

// ---------------------------------------------------------------------------------------------
// Folders

#[test]
fn a_folder_of_reports_is_audited_into_a_summary_workbook() {
    let dir = Dir::new();
    let c = checked(samples::BUSY);
    let seed = checked(samples::SEED);
    let mut bad = c.statement.clone();
    bad.figures.t3[T3_RESULTS_TOTAL][T3_TOTAL_COL] += 1;
    dir.write("年报/区政府/2025.docx", &docx_of(&c.statement, &|_| {}).0);
    dir.write(
        "年报/教育局/2025.html",
        report_gen::html::page(&seed.statement, &docx_of(&seed.statement, &|_| {}).1).as_bytes(),
    );
    dir.write("年报/错误/2025.docx", &docx_of(&bad, &|_| {}).0);
    dir.write(
        "年报/旧版.doc",
        &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0, 0],
    );
    dir.write("年报/说明.txt", "请审查".as_bytes());
    std::fs::copy(pdf_fixture(), dir.join("年报/区政府/2025.pdf")).expect("pdf");
    let (code, out, err) = run(dir
        .cmd()
        .args(["audit", "年报", "-o", "年报/审查结果.xlsx"]));
    assert_eq!(code, 1, "{out}{err}");
    assert!(
        err.contains("共审查 5 份报告：没有错误 3 份，有错误 1 份，无法读取 1 份"),
        "{err}"
    );
    assert!(
        err.contains("说明.txt") && err.contains("不是可审查的报告"),
        "{err}"
    );
    assert!(
        out.contains("错误/2025.docx：示例区人民政府 2025 年度：有错误（1 个错误、0 个警告）"),
        "{out}"
    );
    let xlsx = dir.join("年报/审查结果.xlsx");
    let rows = sheet_rows(&xlsx, "总览");
    assert_eq!(
        rows[0][..6],
        ["文件", "机关名称", "年度", "状态", "错误", "警告"]
    );
    let files: Vec<&str> = rows[1..].iter().map(|r| r[0].as_str()).collect();
    assert_eq!(
        files,
        [
            "区政府/2025.docx",
            "区政府/2025.pdf",
            "教育局/2025.html",
            "旧版.doc",
            "错误/2025.docx"
        ]
    );
    let row = |f: &str| rows.iter().find(|r| r[0] == f).expect("row");
    assert_eq!(
        row("区政府/2025.docx")[1..6],
        ["示例区人民政府", "2025", "通过", "0", "0"]
    );
    assert_eq!(
        row("教育局/2025.html")[1..6],
        ["伊美区教育局", "2025", "有警告", "0", "2"]
    );
    assert_eq!(row("错误/2025.docx")[3..5], ["有错误", "1"]);
    assert_eq!(row("旧版.doc")[3], "无法读取");
    let findings = sheet_rows(&xlsx, "问题明细");
    assert_eq!(
        findings[0],
        ["文件", "机关名称", "编号", "严重程度", "说明", "位置"]
    );
    let total = findings
        .iter()
        .find(|r| r[0] == "错误/2025.docx" && r[2] == "R-T3-3")
        .expect("the wrong total listed");
    assert_eq!(total[3], "错误");
    assert!(
        total[5].starts_with("表三 第27行「（七）总计」「总计」列"),
        "{total:?}"
    );
    let skipped = sheet_rows(&xlsx, "未处理的文件");
    assert_eq!(skipped.len(), 2, "{skipped:?}");
    assert_eq!(skipped[1][0], "说明.txt");
    // A rerun does not list its own summary as a file it skipped.
    let (code, _, _) = run(dir
        .cmd()
        .args(["audit", "年报", "-o", "年报/审查结果.xlsx"]));
    assert_eq!(code, 1);
    assert_eq!(sheet_rows(&xlsx, "未处理的文件").len(), 2);
    // JSON: every report.
    let (_, out, _) = run(dir.cmd().args(["audit", "年报", "--format", "json"]));
    let v: serde_json::Value = serde_json::from_str(&out).expect("json");
    assert_eq!(v.as_array().map(Vec::len), Some(5));
}

#[test]
fn the_summary_is_never_written_over_an_input() {
    let dir = Dir::new();
    let c = checked(samples::BUSY);
    dir.write("r/2025.docx", &docx_of(&c.statement, &|_| {}).0);
    let last = dir.write(
        "2024.xlsx",
        &report_gen::init::workbook(&last_year(&c.statement, false)).expect("workbook"),
    );
    let before = std::fs::read(&last).expect("read");
    let (code, _, err) =
        run(dir
            .cmd()
            .args(["audit", "r", "--previous", "2024.xlsx", "-o", "2024.xlsx"]));
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("2024.xlsx"), "{err}");
    assert_eq!(std::fs::read(&last).expect("read"), before);
    let (code, _, err) = run(dir.cmd().args(["audit", "r", "-o", "结果.docx"]));
    assert_eq!(code, 2);
    assert!(err.contains(".xlsx"), "{err}");
    assert!(!dir.join("结果.docx").exists());
    let (code, _, err) =
        run(dir
            .cmd()
            .args(["audit", "r", "--previous", "2024.xlsx", "-o", "结果.xlsx"]));
    assert_eq!(code, 0, "{err}");
    assert!(dir.join("结果.xlsx").exists());
}

// ---------------------------------------------------------------------------------------------
// Client tier: python-docx and LibreOffice

#[test]
#[ignore = "client tier: bash tests/clients/install.sh, then cargo test -- --ignored"]
fn python_docx_reports_with_other_table_styles_audit_clean_and_errors_are_caught() {
    let dir = Dir::new();
    for sample in [samples::SEED, samples::BUSY] {
        let c = checked(sample);
        let st = &c.statement;
        let (docx, _) = docx_of(st, &|_| {});
        let want: Vec<Expected> = expected(&docx);
        let clean = python_docx(&dir, &format!("{sample}.docx"), &want, st, &|_| None);
        let a = audit_file(&clean, None);
        assert!(errors(&a).is_empty(), "{:?}", errors(&a));
        assert_figures(&a, st);
        // A total typed wrong.
        let total = CellId::T4(format::T4_REVIEW, format::T4_TOTAL);
        let wrong = st.figures.count(total) + 2;
        let bad = python_docx(&dir, &format!("{sample}-错.docx"), &want, st, &|id| {
            (id == total).then(|| wrong.to_string())
        });
        let a = audit_file(&bad, None);
        let found = with_id(&a, "R-T4-1");
        assert_eq!(found.len(), 1, "{:#?}", a.diagnostics);
        assert_eq!(found[0].cells[0], "表四 第4行「行政复议」「总计」列");
    }
}

#[test]
#[ignore = "client tier: bash tests/clients/install.sh, then cargo test -- --ignored"]
fn pdfs_converted_by_libreoffice_audit_clean_and_errors_are_caught() {
    let dir = Dir::new();
    for sample in [samples::SEED, samples::BUSY] {
        let c = checked(sample);
        let (docx, _) = docx_of(&c.statement, &|_| {});
        let pdf = soffice_pdf(&dir, &dir.write(&format!("{sample}.docx"), &docx));
        let a = audit_file(&pdf, None);
        assert!(errors(&a).is_empty(), "{:?}", errors(&a));
        let mut want: Vec<&str> = c.diagnostics.iter().map(|d| d.id).collect();
        want.sort_unstable();
        assert_eq!(ids(&a), want, "{:#?}", a.diagnostics);
        assert_figures(&a, &c.statement);
    }
    let mut st = checked(samples::BUSY).statement;
    st.figures.t3[T3_NEW][0] += 2;
    st.figures.compute_totals();
    st.figures.t3[T3_RESULTS_TOTAL][T3_TOTAL_COL] += 1;
    let (docx, _) = docx_of(&st, &|b| without_section(b, 4, false));
    let pdf = soffice_pdf(&dir, &dir.write("错误.docx", &docx));
    let a = audit_file(&pdf, None);
    let total = with_id(&a, "R-T3-3");
    assert_eq!(total.len(), 1, "{:#?}", a.diagnostics);
    assert!(
        total[0].cells[0].to_string().starts_with("表三（第")
            && total[0].cells[0]
                .to_string()
                .ends_with("页起）第27行「（七）总计」「总计」列"),
        "{:?}",
        total[0].cells
    );
    assert!(with_id(&a, "R-T3-1")
        .iter()
        .any(|d| d.message.contains("「自然人」列")));
    assert!(with_id(&a, "R-X-1")
        .iter()
        .any(|d| d.message.contains("缺少第五部分")));
}
