//! `/portaal`: the provider's side. A provider answers a proposal through the personal link
//! in its mail (`/portaal/voorstel/{token}`: what the employer asked, not yet who they are;
//! accept, or decline with a reason), or signs in (a mailed single-use link, the same
//! mechanism as employers, on the shared session/role layer of `web::account`) to see its
//! own introductions, answer them, and keep its profile up to date. A provider only ever
//! reaches its own introductions and profile: anything else is a 404.

use askama::Template;
use askama_web::WebTemplate;
use axum::{
    Form, Router,
    extract::{Path, State, rejection::PathRejection},
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
    routing::{get, post},
};
use hrnexus_core::{introduction::DeclineReason, token::UrlToken};
use serde::Deserialize;

use crate::{
    auth,
    mail::{SignInLink, compose},
    services::introductions::{self, ProposalView, ProviderIntroduction, Refused},
    storage::{Provider, now},
    web::{
        AppState, Throttle,
        account::{AccountSession, signed_in},
        error::WebError,
        page::Page,
        security::ClientIp,
    },
};

pub fn routes(state: &AppState) -> Router<AppState> {
    Router::new()
        .route("/", get(home))
        .route("/inloggen", get(login_form).post(login_submit))
        .route("/inloggen/{token}", get(confirm_form).post(confirm))
        .route("/uitloggen", post(logout))
        .route("/profiel", get(profile_form).post(profile_submit))
        .route("/introducties/{id}/{answer}", post(answer_own))
        .route("/api-sleutels", get(keys).post(create_key))
        .route("/api-sleutels/{id}/intrekken", post(revoke_key))
        .route("/voorstel/{token}", get(proposal))
        .route("/voorstel/{token}/accepteren", post(accept))
        .route("/voorstel/{token}/afwijzen", post(decline))
        .layer(crate::web::session_store::layer(state))
}

#[derive(Template, WebTemplate)]
#[template(path = "portaal/proposal.html")]
pub struct ProposalPage {
    p: Page,
    v: ProposalView,
    token: UrlToken,
    reasons: Vec<(&'static str, String)>,
    reason_error: Option<String>,
    /// What the provider answered just now or before: accepted, declined, expired, ...
    answered: Option<String>,
}

impl ProposalPage {
    fn new(p: Page, v: ProposalView, token: UrlToken, reason_error: Option<String>) -> Self {
        let reasons = DeclineReason::ALL
            .into_iter()
            .map(|r| (r.key(), p.tk("decline-reason-", r.key())))
            .collect();
        let answered = (v.introduction.status != "proposed")
            .then(|| p.tk("portaal-answered-", &v.introduction.status));
        ProposalPage {
            p,
            v,
            token,
            reasons,
            reason_error,
            answered,
        }
    }

    pub fn intro(&self) -> String {
        self.p.t_args(
            "portaal-intro",
            &[(
                "provider",
                self.v.introduction.provider_organisation.clone(),
            )],
        )
    }

    pub fn deadline_line(&self) -> String {
        self.p.t_args(
            "portaal-deadline",
            &[(
                "deadline",
                self.p.datetime(&self.v.introduction.deadline_at),
            )],
        )
    }

    pub fn facts(&self) -> Vec<(String, String)> {
        crate::mail::intake_facts(self.p.lang, &self.v.intake)
    }
}

fn parsed(token: Result<Path<UrlToken>, PathRejection>) -> Result<UrlToken, WebError> {
    token.map(|Path(t)| t).map_err(|_| WebError::NotFound)
}

/// Pages that show a personal link's content are never stored by browsers or proxies.
fn private(status: StatusCode, page: ProposalPage) -> Response {
    (
        status,
        [(axum::http::header::CACHE_CONTROL, "no-store")],
        page,
    )
        .into_response()
}

pub async fn proposal(
    State(state): State<AppState>,
    p: Page,
    token: Result<Path<UrlToken>, PathRejection>,
) -> Result<Response, WebError> {
    let token = parsed(token)?;
    let v = introductions::proposal(&*state.store, token.as_str()).await?;
    Ok(private(
        StatusCode::OK,
        ProposalPage::new(p, v, token, None),
    ))
}

pub async fn accept(
    State(state): State<AppState>,
    p: Page,
    ip: ClientIp,
    token: Result<Path<UrlToken>, PathRejection>,
) -> Result<Response, WebError> {
    let token = parsed(token)?;
    answer(state, p, ip, token, None).await
}

#[derive(Deserialize)]
pub struct DeclineForm {
    #[serde(default)]
    reason: String,
}

pub async fn decline(
    State(state): State<AppState>,
    p: Page,
    ip: ClientIp,
    token: Result<Path<UrlToken>, PathRejection>,
    Form(form): Form<DeclineForm>,
) -> Result<Response, WebError> {
    let token = parsed(token)?;
    let Some(reason) = DeclineReason::from_key(&form.reason) else {
        let v = introductions::proposal(&*state.store, token.as_str()).await?;
        let error = Some(p.t("portaal-reason-missing"));
        return Ok(private(
            StatusCode::UNPROCESSABLE_ENTITY,
            ProposalPage::new(p, v, token, error),
        ));
    };
    answer(state, p, ip, token, Some(reason)).await
}

async fn answer(
    state: AppState,
    p: Page,
    ip: ClientIp,
    token: UrlToken,
    decline: Option<DeclineReason>,
) -> Result<Response, WebError> {
    let outcome = introductions::answer(
        &*state.store,
        &state.workflow(),
        token.as_str(),
        decline,
        now(),
    )
    .await?;
    match outcome {
        Ok(()) => {
            state.mail_wake.notify_one();
            let event = if decline.is_some() {
                "proposal_declined"
            } else {
                "proposal_accepted"
            };
            state.audit(None, event, "", &ip).await?;
            // The page shows the answer; the link in the address bar stays the key.
            Ok(
                Redirect::to(&p.href(&format!("/portaal/voorstel/{}", token.as_str())))
                    .into_response(),
            )
        }
        // Answered already, or the deadline passed meanwhile: the page says which.
        Err(Refused::Stale) | Err(Refused::Illegal(_)) => {
            let v = introductions::proposal(&*state.store, token.as_str()).await?;
            Ok(private(
                StatusCode::CONFLICT,
                ProposalPage::new(p, v, token, None),
            ))
        }
        Err(Refused::NoCapacity) | Err(Refused::NoContact) => Err(WebError::NotFound),
    }
}

// ---------------------------------------------------------------------------------------
// Signing in

const PROVIDER_KEY: &str = "provider";
/// How long a portal sign-in link works.
const LINK_VALID_SECONDS: i64 = 30 * 60;
const LINK_REQUESTS: Throttle = Throttle {
    event: "provider_link_requested",
    throttled_event: "provider_link_throttled",
    per_account: 5,
    per_ip: 20,
    window_seconds: 60 * 60,
};

/// What the session remembers about a signed-in provider account.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
struct ProviderSession {
    account_id: i64,
    provider_id: i64,
    email: String,
    signed_in_at: i64,
}

impl AccountSession for ProviderSession {
    const KEY: &'static str = PROVIDER_KEY;
    const LOGIN_PATH: &'static str = "/portaal/inloggen";

    fn signed_in_at(&self) -> i64 {
        self.signed_in_at
    }
}

/// A signed-in provider account. Anyone else is sent to the sign-in page.
pub struct ProviderUser {
    provider_id: i64,
    email: String,
}

impl axum::extract::FromRequestParts<AppState> for ProviderUser {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let (record, _session) = signed_in::<ProviderSession>(parts, state).await?;
        Ok(ProviderUser {
            provider_id: record.provider_id,
            email: record.email,
        })
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "portaal/login.html")]
pub struct LoginPage {
    p: Page,
    email: String,
    email_error: Option<String>,
    error: Option<String>,
    sent: bool,
}

pub async fn login_form(p: Page) -> LoginPage {
    LoginPage {
        p,
        email: String::new(),
        email_error: None,
        error: None,
        sent: false,
    }
}

#[derive(Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    email: String,
}

/// The same page for known and unknown addresses: it never tells who has an account.
pub async fn login_submit(
    State(state): State<AppState>,
    p: Page,
    ip: ClientIp,
    Form(form): Form<LoginForm>,
) -> Result<Response, WebError> {
    if !state.form_limiter.allow(&ip).await {
        return Err(WebError::TooManyRequests);
    }
    let typed = form.email.trim().to_owned();
    let Ok(email) = hrnexus_core::email::EmailAddress::parse(&typed) else {
        let email_error = Some(p.t("wg-login-email-invalid"));
        let page = LoginPage {
            p,
            email: typed,
            email_error,
            error: None,
            sent: false,
        };
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    };
    if let Some(retry) = LINK_REQUESTS.check(&state, email.as_str(), &ip).await? {
        let error = Some(p.t("wg-login-throttled"));
        let page = LoginPage {
            p,
            email: typed,
            email_error: None,
            error,
            sent: false,
        };
        return Ok((StatusCode::TOO_MANY_REQUESTS, retry.header(), page).into_response());
    }
    if let Some(account) = state.store.provider_account_by_email(&email).await? {
        let token = auth::random_token();
        let link = format!("{}{}{}", p.base_url, p.href("/portaal/inloggen/"), token);
        let mail = compose(email.as_str(), &SignInLink { lang: p.lang, link })
            .map_err(anyhow::Error::from)?;
        state
            .store
            .create_provider_login_link(
                account.id,
                &auth::token_hash(&token),
                now() + LINK_VALID_SECONDS,
                &mail,
            )
            .await?;
        state.mail_wake.notify_one();
    }
    state
        .audit(Some(email.as_str()), LINK_REQUESTS.event, "", &ip)
        .await?;
    Ok(LoginPage {
        p,
        email: email.as_str().to_owned(),
        email_error: None,
        error: None,
        sent: true,
    }
    .into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "portaal/confirm.html")]
pub struct ConfirmPage {
    p: Page,
    token: UrlToken,
}

/// A button, so that a mail scanner opening the link does not use it up.
pub async fn confirm_form(
    p: Page,
    token: Result<Path<UrlToken>, PathRejection>,
) -> Result<ConfirmPage, WebError> {
    Ok(ConfirmPage {
        p,
        token: parsed(token)?,
    })
}

pub async fn confirm(
    State(state): State<AppState>,
    p: Page,
    ip: ClientIp,
    session: tower_sessions::Session,
    token: Result<Path<UrlToken>, PathRejection>,
) -> Result<Response, WebError> {
    if !state.form_limiter.allow(&ip).await {
        return Err(WebError::TooManyRequests);
    }
    let token = parsed(token)?;
    let Some(account) = state
        .store
        .consume_provider_login_link(&auth::token_hash(token.as_str()), now())
        .await?
    else {
        return Err(WebError::Refused {
            status: StatusCode::GONE,
            code: "link_invalid",
            message: "this sign-in link is unknown, used or expired".into(),
        });
    };
    // A new session id at every change of privilege prevents session fixation.
    session.cycle_id().await?;
    let record = ProviderSession {
        account_id: account.id,
        provider_id: account.provider_id,
        email: account.email.clone(),
        signed_in_at: now(),
    };
    session.insert(PROVIDER_KEY, &record).await?;
    state
        .audit(Some(&account.email), "provider_login", "", &ip)
        .await?;
    Ok(Redirect::to(&p.href("/portaal")).into_response())
}

pub async fn logout(p: Page, session: tower_sessions::Session) -> Result<Response, WebError> {
    session.remove::<ProviderSession>(PROVIDER_KEY).await?;
    session.cycle_id().await?;
    Ok(Redirect::to(&p.href("/portaal/inloggen")).into_response())
}

// ---------------------------------------------------------------------------------------
// The signed-in portal

#[derive(Template, WebTemplate)]
#[template(path = "portaal/home.html")]
pub struct HomePage {
    p: Page,
    email: String,
    provider: Provider,
    introductions: Vec<ProviderIntroduction>,
    reasons: Vec<(&'static str, String)>,
    problem: Option<String>,
}

impl HomePage {
    pub fn capacity_line(&self) -> String {
        self.p.t_args(
            "portaal-home-capacity",
            &[
                ("open", self.provider.open_introductions.to_string()),
                ("capacity", self.provider.capacity.to_string()),
            ],
        )
    }

    pub fn status_words(&self, status: &str) -> String {
        self.p.tk("introduction-status-", status)
    }
}

async fn home_page(
    state: &AppState,
    p: Page,
    user: ProviderUser,
    problem: Option<String>,
) -> Result<HomePage, WebError> {
    let provider = state
        .store
        .provider_by_id(user.provider_id)
        .await?
        .ok_or(WebError::NotFound)?;
    let introductions = introductions::of_provider(&*state.store, user.provider_id).await?;
    let reasons = DeclineReason::ALL
        .into_iter()
        .map(|r| (r.key(), p.tk("decline-reason-", r.key())))
        .collect();
    Ok(HomePage {
        p,
        email: user.email,
        provider,
        introductions,
        reasons,
        problem,
    })
}

pub async fn home(
    State(state): State<AppState>,
    p: Page,
    user: ProviderUser,
) -> Result<HomePage, WebError> {
    home_page(&state, p, user, None).await
}

/// Accept or decline one's own proposal from the portal (`accepteren` / `afwijzen`).
pub async fn answer_own(
    State(state): State<AppState>,
    p: Page,
    user: ProviderUser,
    ip: ClientIp,
    Path((id, answer)): Path<(String, String)>,
    Form(form): Form<DeclineForm>,
) -> Result<Response, WebError> {
    let id = hrnexus_core::token::RecordId::parse(&id)
        .map_err(|_| WebError::NotFound)?
        .get();
    let decline = match answer.as_str() {
        "accepteren" => None,
        "afwijzen" => match DeclineReason::from_key(&form.reason) {
            Some(reason) => Some(reason),
            None => {
                let problem = Some(p.t("portaal-reason-missing"));
                let page = home_page(&state, p, user, problem).await?;
                return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
            }
        },
        _ => return Err(WebError::NotFound),
    };
    let outcome = introductions::answer_as_provider(
        &*state.store,
        &state.workflow(),
        user.provider_id,
        id,
        decline,
        now(),
    )
    .await?;
    match outcome {
        Ok(()) => {
            state.mail_wake.notify_one();
            state
                .audit(
                    Some(&user.email),
                    if decline.is_some() {
                        "proposal_declined"
                    } else {
                        "proposal_accepted"
                    },
                    &id.to_string(),
                    &ip,
                )
                .await?;
            Ok(Redirect::to(&p.href("/portaal")).into_response())
        }
        Err(_) => {
            let problem = Some(p.t("intake-refused-stale"));
            let page = home_page(&state, p, user, problem).await?;
            Ok((StatusCode::CONFLICT, page).into_response())
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "portaal/profile.html")]
pub struct ProfilePage {
    p: Page,
    email: String,
    provider: Provider,
    values: Vec<(hrnexus_core::provider::ProviderField, String)>,
    errors: Vec<(String, String)>,
    saved: bool,
}

impl ProfilePage {
    pub fn value(&self, field: &str) -> &str {
        self.values
            .iter()
            .find(|(k, _)| k.key() == field)
            .map_or("", |(_, v)| v.as_str())
    }

    pub fn error(&self, field: &str) -> Option<&str> {
        self.errors
            .iter()
            .find(|(k, _)| k == field)
            .map(|(_, v)| v.as_str())
    }

    pub fn chosen(&self, field: &str, key: &str) -> bool {
        self.value(field).split(',').any(|v| v.trim() == key)
    }

    /// The checkbox lists with their field names.
    pub fn groups(&self) -> [(&'static str, Vec<(&'static str, String)>); 3] {
        [
            ("categories", self.categories()),
            ("provinces", self.provinces()),
            ("sizes", self.sizes()),
        ]
    }

    pub fn categories(&self) -> Vec<(&'static str, String)> {
        hrnexus_core::provider::ServiceCategory::ALL
            .into_iter()
            .map(|c| (c.key(), self.p.tk("autonomie-scan-category-", c.key())))
            .collect()
    }

    pub fn provinces(&self) -> Vec<(&'static str, String)> {
        hrnexus_core::provider::Province::ALL
            .into_iter()
            .map(|c| (c.key(), self.p.tk("contact-province-", c.key())))
            .collect()
    }

    pub fn sizes(&self) -> Vec<(&'static str, String)> {
        hrnexus_core::provider::CompanySize::ALL
            .into_iter()
            .map(|c| (c.key(), self.p.tk("contact-size-", c.key())))
            .collect()
    }
}

pub async fn profile_form(
    State(state): State<AppState>,
    p: Page,
    user: ProviderUser,
) -> Result<ProfilePage, WebError> {
    let provider = state
        .store
        .provider_by_id(user.provider_id)
        .await?
        .ok_or(WebError::NotFound)?;
    Ok(ProfilePage {
        values: crate::services::providers::form_values(&provider),
        p,
        email: user.email,
        provider,
        errors: Vec::new(),
        saved: false,
    })
}

pub async fn profile_submit(
    State(state): State<AppState>,
    p: Page,
    user: ProviderUser,
    ip: ClientIp,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    use hrnexus_core::provider::{ProviderField, ProviderInput};
    let values = crate::services::providers::form_values_from_pairs(pairs);
    let get = |f: ProviderField| {
        values
            .iter()
            .find(|(k, _)| *k == f)
            .map_or("", |(_, v)| v.as_str())
    };
    let input = ProviderInput {
        description: get(ProviderField::Description),
        categories: get(ProviderField::Categories),
        provinces: get(ProviderField::Provinces),
        sizes: get(ProviderField::Sizes),
        certifications: get(ProviderField::Certifications),
        languages: get(ProviderField::Languages),
        capacity: get(ProviderField::Capacity),
        availability: get(ProviderField::Availability),
        contact_email: get(ProviderField::ContactEmail),
        ..ProviderInput::default()
    };
    let outcome =
        crate::services::providers::update_own(state.store.as_ref(), user.provider_id, input)
            .await?;
    let provider = state
        .store
        .provider_by_id(user.provider_id)
        .await?
        .ok_or(WebError::NotFound)?;
    match outcome {
        Ok(()) => {
            state
                .audit(Some(&user.email), "provider_profile_saved", "", &ip)
                .await?;
            Ok(ProfilePage {
                values: crate::services::providers::form_values(&provider),
                p,
                email: user.email,
                provider,
                errors: Vec::new(),
                saved: true,
            }
            .into_response())
        }
        Err(problems) => {
            let errors = problems
                .iter()
                .map(|(f, problem)| {
                    let mut words = p.tk("provider-problem-", problem.code());
                    if let hrnexus_core::provider::ProviderProblem::Unknown(v) = problem {
                        words = format!("{words}: {v}");
                    }
                    (f.key().to_owned(), words)
                })
                .collect();
            let page = ProfilePage {
                p,
                email: user.email,
                provider,
                values,
                errors,
                saved: false,
            };
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
    }
}

// ---------------------------------------------------------------------------------------
// The provider's own API keys (its introductions through `/api/v1/introductions`)

#[derive(Template, WebTemplate)]
#[template(path = "portaal/api_keys.html")]
pub struct KeysPage {
    p: Page,
    email: String,
    provider: Provider,
    keys: Vec<crate::storage::ApiKey>,
    /// The key just made: shown this once.
    created: Option<String>,
    name: String,
    name_error: Option<String>,
}

async fn keys_page(
    state: &AppState,
    p: Page,
    user: ProviderUser,
    created: Option<String>,
    name: String,
    name_error: Option<String>,
) -> Result<KeysPage, WebError> {
    let provider = state
        .store
        .provider_by_id(user.provider_id)
        .await?
        .ok_or(WebError::NotFound)?;
    Ok(KeysPage {
        keys: state.store.provider_api_keys(user.provider_id).await?,
        p,
        email: user.email,
        provider,
        created,
        name,
        name_error,
    })
}

pub async fn keys(
    State(state): State<AppState>,
    p: Page,
    user: ProviderUser,
) -> Result<KeysPage, WebError> {
    keys_page(&state, p, user, None, String::new(), None).await
}

#[derive(Deserialize)]
pub struct KeyForm {
    #[serde(default)]
    name: String,
}

pub async fn create_key(
    State(state): State<AppState>,
    p: Page,
    user: ProviderUser,
    ip: ClientIp,
    Form(form): Form<KeyForm>,
) -> Result<Response, WebError> {
    use hrnexus_core::text::{SingleLine, TextError};
    let name = match SingleLine::parse(&form.name, 80) {
        Ok(name) => name.into_string(),
        Err(e) => {
            let message = match e {
                TextError::Empty => p.t("api-key-name-missing"),
                TextError::TooLong => p.t("api-key-name-too-long"),
                other => p.t(&format!("text-error-{}", other.key())),
            };
            let page = keys_page(&state, p, user, None, form.name, Some(message)).await?;
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
    };
    let (key, prefix, hash) = auth::new_api_key();
    state
        .store
        .create_provider_api_key(user.provider_id, &name, &prefix, &hash, &user.email)
        .await?;
    state
        .audit(Some(&user.email), "provider_api_key_created", &name, &ip)
        .await?;
    Ok(keys_page(&state, p, user, Some(key), String::new(), None)
        .await?
        .into_response())
}

pub async fn revoke_key(
    State(state): State<AppState>,
    p: Page,
    user: ProviderUser,
    ip: ClientIp,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let id = hrnexus_core::token::RecordId::parse(&id)
        .map_err(|_| WebError::NotFound)?
        .get();
    if !state
        .store
        .revoke_provider_api_key(user.provider_id, id, now())
        .await?
    {
        return Err(WebError::NotFound);
    }
    state
        .audit(
            Some(&user.email),
            "provider_api_key_revoked",
            &id.to_string(),
            &ip,
        )
        .await?;
    Ok(Redirect::to(&p.href("/portaal/api-sleutels")).into_response())
}
