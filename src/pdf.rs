//! The PDF of a report, through LibreOffice headless (`soffice --convert-to pdf`), as Carbone
//! and Gotenberg do.
//!
//! One soffice process converts all the reports of a run (it takes many files per call; at most
//! [`FILES_PER_CALL`]), in a private folder: its own LibreOffice profile
//! (`-env:UserInstallation`), so two runs never clash and a LibreOffice the user has open is
//! left alone. It is killed with its whole process group when it produces no PDF for
//! [`Options::limit`].
//!
//! Fonts: the report names 方正小标宋简体, 仿宋_GB2312, 黑体, 楷体_GB2312 and 宋体. Where they are
//! not installed, LibreOffice on a server sets the whole text in whatever sans face fontconfig
//! offers. So the soffice run gets a fontconfig configuration of its own, written into the
//! private folder: the system configuration plus one rule per face, which sends each missing face
//! to a free face of its class with Simplified Chinese forms ([`crate::typography::Class`]). A
//! face that is installed is still used, because the rule only adds a fallback after it. Each
//! substitution is returned as a warning, found with `fc-match` under that same configuration,
//! so no one publishes a PDF in the wrong typeface without knowing.
//!
//! `pdffonts` calls the Noto SC faces `NotoSerifCJKjp-Regular-VKana`: the faces of a Noto CJK
//! collection share one CFF table, named for the JP face, and LibreOffice 7.4 names the embedded
//! font after it. The glyphs are SC (LibreOffice shapes the report's zh-CN text with the
//! Chinese forms, whichever face of the collection it takes); `tests/publish.rs` compares them.

use crate::batch::Progress;
use crate::error::{Error, Result};
use crate::output::{self, Flush};
use crate::typography::{self as ty, Class};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Environment variable naming the soffice program, when it is not on the PATH or in a usual
/// install folder.
pub const SOFFICE_ENV: &str = "REPORT_GEN_SOFFICE";
/// Environment variable setting [`Options::limit`] in seconds.
pub const LIMIT_ENV: &str = "REPORT_GEN_PDF_TIMEOUT";
/// Default time limit: the longest soffice may go without producing the next PDF (the first
/// one includes LibreOffice's start, a few seconds; a report converts in well under one).
pub const DEFAULT_LIMIT: Duration = Duration::from_secs(120);
/// Most reports one soffice process converts: their names (`00000.docx`, 11 characters each)
/// must fit a Windows command line of 32,767 characters.
pub const FILES_PER_CALL: usize = 2000;

/// How to make the PDFs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    /// PDF/A-2b (for archiving) instead of plain PDF.
    pub archive: bool,
    /// The soffice program; found on the PATH or in the usual install folders when `None`.
    pub soffice: Option<PathBuf>,
    /// Longest soffice may go without producing the next PDF before it is killed.
    pub limit: Duration,
}

impl Options {
    /// The options for `archive`, with the program and the limit from the environment
    /// ([`SOFFICE_ENV`], [`LIMIT_ENV`]) when set.
    pub fn from_env(archive: bool) -> Options {
        let limit = std::env::var(LIMIT_ENV)
            .ok()
            .and_then(|s| s.trim().parse::<f64>().ok())
            .filter(|s| s.is_finite() && *s > 0.0)
            .map_or(DEFAULT_LIMIT, Duration::from_secs_f64);
        Options {
            archive,
            soffice: std::env::var_os(SOFFICE_ENV).map(PathBuf::from),
            limit,
        }
    }

    /// The `--convert-to` argument: LibreOffice's PDF export filter, with PDF/A-2b selected by
    /// its JSON filter options (LibreOffice 7.4 and later).
    pub fn filter(&self) -> &'static str {
        if self.archive {
            r#"pdf:writer_pdf_Export:{"SelectPdfVersion":{"type":"long","value":"2"}}"#
        } else {
            "pdf:writer_pdf_Export"
        }
    }
}

/// The PDF next to a report: `<report stem>.pdf`.
pub fn path(report: &Path) -> PathBuf {
    report.with_extension("pdf")
}

/// One report to convert.
#[derive(Debug, Clone)]
pub struct Job {
    /// The Word report, already written.
    pub docx: PathBuf,
    /// Where its PDF goes.
    pub pdf: PathBuf,
}

/// What a conversion did.
#[derive(Debug)]
pub struct Converted {
    /// Per job, in order: the PDF written, or why not.
    pub results: Vec<Result<PathBuf>>,
    /// Font substitutions (one line each, in Chinese), and anything else the user should know.
    pub warnings: Vec<String>,
    /// soffice processes started.
    pub processes: usize,
}

/// The soffice runs under way: process group and private folder, for [`interrupt`].
static RUNNING: Mutex<Vec<(u32, PathBuf)>> = Mutex::new(Vec::new());

fn running() -> std::sync::MutexGuard<'static, Vec<(u32, PathBuf)>> {
    RUNNING
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Kills every soffice run under way and removes its private folder (Ctrl-C: soffice runs in a
/// process group of its own, so the terminal's interrupt does not reach it, and the process
/// exits without running the folder's destructor).
pub fn interrupt() {
    for (pid, dir) in running().drain(..) {
        kill_group(pid);
        let _ = std::fs::remove_dir_all(dir);
    }
}

/// Converts the reports to PDF, writing each PDF atomically (as `flush` says). Fails as a whole
/// only when LibreOffice cannot be found or started; a report that did not convert has its
/// error in [`Converted::results`].
pub fn convert(
    jobs: &[Job],
    opts: &Options,
    flush: Flush,
    progress: &dyn Progress,
) -> Result<Converted> {
    let soffice = find_soffice(opts.soffice.as_deref())?;
    let dir = tempfile::Builder::new()
        .prefix("report-gen-pdf-")
        .tempdir()
        .map_err(|e| Error::Pdf(format!("无法建立临时文件夹：{e}")))?;
    let input = dir.path().join("in");
    let out = dir.path().join("out");
    for d in [&input, &out] {
        std::fs::create_dir_all(d).map_err(|e| Error::Pdf(format!("无法建立临时文件夹：{e}")))?;
    }
    let fonts = fontconfig(dir.path());
    let warnings = fonts.as_deref().map(substitutions).unwrap_or_default();

    let mut results: Vec<Option<Result<PathBuf>>> = (0..jobs.len()).map(|_| None).collect();
    // Each report under a plain numbered name: soffice names its PDF after the input, and an
    // agency's name may hold characters that LibreOffice reads as a URL.
    for (i, job) in jobs.iter().enumerate() {
        let name = input.join(numbered(i, "docx"));
        if std::fs::hard_link(&job.docx, &name).is_err() {
            if let Err(e) = std::fs::copy(&job.docx, &name) {
                if let Some(slot) = results.get_mut(i) {
                    *slot = Some(Err(Error::Read {
                        path: job.docx.clone(),
                        source: e,
                    }));
                }
            }
        }
    }
    progress.start("PDF", jobs.len());
    let mut processes = 0;
    let mut failed = 0;
    let todo: Vec<usize> = (0..jobs.len())
        .filter(|&i| results.get(i).is_some_and(Option::is_none))
        .collect();
    for chunk in todo.chunks(FILES_PER_CALL) {
        processes += 1;
        let run = Run {
            soffice: &soffice,
            dir: dir.path(),
            fonts: fonts.as_deref(),
            opts,
        };
        let outcome = run.convert(chunk, |i| {
            let name = jobs.get(i).map(|j| j.pdf.display().to_string());
            progress.step(failed, &format!("已转换 PDF：{}", name.unwrap_or_default()));
        });
        let stopped = match outcome {
            Ok(stopped) => stopped,
            Err(e) => {
                progress.finish();
                return Err(e);
            }
        };
        for &i in chunk {
            let (Some(job), Some(slot)) = (jobs.get(i), results.get_mut(i)) else {
                continue;
            };
            let result = finish_one(&out.join(numbered(i, "pdf")), job, opts, flush, &stopped);
            if result.is_err() {
                failed += 1;
            }
            *slot = Some(result);
        }
    }
    progress.finish();
    Ok(Converted {
        results: results
            .into_iter()
            .map(|r| r.unwrap_or_else(|| Err(Error::Pdf("未转换".into()))))
            .collect(),
        warnings,
        processes,
    })
}

fn numbered(i: usize, ext: &str) -> String {
    format!("{i:05}.{ext}")
}

/// Checks one PDF soffice wrote and writes it to its place.
fn finish_one(
    made: &Path,
    job: &Job,
    opts: &Options,
    flush: Flush,
    stopped: &Option<String>,
) -> Result<PathBuf> {
    let bytes = std::fs::read(made).unwrap_or_default();
    let complete = bytes.starts_with(b"%PDF-")
        && bytes
            .get(bytes.len().saturating_sub(1024)..)
            .is_some_and(|tail| tail.windows(5).any(|w| w == b"%%EOF"));
    if !complete {
        let why = stopped
            .clone()
            .unwrap_or_else(|| "LibreOffice 未能转换这份报告".to_string());
        return Err(Error::Pdf(format!("{}：{why}", job.docx.display())));
    }
    if opts.archive && !is_pdf_a2(&bytes) {
        return Err(Error::Pdf(
            "LibreOffice 生成的不是 PDF/A（--pdf-a 需要 LibreOffice 7.4 或更高版本），请升级 LibreOffice。"
                .into(),
        ));
    }
    output::write_atomic_with(&job.pdf, &bytes, flush)?;
    Ok(job.pdf.clone())
}

/// Whether a PDF declares PDF/A-2 in its XMP metadata.
fn is_pdf_a2(bytes: &[u8]) -> bool {
    let has = |pat: &[u8]| bytes.windows(pat.len()).any(|w| w == pat);
    has(b"pdfaid:part>2<") || has(b"pdfaid:part=\"2\"")
}

/// One soffice call.
struct Run<'a> {
    soffice: &'a Path,
    dir: &'a Path,
    fonts: Option<&'a Path>,
    opts: &'a Options,
}

impl Run<'_> {
    /// Converts the numbered reports `chunk` into `out/`; `done` is called as each PDF appears.
    /// Returns why soffice was stopped, if it was.
    fn convert(&self, chunk: &[usize], mut done: impl FnMut(usize)) -> Result<Option<String>> {
        let log = self.dir.join("soffice.log");
        let log_file =
            std::fs::File::create(&log).map_err(|e| Error::Pdf(format!("无法写入日志：{e}")))?;
        let err_file = log_file
            .try_clone()
            .map_err(|e| Error::Pdf(format!("无法写入日志：{e}")))?;
        let mut cmd = Command::new(self.soffice);
        cmd.arg(format!(
            "-env:UserInstallation={}",
            file_url(&self.dir.join("profile"))
        ))
        .args([
            "--headless",
            "--invisible",
            "--nologo",
            "--nodefault",
            "--nolockcheck",
            "--norestore",
            "--nofirststartwizard",
            "--convert-to",
            self.opts.filter(),
            "--outdir",
        ])
        .arg(self.dir.join("out"))
        .args(chunk.iter().map(|&i| numbered(i, "docx")))
        .current_dir(self.dir.join("in"))
        .stdin(Stdio::null())
        .stdout(Stdio::from(log_file))
        .stderr(Stdio::from(err_file));
        if let Some(conf) = self.fonts {
            cmd.env("FONTCONFIG_FILE", conf);
        }
        #[cfg(unix)]
        std::os::unix::process::CommandExt::process_group(&mut cmd, 0);
        let mut child = cmd.spawn().map_err(|e| {
            if e.kind() == std::io::ErrorKind::NotFound {
                Error::NoLibreOffice
            } else {
                Error::Pdf(format!("无法启动 {}：{e}", self.soffice.display()))
            }
        })?;
        running().push((child.id(), self.dir.to_path_buf()));
        let watched = self.watch(&mut child, chunk, &mut done);
        running().retain(|(p, _)| *p != child.id());
        Ok(match watched {
            Err(why) => Some(why),
            Ok(true) => None,
            Ok(false) => {
                let text = std::fs::read_to_string(&log).unwrap_or_default();
                let lines: Vec<&str> = text
                    .lines()
                    .filter(|l| !l.contains("javaldx") && !l.trim().is_empty())
                    .collect();
                let tail = lines.get(lines.len().saturating_sub(3)..).unwrap_or(&[]);
                Some(format!(
                    "LibreOffice 异常退出（{}）",
                    if tail.is_empty() {
                        "没有输出".to_string()
                    } else {
                        tail.join("；")
                    }
                ))
            }
        })
    }

    /// Waits for soffice, reporting each PDF as it is done; kills its process group when no
    /// new PDF appears within the limit. `Ok(success)` when it exited by itself.
    fn watch(
        &self,
        child: &mut Child,
        chunk: &[usize],
        done: &mut impl FnMut(usize),
    ) -> std::result::Result<bool, String> {
        let out = self.dir.join("out");
        let mut started = 0;
        let mut reported = 0;
        let mut last = Instant::now();
        loop {
            let exited = child.try_wait();
            let count = std::fs::read_dir(&out).map_or(0, |d| d.count());
            if count > started {
                started = count;
                last = Instant::now();
            }
            // A PDF appears when soffice starts writing it (in input order): it is complete
            // once the next one appears, or soffice has exited.
            let complete = match exited {
                Ok(None) => count.saturating_sub(1),
                _ => count,
            };
            while reported < complete.min(chunk.len()) {
                if let Some(&i) = chunk.get(reported) {
                    done(i);
                }
                reported += 1;
            }
            match exited {
                Ok(Some(status)) => return Ok(status.success()),
                Err(e) => return Err(format!("无法等待 LibreOffice：{e}")),
                Ok(None) => {}
            }
            if last.elapsed() > self.opts.limit {
                kill_group(child.id());
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!(
                    "LibreOffice 超过 {} 秒没有生成下一份 PDF，已停止（可用环境变量 {LIMIT_ENV} 放宽时限，单位为秒）",
                    self.opts.limit.as_secs_f64().round()
                ));
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

/// Kills a process group (soffice is a launcher that starts the real office process).
fn kill_group(pid: u32) {
    #[cfg(target_os = "linux")]
    {
        if let Some(pid) = i32::try_from(pid)
            .ok()
            .and_then(rustix::process::Pid::from_raw)
        {
            let _ = rustix::process::kill_process_group(pid, rustix::process::Signal::KILL);
        }
    }
    #[cfg(all(unix, not(target_os = "linux")))]
    {
        let _ = Command::new("kill")
            .args(["-KILL", &format!("-{pid}")])
            .status();
    }
    #[cfg(windows)]
    {
        let _ = Command::new("taskkill")
            .args(["/T", "/F", "/PID", &pid.to_string()])
            .status();
    }
}

/// A `file://` URL of a folder, as LibreOffice's `-env:UserInstallation` wants it.
pub fn file_url(path: &Path) -> String {
    let text = path.to_string_lossy().replace('\\', "/");
    let mut url = String::from("file://");
    if !text.starts_with('/') {
        // C:/… on Windows.
        url.push('/');
    }
    for b in text.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'/' | b'-' | b'_' | b'.' | b'~' | b':' => {
                url.push(char::from(b))
            }
            b => url.push_str(&format!("%{b:02X}")),
        }
    }
    url
}

/// The soffice program: `given`, else on the PATH (soffice, libreoffice), else in the usual
/// install folders.
pub fn find_soffice(given: Option<&Path>) -> Result<PathBuf> {
    if let Some(p) = given {
        return if p.is_file() {
            Ok(p.to_path_buf())
        } else {
            Err(Error::NoLibreOffice)
        };
    }
    let exe = |name: &str| format!("{name}{}", std::env::consts::EXE_SUFFIX);
    let on_path = std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).collect::<Vec<_>>())
        .unwrap_or_default();
    let mut candidates: Vec<PathBuf> = Vec::new();
    for name in ["soffice", "libreoffice"] {
        candidates.extend(on_path.iter().map(|d| d.join(exe(name))));
    }
    candidates.extend(
        [
            "C:\\Program Files\\LibreOffice\\program\\soffice.exe",
            "C:\\Program Files (x86)\\LibreOffice\\program\\soffice.exe",
            "/Applications/LibreOffice.app/Contents/MacOS/soffice",
            "/opt/libreoffice/program/soffice",
            "/usr/lib/libreoffice/program/soffice",
        ]
        .map(PathBuf::from),
    );
    candidates
        .into_iter()
        .find(|p| p.is_file())
        .ok_or(Error::NoLibreOffice)
}

/// Writes the run's fontconfig configuration into `dir`: the system configuration, then for
/// each face of the report a fallback to the free face of its class. `None` where fontconfig
/// is not how LibreOffice finds fonts (Windows, macOS) or there is no system configuration.
fn fontconfig(dir: &Path) -> Option<PathBuf> {
    if !cfg!(all(unix, not(target_os = "macos"))) {
        return None;
    }
    let system = std::env::var_os("FONTCONFIG_FILE")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/etc/fonts/fonts.conf"));
    if !system.is_file() {
        return None;
    }
    let path = dir.join("fonts.conf");
    std::fs::write(&path, fontconfig_text(&system)).ok()?;
    Some(path)
}

/// The configuration's text. `<accept>` adds the free face right after the named one: an
/// installed face still wins, a missing one falls to its class instead of the default sans.
pub fn fontconfig_text(system: &Path) -> String {
    let mut s = String::from(
        "<?xml version=\"1.0\"?>\n<!DOCTYPE fontconfig SYSTEM \"urn:fontconfig:fonts.dtd\">\n<fontconfig>\n",
    );
    s.push_str(&format!(
        "  <include ignore_missing=\"yes\">{}</include>\n",
        crate::html::escape(&system.to_string_lossy())
    ));
    for (face, class) in ty::CLASSES {
        s.push_str(&format!(
            "  <alias binding=\"same\"><family>{}</family><accept><family>{}</family></accept></alias>\n",
            crate::html::escape(face),
            class.free_face()
        ));
    }
    s.push_str("</fontconfig>\n");
    s
}

/// One warning per face of the report that is not installed, naming what the PDF uses instead
/// (as `fc-match` resolves it under the run's configuration).
fn substitutions(conf: &Path) -> Vec<String> {
    let mut faces: Vec<(&str, Option<Class>)> =
        ty::CLASSES.iter().map(|&(f, c)| (f, Some(c))).collect();
    faces.push((ty::LATIN, None));
    let mut warnings = Vec::new();
    for (face, class) in faces {
        let pattern = match class {
            Some(_) => format!("{face}:lang=zh-cn"),
            None => face.to_string(),
        };
        let out = Command::new("fc-match")
            .args(["-f", "%{family}", &pattern])
            .env("FONTCONFIG_FILE", conf)
            .stdin(Stdio::null())
            .stderr(Stdio::null())
            .output();
        let Ok(out) = out else {
            return vec![
                "未找到 fc-match（Debian 软件包 fontconfig），无法检查报告所用字体是否已安装；PDF 中缺少的字体由 LibreOffice 自行替代。"
                    .into(),
            ];
        };
        let families = String::from_utf8_lossy(&out.stdout).into_owned();
        let names: Vec<&str> = families.split(',').map(str::trim).collect();
        if names.contains(&face) {
            continue;
        }
        let used = names.first().copied().unwrap_or("").to_string();
        warnings.push(substitution_warning(face, class, &used));
    }
    if !warnings.is_empty() {
        warnings.push(
            "代替字体的字形与原字体不同；正式发布的 PDF 宜在装有上述字体的电脑上生成。".into(),
        );
    }
    warnings
}

fn substitution_warning(face: &str, class: Option<Class>, used: &str) -> String {
    match class {
        Some(c) if used == c.free_face() => {
            format!("PDF 字体：本机未安装“{face}”，以同类字体“{used}”代替。")
        }
        Some(c) => format!(
            "PDF 字体：本机未安装“{face}”，也未安装同类的“{}”，以“{used}”代替，字体类别不对。请安装字体（Debian/Ubuntu：sudo apt install fonts-noto-cjk fonts-arphic-ukai）。",
            c.free_face()
        ),
        None => format!("PDF 字体：本机未安装“{face}”，数字和字母以“{used}”代替。"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn profile_urls_are_escaped() {
        assert_eq!(
            file_url(Path::new("/tmp/a b/年报")),
            "file:///tmp/a%20b/%E5%B9%B4%E6%8A%A5"
        );
        assert_eq!(
            file_url(Path::new("C:\\Users\\x\\p")),
            "file:///C:/Users/x/p"
        );
    }

    #[test]
    fn every_face_falls_back_to_its_class() {
        let text = fontconfig_text(Path::new("/etc/fonts/fonts.conf"));
        assert!(text.contains("<include ignore_missing=\"yes\">/etc/fonts/fonts.conf</include>"));
        assert!(text.contains(
            "<family>楷体_GB2312</family><accept><family>AR PL UKai CN</family></accept>"
        ));
        assert!(text.contains(
            "<family>仿宋_GB2312</family><accept><family>Noto Serif CJK SC</family></accept>"
        ));
        assert!(text
            .contains("<family>黑体</family><accept><family>Noto Sans CJK SC</family></accept>"));
    }

    #[test]
    fn pdf_a_is_recognised_by_its_metadata() {
        assert!(is_pdf_a2(b"<pdfaid:part>2</pdfaid:part>"));
        assert!(!is_pdf_a2(b"%PDF-1.6 plain"));
    }
}
