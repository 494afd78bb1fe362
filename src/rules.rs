//! The rules: one entry each, holding everything about a rule.
//!
//! An entry names its id, the severities it reports at, its wording in Chinese (the appendix's
//! 校验 sheet, messages) and in English (README's rule table, generated from here), and the
//! function that checks it. Diagnostics are made from the entry ([`Rule::error`],
//! [`Rule::warning`]), so an id that is not here does not compile; [`crate::checks::run`] walks
//! [`ALL`]. Adding a rule is one entry here and one function in `checks.rs` (or a diagnostic
//! where the reader finds it).

use crate::checks;
use crate::diagnostics::{Diagnostic, Severity};
use crate::statement::Statement;

/// One checking rule.
#[derive(Debug)]
pub struct Rule {
    /// Stable id: a rule of the reference (R-T3-1 …), or a reader's (READ-…), 基本信息's
    /// (INFO-…) or the batch's (BATCH-…).
    pub id: &'static str,
    /// The severities its diagnostics have.
    pub levels: &'static [Severity],
    /// The rule in words, in Chinese.
    pub words: &'static str,
    /// The rule in English, as README's table gives it.
    pub about: &'static str,
    /// How it is checked.
    pub check: Check,
}

/// How a rule is checked.
#[derive(Debug, Clone, Copy)]
pub enum Check {
    /// Reported where it is found: reading the workbook, the batch, the audit.
    Inline,
    /// A check of one workbook.
    Statement(fn(&Statement, &mut Vec<Diagnostic>)),
    /// A comparison with last year's workbook: without one (or with another year's) it is not
    /// checked, and the appendix shows it as 未核对.
    Previous(fn(&Statement, &Statement, &mut Vec<Diagnostic>)),
}

const ERROR: &[Severity] = &[Severity::Error];
const WARNING: &[Severity] = &[Severity::Warning];
const EITHER: &[Severity] = &[Severity::Error, Severity::Warning];

/// Rules are one per id.
impl PartialEq for Rule {
    fn eq(&self, other: &Self) -> bool {
        self.id == other.id
    }
}

impl Eq for Rule {}

impl Rule {
    /// Whether it compares with last year's workbook.
    pub fn needs_previous(&self) -> bool {
        matches!(self.check, Check::Previous(_))
    }

    /// A diagnostic of this rule.
    pub fn report(&'static self, severity: Severity, message: impl Into<String>) -> Diagnostic {
        debug_assert!(
            self.levels.contains(&severity),
            "{} is not reported as {severity:?}",
            self.id
        );
        Diagnostic::new(self, severity, message)
    }

    /// An error of this rule.
    pub fn error(&'static self, message: impl Into<String>) -> Diagnostic {
        self.report(Severity::Error, message)
    }

    /// A warning of this rule.
    pub fn warning(&'static self, message: impl Into<String>) -> Diagnostic {
        self.report(Severity::Warning, message)
    }
}

/// The rule of an id.
pub fn find(id: &str) -> Option<&'static Rule> {
    ALL.iter().copied().find(|r| r.id == id)
}

/// The ids of the rules that need last year's workbook, as a list in words.
pub fn needing_previous() -> String {
    let ids: Vec<&str> = ALL
        .iter()
        .filter(|r| r.needs_previous())
        .map(|r| r.id)
        .collect();
    ids.join("、")
}

macro_rules! rules {
    ($($name:ident: $id:literal, $levels:ident, $check:ident$(($f:path))?, $words:literal, $about:literal;)*) => {
        $(
            #[doc = $about]
            pub static $name: Rule = Rule {
                id: $id,
                levels: $levels,
                words: $words,
                about: $about,
                check: Check::$check$(($f))?,
            };
        )*
        /// Every rule, in the order of the appendix's 校验 sheet and README's table.
        pub static ALL: &[&Rule] = &[$(&$name),*];
    };
}

rules! {
    R_T3_1: "R-T3-1", ERROR, Statement(checks::balance),
        "表三每一列：一、本年新收 + 二、上年结转 = 三、（七）总计 + 四、结转下年度继续办理",
        "per column of 表三: 一、本年新收 + 二、上年结转 = 三、（七）总计 + 四、结转下年度继续办理";
    R_T3_2: "R-T3-2", ERROR, Statement(checks::result_totals),
        "表三每一列：（七）总计 = （一）至（六）各项办理结果之和",
        "（七）总计, as written in the workbook = the sum of the result rows";
    R_T3_3: "R-T3-3", ERROR, Statement(checks::applicant_totals),
        "表三每一行：“总计”列 = 六类申请人之和",
        "the 总计 column, as written = the sum of the six applicant columns";
    R_T3_5: "R-T3-5", EITHER, Inline,
        "表三各数为不小于 0 的整数，不留空",
        "figures in 表三 are whole numbers ≥ 0; a blank cell is a warning";
    R_T3_6: "R-T3-6", ERROR, Previous(checks::carried_in),
        "表三每一列：二、上年结转 = 上一年度四、结转下年度继续办理（提供上年统计表时）",
        "上年结转 = last year's 结转下年度继续办理, per column";
    R_T3_7: "R-T3-7", WARNING, Statement(checks::other_misc),
        "（六）其他处理“3.其他”只用于极少数情况",
        "（六）3.其他 is larger than 10% of all results, and at least 5";
    R_T3_8: "R-T3-8", EITHER, Statement(checks::fees),
        "有逾期未缴费的申请就应有收费通知；实际收取不超过收费通知金额",
        "applications lapsed for non-payment require fee notices (警告); 实际收取 greater than 收费通知总金额 (错误)";
    R_T4_1: "R-T4-1", ERROR, Statement(checks::group_totals),
        "表四每一组：结果维持 + 结果纠正 + 其他结果 + 尚未审结 = 总计",
        "each group of 表四: 结果维持 + 结果纠正 + 其他结果 + 尚未审结 = 总计";
    R_T4_2: "R-T4-2", EITHER, Inline,
        "表四各数为不小于 0 的整数，不留空",
        "figures in 表四 are whole numbers ≥ 0; a blank cell is a warning";
    R_T2_1: "R-T2-1", EITHER, Inline,
        "表二件数为不小于 0 的整数，收费金额为不小于 0 的万元数，不留空",
        "counts in 表二 are whole numbers ≥ 0; the fee is an amount ≥ 0 in 万元";
    R_T2_2: "R-T2-2", WARNING, Previous(checks::in_force),
        "现行有效件数 = 上年现行有效 + 本年制发 − 本年废止（提供上年统计表时）",
        "现行有效件数 = last year's 现行有效件数 + 制发 − 废止";
    R_T2_3: "R-T2-3", WARNING, Previous(checks::repealed),
        "本年废止件数不超过上年现行有效与本年制发之和（提供上年统计表时）",
        "废止 ≤ last year's 现行有效件数 + 制发";
    R_T2_4: "R-T2-4", WARNING, Statement(checks::fee_magnitude),
        "行政事业性收费的数额合理（单位是万元，不是元）",
        "行政事业性收费 is at least 1,000,000 万元, so it was probably entered in 元";
    R_T2_5: "R-T2-5", WARNING, Statement(checks::regulations),
        "只有有规章制定权的机关填写规章",
        "figures for 规章 are filled in, but only bodies with rule-making power issue 规章";
    R_X_1: "R-X-1", EITHER, Inline,
        "报告包括六个部分，顺序和标题与 2021 年报格式一致，前言所列各部分与正文一致（审查已发布的报告时）",
        "`audit` only: a section is missing, repeated or out of order, or the preamble's “由…等六部分组成” leaves a section out or counts other than six (错误); a heading in another accepted wording or numbered wrongly (警告)";
    R_X_2: "R-X-2", ERROR, Inline,
        "统计表是 2021 年格式，不是 2019 年试行格式",
        "the workbook is in the 2019 trial layout, which cannot be converted";
    R_X_3: "R-X-3", EITHER, Statement(checks::year),
        "报告年度是合理的四位年份；成文日期在次年的法定时限内",
        "报告年度 is missing, implausible or given twice (错误); 成文日期 is not in the following year, or is later than the legal deadline (警告). `audit` also: the title's year differs from the 统计期限's, or the 统计期限 is miswritten (“20251月1日”) (错误); a sentence of the text opens with another year (“2024年，……” in a 2025 report) (警告)";
    R_X_4: "R-X-4", WARNING, Statement(checks::narrative_figures),
        "报告正文中的数字与统计表一致",
        "a figure in the agency's own text does not match the tables (the sentence is quoted)";
    R_X_5: "R-X-5", WARNING, Previous(checks::copied),
        "报告不是照抄上一年度：各部分文字和统计表与上年不雷同（提供上年统计表时）",
        "a copy of last year: a narrative section's text is at least 90% the same, ignoring digits (Dice coefficient of character pairs), or every figure of a table with activity is unchanged (现行有效件数 alone is not activity)";
    R_X_6: "R-X-6", WARNING, Statement(checks::other_matters),
        "“六、其他需要报告的事项”写到落实工作要点、建议提案办理结果公开和工作创新情况",
        "section 六 does not mention 工作要点, 建议/提案 or 创新: the matters the format lists there besides 信息处理费, which the report always states";
    R_X_7: "R-X-7", WARNING, Statement(checks::problems),
        "“五、存在的主要问题及改进情况”有内容",
        "section 五 is empty";
    TEXT_PART: "TEXT-PART", WARNING, Statement(checks::overview_parts),
        "“一、总体情况”写到了主动公开、依申请公开、政府信息管理、平台建设、监督保障五个方面",
        "one of the five standard parts of 一、总体情况 is missing or empty";
    R_X_8: "R-X-8", ERROR, Statement(checks::government_duties),
        "人民政府的报告包括工作考核、社会评议和责任追究结果情况",
        "a 人民政府 report does not cover 工作考核, 社会评议 and 责任追究";
    INFO_AGENCY: "INFO-AGENCY", EITHER, Inline,
        "填写了机关名称；已发布的报告中，落款与标题的机关名称一致",
        "机关名称 is missing (错误); in a published report (audit), the signature names another body than the title (警告)";
    INFO_TYPE: "INFO-TYPE", WARNING, Inline,
        "机关类型为人民政府或政府部门",
        "机关类型 is missing or neither 人民政府 nor 政府部门";
    INFO_DATE: "INFO-DATE", WARNING, Inline,
        "成文日期已填写且可识别",
        "成文日期 is missing or unreadable";
    INFO_FEE: "INFO-FEE", EITHER, Inline,
        "信息处理费各数为不小于 0 的数字",
        "a 信息处理费 figure of 基本信息 is not a number ≥ 0";
    INFO_PREVIOUS: "INFO-PREVIOUS", WARNING, Inline,
        "作为上一年度给出的统计表，报告年度是本年度的前一年",
        "the `--previous` workbook's 报告年度 is not the year before: it is not compared, and the rules that need it are 未核对";
    READ_NO_TABLE: "READ-NO-TABLE", ERROR, Inline,
        "工作簿中有统计表",
        "no statistics table was found in the workbook";
    READ_TABLE_MISSING: "READ-TABLE-MISSING", ERROR, Inline,
        "表二、表三、表四齐全",
        "表二, 表三 or 表四 is missing";
    READ_TABLE_DUPLICATE: "READ-TABLE-DUPLICATE", EITHER, Inline,
        "每张表只出现一次",
        "a table appears twice: identical copies are a warning, different ones an error";
    READ_ROW_MISSING: "READ-ROW-MISSING", ERROR, Inline,
        "表中各行齐全",
        "a row of a table is missing";
    READ_COLUMN_MISSING: "READ-COLUMN-MISSING", ERROR, Inline,
        "表中各列齐全",
        "a column of a table is missing";
    READ_CELL_MISSING: "READ-CELL-MISSING", ERROR, Inline,
        "每个数字都有与年报格式一致的行名和列名",
        "a figure has no row or column label of the format";
    READ_AMBIGUOUS: "READ-AMBIGUOUS", ERROR, Inline,
        "每个数字属于哪一项可以确定（行名、列名完整且互相对应）",
        "a person could not tell which figure is which: a label as near to two official labels, columns without their own heads, a row and a column that do not belong together";
    READ_SUM: "READ-SUM", ERROR, Inline,
        "统计表中另加的合计、小计等于它所合计的各数之和",
        "a 合计 or 小计 line the workbook adds where the format has none does not add up";
    READ_INFO: "READ-INFO", WARNING, Inline,
        "基本信息各项有自己的一栏（没有时从标题行、工作表名或文件名读取）",
        "报告年度 or 机关名称 was read from a year cell, a title row, the sheet name or the file name (or the file name's year differs)";
    READ_ROW_DUPLICATE: "READ-ROW-DUPLICATE", EITHER, Inline,
        "每一行只出现一次",
        "a row appears twice: identical copies are a warning, different ones an error";
    READ_ROW_ORDER: "READ-ROW-ORDER", WARNING, Inline,
        "各行按年报格式的顺序排列",
        "rows are out of the format's order";
    READ_TOTAL_MISSING: "READ-TOTAL-MISSING", WARNING, Inline,
        "表中有总计行和总计列",
        "a table has no 总计 row or column (the totals are computed)";
    READ_DEVIATION: "READ-DEVIATION", WARNING, Inline,
        "行名与 2021 格式一致（常见偏差已按规定读取）",
        "a label in another wording that was accepted (an alias, or a near miss of one official label): the cell, the text and the official label are named";
    READ_NARRATIVE: "READ-NARRATIVE", WARNING, Inline,
        "报告正文表可以读取",
        "the 报告正文 sheet is missing, or one of its rows names no section that the agency writes (the row is ignored)";
    READ_HIDDEN: "READ-HIDDEN", WARNING, Inline,
        "没有被忽略的隐藏工作表",
        "a hidden sheet was ignored";
    READ_CONTROL: "READ-CONTROL", WARNING, Inline,
        "文字中没有不可见的控制字符",
        "invisible control characters in the text were removed";
    READ_FAR_CELL: "READ-FAR-CELL", WARNING, Inline,
        "统计表之外没有远处误填的单元格",
        "a cell far outside the tables (e.g. XFD1048576) has content and was ignored";
    READ_EXTERNAL: "READ-EXTERNAL", WARNING, Inline,
        "没有取自其他文件或程序的公式（外部链接、DDE）",
        "a cell's formula takes its value from another file or program (an external link such as `[1]表二!C5`, DDE, RTD, WEBSERVICE): the figure read is the one cached when the workbook was last saved (.xlsx and .xlsm)";
    READ_GB2312: "READ-GB2312", WARNING, Inline,
        "报告文字都在 GB2312 字符集内（公文字体可以显示）",
        "characters outside GB2312, which the _GB2312 fonts cannot show (the character and the cell are named)";
    BATCH_UNREADABLE: "BATCH-UNREADABLE", ERROR, Inline,
        "批量处理：文件可以读取",
        "batch and `audit` of a folder: a file or folder could not be read";
    BATCH_CONFLICT: "BATCH-CONFLICT", ERROR, Inline,
        "批量处理：没有机关名称和年度都相同的两个工作簿",
        "batch only: two workbooks of one agency and year (neither is reported)";
    BATCH_PREVIOUS: "BATCH-PREVIOUS", WARNING, Inline,
        "批量处理：找到了同名机关的上一年度统计表",
        "batch and `audit` of a folder: no last-year workbook or report of the agency was found";
    BATCH_WRITE: "BATCH-WRITE", ERROR, Inline,
        "批量处理：报告和附表已写入",
        "batch only: a report could not be written";
    BATCH_NAME: "BATCH-NAME", EITHER, Inline,
        "批量处理：不同机关的报告文件名各不相同（过长的名称截短后相同时加序号区分）",
        "batch only: different agencies whose file names would be the same are numbered “（1）”, “（2）”";
    BATCH_PDF: "BATCH-PDF", ERROR, Inline,
        "批量处理：PDF 已生成（要求生成 PDF 时）",
        "batch only: a PDF could not be made";
}
