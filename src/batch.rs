//! The January batch: every agency's workbook of a district in one run.
//!
//! Three passes. (1) Every workbook is read and checked in parallel, matched by 机关名称 to
//! last year's workbook when one is given. (2) Agencies whose reports would have the same name
//! (same agency and year) are marked as conflicts; neither is written. (3) The reports and
//! appendices are built in parallel and written straight to disk, so no more than one document
//! per worker is held at a time. (4) With `--pdf`, one LibreOffice process converts every report
//! written ([`crate::pdf`]). Last, the summary workbook 汇总.xlsx: one row per file, every
//! diagnostic, and the roll-up of tables 二, 三 and 四 over the agencies that passed.

use crate::diagnostics::{self, Diagnostic};
use crate::error::{Error, Result};
use crate::figures::Figures;
use crate::narrative::Templates;
use crate::output::Flush;
use crate::report::{self, Checked};
use crate::statement::Statement;
use crate::workbook::Limits;
use crate::{checks, output, reader, text};
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// File name of the summary workbook in the output folder.
pub const SUMMARY: &str = "汇总.xlsx";
/// File extensions read (case-insensitive).
pub const EXTENSIONS: [&str; 3] = ["xlsx", "xls", "ods"];

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

/// The outcome of a batch.
#[derive(Debug)]
pub struct Summary {
    /// One row per input file, in path order.
    pub rows: Vec<Row>,
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

/// Workbooks under `dir`, recursively, in path order: no Office lock files (`~$…`), no hidden
/// files or folders, nothing inside `skip` (the output folder).
pub fn discover(dir: &Path, skip: Option<&Path>) -> Result<Vec<PathBuf>> {
    let skip = skip.and_then(|s| s.canonicalize().ok());
    let mut found = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let entries = std::fs::read_dir(&d).map_err(|source| Error::Read {
            path: d.clone(),
            source,
        })?;
        for entry in entries.flatten() {
            let path = entry.path();
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.starts_with('.') || name.starts_with("~$") {
                continue;
            }
            let Ok(kind) = entry.file_type() else {
                continue;
            };
            if kind.is_dir() {
                if skip
                    .as_ref()
                    .is_some_and(|s| path.canonicalize().ok().as_ref() == Some(s))
                {
                    continue;
                }
                stack.push(path);
            } else if EXTENSIONS.iter().any(|e| {
                path.extension()
                    .and_then(|x| x.to_str())
                    .is_some_and(|x| x.eq_ignore_ascii_case(e))
            }) {
                found.push(path);
            }
        }
    }
    found.sort();
    Ok(found)
}

/// The name an agency is matched by across years: no spaces, no punctuation.
pub fn agency_key(name: &str) -> String {
    text::key(name)
}

/// File stem of an agency's report: `<机关名称>-<YYYY>年政府信息公开工作年度报告`, made safe.
pub fn report_stem(st: &Statement) -> String {
    let name = report::default_name(st);
    name.strip_suffix(".docx").unwrap_or(&name).to_string()
}

/// Runs a batch.
pub fn run(opts: &Options, templates: &Templates, progress: &dyn Progress) -> Result<Summary> {
    let started = Instant::now();
    if !opts.input.is_dir() {
        return Err(Error::Usage(format!(
            "输入文件夹 {} 不存在。",
            opts.input.display()
        )));
    }
    std::fs::create_dir_all(&opts.output).map_err(|source| Error::Write {
        path: opts.output.clone(),
        source,
    })?;
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(opts.jobs.max(1))
        .build()
        .map_err(|e| Error::Usage(format!("无法启动 {} 个工作线程：{e}", opts.jobs)))?;
    let files = discover(&opts.input, Some(&opts.output))?;
    let previous = match &opts.previous {
        Some(dir) => pool.install(|| last_year(dir, opts.limits)).map(Some)?,
        None => None,
    };

    // Pass 1: read and check.
    progress.start("核对", files.len());
    let failed = AtomicUsize::new(0);
    let checked: Vec<(Row, Option<Checked>)> = pool.install(|| {
        files
            .par_iter()
            .map(|path| {
                let (row, c) = check_one(opts, path, previous.as_ref());
                if row.status >= Status::Errors {
                    failed.fetch_add(1, Ordering::Relaxed);
                }
                progress.step(
                    failed.load(Ordering::Relaxed),
                    &format!("{} {}", row.status.label(), row.file.display()),
                );
                (row, c)
            })
            .collect()
    });
    progress.finish();

    // Pass 2: two workbooks that would write the same report are both conflicts.
    let mut checked = checked;
    let mut by_name: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (i, (_, c)) in checked.iter().enumerate() {
        if let Some(c) = c {
            by_name
                .entry(report_stem(&c.statement))
                .or_default()
                .push(i);
        }
    }
    for indices in by_name.values().filter(|v| v.len() > 1) {
        let files: Vec<String> = indices
            .iter()
            .filter_map(|&i| checked.get(i))
            .map(|(r, _)| r.file.display().to_string())
            .collect();
        for &i in indices {
            if let Some((row, _)) = checked.get_mut(i) {
                row.diagnostics.push(
                    Diagnostic::error(
                        "BATCH-CONFLICT",
                        format!(
                            "{} 个工作簿的机关名称和年度相同（{}），报告会互相覆盖，均未生成。",
                            files.len(),
                            files.join("、")
                        ),
                    )
                    .hint("请确认是否重复提交，或改正其中一个的机关名称、报告年度。"),
                );
                row.status = Status::Errors;
            }
        }
    }

    // Pass 3: the workers build the documents; one writer thread writes them (temporary file,
    // flush, rename), so the workers never wait for the disk. The queue between them is short:
    // only a few documents are in memory at a time.
    let eligible = |(r, c): &(Row, Option<Checked>)| {
        c.is_some() && (r.status < Status::Errors || (opts.force && !is_conflict(r)))
    };
    progress.start("生成", checked.iter().filter(|x| eligible(x)).count());
    let (tx, rx) = std::sync::mpsc::sync_channel::<(usize, Result<Built>)>(2 * opts.jobs.max(1));
    let written = std::thread::scope(|scope| {
        let writer = scope.spawn(move || {
            let mut failed = 0;
            let mut done: Vec<(usize, Result<PathBuf>)> = Vec::new();
            for (i, built) in rx {
                let result = built.and_then(Built::write);
                let line = match &result {
                    Ok(path) => format!("已生成 {}", path.display()),
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
                    if let Some(c) = c {
                        // A closed queue means the writer is gone; its join reports why.
                        let _ = tx.send((i, build_one(opts, templates, c)));
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
                row.diagnostics.push(Diagnostic::error(
                    "BATCH-WRITE",
                    format!("报告未能生成：{e}"),
                ));
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

    let summary = Summary {
        rows,
        elapsed: started.elapsed(),
        pdf_warnings,
    };
    let bytes = crate::summary::workbook(&summary).map_err(|e| Error::Build {
        what: "汇总表",
        detail: e.to_string(),
    })?;
    output::write_atomic_with(&opts.output.join(SUMMARY), &bytes, Flush::AtEnd)?;
    output::flush_all(&opts.output)?;
    if let Some(e) = pdf_failure {
        return Err(e);
    }
    Ok(Summary {
        elapsed: started.elapsed(),
        ..summary
    })
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
                .push(Diagnostic::error("BATCH-PDF", format!("PDF 未能生成：{e}")));
            row.status = Status::Errors;
        }
    }
    Ok(done.warnings)
}

fn is_conflict(row: &Row) -> bool {
    row.diagnostics.iter().any(|d| d.id == "BATCH-CONFLICT")
}

/// Last year's workbooks by agency key (the first in path order wins).
fn last_year(dir: &Path, limits: Limits) -> Result<BTreeMap<String, Statement>> {
    let files = discover(dir, None)?;
    let read: Vec<Statement> = files
        .par_iter()
        .filter_map(|p| reader::read(p, limits).ok())
        .collect();
    let mut map = BTreeMap::new();
    for st in read {
        map.entry(agency_key(&st.info.agency)).or_insert(st);
    }
    Ok(map)
}

fn check_one(
    opts: &Options,
    path: &Path,
    previous: Option<&BTreeMap<String, Statement>>,
) -> (Row, Option<Checked>) {
    let file = path.strip_prefix(&opts.input).unwrap_or(path).to_path_buf();
    let mut row = Row {
        file,
        agency: String::new(),
        year: None,
        status: Status::Unreadable,
        diagnostics: Vec::new(),
        figures: None,
        report: None,
    };
    let statement = match reader::read(path, opts.limits) {
        Ok(st) => st,
        Err(e) => {
            row.status = if e.exit_code() == 1 {
                Status::Errors
            } else {
                Status::Unreadable
            };
            row.diagnostics = match e.diagnostics() {
                [] => vec![Diagnostic::error("BATCH-UNREADABLE", e.to_string())],
                d => d.to_vec(),
            };
            return (row, None);
        }
    };
    let prev = previous.and_then(|m| m.get(&agency_key(&statement.info.agency)));
    let compared = prev.is_some();
    let mut diagnostics = checks::all(&statement, prev);
    if previous.is_some() && prev.is_none() {
        diagnostics.push(
            Diagnostic::warning(
                "BATCH-PREVIOUS",
                format!(
                    "上一年度文件夹中没有机关名称为“{}”的统计表，未核对连续性。",
                    statement.info.agency
                ),
            )
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
    /// Writes the report and its appendix; returns the report's path.
    fn write(self) -> Result<PathBuf> {
        // Flushed once at the end of the batch (a flush per file costs a third of the run).
        output::write_atomic_with(&self.docx, &self.docs.docx, Flush::AtEnd)?;
        if let Some(bytes) = &self.docs.appendix {
            output::write_atomic_with(&report::appendix_path(&self.docx), bytes, Flush::AtEnd)?;
        }
        let pages = [
            (crate::html::page_path(&self.docx), &self.docs.html),
            (crate::html::fragment_path(&self.docx), &self.docs.fragment),
        ];
        for (path, text) in pages {
            if let Some(text) = text {
                output::write_atomic_with(&path, text.as_bytes(), Flush::AtEnd)?;
            }
        }
        Ok(self.docx)
    }
}

/// Builds one agency's report and appendix.
fn build_one(opts: &Options, templates: &Templates, c: &Checked) -> Result<Built> {
    let docx = opts
        .output
        .join(format!("{}.docx", report_stem(&c.statement)));
    let wanted = report::Wanted {
        appendix: true,
        html: opts.html,
        fragment: opts.fragment,
    };
    let docs = report::build_wanted(c, templates, wanted)?;
    Ok(Built { docx, docs })
}
