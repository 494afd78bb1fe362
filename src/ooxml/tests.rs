//! Tests for `finish` on real docx-rs documents: the output is read back with roxmltree and
//! checked against the order tables (`order_violations` below), the streaming pass alone on
//! small parts.

use super::*;
use docx_rs::*;
use roxmltree::{Document, Node};
use std::collections::{HashMap, HashSet};

// ---------------------------------------------------------------------------------------
// Fixtures

fn body_fonts() -> RunFonts {
    RunFonts::new()
        .ascii("Times New Roman")
        .hi_ansi("Times New Roman")
        .east_asia("仿宋_GB2312")
        .cs("Times New Roman")
}

fn heading_fonts() -> RunFonts {
    RunFonts::new()
        .ascii("Times New Roman")
        .hi_ansi("Times New Roman")
        .east_asia("黑体")
        .cs("Times New Roman")
}

fn exact_28pt() -> LineSpacing {
    LineSpacing::new()
        .line_rule(LineSpacingType::Exact)
        .line(560)
}

fn cell(text: &str, width: usize) -> TableCell {
    let border = |p| {
        TableCellBorder::new(p)
            .border_type(BorderType::Single)
            .size(4)
            .color("000000")
    };
    TableCell::new()
        .add_paragraph(
            Paragraph::new()
                .align(AlignmentType::Center)
                .add_run(Run::new().add_text(text).fonts(body_fonts()).size(24)),
        )
        .width(width, WidthType::Dxa)
        .vertical_align(VAlignType::Center)
        .set_border(border(TableCellBorderPosition::Top))
        .set_border(border(TableCellBorderPosition::Bottom))
}

/// Three rows: a two-row header (vMerge + gridSpan) and one data row.
fn statistics_table() -> Table {
    Table::new(vec![
        TableRow::new(vec![
            cell("项目", 2000)
                .vertical_merge(VMergeType::Restart)
                .shading(Shading::new().fill("D9D9D9")),
            cell("本年", 4000).grid_span(2),
        ])
        .cant_split(),
        TableRow::new(vec![
            cell("", 2000).vertical_merge(VMergeType::Continue),
            cell("新增", 2000),
            cell("累计", 2000),
        ])
        .cant_split(),
        TableRow::new(vec![
            cell("主动公开", 2000),
            cell("12", 2000),
            cell("1,234", 2000),
        ])
        .cant_split(),
    ])
    .set_grid(vec![2000, 2000, 2000])
    .width(6000, WidthType::Dxa)
    .layout(TableLayoutType::Fixed)
    .align(TableAlignmentType::Center)
    .margins(TableCellMargins::new().margin(0, 108, 0, 108))
    .set_borders(TableBorders::new())
}

/// A footer like GB/T 9704's: `— PAGE —`, built from field characters.
fn page_footer(align: AlignmentType) -> Footer {
    Footer::new().add_paragraph(
        Paragraph::new()
            .align(align)
            .add_run(Run::new().add_text("— ").fonts(body_fonts()).size(28))
            .add_run(
                Run::new()
                    .fonts(body_fonts())
                    .size(28)
                    .add_field_char(FieldCharType::Begin, false)
                    .add_instr_text(InstrText::PAGE(InstrPAGE::new()))
                    .add_field_char(FieldCharType::Separate, false)
                    .add_text("1")
                    .add_field_char(FieldCharType::End, false),
            )
            .add_run(Run::new().add_text(" —").fonts(body_fonts()).size(28)),
    )
}

/// Everything the report uses, packed by docx-rs: two body tables of 3 rows each.
pub(super) fn sample_docx() -> Docx {
    let heading = Style::new("Heading1", StyleType::Paragraph)
        .name("heading 1")
        .based_on("Normal")
        .next("Normal")
        .outline_lvl(0)
        .fonts(heading_fonts())
        .size(32)
        .bold()
        .line_spacing(exact_28pt())
        .q_format(true);
    let body_style = Style::new("BodyText", StyleType::Paragraph)
        .name("Body Text")
        .based_on("Normal")
        .fonts(body_fonts())
        .size(32)
        .indent(None, Some(SpecialIndentType::FirstLine(640)), None, None)
        .line_spacing(exact_28pt());
    let mut docx = Docx::new()
        .page_size(11906, 16838)
        .page_margin(
            PageMargin::new()
                .top(2098)
                .bottom(1984)
                .left(1588)
                .right(1474)
                .header(851)
                .footer(992),
        )
        .default_fonts(body_fonts())
        .default_size(32)
        .add_style(heading)
        .add_style(body_style)
        .header(Header::new().add_paragraph(Paragraph::new()))
        .footer(page_footer(AlignmentType::Right))
        .even_footer(
            Footer::new().add_paragraph(
                Paragraph::new()
                    .align(AlignmentType::Left)
                    .add_page_num(PageNum::new()),
            ),
        )
        .add_paragraph(
            Paragraph::new()
                .align(AlignmentType::Center)
                .line_spacing(exact_28pt())
                .add_run(
                    Run::new()
                        .add_text("某某局2025年政府信息公开工作年度报告")
                        .fonts(
                            RunFonts::new()
                                .east_asia("方正小标宋简体")
                                .ascii("Times New Roman")
                                .hi_ansi("Times New Roman")
                                .cs("Times New Roman"),
                        )
                        .size(44),
                ),
        )
        .add_paragraph(
            Paragraph::new()
                .style("Heading1")
                .keep_next(true)
                .keep_lines(true)
                .add_run(
                    Run::new()
                        .add_text("一、总体情况")
                        .fonts(heading_fonts())
                        .size(32),
                ),
        )
        .add_paragraph(
            Paragraph::new()
                .style("BodyText")
                .indent(None, Some(SpecialIndentType::FirstLine(640)), None, None)
                .line_spacing(exact_28pt())
                .widow_control(true)
                .add_run(
                    Run::new()
                        .add_text("  本年度共主动公开政府信息 12 条 & <更多>。 ")
                        .fonts(body_fonts())
                        .size(32)
                        .bold()
                        .italic()
                        .color("000000")
                        .underline("single")
                        .character_spacing(10),
                ),
        )
        .add_table(statistics_table())
        .add_paragraph(Paragraph::new().add_run(Run::new().add_text("表后").fonts(body_fonts())))
        .add_table(statistics_table());
    docx.document = docx.document.doc_grid(
        DocGrid::new()
            .grid_type(DocGridType::LinesAndChars)
            .line_pitch(579)
            .char_space(0),
    );
    docx
}

fn pack(docx: Docx) -> Vec<u8> {
    let mut out = Cursor::new(Vec::new());
    docx.build().pack(&mut out).expect("docx-rs packs");
    out.into_inner()
}

pub(super) fn sample_package() -> Vec<u8> {
    pack(sample_docx())
}

fn sample_extras() -> Extras {
    Extras {
        fonts: [
            ("仿宋_GB2312", Some("仿宋"), true),
            ("黑体", Some("SimHei"), true),
            ("方正小标宋简体", None, true),
            ("Times New Roman", None, false),
        ]
        .map(|(name, alt, east_asian)| FontDecl {
            name: name.into(),
            alt_name: alt.map(Into::into),
            east_asian,
        })
        .into(),
        header_rows: vec![2, 1],
        first_line_chars: vec![(640, 200)],
        languages: Some(("en-US".into(), "zh-CN".into())),
    }
}

fn finished_sample() -> Vec<u8> {
    finish(&sample_package(), &sample_extras()).expect("finish")
}

const W: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";

/// The XML parts of a package, as text.
fn xml_parts(package: &[u8]) -> BTreeMap<String, String> {
    let parts = read_parts(package).expect("zip");
    let xml = parts.into_iter().filter(|(name, _)| is_xml(name));
    xml.map(|(name, bytes)| (name, String::from_utf8(bytes).expect("UTF-8")))
        .collect()
}

fn part(package: &[u8], name: &str) -> String {
    xml_parts(package).remove(name).expect(name)
}

fn elements<'a, 'i>(node: Node<'a, 'i>, local: &str) -> Vec<Node<'a, 'i>> {
    node.descendants()
        .filter(|n| n.has_tag_name((W, local)))
        .collect()
}

fn children<'a, 'i>(node: Node<'a, 'i>) -> impl Iterator<Item = Node<'a, 'i>> {
    node.children().filter(Node::is_element)
}

/// `w:pPr`, `w14:paraId`: the name the order tables use.
fn key(node: Node<'_, '_>) -> String {
    const PREFIXES: [(&str, &str); 5] = [
        ("w", W),
        (
            "w14",
            "http://schemas.microsoft.com/office/word/2010/wordml",
        ),
        (
            "w15",
            "http://schemas.microsoft.com/office/word/2012/wordml",
        ),
        (
            "m",
            "http://schemas.openxmlformats.org/officeDocument/2006/math",
        ),
        (
            "sl",
            "http://schemas.openxmlformats.org/schemaLibrary/2006/main",
        ),
    ];
    let tag = node.tag_name();
    match PREFIXES.iter().find(|(_, ns)| tag.namespace() == Some(*ns)) {
        Some((prefix, _)) => format!("{prefix}:{}", tag.name()),
        None => tag.name().to_string(),
    }
}

/// The order tables: parent → (rank by child, rank of the children not named).
fn order_tables() -> HashMap<&'static str, (HashMap<&'static str, usize>, Option<usize>)> {
    let mut tables = HashMap::new();
    for entry in order_table::SEQUENCES {
        let mut items = entry.split_whitespace();
        let parent = items.next().expect("parent");
        let (mut ranks, mut rest) = (HashMap::new(), None);
        for (rank, item) in items.enumerate() {
            if item == "*" {
                rest = Some(rank);
            }
            for name in item.split('|') {
                ranks.entry(name).or_insert(rank);
            }
        }
        tables.insert(parent, (ranks, rest));
    }
    tables
}

/// Every place where a package breaks the order tables: children out of order, unknown
/// children of property elements, `rPr` inside a `pPr` that is not a paragraph's, `w:type`
/// on `w:gridCol`. Read with roxmltree and the tables parsed here, independently of the pass
/// and of [`order_violations`], its check mode.
fn table_violations(package: &[u8]) -> Vec<String> {
    let tables = order_tables();
    let mut out = Vec::new();
    for (name, text) in xml_parts(package) {
        let doc = Document::parse(&text).expect("well-formed");
        for node in doc.descendants().filter(Node::is_element) {
            let parent = key(node);
            let here = format!("{name} <{parent}>");
            if let Some((ranks, rest)) = tables.get(parent.as_str()) {
                let mut top: Option<(usize, String)> = None;
                for child in children(node).map(key) {
                    match ranks.get(child.as_str()).copied().or(*rest) {
                        None => out.push(format!("{here}: unknown child <{child}>")),
                        Some(rank) => match &top {
                            Some((high, high_key)) if rank < *high => {
                                out.push(format!("{here}: <{child}> after <{high_key}>"));
                            }
                            _ => top = Some((rank, child)),
                        },
                    }
                }
            }
            if parent == "w:gridCol" && node.attribute((W, "type")).is_some() {
                out.push(format!("{here}: w:type attribute on w:gridCol"));
            }
            let outer = node.parent().filter(Node::is_element).map(key);
            if parent == "w:pPr" && outer.as_deref() != Some("w:p") {
                for child in children(node)
                    .map(key)
                    .filter(|c| c == "w:rPr" || c == "w:sectPr")
                {
                    let outer = outer.as_deref().unwrap_or_default();
                    out.push(format!(
                        "{here}: <{child}> not allowed in the pPr of <{outer}>"
                    ));
                }
            }
        }
    }
    out
}

fn body_tables<'a, 'i>(doc: &'a Document<'i>) -> Vec<Node<'a, 'i>> {
    let body = elements(doc.root(), "body")[0];
    children(body)
        .filter(|n| n.has_tag_name((W, "tbl")))
        .collect()
}

// ---------------------------------------------------------------------------------------
// finish on docx-rs output

#[test]
fn docx_rs_output_breaks_the_order_and_finish_repairs_it() {
    let before = table_violations(&sample_package());
    for expected in [
        "<w:jc> after <w:rPr>",
        "<w:rFonts> after <w:szCs>",
        "<w:footerReference> after <w:",
        "<w:pPr> after <w:rPr>",
        "<w:zoom> after <w:defaultTabStop>",
        "w:type attribute on w:gridCol",
        "<w:rPr> not allowed in the pPr of <w:style>",
        "<w:rPr> not allowed in the pPr of <w:lvl>",
    ] {
        assert!(
            before.iter().any(|v| v.contains(expected)),
            "expected a violation {expected:?} in {before:#?}"
        );
    }
    let after = table_violations(&finished_sample());
    assert!(after.is_empty(), "{after:#?}");
}

/// The library's check (the pass in check mode) finds what the independent one finds.
#[test]
fn order_violations_agree_with_the_independent_check() {
    let ours = order_violations(&sample_package());
    for expected in [
        r#"word/document.xml <w:pPr>: children ["w:rPr", "w:pStyle""#,
        r#"word/settings.xml <w:settings>: children ["w:defaultTabStop", "w:zoom""#,
        "word/document.xml: w:type on <w:gridCol>",
        "word/styles.xml: <w:rPr> not allowed in the pPr of <w:style>",
        "word/numbering.xml: <w:rPr> not allowed in the pPr of <w:lvl>",
    ] {
        assert!(
            ours.iter().any(|v| v.starts_with(expected)),
            "{expected:?} in {ours:#?}"
        );
    }
    // The same parents (by part and name) with children out of order or unknown.
    let parents = |list: Vec<String>, marks: &[&str]| -> BTreeSet<String> {
        let found = list
            .into_iter()
            .filter(|v| marks.iter().any(|m| v.contains(m)));
        found
            .filter_map(|v| Some(v.split_once(": ")?.0.to_string()))
            .collect()
    };
    assert_eq!(
        parents(ours, &["children ["]),
        parents(
            table_violations(&sample_package()),
            &[" after <", "unknown child"]
        )
    );
    assert_eq!(order_violations(&finished_sample()), Vec::<String>::new());
    let numbered = finish(&pack(numbered_docx()), &Extras::default()).expect("finish");
    assert_eq!(order_violations(&numbered), Vec::<String>::new());
}

#[test]
fn both_samples_reports_follow_the_order_tables() {
    let templates = crate::narrative::Templates::builtin().expect("templates");
    for sample in ["伊美区教育局-2025.xlsx", "示例区人民政府-2025.xlsx"] {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("samples")
            .join(sample);
        let st = crate::reader::read(&path, Default::default()).expect("sample reads");
        let docx = crate::word::document(&st, &templates).expect("report");
        assert_eq!(table_violations(&docx), Vec::<String>::new(), "{sample}");
    }
}

/// The `(w:val, w:eastAsia)` of the `w:lang` in the style defaults and of the
/// `w:themeFontLang` in the settings (`None` where absent); no other `w:lang` is written.
fn languages(package: &[u8]) -> [Option<(String, String)>; 2] {
    let styles = part(package, "word/styles.xml");
    let settings = part(package, "word/settings.xml");
    let (styles, settings) = (
        Document::parse(&styles).expect("styles"),
        Document::parse(&settings).expect("settings"),
    );
    assert!(elements(styles.root(), "lang").len() <= 1);
    let defaults = elements(styles.root(), "rPrDefault");
    let lang = defaults.iter().flat_map(|d| elements(*d, "lang")).next();
    let theme = elements(settings.root(), "themeFontLang").first().copied();
    let pair = |e: Node<'_, '_>| {
        let attr = |name| e.attribute((W, name)).unwrap_or_default().to_string();
        (attr("val"), attr("eastAsia"))
    };
    [lang.map(pair), theme.map(pair)]
}

#[test]
fn languages_go_in_the_style_defaults_and_the_settings() {
    let expected = Some(("en-US".to_string(), "zh-CN".to_string()));
    assert_eq!(languages(&finished_sample()), [expected.clone(), expected]);
    // In schema order: `docx_rs_output_breaks_the_order_and_finish_repairs_it` checks them.
    let plain = finish(&sample_package(), &Extras::default()).expect("finish");
    assert_eq!(languages(&plain), [None, None]);
}

#[test]
fn reports_state_that_they_are_simplified_chinese() {
    let templates = crate::narrative::Templates::builtin().expect("templates");
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/伊美区教育局-2025.xlsx");
    let st = crate::reader::read(&path, Default::default()).expect("sample reads");
    let docx = crate::word::document(&st, &templates).expect("report");
    let expected = Some(("en-US".to_string(), "zh-CN".to_string()));
    assert_eq!(languages(&docx), [expected.clone(), expected]);
}

#[test]
fn empty_document_is_valid_after_finish() {
    let out = finish(&pack(Docx::new()), &Extras::default()).expect("finish");
    assert_eq!(table_violations(&out), Vec::<String>::new());
}

#[test]
fn header_rows_are_marked_on_the_requested_rows_only() {
    let xml = part(&finished_sample(), "word/document.xml");
    let doc = Document::parse(&xml).expect("parse");
    let tables = body_tables(&doc);
    assert_eq!(tables.len(), 2);
    let marked = |table: Node<'_, '_>| -> Vec<bool> {
        let rows = children(table).filter(|n| n.has_tag_name((W, "tr")));
        rows.map(|tr| !elements(tr, "tblHeader").is_empty())
            .collect()
    };
    assert_eq!(marked(tables[0]), [true, true, false]);
    assert_eq!(marked(tables[1]), [true, false, false]);
    // cantSplit stays, tblHeader follows it as Word writes them.
    let tr_pr = elements(tables[0], "trPr")[0];
    let keys: Vec<String> = children(tr_pr).map(key).collect();
    assert_eq!(keys, ["w:cantSplit", "w:tblHeader"]);
}

#[test]
fn header_rows_create_tr_pr_when_absent() {
    let docx = Docx::new().add_table(Table::new(vec![
        TableRow::new(vec![TableCell::new().add_paragraph(Paragraph::new())]),
        TableRow::new(vec![TableCell::new().add_paragraph(Paragraph::new())]),
    ]));
    let extras = Extras {
        header_rows: vec![1],
        ..Extras::default()
    };
    let out = finish(&pack(docx), &extras).expect("finish");
    let xml = part(&out, "word/document.xml");
    let doc = Document::parse(&xml).expect("parse");
    let rows = elements(body_tables(&doc)[0], "tr");
    let first = children(rows[0]).next().expect("child");
    assert_eq!(key(first), "w:trPr");
    assert_eq!(elements(first, "tblHeader").len(), 1);
    assert!(elements(rows[1], "tblHeader").is_empty());
    assert_eq!(table_violations(&out), Vec::<String>::new());
}

#[test]
fn header_rows_beyond_the_document_are_errors() {
    let package = sample_package();
    let header_rows = |rows: Vec<usize>| Extras {
        header_rows: rows,
        ..Extras::default()
    };
    match finish(&package, &header_rows(vec![1, 1, 1])) {
        Err(OoxmlError::Part { message: m, .. }) => assert!(m.contains("table 2 (0-based)"), "{m}"),
        other => panic!("expected a header-rows error, got {other:?}"),
    }
    // Trailing zeros name no table and are fine.
    assert!(finish(&package, &header_rows(vec![1, 0, 0, 0])).is_ok());
    match finish(&package, &header_rows(vec![0, 4])) {
        Err(OoxmlError::Part { message: m, .. }) => {
            assert!(m.contains("table 1 (0-based) has fewer than 4 rows"), "{m}")
        }
        other => panic!("expected a header-rows error, got {other:?}"),
    }
}

#[test]
fn first_line_chars_go_on_every_matching_indent() {
    let out = finished_sample();
    let mut matching = 0;
    for name in ["word/document.xml", "word/styles.xml"] {
        let xml = part(&out, name);
        let doc = Document::parse(&xml).expect("parse");
        for ind in elements(doc.root(), "ind") {
            let chars = ind.attribute((W, "firstLineChars"));
            if ind.attribute((W, "firstLine")) == Some("640") {
                assert_eq!(chars, Some("200"));
                matching += 1;
            } else {
                assert_eq!(chars, None);
            }
        }
    }
    assert_eq!(matching, 2, "one in the body, one in BodyText");
}

#[test]
fn theme_is_added_and_referenced() {
    let out = finished_sample();
    let theme = part(&out, "word/theme/theme1.xml");
    let theme = Document::parse(&theme).expect("parse");
    assert!(theme.root_element().has_tag_name((
        "http://schemas.openxmlformats.org/drawingml/2006/main",
        "theme"
    )));
    let parts = read_parts(&out).expect("zip");
    let rels = relationships(&parts, "word/document.xml").expect("rels");
    let theme = (REL_THEME.to_string(), "word/theme/theme1.xml".to_string());
    assert!(rels.contains(&theme), "{rels:?}");
    let types = part(&out, CONTENT_TYPES);
    let types = Document::parse(&types).expect("parse");
    assert!(types.descendants().any(|e| {
        e.attribute("PartName") == Some("/word/theme/theme1.xml")
            && e.attribute("ContentType") == Some(CT_THEME)
    }));
}

#[test]
fn fonts_are_declared_once_after_the_existing_ones() {
    let xml = part(&finished_sample(), "word/fontTable.xml");
    let doc = Document::parse(&xml).expect("parse");
    let fonts = elements(doc.root(), "font");
    let names: Vec<&str> = fonts
        .iter()
        .filter_map(|f| f.attribute((W, "name")))
        .collect();
    assert_eq!(
        names,
        [
            "Times New Roman",
            "Symbol",
            "Arial",
            "仿宋_GB2312",
            "黑体",
            "方正小标宋简体"
        ]
    );
    let props = |font: Node<'_, '_>| -> Vec<(String, String)> {
        let val = |e: Node<'_, '_>| e.attribute((W, "val")).unwrap_or_default().to_string();
        children(font).map(|e| (key(e), val(e))).collect()
    };
    let expected = [
        ("w:altName", "SimHei"),
        ("w:charset", "86"),
        ("w:family", "modern"),
        ("w:pitch", "fixed"),
    ];
    assert_eq!(
        props(fonts[4]),
        expected.map(|(k, v)| (k.to_string(), v.to_string()))
    );
    let latin = [
        ("w:charset", "00"),
        ("w:family", "roman"),
        ("w:pitch", "variable"),
    ];
    assert_eq!(
        props(fonts[0]),
        latin.map(|(k, v)| (k.to_string(), v.to_string()))
    );
}

#[test]
fn output_is_deterministic_and_idempotent() {
    let first = finished_sample();
    let second = finished_sample();
    assert_eq!(first, second);
    // Finishing a finished package changes nothing: no second theme, header or font.
    let again = finish(&first, &sample_extras()).expect("finish again");
    assert_eq!(first, again);
}

#[test]
fn zip_entries_are_fixed_deflated_and_ordered() {
    let out = finished_sample();
    let mut archive = zip::ZipArchive::new(Cursor::new(&out)).expect("zip");
    let mut names = Vec::new();
    for i in 0..archive.len() {
        let file = archive.by_index(i).expect("entry");
        // Small parts are stored, the others deflated.
        let want = if file.size() < STORE_BELOW as u64 {
            zip::CompressionMethod::Stored
        } else {
            zip::CompressionMethod::Deflated
        };
        assert_eq!(file.compression(), want, "{:?}", file.name());
        assert_eq!(file.last_modified(), Some(zip::DateTime::default()));
        assert!(!file.is_dir());
        names.push(file.name().expect("name").into_owned());
    }
    assert_eq!(names.first().map(String::as_str), Some(CONTENT_TYPES));
    assert_eq!(names.get(1).map(String::as_str), Some(ROOT_RELS));
    let rest = names.get(2..).unwrap_or_default();
    assert!(rest.windows(2).all(|w| w[0] < w[1]), "{names:?}");
}

#[test]
fn unreferenced_parts_are_dropped_with_their_overrides() {
    let out = finished_sample();
    let parts = read_parts(&out).expect("zip");
    for gone in [
        "word/numbering.xml",
        "word/comments.xml",
        "word/footnotes.xml",
    ] {
        assert!(!parts.contains_key(gone), "{gone} kept");
    }
    let types = part(&out, CONTENT_TYPES);
    let types = Document::parse(&types).expect("parse");
    let overrides = types.descendants().filter(|e| e.has_tag_name("Override"));
    for name in overrides.map(|e| e.attribute("PartName").expect("PartName")) {
        assert!(
            parts.contains_key(&name[1..]),
            "override for missing {name}"
        );
    }
}

/// A document whose paragraph uses a numbering level, so numbering.xml is referenced.
fn numbered_docx() -> Docx {
    let level = Level::new(
        0,
        Start::new(1),
        NumberFormat::new("chineseCounting"),
        LevelText::new("%1、"),
        LevelJc::new("left"),
    )
    .indent(Some(0), Some(SpecialIndentType::FirstLine(640)), None, None)
    .bold();
    Docx::new()
        .add_abstract_numbering(AbstractNumbering::new(2).add_level(level))
        .add_numbering(Numbering::new(2, 2))
        .add_paragraph(
            Paragraph::new()
                .numbering(NumberingId::new(2), IndentLevel::new(0))
                .add_run(Run::new().add_text("一")),
        )
}

#[test]
fn referenced_numbering_is_kept_and_fixed() {
    let out = finish(&pack(numbered_docx()), &Extras::default()).expect("finish");
    assert_eq!(table_violations(&out), Vec::<String>::new());
    let xml = part(&out, "word/numbering.xml");
    let doc = Document::parse(&xml).expect("parse");
    for lvl in elements(doc.root(), "lvl") {
        let keys: Vec<String> = children(lvl).map(key).collect();
        assert_eq!(keys.last().map(String::as_str), Some("w:rPr"), "{keys:?}");
    }
}

#[test]
fn text_in_runs_survives_exactly() {
    let texts = |package: &[u8]| -> Vec<String> {
        let mut out = Vec::new();
        for xml in xml_parts(package).values() {
            let doc = Document::parse(xml).expect("parse");
            for local in ["t", "instrText"] {
                for e in elements(doc.root(), local) {
                    out.push(format!("{local}:{}", e.text().unwrap_or_default()));
                }
            }
        }
        out
    };
    let before = texts(&sample_package());
    let after = texts(&finished_sample());
    assert_eq!(before, after);
    assert!(after.contains(&"t:  本年度共主动公开政府信息 12 条 & <更多>。 ".to_string()));
    assert!(after.contains(&"instrText:PAGE".to_string()));
}

// ---------------------------------------------------------------------------------------
// Malformed input

#[test]
fn garbage_is_an_error_not_a_panic() {
    assert!(matches!(
        finish(b"not a zip", &Extras::default()),
        Err(OoxmlError::Zip(_))
    ));
    let package = sample_package();
    // docx-rs stores entries uncompressed, so flipped bytes reach the XML parser.
    let mut state = 0x2545_f491_u32;
    for round in 0..300 {
        let mut bytes = package.clone();
        for _ in 0..(1 + round % 4) {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            let at = state as usize % bytes.len();
            bytes[at] = match round % 3 {
                0 => b'<',
                1 => b'&',
                _ => (state >> 8) as u8,
            };
        }
        // What comes out, if anything, is well-formed.
        if let Ok(out) = finish(&bytes, &sample_extras()) {
            for (name, xml) in xml_parts(&out) {
                assert!(Document::parse(&xml).is_ok(), "round {round}: {name}");
            }
        }
    }
    for cut in (0..package.len()).step_by(997) {
        assert!(finish(&package[..cut], &Extras::default()).is_err());
    }
}

fn zip_of(parts: &[(&str, &str)]) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for (name, text) in parts {
        zip.start_file(*name, zip::write::SimpleFileOptions::default())
            .expect("start");
        zip.write_all(text.as_bytes()).expect("write");
    }
    zip.finish().expect("finish").into_inner()
}

const MIN_TYPES: &str = r#"<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/></Types>"#;
const EMPTY_RELS: &str =
    r#"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"/>"#;
const MIN_RELS: &str = r#"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>"#;

#[test]
fn malformed_parts_are_reported() {
    for (document, message) in [
        ("<w:document><w:body></w:document>", "expected `</w:body>`"),
        ("<!DOCTYPE x><x/>", "DTD"),
        ("<x>&nbsp;</x>", "entity"),
        ("<x/><y/>", "more than one root"),
        ("<x>", "unclosed"),
        ("text<x/>", "outside the root"),
        ("", "no root"),
    ] {
        let package = zip_of(&[
            (CONTENT_TYPES, MIN_TYPES),
            (ROOT_RELS, MIN_RELS),
            ("word/_rels/document.xml.rels", EMPTY_RELS),
            ("word/document.xml", document),
        ]);
        match finish(&package, &Extras::default()) {
            Err(OoxmlError::Part { part, message: m }) => {
                assert_eq!(part, "word/document.xml");
                assert!(m.contains(message), "{document}: {m}");
            }
            other => panic!("{document}: expected a malformed part, got {other:?}"),
        }
    }
}

#[test]
fn packages_without_a_main_document_are_reported() {
    let package = zip_of(&[(CONTENT_TYPES, MIN_TYPES)]);
    match finish(&package, &Extras::default()) {
        Err(OoxmlError::Part { message, .. }) => assert!(message.contains("main document")),
        other => panic!("expected a missing main document, got {other:?}"),
    }
}

// ---------------------------------------------------------------------------------------
// The pass on small parts

fn pass(source: &str, edits: Edits<'_>) -> String {
    let mut out = Vec::new();
    stream::run("t.xml", source.as_bytes(), edits, &mut out, None).expect("pass");
    String::from_utf8(out).expect("UTF-8")
}

#[test]
fn text_is_escaped_again_start_tags_are_copied_and_empty_elements_close() {
    let source = concat!(
        r#"<?xml version="1.0" encoding="UTF-8"?>"#,
        "<!-- dropped -->",
        r#"<x:root xmlns:x="urn:x" a='1 "q" &amp; &lt;'>"#,
        "<x:t xml:space=\"preserve\"> a &amp; b &#x4E00; &quot;&apos; &gt; </x:t>",
        "<x:c><![CDATA[<raw>]]></x:c><x:e  b = \"1\" ></x:e>",
        "</x:root>\n"
    );
    assert_eq!(
        pass(source, Edits::default()),
        concat!(
            r#"<?xml version="1.0" encoding="UTF-8"?>"#,
            r#"<x:root xmlns:x="urn:x" a='1 "q" &amp; &lt;'>"#,
            r#"<x:t xml:space="preserve"> a &amp; b 一 "' &gt; </x:t>"#,
            r#"<x:c>&lt;raw&gt;</x:c><x:e  b = "1"/></x:root>"#
        )
    );
}

#[test]
fn missing_declaration_gets_the_standard_one() {
    assert_eq!(
        pass("<a/>", Edits::default()),
        format!("{DEFAULT_DECL}<a/>")
    );
}

#[test]
fn children_sort_stably_by_the_tables_with_unknown_ones_last() {
    let source = concat!(
        r#"<w:r xmlns:w="urn:w" xmlns:o="urn:o"><w:t>a</w:t>"#,
        "<w:rPr><o:x/><w:sz/>text<w:b/><w:rFonts/><w:szCs/><w:b/></w:rPr></w:r>",
    );
    assert_eq!(
        pass(source, Edits::default()),
        format!(
            "{DEFAULT_DECL}{}",
            concat!(
                r#"<w:r xmlns:w="urn:w" xmlns:o="urn:o"><w:rPr><w:rFonts/>text<w:b/><w:b/>"#,
                "<w:sz/><w:szCs/><o:x/></w:rPr><w:t>a</w:t></w:r>"
            )
        )
    );
}

#[test]
fn empty_run_properties_leave_style_paragraph_properties() {
    let styles = concat!(
        r#"<w:styles xmlns:w="urn:w"><w:docDefaults><w:pPrDefault><w:pPr><w:rPr/></w:pPr>"#,
        r#"</w:pPrDefault></w:docDefaults><w:style><w:pPr><w:rPr /><w:jc w:val="center"/>"#,
        "</w:pPr><w:name/></w:style><w:p><w:pPr><w:rPr/><w:jc/></w:pPr></w:p></w:styles>"
    );
    assert!(pass(styles, Edits::default()).ends_with(concat!(
        "<w:docDefaults><w:pPrDefault><w:pPr/></w:pPrDefault></w:docDefaults>",
        r#"<w:style><w:name/><w:pPr><w:jc w:val="center"/></w:pPr></w:style>"#,
        "<w:p><w:pPr><w:jc/><w:rPr/></w:pPr></w:p></w:styles>"
    )));
    // docx-rs never fills them; if it did, the formatting would be lost.
    let filled = r#"<w:style xmlns:w="urn:w"><w:pPr><w:rPr><w:b/></w:rPr></w:pPr></w:style>"#;
    let mut out = Vec::new();
    let result = stream::run("s.xml", filled.as_bytes(), Edits::default(), &mut out, None);
    assert!(matches!(result, Err(OoxmlError::Part { .. })));
}

#[test]
fn order_table_names_each_parent_and_child_once() {
    let mut parents = HashSet::new();
    for entry in order_table::SEQUENCES {
        let mut items = entry.split_whitespace();
        let parent = items.next().expect("parent");
        assert!(parents.insert(parent), "{parent} listed twice");
        let mut children = HashSet::new();
        for name in items.flat_map(|item| item.split('|')) {
            assert!(children.insert(name), "{parent}: {name} listed twice");
            assert!(
                name == "*" || name.contains(':'),
                "{parent}: {name} has no prefix"
            );
        }
    }
}

#[test]
fn relationship_targets_resolve() {
    assert_eq!(rels_part_for(""), "_rels/.rels");
    assert_eq!(
        rels_part_for("word/document.xml"),
        "word/_rels/document.xml.rels"
    );
    assert_eq!(
        resolve("word/document.xml", "theme/theme1.xml"),
        "word/theme/theme1.xml"
    );
    assert_eq!(resolve("", "word/document.xml"), "word/document.xml");
    assert_eq!(
        resolve("word/document.xml", "/docProps/app.xml"),
        "docProps/app.xml"
    );
}
