//! The January batch: every agency's workbook of a district in one run.
//!
//! Three passes. (1) Every workbook is read and checked in parallel, matched by 机关名称 to
//! last year's workbook when one is given. (2) Workbooks of the same agency and year are marked
//! as conflicts (neither is written); different agencies whose file names would be the same (a
//! long name shortened, characters a file name cannot hold) get numbered names. (3) The reports
//! and appendices are built in parallel and written as pairs (both or neither, see
//! [`output::write_set`]), so no more than one document per worker is held at a time. Last,
//! the summary workbook 汇总.xlsx: one row per file, every diagnostic, and the roll-up of
//! tables 二, 三 and 四 over the agencies that passed; one per 报告年度 (汇总-2024.xlsx,
//! 汇总-2025.xlsx) when the folder holds workbooks of several years, which are never added up.
//! With `--pdf`, one LibreOffice process converts every report written ([`crate::pdf`]) before
//! the summary is written.
//!
//! Every entry of the input folder is accounted for: a workbook gets a row; anything else
//! (another kind of file, an Office lock file, a hidden file, the output folder, a second link
//! to the same file) is listed in [`Summary::skipped`] with the reason.

use crate::diagnostics::{self, Diagnostic};
use crate::error::{Error, Result};
use crate::figures::Figures;
use crate::files::{self, FileId};
use crate::narrative::Templates;
use crate::output::{Flush, Inputs, Target};
use crate::report::{self, Checked};
use crate::rules;
use crate::statement::Statement;
use crate::workbook::Limits;
use crate::{checks, output, reader};
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// File name of the summary workbook in the output folder (one 报告年度 in the batch).
pub const SUMMARY: &str = "汇总.xlsx";

/// File name of the summary workbook of one 报告年度 when the batch holds several:
/// `汇总-2025.xlsx`.
pub fn summary_name(year: i32) -> String {
    format!("汇总-{year}.xlsx")
}

/// File extensions read (case-insensitive): every spreadsheet extension that `check` reads
/// (it recognises the format by the file's bytes), and .xlsb and .csv, which are refused by
/// name with what to do, so that no agency's file is passed over without a line.
pub const EXTENSIONS: [&str; 11] = [
    "xlsx", "xlsm", "xltx", "xltm", "xls", "xlt", "et", "ods", "ots", "xlsb", "csv",
];

/// What a batch run is asked to do.
#[derive(Debug, Clone)]
pub struct Options {
    /// Folder searched (recursively) for workbooks.
    pub input: PathBuf,
    /// Folder the reports and 汇总.xlsx go to.
    pub output: PathBuf,
    /// Last year's workbooks, matched by 机关名称.
    pub previous: Option<PathBuf>,
    /// Worker threads.
    pub jobs: usize,
    /// Write reports even for workbooks with errors.
    pub force: bool,
    /// Input limits.
    pub limits: Limits,
    /// Write each report's web page too ([`crate::html::page`]).
    pub html: bool,
    /// Write each report's article fragment too ([`crate::html::fragment`]).
    pub fragment: bool,
    /// Convert every report written to PDF, in one LibreOffice process ([`crate::pdf`]).
    pub pdf: Option<crate::pdf::Options>,
}

/// How one workbook fared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Status {
    /// No errors, no warnings.
    Passed,
    /// Warnings only.
    Warnings,
    /// Data errors (or a conflict).
    Errors,
    /// The file could not be read.
    Unreadable,
}

impl Status {
    /// The word office staff read.
    pub fn label(self) -> &'static str {
        match self {
            Status::Passed => "通过",
            Status::Warnings => "有警告",
            Status::Errors => "有错误",
            Status::Unreadable => "无法读取",
        }
    }
}

/// One input workbook and what became of it.
#[derive(Debug, Clone)]
pub struct Row {
    /// The file, relative to the input folder.
    pub file: PathBuf,
    /// 机关名称 (empty when unreadable).
    pub agency: String,
    /// 报告年度.
    pub year: Option<i32>,
    /// Outcome.
    pub status: Status,
    /// Everything found.
    pub diagnostics: Vec<Diagnostic>,
    /// The figures, when the workbook was readable.
    pub figures: Option<Figures>,
    /// The report written, if any.
    pub report: Option<PathBuf>,
}

impl Row {
    /// The row of a file not read (yet): unreadable until it is.
    fn unread(file: PathBuf) -> Row {
        Row {
            file,
            agency: String::new(),
            year: None,
            status: Status::Unreadable,
            diagnostics: Vec::new(),
            figures: None,
            report: None,
        }
    }
}

/// An entry of the input folder that was not processed, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    /// The entry, relative to the input folder.
    pub file: PathBuf,
    /// Why it was not processed.
    pub reason: String,
}

/// The outcome of a batch.
#[derive(Debug)]
pub struct Summary {
    /// One row per input file, in path order.
    pub rows: Vec<Row>,
    /// Entries of the input folder that were not processed (not workbooks), in path order.
    pub skipped: Vec<Skipped>,
    /// The summary workbooks written: 汇总.xlsx, or one per 报告年度.
    pub summaries: Vec<PathBuf>,
    /// Temporary files of earlier runs killed outright, removed from the output folder.
    pub cleaned: usize,
    /// Time taken.
    pub elapsed: Duration,
    /// What the PDF stage warns about (font substitutions).
    pub pdf_warnings: Vec<String>,
}

impl Summary {
    /// Reports written.
    pub fn written(&self) -> usize {
        self.rows.iter().filter(|r| r.report.is_some()).count()
    }
    /// Workbooks with data errors.
    pub fn with_errors(&self) -> usize {
        self.rows
            .iter()
            .filter(|r| r.status == Status::Errors)
            .count()
    }
    /// Workbooks that could not be read.
    pub fn unreadable(&self) -> usize {
        self.rows
            .iter()
            .filter(|r| r.status == Status::Unreadable)
            .count()
    }
    /// The closing line, e.g. “共 12 个文件：生成报告 10 份，有错误 1 个，无法读取 1 个，用时 0.8 秒。”
    pub fn line(&self) -> String {
        format!(
            "共 {} 个文件：生成报告 {} 份，有错误 {} 个，无法读取 {} 个，用时 {:.1} 秒。",
            self.rows.len(),
            self.written(),
            self.with_errors(),
            self.unreadable(),
            self.elapsed.as_secs_f64()
        )
    }
    /// 0 when every workbook produced its report, 1 otherwise.
    pub fn exit_code(&self) -> u8 {
        u8::from(self.written() < self.rows.len())
    }

    /// The 报告年度 of the workbooks read, with how many of each, in order.
    pub fn years(&self) -> BTreeMap<i32, usize> {
        let mut years = BTreeMap::new();
        for y in self.rows.iter().filter_map(|r| r.year) {
            *years.entry(y).or_insert(0) += 1;
        }
        years
    }

    /// When the folder held workbooks of several years: what was done about it.
    pub fn years_note(&self) -> Option<String> {
        let years = self.years();
        if years.len() < 2 {
            return None;
        }
        let counts: Vec<String> = years
            .iter()
            .map(|(y, n)| format!("{y} 年度 {n} 个"))
            .collect();
        Some(format!(
            "输入文件夹中有 {} 个报告年度的统计表（{}），已按年度分别汇总，不同年度的数字没有相加。如有统计表填错了报告年度或放错了文件夹，请改正后重新运行。",
            years.len(),
            counts.join("，")
        ))
    }
}

/// Where progress goes: a bar on a terminal, plain lines otherwise.
pub trait Progress: Sync {
    /// A phase starts with `total` steps.
    fn start(&self, phase: &str, total: usize);
    /// One step done; `failed` counts failures so far; `line` describes it.
    fn step(&self, failed: usize, line: &str);
    /// The phase is over.
    fn finish(&self);
}

/// Progress that says nothing (tests, library use).
pub struct Quiet;

impl Progress for Quiet {
    fn start(&self, _: &str, _: usize) {}
    fn step(&self, _: usize, _: &str) {}
    fn finish(&self) {}
}

/// What [`discover`] found under a folder.
#[derive(Debug, Default)]
pub struct Found {
    /// Workbooks (by extension), in path order.
    pub files: Vec<PathBuf>,
    /// Entries not processed, with the reason (paths relative to the folder).
    pub skipped: Vec<Skipped>,
    /// Subfolders that could not be listed (their workbooks are unknown), with the error.
    pub unlisted: Vec<(PathBuf, std::io::Error)>,
}

fn has_extension(path: &Path, list: &[&str]) -> bool {
    path.extension()
        .and_then(|x| x.to_str())
        .is_some_and(|x| list.iter().any(|e| x.eq_ignore_ascii_case(e)))
}

/// Every entry under `dir`, recursively: workbooks by [`EXTENSIONS`], in path order, and every
/// other entry with the reason it is skipped: Office lock files (`~$…`), hidden files and
/// folders, other kinds of file, links to folders (never followed: no loops), a second link to
/// a file already found, and `skip` (the output folder). Anything that is not a regular file
/// but has a workbook's name (a FIFO called x.xlsx) is a workbook here: reading it refuses it,
/// by name. Only `dir` itself must be readable.
pub fn discover(dir: &Path, skip: Option<&Path>) -> Result<Found> {
    discover_files(dir, skip, &EXTENSIONS, &|ext| {
        format!("不是统计表文件（{ext}；读取 .xlsx、.xlsm、.xls、.et、.ods 工作簿）")
    })
}

/// [`discover`] for files with one of `extensions` (case-insensitive); any other file is
/// skipped with the reason `other` gives for its extension (“扩展名 .txt”, “没有扩展名”).
pub fn discover_files(
    dir: &Path,
    skip: Option<&Path>,
    extensions: &[&str],
    other: &dyn Fn(&str) -> String,
) -> Result<Found> {
    let skip = skip.and_then(FileId::of);
    let mut found = Found::default();
    let mut candidates: Vec<(PathBuf, Option<FileId>)> = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    let relative = |p: &Path| p.strip_prefix(dir).unwrap_or(p).to_path_buf();
    while let Some(d) = stack.pop() {
        let entries = match std::fs::read_dir(&d) {
            Ok(e) => e,
            Err(source) if d == dir => {
                return Err(Error::Read {
                    path: d.clone(),
                    source,
                })
            }
            Err(e) => {
                found.unlisted.push((relative(&d), e));
                continue;
            }
        };
        for entry in entries {
            let entry = match entry {
                Ok(e) => e,
                Err(e) => {
                    found.unlisted.push((relative(&d), e));
                    continue;
                }
            };
            let path = entry.path();
            let name = entry.file_name();
            let name = name.to_string_lossy();
            let mut skipped = |reason: String| {
                found.skipped.push(Skipped {
                    file: relative(&path),
                    reason,
                })
            };
            // After following links: a dangling link is taken as a file (reading says why).
            let meta = std::fs::metadata(&path).ok();
            let is_dir = meta.as_ref().is_some_and(std::fs::Metadata::is_dir);
            let is_link = entry.file_type().is_ok_and(|t| t.is_symlink());
            if let Some(original) = name.strip_prefix("~$") {
                skipped(format!(
                    "Office 锁定文件（表示 {original} 可能正在 Excel 或 WPS 中打开，未保存的修改不会被读取）"
                ));
                continue;
            }
            if name.starts_with('.') {
                skipped(if is_dir {
                    "隐藏文件夹，未进入".into()
                } else {
                    "隐藏文件".into()
                });
                continue;
            }
            let id = meta.as_ref().map(|m| FileId::from_metadata(&path, m));
            if is_dir {
                if id.is_some() && id == skip {
                    skipped("输出文件夹，未读取其中的文件".into());
                } else if is_link {
                    skipped("指向文件夹的链接，未进入（以免重复处理）".into());
                } else {
                    stack.push(path);
                }
                continue;
            }
            if !has_extension(&path, extensions) {
                let ext = path
                    .extension()
                    .map(|e| format!("扩展名 .{}", e.to_string_lossy()))
                    .unwrap_or_else(|| "没有扩展名".into());
                skipped(other(&ext));
                continue;
            }
            candidates.push((path, id));
        }
    }
    // In path order, so that the first of two links to one file is always the same one.
    candidates.sort();
    let mut seen: BTreeMap<FileId, PathBuf> = BTreeMap::new();
    for (path, id) in candidates {
        if let Some(id) = id {
            if let Some(first) = seen.get(&id) {
                found.skipped.push(Skipped {
                    reason: format!(
                        "与 {} 是同一个文件（链接），未重复处理",
                        files::display(&relative(first))
                    ),
                    file: relative(&path),
                });
                continue;
            }
            seen.insert(id, path.clone());
        }
        found.files.push(path);
    }
    found.skipped.sort_by(|a, b| a.file.cmp(&b.file));
    Ok(found)
}

/// The name an agency is matched by across years: no spaces, no punctuation.
pub fn agency_key(name: &str) -> String {
    crate::label::key(name)
}

/// File stem of an agency's report: `<机关名称>-<YYYY>年政府信息公开工作年度报告`, made safe
/// (see [`report::default_stem`]).
pub fn report_stem(st: &Statement) -> String {
    report::default_stem(st, "")
}

/// Refuses an output folder that is the input folder or last year's folder (its own outputs
/// would be read back as workbooks on the next run, or overwrite last year's), and last year's
/// folder that is the input folder.
fn check_folders(opts: &Options) -> Result<()> {
    if !opts.input.is_dir() {
        return Err(Error::Usage(format!(
            "输入文件夹 {} 不存在。",
            files::display(&opts.input)
        )));
    }
    let same = |a: &Path, b: &Path| FileId::of(a).is_some_and(|x| Some(x) == FileId::of(b));
    if same(&opts.output, &opts.input) {
        return Err(Error::Usage(format!(
            "输出文件夹 {} 就是输入文件夹。这样下次运行时，生成的附表和汇总表会被当作统计表读取。请另指定一个输出文件夹，例如 -o {}。",
            files::display(&opts.output),
            files::display(&opts.input.join("年报"))
        )));
    }
    if let Some(previous) = &opts.previous {
        if !previous.is_dir() {
            return Err(Error::Usage(format!(
                "上一年度文件夹 {} 不存在。",
                files::display(previous)
            )));
        }
        if same(&opts.output, previous) {
            return Err(Error::Usage(format!(
                "输出文件夹 {} 就是上一年度统计表所在的文件夹，生成的文件会与上一年度的统计表混在一起。请另指定一个输出文件夹。",
                files::display(&opts.output)
            )));
        }
        if same(previous, &opts.input) {
            return Err(Error::Usage(format!(
                "上一年度文件夹 {} 就是本年度的输入文件夹。请用 --previous 给出存放上一年度统计表的文件夹。",
                files::display(previous)
            )));
        }
    }
    if opts.output.exists() && !opts.output.is_dir() {
        return Err(Error::Usage(format!(
            "输出路径 {} 已存在，但不是文件夹。",
            files::display(&opts.output)
        )));
    }
    Ok(())
}

/// Runs a batch.
pub fn run(opts: &Options, templates: &Templates, progress: &dyn Progress) -> Result<Summary> {
    let started = Instant::now();
    check_folders(opts)?;
    std::fs::create_dir_all(&opts.output).map_err(|source| Error::Write {
        path: opts.output.clone(),
        source,
    })?;
    let cleaned = output::clean_stale(&opts.output);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(opts.jobs.max(1))
        .build()
        .map_err(|e| Error::Usage(format!("无法启动 {} 个工作线程：{e}", opts.jobs)))?;
    let found = discover(&opts.input, Some(&opts.output))?;
    // No output may be one of the files read (a link in the output folder to an input).
    let mut inputs = Inputs::new();
    for f in &found.files {
        inputs.add("统计表", f);
    }
    let previous = match &opts.previous {
        Some(dir) => Some(pool.install(|| last_year(dir, opts.limits, &mut inputs))?),
        None => None,
    };
    let files = &found.files;

    // Pass 1: read and check.
    progress.start("核对", files.len());
    let failed = AtomicUsize::new(0);
    let mut checked: Vec<(Row, Option<Checked>)> = pool.install(|| {
        files
            .par_iter()
            .map(|path| {
                let (row, c) = check_one(opts, path, previous.as_ref());
                if row.status >= Status::Errors {
                    failed.fetch_add(1, Ordering::Relaxed);
                }
                progress.step(
                    failed.load(Ordering::Relaxed),
                    &format!("{} {}", row.status.label(), files::display(&row.file)),
                );
                (row, c)
            })
            .collect()
    });
    progress.finish();
    // Folders that could not be listed: their workbooks are unknown, which is a failure.
    for (folder, e) in &found.unlisted {
        let mut row = Row::unread(folder.clone());
        row.diagnostics.push(rules::BATCH_UNREADABLE.error(format!(
            "无法打开文件夹 {}：{}。其中的统计表没有处理。",
            files::display(folder),
            crate::error::explain(e)
        )));
        checked.push((row, None));
    }

    // Pass 2: names. Two workbooks of one agency and year are both conflicts; different
    // agencies whose names would be the same file get numbered names.
    let names = name_reports(&mut checked);

    // Pass 3: the workers build the documents; one writer thread writes them (temporary files,
    // then both renamed), so the workers never wait for the disk. The queue between them is
    // short: only a few documents are in memory at a time.
    let eligible = |(r, c): &(Row, Option<Checked>)| {
        c.is_some() && (r.status < Status::Errors || (opts.force && !is_conflict(r)))
    };
    progress.start("生成", checked.iter().filter(|x| eligible(x)).count());
    let (tx, rx) = std::sync::mpsc::sync_channel::<(usize, Result<Built>)>(2 * opts.jobs.max(1));
    let inputs_ref = &inputs;
    let written = std::thread::scope(|scope| {
        let writer = scope.spawn(move || {
            let mut failed = 0;
            let mut done: Vec<(usize, Result<PathBuf>)> = Vec::new();
            for (i, built) in rx {
                let result = built.and_then(|b| b.write(inputs_ref));
                let line = match &result {
                    Ok(path) => format!("已生成 {}", files::display(path)),
                    Err(e) => {
                        failed += 1;
                        format!("失败：{e}")
                    }
                };
                progress.step(failed, &line);
                done.push((i, result));
            }
            done
        });
        pool.install(|| {
            checked
                .par_iter()
                .enumerate()
                .filter(|(_, x)| eligible(x))
                .for_each_with(tx, |tx, (i, (_, c))| {
                    let docx = names.get(i).cloned().flatten();
                    if let (Some(c), Some(stem)) = (c, docx) {
                        let docx = opts.output.join(format!("{stem}.docx"));
                        // A closed queue means the writer is gone; its join reports why.
                        let _ = tx.send((i, build_one(opts, templates, c, docx)));
                    }
                });
        });
        writer.join()
    })
    .map_err(|_| Error::Usage("写文件的线程意外终止。".into()))?;
    progress.finish();
    let mut rows: Vec<Row> = checked.into_iter().map(|(row, _)| row).collect();
    for (i, result) in written {
        let Some(row) = rows.get_mut(i) else { continue };
        match result {
            Ok(path) => row.report = Some(path),
            Err(e) => {
                row.diagnostics
                    .push(rules::BATCH_WRITE.error(format!("报告和附表未能生成：{e}")));
                row.status = Status::Errors;
            }
        }
    }

    // Pass 4: the PDFs of every report written, by one LibreOffice process.
    let mut pdf_warnings = Vec::new();
    let mut pdf_failure = None;
    if let Some(pdf) = &opts.pdf {
        match to_pdf(&mut rows, pdf, progress) {
            Ok(warnings) => pdf_warnings = warnings,
            Err(e) => pdf_failure = Some(e),
        }
    }

    let mut summary = Summary {
        rows,
        skipped: found.skipped,
        summaries: Vec::new(),
        cleaned,
        elapsed: started.elapsed(),
        pdf_warnings,
    };
    summary.summaries = write_summaries(opts, &summary, &inputs)?;
    output::flush_all(&opts.output)?;
    if let Some(e) = pdf_failure {
        return Err(e);
    }
    summary.elapsed = started.elapsed();
    Ok(summary)
}

/// Writes 汇总.xlsx, or one 汇总-YYYY.xlsx per 报告年度 when the batch holds several (rows
/// without a known year, such as unreadable files, are listed in each). Returns the paths.
fn write_summaries(opts: &Options, summary: &Summary, inputs: &Inputs) -> Result<Vec<PathBuf>> {
    let years: Vec<i32> = summary.years().into_keys().collect();
    let parts: Vec<(Option<i32>, String)> = if years.len() < 2 {
        vec![(years.first().copied(), SUMMARY.to_string())]
    } else {
        years.iter().map(|&y| (Some(y), summary_name(y))).collect()
    };
    let several = parts.len() > 1;
    let mut written = Vec::new();
    for (year, name) in parts {
        let rows: Vec<&Row> = summary
            .rows
            .iter()
            .filter(|r| !several || r.year.is_none() || r.year == year)
            .collect();
        let sheet = crate::summary::Part {
            rows: &rows,
            skipped: &summary.skipped,
            year,
        };
        let bytes = crate::summary::workbook(&sheet).map_err(|e| Error::Build {
            what: "汇总表",
            detail: e.to_string(),
        })?;
        let path = opts.output.join(name);
        output::check(&[Target::new("汇总表", &path)], inputs)?;
        output::write_atomic_with(&path, &bytes, Flush::AtEnd)?;
        written.push(path);
    }
    Ok(written)
}

/// Converts every report written to PDF; a report that did not convert gets an error.
fn to_pdf(
    rows: &mut [Row],
    opts: &crate::pdf::Options,
    progress: &dyn Progress,
) -> Result<Vec<String>> {
    let written: Vec<usize> = (0..rows.len())
        .filter(|&i| rows.get(i).is_some_and(|r| r.report.is_some()))
        .collect();
    let jobs: Vec<crate::pdf::Job> = written
        .iter()
        .filter_map(|&i| rows.get(i)?.report.clone())
        .map(|docx| crate::pdf::Job {
            pdf: crate::pdf::path(&docx),
            docx,
        })
        .collect();
    if jobs.is_empty() {
        return Ok(Vec::new());
    }
    let done = crate::pdf::convert(&jobs, opts, Flush::AtEnd, progress)?;
    for (&i, result) in written.iter().zip(done.results) {
        if let (Some(row), Err(e)) = (rows.get_mut(i), result) {
            row.diagnostics
                .push(rules::BATCH_PDF.error(format!("PDF 未能生成：{e}")));
            row.status = Status::Errors;
        }
    }
    Ok(done.warnings)
}

fn is_conflict(row: &Row) -> bool {
    row.diagnostics.iter().any(|d| d.id == "BATCH-CONFLICT")
}

/// Pass 2: the report stem of every workbook that can have one. Workbooks of one agency (by
/// [`agency_key`]) and year are all marked BATCH-CONFLICT, and get none. Different agencies
/// whose stems are the same (compared without case, as Windows and macOS compare names) are
/// numbered “（1）”, “（2）” … in path order, with a BATCH-NAME warning.
fn name_reports(checked: &mut [(Row, Option<Checked>)]) -> Vec<Option<String>> {
    let mut names: Vec<Option<String>> = vec![None; checked.len()];
    let mut by_agency: BTreeMap<(String, Option<i32>), Vec<usize>> = BTreeMap::new();
    for (i, (_, c)) in checked.iter().enumerate() {
        if let Some(c) = c {
            let st = &c.statement;
            by_agency
                .entry((agency_key(&st.info.agency), st.info.year))
                .or_default()
                .push(i);
        }
    }
    let file_of = |checked: &[(Row, Option<Checked>)], i: usize| {
        checked
            .get(i)
            .map(|(r, _)| files::display(&r.file))
            .unwrap_or_default()
    };
    let mut unique = Vec::new();
    for indices in by_agency.values() {
        if let [i] = indices.as_slice() {
            unique.push(*i);
            continue;
        }
        let list: Vec<String> = indices.iter().map(|&i| file_of(checked, i)).collect();
        for &i in indices {
            if let Some((row, _)) = checked.get_mut(i) {
                row.diagnostics.push(
                    rules::BATCH_CONFLICT
                        .error(format!(
                            "{} 个工作簿的机关名称和年度相同（{}），报告会互相覆盖，均未生成。",
                            list.len(),
                            list.join("、")
                        ))
                        .hint("请确认是否重复提交，或改正其中一个的机关名称、报告年度。"),
                );
                row.status = Status::Errors;
            }
        }
    }
    let stem_of = |checked: &[(Row, Option<Checked>)], i: usize, tag: &str| {
        checked
            .get(i)
            .and_then(|(_, c)| c.as_ref())
            .map(|c| report::default_stem(&c.statement, tag))
    };
    let mut by_stem: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for &i in &unique {
        if let Some(stem) = stem_of(checked, i, "") {
            by_stem.entry(stem.to_lowercase()).or_default().push(i);
        }
    }
    let mut taken: BTreeSet<String> = BTreeSet::new();
    for indices in by_stem.values() {
        let mut indices = indices.clone();
        indices.sort_unstable();
        let several = indices.len() > 1;
        let agencies: Vec<String> = indices
            .iter()
            .filter_map(|&i| checked.get(i).map(|(r, _)| r.agency.clone()))
            .collect();
        for (n, &i) in indices.iter().enumerate() {
            let tag = if several {
                format!("（{}）", n + 1)
            } else {
                String::new()
            };
            let Some(stem) = stem_of(checked, i, &tag) else {
                continue;
            };
            // A numbered name could still meet another agency's own name: never overwrite.
            if !taken.insert(stem.to_lowercase()) {
                if let Some((row, _)) = checked.get_mut(i) {
                    row.diagnostics.push(
                        rules::BATCH_NAME
                            .error(format!(
                                "报告文件名 {stem}.docx 与本批另一个机关的报告相同，未生成。"
                            ))
                            .hint("请把机关名称改得短一些，或与其他机关区分开。"),
                    );
                    row.status = Status::Errors;
                }
                continue;
            }
            if several {
                if let Some((row, _)) = checked.get_mut(i) {
                    let others: Vec<String> = agencies
                        .iter()
                        .filter(|a| **a != row.agency)
                        .map(|a| format!("“{a}”"))
                        .collect();
                    row.diagnostics.push(
                        rules::BATCH_NAME.warning(format!(
                                "机关名称“{}”与{}是不同的机关，但用作文件名时相同（名称过长被截短，或含有文件名不能用的字符），报告的文件名加了“{tag}”以区分：{stem}.docx。",
                                row.agency,
                                others.join("、")
                            ),
                        ),
                    );
                    if row.status == Status::Passed {
                        row.status = Status::Warnings;
                    }
                }
            }
            if let Some(slot) = names.get_mut(i) {
                *slot = Some(stem);
            }
        }
    }
    names
}

/// Last year's workbooks by agency key (several per agency when the folder holds several
/// years); each file read is added to `inputs`.
fn last_year(
    dir: &Path,
    limits: Limits,
    inputs: &mut Inputs,
) -> Result<BTreeMap<String, Vec<Statement>>> {
    let found = discover(dir, None)?;
    for f in &found.files {
        inputs.add("上一年度统计表", f);
    }
    let read: Vec<Statement> = found
        .files
        .par_iter()
        .filter_map(|p| reader::read(p, limits).ok())
        .collect();
    let mut map: BTreeMap<String, Vec<Statement>> = BTreeMap::new();
    for st in read {
        map.entry(agency_key(&st.info.agency)).or_default().push(st);
    }
    Ok(map)
}

/// Last year's statement of this agency among `previous` (by [`agency_key`]): the one of the
/// year before, else any (which the checks then refuse to compare, saying so).
/// `of` gives the statement of an entry (a workbook's, or a report's for `audit`).
pub fn last_year_of<'a, T>(
    statement: &Statement,
    previous: &'a BTreeMap<String, Vec<T>>,
    of: impl Fn(&T) -> &Statement,
) -> Option<&'a T> {
    previous
        .get(&agency_key(&statement.info.agency))
        .and_then(|all| {
            all.iter()
                .find(|p| checks::previous_year(statement, of(p)).is_ok())
                .or_else(|| all.first())
        })
}

fn check_one(
    opts: &Options,
    path: &Path,
    previous: Option<&BTreeMap<String, Vec<Statement>>>,
) -> (Row, Option<Checked>) {
    let file = path.strip_prefix(&opts.input).unwrap_or(path).to_path_buf();
    let mut row = Row::unread(file);
    let statement = match reader::read(path, opts.limits) {
        Ok(st) => st,
        Err(e) => {
            row.status = if e.exit_code() == 1 {
                Status::Errors
            } else {
                Status::Unreadable
            };
            row.diagnostics = match e.diagnostics() {
                [] => vec![rules::BATCH_UNREADABLE.error(e.to_string())],
                d => d.to_vec(),
            };
            return (row, None);
        }
    };
    let prev = previous.and_then(|m| last_year_of(&statement, m, |s| s));
    let compared = checks::compared(&statement, prev);
    let mut diagnostics = checks::all(&statement, prev);
    if previous.is_some() && prev.is_none() {
        diagnostics.push(
            rules::BATCH_PREVIOUS
                .warning(format!(
                    "上一年度文件夹中没有机关名称为“{}”的统计表，未核对连续性。",
                    statement.info.agency
                ))
                .hint("如机关更名，请在上一年度统计表中使用现在的名称。"),
        );
    }
    let (errors, warnings) = diagnostics::counts(&diagnostics);
    row.status = match (errors, warnings) {
        (0, 0) => Status::Passed,
        (0, _) => Status::Warnings,
        _ => Status::Errors,
    };
    row.agency = statement.info.agency.clone();
    row.year = statement.info.year;
    row.figures = Some(statement.figures.clone());
    row.diagnostics = diagnostics.clone();
    // Every statement waits in memory until the conflicts are known: keep only what the
    // documents need (where each figure was read is in the diagnostics already).
    let mut statement = statement;
    statement.cells = Default::default();
    statement.info_cells = Default::default();
    statement.written = Default::default();
    statement.diagnostics = Vec::new();
    (
        row,
        Some(Checked {
            statement,
            diagnostics,
            previous: compared,
        }),
    )
}

/// One agency's documents, built and waiting to be written.
struct Built {
    docx: PathBuf,
    docs: report::Documents,
}

impl Built {
    /// Writes the report and its appendix, both or neither (checked first: never over an
    /// input, a folder or a read-only file); returns the report's path.
    fn write(self, inputs: &Inputs) -> Result<PathBuf> {
        let appendix = report::appendix_path(&self.docx);
        let mut targets = vec![Target::new("报告", &self.docx)];
        let mut files: Vec<(&Path, &[u8])> = vec![(&self.docx, &self.docs.docx)];
        if let Some(bytes) = &self.docs.appendix {
            targets.push(Target::new("附表", &appendix));
            files.push((&appendix, bytes));
        }
        let pages = [
            (crate::html::page_path(&self.docx), &self.docs.html),
            (crate::html::fragment_path(&self.docx), &self.docs.fragment),
        ];
        for (path, text) in &pages {
            if let Some(text) = text {
                targets.push(Target::new("网页", path));
                files.push((path, text.as_bytes()));
            }
        }
        output::check(&targets, inputs)?;
        // Flushed once at the end of the batch (a flush per file costs a third of the run).
        output::write_set(&files, Flush::AtEnd)?;
        Ok(self.docx)
    }
}

/// Builds one agency's report and appendix.
fn build_one(opts: &Options, templates: &Templates, c: &Checked, docx: PathBuf) -> Result<Built> {
    let wanted = report::Wanted {
        appendix: true,
        html: opts.html,
        fragment: opts.fragment,
    };
    let docs = report::build_wanted(c, templates, wanted)?;
    Ok(Built { docx, docs })
}
