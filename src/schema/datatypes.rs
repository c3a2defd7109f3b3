//! XSD 1.0 built-in datatypes (XML Schema Part 2, second edition).
//!
//! Exact lexical spaces, value spaces, equality, order and the measures the facets need.
//! Everything here is std-only and exact: decimals and integers are unbounded digit
//! strings, fractional seconds keep every digit, and date/time values with and without a
//! time zone are ordered by the spec's partial order (§3.2.7.4).
//!
//! The hot path (string, token, decimal, integer, date, boolean) avoids heap allocation:
//! [`validate`] checks a lexical form without building a value at all, and [`parse`] only
//! allocates where the value itself owns text (strings, names, URIs, binary data).

use std::borrow::Cow;
use std::cmp::Ordering;
use std::fmt::{self, Write as _};

// ---------------------------------------------------------------------------------------
// The built-in type hierarchy
// ---------------------------------------------------------------------------------------

/// A built-in type of XSD 1.0.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Builtin {
    AnyType,
    AnySimpleType,
    String,
    NormalizedString,
    Token,
    Language,
    Name,
    NCName,
    Id,
    IdRef,
    IdRefs,
    Entity,
    Entities,
    NmToken,
    NmTokens,
    QName,
    Notation,
    AnyUri,
    Boolean,
    Decimal,
    Integer,
    NonPositiveInteger,
    NegativeInteger,
    Long,
    Int,
    Short,
    Byte,
    NonNegativeInteger,
    UnsignedLong,
    UnsignedInt,
    UnsignedShort,
    UnsignedByte,
    PositiveInteger,
    Float,
    Double,
    Duration,
    DateTime,
    Time,
    Date,
    GYearMonth,
    GYear,
    GMonthDay,
    GDay,
    GMonth,
    HexBinary,
    Base64Binary,
}

impl Builtin {
    /// Every built-in type, in the order of the enum.
    pub const ALL: [Builtin; 46] = {
        use Builtin::*;
        [
            AnyType,
            AnySimpleType,
            String,
            NormalizedString,
            Token,
            Language,
            Name,
            NCName,
            Id,
            IdRef,
            IdRefs,
            Entity,
            Entities,
            NmToken,
            NmTokens,
            QName,
            Notation,
            AnyUri,
            Boolean,
            Decimal,
            Integer,
            NonPositiveInteger,
            NegativeInteger,
            Long,
            Int,
            Short,
            Byte,
            NonNegativeInteger,
            UnsignedLong,
            UnsignedInt,
            UnsignedShort,
            UnsignedByte,
            PositiveInteger,
            Float,
            Double,
            Duration,
            DateTime,
            Time,
            Date,
            GYearMonth,
            GYear,
            GMonthDay,
            GDay,
            GMonth,
            HexBinary,
            Base64Binary,
        ]
    };

    /// The built-in named `name` in the XSD namespace ("decimal", "ID", "anyType", ...).
    pub fn from_local_name(name: &str) -> Option<Builtin> {
        use Builtin::*;
        Some(match name {
            "anyType" => AnyType,
            "anySimpleType" => AnySimpleType,
            "string" => String,
            "normalizedString" => NormalizedString,
            "token" => Token,
            "language" => Language,
            "Name" => Name,
            "NCName" => NCName,
            "ID" => Id,
            "IDREF" => IdRef,
            "IDREFS" => IdRefs,
            "ENTITY" => Entity,
            "ENTITIES" => Entities,
            "NMTOKEN" => NmToken,
            "NMTOKENS" => NmTokens,
            "QName" => QName,
            "NOTATION" => Notation,
            "anyURI" => AnyUri,
            "boolean" => Boolean,
            "decimal" => Decimal,
            "integer" => Integer,
            "nonPositiveInteger" => NonPositiveInteger,
            "negativeInteger" => NegativeInteger,
            "long" => Long,
            "int" => Int,
            "short" => Short,
            "byte" => Byte,
            "nonNegativeInteger" => NonNegativeInteger,
            "unsignedLong" => UnsignedLong,
            "unsignedInt" => UnsignedInt,
            "unsignedShort" => UnsignedShort,
            "unsignedByte" => UnsignedByte,
            "positiveInteger" => PositiveInteger,
            "float" => Float,
            "double" => Double,
            "duration" => Duration,
            "dateTime" => DateTime,
            "time" => Time,
            "date" => Date,
            "gYearMonth" => GYearMonth,
            "gYear" => GYear,
            "gMonthDay" => GMonthDay,
            "gDay" => GDay,
            "gMonth" => GMonth,
            "hexBinary" => HexBinary,
            "base64Binary" => Base64Binary,
            _ => return None,
        })
    }

    /// The local name in the XSD namespace.
    pub fn local_name(self) -> &'static str {
        use Builtin::*;
        match self {
            AnyType => "anyType",
            AnySimpleType => "anySimpleType",
            String => "string",
            NormalizedString => "normalizedString",
            Token => "token",
            Language => "language",
            Name => "Name",
            NCName => "NCName",
            Id => "ID",
            IdRef => "IDREF",
            IdRefs => "IDREFS",
            Entity => "ENTITY",
            Entities => "ENTITIES",
            NmToken => "NMTOKEN",
            NmTokens => "NMTOKENS",
            QName => "QName",
            Notation => "NOTATION",
            AnyUri => "anyURI",
            Boolean => "boolean",
            Decimal => "decimal",
            Integer => "integer",
            NonPositiveInteger => "nonPositiveInteger",
            NegativeInteger => "negativeInteger",
            Long => "long",
            Int => "int",
            Short => "short",
            Byte => "byte",
            NonNegativeInteger => "nonNegativeInteger",
            UnsignedLong => "unsignedLong",
            UnsignedInt => "unsignedInt",
            UnsignedShort => "unsignedShort",
            UnsignedByte => "unsignedByte",
            PositiveInteger => "positiveInteger",
            Float => "float",
            Double => "double",
            Duration => "duration",
            DateTime => "dateTime",
            Time => "time",
            Date => "date",
            GYearMonth => "gYearMonth",
            GYear => "gYear",
            GMonthDay => "gMonthDay",
            GDay => "gDay",
            GMonth => "gMonth",
            HexBinary => "hexBinary",
            Base64Binary => "base64Binary",
        }
    }

    /// The base type in the built-in hierarchy (`None` only for anyType).
    /// The built-in list types derive from anySimpleType.
    pub fn base(self) -> Option<Builtin> {
        use Builtin::*;
        Some(match self {
            AnyType => return None,
            AnySimpleType => AnyType,
            NormalizedString => String,
            Token => NormalizedString,
            Language | Name | NmToken => Token,
            NCName => Name,
            Id | IdRef | Entity => NCName,
            Integer => Decimal,
            NonPositiveInteger | Long | NonNegativeInteger => Integer,
            NegativeInteger => NonPositiveInteger,
            Int => Long,
            Short => Int,
            Byte => Short,
            UnsignedLong | PositiveInteger => NonNegativeInteger,
            UnsignedInt => UnsignedLong,
            UnsignedShort => UnsignedInt,
            UnsignedByte => UnsignedShort,
            String | QName | Notation | AnyUri | Boolean | Decimal | Float | Double | Duration
            | DateTime | Time | Date | GYearMonth | GYear | GMonthDay | GDay | GMonth
            | HexBinary | Base64Binary | IdRefs | Entities | NmTokens => AnySimpleType,
        })
    }

    /// The primitive type this type is derived from. anyType, anySimpleType, the
    /// primitives and the list types (see [`Builtin::item_type`]) return themselves.
    pub fn primitive(self) -> Builtin {
        let mut t = self;
        loop {
            match t.base() {
                Some(Builtin::AnySimpleType | Builtin::AnyType) | None => return t,
                Some(b) => t = b,
            }
        }
    }

    /// The item type of the built-in list types (IDREFS, ENTITIES, NMTOKENS).
    pub fn item_type(self) -> Option<Builtin> {
        match self {
            Builtin::IdRefs => Some(Builtin::IdRef),
            Builtin::Entities => Some(Builtin::Entity),
            Builtin::NmTokens => Some(Builtin::NmToken),
            _ => None,
        }
    }

    /// True for the built-in list types.
    pub fn is_list(self) -> bool {
        self.item_type().is_some()
    }

    /// True for the 19 primitive types.
    pub fn is_primitive(self) -> bool {
        self.base() == Some(Builtin::AnySimpleType) && !self.is_list()
    }

    /// Reflexive derivation check along [`Builtin::base`].
    pub fn derives_from(self, other: Builtin) -> bool {
        let mut t = Some(self);
        while let Some(x) = t {
            if x == other {
                return true;
            }
            t = x.base();
        }
        false
    }

    /// The whiteSpace facet value fixed (or defaulted) for this type.
    pub fn whitespace(self) -> WhiteSpace {
        match self {
            Builtin::AnyType | Builtin::AnySimpleType | Builtin::String => WhiteSpace::Preserve,
            Builtin::NormalizedString => WhiteSpace::Replace,
            _ => WhiteSpace::Collapse,
        }
    }

    /// Whether the type's primitive is ordered (numeric or date/time/duration), i.e. the
    /// min/max facets apply.
    pub fn is_ordered_numeric_or_temporal(self) -> bool {
        use Builtin::*;
        matches!(
            self.primitive(),
            Decimal
                | Float
                | Double
                | Duration
                | DateTime
                | Time
                | Date
                | GYearMonth
                | GYear
                | GMonthDay
                | GDay
                | GMonth
        )
    }

    /// Whether totalDigits/fractionDigits apply (the decimal family).
    pub fn is_decimal_family(self) -> bool {
        self.primitive() == Builtin::Decimal
    }

    /// The minInclusive/maxInclusive the built-in integer types impose (e.g. -128..=127
    /// for byte), for checking that a restriction's bounds stay inside them.
    pub fn implicit_bounds(self) -> (Option<Value>, Option<Value>) {
        let (lo, hi) = self.integer_bounds();
        let v = |x: i128| Value::Decimal(self::Decimal::from_i128(x));
        (lo.map(v), hi.map(v))
    }

    /// The minLength the built-in list types impose (1), if any.
    pub fn implicit_min_length(self) -> Option<u64> {
        self.is_list().then_some(1)
    }

    /// The fixed fractionDigits (0) of xs:integer and its descendants.
    pub fn implicit_fraction_digits(self) -> Option<u32> {
        self.derives_from(Builtin::Integer).then_some(0)
    }

    /// Inclusive bounds of the built-in integer types (`None` = unbounded side).
    fn integer_bounds(self) -> (Option<i128>, Option<i128>) {
        use Builtin::*;
        match self {
            NonPositiveInteger => (None, Some(0)),
            NegativeInteger => (None, Some(-1)),
            Long => (Some(i64::MIN.into()), Some(i64::MAX.into())),
            Int => (Some(i32::MIN.into()), Some(i32::MAX.into())),
            Short => (Some(i16::MIN.into()), Some(i16::MAX.into())),
            Byte => (Some(i8::MIN.into()), Some(i8::MAX.into())),
            NonNegativeInteger => (Some(0), None),
            UnsignedLong => (Some(0), Some(u64::MAX.into())),
            UnsignedInt => (Some(0), Some(u32::MAX.into())),
            UnsignedShort => (Some(0), Some(u16::MAX.into())),
            UnsignedByte => (Some(0), Some(u8::MAX.into())),
            PositiveInteger => (Some(1), None),
            _ => (None, None),
        }
    }
}

impl fmt::Display for Builtin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.local_name())
    }
}

// ---------------------------------------------------------------------------------------
// Whitespace
// ---------------------------------------------------------------------------------------

/// The whiteSpace facet.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WhiteSpace {
    Preserve,
    Replace,
    Collapse,
}

/// Apply a whiteSpace facet. Borrows whenever the input is already normal, which is the
/// overwhelmingly common case.
pub fn normalize_whitespace(s: &str, ws: WhiteSpace) -> Cow<'_, str> {
    match ws {
        WhiteSpace::Preserve => Cow::Borrowed(s),
        WhiteSpace::Replace => {
            if s.bytes().any(|b| matches!(b, b'\t' | b'\n' | b'\r')) {
                Cow::Owned(
                    s.chars()
                        .map(|c| {
                            if matches!(c, '\t' | '\n' | '\r') {
                                ' '
                            } else {
                                c
                            }
                        })
                        .collect(),
                )
            } else {
                Cow::Borrowed(s)
            }
        }
        WhiteSpace::Collapse => {
            let t = s.trim_matches(|c| matches!(c, ' ' | '\t' | '\n' | '\r'));
            let mut prev_space = false;
            let mut clean = true;
            for b in t.bytes() {
                match b {
                    b'\t' | b'\n' | b'\r' => {
                        clean = false;
                        break;
                    }
                    b' ' if prev_space => {
                        clean = false;
                        break;
                    }
                    _ => prev_space = b == b' ',
                }
            }
            if clean {
                return Cow::Borrowed(t);
            }
            let mut out = String::with_capacity(t.len());
            for part in t.split(|c| matches!(c, ' ' | '\t' | '\n' | '\r')) {
                if part.is_empty() {
                    continue;
                }
                if !out.is_empty() {
                    out.push(' ');
                }
                out.push_str(part);
            }
            Cow::Owned(out)
        }
    }
}

// ---------------------------------------------------------------------------------------
// Values
// ---------------------------------------------------------------------------------------

/// A value in the value space of a built-in type. Types derived from the same primitive
/// share a variant (an xs:byte is a `Decimal`), so values compare across them as the spec
/// requires; different primitives never compare equal.
#[derive(Clone, Debug)]
pub enum Value {
    /// string and everything derived from it (token, Name, ID, ...), and anySimpleType.
    String(String),
    AnyUri(String),
    Bool(bool),
    /// decimal and all the integer types.
    Decimal(Decimal),
    Float(f32),
    Double(f64),
    Duration(Duration),
    /// dateTime, time, date and the g* types; [`DateTime::kind`] tells which.
    DateTime(DateTime),
    HexBinary(Vec<u8>),
    Base64Binary(Vec<u8>),
    QName {
        ns: Option<String>,
        local: String,
    },
    Notation {
        ns: Option<String>,
        local: String,
    },
    /// The built-in list types (and user list types built by the caller).
    List(Vec<Value>),
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&canonical(self))
    }
}

/// Longest excerpt of an offending value quoted in an error message.
const MAX_QUOTE: usize = 64;

fn quote(s: &str) -> Cow<'_, str> {
    if s.len() <= MAX_QUOTE {
        return Cow::Borrowed(s);
    }
    let mut end = MAX_QUOTE;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    Cow::Owned(format!("{}...", &s[..end]))
}

fn invalid(b: Builtin, s: &str) -> String {
    format!("'{}' is not a valid xs:{}", quote(s), b.local_name())
}

fn invalid_because(b: Builtin, s: &str, why: &str) -> String {
    format!("'{}' is not a valid xs:{}: {why}", quote(s), b.local_name())
}

const XML_NS: &str = "http://www.w3.org/XML/1998/namespace";

/// Parse `normalized` (already whitespace-normalized per the type) into a value of `b`.
///
/// `resolve_prefix` maps a QName/NOTATION prefix to its namespace (`""` = the default
/// namespace; `None` = undeclared). List built-ins parse every item.
pub fn parse(
    b: Builtin,
    normalized: &str,
    resolve_prefix: &dyn Fn(&str) -> Option<String>,
) -> Result<Value, String> {
    use Builtin::*;
    let s = normalized;
    match b {
        AnyType | AnySimpleType | String => Ok(Value::String(s.to_owned())),
        NormalizedString | Token | Language | Name | NCName | Id | IdRef | Entity | NmToken => {
            check_string(b, s)?;
            Ok(Value::String(s.to_owned()))
        }
        IdRefs | Entities | NmTokens => {
            let item = b.item_type().unwrap_or(NmToken);
            let mut items = Vec::new();
            for part in list_items(s) {
                check_string(item, part).map_err(|e| list_error(b, e))?;
                items.push(Value::String(part.to_owned()));
            }
            if items.is_empty() {
                return Err(invalid_because(b, s, "a list needs at least one item"));
            }
            Ok(Value::List(items))
        }
        QName | Notation => {
            let (ns, local) = parse_qname(b, s, resolve_prefix)?;
            let local = local.to_owned();
            Ok(if b == QName {
                Value::QName { ns, local }
            } else {
                Value::Notation { ns, local }
            })
        }
        AnyUri => {
            check_any_uri(s).map_err(|why| invalid_because(b, s, why))?;
            Ok(Value::AnyUri(s.to_owned()))
        }
        Boolean => parse_boolean(s)
            .map(Value::Bool)
            .ok_or_else(|| invalid(b, s)),
        Decimal => self::Decimal::parse(s)
            .map(Value::Decimal)
            .ok_or_else(|| invalid(b, s)),
        Integer | NonPositiveInteger | NegativeInteger | Long | Int | Short | Byte
        | NonNegativeInteger | UnsignedLong | UnsignedInt | UnsignedShort | UnsignedByte
        | PositiveInteger => parse_integer(b, s).map(Value::Decimal),
        Float => parse_float(s)
            .map(Value::Float)
            .ok_or_else(|| invalid(b, s)),
        Double => parse_double(s)
            .map(Value::Double)
            .ok_or_else(|| invalid(b, s)),
        Duration => self::Duration::parse(s)
            .map(Value::Duration)
            .map_err(|why| invalid_because(b, s, why)),
        DateTime | Time | Date | GYearMonth | GYear | GMonthDay | GDay | GMonth => {
            self::DateTime::parse(b, s)
                .map(Value::DateTime)
                .map_err(|why| invalid_because(b, s, why))
        }
        HexBinary => {
            let mut out = Vec::with_capacity(s.len() / 2);
            decode_hex(s, Some(&mut out)).map_err(|why| invalid_because(b, s, why))?;
            Ok(Value::HexBinary(out))
        }
        Base64Binary => {
            let mut out = Vec::with_capacity(s.len() / 4 * 3);
            decode_base64(s, Some(&mut out)).map_err(|why| invalid_because(b, s, why))?;
            Ok(Value::Base64Binary(out))
        }
    }
}

/// Check that `normalized` is in the lexical space of `b` without building the value.
/// Same verdicts as [`parse`], but allocation-free for everything except QName prefix
/// resolution (the resolver returns an owned namespace) and error messages.
pub fn validate(
    b: Builtin,
    normalized: &str,
    resolve_prefix: &dyn Fn(&str) -> Option<String>,
) -> Result<(), String> {
    use Builtin::*;
    let s = normalized;
    match b {
        AnyType | AnySimpleType | String => Ok(()),
        NormalizedString | Token | Language | Name | NCName | Id | IdRef | Entity | NmToken => {
            check_string(b, s)
        }
        IdRefs | Entities | NmTokens => {
            let item = b.item_type().unwrap_or(NmToken);
            let mut n = 0usize;
            for part in list_items(s) {
                check_string(item, part).map_err(|e| list_error(b, e))?;
                n += 1;
            }
            if n == 0 {
                return Err(invalid_because(b, s, "a list needs at least one item"));
            }
            Ok(())
        }
        QName | Notation => parse_qname(b, s, resolve_prefix).map(|_| ()),
        AnyUri => check_any_uri(s).map_err(|why| invalid_because(b, s, why)),
        Boolean => parse_boolean(s).map(|_| ()).ok_or_else(|| invalid(b, s)),
        Decimal => {
            if decimal_lexical_ok(s) {
                Ok(())
            } else {
                Err(invalid(b, s))
            }
        }
        Integer | NonPositiveInteger | NegativeInteger | Long | Int | Short | Byte
        | NonNegativeInteger | UnsignedLong | UnsignedInt | UnsignedShort | UnsignedByte
        | PositiveInteger => parse_integer(b, s).map(|_| ()),
        Float | Double => {
            if float_lexical_ok(s) {
                Ok(())
            } else {
                Err(invalid(b, s))
            }
        }
        Duration => self::Duration::parse(s)
            .map(|_| ())
            .map_err(|why| invalid_because(b, s, why)),
        DateTime | Time | Date | GYearMonth | GYear | GMonthDay | GDay | GMonth => {
            self::DateTime::parse(b, s)
                .map(|_| ())
                .map_err(|why| invalid_because(b, s, why))
        }
        HexBinary => decode_hex(s, None).map_err(|why| invalid_because(b, s, why)),
        Base64Binary => decode_base64(s, None).map_err(|why| invalid_because(b, s, why)),
    }
}

/// Items of a list value: separated by XML whitespace (tolerates un-collapsed input).
fn list_items(s: &str) -> impl Iterator<Item = &str> {
    s.split(|c| matches!(c, ' ' | '\t' | '\n' | '\r'))
        .filter(|p| !p.is_empty())
}

fn list_error(list: Builtin, item_err: String) -> String {
    format!("invalid item in xs:{} list: {item_err}", list.local_name())
}

fn parse_boolean(s: &str) -> Option<bool> {
    match s {
        "true" | "1" => Some(true),
        "false" | "0" => Some(false),
        _ => None,
    }
}

// ---------------------------------------------------------------------------------------
// Decimal: exact, unbounded
// ---------------------------------------------------------------------------------------

/// Magnitudes with at most this many digits live inline in a `u128` (10^38 < 2^127), so
/// parsing and comparing ordinary numbers never allocates.
const SMALL_DIGITS: usize = 38;
const SMALL_LIMIT: u128 = 10u128.pow(SMALL_DIGITS as u32);

#[derive(Clone, Debug)]
enum Mag {
    /// Magnitude below 10^38.
    Small(u128),
    /// Digit values 0..=9, most significant first, no leading zero, more than 38 digits.
    Big(Box<[u8]>),
}

/// An exact decimal number of unbounded precision: `(-1)^neg × mag × 10^-scale`.
///
/// Always normalized (no trailing fractional zeros, zero is unsigned with scale 0), so the
/// derived measures (totalDigits, fractionDigits) are read directly off the fields.
#[derive(Clone, Debug)]
pub struct Decimal {
    neg: bool,
    mag: Mag,
    scale: u32,
}

fn trim_leading_zeros(d: &[u8]) -> &[u8] {
    let n = d.iter().take_while(|&&c| c == b'0').count();
    &d[n..]
}

fn trim_trailing_zeros(d: &[u8]) -> &[u8] {
    let n = d.iter().rev().take_while(|&&c| c == b'0').count();
    &d[..d.len() - n]
}

/// Lexical check for xs:decimal: `[+-]? (d+ ('.' d*)? | '.' d+)`.
fn decimal_lexical_ok(s: &str) -> bool {
    split_decimal(s.as_bytes()).is_some()
}

/// Split a decimal literal into (negative, integer digits, fraction digits).
fn split_decimal(b: &[u8]) -> Option<(bool, &[u8], &[u8])> {
    let (neg, rest) = match b.first() {
        Some(b'-') => (true, &b[1..]),
        Some(b'+') => (false, &b[1..]),
        _ => (false, b),
    };
    let (int, frac) = match rest.iter().position(|&c| c == b'.') {
        Some(p) => (&rest[..p], &rest[p + 1..]),
        None => (rest, &rest[rest.len()..]),
    };
    if (int.is_empty() && frac.is_empty())
        || !int.iter().all(u8::is_ascii_digit)
        || !frac.iter().all(u8::is_ascii_digit)
    {
        return None;
    }
    Some((neg, int, frac))
}

impl Decimal {
    /// Zero.
    pub const ZERO: Decimal = Decimal {
        neg: false,
        mag: Mag::Small(0),
        scale: 0,
    };

    /// Parse the xs:decimal lexical form (optional sign, digits with an optional point;
    /// no exponent). `None` if `s` is not one.
    pub fn parse(s: &str) -> Option<Decimal> {
        let (neg, int, frac) = split_decimal(s.as_bytes())?;
        Self::from_ascii_parts(neg, int, frac)
    }

    /// Build from ASCII digit runs (already validated).
    fn from_ascii_parts(neg: bool, int: &[u8], frac: &[u8]) -> Option<Decimal> {
        let int = trim_leading_zeros(int);
        let frac = trim_trailing_zeros(frac);
        let scale = u32::try_from(frac.len()).ok()?;
        // Mantissa digits = int ++ frac; with no integer part, the fraction's leading zeros
        // are leading zeros of the mantissa.
        let (a, b) = if int.is_empty() {
            (int, trim_leading_zeros(frac))
        } else {
            (int, frac)
        };
        let n = a.len() + b.len();
        if n == 0 {
            return Some(Decimal::ZERO);
        }
        let mag = if n <= SMALL_DIGITS {
            let mut v = 0u128;
            for &c in a.iter().chain(b) {
                v = v * 10 + u128::from(c - b'0');
            }
            Mag::Small(v)
        } else {
            Mag::Big(a.iter().chain(b).map(|c| c - b'0').collect())
        };
        Some(Decimal { neg, mag, scale })
    }

    /// From a signed integer.
    pub fn from_i128(v: i128) -> Decimal {
        Self::from_u128_scaled(v < 0, v.unsigned_abs(), 0)
    }

    /// Normalize `(-1)^neg × v × 10^-scale`.
    fn from_u128_scaled(neg: bool, mut v: u128, mut scale: u32) -> Decimal {
        while scale > 0 && v % 10 == 0 {
            v /= 10;
            scale -= 1;
        }
        if v == 0 {
            return Decimal::ZERO;
        }
        let mag = if v < SMALL_LIMIT {
            Mag::Small(v)
        } else {
            Mag::Big(u128_digits(v).into_boxed_slice())
        };
        Decimal { neg, mag, scale }
    }

    /// Normalize a digit-value vector (most significant first).
    fn from_digit_vec(neg: bool, mut d: Vec<u8>, mut scale: u32) -> Decimal {
        while scale > 0 && d.last() == Some(&0) {
            d.pop();
            scale -= 1;
        }
        let lead = d.iter().take_while(|&&c| c == 0).count();
        d.drain(..lead);
        if d.is_empty() {
            return Decimal::ZERO;
        }
        let mag = if d.len() <= SMALL_DIGITS {
            Mag::Small(d.iter().fold(0u128, |v, &c| v * 10 + u128::from(c)))
        } else {
            Mag::Big(d.into_boxed_slice())
        };
        Decimal { neg, mag, scale }
    }

    pub fn is_zero(&self) -> bool {
        matches!(self.mag, Mag::Small(0))
    }

    pub fn is_negative(&self) -> bool {
        self.neg
    }

    /// True when the value has no fractional part.
    pub fn is_integer(&self) -> bool {
        self.scale == 0
    }

    /// -1, 0 or 1.
    pub fn signum(&self) -> i32 {
        if self.is_zero() {
            0
        } else if self.neg {
            -1
        } else {
            1
        }
    }

    /// Number of digits of the (normalized) mantissa.
    fn ndigits(&self) -> usize {
        match &self.mag {
            Mag::Small(v) => v.checked_ilog10().map_or(1, |l| l as usize + 1),
            Mag::Big(d) => d.len(),
        }
    }

    /// totalDigits measure (XSD 1.0 §4.3.11): the smallest t such that the value is
    /// i × 10^-n with |i| < 10^t and 0 <= n <= t. Leading zeros and trailing fractional
    /// zeros never count: "0.00100" needs 3, "100" needs 3, "0" needs 1.
    pub fn total_digits(&self) -> u32 {
        let n = u32::try_from(self.ndigits()).unwrap_or(u32::MAX);
        n.max(self.scale)
    }

    /// fractionDigits measure: digits after the point, trailing zeros not counted.
    pub fn fraction_digits(&self) -> u32 {
        self.scale
    }

    /// The value as an `i128` when it is an integer that fits.
    pub fn to_i128(&self) -> Option<i128> {
        if self.scale != 0 {
            return None;
        }
        match self.mag {
            // Small magnitudes are < 10^38 < i128::MAX.
            Mag::Small(v) => {
                let v = i128::try_from(v).ok()?;
                Some(if self.neg { -v } else { v })
            }
            Mag::Big(_) => None,
        }
    }

    /// Nearest `f64` (for diagnostics; comparisons stay exact).
    pub fn to_f64(&self) -> f64 {
        self.to_string().parse().unwrap_or(f64::NAN)
    }

    /// Mantissa digits as values 0..=9, using `buf` for inline magnitudes.
    fn digit_slice<'a>(&'a self, buf: &'a mut [u8; 40]) -> &'a [u8] {
        match &self.mag {
            Mag::Big(d) => d,
            Mag::Small(v) => {
                let mut v = *v;
                let mut i = buf.len();
                loop {
                    i -= 1;
                    buf[i] = (v % 10) as u8;
                    v /= 10;
                    if v == 0 {
                        break;
                    }
                }
                &buf[i..]
            }
        }
    }

    fn digit_vec(&self) -> Vec<u8> {
        let mut buf = [0u8; 40];
        self.digit_slice(&mut buf).to_vec()
    }

    /// Integer part digits (values) and fraction digits (values), each possibly empty.
    fn int_frac_digits(&self) -> (Vec<u8>, Vec<u8>) {
        let d = self.digit_vec();
        let scale = self.scale as usize;
        if d.len() > scale {
            let (i, f) = d.split_at(d.len() - scale);
            (i.to_vec(), f.to_vec())
        } else {
            let mut f = vec![0u8; scale - d.len()];
            f.extend_from_slice(&d);
            (Vec::new(), f)
        }
    }

    /// Compare magnitudes.
    fn cmp_mag(&self, other: &Decimal) -> Ordering {
        if let (Mag::Small(x), Mag::Small(y)) = (&self.mag, &other.mag) {
            match self.scale.cmp(&other.scale) {
                Ordering::Equal => return x.cmp(y),
                Ordering::Less => {
                    if let Some(xs) = pow10(other.scale - self.scale).and_then(|p| x.checked_mul(p))
                    {
                        return xs.cmp(y);
                    }
                }
                Ordering::Greater => {
                    if let Some(ys) = pow10(self.scale - other.scale).and_then(|p| y.checked_mul(p))
                    {
                        return x.cmp(&ys);
                    }
                }
            }
        }
        // Position of the leading digit decides, then the digits themselves. Only integers
        // can end in zeros, so "prefix is smaller" is exact for equal exponents.
        let ea = self.ndigits() as i64 - i64::from(self.scale);
        let eb = other.ndigits() as i64 - i64::from(other.scale);
        if ea != eb {
            return ea.cmp(&eb);
        }
        let (mut ba, mut bb) = ([0u8; 40], [0u8; 40]);
        self.digit_slice(&mut ba).cmp(other.digit_slice(&mut bb))
    }

    /// Exact sum.
    fn add_exact(&self, other: &Decimal) -> Decimal {
        if other.is_zero() {
            return self.clone();
        }
        if self.is_zero() {
            return other.clone();
        }
        if let (Mag::Small(x), Mag::Small(y)) = (&self.mag, &other.mag) {
            let scale = self.scale.max(other.scale);
            let xs = pow10(scale - self.scale).and_then(|p| x.checked_mul(p));
            let ys = pow10(scale - other.scale).and_then(|p| y.checked_mul(p));
            if let (Some(xs), Some(ys)) = (xs, ys) {
                let (xs, ys) = (i128::try_from(xs).ok(), i128::try_from(ys).ok());
                if let (Some(xs), Some(ys)) = (xs, ys) {
                    let xs = if self.neg { -xs } else { xs };
                    let ys = if other.neg { -ys } else { ys };
                    if let Some(sum) = xs.checked_add(ys) {
                        return Self::from_u128_scaled(sum < 0, sum.unsigned_abs(), scale);
                    }
                }
            }
        }
        // Schoolbook on aligned digit vectors.
        let scale = self.scale.max(other.scale);
        let align = |d: &Decimal| {
            let mut v = d.digit_vec();
            v.extend(std::iter::repeat_n(0u8, (scale - d.scale) as usize));
            v
        };
        let (mut a, mut b) = (align(self), align(other));
        let len = a.len().max(b.len()) + 1;
        a.splice(0..0, std::iter::repeat_n(0u8, len - a.len()));
        b.splice(0..0, std::iter::repeat_n(0u8, len - b.len()));
        if self.neg == other.neg {
            let mut carry = 0u8;
            for i in (0..len).rev() {
                let s = a[i] + b[i] + carry;
                a[i] = s % 10;
                carry = s / 10;
            }
            Self::from_digit_vec(self.neg, a, scale)
        } else {
            // Subtract the smaller magnitude from the larger; the result takes its sign.
            let (big, small, neg) = if a >= b {
                (a, b, self.neg)
            } else {
                (b, a, other.neg)
            };
            let mut out = big;
            let mut borrow = 0i8;
            for i in (0..len).rev() {
                let mut d = out[i] as i8 - small[i] as i8 - borrow;
                borrow = 0;
                if d < 0 {
                    d += 10;
                    borrow = 1;
                }
                out[i] = d as u8;
            }
            Self::from_digit_vec(neg, out, scale)
        }
    }

    /// Exact product with a small non-negative integer.
    fn mul_small(&self, k: u32) -> Decimal {
        if let Mag::Small(v) = self.mag
            && let Some(p) = v.checked_mul(u128::from(k))
        {
            return Self::from_u128_scaled(self.neg, p, self.scale);
        }
        let mut d = self.digit_vec();
        let mut carry = 0u64;
        for x in d.iter_mut().rev() {
            let p = u64::from(*x) * u64::from(k) + carry;
            *x = (p % 10) as u8;
            carry = p / 10;
        }
        let mut head = Vec::new();
        while carry > 0 {
            head.push((carry % 10) as u8);
            carry /= 10;
        }
        head.reverse();
        head.extend_from_slice(&d);
        Self::from_digit_vec(self.neg, head, self.scale)
    }
}

fn pow10(n: u32) -> Option<u128> {
    10u128.checked_pow(n)
}

fn u128_digits(mut v: u128) -> Vec<u8> {
    let mut d = Vec::with_capacity(39);
    loop {
        d.push((v % 10) as u8);
        v /= 10;
        if v == 0 {
            break;
        }
    }
    d.reverse();
    d
}

/// Divide a digit-value vector by a small divisor: (quotient digits, remainder).
fn divmod_small(d: &[u8], k: u32) -> (Vec<u8>, u32) {
    let mut q = Vec::with_capacity(d.len());
    let mut r = 0u64;
    for &x in d {
        let cur = r * 10 + u64::from(x);
        q.push((cur / u64::from(k)) as u8);
        r = cur % u64::from(k);
    }
    (q, r as u32)
}

impl PartialEq for Decimal {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Decimal {}

impl PartialOrd for Decimal {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Decimal {
    fn cmp(&self, other: &Self) -> Ordering {
        let (sa, sb) = (self.signum(), other.signum());
        if sa != sb {
            return sa.cmp(&sb);
        }
        match sa {
            0 => Ordering::Equal,
            1 => self.cmp_mag(other),
            _ => other.cmp_mag(self),
        }
    }
}

impl std::hash::Hash for Decimal {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        // Normalized, so equal values have equal fields; hash the digits either way.
        self.neg.hash(state);
        self.scale.hash(state);
        let mut buf = [0u8; 40];
        self.digit_slice(&mut buf).hash(state);
    }
}

impl std::ops::Add for &Decimal {
    type Output = Decimal;
    fn add(self, rhs: &Decimal) -> Decimal {
        self.add_exact(rhs)
    }
}

impl std::ops::Neg for &Decimal {
    type Output = Decimal;
    fn neg(self) -> Decimal {
        let mut d = self.clone();
        d.neg = !d.neg && !d.is_zero();
        d
    }
}

impl std::ops::Sub for &Decimal {
    type Output = Decimal;
    fn sub(self, rhs: &Decimal) -> Decimal {
        self.add_exact(&-rhs)
    }
}

impl std::str::FromStr for Decimal {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Decimal::parse(s).ok_or_else(|| invalid(Builtin::Decimal, s))
    }
}

/// Canonical form: no '+', no leading zeros (a single "0" before the point), no trailing
/// fractional zeros, and no point at all for integral values (the xs:integer form, which
/// is shared so that equal values print equally whatever their declared type).
impl fmt::Display for Decimal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.neg {
            f.write_char('-')?;
        }
        let mut buf = [0u8; 40];
        let d = self.digit_slice(&mut buf);
        let scale = self.scale as usize;
        let digit = |x: &u8| char::from(b'0' + x);
        if d.len() > scale {
            let (i, fr) = d.split_at(d.len() - scale);
            i.iter().try_for_each(|x| f.write_char(digit(x)))?;
            if !fr.is_empty() {
                f.write_char('.')?;
                fr.iter().try_for_each(|x| f.write_char(digit(x)))?;
            }
        } else {
            f.write_str("0.")?;
            for _ in d.len()..scale {
                f.write_char('0')?;
            }
            d.iter().try_for_each(|x| f.write_char(digit(x)))?;
        }
        Ok(())
    }
}

/// Parse one of the integer types: `[+-]?[0-9]+` and the type's range.
fn parse_integer(b: Builtin, s: &str) -> Result<Decimal, String> {
    let bytes = s.as_bytes();
    let digits = match bytes.first() {
        Some(b'+' | b'-') => &bytes[1..],
        _ => bytes,
    };
    if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
        return Err(invalid(b, s));
    }
    let d = Decimal::parse(s).ok_or_else(|| invalid(b, s))?;
    let (min, max) = b.integer_bounds();
    if min.is_none() && max.is_none() {
        return Ok(d);
    }
    // Inline magnitudes are < 10^38, beyond every finite bound (< 2^64).
    let in_range = match d.to_i128() {
        Some(v) => min.is_none_or(|m| v >= m) && max.is_none_or(|m| v <= m),
        None => {
            if d.neg {
                min.is_none()
            } else {
                max.is_none()
            }
        }
    };
    if in_range {
        Ok(d)
    } else {
        Err(format!(
            "'{}' is out of range for xs:{}",
            quote(s),
            b.local_name()
        ))
    }
}

// ---------------------------------------------------------------------------------------
// float / double
// ---------------------------------------------------------------------------------------

/// XSD 1.0 float/double lexical space: a decimal mantissa with an optional exponent, or
/// exactly `INF`, `-INF`, `NaN` (no `+INF` in 1.0).
fn float_lexical_ok(s: &str) -> bool {
    if matches!(s, "INF" | "-INF" | "NaN") {
        return true;
    }
    let b = s.as_bytes();
    let (mant, exp) = match b.iter().position(|&c| c == b'e' || c == b'E') {
        Some(p) => (&b[..p], Some(&b[p + 1..])),
        None => (b, None),
    };
    if split_decimal(mant).is_none() {
        return false;
    }
    match exp {
        None => true,
        Some(e) => {
            let e = match e.first() {
                Some(b'+' | b'-') => &e[1..],
                _ => e,
            };
            !e.is_empty() && e.iter().all(u8::is_ascii_digit)
        }
    }
}

fn parse_float(s: &str) -> Option<f32> {
    match s {
        "INF" => Some(f32::INFINITY),
        "-INF" => Some(f32::NEG_INFINITY),
        "NaN" => Some(f32::NAN),
        // Rust's parser rounds correctly straight to f32 (no double rounding) and maps
        // out-of-range magnitudes to ±INF / ±0 as XSD 1.1 specifies.
        _ if float_lexical_ok(s) => s.parse().ok(),
        _ => None,
    }
}

fn parse_double(s: &str) -> Option<f64> {
    match s {
        "INF" => Some(f64::INFINITY),
        "-INF" => Some(f64::NEG_INFINITY),
        "NaN" => Some(f64::NAN),
        _ if float_lexical_ok(s) => s.parse().ok(),
        _ => None,
    }
}

/// Canonical float/double form (XSD 1.0 §3.2.4.2): mantissa with one non-zero digit
/// before the point and at least one after, then "E" and the exponent.
fn canonical_float(v: f64, shortest: &str) -> String {
    if v.is_nan() {
        return "NaN".into();
    }
    if v.is_infinite() {
        return if v > 0.0 { "INF" } else { "-INF" }.into();
    }
    if v == 0.0 {
        // 1.0 does not distinguish -0 from 0.
        return "0.0E0".into();
    }
    // `shortest` is Rust's shortest round-trip `{:e}` output, e.g. "1.25e-3" or "5e0".
    let (mant, exp) = shortest.split_once('e').unwrap_or((shortest, "0"));
    let mant = if mant.contains('.') {
        mant.to_owned()
    } else {
        format!("{mant}.0")
    };
    format!("{mant}E{exp}")
}

// ---------------------------------------------------------------------------------------
// Date and time
// ---------------------------------------------------------------------------------------

/// Fractional seconds, exact to any length: the first 18 digits as attoseconds, the rest
/// (trailing zeros stripped, never empty) kept as text. Ordering the pair orders the value.
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
struct Frac {
    atto: u64,
    more: Option<Box<str>>,
}

const ATTO_DIGITS: usize = 18;

impl Frac {
    /// From the ASCII digits after the point.
    fn from_digits(d: &[u8]) -> Frac {
        let d = trim_trailing_zeros(d);
        let head = &d[..d.len().min(ATTO_DIGITS)];
        let mut atto = head.iter().fold(0u64, |v, &c| v * 10 + u64::from(c - b'0'));
        for _ in head.len()..ATTO_DIGITS {
            atto *= 10;
        }
        let more = (d.len() > ATTO_DIGITS)
            .then(|| std::str::from_utf8(&d[ATTO_DIGITS..]).unwrap_or("").into());
        Frac { atto, more }
    }

    fn is_zero(&self) -> bool {
        self.atto == 0 && self.more.is_none()
    }

    /// ".ddd" without trailing zeros, or "" for zero.
    fn write(&self, out: &mut String) {
        if self.is_zero() {
            return;
        }
        let digits = format!("{:018}", self.atto);
        out.push('.');
        if self.more.is_some() {
            out.push_str(&digits);
        } else {
            out.push_str(digits.trim_end_matches('0'));
        }
        if let Some(m) = &self.more {
            out.push_str(m);
        }
    }

    /// As an exact decimal in [0, 1).
    fn to_decimal(&self) -> Decimal {
        let mut s = String::with_capacity(24);
        s.push('0');
        self.write(&mut s);
        Decimal::parse(&s).unwrap_or(Decimal::ZERO)
    }
}

/// A value of dateTime, time, date, gYearMonth, gYear, gMonthDay, gDay or gMonth.
///
/// Fields a kind lacks hold reference values (year 1972 — a leap year, so --02-29 works —,
/// month 12, day 31 for time/gDay, day 1 / month 1 otherwise) so every kind maps onto one
/// timeline. `24:00:00` is stored as 00:00:00 of the next day (dateTime) or 00:00:00 (time).
#[derive(Clone, Debug)]
pub struct DateTime {
    kind: Builtin,
    year: i64,
    month: u8,
    day: u8,
    hour: u8,
    minute: u8,
    second: u8,
    frac: Frac,
    /// Minutes east of UTC.
    tz: Option<i16>,
}

/// Reference year for kinds without a year: a leap year, as XSD 1.1 also uses.
const REF_YEAR: i64 = 1972;
/// ±14:00, the widest time zone offset.
const MAX_TZ: i16 = 14 * 60;

fn is_leap(y: i64) -> bool {
    // Lexical year numbers are used directly (Xerces does the same); year 0 never occurs.
    y.rem_euclid(4) == 0 && (y.rem_euclid(100) != 0 || y.rem_euclid(400) == 0)
}

fn days_in_month(y: i64, m: u8) -> u8 {
    match m {
        2 if is_leap(y) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm), in i128
/// so no year fits can overflow.
fn days_from_civil(y: i128, m: u8, d: u8) -> i128 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i128::from(m);
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + i128::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn next_year(y: i64) -> Option<i64> {
    if y == -1 { Some(1) } else { y.checked_add(1) }
}

fn prev_year(y: i64) -> Option<i64> {
    if y == 1 { Some(-1) } else { y.checked_sub(1) }
}

/// (year, month, day) shifted by one day forwards or backwards, skipping year 0.
fn shift_day(y: i64, m: u8, d: u8, forward: bool) -> Option<(i64, u8, u8)> {
    if forward {
        if d < days_in_month(y, m) {
            Some((y, m, d + 1))
        } else if m < 12 {
            Some((y, m + 1, 1))
        } else {
            Some((next_year(y)?, 1, 1))
        }
    } else if d > 1 {
        Some((y, m, d - 1))
    } else if m > 1 {
        Some((y, m - 1, days_in_month(y, m - 1)))
    } else {
        Some((prev_year(y)?, 12, 31))
    }
}

struct Cursor<'a> {
    b: &'a [u8],
    i: usize,
}

impl<'a> Cursor<'a> {
    fn eat(&mut self, c: u8) -> bool {
        if self.b.get(self.i) == Some(&c) {
            self.i += 1;
            true
        } else {
            false
        }
    }

    fn expect(&mut self, c: u8) -> Result<(), &'static str> {
        if self.eat(c) {
            Ok(())
        } else {
            Err("malformed")
        }
    }

    fn digits(&mut self) -> &'a [u8] {
        let start = self.i;
        while self.b.get(self.i).is_some_and(u8::is_ascii_digit) {
            self.i += 1;
        }
        &self.b[start..self.i]
    }

    /// Exactly two digits.
    fn two(&mut self) -> Result<u8, &'static str> {
        match (self.b.get(self.i), self.b.get(self.i + 1)) {
            (Some(a), Some(b)) if a.is_ascii_digit() && b.is_ascii_digit() => {
                self.i += 2;
                Ok((a - b'0') * 10 + (b - b'0'))
            }
            _ => Err("expected two digits"),
        }
    }

    fn at_end(&self) -> bool {
        self.i >= self.b.len()
    }
}

impl DateTime {
    /// Parse a lexical form of `kind` (one of the eight date/time built-ins).
    pub fn parse(kind: Builtin, s: &str) -> Result<DateTime, &'static str> {
        use Builtin::*;
        let mut c = Cursor {
            b: s.as_bytes(),
            i: 0,
        };
        let mut v = Self {
            kind,
            year: REF_YEAR,
            month: 12,
            day: 31,
            hour: 0,
            minute: 0,
            second: 0,
            frac: Frac::default(),
            tz: None,
        };
        let mut end_of_day = false;
        match kind {
            DateTime | Date | GYearMonth | GYear => {
                v.year = parse_year(&mut c)?;
                v.month = 1;
                v.day = 1;
                if kind != GYear {
                    c.expect(b'-')?;
                    v.month = c.two()?;
                    if kind != GYearMonth {
                        c.expect(b'-')?;
                        v.day = c.two()?;
                    }
                }
                if kind == DateTime {
                    c.expect(b'T')?;
                    end_of_day = parse_time_of_day(&mut c, &mut v)?;
                }
            }
            Time => end_of_day = parse_time_of_day(&mut c, &mut v)?,
            GMonthDay => {
                c.expect(b'-')?;
                c.expect(b'-')?;
                v.month = c.two()?;
                c.expect(b'-')?;
                v.day = c.two()?;
            }
            GDay => {
                for _ in 0..3 {
                    c.expect(b'-')?;
                }
                v.day = c.two()?;
            }
            GMonth => {
                c.expect(b'-')?;
                c.expect(b'-')?;
                v.month = c.two()?;
                // Only "--MM": the first edition's "--MM--" was removed by erratum E2-12
                // (the W3C suite expects it rejected; the few tests saying otherwise are
                // queried under bug 6901).
                v.day = 1;
            }
            _ => return Err("not a date/time type"),
        }
        v.tz = parse_tz(&mut c)?;
        if !c.at_end() {
            return Err("unexpected trailing characters");
        }
        if !(1..=12).contains(&v.month) {
            return Err("month out of range");
        }
        if v.day < 1 || v.day > days_in_month(v.year, v.month) {
            return Err("day out of range for the month");
        }
        if end_of_day {
            // 24:00:00 is the first instant of the next day (XSD 1.0 2nd edition §3.2.7).
            v.hour = 0;
            if kind == DateTime {
                let (y, m, d) = shift_day(v.year, v.month, v.day, true).ok_or("year overflow")?;
                (v.year, v.month, v.day) = (y, m, d);
            }
        }
        Ok(v)
    }

    /// Which of the date/time built-ins this value belongs to.
    pub fn kind(&self) -> Builtin {
        self.kind
    }
    /// Year as written (negative = BCE; never 0). Reference value for kinds without one.
    pub fn year(&self) -> i64 {
        self.year
    }
    pub fn month(&self) -> u8 {
        self.month
    }
    pub fn day(&self) -> u8 {
        self.day
    }
    pub fn hour(&self) -> u8 {
        self.hour
    }
    pub fn minute(&self) -> u8 {
        self.minute
    }
    /// Whole seconds.
    pub fn second(&self) -> u8 {
        self.second
    }
    /// Seconds including the exact fraction.
    pub fn seconds(&self) -> Decimal {
        &Decimal::from_i128(self.second.into()) + &self.frac.to_decimal()
    }
    /// Time zone offset in minutes east of UTC, if one was given.
    pub fn timezone_minutes(&self) -> Option<i16> {
        self.tz
    }

    /// Fields shifted to UTC using `tz` (minutes east), skipping year 0. `None` only on
    /// year overflow at the i64 edge.
    fn utc_fields(&self, tz: i16) -> Option<(i64, u8, u8, u8, u8)> {
        let total = i32::from(self.hour) * 60 + i32::from(self.minute) - i32::from(tz);
        let (h, mi) = (
            (total.rem_euclid(1440) / 60) as u8,
            (total.rem_euclid(60)) as u8,
        );
        let (mut y, mut m, mut d) = (self.year, self.month, self.day);
        match total.div_euclid(1440) {
            0 => {}
            carry => (y, m, d) = shift_day(y, m, d, carry > 0)?,
        }
        Some((y, m, d, h, mi))
    }

    /// Position on the timeline, in whole seconds plus fraction, as if the value had time
    /// zone `tz` (its own when it has one). Uses UTC-normalized fields so the missing
    /// year 0 is skipped consistently with the canonical form.
    fn instant_with(&self, tz: i16) -> (i128, &Frac) {
        let (y, m, d, h, mi) = self.utc_fields(tz).unwrap_or_else(|| {
            // Only reachable at year ±9.2e18; fall back to unshifted fields.
            (self.year, self.month, self.day, self.hour, self.minute)
        });
        let days = days_from_civil(i128::from(y), m, d);
        let secs = days * 86_400 + i128::from(h) * 3600 + i128::from(mi) * 60;
        (secs + i128::from(self.second), &self.frac)
    }

    fn instant(&self) -> (i128, &Frac) {
        self.instant_with(self.tz.unwrap_or(0))
    }

    /// Order per XSD 1.0 §3.2.7.4: values both with or both without a time zone compare
    /// directly; otherwise the untimezoned one is tried at +14:00 and -14:00 and the
    /// result is indeterminate (`None`) unless both agree.
    fn partial_cmp_dt(&self, other: &DateTime) -> Option<Ordering> {
        if self.kind != other.kind {
            return None;
        }
        match (self.tz, other.tz) {
            (Some(_), Some(_)) | (None, None) => Some(self.instant().cmp(&other.instant())),
            (Some(_), None) => {
                let p = self.instant();
                if p < other.instant_with(MAX_TZ) {
                    Some(Ordering::Less)
                } else if p > other.instant_with(-MAX_TZ) {
                    Some(Ordering::Greater)
                } else {
                    None
                }
            }
            (None, Some(_)) => other.partial_cmp_dt(self).map(Ordering::reverse),
        }
    }

    fn eq_dt(&self, other: &DateTime) -> bool {
        self.kind == other.kind
            && self.tz.is_some() == other.tz.is_some()
            && self.instant() == other.instant()
    }

    /// Canonical lexical form, consistent with equality: dateTime and time are normalized
    /// to UTC ("Z"); date and the g* types keep a time zone normalized into
    /// (-12:00, +12:00] (XSD 1.0 §3.2.9.2), which makes equal values print equally.
    fn canonical_string(&self) -> String {
        use Builtin::*;
        let mut out = std::string::String::with_capacity(32);
        let mut v = self.clone();
        let mut tz = self.tz;
        match (self.kind, self.tz) {
            (DateTime, Some(t)) => {
                if let Some((y, m, d, h, mi)) = self.utc_fields(t) {
                    (v.year, v.month, v.day, v.hour, v.minute) = (y, m, d, h, mi);
                    tz = Some(0);
                }
            }
            (Time, Some(t)) => {
                // The time's instant lies on the reference day, the day after or the day
                // before; the latter two are written at -14:00 / +14:00 so that distinct
                // instants never share a form.
                let total = i32::from(self.hour) * 60 + i32::from(self.minute) - i32::from(t);
                let (carry, rem) = (total.div_euclid(1440), total.rem_euclid(1440));
                let (local, zone) = match carry {
                    0 => (rem, 0),
                    c if c > 0 => (rem + 600, -MAX_TZ),
                    _ => (rem - 600, MAX_TZ),
                };
                v.hour = (local / 60) as u8;
                v.minute = (local % 60) as u8;
                tz = Some(zone);
            }
            (Date | GMonthDay | GDay, Some(t)) if t > 720 || t <= -720 => {
                let forward = t <= -720;
                let shifted = shift_day(v.year, v.month, v.day, forward).filter(|&(y, m, _)| {
                    // g* values must stay inside their reference frame.
                    match self.kind {
                        GMonthDay => y == v.year,
                        GDay => y == v.year && m == v.month,
                        _ => true,
                    }
                });
                if let Some((y, m, d)) = shifted {
                    (v.year, v.month, v.day) = (y, m, d);
                    tz = Some(if forward { t + 1440 } else { t - 1440 });
                }
            }
            _ => {}
        }
        let write_year = |out: &mut std::string::String, y: i64| {
            if y < 0 {
                out.push('-');
            }
            let _ = write!(out, "{:04}", y.unsigned_abs());
        };
        let time = |out: &mut std::string::String| {
            let _ = write!(out, "{:02}:{:02}:{:02}", v.hour, v.minute, v.second);
            v.frac.write(out);
        };
        match self.kind {
            DateTime => {
                write_year(&mut out, v.year);
                let _ = write!(out, "-{:02}-{:02}T", v.month, v.day);
                time(&mut out);
            }
            Time => time(&mut out),
            Date => {
                write_year(&mut out, v.year);
                let _ = write!(out, "-{:02}-{:02}", v.month, v.day);
            }
            GYearMonth => {
                write_year(&mut out, v.year);
                let _ = write!(out, "-{:02}", v.month);
            }
            GYear => write_year(&mut out, v.year),
            GMonthDay => {
                let _ = write!(out, "--{:02}-{:02}", v.month, v.day);
            }
            GDay => {
                let _ = write!(out, "---{:02}", v.day);
            }
            _ => {
                let _ = write!(out, "--{:02}", v.month);
            }
        }
        if let Some(t) = tz {
            write_tz(&mut out, t);
        }
        out
    }
}

fn write_tz(out: &mut String, t: i16) {
    if t == 0 {
        out.push('Z');
    } else {
        let sign = if t < 0 { '-' } else { '+' };
        let a = t.unsigned_abs();
        let _ = write!(out, "{sign}{:02}:{:02}", a / 60, a % 60);
    }
}

/// `-?` then at least four digits, no leading zero beyond four, not 0000 (XSD 1.0).
fn parse_year(c: &mut Cursor<'_>) -> Result<i64, &'static str> {
    let neg = c.eat(b'-');
    let d = c.digits();
    if d.len() < 4 {
        return Err("year needs at least four digits");
    }
    if d.len() > 4 && d[0] == b'0' {
        return Err("leading zeros in a year of more than four digits");
    }
    if d.len() > 18 {
        return Err("year out of the supported range");
    }
    let y = d.iter().fold(0i64, |v, &x| v * 10 + i64::from(x - b'0'));
    if y == 0 {
        return Err("year 0000 is not allowed in XSD 1.0");
    }
    Ok(if neg { -y } else { y })
}

/// `hh:mm:ss(.s+)?`; returns true for the end-of-day form 24:00:00.
fn parse_time_of_day(c: &mut Cursor<'_>, v: &mut DateTime) -> Result<bool, &'static str> {
    v.hour = c.two()?;
    c.expect(b':')?;
    v.minute = c.two()?;
    c.expect(b':')?;
    v.second = c.two()?;
    if c.eat(b'.') {
        let d = c.digits();
        if d.is_empty() {
            return Err("fractional seconds need a digit after the point");
        }
        v.frac = Frac::from_digits(d);
    }
    if v.minute > 59 {
        return Err("minute out of range");
    }
    if v.second > 59 {
        return Err("second out of range");
    }
    if v.hour == 24 {
        if v.minute != 0 || v.second != 0 || !v.frac.is_zero() {
            return Err("24 is only allowed as 24:00:00");
        }
        return Ok(true);
    }
    if v.hour > 23 {
        return Err("hour out of range");
    }
    Ok(false)
}

/// `Z` or `(+|-)hh:mm` with |offset| <= 14:00, or nothing.
fn parse_tz(c: &mut Cursor<'_>) -> Result<Option<i16>, &'static str> {
    if c.at_end() {
        return Ok(None);
    }
    if c.eat(b'Z') {
        return Ok(Some(0));
    }
    let neg = if c.eat(b'-') {
        true
    } else if c.eat(b'+') {
        false
    } else {
        return Err("malformed time zone");
    };
    let h = c.two().map_err(|_| "malformed time zone")?;
    c.expect(b':').map_err(|_| "malformed time zone")?;
    let m = c.two().map_err(|_| "malformed time zone")?;
    let t = i16::from(h) * 60 + i16::from(m);
    if m > 59 || t > MAX_TZ {
        return Err("time zone out of range");
    }
    Ok(Some(if neg { -t } else { t }))
}

// ---------------------------------------------------------------------------------------
// Duration
// ---------------------------------------------------------------------------------------

/// An xs:duration as (months, seconds), both carrying the duration's sign. Equality is
/// equality of both parts (P1D = PT24H, P1Y = P12M, but P1M != P30D).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Duration {
    months: i64,
    seconds: Decimal,
}

/// The four starting instants of XSD 1.0 §3.2.6.2 (year, month).
const DURATION_REFS: [(i64, u8); 4] = [(1696, 9), (1697, 2), (1903, 3), (1903, 7)];

impl Duration {
    /// Parse `-?P(nY)?(nM)?(nD)?(T(nH)?(nM)?(n(.n)?S)?)?` with at least one component
    /// and at least one after a `T`.
    pub fn parse(s: &str) -> Result<Duration, &'static str> {
        let b = s.as_bytes();
        let mut c = Cursor { b, i: 0 };
        let neg = c.eat(b'-');
        c.expect(b'P').map_err(|_| "must start with 'P'")?;
        let mut months: i64 = 0;
        let mut secs = Decimal::ZERO;
        let mut any = false;
        let mut in_time = false;
        // Designators in the order they may appear; each at most once.
        let order: [u8; 7] = [b'Y', b'M', b'D', b'T', b'H', b'm', b'S'];
        let mut pos = 0usize;
        while !c.at_end() {
            if c.eat(b'T') {
                if in_time || pos > 3 {
                    return Err("misplaced 'T'");
                }
                in_time = true;
                pos = 4;
                if c.at_end() {
                    return Err("'T' must be followed by a time component");
                }
                continue;
            }
            let int = c.digits();
            if int.is_empty() {
                return Err("expected a number");
            }
            let frac = if c.eat(b'.') {
                let f = c.digits();
                if f.is_empty() {
                    return Err("expected digits after '.'");
                }
                Some(f)
            } else {
                None
            };
            let Some(&des) = b.get(c.i) else {
                return Err("number without designator");
            };
            c.i += 1;
            let key = if in_time && des == b'M' { b'm' } else { des };
            let Some(idx) = order.iter().position(|&k| k == key) else {
                return Err("unknown designator");
            };
            if idx < pos || (in_time != (idx > 3)) {
                return Err("designators out of order");
            }
            pos = idx + 1;
            if frac.is_some() && key != b'S' {
                return Err("only seconds may have a fraction");
            }
            any = true;
            match key {
                b'Y' | b'M' => {
                    let n = small_int(int).ok_or("component out of the supported range")?;
                    let add = if key == b'Y' {
                        n.checked_mul(12)
                    } else {
                        Some(n)
                    };
                    months = add
                        .and_then(|a| months.checked_add(a))
                        .ok_or("component out of the supported range")?;
                }
                _ => {
                    let n = Decimal::from_ascii_parts(false, int, frac.unwrap_or(&[]))
                        .ok_or("component out of the supported range")?;
                    let factor = match key {
                        b'D' => 86_400,
                        b'H' => 3600,
                        b'm' => 60,
                        _ => 1,
                    };
                    secs = &secs + &n.mul_small(factor);
                }
            }
        }
        if !any {
            return Err("needs at least one component");
        }
        if neg {
            months = -months;
            secs = -&secs;
        }
        Ok(Duration {
            months,
            seconds: secs,
        })
    }

    /// Total months (years × 12 + months), signed.
    pub fn months(&self) -> i64 {
        self.months
    }

    /// Total seconds of the day/hour/minute/second part, exact and signed.
    pub fn seconds(&self) -> &Decimal {
        &self.seconds
    }

    pub fn is_negative(&self) -> bool {
        self.months < 0 || self.seconds.is_negative()
    }

    /// Partial order of XSD 1.0 §3.2.6.2: compare the results of adding both durations
    /// to four reference instants; disagreement means incomparable (`None`).
    pub fn partial_cmp_duration(&self, other: &Duration) -> Option<Ordering> {
        let mo = self.months.cmp(&other.months);
        let so = self.seconds.cmp(&other.seconds);
        if mo == so || so == Ordering::Equal {
            return Some(mo);
        }
        if mo == Ordering::Equal {
            return Some(so);
        }
        let mut result = None;
        for (y, m) in DURATION_REFS {
            let start = |months: i64| {
                let total = i128::from(y) * 12 + i128::from(m) - 1 + i128::from(months);
                let (yy, mm) = (total.div_euclid(12), (total.rem_euclid(12) + 1) as u8);
                days_from_civil(yy, mm, 1) * 86_400
            };
            let delta = Decimal::from_i128(start(self.months) - start(other.months));
            let o = (&delta + &self.seconds).cmp(&other.seconds);
            match result {
                None => result = Some(o),
                Some(r) if r != o => return None,
                _ => {}
            }
        }
        result
    }

    /// Canonical form from the (months, seconds) value: years/months, then days, hours,
    /// minutes and seconds with carries applied; zero is "PT0S".
    fn canonical_string(&self) -> String {
        let mut out = String::new();
        if self.is_negative() {
            out.push('-');
        }
        out.push('P');
        let months = self.months.unsigned_abs();
        let (y, mo) = (months / 12, months % 12);
        if y > 0 {
            let _ = write!(out, "{y}Y");
        }
        if mo > 0 {
            let _ = write!(out, "{mo}M");
        }
        let secs = if self.seconds.is_negative() {
            -&self.seconds
        } else {
            self.seconds.clone()
        };
        let (int, frac) = secs.int_frac_digits();
        let (days, rem) = divmod_small(&int, 86_400);
        let days = trim_leading_values(&days);
        if !days.is_empty() {
            days.iter().for_each(|d| out.push(char::from(b'0' + d)));
            out.push('D');
        }
        let (h, m, s) = (rem / 3600, rem % 3600 / 60, rem % 60);
        if h > 0 || m > 0 || s > 0 || !frac.is_empty() {
            out.push('T');
            if h > 0 {
                let _ = write!(out, "{h}H");
            }
            if m > 0 {
                let _ = write!(out, "{m}M");
            }
            if s > 0 || !frac.is_empty() {
                let _ = write!(out, "{s}");
                if !frac.is_empty() {
                    out.push('.');
                    frac.iter().for_each(|d| out.push(char::from(b'0' + d)));
                }
                out.push('S');
            }
        }
        if out.ends_with('P') {
            out.push_str("T0S");
        }
        out
    }
}

fn trim_leading_values(d: &[u8]) -> &[u8] {
    let n = d.iter().take_while(|&&c| c == 0).count();
    &d[n..]
}

/// A run of ASCII digits as i64 (None on overflow).
fn small_int(d: &[u8]) -> Option<i64> {
    d.iter().try_fold(0i64, |v, &x| {
        v.checked_mul(10)?.checked_add(i64::from(x - b'0'))
    })
}

// ---------------------------------------------------------------------------------------
// String-derived types, names, QName, anyURI
// ---------------------------------------------------------------------------------------

/// Lexical check for the string-derived built-ins (not string itself).
fn check_string(b: Builtin, s: &str) -> Result<(), String> {
    use Builtin::*;
    let ok = match b {
        NormalizedString => !s.bytes().any(|c| matches!(c, b'\t' | b'\n' | b'\r')),
        Token => is_token(s),
        Language => is_language(s),
        Name => is_name(s),
        NCName | Id | IdRef | Entity => is_ncname(s),
        NmToken => is_nmtoken(s),
        _ => true,
    };
    if ok { Ok(()) } else { Err(invalid(b, s)) }
}

/// No tab/CR/LF, no leading/trailing space, no run of spaces.
fn is_token(s: &str) -> bool {
    let b = s.as_bytes();
    if b.first() == Some(&b' ') || b.last() == Some(&b' ') {
        return false;
    }
    let mut prev_space = false;
    for &c in b {
        match c {
            b'\t' | b'\n' | b'\r' => return false,
            b' ' if prev_space => return false,
            _ => prev_space = c == b' ',
        }
    }
    true
}

/// `[a-zA-Z]{1,8}(-[a-zA-Z0-9]{1,8})*` (the XSD 1.0 pattern for xs:language).
fn is_language(s: &str) -> bool {
    let mut first = true;
    for part in s.split('-') {
        let ok_len = (1..=8).contains(&part.len());
        let ok_chars = if first {
            part.bytes().all(|c| c.is_ascii_alphabetic())
        } else {
            part.bytes().all(|c| c.is_ascii_alphanumeric())
        };
        if !ok_len || !ok_chars {
            return false;
        }
        first = false;
    }
    true
}

fn in_ranges(c: char, table: &[(u32, u32)]) -> bool {
    let c = c as u32;
    table
        .binary_search_by(|&(lo, hi)| {
            if hi < c {
                Ordering::Less
            } else if lo > c {
                Ordering::Greater
            } else {
                Ordering::Equal
            }
        })
        .is_ok()
}

/// XML 1.0 (2nd edition) `Letter | '_'` (plus ':' when `colon`).
#[inline]
fn is_name_start(c: char, colon: bool) -> bool {
    if c.is_ascii() {
        c.is_ascii_alphabetic() || c == '_' || (colon && c == ':')
    } else {
        in_ranges(c, NCNAME_START_NON_ASCII)
    }
}

/// XML 1.0 (2nd edition) `NameChar` (without ':' unless `colon`).
#[inline]
fn is_name_char(c: char, colon: bool) -> bool {
    if c.is_ascii() {
        c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.') || (colon && c == ':')
    } else {
        in_ranges(c, NCNAME_CHAR_NON_ASCII)
    }
}

fn is_name_like(s: &str, colon: bool) -> bool {
    let mut it = s.chars();
    match it.next() {
        Some(c) if is_name_start(c, colon) => it.all(|c| is_name_char(c, colon)),
        _ => false,
    }
}

/// XML 1.0 `Name`.
pub fn is_name(s: &str) -> bool {
    is_name_like(s, true)
}

/// Namespaces in XML `NCName`.
pub fn is_ncname(s: &str) -> bool {
    is_name_like(s, false)
}

/// XML 1.0 `Nmtoken`.
pub fn is_nmtoken(s: &str) -> bool {
    !s.is_empty() && s.chars().all(|c| is_name_char(c, true))
}

/// Split and resolve a QName. The `xml` prefix is always bound; an unprefixed name takes
/// the default namespace (an empty one means none).
fn parse_qname<'s>(
    b: Builtin,
    s: &'s str,
    resolve: &dyn Fn(&str) -> Option<String>,
) -> Result<(Option<String>, &'s str), String> {
    match s.split_once(':') {
        Some((prefix, local)) => {
            if !is_ncname(prefix) || !is_ncname(local) {
                return Err(invalid(b, s));
            }
            match resolve(prefix) {
                Some(ns) => Ok((Some(ns), local)),
                None if prefix == "xml" => Ok((Some(XML_NS.to_owned()), local)),
                None => Err(format!(
                    "'{}' is not a valid xs:{}: prefix '{}' is not declared",
                    quote(s),
                    b.local_name(),
                    quote(prefix)
                )),
            }
        }
        None => {
            if !is_ncname(s) {
                return Err(invalid(b, s));
            }
            Ok((resolve("").filter(|ns| !ns.is_empty()), s))
        }
    }
}

/// anyURI, leniently (as Xerces): characters the XLink escaping procedure would %-encode
/// (spaces, non-ASCII, ...) are accepted; rejected are malformed %-escapes, a second '#',
/// and a malformed scheme before the first ':'.
fn check_any_uri(s: &str) -> Result<(), &'static str> {
    let b = s.as_bytes();
    let mut i = 0;
    let mut hashes = 0;
    while i < b.len() {
        match b[i] {
            b'%' => {
                let ok = b.get(i + 1).is_some_and(u8::is_ascii_hexdigit)
                    && b.get(i + 2).is_some_and(u8::is_ascii_hexdigit);
                if !ok {
                    return Err("'%' must be followed by two hex digits");
                }
                i += 3;
                continue;
            }
            b'#' => {
                hashes += 1;
                if hashes > 1 {
                    return Err("more than one '#'");
                }
            }
            _ => {}
        }
        i += 1;
    }
    // A ':' before any '/', '?' or '#' ends a scheme, which must be ALPHA *(ALPHA / DIGIT
    // / "+" / "-" / ".").
    if let Some(p) = b
        .iter()
        .position(|&c| matches!(c, b':' | b'/' | b'?' | b'#'))
        && b[p] == b':'
    {
        let scheme = &b[..p];
        let ok = scheme.first().is_some_and(u8::is_ascii_alphabetic)
            && scheme
                .iter()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'+' | b'-' | b'.'));
        if !ok {
            return Err("malformed scheme");
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------
// Binary
// ---------------------------------------------------------------------------------------

fn hex_val(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    }
}

/// hexBinary: an even number of hex digits (possibly none).
fn decode_hex(s: &str, mut out: Option<&mut Vec<u8>>) -> Result<(), &'static str> {
    let b = s.as_bytes();
    if b.len() % 2 != 0 {
        return Err("odd number of hex digits");
    }
    for pair in b.chunks_exact(2) {
        match (hex_val(pair[0]), hex_val(pair[1])) {
            (Some(h), Some(l)) => {
                if let Some(o) = out.as_deref_mut() {
                    o.push(h << 4 | l);
                }
            }
            _ => return Err("not a hex digit"),
        }
    }
    Ok(())
}

fn b64_val(c: u8) -> Option<u8> {
    match c {
        b'A'..=b'Z' => Some(c - b'A'),
        b'a'..=b'z' => Some(c - b'a' + 26),
        b'0'..=b'9' => Some(c - b'0' + 52),
        b'+' => Some(62),
        b'/' => Some(63),
        _ => None,
    }
}

/// base64Binary per the XSD 1.0 grammar: groups of four symbols, single spaces allowed
/// between symbols, '=' padding only at the very end, and the bits a padded final group
/// drops must be zero (the B04/B16 productions).
fn decode_base64(s: &str, mut out: Option<&mut Vec<u8>>) -> Result<(), &'static str> {
    let b = s.as_bytes();
    if b.first() == Some(&b' ') || b.last() == Some(&b' ') {
        return Err("leading or trailing space");
    }
    let mut quad = [0u8; 4];
    let mut n = 0usize; // symbols in the current group
    let mut pads = 0usize;
    let mut done = false; // a padded group ended the data
    let mut prev_space = false;
    let mut last_data = 0u8;
    for &c in b {
        if c == b' ' {
            if prev_space {
                return Err("consecutive spaces");
            }
            prev_space = true;
            continue;
        }
        prev_space = false;
        if done {
            return Err("data after padding");
        }
        if c == b'=' {
            if n < 2 {
                return Err("misplaced '='");
            }
            pads += 1;
            quad[n] = 0;
        } else {
            if pads > 0 {
                return Err("data after '='");
            }
            let v = b64_val(c).ok_or("not a base64 character")?;
            quad[n] = v;
            last_data = v;
        }
        n += 1;
        if n == 4 {
            if let Some(o) = out.as_deref_mut() {
                let bytes = [
                    quad[0] << 2 | quad[1] >> 4,
                    quad[1] << 4 | quad[2] >> 2,
                    quad[2] << 6 | quad[3],
                ];
                o.extend_from_slice(&bytes[..3 - pads]);
            }
            n = 0;
            done = pads > 0;
        }
    }
    if n != 0 {
        return Err("length is not a multiple of four");
    }
    if pads > 0 {
        // With "==" the last symbol carries 4 unused bits, with "=" it carries 2.
        let unused_mask = if pads == 2 { 0b1111 } else { 0b11 };
        if last_data & unused_mask != 0 {
            return Err("non-zero padding bits");
        }
    }
    Ok(())
}

fn encode_base64(data: &[u8]) -> String {
    const ALPHA: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(data.len().div_ceil(3) * 4);
    for chunk in data.chunks(3) {
        let b0 = chunk[0];
        let b1 = chunk.get(1).copied().unwrap_or(0);
        let b2 = chunk.get(2).copied().unwrap_or(0);
        let idx = [
            b0 >> 2,
            (b0 & 3) << 4 | b1 >> 4,
            (b1 & 15) << 2 | b2 >> 6,
            b2 & 63,
        ];
        for (k, &i) in idx.iter().enumerate() {
            if k <= chunk.len() {
                out.push(char::from(ALPHA[i as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

// ---------------------------------------------------------------------------------------
// Equality, order, measures, canonical forms
// ---------------------------------------------------------------------------------------

/// Equality in the value space (used by enumeration, fixed values and identity
/// constraints). Values of different primitive types are never equal; decimal 1.0 equals
/// integer 1; float/double follow XSD 1.0, where 0 = -0 and NaN equals itself (1.0 has a
/// single NaN value, so `enumeration value="NaN"` accepts it); dates with and without a
/// time zone are never equal.
pub fn equal(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::String(x), Value::String(y)) | (Value::AnyUri(x), Value::AnyUri(y)) => x == y,
        (Value::Bool(x), Value::Bool(y)) => x == y,
        (Value::Decimal(x), Value::Decimal(y)) => x == y,
        (Value::Float(x), Value::Float(y)) => x == y || (x.is_nan() && y.is_nan()),
        (Value::Double(x), Value::Double(y)) => x == y || (x.is_nan() && y.is_nan()),
        (Value::Duration(x), Value::Duration(y)) => x == y,
        (Value::DateTime(x), Value::DateTime(y)) => x.eq_dt(y),
        (Value::HexBinary(x), Value::HexBinary(y))
        | (Value::Base64Binary(x), Value::Base64Binary(y)) => x == y,
        (Value::QName { ns: n1, local: l1 }, Value::QName { ns: n2, local: l2 })
        | (Value::Notation { ns: n1, local: l1 }, Value::Notation { ns: n2, local: l2 }) => {
            l1 == l2 && n1 == n2
        }
        (Value::List(x), Value::List(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| equal(p, q))
        }
        _ => false,
    }
}

/// The order relation of ordered types. `None` when the values are incomparable: different
/// primitives, unordered types, NaN, durations like P1M vs P30D, or a date with and one
/// without a time zone within 14 hours of each other.
pub fn compare(a: &Value, b: &Value) -> Option<Ordering> {
    match (a, b) {
        (Value::Decimal(x), Value::Decimal(y)) => Some(x.cmp(y)),
        (Value::Float(x), Value::Float(y)) => x.partial_cmp(y),
        (Value::Double(x), Value::Double(y)) => x.partial_cmp(y),
        (Value::Duration(x), Value::Duration(y)) => x.partial_cmp_duration(y),
        (Value::DateTime(x), Value::DateTime(y)) => x.partial_cmp_dt(y),
        _ => None,
    }
}

/// The measure of the length facets: characters for the string family and anyURI, octets
/// for hexBinary/base64Binary, items for lists. `None` where length facets do not apply
/// (QName, NOTATION, and non-string primitives).
pub fn length(b: Builtin, v: &Value) -> Option<u64> {
    if matches!(b.primitive(), Builtin::QName | Builtin::Notation) {
        return None;
    }
    match v {
        Value::String(s) | Value::AnyUri(s) => Some(s.chars().count() as u64),
        Value::HexBinary(d) | Value::Base64Binary(d) => Some(d.len() as u64),
        Value::List(items) => Some(items.len() as u64),
        _ => None,
    }
}

/// totalDigits measure of a decimal-family value (see [`Decimal::total_digits`]).
pub fn total_digits(v: &Value) -> Option<u32> {
    match v {
        Value::Decimal(d) => Some(d.total_digits()),
        _ => None,
    }
}

/// fractionDigits measure of a decimal-family value.
pub fn fraction_digits(v: &Value) -> Option<u32> {
    match v {
        Value::Decimal(d) => Some(d.fraction_digits()),
        _ => None,
    }
}

/// Canonical lexical form; equal values (per [`equal`]) give equal strings, so it serves
/// as a key for identity constraints. QNames print as `{namespace}local`. List items are
/// joined by single spaces. The primitive spaces are not tagged: callers keying values of
/// different primitive types together should prefix the primitive's name.
pub fn canonical(v: &Value) -> String {
    match v {
        Value::String(s) | Value::AnyUri(s) => s.clone(),
        Value::Bool(b) => if *b { "true" } else { "false" }.to_owned(),
        Value::Decimal(d) => d.to_string(),
        Value::Float(x) => canonical_float(f64::from(*x), &format!("{x:e}")),
        Value::Double(x) => canonical_float(*x, &format!("{x:e}")),
        Value::Duration(d) => d.canonical_string(),
        Value::DateTime(d) => d.canonical_string(),
        Value::HexBinary(d) => {
            let mut out = String::with_capacity(d.len() * 2);
            for byte in d {
                let _ = write!(out, "{byte:02X}");
            }
            out
        }
        Value::Base64Binary(d) => encode_base64(d),
        Value::QName { ns, local } | Value::Notation { ns, local } => match ns {
            Some(ns) => format!("{{{ns}}}{local}"),
            None => local.clone(),
        },
        Value::List(items) => {
            let mut out = String::new();
            for (i, it) in items.iter().enumerate() {
                if i > 0 {
                    out.push(' ');
                }
                out.push_str(&canonical(it));
            }
            out
        }
    }
}

// ---------------------------------------------------------------------------------------
// XML 1.0 (2nd edition) Appendix B name characters above ASCII, merged into sorted
// ranges: NCName start = Letter | "_", NCName char = Letter | Digit | "." | "-" | "_" |
// CombiningChar | Extender.
// ---------------------------------------------------------------------------------------

const NCNAME_START_NON_ASCII: &[(u32, u32)] = &[
    (0x00C0, 0x00D6),
    (0x00D8, 0x00F6),
    (0x00F8, 0x0131),
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
    (0x3007, 0x3007),
    (0x3021, 0x3029),
    (0x3041, 0x3094),
    (0x30A1, 0x30FA),
    (0x3105, 0x312C),
    (0x4E00, 0x9FA5),
    (0xAC00, 0xD7A3),
];
const NCNAME_CHAR_NON_ASCII: &[(u32, u32)] = &[
    (0x00B7, 0x00B7),
    (0x00C0, 0x00D6),
    (0x00D8, 0x00F6),
    (0x00F8, 0x0131),
    (0x0134, 0x013E),
    (0x0141, 0x0148),
    (0x014A, 0x017E),
    (0x0180, 0x01C3),
    (0x01CD, 0x01F0),
    (0x01F4, 0x01F5),
    (0x01FA, 0x0217),
    (0x0250, 0x02A8),
    (0x02BB, 0x02C1),
    (0x02D0, 0x02D1),
    (0x0300, 0x0345),
    (0x0360, 0x0361),
    (0x0386, 0x038A),
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
    (0x0483, 0x0486),
    (0x0490, 0x04C4),
    (0x04C7, 0x04C8),
    (0x04CB, 0x04CC),
    (0x04D0, 0x04EB),
    (0x04EE, 0x04F5),
    (0x04F8, 0x04F9),
    (0x0531, 0x0556),
    (0x0559, 0x0559),
    (0x0561, 0x0586),
    (0x0591, 0x05A1),
    (0x05A3, 0x05B9),
    (0x05BB, 0x05BD),
    (0x05BF, 0x05BF),
    (0x05C1, 0x05C2),
    (0x05C4, 0x05C4),
    (0x05D0, 0x05EA),
    (0x05F0, 0x05F2),
    (0x0621, 0x063A),
    (0x0640, 0x0652),
    (0x0660, 0x0669),
    (0x0670, 0x06B7),
    (0x06BA, 0x06BE),
    (0x06C0, 0x06CE),
    (0x06D0, 0x06D3),
    (0x06D5, 0x06E8),
    (0x06EA, 0x06ED),
    (0x06F0, 0x06F9),
    (0x0901, 0x0903),
    (0x0905, 0x0939),
    (0x093C, 0x094D),
    (0x0951, 0x0954),
    (0x0958, 0x0963),
    (0x0966, 0x096F),
    (0x0981, 0x0983),
    (0x0985, 0x098C),
    (0x098F, 0x0990),
    (0x0993, 0x09A8),
    (0x09AA, 0x09B0),
    (0x09B2, 0x09B2),
    (0x09B6, 0x09B9),
    (0x09BC, 0x09BC),
    (0x09BE, 0x09C4),
    (0x09C7, 0x09C8),
    (0x09CB, 0x09CD),
    (0x09D7, 0x09D7),
    (0x09DC, 0x09DD),
    (0x09DF, 0x09E3),
    (0x09E6, 0x09F1),
    (0x0A02, 0x0A02),
    (0x0A05, 0x0A0A),
    (0x0A0F, 0x0A10),
    (0x0A13, 0x0A28),
    (0x0A2A, 0x0A30),
    (0x0A32, 0x0A33),
    (0x0A35, 0x0A36),
    (0x0A38, 0x0A39),
    (0x0A3C, 0x0A3C),
    (0x0A3E, 0x0A42),
    (0x0A47, 0x0A48),
    (0x0A4B, 0x0A4D),
    (0x0A59, 0x0A5C),
    (0x0A5E, 0x0A5E),
    (0x0A66, 0x0A74),
    (0x0A81, 0x0A83),
    (0x0A85, 0x0A8B),
    (0x0A8D, 0x0A8D),
    (0x0A8F, 0x0A91),
    (0x0A93, 0x0AA8),
    (0x0AAA, 0x0AB0),
    (0x0AB2, 0x0AB3),
    (0x0AB5, 0x0AB9),
    (0x0ABC, 0x0AC5),
    (0x0AC7, 0x0AC9),
    (0x0ACB, 0x0ACD),
    (0x0AE0, 0x0AE0),
    (0x0AE6, 0x0AEF),
    (0x0B01, 0x0B03),
    (0x0B05, 0x0B0C),
    (0x0B0F, 0x0B10),
    (0x0B13, 0x0B28),
    (0x0B2A, 0x0B30),
    (0x0B32, 0x0B33),
    (0x0B36, 0x0B39),
    (0x0B3C, 0x0B43),
    (0x0B47, 0x0B48),
    (0x0B4B, 0x0B4D),
    (0x0B56, 0x0B57),
    (0x0B5C, 0x0B5D),
    (0x0B5F, 0x0B61),
    (0x0B66, 0x0B6F),
    (0x0B82, 0x0B83),
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
    (0x0BBE, 0x0BC2),
    (0x0BC6, 0x0BC8),
    (0x0BCA, 0x0BCD),
    (0x0BD7, 0x0BD7),
    (0x0BE7, 0x0BEF),
    (0x0C01, 0x0C03),
    (0x0C05, 0x0C0C),
    (0x0C0E, 0x0C10),
    (0x0C12, 0x0C28),
    (0x0C2A, 0x0C33),
    (0x0C35, 0x0C39),
    (0x0C3E, 0x0C44),
    (0x0C46, 0x0C48),
    (0x0C4A, 0x0C4D),
    (0x0C55, 0x0C56),
    (0x0C60, 0x0C61),
    (0x0C66, 0x0C6F),
    (0x0C82, 0x0C83),
    (0x0C85, 0x0C8C),
    (0x0C8E, 0x0C90),
    (0x0C92, 0x0CA8),
    (0x0CAA, 0x0CB3),
    (0x0CB5, 0x0CB9),
    (0x0CBE, 0x0CC4),
    (0x0CC6, 0x0CC8),
    (0x0CCA, 0x0CCD),
    (0x0CD5, 0x0CD6),
    (0x0CDE, 0x0CDE),
    (0x0CE0, 0x0CE1),
    (0x0CE6, 0x0CEF),
    (0x0D02, 0x0D03),
    (0x0D05, 0x0D0C),
    (0x0D0E, 0x0D10),
    (0x0D12, 0x0D28),
    (0x0D2A, 0x0D39),
    (0x0D3E, 0x0D43),
    (0x0D46, 0x0D48),
    (0x0D4A, 0x0D4D),
    (0x0D57, 0x0D57),
    (0x0D60, 0x0D61),
    (0x0D66, 0x0D6F),
    (0x0E01, 0x0E2E),
    (0x0E30, 0x0E3A),
    (0x0E40, 0x0E4E),
    (0x0E50, 0x0E59),
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
    (0x0EB0, 0x0EB9),
    (0x0EBB, 0x0EBD),
    (0x0EC0, 0x0EC4),
    (0x0EC6, 0x0EC6),
    (0x0EC8, 0x0ECD),
    (0x0ED0, 0x0ED9),
    (0x0F18, 0x0F19),
    (0x0F20, 0x0F29),
    (0x0F35, 0x0F35),
    (0x0F37, 0x0F37),
    (0x0F39, 0x0F39),
    (0x0F3E, 0x0F47),
    (0x0F49, 0x0F69),
    (0x0F71, 0x0F84),
    (0x0F86, 0x0F8B),
    (0x0F90, 0x0F95),
    (0x0F97, 0x0F97),
    (0x0F99, 0x0FAD),
    (0x0FB1, 0x0FB7),
    (0x0FB9, 0x0FB9),
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
    (0x20D0, 0x20DC),
    (0x20E1, 0x20E1),
    (0x2126, 0x2126),
    (0x212A, 0x212B),
    (0x212E, 0x212E),
    (0x2180, 0x2182),
    (0x3005, 0x3005),
    (0x3007, 0x3007),
    (0x3021, 0x302F),
    (0x3031, 0x3035),
    (0x3041, 0x3094),
    (0x3099, 0x309A),
    (0x309D, 0x309E),
    (0x30A1, 0x30FA),
    (0x30FC, 0x30FE),
    (0x3105, 0x312C),
    (0x4E00, 0x9FA5),
    (0xAC00, 0xD7A3),
];
