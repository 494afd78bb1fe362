//! Text as office staff type it: label keys for matching, numbers stored as text, widths.
//!
//! Published tables split labels over lines and cells, mix halfwidth and fullwidth punctuation,
//! and number their rows “1.” or “1、”. Labels are compared by [`key`]: NFKC, no whitespace, no
//! punctuation, no leading enumeration (reference: "match labels after NFKC normalisation and
//! after removing whitespace and line breaks").

// Cells, bytes and text come from the input: no indexing or slicing that can panic.
#![deny(clippy::indexing_slicing)]

use unicode_normalization::UnicodeNormalization;

/// Matching key of a label: NFKC, each line's leading enumeration removed, then only letters,
/// digits and CJK characters kept.
pub fn key(s: &str) -> String {
    let nfkc = nfkc(s);
    let mut out = String::with_capacity(nfkc.len());
    for line in nfkc.split(['\n', '\r']) {
        for ch in strip_enumeration(line.trim()).chars() {
            let kept = match ch {
                '\u{4E00}'..='\u{9FFF}' => true,
                _ if ch.is_ascii() => ch.is_ascii_alphanumeric(),
                _ => ch.is_alphanumeric(),
            };
            if kept {
                out.push(ch);
            }
        }
    }
    out
}

/// NFKC of `s`. Labels and figures are almost always CJK ideographs, ASCII and fullwidth forms,
/// which NFKC leaves alone or maps one to one; those are mapped here directly, and only other
/// text goes through the full normalisation (the reader keys every text cell of a workbook).
pub fn nfkc(s: &str) -> std::borrow::Cow<'_, str> {
    let simple = |c: char| match c {
        '\u{4E00}'..='\u{9FFF}'
        | '、'
        | '。'
        | '“'
        | '”'
        | '‘'
        | '’'
        | '—'
        | '《'
        | '》'
        | '〔'
        | '〕'
        | '【'
        | '】' => Some(c),
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0),
        '\u{3000}' => Some(' '),
        _ if c.is_ascii() => Some(c),
        _ => None,
    };
    if s.chars().all(|c| simple(c) == Some(c)) {
        return s.into();
    }
    match s.chars().map(simple).collect::<Option<String>>() {
        Some(mapped) => mapped.into(),
        None => s.nfkc().collect::<String>().into(),
    }
}

/// Removes a leading “一、”, “（一）”, “(1)”, “1.”, “1、” or “1．” from a line.
fn strip_enumeration(line: &str) -> &str {
    let numeral = |c: char| is_numeral(c);
    let t = line.trim_start();
    // （一） / (1): NFKC has turned fullwidth parentheses into ASCII ones.
    if let Some(rest) = t.strip_prefix('(') {
        if let Some(close) = rest.find(')') {
            let inner = &rest[..close];
            if !inner.is_empty() && inner.chars().all(numeral) {
                return rest[close + 1..].trim_start();
            }
        }
        return t;
    }
    let digits_end = t.find(|c: char| !numeral(c)).unwrap_or(t.len());
    if digits_end == 0 {
        return t;
    }
    let rest = &t[digits_end..];
    match rest.chars().next() {
        Some(sep @ ('、' | '.' | '．' | '。' | ',' | ' ')) => {
            rest[sep.len_utf8()..].trim_start()
        }
        _ => t,
    }
}

/// Whether `c` numbers a label: 一 … 十 or an ASCII digit.
pub fn is_numeral(c: char) -> bool {
    matches!(
        c,
        '一' | '二' | '三' | '四' | '五' | '六' | '七' | '八' | '九' | '十'
    ) || c.is_ascii_digit()
}

/// How a cell's text reads as a statistics figure.
#[derive(Debug, Clone, PartialEq)]
pub enum Parsed {
    /// A number.
    Number(f64),
    /// Nothing, or a placeholder such as “/”, “—” or “无” (read as 0 with a warning).
    Blank,
    /// Not a number.
    NotANumber,
}

/// Parses a figure typed as text: “12”, “１２”, “ 3 ”, “1,234”, “0.5”; placeholders are blank.
pub fn parse_number(s: &str) -> Parsed {
    // Most text cells are labels and narrative: a CJK ideograph other than 无 first is no number.
    if let Some(c) = s.trim_start().chars().next() {
        if ('\u{4E00}'..='\u{9FFF}').contains(&c) && c != '无' {
            return Parsed::NotANumber;
        }
    }
    let t: String = nfkc(s).chars().filter(|c| !c.is_whitespace()).collect();
    if t.is_empty() || matches!(t.as_str(), "/" | "-" | "—" | "——" | "–" | "无" | "\\") {
        return Parsed::Blank;
    }
    // Thousands separators only in their proper places: “1,234” yes, “1,2” no.
    let plain = if t.contains(',') {
        let int = t.split('.').next().unwrap_or("");
        let int = int.strip_prefix(['-', '+']).unwrap_or(int);
        let mut groups = int.split(',');
        let ok = groups.next().is_some_and(|g| (1..=3).contains(&g.len()))
            && groups.all(|g| g.len() == 3);
        if !ok {
            return Parsed::NotANumber;
        }
        t.replace(',', "")
    } else {
        t
    };
    let valid = {
        let body = plain.strip_prefix(['-', '+']).unwrap_or(&plain);
        let mut parts = body.splitn(2, '.');
        let int = parts.next().unwrap_or("");
        let frac = parts.next();
        !(int.is_empty() && frac.is_none_or(str::is_empty))
            && int.chars().all(|c| c.is_ascii_digit())
            && frac.is_none_or(|f| f.chars().all(|c| c.is_ascii_digit()))
    };
    if !valid {
        return Parsed::NotANumber;
    }
    plain
        .parse::<f64>()
        .map_or(Parsed::NotANumber, Parsed::Number)
}

/// Display width of text in a monospace grid: East Asian wide characters count 2.
pub fn display_width(s: &str) -> usize {
    s.chars().map(|c| if is_wide(c) { 2 } else { 1 }).sum()
}

/// Whether a character is East Asian wide or fullwidth (CJK, fullwidth forms, CJK punctuation).
pub fn is_wide(c: char) -> bool {
    matches!(c as u32,
        0x1100..=0x115F | 0x2E80..=0x303E | 0x3041..=0x33FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF
        | 0xA000..=0xA4CF | 0xAC00..=0xD7A3 | 0xF900..=0xFAFF | 0xFE30..=0xFE4F | 0xFF00..=0xFF60
        | 0xFFE0..=0xFFE6 | 0x20000..=0x3FFFD | 0x2014 | 0x201C | 0x201D)
}

/// Text with control characters (other than line breaks and tabs) and the characters XML 1.0
/// forbids (U+FFFE, U+FFFF) removed; CR LF becomes LF.
pub fn clean(s: &str) -> String {
    s.replace("\r\n", "\n")
        .chars()
        .filter(|&c| (!c.is_control() || c == '\n' || c == '\t') && xml_allowed(c))
        .collect()
}

/// Whether [`clean`] removes something from `s` that the user typed or pasted (control
/// characters other than line breaks and tabs, U+FFFE, U+FFFF).
pub fn has_hidden(s: &str) -> bool {
    s.chars()
        .any(|c| c != '\r' && (c.is_control() && c != '\n' && c != '\t' || !xml_allowed(c)))
}

/// Whether `c` is in GB2312, the character set of the official fonts (仿宋_GB2312, 楷体_GB2312):
/// ASCII, or a two-byte GBK code in GB2312's rows (lead 0xA1–0xF7, trail 0xA1–0xFE).
pub fn in_gb2312(c: char) -> bool {
    if c.is_ascii() {
        return true;
    }
    let mut buf = [0u8; 4];
    let (bytes, _, unmappable) = encoding_rs::GBK.encode(c.encode_utf8(&mut buf));
    match *bytes {
        [lead, trail] if !unmappable => {
            (0xA1..=0xF7).contains(&lead) && (0xA1..=0xFE).contains(&trail)
        }
        _ => false,
    }
}

/// Whether XML 1.0 allows `c` in a document: tab, line feed, carriage return, and everything
/// from U+0020 except the surrogates (which `char` cannot hold), U+FFFE and U+FFFF.
pub fn xml_allowed(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{FFFD}' | '\u{10000}'..)
}

/// Text that an XML 1.0 document can hold: forbidden characters removed (borrowed when there
/// are none). The document writers pass every text through it.
pub fn xml_safe(s: &str) -> std::borrow::Cow<'_, str> {
    if s.chars().all(xml_allowed) {
        s.into()
    } else {
        s.chars()
            .filter(|&c| xml_allowed(c))
            .collect::<String>()
            .into()
    }
}

/// How alike two texts are, from 0 (nothing shared) to 1 (the same): the Dice coefficient of
/// their character pairs, ignoring white space and digits (years and figures change every year
/// in a copied text). `None` when either has fewer than `min_chars` characters left.
pub fn similarity(a: &str, b: &str, min_chars: usize) -> Option<f64> {
    use std::collections::HashMap;
    let kept = |s: &str| -> Vec<char> {
        s.chars()
            .filter(|c| !c.is_whitespace() && !c.is_numeric())
            .collect()
    };
    let (a, b) = (kept(a), kept(b));
    // At least one pair each, so the denominator is never zero.
    let min = min_chars.max(2);
    if a.len() < min || b.len() < min {
        return None;
    }
    let mut pairs: HashMap<(char, char), i64> = HashMap::new();
    for w in a.windows(2) {
        if let [x, y] = w {
            *pairs.entry((*x, *y)).or_default() += 1;
        }
    }
    let mut shared = 0i64;
    for w in b.windows(2) {
        if let [x, y] = w {
            if let Some(n) = pairs.get_mut(&(*x, *y)) {
                if *n > 0 {
                    *n -= 1;
                    shared += 1;
                }
            }
        }
    }
    let total = (a.len() - 1 + b.len() - 1) as f64;
    Some(2.0 * shared as f64 / total)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn similarity_ignores_figures_and_needs_enough_text() {
        let a = "2025 年，我局主动公开政府信息 120 条，办理依申请公开 8 件，均按期答复。";
        let b = "2024 年，我局主动公开政府信息 95 条，办理依申请公开 11 件，均按期答复。";
        assert_eq!(similarity(a, b, 10), Some(1.0));
        let c = "今年新建政务公开专区两个，政策解读全部随文件同步发布，群众满意度明显提高。";
        let low = similarity(a, c, 10).expect("long enough");
        assert!(low < 0.3, "{low}");
        assert_eq!(similarity("无。", "无。", 10), None);
        assert_eq!(similarity("", "", 0), None);
    }

    #[test]
    fn keys_ignore_spacing_punctuation_and_numbering() {
        assert_eq!(key("商业 企业"), "商业企业");
        assert_eq!(key("社会公益\n组织"), "社会公益组织");
        assert_eq!(key("（三）不予公开"), "不予公开");
        assert_eq!(key("(三) 不予公开"), "不予公开");
        assert_eq!(key("1.属于国家秘密"), "属于国家秘密");
        assert_eq!(key("1、属于国家秘密"), "属于国家秘密");
        assert_eq!(key("１．属于国家秘密"), "属于国家秘密");
        assert_eq!(
            key("一、本年新收政府信息公开申请数量"),
            "本年新收政府信息公开申请数量"
        );
        assert_eq!(key("3.危及“三安全一稳定”"), "危及三安全一稳定");
        assert_eq!(key("第二十条第（一）项"), "第二十条第一项");
        assert_eq!(key("第二十条第(九)项"), "第二十条第九项");
        assert_eq!(key("本年收费金额（单位：万元）"), "本年收费金额单位万元");
        assert_eq!(key("三安全"), "三安全");
        assert_eq!(key("结\n果\n维\n持"), "结果维持");
    }

    #[test]
    fn the_quick_nfkc_agrees_with_unicode_normalization() {
        for s in [
            "（三）不予公开",
            "１．属于国家秘密",
            "本年收费金额（单位：万元）",
            "3.危及“三安全一稳定”",
            "　商业\n企业 ",
            "ＡＢＣ１２３，：；",
            "㈠ ① ﬁ ㎡ Ⅻ",
            "2024年度",
        ] {
            let full: String = s.nfkc().collect();
            assert_eq!(nfkc(s), full, "{s}");
        }
    }

    #[test]
    fn numbers_typed_as_text() {
        assert_eq!(parse_number("12"), Parsed::Number(12.0));
        assert_eq!(parse_number("１２"), Parsed::Number(12.0));
        assert_eq!(parse_number(" 3 "), Parsed::Number(3.0));
        assert_eq!(parse_number("1,234"), Parsed::Number(1234.0));
        assert_eq!(parse_number("１，２３４"), Parsed::Number(1234.0));
        assert_eq!(parse_number("0.35"), Parsed::Number(0.35));
        assert_eq!(parse_number("-2"), Parsed::Number(-2.0));
        assert_eq!(parse_number(""), Parsed::Blank);
        assert_eq!(parse_number("/"), Parsed::Blank);
        assert_eq!(parse_number("无"), Parsed::Blank);
        assert_eq!(parse_number("1,2"), Parsed::NotANumber);
        assert_eq!(parse_number("十二"), Parsed::NotANumber);
        assert_eq!(parse_number("12%"), Parsed::NotANumber);
        assert_eq!(parse_number("."), Parsed::NotANumber);
        assert_eq!(parse_number("1e5"), Parsed::NotANumber);
    }

    #[test]
    fn text_keeps_only_what_xml_allows() {
        assert_eq!(
            clean("a\u{1}b\u{7}c\r\nd\te\u{FFFE}f\u{FFFF}"),
            "abc\nd\tef"
        );
        assert_eq!(clean("𠀀㐀😀"), "𠀀㐀😀");
        assert_eq!(xml_safe("a\u{0}b\u{1F}c\u{FFFF}"), "abc");
        assert!(matches!(xml_safe("总计"), std::borrow::Cow::Borrowed(_)));
        assert!(!xml_allowed('\u{B}') && xml_allowed('\u{E000}') && xml_allowed('\u{10FFFF}'));
        assert!(has_hidden("a\u{1}") && has_hidden("\u{FFFF}") && !has_hidden("a\r\nb\tc"));
    }

    #[test]
    fn gb2312_is_the_official_fonts_set() {
        for c in "伊美区教育局（一）、，。“”—0aＡ１".chars() {
            assert!(in_gb2312(c), "{c}");
        }
        for c in "𠀀㐀😀镕堃喆".chars() {
            assert!(!in_gb2312(c), "{c}");
        }
    }

    #[test]
    fn widths_count_chinese_double() {
        assert_eq!(display_width("总计"), 4);
        assert_eq!(display_width("a1"), 2);
        assert_eq!(display_width("（一）"), 6);
    }
}
