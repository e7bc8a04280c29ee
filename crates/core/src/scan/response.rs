//! One employee's submitted scan, and parsing it from an HTML form.
//!
//! Form field names are the stable keys: each [`Aspect::key`] and
//! [`Signal::key`], plus [`FIELD_COMMENT`] and [`FIELD_DEPARTMENT`].
//! Parsing never stops at the first problem: it reports every field so the
//! page can show each error beside its question while keeping the other
//! answers. Errors are codes; the web layer translates them.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::aspect::{Answer, Aspect, Signal};
use super::keyed::{PerAspect, PerSignal};

/// Form field for the optional free-text comment.
pub const FIELD_COMMENT: &str = "opmerking";
/// Form field for the optional department id (shared-link scans).
pub const FIELD_DEPARTMENT: &str = "afdeling";

/// A validated, anonymous scan response.
///
/// It deliberately has no token, IP address or timestamp: those must never be
/// stored with a response.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Response {
    /// An answer for every aspect (required).
    pub answers: PerAspect<Answer>,
    /// The signal block; each statement may be skipped.
    pub signals: PerSignal<Option<Answer>>,
    /// Optional free text.
    pub comment: Option<Comment>,
    /// Department the respondent belongs to; `None` counts in the scan total only.
    pub department_id: Option<i64>,
}

impl Response {
    /// A response with these aspect answers and nothing else, e.g. for the
    /// employer's quick check.
    pub fn new(answers: PerAspect<Answer>) -> Self {
        Self {
            answers,
            signals: PerSignal::default(),
            comment: None,
            department_id: None,
        }
    }

    /// Parses submitted form pairs, e.g. axum's `Form<Vec<(String, String)>>`.
    ///
    /// Rules:
    /// - every aspect field must hold `"1"`..`"5"` or `"weet_niet"`;
    /// - signal fields are optional (absent or empty = skipped);
    /// - the comment is optional; blank counts as absent (see [`Comment::new`]);
    /// - the department is optional; when given it must be one of `departments`
    ///   (invite-link scans set `department_id` from the invite instead);
    /// - a known field sent twice is [`FieldError::Duplicate`]; unknown fields
    ///   (CSRF token, submit button) are ignored.
    pub fn from_form<K, V>(fields: &[(K, V)], departments: &[i64]) -> Result<Self, ResponseErrors>
    where
        K: AsRef<str>,
        V: AsRef<str>,
    {
        // Errors are pushed in form order, so the list reads top to bottom.
        let mut errors = ResponseErrors::default();

        let mut answers = [Answer::DontKnow; 5];
        for aspect in Aspect::ALL {
            let field = FormField::Aspect(aspect);
            match read(fields, field, &mut errors).map(Answer::from_form_value) {
                Some(Some(answer)) => answers[aspect.index()] = answer,
                Some(None) => errors.push(field, FieldError::Invalid),
                // A no-op when `read` already recorded a duplicate.
                None => errors.push(field, FieldError::Missing),
            }
        }

        let signals = PerSignal::from_fn(|signal| {
            let field = FormField::Signal(signal);
            match read(fields, field, &mut errors).map(Answer::from_form_value) {
                Some(Some(answer)) => Some(answer),
                Some(None) => {
                    errors.push(field, FieldError::Invalid);
                    None
                }
                None => None,
            }
        });

        let comment = match read(fields, FormField::Comment, &mut errors).map(Comment::new) {
            Some(Ok(comment)) => Some(comment),
            Some(Err(CommentError::TooLong)) => {
                errors.push(FormField::Comment, FieldError::TooLong);
                None
            }
            // Only control characters: treat like an empty box.
            Some(Err(CommentError::Empty)) | None => None,
        };

        let department_id = match read(fields, FormField::Department, &mut errors) {
            None => None,
            Some(raw) => match raw.parse::<i64>() {
                Ok(id) if departments.contains(&id) => Some(id),
                Ok(_) => {
                    errors.push(FormField::Department, FieldError::UnknownDepartment);
                    None
                }
                Err(_) => {
                    errors.push(FormField::Department, FieldError::Invalid);
                    None
                }
            },
        };

        if errors.is_empty() {
            Ok(Response {
                answers: PerAspect::from_array(answers),
                signals,
                comment,
                department_id,
            })
        } else {
            Err(errors)
        }
    }
}

/// The trimmed, non-empty value of `field`; records a duplicate and returns `None`.
fn read<'a, K: AsRef<str>, V: AsRef<str>>(
    fields: &'a [(K, V)],
    field: FormField,
    errors: &mut ResponseErrors,
) -> Option<&'a str> {
    match single_value(fields, field.key()) {
        Ok(value) => value.map(str::trim).filter(|v| !v.is_empty()),
        Err(e) => {
            errors.push(field, e);
            None
        }
    }
}

/// The value of `key`, `None` when absent, an error when sent more than once.
fn single_value<'a, K: AsRef<str>, V: AsRef<str>>(
    fields: &'a [(K, V)],
    key: &str,
) -> Result<Option<&'a str>, FieldError> {
    let mut values = fields
        .iter()
        .filter(|(k, _)| k.as_ref() == key)
        .map(|(_, v)| v.as_ref());
    let first = values.next();
    match values.next() {
        Some(_) => Err(FieldError::Duplicate),
        None => Ok(first),
    }
}

/// A free-text comment: trimmed, non-empty, at most [`Comment::MAX_CHARS`] characters.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Comment(String);

/// Why a comment was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CommentError {
    /// Nothing left after trimming.
    Empty,
    /// Longer than [`Comment::MAX_CHARS`] characters.
    TooLong,
}

impl Comment {
    /// Maximum length in characters (Unicode scalar values, not bytes).
    pub const MAX_CHARS: usize = 1000;

    /// Normalises and validates a comment.
    ///
    /// Line endings become `\n` and other control characters are dropped
    /// (keeping tabs): they are invisible, can break CSV export, and a NUL
    /// byte is refused by PostgreSQL. Then the text is trimmed.
    pub fn new(raw: &str) -> Result<Self, CommentError> {
        let normalised: String = raw
            .replace("\r\n", "\n")
            .chars()
            .map(|c| if c == '\r' { '\n' } else { c })
            .filter(|c| !c.is_control() || *c == '\n' || *c == '\t')
            .collect();
        let text = normalised.trim();
        if text.is_empty() {
            Err(CommentError::Empty)
        } else if text.chars().count() > Self::MAX_CHARS {
            Err(CommentError::TooLong)
        } else {
            Ok(Self(text.to_owned()))
        }
    }

    /// The comment text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The comment text, owned.
    pub fn into_inner(self) -> String {
        self.0
    }
}

impl TryFrom<String> for Comment {
    type Error = CommentError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Comment::new(&value)
    }
}

impl From<Comment> for String {
    fn from(c: Comment) -> Self {
        c.0
    }
}

impl AsRef<str> for Comment {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for CommentError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            CommentError::Empty => "comment_empty",
            CommentError::TooLong => "comment_too_long",
        })
    }
}

impl std::error::Error for CommentError {}

/// A field of the scan form, named by its form key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FormField {
    /// The question for this aspect.
    Aspect(Aspect),
    /// The statement for this signal.
    Signal(Signal),
    /// The free-text comment ([`FIELD_COMMENT`]).
    Comment,
    /// The department select ([`FIELD_DEPARTMENT`]).
    Department,
}

impl FormField {
    /// The HTML form field name.
    pub const fn key(self) -> &'static str {
        match self {
            FormField::Aspect(a) => a.key(),
            FormField::Signal(s) => s.key(),
            FormField::Comment => FIELD_COMMENT,
            FormField::Department => FIELD_DEPARTMENT,
        }
    }

    /// Inverse of [`FormField::key`].
    pub fn from_key(key: &str) -> Option<Self> {
        Aspect::from_key(key)
            .map(FormField::Aspect)
            .or_else(|| Signal::from_key(key).map(FormField::Signal))
            .or(match key {
                FIELD_COMMENT => Some(FormField::Comment),
                FIELD_DEPARTMENT => Some(FormField::Department),
                _ => None,
            })
    }
}

impl Serialize for FormField {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.key())
    }
}

/// What is wrong with one form field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FieldError {
    /// A required answer was not given.
    Missing,
    /// The value is not one the field accepts.
    Invalid,
    /// The field was sent more than once.
    Duplicate,
    /// The comment exceeds [`Comment::MAX_CHARS`].
    TooLong,
    /// The department id is not part of this scan.
    UnknownDepartment,
}

impl FieldError {
    /// Stable code for translations and logs.
    pub const fn key(self) -> &'static str {
        match self {
            FieldError::Missing => "missing",
            FieldError::Invalid => "invalid",
            FieldError::Duplicate => "duplicate",
            FieldError::TooLong => "too_long",
            FieldError::UnknownDepartment => "unknown_department",
        }
    }
}

/// Every problem found in a submitted form, at most one per field, in form order.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct ResponseErrors {
    errors: Vec<FieldIssue>,
}

/// One field and its problem.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct FieldIssue {
    /// The form field.
    pub field: FormField,
    /// The problem.
    pub error: FieldError,
}

impl ResponseErrors {
    /// The problem with `field`, if any (for showing beside the question).
    pub fn get(&self, field: FormField) -> Option<FieldError> {
        self.errors
            .iter()
            .find(|i| i.field == field)
            .map(|i| i.error)
    }

    /// All problems, in form order.
    pub fn iter(&self) -> impl Iterator<Item = FieldIssue> + '_ {
        self.errors.iter().copied()
    }

    /// Number of fields with a problem.
    pub fn len(&self) -> usize {
        self.errors.len()
    }

    /// True when no field has a problem.
    pub fn is_empty(&self) -> bool {
        self.errors.is_empty()
    }

    fn push(&mut self, field: FormField, error: FieldError) {
        if self.get(field).is_none() {
            self.errors.push(FieldIssue { field, error });
        }
    }
}

impl fmt::Display for ResponseErrors {
    /// Codes only (`field:error`), for logs; never shown to users.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, issue) in self.errors.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            write!(f, "{}:{}", issue.field.key(), issue.error.key())?;
        }
        Ok(())
    }
}

impl std::error::Error for ResponseErrors {}

#[cfg(test)]
mod tests {
    use super::*;

    fn full_form() -> Vec<(String, String)> {
        [
            ("werkwijze", "4"),
            ("sterke_punten", "5"),
            ("taakinvloed", "weet_niet"),
            ("open_mening", "2"),
            ("steun", " 3 "),
            ("mentale_vermoeidheid", "4"),
            ("initiatief", ""),
            ("opmerking", "  Meer ruimte graag.  "),
            ("afdeling", "7"),
            ("csrf_token", "abc"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect()
    }

    #[test]
    fn parses_a_complete_form() {
        let r = Response::from_form(&full_form(), &[7, 8]).unwrap();
        assert_eq!(r.answers[Aspect::Werkwijze], Answer::Agree);
        assert_eq!(r.answers[Aspect::Taakinvloed], Answer::DontKnow);
        assert_eq!(r.answers[Aspect::Steun], Answer::Neutral);
        assert_eq!(r.signals[Signal::Fatigue], Some(Answer::Agree));
        assert_eq!(r.signals[Signal::Initiative], None);
        assert_eq!(r.signals[Signal::IntentionToLeave], None);
        assert_eq!(
            r.comment.as_ref().map(Comment::as_str),
            Some("Meer ruimte graag.")
        );
        assert_eq!(r.department_id, Some(7));
    }

    #[test]
    fn reports_every_field_in_form_order() {
        let form = [
            ("sterke_punten", "6"),
            ("taakinvloed", "1"),
            ("taakinvloed", "2"),
            ("open_mening", "2"),
            ("steun", ""),
            ("vertrekintentie", "ja"),
            ("opmerking", &"x".repeat(Comment::MAX_CHARS + 1)),
            ("afdeling", "99"),
        ];
        let errors = Response::from_form(&form, &[7]).unwrap_err();
        let list: Vec<_> = errors.iter().map(|i| (i.field, i.error)).collect();
        assert_eq!(
            list,
            [
                (FormField::Aspect(Aspect::Werkwijze), FieldError::Missing),
                (FormField::Aspect(Aspect::SterkePunten), FieldError::Invalid),
                (
                    FormField::Aspect(Aspect::Taakinvloed),
                    FieldError::Duplicate
                ),
                (FormField::Aspect(Aspect::Steun), FieldError::Missing),
                (
                    FormField::Signal(Signal::IntentionToLeave),
                    FieldError::Invalid
                ),
                (FormField::Comment, FieldError::TooLong),
                (FormField::Department, FieldError::UnknownDepartment),
            ]
        );
        assert_eq!(errors.get(FormField::Aspect(Aspect::OpenMening)), None);
        assert_eq!(errors.len(), 7);
        assert!(
            errors
                .to_string()
                .starts_with("werkwijze:missing, sterke_punten:invalid")
        );
    }

    #[test]
    fn department_is_optional_but_must_be_known() {
        let mut form = full_form();
        form.retain(|(k, _)| k != FIELD_DEPARTMENT);
        assert_eq!(Response::from_form(&form, &[]).unwrap().department_id, None);
        form.push((FIELD_DEPARTMENT.into(), "zeven".into()));
        let e = Response::from_form(&form, &[7]).unwrap_err();
        assert_eq!(e.get(FormField::Department), Some(FieldError::Invalid));
    }

    #[test]
    fn blank_comment_is_absent() {
        let mut form = full_form();
        form.retain(|(k, _)| k != FIELD_COMMENT);
        form.push((FIELD_COMMENT.into(), " \r\n ".into()));
        assert_eq!(Response::from_form(&form, &[7]).unwrap().comment, None);
    }

    #[test]
    fn comment_rules() {
        assert_eq!(Comment::new("   "), Err(CommentError::Empty));
        assert_eq!(Comment::new("\u{0}\u{7}"), Err(CommentError::Empty));
        assert_eq!(
            Comment::new("a\r\nb\rc\u{0}d\te").unwrap().as_str(),
            "a\nb\ncd\te"
        );
        // The limit counts characters, not bytes.
        let max = "é".repeat(Comment::MAX_CHARS);
        assert!(Comment::new(&max).is_ok());
        assert_eq!(Comment::new(&format!("{max}é")), Err(CommentError::TooLong));
        // Trimming happens before the length check.
        assert!(Comment::new(&format!("  {max}  ")).is_ok());
    }

    #[test]
    fn form_field_keys_round_trip() {
        let all = Aspect::ALL
            .map(FormField::Aspect)
            .into_iter()
            .chain(Signal::ALL.map(FormField::Signal))
            .chain([FormField::Comment, FormField::Department]);
        for f in all {
            assert_eq!(FormField::from_key(f.key()), Some(f));
        }
        assert_eq!(FormField::from_key("csrf_token"), None);
    }
}
