//! `serve --demo`: realistic Dutch demo data in an empty database. Each feature adds its part.

use hrnexus_core::email::EmailAddress;

use crate::{
    auth,
    i18n::Lang,
    mail::{TestMail, compose},
    storage::{DynStorage, NewAuditEntry},
};

pub const DEMO_EMAIL: &str = "demo@hrnexus.nl";
/// Public on purpose: it is printed at start and in the README. Demo databases only.
pub const DEMO_PASSWORD: &str = "kompas-demo-2026";

/// The demo employer: request a sign-in link on /werkgever/login and read it in the outbox.
pub const DEMO_EMPLOYER: &str = "werkgever@bakkerij-jansen.nl";

pub struct DemoLogin {
    pub email: &'static str,
    pub password: &'static str,
    /// A shared link to the open demo scan (only when the demo data was created just now:
    /// tokens are stored as hashes, so it cannot be shown again later).
    pub scan_token: Option<String>,
}

/// Fills an empty database; returns the demo login, or `None` when the database had data
/// that is not ours (then nothing is touched).
pub async fn fill(store: &DynStorage) -> anyhow::Result<Option<DemoLogin>> {
    let email = EmailAddress::parse(DEMO_EMAIL).map_err(|_| anyhow::anyhow!("demo address"))?;
    let mut login = DemoLogin {
        email: DEMO_EMAIL,
        password: DEMO_PASSWORD,
        scan_token: None,
    };
    if store.staff_by_email(&email).await?.is_some() {
        return Ok(Some(login));
    }
    if store.count_staff().await? > 0 {
        return Ok(None);
    }
    store
        .create_staff(&email, &auth::hash_password(DEMO_PASSWORD))
        .await?;
    let colleague = EmailAddress::parse("sanne.devries@hrnexus.nl")
        .map_err(|_| anyhow::anyhow!("demo address"))?;
    store
        .create_staff(&colleague, &auth::hash_password(&auth::random_token()))
        .await?;
    for (actor, event, ip) in [
        (
            "sanne.devries@hrnexus.nl",
            "login_password_ok",
            "192.0.2.14",
        ),
        ("sanne.devries@hrnexus.nl", "login", "192.0.2.14"),
        ("onbekend@voorbeeld.nl", "login_failed", "198.51.100.7"),
    ] {
        store
            .record_audit(&NewAuditEntry {
                actor: Some(actor),
                event,
                detail: "demo",
                ip: Some(ip),
            })
            .await?;
    }
    let welcome = compose("sanne.devries@hrnexus.nl", &sample_mail())?;
    store.enqueue_mail(&welcome).await?;
    demo_articles(store).await?;
    login.scan_token = Some(demo_scan(store).await?);
    Ok(Some(login))
}

/// The demo's sample mail: the test mail, without a link.
fn sample_mail() -> TestMail {
    TestMail {
        lang: Lang::Nl,
        outbox_url: None,
    }
}

/// Departments of the demo bakery with how their people tend to answer: a mean per aspect
/// (werkwijze, sterke punten, taakinvloed, open mening, steun) and how many answer per round.
const DEPARTMENTS: [(&str, [f64; 5], u32); 4] = [
    ("Winkel", [3.9, 3.6, 3.2, 3.8, 3.7], 12),
    ("Bakkerij", [3.4, 3.9, 2.9, 3.1, 3.3], 10),
    ("Bezorging", [2.6, 3.0, 2.2, 2.8, 2.4], 9),
    ("Kantoor", [4.1, 3.8, 3.9, 4.0, 4.2], 6),
];

/// A tiny deterministic generator: the same demo data on every machine.
struct Dice(u64);

impl Dice {
    fn next(&mut self) -> f64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }

    /// An answer around `mean` on the 1..5 scale; now and then "weet ik niet" (0).
    fn answer(&mut self, mean: f64) -> i16 {
        if self.next() < 0.04 {
            return 0;
        }
        let spread = (self.next() + self.next() + self.next()) / 3.0 * 3.0 - 1.5;
        (mean + spread).round().clamp(1.0, 5.0) as i16
    }
}

/// A scan of "Bakkerij Jansen" with three rounds: two closed ones with results and a trend,
/// and a third, open one with a shared link and some answers so far (results of a round
/// appear only once it closes). Returns the shared link's token.
async fn demo_scan(store: &DynStorage) -> anyhow::Result<String> {
    use chrono::Duration;

    use crate::storage::{NewScan, ScanOwner, Submission};

    let employer =
        EmailAddress::parse(DEMO_EMPLOYER).map_err(|_| anyhow::anyhow!("demo address"))?;
    let link_hash = auth::token_hash(&auth::random_token());
    let link_mail = compose(DEMO_EMPLOYER, &sample_mail())?;
    store
        .create_login_link(
            &employer,
            "nl",
            &link_hash,
            crate::storage::now() + 60,
            &link_mail,
        )
        .await?;
    let employer_id = store
        .consume_login_link(&link_hash, crate::storage::now())
        .await?
        .ok_or_else(|| anyhow::anyhow!("demo employer"))?
        .id;

    let today = crate::i18n::today();
    let first_opened = today - Duration::days(98);
    let scan_id = store
        .create_scan(&NewScan {
            owner: ScanOwner::Employer(employer_id),
            organisation: "Bakkerij Jansen B.V.".into(),
            team: "Alle medewerkers".into(),
            lang: "nl".into(),
            min_group: 5,
            min_comments: 8,
            departments: DEPARTMENTS
                .iter()
                .map(|(name, _, _)| name.to_string())
                .collect(),
            opened_on: first_opened,
            closes_on: first_opened + Duration::days(14),
            shared_token_hash: None,
            invites: Vec::new(),
        })
        .await?;
    let departments = store.departments(scan_id).await?;
    let mut dice = Dice(20_250_820);
    let comments = [
        "Ik zou graag zelf mijn route mogen indelen.",
        "Fijn team, maar beslissingen worden vaak boven ons hoofd genomen.",
        "Mijn leidinggevende staat open voor ideeën, dat waardeer ik.",
        "Soms weet ik niet wat er precies van me verwacht wordt.",
        "Meer afwisseling in taken zou helpen.",
        "Ik durf niet altijd te zeggen wat ik denk in het werkoverleg.",
        "De nieuwe planning geeft meer rust.",
        "Graag vaker vragen hoe wij het zouden aanpakken.",
        "Prettig dat ik mijn eigen werkwijze mag kiezen.",
    ];
    // The open round has a shared link whose token we know, for trying the scan out.
    let token = auth::random_token();
    // (days ago it opened, days from today it closes, lift of the means, share answered)
    let rounds = [
        (98, -84, 0.0, 1.0),
        (42, -28, 0.35, 1.0),
        (7, 21, 0.45, 0.4),
    ];
    for (round_index, (opened, closes, lift, share)) in rounds.into_iter().enumerate() {
        let round = if round_index == 0 {
            store.rounds(scan_id).await?.remove(0)
        } else {
            let token_hash = auth::token_hash(&token);
            let open = round_index == rounds.len() - 1;
            store
                .open_round(
                    scan_id,
                    today - Duration::days(opened),
                    today + Duration::days(closes),
                    open.then_some(token_hash.as_str()),
                    &[],
                )
                .await?
        };
        for ((_, means, count), department) in DEPARTMENTS.iter().zip(&departments) {
            let answered = (f64::from(*count) * share).round() as u32;
            for i in 0..answered {
                let answers = means.map(|mean| dice.answer(mean + lift));
                let signal =
                    |dice: &mut Dice, mean: f64| (dice.next() > 0.15).then(|| dice.answer(mean));
                let comment = (dice.next() < 0.25)
                    .then(|| comments[(i as usize + round_index) % comments.len()].to_owned());
                let submission = Submission {
                    round_id: round.id,
                    marker: auth::random_token(),
                    department_id: Some(department.id),
                    answered_on: (round.opened_on + Duration::days(i64::from(i % 10))).min(today),
                    answers,
                    signals: [
                        signal(&mut dice, 5.5 - means[0] - lift),
                        signal(&mut dice, means[1] + lift),
                        signal(&mut dice, 5.0 - means[4] - lift),
                    ],
                    comment,
                };
                store.submit_response(&submission).await?;
            }
        }
    }
    Ok(token)
}

/// Inzichten for the demo: four Dutch articles and one English one, published over the
/// past weeks, plus a draft and a scheduled article that only the back office sees.
async fn demo_articles(store: &DynStorage) -> anyhow::Result<()> {
    use hrnexus_core::content::ArticleSlug;

    use crate::storage::NewArticle;

    const DAY: i64 = 24 * 60 * 60;
    let now = crate::storage::now();
    // (lang, slug, title, summary, theme, author, published days ago (None: draft), body)
    type DemoArticle = (
        &'static str,
        &'static str,
        &'static str,
        &'static str,
        &'static str,
        &'static str,
        Option<i64>,
        &'static str,
    );
    let articles: [DemoArticle; 7] = [
        (
            "nl",
            "vertrouwen-geven-resultaat-krijgen",
            "Vertrouwen geven, resultaat krijgen",
            "Waarom ruimte voor medewerkers geen risico is maar een voorwaarde voor betrokkenheid, en hoe je klein begint.",
            "Autonomie",
            "Sanne de Vries",
            Some(40),
            include_str!("../demo/inzichten/vertrouwen-geven-resultaat-krijgen.md"),
        ),
        (
            "nl",
            "vijf-vragen-over-autonomie",
            "Vijf vragen die laten zien hoeveel ruimte je team heeft",
            "Gebrek aan autonomie zie je zelden aan de buitenkant. Deze vijf vragen brengen het aan het licht.",
            "Autonomie",
            "Sanne de Vries",
            Some(26),
            include_str!("../demo/inzichten/vijf-vragen-over-autonomie.md"),
        ),
        (
            "nl",
            "coachend-leidinggeven",
            "Coachend leidinggeven: minder controleren, meer begeleiden",
            "Meer autonomie begint bij de leidinggevende. Drie gewoonten die het verschil maken.",
            "Leiderschap",
            "Mark Bakker",
            Some(12),
            include_str!("../demo/inzichten/coachend-leidinggeven.md"),
        ),
        (
            "nl",
            "verzuim-en-regie",
            "Verzuim en regie: waarom invloed op je werk beschermt",
            "Niet alleen de hoeveelheid werk telt, maar ook hoeveel zeggenschap iemand erover heeft.",
            "Verzuim",
            "Mark Bakker",
            Some(3),
            include_str!("../demo/inzichten/verzuim-en-regie.md"),
        ),
        (
            "en",
            "trust-and-results",
            "Give trust, get results",
            "Why room to decide is a condition for engagement rather than a risk, and how to start small.",
            "Autonomy",
            "Sanne de Vries",
            Some(30),
            include_str!("../demo/inzichten/trust-and-results.md"),
        ),
        (
            "nl",
            "psychologische-veiligheid",
            "Psychologische veiligheid in kleine teams",
            "Concept: waarom eerlijk je mening geven de basis is van autonomie.",
            "Leiderschap",
            "Sanne de Vries",
            None,
            "Dit artikel is nog in bewerking.",
        ),
        (
            "nl",
            "kompas-vooruitblik",
            "Vooruitblik: autonomie in 2027",
            "Wat we volgend jaar verwachten in het mkb.",
            "Autonomie",
            "Mark Bakker",
            Some(-14),
            "Dit artikel verschijnt over twee weken.",
        ),
    ];
    for (lang, slug, title, summary, theme, author, days_ago, body) in articles {
        store
            .create_article(&NewArticle {
                lang: lang.to_owned(),
                slug: ArticleSlug::parse(slug).map_err(|_| anyhow::anyhow!("demo slug"))?,
                title: title.to_owned(),
                summary: summary.to_owned(),
                body_markdown: body.to_owned(),
                theme: theme.to_owned(),
                author: author.to_owned(),
                published_at: days_ago.map(|days| now - days * DAY),
            })
            .await?;
    }
    Ok(())
}
