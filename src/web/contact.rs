//! `/contact`: "Dien je vraag in". An employer sends a question; it is checked by the core
//! (`hrnexus_core::intake`), stored with its confirmation mail in one transaction, and the
//! visitor is sent to a thank-you page. A refused form comes back (422) with a message
//! beside each wrong field and everything typed kept; nothing is stored then.
//!
//! `?dienstverlener=slug` says which provider the visitor came from; `?aspect=…&categorie=…`
//! (from a scan's "vraag hulp") pre-fill the aspects that need work and the categories that
//! fit them. Anything that is not a known key is ignored.
//!
//! Anti-automation without third-party captchas: posts are limited per source address, a
//! field hidden from people must stay empty, and every form carries a stamp signed with the
//! server secret saying when it was handed out. A form posted within seconds, or with a
//! filled trap field, gets the thank-you page and nothing is stored (a bot learns nothing);
//! a stamp that is missing, forged or days old brings the form back with a fresh one. The
//! stamp's random part also makes a double submit store one intake.

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
    scan::{advice::ServiceCategory, aspect::Aspect},
    token::UrlToken,
};

use crate::{
    auth,
    secret::{Purpose, ServerSecret},
    services,
    storage::{IntakeExtras, now},
    web::{AppState, error::WebError, messages, page::Page, security::ClientIp},
};

/// A person needs longer than this to fill in the form.
const MIN_FILL_SECONDS: i64 = 3;
/// A stamp older than this is refused (the form is handed out again).
const MAX_STAMP_AGE_SECONDS: i64 = 24 * 60 * 60;

/// A stamp handed out at `at`: `nonce.issued_at.mac` (public for tests, which need an old one).
pub fn stamp(secret: &ServerSecret, at: i64) -> String {
    let body = format!("{}.{at}", auth::random_token());
    let mac = secret.keyed_hash(Purpose::ContactForm, body.as_bytes());
    format!("{body}.{}", &mac[..32])
}

/// Compares without stopping at the first difference, so timing tells nothing about how
/// much of a forged MAC was right.
fn same_bytes(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// What a posted stamp says.
#[derive(Debug, PartialEq, Eq)]
enum Stamp {
    /// Genuine and old enough: the hash of its nonce identifies this form.
    Good { nonce_hash: String },
    /// Genuine but posted faster than a person can.
    TooFast,
    /// Missing, forged, or too old.
    Bad,
}

fn check_stamp(secret: &ServerSecret, raw: &str, at: i64) -> Stamp {
    let mut parts = raw.splitn(3, '.');
    let (Some(nonce), Some(issued), Some(mac)) = (parts.next(), parts.next(), parts.next()) else {
        return Stamp::Bad;
    };
    let (Ok(nonce), Ok(issued)) = (UrlToken::parse(nonce), issued.parse::<i64>()) else {
        return Stamp::Bad;
    };
    let body = format!("{}.{issued}", nonce.as_str());
    let expected = secret.keyed_hash(Purpose::ContactForm, body.as_bytes());
    if !same_bytes(&expected.as_bytes()[..32], mac.as_bytes()) {
        return Stamp::Bad;
    }
    let age = at - issued;
    if !(0..=MAX_STAMP_AGE_SECONDS).contains(&age) {
        Stamp::Bad
    } else if age < MIN_FILL_SECONDS {
        Stamp::TooFast
    } else {
        Stamp::Good {
            nonce_hash: auth::token_hash(nonce.as_str()),
        }
    }
}

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
    sector: String,
    urgency: String,
    consent: bool,
    /// A parsed slug only.
    provider: String,
    /// Known aspect keys only (pre-filled from a scan).
    aspects: Vec<String>,
    /// The form's stamp, as posted (checked before use).
    stamp: String,
    /// The trap field people never see.
    trap: String,
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
                "sector" => typed.sector = value,
                "urgency" => typed.urgency = value,
                // Bounded: the form has eight boxes; more is not a person typing.
                "categories" if typed.categories.len() < 32 => typed.categories.push(value),
                "consent" => typed.consent = !value.trim().is_empty(),
                "dienstverlener" => {
                    typed.provider = ProviderSlug::parse(value.trim())
                        .map(|s| s.as_str().to_owned())
                        .unwrap_or_default()
                }
                "aspect" => typed.add_aspect(&value),
                "formulier" => typed.stamp = value,
                "website" => typed.trap = value,
                _ => {}
            }
        }
        typed
    }

    fn add_aspect(&mut self, value: &str) {
        if let Some(aspect) = Aspect::from_key(value.trim())
            && !self.aspects.iter().any(|a| a == aspect.key())
        {
            self.aspects.push(aspect.key().to_owned());
        }
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
            sector: &self.sector,
            urgency: &self.urgency,
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
    sector: Option<String>,
    urgency: Option<String>,
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
            &self.sector,
            &self.urgency,
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
    sectors: Vec<Choice>,
    max_question: usize,
    /// A fresh stamp for the next post.
    stamp: String,
    /// The pre-filled aspects: (key, label).
    aspects: Vec<(String, String)>,
    /// The form came back because its stamp was missing or old.
    stamp_problem: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "contact/thanks.html")]
pub struct ThanksPage {
    p: Page,
}

fn size_label_key(size: CompanySize) -> &'static str {
    match size {
        CompanySize::One => "contact-size-1",
        CompanySize::Micro => "contact-size-2-9",
        CompanySize::Small => "contact-size-10-49",
        CompanySize::Medium => "contact-size-50-249",
        CompanySize::Large => "contact-size-250-plus",
    }
}

impl ContactPage {
    pub fn urgent(&self) -> bool {
        self.form.urgency == "high"
    }

    fn new(p: Page, form: Typed, errors: Errors, stamp: String) -> ContactPage {
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
        let sectors = hrnexus_core::intake::Sector::ALL
            .into_iter()
            .map(|s| Choice {
                value: s.key(),
                label: p.tk("sector-", s.key()),
                chosen: form.sector == s.key(),
            })
            .collect();
        let aspects = form
            .aspects
            .iter()
            .map(|k| (k.clone(), p.tk("results-aspect-", k)))
            .collect();
        ContactPage {
            p,
            form,
            errors,
            sizes,
            provinces,
            categories,
            sectors,
            max_question: hrnexus_core::intake::MAX_QUESTION_CHARS,
            stamp,
            aspects,
            stamp_problem: false,
        }
    }
}

pub async fn form(
    State(state): State<AppState>,
    p: Page,
    query: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> ContactPage {
    // A query that does not parse is ignored like a key that does not.
    let mut form = Typed::default();
    for (name, value) in query
        .map(|Query(q)| q)
        .unwrap_or_default()
        .into_iter()
        .take(64)
    {
        match name.as_str() {
            "dienstverlener" => {
                form.provider = ProviderSlug::parse(value.trim())
                    .map(|s| s.as_str().to_owned())
                    .unwrap_or_default()
            }
            "aspect" => form.add_aspect(&value),
            "categorie" => {
                if let Some(c) = ServiceCategory::from_key(value.trim())
                    && !form.categories.iter().any(|v| v == c.key())
                {
                    form.categories.push(c.key().to_owned());
                }
            }
            _ => {}
        }
    }
    ContactPage::new(p, form, Errors::default(), stamp(&state.secret, now()))
}

pub async fn submit(
    State(state): State<AppState>,
    p: Page,
    ip: ClientIp,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    if !state.form_limiter.allow(&ip).await {
        return Err(WebError::TooManyRequests);
    }
    let typed = Typed::from_pairs(pairs);
    let at = now();
    let nonce_hash = match check_stamp(&state.secret, &typed.stamp, at) {
        _ if !typed.trap.is_empty() => {
            return Ok(Redirect::to(&p.href(THANKS_PATH)).into_response());
        }
        Stamp::TooFast => return Ok(Redirect::to(&p.href(THANKS_PATH)).into_response()),
        Stamp::Bad => {
            let mut page = ContactPage::new(p, typed, Errors::default(), stamp(&state.secret, at));
            page.stamp_problem = true;
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
        Stamp::Good { nonce_hash } => nonce_hash,
    };
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
                    IntakeField::Sector => errors.sector = message,
                    IntakeField::Urgency => errors.urgency = message,
                    IntakeField::Consent => errors.consent = message,
                }
            }
            // The same stamp goes back: the person's time on the form keeps counting.
            let stamp = typed.stamp.clone();
            let page = ContactPage::new(p, typed, errors, stamp);
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
    };
    let extras = IntakeExtras {
        aspects: typed.aspects.clone(),
        form_nonce: Some(nonce_hash),
    };
    // A second submit of the same form stores nothing and gets the same thank-you page.
    services::intake::submit_intake(&*state.store, &request, &extras, p.lang).await?;
    state.mail_wake.notify_one();
    Ok(Redirect::to(&p.href(THANKS_PATH)).into_response())
}

pub async fn thanks(p: Page) -> ThanksPage {
    ThanksPage { p }
}
