//! Providers in the back office: the list, a form to add or change one (every wrong field
//! named beside it, what was typed kept), and a CSV upload with a report per row. The
//! checks are the core's (`ProviderDraft::parse`); saving is the services'.

use askama::Template;
use askama_web::WebTemplate;
use axum::{
    Form,
    extract::{Multipart, State},
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
};
use hrnexus_core::provider::{
    Availability, CompanySize, ProviderDraft, ProviderField, ProviderInput, ProviderProblem,
    Province, ServiceCategory,
};

use super::Staff;
use crate::{
    services::{
        ServiceError,
        providers::{self, ImportError, ImportRow, Saved},
    },
    storage::{Provider, ProviderFilter},
    web::{
        AppState,
        error::WebError,
        page::Page,
        security::{ClientIp, IdPath},
    },
};

pub const PATH: &str = "/beheer/dienstverleners";

/// A row of the import report, worded.
pub struct ReportRow {
    line: usize,
    ok: bool,
    text: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "beheer/providers.html")]
pub struct ListPage {
    p: Page,
    email: String,
    providers: Vec<Provider>,
    report: Vec<ReportRow>,
    import_error: Option<String>,
}

pub async fn list(
    State(state): State<AppState>,
    p: Page,
    staff: Staff,
) -> Result<ListPage, WebError> {
    list_page(&state, p, staff, Vec::new(), None).await
}

async fn list_page(
    state: &AppState,
    p: Page,
    staff: Staff,
    report: Vec<ReportRow>,
    import_error: Option<String>,
) -> Result<ListPage, WebError> {
    Ok(ListPage {
        providers: state.store.providers(&ProviderFilter::default()).await?,
        email: staff.email,
        p,
        report,
        import_error,
    })
}

/// The form's values as typed (lists as the boxes ticked).
#[derive(Debug, Default, Clone)]
pub struct Typed {
    values: Vec<(ProviderField, String)>,
}

impl Typed {
    fn get(&self, field: ProviderField) -> &str {
        self.values
            .iter()
            .find(|(f, _)| *f == field)
            .map_or("", |(_, v)| v.as_str())
    }

    fn input(&self) -> ProviderInput<'_> {
        ProviderInput {
            organisation: self.get(ProviderField::Organisation),
            slug: self.get(ProviderField::Slug),
            kvk: self.get(ProviderField::Kvk),
            description: self.get(ProviderField::Description),
            categories: self.get(ProviderField::Categories),
            provinces: self.get(ProviderField::Provinces),
            sizes: self.get(ProviderField::Sizes),
            certifications: self.get(ProviderField::Certifications),
            languages: self.get(ProviderField::Languages),
            capacity: self.get(ProviderField::Capacity),
            availability: self.get(ProviderField::Availability),
            contact_email: self.get(ProviderField::ContactEmail),
        }
    }

    fn from_pairs(pairs: Vec<(String, String)>) -> Typed {
        Typed {
            values: providers::form_values_from_pairs(pairs),
        }
    }

    fn of(provider: &Provider) -> Typed {
        Typed {
            values: providers::form_values(provider),
        }
    }
}

/// One checkbox of a list field.
pub struct Choice {
    value: &'static str,
    label: String,
    chosen: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "beheer/provider_form.html")]
pub struct FormPage {
    p: Page,
    email: String,
    /// `None` for a new provider.
    id: Option<i64>,
    form: Typed,
    errors: Vec<(ProviderField, String)>,
    categories: Vec<Choice>,
    provinces: Vec<Choice>,
    sizes: Vec<Choice>,
    /// Addresses with access to this provider's portal (existing providers only).
    accounts: Vec<String>,
    account_email: String,
    account_error: Option<String>,
}

impl FormPage {
    fn new(
        p: Page,
        email: String,
        id: Option<i64>,
        form: Typed,
        errors: Vec<(ProviderField, String)>,
    ) -> Self {
        let chosen =
            |field: ProviderField, key: &str| form.get(field).split(',').any(|v| v.trim() == key);
        let categories = ServiceCategory::ALL
            .into_iter()
            .map(|c| Choice {
                value: c.key(),
                label: p.tk("autonomie-scan-category-", c.key()),
                chosen: chosen(ProviderField::Categories, c.key()),
            })
            .collect();
        let provinces = Province::ALL
            .into_iter()
            .map(|c| Choice {
                value: c.key(),
                label: p.tk("contact-province-", c.key()),
                chosen: chosen(ProviderField::Provinces, c.key()),
            })
            .collect();
        let sizes = CompanySize::ALL
            .into_iter()
            .map(|c| Choice {
                value: c.key(),
                label: p.tk("contact-size-", c.key()),
                chosen: chosen(ProviderField::Sizes, c.key()),
            })
            .collect();
        FormPage {
            p,
            email,
            id,
            form,
            errors,
            categories,
            provinces,
            sizes,
            accounts: Vec::new(),
            account_email: String::new(),
            account_error: None,
        }
    }

    pub fn value(&self, field: &str) -> &str {
        ProviderField::from_key(field).map_or("", |f| self.form.get(f))
    }

    pub fn error(&self, field: &str) -> Option<&str> {
        let field = ProviderField::from_key(field)?;
        self.errors
            .iter()
            .find(|(f, _)| *f == field)
            .map(|(_, m)| m.as_str())
    }

    /// The checkbox lists, with their field names.
    pub fn groups(&self) -> [(&'static str, &[Choice]); 3] {
        [
            ("categories", &self.categories),
            ("provinces", &self.provinces),
            ("sizes", &self.sizes),
        ]
    }

    pub fn paused(&self) -> bool {
        self.form.get(ProviderField::Availability) == Availability::Paused.key()
    }

    pub fn action(&self) -> String {
        match self.id {
            Some(id) => self.p.href(&format!("{PATH}/{id}")),
            None => self.p.href(&format!("{PATH}/nieuw")),
        }
    }
}

fn problem_words(p: &Page, field: ProviderField, problem: &ProviderProblem) -> String {
    let base = p.tk("provider-problem-", problem.code());
    match problem {
        ProviderProblem::Unknown(value) => format!("{base}: {value}"),
        _ => {
            let _ = field;
            base
        }
    }
}

pub async fn new_form(p: Page, staff: Staff) -> FormPage {
    let form = Typed {
        values: vec![
            (ProviderField::Capacity, "3".into()),
            (
                ProviderField::Availability,
                Availability::Accepting.key().into(),
            ),
            (ProviderField::Languages, "Nederlands".into()),
        ],
    };
    FormPage::new(p, staff.email, None, form, Vec::new())
}

pub async fn edit_form(
    State(state): State<AppState>,
    p: Page,
    staff: Staff,
    IdPath(id): IdPath,
) -> Result<FormPage, WebError> {
    let provider = state
        .store
        .provider_by_id(id)
        .await?
        .ok_or(WebError::NotFound)?;
    let mut page = FormPage::new(p, staff.email, Some(id), Typed::of(&provider), Vec::new());
    page.accounts = account_emails(&state, id).await?;
    Ok(page)
}

async fn account_emails(state: &AppState, provider_id: i64) -> Result<Vec<String>, WebError> {
    Ok(state
        .store
        .provider_accounts(provider_id)
        .await?
        .into_iter()
        .map(|a| a.email)
        .collect())
}

#[derive(serde::Deserialize)]
pub struct AccountForm {
    #[serde(default)]
    email: String,
}

/// Gives an address access to this provider's portal (it signs in with a mailed link).
pub async fn add_account(
    State(state): State<AppState>,
    p: Page,
    staff: Staff,
    ip: ClientIp,
    IdPath(id): IdPath,
    Form(form): Form<AccountForm>,
) -> Result<Response, WebError> {
    let provider = state
        .store
        .provider_by_id(id)
        .await?
        .ok_or(WebError::NotFound)?;
    let problem = match hrnexus_core::email::EmailAddress::parse(&form.email) {
        Err(_) => Some(p.t("provider-problem-email")),
        Ok(email) => match state.store.create_provider_account(id, &email).await {
            Ok(_) => {
                state
                    .audit(
                        Some(&staff.email),
                        "provider_account_added",
                        email.as_str(),
                        &ip,
                    )
                    .await?;
                None
            }
            Err(crate::storage::StorageError::Conflict) => Some(p.t("provider-account-taken")),
            Err(e) => return Err(e.into()),
        },
    };
    match problem {
        None => Ok(Redirect::to(&p.href(&format!("{PATH}/{id}"))).into_response()),
        Some(message) => {
            let mut page =
                FormPage::new(p, staff.email, Some(id), Typed::of(&provider), Vec::new());
            page.accounts = account_emails(&state, id).await?;
            page.account_email = form.email;
            page.account_error = Some(message);
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
    }
}

async fn save(
    state: &AppState,
    p: Page,
    staff: Staff,
    ip: ClientIp,
    id: Option<i64>,
    pairs: Vec<(String, String)>,
) -> Result<Response, WebError> {
    let typed = Typed::from_pairs(pairs);
    let draft = match ProviderDraft::parse(typed.input()) {
        Ok(draft) => draft,
        Err(problems) => {
            let errors = problems
                .iter()
                .map(|(f, problem)| (*f, problem_words(&p, *f, problem)))
                .collect();
            let page = FormPage::new(p, staff.email, id, typed, errors);
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
    };
    let slug = draft.slug.as_str().to_owned();
    let saved = match id {
        None => providers::create(state.store.as_ref(), draft).await,
        Some(id) => providers::update(state.store.as_ref(), id, draft)
            .await
            .map(|()| id),
    };
    match saved {
        Ok(saved_id) => {
            state
                .audit(Some(&staff.email), "provider_saved", &slug, &ip)
                .await?;
            Ok(Redirect::to(&p.href(&format!("{PATH}/{saved_id}"))).into_response())
        }
        Err(ServiceError::Conflict) => {
            let errors = vec![(
                ProviderField::Slug,
                p.tk("provider-problem-", ProviderProblem::Taken.code()),
            )];
            let page = FormPage::new(p, staff.email, id, typed, errors);
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn create(
    State(state): State<AppState>,
    p: Page,
    staff: Staff,
    ip: ClientIp,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    save(&state, p, staff, ip, None, pairs).await
}

pub async fn update(
    State(state): State<AppState>,
    p: Page,
    staff: Staff,
    ip: ClientIp,
    IdPath(id): IdPath,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    if state.store.provider_by_id(id).await?.is_none() {
        return Err(WebError::NotFound);
    }
    save(&state, p, staff, ip, Some(id), pairs).await
}

/// Words one row of an import report.
pub fn report_row(p: &Page, row: &ImportRow) -> ReportRow {
    match &row.outcome {
        Ok((slug, saved)) => ReportRow {
            line: row.line,
            ok: true,
            text: match saved {
                Saved::Created(_) => p.t_args("provider-import-created", &[("slug", slug.clone())]),
                Saved::Updated(_) => p.t_args("provider-import-updated", &[("slug", slug.clone())]),
            },
        },
        Err(problems) => ReportRow {
            line: row.line,
            ok: false,
            text: problems
                .iter()
                .map(|(f, problem)| format!("{}: {}", f.key(), problem_words(p, *f, problem)))
                .collect::<Vec<_>>()
                .join("; "),
        },
    }
}

pub fn import_error_words(p: &Page, error: &ImportError) -> String {
    match error {
        ImportError::Unreadable(why) => {
            p.t_args("provider-import-unreadable", &[("why", why.clone())])
        }
        ImportError::MissingColumns(columns) => p.t_args(
            "provider-import-missing-columns",
            &[("columns", columns.join(", "))],
        ),
        ImportError::TooManyRows => p.t_args(
            "provider-import-too-many",
            &[("max", providers::MAX_IMPORT_ROWS.to_string())],
        ),
    }
}

/// The CSV upload: every row checked and saved on its own, a report per row.
pub async fn import(
    State(state): State<AppState>,
    p: Page,
    staff: Staff,
    ip: ClientIp,
    mut multipart: Multipart,
) -> Result<Response, WebError> {
    let mut bytes: Option<Vec<u8>> = None;
    while let Ok(Some(field)) = multipart.next_field().await {
        if field.name() == Some("bestand") {
            match field.bytes().await {
                Ok(b) => bytes = Some(b.to_vec()),
                Err(_) => {
                    return Err(WebError::Refused {
                        status: StatusCode::PAYLOAD_TOO_LARGE,
                        code: "too_large",
                        message: "the file is larger than the body limit".into(),
                    });
                }
            }
        }
    }
    let Some(bytes) = bytes.filter(|b| !b.is_empty()) else {
        let message = Some(p.t("provider-import-no-file"));
        let page = list_page(&state, p, staff, Vec::new(), message).await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    };
    let rows = match providers::read_csv(&bytes) {
        Ok(rows) => rows,
        Err(e) => {
            let message = Some(import_error_words(&p, &e));
            let page = list_page(&state, p, staff, Vec::new(), message).await?;
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
    };
    let report = providers::import(state.store.as_ref(), rows, |_| {}).await?;
    let saved = report.iter().filter(|r| r.outcome.is_ok()).count();
    state
        .audit(
            Some(&staff.email),
            "providers_imported",
            &format!("{saved}/{}", report.len()),
            &ip,
        )
        .await?;
    let rows = report.iter().map(|r| report_row(&p, r)).collect();
    Ok(list_page(&state, p, staff, rows, None)
        .await?
        .into_response())
}
