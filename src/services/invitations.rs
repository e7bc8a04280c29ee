//! Invitations by e-mail: HRnexus mails each address a personal link, so the employer (or
//! API client) never holds the links, and one reminder without a link before the round
//! closes. Addresses are kept apart from the invites and forgotten when the round closes.

use std::{collections::HashSet, time::Duration};

use chrono::NaiveDate;
use hrnexus_core::email::EmailAddress;
use tokio::sync::{Notify, watch};

use super::{
    ServiceError,
    scans::{invite_link, latest_round},
};
use crate::{
    auth,
    i18n::Lang,
    mail::{self, compose},
    storage::{
        DueReminder, DynStorage, MailInvitationOutcome, MailInvitations, MailedInvite,
        OutgoingMail, Round, Scan, Storage, now,
    },
};

/// Addresses per round, all batches together.
pub const MAX_ADDRESSES_PER_ROUND: usize = 2000;
/// Invalid lines listed beside the field (the rest is summarised as a count).
pub const MAX_LISTED_INVALID: usize = 10;

/// The pasted text split into valid, de-duplicated addresses and the lines that are not
/// addresses. A CSV export works too: on a line with commas, semicolons or tabs the first
/// field with an `@` is taken, and such a line without one (a header) is skipped.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct ParsedAddresses {
    pub valid: Vec<EmailAddress>,
    pub invalid: Vec<String>,
    pub duplicates: usize,
}

pub fn parse_addresses(text: &str) -> ParsedAddresses {
    let mut parsed = ParsedAddresses::default();
    let mut seen = HashSet::new();
    for line in text.lines() {
        let line = line.trim().trim_start_matches('\u{feff}');
        if line.is_empty() {
            continue;
        }
        let candidate = if line.contains([',', ';', '\t']) {
            match line
                .split([',', ';', '\t'])
                .map(|field| field.trim().trim_matches('"').trim())
                .find(|field| field.contains('@'))
            {
                Some(field) => field,
                None => continue,
            }
        } else {
            // "Jan Jansen <jan@example.nl>" as mail programs copy it.
            match (line.rfind('<'), line.ends_with('>')) {
                (Some(start), true) => &line[start + 1..line.len() - 1],
                _ => line,
            }
        };
        match EmailAddress::parse(candidate) {
            Ok(address) => {
                if seen.insert(address.as_str().to_owned()) {
                    parsed.valid.push(address);
                } else {
                    parsed.duplicates += 1;
                }
            }
            Err(_) => parsed.invalid.push(line.chars().take(80).collect()),
        }
    }
    parsed
}

/// The scan's language, which the mails are written in.
fn scan_lang(scan: &Scan) -> Lang {
    if scan.lang == "en" {
        Lang::En
    } else {
        Lang::Nl
    }
}

/// The public page that explains what the employer can and cannot see.
pub fn privacy_url(base_url: &str, lang: Lang) -> String {
    match lang {
        Lang::En => format!("{base_url}/en/scan/what-your-employer-sees"),
        Lang::Nl => format!("{base_url}/scan/wat-je-werkgever-ziet"),
    }
}

/// The invitation mail for one address, carrying its personal link (so the outbox never
/// shows its body and erases it once delivered).
pub fn invitation_mail(
    base_url: &str,
    scan: &Scan,
    round: &Round,
    recipient: &str,
    link: String,
) -> Result<OutgoingMail, askama::Error> {
    let lang = scan_lang(scan);
    compose(
        recipient,
        &mail::Invitation {
            lang,
            organisation: scan.organisation.clone(),
            team: scan.team.clone(),
            closes_on: round.closes_on,
            privacy_url: privacy_url(base_url, lang),
            link,
        },
    )
}

/// The reminder: the same words for those who answered and those who did not, and no link.
pub fn reminder_mail(
    base_url: &str,
    due: &DueReminder,
    recipient: &str,
    invited_on: NaiveDate,
) -> Result<OutgoingMail, askama::Error> {
    let lang = if due.lang == "en" { Lang::En } else { Lang::Nl };
    compose(
        recipient,
        &mail::Reminder {
            lang,
            organisation: due.organisation.clone(),
            team: due.team.clone(),
            closes_on: due.closes_on,
            invited_on,
            privacy_url: privacy_url(base_url, lang),
        },
    )
}

// ---------------------------------------------------------------------------------------
// The background job: reminders, and forgetting addresses of rounds that are over

/// One pass: queues the reminders that are due and deletes addresses of rounds that closed
/// or whose closing date passed. Safe on several instances at once: a round's reminder is
/// claimed by one conditional update. Returns how many reminder mails were queued.
pub async fn reminder_pass(
    store: &DynStorage,
    base_url: &str,
    today: NaiveDate,
    days_before: i64,
) -> anyhow::Result<usize> {
    let mut queued = 0;
    for due in store.due_reminders(today, days_before).await? {
        let mails: Vec<OutgoingMail> = store
            .invitation_addresses(due.round_id)
            .await?
            .iter()
            .map(|a| reminder_mail(base_url, &due, &a.email, a.invited_on))
            .collect::<Result<_, _>>()?;
        if store.queue_reminders(due.round_id, now(), &mails).await? {
            queued += mails.len();
        }
    }
    for round_id in store.rounds_with_stale_addresses(today).await? {
        store.forget_invitation_addresses(round_id).await?;
    }
    Ok(queued)
}

/// Runs `reminder_pass` now and then until shutdown.
pub async fn run_reminders(
    store: DynStorage,
    base_url: String,
    days_before: i64,
    mail_wake: std::sync::Arc<Notify>,
    mut signal: watch::Receiver<bool>,
) {
    loop {
        match reminder_pass(&store, &base_url, crate::i18n::today(), days_before).await {
            Ok(0) => {}
            Ok(_) => mail_wake.notify_one(),
            Err(e) => tracing::warn!(error = %e, "reminder job"),
        }
        tokio::select! {
            _ = tokio::time::sleep(Duration::from_secs(900)) => {}
            _ = signal.wait_for(|stop| *stop) => return,
        }
    }
}

// ---------------------------------------------------------------------------------------
// Inviting: checked input, then invites, addresses and mails in one transaction

/// Why a batch of addresses was refused, for the field's message.
#[derive(Debug)]
pub enum InviteError {
    Empty,
    Invalid(Vec<String>),
    TooMany { existing: i64 },
    Department,
    RoundClosed,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Invited {
    pub queued: u32,
    pub already: u32,
}

/// Checks the addresses and mails everyone a personal link for the scan's current round.
/// Used by the employer page and the API.
///
/// The outer error is a failure of the system, the inner one a refusal to show beside the
/// field. `mail_wake` wakes this instance's outbox worker once the mails are queued.
pub async fn invite_by_mail(
    store: &dyn Storage,
    base_url: &str,
    mail_wake: &Notify,
    scan: &Scan,
    addresses: &str,
    department_id: Option<i64>,
) -> Result<Result<Invited, InviteError>, ServiceError> {
    let round = latest_round(store, scan.id).await?;
    if !round.is_open(crate::i18n::today()) {
        return Ok(Err(InviteError::RoundClosed));
    }
    if let Some(id) = department_id
        && !store.departments(scan.id).await?.iter().any(|d| d.id == id)
    {
        return Ok(Err(InviteError::Department));
    }
    let parsed = parse_addresses(addresses);
    if !parsed.invalid.is_empty() {
        return Ok(Err(InviteError::Invalid(parsed.invalid)));
    }
    if parsed.valid.is_empty() {
        return Ok(Err(InviteError::Empty));
    }
    if parsed.valid.len() > MAX_ADDRESSES_PER_ROUND {
        return Ok(Err(InviteError::TooMany { existing: 0 }));
    }
    let invites = parsed
        .valid
        .iter()
        .map(|address| {
            let token = auth::random_token();
            let link = invite_link(base_url, scan, &token);
            Ok(MailedInvite {
                email: address.as_str().to_owned(),
                token_hash: auth::token_hash(&token),
                mail: invitation_mail(base_url, scan, &round, address.as_str(), link)?,
            })
        })
        .collect::<Result<_, askama::Error>>()?;
    let outcome = store
        .invite_by_mail(&MailInvitations {
            round_id: round.id,
            department_id,
            invited_on: crate::i18n::today(),
            max_per_round: MAX_ADDRESSES_PER_ROUND as i64,
            invites,
        })
        .await?;
    Ok(match outcome {
        MailInvitationOutcome::Queued { queued, already } => {
            mail_wake.notify_one();
            Ok(Invited {
                queued,
                // Duplicates within the pasted text count as "already invited" too.
                already: already + parsed.duplicates as u32,
            })
        }
        MailInvitationOutcome::TooMany { existing } => Err(InviteError::TooMany { existing }),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_from_lines_and_csv() {
        let parsed = parse_addresses(
            "jan@voorbeeld.nl\n\n  Piet@Voorbeeld.nl \nnaam;e-mail\n\"Kees\";\"kees@voorbeeld.nl\"\nJan <JAN@voorbeeld.nl>\ngeen-adres\nx@y\n",
        );
        let valid: Vec<&str> = parsed.valid.iter().map(|a| a.as_str()).collect();
        assert_eq!(
            valid,
            ["jan@voorbeeld.nl", "piet@voorbeeld.nl", "kees@voorbeeld.nl"]
        );
        assert_eq!(parsed.duplicates, 1);
        assert_eq!(parsed.invalid, ["geen-adres", "x@y"]);
    }

    fn scan(lang: &str) -> Scan {
        Scan {
            id: 1,
            employer_id: Some(1),
            api_key_id: None,
            organisation: "Acme".into(),
            team: "Support".into(),
            lang: lang.into(),
            min_group: 5,
            min_comments: 8,
            comment_seed: 0,
            created_at: 0,
        }
    }

    #[test]
    fn mails_are_in_the_scan_language_and_only_the_invitation_has_a_link() {
        let closes = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
        let round = Round {
            id: 1,
            scan_id: 1,
            number: 1,
            opened_on: closes,
            closes_on: closes,
            closed_at: None,
            sealed_at: None,
            shared_link: false,
            invited: 1,
            responses: 0,
        };
        let link = "http://x/scan/TOKEN".to_owned();
        for (lang, words) in [("nl", "Vul de scan in"), ("en", "Fill in the scan")] {
            let mail =
                invitation_mail("http://x", &scan(lang), &round, "a@b.nl", link.clone()).unwrap();
            assert!(mail.text_body.contains(words) && mail.text_body.contains(&link));
            assert!(mail.html_body.unwrap().contains(&link));
            let due = DueReminder {
                round_id: 1,
                lang: lang.into(),
                organisation: "Acme".into(),
                team: "Support".into(),
                closes_on: closes,
            };
            let reminder = reminder_mail("http://x", &due, "a@b.nl", closes).unwrap();
            assert!(!reminder.text_body.contains("TOKEN"));
            assert!(!reminder.html_body.unwrap().contains("/scan/TOKEN"));
        }
    }

    #[test]
    fn an_organisation_name_is_escaped_in_html_and_intact_in_text() {
        let closes = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
        let round = Round {
            id: 1,
            scan_id: 1,
            number: 1,
            opened_on: closes,
            closes_on: closes,
            closed_at: None,
            sealed_at: None,
            shared_link: false,
            invited: 1,
            responses: 0,
        };
        let nasty = r#"<script>alert("x")</script> Jansen & Zn"#;
        let escaped = "&#60;script&#62;alert(&#34;x&#34;)&#60;/script&#62; Jansen &#38; Zn";
        let scan = Scan {
            organisation: nasty.into(),
            team: "<b>Bakkerij</b>".into(),
            ..scan("nl")
        };
        let mail = invitation_mail(
            "http://x",
            &scan,
            &round,
            "a@b.nl",
            "http://x/scan/T".into(),
        )
        .unwrap();
        assert!(
            mail.carries_secret,
            "the invitation carries a personal link"
        );
        let html = mail.html_body.unwrap();
        assert!(html.contains(escaped) && html.contains("&#60;b&#62;Bakkerij&#60;/b&#62;"));
        assert!(
            !html.contains("<script>") && !html.contains("<b>"),
            "{html}"
        );
        assert!(mail.text_body.contains(nasty) && mail.text_body.contains("<b>Bakkerij</b>"));

        let due = DueReminder {
            round_id: 1,
            lang: "nl".into(),
            organisation: nasty.into(),
            team: "Support".into(),
            closes_on: closes,
        };
        let reminder = reminder_mail("http://x", &due, "a@b.nl", closes).unwrap();
        assert!(!reminder.carries_secret);
        let html = reminder.html_body.unwrap();
        assert!(
            html.contains(escaped) && !html.contains("<script>"),
            "{html}"
        );
        assert!(reminder.text_body.contains(nasty));
    }
}
