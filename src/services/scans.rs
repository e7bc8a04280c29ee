//! Scans and rounds: setting them up, the links employees open, closing a round.
//!
//! Personal links of one batch are derived from a random seed (a keyed hash of the seed and
//! the link's number), so the employer can download the same links again later by handing
//! the seed back, while only hashes of the tokens are stored.

use base64::Engine;
use chrono::NaiveDate;
use hrnexus_core::scan::{
    anonymity::{DEFAULT_MIN_COMMENTS, DEFAULT_MIN_GROUP},
    setup::{Invites, LinkCount, RoundSetup, ScanSetup, SetupProblem, check_new_closing_date},
};
use sha2::{Digest, Sha256};

use super::{Result, ServiceError};
use crate::{
    auth,
    i18n::Lang,
    secret::{Purpose, ServerSecret},
    storage::{
        Department, NewAuditEntry, NewScan, Round, Scan, ScanFootprint, ScanOwner, ScanStore,
        Storage, now,
    },
};

/// The scan when it belongs to `owner`; anyone else's scan does not exist.
pub async fn owned_scan(store: &dyn ScanStore, owner: ScanOwner, id: i64) -> Result<Scan> {
    match store.scan_by_id(id).await? {
        Some(scan) if scan.is_owned_by(owner) => Ok(scan),
        _ => Err(ServiceError::NotFound),
    }
}

/// The scan's current round (the newest).
pub async fn latest_round(store: &dyn ScanStore, scan_id: i64) -> Result<Round> {
    store
        .rounds(scan_id)
        .await?
        .pop()
        .ok_or(ServiceError::NotFound)
}

/// The scan's department with this id; `None` asks for the whole team.
pub async fn department(
    store: &dyn ScanStore,
    scan: &Scan,
    id: Option<i64>,
) -> Result<Option<Department>> {
    let Some(id) = id else {
        return Ok(None);
    };
    store
        .departments(scan.id)
        .await?
        .into_iter()
        .find(|d| d.id == id)
        .map(Some)
        .ok_or(ServiceError::UnknownDepartment)
}

/// The address an employee opens, in the scan's language.
pub fn invite_link(base_url: &str, scan: &Scan, token: &str) -> String {
    let lang = if scan.lang == "en" {
        Lang::En
    } else {
        Lang::Nl
    };
    format!("{base_url}{}/scan/{token}", lang.prefix())
}

/// The `index`-th token of a batch (see the module documentation).
fn derive_token(seed: &str, index: u32) -> String {
    let mut hasher = Sha256::new();
    hasher.update(b"hrnexus-invite\0");
    hasher.update(seed.as_bytes());
    hasher.update(index.to_be_bytes());
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(hasher.finalize())
}

/// A batch of new personal links: the seed that derives them and the tokens.
pub struct Batch {
    pub seed: String,
    pub tokens: Vec<String>,
}

impl Batch {
    /// `count` fresh personal links (nothing stored yet).
    pub fn new(count: LinkCount) -> Batch {
        let seed = auth::random_token();
        Batch::from_seed(seed, count.get())
    }

    /// The links a seed derives (a download of an earlier batch).
    pub fn from_seed(seed: String, count: u32) -> Batch {
        let tokens = (0..count).map(|i| derive_token(&seed, i)).collect();
        Batch { seed, tokens }
    }

    /// What storage keeps of the batch: token hashes with their department.
    pub fn invites(&self, department_id: Option<i64>) -> Vec<(String, Option<i64>)> {
        self.tokens
            .iter()
            .map(|token| (auth::token_hash(token), department_id))
            .collect()
    }
}

/// Creates `count` personal links for the open round and stores their hashes.
pub async fn issue_invites(
    store: &dyn ScanStore,
    round: &Round,
    count: LinkCount,
    department_id: Option<i64>,
) -> Result<Batch> {
    if !round.is_open(crate::i18n::today()) {
        return Err(ServiceError::RoundClosed);
    }
    let batch = Batch::new(count);
    store
        .add_invites(round.id, &batch.invites(department_id))
        .await?;
    Ok(batch)
}

/// The shared link token of a round: base64url of a keyed hash, 43 characters like
/// `auth::random_token`. The trailing field is the department (empty: the whole team).
pub fn shared_token(secret: &ServerSecret, scan_id: i64, round_number: i32) -> String {
    let input = format!("scan:{scan_id}:round:{round_number}:department:");
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .encode(secret.mac(Purpose::SharedLink, input.as_bytes()))
}

/// Gives the round its derived shared link (replacing an older random one) and returns it.
pub async fn set_shared_link(
    store: &dyn ScanStore,
    secret: &ServerSecret,
    scan_id: i64,
    round: &Round,
) -> Result<String> {
    let token = shared_token(secret, scan_id, round.number);
    store
        .set_shared_link_hash(round.id, &auth::token_hash(&token))
        .await?;
    Ok(token)
}

/// The round's shared link when it is the derived one; `None` when the round has none, or
/// one made before links could be shown again (its token is not known).
pub async fn current_shared_token(
    store: &dyn ScanStore,
    secret: &ServerSecret,
    scan: &Scan,
    round: &Round,
) -> Result<Option<String>> {
    let token = shared_token(secret, scan.id, round.number);
    Ok(store
        .shared_link_hash(round.id)
        .await?
        .filter(|stored| *stored == auth::token_hash(&token))
        .map(|_| token))
}

/// A round just opened, with the links it was opened with (shown once).
pub struct OpenedRound {
    pub scan: Scan,
    pub round: Round,
    pub batch: Option<Batch>,
    pub shared_token: Option<String>,
}

/// Stores a checked scan with its first round and its personal links in one transaction,
/// then gives a shared link when that was asked for.
pub async fn create_scan(
    store: &dyn ScanStore,
    secret: &ServerSecret,
    owner: ScanOwner,
    setup: ScanSetup,
    today: NaiveDate,
) -> Result<OpenedRound> {
    let batch = personal_links(setup.round.invites);
    let scan_id = store
        .create_scan(&NewScan {
            owner,
            organisation: setup.organisation.into_string(),
            team: setup.team.into_string(),
            lang: setup.lang.code().to_owned(),
            min_group: DEFAULT_MIN_GROUP as i32,
            min_comments: DEFAULT_MIN_COMMENTS as i32,
            departments: setup
                .departments
                .into_iter()
                .map(|d| d.into_string())
                .collect(),
            opened_on: today,
            closes_on: setup.round.closes_on,
            // Set below: the shared link is derived from the scan id, known only now.
            shared_token_hash: None,
            invites: batch.as_ref().map(|b| b.invites(None)).unwrap_or_default(),
        })
        .await?;
    let scan = store
        .scan_by_id(scan_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let round = latest_round(store, scan_id).await?;
    with_shared_link(store, secret, scan, round, batch, setup.round.invites).await
}

/// Opens the scan's next round (which closes the current one and forgets its addresses).
/// `Conflict` when another request opened it at the same moment.
pub async fn start_round(
    store: &dyn Storage,
    secret: &ServerSecret,
    scan: Scan,
    setup: RoundSetup,
    today: NaiveDate,
) -> Result<OpenedRound> {
    let previous = latest_round(store, scan.id).await?;
    let batch = personal_links(setup.invites);
    let round = store
        .open_round(
            scan.id,
            today,
            setup.closes_on,
            None,
            &batch.as_ref().map(|b| b.invites(None)).unwrap_or_default(),
        )
        .await?;
    // Invited addresses are only kept for the reminder of an open round.
    store.forget_invitation_addresses(previous.id).await?;
    with_shared_link(store, secret, scan, round, batch, setup.invites).await
}

/// Closes the scan's current round by hand; closing twice is harmless.
pub async fn close_round(store: &dyn Storage, scan: &Scan) -> Result<()> {
    let round = latest_round(store, scan.id).await?;
    store.close_round(round.id, now()).await?;
    store.forget_invitation_addresses(round.id).await?;
    Ok(())
}

/// A round whose closing date moved.
pub struct MovedDate {
    pub round: Round,
    /// The date before the change (`round.closes_on` is the new one).
    pub previous: NaiveDate,
}

/// Moves the closing date of the scan's current round to `closes_on`, when the core's rules
/// allow it (`setup::check_new_closing_date`): refused with `ClosingDate(problem)`, also when
/// the round closed between the check and the change.
pub async fn change_closing_date(
    store: &dyn ScanStore,
    scan: &Scan,
    closes_on: NaiveDate,
    today: NaiveDate,
) -> Result<MovedDate> {
    let round = latest_round(store, scan.id).await?;
    let date = check_new_closing_date(closes_on, round.state(today), round.opened_on, today)
        .map_err(ServiceError::ClosingDate)?;
    if !store.set_closing_date(round.id, date, today).await? {
        return Err(ServiceError::ClosingDate(SetupProblem::RoundClosed));
    }
    let previous = round.closes_on;
    Ok(MovedDate {
        round: Round {
            closes_on: date,
            ..round
        },
        previous,
    })
}

/// What deleting the scan would remove, counted.
pub async fn scan_footprint(store: &dyn ScanStore, scan: &Scan) -> Result<ScanFootprint> {
    Ok(store.scan_footprint(scan.id).await?)
}

/// The audit event a deletion leaves.
pub const SCAN_DELETED: &str = "scan_deleted";

/// Deletes the scan with everything stored for it (see `ScanStore::delete_scan`) in one
/// transaction that also writes the audit entry. The entry holds no personal data: the
/// owner as an account number, the scan's number and what was deleted, counted; no names,
/// addresses, comments or IP address. Intakes that came from the scan's "vraag hulp" stay:
/// they are a question to HRnexus with only aggregated figures, staff and providers may be
/// working on it, and it is not linked to the scan. `NotFound` when it was already gone.
pub async fn delete_scan(
    store: &dyn ScanStore,
    scan: &Scan,
    by: ScanOwner,
) -> Result<ScanFootprint> {
    let actor = match by {
        ScanOwner::Employer(id) => format!("werkgever #{id}"),
        ScanOwner::ApiKey(id) => format!("api-sleutel #{id}"),
    };
    let f = store.scan_footprint(scan.id).await?;
    let detail = format!(
        "scan #{}: {} rounds, {} responses, {} comments, {} invites, {} addresses, {} mails ({} pending)",
        scan.id,
        f.rounds,
        f.responses,
        f.comments,
        f.invites,
        f.addresses,
        f.mails,
        f.pending_mails
    );
    let entry = NewAuditEntry {
        actor: Some(&actor),
        event: SCAN_DELETED,
        detail: &detail,
        ip: None,
    };
    store
        .delete_scan(scan.id, &entry)
        .await?
        .ok_or(ServiceError::NotFound)
}

/// One card of the employer's dashboard.
pub struct ScanOverview {
    pub scan: Scan,
    /// The current (latest) round; `None` for a scan without rounds.
    pub current: Option<Round>,
    /// The autonomy index of the latest closed round, when the anonymity rules show the
    /// whole scan's figures of that round: (round number, index).
    pub index: Option<(i32, f64)>,
}

/// The owner's scans, newest first, each with its current round and released index (two
/// queries for the list, plus the counts of each scan's latest closed round, cached).
pub async fn overview(
    store: &dyn ScanStore,
    owner: ScanOwner,
    today: NaiveDate,
) -> Result<Vec<ScanOverview>> {
    let (scans, rounds) = tokio::try_join!(store.owned_scans(owner), store.rounds_of(owner))?;
    let mut by_scan: std::collections::HashMap<i64, Vec<Round>> = std::collections::HashMap::new();
    for round in rounds {
        by_scan.entry(round.scan_id).or_default().push(round);
    }
    let mut cards = Vec::with_capacity(scans.len());
    for scan in scans {
        let rounds = by_scan.remove(&scan.id).unwrap_or_default();
        let index = super::results::released_index(store, &scan, &rounds, today).await?;
        cards.push(ScanOverview {
            current: rounds.last().cloned(),
            scan,
            index,
        });
    }
    Ok(cards)
}

fn personal_links(invites: Invites) -> Option<Batch> {
    match invites {
        Invites::Personal(count) => Some(Batch::new(count)),
        Invites::Shared => None,
    }
}

async fn with_shared_link(
    store: &dyn ScanStore,
    secret: &ServerSecret,
    scan: Scan,
    mut round: Round,
    batch: Option<Batch>,
    invites: Invites,
) -> Result<OpenedRound> {
    let shared_token = match invites {
        Invites::Shared => {
            round.shared_link = true;
            Some(set_shared_link(store, secret, scan.id, &round).await?)
        }
        Invites::Personal(_) => None,
    };
    Ok(OpenedRound {
        scan,
        round,
        batch,
        shared_token,
    })
}

/// Departments depth-first (each parent followed by its children, siblings in their set
/// order), with their depth. Departments whose parent is missing are shown at the top level
/// (the anonymity check hides everything for such a tree anyway). The results, the answer
/// form and the link forms all list departments this way.
pub fn tree_order(departments: &[Department]) -> Vec<(&Department, usize)> {
    use std::collections::{HashMap, HashSet};
    let ids: HashSet<i64> = departments.iter().map(|d| d.id).collect();
    let mut sorted: Vec<&Department> = departments.iter().collect();
    sorted.sort_by_key(|d| (d.position, d.id));
    let mut children: HashMap<Option<i64>, Vec<&Department>> = HashMap::new();
    for d in sorted {
        let parent = d.parent_id.filter(|p| ids.contains(p) && *p != d.id);
        children.entry(parent).or_default().push(d);
    }
    let mut out = Vec::with_capacity(departments.len());
    let mut seen = HashSet::new();
    let mut stack: Vec<(&Department, usize)> = children
        .get(&None)
        .map(|c| c.iter().rev().map(|d| (*d, 0)).collect())
        .unwrap_or_default();
    while let Some((d, depth)) = stack.pop() {
        if !seen.insert(d.id) {
            continue;
        }
        out.push((d, depth));
        if let Some(kids) = children.get(&Some(d.id)) {
            stack.extend(kids.iter().rev().map(|k| (*k, depth + 1)));
        }
    }
    // Anything on a cycle never hangs below the root: list it flat so it is not lost.
    for d in departments {
        if !seen.contains(&d.id) {
            out.push((d, 0));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn derived_tokens_are_distinct_long_and_url_safe() {
        let seed = auth::random_token();
        let batch = Batch::from_seed(seed.clone(), 100);
        let tokens: std::collections::HashSet<&String> = batch.tokens.iter().collect();
        assert_eq!(tokens.len(), 100);
        for token in &tokens {
            assert_eq!(token.len(), 43, "256 bits");
            assert!(
                token
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
            );
        }
        assert_ne!(
            derive_token(&seed, 0),
            derive_token(&auth::random_token(), 0)
        );
        assert_eq!(derive_token(&seed, 7), batch.tokens[7]);
    }
}
