//! Tests of the tree, its parser and writer: against the quick-xml based parser they replace
//! (kept here as `reference`), and the parse for `finish` against the plain tree algorithms.

use super::tree::*;
use super::*;

// ---------------------------------------------------------------------------------------
// The parser this module replaced, as the reference: the same events, errors and tree.

mod reference {
    use super::super::tree::{is_xml_space, Attrs, XDoc, XElement, XNode, XText};
    use super::super::{OoxmlError, DEFAULT_DECL, MAX_DEPTH};
    use quick_xml::events::{BytesStart, Event};
    use quick_xml::{Reader, XmlVersion};
    use std::borrow::Cow;

    type Scope = Vec<(String, String)>;

    fn canonical_key(qname: &str, scope: &Scope) -> String {
        let (prefix, local) = match qname.split_once(':') {
            Some((p, l)) => (Some(p), l),
            None => (None, qname),
        };
        let uri = scope
            .iter()
            .rev()
            .find(|(p, _)| p == prefix.unwrap_or(""))
            .map(|(_, u)| u.as_str());
        match uri {
            Some(uri) => match super::super::KNOWN_NS.iter().find(|(_, u)| *u == uri) {
                Some((p, _)) => format!("{p}:{local}"),
                None if uri.is_empty() => local.to_string(),
                None => format!("{{{uri}}}{local}"),
            },
            None => qname.to_string(),
        }
    }

    fn namespace_decls(
        start: &BytesStart<'_>,
        malformed: &impl Fn(u64, String) -> OoxmlError,
        position: u64,
    ) -> Result<Scope, OoxmlError> {
        let mut out = Vec::new();
        for attr in start.attributes() {
            let attr = attr.map_err(|e| malformed(position, e.to_string()))?;
            let key = std::str::from_utf8(attr.key.as_ref())
                .map_err(|e| malformed(position, e.to_string()))?;
            let prefix = if key == "xmlns" {
                ""
            } else if let Some(p) = key.strip_prefix("xmlns:") {
                p
            } else {
                continue;
            };
            let value = attr
                .normalized_value(XmlVersion::Implicit1_0)
                .map_err(|e| malformed(position, e.to_string()))?;
            out.push((prefix.to_string(), value.into_owned()));
        }
        Ok(out)
    }

    fn element_from(
        start: &BytesStart<'_>,
        scope: &Scope,
        malformed: &impl Fn(u64, String) -> OoxmlError,
        position: u64,
    ) -> Result<XElement<'static>, OoxmlError> {
        let name = std::str::from_utf8(start.name().as_ref())
            .map_err(|e| malformed(position, e.to_string()))?
            .to_string();
        let mut attrs = Vec::new();
        for attr in start.attributes() {
            let attr = attr.map_err(|e| malformed(position, e.to_string()))?;
            let key = std::str::from_utf8(attr.key.as_ref())
                .map_err(|e| malformed(position, e.to_string()))?
                .to_string();
            let value = attr
                .normalized_value(XmlVersion::Implicit1_0)
                .map_err(|e| malformed(position, e.to_string()))?
                .into_owned();
            attrs.push((Cow::Owned(key), Cow::Owned(value)));
        }
        Ok(XElement {
            key: super::super::tree::Key::new(Cow::Owned(canonical_key(&name, scope))),
            name: Cow::Owned(name),
            attrs: Attrs::list(attrs),
            children: Vec::new(),
        })
    }

    fn text_of<'n>(node: &'n XNode<'_>) -> Option<&'n str> {
        match node {
            XNode::Text(t) => Some(t.as_str()),
            _ => None,
        }
    }

    pub(super) fn parse(part: &str, bytes: &[u8]) -> Result<XDoc<'static>, OoxmlError> {
        let malformed = |position: u64, message: String| OoxmlError::MalformedXml {
            part: part.to_string(),
            position,
            message,
        };
        let text = std::str::from_utf8(bytes)
            .map_err(|e| malformed(e.valid_up_to() as u64, "not UTF-8".into()))?;
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let mut reader = Reader::from_str(text);
        let mut decl: Option<String> = None;
        let mut prolog = Vec::new();
        let mut root: Option<XElement<'static>> = None;
        let mut stack: Vec<XElement<'static>> = Vec::new();
        let mut scope: Scope = vec![(
            "xml".to_string(),
            "http://www.w3.org/XML/1998/namespace".to_string(),
        )];
        let mut pushed: Vec<usize> = Vec::new();
        loop {
            let position = reader.buffer_position();
            let event = reader
                .read_event()
                .map_err(|e| malformed(reader.error_position(), e.to_string()))?;
            let node = match event {
                Event::Eof => break,
                Event::Decl(d) => {
                    if decl.is_some() || root.is_some() || !stack.is_empty() || !prolog.is_empty() {
                        return Err(malformed(position, "misplaced XML declaration".into()));
                    }
                    if let Some(encoding) = d.encoding() {
                        let encoding = encoding.map_err(|e| malformed(position, e.to_string()))?;
                        if !encoding.eq_ignore_ascii_case(b"utf-8") {
                            return Err(malformed(position, "encoding other than UTF-8".into()));
                        }
                    }
                    decl = Some(String::from_utf8_lossy(&d).into_owned());
                    continue;
                }
                Event::DocType(_) => {
                    return Err(malformed(position, "DTDs are not allowed in OOXML".into()))
                }
                Event::Start(start) => {
                    if stack.len() >= MAX_DEPTH {
                        return Err(malformed(position, "elements nested too deeply".into()));
                    }
                    let decls = namespace_decls(&start, &malformed, position)?;
                    pushed.push(decls.len());
                    scope.extend(decls);
                    stack.push(element_from(&start, &scope, &malformed, position)?);
                    continue;
                }
                Event::Empty(start) => {
                    let decls = namespace_decls(&start, &malformed, position)?;
                    let count = decls.len();
                    scope.extend(decls);
                    let element = element_from(&start, &scope, &malformed, position);
                    scope.truncate(scope.len() - count);
                    XNode::Element(element?)
                }
                Event::End(_) => {
                    let mut element = stack
                        .pop()
                        .ok_or_else(|| malformed(position, "unmatched end tag".into()))?;
                    let count = pushed.pop().unwrap_or(0);
                    scope.truncate(scope.len().saturating_sub(count));
                    if element
                        .children
                        .iter()
                        .any(|n| matches!(n, XNode::Element(_)))
                    {
                        element
                            .children
                            .retain(|n| !text_of(n).is_some_and(is_xml_space));
                    }
                    XNode::Element(element)
                }
                Event::Text(t) => XNode::Text(XText::Value(Cow::Owned(
                    t.xml10_content()
                        .map_err(|e| malformed(position, e.to_string()))?
                        .into_owned(),
                ))),
                Event::GeneralRef(r) => {
                    let resolved = match r
                        .resolve_char_ref()
                        .map_err(|e| malformed(position, e.to_string()))?
                    {
                        Some(c) => c.to_string(),
                        None => {
                            let name =
                                r.decode().map_err(|e| malformed(position, e.to_string()))?;
                            quick_xml::escape::resolve_predefined_entity(&name)
                                .ok_or_else(|| {
                                    malformed(position, format!("unknown entity &{name};"))
                                })?
                                .to_string()
                        }
                    };
                    XNode::Text(XText::Value(Cow::Owned(resolved)))
                }
                Event::CData(c) => XNode::CData(Cow::Owned(String::from_utf8_lossy(&c).into())),
                Event::Comment(c) => XNode::Comment(Cow::Owned(String::from_utf8_lossy(&c).into())),
                Event::PI(p) => XNode::Pi(Cow::Owned(String::from_utf8_lossy(&p).into())),
            };
            match stack.last_mut() {
                Some(parent) => match (parent.children.last_mut(), node) {
                    (Some(XNode::Text(prev)), XNode::Text(more)) => {
                        *prev =
                            XText::Value(Cow::Owned(format!("{}{}", prev.as_str(), more.as_str())));
                    }
                    (_, node) => parent.children.push(node),
                },
                None => match node {
                    XNode::Element(e) if root.is_none() => root = Some(e),
                    XNode::Element(_) => {
                        return Err(malformed(position, "more than one root element".into()))
                    }
                    XNode::Text(t) if is_xml_space(t.as_str()) => {}
                    XNode::Text(_) | XNode::CData(_) => {
                        return Err(malformed(position, "text outside the root element".into()))
                    }
                    other if root.is_none() => prolog.push(other),
                    _ => {}
                },
            }
        }
        if !stack.is_empty() {
            return Err(malformed(
                reader.buffer_position(),
                "unclosed element".into(),
            ));
        }
        let root = root.ok_or_else(|| malformed(0, "no root element".into()))?;
        Ok(XDoc {
            decl: Cow::Owned(decl.unwrap_or_else(|| DEFAULT_DECL.to_string())),
            prolog,
            root,
            arena: Vec::new(),
        })
    }
}

// ---------------------------------------------------------------------------------------
// Generated documents

/// xorshift: reproducible inputs without a dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    fn pick<'s>(&mut self, items: &[&'s str]) -> &'s str {
        items[self.below(items.len())]
    }
}

const NAMES: &[&str] = &[
    "w:p",
    "w:pPr",
    "w:rPr",
    "w:r",
    "w:t",
    "w:tbl",
    "w:tr",
    "w:trPr",
    "w:tc",
    "w:tcPr",
    "w:jc",
    "w:b",
    "w:sz",
    "w:szCs",
    "w:rFonts",
    "w:ind",
    "w:gridCol",
    "w:tblGrid",
    "w:tblPr",
    "w:style",
    "w:lvl",
    "w:docDefaults",
    "w:pPrDefault",
    "w:rPrDefault",
    "w:tblHeader",
    "w:cantSplit",
    "w:sectPr",
    "w:pgSz",
    "w:spacing",
    "w:keepNext",
    "x:foo",
    "foo",
    "w:pStyle",
    "y:jc",
    "w:tblStylePr",
    "w:body",
];
const ATTRS: &[&str] = &[
    "w:val",
    "w:firstLine",
    "w:type",
    "w:w",
    "w:left",
    "x:val",
    "val",
    "w:firstLineChars",
    "xml:space",
];
const VALUES: &[&str] = &[
    "640",
    " 640 ",
    "center",
    "dxa",
    "1 &amp; 2",
    "a&lt;b",
    "&#x41;",
    "&#65;",
    "q&quot;",
    "it's",
    "a\tb",
    "line\nbreak",
    "200",
    "",
    "a>b",
    "\r\n",
    "640",
    "dxa",
];
const BAD_VALUES: &[&str] = &["x&bogus;y", "a&b", "&#xZZ;", "<"];
const TEXTS: &[&str] = &[
    "hello",
    " ",
    "\n  ",
    "a &amp; b",
    "&lt;x&gt;",
    "&#x4E00;",
    "c > d",
    "\r\nx",
    "&#13;",
    "&#32;",
    "&apos;",
    "t]]>t",
    "中文",
];
const BAD_TEXTS: &[&str] = &["&#xZZ;", "&nbsp;", "a & b", "&#0;"];

fn gen_attrs(rng: &mut Rng, out: &mut String, bad: usize) {
    let mut used = Vec::new();
    for _ in 0..rng.below(4) {
        let name = rng.pick(ATTRS);
        if used.contains(&name) && rng.below(20) != 0 {
            continue;
        }
        used.push(name);
        let value = if rng.below(bad) == 0 {
            rng.pick(BAD_VALUES)
        } else {
            rng.pick(VALUES)
        };
        let sep = match rng.below(10) {
            0 => "\n",
            1 => "  ",
            2 => "\t",
            _ => " ",
        };
        if rng.below(8) == 0 {
            out.push_str(&format!("{sep}{name}='{}'", value.replace('\'', "&apos;")));
        } else {
            out.push_str(&format!("{sep}{name}=\"{}\"", value.replace('"', "&quot;")));
        }
    }
    match rng.below(40) {
        0 => out
            .push_str(r#" xmlns:x="http://schemas.openxmlformats.org/wordprocessingml/2006/main""#),
        1 => out.push_str(r#" xmlns:w="urn:other""#),
        2 => {
            out.push_str(r#" xmlns="http://schemas.openxmlformats.org/wordprocessingml/2006/main""#)
        }
        _ => {}
    }
}

fn gen_element(rng: &mut Rng, out: &mut String, depth: usize, pool: &mut Vec<String>, bad: usize) {
    if depth > 2 && !pool.is_empty() && rng.below(3) == 0 {
        let i = rng.below(pool.len());
        let again = pool[i].clone();
        out.push_str(&again);
        return;
    }
    let start = out.len();
    let name = rng.pick(NAMES);
    out.push('<');
    out.push_str(name);
    gen_attrs(rng, out, bad);
    if depth > 5 || rng.below(3) == 0 {
        out.push_str(if rng.below(2) == 0 { " />" } else { "/>" });
    } else {
        out.push('>');
        for _ in 0..rng.below(6) {
            match rng.below(12) {
                0 if rng.below(bad) == 0 => out.push_str(rng.pick(BAD_TEXTS)),
                0 => out.push_str(rng.pick(TEXTS)),
                1 => out.push_str("<!-- c -->"),
                2 => out.push_str("<![CDATA[<raw>]]>"),
                3 => out.push_str("<?pi data?>"),
                4 => out.push_str("\n  "),
                _ => gen_element(rng, out, depth + 1, pool, bad),
            }
        }
        out.push_str("</");
        out.push_str(name);
        if rng.below(10) == 0 {
            out.push(' ');
        }
        out.push('>');
    }
    if pool.len() < 20 {
        pool.push(out[start..].to_string());
    }
}

/// A random WordprocessingML-like part (`root` is `w:document`, `w:styles`…), valid unless
/// `bad` is small (one bad value or text in `bad`).
fn gen_part(rng: &mut Rng, root: &str, bad: usize) -> String {
    let mut out = String::new();
    if rng.below(2) == 0 {
        out.push_str(r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#);
    }
    if rng.below(6) == 0 {
        out.push_str("<!-- lead -->\n");
    }
    out.push_str(&format!(
        r#"<{root} xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:y="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>"#
    ));
    let mut pool = Vec::new();
    for _ in 0..rng.below(8) {
        if rng.below(3) == 0 {
            out.push_str(r#"<w:tbl><w:tblGrid><w:gridCol w:w="100" w:type="dxa" /></w:tblGrid>"#);
            for _ in 0..rng.below(4) {
                out.push_str("<w:tr>");
                match rng.below(3) {
                    0 => out.push_str("<w:trPr><w:cantSplit /><!-- k --></w:trPr>"),
                    1 => out.push_str("<w:trPr />"),
                    _ => {}
                }
                gen_element(rng, &mut out, 2, &mut pool, bad);
                out.push_str("<w:tc><w:p/></w:tc></w:tr>");
            }
            out.push_str("</w:tbl>");
        } else {
            gen_element(rng, &mut out, 1, &mut pool, bad);
        }
    }
    out.push_str(&format!("</w:body></{root}>"));
    if rng.below(8) == 0 {
        out.push_str("<!-- tail -->\n");
    }
    out
}

/// `part` made long enough that the parser remembers tags and elements (see `SMALL_PART`).
fn long(part: &str) -> String {
    let pad = "x".repeat(SMALL_PART);
    match part.strip_prefix("<?xml") {
        Some(_) => part.replacen("?>", &format!("?><!--{pad}-->"), 1),
        None => format!("<!--{pad}-->{part}"),
    }
}

/// Flips, drops or inserts a few bytes.
fn mutate(rng: &mut Rng, text: &str) -> Vec<u8> {
    let mut bytes = text.as_bytes().to_vec();
    let specials = b"<&>\"'= /!?;#x\r";
    for _ in 0..=rng.below(3) {
        if bytes.is_empty() {
            break;
        }
        let at = rng.below(bytes.len());
        let byte = specials[rng.below(specials.len())];
        match rng.below(3) {
            0 => bytes[at] = byte,
            1 => {
                bytes.remove(at);
            }
            _ => bytes.insert(at, byte),
        }
    }
    bytes
}

// ---------------------------------------------------------------------------------------
// The parser against the reference

fn same_parse(bytes: &[u8]) {
    let ours = parse_xml("t.xml", bytes).map_err(|e| e.to_string());
    let theirs = reference::parse("t.xml", bytes).map_err(|e| e.to_string());
    assert_eq!(ours, theirs, "{}", String::from_utf8_lossy(bytes));
    if let Ok(doc) = &ours {
        // Written the same too (the reference tree has every value unescaped).
        let theirs = theirs.as_ref().map(write_xml).unwrap_or_default();
        assert_eq!(write_xml(doc), theirs, "{}", String::from_utf8_lossy(bytes));
    }
}

#[test]
fn parser_matches_quick_xml_on_hand_picked_input() {
    let long = format!("<a>{}</a>", "<b/>".repeat(40));
    let deep = |n: usize| format!("{}{}", "<a>".repeat(n), "</a>".repeat(n));
    let cases: Vec<String> = [
        "<a/>",
        "<a />",
        "<a></a>",
        "<a> </a>",
        "<a> <b/> </a>",
        "<a>&#32;<b/></a>",
        "<a>x<!--c-->y<b/>z</a>",
        "\u{feff}<a/>",
        "\u{feff}\u{feff}<a/>",
        "\u{feff}\u{feff}\u{feff}<a/>",
        " \n<a/>\n ",
        "x<a/>",
        "<a/>x",
        "<a/><b/>",
        "<a/><b></b>",
        "<a/><!--c--><?p?>",
        "<!--c--><?p q?><a/>",
        "<?xml version='1.0'?><a/>",
        "<?xml version=\"1.0\" encoding=\"utf-16\"?><a/>",
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><?xml version=\"1.0\"?><a/>",
        "<a><?xml version=\"1.0\"?></a>",
        "<!DOCTYPE a><a/>",
        "<!doctype a><a/>",
        "<!-- x --><!DOCTYPE a [<!ENTITY e 'x'>]><a/>",
        "<a><![CDATA[x]]></a>",
        "<![CDATA[x]]><a/>",
        "<a><![CDATA[x]></a>",
        "<a><!- x --></a>",
        "<a><!-->--></a>",
        "<a><!---></a>",
        "<a><!--x--->y</a>",
        "<a><!x></a>",
        "<a><?></a>",
        "<a><??></a>",
        "<a>&amp;&lt;&gt;&quot;&apos;&#x41;&#65;</a>",
        "<a>&nbsp;</a>",
        "<a>&;</a>",
        "<a>&#;</a>",
        "<a>&#x;</a>",
        "<a>&#xD800;</a>",
        "<a>&#0;</a>",
        "<a>& b</a>",
        "<a>a&b&c;</a>",
        "<a>x&amp</a>",
        "<a>x&amp",
        "<a>\r\n\r</a>",
        "<a>\r&amp;\r</a>",
        "<a>]]></a>",
        "<a>x > y</a>",
        "<a b=\"1\"/>",
        "<a b='1'/>",
        "<a b=\"1\" c='2'/>",
        "<a b=\"1\"c=\"2\"/>",
        "<a b = \"1\"/>",
        "<a b=1/>",
        "<a b/>",
        "<a b=\"1\" b=\"2\"/>",
        "<a b=\"&amp;\"/>",
        "<a b=\"&bogus;\"/>",
        "<a b=\"x&y\"/>",
        "<a b=\"\t\n\r\"/>",
        "<a b=\"&#9;&#10;&#13;\"/>",
        "<a b=\"<\"/>",
        "<a b=\">\"/>",
        "<a b=\"'\"/>",
        "<a b='\"'/>",
        "<a b=\"1\" / >",
        "<a b=\"1\"\n/>",
        "<a\tb=\"1\"/>",
        "<a/ >",
        "<a/b/>",
        "< a/>",
        "<>",
        "<></>",
        "<",
        "<a",
        "<a b=\"1",
        "<a b='1",
        "<a></b>",
        "<a></a >",
        "<a></a\n>",
        "<a></ a>",
        "</a>",
        "<a>",
        "<a><b></a>",
        "<a:b xmlns:a=\"urn:x\"><a:c/></a:b>",
        "<a xmlns=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><pPr/></a>",
        "<w:a xmlns:w=\"urn:x\"><w:b xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:c/></w:b><w:c/></w:a>",
        "<a xmlns:w=\"a&amp;b\"><w:b/></a>",
        "<a xmlns=\"\"><b/></a>",
        "<x:a/>",
        "<a\"b c=\"d\"></a\"b>",
        "<a b=\"c\">\"</a>",
        "<a><b>text</b><b>text</b><b>text</b></a>",
        "",
        " ",
        "<!--c-->",
    ]
    .iter()
    .map(|s| s.to_string())
    .chain([long, deep(MAX_DEPTH), deep(MAX_DEPTH + 1)])
    .chain([format!("{}<b/>{}", "<a>".repeat(MAX_DEPTH), "</a>".repeat(MAX_DEPTH))])
    .collect();
    for case in &cases {
        same_parse(case.as_bytes());
    }
    same_parse(b"<a>\xff</a>");
    same_parse(b"<a b=\"\xc3\"/>");
}

#[test]
fn parser_matches_quick_xml_on_generated_input() {
    let mut rng = Rng(0x2545_f491_4f6c_dd1d);
    for round in 0..400 {
        let part = gen_part(
            &mut rng,
            "w:document",
            if round % 2 == 0 { 10_000 } else { 30 },
        );
        let part = if round % 4 < 2 { long(&part) } else { part };
        same_parse(part.as_bytes());
        same_parse(&mutate(&mut rng, &part));
    }
}

#[test]
fn parser_matches_quick_xml_on_docx_rs_parts() {
    let package = tests::sample_package();
    let mut archive = zip::ZipArchive::new(Cursor::new(&package)).expect("zip");
    let mut rng = Rng(7);
    for i in 0..archive.len() {
        let mut file = archive.by_index(i).expect("entry");
        if file.is_dir() {
            continue;
        }
        let mut text = String::new();
        file.read_to_string(&mut text).expect("utf-8");
        same_parse(text.as_bytes());
        for _ in 0..20 {
            same_parse(&mutate(&mut rng, &text));
        }
    }
}

// ---------------------------------------------------------------------------------------
// The parse for `finish` against the tree algorithms

/// What `finish` used to do with a part: parse, fix, mark indents, sort.
fn finished_by_tree(bytes: &[u8], rules: &[(u32, u32)]) -> Result<Vec<u8>, String> {
    fn marks(element: &mut XElement<'_>, rules: &[(u32, u32)]) {
        if element.key == "w:ind" {
            apply_first_line_chars(element, rules);
        }
        for child in element.elements_mut() {
            marks(child, rules);
        }
    }
    let mut doc = reference::parse("t.xml", bytes).map_err(|e| e.to_string())?;
    fix_context(&mut doc.root, 0);
    marks(&mut doc.root, rules);
    reorder(&mut doc.root, 0);
    Ok(write_xml(&doc))
}

/// What `finish` now does with a part (`parse_finishing` and the fixes it calls for).
fn finished_by_parse(bytes: &[u8], build: Build, rules: &[(u32, u32)]) -> Result<Vec<u8>, String> {
    let finishing = Finishing {
        first_line_chars: rules,
    };
    let (mut doc, fix) =
        parse_part("t.xml", bytes, &finishing, build).map_err(|e| e.to_string())?;
    if fix || build == Build::Unsorted {
        let (mut doc, _) =
            parse_part("t.xml", bytes, &finishing, Build::Unsorted).map_err(|e| e.to_string())?;
        fix_context(&mut doc.root, 0);
        reorder(&mut doc.root, 0);
        return Ok(write_xml(&doc));
    }
    // Sorting a sorted tree changes nothing.
    let written = write_xml(&doc);
    reorder(&mut doc.root, 0);
    assert_eq!(written, write_xml(&doc), "parse left something unsorted");
    Ok(written)
}

#[test]
fn parse_for_finish_matches_the_tree_algorithms() {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let rules = [(640, 200)];
    for round in 0..400 {
        let root = ["w:document", "w:styles", "w:numbering", "w:ftr"][round % 4];
        let part = gen_part(&mut rng, root, if round % 3 == 0 { 40 } else { 100_000 });
        let part = if round % 8 < 4 { long(&part) } else { part };
        let inputs = [part.clone().into_bytes(), mutate(&mut rng, &part)];
        for bytes in &inputs {
            let expected = finished_by_tree(bytes, &rules);
            for build in [Build::Hybrid, Build::Tree, Build::Unsorted] {
                assert_eq!(
                    finished_by_parse(bytes, build, &rules),
                    expected,
                    "{build:?}: {}",
                    String::from_utf8_lossy(bytes)
                );
            }
        }
    }
}

#[test]
fn fixes_see_children_in_document_order() {
    // Sorted first, the comment would follow w:spacing and stay before w:cantSplit once
    // fix_context takes the w:rPr out; in document order it is left before w:spacing.
    let part = concat!(
        r#"<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>"#,
        r#"<w:tc><w:pPr><w:cantSplit/><!-- c --><w:rPr><w:b/></w:rPr><w:spacing/></w:pPr></w:tc>"#,
        r#"</w:body></w:document>"#
    );
    let expected = finished_by_tree(part.as_bytes(), &[]).expect("reference");
    let expected = String::from_utf8(expected).expect("utf-8");
    assert!(
        expected.contains("<w:pPr><!-- c --><w:spacing/><w:cantSplit/></w:pPr>"),
        "{expected}"
    );
    for build in [Build::Hybrid, Build::Tree, Build::Unsorted] {
        let ours = finished_by_parse(part.as_bytes(), build, &[]).expect("parse");
        assert_eq!(
            String::from_utf8(ours).expect("utf-8"),
            expected,
            "{build:?}"
        );
    }
}

#[test]
fn hybrid_parse_keeps_the_path_to_table_rows() {
    let part = concat!(
        r#"<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>"#,
        r#"<w:p><w:r><w:t>a</w:t></w:r></w:p>"#,
        r#"<w:tbl><w:tr><w:trPr><w:cantSplit /><w:tblHeader/></w:trPr><w:tc><w:p/></w:tc></w:tr></w:tbl>"#,
        r#"</w:body></w:document>"#
    );
    let finishing = Finishing {
        first_line_chars: &[],
    };
    let (doc, fix) =
        parse_part("t.xml", part.as_bytes(), &finishing, Build::Hybrid).expect("parse");
    assert!(!fix);
    let body = doc.root.child("w:body").expect("body");
    assert!(
        matches!(body.children.first(), Some(XNode::Done(_))),
        "{body:?}"
    );
    let row = body
        .child("w:tbl")
        .and_then(|t| t.child("w:tr"))
        .expect("row");
    let tr_pr = row.child("w:trPr").expect("trPr");
    let keys: Vec<&str> = tr_pr.elements().map(|e| e.key.as_str()).collect();
    assert_eq!(keys, ["w:cantSplit", "w:tblHeader"]);
    assert!(matches!(row.children.last(), Some(XNode::Done(_))));
    assert_eq!(
        String::from_utf8(write_xml(&doc)).expect("utf-8"),
        format!("<?{DEFAULT_DECL}?>{}", part.replace(" />", "/>"))
    );
}

#[test]
fn repeated_elements_are_written_once_and_reused() {
    // The same run properties three times, the third under a new namespace scope, where
    // the same text means something else; and nested deep enough that reuse must check.
    let props = r#"<w:rPr><w:sz w:val="2"/><w:b/></w:rPr>"#;
    let part = long(&format!(
        concat!(
            r#"<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>"#,
            "<w:p><w:r>{p}</w:r><w:r>{p}</w:r></w:p>",
            r#"<w:p xmlns:w="urn:other"><w:r>{p}</w:r></w:p>"#,
            "<w:p><w:r>{p}</w:r></w:p>",
            "</w:body></w:document>"
        ),
        p = props
    ));
    let finishing = Finishing {
        first_line_chars: &[],
    };
    let (doc, _) = parse_part("t.xml", part.as_bytes(), &finishing, Build::Hybrid).expect("parse");
    let written = String::from_utf8(write_xml(&doc)).expect("utf-8");
    let sorted = r#"<w:rPr><w:b/><w:sz w:val="2"/></w:rPr>"#;
    assert_eq!(written.matches(sorted).count(), 3, "{written}");
    assert_eq!(written.matches(props).count(), 1, "{written}");
    assert_eq!(
        Ok(written.into_bytes()),
        finished_by_tree(part.as_bytes(), &[])
    );

    // An element reused at a depth where it no longer fits is an error, as parsed anew.
    let inner = format!("{}{}", "<a>".repeat(4), "</a>".repeat(4));
    let near = MAX_DEPTH - 4;
    let deep = long(&format!(
        "<w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><b>{inner}</b>{}{inner}{}</w:document>",
        "<c>".repeat(near),
        "</c>".repeat(near)
    ));
    let ours = parse_part("t.xml", deep.as_bytes(), &finishing, Build::Hybrid)
        .map(|_| ())
        .map_err(|e| e.to_string());
    let theirs = reference::parse("t.xml", deep.as_bytes())
        .map(|_| ())
        .map_err(|e| e.to_string());
    assert!(theirs.is_err());
    assert_eq!(ours, theirs);
}

// ---------------------------------------------------------------------------------------
// Pieces

#[test]
fn find_gt_finds_the_first_gt() {
    let mut rng = Rng(99);
    for _ in 0..2000 {
        let len = rng.below(40);
        let bytes: Vec<u8> = (0..len)
            .map(|_| if rng.below(12) == 0 { b'>' } else { b'a' })
            .collect();
        let from = rng.below(len + 2);
        let naive = bytes
            .get(from..)
            .and_then(|rest| rest.iter().position(|&b| b == b'>'))
            .map(|i| from + i);
        assert_eq!(find_gt(&bytes, from), naive, "{bytes:?} from {from}");
    }
}

#[test]
fn id_tables_match_the_order_tables() {
    for (index, name) in SPECIAL.iter().enumerate() {
        assert_eq!(Key::new(Cow::Borrowed(name)).id() as usize, index, "{name}");
    }
    for (parent, _) in order_table::SEQUENCES {
        let seq = seq_for(Key::new(Cow::Borrowed(parent)).id()).expect("sequence");
        let by_name = sequences().get(parent).expect("sequence");
        for (_, items) in order_table::SEQUENCES {
            for name in items.split_whitespace().flat_map(|item| item.split('|')) {
                let key = Key::new(Cow::Borrowed(name));
                let expected = by_name.rank(name).map_or(LAST, |r| r as u32);
                assert_eq!(seq.sort_rank(key.id()), expected, "{parent}: {name}");
            }
        }
        let unknown = Key::new(Cow::Borrowed("w:unknownElement"));
        assert_eq!(unknown.id(), NO_ID);
        let expected = by_name.rank("w:unknownElement").map_or(LAST, |r| r as u32);
        assert_eq!(seq.sort_rank(unknown.id()), expected, "{parent}");
    }
}

#[test]
fn raw_attributes_become_a_list_when_changed() {
    let doc = parse_xml("t.xml", br#"<a x="1" y="2"/>"#).expect("parse");
    let finishing = Finishing {
        first_line_chars: &[(640, 200)],
    };
    let source = br#"<w:ind xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" w:firstLine=" 640 " w:left="0" />"#;
    let (ind, _) = parse_part("t.xml", source, &finishing, Build::Tree).expect("parse");
    assert_eq!(ind.root.attr("w:firstLineChars"), Some("200"));
    assert_eq!(
        String::from_utf8(write_xml(&ind)).expect("utf-8"),
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:ind xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" w:firstLine=" 640 " w:left="0" w:firstLineChars="200"/>"#
    );
    let mut a = doc.root.clone();
    assert_eq!(a.attr_pairs().collect::<Vec<_>>(), [("x", "1"), ("y", "2")]);
    a.set_attr("y", "<3".into());
    a.remove_attr("x");
    assert_eq!(a.attr_pairs().collect::<Vec<_>>(), [("y", "<3")]);
    let grid = br#"<w:gridCol xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" w:w="100" w:type="dxa"/>"#;
    let (grid, _) = parse_part("t.xml", grid, &finishing, Build::Hybrid).expect("parse");
    assert_eq!(grid.root.attr("w:type"), None);
    assert_eq!(grid.root.attr("w:w"), Some("100"));
}
