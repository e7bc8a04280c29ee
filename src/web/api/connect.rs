//! The provider network and the intake through the API: the directory (public fields only)
//! and submitting an intake, checked by the same core rules as `/contact` and stored by the
//! same service (with its confirmation mail).

use axum::{Json, extract::State, http::StatusCode};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use hrnexus_core::{
    intake::{IntakeInput, IntakeRequest, Sector},
    matching::Urgency,
    provider::{Availability, CompanySize, Province, ServiceCategory},
    scan::aspect::Aspect,
};

use super::{ApiClient, ApiJson, BodyRejections, CrossSite, Unauthorized};
use crate::{
    i18n::Lang,
    services,
    storage::{IntakeExtras, ProviderFilter},
    web::{AppState, error::WebError},
};

/// A string schema listing the keys of a domain list (documentation only).
macro_rules! key_schema {
    ($name:ident, $doc:literal, $keys:expr) => {
        #[doc = $doc]
        pub struct $name;

        impl utoipa::PartialSchema for $name {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                use utoipa::openapi::schema::{ObjectBuilder, Type};
                ObjectBuilder::new()
                    .schema_type(Type::String)
                    .description(Some($doc))
                    .enum_values(Some($keys))
                    .into()
            }
        }

        impl ToSchema for $name {}
    };
}

key_schema!(
    CategoryKey,
    "A service category",
    ServiceCategory::ALL.map(ServiceCategory::key)
);
key_schema!(
    ProvinceKey,
    "One of the twelve provinces",
    Province::ALL.map(Province::key)
);
key_schema!(
    SizeKey,
    "A company size class (people employed)",
    CompanySize::ALL.map(CompanySize::key)
);
key_schema!(SectorKey, "A sector", Sector::ALL.map(Sector::key));
key_schema!(
    UrgencyKey,
    "How soon help is needed",
    [Urgency::Normal, Urgency::High].map(Urgency::key)
);
key_schema!(
    AspectKey,
    "An aspect of autonomy that a scan found weak",
    Aspect::ALL.map(Aspect::key)
);
key_schema!(
    AvailabilityKey,
    "Whether the provider takes new introductions",
    [Availability::Accepting, Availability::Paused].map(Availability::key)
);

/// A provider as the public directory shows it: never its contact address (contact runs
/// through an intake).
#[derive(Serialize, ToSchema)]
pub struct PublicProvider {
    /// The profile's address: `/dienstverleners/{slug}`.
    slug: String,
    organisation: String,
    description: String,
    #[schema(value_type = Vec<CategoryKey>)]
    categories: Vec<&'static str>,
    #[schema(value_type = Vec<ProvinceKey>)]
    provinces: Vec<&'static str>,
    #[schema(value_type = Vec<SizeKey>)]
    sizes: Vec<&'static str>,
    certifications: Vec<String>,
    languages: Vec<String>,
    #[schema(value_type = AvailabilityKey)]
    availability: &'static str,
}

/// The provider network, by name.
#[utoipa::path(get, path = "/v1/providers", tag = "connect", operation_id = "listProviders",
    security(("api_key" = [])),
    responses((status = 200, description = "Every provider's public profile, by name", body = [PublicProvider]),
              Unauthorized))]
pub async fn providers(
    State(state): State<AppState>,
    _client: ApiClient,
) -> Result<Json<Vec<PublicProvider>>, WebError> {
    let providers = state.store.providers(&ProviderFilter::default()).await?;
    Ok(Json(
        providers
            .into_iter()
            .map(|p| PublicProvider {
                slug: p.slug.as_str().to_owned(),
                organisation: p.organisation,
                description: p.description,
                categories: p.categories.iter().map(|c| c.key()).collect(),
                provinces: p.provinces.iter().map(|c| c.key()).collect(),
                sizes: p.sizes.iter().map(|c| c.key()).collect(),
                certifications: p.certifications,
                languages: p.languages,
                availability: p.availability.key(),
            })
            .collect(),
    ))
}

/// An employer's question, as on the contact page.
#[derive(Deserialize, ToSchema)]
pub struct NewIntake {
    #[schema(min_length = 1, max_length = 120)]
    organisation: String,
    #[schema(min_length = 1, max_length = 120)]
    contact_name: String,
    #[schema(min_length = 3, max_length = 254)]
    email: String,
    #[serde(default)]
    #[schema(max_length = 30)]
    phone: Option<String>,
    /// Eight digits (spaces and dots allowed).
    #[serde(default)]
    #[schema(max_length = 12)]
    kvk: Option<String>,
    #[schema(value_type = SizeKey)]
    company_size: String,
    #[schema(value_type = ProvinceKey)]
    province: String,
    #[serde(default)]
    #[schema(value_type = Option<SectorKey>)]
    sector: Option<String>,
    /// `normal` when left out.
    #[serde(default)]
    #[schema(value_type = Option<UrgencyKey>)]
    urgency: Option<String>,
    /// Write nothing about anyone's health: it is not needed to help.
    #[schema(min_length = 1, max_length = 4000)]
    question: String,
    #[serde(default)]
    #[schema(value_type = Vec<CategoryKey>, max_items = 8)]
    categories: Vec<String>,
    /// Weak aspects from the employer's own scan (aggregates only).
    #[serde(default)]
    #[schema(value_type = Vec<AspectKey>, max_items = 5)]
    aspects: Vec<String>,
    /// The employer agrees that HRnexus keeps the question and uses it to introduce them.
    consent: bool,
    /// The language of the confirmation mail; `nl` when left out.
    #[serde(default)]
    #[schema(value_type = Option<super::scans::Lang>)]
    lang: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct CreatedIntake {
    id: i64,
    /// Always `new`: staff take it from here.
    #[schema(value_type = String, pattern = "^new$")]
    status: &'static str,
}

/// Submits an intake: checked like the contact form (every wrong field named), stored with
/// its confirmation mail to the employer.
#[utoipa::path(post, path = "/v1/intakes", tag = "connect", operation_id = "createIntake",
    security(("api_key" = [])), request_body = NewIntake,
    responses((status = 201, description = "The intake is stored and confirmed by mail", body = CreatedIntake),
              Unauthorized, CrossSite, BodyRejections))]
pub async fn create_intake(
    State(state): State<AppState>,
    _client: ApiClient,
    ApiJson(body): ApiJson<NewIntake>,
) -> Result<(StatusCode, Json<CreatedIntake>), WebError> {
    let lang = match body.lang.as_deref() {
        None | Some("nl") => Lang::Nl,
        Some("en") => Lang::En,
        Some(_) => return Err(WebError::field("lang", "must be nl or en")),
    };
    let request = IntakeRequest::parse(IntakeInput {
        organisation: &body.organisation,
        contact_name: &body.contact_name,
        email: &body.email,
        phone: body.phone.as_deref().unwrap_or(""),
        kvk: body.kvk.as_deref().unwrap_or(""),
        company_size: &body.company_size,
        province: &body.province,
        question: &body.question,
        categories: &body.categories,
        sector: body.sector.as_deref().unwrap_or(""),
        urgency: body.urgency.as_deref().unwrap_or(""),
        consent: if body.consent { "ja" } else { "" },
        provider: "",
    })
    .map_err(|errors| {
        WebError::Invalid(
            errors
                .iter()
                .map(|(field, problem)| (field.key().to_owned(), problem.code().to_owned()))
                .collect(),
        )
    })?;
    let mut aspects: Vec<String> = Vec::new();
    for key in &body.aspects {
        let aspect =
            Aspect::from_key(key).ok_or_else(|| WebError::field("aspects", "unknown aspect"))?;
        if !aspects.iter().any(|a| a == aspect.key()) {
            aspects.push(aspect.key().to_owned());
        }
    }
    let extras = IntakeExtras {
        aspects,
        form_nonce: None,
    };
    let id = services::intake::submit_intake(&*state.store, &request, &extras, lang)
        .await?
        .ok_or(WebError::Unavailable)?;
    state.mail_wake.notify_one();
    Ok((
        StatusCode::CREATED,
        Json(CreatedIntake { id, status: "new" }),
    ))
}

/// What a provider's key sees of one of its introductions: what kind of help before it
/// accepts; who asked and the question only after.
#[derive(Serialize, ToSchema)]
pub struct ApiIntroduction {
    id: i64,
    /// `proposed` (waiting for the answer), `accepted`, `declined`, `expired`, `withdrawn`
    /// or `completed`.
    #[schema(value_type = IntroductionStatusKey)]
    status: String,
    /// Unix time in seconds.
    proposed_at: i64,
    /// Answer before this (Unix time in seconds).
    deadline_at: i64,
    #[schema(value_type = SizeKey)]
    company_size: String,
    #[schema(value_type = ProvinceKey)]
    province: String,
    #[schema(value_type = Option<SectorKey>)]
    sector: Option<String>,
    #[schema(value_type = UrgencyKey)]
    urgency: String,
    #[schema(value_type = Vec<CategoryKey>)]
    categories: Vec<String>,
    #[schema(value_type = Vec<AspectKey>)]
    aspects: Vec<String>,
    /// Only once the provider accepted.
    contact: Option<IntroducedEmployer>,
}

/// Who asked, and what: given once the provider accepted.
#[derive(Serialize, ToSchema)]
pub struct IntroducedEmployer {
    organisation: String,
    contact_name: String,
    email: String,
    phone: Option<String>,
    question: String,
}

key_schema!(
    IntroductionStatusKey,
    "Where an introduction stands",
    [
        "proposed",
        "accepted",
        "declined",
        "expired",
        "withdrawn",
        "completed"
    ]
);
key_schema!(
    DeclineReasonKey,
    "Why the provider declines",
    hrnexus_core::introduction::DeclineReason::ALL
        .map(hrnexus_core::introduction::DeclineReason::key)
);

/// The provider of a provider key; other keys are refused.
fn provider_of(client: &ApiClient) -> Result<i64, WebError> {
    client.0.provider_id.ok_or_else(|| {
        WebError::refused(
            StatusCode::FORBIDDEN,
            "not_a_provider_key",
            "only a provider's own key (made in its portal) reaches introductions",
        )
    })
}

#[derive(utoipa::IntoResponses)]
#[allow(dead_code)]
#[response(
    status = 403,
    description = "Not a provider's key (`not_a_provider_key`): introductions belong to providers"
)]
struct NotAProviderKey(#[to_schema] crate::web::error::ApiError);

#[derive(utoipa::IntoResponses)]
#[allow(dead_code)]
#[response(
    status = 404,
    description = "No such introduction for this provider (also for another provider's)"
)]
struct NoSuchIntroduction(#[to_schema] crate::web::error::ApiError);

/// The path parameter of `/v1/introductions/{id}/…`.
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Path)]
#[allow(dead_code)] // documentation only: `PathId` parses the path
pub struct IntroductionIdParam {
    /// Introduction id, as listed.
    #[param(minimum = 1)]
    id: i64,
}

fn api_introduction(item: services::introductions::ProviderIntroduction) -> ApiIntroduction {
    let contact = item.contact_visible().then(|| IntroducedEmployer {
        organisation: item.intake.organisation.clone(),
        contact_name: item.intake.contact_name.clone(),
        email: item.intake.email.clone(),
        phone: item.intake.phone.clone(),
        question: item.intake.question.clone(),
    });
    let i = item.intake;
    ApiIntroduction {
        id: item.introduction.id,
        status: item.introduction.status,
        proposed_at: item.introduction.proposed_at,
        deadline_at: item.introduction.deadline_at,
        categories: i.category_keys().map(str::to_owned).collect(),
        aspects: i.aspect_keys().map(str::to_owned).collect(),
        company_size: i.company_size,
        province: i.province,
        sector: (!i.sector.is_empty()).then_some(i.sector),
        urgency: i.urgency,
        contact,
    }
}

/// The key's provider's introductions, newest first.
#[utoipa::path(get, path = "/v1/introductions", tag = "connect", operation_id = "listIntroductions",
    security(("api_key" = [])),
    responses((status = 200, description = "The provider's introductions, newest first", body = [ApiIntroduction]),
              Unauthorized, NotAProviderKey))]
pub async fn introductions(
    State(state): State<AppState>,
    client: ApiClient,
) -> Result<Json<Vec<ApiIntroduction>>, WebError> {
    let provider = provider_of(&client)?;
    let items = services::introductions::of_provider(&*state.store, provider).await?;
    Ok(Json(items.into_iter().map(api_introduction).collect()))
}

async fn answer(
    state: &AppState,
    client: &ApiClient,
    id: i64,
    decline: Option<hrnexus_core::introduction::DeclineReason>,
) -> Result<Json<ApiIntroduction>, WebError> {
    let provider = provider_of(client)?;
    let outcome = services::introductions::answer_as_provider(
        &*state.store,
        &state.workflow(),
        provider,
        id,
        decline,
        crate::storage::now(),
    )
    .await?;
    if outcome.is_err() {
        return Err(WebError::refused(
            StatusCode::CONFLICT,
            "already_answered",
            "this introduction is no longer waiting for an answer",
        ));
    }
    state.mail_wake.notify_one();
    services::introductions::of_provider(&*state.store, provider)
        .await?
        .into_iter()
        .find(|i| i.introduction.id == id)
        .map(|i| Json(api_introduction(i)))
        .ok_or(WebError::NotFound)
}

/// Accepts a proposal: both sides are mailed; the employer's details come with the answer.
#[utoipa::path(post, path = "/v1/introductions/{id}/accept", tag = "connect", operation_id = "acceptIntroduction",
    security(("api_key" = [])), params(IntroductionIdParam),
    responses((status = 200, description = "Accepted: the introduction with who asked", body = ApiIntroduction),
              Unauthorized, NotAProviderKey, NoSuchIntroduction,
              (status = 409, description = "No longer waiting for an answer (`already_answered`)", body = crate::web::error::ApiError),
              CrossSite))]
pub async fn accept(
    State(state): State<AppState>,
    client: ApiClient,
    super::PathId(id): super::PathId,
) -> Result<Json<ApiIntroduction>, WebError> {
    answer(&state, &client, id, None).await
}

#[derive(Deserialize, ToSchema)]
pub struct DeclineRequest {
    #[schema(value_type = DeclineReasonKey)]
    reason: String,
}

/// Declines a proposal with a reason: HRnexus asks the next match.
#[utoipa::path(post, path = "/v1/introductions/{id}/decline", tag = "connect", operation_id = "declineIntroduction",
    security(("api_key" = [])), params(IntroductionIdParam), request_body = DeclineRequest,
    responses((status = 200, description = "Declined", body = ApiIntroduction),
              Unauthorized, NotAProviderKey, NoSuchIntroduction,
              (status = 409, description = "No longer waiting for an answer (`already_answered`)", body = crate::web::error::ApiError),
              CrossSite, BodyRejections))]
pub async fn decline(
    State(state): State<AppState>,
    client: ApiClient,
    super::PathId(id): super::PathId,
    ApiJson(body): ApiJson<DeclineRequest>,
) -> Result<Json<ApiIntroduction>, WebError> {
    let reason = hrnexus_core::introduction::DeclineReason::from_key(&body.reason)
        .ok_or_else(|| WebError::field("reason", "unknown reason"))?;
    answer(&state, &client, id, Some(reason)).await
}
