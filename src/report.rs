//! The whole job for one workbook: read it, check it, build the Word report (and the Excel
//! appendix). The main command and the batch both call [`build`], so a report made in batch is
//! byte-identical to the one the main command makes.

use crate::diagnostics::Diagnostic;
use crate::error::{Error, Result};
use crate::narrative::Templates;
use crate::statement::Statement;
use crate::{appendix, checks, content, html, output, reader, word};
use std::path::Path;

/// A workbook read and checked.
pub struct Checked {
    /// What it states.
    pub statement: Statement,
    /// Everything the reader and the checks found.
    pub diagnostics: Vec<Diagnostic>,
    /// Whether last year's workbook was compared (see [`crate::rules::Rule::needs_previous`]).
    pub previous: bool,
}

impl Checked {
    /// Whether any finding is an error.
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }
}

/// Reads `data` (and last year's workbook) and runs every check.
pub fn check(
    data: &Path,
    previous: Option<&Path>,
    limits: crate::workbook::Limits,
) -> Result<Checked> {
    let statement = reader::read(data, limits)?;
    let prev = previous.map(|p| reader::read(p, limits)).transpose()?;
    let diagnostics = checks::all(&statement, prev.as_ref());
    let previous = checks::compared(&statement, prev.as_ref());
    Ok(Checked {
        statement,
        diagnostics,
        previous,
    })
}

/// The documents of one report.
pub struct Documents {
    /// The Word report.
    pub docx: Vec<u8>,
    /// The Excel appendix, when asked for.
    pub appendix: Option<Vec<u8>>,
    /// The web page ([`crate::html::page`]), when asked for.
    pub html: Option<String>,
    /// The article alone ([`crate::html::fragment`]), when asked for.
    pub fragment: Option<String>,
}

/// Which documents to build besides the Word report.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Wanted {
    /// The Excel appendix.
    pub appendix: bool,
    /// The web page.
    pub html: bool,
    /// The article alone, for a portal editor.
    pub fragment: bool,
}

/// Builds the documents of a checked workbook: the Word report, and the appendix if asked.
pub fn build(checked: &Checked, templates: &Templates, with_appendix: bool) -> Result<Documents> {
    let wanted = Wanted {
        appendix: with_appendix,
        ..Wanted::default()
    };
    build_wanted(checked, templates, wanted)
}

/// Builds the Word report and the documents `wanted` names, all from one [`content::blocks`].
pub fn build_wanted(checked: &Checked, templates: &Templates, wanted: Wanted) -> Result<Documents> {
    let st = &checked.statement;
    let blocks = content::blocks(st, templates)?;
    let docx = word::from_blocks(st, &blocks)?;
    let appendix = wanted
        .appendix
        .then(|| appendix::workbook(st, &checked.diagnostics, checked.previous))
        .transpose()
        .map_err(|e| Error::Build {
            what: "Excel 附表",
            detail: e.to_string(),
        })?;
    Ok(Documents {
        docx,
        appendix,
        html: wanted.html.then(|| html::page(st, &blocks)),
        fragment: wanted.fragment.then(|| html::fragment(st, &blocks)),
    })
}

/// The appendix path next to a report: `<report stem>-附表.xlsx`, built from the stem's bytes
/// (a GBK name on Linux stays exactly as it was).
pub fn appendix_path(report: &Path) -> std::path::PathBuf {
    let stem = report.file_stem().unwrap_or_default();
    report.with_file_name(crate::files::with_suffix(stem, output::APPENDIX_SUFFIX))
}

/// The report's default file name: `<机关名称>-<YYYY>年政府信息公开工作年度报告.docx`, made safe.
/// See [`default_stem`].
pub fn default_name(st: &Statement) -> String {
    format!("{}.docx", default_stem(st, ""))
}

/// The report's file stem, `<机关名称>-<YYYY>年政府信息公开工作年度报告<tag>`, made safe. A long
/// agency name is shortened (marked “…”) so that the year and the tag stay and the appendix's
/// name fits in 255 bytes ([`output::MAX_STEM_BYTES`]). `tag` tells apart two agencies whose
/// shortened names are the same (the batch passes “（2）”).
pub fn default_stem(st: &Statement, tag: &str) -> String {
    let year = st.info.year.map_or(String::new(), |y| format!("{y}年"));
    let agency = if st.info.agency.trim().is_empty() {
        "未命名机关"
    } else {
        st.info.agency.trim()
    };
    let tail = output::safe_file_name(&format!("-{year}政府信息公开工作年度报告{tag}"));
    let tail = if tail.starts_with('-') {
        tail
    } else {
        format!("-{tail}")
    };
    let room = output::MAX_STEM_BYTES.saturating_sub(tail.len());
    let (agency, _) = output::shorten(&output::safe_file_name(agency), room);
    format!("{agency}{tail}")
}
