//! Test support: a real app on port 0 with its own fresh database, talked to over HTTP.
#![allow(dead_code)]

use std::sync::atomic::{AtomicU32, Ordering};

use hrnexus::{
    app::{self, Running},
    config::{Overrides, Settings},
    storage::{self, DynStorage},
};

/// Which database a test runs against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Db {
    Sqlite,
    Postgres,
}

/// Where the PostgreSQL suite creates its databases.
fn pg_admin_url() -> String {
    std::env::var("HRNEXUS_TEST_DATABASE_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into())
}

/// A fresh, empty PostgreSQL database, or `None` (with a visible message) when no server
/// answers. With HRNEXUS_REQUIRE_POSTGRES=1 (as in CI) a missing server fails the test.
pub async fn fresh_pg_url() -> Option<String> {
    use sqlx::{Connection, Executor};
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let admin = pg_admin_url();
    let mut conn = match sqlx::PgConnection::connect(&admin).await {
        Ok(conn) => conn,
        Err(e) => {
            if std::env::var("HRNEXUS_REQUIRE_POSTGRES").is_ok_and(|v| v == "1") {
                panic!("PostgreSQL required but not reachable at {admin}: {e}");
            }
            eprintln!("SKIPPED (PostgreSQL suite): no server at {admin}: {e}");
            return None;
        }
    };
    let name = format!(
        "hrnexus_test_{}_{}_{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed),
        rand::random::<u32>()
    );
    conn.execute(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
        .await
        .expect("create test database");
    let base = admin
        .rsplit_once('/')
        .map(|(base, _)| base.to_owned())
        .unwrap_or(admin);
    Some(format!("{base}/{name}"))
}

/// A test's own PostgreSQL database, dropped when the test ends (connections still open
/// to it are ended: `WITH (FORCE)`).
pub struct PgDatabase {
    pub url: String,
}

impl Drop for PgDatabase {
    fn drop(&mut self) {
        let Some((_, name)) = self.url.rsplit_once('/') else {
            return;
        };
        let name = name.to_owned();
        // Drop runs inside the test's runtime: a thread of its own may block.
        let _ = std::thread::spawn(move || {
            use sqlx::{Connection, Executor};
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            runtime.block_on(async {
                if let Ok(mut conn) = sqlx::PgConnection::connect(&pg_admin_url()).await {
                    let _ = conn
                        .execute(sqlx::AssertSqlSafe(format!(
                            "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
                        )))
                        .await;
                }
            });
        })
        .join();
    }
}

/// A fresh PostgreSQL database that is dropped with the returned guard.
pub async fn fresh_pg_database() -> Option<PgDatabase> {
    fresh_pg_url().await.map(|url| PgDatabase { url })
}

pub struct TestStore {
    pub store: DynStorage,
    /// The database's address, for tests that look at the tables themselves.
    pub url: String,
    _dir: Option<tempfile::TempDir>,
    _pg: Option<PgDatabase>,
}

pub async fn store(db: Db) -> Option<TestStore> {
    match db {
        Db::Sqlite => {
            let dir = tempfile::tempdir().unwrap();
            let url = format!("sqlite://{}", dir.path().join("test.db").display());
            Some(TestStore {
                store: storage::connect(&url).await.unwrap(),
                url,
                _dir: Some(dir),
                _pg: None,
            })
        }
        Db::Postgres => {
            let pg = fresh_pg_database().await?;
            Some(TestStore {
                store: storage::connect(&pg.url).await.unwrap(),
                url: pg.url.clone(),
                _dir: None,
                _pg: Some(pg),
            })
        }
    }
}

pub struct TestApp {
    pub base: String,
    pub client: reqwest::Client,
    pub running: Running,
    pub store: DynStorage,
    pub dir: tempfile::TempDir,
    /// Last, so that it is dropped after the app.
    pub pg: Option<PgDatabase>,
}

/// Settings for a test: port 0, a temp data folder, extra `(key, value)` TOML lines.
pub fn settings(dir: &std::path::Path, database_url: Option<String>, extra_toml: &str) -> Settings {
    let file = dir.join("hrnexus.toml");
    // Tests compare links with a fixed public address unless they set their own (without
    // base_url, links follow the address listened on: `links_follow_the_address_listened_on`).
    let toml = if extra_toml.contains("base_url") {
        extra_toml.to_owned()
    } else {
        format!("base_url = \"http://localhost:8080\"\n{extra_toml}")
    };
    std::fs::write(&file, toml).unwrap();
    Settings::load(&Overrides {
        config_file: Some(file),
        listen: Some("127.0.0.1:0".into()),
        data_dir: Some(dir.display().to_string()),
        database_url,
    })
    .unwrap()
}

pub async fn spawn(db: Db) -> Option<TestApp> {
    spawn_with(db, "").await
}

pub async fn spawn_with(db: Db, extra_toml: &str) -> Option<TestApp> {
    let dir = tempfile::tempdir().unwrap();
    let pg = match db {
        Db::Sqlite => None,
        Db::Postgres => Some(fresh_pg_database().await?),
    };
    let settings = settings(dir.path(), pg.as_ref().map(|pg| pg.url.clone()), extra_toml);
    let store = app::open_storage(&settings).await.unwrap();
    let running = app::start(settings, store.clone()).await.unwrap();
    let base = format!("http://{}", running.addr);
    Some(TestApp {
        base,
        client: client(),
        running,
        store,
        dir,
        pg,
    })
}

/// A browser-like client: keeps cookies, does not follow redirects (tests look at them).
pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client.get(self.url(path)).send().await.unwrap()
    }

    /// A same-origin form post, as a browser sends it.
    pub async fn post_form(&self, path: &str, form: &[(&str, &str)]) -> reqwest::Response {
        self.client
            .post(self.url(path))
            .header("sec-fetch-site", "same-origin")
            .form(form)
            .send()
            .await
            .unwrap()
    }
}

/// Runs a test body against both backends; PostgreSQL is skipped with a message when absent.
// `crate::common` means the test binary that includes this module, which is what we want.
#[allow(clippy::crate_in_macro_def)]
#[macro_export]
macro_rules! both_backends {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    super::$name(crate::common::Db::Sqlite).await
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    super::$name(crate::common::Db::Postgres).await
                }
            )*
        }
    };
}

/// The path of the newest sign-in link mailed to `email`, read from the `.eml` files the
/// outbox worker writes (the outbox itself erases a link once it is delivered). Waits for
/// the worker.
pub async fn mailed_sign_in_link(app: &TestApp, email: &str) -> String {
    mailed_sign_in_link_in(app, &app.dir.path().join("mail"), email).await
}

/// The same, from the mail files in `dir` (e.g. the maildir of a test SMTP server).
pub async fn mailed_sign_in_link_in(app: &TestApp, dir: &std::path::Path, email: &str) -> String {
    mailed_link_in(app, dir, email, "/werkgever/inloggen/").await
}

/// The path of the newest link starting with `prefix` mailed to `email`.
pub async fn mailed_link(app: &TestApp, email: &str, prefix: &str) -> String {
    mailed_link_in(app, &app.dir.path().join("mail"), email, prefix).await
}

/// The newest mail to `email` (decoded text) that contains `needle`.
pub async fn mailed_text(app: &TestApp, email: &str, needle: &str) -> String {
    let dir = app.dir.path().join("mail");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(15);
    loop {
        let found = std::fs::read_dir(&dir)
            .map(|entries| {
                entries
                    .flatten()
                    .filter_map(|e| std::fs::read_to_string(e.path()).ok())
                    .map(|text| {
                        text.replace("=\r\n", "")
                            .replace("=\n", "")
                            .replace("=3D", "=")
                    })
                    .find(|text| {
                        text.contains(needle)
                            && text
                                .lines()
                                .any(|l| l.to_ascii_lowercase() == format!("to: {email}"))
                    })
            })
            .ok()
            .flatten();
        if let Some(text) = found {
            return text;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "no mail to {email} with {needle:?}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

async fn mailed_link_in(app: &TestApp, dir: &std::path::Path, email: &str, prefix: &str) -> String {
    let base = app.running.state.settings.base_url().to_owned();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(15);
    loop {
        let mut found: Vec<(std::time::SystemTime, String)> = std::fs::read_dir(dir)
            .map(|entries| {
                entries
                    .flatten()
                    .filter_map(|e| {
                        let text = std::fs::read_to_string(e.path()).ok()?;
                        Some((e.metadata().ok()?.modified().ok()?, text))
                    })
                    .collect()
            })
            .unwrap_or_default();
        found.sort_by_key(|(modified, _)| std::cmp::Reverse(*modified));
        // Quoted-printable: soft line breaks and `=3D` are all a link can contain.
        let link = found
            .into_iter()
            .map(|(_, text)| {
                text.replace("=\r\n", "")
                    .replace("=\n", "")
                    .replace("=3D", "=")
            })
            .filter(|text| {
                text.lines()
                    .any(|l| l.to_ascii_lowercase() == format!("to: {email}"))
            })
            .find_map(|text| {
                let at = text.find(&format!("{base}{prefix}"))?;
                let url = text[at..].split_whitespace().next()?;
                url.strip_prefix(&base).map(str::to_owned)
            });
        if let Some(link) = link {
            return link;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "no {prefix} link mailed to {email}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

/// A real SMTP server process for a test (aiosmtpd), storing what it receives in a Maildir.
pub struct SmtpServer {
    pub child: std::process::Child,
    pub port: u16,
    pub maildir: tempfile::TempDir,
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// aiosmtpd on 127.0.0.1, port 0, storing mail in the Maildir named by its argument; prints
/// the port once it listens.
const SMTP_SERVER: &str = r#"
import asyncio, sys
from aiosmtpd.handlers import Mailbox
from aiosmtpd.smtp import SMTP

async def main():
    handler = Mailbox(sys.argv[1])
    server = await asyncio.get_running_loop().create_server(
        lambda: SMTP(handler), "127.0.0.1", 0)
    print(server.sockets[0].getsockname()[1], flush=True)
    await server.serve_forever()

asyncio.run(main())
"#;

/// Starts aiosmtpd, or `None` (with a visible message naming `suite`) when Python lacks it;
/// with HRNEXUS_REQUIRE_SMTP_SERVER=1 (as in CI) a missing aiosmtpd fails the test.
pub fn start_smtp_server(suite: &str) -> Option<SmtpServer> {
    use std::process::{Command, Stdio};
    let available = Command::new("python3")
        .args(["-c", "import aiosmtpd"])
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !available {
        if std::env::var("HRNEXUS_REQUIRE_SMTP_SERVER").is_ok_and(|v| v == "1") {
            panic!("aiosmtpd is required (pip install aiosmtpd)");
        }
        eprintln!("SKIPPED ({suite}): python3 -m aiosmtpd not available; pip install aiosmtpd");
        return None;
    }
    let maildir = tempfile::tempdir().unwrap();
    // The server binds port 0 itself and prints the port it got: no port is picked here and
    // released for someone else to take first.
    let mut child = Command::new("python3")
        .args(["-c", SMTP_SERVER])
        .arg(maildir.path().join("box"))
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    std::io::BufRead::read_line(
        &mut std::io::BufReader::new(child.stdout.take().unwrap()),
        &mut line,
    )
    .unwrap();
    let port: u16 = line
        .trim()
        .parse()
        .unwrap_or_else(|_| panic!("SMTP server did not report its port: {line:?}"));
    Some(SmtpServer {
        child,
        port,
        maildir,
    })
}

/// A local port nothing listens on, for tests of an unreachable server: the socket is bound
/// but never listens, so connecting is refused, and nobody else can take the port while the
/// returned socket lives.
pub fn closed_port() -> (tokio::net::TcpSocket, u16) {
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.bind("127.0.0.1:0".parse().unwrap()).unwrap();
    let port = socket.local_addr().unwrap().port();
    (socket, port)
}
