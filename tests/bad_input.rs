//! The bad-input corpus of issue 6, through the real binary: every case gets its exit code (2
//! unreadable, 1 invalid data, 0 with a warning), a Chinese message naming the file and, where
//! one applies, the cell, and leaves no report, appendix or temporary file behind. Also the
//! input limits, Ctrl-C, file names made from agency names, text that looks like a formula, and
//! byte-identical outputs. (The reader's findings cell by cell are in `reader.rs`.)

use crate::util::read::{
    cells_starting_with, complete_zip, document_xml, is_temporary, listing, package_problems,
    read_all, tree,
};
use crate::util::samples::{long_overview, named, odd_characters, with_overview};
use crate::util::workbook::{
    add_entry, address, far_ods, fixture, init, layout_2019, looping_compound_file, noise,
    paste_table_with, patch_part, place, t3_label, tables, Cell, Paste,
};
use crate::util::{accepted, clients, nothing_written, ran, refused, run, samples, Dir};
use calamine::{Data, Reader};
use report_gen::figures::Figures;
use report_gen::format::{CellId, SECTION_OVERVIEW};
use report_gen::layout::Table;
use rust_xlsxwriter::{Format, Workbook};
use std::io::{Cursor, Write};
use std::path::Path;

// ---------------------------------------------------------------------------------------------
// Harness

// ---------------------------------------------------------------------------------------------
// Unreadable files: exit 2

#[test]
fn an_empty_file_is_named_as_empty() {
    refused(
        "空文件.xlsx",
        b"",
        2,
        &["不是可读取的 Excel/WPS 工作簿", "文件是空的（0 字节）"],
        &[],
    );
}

#[test]
fn a_text_file_named_xlsx_is_named_as_text() {
    let text = "机关名称,本年新收\n测试局,12\n".repeat(40);
    refused(
        "文本.xlsx",
        text.as_bytes(),
        2,
        &["内容是文本，不是工作簿", "扩展名"],
        &[],
    );
    // Binary junk is not called text.
    refused(
        "乱码.xlsx",
        &[0u8, 159, 146, 150, 0, 1, 2],
        2,
        &["无法识别为工作簿"],
        &[],
    );
}

#[test]
fn truncated_workbooks_are_damaged_archives() {
    let whole = std::fs::read(samples::path(samples::SEED)).expect("sample");
    for len in [2, 30, 1000, whole.len() / 2, whole.len() - 1] {
        refused(
            "截断.xlsx",
            &whole[..len],
            2,
            &["不是可读取的 Excel/WPS 工作簿", "压缩包已损坏或不完整"],
            &[],
        );
    }
}

#[test]
fn a_zip_that_is_not_a_workbook_says_what_it_is() {
    let zip = |names: &[&str]| {
        let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
        for n in names {
            out.start_file(*n, zip::write::SimpleFileOptions::default())
                .expect("file");
            out.write_all(b"<x/>").expect("write");
        }
        out.finish().expect("zip").into_inner()
    };
    refused(
        "照片.xlsx",
        &zip(&["a.jpg", "b.txt"]),
        2,
        &["压缩包里没有工作簿内容"],
        &[],
    );
    refused(
        "报告.xlsx",
        &zip(&["[Content_Types].xml", "word/document.xml"]),
        2,
        &["这是 Word 文档，不是工作簿"],
        &[],
    );
    // A workbook package whose parts are missing or broken is damaged.
    refused(
        "空壳.xlsx",
        &zip(&["[Content_Types].xml", "xl/workbook.xml"]),
        2,
        &["已损坏，无法读取", "另存为 .xlsx"],
        &[],
    );
}

/// tests/fixtures/encrypted.xlsx is the seed sample encrypted by Excel's standard (agile)
/// encryption with the password “report-gen” (msoffcrypto-tool), as Excel and WPS write it
/// when a password to open is set: an OLE container with EncryptionInfo and EncryptedPackage.
#[test]
fn an_encrypted_workbook_asks_for_the_password_to_be_removed() {
    let bytes =
        std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/encrypted.xlsx"))
            .expect("fixture");
    assert!(bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]));
    refused(
        "加密.xlsx",
        &bytes,
        2,
        &["设置了打开密码（已加密）", "取消密码后另存"],
        &[],
    );
}

// ---------------------------------------------------------------------------------------------
// Invalid data: exit 1, with the cell

#[test]
fn a_workbook_without_tables_is_invalid() {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.write_string(0, 0, "2025年工作总结").expect("write");
    ws.write_number(3, 2, 12.0).expect("write");
    refused(
        "无表.xlsx",
        &wb.save_to_buffer().expect("workbook"),
        1,
        &[
            "没有可用的 2021 版统计表",
            "[READ-NO-TABLE]",
            "没有找到任何统计表",
        ],
        &[],
    );
}

#[test]
fn structural_faults_are_invalid_and_name_the_table() {
    let f = Figures::default();
    // A missing row: its label cleared.
    let missing = tables(&f, &[], |ws| {
        let (r, c) = t3_label("4.保护第三方合法权益");
        ws.write_string(r, c, " ").expect("write");
    });
    refused(
        "缺行.xlsx",
        &missing,
        1,
        &[
            "[READ-ROW-MISSING]",
            "表三缺少「（三）不予公开 4.保护第三方合法权益」行。（位置：数据!B26）",
        ],
        &[],
    );
    // A row twice: row 4's label written over row 5's.
    let twice = tables(&f, &[], |ws| {
        let (r, c) = t3_label("5.属于三类内部事务信息");
        ws.write_string(r, c, "4.保护第三方合法权益")
            .expect("write");
    });
    refused(
        "重复行.xlsx",
        &twice,
        1,
        &[
            "[READ-ROW-MISSING]",
            "表三缺少「（三）不予公开 5.属于三类内部事务信息」行。",
            "[READ-ROW-DUPLICATE] 表三的「（三）不予公开 4.保护第三方合法权益」行出现了 2 次，数字相同",
            "位置：数据!B33、数据!B34",
        ],
        &[],
    );
    // Table 三 twice with different figures: a person could not tell which to take.
    let mut other = f.clone();
    other.t3[0][0] = 1;
    other.t3[2][0] = 1;
    other.compute_totals();
    let duplicated = tables(&f, &[], |ws| {
        paste_table_with(ws, Table::T3, (90, 1), &other, Paste::PLAIN, &[]);
    });
    refused(
        "两张表三.xlsx",
        &duplicated,
        1,
        &[
            "[READ-TABLE-DUPLICATE]",
            "2 张表三",
            "数字不同",
            "数据!E26 为 0、数据!E94 为 1",
        ],
        &[],
    );
}

#[test]
fn rows_in_the_wrong_order_are_read_with_a_warning() {
    let f = Figures::default();
    let swapped = tables(&f, &[], |ws| {
        let (ra, c) = t3_label("1.本机关不掌握相关政府信息");
        let (rb, _) = t3_label("2.没有现成信息需要另行制作");
        ws.write_string(ra, c, "2.没有现成信息需要另行制作")
            .expect("write");
        ws.write_string(rb, c, "1.本机关不掌握相关政府信息")
            .expect("write");
    });
    let _ = accepted(
        "乱序.xlsx",
        &swapped,
        &["[READ-ROW-ORDER]", "已按行名读取", "位置：数据!"],
    );
}

#[test]
fn the_2019_layout_is_invalid() {
    refused(
        "2019版.xlsx",
        &layout_2019(),
        1,
        &["[R-X-2]", "2019 年试行格式", "无法换算"],
        &[],
    );
}

#[test]
fn bad_cells_are_errors_naming_their_cell() {
    let f = samples::busy().figures;
    let date_cell = CellId::T3(7, 4);
    let percent_cell = CellId::T3(6, 3);
    // (file name, cells replaced, the cell named, the message's words)
    type Case = (&'static str, Vec<(CellId, Cell)>, CellId, &'static str);
    let cases: Vec<Case> = vec![
        (
            "引用错误",
            vec![(CellId::T3(9, 0), Cell::Formula("=#REF!+1", "#REF!"))],
            CellId::T3(9, 0),
            "是公式错误 #REF!",
        ),
        (
            "除零",
            vec![(CellId::T3(8, 5), Cell::Formula("=A1/0", "#DIV/0!"))],
            CellId::T3(8, 5),
            "是公式错误 #DIV/0!",
        ),
        (
            "日期",
            vec![(date_cell, Cell::Date)],
            date_cell,
            "实际是日期（2025年3月1日）",
        ),
        (
            "逻辑值",
            vec![(CellId::T4(0, 2), Cell::Bool(true))],
            CellId::T4(0, 2),
            "实际是逻辑值 TRUE",
        ),
        (
            "百分数文字",
            vec![(CellId::T2(0), Cell::Text("50%"))],
            CellId::T2(0),
            "应为数字，实际填的是“50%”",
        ),
        (
            "超十亿",
            vec![(CellId::T3(11, 0), Cell::Number(2e9))],
            CellId::T3(11, 0),
            "大得不合理（超过 10 亿）",
        ),
    ];
    for (name, overrides, at, words) in cases {
        let bytes = tables(&f, &overrides, |_| {});
        refused(
            &format!("{name}.xlsx"),
            &bytes,
            1,
            &[words, &address(at)],
            &[],
        );
    }
    // A percentage typed into a count cell: Excel stores 0.25 with a % format.
    let bytes = tables(&f, &[], |ws| {
        let (r, c) = place(percent_cell);
        ws.write_number_with_format(r, c, 0.25, &Format::new().set_num_format("0%"))
            .expect("write");
    });
    refused(
        "百分数.xlsx",
        &bytes,
        1,
        &["为 0.25，件数必须是整数", &address(percent_cell)],
        &[],
    );
}

// ---------------------------------------------------------------------------------------------
// Far cells, long and strange text: read, with a warning where it helps

#[test]
fn a_cell_at_xfd1048576_is_ignored_with_a_warning_and_costs_nothing() {
    let bytes = patch_part(&init(&samples::seed()), "xl/worksheets/sheet1.xml", |xml| {
        xml.replace(
            "</sheetData>",
            r#"<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>误</t></is></c></row></sheetData>"#,
        )
    });
    let started = std::time::Instant::now();
    let _ = accepted(
        "远处.xlsx",
        &bytes,
        &[
            "[READ-FAR-CELL]",
            "基本信息!XFD1048576 有内容，远在统计表之外",
            "Ctrl+End",
        ],
    );
    assert!(started.elapsed().as_secs() < 20, "{:?}", started.elapsed());
}

#[test]
fn ods_and_xls_sheets_reaching_far_are_refused_before_they_are_built() {
    // .ods and .xls are read as whole rectangles: A1:XFD1048576 would be 17 billion cells.
    refused(
        "远处.ods",
        &far_ods(),
        2,
        &[
            "工作表“数据”使用范围为 A1:XFD1048576",
            "超过上限 4000000",
            "另存为 .xlsx",
        ],
        &[],
    );
    // An .xls saved by LibreOffice from a sheet with cells at A1 and IV65536 (the .xls corner).
    refused(
        "远处.xls",
        &fixture("far-cell.xls"),
        2,
        &["使用范围为 A1:IV65536", "16777216 个单元格"],
        &[],
    );
}

#[test]
fn files_built_to_exhaust_the_spreadsheet_reader_are_refused_first() {
    // Each of these makes the spreadsheet reader (calamine) allocate until the process is
    // killed: checked before it runs.
    refused(
        "循环.xls",
        &looping_compound_file(),
        2,
        &[
            "已损坏，无法读取",
            "复合文档结构有误（扇区链首尾相接（循环））",
        ],
        &[],
    );
    let sst = patch_part(&init(&samples::seed()), "xl/sharedStrings.xml", |xml| {
        let at = xml.find("uniqueCount=\"").expect("count") + "uniqueCount=\"".len();
        let end = at + xml[at..].find('"').expect("end");
        format!("{}9999999999999{}", &xml[..at], &xml[end..])
    });
    refused(
        "字符串表.xlsx",
        &sst,
        2,
        &["共享字符串表声明有 9999999999999 个字符串"],
        &[],
    );
    // A workbook saved as .xls by LibreOffice.
    let mut xls = fixture("busy.xls");
    let good = xls.clone();
    // A DIMENSIONS record (type 0x0200, 14 bytes) declaring rows up to 4294967280.
    let dims = xls
        .windows(4)
        .position(|w| w == [0x00, 0x02, 0x0E, 0x00])
        .expect("DIMENSIONS");
    xls[dims + 8..dims + 12].copy_from_slice(&0xFFFF_FFF0u32.to_le_bytes());
    refused(
        "尺寸.xls",
        &xls,
        2,
        &["使用范围为 A1:", "4294967280", "超过上限 4000000"],
        &[],
    );
    // A sheet whose records are said to start past the end of the stream: the reader panics
    // inside; the panic is contained and reported as damage, with no panic message.
    let mut xls = good;
    let sheet = xls
        .windows(2)
        .position(|w| w == [0x85, 0x00])
        .expect("BOUNDSHEET");
    xls[sheet + 4..sheet + 8].copy_from_slice(&0x7FFF_FFF0u32.to_le_bytes());
    let dir = Dir::new();
    dir.write("in/越界.xls", &xls);
    let (code, out, err) = run(dir.cmd().args(["check", "in/越界.xls"]));
    assert_eq!(code, 2, "{out}{err}");
    assert!(
        err.contains("已损坏，无法读取：文件内部结构不完整或不一致（表格读取组件在 calamine"),
        "{err}"
    );
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn a_hundred_thousand_characters_of_narrative_reach_the_report() {
    let rows = long_overview();
    assert_eq!(
        rows.iter().map(|r| r.chars().count()).sum::<usize>(),
        100_000
    );
    let (_, docx) = accepted("长文.xlsx", &init(&with_overview(&rows)), &[]);
    let xml = document_xml(&docx);
    for row in &rows {
        assert!(xml.contains(row.as_str()), "a paragraph is missing");
    }
    assert_eq!(package_problems(&docx), Vec::<String>::new());
    assert_eq!(
        report_gen::ooxml::order_violations(&docx),
        Vec::<String>::new()
    );
}

#[test]
fn control_characters_and_characters_outside_gb2312_give_a_valid_report() {
    let (dir, docx) = accepted(
        "怪字.xlsx",
        &init(&odd_characters()),
        &[
            "[READ-CONTROL]",
            "含不可见的控制字符，已删除",
            "[READ-GB2312]",
            "“𠀀”“㐀”“😀”",
            "位置：报告正文!C",
            "位置：基本信息!B",
        ],
    );
    let xml = document_xml(&docx);
    assert!(xml.contains("生僻字𠀀与扩展A区㐀，还有表情😀。"));
    assert!(xml.contains("控制字符和转义。"));
    assert!(xml.contains("伊美区教育局"));
    assert_eq!(package_problems(&docx), Vec::<String>::new());
    assert_eq!(
        report_gen::ooxml::order_violations(&docx),
        Vec::<String>::new()
    );
    // The appendix opens and holds the cleaned name.
    let mut book: calamine::Xlsx<_> =
        calamine::open_workbook(dir.join("r-附表.xlsx")).expect("appendix opens");
    let names = book.sheet_names();
    let range = book.worksheet_range(&names[0]).expect("sheet");
    match range.get_value((0, 0)) {
        Some(Data::String(s)) => assert!(s.starts_with("伊美区教育局"), "{s}"),
        other => panic!("{other:?}"),
    }
}

/// The reports of the two tests above pass the Open XML SDK's rules.
#[test]
#[ignore = "client tier: bash tests/clients/install.sh, then cargo test -- --ignored"]
fn reports_of_long_and_odd_text_pass_the_open_xml_sdk_rules() {
    for (name, st) in [
        ("长文.xlsx", with_overview(&long_overview())),
        ("怪字.xlsx", odd_characters()),
    ] {
        let (dir, _) = accepted(name, &init(&st), &[]);
        let errors = clients::sdk_errors(&dir.join("r.docx"));
        assert_eq!(errors, Vec::<String>::new(), "{name}");
    }
}

// ---------------------------------------------------------------------------------------------
// Names and text from the workbook never escape or execute

/// (agency name as typed, its file-name stem).
const HOSTILE_NAMES: [(&str, &str); 4] = [
    ("../../上级局", "____上级局"),
    ("..\\..\\下级局", "____下级局"),
    ("C:\\Windows\\系统局", "C__Windows_系统局"),
    ("甲/乙:丙局", "甲_乙_丙局"),
];

#[test]
fn agency_names_with_path_characters_stay_in_the_output_folder() {
    let long = "局".repeat(300);
    let mut cases: Vec<(String, String)> = HOSTILE_NAMES
        .iter()
        .map(|(a, s)| (a.to_string(), s.to_string()))
        .collect();
    // Shortened, marked with “…”, so that the year stays and the appendix's name fits in 255
    // bytes: 65 × 3 + 3 + 44 (“-2025年政府信息公开工作年度报告”) + 12 (“-附表.xlsx”) = 254.
    cases.push((long.clone(), format!("{}…", "局".repeat(65))));
    // The main command's default name, in the working folder.
    for (agency, stem) in &cases {
        let dir = Dir::new();
        dir.write("in/a.xlsx", &init(&named(agency, &samples::seed())));
        std::fs::create_dir_all(dir.join("work/sub")).expect("folder");
        let r = ran(dir
            .cmd()
            .current_dir(dir.join("work/sub"))
            .arg("../../in/a.xlsx"));
        assert_eq!(r.code, 0, "{}", r.text);
        let mut want = vec![
            format!("{stem}-2025年政府信息公开工作年度报告-附表.xlsx"),
            format!("{stem}-2025年政府信息公开工作年度报告.docx"),
        ];
        want.sort();
        assert!(want.iter().all(|n| n.len() <= 255), "{want:?}");
        assert_eq!(listing(&dir.join("work/sub")), want, "{agency}");
        assert_eq!(listing(dir.path()), vec!["in", "work"], "{agency}");
        assert_eq!(listing(&dir.join("work")), vec!["sub"], "{agency}");
        assert_eq!(tree(&dir.join("in")), vec!["a.xlsx"], "{agency}");
    }
    // The batch, with all of them at once.
    let dir = Dir::new();
    for (i, (agency, _)) in cases.iter().enumerate() {
        dir.write(
            &format!("in/{i}.xlsx"),
            &init(&named(agency, &samples::seed())),
        );
    }
    let r = ran(dir.cmd().args(["batch", "in", "-o", "out"]));
    assert_eq!(r.code, 0, "{}", r.text);
    assert_eq!(listing(dir.path()), vec!["in", "out"]);
    let out = listing(&dir.join("out"));
    assert_eq!(out.len(), 2 * cases.len() + 1, "{out:?}");
    for (_, stem) in &cases {
        assert!(
            out.iter()
                .any(|n| n.starts_with(stem.as_str()) && n.ends_with(".docx")),
            "{stem}: {out:?}"
        );
    }
    assert_eq!(
        tree(&dir.join("out")).len(),
        out.len(),
        "nothing in subfolders"
    );
}

#[test]
fn text_starting_with_formula_characters_stays_text() {
    let agencies = ["=1+1局", "+2局", "-3局", "@SUM(A1)局"];
    let dir = Dir::new();
    for (i, agency) in agencies.iter().enumerate() {
        let mut st = named(agency, &samples::seed());
        st.narrative.sections[SECTION_OVERVIEW][0].paragraphs[0] = format!("={i}+{i}开头的段落");
        dir.write(&format!("in/{i}.xlsx"), &init(&st));
    }
    // The main command's appendix.
    let r = ran(dir.cmd().args(["in/0.xlsx", "-o", "r.docx"]));
    assert_eq!(r.code, 0, "{}", r.text);
    let found = cells_starting_with(&dir.join("r-附表.xlsx"), "=1+1局");
    assert!(found.len() >= 3, "{found:?}");
    for (sheet, v, f) in &found {
        assert!(matches!(v, Data::String(_)), "{sheet}: {v:?}");
        assert_eq!(f, "", "{sheet}: a formula");
    }
    assert!(document_xml(&std::fs::read(dir.join("r.docx")).expect("r")).contains("=0+0开头的段落"));
    // The batch's summary and appendices.
    let r = ran(dir.cmd().args(["batch", "in", "-o", "out"]));
    assert_eq!(r.code, 0, "{}", r.text);
    for agency in agencies {
        let found = cells_starting_with(&dir.join("out").join(report_gen::batch::SUMMARY), agency);
        assert!(!found.is_empty(), "{agency} not in 汇总.xlsx");
        for (sheet, v, f) in &found {
            assert!(matches!(v, Data::String(_)), "{agency} {sheet}: {v:?}");
            assert_eq!(f, "", "{agency} {sheet}: a formula");
        }
        let appendix = dir
            .join("out")
            .join(format!("{agency}-2025年政府信息公开工作年度报告-附表.xlsx"));
        for (sheet, v, f) in cells_starting_with(&appendix, agency) {
            assert!(matches!(v, Data::String(_)), "{agency} {sheet}: {v:?}");
            assert_eq!(f, "", "{agency} {sheet}: a formula");
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Limits before reading

#[test]
fn an_input_above_the_size_limit_is_refused_unread_and_the_flag_raises_it() {
    let dir = Dir::new();
    // A sparse 51 MB file: the limit is checked on its size, before reading a byte.
    let file = std::fs::File::create(dir.join("in/大文件.xlsx")).or_else(|_| {
        std::fs::create_dir_all(dir.join("in"))?;
        std::fs::File::create(dir.join("in/大文件.xlsx"))
    });
    file.expect("file").set_len(51 * 1024 * 1024).expect("size");
    for args in [
        vec!["check", "in/大文件.xlsx"],
        vec!["in/大文件.xlsx", "-o", "r.docx"],
    ] {
        let r = ran(dir.cmd().args(&args));
        assert_eq!(r.code, 2, "{}", r.text);
        assert!(
            r.text
                .contains("in/大文件.xlsx 有 53477376 字节，超过上限 52428800 字节，未读取"),
            "{}",
            r.text
        );
        assert!(r.text.contains("--max-input-mb"), "{}", r.text);
        nothing_written(&dir, &r.text);
    }
    let r = ran(dir
        .cmd()
        .args(["check", "in/大文件.xlsx", "--max-input-mb", "60"]));
    assert_eq!(r.code, 2);
    assert!(r.text.contains("无法识别为工作簿"), "{}", r.text);
    // A real workbook padded past 1 MB: refused at 1, read at 2.
    let padded = add_entry(
        &init(&samples::seed()),
        "xl/media/image1.bin",
        &noise(1_200_000),
        false,
    );
    refused(
        "大工作簿.xlsx",
        &padded,
        2,
        &["超过上限 1048576 字节"],
        &["--max-input-mb", "1"],
    );
    let dir = Dir::new();
    dir.write("in/a.xlsx", &padded);
    let r = ran(dir
        .cmd()
        .args(["check", "in/a.xlsx", "--max-input-mb", "2"]));
    assert_eq!(r.code, 0, "{}", r.text);
}

#[test]
fn zip_bombs_are_refused_before_decompressing() {
    // (1) A small package whose central directory declares a part of 4 GB.
    let mut bytes = init(&samples::seed());
    let cd = bytes
        .windows(4)
        .position(|w| w == b"PK\x01\x02")
        .expect("central directory");
    bytes[cd + 24..cd + 28].copy_from_slice(&0xF000_0000u32.to_le_bytes());
    refused(
        "炸弹.xlsx",
        &bytes,
        2,
        &[
            "解压后将达 4026",
            "超过上限 209715200 字节，疑似压缩炸弹，未读取",
        ],
        &[],
    );
    // (2) Real, highly compressible data: 6 MB of zeros in a few kilobytes. The default limits
    // read it; with --max-input-mb 1 (4 MB expanded) it is refused.
    let zeros = add_entry(
        &init(&samples::seed()),
        "xl/media/zeros.bin",
        &vec![0u8; 6 << 20],
        true,
    );
    assert!(zeros.len() < 100_000, "{}", zeros.len());
    refused(
        "零.xlsx",
        &zeros,
        2,
        &["疑似压缩炸弹", "超过上限 4194304 字节"],
        &["--max-input-mb", "1"],
    );
    let dir = Dir::new();
    dir.write("in/a.xlsx", &zeros);
    let r = ran(dir.cmd().args(["check", "in/a.xlsx"]));
    assert_eq!(r.code, 0, "{}", r.text);
}

// ---------------------------------------------------------------------------------------------
// The batch over the whole corpus

#[test]
fn the_batch_lists_every_bad_file_and_writes_only_the_good_ones() {
    let dir = Dir::new();
    let whole = std::fs::read(samples::path(samples::SEED)).expect("sample");
    dir.write("in/好.xlsx", &whole);
    dir.write("in/空.xlsx", b"");
    dir.write("in/文本.xlsx", "机关名称,测试局\n".as_bytes());
    dir.write("in/截断.xlsx", &whole[..whole.len() / 2]);
    dir.write(
        "in/加密.xlsx",
        &std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/encrypted.xlsx"))
            .expect("fixture"),
    );
    dir.write("in/2019.xlsx", &layout_2019());
    dir.write("in/远处.ods", &far_ods());
    let bad = tables(
        &samples::busy().figures,
        &[(CellId::T3(9, 0), Cell::Formula("=#REF!+1", "#REF!"))],
        |_| {},
    );
    dir.write("in/引用错误.xlsx", &bad);
    let r = ran(dir.cmd().args(["batch", "in", "-o", "out"]));
    assert_eq!(r.code, 1, "{}", r.text);
    assert!(r.text.contains("共 8 个文件：生成报告 1 份"), "{}", r.text);
    let out = listing(&dir.join("out"));
    assert_eq!(
        out,
        vec![
            "伊美区教育局-2025年政府信息公开工作年度报告-附表.xlsx",
            "伊美区教育局-2025年政府信息公开工作年度报告.docx",
            "汇总.xlsx",
        ]
    );
    let mut book: calamine::Xlsx<_> =
        calamine::open_workbook(dir.join("out/汇总.xlsx")).expect("summary");
    let details = book.worksheet_range("问题明细").expect("sheet");
    let rows: Vec<String> = details
        .rows()
        .map(|r| {
            r.iter()
                .map(|c| c.to_string())
                .collect::<Vec<_>>()
                .join("|")
        })
        .collect();
    let has = |file: &str, words: &str| {
        assert!(
            rows.iter()
                .any(|r| r.starts_with(file) && r.contains(words)),
            "{file}: {words}: {rows:#?}"
        )
    };
    has("空.xlsx", "文件是空的");
    has("文本.xlsx", "内容是文本");
    has("截断.xlsx", "压缩包已损坏或不完整");
    has("加密.xlsx", "设置了打开密码");
    has("2019.xlsx", "2019 年试行格式");
    has("远处.ods", "使用范围为 A1:XFD1048576");
    has("引用错误.xlsx", "是公式错误 #REF!");
    assert!(rows
        .iter()
        .any(|r| r.starts_with("引用错误.xlsx") && r.ends_with(&address(CellId::T3(9, 0)))));
}

// ---------------------------------------------------------------------------------------------
// Interrupts and determinism

#[test]
fn ctrl_c_in_a_batch_leaves_no_temporary_and_no_partial_file() {
    let dir = Dir::new();
    let n = 48;
    for i in 0..n {
        let mut st = samples::busy();
        st.info.agency = format!("第{i}区人民政府");
        dir.write(&format!("in/{i:02}.xlsx"), &init(&st));
    }
    std::fs::create_dir_all(dir.join("out")).expect("out");
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("report-gen"))
        .args(["batch", "in", "-o", "out", "--jobs", "2"])
        .current_dir(dir.path())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("starts");
    // Interrupt while a report is being written (a temporary file exists), or at the latest
    // once three reports are out.
    let started = std::time::Instant::now();
    loop {
        let files = listing(&dir.join("out"));
        let reports = files.iter().filter(|n| n.ends_with(".docx")).count();
        if files.iter().any(|n| is_temporary(n)) || reports >= 3 {
            break;
        }
        assert!(started.elapsed().as_secs() < 120, "no report was written");
        assert!(
            child.try_wait().expect("status").is_none(),
            "the batch ended first"
        );
        std::thread::sleep(std::time::Duration::from_millis(1));
    }
    let pid = child.id().to_string();
    let killed = std::process::Command::new("kill")
        .args(["-INT", &pid])
        .status()
        .expect("kill runs");
    assert!(killed.success());
    let out = child.wait_with_output().expect("ends");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        out.status.code(),
        Some(report_gen::output::INTERRUPTED_EXIT),
        "{err}"
    );
    assert!(err.contains("已中断"), "{err}");
    let files = listing(&dir.join("out"));
    assert!(files.iter().all(|f| !is_temporary(f)), "{files:?}");
    let reports = files.iter().filter(|f| f.ends_with(".docx")).count();
    assert!(
        reports < n,
        "{reports} of {n} written: not interrupted mid-run"
    );
    // When a report was being written, its temporary file was removed (and said so).
    if err.contains("删除了") {
        assert!(
            err.contains("个未写完的临时文件，已写完的文件保持完整"),
            "{err}"
        );
    }
    for f in &files {
        assert!(f.ends_with(".docx") || f.ends_with(".xlsx"), "{f}");
        assert!(complete_zip(&dir.join("out").join(f)), "{f} is incomplete");
    }
    // Reports and appendices come in pairs: an interrupt never parts them.
    let stems = |suffix: &str| -> Vec<String> {
        files
            .iter()
            .filter_map(|f| f.strip_suffix(suffix).map(str::to_string))
            .filter(|f| !f.ends_with("-附表"))
            .collect()
    };
    assert_eq!(stems(".docx"), stems("-附表.xlsx"), "{files:?}");
}

#[test]
fn outputs_are_byte_identical_whatever_the_run_order_or_folder() {
    let dir = Dir::new();
    for (i, agency) in ["甲局", "乙局", "丙局", "丁局", "戊局"].iter().enumerate() {
        let mut st = samples::busy();
        st.info.agency = (*agency).to_string();
        dir.write(&format!("in/{i}.xlsx"), &init(&st));
    }
    let mut runs = Vec::new();
    for (out, jobs) in [("out1", "1"), ("out2", "2"), ("out3", "3")] {
        let r = ran(dir.cmd().args(["batch", "in", "-o", out, "--jobs", jobs]));
        assert_eq!(r.code, 0, "{}", r.text);
        runs.push(read_all(&dir.join(out)));
    }
    assert_eq!(runs[0].len(), 11);
    assert!(
        runs[0] == runs[1] && runs[1] == runs[2],
        "a batch output differs"
    );
    // The main command, twice, in different folders, gives the batch's bytes.
    std::fs::create_dir_all(dir.join("x/y")).expect("folder");
    let r1 = ran(dir.cmd().args(["in/0.xlsx", "-o", "a.docx"]));
    let r2 = ran(dir.cmd().args(["in/0.xlsx", "-o", "x/y/b.docx"]));
    assert_eq!((r1.code, r2.code), (0, 0), "{}{}", r1.text, r2.text);
    let read = |p: &str| std::fs::read(dir.join(p)).expect("file");
    assert!(read("a.docx") == read("x/y/b.docx"));
    assert!(read("a-附表.xlsx") == read("x/y/b-附表.xlsx"));
    assert!(read("a.docx") == read("out1/甲局-2025年政府信息公开工作年度报告.docx"));
}

#[test]
fn templates_that_never_end_or_grow_without_end_are_stopped_by_name() {
    let templates = [
        ("preamble.j2", "{% for i in range(100000) %}{% for j in range(100000) %}x{% endfor %}{% endfor %}"),
        (
            "fees.j2",
            "{% set ns = namespace(s='公开') %}{% for i in range(60) %}{% set ns.s = ns.s ~ ns.s %}{% endfor %}{{ ns.s }}",
        ),
        ("title.j2", "{% macro f(n) %}{{ f(n + 1) }}{% endmacro %}{{ f(0) }}"),
    ];
    for (name, source) in templates {
        let dir = Dir::new();
        dir.write(&format!("in/tpl/{name}"), source.as_bytes());
        let sample = samples::path(samples::SEED);
        let r = ran(dir
            .cmd()
            .arg(&sample)
            .args(["-o", "r.docx", "--templates", "in/tpl"]));
        assert_eq!(r.code, 2, "{name}: {}", r.text);
        assert!(
            r.text.contains(&format!("模板 {name}")),
            "{name}: {}",
            r.text
        );
        nothing_written(&dir, name);
    }
}
