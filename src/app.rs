//! Wiring: settings + storage + mail + web, and the life cycle of a running server.

use std::{net::SocketAddr, sync::Arc, time::Duration};

use anyhow::Context;
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};
use tokio::{
    net::TcpListener,
    sync::{Notify, watch},
};

use crate::{
    config::Settings,
    mail::{Mailer, run_worker},
    storage::{self, DynStorage},
    web::{self, AppState, security::FormLimiter},
};

/// The process-wide metrics recorder (installed once, even when tests start many apps).
fn metrics_handle() -> PrometheusHandle {
    static HANDLE: std::sync::OnceLock<PrometheusHandle> = std::sync::OnceLock::new();
    HANDLE
        .get_or_init(|| {
            let recorder = PrometheusBuilder::new().build_recorder();
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

/// Starts the site (and the admin listener and the outbox worker) in the background.
pub async fn start(settings: Settings, store: DynStorage) -> anyhow::Result<Running> {
    let mailer = Arc::new(Mailer::from_settings(&settings)?);
    let listener = bind(settings.listen).await?;
    let admin_listener = match settings.admin_listen {
        Some(addr) => Some(bind(addr).await?),
        None => None,
    };
    let form_limiter = Arc::new(FormLimiter::new(settings.public_form_rate_per_minute));
    let secret =
        crate::secret::ServerSecret::load(settings.server_secret.as_ref(), &settings.data_dir)?;
    let state = AppState {
        store: store.clone(),
        secret: Arc::new(secret),
        settings: Arc::new(settings),
        metrics: metrics_handle(),
        mail_wake: Arc::new(Notify::new()),
        form_limiter: form_limiter.clone(),
        rendered_home: Default::default(),
    };
    let addr = listener.local_addr()?;
    let admin_addr = admin_listener
        .as_ref()
        .map(|l| l.local_addr())
        .transpose()?;
    let (shutdown, signal) = watch::channel(false);

    let worker = tokio::spawn(run_worker(
        store.clone(),
        mailer,
        state.mail_wake.clone(),
        signal.clone(),
    ));
    let sealer = tokio::spawn(seal_closed_rounds(store.clone(), signal.clone()));
    let reminders = tokio::spawn(web::werkgever::invitations::run_reminders(
        store.clone(),
        state.settings.base_url().to_owned(),
        state.settings.reminder_days_before_close,
        state.mail_wake.clone(),
        signal.clone(),
    ));
    let sweeper = tokio::spawn(sweep(store, form_limiter, signal.clone()));
    let site = serve(listener, web::router(state.clone()), signal.clone());
    let admin =
        admin_listener.map(|l| tokio::spawn(serve(l, web::admin_router(state.clone()), signal)));
    let task = tokio::spawn(async move {
        site.await;
        if let Some(admin) = admin {
            let _ = admin.await;
        }
        let _ = worker.await;
        let _ = sweeper.await;
        let _ = sealer.await;
        let _ = reminders.await;
    });
    Ok(Running {
        addr,
        admin_addr,
        state,
        shutdown,
        task,
    })
}

async fn serve(listener: TcpListener, router: axum::Router, mut signal: watch::Receiver<bool>) {
    let app = router.into_make_service_with_connect_info::<SocketAddr>();
    let shutdown = async move {
        let _ = signal.wait_for(|stop| *stop).await;
    };
    if let Err(e) = axum::serve(listener, app)
        .with_graceful_shutdown(shutdown)
        .await
    {
        tracing::error!(error = %e, "server stopped");
    }
}

/// Deletes expired sessions now and then (any instance may do it; the delete is idempotent)
/// and lets the form limiter forget quiet addresses.
async fn sweep(
    store: DynStorage,
    form_limiter: Arc<FormLimiter>,
    mut signal: watch::Receiver<bool>,
) {
    loop {
        if let Err(e) = store.session_delete_expired(storage::now()).await {
            tracing::warn!(error = %e, "session sweep");
        }
        form_limiter.forget_idle();
        tokio::select! {
            _ = tokio::time::sleep(Duration::from_secs(600)) => {}
            _ = signal.wait_for(|stop| *stop) => return,
        }
    }
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
