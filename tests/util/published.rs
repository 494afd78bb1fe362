//! Published reports built for the tests of `document`, `audit`, `word` and `publish`:
//! report-gen's own report (through the library and the command line), the blocks it holds
//! (read independently from its XML) and what a reader must read from them, the blocks edited
//! (typed by hand, a section missing), portal pages around them (UTF-8 and GBK, navigation, a
//! sidebar and a footer), python-docx reports with other table styles, LibreOffice's PDF
//! conversions, PDFs built by hand (a scan, a CID font) and damaged documents.

use super::clients::client;
use super::read::{self, part, W};
use super::samples;
use super::workbook::rewrite_parts;
use super::{run, Dir};
use report_gen::content::Block;
use report_gen::document::{self, Document, Kind};
use report_gen::format::SECTIONS;
use report_gen::layout::{Content, Table};
use report_gen::narrative::Templates;
use report_gen::report::{self, Checked};
use report_gen::statement::Statement;
use report_gen::workbook::{Limits, Sheet, Value};
use roxmltree::Node;
use std::path::{Path, PathBuf};

/// A sample's statement and its Word report, as report-gen writes them.
pub fn report(sample: &str) -> (Statement, Vec<u8>) {
    let checked =
        report::check(&samples::path(sample), None, Limits::default()).expect("sample reads");
    let templates = report_gen::narrative::Templates::builtin().expect("templates");
    let docs = report::build(&checked, &templates, false).expect("report built");
    (checked.statement, docs.docx)
}

/// What a document should hold, in order.
#[derive(Debug, Clone, PartialEq)]
pub enum Expected {
    /// A paragraph's text and heading level.
    Paragraph(String, Option<u8>),
    /// One of the official tables.
    Table(Table),
}

/// The body of our .docx read with roxmltree: non-empty paragraphs with their heading level
/// (from the Heading1/Heading2 styles), and the official tables in report order.
pub fn expected(docx: &[u8]) -> Vec<Expected> {
    let xml = read::document_xml(docx);
    let doc = roxmltree::Document::parse(&xml).expect("document.xml parses");
    let body = doc.root_element().first_element_child().expect("body");
    let mut tables = Table::ALL.into_iter();
    let mut out = Vec::new();
    for child in body.children().filter(Node::is_element) {
        if child.has_tag_name((W, "tbl")) {
            out.push(Expected::Table(tables.next().expect("three tables")));
        } else if child.has_tag_name((W, "p")) {
            let text: String = child
                .descendants()
                .filter(|d| d.has_tag_name((W, "t")))
                .filter_map(|t| t.text())
                .collect();
            let style = child
                .descendants()
                .find(|d| d.has_tag_name((W, "pStyle")))
                .and_then(|s| s.attribute((W, "val")));
            let heading = match style {
                Some("Heading1") => Some(1),
                Some("Heading2") => Some(2),
                _ => None,
            };
            if !text.trim().is_empty() {
                out.push(Expected::Paragraph(text.trim().to_string(), heading));
            }
        }
    }
    out
}

/// Text escaped for HTML.
pub fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// An official table as a portal writes it: rowspan/colspan, text wrapped in `<p>`/`<span>`,
/// header cells as `<th>` when asked.
pub fn html_table(table: Table, st: &Statement, th: bool) -> String {
    let layout = table.layout();
    let mut s =
        String::from("<table border=\"1\" cellspacing=\"0\" style=\"width:100%\"><tbody>\n");
    for r in 0..layout.rows {
        s.push_str("<tr>");
        for p in layout.row_cells(r) {
            let (tag, inner) = match p.content {
                Content::Data(id) => ("td", escape(&st.figures.get(id).to_string())),
                other => {
                    let text = escape(other.text().unwrap_or_default());
                    // Split the label over two spans, as pasted text often is.
                    let cut = text
                        .char_indices()
                        .nth(text.chars().count() / 2)
                        .map_or(0, |c| c.0);
                    let (a, b) = text.split_at(cut);
                    let tag = if th && matches!(other, Content::Header(_)) {
                        "th"
                    } else {
                        "td"
                    };
                    (tag, format!("<p style=\"text-align:center\"><span>{a}</span><span style=\"font-family:宋体\">{b}</span></p>"))
                }
            };
            let mut attrs = String::new();
            if p.rows > 1 {
                attrs.push_str(&format!(" rowspan=\"{}\"", p.rows));
            }
            if p.cols > 1 {
                attrs.push_str(&format!(" colspan='{}'", p.cols));
            }
            s.push_str(&format!("<{tag}{attrs}>{inner}</{tag}>"));
        }
        s.push_str("</tr>\n");
    }
    s.push_str("</tbody></table>\n");
    s
}

/// A saved portal page: navigation, breadcrumbs, a sidebar and a footer around the article.
/// The first `title_lines` paragraphs become the page's `<h1>` outside the article's body.
pub fn portal_page(
    expected: &[Expected],
    st: &Statement,
    charset: Option<&str>,
    title_lines: usize,
    headings_as_tags: bool,
) -> String {
    let meta = match charset {
        Some("gb2312") => {
            "<meta http-equiv=\"Content-Type\" content=\"text/html; charset=gb2312\" />".to_string()
        }
        Some(c) => format!("<meta charset=\"{c}\">"),
        None => String::new(),
    };
    let nav: String = (1..=30)
        .map(|i| format!("<li><a href=\"/col/col{i}/index.html\">政务公开栏目{i}</a></li>"))
        .collect();
    let side: String = (1..=15)
        .map(|i| format!("<li><a href=\"/art/{i}.html\">2024年第{i}号通知公告</a></li>"))
        .collect();
    let title: String = expected
        .iter()
        .take(title_lines)
        .filter_map(|e| match e {
            Expected::Paragraph(t, _) => Some(escape(t)),
            Expected::Table(_) => None,
        })
        .collect();
    let mut body = String::new();
    for e in expected.iter().skip(title_lines) {
        match e {
            Expected::Paragraph(t, Some(level)) if headings_as_tags => {
                body.push_str(&format!(
                    "<h{l}><span>{}</span></h{l}>\n",
                    escape(t),
                    l = level + 1
                ));
            }
            Expected::Paragraph(t, Some(_)) => {
                body.push_str(&format!("<p><strong>{}</strong></p>\n", escape(t)));
            }
            Expected::Paragraph(t, None) => {
                body.push_str(&format!(
                    "<p style=\"text-indent:2em\"><span style=\"font-size:16px\">&nbsp;&nbsp;{}</span></p>\n",
                    escape(t)
                ));
            }
            Expected::Table(t) => body.push_str(&html_table(*t, st, !headings_as_tags)),
        }
    }
    format!(
        "<!DOCTYPE html>\n<html><head>{meta}<title>{title}_示例市人民政府</title>\
         <script>var _hmt = _hmt || []; document.write('统计代码');</script>\
         <style>.nav li {{ float: left; }}</style></head>\n<body>\n\
         <div class=\"header\"><div class=\"logo\">示例市人民政府门户网站</div><ul class=\"nav\">{nav}</ul>\
         <table class=\"menu\"><tr><td><a href=\"/\">首页</a></td><td><a href=\"/zwgk\">政务公开</a></td>\
         <td><a href=\"/hdjl\">互动交流</a></td></tr></table>\
         <form><input type=\"text\" value=\"请输入关键词\"><button>搜索</button></form></div>\n\
         <div class=\"container\"><div class=\"crumbs\">当前位置：<a href=\"/\">首页</a> &gt; <a href=\"/zwgk\">政务公开</a> &gt; 年度报告</div>\n\
         <div class=\"left\"><h3>相关文章</h3><ul>{side}</ul></div>\n\
         <div class=\"right\"><div class=\"art-head\"><h1>{title}</h1>\
         <div class=\"art-info\">发布日期：2026-01-20 来源：本网 <a href=\"javascript:print()\">打印本页</a></div></div>\n\
         <div class=\"art-body\" id=\"zoom\">\n{body}</div>\n\
         <div class=\"share\">分享到：<a href=\"#\">微信</a> <a href=\"#\">微博</a></div></div></div>\n\
         <div class=\"footer\"><table><tr><td>主办单位：示例市人民政府办公室</td><td>承办单位：示例市大数据中心</td></tr></table>\
         <p>地址：示例市人民路1号　邮编：100000　联系电话：010-12345678</p><p>网站标识码：1100000001　京ICP备00000000号</p></div>\n\
         </body></html>\n"
    )
}

/// The blocks a portal page built by [`portal_page`] must read to: the title lines joined in
/// one `<h1>`, then the rest.
pub fn expected_page(expected: &[Expected], title_lines: usize, headings: bool) -> Vec<Expected> {
    let title: String = expected
        .iter()
        .take(title_lines)
        .filter_map(|e| match e {
            Expected::Paragraph(t, _) => Some(t.as_str()),
            Expected::Table(_) => None,
        })
        .collect();
    let mut out = vec![Expected::Paragraph(title, Some(1))];
    for e in expected.iter().skip(title_lines) {
        out.push(match e {
            Expected::Paragraph(t, Some(l)) if headings => {
                Expected::Paragraph(t.clone(), Some(l + 1))
            }
            Expected::Paragraph(t, _) => Expected::Paragraph(t.clone(), None),
            t => t.clone(),
        });
    }
    out
}

/// How many title paragraphs (style ReportTitle) open the report.
pub fn title_lines(docx: &[u8]) -> usize {
    let xml = read::document_xml(docx);
    let doc = roxmltree::Document::parse(&xml).expect("document.xml parses");
    let body = doc.root_element().first_element_child().expect("body");
    body.children()
        .filter(|c| c.has_tag_name((W, "p")))
        .take_while(|p| {
            p.descendants().any(|d| {
                d.has_tag_name((W, "pStyle")) && d.attribute((W, "val")) == Some("ReportTitle")
            })
        })
        .count()
}

/// The LibreOffice conversion of the busy sample's report, committed so that the PDF reader
/// is covered without LibreOffice. Regenerate with
/// `UPDATE_PDF_FIXTURE=1 cargo test pdf_converted -- --ignored` after the report changes.
pub fn pdf_fixture() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/示例区人民政府-2025.pdf")
}

/// Converts a .docx to PDF with LibreOffice (the kit's font substitutions when present).
pub fn soffice_pdf(dir: &Dir, docx: &Path) -> PathBuf {
    let soffice = client("soffice");
    let fonts = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/clients/fonts.conf");
    let mut cmd = std::process::Command::new(soffice);
    if fonts.exists() {
        cmd.env("FONTCONFIG_FILE", &fonts);
    }
    let status = cmd
        .arg(format!(
            "-env:UserInstallation=file://{}",
            dir.join("lo-profile").display()
        ))
        .args(["--headless", "--convert-to", "pdf", "--outdir"])
        .arg(dir.path())
        .arg(docx)
        .output()
        .expect("soffice runs");
    assert!(
        status.status.success(),
        "{}",
        String::from_utf8_lossy(&status.stderr)
    );
    docx.with_extension("pdf")
}

/// A report written by python-docx from `want` (the blocks of one of our reports) and `st`'s
/// figures: headings through `add_heading` (its own styles), tables in other built-in styles,
/// merges through python-docx's own merge (gridSpan + vMerge). `cell` may replace a figure's
/// text. Client tier.
pub fn python_docx(
    dir: &Dir,
    name: &str,
    want: &[Expected],
    st: &Statement,
    cell: &dyn Fn(report_gen::format::CellId) -> Option<String>,
) -> PathBuf {
    let python = client("python3");
    // The blocks as JSON: paragraphs with a heading level, tables as placed cells.
    let blocks: Vec<serde_json::Value> = want
        .iter()
        .map(|e| match e {
            Expected::Paragraph(t, h) => serde_json::json!({"p": t, "h": h}),
            Expected::Table(t) => {
                let layout = t.layout();
                let cells: Vec<serde_json::Value> = layout
                    .cells
                    .iter()
                    .map(|p| {
                        let text = match p.content {
                            Content::Data(id) => {
                                cell(id).unwrap_or_else(|| st.figures.get(id).to_string())
                            }
                            other => other.text().unwrap_or_default().to_string(),
                        };
                        serde_json::json!([p.row, p.col, p.rows, p.cols, text])
                    })
                    .collect();
                serde_json::json!({"rows": layout.rows, "cols": layout.cols, "cells": cells})
            }
        })
        .collect();
    let spec = dir.write(
        &format!("{name}.json"),
        serde_json::to_string(&blocks).expect("json").as_bytes(),
    );
    let script = r#"
import json, sys, docx
blocks = json.load(open(sys.argv[1], encoding="utf-8"))
d = docx.Document()
styles = ["Table Grid", "Light Grid Accent 1", "Medium Shading 1 Accent 2"]
n = 0
for b in blocks:
    if "p" in b:
        if b["h"]:
            d.add_heading(b["p"], level=b["h"])
        else:
            d.add_paragraph(b["p"])
        continue
    t = d.add_table(rows=b["rows"], cols=b["cols"])
    t.style = d.styles[styles[n % len(styles)]]
    n += 1
    for r, c, rows, cols, text in b["cells"]:
        cell = t.cell(r, c)
        if rows > 1 or cols > 1:
            cell = cell.merge(t.cell(r + rows - 1, c + cols - 1))
        cell.text = text
d.save(sys.argv[2])
"#;
    let out = dir.join(name);
    let run = std::process::Command::new(python)
        .args(["-c", script])
        .arg(&spec)
        .arg(&out)
        .output()
        .expect("python runs");
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    out
}

/// A sample read and checked, as the main command does.
pub fn checked(sample: &str) -> Checked {
    report::check(&samples::path(sample), None, Limits::default()).expect("sample reads")
}

/// The Word report of a statement, the blocks edited first.
pub fn docx_of(st: &Statement, edit: &dyn Fn(&mut Vec<Block>)) -> (Vec<u8>, Vec<Block>) {
    let mut blocks = report_gen::content::blocks(st, templates()).expect("blocks");
    edit(&mut blocks);
    let docx = report_gen::word::from_blocks(st, &blocks).expect("report");
    (docx, blocks)
}

/// The report of a statement in three published forms: report-gen's .docx and web page, and a
/// portal's GBK page around the same blocks (navigation, sidebar, footer; headings as bold
/// paragraphs).
pub fn forms(
    dir: &Dir,
    name: &str,
    st: &Statement,
    edit: &dyn Fn(&mut Vec<Block>),
) -> Vec<PathBuf> {
    let (docx, blocks) = docx_of(st, edit);
    let page = report_gen::html::page(st, &blocks);
    let want = expected(&docx);
    let portal = portal_page(&want, st, Some("gb2312"), title_lines(&docx), false);
    let (gbk, _, unmappable) = encoding_rs::GBK.encode(&portal);
    assert!(!unmappable);
    vec![
        dir.write(&format!("{name}.docx"), &docx),
        dir.write(&format!("{name}.html"), page.as_bytes()),
        dir.write(&format!("{name}-门户.htm"), &gbk),
    ]
}

/// A report typed by hand in Word: the title on one line, headings as plain paragraphs (no
/// heading style), sub-headings run into their text (“（一）主动公开。全年……”), the date in
/// Chinese numerals.
pub fn typed_by_hand(blocks: &mut Vec<Block>) {
    let mut out: Vec<Block> = Vec::new();
    let mut title = String::new();
    let mut pending: Option<String> = None;
    for b in blocks.drain(..) {
        match b {
            Block::Title(t) => title.push_str(&t),
            Block::Heading1(h) => out.push(Block::Body(h.to_string())),
            Block::Heading2(h) => pending = Some(h),
            Block::Body(t) => match pending.take() {
                Some(h) => out.push(Block::Body(format!("{h}。{t}"))),
                None => out.push(Block::Body(t)),
            },
            Block::Signature { agency, .. } => out.push(Block::Signature {
                agency,
                date: Some("二〇二六年三月二十日".into()),
            }),
            other => out.push(other),
        }
    }
    out.insert(0, Block::Title(title));
    *blocks = out;
}

/// A portal page whose article is one block of lines (`<br>`), as older site editors save it,
/// with the tables between: each line reads as a paragraph.
pub fn one_block_page(want: &[Expected], st: &Statement) -> String {
    let mut body = String::from("<div class=\"TRS_Editor\"><p>");
    for e in want {
        match e {
            Expected::Paragraph(t, _) => {
                body.push_str(&crate::util::published::escape(t));
                body.push_str("<br/>\n");
            }
            Expected::Table(t) => {
                body.push_str("</p>");
                body.push_str(&crate::util::published::html_table(*t, st, false));
                body.push_str("<p>");
            }
        }
    }
    body.push_str("</p></div>");
    format!(
        "<html><head><meta charset=\"utf-8\"><title>年报</title></head><body>\
         <div class=\"nav\"><a href=\"/\">首页</a> <a href=\"/zwgk\">政务公开</a></div>{body}\
         <div class=\"footer\">主办单位：示例区人民政府办公室</div></body></html>"
    )
}

/// The blocks without section `i`'s heading and, when `body`, its text.
pub fn without_section(blocks: &mut Vec<Block>, i: usize, body: bool) {
    let heading = SECTIONS[i].heading;
    let start = blocks
        .iter()
        .position(|b| *b == Block::Heading1(heading))
        .expect("heading");
    let end = if body {
        blocks
            .iter()
            .skip(start + 1)
            .position(|b| matches!(b, Block::Heading1(_) | Block::Signature { .. }))
            .map_or(blocks.len(), |k| start + 1 + k)
    } else {
        start + 1
    };
    blocks.drain(start..end);
}

/// The official grid of a table filled with a statement's figures, as the reader must give it.
pub fn official(table: Table, st: &Statement) -> Sheet {
    let layout = table.layout();
    let mut sheet = Sheet::default();
    for p in &layout.cells {
        let text = match p.content {
            Content::Data(id) => st.figures.get(id).to_string(),
            other => other.text().unwrap_or_default().to_string(),
        };
        sheet
            .cells
            .insert((p.row as u32, p.col as u32), Value::Text(text));
        if p.is_merged() {
            sheet.merges.push((
                (p.row as u32, p.col as u32),
                ((p.row + p.rows - 1) as u32, (p.col + p.cols - 1) as u32),
            ));
        }
    }
    sheet
}

/// Asserts that the document holds the expected blocks: paragraphs with their text and
/// heading level (when `headings`), tables equal to the official grids; numbering as a
/// reader counts.
pub fn assert_blocks(doc: &Document, expected: &[Expected], st: &Statement, headings: bool) {
    let got: Vec<Expected> = doc
        .blocks
        .iter()
        .map(|b| match b {
            document::Block::Paragraph(p) => {
                Expected::Paragraph(p.text.clone(), if headings { p.heading } else { None })
            }
            document::Block::Table(t) => {
                let table = Table::ALL[t.index - 1];
                let want = official(table, st);
                let mut merges = t.grid.merges.clone();
                merges.sort();
                let mut want_merges = want.merges.clone();
                want_merges.sort();
                for (at, value) in &want.cells {
                    assert_eq!(
                        t.grid.cells.get(at),
                        Some(value),
                        "{}: {} cell {at:?} in {:?}",
                        doc.source.display(),
                        table.name(),
                        doc.kind
                    );
                }
                assert_eq!(
                    t.grid.cells.len(),
                    want.cells.len(),
                    "{}: {} has extra cells: {:?}",
                    doc.source.display(),
                    table.name(),
                    t.grid
                        .cells
                        .iter()
                        .filter(|(k, _)| !want.cells.contains_key(k))
                        .collect::<Vec<_>>()
                );
                assert_eq!(merges, want_merges, "{}: merges", table.name());
                assert!(t.grid.stripped.is_empty());
                Expected::Table(table)
            }
        })
        .collect();
    let want: Vec<Expected> = expected
        .iter()
        .map(|e| match e {
            Expected::Paragraph(t, h) => {
                Expected::Paragraph(t.clone(), if headings { *h } else { None })
            }
            t => t.clone(),
        })
        .collect();
    // LibreOffice does not draw a “、” that would hang past the end of a justified line, so a
    // PDF's paragraphs are compared by their letters and digits in order.
    let pdf_key = |e: &Expected| match e {
        Expected::Paragraph(t, h) if doc.kind == Kind::Pdf => {
            Expected::Paragraph(report_gen::label::key(t), *h)
        }
        other => other.clone(),
    };
    for (i, (g, w)) in got.iter().zip(&want).enumerate() {
        assert_eq!(
            pdf_key(g),
            pdf_key(w),
            "{}: block {} ({:?}): {g:?}",
            doc.source.display(),
            i + 1,
            doc.kind
        );
    }
    assert_eq!(
        got.len(),
        want.len(),
        "{}: block count",
        doc.source.display()
    );
    let numbers: Vec<usize> = doc.paragraphs().map(|p| p.index).collect();
    assert_eq!(numbers, (1..=numbers.len()).collect::<Vec<_>>());
    let tables: Vec<usize> = doc.tables().map(|t| t.index).collect();
    assert_eq!(tables, vec![1, 2, 3]);
}

/// A one-page PDF whose page shows only an image (a scan).
pub fn scanned_pdf() -> Vec<u8> {
    use lopdf::{dictionary, Stream};
    let mut doc = lopdf::Document::with_version("1.5");
    let image = Stream::new(
        dictionary! {
            "Type" => "XObject", "Subtype" => "Image", "Width" => 2, "Height" => 2,
            "ColorSpace" => "DeviceGray", "BitsPerComponent" => 8,
        },
        vec![0, 255, 255, 0],
    );
    let image_id = doc.add_object(image);
    one_page(
        doc,
        b"q 500 0 0 700 40 60 cm /Im0 Do Q",
        dictionary! { "XObject" => dictionary! { "Im0" => image_id } },
    )
}

/// Finishes a one-page A4 PDF: the page with its content and resources, the page tree, the
/// catalogue; returns the file's bytes.
pub fn one_page(mut doc: lopdf::Document, content: &[u8], resources: lopdf::Dictionary) -> Vec<u8> {
    use lopdf::{dictionary, Object, Stream};
    let pages_id = doc.new_object_id();
    let content_id = doc.add_object(Stream::new(dictionary! {}, content.to_vec()));
    let page_id = doc.add_object(dictionary! {
        "Type" => "Page", "Parent" => pages_id, "Contents" => content_id,
        "Resources" => resources,
        "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
    });
    doc.objects.insert(
        pages_id,
        Object::Dictionary(dictionary! {
            "Type" => "Pages", "Kids" => vec![page_id.into()], "Count" => 1,
        }),
    );
    let catalog_id = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
    doc.trailer.set("Root", catalog_id);
    let mut bytes = Vec::new();
    doc.save_to(&mut bytes).expect("pdf written");
    bytes
}

/// A PDF as Word writes Chinese: a Type0 font with Identity-H codes, CID widths (W) and a
/// ToUnicode CMap; a line of text shown with TJ kerning, and a 2 × 2 ruled table whose
/// borders are thin filled rectangles.
pub fn cid_font_pdf() -> Vec<u8> {
    use lopdf::{dictionary, Object, Stream};
    let mut doc = lopdf::Document::with_version("1.7");
    let cmap = "/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n\
        /CMapName /Adobe-Identity-UCS def /CMapType 2 def\n\
        1 begincodespacerange <0000> <FFFF> endcodespacerange\n\
        2 beginbfchar <0001> <672C> <0002> <5E74> endbfchar\n\
        1 beginbfrange <0003> <0004> [<65B0> <6536>] endbfrange\n\
        1 beginbfrange <0010> <0019> <0030> endbfrange\n\
        endcmap CMapName currentdict /CMap defineresource pop end end";
    let to_unicode = doc.add_object(Stream::new(dictionary! {}, cmap.as_bytes().to_vec()));
    let cid_font = doc.add_object(dictionary! {
        "Type" => "Font", "Subtype" => "CIDFontType2", "BaseFont" => "SimSun",
        "CIDSystemInfo" => dictionary! { "Registry" => Object::string_literal("Adobe"),
            "Ordering" => Object::string_literal("Identity"), "Supplement" => 0 },
        "DW" => 1000,
        "W" => vec![16.into(), 25.into(), 500.into()],
    });
    let font = doc.add_object(dictionary! {
        "Type" => "Font", "Subtype" => "Type0", "BaseFont" => "SimSun",
        "Encoding" => "Identity-H", "DescendantFonts" => vec![cid_font.into()],
        "ToUnicode" => to_unicode,
    });
    // Text: “本年新收 2025” (codes 1–4, then digits 0x12 0x10 0x12 0x15); the table: cells
    // 本年 | 12 over 新收 | 3, ruled by 0.5 pt filled rectangles.
    let content = "BT /F1 16 Tf 1 0 0 1 72 700 Tm [<00010002> -50 <00030004>] TJ \
        80 0 Td <0012001000120015> Tj ET\n\
        0 g 72 599.75 200 0.5 re f 72 569.75 200 0.5 re f 72 539.75 200 0.5 re f\n\
        71.75 540 0.5 60 re f 171.75 540 0.5 60 re f 271.75 540 0.5 60 re f\n\
        BT /F1 12 Tf 80 580 Td <00010002> Tj 100 0 Td <00110012> Tj ET\n\
        BT /F1 12 Tf 80 550 Td <00030004> Tj 100 0 Td <0013> Tj ET";
    one_page(
        doc,
        content.as_bytes(),
        dictionary! { "Font" => dictionary! { "F1" => font } },
    )
}

/// Our report with `word/document.xml` replaced (re-zipped with correct checksums, so the
/// damage reaches the XML reader).
pub fn with_document_xml(docx: &[u8], xml: &[u8]) -> Vec<u8> {
    rewrite_parts(docx, |name, data| {
        if name == "word/document.xml" {
            xml.to_vec()
        } else {
            data
        }
    })
}

/// Damage: overwrite `len` bytes at `at` (fractions of the length) with `byte`, or cut there.
pub fn damage(bytes: &[u8], at: f64, len: usize, byte: u8, cut: bool) -> Vec<u8> {
    let mut v = bytes.to_vec();
    let start = ((v.len() as f64) * at) as usize;
    if cut {
        v.truncate(start);
    } else {
        for b in v.iter_mut().skip(start).take(len) {
            *b = byte;
        }
    }
    v
}

/// The valid inputs damaged by the property test: docx, its document.xml, a page, a PDF.
pub type Inputs = (Vec<u8>, Vec<u8>, Vec<u8>, Vec<u8>);

/// The valid inputs the corruption property test damages (built once).
pub fn damage_inputs() -> &'static Inputs {
    static INPUTS: std::sync::OnceLock<Inputs> = std::sync::OnceLock::new();
    INPUTS.get_or_init(|| {
        let (st, docx) = report(samples::SEED);
        let xml = part(&docx, "word/document.xml").into_bytes();
        let want = expected(&docx);
        let html = portal_page(&want, &st, Some("utf-8"), 1, true).into_bytes();
        let pdf = std::fs::read(pdf_fixture()).expect("fixture");
        (docx, xml, html, pdf)
    })
}

/// Builds the report of a sample through the command line; returns its bytes.
pub fn cli_report(dir: &Dir, sample: &str, name: &str) -> Vec<u8> {
    let path = samples::path(sample);
    let (code, out, err) = run(dir.cmd().arg(&path).arg("-o").arg(name));
    assert_eq!(code, 0, "{out}{err}");
    std::fs::read(dir.join(name)).expect("report written")
}

/// The text python-docx should read at each grid position of `table`: a merged cell's text
/// at every position it covers.
pub fn expected_grid(table: Table, st: &Statement) -> Vec<Vec<String>> {
    let layout = table.layout();
    (0..layout.rows)
        .map(|r| {
            (0..layout.cols)
                .map(|c| match layout.covering(r, c).expect("covered").content {
                    Content::Data(id) => st.figures.get(id).to_string(),
                    other => other.text().unwrap_or_default().to_string(),
                })
                .collect()
        })
        .collect()
}

/// The merges of `table`'s layout as (row, col, rowspan, colspan).
pub fn expected_merges(table: Table) -> Vec<(u64, u64, u64, u64)> {
    let mut want: Vec<(u64, u64, u64, u64)> = table
        .layout()
        .cells
        .iter()
        .filter(|p| p.is_merged())
        .map(|p| (p.row as u64, p.col as u64, p.rows as u64, p.cols as u64))
        .collect();
    want.sort();
    want
}

/// Runs the main command on a workbook with `args`; returns (docx bytes, page, fragment).
pub fn publish(dir: &Dir, workbook: &Path, args: &[&str]) -> (Vec<u8>, String, String) {
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

/// The built-in templates, loaded once.
pub fn templates() -> &'static Templates {
    static T: std::sync::OnceLock<Templates> = std::sync::OnceLock::new();
    T.get_or_init(|| Templates::builtin().expect("built-in templates"))
}
