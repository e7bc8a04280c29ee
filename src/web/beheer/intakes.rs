//! Intakes in the back office: the queue by status, one intake with its history, the
//! providers the matching suggests with "waarom deze match", and the staff's steps (take
//! up, propose, complete, close). The rules are the services'; this only words them.

use askama::Template;
use askama_web::WebTemplate;
use axum::{
    Form,
    extract::{Query, State},
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
};
use hrnexus_core::{
    intake::IntakeStatus,
    introduction::{Actor, CloseReason, IntakeEvent},
    matching::{Exclusion, Reason},
    token::RecordId,
};
use serde::Deserialize;

use super::Staff;
use crate::{
    services::introductions::{self, IntakeDetail, Refused},
    storage::{Intake, now},
    web::{
        AppState,
        error::WebError,
        page::Page,
        security::{ClientIp, IdPath},
    },
};

pub const PATH: &str = "/beheer/intakes";

/// One status tab of the queue.
pub struct Tab {
    key: &'static str,
    label: String,
    count: i64,
    current: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "beheer/intakes.html")]
pub struct QueuePage {
    p: Page,
    email: String,
    tabs: Vec<Tab>,
    intakes: Vec<Intake>,
}

#[derive(Deserialize)]
pub struct QueueQuery {
    #[serde(default)]
    status: String,
}

pub async fn queue(
    State(state): State<AppState>,
    p: Page,
    staff: Staff,
    query: Result<Query<QueueQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<QueuePage, WebError> {
    // Unknown statuses show the whole queue: nothing typed is echoed back.
    let status = query
        .ok()
        .and_then(|Query(q)| IntakeStatus::from_key(&q.status));
    let mut tabs = Vec::new();
    for s in IntakeStatus::ALL {
        tabs.push(Tab {
            key: s.key(),
            label: p.tk("intake-status-", s.key()),
            count: state.store.count_intakes(s).await?,
            current: status == Some(s),
        });
    }
    Ok(QueuePage {
        email: staff.email,
        tabs,
        intakes: state.store.intakes(status, 200).await?,
        p,
    })
}

/// A suggested provider, worded.
pub struct Candidate {
    id: i64,
    organisation: String,
    slug: String,
    /// Score and room left, worded.
    score_line: String,
    met: Vec<String>,
    unmet: Vec<String>,
}

/// A provider the matching left out, worded.
pub struct LeftOut {
    organisation: String,
    why: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "beheer/intake.html")]
pub struct IntakePage {
    p: Page,
    email: String,
    d: IntakeDetail,
    status: IntakeStatus,
    candidates: Vec<Candidate>,
    left_out: Vec<LeftOut>,
    close_reasons: Vec<(&'static str, String)>,
    /// Why the last step was refused.
    problem: Option<String>,
}

impl IntakePage {
    fn can(&self, event: IntakeEvent) -> bool {
        hrnexus_core::introduction::IntakeState {
            status: self.status,
            provider: None,
        }
        .apply(Actor::Staff(0), event)
        .is_ok()
    }

    pub fn can_take_up(&self) -> bool {
        self.can(IntakeEvent::TakeUp)
    }

    pub fn can_propose(&self) -> bool {
        self.can(IntakeEvent::Propose { provider: 0 })
    }

    pub fn can_complete(&self) -> bool {
        self.can(IntakeEvent::Complete)
    }

    pub fn can_close(&self) -> bool {
        !self.status.is_final()
    }

    pub fn categories(&self) -> Vec<String> {
        self.d
            .intake
            .category_keys()
            .map(|k| self.p.tk("autonomie-scan-category-", k))
            .collect()
    }

    pub fn aspects(&self) -> Vec<String> {
        self.d
            .intake
            .aspect_keys()
            .map(|k| self.p.tk("results-aspect-", k))
            .collect()
    }

    pub fn size(&self) -> String {
        let key = &self.d.intake.company_size;
        if key.is_empty() {
            self.p.t("intake-unknown")
        } else {
            self.p.tk("contact-size-", key)
        }
    }

    pub fn province(&self) -> String {
        let key = &self.d.intake.province;
        if key.is_empty() {
            self.p.t("intake-unknown")
        } else {
            self.p.tk("contact-province-", key)
        }
    }
}

fn reason_words(p: &Page, reason: &Reason) -> String {
    let arg = match reason {
        Reason::Category { category, .. } => p.tk("autonomie-scan-category-", category.key()),
        Reason::Province { province, .. } => p.tk("contact-province-", province.key()),
        Reason::CompanySize { size, .. } => p.tk("contact-size-", size.key()),
        Reason::Language { language, .. } => language.clone(),
        Reason::UrgentRoom { capacity_left, .. } => capacity_left.to_string(),
        Reason::Feedback { ratings, .. } => ratings.to_string(),
    };
    p.t_args(&format!("match-reason-{}", reason.code()), &[("what", arg)])
}

fn exclusion_words(p: &Page, exclusion: Exclusion) -> String {
    p.tk("match-excluded-", exclusion.code())
}

async fn intake_page(
    state: &AppState,
    p: Page,
    staff: Staff,
    id: i64,
    problem: Option<String>,
) -> Result<IntakePage, WebError> {
    let d = introductions::detail(&*state.store, &state.workflow(), id).await?;
    let status = d.intake.status().ok_or(WebError::NotFound)?;
    let candidates = d
        .ranked
        .iter()
        .take(8)
        .map(|(provider, ranked)| Candidate {
            id: provider.id,
            organisation: provider.organisation.clone(),
            slug: provider.slug.as_str().to_owned(),
            score_line: p.t_args(
                "intake-match-score",
                &[
                    ("score", ranked.score.to_string()),
                    ("left", ranked.capacity_left.to_string()),
                ],
            ),
            met: ranked
                .reasons
                .iter()
                .filter(|r| r.met())
                .map(|r| reason_words(&p, r))
                .collect(),
            unmet: ranked
                .reasons
                .iter()
                .filter(|r| !r.met())
                .map(|r| reason_words(&p, r))
                .collect(),
        })
        .collect();
    let left_out = d
        .excluded
        .iter()
        .filter(|(_, e)| *e != Exclusion::NoCategory)
        .map(|(provider, e)| LeftOut {
            organisation: provider.organisation.clone(),
            why: exclusion_words(&p, *e),
        })
        .collect();
    let close_reasons = CloseReason::ALL
        .into_iter()
        .map(|r| (r.key(), p.tk("intake-close-", r.key())))
        .collect();
    Ok(IntakePage {
        email: staff.email,
        d,
        status,
        candidates,
        left_out,
        close_reasons,
        problem,
        p,
    })
}

pub async fn detail(
    State(state): State<AppState>,
    p: Page,
    staff: Staff,
    IdPath(id): IdPath,
) -> Result<IntakePage, WebError> {
    intake_page(&state, p, staff, id, None).await
}

#[derive(Deserialize)]
pub struct StepForm {
    #[serde(default)]
    provider: String,
    #[serde(default)]
    reason: String,
}

/// The staff's steps, named in the path: oppakken, voorstellen, afronden, sluiten.
pub async fn step(
    State(state): State<AppState>,
    p: Page,
    staff: Staff,
    ip: ClientIp,
    axum::extract::Path((id, step)): axum::extract::Path<(String, String)>,
    Form(form): Form<StepForm>,
) -> Result<Response, WebError> {
    let id = RecordId::parse(&id).map_err(|_| WebError::NotFound)?.get();
    let event = match step.as_str() {
        "oppakken" => IntakeEvent::TakeUp,
        "voorstellen" => match RecordId::parse(form.provider.trim()) {
            Ok(provider) => IntakeEvent::Propose {
                provider: provider.get(),
            },
            Err(_) => return Err(WebError::NotFound),
        },
        "afronden" => IntakeEvent::Complete,
        "sluiten" => match CloseReason::from_key(&form.reason) {
            Some(reason) => IntakeEvent::Close { reason },
            None => {
                let problem = Some(p.t("intake-close-reason-missing"));
                let page = intake_page(&state, p, staff, id, problem).await?;
                return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
            }
        },
        _ => return Err(WebError::NotFound),
    };
    let outcome = introductions::change_and_follow(
        &*state.store,
        &state.workflow(),
        id,
        Actor::Staff(staff.id),
        event,
        now(),
    )
    .await?;
    match outcome {
        Ok(()) => {
            state.mail_wake.notify_one();
            state
                .audit(
                    Some(&staff.email),
                    "intake_changed",
                    &format!("{id} {}", event.code()),
                    &ip,
                )
                .await?;
            Ok(Redirect::to(&p.href(&format!("{PATH}/{id}"))).into_response())
        }
        Err(refused) => {
            let key = match refused {
                Refused::Illegal(code) => format!("intake-refused-{code}"),
                Refused::Stale => "intake-refused-stale".to_owned(),
                Refused::NoCapacity => "intake-refused-no-capacity".to_owned(),
                Refused::NoContact => "intake-refused-no-contact".to_owned(),
            };
            let problem = Some(p.t(&key));
            let page = intake_page(&state, p, staff, id, problem).await?;
            Ok((StatusCode::CONFLICT, page).into_response())
        }
    }
}

/// One bar of a chart: label, value shown, and geometry in the SVG's units.
pub struct Bar {
    pub label: String,
    pub value: String,
    pub x: u32,
    pub y: u32,
    pub height: u32,
    pub width: u32,
}

/// The dashboard's charts of the workflow, drawn as SVG on the server (with the figures as
/// text beside them: the chart is never the only way to read them).
pub struct Charts {
    pub months: Vec<Bar>,
    pub median: String,
    pub providers: Vec<Bar>,
    pub overdue: usize,
    pub total: u32,
}

/// Height of the bar area of a chart, in SVG units.
pub const CHART_HEIGHT: u32 = 120;

impl Charts {
    pub fn new(p: &Page, f: crate::services::introductions::WorkflowFigures) -> Charts {
        let max = f.per_month.iter().map(|m| m.2).max().unwrap_or(0).max(1);
        let months = f
            .per_month
            .iter()
            .enumerate()
            .map(|(i, (year, month, count))| {
                let height = count * CHART_HEIGHT / max;
                Bar {
                    label: format!("{}-{}", month, year % 100),
                    value: count.to_string(),
                    x: i as u32 * 40 + 4,
                    y: CHART_HEIGHT - height + 16,
                    height,
                    width: 30,
                }
            })
            .collect();
        let providers = f
            .acceptance
            .iter()
            .enumerate()
            .map(|(i, (name, accepted, asked))| {
                let pct = accepted * 100 / (*asked).max(1);
                Bar {
                    label: name.clone(),
                    value: format!("{pct}% ({accepted}/{asked})"),
                    x: 0,
                    y: i as u32 * 28,
                    height: 20,
                    width: pct * 3,
                }
            })
            .collect();
        let median = match f.median_days_to_introduction {
            Some(days) => p.t_args("dashboard-median-days", &[("days", p.lang.number(days, 1))]),
            None => p.t("dashboard-median-none"),
        };
        Charts {
            total: f.per_month.iter().map(|m| m.2).sum(),
            months,
            median,
            providers,
            overdue: f.overdue,
        }
    }

    pub fn providers_height(&self) -> u32 {
        (self.providers.len() as u32 * 28).max(28)
    }
}
