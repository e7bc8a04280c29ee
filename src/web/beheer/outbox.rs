//! The outbox viewer: every mail the platform sent or will send, and a test mail.

use askama::Template;
use askama_web::WebTemplate;
use axum::{extract::State, response::Redirect};

use super::Staff;
use crate::{
    mail::{Mailer, TestMail, compose},
    storage::{OutboxCounts, QueuedMail},
    web::{AppState, error::WebError, page::Page, security::IdPath},
};

#[derive(Template, WebTemplate)]
#[template(path = "beheer/outbox.html")]
pub struct OutboxPage {
    p: Page,
    email: String,
    counts: OutboxCounts,
    mails: Vec<QueuedMail>,
    /// Where `.eml` files are written when no SMTP server is configured.
    file_dir: Option<String>,
}

pub async fn list(
    State(state): State<AppState>,
    p: Page,
    staff: Staff,
) -> Result<OutboxPage, WebError> {
    Ok(OutboxPage {
        p,
        email: staff.email,
        counts: state.store.outbox_counts().await?,
        mails: state.store.list_mail(200).await?,
        file_dir: Mailer::file_dir(&state.settings).map(|dir| dir.display().to_string()),
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "beheer/mail.html")]
pub struct MailPage {
    p: Page,
    email: String,
    mail: QueuedMail,
}

pub async fn detail(
    State(state): State<AppState>,
    p: Page,
    staff: Staff,
    IdPath(id): IdPath,
) -> Result<MailPage, WebError> {
    let mail = state
        .store
        .mail_by_id(id)
        .await?
        .ok_or(WebError::NotFound)?;
    Ok(MailPage {
        p,
        email: staff.email,
        mail,
    })
}

/// Queues a test mail to the signed-in beheerder, to check the delivery path end to end.
pub async fn send_test(
    State(state): State<AppState>,
    p: Page,
    staff: Staff,
) -> Result<Redirect, WebError> {
    let mail = compose(
        &staff.email,
        &TestMail {
            lang: p.lang,
            outbox_url: Some(format!("{}{}", p.base_url, p.href("/beheer/outbox"))),
        },
    )
    .map_err(anyhow::Error::from)?;
    state.store.enqueue_mail(&mail).await?;
    state.mail_wake.notify_one();
    Ok(Redirect::to(&p.href("/beheer/outbox")))
}
