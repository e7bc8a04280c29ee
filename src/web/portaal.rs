//! `/portaal`: the provider's side of an introduction. For now a provider answers a
//! proposal through the personal link in its mail (`/portaal/voorstel/{token}`): it reads
//! what the employer asked (not yet who they are) and accepts, or declines with a reason.
//! The link is the key: its hash is stored, the link only travels in the mail. A signed-in
//! portal with the provider's own profile and introductions is still to be built.

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
    services::introductions::{self, ProposalView, Refused},
    storage::now,
    web::{AppState, error::WebError, page::Page, security::ClientIp},
};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/portaal/voorstel/{token}", get(proposal))
        .route("/portaal/voorstel/{token}/accepteren", post(accept))
        .route("/portaal/voorstel/{token}/afwijzen", post(decline))
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
        let p = &self.p;
        let i = &self.v.intake;
        let mut facts = Vec::new();
        if !i.company_size.is_empty() {
            facts.push((
                p.t("introduction-fact-size"),
                p.tk("contact-size-", &i.company_size),
            ));
        }
        if !i.province.is_empty() {
            facts.push((
                p.t("introduction-fact-province"),
                p.tk("contact-province-", &i.province),
            ));
        }
        let categories: Vec<String> = i
            .category_keys()
            .map(|k| p.tk("autonomie-scan-category-", k))
            .collect();
        if !categories.is_empty() {
            facts.push((p.t("introduction-fact-categories"), categories.join(", ")));
        }
        let aspects: Vec<String> = i
            .aspect_keys()
            .map(|k| p.tk("results-aspect-", k))
            .collect();
        if !aspects.is_empty() {
            facts.push((p.t("introduction-fact-aspects"), aspects.join(", ")));
        }
        facts
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
