//! XML Schema 1.0 regular expressions (XSD Part 2, Appendix F, with errata).
//!
//! XSD patterns are a dialect of their own: every pattern is implicitly
//! anchored, `^` and `$` are ordinary characters, and there are no lazy
//! quantifiers, lookaround, backreferences or `(?` groups. [`translate`]
//! parses the XSD syntax strictly and emits an equivalent pattern for the
//! `regex` crate, which gives linear-time matching; [`XsdRegex`] wraps the
//! compiled result.

use std::fmt;

use ::regex::{Regex, RegexBuilder};

/// A pattern that is not a valid XSD 1.0 regular expression (or that the
/// engine cannot compile within its limits).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegexError {
    pub message: String,
    /// Character (not byte) index into the XSD pattern.
    pub offset: usize,
}

impl fmt::Display for RegexError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (at character {})", self.message, self.offset)
    }
}

impl std::error::Error for RegexError {}

/// Translates an XSD pattern into a fully anchored `regex`-crate pattern.
pub fn translate(pattern: &str) -> Result<String, RegexError> {
    let mut parser = Parser {
        chars: pattern.chars().collect(),
        pos: 0,
        depth: 0,
    };
    let body = parser.parse_regexp()?;
    if parser.pos < parser.chars.len() {
        // parse_regexp only stops early at a ')' it has no group for.
        return Err(parser.err("unmatched ')'", parser.pos));
    }
    Ok(format!("\\A(?:{body})\\z"))
}

/// A compiled XSD pattern facet.
#[derive(Debug, Clone)]
pub struct XsdRegex {
    regex: Regex,
    source: String,
    translated: String,
}

/// Compiled-program budget; generous for real schemas, but bounds what a
/// hostile `{n,m}` nest can make the engine allocate.
const SIZE_LIMIT: usize = 50 * 1024 * 1024;

impl XsdRegex {
    pub fn new(pattern: &str) -> Result<XsdRegex, RegexError> {
        let translated = translate(pattern)?;
        let regex = RegexBuilder::new(&translated)
            .size_limit(SIZE_LIMIT)
            .nest_limit(NEST_LIMIT)
            .build()
            .map_err(|e| RegexError {
                message: format!("pattern cannot be compiled: {e}"),
                offset: 0,
            })?;
        Ok(XsdRegex {
            regex,
            source: pattern.to_owned(),
            translated,
        })
    }

    /// Whether the whole of `value` matches (XSD patterns are anchored).
    pub fn is_match(&self, value: &str) -> bool {
        self.regex.is_match(value)
    }

    pub fn source(&self) -> &str {
        &self.source
    }

    pub fn translated(&self) -> &str {
        &self.translated
    }
}

/// Our own nesting bound (groups plus class subtractions); keeps the
/// recursive-descent parser far from stack exhaustion.
const MAX_DEPTH: usize = 100;
/// The engine's nest limit: each XSD level can cost it a few levels
/// (group, repetition, nested class), so it is set well above `MAX_DEPTH`.
const NEST_LIMIT: u32 = 1000;

/// Matches nothing: used for blocks that only hold surrogate code points,
/// which can never occur in a Rust string.
const EMPTY_CLASS: &str = "[^\\x{0}-\\x{10FFFF}]";
const ANY_CLASS: &str = "[\\x{0}-\\x{10FFFF}]";

/// One parsed escape: a single character or a (translated) class.
enum Escape {
    Char(char),
    Class(String),
}

struct Parser {
    chars: Vec<char>,
    pos: usize,
    depth: usize,
}

impl Parser {
    fn err(&self, message: impl Into<String>, offset: usize) -> RegexError {
        RegexError {
            message: message.into(),
            offset,
        }
    }

    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }

    fn peek_at(&self, pos: usize) -> Option<char> {
        self.chars.get(pos).copied()
    }

    fn enter(&mut self, at: usize) -> Result<(), RegexError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(self.err("pattern is nested too deeply", at));
        }
        Ok(())
    }

    /// regExp ::= branch ( '|' branch )*
    fn parse_regexp(&mut self) -> Result<String, RegexError> {
        let mut out = self.parse_branch()?;
        while self.peek() == Some('|') {
            self.pos += 1;
            out.push('|');
            out.push_str(&self.parse_branch()?);
        }
        Ok(out)
    }

    /// branch ::= piece*  (an empty branch is legal and matches "")
    fn parse_branch(&mut self) -> Result<String, RegexError> {
        let mut out = String::new();
        while let Some(c) = self.peek() {
            if c == '|' || c == ')' {
                break;
            }
            self.parse_piece(&mut out)?;
        }
        Ok(out)
    }

    /// piece ::= atom quantifier?
    fn parse_piece(&mut self, out: &mut String) -> Result<(), RegexError> {
        let start = self.pos;
        let Some(c) = self.peek() else {
            return Err(self.err("unexpected end of pattern", start));
        };
        match c {
            '(' => {
                if self.peek_at(start + 1) == Some('?') {
                    return Err(self.err(
                        "'(?' group syntax (non-capturing groups, lookaround, flags) \
                         is not part of XSD regular expressions",
                        start,
                    ));
                }
                self.enter(start)?;
                self.pos += 1;
                let inner = self.parse_regexp()?;
                if self.peek() != Some(')') {
                    return Err(self.err("unclosed '('", start));
                }
                self.pos += 1;
                self.depth -= 1;
                out.push_str("(?:");
                out.push_str(&inner);
                out.push(')');
            }
            '[' => {
                let class = self.parse_class_expr()?;
                out.push_str(&class);
            }
            '\\' => match self.parse_escape()? {
                Escape::Char(ch) => push_char(out, ch),
                Escape::Class(class) => out.push_str(&class),
            },
            '.' => {
                self.pos += 1;
                out.push_str("[^\\n\\r]");
            }
            '?' | '*' | '+' => {
                return Err(self.err(format!("quantifier '{c}' has nothing to repeat"), start));
            }
            '{' => {
                return Err(self.err(
                    "'{' must be escaped as '\\{' unless it starts a quantifier after an atom",
                    start,
                ));
            }
            '}' => return Err(self.err("'}' must be escaped as '\\}'", start)),
            ']' => return Err(self.err("']' must be escaped as '\\]'", start)),
            _ => {
                self.pos += 1;
                push_char(out, c);
            }
        }
        if !self.parse_quantifier(out)? {
            return Ok(());
        }
        // piece allows one quantifier; name the common Perl habits explicitly.
        let at = self.pos;
        match self.peek() {
            Some('?') => Err(self.err(
                "lazy quantifiers ('*?', '+?', '??', '{n,m}?') are not part of XSD regular expressions",
                at,
            )),
            Some('+') => Err(self.err(
                "possessive quantifiers ('*+', '++', ...) are not part of XSD regular expressions",
                at,
            )),
            Some('*' | '{') => Err(self.err("a quantifier cannot follow another quantifier", at)),
            _ => Ok(()),
        }
    }

    /// quantifier ::= [?*+] | '{' quantity '}'; returns whether one was read.
    fn parse_quantifier(&mut self, out: &mut String) -> Result<bool, RegexError> {
        match self.peek() {
            Some(c @ ('?' | '*' | '+')) => {
                self.pos += 1;
                out.push(c);
                Ok(true)
            }
            Some('{') => {
                let open = self.pos;
                self.pos += 1;
                let min = self.parse_count(open)?;
                match self.peek() {
                    Some('}') => {
                        self.pos += 1;
                        out.push_str(&format!("{{{min}}}"));
                        Ok(true)
                    }
                    Some(',') => {
                        self.pos += 1;
                        if self.peek() == Some('}') {
                            self.pos += 1;
                            out.push_str(&format!("{{{min},}}"));
                            return Ok(true);
                        }
                        let max_at = self.pos;
                        let max = self.parse_count(open)?;
                        if self.peek() != Some('}') {
                            return Err(self.err("unclosed quantifier '{'", open));
                        }
                        self.pos += 1;
                        if min > max {
                            return Err(self.err(
                                format!("quantifier minimum {min} is greater than maximum {max}"),
                                max_at,
                            ));
                        }
                        out.push_str(&format!("{{{min},{max}}}"));
                        Ok(true)
                    }
                    _ => Err(self.err("unclosed quantifier '{'", open)),
                }
            }
            _ => Ok(false),
        }
    }

    /// QuantExact ::= [0-9]+  (an omitted minimum, '{,n}', is not XSD)
    fn parse_count(&mut self, open: usize) -> Result<u32, RegexError> {
        let start = self.pos;
        while self.peek().is_some_and(|c| c.is_ascii_digit()) {
            self.pos += 1;
        }
        if start == self.pos {
            let msg = if self.peek() == Some(',') && start == open + 1 {
                "quantifier '{,n}' needs a minimum: write '{0,n}'"
            } else {
                "quantifier expects a decimal number"
            };
            return Err(self.err(msg, self.pos));
        }
        let digits: String = self.chars[start..self.pos].iter().collect();
        // The engine counts in u32; anything larger cannot be compiled anyway.
        digits
            .parse::<u32>()
            .map_err(|_| self.err("quantifier count is too large", start))
    }

    /// A backslash escape, anywhere. Position is at the backslash.
    fn parse_escape(&mut self) -> Result<Escape, RegexError> {
        let start = self.pos;
        self.pos += 1;
        let Some(c) = self.peek() else {
            return Err(self.err("pattern ends with a lone '\\'", start));
        };
        self.pos += 1;
        let esc = match c {
            'n' => Escape::Char('\n'),
            'r' => Escape::Char('\r'),
            't' => Escape::Char('\t'),
            '\\' | '|' | '.' | '-' | '^' | '?' | '*' | '+' | '{' | '}' | '(' | ')' | '[' | ']' => {
                Escape::Char(c)
            }
            's' | 'S' | 'i' | 'I' | 'c' | 'C' | 'd' | 'D' | 'w' | 'W' => {
                Escape::Class(multi_char_escape(c))
            }
            'p' | 'P' => Escape::Class(self.parse_category(start, c == 'P')?),
            'b' | 'B' | 'A' | 'z' | 'Z' | 'G' => {
                return Err(self.err(
                    format!("'\\{c}' (anchor/boundary) is not part of XSD regular expressions"),
                    start,
                ));
            }
            '0'..='9' => {
                return Err(self.err(
                    "backreferences are not part of XSD regular expressions",
                    start,
                ));
            }
            _ => {
                return Err(self.err(format!("'\\{c}' is not a valid XSD escape"), start));
            }
        };
        Ok(esc)
    }

    /// catEsc / complEsc: `\p{Name}` or `\P{Name}`; position is after the p/P.
    fn parse_category(&mut self, start: usize, negated: bool) -> Result<String, RegexError> {
        if self.peek() != Some('{') {
            return Err(self.err("'\\p' and '\\P' must be followed by '{name}'", start));
        }
        self.pos += 1;
        let name_start = self.pos;
        while let Some(c) = self.peek() {
            if c == '}' {
                break;
            }
            self.pos += 1;
        }
        if self.peek() != Some('}') {
            return Err(self.err("unclosed '\\p{'", start));
        }
        let name: String = self.chars[name_start..self.pos].iter().collect();
        self.pos += 1;
        if CATEGORIES.contains(&name.as_str()) {
            let p = if negated { 'P' } else { 'p' };
            return Ok(format!("\\{p}{{{name}}}"));
        }
        if let Some(block) = name.strip_prefix("Is") {
            if let Some(ranges) = block_ranges(block) {
                return Ok(ranges_class(ranges, negated));
            }
            return Err(self.err(format!("unknown Unicode block name '{block}'"), start));
        }
        Err(self.err(format!("unknown Unicode category '{name}'"), start))
    }

    /// charClassExpr ::= '[' charGroup ']'; position is at the '['.
    fn parse_class_expr(&mut self) -> Result<String, RegexError> {
        let open = self.pos;
        self.enter(open)?;
        self.pos += 1;
        let negated = self.peek() == Some('^');
        if negated {
            self.pos += 1;
        }
        let mut items = String::new();
        let mut count = 0usize;
        loop {
            let at = self.pos;
            let Some(c) = self.peek() else {
                return Err(self.err("unclosed character class '['", open));
            };
            match c {
                ']' => {
                    if count == 0 {
                        return Err(self.err("empty character class", at));
                    }
                    self.pos += 1;
                    self.depth -= 1;
                    return Ok(group_class(&items, negated));
                }
                '[' => {
                    return Err(self.err(
                        "'[' inside a character class must be escaped (or follow '-' for a subtraction)",
                        at,
                    ));
                }
                '-' => {
                    let next = self.peek_at(at + 1);
                    if count > 0 && next == Some('[') {
                        // charClassSub: the subtracted class must end the group.
                        self.pos += 1;
                        let sub = self.parse_class_expr()?;
                        if self.peek() != Some(']') {
                            return Err(self.err(
                                "a character class subtraction must be the last part of its class",
                                self.pos,
                            ));
                        }
                        self.pos += 1;
                        self.depth -= 1;
                        return Ok(format!("[{}--{}]", group_class(&items, negated), sub));
                    }
                    // A literal '-' may open or close the positive group; the
                    // group also ends right before a '-[' subtraction.
                    let ends_group = matches!(next, None | Some(']'))
                        || (count > 0 && next == Some('-') && self.peek_at(at + 2) == Some('['));
                    if count == 0 || ends_group {
                        self.pos += 1;
                        items.push_str("\\-");
                        count += 1;
                        continue;
                    }
                    return Err(self.err(
                        "'-' in a character class must be escaped unless it is first, last, \
                         or marks a subtraction",
                        at,
                    ));
                }
                _ => {
                    match self.parse_class_atom()? {
                        Escape::Char(lo) => {
                            if self.dash_starts_range() {
                                self.pos += 1;
                                let hi_at = self.pos;
                                if self.peek() == Some('-') {
                                    return Err(self.err(
                                        "'-' cannot be a range end point unless escaped",
                                        hi_at,
                                    ));
                                }
                                let hi = match self.parse_class_atom()? {
                                    Escape::Char(hi) => hi,
                                    Escape::Class(_) => {
                                        return Err(self.err(
                                            "a range end point must be a single character",
                                            hi_at,
                                        ));
                                    }
                                };
                                if hi < lo {
                                    return Err(self
                                        .err("character range is out of order (start > end)", at));
                                }
                                push_char(&mut items, lo);
                                items.push('-');
                                push_char(&mut items, hi);
                            } else {
                                push_char(&mut items, lo);
                            }
                        }
                        Escape::Class(class) => {
                            if self.dash_starts_range() {
                                return Err(
                                    self.err("a range start point must be a single character", at)
                                );
                            }
                            items.push_str(&class);
                        }
                    }
                    count += 1;
                }
            }
        }
    }

    /// Whether a '-' at the current position joins the previous item to a
    /// range end, rather than being a literal that closes the group
    /// (`[a-]`, `[a--[b]]`) or the subtraction marker (`[a-[b]]`).
    fn dash_starts_range(&self) -> bool {
        if self.peek() != Some('-') {
            return false;
        }
        match self.peek_at(self.pos + 1) {
            None | Some(']' | '[') => false,
            Some('-') => self.peek_at(self.pos + 2) != Some('['),
            Some(_) => true,
        }
    }

    /// One character or class escape inside a character class.
    fn parse_class_atom(&mut self) -> Result<Escape, RegexError> {
        let at = self.pos;
        match self.peek() {
            None => Err(self.err("unclosed character class '['", at)),
            Some('\\') => self.parse_escape(),
            Some(c @ ('[' | ']')) => Err(self.err(
                format!("'{c}' cannot be a range end point unless escaped"),
                at,
            )),
            Some(c) => {
                self.pos += 1;
                Ok(Escape::Char(c))
            }
        }
    }
}

fn group_class(items: &str, negated: bool) -> String {
    if negated {
        format!("[^{items}]")
    } else {
        format!("[{items}]")
    }
}

/// Emits `c` so that it is literal both inside and outside a class: the
/// regex crate gives meaning to `#&~-^$` etc. that XSD does not, so every
/// meta character is escaped and anything invisible is spelled as `\x{..}`.
fn push_char(out: &mut String, c: char) {
    if c.is_ascii_alphanumeric() || c == '_' {
        out.push(c);
    } else if regex_meta(c) {
        out.push('\\');
        out.push(c);
    } else if c.is_ascii_graphic() || (!c.is_ascii() && c.is_alphanumeric()) {
        out.push(c);
    } else {
        out.push_str(&format!("\\x{{{:X}}}", c as u32));
    }
}

fn regex_meta(c: char) -> bool {
    matches!(
        c,
        '\\' | '.'
            | '+'
            | '*'
            | '?'
            | '('
            | ')'
            | '|'
            | '['
            | ']'
            | '{'
            | '}'
            | '^'
            | '$'
            | '#'
            | '&'
            | '-'
            | '~'
    )
}

/// `ranges` as a bracketed class (or its complement).
fn ranges_class(ranges: &[(u32, u32)], negated: bool) -> String {
    if ranges.is_empty() {
        return if negated { ANY_CLASS } else { EMPTY_CLASS }.to_owned();
    }
    let mut out = String::from(if negated { "[^" } else { "[" });
    for &(lo, hi) in ranges {
        if lo == hi {
            out.push_str(&format!("\\x{{{lo:X}}}"));
        } else {
            out.push_str(&format!("\\x{{{lo:X}}}-\\x{{{hi:X}}}"));
        }
    }
    out.push(']');
    out
}

/// MultiCharEsc translations; each is a single class usable as a class item.
fn multi_char_escape(c: char) -> String {
    match c {
        's' => "[\\t\\n\\r\\x20]".to_owned(),
        'S' => "[^\\t\\n\\r\\x20]".to_owned(),
        'd' => "\\p{Nd}".to_owned(),
        'D' => "\\P{Nd}".to_owned(),
        // \w is everything except punctuation, separators and "other".
        'w' => "[^\\p{P}\\p{Z}\\p{C}]".to_owned(),
        'W' => "[\\p{P}\\p{Z}\\p{C}]".to_owned(),
        'i' => name_class(true, false),
        'I' => name_class(true, true),
        'c' => name_class(false, false),
        _ => name_class(false, true),
    }
}

/// `\i` (Letter | '_' | ':') or `\c` (NameChar) per XML 1.0 Second Edition,
/// Appendix B, as explicit ranges (not today's Unicode properties).
fn name_class(initial: bool, negated: bool) -> String {
    let mut ranges: Vec<(u32, u32)> = Vec::new();
    ranges.extend_from_slice(XML_BASE_CHAR);
    ranges.extend_from_slice(XML_IDEOGRAPHIC);
    ranges.push((0x5F, 0x5F)); // '_'
    ranges.push((0x3A, 0x3A)); // ':'
    if !initial {
        ranges.extend_from_slice(XML_DIGIT);
        ranges.extend_from_slice(XML_COMBINING_CHAR);
        ranges.extend_from_slice(XML_EXTENDER);
        ranges.push((0x2D, 0x2E)); // '-' '.'
    }
    ranges.sort_unstable();
    ranges_class(&ranges, negated)
}

/// General categories XSD 1.0 names in its category table (F.1.1); note
/// there is no `Cs`.
const CATEGORIES: &[&str] = &[
    "L", "Lu", "Ll", "Lt", "Lm", "Lo", "M", "Mn", "Mc", "Me", "N", "Nd", "Nl", "No", "P", "Pc",
    "Pd", "Ps", "Pe", "Pi", "Pf", "Po", "Z", "Zs", "Zl", "Zp", "S", "Sm", "Sc", "Sk", "So", "C",
    "Cc", "Cf", "Co", "Cn",
];

/// Code points of an XSD 1.0 block name (the part after `Is`).
fn block_ranges(name: &str) -> Option<&'static [(u32, u32)]> {
    BLOCKS
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, ranges)| *ranges)
}

/// The XSD 1.0 block table (Unicode 3.1 Blocks.txt, names with spaces
/// removed). Surrogate blocks are empty: no Rust string can contain them.
const BLOCKS: &[(&str, &[(u32, u32)])] = &[
    ("BasicLatin", &[(0x0000, 0x007F)]),
    ("Latin-1Supplement", &[(0x0080, 0x00FF)]),
    ("LatinExtended-A", &[(0x0100, 0x017F)]),
    ("LatinExtended-B", &[(0x0180, 0x024F)]),
    ("IPAExtensions", &[(0x0250, 0x02AF)]),
    ("SpacingModifierLetters", &[(0x02B0, 0x02FF)]),
    ("CombiningDiacriticalMarks", &[(0x0300, 0x036F)]),
    ("Greek", &[(0x0370, 0x03FF)]),
    ("Cyrillic", &[(0x0400, 0x04FF)]),
    ("Armenian", &[(0x0530, 0x058F)]),
    ("Hebrew", &[(0x0590, 0x05FF)]),
    ("Arabic", &[(0x0600, 0x06FF)]),
    ("Syriac", &[(0x0700, 0x074F)]),
    ("Thaana", &[(0x0780, 0x07BF)]),
    ("Devanagari", &[(0x0900, 0x097F)]),
    ("Bengali", &[(0x0980, 0x09FF)]),
    ("Gurmukhi", &[(0x0A00, 0x0A7F)]),
    ("Gujarati", &[(0x0A80, 0x0AFF)]),
    ("Oriya", &[(0x0B00, 0x0B7F)]),
    ("Tamil", &[(0x0B80, 0x0BFF)]),
    ("Telugu", &[(0x0C00, 0x0C7F)]),
    ("Kannada", &[(0x0C80, 0x0CFF)]),
    ("Malayalam", &[(0x0D00, 0x0D7F)]),
    ("Sinhala", &[(0x0D80, 0x0DFF)]),
    ("Thai", &[(0x0E00, 0x0E7F)]),
    ("Lao", &[(0x0E80, 0x0EFF)]),
    ("Tibetan", &[(0x0F00, 0x0FFF)]),
    ("Myanmar", &[(0x1000, 0x109F)]),
    ("Georgian", &[(0x10A0, 0x10FF)]),
    ("HangulJamo", &[(0x1100, 0x11FF)]),
    ("Ethiopic", &[(0x1200, 0x137F)]),
    ("Cherokee", &[(0x13A0, 0x13FF)]),
    ("UnifiedCanadianAboriginalSyllabics", &[(0x1400, 0x167F)]),
    ("Ogham", &[(0x1680, 0x169F)]),
    ("Runic", &[(0x16A0, 0x16FF)]),
    ("Khmer", &[(0x1780, 0x17FF)]),
    ("Mongolian", &[(0x1800, 0x18AF)]),
    ("LatinExtendedAdditional", &[(0x1E00, 0x1EFF)]),
    ("GreekExtended", &[(0x1F00, 0x1FFF)]),
    ("GeneralPunctuation", &[(0x2000, 0x206F)]),
    ("SuperscriptsandSubscripts", &[(0x2070, 0x209F)]),
    ("CurrencySymbols", &[(0x20A0, 0x20CF)]),
    ("CombiningMarksforSymbols", &[(0x20D0, 0x20FF)]),
    ("LetterlikeSymbols", &[(0x2100, 0x214F)]),
    ("NumberForms", &[(0x2150, 0x218F)]),
    ("Arrows", &[(0x2190, 0x21FF)]),
    ("MathematicalOperators", &[(0x2200, 0x22FF)]),
    ("MiscellaneousTechnical", &[(0x2300, 0x23FF)]),
    ("ControlPictures", &[(0x2400, 0x243F)]),
    ("OpticalCharacterRecognition", &[(0x2440, 0x245F)]),
    ("EnclosedAlphanumerics", &[(0x2460, 0x24FF)]),
    ("BoxDrawing", &[(0x2500, 0x257F)]),
    ("BlockElements", &[(0x2580, 0x259F)]),
    ("GeometricShapes", &[(0x25A0, 0x25FF)]),
    ("MiscellaneousSymbols", &[(0x2600, 0x26FF)]),
    ("Dingbats", &[(0x2700, 0x27BF)]),
    ("BraillePatterns", &[(0x2800, 0x28FF)]),
    ("CJKRadicalsSupplement", &[(0x2E80, 0x2EFF)]),
    ("KangxiRadicals", &[(0x2F00, 0x2FDF)]),
    ("IdeographicDescriptionCharacters", &[(0x2FF0, 0x2FFF)]),
    ("CJKSymbolsandPunctuation", &[(0x3000, 0x303F)]),
    ("Hiragana", &[(0x3040, 0x309F)]),
    ("Katakana", &[(0x30A0, 0x30FF)]),
    ("Bopomofo", &[(0x3100, 0x312F)]),
    ("HangulCompatibilityJamo", &[(0x3130, 0x318F)]),
    ("Kanbun", &[(0x3190, 0x319F)]),
    ("BopomofoExtended", &[(0x31A0, 0x31BF)]),
    ("EnclosedCJKLettersandMonths", &[(0x3200, 0x32FF)]),
    ("CJKCompatibility", &[(0x3300, 0x33FF)]),
    ("CJKUnifiedIdeographsExtensionA", &[(0x3400, 0x4DB5)]),
    ("CJKUnifiedIdeographs", &[(0x4E00, 0x9FFF)]),
    ("YiSyllables", &[(0xA000, 0xA48F)]),
    ("YiRadicals", &[(0xA490, 0xA4CF)]),
    ("HangulSyllables", &[(0xAC00, 0xD7A3)]),
    ("HighSurrogates", &[]),
    ("HighPrivateUseSurrogates", &[]),
    ("LowSurrogates", &[]),
    // XSD 1.0 lists PrivateUse three times: the BMP area and planes 15/16.
    (
        "PrivateUse",
        &[(0xE000, 0xF8FF), (0xF0000, 0xFFFFD), (0x100000, 0x10FFFD)],
    ),
    ("CJKCompatibilityIdeographs", &[(0xF900, 0xFAFF)]),
    ("AlphabeticPresentationForms", &[(0xFB00, 0xFB4F)]),
    ("ArabicPresentationForms-A", &[(0xFB50, 0xFDFF)]),
    ("CombiningHalfMarks", &[(0xFE20, 0xFE2F)]),
    ("CJKCompatibilityForms", &[(0xFE30, 0xFE4F)]),
    ("SmallFormVariants", &[(0xFE50, 0xFE6F)]),
    ("ArabicPresentationForms-B", &[(0xFE70, 0xFEFE)]),
    // Specials is listed twice in XSD 1.0 as well.
    ("Specials", &[(0xFEFF, 0xFEFF), (0xFFF0, 0xFFFD)]),
    ("HalfwidthandFullwidthForms", &[(0xFF00, 0xFFEF)]),
    ("OldItalic", &[(0x10300, 0x1032F)]),
    ("Gothic", &[(0x10330, 0x1034F)]),
    ("Deseret", &[(0x10400, 0x1044F)]),
    ("ByzantineMusicalSymbols", &[(0x1D000, 0x1D0FF)]),
    ("MusicalSymbols", &[(0x1D100, 0x1D1FF)]),
    ("MathematicalAlphanumericSymbols", &[(0x1D400, 0x1D7FF)]),
    ("CJKUnifiedIdeographsExtensionB", &[(0x20000, 0x2A6D6)]),
    (
        "CJKCompatibilityIdeographsSupplement",
        &[(0x2F800, 0x2FA1F)],
    ),
    ("Tags", &[(0xE0000, 0xE007F)]),
];

// XML 1.0 (Second Edition) Appendix B character classes.

const XML_BASE_CHAR: &[(u32, u32)] = &[
    (0x0041, 0x005A),
    (0x0061, 0x007A),
    (0x00C0, 0x00D6),
    (0x00D8, 0x00F6),
    (0x00F8, 0x00FF),
    (0x0100, 0x0131),
    (0x0134, 0x013E),
    (0x0141, 0x0148),
    (0x014A, 0x017E),
    (0x0180, 0x01C3),
    (0x01CD, 0x01F0),
    (0x01F4, 0x01F5),
    (0x01FA, 0x0217),
    (0x0250, 0x02A8),
    (0x02BB, 0x02C1),
    (0x0386, 0x0386),
    (0x0388, 0x038A),
    (0x038C, 0x038C),
    (0x038E, 0x03A1),
    (0x03A3, 0x03CE),
    (0x03D0, 0x03D6),
    (0x03DA, 0x03DA),
    (0x03DC, 0x03DC),
    (0x03DE, 0x03DE),
    (0x03E0, 0x03E0),
    (0x03E2, 0x03F3),
    (0x0401, 0x040C),
    (0x040E, 0x044F),
    (0x0451, 0x045C),
    (0x045E, 0x0481),
    (0x0490, 0x04C4),
    (0x04C7, 0x04C8),
    (0x04CB, 0x04CC),
    (0x04D0, 0x04EB),
    (0x04EE, 0x04F5),
    (0x04F8, 0x04F9),
    (0x0531, 0x0556),
    (0x0559, 0x0559),
    (0x0561, 0x0586),
    (0x05D0, 0x05EA),
    (0x05F0, 0x05F2),
    (0x0621, 0x063A),
    (0x0641, 0x064A),
    (0x0671, 0x06B7),
    (0x06BA, 0x06BE),
    (0x06C0, 0x06CE),
    (0x06D0, 0x06D3),
    (0x06D5, 0x06D5),
    (0x06E5, 0x06E6),
    (0x0905, 0x0939),
    (0x093D, 0x093D),
    (0x0958, 0x0961),
    (0x0985, 0x098C),
    (0x098F, 0x0990),
    (0x0993, 0x09A8),
    (0x09AA, 0x09B0),
    (0x09B2, 0x09B2),
    (0x09B6, 0x09B9),
    (0x09DC, 0x09DD),
    (0x09DF, 0x09E1),
    (0x09F0, 0x09F1),
    (0x0A05, 0x0A0A),
    (0x0A0F, 0x0A10),
    (0x0A13, 0x0A28),
    (0x0A2A, 0x0A30),
    (0x0A32, 0x0A33),
    (0x0A35, 0x0A36),
    (0x0A38, 0x0A39),
    (0x0A59, 0x0A5C),
    (0x0A5E, 0x0A5E),
    (0x0A72, 0x0A74),
    (0x0A85, 0x0A8B),
    (0x0A8D, 0x0A8D),
    (0x0A8F, 0x0A91),
    (0x0A93, 0x0AA8),
    (0x0AAA, 0x0AB0),
    (0x0AB2, 0x0AB3),
    (0x0AB5, 0x0AB9),
    (0x0ABD, 0x0ABD),
    (0x0AE0, 0x0AE0),
    (0x0B05, 0x0B0C),
    (0x0B0F, 0x0B10),
    (0x0B13, 0x0B28),
    (0x0B2A, 0x0B30),
    (0x0B32, 0x0B33),
    (0x0B36, 0x0B39),
    (0x0B3D, 0x0B3D),
    (0x0B5C, 0x0B5D),
    (0x0B5F, 0x0B61),
    (0x0B85, 0x0B8A),
    (0x0B8E, 0x0B90),
    (0x0B92, 0x0B95),
    (0x0B99, 0x0B9A),
    (0x0B9C, 0x0B9C),
    (0x0B9E, 0x0B9F),
    (0x0BA3, 0x0BA4),
    (0x0BA8, 0x0BAA),
    (0x0BAE, 0x0BB5),
    (0x0BB7, 0x0BB9),
    (0x0C05, 0x0C0C),
    (0x0C0E, 0x0C10),
    (0x0C12, 0x0C28),
    (0x0C2A, 0x0C33),
    (0x0C35, 0x0C39),
    (0x0C60, 0x0C61),
    (0x0C85, 0x0C8C),
    (0x0C8E, 0x0C90),
    (0x0C92, 0x0CA8),
    (0x0CAA, 0x0CB3),
    (0x0CB5, 0x0CB9),
    (0x0CDE, 0x0CDE),
    (0x0CE0, 0x0CE1),
    (0x0D05, 0x0D0C),
    (0x0D0E, 0x0D10),
    (0x0D12, 0x0D28),
    (0x0D2A, 0x0D39),
    (0x0D60, 0x0D61),
    (0x0E01, 0x0E2E),
    (0x0E30, 0x0E30),
    (0x0E32, 0x0E33),
    (0x0E40, 0x0E45),
    (0x0E81, 0x0E82),
    (0x0E84, 0x0E84),
    (0x0E87, 0x0E88),
    (0x0E8A, 0x0E8A),
    (0x0E8D, 0x0E8D),
    (0x0E94, 0x0E97),
    (0x0E99, 0x0E9F),
    (0x0EA1, 0x0EA3),
    (0x0EA5, 0x0EA5),
    (0x0EA7, 0x0EA7),
    (0x0EAA, 0x0EAB),
    (0x0EAD, 0x0EAE),
    (0x0EB0, 0x0EB0),
    (0x0EB2, 0x0EB3),
    (0x0EBD, 0x0EBD),
    (0x0EC0, 0x0EC4),
    (0x0F40, 0x0F47),
    (0x0F49, 0x0F69),
    (0x10A0, 0x10C5),
    (0x10D0, 0x10F6),
    (0x1100, 0x1100),
    (0x1102, 0x1103),
    (0x1105, 0x1107),
    (0x1109, 0x1109),
    (0x110B, 0x110C),
    (0x110E, 0x1112),
    (0x113C, 0x113C),
    (0x113E, 0x113E),
    (0x1140, 0x1140),
    (0x114C, 0x114C),
    (0x114E, 0x114E),
    (0x1150, 0x1150),
    (0x1154, 0x1155),
    (0x1159, 0x1159),
    (0x115F, 0x1161),
    (0x1163, 0x1163),
    (0x1165, 0x1165),
    (0x1167, 0x1167),
    (0x1169, 0x1169),
    (0x116D, 0x116E),
    (0x1172, 0x1173),
    (0x1175, 0x1175),
    (0x119E, 0x119E),
    (0x11A8, 0x11A8),
    (0x11AB, 0x11AB),
    (0x11AE, 0x11AF),
    (0x11B7, 0x11B8),
    (0x11BA, 0x11BA),
    (0x11BC, 0x11C2),
    (0x11EB, 0x11EB),
    (0x11F0, 0x11F0),
    (0x11F9, 0x11F9),
    (0x1E00, 0x1E9B),
    (0x1EA0, 0x1EF9),
    (0x1F00, 0x1F15),
    (0x1F18, 0x1F1D),
    (0x1F20, 0x1F45),
    (0x1F48, 0x1F4D),
    (0x1F50, 0x1F57),
    (0x1F59, 0x1F59),
    (0x1F5B, 0x1F5B),
    (0x1F5D, 0x1F5D),
    (0x1F5F, 0x1F7D),
    (0x1F80, 0x1FB4),
    (0x1FB6, 0x1FBC),
    (0x1FBE, 0x1FBE),
    (0x1FC2, 0x1FC4),
    (0x1FC6, 0x1FCC),
    (0x1FD0, 0x1FD3),
    (0x1FD6, 0x1FDB),
    (0x1FE0, 0x1FEC),
    (0x1FF2, 0x1FF4),
    (0x1FF6, 0x1FFC),
    (0x2126, 0x2126),
    (0x212A, 0x212B),
    (0x212E, 0x212E),
    (0x2180, 0x2182),
    (0x3041, 0x3094),
    (0x30A1, 0x30FA),
    (0x3105, 0x312C),
    (0xAC00, 0xD7A3),
];

const XML_IDEOGRAPHIC: &[(u32, u32)] = &[(0x4E00, 0x9FA5), (0x3007, 0x3007), (0x3021, 0x3029)];

const XML_COMBINING_CHAR: &[(u32, u32)] = &[
    (0x0300, 0x0345),
    (0x0360, 0x0361),
    (0x0483, 0x0486),
    (0x0591, 0x05A1),
    (0x05A3, 0x05B9),
    (0x05BB, 0x05BD),
    (0x05BF, 0x05BF),
    (0x05C1, 0x05C2),
    (0x05C4, 0x05C4),
    (0x064B, 0x0652),
    (0x0670, 0x0670),
    (0x06D6, 0x06DC),
    (0x06DD, 0x06DF),
    (0x06E0, 0x06E4),
    (0x06E7, 0x06E8),
    (0x06EA, 0x06ED),
    (0x0901, 0x0903),
    (0x093C, 0x093C),
    (0x093E, 0x094C),
    (0x094D, 0x094D),
    (0x0951, 0x0954),
    (0x0962, 0x0963),
    (0x0981, 0x0983),
    (0x09BC, 0x09BC),
    (0x09BE, 0x09BE),
    (0x09BF, 0x09BF),
    (0x09C0, 0x09C4),
    (0x09C7, 0x09C8),
    (0x09CB, 0x09CD),
    (0x09D7, 0x09D7),
    (0x09E2, 0x09E3),
    (0x0A02, 0x0A02),
    (0x0A3C, 0x0A3C),
    (0x0A3E, 0x0A3E),
    (0x0A3F, 0x0A3F),
    (0x0A40, 0x0A42),
    (0x0A47, 0x0A48),
    (0x0A4B, 0x0A4D),
    (0x0A70, 0x0A71),
    (0x0A81, 0x0A83),
    (0x0ABC, 0x0ABC),
    (0x0ABE, 0x0AC5),
    (0x0AC7, 0x0AC9),
    (0x0ACB, 0x0ACD),
    (0x0B01, 0x0B03),
    (0x0B3C, 0x0B3C),
    (0x0B3E, 0x0B43),
    (0x0B47, 0x0B48),
    (0x0B4B, 0x0B4D),
    (0x0B56, 0x0B57),
    (0x0B82, 0x0B83),
    (0x0BBE, 0x0BC2),
    (0x0BC6, 0x0BC8),
    (0x0BCA, 0x0BCD),
    (0x0BD7, 0x0BD7),
    (0x0C01, 0x0C03),
    (0x0C3E, 0x0C44),
    (0x0C46, 0x0C48),
    (0x0C4A, 0x0C4D),
    (0x0C55, 0x0C56),
    (0x0C82, 0x0C83),
    (0x0CBE, 0x0CC4),
    (0x0CC6, 0x0CC8),
    (0x0CCA, 0x0CCD),
    (0x0CD5, 0x0CD6),
    (0x0D02, 0x0D03),
    (0x0D3E, 0x0D43),
    (0x0D46, 0x0D48),
    (0x0D4A, 0x0D4D),
    (0x0D57, 0x0D57),
    (0x0E31, 0x0E31),
    (0x0E34, 0x0E3A),
    (0x0E47, 0x0E4E),
    (0x0EB1, 0x0EB1),
    (0x0EB4, 0x0EB9),
    (0x0EBB, 0x0EBC),
    (0x0EC8, 0x0ECD),
    (0x0F18, 0x0F19),
    (0x0F35, 0x0F35),
    (0x0F37, 0x0F37),
    (0x0F39, 0x0F39),
    (0x0F3E, 0x0F3E),
    (0x0F3F, 0x0F3F),
    (0x0F71, 0x0F84),
    (0x0F86, 0x0F8B),
    (0x0F90, 0x0F95),
    (0x0F97, 0x0F97),
    (0x0F99, 0x0FAD),
    (0x0FB1, 0x0FB7),
    (0x0FB9, 0x0FB9),
    (0x20D0, 0x20DC),
    (0x20E1, 0x20E1),
    (0x302A, 0x302F),
    (0x3099, 0x3099),
    (0x309A, 0x309A),
];

const XML_DIGIT: &[(u32, u32)] = &[
    (0x0030, 0x0039),
    (0x0660, 0x0669),
    (0x06F0, 0x06F9),
    (0x0966, 0x096F),
    (0x09E6, 0x09EF),
    (0x0A66, 0x0A6F),
    (0x0AE6, 0x0AEF),
    (0x0B66, 0x0B6F),
    (0x0BE7, 0x0BEF),
    (0x0C66, 0x0C6F),
    (0x0CE6, 0x0CEF),
    (0x0D66, 0x0D6F),
    (0x0E50, 0x0E59),
    (0x0ED0, 0x0ED9),
    (0x0F20, 0x0F29),
];

const XML_EXTENDER: &[(u32, u32)] = &[
    (0x00B7, 0x00B7),
    (0x02D0, 0x02D1),
    (0x0387, 0x0387),
    (0x0640, 0x0640),
    (0x0E46, 0x0E46),
    (0x0EC6, 0x0EC6),
    (0x3005, 0x3005),
    (0x3031, 0x3035),
    (0x309D, 0x309E),
    (0x30FC, 0x30FE),
];

#[cfg(test)]
mod tests {
    use super::*;

    fn re(p: &str) -> XsdRegex {
        XsdRegex::new(p).unwrap_or_else(|e| panic!("{p:?} should compile: {e}"))
    }

    fn err(p: &str) -> RegexError {
        match XsdRegex::new(p) {
            Ok(r) => panic!("{p:?} should be rejected, got {:?}", r.translated()),
            Err(e) => e,
        }
    }

    fn yes(p: &str, values: &[&str]) {
        let r = re(p);
        for v in values {
            assert!(
                r.is_match(v),
                "{p:?} should match {v:?} ({})",
                r.translated()
            );
        }
    }

    fn no(p: &str, values: &[&str]) {
        let r = re(p);
        for v in values {
            assert!(
                !r.is_match(v),
                "{p:?} should not match {v:?} ({})",
                r.translated()
            );
        }
    }

    #[test]
    fn api_basics() {
        let r = re("a+");
        assert_eq!(r.source(), "a+");
        assert_eq!(r.translated(), "\\A(?:a+)\\z");
        assert_eq!(translate("a+").unwrap(), r.translated());
        fn send_sync<T: Send + Sync + Clone + std::fmt::Debug>() {}
        send_sync::<XsdRegex>();
        let e = err("a(");
        assert!(e.to_string().contains("at character 1"), "{e}");
        let _: &dyn std::error::Error = &e;
    }

    #[test]
    fn implicit_anchoring() {
        yes("abc", &["abc"]);
        no("abc", &["xabc", "abcx", "ab", "abc\n", ""]);
        yes("a|b", &["a", "b"]);
        no("a|b", &["ab", ""]);
        yes("", &[""]);
        no("", &["a", " ", "\n"]);
        yes("a|", &["a", ""]);
        no("a|", &["aa", "b"]);
        yes("|a", &["", "a"]);
        yes("()", &[""]);
    }

    #[test]
    fn caret_and_dollar_are_literals() {
        yes("^abc$", &["^abc$"]);
        no("^abc$", &["abc"]);
        yes("[$^]+", &["$^$"]);
        yes("a^b", &["a^b"]);
    }

    #[test]
    fn perl_syntax_is_rejected() {
        let e = err("^(?:100|[1-9]\\d?)$");
        assert_eq!(e.offset, 1);
        assert!(e.message.contains("(?"), "{e}");
        assert_eq!(err("(?i)a").offset, 0);
        assert_eq!(err("(?=a)").offset, 0);
        assert_eq!(err("a*?").offset, 2);
        assert_eq!(err("a+?").offset, 2);
        assert_eq!(err("a??").offset, 2);
        assert_eq!(err("a{2,3}?").offset, 6);
        assert_eq!(err("a++").offset, 2);
        assert_eq!(err("a**").offset, 2);
        assert_eq!(err("a{2}{3}").offset, 4);
        assert_eq!(err("(a)\\1").offset, 3);
        assert_eq!(err("\\bword").offset, 0);
        assert_eq!(err("x\\Ay").offset, 1);
        assert_eq!(err("x\\z").offset, 1);
        assert_eq!(err("a{,2}").offset, 2);
    }

    #[test]
    fn quantifiers() {
        yes("ab{2}c", &["abbc"]);
        no("ab{2}c", &["abc", "abbbc"]);
        yes("a{2,}", &["aa", "aaaaa"]);
        no("a{2,}", &["a"]);
        yes("a{1,3}", &["a", "aaa"]);
        no("a{1,3}", &["", "aaaa"]);
        yes("a{0}", &[""]);
        yes("a{0,0}b", &["b"]);
        yes("(ab)*c?d+", &["d", "ababcdd"]);
        no("(ab)*c?d+", &["abc", "aabd"]);
        assert_eq!(err("a{2,1}").offset, 4);
        assert_eq!(err("{1}a").offset, 0);
        assert_eq!(err("*a").offset, 0);
        assert_eq!(err("a|*").offset, 2);
        assert_eq!(err("(+)").offset, 1);
        err("a{");
        err("a{1");
        err("a{1,");
        err("a{1,2");
        err("a{x}");
        err("a{1 ,2}");
        err("a{99999999999}");
    }

    #[test]
    fn braces_and_brackets_must_be_escaped() {
        assert_eq!(err("{5").offset, 0);
        assert_eq!(err("a}").offset, 1);
        assert_eq!(err("a]").offset, 1);
        yes("\\{\\}\\[\\]", &["{}[]"]);
        yes("[{}]+", &["{}{"]);
    }

    #[test]
    fn groups() {
        yes("(a|b)c", &["ac", "bc"]);
        no("(a|b)c", &["c", "abc"]);
        yes("((a)|b(c)?)+", &["abcb", "a"]);
        assert_eq!(err("(a").offset, 0);
        assert_eq!(err("a)").offset, 1);
        assert_eq!(err("((a)").offset, 0);
        assert_eq!(err("(a))").offset, 3);
    }

    #[test]
    fn wildcard() {
        yes(".", &["a", " ", "\t", "é", "\u{10000}"]);
        no(".", &["\n", "\r", "", "ab"]);
        yes("[.]", &["."]);
        no("[.]", &["a"]);
        yes("\\.", &["."]);
        no("\\.", &["a"]);
    }

    #[test]
    fn single_char_escapes() {
        yes("\\n\\r\\t", &["\n\r\t"]);
        yes(
            "\\\\\\|\\.\\-\\^\\?\\*\\+\\{\\}\\(\\)\\[\\]",
            &["\\|.-^?*+{}()[]"],
        );
        yes(
            "[\\n\\r\\t\\\\\\|\\.\\-\\^\\?\\*\\+\\{\\}\\(\\)\\[\\]]+",
            &["\n\r\t\\|.-^?*+{}()[]"],
        );
        for bad in [
            "\\x41", "\\u0041", "\\a", "\\e", "\\f", "\\v", "\\$", "\\/", "\\#", "\\ ", "\\",
        ] {
            let e = err(bad);
            assert_eq!(e.offset, 0, "{bad:?}: {e}");
        }
        assert_eq!(err("[a\\y]").offset, 2);
    }

    #[test]
    fn regex_crate_metacharacters_are_literal() {
        yes("#&~ \"'%!@<>,;:=/`_", &["#&~ \"'%!@<>,;:=/`_"]);
        yes("[#&~ ]+", &["# &~"]);
        yes("[a&&b]+", &["a&&b"]);
        yes("[a~~b]+", &["a~~b"]);
        no("[a&&b]", &["c"]);
        yes("a b", &["a b"]);
        no("a b", &["ab"]);
        yes("\u{0}x", &["\u{0}x"]);
        yes("æøå", &["æøå"]);
        yes("[å-æ]", &["å", "æ"]);
    }

    #[test]
    fn multi_char_escapes() {
        yes("\\s+", &[" \t\n\r"]);
        no("\\s", &["\u{A0}", "\u{2003}", "a", "\u{B}", "\u{C}"]);
        yes("\\S", &["a", "\u{A0}"]);
        no("\\S", &[" ", "\n"]);
        yes("\\d+", &["0123456789", "\u{660}", "\u{FF10}"]);
        no("\\d", &["a", "\u{B2}", "\u{2160}"]);
        yes("\\D", &["a", "\u{B2}"]);
        no("\\D", &["5"]);
        yes(
            "\\w+",
            &["abc", "ABC", "123", "é", "\u{2160}", "+", "$", "^"],
        );
        no(
            "\\w",
            &[
                "_", ".", "-", " ", "\u{A0}", "\n", "\u{200E}", "!", "\u{E000}",
            ],
        );
        yes("\\W", &["_", ".", " ", "\u{E000}"]);
        no("\\W", &["a", "+"]);
        yes(
            "\\i",
            &["a", "Z", "_", ":", "\u{C0}", "\u{4E00}", "\u{AC00}"],
        );
        no(
            "\\i",
            &["-", ".", "1", "\u{B7}", "\u{300}", " ", "\u{10000}"],
        );
        yes("\\I", &["-", "1", " "]);
        no("\\I", &["a", "_", ":"]);
        yes("\\c+", &["a-b.c_d:e1\u{B7}\u{300}\u{660}\u{3005}"]);
        no("\\c", &[" ", "/", "@", "\u{D7}", "\u{F7}", "\u{10000}"]);
        // U+0346 became a name character only in XML 1.0 Fifth Edition.
        no("\\c", &["\u{346}"]);
        yes("\\C", &[" ", "@"]);
        no("\\C", &["a", "-"]);
        yes("\\i\\c*", &["xs:element", "_a-1"]);
        no("\\i\\c*", &["1abc", "-a"]);
    }

    #[test]
    fn category_escapes() {
        yes("\\p{L}+", &["abcÆΩ"]);
        no("\\p{L}", &["1", " "]);
        yes("\\p{Lu}", &["A", "Ω"]);
        no("\\p{Lu}", &["a"]);
        yes("\\p{Ll}", &["a"]);
        yes("\\p{Lt}", &["\u{1C5}"]);
        yes("\\p{Lm}", &["\u{2B0}"]);
        yes("\\p{Lo}", &["\u{5D0}"]);
        yes(
            "\\p{M}\\p{Mn}\\p{Mc}\\p{Me}",
            &["\u{300}\u{300}\u{903}\u{20DD}"],
        );
        yes("\\p{N}\\p{Nd}\\p{Nl}\\p{No}", &["1\u{661}\u{2160}\u{B2}"]);
        yes(
            "\\p{P}\\p{Pc}\\p{Pd}\\p{Ps}\\p{Pe}\\p{Pi}\\p{Pf}\\p{Po}",
            &["!_-()\u{AB}\u{BB}!"],
        );
        yes("\\p{Z}\\p{Zs}\\p{Zl}\\p{Zp}", &["  \u{2028}\u{2029}"]);
        yes("\\p{S}\\p{Sm}\\p{Sc}\\p{Sk}\\p{So}", &["++$^\u{A9}"]);
        yes(
            "\\p{C}\\p{Cc}\\p{Cf}\\p{Co}",
            &["\u{0}\u{1}\u{200E}\u{E000}"],
        );
        yes("\\p{Cn}", &["\u{378}"]);
        no("\\p{Cn}", &["a"]);
        yes("\\P{Lu}", &["a", "1"]);
        no("\\P{Lu}", &["A"]);
        yes("\\P{Cn}", &["a"]);
        yes("[\\p{Lu}\\d]+", &["A1B2"]);
        yes("[^\\p{Lu}]", &["a"]);
        no("[^\\p{Lu}]", &["A"]);
        // XSD names are case-sensitive and Cs is deliberately absent.
        for bad in [
            "\\p{lu}",
            "\\p{LU}",
            "\\p{Cs}",
            "\\p{Letter}",
            "\\p{Lx}",
            "\\p{}",
            "\\p{ L}",
            "\\p{L",
            "\\pL",
            "\\p",
            "\\P{Greek}",
            "\\p{Latin}",
            "\\p{Is}",
        ] {
            let e = err(bad);
            assert_eq!(e.offset, 0, "{bad:?}: {e}");
        }
    }

    #[test]
    fn block_escapes() {
        yes("\\p{IsBasicLatin}+", &["az\u{0}\u{7F}"]);
        no("\\p{IsBasicLatin}", &["\u{80}"]);
        yes("\\P{IsBasicLatin}", &["\u{80}", "\u{10000}"]);
        no("\\P{IsBasicLatin}", &["a"]);
        yes("\\p{IsLatin-1Supplement}", &["é", "\u{80}", "\u{FF}"]);
        yes(
            "\\p{IsLatinExtended-A}\\p{IsLatinExtended-B}",
            &["\u{100}\u{180}"],
        );
        yes("\\p{IsGreek}", &["α", "\u{370}", "\u{3FF}"]);
        no("\\p{IsGreek}", &["\u{400}", "\u{1F00}"]);
        yes("\\p{IsCJKUnifiedIdeographs}", &["\u{4E00}", "\u{9FFF}"]);
        no("\\p{IsCJKUnifiedIdeographs}", &["\u{3400}"]);
        yes(
            "\\p{IsCJKUnifiedIdeographsExtensionA}",
            &["\u{3400}", "\u{4DB5}"],
        );
        yes("\\p{IsArabicPresentationForms-B}", &["\u{FE70}"]);
        yes(
            "\\p{IsPrivateUse}",
            &["\u{E000}", "\u{F8FF}", "\u{F0000}", "\u{10FFFD}"],
        );
        no("\\p{IsPrivateUse}", &["\u{F900}", "a"]);
        yes("\\p{IsSpecials}", &["\u{FEFF}", "\u{FFFD}"]);
        yes("\\p{IsTags}", &["\u{E0041}"]);
        yes("\\p{IsCJKUnifiedIdeographsExtensionB}", &["\u{20000}"]);
        yes("[\\p{IsGreek}\\p{IsCyrillic}]+", &["αж"]);
        yes("[\\p{IsGreek}-[\\P{Lu}]]+", &["ΑΩ"]);
        no("[\\p{IsGreek}-[\\P{Lu}]]", &["α", "A"]);
        for bad in [
            "\\p{IsFoo}",
            "\\p{Isbasiclatin}",
            "\\p{IsBasic Latin}",
            "\\p{IsGreekandCoptic}",
            "\\p{IsaA0-a9}",
        ] {
            assert_eq!(err(bad).offset, 0, "{bad:?}");
        }
        // Every table entry must compile on its own and in a class.
        for (name, _) in BLOCKS {
            re(&format!("\\p{{Is{name}}}"));
            re(&format!("[^\\P{{Is{name}}}a]"));
        }
    }

    #[test]
    fn surrogate_blocks_match_nothing() {
        for name in [
            "IsHighSurrogates",
            "IsLowSurrogates",
            "IsHighPrivateUseSurrogates",
        ] {
            let p = format!("\\p{{{name}}}");
            no(&p, &["", "a", "\u{D7FF}", "\u{E000}", "\u{10000}"]);
            yes(&format!("{p}?"), &[""]);
            yes(&format!("[a{p}]"), &["a"]);
            no(&format!("[a{p}]"), &["b"]);
            yes(&format!("\\P{{{name}}}"), &["a", "\u{10000}"]);
            yes(&format!("[^{p}]"), &["a"]);
        }
    }

    #[test]
    fn character_classes() {
        yes("[abc]", &["a", "c"]);
        no("[abc]", &["d", ""]);
        yes("[a-z0-9]+", &["abc123"]);
        no("[a-z0-9]", &["A", "-"]);
        yes("[^a-z]", &["A", "1", "\n"]);
        no("[^a-z]", &["a", "m"]);
        yes("[^^]", &["a"]);
        no("[^^]", &["^"]);
        yes("[a^]", &["^", "a"]);
        yes("[\\^a]", &["^"]);
        yes("[\\]\\[]", &["]", "["]);
        yes("[\\s\\d]+", &[" 1\t2"]);
        yes("[^\\s]", &["a"]);
        no("[^\\s]", &[" "]);
        yes("[\\n-\\r]", &["\u{B}"]);
        yes("[\\--/]", &["-", ".", "/"]);
        yes("[+-\\-]", &["+", ",", "-"]);
        yes("[a-a]", &["a"]);
        yes("[\u{10000}-\u{10FFFF}]", &["\u{10400}"]);
        assert_eq!(err("[]").offset, 1);
        assert_eq!(err("[^]").offset, 2);
        assert_eq!(err("[a").offset, 0);
        assert_eq!(err("[a-").offset, 0);
        assert_eq!(err("[z-a]").offset, 1);
        assert_eq!(err("[a[b]]").offset, 2);
        assert_eq!(err("[[a]]").offset, 1);
        assert_eq!(err("[a-\\d]").offset, 3);
        assert_eq!(err("[\\d-z]").offset, 1);
        assert_eq!(err("[\\p{L}-z]").offset, 1);
        assert_eq!(err("[a-\\p{L}]").offset, 3);
        err("[a-[]");
        err("[a]]");
    }

    #[test]
    fn hyphen_rules() {
        yes("[a-]", &["a", "-"]);
        yes("[-a]", &["a", "-"]);
        yes("[-]", &["-"]);
        yes("[^-a]", &["b"]);
        no("[^-a]", &["-", "a"]);
        yes("[a-z-]", &["-", "q"]);
        yes("[\\-a-c]", &["-", "b"]);
        yes("[a\\-z]", &["-", "a", "z"]);
        no("[a\\-z]", &["b"]);
        // XSD 1.0 errata: '-' elsewhere is an error, including as a range end.
        assert_eq!(err("[--z]").offset, 2);
        assert_eq!(err("[a-b-c]").offset, 4);
        assert_eq!(err("[a--b]").offset, 3);
        assert_eq!(err("[+--]").offset, 3);
        assert_eq!(err("[\\d-a]").offset, 1);
        // ...but a literal '-' may end the group right before a subtraction.
        yes("[a-z--[b-z]]", &["a", "-"]);
        yes("[a--[b]]", &["a", "-"]);
        no("[a--[b]]", &["b"]);
        yes("[\\d--[5]]", &["4", "-"]);
        no("[\\d--[5]]", &["5"]);
        no("[a-z--[b-z]]", &["b", "z"]);
    }

    #[test]
    fn class_subtraction() {
        yes("[a-z-[aeiou]]+", &["bcdfg", "xyz"]);
        no("[a-z-[aeiou]]", &["a", "e", "-", "["]);
        yes("[a-z-[b-y-[c-x]]]", &["a", "c", "x", "z"]);
        no("[a-z-[b-y-[c-x]]]", &["b", "y"]);
        yes("[^a-z-[0-9]]", &["A", "-"]);
        no("[^a-z-[0-9]]", &["a", "5"]);
        yes("[\\p{Ll}-[aeiou]]", &["b"]);
        no("[\\p{Ll}-[aeiou]]", &["a", "B"]);
        yes("[\\w-[\\s]]", &["a"]);
        yes("[\\i-[:]][\\c-[:]]*", &["ab", "a-b"]);
        no("[\\i-[:]][\\c-[:]]*", &[":a", "a:b"]);
        yes("[\\P{Lu}-[\\p{Lu}]]+", &["abc"]);
        yes("[abc-[^b]]", &["b"]);
        no("[abc-[^b]]", &["a", "c"]);
        // Nothing may follow the subtracted class inside the outer one.
        assert_eq!(err("[a-z-[aeiou]x]").offset, 12);
        assert_eq!(err("[a-z-[aeiou]").offset, 12);
        err("[-[a]]");
        err("[a-z-[]]");
    }

    #[test]
    fn subtraction_is_not_a_union() {
        // A naive translation to the regex crate's `[a-z-[aeiou]]` would be a union.
        let r = re("[a-c-[b]]");
        assert!(r.is_match("a") && r.is_match("c"));
        assert!(!r.is_match("b"));
        assert!(!r.is_match("-"));
    }

    #[test]
    fn w3c_samples() {
        yes("(\\d{3})-(\\d{3})-(\\d{4})", &["425-555-1212"]);
        yes(
            "\\p{Nd}{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d",
            &["2001-06-06T12:12:00"],
        );
        yes("[\\-+]?\\d+(\\.\\d+)?", &["-1.5", "+3"]);
        yes(
            "(((((boy)|(girl))[0-1][x-z]{2})?)|(man|woman)[0-1]?[y|n])*",
            &["", "boy0xx", "girl1xymany"],
        );
        no(
            "(((((boy)|(girl))[0-1][x-z]{2})?)|(man|woman)[0-1]?[y|n])*",
            &["boyxx", "boy0xxwoman1ygirl1xyman"],
        );
        yes(
            "(\\t|\\s)a(\\r\\n|\\r|\\n|\\s)+(\\s|\\t)b(\\s|\\r\\n|\\r|\\n)*",
            &[" a  b "],
        );
        yes("       a|b      ", &["       a", "b      "]);
        no("       a|b      ", &["a"]);
    }

    #[test]
    fn offsets_count_characters_not_bytes() {
        assert_eq!(err("ææ(").offset, 2);
        assert_eq!(err("€€[z-a]").offset, 3);
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let deep = format!("{}a{}", "(".repeat(10_000), ")".repeat(10_000));
        assert!(err(&deep).message.contains("nested"));
        let deep_class = format!("[a{}]", "-[a".repeat(10_000));
        assert!(XsdRegex::new(&deep_class).is_err());
        let ok = format!("{}a{}", "(".repeat(50), ")*".repeat(50));
        yes(&ok, &["aaa"]);
    }

    #[test]
    fn oversized_programs_are_errors() {
        let e = err("(((a{1000}){1000}){1000})");
        assert!(e.message.contains("compiled"), "{e}");
        // translate() is syntax-only and accepts it.
        assert!(translate("(((a{1000}){1000}){1000})").is_ok());
    }

    #[test]
    fn odd_inputs_never_panic() {
        // Deterministic xorshift so failures are reproducible.
        let mut state: u64 = 0x2545_F491_4F6C_DD1D;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        const ALPHABET: &[char] = &[
            '\\',
            '[',
            ']',
            '(',
            ')',
            '{',
            '}',
            '-',
            '^',
            '$',
            '?',
            '*',
            '+',
            '|',
            '.',
            ',',
            '0',
            '1',
            '9',
            'a',
            'z',
            'p',
            'P',
            'I',
            's',
            'i',
            'c',
            'd',
            'w',
            'n',
            'L',
            'u',
            'B',
            '#',
            '&',
            '~',
            ' ',
            'é',
            '\u{0}',
            '\u{FFFF}',
            '\u{10FFFF}',
        ];
        const SEEDS: &[&str] = &[
            "\\p{IsBasicLatin}",
            "[a-z-[aeiou]]",
            "\\p{Lu}",
            "a{2,3}",
            "(a|b)*",
            "[^\\s\\d]",
            "\\i\\c*",
        ];
        for round in 0..5_000 {
            let mut p = String::new();
            if round % 3 == 0 {
                p.push_str(SEEDS[(next() as usize) % SEEDS.len()]);
            }
            let len = (next() % 12) as usize;
            for _ in 0..len {
                let c = ALPHABET[(next() as usize) % ALPHABET.len()];
                let at = (next() as usize) % (p.chars().count() + 1);
                let byte = p.char_indices().nth(at).map_or(p.len(), |(b, _)| b);
                p.insert(byte, c);
            }
            match translate(&p) {
                Ok(t) => {
                    // Whatever we accept must be valid regex-crate syntax.
                    let r = XsdRegex::new(&p)
                        .unwrap_or_else(|e| panic!("{p:?} -> {t:?} did not compile: {e}"));
                    let _ = r.is_match(&p);
                }
                Err(e) => assert!(e.offset <= p.chars().count(), "{p:?}: {e}"),
            }
        }
    }
}
