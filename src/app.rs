//! Wiring: settings + storage + mail + web, and the life cycle of a running server.

use std::{net::SocketAddr, sync::Arc, time::Duration};

use anyhow::Context;
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};
use tokio::{
    net::TcpListener,
    sync::{Notify, Semaphore, watch},
};
use tower_http::timeout::{RequestBodyDeadline, RequestBodyDeadlineLayer, Timeout, TimeoutLayer};

use crate::{
    config::{HttpLimits, Retention, Settings},
    mail::{Mailer, run_worker},
    storage::{self, DynStorage, RetentionCutoffs, RetentionReport, UnixTime},
    web::{self, AppState, security::FormLimiter},
};

/// The process-wide metrics recorder (installed once, even when tests start many apps).
fn metrics_handle() -> PrometheusHandle {
    static HANDLE: std::sync::OnceLock<PrometheusHandle> = std::sync::OnceLock::new();
    HANDLE
        .get_or_init(|| {
            // Request latency as a histogram (not the default summary), so that instances
            // can be added up and quantiles taken over the whole site (docs/OPERATIONS.md).
            let recorder = PrometheusBuilder::new()
                .set_buckets_for_metric(
                    metrics_exporter_prometheus::Matcher::Full(
                        "hrnexus_http_request_duration_seconds".into(),
                    ),
                    &[
                        0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0,
                    ],
                )
                .expect("static buckets are not empty")
                .build_recorder();
            let handle = recorder.handle();
            // Fails only when another recorder is installed; then this one just stays empty.
            let _ = metrics::set_global_recorder(recorder);
            handle
        })
        .clone()
}

/// Opens the database (creating the data folder for the embedded default).
pub async fn open_storage(settings: &Settings) -> anyhow::Result<DynStorage> {
    let url = settings.database_url();
    if url.starts_with("sqlite:") {
        std::fs::create_dir_all(&settings.data_dir).with_context(|| {
            format!("cannot create data folder {}", settings.data_dir.display())
        })?;
    }
    storage::connect(&url)
        .await
        .map_err(|e| anyhow::anyhow!("cannot open the database ({}): {e}", redact(&url)))
}

/// The database address without a password, for messages.
fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            format!("{}://…@{}", &url[..scheme], &url[at + 1..])
        }
        _ => url.to_owned(),
    }
}

/// A running server: its address, and a handle to stop it.
pub struct Running {
    pub addr: SocketAddr,
    pub admin_addr: Option<SocketAddr>,
    pub state: AppState,
    shutdown: watch::Sender<bool>,
    task: tokio::task::JoinHandle<()>,
}

impl Running {
    /// Stops accepting, lets in-flight requests finish, stops the worker.
    pub async fn stop(self) {
        let _ = self.shutdown.send(true);
        let _ = self.task.await;
    }
}

pub async fn bind(addr: SocketAddr) -> anyhow::Result<TcpListener> {
    TcpListener::bind(addr).await.map_err(|e| match e.kind() {
        std::io::ErrorKind::AddrInUse => {
            anyhow::anyhow!("cannot listen on {addr}: the port is already in use")
        }
        _ => anyhow::anyhow!("cannot listen on {addr}: {e}"),
    })
}

/// Starts the site (and the admin listener, the outbox worker and the housekeeping jobs)
/// in the background.
pub async fn start(mut settings: Settings, store: DynStorage) -> anyhow::Result<Running> {
    raise_open_file_limit();
    let mailer = Arc::new(Mailer::from_settings(&settings)?);
    let listener = bind(settings.listen).await?;
    if settings.base_url_from_listen {
        // Port 0 or 0.0.0.0: links use the address really bound.
        settings.use_listen_address(listener.local_addr()?);
    }
    let admin_listener = match settings.admin_listen {
        Some(addr) => Some(bind(addr).await?),
        None => None,
    };
    let secret = Arc::new(crate::secret::ServerSecret::load(
        settings.server_secret.as_ref(),
        &settings.data_dir,
    )?);
    let form_limiter = Arc::new(FormLimiter::for_store(
        settings.public_form_rate_per_minute,
        &store,
        &secret,
    ));
    if settings.server_secret.is_none() && store.backend() == storage::Backend::Postgres {
        // Each instance would make its own key: a personal link could then be answered once
        // per instance, and a shared link shown by one would not open on another.
        tracing::warn!(
            "server_secret is not set: this instance uses {}/server.key; give every instance \
             the same server_secret",
            settings.data_dir.display()
        );
    }
    let limits = settings.http.clone();
    let retention = settings.retention.clone();
    // The static files are compressed now, not during the first visitor's request.
    crate::web::assets::prepare();
    let state = AppState {
        store: store.clone(),
        secret,
        settings: Arc::new(settings),
        metrics: metrics_handle(),
        mail_wake: Arc::new(Notify::new()),
        issue_wake: Arc::new(Notify::new()),
        form_limiter: form_limiter.clone(),
        rendered_home: Default::default(),
        article_pages: Arc::new(crate::web::page_cache::PageCache::new(Duration::from_secs(
            10,
        ))),
    };
    let addr = listener.local_addr()?;
    let admin_addr = admin_listener
        .as_ref()
        .map(|l| l.local_addr())
        .transpose()?;
    let (shutdown, signal) = watch::channel(false);

    let sender = tokio::spawn(crate::services::issues::run_sender(
        store.clone(),
        mailer.clone(),
        state.secret.clone(),
        state.send_settings(),
        state.issue_wake.clone(),
        signal.clone(),
    ));
    let worker = tokio::spawn(run_worker(
        store.clone(),
        mailer,
        state.mail_wake.clone(),
        signal.clone(),
    ));
    let sealer = tokio::spawn(seal_closed_rounds(store.clone(), signal.clone()));
    let reminders = tokio::spawn(crate::services::invitations::run_reminders(
        store.clone(),
        state.settings.base_url().to_owned(),
        state.settings.reminder_days_before_close,
        state.mail_wake.clone(),
        signal.clone(),
    ));
    let deadlines = tokio::spawn(crate::services::introductions::run_deadlines(
        store.clone(),
        state.workflow(),
        Duration::from_secs(state.settings.introductions.deadline_check_minutes * 60),
        state.mail_wake.clone(),
        signal.clone(),
    ));
    let sweeper = tokio::spawn(sweep(
        store,
        form_limiter,
        state.metrics.clone(),
        retention,
        signal.clone(),
    ));
    let site = serve(
        listener,
        with_timeouts(web::site(state.clone()), &limits),
        limits.clone(),
        signal.clone(),
    );
    let admin = admin_listener.map(|l| {
        tokio::spawn(serve(
            l,
            with_timeouts(web::admin_router(state.clone()), &limits),
            limits,
            signal,
        ))
    });
    let task = tokio::spawn(async move {
        site.await;
        if let Some(admin) = admin {
            let _ = admin.await;
        }
        let _ = worker.await;
        let _ = sender.await;
        let _ = sweeper.await;
        let _ = sealer.await;
        let _ = reminders.await;
        let _ = deadlines.await;
    });
    Ok(Running {
        addr,
        admin_addr,
        state,
        shutdown,
        task,
    })
}

/// A request (body included) gets `request_timeout_seconds`, its body alone
/// `body_read_timeout_seconds`; the header timeout lives in the connection (see `serve`).
fn with_timeouts<S>(service: S, limits: &HttpLimits) -> Timeouts<S> {
    tower::ServiceBuilder::new()
        .layer(TimeoutLayer::with_status_code(
            axum::http::StatusCode::REQUEST_TIMEOUT,
            Duration::from_secs(limits.request_timeout_seconds),
        ))
        .layer(RequestBodyDeadlineLayer::new(Duration::from_secs(
            limits.body_read_timeout_seconds,
        )))
        .service(service)
}

type Timeouts<S> = Timeout<RequestBodyDeadline<S>>;

/// The accept loop. `axum::serve` has no header read timeout, so a client that sends half a
/// request line would hold its connection for ever; hyper's HTTP/1 connection has one, and
/// it also closes kept-alive connections that stay silent. HTTP/1 only: protocol detection
/// for HTTP/2 would wait for the first bytes without any timeout.
async fn serve<S, B>(
    listener: TcpListener,
    service: S,
    limits: HttpLimits,
    mut signal: watch::Receiver<bool>,
) where
    S: tower::Service<
            hyper::Request<hyper::body::Incoming>,
            Response = hyper::Response<B>,
            Error = std::convert::Infallible,
        >,
    S: Clone + Send + 'static,
    S::Future: Send + 'static,
    B: axum::body::HttpBody<Data = axum::body::Bytes> + Send + 'static,
    B::Error: Into<axum::BoxError>,
{
    use hyper_util::{
        rt::{TokioIo, TokioTimer},
        server::graceful::GracefulShutdown,
    };
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(Duration::from_secs(limits.header_read_timeout_seconds));
    let graceful = GracefulShutdown::new();
    // Past the limit, new clients wait in the kernel's backlog instead of costing us a file
    // descriptor each.
    let permits = Arc::new(Semaphore::new(limits.max_connections));
    loop {
        let permit = tokio::select! {
            permit = permits.clone().acquire_owned() => match permit {
                Ok(permit) => permit,
                Err(_) => break,
            },
            _ = stopped(&mut signal) => break,
        };
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(e) => {
                    // Out of file descriptors, typically: wait instead of spinning.
                    tracing::warn!(error = %e, "cannot accept a connection");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
            _ = stopped(&mut signal) => break,
        };
        let _ = stream.set_nodelay(true);
        let service = service.clone();
        let service = hyper::service::service_fn(
            move |mut request: hyper::Request<hyper::body::Incoming>| {
                request
                    .extensions_mut()
                    .insert(axum::extract::ConnectInfo(peer));
                tower::ServiceExt::oneshot(service.clone(), request)
            },
        );
        let connection = graceful.watch(http.serve_connection(TokioIo::new(stream), service));
        tokio::spawn(async move {
            // Errors here are clients going away or timing out: nothing to report.
            let _ = connection.await;
            drop(permit);
        });
    }
    drop(listener);
    // In-flight requests may finish; idle connections close now.
    if tokio::time::timeout(Duration::from_secs(30), graceful.shutdown())
        .await
        .is_err()
    {
        tracing::warn!("connections still open 30 s after shutdown began; closing them");
    }
}

/// Resolves once `signal` turns true (the guard it saw is dropped here, not held).
async fn stopped(signal: &mut watch::Receiver<bool>) {
    let _ = signal.wait_for(|stop| *stop).await;
}

/// Raises the soft limit on open files to the hard limit (Linux often starts services with
/// 1024, which a few hundred slow clients exhaust). Does nothing where it is not allowed.
pub fn raise_open_file_limit() {
    #[cfg(unix)]
    {
        let mut limit = libc::rlimit {
            rlim_cur: 0,
            rlim_max: 0,
        };
        // SAFETY: both calls only read or write the struct passed by pointer.
        unsafe {
            if libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) == 0
                && limit.rlim_cur < limit.rlim_max
            {
                let raised = libc::rlimit {
                    rlim_cur: limit.rlim_max,
                    rlim_max: limit.rlim_max,
                };
                if libc::setrlimit(libc::RLIMIT_NOFILE, &raised) != 0 {
                    tracing::debug!("could not raise the open-file limit");
                }
            }
        }
    }
}

/// The cutoffs for a retention pass at `now`.
pub fn retention_cutoffs(retention: &Retention, now: UnixTime) -> RetentionCutoffs {
    let before = |days: u64| (days > 0).then(|| now - (days as i64).saturating_mul(86_400));
    RetentionCutoffs {
        audit_log: before(retention.audit_log_days),
        login_links: before(retention.login_links_days),
        outbox: before(retention.outbox_days),
        intakes: before(retention.intakes_days),
        // Expired sessions are useless; the period only keeps them around for inspection.
        sessions: Some(now - (retention.sessions_days as i64).saturating_mul(86_400)),
    }
}

/// One retention pass at `now` (passed in, so tests can move the clock).
pub async fn apply_retention(
    store: &DynStorage,
    retention: &Retention,
    now: UnixTime,
) -> anyhow::Result<RetentionReport> {
    let report = store
        .delete_expired_data(&retention_cutoffs(retention, now))
        .await?;
    if report != RetentionReport::default() {
        tracing::info!(?report, "retention: deleted old data");
    }
    // Kompas sign-ups never confirmed within the period (a fixed rule of the core).
    let removed = crate::services::newsletter::remove_unconfirmed(store.as_ref(), now).await?;
    if removed > 0 {
        tracing::info!(removed, "retention: deleted unconfirmed Kompas sign-ups");
    }
    Ok(report)
}

/// Housekeeping on every instance (each step is idempotent): the retention pass, letting
/// the form limiter forget quiet addresses, and the metrics recorder's upkeep, which
/// drains histogram samples that would otherwise pile up until `/metrics` is read.
async fn sweep(
    store: DynStorage,
    form_limiter: Arc<FormLimiter>,
    metrics: PrometheusHandle,
    retention: Retention,
    mut signal: watch::Receiver<bool>,
) {
    let upkeep_every = Duration::from_secs(5);
    let retention_every = Duration::from_secs(retention.interval_minutes * 60);
    let forget_every = Duration::from_secs(600);
    let (mut last_retention, mut last_forget) = (None, tokio::time::Instant::now());
    // The outbox gauges cost one grouped count per instance: every 15 seconds is plenty.
    let gauges_every = Duration::from_secs(15);
    let mut last_gauges: Option<tokio::time::Instant> = None;
    loop {
        if last_retention.is_none_or(|at: tokio::time::Instant| at.elapsed() >= retention_every) {
            if let Err(e) = apply_retention(&store, &retention, storage::now()).await {
                tracing::warn!(error = %e, "retention");
            }
            last_retention = Some(tokio::time::Instant::now());
        }
        if last_forget.elapsed() >= forget_every {
            form_limiter.forget_idle().await;
            last_forget = tokio::time::Instant::now();
        }
        if last_gauges.is_none_or(|at| at.elapsed() >= gauges_every) {
            record_gauges(&store).await;
            last_gauges = Some(tokio::time::Instant::now());
        }
        metrics.run_upkeep();
        tokio::select! {
            _ = tokio::time::sleep(upkeep_every) => {}
            _ = signal.wait_for(|stop| *stop) => return,
        }
    }
}

/// The gauges `/metrics` shows between requests: the outbox (site-wide, from the database)
/// and this instance's connection pool.
async fn record_gauges(store: &DynStorage) {
    match store.outbox_counts().await {
        Ok(counts) => {
            for (status, n) in [
                ("pending", counts.pending),
                ("sending", counts.sending),
                ("failed", counts.failed),
            ] {
                metrics::gauge!("hrnexus_outbox_messages", "status" => status).set(n as f64);
            }
            let age = counts
                .oldest_unsent_at
                .map_or(0, |at| (storage::now() - at).max(0));
            metrics::gauge!("hrnexus_outbox_oldest_unsent_age_seconds").set(age as f64);
        }
        Err(e) => tracing::warn!(error = %e, "outbox gauges"),
    }
    let pool = store.pool_status();
    metrics::gauge!("hrnexus_db_pool_connections", "state" => "idle").set(f64::from(pool.idle));
    metrics::gauge!("hrnexus_db_pool_connections", "state" => "in_use")
        .set(f64::from(pool.open.saturating_sub(pool.idle)));
    metrics::gauge!("hrnexus_db_pool_max_connections").set(f64::from(pool.max));
}

/// Seals rounds soon after they close (by date at Dutch midnight, or by hand on another
/// instance), so their markers and arrival order do not outlive the round. Every instance
/// runs this; sealing one round twice is a no-op.
async fn seal_closed_rounds(store: DynStorage, mut signal: watch::Receiver<bool>) {
    loop {
        if let Err(e) = store
            .seal_due_rounds(storage::now(), crate::i18n::today())
            .await
        {
            tracing::warn!(error = %e, "sealing closed rounds");
        }
        tokio::select! {
            _ = tokio::time::sleep(Duration::from_secs(60)) => {}
            _ = signal.wait_for(|stop| *stop) => return,
        }
    }
}

/// Resolves on Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = terminate => {} }
}

#[cfg(test)]
mod tests {
    #[test]
    fn passwords_stay_out_of_database_messages() {
        assert_eq!(
            super::redact("postgres://u:secret@db:5432/x"),
            "postgres://…@db:5432/x"
        );
        assert_eq!(
            super::redact("sqlite://data/hrnexus.db"),
            "sqlite://data/hrnexus.db"
        );
    }
}
