//! Mail leaves the platform only through the outbox: a change and the mail it causes are
//! written in one transaction, and a background worker delivers what is due.

mod compose;
mod worker;

pub use compose::{
    IntakeReceived, IntroductionFeedback, IntroductionMade, IntroductionProposal, IntroductionTurn,
    Invitation, IssueItem, KompasAlready, KompasConfirm, KompasIssue, KompasWelcome, Mail,
    QuickCheckResult, Reminder, Rendered, SignInLink, TestMail, TotpEnabled, compose,
    compose_subscribed, intake_facts,
};
pub use worker::{
    DeliveryError, DeliveryReport, MAX_ATTEMPTS, Mailer, Session, backoff_seconds, deliver_due,
    run_worker,
};
