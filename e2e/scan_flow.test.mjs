// The whole scan, end to end through the real pages in headless chromium:
//
//   1. an employer signs in with the link from the sign-in mail (read from <dataDir>/mail/*.eml),
//   2. creates a scan with two departments and six personal links,
//   3. six employees answer it on a phone-sized screen (one of them first forgets a question),
//   4. the employer opens the results: nothing but the total while the round is open; after
//      closing it, whole-scan figures are shown, the departments
//      (fewer than 5 reactions each) are not.
//
// Screenshots go to e2e/screenshots/scan-flow-*.png. axe (serious + critical) runs on the
// employer pages visited: sign-in, new-scan form, results (desktop and phone).
// Run from the repo root: node --test e2e/
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { mkdir } from 'node:fs/promises';
import {
  startServer,
  launchBrowser,
  newPage,
  screenshot,
  axeViolations,
  formatViolations,
  collectPageProblems,
  fillByLabel,
  submitForm,
  htmlLang,
  SCREENSHOT_DIR,
} from './helpers.mjs';
import { onServer, waitForMail } from './support.mjs';

const EMPLOYER = 'p.devries@bakkerij-test.nl';
const ORGANISATION = 'Bakkerij Test';
const TEAM = 'Productie en winkel';
const DEPARTMENTS = ['Bakkerij', 'Winkel'];
const ASPECTS = ['werkwijze', 'sterke_punten', 'taakinvloed', 'open_mening', 'steun'];

const HE = 'Helemaal eens';
const E = 'Eens';
const N = 'Neutraal';
const O = 'Oneens';
const HO = 'Helemaal oneens';
const WIN = 'Weet ik niet';

// Six employees: the answer labels they tap, their department and an optional comment.
// Per aspect (whole scan, "weet ik niet" left out):
//   werkwijze      5/5 positive            -> Goed
//   sterke_punten  4/6 positive, 1/6 neg.  -> Aandacht nodig
//   taakinvloed    3/6 positive, 1/6 neg.  -> Aandacht nodig
//   open_mening    4/5 positive            -> Goed
//   steun          1/6 positive, 5/6 neg.  -> Werk aan de winkel (17% positief)
// Departments: 3 in Bakkerij, 2 in Winkel, 1 says nothing: both below 5.
const EMPLOYEES = [
  { answers: [HE, E, N, E, O], department: 'Bakkerij', signal: E, comment: 'Graag vaker overleg met de chef.' },
  { answers: [E, N, O, HE, HO], department: 'Bakkerij' },
  { answers: [E, E, E, WIN, N], department: 'Bakkerij', signal: O },
  { answers: [HE, O, HE, E, O], department: 'Winkel' },
  { answers: [E, E, N, E, E], department: 'Winkel', signal: E },
  { answers: [WIN, HE, E, N, HO], department: null },
];

/** The fieldset of one question on the scan form. */
function question(page, key) {
  return page.locator(`fieldset#vraag-${key}`);
}

/** Tap the label of an answer, as a person on a phone does. */
async function tapAnswer(page, key, label) {
  await question(page, key).getByText(label, { exact: true }).tap();
}

/** Submit the scan form and wait for the page that answers it. */
async function sendAnswers(page) {
  const [response] = await Promise.all([
    page.waitForNavigation({ waitUntil: 'load' }),
    page.getByRole('button', { name: 'Verstuur mijn antwoorden' }).tap(),
  ]);
  return response;
}

/** Viewport-only PNG (the top of the page, as the person first sees it). */
async function screenshotTop(page, name) {
  await mkdir(SCREENSHOT_DIR, { recursive: true });
  const file = path.join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path: file, fullPage: false });
  return file;
}

/** YYYY-MM-DD, `days` after the date in an ISO date string. */
function addDays(isoDate, days) {
  const d = new Date(`${isoDate}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

describe('scan flow: employees answer on a phone, the employer sees the result', { timeout: 300_000 }, () => {
  let server;
  let browser;
  /** The employer's browser (desktop, CSP enforced). */
  let employer;
  let employerProblems;
  /** Filled in as the flow goes on. */
  let links = [];
  let scanURL;
  let resultsURL;

  /** A context for axe (CSP bypassed for the injected script) signed in as the employer. */
  async function employerAxeContext(device) {
    const storageState = await employer.context.storageState();
    return newPage(browser, device, { bypassCSP: true, storageState });
  }

  async function assertNoAxeViolations(page, label) {
    const violations = await axeViolations(page);
    const report = formatViolations(violations, label);
    if (violations.length) console.log(report);
    assert.equal(violations.length, 0, report);
  }

  before(async () => {
    server = await startServer();
    browser = await launchBrowser();
    employer = await newPage(browser, 'desktop');
    employerProblems = collectPageProblems(employer.page);
  });

  after(async () => {
    await employer?.context.close();
    await browser?.close();
    await server?.stop();
  });

  it('the employer sign-in page has no axe violations of any impact', async () => {
    const { context, page } = await newPage(browser, 'desktop', { bypassCSP: true });
    try {
      const res = await page.goto(`${server.baseURL}/werkgever/login`, { waitUntil: 'load' });
      assert.equal(res.status(), 200);
      await assertNoAxeViolations(page, '/werkgever/login (desktop)');
    } finally {
      await context.close();
    }
  });

  it('the employer signs in with the link from the mail', async () => {
    const { page } = employer;
    const res = await page.goto(`${server.baseURL}/werkgever/login`, { waitUntil: 'load' });
    assert.equal(res.status(), 200);
    assert.equal(await htmlLang(page), 'nl');
    assert.match(await page.locator('h1').innerText(), /Inloggen als werkgever/);
    await screenshot(page, 'scan-flow-01-login-desktop');

    await fillByLabel(page, { 'E-mailadres': EMPLOYER });
    const sent = await submitForm(page, 'Stuur mij een inloglink');
    assert.equal(sent?.status(), 200, 'the sign-in request is accepted');
    assert.match(await page.locator('h1').innerText(), /Kijk in je e-mail/);
    assert.match(await page.getByRole('status').innerText(), new RegExp(EMPLOYER.replace(/\./g, '\\.')));

    // No SMTP server is configured: the mail is written to <dataDir>/mail/*.eml.
    const mail = await waitForMail(server.dataDir, { to: EMPLOYER, match: /\/werkgever\/inloggen\// });
    const mailed = mail.text.match(/https?:\/\/\S+\/werkgever\/inloggen\/[A-Za-z0-9_-]+/);
    assert.ok(mailed, `sign-in link in the mail's text part:\n${mail.text}`);
    // The HTML part carries the same link.
    assert.ok(mail.html?.includes(mailed[0]), 'the HTML part has the same link as the text part');
    // The mail is built from base_url (http://localhost:8080 by default): open it on our server.
    const link = onServer(mailed[0], server.baseURL);

    const confirm = await page.goto(link, { waitUntil: 'load' });
    assert.equal(confirm.status(), 200, 'opening the link shows the confirmation page');
    assert.match(await page.locator('h1').innerText(), /Inloggen bij HRnexus/);
    // Opening the link alone does not sign in (mail scanners open links).
    await submitForm(page, 'Inloggen', { exact: true });
    assert.equal(new URL(page.url()).pathname, '/werkgever', 'signed in: the dashboard');
    assert.match(await page.locator('h1').innerText(), /Mijn scans/);
    assert.match(await page.locator('.wg').innerText(), new RegExp(EMPLOYER.replace(/\./g, '\\.')));
    await screenshot(page, 'scan-flow-02-dashboard-desktop');
  });

  it('the new-scan form has no axe violations of any impact', async () => {
    const { context, page } = await employerAxeContext('desktop');
    try {
      const res = await page.goto(`${server.baseURL}/werkgever/scans/nieuw`, { waitUntil: 'load' });
      assert.equal(res.status(), 200);
      assert.equal(new URL(page.url()).pathname, '/werkgever/scans/nieuw', 'still signed in');
      await assertNoAxeViolations(page, '/werkgever/scans/nieuw (desktop)');
    } finally {
      await context.close();
    }
  });

  it('the employer creates a scan with two departments and six personal links', async () => {
    const { page } = employer;
    await page.getByRole('link', { name: 'Nieuwe scan' }).first().click();
    await page.waitForURL('**/werkgever/scans/nieuw');
    assert.match(await page.locator('h1').innerText(), /Nieuwe scan/);

    const closesOn = page.getByLabel('Sluitdatum');
    const min = await closesOn.getAttribute('min');
    const max = await closesOn.getAttribute('max');
    assert.match(min ?? '', /^\d{4}-\d{2}-\d{2}$/, 'the date input has a min');
    const closing = addDays(min, 21);
    assert.ok(!max || closing <= max, `closing date ${closing} within max ${max}`);

    await fillByLabel(page, {
      'Naam van de organisatie': ORGANISATION,
      'Naam van het team': TEAM,
      'Afdelingen (mag leeg blijven)': DEPARTMENTS.join('\n'),
      Sluitdatum: closing,
      'Aantal medewerkers (bij persoonlijke links)': 6,
    });
    await page.getByLabel('Nederlands', { exact: true }).check();
    await page.getByLabel(/^Persoonlijke links/).check();
    await screenshot(page, 'scan-flow-03-new-scan-desktop');

    const created = await submitForm(page, 'Scan aanmaken');
    assert.equal(created?.status(), 200, 'the scan is created');
    assert.equal(created.headers()['cache-control'], 'no-store', 'the links page is not cached');
    assert.match(await page.locator('h1').innerText(), /Je scan staat klaar/);
    const facts = await page.locator('dl.facts').innerText();
    assert.match(facts, new RegExp(`${ORGANISATION} · ${TEAM}`));

    // The links are shown once, one per line.
    const box = page.getByLabel(/Links, één per regel/);
    links = (await box.inputValue())
      .split(/\r?\n/)
      .map((l) => l.trim())
      .filter(Boolean);
    assert.equal(links.length, 6, `six personal links, got:\n${links.join('\n')}`);
    assert.equal(new Set(links).size, 6, 'the links differ');
    for (const l of links) assert.match(l, /^https?:\/\/[^/]+\/scan\/[A-Za-z0-9_-]{20,}$/, `link format: ${l}`);
    links = links.map((l) => onServer(l, server.baseURL));
    await screenshot(page, 'scan-flow-04-links-desktop');

    const toScan = page.getByRole('link', { name: 'Naar de scan' });
    scanURL = new URL(await toScan.getAttribute('href'), page.url()).href;
    assert.match(new URL(scanURL).pathname, /^\/werkgever\/scans\/\d+$/);
  });

  it('six employees answer on a phone; one first forgets a question', async () => {
    assert.equal(links.length, 6, 'needs the links of the previous step');
    for (const [i, employee] of EMPLOYEES.entries()) {
      // Each employee has their own phone: a fresh context, CSP enforced.
      const { context, page } = await newPage(browser, 'phone');
      try {
        const problems = collectPageProblems(page);
        const res = await page.goto(links[i], { waitUntil: 'load' });
        assert.equal(res.status(), 200, `employee ${i + 1}: the link opens the form`);
        assert.equal(res.headers()['cache-control'], 'no-store');
        assert.equal(res.headers()['referrer-policy'], 'strict-origin-when-cross-origin');
        assert.equal(await htmlLang(page), 'nl');
        assert.match(await page.locator('h1').innerText(), /Hoeveel ruimte heb jij in je werk\?/);
        assert.match(await page.locator('.respond-for').innerText(), new RegExp(TEAM));

        const departmentSelect = page.getByLabel('Op welke afdeling werk je? (niet verplicht)');
        const options = (await departmentSelect.locator('option').allInnerTexts()).map((t) => t.trim());
        assert.deepEqual(options, ['Zeg ik liever niet', ...DEPARTMENTS], 'department choices');

        if (i === 0) {
          const overflow = await page.evaluate(
            () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
          );
          assert.ok(overflow <= 0, `scan form is ${overflow}px wider than the phone`);
          await screenshotTop(page, 'scan-flow-05-employee-form-top-phone');
          await screenshot(page, 'scan-flow-05-employee-form-full-phone');
        }

        const forget = i === 0 ? 'taakinvloed' : null;
        for (const [q, key] of ASPECTS.entries()) {
          if (key !== forget) await tapAnswer(page, key, employee.answers[q]);
        }
        if (employee.signal) await tapAnswer(page, 'mentale_vermoeidheid', employee.signal);
        if (employee.department) await departmentSelect.selectOption({ label: employee.department });
        if (employee.comment) {
          await page.getByLabel('Wil je nog iets kwijt? (niet verplicht)').fill(employee.comment);
        }

        if (forget) {
          const errorResponse = await sendAnswers(page);
          assert.equal(errorResponse.status(), 422, 'a missing answer is refused');
          assert.match(await page.title(), /^Fout: /, 'the title says there is an error');
          const summary = page.locator('.respond-problems');
          assert.match(await summary.getByRole('heading').innerText(), /Er ontbreekt nog iets/);
          assert.ok(await summary.getByRole('link', { name: /Vraag 3/ }).isVisible());
          const missing = question(page, forget);
          assert.match(await missing.locator('.field-error').innerText(), /Kies een antwoord bij deze vraag/);
          assert.equal(await missing.getAttribute('aria-describedby'), `${forget}-error`);
          // Nothing typed or chosen is lost.
          assert.ok(
            await question(page, 'werkwijze').getByLabel(employee.answers[0], { exact: true }).isChecked(),
          );
          assert.equal(
            await departmentSelect.evaluate((s) => s.selectedOptions[0]?.textContent.trim()),
            employee.department,
          );
          assert.equal(
            await page.getByLabel('Wil je nog iets kwijt? (niet verplicht)').inputValue(),
            employee.comment,
          );
          await screenshotTop(page, 'scan-flow-06-employee-error-top-phone');
          // Follow the link in the summary to the question, as a person would.
          await summary.getByRole('link', { name: /Vraag 3/ }).tap();
          await screenshotTop(page, 'scan-flow-06-employee-error-question-phone');
          await tapAnswer(page, forget, employee.answers[ASPECTS.indexOf(forget)]);
        }

        const thanks = await sendAnswers(page);
        assert.equal(thanks.status(), 200, `employee ${i + 1}: answers accepted`);
        assert.equal(new URL(page.url()).pathname, '/scan/bedankt', 'no token in the thank-you address');
        assert.match(await page.locator('h1').innerText(), /Bedankt voor je antwoorden!/);
        if (i === 0) await screenshot(page, 'scan-flow-07-employee-thanks-phone');

        // The deliberate 422 shows up as a failed resource in the console; nothing else may.
        const found = problems().filter((p) => !(forget && /status of 422/.test(p)));
        assert.deepEqual(found, [], `employee ${i + 1}: console errors / CSP violations:\n  ${found.join('\n  ')}`);
      } finally {
        await context.close();
      }
    }
  });

  it('a used personal link does not tell that it was used', async () => {
    const { context, page } = await newPage(browser, 'phone');
    try {
      // Whoever holds the link (the employer, say) sees the same form as for an unused one;
      // a second answer through it would end at the same thanks without being counted.
      await page.goto(links[0], { waitUntil: 'load' });
      assert.doesNotMatch(await page.locator('h1').innerText(), /al gebruikt/);
      assert.equal(await page.getByRole('button', { name: 'Verstuur mijn antwoorden' }).count(), 1);
      // The anonymity points sit in a closed "Hoe blijf je anoniem?" on the form: open it.
      await page.locator('summary', { hasText: 'Hoe blijf je anoniem?' }).click();
      assert.match(await page.locator('body').innerText(), /alleen je eerste antwoord telt/);
    } finally {
      await context.close();
    }
  });

  it('the employer sees the whole-scan results, and no department figures', async () => {
    const { page } = employer;
    const res = await page.goto(scanURL, { waitUntil: 'load' });
    assert.equal(res.status(), 200);
    assert.match(await page.locator('h1').innerText(), new RegExp(`${ORGANISATION} · ${TEAM}`));
    const stats = await page.locator('.wg-current .stats').innerText();
    assert.match(stats, /\b6\s+reacties/, `scan page counts six reactions: ${stats}`);
    assert.match(stats, /\b6\s+uitgenodigd/, `scan page counts six invitations: ${stats}`);

    await Promise.all([
      page.waitForURL(/\/werkgever\/scans\/\d+\/resultaten$/, { waitUntil: 'load' }),
      page.getByRole('link', { name: 'Bekijk de resultaten' }).click(),
    ]);
    resultsURL = page.url();
    assert.equal(await htmlLang(page), 'nl');
    assert.match(await page.locator('h1').innerText(), new RegExp(ORGANISATION));

    // While the round is open: only the total, no figures; results appear when it closes.
    const pending = await page.locator('body').innerText();
    assert.match(pending, /De uitkomst verschijnt als de ronde sluit/, `pending page:\n${pending}`);
    assert.equal(await page.locator('.results-summary').count(), 0, 'no figures while open');
    await screenshot(page, 'scan-flow-08-results-pending-desktop');
    await Promise.all([
      page.waitForURL(/\/sluiten$/, { waitUntil: 'load' }),
      page.getByRole('link', { name: 'Ronde nu sluiten' }).click(),
    ]);
    await Promise.all([
      page.waitForURL(/\/werkgever\/scans\/\d+$/, { waitUntil: 'load' }),
      page.getByRole('button', { name: 'Ja, sluit deze ronde' }).click(),
    ]);
    await page.goto(resultsURL, { waitUntil: 'load' });

    const header = await page.locator('.results-header').innerText();
    assert.match(header, /Reacties\s+6\b/, `header shows 6 reactions:\n${header}`);
    assert.match(header, /Respons\s+100\s?%/, `response rate 6 of 6:\n${header}`);

    // Summary: figures are shown (6 ≥ 5), with the weak aspect called out.
    const summary = page.locator('.results-summary');
    const summaryText = await summary.innerText();
    assert.match(summaryText, /Eerst aanpakken/, `summary:\n${summaryText}`);
    assert.match(summaryText, /Steun bij verandering in het hele team\s+Werk aan de winkel/, `summary names the weak aspect first:\n${summaryText}`);
    // Index = mean of the five aspect means on 0–100: (85 + 66.7 + 62.5 + 75 + 29.2) / 5 ≈ 64.
    assert.match(summaryText, /Autonomie-index\s+64 van 100/, `summary shows the index of the answers given:\n${summaryText}`);
    // The heatmap: one row per group, hidden departments say so instead of showing figures.
    const heatmap = summary.locator('table.heatmap');
    assert.equal(await heatmap.locator('tbody tr').count(), 1 + DEPARTMENTS.length, 'a row per group');
    assert.equal(await heatmap.locator('td.heat-werk_aan_de_winkel').count(), 1, 'one aspect falls short');
    assert.match(await heatmap.locator('td.heat-werk_aan_de_winkel').innerText(), /!!\s*\d,\d/, 'symbol and mean beside the colour');

    // Whole scan: the five aspects with figures and percentages.
    const whole = page.locator('section.results-part[aria-labelledby="whole-title"]');
    const wholeText = await whole.innerText();
    assert.match(wholeText, /6 reacties/, `whole scan shows the count:\n${wholeText}`);
    assert.equal(await whole.locator('article.aspect').count(), 5, 'five aspects');
    assert.match(wholeText, /\d+\s?%\s+positief/, 'percentages are shown');
    assert.doesNotMatch(wholeText, /nog niet genoeg reacties/i, 'the whole scan is not hidden');
    const steun = whole.locator('article.aspect').filter({ hasText: 'Steun bij verandering' });
    const steunText = await steun.innerText();
    assert.match(steunText, /Werk aan de winkel/, `steun: ${steunText}`);
    assert.match(steunText, /17\s?%\s+positief/, `steun: 1 of 6 positive:\n${steunText}`);
    const werkwijze = whole.locator('article.aspect').filter({ hasText: 'Eigen werkwijze' });
    assert.match(await werkwijze.innerText(), /Goed/, 'werkwijze scores well');
    assert.match(await werkwijze.innerText(), /Weet ik niet: 1\b/, 'one "weet ik niet" for werkwijze');
    // Comments stay hidden below 8 reactions; the one written must not show.
    assert.match(wholeText, /Opmerkingen zie je hier pas als genoeg mensen/);
    assert.ok(!(await page.locator('body').innerText()).includes(EMPLOYEES[0].comment), 'comment not shown');

    // Departments: 3 and 2 reactions, below 5: no figures, not even the count.
    const departments = page.locator('section.results-part[aria-labelledby="departments-title"]');
    for (const name of DEPARTMENTS) {
      const group = departments.locator('section.result-group').filter({
        has: page.getByRole('heading', { name, exact: true }),
      });
      assert.equal(await group.count(), 1, `a section for department ${name}`);
      const text = await group.innerText();
      assert.match(text, /nog niet genoeg reacties/i, `${name} is hidden:\n${text}`);
      assert.doesNotMatch(text, /%|reacties:|\d+ reacties/, `${name} shows no figures:\n${text}`);
    }

    await screenshot(page, 'scan-flow-08-results-desktop');
    await page.evaluate(() => window.scrollTo(0, 0));
    await screenshotTop(page, 'scan-flow-08-results-top-desktop');

    const found = employerProblems();
    assert.deepEqual(found, [], `employer pages: console errors / CSP violations:\n  ${found.join('\n  ')}`);
  });

  it('the results page fits a phone', async () => {
    assert.ok(resultsURL, 'needs the results address of the previous step');
    const storageState = await employer.context.storageState();
    const { context, page } = await newPage(browser, 'phone', { storageState });
    try {
      const problems = collectPageProblems(page);
      const res = await page.goto(resultsURL, { waitUntil: 'load' });
      assert.equal(res.status(), 200);
      assert.match(await page.locator('.results-summary').innerText(), /Autonomie-index/);
      const overflow = await page.evaluate(
        () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
      );
      await screenshot(page, 'scan-flow-09-results-phone');
      await screenshotTop(page, 'scan-flow-09-results-top-phone');
      assert.ok(overflow <= 0, `results page is ${overflow}px wider than the phone`);
      const found = problems();
      assert.deepEqual(found, [], `console errors / CSP violations:\n  ${found.join('\n  ')}`);
    } finally {
      await context.close();
    }
  });

  it('the dashboard card shows the closed round\'s headline on a phone', async () => {
    assert.ok(resultsURL, 'needs the closed round of an earlier step');
    const storageState = await employer.context.storageState();
    const { context, page } = await newPage(browser, 'phone', { storageState });
    try {
      const problems = collectPageProblems(page);
      const res = await page.goto(`${server.baseURL}/werkgever`, { waitUntil: 'load' });
      assert.equal(res.status(), 200);
      const card = page.locator('li.wg-scan').filter({ hasText: ORGANISATION });
      const text = (await card.innerText()).replace(/\s+/g, ' ');
      assert.match(text, /Gesloten/, `status: ${text}`);
      assert.match(text, /Reacties 6 van 6 uitgenodigd/, `responses against invitations: ${text}`);
      // The same index as the results page, of the round that closed.
      assert.match(text, /Autonomie-index 64 van 100 \(ronde 1\)/, `index: ${text}`);
      const overflow = await page.evaluate(
        () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
      );
      await screenshot(page, 'scan-flow-10-dashboard-phone');
      assert.ok(overflow <= 0, `dashboard is ${overflow}px wider than the phone`);
      const found = problems();
      assert.deepEqual(found, [], `console errors / CSP violations:\n  ${found.join('\n  ')}`);
    } finally {
      await context.close();
    }
  });

  for (const device of ['desktop', 'phone']) {
    it(`the dashboard and the scan page have no axe violations of any impact on ${device}`, async () => {
      assert.ok(scanURL, 'needs the scan address of an earlier step');
      const { context, page } = await employerAxeContext(device);
      try {
        // Check both pages before failing, so one run reports everything.
        const reports = [];
        for (const url of [`${server.baseURL}/werkgever`, scanURL]) {
          const res = await page.goto(url, { waitUntil: 'load' });
          assert.equal(res.status(), 200);
          assert.equal(page.url(), url, 'still signed in');
          const violations = await axeViolations(page);
          if (violations.length) reports.push(formatViolations(violations, `${new URL(url).pathname} (${device})`));
        }
        if (reports.length) console.log(reports.join('\n\n'));
        assert.deepEqual(reports, [], reports.join('\n\n'));
      } finally {
        await context.close();
      }
    });

    it(`the results page has no axe violations of any impact on ${device}`, async () => {
      assert.ok(resultsURL, 'needs the results address of an earlier step');
      const { context, page } = await employerAxeContext(device);
      try {
        const res = await page.goto(resultsURL, { waitUntil: 'load' });
        assert.equal(res.status(), 200);
        await assertNoAxeViolations(page, `${new URL(resultsURL).pathname} (${device})`);
      } finally {
        await context.close();
      }
    });
  }
});
