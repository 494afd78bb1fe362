//! The 2021 national format (国办公开办函〔2021〕30号) as data, defined once.
//!
//! Every label, id, hierarchy and total of the three statistics tables, the 基本信息 fields, the
//! six section headings and the 2019 trial-layout markers live here. The reader, the checks, the
//! `init` workbook and the Word and Excel writers all read these definitions; nothing else types a
//! label of the official format. Labels are verbatim, with the official fullwidth punctuation.
//!
//! Ids are stable and readable: they are the names templates and the JSON output use
//! (`t3.new.total`, `t4.review.total`, `t2.licensing`).

/// A labelled row or column: a stable id and its verbatim label.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Item {
    /// Stable id (template and JSON name).
    pub id: &'static str,
    /// Verbatim official label.
    pub label: &'static str,
}

const fn item(id: &'static str, label: &'static str) -> Item {
    Item { id, label }
}

/// The unit of a table-二 column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    /// A count of documents or decisions (件): a whole number ≥ 0.
    Count,
    /// An amount in 万元: a decimal ≥ 0, printed with two decimals.
    Wan,
}

/// One block of table 二 (第二十条第（X）项).
#[derive(Debug, Clone, Copy)]
pub struct T2Block {
    /// Stable id of the block.
    pub id: &'static str,
    /// The block title row, e.g. 第二十条第（一）项.
    pub title: &'static str,
    /// Value columns (after the 信息内容 column).
    pub columns: &'static [Item],
    /// Rows of the block.
    pub rows: &'static [Item],
    /// Unit of every cell of the block.
    pub unit: Unit,
}

/// Head of the label column of every table-二 block.
pub const T2_HEAD: &str = "信息内容";

/// Table 二: 主动公开政府信息情况, four blocks, ten data cells.
pub const T2_BLOCKS: [T2Block; 4] = [
    T2Block {
        id: "item1",
        title: "第二十条第（一）项",
        columns: &[
            item("issued", "本年制发件数"),
            item("repealed", "本年废止件数"),
            item("in_force", "现行有效件数"),
        ],
        rows: &[
            item("regulations", "规章"),
            item("normative_documents", "行政规范性文件"),
        ],
        unit: Unit::Count,
    },
    T2Block {
        id: "item5",
        title: "第二十条第（五）项",
        columns: &[item("decisions", "本年处理决定数量")],
        rows: &[item("licensing", "行政许可")],
        unit: Unit::Count,
    },
    T2Block {
        id: "item6",
        title: "第二十条第（六）项",
        columns: &[item("decisions", "本年处理决定数量")],
        rows: &[item("penalty", "行政处罚"), item("coercion", "行政强制")],
        unit: Unit::Count,
    },
    T2Block {
        id: "item8",
        title: "第二十条第（八）项",
        columns: &[item("amount", "本年收费金额（单位：万元）")],
        rows: &[item("fees", "行政事业性收费")],
        unit: Unit::Wan,
    },
];

/// Number of data cells of table 二.
pub const T2_CELLS: usize = 10;

/// One data cell of table 二, in reading order (block, row, column).
#[derive(Debug, Clone, Copy)]
pub struct T2Cell {
    /// Index into the ten cells.
    pub index: usize,
    /// Index of the block in [`T2_BLOCKS`].
    pub block: usize,
    /// Row within the block.
    pub row: usize,
    /// Column within the block.
    pub col: usize,
}

impl T2Cell {
    /// The block this cell belongs to.
    pub fn block(&self) -> &'static T2Block {
        &T2_BLOCKS[self.block]
    }
    /// The row item of this cell.
    pub fn row_item(&self) -> Item {
        self.block().rows[self.row]
    }
    /// The column item of this cell.
    pub fn col_item(&self) -> Item {
        self.block().columns[self.col]
    }
    /// The unit of this cell.
    pub fn unit(&self) -> Unit {
        self.block().unit
    }
    /// A readable description, e.g. 「规章」「本年制发件数」.
    pub fn describe(&self) -> String {
        if self.block().columns.len() == 1 {
            format!("「{}」", self.row_item().label)
        } else {
            format!("「{}」「{}」", self.row_item().label, self.col_item().label)
        }
    }
}

/// All ten cells of table 二 in reading order.
pub fn t2_cells() -> impl Iterator<Item = T2Cell> {
    T2_BLOCKS
        .iter()
        .enumerate()
        .flat_map(|(b, block)| {
            (0..block.rows.len())
                .flat_map(move |r| (0..block.columns.len()).map(move |c| (b, r, c)))
        })
        .enumerate()
        .map(|(index, (block, row, col))| T2Cell {
            index,
            block,
            row,
            col,
        })
}

/// Index of the table-二 cell at `row_id` (and `col_id` for block （一）).
pub fn t2_index(row_id: &str, col_id: Option<&str>) -> Option<usize> {
    t2_cells()
        .find(|c| c.row_item().id == row_id && col_id.is_none_or(|id| c.col_item().id == id))
        .map(|c| c.index)
}

// ---------------------------------------------------------------------------------------------
// Table 三

/// The note in the top-left header cell of table 三.
pub const T3_NOTE: &str = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）";
/// The header over all seven data columns of table 三.
pub const T3_APPLICANTS: &str = "申请人情况";
/// The header over the five legal-person columns of table 三.
pub const T3_LEGAL_PERSONS: &str = "法人或其他组织";

/// The seven data columns of table 三; the last one (总计) is computed.
pub const T3_COLS: [Item; 7] = [
    item("natural_person", "自然人"),
    item("business", "商业企业"),
    item("research", "科研机构"),
    item("public_interest", "社会公益组织"),
    item("legal_service", "法律服务机构"),
    item("other_org", "其他"),
    item("total", "总计"),
];
/// Index of the 总计 column of table 三.
pub const T3_TOTAL_COL: usize = 6;
/// Columns of table 三 under 法人或其他组织.
pub const T3_LEGAL_PERSON_COLS: std::ops::Range<usize> = 1..6;

const RESULTS: &str = "三、本年度办理结果";
const REFUSED: &str = "（三）不予公开";
const UNABLE: &str = "（四）无法提供";
const NOT_PROCESSED: &str = "（五）不予处理";
const OTHER: &str = "（六）其他处理";

/// One row of table 三.
#[derive(Debug, Clone, Copy)]
pub struct T3Row {
    /// Stable id.
    pub id: &'static str,
    /// The label path from the outermost label column to this row's own label.
    /// Length 1: spans all three label columns; 2: the group sits in column 1 and the label
    /// spans columns 2–3; 3: one label per column.
    pub path: &'static [&'static str],
}

impl T3Row {
    /// The row's own (innermost) label.
    pub fn label(&self) -> &'static str {
        self.path.last().copied().unwrap_or("")
    }
    /// The row's label as office staff would name it, e.g. 「（三）不予公开 1.属于国家秘密」.
    pub fn describe(&self) -> String {
        let inner: Vec<&str> = self
            .path
            .iter()
            .copied()
            .filter(|l| *l != RESULTS)
            .collect();
        format!("「{}」", inner.join(" "))
    }
}

const fn row(id: &'static str, path: &'static [&'static str]) -> T3Row {
    T3Row { id, path }
}

/// The 25 rows of table 三 in official order.
pub const T3_ROWS: [T3Row; 25] = [
    row("new", &["一、本年新收政府信息公开申请数量"]),
    row("carried_in", &["二、上年结转政府信息公开申请数量"]),
    row("granted", &[RESULTS, "（一）予以公开"]),
    row(
        "partial",
        &[
            RESULTS,
            "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
        ],
    ),
    row(
        "refused_state_secret",
        &[RESULTS, REFUSED, "1.属于国家秘密"],
    ),
    row(
        "refused_prohibited",
        &[RESULTS, REFUSED, "2.其他法律行政法规禁止公开"],
    ),
    row(
        "refused_security",
        &[RESULTS, REFUSED, "3.危及“三安全一稳定”"],
    ),
    row(
        "refused_third_party",
        &[RESULTS, REFUSED, "4.保护第三方合法权益"],
    ),
    row(
        "refused_internal",
        &[RESULTS, REFUSED, "5.属于三类内部事务信息"],
    ),
    row(
        "refused_process",
        &[RESULTS, REFUSED, "6.属于四类过程性信息"],
    ),
    row(
        "refused_enforcement",
        &[RESULTS, REFUSED, "7.属于行政执法案卷"],
    ),
    row("refused_query", &[RESULTS, REFUSED, "8.属于行政查询事项"]),
    row(
        "unable_not_held",
        &[RESULTS, UNABLE, "1.本机关不掌握相关政府信息"],
    ),
    row(
        "unable_need_create",
        &[RESULTS, UNABLE, "2.没有现成信息需要另行制作"],
    ),
    row(
        "unable_unclear",
        &[RESULTS, UNABLE, "3.补正后申请内容仍不明确"],
    ),
    row(
        "not_processed_petition",
        &[RESULTS, NOT_PROCESSED, "1.信访举报投诉类申请"],
    ),
    row(
        "not_processed_repeat",
        &[RESULTS, NOT_PROCESSED, "2.重复申请"],
    ),
    row(
        "not_processed_publication",
        &[RESULTS, NOT_PROCESSED, "3.要求提供公开出版物"],
    ),
    row(
        "not_processed_massive",
        &[RESULTS, NOT_PROCESSED, "4.无正当理由大量反复申请"],
    ),
    row(
        "not_processed_confirm",
        &[
            RESULTS,
            NOT_PROCESSED,
            "5.要求行政机关确认或重新出具已获取信息",
        ],
    ),
    row(
        "other_no_correction",
        &[
            RESULTS,
            OTHER,
            "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
        ],
    ),
    row(
        "other_unpaid",
        &[
            RESULTS,
            OTHER,
            "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
        ],
    ),
    row("other_misc", &[RESULTS, OTHER, "3.其他"]),
    row("results_total", &[RESULTS, "（七）总计"]),
    row("carried_forward", &["四、结转下年度继续办理"]),
];

/// Row index: 一、本年新收.
pub const T3_NEW: usize = 0;
/// Row index: 二、上年结转.
pub const T3_CARRIED_IN: usize = 1;
/// Row index: （一）予以公开, the first result row.
pub const T3_GRANTED: usize = 2;
/// Row index: （二）部分公开.
pub const T3_PARTIAL: usize = 3;
/// Row index: （六）2. 逾期未缴费.
pub const T3_UNPAID: usize = 21;
/// Row index: （六）3. 其他.
pub const T3_OTHER_MISC: usize = 22;
/// Row index: （七）总计 (computed).
pub const T3_RESULTS_TOTAL: usize = 23;
/// Row index: 四、结转下年度继续办理.
pub const T3_CARRIED_FORWARD: usize = 24;
/// The result rows summed by （七）总计.
pub const T3_RESULT_ROWS: std::ops::Range<usize> = T3_GRANTED..T3_RESULTS_TOTAL;

/// Index of the table-三 row with this id.
pub fn t3_row(id: &str) -> Option<usize> {
    T3_ROWS.iter().position(|r| r.id == id)
}

/// A result class of table 三 as the narrative names it: its label and its rows.
#[derive(Debug, Clone)]
pub struct T3Class {
    /// Stable id (the group's id).
    pub id: &'static str,
    /// Short name for the narrative, e.g. 不予公开.
    pub name: &'static str,
    /// Rows summed by this class.
    pub rows: std::ops::Range<usize>,
}

/// The six result classes （一）…（六） of table 三.
pub const T3_CLASSES: [T3Class; 6] = [
    T3Class {
        id: "granted",
        name: "予以公开",
        rows: 2..3,
    },
    T3Class {
        id: "partial",
        name: "部分公开",
        rows: 3..4,
    },
    T3Class {
        id: "refused",
        name: "不予公开",
        rows: 4..12,
    },
    T3Class {
        id: "unable",
        name: "无法提供",
        rows: 12..15,
    },
    T3Class {
        id: "not_processed",
        name: "不予处理",
        rows: 15..20,
    },
    T3Class {
        id: "other",
        name: "其他处理",
        rows: 20..23,
    },
];

// ---------------------------------------------------------------------------------------------
// Table 四

/// The top header over the two litigation groups.
pub const T4_LITIGATION: &str = "行政诉讼";
/// The three groups of table 四; `parent` is the header above the group, if any.
pub const T4_GROUPS: [(Item, Option<&str>); 3] = [
    (item("review", "行政复议"), None),
    (item("direct", "未经复议直接起诉"), Some(T4_LITIGATION)),
    (item("after_review", "复议后起诉"), Some(T4_LITIGATION)),
];
/// The five result columns in every group of table 四; the last (总计) is computed.
pub const T4_RESULTS: [Item; 5] = [
    item("upheld", "结果维持"),
    item("corrected", "结果纠正"),
    item("other", "其他结果"),
    item("pending", "尚未审结"),
    item("total", "总计"),
];
/// Number of data columns of table 四: five results in each of the three groups.
pub const T4_COLS: usize = T4_GROUPS.len() * T4_RESULTS.len();
/// Index of 总计 among the results of a group of table 四.
pub const T4_TOTAL: usize = 4;
/// Index of 行政复议 among the groups of table 四; the other two are 行政诉讼's.
pub const T4_REVIEW: usize = 0;

// ---------------------------------------------------------------------------------------------
// Cells and totals

/// A data cell of one of the three tables.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum CellId {
    /// Table 二, index into [`t2_cells`].
    T2(usize),
    /// Table 三, (row, column).
    T3(usize, usize),
    /// Table 四, (group, result): [`T4_GROUPS`] × [`T4_RESULTS`].
    T4(usize, usize),
}

impl CellId {
    /// The cells this total is the sum of; `None` for an input cell.
    pub fn parts(self) -> Option<Vec<CellId>> {
        match self {
            // A row's 总计 column sums its six applicant columns (the corner cell too).
            CellId::T3(r, T3_TOTAL_COL) => {
                Some((0..T3_TOTAL_COL).map(|c| CellId::T3(r, c)).collect())
            }
            CellId::T3(T3_RESULTS_TOTAL, c) => {
                Some(T3_RESULT_ROWS.map(|r| CellId::T3(r, c)).collect())
            }
            CellId::T4(g, T4_TOTAL) => Some((0..T4_TOTAL).map(|k| CellId::T4(g, k)).collect()),
            _ => None,
        }
    }
    /// Whether this cell is a computed total.
    pub fn is_total(self) -> bool {
        match self {
            CellId::T3(r, c) => r == T3_RESULTS_TOTAL || c == T3_TOTAL_COL,
            CellId::T4(_, k) => k == T4_TOTAL,
            CellId::T2(_) => false,
        }
    }
    /// The table's name, e.g. 表三.
    pub fn table_name(self) -> &'static str {
        match self {
            CellId::T2(_) => TABLE_NAMES[0],
            CellId::T3(..) => TABLE_NAMES[1],
            CellId::T4(..) => TABLE_NAMES[2],
        }
    }
    /// The stable id, as templates and the JSON output name the figure: `t2.licensing`,
    /// `t2.regulations.issued`, `t3.new.natural_person`, `t4.review.total`.
    pub fn key(self) -> String {
        match self {
            CellId::T2(i) => t2_cells().nth(i).map_or_else(String::new, |c| {
                if c.block().columns.len() == 1 {
                    format!("t2.{}", c.row_item().id)
                } else {
                    format!("t2.{}.{}", c.row_item().id, c.col_item().id)
                }
            }),
            CellId::T3(r, c) => format!(
                "t3.{}.{}",
                T3_ROWS.get(r).map_or("", |r| r.id),
                T3_COLS.get(c).map_or("", |c| c.id)
            ),
            CellId::T4(g, k) => format!(
                "t4.{}.{}",
                T4_GROUPS.get(g).map_or("", |g| g.0.id),
                T4_RESULTS.get(k).map_or("", |r| r.id)
            ),
        }
    }

    /// A readable description, e.g. 表三「一、本年新收政府信息公开申请数量」「自然人」.
    pub fn describe(self) -> String {
        let inner = match self {
            CellId::T2(i) => t2_cells().nth(i).map(|c| c.describe()).unwrap_or_default(),
            CellId::T3(r, c) => format!(
                "{}「{}」",
                T3_ROWS.get(r).map(|r| r.describe()).unwrap_or_default(),
                T3_COLS.get(c).map(|c| c.label).unwrap_or_default()
            ),
            CellId::T4(g, k) => format!(
                "「{}」「{}」",
                T4_GROUPS.get(g).map_or("", |g| g.0.label),
                T4_RESULTS.get(k).map_or("", |r| r.label)
            ),
        };
        format!("{}{}", self.table_name(), inner)
    }
}

/// Every data cell of the three tables, inputs and totals, in reading order.
pub fn all_cells() -> impl Iterator<Item = CellId> {
    t2_cells()
        .map(|c| CellId::T2(c.index))
        .chain((0..T3_ROWS.len()).flat_map(|r| (0..T3_COLS.len()).map(move |c| CellId::T3(r, c))))
        .chain(
            (0..T4_GROUPS.len()).flat_map(|g| (0..T4_RESULTS.len()).map(move |k| CellId::T4(g, k))),
        )
}

/// The short names of the three tables, for messages.
pub const TABLE_NAMES: [&str; 3] = ["表二", "表三", "表四"];

// ---------------------------------------------------------------------------------------------
// Sections of the report

/// One of the six sections of the report.
#[derive(Debug, Clone, Copy)]
pub struct Section {
    /// Stable id.
    pub id: &'static str,
    /// Canonical heading.
    pub heading: &'static str,
    /// Whether the agency writes this section itself (in 报告正文).
    pub narrative: bool,
    /// The short name the preamble lists.
    pub short: &'static str,
}

/// The six sections in order.
pub const SECTIONS: [Section; 6] = [
    Section {
        id: "overview",
        heading: "一、总体情况",
        narrative: true,
        short: "总体情况",
    },
    Section {
        id: "proactive",
        heading: "二、主动公开政府信息情况",
        narrative: false,
        short: "主动公开政府信息情况",
    },
    Section {
        id: "applications",
        heading: "三、收到和处理政府信息公开申请情况",
        narrative: false,
        short: "收到和处理政府信息公开申请情况",
    },
    Section {
        id: "appeals",
        heading: "四、政府信息公开行政复议、行政诉讼情况",
        narrative: false,
        short: "政府信息公开行政复议、行政诉讼情况",
    },
    Section {
        id: "problems",
        heading: "五、存在的主要问题及改进情况",
        narrative: true,
        short: "存在的主要问题及改进情况",
    },
    Section {
        id: "other",
        heading: "六、其他需要报告的事项",
        narrative: true,
        short: "其他需要报告的事项",
    },
];

/// Words that show a section is named in a published report's preamble (“本报告由总体情况、
/// 主动公开政府信息情况……等六部分组成”), whichever wording of its heading the list uses: one
/// entry per section of [`SECTIONS`], any one word suffices.
pub const SECTION_WORDS: [&[&str]; 6] = [
    &["总体情况", "总体", "概述", "基本情况"],
    &["主动公开"],
    &["收到和处理", "依申请", "公开申请", "申请情况"],
    &["复议", "诉讼"],
    &["问题", "改进"],
    &["其他", "其它"],
];

/// Index of section 一 in [`SECTIONS`].
pub const SECTION_OVERVIEW: usize = 0;
/// Index of section 五 in [`SECTIONS`].
pub const SECTION_PROBLEMS: usize = 4;
/// Index of section 六 in [`SECTIONS`].
pub const SECTION_OTHER: usize = 5;

/// A standard part of 一、总体情况 and the words that identify it in a sub-heading.
#[derive(Debug, Clone, Copy)]
pub struct OverviewPart {
    /// Stable id.
    pub id: &'static str,
    /// The part's name in the 2021 format.
    pub name: &'static str,
    /// A sub-heading containing one of these is this part.
    pub keywords: &'static [&'static str],
}

/// The five standard parts of 一、总体情况 (2021 format, reference §1.3).
pub const OVERVIEW_PARTS: [OverviewPart; 5] = [
    OverviewPart {
        id: "proactive",
        name: "主动公开",
        keywords: &["主动公开"],
    },
    OverviewPart {
        id: "on_request",
        name: "依申请公开",
        keywords: &["依申请"],
    },
    OverviewPart {
        id: "management",
        name: "政府信息管理",
        keywords: &["信息管理"],
    },
    OverviewPart {
        id: "platforms",
        name: "政府信息公开平台建设",
        keywords: &["平台"],
    },
    OverviewPart {
        id: "oversight",
        name: "监督保障",
        keywords: &["监督保障", "监督", "保障"],
    },
];

/// A subject a report must mention, with the words any one of which shows it does.
pub type Topic = (&'static str, &'static [&'static str]);

/// What a government-level report must cover (条例第五十条（四）, rule R-X-8), each with the
/// word that shows it is covered (reports write “年度考核”, “考核工作” as often as “工作考核”).
pub const GOVERNMENT_DUTIES: [Topic; 3] = [
    ("工作考核", &["考核"]),
    ("社会评议", &["评议"]),
    ("责任追究", &["追究"]),
];

/// What section 六 covers besides 信息处理费 (rule R-X-6; reference §1.3), each with the words
/// that show it is covered. 信息处理费 is always stated, from 基本信息.
pub const OTHER_MATTERS: [Topic; 3] = [
    ("落实上级年度政务公开工作要点情况", &["工作要点"]),
    ("人大代表建议和政协提案办理结果公开情况", &["建议", "提案"]),
    ("政务公开工作创新情况", &["创新"]),
];

// ---------------------------------------------------------------------------------------------
// 基本信息 and 报告正文

/// What kind of value a 基本信息 field holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldKind {
    /// Free text.
    Text,
    /// A four-digit year.
    Year,
    /// 人民政府 or 政府部门.
    AgencyType,
    /// A date (成文日期).
    Date,
    /// A whole number ≥ 0.
    Count,
    /// An amount in 元, a decimal ≥ 0.
    Yuan,
}

/// One field of the 基本信息 sheet.
#[derive(Debug, Clone, Copy)]
pub struct InfoField {
    /// Stable id.
    pub id: &'static str,
    /// Verbatim label.
    pub label: &'static str,
    /// Value kind.
    pub kind: FieldKind,
    /// What the `init` workbook tells the user about this field.
    pub help: &'static str,
}

const fn field(
    id: &'static str,
    label: &'static str,
    kind: FieldKind,
    help: &'static str,
) -> InfoField {
    InfoField {
        id,
        label,
        kind,
        help,
    }
}

/// The two agency types; a 人民政府 report must also cover 工作考核、社会评议、责任追究 (R-X-8).
pub const AGENCY_TYPES: [&str; 2] = ["人民政府", "政府部门"];

/// The fields of the 基本信息 sheet, in sheet order.
pub const INFO_FIELDS: [InfoField; 11] = [
    field(
        "agency",
        "机关名称",
        FieldKind::Text,
        "填写机关全称，将作为报告标题和落款",
    ),
    field(
        "year",
        "报告年度",
        FieldKind::Year,
        "四位数字年份，例如 2025",
    ),
    field(
        "agency_type",
        "机关类型",
        FieldKind::AgencyType,
        "从下拉列表选择：人民政府 或 政府部门",
    ),
    field("address", "联系地址", FieldKind::Text, "写入报告前言"),
    field("postcode", "邮政编码", FieldKind::Text, "六位数字"),
    field("phone", "联系电话", FieldKind::Text, "写入报告前言"),
    field(
        "online",
        "电子版查阅途径",
        FieldKind::Text,
        "例如：XX区政府门户网站→政务公开→政府信息公开年报栏目",
    ),
    field(
        "date",
        "成文日期",
        FieldKind::Date,
        "报告落款日期，例如 2026年1月20日",
    ),
    field(
        "fee_notices",
        "发出收费通知件数",
        FieldKind::Count,
        "本年度发出信息处理费收费通知的件数，没有填 0",
    ),
    field(
        "fee_notice_amount",
        "收费通知总金额（元）",
        FieldKind::Yuan,
        "收费通知载明的总金额，单位：元，没有填 0",
    ),
    field(
        "fee_collected",
        "实际收取总金额（元）",
        FieldKind::Yuan,
        "实际收取的信息处理费总额，单位：元，没有填 0",
    ),
];

/// Index of a 基本信息 field by id.
pub fn info_field(id: &str) -> Option<usize> {
    INFO_FIELDS.iter().position(|f| f.id == id)
}

/// Column heads of the 报告正文 sheet.
pub const NARRATIVE_HEADS: [&str; 3] = ["章节", "小标题", "正文"];

// ---------------------------------------------------------------------------------------------
// Other wordings: the aliases of the label catalogue

/// Another wording of an official label that a person reads as that label without doubt: a short
/// form, an old name, a common variant. The reader accepts it with a READ-DEVIATION warning that
/// names the cell, the text as written, the official label and [`Alias::note`].
///
/// Labels are compared by their keys (`label::key`: NFKC, no spaces, punctuation or leading
/// numbering), so “（三） 不予公开” and “(三)不予公开” are the official wording, not aliases.
#[derive(Debug, Clone, Copy)]
pub struct Alias {
    /// The wording as offices write it.
    pub text: &'static str,
    /// The official label it stands for, exactly as [`T3_ROWS`], [`T3_COLS`] … print it: the
    /// row “3.其他” and the column “其他” are two labels, each with its own aliases. A header and
    /// the column under it written as one (“复议纠正”) need no alias: the reader splits a cell
    /// into consecutive labels.
    pub means: &'static str,
    /// Why it is accepted, as the warning prints it.
    pub note: &'static str,
}

const fn alias(text: &'static str, means: &'static str, note: &'static str) -> Alias {
    Alias { text, means, note }
}

const SHORT: &str = "简写";
const VARIANT: &str = "常见写法";
const OLD_2019: &str = "2019 年试行格式的名称";
const STATUTE: &str = "《条例》的措辞";

/// Every accepted wording other than the official one, for the three tables, 基本信息 and the
/// section headings. The reader, and nothing else, reads this list.
pub const ALIASES: &[Alias] = &[
    // 表三: rows.
    alias("本年新收", "一、本年新收政府信息公开申请数量", SHORT),
    alias("本年新收申请", "一、本年新收政府信息公开申请数量", SHORT),
    alias("本年新收申请数量", "一、本年新收政府信息公开申请数量", SHORT),
    alias("本年新收政府信息公开申请", "一、本年新收政府信息公开申请数量", SHORT),
    alias("新收申请", "一、本年新收政府信息公开申请数量", SHORT),
    alias("上年结转", "二、上年结转政府信息公开申请数量", SHORT),
    alias("上年结转申请", "二、上年结转政府信息公开申请数量", SHORT),
    alias("上年结转申请数量", "二、上年结转政府信息公开申请数量", SHORT),
    alias("上年结转政府信息公开申请", "二、上年结转政府信息公开申请数量", SHORT),
    alias("办理结果", "三、本年度办理结果", SHORT),
    alias("本年办理结果", "三、本年度办理结果", SHORT),
    alias("予以公开数", "（一）予以公开", SHORT),
    alias("（二）部分公开", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）", "省略了括号中的说明"),
    alias("部分公开数", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）", SHORT),
    alias("国家秘密", "1.属于国家秘密", SHORT),
    alias("法律行政法规禁止公开", "2.其他法律行政法规禁止公开", SHORT),
    alias("三安全一稳定", "3.危及“三安全一稳定”", SHORT),
    alias("第三方合法权益", "4.保护第三方合法权益", SHORT),
    alias("三类内部事务信息", "5.属于三类内部事务信息", SHORT),
    alias("内部事务信息", "5.属于三类内部事务信息", SHORT),
    alias("四类过程性信息", "6.属于四类过程性信息", SHORT),
    alias("过程性信息", "6.属于四类过程性信息", SHORT),
    alias("行政执法案卷", "7.属于行政执法案卷", SHORT),
    alias("行政查询事项", "8.属于行政查询事项", SHORT),
    alias("本机关不掌握", "1.本机关不掌握相关政府信息", SHORT),
    alias("不掌握相关政府信息", "1.本机关不掌握相关政府信息", SHORT),
    alias("没有现成信息", "2.没有现成信息需要另行制作", SHORT),
    alias("需要另行制作", "2.没有现成信息需要另行制作", SHORT),
    alias("申请内容不明确", "3.补正后申请内容仍不明确", SHORT),
    alias("信访举报投诉", "1.信访举报投诉类申请", SHORT),
    alias("公开出版物", "3.要求提供公开出版物", SHORT),
    alias("大量反复申请", "4.无正当理由大量反复申请", SHORT),
    alias("确认或重新出具已获取信息", "5.要求行政机关确认或重新出具已获取信息", SHORT),
    alias("逾期不补正", "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请", SHORT),
    alias("无正当理由逾期不补正", "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请", SHORT),
    alias("逾期未缴费", "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", SHORT),
    alias("逾期未缴纳费用", "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", SHORT),
    alias("逾期未按收费通知要求缴纳费用", "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", SHORT),
    alias("（六）其他处理", "3.其他", "2019 年试行格式只有一行“（六）其他处理”，没有分为三个子项；已全部计入“3.其他”，2021 格式要求分别填写逾期不补正、逾期未缴费和其他"),
    alias("其它", "3.其他", VARIANT),
    alias("合计", "（七）总计", VARIANT),
    alias("结转下年度", "四、结转下年度继续办理", SHORT),
    alias("结转下年", "四、结转下年度继续办理", SHORT),
    alias("结转下年度继续办理数量", "四、结转下年度继续办理", VARIANT),
    alias("结转下一年度继续办理", "四、结转下年度继续办理", VARIANT),
    // 表三: columns.
    alias("申请人类型", "申请人情况", VARIANT),
    alias("法人或者其他组织", "法人或其他组织", VARIANT),
    alias("企业", "商业企业", SHORT),
    alias("公益组织", "社会公益组织", SHORT),
    alias("其它", "其他", VARIANT),
    alias("其他组织", "其他", VARIANT),
    alias("合计", "总计", VARIANT),
    // 表四: groups and results (“复议纠正” is read as 复议 + 纠正).
    alias("复议", "行政复议", SHORT),
    alias("直接起诉", "未经复议直接起诉", SHORT),
    alias("诉讼", "行政诉讼", SHORT),
    alias("维持", "结果维持", SHORT),
    alias("纠正", "结果纠正", SHORT),
    alias("其他", "其他结果", SHORT),
    alias("未结", "尚未审结", SHORT),
    alias("未审结", "尚未审结", SHORT),
    // 表二.
    alias("规范性文件", "行政规范性文件", OLD_2019),
    alias("本年制发", "本年制发件数", SHORT),
    alias("制发件数", "本年制发件数", SHORT),
    alias("本年废止", "本年废止件数", SHORT),
    alias("废止件数", "本年废止件数", SHORT),
    alias("现行有效", "现行有效件数", SHORT),
    alias("现行有效数", "现行有效件数", SHORT),
    alias("处理决定数量", "本年处理决定数量", SHORT),
    alias("本年处理决定数", "本年处理决定数量", SHORT),
    alias("处理决定数", "本年处理决定数量", SHORT),
    alias("本年收费金额", "本年收费金额（单位：万元）", "省略了单位，按万元读取"),
    alias("本年收费金额（万元）", "本年收费金额（单位：万元）", VARIANT),
    alias("收费金额", "本年收费金额（单位：万元）", "省略了单位，按万元读取"),
    alias("收费金额（万元）", "本年收费金额（单位：万元）", SHORT),
    // 基本信息.
    alias("填报单位", "机关名称", VARIANT),
    alias("单位名称", "机关名称", VARIANT),
    alias("报告单位", "机关名称", VARIANT),
    alias("报送单位", "机关名称", VARIANT),
    alias("填报机关", "机关名称", VARIANT),
    alias("机关全称", "机关名称", VARIANT),
    alias("年度", "报告年度", VARIANT),
    alias("所属年度", "报告年度", VARIANT),
    alias("填报年度", "报告年度", VARIANT),
    alias("统计年度", "报告年度", VARIANT),
    alias("年份", "报告年度", VARIANT),
    alias("报告年份", "报告年度", VARIANT),
    alias("单位类型", "机关类型", VARIANT),
    alias("地址", "联系地址", SHORT),
    alias("通讯地址", "联系地址", VARIANT),
    alias("邮编", "邮政编码", SHORT),
    alias("电话", "联系电话", SHORT),
    alias("查阅途径", "电子版查阅途径", SHORT),
    alias("报告日期", "成文日期", VARIANT),
    alias("落款日期", "成文日期", VARIANT),
    // Section headings.
    alias("四、因政府信息公开工作被申请行政复议提起行政诉讼情况", "四、政府信息公开行政复议、行政诉讼情况", STATUTE),
    alias("四、政府信息公开行政复议和行政诉讼情况", "四、政府信息公开行政复议、行政诉讼情况", VARIANT),
    alias("五、政府信息公开工作存在的主要问题及改进情况", "五、存在的主要问题及改进情况", STATUTE),
    alias("五、存在问题及改进情况", "五、存在的主要问题及改进情况", SHORT),
    alias("六、其他事项", "六、其他需要报告的事项", SHORT),
];

/// The keys (`label::key`) of every alias and of the label it means, computed once.
pub fn alias_keys() -> &'static [(String, String)] {
    static KEYS: std::sync::OnceLock<Vec<(String, String)>> = std::sync::OnceLock::new();
    KEYS.get_or_init(|| {
        ALIASES
            .iter()
            .map(|a| (crate::label::key(a.text), crate::label::key(a.means)))
            .collect()
    })
}

/// The accepted other wordings of an official label (a 基本信息 field, a heading, a table label),
/// the label given exactly as this module prints it.
pub fn aliases_of(label: &str) -> impl Iterator<Item = &'static Alias> + '_ {
    ALIASES.iter().filter(move |a| a.means == label)
}

/// Largest edit distance, in characters of a label's key, at which a written label is taken for
/// that official label when it matches no wording exactly (a dropped, added or changed character,
/// as in “属于四类过程信息”). Short labels get none: “其中” is one character from “其他”. The
/// limits keep every pair of official labels of one table apart (`format` tests check that no
/// official label is within another's limit), and a label within the limit of two is an error.
pub const fn fuzzy_limit(key_chars: usize) -> usize {
    match key_chars {
        0..=3 => 0,
        4..=11 => 1,
        12..=17 => 2,
        _ => 3,
    }
}

/// Column heads (and row labels) of helper columns that statistics offices add to a table and
/// that hold no figure of the format: codes, units, sequence numbers, remarks. Figures under them
/// are not read.
pub const HELPER_HEADS: [&str; 12] = [
    "序号",
    "代码",
    "编号",
    "行次",
    "栏次",
    "计量单位",
    "单位",
    "备注",
    "说明",
    "甲",
    "乙",
    "丙",
];

/// Labels of a total row or column that offices add to a table where the format has none (a
/// 合计 row under 表二). The reader checks it against the figures it adds up.
pub const SUM_LABELS: [&str; 4] = ["合计", "总计", "小计", "总数"];

/// Where the reader looks for 报告年度 and 机关名称 when no field is labelled with them, in order
/// of preference, as the warnings name them.
pub const INFO_SOURCES: [&str; 4] = ["单独一格的年度", "标题行", "工作表名称", "文件名"];

/// The words of a title row naming the report, e.g. “XX局2024年政府信息公开工作年度报告统计表”:
/// the agency stands before the year, the year before 年 (or 年度).
pub const REPORT_TITLE: &str = "政府信息公开工作年度报告";

// ---------------------------------------------------------------------------------------------
// The 2019 trial layout

/// Labels that only the 2019 trial layout (国办公开办函〔2019〕60号) has, with what changed.
pub const LAYOUT_2019_MARKERS: [(&str, &str); 8] = [
    ("本年新制作数量", "2021 格式改为“本年制发件数”"),
    ("本年新公开数量", "2021 格式已删除"),
    ("对外公开总数量", "2021 格式改为“现行有效件数”"),
    ("上一年项目数量", "2021 格式已删除项目数量"),
    ("本年增/减", "2021 格式已删除项目增减"),
    ("其他对外管理服务事项", "2021 格式已删除"),
    ("第二十条第（九）项", "2021 格式已删除政府集中采购"),
    ("政府集中采购", "2021 格式已删除"),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_two_has_ten_cells_and_one_money_cell() {
        assert_eq!(t2_cells().count(), T2_CELLS);
        assert_eq!(t2_cells().filter(|c| c.unit() == Unit::Wan).count(), 1);
        assert_eq!(t2_index("licensing", None), Some(6));
        assert_eq!(t2_index("normative_documents", Some("in_force")), Some(5));
    }

    #[test]
    fn ids_are_unique() {
        let mut ids: Vec<&str> = T3_ROWS.iter().map(|r| r.id).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), 25);
        let mut t2: Vec<(&str, &str)> = t2_cells()
            .map(|c| (c.row_item().id, c.col_item().id))
            .collect();
        t2.dedup();
        assert_eq!(t2.len(), T2_CELLS);
    }

    #[test]
    fn totals_have_the_right_parts() {
        assert_eq!(CellId::T3(0, 6).parts().map(|p| p.len()), Some(6));
        assert_eq!(CellId::T3(23, 0).parts().map(|p| p.len()), Some(21));
        assert_eq!(
            CellId::T4(1, T4_TOTAL).parts(),
            Some(vec![
                CellId::T4(1, 0),
                CellId::T4(1, 1),
                CellId::T4(1, 2),
                CellId::T4(1, 3)
            ])
        );
        assert_eq!(CellId::T4(0, 3).parts(), None);
        assert_eq!(all_cells().filter(|c| c.is_total()).count(), 25 + 7 - 1 + 3);
        let classes: usize = T3_CLASSES.iter().map(|c| c.rows.len()).sum();
        assert_eq!(classes, T3_RESULT_ROWS.len());
    }

    #[test]
    fn describe_names_the_labels() {
        assert_eq!(
            CellId::T3(4, 0).describe(),
            "表三「（三）不予公开 1.属于国家秘密」「自然人」"
        );
        assert_eq!(CellId::T4(0, 4).describe(), "表四「行政复议」「总计」");
        assert_eq!(CellId::T2(6).describe(), "表二「行政许可」");
        assert_eq!(CellId::T2(6).key(), "t2.licensing");
        assert_eq!(CellId::T2(4).key(), "t2.normative_documents.repealed");
        assert_eq!(CellId::T3(0, 6).key(), "t3.new.total");
        assert_eq!(CellId::T4(1, 4).key(), "t4.direct.total");
    }
}
