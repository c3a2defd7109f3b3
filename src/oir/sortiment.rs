//! A fagsystem's sortiment and the ERP's omsætningstabel (YAML, format in
//! `schemas/data/README.md`). Both are checked when loaded, so a malformed file is a load
//! error with its cause rather than a wrong finding later.

use std::collections::HashMap;
use std::path::Path;

use serde::Deserialize;

use super::date::Date;

/// The dimensions a sortiment value can belong to (the delsortiment `navn`s).
pub const DIMENSIONS: &[&str] = &[
    "art",
    "funktion",
    "omkostningssted",
    "ydelsestype",
    "betalingsart",
    "fordringstype",
    "debitorkontotype",
    "foelsomhedsniveau",
];

/// A data file that could not be read or is not well-formed.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{file}: {message}")]
pub struct DataError {
    pub file: String,
    pub message: String,
}

fn data_err(file: &str, message: impl Into<String>) -> DataError {
    DataError {
        file: file.to_string(),
        message: message.into(),
    }
}

pub(crate) fn read_yaml<T: for<'de> Deserialize<'de>>(path: &Path) -> Result<T, DataError> {
    let file = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|e| data_err(&file, e.to_string()))?;
    serde_saphyr::from_str(&text).map_err(|e| data_err(&file, e.to_string()))
}

fn parse_date(file: &str, what: &str, s: &str) -> Result<Date, DataError> {
    Date::parse(s)
        .ok_or_else(|| data_err(file, format!("{what}: '{s}' is not a date (YYYY-MM-DD)")))
}

/// UUIDs are compared in lowercase (Serviceplatformen writes them lowercase; some
/// systems do not).
pub fn norm_uuid(s: &str) -> String {
    s.trim().to_ascii_lowercase()
}

/// `8-4-4-4-12` hex digits.
pub fn is_uuid(s: &str) -> bool {
    let b = s.trim().as_bytes();
    b.len() == 36
        && b.iter().enumerate().all(|(i, c)| match i {
            8 | 13 | 18 | 23 => *c == b'-',
            _ => c.is_ascii_hexdigit(),
        })
}

// ---- raw YAML shapes ---------------------------------------------------------------

#[derive(Deserialize)]
struct SortimentFile {
    sortiment: RawSortiment,
}

#[derive(Deserialize)]
struct RawSortiment {
    uuid: String,
    titel: String,
    #[serde(default)]
    ejer: Option<String>,
    #[serde(default)]
    gyldig_fra: Option<String>,
    #[serde(default)]
    gyldig_til: Option<String>,
    #[serde(default)]
    klassificerede_elementer: Vec<RawGroup>,
    #[serde(default)]
    delsortimenter: Vec<RawGroup>,
}

#[derive(Deserialize)]
struct RawGroup {
    #[serde(default)]
    uuid: Option<String>,
    navn: String,
    #[serde(default)]
    titel: Option<String>,
    #[serde(default)]
    vaerdier: Vec<RawValue>,
}

#[derive(Deserialize)]
struct RawValue {
    uuid: String,
    #[serde(default)]
    noegle: Option<String>,
    titel: String,
    gyldig_fra: String,
    #[serde(default)]
    gyldig_til: Option<String>,
    #[serde(default)]
    foelsomhedsniveau: Option<String>,
}

// ---- the checked model -------------------------------------------------------------

/// One classification value of a sortiment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Value {
    pub uuid: String,
    /// The delsortiment (dimension) it belongs to, e.g. `art`.
    pub dimension: String,
    /// Brugervendt nøgle, e.g. `5.2`.
    pub key: Option<String>,
    pub title: String,
    pub from: Date,
    /// Inclusive last day; `None` = open-ended.
    pub to: Option<Date>,
    pub sensitivity: Option<String>,
}

impl Value {
    pub fn valid_on(&self, d: Date) -> bool {
        self.from <= d && self.to.is_none_or(|t| d <= t)
    }

    /// `5.2 Overførsler til personer`.
    pub fn label(&self) -> String {
        match &self.key {
            Some(k) => format!("{k} {}", self.title),
            None => self.title.clone(),
        }
    }

    /// `2020-01-01 – 2024-12-31` or `2020-01-01 –`.
    pub fn period(&self) -> String {
        match self.to {
            Some(t) => format!("{} – {t}", self.from),
            None => format!("{} –", self.from),
        }
    }
}

/// A fagsystem's sortiment: every value by UUID.
#[derive(Debug, Clone, Default)]
pub struct Sortiment {
    pub uuid: String,
    pub title: String,
    pub owner: Option<String>,
    values: HashMap<String, Value>,
    /// Delsortiment UUID → its dimension.
    delsortimenter: HashMap<String, String>,
}

impl Sortiment {
    pub fn load(path: &Path) -> Result<Sortiment, DataError> {
        let raw: SortimentFile = read_yaml(path)?;
        Self::from_raw(&path.display().to_string(), raw.sortiment)
    }

    pub fn from_yaml(file: &str, text: &str) -> Result<Sortiment, DataError> {
        let raw: SortimentFile =
            serde_saphyr::from_str(text).map_err(|e| data_err(file, e.to_string()))?;
        Self::from_raw(file, raw.sortiment)
    }

    fn from_raw(file: &str, raw: RawSortiment) -> Result<Sortiment, DataError> {
        if !is_uuid(&raw.uuid) {
            return Err(data_err(
                file,
                format!("sortiment uuid '{}' is not a UUID", raw.uuid),
            ));
        }
        if let Some(f) = &raw.gyldig_fra {
            parse_date(file, "sortiment gyldig_fra", f)?;
        }
        if let Some(t) = &raw.gyldig_til {
            parse_date(file, "sortiment gyldig_til", t)?;
        }
        let mut values = HashMap::new();
        let mut delsortimenter = HashMap::new();
        for g in raw
            .klassificerede_elementer
            .iter()
            .chain(&raw.delsortimenter)
        {
            let dim = g.navn.trim().to_ascii_lowercase();
            if !DIMENSIONS.contains(&dim.as_str()) {
                return Err(data_err(
                    file,
                    format!(
                        "delsortiment '{}' is not one of {}",
                        g.navn,
                        DIMENSIONS.join(", ")
                    ),
                ));
            }
            if let Some(u) = &g.uuid
                && !is_uuid(u)
            {
                return Err(data_err(
                    file,
                    format!("delsortiment uuid '{u}' is not a UUID"),
                ));
            }
            if let Some(u) = &g.uuid {
                delsortimenter.insert(norm_uuid(u), dim.clone());
            }
            let _ = &g.titel;
            for v in &g.vaerdier {
                if !is_uuid(&v.uuid) {
                    return Err(data_err(
                        file,
                        format!("value uuid '{}' is not a UUID", v.uuid),
                    ));
                }
                let what = format!("value {}", v.uuid);
                let from = parse_date(file, &format!("{what} gyldig_fra"), &v.gyldig_fra)?;
                let to = match &v.gyldig_til {
                    Some(t) => Some(parse_date(file, &format!("{what} gyldig_til"), t)?),
                    None => None,
                };
                if to.is_some_and(|t| t < from) {
                    return Err(data_err(
                        file,
                        format!("{what}: gyldig_til is before gyldig_fra"),
                    ));
                }
                let value = Value {
                    uuid: norm_uuid(&v.uuid),
                    dimension: dim.clone(),
                    key: v.noegle.clone(),
                    title: v.titel.clone(),
                    from,
                    to,
                    sensitivity: v.foelsomhedsniveau.as_deref().map(norm_uuid),
                };
                if values.insert(value.uuid.clone(), value).is_some() {
                    return Err(data_err(
                        file,
                        format!("value uuid {} occurs twice", v.uuid),
                    ));
                }
            }
        }
        // A følsomhedsniveau must be one of the classified element's values.
        for v in values.values() {
            if let Some(s) = &v.sensitivity
                && values
                    .get(s)
                    .is_none_or(|x| x.dimension != "foelsomhedsniveau")
            {
                return Err(data_err(
                    file,
                    format!(
                        "value {}: foelsomhedsniveau {s} is not a følsomhedsniveau of the sortiment",
                        v.uuid
                    ),
                ));
            }
        }
        Ok(Sortiment {
            uuid: norm_uuid(&raw.uuid),
            title: raw.titel,
            owner: raw.ejer.as_deref().map(norm_uuid),
            values,
            delsortimenter,
        })
    }

    pub fn get(&self, uuid: &str) -> Option<&Value> {
        self.values.get(&norm_uuid(uuid))
    }

    /// The dimension of a delsortiment, by its UUID.
    pub fn delsortiment(&self, uuid: &str) -> Option<&str> {
        self.delsortimenter
            .get(&norm_uuid(uuid))
            .map(String::as_str)
    }

    pub fn len(&self) -> usize {
        self.values.len()
    }

    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    /// Every value, sorted by dimension and key (for listings).
    pub fn values(&self) -> Vec<&Value> {
        let mut v: Vec<&Value> = self.values.values().collect();
        v.sort_by(|a, b| (&a.dimension, &a.key, &a.uuid).cmp(&(&b.dimension, &b.key, &b.uuid)));
        v
    }
}

// ---- omsætningstabel ---------------------------------------------------------------

#[derive(Deserialize)]
struct OmsFile {
    omsaetningstabel: RawOms,
}

#[derive(Deserialize)]
struct RawOms {
    #[serde(default)]
    myndighed: Option<String>,
    #[serde(default)]
    sortiment: Option<String>,
    #[serde(default)]
    konti: Vec<RawKontoRow>,
    #[serde(default)]
    betalingsarter: Vec<RawBetRow>,
}

#[derive(Deserialize)]
struct RawKontoRow {
    naar: HashMap<String, String>,
    konto: RawKonto,
    #[serde(default)]
    titel: Option<String>,
}

#[derive(Deserialize)]
struct RawKonto {
    hovedkonto: String,
    hovedfunktion: String,
    funktion: String,
    dranst: String,
    ejerforhold: String,
    omkostningssted: String,
    gruppering: String,
    hovedart: String,
    art: String,
}

#[derive(Deserialize)]
struct RawBetRow {
    vaerdi: String,
    betalingsart: String,
    #[serde(default)]
    titel: Option<String>,
}

/// One row of the omsætningstabel: a combination of sortiment values → an account.
#[derive(Debug, Clone)]
pub struct KontoRow {
    /// (dimension, value UUID) pairs that must all match.
    pub when: Vec<(String, String)>,
    /// The 16-digit kontostreng.
    pub account: String,
    pub title: Option<String>,
}

/// The ERP's mapping from sortiment values to accounts and betalingsarter.
#[derive(Debug, Clone, Default)]
pub struct Omsaetningstabel {
    pub authority: Option<String>,
    pub sortiment: Option<String>,
    pub rows: Vec<KontoRow>,
    /// Sortiment betalingsart UUID → ERP betalingsart code.
    pub payment_types: HashMap<String, String>,
}

/// Widths of the kontostreng parts, in the order of Budget- og regnskabssystem for
/// kommuner kap. 2.0 (the widths are this project's assumption; see the data README).
const KONTO_PARTS: [(&str, usize); 9] = [
    ("hovedkonto", 1),
    ("hovedfunktion", 2),
    ("funktion", 2),
    ("dranst", 1),
    ("ejerforhold", 1),
    ("omkostningssted", 4),
    ("gruppering", 3),
    ("hovedart", 1),
    ("art", 1),
];

impl Omsaetningstabel {
    pub fn load(path: &Path) -> Result<Omsaetningstabel, DataError> {
        let raw: OmsFile = read_yaml(path)?;
        Self::from_raw(&path.display().to_string(), raw.omsaetningstabel)
    }

    pub fn from_yaml(file: &str, text: &str) -> Result<Omsaetningstabel, DataError> {
        let raw: OmsFile =
            serde_saphyr::from_str(text).map_err(|e| data_err(file, e.to_string()))?;
        Self::from_raw(file, raw.omsaetningstabel)
    }

    fn from_raw(file: &str, raw: RawOms) -> Result<Omsaetningstabel, DataError> {
        let mut rows = Vec::new();
        for (i, r) in raw.konti.iter().enumerate() {
            let n = i + 1;
            if r.naar.is_empty() {
                return Err(data_err(
                    file,
                    format!("konti row {n}: 'naar' names no dimension"),
                ));
            }
            let mut when = Vec::new();
            for (dim, uuid) in &r.naar {
                let d = dim.trim().to_ascii_lowercase();
                if !DIMENSIONS.contains(&d.as_str()) {
                    return Err(data_err(
                        file,
                        format!("konti row {n}: unknown dimension '{dim}'"),
                    ));
                }
                if !is_uuid(uuid) {
                    return Err(data_err(
                        file,
                        format!("konti row {n}: '{uuid}' is not a UUID"),
                    ));
                }
                when.push((d, norm_uuid(uuid)));
            }
            when.sort();
            let k = &r.konto;
            let parts = [
                &k.hovedkonto,
                &k.hovedfunktion,
                &k.funktion,
                &k.dranst,
                &k.ejerforhold,
                &k.omkostningssted,
                &k.gruppering,
                &k.hovedart,
                &k.art,
            ];
            let mut account = String::new();
            for ((name, width), value) in KONTO_PARTS.iter().zip(parts) {
                if value.len() != *width || !value.bytes().all(|c| c.is_ascii_digit()) {
                    return Err(data_err(
                        file,
                        format!("konti row {n}: {name} '{value}' must be {width} digit(s)"),
                    ));
                }
                account.push_str(value);
            }
            rows.push(KontoRow {
                when,
                account,
                title: r.titel.clone(),
            });
        }
        let mut payment_types = HashMap::new();
        for r in &raw.betalingsarter {
            if !is_uuid(&r.vaerdi) {
                return Err(data_err(
                    file,
                    format!("betalingsart '{}' is not a UUID", r.vaerdi),
                ));
            }
            let _ = &r.titel;
            payment_types.insert(norm_uuid(&r.vaerdi), r.betalingsart.clone());
        }
        Ok(Omsaetningstabel {
            authority: raw.myndighed,
            sortiment: raw.sortiment.as_deref().map(norm_uuid),
            rows,
            payment_types,
        })
    }

    /// The account for a posting's kontering (dimension → value UUID): the first row whose
    /// every condition is met.
    pub fn account_for(&self, kontering: &[(String, String)]) -> Option<&KontoRow> {
        self.rows.iter().find(|r| {
            r.when.iter().all(|(d, u)| {
                kontering
                    .iter()
                    .any(|(kd, ku)| kd == d && norm_uuid(ku) == *u)
            })
        })
    }

    pub fn payment_type(&self, uuid: &str) -> Option<&str> {
        self.payment_types.get(&norm_uuid(uuid)).map(String::as_str)
    }
}

/// The shipped reference data (`schemas/data/`), for tests and as the CLI's default.
pub fn default_data_dir() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("schemas/data")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shipped() -> (Sortiment, Omsaetningstabel) {
        let d = default_data_dir();
        (
            Sortiment::load(&d.join("sortiment.yaml")).unwrap(),
            Omsaetningstabel::load(&d.join("omsaetningstabel.yaml")).unwrap(),
        )
    }

    #[test]
    fn shipped_data_loads_with_expired_and_future_values() {
        let (s, o) = shipped();
        assert!(s.len() > 20);
        let d2025 = Date::new(2025, 3, 3).unwrap();
        let ended = s.get("e1000000-0000-4000-8000-000000000003").unwrap();
        assert!(!ended.valid_on(d2025) && ended.valid_on(Date::new(2019, 12, 31).unwrap()));
        let future = s.get("E1000000-0000-4000-8000-000000000004").unwrap();
        assert!(!future.valid_on(d2025));
        assert_eq!(future.dimension, "ydelsestype");
        // Every value the table maps is in the sortiment.
        for r in &o.rows {
            assert_eq!(r.account.len(), 16);
            for (dim, u) in &r.when {
                assert_eq!(&s.get(u).unwrap().dimension, dim);
            }
        }
        for u in o.payment_types.keys() {
            assert_eq!(s.get(u).unwrap().dimension, "betalingsart");
        }
    }

    #[test]
    fn first_matching_row_wins() {
        let (_, o) = shipped();
        let k = |d: &str, u: &str| (d.to_string(), u.to_string());
        let payout = [
            k("art", "a1000000-0000-4000-8000-000000000001"),
            k("funktion", "f1000000-0000-4000-8000-000000000001"),
        ];
        assert_eq!(o.account_for(&payout).unwrap().account, "5577211010100152");
        let bank = [k("funktion", "f1000000-0000-4000-8000-000000000003")];
        assert!(o.account_for(&bank).unwrap().account.starts_with("82205"));
        assert!(
            o.account_for(&[k("art", "a1000000-0000-4000-8000-000000000001")])
                .is_none()
        );
        assert_eq!(
            o.payment_type("b1000000-0000-4000-8000-000000000001"),
            Some("NKS")
        );
    }

    #[test]
    fn malformed_data_is_a_load_error() {
        let bad = [
            "sortiment: {uuid: nope, titel: x}",
            "sortiment: {uuid: 50000000-0000-4000-8000-000000000001, titel: x, delsortimenter: [{navn: farve, vaerdier: []}]}",
            "sortiment:\n  uuid: 50000000-0000-4000-8000-000000000001\n  titel: x\n  delsortimenter:\n    - navn: art\n      vaerdier:\n        - {uuid: a1000000-0000-4000-8000-000000000001, titel: t, gyldig_fra: 2020-02-30}\n",
            "sortiment:\n  uuid: 50000000-0000-4000-8000-000000000001\n  titel: x\n  delsortimenter:\n    - navn: art\n      vaerdier:\n        - {uuid: a1000000-0000-4000-8000-000000000001, titel: t, gyldig_fra: 2020-02-03, gyldig_til: 2020-01-01}\n",
            "sortiment:\n  uuid: 50000000-0000-4000-8000-000000000001\n  titel: x\n  delsortimenter:\n    - navn: art\n      vaerdier:\n        - {uuid: a1000000-0000-4000-8000-000000000001, titel: t, gyldig_fra: 2020-02-03, foelsomhedsniveau: a1000000-0000-4000-8000-000000000001}\n",
            "- just a list",
            "",
        ];
        for y in bad {
            assert!(Sortiment::from_yaml("t.yaml", y).is_err(), "{y}");
        }
        let bad_oms = [
            "omsaetningstabel:\n  konti:\n    - naar: {art: a1000000-0000-4000-8000-000000000001}\n      konto: {hovedkonto: '55', hovedfunktion: '57', funktion: '72', dranst: '1', ejerforhold: '1', omkostningssted: '0101', gruppering: '001', hovedart: '5', art: '2'}\n",
            "omsaetningstabel:\n  konti:\n    - naar: {}\n      konto: {hovedkonto: '5', hovedfunktion: '57', funktion: '72', dranst: '1', ejerforhold: '1', omkostningssted: '0101', gruppering: '001', hovedart: '5', art: '2'}\n",
            "omsaetningstabel:\n  betalingsarter: [{vaerdi: x, betalingsart: NKS}]\n",
        ];
        for y in bad_oms {
            assert!(Omsaetningstabel::from_yaml("o.yaml", y).is_err(), "{y}");
        }
    }

    #[test]
    fn uuid_shape() {
        assert!(is_uuid("a1000000-0000-4000-8000-000000000001"));
        assert!(is_uuid("A1000000-0000-4000-8000-00000000000F"));
        assert!(!is_uuid("a1000000-0000-4000-8000-00000000000"));
        assert!(!is_uuid("a1000000x0000-4000-8000-000000000001"));
        assert!(!is_uuid("æ1000000-0000-4000-8000-00000000001"));
    }
}
