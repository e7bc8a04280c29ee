//! Issues of the HRnexus Kompas in the back office: the list with each issue's progress, a
//! form to write one (subject, introduction, recent articles), and on the issue's own page the
//! preview as subscribers will get it, a test mail to one address, and sending it now or at a
//! Dutch local time. While an issue is being sent its page shows sent / failed / remaining.

use askama::Template;
use askama_web::WebTemplate;
use axum::{
    Form,
    extract::{Query, State},
    http::{HeaderValue, StatusCode, header},
    response::{IntoResponse, Redirect, Response},
};
use hrnexus_core::{
    email::EmailAddress,
    issue::{IssueDraft, IssueField, IssueInput, IssueProblem, IssueState, SendMoment},
};

use super::Staff;
use crate::{
    services::{ServiceError, issues},
    storage::{Article, IssueProgress, now},
    web::{
        AppState,
        error::WebError,
        page::Page,
        security::{ClientIp, IdPath},
    },
};

pub const PATH: &str = "/beheer/kompas";

pub struct Row {
    id: i64,
    subject: String,
    lang: String,
    state: IssueState,
    send_at: Option<i64>,
    progress: IssueProgress,
}

#[derive(Template, WebTemplate)]
#[template(path = "beheer/issues.html")]
pub struct ListPage {
    p: Page,
    email: String,
    rows: Vec<Row>,
    /// Confirmed subscribers per language: (nl, en).
    readers: (i64, i64),
}

pub async fn list(
    State(state): State<AppState>,
    p: Page,
    staff: Staff,
) -> Result<ListPage, WebError> {
    let rows = issues::statuses(state.store.as_ref(), 200)
        .await?
        .into_iter()
        .map(|s| Row {
            id: s.issue.id,
            subject: s.issue.subject,
            lang: s.issue.lang,
            state: s.state,
            send_at: s.issue.send_at,
            progress: s.progress,
        })
        .collect();
    let readers = (
        state.store.confirmed_subscribers("nl").await?,
        state.store.confirmed_subscribers("en").await?,
    );
    Ok(ListPage {
        p,
        email: staff.email,
        rows,
        readers,
    })
}

/// The issue form as typed. Ticked articles arrive as repeated `artikel` fields.
#[derive(Debug, Default, Clone)]
pub struct Typed {
    lang: String,
    subject: String,
    introduction: String,
    articles: Vec<String>,
}

impl Typed {
    fn from_pairs(pairs: Vec<(String, String)>) -> Typed {
        let mut typed = Typed::default();
        for (name, value) in pairs {
            match name.as_str() {
                "lang" => typed.lang = value,
                "subject" => typed.subject = value,
                "introduction" => typed.introduction = value,
                "artikel" => typed.articles.push(value),
                _ => {}
            }
        }
        typed
    }

    fn lang(&self) -> &'static str {
        if self.lang == "en" { "en" } else { "nl" }
    }
}

/// One article the form offers.
pub struct Offered {
    id: i64,
    title: String,
    published_at: Option<i64>,
    ticked: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "beheer/issue.html")]
pub struct IssuePage {
    p: Page,
    email: String,
    id: Option<i64>,
    state: IssueState,
    send_at: Option<i64>,
    progress: IssueProgress,
    form: Typed,
    offered: Vec<Offered>,
    errors: Vec<(IssueField, String)>,
    /// The text part as subscribers will get it (saved issues only).
    text_preview: Option<String>,
    /// What was typed in the test and send forms, to show again beside an error.
    test_address: String,
    send_when: String,
    send_at_typed: String,
    /// A notice after an action (test queued, scheduled).
    notice: Option<String>,
    /// Confirmed subscribers in the issue's language: who it would go to now.
    readers: i64,
}

impl IssuePage {
    pub fn readers_line(&self) -> String {
        self.p.t_args(
            "issues-admin-goes-to",
            &[("count", self.readers.to_string())],
        )
    }

    pub fn error(&self, field: &str) -> Option<&str> {
        self.errors
            .iter()
            .find(|(f, _)| f.key() == field)
            .map(|(_, m)| m.as_str())
    }

    pub fn base(&self) -> String {
        self.p.href(PATH)
    }

    pub fn action(&self) -> String {
        match self.id {
            Some(id) => self.p.href(&format!("{PATH}/{id}")),
            None => self.p.href(&format!("{PATH}/nieuw")),
        }
    }

    pub fn sending(&self) -> bool {
        self.state == IssueState::Sending
    }

    pub fn editable(&self) -> bool {
        self.state.editable()
    }

    pub fn percent_done(&self) -> i64 {
        let total = self.progress.total.max(1);
        (self.progress.total - self.progress.remaining()) * 100 / total
    }
}

async fn offered(
    state: &AppState,
    lang: &str,
    ticked: Option<&[String]>,
) -> Result<(Vec<Offered>, Vec<i64>), WebError> {
    let articles: Vec<(Article, bool)> =
        issues::offered_articles(state.store.as_ref(), lang, now()).await?;
    let ids = articles.iter().map(|(a, _)| a.id).collect();
    let list = articles
        .into_iter()
        .map(|(a, recent)| Offered {
            ticked: match ticked {
                Some(t) => t.iter().any(|v| v == &a.id.to_string()),
                None => recent,
            },
            id: a.id,
            title: a.title,
            published_at: a.published_at,
        })
        .collect();
    Ok((list, ids))
}

fn blank(p: Page, staff: Staff, form: Typed, offered: Vec<Offered>) -> IssuePage {
    IssuePage {
        p,
        email: staff.email,
        id: None,
        state: IssueState::Draft,
        send_at: None,
        progress: IssueProgress::default(),
        form,
        offered,
        errors: Vec::new(),
        text_preview: None,
        test_address: String::new(),
        send_when: "now".into(),
        send_at_typed: String::new(),
        notice: None,
        readers: 0,
    }
}

#[derive(serde::Deserialize)]
pub struct NewQuery {
    #[serde(default)]
    taal: String,
}

pub async fn new_form(
    State(state): State<AppState>,
    p: Page,
    staff: Staff,
    Query(q): Query<NewQuery>,
) -> Result<IssuePage, WebError> {
    let lang = if q.taal == "en" { "en" } else { "nl" };
    let (offered, _) = offered(&state, lang, None).await?;
    let form = Typed {
        lang: lang.into(),
        subject: p.lang.t("issues-admin-default-subject"),
        ..Typed::default()
    };
    Ok(blank(p, staff, form, offered))
}

/// The saved issue's page, optionally with a notice, errors and typed values from an action.
async fn issue_page(
    state: &AppState,
    p: Page,
    staff: Staff,
    id: i64,
    adjust: impl FnOnce(&mut IssuePage),
) -> Result<IssuePage, WebError> {
    let status = issues::status(state.store.as_ref(), id).await?;
    let issue = &status.issue;
    let form = Typed {
        lang: issue.lang.clone(),
        subject: issue.subject.clone(),
        introduction: issue.introduction.clone(),
        articles: issue.article_ids.iter().map(|i| i.to_string()).collect(),
    };
    let (offered, _) = offered(state, form.lang(), Some(&form.articles)).await?;
    let base_url = state.settings.base_url();
    let (_, text) = issues::preview(state.store.as_ref(), base_url, id, now()).await?;
    let mut page = IssuePage {
        id: Some(id),
        state: status.state,
        send_at: issue.send_at,
        progress: status.progress,
        text_preview: Some(text),
        send_at_typed: issue
            .send_at
            .map(crate::i18n::local_input_value)
            .unwrap_or_default(),
        send_when: if issue.send_at.is_some() {
            "later"
        } else {
            "now"
        }
        .into(),
        readers: state.store.confirmed_subscribers(&issue.lang).await?,
        ..blank(p, staff, form, offered)
    };
    adjust(&mut page);
    Ok(page)
}

pub async fn show(
    State(state): State<AppState>,
    p: Page,
    staff: Staff,
    IdPath(id): IdPath,
) -> Result<IssuePage, WebError> {
    issue_page(&state, p, staff, id, |_| {}).await
}

async fn save(
    state: &AppState,
    p: Page,
    staff: Staff,
    ip: ClientIp,
    id: Option<i64>,
    form: Typed,
) -> Result<Response, WebError> {
    let (offered_list, offered_ids) = offered(state, form.lang(), Some(&form.articles)).await?;
    let input = IssueInput {
        lang: &form.lang,
        subject: &form.subject,
        introduction: &form.introduction,
        articles: &form.articles,
    };
    let problems = match IssueDraft::parse(input, &offered_ids) {
        Ok(draft) => {
            let store = state.store.as_ref();
            let saved = match id {
                None => issues::create(store, &draft, now()).await,
                Some(id) => issues::update(store, id, &draft, now()).await.map(|()| id),
            };
            match saved {
                Ok(saved) => {
                    state
                        .audit(Some(&staff.email), "issue_saved", &draft.subject, &ip)
                        .await?;
                    return Ok(Redirect::to(&p.href(&format!("{PATH}/{saved}"))).into_response());
                }
                // Sending started meanwhile: what went out cannot change.
                Err(ServiceError::Conflict) => {
                    vec![(IssueField::Subject, p.t("issues-admin-problem-started"))]
                }
                Err(e) => return Err(e.into()),
            }
        }
        Err(problems) => problems
            .iter()
            .map(|(f, problem)| (*f, p.tk("issues-admin-problem-", problem.code())))
            .collect(),
    };
    let mut page = match id {
        Some(id) => issue_page(state, p, staff, id, |_| {}).await?,
        None => blank(p, staff, Typed::default(), Vec::new()),
    };
    page.form = form;
    page.offered = offered_list;
    page.errors = problems;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
}

pub async fn create(
    State(state): State<AppState>,
    p: Page,
    staff: Staff,
    ip: ClientIp,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    save(&state, p, staff, ip, None, Typed::from_pairs(pairs)).await
}

pub async fn update(
    State(state): State<AppState>,
    p: Page,
    staff: Staff,
    ip: ClientIp,
    IdPath(id): IdPath,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    if state.store.issue(id).await?.is_none() {
        return Err(WebError::NotFound);
    }
    save(&state, p, staff, ip, Some(id), Typed::from_pairs(pairs)).await
}

/// The HTML part exactly as subscribers get it, shown in a frame on the issue's page. Its own
/// policy allows the mail's inline styles and nothing that runs.
pub async fn preview(
    State(state): State<AppState>,
    _staff: Staff,
    IdPath(id): IdPath,
) -> Result<Response, WebError> {
    let (html, _) =
        issues::preview(state.store.as_ref(), state.settings.base_url(), id, now()).await?;
    let mut response = axum::response::Html(html).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; \
             frame-ancestors 'self'; sandbox allow-popups allow-popups-to-escape-sandbox",
        ),
    );
    headers.insert(
        header::X_FRAME_OPTIONS,
        HeaderValue::from_static("SAMEORIGIN"),
    );
    Ok(response)
}

#[derive(serde::Deserialize)]
pub struct TestForm {
    #[serde(default)]
    test_address: String,
}

pub async fn send_test(
    State(state): State<AppState>,
    p: Page,
    staff: Staff,
    ip: ClientIp,
    IdPath(id): IdPath,
    Form(form): Form<TestForm>,
) -> Result<Response, WebError> {
    let typed = form.test_address;
    let Ok(to) = EmailAddress::parse(&typed) else {
        let message = p.t("issues-admin-problem-email");
        let page = issue_page(&state, p, staff, id, |page| {
            page.errors = vec![(IssueField::TestAddress, message)];
            page.test_address = typed;
        })
        .await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    };
    issues::send_test(
        state.store.as_ref(),
        state.settings.base_url(),
        id,
        &to,
        now(),
    )
    .await?;
    state.mail_wake.notify_one();
    state
        .audit(Some(&staff.email), "issue_test_sent", &id.to_string(), &ip)
        .await?;
    let notice = p.t("issues-admin-test-queued");
    let page = issue_page(&state, p, staff, id, |page| {
        page.notice = Some(notice);
        page.test_address = to.as_str().to_owned();
    })
    .await?;
    Ok(page.into_response())
}

#[derive(serde::Deserialize)]
pub struct SendForm {
    /// `now`, `later` or `draft` (take it back).
    #[serde(default)]
    when: String,
    #[serde(default)]
    send_at: String,
}

pub async fn send(
    State(state): State<AppState>,
    p: Page,
    staff: Staff,
    ip: ClientIp,
    IdPath(id): IdPath,
    Form(form): Form<SendForm>,
) -> Result<Response, WebError> {
    let at = now();
    let moment = if form.when == "draft" {
        Ok(None)
    } else {
        match SendMoment::parse(&form.when, &form.send_at) {
            Ok(SendMoment::Now) => Ok(Some(at)),
            Ok(SendMoment::At(local)) => match crate::i18n::from_netherlands(local) {
                Some(t) if t >= at - 60 => Ok(Some(t)),
                Some(_) => Err(IssueProblem::DateInPast),
                None => Err(IssueProblem::DateInvalid),
            },
            Err(problem) => Err(problem),
        }
    };
    let moment = match moment {
        Ok(m) => m,
        Err(problem) => {
            let message = p.tk("issues-admin-problem-", problem.code());
            let page = issue_page(&state, p, staff, id, |page| {
                page.errors = vec![(IssueField::SendAt, message)];
                page.send_when = form.when;
                page.send_at_typed = form.send_at;
            })
            .await?;
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
    };
    match issues::schedule(state.store.as_ref(), id, moment, at).await {
        Ok(()) => {}
        Err(ServiceError::Conflict) => {
            // Already going out: its page shows the progress.
            return Ok(Redirect::to(&p.href(&format!("{PATH}/{id}"))).into_response());
        }
        Err(e) => return Err(e.into()),
    }
    if moment.is_some_and(|t| t <= at) {
        state.issue_wake.notify_one();
    }
    let what = match moment {
        Some(t) => format!("{id} at {t}"),
        None => format!("{id} back to draft"),
    };
    state
        .audit(Some(&staff.email), "issue_scheduled", &what, &ip)
        .await?;
    Ok(Redirect::to(&p.href(&format!("{PATH}/{id}"))).into_response())
}
