//! Typography, in one place: GB/T 9704-2012 for the Word report (reference §7) and the fonts of
//! the Excel workbooks. Writers read these values; none types a font name or a size itself.

/// Points per millimetre-based twip conversions: 1 mm = 1440 / 25.4 twips.
pub fn mm_to_twips(mm: f64) -> u32 {
    (mm * 1440.0 / 25.4).round() as u32
}

/// A4 page width in twips (210 mm).
pub const PAGE_WIDTH: u32 = 11906;
/// A4 page height in twips (297 mm).
pub const PAGE_HEIGHT: u32 = 16838;
/// Margins in millimetres: top 37, bottom 35, left 28, right 26 (版心 156 × 225 mm).
pub const MARGINS_MM: Margins = Margins {
    top: 37.0,
    bottom: 35.0,
    left: 28.0,
    right: 26.0,
};
/// Distance of the footer (page number) from the page edge, mm: the 一字线 sits 7 mm below the
/// text block, whose lower edge is 35 mm above the page edge.
pub const FOOTER_MM: f64 = 28.0 - 7.0 + 3.0;

/// Page margins in millimetres.
#[derive(Debug, Clone, Copy)]
pub struct Margins {
    /// Top (天头).
    pub top: f64,
    /// Bottom.
    pub bottom: f64,
    /// Left (订口).
    pub left: f64,
    /// Right.
    pub right: f64,
}

/// Width of the text block in twips (156 mm).
pub fn text_width() -> u32 {
    PAGE_WIDTH - mm_to_twips(MARGINS_MM.left) - mm_to_twips(MARGINS_MM.right)
}

/// A font with its East Asian face, its Latin face and its size.
#[derive(Debug, Clone, Copy)]
pub struct Font {
    /// East Asian face as Word names it.
    pub east_asia: &'static str,
    /// Face for digits and Latin letters.
    pub latin: &'static str,
    /// Size in points.
    pub size: f64,
    /// Bold.
    pub bold: bool,
}

impl Font {
    /// Size in half-points (Word's w:sz).
    pub fn half_points(&self) -> usize {
        (self.size * 2.0).round() as usize
    }
}

/// Digits and Latin text everywhere in the report.
pub const LATIN: &str = "Times New Roman";

/// The report's languages, `(Latin text, East Asian text)`: what Word writes for a document
/// typed on a Simplified Chinese system, so that every client picks Simplified Chinese forms.
pub const LANGUAGES: (&str, &str) = ("en-US", "zh-CN");

/// A regular (not bold) face of the report: the East Asian face with Times New Roman.
const fn face(east_asia: &'static str, size: f64) -> Font {
    Font {
        east_asia,
        latin: LATIN,
        size,
        bold: false,
    }
}

/// Title: 方正小标宋简体 二号 (22 pt).
pub const TITLE: Font = face("方正小标宋简体", 22.0);
/// Body: 仿宋_GB2312 三号 (16 pt).
pub const BODY: Font = face("仿宋_GB2312", 16.0);
/// Level-1 headings “一、”: 黑体 三号.
pub const HEADING1: Font = face("黑体", 16.0);
/// Level-2 headings “（一）”: 楷体_GB2312 三号.
pub const HEADING2: Font = face("楷体_GB2312", 16.0);
/// Tables: 宋体 五号 (10.5 pt), single spacing.
pub const TABLE: Font = face("宋体", 10.5);
/// Page numbers “— N —”: 宋体 四号 (14 pt).
pub const PAGE_NUMBER: Font = Font {
    east_asia: "宋体",
    latin: "宋体",
    size: 14.0,
    bold: false,
};

/// Exact line pitch of body text, points (22 lines over the 225 mm text block ≈ 29 pt; offices
/// use 28–29).
pub const LINE_PITCH_PT: f64 = 28.0;
/// First-line indent of body paragraphs, in characters.
pub const FIRST_LINE_CHARS: u32 = 2;

/// Every East Asian face the report uses, with its fallback on machines without it
/// (declared in the font table as w:altName).
pub const FONT_FALLBACKS: [(&str, &str); 5] = [
    ("方正小标宋简体", "宋体"),
    ("仿宋_GB2312", "仿宋"),
    ("楷体_GB2312", "楷体"),
    ("黑体", "SimHei"),
    ("宋体", "SimSun"),
];

/// The style class of a Chinese face. GB/T 9704 names styles (宋体, 仿宋体, 黑体, 楷体), not
/// font products, so a missing face is replaced by a face of its class.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Class {
    /// 宋体 and 小标宋: serif.
    Song,
    /// 仿宋: serif.
    Fang,
    /// 黑体: sans-serif.
    Hei,
    /// 楷体: brush.
    Kai,
}

impl Class {
    /// A free face of this class with Simplified Chinese forms, as fontconfig names it (Debian:
    /// fonts-noto-cjk for Noto, fonts-arphic-ukai for UKai). There is no free 仿宋, so 仿宋 takes
    /// the serif face.
    pub fn free_face(self) -> &'static str {
        match self {
            Class::Song | Class::Fang => "Noto Serif CJK SC",
            Class::Hei => "Noto Sans CJK SC",
            Class::Kai => "AR PL UKai CN",
        }
    }

    /// The Windows faces of this class, by their English names (web pages: Windows and macOS
    /// browsers match these), then the free face and the CSS generic family.
    pub fn css_fallbacks(self) -> &'static [&'static str] {
        match self {
            Class::Song => &["SimSun", "STSong", "Noto Serif CJK SC", "serif"],
            Class::Fang => &["FangSong", "STFangsong", "Noto Serif CJK SC", "serif"],
            Class::Hei => &["SimHei", "STHeiti", "Noto Sans CJK SC", "sans-serif"],
            Class::Kai => &["KaiTi", "STKaiti", "AR PL UKai CN", "serif"],
        }
    }
}

/// The class of every East Asian face the report names.
pub const CLASSES: [(&str, Class); 5] = [
    ("方正小标宋简体", Class::Song),
    ("仿宋_GB2312", Class::Fang),
    ("黑体", Class::Hei),
    ("楷体_GB2312", Class::Kai),
    ("宋体", Class::Song),
];

/// The class of a face the report names.
pub fn class(east_asia: &str) -> Option<Class> {
    CLASSES
        .iter()
        .find(|(name, _)| *name == east_asia)
        .map(|&(_, c)| c)
}

/// A CSS `font-family` value for a font: the Latin face first (Latin faces have no Chinese
/// glyphs, so Chinese falls through to the next), the face the Word report names, its Word
/// fallback, then the faces of its class.
pub fn css_family(f: &Font) -> String {
    let word_fallback = FONT_FALLBACKS
        .iter()
        .find(|(name, _)| *name == f.east_asia)
        .map(|&(_, alt)| alt);
    let class = class(f.east_asia).map_or(&[][..], Class::css_fallbacks);
    let mut names: Vec<&str> = vec![f.latin, f.east_asia];
    names.extend(word_fallback);
    names.extend(class.iter().copied());
    names.dedup();
    names
        .iter()
        .map(|n| match *n {
            "serif" | "sans-serif" => (*n).to_string(),
            n => format!("'{n}'"),
        })
        .collect::<Vec<_>>()
        .join(",")
}

/// Excel workbooks: table font.
pub const XLSX_TABLE: Font = Font {
    east_asia: "宋体",
    latin: "宋体",
    size: 11.0,
    bold: false,
};
/// Excel workbooks: sheet titles.
pub const XLSX_TITLE: Font = Font {
    east_asia: "宋体",
    latin: "宋体",
    size: 14.0,
    bold: true,
};
/// Excel workbooks: instruction blocks.
pub const XLSX_NOTE: Font = Font {
    east_asia: "仿宋",
    latin: "仿宋",
    size: 11.0,
    bold: false,
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_block_is_156_mm() {
        let w = text_width();
        assert!((8840..=8850).contains(&w), "{w}");
        assert_eq!(BODY.half_points(), 32);
        assert_eq!(TABLE.half_points(), 21);
    }

    #[test]
    fn every_face_of_the_report_has_a_class() {
        for f in [TITLE, BODY, HEADING1, HEADING2, TABLE, PAGE_NUMBER] {
            assert!(class(f.east_asia).is_some(), "{}", f.east_asia);
        }
        assert_eq!(
            css_family(&HEADING1),
            "'Times New Roman','黑体','SimHei','STHeiti','Noto Sans CJK SC',sans-serif"
        );
    }
}
