//! SF1590_D: an invoice answer must refer to an invoice that was lent for approval.

use super::vocab::{self, fold};
use super::{Run, uuid_in};
use crate::oir::finding::Tekst;
use crate::oir::rules::INV_001;

pub fn check(run: &mut Run<'_, '_>) {
    // Silent unless the context says which invoices were sent.
    if !run.applies(INV_001) || !run.ctx.invoices_given {
        return;
    }
    let answers: Vec<usize> = run
        .msg
        .payloads
        .iter()
        .copied()
        .filter(|&p| fold(run.msg.local(p)).contains("svar"))
        .collect();
    for p in answers {
        let Some(n) = vocab::FAKTURA_REFS
            .iter()
            .find_map(|names| run.msg.descendants(p, names).first().copied())
        else {
            continue;
        };
        let id = uuid_in(run.msg, n).unwrap_or_else(|| run.msg.text(n));
        if id.is_empty() || run.ctx.knows_invoice(&id) {
            continue;
        }
        run.emit(
            INV_001,
            n,
            Tekst::new(
                format!("Svaret henviser til fakturaen {id}, som ikke er sendt til godkendelse hos fagsystemet."),
                format!("The answer refers to the invoice {id}, which was not sent to the fagsystem for approval."),
            ),
            Some(id),
            Some("the ID of an invoice received via FakturaInformationAfsend".into()),
        );
    }
}
