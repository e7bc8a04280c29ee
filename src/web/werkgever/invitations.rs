//! Invitations by e-mail: the employer pastes addresses (or a CSV export), HRnexus mails
//! each person a personal link and, before the closing date, one reminder.
//!
//! The employer never holds these links and never sees an address again: the page shows
//! counts only. Addresses are stored apart from the invites (no invite id, shuffled, random
//! ids), so the database does not tell which link went to whom; the reminder carries no link
//! for the same reason (keeping tokens next to addresses would undo that). Addresses are
//! deleted when the round closes, or by the reminder job once the closing date has passed.

use askama::Template;
use askama_web::WebTemplate;
use axum::{
    Form,
    extract::{Path, Query, State},
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
};
use serde::Deserialize;

use super::{
    Employer,
    scans::{latest_round, owned_scan},
};
use crate::{
    services::invitations::{InviteError, invite_by_mail},
    storage::{Department, InvitationCounts, Scan},
    web::{AppState, error::WebError, messages, page::Page},
};

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
                ("count_plural", plural(u64::from(queued)).to_owned()),
                ("already", done.al.unwrap_or(0).to_string()),
                (
                    "already_plural",
                    plural(u64::from(done.al.unwrap_or(0))).to_owned(),
                ),
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
        Ok(department_id) => {
            invite_by_mail(
                &*state.store,
                state.settings.base_url(),
                &state.mail_wake,
                &scan,
                &form.addresses,
                department_id,
            )
            .await?
        }
        Err(()) => Err(InviteError::Department),
    };
    let error = match result {
        Ok(invited) => {
            let path = format!(
                "/werkgever/scans/{}/uitnodigen-per-mail?verstuurd={}&al={}",
                scan.id, invited.queued, invited.already
            );
            return Ok(Redirect::to(&p.href(&path)).into_response());
        }
        Err(e) => e,
    };
    let lang = p.lang;
    let mut page = InviteMailPage::load(&state, p, employer.email, scan).await?;
    let status = match &error {
        InviteError::RoundClosed => StatusCode::CONFLICT,
        _ => StatusCode::UNPROCESSABLE_ENTITY,
    };
    match &error {
        InviteError::Department => {
            page.department_error = Some(messages::invite_problem(lang, &error))
        }
        _ => page.addresses_error = Some(messages::invite_problem(lang, &error)),
    }
    page.addresses = form.addresses;
    page.department = form.department;
    Ok((status, page).into_response())
}

/// The plural category a message selects on (`[one]` or `*[other]`): the messages get their
/// numbers as text, which Fluent cannot pluralise itself.
fn plural(count: u64) -> &'static str {
    if count == 1 { "one" } else { "other" }
}
