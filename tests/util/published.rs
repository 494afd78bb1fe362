//! Published reports built for the tests of `document` and `audit`: report-gen's own report,
//! the blocks it holds (read independently from its XML), portal pages around them (UTF-8 and
//! GBK, navigation, a sidebar and a footer), python-docx reports with other table styles and
//! LibreOffice's PDF conversions.

use super::clients::client;
use super::read::{self, W};
use super::samples;
use super::Dir;
use report_gen::layout::{Content, Table};
use report_gen::statement::Statement;
use report_gen::workbook::Limits;
use roxmltree::Node;
use std::path::{Path, PathBuf};

/// A sample's statement and its Word report, as report-gen writes them.
pub fn report(sample: &str) -> (Statement, Vec<u8>) {
    let checked = report_gen::report::check(&samples::path(sample), None, Limits::default())
        .expect("sample reads");
    let templates = report_gen::narrative::Templates::builtin().expect("templates");
    let docs = report_gen::report::build(&checked, &templates, false).expect("report built");
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
