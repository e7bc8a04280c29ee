//! `/api/v1/scans`: the autonomie-scan for API clients. A scan created with a key belongs
//! to that key. Checks, links and results go through exactly the same code as the employer's
//! pages, so the anonymity rules are the same.

use axum::{
    Json,
    extract::{Query, State},
    http::{HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use hrnexus_core::scan::setup::{
    LinkCount, RoundInput, ScanInput, ScanSetup, SetupField, parse_department_list,
};

use super::{
    ApiClient, ApiJson, BodyRejections, CrossSite, NotFound, PathId, Unauthorized, whole_number,
};
use crate::{
    i18n::{Lang as Language, today},
    services::{
        ServiceError,
        results::{self as view},
        scans,
    },
    storage::{Round, Scan, ScanOwner},
    web::{
        AppState,
        error::{ApiError, WebError},
        messages,
    },
};

#[derive(Serialize, ToSchema)]
pub struct RoundStatus {
    /// 1 for the first round.
    #[schema(minimum = 1)]
    number: i32,
    opened_on: NaiveDate,
    /// The last day employees can answer.
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
    /// The language employees answer in.
    #[schema(value_type = Lang)]
    lang: String,
    departments: Vec<DepartmentInfo>,
    /// Oldest first; the last one is the current round.
    rounds: Vec<RoundStatus>,
}

/// The scan when it was created with this key.
async fn owned_scan(state: &AppState, client: &ApiClient, id: i64) -> Result<Scan, WebError> {
    Ok(scans::owned_scan(&*state.store, ScanOwner::ApiKey(client.0.id), id).await?)
}

async fn status_of(state: &AppState, scan: Scan) -> Result<ScanStatus, WebError> {
    let rounds = state.store.rounds(scan.id).await?;
    status_with(state, scan, &rounds).await
}

/// The status of a scan whose rounds are already loaded (departments are cached per scan).
async fn status_with(
    state: &AppState,
    scan: Scan,
    rounds: &[Round],
) -> Result<ScanStatus, WebError> {
    let departments = state.store.departments(scan.id).await?;
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

/// The scans created with this key.
#[utoipa::path(get, path = "/v1/scans", tag = "scans", operation_id = "listScans", security(("api_key" = [])),
    responses((status = 200, description = "The key's scans, oldest first", body = [ScanStatus]), Unauthorized))]
pub async fn list(
    State(state): State<AppState>,
    client: ApiClient,
) -> Result<Json<Vec<ScanStatus>>, WebError> {
    let owner = ScanOwner::ApiKey(client.0.id);
    // Two queries for the whole list: the scans, and every round of them.
    let (summaries, rounds) =
        tokio::try_join!(state.store.scans_of(owner), state.store.rounds_of(owner))?;
    let mut rounds_by_scan: std::collections::HashMap<i64, Vec<Round>> =
        std::collections::HashMap::new();
    for round in rounds {
        rounds_by_scan.entry(round.scan_id).or_default().push(round);
    }
    let mut scans = Vec::new();
    for summary in summaries {
        let rounds = rounds_by_scan.remove(&summary.scan.id).unwrap_or_default();
        scans.push(status_with(&state, summary.scan, &rounds).await?);
    }
    Ok(Json(scans))
}

/// The language employees answer in.
#[derive(ToSchema)]
#[schema(rename_all = "lowercase")]
#[allow(dead_code)] // documentation only: the field stays a string for the form's checks
pub enum Lang {
    Nl,
    En,
}

/// `personal`: one single-use link per employee (needs `count`); `shared`: one link for all.
#[derive(ToSchema)]
#[schema(rename_all = "lowercase")]
#[allow(dead_code)] // documentation only, as `Lang`
pub enum Invite {
    Personal,
    Shared,
}

// Names (the pattern in the document): at least one visible character, no control characters,
// at most 120 characters (the form's limit applies after runs of spaces are collapsed).
/// A department's name: as an organisation's name, at most 80 characters.
pub struct DepartmentName;

impl utoipa::PartialSchema for DepartmentName {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{ObjectBuilder, Type};
        ObjectBuilder::new()
            .schema_type(Type::String)
            .min_length(Some(1))
            .max_length(Some(80))
            .pattern(Some(NAME_PATTERN))
            .into()
    }
}

impl ToSchema for DepartmentName {}

const NAME_PATTERN: &str = r"^[^\u0000-\u001f\u007f-\u009f]*[^\s\u0000-\u001f\u007f-\u009f][^\u0000-\u001f\u007f-\u009f]*$";

#[derive(Deserialize, ToSchema)]
pub struct NewScanRequest {
    #[schema(
        min_length = 1,
        max_length = 120,
        pattern = r"^[^\u0000-\u001f\u007f-\u009f]*[^\s\u0000-\u001f\u007f-\u009f][^\u0000-\u001f\u007f-\u009f]*$"
    )]
    organisation: String,
    #[schema(
        min_length = 1,
        max_length = 120,
        pattern = r"^[^\u0000-\u001f\u007f-\u009f]*[^\s\u0000-\u001f\u007f-\u009f][^\u0000-\u001f\u007f-\u009f]*$"
    )]
    team: String,
    /// Optional departments, each unique (ignoring case); employees pick theirs (or have it
    /// fixed by their link).
    #[serde(default)]
    #[schema(value_type = Vec<DepartmentName>, max_items = 30)]
    departments: Vec<String>,
    /// Last day employees can answer: today at the earliest, at most a year ahead.
    #[schema(value_type = String, format = Date)]
    closes_on: String,
    /// The language employees answer in; `nl` when left out.
    #[serde(default)]
    #[schema(value_type = Option<Lang>)]
    lang: Option<String>,
    #[schema(value_type = Invite)]
    invite: String,
    /// How many personal links (with `personal`).
    #[serde(default, deserialize_with = "whole_number::option_u32")]
    #[schema(minimum = 1, maximum = 2000)]
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

#[utoipa::path(post, path = "/v1/scans", tag = "scans", operation_id = "createScan", security(("api_key" = [])),
    request_body = NewScanRequest,
    responses(
        (status = 201, description = "The scan, its first round and its links (shown this once)", body = CreatedLinks,
            links(
                ("getScan" = (operation_id = "getScan", parameters(("id" = "$response.body#/scan/id")),
                    description = "Follow the new scan: rounds, invited, responses")),
                ("createInvites" = (operation_id = "createInvites", parameters(("id" = "$response.body#/scan/id")),
                    description = "More personal links for the open round")),
                ("getResults" = (operation_id = "getResults", parameters(("id" = "$response.body#/scan/id")),
                    description = "The results, once there are enough responses")),
                ("getReportPdf" = (operation_id = "getReportPdf", parameters(("id" = "$response.body#/scan/id")),
                    description = "The results as a branded PDF report, once the round has closed"))
            )),
        Unauthorized, CrossSite, BodyRejections))]
pub async fn create(
    State(state): State<AppState>,
    client: ApiClient,
    ApiJson(request): ApiJson<NewScanRequest>,
) -> Result<(StatusCode, Json<CreatedLinks>), WebError> {
    // The form skips blank lines; in a list a blank name is a mistake worth pointing out.
    if request.departments.iter().any(|d| d.trim().is_empty()) {
        return Err(WebError::field(
            "departments",
            "a department name must not be empty",
        ));
    }
    let count = request.count.map(|n| n.to_string()).unwrap_or_default();
    let input = ScanInput {
        organisation: &request.organisation,
        team: &request.team,
        departments: "",
        lang: request.lang.as_deref().unwrap_or("nl"),
        round: RoundInput {
            closes_on: &request.closes_on,
            invite: &request.invite,
            count: &count,
        },
    };
    let today = today();
    let departments = parse_department_list(&request.departments);
    let setup = ScanSetup::parse_with(input, Some(departments), today).map_err(|problems| {
        WebError::Invalid(
            messages::setup_errors(Language::En, &problems)
                .into_iter()
                .map(|(field, message)| (field.to_owned(), message))
                .collect(),
        )
    })?;
    let owner = ScanOwner::ApiKey(client.0.id);
    let created = scans::create_scan(&*state.store, &state.secret, owner, setup, today).await?;
    let base_url = state.settings.base_url();
    let link = |token: &String| scans::invite_link(base_url, &created.scan, token);
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
#[utoipa::path(get, path = "/v1/scans/{id}", tag = "scans", operation_id = "getScan", security(("api_key" = [])),
    params(ScanIdParam),
    responses((status = 200, description = "The scan and its rounds", body = ScanStatus), Unauthorized, NotFound))]
pub async fn status(
    State(state): State<AppState>,
    client: ApiClient,
    PathId(id): PathId,
) -> Result<Json<ScanStatus>, WebError> {
    let scan = owned_scan(&state, &client, id).await?;
    Ok(Json(status_of(&state, scan).await?))
}

/// What a deletion removed, counted (nothing of it can be read again).
#[derive(Serialize, ToSchema)]
pub struct DeletedScan {
    /// The id of the scan that no longer exists.
    id: i64,
    rounds: i64,
    departments: i64,
    /// Stored answers, one per employee who answered.
    responses: i64,
    comments: i64,
    /// Personal links (used or not); they stop working.
    invites: i64,
    /// E-mail addresses kept for the reminder of an open round.
    addresses: i64,
    /// Invitations and reminders that had not been sent yet; they will not go out.
    pending_mails: i64,
    /// Every stored copy of the scan's invitation and reminder mails (sent or not).
    mails: i64,
}

/// Deletes the scan with everything stored for it, in one transaction: its rounds, answers,
/// comments, links, departments, the addresses kept for reminders and every queued or sent
/// copy of its invitation mails. The same deletion as the employer's "Scan verwijderen";
/// an audit entry without personal data remains. Cannot be undone.
#[utoipa::path(delete, path = "/v1/scans/{id}", tag = "scans", operation_id = "deleteScan",
    security(("api_key" = [])), params(ScanIdParam),
    responses((status = 200, description = "Deleted; what was deleted, counted", body = DeletedScan),
              Unauthorized, NotFound, CrossSite))]
pub async fn delete(
    State(state): State<AppState>,
    client: ApiClient,
    PathId(id): PathId,
) -> Result<Json<DeletedScan>, WebError> {
    let scan = owned_scan(&state, &client, id).await?;
    let owner = ScanOwner::ApiKey(client.0.id);
    let f = scans::delete_scan(&*state.store, &scan, owner).await?;
    Ok(Json(DeletedScan {
        id: scan.id,
        rounds: f.rounds,
        departments: f.departments,
        responses: f.responses,
        comments: f.comments,
        invites: f.invites,
        addresses: f.addresses,
        pending_mails: f.pending_mails,
        mails: f.mails,
    }))
}

/// The path parameter of every `/v1/scans/{id}` operation.
#[derive(IntoParams)]
#[into_params(parameter_in = Path)]
#[allow(dead_code)] // documentation only: `PathId` parses the path
pub struct ScanIdParam {
    /// Scan id, as returned when the scan was created.
    #[param(minimum = 1)]
    id: i64,
}

#[derive(Deserialize, ToSchema)]
pub struct InviteRequest {
    /// How many personal links.
    #[serde(deserialize_with = "whole_number::u32")]
    #[schema(minimum = 1, maximum = 2000)]
    count: u32,
    /// Fix the department of these links (one of the scan's `departments[].id`).
    #[serde(default, deserialize_with = "whole_number::option_i64")]
    #[schema(minimum = 1)]
    department_id: Option<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct NewInvites {
    round: i32,
    /// Shown this once: only their hashes are stored.
    links: Vec<String>,
}

/// More personal links for the scan's open round.
#[utoipa::path(post, path = "/v1/scans/{id}/invites", tag = "scans", operation_id = "createInvites",
    security(("api_key" = [])), params(ScanIdParam), request_body = InviteRequest,
    responses((status = 201, description = "The new links (shown this once)", body = NewInvites), Unauthorized, NotFound,
              (status = 409, description = "The current round is closed (`round_closed`)", body = ApiError),
              CrossSite, BodyRejections))]
pub async fn invites(
    State(state): State<AppState>,
    client: ApiClient,
    PathId(id): PathId,
    ApiJson(request): ApiJson<InviteRequest>,
) -> Result<(StatusCode, Json<NewInvites>), WebError> {
    let scan = owned_scan(&state, &client, id).await?;
    let count = LinkCount::new(request.count).map_err(|problem| {
        WebError::field(
            "count",
            messages::setup_problem(Language::En, SetupField::Count, &problem),
        )
    })?;
    let department = scans::department(&*state.store, &scan, request.department_id).await?;
    let round = scans::latest_round(&*state.store, scan.id).await?;
    let department_id = department.map(|d| d.id);
    let batch = scans::issue_invites(&*state.store, &round, count, department_id).await?;
    let base_url = state.settings.base_url();
    let links = batch
        .tokens
        .iter()
        .map(|token| scans::invite_link(base_url, &scan, token))
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
#[into_params(parameter_in = Query)]
pub struct ResultsQuery {
    /// Round number; the latest round when left out.
    #[param(value_type = i32, required = false, minimum = 1, maximum = 2147483647)]
    round: Option<String>,
}

/// `?round=N`: `None` for the latest round; anything but a round number is refused.
fn round_of(
    query: Result<Query<ResultsQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Option<i32>, WebError> {
    let not_a_round = || WebError::field("round", "must be a round number (1 or more)");
    let Query(query) = query.map_err(|_| not_a_round())?;
    match query.round {
        None => Ok(None),
        Some(text) => match text.trim().parse::<i32>() {
            Ok(n) if n >= 1 => Ok(Some(n)),
            _ => Err(not_a_round()),
        },
    }
}

/// Figures appear only once the round is closed; progress is in the scan's status.
fn not_released(pending: &view::Pending) -> WebError {
    WebError::refused(
        StatusCode::CONFLICT,
        "not_released",
        format!(
            "Results of round {} appear once it has closed (after {}); until then only the scan's status shows progress.",
            pending.round.number, pending.round.closes_on
        ),
    )
}

/// Aggregated results of a round. Groups below the anonymity threshold (and groups hidden so
/// that they cannot be derived by subtraction) have `visible: false` and no figures.
#[utoipa::path(get, path = "/v1/scans/{id}/results", tag = "scans", operation_id = "getResults",
    security(("api_key" = [])), params(ScanIdParam, ResultsQuery),
    responses((status = 200, description = "Aggregates per group, as on the results page", body = Results),
              Unauthorized,
              (status = 404, description = "No such scan for this key, or no such round", body = ApiError),
              (status = 409, description = "Not yet released (`not_released`): the round's results are withheld \
                until it closes; the body may say how far the round is", body = ApiError),
              (status = 422, description = "`round` is not a round number", body = ApiError)))]
pub async fn results(
    State(state): State<AppState>,
    client: ApiClient,
    PathId(id): PathId,
    query: Result<Query<ResultsQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<serde_json::Value>, WebError> {
    let round = round_of(query)?;
    let scan = owned_scan(&state, &client, id).await?;
    let loaded = view::load(&*state.store, scan, round)
        .await?
        .ok_or(ServiceError::NotFound)?;
    match loaded {
        view::Release::Final(loaded) => Ok(Json(view::api_json(&view::build(loaded)))),
        // Figures appear only once the round is closed; progress is in the scan's status.
        view::Release::Pending(pending) => Err(not_released(&pending)),
    }
}

/// The branded PDF report of a round (2–4 A4 pages: response rate, overview, priorities,
/// advice, trend), in the scan's language. The same anonymity rules as `getResults`: a
/// group without figures is not named in it, and comments are left out.
#[utoipa::path(get, path = "/v1/scans/{id}/report.pdf", tag = "scans", operation_id = "getReportPdf",
    security(("api_key" = [])), params(ScanIdParam, ResultsQuery),
    responses((status = 200, description = "The report as a PDF file", body = inline(PdfFile), content_type = "application/pdf",
               headers(("Content-Disposition" = String, description = "`attachment` with a file name"))),
              Unauthorized,
              (status = 404, description = "No such scan for this key, or no such round", body = ApiError),
              (status = 409, description = "Not yet released (`not_released`): the round's results are withheld \
                until it closes", body = ApiError),
              (status = 422, description = "`round` is not a round number", body = ApiError)))]
pub async fn report_pdf(
    State(state): State<AppState>,
    client: ApiClient,
    PathId(id): PathId,
    query: Result<Query<ResultsQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, WebError> {
    let round = round_of(query)?;
    let scan = owned_scan(&state, &client, id).await?;
    let lang = if scan.lang == "en" {
        Language::En
    } else {
        Language::Nl
    };
    let view = match view::load(&*state.store, scan, round)
        .await?
        .ok_or(ServiceError::NotFound)?
    {
        view::Release::Final(loaded) => view::build(loaded),
        view::Release::Pending(pending) => return Err(not_released(&pending)),
    };
    let body = crate::report::pdf(&view, lang);
    let filename = crate::report::file_name(view.scan_id, view.round.number, lang);
    let mut response = body.into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/pdf"),
    );
    if let Ok(value) = HeaderValue::from_str(&format!("attachment; filename=\"{filename}\"")) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    Ok(response)
}

/// A PDF document (for the document only).
#[derive(ToSchema)]
#[schema(value_type = String, format = Binary, content_media_type = "application/pdf")]
#[allow(dead_code)]
pub struct PdfFile(Vec<u8>);

/// A working example of a new scan: its closing date must lie ahead, so it is set when the
/// document is built (it is built at start and the dates allowed span a year).
pub(super) fn add_examples(document: &mut utoipa::openapi::OpenApi) {
    use utoipa::openapi::{RefOr, schema::Schema};
    let Some(components) = document.components.as_mut() else {
        return;
    };
    if let Some(RefOr::T(Schema::Object(schema))) = components.schemas.get_mut("NewScanRequest") {
        let closes_on = today() + chrono::Duration::days(14);
        schema.examples = vec![serde_json::json!({
            "organisation": "Bakkerij Jansen",
            "team": "Winkel",
            "departments": ["Bakkerij", "Winkel"],
            "closes_on": closes_on.to_string(),
            "lang": "nl",
            "invite": "personal",
            "count": 12
        })];
    }
}

// The shape of the results response, for the document only: the JSON itself is built by the
// results page's code (`view::api_json`) so that the API and the page cannot disagree, and
// the API fuzz check (.ci/api-fuzz.sh) compares the two.

/// Aggregated results of one round.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct Results {
    scan_id: i64,
    /// The round these results are for.
    #[schema(minimum = 1)]
    round: i32,
    /// Responses in the round, all departments together.
    #[schema(minimum = 0)]
    responses: u32,
    /// Responses as a percentage of the personal links issued; `null` with a shared link.
    #[schema(minimum = 0)]
    response_rate: Option<f64>,
    /// The fewest responses a group needs before it shows figures.
    #[schema(minimum = 1)]
    min_group: u32,
    /// The fewest responses a group needs before it shows comments.
    #[schema(minimum = 1)]
    min_comments: u32,
    /// The whole scan first, then each department.
    groups: Vec<ResultGroup>,
    /// Groups with aspects in the "werk aan de winkel" band.
    werk_aan_de_winkel: Vec<Shortfall>,
}

#[derive(ToSchema)]
#[schema(rename_all = "lowercase")]
#[allow(dead_code)]
pub enum GroupKind {
    Scan,
    Department,
}

/// One group's figures; only `group`, `name` and `visible` when the anonymity rules hide it.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct ResultGroup {
    group: GroupKind,
    /// The department's name; `null` for the whole scan.
    name: Option<String>,
    visible: bool,
    #[schema(minimum = 0)]
    responses: Option<u32>,
    /// Autonomy index 0–100; `null` without scored answers.
    #[schema(minimum = 0, maximum = 100)]
    autonomy_index: Option<f64>,
    /// Figures per aspect, keyed by aspect (`werkwijze`, `sterke_punten`, …).
    #[schema(value_type = Option<Object>)]
    aspects: Option<serde_json::Value>,
    /// Figures per signal, keyed by signal.
    #[schema(value_type = Option<Object>)]
    signals: Option<serde_json::Value>,
    /// Comments in random order, only when the group has enough responses to show them.
    comments: Option<Vec<String>>,
}

#[derive(ToSchema)]
#[allow(dead_code)]
pub struct Shortfall {
    /// The department's name; `null` for the whole scan.
    group: Option<String>,
    /// The aspects in the band.
    #[schema(value_type = Vec<Value>)]
    aspects: Vec<serde_json::Value>,
}
