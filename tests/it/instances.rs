//! Several instances on one PostgreSQL database, as behind a load balancer: what must hold
//! for the site and not per instance. Also liveness and readiness.

use hrnexus::app;

use crate::{
    both_backends,
    common::{self, Db, TestApp},
};

const SECRET: &str = "5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e";

/// A second instance on `first`'s database, with the same settings.
async fn second_instance(first: &TestApp, extra_toml: &str) -> (app::Running, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let url = first.pg.as_ref().map(|pg| pg.url.clone());
    let settings = common::settings(dir.path(), url, extra_toml);
    let store = app::open_storage(&settings).await.unwrap();
    (app::start(settings, store).await.unwrap(), dir)
}

/// A same-origin form post to `base` from the visitor at `from` (the test client plays the
/// trusted proxy).
async fn post_from(base: &str, path: &str, from: &str, form: &[(&str, &str)]) -> u16 {
    common::client()
        .post(format!("{base}{path}"))
        .header("sec-fetch-site", "same-origin")
        .header("x-forwarded-for", from)
        .form(form)
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_instances_share_the_public_form_limit() {
    let toml = format!(
        "public_form_rate_per_minute = 2\ntrusted_proxies = [\"127.0.0.1\"]\nserver_secret = \"{SECRET}\"\n"
    );
    let Some(a) = common::spawn_with(Db::Postgres, &toml).await else {
        return;
    };
    let (b, _dir) = second_instance(&a, &toml).await;
    let b_base = format!("http://{}", b.addr);
    let login = "/werkgever/login";
    let form = [("email", "werkgever@bedrijf.nl")];
    let visitor = "203.0.113.7";
    // Two posts at once are allowed (one on each instance); the third is refused on either.
    assert_eq!(post_from(&a.base, login, visitor, &form).await, 200);
    assert_eq!(post_from(&b_base, login, visitor, &form).await, 200);
    assert_eq!(post_from(&a.base, login, visitor, &form).await, 429);
    assert_eq!(post_from(&b_base, login, visitor, &form).await, 429);
    // Another visitor behind the same proxy has an allowance of their own.
    assert_eq!(post_from(&b_base, login, "198.51.100.20", &form).await, 200);
    // The audit log saw the visitor, not the proxy; the limiter's table holds no address.
    let audit = a.store.recent_audit(20).await.unwrap();
    let ips: Vec<_> = audit.iter().filter_map(|e| e.ip.as_deref()).collect();
    assert!(
        ips.contains(&visitor) && ips.contains(&"198.51.100.20"),
        "{ips:?}"
    );
    assert!(!ips.contains(&"127.0.0.1"), "{ips:?}");
    let keys: Vec<String> = {
        use sqlx::Connection;
        let url = &a.pg.as_ref().unwrap().url;
        let mut conn = sqlx::PgConnection::connect(url).await.unwrap();
        sqlx::query_scalar("SELECT key FROM rate_limits")
            .fetch_all(&mut conn)
            .await
            .unwrap()
    };
    assert_eq!(keys.len(), 2, "{keys:?}");
    assert!(
        keys.iter()
            .all(|k| !k.contains("203.0.113") && !k.contains("198.51"))
    );
    b.stop().await;
}

/// Without a configured proxy, `X-Forwarded-For` is the visitor's own word and is ignored:
/// a client cannot step around the limit by claiming to be someone else.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_forged_forwarded_for_does_not_escape_the_limit() {
    let toml = format!("public_form_rate_per_minute = 2\nserver_secret = \"{SECRET}\"\n");
    let Some(a) = common::spawn_with(Db::Postgres, &toml).await else {
        return;
    };
    let (b, _dir) = second_instance(&a, &toml).await;
    let b_base = format!("http://{}", b.addr);
    let form = [("email", "werkgever@bedrijf.nl")];
    let statuses = [
        post_from(&a.base, "/werkgever/login", "203.0.113.1", &form).await,
        post_from(&b_base, "/werkgever/login", "203.0.113.2", &form).await,
        post_from(&a.base, "/werkgever/login", "203.0.113.3", &form).await,
    ];
    assert_eq!(statuses, [200, 200, 429]);
    let audit = a.store.recent_audit(20).await.unwrap();
    assert!(
        audit.iter().all(|e| e.ip.as_deref() == Some("127.0.0.1")),
        "{audit:?}"
    );
    b.stop().await;
}

async fn liveness_is_cheap_and_readiness_checks_the_schema(db: Db) {
    let Some(app) = common::spawn(db).await else {
        return;
    };
    let health = app.get("/healthz").await;
    assert_eq!(health.status(), 200);
    let body: serde_json::Value = health.json().await.unwrap();
    assert_eq!(body, serde_json::json!({ "status": "ok" }));
    let ready = app.get("/readyz").await;
    assert_eq!(ready.status(), 200);
    assert_eq!(
        ready.json::<serde_json::Value>().await.unwrap()["status"],
        "ready"
    );
    assert_eq!(app.store.pending_migrations().await.unwrap(), 0);

    // A migration the database lacks: not ready, and says why.
    execute(
        db,
        &app,
        "DELETE FROM _sqlx_migrations WHERE version = (SELECT MAX(version) FROM _sqlx_migrations)",
    )
    .await;
    assert_eq!(app.store.pending_migrations().await.unwrap(), 1);
    let ready = app.get("/readyz").await;
    assert_eq!(ready.status(), 503);
    assert_eq!(
        ready.json::<serde_json::Value>().await.unwrap(),
        serde_json::json!({ "status": "unavailable", "reason": "migrations pending" })
    );
    assert_eq!(app.get("/healthz").await.status(), 200);
}

/// A database that is gone: readiness says so at once, liveness does not ask it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn readiness_fails_when_the_database_is_gone() {
    let Some(app) = common::spawn(Db::Postgres).await else {
        return;
    };
    assert_eq!(app.get("/readyz").await.status(), 200);
    {
        use sqlx::{Connection, Executor};
        let url = &app.pg.as_ref().unwrap().url;
        let (base, name) = url.rsplit_once('/').unwrap();
        let mut admin = sqlx::PgConnection::connect(&format!("{base}/postgres"))
            .await
            .unwrap();
        admin
            .execute(sqlx::AssertSqlSafe(format!(
                "DROP DATABASE {name} WITH (FORCE)"
            )))
            .await
            .unwrap();
    }
    let ready = app.get("/readyz").await;
    assert_eq!(ready.status(), 503);
    assert_eq!(
        ready.json::<serde_json::Value>().await.unwrap()["reason"],
        "database unreachable"
    );
    assert_eq!(app.get("/healthz").await.status(), 200);
    // The admin listener has both too (when configured); the site's copy is what nginx sees.
}

async fn execute(db: Db, app: &TestApp, sql: &'static str) {
    use sqlx::{Connection, Executor};
    match db {
        Db::Postgres => {
            let url = &app.pg.as_ref().unwrap().url;
            let mut conn = sqlx::PgConnection::connect(url).await.unwrap();
            conn.execute(sql).await.unwrap();
        }
        Db::Sqlite => {
            let url = format!("sqlite://{}", app.dir.path().join("hrnexus.db").display());
            let mut conn = sqlx::SqliteConnection::connect(&url).await.unwrap();
            conn.execute(sql).await.unwrap();
        }
    }
}

both_backends!(liveness_is_cheap_and_readiness_checks_the_schema);
