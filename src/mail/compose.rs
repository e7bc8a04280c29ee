//! Every mail the platform sends is a type here with two compiled askama templates under
//! `templates/mail/`: `NAME.html` (escaped by askama as HTML) and `NAME.txt` (not escaped).
//! Both extend the shared layout (`layout.html` / `layout.txt`), whose `footer` block holds
//! an `unsubscribe` slot for mail that people subscribe to (a newsletter fills it, and adds
//! its `List-Unsubscribe` header to `OutgoingMail::headers`). The words come from the
//! translation files: a template asks the mail for `m.t("key")`, which fills in the mail's
//! own values (organisation, dates, links) as Fluent arguments.

use askama::Template;
use chrono::NaiveDate;

use crate::{i18n::Lang, storage::OutgoingMail};

/// What every mail knows about itself; the templates come from `mail_templates!`.
pub trait Mail: Rendered {
    /// Translation key of the subject line.
    const SUBJECT: &'static str;
    /// The body carries a secret (a sign-in link, a personal scan link): the outbox hides it
    /// from staff and erases it once delivered.
    const CARRIES_SECRET: bool = false;

    fn lang(&self) -> Lang;

    /// Values the mail's messages may refer to, e.g. `{ $organisation }`.
    fn args(&self) -> Vec<(&'static str, String)> {
        Vec::new()
    }

    /// A message in the mail's language with the mail's values filled in.
    fn t(&self, key: &str) -> String {
        self.lang().t_args(key, &self.args())
    }

    fn subject(&self) -> String {
        self.t(Self::SUBJECT)
    }
}

/// The two rendered parts of a mail. Implemented by `mail_templates!` only.
pub trait Rendered {
    fn html(&self) -> askama::Result<String>;
    fn text(&self) -> askama::Result<String>;
}

/// Renders a mail for one recipient into an outbox message with a text and an HTML part.
pub fn compose<M: Mail>(recipient: &str, mail: &M) -> Result<OutgoingMail, askama::Error> {
    Ok(OutgoingMail {
        recipient: recipient.to_owned(),
        subject: mail.subject(),
        text_body: mail.text()?,
        html_body: Some(mail.html()?),
        headers: Vec::new(),
        carries_secret: M::CARRIES_SECRET,
    })
}

/// Ties a mail type to its `.html` and `.txt` templates; inside them the mail is `m`.
macro_rules! mail_templates {
    ($mail:ident, $html:tt, $text:tt) => {
        const _: () = {
            #[derive(Template)]
            #[template(path = $html)]
            struct Html<'a> {
                m: &'a $mail,
            }

            #[derive(Template)]
            #[template(path = $text)]
            struct Text<'a> {
                m: &'a $mail,
            }

            impl Rendered for $mail {
                fn html(&self) -> askama::Result<String> {
                    Html { m: self }.render()
                }

                fn text(&self) -> askama::Result<String> {
                    Text { m: self }.render()
                }
            }
        };
    };
}

/// The sign-in link an employer asked for on `/werkgever/login`.
pub struct SignInLink {
    pub lang: Lang,
    /// The absolute sign-in URL with its token.
    pub link: String,
}

impl Mail for SignInLink {
    const SUBJECT: &'static str = "wg-mail-subject";
    const CARRIES_SECRET: bool = true;

    fn lang(&self) -> Lang {
        self.lang
    }
}

mail_templates!(SignInLink, "mail/sign_in.html", "mail/sign_in.txt");

/// Tells a beheerder that two-step verification was just turned on for their account.
pub struct TotpEnabled {
    pub lang: Lang,
}

impl Mail for TotpEnabled {
    const SUBJECT: &'static str = "mail-totp-enabled-subject";

    fn lang(&self) -> Lang {
        self.lang
    }
}

mail_templates!(
    TotpEnabled,
    "mail/totp_enabled.html",
    "mail/totp_enabled.txt"
);

/// A test mail from the back office (with a link to the outbox), also used as the demo's
/// sample mail (without one).
pub struct TestMail {
    pub lang: Lang,
    pub outbox_url: Option<String>,
}

impl Mail for TestMail {
    const SUBJECT: &'static str = "mail-test-subject";

    fn lang(&self) -> Lang {
        self.lang
    }
}

mail_templates!(TestMail, "mail/test.html", "mail/test.txt");

/// An employee's invitation to a scan round, with their personal scan link.
pub struct Invitation {
    pub lang: Lang,
    pub organisation: String,
    pub team: String,
    pub closes_on: NaiveDate,
    /// The public page on what the employer can and cannot see.
    pub privacy_url: String,
    /// The personal scan link (a secret).
    pub link: String,
}

impl Mail for Invitation {
    const SUBJECT: &'static str = "inv-mail-subject";
    const CARRIES_SECRET: bool = true;

    fn lang(&self) -> Lang {
        self.lang
    }

    fn args(&self) -> Vec<(&'static str, String)> {
        vec![
            ("organisation", self.organisation.clone()),
            ("team", self.team.clone()),
            ("date", self.lang.date_long(self.closes_on)),
            ("url", self.privacy_url.clone()),
        ]
    }
}

mail_templates!(Invitation, "mail/invitation.html", "mail/invitation.txt");

/// The one reminder before a round closes: the same words for everyone invited, no link.
pub struct Reminder {
    pub lang: Lang,
    pub organisation: String,
    pub team: String,
    pub closes_on: NaiveDate,
    pub invited_on: NaiveDate,
    pub privacy_url: String,
}

impl Mail for Reminder {
    const SUBJECT: &'static str = "inv-reminder-subject";

    fn lang(&self) -> Lang {
        self.lang
    }

    fn args(&self) -> Vec<(&'static str, String)> {
        vec![
            ("organisation", self.organisation.clone()),
            ("team", self.team.clone()),
            ("date", self.lang.date_long(self.closes_on)),
            ("invited", self.lang.date_long(self.invited_on)),
            ("url", self.privacy_url.clone()),
        ]
    }
}

mail_templates!(Reminder, "mail/reminder.html", "mail/reminder.txt");

/// A mail about a Kompas subscription (and, later, each issue): the layout's unsubscribe slot
/// shows `manage_url`, and the mail carries the RFC 8058 one-click headers pointing to it.
pub fn compose_subscribed<M: Mail>(
    recipient: &str,
    mail: &M,
    manage_url: &str,
) -> Result<OutgoingMail, askama::Error> {
    let mut out = compose(recipient, mail)?;
    out.headers
        .push(("List-Unsubscribe".into(), format!("<{manage_url}>")));
    out.headers.push((
        "List-Unsubscribe-Post".into(),
        "List-Unsubscribe=One-Click".into(),
    ));
    Ok(out)
}

/// The double opt-in mail after signing up for the Kompas: the confirmation link.
pub struct KompasConfirm {
    pub lang: Lang,
    /// The absolute confirmation URL with its token (a secret).
    pub link: String,
    /// The subscriber's own unsubscribe/manage page.
    pub manage_url: String,
}

impl Mail for KompasConfirm {
    const SUBJECT: &'static str = "kompas-mail-confirm-subject";
    const CARRIES_SECRET: bool = true;

    fn lang(&self) -> Lang {
        self.lang
    }
}

mail_templates!(
    KompasConfirm,
    "mail/kompas_confirm.html",
    "mail/kompas_confirm.txt"
);

/// One article in an issue of the Kompas, as the issue shows it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct IssueItem {
    pub title: String,
    pub summary: String,
    /// Absolute URL of the article.
    pub url: String,
}

/// An issue of the HRnexus Kompas for one subscriber: the introduction, the articles, and the
/// subscriber's own manage link (a secret, so the mail is never kept after delivery).
pub struct KompasIssue {
    pub lang: Lang,
    pub subject: String,
    pub paragraphs: Vec<String>,
    pub items: Vec<IssueItem>,
    /// The issue in the public archive ("read it in your browser").
    pub web_url: String,
    pub manage_url: String,
}

impl Mail for KompasIssue {
    const SUBJECT: &'static str = "kompas-issue-subject";
    const CARRIES_SECRET: bool = true;

    fn lang(&self) -> Lang {
        self.lang
    }

    fn subject(&self) -> String {
        self.subject.clone()
    }
}

mail_templates!(
    KompasIssue,
    "mail/kompas_issue.html",
    "mail/kompas_issue.txt"
);

/// The quick check's result, mailed on request: the index, each aspect with the answer and
/// its judgement, the advised actions, and a link to the result page.
pub struct QuickCheckResult {
    pub lang: Lang,
    /// "62 van de 100", or `None` when every answer was "weet ik niet".
    pub index: Option<String>,
    /// Aspect, answer, judgement.
    pub rows: Vec<(String, String, String)>,
    /// Action, what it means.
    pub actions: Vec<(String, String)>,
    pub link: String,
}

impl Mail for QuickCheckResult {
    const SUBJECT: &'static str = "check-mail-subject";
    // One person's view of their own workplace: kept no longer than needed to deliver it.
    const CARRIES_SECRET: bool = true;

    fn lang(&self) -> Lang {
        self.lang
    }
}

mail_templates!(
    QuickCheckResult,
    "mail/quick_check_result.html",
    "mail/quick_check_result.txt"
);

/// Sent instead of a confirmation when a confirmed subscriber signs up again.
pub struct KompasAlready {
    pub lang: Lang,
    pub manage_url: String,
}

impl Mail for KompasAlready {
    const SUBJECT: &'static str = "kompas-mail-already-subject";
    // The manage link can erase the subscription: kept from staff, erased once delivered.
    const CARRIES_SECRET: bool = true;

    fn lang(&self) -> Lang {
        self.lang
    }
}

mail_templates!(
    KompasAlready,
    "mail/kompas_already.html",
    "mail/kompas_already.txt"
);

/// The welcome after the subscription is confirmed.
pub struct KompasWelcome {
    pub lang: Lang,
    pub manage_url: String,
}

impl Mail for KompasWelcome {
    const SUBJECT: &'static str = "kompas-mail-welcome-subject";
    const CARRIES_SECRET: bool = true;

    fn lang(&self) -> Lang {
        self.lang
    }
}

mail_templates!(
    KompasWelcome,
    "mail/kompas_welcome.html",
    "mail/kompas_welcome.txt"
);

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn invitation(organisation: &str) -> Invitation {
        Invitation {
            lang: Lang::Nl,
            organisation: organisation.into(),
            team: "Support".into(),
            closes_on: date(2026, 12, 1),
            privacy_url: "https://hrnexus.nl/scan/wat-je-werkgever-ziet".into(),
            link: "https://hrnexus.nl/scan/TOKEN?a=1&b=2".into(),
        }
    }

    #[test]
    fn values_are_escaped_in_html_and_intact_in_text() {
        let nasty = r#"<script>alert("x")</script> & Zn's"#;
        let mail = compose("a@b.nl", &invitation(nasty)).unwrap();
        let html = mail.html_body.unwrap();
        assert!(
            html.contains("&#60;script&#62;alert(&#34;x&#34;)&#60;/script&#62; &#38; Zn&#39;s"),
            "{html}"
        );
        assert!(
            !html.contains("<script>") && !html.contains(nasty),
            "{html}"
        );
        assert!(html.contains(r#"href="https://hrnexus.nl/scan/TOKEN?a=1&#38;b=2""#));
        assert!(mail.text_body.contains(nasty), "{}", mail.text_body);
        assert!(
            mail.text_body
                .contains("Vul de scan in: https://hrnexus.nl/scan/TOKEN?a=1&b=2")
        );
        // The subject is a header, not HTML: as typed.
        assert!(mail.subject.starts_with(nasty), "{}", mail.subject);
        assert!(mail.carries_secret);
    }

    #[test]
    fn the_text_part_is_paragraphs_then_the_action_then_the_signature() {
        let mail = compose(
            "a@b.nl",
            &SignInLink {
                lang: Lang::Nl,
                link: "https://hrnexus.nl/werkgever/inloggen/T".into(),
            },
        )
        .unwrap();
        let expected = format!(
            "{}\n\n{}\n\n{}: https://hrnexus.nl/werkgever/inloggen/T\n\n-- \n{}\n",
            // The text part has a link, not a button, and says so.
            Lang::Nl.t("wg-mail-body-text"),
            Lang::Nl.t("wg-mail-ignore"),
            Lang::Nl.t("wg-mail-action"),
            Lang::Nl.t("mail-footer"),
        );
        assert_eq!(mail.text_body, expected);
        assert!(!mail.text_body.contains("knop"), "no button in plain text");
        assert_eq!(mail.subject, Lang::Nl.t("wg-mail-subject"));
        assert!(mail.carries_secret);
        let html = mail.html_body.unwrap();
        assert!(
            html.starts_with("<!doctype html>\n<html lang=\"nl\">"),
            "{html}"
        );
        assert!(html.contains(">Inloggen bij HRnexus</a>"), "{html}");
        assert!(html.contains(&Lang::Nl.t("mail-footer")));
    }

    #[test]
    fn every_mail_renders_in_both_languages_without_missing_keys() {
        for lang in Lang::ALL {
            let mails = [
                compose(
                    "a@b.nl",
                    &SignInLink {
                        lang,
                        link: "L".into(),
                    },
                ),
                compose("a@b.nl", &TotpEnabled { lang }),
                compose(
                    "a@b.nl",
                    &TestMail {
                        lang,
                        outbox_url: Some("https://hrnexus.nl/beheer/outbox".into()),
                    },
                ),
                compose(
                    "a@b.nl",
                    &TestMail {
                        lang,
                        outbox_url: None,
                    },
                ),
                compose(
                    "a@b.nl",
                    &Invitation {
                        lang,
                        ..invitation("Acme")
                    },
                ),
                compose(
                    "a@b.nl",
                    &Reminder {
                        lang,
                        organisation: "Acme".into(),
                        team: "Support".into(),
                        closes_on: date(2026, 12, 1),
                        invited_on: date(2026, 11, 1),
                        privacy_url: "P".into(),
                    },
                ),
            ];
            for mail in mails {
                let mail = mail.unwrap();
                let html = mail.html_body.unwrap();
                for part in [mail.subject.as_str(), &mail.text_body, &html] {
                    // A missing key would show as the key itself, e.g. `inv-mail-until`.
                    assert!(
                        !part.contains("mail-") && !part.contains("inv-") && !part.contains("{"),
                        "{lang:?}: {part}"
                    );
                }
                assert!(html.contains(&format!("<html lang=\"{}\">", lang.code())));
                assert!(
                    mail.text_body
                        .ends_with(&format!("\n-- \n{}\n", lang.t("mail-footer")))
                );
            }
        }
    }

    #[test]
    fn the_kompas_issue_and_the_check_result_render_in_both_languages() {
        for lang in Lang::ALL {
            let issue = KompasIssue {
                lang,
                subject: "Kompas <december>".into(),
                paragraphs: vec!["Beste lezer,".into(), "Tekst & meer.".into()],
                items: vec![IssueItem {
                    title: "Regelruimte".into(),
                    summary: "Waarom het loont.".into(),
                    url: "https://hrnexus.nl/inzichten/regelruimte".into(),
                }],
                web_url: "https://hrnexus.nl/kompas/archief/1".into(),
                manage_url: "https://hrnexus.nl/kompas/afmelden/T".into(),
            };
            let mail = compose_subscribed("a@b.nl", &issue, &issue.manage_url).unwrap();
            assert_eq!(mail.subject, "Kompas <december>");
            assert!(mail.carries_secret, "the manage link is a secret");
            let html = mail.html_body.unwrap();
            assert!(
                html.contains("Kompas &#60;december&#62;")
                    || html.contains("Kompas &lt;december&gt;")
            );
            assert!(html.contains("<table role=\"presentation\""));
            assert!(!html.contains("<style"), "inline styles only");
            for part in [&mail.text_body, &html] {
                assert!(part.contains("https://hrnexus.nl/kompas/afmelden/T"));
                assert!(part.contains("https://hrnexus.nl/inzichten/regelruimte"));
                assert!(
                    !part.contains("kompas-issue-") && !part.contains("{"),
                    "{part}"
                );
            }
            assert!(mail.text_body.contains("Tekst & meer."));
            let check = compose(
                "a@b.nl",
                &QuickCheckResult {
                    lang,
                    index: Some("62".into()),
                    rows: vec![(
                        "Werkwijze".into(),
                        "Oneens".into(),
                        "Werk aan de winkel".into(),
                    )],
                    actions: vec![("Gesprek".into(), "Voer het gesprek.".into())],
                    link: "https://hrnexus.nl/autonomie-scan/snelle-check?werkwijze=2".into(),
                },
            )
            .unwrap();
            assert!(check.carries_secret);
            for part in [&check.subject, &check.text_body, &check.html_body.unwrap()] {
                assert!(
                    !part.contains("check-mail-") && !part.contains("{"),
                    "{part}"
                );
            }
        }
    }

    #[test]
    fn the_reminder_names_both_dates_and_has_no_button() {
        let mail = compose(
            "a@b.nl",
            &Reminder {
                lang: Lang::Nl,
                organisation: "Acme".into(),
                team: "Support".into(),
                closes_on: date(2026, 12, 1),
                invited_on: date(2026, 11, 2),
                privacy_url: "https://hrnexus.nl/scan/wat-je-werkgever-ziet".into(),
            },
        )
        .unwrap();
        assert!(mail.text_body.contains("dinsdag 1 december 2026"));
        assert!(mail.text_body.contains("maandag 2 november 2026"));
        assert!(
            mail.text_body
                .contains("https://hrnexus.nl/scan/wat-je-werkgever-ziet")
        );
        assert!(!mail.html_body.unwrap().contains("<a "));
        assert!(!mail.carries_secret);
    }

    /// A mail people subscribe to (the coming newsletter) fills the layout's `unsubscribe`
    /// slot in both parts; other mail leaves it empty.
    #[test]
    fn the_layout_has_an_unsubscribe_slot() {
        struct Letter {
            lang: Lang,
            unsubscribe_url: String,
        }
        impl Mail for Letter {
            const SUBJECT: &'static str = "mail-test-subject";
            fn lang(&self) -> Lang {
                self.lang
            }
        }
        #[derive(Template)]
        #[template(
            ext = "html",
            source = r#"{% extends "mail/layout.html" %}{% block content %}<p>Nieuws</p>{% endblock %}{% block unsubscribe %}<p><a href="{{ m.unsubscribe_url }}">Afmelden</a></p>{% endblock %}"#
        )]
        struct Html<'a> {
            m: &'a Letter,
        }
        #[derive(Template)]
        #[template(
            ext = "txt",
            source = r#"{% extends "mail/layout.txt" %}{% block content %}Nieuws{% endblock %}{% block unsubscribe %}Afmelden: {{ m.unsubscribe_url }}
{% endblock %}"#
        )]
        struct Text<'a> {
            m: &'a Letter,
        }
        impl Rendered for Letter {
            fn html(&self) -> askama::Result<String> {
                Html { m: self }.render()
            }
            fn text(&self) -> askama::Result<String> {
                Text { m: self }.render()
            }
        }
        let letter = Letter {
            lang: Lang::Nl,
            unsubscribe_url: "https://hrnexus.nl/afmelden/T?a=1&b=2".into(),
        };
        let mail = compose("a@b.nl", &letter).unwrap();
        let footer = Lang::Nl.t("mail-footer");
        assert_eq!(
            mail.text_body,
            format!("Nieuws\n\n-- \n{footer}\nAfmelden: https://hrnexus.nl/afmelden/T?a=1&b=2\n")
        );
        let html = mail.html_body.unwrap();
        let slot = html.find(r#"<a href="https://hrnexus.nl/afmelden/T?a=1&#38;b=2">Afmelden</a>"#);
        assert!(
            slot.is_some_and(|at| at > html.find(&footer).unwrap()),
            "{html}"
        );
        assert!(!mail.carries_secret);
    }
    #[test]
    fn kompas_mails_carry_the_one_click_headers_and_the_link_in_both_parts() {
        let manage = "https://hrnexus.nl/kompas/afmelden/T";
        for lang in Lang::ALL {
            let mails = [
                compose_subscribed(
                    "a@b.nl",
                    &KompasConfirm {
                        lang,
                        link: "https://hrnexus.nl/kompas/bevestigen/C".into(),
                        manage_url: manage.into(),
                    },
                    manage,
                ),
                compose_subscribed(
                    "a@b.nl",
                    &KompasAlready {
                        lang,
                        manage_url: manage.into(),
                    },
                    manage,
                ),
                compose_subscribed(
                    "a@b.nl",
                    &KompasWelcome {
                        lang,
                        manage_url: manage.into(),
                    },
                    manage,
                ),
            ];
            for mail in mails {
                let mail = mail.unwrap();
                assert_eq!(
                    mail.headers,
                    vec![
                        ("List-Unsubscribe".into(), format!("<{manage}>")),
                        (
                            "List-Unsubscribe-Post".into(),
                            "List-Unsubscribe=One-Click".into()
                        ),
                    ]
                );
                let html = mail.html_body.unwrap();
                assert!(html.contains(&format!("href=\"{manage}\"")), "{html}");
                assert!(mail.text_body.contains(manage));
                for part in [mail.subject.as_str(), &mail.text_body, &html] {
                    assert!(!part.contains("kompas-") && !part.contains('{'), "{part}");
                }
                assert!(mail.carries_secret);
            }
        }
    }
}

/// Confirms to an employer that their question from the contact page arrived. It repeats
/// no more than their name and organisation: the question may hold things not meant for
/// a mailbox that others read.
pub struct IntakeReceived {
    pub lang: Lang,
    pub contact_name: String,
    pub organisation: String,
}

impl Mail for IntakeReceived {
    const SUBJECT: &'static str = "contact-mail-subject";

    fn lang(&self) -> Lang {
        self.lang
    }

    fn args(&self) -> Vec<(&'static str, String)> {
        vec![
            ("name", self.contact_name.clone()),
            ("organisation", self.organisation.clone()),
        ]
    }
}

mail_templates!(
    IntakeReceived,
    "mail/intake_received.html",
    "mail/intake_received.txt"
);

/// Asks a provider to take an introduction: what kind of help is asked for (organisation
/// size, province, categories, the scan's weak aspects), neither who asks nor the question
/// itself (it may hold things meant only for the provider who helps), and the link to answer
/// before the deadline. The link is the provider's key to the answer page: a secret.
pub struct IntroductionProposal {
    pub lang: Lang,
    pub provider: String,
    pub intake: crate::storage::Intake,
    pub link: String,
    pub deadline: String,
}

impl Mail for IntroductionProposal {
    const SUBJECT: &'static str = "introduction-proposal-subject";
    const CARRIES_SECRET: bool = true;

    fn lang(&self) -> Lang {
        self.lang
    }

    fn args(&self) -> Vec<(&'static str, String)> {
        vec![
            ("provider", self.provider.clone()),
            ("link", self.link.clone()),
            ("deadline", self.deadline.clone()),
            ("intake", self.intake.id.to_string()),
        ]
    }
}

impl IntroductionProposal {
    /// What the employer told about themselves and asked, as (label, value) lines.
    pub fn facts(&self) -> Vec<(String, String)> {
        intake_facts(self.lang, &self.intake)
    }
}

/// What a provider may know of an intake before it accepts, as (label, value) lines in
/// `lang`: size, province, sector, urgency, the help asked for and the scan's weak aspects.
/// Shared by the proposal mail and the portal's answer page.
pub fn intake_facts(l: Lang, i: &crate::storage::Intake) -> Vec<(String, String)> {
    let mut facts = Vec::new();
    let mut add = |label: &str, prefix: &str, key: &str| {
        if !key.is_empty() {
            facts.push((l.t(label), l.t(&format!("{prefix}{key}"))));
        }
    };
    add("introduction-fact-size", "contact-size-", &i.company_size);
    add(
        "introduction-fact-province",
        "contact-province-",
        &i.province,
    );
    add("introduction-fact-sector", "sector-", &i.sector);
    let urgency = if i.urgency == "high" {
        "high"
    } else {
        "normal"
    };
    add("introduction-fact-urgency", "contact-urgency-", urgency);
    let list = |prefix: &str, keys: Vec<&str>| -> String {
        keys.iter()
            .map(|k| l.t(&format!("{prefix}{k}")))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let categories = list("autonomie-scan-category-", i.category_keys().collect());
    if !categories.is_empty() {
        facts.push((l.t("introduction-fact-categories"), categories));
    }
    let aspects = list("results-aspect-", i.aspect_keys().collect());
    if !aspects.is_empty() {
        facts.push((l.t("introduction-fact-aspects"), aspects));
    }
    facts
}

mail_templates!(
    IntroductionProposal,
    "mail/introduction_proposal.html",
    "mail/introduction_proposal.txt"
);

/// The introduction itself, once the provider accepted: to the employer (who will contact
/// them, with the provider's public profile) or to the provider (the employer's contact
/// details and the question).
pub struct IntroductionMade {
    pub lang: Lang,
    pub to_provider: bool,
    pub provider: String,
    /// Link to the provider's public profile (for the employer).
    pub profile: String,
    pub intake: crate::storage::Intake,
}

impl Mail for IntroductionMade {
    const SUBJECT: &'static str = "introduction-made-subject";

    fn lang(&self) -> Lang {
        self.lang
    }

    fn args(&self) -> Vec<(&'static str, String)> {
        vec![
            ("provider", self.provider.clone()),
            ("profile", self.profile.clone()),
            ("organisation", self.intake.organisation.clone()),
            ("name", self.intake.contact_name.clone()),
            ("email", self.intake.email.clone()),
            ("phone", self.intake.phone.clone().unwrap_or_default()),
        ]
    }
}

mail_templates!(
    IntroductionMade,
    "mail/introduction_made.html",
    "mail/introduction_made.txt"
);

/// Tells staff a proposal of an intake was declined or timed out: it went on to the next
/// match (`next`), or no match is left and it waits for them.
pub struct IntroductionTurn {
    pub lang: Lang,
    pub intake_id: i64,
    pub organisation: String,
    pub next: Option<String>,
}

impl Mail for IntroductionTurn {
    const SUBJECT: &'static str = "introduction-turn-subject";

    fn subject(&self) -> String {
        if self.next.is_some() {
            self.t("introduction-moved-subject")
        } else {
            self.t(Self::SUBJECT)
        }
    }

    fn lang(&self) -> Lang {
        self.lang
    }

    fn args(&self) -> Vec<(&'static str, String)> {
        vec![
            ("intake", self.intake_id.to_string()),
            ("organisation", self.organisation.clone()),
            ("next", self.next.clone().unwrap_or_default()),
        ]
    }
}

mail_templates!(
    IntroductionTurn,
    "mail/introduction_turn.html",
    "mail/introduction_turn.txt"
);

/// Asks the employer, once the introduction is completed, how it went (1–5 and a comment):
/// the answer feeds the provider's ranking. The link is the key to the form.
pub struct IntroductionFeedback {
    pub lang: Lang,
    pub provider: String,
    pub link: String,
}

impl Mail for IntroductionFeedback {
    const SUBJECT: &'static str = "introduction-feedback-subject";
    const CARRIES_SECRET: bool = true;

    fn lang(&self) -> Lang {
        self.lang
    }

    fn args(&self) -> Vec<(&'static str, String)> {
        vec![
            ("provider", self.provider.clone()),
            ("link", self.link.clone()),
        ]
    }
}

mail_templates!(
    IntroductionFeedback,
    "mail/introduction_feedback.html",
    "mail/introduction_feedback.txt"
);
