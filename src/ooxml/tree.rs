//! The XML tree [`super::finish`] works on, its parser and its writer.
//!
//! The tree borrows from the part it was parsed from: names, attributes and text are slices
//! of the input, so what `finish` does not change is copied, not rebuilt:
//!
//! - attributes written the way docx-rs (and the writer here) write them, ` name="value"`
//!   with values that need no escaping, stay one raw slice (`Attrs::raw`) until an
//!   element is actually modified; anything else is parsed into a list of unescaped values;
//! - text that is its own escaped form stays raw ([`XText::Verbatim`]);
//! - element keys are resolved once per qualified name and carry a small integer id, so the
//!   order tables are arrays indexed by id.
//!
//! The parser is a hand-written scanner for the markup structure that behaves exactly like
//! the `quick_xml::Reader` the module used before: it accepts and rejects the same inputs
//! with the same messages and positions. Anything unusual (comments, CDATA, processing
//! instructions, declarations, attributes not in the simple form above, character and
//! entity references) is handed to quick-xml itself. `tree_tests` holds it to the old
//! parser, kept there as the reference.
//!
//! A parse for `finish` ([`parse_part`]) also does, as each element closes, the work that
//! depends only on that element: children are put in schema order, `w:type` leaves
//! `w:gridCol`, `w:firstLineChars` joins matching `w:ind`. In a [`Build::Hybrid`] parse only
//! the elements `finish` looks at later (the path to table rows) become tree nodes; every
//! other element is written out to an arena as it closes, its children sorted as byte
//! segments, and appears in the tree as one [`XNode::Done`]: no allocation per element, and
//! nothing to walk or free afterwards. Documents repeat the same property elements thousands
//! of times, so the parser also remembers start tags and written elements by their text
//! (`Parser::tags`, `Written`): the same text under the same namespace scope gives the same
//! element, and the same bytes out. Parts that need the structural fixes of `fix_context`
//! (styles, numbering levels, defaults) are flagged; `finish` parses them again as a whole
//! tree in document order ([`Build::Unsorted`]), fixes and sorts them.

use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::OnceLock;

use quick_xml::errors::{IllFormedError, SyntaxError};
use quick_xml::events::attributes::Attributes;
use quick_xml::events::{BytesRef, Event};
use quick_xml::{Reader, XmlVersion};

use super::{order_table, OoxmlError, DEFAULT_DECL, KNOWN_NS, MAX_DEPTH};

// ---------------------------------------------------------------------------------------
// Names and order tables

/// A fast hash for the short keys of this module (FxHash); no DoS concern, the keys are
/// element names of a document being written.
#[derive(Default, Clone, Copy)]
pub(super) struct FxHasher(u64);

impl FxHasher {
    #[inline]
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

impl Hasher for FxHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            self.add(u64::from_le_bytes(word));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut word = [0u8; 8];
            for (slot, byte) in word.iter_mut().zip(rest) {
                *slot = *byte;
            }
            self.add(u64::from_le_bytes(word));
        }
    }

    #[inline]
    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }

    #[inline]
    fn finish(&self) -> u64 {
        // The multiplication mixes upwards only; hashbrown takes the bucket from the low bits.
        self.0.rotate_left(26)
    }
}

pub(super) type FxMap<K, V> = HashMap<K, V, BuildHasherDefault<FxHasher>>;

/// Id of a key no order table names.
pub(super) const NO_ID: u16 = u16::MAX;

/// Keys the code tests for, with fixed ids (their index here).
pub(super) const SPECIAL: [&str; 13] = [
    "w:p",
    "w:pPr",
    "w:rPr",
    "w:gridCol",
    "w:ind",
    "w:style",
    "w:lvl",
    "w:tblStylePr",
    "w:docDefaults",
    "w:body",
    "w:tbl",
    "w:tr",
    "w:trPr",
];
pub(super) const ID_P: u16 = 0;
pub(super) const ID_PPR: u16 = 1;
pub(super) const ID_RPR: u16 = 2;
pub(super) const ID_GRID_COL: u16 = 3;
pub(super) const ID_IND: u16 = 4;
const ID_STYLE: u16 = 5;
const ID_LVL: u16 = 6;
const ID_TBL_STYLE_PR: u16 = 7;
const ID_DOC_DEFAULTS: u16 = 8;
const ID_BODY: u16 = 9;
const ID_TBL: u16 = 10;
const ID_TR: u16 = 11;
const ID_TR_PR: u16 = 12;

/// Rank of an element no sequence places: last, after everything named.
pub(super) const LAST: u32 = u32::MAX;
/// Marks a node whose rank is not known yet (a comment or text before an element).
const PENDING: u32 = u32::MAX - 1;

/// One order-table entry by id: the same ranks as `super::Sequence`.
pub(super) struct Seq {
    /// Rank by child id; `UNNAMED` for ids the entry does not name.
    ranks: Vec<u16>,
    /// Rank of children not named; `LAST` for property elements (they go last).
    rest: u32,
}

/// In `Seq::ranks`: not named.
const UNNAMED: u16 = u16::MAX;

impl Seq {
    /// The rank `reorder` sorts a child with key id `id` by.
    #[inline]
    pub(super) fn sort_rank(&self, id: u16) -> u32 {
        match self.ranks.get(usize::from(id)) {
            Some(&rank) if rank != UNNAMED => u32::from(rank),
            _ => self.rest,
        }
    }
}

struct Names {
    ids: FxMap<&'static str, u16>,
    /// Index into `seqs` by parent id.
    seq_of: Vec<Option<u16>>,
    seqs: Vec<Seq>,
}

fn names() -> &'static Names {
    static NAMES: OnceLock<Names> = OnceLock::new();
    NAMES.get_or_init(|| {
        let mut ids: FxMap<&'static str, u16> =
            FxMap::with_capacity_and_hasher(1024, Default::default());
        let mut add = |name: &'static str| {
            let next = u16::try_from(ids.len()).unwrap_or(NO_ID);
            *ids.entry(name).or_insert(next)
        };
        for name in SPECIAL {
            add(name);
        }
        // (parent id, rest rank, (rank, child id)…) per entry.
        let mut entries = Vec::with_capacity(order_table::SEQUENCES.len());
        for (parent, items) in order_table::SEQUENCES {
            let parent = add(parent);
            let mut rest = LAST;
            let mut named = Vec::new();
            for (rank, item) in items.split_ascii_whitespace().enumerate() {
                let rank = u16::try_from(rank).unwrap_or(UNNAMED - 1);
                if item == "*" {
                    rest = u32::from(rank);
                    continue;
                }
                for name in item.split('|') {
                    named.push((rank, add(name)));
                }
            }
            entries.push((parent, rest, named));
        }
        let count = ids.len();
        let mut seq_of = vec![None; count];
        let mut seqs = Vec::with_capacity(entries.len());
        for (parent, rest, named) in entries {
            let mut ranks = vec![UNNAMED; count];
            for (rank, id) in named {
                if let Some(slot) = ranks.get_mut(usize::from(id)) {
                    if *slot == UNNAMED {
                        *slot = rank;
                    }
                }
            }
            let index = u16::try_from(seqs.len()).unwrap_or(NO_ID);
            seqs.push(Seq { ranks, rest });
            if let Some(slot) = seq_of.get_mut(usize::from(parent)) {
                if slot.is_none() {
                    *slot = Some(index);
                }
            }
        }
        Names { ids, seq_of, seqs }
    })
}

/// The id of a canonical key, [`NO_ID`] if no table names it.
fn id_of(key: &str) -> u16 {
    names().ids.get(key).copied().unwrap_or(NO_ID)
}

/// The order-table entry for children of an element with key id `id`.
#[inline]
pub(super) fn seq_for(id: u16) -> Option<&'static Seq> {
    let names = names();
    let index = (*names.seq_of.get(usize::from(id))?)?;
    names.seqs.get(usize::from(index))
}

/// A namespace-resolved element name (`w:pPr`, or `{uri}local` outside `KNOWN_NS`), with its
/// id in the order tables.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Key<'a> {
    text: Cow<'a, str>,
    id: u16,
}

impl<'a> Key<'a> {
    pub(super) fn new(text: Cow<'a, str>) -> Self {
        let id = id_of(&text);
        Key { text, id }
    }

    pub(super) fn as_str(&self) -> &str {
        &self.text
    }

    #[inline]
    pub(super) fn id(&self) -> u16 {
        self.id
    }

    fn into_owned(self) -> Key<'static> {
        Key {
            text: Cow::Owned(self.text.into_owned()),
            id: self.id,
        }
    }
}

impl PartialEq<str> for Key<'_> {
    fn eq(&self, other: &str) -> bool {
        self.text == other
    }
}

impl PartialEq<&str> for Key<'_> {
    fn eq(&self, other: &&str) -> bool {
        self.text == *other
    }
}

impl fmt::Display for Key<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

pub(super) fn split_qname(name: &str) -> (Option<&str>, &str) {
    match name.split_once(':') {
        Some((p, l)) => (Some(p), l),
        None => (None, name),
    }
}

/// In-scope namespace declarations `(prefix, uri)`, innermost last; `""` is the default.
type Scope<'a> = Vec<(Cow<'a, str>, Cow<'a, str>)>;

/// The canonical key of `qname` under `scope`.
fn canonical_key<'a>(qname: &'a str, scope: &Scope<'a>) -> Key<'a> {
    let (prefix, local) = split_qname(qname);
    let written = prefix.unwrap_or("");
    let uri = scope
        .iter()
        .rev()
        .find(|(p, _)| p == written)
        .map(|(_, u)| u.as_ref());
    let text = match uri {
        Some(uri) => match KNOWN_NS.iter().find(|(_, u)| *u == uri) {
            Some((p, _)) if prefix == Some(*p) => Cow::Borrowed(qname),
            Some((p, _)) => Cow::Owned(format!("{p}:{local}")),
            None if uri.is_empty() => Cow::Borrowed(local),
            None => Cow::Owned(format!("{{{uri}}}{local}")),
        },
        // Undeclared prefix (or no default namespace): keep the name as written.
        None => Cow::Borrowed(qname),
    };
    Key::new(text)
}

// ---------------------------------------------------------------------------------------
// Tree

/// Attributes of an element: either still the raw text of the start tag, or a list.
#[derive(Debug, Clone, Default)]
pub(super) struct Attrs<'a> {
    /// `<` and the qualified name followed by the attributes exactly as the writer writes
    /// them: each ` name="value"`, values without `&`, `<`, `>`, tab, line feed or carriage
    /// return, names without quotes, `=`, `/`, `>`, `<`, `&` or whitespace, no name twice.
    /// Written verbatim; values are the raw text. `None` once `list` holds the attributes.
    raw: Option<&'a str>,
    /// Attributes in original order, values unescaped (namespace declarations included).
    list: Vec<(Cow<'a, str>, Cow<'a, str>)>,
}

impl<'a> Attrs<'a> {
    /// Attributes kept as the raw start tag `head` (see the field).
    fn raw(head: &'a str) -> Self {
        Attrs {
            raw: Some(head),
            list: Vec::new(),
        }
    }

    /// Attributes given as `(name, unescaped value)`.
    pub(super) fn list(list: Vec<(Cow<'a, str>, Cow<'a, str>)>) -> Self {
        Attrs { raw: None, list }
    }
}

/// The attributes in a raw start-tag tail (` name="value"`…).
struct RawAttrs<'s>(&'s str);

impl<'s> Iterator for RawAttrs<'s> {
    type Item = (&'s str, &'s str);

    fn next(&mut self) -> Option<Self::Item> {
        let rest = self.0.strip_prefix(' ')?;
        let (name, rest) = rest.split_once("=\"")?;
        let (value, rest) = rest.split_once('"')?;
        self.0 = rest;
        Some((name, value))
    }
}

/// Character data.
#[derive(Debug, Clone)]
pub(super) enum XText<'a> {
    /// Raw text that is its own escaped form (no `&`, `>` or carriage return).
    Verbatim(&'a str),
    /// Unescaped text, escaped when written.
    Value(Cow<'a, str>),
}

impl XText<'_> {
    /// The unescaped text.
    pub(super) fn as_str(&self) -> &str {
        match self {
            XText::Verbatim(s) => s,
            XText::Value(s) => s,
        }
    }

    fn into_owned(self) -> XText<'static> {
        XText::Value(Cow::Owned(self.as_str().to_string()))
    }
}

/// An element with its namespace-resolved key (`w:pPr`, or `{uri}local` outside KNOWN_NS).
#[derive(Debug, Clone)]
pub(super) struct XElement<'a> {
    /// Qualified name as written.
    pub(super) name: Cow<'a, str>,
    /// Canonical key used by the order tables.
    pub(super) key: Key<'a>,
    pub(super) attrs: Attrs<'a>,
    pub(super) children: Vec<XNode<'a>>,
}

#[derive(Debug, Clone)]
pub(super) enum XNode<'a> {
    Element(XElement<'a>),
    /// Character data (references resolved).
    Text(XText<'a>),
    /// Raw CDATA content.
    CData(Cow<'a, str>),
    /// Raw comment content.
    Comment(Cow<'a, str>),
    /// Raw processing instruction content.
    Pi(Cow<'a, str>),
    /// An element already written to the document's arena (see [`Build::Hybrid`]).
    Done(Done),
}

/// An element of a hybrid parse, serialized in `XDoc::arena`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Done {
    /// Key id, for ordering.
    id: u16,
    start: usize,
    end: usize,
}

#[derive(Debug, Clone)]
pub(super) struct XDoc<'a> {
    /// Raw declaration content between `<?` and `?>`.
    pub(super) decl: Cow<'a, str>,
    /// Comments and processing instructions before the root element.
    pub(super) prolog: Vec<XNode<'a>>,
    pub(super) root: XElement<'a>,
    /// The serialized elements of [`XNode::Done`] nodes.
    pub(super) arena: Vec<u8>,
}

/// The owned tree, as tests use it.
#[cfg(test)]
pub(super) type Element = XElement<'static>;
/// The owned tree, as tests use it.
#[cfg(test)]
pub(super) type Node = XNode<'static>;
/// The owned tree, as tests and [`super::order_violations`] use it.
pub(super) type XmlDoc = XDoc<'static>;

/// Equal content: same names, keys, attribute values and text, however written.
impl PartialEq for XElement<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name
            && self.key == other.key
            && self.attr_pairs().eq(other.attr_pairs())
            && self.children == other.children
    }
}

impl PartialEq for XNode<'_> {
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (XNode::Element(a), XNode::Element(b)) => a == b,
            (XNode::Text(a), XNode::Text(b)) => a.as_str() == b.as_str(),
            (XNode::CData(a), XNode::CData(b))
            | (XNode::Comment(a), XNode::Comment(b))
            | (XNode::Pi(a), XNode::Pi(b)) => a == b,
            (XNode::Done(a), XNode::Done(b)) => a == b,
            _ => false,
        }
    }
}

impl PartialEq for XDoc<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.decl == other.decl
            && self.prolog == other.prolog
            && self.root == other.root
            && self.arena == other.arena
    }
}

/// A node that owns nothing, left behind when nodes are moved out of a vector.
const HOLE: XNode<'static> = XNode::Comment(Cow::Borrowed(""));

impl<'a> XElement<'a> {
    /// A new element in the same namespace as `like` (same prefix), e.g. a `w:trPr` made
    /// next to a `w:tr`, so no namespace declaration is needed.
    pub(super) fn sibling_of(like: &XElement<'_>, local: &str) -> XElement<'a> {
        let (prefix, _) = split_qname(&like.name);
        let key_prefix = like
            .key
            .as_str()
            .split_once(':')
            .map(|(p, _)| p)
            .unwrap_or("");
        XElement {
            name: Cow::Owned(match prefix {
                Some(p) => format!("{p}:{local}"),
                None => local.to_string(),
            }),
            key: Key::new(Cow::Owned(if key_prefix.is_empty() {
                local.to_string()
            } else {
                format!("{key_prefix}:{local}")
            })),
            attrs: Attrs::default(),
            children: Vec::new(),
        }
    }

    /// The name of an attribute `local` in this element's own prefix (`w:val` on `w:jc`).
    pub(super) fn own_attr_name(&self, local: &str) -> String {
        match split_qname(&self.name).0 {
            Some(p) => format!("{p}:{local}"),
            None => local.to_string(),
        }
    }

    /// Attributes as `(name, unescaped value)`, in document order.
    pub(super) fn attr_pairs(&self) -> impl Iterator<Item = (&str, &str)> {
        RawAttrs(self.raw_tail()).chain(self.attrs.list.iter().map(|(k, v)| (&**k, &**v)))
    }

    /// The attributes of [`Attrs::raw`] after the name; empty for a list.
    fn raw_tail(&self) -> &'a str {
        self.attrs
            .raw
            .and_then(|head| head.get(1 + self.name.len()..))
            .unwrap_or("")
    }

    pub(super) fn attr(&self, name: &str) -> Option<&str> {
        self.attr_pairs().find(|(k, _)| *k == name).map(|(_, v)| v)
    }

    /// The attributes as a list, converting the raw form.
    pub(super) fn attr_list(&mut self) -> &mut Vec<(Cow<'a, str>, Cow<'a, str>)> {
        if self.attrs.raw.is_some() {
            let list = RawAttrs(self.raw_tail())
                .map(|(k, v)| (Cow::Borrowed(k), Cow::Borrowed(v)))
                .collect();
            self.attrs = Attrs::list(list);
        }
        &mut self.attrs.list
    }

    pub(super) fn set_attr(&mut self, name: &str, value: String) {
        let list = self.attr_list();
        match list.iter_mut().find(|(k, _)| k == name) {
            Some(slot) => slot.1 = Cow::Owned(value),
            None => list.push((Cow::Owned(name.to_string()), Cow::Owned(value))),
        }
    }

    /// Removes every attribute called `name`.
    pub(super) fn remove_attr(&mut self, name: &str) {
        if self.attr(name).is_some() {
            self.attr_list().retain(|(k, _)| k != name);
        }
    }

    pub(super) fn elements(&self) -> impl Iterator<Item = &XElement<'a>> {
        self.children.iter().filter_map(|n| match n {
            XNode::Element(e) => Some(e),
            _ => None,
        })
    }

    pub(super) fn elements_mut(&mut self) -> impl Iterator<Item = &mut XElement<'a>> {
        self.children.iter_mut().filter_map(|n| match n {
            XNode::Element(e) => Some(e),
            _ => None,
        })
    }

    pub(super) fn child(&self, key: &str) -> Option<&XElement<'a>> {
        self.elements().find(|e| e.key == key)
    }

    pub(super) fn child_mut(&mut self, key: &str) -> Option<&mut XElement<'a>> {
        self.elements_mut().find(|e| e.key == key)
    }

    /// Removes and returns the first child element with `key`.
    pub(super) fn take_child(&mut self, key: &str) -> Option<XElement<'a>> {
        let index = self
            .children
            .iter()
            .position(|n| matches!(n, XNode::Element(e) if e.key == key))?;
        match self.children.remove(index) {
            XNode::Element(e) => Some(e),
            _ => None,
        }
    }

    /// Runs `f` on the child element `local` (same prefix as `self`), creating it at the
    /// front if absent; `reorder` later moves it to its schema place.
    pub(super) fn with_child<R>(
        &mut self,
        local: &str,
        f: impl FnOnce(&mut XElement<'a>) -> R,
    ) -> R {
        let new = XElement::sibling_of(self, local);
        let index = self
            .children
            .iter()
            .position(|n| matches!(n, XNode::Element(e) if e.key == new.key));
        if let Some(XNode::Element(existing)) = index.and_then(|i| self.children.get_mut(i)) {
            return f(existing);
        }
        let mut new = new;
        let result = f(&mut new);
        self.children.insert(0, XNode::Element(new));
        result
    }

    /// A copy that borrows nothing.
    pub(super) fn into_owned(self) -> XElement<'static> {
        let attrs = Attrs::list(
            self.attr_pairs()
                .map(|(k, v)| (Cow::Owned(k.to_string()), Cow::Owned(v.to_string())))
                .collect(),
        );
        XElement {
            name: Cow::Owned(self.name.into_owned()),
            key: self.key.into_owned(),
            attrs,
            children: self.children.into_iter().map(XNode::into_owned).collect(),
        }
    }
}

impl XNode<'_> {
    fn into_owned(self) -> XNode<'static> {
        match self {
            XNode::Element(e) => XNode::Element(e.into_owned()),
            XNode::Text(t) => XNode::Text(t.into_owned()),
            XNode::CData(s) => XNode::CData(Cow::Owned(s.into_owned())),
            XNode::Comment(s) => XNode::Comment(Cow::Owned(s.into_owned())),
            XNode::Pi(s) => XNode::Pi(Cow::Owned(s.into_owned())),
            XNode::Done(d) => XNode::Done(d),
        }
    }
}

impl XDoc<'_> {
    pub(super) fn into_owned(self) -> XDoc<'static> {
        XDoc {
            decl: Cow::Owned(self.decl.into_owned()),
            prolog: self.prolog.into_iter().map(XNode::into_owned).collect(),
            root: self.root.into_owned(),
            arena: self.arena,
        }
    }
}

// ---------------------------------------------------------------------------------------
// Ordering

/// Reusable buffers of [`sort_nodes`].
#[derive(Default)]
pub(super) struct SortScratch {
    ranks: Vec<u32>,
    order: Vec<u32>,
    bytes: Vec<u8>,
}

/// Puts `nodes` in the order of `seq`: a stable sort by rank, where comments and text take
/// the rank of the element after them and trailing ones go last. Returns `None` if they
/// already are in order, else the sorted nodes (taken out of `nodes`, which keeps holes).
fn sort_nodes<'a>(
    nodes: &mut [XNode<'a>],
    seq: &Seq,
    scratch: &mut SortScratch,
) -> Option<Vec<XNode<'a>>> {
    let ranks = &mut scratch.ranks;
    ranks.clear();
    ranks.extend(nodes.iter().map(|n| match n {
        XNode::Element(e) => seq.sort_rank(e.key.id()),
        XNode::Done(d) => seq.sort_rank(d.id),
        _ => PENDING,
    }));
    let mut next = LAST;
    let mut sorted = true;
    let mut previous = LAST;
    for rank in ranks.iter_mut().rev() {
        if *rank == PENDING {
            *rank = next;
        } else {
            next = *rank;
        }
        sorted &= *rank <= previous;
        previous = *rank;
    }
    if sorted {
        return None;
    }
    let order = &mut scratch.order;
    order.clear();
    order.extend(0..u32::try_from(nodes.len()).unwrap_or(u32::MAX));
    order.sort_by_key(|&i| ranks.get(i as usize).copied().unwrap_or(LAST));
    let mut out = Vec::with_capacity(nodes.len());
    for &i in order.iter() {
        if let Some(node) = nodes.get_mut(i as usize) {
            out.push(std::mem::replace(node, HOLE));
        }
    }
    Some(out)
}

/// Puts the children of `element` in schema order, if its key has a sequence.
pub(super) fn sort_children(element: &mut XElement<'_>, scratch: &mut SortScratch) {
    if let Some(seq) = seq_for(element.key.id()) {
        if let Some(sorted) = sort_nodes(&mut element.children, seq, scratch) {
            element.children = sorted;
        }
    }
}

// ---------------------------------------------------------------------------------------
// Parser

/// What a parse for `finish` does as each element closes.
pub(super) struct Finishing<'x> {
    /// `Extras::first_line_chars`.
    pub(super) first_line_chars: &'x [(u32, u32)],
}

/// How much of a part a parse for `finish` keeps as tree nodes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Build {
    /// Every element is a tree node, children in document order: for `fix_context`, which
    /// must see them so (taking an element out can change where a comment sorts), and then
    /// a `reorder`.
    Unsorted,
    /// Every element is a tree node.
    Tree,
    /// Only the root and the path to table rows (`w:body`, `w:tbl`, `w:tr`, and `w:trPr` with
    /// everything in it) are tree nodes; every other element is written out as it closes
    /// and appears in the tree as one [`XNode::Done`].
    Hybrid,
}

/// Parses an XML part into a tree that owns its data.
pub(super) fn parse_xml(part: &str, bytes: &[u8]) -> Result<XmlDoc, OoxmlError> {
    Ok(Parser::run(part, bytes, None, Build::Tree)?.0.into_owned())
}

/// Parses an XML part for `finish`: children sorted (except [`Build::Unsorted`]), `w:gridCol`
/// and `w:ind` fixed. The flag says whether the part needs `fix_context` (and a `reorder`
/// after it), which needs a [`Build::Unsorted`] parse.
pub(super) fn parse_part<'a>(
    part: &str,
    bytes: &'a [u8],
    finishing: &Finishing<'_>,
    build: Build,
) -> Result<(XDoc<'a>, bool), OoxmlError> {
    Parser::run(part, bytes, Some(finishing), build)
}

/// An element being parsed.
struct Frame<'a> {
    name: &'a str,
    id: u16,
    /// Its element is a tree node (on `Parser::open`), else it is being written to the arena.
    kept: bool,
    /// Everything inside it is kept too (a `w:trPr`, in a hybrid parse).
    keep_all: bool,
    /// Where its children start: in `Parser::kids` if kept, else in `Parser::segs`.
    children: usize,
    /// Written: where its start tag starts in the arena.
    at: usize,
    /// Written: where its content starts in the arena (after the `>`).
    content: usize,
    /// Written: the order of its children.
    seq: Option<&'static Seq>,
    /// Namespace declarations it pushed on the scope.
    decls: u32,
    /// Its name has no quote, so the end tag can be matched without the quote-aware scan.
    plain_name: bool,
    /// It has an element child.
    has_elements: bool,
    /// It has a child text node that is only whitespace.
    has_space: bool,
    /// It has a `w:rPr` child.
    has_rpr: bool,
    /// It has a `w:pPr` child that has a `w:rPr` child.
    has_ppr_rpr: bool,
    /// Written: where its start tag starts in the text, and the `SeenTag::memo` of its tag
    /// if the tag is in `Parser::tags`.
    lt: usize,
    memo: usize,
    /// Written: its tag's length.
    tag_len: u32,
    /// It has content other than elements, here or further in.
    has_text: bool,
    /// How many levels of open elements are inside it at most.
    below: u32,
}

/// A child of an element being written to the arena: where it starts, its rank in the
/// parent's sequence (`PENDING` for other nodes than elements), and whether it is text that
/// is only whitespace.
#[derive(Clone, Copy)]
struct Seg {
    start: usize,
    rank: u32,
    space: bool,
}

/// A start tag as the parser adds it: its name, the namespace declarations it pushed on the
/// scope, whether the name has no quote (see `Frame::plain_name`), whether it is empty
/// (`<x/>`), and where its `<` is in the text.
#[derive(Clone, Copy)]
struct StartTag<'a> {
    name: &'a str,
    decls: usize,
    plain_name: bool,
    empty: bool,
    lt: usize,
}

/// A start tag seen before: the element it makes (hooks applied), whether it is empty, and
/// where elements written from it are remembered (`Parser::memos`).
struct SeenTag<'a> {
    name: &'a str,
    element: XElement<'a>,
    empty: bool,
    memo: usize,
}

/// Parts shorter than this do not remember start tags: they repeat too few to pay for it.
pub(super) const SMALL_PART: usize = 8 << 10;

/// `Frame::memo` when there is none.
const NO_MEMO: usize = usize::MAX;

/// At most this many [`Written`] per start tag.
const WRITTEN_PER_TAG: usize = 32;

/// An element written to the arena, for the next time the same text appears: the same text
/// under the same namespace scope writes the same bytes.
struct Written<'a> {
    /// The element's text, start tag to end tag.
    input: &'a str,
    /// `probe` of the `probe_len` (up to `PROBE`) bytes after the start tag, which are still
    /// in the element, to reject most others quickly.
    probe: u64,
    probe_len: usize,
    /// Where its output is in `Parser::outputs`.
    output: std::ops::Range<usize>,
    /// Levels of open elements inside it (see `Frame::below`).
    below: u32,
    /// Its `Frame::has_rpr`. (It cannot call for `fix_context` anew: it did the first
    /// time, in the same parse.)
    has_rpr: bool,
}

/// An element that has closed.
enum Closed<'a> {
    Tree(XElement<'a>),
    /// Written to the arena from this offset to the end.
    Written(usize),
}

struct Parser<'a, 'x> {
    text: &'a str,
    part: &'x str,
    finishing: Option<&'x Finishing<'x>>,
    hybrid: bool,
    /// Children are put in schema order as elements close.
    sorting: bool,
    scope: Scope<'a>,
    /// Key by qualified name, valid while `scope` does not change.
    keys: FxMap<&'a str, Key<'a>>,
    /// Simple start tags without namespace declarations by their text (`<` to `>`), valid
    /// while `scope` does not change. Documents repeat a few hundred tags thousands of times.
    tags: FxMap<&'a str, SeenTag<'a>>,
    frames: Vec<Frame<'a>>,
    /// Elements of the kept frames, innermost last.
    open: Vec<XElement<'a>>,
    /// Children of the kept frames, innermost last.
    kids: Vec<XNode<'a>>,
    /// Children of the written frames, innermost last.
    segs: Vec<Seg>,
    /// Serialized elements of a hybrid parse.
    arena: Vec<u8>,
    /// Elements written, for `SeenTag::memo`. Only elements with nothing but elements in
    /// them are remembered: property elements repeat, text rarely does.
    memos: Vec<Vec<Written<'a>>>,
    /// Outputs of `Written`.
    outputs: Vec<u8>,
    /// Attribute spans of the tag being scanned: name start, name end, value start, value end.
    spans: Vec<[usize; 4]>,
    sort: SortScratch,
    decl: Option<Cow<'a, str>>,
    prolog: Vec<XNode<'a>>,
    root: Option<XElement<'a>>,
    needs_fix: bool,
}

/// Byte classes for the scanner.
const NAME: u8 = 0;
const SPACE: u8 = 1;
const STOP: u8 = 2;
const QUOTE: u8 = 3;
const ESCAPE: u8 = 4;
const EQUALS: u8 = 5;

/// Class of every byte: in names, `NAME` is allowed; in values, `NAME`, `SPACE` (only ` `),
/// `STOP` and `EQUALS` may stay raw.
const CLASS: [u8; 256] = {
    let mut class = [NAME; 256];
    class[b' ' as usize] = SPACE;
    class[b'\t' as usize] = ESCAPE;
    class[b'\n' as usize] = ESCAPE;
    class[b'\r' as usize] = ESCAPE;
    class[b'/' as usize] = STOP;
    class[b'\'' as usize] = STOP;
    class[b'"' as usize] = QUOTE;
    class[b'&' as usize] = ESCAPE;
    class[b'<' as usize] = ESCAPE;
    class[b'>' as usize] = ESCAPE;
    class[b'=' as usize] = EQUALS;
    class
};

#[inline]
fn class(byte: u8) -> u8 {
    // An index into a 256-entry table by a byte cannot fail.
    CLASS.get(usize::from(byte)).copied().unwrap_or(STOP)
}

fn is_ws(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r')
}

pub(super) fn is_xml_space(s: &str) -> bool {
    s.bytes().all(is_ws)
}

/// Elements a hybrid parse keeps as tree nodes (when their parent is kept).
fn kept_in_hybrid(id: u16) -> bool {
    matches!(id, ID_BODY | ID_TBL | ID_TR | ID_TR_PR)
}

/// A start tag in the simple form: `<name( name="value")*\s*/?>`.
struct SimpleTag {
    name_end: usize,
    /// End of the last attribute (the closing quote + 1), or `name_end`.
    attrs_end: usize,
    /// Index of the closing `>`.
    gt: usize,
    empty: bool,
}

/// Scans for the `>` closing a tag that starts at `from`, skipping quoted text as
/// quick-xml's `ElementParser` does.
fn tag_end(bytes: &[u8], from: usize) -> Result<usize, SyntaxError> {
    let mut quote = 0u8;
    for (i, &b) in bytes.iter().enumerate().skip(from) {
        match (quote, b) {
            (0, b'>') => return Ok(i),
            (0, b'\'' | b'"') => quote = b,
            (q, b) if q == b => quote = 0,
            _ => {}
        }
    }
    Err(match quote {
        0 => SyntaxError::UnclosedTag,
        b'\'' => SyntaxError::UnclosedSingleQuotedAttributeValue,
        _ => SyntaxError::UnclosedDoubleQuotedAttributeValue,
    })
}

/// The index of the first `>` at or after `from`, eight bytes at a time.
#[inline]
pub(super) fn find_gt(bytes: &[u8], from: usize) -> Option<usize> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    const GT: u64 = ONES * b'>' as u64;
    let mut at = from;
    let rest = bytes.get(from..)?;
    let mut chunks = rest.chunks_exact(8);
    for chunk in &mut chunks {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        let x = u64::from_le_bytes(word) ^ GT;
        let found = x.wrapping_sub(ONES) & !x & HIGHS;
        if found != 0 {
            return Some(at + (found.trailing_zeros() / 8) as usize);
        }
        at += 8;
    }
    chunks
        .remainder()
        .iter()
        .position(|&b| b == b'>')
        .map(|i| at + i)
}

/// Bytes after a start tag that `probe` hashes, at most.
const PROBE: usize = 32;

/// A hash of `len` bytes from `at` (fewer at the end): elements that start alike mostly
/// differ there.
#[inline]
fn probe(bytes: &[u8], at: usize, len: usize) -> u64 {
    let rest = bytes.get(at..).unwrap_or(&[]);
    let mut hasher = FxHasher::default();
    hasher.write(rest.get(..len).unwrap_or(rest));
    hasher.finish()
}

/// `\r\n` and `\r` become `\n`, as quick-xml's `xml10_content` does.
fn push_eol_normalized(piece: &str, out: &mut String) {
    let mut rest = piece;
    while let Some(i) = rest.find('\r') {
        out.push_str(rest.get(..i).unwrap_or(""));
        out.push('\n');
        let after = rest.get(i + 1..).unwrap_or("");
        rest = after.strip_prefix('\n').unwrap_or(after);
    }
    out.push_str(rest);
}

impl<'a, 'x> Parser<'a, 'x> {
    fn run(
        part: &'x str,
        bytes: &'a [u8],
        finishing: Option<&'x Finishing<'x>>,
        build: Build,
    ) -> Result<(XDoc<'a>, bool), OoxmlError> {
        let text = std::str::from_utf8(bytes).map_err(|e| OoxmlError::MalformedXml {
            part: part.to_string(),
            position: e.valid_up_to() as u64,
            message: "not UTF-8".into(),
        })?;
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        // quick-xml drops one more byte order mark without counting it in positions.
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let hybrid = finishing.is_some() && build == Build::Hybrid;
        let mut parser = Parser {
            text,
            part,
            finishing,
            hybrid,
            sorting: finishing.is_some() && build != Build::Unsorted,
            scope: vec![(
                Cow::Borrowed("xml"),
                Cow::Borrowed("http://www.w3.org/XML/1998/namespace"),
            )],
            keys: FxMap::default(),
            tags: FxMap::default(),
            frames: Vec::new(),
            open: Vec::new(),
            kids: Vec::new(),
            segs: Vec::new(),
            arena: if hybrid {
                Vec::with_capacity(text.len() + text.len() / 8)
            } else {
                Vec::new()
            },
            memos: Vec::new(),
            outputs: Vec::new(),
            spans: Vec::new(),
            sort: SortScratch::default(),
            decl: None,
            prolog: Vec::new(),
            root: None,
            needs_fix: false,
        };
        parser.parse()?;
        let needs_fix = parser.needs_fix;
        let root = parser
            .root
            .ok_or_else(|| malformed(part, 0, "no root element".into()))?;
        Ok((
            XDoc {
                decl: parser.decl.unwrap_or(Cow::Borrowed(DEFAULT_DECL)),
                prolog: parser.prolog,
                root,
                arena: parser.arena,
            },
            needs_fix,
        ))
    }

    fn malformed(&self, position: usize, message: String) -> OoxmlError {
        malformed(self.part, position as u64, message)
    }

    fn quick_xml_error(&self, position: usize, error: impl Into<quick_xml::Error>) -> OoxmlError {
        self.malformed(position, error.into().to_string())
    }

    #[inline]
    fn slice(&self, from: usize, to: usize) -> Result<&'a str, OoxmlError> {
        self.text
            .get(from..to)
            .ok_or_else(|| self.malformed(from, "markup splits a character".into()))
    }

    fn parse(&mut self) -> Result<(), OoxmlError> {
        let bytes = self.text.as_bytes();
        let mut pos = 0;
        loop {
            let lt = bytes
                .get(pos..)
                .and_then(|rest| rest.iter().position(|&b| b == b'<'))
                .map_or(bytes.len(), |i| pos + i);
            if lt > pos {
                self.text_span(pos, lt)?;
            }
            if lt >= bytes.len() {
                break;
            }
            pos = match bytes.get(lt + 1) {
                None => return Err(self.quick_xml_error(lt, SyntaxError::UnclosedTag)),
                Some(b'/') => self.end_tag(lt)?,
                Some(b'!' | b'?') => self.special(lt)?,
                Some(_) => self.start_tag(lt)?,
            };
        }
        if !self.frames.is_empty() {
            return Err(self.malformed(bytes.len(), "unclosed element".into()));
        }
        Ok(())
    }

    /// Adds a child other than an element to the innermost open element.
    fn add_content(&mut self, node: XNode<'a>, space: bool) {
        let Some(parent) = self.frames.last_mut() else {
            return;
        };
        parent.has_space |= space;
        parent.has_text = true;
        if parent.kept {
            self.kids.push(node);
        } else {
            let start = self.arena.len();
            write_node(&node, &[], &mut self.arena);
            self.segs.push(Seg {
                start,
                rank: PENDING,
                space,
            });
        }
    }

    // ---- text

    /// Character data between `start` and `end` (a `<` or the end of the part).
    fn text_span(&mut self, start: usize, end: usize) -> Result<(), OoxmlError> {
        let span = self.slice(start, end)?;
        if self.frames.is_empty() {
            // Outside the root only whitespace may appear, piece by piece as quick-xml
            // reports it.
            return self.pieces(start, span, |position, piece| {
                if is_xml_space(piece) {
                    Ok(())
                } else {
                    Err(position)
                }
            });
        }
        let mut plain = true;
        let mut gt = false;
        let mut space = true;
        for b in span.bytes() {
            match b {
                b'&' | b'\r' => plain = false,
                b'>' => gt = true,
                b' ' | b'\t' | b'\n' => continue,
                _ => {}
            }
            space = false;
        }
        let (text, space) = if plain {
            let text = if gt {
                XText::Value(Cow::Borrowed(span))
            } else {
                XText::Verbatim(span)
            };
            (text, space)
        } else {
            let mut value = String::with_capacity(span.len());
            self.pieces(start, span, |_, piece| {
                value.push_str(piece);
                Ok(())
            })?;
            let space = is_xml_space(&value);
            (XText::Value(Cow::Owned(value)), space)
        };
        self.add_content(XNode::Text(text), space);
        Ok(())
    }

    /// Splits character data into the text and reference events quick-xml reports, resolves
    /// them and hands each to `f` with its position; `f` returns `Err(position)` for text
    /// outside the root element.
    fn pieces(
        &self,
        start: usize,
        span: &str,
        mut f: impl FnMut(usize, &str) -> Result<(), usize>,
    ) -> Result<(), OoxmlError> {
        let outside =
            |position: usize| self.malformed(position, "text outside the root element".into());
        let mut at = 0;
        let mut normalized = String::new();
        let mut buffer = [0u8; 4];
        while at < span.len() {
            let rest = span.get(at..).unwrap_or("");
            let position = start + at;
            if let Some(after) = rest.strip_prefix('&') {
                // quick-xml reads a reference up to `;`; a `&` (or the end) first is an error.
                let Some(end) = after
                    .find([';', '&'])
                    .filter(|&i| after.as_bytes().get(i) == Some(&b';'))
                else {
                    return Err(self.quick_xml_error(position, IllFormedError::UnclosedReference));
                };
                let name = after.get(..end).unwrap_or("");
                let reference = BytesRef::new(name);
                let resolved: &str = match reference
                    .resolve_char_ref()
                    .map_err(|e| self.malformed(position, e.to_string()))?
                {
                    Some(c) => c.encode_utf8(&mut buffer),
                    None => {
                        let name = reference
                            .decode()
                            .map_err(|e| self.malformed(position, e.to_string()))?;
                        quick_xml::escape::resolve_predefined_entity(&name).ok_or_else(|| {
                            self.malformed(position, format!("unknown entity &{name};"))
                        })?
                    }
                };
                f(position, resolved).map_err(outside)?;
                at += 1 + end + 1;
            } else {
                let end = rest.find('&').unwrap_or(rest.len());
                let piece = rest.get(..end).unwrap_or("");
                if piece.contains('\r') {
                    normalized.clear();
                    push_eol_normalized(piece, &mut normalized);
                    f(position, &normalized).map_err(outside)?;
                } else {
                    f(position, piece).map_err(outside)?;
                }
                at += end;
            }
        }
        Ok(())
    }

    // ---- markup other than elements

    /// `<!…` or `<?…` at `lt`: read by quick-xml itself.
    fn special(&mut self, lt: usize) -> Result<usize, OoxmlError> {
        let rest = self.text.get(lt..).unwrap_or("");
        let mut reader = Reader::from_str(rest);
        let event = reader
            .read_event()
            .map_err(|e| self.malformed(lt + reader.error_position() as usize, e.to_string()))?;
        let end = lt + reader.buffer_position() as usize;
        let node = match event {
            Event::Decl(d) => {
                if self.decl.is_some()
                    || self.root.is_some()
                    || !self.frames.is_empty()
                    || !self.prolog.is_empty()
                {
                    return Err(self.malformed(lt, "misplaced XML declaration".into()));
                }
                if let Some(encoding) = d.encoding() {
                    let encoding = encoding.map_err(|e| self.malformed(lt, e.to_string()))?;
                    if !encoding.eq_ignore_ascii_case(b"utf-8") {
                        return Err(self.malformed(lt, "encoding other than UTF-8".into()));
                    }
                }
                self.decl = Some(Cow::Borrowed(self.slice(lt + 2, end.saturating_sub(2))?));
                return Ok(end);
            }
            Event::DocType(_) => {
                return Err(self.malformed(lt, "DTDs are not allowed in OOXML".into()))
            }
            Event::PI(_) => XNode::Pi(Cow::Borrowed(self.slice(lt + 2, end.saturating_sub(2))?)),
            Event::Comment(_) => {
                XNode::Comment(Cow::Borrowed(self.slice(lt + 4, end.saturating_sub(3))?))
            }
            Event::CData(_) => {
                XNode::CData(Cow::Borrowed(self.slice(lt + 9, end.saturating_sub(3))?))
            }
            _ => return Err(self.malformed(lt, "unexpected markup".into())),
        };
        if !self.frames.is_empty() {
            self.add_content(node, false);
        } else if matches!(node, XNode::CData(_)) {
            return Err(self.malformed(lt, "text outside the root element".into()));
        } else if self.root.is_none() {
            self.prolog.push(node);
        }
        // Comments and processing instructions after the root are dropped: nothing reads them.
        Ok(end)
    }

    // ---- start tags

    /// Scans a start tag in the simple form; `None` if it is not (the caller then lets
    /// quick-xml parse it). Fills `self.spans`.
    fn simple_tag(&mut self, lt: usize) -> Option<SimpleTag> {
        let bytes = self.text.as_bytes();
        self.spans.clear();
        let mut i = lt + 1;
        while class(*bytes.get(i)?) == NAME {
            i += 1;
        }
        let name_end = i;
        if name_end == lt + 1 {
            return None;
        }
        loop {
            match *bytes.get(i)? {
                b' ' => {
                    let name_start = i + 1;
                    let mut j = name_start;
                    while class(*bytes.get(j)?) == NAME {
                        j += 1;
                    }
                    if j == name_start {
                        // Whitespace before the end of the tag.
                        let attrs_end = i;
                        while is_ws(*bytes.get(j)?) {
                            j += 1;
                        }
                        return match *bytes.get(j)? {
                            b'>' => Some(SimpleTag {
                                name_end,
                                attrs_end,
                                gt: j,
                                empty: false,
                            }),
                            b'/' if bytes.get(j + 1) == Some(&b'>') => Some(SimpleTag {
                                name_end,
                                attrs_end,
                                gt: j + 1,
                                empty: true,
                            }),
                            _ => None,
                        };
                    }
                    if *bytes.get(j)? != b'=' || *bytes.get(j + 1)? != b'"' {
                        return None;
                    }
                    let value_start = j + 2;
                    let mut k = value_start;
                    loop {
                        match class(*bytes.get(k)?) {
                            QUOTE => break,
                            ESCAPE => return None,
                            _ => k += 1,
                        }
                    }
                    let name = bytes.get(name_start..j)?;
                    for span in &self.spans {
                        if bytes.get(span[0]..span[1]) == Some(name) {
                            return None;
                        }
                    }
                    self.spans.push([name_start, j, value_start, k]);
                    i = k + 1;
                }
                b'>' => {
                    return Some(SimpleTag {
                        name_end,
                        attrs_end: i,
                        gt: i,
                        empty: false,
                    })
                }
                b'/' if bytes.get(i + 1) == Some(&b'>') => {
                    return Some(SimpleTag {
                        name_end,
                        attrs_end: i,
                        gt: i + 1,
                        empty: true,
                    })
                }
                _ => return None,
            }
        }
    }

    /// Whether an element with key id `id` starting now is a tree node.
    #[inline]
    fn is_kept(&self, id: u16) -> bool {
        match self.frames.last() {
            None => true,
            Some(parent) => {
                !self.hybrid || (parent.kept && (parent.keep_all || kept_in_hybrid(id)))
            }
        }
    }

    fn start_tag(&mut self, lt: usize) -> Result<usize, OoxmlError> {
        // A simple tag has no `>` in its values, so the first `>` ends it.
        let bytes = self.text.as_bytes();
        let text = find_gt(bytes, lt).and_then(|gt| self.text.get(lt..=gt));
        if let Some((text, seen)) = text.and_then(|text| Some((text, self.tags.get(text)?))) {
            let empty = seen.empty;
            if !empty && self.frames.len() >= MAX_DEPTH {
                return Err(self.malformed(lt, "elements nested too deeply".into()));
            }
            let (name, id) = (seen.name, seen.element.key.id());
            let start = StartTag {
                name,
                decls: 0,
                plain_name: true,
                empty,
                lt,
            };
            if self.is_kept(id) {
                let element = seen.element.clone();
                self.add_kept(element, start)?;
                return Ok(lt + text.len());
            }
            let at = self.arena.len();
            let rest = self.text.get(lt..).unwrap_or("");
            let depth = self.frames.len();
            let memo = seen.memo;
            let written = self.memos.get(memo).map_or(&[][..], Vec::as_slice);
            let after = lt + text.len();
            let full = if written.is_empty() {
                0
            } else {
                probe(bytes, after, PROBE)
            };
            let same = written.iter().find(|w| {
                let probed = match w.probe_len {
                    PROBE => full,
                    len => probe(bytes, after, len),
                };
                w.probe == probed
                    && depth + 1 + w.below as usize <= MAX_DEPTH
                    && rest.as_bytes().starts_with(w.input.as_bytes())
            });
            if let Some(same) = same {
                let output = self.outputs.get(same.output.clone()).unwrap_or(&[]);
                self.arena.extend_from_slice(output);
                let (below, has_rpr, len) = (same.below, same.has_rpr, same.input.len());
                if let Some(parent) = self.frames.last_mut() {
                    parent.below = parent.below.max(below.saturating_add(1));
                }
                self.complete(Closed::Written(at), id, has_rpr, lt)?;
                return Ok(lt + len);
            }
            write_head(&seen.element, &mut self.arena);
            self.add_written(start, id, at)?;
            if !empty {
                if let Some(frame) = self.frames.last_mut() {
                    frame.memo = memo;
                    frame.tag_len = u32::try_from(text.len()).unwrap_or(0);
                }
            }
            return Ok(lt + text.len());
        }
        let Some(tag) = self.simple_tag(lt) else {
            return self.start_tag_by_quick_xml(lt);
        };
        if !tag.empty && self.frames.len() >= MAX_DEPTH {
            return Err(self.malformed(lt, "elements nested too deeply".into()));
        }
        let mut decls = 0;
        for &[name_start, name_end, value_start, value_end] in &self.spans {
            let name = self.text.get(name_start..name_end).unwrap_or("");
            let prefix = if name == "xmlns" {
                ""
            } else if let Some(p) = name.strip_prefix("xmlns:") {
                p
            } else {
                continue;
            };
            let uri = self.text.get(value_start..value_end).unwrap_or("");
            self.scope.push((Cow::Borrowed(prefix), Cow::Borrowed(uri)));
            decls += 1;
        }
        let name = self.slice(lt + 1, tag.name_end)?;
        let head = self.slice(lt, tag.attrs_end)?;
        let element = self.element(name, Attrs::raw(head), decls);
        let memo = match self.text.get(lt..=tag.gt) {
            Some(text) if decls == 0 && self.text.len() >= SMALL_PART => {
                let memo = self.memos.len();
                self.memos.push(Vec::new());
                let seen = SeenTag {
                    name,
                    element: element.clone(),
                    empty: tag.empty,
                    memo,
                };
                self.tags.insert(text, seen);
                Some(memo)
            }
            _ => None,
        };
        let start = StartTag {
            name,
            decls,
            plain_name: true,
            empty: tag.empty,
            lt,
        };
        self.add(element, start)?;
        if let Some(frame) = self.frames.last_mut().filter(|f| !tag.empty && !f.kept) {
            frame.memo = memo.unwrap_or(NO_MEMO);
            frame.tag_len = u32::try_from(tag.gt + 1 - lt).unwrap_or(0);
        }
        Ok(tag.gt + 1)
    }

    /// A start tag quick-xml parses: the same calls, errors and values as before.
    fn start_tag_by_quick_xml(&mut self, lt: usize) -> Result<usize, OoxmlError> {
        let bytes = self.text.as_bytes();
        let gt = tag_end(bytes, lt).map_err(|e| self.quick_xml_error(lt, e))?;
        let content = self.slice(lt + 1, gt)?;
        let (content, empty) = match content.strip_suffix('/') {
            Some(content) => (content, true),
            None => (content, false),
        };
        let name_len = content.bytes().position(is_ws).unwrap_or(content.len());
        if !empty && self.frames.len() >= MAX_DEPTH {
            return Err(self.malformed(lt, "elements nested too deeply".into()));
        }
        let attribute_error =
            |e: quick_xml::events::attributes::AttrError| self.malformed(lt, e.to_string());
        let mut decls = Vec::new();
        for attr in Attributes::new(content, name_len) {
            let attr = attr.map_err(attribute_error)?;
            let key = std::str::from_utf8(attr.key.into_inner())
                .map_err(|e| self.malformed(lt, e.to_string()))?;
            let prefix = if key == "xmlns" {
                ""
            } else if let Some(p) = key.strip_prefix("xmlns:") {
                p
            } else {
                continue;
            };
            let value = attr
                .normalized_value(XmlVersion::Implicit1_0)
                .map_err(|e| self.malformed(lt, e.to_string()))?;
            decls.push((Cow::Borrowed(prefix), value));
        }
        let mut attrs = Vec::new();
        for attr in Attributes::new(content, name_len) {
            let attr = attr.map_err(attribute_error)?;
            let value = attr
                .normalized_value(XmlVersion::Implicit1_0)
                .map_err(|e| self.malformed(lt, e.to_string()))?;
            let key = std::str::from_utf8(attr.key.into_inner())
                .map_err(|e| self.malformed(lt, e.to_string()))?;
            attrs.push((Cow::Borrowed(key), value));
        }
        let count = decls.len();
        self.scope.extend(decls);
        let name = content.get(..name_len).unwrap_or("");
        let plain_name = !name.contains(['"', '\'']);
        let element = self.element(name, Attrs::list(attrs), count);
        let start = StartTag {
            name,
            decls: count,
            plain_name,
            empty,
            lt,
        };
        self.add(element, start)?;
        Ok(gt + 1)
    }

    /// The element of a start tag whose namespace declarations (`decls` of them) are on the
    /// scope, with the work of a parse for `finish` done.
    fn element(&mut self, name: &'a str, attrs: Attrs<'a>, decls: usize) -> XElement<'a> {
        if decls > 0 {
            self.scope_changed();
        }
        let key = match self.keys.get(name) {
            Some(key) => key.clone(),
            None => {
                let key = canonical_key(name, &self.scope);
                self.keys.insert(name, key.clone());
                key
            }
        };
        let mut element = XElement {
            name: Cow::Borrowed(name),
            key,
            attrs,
            children: Vec::new(),
        };
        if let Some(finishing) = self.finishing {
            match element.key.id() {
                ID_GRID_COL => {
                    let name = element.own_attr_name("type");
                    element.remove_attr(&name);
                }
                ID_IND => apply_first_line_chars(&mut element, finishing.first_line_chars),
                _ => {}
            }
        }
        element
    }

    /// Adds the element of a start tag as a tree node or writes it, as `is_kept` says.
    fn add(&mut self, element: XElement<'a>, start: StartTag<'a>) -> Result<(), OoxmlError> {
        let id = element.key.id();
        if self.is_kept(id) {
            self.add_kept(element, start)
        } else {
            let at = self.arena.len();
            write_head(&element, &mut self.arena);
            self.add_written(start, id, at)
        }
    }

    /// Drops the namespace declarations of an element that ends.
    #[inline]
    fn pop_decls(&mut self, decls: usize) {
        if decls > 0 {
            self.scope.truncate(self.scope.len().saturating_sub(decls));
            self.scope_changed();
        }
    }

    /// Forgets what depends on the namespace scope.
    #[cold]
    fn scope_changed(&mut self) {
        self.keys.clear();
        self.tags.clear();
        self.memos.clear();
        for frame in &mut self.frames {
            frame.memo = NO_MEMO;
        }
    }

    fn new_frame(&self, start: StartTag<'a>, id: u16, kept: bool) -> Frame<'a> {
        let parent_keeps_all = self.frames.last().is_some_and(|p| p.keep_all);
        Frame {
            name: start.name,
            id,
            kept,
            keep_all: self.hybrid && kept && (parent_keeps_all || id == ID_TR_PR),
            children: if kept {
                self.kids.len()
            } else {
                self.segs.len()
            },
            at: 0,
            content: 0,
            seq: None,
            decls: u32::try_from(start.decls).unwrap_or(u32::MAX),
            plain_name: start.plain_name,
            has_elements: false,
            has_space: false,
            has_rpr: false,
            has_ppr_rpr: false,
            lt: 0,
            memo: NO_MEMO,
            tag_len: 0,
            has_text: false,
            below: 0,
        }
    }

    /// A start tag of a tree node.
    fn add_kept(&mut self, element: XElement<'a>, start: StartTag<'a>) -> Result<(), OoxmlError> {
        if start.empty {
            self.pop_decls(start.decls);
            let id = element.key.id();
            return self.complete(Closed::Tree(element), id, false, start.lt);
        }
        let frame = self.new_frame(start, element.key.id(), true);
        self.frames.push(frame);
        self.open.push(element);
        Ok(())
    }

    /// A start tag written to the arena from `at` (without its `>`).
    fn add_written(&mut self, start: StartTag<'a>, id: u16, at: usize) -> Result<(), OoxmlError> {
        if start.empty {
            self.arena.extend_from_slice(b"/>");
            self.pop_decls(start.decls);
            return self.complete(Closed::Written(at), id, false, start.lt);
        }
        self.arena.push(b'>');
        let mut frame = self.new_frame(start, id, false);
        frame.lt = start.lt;
        frame.at = at;
        frame.content = self.arena.len();
        frame.seq = seq_for(id);
        self.frames.push(frame);
        Ok(())
    }

    // ---- end tags

    fn end_tag(&mut self, lt: usize) -> Result<usize, OoxmlError> {
        let bytes = self.text.as_bytes();
        let quick = match self.frames.last() {
            Some(frame) if frame.plain_name => {
                let name = frame.name.as_bytes();
                let end = lt + 2 + name.len();
                (bytes.get(lt + 2..end) == Some(name) && bytes.get(end) == Some(&b'>'))
                    .then_some(end)
            }
            _ => None,
        };
        let gt = match quick {
            Some(gt) => gt,
            None => {
                let gt = tag_end(bytes, lt).map_err(|e| self.quick_xml_error(lt, e))?;
                let found = self
                    .slice(lt + 2, gt)?
                    .trim_end_matches([' ', '\t', '\r', '\n']);
                match self.frames.last() {
                    None => {
                        return Err(self.quick_xml_error(
                            lt,
                            IllFormedError::UnmatchedEndTag(found.to_string()),
                        ))
                    }
                    Some(frame) if frame.name != found => {
                        return Err(self.quick_xml_error(
                            lt,
                            IllFormedError::MismatchedEndTag {
                                expected: frame.name.to_string(),
                                found: found.to_string(),
                            },
                        ))
                    }
                    Some(_) => gt,
                }
            }
        };
        let Some(frame) = self.frames.pop() else {
            return Err(self.malformed(lt, "unmatched end tag".into()));
        };
        self.pop_decls(frame.decls as usize);
        let closed = if frame.kept {
            self.close_kept(&frame)
        } else {
            self.close_written(&frame)
        };
        if self.finishing.is_some()
            && (matches!(
                frame.id,
                ID_STYLE | ID_LVL | ID_TBL_STYLE_PR | ID_DOC_DEFAULTS
            ) || (frame.id != ID_P && frame.has_ppr_rpr))
        {
            self.needs_fix = true;
        }
        if let Some(parent) = self.frames.last_mut() {
            parent.below = parent.below.max(frame.below.saturating_add(1));
        }
        if let Some(parent) = self.frames.last_mut() {
            parent.has_text |= frame.has_text;
        }
        if let (Closed::Written(at), false) = (&closed, frame.has_text || frame.memo == NO_MEMO) {
            let memo = frame.memo;
            let input = self.text.get(frame.lt..=gt);
            let output = self.arena.get(*at..);
            if let (Some(written), Some(input), Some(output)) =
                (self.memos.get_mut(memo), input, output)
            {
                if written.len() < WRITTEN_PER_TAG {
                    let start = self.outputs.len();
                    self.outputs.extend_from_slice(output);
                    let after = frame.lt + frame.tag_len as usize;
                    let probe_len = (frame.lt + input.len()).saturating_sub(after).min(PROBE);
                    written.push(Written {
                        input,
                        probe: probe(self.text.as_bytes(), after, probe_len),
                        probe_len,
                        output: start..self.outputs.len(),
                        below: frame.below,
                        has_rpr: frame.has_rpr,
                    });
                }
            }
        }
        self.complete(closed, frame.id, frame.has_rpr, lt)?;
        Ok(gt + 1)
    }

    fn close_kept(&mut self, frame: &Frame<'a>) -> Closed<'a> {
        let mut element = self.open.pop().unwrap_or_else(|| XElement {
            name: Cow::Borrowed(frame.name),
            key: Key::new(Cow::Borrowed(frame.name)),
            attrs: Attrs::default(),
            children: Vec::new(),
        });
        let start = frame.children.min(self.kids.len());
        // Indentation between elements is not content; text in leaves (w:t) is.
        if frame.has_elements && frame.has_space {
            let mut kept = start;
            for i in start..self.kids.len() {
                let space =
                    matches!(self.kids.get(i), Some(XNode::Text(t)) if is_xml_space(t.as_str()));
                if !space {
                    self.kids.swap(kept, i);
                    kept += 1;
                }
            }
            self.kids.truncate(kept);
        }
        let sorted = match (self.sorting, seq_for(frame.id)) {
            (true, Some(seq)) => match self.kids.get_mut(start..) {
                Some(nodes) => sort_nodes(nodes, seq, &mut self.sort),
                None => None,
            },
            _ => None,
        };
        element.children = match sorted {
            Some(sorted) => {
                self.kids.truncate(start);
                sorted
            }
            None => self.kids.drain(start..).collect(),
        };
        Closed::Tree(element)
    }

    /// Finishes an element written to the arena: whitespace dropped, children in order,
    /// `/>` or the end tag.
    fn close_written(&mut self, frame: &Frame<'a>) -> Closed<'a> {
        let first = frame.children.min(self.segs.len());
        if frame.has_elements && frame.has_space {
            let end = self.arena.len();
            let mut write = frame.content;
            let mut kept = first;
            for i in first..self.segs.len() {
                let Some(seg) = self.segs.get(i).copied() else {
                    break;
                };
                let seg_end = self.segs.get(i + 1).map_or(end, |s| s.start);
                // Segments are in order and within the arena; `write` trails behind.
                if seg.space || seg_end < seg.start || seg_end > end || write > seg.start {
                    continue;
                }
                self.arena.copy_within(seg.start..seg_end, write);
                if let Some(slot) = self.segs.get_mut(kept) {
                    *slot = Seg {
                        start: write,
                        ..seg
                    };
                }
                write += seg_end - seg.start;
                kept += 1;
            }
            self.arena.truncate(write);
            self.segs.truncate(kept);
        }
        if self.arena.len() == frame.content {
            // No children: `<name/>`.
            self.arena.truncate(frame.content.saturating_sub(1));
            self.arena.extend_from_slice(b"/>");
        } else {
            if frame.seq.is_some() {
                self.sort_written(frame.content, first);
            }
            self.arena.extend_from_slice(b"</");
            self.arena.extend_from_slice(frame.name.as_bytes());
            self.arena.push(b'>');
        }
        self.segs.truncate(first);
        Closed::Written(frame.at)
    }

    /// Puts the children written from `content` (segments from `first`) in the order of
    /// `seq`, as `sort_nodes` does with tree nodes.
    fn sort_written(&mut self, content: usize, first: usize) {
        let Some(segs) = self.segs.get_mut(first..) else {
            return;
        };
        let mut next = LAST;
        let mut sorted = true;
        let mut previous = LAST;
        for seg in segs.iter_mut().rev() {
            if seg.rank == PENDING {
                seg.rank = next;
            } else {
                next = seg.rank;
            }
            sorted &= seg.rank <= previous;
            previous = seg.rank;
        }
        if sorted {
            return;
        }
        let order = &mut self.sort.order;
        order.clear();
        order.extend(0..u32::try_from(segs.len()).unwrap_or(u32::MAX));
        order.sort_by_key(|&i| segs.get(i as usize).map_or(LAST, |s| s.rank));
        let bytes = &mut self.sort.bytes;
        bytes.clear();
        bytes.extend_from_slice(self.arena.get(content..).unwrap_or(&[]));
        self.arena.truncate(content);
        for &i in order.iter() {
            let i = i as usize;
            let Some(seg) = segs.get(i) else {
                continue;
            };
            let from = seg.start.saturating_sub(content);
            let to = segs
                .get(i + 1)
                .map_or(bytes.len(), |s| s.start.saturating_sub(content));
            self.arena
                .extend_from_slice(bytes.get(from..to).unwrap_or(&[]));
        }
    }

    /// Adds an element that has closed to its parent, or makes it the root.
    fn complete(
        &mut self,
        closed: Closed<'a>,
        id: u16,
        has_rpr: bool,
        position: usize,
    ) -> Result<(), OoxmlError> {
        let Some(parent) = self.frames.last_mut() else {
            return match closed {
                Closed::Tree(element) if self.root.is_none() => {
                    self.root = Some(element);
                    Ok(())
                }
                Closed::Tree(_) => {
                    Err(self.malformed(position, "more than one root element".into()))
                }
                // The root is always a tree node.
                Closed::Written(_) => Err(self.malformed(position, "root not kept".into())),
            };
        };
        parent.has_elements = true;
        match id {
            ID_RPR => parent.has_rpr = true,
            ID_PPR => parent.has_ppr_rpr |= has_rpr,
            _ => {}
        }
        if parent.kept {
            let node = match closed {
                Closed::Tree(element) => XNode::Element(element),
                Closed::Written(start) => XNode::Done(Done {
                    id,
                    start,
                    end: self.arena.len(),
                }),
            };
            self.kids.push(node);
        } else {
            let rank = parent.seq.map_or(LAST, |seq| seq.sort_rank(id));
            let start = match closed {
                Closed::Written(start) => start,
                // Only kept parents have kept children; written out all the same.
                Closed::Tree(element) => {
                    let start = self.arena.len();
                    write_element(&element, &[], &mut self.arena);
                    start
                }
            };
            self.segs.push(Seg {
                start,
                rank,
                space: false,
            });
        }
        Ok(())
    }
}

fn malformed(part: &str, position: u64, message: String) -> OoxmlError {
    OoxmlError::MalformedXml {
        part: part.to_string(),
        position,
        message,
    }
}

/// Gives a `w:ind` whose `w:firstLine` matches a rule the rule's `w:firstLineChars`.
pub(super) fn apply_first_line_chars(element: &mut XElement<'_>, rules: &[(u32, u32)]) {
    if rules.is_empty() {
        return;
    }
    let first_line = element
        .attr(&element.own_attr_name("firstLine"))
        .and_then(|v| v.trim().parse::<u32>().ok());
    if let Some(twips) = first_line {
        if let Some((_, chars)) = rules.iter().find(|(t, _)| *t == twips) {
            let name = element.own_attr_name("firstLineChars");
            element.set_attr(&name, chars.to_string());
        }
    }
}

// ---------------------------------------------------------------------------------------
// Writer

#[cfg(test)]
pub(super) fn write_xml(doc: &XDoc<'_>) -> Vec<u8> {
    let mut out = Vec::new();
    write_xml_into(doc, &mut out);
    out
}

/// Appends the serialized document to `out`.
pub(super) fn write_xml_into(doc: &XDoc<'_>, out: &mut Vec<u8>) {
    out.extend_from_slice(b"<?");
    out.extend_from_slice(doc.decl.as_bytes());
    out.extend_from_slice(b"?>");
    for node in &doc.prolog {
        write_node(node, &doc.arena, out);
    }
    write_element(&doc.root, &doc.arena, out);
}

fn write_node(node: &XNode<'_>, arena: &[u8], out: &mut Vec<u8>) {
    match node {
        XNode::Element(e) => write_element(e, arena, out),
        XNode::Text(XText::Verbatim(t)) => out.extend_from_slice(t.as_bytes()),
        XNode::Text(XText::Value(t)) => escape_into(t, false, out),
        XNode::CData(c) => {
            out.extend_from_slice(b"<![CDATA[");
            out.extend_from_slice(c.as_bytes());
            out.extend_from_slice(b"]]>");
        }
        XNode::Comment(c) => {
            out.extend_from_slice(b"<!--");
            out.extend_from_slice(c.as_bytes());
            out.extend_from_slice(b"-->");
        }
        XNode::Pi(p) => {
            out.extend_from_slice(b"<?");
            out.extend_from_slice(p.as_bytes());
            out.extend_from_slice(b"?>");
        }
        XNode::Done(d) => out.extend_from_slice(arena.get(d.start..d.end).unwrap_or(&[])),
    }
}

/// Writes `<name attributes` (no `>`).
fn write_head(e: &XElement<'_>, out: &mut Vec<u8>) {
    match e.attrs.raw {
        Some(head) => out.extend_from_slice(head.as_bytes()),
        None => {
            out.push(b'<');
            out.extend_from_slice(e.name.as_bytes());
            for (k, v) in &e.attrs.list {
                out.push(b' ');
                out.extend_from_slice(k.as_bytes());
                out.extend_from_slice(b"=\"");
                escape_into(v, true, out);
                out.push(b'"');
            }
        }
    }
}

fn write_element(e: &XElement<'_>, arena: &[u8], out: &mut Vec<u8>) {
    write_head(e, out);
    if e.children.is_empty() {
        out.extend_from_slice(b"/>");
        return;
    }
    out.push(b'>');
    for child in &e.children {
        write_node(child, arena, out);
    }
    out.extend_from_slice(b"</");
    out.extend_from_slice(e.name.as_bytes());
    out.push(b'>');
}

/// Escapes markup characters, and the whitespace a parser would otherwise normalize.
fn escape_into(s: &str, attribute: bool, out: &mut Vec<u8>) {
    let mut from = 0;
    for (i, b) in s.bytes().enumerate() {
        let escaped: &[u8] = match b {
            b'&' => b"&amp;",
            b'<' => b"&lt;",
            b'>' => b"&gt;",
            b'"' if attribute => b"&quot;",
            b'\t' if attribute => b"&#9;",
            b'\n' if attribute => b"&#10;",
            b'\r' => b"&#13;",
            _ => continue,
        };
        out.extend_from_slice(s.as_bytes().get(from..i).unwrap_or(b""));
        out.extend_from_slice(escaped);
        from = i + 1;
    }
    out.extend_from_slice(s.as_bytes().get(from..).unwrap_or(b""));
}
