//! Everything that stops report-gen, one variant per failure a user can meet.
//!
//! Each variant's doc comment states the rule it enforces; its message (Chinese, for office
//! staff) names the file and says what to do. Data findings that do not stop reading are
//! [`crate::diagnostics::Diagnostic`]s instead.

use crate::diagnostics::Diagnostic;
use std::path::PathBuf;

/// A failure of report-gen.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The input file cannot be read from disk.
    #[error("无法读取文件 {shown}：{}。", explain(.source), shown = crate::files::display(.path))]
    Read {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },

    /// Inputs above the size limit (default 50 MB) are refused before reading: a statistics
    /// workbook is a few dozen kilobytes.
    #[error("文件 {shown} 有 {size} 字节，超过上限 {limit} 字节，未读取。统计表通常只有几十 KB，请确认选对了文件；确需读取请用 --max-input-mb 提高上限。", shown = crate::files::display(.path))]
    TooLarge {
        /// The file.
        path: PathBuf,
        /// Its size in bytes.
        size: u64,
        /// The limit in bytes.
        limit: u64,
    },

    /// A zip package whose entries would expand beyond the limit is refused before
    /// decompressing (a zip bomb).
    #[error(
        "文件 {shown} 解压后将达 {expanded} 字节，超过上限 {limit} 字节，疑似压缩炸弹，未读取。", shown = crate::files::display(.path))]
    ZipBomb {
        /// The file.
        path: PathBuf,
        /// Total uncompressed size declared by its entries.
        expanded: u64,
        /// The limit in bytes.
        limit: u64,
    },

    /// An .xls or .ods sheet is held in memory as the whole rectangle of its used range, so a
    /// used range beyond a limit (a stray cell far away, such as IV65536) is refused before
    /// it is built. (.xlsx is read cell by cell and has no such limit.)
    #[error("工作簿 {shown} 的工作表“{sheet}”使用范围为 {range}，约 {cells} 个单元格，超过上限 {limit}，未读取。请删除远处误填的单元格（在 Excel/WPS 中按 Ctrl+End 可找到），或另存为 .xlsx 后再试。", shown = crate::files::display(.path))]
    TooManyCells {
        /// The file.
        path: PathBuf,
        /// The sheet.
        sheet: String,
        /// The used range, e.g. A1:IV65536.
        range: String,
        /// Cells in that range.
        cells: u64,
        /// The limit.
        limit: u64,
    },

    /// Password-protected (encrypted) workbooks cannot be read.
    #[error(
        "文件 {shown} 设置了打开密码（已加密），无法读取。请在 Excel/WPS 中取消密码后另存再试。", shown = crate::files::display(.path))]
    Encrypted {
        /// The file.
        path: PathBuf,
    },

    /// Only regular files are read: a folder, a FIFO, a socket or a device (/dev/zero never
    /// ends; a FIFO blocks until someone writes) is refused before it is opened.
    #[error("{shown} 不是普通文件，而是{kind}，未读取。{}", not_a_file_hint(kind), shown = crate::files::display(.path))]
    NotAFile {
        /// The path given.
        path: PathBuf,
        /// What it is instead (文件夹, 命名管道 …).
        kind: &'static str,
    },

    /// Only .xlsx, .xls and .ods workbooks are read.
    #[error("文件 {shown} 不是可读取的 Excel/WPS 工作簿（.xlsx、.xls、.ods）：{detail}", shown = crate::files::display(.path))]
    NotAWorkbook {
        /// The file.
        path: PathBuf,
        /// What was found instead.
        detail: String,
    },

    /// A workbook whose contents the spreadsheet reader cannot parse (damaged file).
    #[error(
        "工作簿 {shown} 已损坏，无法读取：{detail}。请在 Excel/WPS 中打开后另存为 .xlsx 再试。", shown = crate::files::display(.path))]
    Damaged {
        /// The file.
        path: PathBuf,
        /// The reader's message.
        detail: String,
    },

    /// A workbook without the three tables of the 2021 format, or in the 2019 trial layout,
    /// gives no figures: the diagnostics say what is missing.
    #[error("工作簿 {shown} 中没有可用的 2021 版统计表：\n{}", render(.diagnostics), shown = crate::files::display(.path))]
    Invalid {
        /// The file.
        path: PathBuf,
        /// Why (errors, and warnings found on the way).
        diagnostics: Vec<Diagnostic>,
    },

    /// Only Word documents (.docx), web pages (.html) and PDFs with a text layer are audited;
    /// any other file (a workbook, a legacy .doc, a web archive, plain text) is named for what
    /// it is, with the way to convert it.
    #[error("文件 {path} 不是可审查的报告（.docx、.html、.pdf）：{detail}")]
    NotAReport {
        /// The file.
        path: PathBuf,
        /// What was found instead.
        detail: String,
    },

    /// A report whose structure cannot be parsed (a damaged zip package, broken XML, a PDF
    /// whose objects cannot be read) or that is far beyond what a report holds.
    #[error(
        "报告 {path} 无法读取：{detail}。请用 Word/WPS、浏览器或 PDF 阅读器打开后另存一份再试。"
    )]
    ReportDamaged {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        detail: String,
    },

    /// A report that needs a password to open (an encrypted .docx; a PDF with an open
    /// password) cannot be read. PDFs restricted only against copying or printing are read.
    #[error("报告 {path} 设置了打开密码（已加密），无法读取。请取消密码后另存一份再试。")]
    ReportEncrypted {
        /// The file.
        path: PathBuf,
    },

    /// A PDF whose pages carry no text (a scan or photographs) or whose text cannot be decoded
    /// to characters gives nothing to check: there is no OCR.
    #[error("PDF 文件 {path} {detail}，无法读取其中的文字和表格。请提供 Word（.docx）或网页版本；只有扫描件时，请先用文字识别（OCR）软件转成可以复制文字的 PDF 再试。")]
    NoTextLayer {
        /// The file.
        path: PathBuf,
        /// What was found (no text at all, or text without a character mapping).
        detail: String,
    },

    /// The checks found errors, so nothing was written (use --force to write anyway).
    #[error("{shown} 的数据有 {errors} 个错误，未生成报告。请按上面的提示改正后重试（确需生成可加 --force）。", shown = crate::files::display(.path))]
    DataErrors {
        /// The input file.
        path: PathBuf,
        /// How many errors.
        errors: usize,
    },

    /// A narrative template that does not parse or render (undefined name, syntax, too much work).
    #[error("模板 {name} 第 {line} 行出错：{detail}")]
    Template {
        /// Template file name.
        name: String,
        /// Line in the template (0 when unknown).
        line: usize,
        /// What went wrong.
        detail: String,
    },

    /// An output file cannot be written (the temporary file is removed). The path is the
    /// output's own name, never the temporary file's.
    #[error("无法写入 {shown}：{}。", explain(.source), shown = crate::files::display(.path))]
    Write {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },

    /// One file of a set (a report and its appendix) cannot be written: the set is replaced
    /// whole or not at all, and `rest` says what became of the others.
    #[error("无法写入 {shown}：{}。{rest}", explain(.source), shown = crate::files::display(.path))]
    SetNotWritten {
        /// The file that failed.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
        /// The other files of the set: left as they were (or, rarely, what could not be undone).
        rest: String,
    },

    /// A document writer failed to build its file.
    #[error("生成 {what} 失败：{detail}")]
    Build {
        /// Which document.
        what: &'static str,
        /// The writer's message.
        detail: String,
    },

    /// LibreOffice, which makes the PDF, is not installed; the other files are still written.
    #[error("未找到 LibreOffice，无法生成 PDF（Word 报告等其他文件已照常生成）。请安装 LibreOffice 后重试：Debian、Ubuntu、统信 UOS、麒麟执行 sudo apt install libreoffice-writer-nogui fonts-noto-cjk fonts-arphic-ukai；Windows 从 https://www.libreoffice.org/download/download-libreoffice/ 下载安装。装在其他位置时，用环境变量 REPORT_GEN_SOFFICE 指明 soffice 程序的路径。")]
    NoLibreOffice,

    /// LibreOffice did not make a PDF (it failed, or exceeded the time limit).
    #[error("生成 PDF 失败：{0}")]
    Pdf(String),

    /// Arguments that cannot work together, or a path that cannot be used.
    #[error("{0}")]
    Usage(String),
}

fn not_a_file_hint(kind: &str) -> &'static str {
    if kind == "文件夹" {
        "请给出统计表文件本身；处理整个文件夹请用 report-gen batch 文件夹 -o 输出文件夹。"
    } else {
        "请先把统计表保存为文件，再给出该文件。"
    }
}

/// An operating-system error in the words office staff read, without the system's English
/// text (which may name a temporary file that no longer exists).
pub fn explain(e: &std::io::Error) -> String {
    use std::io::ErrorKind as K;
    let words = match e.kind() {
        K::NotFound => "文件或文件夹不存在",
        K::PermissionDenied => "没有权限（文件或文件夹可能是只读的，或属于其他用户）",
        K::AlreadyExists => "同名文件已存在",
        K::IsADirectory => "这是一个文件夹，不是文件",
        K::NotADirectory => "路径中有一级不是文件夹",
        K::DirectoryNotEmpty => "文件夹不是空的",
        K::ReadOnlyFilesystem => "所在的磁盘或分区是只读的",
        K::StorageFull => "磁盘空间已满，请清理后重试",
        K::QuotaExceeded => "超出了磁盘配额，请清理后重试",
        K::FileTooLarge => "文件超过了所在磁盘允许的大小",
        K::InvalidFilename => "文件名太长，或含有所在磁盘不允许的字符",
        K::ResourceBusy | K::ExecutableFileBusy => {
            "文件正被其他程序占用（例如在 Excel 或 WPS 中打开着），请关闭后重试"
        }
        K::CrossesDevices => "不能跨磁盘移动文件",
        K::TooManyLinks => "链接数过多",
        K::Interrupted => "已中断",
        K::OutOfMemory => "内存不足",
        K::BrokenPipe => "接收输出的程序已经关闭",
        K::WouldBlock => "暂时无法读取（可能是管道或设备）",
        K::TimedOut => "操作超时（网络磁盘可能断开了）",
        K::StaleNetworkFileHandle => "网络文件已失效（网络磁盘可能断开了）",
        K::UnexpectedEof => "文件在读完之前就结束了",
        K::Unsupported => "所在的系统或磁盘不支持此操作",
        K::NetworkDown
        | K::NetworkUnreachable
        | K::HostUnreachable
        | K::ConnectionReset
        | K::ConnectionAborted
        | K::NotConnected => "网络连接中断（网络磁盘可能断开了）",
        _ => {
            return match e.raw_os_error() {
                Some(code) => format!("系统错误（代码 {code}）"),
                None => "系统错误".to_string(),
            }
        }
    };
    words.to_string()
}

fn render(diagnostics: &[Diagnostic]) -> String {
    diagnostics
        .iter()
        .map(|d| format!("  {d}"))
        .collect::<Vec<_>>()
        .join("\n")
}

impl Error {
    /// The process exit code: 1 for invalid data, 2 for unreadable input, usage and I/O.
    pub fn exit_code(&self) -> u8 {
        match self {
            Error::Invalid { .. } | Error::DataErrors { .. } => 1,
            _ => 2,
        }
    }

    /// The diagnostics carried by this error, if any.
    pub fn diagnostics(&self) -> &[Diagnostic] {
        match self {
            Error::Invalid { diagnostics, .. } => diagnostics,
            _ => &[],
        }
    }
}

/// Result with [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
