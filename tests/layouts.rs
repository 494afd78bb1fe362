//! Every layout a person reads at a glance, written by one generator from the same figures, reads
//! back to those figures: the official tables and the same turned on their side, 表四 with its
//! groups as rows, 表三 keyed by a code column, a statistics-bureau 报表 with helper columns and a
//! column-number row, 表二 as one flat grid with “—” and a 合计 row, a key-value sheet naming
//! each figure by its full path; merged or not, in official wording or accepted short forms, at
//! any offset, on one sheet or several. A property test draws layouts and figures at random.

use crate::util::layouts::{
    errors, reads_back, workbook, workbook_with, Form, T2Form, T3Form, T4Form,
};
use crate::util::random::{figures, forms};
use crate::util::read::read_as;
use crate::util::samples;
use proptest::prelude::*;
use report_gen::diagnostics::Diagnostic;
use report_gen::format::{self, T3_COLS};

#[test]
fn every_layout_reads_to_the_same_figures() {
    let forms = [
        Form::OFFICIAL,
        Form {
            merges: false,
            ..Form::OFFICIAL
        },
        Form {
            t3: T3Form::Turned,
            t4: T4Form::Turned,
            ..Form::OFFICIAL
        },
        Form {
            t3: T3Form::Turned,
            merges: false,
            one_sheet: true,
            at: (3, 2),
            ..Form::OFFICIAL
        },
        Form {
            t3: T3Form::Codes,
            t4: T4Form::GroupsAsRows,
            ..Form::OFFICIAL
        },
        Form {
            t3: T3Form::Bureau,
            t2: T2Form::Flat,
            ..Form::OFFICIAL
        },
        Form {
            key_value: true,
            ..Form::OFFICIAL
        },
        Form {
            key_value: true,
            totals: false,
            at: (2, 1),
            ..Form::OFFICIAL
        },
    ];
    for form in forms {
        reads_back(form);
    }
}

#[test]
fn short_forms_read_with_a_warning_naming_each() {
    for form in [
        Form {
            aliases: true,
            ..Form::OFFICIAL
        },
        Form {
            aliases: true,
            t3: T3Form::Codes,
            t4: T4Form::GroupsAsRows,
            merges: false,
            ..Form::OFFICIAL
        },
        Form {
            aliases: true,
            key_value: true,
            ..Form::OFFICIAL
        },
    ] {
        let st = reads_back(form);
        let warned: Vec<&Diagnostic> = st
            .diagnostics
            .iter()
            .filter(|d| d.id == "READ-DEVIATION")
            .collect();
        // 本年新收 for row 一, 规范性文件 (2019 name), 填报单位 and 年度 for 基本信息.
        for words in ["“本年新收”", "“规范性文件”", "“填报单位”", "“年度”"]
        {
            assert!(
                warned
                    .iter()
                    .any(|d| d.message.contains(words) && !d.cells.is_empty()),
                "{form:?}: {words} not warned: {warned:#?}"
            );
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    /// Any layout, any figures: the same figures come back, and nothing is an error.
    #[test]
    fn any_layout_reads_any_figures(f in figures(), form in forms()) {
        let st = samples::seed();
        let bytes = workbook(&st, &f, &form);
        let got = read_as("版式.xlsx", &bytes).map_err(|e| TestCaseError::fail(format!("{form:?}: {e:?}")))?;
        prop_assert!(errors(&got.diagnostics).is_empty(), "{:?}: {:#?}", form, got.diagnostics);
        prop_assert_eq!(&got.figures, &f, "{:?}", form);
    }
}

// ---------------------------------------------------------------------------------------------
// Labels a person still reads, and labels nobody could

fn warnings<'a>(d: &'a [Diagnostic], id: &str) -> Vec<&'a Diagnostic> {
    d.iter().filter(|x| x.id == id).collect()
}

#[test]
fn labels_one_or_two_characters_off_read_with_a_warning_naming_the_cell() {
    let st = samples::busy();
    let rename = [
        ("6.属于四类过程性信息", "6.属于四类过程信息"),
        ("1.本机关不掌握相关政府信息", "1.本机关不掌握相关信息"),
        ("1.信访举报投诉类申请", "1.信访举报投诉申请"),
        ("社会公益组织", "社会公益组识"),
    ];
    for form in [
        Form::OFFICIAL,
        Form {
            merges: false,
            t3: T3Form::Turned,
            ..Form::OFFICIAL
        },
    ] {
        let got = read_as(
            "版式.xlsx",
            &workbook_with(&st, &st.figures, &form, &rename),
        )
        .expect("reads");
        assert!(
            errors(&got.diagnostics).is_empty(),
            "{:#?}",
            got.diagnostics
        );
        assert_eq!(got.figures, st.figures, "{form:?}");
        let warned = warnings(&got.diagnostics, "READ-DEVIATION");
        for (official, written) in rename {
            let hit = warned
                .iter()
                .find(|d| {
                    d.message
                        .contains(&format!("“{written}”与年报格式的“{official}”"))
                })
                .unwrap_or_else(|| panic!("{written}: {warned:#?}"));
            assert!(hit.cells.iter().all(|c| c.sheet == "表3"), "{hit:?}");
            assert_eq!(hit.cells.len(), 1, "{hit:?}");
        }
    }
}

#[test]
fn a_label_as_near_to_two_official_labels_is_an_error_naming_both() {
    let st = samples::busy();
    // “结果维正” is one character from 结果维持 and one from 结果纠正.
    let bytes = workbook_with(
        &st,
        &st.figures,
        &Form::OFFICIAL,
        &[("结果纠正", "结果维正")],
    );
    let Err(report_gen::Error::Invalid { diagnostics, .. }) = read_as("版式.xlsx", &bytes) else {
        panic!("expected an error");
    };
    let hit = diagnostics
        .iter()
        .find(|d| d.id == "READ-AMBIGUOUS" && d.message.contains("结果维正"))
        .unwrap_or_else(|| panic!("{diagnostics:#?}"));
    assert!(hit.message.contains("“结果维持”") && hit.message.contains("“结果纠正”"));
    assert!(!hit.cells.is_empty());
}

#[test]
fn columns_without_their_own_heads_are_an_error_naming_the_cells() {
    let st = samples::busy();
    // The five heads under 法人或其他组织 left out: which column is which?
    let blank: Vec<(&str, &str)> = T3_COLS[format::T3_LEGAL_PERSON_COLS]
        .iter()
        .map(|c| (c.label, ""))
        .collect();
    let bytes = workbook_with(&st, &st.figures, &Form::OFFICIAL, &blank);
    let Err(report_gen::Error::Invalid { diagnostics, .. }) = read_as("版式.xlsx", &bytes) else {
        panic!("expected an error");
    };
    let hit = diagnostics
        .iter()
        .find(|d| d.id == "READ-AMBIGUOUS")
        .unwrap_or_else(|| panic!("{diagnostics:#?}"));
    assert!(hit.message.contains("表三") && hit.message.contains("没有自己的表头"));
    assert!(hit.cells.len() >= 5, "{hit:?}");
}

#[test]
fn a_printed_total_line_that_does_not_add_up_is_reported() {
    let st = samples::busy();
    let form = Form {
        t2: T2Form::Flat,
        ..Form::OFFICIAL
    };
    let good = read_as("版式.xlsx", &workbook(&st, &st.figures, &form)).expect("reads");
    assert!(good.diagnostics.iter().all(|d| d.id != "READ-SUM"));
    let bad = read_as(
        "版式.xlsx",
        &workbook(
            &st,
            &st.figures,
            &Form {
                wrong_sum: true,
                ..form
            },
        ),
    )
    .expect("reads");
    let sums = warnings(&bad.diagnostics, "READ-SUM");
    let [hit] = sums.as_slice() else {
        panic!("{:#?}", bad.diagnostics)
    };
    assert!(hit.is_error(), "{hit:?}");
    assert!(
        hit.message.contains("合计")
            && hit.message.contains("规章")
            && hit.message.contains("行政规范性文件"),
        "{}",
        hit.message
    );
    // The 合计 cell and its two parts.
    assert_eq!(hit.cells.len(), 3, "{hit:?}");
    assert_eq!(bad.figures, st.figures);
}
