//! Staff sign-in (password + TOTP), sessions, the back office and API keys, on both backends.

use crate::{both_backends, common};

use common::{Db, TestApp};
use hrnexus::{auth, storage::now};
use hrnexus_core::email::EmailAddress;

const EMAIL: &str = "beheer@hrnexus.nl";
const PASSWORD: &str = "een lang genoeg wachtwoord";

async fn with_admin(db: Db) -> Option<TestApp> {
    let app = common::spawn(db).await?;
    let email = EmailAddress::parse(EMAIL).unwrap();
    app.store
        .create_staff(&email, &auth::hash_password(PASSWORD))
        .await
        .unwrap();
    Some(app)
}

fn location(response: &reqwest::Response) -> String {
    response.headers()["location"].to_str().unwrap().to_owned()
}

fn session_cookie(response: &reqwest::Response) -> Option<String> {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("hrnexus_session="))
        .map(|v| v.split(';').next().unwrap().to_owned())
}

fn between<'a>(html: &'a str, start: &str, end: &str) -> &'a str {
    let from = html
        .find(start)
        .unwrap_or_else(|| panic!("{start} not in page"))
        + start.len();
    &html[from..from + html[from..].find(end).unwrap()]
}

/// Password, TOTP enrolment, into the back office. Returns the TOTP secret.
async fn sign_in_first_time(app: &TestApp) -> String {
    let response = app
        .post_form("/beheer/login", &[("email", EMAIL), ("password", PASSWORD)])
        .await;
    assert_eq!(response.status(), 303);
    assert_eq!(location(&response), "/beheer/twee-staps/instellen");
    let page = app
        .get("/beheer/twee-staps/instellen")
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("<svg"), "QR code shown");
    let secret = between(&page, "<code class=\"secret\">", "</code>").to_owned();
    let code = auth::totp(&secret, EMAIL)
        .unwrap()
        .generate_current()
        .to_string();
    let response = app
        .post_form("/beheer/twee-staps/instellen", &[("code", &code)])
        .await;
    assert_eq!(response.status(), 303);
    assert_eq!(location(&response), "/beheer");
    secret
}

async fn sign_in_with_password_and_totp(db: Db) {
    let Some(app) = with_admin(db).await else {
        return;
    };
    // Not signed in: sent to the login page, in the right language.
    let response = app.get("/beheer").await;
    assert_eq!(location(&response), "/beheer/login");
    assert_eq!(location(&app.get("/en/beheer").await), "/en/beheer/login");

    // A wrong password: a clear message, the address kept, nothing revealed.
    let response = app
        .post_form("/beheer/login", &[("email", EMAIL), ("password", "fout")])
        .await;
    assert_eq!(response.status(), 401);
    let html = response.text().await.unwrap();
    assert!(html.contains("Het e-mailadres of wachtwoord klopt niet."));
    assert!(html.contains(&format!("value=\"{EMAIL}\"")));
    let unknown = app
        .post_form(
            "/beheer/login",
            &[("email", "niemand@hrnexus.nl"), ("password", "fout")],
        )
        .await;
    assert!(
        unknown
            .text()
            .await
            .unwrap()
            .contains("Het e-mailadres of wachtwoord klopt niet.")
    );

    // An invalid address: the message sits beside the field, with what was typed.
    let response = app
        .post_form(
            "/beheer/login",
            &[("email", "geen-adres"), ("password", "x")],
        )
        .await;
    assert_eq!(response.status(), 422);
    let html = response.text().await.unwrap();
    assert!(html.contains("id=\"email-error\"") && html.contains("value=\"geen-adres\""));

    // The password alone opens nothing but the second step.
    let before = app
        .post_form("/beheer/login", &[("email", EMAIL), ("password", PASSWORD)])
        .await;
    let half_session = session_cookie(&before).expect("a session after the password");
    assert_eq!(location(&app.get("/beheer").await), "/beheer/login");

    let page = app
        .get("/beheer/twee-staps/instellen")
        .await
        .text()
        .await
        .unwrap();
    let secret = between(&page, "<code class=\"secret\">", "</code>").to_owned();
    let wrong = app
        .post_form("/beheer/twee-staps/instellen", &[("code", "000000")])
        .await;
    assert!(wrong.status() == 422 || wrong.status() == 303);
    let code = auth::totp(&secret, EMAIL)
        .unwrap()
        .generate_current()
        .to_string();
    let done = app
        .post_form("/beheer/twee-staps/instellen", &[("code", &code)])
        .await;
    assert_eq!(location(&done), "/beheer");
    let full_session = session_cookie(&done).expect("a new session id after the second factor");
    assert_ne!(half_session, full_session, "session id changes at sign-in");

    let dashboard = app.get("/beheer").await;
    assert_eq!(dashboard.status(), 200);
    assert!(dashboard.text().await.unwrap().contains(EMAIL));
    assert_eq!(app.get("/en/beheer").await.status(), 200);

    // Enabling TOTP queued a notice to the account holder.
    let mails = app.store.list_mail(10).await.unwrap();
    assert!(
        mails
            .iter()
            .any(|m| m.mail.recipient == EMAIL && m.mail.subject.contains("Tweestapsverificatie"))
    );
    let events: Vec<String> = app
        .store
        .recent_audit(50)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.event)
        .collect();
    for event in [
        "login_failed",
        "login_password_ok",
        "totp_enrolled",
        "login",
    ] {
        assert!(events.iter().any(|e| e == event), "{event} in {events:?}");
    }

    // Logging out revokes the session on the server: the old cookie opens nothing.
    let out = app.post_form("/beheer/uitloggen", &[]).await;
    assert_eq!(location(&out), "/beheer/login");
    let replay = common::client()
        .get(app.url("/beheer"))
        .header("cookie", &full_session)
        .send()
        .await
        .unwrap();
    assert_eq!(location(&replay), "/beheer/login");

    // Next time: password, then a code (the next time step, since each is accepted once).
    let response = app
        .post_form("/beheer/login", &[("email", EMAIL), ("password", PASSWORD)])
        .await;
    assert_eq!(location(&response), "/beheer/twee-staps");
    let totp = auth::totp(&secret, EMAIL).unwrap();
    // The code accepted at enrolment (not "the current one": on a slow machine the 30-second
    // step may have moved on since, and a new step's code is rightly accepted).
    let replayed = app
        .post_form("/beheer/twee-staps", &[("code", &code)])
        .await;
    assert_eq!(replayed.status(), 401, "a code is accepted once");
    let next = totp.generate(now() as u64 + 30).to_string();
    let response = app
        .post_form("/beheer/twee-staps", &[("code", &next)])
        .await;
    assert_eq!(location(&response), "/beheer");
    assert_eq!(app.get("/beheer/audit").await.status(), 200);
}

async fn repeated_failures_lock_the_account_for_a_while(db: Db) {
    let Some(app) = with_admin(db).await else {
        return;
    };
    for _ in 0..5 {
        let response = app
            .post_form("/beheer/login", &[("email", EMAIL), ("password", "fout")])
            .await;
        assert_eq!(response.status(), 401);
    }
    let response = app
        .post_form("/beheer/login", &[("email", EMAIL), ("password", PASSWORD)])
        .await;
    assert_eq!(response.status(), 429);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("Te veel mislukte pogingen")
    );
    // Another account from the same address is not locked yet (the per-address limit is higher).
    let other = app
        .post_form(
            "/beheer/login",
            &[("email", "ander@hrnexus.nl"), ("password", "fout")],
        )
        .await;
    assert_eq!(other.status(), 401);
}

async fn api_keys_are_shown_once_and_can_be_revoked(db: Db) {
    let Some(app) = with_admin(db).await else {
        return;
    };
    let anonymous = app.get("/api/v1/me").await;
    assert_eq!(anonymous.status(), 401);
    sign_in_first_time(&app).await;

    let empty = app
        .post_form("/beheer/api-sleutels", &[("name", "  ")])
        .await;
    assert_eq!(empty.status(), 422);
    assert!(
        empty
            .text()
            .await
            .unwrap()
            .contains("Geef de sleutel een naam")
    );

    let created = app
        .post_form("/beheer/api-sleutels", &[("name", "Salarissysteem <test>")])
        .await;
    assert_eq!(created.status(), 200);
    assert_eq!(created.headers()["cache-control"], "no-store");
    let html = created.text().await.unwrap();
    assert!(
        html.contains("Salarissysteem &#60;test&#62;")
            || html.contains("Salarissysteem &lt;test&gt;")
    );
    let key = between(&html, "<code class=\"secret\" id=\"new-key\">", "</code>").to_owned();
    assert!(key.starts_with("hrx_"));
    assert!(
        !app.get("/beheer/api-sleutels")
            .await
            .text()
            .await
            .unwrap()
            .contains(&key),
        "shown once"
    );

    let client = reqwest::Client::new();
    let me = client
        .get(app.url("/api/v1/me"))
        .bearer_auth(&key)
        .send()
        .await
        .unwrap();
    assert_eq!(me.status(), 200);
    let body: serde_json::Value = me.json().await.unwrap();
    assert_eq!(body["name"], "Salarissysteem <test>");
    assert_eq!(body["created_by"], EMAIL);

    let id = body["id"].as_i64().unwrap();
    let revoked = app
        .post_form(&format!("/beheer/api-sleutels/{id}/intrekken"), &[])
        .await;
    assert_eq!(revoked.status(), 303);
    let after = client
        .get(app.url("/api/v1/me"))
        .bearer_auth(&key)
        .send()
        .await
        .unwrap();
    assert_eq!(after.status(), 401);
    assert_eq!(
        after.json::<serde_json::Value>().await.unwrap()["error"],
        "unauthorized"
    );
}

async fn outbox_viewer_lists_and_queues_a_test_mail(db: Db) {
    let Some(app) = with_admin(db).await else {
        return;
    };
    sign_in_first_time(&app).await;
    let response = app.post_form("/beheer/outbox/test", &[]).await;
    assert_eq!(location(&response), "/beheer/outbox");
    let page = app.get("/beheer/outbox").await.text().await.unwrap();
    assert!(page.contains("Testbericht van HRnexus"));
    let id = app.store.list_mail(1).await.unwrap()[0].id;
    let detail = app.get(&format!("/beheer/outbox/{id}")).await;
    assert_eq!(detail.status(), 200);
    assert!(
        detail
            .text()
            .await
            .unwrap()
            .contains("Dit is een testbericht.")
    );
    assert_eq!(app.get("/beheer/outbox/999999").await.status(), 404);
}

both_backends!(
    sign_in_with_password_and_totp,
    repeated_failures_lock_the_account_for_a_while,
    api_keys_are_shown_once_and_can_be_revoked,
    outbox_viewer_lists_and_queues_a_test_mail,
);

#[tokio::test]
async fn openapi_document_lists_exactly_the_api_routes() {
    let app = common::spawn(Db::Sqlite).await.unwrap();
    let document: serde_json::Value = app.get("/api/openapi.json").await.json().await.unwrap();
    assert!(document["openapi"].as_str().unwrap().starts_with("3.1"));
    let mut paths: Vec<&str> = document["paths"]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    paths.sort();
    assert_eq!(
        paths,
        [
            "/api/v1/articles",
            "/api/v1/health",
            "/api/v1/intakes",
            "/api/v1/introductions",
            "/api/v1/introductions/{id}/accept",
            "/api/v1/introductions/{id}/decline",
            "/api/v1/kompas/subscriptions",
            "/api/v1/me",
            "/api/v1/providers",
            "/api/v1/scans",
            "/api/v1/scans/{id}",
            "/api/v1/scans/{id}/invitations",
            "/api/v1/scans/{id}/invites",
            "/api/v1/scans/{id}/report.pdf",
            "/api/v1/scans/{id}/results"
        ]
    );
    // Every documented path is served (a 401 without a key, or 405 for a POST-only path,
    // is still a route; an unrouted path would be 404).
    for path in paths {
        let status = app.get(&path.replace("{id}", "1")).await.status();
        assert!(
            status == 200 || status == 401 || status == 405,
            "{path}: {status}"
        );
    }
    assert_eq!(
        document,
        serde_json::to_value(hrnexus::web::api::openapi()).unwrap()
    );
}
