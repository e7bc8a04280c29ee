//! Inzichten and the Kompas through the API: the published articles, and starting a Kompas
//! subscription for someone (the same double opt-in as `/kompas`: the person gets a mail and
//! is subscribed only once they confirm from their own mailbox).

use axum::{
    Json,
    extract::{Query, State},
    http::StatusCode,
};
use hrnexus_core::{email::EmailAddress, newsletter::Preferences};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::{ApiClient, ApiJson, BodyRejections, CrossSite, Unauthorized};
use crate::{
    i18n::Lang,
    services::newsletter::{self, Signup},
    storage::{ArticleQuery, now},
    web::{AppState, error::WebError, security::ClientIp},
};

/// A published article of Inzichten.
#[derive(Serialize, ToSchema)]
pub struct PublishedArticle {
    slug: String,
    #[schema(value_type = super::scans::Lang)]
    lang: String,
    title: String,
    summary: String,
    theme: String,
    author: String,
    /// Unix time in seconds.
    published_at: i64,
    /// The article's page.
    url: String,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ArticlesQuery {
    /// `nl` (the default) or `en`.
    #[param(value_type = Option<super::scans::Lang>, required = false)]
    lang: Option<String>,
    /// Page number, 20 articles a page; 1 when left out.
    #[param(value_type = i32, required = false, minimum = 1, maximum = 10000)]
    page: Option<String>,
}

const PAGE_SIZE: i64 = 20;

/// Published articles, newest first (drafts and scheduled articles never appear).
#[utoipa::path(get, path = "/v1/articles", tag = "inform", operation_id = "listArticles",
    security(("api_key" = [])), params(ArticlesQuery),
    responses((status = 200, description = "Published articles, newest first, 20 a page", body = [PublishedArticle]),
              Unauthorized,
              (status = 422, description = "`lang` or `page` is not valid", body = super::ApiError)))]
pub async fn articles(
    State(state): State<AppState>,
    _client: ApiClient,
    query: Result<Query<ArticlesQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<Vec<PublishedArticle>>, WebError> {
    let Query(query) = query.map_err(|_| WebError::field("query", "not valid"))?;
    let lang = match query.lang.as_deref() {
        None | Some("nl") => Lang::Nl,
        Some("en") => Lang::En,
        Some(_) => return Err(WebError::field("lang", "must be nl or en")),
    };
    let page = match query.page.as_deref().map(|p| p.trim().parse::<i64>()) {
        None => 1,
        Some(Ok(n)) if (1..=10_000).contains(&n) => n,
        Some(_) => return Err(WebError::field("page", "must be a page number (1 or more)")),
    };
    let at = now();
    let articles = state
        .store
        .published_articles(&ArticleQuery {
            lang: lang.code(),
            theme: None,
            now: at,
            limit: PAGE_SIZE,
            offset: (page - 1) * PAGE_SIZE,
        })
        .await?;
    let base = state.settings.base_url();
    Ok(Json(
        articles
            .into_iter()
            .map(|a| PublishedArticle {
                url: format!("{base}{}/inzichten/{}", lang.prefix(), a.slug),
                published_at: a.published_at.unwrap_or(at),
                slug: a.slug,
                lang: a.lang,
                title: a.title,
                summary: a.summary,
                theme: a.theme,
                author: a.author,
            })
            .collect(),
    ))
}

/// Someone who asked the API client's site to send them the Kompas.
#[derive(Deserialize, ToSchema)]
pub struct SubscriptionRequest {
    #[schema(min_length = 3, max_length = 254)]
    email: String,
    /// The person agreed to receive the Kompas, with the words HRnexus's own form shows
    /// (`consent_text` of this document's description).
    consent: bool,
    /// The language of the mails; `nl` when left out.
    #[serde(default)]
    #[schema(value_type = Option<super::scans::Lang>)]
    lang: Option<String>,
    /// Also a short mail when a new article appears.
    #[serde(default)]
    new_articles: bool,
    /// Also invitations to webinars and events.
    #[serde(default)]
    events: bool,
}

#[derive(Serialize, ToSchema)]
pub struct SubscriptionStarted {
    /// Always `confirmation_mailed`, whether or not the address was known: the answer never
    /// tells who is subscribed. The person is subscribed once they use the link in the mail.
    #[schema(value_type = String, pattern = "^confirmation_mailed$")]
    status: &'static str,
}

/// Starts a Kompas subscription with double opt-in: a confirmation mail goes to the address
/// and nothing is sent until the person confirms. The proof of consent records that it came
/// through this API key.
#[utoipa::path(post, path = "/v1/kompas/subscriptions", tag = "inform", operation_id = "startSubscription",
    security(("api_key" = [])), request_body = SubscriptionRequest,
    responses((status = 202, description = "A confirmation mail is on its way (the same answer for every address)", body = SubscriptionStarted),
              Unauthorized, CrossSite, BodyRejections,
              (status = 429, description = "Too many sign-ups from this address; try again in a minute", body = super::ApiError)))]
pub async fn subscribe(
    State(state): State<AppState>,
    client: ApiClient,
    ip: ClientIp,
    ApiJson(body): ApiJson<SubscriptionRequest>,
) -> Result<(StatusCode, Json<SubscriptionStarted>), WebError> {
    if !state.form_limiter.allow(&ip).await {
        return Err(WebError::TooManyRequests);
    }
    let lang = match body.lang.as_deref() {
        None | Some("nl") => Lang::Nl,
        Some("en") => Lang::En,
        Some(_) => return Err(WebError::field("lang", "must be nl or en")),
    };
    let email = EmailAddress::parse(&body.email)
        .map_err(|_| WebError::field("email", "not an e-mail address"))?;
    if !body.consent {
        return Err(WebError::field(
            "consent",
            "must be true: the person agreed to receive the Kompas",
        ));
    }
    let signup = Signup {
        email,
        lang,
        preferences: Preferences {
            new_articles: body.new_articles,
            events: body.events,
        },
        ip: ip.0,
        // What the person saw is the client's form; the proof names the words and the key.
        shown_text: format!("{} (API: {})", lang.t("kompas-consent"), client.0.name),
    };
    newsletter::sign_up(
        state.store.as_ref(),
        &state.secret,
        state.settings.base_url(),
        &signup,
        now(),
    )
    .await?;
    state.mail_wake.notify_one();
    Ok((
        StatusCode::ACCEPTED,
        Json(SubscriptionStarted {
            status: "confirmation_mailed",
        }),
    ))
}
