//! Delivery of due outbox messages, over SMTP or into `.eml` files.

use std::{sync::Arc, time::Duration};

use lettre::{
    AsyncFileTransport, AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor,
    message::{
        Mailbox, MultiPart, SinglePart,
        header::{ContentType, HeaderName, HeaderValue},
    },
    transport::smtp::{
        PoolConfig,
        authentication::{Credentials, Mechanism},
        client::{AsyncSmtpConnection, Tls, TlsParameters},
        extension::ClientId,
    },
};
use secrecy::ExposeSecret;
use tokio::sync::{Notify, watch};

use crate::{
    config::{Settings, SmtpTls},
    storage::{DynStorage, OutgoingMail, now},
};

/// After this many failed attempts a message is marked failed for good.
pub const MAX_ATTEMPTS: i32 = 8;
/// How long a claimed message stays invisible to other workers.
const LEASE_SECONDS: i64 = 300;
const BATCH: i64 = 20;

enum Transport {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    Files(AsyncFileTransport<Tokio1Executor>),
}

pub struct Mailer {
    transport: Transport,
    from: Mailbox,
    /// Where sessions (`Mailer::session`) connect to, for plain and STARTTLS servers.
    direct: Option<Direct>,
}

/// What a session needs to open its own SMTP conversation.
struct Direct {
    host: String,
    port: u16,
    starttls: Option<TlsParameters>,
    credentials: Option<Credentials>,
}

/// A kept-open SMTP conversation for many mails in a row (an issue of the Kompas), one per
/// lane of the sender.
///
/// Why not the transport's pool: lettre writes a message's body and its closing `.` in two
/// writes on a socket without `TCP_NODELAY`, so the small second write waits for the
/// server's delayed acknowledgement of the first: about 40 ms per mail, whatever the
/// machine. A session opens its socket itself with `TCP_NODELAY` and hands it to lettre's
/// SMTP client. Servers with implicit TLS go through the transport as before.
pub struct Session {
    connection: Option<AsyncSmtpConnection>,
}

/// Why a mail was not delivered: `permanent` when trying again cannot help (the receiving
/// server refused the address, or the mail cannot be built).
#[derive(Debug)]
pub struct DeliveryError {
    pub permanent: bool,
    pub message: String,
}

#[derive(Debug, Default, PartialEq, Eq)]
pub struct DeliveryReport {
    pub sent: usize,
    pub retried: usize,
    pub failed: usize,
    /// Claimed but given back because the instance is stopping.
    pub released: usize,
}

impl Mailer {
    pub fn from_settings(settings: &Settings) -> anyhow::Result<Mailer> {
        let from: Mailbox = settings
            .mail_from
            .parse()
            .map_err(|e| anyhow::anyhow!("configuration: mail_from: {e}"))?;
        let direct = settings.smtp.as_ref().and_then(|smtp| {
            let starttls = match smtp.tls {
                SmtpTls::None => None,
                SmtpTls::Starttls => Some(TlsParameters::new(smtp.host.clone()).ok()?),
                SmtpTls::Tls => return None,
            };
            Some(Direct {
                host: smtp.host.clone(),
                port: smtp.port,
                starttls,
                credentials: match (&smtp.username, &smtp.password) {
                    (Some(user), Some(password)) => Some(Credentials::new(
                        user.clone(),
                        password.expose_secret().to_owned(),
                    )),
                    _ => None,
                },
            })
        });
        let transport = match &settings.smtp {
            Some(smtp) => {
                // Kept-open connections: an issue of the Kompas goes out over a handful of
                // them instead of one new SMTP conversation per subscriber.
                let pool =
                    PoolConfig::new().max_size(settings.newsletter.concurrency.max(4) as u32 + 2);
                let mut builder =
                    AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&smtp.host)
                        .port(smtp.port)
                        .timeout(Some(Duration::from_secs(20)))
                        .pool_config(pool);
                let tls = || {
                    TlsParameters::new(smtp.host.clone())
                        .map_err(|e| anyhow::anyhow!("configuration: smtp.host: {e}"))
                };
                builder = match smtp.tls {
                    SmtpTls::Starttls => builder.tls(Tls::Required(tls()?)),
                    SmtpTls::Tls => builder.tls(Tls::Wrapper(tls()?)),
                    SmtpTls::None => builder.tls(Tls::None),
                };
                if let (Some(user), Some(password)) = (&smtp.username, &smtp.password) {
                    builder = builder.credentials(Credentials::new(
                        user.clone(),
                        password.expose_secret().to_owned(),
                    ));
                }
                Transport::Smtp(builder.build())
            }
            None => {
                let dir = settings.data_dir.join("mail");
                std::fs::create_dir_all(&dir)
                    .map_err(|e| anyhow::anyhow!("cannot create {}: {e}", dir.display()))?;
                Transport::Files(AsyncFileTransport::new(dir))
            }
        };
        Ok(Mailer {
            transport,
            from,
            direct,
        })
    }

    /// Where `.eml` files go when there is no SMTP server.
    pub fn file_dir(settings: &Settings) -> Option<std::path::PathBuf> {
        settings
            .smtp
            .is_none()
            .then(|| settings.data_dir.join("mail"))
    }

    fn build(&self, mail: &OutgoingMail) -> Result<Message, DeliveryError> {
        let permanent = |message: String| DeliveryError {
            permanent: true,
            message,
        };
        let to: Mailbox = mail
            .recipient
            .parse()
            .map_err(|e| permanent(format!("recipient: {e}")))?;
        let text = SinglePart::builder()
            .header(ContentType::TEXT_PLAIN)
            .body(mail.text_body.clone());
        let builder = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(mail.subject.clone());
        let mut message = match &mail.html_body {
            Some(html) => builder.multipart(
                MultiPart::alternative().singlepart(text).singlepart(
                    SinglePart::builder()
                        .header(ContentType::TEXT_HTML)
                        .body(html.clone()),
                ),
            ),
            None => builder.singlepart(text),
        }
        .map_err(|e| permanent(e.to_string()))?;
        for (name, value) in &mail.headers {
            let name =
                HeaderName::new_from_ascii(name.clone()).map_err(|e| permanent(e.to_string()))?;
            message
                .headers_mut()
                .insert_raw(HeaderValue::new(name, value.clone()));
        }
        Ok(message)
    }

    /// Hands one mail to the SMTP server (or writes its `.eml` file).
    pub async fn deliver(&self, mail: &OutgoingMail) -> Result<(), DeliveryError> {
        let message = self.build(mail)?;
        match &self.transport {
            Transport::Smtp(smtp) => {
                smtp.send(message)
                    .await
                    .map(|_| ())
                    .map_err(|e| DeliveryError {
                        permanent: e.is_permanent(),
                        message: e.to_string(),
                    })
            }
            Transport::Files(files) => {
                files
                    .send(message)
                    .await
                    .map(|_| ())
                    .map_err(|e| DeliveryError {
                        permanent: false,
                        message: e.to_string(),
                    })
            }
        }
    }
}

impl Mailer {
    /// A session for sending many mails in a row; it connects on its first mail.
    pub fn session(&self) -> Session {
        Session { connection: None }
    }

    async fn connect(&self, direct: &Direct) -> Result<AsyncSmtpConnection, DeliveryError> {
        let network = |e: String| DeliveryError {
            permanent: false,
            message: e,
        };
        let stream = tokio::time::timeout(
            Duration::from_secs(20),
            tokio::net::TcpStream::connect((direct.host.as_str(), direct.port)),
        )
        .await
        .map_err(|_| network("connection timed out".into()))?
        .map_err(|e| network(e.to_string()))?;
        stream
            .set_nodelay(true)
            .map_err(|e| network(e.to_string()))?;
        let hello = ClientId::default();
        let mut connection = AsyncSmtpConnection::connect_with_transport(Box::new(stream), &hello)
            .await
            .map_err(|e| network(e.to_string()))?;
        if let Some(tls) = &direct.starttls {
            connection
                .starttls(tls.clone(), &hello)
                .await
                .map_err(|e| network(e.to_string()))?;
        }
        if let Some(credentials) = &direct.credentials {
            connection
                .auth(&[Mechanism::Plain, Mechanism::Login], credentials)
                .await
                .map_err(|e| DeliveryError {
                    permanent: e.is_permanent(),
                    message: e.to_string(),
                })?;
        }
        Ok(connection)
    }
}

impl Session {
    /// Sends one mail over this session's conversation (opened now if needed). After a
    /// failure the conversation is dropped; the next mail opens a new one.
    pub async fn send(
        &mut self,
        mailer: &Mailer,
        mail: &OutgoingMail,
    ) -> Result<(), DeliveryError> {
        let Some(direct) = &mailer.direct else {
            return mailer.deliver(mail).await;
        };
        let message = mailer.build(mail)?;
        if self.connection.as_ref().is_none_or(|c| c.has_broken()) {
            self.connection = Some(mailer.connect(direct).await?);
        }
        let Some(connection) = self.connection.as_mut() else {
            return Err(DeliveryError {
                permanent: false,
                message: "no connection".into(),
            });
        };
        match connection
            .send(message.envelope(), &message.formatted())
            .await
        {
            Ok(_) => Ok(()),
            Err(e) => {
                let permanent = e.is_permanent();
                if permanent {
                    // The server refused this mail, not the conversation: start the next
                    // mail cleanly.
                    let _ = connection
                        .command(lettre::transport::smtp::commands::Rset)
                        .await;
                } else {
                    self.connection = None;
                }
                Err(DeliveryError {
                    permanent,
                    message: e.to_string(),
                })
            }
        }
    }

    /// Ends the conversation politely.
    pub async fn close(mut self) {
        if let Some(mut connection) = self.connection.take() {
            let _ = connection.quit().await;
        }
    }
}

/// Seconds until the next try after `attempts` failures: 1, 2, 4 … minutes, at most 6 hours.
pub fn backoff_seconds(attempts: i32) -> i64 {
    let exponent = attempts.clamp(1, 16) as u32 - 1;
    (60i64 << exponent).min(6 * 3600)
}

/// Delivers what is due now; returns what happened. Safe to run on many instances at once.
pub async fn deliver_due(store: &DynStorage, mailer: &Mailer) -> anyhow::Result<DeliveryReport> {
    deliver_until(store, mailer, &|| false).await
}

/// As [`deliver_due`], but stops between two messages once `stopping()` says so and gives
/// the rest of its claimed batch back, so that a stopping instance neither holds messages
/// for the length of a lease nor leaves one half-delivered.
pub async fn deliver_until(
    store: &DynStorage,
    mailer: &Mailer,
    stopping: &(dyn Fn() -> bool + Sync),
) -> anyhow::Result<DeliveryReport> {
    let mut report = DeliveryReport::default();
    loop {
        if stopping() {
            return Ok(report);
        }
        let batch = store.claim_mail(now(), LEASE_SECONDS, BATCH).await?;
        if batch.is_empty() {
            return Ok(report);
        }
        for (i, queued) in batch.iter().enumerate() {
            if stopping() {
                for rest in &batch[i..] {
                    store.release_mail(rest.id, now()).await?;
                }
                report.released += batch.len() - i;
                return Ok(report);
            }
            match mailer.deliver(&queued.mail).await {
                Ok(()) => {
                    store.mark_mail_sent(queued.id, now()).await?;
                    metrics::counter!("hrnexus_mail_sent_total").increment(1);
                    report.sent += 1;
                }
                Err(error) => {
                    let attempts = queued.attempts + 1;
                    let retry_at = (!error.permanent && attempts < MAX_ATTEMPTS)
                        .then(|| now() + backoff_seconds(attempts));
                    // The recipient's address stays out of the log: the id is enough to find it.
                    tracing::warn!(mail_id = queued.id, attempts, error = %error.message, "mail delivery failed");
                    store
                        .mark_mail_failed(queued.id, &error.message, retry_at)
                        .await?;
                    metrics::counter!("hrnexus_mail_failed_attempts_total").increment(1);
                    if retry_at.is_some() {
                        report.retried += 1;
                    } else {
                        metrics::counter!("hrnexus_mail_failed_total").increment(1);
                        report.failed += 1;
                    }
                }
            }
        }
    }
}

/// Runs until `shutdown` turns true: delivers when woken by `wake` or every few seconds.
pub async fn run_worker(
    store: DynStorage,
    mailer: Arc<Mailer>,
    wake: Arc<Notify>,
    mut shutdown: watch::Receiver<bool>,
) {
    loop {
        let stop = shutdown.clone();
        let stopping = move || *stop.borrow();
        match deliver_until(&store, &mailer, &stopping).await {
            Ok(report) if report.released > 0 => {
                tracing::info!(
                    released = report.released,
                    "outbox worker stopping: claimed mail given back"
                );
            }
            Ok(_) => {}
            Err(error) => tracing::error!(error = %error, "outbox worker"),
        }
        tokio::select! {
            _ = wake.notified() => {}
            _ = tokio::time::sleep(Duration::from_secs(5)) => {}
            _ = shutdown.changed() => return,
        }
        if *shutdown.borrow() {
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_and_is_capped() {
        assert_eq!(backoff_seconds(1), 60);
        assert_eq!(backoff_seconds(2), 120);
        assert_eq!(backoff_seconds(3), 240);
        assert_eq!(backoff_seconds(30), 6 * 3600);
    }
}
