//! `/kompas`: signing up for the HRnexus Kompas newsletter, confirming it, and the page behind
//! the link in every Kompas mail (one-click unsubscribe, preferences, subscribe again,
//! download or erase one's data).
//!
//! - The page after a sign-up is the same whether the address was new, pending, confirmed or
//!   unsubscribed; only the mail differs (see `services::newsletter::sign_up`).
//! - Opening a confirmation or unsubscribe link (`GET`) changes nothing: mail scanners fetch
//!   links. The page has a button that posts to the same address.
//! - `POST /kompas/afmelden/{token}` is the RFC 8058 one-click address: it takes no form
//!   fields, no session and no CSRF token, and the cross-site refusal lets it through.
//! - Tokens are parsed into `UrlToken` before anything else sees them; any other shape gets
//!   the same "link does not work" page as an unknown one.

use askama::Template;
use askama_web::WebTemplate;
use axum::{
    Form,
    extract::rejection::PathRejection,
    extract::{Path, State},
    http::{HeaderValue, StatusCode, header},
    response::{IntoResponse, Redirect, Response},
};
use hrnexus_core::{
    email::EmailAddress,
    issue::IssueState,
    newsletter::{Preferences, State as SubState},
    token::UrlToken,
};

use crate::{
    services::newsletter::{self as service, Signup},
    storage::{Subscriber, now},
    web::{
        AppState,
        error::WebError,
        page::Page,
        security::{ClientIp, IdPath},
    },
};

const FIELD_EMAIL: &str = "email";
const FIELD_CONSENT: &str = "toestemming";

type Fields = Vec<(String, String)>;
type TokenPath = Result<Path<UrlToken>, PathRejection>;

#[derive(Template, WebTemplate)]
#[template(path = "kompas/signup.html")]
pub struct SignupPage {
    p: Page,
    email: String,
    prefs: Preferences,
    email_error: Option<String>,
    consent: bool,
    consent_error: Option<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "kompas/notice.html")]
pub struct NoticePage {
    p: Page,
    title: String,
    body: String,
    /// A button that posts to this address (confirm, unsubscribe).
    action: Option<(String, String)>,
    /// A link back to a page (the sign-up form, the manage page).
    back: Option<(String, String)>,
}

#[derive(Template, WebTemplate)]
#[template(path = "kompas/manage.html")]
pub struct ManagePage {
    p: Page,
    token: UrlToken,
    subscribed: bool,
    email: String,
    prefs: Preferences,
    notice: Option<String>,
    consent: bool,
    consent_error: Option<String>,
}

/// Pages behind a token are never stored by a browser or proxy.
fn private(status: StatusCode, page: impl IntoResponse) -> Response {
    let mut response = (status, page).into_response();
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

fn has(fields: &Fields, name: &str) -> bool {
    fields.iter().any(|(k, _)| k == name)
}

fn prefs_of(fields: &Fields) -> Preferences {
    Preferences::from_form(fields.iter().map(|(k, v)| (k.as_str(), v.as_str())))
}

pub async fn form(p: Page) -> Response {
    SignupPage {
        p,
        email: String::new(),
        prefs: Preferences::default(),
        email_error: None,
        consent: false,
        consent_error: None,
    }
    .into_response()
}

pub async fn submit(
    State(state): State<AppState>,
    p: Page,
    ip: ClientIp,
    Form(fields): Form<Fields>,
) -> Result<Response, WebError> {
    if !state.form_limiter.allow(&ip).await {
        return Err(WebError::TooManyRequests);
    }
    let typed = fields
        .iter()
        .find(|(k, _)| k == FIELD_EMAIL)
        .map(|(_, v)| v.trim().chars().take(300).collect::<String>())
        .unwrap_or_default();
    let prefs = prefs_of(&fields);
    let email = EmailAddress::parse(&typed);
    let consent = has(&fields, FIELD_CONSENT);
    if email.is_err() || !consent {
        let page = SignupPage {
            email_error: email.is_err().then(|| p.t("kompas-email-invalid")),
            consent_error: (!consent).then(|| p.t("kompas-consent-missing")),
            consent,
            email: typed,
            prefs,
            p,
        };
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    }
    let Ok(email) = email else {
        return Err(WebError::BadRequest);
    };
    let signup = Signup {
        email,
        lang: p.lang,
        preferences: prefs,
        ip: ip.0,
        shown_text: p.t("kompas-consent"),
    };
    service::sign_up(
        state.store.as_ref(),
        &state.secret,
        state.settings.base_url(),
        &signup,
        now(),
    )
    .await?;
    state.mail_wake.notify_one();
    Ok(NoticePage {
        title: p.t("kompas-sent-title"),
        body: p.t("kompas-sent-body"),
        action: None,
        back: None,
        p,
    }
    .into_response())
}

/// Unknown, used, expired or malformed: the same friendly page for all.
fn invalid(p: Page) -> Response {
    let page = NoticePage {
        title: p.t("kompas-invalid-title"),
        body: p.t("kompas-invalid-body"),
        action: None,
        back: Some((p.href("/kompas"), p.t("kompas-invalid-again"))),
        p,
    };
    private(StatusCode::GONE, page)
}

pub async fn confirm_form(
    State(state): State<AppState>,
    p: Page,
    token: TokenPath,
) -> Result<Response, WebError> {
    let Ok(Path(token)) = token else {
        return Ok(invalid(p));
    };
    if !service::confirmation_open(state.store.as_ref(), &token, now()).await? {
        return Ok(invalid(p));
    }
    let page = NoticePage {
        title: p.t("kompas-confirm-title"),
        body: p.t("kompas-confirm-body"),
        action: Some((
            format!("{}{}", p.href("/kompas/bevestigen/"), token.as_str()),
            p.t("kompas-confirm-submit"),
        )),
        back: None,
        p,
    };
    Ok(private(StatusCode::OK, page))
}

pub async fn confirm(
    State(state): State<AppState>,
    p: Page,
    ip: ClientIp,
    token: TokenPath,
) -> Result<Response, WebError> {
    if !state.form_limiter.allow(&ip).await {
        return Err(WebError::TooManyRequests);
    }
    let Ok(Path(token)) = token else {
        return Ok(invalid(p));
    };
    let confirmed = service::confirm(
        state.store.as_ref(),
        &state.secret,
        state.settings.base_url(),
        &token,
        now(),
    )
    .await?;
    if !confirmed {
        return Ok(invalid(p));
    }
    state.mail_wake.notify_one();
    let page = NoticePage {
        title: p.t("kompas-confirmed-title"),
        body: p.t("kompas-confirmed-body"),
        action: None,
        back: None,
        p,
    };
    Ok(private(StatusCode::OK, page))
}

async fn subscriber(state: &AppState, token: &TokenPath) -> Result<Option<Subscriber>, WebError> {
    match token {
        Ok(Path(token)) => Ok(service::subscriber_for(state.store.as_ref(), token).await?),
        Err(_) => Ok(None),
    }
}

fn manage_page(p: Page, token: UrlToken, s: &Subscriber, notice: Option<String>) -> ManagePage {
    ManagePage {
        subscribed: SubState::parse(&s.state) != SubState::Unsubscribed,
        email: s.email.clone(),
        prefs: Preferences::from_stored(&s.preferences),
        token,
        notice,
        consent: false,
        consent_error: None,
        p,
    }
}

/// The page behind the link in every Kompas mail. Changes nothing.
pub async fn manage(
    State(state): State<AppState>,
    p: Page,
    token: TokenPath,
) -> Result<Response, WebError> {
    let Some(s) = subscriber(&state, &token).await? else {
        return Ok(invalid(p));
    };
    let Ok(Path(token)) = token else {
        return Ok(invalid(p));
    };
    Ok(private(StatusCode::OK, manage_page(p, token, &s, None)))
}

/// One-click unsubscribe (RFC 8058) and the button on the manage page: no form fields needed
/// (a mail provider posts `List-Unsubscribe=One-Click`, which is accepted and ignored).
pub async fn unsubscribe(
    State(state): State<AppState>,
    p: Page,
    token: TokenPath,
) -> Result<Response, WebError> {
    let Some(s) = subscriber(&state, &token).await? else {
        return Ok(invalid(p));
    };
    let Ok(Path(token)) = token else {
        return Ok(invalid(p));
    };
    state.store.unsubscribe(s.id, now()).await?;
    let page = NoticePage {
        title: p.t("kompas-unsubscribed-title"),
        body: p.t("kompas-unsubscribed-body"),
        action: None,
        back: Some((
            format!("{}{}", p.href("/kompas/afmelden/"), token.as_str()),
            p.t("kompas-manage-link"),
        )),
        p,
    };
    Ok(private(StatusCode::OK, page))
}

pub async fn preferences(
    State(state): State<AppState>,
    p: Page,
    token: TokenPath,
    Form(fields): Form<Fields>,
) -> Result<Response, WebError> {
    let Some(s) = subscriber(&state, &token).await? else {
        return Ok(invalid(p));
    };
    let Ok(Path(token)) = token else {
        return Ok(invalid(p));
    };
    let prefs = prefs_of(&fields);
    state
        .store
        .set_newsletter_preferences(s.id, &prefs.to_stored())
        .await?;
    let s = Subscriber {
        preferences: prefs.to_stored(),
        ..s
    };
    let notice = Some(p.t("kompas-preferences-saved"));
    Ok(private(StatusCode::OK, manage_page(p, token, &s, notice)))
}

pub async fn resubscribe(
    State(state): State<AppState>,
    p: Page,
    ip: ClientIp,
    token: TokenPath,
    Form(fields): Form<Fields>,
) -> Result<Response, WebError> {
    let Some(s) = subscriber(&state, &token).await? else {
        return Ok(invalid(p));
    };
    let Ok(Path(token)) = token else {
        return Ok(invalid(p));
    };
    if !has(&fields, FIELD_CONSENT) {
        let mut page = manage_page(p, token, &s, None);
        page.consent_error = Some(page.p.t("kompas-consent-missing"));
        return Ok(private(StatusCode::UNPROCESSABLE_ENTITY, page));
    }
    let prefs = prefs_of(&fields);
    service::resubscribe(
        state.store.as_ref(),
        &s,
        prefs,
        ip.0,
        &p.t("kompas-consent"),
        now(),
    )
    .await?;
    let path = format!("{}{}", p.href("/kompas/afmelden/"), token.as_str());
    Ok(Redirect::to(&path).into_response())
}

/// Everything stored about the subscriber, as a JSON download.
pub async fn download(
    State(state): State<AppState>,
    p: Page,
    token: TokenPath,
) -> Result<Response, WebError> {
    let Some(s) = subscriber(&state, &token).await? else {
        return Ok(invalid(p));
    };
    let export = service::export(state.store.as_ref(), s).await?;
    let body = serde_json::to_string_pretty(&export).map_err(anyhow::Error::from)?;
    let mut response = private(
        StatusCode::OK,
        (
            [
                (header::CONTENT_TYPE, "application/json"),
                (
                    header::CONTENT_DISPOSITION,
                    "attachment; filename=\"hrnexus-kompas.json\"",
                ),
            ],
            body,
        ),
    );
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}

pub async fn erase(
    State(state): State<AppState>,
    p: Page,
    token: TokenPath,
) -> Result<Response, WebError> {
    let Some(s) = subscriber(&state, &token).await? else {
        return Ok(invalid(p));
    };
    state.store.erase_subscriber(s.id).await?;
    let page = NoticePage {
        title: p.t("kompas-erased-title"),
        body: p.t("kompas-erased-body"),
        action: None,
        back: Some((p.href("/kompas"), p.t("kompas-erased-again"))),
        p,
    };
    Ok(private(StatusCode::OK, page))
}

/// One issue in the archive list: id, subject, the day it went out.
pub struct ArchiveRow {
    id: i64,
    subject: String,
    sent_on: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "kompas/archive.html")]
pub struct ArchivePage {
    p: Page,
    issues: Vec<ArchiveRow>,
}

fn sent_on(p: &Page, at: Option<i64>) -> String {
    at.map(|t| p.lang.date_long(crate::i18n::date_in_netherlands(t)))
        .unwrap_or_default()
}

/// `/kompas/archief`: every issue that went out in the page's language, newest first.
pub async fn archive(State(state): State<AppState>, p: Page) -> Result<ArchivePage, WebError> {
    let issues = state
        .store
        .sent_issues(p.lang.code(), 500)
        .await?
        .into_iter()
        .map(|i| ArchiveRow {
            sent_on: sent_on(&p, i.started_at),
            id: i.id,
            subject: i.subject,
        })
        .collect();
    Ok(ArchivePage { p, issues })
}

#[derive(Template, WebTemplate)]
#[template(path = "kompas/issue.html")]
pub struct ArchivedIssuePage {
    p: Page,
    subject: String,
    sent_on: String,
    paragraphs: Vec<String>,
    items: Vec<crate::mail::IssueItem>,
}

impl ArchivedIssuePage {
    pub fn sent_line(&self) -> String {
        self.p
            .t_args("kompas-archive-sent-on", &[("date", self.sent_on.clone())])
    }
}

/// `/kompas/archief/{id}`: one issue as it went out (drafts and other languages are not found).
pub async fn archived_issue(
    State(state): State<AppState>,
    p: Page,
    IdPath(id): IdPath,
) -> Result<ArchivedIssuePage, WebError> {
    let issue = state
        .store
        .issue(id)
        .await?
        .filter(|i| {
            IssueState::parse(&i.state).public() && i.lang == p.lang.code() && i.audience == "all"
        })
        .ok_or(WebError::NotFound)?;
    let items = crate::services::issues::items(
        state.store.as_ref(),
        state.settings.base_url(),
        &issue,
        now(),
    )
    .await?;
    Ok(ArchivedIssuePage {
        sent_on: sent_on(&p, issue.started_at),
        paragraphs: hrnexus_core::issue::paragraphs(&issue.introduction),
        subject: issue.subject,
        items,
        p,
    })
}

pub fn routes() -> axum::Router<AppState> {
    use axum::routing::{get, post};
    axum::Router::new()
        .route("/kompas", get(form).post(submit))
        .route("/kompas/archief", get(archive))
        .route("/kompas/archief/{id}", get(archived_issue))
        .route(
            "/kompas/bevestigen/{token}",
            get(confirm_form).post(confirm),
        )
        .route("/kompas/afmelden/{token}", get(manage).post(unsubscribe))
        .route("/kompas/voorkeuren/{token}", post(preferences))
        .route("/kompas/opnieuw/{token}", post(resubscribe))
        .route("/kompas/gegevens/{token}", get(download))
        .route("/kompas/wissen/{token}", post(erase))
}
