//! What every request of the site passes on its way in and out, as one tower service: its
//! id, its log span, the cross-site refusal, error pages and the security headers.
//!
//! One hand-written service instead of a stack of `middleware::from_fn` layers and
//! `TraceLayer`: each of those cloned and boxed the rest of the stack, cloned the state and
//! boxed a future on every request, which cost more than the work they did (bench/home.sh).
//! The order of the steps is the one the layers had; see `Edge::call`.

use std::{
    convert::Infallible,
    future::Future,
    pin::Pin,
    sync::Arc,
    task::{Context, Poll},
    time::Instant,
};

use axum::{
    body::HttpBody,
    http::{HeaderValue, Request, StatusCode},
    response::{IntoResponse, Response},
};
use tower::{Layer, Service};
use tracing::Instrument;

use crate::web::{
    AppState,
    error::{self, RequestId},
    security,
};

/// Builds [`Edge`] services for the site's router.
#[derive(Clone)]
pub struct EdgeLayer(Arc<Shared>);

struct Shared {
    state: AppState,
    /// `base_url`'s origin, for the cross-site check (worked out once, not per request).
    site_origin: String,
    https: bool,
}

impl EdgeLayer {
    pub fn new(state: AppState) -> EdgeLayer {
        let site_origin =
            security::normalised_origin(state.settings.base_url()).unwrap_or_default();
        let https = state.settings.is_https();
        EdgeLayer(Arc::new(Shared {
            state,
            site_origin,
            https,
        }))
    }
}

impl<S> Layer<S> for EdgeLayer {
    type Service = Edge<S>;

    fn layer(&self, inner: S) -> Edge<S> {
        Edge {
            inner,
            shared: self.0.clone(),
        }
    }
}

#[derive(Clone)]
pub struct Edge<S> {
    inner: S,
    shared: Arc<Shared>,
}

impl<S, ReqBody, ResBody> Service<Request<ReqBody>> for Edge<S>
where
    S: Service<Request<ReqBody>, Response = Response<ResBody>, Error = Infallible>
        + Clone
        + Send
        + 'static,
    S::Future: Send + 'static,
    ReqBody: Send + 'static,
    ResBody: HttpBody<Data = axum::body::Bytes> + Send + 'static,
    ResBody::Error: Into<axum::BoxError>,
{
    type Response = Response;
    type Error = Infallible;
    type Future = Pin<Box<dyn Future<Output = Result<Response, Infallible>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut request: Request<ReqBody>) -> Self::Future {
        let started = Instant::now();
        let shared = self.shared.clone();
        // The service that was made ready is the one to call; a clone takes its place.
        let clone = self.inner.clone();
        let mut inner = std::mem::replace(&mut self.inner, clone);

        // 1. The request id, in the span, the request (for the 500 page) and the response.
        let id = RequestId::for_request(&shared.state, &request);
        // 2. The span: without the path on purpose, invite links carry tokens. The route
        //    pattern is filled in once routing has happened (`record_route`).
        let span = tracing::info_span!(
            "request",
            request_id = %id.as_str(),
            method = %request.method(),
            route = tracing::field::Empty
        );
        // 3. Kept for the error page's language and the private areas' `no-store`. The
        //    `Uri` shares its bytes with the request: no copy of the path.
        let uri = request.uri().clone();
        // 4. Cross-site refusal for unsafe methods, except the one-click unsubscribe address
        //    (see `security::is_one_click_unsubscribe`).
        let cross_site =
            security::is_cross_site(request.method(), request.headers(), &shared.site_origin)
                && !security::is_one_click_unsubscribe(request.method(), uri.path());
        let method = cross_site.then(|| request.method().clone());
        request.extensions_mut().insert(id.clone());

        Box::pin(
            async move {
                tracing::debug!("started processing request");
                let response = match method {
                    Some(method) => {
                        // No path in the log: paths can carry invite and sign-in tokens.
                        tracing::warn!(method = %method, "cross-site request refused");
                        StatusCode::FORBIDDEN.into_response()
                    }
                    None => match inner.call(request).await {
                        Ok(response) => response.into_response(),
                        Err(never) => match never {},
                    },
                };
                let mut response =
                    error::render_error(&shared.state, uri.path(), Some(&id), response);
                let too_many = response.status() == StatusCode::TOO_MANY_REQUESTS;
                security::set_headers(
                    response.headers_mut(),
                    security::is_private_path(uri.path()),
                    shared.https,
                    too_many,
                );
                if let Ok(value) = HeaderValue::from_str(id.as_str()) {
                    response.headers_mut().insert(RequestId::HEADER, value);
                }
                // What `TraceLayer` logged: server errors at ERROR, every response at DEBUG.
                let latency = started.elapsed().as_millis();
                if response.status().is_server_error() {
                    tracing::error!(
                        classification = %format_args!("Status code: {}", response.status()),
                        latency = %format_args!("{latency} ms"),
                        "response failed"
                    );
                }
                tracing::debug!(
                    latency = %format_args!("{latency} ms"),
                    status = response.status().as_u16(),
                    "finished processing request"
                );
                Ok(response)
            }
            .instrument(span),
        )
    }
}
