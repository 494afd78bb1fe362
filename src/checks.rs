//! The checks of the rules in [`crate::rules`]: one function per rule, named in its entry there,
//! each saying what is wrong, what to fix and the cells involved.

use crate::diagnostics::Diagnostic;
use crate::format::{
    self, CellId, SECTIONS, SECTION_OTHER, SECTION_PROBLEMS, T3_CARRIED_FORWARD, T3_CARRIED_IN,
    T3_COLS, T3_NEW, T3_RESULTS_TOTAL, T3_TOTAL_COL,
};
use crate::rules::{self, Check};
use crate::statement::{AgencyType, Statement};

/// First report year of the 2021 format.
pub const FIRST_YEAR: i32 = 2021;
/// 3.其他 above this share of （七）总计 (and at least [`OTHER_MISC_MIN`]) is suspicious.
pub const OTHER_MISC_SHARE: f64 = 0.10;
/// Smallest 3.其他 count that R-T3-7 looks at.
pub const OTHER_MISC_MIN: u64 = 5;
/// 行政事业性收费 above this many 万元 was probably typed in 元.
pub const FEES_PLAUSIBLE_WAN: f64 = 1_000_000.0;
/// A section at least this alike last year's (see [`similarity`]) was copied.
/// Measured on the seed report: its sections 一 and 五 score 0.17, the two halves of 一 0.26;
/// 一 copied with new years and figures scores 1.0, and with its first third rewritten 0.74.
pub const COPY_SIMILARITY: f64 = 0.9;
/// Sections with fewer characters than this (“无。”) are not compared with last year's.
pub const COPY_MIN_CHARS: usize = 30;

/// Runs every rule of the registry on a statement (and last year's, for the rules that compare
/// with it).
pub fn run(st: &Statement, previous: Option<&Statement>) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let previous = match previous.map(|prev| (prev, previous_year(st, prev))) {
        Some((prev, Ok(()))) => Some(prev),
        Some((_, Err(d))) => {
            out.push(d);
            None
        }
        None => None,
    };
    for rule in rules::ALL {
        match (rule.check, previous) {
            (Check::Statement(check), _) => check(st, &mut out),
            (Check::Previous(check), Some(prev)) => check(st, prev, &mut out),
            (Check::Previous(_), None) | (Check::Inline, _) => {}
        }
    }
    out
}

/// Whether `prev` can be compared as last year's workbook: its 报告年度 is the year before (or
/// either year is unknown). Another year's workbook is not compared at all: its 结转 and
/// 现行有效 figures would give false R-T3-6 and R-T2-2 findings, and the same year's (often
/// the same file) a false R-X-5. The error is the INFO-PREVIOUS warning saying so.
pub fn previous_year(st: &Statement, prev: &Statement) -> Result<(), Diagnostic> {
    let (Some(y), Some(py)) = (st.info.year, prev.info.year) else {
        return Ok(());
    };
    if py + 1 == y {
        return Ok(());
    }
    let same = if py == y {
        "（与本年度相同）"
    } else {
        ""
    };
    Err(rules::INFO_PREVIOUS
        .warning(format!(
            "作为上一年度提供的统计表 {} 是 {py} 年度的{same}，不是 {} 年度的，因此没有与它比较（{} 未核对）。",
            prev.source,
            y - 1,
            rules::needing_previous()
        ))
        .at(prev
            .info_cell("year")
            .into_iter()
            .map(|c| c.in_file(&prev.source)))
    .hint(format!(
        "请用 --previous 给出 {} 年度的统计表；如该表的报告年度填错了，请改正。",
        y - 1
    )))
}

/// Whether last year's workbook was compared: given, and of the year before (see
/// [`previous_year`]).
pub fn compared(st: &Statement, prev: Option<&Statement>) -> bool {
    prev.is_some_and(|p| previous_year(st, p).is_ok())
}

/// The reader's findings followed by every rule's.
pub fn all(st: &Statement, previous: Option<&Statement>) -> Vec<Diagnostic> {
    let mut d = st.diagnostics.clone();
    d.extend(run(st, previous));
    d
}

/// R-T3-2: （七）总计 as written against the sum of the result rows.
pub(crate) fn result_totals(st: &Statement, out: &mut Vec<Diagnostic>) {
    written_totals(st, out, &rules::R_T3_2, |id| match id {
        CellId::T3(_, c) if c != T3_TOTAL_COL => Some("（一）至（六）各项办理结果之和"),
        _ => None,
    });
}

/// R-T3-3: the 总计 column as written against the sum of the applicant columns.
pub(crate) fn applicant_totals(st: &Statement, out: &mut Vec<Diagnostic>) {
    written_totals(st, out, &rules::R_T3_3, |id| match id {
        CellId::T3(T3_RESULTS_TOTAL, T3_TOTAL_COL) => Some("（七）总计各列之和"),
        CellId::T3(_, T3_TOTAL_COL) => Some("六类申请人之和"),
        _ => None,
    });
}

/// R-T4-1: each group's 总计 as written against the sum of its results.
pub(crate) fn group_totals(st: &Statement, out: &mut Vec<Diagnostic>) {
    written_totals(st, out, &rules::R_T4_1, |id| match id {
        CellId::T4(..) => Some("结果维持、结果纠正、其他结果、尚未审结之和"),
        _ => None,
    });
}

/// The totals the workbook wrote that `parts` names (the sum they should be), against the sums
/// of their parts.
fn written_totals(
    st: &Statement,
    out: &mut Vec<Diagnostic>,
    rule: &'static rules::Rule,
    parts: fn(CellId) -> Option<&'static str>,
) {
    for (&id, &written) in &st.written {
        let computed = st.figures.count(id);
        let Some(parts) = parts(id).filter(|_| written != computed) else {
            continue;
        };
        let mut cells = st.cell(id);
        for p in id.parts().unwrap_or_default() {
            cells.extend(st.cell(p));
        }
        out.push(
            rule.error(format!(
                "{}填的是 {written}，但{parts}为 {computed}（相差 {}）。",
                id.describe(),
                written.abs_diff(computed)
            ))
            .at(cells)
            .hint(format!("总计必须等于{parts}：请改正总计，或核对各分项。")),
        );
    }
}

/// R-T3-1: 一 + 二 = 三（七）总计 + 四 in every column.
pub(crate) fn balance(st: &Statement, out: &mut Vec<Diagnostic>) {
    let f = &st.figures;
    let mut failed = false;
    for (c, col) in T3_COLS.iter().enumerate() {
        let [new, carried_in, done, carried_forward] =
            [T3_NEW, T3_CARRIED_IN, T3_RESULTS_TOTAL, T3_CARRIED_FORWARD].map(|r| f.t3[r][c]);
        let lhs = new.saturating_add(carried_in);
        let rhs = done.saturating_add(carried_forward);
        // The 总计 column is the sum of the others: it only fails when one of them does.
        if lhs == rhs || (c == T3_TOTAL_COL && failed) {
            continue;
        }
        failed = true;
        let cells = [T3_NEW, T3_CARRIED_IN, T3_RESULTS_TOTAL, T3_CARRIED_FORWARD]
            .into_iter()
            .flat_map(|r| st.cell(CellId::T3(r, c)));
        out.push(
            rules::R_T3_1.error(format!(
                    "表三「{}」列不平衡：一、本年新收 {new} + 二、上年结转 {carried_in} = {lhs}，但三、（七）总计 {done} + 四、结转下年度继续办理 {carried_forward} = {rhs}（相差 {}）。",
                    col.label,
                    lhs.abs_diff(rhs)
                ),
            )
            .at(cells)
            .hint("本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和。请核对这一列的新收、结转与各项办理结果。"),
        );
    }
}

/// R-T3-7: （六）3.其他 is for rare cases.
pub(crate) fn other_misc(st: &Statement, out: &mut Vec<Diagnostic>) {
    let f = &st.figures;
    let misc = f.t3[format::T3_OTHER_MISC][T3_TOTAL_COL];
    let total = f.t3[T3_RESULTS_TOTAL][T3_TOTAL_COL];
    if misc >= OTHER_MISC_MIN && (misc as f64) > OTHER_MISC_SHARE * total as f64 {
        out.push(
            rules::R_T3_7.warning(format!(
                    "表三（六）其他处理“3.其他”有 {misc} 件，占办理结果总数 {total} 件的 {:.0}%，偏多。",
                    100.0 * misc as f64 / total.max(1) as f64
                ),
            )
            .at(st.cell(CellId::T3(format::T3_OTHER_MISC, T3_TOTAL_COL)))
            .hint("“其他处理”只用于极少数特殊情况；请确认这些申请不属于（一）至（五）或（六）1、2 项。"),
        );
    }
}

/// R-T3-8: 逾期未缴费 needs fee notices; 实际收取 cannot exceed the notices' total.
pub(crate) fn fees(st: &Statement, out: &mut Vec<Diagnostic>) {
    let info = &st.info;
    let unpaid = st.figures.t3[format::T3_UNPAID][T3_TOTAL_COL];
    if unpaid > 0 && info.fee_notices == 0 {
        let mut cells = st.cell(CellId::T3(format::T3_UNPAID, T3_TOTAL_COL));
        cells.extend(st.info_cell("fee_notices"));
        out.push(
            rules::R_T3_8.warning(format!(
                    "表三（六）2“申请人逾期未按收费通知要求缴纳费用”有 {unpaid} 件，但基本信息的“发出收费通知件数”为 0。"
                ),
            )
            .at(cells)
            .hint("因未缴费不再处理，说明发出过收费通知：请填写收费通知件数和金额，报告第六部分会据此说明信息处理费情况。"),
        );
    }
    if info.fee_collected > info.fee_notice_amount {
        let mut cells = st.info_cell("fee_collected");
        cells.extend(st.info_cell("fee_notice_amount"));
        out.push(
            rules::R_T3_8
                .error(format!(
                    "“实际收取总金额”{} 元超过了“收费通知总金额”{} 元。",
                    info.fee_collected, info.fee_notice_amount
                ))
                .at(cells)
                .hint("实际收取的信息处理费不能多于收费通知载明的金额，请核对。"),
        );
    }
    if info.fee_notices == 0 && info.fee_notice_amount > 0.0 {
        out.push(
            rules::R_T3_8
                .warning(format!(
                    "“收费通知总金额”为 {} 元，但“发出收费通知件数”为 0。",
                    info.fee_notice_amount
                ))
                .at(st.info_cell("fee_notices")),
        );
    }
}

/// R-T2-4: 行政事业性收费 typed in 元 rather than 万元.
pub(crate) fn fee_magnitude(st: &Statement, out: &mut Vec<Diagnostic>) {
    let f = &st.figures;
    if f.fees >= FEES_PLAUSIBLE_WAN {
        out.push(
            rules::R_T2_4
                .warning(format!(
                    "表二「行政事业性收费」为 {:.2} 万元，数额异常大，可能误按“元”填写。",
                    f.fees
                ))
                .at(st.cell(CellId::T2(crate::figures::T2_FEES)))
                .hint("本栏单位是万元：例如 3.5 万元应填 3.5，不是 35000。"),
        );
    }
}

/// R-T2-5: 规章 only from bodies with rule-making power.
pub(crate) fn regulations(st: &Statement, out: &mut Vec<Diagnostic>) {
    let f = &st.figures;
    let regulations: Vec<CellId> = format::t2_cells()
        .filter(|c| c.row_item().id == "regulations")
        .map(|c| CellId::T2(c.index))
        .collect();
    if regulations.iter().any(|&id| f.count(id) > 0) {
        out.push(
            rules::R_T2_5.warning("表二「规章」有数字：只有有规章制定权的机关（国务院部门、省级人民政府、设区的市级人民政府）才制发规章。",
            )
            .at(regulations.iter().flat_map(|&id| st.cell(id)))
            .hint("如本机关没有规章制定权，规章各栏应填 0；行政规范性文件请填在下一行。"),
        );
    }
}

/// R-X-3: year plausible; 成文日期 in the following year and within the legal deadline.
pub(crate) fn year(st: &Statement, out: &mut Vec<Diagnostic>) {
    let Some(y) = st.info.year else {
        return;
    };
    if !(FIRST_YEAR..=2100).contains(&y) {
        out.push(
            rules::R_X_3
                .error(format!(
                    "报告年度 {y} 不在合理范围内：2021 版格式适用于 2021 年度及以后的年度报告。"
                ))
                .at(st.info_cell("year")),
        );
        return;
    }
    let Some(d) = st.info.date else {
        return;
    };
    let government = st.info.agency_type == Some(AgencyType::Government);
    let deadline = if government { (3, 31) } else { (1, 31) };
    if d.year != y + 1 {
        out.push(
            rules::R_X_3
                .warning(format!("成文日期 {d} 不在报告年度的次年（{} 年）。", y + 1))
                .at(st.info_cell("date"))
                .hint(format!(
                    "{y} 年度报告应在 {} 年成文并公布，请核对报告年度和成文日期。",
                    y + 1
                )),
        );
    } else if (d.month, d.day) > deadline {
        out.push(
            rules::R_X_3
                .warning(format!(
                    "成文日期 {d} 晚于法定公布时限 {} 年 {} 月 {} 日（{}）。",
                    y + 1,
                    deadline.0,
                    deadline.1,
                    if government {
                        "县级以上地方人民政府"
                    } else {
                        "政府部门"
                    }
                ))
                .at(st.info_cell("date"))
                .hint("《条例》第四十九条规定了年度报告的公布时限。"),
        );
    }
}

/// TEXT-PART: the five standard parts of 一、总体情况.
pub(crate) fn overview_parts(st: &Statement, out: &mut Vec<Diagnostic>) {
    let overview = &st.narrative.sections[format::SECTION_OVERVIEW];
    for std in &format::OVERVIEW_PARTS {
        let matching: Vec<&crate::statement::Part> = overview
            .iter()
            .filter(|p| {
                p.heading
                    .as_deref()
                    .is_some_and(|h| std.keywords.iter().any(|k| h.contains(k)))
            })
            .collect();
        if matching.iter().any(|p| !p.paragraphs.is_empty()) {
            continue;
        }
        let (message, cells) = match matching.first() {
            Some(p) => (
                format!(
                    "“一、总体情况”的“{}”部分没有正文，报告中将略去这一部分。",
                    p.heading.as_deref().unwrap_or(std.name)
                ),
                p.cell.iter().cloned().collect::<Vec<_>>(),
            ),
            None => (
                format!("“一、总体情况”没有写到“{}”方面。", std.name),
                Vec::new(),
            ),
        };
        out.push(
            rules::TEXT_PART.warning(message)
                .at(cells)
                .hint("2021 年报格式要求总体情况包括主动公开、依申请公开、政府信息管理、政府信息公开平台建设、监督保障五个方面。"),
        );
    }
}

/// R-X-7: section 五 has content.
pub(crate) fn problems(st: &Statement, out: &mut Vec<Diagnostic>) {
    let problems = &st.narrative.sections[SECTION_PROBLEMS];
    if problems.iter().all(|p| p.paragraphs.is_empty()) {
        out.push(
            rules::R_X_7
                .warning("报告正文中“五、存在的主要问题及改进情况”没有内容。")
                .hint("请写明存在的主要问题和改进措施，并说明上一年度问题的整改情况。"),
        );
    }
}

/// R-X-8: a 人民政府 reports 工作考核、社会评议 and 责任追究.
pub(crate) fn government_duties(st: &Statement, out: &mut Vec<Diagnostic>) {
    if st.info.agency_type == Some(AgencyType::Government) {
        let all: Vec<String> = (0..SECTIONS.len()).map(|i| st.narrative.text(i)).collect();
        let missing = unmentioned(&format::GOVERNMENT_DUTIES, &all.join("\n"));
        if !missing.is_empty() {
            out.push(
                rules::R_X_8.error(format!(
                        "机关类型为人民政府，报告须包括工作考核、社会评议和责任追究结果情况，但报告正文没有写到：{}。",
                        missing.join("、")
                    ),
                )
                .at(st.info_cell("agency_type"))
                .hint("《条例》第五十条第（四）项：请在“一、总体情况”的监督保障部分写明。"),
            );
        }
    }
}

/// R-X-6: section 六 reports the matters the format lists there. 信息处理费 is not asked for:
/// the report always states it, from 基本信息.
pub(crate) fn other_matters(st: &Statement, out: &mut Vec<Diagnostic>) {
    let parts = &st.narrative.sections[SECTION_OTHER];
    let missing = unmentioned(&format::OTHER_MATTERS, &st.narrative.text(SECTION_OTHER));
    if missing.is_empty() {
        return;
    }
    out.push(
        rules::R_X_6.warning(format!(
                "报告正文中“六、其他需要报告的事项”没有写到：{}。",
                missing.join("、")
            ),
        )
        .at(parts.iter().filter_map(|p| p.cell.as_ref()))
        .hint("请在报告正文的第六部分逐项写明；某项没有情况的，写明该项并注明“无”。信息处理费情况由本工具根据基本信息写入，不必填写。"),
    );
}

/// The topics `text` does not mention (R-X-6, R-X-8).
fn unmentioned(topics: &[format::Topic], text: &str) -> Vec<&'static str> {
    topics
        .iter()
        .filter(|(_, words)| !words.iter().any(|w| text.contains(w)))
        .map(|(topic, _)| *topic)
        .collect()
}

/// R-X-5: this year's report is not last year's with new dates (内容雷同, which the 2021
/// notice names): a section's text nearly the same, or a whole table unchanged with activity.
pub(crate) fn copied(st: &Statement, prev: &Statement, out: &mut Vec<Diagnostic>) {
    for (i, section) in SECTIONS.iter().enumerate() {
        let Some(alike) = similarity(
            &st.narrative.text(i),
            &prev.narrative.text(i),
            COPY_MIN_CHARS,
        ) else {
            continue;
        };
        if alike >= COPY_SIMILARITY {
            let parts = st.narrative.sections.get(i).into_iter().flatten();
            out.push(
                rules::R_X_5
                    .warning(format!(
                        "报告正文中“{}”与上一年度的文字 {:.0}% 相同（不计数字）。",
                        section.heading,
                        (alike * 100.0).floor()
                    ))
                    .at(parts.filter_map(|p| p.cell.as_ref()))
                    .hint(
                        "年报格式通知把“内容雷同”列为须追究责任的问题：请按本年度的工作实际重写。",
                    ),
            );
        }
    }
    let (f, p) = (&st.figures, &prev.figures);
    // 现行有效件数 alone does not count as activity: with nothing issued or repealed it rightly
    // stays the same.
    let t2_active = f.fees > 0.0
        || format::t2_cells()
            .any(|c| c.col_item().id != "in_force" && f.t2.get(c.index).is_some_and(|&n| n > 0));
    let same = [
        (
            "表二（主动公开政府信息情况）",
            f.t2 == p.t2 && f.fees.to_bits() == p.fees.to_bits() && t2_active,
            CellId::T2(0),
        ),
        (
            "表三（收到和处理政府信息公开申请情况）",
            f.t3 == p.t3 && f.t3.iter().flatten().any(|&n| n > 0),
            CellId::T3(T3_NEW, T3_TOTAL_COL),
        ),
        (
            "表四（行政复议、行政诉讼情况）",
            f.t4 == p.t4 && f.t4.iter().flatten().any(|&n| n > 0),
            CellId::T4(0, 0),
        ),
    ];
    for (table, unchanged, first) in same {
        if unchanged {
            out.push(
                rules::R_X_5.warning(format!("{table}的每一个数字都与上一年度相同。"),
                )
                .at(st.cell(first))
                .hint("各项数字连续两年完全相同极少见，多是沿用了上年的统计表：请核对本年度的统计。"),
            );
        }
    }
}

/// A phrase of the agency's text that states a table figure (rule R-X-4).
struct Claim {
    /// Any of these, followed closely by “N件”.
    words: &'static [&'static str],
    /// The table figure it states, as office staff know it.
    what: &'static str,
    /// The values that agree with the tables (some wordings allow two readings).
    values: fn(&crate::figures::Figures) -> Vec<u64>,
}

fn t2_count(f: &crate::figures::Figures, row: &str, col: Option<&str>) -> u64 {
    format::t2_index(row, col).map_or(0, |i| f.count(CellId::T2(i)))
}

const CLAIMS: [Claim; 11] = [
    Claim {
        words: &[
            "收到政府信息公开申请",
            "受理政府信息公开申请",
            "新收政府信息公开申请",
            "收到依申请公开申请",
        ],
        what: "表三「一、本年新收」总计",
        // “收到N件” sometimes counts the carried-over applications too.
        values: |f| {
            vec![
                f.t3[T3_NEW][T3_TOTAL_COL],
                f.t3[T3_NEW][T3_TOTAL_COL] + f.t3[T3_CARRIED_IN][T3_TOTAL_COL],
            ]
        },
    },
    Claim {
        words: &["上年结转"],
        what: "表三「二、上年结转」总计",
        values: |f| vec![f.t3[T3_CARRIED_IN][T3_TOTAL_COL]],
    },
    Claim {
        words: &["办结", "办理完毕"],
        what: "表三「（七）总计」",
        values: |f| vec![f.t3[T3_RESULTS_TOTAL][T3_TOTAL_COL]],
    },
    Claim {
        words: &["结转下年度"],
        what: "表三「四、结转下年度继续办理」总计",
        values: |f| vec![f.t3[T3_CARRIED_FORWARD][T3_TOTAL_COL]],
    },
    Claim {
        words: &["行政复议"],
        what: "表四「行政复议」总计",
        values: |f| vec![f.t4[format::T4_REVIEW][format::T4_TOTAL]],
    },
    Claim {
        words: &["行政诉讼"],
        what: "表四「行政诉讼」两项总计之和",
        // A sentence per kind of suit (“未经复议被直接提起行政诉讼6件”) states one group's.
        values: |f| {
            let mut v = vec![litigation(f)];
            v.extend(
                (0..format::T4_GROUPS.len())
                    .filter(|&g| g != format::T4_REVIEW)
                    .map(|g| f.count(CellId::T4(g, format::T4_TOTAL))),
            );
            v
        },
    },
    Claim {
        words: &[
            "制发行政规范性文件",
            "制发规范性文件",
            "印发行政规范性文件",
            "印发规范性文件",
        ],
        what: "表二「行政规范性文件」「本年制发件数」",
        values: |f| vec![t2_count(f, "normative_documents", Some("issued"))],
    },
    Claim {
        words: &["现行有效"],
        what: "表二「行政规范性文件」「现行有效件数」",
        values: |f| {
            vec![
                t2_count(f, "normative_documents", Some("in_force")),
                t2_count(f, "regulations", Some("in_force"))
                    + t2_count(f, "normative_documents", Some("in_force")),
            ]
        },
    },
    Claim {
        words: &["行政许可"],
        what: "表二「行政许可」",
        values: |f| vec![t2_count(f, "licensing", None)],
    },
    Claim {
        words: &["行政处罚"],
        what: "表二「行政处罚」",
        values: |f| vec![t2_count(f, "penalty", None)],
    },
    Claim {
        words: &["行政强制"],
        what: "表二「行政强制」",
        values: |f| vec![t2_count(f, "coercion", None)],
    },
];

/// The number right after `rest`'s start: at most a few characters (“共”, “共计”, “数量为”)
/// before “N件”; `None` when punctuation comes first or no 件 follows.
fn stated_number(rest: &str) -> Option<u64> {
    use unicode_normalization::UnicodeNormalization;
    let t: String = rest.nfkc().collect();
    let start = t.find(|c: char| c.is_ascii_digit())?;
    let lead = &t[..start];
    if lead.chars().count() > 4 || lead.contains(|c: char| ",.;:、()。".contains(c)) {
        return None;
    }
    let body = &t[start..];
    let end = body
        .find(|c: char| !(c.is_ascii_digit() || c == ','))
        .unwrap_or(body.len());
    if !body[end..].starts_with('件') {
        return None;
    }
    body[..end].replace(',', "").parse().ok()
}

/// 行政诉讼's cases: the totals of its two groups (未经复议直接起诉, 复议后起诉).
pub fn litigation(f: &crate::figures::Figures) -> u64 {
    (0..format::T4_GROUPS.len())
        .filter(|&g| g != format::T4_REVIEW)
        .map(|g| f.count(CellId::T4(g, format::T4_TOTAL)))
        .sum()
}

/// R-X-4: figures the agency's own text states must agree with the tables. Public for `audit`,
/// which also checks the sentences a published report puts before its tables.
pub fn narrative_figures(st: &Statement, out: &mut Vec<Diagnostic>) {
    let f = &st.figures;
    for (part, paragraph) in st.narrative.paragraphs() {
        for sentence in paragraph.split_inclusive(['。', '；', '！', '？']) {
            let cell = part.cell.iter();
            if sentence.contains("未收到")
                && sentence.contains("申请")
                && !sentence.contains("未收到新")
            {
                let new = f.t3[T3_NEW][T3_TOTAL_COL];
                if new > 0 {
                    out.push(
                        rules::R_X_4
                            .warning(format!(
                                "报告正文“{}”说未收到申请，但表三「一、本年新收」总计为 {new} 件。",
                                sentence.trim()
                            ))
                            .at(cell.clone())
                            .hint("请改正正文或统计表，使两者一致。"),
                    );
                }
            }
            for claim in &CLAIMS {
                for word in claim.words {
                    for (i, _) in sentence.match_indices(word) {
                        let Some(n) = stated_number(&sentence[i + word.len()..]) else {
                            continue;
                        };
                        let values = (claim.values)(f);
                        if values.contains(&n) {
                            continue;
                        }
                        out.push(
                            rules::R_X_4
                                .warning(format!(
                                    "报告正文“{}”写的是 {n} 件，但{}为 {} 件。",
                                    sentence.trim(),
                                    claim.what,
                                    values.first().copied().unwrap_or(0)
                                ))
                                .at(cell.clone())
                                .hint("请改正正文或统计表，使两者一致。"),
                        );
                    }
                }
            }
        }
    }
}

/// R-T3-6: 上年结转 equals last year's 结转下年度继续办理, per column.
pub(crate) fn carried_in(st: &Statement, prev: &Statement, out: &mut Vec<Diagnostic>) {
    let (f, p) = (&st.figures, &prev.figures);
    let mut failed = false;
    for (c, col) in T3_COLS.iter().enumerate() {
        let now = f.t3[T3_CARRIED_IN][c];
        let before = p.t3[T3_CARRIED_FORWARD][c];
        // As in R-T3-1, the 总计 column only repeats a failing applicant column.
        if now != before && !(c == T3_TOTAL_COL && failed) {
            failed = true;
            let mut cells = st.cell(CellId::T3(T3_CARRIED_IN, c));
            cells.extend(
                prev.cell(CellId::T3(T3_CARRIED_FORWARD, c))
                    .into_iter()
                    .map(|x| x.in_file(&prev.source)),
            );
            out.push(
                rules::R_T3_6.error(format!(
                    "表三「{}」列：二、上年结转 {now} 件，但上一年度的四、结转下年度继续办理为 {before} 件。",
                    col.label
                ))
                .at(cells)
                .hint("上年结转应等于上一年度报告的结转下年度数；如因机构改革等原因确有不同，请在报告中说明。"),
            );
        }
    }
}

/// One row of 表二's documents (规章, 行政规范性文件) against last year's: its label, last year's
/// 现行有效, this year's 制发, 废止 and 现行有效, and their cells.
struct Documents {
    label: &'static str,
    before: u64,
    issued: u64,
    repealed: u64,
    in_force: u64,
    cells: [CellId; 3],
}

fn documents<'a>(st: &'a Statement, prev: &'a Statement) -> impl Iterator<Item = Documents> + 'a {
    ["regulations", "normative_documents"]
        .into_iter()
        .filter_map(move |row| {
            let idx = |col: &str| format::t2_index(row, Some(col)).map(CellId::T2);
            let cells = [idx("in_force")?, idx("issued")?, idx("repealed")?];
            let label = format::t2_cells()
                .find(|c| c.row_item().id == row)
                .map_or("", |c| c.row_item().label);
            let f = &st.figures;
            Some(Documents {
                label,
                before: prev.figures.count(cells[0]),
                in_force: f.count(cells[0]),
                issued: f.count(cells[1]),
                repealed: f.count(cells[2]),
                cells,
            })
        })
}

/// R-T2-2: 现行有效件数 = last year's + 制发 − 废止.
pub(crate) fn in_force(st: &Statement, prev: &Statement, out: &mut Vec<Diagnostic>) {
    for d in documents(st, prev) {
        let (label, before, iss, rep, now) = (d.label, d.before, d.issued, d.repealed, d.in_force);
        let expected = (before + iss).checked_sub(rep);
        if expected != Some(now) {
            out.push(
                rules::R_T2_2.warning(format!(
                    "表二「{label}」现行有效件数为 {now}，而上年现行有效 {before} + 本年制发 {iss} − 本年废止 {rep} = {}。",
                    expected.map_or_else(|| "负数".to_string(), |e| e.to_string())
                ))
                .at(d.cells.iter().flat_map(|&id| st.cell(id)))
                .hint("修改、清理或机构调整可能使数字不连续；如属这种情况，请在报告中说明。"),
            );
        }
    }
}

/// R-T2-3: no more 废止 than last year's 现行有效 and this year's 制发.
pub(crate) fn repealed(st: &Statement, prev: &Statement, out: &mut Vec<Diagnostic>) {
    for d in documents(st, prev) {
        let (label, before, iss, rep) = (d.label, d.before, d.issued, d.repealed);
        if rep > before + iss {
            out.push(
                rules::R_T2_3
                    .warning(format!(
                        "表二「{label}」本年废止 {rep} 件，多于上年现行有效 {before} 件与本年制发 {iss} 件之和。"
                    ))
                    .at(st.cell(d.cells[2])),
            );
        }
    }
}

/// How alike two texts are, from 0 (nothing shared) to 1 (the same): the Dice coefficient of
/// their character pairs, ignoring white space and digits (years and figures change every year
/// in a copied text). `None` when either has fewer than `min_chars` characters left.
fn similarity(a: &str, b: &str, min_chars: usize) -> Option<f64> {
    use std::collections::HashMap;
    let kept = |s: &str| -> Vec<char> {
        s.chars()
            .filter(|c| !c.is_whitespace() && !c.is_numeric())
            .collect()
    };
    let (a, b) = (kept(a), kept(b));
    // At least one pair each, so the denominator is never zero.
    let min = min_chars.max(2);
    if a.len() < min || b.len() < min {
        return None;
    }
    let mut pairs: HashMap<(char, char), i64> = HashMap::new();
    for w in a.windows(2) {
        if let [x, y] = w {
            *pairs.entry((*x, *y)).or_default() += 1;
        }
    }
    let mut shared = 0i64;
    for w in b.windows(2) {
        if let [x, y] = w {
            if let Some(n) = pairs.get_mut(&(*x, *y)) {
                if *n > 0 {
                    *n -= 1;
                    shared += 1;
                }
            }
        }
    }
    let total = (a.len() - 1 + b.len() - 1) as f64;
    Some(2.0 * shared as f64 / total)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::statement::{Date, Part};

    fn statement() -> Statement {
        let mut st = Statement::default();
        st.info.agency = "测试局".into();
        st.info.year = Some(2025);
        st.info.agency_type = Some(AgencyType::Department);
        st.info.date = Date::new(2026, 1, 20);
        st.narrative.sections[SECTION_PROBLEMS].push(Part {
            heading: None,
            paragraphs: vec!["问题与措施。".into()],
            cell: None,
        });
        st.narrative.sections[SECTION_OTHER].push(Part {
            heading: None,
            paragraphs: vec!["落实工作要点。建议提案办理结果已公开。工作创新。".into()],
            cell: None,
        });
        st.narrative.sections[format::SECTION_OVERVIEW] = format::OVERVIEW_PARTS
            .iter()
            .map(|p| Part {
                heading: Some(p.name.to_string()),
                paragraphs: vec!["内容。".into()],
                cell: None,
            })
            .collect();
        st.figures.t3[T3_NEW][0] = 5;
        st.figures.t3[format::T3_GRANTED][0] = 4;
        st.figures.t3[T3_CARRIED_FORWARD][0] = 1;
        st.figures.compute_totals();
        st
    }

    /// Ids are unique, and a rule's words say “（提供上年统计表时）” exactly when it compares
    /// with last year.
    #[test]
    fn rules_are_listed_once_and_say_when_they_need_last_year() {
        let mut ids: Vec<&str> = rules::ALL.iter().map(|r| r.id).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), rules::ALL.len());
        for r in rules::ALL {
            assert_eq!(
                r.words.contains("提供上年统计表时"),
                r.needs_previous(),
                "{}",
                r.id
            );
            assert!(!r.levels.is_empty() && !r.about.is_empty(), "{}", r.id);
        }
    }

    /// None of the rules that compare with last year is found without last year's workbook.
    #[test]
    fn last_year_rules_need_last_year() {
        let mut st = statement();
        st.figures.t3[T3_CARRIED_IN][0] = 9;
        st.figures.compute_totals();
        assert!(run(&st, None)
            .iter()
            .all(|d| !rules::find(d.id).is_some_and(|r| r.needs_previous())));
    }

    fn ids(d: &[Diagnostic]) -> Vec<&'static str> {
        d.iter().map(|d| d.id).collect()
    }

    #[test]
    fn a_balanced_statement_passes() {
        assert_eq!(ids(&run(&statement(), None)), Vec::<&str>::new());
    }

    #[test]
    fn unbalanced_column_names_the_column_and_both_sums() {
        let mut st = statement();
        st.figures.t3[T3_NEW][0] = 6;
        st.figures.compute_totals();
        let d = run(&st, None);
        assert_eq!(ids(&d), vec!["R-T3-1"]);
        assert!(
            d[0].message.contains("「自然人」")
                && d[0].message.contains("= 6")
                && d[0].message.contains("= 5")
        );
    }

    #[test]
    fn written_totals_are_compared() {
        let mut st = statement();
        st.written.insert(CellId::T4(0, 4), 0);
        st.figures.t4[0][0] = 10;
        st.figures.t4[0][1] = 1;
        st.figures.compute_totals();
        st.written.insert(CellId::T3(T3_NEW, T3_TOTAL_COL), 4);
        st.written.insert(CellId::T3(T3_RESULTS_TOTAL, 0), 3);
        let d = run(&st, None);
        assert_eq!(ids(&d), vec!["R-T3-2", "R-T3-3", "R-T4-1"]);
        assert!(d[2].message.contains("填的是 0") && d[2].message.contains("为 11"));
    }

    #[test]
    fn other_misc_fees_and_table_two() {
        let mut st = statement();
        st.figures.t3[format::T3_OTHER_MISC][0] = 5;
        st.figures.t3[format::T3_UNPAID][0] = 1;
        st.figures.t3[T3_NEW][0] = 11;
        st.figures.fees = 3_164_410_000.0;
        st.figures.t2[0] = 1;
        st.info.fee_collected = 10.0;
        st.figures.compute_totals();
        assert_eq!(
            ids(&run(&st, None)),
            vec!["R-T3-7", "R-T3-8", "R-T3-8", "R-T2-4", "R-T2-5"]
        );
    }

    #[test]
    fn overview_parts_missing_or_empty_are_warned() {
        let mut st = statement();
        st.narrative.sections[format::SECTION_OVERVIEW].remove(2);
        st.narrative.sections[format::SECTION_OVERVIEW][0]
            .paragraphs
            .clear();
        let d = run(&st, None);
        assert_eq!(ids(&d), vec!["TEXT-PART", "TEXT-PART"]);
        assert!(
            d[0].message.contains("“主动公开”部分没有正文"),
            "{}",
            d[0].message
        );
        assert!(
            d[1].message.contains("没有写到“政府信息管理”方面"),
            "{}",
            d[1].message
        );
    }

    #[test]
    fn year_and_narrative_rules() {
        let mut st = statement();
        st.info.date = Date::new(2026, 2, 10);
        assert_eq!(ids(&run(&st, None)), vec!["R-X-3"]);
        st.info.agency_type = Some(AgencyType::Government);
        st.narrative.sections[SECTION_PROBLEMS].clear();
        assert_eq!(ids(&run(&st, None)), vec!["R-X-7", "R-X-8"]);
        st.info.year = Some(2019);
        assert_eq!(ids(&run(&st, None))[0], "R-X-3");
    }

    #[test]
    fn narrative_figures_must_match_the_tables() {
        let mut st = statement();
        let say = |st: &mut Statement, text: &str| {
            st.narrative.sections[SECTION_PROBLEMS] = vec![Part {
                heading: None,
                paragraphs: vec![text.to_string()],
                cell: None,
            }];
        };
        say(
            &mut st,
            "本年度共收到政府信息公开申请5件，上年结转0件，办结4件，结转下年度1件。",
        );
        assert_eq!(ids(&run(&st, None)), Vec::<&str>::new());
        say(
            &mut st,
            "本年度，共受理政府信息公开申请2件。被申请行政复议1件。制发规范性文件共计３件。",
        );
        let d = run(&st, None);
        assert_eq!(ids(&d), vec!["R-X-4", "R-X-4", "R-X-4"]);
        assert!(d[0].message.contains("“本年度，共受理政府信息公开申请2件。”写的是 2 件，但表三「一、本年新收」总计为 5 件"), "{}", d[0].message);
        assert!(d[1].message.contains("表四「行政复议」总计为 0 件"));
        assert!(d[2].message.contains("写的是 3 件"));
        say(
            &mut st,
            "全年未收到政府信息公开申请。培训4次，发布信息128篇，行政许可决定在网上公开。",
        );
        assert_eq!(ids(&run(&st, None)), vec!["R-X-4"]);
    }

    #[test]
    fn continuity_with_last_year() {
        let st = statement();
        let mut prev = statement();
        prev.info.year = Some(2024);
        // Not the text R-X-5 compares.
        prev.narrative = Default::default();
        prev.figures.t3[T3_CARRIED_FORWARD][0] = 2;
        prev.figures.t2[2] = 3;
        prev.figures.compute_totals();
        let d = run(&st, Some(&prev));
        assert_eq!(ids(&d), vec!["R-T3-6", "R-T2-2"]);
        assert!(d[0].message.contains("上年结转 0") && d[0].message.contains("为 2 件"));
        let mut st2 = statement();
        st2.figures.t2[4] = 5;
        st2.figures.t3[T3_CARRIED_IN][0] = 1;
        st2.figures.t3[format::T3_GRANTED][0] = 5;
        st2.figures.compute_totals();
        let mut prev2 = statement();
        prev2.info.year = Some(2024);
        prev2.narrative = Default::default();
        let d = run(&st2, Some(&prev2));
        assert_eq!(ids(&d), vec!["R-T2-2", "R-T2-3"]);
        assert!(compared(&st2, Some(&prev2)));
        // Another year's workbook, or this year's, is not compared at all: one warning says so.
        for year in [2023, 2025] {
            prev2.info.year = Some(year);
            let d = run(&st2, Some(&prev2));
            assert_eq!(ids(&d), vec!["INFO-PREVIOUS"], "{year}");
            assert_eq!(d[0].severity, crate::diagnostics::Severity::Warning);
            assert!(
                d[0].message.contains("不是 2024 年度的"),
                "{}",
                d[0].message
            );
            assert!(!compared(&st2, Some(&prev2)));
        }
        let d = run(&st2, Some(&st2));
        assert_eq!(ids(&d), vec!["INFO-PREVIOUS"]);
        assert!(d[0].message.contains("与本年度相同"), "{}", d[0].message);
    }

    #[test]
    fn section_six_names_the_matters_it_leaves_out() {
        let mut st = statement();
        st.narrative.sections[SECTION_OTHER] = vec![Part {
            heading: None,
            paragraphs: vec!["无。".into()],
            cell: Some(crate::diagnostics::CellRef::new("报告正文", 30, 2)),
        }];
        let d = run(&st, None);
        assert_eq!(ids(&d), vec!["R-X-6"]);
        assert_eq!(
            d[0].message,
            "报告正文中“六、其他需要报告的事项”没有写到：落实上级年度政务公开工作要点情况、人大代表建议和政协提案办理结果公开情况、政务公开工作创新情况。"
        );
        assert_eq!(d[0].cells, vec!["报告正文!C31"]);
        st.narrative.sections[SECTION_OTHER] = vec![Part {
            heading: Some("政务公开工作创新情况".into()),
            paragraphs: vec!["本年度办理人大代表建议 3 件，结果均已公开。".into()],
            cell: None,
        }];
        let d = run(&st, None);
        assert_eq!(ids(&d), vec!["R-X-6"]);
        assert!(d[0]
            .message
            .ends_with("没有写到：落实上级年度政务公开工作要点情况。"));
    }

    #[test]
    fn a_copy_of_last_year_is_flagged() {
        let text = "本年度，我局坚持以公开为常态、不公开为例外，围绕中心工作，在主动公开、依申请公开、政府信息管理、平台建设和监督保障等方面扎实推进，全年主动公开政府信息 120 条。";
        let with = |t: &str| {
            let mut st = statement();
            st.narrative.sections[format::SECTION_OVERVIEW][0].paragraphs = vec![t.to_string()];
            st
        };
        let st = with(text);
        let mut prev = with(&text.replace("120", "95"));
        prev.info.year = Some(2024);
        // Last year's carried-forward application is this year's carried-in one.
        prev.figures.t3[T3_CARRIED_FORWARD][0] = 0;
        prev.figures.t3[format::T3_GRANTED][0] = 5;
        prev.figures.compute_totals();
        let d = run(&st, Some(&prev));
        assert_eq!(ids(&d), vec!["R-X-5"], "{d:?}");
        assert_eq!(
            d[0].message,
            "报告正文中“一、总体情况”与上一年度的文字 100% 相同（不计数字）。"
        );
        // Rewritten: no longer flagged.
        let st = with("今年我们重点推进了政策解读，新建政务公开专区两个，办理依申请公开事项全部按期答复，群众满意度明显提高。");
        assert!(run(&st, Some(&prev)).is_empty());
        // Tables: every figure unchanged, with activity, is flagged; all zero is not.
        let mut st = statement();
        // One application carried in and one carried forward, so continuity holds as well.
        st.figures.t3[T3_CARRIED_IN][0] = 1;
        st.figures.t3[format::T3_GRANTED][0] = 5;
        st.figures.compute_totals();
        let mut same = statement();
        same.info.year = Some(2024);
        same.figures = st.figures.clone();
        same.narrative = Default::default();
        let d = run(&st, Some(&same));
        assert_eq!(ids(&d), vec!["R-X-5"]);
        assert_eq!(
            d[0].message,
            "表三（收到和处理政府信息公开申请情况）的每一个数字都与上一年度相同。"
        );
        // 表二 with only 现行有效件数 (nothing issued, repealed, licensed...) rightly repeats.
        let in_force = format::t2_index("normative_documents", Some("in_force"));
        let mut st = statement();
        st.figures.t2[in_force.expect("cell")] = 12;
        let mut prev = st.clone();
        prev.info.year = Some(2024);
        prev.narrative = Default::default();
        prev.figures.t3[T3_CARRIED_FORWARD][0] = 0;
        prev.figures.t3[format::T3_GRANTED][0] = 5;
        prev.figures.compute_totals();
        let d = run(&st, Some(&prev));
        assert!(d.is_empty(), "{d:?}");
        let licensing = format::t2_index("licensing", None);
        st.figures.t2[licensing.expect("cell")] = 3;
        prev.figures.t2 = st.figures.t2;
        assert_eq!(ids(&run(&st, Some(&prev))), vec!["R-X-5"]);
    }
}
