//! The rules of an HRnexus Kompas issue, without I/O: what an issue may contain, the states
//! it passes through, which subscriber still gets a mail when their turn comes, when a failed
//! delivery is tried again, and how fast an instance may send.
//!
//! States: `Draft` → `Scheduled` (a moment is set; "send now" is a moment too) → `Sending`
//! (one instance started it: the deliveries exist) → `Sent` (every delivery is done). Only a
//! draft or a scheduled issue can be changed; from `Sending` on it is what subscribers got.

use crate::newsletter::State as SubscriberState;
use crate::text::{MultiLine, SingleLine, TextError};

pub const MAX_SUBJECT_CHARS: usize = 120;
pub const MAX_INTRODUCTION_CHARS: usize = 4_000;
/// More than this and it is no longer a short monthly read.
pub const MAX_ARTICLES: usize = 8;
/// Articles published this many days back are offered (and ticked) for a new issue.
pub const RECENT_ARTICLE_DAYS: i64 = 45;
/// Attempts before a delivery fails for good.
pub const MAX_ATTEMPTS: i32 = 6;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IssueState {
    Draft,
    Scheduled,
    Sending,
    Sent,
}

impl IssueState {
    pub const fn as_str(self) -> &'static str {
        match self {
            IssueState::Draft => "draft",
            IssueState::Scheduled => "scheduled",
            IssueState::Sending => "sending",
            IssueState::Sent => "sent",
        }
    }

    /// The stored spelling; anything unknown is read as a draft (it is sent to nobody).
    pub fn parse(s: &str) -> IssueState {
        match s {
            "scheduled" => IssueState::Scheduled,
            "sending" => IssueState::Sending,
            "sent" => IssueState::Sent,
            _ => IssueState::Draft,
        }
    }

    /// Content and moment can still change.
    pub const fn editable(self) -> bool {
        matches!(self, IssueState::Draft | IssueState::Scheduled)
    }

    /// Shown in the public archive: it went out.
    pub const fn public(self) -> bool {
        matches!(self, IssueState::Sending | IssueState::Sent)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum IssueField {
    Lang,
    Subject,
    Introduction,
    Articles,
    SendAt,
    TestAddress,
}

impl IssueField {
    pub const fn key(self) -> &'static str {
        match self {
            IssueField::Lang => "lang",
            IssueField::Subject => "subject",
            IssueField::Introduction => "introduction",
            IssueField::Articles => "articles",
            IssueField::SendAt => "send_at",
            IssueField::TestAddress => "test_address",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IssueProblem {
    Empty,
    TooLong,
    ControlCharacter,
    UnknownLang,
    TooManyArticles,
    /// An article id that was not among the ones offered (tampered or since unpublished).
    UnknownArticle,
    DateInvalid,
    DateInPast,
    NotAnAddress,
}

impl IssueProblem {
    pub const fn code(self) -> &'static str {
        match self {
            IssueProblem::Empty => "empty",
            IssueProblem::TooLong => "too-long",
            IssueProblem::ControlCharacter => "control",
            IssueProblem::UnknownLang => "lang",
            IssueProblem::TooManyArticles => "too-many-articles",
            IssueProblem::UnknownArticle => "unknown-article",
            IssueProblem::DateInvalid => "date-invalid",
            IssueProblem::DateInPast => "date-past",
            IssueProblem::NotAnAddress => "email",
        }
    }

    fn of_text(e: TextError) -> IssueProblem {
        match e {
            TextError::Empty => IssueProblem::Empty,
            TextError::TooLong => IssueProblem::TooLong,
            TextError::ControlCharacter => IssueProblem::ControlCharacter,
        }
    }
}

/// The issue form as typed.
#[derive(Debug, Clone, Copy, Default)]
pub struct IssueInput<'a> {
    pub lang: &'a str,
    pub subject: &'a str,
    pub introduction: &'a str,
    /// The ticked article ids, as sent.
    pub articles: &'a [String],
}

/// A checked issue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IssueDraft {
    /// `nl` or `en`: the issue goes to the subscribers who chose this language.
    pub lang: &'static str,
    pub subject: String,
    pub introduction: String,
    pub article_ids: Vec<i64>,
}

impl IssueDraft {
    /// Checks every field; `offered` are the ids of the articles the form offered for the
    /// issue's language. On failure, one problem per wrong field, in form order.
    pub fn parse(
        input: IssueInput<'_>,
        offered: &[i64],
    ) -> Result<IssueDraft, Vec<(IssueField, IssueProblem)>> {
        let mut problems = Vec::new();
        let lang = match input.lang.trim() {
            "nl" | "" => Some("nl"),
            "en" => Some("en"),
            _ => {
                problems.push((IssueField::Lang, IssueProblem::UnknownLang));
                None
            }
        };
        let subject = SingleLine::parse(input.subject, MAX_SUBJECT_CHARS)
            .map_err(|e| problems.push((IssueField::Subject, IssueProblem::of_text(e))))
            .ok();
        let introduction = MultiLine::parse(input.introduction, MAX_INTRODUCTION_CHARS)
            .map_err(|e| problems.push((IssueField::Introduction, IssueProblem::of_text(e))))
            .ok();
        let mut article_ids = Vec::new();
        for raw in input.articles {
            match raw.trim().parse::<i64>() {
                Ok(id) if offered.contains(&id) => {
                    if !article_ids.contains(&id) {
                        article_ids.push(id);
                    }
                }
                _ => {
                    problems.push((IssueField::Articles, IssueProblem::UnknownArticle));
                    break;
                }
            }
        }
        if article_ids.len() > MAX_ARTICLES {
            problems.push((IssueField::Articles, IssueProblem::TooManyArticles));
        }
        problems.sort_by_key(|(f, _)| *f);
        problems.dedup_by_key(|(f, _)| *f);
        match (lang, subject, introduction) {
            (Some(lang), Some(subject), Some(introduction)) if problems.is_empty() => {
                Ok(IssueDraft {
                    lang,
                    subject: subject.into_string(),
                    introduction: introduction.into_string(),
                    article_ids,
                })
            }
            _ => Err(problems),
        }
    }
}

/// The introduction as paragraphs: split at blank lines, lines inside a paragraph joined.
/// Plain text on purpose: it reads the same in every mail client and in the text part.
pub fn paragraphs(introduction: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current: Vec<&str> = Vec::new();
    for line in introduction.lines() {
        let line = line.trim();
        if line.is_empty() {
            if !current.is_empty() {
                out.push(current.join(" "));
                current.clear();
            }
        } else {
            current.push(line);
        }
    }
    if !current.is_empty() {
        out.push(current.join(" "));
    }
    out
}

/// When the issue goes out, as chosen on the send form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SendMoment {
    Now,
    /// A Dutch local time.
    At(chrono::NaiveDateTime),
}

impl SendMoment {
    /// `when` is `now` or `later`; with `later`, `at` is what a `datetime-local` input sends.
    pub fn parse(when: &str, at: &str) -> Result<SendMoment, IssueProblem> {
        match when.trim() {
            "now" => Ok(SendMoment::Now),
            "later" => chrono::NaiveDateTime::parse_from_str(at.trim(), "%Y-%m-%dT%H:%M")
                .map(SendMoment::At)
                .map_err(|_| IssueProblem::DateInvalid),
            _ => Err(IssueProblem::DateInvalid),
        }
    }
}

/// What to do with a claimed delivery, given the subscriber's state now (`None`: erased).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Delivery {
    Send,
    /// Unsubscribed or erased since the issue started: their choice wins over the list.
    Skip,
}

pub fn delivery_for(subscriber: Option<SubscriberState>) -> Delivery {
    match subscriber {
        Some(state) if state.receives_issues() => Delivery::Send,
        _ => Delivery::Skip,
    }
}

/// When to try a failed delivery again, or `None` when it has failed for good: a permanent
/// refusal (the address does not exist) or the last of `MAX_ATTEMPTS`. `attempts` counts the
/// attempt that just failed. Waits 1, 2, 4, 8 … minutes.
pub fn retry_at(attempts: i32, permanent: bool, now: i64) -> Option<i64> {
    if permanent || attempts >= MAX_ATTEMPTS {
        return None;
    }
    let exponent = attempts.clamp(1, 16) as u32 - 1;
    Some(now + (60i64 << exponent).min(6 * 3600))
}

/// How many deliveries an instance claims at once under a rate of `per_second` (0: no limit):
/// never more than a second's worth, so a limit holds from the first second on.
pub fn claim_size(per_second: u32, batch: u32) -> u32 {
    match per_second {
        0 => batch.max(1),
        rate => batch.clamp(1, rate.max(1)),
    }
}

/// The least time `sent` mails may take under a rate of `per_second` (0: no limit).
pub fn min_duration(sent: u32, per_second: u32) -> std::time::Duration {
    match per_second {
        0 => std::time::Duration::ZERO,
        rate => std::time::Duration::from_secs_f64(f64::from(sent) / f64::from(rate)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input<'a>(subject: &'a str, articles: &'a [String]) -> IssueInput<'a> {
        IssueInput {
            lang: "nl",
            subject,
            introduction: "Beste lezer,\n\nDeze maand over regelruimte.",
            articles,
        }
    }

    #[test]
    fn a_good_issue_parses_with_its_articles_in_order_once() {
        let ticked = vec!["7".to_owned(), "3".to_owned(), "7".to_owned()];
        let draft = IssueDraft::parse(input("Kompas december", &ticked), &[3, 7, 9]).unwrap();
        assert_eq!(draft.lang, "nl");
        assert_eq!(draft.subject, "Kompas december");
        assert_eq!(draft.article_ids, vec![7, 3]);
    }

    #[test]
    fn every_wrong_field_is_named_once() {
        let ticked = vec!["12".to_owned(), "x".to_owned()];
        let problems = IssueDraft::parse(
            IssueInput {
                lang: "de",
                subject: "  ",
                introduction: "",
                articles: &ticked,
            },
            &[3],
        )
        .unwrap_err();
        assert_eq!(
            problems,
            vec![
                (IssueField::Lang, IssueProblem::UnknownLang),
                (IssueField::Subject, IssueProblem::Empty),
                (IssueField::Introduction, IssueProblem::Empty),
                (IssueField::Articles, IssueProblem::UnknownArticle),
            ]
        );
    }

    #[test]
    fn too_many_articles_are_refused() {
        let offered: Vec<i64> = (1..=20).collect();
        let ticked: Vec<String> = offered.iter().map(|i| i.to_string()).collect();
        let problems = IssueDraft::parse(input("Kompas", &ticked), &offered).unwrap_err();
        assert_eq!(
            problems,
            vec![(IssueField::Articles, IssueProblem::TooManyArticles)]
        );
    }

    #[test]
    fn a_subject_with_a_line_break_is_refused() {
        let problems = IssueDraft::parse(input("Kompas\nBcc: x@y.nl", &[]), &[]).unwrap_err();
        assert_eq!(problems[0].0, IssueField::Subject);
    }

    #[test]
    fn paragraphs_split_at_blank_lines() {
        assert_eq!(
            paragraphs("Beste lezer,\n\nRegel een\nregel twee\n\n\n  Groet "),
            vec!["Beste lezer,", "Regel een regel twee", "Groet"]
        );
        assert!(paragraphs(" \n ").is_empty());
    }

    #[test]
    fn only_editable_states_change_and_only_sent_ones_are_public() {
        for state in [
            IssueState::Draft,
            IssueState::Scheduled,
            IssueState::Sending,
            IssueState::Sent,
        ] {
            assert_eq!(IssueState::parse(state.as_str()), state);
            assert_eq!(state.editable(), !state.public());
        }
        assert_eq!(IssueState::parse("zzz"), IssueState::Draft);
    }

    #[test]
    fn the_moment_is_now_or_a_local_time() {
        assert_eq!(SendMoment::parse("now", ""), Ok(SendMoment::Now));
        assert!(matches!(
            SendMoment::parse("later", "2026-12-07T09:00"),
            Ok(SendMoment::At(_))
        ));
        assert_eq!(
            SendMoment::parse("later", "morgen"),
            Err(IssueProblem::DateInvalid)
        );
        assert_eq!(SendMoment::parse("", ""), Err(IssueProblem::DateInvalid));
    }

    #[test]
    fn only_confirmed_subscribers_get_their_mail() {
        assert_eq!(
            delivery_for(Some(SubscriberState::Confirmed)),
            Delivery::Send
        );
        assert_eq!(
            delivery_for(Some(SubscriberState::Unsubscribed)),
            Delivery::Skip
        );
        assert_eq!(delivery_for(Some(SubscriberState::Pending)), Delivery::Skip);
        assert_eq!(delivery_for(None), Delivery::Skip);
    }

    #[test]
    fn retries_back_off_and_end() {
        assert_eq!(retry_at(1, false, 1000), Some(1060));
        assert_eq!(retry_at(3, false, 1000), Some(1240));
        assert_eq!(retry_at(MAX_ATTEMPTS, false, 1000), None);
        assert_eq!(retry_at(1, true, 1000), None);
    }

    #[test]
    fn a_rate_limits_claims_and_sets_a_pace() {
        assert_eq!(claim_size(0, 200), 200);
        assert_eq!(claim_size(10, 200), 10);
        assert_eq!(claim_size(500, 200), 200);
        assert_eq!(min_duration(10, 0), std::time::Duration::ZERO);
        assert_eq!(min_duration(10, 20), std::time::Duration::from_millis(500));
    }
}
