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
    demo_providers(store).await?;
    demo_intakes(store).await?;
    // The first provider's portal: sign in at /portaal/inloggen with this address.
    if let Some(first) = store
        .providers(&crate::storage::ProviderFilter::default())
        .await?
        .first()
        && let Some(email) = &first.contact_email
    {
        store.create_provider_account(first.id, email).await?;
    }
    Ok(Some(login))
}

/// Organisation, contact, address, size, province, categories, weak aspects, question.
type DemoQuestion = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static [&'static str],
    &'static [&'static str],
    &'static str,
);

/// Three questions at different steps of the workflow: a new one from the contact page, one
/// taken up by staff, and one from a scan's "vraag hulp" that a provider has accepted.
async fn demo_intakes(store: &DynStorage) -> anyhow::Result<()> {
    use crate::services::{intake::submit_intake, introductions};
    use crate::storage::IntakeExtras;
    use hrnexus_core::{
        intake::{IntakeInput, IntakeRequest},
        introduction::{Actor, IntakeEvent},
    };
    let settings = introductions::WorkflowSettings {
        response_working_days: hrnexus_core::workdays::DEFAULT_RESPONSE_WORKING_DAYS,
        weights: Default::default(),
        auto_propose_min_score: 0,
        base_url: "http://localhost:8080".into(),
    };
    let staff = store
        .staff_by_email(&EmailAddress::parse(DEMO_EMAIL).map_err(|_| anyhow::anyhow!("demo"))?)
        .await?
        .map(|s| s.id)
        .unwrap_or(1);
    let questions: [DemoQuestion; 3] = [
        (
            "Kapsalon De Schaar",
            "Fatima el Amrani",
            "fatima@kapsalondeschaar.example",
            "2-9",
            "utrecht",
            &["coaching_leiderschap"],
            &[],
            "Mijn medewerkers vragen om meer inspraak in het rooster. Hoe begin ik daaraan zonder dat het een chaos wordt?",
        ),
        (
            "Installatiebedrijf Van Dijk",
            "Peter van Dijk",
            "peter@vandijkinstallatie.example",
            "10-49",
            "gelderland",
            &["functieontwerp_taakverdeling", "teamontwikkeling"],
            &[],
            "Onze monteurs willen zelf hun werkdag indelen. We zoeken iemand die ons helpt de taken en verantwoordelijkheden opnieuw te verdelen.",
        ),
        (
            "Bakkerij Jansen",
            "Anja Jansen",
            DEMO_EMPLOYER,
            "10-49",
            "noord-brabant",
            &["coaching_leiderschap"],
            &["steun", "open_mening"],
            "Uit onze scan blijkt dat medewerkers weinig steun ervaren bij veranderingen. Wie kan onze leidinggevenden coachen?",
        ),
    ];
    let mut ids = Vec::new();
    for (organisation, name, email, size, province, categories, aspects, question) in questions {
        let categories: Vec<String> = categories.iter().map(|c| c.to_string()).collect();
        let request = IntakeRequest::parse(IntakeInput {
            organisation,
            contact_name: name,
            email,
            phone: "",
            kvk: "",
            company_size: size,
            province,
            question,
            categories: &categories,
            sector: "",
            urgency: "",
            consent: "ja",
            provider: "",
        })
        .map_err(|e| anyhow::anyhow!("demo intake {organisation}: {e:?}"))?;
        let extras = IntakeExtras {
            aspects: aspects.iter().map(|a| a.to_string()).collect(),
            form_nonce: None,
        };
        if let Some(id) = submit_intake(store.as_ref(), &request, &extras, Lang::Nl).await? {
            ids.push(id);
        }
    }
    let now = crate::storage::now();
    for &id in ids.iter().skip(1) {
        let _ = introductions::change(
            store.as_ref(),
            &settings,
            id,
            Actor::Staff(staff),
            IntakeEvent::TakeUp,
            now,
        )
        .await?;
    }
    // The scan's question: the best match is proposed and accepts.
    if let Some(&id) = ids.get(2) {
        let detail = introductions::detail(store.as_ref(), &settings, id).await?;
        if let Some((provider, _)) = detail.ranked.first() {
            let provider = provider.id;
            let proposed = introductions::change(
                store.as_ref(),
                &settings,
                id,
                Actor::Staff(staff),
                IntakeEvent::Propose { provider },
                now,
            )
            .await?;
            if proposed.is_ok() {
                let _ = introductions::change(
                    store.as_ref(),
                    &settings,
                    id,
                    Actor::Provider(provider),
                    IntakeEvent::Accept,
                    now,
                )
                .await?;
            }
        }
    }
    Ok(())
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
/// People at the demo bakery; the four departments' answering counts add up to 37.
const DEMO_TEAM: usize = 42;

/// One personal link per person of the demo team (the tokens themselves are not kept).
fn personal_links() -> Vec<(String, Option<i64>)> {
    (0..DEMO_TEAM)
        .map(|_| (auth::token_hash(&auth::random_token()), None))
        .collect()
}

const DEPARTMENTS: [(&str, [f64; 5], u32); 4] = [
    ("Winkel", [3.9, 3.6, 3.2, 3.8, 3.7], 12),
    ("Bakkerij", [3.4, 3.9, 2.9, 3.1, 3.3], 10),
    ("Bezorging", [2.6, 3.0, 2.2, 2.8, 2.4], 9),
    ("Kantoor", [4.1, 3.8, 3.9, 4.0, 4.2], 6),
];

/// What people in each department (in [`DEPARTMENTS`] order) might write: matching that
/// department's work and its scores.
const DEPARTMENT_COMMENTS: [&[&str]; 4] = [
    &[
        "Fijn dat ik zelf mag bepalen hoe ik de vitrine inricht.",
        "Bij drukte wordt alles ineens van bovenaf geregeld.",
        "Mijn leidinggevende vraagt steeds vaker wat wij ervan vinden.",
        "Ik zou klanten graag meer adviseren over taarten; daar ben ik goed in.",
        "Het rooster wordt zonder overleg gemaakt.",
        "Prettige collega's, we lossen veel samen op.",
    ],
    &[
        "De recepten liggen vast, maar ik zou graag eens iets nieuws proberen.",
        "Soms weet ik niet wat er precies van me verwacht wordt.",
        "Ik durf niet altijd te zeggen wat ik denk in het werkoverleg.",
        "Mijn vakmanschap wordt gezien, dat waardeer ik.",
        "Beslissingen over de productie worden vaak boven ons hoofd genomen.",
        "Meer afwisseling in taken zou helpen.",
    ],
    &[
        "Ik zou graag zelf mijn route mogen indelen.",
        "Veranderingen in de planning horen we pas op het laatste moment.",
        "Als ik iets aankaart, gebeurt er weinig mee.",
        "Het is vaak rennen; er is geen ruimte om het anders te doen.",
        "Graag vaker vragen hoe wij het zouden aanpakken.",
        "Ik denk erover om ander werk te zoeken.",
    ],
    &[
        "Prettig dat ik mijn eigen werkwijze mag kiezen.",
        "De nieuwe planning geeft meer rust.",
        "Ik krijg de ruimte om nieuwe dingen op te pakken.",
        "Duidelijke doelen, en vrijheid in hoe ik ze haal.",
    ],
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
            invites: personal_links(),
        })
        .await?;
    let departments = store.departments(scan_id).await?;
    let mut dice = Dice(20_250_820);
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
            // Closed rounds went out as personal links to the whole team (so the response
            // rate is real); the open one is a shared link for trying the scan out.
            let links = if open { Vec::new() } else { personal_links() };
            store
                .open_round(
                    scan_id,
                    today - Duration::days(opened),
                    today + Duration::days(closes),
                    open.then_some(token_hash.as_str()),
                    &links,
                )
                .await?
        };
        for (((_, means, count), department), pool) in DEPARTMENTS
            .iter()
            .zip(&departments)
            .zip(DEPARTMENT_COMMENTS)
        {
            let answered = (f64::from(*count) * share).round() as u32;
            // Each comment at most once per round: a page never shows the same sentence twice.
            let mut written = 0;
            for i in 0..answered {
                let answers = means.map(|mean| dice.answer(mean + lift));
                // Signals follow the person's own answers: who has little room to act is
                // more often tired, takes less initiative and thinks more of leaving.
                let scored: Vec<f64> = answers
                    .iter()
                    .filter(|a| **a > 0)
                    .map(|a| f64::from(*a))
                    .collect();
                let own = if scored.is_empty() {
                    3.0
                } else {
                    scored.iter().sum::<f64>() / scored.len() as f64
                };
                let signal =
                    |dice: &mut Dice, mean: f64| (dice.next() > 0.15).then(|| dice.answer(mean));
                let comment = (dice.next() < 0.25 && written < pool.len()).then(|| {
                    written += 1;
                    pool[(round_index * 2 + written - 1) % pool.len()].to_owned()
                });
                let submission = Submission {
                    round_id: round.id,
                    marker: auth::random_token(),
                    department_id: Some(department.id),
                    answered_on: (round.opened_on + Duration::days(i64::from(i % 10))).min(today),
                    answers,
                    signals: [
                        signal(&mut dice, 6.0 - own),
                        signal(&mut dice, own),
                        signal(&mut dice, 5.5 - own),
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

/// One demo provider: slug, organisation, KvK number, description, categories, provinces,
/// company sizes, certifications, languages, capacity, accepting.
type DemoProvider = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static [&'static str],
    &'static [&'static str],
    &'static [&'static str],
    &'static [&'static str],
    &'static [&'static str],
    i32,
    bool,
);

/// A network of fictional providers across the provinces and categories. The KvK numbers
/// are made up (eight digits, not checked against the register).
const DEMO_PROVIDERS: [DemoProvider; 14] = [
    (
        "de-koersmakers",
        "De Koersmakers",
        "71234508",
        "Wij begeleiden leidinggevenden in het mkb die willen loslaten zonder de grip te verliezen. In een traject van drie maanden oefent u met coachende gesprekken, heldere afspraken over resultaten en het vragen naar ideeën van uw team. Geen theorie op afstand: we werken met situaties van uw eigen werkvloer.",
        &["coaching_leiderschap", "teamontwikkeling"],
        &["utrecht", "gelderland", "noord-holland"],
        &["10-49", "50-249"],
        &["NOBCO-gecertificeerd (EIA Senior Practitioner)"],
        &["Nederlands", "Engels"],
        4,
        true,
    ),
    (
        "werkruimte-advies",
        "Werkruimte Advies",
        "82345619",
        "Taken die niemand goed kan uitvoeren omdat regels of processen in de weg zitten? Wij brengen samen met uw medewerkers in kaart wie wat doet, waar het wringt en hoe functies zo ingericht kunnen worden dat mensen zelf keuzes kunnen maken in hun werk.",
        &["functieontwerp_taakverdeling", "hr_advies"],
        &["zuid-holland", "utrecht"],
        &["2-9", "10-49", "50-249"],
        &["Register Arbeids- en Organisatiekundige (RAO)"],
        &["Nederlands"],
        3,
        true,
    ),
    (
        "veilig-spreken",
        "Bureau Veilig Spreken",
        "69012347",
        "Durven medewerkers bij u te zeggen wat ze denken? Wij meten en versterken psychologische veiligheid in teams met korte werksessies, intervisie voor leidinggevenden en een vervolgmeting na een half jaar. Fouten bespreekbaar maken is bij ons het begin, niet het eind.",
        &["werkcultuur_psychologische_veiligheid", "teamontwikkeling"],
        &["noord-holland", "flevoland", "utrecht"],
        &["10-49", "50-249", "250-plus"],
        &[
            "Erkend trainer Psychologische Veiligheid (NCOI)",
            "ISO 9001",
        ],
        &["Nederlands", "Engels"],
        5,
        true,
    ),
    (
        "regie-op-werk",
        "Regie op Werk",
        "74561230",
        "Wij helpen werkgevers wanneer verzuim ontstaat door werkdruk, onduidelijkheid of het gevoel geen grip te hebben. Met preventieve gesprekken, een analyse van werkdruk per team en concrete afspraken over taken en ruimte. We werken samen met uw arbodienst en blijven weg van medische vragen.",
        &["verzuim_mentale_druk", "functieontwerp_taakverdeling"],
        &["noord-brabant", "limburg", "zeeland"],
        &["10-49", "50-249"],
        &[
            "Register Casemanager Verzuim (RCV)",
            "Sociaal-medisch verpleegkundige (V&VN)",
        ],
        &["Nederlands"],
        4,
        true,
    ),
    (
        "noorderlicht-arbo",
        "Noorderlicht Arbo",
        "60873412",
        "Arbodienst voor kleine en middelgrote werkgevers in het noorden. Bedrijfsarts, arbeidsdeskundige en preventiemedewerker onder één dak, met vaste aanspreekpunten. Naast verzuimbegeleiding adviseren we over werkdruk en een gezonde taakverdeling.",
        &["arbodienstverlening", "verzuim_mentale_druk"],
        &["groningen", "friesland", "drenthe"],
        &["2-9", "10-49", "50-249"],
        &["SNA-keurmerk", "Gecertificeerde arbodienst"],
        &["Nederlands", "Fries"],
        6,
        true,
    ),
    (
        "twentse-talentwerkplaats",
        "Twentse Talentwerkplaats",
        "77120984",
        "Loopbaangesprekken en ontwikkeltrajecten voor medewerkers van technische en productiebedrijven. We kijken naar sterke punten en hoe die beter in het werk tot hun recht komen, zodat goede mensen blijven in plaats van vertrekken.",
        &["loopbaan_ontwikkeling", "functieontwerp_taakverdeling"],
        &["overijssel", "gelderland", "drenthe"],
        &["10-49", "50-249"],
        &["Noloc-gecertificeerd loopbaanprofessional"],
        &["Nederlands", "Duits"],
        3,
        true,
    ),
    (
        "hr-op-maat-zeeland",
        "HR op Maat Zeeland",
        "81234765",
        "Uw HR-afdeling op afroep: van arbeidsovereenkomsten en functiebeschrijvingen tot gesprekscycli en beleid rond thuiswerken. Voor ondernemers zonder eigen HR-medewerker die wel goed werkgeverschap willen bieden.",
        &["hr_advies", "functieontwerp_taakverdeling"],
        &["zeeland", "zuid-holland"],
        &["1", "2-9", "10-49"],
        &["HR-professional (NVP)"],
        &["Nederlands"],
        2,
        true,
    ),
    (
        "limes-leiderschap",
        "Limes Leiderschap",
        "68451290",
        "Leiderschapsprogramma voor eigenaren en teamleiders in familiebedrijven. We werken aan sturen op doelen in plaats van op werkwijze, en aan gesprekken waarin medewerkers hun eigen aanpak kiezen. Kleine groepen, met coaching tussen de bijeenkomsten door.",
        &[
            "coaching_leiderschap",
            "werkcultuur_psychologische_veiligheid",
        ],
        &["limburg", "noord-brabant"],
        &["10-49", "50-249", "250-plus"],
        &["NOBCO-gecertificeerd", "ICF Professional Certified Coach"],
        &["Nederlands", "Engels", "Duits"],
        0,
        false,
    ),
    (
        "teamkracht-flevoland",
        "Teamkracht Flevoland",
        "79982341",
        "Teamdagen en begeleide teamsessies voor groeiende bedrijven. Na een snelle groei zijn taken en rollen vaak niet meer duidelijk; wij helpen teams afspraken te maken over wie waarover beslist en hoe ze elkaar aanspreken.",
        &["teamontwikkeling", "werkcultuur_psychologische_veiligheid"],
        &["flevoland", "gelderland", "utrecht"],
        &["2-9", "10-49"],
        &[],
        &["Nederlands"],
        3,
        true,
    ),
    (
        "stadsarbo-rotterdam",
        "StadsArbo Rotterdam",
        "65509873",
        "Arbodienstverlening voor de haven, logistiek en bouw in de regio Rijnmond. Verzuimbegeleiding, risico-inventarisatie en -evaluatie (RI&E) en preventief spreekuur. We signaleren vroeg wanneer werkdruk of gebrek aan regie tot uitval dreigt te leiden.",
        &["arbodienstverlening", "verzuim_mentale_druk", "hr_advies"],
        &["zuid-holland"],
        &["10-49", "50-249", "250-plus"],
        &["SNA-keurmerk", "Gecertificeerd RI&E-adviseur"],
        &["Nederlands", "Engels", "Pools"],
        8,
        true,
    ),
    (
        "fries-loopbaanhuis",
        "It Fryske Loopbaanhûs",
        "72640198",
        "Loopbaanbegeleiding en duurzame inzetbaarheid voor werkgevers in Friesland. We voeren ontwikkelgesprekken met medewerkers en vertalen de uitkomsten naar concrete afspraken met de leidinggevende, met aandacht voor wat mensen energie geeft.",
        &["loopbaan_ontwikkeling", "coaching_leiderschap"],
        &["friesland", "groningen"],
        &["1", "2-9", "10-49"],
        &["Noloc-gecertificeerd loopbaanprofessional"],
        &["Nederlands", "Fries"],
        2,
        true,
    ),
    (
        "gelderse-werkplaats-voor-organisatieontwikkeling",
        "Gelderse Werkplaats voor Organisatieontwikkeling",
        "70019283",
        "Wanneer medewerkers weinig invloed hebben op de volgorde en inhoud van hun taken, ligt dat zelden aan de mensen. Wij herontwerpen werkprocessen samen met het team, zodat verantwoordelijkheid ligt waar het werk gebeurt. Geschikt voor zorg, onderwijs en maakindustrie.",
        &[
            "functieontwerp_taakverdeling",
            "teamontwikkeling",
            "coaching_leiderschap",
        ],
        &["gelderland", "overijssel"],
        &["50-249", "250-plus"],
        &["Register Arbeids- en Organisatiekundige (RAO)"],
        &["Nederlands"],
        2,
        true,
    ),
    (
        "brabantse-balans",
        "Brabantse Balans",
        "83301746",
        "Praktijk voor werkgevers die willen voorkomen dat mensen uitvallen. Workshops over werkdruk en grenzen stellen, en begeleiding van leidinggevenden bij het eerste gesprek wanneer iemand vastloopt. We verwijzen door naar uw bedrijfsarts waar dat nodig is.",
        &["verzuim_mentale_druk", "coaching_leiderschap"],
        &["noord-brabant"],
        &["2-9", "10-49"],
        &["Register Vitaliteitscoach"],
        &["Nederlands"],
        3,
        true,
    ),
    (
        "amstel-hr-partners",
        "Amstel HR Partners",
        "66872015",
        "HR-advies voor start-ups en scale-ups in de regio Amsterdam: van het opzetten van functiehuizen en beoordelingscycli tot een cultuur waarin feedback gewoon is. We werken in het Nederlands en het Engels, ook met internationale teams.",
        &[
            "hr_advies",
            "werkcultuur_psychologische_veiligheid",
            "loopbaan_ontwikkeling",
        ],
        &["noord-holland", "utrecht", "flevoland"],
        &["2-9", "10-49", "50-249"],
        &["HR-professional (NVP)", "CIPD Associate"],
        &["Nederlands", "Engels"],
        5,
        true,
    ),
];

/// The demo provider network (only keys the domain knows; a typo fails loudly here).
async fn demo_providers(store: &DynStorage) -> anyhow::Result<()> {
    use hrnexus_core::provider::{
        Availability, CompanySize, KvkNumber, Province, ServiceCategory, Slug,
    };

    use crate::storage::NewProvider;

    fn keys<T>(keys: &[&str], parse: fn(&str) -> Option<T>) -> anyhow::Result<Vec<T>> {
        keys.iter()
            .map(|k| parse(k).ok_or_else(|| anyhow::anyhow!("demo provider key {k}")))
            .collect()
    }
    let owned = |items: &[&str]| items.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
    for (
        slug,
        organisation,
        kvk,
        description,
        categories,
        provinces,
        sizes,
        certifications,
        languages,
        capacity,
        accepting,
    ) in DEMO_PROVIDERS
    {
        store
            .create_provider(&NewProvider {
                slug: Slug::parse(slug).map_err(|_| anyhow::anyhow!("demo slug {slug}"))?,
                organisation: organisation.to_owned(),
                kvk: KvkNumber::parse(kvk).map_err(|_| anyhow::anyhow!("demo KvK {kvk}"))?,
                description: description.to_owned(),
                categories: keys(categories, ServiceCategory::from_key)?,
                provinces: keys(provinces, Province::from_key)?,
                sizes: keys(sizes, CompanySize::from_key)?,
                certifications: owned(certifications),
                languages: owned(languages),
                capacity,
                contact_email: hrnexus_core::email::EmailAddress::parse(&format!(
                    "introducties@{slug}.example"
                ))
                .ok(),
                availability: if accepting {
                    Availability::Accepting
                } else {
                    Availability::Paused
                },
            })
            .await?;
    }
    Ok(())
}

/// The Kompas for the demo: last issue in the public archive, three confirmed readers (two
/// Dutch, one English) with working manage links, and this month's issue as a draft to send
/// from the back office. Does nothing when there are issues already.
pub async fn fill_kompas(
    store: &DynStorage,
    secret: &crate::secret::ServerSecret,
    base_url: &str,
) -> anyhow::Result<()> {
    use crate::services::{issues, newsletter};
    use crate::storage::{NewConsent, NewIssue, NewSubscription, now};

    if !store.issues(1).await?.is_empty() {
        return Ok(());
    }
    let at = now();
    let articles = store
        .published_articles(&crate::storage::ArticleQuery {
            lang: "nl",
            theme: None,
            now: at,
            limit: 4,
            offset: 0,
        })
        .await?;
    let ids: Vec<i64> = articles.iter().map(|a| a.id).collect();
    // Sent before the demo readers signed up: it is in the archive without any deliveries.
    let last = store
        .create_issue(
            &NewIssue {
                lang: "nl",
                subject: "Kompas november: vertrouwen geven, ruimte krijgen",
                introduction: "Beste lezer,\n\nDeze maand gaat het over vertrouwen: wat gebeurt er als je medewerkers \
                               laat kiezen hoe ze hun werk doen? Drie werkgevers vertellen wat het hen opleverde.\n\n\
                               Veel leesplezier,\nDe redactie van HRnexus",
                article_ids: &ids[..ids.len().min(3)],
            },
            at,
        )
        .await?;
    store.schedule_issue(last, Some(at), at).await?;
    issues::start_due(store.as_ref(), base_url, at).await?;
    store.finish_issues(at).await?;

    for (address, lang) in [
        ("anna.jansen@voorbeeld.nl", "nl"),
        ("pieter.bakker@voorbeeld.nl", "nl"),
        ("emma.smith@example.com", "en"),
    ] {
        let email = EmailAddress::parse(address).map_err(|_| anyhow::anyhow!("demo address"))?;
        let link_key = auth::random_token();
        let manage = newsletter::manage_token(secret, &link_key);
        let token = auth::random_token();
        let language = if lang == "en" { Lang::En } else { Lang::Nl };
        let shown = language.t("kompas-consent");
        let manage_url = newsletter::manage_url(base_url, language, &manage);
        let confirm = crate::mail::compose_subscribed(
            address,
            &crate::mail::KompasConfirm {
                lang: language,
                link: format!("{base_url}{}/kompas/bevestigen/{token}", language.prefix()),
                manage_url: manage_url.clone(),
            },
            &manage_url,
        )?;
        let welcome = crate::mail::compose_subscribed(
            address,
            &crate::mail::KompasWelcome {
                lang: language,
                manage_url: manage_url.clone(),
            },
            &manage_url,
        )?;
        store
            .request_subscription(
                &NewSubscription {
                    email: &email,
                    lang,
                    link_key: &link_key,
                    link_hash: &auth::token_hash(&manage),
                    consent: NewConsent {
                        requested_at: at,
                        request_ip: Some("192.0.2.0/24"),
                        text_version: hrnexus_core::newsletter::CONSENT_TEXT_VERSION,
                        shown_text: &shown,
                        preferences: "",
                    },
                    token_hash: &auth::token_hash(&token),
                    expires_at: hrnexus_core::newsletter::link_expires_at(at),
                },
                &confirm,
            )
            .await?;
        store
            .confirm_subscription(&auth::token_hash(&token), at, &welcome)
            .await?;
    }
    store
        .create_issue(
            &NewIssue {
                lang: "nl",
                subject: "Kompas december: regelruimte in drukke tijden",
                introduction: "Beste lezer,\n\nDecember is voor veel teams de drukste maand. Juist dan helpt het als \
                               mensen zelf mogen beslissen hoe ze hun werk indelen.\n\nHartelijke groet,\nDe redactie van HRnexus",
                article_ids: &ids,
            },
            at,
        )
        .await?;
    Ok(())
}
