//! Employer area: deleting a scan with everything stored for it. A confirmation page names
//! what goes (the scan, its rounds, answers, comments, links, addresses and mails still
//! waiting) and asks to tick a box; then `services::scans::delete_scan` removes it all in one
//! transaction and leaves an audit entry without personal data.

use askama::Template;
use askama_web::WebTemplate;
use axum::{
    Form,
    extract::{Path, State},
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
};
use serde::Deserialize;

use super::{
    Employer,
    scans::{DELETED_QUERY, owned_scan},
};
use crate::{
    services::{ServiceError, scans},
    storage::{Scan, ScanFootprint},
    web::{AppState, error::WebError, page::Page},
};

#[derive(Template, WebTemplate)]
#[template(path = "werkgever/scan_delete.html")]
pub struct DeletePage {
    p: Page,
    email: String,
    scan: Scan,
    footprint: ScanFootprint,
    /// Beside the box when it was not ticked.
    confirm_error: Option<String>,
}

impl DeletePage {
    /// "3 rondes", "1 ronde", … in the page's language.
    fn counted(&self, key: &str, n: &i64) -> String {
        self.p.t_args(key, &[("count", n.to_string())])
    }

    /// The box's label, naming the scan.
    fn confirm_label(&self) -> String {
        let name = format!("{} · {}", self.scan.organisation, self.scan.team);
        self.p.t_args("wg-delete-confirm", &[("name", name)])
    }
}

async fn page(
    state: &AppState,
    p: Page,
    employer: Employer,
    scan: Scan,
    confirm_error: Option<String>,
) -> Result<DeletePage, WebError> {
    let footprint = scans::scan_footprint(&*state.store, &scan).await?;
    Ok(DeletePage {
        p,
        email: employer.email,
        scan,
        footprint,
        confirm_error,
    })
}

pub async fn delete_form(
    State(state): State<AppState>,
    p: Page,
    employer: Employer,
    Path(id): Path<String>,
) -> Result<DeletePage, WebError> {
    let scan = owned_scan(&state, &employer, &id).await?;
    page(&state, p, employer, scan, None).await
}

#[derive(Debug, Deserialize)]
pub struct DeleteForm {
    /// The box "I understand …": `ja` when ticked, absent otherwise.
    #[serde(default)]
    confirm: String,
}

pub async fn delete(
    State(state): State<AppState>,
    p: Page,
    employer: Employer,
    Path(id): Path<String>,
    Form(form): Form<DeleteForm>,
) -> Result<Response, WebError> {
    let scan = owned_scan(&state, &employer, &id).await?;
    if form.confirm != "ja" {
        let message = p.t("wg-delete-error-confirm");
        let page = page(&state, p, employer, scan, Some(message)).await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    }
    match scans::delete_scan(&*state.store, &scan, employer.owner()).await {
        // Deleted by another request in between: gone either way.
        Ok(_) | Err(ServiceError::NotFound) => {}
        Err(e) => return Err(e.into()),
    }
    Ok(Redirect::to(&format!("{}?{DELETED_QUERY}", p.href("/werkgever"))).into_response())
}
