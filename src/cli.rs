//! The command line: arguments (their doc comments are the help text) and what each command does.
//!
//! Exit codes: 0 no errors (warnings allowed); 1 data errors; 2 unreadable input, wrong
//! arguments, or an output that cannot be written. Everything printed goes through
//! [`crate::console`].

use crate::console::{errln, outln};
use clap::{Args, Parser, Subcommand, ValueEnum};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use report_gen::audit::{self, Entry};
use report_gen::diagnostics::{self, Diagnostic};
use report_gen::error::{Error, Result};
use report_gen::files;
use report_gen::narrative::Templates;
use report_gen::output::{Flush, Inputs, Target};
use report_gen::workbook::Limits;
use report_gen::{batch, html, init, output, pdf, report};
use serde::Serialize;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

/// 政府信息公开工作年度报告生成工具：读取统计表，核对每个数字，生成 Word 年报和 Excel 附表。
///
/// 用法：report-gen 统计表.xlsx -o 年度报告.docx
#[derive(Debug, Parser)]
#[command(
    name = "report-gen",
    version,
    args_conflicts_with_subcommands = true,
    max_term_width = 100
)]
pub struct Cli {
    #[command(subcommand)]
    command: Option<Command>,

    #[command(flatten)]
    report: ReportArgs,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// 生成空白统计表（交各机关填写）。
    Init(InitArgs),
    /// 只核对统计表，不生成报告。
    Check(CheckArgs),
    /// 批量处理一个文件夹中各机关的统计表：逐一核对、生成报告和附表，并写出汇总表。
    Batch(BatchArgs),
    /// 审查已发布的年度报告（Word .docx、网页 .html、PDF）：核对统计表、六个部分、年度和正文中的数字。
    Audit(AuditArgs),
}

/// The main form: the Word report (and the Excel appendix).
#[derive(Debug, Args)]
struct ReportArgs {
    /// 本年度统计表（.xlsx、.xls、.ods）。
    data: Option<PathBuf>,
    /// 输出的 Word 报告（.docx）。
    #[arg(short, long, value_name = "REPORT.docx")]
    output: Option<PathBuf>,
    /// 上一年度统计表，用于核对上年结转等连续性，以及报告是否照抄上年。
    #[arg(long, value_name = "LAST.xlsx")]
    previous: Option<PathBuf>,
    /// 即使有错误也生成报告（错误照样列出）。
    #[arg(long)]
    force: bool,
    /// 用此文件夹中的同名模板（title.j2、preamble.j2 等）替换内置模板。
    #[arg(long, value_name = "DIR")]
    templates: Option<PathBuf>,
    /// Excel 附表的保存位置（默认与报告同名，加“-附表.xlsx”）。
    #[arg(long, value_name = "PATH", conflicts_with = "no_appendix")]
    appendix: Option<PathBuf>,
    /// 不生成 Excel 附表。
    #[arg(long)]
    no_appendix: bool,
    #[command(flatten)]
    publish: PublishArgs,
    #[command(flatten)]
    limits: LimitArgs,
}

/// PDF and web pages beside the Word report.
#[derive(Debug, Args)]
struct PublishArgs {
    /// 同时生成 PDF（与报告同名，扩展名 .pdf）。需要安装 LibreOffice。
    #[arg(long)]
    pdf: bool,
    /// 生成归档用的 PDF/A-2b（代替普通 PDF，含 --pdf 的作用）。需要 LibreOffice 7.4 或更高版本。
    #[arg(long)]
    pdf_a: bool,
    /// 同时生成网页（与报告同名，扩展名 .html）：可直接发布到门户网站，无脚本、无外部资源。
    #[arg(long)]
    html: bool,
    /// 同时生成只含正文的网页片段（“<报告名>-片段.html”），粘贴到门户网站编辑器的源代码模式。
    #[arg(long)]
    html_fragment: bool,
}

impl PublishArgs {
    fn pdf(&self) -> Option<pdf::Options> {
        (self.pdf || self.pdf_a).then(|| pdf::Options::from_env(self.pdf_a))
    }
}

#[derive(Debug, Args)]
struct BatchArgs {
    /// 存放各机关统计表的文件夹（含子文件夹）。
    input: PathBuf,
    /// 输出文件夹：各机关的报告、附表和“汇总.xlsx”。
    #[arg(short, long, value_name = "OUT_DIR")]
    output: PathBuf,
    /// 上一年度统计表所在文件夹，按机关名称匹配，用于核对连续性和是否照抄上年。
    #[arg(long, value_name = "LAST_YEAR_DIR")]
    previous: Option<PathBuf>,
    /// 同时处理的文件数（默认为 CPU 核数）。
    #[arg(long, value_name = "N", value_parser = jobs)]
    jobs: Option<u16>,
    /// 有错误的统计表也生成报告。
    #[arg(long)]
    force: bool,
    /// 用此文件夹中的同名模板替换内置模板。
    #[arg(long, value_name = "DIR")]
    templates: Option<PathBuf>,
    #[command(flatten)]
    publish: PublishArgs,
    #[command(flatten)]
    limits: LimitArgs,
}

#[derive(Debug, Args)]
struct LimitArgs {
    /// 输入文件大小上限（MB）；超过则拒绝读取。
    #[arg(long, value_name = "MB", default_value_t = 50, value_parser = megabytes)]
    max_input_mb: u64,
}

impl LimitArgs {
    fn limits(&self) -> Limits {
        Limits::from_mb(self.max_input_mb)
    }
}

#[derive(Debug, Args)]
struct InitArgs {
    /// 输出文件。
    #[arg(short, long, default_value = "统计表.xlsx")]
    output: PathBuf,
    /// 预先填入的机关名称。
    #[arg(long, value_name = "NAME")]
    agency: Option<String>,
    /// 预先填入的报告年度。
    #[arg(long, value_name = "YYYY", value_parser = year)]
    year: Option<i32>,
    /// 输出文件已存在时覆盖它。
    #[arg(long)]
    force: bool,
}

#[derive(Debug, Args)]
struct CheckArgs {
    /// 要核对的统计表。
    data: PathBuf,
    /// 上一年度统计表，用于核对连续性（R-T3-6、R-T2-2、R-T2-3）和是否照抄上年（R-X-5）。
    #[arg(long, value_name = "LAST.xlsx")]
    previous: Option<PathBuf>,
    /// 输出格式：text（给人看）或 json（给程序用）。
    #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
    format: OutputFormat,
    /// 列出每个数字读自统计表的哪个单元格（合计类数字注明由计算得出）。
    #[arg(long)]
    cells: bool,
    #[command(flatten)]
    limits: LimitArgs,
}

#[derive(Debug, Args)]
struct AuditArgs {
    /// 要审查的报告（.docx、.html、.pdf）或存放报告的文件夹（含子文件夹），可给出多个。
    #[arg(required = true, value_name = "REPORTS")]
    inputs: Vec<PathBuf>,
    /// 上一年度的报告或统计表，用于核对上年结转（R-T3-6）和是否照抄上年（R-X-5）；审查文件夹时可给出上一年度的文件夹，按机关名称匹配。
    #[arg(long, value_name = "LAST")]
    previous: Option<PathBuf>,
    /// 输出格式：text（给人看）或 json（给程序用）。
    #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
    format: OutputFormat,
    /// 写出审查结果汇总表（.xlsx）：每份报告一行，另有一张表列出全部问题。
    #[arg(short, long, value_name = "审查结果.xlsx")]
    output: Option<PathBuf>,
    /// 列出每个数字在报告中的位置（合计类数字注明由计算得出）；只审查一份报告时有效。
    #[arg(long)]
    cells: bool,
    /// 同时审查的文件数（默认为 CPU 核数）。
    #[arg(long, value_name = "N", value_parser = jobs)]
    jobs: Option<u16>,
    #[command(flatten)]
    limits: LimitArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum OutputFormat {
    Text,
    Json,
}

/// `--jobs`: 1 to 256 workers (the reason is worded for [`crate::usage`]).
fn jobs(s: &str) -> std::result::Result<u16, String> {
    match s.trim().parse::<u16>() {
        Ok(n) if (1..=256).contains(&n) => Ok(n),
        _ => Err("应为 1 到 256 之间的整数".into()),
    }
}

/// `--max-input-mb`: a whole number of megabytes, at least 1.
fn megabytes(s: &str) -> std::result::Result<u64, String> {
    match s.trim().parse::<u64>() {
        Ok(n) if n >= 1 => Ok(n),
        _ => Err("应为不小于 1 的整数（单位 MB）".into()),
    }
}

/// `--year`: a four-digit year.
fn year(s: &str) -> std::result::Result<i32, String> {
    match s.trim().trim_end_matches('年').parse::<i32>() {
        Ok(y) if (1000..=9999).contains(&y) => Ok(y),
        _ => Err("应为四位数的年份，例如 2025".into()),
    }
}

/// Runs the parsed command line and returns the exit code of the work.
pub fn run(cli: Cli) -> u8 {
    match cli.command {
        Some(Command::Init(a)) => finish(init_command(&a)),
        Some(Command::Check(a)) => check_command(&a),
        Some(Command::Batch(a)) => match batch_command(&a) {
            Ok(code) => code,
            Err(e) => finish(Err(e)),
        },
        Some(Command::Audit(a)) => match audit_command(&a) {
            Ok(code) => code,
            Err(e) => finish(Err(e)),
        },
        None => finish(report_command(&cli.report)),
    }
}

/// Prints an error with its hint lines and returns its exit code; 0 on success.
fn finish(result: Result<()>) -> u8 {
    match result {
        Ok(()) => 0,
        Err(e) => {
            errln!("错误：{e}");
            e.exit_code()
        }
    }
}

/// Removes what runs killed outright left in the folders of `targets`, and says so.
fn clean_stale(targets: &[Target]) {
    let removed = output::clean_stale_for(targets);
    if removed > 0 {
        errln!(
            "已清理 {removed} 个此前被强行终止的运行留下的临时文件（{}*{}）。",
            output::TEMP_PREFIX,
            output::TEMP_SUFFIX
        );
    }
}

fn init_command(a: &InitArgs) -> Result<()> {
    if a.output.exists() && !a.force {
        return Err(Error::Usage(format!(
            "{} 已存在，未覆盖（它可能已经填好了数据）。请换一个文件名，或加 --force 覆盖。",
            files::display(&a.output)
        )));
    }
    let targets = [Target::new("统计表", &a.output)];
    output::check(&targets, &Inputs::new())?;
    let st = init::blank(a.agency.as_deref(), a.year);
    let bytes = init::workbook(&st).map_err(|e| Error::Build {
        what: "统计表",
        detail: e.to_string(),
    })?;
    clean_stale(&targets);
    output::write_atomic(&a.output, &bytes)?;
    errln!("已生成空白统计表：{}", files::display(&a.output));
    Ok(())
}

/// What `check --format json` prints.
#[derive(Serialize)]
struct CheckJson<'a> {
    file: String,
    agency: Option<&'a str>,
    year: Option<i32>,
    /// Why the workbook could not be read, if it could not.
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
    errors: usize,
    warnings: usize,
    diagnostics: &'a [Diagnostic],
    figures: Option<report_gen::figures::ById<'a>>,
    /// Every figure with the cell it was read from, or that it was computed.
    #[serde(skip_serializing_if = "Option::is_none")]
    cells: Option<Vec<report_gen::statement::Source>>,
}

fn check_command(a: &CheckArgs) -> u8 {
    let result = report::check(&a.data, a.previous.as_deref(), a.limits.limits())
        .map(|c| (c.statement, c.diagnostics));
    let file = files::display(&a.data);
    match (a.format, result) {
        (OutputFormat::Text, Ok((st, diags))) => {
            let year = st.info.year.map_or(String::new(), |y| format!(" {y} 年度"));
            outln!("{file}：{}{year}", st.info.agency);
            crate::console::out(&diagnostics::render_text(&diags));
            if a.cells {
                crate::console::out(&sources_table(&st.sources()));
            }
            u8::from(diags.iter().any(Diagnostic::is_error))
        }
        (OutputFormat::Json, Ok((st, diags))) => {
            let (errors, warnings) = diagnostics::counts(&diags);
            let v = CheckJson {
                file,
                agency: Some(&st.info.agency),
                year: st.info.year,
                error: None,
                errors,
                warnings,
                diagnostics: &diags,
                figures: Some(st.figures.by_id()),
                cells: Some(st.sources()),
            };
            outln!("{}", serde_json::to_string_pretty(&v).unwrap_or_default());
            u8::from(errors > 0)
        }
        (OutputFormat::Text, Err(e)) => {
            errln!("错误：{e}");
            e.exit_code()
        }
        (OutputFormat::Json, Err(e)) => {
            let diags = e.diagnostics();
            let (errors, warnings) = diagnostics::counts(diags);
            let v = CheckJson {
                file,
                agency: None,
                year: None,
                error: Some(e.to_string()),
                errors: errors.max(1),
                warnings,
                diagnostics: diags,
                figures: None,
                cells: None,
            };
            outln!("{}", serde_json::to_string_pretty(&v).unwrap_or_default());
            e.exit_code()
        }
    }
}

/// The figures and where each was read, as a table office staff can follow: 数值, 来源, 项目.
fn sources_table(sources: &[report_gen::statement::Source]) -> String {
    use unicode_width::UnicodeWidthStr;
    let display_width = |s: &str| s.width_cjk();
    let from: Vec<String> = sources
        .iter()
        .map(|s| match (&s.cell, s.computed, s.written) {
            (Some(c), true, Some(w)) => format!("计算得出（表中填 {w}，{c}）"),
            (_, true, _) => "计算得出".to_string(),
            (Some(c), false, _) => c.to_string(),
            (None, false, _) => "未读取（按 0 计）".to_string(),
        })
        .collect();
    let width = from.iter().map(|f| display_width(f)).max().unwrap_or(0);
    let mut out = String::from("\n每个数字的来源（数值、读取位置、项目）：\n");
    for (s, f) in sources.iter().zip(&from) {
        let pad = " ".repeat(width.saturating_sub(display_width(f)));
        out.push_str(&format!(
            "  {:>10}  {f}{pad}  {}\n",
            s.value.to_string(),
            s.name
        ));
    }
    out
}

/// What `audit --format json` prints for one report.
#[derive(Serialize)]
struct AuditJson<'a> {
    file: String,
    /// docx, html or pdf.
    #[serde(skip_serializing_if = "Option::is_none")]
    kind: Option<&'static str>,
    agency: Option<&'a str>,
    year: Option<i32>,
    /// Why the report could not be read, if it could not.
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
    errors: usize,
    warnings: usize,
    diagnostics: &'a [Diagnostic],
    figures: Option<report_gen::figures::ById<'a>>,
    /// Every figure with where it was found in the report.
    cells: Option<&'a [report_gen::statement::Source]>,
}

impl<'a> AuditJson<'a> {
    fn of(e: &'a audit::Entry) -> Self {
        let (errors, warnings) = diagnostics::counts(&e.row.diagnostics);
        let a = e.audited.as_ref();
        AuditJson {
            file: files::display(&e.row.file),
            kind: a.map(|a| match a.kind {
                report_gen::document::Kind::Docx => "docx",
                report_gen::document::Kind::Html => "html",
                report_gen::document::Kind::Pdf => "pdf",
            }),
            agency: a.map(|a| a.statement.info.agency.as_str()),
            year: a.and_then(|a| a.statement.info.year),
            error: e.error.clone(),
            errors,
            warnings,
            diagnostics: &e.row.diagnostics,
            figures: a.map(|a| a.statement.figures.by_id()),
            cells: a.map(|a| a.figures.as_slice()),
        }
    }
}

/// One report named: its findings as `check` prints them. Several, or a folder: progress, one
/// line per report, the closing line; with `-o` the summary workbook.
fn audit_command(a: &AuditArgs) -> Result<u8> {
    let jobs = a
        .jobs
        .map(usize::from)
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    let single = matches!(a.inputs.as_slice(), [one] if !one.is_dir());
    let opts = audit::Options {
        inputs: a.inputs.clone(),
        previous: a.previous.clone(),
        jobs,
        limits: a.limits.limits(),
        output: a.output.clone(),
        keep: single || a.format == OutputFormat::Json,
    };
    let outcome = if single {
        audit::run(&opts, &batch::Quiet)?
    } else {
        audit::run(&opts, &Console::new())?
    };
    match (single, a.format) {
        (_, OutputFormat::Json) => {
            let all: Vec<AuditJson> = outcome.entries.iter().map(AuditJson::of).collect();
            let text = match all.as_slice() {
                [one] if single => serde_json::to_string_pretty(one),
                _ => serde_json::to_string_pretty(&all),
            };
            outln!("{}", text.unwrap_or_default());
        }
        (true, OutputFormat::Text) => {
            if let Some(e) = outcome.entries.first() {
                match &e.audited {
                    Some(au) => {
                        let st = &au.statement;
                        let year = st.info.year.map_or(String::new(), |y| format!(" {y} 年度"));
                        outln!("{}：{}{year}", files::display(&e.row.file), st.info.agency);
                        crate::console::out(&diagnostics::render_text(&au.diagnostics));
                        if a.cells {
                            crate::console::out(&sources_table(&au.figures));
                        }
                    }
                    None => errln!("错误：{}", e.error.as_deref().unwrap_or_default()),
                }
            }
        }
        (false, OutputFormat::Text) => {
            for e in &outcome.entries {
                let (errors, warnings) = diagnostics::counts(&e.row.diagnostics);
                let year = e.row.year.map_or(String::new(), |y| format!(" {y} 年度"));
                match &e.error {
                    Some(why) => outln!(
                        "{}：{}：{why}",
                        files::display(&e.row.file),
                        e.row.status.label()
                    ),
                    None => outln!(
                        "{}：{}{year}：{}（{errors} 个错误、{warnings} 个警告）",
                        files::display(&e.row.file),
                        e.row.agency,
                        e.row.status.label()
                    ),
                }
            }
            if !outcome.skipped.is_empty() {
                errln!("另有 {} 项不是报告，未审查：", outcome.skipped.len());
                const SHOWN: usize = 20;
                for s in outcome.skipped.iter().take(SHOWN) {
                    errln!("  {}：{}", files::display(&s.file), s.reason);
                }
                if outcome.skipped.len() > SHOWN {
                    errln!("  ……共 {} 项", outcome.skipped.len());
                }
            }
            errln!("{}", outcome.line());
        }
    }
    if let Some(p) = &outcome.written {
        errln!("审查结果：{}", files::display(p));
    }
    // One report that cannot be read is an unreadable input, as for `check`.
    if single {
        if let Some(Entry { error: Some(_), .. }) = outcome.entries.first() {
            return Ok(2);
        }
    }
    Ok(outcome.exit_code())
}

fn report_command(a: &ReportArgs) -> Result<()> {
    let Some(data) = &a.data else {
        return Err(Error::Usage(
            "请给出统计表文件，例如：report-gen 统计表.xlsx -o 年度报告.docx（report-gen --help 查看全部用法）".into(),
        ));
    };
    let templates = Templates::load(a.templates.as_deref())?;
    let checked = report::check(data, a.previous.as_deref(), a.limits.limits())?;
    let st = &checked.statement;
    let year = st.info.year.map_or(String::new(), |y| format!(" {y} 年度"));
    outln!("{}：{}{year}", files::display(data), st.info.agency);
    crate::console::out(&diagnostics::render_text(&checked.diagnostics));
    let (errors, _) = diagnostics::counts(&checked.diagnostics);
    if errors > 0 && !a.force {
        return Err(Error::DataErrors {
            path: data.clone(),
            errors,
        });
    }
    let docx_path = a
        .output
        .clone()
        .unwrap_or_else(|| PathBuf::from(report::default_name(st)));
    let appendix_path = match (&a.appendix, a.no_appendix) {
        (_, true) => None,
        (Some(p), false) => Some(p.clone()),
        (None, false) => Some(report::appendix_path(&docx_path)),
    };
    // Everything knowable is checked before anything is built or written.
    let mut targets = vec![Target::new("报告", &docx_path)];
    targets.extend(appendix_path.iter().map(|p| Target::new("附表", p)));
    let mut inputs = Inputs::new();
    inputs.add("统计表", data);
    if let Some(p) = &a.previous {
        inputs.add("上一年度统计表", p);
    }
    if let Some(dir) = &a.templates {
        for (name, _) in report_gen::narrative::BUILTIN {
            inputs.add("模板", &dir.join(name));
        }
    }
    let wanted = report::Wanted {
        appendix: appendix_path.is_some(),
        html: a.publish.html,
        fragment: a.publish.html_fragment,
    };
    let pages: Vec<(PathBuf, bool)> = vec![
        (html::page_path(&docx_path), wanted.html),
        (html::fragment_path(&docx_path), wanted.fragment),
    ];
    for (p, wanted) in &pages {
        if *wanted {
            targets.push(Target::new("网页", p));
        }
    }
    if a.publish.pdf().is_some() {
        targets.push(Target::new("PDF", pdf::path(&docx_path)));
    }
    output::check(&targets, &inputs)?;
    let docs = report::build_wanted(&checked, &templates, wanted)?;
    let mut files_: Vec<(&Path, &[u8])> = vec![(&docx_path, &docs.docx)];
    if let (Some(p), Some(bytes)) = (&appendix_path, &docs.appendix) {
        files_.push((p, bytes));
    }
    for ((p, _), text) in pages.iter().zip([&docs.html, &docs.fragment]) {
        if let Some(text) = text {
            files_.push((p, text.as_bytes()));
        }
    }
    clean_stale(&targets);
    output::write_set(&files_, Flush::EachFile)?;
    for (p, _) in &files_ {
        errln!("已生成：{}", files::display(p));
    }
    publish(&a.publish, &docx_path)?;
    if errors > 0 {
        errln!("注意：统计表有 {errors} 个错误，报告是按 --force 生成的，发布前务必改正。");
    }
    Ok(())
}

/// Converts a report already written to `docx` to PDF, when asked.
fn publish(a: &PublishArgs, docx: &Path) -> Result<()> {
    let Some(opts) = a.pdf() else {
        return Ok(());
    };
    errln!("正在用 LibreOffice 生成 PDF……");
    let job = pdf::Job {
        docx: docx.to_path_buf(),
        pdf: pdf::path(docx),
    };
    let done = pdf::convert(&[job], &opts, output::Flush::EachFile, &batch::Quiet)?;
    for w in &done.warnings {
        errln!("警告：{w}");
    }
    for r in done.results {
        errln!("已生成：{}", files::display(&r?));
    }
    Ok(())
}

fn batch_command(a: &BatchArgs) -> Result<u8> {
    let templates = Templates::load(a.templates.as_deref())?;
    let jobs = a
        .jobs
        .map(usize::from)
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    let opts = batch::Options {
        input: a.input.clone(),
        output: a.output.clone(),
        previous: a.previous.clone(),
        jobs,
        force: a.force,
        limits: a.limits.limits(),
        html: a.publish.html,
        fragment: a.publish.html_fragment,
        pdf: a.publish.pdf(),
    };
    let progress = Console::new();
    let summary = batch::run(&opts, &templates, &progress)?;
    for w in &summary.pdf_warnings {
        errln!("警告：{w}");
    }
    if summary.cleaned > 0 {
        errln!(
            "已清理输出文件夹中 {} 个此前被强行终止的运行留下的临时文件。",
            summary.cleaned
        );
    }
    errln!("{}", summary.line());
    if !summary.skipped.is_empty() {
        errln!(
            "另有 {} 项不是统计表，未处理（详见汇总表的“未处理的文件”）：",
            summary.skipped.len()
        );
        const SHOWN: usize = 20;
        for s in summary.skipped.iter().take(SHOWN) {
            errln!("  {}：{}", files::display(&s.file), s.reason);
        }
        if summary.skipped.len() > SHOWN {
            errln!("  ……共 {} 项", summary.skipped.len());
        }
    }
    if let Some(note) = summary.years_note() {
        errln!("注意：{note}");
    }
    let names: Vec<String> = summary
        .summaries
        .iter()
        .map(|p| files::display(p))
        .collect();
    errln!("汇总表：{}", names.join("、"));
    Ok(summary.exit_code())
}

/// Batch progress: a bar on a terminal, one plain line per file otherwise (logs, CI).
struct Console {
    bar: Option<ProgressBar>,
    done: AtomicUsize,
    total: AtomicUsize,
    phase: std::sync::Mutex<String>,
}

impl Console {
    fn new() -> Self {
        let bar = std::io::stderr().is_terminal().then(|| {
            let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
            let style =
                ProgressStyle::with_template("{msg} [{bar:30}] {pos}/{len} {rate} 剩余 {eta}")
                    .map(|s| {
                        s.progress_chars("=> ").with_key(
                            "rate",
                            |state: &indicatif::ProgressState, w: &mut dyn std::fmt::Write| {
                                let _ = write!(w, "{:.0} 个/秒", state.per_sec());
                            },
                        )
                    })
                    .unwrap_or_else(|_| ProgressStyle::default_bar());
            bar.set_style(style);
            bar
        });
        Console {
            bar,
            done: AtomicUsize::new(0),
            total: AtomicUsize::new(0),
            phase: std::sync::Mutex::new(String::new()),
        }
    }
}

impl batch::Progress for Console {
    fn start(&self, phase: &str, total: usize) {
        self.done.store(0, Ordering::Relaxed);
        self.total.store(total, Ordering::Relaxed);
        if let Ok(mut p) = self.phase.lock() {
            *p = phase.to_string();
        }
        if let Some(bar) = &self.bar {
            bar.reset();
            bar.set_length(total as u64);
            bar.set_message(format!("{phase}（失败 0）"));
        }
    }

    fn step(&self, failed: usize, line: &str) {
        let done = self.done.fetch_add(1, Ordering::Relaxed) + 1;
        match &self.bar {
            Some(bar) => {
                let phase = self.phase.lock().map(|p| p.clone()).unwrap_or_default();
                bar.set_message(format!("{phase}（失败 {failed}）"));
                bar.inc(1);
            }
            None => errln!("[{done}/{}] {line}", self.total.load(Ordering::Relaxed)),
        }
    }

    fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}
