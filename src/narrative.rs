//! The generated passages of the report: minijinja templates over the computed figures.
//!
//! Every template is embedded as the default; `--templates DIR` replaces any of them by file
//! name. Templates see the figures by the format's stable ids (`t3.new.total`,
//! `t4.review.total`, `t2.licensing`) and a few derived views (result classes, appeal groups);
//! no figure is typed into a template. Undefined names are errors naming the template and line,
//! and a template that runs too long is stopped (fuel).

use crate::error::{Error, Result};
use crate::figures::Figures;
use crate::format::{
    CellId, SECTIONS, T3_CLASSES, T3_LEGAL_PERSON_COLS, T3_NEW, T3_TOTAL_COL, T4_GROUPS, T4_RESULTS,
};
use crate::statement::Statement;
use minijinja::{Environment, UndefinedBehavior};
use serde::Serialize;
use std::path::Path;

/// The templates, by file name, with their built-in text.
pub const BUILTIN: [(&str, &str); 6] = [
    ("title.j2", include_str!("../templates/title.j2")),
    ("preamble.j2", include_str!("../templates/preamble.j2")),
    (
        "applications.j2",
        include_str!("../templates/applications.j2"),
    ),
    ("appeals.j2", include_str!("../templates/appeals.j2")),
    ("fees.j2", include_str!("../templates/fees.j2")),
    ("other_none.j2", include_str!("../templates/other_none.j2")),
];

/// Instructions one rendering may spend before it is stopped (a loop that never ends, a huge
/// string). The built-in templates use a few thousand.
pub const FUEL: u64 = 200_000;
/// Largest text one template may produce.
pub const MAX_OUTPUT: usize = 200_000;

/// The loaded templates.
pub struct Templates {
    env: Environment<'static>,
}

/// Largest template file read: a template is a few lines.
const MAX_TEMPLATE_BYTES: u64 = 1024 * 1024;

impl Templates {
    /// The built-in templates.
    pub fn builtin() -> Result<Self> {
        Self::load(None)
    }

    /// The built-in templates, with any file of the same name in `dir` in their place.
    pub fn load(dir: Option<&Path>) -> Result<Self> {
        let mut env = Environment::new();
        env.set_undefined_behavior(UndefinedBehavior::Strict);
        env.set_fuel(Some(FUEL));
        // Chinese has no spaces between words: block tags must not leave line breaks behind.
        let syntax = minijinja::syntax::SyntaxConfig::builder()
            .trim_blocks(true)
            .lstrip_blocks(true)
            .build()
            .map_err(|e| template_error("", &e))?;
        env.set_syntax(syntax);
        env.add_filter("cn", crate::label::chinese_numeral);
        env.add_filter("amount", amount);
        for (name, builtin) in BUILTIN {
            let source = match dir.map(|d| d.join(name)) {
                Some(p) if p.exists() => {
                    let error = |detail: String| Error::Template {
                        name: crate::files::display(&p),
                        line: 0,
                        detail,
                    };
                    // Only a regular file, and not without end (a template is a few lines).
                    let bytes = crate::files::read_bounded(&p, MAX_TEMPLATE_BYTES)
                        .map_err(|e| error(e.to_string()))?;
                    String::from_utf8(bytes)
                        .map_err(|_| error("不是 UTF-8 编码的文本，请用 UTF-8 保存".into()))?
                }
                _ => builtin.to_string(),
            };
            env.add_template_owned(name, source)
                .map_err(|e| template_error(name, &e))?;
        }
        if let Some(dir) = dir {
            if !dir.is_dir() {
                return Err(Error::Usage(format!(
                    "模板文件夹 {} 不存在。",
                    crate::files::display(dir)
                )));
            }
        }
        Ok(Templates { env })
    }

    /// Renders a template to paragraphs (its non-empty lines, trimmed).
    pub fn render(&self, name: &str, ctx: &Context<'_>) -> Result<Vec<String>> {
        let tmpl = self
            .env
            .get_template(name)
            .map_err(|e| template_error(name, &e))?;
        let text = tmpl
            .render(minijinja::Value::from(minijinja::value::Serde(ctx)))
            .map_err(|e| template_error(name, &e))?;
        if text.len() > MAX_OUTPUT {
            return Err(Error::Template {
                name: name.to_string(),
                line: 0,
                detail: format!("生成的文字超过 {MAX_OUTPUT} 字节，已停止"),
            });
        }
        Ok(text
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(str::to_string)
            .collect())
    }
}

fn template_error(name: &str, e: &minijinja::Error) -> Error {
    let detail = match e.kind() {
        minijinja::ErrorKind::UndefinedError => format!("使用了未定义的名称（{e}）"),
        minijinja::ErrorKind::OutOfFuel => {
            "模板运行步数超过上限（可能有死循环），已停止".to_string()
        }
        _ => e.to_string(),
    };
    Error::Template {
        name: e.name().unwrap_or(name).to_string(),
        line: e.line().unwrap_or(0),
        detail,
    }
}

/// `{{ 1800.0 | amount }}` → 1800; `{{ 12.5 | amount }}` → 12.50.
fn amount(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        format!("{}", x as i64)
    } else {
        format!("{x:.2}")
    }
}

/// What the templates see.
#[derive(Serialize)]
pub struct Context<'a> {
    /// 机关名称.
    pub agency: &'a str,
    /// 报告年度.
    pub year: i32,
    /// 基本信息 as the templates need it.
    pub info: InfoView<'a>,
    /// The short names of the six sections, in order.
    pub section_names: Vec<&'static str>,
    /// Table 二 by id.
    pub t2: serde_json::Value,
    /// Table 三 by id.
    pub t3: serde_json::Value,
    /// Table 四 by id.
    pub t4: serde_json::Value,
    /// 一、本年新收 from 法人或其他组织 (the five legal-person columns).
    pub legal_persons_new: u64,
    /// The six result classes （一）…（六） with their totals.
    pub classes: Vec<Class>,
    /// The three groups of table 四 with their results.
    pub appeal_groups: Vec<AppealGroup>,
    /// All 复议 and 诉讼 cases.
    pub appeals_total: u64,
}

/// 基本信息 for the templates.
#[derive(Serialize)]
pub struct InfoView<'a> {
    /// 联系地址.
    pub address: &'a str,
    /// 邮政编码.
    pub postcode: &'a str,
    /// 联系电话.
    pub phone: &'a str,
    /// 电子版查阅途径.
    pub online: &'a str,
    /// 成文日期, e.g. 2026年1月20日 (empty when not given).
    pub date: String,
    /// 发出收费通知件数.
    pub fee_notices: u64,
    /// 收费通知总金额（元）.
    pub fee_notice_amount: f64,
    /// 实际收取总金额（元）.
    pub fee_collected: f64,
}

/// A result class of table 三.
#[derive(Serialize)]
pub struct Class {
    /// Stable id.
    pub id: &'static str,
    /// Name, e.g. 不予公开.
    pub name: &'static str,
    /// Applications in this class (总计 column).
    pub count: u64,
}

/// A group of table 四.
#[derive(Serialize)]
pub struct AppealGroup {
    /// Stable id (review, direct, after_review).
    pub id: &'static str,
    /// Label, e.g. 行政复议.
    pub name: &'static str,
    /// Its 总计.
    pub total: u64,
    /// Its four results.
    pub results: Vec<Class>,
}

impl<'a> Context<'a> {
    /// The context of a statement.
    pub fn new(st: &'a Statement) -> Self {
        let f: &Figures = &st.figures;
        let by_id = serde_json::to_value(f.by_id()).unwrap_or_default();
        let classes = T3_CLASSES
            .iter()
            .map(|c| Class {
                id: c.id,
                name: c.name,
                count: c
                    .rows
                    .clone()
                    .map(|r| f.count(CellId::T3(r, T3_TOTAL_COL)))
                    .sum(),
            })
            .collect();
        let appeal_groups: Vec<AppealGroup> = T4_GROUPS
            .iter()
            .enumerate()
            .map(|(g, (group, _))| AppealGroup {
                id: group.id,
                name: group.label,
                total: f.count(CellId::T4(g, crate::format::T4_TOTAL)),
                results: T4_RESULTS[..crate::format::T4_TOTAL]
                    .iter()
                    .enumerate()
                    .map(|(k, r)| Class {
                        id: r.id,
                        name: r.label,
                        count: f.count(CellId::T4(g, k)),
                    })
                    .collect(),
            })
            .collect();
        let info = &st.info;
        Context {
            agency: &info.agency,
            year: info.year.unwrap_or_default(),
            info: InfoView {
                address: &info.address,
                postcode: &info.postcode,
                phone: &info.phone,
                online: &info.online,
                date: info.date.map(|d| d.to_string()).unwrap_or_default(),
                fee_notices: info.fee_notices,
                fee_notice_amount: info.fee_notice_amount,
                fee_collected: info.fee_collected,
            },
            section_names: SECTIONS.iter().map(|s| s.short).collect(),
            t2: by_id.get("t2").cloned().unwrap_or_default(),
            t3: by_id.get("t3").cloned().unwrap_or_default(),
            t4: by_id.get("t4").cloned().unwrap_or_default(),
            legal_persons_new: T3_LEGAL_PERSON_COLS.map(|c| f.t3[T3_NEW][c]).sum(),
            classes,
            appeals_total: appeal_groups.iter().map(|g| g.total).sum(),
            appeal_groups,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::statement::Info;

    fn statement() -> Statement {
        Statement {
            info: Info {
                agency: "测试局".into(),
                year: Some(2025),
                ..Info::default()
            },
            ..Statement::default()
        }
    }

    fn render(name: &str, st: &Statement) -> Vec<String> {
        let t = Templates::builtin().unwrap_or_else(|e| panic!("{e}"));
        t.render(name, &Context::new(st))
            .unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn zero_figures_say_so() {
        let st = statement();
        assert_eq!(
            render("applications.j2", &st),
            vec!["本年度未收到政府信息公开申请。"]
        );
        assert_eq!(
            render("appeals.j2", &st),
            vec!["本年度未发生因政府信息公开引起的行政复议、行政诉讼。"]
        );
        assert_eq!(render("fees.j2", &st), vec!["本年度未收取信息处理费。"]);
        assert_eq!(
            render("title.j2", &st),
            vec!["测试局", "2025年政府信息公开工作年度报告"]
        );
    }

    #[test]
    fn figures_come_from_the_tables_and_zero_classes_are_left_out() {
        let mut st = statement();
        let f = &mut st.figures;
        f.t3[0][0] = 5;
        f.t3[0][1] = 2;
        f.t3[1][0] = 1;
        f.t3[2][0] = 4;
        f.t3[12][1] = 2;
        f.t3[24][0] = 2;
        f.t4[0] = [1, 0, 0, 1, 0];
        f.t4[2][0] = 3;
        f.compute_totals();
        st.info.fee_notices = 2;
        st.info.fee_notice_amount = 200.0;
        st.info.fee_collected = 100.5;
        assert_eq!(
            render("applications.j2", &st),
            vec!["本年度新收政府信息公开申请7件（其中自然人5件、法人或其他组织2件），上年结转1件。本年度办理完毕的申请中，予以公开4件，无法提供2件。结转下年度继续办理2件。"]
        );
        assert_eq!(
            render("appeals.j2", &st),
            vec!["本年度因政府信息公开被申请行政复议2件（结果维持1件，尚未审结1件）；经行政复议后被提起行政诉讼3件（结果维持3件）。"]
        );
        assert_eq!(
            render("fees.j2", &st),
            vec!["依据《政府信息公开信息处理费管理办法》，本年度发出收费通知2件，总金额200元；实际收取信息处理费100.50元。"]
        );
    }

    #[test]
    fn preamble_clauses_follow_the_filled_fields() {
        let mut st = statement();
        let p = render("preamble.j2", &st).join("");
        assert!(p.contains("由总体情况、主动公开政府信息情况、收到和处理政府信息公开申请情况、政府信息公开行政复议、行政诉讼情况、存在的主要问题及改进情况、其他需要报告的事项等六部分组成"), "{p}");
        assert!(p.contains("统计期限为2025年1月1日至12月31日"));
        assert!(!p.contains("查阅") && !p.contains("联系"));
        st.info.phone = "0458-3368995".into();
        let p = render("preamble.j2", &st).join("");
        assert!(
            p.contains("如对本报告有疑问，请与测试局联系（电话：0458-3368995）。"),
            "{p}"
        );
    }

    #[test]
    fn overrides_undefined_names_and_runaway_templates_are_errors() {
        let tmp = tempfile::tempdir().expect("temporary folder");
        let dir = tmp.path();
        let write = |body: &str| {
            let _ = std::fs::write(dir.join("fees.j2"), body);
            Templates::load(Some(dir))
                .and_then(|t| t.render("fees.j2", &Context::new(&statement())))
        };
        assert_eq!(
            write("收费{{ info.fee_notices }}件").ok(),
            Some(vec!["收费0件".to_string()])
        );
        match write("第一行\n{{ no_such_name }}") {
            Err(Error::Template { name, line, .. }) => {
                assert_eq!((name.as_str(), line), ("fees.j2", 2))
            }
            other => panic!("{other:?}"),
        }
        match write(
            "{% for i in range(100000) %}{% for j in range(100000) %}x{% endfor %}{% endfor %}",
        ) {
            Err(Error::Template { detail, .. }) => assert!(detail.contains("上限"), "{detail}"),
            other => panic!("{other:?}"),
        }
        match write("{{ \"x\" * 1000000 }}") {
            Err(Error::Template { .. }) => {}
            other => panic!("{other:?}"),
        }
    }
}
