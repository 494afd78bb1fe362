//! The Excel appendix read back as other programs read it: calamine for values, formulas, merges
//! and styles; in the client tier LibreOffice (through `tests/clients/xlsx_recalc.py`) for the
//! cached results of every formula, and the Open XML SDK's rules.

use crate::util::read::{at, book, part, sum_cells, table_sheet};
use crate::util::workbook::appendix_of;
use crate::util::{clients, samples, Dir};
use calamine::{Data, Reader};
use report_gen::appendix::{self, CHECKS_TOP, SHEET_CHECKS, TABLE_SHEETS, TABLE_TOP};
use report_gen::checks;
use report_gen::figures::Number;
use report_gen::format::{CellId, T3_COLS, T3_NEW, T3_OTHER_MISC};
use report_gen::layout::{Content, Table};
use report_gen::rules;
use report_gen::statement::Statement;
use std::collections::BTreeSet;

#[test]
fn every_figure_and_every_cached_total_reads_back_at_its_place() {
    for (name, st) in samples::as_read() {
        let mut book = book(&appendix_of(&st));
        for table in Table::ALL {
            let sheet = table_sheet(table);
            let values = book.worksheet_range(sheet).expect("values");
            let formulas = book.worksheet_formula(sheet).expect("formulas");
            let layout = table.layout();
            let (mut inputs, mut totals) = (0, 0);
            for p in &layout.cells {
                let pos = at(p.row, p.col);
                let value = values.get_value(pos);
                let formula = formulas.get_value(pos).map_or("", String::as_str);
                match p.content {
                    Content::Data(id) => {
                        let want = st.figures.get(id).as_f64();
                        // A number, never text; for a total, the cached result.
                        assert!(
                            matches!(value, Some(Data::Float(x)) if *x == want),
                            "{name} {sheet} {id:?} at {pos:?}: {value:?}, want {want}"
                        );
                        if let Some(parts) = id.parts() {
                            totals += 1;
                            let want: BTreeSet<(u32, u32)> = parts
                                .iter()
                                .filter_map(|&part| layout.position(part))
                                .map(|(r, c)| at(r, c))
                                .collect();
                            assert_eq!(sum_cells(formula), want, "{name} {sheet} {id:?}");
                        } else {
                            inputs += 1;
                            assert_eq!(formula, "", "{name} {sheet} {id:?} is an input");
                        }
                    }
                    _ => {
                        let want = p.content.text().unwrap_or_default();
                        assert_eq!(
                            value,
                            Some(&Data::String(want.to_string())),
                            "{name} {sheet} {pos:?}"
                        );
                    }
                }
            }
            let (want_inputs, want_totals) = match table {
                Table::T2 => (10, 0),
                Table::T3 => (24 * 6, 31),
                Table::T4 => (12, 3),
            };
            assert_eq!((inputs, totals), (want_inputs, want_totals), "{sheet}");
        }
    }
}

#[test]
fn merges_are_the_official_ones() {
    let (_, st) = &samples::as_read()[1];
    let mut book = book(&appendix_of(st));
    for table in Table::ALL {
        let sheet = table_sheet(table);
        let merges: BTreeSet<((u32, u32), (u32, u32))> = book
            .merge_cells_by_sheet_name(sheet)
            .expect("merges")
            .iter()
            .map(|d| (d.start, d.end))
            .collect();
        let layout = table.layout();
        let mut want: BTreeSet<((u32, u32), (u32, u32))> = layout
            .cells
            .iter()
            .filter(|p| p.is_merged())
            .map(|p| (at(p.row, p.col), at(p.row + p.rows - 1, p.col + p.cols - 1)))
            .collect();
        // The title row spans the table.
        want.insert(((0, 0), (0, layout.cols as u32 - 1)));
        if table == Table::T3 {
            // The 勾稽 row's label spans the three label columns.
            let row = TABLE_TOP + layout.rows as u32;
            want.insert(((row, 0), (row, 2)));
        }
        assert_eq!(merges, want, "{sheet}");
    }
}

#[test]
fn the_balance_row_is_a_formula_showing_pass_or_fail() {
    let row = TABLE_TOP + Table::T3.layout().rows as u32;
    let cols = 3..3 + T3_COLS.len() as u32;
    for (_, st) in samples::as_read() {
        let mut book = book(&appendix_of(&st));
        let values = book
            .worksheet_range(table_sheet(Table::T3))
            .expect("values");
        let formulas = book
            .worksheet_formula(table_sheet(Table::T3))
            .expect("formulas");
        for c in cols.clone() {
            assert_eq!(
                values.get_value((row, c)),
                Some(&Data::String("通过".into()))
            );
            let f = formulas.get_value((row, c)).map_or("", String::as_str);
            assert!(f.starts_with("IF(") && f.contains("\"不通过\""), "{f}");
        }
    }
    // Through a real workbook, so the diagnostics name the cells they were read from.
    let mut st = samples::seed();
    st.figures.t3[T3_NEW][0] = 2;
    st.figures.compute_totals();
    let dir = Dir::new();
    let input = dir.write(
        "bad.xlsx",
        &report_gen::init::workbook(&st).expect("workbook"),
    );
    let st = report_gen::reader::read(&input, Default::default()).expect("reads");
    let bytes = appendix_of(&st);
    let mut book = book(&bytes);
    let values = book
        .worksheet_range(table_sheet(Table::T3))
        .expect("values");
    let shown: Vec<String> = cols
        .map(|c| {
            values
                .get_value((row, c))
                .map(|v| v.to_string())
                .unwrap_or_default()
        })
        .collect();
    // 自然人 and 总计 are off balance.
    assert_eq!(
        shown,
        ["不通过", "通过", "通过", "通过", "通过", "通过", "不通过"]
    );
    let checks = book.worksheet_range(SHEET_CHECKS).expect("校验");
    let balance = (0..checks.height() as u32)
        .find(|&r| checks.get_value((r, 0)) == Some(&Data::String("R-T3-1".into())))
        .expect("R-T3-1 row");
    assert_eq!(
        checks.get_value((balance, 2)),
        Some(&Data::String("不通过".into()))
    );
    let cells = checks
        .get_value((balance, 3))
        .map(|v| v.to_string())
        .unwrap_or_default();
    assert!(cells.contains("依申请公开!D7"), "{cells}");
}

#[test]
fn inputs_are_numbers_with_count_and_wan_formats_in_the_table_font() {
    let (_, st) = &samples::as_read()[1];
    let mut book = book(&appendix_of(st));
    for table in Table::ALL {
        let styles = book.worksheet_style(table_sheet(table)).expect("styles");
        for p in &table.layout().cells {
            let style = styles.get(at(p.row, p.col)).expect("styled cell");
            let font = style.font.as_ref().and_then(|f| f.name.as_deref());
            assert_eq!(font, Some("宋体"), "{table:?} {p:?}");
            if let Content::Data(id) = p.content {
                let code = style.number_format.as_ref().map(|n| n.format_code.as_str());
                let want = match st.figures.get(id) {
                    Number::Wan(_) => "0.00",
                    Number::Count(_) => "0",
                };
                assert_eq!(code, Some(want), "{id:?}");
            }
        }
    }
}

#[test]
fn text_that_looks_like_a_formula_stays_text() {
    let mut st = samples::seed();
    st.info.agency = "=cmd|' /C calc'!A0".into();
    let bytes = appendix_of(&st);
    let mut book = book(&bytes);
    let sheets: Vec<&str> = TABLE_SHEETS
        .iter()
        .map(|(_, s)| *s)
        .chain([SHEET_CHECKS])
        .collect();
    for sheet in sheets {
        let values = book.worksheet_range(sheet).expect("values");
        let formulas = book.worksheet_formula(sheet).expect("formulas");
        match values.get_value((0, 0)) {
            Some(Data::String(s)) => assert!(s.starts_with("=cmd|' /C calc'!A0"), "{s}"),
            other => panic!("{sheet}: title is {other:?}"),
        }
        assert_eq!(formulas.get_value((0, 0)).map_or("", String::as_str), "");
    }
    let core = part(&bytes, "docProps/core.xml");
    assert!(
        core.contains("<dc:creator>=cmd|' /C calc'!A0</dc:creator>"),
        "{core}"
    );
}

#[test]
fn reruns_are_byte_identical_and_dated_from_the_statement() {
    for (_, st) in samples::all() {
        assert!(appendix_of(&st) == appendix_of(&st));
    }
    let core = part(&appendix_of(&samples::seed()), "docProps/core.xml");
    assert!(core.contains(">2026-01-20T00:00:00Z<"), "{core}");
    assert!(
        core.contains("<dc:creator>伊美区教育局</dc:creator>"),
        "{core}"
    );
    assert!(
        core.contains("<dc:title>伊美区教育局2025年政府信息公开工作年度报告附表</dc:title>"),
        "{core}"
    );
    // Without 成文日期: 1 January after the report year.
    let mut st = samples::seed();
    st.info.date = None;
    let core = part(&appendix_of(&st), "docProps/core.xml");
    assert!(core.contains(">2026-01-01T00:00:00Z<"), "{core}");
}

#[test]
fn the_check_sheet_lists_every_rule_with_its_result() {
    let mut st = samples::seed();
    st.figures.t3[T3_OTHER_MISC][0] = 6;
    st.figures.t3[T3_NEW][0] = 6;
    st.figures.compute_totals();
    let mut book = book(&appendix_of(&st));
    let checks = book.worksheet_range(SHEET_CHECKS).expect("校验");
    let text = |r: u32, c: u32| {
        checks
            .get_value((r, c))
            .map(|v| v.to_string())
            .unwrap_or_default()
    };
    let heads: Vec<String> = (0..5).map(|c| text(CHECKS_TOP - 1, c)).collect();
    assert_eq!(heads, appendix::CHECK_HEADS);
    let diagnostics = checks::all(&st, None);
    for (i, rule) in rules::ALL.iter().enumerate() {
        let (r, id) = (CHECKS_TOP + i as u32, rule.id);
        assert_eq!(
            (text(r, 0), text(r, 1)),
            (id.to_string(), rule.words.to_string())
        );
        let found: Vec<_> = diagnostics.iter().filter(|d| d.id == id).collect();
        let want = if found.iter().any(|d| d.is_error()) {
            "不通过"
        } else if found.is_empty() && rule.needs_previous() {
            // No last year's workbook was given.
            "未核对"
        } else if found.is_empty() {
            "通过"
        } else {
            "警告"
        };
        assert_eq!(text(r, 2), want, "{id}");
        if id == "R-T3-7" {
            assert_eq!(want, "警告");
        }
        if id.starts_with("R-T3-1") || id.starts_with("R-T4") {
            assert_eq!(want, "通过");
        }
    }
    let misc = rules::ALL
        .iter()
        .position(|r| *r == &rules::R_T3_7)
        .expect("R-T3-7") as u32;
    assert!(text(CHECKS_TOP + misc, 4).contains("“3.其他”有 6 件"));
    assert!(
        text(1, 0).contains("未核对 4 项（没有提供上一年度统计表）"),
        "{}",
        text(1, 0)
    );
    assert_eq!(checks.height() as u32, CHECKS_TOP + rules::ALL.len() as u32);
}

/// With last year's workbook (a copy of this year's, re-dated) the main command's appendix
/// shows the last-year rules as checked: R-X-5 finds the copy, R-T3-6 passes.
#[test]
fn the_check_sheet_shows_the_last_year_rules_when_compared() {
    let dir = Dir::new();
    let mut last = samples::seed();
    last.info.year = Some(2024);
    last.info.date = report_gen::statement::Date::new(2025, 1, 20);
    dir.write(
        "last.xlsx",
        &report_gen::init::workbook(&last).expect("workbook"),
    );
    let data = samples::path(samples::SEED);
    let (code, _, err) =
        crate::util::run(
            dir.cmd()
                .arg(&data)
                .args(["--previous", "last.xlsx", "-o", "r.docx"]),
        );
    assert_eq!(code, 0, "{err}");
    let mut book = book(&std::fs::read(dir.join("r-附表.xlsx")).expect("appendix"));
    let checks = book.worksheet_range(SHEET_CHECKS).expect("校验");
    let outcome = |id: &str| {
        let i = rules::ALL.iter().position(|r| r.id == id).expect("listed") as u32;
        checks
            .get_value((CHECKS_TOP + i, 2))
            .map(|v| v.to_string())
            .unwrap_or_default()
    };
    assert_eq!(outcome("R-X-5"), "警告");
    assert_eq!(outcome("R-T3-6"), "通过");
    assert_eq!(outcome("R-T2-3"), "通过");
    let summary = checks
        .get_value((1, 0))
        .map(|v| v.to_string())
        .unwrap_or_default();
    assert!(!summary.contains("未核对"), "{summary}");
}

/// LibreOffice recalculates every formula and agrees with every cached value, for both samples
/// and for figures whose balance check fails; the appendices pass the Open XML SDK's rules.
#[test]
#[ignore = "client tier: bash tests/clients/install.sh, then cargo test -- --ignored"]
fn libreoffice_agrees_with_every_cached_value() {
    let dir = Dir::new();
    let mut unbalanced = samples::busy();
    unbalanced.figures.t3[T3_NEW][1] += 1;
    unbalanced.figures.t4[0][0] += 1;
    unbalanced.figures.compute_totals();
    let mut files: Vec<(String, Statement)> = samples::as_read()
        .into_iter()
        .map(|(n, st)| (n.to_string(), st))
        .collect();
    files.push(("unbalanced.xlsx".into(), unbalanced));
    for (name, st) in files {
        let file = dir.write(&format!("附表-{name}"), &appendix_of(&st));
        let (code, v) = clients::recalc(&file);
        assert_eq!(code, 0, "{name}: {v:#}");
        for list in ["mismatches", "missing_cached", "recalc_errors"] {
            assert_eq!(v[list].as_array().map(Vec::len), Some(0), "{name}: {v:#}");
        }
        // Every total (34) and the seven balance cells were compared.
        assert_eq!(v["compared"].as_u64(), Some(31 + 3 + 7), "{v:#}");
        assert_eq!(clients::sdk_errors(&file), Vec::<String>::new(), "{name}");
    }
}

/// The table sheets print on A4 pages, with the agency in every page header.
#[test]
#[ignore = "client tier: bash tests/clients/install.sh, then cargo test -- --ignored"]
fn appendices_render_to_a4_pages() {
    let dir = Dir::new();
    for (i, (name, st)) in samples::as_read().into_iter().enumerate() {
        let file = dir.write(&format!("附表-{i}.xlsx"), &appendix_of(&st));
        let v = clients::render(&file, &dir.join(&format!("pages-{i}")));
        let pages = v["pages"].as_u64().expect("pages");
        assert!(pages >= TABLE_SHEETS.len() as u64, "{name}: {pages} pages");
        let png = v["png"].as_array().expect("png");
        assert_eq!(png.len() as u64, pages);
        for p in png {
            // A4 at 80 dpi, upright or landscape.
            let (w, h) = clients::png_size(std::path::Path::new(p.as_str().expect("path")));
            let (short, long) = (w.min(h), w.max(h));
            assert!(
                short.abs_diff(661) <= 2 && long.abs_diff(935) <= 2,
                "{p}: {w}×{h}"
            );
        }
        let text = v["text"].as_str().expect("text");
        let headers = text.matches(st.info.agency.as_str()).count() as u64;
        assert!(
            headers >= pages,
            "{name}: the agency {headers} times on {pages} pages"
        );
    }
}

#[test]
fn table_cells_are_where_the_placement_says() {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let st = samples::busy();
    let placement = appendix::add_table_sheet(
        &mut wb,
        "汇总表三",
        "示例区2025年汇总",
        "示例区",
        Table::T3,
        &st.figures,
    )
    .expect("sheet");
    assert_eq!(placement.address(CellId::T3(0, 0)).as_deref(), Some("D6"));
    assert_eq!(placement.top, TABLE_TOP);
    let mut book = book(&wb.save_to_buffer().expect("bytes"));
    let values = book.worksheet_range("汇总表三").expect("values");
    assert_eq!(
        values.get_value((0, 0)),
        Some(&Data::String("示例区2025年汇总".into()))
    );
    let (r, c) = placement.cells[&CellId::T3(0, 6)];
    assert_eq!(
        values.get_value((r, u32::from(c))),
        Some(&Data::Float(393.0))
    );
}

#[test]
fn each_sheet_prints_on_a4_one_page_wide_with_header_and_page_numbers() {
    let bytes = appendix_of(&samples::busy());
    let sheets = TABLE_SHEETS
        .iter()
        .map(|(t, _)| Some(*t))
        .chain([None])
        .enumerate();
    for (i, table) in sheets {
        let xml = part(&bytes, &format!("xl/worksheets/sheet{}.xml", i + 1));
        // Fit to one page wide, any number of pages tall, on A4.
        assert!(xml.contains("<pageSetUpPr fitToPage=\"1\"/>"), "{table:?}");
        assert!(
            xml.contains("paperSize=\"9\" fitToHeight=\"0\""),
            "{table:?}"
        );
        let landscape = matches!(table, Some(Table::T4) | None);
        assert_eq!(
            xml.contains("orientation=\"landscape\""),
            landscape,
            "{table:?}"
        );
        assert!(xml.contains("state=\"frozen\""), "{table:?}");
        assert!(
            xml.contains("<oddHeader>&amp;L&amp;\"宋体,Regular\"示例区人民政府&amp;R"),
            "{table:?}"
        );
        assert!(
            xml.contains("&amp;P 页，共 &amp;N 页</oddFooter>"),
            "{table:?}"
        );
    }
    // An agency name with “&” does not become a header code.
    let mut st = samples::seed();
    st.info.agency = "A&B&P".into();
    let xml = part(&appendix_of(&st), "xl/worksheets/sheet1.xml");
    assert!(xml.contains("A＆B＆P"), "{xml}");
}

#[test]
fn the_main_command_writes_the_appendix_next_to_the_report_unless_told_otherwise() {
    use crate::util::run;
    let dir = Dir::new();
    let sample = samples::path(samples::BUSY);
    let (code, _, err) = run(dir.cmd().arg(&sample).args(["-o", "年报.docx"]));
    assert_eq!(code, 0, "{err}");
    assert_eq!(dir.files(), vec!["年报-附表.xlsx", "年报.docx"]);
    let written = std::fs::read(dir.join("年报-附表.xlsx")).expect("appendix");
    assert!(
        written == appendix_of(&samples::busy()),
        "the CLI appendix equals the library's"
    );
    let (code, _, err) =
        run(dir
            .cmd()
            .arg(&sample)
            .args(["-o", "b.docx", "--appendix", "附表/b.xlsx"]));
    assert_eq!(code, 2, "no such folder: {err}");
    assert!(
        !dir.join("b.docx").exists(),
        "nothing is written when one output cannot be"
    );
    std::fs::create_dir(dir.join("附表")).expect("folder");
    let (code, _, err) =
        run(dir
            .cmd()
            .arg(&sample)
            .args(["-o", "b.docx", "--appendix", "附表/b.xlsx"]));
    assert_eq!(code, 0, "{err}");
    assert!(dir.join("附表/b.xlsx").exists());
    let (code, _, _) = run(dir
        .cmd()
        .arg(&sample)
        .args(["-o", "c.docx", "--no-appendix"]));
    assert_eq!(code, 0);
    assert!(dir.join("c.docx").exists() && !dir.join("c-附表.xlsx").exists());
    let (code, _, _) =
        run(dir
            .cmd()
            .arg(&sample)
            .args(["-o", "d.docx", "--no-appendix", "--appendix", "x.xlsx"]));
    assert_eq!(code, 2);
}
