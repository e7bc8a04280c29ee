//! The binary as an operator meets it: clear one-line errors, create-admin, backup,
//! environment overrides and graceful shutdown.

use std::{
    io::Write,
    process::{Child, Command, Output, Stdio},
    thread::JoinHandle,
    time::{Duration, Instant},
};

fn hrnexus() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_hrnexus"));
    // Keep the developer's own settings out of the tests.
    for (key, _) in std::env::vars().filter(|(k, _)| k.starts_with("HRNEXUS_")) {
        command.env_remove(key);
    }
    command
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Starts `command` (a `serve` on port 0) and waits for the address the server reports in its
/// log. The rest of its standard error is collected by a thread: the text comes back when
/// the thread is joined, after the server has stopped.
fn listening(command: &mut Command) -> (Child, String, JoinHandle<String>) {
    let mut child = command.stderr(Stdio::piped()).spawn().unwrap();
    let stderr = child.stderr.take().unwrap();
    let (found, address) = std::sync::mpsc::channel();
    let log = std::thread::spawn(move || {
        use std::io::BufRead;
        let mut text = String::new();
        for line in std::io::BufReader::new(stderr).lines() {
            let Ok(line) = line else { break };
            if let Some(at) = line.find("listening on http://") {
                let rest = &line[at + "listening on http://".len()..];
                let _ = found.send(rest.split_whitespace().next().unwrap_or("").to_owned());
            }
            text.push_str(&line);
            text.push('\n');
        }
        text
    });
    match address.recv_timeout(Duration::from_secs(30)) {
        Ok(address) => (child, address, log),
        Err(_) => {
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "the server did not report its address: {}",
                log.join().unwrap()
            );
        }
    }
}

fn assert_one_clear_line(output: &Output, expected: &str) {
    let text = stderr(output);
    assert!(!output.status.success(), "should fail: {text}");
    assert!(text.contains(expected), "expected {expected:?} in {text:?}");
    assert!(
        !text.contains("panicked") && !text.contains("backtrace"),
        "{text}"
    );
    assert_eq!(text.trim().lines().count(), 1, "one line: {text:?}");
}

#[test]
fn a_bad_config_value_names_the_key() {
    let dir = tempfile::tempdir().unwrap();
    let output = hrnexus()
        .current_dir(dir.path())
        .args(["serve", "--listen", "not-an-address"])
        .output()
        .unwrap();
    assert_one_clear_line(&output, "listen");

    std::fs::write(dir.path().join("hrnexus.toml"), "base_url = \"ftp://x\"\n").unwrap();
    let output = hrnexus()
        .current_dir(dir.path())
        .arg("migrate")
        .output()
        .unwrap();
    assert_one_clear_line(&output, "base_url");

    let output = hrnexus()
        .current_dir(dir.path())
        .env("HRNEXUS_SESSION_IDLE_MINUTES", "soms")
        .args(["migrate", "--config", "/does/not/exist.toml"])
        .output()
        .unwrap();
    assert!(!output.status.success());
    assert!(!stderr(&output).contains("panicked"));
}

#[test]
fn a_port_in_use_is_one_clear_line() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = taken.local_addr().unwrap().to_string();
    let dir = tempfile::tempdir().unwrap();
    let output = hrnexus()
        .current_dir(dir.path())
        .args(["serve", "--listen", &addr])
        .output()
        .unwrap();
    assert_one_clear_line(&output, "already in use");
}

#[test]
fn an_unreachable_database_is_one_clear_line() {
    let (_reserved, port) = crate::common::closed_port();
    let output = hrnexus()
        .args([
            "migrate",
            "--database-url",
            &format!("postgres://u:geheim@127.0.0.1:{port}/x"),
        ])
        .output()
        .unwrap();
    assert_one_clear_line(&output, "cannot open the database");
    assert!(
        !stderr(&output).contains("geheim"),
        "no password in messages"
    );
}

#[test]
fn create_admin_prints_a_set_up_link_and_backup_copies_the_database() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    // No password is asked for: stdin stays closed.
    let output = hrnexus()
        .args(["create-admin", "--email", "Beheer@HRnexus.nl", "--data-dir"])
        .arg(&data)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(stdout.contains("beheer@hrnexus.nl"), "{stdout}");
    let link = stdout
        .split_whitespace()
        // Without base_url, links use the address the site listens on (127.0.0.1:8080).
        .find(|w| w.starts_with("http://127.0.0.1:8080/beheer/instellen/"))
        .unwrap_or_else(|| panic!("a set-up link in {stdout}"))
        .to_owned();
    let token = link.rsplit('/').next().unwrap().to_owned();
    assert!(
        hrnexus_core::token::UrlToken::parse(&token).is_ok(),
        "{token}"
    );
    assert!(!stderr(&output).contains(&token), "the link is not logged");

    // The account exists without a usable password; the link (stored hashed) opens it.
    let db = data.join("hrnexus.db");
    let first = token.clone();
    with_store(&db, |store| async move {
        let token = first;
        let now = hrnexus::storage::now();
        let email = hrnexus_core::email::EmailAddress::parse("beheer@hrnexus.nl").unwrap();
        let staff = store.staff_by_email(&email).await.unwrap().unwrap();
        assert!(staff.password_hash.starts_with("$argon2id$"));
        assert!(staff.totp_secret.is_none());
        let opened = store
            .staff_setup_link(&hrnexus::auth::token_hash(&token), now)
            .await
            .unwrap();
        assert_eq!(opened.map(|s| s.id), Some(staff.id));
        assert!(
            store.staff_setup_link(&token, now).await.unwrap().is_none(),
            "only the hash is stored"
        );
        assert!(
            store
                .staff_setup_link(&hrnexus::auth::token_hash(&token), now + 24 * 3600 + 1)
                .await
                .unwrap()
                .is_none(),
            "valid for 24 hours"
        );
    });

    // Again for the same address: a new link, and the earlier one stops working.
    let again = hrnexus()
        .args(["create-admin", "--email", "beheer@hrnexus.nl", "--data-dir"])
        .arg(&data)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert!(again.status.success(), "{}", stderr(&again));
    assert!(String::from_utf8_lossy(&again.stdout).contains("already exists"));
    with_store(&db, |store| async move {
        let now = hrnexus::storage::now();
        let old = store
            .staff_setup_link(&hrnexus::auth::token_hash(&token), now)
            .await
            .unwrap();
        assert!(old.is_none(), "the earlier link was ended");
        assert_eq!(store.count_staff().await.unwrap(), 1);
    });

    let output = hrnexus()
        .args(["create-admin", "--email", "geen-adres", "--data-dir"])
        .arg(&data)
        .output()
        .unwrap();
    assert_one_clear_line(&output, "not a valid email address");

    let backup = dir.path().join("kopie.db");
    let output = hrnexus()
        .args(["backup", "--to"])
        .arg(&backup)
        .arg("--data-dir")
        .arg(&data)
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    let copy = rusqlite_count(&backup);
    assert_eq!(copy, 1);
    let again = hrnexus()
        .args(["backup", "--to"])
        .arg(&backup)
        .arg("--data-dir")
        .arg(&data)
        .output()
        .unwrap();
    assert_one_clear_line(&again, "already exists");
}

/// What a site holds, as read through the storage layer: accounts, scans, rounds, and the
/// counts behind every closed round's results.
fn site_contents(path: &std::path::Path) -> String {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let store = hrnexus::storage::connect(&format!("sqlite://{}", path.display()))
            .await
            .unwrap();
        let mut text = format!("staff {}\n", store.count_staff().await.unwrap());
        for address in store.staff_emails().await.unwrap() {
            text.push_str(&format!("staff account {address}\n"));
        }
        for id in 1..=5 {
            if let Some(employer) = store.employer_by_id(id).await.unwrap() {
                text.push_str(&format!("employer {} {}\n", employer.id, employer.email));
            }
        }
        for scan_id in 1..=5 {
            let Some(scan) = store.scan_by_id(scan_id).await.unwrap() else {
                continue;
            };
            text.push_str(&format!(
                "scan {} {} {}\n",
                scan.id, scan.organisation, scan.team
            ));
            for round in store.rounds(scan_id).await.unwrap() {
                let mut counts = store.round_counts(round.id).await.unwrap();
                counts.sort_by_key(|g| g.department_id);
                let counts: Vec<String> = counts
                    .iter()
                    .map(|g| format!("{:?}:{:?}", g.department_id, g.counts))
                    .collect();
                text.push_str(&format!(
                    "round {} {} {} {} {}\n",
                    round.number,
                    round.closes_on,
                    round.responses,
                    round.invited,
                    counts.join(";")
                ));
            }
        }
        text
    })
}

#[test]
fn a_backup_restores_into_a_fresh_folder_with_everything_in_it() {
    let dir = tempfile::tempdir().unwrap();
    let (site, fresh) = (dir.path().join("site"), dir.path().join("fresh"));
    std::fs::create_dir_all(&site).unwrap();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let url = format!("sqlite://{}", site.join("hrnexus.db").display());
        let store = hrnexus::storage::connect(&url).await.unwrap();
        hrnexus::demo::fill(&store).await.unwrap();
    });
    let before = site_contents(&site.join("hrnexus.db"));
    assert!(
        before.contains("scan 1 ")
            && before.matches("round ").count() >= 3
            && before.contains("staff account ")
            && before.contains("employer 1 "),
        "{before}"
    );

    let backup = dir.path().join("kopie.db");
    let output = hrnexus()
        .args(["backup", "--to"])
        .arg(&backup)
        .arg("--data-dir")
        .arg(&site)
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr(&output));

    let restore = |data: &std::path::Path, from: &std::path::Path, force: bool| {
        let mut command = hrnexus();
        command
            .args(["restore", "--from"])
            .arg(from)
            .arg("--data-dir")
            .arg(data);
        if force {
            command.arg("--force");
        }
        command.output().unwrap()
    };
    let output = restore(&fresh, &backup, false);
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(site_contents(&fresh.join("hrnexus.db")), before);

    // A live database is not replaced without --force; with it, it is.
    assert_one_clear_line(&restore(&fresh, &backup, false), "add --force");
    let output = restore(&fresh, &backup, true);
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(site_contents(&fresh.join("hrnexus.db")), before);

    // A damaged or foreign file is refused and the database stays as it was.
    let damaged = dir.path().join("kapot.db");
    std::fs::write(&damaged, b"dit is geen database").unwrap();
    assert_one_clear_line(&restore(&fresh, &damaged, true), "cannot be restored");
    assert_one_clear_line(
        &restore(&fresh, &dir.path().join("nergens.db"), true),
        "is not a file",
    );
    // A backup from a newer HRnexus (a migration this binary does not know) is refused too.
    let newer = dir.path().join("nieuwer.db");
    std::fs::copy(&backup, &newer).unwrap();
    runtime.block_on(async {
        use sqlx::{Connection, Executor};
        let mut conn = sqlx::SqliteConnection::connect(&format!("sqlite://{}", newer.display()))
            .await
            .unwrap();
        conn.execute(
            "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time)
             VALUES (99991231000099, 'from the future', TRUE, X'00', 0)",
        )
        .await
        .unwrap();
    });
    assert_one_clear_line(&restore(&fresh, &newer, true), "newer HRnexus");
    assert_eq!(site_contents(&fresh.join("hrnexus.db")), before);
}

/// Runs `check` against a SQLite file through the app's own storage layer.
fn with_store<F, Fut>(path: &std::path::Path, check: F)
where
    F: FnOnce(hrnexus::storage::DynStorage) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let store = hrnexus::storage::connect(&format!("sqlite://{}", path.display()))
            .await
            .unwrap();
        check(store).await
    })
}

/// Counts staff rows in a SQLite file through the app's own storage layer.
fn rusqlite_count(path: &std::path::Path) -> i64 {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let store = hrnexus::storage::connect(&format!("sqlite://{}", path.display()))
            .await
            .unwrap();
        store.count_staff().await.unwrap()
    })
}

#[test]
fn serve_uses_environment_settings_and_shuts_down_gracefully() {
    let dir = tempfile::tempdir().unwrap();
    let (mut child, addr, log) = listening(
        hrnexus()
            .current_dir(dir.path())
            .env("HRNEXUS_LISTEN", "127.0.0.1:0")
            .env("HRNEXUS_DATA_DIR", dir.path().join("elders"))
            // The browser tests' harness variable is not a setting and must not stop the app.
            .env("HRNEXUS_BIN", "/ergens/hrnexus")
            .args(["serve", "--demo"])
            .stdout(Stdio::piped()),
    );
    {
        use std::io::Read;
        let mut stream = std::net::TcpStream::connect(&addr).unwrap();
        stream.write_all(b"GET /healthz HTTP/1.0\r\n\r\n").unwrap();
        let mut answer = String::new();
        let _ = stream.read_to_string(&mut answer);
        assert!(answer.starts_with("HTTP/1.0 200"), "{answer}");
    }
    assert!(dir.path().join("elders").join("hrnexus.db").exists());
    // Tokens live in paths; a refused cross-site post must not write one to the log.
    for request in [
        "POST /scan/geheim-token-in-pad HTTP/1.0\r\nSec-Fetch-Site: cross-site\r\nContent-Length: 0\r\n\r\n",
        "GET /scan/geheim-token-in-pad HTTP/1.0\r\n\r\n",
        "POST /werkgever/inloggen/geheim-token-in-pad HTTP/1.0\r\nOrigin: https://evil.example\r\nContent-Length: 0\r\n\r\n",
    ] {
        use std::io::Read;
        let mut stream = std::net::TcpStream::connect(&addr).unwrap();
        stream.write_all(request.as_bytes()).unwrap();
        let mut answer = String::new();
        let _ = stream.read_to_string(&mut answer);
    }
    assert!(!dir.path().join("data").exists());
    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let deadline = Instant::now() + Duration::from_secs(15);
    let exit = loop {
        if let Some(exit) = child.try_wait().unwrap() {
            break exit;
        }
        assert!(Instant::now() < deadline, "did not stop after SIGTERM");
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(exit.success(), "clean exit after SIGTERM");
    let output = child.wait_with_output().unwrap();
    let log = log.join().unwrap();
    assert!(log.contains("shutting down"), "{log}");
    assert!(
        !log.contains("geheim-token-in-pad"),
        "a token in the log: {log}"
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.contains("demo@hrnexus.nl"),
        "demo login printed: {stdout}"
    );
}

/// Responses stored in the open round of the demo scan (the one with a shared link).
fn open_round_responses(path: &std::path::Path) -> i64 {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        use sqlx::Connection;
        let mut conn = sqlx::SqliteConnection::connect(&format!("sqlite://{}", path.display()))
            .await
            .unwrap();
        sqlx::query_scalar(
            "SELECT COUNT(*) FROM responses WHERE round_id IN
               (SELECT id FROM rounds WHERE shared_token_hash IS NOT NULL AND closed_at IS NULL)",
        )
        .fetch_one(&mut conn)
        .await
        .unwrap()
    })
}

/// An answer that got its thank-you page is on disk: killing the server with SIGKILL in the
/// middle of a stream of answers loses none of the acknowledged ones.
#[test]
fn a_sigkill_loses_no_acknowledged_answer() {
    use std::io::{BufRead, BufReader, Read};
    use std::sync::{
        Arc,
        atomic::{AtomicBool, AtomicUsize, Ordering},
    };
    let dir = tempfile::tempdir().unwrap();
    let (mut child, addr, _log) = listening(
        hrnexus()
            .current_dir(dir.path())
            .env("HRNEXUS_PUBLIC_FORM_RATE_PER_MINUTE", "0")
            // Quiet, except for the line that says where it listens.
            .env("HRNEXUS_LOG", "warn,hrnexus::cli=info")
            .args(["serve", "--demo", "--listen", "127.0.0.1:0"])
            .stdout(Stdio::piped()),
    );
    // The demo prints a link to its open scan.
    let mut path = None;
    for line in BufReader::new(child.stdout.take().unwrap()).lines() {
        let line = line.unwrap();
        if let Some(at) = line.find("/scan/") {
            path = Some(line[at..].split_whitespace().next().unwrap().to_owned());
            break;
        }
    }
    let path = path.expect("the demo prints its scan link");
    let db = dir.path().join("data").join("hrnexus.db");
    let deadline = Instant::now() + Duration::from_secs(20);
    let before = open_round_responses(&db);

    let acknowledged = Arc::new(AtomicUsize::new(0));
    let stop = Arc::new(AtomicBool::new(false));
    let workers: Vec<_> = (0..8)
        .map(|_| {
            let (acknowledged, stop, path, addr) =
                (acknowledged.clone(), stop.clone(), path.clone(), addr.clone());
            std::thread::spawn(move || {
                while !stop.load(Ordering::Relaxed) {
                    let form_id: String = (0..43)
                        .map(|_| {
                            let chars = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
                            chars[rand::random_range(0..chars.len())] as char
                        })
                        .collect();
                    let body = format!(
                        "werkwijze=4&sterke_punten=3&taakinvloed=2&open_mening=5&steun=1&formulier={form_id}"
                    );
                    let request = format!(
                        "POST {path} HTTP/1.0\r\nHost: 127.0.0.1\r\nSec-Fetch-Site: same-origin\r\n\
                         Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{body}",
                        body.len()
                    );
                    let Ok(mut stream) = std::net::TcpStream::connect(&addr) else {
                        return;
                    };
                    if stream.write_all(request.as_bytes()).is_err() {
                        return;
                    }
                    let mut answer = String::new();
                    let _ = stream.read_to_string(&mut answer);
                    if answer.starts_with("HTTP/1.0 303") {
                        acknowledged.fetch_add(1, Ordering::Relaxed);
                    }
                }
            })
        })
        .collect();
    // Let answers flow, then kill the server without any chance to clean up.
    while acknowledged.load(Ordering::Relaxed) < 200 {
        assert!(
            Instant::now() < deadline + Duration::from_secs(30),
            "answers are not stored"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    stop.store(true, Ordering::Relaxed);
    for worker in workers {
        worker.join().unwrap();
    }
    let acknowledged = acknowledged.load(Ordering::Relaxed) as i64;
    let stored = open_round_responses(&db) - before;
    assert!(
        stored >= acknowledged,
        "{acknowledged} answers were acknowledged but only {stored} survived SIGKILL"
    );
}

/// The demo reads like a real bakery: no comment twice on one round's page, and the
/// signals follow the answers (the weakest department is the most tired and the most
/// likely to leave; the strongest takes the most initiative).
#[test]
fn the_demo_bakery_is_consistent() {
    use hrnexus_core::scan::{Aspect, Signal};
    let dir = tempfile::tempdir().unwrap();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let url = format!("sqlite://{}", dir.path().join("hrnexus.db").display());
        let store = hrnexus::storage::connect(&url).await.unwrap();
        hrnexus::demo::fill(&store).await.unwrap();
        let departments = store.departments(1).await.unwrap();
        let id = |name: &str| {
            departments
                .iter()
                .find(|d| d.name == name)
                .map(|d| d.id)
                .unwrap()
        };
        for round in store.rounds(1).await.unwrap() {
            let mut comments: Vec<String> = store
                .round_comments(round.id)
                .await
                .unwrap()
                .into_iter()
                .map(|c| c.body)
                .collect();
            let all = comments.len();
            comments.sort();
            comments.dedup();
            assert_eq!(
                comments.len(),
                all,
                "round {}: a comment twice",
                round.number
            );

            let counts = store.round_counts(round.id).await.unwrap();
            let of = |name: &str| {
                counts
                    .iter()
                    .find(|g| g.department_id == Some(id(name)))
                    .map(|g| g.counts)
                    .unwrap()
            };
            let mean = |c: &hrnexus_core::scan::AspectCounts| c.mean().unwrap_or(3.0);
            let (weak, strong) = (of("Bezorging"), of("Kantoor"));
            if weak.responses < 5 || strong.responses < 3 {
                continue; // the open round has only a few answers so far
            }
            let aspects = |c: &hrnexus_core::scan::ScanCounts| {
                Aspect::ALL
                    .iter()
                    .map(|a| mean(&c.aspects[*a]))
                    .sum::<f64>()
            };
            assert!(aspects(&weak) < aspects(&strong));
            assert!(
                mean(&weak.signals[Signal::Fatigue]) > mean(&strong.signals[Signal::Fatigue]),
                "round {}: tiredness follows the answers",
                round.number
            );
            assert!(
                mean(&weak.signals[Signal::IntentionToLeave])
                    > mean(&strong.signals[Signal::IntentionToLeave])
            );
            assert!(
                mean(&weak.signals[Signal::Initiative]) < mean(&strong.signals[Signal::Initiative])
            );
        }
    });
}
