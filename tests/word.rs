//! The Word report, read back independently: unzip and parse the XML (roxmltree); in the client
//! tier also the Open XML SDK's rules, python-docx and LibreOffice (see `util/clients.rs`).

use crate::util::clients::merges;
use crate::util::published::{cli_report, expected_grid, expected_merges};
use crate::util::read::{
    attr, check_tables, el, package_problems, paragraphs, part, run_font, squash, style, text, W,
};
use crate::util::workbook::patch_part;
use crate::util::{clients, run, samples, Dir};
use report_gen::format::SECTIONS;
use report_gen::layout::Table;
use roxmltree::{Document, Node};
use serde_json::Value;

#[test]
fn each_sample_report_has_every_section_figure_merge_and_font() {
    let dir = Dir::new();
    for (name, st) in samples::all() {
        let docx = cli_report(&dir, name, "r.docx");
        let xml = part(&docx, "word/document.xml");
        let doc = Document::parse(&xml).expect("document.xml parses");
        let body = doc.root_element().first_element_child().expect("body");
        let ps = paragraphs(body);

        // Title: two centred lines in 方正小标宋简体 二号.
        let titles: Vec<Node> = ps
            .iter()
            .copied()
            .filter(|p| style(*p).as_deref() == Some("ReportTitle"))
            .collect();
        let title_text: Vec<String> = titles.iter().map(|p| text(*p)).collect();
        assert_eq!(
            title_text,
            vec![
                st.info.agency.clone(),
                "2025年政府信息公开工作年度报告".to_string()
            ]
        );
        assert_eq!(
            run_font(titles[0]),
            (Some("方正小标宋简体".into()), Some("44".into()))
        );

        // The six headings in order, 黑体 三号, outline level 0.
        let h1: Vec<Node> = ps
            .iter()
            .copied()
            .filter(|p| style(*p).as_deref() == Some("Heading1"))
            .collect();
        let got: Vec<String> = h1.iter().map(|p| text(*p)).collect();
        let want: Vec<String> = SECTIONS.iter().map(|s| s.heading.to_string()).collect();
        assert_eq!(got, want, "{name}");
        for h in &h1 {
            assert_eq!(run_font(*h), (Some("黑体".into()), Some("32".into())));
            assert_eq!(
                attr(el(*h, "pPr").and_then(|p| el(p, "outlineLvl")), "val").as_deref(),
                Some("0")
            );
        }
        // Sub-headings numbered by the generator, 楷体 三号, outline level 1.
        let h2: Vec<String> = ps
            .iter()
            .filter(|p| style(**p).as_deref() == Some("Heading2"))
            .map(|p| text(*p))
            .collect();
        let own: Vec<&str> = st
            .narrative
            .sections
            .iter()
            .flat_map(|parts| parts.iter().filter_map(|p| p.heading.as_deref()))
            .collect();
        assert_eq!(h2.len(), own.len(), "{name}: {h2:?}");
        for (h, o) in h2.iter().zip(&own) {
            assert!(h.ends_with(o) && h.starts_with('（'), "{h} / {o}");
        }
        assert!(h2.first().is_some_and(|h| h.starts_with("（一）")));

        // Body: 仿宋 三号, justified, exact 28 pt, first line indented two characters.
        let bodies: Vec<Node> = ps
            .iter()
            .copied()
            .filter(|p| style(*p).as_deref() == Some("ReportBody"))
            .collect();
        let first = bodies
            .iter()
            .find(|p| !text(**p).is_empty())
            .expect("body paragraphs");
        assert_eq!(
            run_font(*first),
            (Some("仿宋_GB2312".into()), Some("32".into()))
        );
        let ppr = el(*first, "pPr");
        let ind = ppr.and_then(|p| el(p, "ind"));
        assert_eq!(attr(ind, "firstLine").as_deref(), Some("640"));
        assert_eq!(attr(ind, "firstLineChars").as_deref(), Some("200"));
        let spacing = ppr.and_then(|p| el(p, "spacing"));
        assert_eq!(
            (
                attr(spacing, "line").as_deref(),
                attr(spacing, "lineRule").as_deref()
            ),
            (Some("560"), Some("exact"))
        );
        assert_eq!(
            attr(ppr.and_then(|p| el(p, "jc")), "val").as_deref(),
            Some("both")
        );

        // Every paragraph of the agency's own text is there.
        let all: String = ps.iter().map(|p| text(*p)).collect::<Vec<_>>().join("\n");
        for (_, t) in st.narrative.paragraphs() {
            assert!(all.contains(t.as_str()), "{name}: missing {t}");
        }
        // Signature and date.
        assert!(all.ends_with(&format!(
            "{}\n{}",
            st.info.agency,
            st.info.date.map(|d| d.to_string()).unwrap_or_default()
        )));

        check_tables(&doc, &st);

        // A4, GB/T 9704 margins, odd/even page-number footers.
        let sect = body
            .children()
            .find(|c| c.has_tag_name((W, "sectPr")))
            .expect("sectPr");
        assert_eq!(attr(el(sect, "pgSz"), "w").as_deref(), Some("11906"));
        let mar = el(sect, "pgMar");
        let margins: Vec<Option<String>> = ["top", "bottom", "left", "right"]
            .iter()
            .map(|k| attr(mar, k))
            .collect();
        assert_eq!(
            margins,
            ["2098", "1984", "1587", "1474"].map(|v| Some(v.to_string()))
        );
        let settings = part(&docx, "word/settings.xml");
        assert!(settings.contains("evenAndOddHeaders"));
        let footers: Vec<String> = ["word/footer1.xml", "word/footer2.xml"]
            .iter()
            .map(|f| part(&docx, f))
            .collect();
        for (f, align) in footers.iter().zip(["right", "left"]) {
            assert!(
                f.contains("PAGE") && f.contains("— ") && f.contains(" —"),
                "{f}"
            );
            assert!(f.contains(&format!("w:val=\"{align}\"")), "{f}");
        }
        let fonts = part(&docx, "word/fontTable.xml");
        for face in [
            "仿宋_GB2312",
            "黑体",
            "楷体_GB2312",
            "方正小标宋简体",
            "宋体",
        ] {
            assert!(
                fonts.contains(&format!("w:name=\"{face}\"")),
                "{face} not declared"
            );
        }
        assert_eq!(
            report_gen::ooxml::order_violations(&docx),
            Vec::<String>::new()
        );
    }
}

#[test]
fn seed_report_carries_the_seed_figures_and_statements() {
    let dir = Dir::new();
    let docx = cli_report(&dir, samples::SEED, "seed.docx");
    let xml = part(&docx, "word/document.xml");
    let doc = Document::parse(&xml).expect("parses");
    let all: String = doc
        .descendants()
        .filter(|d| d.has_tag_name((W, "t")))
        .filter_map(|t| t.text())
        .collect();
    for s in [
        "统计期限为2025年1月1日至12月31日",
        "伊美区政府门户网站→政务公开→政府信息公开年报栏目",
        "联系地址：伊春市伊美区新兴中路20号，邮编：153000，电话：0458-3368995",
        "本年度未收到政府信息公开申请。",
        "本年度未发生因政府信息公开引起的行政复议、行政诉讼。",
        "本年度未收取信息处理费。",
        "无。",
    ] {
        assert!(all.contains(s), "missing {s}");
    }
    let tables: Vec<Node> = doc
        .descendants()
        .filter(|d| d.has_tag_name((W, "tbl")))
        .collect();
    let t2: String = text(tables[0]);
    assert!(
        t2.contains("行政许可27") && t2.contains("行政处罚4"),
        "{t2}"
    );
}

/// Reports and appendices get the permissions the umask allows, like any document (not the
/// 0600 of the temporary file they are written to), so a shared folder's users can open them.
#[cfg(unix)]
#[test]
fn outputs_are_readable_as_the_umask_allows() {
    use std::os::unix::fs::PermissionsExt;
    let dir = Dir::new();
    let data = samples::path(samples::SEED);
    for (umask, mode) in [("022", 0o644), ("077", 0o600)] {
        let status = std::process::Command::new("sh")
            .arg("-c")
            .arg(format!(
                "umask {umask} && exec \"$0\" \"$1\" -o r{umask}.docx"
            ))
            .arg(env!("CARGO_BIN_EXE_report-gen"))
            .arg(&data)
            .current_dir(dir.path())
            .status()
            .expect("sh runs");
        assert!(status.success());
        for name in [format!("r{umask}.docx"), format!("r{umask}-附表.xlsx")] {
            let meta = std::fs::metadata(dir.join(&name)).expect("written");
            assert_eq!(
                meta.permissions().mode() & 0o777,
                mode,
                "{name} under umask {umask}"
            );
        }
    }
}

#[test]
fn two_runs_give_byte_identical_reports() {
    let dir = Dir::new();
    let a = cli_report(&dir, samples::BUSY, "a.docx");
    let b = cli_report(&dir, samples::BUSY, "b.docx");
    assert!(a == b, "reports differ between runs");
    let templates = report_gen::narrative::Templates::builtin().expect("templates");
    let checked = report_gen::report::Checked {
        statement: samples::busy(),
        diagnostics: Vec::new(),
        previous: false,
    };
    let c = report_gen::report::build(&checked, &templates, true)
        .expect("build")
        .docx;
    let d = report_gen::report::build(&checked, &templates, true)
        .expect("build")
        .docx;
    assert!(c == d);
}

#[test]
fn reports_and_appendices_are_whole_packages() {
    let dir = Dir::new();
    for (i, (name, _)) in samples::all().into_iter().enumerate() {
        let docx = cli_report(&dir, name, &format!("r{i}.docx"));
        assert_eq!(package_problems(&docx), Vec::<String>::new(), "{name}");
        let xlsx = std::fs::read(dir.join(&format!("r{i}-附表.xlsx"))).expect("appendix");
        assert_eq!(package_problems(&xlsx), Vec::<String>::new(), "{name}");
    }
    // The check itself: a part without its own content type, a dangling relationship.
    let docx = cli_report(&dir, samples::SEED, "seed.docx");
    let broken = patch_part(&docx, "[Content_Types].xml", |t| {
        t.replace("/word/styles.xml", "/word/missing.xml")
    });
    let broken = patch_part(&broken, "word/_rels/document.xml.rels", |t| {
        t.replace("settings.xml", "missing.xml")
    });
    let problems = package_problems(&broken);
    assert!(
        problems.len() == 3
            && problems[0] == "content type for a missing part /word/missing.xml"
            && problems[1] == "word/styles.xml has only the generic type application/xml"
            && problems[2].ends_with("points to a missing word/missing.xml"),
        "{problems:#?}"
    );
}

#[test]
#[ignore = "client tier: bash tests/clients/install.sh, then cargo test -- --ignored"]
fn reports_pass_the_open_xml_sdk_rules_and_python_docx_and_libreoffice_read_their_tables() {
    use report_gen::typography::{mm_to_twips, MARGINS_MM, PAGE_HEIGHT, PAGE_WIDTH};
    let dir = Dir::new();
    for (i, (name, st)) in samples::all().into_iter().enumerate() {
        let file = format!("r{i}.docx");
        cli_report(&dir, name, &file);
        let path = dir.join(&file);
        assert_eq!(clients::sdk_errors(&path), Vec::<String>::new(), "{name}");

        let v = clients::docx_read(&path);
        let page = &v["sections"][0];
        let twips = |mm| Some(u64::from(mm_to_twips(mm)));
        assert_eq!(
            [&page["width"], &page["height"]].map(Value::as_u64),
            [Some(u64::from(PAGE_WIDTH)), Some(u64::from(PAGE_HEIGHT))]
        );
        assert_eq!(
            ["top", "bottom", "left", "right"].map(|k| page[k].as_u64()),
            [
                MARGINS_MM.top,
                MARGINS_MM.bottom,
                MARGINS_MM.left,
                MARGINS_MM.right
            ]
            .map(twips)
        );
        let headings: Vec<&str> = v["paragraphs"]
            .as_array()
            .expect("paragraphs")
            .iter()
            .filter(|p| p["style"] == "Heading 1")
            .filter_map(|p| p["text"].as_str())
            .collect();
        let want: Vec<&str> = SECTIONS.iter().map(|s| s.heading).collect();
        assert_eq!(headings, want, "{name}");
        let tables = v["tables"].as_array().expect("tables");
        assert_eq!(tables.len(), Table::ALL.len());
        for (got, table) in tables.iter().zip(Table::ALL) {
            let layout = table.layout();
            assert_eq!(
                got["problems"],
                Value::Array(Vec::new()),
                "{name} {table:?}"
            );
            assert_eq!(
                (got["rows"].as_u64(), got["cols"].as_u64()),
                (Some(layout.rows as u64), Some(layout.cols as u64))
            );
            assert_eq!(merges(got), expected_merges(table), "{name} {table:?}");
            assert_eq!(
                got["grid"],
                serde_json::json!(expected_grid(table, &st)),
                "{name} {table:?}"
            );
        }

        // LibreOffice opens the report and saves it again with the same tables and merges.
        let saved = clients::convert(&path, "docx", &dir.join(&format!("libreoffice-{i}")));
        let again = clients::docx_read(&saved);
        for (a, b) in tables
            .iter()
            .zip(again["tables"].as_array().expect("tables"))
        {
            for key in ["rows", "cols", "grid", "merges", "problems"] {
                assert_eq!(a[key], b[key], "{name}: {key} after LibreOffice");
            }
        }
    }
}

#[test]
#[ignore = "client tier: bash tests/clients/install.sh, then cargo test -- --ignored"]
fn sample_reports_render_to_a4_pages_with_every_section_and_face() {
    let dir = Dir::new();
    for (i, (name, st)) in samples::all().into_iter().enumerate() {
        let file = format!("r{i}.docx");
        cli_report(&dir, name, &file);
        let v = clients::render(&dir.join(&file), &dir.join(&format!("pages-{i}")));
        let pages = v["pages"].as_u64().expect("pages");
        assert!((2..=12).contains(&pages), "{name}: {pages} pages");
        let png: Vec<&str> = v["png"]
            .as_array()
            .expect("png")
            .iter()
            .filter_map(Value::as_str)
            .collect();
        assert_eq!(png.len() as u64, pages, "{name}");
        for p in &png {
            // A4 at 80 dpi: 210 × 297 mm.
            let (w, h) = clients::png_size(std::path::Path::new(p));
            assert!(w.abs_diff(661) <= 2 && h.abs_diff(935) <= 2, "{p}: {w}×{h}");
        }
        let text = squash(v["text"].as_str().expect("text"));
        let title = format!(
            "{}{}年政府信息公开工作年度报告",
            st.info.agency,
            st.info.year.expect("year")
        );
        assert!(text.starts_with(&title), "{name}: {text}");
        for s in SECTIONS {
            assert!(text.contains(s.heading), "{name}: no {}", s.heading);
        }
        for n in [1, pages] {
            assert!(
                text.contains(&format!("—{n}—")),
                "{name}: no page number {n}"
            );
        }
        // Each face kind reaches the page through fonts.conf: 仿宋/宋体/小标宋 as a serif,
        // 黑体 as a sans, 楷体 as a Kai (when the text has sub-headings).
        let fonts = v["fonts"].to_string();
        assert!(
            fonts.contains("NotoSerifCJK") && fonts.contains("NotoSansCJK"),
            "{name}: {fonts}"
        );
        let subheadings = st
            .narrative
            .sections
            .iter()
            .flatten()
            .any(|p| p.heading.is_some());
        assert_eq!(fonts.contains("UKai"), subheadings, "{name}: {fonts}");
    }
}

/// docx-rs alone writes packages that break the Open XML SDK's rules; the same packages after
/// `ooxml::finish` pass them (formerly a unit test of `src/ooxml`).
#[test]
#[ignore = "client tier: bash tests/clients/install.sh, then cargo test -- --ignored"]
fn docx_rs_packages_pass_the_open_xml_sdk_rules_once_finished() {
    use docx_rs::*;
    let level = Level::new(
        0,
        Start::new(1),
        NumberFormat::new("chineseCounting"),
        LevelText::new("%1、"),
        LevelJc::new("left"),
    )
    .indent(Some(0), Some(SpecialIndentType::FirstLine(640)), None, None)
    .bold();
    let numbered = Docx::new()
        .add_abstract_numbering(AbstractNumbering::new(2).add_level(level))
        .add_numbering(Numbering::new(2, 2))
        .add_paragraph(
            Paragraph::new()
                .numbering(NumberingId::new(2), IndentLevel::new(0))
                .add_run(Run::new().add_text("一")),
        );
    let dir = Dir::new();
    for (name, docx) in [("empty", Docx::new()), ("numbered", numbered)] {
        let mut packed = std::io::Cursor::new(Vec::new());
        docx.build().pack(&mut packed).expect("docx-rs packs");
        let packed = packed.into_inner();
        let raw = dir.write(&format!("docx-rs-{name}.docx"), &packed);
        assert!(
            !clients::sdk_errors(&raw).is_empty(),
            "{name}: docx-rs passes alone"
        );
        let finished = report_gen::ooxml::finish(&packed, &Default::default()).expect("finish");
        let path = dir.write(&format!("{name}.docx"), &finished);
        assert_eq!(clients::sdk_errors(&path), Vec::<String>::new(), "{name}");
        assert_eq!(package_problems(&finished), Vec::<String>::new(), "{name}");
    }
}

#[test]
fn errors_block_the_report_unless_forced() {
    let dir = Dir::new();
    let mut st = samples::seed();
    st.figures.t3[0][0] = 1;
    st.figures.compute_totals();
    dir.write(
        "bad.xlsx",
        &report_gen::init::workbook(&st).expect("workbook"),
    );
    let (code, out, err) = run(dir.cmd().args(["bad.xlsx", "-o", "r.docx"]));
    assert_eq!(code, 1, "{out}{err}");
    assert!(out.contains("[R-T3-1]"), "{out}");
    assert!(
        err.contains("未生成报告") && err.contains("--force"),
        "{err}"
    );
    assert_eq!(dir.files(), vec!["bad.xlsx"]);
    let (code, _, err) = run(dir.cmd().args(["bad.xlsx", "-o", "r.docx", "--force"]));
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("--force"));
    assert_eq!(dir.files(), vec!["bad.xlsx", "r-附表.xlsx", "r.docx"]);
}

#[test]
fn the_report_is_not_written_over_its_input_and_defaults_to_the_agency_name() {
    let dir = Dir::new();
    let src = samples::path(samples::SEED);
    std::fs::copy(&src, dir.join("in.xlsx")).expect("copy");
    let (code, _, err) = run(dir.cmd().args(["in.xlsx", "-o", "in.xlsx"]));
    assert_eq!(code, 2, "{err}");
    let (code, _, err) = run(dir.cmd().args(["in.xlsx"]));
    assert_eq!(code, 0, "{err}");
    assert!(
        dir.files()
            .contains(&"伊美区教育局-2025年政府信息公开工作年度报告.docx".to_string()),
        "{:?}",
        dir.files()
    );
}

#[test]
fn numbers_in_the_agency_text_are_compared_with_the_tables() {
    let dir = Dir::new();
    let mut st = samples::busy();
    st.narrative.sections[0][2].paragraphs[0] =
        "本年度共收到政府信息公开申请390件，上年结转28件。".into();
    dir.write(
        "t.xlsx",
        &report_gen::init::workbook(&st).expect("workbook"),
    );
    let (code, out, _) = run(dir.cmd().args(["t.xlsx", "-o", "r.docx"]));
    assert_eq!(code, 0);
    assert!(out.contains("[R-X-4] 报告正文“本年度共收到政府信息公开申请390件，上年结转28件。”写的是 390 件，但表三「一、本年新收」总计为 393 件。"), "{out}");
    assert!(out.contains("位置：报告正文!C"), "{out}");
}

#[test]
fn templates_can_be_replaced_and_their_errors_name_file_and_line() {
    let dir = Dir::new();
    let sample = samples::path(samples::SEED);
    dir.write(
        "tpl/fees.j2",
        "{{ agency }}本年度收费通知{{ info.fee_notices }}件。".as_bytes(),
    );
    let (code, _, err) = run(dir
        .cmd()
        .arg(&sample)
        .args(["-o", "r.docx", "--templates", "tpl"]));
    assert_eq!(code, 0, "{err}");
    let xml = part(
        &std::fs::read(dir.join("r.docx")).expect("report"),
        "word/document.xml",
    );
    assert!(xml.contains("伊美区教育局本年度收费通知0件。"));
    dir.write("tpl/fees.j2", "第一行\n{{ fee_total }}".as_bytes());
    let (code, _, err) = run(dir
        .cmd()
        .arg(&sample)
        .args(["-o", "r2.docx", "--templates", "tpl"]));
    assert_eq!(code, 2);
    assert!(
        err.contains("模板 fees.j2 第 2 行") && err.contains("未定义"),
        "{err}"
    );
    assert!(!dir.join("r2.docx").exists());
}
