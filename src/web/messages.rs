//! Words for the domain's problem codes, in the visitor's language (the pages) or in
//! English (the API). The rules live in the core; only the wording lives here.

use hrnexus_core::intake::{IntakeField, IntakeProblem, MAX_NAME_CHARS, MAX_QUESTION_CHARS};
use hrnexus_core::scan::setup::{SetupErrors, SetupField, SetupProblem};

use crate::{
    i18n::Lang,
    services::invitations::{InviteError, MAX_ADDRESSES_PER_ROUND, MAX_LISTED_INVALID},
};

/// What to show beside `field` for `problem`.
pub fn setup_problem(lang: Lang, field: SetupField, problem: &SetupProblem) -> String {
    match (field, problem) {
        (SetupField::Organisation, SetupProblem::Missing) => {
            lang.t("wg-error-organisation-missing")
        }
        (SetupField::Team, SetupProblem::Missing) => lang.t("wg-error-team-missing"),
        (SetupField::ClosesOn, SetupProblem::Missing) => lang.t("wg-error-date-missing"),
        (_, SetupProblem::Missing) => lang.t("text-error-empty"),
        (_, SetupProblem::NameTooLong) => lang.t("wg-error-name-too-long"),
        (_, SetupProblem::Text(e)) => lang.t(&format!("text-error-{}", e.key())),
        (_, SetupProblem::DepartmentTooLong(start)) => {
            lang.t_args("wg-error-department-too-long", &[("name", start.clone())])
        }
        (_, SetupProblem::TooManyDepartments) => lang.t("wg-error-departments-too-many"),
        (_, SetupProblem::DuplicateDepartment(name)) => {
            lang.t_args("wg-error-department-duplicate", &[("name", name.clone())])
        }
        (_, SetupProblem::DateInvalid) => lang.t("wg-error-date-invalid"),
        (_, SetupProblem::DatePast) => lang.t("wg-error-date-past"),
        (_, SetupProblem::DateTooFar) => lang.t("wg-error-date-too-far"),
        (_, SetupProblem::DateBeforeOpening) => lang.t("wg-error-date-before-opening"),
        (_, SetupProblem::RoundClosed) => lang.t("wg-error-date-round-closed"),
        (_, SetupProblem::UnknownLanguage) => lang.t("wg-error-lang"),
        (_, SetupProblem::UnknownInvite) => lang.t("wg-error-invite"),
        (_, SetupProblem::CountOutOfRange) => lang.t("wg-error-count"),
    }
}

/// What to show beside a round's new closing date; `latest` is the last day the round may
/// close (a year after it opened), which "too far" names.
pub fn closing_date_problem(
    lang: Lang,
    problem: &SetupProblem,
    latest: chrono::NaiveDate,
) -> String {
    match problem {
        SetupProblem::DateTooFar => lang.t_args(
            "wg-error-date-too-far-round",
            &[("date", lang.date_long(latest))],
        ),
        other => setup_problem(lang, SetupField::ClosesOn, other),
    }
}

/// Every problem of a request as (field name, message), in form order.
pub fn setup_errors(lang: Lang, errors: &SetupErrors) -> Vec<(&'static str, String)> {
    errors
        .iter()
        .map(|(field, problem)| (field.key(), setup_problem(lang, *field, problem)))
        .collect()
}

/// What to show beside the addresses (or the department) when invitations were refused.
pub fn invite_problem(lang: Lang, error: &InviteError) -> String {
    match error {
        InviteError::Empty => lang.t("inv-error-empty"),
        InviteError::Invalid(lines) => {
            let mut listed: Vec<String> = lines
                .iter()
                .take(MAX_LISTED_INVALID)
                .map(|l| format!("“{l}”"))
                .collect();
            if lines.len() > MAX_LISTED_INVALID {
                listed.push(lang.t_args(
                    "inv-error-invalid-more",
                    &[("count", (lines.len() - MAX_LISTED_INVALID).to_string())],
                ));
            }
            lang.t_args(
                "inv-error-invalid",
                &[
                    ("count", lines.len().to_string()),
                    (
                        "count_plural",
                        if lines.len() == 1 { "one" } else { "other" }.to_owned(),
                    ),
                    ("lines", listed.join(", ")),
                ],
            )
        }
        InviteError::TooMany { existing } => lang.t_args(
            "inv-error-too-many",
            &[
                ("max", MAX_ADDRESSES_PER_ROUND.to_string()),
                ("existing", existing.to_string()),
            ],
        ),
        InviteError::Department => lang.t("wg-error-department"),
        InviteError::RoundClosed => lang.t("wg-error-round-closed"),
    }
}

/// What to show beside a contact-form `field` for `problem`.
pub fn intake_problem(lang: Lang, field: IntakeField, problem: &IntakeProblem) -> String {
    match (field, problem) {
        (_, IntakeProblem::Missing) => lang.t(&format!("contact-error-{}-missing", field.key())),
        (IntakeField::Question, IntakeProblem::TooLong) => lang.t_args(
            "contact-error-too-long",
            &[("max", MAX_QUESTION_CHARS.to_string())],
        ),
        (_, IntakeProblem::TooLong) => lang.t_args(
            "contact-error-too-long",
            &[("max", MAX_NAME_CHARS.to_string())],
        ),
        (_, IntakeProblem::Text(e)) => lang.t(&format!("text-error-{}", e.key())),
        (_, problem) => lang.t(&format!("contact-error-{}", problem.code())),
    }
}
