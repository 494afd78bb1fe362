//! Labels as office staff type them: the keys they are matched by, and Chinese numbering.
//!
//! Published tables split labels over lines and cells, mix halfwidth and fullwidth punctuation,
//! and number their rows “1.” or “1、”. Labels are compared by [`key`]: NFKC, no whitespace, no
//! punctuation, no leading numbering (reference: "match labels after NFKC normalisation and
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
        for ch in strip_numbering(line.trim()).chars() {
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

/// A line without its leading numbering: “一、”, “（一）”, “(1)”, “1.”, “1、”, “１．”.
pub fn strip_numbering(line: &str) -> &str {
    let t = line.trim_start();
    let numeral = |c: char| is_numeral(c) || ('０'..='９').contains(&c);
    for (open, close) in [('（', '）'), ('(', ')')] {
        if let Some(rest) = t.strip_prefix(open) {
            let inner = rest
                .find(close)
                .and_then(|end| Some((rest.get(..end)?, end)));
            return match inner {
                Some((n, end)) if !n.is_empty() && n.chars().all(numeral) => rest
                    .get(end + close.len_utf8()..)
                    .unwrap_or("")
                    .trim_start(),
                _ => t,
            };
        }
    }
    let end = t.find(|c: char| !numeral(c)).unwrap_or(t.len());
    if end == 0 {
        return t;
    }
    let rest = t.get(end..).unwrap_or("");
    match rest.chars().next() {
        Some(sep @ ('、' | '.' | '．' | '。' | ',' | '，' | ' ')) => {
            rest.get(sep.len_utf8()..).unwrap_or("").trim_start()
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

/// A number in Chinese numerals, up to 99: 六, 十二, 二十一 (the sub-headings （一）（二） and the
/// templates' `cn` filter).
pub fn chinese_numeral(n: u32) -> String {
    const DIGITS: [&str; 10] = ["零", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    let digit = |d: u32| DIGITS.get(d as usize).copied().unwrap_or("");
    match n {
        0..=9 => digit(n).to_string(),
        10 => "十".to_string(),
        11..=19 => format!("十{}", digit(n % 10)),
        20..=99 if n.is_multiple_of(10) => format!("{}十", digit(n / 10)),
        20..=99 => format!("{}十{}", digit(n / 10), digit(n % 10)),
        _ => n.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn numbering_is_stripped_in_any_width() {
        assert_eq!(
            strip_numbering("（一）政府信息主动公开情况"),
            "政府信息主动公开情况"
        );
        assert_eq!(
            strip_numbering("(二) 依法规范依申请公开"),
            "依法规范依申请公开"
        );
        assert_eq!(strip_numbering("三、平台建设"), "平台建设");
        assert_eq!(strip_numbering("1.主动公开"), "主动公开");
        assert_eq!(strip_numbering("１．主动公开"), "主动公开");
        assert_eq!(strip_numbering("主动公开"), "主动公开");
        assert_eq!(strip_numbering("三安全"), "三安全");
        assert_eq!(strip_numbering("(本列)"), "(本列)");
    }

    #[test]
    fn chinese_numerals() {
        let got: Vec<String> = [1, 6, 10, 11, 20, 21, 99, 100].map(chinese_numeral).into();
        assert_eq!(
            got,
            ["一", "六", "十", "十一", "二十", "二十一", "九十九", "100"]
        );
    }
}
