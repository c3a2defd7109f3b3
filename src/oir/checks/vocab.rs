//! The element names the rules look for, in one place. The ØiR packages are not public, so
//! names follow the domain brief's vocabulary and this project's service packs
//! (`schemas/SF1590_*`); matching is by local name, case-insensitive. Adapting the rules to
//! another package version means editing this file.

pub const FINANSBILAG: &[&str] = &["Finansbilag"];
pub const FINANSPOSTERING: &[&str] = &["Finanspostering"];
pub const BELOEB: &[&str] = &["Beloeb", "Beløb", "BeloebDKK"];
pub const DEBET_KREDIT: &[&str] = &["DebetKredit", "DebetKreditKode", "DebetKreditIndikator"];

/// Dates that say when a value is used, nearest first (`Message::inherited`).
pub const USE_DATES: &[&str] = &[
    "Posteringsdato",
    "Bogfoeringsdato",
    "Bogføringsdato",
    "Virkningsdato",
    "Bilagsdato",
    "Indbetalingsdato",
    "Betalingsdato",
    "Fakturadato",
    "Udbetalingsdato",
    "Stiftelsesdato",
];

/// Dates that say when an action takes effect (the PSRM hand-over), nearest first.
pub const ACTION_DATES: &[&str] = &["Overdragelsesdato", "Virkningsdato"];

/// When the message was sent (in `Hovedoplysninger`): the fallback date of a message.
pub const SENT: &[&str] = &["Afsendelsestidspunkt", "Tidsstempel", "Dannelsestidspunkt"];

/// Local-name stems → sortiment dimension. Suffixes such as `UUID`, `Id`, `Reference` are
/// stripped first (`ArtUUID` → `art`).
pub const DIMENSION_NAMES: &[(&str, &str)] = &[
    ("art", "art"),
    ("artskonto", "art"),
    ("funktion", "funktion"),
    ("omkostningssted", "omkostningssted"),
    ("ydelsestype", "ydelsestype"),
    ("betalingsart", "betalingsart"),
    ("fordringstype", "fordringstype"),
    ("debitorkontotype", "debitorkontotype"),
    ("foelsomhedsniveau", "foelsomhedsniveau"),
];

pub const NAME_SUFFIXES: &[&str] = &[
    "identifikator",
    "reference",
    "uuid",
    "ref",
    "id",
    "vaerdi",
    "kode",
];

/// Elements that hold one posting's kontering (for the omsætningstabel look-up).
pub const KONTERING_HOLDERS: &[&str] = &[
    "Finanspostering",
    "Kontering",
    "Delfordring",
    "Indbetaling",
    "Betalingsanmodning",
];

/// (from, to) child pairs of a period.
pub const PERIOD_PAIRS: &[(&str, &str)] = &[
    ("Fra", "Til"),
    ("FraDato", "TilDato"),
    ("PeriodeFra", "PeriodeTil"),
    ("Startdato", "Slutdato"),
    ("GyldigFra", "GyldigTil"),
    ("FraTidspunkt", "TilTidspunkt"),
    ("VirkningFra", "VirkningTil"),
];

/// Message-level IDs: identify the whole payload.
pub const MESSAGE_IDS: &[&str] = &[
    "BeskedId",
    "BeskedUUID",
    "BeskedIdentifikator",
    "TransaktionsId",
    "TransaktionId",
    "TransaktionUUID",
    "TransaktionsUUID",
    "MessageId",
    "MessageUUID",
];

/// Object-level IDs the sender generates per delivery: identify their parent element.
pub const OBJECT_IDS: &[&str] = &[
    "FinansbilagId",
    "FinansbilagIdentifikator",
    "FinansbilagUUID",
    "BilagId",
    "BilagsId",
    "IndbetalingId",
    "IndbetalingIdentifikator",
    "IndbetalingUUID",
    "BetalingsanmodningId",
    "BetalingsanmodningIdentifikator",
    "BetalingsanmodningUUID",
    "FakturasvarId",
    "FakturaSvarId",
];

/// The sending it-system in the payload (else `InvocationContext/UserSystemUUID`).
pub const SENDER: &[&str] = &[
    "AfsenderSystem",
    "AfsenderSystemUUID",
    "AfsendersystemUUID",
    "AfsenderItSystem",
    "AfsenderItSystemUUID",
    "Afsender",
];
pub const INVOCATION_SENDER: &[&str] = &["UserSystemUUID"];

pub const DEBITORKONTO_REFS: &[&str] = &[
    "DebitorkontoId",
    "DebitorkontoIdentifikator",
    "DebitorkontoUUID",
    "DebitorkontoReference",
];
pub const FORDRING_REFS: &[&str] = &[
    "FordringId",
    "FordringIdentifikator",
    "FordringUUID",
    "FordringReference",
];
pub const DELFORDRING_REFS: &[&str] = &[
    "DelfordringId",
    "DelfordringIdentifikator",
    "DelfordringUUID",
    "DelfordringReference",
];

pub const FORDRING: &[&str] = &["Fordring"];
pub const DELFORDRING: &[&str] = &["Delfordring"];
pub const STATE: &[&str] = &[
    "NyTilstand",
    "Tilstand",
    "FordringTilstand",
    "DebitorkontoTilstand",
];
pub const HAEFTELSE: &[&str] = &["Haeftelse", "Hæftelse"];
pub const JURIDISK_ANSVARLIG: &[&str] = &["JuridiskAnsvarlig"];
pub const HAEFTELSE_ROLE: &[&str] = &[
    "Rolle",
    "HaeftelseRolle",
    "HaeftelsesType",
    "Haeftelsestype",
    "Type",
];
pub const PARTY_IDS: &[&str] = &[
    "CPRNummer",
    "CPR",
    "CVRNummer",
    "CVR",
    "AKRNummer",
    "AKR",
    "SENummer",
];
pub const LAST_TIMELY: &[&str] = &[
    "SidsteRettidigeBetalingsdato",
    "SidsteRettidigeBetalingDato",
    "SRB",
];
/// Parts of a claim's amount for the PSRM threshold: principal, interest, fees.
pub const CLAIM_AMOUNTS: &[&str] = &[
    "Hovedstol",
    "Beloeb",
    "Renter",
    "Rente",
    "RenteBeloeb",
    "Gebyr",
    "Gebyrer",
    "GebyrBeloeb",
];
/// Flags (set to true) that mean "hand over to collection (PSRM)".
pub const HANDOVER_FLAGS: &[&str] = &["OverdragTilInddrivelse", "TilInddrivelse"];
/// Structures that are themselves a hand-over (request) to collection.
pub const HANDOVER_REQUESTS: &[&str] = &[
    "OverdragelseTilInddrivelseAnmodning",
    "OverdragelseTilInddrivelse",
];

pub const INDBETALING: &[&str] = &["Indbetaling"];
/// Invoice references, most specific first (an answer is judged by the first it has).
pub const FAKTURA_REFS: &[&[&str]] = &[
    &[
        "FakturaUUID",
        "FakturaId",
        "FakturaIdentifikator",
        "FakturaReference",
    ],
    &["Fakturanummer"],
];

/// A supplementary kontering value: its dimension is named by a sibling delsortiment UUID.
pub const SUPPLEMENT_VALUE: &[&str] = &["Vaerdi"];
pub const SUPPLEMENT_DELSORTIMENT: &[&str] = &["DelsortimentUUID"];

/// Fold a local name for matching: lowercase ASCII with æ/ø/å spelled out.
pub fn fold(name: &str) -> String {
    if name.is_ascii() {
        return name.to_ascii_lowercase();
    }
    let mut s = String::with_capacity(name.len());
    for c in name.chars() {
        match c {
            'æ' | 'Æ' => s.push_str("ae"),
            'ø' | 'Ø' => s.push_str("oe"),
            'å' | 'Å' => s.push_str("aa"),
            c => s.extend(c.to_lowercase()),
        }
    }
    s
}

/// Does the folded `name` contain `needle` (lowercase ASCII)? Without allocating: folding
/// spells æ/ø/å with letters no needle here straddles, so an ASCII case-insensitive search
/// of the name itself gives the same answer.
pub fn name_contains(name: &str, needle: &str) -> bool {
    let (h, n) = (name.as_bytes(), needle.as_bytes());
    h.len() >= n.len() && h.windows(n.len()).any(|w| w.eq_ignore_ascii_case(n))
}

/// The sortiment dimension an element's local name refers to, if any.
pub fn dimension_of(local: &str) -> Option<&'static str> {
    if local.is_ascii() {
        // The common case, compared case-insensitively in place (no folded copy).
        return dimension_of_folded(local);
    }
    dimension_of_folded(&fold(local))
}

/// [`dimension_of`] for a name that is ASCII or already folded (the vocabulary is ASCII, so
/// an ASCII case-insensitive comparison decides).
fn dimension_of_folded(name: &str) -> Option<&'static str> {
    let mut n = name;
    for _ in 0..2 {
        if let Some((_, d)) = DIMENSION_NAMES
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(n))
        {
            return Some(d);
        }
        let suffix = NAME_SUFFIXES.iter().find(|s| {
            n.len() > s.len()
                && n.as_bytes()[n.len() - s.len()..].eq_ignore_ascii_case(s.as_bytes())
        })?;
        n = &n[..n.len() - suffix.len()];
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dimensions_from_names() {
        assert_eq!(dimension_of("Art"), Some("art"));
        assert_eq!(dimension_of("ArtskontoUUID"), Some("art"));
        assert_eq!(
            dimension_of("FølsomhedsniveauReference"),
            Some("foelsomhedsniveau")
        );
        assert_eq!(dimension_of("DebitorkontoType"), Some("debitorkontotype"));
        assert_eq!(dimension_of("Beloeb"), None);
        assert_eq!(dimension_of("Id"), None);
        assert_eq!(dimension_of("Kode"), None);
        assert_eq!(dimension_of("ARTSKONTOuuid"), Some("art"));
        assert_eq!(dimension_of("FunktionIdIdKode"), None);
    }

    #[test]
    fn names_contain_needles_whatever_the_case() {
        assert!(name_contains("PersonCPRNummer", "cpr"));
        assert!(name_contains("cvr", "cvr"));
        assert!(name_contains("VirksomhedCvr", "cvr"));
        assert!(!name_contains("CP", "cpr"));
        assert!(!name_contains("CæPR", "cpr"));
        assert!(name_contains("ØkonomiCPR", "cpr"));
    }
}
