//! Figures typed as text: “12”, “１２”, “ 3 ”, “1,234”, “0.5”; placeholders (“/”, “—”, “无”).

// Cells, bytes and text come from the input: no indexing or slicing that can panic.
#![deny(clippy::indexing_slicing)]

use crate::label::nfkc;

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
pub fn parse(s: &str) -> Parsed {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_typed_as_text() {
        assert_eq!(parse("12"), Parsed::Number(12.0));
        assert_eq!(parse("１２"), Parsed::Number(12.0));
        assert_eq!(parse(" 3 "), Parsed::Number(3.0));
        assert_eq!(parse("1,234"), Parsed::Number(1234.0));
        assert_eq!(parse("１，２３４"), Parsed::Number(1234.0));
        assert_eq!(parse("0.35"), Parsed::Number(0.35));
        assert_eq!(parse("-2"), Parsed::Number(-2.0));
        assert_eq!(parse(""), Parsed::Blank);
        assert_eq!(parse("/"), Parsed::Blank);
        assert_eq!(parse("无"), Parsed::Blank);
        assert_eq!(parse("1,2"), Parsed::NotANumber);
        assert_eq!(parse("十二"), Parsed::NotANumber);
        assert_eq!(parse("12%"), Parsed::NotANumber);
        assert_eq!(parse("."), Parsed::NotANumber);
        assert_eq!(parse("1e5"), Parsed::NotANumber);
    }
}
