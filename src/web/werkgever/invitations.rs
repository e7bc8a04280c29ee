//! Invitations by e-mail: the employer pastes addresses (or a CSV export), HRnexus mails
//! each person a personal link and, before the closing date, one reminder.
//!
//! The employer never holds these links and never sees an address again: the page shows
//! counts only. Addresses are stored apart from the invites (no invite id, shuffled, random
//! ids), so the database does not tell which link went to whom; the reminder carries no link
//! for the same reason (keeping tokens next to addresses would undo that). Addresses are
//! deleted when the round closes, or by the reminder job once the closing date has passed.

use std::{collections::HashSet, time::Duration};

use askama::Template;
use askama_web::WebTemplate;
use axum::{
    Form,
    extract::{Path, Query, State},
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
};
use chrono::NaiveDate;
use hrnexus_core::email::EmailAddress;
use serde::Deserialize;
use tokio::sync::{Notify, watch};

use super::{
    Employer,
    scans::{invite_link, latest_round, owned_scan},
};
use crate::{
    auth,
    i18n::Lang,
    mail::{self, compose},
    storage::{
        Department, DueReminder, DynStorage, InvitationCounts, MailInvitationOutcome,
        MailInvitations, MailedInvite, OutgoingMail, Round, Scan, now,
    },
    web::{AppState, error::WebError, page::Page},
};

/// Addresses per round, all batches together.
pub const MAX_ADDRESSES_PER_ROUND: usize = 2000;
/// Invalid lines listed beside the field (the rest is summarised as a count).
const MAX_LISTED_INVALID: usize = 10;

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

impl InviteError {
    pub fn message(&self, lang: Lang) -> String {
        match self {
            InviteError::Empty => lang.t("inv-error-empty"),
            InviteError::Invalid(lines) => {
                let mut listed: Vec<String> = lines
                    .iter()
                    .take(MAX_LISTED_INVALID)
                    .map(|l| format!("“{l}”"))
                    .collect();
                if lines.len() > MAX_LISTED_INVALID {
                    listed.push(lang.t_args(
                        "inv-error-invalid-more",
                        &[("count", (lines.len() - MAX_LISTED_INVALID).to_string())],
                    ));
                }
                lang.t_args(
                    "inv-error-invalid",
                    &[
                        ("count", lines.len().to_string()),
                        ("lines", listed.join(", ")),
                    ],
                )
            }
            InviteError::TooMany { existing } => lang.t_args(
                "inv-error-too-many",
                &[
                    ("max", MAX_ADDRESSES_PER_ROUND.to_string()),
                    ("existing", existing.to_string()),
                ],
            ),
            InviteError::Department => lang.t("wg-error-department"),
            InviteError::RoundClosed => lang.t("wg-error-round-closed"),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Invited {
    pub queued: u32,
    pub already: u32,
}

/// Checks the addresses and mails everyone a personal link for the scan's current round.
/// Used by the employer page and the API.
pub async fn invite_by_mail(
    state: &AppState,
    scan: &Scan,
    addresses: &str,
    department_id: Option<i64>,
) -> Result<Invited, Result<InviteError, WebError>> {
    let round = latest_round(state, scan.id).await.map_err(Err)?;
    if !round.is_open(crate::i18n::today()) {
        return Err(Ok(InviteError::RoundClosed));
    }
    if let Some(id) = department_id {
        let departments = state
            .store
            .departments(scan.id)
            .await
            .map_err(|e| Err(e.into()))?;
        if !departments.iter().any(|d| d.id == id) {
            return Err(Ok(InviteError::Department));
        }
    }
    let parsed = parse_addresses(addresses);
    if !parsed.invalid.is_empty() {
        return Err(Ok(InviteError::Invalid(parsed.invalid)));
    }
    if parsed.valid.is_empty() {
        return Err(Ok(InviteError::Empty));
    }
    if parsed.valid.len() > MAX_ADDRESSES_PER_ROUND {
        return Err(Ok(InviteError::TooMany { existing: 0 }));
    }
    let base_url = state.settings.base_url();
    let p = Page::for_path(if scan.lang == "en" { "/en/" } else { "/" }, base_url);
    let invites = parsed
        .valid
        .iter()
        .map(|address| {
            let token = auth::random_token();
            let link = invite_link(&p, scan, &token);
            Ok(MailedInvite {
                email: address.as_str().to_owned(),
                token_hash: auth::token_hash(&token),
                mail: invitation_mail(base_url, scan, &round, address.as_str(), link)?,
            })
        })
        .collect::<Result<_, askama::Error>>()
        .map_err(|e| Err(WebError::Internal(e.into())))?;
    let outcome = state
        .store
        .invite_by_mail(&MailInvitations {
            round_id: round.id,
            department_id,
            invited_on: crate::i18n::today(),
            max_per_round: MAX_ADDRESSES_PER_ROUND as i64,
            invites,
        })
        .await
        .map_err(|e| Err(e.into()))?;
    match outcome {
        MailInvitationOutcome::Queued { queued, already } => {
            state.mail_wake.notify_one();
            Ok(Invited {
                queued,
                // Duplicates within the pasted text count as "already invited" too.
                already: already + parsed.duplicates as u32,
            })
        }
        MailInvitationOutcome::TooMany { existing } => Err(Ok(InviteError::TooMany { existing })),
    }
}

// ---------------------------------------------------------------------------------------
// The employer's page

#[derive(Template, WebTemplate)]
#[template(path = "werkgever/invite_mail.html")]
pub struct InviteMailPage {
    p: Page,
    email: String,
    scan: Scan,
    round_number: i32,
    open: bool,
    departments: Vec<Department>,
    counts: InvitationCounts,
    /// When the reminder went out, or when it will.
    reminder_text: String,
    addresses: String,
    department: String,
    addresses_error: Option<String>,
    department_error: Option<String>,
    done: Option<String>,
}

impl InviteMailPage {
    async fn load(state: &AppState, p: Page, email: String, scan: Scan) -> Result<Self, WebError> {
        let round = latest_round(state, scan.id).await?;
        let counts = state.store.invitation_counts(round.id).await?;
        let departments = state.store.departments(scan.id).await?;
        Ok(InviteMailPage {
            round_number: round.number,
            open: round.is_open(crate::i18n::today()),
            reminder_text: match counts.reminder_sent_at {
                Some(at) => p.t_args("inv-reminder-sent", &[("date", p.datetime(&at))]),
                None => p.t_args(
                    "inv-reminder-planned",
                    &[
                        (
                            "days",
                            state.settings.reminder_days_before_close.to_string(),
                        ),
                        ("date", p.lang.date_long(round.closes_on)),
                    ],
                ),
            },
            counts,
            departments,
            p,
            email,
            scan,
            addresses: String::new(),
            department: String::new(),
            addresses_error: None,
            department_error: None,
            done: None,
        })
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct DoneQuery {
    #[serde(default)]
    verstuurd: Option<u32>,
    #[serde(default)]
    al: Option<u32>,
}

pub async fn invite_mail_form(
    State(state): State<AppState>,
    p: Page,
    employer: Employer,
    Path(id): Path<String>,
    Query(done): Query<DoneQuery>,
) -> Result<InviteMailPage, WebError> {
    let scan = owned_scan(&state, &employer, &id).await?;
    let mut page = InviteMailPage::load(&state, p, employer.email, scan).await?;
    if let Some(queued) = done.verstuurd {
        page.done = Some(page.p.t_args(
            "inv-done",
            &[
                ("count", queued.to_string()),
                ("already", done.al.unwrap_or(0).to_string()),
            ],
        ));
    }
    Ok(page)
}

#[derive(Debug, Deserialize)]
pub struct InviteMailForm {
    #[serde(default)]
    addresses: String,
    #[serde(default)]
    department: String,
}

pub async fn invite_mail(
    State(state): State<AppState>,
    p: Page,
    employer: Employer,
    Path(id): Path<String>,
    Form(form): Form<InviteMailForm>,
) -> Result<Response, WebError> {
    let scan = owned_scan(&state, &employer, &id).await?;
    let department_id = match form.department.trim() {
        "" => Ok(None),
        chosen => chosen.parse::<i64>().map(Some).map_err(|_| ()),
    };
    let result = match department_id {
        Ok(department_id) => invite_by_mail(&state, &scan, &form.addresses, department_id).await,
        Err(()) => Err(Ok(InviteError::Department)),
    };
    let error = match result {
        Ok(invited) => {
            let path = format!(
                "/werkgever/scans/{}/uitnodigen-per-mail?verstuurd={}&al={}",
                scan.id, invited.queued, invited.already
            );
            return Ok(Redirect::to(&p.href(&path)).into_response());
        }
        Err(Err(e)) => return Err(e),
        Err(Ok(e)) => e,
    };
    let lang = p.lang;
    let mut page = InviteMailPage::load(&state, p, employer.email, scan).await?;
    let status = match &error {
        InviteError::RoundClosed => StatusCode::CONFLICT,
        _ => StatusCode::UNPROCESSABLE_ENTITY,
    };
    match &error {
        InviteError::Department => page.department_error = Some(error.message(lang)),
        _ => page.addresses_error = Some(error.message(lang)),
    }
    page.addresses = form.addresses;
    page.department = form.department;
    Ok((status, page).into_response())
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
