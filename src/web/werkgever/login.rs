//! Employer sign-in with a magic link: an address in, a single-use link out by mail.
//!
//! - The page after a request is the same whether or not the address has an account (accounts
//!   are only created when a link is used), so nobody can test which addresses are known.
//! - Only a SHA-256 hash of the 256-bit token is stored; the token itself is only in the mail.
//! - Opening the link (`GET`) does not sign in: mail scanners fetch links. The page it shows
//!   has a button that posts to the same address, and that post uses the link up.
//! - Requests are limited per address from one IP address and per IP address, counted in the
//!   audit log so that every instance sees the same numbers: someone asking for links for
//!   another person's address slows themselves down, not that person.
//! - The token in the path is parsed before anything else sees it; any other shape gets the
//!   "link invalid" page, and the page never puts what the path said into a link.
//! - Using a link ends every older unused link of that address.

use askama::Template;
use askama_web::WebTemplate;
use axum::{
    Form,
    extract::rejection::PathRejection,
    extract::{Path, State},
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
};
use hrnexus_core::{email::EmailAddress, token::UrlToken};
use serde::Deserialize;
use tower_sessions::Session;

use super::{EMPLOYER_KEY, EmployerSession};
use crate::{
    auth,
    mail::{SignInLink, compose},
    storage::now,
    web::{AppState, Throttle, error::WebError, page::Page, security::ClientIp},
};

/// How long a sign-in link works.
const LINK_VALID_SECONDS: i64 = 30 * 60;
/// Sign-in links that may be requested per hour, per address and per IP address.
const LINK_REQUESTS: Throttle = Throttle {
    event: EVENT_REQUESTED,
    throttled_event: EVENT_THROTTLED,
    per_account: 5,
    per_ip: 20,
    window_seconds: 60 * 60,
};

const EVENT_REQUESTED: &str = "employer_link_requested";
const EVENT_THROTTLED: &str = "employer_link_throttled";

#[derive(Template, WebTemplate)]
#[template(path = "werkgever/login.html")]
pub struct LoginPage {
    p: Page,
    email: String,
    email_error: Option<String>,
    error: Option<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "werkgever/link_sent.html")]
pub struct LinkSentPage {
    p: Page,
    email: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "werkgever/link_confirm.html")]
pub struct LinkConfirmPage {
    p: Page,
    /// Parsed, so only base64url characters can reach the form's address.
    token: UrlToken,
}

#[derive(Template, WebTemplate)]
#[template(path = "werkgever/link_invalid.html")]
pub struct LinkInvalidPage {
    p: Page,
}

async fn signed_in(session: &Session) -> bool {
    matches!(
        session.get::<EmployerSession>(EMPLOYER_KEY).await,
        Ok(Some(_))
    )
}

pub async fn form(p: Page, session: Session) -> Response {
    if signed_in(&session).await {
        return Redirect::to(&p.href("/werkgever")).into_response();
    }
    LoginPage {
        p,
        email: String::new(),
        email_error: None,
        error: None,
    }
    .into_response()
}

#[derive(Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    email: String,
}

pub async fn submit(
    State(state): State<AppState>,
    p: Page,
    ip: ClientIp,
    Form(form): Form<LoginForm>,
) -> Result<Response, WebError> {
    if !state.form_limiter.allow(&ip).await {
        return Err(WebError::TooManyRequests);
    }
    let typed = form.email.trim().to_owned();
    let Ok(email) = EmailAddress::parse(&typed) else {
        let email_error = Some(p.t("wg-login-email-invalid"));
        let page = LoginPage {
            p,
            email: typed,
            email_error,
            error: None,
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
        };
        return Ok((StatusCode::TOO_MANY_REQUESTS, retry.header(), page).into_response());
    }
    let token = auth::random_token();
    let link = format!("{}{}{}", p.base_url, p.href("/werkgever/inloggen/"), token);
    let mail =
        compose(email.as_str(), &SignInLink { lang: p.lang, link }).map_err(anyhow::Error::from)?;
    state
        .store
        .create_login_link(
            &email,
            p.code(),
            &auth::token_hash(&token),
            now() + LINK_VALID_SECONDS,
            &mail,
        )
        .await?;
    state.mail_wake.notify_one();
    state
        .audit(Some(email.as_str()), EVENT_REQUESTED, "", &ip)
        .await?;
    Ok(LinkSentPage {
        p,
        email: email.as_str().to_owned(),
    }
    .into_response())
}

/// The page behind the link in the mail: a button, so that a mail scanner opening the
/// link does not use it up.
pub async fn confirm_form(p: Page, token: Result<Path<UrlToken>, PathRejection>) -> Response {
    match token {
        Ok(Path(token)) => LinkConfirmPage { p, token }.into_response(),
        Err(_) => invalid(p),
    }
}

/// Unknown, used, expired or malformed: the same friendly page for all.
fn invalid(p: Page) -> Response {
    (StatusCode::GONE, LinkInvalidPage { p }).into_response()
}

pub async fn confirm(
    State(state): State<AppState>,
    p: Page,
    ip: ClientIp,
    session: Session,
    token: Result<Path<UrlToken>, PathRejection>,
) -> Result<Response, WebError> {
    if !state.form_limiter.allow(&ip).await {
        return Err(WebError::TooManyRequests);
    }
    let Ok(Path(token)) = token else {
        return Ok(invalid(p));
    };
    let employer = state
        .store
        .consume_login_link(&auth::token_hash(&token), now())
        .await?;
    let Some(employer) = employer else {
        return Ok(invalid(p));
    };
    // A new session id at every change of privilege prevents session fixation.
    session
        .cycle_id()
        .await
        .map_err(|e| WebError::Internal(e.into()))?;
    let record = EmployerSession {
        employer_id: employer.id,
        email: employer.email.clone(),
        signed_in_at: now(),
    };
    session
        .insert(EMPLOYER_KEY, &record)
        .await
        .map_err(|e| WebError::Internal(e.into()))?;
    state
        .audit(Some(&employer.email), "employer_login", "", &ip)
        .await?;
    Ok(Redirect::to(&p.href("/werkgever")).into_response())
}

pub async fn logout(
    State(state): State<AppState>,
    p: Page,
    ip: ClientIp,
    session: Session,
) -> Result<Response, WebError> {
    if let Ok(Some(record)) = session.get::<EmployerSession>(EMPLOYER_KEY).await {
        state
            .audit(Some(&record.email), "employer_logout", "", &ip)
            .await?;
    }
    // Only the employer leaves: a staff member signed in on the same browser stays. The new
    // id makes the old cookie worthless.
    session
        .remove::<EmployerSession>(EMPLOYER_KEY)
        .await
        .map_err(|e| WebError::Internal(e.into()))?;
    session
        .cycle_id()
        .await
        .map_err(|e| WebError::Internal(e.into()))?;
    Ok(Redirect::to(&p.href("/werkgever/login")).into_response())
}

pub fn routes() -> axum::Router<AppState> {
    use axum::routing::{get, post};
    axum::Router::new()
        .route("/login", get(form).post(submit))
        .route("/inloggen/{token}", get(confirm_form).post(confirm))
        .route("/uitloggen", post(logout))
}
