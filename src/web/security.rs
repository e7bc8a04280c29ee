//! The security baseline every response gets: cross-site request refusal, security
//! headers, and the client address as far as it can be trusted.

use std::net::{IpAddr, SocketAddr};

use axum::{
    extract::{ConnectInfo, FromRequestParts, Request, State},
    http::{HeaderMap, HeaderValue, Method, StatusCode, header, request::Parts},
    middleware::Next,
    response::{IntoResponse, Response},
};

use crate::web::AppState;

/// Refuses state-changing requests that a browser marks as coming from another site.
///
/// Browsers send `Sec-Fetch-Site` (all current ones) and `Origin` on unsafe methods; session
/// cookies are also `SameSite=Lax`. This check replaces tokens in every form.
pub fn is_cross_site(method: &Method, headers: &HeaderMap) -> bool {
    if matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS) {
        return false;
    }
    if let Some(site) = headers.get("sec-fetch-site") {
        return !matches!(site.as_bytes(), b"same-origin" | b"none");
    }
    if let Some(origin) = headers.get(header::ORIGIN) {
        let host = headers
            .get(header::HOST)
            .map(HeaderValue::as_bytes)
            .unwrap_or_default();
        let origin_host = origin
            .to_str()
            .ok()
            .and_then(|o| o.split_once("://"))
            .map(|(_, rest)| rest.as_bytes())
            .unwrap_or(b"null");
        return origin_host != host;
    }
    // Neither header: not a browser form post (curl, an API client), nothing to forge.
    false
}

pub async fn refuse_cross_site(request: Request, next: Next) -> Response {
    if is_cross_site(request.method(), request.headers()) {
        // No path in the log: paths can carry invite and sign-in tokens.
        tracing::warn!(method = %request.method(), "cross-site request refused");
        return StatusCode::FORBIDDEN.into_response();
    }
    next.run(request).await
}

const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
                   object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

pub async fn security_headers(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CSP),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    // No referrer at all: invite links carry a token in the path.
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(
        "permissions-policy",
        HeaderValue::from_static("camera=(), microphone=(), geolocation=(), interest-cohort=()"),
    );
    if state.settings.is_https() {
        headers.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000; includeSubDomains"),
        );
    }
    response
}

/// Limits public form posts per IP address. In memory on purpose: for a flood it is enough
/// that each instance slows it down, and nothing about employees gets stored.
pub struct FormLimiter(Option<governor::DefaultKeyedRateLimiter<IpAddr>>);

impl FormLimiter {
    pub fn new(per_minute: u32) -> FormLimiter {
        let quota = std::num::NonZeroU32::new(per_minute).map(governor::Quota::per_minute);
        FormLimiter(quota.map(governor::RateLimiter::keyed))
    }

    /// True when this address may post another form now.
    pub fn allow(&self, ip: &ClientIp) -> bool {
        match (&self.0, ip.0) {
            (Some(limiter), Some(ip)) => limiter.check_key(&ip).is_ok(),
            _ => true,
        }
    }

    /// Forgets addresses that have been quiet, so memory does not grow.
    pub fn forget_idle(&self) {
        if let Some(limiter) = &self.0 {
            limiter.retain_recent();
        }
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

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (k, v) in pairs {
            map.insert(*k, HeaderValue::from_static(v));
        }
        map
    }

    #[test]
    fn cross_site_posts_are_recognised() {
        let post = Method::POST;
        assert!(is_cross_site(
            &post,
            &headers(&[("sec-fetch-site", "cross-site")])
        ));
        assert!(is_cross_site(
            &post,
            &headers(&[("sec-fetch-site", "same-site")])
        ));
        assert!(!is_cross_site(
            &post,
            &headers(&[("sec-fetch-site", "same-origin")])
        ));
        assert!(is_cross_site(
            &post,
            &headers(&[("origin", "https://evil.example"), ("host", "hrnexus.nl")])
        ));
        assert!(!is_cross_site(
            &post,
            &headers(&[("origin", "https://hrnexus.nl"), ("host", "hrnexus.nl")])
        ));
        assert!(is_cross_site(
            &post,
            &headers(&[("origin", "null"), ("host", "hrnexus.nl")])
        ));
        assert!(!is_cross_site(
            &Method::GET,
            &headers(&[("sec-fetch-site", "cross-site")])
        ));
        assert!(!is_cross_site(&post, &headers(&[])));
    }
}
