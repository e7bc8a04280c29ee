//! `/scan/{token}`: an employee answers a scan, anonymously, without an account.
//!
//! The token is an invite (single use) or a scan's shared link. It is looked up by its hash
//! and never logged or stored with the answers; the thank-you page has no token in its path,
//! so the link does not stay in the browser history of that page either. Every page here is
//! in the scan's language, whatever the path says, unless the employee chose the other one
//! with the switch in the slim header (`?taal=en`, kept by the form's hidden field and the
//! redirect to the thank-you page); every page is sent with `Cache-Control: no-store`.
//! These pages have their own slim layout (no site menu) and small stylesheet.
//!
//! What an answer writes about its link is only a keyed hash under the server secret (see
//! `crate::secret`). A personal link never tells whether it was used: it shows the form
//! until the round closes and a second answer through it ends at the same thank-you page
//! without being stored, so whoever holds the links cannot learn who answered. A shared
//! link takes one answer per browser (a cookie); a second visit says thanks.

use askama::Template;
use askama_web::WebTemplate;
use axum::{
    Form, Router,
    extract::{Path, RawQuery, State, rejection::PathRejection},
    http::{StatusCode, header},
    response::{IntoResponse, Redirect, Response},
    routing::get,
};
use chrono::NaiveDate;
use hrnexus_core::scan::{
    AnonymityPolicy, Answer, Aspect, FieldError, FormField, Response as ScanResponse,
    ResponseErrors, Signal,
};
use hrnexus_core::token::UrlToken;

use crate::{
    auth,
    i18n::Lang,
    services::answers,
    storage::{Department, ScanEntry, SubmitOutcome},
    web::{AppState, error::WebError, page::Page, security::ClientIp},
};

/// The thank-you page: deliberately without the token.
const THANKS: &str = "/scan/bedankt";
/// Hidden field of shared-link forms: a random id whose hash keeps a double submit single.
const FIELD_FORM_ID: &str = "formulier";
/// The language the employee chose (`nl` or `en`), as a query parameter of the token page
/// (`?taal=en`) and a hidden field of its form: no cookie, and the token goes nowhere new
/// (the switch is a link relative to the page itself).
const FIELD_LANG: &str = "taal";

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(THANKS, get(thanks))
        .route("/scan/{token}", get(show).post(submit))
}

fn scan_lang(code: &str) -> Lang {
    match code {
        "en" => Lang::En,
        _ => Lang::Nl,
    }
}

/// The page in the scan's language (or the one the employee chose), wherever the visitor
/// came in.
fn in_lang(mut p: Page, lang: Lang) -> Page {
    p.lang = lang;
    p
}

fn parse_lang(code: &str) -> Option<Lang> {
    match code.trim() {
        "nl" => Some(Lang::Nl),
        "en" => Some(Lang::En),
        _ => None,
    }
}

/// The language chosen with the switch: the form's hidden field, else the query parameter.
/// Anything else than `nl` or `en` is no choice.
fn chosen_lang(query: Option<&str>, fields: &[(String, String)]) -> Option<Lang> {
    let from_query = query.and_then(|q| {
        q.split('&')
            .filter_map(|pair| pair.split_once('='))
            .find(|(k, _)| *k == FIELD_LANG)
            .map(|(_, v)| v)
    });
    sent(fields, FIELD_LANG)
        .and_then(parse_lang)
        .or_else(|| from_query.and_then(parse_lang))
}

/// The link in the slim header to the same page in the other language.
struct LangSwitch {
    href: String,
    code: &'static str,
    label: String,
}

impl LangSwitch {
    /// On a token page: a link relative to the page (`?taal=en`), so the token is not
    /// written into the page.
    fn token_page(lang: Lang) -> LangSwitch {
        let other = other_lang(lang);
        LangSwitch {
            href: format!("?{FIELD_LANG}={}", other.code()),
            code: other.code(),
            label: lang.t("respond-switch-language"),
        }
    }

    /// On the thank-you page, whose address has no token: the same path in the other language.
    fn path(p: &Page) -> LangSwitch {
        let other = other_lang(p.lang);
        LangSwitch {
            href: match other {
                Lang::En => p.path_en.clone(),
                Lang::Nl => p.path_nl.clone(),
            },
            code: other.code(),
            label: p.t("respond-switch-language"),
        }
    }
}

fn other_lang(lang: Lang) -> Lang {
    match lang {
        Lang::Nl => Lang::En,
        Lang::En => Lang::Nl,
    }
}

/// Pages behind a token must never be kept by a cache.
fn no_store(status: StatusCode, body: impl IntoResponse) -> Response {
    (status, [(header::CACHE_CONTROL, "no-store")], body).into_response()
}

// ---------------------------------------------------------------------------------------
// Friendly pages: unknown, used or closed links, and thanks.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Notice {
    Unknown,
    Closed,
    AlreadyAnswered,
    Thanks,
}

impl Notice {
    fn key(self) -> &'static str {
        match self {
            Notice::Unknown => "unknown",
            Notice::Closed => "closed",
            Notice::AlreadyAnswered => "already",
            Notice::Thanks => "thanks",
        }
    }

    fn status(self) -> StatusCode {
        match self {
            Notice::Unknown => StatusCode::NOT_FOUND,
            Notice::Closed => StatusCode::GONE,
            Notice::AlreadyAnswered | Notice::Thanks => StatusCode::OK,
        }
    }

    fn is_thanks(self) -> bool {
        matches!(self, Notice::AlreadyAnswered | Notice::Thanks)
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "respond/notice.html")]
struct NoticePage {
    p: Page,
    kind: &'static str,
    thanks: bool,
    /// Reached through a token (the switch then stays on the token's page).
    token_page: bool,
    switch: LangSwitch,
}

/// A notice at a token's address, in `lang` (the chosen or the scan's language) when known.
fn notice(p: Page, lang: Option<Lang>, kind: Notice) -> Response {
    let p = match lang {
        Some(lang) => in_lang(p, lang),
        None => p,
    };
    let page = NoticePage {
        switch: LangSwitch::token_page(p.lang),
        p,
        kind: kind.key(),
        thanks: kind.is_thanks(),
        token_page: true,
    };
    no_store(kind.status(), page)
}

async fn thanks(p: Page) -> Response {
    let page = NoticePage {
        switch: LangSwitch::path(&p),
        p,
        kind: Notice::Thanks.key(),
        thanks: true,
        token_page: false,
    };
    no_store(StatusCode::OK, page)
}

/// Why a token opens nothing, and in which language to say so (when the scan is known).
type Refusal = (Notice, Option<Lang>);

/// What a token opens today: a scan to answer, or why not.
fn resolve(entry: Option<ScanEntry>, today: NaiveDate) -> Result<ScanEntry, Refusal> {
    let Some(entry) = entry else {
        return Err((Notice::Unknown, None));
    };
    let lang = Some(scan_lang(&entry.scan().lang));
    if !entry.round().is_open(today) {
        return Err((Notice::Closed, lang));
    }
    Ok(entry)
}

// ---------------------------------------------------------------------------------------
// One answer per browser on a shared link.

/// The cookie that remembers that this browser answered round `round_id` through a shared
/// link. It holds nothing but the round: no token, no answer.
fn answered_cookie_name(round_id: i64) -> String {
    format!("scan_beantwoord_{round_id}")
}

fn answered_here(headers: &header::HeaderMap, round_id: i64) -> bool {
    let name = answered_cookie_name(round_id);
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .any(|(k, v)| k == name && v == "1")
}

/// Kept until the round's closing day has passed, only for the answer pages.
fn answered_cookie(round_id: i64, closes_on: NaiveDate, today: NaiveDate, secure: bool) -> String {
    let days = (closes_on - today).num_days().max(0) + 1;
    format!(
        "{}=1; Path=/scan; Max-Age={}; HttpOnly; SameSite=Lax{}",
        answered_cookie_name(round_id),
        days * 86_400,
        if secure { "; Secure" } else { "" }
    )
}

// ---------------------------------------------------------------------------------------
// The form.

struct Choice {
    id: String,
    value: &'static str,
    label: String,
    checked: bool,
}

struct Question {
    /// The form field name, also the base of element ids.
    key: &'static str,
    count: String,
    statement: String,
    /// The signal statements may be skipped; the aspects may not.
    optional: bool,
    choices: Vec<Choice>,
    error: Option<String>,
}

struct Step {
    key: &'static str,
    label: String,
    number: usize,
}

struct DepartmentOption {
    id: String,
    name: String,
    selected: bool,
}

/// One line of the error summary: a link to the field and what is wrong.
struct Problem {
    anchor: String,
    field: String,
    message: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "respond/form.html")]
struct FormPage {
    p: Page,
    switch: LangSwitch,
    token_page: bool,
    for_team: String,
    closes: String,
    privacy_groups: String,
    privacy_comments: String,
    steps: Vec<Step>,
    questions: Vec<Question>,
    signals: Vec<Question>,
    /// Shown when the scan has departments and the link does not say which one.
    departments: Option<Vec<DepartmentOption>>,
    department_error: Option<String>,
    comment: String,
    comment_error: Option<String>,
    form_id: Option<String>,
    /// What this kind of link can and cannot prevent (one answer per person or per browser).
    once: String,
    problems: Vec<Problem>,
    /// A message above the form that is not about one field (too many posts).
    general: Option<String>,
}

/// The first value sent for a field.
fn sent<'a>(fields: &'a [(String, String)], key: &str) -> Option<&'a str> {
    fields
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
}

fn error_text(p: &Page, error: Option<FieldError>) -> Option<String> {
    error.map(|e| p.tk("respond-error-", e.key()))
}

fn question(
    p: &Page,
    key: &'static str,
    count: String,
    statement: String,
    optional: bool,
    fields: &[(String, String)],
    error: Option<String>,
) -> Question {
    let chosen = sent(fields, key).and_then(Answer::from_form_value);
    let mut choices: Vec<Choice> = Answer::ALL
        .into_iter()
        .map(|answer| Choice {
            id: format!("{key}-{}", answer.form_value()),
            value: answer.form_value(),
            label: p.tk("respond-answer-", answer.form_value()),
            checked: chosen == Some(answer),
        })
        .collect();
    if optional {
        // Skipping stays possible after a choice, without JavaScript.
        choices.push(Choice {
            id: format!("{key}-overslaan"),
            value: "",
            label: p.t("respond-answer-skip"),
            checked: chosen.is_none(),
        });
    }
    Question {
        key,
        count,
        statement,
        optional,
        choices,
        error,
    }
}

/// Departments in tree order (each parent followed by its children), named with their path.
fn department_tree(departments: &[Department]) -> Vec<(i64, String)> {
    let mut path: Vec<&str> = Vec::new();
    crate::services::scans::tree_order(departments)
        .into_iter()
        .map(|(d, depth)| {
            path.truncate(depth);
            path.push(&d.name);
            (d.id, path.join(" › "))
        })
        .collect()
}

/// Whether this link asks the employee for their department.
fn asks_department(entry: &ScanEntry, departments: &[Department]) -> bool {
    let fixed = matches!(
        entry,
        ScanEntry::Invite {
            department_id: Some(_),
            ..
        }
    );
    !fixed && !departments.is_empty()
}

struct FormInput<'a> {
    fields: &'a [(String, String)],
    errors: Option<&'a ResponseErrors>,
    form_id: Option<String>,
    general: Option<String>,
}

fn form_page(p: Page, entry: &ScanEntry, departments: &[Department], input: FormInput) -> FormPage {
    let scan = entry.scan();
    let policy = AnonymityPolicy::new(
        u32::try_from(scan.min_group).unwrap_or(0),
        u32::try_from(scan.min_comments).unwrap_or(0),
    );
    let fields = input.fields;
    let error_of = |field: FormField| input.errors.and_then(|e| e.get(field));
    let total = Aspect::ALL.len().to_string();
    let questions: Vec<Question> = Aspect::ALL
        .into_iter()
        .enumerate()
        .map(|(i, aspect)| {
            let count = p.t_args(
                "respond-question-count",
                &[("number", (i + 1).to_string()), ("total", total.clone())],
            );
            let statement = p.tk("respond-statement-", aspect.key());
            let error = error_text(&p, error_of(FormField::Aspect(aspect)));
            question(&p, aspect.key(), count, statement, false, fields, error)
        })
        .collect();
    let signal_total = Signal::ALL.len().to_string();
    let signals: Vec<Question> = Signal::ALL
        .into_iter()
        .enumerate()
        .map(|(i, signal)| {
            let count = p.t_args(
                "respond-signal-count",
                &[
                    ("number", (i + 1).to_string()),
                    ("total", signal_total.clone()),
                ],
            );
            let statement = p.tk("respond-signal-", signal.key());
            let error = error_text(&p, error_of(FormField::Signal(signal)));
            question(&p, signal.key(), count, statement, true, fields, error)
        })
        .collect();
    let steps = Aspect::ALL
        .into_iter()
        .enumerate()
        .map(|(i, aspect)| Step {
            key: aspect.key(),
            number: i + 1,
            label: p.t_args(
                "respond-step",
                &[
                    ("number", (i + 1).to_string()),
                    ("name", p.tk("respond-short-", aspect.key())),
                ],
            ),
        })
        .collect();

    let departments = asks_department(entry, departments).then(|| {
        let chosen = sent(fields, hrnexus_core::scan::FIELD_DEPARTMENT).map(str::trim);
        department_tree(departments)
            .into_iter()
            .map(|(id, name)| {
                let id = id.to_string();
                DepartmentOption {
                    selected: chosen == Some(id.as_str()),
                    id,
                    name,
                }
            })
            .collect()
    });
    let department_error = error_text(&p, error_of(FormField::Department));
    let comment_error = error_text(&p, error_of(FormField::Comment));

    let mut problems = Vec::new();
    if let Some(errors) = input.errors {
        for issue in errors.iter() {
            let (anchor, field) = match issue.field {
                FormField::Aspect(a) => (
                    format!("vraag-{}", a.key()),
                    p.t_args(
                        "respond-step",
                        &[
                            ("number", (a.index() + 1).to_string()),
                            ("name", p.tk("respond-short-", a.key())),
                        ],
                    ),
                ),
                FormField::Signal(s) => (
                    format!("vraag-{}", s.key()),
                    p.tk("respond-signal-", s.key()),
                ),
                FormField::Comment => (
                    hrnexus_core::scan::FIELD_COMMENT.to_owned(),
                    p.t("respond-error-comment"),
                ),
                FormField::Department => (
                    hrnexus_core::scan::FIELD_DEPARTMENT.to_owned(),
                    p.t("respond-error-department"),
                ),
            };
            problems.push(Problem {
                anchor,
                field,
                message: p.tk("respond-error-", issue.error.key()),
            });
        }
    }

    let round = entry.round();
    FormPage {
        switch: LangSwitch::token_page(p.lang),
        token_page: true,
        for_team: p.t_args(
            "respond-for",
            &[
                ("team", scan.team.clone()),
                ("organisation", scan.organisation.clone()),
            ],
        ),
        closes: p.t_args(
            "respond-closes",
            &[("date", p.lang.date_long(round.closes_on))],
        ),
        privacy_groups: p.t_args(
            "respond-privacy-groups",
            &[("count", policy.min_group().to_string())],
        ),
        privacy_comments: p.t_args(
            "respond-privacy-comments",
            &[("count", policy.min_comments().to_string())],
        ),
        steps,
        questions,
        signals,
        departments,
        department_error,
        comment: sent(fields, hrnexus_core::scan::FIELD_COMMENT)
            .unwrap_or_default()
            .to_owned(),
        comment_error,
        form_id: input.form_id,
        once: match entry {
            ScanEntry::Invite { .. } => p.t("respond-privacy-once-personal"),
            ScanEntry::Shared { .. } => p.t("respond-privacy-once-shared"),
        },
        problems,
        general: input.general,
        p,
    }
}

async fn show(
    State(state): State<AppState>,
    p: Page,
    headers: header::HeaderMap,
    RawQuery(query): RawQuery,
    token: Result<Path<UrlToken>, PathRejection>,
) -> Result<Response, WebError> {
    let chosen = chosen_lang(query.as_deref(), &[]);
    let Ok(Path(token)) = token else {
        return Ok(notice(p, chosen, Notice::Unknown));
    };
    let entry = state.store.scan_entry(&auth::token_hash(&token)).await?;
    let entry = match resolve(entry, crate::i18n::today()) {
        Ok(entry) => entry,
        Err((kind, lang)) => return Ok(notice(p, chosen.or(lang), kind)),
    };
    let lang = chosen.unwrap_or_else(|| scan_lang(&entry.scan().lang));
    if matches!(entry, ScanEntry::Shared { .. }) && answered_here(&headers, entry.round().id) {
        return Ok(notice(p, Some(lang), Notice::AlreadyAnswered));
    }
    let p = in_lang(p, lang);
    let departments = state.store.departments(entry.scan().id).await?;
    let form_id = matches!(entry, ScanEntry::Shared { .. }).then(auth::random_token);
    let page = form_page(
        p,
        &entry,
        &departments,
        FormInput {
            fields: &[],
            errors: None,
            form_id,
            general: None,
        },
    );
    Ok(no_store(StatusCode::OK, page))
}

/// A form id as `auth::random_token` makes them: 32 random bytes, base64url without padding.
fn valid_form_id(id: &str) -> bool {
    id.len() == 43
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// Stored form of an answer: 1..=5, or 0 for "weet ik niet".
async fn submit(
    State(state): State<AppState>,
    p: Page,
    ip: ClientIp,
    RawQuery(query): RawQuery,
    token: Result<Path<UrlToken>, PathRejection>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let chosen = chosen_lang(query.as_deref(), &fields);
    let Ok(Path(token)) = token else {
        return Ok(notice(p, chosen, Notice::Unknown));
    };
    let allowed = state.form_limiter.allow(&ip).await;
    let token_hash = auth::token_hash(&token);
    let today = crate::i18n::today();
    let entry = match resolve(state.store.scan_entry(&token_hash).await?, today) {
        Ok(entry) => entry,
        Err((kind, lang)) => return Ok(notice(p, chosen.or(lang), kind)),
    };
    let p = in_lang(p, chosen.unwrap_or_else(|| scan_lang(&entry.scan().lang)));

    // Only a tampered form lacks the id the shared link's page rendered into it.
    let form_id = match &entry {
        ScanEntry::Invite { .. } => None,
        ScanEntry::Shared { .. } => {
            match sent(&fields, FIELD_FORM_ID).filter(|id| valid_form_id(id)) {
                Some(form_id) => Some(form_id.to_owned()),
                None => return Err(WebError::BadRequest),
            }
        }
    };

    let departments = state.store.departments(entry.scan().id).await?;
    if !allowed {
        let general = Some(p.t("respond-too-many"));
        let page = form_page(
            p,
            &entry,
            &departments,
            FormInput {
                fields: &fields,
                errors: None,
                form_id,
                general,
            },
        );
        let mut response = no_store(StatusCode::TOO_MANY_REQUESTS, page);
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, header::HeaderValue::from_static("60"));
        return Ok(response);
    }

    // Only departments the form offered may be chosen; an invite's own department wins.
    let offered: Vec<i64> = if asks_department(&entry, &departments) {
        departments.iter().map(|d| d.id).collect()
    } else {
        Vec::new()
    };
    // A department sent to a form that did not ask for one is ignored, not an error.
    let parsed: Vec<(&str, &str)> = fields
        .iter()
        .filter(|(k, _)| !offered.is_empty() || k != hrnexus_core::scan::FIELD_DEPARTMENT)
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let response = match ScanResponse::from_form(&parsed, &offered) {
        Ok(response) => response,
        Err(errors) => {
            let page = form_page(
                p,
                &entry,
                &departments,
                FormInput {
                    fields: &fields,
                    errors: Some(&errors),
                    form_id,
                    general: None,
                },
            );
            return Ok(no_store(StatusCode::UNPROCESSABLE_ENTITY, page));
        }
    };

    let lang = p.lang;
    let outcome = answers::submit(
        &*state.store,
        &state.secret,
        &entry,
        &token,
        form_id.as_deref(),
        response,
        today,
    )
    .await?;
    let round = entry.round();
    Ok(match (outcome, &entry) {
        // A personal link ends at the same page whether or not it was used before: the
        // page must not tell whoever holds the link that someone answered through it.
        (SubmitOutcome::Stored, _) | (SubmitOutcome::AlreadyUsed, ScanEntry::Invite { .. }) => {
            let mut response = Redirect::to(&format!("{}{THANKS}", lang.prefix())).into_response();
            if matches!(entry, ScanEntry::Shared { .. }) {
                let cookie =
                    answered_cookie(round.id, round.closes_on, today, state.settings.is_https());
                if let Ok(value) = header::HeaderValue::from_str(&cookie) {
                    response.headers_mut().append(header::SET_COOKIE, value);
                }
            }
            response
        }
        (SubmitOutcome::AlreadyUsed, ScanEntry::Shared { .. }) => {
            notice(p, Some(lang), Notice::AlreadyAnswered)
        }
        (SubmitOutcome::Closed, _) => notice(p, Some(lang), Notice::Closed),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dept(id: i64, parent_id: Option<i64>, name: &str, position: i32) -> Department {
        Department {
            id,
            scan_id: 1,
            parent_id,
            name: name.to_owned(),
            position,
        }
    }

    #[test]
    fn departments_are_listed_as_a_tree() {
        let list = department_tree(&[
            dept(1, None, "Productie", 1),
            dept(2, None, "Kantoor", 0),
            dept(3, Some(1), "Nachtploeg", 0),
            dept(4, Some(99), "Los", 0),
        ]);
        let names: Vec<_> = list.iter().map(|(_, n)| n.as_str()).collect();
        assert_eq!(
            names,
            // A department whose parent is missing is listed at the top level.
            ["Kantoor", "Los", "Productie", "Productie › Nachtploeg"]
        );
    }

    #[test]
    fn form_ids_look_like_random_tokens() {
        assert!(valid_form_id(&auth::random_token()));
        assert!(!valid_form_id(""));
        assert!(!valid_form_id(&"a".repeat(44)));
        assert!(!valid_form_id(&format!("{}+", "a".repeat(42))));
    }
}
