//! The introduction workflow: staff take up an intake, see the providers the matching engine
//! suggests with why, and propose one; the provider accepts or declines through the link in
//! its mail before a deadline of working days; on a decline or a missed deadline the next
//! match is asked and staff are told. Every change is recorded with who and when, and the
//! mails it causes are queued in the same transaction (`IntakeStore::change_intake`).
//!
//! The rules of which change is legal live in `hrnexus_core::introduction`; the ranking in
//! `hrnexus_core::matching`. This module loads, decides the effect and composes the mails.

use hrnexus_core::{
    intake::IntakeStatus,
    introduction::{Actor, CloseReason, DeclineReason, IntakeEvent, IntakeState, ProviderRecord},
    matching::{self, MatchRequest, ProviderProfile, Ranking, Weights},
    provider::{CompanySize, Province},
    scan::{advice::ServiceCategory, aspect::Aspect},
};

use super::{Result, ServiceError};
use crate::{
    auth,
    i18n::Lang,
    mail::{
        IntroductionFeedback, IntroductionMade, IntroductionProposal, IntroductionTurn, compose,
    },
    storage::{
        ActorRef, ChangeOutcome, Intake, IntakeChange, IntakeEffect, Introduction, OutgoingMail,
        Provider, ProviderFilter, UnixTime,
    },
};

/// Settings of the workflow (`[introductions]`).
#[derive(Debug, Clone)]
pub struct WorkflowSettings {
    /// Working days a provider has to answer a proposal.
    pub response_working_days: u32,
    pub weights: Weights,
    /// Propose the best match without staff when its score reaches this (0: never).
    pub auto_propose_min_score: u32,
    /// The site's address, for links in mail.
    pub base_url: String,
}

/// The workflow touches intakes, providers, staff addresses and the outbox.
type WorkflowStore = dyn crate::storage::Storage;

/// Everything staff see of one intake.
pub struct IntakeDetail {
    pub intake: Intake,
    pub events: Vec<crate::storage::IntakeEventRow>,
    pub introductions: Vec<Introduction>,
    /// Ranked candidates (best first) with their provider, and those left out.
    pub ranked: Vec<(Provider, matching::Ranked)>,
    pub excluded: Vec<(Provider, matching::Exclusion)>,
}

/// What the matching sees of an intake.
pub fn match_request(intake: &Intake) -> MatchRequest {
    MatchRequest {
        categories: intake
            .category_keys()
            .filter_map(ServiceCategory::from_key)
            .collect(),
        weak_aspects: intake.aspect_keys().filter_map(Aspect::from_key).collect(),
        province: Province::from_key(&intake.province),
        company_size: CompanySize::from_key(&intake.company_size),
        language: Some(intake.lang.clone()),
        urgency: hrnexus_core::matching::Urgency::from_key(&intake.urgency).unwrap_or_default(),
        // Equally good providers take turns from one intake to the next.
        rotation: intake.id as u64,
    }
}

/// Providers and their past record as the matching sees them.
async fn candidates(store: &WorkflowStore) -> Result<(Vec<Provider>, Vec<ProviderProfile>)> {
    let providers = store.providers(&ProviderFilter::default()).await?;
    let tallies = store.provider_tallies().await?;
    let profiles = providers
        .iter()
        .map(|p| {
            let tally = tallies.iter().find(|t| t.provider_id == p.id);
            let count = |v: Option<i64>| v.unwrap_or(0).clamp(0, i64::from(u32::MAX)) as u32;
            ProviderProfile {
                id: p.id,
                categories: p.categories.clone(),
                provinces: p.provinces.clone(),
                sizes: p.sizes.clone(),
                languages: p.languages.iter().map(|l| language_code(l)).collect(),
                capacity_left: p.capacity_left(),
                accepting: p.availability == hrnexus_core::provider::Availability::Accepting,
                record: ProviderRecord {
                    accepted: count(tally.map(|t| t.accepted)),
                    declined: count(tally.map(|t| t.declined)),
                    timed_out: count(tally.map(|t| t.expired)),
                    ratings: count(tally.map(|t| t.ratings)),
                    rating_sum: count(tally.map(|t| t.rating_sum)),
                },
            }
        })
        .collect();
    Ok((providers, profiles))
}

/// Provider languages are written as words ("Nederlands", "English"); the matching
/// compares ISO codes.
fn language_code(language: &str) -> String {
    match language.trim().to_lowercase().as_str() {
        "nederlands" | "dutch" | "nl" => "nl".into(),
        "engels" | "english" | "en" => "en".into(),
        "duits" | "german" | "deutsch" | "de" => "de".into(),
        "frans" | "french" | "français" | "fr" => "fr".into(),
        other => other.to_owned(),
    }
}

async fn ranking(
    store: &WorkflowStore,
    intake: &Intake,
    weights: &Weights,
) -> Result<(Vec<Provider>, Ranking)> {
    let (providers, profiles) = candidates(store).await?;
    let ranking = matching::rank(&match_request(intake), &profiles, weights);
    Ok((providers, ranking))
}

/// The staff view of intake `id`.
pub async fn detail(
    store: &WorkflowStore,
    settings: &WorkflowSettings,
    id: i64,
) -> Result<IntakeDetail> {
    let intake = store
        .intake_by_id(id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let (providers, ranking) = ranking(store, &intake, &settings.weights).await?;
    let find = |pid: i64| providers.iter().find(|p| p.id == pid).cloned();
    Ok(IntakeDetail {
        events: store.intake_events(id).await?,
        introductions: store.introductions_of_intake(id).await?,
        ranked: ranking
            .ranked
            .into_iter()
            .filter_map(|r| find(r.provider_id).map(|p| (p, r)))
            .collect(),
        excluded: ranking
            .excluded
            .into_iter()
            .filter_map(|e| find(e.provider_id).map(|p| (p, e.exclusion)))
            .collect(),
        intake,
    })
}

/// Why a change was not made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refused {
    /// The workflow does not allow it from here (a code of `IllegalTransition`).
    Illegal(&'static str),
    /// Someone else changed the intake first.
    Stale,
    /// The provider is paused or full.
    NoCapacity,
    /// The provider has no address to mail the proposal to.
    NoContact,
}

/// The current state of `intake` and its open introduction, if any.
async fn state_of(
    store: &WorkflowStore,
    intake: &Intake,
) -> Result<(IntakeState, Option<Introduction>)> {
    let status = intake.status().ok_or(ServiceError::NotFound)?;
    let introductions = store.introductions_of_intake(intake.id).await?;
    let open = introductions
        .into_iter()
        .rev()
        .find(|i| i.status == "proposed" || i.status == "accepted");
    Ok((
        IntakeState {
            status,
            provider: open.as_ref().map(|i| i.provider_id),
        },
        open,
    ))
}

fn actor_ref(actor: Actor) -> ActorRef {
    match actor {
        Actor::Staff(id) => ActorRef {
            kind: "staff",
            id: Some(id),
        },
        Actor::Provider(id) => ActorRef {
            kind: "provider",
            id: Some(id),
        },
        Actor::Employer => ActorRef {
            kind: "employer",
            id: None,
        },
        Actor::System => ActorRef {
            kind: "system",
            id: None,
        },
    }
}

/// Applies `event` by `actor` to intake `id` at `now`, with its effect and mails.
pub async fn change(
    store: &WorkflowStore,
    settings: &WorkflowSettings,
    id: i64,
    actor: Actor,
    event: IntakeEvent,
    now: UnixTime,
) -> Result<std::result::Result<(), Refused>> {
    let intake = store
        .intake_by_id(id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let (state, open) = state_of(store, &intake).await?;
    let next = match state.apply(actor, event) {
        Ok(next) => next,
        Err(illegal) => return Ok(Err(Refused::Illegal(illegal.code()))),
    };
    let lang = if intake.lang == "en" {
        Lang::En
    } else {
        Lang::Nl
    };
    let mut mails: Vec<OutgoingMail> = Vec::new();
    let mut detail = String::new();
    let effect = match event {
        IntakeEvent::TakeUp => IntakeEffect::None,
        IntakeEvent::Propose { provider } => {
            let (providers, ranking) = ranking(store, &intake, &settings.weights).await?;
            let Some(chosen) = providers.into_iter().find(|p| p.id == provider) else {
                return Err(ServiceError::NotFound);
            };
            let Some(ranked) = ranking.ranked.iter().find(|r| r.provider_id == provider) else {
                // Paused, full or offering nothing asked for: the matching left it out.
                return Ok(Err(Refused::NoCapacity));
            };
            let Some(to) = chosen.contact_email.clone() else {
                return Ok(Err(Refused::NoContact));
            };
            let token = auth::random_token();
            let deadline_at = crate::i18n::after_working_days(now, settings.response_working_days);
            mails.push(compose(
                to.as_str(),
                &IntroductionProposal {
                    lang: Lang::Nl,
                    provider: chosen.organisation.clone(),
                    intake: intake.clone(),
                    link: format!("{}/portaal/voorstel/{token}", settings.base_url),
                    deadline: Lang::Nl.datetime(deadline_at),
                },
            )?);
            detail = chosen.organisation.clone();
            let reasons: Vec<&str> = ranked
                .reasons
                .iter()
                .filter(|r| r.met())
                .map(|r| r.code())
                .collect();
            IntakeEffect::Propose {
                provider_id: provider,
                score: i64::from(ranked.score),
                reasons: reasons.join(","),
                deadline_at,
                answer_token_hash: auth::token_hash(&token),
            }
        }
        IntakeEvent::Accept => {
            let open = open.ok_or(ServiceError::Conflict)?;
            let provider = store
                .provider_by_id(open.provider_id)
                .await?
                .ok_or(ServiceError::NotFound)?;
            detail = provider.organisation.clone();
            mails.push(compose(
                &intake.email,
                &IntroductionMade {
                    lang,
                    to_provider: false,
                    provider: provider.organisation.clone(),
                    profile: format!(
                        "{}{}/dienstverleners/{}",
                        settings.base_url,
                        lang.prefix(),
                        provider.slug.as_str()
                    ),
                    intake: intake.clone(),
                },
            )?);
            if let Some(to) = &provider.contact_email {
                mails.push(compose(
                    to.as_str(),
                    &IntroductionMade {
                        lang: Lang::Nl,
                        to_provider: true,
                        provider: provider.organisation.clone(),
                        profile: String::new(),
                        intake: intake.clone(),
                    },
                )?);
            }
            IntakeEffect::Accept {
                introduction_id: open.id,
            }
        }
        IntakeEvent::Decline { reason } => {
            let open = open.ok_or(ServiceError::Conflict)?;
            detail = format!("{}: {}", open.provider_organisation, reason.key());
            IntakeEffect::EndProposal {
                introduction_id: open.id,
                status: "declined",
                reason: Some(reason.key().to_owned()),
            }
        }
        IntakeEvent::DeadlinePassed => {
            let open = open.ok_or(ServiceError::Conflict)?;
            detail = open.provider_organisation.clone();
            IntakeEffect::EndProposal {
                introduction_id: open.id,
                status: "expired",
                reason: None,
            }
        }
        IntakeEvent::Complete => {
            // The employer is asked how it went; the answer feeds the provider's ranking.
            let token = auth::random_token();
            if let Some(open) = &open {
                detail = open.provider_organisation.clone();
                mails.push(compose(
                    &intake.email,
                    &IntroductionFeedback {
                        lang,
                        provider: open.provider_organisation.clone(),
                        link: format!("{}{}/beoordeling/{token}", settings.base_url, lang.prefix()),
                    },
                )?);
            }
            IntakeEffect::Finish {
                feedback_token_hash: open.is_some().then(|| auth::token_hash(&token)),
            }
        }
        IntakeEvent::Close { reason } => {
            detail = reason.key().to_owned();
            IntakeEffect::Finish {
                feedback_token_hash: None,
            }
        }
    };
    let outcome = store
        .change_intake(
            &IntakeChange {
                intake_id: id,
                from: state.status,
                to: next.status,
                actor: actor_ref(actor),
                event: event.code(),
                detail: &detail,
                effect,
                at: now,
            },
            &mails,
        )
        .await?;
    match outcome {
        ChangeOutcome::Done => {}
        ChangeOutcome::Stale => return Ok(Err(Refused::Stale)),
        ChangeOutcome::NoCapacity => return Ok(Err(Refused::NoCapacity)),
    }
    Ok(Ok(()))
}

/// [`change`], and then what follows by itself: when a proposal ended (declined, or its
/// deadline passed) the intake goes on to the next match, or staff are told it waits for
/// them; when an intake is taken up, a match scoring above the threshold is proposed.
pub async fn change_and_follow(
    store: &WorkflowStore,
    settings: &WorkflowSettings,
    id: i64,
    actor: Actor,
    event: IntakeEvent,
    now: UnixTime,
) -> Result<std::result::Result<(), Refused>> {
    let outcome = change(store, settings, id, actor, event, now).await?;
    if outcome.is_ok() {
        match event {
            IntakeEvent::Decline { .. } | IntakeEvent::DeadlinePassed => {
                next_match(store, settings, id, now, true).await?;
            }
            // Taken up: the best match is proposed at once when it scores above the
            // configured threshold (`introductions.auto_propose_min_score`).
            IntakeEvent::TakeUp => {
                next_match(store, settings, id, now, false).await?;
            }
            _ => {}
        }
    }
    Ok(outcome)
}

/// Proposes the best match not asked before when one exists (and, unless `always`, only
/// when its score reaches the automatic threshold); otherwise tells staff the intake waits
/// for them. Returns whether a proposal was made.
pub async fn next_match(
    store: &WorkflowStore,
    settings: &WorkflowSettings,
    id: i64,
    now: UnixTime,
    always: bool,
) -> Result<bool> {
    let intake = store
        .intake_by_id(id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    if intake.status() != Some(IntakeStatus::InProgress) {
        return Ok(false);
    }
    let asked: Vec<i64> = store
        .introductions_of_intake(id)
        .await?
        .iter()
        .map(|i| i.provider_id)
        .collect();
    let (providers, ranking) = ranking(store, &intake, &settings.weights).await?;
    let threshold = if always {
        1
    } else {
        settings.auto_propose_min_score
    };
    let candidates: Vec<i64> = ranking
        .ranked
        .iter()
        .filter(|r| !asked.contains(&r.provider_id))
        .filter(|r| threshold > 0 && r.score >= threshold)
        .filter(|r| {
            providers
                .iter()
                .any(|p| p.id == r.provider_id && p.contact_email.is_some())
        })
        .map(|r| r.provider_id)
        .collect();
    for provider in candidates {
        match change(
            store,
            settings,
            id,
            Actor::System,
            IntakeEvent::Propose { provider },
            now,
        )
        .await?
        {
            Ok(()) => {
                if always {
                    // A proposal ended: staff hear where the request went next.
                    let next = providers
                        .iter()
                        .find(|p| p.id == provider)
                        .map(|p| p.organisation.clone());
                    tell_staff(store, &intake, next).await?;
                }
                return Ok(true);
            }
            // Filled up meanwhile: try the next one.
            Err(Refused::NoCapacity) | Err(Refused::NoContact) => continue,
            Err(_) => return Ok(false),
        }
    }
    if always {
        tell_staff(store, &intake, None).await?;
    }
    Ok(false)
}

/// Mails every staff member that a proposal of `intake` ended: it went on to `next`, or
/// (`None`) no match is left and it waits for them.
async fn tell_staff(store: &WorkflowStore, intake: &Intake, next: Option<String>) -> Result<()> {
    for staff in store.staff_emails().await? {
        let mail = compose(
            &staff,
            &IntroductionTurn {
                lang: Lang::Nl,
                intake_id: intake.id,
                organisation: intake.organisation.clone(),
                next: next.clone(),
            },
        )?;
        store.enqueue_mail(&mail).await?;
    }
    Ok(())
}

/// Ends every proposal whose deadline passed before `now` (the next match is asked).
/// Safe on every instance at once: a second instance finds the proposal already ended.
pub async fn expire_overdue(
    store: &WorkflowStore,
    settings: &WorkflowSettings,
    now: UnixTime,
) -> Result<usize> {
    let mut expired = 0;
    for overdue in store.overdue_proposals(now).await? {
        if change_and_follow(
            store,
            settings,
            overdue.intake_id,
            Actor::System,
            IntakeEvent::DeadlinePassed,
            now,
        )
        .await?
        .is_ok()
        {
            expired += 1;
        }
    }
    Ok(expired)
}

/// A proposal as the provider sees it through its answer link.
pub struct ProposalView {
    pub introduction: Introduction,
    pub intake: Intake,
}

/// The proposal whose answer link carries `token`. Only a proposal still waiting, or one
/// this link already answered, is shown; anything else looks like no proposal at all.
pub async fn proposal(store: &WorkflowStore, token: &str) -> Result<ProposalView> {
    let introduction = store
        .introduction_by_answer_token(&auth::token_hash(token))
        .await?
        .ok_or(ServiceError::NotFound)?;
    let intake = store
        .intake_by_id(introduction.intake_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    Ok(ProposalView {
        introduction,
        intake,
    })
}

/// The provider's answer through its link: accept, or decline with a reason.
pub async fn answer(
    store: &WorkflowStore,
    settings: &WorkflowSettings,
    token: &str,
    decline: Option<DeclineReason>,
    now: UnixTime,
) -> Result<std::result::Result<(), Refused>> {
    let view = proposal(store, token).await?;
    if view.introduction.status != "proposed" {
        return Ok(Err(Refused::Stale));
    }
    let actor = Actor::Provider(view.introduction.provider_id);
    let event = match decline {
        None => IntakeEvent::Accept,
        Some(reason) => IntakeEvent::Decline { reason },
    };
    change_and_follow(store, settings, view.intake.id, actor, event, now).await
}

/// The completed introduction whose feedback link carries `token`.
pub async fn feedback_for(store: &WorkflowStore, token: &str) -> Result<Introduction> {
    store
        .introduction_by_feedback_token(&auth::token_hash(token))
        .await?
        .ok_or(ServiceError::NotFound)
}

/// Stores the employer's rating (once); false when it was given before.
pub async fn give_feedback(
    store: &WorkflowStore,
    token: &str,
    feedback: &hrnexus_core::introduction::Feedback,
    now: UnixTime,
) -> Result<bool> {
    let introduction = feedback_for(store, token).await?;
    Ok(store
        .set_feedback(
            introduction.id,
            i64::from(feedback.rating.get()),
            feedback.comment.as_ref().map(|c| c.as_str()),
            now,
        )
        .await?)
}

/// Closing reasons staff may pick.
pub fn close_reasons() -> [CloseReason; 5] {
    CloseReason::ALL
}

/// The deadline job of one instance: every few minutes, proposals past their deadline end
/// and their intakes go on to the next match. Runs on every instance; a proposal ends once.
pub async fn run_deadlines(
    store: crate::storage::DynStorage,
    settings: WorkflowSettings,
    every: std::time::Duration,
    mail_wake: std::sync::Arc<tokio::sync::Notify>,
    mut signal: tokio::sync::watch::Receiver<bool>,
) {
    loop {
        match expire_overdue(store.as_ref(), &settings, crate::storage::now()).await {
            Ok(0) => {}
            Ok(_) => mail_wake.notify_one(),
            Err(e) => tracing::warn!(error = %e, "introduction deadline job"),
        }
        tokio::select! {
            _ = tokio::time::sleep(every) => {}
            _ = signal.wait_for(|stop| *stop) => return,
        }
    }
}

/// What the back-office dashboard shows of the workflow.
pub struct WorkflowFigures {
    /// Intakes per calendar month (Dutch time), oldest first: (year, month, count).
    pub per_month: Vec<(i32, u32, u32)>,
    /// Median days from intake to the provider's acceptance, over intakes of the period.
    pub median_days_to_introduction: Option<f64>,
    /// Per provider with at least one answered or expired proposal: (name, accepted, asked).
    pub acceptance: Vec<(String, u32, u32)>,
    /// Proposals past their deadline that the job has not ended yet.
    pub overdue: usize,
}

/// The figures for the last `months` calendar months up to `now`.
pub async fn figures(store: &WorkflowStore, now: UnixTime, months: u32) -> Result<WorkflowFigures> {
    use chrono::Datelike;
    let today = crate::i18n::date_in_netherlands(now);
    let mut per_month: Vec<(i32, u32, u32)> = Vec::new();
    let (mut year, mut month) = (today.year(), today.month());
    for _ in 0..months.max(1) {
        per_month.push((year, month, 0));
        if month == 1 {
            year -= 1;
            month = 12;
        } else {
            month -= 1;
        }
    }
    per_month.reverse();
    let (first_year, first_month, _) = per_month[0];
    let since = chrono::NaiveDate::from_ymd_opt(first_year, first_month, 1)
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|d| d.and_utc().timestamp() - 2 * 3600)
        .unwrap_or(0);
    let timeline = store.intake_timeline(since).await?;
    let mut waits: Vec<f64> = Vec::new();
    for (created, introduced) in &timeline {
        let date = crate::i18n::date_in_netherlands(*created);
        if let Some(slot) = per_month
            .iter_mut()
            .find(|(y, m, _)| *y == date.year() && *m == date.month())
        {
            slot.2 += 1;
        }
        if let Some(at) = introduced {
            waits.push((at - created) as f64 / 86_400.0);
        }
    }
    waits.sort_by(|a, b| a.total_cmp(b));
    let median_days_to_introduction = match waits.len() {
        0 => None,
        n if n % 2 == 1 => Some(waits[n / 2]),
        n => Some((waits[n / 2 - 1] + waits[n / 2]) / 2.0),
    };
    let providers = store.providers(&ProviderFilter::default()).await?;
    let mut acceptance: Vec<(String, u32, u32)> = store
        .provider_tallies()
        .await?
        .into_iter()
        .filter_map(|t| {
            let asked = (t.accepted + t.declined + t.expired).clamp(0, i64::from(u32::MAX)) as u32;
            let name = providers
                .iter()
                .find(|p| p.id == t.provider_id)?
                .organisation
                .clone();
            (asked > 0).then(|| (name, t.accepted.clamp(0, i64::from(u32::MAX)) as u32, asked))
        })
        .collect();
    acceptance.sort_by_key(|a| a.0.to_lowercase());
    Ok(WorkflowFigures {
        per_month,
        median_days_to_introduction,
        acceptance,
        overdue: store.overdue_proposals(now).await?.len(),
    })
}

/// An introduction as its provider sees it in the portal: the employer's contact details
/// only once the provider accepted.
pub struct ProviderIntroduction {
    pub introduction: Introduction,
    pub intake: Intake,
}

impl ProviderIntroduction {
    /// Whether the provider may see who asked (it accepted).
    pub fn contact_visible(&self) -> bool {
        matches!(self.introduction.status.as_str(), "accepted" | "completed")
    }
}

/// Every introduction of provider `provider_id`, newest first.
pub async fn of_provider(
    store: &WorkflowStore,
    provider_id: i64,
) -> Result<Vec<ProviderIntroduction>> {
    let mut out = Vec::new();
    for introduction in store.introductions_of_provider(provider_id).await? {
        if let Some(intake) = store.intake_by_id(introduction.intake_id).await? {
            out.push(ProviderIntroduction {
                introduction,
                intake,
            });
        }
    }
    Ok(out)
}

/// A signed-in provider answers its own proposal `introduction_id`. Someone else's
/// introduction is `NotFound`, exactly like one that does not exist.
pub async fn answer_as_provider(
    store: &WorkflowStore,
    settings: &WorkflowSettings,
    provider_id: i64,
    introduction_id: i64,
    decline: Option<DeclineReason>,
    now: UnixTime,
) -> Result<std::result::Result<(), Refused>> {
    let introduction = store
        .introduction_by_id(introduction_id)
        .await?
        .filter(|i| i.provider_id == provider_id)
        .ok_or(ServiceError::NotFound)?;
    if introduction.status != "proposed" {
        return Ok(Err(Refused::Stale));
    }
    let event = match decline {
        None => IntakeEvent::Accept,
        Some(reason) => IntakeEvent::Decline { reason },
    };
    change_and_follow(
        store,
        settings,
        introduction.intake_id,
        Actor::Provider(provider_id),
        event,
        now,
    )
    .await
}
