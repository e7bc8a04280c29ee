//! `serve --demo`: realistic Dutch demo data in an empty database. Each feature adds its part.

use hrnexus_core::email::EmailAddress;

use crate::{
    auth,
    i18n::Lang,
    mail::{MailContent, compose},
    storage::{DynStorage, NewAuditEntry},
};

pub const DEMO_EMAIL: &str = "demo@hrnexus.nl";
/// Public on purpose: it is printed at start and in the README. Demo databases only.
pub const DEMO_PASSWORD: &str = "kompas-demo-2026";

pub struct DemoLogin {
    pub email: &'static str,
    pub password: &'static str,
}

/// Fills an empty database; returns the demo login, or `None` when the database had data
/// that is not ours (then nothing is touched).
pub async fn fill(store: &DynStorage) -> anyhow::Result<Option<DemoLogin>> {
    let email = EmailAddress::parse(DEMO_EMAIL).map_err(|_| anyhow::anyhow!("demo address"))?;
    let login = DemoLogin {
        email: DEMO_EMAIL,
        password: DEMO_PASSWORD,
    };
    if store.staff_by_email(&email).await?.is_some() {
        return Ok(Some(login));
    }
    if store.count_staff().await? > 0 {
        return Ok(None);
    }
    store
        .create_staff(&email, &auth::hash_password(DEMO_PASSWORD))
        .await?;
    let colleague = EmailAddress::parse("sanne.devries@hrnexus.nl")
        .map_err(|_| anyhow::anyhow!("demo address"))?;
    store
        .create_staff(&colleague, &auth::hash_password(&auth::random_token()))
        .await?;
    for (actor, event, ip) in [
        (
            "sanne.devries@hrnexus.nl",
            "login_password_ok",
            "192.0.2.14",
        ),
        ("sanne.devries@hrnexus.nl", "login", "192.0.2.14"),
        ("onbekend@voorbeeld.nl", "login_failed", "198.51.100.7"),
    ] {
        store
            .record_audit(&NewAuditEntry {
                actor: Some(actor),
                event,
                detail: "demo",
                ip: Some(ip),
            })
            .await?;
    }
    let welcome = compose(
        Lang::Nl,
        "sanne.devries@hrnexus.nl",
        MailContent {
            subject: Lang::Nl.t("mail-test-subject"),
            paragraphs: vec![Lang::Nl.t("mail-test-body")],
            action: None,
        },
    );
    store.enqueue_mail(&welcome).await?;
    Ok(Some(login))
}
