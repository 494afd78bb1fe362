//! Publishing: the web page and fragment (`--html`, `--html-fragment`) read back with an HTML5
//! parser and compared with the Word report cell by cell; the PDF (`--pdf`, `--pdf-a`) read
//! back with poppler and qpdf; both samples rendered by a real browser.

use crate::util::clients::{
    assert_fonts_embedded, assert_pdf_text, assert_simplified_forms, chromium, client,
    headings_and_figures, tool,
};
use crate::util::published::publish;
use crate::util::read::{
    assert_self_contained, html_grids, html_paragraphs, sel, word_grids, word_paragraphs,
};
use crate::util::{run, samples, Dir};
use report_gen::layout::{Content, Table};
use report_gen::statement::{Part, Statement};
use scraper::Html;
use std::path::PathBuf;

#[test]
fn html_tables_have_the_word_tables_grids_and_text_cell_by_cell() {
    for sample in [samples::SEED, samples::BUSY] {
        let dir = Dir::new();
        let (docx, page, fragment) = publish(&dir, &samples::path(sample), &[]);
        let word = word_grids(&docx);
        assert_eq!(word.len(), 3);
        for source in [&page, &fragment] {
            let html = Html::parse_document(source);
            let grids = html_grids(&html);
            assert_eq!(grids.len(), 3, "{sample}");
            for ((w, h), table) in word.iter().zip(&grids).zip(Table::ALL) {
                let layout = table.layout();
                assert_eq!(h.origin.len(), layout.rows, "{sample} {table:?}");
                assert!(h.origin.iter().all(|r| r.len() == layout.cols));
                assert_eq!(w, h, "{sample} {table:?}");
            }
            assert_eq!(
                html_paragraphs(&html),
                word_paragraphs(&docx),
                "{sample}: headings and paragraphs"
            );
        }
    }
}

#[test]
fn html_headers_are_th_with_scope_and_figures_are_td() {
    let dir = Dir::new();
    let (_, page, _) = publish(&dir, &samples::path(samples::BUSY), &[]);
    let html = Html::parse_document(&page);
    for (t, table) in html.select(&sel("table")).zip(Table::ALL) {
        let layout = table.layout();
        let headers = layout
            .cells
            .iter()
            .filter(|p| !matches!(p.content, Content::Data(_)))
            .count();
        let data = layout.cells.len() - headers;
        assert_eq!(t.select(&sel("th")).count(), headers, "{table:?}");
        assert_eq!(t.select(&sel("td")).count(), data, "{table:?}");
        assert_eq!(
            t.select(&sel("thead tr")).count(),
            layout.header_rows,
            "{table:?}"
        );
    }
}

#[test]
fn html_is_one_self_contained_utf8_page_and_the_fragment_is_the_article_alone() {
    let dir = Dir::new();
    let (_, page, fragment) = publish(&dir, &samples::path(samples::BUSY), &[]);
    assert!(page.starts_with("<!DOCTYPE html>"));
    let html = Html::parse_document(&page);
    let charset = html
        .select(&sel("meta[charset]"))
        .next()
        .and_then(|m| m.value().attr("charset"));
    assert_eq!(charset, Some("utf-8"));
    assert!(html.select(&sel("meta[name=viewport]")).next().is_some());
    assert_self_contained(&html, &page);

    let body = fragment.strip_prefix('\u{feff}').expect("a UTF-8 BOM");
    assert!(body.starts_with("<article") && body.trim_end().ends_with("</article>"));
    for tag in ["<html", "<head", "<body", "<meta", "<!DOCTYPE"] {
        assert!(!body.contains(tag), "{tag} in the fragment");
    }
    let frag = Html::parse_fragment(body);
    assert_self_contained(&frag, body);
    // The article is the same in both.
    assert!(page.contains(body));
}

#[test]
fn markup_in_the_agency_name_and_the_narrative_stays_text() {
    let mut st: Statement = samples::busy();
    st.info.agency = "<b>示例</b>局&amp;<script>alert(1)</script>".into();
    st.narrative.sections[0].insert(
        0,
        Part {
            heading: Some("<i>标题</i>".into()),
            paragraphs: vec!["<img src=x onerror=alert(1)>正文 & \"引号\" 'x'".into()],
            cell: None,
        },
    );
    let dir = Dir::new();
    let book = dir.write(
        "in.xlsx",
        &report_gen::init::workbook(&st).expect("workbook"),
    );
    let (_, page, fragment) = publish(&dir, &book, &["--force"]);
    for source in [page.as_str(), fragment.trim_start_matches('\u{feff}')] {
        let html = Html::parse_document(source);
        assert_self_contained(&html, source);
        for tag in ["b", "i", "img"] {
            assert!(html.select(&sel(tag)).next().is_none(), "<{tag}>");
        }
        let text: String = html.root_element().text().collect();
        assert!(text.contains("<b>示例</b>局&amp;<script>alert(1)</script>"));
        assert!(text.contains("（一）<i>标题</i>"));
        assert!(text.contains("<img src=x onerror=alert(1)>正文 & \"引号\" 'x'"));
    }
    let html = Html::parse_document(&page);
    let title: String = html
        .select(&sel("title"))
        .next()
        .expect("title")
        .text()
        .collect();
    assert!(title.starts_with("<b>示例</b>局&amp;<script>"), "{title}");
}

#[test]
fn batch_writes_a_page_and_a_fragment_per_report() {
    let dir = Dir::new();
    dir.write(
        "in/a.xlsx",
        &report_gen::init::workbook(&samples::seed()).expect("wb"),
    );
    dir.write(
        "in/b.xlsx",
        &report_gen::init::workbook(&samples::busy()).expect("wb"),
    );
    let (code, out, err) =
        run(dir
            .cmd()
            .args(["batch", "in", "-o", "out", "--html", "--html-fragment"]));
    assert_eq!(code, 0, "{out}{err}");
    for agency in ["伊美区教育局", "示例区人民政府"] {
        let stem = format!("{agency}-2025年政府信息公开工作年度报告");
        let docx = std::fs::read(dir.join(&format!("out/{stem}.docx"))).expect("docx");
        let page = std::fs::read_to_string(dir.join(&format!("out/{stem}.html"))).expect("page");
        let frag =
            std::fs::read_to_string(dir.join(&format!("out/{stem}-片段.html"))).expect("fragment");
        assert_eq!(html_grids(&Html::parse_document(&page)), word_grids(&docx));
        assert!(page.contains(frag.trim_start_matches('\u{feff}')));
    }
}

#[test]
fn pdf_without_libreoffice_says_what_to_install_exits_2_and_keeps_the_report() {
    let dir = Dir::new();
    let (code, _, err) = run(dir
        .cmd()
        .arg(samples::path(samples::BUSY))
        .args(["-o", "r.docx", "--pdf", "--html"])
        .env(report_gen::pdf::SOFFICE_ENV, dir.join("没有这个程序")));
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("未找到 LibreOffice"), "{err}");
    assert!(err.contains("libreoffice-writer-nogui"), "{err}");
    assert!(
        err.contains("fonts-noto-cjk") && err.contains("fonts-arphic-ukai"),
        "{err}"
    );
    assert!(
        err.contains("https://www.libreoffice.org/download/"),
        "{err}"
    );
    assert_eq!(dir.files(), ["r-附表.xlsx", "r.docx", "r.html"]);

    let dir = Dir::new();
    dir.write(
        "in/a.xlsx",
        &report_gen::init::workbook(&samples::seed()).expect("wb"),
    );
    let (code, _, err) = run(dir
        .cmd()
        .args(["batch", "in", "-o", "out", "--pdf-a"])
        .env(report_gen::pdf::SOFFICE_ENV, dir.join("没有这个程序")));
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("未找到 LibreOffice"), "{err}");
    assert!(dir
        .join("out/伊美区教育局-2025年政府信息公开工作年度报告.docx")
        .is_file());
    assert!(dir.join("out/汇总.xlsx").is_file());
}

/// A stand-in soffice that starts a child and then hangs: the time limit kills both.
#[cfg(unix)]
#[test]
fn a_hanging_libreoffice_is_killed_with_its_children_at_the_time_limit() {
    use std::os::unix::fs::PermissionsExt;
    let dir = Dir::new();
    let pids = dir.join("pids");
    let fake = dir.write(
        "soffice",
        format!(
            "#!/bin/sh\nsleep 300 &\necho $! >> '{0}'\necho $$ >> '{0}'\nwait\n",
            pids.display()
        )
        .as_bytes(),
    );
    std::fs::set_permissions(&fake, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    let started = std::time::Instant::now();
    let (code, _, err) = run(dir
        .cmd()
        .arg(samples::path(samples::SEED))
        .args(["-o", "r.docx", "--pdf"])
        .env(report_gen::pdf::SOFFICE_ENV, &fake)
        .env(report_gen::pdf::LIMIT_ENV, "1"));
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("超过 1 秒没有生成下一份 PDF"), "{err}");
    assert!(started.elapsed().as_secs() < 60);
    assert!(dir.join("r.docx").is_file() && !dir.join("r.pdf").exists());
    let pids = std::fs::read_to_string(&pids).expect("the stand-in ran");
    for pid in pids.split_whitespace() {
        // Killed and reaped (the shell by report-gen; its orphaned child by init).
        let alive = (0..100).all(|_| {
            let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
            let running = !stat.is_empty() && !stat.contains(") Z ");
            if running {
                std::thread::sleep(std::time::Duration::from_millis(50));
            }
            running
        });
        assert!(!alive, "process {pid} still runs");
    }
}

// ---- Client tier: LibreOffice, poppler, qpdf, chromium. ----

#[test]
#[ignore = "client tier: bash tests/clients/install.sh, then cargo test -- --ignored"]
fn pdf_holds_every_heading_and_figure_in_order_with_every_font_embedded_in_sc_forms() {
    client("soffice");
    for (sample, st) in [
        (samples::SEED, samples::seed()),
        (samples::BUSY, samples::busy()),
    ] {
        let dir = Dir::new();
        let (code, out, err) = run(dir
            .cmd()
            .arg(samples::path(sample))
            .args(["-o", "r.docx", "--pdf", "--html"]));
        assert_eq!(code, 0, "{out}{err}");
        assert_eq!(
            dir.files(),
            ["r-附表.xlsx", "r.docx", "r.html", "r.pdf"],
            "{sample}"
        );
        // Every font the report names is either installed or named in a warning.
        for (face, _) in report_gen::typography::CLASSES {
            let installed = tool("fc-list", &[format!(":family={face}").as_ref()]);
            assert!(
                !installed.trim().is_empty() || err.contains(&format!("未安装“{face}”")),
                "{face}: {err}"
            );
        }
        assert_pdf_text(&dir.join("r.pdf"), &st);
        assert_fonts_embedded(&dir.join("r.pdf"));
        assert_simplified_forms(&dir.join("r.pdf"), &err);
    }
}

/// PDF/A-2b, checked with qpdf (veraPDF is not packaged for Debian, PyPI or npm): the file's
/// structure (`qpdf --check`), and in its uncompressed objects the PDF/A-2b identification,
/// the output intent with its ICC profile, no encryption, no JavaScript; pdffonts: every font
/// embedded.
#[test]
#[ignore = "client tier: bash tests/clients/install.sh, then cargo test -- --ignored"]
fn pdf_a_is_pdf_a_2b() {
    let dir = Dir::new();
    let (code, out, err) = run(dir
        .cmd()
        .arg(samples::path(samples::BUSY))
        .args(["-o", "r.docx", "--pdf-a"]));
    assert_eq!(code, 0, "{out}{err}");
    let pdf = dir.join("r.pdf");
    tool("qpdf", &["--check".as_ref(), pdf.as_os_str()]);
    let plain = dir.join("plain.pdf");
    tool(
        "qpdf",
        &[
            "--qdf".as_ref(),
            "--object-streams=disable".as_ref(),
            pdf.as_os_str(),
            plain.as_os_str(),
        ],
    );
    let bytes = std::fs::read(&plain).expect("qdf");
    let text = String::from_utf8_lossy(&bytes);
    assert!(text.contains("<pdfaid:part>2</pdfaid:part>"), "part");
    assert!(text.contains("<pdfaid:conformance>B</pdfaid:conformance>"));
    assert!(text.contains("/S /GTS_PDFA1"), "output intent");
    assert!(text.contains("/DestOutputProfile"), "ICC profile");
    assert!(!text.contains("/Encrypt") && !text.contains("/JavaScript"));
    assert!(
        text.starts_with("%PDF-1.7")
            || text.starts_with("%PDF-1.6")
            || text.starts_with("%PDF-1.5")
            || text.starts_with("%PDF-1.4")
    );
    assert_fonts_embedded(&pdf);
    assert_pdf_text(&pdf, &samples::busy());
}

/// Chromium renders both samples' pages: its DOM holds the three tables with every figure,
/// and it takes screenshots at a portal's 1,000-pixel column and at a phone's width (kept in
/// `REPORT_GEN_SCREENSHOTS` when set, to look at).
#[test]
#[ignore = "client tier: bash tests/clients/install.sh, then cargo test -- --ignored"]
fn chromium_renders_both_samples_pages() {
    let keep = std::env::var_os("REPORT_GEN_SCREENSHOTS").map(PathBuf::from);
    for (sample, st) in [
        (samples::SEED, samples::seed()),
        (samples::BUSY, samples::busy()),
    ] {
        let dir = Dir::new();
        publish(&dir, &samples::path(sample), &[]);
        let url = format!("file://{}", dir.join("r.html").display());
        let dom = chromium(&dir, &["--dump-dom".as_ref(), url.as_ref()]);
        let dom = Html::parse_document(&dom);
        let grids = html_grids(&dom);
        assert_eq!(grids.len(), 3);
        let (_, figures) = headings_and_figures(&st);
        for ((grid, table), want) in grids.iter().zip(Table::ALL).zip(&figures) {
            let shown: Vec<&String> = table
                .layout()
                .cells
                .iter()
                .filter(|p| matches!(p.content, Content::Data(_)))
                .map(|p| &grid.text[&(p.row, p.col)])
                .collect();
            assert_eq!(shown, want.iter().collect::<Vec<_>>(), "{sample} {table:?}");
        }
        for (width, height) in [(1000, 7000), (390, 9000)] {
            let shot = dir.join(&format!("{width}.png"));
            chromium(
                &dir,
                &[
                    format!("--window-size={width},{height}").as_ref(),
                    format!("--screenshot={}", shot.display()).as_ref(),
                    url.as_ref(),
                ],
            );
            let png = std::fs::read(&shot).expect("screenshot");
            assert!(
                png.starts_with(b"\x89PNG") && png.len() > 50_000,
                "{sample} {width}"
            );
            if let Some(k) = &keep {
                std::fs::create_dir_all(k).expect("folder");
                let stem = sample.trim_end_matches(".xlsx");
                std::fs::copy(&shot, k.join(format!("{stem}-{width}.png"))).expect("kept");
            }
        }
    }
}

/// `batch --pdf --html` over the samples and a folder of generated workbooks: every report gets
/// its PDF and page, by ONE LibreOffice process (counted by a wrapper around soffice).
#[cfg(unix)]
#[test]
#[ignore = "client tier: bash tests/clients/install.sh, then cargo test -- --ignored"]
fn batch_converts_every_report_with_one_libreoffice_process() {
    use std::os::unix::fs::PermissionsExt;
    let soffice = client("soffice");
    let dir = Dir::new();
    let calls = dir.join("calls");
    let wrapper = dir.write(
        "soffice",
        format!(
            "#!/bin/sh\necho call >> '{}'\nexec '{}' \"$@\"\n",
            calls.display(),
            soffice.display()
        )
        .as_bytes(),
    );
    std::fs::set_permissions(&wrapper, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    let wb = |st: &Statement| report_gen::init::workbook(st).expect("workbook");
    dir.write("in/伊美区教育局.xlsx", &wb(&samples::seed()));
    dir.write("in/示例区人民政府.xlsx", &wb(&samples::busy()));
    let mut agencies = vec![
        samples::seed().info.agency.clone(),
        samples::busy().info.agency.clone(),
    ];
    for i in 0..10 {
        let mut st = if i % 2 == 0 {
            samples::busy()
        } else {
            samples::seed()
        };
        st.info.agency = format!("生成第{i}局");
        dir.write(&format!("in/生成/{i}.xlsx"), &wb(&st));
        agencies.push(st.info.agency);
    }
    let (code, out, err) = run(dir
        .cmd()
        .args(["batch", "in", "-o", "out", "--pdf", "--html", "--jobs", "2"])
        .env(report_gen::pdf::SOFFICE_ENV, &wrapper));
    assert_eq!(code, 0, "{out}{err}");
    assert_eq!(std::fs::read_to_string(&calls).expect("calls"), "call\n");
    for agency in &agencies {
        let stem = format!("out/{agency}-2025年政府信息公开工作年度报告");
        let pdf = dir.join(&format!("{stem}.pdf"));
        assert!(dir.join(&format!("{stem}.html")).is_file(), "{agency}");
        let bytes = std::fs::read(&pdf).unwrap_or_else(|_| panic!("{agency}: no PDF"));
        assert!(bytes.starts_with(b"%PDF-"));
    }
    assert_pdf_text(
        &dir.join("out/示例区人民政府-2025年政府信息公开工作年度报告.pdf"),
        &samples::busy(),
    );
    assert!(err.contains("PDF"), "{err}");
}
