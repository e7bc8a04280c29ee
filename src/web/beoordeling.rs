//! `/beoordeling/{token}`: after an introduction is completed, the employer says how it went
//! (1–5 and a comment) through the link in the mail. Once given, the rating counts in the
//! provider's ranking; the page then thanks instead of asking again.

use askama::Template;
use askama_web::WebTemplate;
use axum::{
    Form, Router,
    extract::{Path, State, rejection::PathRejection},
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
    routing::get,
};
use hrnexus_core::{
    introduction::{Feedback, MAX_FEEDBACK_COMMENT_CHARS},
    token::UrlToken,
};
use serde::Deserialize;

use crate::{
    services::introductions,
    storage::{Introduction, now},
    web::{AppState, error::WebError, page::Page, security::ClientIp},
};

pub fn routes() -> Router<AppState> {
    Router::new().route("/beoordeling/{token}", get(form).post(submit))
}

#[derive(Template, WebTemplate)]
#[template(path = "beoordeling/form.html")]
pub struct FeedbackPage {
    p: Page,
    introduction: Introduction,
    token: UrlToken,
    rating: String,
    comment: String,
    rating_error: Option<String>,
    comment_error: Option<String>,
    max_comment: usize,
}

impl FeedbackPage {
    pub fn chosen(&self, value: &str) -> bool {
        self.rating == value
    }

    pub fn question(&self) -> String {
        self.p.t_args(
            "beoordeling-question",
            &[("provider", self.introduction.provider_organisation.clone())],
        )
    }
}

fn page(p: Page, introduction: Introduction, token: UrlToken) -> FeedbackPage {
    FeedbackPage {
        p,
        introduction,
        token,
        rating: String::new(),
        comment: String::new(),
        rating_error: None,
        comment_error: None,
        max_comment: MAX_FEEDBACK_COMMENT_CHARS,
    }
}

fn private(status: StatusCode, page: FeedbackPage) -> Response {
    (
        status,
        [(axum::http::header::CACHE_CONTROL, "no-store")],
        page,
    )
        .into_response()
}

pub async fn form(
    State(state): State<AppState>,
    p: Page,
    token: Result<Path<UrlToken>, PathRejection>,
) -> Result<Response, WebError> {
    let Ok(Path(token)) = token else {
        return Err(WebError::NotFound);
    };
    let introduction = introductions::feedback_for(&*state.store, token.as_str()).await?;
    Ok(private(StatusCode::OK, page(p, introduction, token)))
}

#[derive(Deserialize)]
pub struct FeedbackForm {
    #[serde(default)]
    rating: String,
    #[serde(default)]
    comment: String,
}

pub async fn submit(
    State(state): State<AppState>,
    p: Page,
    ip: ClientIp,
    token: Result<Path<UrlToken>, PathRejection>,
    Form(form): Form<FeedbackForm>,
) -> Result<Response, WebError> {
    let Ok(Path(token)) = token else {
        return Err(WebError::NotFound);
    };
    if !state.form_limiter.allow(&ip).await {
        return Err(WebError::TooManyRequests);
    }
    let introduction = introductions::feedback_for(&*state.store, token.as_str()).await?;
    match Feedback::parse(&form.rating, &form.comment) {
        Ok(feedback) => {
            introductions::give_feedback(&*state.store, token.as_str(), &feedback, now()).await?;
            Ok(Redirect::to(&p.href(&format!("/beoordeling/{}", token.as_str()))).into_response())
        }
        Err(problem) => {
            let message = Some(p.tk("beoordeling-problem-", problem.code()));
            let comment_problem = problem.code().starts_with("comment");
            let mut page = page(p, introduction, token);
            page.rating = form.rating;
            page.comment = form.comment;
            if comment_problem {
                page.comment_error = message;
            } else {
                page.rating_error = message;
            }
            Ok(private(StatusCode::UNPROCESSABLE_ENTITY, page))
        }
    }
}
