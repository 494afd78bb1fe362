//! The report as a web page for the agency's portal (政府信息公开年报 column): one self-contained
//! UTF-8 page, and the article alone as a fragment to paste into a portal editor's source view.
//!
//! The text is the Word report's ([`crate::content`]); the tables are the official grids of
//! [`crate::layout`] with `rowspan`/`colspan`, `<th scope>` headers, and borders given twice,
//! as `border="1"` and as inline styles, because portal editors drop `<style>` blocks and a
//! pasted table without borders is a common fault on portals. Every style is inline for the
//! same reason. No scripts and no external resources: the page's Content-Security-Policy
//! allows nothing but its inline styles. Typography comes from [`crate::typography`].

use crate::content::{self, Align, Block};
use crate::layout::{Content, Layout};
use crate::statement::Statement;
use crate::typography::{
    self as ty, Font, BODY, FIRST_LINE_CHARS, HEADING1, HEADING2, LINE_PITCH_PT, TABLE, TITLE,
};
use std::fmt::Write;
use std::path::{Path, PathBuf};

/// Widest the article grows, in CSS pixels: a portal's content column.
pub const MAX_WIDTH_PX: u32 = 1000;

/// The page next to a report: `<report stem>.html`.
pub fn page_path(report: &Path) -> PathBuf {
    report.with_extension("html")
}

/// The fragment next to a report: `<report stem>-片段.html`.
pub fn fragment_path(report: &Path) -> PathBuf {
    let stem = report
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    report.with_file_name(format!("{stem}-片段.html"))
}

/// The whole page: `<!DOCTYPE html>`, UTF-8, a viewport for phones, the article.
pub fn page(st: &Statement, blocks: &[Block]) -> String {
    let title: String = blocks
        .iter()
        .filter_map(|b| match b {
            Block::Title(t) => Some(t.as_str()),
            _ => None,
        })
        .collect();
    let mut out = String::with_capacity(64 * 1024);
    out.push_str("<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n");
    out.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    // Nothing loads or runs: only the inline styles are allowed.
    out.push_str(
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n",
    );
    let _ = writeln!(out, "<title>{}</title>", escape(&title));
    out.push_str("</head>\n<body style=\"margin:0;padding:16px 12px;background:#fff\">\n");
    article(&mut out, st, blocks);
    out.push_str("</body>\n</html>\n");
    out
}

/// The article alone, to paste into a portal editor's source view. It starts with a UTF-8 byte
/// order mark, so that a browser or editor opening the file on its own reads it as UTF-8.
pub fn fragment(st: &Statement, blocks: &[Block]) -> String {
    let mut out = String::from('\u{feff}');
    article(&mut out, st, blocks);
    out
}

/// The inline style of text in `font`, sizes in points as in the Word report.
fn font_style(f: &Font) -> String {
    format!(
        "font-family:{};font-size:{}pt;font-weight:{};color:#000",
        ty::css_family(f),
        f.size,
        if f.bold { "bold" } else { "normal" }
    )
}

/// Line pitch and first-line indent of body text and headings.
fn text_style(f: &Font) -> String {
    format!(
        "{};line-height:{LINE_PITCH_PT}pt;margin:0;text-indent:{FIRST_LINE_CHARS}em;text-align:justify",
        font_style(f)
    )
}

fn article(out: &mut String, st: &Statement, blocks: &[Block]) {
    let _ = writeln!(
        out,
        "<article style=\"max-width:{MAX_WIDTH_PX}px;margin:0 auto;background:#fff\">"
    );
    let body = text_style(&BODY);
    let mut i = 0;
    while let Some(block) = blocks.get(i) {
        i += 1;
        match block {
            Block::Title(first) => {
                let mut lines = vec![first.as_str()];
                while let Some(Block::Title(t)) = blocks.get(i) {
                    lines.push(t);
                    i += 1;
                }
                let lines: Vec<String> = lines.iter().map(|l| escape(l)).collect();
                // One blank line of body text below the title, as in the Word report.
                let _ = writeln!(
                    out,
                    "<h1 style=\"{};line-height:1.6;margin:0 0 {LINE_PITCH_PT}pt;text-align:center\">{}</h1>",
                    font_style(&TITLE),
                    lines.join("<br>")
                );
            }
            Block::Heading1(t) => {
                let _ = writeln!(
                    out,
                    "<h2 style=\"{}\">{}</h2>",
                    text_style(&HEADING1),
                    escape(t)
                );
            }
            Block::Heading2(t) => {
                let _ = writeln!(
                    out,
                    "<h3 style=\"{}\">{}</h3>",
                    text_style(&HEADING2),
                    escape(t)
                );
            }
            Block::Body(t) | Block::Lead(t) => {
                let _ = writeln!(out, "<p style=\"{body}\">{}</p>", escape(t));
            }
            Block::Table(t) => table(out, &t.layout(), st),
            Block::Signature { agency, date } => {
                let (agency_right, date_right) =
                    content::signature_indents(agency, date.as_deref());
                let line = |out: &mut String, text: &str, right: f64| {
                    let _ = writeln!(
                        out,
                        "<p style=\"{};line-height:{LINE_PITCH_PT}pt;margin:0;text-align:right;padding-right:{right}em\">{}</p>",
                        font_style(&BODY),
                        escape(text)
                    );
                };
                // The blank line above the signature.
                let _ = writeln!(out, "<p style=\"{body}\">&nbsp;</p>");
                line(out, agency, agency_right);
                if let Some(d) = date {
                    line(out, d, date_right);
                }
            }
        }
    }
    out.push_str("</article>\n");
}

/// The style every cell shares: a visible border, centred vertically.
const CELL: &str = "border:1px solid #000;padding:2px 3px;vertical-align:middle";

/// One official table: its grid with rowspan/colspan, column widths in percent (so it fits a
/// 1,000-pixel column and a phone alike), header rows in `<thead>`, each block of table 二 in
/// its own `<tbody>`.
fn table(out: &mut String, layout: &Layout, st: &Statement) {
    let total: f64 = layout.widths.iter().sum();
    // Wide tables scroll inside their box on a narrow screen instead of widening the page.
    out.push_str("<div style=\"overflow-x:auto;margin:0 0 ");
    let _ = write!(out, "{LINE_PITCH_PT}pt\">\n<table border=\"1\" cellspacing=\"0\" cellpadding=\"3\" width=\"100%\" style=\"width:100%;border-collapse:collapse;border:1px solid #000;{};line-height:1.4\">\n<colgroup>", font_style(&TABLE));
    // Tenths of a percent, the rest to the last column: they add up to exactly 100%.
    let mut tenths: Vec<u32> = layout
        .widths
        .iter()
        .map(|w| (w / total * 1000.0).floor() as u32)
        .collect();
    let used: u32 = tenths.iter().sum();
    if let Some(last) = tenths.last_mut() {
        *last += 1000u32.saturating_sub(used);
    }
    for t in tenths {
        let pct = format!("{}.{}%", t / 10, t % 10);
        let _ = write!(out, "<col width=\"{pct}\" style=\"width:{pct}\">");
    }
    out.push_str("</colgroup>\n");
    let mut group = "";
    for r in 0..layout.rows {
        let block_title = layout
            .row_cells(r)
            .any(|p| matches!(p.content, Content::BlockTitle(_)));
        let wanted = if r < layout.header_rows {
            "thead"
        } else {
            "tbody"
        };
        if wanted != group || block_title {
            if !group.is_empty() {
                let _ = writeln!(out, "</{group}>");
            }
            let _ = writeln!(out, "<{wanted}>");
            group = wanted;
        }
        out.push_str("<tr>");
        for p in layout.row_cells(r) {
            let (text, align) = content::cell(p, st);
            let (tag, scope) = match p.content {
                Content::Data(_) => ("td", None),
                Content::Label(_) => ("th", Some("row")),
                Content::BlockTitle(_) => ("th", Some("rowgroup")),
                Content::Header(_) => ("th", Some("col")),
            };
            let _ = write!(out, "<{tag}");
            if let Some(s) = scope {
                let _ = write!(out, " scope=\"{s}\"");
            }
            if p.rows > 1 {
                let _ = write!(out, " rowspan=\"{}\"", p.rows);
            }
            if p.cols > 1 {
                let _ = write!(out, " colspan=\"{}\"", p.cols);
            }
            let align = match align {
                Align::Left => "left",
                Align::Center => "center",
            };
            let _ = write!(
                out,
                " style=\"{CELL};text-align:{align};font-weight:normal\">{}</{tag}>",
                escape(&text)
            );
        }
        out.push_str("</tr>\n");
    }
    if !group.is_empty() {
        let _ = writeln!(out, "</{group}>");
    }
    out.push_str("</table>\n</div>\n");
}

/// Text as HTML text or attribute value: markup characters escaped, characters XML forbids
/// removed, so an agency name or a narrative holding markup stays text.
pub fn escape(s: &str) -> String {
    let s = crate::charset::xml_safe(s);
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_stays_text() {
        assert_eq!(
            escape("<script>alert('x')</script> & \"y\""),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;y&quot;"
        );
        assert_eq!(escape("a\u{1}b"), "ab");
    }

    #[test]
    fn outputs_sit_next_to_the_report() {
        let r = Path::new("out/r.docx");
        assert_eq!(page_path(r), Path::new("out/r.html"));
        assert_eq!(fragment_path(r), Path::new("out/r-片段.html"));
    }
}
