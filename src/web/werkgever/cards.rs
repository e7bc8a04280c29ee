//! Links that reach people without the employer mailing personal links: printable
//! invitation cards (one personal link each, as a QR code), a poster with the shared link,
//! and the shared link itself, which the employer can show and copy again at any time.
//!
//! The shared link's token is derived from the server secret over the scan id and round
//! number, so it is never stored (only its hash, as for every token) and can still be shown
//! again. Cards carry random tokens of which only hashes are stored: they are shown once.

use askama::Template;
use askama_web::WebTemplate;
use axum::{
    Form,
    extract::{Path, State},
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
};
use hrnexus_core::scan::setup::LinkCount;
use serde::Deserialize;

use super::{
    Employer,
    scans::{chosen_department, invite_link, latest_round, owned_scan},
};
use crate::{
    services::scans,
    storage::{Department, Scan},
    web::{AppState, error::WebError, page::Page},
};

/// Cards per request: a page of QR codes stays printable (25 A4 sheets at 8 per sheet).
pub const MAX_CARDS: u32 = 200;

/// An inline SVG QR code of `text` (no XML declaration, so it can sit inside HTML).
pub fn qr_svg(text: &str, size: u32) -> String {
    let Ok(code) = qrcode::QrCode::new(text.as_bytes()) else {
        return String::new();
    };
    let svg = code
        .render::<qrcode::render::svg::Color>()
        .min_dimensions(size, size)
        .build();
    match svg.find("<svg") {
        Some(start) => svg[start..].to_owned(),
        None => svg,
    }
}

// ---------------------------------------------------------------------------------------
// The shared link, shown again

#[derive(Template, WebTemplate)]
#[template(path = "werkgever/shared_link.html")]
pub struct SharedLinkPage {
    p: Page,
    email: String,
    scan: Scan,
    round_number: i32,
    open: bool,
    link: Option<String>,
    /// The round has a shared link made before it could be shown again.
    unknown_link: bool,
}

pub async fn shared_link(
    State(state): State<AppState>,
    p: Page,
    employer: Employer,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let scan = owned_scan(&state, &employer, &id).await?;
    let round = latest_round(&state, scan.id).await?;
    let token = scans::current_shared_token(&*state.store, &state.secret, &scan, &round).await?;
    let page = SharedLinkPage {
        link: token.map(|t| invite_link(&p, &scan, &t)),
        unknown_link: round.shared_link,
        round_number: round.number,
        open: round.is_open(crate::i18n::today()),
        p,
        email: employer.email,
        scan,
    };
    Ok(page.into_response())
}

/// Makes (or replaces) the derived shared link of the current round.
pub async fn make_shared_link(
    State(state): State<AppState>,
    p: Page,
    employer: Employer,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let scan = owned_scan(&state, &employer, &id).await?;
    let round = latest_round(&state, scan.id).await?;
    // A closed round takes no answers: nothing to make.
    if round.is_open(crate::i18n::today()) {
        scans::set_shared_link(&*state.store, &state.secret, scan.id, &round).await?;
    }
    Ok(
        Redirect::to(&p.href(&format!("/werkgever/scans/{}/gedeelde-link", scan.id)))
            .into_response(),
    )
}

#[derive(Template, WebTemplate)]
#[template(path = "werkgever/poster.html")]
pub struct PosterPage {
    p: Page,
    scan: Scan,
    heading: String,
    lead: String,
    link: String,
    qr: String,
}

pub async fn poster(
    State(state): State<AppState>,
    p: Page,
    employer: Employer,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let scan = owned_scan(&state, &employer, &id).await?;
    let round = latest_round(&state, scan.id).await?;
    let Some(token) =
        scans::current_shared_token(&*state.store, &state.secret, &scan, &round).await?
    else {
        return Ok(
            Redirect::to(&p.href(&format!("/werkgever/scans/{}/gedeelde-link", scan.id)))
                .into_response(),
        );
    };
    let link = invite_link(&p, &scan, &token);
    let page = PosterPage {
        qr: qr_svg(&link, 320),
        heading: p.t_args(
            "poster-heading",
            &[("organisation", scan.organisation.clone())],
        ),
        lead: p.t_args(
            "poster-lead",
            &[
                ("team", scan.team.clone()),
                ("date", p.lang.date_long(round.closes_on)),
            ],
        ),
        link,
        p,
        scan,
    };
    Ok(page.into_response())
}

// ---------------------------------------------------------------------------------------
// Invitation cards

#[derive(Template, WebTemplate)]
#[template(path = "werkgever/cards_new.html")]
pub struct CardsFormPage {
    p: Page,
    email: String,
    scan: Scan,
    open: bool,
    departments: Vec<Department>,
    count: String,
    department: String,
    count_error: Option<String>,
    department_error: Option<String>,
}

pub struct Card {
    link: String,
    qr: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "werkgever/cards.html")]
pub struct CardsPage {
    p: Page,
    scan: Scan,
    card_heading: String,
    card_note: String,
    department: Option<String>,
    cards: Vec<Card>,
}

pub async fn cards_form(
    State(state): State<AppState>,
    p: Page,
    employer: Employer,
    Path(id): Path<String>,
) -> Result<CardsFormPage, WebError> {
    let scan = owned_scan(&state, &employer, &id).await?;
    let round = latest_round(&state, scan.id).await?;
    Ok(CardsFormPage {
        open: round.is_open(crate::i18n::today()),
        departments: state.store.departments(scan.id).await?,
        p,
        email: employer.email,
        scan,
        count: String::new(),
        department: String::new(),
        count_error: None,
        department_error: None,
    })
}

#[derive(Debug, Deserialize)]
pub struct CardsForm {
    #[serde(default)]
    count: String,
    #[serde(default)]
    department: String,
}

pub async fn make_cards(
    State(state): State<AppState>,
    p: Page,
    employer: Employer,
    Path(id): Path<String>,
    Form(form): Form<CardsForm>,
) -> Result<Response, WebError> {
    let scan = owned_scan(&state, &employer, &id).await?;
    let round = latest_round(&state, scan.id).await?;
    let open = round.is_open(crate::i18n::today());
    let count = match LinkCount::parse(&form.count) {
        Ok(n) if n.get() <= MAX_CARDS => Ok(n),
        _ => Err(p.t_args("cards-error-count", &[("max", MAX_CARDS.to_string())])),
    };
    let department = chosen_department(&state, &p, &scan, &form.department).await?;
    if let (true, Ok(count), Ok(department)) = (open, &count, &department) {
        let department_id = department.as_ref().map(|d| d.id);
        let batch = scans::issue_invites(&*state.store, &round, *count, department_id).await?;
        let cards = batch
            .tokens
            .iter()
            .map(|token| {
                let link = invite_link(&p, &scan, token);
                Card {
                    qr: qr_svg(&link, 160),
                    link,
                }
            })
            .collect();
        let page = CardsPage {
            card_heading: p.t_args(
                "card-heading",
                &[("organisation", scan.organisation.clone())],
            ),
            card_note: p.t_args("card-note", &[("date", p.lang.date_long(round.closes_on))]),
            department: department.as_ref().map(|d| d.name.clone()),
            cards,
            p,
            scan,
        };
        // The page holds personal links: no cache may keep it.
        return Ok(page.into_response());
    }
    let status = if open {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::CONFLICT
    };
    let page = CardsFormPage {
        p,
        email: employer.email,
        departments: state.store.departments(scan.id).await?,
        scan,
        open,
        count: form.count,
        department: form.department,
        count_error: count.err(),
        department_error: department.err(),
    };
    Ok((status, page).into_response())
}
