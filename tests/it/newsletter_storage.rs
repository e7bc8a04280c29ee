//! The Kompas storage area on both backends: sign-up requests with their proof, confirmation
//! links (hashes only), unsubscribing, re-subscribing, erasing, and removing unconfirmed
//! sign-ups.

use crate::{both_backends, common};

use hrnexus::storage::{NewConsent, NewSubscription, OutgoingMail, Storage};
use hrnexus_core::email::EmailAddress;

use common::Db;

fn mail(to: &str) -> OutgoingMail {
    OutgoingMail {
        recipient: to.into(),
        subject: "Bevestig".into(),
        text_body: "Tekst".into(),
        html_body: None,
        headers: vec![],
        carries_secret: true,
    }
}

fn email(s: &str) -> EmailAddress {
    EmailAddress::parse(s).unwrap()
}

async fn request(
    store: &dyn Storage,
    address: &str,
    key: &str,
    token_hash: &str,
    at: i64,
    prefs: &str,
) -> i64 {
    store
        .request_subscription(
            &NewSubscription {
                email: &email(address),
                lang: "nl",
                link_key: key,
                link_hash: &format!("hash-of-{key}"),
                consent: NewConsent {
                    requested_at: at,
                    request_ip: Some("203.0.113.0/24"),
                    text_version: "v1",
                    shown_text: "Ja, stuur mij het Kompas.",
                    preferences: prefs,
                },
                token_hash,
                expires_at: at + 100,
            },
            &mail(address),
        )
        .await
        .unwrap()
}

async fn subscribe_confirm_unsubscribe_resubscribe_erase(db: Db) {
    let Some(t) = common::store(db).await else {
        return;
    };
    let store = t.store.as_ref();
    let before = store.outbox_counts().await.unwrap().pending;
    let id = request(store, "Anna@Example.nl", "k1", "t1", 1_000, "").await;
    assert_eq!(store.outbox_counts().await.unwrap().pending, before + 1);
    let s = store
        .subscriber_by_email(&email("anna@example.nl"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (s.id, s.state.as_str(), s.confirmed_at),
        (id, "pending", None)
    );
    assert_eq!(
        store
            .subscriber_by_link_hash("hash-of-k1")
            .await
            .unwrap()
            .unwrap()
            .id,
        id
    );

    // The link works until it expires, by its hash only.
    assert!(
        store
            .pending_confirmation("t1", 1_099)
            .await
            .unwrap()
            .is_some()
    );
    assert!(
        store
            .pending_confirmation("t1", 1_100)
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        store
            .pending_confirmation("other", 1_050)
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        !store
            .confirm_subscription("t1", 1_100, &mail("x"))
            .await
            .unwrap()
    );

    // A second request with other preferences: the newest confirmed link decides them.
    request(store, "anna@example.nl", "k2", "t2", 1_010, "evenementen").await;
    let s = store
        .subscriber_by_email(&email("anna@example.nl"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        s.link_key, "k1",
        "an existing subscriber keeps their link key"
    );
    assert_eq!(
        store
            .count_signup_requests(&email("anna@example.nl"), 1_000)
            .await
            .unwrap(),
        2
    );
    assert_eq!(
        store
            .count_signup_requests(&email("anna@example.nl"), 1_005)
            .await
            .unwrap(),
        1
    );

    let queued = store.outbox_counts().await.unwrap().pending;
    assert!(
        store
            .confirm_subscription("t2", 1_020, &mail("welcome"))
            .await
            .unwrap()
    );
    assert_eq!(store.outbox_counts().await.unwrap().pending, queued + 1);
    // Used, and the other open link of the same subscriber ended with it.
    assert!(
        !store
            .confirm_subscription("t2", 1_021, &mail("x"))
            .await
            .unwrap()
    );
    assert!(
        !store
            .confirm_subscription("t1", 1_021, &mail("x"))
            .await
            .unwrap()
    );
    let s = store
        .subscriber_by_email(&email("anna@example.nl"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(s.state, "confirmed");
    assert_eq!(s.confirmed_at, Some(1_020));
    assert_eq!(s.preferences, "evenementen");

    let consents = store.consents(id).await.unwrap();
    assert_eq!(consents.len(), 2);
    assert_eq!(consents[1].confirmed_at, Some(1_020));
    assert_eq!(consents[1].requested_at, 1_010);
    assert_eq!(consents[1].shown_text, "Ja, stuur mij het Kompas.");
    assert_eq!(consents[1].request_ip.as_deref(), Some("203.0.113.0/24"));
    assert_eq!(consents[0].confirmed_at, None);

    assert!(store.unsubscribe(id, 2_000).await.unwrap());
    assert!(!store.unsubscribe(id, 2_001).await.unwrap());
    let s = store
        .subscriber_by_email(&email("anna@example.nl"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (s.state.as_str(), s.unsubscribed_at),
        ("unsubscribed", Some(2_000))
    );

    store
        .set_newsletter_preferences(id, "artikelen")
        .await
        .unwrap();
    let consent = NewConsent {
        requested_at: 3_000,
        request_ip: None,
        text_version: "v1",
        shown_text: "Ja.",
        preferences: "artikelen,evenementen",
    };
    assert!(store.resubscribe(id, &consent).await.unwrap());
    assert!(
        !store.resubscribe(id, &consent).await.unwrap(),
        "only when unsubscribed"
    );
    let s = store
        .subscriber_by_email(&email("anna@example.nl"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!((s.state.as_str(), s.unsubscribed_at), ("confirmed", None));
    assert_eq!(s.preferences, "artikelen,evenementen");
    let consents = store.consents(id).await.unwrap();
    assert_eq!(consents.len(), 3);
    assert_eq!(consents[2].confirmed_at, Some(3_000));

    assert!(store.erase_subscriber(id).await.unwrap());
    assert!(!store.erase_subscriber(id).await.unwrap());
    assert!(
        store
            .subscriber_by_email(&email("anna@example.nl"))
            .await
            .unwrap()
            .is_none()
    );
    assert!(store.consents(id).await.unwrap().is_empty());
}

async fn unconfirmed_signups_are_removed_after_the_period(db: Db) {
    let Some(t) = common::store(db).await else {
        return;
    };
    let store = t.store.as_ref();
    let old = request(store, "oud@example.nl", "a", "ta", 1_000, "").await;
    let recent = request(store, "nieuw@example.nl", "b", "tb", 5_000, "").await;
    // Confirmed long ago, then an unconfirmed request (by someone else, perhaps) later.
    let kept = request(store, "lid@example.nl", "c", "tc", 1_000, "").await;
    assert!(
        store
            .confirm_subscription("tc", 1_001, &mail("w"))
            .await
            .unwrap()
    );
    request(store, "lid@example.nl", "c2", "tc2", 1_500, "").await;
    // Pending since long ago, but asked again recently: kept with its new request.
    let again = request(store, "weer@example.nl", "d", "td", 1_000, "").await;
    request(store, "weer@example.nl", "d2", "td2", 4_000, "").await;

    assert_eq!(store.delete_unconfirmed_signups(3_000).await.unwrap(), 1);
    assert!(
        store
            .subscriber_by_email(&email("oud@example.nl"))
            .await
            .unwrap()
            .is_none()
    );
    assert!(store.consents(old).await.unwrap().is_empty());
    assert_eq!(store.consents(recent).await.unwrap().len(), 1);
    let kept_consents = store.consents(kept).await.unwrap();
    assert_eq!(
        kept_consents.len(),
        1,
        "the unconfirmed request went, the proof stayed"
    );
    assert_eq!(kept_consents[0].confirmed_at, Some(1_001));
    assert_eq!(
        store
            .subscriber_by_email(&email("lid@example.nl"))
            .await
            .unwrap()
            .unwrap()
            .state,
        "confirmed"
    );
    assert_eq!(store.consents(again).await.unwrap().len(), 1);
    assert!(
        store
            .pending_confirmation("td2", 4_050)
            .await
            .unwrap()
            .is_some()
    );
    // Idempotent.
    assert_eq!(store.delete_unconfirmed_signups(3_000).await.unwrap(), 0);
}

both_backends!(
    subscribe_confirm_unsubscribe_resubscribe_erase,
    unconfirmed_signups_are_removed_after_the_period,
);
