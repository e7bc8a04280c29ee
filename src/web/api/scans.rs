//! `/api/v1/scans`: the autonomie-scan for API clients. A scan created with a key belongs
//! to that key. Checks, links and results go through exactly the same code as the employer's
//! pages, so the anonymity rules are the same.

use std::collections::BTreeMap;

use axum::{
    Json,
    extract::{Path, Query, State},
    http::StatusCode,
};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::{ApiClient, ApiError};
use crate::{
    i18n::today,
    storage::{Round, Scan, ScanOwner},
    web::{
        AppState,
        page::Page,
        werkgever::{
            results::view,
            scans::{self, ScanErrors, ScanForm},
        },
    },
};

/// The most personal links one request may create.
const MAX_LINKS_PER_REQUEST: u32 = 2000;

#[derive(Serialize, ToSchema)]
pub struct RoundStatus {
    number: i32,
    opened_on: NaiveDate,
    closes_on: NaiveDate,
    open: bool,
    /// Personal links issued (0 with a shared link).
    invited: i32,
    /// Responses so far, all departments together.
    responses: i64,
    shared_link: bool,
}

impl From<&Round> for RoundStatus {
    fn from(round: &Round) -> Self {
        RoundStatus {
            number: round.number,
            opened_on: round.opened_on,
            closes_on: round.closes_on,
            open: round.is_open(today()),
            invited: round.invited,
            responses: round.responses,
            shared_link: round.shared_link,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct DepartmentInfo {
    id: i64,
    name: String,
}

#[derive(Serialize, ToSchema)]
pub struct ScanStatus {
    id: i64,
    organisation: String,
    team: String,
    /// `nl` or `en`: the language employees answer in.
    lang: String,
    departments: Vec<DepartmentInfo>,
    /// Oldest first; the last one is the current round.
    rounds: Vec<RoundStatus>,
}

async fn owned_scan(state: &AppState, client: &ApiClient, id: i64) -> Result<Scan, ApiError> {
    state
        .store
        .scan_by_id(id)
        .await?
        .filter(|scan| scan.is_owned_by(ScanOwner::ApiKey(client.0.id)))
        .ok_or_else(|| {
            ApiError::new(
                StatusCode::NOT_FOUND,
                "not_found",
                "No such scan for this key.",
            )
        })
}

async fn status_of(state: &AppState, scan: Scan) -> Result<ScanStatus, ApiError> {
    let (rounds, departments) = tokio::try_join!(
        state.store.rounds(scan.id),
        state.store.departments(scan.id)
    )?;
    Ok(ScanStatus {
        id: scan.id,
        organisation: scan.organisation,
        team: scan.team,
        lang: scan.lang,
        departments: departments
            .into_iter()
            .map(|d| DepartmentInfo {
                id: d.id,
                name: d.name,
            })
            .collect(),
        rounds: rounds.iter().map(RoundStatus::from).collect(),
    })
}

/// Messages in English for API clients: the same checks as the Dutch form.
fn english(state: &AppState) -> Page {
    Page::for_path("/en/api", state.settings.base_url())
}

/// The scans created with this key.
#[utoipa::path(get, path = "/v1/scans", tag = "scans", security(("api_key" = [])),
    responses((status = 200, body = [ScanStatus]), (status = 401, body = ApiError)))]
pub async fn list(
    State(state): State<AppState>,
    client: ApiClient,
) -> Result<Json<Vec<ScanStatus>>, ApiError> {
    let mut scans = Vec::new();
    for summary in state.store.scans_of(ScanOwner::ApiKey(client.0.id)).await? {
        scans.push(status_of(&state, summary.scan).await?);
    }
    Ok(Json(scans))
}

#[derive(Deserialize, ToSchema)]
pub struct NewScanRequest {
    organisation: String,
    team: String,
    /// Optional departments; employees pick theirs (or have it fixed by their link).
    #[serde(default)]
    departments: Vec<String>,
    /// Last day employees can answer (at most a year ahead).
    closes_on: String,
    /// `nl` (default) or `en`.
    #[serde(default)]
    lang: Option<String>,
    /// `personal` (one single-use link per employee, needs `count`) or `shared` (one link).
    invite: String,
    #[serde(default)]
    count: Option<u32>,
}

#[derive(Serialize, ToSchema)]
pub struct CreatedLinks {
    scan: ScanStatus,
    /// The personal links, shown this once: only their hashes are stored.
    links: Vec<String>,
    /// The shared link, shown this once.
    shared_link: Option<String>,
}

fn field_errors(errors: &ScanErrors) -> BTreeMap<String, String> {
    errors
        .fields()
        .into_iter()
        .map(|(field, message)| (field.to_owned(), message.to_owned()))
        .collect()
}

/// Creates a scan with its first round and links. The links are in the response only.
#[utoipa::path(post, path = "/v1/scans", tag = "scans", security(("api_key" = [])), request_body = NewScanRequest,
    responses((status = 201, body = CreatedLinks), (status = 422, body = ApiError), (status = 401, body = ApiError)))]
pub async fn create(
    State(state): State<AppState>,
    client: ApiClient,
    Json(request): Json<NewScanRequest>,
) -> Result<(StatusCode, Json<CreatedLinks>), ApiError> {
    let p = english(&state);
    let request_departments = request.departments.clone();
    let form = ScanForm {
        organisation: request.organisation,
        team: request.team,
        departments: request.departments.join("\n"),
        closes_on: request.closes_on,
        lang: request.lang.unwrap_or_else(|| "nl".into()),
        invite: request.invite,
        count: request.count.map(|n| n.to_string()).unwrap_or_default(),
    };
    let today = today();
    let mut errors = ScanErrors::default();
    let valid = scans::check_scan(&p, &form, today, &mut errors);
    if let Err(message) = scans::check_department_names(&p, &request_departments) {
        errors.set_departments(message);
    }
    let Some(valid) = valid.filter(|_| errors.fields().is_empty()) else {
        return Err(ApiError::invalid(field_errors(&errors)));
    };
    let created = scans::create_scan(&state, ScanOwner::ApiKey(client.0.id), valid, today).await?;
    let link = |token: &String| scans::invite_link(&p, &created.scan, token);
    let links = created
        .batch
        .as_ref()
        .map(|b| b.tokens.iter().map(link).collect())
        .unwrap_or_default();
    let shared_link = created.shared_token.as_ref().map(link);
    let scan = status_of(&state, created.scan).await?;
    Ok((
        StatusCode::CREATED,
        Json(CreatedLinks {
            scan,
            links,
            shared_link,
        }),
    ))
}

/// A scan with its departments and rounds: dates, whether it is open, invited, responses.
#[utoipa::path(get, path = "/v1/scans/{id}", tag = "scans", security(("api_key" = [])),
    params(("id" = i64, Path, description = "Scan id")),
    responses((status = 200, body = ScanStatus), (status = 404, body = ApiError), (status = 401, body = ApiError)))]
pub async fn status(
    State(state): State<AppState>,
    client: ApiClient,
    Path(id): Path<i64>,
) -> Result<Json<ScanStatus>, ApiError> {
    let scan = owned_scan(&state, &client, id).await?;
    Ok(Json(status_of(&state, scan).await?))
}

#[derive(Deserialize, ToSchema)]
pub struct InviteRequest {
    /// How many personal links (1–2000).
    count: u32,
    /// Fix the department of these links (optional).
    #[serde(default)]
    department_id: Option<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct NewInvites {
    round: i32,
    /// Shown this once: only their hashes are stored.
    links: Vec<String>,
}

/// More personal links for the scan's open round.
#[utoipa::path(post, path = "/v1/scans/{id}/invites", tag = "scans", security(("api_key" = [])),
    params(("id" = i64, Path, description = "Scan id")), request_body = InviteRequest,
    responses((status = 201, body = NewInvites), (status = 404, body = ApiError), (status = 409, body = ApiError),
              (status = 422, body = ApiError), (status = 401, body = ApiError)))]
pub async fn invites(
    State(state): State<AppState>,
    client: ApiClient,
    Path(id): Path<i64>,
    Json(request): Json<InviteRequest>,
) -> Result<(StatusCode, Json<NewInvites>), ApiError> {
    let scan = owned_scan(&state, &client, id).await?;
    let mut fields = BTreeMap::new();
    if !(1..=MAX_LINKS_PER_REQUEST).contains(&request.count) {
        fields.insert(
            "count".to_owned(),
            format!("must be between 1 and {MAX_LINKS_PER_REQUEST}"),
        );
    }
    if let Some(department) = request.department_id {
        let departments = state.store.departments(scan.id).await?;
        if !departments.iter().any(|d| d.id == department) {
            fields.insert(
                "department_id".to_owned(),
                "not a department of this scan".to_owned(),
            );
        }
    }
    if !fields.is_empty() {
        return Err(ApiError::invalid(fields));
    }
    let round = scans::latest_round(&state, scan.id).await?;
    if !round.is_open(today()) {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "round_closed",
            "The current round is closed.",
        ));
    }
    let batch =
        scans::issue_invites(&state, round.id, request.count, request.department_id).await?;
    let p = english(&state);
    let links = batch
        .tokens
        .iter()
        .map(|token| scans::invite_link(&p, &scan, token))
        .collect();
    Ok((
        StatusCode::CREATED,
        Json(NewInvites {
            round: round.number,
            links,
        }),
    ))
}

#[derive(Deserialize, IntoParams)]
pub struct ResultsQuery {
    /// Round number; the latest round when left out.
    round: Option<i32>,
}

/// Aggregated results of a round. Groups below the anonymity threshold (and groups hidden so
/// that they cannot be derived by subtraction) have `visible: false` and no figures.
#[utoipa::path(get, path = "/v1/scans/{id}/results", tag = "scans", security(("api_key" = [])),
    params(("id" = i64, Path, description = "Scan id"), ResultsQuery),
    responses((status = 200, description = "Aggregates per visible group, as on the results page"),
              (status = 404, body = ApiError), (status = 401, body = ApiError)))]
pub async fn results(
    State(state): State<AppState>,
    client: ApiClient,
    Path(id): Path<i64>,
    Query(query): Query<ResultsQuery>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let scan = owned_scan(&state, &client, id).await?;
    let loaded = view::load(&state.store, scan, query.round)
        .await?
        .ok_or_else(|| ApiError::new(StatusCode::NOT_FOUND, "not_found", "No such round."))?;
    Ok(Json(view::api_json(&view::build(loaded))))
}
