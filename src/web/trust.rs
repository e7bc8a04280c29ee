//! Who is behind the site, and what it does with people's data: `/over-hrnexus` (with the
//! operator's details from `[operator]`), the privacy statement for employers and visitors
//! (`/privacy`; the one for employees is `privacy`'s `/scan/wat-je-werkgever-ziet`), and a
//! template processing agreement (`/verwerkersovereenkomst`, also as a text download).
//!
//! The retention periods and anonymity thresholds on these pages are the ones this
//! installation really uses, read from its settings and the core's rules.

use askama::Template;
use askama_web::WebTemplate;
use axum::{
    Router,
    extract::State,
    http::header,
    response::{IntoResponse, Response},
    routing::get,
};
use hrnexus_core::scan::anonymity::{DEFAULT_MIN_COMMENTS, DEFAULT_MIN_GROUP};

use crate::{
    config::Operator,
    web::{AppState, error::WebError, page::Page},
};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/over-hrnexus", get(about))
        .route("/privacy", get(privacy))
        .route("/verwerkersovereenkomst", get(agreement))
        .route("/verwerkersovereenkomst.txt", get(agreement_text))
}

/// One section: a heading and its paragraphs, all in the page's language.
pub struct Section {
    heading: String,
    paragraphs: Vec<String>,
}

/// The values the texts refer to: this installation's own.
fn args(state: &AppState) -> Vec<(&'static str, String)> {
    let r = &state.settings.retention;
    let o = &state.settings.operator;
    vec![
        ("operator", o.name.clone()),
        ("group", DEFAULT_MIN_GROUP.to_string()),
        ("comments", DEFAULT_MIN_COMMENTS.to_string()),
        ("audit_days", r.audit_log_days.to_string()),
        ("outbox_days", r.outbox_days.to_string()),
        ("intakes_days", r.intakes_days.to_string()),
        ("sessions_days", r.sessions_days.to_string()),
        ("unconfirmed_days", "7".into()),
    ]
}

fn sections(p: &Page, args: &[(&'static str, String)], parts: &[(&str, usize)]) -> Vec<Section> {
    parts
        .iter()
        .map(|(key, count)| Section {
            heading: p.t_args(&format!("{key}-title"), args),
            paragraphs: (1..=*count)
                .map(|i| p.t_args(&format!("{key}-{i}"), args))
                .collect(),
        })
        .collect()
}

#[derive(Template, WebTemplate)]
#[template(path = "trust/page.html")]
pub struct TrustPage {
    p: Page,
    title: String,
    lead: String,
    sections: Vec<Section>,
    /// Shown as a contact block (the about page).
    operator: Option<Operator>,
    /// A download link under the text (the processing agreement).
    download: Option<String>,
}

pub async fn about(State(state): State<AppState>, p: Page) -> TrustPage {
    let args = args(&state);
    TrustPage {
        title: p.t_args("about-title", &args),
        lead: p.t_args("about-lead", &args),
        sections: sections(&p, &args, &[("about-what", 2), ("about-how", 3)]),
        operator: Some(state.settings.operator.clone()),
        download: None,
        p,
    }
}

pub async fn privacy(State(state): State<AppState>, p: Page) -> TrustPage {
    let args = args(&state);
    TrustPage {
        title: p.t("privacy-statement-title"),
        lead: p.t_args("privacy-statement-lead", &args),
        sections: sections(
            &p,
            &args,
            &[
                ("privacy-statement-who", 1),
                ("privacy-statement-employers", 3),
                ("privacy-statement-employees", 2),
                ("privacy-statement-intakes", 2),
                ("privacy-statement-kompas", 2),
                ("privacy-statement-technical", 3),
                ("privacy-statement-rights", 2),
            ],
        ),
        operator: Some(state.settings.operator.clone()),
        download: None,
        p,
    }
}

const AGREEMENT_PARTS: &[(&str, usize)] = &[
    ("dpa-parties", 2),
    ("dpa-subject", 2),
    ("dpa-duties", 4),
    ("dpa-security", 2),
    ("dpa-subprocessors", 1),
    ("dpa-breach", 1),
    ("dpa-rights", 1),
    ("dpa-end", 2),
];

pub async fn agreement(State(state): State<AppState>, p: Page) -> TrustPage {
    let args = args(&state);
    TrustPage {
        title: p.t("dpa-title"),
        lead: p.t_args("dpa-lead", &args),
        sections: sections(&p, &args, AGREEMENT_PARTS),
        operator: None,
        download: Some(p.href("/verwerkersovereenkomst.txt")),
        p,
    }
}

#[derive(Template)]
#[template(path = "trust/agreement.txt")]
struct AgreementText {
    title: String,
    lead: String,
    sections: Vec<Section>,
    operator: Operator,
}

/// The same agreement as plain text to fill in and sign.
pub async fn agreement_text(State(state): State<AppState>, p: Page) -> Result<Response, WebError> {
    let args = args(&state);
    let text = AgreementText {
        title: p.t("dpa-title"),
        lead: p.t_args("dpa-lead", &args),
        sections: sections(&p, &args, AGREEMENT_PARTS),
        operator: state.settings.operator.clone(),
    }
    .render()
    .map_err(|e| WebError::Internal(e.into()))?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/plain; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"verwerkersovereenkomst-hrnexus.txt\"",
            ),
        ],
        text,
    )
        .into_response())
}
