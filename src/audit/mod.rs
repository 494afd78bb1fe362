//! `report-gen audit`: a published report (.docx from any writer, a portal .html page, a
//! text-based .pdf) checked by every rule the format gives, offline and deterministically.
//!
//! The report is read as a reader sees it ([`crate::document`]); its tables go through the same
//! label finder as a workbook's sheets, so every alias, code column and orientation the
//! workbook reader accepts is accepted here. What it states becomes a [`Statement`]
//! ([`structure`]), on which the workbook's checks run unchanged ([`checks::run`]: every table
//! rule, R-X-4 narrative numbers, R-X-6/7/8, TEXT-PART, and with last year's report R-T3-6 and
//! R-X-5). Only a document can miss a section or print the wrong year in its title: those are
//! checked while reading (R-X-1, R-X-3). Every position is then named as the report's reader
//! finds it ([`locate`]): “表三 第7行「（二）部分公开」「商业企业」列”, “第12段……”, a heading
//! by its text.
//!
//! [`run`] audits many reports (folders, nested) in parallel and writes the summary workbook.

// Cells, bytes and text come from the input: no indexing or slicing that can panic.
#![deny(clippy::indexing_slicing)]

mod locate;
mod structure;

use crate::batch::{self, Progress, Row, Skipped, Status};
use crate::checks;
use crate::diagnostics::{self, Diagnostic};
use crate::document::{self, Kind};
use crate::error::{Error, Result};
use crate::files::{self, FileId};
use crate::format::{SECTIONS, TABLE_NAMES};
use crate::output::{self, Inputs, Target};
use crate::rules;
use crate::statement::{Source, Statement};
use crate::workbook::Limits;
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};
use structure::Reading;

/// File extensions audited in a folder (case-insensitive): reports, and the forms a report is
/// often saved in that cannot be read (.doc, .wps, web archives), which get a row saying what
/// to do instead of being passed over.
pub const EXTENSIONS: [&str; 10] = [
    "docx", "html", "htm", "shtml", "xhtml", "pdf", "doc", "wps", "mht", "mhtml",
];

/// The default name of the summary workbook.
pub const SUMMARY: &str = "审查结果.xlsx";

/// A report audited.
#[derive(Debug, Clone)]
pub struct Audited {
    /// The file.
    pub source: PathBuf,
    /// Its format.
    pub kind: Kind,
    /// What it states (基本信息 from the title, preamble and signature; the figures; the text).
    pub statement: Statement,
    /// Every finding, positions named as the report's reader finds them.
    pub diagnostics: Vec<Diagnostic>,
    /// Every figure of the three tables with where it was found in the report (as
    /// [`Statement::sources`], positions named as its reader finds them; none for a figure
    /// not found), in the format's order.
    pub figures: Vec<Source>,
}

impl Audited {
    /// Whether any finding is an error.
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(|d| d.is_error())
    }
}

/// Last year's report (any form audit reads) or statistics workbook, for R-T3-6 and R-X-5.
pub struct Previous {
    reading: Reading,
}

impl Previous {
    /// What it states.
    pub fn statement(&self) -> &Statement {
        &self.reading.statement
    }
}

/// Whether a path names a statistics workbook (by extension) rather than a report.
fn is_workbook(path: &Path) -> bool {
    path.extension()
        .and_then(|x| x.to_str())
        .is_some_and(|x| batch::EXTENSIONS.iter().any(|e| x.eq_ignore_ascii_case(e)))
}

/// Reads last year's report or workbook.
pub fn previous(path: &Path, limits: Limits) -> Result<Previous> {
    let reading = if is_workbook(path) {
        let statement = crate::reader::read(path, limits)?;
        Reading {
            statement,
            lead: Vec::new(),
            usable: [true; 3],
            findings: Vec::new(),
            locator: locate::Locator::workbook(),
        }
    } else {
        structure::read(document::open(path, limits)?)
    };
    Ok(Previous { reading })
}

/// Reads and checks one report (and last year's, for the continuity and copy checks).
pub fn audit(path: &Path, previous: Option<&Previous>, limits: Limits) -> Result<Audited> {
    let doc = document::open(path, limits)?;
    Ok(audit_document(doc, previous))
}

/// Checks a report already read.
pub fn audit_document(doc: document::Document, previous: Option<&Previous>) -> Audited {
    let (source, kind) = (doc.source.clone(), doc.kind);
    check(structure::read(doc), source, kind, previous)
}

/// Runs every check on a report read, and names the positions.
fn check(reading: Reading, source: PathBuf, kind: Kind, previous: Option<&Previous>) -> Audited {
    let prev = previous.map(|p| &p.reading);
    let Reading {
        statement,
        lead,
        usable: ok,
        mut findings,
        locator,
    } = reading;
    let mut rules = checks::run(&statement, prev.map(|p| &p.statement));
    // The sentences before the tables state figures too (“本年度新收政府信息公开申请393件”).
    let mut before_tables = Statement {
        figures: statement.figures.clone(),
        ..Statement::default()
    };
    if let Some(slot) = before_tables.narrative.sections.get_mut(SECTIONS.len() - 1) {
        *slot = lead;
    }
    checks::narrative_figures(&before_tables, &mut rules);
    rules.retain(|d| usable(d, &ok, prev.map(|p| &p.usable)));
    findings.extend(rules);
    let previous_source = prev.map(|p| (p.statement.source.as_str(), &p.locator));
    for d in &mut findings {
        for_documents(d);
        locator.place(d, previous_source);
    }
    let figures = figures(&statement, &locator);
    Audited {
        source,
        kind,
        statement,
        diagnostics: findings,
        figures,
    }
}

/// Every figure with where it was found, named as the report's reader finds it.
fn figures(st: &Statement, locator: &locate::Locator) -> Vec<Source> {
    let mut sources = st.sources();
    for s in &mut sources {
        s.cell = s.cell.as_ref().map(|c| locator.named(c));
    }
    sources
}

/// Whether a finding of the checks stands on figures that can be used: the rules of a table
/// (and the findings naming it) are left out when the table is missing or unreadable, in this
/// year's report or, for the rules comparing with it, in last year's.
fn usable(d: &Diagnostic, now: &[bool; 3], before: Option<&[bool; 3]>) -> bool {
    let by_id = ["R-T2-", "R-T3-", "R-T4-"]
        .iter()
        .position(|p| d.id.starts_with(p));
    let named = TABLE_NAMES.iter().map(|t| d.message.contains(t));
    let tables: Vec<usize> = (0..3)
        .zip(named)
        .filter(|&(t, named)| named || by_id == Some(t))
        .map(|(t, _)| t)
        .collect();
    let last_year = rules::find(d.id).is_some_and(|r| r.needs_previous());
    tables.iter().all(|&t| {
        now.get(t).copied().unwrap_or(true)
            && (!last_year || before.is_none_or(|b| b.get(t).copied().unwrap_or(true)))
    })
}

/// The checks speak of a workbook where the audit has a report: those words and hints, said of
/// a report.
fn for_documents(d: &mut Diagnostic) {
    const WORDS: [(&str, &str, &str); 4] = [
        (
            "R-T3-8",
            "但基本信息的“发出收费通知件数”为 0",
            "但报告没有写明发出过收费通知",
        ),
        (
            "INFO-PREVIOUS",
            "作为上一年度提供的统计表",
            "作为上一年度提供的文件",
        ),
        ("INFO-PREVIOUS", "年度的统计表", "年度的报告或统计表"),
        ("", "工作簿中", "报告中"),
    ];
    const HINTS: [(&str, &str); 2] = [
        (
            "R-T3-8",
            "因未缴费不再处理，说明发出过收费通知：请在“六、其他需要报告的事项”中写明收费通知的件数和金额。",
        ),
        (
            "R-X-6",
            "请在第六部分逐项写明；某项没有情况的，写明该项并注明“无”。",
        ),
    ];
    for (id, from, to) in WORDS {
        if id.is_empty() || d.id == id {
            d.message = d.message.replace(from, to);
            if let Some(h) = &mut d.hint {
                *h = h.replace(from, to);
            }
        }
    }
    for (id, hint) in HINTS {
        if d.id == id && d.hint.is_some() {
            d.hint = Some(hint.to_string());
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Many reports

/// What an audit of many reports is asked to do.
#[derive(Debug, Clone)]
pub struct Options {
    /// Reports and folders (searched recursively).
    pub inputs: Vec<PathBuf>,
    /// Last year's report or workbook (one file, for every report), or a folder of them
    /// matched by 机关名称.
    pub previous: Option<PathBuf>,
    /// Worker threads.
    pub jobs: usize,
    /// Input limits.
    pub limits: Limits,
    /// The summary workbook to write.
    pub output: Option<PathBuf>,
    /// Keep each report's [`Audited`] (its statement and figures with their positions) in its
    /// [`Entry`]; the summary and the one-line results need only the rows, and a folder of
    /// thousands of reports is then held in a few MB.
    pub keep: bool,
}

/// One report of a run and what became of it.
#[derive(Debug)]
pub struct Entry {
    /// Its row of the summary: file (as listed), agency, year, status, findings, figures.
    pub row: Row,
    /// The audit, when the report could be read and [`Options::keep`] asked for it.
    pub audited: Option<Audited>,
    /// Why it could not be read.
    pub error: Option<String>,
}

/// The outcome of a run.
#[derive(Debug)]
pub struct Outcome {
    /// One entry per report, in path order.
    pub entries: Vec<Entry>,
    /// Entries of the folders that are not reports, with the reason.
    pub skipped: Vec<Skipped>,
    /// The summary workbook written, if asked for.
    pub written: Option<PathBuf>,
    /// Time taken.
    pub elapsed: Duration,
}

impl Outcome {
    /// Reports with errors.
    pub fn with_errors(&self) -> usize {
        self.entries
            .iter()
            .filter(|e| e.row.status == Status::Errors)
            .count()
    }
    /// Reports that could not be read.
    pub fn unreadable(&self) -> usize {
        self.entries
            .iter()
            .filter(|e| e.row.status == Status::Unreadable)
            .count()
    }
    /// The closing line: “共审查 12 份报告：通过 9 份，有错误 2 份，无法读取 1 份，用时 0.8 秒。”
    pub fn line(&self) -> String {
        let passed = self.entries.len() - self.with_errors() - self.unreadable();
        format!(
            "共审查 {} 份报告：没有错误 {passed} 份，有错误 {} 份，无法读取 {} 份，用时 {:.1} 秒。",
            self.entries.len(),
            self.with_errors(),
            self.unreadable(),
            self.elapsed.as_secs_f64()
        )
    }
    /// 0 when every report was read and has no errors, 1 otherwise.
    pub fn exit_code(&self) -> u8 {
        u8::from(self.with_errors() + self.unreadable() > 0)
    }
}

/// The reports of a run: each file's path and the name it is listed under.
type Listed = Vec<(PathBuf, PathBuf)>;

/// The reports named: files as given, folders searched (nested folders too) for
/// [`EXTENSIONS`]; (path, as listed) in path order, and what was skipped.
fn reports(inputs: &[PathBuf], skip: Option<&Path>) -> Result<(Listed, Vec<Skipped>)> {
    let mut files = Vec::new();
    let mut skipped = Vec::new();
    let single_folder = inputs.len() == 1;
    let skip_id = skip.and_then(FileId::of);
    for input in inputs {
        if !input.is_dir() {
            if !input.exists() && std::fs::symlink_metadata(input).is_err() {
                return Err(Error::Usage(format!(
                    "找不到要审查的文件或文件夹 {}。",
                    files::display(input)
                )));
            }
            files.push((input.clone(), input.clone()));
            continue;
        }
        let found = batch::discover_files(input, None, &EXTENSIONS, &|ext| {
            format!("不是可审查的报告（{ext}；审查 .docx、.html、.htm、.pdf）")
        })?;
        let shown = |rel: &Path| {
            if single_folder {
                rel.to_path_buf()
            } else {
                input.join(rel)
            }
        };
        for f in found.files {
            let rel = f.strip_prefix(input).unwrap_or(&f).to_path_buf();
            files.push((f.clone(), shown(&rel)));
        }
        for s in found.skipped {
            // The summary workbook of an earlier run, written into the folder: not a report.
            if skip_id.is_some() && FileId::of(&input.join(&s.file)) == skip_id {
                continue;
            }
            skipped.push(Skipped {
                file: shown(&s.file),
                reason: s.reason,
            });
        }
        for (folder, e) in found.unlisted {
            skipped.push(Skipped {
                file: shown(&folder),
                reason: format!("无法打开文件夹：{}", crate::error::explain(&e)),
            });
        }
    }
    files.sort_by(|a, b| a.1.cmp(&b.1));
    Ok((files, skipped))
}

/// Last year's: one file for every report, or a folder of reports and workbooks by agency.
enum LastYear {
    One(Box<Previous>),
    ByAgency(BTreeMap<String, Vec<Previous>>),
}

fn last_year(path: &Path, limits: Limits, inputs: &mut Inputs) -> Result<LastYear> {
    if !path.is_dir() {
        inputs.add("上一年度报告", path);
        return Ok(LastYear::One(Box::new(previous(path, limits)?)));
    }
    let mut extensions: Vec<&str> = EXTENSIONS.to_vec();
    extensions.extend(batch::EXTENSIONS);
    let found = batch::discover_files(path, None, &extensions, &|ext| ext.to_string())?;
    for f in &found.files {
        inputs.add("上一年度报告", f);
    }
    let read: Vec<Previous> = found
        .files
        .par_iter()
        .filter_map(|p| previous(p, limits).ok())
        .collect();
    let mut map: BTreeMap<String, Vec<Previous>> = BTreeMap::new();
    for p in read {
        map.entry(batch::agency_key(&p.statement().info.agency))
            .or_default()
            .push(p);
    }
    Ok(LastYear::ByAgency(map))
}

/// Audits every report named (folders searched, nested), in parallel, with progress; writes
/// the summary workbook when asked. A report that cannot be read is a row, never a stop.
pub fn run(opts: &Options, progress: &dyn Progress) -> Result<Outcome> {
    let started = Instant::now();
    if let Some(out) = &opts.output {
        let xlsx = out
            .extension()
            .and_then(|x| x.to_str())
            .is_some_and(|x| x.eq_ignore_ascii_case("xlsx"));
        if !xlsx {
            return Err(Error::Usage(format!(
                "审查结果 {} 应为 Excel 工作簿（.xlsx），例如 -o {SUMMARY}。",
                files::display(out)
            )));
        }
    }
    let (reports, skipped) = reports(&opts.inputs, opts.output.as_deref())?;
    let mut inputs = Inputs::new();
    for (path, _) in &reports {
        inputs.add("报告", path);
    }
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(opts.jobs.max(1))
        .build()
        .map_err(|e| Error::Usage(format!("无法启动 {} 个工作线程：{e}", opts.jobs)))?;
    let last = match &opts.previous {
        Some(p) => Some(pool.install(|| last_year(p, opts.limits, &mut inputs))?),
        None => None,
    };
    let targets: Vec<Target> = opts
        .output
        .iter()
        .map(|p| Target::new("审查结果", p))
        .collect();
    output::check(&targets, &inputs)?;

    progress.start("审查", reports.len());
    let failed = AtomicUsize::new(0);
    let entries: Vec<Entry> = pool.install(|| {
        reports
            .par_iter()
            .map(|(path, shown)| {
                let entry = audit_one(path, shown, last.as_ref(), opts);
                if entry.row.status >= Status::Errors {
                    failed.fetch_add(1, Ordering::Relaxed);
                }
                progress.step(
                    failed.load(Ordering::Relaxed),
                    &format!("{} {}", entry.row.status.label(), files::display(shown)),
                );
                entry
            })
            .collect()
    });
    progress.finish();

    let mut outcome = Outcome {
        entries,
        skipped,
        written: None,
        elapsed: started.elapsed(),
    };
    if let Some(out) = &opts.output {
        let rows: Vec<&Row> = outcome.entries.iter().map(|e| &e.row).collect();
        let bytes =
            crate::summary::audit_workbook(&rows, &outcome.skipped).map_err(|e| Error::Build {
                what: "审查结果",
                detail: e.to_string(),
            })?;
        output::clean_stale_for(&targets);
        output::write_atomic(out, &bytes)?;
        outcome.written = Some(out.clone());
    }
    outcome.elapsed = started.elapsed();
    Ok(outcome)
}

fn audit_one(path: &Path, shown: &Path, last: Option<&LastYear>, opts: &Options) -> Entry {
    let mut row = Row {
        file: shown.to_path_buf(),
        agency: String::new(),
        year: None,
        status: Status::Unreadable,
        diagnostics: Vec::new(),
        figures: None,
        report: None,
    };
    let doc = match document::open(path, opts.limits) {
        Ok(d) => d,
        Err(e) => {
            row.diagnostics
                .push(rules::BATCH_UNREADABLE.error(e.to_string()));
            return Entry {
                row,
                audited: None,
                error: Some(e.to_string()),
            };
        }
    };
    let (source, kind) = (doc.source.clone(), doc.kind);
    let reading = structure::read(doc);
    let audited = match last {
        None => check(reading, source, kind, None),
        Some(LastYear::One(p)) => check(reading, source, kind, Some(p)),
        Some(LastYear::ByAgency(map)) => {
            // Last year's report of this agency, by the 机关名称 this year's states.
            match batch::last_year_of(&reading.statement, map, Previous::statement) {
                Some(p) => check(reading, source, kind, Some(p)),
                None => {
                    let mut a = check(reading, source, kind, None);
                    a.diagnostics.push(
                        rules::BATCH_PREVIOUS.warning(format!(
                                "上一年度文件夹中没有机关名称为“{}”的报告或统计表，未核对连续性和是否照抄上年。",
                                a.statement.info.agency
                            ),
                        )
                        .hint("如机关更名，请在上一年度的文件中使用现在的名称。"),
                    );
                    a
                }
            }
        }
    };
    let (errors, warnings) = diagnostics::counts(&audited.diagnostics);
    row.status = match (errors, warnings) {
        (0, 0) => Status::Passed,
        (0, _) => Status::Warnings,
        _ => Status::Errors,
    };
    row.agency = audited.statement.info.agency.clone();
    row.year = audited.statement.info.year;
    row.figures = Some(audited.statement.figures.clone());
    row.diagnostics = audited.diagnostics.clone();
    Entry {
        row,
        audited: opts.keep.then_some(audited),
        error: None,
    }
}
