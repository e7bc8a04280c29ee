//! The security baseline every response gets: cross-site request refusal, security
//! headers, and the client address as far as it can be trusted.

use std::net::{IpAddr, SocketAddr};

use axum::{
    extract::{ConnectInfo, FromRequestParts, Path},
    http::{HeaderMap, HeaderValue, Method, header, request::Parts},
};

use hrnexus_core::token::RecordId;

use crate::web::{AppState, error::WebError};

/// Refuses state-changing requests that a browser marks as coming from another site.
///
/// Browsers send `Sec-Fetch-Site` (all current ones) and `Origin` on unsafe methods; session
/// cookies are also `SameSite=Lax`. This check replaces tokens in every form. `Origin` must be
/// this site's own origin (scheme, host and port of `base_url`): the `Host` header says which
/// name was asked for, not which page sent the form.
pub fn is_cross_site(method: &Method, headers: &HeaderMap, site_origin: &str) -> bool {
    if matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS) {
        return false;
    }
    if let Some(site) = headers.get("sec-fetch-site") {
        return !matches!(site.as_bytes(), b"same-origin" | b"none");
    }
    if let Some(origin) = headers.get(header::ORIGIN) {
        return match origin.to_str() {
            Ok(origin) => normalised_origin(origin).as_deref() != Some(site_origin),
            Err(_) => true,
        };
    }
    // Neither header: not a browser form post (curl, an API client), nothing to forge.
    false
}

/// `scheme://host[:port]` in lower case without a default port, or `None` for anything else
/// (`null`, a path, user info).
pub fn normalised_origin(url: &str) -> Option<String> {
    let (scheme, rest) = url.split_once("://")?;
    let scheme = scheme.to_ascii_lowercase();
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    if authority.is_empty() || authority.contains('@') {
        return None;
    }
    let authority = authority.to_ascii_lowercase();
    let authority = match scheme.as_str() {
        "http" => authority
            .strip_suffix(":80")
            .unwrap_or(&authority)
            .to_owned(),
        "https" => authority
            .strip_suffix(":443")
            .unwrap_or(&authority)
            .to_owned(),
        _ => return None,
    };
    Some(format!("{scheme}://{authority}"))
}

/// The one unsafe route exempt from the cross-site refusal: `POST /kompas/afmelden/{token}`
/// (and its `/en` twin), the RFC 8058 one-click unsubscribe address in every Kompas mail's
/// `List-Unsubscribe` header. Mail providers post to it from their own servers or from the
/// mail client's origin, which is cross-site by nature, and the RFC forbids asking for more
/// (no cookie, no CSRF token). The secret token in the path is the only authority, and all it
/// can do is stop mail to that subscriber, so a forged post gains nothing a link holder lacks.
pub fn is_one_click_unsubscribe(method: &Method, path: &str) -> bool {
    let path = path.strip_prefix("/en").unwrap_or(path);
    *method == Method::POST
        && path
            .strip_prefix("/kompas/afmelden/")
            .is_some_and(|token| !token.is_empty() && !token.contains('/'))
}

/// Areas whose pages belong to one person (or carry a token or an API answer): no shared
/// or browser cache may keep a copy. Public pages keep their own caching rules.
const PRIVATE_AREAS: [&str; 6] = [
    "/beheer",
    "/werkgever",
    "/scan",
    "/api",
    "/portaal",
    "/beoordeling",
];

pub fn is_private_path(path: &str) -> bool {
    let path = path.strip_prefix("/en").unwrap_or(path);
    PRIVATE_AREAS.iter().any(|area| {
        path.strip_prefix(area)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with('/') || rest.starts_with('.'))
    })
}

const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
                   object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// The security headers every response gets (see `web::edge`). `private`: a path in
/// [`PRIVATE_AREAS`]; `too_many`: the response is a 429.
pub fn set_headers(headers: &mut HeaderMap, private: bool, https: bool, too_many: bool) {
    // Room for the headers below at once, instead of growing the map step by step.
    headers.reserve(8);
    if private {
        let stored = headers
            .get(header::CACHE_CONTROL)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.contains("no-store"));
        if !stored {
            headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        }
    }
    // Every refusal for speed says when to come back. Limiters that know better set their own;
    // the in-memory form limiter counts per minute, so a minute is always enough.
    if too_many && !headers.contains_key(header::RETRY_AFTER) {
        headers.insert(header::RETRY_AFTER, HeaderValue::from_static("60"));
    }
    // A response that set its own policy keeps it (the back office's mail preview, which
    // must show inline styles inside a sandboxed frame); every other gets the site's.
    if !headers.contains_key(header::CONTENT_SECURITY_POLICY) {
        headers.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(CSP),
        );
    }
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    // Other sites see only the origin, never a path (invite and sign-in links carry tokens).
    // Not `no-referrer`: with it browsers send `Origin: null` on our own forms, and a browser
    // without Sec-Fetch-Site could then not post any form here.
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("strict-origin-when-cross-origin"),
    );
    if !headers.contains_key(header::X_FRAME_OPTIONS) {
        headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    }
    headers.insert(
        PERMISSIONS_POLICY,
        HeaderValue::from_static("camera=(), microphone=(), geolocation=(), interest-cohort=()"),
    );
    if https {
        headers.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000; includeSubDomains"),
        );
    }
}

const PERMISSIONS_POLICY: header::HeaderName =
    header::HeaderName::from_static("permissions-policy");

/// Limits public form posts per client address: `public_form_rate_per_minute` at once, then
/// one more every `60 / rate` seconds (GCRA; refused posts do not count).
///
/// On PostgreSQL, where several instances share the database, the limit lives there
/// (`Operations::rate_limit_allows`, one statement per post) so that it holds for the site and
/// not per instance; the key is a keyed hash of the address under the server secret, so the
/// database never holds addresses of people who answered a scan. On SQLite (one process) it
/// stays in memory, where it costs no write next to the scan answers' group commits.
pub struct FormLimiter(Limiter);

enum Limiter {
    Off,
    Memory(governor::DefaultKeyedRateLimiter<IpAddr>),
    Shared {
        store: crate::storage::DynStorage,
        secret: std::sync::Arc<crate::secret::ServerSecret>,
        interval_ms: i64,
    },
}

/// The window a rate is counted over: a minute.
const WINDOW_MS: i64 = 60_000;

impl FormLimiter {
    /// In this process's memory only.
    pub fn in_memory(per_minute: u32) -> FormLimiter {
        let quota = std::num::NonZeroU32::new(per_minute).map(governor::Quota::per_minute);
        FormLimiter(quota.map_or(Limiter::Off, |q| {
            Limiter::Memory(governor::RateLimiter::keyed(q))
        }))
    }

    /// In the database, shared with every instance on it.
    pub fn shared(
        per_minute: u32,
        store: crate::storage::DynStorage,
        secret: std::sync::Arc<crate::secret::ServerSecret>,
    ) -> FormLimiter {
        if per_minute == 0 {
            return FormLimiter(Limiter::Off);
        }
        FormLimiter(Limiter::Shared {
            store,
            secret,
            interval_ms: (WINDOW_MS / i64::from(per_minute)).max(1),
        })
    }

    /// Shared when the database can be shared (PostgreSQL), in memory otherwise.
    pub fn for_store(
        per_minute: u32,
        store: &crate::storage::DynStorage,
        secret: &std::sync::Arc<crate::secret::ServerSecret>,
    ) -> FormLimiter {
        match store.backend() {
            crate::storage::Backend::Postgres => {
                FormLimiter::shared(per_minute, store.clone(), secret.clone())
            }
            crate::storage::Backend::Sqlite => FormLimiter::in_memory(per_minute),
        }
    }

    /// True when this address may post another form now. A database that does not answer
    /// lets the post through (and is logged): the post itself will then tell the visitor.
    pub async fn allow(&self, ip: &ClientIp) -> bool {
        let Some(ip) = ip.0 else {
            return true;
        };
        match &self.0 {
            Limiter::Off => true,
            Limiter::Memory(limiter) => limiter.check_key(&ip).is_ok(),
            Limiter::Shared {
                store,
                secret,
                interval_ms,
            } => {
                let key = rate_key(secret, ip);
                let now_ms = chrono::Utc::now().timestamp_millis();
                match store
                    .rate_limit_allows(&key, now_ms, *interval_ms, WINDOW_MS)
                    .await
                {
                    Ok(allowed) => allowed,
                    Err(e) => {
                        tracing::warn!(error = %e, "shared rate limit unavailable");
                        true
                    }
                }
            }
        }
    }

    /// Forgets addresses that have been quiet, so memory (or the table) does not grow.
    pub async fn forget_idle(&self) {
        match &self.0 {
            Limiter::Off => {}
            Limiter::Memory(limiter) => limiter.retain_recent(),
            Limiter::Shared { store, .. } => {
                let now_ms = chrono::Utc::now().timestamp_millis();
                if let Err(e) = store.forget_rate_limits(now_ms).await {
                    tracing::warn!(error = %e, "forgetting rate limits");
                }
            }
        }
    }
}

/// The key of `ip` in the shared limiter: `form:` and 32 hex characters of a keyed hash.
fn rate_key(secret: &crate::secret::ServerSecret, ip: IpAddr) -> String {
    let hash = secret.keyed_hash(crate::secret::Purpose::RateLimit, ip.to_string().as_bytes());
    format!("form:{}", &hash[..32])
}

/// A record id from the path (`/beheer/api-sleutels/{id}/…`): a positive integer, and any
/// other shape is a plain 404 before a handler sees it.
pub struct IdPath(pub i64);

impl<S: Send + Sync> FromRequestParts<S> for IdPath {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        Path::<RecordId>::from_request_parts(parts, state)
            .await
            .map(|Path(id)| IdPath(id.get()))
            .map_err(|_| WebError::NotFound)
    }
}

/// The visitor's IP address: the peer, or the first untrusted hop of `X-Forwarded-For`
/// when the peer is a configured proxy.
#[derive(Debug, Clone, Copy)]
pub struct ClientIp(pub Option<IpAddr>);

impl ClientIp {
    pub fn as_string(&self) -> Option<String> {
        self.0.map(|ip| ip.to_string())
    }
}

impl FromRequestParts<AppState> for ClientIp {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0.ip());
        let Some(peer) = peer else {
            return Ok(ClientIp(None));
        };
        let proxies = &state.settings.trusted_proxies;
        if !proxies.contains(&peer) {
            return Ok(ClientIp(Some(peer)));
        }
        let forwarded = parts
            .headers
            .get("x-forwarded-for")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        // Walk from the nearest hop back; the first address that is not our proxy is the client.
        let client = forwarded
            .rsplit(',')
            .filter_map(|hop| hop.trim().parse::<IpAddr>().ok())
            .find(|ip| !proxies.contains(ip))
            .unwrap_or(peer);
        Ok(ClientIp(Some(client)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_one_click_unsubscribe_post_is_exempt() {
        let t = "Zm9vYmFyYmF6cXV4cXV1eHF1dXhxdXV4cXV1eHF1dXg";
        assert!(is_one_click_unsubscribe(
            &Method::POST,
            &format!("/kompas/afmelden/{t}")
        ));
        assert!(is_one_click_unsubscribe(
            &Method::POST,
            &format!("/en/kompas/afmelden/{t}")
        ));
        for path in [
            "/kompas",
            "/kompas/afmelden/",
            &format!("/kompas/wissen/{t}"),
            &format!("/kompas/opnieuw/{t}"),
            &format!("/kompas/afmelden/{t}/x"),
            &format!("/werkgever/kompas/afmelden/{t}"),
        ] {
            assert!(!is_one_click_unsubscribe(&Method::POST, path), "{path}");
        }
        assert!(!is_one_click_unsubscribe(
            &Method::PUT,
            &format!("/kompas/afmelden/{t}")
        ));
    }

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (k, v) in pairs {
            map.insert(*k, HeaderValue::from_static(v));
        }
        map
    }

    const SITE: &str = "https://hrnexus.nl";

    #[test]
    fn cross_site_posts_are_recognised() {
        let post = Method::POST;
        let cross =
            |pairs: &[(&'static str, &'static str)]| is_cross_site(&post, &headers(pairs), SITE);
        assert!(cross(&[("sec-fetch-site", "cross-site")]));
        assert!(cross(&[("sec-fetch-site", "same-site")]));
        assert!(!cross(&[("sec-fetch-site", "same-origin")]));
        assert!(cross(&[
            ("origin", "https://evil.example"),
            ("host", "hrnexus.nl")
        ]));
        assert!(!cross(&[
            ("origin", "https://hrnexus.nl"),
            ("host", "hrnexus.nl")
        ]));
        assert!(!cross(&[("origin", "https://HRnexus.nl:443")]));
        // The scheme and port count, and the Host header proves nothing.
        assert!(cross(&[
            ("origin", "http://hrnexus.nl"),
            ("host", "hrnexus.nl")
        ]));
        assert!(cross(&[("origin", "https://hrnexus.nl:8443")]));
        assert!(cross(&[
            ("origin", "https://evil.example"),
            ("host", "evil.example")
        ]));
        assert!(cross(&[("origin", "null"), ("host", "hrnexus.nl")]));
        assert!(!is_cross_site(
            &Method::GET,
            &headers(&[("sec-fetch-site", "cross-site")]),
            SITE
        ));
        assert!(!cross(&[]));
    }

    #[test]
    fn private_areas_are_recognised() {
        for path in [
            "/beheer",
            "/en/beheer/audit",
            "/werkgever/scans/1",
            "/scan/abc",
            "/api/v1/me",
            "/portaal/voorstel/abc",
            "/en/beoordeling/abc",
        ] {
            assert!(is_private_path(path), "{path}");
        }
        for path in [
            "/",
            "/en/",
            "/autonomie-scan",
            "/scanner",
            "/beheerder",
            "/static/style.css",
            "/static/scan.0123456789ab.css",
        ] {
            assert!(!is_private_path(path), "{path}");
        }
    }
}
