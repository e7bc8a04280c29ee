//! Articles (Inzichten) in the back office: the list with each article's state (draft,
//! scheduled, published), and one form to write or change an article in Markdown, with a
//! preview rendered and sanitised exactly as visitors will see it, before saving.

use askama::Template;
use askama_web::WebTemplate;
use axum::{
    Form,
    extract::State,
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
};
use hrnexus_core::content::{ArticleDraft, ArticleField, ArticleInput, Publication};

use super::Staff;
use crate::{
    services::{ServiceError, articles},
    storage::{Article, now},
    web::{
        AppState,
        error::WebError,
        page::Page,
        security::{ClientIp, IdPath},
    },
};

pub const PATH: &str = "/beheer/artikelen";

/// A row of the list.
pub struct Row {
    id: i64,
    title: String,
    lang: String,
    /// draft | scheduled | published
    state: &'static str,
    published_at: Option<i64>,
}

#[derive(Template, WebTemplate)]
#[template(path = "beheer/articles.html")]
pub struct ListPage {
    p: Page,
    email: String,
    rows: Vec<Row>,
}

pub async fn list(
    State(state): State<AppState>,
    p: Page,
    staff: Staff,
) -> Result<ListPage, WebError> {
    let at = now();
    let rows = state
        .store
        .all_articles(500)
        .await?
        .into_iter()
        .map(|a| Row {
            id: a.id,
            state: Publication::of(a.published_at, at).code(),
            title: a.title,
            lang: a.lang,
            published_at: a.published_at,
        })
        .collect();
    Ok(ListPage {
        p,
        email: staff.email,
        rows,
    })
}

/// The form's values as typed.
#[derive(Debug, Default, Clone, serde::Deserialize)]
pub struct Typed {
    #[serde(default)]
    lang: String,
    #[serde(default)]
    slug: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    summary: String,
    #[serde(default)]
    body: String,
    #[serde(default)]
    theme: String,
    #[serde(default)]
    author: String,
    #[serde(default)]
    publish: String,
    #[serde(default)]
    publish_at: String,
    /// `voorbeeld` shows the preview; anything else saves.
    #[serde(default)]
    actie: String,
}

impl Typed {
    fn input(&self) -> ArticleInput<'_> {
        ArticleInput {
            lang: &self.lang,
            slug: &self.slug,
            title: &self.title,
            summary: &self.summary,
            body: &self.body,
            theme: &self.theme,
            author: &self.author,
            publish: &self.publish,
            publish_at: &self.publish_at,
        }
    }

    fn of(a: &Article, at: i64) -> Typed {
        let publish = match Publication::of(a.published_at, at).code() {
            "published" => "now",
            "scheduled" => "scheduled",
            _ => "draft",
        };
        Typed {
            lang: a.lang.clone(),
            slug: a.slug.clone(),
            title: a.title.clone(),
            summary: a.summary.clone(),
            body: a.body_markdown.clone(),
            theme: a.theme.clone(),
            author: a.author.clone(),
            publish: publish.to_owned(),
            publish_at: a
                .published_at
                .filter(|_| publish == "scheduled")
                .map(crate::i18n::local_input_value)
                .unwrap_or_default(),
            actie: String::new(),
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "beheer/article_form.html")]
pub struct FormPage {
    p: Page,
    email: String,
    id: Option<i64>,
    form: Typed,
    errors: Vec<(ArticleField, String)>,
    /// The body as visitors will see it (sanitised HTML), when a preview was asked for.
    preview: Option<String>,
}

impl FormPage {
    pub fn error(&self, field: &str) -> Option<&str> {
        self.errors
            .iter()
            .find(|(f, _)| f.key() == field)
            .map(|(_, m)| m.as_str())
    }

    pub fn action(&self) -> String {
        match self.id {
            Some(id) => self.p.href(&format!("{PATH}/{id}")),
            None => self.p.href(&format!("{PATH}/nieuw")),
        }
    }

    /// The one-line fields: name, value as typed, most characters.
    pub fn text_fields(&self) -> [(&'static str, &str, usize); 5] {
        use hrnexus_core::content::{MAX_LABEL_CHARS, MAX_SUMMARY_CHARS, MAX_TITLE_CHARS};
        [
            ("title", &self.form.title, MAX_TITLE_CHARS),
            (
                "slug",
                &self.form.slug,
                hrnexus_core::content::ArticleSlug::MAX_LEN,
            ),
            ("summary", &self.form.summary, MAX_SUMMARY_CHARS),
            ("theme", &self.form.theme, MAX_LABEL_CHARS),
            ("author", &self.form.author, MAX_LABEL_CHARS),
        ]
    }

    pub fn publish_is(&self, value: &str) -> bool {
        self.form.publish == value || (self.form.publish.is_empty() && value == "draft")
    }
}

pub async fn new_form(p: Page, staff: Staff) -> FormPage {
    let form = Typed {
        lang: p.lang.code().to_owned(),
        author: "Redactie HRnexus".into(),
        ..Typed::default()
    };
    FormPage {
        p,
        email: staff.email,
        id: None,
        form,
        errors: Vec::new(),
        preview: None,
    }
}

pub async fn edit_form(
    State(state): State<AppState>,
    p: Page,
    staff: Staff,
    IdPath(id): IdPath,
) -> Result<FormPage, WebError> {
    let article = state
        .store
        .article_by_id(id)
        .await?
        .ok_or(WebError::NotFound)?;
    Ok(FormPage {
        form: Typed::of(&article, now()),
        p,
        email: staff.email,
        id: Some(id),
        errors: Vec::new(),
        preview: None,
    })
}

async fn save(
    state: &AppState,
    p: Page,
    staff: Staff,
    ip: ClientIp,
    id: Option<i64>,
    form: Typed,
) -> Result<Response, WebError> {
    let page = |p: Page, form: Typed, errors, preview| FormPage {
        p,
        email: staff.email.clone(),
        id,
        form,
        errors,
        preview,
    };
    let draft = match ArticleDraft::parse(form.input()) {
        Ok(draft) => draft,
        Err(problems) => {
            let errors = problems
                .iter()
                .map(|(f, problem)| (*f, p.tk("article-problem-", problem.code())))
                .collect();
            let shown = page(p, form, errors, None);
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, shown).into_response());
        }
    };
    if form.actie == "voorbeeld" {
        // Nothing is stored: the page shows what visitors would see.
        let preview = Some(articles::render_markdown(&draft.body));
        return Ok(page(p, form, Vec::new(), preview).into_response());
    }
    let title = draft.title.clone();
    let saved = match id {
        None => articles::create(state.store.as_ref(), draft, now()).await,
        Some(id) => articles::update(state.store.as_ref(), id, draft, now())
            .await
            .map(|()| id),
    };
    match saved {
        Ok(saved) => {
            // Visitors of this instance see the change at once (others within seconds).
            state.article_pages.clear();
            state
                .audit(Some(&staff.email), "article_saved", &title, &ip)
                .await?;
            Ok(Redirect::to(&p.href(&format!("{PATH}/{saved}"))).into_response())
        }
        Err(ServiceError::Conflict) => {
            let errors = vec![(ArticleField::Slug, p.t("article-problem-taken"))];
            let shown = page(p, form, errors, None);
            Ok((StatusCode::UNPROCESSABLE_ENTITY, shown).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn create(
    State(state): State<AppState>,
    p: Page,
    staff: Staff,
    ip: ClientIp,
    Form(form): Form<Typed>,
) -> Result<Response, WebError> {
    save(&state, p, staff, ip, None, form).await
}

pub async fn update(
    State(state): State<AppState>,
    p: Page,
    staff: Staff,
    ip: ClientIp,
    IdPath(id): IdPath,
    Form(form): Form<Typed>,
) -> Result<Response, WebError> {
    if state.store.article_by_id(id).await?.is_none() {
        return Err(WebError::NotFound);
    }
    save(&state, p, staff, ip, Some(id), form).await
}
