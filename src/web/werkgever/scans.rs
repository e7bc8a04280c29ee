//! Employer area: the employer's own scans. The list, creating a scan, a scan's page, more
//! invite links, closing a round and starting a new one.
//!
//! # Invite links are shown once, and how the download works
//!
//! Only SHA-256 hashes of invite tokens are stored, so after the page that shows new links
//! nobody (not even we) can show them again. The links are listed in a read-only text box for
//! copying, and there is a "download as text file" button. A `data:` link cannot be used for
//! that download under our CSP and is unreliable on phones, and posting the links themselves
//! back does not fit the request body limit (2,000 links are about 160 kB once form-encoded).
//!
//! So each batch of personal links is derived from one fresh 256-bit random *seed*:
//! `token_i = base64url(SHA-256("hrnexus-invite" ‖ seed ‖ i))`. Each token is as unguessable
//! as a random one, and one token says nothing about the seed or the other tokens. The seed is
//! never stored or logged: it only goes into a hidden field of the download form on the page
//! that shows the links (sent with `Cache-Control: no-store`). `POST /werkgever/scans/{id}/links.txt`
//! with that seed and the count re-derives the links, after checking that the scan belongs to
//! the signed-in employer and that the first and the last derived token are stored invites of
//! this scan (one batch is stored in one transaction, so a wrong seed or a raised count is
//! refused). Whoever holds the seed could equally have copied the links from the page, so the
//! download gives nobody anything they did not already have; without the seed it gives nothing.
//! The shared link is a single plain random token, shown on the page only.

use askama::Template;
use askama_web::WebTemplate;
use axum::{
    Form, Router,
    extract::{Path, RawQuery, State},
    http::{StatusCode, header},
    response::{IntoResponse, Redirect, Response},
    routing::{get, post},
};
use chrono::NaiveDate;
use hrnexus_core::scan::{
    response_rate,
    setup::{
        LinkCount, RoundInput, RoundSetup, ScanInput, ScanSetup, SetupErrors, SetupField,
        SetupProblem, latest_closing_date, latest_closing_date_of_round, parse_date,
        suggested_closing_date,
    },
};
use serde::Deserialize;

use super::Employer;
use crate::{
    auth,
    services::{
        ServiceError,
        scans::{self, Batch, ScanOverview},
    },
    storage::{Department, Round, Scan, ScanEntry},
    web::{AppState, error::WebError, messages, page::Page, security::ClientIp},
};

/// A seed is a `random_token()`: 43 characters.
const SEED_LEN: usize = 43;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(dashboard))
        .route("/scans/nieuw", get(new_form).post(create))
        .route("/scans/{id}", get(detail))
        .route("/scans/{id}/uitnodigingen", post(more_invites))
        .route("/scans/{id}/sluiten", get(close_form).post(close))
        .route("/scans/{id}/sluitdatum", post(change_closing_date))
        .route(
            "/scans/{id}/verwijderen",
            get(super::delete::delete_form).post(super::delete::delete),
        )
        .route(
            "/scans/{id}/nieuwe-ronde",
            get(round_form).post(start_round),
        )
        .route("/scans/{id}/links.txt", post(download_links))
        .route(
            "/scans/{id}/uitnodigen-per-mail",
            get(super::invitations::invite_mail_form).post(super::invitations::invite_mail),
        )
        .route(
            "/scans/{id}/kaarten",
            get(super::cards::cards_form).post(super::cards::make_cards),
        )
        .route(
            "/scans/{id}/gedeelde-link",
            get(super::cards::shared_link).post(super::cards::make_shared_link),
        )
        .route("/scans/{id}/poster", get(super::cards::poster))
}

/// The scan when it belongs to this employer; anyone else's scan, and an id that cannot
/// be one, does not exist (404).
pub(crate) async fn owned_scan(
    state: &AppState,
    employer: &Employer,
    id: &str,
) -> Result<Scan, WebError> {
    let id: i64 = id.parse().map_err(|_| WebError::NotFound)?;
    Ok(scans::owned_scan(&*state.store, employer.owner(), id).await?)
}

pub(crate) async fn latest_round(state: &AppState, scan_id: i64) -> Result<Round, WebError> {
    Ok(scans::latest_round(&*state.store, scan_id).await?)
}

/// The address an employee opens, in the scan's language.
pub(crate) fn invite_link(p: &Page, scan: &Scan, token: &str) -> String {
    scans::invite_link(&p.base_url, scan, token)
}

// ---------------------------------------------------------------------------------------
// The list of scans

/// One card of the dashboard: the scan's headline.
pub struct ScanCard {
    id: i64,
    organisation: String,
    team: String,
    /// `open`, `closed` or `none` (no round): the badge's look.
    status: &'static str,
    /// "Open tot en met …", "Gesloten" or "Nog geen ronde".
    status_text: String,
    round: Option<i32>,
    responses: i64,
    /// What the responses are counted against: "van 42 uitgenodigd", "via de gedeelde link", …
    reach: String,
    /// The autonomy index of the latest closed round, when its results may be shown.
    index: Option<String>,
    /// "van 100 (ronde 2)": which round the index is of.
    index_note: String,
}

/// "12", "gedeelde link", or "3 + gedeelde link" when personal links were added to a round
/// with a shared link.
fn invited_text(p: &Page, round: &Round) -> String {
    match (round.shared_link, round.invited) {
        (false, invited) => invited.to_string(),
        (true, 0) => p.t("wg-invited-shared"),
        (true, invited) => format!("{invited} + {}", p.t("wg-invited-shared")),
    }
}

/// What a round's responses are counted against, after the number of responses.
fn reach_text(p: &Page, round: &Round) -> String {
    match (round.shared_link, round.invited) {
        (true, 0) => p.t("wg-card-shared"),
        (true, invited) => p.t_args(
            "wg-card-shared-and-invited",
            &[("invited", invited.to_string())],
        ),
        (false, invited) => p.t_args("wg-card-of-invited", &[("invited", invited.to_string())]),
    }
}

impl ScanCard {
    fn new(p: &Page, overview: ScanOverview, today: NaiveDate) -> ScanCard {
        let ScanOverview {
            scan,
            current,
            index,
        } = overview;
        let (status, status_text) = match &current {
            None => ("none", p.t("wg-card-no-round")),
            Some(round) if round.is_open(today) => (
                "open",
                p.t_args(
                    "wg-card-open-until",
                    &[("date", p.lang.date_long(round.closes_on))],
                ),
            ),
            Some(_) => ("closed", p.t("wg-status-closed")),
        };
        ScanCard {
            id: scan.id,
            organisation: scan.organisation,
            team: scan.team,
            status,
            status_text,
            round: current.as_ref().map(|r| r.number),
            responses: current.as_ref().map_or(0, |r| r.responses),
            reach: current
                .as_ref()
                .map(|r| reach_text(p, r))
                .unwrap_or_default(),
            // Rounded as the results page rounds it (half away from zero).
            index: index.map(|(_, index)| p.lang.number_ungrouped(index, 0)),
            index_note: index
                .map(|(number, _)| p.t_args("wg-card-index-of", &[("number", number.to_string())]))
                .unwrap_or_default(),
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "werkgever/dashboard.html")]
pub struct DashboardPage {
    p: Page,
    email: String,
    scans: Vec<ScanCard>,
    /// A scan was just deleted.
    deleted: bool,
}

pub async fn dashboard(
    State(state): State<AppState>,
    p: Page,
    employer: Employer,
    RawQuery(query): RawQuery,
) -> Result<DashboardPage, WebError> {
    let today = crate::i18n::today();
    let scans = scans::overview(&*state.store, employer.owner(), today)
        .await?
        .into_iter()
        .map(|overview| ScanCard::new(&p, overview, today))
        .collect();
    Ok(DashboardPage {
        p,
        email: employer.email,
        scans,
        deleted: query.as_deref() == Some(DELETED_QUERY),
    })
}

/// The dashboard's query after a deletion (it then says that the scan is gone).
pub(crate) const DELETED_QUERY: &str = "verwijderd=1";

// ---------------------------------------------------------------------------------------
// Forms: a new scan, and a new round (which has the last three fields of a new scan)

#[derive(Debug, Default, Deserialize)]
pub struct ScanForm {
    #[serde(default)]
    pub(crate) organisation: String,
    #[serde(default)]
    pub(crate) team: String,
    /// One department per line.
    #[serde(default)]
    pub(crate) departments: String,
    #[serde(default)]
    pub(crate) closes_on: String,
    #[serde(default)]
    pub(crate) lang: String,
    /// `personal` or `shared`.
    #[serde(default)]
    pub(crate) invite: String,
    #[serde(default)]
    pub(crate) count: String,
}

impl ScanForm {
    fn blank(p: &Page, today: NaiveDate) -> ScanForm {
        ScanForm {
            closes_on: suggested_closing_date(today).format("%Y-%m-%d").to_string(),
            lang: p.code().to_owned(),
            invite: "personal".into(),
            ..ScanForm::default()
        }
    }
}

/// A message per field; `None` where the field is fine.
#[derive(Debug, Default)]
pub struct ScanErrors {
    organisation: Option<String>,
    team: Option<String>,
    departments: Option<String>,
    closes_on: Option<String>,
    lang: Option<String>,
    invite: Option<String>,
    count: Option<String>,
}

impl ScanForm {
    /// The form as typed, for the core's checks.
    fn input(&self) -> ScanInput<'_> {
        ScanInput {
            organisation: &self.organisation,
            team: &self.team,
            departments: &self.departments,
            lang: &self.lang,
            round: self.round_input(),
        }
    }

    fn round_input(&self) -> RoundInput<'_> {
        RoundInput {
            closes_on: &self.closes_on,
            invite: &self.invite,
            count: &self.count,
        }
    }
}

impl ScanErrors {
    /// Whether any field has a problem (the page then says so at the top).
    pub fn any(&self) -> bool {
        [
            &self.organisation,
            &self.team,
            &self.departments,
            &self.closes_on,
            &self.lang,
            &self.invite,
            &self.count,
        ]
        .iter()
        .any(|e| e.is_some())
    }

    /// The message beside each field with a problem, in the page's language.
    fn new(p: &Page, problems: &SetupErrors) -> ScanErrors {
        let message = |field| {
            problems
                .get(field)
                .map(|problem| messages::setup_problem(p.lang, field, problem))
        };
        ScanErrors {
            organisation: message(SetupField::Organisation),
            team: message(SetupField::Team),
            departments: message(SetupField::Departments),
            closes_on: message(SetupField::ClosesOn),
            lang: message(SetupField::Lang),
            invite: message(SetupField::Invite),
            count: message(SetupField::Count),
        }
    }
}

// ---------------------------------------------------------------------------------------
// A new scan

#[derive(Template, WebTemplate)]
#[template(path = "werkgever/scan_new.html")]
pub struct NewScanPage {
    p: Page,
    email: String,
    form: ScanForm,
    errors: ScanErrors,
    min_date: String,
    max_date: String,
}

impl NewScanPage {
    fn new(p: Page, email: String, form: ScanForm, errors: ScanErrors, today: NaiveDate) -> Self {
        NewScanPage {
            p,
            email,
            form,
            errors,
            min_date: today.format("%Y-%m-%d").to_string(),
            max_date: latest_closing_date(today).format("%Y-%m-%d").to_string(),
        }
    }
}

pub async fn new_form(p: Page, employer: Employer) -> NewScanPage {
    let today = crate::i18n::today();
    let form = ScanForm::blank(&p, today);
    NewScanPage::new(p, employer.email, form, ScanErrors::default(), today)
}

/// Which page shows new links.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum LinksOccasion {
    NewScan,
    MoreInvites,
    NewRound,
}

/// New links, shown this one time.
#[derive(Template, WebTemplate)]
#[template(path = "werkgever/links.html")]
pub struct LinksPage {
    p: Page,
    email: String,
    title: String,
    scan_id: i64,
    organisation: String,
    team: String,
    round_number: i32,
    closes: String,
    department: Option<String>,
    /// Personal links, one per line.
    links: String,
    count: usize,
    seed: String,
    rows: usize,
    shared_link: Option<String>,
}

/// What a links page shows besides the scan and round.
struct NewLinks {
    occasion: LinksOccasion,
    batch: Option<Batch>,
    shared_token: Option<String>,
    /// The department the personal links are for, if one was chosen.
    department: Option<String>,
}

fn links_page(p: Page, email: String, scan: &Scan, round: &Round, new: NewLinks) -> Response {
    let NewLinks {
        occasion,
        batch,
        shared_token,
        department,
    } = new;
    let title = match occasion {
        LinksOccasion::NewScan => p.t("wg-links-created-title"),
        LinksOccasion::MoreInvites => p.t("wg-links-more-title"),
        LinksOccasion::NewRound => p.t_args(
            "wg-links-round-title",
            &[("number", round.number.to_string())],
        ),
    };
    let (links, count, seed) = match batch {
        Some(batch) => {
            let links: Vec<String> = batch
                .tokens
                .iter()
                .map(|token| invite_link(&p, scan, token))
                .collect();
            (links.join("\n"), links.len(), batch.seed)
        }
        None => (String::new(), 0, String::new()),
    };
    let shared_link = shared_token.map(|token| invite_link(&p, scan, &token));
    let page = LinksPage {
        title,
        email,
        scan_id: scan.id,
        organisation: scan.organisation.clone(),
        team: scan.team.clone(),
        round_number: round.number,
        closes: p.lang.date_long(round.closes_on),
        department,
        links,
        count,
        seed,
        rows: count.clamp(2, 12),
        shared_link,
        p,
    };
    // The page shows secrets: like every employer page it is sent with `no-store`.
    page.into_response()
}

pub async fn create(
    State(state): State<AppState>,
    p: Page,
    employer: Employer,
    Form(form): Form<ScanForm>,
) -> Result<Response, WebError> {
    let today = crate::i18n::today();
    let setup = match ScanSetup::parse(form.input(), today) {
        Ok(setup) => setup,
        Err(problems) => {
            let errors = ScanErrors::new(&p, &problems);
            let page = NewScanPage::new(p, employer.email, form, errors, today);
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
    };
    let created =
        scans::create_scan(&*state.store, &state.secret, employer.owner(), setup, today).await?;
    Ok(links_page(
        p,
        employer.email,
        &created.scan,
        &created.round,
        NewLinks {
            occasion: LinksOccasion::NewScan,
            batch: created.batch,
            shared_token: created.shared_token,
            department: None,
        },
    ))
}

// ---------------------------------------------------------------------------------------
// A scan's page

pub struct RoundView {
    number: i32,
    opened: String,
    closes: String,
    open: bool,
    responses: i64,
    invited: String,
    /// Response rate in whole percent, when personal links were counted (not a shared link).
    rate: Option<String>,
}

impl RoundView {
    fn new(p: &Page, round: &Round, today: NaiveDate) -> RoundView {
        let invited = (!round.shared_link).then_some(round.invited.max(0) as u32);
        let rate = response_rate(round.responses.clamp(0, u32::MAX as i64) as u32, invited)
            .map(|rate| format!("{}%", rate.round()));
        RoundView {
            number: round.number,
            opened: p.lang.date_long(round.opened_on),
            closes: p.lang.date_long(round.closes_on),
            open: round.is_open(today),
            responses: round.responses,
            invited: invited_text(p, round),
            rate,
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "werkgever/scan.html")]
pub struct ScanPage {
    p: Page,
    email: String,
    scan: Scan,
    departments: Vec<Department>,
    /// Newest first.
    rounds: Vec<RoundView>,
    current: RoundView,
    alert: Option<String>,
    more_count: String,
    more_department: String,
    count_error: Option<String>,
    department_error: Option<String>,
    /// The closing-date form: what is typed (the current date at first), its message, and
    /// the range a date input offers.
    closes_value: String,
    closes_error: Option<String>,
    closes_min: String,
    closes_max: String,
}

impl ScanPage {
    async fn load(
        state: &AppState,
        p: Page,
        email: String,
        scan: Scan,
    ) -> Result<ScanPage, WebError> {
        let today = crate::i18n::today();
        let departments = state.store.departments(scan.id).await?;
        let rounds = state.store.rounds(scan.id).await?;
        let latest = rounds.last().ok_or(WebError::NotFound)?;
        let current = RoundView::new(&p, latest, today);
        let closes_value = iso(latest.closes_on);
        let closes_min = iso(today.max(latest.opened_on));
        let closes_max = iso(latest_closing_date_of_round(latest.opened_on));
        let rounds = rounds
            .iter()
            .rev()
            .map(|r| RoundView::new(&p, r, today))
            .collect();
        Ok(ScanPage {
            p,
            email,
            scan,
            departments,
            rounds,
            current,
            alert: None,
            more_count: String::new(),
            more_department: String::new(),
            count_error: None,
            department_error: None,
            closes_value,
            closes_error: None,
            closes_min,
            closes_max,
        })
    }
}

/// A date as a date input takes it.
fn iso(date: NaiveDate) -> String {
    date.format("%Y-%m-%d").to_string()
}

pub async fn detail(
    State(state): State<AppState>,
    p: Page,
    employer: Employer,
    Path(id): Path<String>,
) -> Result<ScanPage, WebError> {
    let scan = owned_scan(&state, &employer, &id).await?;
    ScanPage::load(&state, p, employer.email, scan).await
}

/// The department a form chose for new links: none (empty) for the whole team, or one of
/// this scan's; the message beside the field otherwise.
pub(crate) async fn chosen_department(
    state: &AppState,
    p: &Page,
    scan: &Scan,
    text: &str,
) -> Result<Result<Option<Department>, String>, WebError> {
    let id = match text.trim() {
        "" => None,
        chosen => match chosen.parse::<i64>() {
            Ok(id) => Some(id),
            Err(_) => return Ok(Err(p.t("wg-error-department"))),
        },
    };
    match scans::department(&*state.store, scan, id).await {
        Ok(department) => Ok(Ok(department)),
        Err(ServiceError::UnknownDepartment) => Ok(Err(p.t("wg-error-department"))),
        Err(e) => Err(e.into()),
    }
}

#[derive(Debug, Deserialize)]
pub struct MoreForm {
    #[serde(default)]
    count: String,
    #[serde(default)]
    department: String,
}

pub async fn more_invites(
    State(state): State<AppState>,
    p: Page,
    employer: Employer,
    Path(id): Path<String>,
    Form(form): Form<MoreForm>,
) -> Result<Response, WebError> {
    let scan = owned_scan(&state, &employer, &id).await?;
    let round = latest_round(&state, scan.id).await?;
    let count = LinkCount::parse(&form.count)
        .map_err(|problem| messages::setup_problem(p.lang, SetupField::Count, &problem));
    let department = chosen_department(&state, &p, &scan, &form.department).await?;
    let round_open = round.is_open(crate::i18n::today());
    if let (true, Ok(count), Ok(department)) = (round_open, &count, &department) {
        let department_id = department.as_ref().map(|d| d.id);
        let batch = scans::issue_invites(&*state.store, &round, *count, department_id).await?;
        return Ok(links_page(
            p,
            employer.email,
            &scan,
            &round,
            NewLinks {
                occasion: LinksOccasion::MoreInvites,
                batch: Some(batch),
                shared_token: None,
                department: department.as_ref().map(|d| d.name.clone()),
            },
        ));
    }
    let alert = (!round_open).then(|| p.t("wg-error-round-closed"));
    let mut page = ScanPage::load(&state, p, employer.email, scan).await?;
    page.alert = alert;
    page.more_count = form.count;
    page.more_department = form.department;
    page.count_error = count.err();
    page.department_error = department.err();
    let status = if round_open {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::CONFLICT
    };
    Ok((status, page).into_response())
}

// ---------------------------------------------------------------------------------------
// Closing a round

#[derive(Template, WebTemplate)]
#[template(path = "werkgever/round_close.html")]
pub struct ClosePage {
    p: Page,
    email: String,
    scan: Scan,
    round: RoundView,
}

pub async fn close_form(
    State(state): State<AppState>,
    p: Page,
    employer: Employer,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let scan = owned_scan(&state, &employer, &id).await?;
    let round = latest_round(&state, scan.id).await?;
    let today = crate::i18n::today();
    if !round.is_open(today) {
        return Ok(Redirect::to(&p.href(&format!("/werkgever/scans/{}", scan.id))).into_response());
    }
    let round = RoundView::new(&p, &round, today);
    Ok(ClosePage {
        p,
        email: employer.email,
        scan,
        round,
    }
    .into_response())
}

pub async fn close(
    State(state): State<AppState>,
    p: Page,
    employer: Employer,
    Path(id): Path<String>,
) -> Result<Redirect, WebError> {
    let scan = owned_scan(&state, &employer, &id).await?;
    scans::close_round(&*state.store, &scan).await?;
    Ok(Redirect::to(
        &p.href(&format!("/werkgever/scans/{}", scan.id)),
    ))
}

// ---------------------------------------------------------------------------------------
// Moving the current round's closing date

#[derive(Debug, Deserialize)]
pub struct ClosingDateForm {
    #[serde(default)]
    closes_on: String,
}

/// The audit event of a moved closing date.
const CLOSING_DATE_CHANGED: &str = "round_closing_date_changed";

pub async fn change_closing_date(
    State(state): State<AppState>,
    p: Page,
    employer: Employer,
    ip: ClientIp,
    Path(id): Path<String>,
    Form(form): Form<ClosingDateForm>,
) -> Result<Response, WebError> {
    let scan = owned_scan(&state, &employer, &id).await?;
    let today = crate::i18n::today();
    let moved = match parse_date(&form.closes_on) {
        Ok(date) => scans::change_closing_date(&*state.store, &scan, date, today).await,
        Err(problem) => Err(ServiceError::ClosingDate(problem)),
    };
    let problem = match moved {
        Ok(moved) => {
            let detail = format!(
                "scan #{} ronde {}: {} -> {}",
                scan.id, moved.round.number, moved.previous, moved.round.closes_on
            );
            state
                .audit(Some(&employer.email), CLOSING_DATE_CHANGED, &detail, &ip)
                .await?;
            return Ok(
                Redirect::to(&p.href(&format!("/werkgever/scans/{}", scan.id))).into_response(),
            );
        }
        Err(ServiceError::ClosingDate(problem)) => problem,
        Err(e) => return Err(e.into()),
    };
    let round = latest_round(&state, scan.id).await?;
    let message = messages::closing_date_problem(
        p.lang,
        &problem,
        latest_closing_date_of_round(round.opened_on),
    );
    let mut page = ScanPage::load(&state, p, employer.email, scan).await?;
    if problem == SetupProblem::RoundClosed {
        // The form is gone from a closed round's page: the message goes on top.
        page.alert = Some(message);
        return Ok((StatusCode::CONFLICT, page).into_response());
    }
    page.closes_value = form.closes_on;
    page.closes_error = Some(message);
    Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
}

// ---------------------------------------------------------------------------------------
// A new round

#[derive(Template, WebTemplate)]
#[template(path = "werkgever/round_new.html")]
pub struct RoundPage {
    p: Page,
    email: String,
    scan: Scan,
    next_number: i32,
    /// The current round is still open (starting a new one closes it).
    current_open: bool,
    form: ScanForm,
    errors: ScanErrors,
    min_date: String,
    max_date: String,
}

impl RoundPage {
    async fn load(
        state: &AppState,
        p: Page,
        email: String,
        scan: Scan,
        form: ScanForm,
        errors: ScanErrors,
        today: NaiveDate,
    ) -> Result<RoundPage, WebError> {
        let current = latest_round(state, scan.id).await?;
        Ok(RoundPage {
            p,
            email,
            scan,
            next_number: current.number + 1,
            current_open: current.is_open(today),
            form,
            errors,
            min_date: today.format("%Y-%m-%d").to_string(),
            max_date: latest_closing_date(today).format("%Y-%m-%d").to_string(),
        })
    }
}

pub async fn round_form(
    State(state): State<AppState>,
    p: Page,
    employer: Employer,
    Path(id): Path<String>,
) -> Result<RoundPage, WebError> {
    let scan = owned_scan(&state, &employer, &id).await?;
    let today = crate::i18n::today();
    let form = ScanForm::blank(&p, today);
    RoundPage::load(
        &state,
        p,
        employer.email,
        scan,
        form,
        ScanErrors::default(),
        today,
    )
    .await
}

pub async fn start_round(
    State(state): State<AppState>,
    p: Page,
    employer: Employer,
    Path(id): Path<String>,
    Form(form): Form<ScanForm>,
) -> Result<Response, WebError> {
    let scan = owned_scan(&state, &employer, &id).await?;
    let today = crate::i18n::today();
    let setup = match RoundSetup::parse(form.round_input(), today) {
        Ok(setup) => setup,
        Err(problems) => {
            let errors = ScanErrors::new(&p, &problems);
            let page =
                RoundPage::load(&state, p, employer.email, scan, form, errors, today).await?;
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
    };
    let scan_id = scan.id;
    let opened = match scans::start_round(&*state.store, &state.secret, scan, setup, today).await {
        Ok(opened) => opened,
        // Two clicks raced; the other one started the round and showed its links.
        Err(ServiceError::Conflict) => {
            return Ok(
                Redirect::to(&p.href(&format!("/werkgever/scans/{scan_id}"))).into_response(),
            );
        }
        Err(e) => return Err(e.into()),
    };
    Ok(links_page(
        p,
        employer.email,
        &opened.scan,
        &opened.round,
        NewLinks {
            occasion: LinksOccasion::NewRound,
            batch: opened.batch,
            shared_token: opened.shared_token,
            department: None,
        },
    ))
}

// ---------------------------------------------------------------------------------------
// Downloading a batch of links (see the module documentation)

#[derive(Debug, Deserialize)]
pub struct DownloadForm {
    #[serde(default)]
    seed: String,
    #[serde(default)]
    count: String,
}

pub async fn download_links(
    State(state): State<AppState>,
    p: Page,
    employer: Employer,
    Path(id): Path<String>,
    Form(form): Form<DownloadForm>,
) -> Result<Response, WebError> {
    let scan = owned_scan(&state, &employer, &id).await?;
    let count = LinkCount::parse(&form.count).map_err(|_| WebError::BadRequest)?;
    if form.seed.len() != SEED_LEN {
        return Err(WebError::BadRequest);
    }
    let batch = Batch::from_seed(form.seed, count.get());
    let mut round_number = 0;
    for token in [batch.tokens.first(), batch.tokens.last()]
        .into_iter()
        .flatten()
    {
        let hash = auth::token_hash(token);
        match state.store.scan_entry(&hash).await? {
            Some(ScanEntry::Invite {
                scan: of, round, ..
            }) if of.id == scan.id => round_number = round.number,
            _ => return Err(WebError::NotFound),
        }
    }
    let mut body = String::with_capacity(batch.tokens.len() * 80);
    for token in &batch.tokens {
        body.push_str(&invite_link(&p, &scan, token));
        body.push_str("\r\n");
    }
    let disposition = format!(
        "attachment; filename=\"hrnexus-scan-{}-{}-{round_number}.txt\"",
        scan.id,
        p.t("wg-links-file-round")
    );
    Ok((
        [
            (header::CONTENT_TYPE, "text/plain; charset=utf-8".to_owned()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        body,
    )
        .into_response())
}
