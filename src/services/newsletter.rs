//! The HRnexus Kompas subscription: sign-up with double opt-in and proof of consent, the
//! confirmation, and what a subscriber can do with the link in every mail (unsubscribe in one
//! click, preferences, subscribe again, download or erase their data). The rules themselves
//! live in `hrnexus_core::newsletter`; this module applies them to storage and mail.
//!
//! Links: a confirmation link is a random token stored as its SHA-256. The manage link of a
//! subscriber is an HMAC of their random `link_key` under the server secret, stored as its
//! SHA-256 too, so it can be put in every mail again without being kept anywhere.

use std::net::IpAddr;

use base64::Engine;
use hrnexus_core::{
    email::EmailAddress,
    newsletter::{self, Preferences, SignupAction, State},
    token::UrlToken,
};

use super::Result;
use crate::{
    auth,
    i18n::Lang,
    mail::{KompasAlready, KompasConfirm, KompasWelcome, compose_subscribed},
    secret::{Purpose, ServerSecret},
    storage::{Consent, NewConsent, NewSubscription, Storage, Subscriber, UnixTime},
};

/// A sign-up as the form (or, later, the API) delivers it, already parsed.
pub struct Signup {
    pub email: EmailAddress,
    pub lang: Lang,
    pub preferences: Preferences,
    /// The visitor's address; only its network is kept.
    pub ip: Option<IpAddr>,
    /// The consent text exactly as the page showed it next to the checkbox.
    pub shown_text: String,
}

/// The manage/unsubscribe token of a subscriber: 32 bytes derived from their link key.
pub fn manage_token(secret: &ServerSecret, link_key: &str) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .encode(secret.mac(Purpose::NewsletterLink, link_key.as_bytes()))
}

/// The absolute URL of a subscriber's manage page (also the one-click unsubscribe URL).
pub fn manage_url(base_url: &str, lang: Lang, token: &str) -> String {
    format!("{base_url}{}/kompas/afmelden/{token}", lang.prefix())
}

fn lang_of(subscriber: &Subscriber) -> Lang {
    if subscriber.lang == "en" {
        Lang::En
    } else {
        Lang::Nl
    }
}

/// Handles a sign-up. Whatever the address's state, the same things happen in the database
/// (one request row, one queued mail) and the caller shows the same page: only the mail's
/// words differ (a confirmation link, or "you are already subscribed"). Over the daily limit
/// per address, nothing is stored or sent.
pub async fn sign_up(
    store: &dyn Storage,
    secret: &ServerSecret,
    base_url: &str,
    signup: &Signup,
    now: UnixTime,
) -> Result<()> {
    let recent = store
        .count_signup_requests(&signup.email, now - 24 * 60 * 60)
        .await?;
    if recent >= newsletter::MAILS_PER_ADDRESS_PER_DAY {
        return Ok(());
    }
    let existing = store.subscriber_by_email(&signup.email).await?;
    let new_key = auth::random_token();
    let link_key = existing.as_ref().map_or(new_key.as_str(), |s| &s.link_key);
    let manage = manage_token(secret, link_key);
    let link_hash = auth::token_hash(&manage);
    // The mail goes in the language of the page the person used now.
    let lang = signup.lang;
    let manage_link = manage_url(base_url, lang, &manage);
    // A confirmed subscriber gets a token too (never mailed), so both paths write the same.
    let token = auth::random_token();
    let action = newsletter::on_signup(existing.as_ref().map(|s| State::parse(&s.state)));
    let mail = match action {
        SignupAction::SendConfirmation => compose_subscribed(
            signup.email.as_str(),
            &KompasConfirm {
                lang,
                link: format!("{base_url}{}/kompas/bevestigen/{token}", lang.prefix()),
                manage_url: manage_link.clone(),
            },
            &manage_link,
        )?,
        SignupAction::SendAlreadySubscribed => compose_subscribed(
            signup.email.as_str(),
            &KompasAlready {
                lang,
                manage_url: manage_link.clone(),
            },
            &manage_link,
        )?,
    };
    let ip = signup.ip.map(newsletter::truncated_ip);
    let preferences = signup.preferences.to_stored();
    store
        .request_subscription(
            &NewSubscription {
                email: &signup.email,
                lang: lang.code(),
                link_key,
                link_hash: &link_hash,
                consent: NewConsent {
                    requested_at: now,
                    request_ip: ip.as_deref(),
                    text_version: newsletter::CONSENT_TEXT_VERSION,
                    shown_text: &signup.shown_text,
                    preferences: &preferences,
                },
                token_hash: &auth::token_hash(&token),
                expires_at: newsletter::link_expires_at(now),
            },
            &mail,
        )
        .await?;
    Ok(())
}

/// "Stuur mij mijn uitslag" after the quick check: the result to `to` (its body erased once
/// delivered: answers about one's own workplace are personal), and with `kompas` a sign-up
/// that goes through the usual double opt-in (its own mail, its own daily limit).
pub async fn mail_check_result(
    store: &dyn Storage,
    secret: &ServerSecret,
    base_url: &str,
    to: &EmailAddress,
    result: &crate::mail::QuickCheckResult,
    kompas: Option<&Signup>,
    now: UnixTime,
) -> Result<()> {
    store
        .enqueue_mail(&crate::mail::compose(to.as_str(), result)?)
        .await?;
    if let Some(signup) = kompas {
        sign_up(store, secret, base_url, signup, now).await?;
    }
    Ok(())
}

/// Whether a confirmation link still works (for the page with the confirm button).
pub async fn confirmation_open(
    store: &dyn Storage,
    token: &UrlToken,
    now: UnixTime,
) -> Result<bool> {
    Ok(store
        .pending_confirmation(&auth::token_hash(token), now)
        .await?
        .is_some())
}

/// Uses a confirmation link and queues the welcome mail. False for an unknown, used or
/// expired link.
pub async fn confirm(
    store: &dyn Storage,
    secret: &ServerSecret,
    base_url: &str,
    token: &UrlToken,
    now: UnixTime,
) -> Result<bool> {
    let hash = auth::token_hash(token);
    let Some(subscriber) = store.pending_confirmation(&hash, now).await? else {
        return Ok(false);
    };
    let lang = lang_of(&subscriber);
    let manage = manage_url(base_url, lang, &manage_token(secret, &subscriber.link_key));
    let welcome = compose_subscribed(
        &subscriber.email,
        &KompasWelcome {
            lang,
            manage_url: manage.clone(),
        },
        &manage,
    )?;
    Ok(store.confirm_subscription(&hash, now, &welcome).await?)
}

/// The subscriber a manage link belongs to.
pub async fn subscriber_for(store: &dyn Storage, token: &UrlToken) -> Result<Option<Subscriber>> {
    Ok(store
        .subscriber_by_link_hash(&auth::token_hash(token))
        .await?)
}

/// Everything stored about a subscriber, for the download.
#[derive(serde::Serialize)]
pub struct Export {
    pub subscriber: Subscriber,
    pub consents: Vec<Consent>,
    /// The issues of the Kompas delivered to them: subject and when (Unix time).
    pub issues_received: Vec<(String, UnixTime)>,
}

pub async fn export(store: &dyn Storage, subscriber: Subscriber) -> Result<Export> {
    let consents = store.consents(subscriber.id).await?;
    let issues_received = store.issues_received(subscriber.id).await?;
    Ok(Export {
        subscriber,
        consents,
        issues_received,
    })
}

/// Subscribes an unsubscribed person again from their own manage link (which proves the
/// mailbox): request and confirmation in one step, with the text they were shown.
pub async fn resubscribe(
    store: &dyn Storage,
    subscriber: &Subscriber,
    preferences: Preferences,
    ip: Option<IpAddr>,
    shown_text: &str,
    now: UnixTime,
) -> Result<bool> {
    let ip = ip.map(newsletter::truncated_ip);
    let preferences = preferences.to_stored();
    Ok(store
        .resubscribe(
            subscriber.id,
            &NewConsent {
                requested_at: now,
                request_ip: ip.as_deref(),
                text_version: newsletter::CONSENT_TEXT_VERSION,
                shown_text,
                preferences: &preferences,
            },
        )
        .await?)
}

/// The retention step: removes sign-ups never confirmed within the period.
pub async fn remove_unconfirmed(store: &dyn Storage, now: UnixTime) -> Result<u64> {
    Ok(store
        .delete_unconfirmed_signups(newsletter::unconfirmed_cutoff(now))
        .await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manage_tokens_are_url_tokens_and_depend_on_the_secret() {
        let a = ServerSecret::from_bytes([1; 32]);
        let b = ServerSecret::from_bytes([2; 32]);
        let token = manage_token(&a, "key");
        assert!(UrlToken::parse(&token).is_ok(), "{token}");
        assert_eq!(token, manage_token(&a, "key"));
        assert_ne!(token, manage_token(&a, "other"));
        assert_ne!(token, manage_token(&b, "key"));
        assert_eq!(
            manage_url("https://hrnexus.nl", Lang::En, "T"),
            "https://hrnexus.nl/en/kompas/afmelden/T"
        );
    }
}
