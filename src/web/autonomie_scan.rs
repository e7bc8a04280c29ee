//! `/autonomie-scan`: what the scan is, the quick check and the cost of doing nothing.
//!
//! The quick check is a GET form: it changes nothing and stores nothing, so its result is an
//! ordinary page that can be bookmarked, and the cost calculator on that page can carry the
//! answers along when it recalculates. No sign-in, no cookie. Only "stuur mij mijn uitslag"
//! posts (the answers travel along as hidden fields): it queues one mail, so it is rate
//! limited like every public form.
//!
//! A single answer is judged per aspect as: 1–2 werk aan de winkel, 3 attention, 4–5 good
//! (see [`single_answer_band`]). The index and the advice come from `hrnexus_core::scan`.

use askama::Template;
use askama_web::WebTemplate;
use axum::{
    Router,
    extract::{Query, RawQuery},
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
    routing::get,
};
use hrnexus_core::scan::{
    self, Answer, Aspect, Band, FieldError, FormField, Response as ScanResponse, advise, aggregate,
};

use crate::{
    mail::QuickCheckResult,
    services::newsletter::{self, Signup},
    storage::now,
    web::{
        AppState,
        cost_calculator::{ANCHOR as COST_ANCHOR, CostCalculator},
        error::WebError,
        page::Page,
        security::ClientIp,
    },
};
use axum::{Form, extract::State};
use hrnexus_core::{email::EmailAddress, newsletter::Preferences};

const PATH: &str = "/autonomie-scan";
const CHECK_PATH: &str = "/autonomie-scan/snelle-check";
/// The anchor of the quick check form on the scan page.
const CHECK_ANCHOR: &str = "snelle-check";
/// "Stuur mij mijn uitslag" posts here.
const MAIL_PATH: &str = "/autonomie-scan/snelle-check/mailen";
/// Set on the result page after its mail went out.
const MAILED: &str = "gemaild";
/// The anchor of the mail form on the result page.
const MAIL_ANCHOR: &str = "uitslag-mailen";

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(PATH, get(index))
        .route(CHECK_PATH, get(quick_check))
        .route(MAIL_PATH, axum::routing::post(mail_result))
}

type QueryPairs = Query<Vec<(String, String)>>;

/// The quick check form: five statements, each with the agree scale plus "weet ik niet".
pub struct CheckForm {
    pub action: String,
    pub questions: Vec<Question>,
    /// Every answer's form value, in the order the form shows them.
    pub options: Vec<&'static str>,
    pub has_errors: bool,
}

pub struct Question {
    /// The aspect key: form field name and translation key suffix.
    pub key: &'static str,
    /// 1-based position, for "Uitspraak 2 van 5".
    pub number: usize,
    /// The form value chosen before, if it was a valid answer.
    pub selected: Option<&'static str>,
    /// The message beside the question.
    pub error: Option<String>,
}

impl Question {
    pub fn is(&self, value: &str) -> bool {
        self.selected == Some(value)
    }

    pub fn id(&self, value: &str) -> String {
        format!("snel-{}-{value}", self.key)
    }

    pub fn error_id(&self) -> String {
        format!("snel-{}-fout", self.key)
    }

    pub fn number_label(&self, p: &Page) -> String {
        p.t_args(
            "autonomie-scan-check-statement-label",
            &[("number", self.number.to_string())],
        )
    }
}

impl CheckForm {
    /// The form with the valid answers found in `query` selected and, when `errors` is given,
    /// a message beside each question that has a problem.
    fn new(p: &Page, query: &[(String, String)], errors: Option<&scan::ResponseErrors>) -> Self {
        let questions = Aspect::ALL
            .into_iter()
            .enumerate()
            .map(|(i, aspect)| {
                let mut values = query.iter().filter(|(k, _)| k == aspect.key());
                let selected = match (values.next(), values.next()) {
                    (Some((_, v)), None) => Answer::from_form_value(v).map(Answer::form_value),
                    _ => None,
                };
                let error = errors
                    .and_then(|e| e.get(FormField::Aspect(aspect)))
                    .map(|e| p.tk("autonomie-scan-check-error-", check_error_key(e)));
                Question {
                    key: aspect.key(),
                    number: i + 1,
                    selected,
                    error,
                }
            })
            .collect();
        CheckForm {
            action: p.href(CHECK_PATH),
            questions,
            options: Answer::ALL.into_iter().map(Answer::form_value).collect(),
            has_errors: errors.is_some(),
        }
    }
}

/// The quick check form only asks the aspects, so only these codes can occur; anything else
/// reads as "not a valid answer".
fn check_error_key(error: FieldError) -> &'static str {
    match error {
        FieldError::Missing => "missing",
        FieldError::Duplicate => "duplicate",
        _ => "invalid",
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "autonomie_scan/index.html")]
pub struct IndexPage {
    p: Page,
    check: CheckForm,
    cost: CostCalculator,
    team_href: String,
}

/// `GET /autonomie-scan`: the explanation, the quick check form and the calculator. Answers in
/// the query (from "change my answers") preselect the form; calculator fields calculate.
async fn index(mut p: Page, Query(query): QueryPairs) -> IndexPage {
    let cost = CostCalculator::from_query(p.lang, &p.href(PATH), &query);
    p.keep_on_switch(&cost.switch_pairs(p.lang.other()), COST_ANCHOR);
    IndexPage {
        check: CheckForm::new(&p, &query, None),
        cost,
        team_href: p.href("/werkgever/login"),
        p,
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "autonomie_scan/check.html")]
pub struct CheckPage {
    p: Page,
    check: CheckForm,
}

#[derive(Template, WebTemplate)]
#[template(path = "autonomie_scan/result.html")]
pub struct ResultPage {
    p: Page,
    rows: Vec<ResultRow>,
    /// The autonomy index rounded to a whole number, `None` when every answer was "weet ik niet".
    index: Option<u32>,
    advice: Vec<AdviceRow>,
    /// Every advised action key, without duplicates, most urgent first.
    actions: Vec<&'static str>,
    /// How many statements were answered "weet ik niet" (they get no judgement or advice).
    dont_know: usize,
    cost: CostCalculator,
    team_href: String,
    edit_href: String,
    /// The intake, pre-filled with the weak aspects and the categories that fit them.
    help_href: String,
    /// The answers again, as hidden fields of "stuur mij mijn uitslag".
    answer_pairs: Vec<(String, String)>,
    /// "Stuur mij mijn uitslag": the address as typed, what is wrong with it, whether the
    /// Kompas box was ticked, and whether the mail just went out.
    mail_email: String,
    mail_error: Option<String>,
    mail_kompas: bool,
    mail_sent: bool,
}

pub struct ResultRow {
    pub aspect: &'static str,
    pub answer: &'static str,
    pub band: Option<&'static str>,
}

pub struct AdviceRow {
    pub aspect: &'static str,
    pub band: &'static str,
    pub actions: Vec<&'static str>,
    pub categories: Vec<&'static str>,
}

impl ResultPage {
    fn mail_action(&self) -> String {
        format!("{}#{MAIL_ANCHOR}", self.p.href(MAIL_PATH))
    }

    /// The result as a mail: every label in the page's language.
    fn mail(&self, base_url: &str) -> QuickCheckResult {
        let p = &self.p;
        let query: Vec<String> = self
            .answer_pairs
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        QuickCheckResult {
            lang: p.lang,
            index: self.index.map(|_| self.index_label()),
            rows: self
                .rows
                .iter()
                .map(|r| {
                    (
                        p.tk("autonomie-scan-topic-", r.aspect),
                        p.tk("autonomie-scan-answer-", r.answer),
                        match r.band {
                            Some(b) => p.tk("autonomie-scan-band-", b),
                            None => p.t("autonomie-scan-band-none"),
                        },
                    )
                })
                .collect(),
            actions: self
                .actions
                .iter()
                .map(|x| {
                    (
                        p.tk("autonomie-scan-action-", x),
                        p.tk("autonomie-scan-action-text-", x),
                    )
                })
                .collect(),
            link: format!("{base_url}{}?{}", p.href(CHECK_PATH), query.join("&")),
        }
    }

    /// Width of the index bar in the SVG (0–100).
    fn bar_width(&self) -> u32 {
        self.index.unwrap_or(0)
    }

    /// "62 van de 100".
    fn index_label(&self) -> String {
        let index = self.index.unwrap_or(0).to_string();
        self.p
            .t_args("autonomie-scan-index-value", &[("index", index)])
    }
}

/// The judgement of one person's answer: 1–2 werk aan de winkel, 3 attention, 4–5 good,
/// "weet ik niet" none. For a single response the core's group bands agree on 1, 2, 4 and 5
/// but call a lone "neutraal" werk aan de winkel (0 % favourable); for one person's estimate
/// "neutraal" reads better as "needs attention".
pub fn single_answer_band(answer: Answer) -> Option<Band> {
    match answer.score()? {
        1 | 2 => Some(Band::WerkAanDeWinkel),
        3 => Some(Band::Attention),
        _ => Some(Band::Good),
    }
}

/// `GET /autonomie-scan/snelle-check?werkwijze=4&…`: the instant result, or the form again
/// with a message beside each unanswered question (422). Without any query at all (someone
/// typed the address) it sends the visitor to the form.
async fn quick_check(p: Page, RawQuery(raw): RawQuery, Query(query): QueryPairs) -> Response {
    if raw.is_none() {
        let to = format!("{}#{CHECK_ANCHOR}", p.href(PATH));
        return Redirect::to(&to).into_response();
    }
    let sent = query.iter().any(|(k, v)| k == MAILED && v == "1");
    match result_page(p, &query) {
        Ok(mut page) => {
            page.mail_sent = sent;
            // Switching language keeps the result (and a calculated cost).
            let mut pairs = page.cost.switch_pairs(page.p.lang.other());
            if pairs.is_empty() {
                pairs = page.answer_pairs.clone();
            }
            page.p.keep_on_switch(&pairs, "");
            page.into_response()
        }
        Err(form) => *form,
    }
}

/// The result for the answers in `query`, or the form again (422) with what is missing.
fn result_page(p: Page, query: &[(String, String)]) -> Result<ResultPage, Box<Response>> {
    // Only the five aspects are asked here; signals, comments or departments sent along
    // are ignored rather than counted.
    let aspect_pairs: Vec<&(String, String)> = query
        .iter()
        .filter(|(k, _)| Aspect::from_key(k).is_some())
        .collect();
    let pairs: Vec<(&str, &str)> = aspect_pairs
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let response = match ScanResponse::from_form(&pairs, &[]) {
        Ok(response) => response,
        Err(errors) => {
            let check = CheckForm::new(&p, query, Some(&errors));
            return Err(Box::new(
                (StatusCode::UNPROCESSABLE_ENTITY, CheckPage { p, check }).into_response(),
            ));
        }
    };
    let answers = response.answers;

    let mut stats = aggregate(&[ScanResponse::new(answers)]);
    for aspect in Aspect::ALL {
        stats.aspects[aspect].band = single_answer_band(answers[aspect]);
    }
    let advice = advise(&stats);

    let answer_pairs: Vec<(String, String)> = Aspect::ALL
        .into_iter()
        .map(|a| (a.key().to_owned(), answers[a].form_value().to_owned()))
        .collect();
    let edit_query: Vec<String> = answer_pairs
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect();

    Ok(ResultPage {
        rows: Aspect::ALL
            .into_iter()
            .map(|a| ResultRow {
                aspect: a.key(),
                answer: answers[a].form_value(),
                band: stats.aspects[a].band.map(Band::key),
            })
            .collect(),
        index: stats.index.map(|i| i.round().clamp(0.0, 100.0) as u32),
        advice: advice
            .aspects
            .iter()
            .map(|a| AdviceRow {
                aspect: a.aspect.key(),
                band: a.band.key(),
                actions: a.actions.iter().map(|x| x.key()).collect(),
                categories: a.categories.iter().map(|c| c.key()).collect(),
            })
            .collect(),
        actions: advice.actions.iter().map(|a| a.key()).collect(),
        dont_know: answers
            .values()
            .iter()
            .filter(|a| **a == Answer::DontKnow)
            .count(),
        cost: CostCalculator::from_query(p.lang, &p.href(CHECK_PATH), query)
            .keep(answer_pairs.clone()),
        answer_pairs,
        mail_email: String::new(),
        mail_error: None,
        mail_kompas: false,
        mail_sent: false,
        help_href: {
            let mut query: Vec<String> = advice
                .aspects
                .iter()
                .map(|a| format!("aspect={}", a.aspect.key()))
                .collect();
            query.extend(
                advice
                    .categories
                    .iter()
                    .map(|c| format!("categorie={}", c.key())),
            );
            if query.is_empty() {
                p.href("/contact")
            } else {
                format!("{}?{}#formulier", p.href("/contact"), query.join("&"))
            }
        },
        team_href: p.href("/werkgever/login"),
        edit_href: format!("{}?{}#{CHECK_ANCHOR}", p.href(PATH), edit_query.join("&")),
        p,
    })
}

/// `POST /autonomie-scan/snelle-check/mailen`: "stuur mij mijn uitslag (en het Kompas)". The
/// result goes to the address typed; with the box ticked, a Kompas sign-up follows with its
/// own double opt-in. A wrong address is named beside the field with the result still shown.
async fn mail_result(
    State(state): State<AppState>,
    p: Page,
    ip: ClientIp,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    if !state.form_limiter.allow(&ip).await {
        return Err(WebError::TooManyRequests);
    }
    let typed = fields
        .iter()
        .find(|(k, _)| k == "email")
        .map(|(_, v)| v.trim().chars().take(300).collect::<String>())
        .unwrap_or_default();
    let kompas = fields.iter().any(|(k, _)| k == "kompas");
    let mut page = match result_page(p, &fields) {
        Ok(page) => page,
        Err(form) => return Ok(*form),
    };
    let Ok(email) = EmailAddress::parse(&typed) else {
        page.mail_error = Some(page.p.t("kompas-email-invalid"));
        page.mail_email = typed;
        page.mail_kompas = kompas;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    };
    let base_url = state.settings.base_url();
    let signup = kompas.then(|| Signup {
        email: email.clone(),
        lang: page.p.lang,
        preferences: Preferences::default(),
        ip: ip.0,
        shown_text: page.p.t("check-mail-kompas"),
    });
    newsletter::mail_check_result(
        state.store.as_ref(),
        &state.secret,
        base_url,
        &email,
        &page.mail(base_url),
        signup.as_ref(),
        now(),
    )
    .await?;
    state.mail_wake.notify_one();
    let query: Vec<String> = page
        .answer_pairs
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect();
    let to = format!(
        "{}?{}&{MAILED}=1#{MAIL_ANCHOR}",
        page.p.href(CHECK_PATH),
        query.join("&")
    );
    Ok(Redirect::to(&to).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn single_answers_are_judged_like_the_core_except_neutral() {
        use hrnexus_core::scan::AspectCounts;
        for answer in Answer::ALL {
            let core = Band::from_counts(&[answer].into_iter().collect::<AspectCounts>());
            let ours = single_answer_band(answer);
            if answer == Answer::Neutral {
                assert_eq!(ours, Some(Band::Attention));
            } else {
                assert_eq!(ours, core, "{answer:?}");
            }
        }
    }
}
