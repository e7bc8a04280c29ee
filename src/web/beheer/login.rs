//! Sign-in for beheerders: email + password, then a TOTP code (enrolment on first sign-in).
//!
//! New accounts get no password from whoever creates them: `hrnexus create-admin` prints a
//! personal single-use set-up link (`/beheer/instellen/{token}`, 24 hours) where the holder
//! chooses a password and goes straight on to enrol the second factor. So nobody else ever
//! knows a password that could enrol someone else's second factor.

use askama::Template;
use askama_web::WebTemplate;
use axum::{
    Form,
    extract::{Path, State, rejection::PathRejection},
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
};
use hrnexus_core::{email::EmailAddress, token::UrlToken};
use serde::Deserialize;
use tower_sessions::Session;

use super::{STAFF_KEY, StaffSession};
use crate::{
    auth,
    mail::{TotpEnabled, compose},
    storage::now,
    web::{AppState, Throttle, error::WebError, page::Page, security::ClientIp},
};

/// Failed attempts allowed per account from one address, and per address, within the window.
const SIGN_IN_FAILURES: Throttle = Throttle {
    event: "login_failed",
    throttled_event: "login_throttled",
    per_account: 5,
    per_ip: 20,
    window_seconds: 15 * 60,
};
const PENDING_SECRET_KEY: &str = "totp_pending";

#[derive(Template, WebTemplate)]
#[template(path = "beheer/login.html")]
pub struct LoginPage {
    p: Page,
    email: String,
    email_error: Option<String>,
    error: Option<String>,
}

pub async fn form(p: Page) -> LoginPage {
    LoginPage {
        p,
        email: String::new(),
        email_error: None,
        error: None,
    }
}

#[derive(Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
}

pub async fn submit(
    State(state): State<AppState>,
    p: Page,
    ip: ClientIp,
    session: Session,
    Form(form): Form<LoginForm>,
) -> Result<Response, WebError> {
    let typed = form.email.trim().to_owned();
    let email = match EmailAddress::parse(&typed) {
        Ok(email) => email,
        Err(_) => {
            let email_error = Some(p.t("login-email-invalid"));
            let page = LoginPage {
                p,
                email: typed,
                email_error,
                error: None,
            };
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
    };
    if let Some(retry) = SIGN_IN_FAILURES.check(&state, email.as_str(), &ip).await? {
        let error = Some(p.t("login-throttled"));
        let page = LoginPage {
            p,
            email: typed,
            email_error: None,
            error,
        };
        return Ok((StatusCode::TOO_MANY_REQUESTS, retry.header(), page).into_response());
    }
    let staff = state.store.staff_by_email(&email).await?;
    let password = form.password;
    // Argon2 is CPU-heavy: keep it off the async workers.
    let (staff, valid) = tokio::task::spawn_blocking(move || match staff {
        Some(staff) => {
            let valid = auth::verify_password(&password, &staff.password_hash);
            (Some(staff), valid)
        }
        None => {
            auth::verify_password_against_nothing(&password);
            (None, false)
        }
    })
    .await
    .map_err(|e| WebError::Internal(e.into()))?;
    let Some(staff) = staff.filter(|_| valid) else {
        state
            .audit(Some(email.as_str()), "login_failed", "password", &ip)
            .await?;
        let error = Some(p.t("login-failed"));
        let page = LoginPage {
            p,
            email: typed,
            email_error: None,
            error,
        };
        return Ok((StatusCode::UNAUTHORIZED, page).into_response());
    };
    // A new session id at every change of privilege prevents session fixation.
    session.cycle_id().await?;
    let record = StaffSession {
        staff_id: staff.id,
        email: staff.email.clone(),
        verified: false,
        signed_in_at: now(),
    };
    session.insert(STAFF_KEY, &record).await?;
    state
        .audit(Some(&staff.email), "login_password_ok", "", &ip)
        .await?;
    let next = if staff.totp_secret.is_some() {
        "/beheer/twee-staps"
    } else {
        "/beheer/twee-staps/instellen"
    };
    Ok(Redirect::to(&p.href(next)).into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "beheer/totp.html")]
pub struct TotpPage {
    p: Page,
    error: Option<String>,
    /// Set while enrolling: the QR code (SVG) and the secret for typing in by hand.
    enrol: Option<Enrolment>,
}

pub struct Enrolment {
    qr_svg: String,
    secret: String,
}

#[derive(Deserialize)]
pub struct CodeForm {
    #[serde(default)]
    code: String,
}

/// The session of someone who passed the password step but not yet the second factor.
async fn half_signed_in(session: &Session) -> Option<StaffSession> {
    session
        .get::<StaffSession>(STAFF_KEY)
        .await
        .ok()
        .flatten()
        .filter(|s| !s.verified)
}

pub async fn totp_form(p: Page, session: Session) -> Response {
    match half_signed_in(&session).await {
        Some(_) => TotpPage {
            p,
            error: None,
            enrol: None,
        }
        .into_response(),
        None => Redirect::to(&p.href("/beheer/login")).into_response(),
    }
}

async fn finish_sign_in(session: &Session, mut record: StaffSession) -> Result<(), WebError> {
    session.cycle_id().await?;
    record.verified = true;
    record.signed_in_at = now();
    session.remove_value(PENDING_SECRET_KEY).await?;
    session.insert(STAFF_KEY, &record).await?;
    Ok(())
}

pub async fn totp_submit(
    State(state): State<AppState>,
    p: Page,
    ip: ClientIp,
    session: Session,
    Form(form): Form<CodeForm>,
) -> Result<Response, WebError> {
    let Some(record) = half_signed_in(&session).await else {
        return Ok(Redirect::to(&p.href("/beheer/login")).into_response());
    };
    if let Some(retry) = SIGN_IN_FAILURES.check(&state, &record.email, &ip).await? {
        let error = Some(p.t("login-throttled"));
        return Ok((
            StatusCode::TOO_MANY_REQUESTS,
            retry.header(),
            TotpPage {
                p,
                error,
                enrol: None,
            },
        )
            .into_response());
    }
    let staff = state
        .store
        .staff_by_id(record.staff_id)
        .await?
        .ok_or(WebError::Forbidden)?;
    let secret = staff.totp_secret.as_deref().ok_or(WebError::Forbidden)?;
    let step = auth::check_totp(secret, &staff.email, &form.code);
    let accepted = match step {
        Some(step) => state.store.accept_totp_step(staff.id, step).await?,
        None => false,
    };
    if !accepted {
        state
            .audit(Some(&staff.email), "login_failed", "totp", &ip)
            .await?;
        let error = Some(p.t("totp-invalid"));
        return Ok((
            StatusCode::UNAUTHORIZED,
            TotpPage {
                p,
                error,
                enrol: None,
            },
        )
            .into_response());
    }
    state.audit(Some(&staff.email), "login", "", &ip).await?;
    finish_sign_in(&session, record).await?;
    Ok(Redirect::to(&p.href("/beheer")).into_response())
}

fn enrolment(secret: &str, account: &str) -> Option<Enrolment> {
    let (_url, svg) = auth::totp_enrolment(secret, account)?;
    // Inline in the page: drop the XML prolog that only a standalone file needs.
    let svg = svg
        .split_once("?>")
        .map(|(_, rest)| rest.trim().to_owned())
        .unwrap_or(svg);
    Some(Enrolment {
        qr_svg: svg,
        secret: secret.to_owned(),
    })
}

/// The secret being enrolled lives in the session until a first code confirms it.
async fn pending_secret(session: &Session) -> Result<String, WebError> {
    if let Some(secret) = session.get::<String>(PENDING_SECRET_KEY).await? {
        return Ok(secret);
    }
    let secret = auth::new_totp_secret();
    session.insert(PENDING_SECRET_KEY, &secret).await?;
    Ok(secret)
}

/// The half-signed-in staff member who still has to set up TOTP, or where to send them instead.
async fn enrolling(
    state: &AppState,
    p: &Page,
    session: &Session,
) -> Result<Result<(StaffSession, crate::storage::Staff), Response>, WebError> {
    let Some(record) = half_signed_in(session).await else {
        return Ok(Err(Redirect::to(&p.href("/beheer/login")).into_response()));
    };
    let staff = state
        .store
        .staff_by_id(record.staff_id)
        .await?
        .ok_or(WebError::Forbidden)?;
    if staff.totp_secret.is_some() {
        return Ok(Err(
            Redirect::to(&p.href("/beheer/twee-staps")).into_response()
        ));
    }
    Ok(Ok((record, staff)))
}

pub async fn enrol_form(
    State(state): State<AppState>,
    p: Page,
    session: Session,
) -> Result<Response, WebError> {
    let (_, staff) = match enrolling(&state, &p, &session).await? {
        Ok(enrolling) => enrolling,
        Err(elsewhere) => return Ok(elsewhere),
    };
    let secret = pending_secret(&session).await?;
    let enrol = enrolment(&secret, &staff.email);
    Ok(TotpPage {
        p,
        error: None,
        enrol,
    }
    .into_response())
}

pub async fn enrol_submit(
    State(state): State<AppState>,
    p: Page,
    ip: ClientIp,
    session: Session,
    Form(form): Form<CodeForm>,
) -> Result<Response, WebError> {
    let (record, staff) = match enrolling(&state, &p, &session).await? {
        Ok(enrolling) => enrolling,
        Err(elsewhere) => return Ok(elsewhere),
    };
    let secret = pending_secret(&session).await?;
    let Some(step) = auth::check_totp(&secret, &staff.email, &form.code) else {
        state
            .audit(Some(&staff.email), "totp_enrol_failed", "", &ip)
            .await?;
        let error = Some(p.t("totp-invalid"));
        let enrol = enrolment(&secret, &staff.email);
        return Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            TotpPage { p, error, enrol },
        )
            .into_response());
    };
    let notice =
        compose(&staff.email, &TotpEnabled { lang: p.lang }).map_err(anyhow::Error::from)?;
    state.store.enable_totp(staff.id, &secret, &notice).await?;
    state.mail_wake.notify_one();
    state.store.accept_totp_step(staff.id, step).await?;
    state
        .audit(Some(&staff.email), "totp_enrolled", "", &ip)
        .await?;
    state.audit(Some(&staff.email), "login", "", &ip).await?;
    finish_sign_in(&session, record).await?;
    Ok(Redirect::to(&p.href("/beheer")).into_response())
}

pub async fn logout(
    State(state): State<AppState>,
    p: Page,
    ip: ClientIp,
    session: Session,
) -> Result<Response, WebError> {
    if let Ok(Some(record)) = session.get::<StaffSession>(STAFF_KEY).await {
        state.audit(Some(&record.email), "logout", "", &ip).await?;
    }
    // Deletes the server-side record: the old cookie is worthless from here on.
    session.flush().await?;
    Ok(Redirect::to(&p.href("/beheer/login")).into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "beheer/setup.html")]
pub struct SetupPage {
    p: Page,
    /// `None`: the link is unknown, used, expired or malformed.
    setup: Option<Setup>,
}

pub struct Setup {
    /// Parsed, so only base64url characters can reach the form's address.
    token: UrlToken,
    email: String,
    password_error: Option<String>,
    repeat_error: Option<String>,
}

fn setup_invalid(p: Page) -> Response {
    (StatusCode::GONE, SetupPage { p, setup: None }).into_response()
}

pub async fn setup_form(
    State(state): State<AppState>,
    p: Page,
    token: Result<Path<UrlToken>, PathRejection>,
) -> Result<Response, WebError> {
    let Ok(Path(token)) = token else {
        return Ok(setup_invalid(p));
    };
    let Some(staff) = state
        .store
        .staff_setup_link(&auth::token_hash(&token), now())
        .await?
    else {
        return Ok(setup_invalid(p));
    };
    let setup = Some(Setup {
        token,
        email: staff.email,
        password_error: None,
        repeat_error: None,
    });
    Ok(SetupPage { p, setup }.into_response())
}

#[derive(Deserialize)]
pub struct SetupForm {
    #[serde(default)]
    password: String,
    #[serde(default)]
    repeat: String,
}

pub async fn setup_submit(
    State(state): State<AppState>,
    p: Page,
    ip: ClientIp,
    session: Session,
    token: Result<Path<UrlToken>, PathRejection>,
    Form(form): Form<SetupForm>,
) -> Result<Response, WebError> {
    if !state.form_limiter.allow(&ip).await {
        return Err(WebError::TooManyRequests);
    }
    let Ok(Path(token)) = token else {
        return Ok(setup_invalid(p));
    };
    let token_hash = auth::token_hash(&token);
    let Some(staff) = state.store.staff_setup_link(&token_hash, now()).await? else {
        return Ok(setup_invalid(p));
    };
    let password_error = (form.password.chars().count() < auth::MIN_PASSWORD_LEN).then(|| {
        p.t_args(
            "setup-password-too-short",
            &[("min", auth::MIN_PASSWORD_LEN.to_string())],
        )
    });
    let repeat_error = (password_error.is_none() && form.repeat != form.password)
        .then(|| p.t("setup-password-mismatch"));
    if password_error.is_some() || repeat_error.is_some() {
        // Passwords are never sent back into the page.
        let setup = Some(Setup {
            token,
            email: staff.email,
            password_error,
            repeat_error,
        });
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, SetupPage { p, setup }).into_response());
    }
    let password = form.password;
    let hash = tokio::task::spawn_blocking(move || auth::hash_password(&password))
        .await
        .map_err(|e| WebError::Internal(e.into()))?;
    // Used here, once: a second post with the same link finds nothing.
    let Some(staff) = state
        .store
        .use_staff_setup_link(&token_hash, &hash, now())
        .await?
    else {
        return Ok(setup_invalid(p));
    };
    state
        .audit(Some(&staff.email), "staff_setup", "", &ip)
        .await?;
    // The password step is done; the second factor is enrolled next, in this session.
    session.cycle_id().await?;
    let record = StaffSession {
        staff_id: staff.id,
        email: staff.email.clone(),
        verified: false,
        signed_in_at: now(),
    };
    session.remove_value(PENDING_SECRET_KEY).await?;
    session.insert(STAFF_KEY, &record).await?;
    Ok(Redirect::to(&p.href("/beheer/twee-staps/instellen")).into_response())
}
