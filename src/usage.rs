//! Command-line errors in Chinese: clap's error kinds mapped to our own wording, with the
//! usage line, exit code 2. `--help` and `--version` are printed as clap renders them, exit 0.

use clap::error::{ContextKind, ContextValue, ErrorKind};

/// What to print for a command line clap refused (or `--help`/`--version`), and the exit code.
pub struct Refusal {
    /// The text.
    pub text: String,
    /// Whether it goes to standard output (help, version) rather than standard error.
    pub to_stdout: bool,
    /// 0 for help and version, 2 otherwise.
    pub code: u8,
}

/// The refusal for a clap error.
pub fn refusal(e: &clap::Error) -> Refusal {
    match e.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => Refusal {
            text: e.render().to_string(),
            to_stdout: true,
            code: 0,
        },
        ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => Refusal {
            text: e.render().to_string(),
            to_stdout: false,
            code: 2,
        },
        _ => Refusal {
            text: message(e),
            to_stdout: false,
            code: 2,
        },
    }
}

fn string(e: &clap::Error, kind: ContextKind) -> Option<String> {
    match e.get(kind)? {
        ContextValue::String(s) => Some(s.clone()),
        ContextValue::StyledStr(s) => Some(s.to_string()),
        ContextValue::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn strings(e: &clap::Error, kind: ContextKind) -> Vec<String> {
    match e.get(kind) {
        Some(ContextValue::Strings(v)) => v.clone(),
        Some(ContextValue::String(s)) => vec![s.clone()],
        Some(ContextValue::StyledStrs(v)) => v.iter().map(ToString::to_string).collect(),
        _ => Vec::new(),
    }
}

/// Quoted and joined with 、: “a”、“b”.
fn quoted(items: &[String]) -> String {
    items
        .iter()
        .map(|s| format!("“{s}”"))
        .collect::<Vec<_>>()
        .join("、")
}

/// What the value placeholders of our arguments stand for.
const PLACEHOLDERS: [(&str, &str); 4] = [
    ("<DATA>", "统计表文件"),
    ("<INPUT>", "存放各机关统计表的文件夹"),
    ("<OUT_DIR>", "输出文件夹"),
    ("<REPORTS>", "要审查的报告或文件夹"),
];

/// The Chinese message for a clap error, with the usage line and where to find help.
fn message(e: &clap::Error) -> String {
    let arg = string(e, ContextKind::InvalidArg).unwrap_or_default();
    let value = string(e, ContextKind::InvalidValue).unwrap_or_default();
    let suggested = strings(e, ContextKind::SuggestedArg)
        .into_iter()
        .chain(strings(e, ContextKind::SuggestedSubcommand))
        .chain(strings(e, ContextKind::SuggestedValue))
        .collect::<Vec<_>>();
    let mut text = match e.kind() {
        ErrorKind::UnknownArgument if !arg.starts_with('-') => format!(
            "多余的参数“{arg}”。一次只处理一个统计表；处理一个文件夹中的全部统计表请用 report-gen batch 文件夹 -o 输出文件夹。"
        ),
        ErrorKind::UnknownArgument => format!("不认识的参数“{arg}”。"),
        ErrorKind::InvalidSubcommand => {
            let sub = string(e, ContextKind::InvalidSubcommand).unwrap_or_default();
            format!("不认识的命令“{sub}”。可用的命令：init、check、batch。")
        }
        ErrorKind::InvalidValue if value.is_empty() => format!("参数 {arg} 需要一个值。"),
        ErrorKind::InvalidValue => {
            let valid = strings(e, ContextKind::ValidValue);
            let mut m = format!("参数 {arg} 的值“{value}”无效。");
            if !valid.is_empty() {
                m.push_str(&format!("可用的值：{}。", quoted(&valid)));
            }
            m
        }
        ErrorKind::ValueValidation => {
            // Our value parsers word their reasons in Chinese (see cli.rs).
            let why = std::error::Error::source(e)
                .map(ToString::to_string)
                .filter(|w| !w.is_ascii())
                .map_or_else(String::new, |w| format!("：{w}"));
            format!("参数 {arg} 的值“{value}”无效{why}。")
        }
        ErrorKind::NoEquals => format!("参数 {arg} 的值要用等号给出，例如 {arg}=值。"),
        ErrorKind::TooManyValues => format!("参数 {arg} 多给了一个值“{value}”。"),
        ErrorKind::TooFewValues | ErrorKind::WrongNumberOfValues => {
            format!("参数 {arg} 的值的个数不对。")
        }
        ErrorKind::ArgumentConflict if e.get(ContextKind::InvalidSubcommand).is_some() => {
            // A second file after the workbook is parsed as a command that cannot follow it.
            let extra = string(e, ContextKind::InvalidSubcommand).unwrap_or_default();
            format!(
                "多余的参数“{extra}”。一次只处理一个统计表；处理一个文件夹中的全部统计表请用 report-gen batch 文件夹 -o 输出文件夹。"
            )
        }
        ErrorKind::ArgumentConflict => {
            let prior = strings(e, ContextKind::PriorArg);
            if prior.is_empty() || prior == [arg.clone()] {
                format!("参数 {arg} 只能给一次，或不能与其他参数同时使用。")
            } else {
                format!("参数 {arg} 不能与 {} 同时使用。", prior.join("、"))
            }
        }
        ErrorKind::MissingRequiredArgument => {
            let missing: Vec<String> = strings(e, ContextKind::InvalidArg)
                .into_iter()
                .map(|m| match PLACEHOLDERS.iter().find(|(p, _)| m.contains(p)) {
                    Some((_, words)) => format!("{m}（{words}）"),
                    None => m,
                })
                .collect();
            format!("缺少必需的参数：{}。", missing.join("、"))
        }
        ErrorKind::MissingSubcommand => "缺少命令。可用的命令：init、check、batch。".to_string(),
        ErrorKind::InvalidUtf8 => {
            "参数中有不是 UTF-8 编码的文字。文件名可以是任何编码，其他参数（如 --agency）请用 UTF-8。"
                .to_string()
        }
        _ => "命令行参数有误。".to_string(),
    };
    if let Some(s) = suggested.first() {
        text.push_str(&format!("是不是要用“{s}”？"));
    }
    let mut out = format!("错误：{text}\n");
    if let Some(usage) = string(e, ContextKind::Usage) {
        let usage = usage.trim();
        let usage = usage.strip_prefix("Usage:").unwrap_or(usage);
        let lines: Vec<&str> = usage.lines().map(str::trim).collect();
        out.push_str(&format!("用法：{}\n", lines.join("\n      ")));
    }
    out.push_str("（report-gen --help 查看全部用法）\n");
    out
}
