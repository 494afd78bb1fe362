//! The client tier's programs: finding them (a missing one fails the test, naming the install
//! command), running the checkers of `tests/clients/` (each script's doc string says what it
//! checks), and poppler, fontconfig and chromium for the PDF and page tests.

use super::Dir;
use report_gen::layout::{Content, Table};
use report_gen::statement::Statement;
use roxmltree::Document;
use serde_json::Value;
use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The command that installs the client tier (LibreOffice, poppler, fonts, python-docx,
/// openpyxl, openxml-audit); every failure caused by a missing client names it.
pub const INSTALL_CLIENTS: &str = "bash tests/clients/install.sh";

/// A real client program for a client-tier test: `python3` from the tier's own environment
/// (`tests/clients/.venv`, made by the install command) or else from PATH, any other program
/// from PATH. A missing client fails the test, naming the install command: the client tier
/// never passes without its clients.
pub fn client(name: &str) -> PathBuf {
    client_on(name, &std::env::var_os("PATH").unwrap_or_default())
}

/// [`client`], searching the folders of `path` (a PATH value).
pub fn client_on(name: &str, path: &std::ffi::OsStr) -> PathBuf {
    let venv = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/clients/.venv/bin")
        .join(name);
    let found = if name == "python3" && venv.is_file() {
        Some(venv)
    } else {
        std::env::split_paths(path)
            .map(|dir| dir.join(name))
            .find(|p| is_executable(p))
    };
    found.unwrap_or_else(|| {
        panic!(
            "{name} is missing: the client tier needs it. Install the client tier with \
             `{INSTALL_CLIENTS}`, then run `cargo test -- --ignored`."
        )
    })
}

fn is_executable(path: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
    }
    #[cfg(not(unix))]
    path.is_file()
}

/// `tests/clients/`: the client tier's install script and checkers.
pub fn clients_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/clients")
}

/// Runs one of the client tier's checkers (`tests/clients/SCRIPT`, see each script's doc
/// string) with the tier's python3; returns its exit code, stdout and stderr. A checker that
/// finds a client missing (exit 3: a program or a Python module) fails the test with its
/// message, which names the install command.
pub fn checker(script: &str, args: &[&OsStr]) -> (i32, String, String) {
    let out = std::process::Command::new(client("python3"))
        .arg(clients_dir().join(script))
        .args(args)
        // No __pycache__ inside the repository: tests write only into their own folders.
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .output()
        .expect("python3 runs");
    let (code, stdout, stderr) = (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    );
    assert!(code != 3, "tests/clients/{script}: {stderr}");
    (code, stdout, stderr)
}

/// The Open XML SDK's findings (through openxml-audit) in an .docx or .xlsx, one line each;
/// empty when Word or Excel would open it without offering a repair.
pub fn sdk_errors(path: &Path) -> Vec<String> {
    let (code, out, err) = checker("ooxml_check.py", &[path.as_os_str()]);
    let v: Value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}{err}"));
    let errors: Vec<String> = v["errors"]
        .as_array()
        .expect("errors listed")
        .iter()
        .map(Value::to_string)
        .collect();
    assert_eq!(code, i32::from(!errors.is_empty()), "{out}{err}");
    errors
}

/// What python-docx reads in a .docx (see `docx_read.py`).
pub fn docx_read(path: &Path) -> Value {
    json("docx_read.py", &[path.as_os_str()])
}

/// LibreOffice's recalculation of an .xlsx compared with its cached values (see
/// `xlsx_recalc.py`); the exit status is left to the caller.
pub fn recalc(path: &Path) -> (i32, Value) {
    let (code, out, err) = checker("xlsx_recalc.py", &[path.as_os_str()]);
    let v = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}{err}"));
    (code, v)
}

/// `file` saved by LibreOffice as `target` (xls, ods, docx) into `outdir`; the new file.
pub fn convert(file: &Path, target: &str, outdir: &Path) -> PathBuf {
    let (code, out, err) = checker(
        "convert.py",
        &[file.as_os_str(), OsStr::new(target), outdir.as_os_str()],
    );
    assert_eq!(code, 0, "{out}{err}");
    PathBuf::from(out.trim_end())
}

/// `file` printed by LibreOffice and rasterised by poppler into `outdir` (see `render.py`).
pub fn render(file: &Path, outdir: &Path) -> Value {
    json("render.py", &[file.as_os_str(), outdir.as_os_str()])
}

fn json(script: &str, args: &[&OsStr]) -> Value {
    let (code, out, err) = checker(script, args);
    assert_eq!(code, 0, "{script}: {out}{err}");
    serde_json::from_str(&out).unwrap_or_else(|e| panic!("{script}: {e}: {out}{err}"))
}

/// (width, height) of a PNG file, from its IHDR chunk.
pub fn png_size(path: &Path) -> (u32, u32) {
    let bytes = std::fs::read(path).expect("png written");
    assert!(
        bytes.starts_with(b"\x89PNG\r\n\x1a\n") && bytes.get(12..16) == Some(&b"IHDR"[..]),
        "{} is not a PNG",
        path.display()
    );
    let be = |at: usize| u32::from_be_bytes(bytes[at..at + 4].try_into().expect("4 bytes"));
    (be(16), be(20))
}

/// Runs a client program; fails the test unless it succeeds; returns its standard output.
pub fn output(cmd: &mut Command) -> String {
    let out = cmd.output().expect("the program runs");
    assert!(
        out.status.success(),
        "{cmd:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Runs client program `name` with `args`; its standard output (it must succeed).
pub fn tool(name: &str, args: &[&std::ffi::OsStr]) -> String {
    output(Command::new(client(name)).args(args))
}

/// A grey image, ink 0.0 (white) to 1.0 (black), row by row.
pub struct Ink {
    width: usize,
    height: usize,
    ink: Vec<f64>,
}

/// A box on a page, in points from its top left: (left, top, right, bottom).
pub type Rect = (f64, f64, f64, f64);

/// Resolution of the glyph comparisons: a 16 pt character is 44 pixels high.
pub const DPI: f64 = 200.0;

/// Renders a box of page `page` (from 1), with a few pixels around it, as poppler shows it.
pub fn render_region(pdf: &Path, page: usize, (x0, y0, x1, y1): Rect) -> Ink {
    let px = |pt: f64| (pt * DPI / 72.0).round() as i64;
    let (x, y) = (px(x0) - 8, px(y0) - 8);
    let (w, h) = (px(x1) - x + 8, px(y1) - y + 8);
    let out = Command::new(client("pdftoppm"))
        .args(["-gray", "-singlefile", "-r", &DPI.to_string()])
        .args(["-f", &page.to_string(), "-l", &page.to_string()])
        .args(["-x", &x.to_string(), "-y", &y.to_string()])
        .args(["-W", &w.to_string(), "-H", &h.to_string()])
        .arg(pdf)
        .output()
        .expect("pdftoppm runs");
    assert!(out.status.success(), "pdftoppm: {out:?}");
    // A binary PGM: "P5", width, height, maximum value, one whitespace byte, then the pixels.
    let bytes = out.stdout;
    let mut fields = Vec::new();
    let mut at = 0;
    while fields.len() < 4 {
        while bytes[at].is_ascii_whitespace() {
            at += 1;
        }
        let start = at;
        while !bytes[at].is_ascii_whitespace() {
            at += 1;
        }
        fields.push(String::from_utf8_lossy(&bytes[start..at]).into_owned());
    }
    assert_eq!((fields[0].as_str(), fields[3].as_str()), ("P5", "255"));
    let (width, height): (usize, usize) = (fields[1].parse().unwrap(), fields[2].parse().unwrap());
    let ink: Vec<f64> = bytes[at + 1..]
        .iter()
        .map(|&b| 1.0 - f64::from(b) / 255.0)
        .collect();
    assert_eq!(ink.len(), width * height);
    Ink { width, height, ink }
}

/// A character drawn from face `index` of the font file `file` at `size_pt`, by ab_glyph:
/// a rasteriser of its own, independent of LibreOffice and poppler.
pub fn draw_glyph(file: &Path, index: u32, ch: char, size_pt: f64) -> Ink {
    use ab_glyph::{Font, FontRef, PxScale};
    let data = std::fs::read(file).expect("font file");
    let font = FontRef::try_from_slice_and_index(&data, index).expect("font face");
    let em = size_pt * DPI / 72.0;
    // ab_glyph scales by the height from descent to ascent, not by the em.
    let scale = em * f64::from(font.height_unscaled()) / f64::from(font.units_per_em().unwrap());
    let glyph = font.glyph_id(ch).with_scale(PxScale::from(scale as f32));
    let outline = font.outline_glyph(glyph).expect("an outline");
    let bounds = outline.px_bounds();
    let (width, height) = (bounds.width() as usize, bounds.height() as usize);
    let mut ink = vec![0.0; width * height];
    outline.draw(|x, y, c| ink[y as usize * width + x as usize] = f64::from(c));
    Ink { width, height, ink }
}

/// How well `glyph` matches the best place in `region`: the highest normalised
/// cross-correlation over every position (1.0 for the same picture).
pub fn best_match(region: &Ink, glyph: &Ink) -> f64 {
    let n = (glyph.width * glyph.height) as f64;
    let mean = glyph.ink.iter().sum::<f64>() / n;
    let g: Vec<f64> = glyph.ink.iter().map(|v| v - mean).collect();
    let g_norm = g.iter().map(|v| v * v).sum::<f64>().sqrt();
    let mut best = f64::MIN;
    for top in 0..=region.height.saturating_sub(glyph.height) {
        for left in 0..=region.width.saturating_sub(glyph.width) {
            // One pass: Σr, Σr², Σr·g; g sums to zero, so Σ(r - r̄)·g = Σr·g.
            let (mut sum, mut squares, mut dot) = (0.0, 0.0, 0.0);
            for (y, g_row) in g.chunks(glyph.width).enumerate() {
                let from = (top + y) * region.width + left;
                for (r, g) in region.ink[from..from + glyph.width].iter().zip(g_row) {
                    sum += r;
                    squares += r * r;
                    dot += r * g;
                }
            }
            let r_norm = (squares - sum * sum / n).max(0.0).sqrt();
            if r_norm > 1e-9 {
                best = best.max(dot / (r_norm * g_norm));
            }
        }
    }
    best
}

/// The face fontconfig gives for `family`: (file, index in the collection).
pub fn face_file(family: &str) -> (PathBuf, u32) {
    let out = tool(
        "fc-match",
        &[
            "-f".as_ref(),
            "%{family[0]}\t%{file}\t%{index}".as_ref(),
            family.as_ref(),
        ],
    );
    let fields: Vec<&str> = out.split('\t').collect();
    assert_eq!(
        fields[0], family,
        "fontconfig has no {family}: install the client tier with {}",
        INSTALL_CLIENTS
    );
    (PathBuf::from(fields[1]), fields[2].trim().parse().unwrap())
}

/// The words poppler finds on each page, with their boxes in points: (page from 1, text, box).
pub fn words(pdf: &Path) -> Vec<(usize, String, Rect)> {
    let xhtml = tool(
        "pdftotext",
        &["-bbox-layout".as_ref(), pdf.as_os_str(), "-".as_ref()],
    );
    let options = roxmltree::ParsingOptions {
        allow_dtd: true,
        ..Default::default()
    };
    let doc = Document::parse_with_options(&xhtml, options).expect("pdftotext's XHTML");
    let mut out = Vec::new();
    for (p, page) in doc
        .descendants()
        .filter(|n| n.has_tag_name("page"))
        .enumerate()
    {
        for w in page.descendants().filter(|n| n.has_tag_name("word")) {
            let num = |a: &str| w.attribute(a).unwrap().parse::<f64>().unwrap();
            let text = w.text().unwrap_or("").to_string();
            out.push((
                p + 1,
                text,
                (num("xMin"), num("yMin"), num("xMax"), num("yMax")),
            ));
        }
    }
    out
}

/// Headless chromium with a profile in `dir`; its standard output.
pub fn chromium(dir: &Dir, args: &[&std::ffi::OsStr]) -> String {
    let profile = dir.join("chromium-profile");
    output(
        Command::new(client("chromium"))
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--hide-scrollbars",
            ])
            .arg(format!("--user-data-dir={}", profile.display()))
            .args(args),
    )
}

/// The headings of the report, and each table's figures as the Word table shows them.
pub fn headings_and_figures(st: &Statement) -> (Vec<&'static str>, Vec<Vec<String>>) {
    let headings = report_gen::format::SECTIONS
        .iter()
        .map(|s| s.heading)
        .collect();
    let figures = Table::ALL
        .iter()
        .map(|t| {
            t.layout()
                .cells
                .iter()
                .filter_map(|p| match p.content {
                    Content::Data(id) => Some(st.figures.get(id).to_string()),
                    _ => None,
                })
                .collect()
        })
        .collect();
    (headings, figures)
}

/// The PDF's text holds every heading in order, and between a table's heading and the next,
/// every figure of the table in order (as a subsequence of the numbers on those pages).
pub fn assert_pdf_text(pdf: &Path, st: &Statement) {
    let text = tool(
        "pdftotext",
        &["-layout".as_ref(), pdf.as_os_str(), "-".as_ref()],
    );
    let squashed: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    let (headings, figures) = headings_and_figures(st);
    let mut at = Vec::new();
    let mut from = 0;
    for h in &headings {
        let i = squashed[from..]
            .find(h)
            .unwrap_or_else(|| panic!("{h} missing or out of order in {}", pdf.display()));
        from += i + h.len();
        at.push(from);
    }
    at.push(squashed.len());
    // The lines of `text` between two headings: find them in the unsquashed text by line.
    for (t, table) in Table::ALL.iter().enumerate() {
        let section = report_gen::format::SECTIONS
            .iter()
            .position(|s| s.id == table.section().id)
            .expect("section");
        let start = text.find(headings[section]).expect("heading on one line");
        let end = headings
            .get(section + 1)
            .and_then(|h| text.find(h))
            .unwrap_or(text.len());
        let numbers: Vec<&str> = text[start..end]
            .split(|c: char| !(c.is_ascii_digit() || c == '.'))
            .map(|s| s.trim_matches('.'))
            .filter(|s| !s.is_empty())
            .collect();
        let mut it = numbers.iter();
        for (k, f) in figures[t].iter().enumerate() {
            assert!(
                it.any(|n| n == f),
                "{table:?}: figure #{k} ({f}) missing or out of order in {}",
                pdf.display()
            );
        }
    }
}

/// Every font `pdffonts` lists in the PDF is embedded.
pub fn assert_fonts_embedded(pdf: &Path) {
    let out = tool("pdffonts", &[pdf.as_os_str()]);
    let rows: Vec<&str> = out.lines().skip(2).collect();
    assert!(!rows.is_empty(), "{out}");
    for row in rows {
        // name type encoding emb sub uni object ID: emb is the fifth column from the end.
        let cols: Vec<&str> = row.split_whitespace().collect();
        assert_eq!(cols[cols.len() - 5], "yes", "font not embedded: {row}");
    }
}

/// The Chinese text of the PDF is set in Simplified Chinese forms, in the face the warnings
/// name. `pdffonts` cannot tell: the faces of a Noto CJK collection share one CFF table, and
/// LibreOffice names the embedded font after it (`NotoSerifCJKjp-Regular-VKana` for the SC
/// face too). So the glyphs are compared: a character whose Japanese form differs, cut from
/// poppler's rendering, must match the face the warning names (drawn here by ab_glyph from
/// the font file) and not the Japanese face. Japanese forms come from the language the text is
/// shaped in more than from the face: the report with eastAsia ja-JP fails here, though
/// `pdffonts` lists the same fonts.
pub fn assert_simplified_forms(pdf: &Path, warnings: &str) {
    use report_gen::format::SECTIONS;
    use report_gen::typography::{BODY, HEADING1};
    let words = words(pdf);
    // (font, a character whose JP form differs, the JP face, whether to look in headings).
    for (font, ch, japanese, heading) in [
        (BODY, '门', "Noto Serif CJK JP", false),
        (HEADING1, '复', "Noto Sans CJK JP", true),
    ] {
        let face = font.east_asia;
        // The face the PDF uses: the one the warning names, or the named face when installed.
        let used = warnings
            .split(&format!("本机未安装“{face}”，以同类字体“"))
            .nth(1)
            .and_then(|rest| rest.split('”').next())
            .unwrap_or(face);
        let (file, index) = face_file(used);
        let expected = draw_glyph(&file, index, ch, font.size);
        let (file, index) = face_file(japanese);
        let wrong = draw_glyph(&file, index, ch, font.size);
        // The first line holding `ch` where either form is found: lines in another face or
        // size match neither.
        let (right_score, wrong_score) = words
            .iter()
            .filter(|(_, text, _)| {
                text.contains(ch) && (!heading || SECTIONS.iter().any(|s| s.heading.contains(text)))
            })
            .map(|(page, _, rect)| {
                let region = render_region(pdf, *page, *rect);
                (best_match(&region, &expected), best_match(&region, &wrong))
            })
            .find(|(right, wrong)| right.max(*wrong) > 0.9)
            .unwrap_or_else(|| panic!("{}: no {ch} in {used} or {japanese}", pdf.display()));
        assert!(
            right_score > wrong_score + 0.1,
            "{}: {ch} in {face} has not {used}'s form (match {right_score:.3}; \
             {japanese}: {wrong_score:.3})",
            pdf.display()
        );
    }
}

/// The merges python-docx reported for one table.
pub fn merges(table: &Value) -> Vec<(u64, u64, u64, u64)> {
    table["merges"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|m| {
            let n = |k: &str| m[k].as_u64().unwrap_or(u64::MAX);
            (n("row"), n("col"), n("rowspan"), n("colspan"))
        })
        .collect()
}
