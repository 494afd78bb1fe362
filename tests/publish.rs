//! Publishing: the web page and fragment (`--html`, `--html-fragment`) read back with an HTML5
//! parser and compared with the Word report cell by cell; the PDF (`--pdf`, `--pdf-a`) read
//! back with poppler and qpdf; both samples rendered by a real browser.

use crate::util::samples;
use crate::util::{client, run, Dir};
use report_gen::layout::{Content, Table};
use report_gen::statement::{Part, Statement};
use roxmltree::{Document, Node};
use scraper::{ElementRef, Html, Selector};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

const W: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";

/// A table as its grid: for every grid position, the top-left corner of the cell covering it,
/// and the text of each cell by its corner.
#[derive(Debug, PartialEq)]
struct Grid {
    origin: Vec<Vec<(usize, usize)>>,
    text: BTreeMap<(usize, usize), String>,
}

fn sel(s: &str) -> Selector {
    Selector::parse(s).expect("selector")
}

fn squash(s: &str) -> String {
    s.split_whitespace().collect()
}

fn w<'a>(n: Node<'a, 'a>, name: &str) -> Option<Node<'a, 'a>> {
    n.children().find(|c| c.has_tag_name((W, name)))
}

/// The Word tables: gridSpan across, vMerge (restart / continue) down.
fn word_grids(docx: &[u8]) -> Vec<Grid> {
    let xml = crate::word::part(docx, "word/document.xml");
    let doc = Document::parse(&xml).expect("document.xml parses");
    doc.descendants()
        .filter(|n| n.has_tag_name((W, "tbl")))
        .map(|tbl| {
            let mut origin: Vec<Vec<(usize, usize)>> = Vec::new();
            let mut text = BTreeMap::new();
            for (r, tr) in tbl
                .children()
                .filter(|c| c.has_tag_name((W, "tr")))
                .enumerate()
            {
                let mut row = Vec::new();
                for tc in tr.children().filter(|c| c.has_tag_name((W, "tc"))) {
                    let pr = w(tc, "tcPr");
                    let span: usize = pr
                        .and_then(|p| w(p, "gridSpan"))
                        .and_then(|g| g.attribute((W, "val")))
                        .map_or(1, |v| v.parse().expect("gridSpan"));
                    let vmerge = pr.and_then(|p| w(p, "vMerge"));
                    let continues =
                        vmerge.is_some_and(|v| v.attribute((W, "val")) != Some("restart"));
                    let c = row.len();
                    let o = if continues {
                        origin[r - 1][c]
                    } else {
                        let t: String = tc
                            .descendants()
                            .filter(|d| d.has_tag_name((W, "t")))
                            .filter_map(|t| t.text())
                            .collect();
                        text.insert((r, c), squash(&t));
                        (r, c)
                    };
                    row.extend(std::iter::repeat_n(o, span));
                }
                origin.push(row);
            }
            Grid { origin, text }
        })
        .collect()
}

/// The HTML tables, by the HTML table model: rowspan/colspan over the occupied grid.
fn html_grids(html: &Html) -> Vec<Grid> {
    html.select(&sel("table"))
        .map(|table| {
            let mut occupied: BTreeMap<(usize, usize), (usize, usize)> = BTreeMap::new();
            let mut text = BTreeMap::new();
            for (r, tr) in table.select(&sel("tr")).enumerate() {
                let mut c = 0;
                for cell in tr.select(&sel("th, td")) {
                    while occupied.contains_key(&(r, c)) {
                        c += 1;
                    }
                    let span = |a: &str| {
                        cell.value()
                            .attr(a)
                            .map_or(1, |v| v.parse::<usize>().expect("span"))
                    };
                    let (rows, cols) = (span("rowspan"), span("colspan"));
                    for dr in 0..rows {
                        for dc in 0..cols {
                            occupied.insert((r + dr, c + dc), (r, c));
                        }
                    }
                    text.insert((r, c), squash(&cell.text().collect::<String>()));
                    c += cols;
                }
            }
            let rows = occupied.keys().map(|k| k.0 + 1).max().unwrap_or(0);
            let origin = (0..rows)
                .map(|r| {
                    occupied
                        .range((r, 0)..(r + 1, 0))
                        .map(|(_, o)| *o)
                        .collect()
                })
                .collect();
            Grid { origin, text }
        })
        .collect()
}

/// The Word report's paragraphs outside the tables, non-empty, in order.
fn word_paragraphs(docx: &[u8]) -> Vec<String> {
    let xml = crate::word::part(docx, "word/document.xml");
    let doc = Document::parse(&xml).expect("document.xml parses");
    let body = doc
        .descendants()
        .find(|n| n.has_tag_name((W, "body")))
        .expect("body");
    body.children()
        .filter(|c| c.has_tag_name((W, "p")))
        .map(|p| {
            p.descendants()
                .filter(|d| d.has_tag_name((W, "t")))
                .filter_map(|t| t.text())
                .collect::<String>()
        })
        .filter(|t| !t.trim().is_empty())
        .collect()
}

/// The page's headings and paragraphs outside the tables, non-empty, in order; the title's
/// lines (split by `<br>`) one each.
fn html_paragraphs(html: &Html) -> Vec<String> {
    let article = html.select(&sel("article")).next().expect("an article");
    let mut out = Vec::new();
    for el in article.child_elements() {
        match el.value().name() {
            "h1" | "h2" | "h3" | "p" => out.extend(
                el.text()
                    .map(|t| t.trim_matches(|c: char| c.is_whitespace() || c == '\u{a0}'))
                    .filter(|t| !t.is_empty())
                    .map(str::to_string),
            ),
            "div" => assert!(el.select(&sel("table")).next().is_some(), "{}", el.html()),
            other => panic!("unexpected <{other}> in the article"),
        }
    }
    out
}

/// Runs the main command on a workbook with `args`; returns (docx bytes, page, fragment).
fn publish(dir: &Dir, workbook: &Path, args: &[&str]) -> (Vec<u8>, String, String) {
    let (code, out, err) = run(dir
        .cmd()
        .arg(workbook)
        .args(["-o", "r.docx", "--html", "--html-fragment"])
        .args(args));
    assert_eq!(code, 0, "{out}{err}");
    let read = |n: &str| std::fs::read_to_string(dir.join(n)).expect(n);
    (
        std::fs::read(dir.join("r.docx")).expect("docx"),
        read("r.html"),
        read("r-片段.html"),
    )
}

/// Nothing that runs, loads or leaves the page; borders on every table and cell, twice.
fn assert_self_contained(html: &Html, source: &str) {
    for tag in [
        "script", "link", "img", "iframe", "object", "embed", "style", "base", "form",
    ] {
        assert!(
            html.select(&sel(tag)).next().is_none(),
            "<{tag}> in the page"
        );
    }
    for el in html.select(&sel("*")) {
        for (name, value) in el.value().attrs() {
            assert!(
                !matches!(name, "src" | "href" | "srcset" | "action" | "background")
                    && !name.starts_with("on"),
                "{name}={value}"
            );
            assert!(
                !value.contains("url(") && !value.contains("@import"),
                "{name}={value}"
            );
        }
    }
    assert!(!source.contains("http://") && !source.contains("https://"));
    let tables: Vec<ElementRef> = html.select(&sel("table")).collect();
    assert_eq!(tables.len(), 3);
    for t in &tables {
        assert_eq!(t.value().attr("border"), Some("1"));
        assert_eq!(t.value().attr("width"), Some("100%"));
        let style = t.value().attr("style").unwrap_or("");
        assert!(style.contains("border:1px solid #000") && style.contains("width:100%"));
        let pct: f64 = t
            .select(&sel("col"))
            .map(|c| {
                let w = c.value().attr("width").expect("col width");
                w.trim_end_matches('%').parse::<f64>().expect("percent")
            })
            .sum();
        assert!((pct - 100.0).abs() < 1e-9, "{pct}");
        for cell in t.select(&sel("th, td")) {
            let style = cell.value().attr("style").unwrap_or("");
            assert!(style.contains("border:1px solid #000"), "{}", cell.html());
            if cell.value().name() == "th" {
                assert!(
                    matches!(cell.value().attr("scope"), Some("col" | "row" | "rowgroup")),
                    "{}",
                    cell.html()
                );
            }
        }
    }
}

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

/// Runs a client program; fails the test unless it succeeds; returns its standard output.
fn output(cmd: &mut Command) -> String {
    let out = cmd.output().expect("the program runs");
    assert!(
        out.status.success(),
        "{cmd:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn tool(name: &str, args: &[&std::ffi::OsStr]) -> String {
    output(Command::new(client(name)).args(args))
}

/// The headings of the report, and each table's figures as the Word table shows them.
fn headings_and_figures(st: &Statement) -> (Vec<&'static str>, Vec<Vec<String>>) {
    let headings = report_gen::format::SECTIONS
        .iter()
        .map(|s| s.heading)
        .collect();
    let figures = Table::ALL
        .iter()
        .map(|t| {
            t.layout()
                .cells
                .iter()
                .filter_map(|p| match p.content {
                    Content::Data(id) => Some(st.figures.get(id).to_string()),
                    _ => None,
                })
                .collect()
        })
        .collect();
    (headings, figures)
}

/// The PDF's text holds every heading in order, and between a table's heading and the next,
/// every figure of the table in order (as a subsequence of the numbers on those pages).
fn assert_pdf_text(pdf: &Path, st: &Statement) {
    let text = tool(
        "pdftotext",
        &["-layout".as_ref(), pdf.as_os_str(), "-".as_ref()],
    );
    let squashed: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    let (headings, figures) = headings_and_figures(st);
    let mut at = Vec::new();
    let mut from = 0;
    for h in &headings {
        let i = squashed[from..]
            .find(h)
            .unwrap_or_else(|| panic!("{h} missing or out of order in {}", pdf.display()));
        from += i + h.len();
        at.push(from);
    }
    at.push(squashed.len());
    // The lines of `text` between two headings: find them in the unsquashed text by line.
    for (t, table) in Table::ALL.iter().enumerate() {
        let section = report_gen::format::SECTIONS
            .iter()
            .position(|s| s.id == table.section().id)
            .expect("section");
        let start = text.find(headings[section]).expect("heading on one line");
        let end = headings
            .get(section + 1)
            .and_then(|h| text.find(h))
            .unwrap_or(text.len());
        let numbers: Vec<&str> = text[start..end]
            .split(|c: char| !(c.is_ascii_digit() || c == '.'))
            .map(|s| s.trim_matches('.'))
            .filter(|s| !s.is_empty())
            .collect();
        let mut it = numbers.iter();
        for (k, f) in figures[t].iter().enumerate() {
            assert!(
                it.any(|n| n == f),
                "{table:?}: figure #{k} ({f}) missing or out of order in {}",
                pdf.display()
            );
        }
    }
}

fn assert_fonts_embedded(pdf: &Path) {
    let out = tool("pdffonts", &[pdf.as_os_str()]);
    let rows: Vec<&str> = out.lines().skip(2).collect();
    assert!(!rows.is_empty(), "{out}");
    for row in rows {
        // name type encoding emb sub uni object ID: emb is the fifth column from the end.
        let cols: Vec<&str> = row.split_whitespace().collect();
        assert_eq!(cols[cols.len() - 5], "yes", "font not embedded: {row}");
    }
}

/// A grey image, ink 0.0 (white) to 1.0 (black), row by row.
struct Ink {
    width: usize,
    height: usize,
    ink: Vec<f64>,
}

/// A box on a page, in points from its top left: (left, top, right, bottom).
type Rect = (f64, f64, f64, f64);

/// Resolution of the glyph comparisons: a 16 pt character is 44 pixels high.
const DPI: f64 = 200.0;

/// Renders a box of page `page` (from 1), with a few pixels around it, as poppler shows it.
fn render_region(pdf: &Path, page: usize, (x0, y0, x1, y1): Rect) -> Ink {
    let px = |pt: f64| (pt * DPI / 72.0).round() as i64;
    let (x, y) = (px(x0) - 8, px(y0) - 8);
    let (w, h) = (px(x1) - x + 8, px(y1) - y + 8);
    let out = Command::new(client("pdftoppm"))
        .args(["-gray", "-singlefile", "-r", &DPI.to_string()])
        .args(["-f", &page.to_string(), "-l", &page.to_string()])
        .args(["-x", &x.to_string(), "-y", &y.to_string()])
        .args(["-W", &w.to_string(), "-H", &h.to_string()])
        .arg(pdf)
        .output()
        .expect("pdftoppm runs");
    assert!(out.status.success(), "pdftoppm: {out:?}");
    // A binary PGM: "P5", width, height, maximum value, one whitespace byte, then the pixels.
    let bytes = out.stdout;
    let mut fields = Vec::new();
    let mut at = 0;
    while fields.len() < 4 {
        while bytes[at].is_ascii_whitespace() {
            at += 1;
        }
        let start = at;
        while !bytes[at].is_ascii_whitespace() {
            at += 1;
        }
        fields.push(String::from_utf8_lossy(&bytes[start..at]).into_owned());
    }
    assert_eq!((fields[0].as_str(), fields[3].as_str()), ("P5", "255"));
    let (width, height): (usize, usize) = (fields[1].parse().unwrap(), fields[2].parse().unwrap());
    let ink: Vec<f64> = bytes[at + 1..]
        .iter()
        .map(|&b| 1.0 - f64::from(b) / 255.0)
        .collect();
    assert_eq!(ink.len(), width * height);
    Ink { width, height, ink }
}

/// A character drawn from face `index` of the font file `file` at `size_pt`, by ab_glyph:
/// a rasteriser of its own, independent of LibreOffice and poppler.
fn draw_glyph(file: &Path, index: u32, ch: char, size_pt: f64) -> Ink {
    use ab_glyph::{Font, FontRef, PxScale};
    let data = std::fs::read(file).expect("font file");
    let font = FontRef::try_from_slice_and_index(&data, index).expect("font face");
    let em = size_pt * DPI / 72.0;
    // ab_glyph scales by the height from descent to ascent, not by the em.
    let scale = em * f64::from(font.height_unscaled()) / f64::from(font.units_per_em().unwrap());
    let glyph = font.glyph_id(ch).with_scale(PxScale::from(scale as f32));
    let outline = font.outline_glyph(glyph).expect("an outline");
    let bounds = outline.px_bounds();
    let (width, height) = (bounds.width() as usize, bounds.height() as usize);
    let mut ink = vec![0.0; width * height];
    outline.draw(|x, y, c| ink[y as usize * width + x as usize] = f64::from(c));
    Ink { width, height, ink }
}

/// How well `glyph` matches the best place in `region`: the highest normalised
/// cross-correlation over every position (1.0 for the same picture).
fn best_match(region: &Ink, glyph: &Ink) -> f64 {
    let n = (glyph.width * glyph.height) as f64;
    let mean = glyph.ink.iter().sum::<f64>() / n;
    let g: Vec<f64> = glyph.ink.iter().map(|v| v - mean).collect();
    let g_norm = g.iter().map(|v| v * v).sum::<f64>().sqrt();
    let mut best = f64::MIN;
    for top in 0..=region.height.saturating_sub(glyph.height) {
        for left in 0..=region.width.saturating_sub(glyph.width) {
            // One pass: Σr, Σr², Σr·g; g sums to zero, so Σ(r - r̄)·g = Σr·g.
            let (mut sum, mut squares, mut dot) = (0.0, 0.0, 0.0);
            for (y, g_row) in g.chunks(glyph.width).enumerate() {
                let from = (top + y) * region.width + left;
                for (r, g) in region.ink[from..from + glyph.width].iter().zip(g_row) {
                    sum += r;
                    squares += r * r;
                    dot += r * g;
                }
            }
            let r_norm = (squares - sum * sum / n).max(0.0).sqrt();
            if r_norm > 1e-9 {
                best = best.max(dot / (r_norm * g_norm));
            }
        }
    }
    best
}

/// The face fontconfig gives for `family`: (file, index in the collection).
fn face_file(family: &str) -> (PathBuf, u32) {
    let out = tool(
        "fc-match",
        &[
            "-f".as_ref(),
            "%{family[0]}\t%{file}\t%{index}".as_ref(),
            family.as_ref(),
        ],
    );
    let fields: Vec<&str> = out.split('\t').collect();
    assert_eq!(
        fields[0],
        family,
        "fontconfig has no {family}: install the client tier with {}",
        crate::util::INSTALL_CLIENTS
    );
    (PathBuf::from(fields[1]), fields[2].trim().parse().unwrap())
}

/// The words poppler finds on each page, with their boxes in points: (page from 1, text, box).
fn words(pdf: &Path) -> Vec<(usize, String, Rect)> {
    let xhtml = tool(
        "pdftotext",
        &["-bbox-layout".as_ref(), pdf.as_os_str(), "-".as_ref()],
    );
    let options = roxmltree::ParsingOptions {
        allow_dtd: true,
        ..Default::default()
    };
    let doc = Document::parse_with_options(&xhtml, options).expect("pdftotext's XHTML");
    let mut out = Vec::new();
    for (p, page) in doc
        .descendants()
        .filter(|n| n.has_tag_name("page"))
        .enumerate()
    {
        for w in page.descendants().filter(|n| n.has_tag_name("word")) {
            let num = |a: &str| w.attribute(a).unwrap().parse::<f64>().unwrap();
            let text = w.text().unwrap_or("").to_string();
            out.push((
                p + 1,
                text,
                (num("xMin"), num("yMin"), num("xMax"), num("yMax")),
            ));
        }
    }
    out
}

/// The Chinese text of the PDF is set in Simplified Chinese forms, in the face the warnings
/// name. `pdffonts` cannot tell: the faces of a Noto CJK collection share one CFF table, and
/// LibreOffice names the embedded font after it (`NotoSerifCJKjp-Regular-VKana` for the SC
/// face too). So the glyphs are compared: a character whose Japanese form differs, cut from
/// poppler's rendering, must match the face the warning names (drawn here by ab_glyph from
/// the font file) and not the Japanese face. Japanese forms come from the language the text is
/// shaped in more than from the face: the report with eastAsia ja-JP fails here, though
/// `pdffonts` lists the same fonts.
fn assert_simplified_forms(pdf: &Path, warnings: &str) {
    use report_gen::format::SECTIONS;
    use report_gen::typography::{BODY, HEADING1};
    let words = words(pdf);
    // (font, a character whose JP form differs, the JP face, whether to look in headings).
    for (font, ch, japanese, heading) in [
        (BODY, '门', "Noto Serif CJK JP", false),
        (HEADING1, '复', "Noto Sans CJK JP", true),
    ] {
        let face = font.east_asia;
        // The face the PDF uses: the one the warning names, or the named face when installed.
        let used = warnings
            .split(&format!("本机未安装“{face}”，以同类字体“"))
            .nth(1)
            .and_then(|rest| rest.split('”').next())
            .unwrap_or(face);
        let (file, index) = face_file(used);
        let expected = draw_glyph(&file, index, ch, font.size);
        let (file, index) = face_file(japanese);
        let wrong = draw_glyph(&file, index, ch, font.size);
        // The first line holding `ch` where either form is found: lines in another face or
        // size match neither.
        let (right_score, wrong_score) = words
            .iter()
            .filter(|(_, text, _)| {
                text.contains(ch) && (!heading || SECTIONS.iter().any(|s| s.heading.contains(text)))
            })
            .map(|(page, _, rect)| {
                let region = render_region(pdf, *page, *rect);
                (best_match(&region, &expected), best_match(&region, &wrong))
            })
            .find(|(right, wrong)| right.max(*wrong) > 0.9)
            .unwrap_or_else(|| panic!("{}: no {ch} in {used} or {japanese}", pdf.display()));
        assert!(
            right_score > wrong_score + 0.1,
            "{}: {ch} in {face} has not {used}'s form (match {right_score:.3}; \
             {japanese}: {wrong_score:.3})",
            pdf.display()
        );
    }
}

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

fn chromium(dir: &Dir, args: &[&std::ffi::OsStr]) -> String {
    let profile = dir.join("chromium-profile");
    output(
        Command::new(client("chromium"))
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--hide-scrollbars",
            ])
            .arg(format!("--user-data-dir={}", profile.display()))
            .args(args),
    )
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
