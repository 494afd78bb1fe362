//! Characters: what the outputs can hold (XML 1.0) and what the official fonts can show
//! (GB2312), and the invisible control characters pasted text brings along.

// Cells, bytes and text come from the input: no indexing or slicing that can panic.
#![deny(clippy::indexing_slicing)]

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

#[cfg(test)]
mod tests {
    use super::*;

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
}
