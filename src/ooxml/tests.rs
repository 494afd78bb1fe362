//! Tests for `finish` on real docx-rs documents, and for the XML tree underneath it.

use super::*;
use docx_rs::*;

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
        fonts: vec![
            FontDecl::east_asian("仿宋_GB2312").alt_name("仿宋"),
            FontDecl::east_asian("黑体")
                .alt_name("SimHei")
                .panose("02010609060101010101"),
            FontDecl::east_asian("方正小标宋简体").family(FontFamily::Script),
            FontDecl::latin("Times New Roman").panose("02020603050405020304"),
        ],
        header_rows: vec![2, 1],
        first_line_chars: vec![(640, 200)],
    }
}

fn finished_sample() -> Vec<u8> {
    finish(&sample_package(), &sample_extras()).expect("finish")
}

fn part<'a>(pkg: &'a Package, name: &str) -> &'a XmlDoc {
    match pkg.parts.get(name) {
        Some(PartData::Xml(doc)) => doc,
        _ => panic!("no XML part {name}"),
    }
}

fn descendants<'a>(e: &'a Element, key: &str, out: &mut Vec<&'a Element>) {
    for child in e.elements() {
        if child.key == key {
            out.push(child);
        }
        descendants(child, key, out);
    }
}

fn all<'a>(e: &'a Element, key: &str) -> Vec<&'a Element> {
    let mut out = Vec::new();
    descendants(e, key, &mut out);
    out
}

fn body_tables(pkg: &Package) -> Vec<&Element> {
    let doc = part(pkg, "word/document.xml");
    doc.root
        .child("w:body")
        .expect("body")
        .elements()
        .filter(|e| e.key == "w:tbl")
        .collect()
}

// ---------------------------------------------------------------------------------------
// finish on docx-rs output

#[test]
fn docx_rs_output_breaks_the_order_and_finish_repairs_it() {
    let before = order_violations(&sample_package());
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

    let after = order_violations(&finished_sample());
    assert!(after.is_empty(), "{after:#?}");
}

#[test]
fn empty_document_is_valid_after_finish() {
    let out = finish(&pack(Docx::new()), &Extras::default()).expect("finish");
    assert!(
        order_violations(&out).is_empty(),
        "{:#?}",
        order_violations(&out)
    );
}

#[test]
fn header_rows_are_marked_on_the_requested_rows_only() {
    let pkg = Package::read(&finished_sample()).expect("read");
    let tables = body_tables(&pkg);
    assert_eq!(tables.len(), 2);
    let marked = |table: &Element| -> Vec<bool> {
        table
            .elements()
            .filter(|e| e.key == "w:tr")
            .map(|tr| {
                tr.child("w:trPr")
                    .is_some_and(|p| p.child("w:tblHeader").is_some())
            })
            .collect()
    };
    assert_eq!(marked(tables[0]), [true, true, false]);
    assert_eq!(marked(tables[1]), [true, false, false]);
    // cantSplit stays, tblHeader follows it as Word writes them.
    let first_row = tables[0].child("w:tr").expect("row");
    let keys: Vec<&str> = first_row
        .child("w:trPr")
        .expect("trPr")
        .elements()
        .map(|e| e.key.as_str())
        .collect();
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
    let pkg = Package::read(&out).expect("read");
    let row = body_tables(&pkg)[0].child("w:tr").expect("row");
    let first = row.elements().next().expect("child");
    assert_eq!(first.key, "w:trPr");
    assert!(first.child("w:tblHeader").is_some());
    assert!(order_violations(&out).is_empty());
}

#[test]
fn header_rows_beyond_the_document_are_errors() {
    let package = sample_package();
    let too_many_tables = Extras {
        header_rows: vec![1, 1, 1],
        ..Extras::default()
    };
    assert!(matches!(
        finish(&package, &too_many_tables),
        Err(OoxmlError::NoSuchTable {
            table: 2,
            tables: 2
        })
    ));
    // Trailing zeros name no table and are fine.
    let zeros = Extras {
        header_rows: vec![1, 0, 0, 0],
        ..Extras::default()
    };
    assert!(finish(&package, &zeros).is_ok());
    let too_many_rows = Extras {
        header_rows: vec![0, 4],
        ..Extras::default()
    };
    assert!(matches!(
        finish(&package, &too_many_rows),
        Err(OoxmlError::TooManyHeaderRows {
            table: 1,
            requested: 4,
            rows: 3
        })
    ));
}

#[test]
fn first_line_chars_go_on_every_matching_indent() {
    let pkg = Package::read(&finished_sample()).expect("read");
    let mut indents = Vec::new();
    for name in ["word/document.xml", "word/styles.xml"] {
        indents.extend(all(&part(&pkg, name).root, "w:ind"));
    }
    let matching: Vec<_> = indents
        .iter()
        .filter(|i| i.attr("w:firstLine") == Some("640"))
        .collect();
    assert_eq!(matching.len(), 2, "one in the body, one in BodyText");
    for ind in matching {
        assert_eq!(ind.attr("w:firstLineChars"), Some("200"));
    }
}

#[test]
fn theme_is_added_and_referenced() {
    let pkg = Package::read(&finished_sample()).expect("read");
    let theme = part(&pkg, "word/theme/theme1.xml");
    assert_eq!(
        theme.root.key,
        "{http://schemas.openxmlformats.org/drawingml/2006/main}theme"
    );
    assert_eq!(
        pkg.related_part("word/document.xml", REL_THEME),
        Some("word/theme/theme1.xml".to_string())
    );
    let types = part(&pkg, CONTENT_TYPES);
    assert!(types.root.elements().any(|e| {
        e.attr("PartName") == Some("/word/theme/theme1.xml")
            && e.attr("ContentType") == Some(CT_THEME)
    }));
}

#[test]
fn fonts_are_declared_and_existing_ones_kept() {
    let pkg = Package::read(&finished_sample()).expect("read");
    let fonts = &part(&pkg, "word/fontTable.xml").root;
    let names: Vec<&str> = fonts.elements().filter_map(|f| f.attr("w:name")).collect();
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
    let heiti = fonts
        .elements()
        .find(|f| f.attr("w:name") == Some("黑体"))
        .expect("黑体");
    let props: Vec<(&str, Option<&str>)> = heiti
        .elements()
        .map(|e| (e.key.as_str(), e.attr("w:val")))
        .collect();
    assert_eq!(
        props,
        [
            ("w:altName", Some("SimHei")),
            ("w:panose1", Some("02010609060101010101")),
            ("w:charset", Some("86")),
            ("w:family", Some("modern")),
            ("w:pitch", Some("fixed")),
        ]
    );
    // Redeclaring an existing face replaces it in place.
    let tnr = fonts.elements().next().expect("first font");
    assert!(tnr.child("w:panose1").is_some());
}

#[test]
fn invalid_font_declarations_are_rejected() {
    let package = sample_package();
    for (font, reason) in [
        (FontDecl::east_asian(" "), "empty name"),
        (FontDecl::east_asian("黑体").panose("0201"), "panose"),
        (
            FontDecl {
                charset: "GB".into(),
                ..FontDecl::east_asian("黑体")
            },
            "charset",
        ),
    ] {
        let extras = Extras {
            fonts: vec![font],
            ..Extras::default()
        };
        match finish(&package, &extras) {
            Err(OoxmlError::InvalidFont { reason: r, .. }) => assert!(r.contains(reason), "{r}"),
            other => panic!("expected InvalidFont({reason}), got {other:?}"),
        }
    }
    let twice = Extras {
        fonts: vec![FontDecl::east_asian("黑体"), FontDecl::east_asian("黑体")],
        ..Extras::default()
    };
    assert!(matches!(
        finish(&package, &twice),
        Err(OoxmlError::InvalidFont { .. })
    ));
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
    let pkg = Package::read(&finished_sample()).expect("read");
    for gone in [
        "word/numbering.xml",
        "word/comments.xml",
        "word/footnotes.xml",
    ] {
        assert!(!pkg.parts.contains_key(gone), "{gone} kept");
    }
    let types = part(&pkg, CONTENT_TYPES);
    for over in types.root.elements().filter(|e| e.key == "ct:Override") {
        let name = over.attr("PartName").expect("PartName");
        assert!(
            pkg.parts.contains_key(name.trim_start_matches('/')),
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
    assert!(
        order_violations(&out).is_empty(),
        "{:#?}",
        order_violations(&out)
    );
    let pkg = Package::read(&out).expect("read");
    let numbering = part(&pkg, "word/numbering.xml");
    for lvl in all(&numbering.root, "w:lvl") {
        let keys: Vec<&str> = lvl.elements().map(|e| e.key.as_str()).collect();
        assert_eq!(keys.last(), Some(&"w:rPr"), "{keys:?}");
    }
}

#[test]
fn text_in_runs_survives_exactly() {
    let texts = |package: &[u8]| -> Vec<String> {
        let pkg = Package::read(package).expect("read");
        let mut out = Vec::new();
        for data in pkg.parts.values() {
            if let PartData::Xml(doc) = data {
                for key in ["w:t", "w:instrText"] {
                    for e in all(&doc.root, key) {
                        let text: String = e
                            .children
                            .iter()
                            .map(|n| match n {
                                Node::Text(t) => t.as_str(),
                                _ => "",
                            })
                            .collect();
                        out.push(format!("{key}:{text}"));
                    }
                }
            }
        }
        out
    };
    let before = texts(&sample_package());
    let after = texts(&finished_sample());
    assert_eq!(before, after);
    assert!(after.contains(&"w:t:  本年度共主动公开政府信息 12 条 & <更多>。 ".to_string()));
    assert!(after.contains(&"w:instrText:PAGE".to_string()));
}

// ---------------------------------------------------------------------------------------
// Malformed input

#[test]
fn garbage_is_an_error_not_a_panic() {
    assert!(matches!(
        finish(b"not a zip", &Extras::default()),
        Err(OoxmlError::Zip(_))
    ));
    assert!(!order_violations(b"").is_empty());
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
        let _ = finish(&bytes, &sample_extras());
        let _ = order_violations(&bytes);
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
const MIN_RELS: &str = r#"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>"#;

#[test]
fn malformed_parts_are_reported() {
    for (document, message) in [
        ("<w:document><w:body></w:document>", "expected `</w:body>`"),
        ("<!DOCTYPE x><x/>", "DTD"),
        ("<x>&nbsp;</x>", "entity"),
        ("<?xml version=\"1.0\" encoding=\"UTF-16\"?><x/>", "UTF-8"),
        ("<x/><y/>", "root"),
        ("", "no root"),
    ] {
        let package = zip_of(&[
            (CONTENT_TYPES, MIN_TYPES),
            (ROOT_RELS, MIN_RELS),
            ("word/document.xml", document),
        ]);
        match finish(&package, &Extras::default()) {
            Err(OoxmlError::MalformedXml {
                part, message: m, ..
            }) => {
                assert_eq!(part, "word/document.xml");
                assert!(m.contains(message), "{document}: {m}");
            }
            other => panic!("{document}: expected MalformedXml, got {other:?}"),
        }
    }
    let deep = "<a>".repeat(MAX_DEPTH + 1);
    assert!(parse_xml("deep.xml", deep.as_bytes()).is_err());
}

#[test]
fn packages_without_a_main_document_are_reported() {
    let package = zip_of(&[(CONTENT_TYPES, MIN_TYPES)]);
    assert!(matches!(
        finish(&package, &Extras::default()),
        Err(OoxmlError::MissingPart(_))
    ));
    let duplicate = zip_of(&[
        (CONTENT_TYPES, MIN_TYPES),
        ("[content_types].xml", MIN_TYPES),
    ]);
    assert!(matches!(
        finish(&duplicate, &Extras::default()),
        Err(OoxmlError::DuplicatePart(_))
    ));
}

// ---------------------------------------------------------------------------------------
// XML tree

#[test]
fn xml_round_trip_keeps_content_and_namespaces() {
    let source = concat!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#,
        "<!-- lead -->",
        r#"<x:root xmlns:x="http://schemas.openxmlformats.org/wordprocessingml/2006/main" a='1 "q" &amp; &lt;'>"#,
        "\n  <x:t xml:space=\"preserve\"> a &amp; b &#x4E00; </x:t>\n",
        "  <x:c><![CDATA[<raw>]]><!--c--><?pi data?></x:c>\n",
        "</x:root>"
    );
    let doc = parse_xml("t.xml", source.as_bytes()).expect("parse");
    assert_eq!(doc.root.key, "w:root");
    let written = String::from_utf8(write_xml(&doc)).expect("utf-8");
    assert_eq!(
        written,
        concat!(
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><!-- lead -->"#,
            r#"<x:root xmlns:x="http://schemas.openxmlformats.org/wordprocessingml/2006/main" a="1 &quot;q&quot; &amp; &lt;">"#,
            r#"<x:t xml:space="preserve"> a &amp; b 一 </x:t>"#,
            "<x:c><![CDATA[<raw>]]><!--c--><?pi data?></x:c></x:root>"
        )
    );
    assert_eq!(
        parse_xml("t.xml", written.as_bytes()).expect("reparse"),
        doc
    );
}

#[test]
fn missing_declaration_gets_the_standard_one() {
    let doc = parse_xml("t.xml", b"<a/>").expect("parse");
    assert_eq!(
        write_xml(&doc),
        br#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><a/>"#
    );
}

#[test]
fn reorder_is_stable_and_keeps_unknown_children_last() {
    let source = concat!(
        r#"<w:rPr xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:o="urn:other">"#,
        "<o:x/><w:sz/><!--about b--><w:b/><w:rFonts/><w:szCs/>",
        "</w:rPr>"
    );
    let mut doc = parse_xml("t.xml", source.as_bytes()).expect("parse");
    reorder(&mut doc.root, 0);
    let written = String::from_utf8(write_xml(&doc)).expect("utf-8");
    assert!(
        written.ends_with("<w:rFonts/><!--about b--><w:b/><w:sz/><w:szCs/><o:x/></w:rPr>"),
        "{written}"
    );
}

#[test]
fn style_paragraph_run_properties_move_to_the_style() {
    let source = concat!(
        r#"<w:styles xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">"#,
        "<w:docDefaults><w:pPrDefault><w:pPr><w:rPr><w:sz w:val=\"28\"/></w:rPr></w:pPr></w:pPrDefault></w:docDefaults>",
        "<w:style><w:rPr><w:sz w:val=\"32\"/></w:rPr>",
        "<w:pPr><w:rPr><w:b/><w:sz w:val=\"20\"/></w:rPr><w:jc w:val=\"center\"/></w:pPr><w:name w:val=\"s\"/></w:style>",
        "</w:styles>"
    );
    let mut doc = parse_xml("t.xml", source.as_bytes()).expect("parse");
    fix_context(&mut doc.root, 0);
    reorder(&mut doc.root, 0);
    let written = String::from_utf8(write_xml(&doc)).expect("utf-8");
    assert!(
        written.contains(
            "<w:docDefaults><w:rPrDefault><w:rPr><w:sz w:val=\"28\"/></w:rPr></w:rPrDefault><w:pPrDefault><w:pPr/></w:pPrDefault></w:docDefaults>"
        ),
        "{written}"
    );
    assert!(
        written.contains(
            "<w:style><w:name w:val=\"s\"/><w:pPr><w:jc w:val=\"center\"/></w:pPr><w:rPr><w:b/><w:sz w:val=\"32\"/></w:rPr></w:style>"
        ),
        "{written}"
    );
}

#[test]
fn order_table_names_each_parent_and_child_once() {
    let mut parents = HashSet::new();
    for (parent, items) in order_table::SEQUENCES {
        assert!(parents.insert(*parent), "{parent} listed twice");
        let mut children = HashSet::new();
        for name in items.split_whitespace().flat_map(|item| item.split('|')) {
            assert!(children.insert(name), "{parent}: {name} listed twice");
            assert!(
                name == "*" || name.contains(':'),
                "{parent}: {name} has no prefix"
            );
        }
    }
    assert_eq!(sequences().len(), order_table::SEQUENCES.len());
}

#[test]
fn relationship_targets_resolve_like_opc() {
    assert_eq!(rels_part_for(""), "_rels/.rels");
    assert_eq!(
        rels_part_for("word/document.xml"),
        "word/_rels/document.xml.rels"
    );
    assert_eq!(
        resolve_target("word/document.xml", "theme/theme1.xml").as_deref(),
        Some("word/theme/theme1.xml")
    );
    assert_eq!(
        resolve_target("word/document.xml", "../customXml/item1.xml").as_deref(),
        Some("customXml/item1.xml")
    );
    assert_eq!(
        resolve_target("", "/word/my%20doc.xml").as_deref(),
        Some("word/my doc.xml")
    );
    assert_eq!(resolve_target("word/document.xml", "../../x.xml"), None);
    assert_eq!(resolve_target("a.xml", "%zz"), None);
}
