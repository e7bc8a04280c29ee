//! `/contact`: "Dien je vraag in". An employer sends a question; it is checked by the core
//! (`hrnexus_core::intake`), stored with its confirmation mail in one transaction, and the
//! visitor is sent to a thank-you page. A refused form comes back (422) with a message
//! beside each wrong field and everything typed kept; nothing is stored then.
//!
//! `?dienstverlener=slug` says which provider the visitor came from; anything that is not a
//! slug is ignored. Posts are limited per IP address by the public form limiter.

use askama::Template;
use askama_web::WebTemplate;
use axum::{
    Form, Router,
    extract::{Query, State, rejection::QueryRejection},
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
    routing::get,
};
use hrnexus_core::{
    intake::{CompanySize, IntakeField, IntakeInput, IntakeRequest, ProviderSlug, Province},
    scan::advice::ServiceCategory,
};

use crate::{
    services,
    web::{AppState, error::WebError, messages, page::Page, security::ClientIp},
};

pub const PATH: &str = "/contact";
pub const THANKS_PATH: &str = "/contact/bedankt";

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(PATH, get(form).post(submit))
        .route(THANKS_PATH, get(thanks))
}

/// What the visitor typed, put back into the form.
#[derive(Debug, Default)]
pub struct Typed {
    organisation: String,
    contact_name: String,
    email: String,
    phone: String,
    kvk: String,
    company_size: String,
    province: String,
    question: String,
    categories: Vec<String>,
    consent: bool,
    /// A parsed slug only.
    provider: String,
}

impl Typed {
    fn from_pairs(pairs: Vec<(String, String)>) -> Typed {
        let mut typed = Typed::default();
        for (name, value) in pairs {
            match name.as_str() {
                "organisation" => typed.organisation = value,
                "contact_name" => typed.contact_name = value,
                "email" => typed.email = value,
                "phone" => typed.phone = value,
                "kvk" => typed.kvk = value,
                "company_size" => typed.company_size = value,
                "province" => typed.province = value,
                "question" => typed.question = value,
                // Bounded: the form has eight boxes; more is not a person typing.
                "categories" if typed.categories.len() < 32 => typed.categories.push(value),
                "consent" => typed.consent = !value.trim().is_empty(),
                "dienstverlener" => {
                    typed.provider = ProviderSlug::parse(value.trim())
                        .map(|s| s.as_str().to_owned())
                        .unwrap_or_default()
                }
                _ => {}
            }
        }
        typed
    }

    fn input(&self) -> IntakeInput<'_> {
        IntakeInput {
            organisation: &self.organisation,
            contact_name: &self.contact_name,
            email: &self.email,
            phone: &self.phone,
            kvk: &self.kvk,
            company_size: &self.company_size,
            province: &self.province,
            question: &self.question,
            categories: &self.categories,
            consent: if self.consent { "ja" } else { "" },
            provider: &self.provider,
        }
    }
}

/// A message beside each refused field.
#[derive(Debug, Default)]
pub struct Errors {
    organisation: Option<String>,
    contact_name: Option<String>,
    email: Option<String>,
    phone: Option<String>,
    kvk: Option<String>,
    company_size: Option<String>,
    province: Option<String>,
    question: Option<String>,
    categories: Option<String>,
    consent: Option<String>,
}

impl Errors {
    fn any(&self) -> bool {
        [
            &self.organisation,
            &self.contact_name,
            &self.email,
            &self.phone,
            &self.kvk,
            &self.company_size,
            &self.province,
            &self.question,
            &self.categories,
            &self.consent,
        ]
        .iter()
        .any(|e| e.is_some())
    }
}

/// One option of a choice: value, label, chosen.
pub struct Choice {
    value: &'static str,
    label: String,
    chosen: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "contact/form.html")]
pub struct ContactPage {
    p: Page,
    form: Typed,
    errors: Errors,
    sizes: Vec<Choice>,
    provinces: Vec<Choice>,
    categories: Vec<Choice>,
    max_question: usize,
}

#[derive(Template, WebTemplate)]
#[template(path = "contact/thanks.html")]
pub struct ThanksPage {
    p: Page,
}

fn size_label_key(size: CompanySize) -> &'static str {
    match size {
        CompanySize::One => "contact-size-1",
        CompanySize::From2To9 => "contact-size-2-9",
        CompanySize::From10To49 => "contact-size-10-49",
        CompanySize::From50To249 => "contact-size-50-249",
        CompanySize::From250 => "contact-size-250-plus",
    }
}

impl ContactPage {
    fn new(p: Page, form: Typed, errors: Errors) -> ContactPage {
        let sizes = CompanySize::ALL
            .into_iter()
            .map(|s| Choice {
                value: s.key(),
                label: p.t(size_label_key(s)),
                chosen: form.company_size == s.key(),
            })
            .collect();
        let provinces = Province::ALL
            .into_iter()
            .map(|pr| Choice {
                value: pr.key(),
                label: p.tk("contact-province-", pr.key()),
                chosen: form.province == pr.key(),
            })
            .collect();
        let categories = ServiceCategory::ALL
            .into_iter()
            .map(|c| Choice {
                value: c.key(),
                label: p.tk("autonomie-scan-category-", c.key()),
                chosen: form.categories.iter().any(|v| v == c.key()),
            })
            .collect();
        ContactPage {
            p,
            form,
            errors,
            sizes,
            provinces,
            categories,
            max_question: hrnexus_core::intake::MAX_QUESTION_CHARS,
        }
    }
}

#[derive(serde::Deserialize)]
pub struct ContactQuery {
    #[serde(default)]
    dienstverlener: String,
}

pub async fn form(p: Page, query: Result<Query<ContactQuery>, QueryRejection>) -> ContactPage {
    // A query that does not parse is ignored like a slug that does not.
    let provider = query
        .ok()
        .and_then(|Query(q)| ProviderSlug::parse(q.dienstverlener.trim()))
        .map(|s| s.as_str().to_owned())
        .unwrap_or_default();
    let form = Typed {
        provider,
        ..Typed::default()
    };
    ContactPage::new(p, form, Errors::default())
}

pub async fn submit(
    State(state): State<AppState>,
    p: Page,
    ip: ClientIp,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    if !state.form_limiter.allow(&ip) {
        return Err(WebError::TooManyRequests);
    }
    let typed = Typed::from_pairs(pairs);
    let request = match IntakeRequest::parse(typed.input()) {
        Ok(request) => request,
        Err(problems) => {
            let mut errors = Errors::default();
            for (field, problem) in problems.iter() {
                let message = Some(messages::intake_problem(p.lang, *field, problem));
                match field {
                    IntakeField::Organisation => errors.organisation = message,
                    IntakeField::ContactName => errors.contact_name = message,
                    IntakeField::Email => errors.email = message,
                    IntakeField::Phone => errors.phone = message,
                    IntakeField::Kvk => errors.kvk = message,
                    IntakeField::CompanySize => errors.company_size = message,
                    IntakeField::Province => errors.province = message,
                    IntakeField::Question => errors.question = message,
                    IntakeField::Categories => errors.categories = message,
                    IntakeField::Consent => errors.consent = message,
                }
            }
            let page = ContactPage::new(p, typed, errors);
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
    };
    services::intake::submit_intake(&*state.store, &request, p.lang).await?;
    state.mail_wake.notify_one();
    Ok(Redirect::to(&p.href(THANKS_PATH)).into_response())
}

pub async fn thanks(p: Page) -> ThanksPage {
    ThanksPage { p }
}
