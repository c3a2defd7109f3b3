//! The business-rule catalogue: every rule beyond the schema that `oir rules` checks, with a
//! stable ID, an error code, severity, Danish and English text, the consequence, the remedy,
//! who should act, and where it applies. IDs and codes never change meaning; a retired rule
//! keeps its ID reserved.
//!
//! `basis` says where a rule comes from, with the domain brief's markers: [C] confirmed in
//! a public source, [I] inferred (the ØiR integration packages are not public).

use serde::Serialize;

use super::finding::{Audience, Severity};

/// A static text in Danish and English.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Txt {
    pub da: &'static str,
    pub en: &'static str,
}

const fn t(da: &'static str, en: &'static str) -> Txt {
    Txt { da, en }
}

#[derive(Debug, Clone, Copy, Serialize)]
pub struct Rule {
    /// Stable rule ID, e.g. `SF1590A-BAL-001`.
    pub id: &'static str,
    /// Error code for the FejlListe of a forretningskvittering, e.g. `OIR-A-001`.
    pub code: &'static str,
    pub severity: Severity,
    /// Integrations (service packs) it applies to.
    pub integrations: &'static [&'static str],
    /// WSDL operations whose messages it applies to.
    pub operations: &'static [&'static str],
    /// One-line statement of the rule.
    pub title: Txt,
    /// Why the rule exists / what exactly is checked.
    pub description: Txt,
    pub consequence: Txt,
    pub remedy: Txt,
    pub audience: Audience,
    /// Needs the context (state snapshot, ID store) to be judged.
    pub needs_context: bool,
    pub basis: &'static str,
}

const A: &[&str] = &["SF1590_A"];
const B01: &[&str] = &["SF1590_B_01"];
const ALL: &[&str] = &[
    "SF1590_A",
    "SF1590_B_01",
    "SF1590_B_02",
    "SF1590_B_03",
    "SF1590_D",
    "SF1590_E",
];
const SORT: &[&str] = &[
    "SF1590_A",
    "SF1590_B_01",
    "SF1590_B_03",
    "SF1590_D",
    "SF1590_E",
];
const B01_B03: &[&str] = &["SF1590_B_01", "SF1590_B_03"];

/// Operations in which a fagsystem changes (or asks to change) a debitorkonto.
const B01_CHANGES: &[&str] = &[
    "OpretDebitorkonto",
    "RetFordringTilstand",
    "NedskrivFordring",
    "TilbagekaldFordring",
    "RegistrerEjerskifte",
    "AfslutAdministrator",
    "AfslutGældendeAdresseAdministrator",
    "AfslutGældendeAdresseJuridiskAnsvarlig",
    "AfslutGældendeAdresseJuridiskMedhæfter",
    "AfslutHæftelse",
    "AfslutLigestillingspartner",
    "AfslutMaterialeabonnementAdministrator",
    "AfslutMaterialeabonnementJuridiskAnsvarlig",
    "AfslutMaterialeabonnementJuridiskMedhæfter",
    "AnmodOmAfskrivning",
    "AnmodOmHenstand",
    "AnmodOmOverdragelseTilInddrivelse",
];
const HANDOVER_OPS: &[&str] = &["RetFordringTilstand", "AnmodOmOverdragelseTilInddrivelse"];

pub const BAL_001: &str = "SF1590A-BAL-001";
pub const BAL_002: &str = "SF1590A-BAL-002";
pub const SRT_001: &str = "OIR-SRT-001";
pub const SRT_002: &str = "OIR-SRT-002";
pub const SRT_003: &str = "OIR-SRT-003";
pub const MAP_001: &str = "OIR-MAP-001";
pub const PER_001: &str = "OIR-PER-001";
pub const IDM_001: &str = "OIR-IDM-001";
pub const IDM_002: &str = "OIR-IDM-002";
pub const CPR_001: &str = "OIR-CPR-001";
pub const CVR_001: &str = "OIR-CVR-001";
pub const OWN_001: &str = "SF1590B-OWN-001";
pub const STA_001: &str = "SF1590B-STA-001";
pub const HAE_001: &str = "SF1590B-HAE-001";
pub const PSRM_001: &str = "SF1590B-PSRM-001";
pub const PSRM_002: &str = "SF1590B-PSRM-002";
pub const PAY_001: &str = "SF1590B-PAY-001";
pub const INV_001: &str = "SF1590D-INV-001";

/// Every rule, in the order `oir rules` lists them.
pub static CATALOGUE: &[Rule] = &[
    Rule {
        id: BAL_001,
        code: "OIR-A-001",
        severity: Severity::Fejl,
        integrations: A,
        operations: &["ModtagFinansbilag"],
        title: t(
            "Et finansbilags posteringer skal summere til 0,00.",
            "The postings of a finansbilag must sum to 0.00.",
        ),
        description: t(
            "Dobbelt bogføring: summen af alle finansposteringer i ét bilag (debet positiv, kredit negativ) skal være præcis 0,00. Det er det, nulsumsposteringstesten afprøver.",
            "Double-entry bookkeeping: the sum of all postings of one voucher (debit positive, credit negative) must be exactly 0.00. This is what the zero-sum posting test exercises.",
        ),
        consequence: t(
            "Bogføringssystemet afviser hele bilaget (forretningskvittering AFVIST); intet af det bogføres.",
            "The ledger rejects the whole voucher (business receipt AFVIST); none of it is booked.",
        ),
        remedy: t(
            "Ret fagsystemets konteringsmodel, så hver postering har en modpostering med samme beløb og modsat fortegn, og send det rettede bilag igen.",
            "Fix the fagsystem's coding model so each posting has a counter-posting of the same amount and opposite sign, then send the corrected voucher again.",
        ),
        audience: Audience::FagsystemLeverandoer,
        needs_context: false,
        basis: "[I] domain brief §3.3.1; nulsumsposteringstest §6",
    },
    Rule {
        id: BAL_002,
        code: "OIR-A-002",
        severity: Severity::Fejl,
        integrations: A,
        operations: &["ModtagFinansbilag"],
        title: t(
            "Et finansbilag skal have mindst to posteringer.",
            "A finansbilag must have at least two postings.",
        ),
        description: t(
            "Én postering alene kan ikke balancere; modposteringen skal sendes med i samme bilag (bogføringssystemet danner den ikke selv). Projektets SF1590_A-skema kræver også to (minOccurs=2); reglen giver forretningsteksten og dækker kontrakter, der tillader én.",
            "A single posting cannot balance; the counter-posting must be sent in the same voucher (the ledger does not derive it). This project's SF1590_A schema also requires two (minOccurs=2); the rule gives the business text and covers contracts that allow one.",
        ),
        consequence: t(
            "Bilaget afvises (AFVIST); intet bogføres.",
            "The voucher is rejected (AFVIST); nothing is booked.",
        ),
        remedy: t(
            "Send bilaget med både postering og modpostering (fx udgift og bank).",
            "Send the voucher with both the posting and its counter-posting (e.g. expense and bank).",
        ),
        audience: Audience::FagsystemLeverandoer,
        needs_context: false,
        basis: "[I] domain brief §3.3.2",
    },
    Rule {
        id: SRT_001,
        code: "OIR-S-001",
        severity: Severity::Fejl,
        integrations: SORT,
        operations: &[],
        title: t(
            "En klassifikationsværdi skal findes i fagsystemets sortiment.",
            "A classification value must exist in the fagsystem's sortiment.",
        ),
        description: t(
            "Fagsystemet må kun skrive til FK-ØKO med værdier fra det sortiment, der er oprettet til det (art, funktion, omkostningssted, ydelsestype, betalingsart, fordringstype, debitorkontotype, følsomhedsniveau).",
            "A fagsystem may only write to FK-ØKO using values from the sortiment created for it (art, funktion, omkostningssted, ydelsestype, betalingsart, fordringstype, debitorkontotype, følsomhedsniveau).",
        ),
        consequence: t(
            "Modtageren kan ikke omsætte værdien og afviser beskeden; der bogføres aldrig på en standardkonto i stedet.",
            "The receiver cannot translate the value and rejects the message; it never books on a default account instead.",
        ),
        remedy: t(
            "Brug en værdi fra fagsystemets aktuelle sortiment (hent det via SF7002 Overfør Sortiment), eller få værdien tilføjet sortimentet hos FK-ØKO.",
            "Use a value from the fagsystem's current sortiment (fetch it via SF7002), or have the value added to the sortiment with FK-ØKO.",
        ),
        audience: Audience::FagsystemLeverandoer,
        needs_context: false,
        basis: "[C] digitaliseringskatalog 'Bliv klar til kode'; domain brief §3.1.3",
    },
    Rule {
        id: SRT_002,
        code: "OIR-S-002",
        severity: Severity::Fejl,
        integrations: SORT,
        operations: &[],
        title: t(
            "En klassifikationsværdi skal være gyldig på posterings-/virkningsdatoen.",
            "A classification value must be valid on the posting/effective date.",
        ),
        description: t(
            "Værdien skal være gyldig (gyldig fra ≤ dato ≤ gyldig til) på den dato, den bruges: posteringens egen dato, ellers bilagets/beskedens dato, ellers dags dato.",
            "The value must be valid (valid from ≤ date ≤ valid to) on the date it is used: the posting's own date, else the voucher's/message's date, else today.",
        ),
        consequence: t(
            "Beskeden afvises; en udløbet værdi er typisk fjernet fra omsætningstabellen, og en fremtidig er ikke mappet endnu.",
            "The message is rejected; an ended value has typically been removed from the omsætningstabel and a future one is not mapped yet.",
        ),
        remedy: t(
            "Brug den værdi, der afløser den udløbne (se sortimentet), eller ret datoen, hvis den er forkert. Opdatér fagsystemets sortiment via SF7002.",
            "Use the value that replaces the ended one (see the sortiment), or correct the date if it is wrong. Refresh the fagsystem's sortiment via SF7002.",
        ),
        audience: Audience::FagsystemBruger,
        needs_context: false,
        basis: "[I] domain brief §3.3.3",
    },
    Rule {
        id: SRT_003,
        code: "OIR-S-003",
        severity: Severity::Fejl,
        integrations: SORT,
        operations: &[],
        title: t(
            "En klassifikationsværdi skal høre til det delsortiment, feltet angiver.",
            "A classification value must belong to the delsortiment its field names.",
        ),
        description: t(
            "Fx må en funktion ikke stå i feltet for art. Værdien findes i sortimentet, men i et andet delsortiment.",
            "E.g. a funktion must not be given in the art field. The value is in the sortiment, but in another delsortiment.",
        ),
        consequence: t(
            "Beskeden afvises; posteringen kan ikke konteres.",
            "The message is rejected; the posting cannot be coded.",
        ),
        remedy: t(
            "Ret fagsystemets opsætning, så hvert felt udfyldes fra det rigtige delsortiment.",
            "Fix the fagsystem's setup so each field is filled from the right delsortiment.",
        ),
        audience: Audience::FagsystemLeverandoer,
        needs_context: false,
        basis: "[I] domain brief §2.7 (sortiment/delsortiment)",
    },
    Rule {
        id: MAP_001,
        code: "OIR-S-004",
        severity: Severity::Fejl,
        integrations: SORT,
        operations: &[],
        title: t(
            "Konteringen skal kunne omsættes til en konto (og betalingsart) i kommunens omsætningstabel.",
            "The coding must translate to an account (and payment type) in the municipality's omsætningstabel.",
        ),
        description: t(
            "Værdierne er gyldige i sortimentet, men ERP-systemets omsætningstabel har ingen række for kombinationen (eller ingen betalingsart for værdien).",
            "The values are valid in the sortiment, but the ERP's omsætningstabel has no row for the combination (or no payment type for the value).",
        ),
        consequence: t(
            "ERP-systemet afviser eller parkerer posteringen, til værdien er mappet; fagsystemet kan ikke selv rette fejlen.",
            "The ERP rejects or parks the posting until the value is mapped; the fagsystem cannot fix this itself.",
        ),
        remedy: t(
            "Kommunens ERP-administrator mapper værdien/kombinationen i omsætningstabellen; derefter sendes beskeden igen.",
            "The municipality's ERP administrator maps the value/combination in the omsætningstabel; then the message is sent again.",
        ),
        audience: Audience::ErpAdministrator,
        needs_context: false,
        basis: "[C] KOMBIT FAQ (omsætningstabel in the ERP); 'ØiR i FOKUS' (ERP users are involved only when the sortiment is not mapped)",
    },
    Rule {
        id: PER_001,
        code: "OIR-P-001",
        severity: Severity::Fejl,
        integrations: ALL,
        operations: &[],
        title: t(
            "En periodes fra-dato må ikke ligge efter dens til-dato.",
            "A period's from date must not be after its to date.",
        ),
        description: t(
            "Gælder alle perioder i beskeden (fx posteringens eller fordringens periode og gyldighedsperioder).",
            "Applies to every period in the message (e.g. a posting's or claim's period and validity periods).",
        ),
        consequence: t(
            "Beskeden afvises; en omvendt periode kan ikke periodiseres eller rentberegnes.",
            "The message is rejected; a reversed period cannot be accrued or used for interest.",
        ),
        remedy: t(
            "Ret periodens datoer i sagen i fagsystemet, og send igen.",
            "Correct the period's dates in the case in the fagsystem and send again.",
        ),
        audience: Audience::FagsystemBruger,
        needs_context: false,
        basis: "[I] domain brief §3.3.5",
    },
    Rule {
        id: IDM_001,
        code: "OIR-I-001",
        severity: Severity::Fejl,
        integrations: ALL,
        operations: &[],
        title: t(
            "Et besked- eller bilags-ID må ikke genbruges til andet indhold.",
            "A message or voucher ID must not be reused for other content.",
        ),
        description: t(
            "ID'et er modtaget før med andet indhold (anden indholds-hash). Det er en dublet, ikke en genfremsendelse.",
            "The ID was received before with other content (another content hash). It is a duplicate, not a resend.",
        ),
        consequence: t(
            "Beskeden afvises som dublet; det først modtagne indhold står ved magt, og ændringen gennemføres ikke.",
            "The message is rejected as a duplicate; the content received first stands and the change is not made.",
        ),
        remedy: t(
            "Giv nyt indhold et nyt ID. Var det ment som genfremsendelse, så send præcis det oprindelige indhold igen; skal noget rettes, brug en rettelse/modpostering.",
            "Give new content a new ID. If it was meant as a resend, send exactly the original content again; to change something, send a correction/reversal.",
        ),
        audience: Audience::FagsystemLeverandoer,
        needs_context: true,
        basis: "[C] KOMBIT 2014 design: no lost or duplicated data; [I] domain brief §3.3.6",
    },
    Rule {
        id: IDM_002,
        code: "OIR-I-002",
        severity: Severity::Info,
        integrations: ALL,
        operations: &[],
        title: t(
            "En genfremsendelse med samme ID og samme indhold er idempotent.",
            "A resend with the same ID and the same content is idempotent.",
        ),
        description: t(
            "ID'et er modtaget før med præcis samme indhold: beskeden genkendes som genfremsendelse (fx efter en tabt kvittering) og er ikke en dublet.",
            "The ID was received before with exactly the same content: the message is recognised as a resend (e.g. after a lost receipt) and is not a duplicate.",
        ),
        consequence: t(
            "Beskeden behandles ikke igen; modtageren svarer med den oprindelige kvittering.",
            "The message is not processed again; the receiver answers with the original receipt.",
        ),
        remedy: t("Ingen handling nødvendig.", "No action needed."),
        audience: Audience::Drift,
        needs_context: true,
        basis: "[C] SF1590_E 1.1 allows re-fetching a lost receipt; [I] domain brief §3.3.6",
    },
    Rule {
        id: CPR_001,
        code: "OIR-P-002",
        severity: Severity::Fejl,
        integrations: ALL,
        operations: &[],
        title: t(
            "Et CPR-nummers datodel skal være en gyldig dato.",
            "The date part of a CPR number must be a valid date.",
        ),
        description: t(
            "De første seks cifre (DDMMÅÅ) skal sammen med 7. ciffer (århundrede) give en rigtig dato. Modulus 11 kontrolleres bevidst ikke: siden 2007 udstedes CPR-numre, der ikke opfylder modulus 11, så en sådan kontrol ville afvise rigtige personer.",
            "The first six digits (DDMMYY) together with the 7th digit (century) must form a real date. Modulus 11 is deliberately not checked: since 2007 CPR numbers are issued that do not satisfy modulus 11, so such a check would reject real persons.",
        ),
        consequence: t(
            "Beskeden afvises; personen kan ikke identificeres (og fordringen kan ikke sendes til inddrivelse).",
            "The message is rejected; the person cannot be identified (and the claim cannot go to collection).",
        ),
        remedy: t(
            "Ret CPR-nummeret i fagsystemet (tjek for ombyttede cifre), og send igen.",
            "Correct the CPR number in the fagsystem (check for swapped digits) and send again.",
        ),
        audience: Audience::FagsystemBruger,
        needs_context: false,
        basis: "[C] CPR numbers without modulus 11 since 2007 (CPR-kontoret); [I] domain brief §3.3.4",
    },
    Rule {
        id: CVR_001,
        code: "OIR-P-003",
        severity: Severity::Fejl,
        integrations: ALL,
        operations: &[],
        title: t(
            "Et CVR-nummer skal være 8 cifre og opfylde modulus 11.",
            "A CVR number must be 8 digits and satisfy modulus 11.",
        ),
        description: t(
            "Cifrene ganges med vægtene 2, 7, 6, 5, 4, 3, 2, 1; summen skal gå op i 11.",
            "The digits are multiplied by the weights 2, 7, 6, 5, 4, 3, 2, 1; the sum must be divisible by 11.",
        ),
        consequence: t(
            "Beskeden afvises; virksomheden/myndigheden kan ikke identificeres.",
            "The message is rejected; the company/authority cannot be identified.",
        ),
        remedy: t(
            "Ret CVR-nummeret (slå det op i CVR-registeret), og send igen.",
            "Correct the CVR number (look it up in the CVR register) and send again.",
        ),
        audience: Audience::FagsystemBruger,
        needs_context: false,
        basis: "[C] CVR modulus-11 check; [I] domain brief §3.3.4",
    },
    Rule {
        id: OWN_001,
        code: "OIR-B-001",
        severity: Severity::Fejl,
        integrations: B01,
        operations: B01_CHANGES,
        title: t(
            "Et fagsystem må kun ændre sine egne debitorkonti.",
            "A fagsystem may only change its own debitorkonti.",
        ),
        description: t(
            "Afsendersystemet skal være debitorkontoens ejer. Er kontoen overdraget til debitorsystemet eller ejet af et andet fagsystem, har afsenderen ikke skriveret.",
            "The sending system must own the debitorkonto. If the account has been handed over to the debitorsystem or belongs to another fagsystem, the sender has no write access.",
        ),
        consequence: t(
            "Ændringen afvises; debitorkontoen er uændret.",
            "The change is rejected; the debitorkonto is unchanged.",
        ),
        remedy: t(
            "Kontrollér debitorkonto-ID'et. Skal en andens konto ændres, må ejeren gøre det, eller fagsystemet sender en anmodning til debitorsystemet (DebitorkontoAnmodningAfsend).",
            "Check the debitorkonto ID. To change another system's account, its owner must do it, or the fagsystem sends a request to the debitorsystem (DebitorkontoAnmodningAfsend).",
        ),
        audience: Audience::FagsystemLeverandoer,
        needs_context: true,
        basis: "[C] DebitorRegistreringAfsend service page; domain brief §3.1.4",
    },
    Rule {
        id: STA_001,
        code: "OIR-B-002",
        severity: Severity::Fejl,
        integrations: B01,
        operations: &["RetFordringTilstand"],
        title: t(
            "En debitorkonto eller fordring kan kun skifte tilstand ad de lovlige overgange.",
            "A debitorkonto or fordring can only change state along the legal transitions.",
        ),
        description: t(
            "Lovlige overgange: Oprettet → Aktiv | Afsluttet; Aktiv → Overdraget | TilInddrivelse | Afsluttet; Overdraget → TilInddrivelse | Afsluttet; TilInddrivelse → Aktiv (tilbagekaldt) | Afsluttet. Afsluttet er endelig.",
            "Legal transitions: Oprettet → Aktiv | Afsluttet; Aktiv → Overdraget | TilInddrivelse | Afsluttet; Overdraget → TilInddrivelse | Afsluttet; TilInddrivelse → Aktiv (recalled) | Afsluttet. Afsluttet is final.",
        ),
        consequence: t(
            "Tilstandsskiftet afvises; kontoen/fordringen bliver i sin nuværende tilstand.",
            "The state change is rejected; the account/claim stays in its current state.",
        ),
        remedy: t(
            "Hent den aktuelle tilstand (SF1590_B_02), og send et skift, der er lovligt fra den.",
            "Fetch the current state (SF1590_B_02) and send a change that is legal from it.",
        ),
        audience: Audience::FagsystemBruger,
        needs_context: true,
        basis: "[I] domain brief §3.3.7 (RetFordringTilstand [C])",
    },
    Rule {
        id: HAE_001,
        code: "OIR-B-003",
        severity: Severity::Fejl,
        integrations: B01,
        operations: &["OpretDebitorkonto"],
        title: t(
            "Enhver fordring skal have en juridisk ansvarlig.",
            "Every fordring must have a juridisk ansvarlig (legally liable party).",
        ),
        description: t(
            "Mindst én hæftelse med rollen juridisk ansvarlig skal være angivet med en identifikation (CPR, CVR eller AKR).",
            "At least one liability with the role juridisk ansvarlig must be given with an identifier (CPR, CVR or AKR).",
        ),
        consequence: t(
            "Fordringen afvises; uden skyldner kan der hverken opkræves eller inddrives.",
            "The claim is rejected; without a debtor it can neither be billed nor collected.",
        ),
        remedy: t(
            "Angiv den juridisk ansvarlige (skyldneren) på fordringen i fagsystemet, og send igen.",
            "Give the juridisk ansvarlig (the debtor) on the claim in the fagsystem and send again.",
        ),
        audience: Audience::FagsystemBruger,
        needs_context: false,
        basis: "[I] domain brief §3.3.9; PSRM notification duty per liable debtor [C] §3.2",
    },
    Rule {
        id: PSRM_001,
        code: "OIR-B-004",
        severity: Severity::Fejl,
        integrations: B01,
        operations: HANDOVER_OPS,
        title: t(
            "En fordring må først overdrages til inddrivelse (PSRM), når sidste rettidige betalingsdato er passeret.",
            "A claim may only be handed over for collection (PSRM) after its last timely payment date has passed.",
        ),
        description: t(
            "Overdragelsesdatoen (beskedens dato, ellers dags dato) skal ligge efter sidste rettidige betalingsdato; rykkerproceduren skal være gennemført.",
            "The hand-over date (the message's date, else today) must be after the last timely payment date; the reminder procedure must have been completed.",
        ),
        consequence: t(
            "Gældsstyrelsen (PSRM) afviser fordringen; den forbliver i kommunens opkrævning.",
            "The Danish Debt Collection Agency (PSRM) rejects the claim; it stays with the municipality's billing.",
        ),
        remedy: t(
            "Vent til efter sidste rettidige betalingsdato og gennemført rykkerprocedure, og overdrag så igen.",
            "Wait until after the last timely payment date and the completed reminder procedure, then hand over again.",
        ),
        audience: Audience::FagsystemBruger,
        needs_context: false,
        basis: "[C] gaeldst.dk 'Generelle krav til fordringer'",
    },
    Rule {
        id: PSRM_002,
        code: "OIR-B-005",
        severity: Severity::Fejl,
        integrations: B01,
        operations: HANDOVER_OPS,
        title: t(
            "En fordring under 100 kr. inkl. renter og gebyrer kan ikke overdrages til inddrivelse.",
            "A claim under DKK 100 including interest and fees cannot be handed over for collection.",
        ),
        description: t(
            "Summen af fordringens beløb inkl. renter og gebyrer skal være mindst 100,00 kr. (Undtaget er senere renter/gebyrer til en fordring, der allerede er under inddrivelse.)",
            "The claim's amount including interest and fees must be at least DKK 100.00. (Later interest/fees for a claim already under collection are exempt.)",
        ),
        consequence: t(
            "PSRM afviser fordringen; den forbliver i kommunens opkrævning.",
            "PSRM rejects the claim; it stays with the municipality's billing.",
        ),
        remedy: t(
            "Behold fordringen i kommunens egen opkrævning, eller overdrag den samlet med andre fordringer på samme skyldner, når beløbet når 100 kr.",
            "Keep the claim in the municipality's own billing, or hand it over together with other claims on the same debtor once the amount reaches DKK 100.",
        ),
        audience: Audience::FagsystemBruger,
        needs_context: false,
        basis: "[C] gaeldst.dk 'Overdragelse af fordringer'",
    },
    Rule {
        id: PAY_001,
        code: "OIR-B-006",
        severity: Severity::Fejl,
        integrations: B01_B03,
        operations: &["ForetagIndbetaling"],
        title: t(
            "En indbetaling må ikke overstige det beløb, der kan betales på fordringen.",
            "A payment must not exceed the amount payable on the claim.",
        ),
        description: t(
            "Indbetalingens beløb sammenlignes med fordringens/delfordringens beløb til betaling (restance inkl. renter og gebyrer), som debitorsystemet oplyser.",
            "The payment's amount is compared with the claim's/sub-claim's payable amount (arrears incl. interest and fees) as the debitorsystem states it.",
        ),
        consequence: t(
            "Indbetalingen afvises; et overskydende beløb ville ellers skulle tilbagebetales manuelt.",
            "The payment is rejected; an excess would otherwise have to be refunded by hand.",
        ),
        remedy: t(
            "Søg det aktuelle beløb til betaling (SøgDelfordringTilIndbetaling), og indbetal højst det; fordel et større beløb på flere fordringer.",
            "Look up the current payable amount (SøgDelfordringTilIndbetaling) and pay at most that; spread a larger amount over several claims.",
        ),
        audience: Audience::FagsystemBruger,
        needs_context: true,
        basis: "[C] DebitorIndbetalingAfsend (payments on claims); [I] domain brief §2.4",
    },
    Rule {
        id: INV_001,
        code: "OIR-D-001",
        severity: Severity::Fejl,
        integrations: &["SF1590_D"],
        operations: &["AfsendFakturaInformationSvar"],
        title: t(
            "Et fakturasvar skal henvise til en faktura, der er sendt til godkendelse.",
            "An invoice answer must refer to an invoice that was sent for approval.",
        ),
        description: t(
            "Svaret (godkendt/afvist) skal bære ID'et på en faktura, som fakturahåndteringssystemet har udlånt til fagsystemet.",
            "The answer (approved/rejected) must carry the ID of an invoice that the invoice-handling system lent to the fagsystem.",
        ),
        consequence: t(
            "Svaret afvises; fakturaen forbliver ubehandlet og kan blive betalt for sent.",
            "The answer is rejected; the invoice stays unhandled and may be paid late.",
        ),
        remedy: t(
            "Svar med ID'et fra den modtagne FakturaInformation; kontrollér, at fakturaen ikke allerede er besvaret eller trukket tilbage.",
            "Answer with the ID from the received FakturaInformation; check that the invoice has not already been answered or withdrawn.",
        ),
        audience: Audience::FagsystemLeverandoer,
        needs_context: true,
        basis: "[C] SF1590_D FakturaInformationAfsend / FakturaInformationSvarAfsend",
    },
];

/// Look a rule up by its ID (case-insensitive).
pub fn rule(id: &str) -> Option<&'static Rule> {
    CATALOGUE.iter().find(|r| r.id.eq_ignore_ascii_case(id))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn ids_and_codes_are_unique_and_texts_complete() {
        let mut ids = HashSet::new();
        let mut codes = HashSet::new();
        for r in CATALOGUE {
            assert!(ids.insert(r.id), "duplicate id {}", r.id);
            assert!(codes.insert(r.code), "duplicate code {}", r.code);
            for tx in [r.title, r.description, r.consequence, r.remedy] {
                assert!(!tx.da.is_empty() && !tx.en.is_empty(), "{}", r.id);
            }
            assert!(!r.integrations.is_empty(), "{}", r.id);
        }
        assert_eq!(rule("sf1590a-bal-001").map(|r| r.code), Some("OIR-A-001"));
        assert!(rule("nope").is_none());
    }
}
