//! The public shell over HTTP: languages, errors, security baseline, health and metrics.

use crate::common;

use common::Db;

#[tokio::test]
async fn home_page_speaks_dutch_and_english_with_hreflang() {
    let app = common::spawn(Db::Sqlite).await.unwrap();
    let nl = app.get("/").await;
    assert_eq!(nl.status(), 200);
    let html = nl.text().await.unwrap();
    assert!(html.contains("<html lang=\"nl\">"));
    assert!(html.contains("Geef vertrouwen, krijg resultaat"));
    assert!(html.contains("hreflang=\"en\" href=\"http://localhost:8080/en/\""));
    assert!(html.contains("hreflang=\"nl\" href=\"http://localhost:8080/\""));

    let en = app.get("/en/").await;
    assert_eq!(en.status(), 200);
    let html = en.text().await.unwrap();
    assert!(html.contains("<html lang=\"en\">"));
    assert!(html.contains("Give trust, get results"));
    assert!(html.contains("href=\"/\" hreflang=\"nl\""));

    let bare = app.get("/en").await;
    assert_eq!(bare.status(), 308);
    assert_eq!(bare.headers()["location"], "/en/");
}

#[tokio::test]
async fn unknown_pages_get_a_404_in_the_visitors_language() {
    let app = common::spawn(Db::Sqlite).await.unwrap();
    let nl = app.get("/bestaat-niet").await;
    assert_eq!(nl.status(), 404);
    assert!(
        nl.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    assert!(nl.text().await.unwrap().contains("Pagina niet gevonden"));
    let en = app.get("/en/does-not-exist").await;
    assert_eq!(en.status(), 404);
    let html = en.text().await.unwrap();
    assert!(html.contains("Page not found") && html.contains("<html lang=\"en\">"));
    let api = app.get("/api/v1/nothing").await;
    assert_eq!(api.status(), 404);
    // The API's one error shape (tests/it/api_contract.rs).
    assert_eq!(
        api.json::<serde_json::Value>().await.unwrap()["error"],
        "not_found"
    );
}

#[tokio::test]
async fn every_page_carries_the_security_headers() {
    let app = common::spawn(Db::Sqlite).await.unwrap();
    for path in ["/", "/en/", "/bestaat-niet", "/beheer/login"] {
        let response = app.get(path).await;
        let headers = response.headers();
        let csp = headers["content-security-policy"].to_str().unwrap();
        assert!(
            csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"),
            "{path}: {csp}"
        );
        assert!(csp.contains("frame-ancestors 'none'"));
        assert_eq!(headers["x-content-type-options"], "nosniff");
        // Not no-referrer: that makes browsers send `Origin: null` on our own forms.
        assert_eq!(
            headers["referrer-policy"],
            "strict-origin-when-cross-origin"
        );
        assert!(
            headers.get("strict-transport-security").is_none(),
            "no HSTS over plain http"
        );
    }
}

#[tokio::test]
async fn hsts_is_sent_when_the_site_is_served_over_https() {
    let app = common::spawn_with(Db::Sqlite, "base_url = \"https://hrnexus.nl\"\n")
        .await
        .unwrap();
    let response = app.get("/").await;
    assert!(
        response.headers()["strict-transport-security"]
            .to_str()
            .unwrap()
            .contains("max-age=")
    );
}

#[tokio::test]
async fn cross_site_form_posts_are_refused() {
    let app = common::spawn(Db::Sqlite).await.unwrap();
    let forged = app
        .client
        .post(app.url("/beheer/login"))
        .header("sec-fetch-site", "cross-site")
        .form(&[("email", "a@b.nl"), ("password", "x")])
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), 403);
    let other_origin = app
        .client
        .post(app.url("/beheer/login"))
        .header("origin", "https://evil.example")
        .form(&[("email", "a@b.nl"), ("password", "x")])
        .send()
        .await
        .unwrap();
    assert_eq!(other_origin.status(), 403);
    assert!(other_origin.text().await.unwrap().contains("Geen toegang"));
    // Nothing was attempted: the audit log has no failed login.
    assert!(app.store.recent_audit(10).await.unwrap().is_empty());
}

#[tokio::test]
async fn oversized_and_malformed_requests_get_4xx_pages() {
    let app = common::spawn(Db::Sqlite).await.unwrap();
    let big = "x".repeat(200 * 1024);
    let response = app.post_form("/beheer/login", &[("email", &big)]).await;
    assert_eq!(response.status(), 413);
    assert!(response.text().await.unwrap().contains("Te veel gegevens"));
    let wrong_type = app
        .client
        .post(app.url("/beheer/login"))
        .header("sec-fetch-site", "same-origin")
        .header("content-type", "application/json")
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(wrong_type.status(), 415, "a form wants a form body");
    let method = app.client.delete(app.url("/")).send().await.unwrap();
    assert_eq!(method.status(), 405);
    let bad_id = app.get("/beheer/outbox/niet-een-getal").await;
    // Signed out, the back office sends everyone to its sign-in page first.
    assert_eq!(bad_id.status(), 303);
    assert_eq!(bad_id.headers()["location"], "/beheer/login");
}

#[tokio::test]
async fn health_robots_and_static_assets() {
    let app = common::spawn(Db::Sqlite).await.unwrap();
    let health = app.get("/healthz").await;
    assert_eq!(health.status(), 200);
    assert_eq!(
        health.json::<serde_json::Value>().await.unwrap()["status"],
        "ok"
    );
    let robots = app.get("/robots.txt").await.text().await.unwrap();
    assert!(robots.contains("Disallow: /beheer") && robots.contains("Sitemap:"));
    let css = app.get("/static/style.css").await;
    assert_eq!(css.headers()["content-type"], "text/css; charset=utf-8");
}

/// The address of the first `<link rel="stylesheet">` in a page.
pub fn stylesheet_href(html: &str) -> String {
    let marker = "<link rel=\"stylesheet\" href=\"";
    let start = html.find(marker).expect("a stylesheet link") + marker.len();
    html[start..start + html[start..].find('"').unwrap()].to_owned()
}

async fn get_with(app: &common::TestApp, path: &str, accept: &str) -> reqwest::Response {
    common::client()
        .get(app.url(path))
        .header("accept-encoding", accept)
        .send()
        .await
        .unwrap()
}

fn unbrotli(body: &[u8]) -> Vec<u8> {
    let mut plain = Vec::new();
    brotli::BrotliDecompress(&mut &body[..], &mut plain).unwrap();
    plain
}

fn ungzip(body: &[u8]) -> Vec<u8> {
    let mut plain = Vec::new();
    std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(body), &mut plain).unwrap();
    plain
}

#[tokio::test]
async fn static_files_have_fingerprinted_addresses_cached_for_a_year() {
    let app = common::spawn(Db::Sqlite).await.unwrap();
    let html = app.get("/").await.text().await.unwrap();
    let href = stylesheet_href(&html);
    let hash = href
        .strip_prefix("/static/style.")
        .and_then(|rest| rest.strip_suffix(".css"))
        .unwrap_or_else(|| panic!("a fingerprinted stylesheet address: {href}"));
    assert!(
        hash.len() >= 8 && hash.bytes().all(|b| b.is_ascii_hexdigit()),
        "{href}"
    );
    assert!(
        !html.contains("\"/static/favicon.svg\""),
        "the icon is fingerprinted too"
    );

    let plain = app.get(&href).await;
    assert_eq!(plain.status(), 200);
    assert_eq!(
        plain.headers()["cache-control"],
        "public, max-age=31536000, immutable"
    );
    assert_eq!(plain.headers()["content-type"], "text/css; charset=utf-8");
    assert!(plain.headers().get("content-encoding").is_none());
    let css = plain.bytes().await.unwrap();
    assert!(css.starts_with(b"/* HRnexus"));

    // Compressed once at start; the client gets what it asked for.
    let br = get_with(&app, &href, "gzip, deflate, br").await;
    assert_eq!(br.headers()["content-encoding"], "br");
    assert_eq!(br.headers()["vary"], "accept-encoding");
    assert_eq!(
        br.headers()["cache-control"],
        "public, max-age=31536000, immutable"
    );
    let body = br.bytes().await.unwrap();
    assert!(
        body.len() < css.len() / 3,
        "{} of {}",
        body.len(),
        css.len()
    );
    assert_eq!(unbrotli(&body), css);
    let gzip = get_with(&app, &href, "gzip").await;
    assert_eq!(gzip.headers()["content-encoding"], "gzip");
    assert_eq!(ungzip(&gzip.bytes().await.unwrap()), css);

    // A wrong or old fingerprint is not found; the old plain address still works, briefly.
    for wrong in [
        "/static/style.0123456789ab.css".to_owned(),
        href.replace(hash, &"0".repeat(hash.len())),
        "/static/style..css".to_owned(),
        "/static/nothing.css".to_owned(),
    ] {
        assert_eq!(app.get(&wrong).await.status(), 404, "{wrong}");
    }
    let old = get_with(&app, "/static/style.css", "br").await;
    assert_eq!(old.status(), 200);
    assert_eq!(old.headers()["cache-control"], "public, max-age=600");
    assert_eq!(unbrotli(&old.bytes().await.unwrap()), css);
    let icon = app.get("/static/favicon.svg").await;
    assert_eq!(icon.status(), 200);
    assert_eq!(icon.headers()["content-type"], "image/svg+xml");
}

#[tokio::test]
async fn pages_are_compressed_by_accept_encoding() {
    let app = common::spawn(Db::Sqlite).await.unwrap();
    let plain = app.get("/autonomie-scan").await;
    assert!(plain.headers().get("content-encoding").is_none());
    let html = plain.bytes().await.unwrap();
    assert!(html.len() > 2_000);

    let br = get_with(&app, "/autonomie-scan", "gzip, deflate, br").await;
    assert_eq!(br.status(), 200);
    assert_eq!(br.headers()["content-encoding"], "br");
    assert!(
        br.headers()["vary"]
            .to_str()
            .unwrap()
            .to_ascii_lowercase()
            .contains("accept-encoding")
    );
    // The security headers are still there.
    assert!(br.headers().contains_key("content-security-policy"));
    let body = br.bytes().await.unwrap();
    assert!(
        body.len() < html.len() / 2,
        "{} of {}",
        body.len(),
        html.len()
    );
    assert_eq!(unbrotli(&body), html);

    let gzip = get_with(&app, "/autonomie-scan", "gzip").await;
    assert_eq!(gzip.headers()["content-encoding"], "gzip");
    assert_eq!(ungzip(&gzip.bytes().await.unwrap()), html);

    // The home page is compressed once per language and served from memory.
    let home = app.get("/").await.bytes().await.unwrap();
    let home_br = get_with(&app, "/", "br").await;
    assert_eq!(home_br.headers()["content-encoding"], "br");
    assert_eq!(home_br.headers()["vary"], "accept-encoding");
    assert_eq!(unbrotli(&home_br.bytes().await.unwrap()), home);

    // JSON too; tiny bodies and refused encodings go out as they are.
    let json = get_with(&app, "/api/openapi.json", "br").await;
    assert_eq!(json.status(), 200);
    assert_eq!(json.headers()["content-encoding"], "br");
    let tiny = get_with(&app, "/healthz", "br, gzip").await;
    assert!(tiny.headers().get("content-encoding").is_none());
    let refused = get_with(&app, "/autonomie-scan", "br;q=0, identity").await;
    assert!(refused.headers().get("content-encoding").is_none());
}

#[tokio::test]
async fn metrics_are_private_unless_a_token_is_given() {
    let app = common::spawn(Db::Sqlite).await.unwrap();
    app.get("/").await;
    assert_eq!(app.get("/metrics").await.status(), 404);

    let token = "a-long-metrics-token-123";
    let app = common::spawn_with(
        Db::Sqlite,
        &format!("metrics_token = \"{token}\"\nadmin_listen = \"127.0.0.1:0\"\n"),
    )
    .await
    .unwrap();
    app.get("/").await;
    assert_eq!(app.get("/metrics").await.status(), 404);
    let with_token = app
        .client
        .get(app.url("/metrics"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    assert_eq!(with_token.status(), 200);
    assert!(
        with_token
            .text()
            .await
            .unwrap()
            .contains("hrnexus_http_requests_total")
    );
    let admin = app.running.admin_addr.unwrap();
    // A token path is counted under its route template, never under the path itself.
    app.get("/scan/geheim-token-in-het-pad").await;
    let wanted = [
        "hrnexus_http_request_duration_seconds_bucket{route=\"/\",le=\"0.005\"}",
        "route=\"/scan/{token}\"",
        "hrnexus_outbox_messages{status=\"pending\"}",
        "hrnexus_outbox_oldest_unsent_age_seconds",
        "hrnexus_db_pool_connections{state=\"in_use\"}",
        "hrnexus_db_pool_max_connections",
    ];
    // The gauges are written by the housekeeping job, which may not have run yet.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    let text = loop {
        let private = reqwest::get(format!("http://{admin}/metrics"))
            .await
            .unwrap();
        assert_eq!(private.status(), 200);
        let text = private.text().await.unwrap();
        if wanted.iter().all(|w| text.contains(w)) || std::time::Instant::now() > deadline {
            break text;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    };
    for w in wanted {
        assert!(text.contains(w), "{w} missing from {text}");
    }
    assert!(!text.contains("geheim-token"), "{text}");
    let ready = reqwest::get(format!("http://{admin}/readyz"))
        .await
        .unwrap();
    assert_eq!(ready.status(), 200);
}

#[tokio::test]
async fn dutch_dates_are_written_out_in_full() {
    use chrono::NaiveDate;
    use hrnexus::i18n::Lang;
    let date = NaiveDate::from_ymd_opt(2026, 11, 27).unwrap();
    assert_eq!(Lang::Nl.date_long(date), "vrijdag 27 november 2026");
}
