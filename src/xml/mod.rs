//! The XML layer under everything else: a pull tokenizer over quick-xml that adds what a
//! validator needs and quick-xml leaves out — line/column positions, entity and character
//! reference resolution (including simple internal DTD entities), attribute-value
//! normalisation, one-root well-formedness — plus namespace scopes and a small tree for
//! schema documents.

pub mod tree;

use std::borrow::Cow;
use std::collections::HashMap;

use quick_xml::XmlVersion;
use quick_xml::events::Event;

pub const XSI_NS: &str = "http://www.w3.org/2001/XMLSchema-instance";
pub const XSD_NS: &str = "http://www.w3.org/2001/XMLSchema";
pub const XML_NS: &str = "http://www.w3.org/XML/1998/namespace";
pub const XMLNS_NS: &str = "http://www.w3.org/2000/xmlns/";

/// A 1-based line/column position in a document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Pos {
    pub line: u32,
    pub column: u32,
}

/// A document that is not well-formed (or not readable) XML.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {}, column {}: {message}", pos.line, pos.column)]
pub struct XmlError {
    pub pos: Pos,
    pub message: String,
}

/// Turns byte offsets into line/column, incrementally: offsets are asked in increasing
/// order while streaming, so each byte is scanned once.
#[derive(Debug, Clone)]
pub struct LineTracker<'a> {
    input: &'a [u8],
    offset: usize,
    line: u32,
    /// Characters since the start of the line, up to `offset`.
    column: u32,
    /// All-ASCII input: a byte is a character, so columns need no counting.
    ascii: bool,
}

impl<'a> LineTracker<'a> {
    pub fn new(input: &'a [u8]) -> Self {
        LineTracker {
            input,
            offset: 0,
            line: 1,
            column: 0,
            ascii: input.is_ascii(),
        }
    }

    pub fn at(&mut self, offset: usize) -> Pos {
        let offset = offset.min(self.input.len());
        if offset < self.offset {
            *self = LineTracker {
                offset: 0,
                line: 1,
                column: 0,
                ..*self
            };
        }
        // Incremental: each byte is looked at once, however long the lines are. Counting
        // with `filter().count()` lets the compiler vectorise (this runs once per token).
        let seg = &self.input[self.offset..offset];
        // Columns count characters: UTF-8 continuation bytes are skipped.
        let ascii = self.ascii;
        let chars = |s: &[u8]| {
            if ascii {
                s.len() as u32
            } else {
                s.iter().filter(|&&b| b & 0xC0 != 0x80).count() as u32
            }
        };
        match seg.iter().rposition(|&b| b == b'\n') {
            Some(last) => {
                self.line += seg[..=last].iter().filter(|&&b| b == b'\n').count() as u32;
                self.column = chars(&seg[last + 1..]);
            }
            None => self.column += chars(seg),
        }
        self.offset = offset;
        Pos {
            line: self.line,
            column: self.column + 1,
        }
    }
}

/// One attribute as written, value already normalised (entities resolved, whitespace
/// characters replaced by spaces as XML 1.0 §3.3.3 requires for CDATA attributes).
#[derive(Debug, Clone)]
pub struct RawAttr<'a> {
    pub qname: Cow<'a, str>,
    pub value: Cow<'a, str>,
}

impl RawAttr<'_> {
    pub fn prefix(&self) -> Option<&str> {
        split_qname(&self.qname).0
    }
    pub fn local(&self) -> &str {
        split_qname(&self.qname).1
    }
}

/// The tokens a consumer sees. Empty elements come as Start + End.
#[derive(Debug, Clone)]
pub enum Token<'a> {
    Start {
        qname: Cow<'a, str>,
        attrs: Vec<RawAttr<'a>>,
        pos: Pos,
    },
    End {
        pos: Pos,
    },
    /// Character data: text, CDATA, resolved references. Several may follow each other.
    Text(Cow<'a, str>),
}

/// Pull tokenizer over a complete in-memory document.
pub struct Tokenizer<'a> {
    reader: quick_xml::Reader<&'a [u8]>,
    lines: LineTracker<'a>,
    input: &'a [u8],
    input_str: Option<&'a str>,
    entities: HashMap<String, String>,
    pending_end: Option<Pos>,
    depth: usize,
    seen_root: bool,
    finished_root: bool,
    /// Deepest nesting accepted; protects the validator's stack from hostile documents.
    pub max_depth: usize,
    /// Bytes of entity replacement text the document may still produce, in text and
    /// attribute values together. Internal entities that refer to each other grow
    /// exponentially in attribute values ("billion laughs": quick-xml expands seven levels;
    /// a hundred references a level are 10^14 copies from a document of a few KB), and in
    /// text many references to one large entity multiply; the budget makes either an error
    /// instead of gigabytes.
    pub expansion_budget: usize,
}

/// Default for [`Tokenizer::expansion_budget`]: far more than real documents' entities
/// need (the W3C XML Schema suite passes unchanged under it), far less than what hurts.
pub const MAX_ENTITY_EXPANSION: usize = 1 << 20;

fn decode_utf16(bytes: &[u8], big_endian: bool) -> Option<Vec<u8>> {
    if !bytes.len().is_multiple_of(2) {
        return None;
    }
    let units = bytes.chunks_exact(2).map(|c| {
        if big_endian {
            u16::from_be_bytes([c[0], c[1]])
        } else {
            u16::from_le_bytes([c[0], c[1]])
        }
    });
    char::decode_utf16(units)
        .collect::<Result<String, _>>()
        .ok()
        .map(String::into_bytes)
}

/// `Some(<!DOCTYPE name …>)` when the document's prolog declares a DTD. SOAP forbids DTDs,
/// and a message from a peer is refused on sight of one: nothing of it is read or expanded
/// (XXE, "billion laughs"). Only the prolog is scanned; a prolog of more items than any real
/// message has is refused too rather than scanned without end.
pub fn declared_doctype(bytes: &[u8]) -> Option<String> {
    use quick_xml::events::Event;
    let input = utf8_input(bytes);
    let mut r = quick_xml::Reader::from_reader(input.as_ref());
    for _ in 0..10_000 {
        match r.read_event() {
            Ok(Event::DocType(d)) => {
                let name: String = String::from_utf8_lossy(&d)
                    .trim()
                    .chars()
                    .take_while(|c| !c.is_whitespace() && *c != '[')
                    .take(40)
                    .collect();
                return Some(format!("<!DOCTYPE {name} …>"));
            }
            Ok(Event::Start(_) | Event::Empty(_) | Event::Eof) | Err(_) => return None,
            Ok(_) => {}
        }
    }
    Some("a prolog of more than 10000 comments or instructions".into())
}

/// The document as UTF-8: UTF-16 (with a byte-order mark, or recognised by its first
/// characters) and Latin-1 documents are converted; UTF-8 passes through unchanged.
pub fn utf8_input(bytes: &[u8]) -> Cow<'_, [u8]> {
    let utf16 = match bytes {
        [0xFE, 0xFF, rest @ ..] => Some((rest, true)),
        [0xFF, 0xFE, rest @ ..] => Some((rest, false)),
        [0, b'<', 0, b'?', ..] => Some((bytes, true)),
        [b'<', 0, b'?', 0, ..] => Some((bytes, false)),
        _ => None,
    };
    if let Some((rest, be)) = utf16
        && let Some(decoded) = decode_utf16(rest, be)
    {
        return Cow::Owned(decoded);
    }
    // Latin-1 documents occur in the W3C suite and in legacy systems.
    let head = &bytes[..bytes.len().min(200)];
    let head_str = String::from_utf8_lossy(head).to_ascii_lowercase();
    if head_str.starts_with("<?xml")
        && (head_str.contains("iso-8859-1") || head_str.contains("latin1"))
        && std::str::from_utf8(bytes).is_err()
    {
        let s: String = bytes.iter().map(|&b| b as char).collect();
        return Cow::Owned(s.into_bytes());
    }
    // Strip a UTF-8 byte-order mark.
    if let Some(rest) = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        return Cow::Borrowed(rest);
    }
    Cow::Borrowed(bytes)
}

impl<'a> Tokenizer<'a> {
    /// `input` must be UTF-8 (see [`utf8_input`]).
    pub fn new(input: &'a [u8]) -> Self {
        let mut reader = quick_xml::Reader::from_reader(input);
        let config = reader.config_mut();
        config.check_end_names = true;
        config.check_comments = true;
        config.expand_empty_elements = false;
        config.trim_text(false);
        Tokenizer {
            reader,
            lines: LineTracker::new(input),
            input,
            input_str: std::str::from_utf8(input).ok(),
            entities: HashMap::new(),
            pending_end: None,
            depth: 0,
            seen_root: false,
            finished_root: false,
            max_depth: 10_000,
            expansion_budget: MAX_ENTITY_EXPANSION,
        }
    }

    fn pos(&mut self, offset: u64) -> Pos {
        self.lines.at(offset as usize)
    }

    fn error(&mut self, offset: u64, message: impl Into<String>) -> XmlError {
        XmlError {
            pos: self.pos(offset),
            message: message.into(),
        }
    }

    /// The next token, `Ok(None)` at a well-formed end of document.
    pub fn next_token(&mut self) -> Result<Option<Token<'a>>, XmlError> {
        if let Some(pos) = self.pending_end.take() {
            self.close_element();
            return Ok(Some(Token::End { pos }));
        }
        loop {
            let before = self.reader.buffer_position();
            let event = match self.reader.read_event() {
                Ok(e) => e,
                Err(e) => {
                    let at = self.reader.error_position();
                    return Err(self.error(at, format!("not well-formed XML: {e}")));
                }
            };
            match event {
                Event::Start(start) | Event::Empty(start) if self.finished_root => {
                    let _ = start;
                    return Err(self.error(
                        before,
                        "not well-formed XML: content after the root element",
                    ));
                }
                Event::Start(start) => {
                    let tok = self.start_token(&start, before)?;
                    self.depth += 1;
                    self.seen_root = true;
                    if self.depth > self.max_depth {
                        return Err(self.error(
                            before,
                            format!("elements nested deeper than {} levels", self.max_depth),
                        ));
                    }
                    return Ok(Some(tok));
                }
                Event::Empty(start) => {
                    let tok = self.start_token(&start, before)?;
                    self.depth += 1;
                    self.seen_root = true;
                    let end = self.reader.buffer_position();
                    self.pending_end = Some(self.pos(end));
                    return Ok(Some(tok));
                }
                Event::End(_) => {
                    let pos = self.pos(before);
                    self.close_element();
                    return Ok(Some(Token::End { pos }));
                }
                Event::Text(text) => {
                    // Text without '\r' needs no end-of-line normalisation: borrow it from
                    // the input, which was checked as UTF-8 once, instead of decoding it again.
                    let fast = if text.contains(&b'\r') {
                        None
                    } else {
                        self.borrow_bytes(&text)
                    };
                    let content = match fast {
                        Some(c) => c,
                        None => text
                            .xml10_content()
                            .map_err(|e| self.error(before, format!("invalid text: {e}")))?,
                    };
                    if self.depth == 0 {
                        if content.chars().any(|c| !is_xml_space(c)) {
                            return Err(self.error(
                                before,
                                "not well-formed XML: text outside the root element",
                            ));
                        }
                        continue;
                    }
                    check_chars(&content).map_err(|m| self.error(before, m))?;
                    return Ok(Some(Token::Text(content)));
                }
                Event::CData(data) => {
                    if self.depth == 0 {
                        return Err(self.error(before, "CDATA outside the root element"));
                    }
                    let content = data
                        .xml10_content()
                        .map_err(|e| self.error(before, format!("invalid CDATA: {e}")))?;
                    return Ok(Some(Token::Text(content)));
                }
                Event::GeneralRef(r) => {
                    if self.depth == 0 {
                        return Err(self.error(before, "reference outside the root element"));
                    }
                    let name = r
                        .decode()
                        .map_err(|e| self.error(before, format!("invalid reference: {e}")))?
                        .into_owned();
                    let text = self.resolve_reference(&name, before)?;
                    return Ok(Some(Token::Text(Cow::Owned(text))));
                }
                Event::DocType(dt) => {
                    let text = dt.decode().unwrap_or_default().into_owned();
                    self.read_internal_entities(&text);
                }
                Event::Eof => {
                    if !self.seen_root {
                        return Err(self.error(before, "no root element"));
                    }
                    if self.depth > 0 {
                        return Err(self.error(before, "unexpected end of document"));
                    }
                    return Ok(None);
                }
                Event::Comment(_) | Event::PI(_) | Event::Decl(_) => {}
            }
        }
    }

    fn close_element(&mut self) {
        self.depth = self.depth.saturating_sub(1);
        if self.depth == 0 {
            self.finished_root = true;
        }
    }

    fn resolve_reference(&mut self, name: &str, at: u64) -> Result<String, XmlError> {
        if let Some(num) = name.strip_prefix('#') {
            let code = if let Some(hex) = num.strip_prefix('x') {
                u32::from_str_radix(hex, 16).ok()
            } else {
                num.parse::<u32>().ok()
            };
            return match code.and_then(char::from_u32) {
                Some(c) if is_xml_char(c) => Ok(c.to_string()),
                _ => Err(self.error(at, format!("invalid character reference &{name};"))),
            };
        }
        if let Some(s) = quick_xml::escape::resolve_predefined_entity(name) {
            return Ok(s.to_string());
        }
        if let Some(s) = self.entities.get(name) {
            let Some(left) = self.expansion_budget.checked_sub(s.len()) else {
                return Err(self.error(at, too_much_expansion()));
            };
            self.expansion_budget = left;
            return Ok(expand_char_refs(s));
        }
        Err(self.error(at, format!("undefined entity &{name};")))
    }

    /// Internal DTD subsets appear in test data and legacy documents; we honour simple
    /// `<!ENTITY name "text">` declarations (no external entities: no network, no files).
    fn read_internal_entities(&mut self, doctype: &str) {
        let mut rest = doctype;
        while let Some(i) = rest.find("<!ENTITY") {
            rest = &rest[i + 8..];
            let trimmed = rest.trim_start();
            if trimmed.starts_with('%') {
                continue;
            }
            let name: String = trimmed.chars().take_while(|c| !c.is_whitespace()).collect();
            let after = trimmed[name.len()..].trim_start();
            let quote = match after.chars().next() {
                Some(q @ ('"' | '\'')) => q,
                _ => continue,
            };
            if let Some(end) = after[1..].find(quote) {
                let value = after[1..1 + end].to_string();
                self.entities.entry(name).or_insert(value);
            }
        }
    }

    fn start_token(
        &mut self,
        start: &quick_xml::events::BytesStart<'a>,
        offset: u64,
    ) -> Result<Token<'a>, XmlError> {
        let pos = self.pos(offset);
        let name_bytes = start.name().into_inner();
        let qname = self.name_text(name_bytes, pos, "element name")?;
        check_qname(&qname).map_err(|m| XmlError { pos, message: m })?;
        let mut attrs = Vec::new();
        for attr in start.attributes().with_checks(true) {
            let attr = attr.map_err(|e| XmlError {
                pos,
                message: format!("not well-formed attribute: {e}"),
            })?;
            let key_bytes = attr.key.into_inner();
            let key = self.name_text(key_bytes, pos, "attribute name")?;
            check_qname(&key).map_err(|m| XmlError { pos, message: m })?;
            let entities = &self.entities;
            // Nested references are expanded here (depth 8): every replacement is charged
            // to the document's budget, so nesting cannot multiply without bound.
            let mut budget = self.expansion_budget;
            let mut exhausted = false;
            let value = attr
                .normalized_value_with(XmlVersion::Implicit1_0, 8, |name| {
                    if let Some(p) = quick_xml::escape::resolve_predefined_entity(name) {
                        return Some(p);
                    }
                    let s = entities.get(name)?;
                    match budget.checked_sub(s.len()) {
                        Some(left) => {
                            budget = left;
                            Some(s.as_str())
                        }
                        None => {
                            exhausted = true;
                            None
                        }
                    }
                })
                .map_err(|e| XmlError {
                    pos,
                    message: if exhausted {
                        format!("attribute '{key}': {}", too_much_expansion())
                    } else {
                        format!("attribute '{key}': {e}")
                    },
                })?;
            self.expansion_budget = budget;
            if attr.value.contains(&b'<') {
                return Err(XmlError {
                    pos,
                    message: format!("attribute '{key}': '<' is not allowed in attribute values"),
                });
            }
            check_chars(&value).map_err(|m| XmlError { pos, message: m })?;
            let value = match value {
                Cow::Borrowed(s) => self
                    .borrow_name(s)
                    .unwrap_or_else(|| Cow::Owned(s.to_string())),
                Cow::Owned(s) => Cow::Owned(s),
            };
            attrs.push(RawAttr { qname: key, value });
        }
        Ok(Token::Start { qname, attrs, pos })
    }

    /// An element or attribute name as text, borrowed from the input where it can be.
    fn name_text(&self, bytes: &[u8], pos: Pos, what: &str) -> Result<Cow<'a, str>, XmlError> {
        if let Some(n) = self.borrow_bytes(bytes) {
            return Ok(n);
        }
        let raw = std::str::from_utf8(bytes).map_err(|_| XmlError {
            pos,
            message: format!("{what} is not UTF-8"),
        })?;
        Ok(self
            .borrow_name(raw)
            .unwrap_or_else(|| Cow::Owned(raw.to_string())))
    }

    /// Where `b` lies in the input, when it is a sub-slice of it.
    fn input_span(&self, b: &[u8]) -> Option<std::ops::Range<usize>> {
        let base = self.input.as_ptr() as usize;
        let p = b.as_ptr() as usize;
        (p >= base && p + b.len() <= base + self.input.len()).then(|| p - base..p - base + b.len())
    }

    /// [`Self::borrow_name`] for bytes: `Some` only when they lie inside the input and the
    /// input is valid UTF-8 (and they fall on character boundaries), so no UTF-8 check is
    /// repeated for them.
    fn borrow_bytes(&self, b: &[u8]) -> Option<Cow<'a, str>> {
        let text = self.input_str?;
        text.get(self.input_span(b)?).map(Cow::Borrowed)
    }

    /// Re-borrow a string from the input buffer when it is a sub-slice of it, so that
    /// names and plain values live as long as the document without copying.
    fn borrow_name(&self, s: &str) -> Option<Cow<'a, str>> {
        let span = self.input_span(s.as_bytes())?;
        // The input was checked as UTF-8 once; slicing it is then free.
        match self.input_str {
            Some(text) => text.get(span).map(Cow::Borrowed),
            None => std::str::from_utf8(&self.input[span])
                .ok()
                .map(Cow::Borrowed),
        }
    }
}

fn too_much_expansion() -> String {
    format!(
        "entity references expand to more than {MAX_ENTITY_EXPANSION} bytes (nested entities, \"billion laughs\"); refused"
    )
}

fn expand_char_refs(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    let mut out = String::new();
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        if let Some(end) = after.find(';') {
            let name = &after[..end];
            let rep = if let Some(num) = name.strip_prefix('#') {
                let code = if let Some(hex) = num.strip_prefix('x') {
                    u32::from_str_radix(hex, 16).ok()
                } else {
                    num.parse().ok()
                };
                code.and_then(char::from_u32).map(|c| c.to_string())
            } else {
                quick_xml::escape::resolve_predefined_entity(name).map(str::to_string)
            };
            match rep {
                Some(r) => {
                    out.push_str(&r);
                    rest = &after[end + 1..];
                }
                None => {
                    out.push('&');
                    rest = after;
                }
            }
        } else {
            out.push('&');
            rest = after;
        }
    }
    out.push_str(rest);
    out
}

pub fn is_xml_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\r')
}

pub fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..='\u{10FFFF}')
}

fn check_chars(s: &str) -> Result<(), String> {
    // Fast path: printable ASCII and the three whitespace controls are always allowed.
    if s.bytes()
        .all(|b| (0x20..0x80).contains(&b) || matches!(b, b'\t' | b'\n' | b'\r'))
    {
        return Ok(());
    }
    if let Some(c) = s.chars().find(|&c| !is_xml_char(c)) {
        return Err(format!(
            "not well-formed XML: character U+{:04X} is not allowed",
            c as u32
        ));
    }
    Ok(())
}

/// Byte classes for [`ascii_qname_ok`]: 0 = not in an ASCII name (including every
/// non-ASCII byte, which takes the Unicode path), 1 = may start a name (letters, `_`),
/// 2 = only inside a name (digits, `-`, `.`), 3 = the colon.
const NAME_CLASS: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut c = 0;
    while c < 128 {
        let b = c as u8;
        t[c] = if b.is_ascii_alphabetic() || b == b'_' {
            1
        } else if b.is_ascii_digit() || b == b'-' || b == b'.' {
            2
        } else if b == b':' {
            3
        } else {
            0
        };
        c += 1;
    }
    t
};

/// ASCII names: letters/underscore first, then letters, digits, `_ - .`; one colon at most.
/// `false` for anything else, including non-ASCII names (checked by the Unicode rules).
fn ascii_qname_ok(b: &[u8]) -> bool {
    let (mut colons, mut at_start) = (0, true);
    for &c in b {
        match NAME_CLASS[c as usize] {
            1 => at_start = false,
            2 if !at_start => {}
            3 => {
                colons += 1;
                if colons > 1 || at_start {
                    return false;
                }
                at_start = true;
            }
            _ => return false,
        }
    }
    !at_start
}

fn check_qname(name: &str) -> Result<(), String> {
    if ascii_qname_ok(name.as_bytes()) {
        return Ok(());
    }
    let ok = !name.is_empty()
        && name.split(':').count() <= 2
        && name.split(':').all(|part| {
            let mut chars = part.chars();
            matches!(chars.next(), Some(c) if is_name_start(c)) && chars.all(is_name_char)
        });
    if ok {
        Ok(())
    } else {
        Err(format!("not well-formed XML: '{name}' is not a valid name"))
    }
}

pub fn is_name_start(c: char) -> bool {
    c.is_alphabetic() || c == '_' || matches!(c, '\u{C0}'..='\u{2FF}' | '\u{370}'..='\u{37D}')
}

pub fn is_name_char(c: char) -> bool {
    is_name_start(c)
        || c.is_ascii_digit()
        || matches!(c, '-' | '.' | '\u{B7}')
        || c.is_numeric()
        || matches!(c, '\u{300}'..='\u{36F}' | '\u{203F}'..='\u{2040}')
        || (!c.is_ascii() && !c.is_whitespace() && !c.is_control())
}

/// In-scope namespace bindings while streaming.
#[derive(Debug, Clone)]
pub struct Namespaces {
    bindings: Vec<(String, String)>,
    marks: Vec<usize>,
}

impl Default for Namespaces {
    fn default() -> Self {
        Namespaces {
            bindings: vec![("xml".into(), XML_NS.into())],
            marks: Vec::new(),
        }
    }
}

impl Namespaces {
    /// Open an element's scope and record its `xmlns` declarations.
    pub fn push(&mut self, attrs: &[RawAttr<'_>]) -> Result<(), String> {
        self.marks.push(self.bindings.len());
        for a in attrs {
            if a.qname == "xmlns" {
                self.bindings.push((String::new(), a.value.to_string()));
            } else if let Some(p) = a.qname.strip_prefix("xmlns:") {
                if a.value.is_empty() {
                    return Err(format!("namespace prefix '{p}' bound to an empty URI"));
                }
                self.bindings.push((p.to_string(), a.value.to_string()));
            }
        }
        Ok(())
    }

    pub fn pop(&mut self) {
        if let Some(m) = self.marks.pop() {
            self.bindings.truncate(m);
        }
    }

    /// The namespace bound to `prefix` ("" = default namespace); `Some("")` means the
    /// default namespace was undeclared.
    pub fn lookup(&self, prefix: &str) -> Option<&str> {
        self.bindings
            .iter()
            .rev()
            .find(|(p, _)| p == prefix)
            .map(|(_, u)| u.as_str())
    }

    /// Namespace of an element name (`None` = no namespace). Err on an undeclared prefix.
    pub fn element_ns(&self, prefix: Option<&str>) -> Result<Option<&str>, String> {
        match prefix {
            None => Ok(self.lookup("").filter(|u| !u.is_empty())),
            Some(p) => match self.lookup(p) {
                Some(u) if !u.is_empty() => Ok(Some(u)),
                _ => Err(format!("namespace prefix '{p}' is not declared")),
            },
        }
    }

    /// Namespace of an attribute name: unprefixed attributes are in no namespace.
    pub fn attribute_ns(&self, prefix: Option<&str>) -> Result<Option<&str>, String> {
        match prefix {
            None => Ok(None),
            Some(p) => self.element_ns(Some(p)),
        }
    }

    /// Resolve the prefix of a QName-valued text (`""` = default namespace).
    pub fn resolve_prefix(&self, prefix: &str) -> Option<String> {
        // An unprefixed name with no default namespace in scope is in no namespace.
        let uri = match self.lookup(prefix) {
            Some(u) => u,
            None if prefix.is_empty() => "",
            None => return None,
        };
        if uri.is_empty() && !prefix.is_empty() {
            None
        } else {
            Some(uri.to_string())
        }
    }

    /// Index of the binding for `prefix`; stays valid while the declaring element is open.
    pub fn lookup_index(&self, prefix: &str) -> Option<usize> {
        self.bindings.iter().rposition(|(p, _)| p == prefix)
    }

    pub fn uri_at(&self, index: usize) -> &str {
        &self.bindings[index].1
    }

    pub fn snapshot(&self) -> Vec<(String, String)> {
        self.bindings.clone()
    }
}

pub fn split_qname(qname: &str) -> (Option<&str>, &str) {
    // A byte search: ':' is ASCII, so the split falls on character boundaries.
    match qname.bytes().position(|b| b == b':') {
        Some(i) => (Some(&qname[..i]), &qname[i + 1..]),
        None => (None, qname),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tokens(xml: &str) -> Result<Vec<String>, XmlError> {
        let mut t = Tokenizer::new(xml.as_bytes());
        let mut out = Vec::new();
        while let Some(tok) = t.next_token()? {
            out.push(match tok {
                Token::Start { qname, attrs, pos } => format!(
                    "<{qname}{}@{}:{}",
                    attrs
                        .iter()
                        .map(|a| format!(" {}={}", a.qname, a.value))
                        .collect::<String>(),
                    pos.line,
                    pos.column
                ),
                Token::End { .. } => "/".into(),
                Token::Text(t) => format!("'{t}'"),
            });
        }
        Ok(out)
    }

    #[test]
    fn positions_entities_and_empty_elements() {
        let t = tokens("<?xml version='1.0'?>\n<a x='1&amp;2'>\n  <b/>&lt;&#65;</a>").unwrap();
        assert_eq!(
            t,
            vec!["<a x=1&2@2:1", "'\n  '", "<b@3:3", "/", "'<'", "'A'", "/"]
        );
    }

    #[test]
    fn not_well_formed_is_an_error_with_position() {
        let e = tokens("<a>\n<b></a>").unwrap_err();
        assert_eq!(e.pos.line, 2);
        assert!(tokens("<a/><b/>").is_err());
        assert!(tokens("text<a/>").is_err());
        assert!(tokens("<a>&nope;</a>").is_err());
        assert!(tokens("<a x='1' x='2'/>").is_err());
        assert!(tokens("").is_err());
    }

    #[test]
    fn utf16_and_latin1_documents_are_decoded() {
        let text = "<?xml version=\"1.0\" encoding=\"UTF-16\"?><a>\u{e6}\u{f8}</a>";
        let mut le = vec![0xFF, 0xFE];
        for u in text.encode_utf16() {
            le.extend_from_slice(&u.to_le_bytes());
        }
        assert_eq!(
            tokens(std::str::from_utf8(&utf8_input(&le)).unwrap()).unwrap()[1],
            "'\u{e6}\u{f8}'"
        );
        let latin1 = b"<?xml version='1.0' encoding='ISO-8859-1'?><a>\xe6</a>";
        assert_eq!(
            std::str::from_utf8(&utf8_input(latin1)).unwrap(),
            "<?xml version='1.0' encoding='ISO-8859-1'?><a>\u{e6}</a>"
        );
    }

    #[test]
    fn internal_entities_are_expanded() {
        let t = tokens("<!DOCTYPE a [<!ENTITY e \"hi\">]><a>&e;</a>").unwrap();
        assert_eq!(t, vec!["<a@1:32", "'hi'", "/"]);
    }

    #[test]
    fn entity_expansion_is_bounded() {
        // Seven levels of references in an attribute value (quick-xml expands nesting up
        // to its depth limit): with ten references a level 10^7 copies of "lol", 30 MB
        // from a 500-byte document (15 s in a debug build before the budget); with a
        // hundred a level, 10^14. Refused quickly.
        let mut dtd = String::from("<!DOCTYPE a [<!ENTITY l0 \"lol\">");
        for i in 1..=7 {
            dtd.push_str(&format!(
                "<!ENTITY l{i} \"{}\">",
                format!("&l{};", i - 1).repeat(10)
            ));
        }
        dtd.push_str("]>");
        let started = std::time::Instant::now();
        let e = tokens(&format!("{dtd}<a x=\"&l7;\"/>")).unwrap_err();
        assert!(started.elapsed().as_secs() < 5, "{:?}", started.elapsed());
        assert!(e.message.contains("billion laughs"), "{e}");
        // Text does not expand nested references, but many references to a large entity
        // add up: charged all the same.
        let big = "x".repeat(100_000);
        let doc = format!(
            "<!DOCTYPE a [<!ENTITY b \"{big}\">]><a>{}</a>",
            "&b;".repeat(20)
        );
        let e = tokens(&doc).unwrap_err();
        assert!(e.message.contains("billion laughs"), "{e}");
        // Ordinary use stays fine.
        assert!(tokens("<!DOCTYPE a [<!ENTITY e \"hi\">]><a x=\"&e;\">&e;</a>").is_ok());
    }

    #[test]
    fn line_tracker_counts_characters_not_bytes() {
        // Against a byte-at-a-time reference, for ASCII and non-ASCII input alike.
        for text in ["ab\ncd\n\nefg", "\u{e6}\u{f8}\n\u{e5}x\u{1F600}y\nz", ""] {
            let bytes = text.as_bytes();
            let mut t = LineTracker::new(bytes);
            let (mut line, mut column) = (1, 1);
            for off in 0..=bytes.len() {
                if off > 0 {
                    let b = bytes[off - 1];
                    if b == b'\n' {
                        (line, column) = (line + 1, 1);
                    } else if b & 0xC0 != 0x80 {
                        column += 1;
                    }
                }
                assert_eq!(t.at(off), Pos { line, column }, "{text:?} at {off}");
            }
            assert_eq!(t.at(0), Pos { line: 1, column: 1 });
        }
    }

    #[test]
    fn split_qname_and_ascii_names() {
        assert_eq!(split_qname("p:l"), (Some("p"), "l"));
        assert_eq!(split_qname("l"), (None, "l"));
        assert_eq!(split_qname("\u{e6}:\u{f8}"), (Some("\u{e6}"), "\u{f8}"));
        for ok in ["a", "_a.b-c9", "p:l", "\u{e6}b", "p:\u{e6}"] {
            assert!(check_qname(ok).is_ok(), "{ok}");
        }
        for bad in ["", "1a", "a:", ":a", "a:b:c", "-a", "a b", "p:1"] {
            assert!(check_qname(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn namespace_scopes() {
        let mut ns = Namespaces::default();
        let attrs = vec![RawAttr {
            qname: "xmlns:p".into(),
            value: "urn:p".into(),
        }];
        ns.push(&attrs).unwrap();
        assert_eq!(ns.element_ns(Some("p")).unwrap(), Some("urn:p"));
        assert_eq!(ns.element_ns(None).unwrap(), None);
        ns.pop();
        assert!(ns.element_ns(Some("p")).is_err());
    }
}
