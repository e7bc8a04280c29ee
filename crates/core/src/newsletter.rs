//! The rules of the HRnexus Kompas subscription, without I/O: which state a subscriber is in,
//! what a new sign-up does in each state, how long a confirmation link works, when an
//! unconfirmed sign-up is removed, and what counts as proof of consent.
//!
//! States: `Pending` (signed up, not confirmed) → `Confirmed` (double opt-in done) →
//! `Unsubscribed`. An unsubscribed person may subscribe again; that needs a new consent
//! (a new request confirmed from their mailbox), never the old one.

use std::net::IpAddr;

/// How long a confirmation link works after the sign-up: two days.
pub const CONFIRM_LINK_SECONDS: i64 = 2 * 24 * 60 * 60;

/// Unconfirmed sign-ups (and unconfirmed re-subscription requests) are removed this long
/// after the request: a week, long enough to look into "I never got the mail", short
/// enough that an address someone else typed in does not linger.
pub const UNCONFIRMED_KEEP_SECONDS: i64 = 7 * 24 * 60 * 60;

/// Sign-up requests per address per day that lead to a mail; further requests get the same
/// page but no mail, so nobody can flood someone else's mailbox through the form.
pub const MAILS_PER_ADDRESS_PER_DAY: i64 = 3;

/// Version of the consent text shown next to the checkbox. Change it whenever the words in
/// `kompas-consent` change, so the proof names the wording the person saw.
pub const CONSENT_TEXT_VERSION: &str = "kompas-consent-2026-11";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    Pending,
    Confirmed,
    Unsubscribed,
}

impl State {
    pub const fn as_str(self) -> &'static str {
        match self {
            State::Pending => "pending",
            State::Confirmed => "confirmed",
            State::Unsubscribed => "unsubscribed",
        }
    }

    /// The stored spelling; anything unknown is treated as not subscribed.
    pub fn parse(s: &str) -> State {
        match s {
            "pending" => State::Pending,
            "confirmed" => State::Confirmed,
            _ => State::Unsubscribed,
        }
    }

    /// Whether issues go to this subscriber.
    pub const fn receives_issues(self) -> bool {
        matches!(self, State::Confirmed)
    }
}

/// What a sign-up through the form does, given the address's current state (`None`: unknown).
/// The page shown is the same in every case; only the mail differs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignupAction {
    /// New, still pending, or unsubscribed: a (new) confirmation link by mail.
    SendConfirmation,
    /// Already confirmed: a mail saying so (with the links to manage the subscription), no
    /// new consent needed and nothing changed.
    SendAlreadySubscribed,
}

pub fn on_signup(current: Option<State>) -> SignupAction {
    match current {
        Some(State::Confirmed) => SignupAction::SendAlreadySubscribed,
        None | Some(State::Pending) | Some(State::Unsubscribed) => SignupAction::SendConfirmation,
    }
}

/// When a confirmation link requested at `requested_at` stops working.
pub const fn link_expires_at(requested_at: i64) -> i64 {
    requested_at + CONFIRM_LINK_SECONDS
}

/// Whether a link requested at `requested_at` still works at `now`.
pub const fn link_valid(requested_at: i64, now: i64) -> bool {
    now < link_expires_at(requested_at)
}

/// Requests made before this moment and never confirmed are removed at `now`.
pub const fn unconfirmed_cutoff(now: i64) -> i64 {
    now - UNCONFIRMED_KEEP_SECONDS
}

/// Whether an unconfirmed request made at `requested_at` is due for removal at `now`.
pub const fn unconfirmed_removable(requested_at: i64, now: i64) -> bool {
    requested_at < unconfirmed_cutoff(now)
}

/// The proof of one consent: who asked when (and from roughly where), exactly what they were
/// shown, and when the confirmation came from their mailbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsentEvidence<'a> {
    pub requested_at: i64,
    pub text_version: &'a str,
    pub shown_text: &'a str,
    pub confirmed_at: Option<i64>,
}

/// Consent counts only when all of it is there: a recorded request with the text shown, and a
/// confirmation from the mailbox after the request while the link still worked. A ticked box
/// alone is not consent: anyone can type someone else's address.
pub fn is_proof_of_consent(evidence: &ConsentEvidence<'_>) -> bool {
    let shown = !evidence.text_version.trim().is_empty() && !evidence.shown_text.trim().is_empty();
    match evidence.confirmed_at {
        Some(at) => shown && at >= evidence.requested_at && link_valid(evidence.requested_at, at),
        None => false,
    }
}

/// The address kept with a sign-up request: the network, not the device. IPv4 keeps its first
/// three bytes (`/24`), IPv6 its first three groups (`/48`). That is enough to see a flood from
/// one network in the proof, and too little to point at one household.
pub fn truncated_ip(ip: IpAddr) -> String {
    match ip {
        IpAddr::V4(v4) => {
            let [a, b, c, _] = v4.octets();
            format!("{a}.{b}.{c}.0/24")
        }
        IpAddr::V6(v6) => {
            let s = v6.segments();
            format!("{:x}:{:x}:{:x}::/48", s[0], s[1], s[2])
        }
    }
}

/// What a subscriber wants besides the monthly issue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Preferences {
    /// A short mail when a new Inzichten article is published.
    pub new_articles: bool,
    /// Invitations to webinars and events.
    pub events: bool,
}

impl Preferences {
    pub const FIELD_ARTICLES: &'static str = "artikelen";
    pub const FIELD_EVENTS: &'static str = "evenementen";

    /// From form fields: a box that is present is ticked; unknown fields are ignored.
    pub fn from_form<'a>(fields: impl IntoIterator<Item = (&'a str, &'a str)>) -> Preferences {
        let mut prefs = Preferences::default();
        for (name, _) in fields {
            match name {
                Self::FIELD_ARTICLES => prefs.new_articles = true,
                Self::FIELD_EVENTS => prefs.events = true,
                _ => {}
            }
        }
        prefs
    }

    /// Stored as a comma-separated list of the ticked field names ("" for none).
    pub fn to_stored(self) -> String {
        let mut parts = Vec::new();
        if self.new_articles {
            parts.push(Self::FIELD_ARTICLES);
        }
        if self.events {
            parts.push(Self::FIELD_EVENTS);
        }
        parts.join(",")
    }

    pub fn from_stored(s: &str) -> Preferences {
        Preferences::from_form(s.split(',').map(|part| (part, "")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn states_round_trip_and_only_confirmed_receive() {
        for state in [State::Pending, State::Confirmed, State::Unsubscribed] {
            assert_eq!(State::parse(state.as_str()), state);
        }
        assert_eq!(State::parse("weird"), State::Unsubscribed);
        assert!(State::Confirmed.receives_issues());
        assert!(!State::Pending.receives_issues());
        assert!(!State::Unsubscribed.receives_issues());
    }

    #[test]
    fn signing_up_again_asks_for_a_new_confirmation_unless_confirmed() {
        assert_eq!(on_signup(None), SignupAction::SendConfirmation);
        assert_eq!(
            on_signup(Some(State::Pending)),
            SignupAction::SendConfirmation
        );
        // Re-subscription after unsubscribing needs a new double opt-in.
        assert_eq!(
            on_signup(Some(State::Unsubscribed)),
            SignupAction::SendConfirmation
        );
        assert_eq!(
            on_signup(Some(State::Confirmed)),
            SignupAction::SendAlreadySubscribed
        );
    }

    #[test]
    fn links_work_for_two_days_exactly() {
        let at = 1_000_000;
        assert!(link_valid(at, at));
        assert!(link_valid(at, at + CONFIRM_LINK_SECONDS - 1));
        assert!(!link_valid(at, at + CONFIRM_LINK_SECONDS));
        assert_eq!(link_expires_at(at), at + 172_800);
    }

    #[test]
    fn unconfirmed_requests_go_after_a_week() {
        let at = 1_000_000;
        assert!(!unconfirmed_removable(at, at + UNCONFIRMED_KEEP_SECONDS));
        assert!(unconfirmed_removable(at, at + UNCONFIRMED_KEEP_SECONDS + 1));
        // Removal comes after the link stopped working, never before.
        const { assert!(UNCONFIRMED_KEEP_SECONDS > CONFIRM_LINK_SECONDS) };
    }

    #[test]
    fn consent_needs_the_text_shown_and_a_timely_confirmation() {
        let ok = ConsentEvidence {
            requested_at: 100,
            text_version: CONSENT_TEXT_VERSION,
            shown_text: "Ja, stuur mij het Kompas.",
            confirmed_at: Some(200),
        };
        assert!(is_proof_of_consent(&ok));
        assert!(!is_proof_of_consent(&ConsentEvidence {
            confirmed_at: None,
            ..ok.clone()
        }));
        assert!(!is_proof_of_consent(&ConsentEvidence {
            shown_text: " ",
            ..ok.clone()
        }));
        assert!(!is_proof_of_consent(&ConsentEvidence {
            text_version: "",
            ..ok.clone()
        }));
        assert!(!is_proof_of_consent(&ConsentEvidence {
            confirmed_at: Some(99),
            ..ok.clone()
        }));
        assert!(!is_proof_of_consent(&ConsentEvidence {
            confirmed_at: Some(100 + CONFIRM_LINK_SECONDS),
            ..ok
        }));
    }

    #[test]
    fn addresses_are_kept_as_networks() {
        assert_eq!(
            truncated_ip("203.0.113.77".parse().unwrap()),
            "203.0.113.0/24"
        );
        assert_eq!(
            truncated_ip("2001:db8:abcd:12:1:2:3:4".parse().unwrap()),
            "2001:db8:abcd::/48"
        );
    }

    #[test]
    fn preferences_from_form_and_storage() {
        let prefs = Preferences::from_form([("email", "a@b.nl"), ("evenementen", "on")]);
        assert_eq!(
            prefs,
            Preferences {
                new_articles: false,
                events: true
            }
        );
        assert_eq!(prefs.to_stored(), "evenementen");
        assert_eq!(Preferences::from_stored(""), Preferences::default());
        let both = Preferences {
            new_articles: true,
            events: true,
        };
        assert_eq!(Preferences::from_stored(&both.to_stored()), both);
    }
}
