//! The bundled samples as data: `samples/*.xlsx` are what the `init` writer makes of it (kept so
//! by `samples.rs`; regenerate with `UPDATE_SAMPLES=1 cargo test samples`), and statements made
//! from them for the tests.

use report_gen::figures::Figures;
use report_gen::format::{
    self, CellId, SECTION_OTHER, SECTION_OVERVIEW, SECTION_PROBLEMS, T3_CARRIED_FORWARD,
    T3_CARRIED_IN, T3_NEW, T3_TOTAL_COL,
};
use report_gen::statement::{AgencyType, Date, Info, Part, Statement};
use std::path::PathBuf;

/// File name of the seed's workbook (伊美区教育局, 2025).
pub const SEED: &str = "伊美区教育局-2025.xlsx";
/// File name of the busy agency's workbook.
pub const BUSY: &str = "示例区人民政府-2025.xlsx";

/// Path of a bundled sample.
pub fn path(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("samples")
        .join(name)
}

fn part(heading: Option<&str>, paragraphs: &[&str]) -> Part {
    Part {
        heading: heading.map(str::to_string),
        paragraphs: paragraphs.iter().map(|p| p.to_string()).collect(),
        cell: None,
    }
}

fn t2(row: &str, col: Option<&str>) -> CellId {
    CellId::T2(format::t2_index(row, col).unwrap_or(usize::MAX))
}

/// The published 2025 report of 伊美区教育局, as data.
pub fn seed() -> Statement {
    let mut st = Statement {
        info: Info {
            agency: "伊美区教育局".into(),
            year: Some(2025),
            agency_type: Some(AgencyType::Department),
            address: "伊春市伊美区新兴中路20号".into(),
            postcode: "153000".into(),
            phone: "0458-3368995".into(),
            online: "伊美区政府门户网站→政务公开→政府信息公开年报栏目".into(),
            date: Date::new(2026, 1, 20),
            ..Info::default()
        },
        ..Statement::default()
    };
    let mut f = Figures::default();
    f.t2[format::t2_index("licensing", None).unwrap_or(0)] = 27;
    f.t2[format::t2_index("penalty", None).unwrap_or(0)] = 4;
    f.compute_totals();
    st.figures = f;
    st.narrative.sections[SECTION_OVERVIEW] = vec![
        part(None, &["2025年，伊美区教育局持续贯彻落实区委、区政府关于政府信息公开的工作部署，以提升公开质量、优化公开服务为核心，巩固2024年工作成效，针对往年存在的问题精准发力。在组织领导方面，进一步压实政府信息公开领导小组职责，确保决策部署高效传导；在制度体系上，结合年度工作实际细化操作规范，让信息公开各环节有章可循；公开渠道持续拓宽，深化政务新媒体矩阵作用，强化政策解读与互动交流；监督保障不断升级，将工作考核与社会评议、责任追究相结合，推动信息公开工作提质增效，切实保障公众的知情权、参与权和监督权。"]),
        part(Some("政府信息主动公开情况"), &["本年度通过“伊美区教育局”微信公众号发布教育相关信息128篇，围绕师生、家长关心的话题，包括新生入学、政策发布、政策解读、校园活动等，能够做到及时回应社会咨询与关切。"]),
        part(Some("依法规范依申请公开"), &["全年未收到政府信息公开申请。"]),
        part(Some("政府信息公开平台建设情况"), &["进一步完善政府信息全流程管理机制，从信息生成、审核、公开到归档实行闭环管理。加强信息公开前保密审查，坚持“谁公开、谁审查、谁负责”原则，杜绝涉密信息泄露。结合年度工作调整，动态更新政府信息公开目录，梳理归集各类教育行政信息，确保公开信息准确、完整、规范。同时，持续优化信息检索功能，方便公众快速查询所需内容。"]),
        part(Some("监督保障情况"), &["将《条例》及相关政策文件纳入干部年度学法计划，组织开展专题培训和实务演练，提升工作人员的公开意识和业务能力。健全工作考核机制，将信息公开工作成效纳入干部年度考核指标体系，细化考核标准，强化结果运用。完善社会评议和责任追究制度，通过问卷调查、群众反馈等方式收集公众意见，对信息公开工作落实不力、敷衍塞责的情况严肃追责。同时，畅通投诉举报渠道，及时受理和处置群众反映的问题，确保信息公开工作公正规范。"]),
    ];
    st.narrative.sections[SECTION_PROBLEMS] = vec![
        part(Some("存在的问题"), &["信息公开的形式、便捷性仍有待进一步提高，信息公开的广度和深度与公众的需求还存在一定的差距。"]),
        part(Some("改进措施"), &["下一阶段，区教育局将根据区委、区政府信息公开工作部署，一是强化政府网站与政务新媒体建设管理。围绕中心工作和公众需求，切实加强政府网站与政务新媒体信息内容建设，不断强化日常监管和运维保障。二是提高政策解读质量。进一步梳理有关教育政策，对涉及群众切身利益、社会关注度高的重要政策，通过专家、媒体，采用整合图片、动画视频等通俗化方式进行解读，不断提高网站与政务新媒体在重点政策解读方面形式多元化、内容融合化的能力和质量。三是提高公众服务水平。进一步丰富政务公开内容，不断改进完善网站栏目设置和信息功能归集，更好地便利群众查阅，推动公开、互动、服务融合发展。"]),
    ];
    st
}

/// Table 三 of the busy sample, by row, columns 自然人 … 其他 (totals computed).
const BUSY_T3: [[u64; 6]; 25] = [
    [312, 45, 3, 6, 18, 9],
    [21, 4, 0, 1, 2, 0],
    [140, 20, 2, 3, 7, 4],
    [38, 6, 0, 1, 3, 1],
    [2, 0, 0, 0, 0, 0],
    [1, 0, 0, 0, 0, 0],
    [3, 0, 0, 0, 0, 0],
    [9, 4, 0, 1, 1, 0],
    [4, 1, 0, 0, 0, 0],
    [6, 0, 0, 0, 1, 0],
    [5, 1, 0, 0, 1, 0],
    [3, 0, 0, 0, 0, 0],
    [40, 5, 1, 1, 2, 2],
    [12, 2, 0, 0, 1, 0],
    [6, 1, 0, 0, 0, 1],
    [8, 1, 0, 0, 1, 0],
    [11, 1, 0, 0, 0, 1],
    [2, 0, 0, 0, 0, 0],
    [1, 0, 0, 0, 0, 0],
    [3, 0, 0, 0, 0, 0],
    [5, 1, 0, 0, 1, 0],
    [2, 1, 0, 0, 0, 0],
    [3, 0, 0, 0, 0, 0],
    [0; 6],
    [29, 5, 0, 1, 2, 0],
];

/// A busy district government: hundreds of applications of every kind, some 复议 and 诉讼,
/// figures that pass every check.
pub fn busy() -> Statement {
    let mut st = Statement {
        info: Info {
            agency: "示例区人民政府".into(),
            year: Some(2025),
            agency_type: Some(AgencyType::Government),
            address: "示例市示例区人民路1号".into(),
            postcode: "100000".into(),
            phone: "010-12345678".into(),
            online: "示例区人民政府门户网站“政府信息公开”专栏".into(),
            date: Date::new(2026, 3, 20),
            fee_notices: 6,
            fee_notice_amount: 1800.0,
            fee_collected: 1200.0,
        },
        ..Statement::default()
    };
    let mut f = Figures::default();
    for (r, row) in BUSY_T3.iter().enumerate() {
        f.t3[r][..6].copy_from_slice(row);
    }
    for (i, v) in [6, 1, 2, 1, 0, 3, 0, 1, 2, 0, 1, 0, 0, 1, 0]
        .into_iter()
        .enumerate()
    {
        f.t4[i / 5][i % 5] = v;
    }
    for (row, col, v) in [
        ("normative_documents", Some("issued"), 12),
        ("normative_documents", Some("repealed"), 3),
        ("normative_documents", Some("in_force"), 87),
        ("licensing", None, 15234),
        ("penalty", None, 2861),
        ("coercion", None, 143),
    ] {
        if let CellId::T2(i) = t2(row, col) {
            f.t2[i] = v;
        }
    }
    f.fees = 1256.78;
    f.compute_totals();
    st.figures = f;
    st.narrative.sections[SECTION_OVERVIEW] = vec![
        part(None, &["2025年，示例区人民政府深入贯彻落实《中华人民共和国政府信息公开条例》，围绕全区中心工作推进政务公开标准化规范化，以公开促落实、强监管、优服务。"]),
        part(Some("主动公开"), &[
            "全年通过区政府门户网站主动公开政府信息3418条，通过政务新媒体发布信息1260条，发布政策解读材料86件，回应社会关切42次。",
            "围绕重大建设项目、公共资源配置、社会公益事业等重点领域，及时公开决策、执行和结果信息。",
        ]),
        part(Some("依申请公开"), &["本年度共收到政府信息公开申请393件，上年结转28件。按期答复率100%，所有申请均在法定期限内办理。"]),
        part(Some("政府信息管理"), &["本年度制发行政规范性文件12件，废止3件，现行有效87件，均按规定在政府门户网站公开。持续开展公开属性源头认定和保密审查。"]),
        part(Some("政府信息公开平台建设"), &["优化区政府门户网站“政府信息公开”专栏，完善政府信息公开指南和目录，新建政务公开专区12个。"]),
        part(Some("监督保障"), &["将政务公开纳入全区绩效工作考核，全年组织培训4次。通过问卷和座谈开展社会评议，群众满意度96.5%。本年度未发生因政府信息公开工作引起的责任追究情况。"]),
    ];
    st.narrative.sections[SECTION_PROBLEMS] = vec![
        part(Some("存在的问题"), &["一是部分单位政策解读形式较单一；二是依申请公开办理的规范化水平仍需提升。"]),
        part(Some("改进措施"), &["一是丰富图解、视频等解读形式；二是完善依申请公开办理流程和文书模板，加强业务培训。2024年度报告提出的问题已全部整改。"]),
    ];
    st.narrative.sections[SECTION_OTHER] = vec![
        part(
            Some("落实上级年度政务公开工作要点情况"),
            &["按照上级年度政务公开工作要点，逐项分解任务，均已按期完成。"],
        ),
        part(
            Some("人大代表建议和政协提案办理结果公开情况"),
            &["本年度承办人大代表建议58件、政协提案64件，办理结果均已公开。"],
        ),
        part(
            Some("年度政务公开工作创新情况"),
            &["试点“政务公开+基层治理”模式，在街道便民服务中心设立政务公开体验区。"],
        ),
    ];
    st
}

/// Both samples with their file names.
pub fn all() -> Vec<(&'static str, Statement)> {
    vec![(SEED, seed()), (BUSY, busy())]
}

/// The bytes of a bundled sample.
pub fn bytes(name: &str) -> Vec<u8> {
    std::fs::read(path(name)).expect("sample")
}

/// The seed with its 总体情况 replaced by `paragraphs` (one row each).
pub fn with_overview(paragraphs: &[String]) -> Statement {
    let mut st = seed();
    st.narrative.sections[SECTION_OVERVIEW] = paragraphs
        .iter()
        .map(|p| Part {
            heading: None,
            paragraphs: vec![p.clone()],
            cell: None,
        })
        .collect();
    st
}

/// 总体情况 of 100,000 characters. An xlsx cell holds at most 32,767 characters: four rows of
/// 25,000.
pub fn long_overview() -> Vec<String> {
    let sentence = "本机关坚持以公开为常态、不公开为例外，持续推进政务公开标准化规范化建设。";
    (0..4)
        .map(|i| {
            let mut p = format!("第{}段", i + 1);
            while p.chars().count() < 25_000 {
                p.push_str(sentence);
            }
            p.chars().take(25_000).collect()
        })
        .collect()
}

/// Text with characters outside GB2312, control characters and an escape.
pub fn odd_characters() -> Statement {
    let mut st = with_overview(&[
        "生僻字𠀀与扩展A区㐀，还有表情😀。".to_string(),
        "控制\u{1}字符\u{7}和\u{1b}转义\u{FFFF}。".to_string(),
    ]);
    st.info.agency = "伊美区\u{8}教育局".into();
    st
}

/// `from` under another agency name.
pub fn named(agency: &str, from: &Statement) -> Statement {
    let mut st = from.clone();
    st.info.agency = agency.to_string();
    st
}

/// `st` as another agency's statement of another year, dated in January after it.
pub fn of_year(st: &Statement, agency: &str, year: i32) -> Statement {
    let mut st = st.clone();
    st.info.agency = agency.to_string();
    st.info.year = Some(year);
    st.info.date = report_gen::statement::Date::new(year + 1, 1, 20);
    st
}

/// Last year's statement of the busy sample: one year earlier, its carry-forward this year's
/// carry-in, its text rewritten unless `copied`.
pub fn last_year(st: &Statement, copied: bool) -> Statement {
    let mut prev = st.clone();
    prev.info.year = Some(2024);
    prev.info.date = report_gen::statement::Date::new(2025, 3, 18);
    for c in 0..T3_TOTAL_COL {
        let want = st.figures.t3[T3_CARRIED_IN][c];
        let have = prev.figures.t3[T3_CARRIED_FORWARD][c];
        prev.figures.t3[T3_CARRIED_FORWARD][c] = want;
        // Keep last year's table balanced: the difference goes to its new applications.
        prev.figures.t3[T3_NEW][c] = (prev.figures.t3[T3_NEW][c] + want).saturating_sub(have);
    }
    // 现行有效 last year = this year's − 制发 + 废止.
    for row in ["regulations", "normative_documents"] {
        let at = |col: &str| format::t2_index(row, Some(col)).expect("table 二 cell");
        let (issued, repealed, in_force) = (at("issued"), at("repealed"), at("in_force"));
        prev.figures.t2[in_force] =
            st.figures.t2[in_force] + st.figures.t2[repealed] - st.figures.t2[issued];
    }
    prev.figures.compute_totals();
    if !copied {
        for (i, part) in prev.narrative.sections.iter_mut().flatten().enumerate() {
            for p in &mut part.paragraphs {
                *p = format!(
                    "上一年度第{i}项工作：{}",
                    "围绕年度重点任务推进公开标准化规范化，加强平台建设，完善制度机制。"
                        .repeat(1 + i % 3)
                );
            }
        }
        // Last year's tables were not this year's.
        prev.figures.t2[6] += 1;
        prev.figures.t4[0][0] += 1;
        prev.figures.compute_totals();
    }
    prev
}

/// The path of a bundled sample, as a command-line argument.
pub fn arg(name: &str) -> String {
    path(name).to_string_lossy().into_owned()
}

/// Both samples as the reader reads their workbooks: the input the appendix must reproduce.
pub fn as_read() -> Vec<(&'static str, Statement)> {
    all()
        .into_iter()
        .map(|(name, st)| {
            let read =
                report_gen::reader::read(&path(name), Default::default()).expect("sample reads");
            assert_eq!(read.figures, st.figures, "{name}");
            (name, read)
        })
        .collect()
}
