//! Published reports read back as a reader sees them (`report_gen::document`): our own .docx,
//! portal pages in UTF-8 and GBK with navigation around the article, and PDFs converted by
//! LibreOffice. Every table must come out as the official layout grid (labels and figures in
//! their cells, the official merges), and every paragraph in order.
//!
//! The expected blocks are read independently from the .docx XML (roxmltree) and from
//! `report_gen::layout`; the pages are generated from the same (`util/published.rs`).

use crate::util::published::{
    assert_blocks, cid_font_pdf, damage, damage_inputs, expected, expected_page, pdf_fixture,
    portal_page, python_docx, report, scanned_pdf, soffice_pdf, title_lines, with_document_xml,
};
use crate::util::read::{book_of, open_document, W};
use crate::util::{samples, Dir};
use report_gen::document::{self, Kind};
use report_gen::layout::{Content, Table};
use report_gen::workbook::{Limits, Value};
use report_gen::Error;
use std::path::{Path, PathBuf};

#[test]
fn our_own_reports_read_back_to_their_tables_and_paragraphs() {
    let dir = Dir::new();
    for sample in [samples::SEED, samples::BUSY] {
        let (st, docx) = report(sample);
        let path = dir.write(&format!("{sample}.docx"), &docx);
        let doc = open_document(&path);
        assert_eq!(doc.kind, Kind::Docx);
        let want = expected(&docx);
        assert_blocks(&doc, &want, &st, true);
        // The six section headings, as outline level 1.
        for section in report_gen::format::SECTIONS.iter() {
            assert!(
                doc.paragraphs()
                    .any(|p| p.text == section.heading && p.heading == Some(1)),
                "{}",
                section.heading
            );
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Portal pages

#[test]
fn portal_pages_in_utf8_and_gbk_read_to_the_official_tables() {
    let dir = Dir::new();
    for sample in [samples::SEED, samples::BUSY] {
        let (st, docx) = report(sample);
        let want = expected(&docx);
        let lines = title_lines(&docx);

        // UTF-8, declared; headings as h2/h3.
        let page = portal_page(&want, &st, Some("utf-8"), lines, true);
        let path = dir.write(&format!("{sample}-utf8.html"), page.as_bytes());
        let doc = open_document(&path);
        assert_eq!(doc.kind, Kind::Html);
        assert_blocks(&doc, &expected_page(&want, lines, true), &st, true);
        assert!(doc
            .title
            .as_deref()
            .is_some_and(|t| t.ends_with("_示例市人民政府")));

        // GBK, declared as gb2312 through http-equiv; headings as bold paragraphs.
        let page = portal_page(&want, &st, Some("gb2312"), lines, false);
        let (gbk, _, unmappable) = encoding_rs::GBK.encode(&page);
        assert!(!unmappable);
        let path = dir.write(&format!("{sample}-gbk.htm"), &gbk);
        assert_blocks(
            &open_document(&path),
            &expected_page(&want, lines, false),
            &st,
            true,
        );

        // GBK without any declaration: detected.
        let page = portal_page(&want, &st, None, lines, false);
        let (gbk, _, _) = encoding_rs::GBK.encode(&page);
        let path = dir.write(&format!("{sample}-bare.html"), &gbk);
        assert_blocks(
            &open_document(&path),
            &expected_page(&want, lines, false),
            &st,
            true,
        );
    }
}

#[test]
fn lines_of_a_portal_cell_are_joined_with_line_breaks() {
    let dir = Dir::new();
    let page = "<html><body><div><p>正文</p><table>\
        <tr><td>三、本年度<br/>办理结果</td><td><p>（一）</p><p>予以公开</p></td></tr>\
        <tr><td><span>本年</span>\n<span>新收</span></td><td> 1,234 </td></tr></table></div></body></html>";
    let doc = open_document(&dir.write("cells.html", page.as_bytes()));
    let t = doc.tables().next().expect("table");
    assert_eq!(t.grid.shown_text(0, 0), Some("三、本年度\n办理结果"));
    assert_eq!(t.grid.shown_text(0, 1), Some("（一）\n予以公开"));
    assert_eq!(t.grid.shown_text(1, 0), Some("本年新收"));
    assert_eq!(t.grid.shown_text(1, 1), Some("1,234"));
}

// ---------------------------------------------------------------------------------------------
// PDF

#[test]
fn a_pdf_converted_by_libreoffice_reads_to_the_official_tables() {
    let (st, docx) = report(samples::BUSY);
    let doc = open_document(&pdf_fixture());
    assert_eq!(doc.kind, Kind::Pdf);
    assert_blocks(&doc, &expected(&docx), &st, false);
    // Table three runs over two pages: joined, its repeated header rows dropped.
    let pages: Vec<Option<u32>> = doc.tables().map(|t| t.page).collect();
    assert_eq!(pages.len(), 3);
    assert!(doc.paragraphs().all(|p| p.page.is_some()));
}

#[test]
#[ignore = "client tier: bash tests/clients/install.sh, then cargo test -- --ignored"]
fn pdf_converted_by_libreoffice_from_every_sample_reads_to_the_official_tables() {
    let dir = Dir::new();
    for sample in [samples::SEED, samples::BUSY] {
        let (st, docx) = report(sample);
        let path = dir.write(&format!("{sample}.docx"), &docx);
        let pdf = soffice_pdf(&dir, &path);
        assert_blocks(&open_document(&pdf), &expected(&docx), &st, false);
        if sample == samples::BUSY && std::env::var_os("UPDATE_PDF_FIXTURE").is_some() {
            std::fs::copy(&pdf, pdf_fixture()).expect("fixture written");
        }
    }
}

#[test]
#[ignore = "client tier: bash tests/clients/install.sh, then cargo test -- --ignored"]
fn a_report_written_by_python_docx_with_other_table_styles_reads_to_the_official_tables() {
    let dir = Dir::new();
    let (st, docx) = report(samples::BUSY);
    let want = expected(&docx);
    let out = python_docx(&dir, "python-docx.docx", &want, &st, &|_| None);
    assert_blocks(&open_document(&out), &want, &st, true);
}

// ---------------------------------------------------------------------------------------------
// Hostile and unreadable files

#[test]
fn unreadable_reports_get_clear_errors() {
    let dir = Dir::new();
    let limits = Limits::default();
    let err = |name: &str, bytes: &[u8]| {
        let path = dir.write(name, bytes);
        match document::open(&path, limits) {
            Err(e) => e,
            Ok(d) => panic!("{name} read: {:?}", d.blocks),
        }
    };
    assert!(matches!(err("empty.docx", b""), Error::NotAReport { .. }));
    assert!(matches!(
        err("a.txt", b"plain words"),
        Error::NotAReport { .. }
    ));
    assert!(matches!(
        err("broken.docx", b"PK\x03\x04rest"),
        Error::ReportDamaged { .. }
    ));
    assert!(matches!(
        err("broken.pdf", b"%PDF-1.7\n garbage"),
        Error::ReportDamaged { .. }
    ));
    let workbook = std::fs::read(samples::path(samples::SEED)).expect("sample");
    let e = err("wb.docx", &workbook);
    assert!(
        matches!(e, Error::NotAReport { .. }) && e.to_string().contains("Excel"),
        "{e}"
    );
    let encrypted = std::fs::read(
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/encrypted.xlsx"),
    )
    .expect("fixture");
    assert!(matches!(
        err("enc.docx", &encrypted),
        Error::ReportEncrypted { .. }
    ));
    // Too large: refused before reading.
    let small = Limits {
        max_input: 10,
        max_expanded: 40,
    };
    let path = dir.write("big.html", &[b'<'; 11]);
    assert!(matches!(
        document::open(&path, small),
        Err(Error::TooLarge { .. })
    ));
    // Every message is for people: Chinese, naming the file.
    let e = err("broken2.pdf", b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n");
    assert!(
        e.to_string().contains("broken2.pdf") && e.exit_code() == 2,
        "{e}"
    );
}

#[test]
fn a_zip_bomb_is_refused_before_decompressing() {
    let dir = Dir::new();
    let (_, docx) = report(samples::SEED);
    let path = dir.write("bomb.docx", &docx);
    let tight = Limits {
        max_input: 1 << 20,
        max_expanded: 1000,
    };
    assert!(matches!(
        document::open(&path, tight),
        Err(Error::ZipBomb { .. })
    ));
}

#[test]
fn a_scanned_pdf_is_reported_as_having_no_text_layer() {
    let dir = Dir::new();
    let path = dir.write("扫描件.pdf", &scanned_pdf());
    match document::open(&path, Limits::default()) {
        Err(e @ Error::NoTextLayer { .. }) => {
            let m = e.to_string();
            assert!(
                m.contains("没有文字层") && m.contains("扫描件.pdf") && m.contains("OCR"),
                "{m}"
            );
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_damaged_docx_part_is_an_error_not_a_panic() {
    let dir = Dir::new();
    let (_, docx) = report(samples::SEED);
    // Cut the package's document part in the middle: rebuild the zip with a truncated part.
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(&docx[..])).expect("zip");
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for i in 0..zip.len() {
        let mut f = zip.by_index(i).expect("entry");
        let name = f.name().expect("entry name").to_string();
        let mut data = Vec::new();
        std::io::Read::read_to_end(&mut f, &mut data).expect("read");
        if name == "word/document.xml" {
            data.truncate(data.len() / 2);
            data.extend_from_slice(b"<w:p><w:r><w:t>unclosed</w:x></w:p>");
        }
        out.start_file(name, zip::write::SimpleFileOptions::default())
            .expect("entry");
        std::io::Write::write_all(&mut out, &data).expect("write");
    }
    let bytes = out.finish().expect("zip").into_inner();
    let path = dir.write("cut.docx", &bytes);
    match document::open(&path, Limits::default()) {
        Err(Error::ReportDamaged { detail, .. }) => {
            assert!(detail.contains("word/document.xml"), "{detail}")
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn chinese_in_a_cid_font_with_a_tounicode_cmap_decodes() {
    let dir = Dir::new();
    let doc = open_document(&dir.write("word.pdf", &cid_font_pdf()));
    let paragraphs: Vec<&str> = doc.paragraphs().map(|p| p.text.as_str()).collect();
    assert_eq!(paragraphs, vec!["本年新收 2025"]);
    let t = doc.tables().next().expect("table");
    let cells: Vec<(&(u32, u32), &Value)> = t.grid.cells.iter().collect();
    assert_eq!(
        cells,
        vec![
            (&(0, 0), &Value::Text("本年".into())),
            (&(0, 1), &Value::Text("12".into())),
            (&(1, 0), &Value::Text("新收".into())),
            (&(1, 1), &Value::Text("3".into())),
        ]
    );
    assert!(t.grid.merges.is_empty());
}

// ---------------------------------------------------------------------------------------------
// Corrupted and hostile inputs: a document or an error, never a panic or a hang

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig { cases: 48, ..Default::default() })]

    #[test]
    fn corrupted_reports_give_a_document_or_an_error_never_a_panic(
        at in 0.0f64..1.0,
        len in 1usize..64,
        byte in proptest::prelude::any::<u8>(),
        cut in proptest::prelude::any::<bool>(),
    ) {
        let (docx, xml, html, pdf) = damage_inputs();
        let cases = [
            ("损坏.docx", with_document_xml(docx, &damage(xml, at, len, byte, cut))),
            ("损坏2.docx", damage(docx, at, len, byte, cut)),
            ("损坏.html", damage(html, at, len, byte, cut)),
            ("损坏.pdf", damage(pdf, at, len, byte, cut)),
        ];
        for (name, bytes) in cases {
            // Either result is fine; a panic fails the test.
            let _ = document::parse(Path::new(name), &bytes, Limits::default());
        }
    }
}

#[test]
fn a_deeply_nested_page_is_read_or_refused_quickly() {
    // 1,500 levels: read (the walkers stop at 512 levels; the article is found).
    let depth = 1_500;
    let mut page = String::from("<html><body><div class=\"title\">");
    page.push_str(&"<div>".repeat(depth));
    page.push_str("深处");
    page.push_str(&"</div>".repeat(depth));
    page.push_str(
        "</div><div><h1>标题</h1><p>正文一段。</p><table><tr><td>甲</td><td>1</td></tr></table>",
    );
    page.push_str(&"<span>".repeat(depth));
    page.push_str("</div></body></html>");
    let doc = document::parse(Path::new("deep.html"), page.as_bytes(), Limits::default())
        .expect("page read");
    assert!(doc.paragraphs().any(|p| p.text == "正文一段。"));
    assert_eq!(doc.tables().count(), 1);
    // 100,000 levels: refused before the HTML5 parser spends minutes on it.
    let deep = "<div>".repeat(100_000);
    match document::parse(Path::new("deeper.html"), deep.as_bytes(), Limits::default()) {
        Err(Error::ReportDamaged { detail, .. }) => assert!(detail.contains("嵌套"), "{detail}"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_docx_with_absurd_spans_and_nesting_is_bounded() {
    let (_, docx) = report(samples::SEED);
    let cell = |attrs: &str, text: &str| {
        format!("<w:tc><w:tcPr>{attrs}</w:tcPr><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:tc>")
    };
    let mut body = format!(
        "<w:tbl><w:tr>{}{}</w:tr><w:tr>{}</w:tr></w:tbl>",
        cell("<w:gridSpan w:val=\"4294967295\"/>", "宽"),
        cell("", "外"),
        cell("<w:vMerge/>", "")
    );
    // Tables nested 5,000 deep: read iteratively.
    body.push_str(&"<w:tbl><w:tr><w:tc>".repeat(5000));
    body.push_str("<w:p><w:r><w:t>最里面</w:t></w:r></w:p>");
    body.push_str(&"</w:tc></w:tr></w:tbl>".repeat(5000));
    let xml = format!("<w:document xmlns:w=\"{W}\"><w:body>{body}</w:body></w:document>");
    let bytes = with_document_xml(&docx, xml.as_bytes());
    let doc = document::parse(Path::new("absurd.docx"), &bytes, Limits::default())
        .expect("document read");
    let t = doc.tables().next().expect("table");
    assert_eq!(
        t.grid.merges,
        vec![((0, 0), (0, document::MAX_TABLE_COLS - 1))]
    );
    assert!(doc.paragraphs().any(|p| p.text == "最里面"));
}

#[test]
fn the_finder_reads_every_figure_from_the_grids_of_every_kind_of_document() {
    let dir = Dir::new();
    let (st, docx) = report(samples::BUSY);
    let want = expected(&docx);
    let page = portal_page(&want, &st, Some("gb2312"), title_lines(&docx), false);
    let (gbk, _, _) = encoding_rs::GBK.encode(&page);
    let docs = [
        open_document(&dir.write("r.docx", &docx)),
        open_document(&dir.write("r.html", &gbk)),
        open_document(&pdf_fixture()),
    ];
    for doc in &docs {
        let book = book_of(doc);
        let found = report_gen::finder::find(&book, &|_| None);
        assert_eq!(
            found.tables, [true; 3],
            "{:?}: {:?}",
            doc.kind, found.diagnostics
        );
        assert!(
            found.diagnostics.is_empty(),
            "{:?}: {:?}",
            doc.kind,
            found.diagnostics
        );
        let mut read = 0;
        for (&id, pos) in &found.at {
            let sheet = &book.sheets[pos.sheet];
            let text = match sheet.get(pos.row, pos.col) {
                Some(Value::Text(t)) => t.clone(),
                other => panic!("{:?}: {id:?} at {pos:?}: {other:?}", doc.kind),
            };
            assert_eq!(
                text,
                st.figures.get(id).to_string(),
                "{:?}: {id:?}",
                doc.kind
            );
            read += 1;
        }
        // Every data cell of the three official tables.
        let cells: usize = Table::ALL
            .iter()
            .map(|t| {
                t.layout()
                    .cells
                    .iter()
                    .filter(|p| matches!(p.content, Content::Data(_)))
                    .count()
            })
            .sum();
        assert_eq!(read, cells, "{:?}", doc.kind);
    }
}
