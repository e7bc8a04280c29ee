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
    extract::{Path, State},
    http::{StatusCode, header},
    response::{IntoResponse, Redirect, Response},
    routing::{get, post},
};
use base64::Engine;
use chrono::{Months, NaiveDate};
use hrnexus_core::scan::{
    anonymity::{DEFAULT_MIN_COMMENTS, DEFAULT_MIN_GROUP},
    response_rate,
};
use serde::Deserialize;
use sha2::{Digest, Sha256};

use super::Employer;
use crate::{
    auth,
    i18n::Lang,
    storage::{Department, NewScan, Round, Scan, ScanEntry, ScanOwner, StorageError, now},
    web::{AppState, error::WebError, page::Page},
};

const MAX_NAME_LEN: usize = 120;
const MAX_DEPARTMENTS: usize = 30;
const MAX_DEPARTMENT_LEN: usize = 80;
/// Personal links per request (at creation, for a new round, or "more invitations").
const MAX_INVITES: u32 = 2000;
/// The closing date the form suggests.
const DEFAULT_DAYS_OPEN: u64 = 14;
/// A seed is a `random_token()`: 43 characters.
const SEED_LEN: usize = 43;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(dashboard))
        .route("/scans/nieuw", get(new_form).post(create))
        .route("/scans/{id}", get(detail))
        .route("/scans/{id}/uitnodigingen", post(more_invites))
        .route("/scans/{id}/sluiten", get(close_form).post(close))
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

/// Today in the Netherlands, the calendar closing dates are set in.
fn latest_allowed(today: NaiveDate) -> NaiveDate {
    today.checked_add_months(Months::new(12)).unwrap_or(today)
}

/// The scan when it belongs to this employer; anyone else's scan does not exist (404).
pub(crate) async fn owned_scan(
    state: &AppState,
    employer: &Employer,
    id: &str,
) -> Result<Scan, WebError> {
    let id: i64 = id.parse().map_err(|_| WebError::NotFound)?;
    match state.store.scan_by_id(id).await? {
        Some(scan) if scan.is_owned_by(employer.owner()) => Ok(scan),
        _ => Err(WebError::NotFound),
    }
}

pub(crate) async fn latest_round(state: &AppState, scan_id: i64) -> Result<Round, WebError> {
    state
        .store
        .rounds(scan_id)
        .await?
        .pop()
        .ok_or(WebError::NotFound)
}

// ---------------------------------------------------------------------------------------
// Invite tokens

/// The `index`-th token of a batch (see the module documentation).
fn derive_token(seed: &str, index: u32) -> String {
    let mut hasher = Sha256::new();
    hasher.update(b"hrnexus-invite\0");
    hasher.update(seed.as_bytes());
    hasher.update(index.to_be_bytes());
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(hasher.finalize())
}

/// The address an employee opens, in the scan's language.
pub(crate) fn invite_link(p: &Page, scan: &Scan, token: &str) -> String {
    let prefix = if scan.lang == "en" {
        Lang::En.prefix()
    } else {
        Lang::Nl.prefix()
    };
    format!("{}{prefix}/scan/{token}", p.base_url)
}

/// A batch of new personal links: the seed that derives them and the tokens.
pub(crate) struct Batch {
    seed: String,
    pub(crate) tokens: Vec<String>,
}

impl Batch {
    /// `count` fresh personal links (nothing stored yet).
    pub(crate) fn new(count: u32) -> Batch {
        let seed = auth::random_token();
        let tokens = (0..count).map(|i| derive_token(&seed, i)).collect();
        Batch { seed, tokens }
    }

    /// What storage keeps of the batch: token hashes with their department.
    pub(crate) fn invites(&self, department_id: Option<i64>) -> Vec<(String, Option<i64>)> {
        self.tokens
            .iter()
            .map(|token| (auth::token_hash(token), department_id))
            .collect()
    }
}

/// Creates `count` personal links for an existing round and stores their hashes.
pub(crate) async fn issue_invites(
    state: &AppState,
    round_id: i64,
    count: u32,
    department_id: Option<i64>,
) -> Result<Batch, WebError> {
    let batch = Batch::new(count);
    state
        .store
        .add_invites(round_id, &batch.invites(department_id))
        .await?;
    Ok(batch)
}

// ---------------------------------------------------------------------------------------
// The list of scans

pub struct ScanRow {
    id: i64,
    organisation: String,
    team: String,
    round: i32,
    open: bool,
    closes: String,
    responses: i64,
    invited: String,
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

#[derive(Template, WebTemplate)]
#[template(path = "werkgever/dashboard.html")]
pub struct DashboardPage {
    p: Page,
    email: String,
    scans: Vec<ScanRow>,
}

pub async fn dashboard(
    State(state): State<AppState>,
    p: Page,
    employer: Employer,
) -> Result<DashboardPage, WebError> {
    let today = crate::i18n::today();
    let scans = state
        .store
        .scans_of(employer.owner())
        .await?
        .into_iter()
        .map(|s| ScanRow {
            id: s.scan.id,
            organisation: s.scan.organisation,
            team: s.scan.team,
            round: s.latest.number,
            open: s.latest.is_open(today),
            closes: p.lang.date_long(s.latest.closes_on),
            responses: s.latest.responses,
            invited: invited_text(&p, &s.latest),
        })
        .collect();
    Ok(DashboardPage {
        p,
        email: employer.email,
        scans,
    })
}

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
        let closes = today
            .checked_add_days(chrono::Days::new(DEFAULT_DAYS_OPEN))
            .unwrap_or(today);
        ScanForm {
            closes_on: closes.format("%Y-%m-%d").to_string(),
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

impl ScanErrors {
    /// Records a problem with the departments found outside `check_scan`.
    pub(crate) fn set_departments(&mut self, message: String) {
        self.departments = Some(message);
    }

    /// (field, message) for every field with a problem, for the JSON API.
    pub(crate) fn fields(&self) -> Vec<(&'static str, &str)> {
        [
            ("organisation", &self.organisation),
            ("team", &self.team),
            ("departments", &self.departments),
            ("closes_on", &self.closes_on),
            ("lang", &self.lang),
            ("invite", &self.invite),
            ("count", &self.count),
        ]
        .into_iter()
        .filter_map(|(field, message)| message.as_deref().map(|m| (field, m)))
        .collect()
    }
}

impl ScanErrors {
    fn any(&self) -> bool {
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
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Invites {
    Personal(u32),
    Shared,
}

pub(crate) struct ValidScan {
    organisation: String,
    team: String,
    departments: Vec<String>,
    lang: &'static str,
    round: ValidRound,
}

pub(crate) struct ValidRound {
    closes_on: NaiveDate,
    invites: Invites,
}

fn check_name(p: &Page, value: &str, missing_key: &str) -> Result<String, String> {
    use hrnexus_core::text::{SingleLine, TextError};
    match SingleLine::parse(value, MAX_NAME_LEN) {
        Ok(name) => Ok(name.into_string()),
        Err(TextError::Empty) => Err(p.t(missing_key)),
        Err(TextError::TooLong) => Err(p.t("wg-error-name-too-long")),
        Err(e) => Err(p.t(&format!("text-error-{}", e.key()))),
    }
}

/// One department per line: the line break separates names, any other control character
/// is refused (the API checks each name for line breaks before joining them).
fn check_departments(p: &Page, text: &str) -> Result<Vec<String>, String> {
    use hrnexus_core::text::{MultiLine, TextError};
    let text = MultiLine::parse_or_empty(text, usize::MAX)
        .map_err(|e| p.t(&format!("text-error-{}", e.key())))?;
    let names: Vec<String> = match text.lines(MAX_DEPARTMENT_LEN) {
        Ok(names) => names.into_iter().map(|n| n.into_string()).collect(),
        Err((TextError::TooLong, line)) => {
            let start: String = line.trim().chars().take(30).collect();
            return Err(p.t_args("wg-error-department-too-long", &[("name", start)]));
        }
        Err((e, _)) => return Err(p.t(&format!("text-error-{}", e.key()))),
    };
    if names.len() > MAX_DEPARTMENTS {
        return Err(p.t("wg-error-departments-too-many"));
    }
    let mut seen = std::collections::HashSet::new();
    for name in &names {
        if !seen.insert(name.to_lowercase()) {
            return Err(p.t_args("wg-error-department-duplicate", &[("name", name.clone())]));
        }
    }
    Ok(names)
}

/// Refuses a department name that is not a single line of text (the API joins the names
/// with line breaks into the form's one-per-line field).
pub(crate) fn check_department_names(p: &Page, names: &[String]) -> Result<(), String> {
    use hrnexus_core::text::SingleLine;
    match names
        .iter()
        .find_map(|name| SingleLine::parse_optional(name, usize::MAX).err())
    {
        Some(e) => Err(p.t(&format!("text-error-{}", e.key()))),
        None => Ok(()),
    }
}

fn parse_date(text: &str) -> Option<NaiveDate> {
    let text = text.trim();
    // Date inputs send 2026-03-31; a browser without one lets people type 31-03-2026.
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(text, "%d-%m-%Y"))
        .ok()
}

fn check_closing_date(p: &Page, text: &str, today: NaiveDate) -> Result<NaiveDate, String> {
    if text.trim().is_empty() {
        return Err(p.t("wg-error-date-missing"));
    }
    let Some(date) = parse_date(text) else {
        return Err(p.t("wg-error-date-invalid"));
    };
    if date < today {
        Err(p.t("wg-error-date-past"))
    } else if date > latest_allowed(today) {
        Err(p.t("wg-error-date-too-far"))
    } else {
        Ok(date)
    }
}

fn check_count(p: &Page, text: &str) -> Result<u32, String> {
    match text.trim().parse::<u32>() {
        Ok(n) if (1..=MAX_INVITES).contains(&n) => Ok(n),
        _ => Err(p.t("wg-error-count")),
    }
}

/// Checks the closing date and the way of inviting; errors go into `errors`.
fn check_round(
    p: &Page,
    form: &ScanForm,
    today: NaiveDate,
    errors: &mut ScanErrors,
) -> Option<ValidRound> {
    let closes_on = check_closing_date(p, &form.closes_on, today)
        .map_err(|e| errors.closes_on = Some(e))
        .ok();
    let invites = match form.invite.as_str() {
        "personal" => check_count(p, &form.count)
            .map(Invites::Personal)
            .map_err(|e| errors.count = Some(e))
            .ok(),
        "shared" => Some(Invites::Shared),
        _ => {
            errors.invite = Some(p.t("wg-error-invite"));
            None
        }
    };
    Some(ValidRound {
        closes_on: closes_on?,
        invites: invites?,
    })
}

/// Checks a whole new-scan form; errors go into `errors`.
pub(crate) fn check_scan(
    p: &Page,
    form: &ScanForm,
    today: NaiveDate,
    errors: &mut ScanErrors,
) -> Option<ValidScan> {
    let organisation = check_name(p, &form.organisation, "wg-error-organisation-missing")
        .map_err(|e| errors.organisation = Some(e))
        .ok();
    let team = check_name(p, &form.team, "wg-error-team-missing")
        .map_err(|e| errors.team = Some(e))
        .ok();
    let departments = check_departments(p, &form.departments)
        .map_err(|e| errors.departments = Some(e))
        .ok();
    let lang = match form.lang.as_str() {
        "nl" => Some("nl"),
        "en" => Some("en"),
        _ => {
            errors.lang = Some(p.t("wg-error-lang"));
            None
        }
    };
    let round = check_round(p, form, today, errors);
    Some(ValidScan {
        organisation: organisation?,
        team: team?,
        departments: departments?,
        lang: lang?,
        round: round?,
    })
    .filter(|_| !errors.any())
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
            max_date: latest_allowed(today).format("%Y-%m-%d").to_string(),
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

/// A scan just created, with the links it was created with (shown once).
pub(crate) struct CreatedScan {
    pub(crate) scan: Scan,
    pub(crate) round: Round,
    pub(crate) batch: Option<Batch>,
    pub(crate) shared_token: Option<String>,
}

/// Stores a checked scan with its first round and its links, in one transaction.
/// Used by the employer pages and by the API.
pub(crate) async fn create_scan(
    state: &AppState,
    owner: ScanOwner,
    valid: ValidScan,
    today: NaiveDate,
) -> Result<CreatedScan, WebError> {
    let shared = valid.round.invites == Invites::Shared;
    let batch = match valid.round.invites {
        Invites::Personal(count) => Some(Batch::new(count)),
        Invites::Shared => None,
    };
    let scan_id = state
        .store
        .create_scan(&NewScan {
            owner,
            organisation: valid.organisation,
            team: valid.team,
            lang: valid.lang.to_owned(),
            min_group: DEFAULT_MIN_GROUP as i32,
            min_comments: DEFAULT_MIN_COMMENTS as i32,
            departments: valid.departments,
            opened_on: today,
            closes_on: valid.round.closes_on,
            // Set below: the shared link is derived from the scan id, known only now.
            shared_token_hash: None,
            invites: batch.as_ref().map(|b| b.invites(None)).unwrap_or_default(),
        })
        .await?;
    let scan = state
        .store
        .scan_by_id(scan_id)
        .await?
        .ok_or(WebError::NotFound)?;
    let mut round = latest_round(state, scan_id).await?;
    let shared_token = if shared {
        round.shared_link = true;
        Some(super::cards::set_shared_link(state, scan_id, &round).await?)
    } else {
        None
    };
    Ok(CreatedScan {
        scan,
        round,
        batch,
        shared_token,
    })
}

pub async fn create(
    State(state): State<AppState>,
    p: Page,
    employer: Employer,
    Form(form): Form<ScanForm>,
) -> Result<Response, WebError> {
    let today = crate::i18n::today();
    let mut errors = ScanErrors::default();
    let Some(valid) = check_scan(&p, &form, today, &mut errors) else {
        let page = NewScanPage::new(p, employer.email, form, errors, today);
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    };
    let created = create_scan(&state, employer.owner(), valid, today).await?;
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
        let current = rounds
            .last()
            .map(|r| RoundView::new(&p, r, today))
            .ok_or(WebError::NotFound)?;
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
        })
    }
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

/// The department a form chose for new links: none (empty), or one of this scan's; the
/// message beside the field otherwise.
pub(crate) fn chosen_department(
    p: &Page,
    departments: &[Department],
    text: &str,
) -> Result<Option<Department>, String> {
    match text.trim() {
        "" => Ok(None),
        chosen => departments
            .iter()
            .find(|d| d.id.to_string() == chosen)
            .map(|d| Some(d.clone()))
            .ok_or_else(|| p.t("wg-error-department")),
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
    let departments = state.store.departments(scan.id).await?;
    let count = check_count(&p, &form.count);
    let department = chosen_department(&p, &departments, &form.department);
    let round_open = round.is_open(crate::i18n::today());
    if let (true, Ok(count), Ok(department)) = (round_open, &count, &department) {
        let batch =
            issue_invites(&state, round.id, *count, department.as_ref().map(|d| d.id)).await?;
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
    let round = latest_round(&state, scan.id).await?;
    // Closing twice is harmless: the store only closes an open round.
    state.store.close_round(round.id, now()).await?;
    // Invited addresses are only kept for the reminder of an open round.
    state.store.forget_invitation_addresses(round.id).await?;
    Ok(Redirect::to(
        &p.href(&format!("/werkgever/scans/{}", scan.id)),
    ))
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
            max_date: latest_allowed(today).format("%Y-%m-%d").to_string(),
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
    let previous = latest_round(&state, scan.id).await?;
    let mut errors = ScanErrors::default();
    let valid = check_round(&p, &form, today, &mut errors);
    let Some(valid) = valid.filter(|_| !errors.any()) else {
        let page = RoundPage::load(&state, p, employer.email, scan, form, errors, today).await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    };
    let shared = valid.invites == Invites::Shared;
    let batch = match valid.invites {
        Invites::Personal(count) => Some(Batch::new(count)),
        Invites::Shared => None,
    };
    let round = match state
        .store
        .open_round(
            scan.id,
            today,
            valid.closes_on,
            None,
            &batch.as_ref().map(|b| b.invites(None)).unwrap_or_default(),
        )
        .await
    {
        Ok(mut round) => {
            if shared {
                round.shared_link = true;
            }
            round
        }
        // Two clicks raced; the other one started the round and showed its links.
        Err(StorageError::Conflict) => {
            return Ok(
                Redirect::to(&p.href(&format!("/werkgever/scans/{}", scan.id))).into_response(),
            );
        }
        Err(e) => return Err(e.into()),
    };
    // Opening the new round closed the previous one: its addresses go.
    state.store.forget_invitation_addresses(previous.id).await?;
    let shared_token = match shared {
        true => Some(super::cards::set_shared_link(&state, scan.id, &round).await?),
        false => None,
    };
    Ok(links_page(
        p,
        employer.email,
        &scan,
        &round,
        NewLinks {
            occasion: LinksOccasion::NewRound,
            batch,
            shared_token,
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
    let count = check_count(&p, &form.count).map_err(|_| WebError::BadRequest)?;
    if form.seed.len() != SEED_LEN {
        return Err(WebError::BadRequest);
    }
    let mut round_number = 0;
    for index in [0, count - 1] {
        let hash = auth::token_hash(&derive_token(&form.seed, index));
        match state.store.scan_entry(&hash).await? {
            Some(ScanEntry::Invite {
                scan: of, round, ..
            }) if of.id == scan.id => round_number = round.number,
            _ => return Err(WebError::NotFound),
        }
    }
    let mut body = String::with_capacity(count as usize * 80);
    for index in 0..count {
        body.push_str(&invite_link(&p, &scan, &derive_token(&form.seed, index)));
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn derived_tokens_are_distinct_long_and_url_safe() {
        let seed = auth::random_token();
        let tokens: std::collections::HashSet<String> =
            (0..100).map(|i| derive_token(&seed, i)).collect();
        assert_eq!(tokens.len(), 100);
        for token in &tokens {
            assert_eq!(token.len(), 43, "256 bits");
            assert!(
                token
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
            );
        }
        assert_ne!(
            derive_token(&seed, 0),
            derive_token(&auth::random_token(), 0)
        );
        assert_eq!(derive_token(&seed, 7), derive_token(&seed, 7));
    }

    #[test]
    fn departments_are_checked() {
        let p = Page::for_path("/werkgever", "http://x");
        assert_eq!(
            check_departments(&p, "  Zorg \n\n Techniek  en  beheer\n").unwrap(),
            vec!["Zorg".to_owned(), "Techniek en beheer".to_owned()]
        );
        assert!(check_departments(&p, "Zorg\nzorg").is_err());
        assert!(check_departments(&p, &"a".repeat(81)).is_err());
        assert!(check_departments(&p, &"a".repeat(80)).is_ok());
        let many: String = (0..31).map(|i| format!("Afdeling {i}\n")).collect();
        assert!(check_departments(&p, &many).is_err());
    }

    #[test]
    fn closing_dates_lie_within_a_year() {
        let p = Page::for_path("/werkgever", "http://x");
        let today = NaiveDate::from_ymd_opt(2026, 2, 10).unwrap();
        assert!(check_closing_date(&p, "2026-02-10", today).is_ok());
        assert!(check_closing_date(&p, "10-03-2026", today).is_ok());
        assert!(check_closing_date(&p, "2027-02-10", today).is_ok());
        assert!(check_closing_date(&p, "2027-02-11", today).is_err());
        assert!(check_closing_date(&p, "2026-02-09", today).is_err());
        assert!(check_closing_date(&p, "morgen", today).is_err());
        assert!(check_closing_date(&p, "", today).is_err());
    }
}
