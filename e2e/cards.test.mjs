// An employee's path from an invitation card on a phone: the employer prints cards, an
// employee types (or scans) the short address on one, answers, sees the thank-you page and
// follows the link to "Wat je werkgever wel en niet ziet".
//
// Run from the repo root: node --test e2e/cards.test.mjs
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startServer,
  launchBrowser,
  newPage,
  screenshot,
  collectPageProblems,
  fillByLabel,
  submitForm,
} from './helpers.mjs';
import { onServer, waitForMail } from './support.mjs';

const EMPLOYER = 'k.jansen@kaarten-test.nl';
const ASPECTS = ['werkwijze', 'sterke_punten', 'taakinvloed', 'open_mening', 'steun'];
const ANSWERS = ['Eens', 'Helemaal eens', 'Weet ik niet', 'Oneens', 'Neutraal'];

function addDays(isoDate, days) {
  const d = new Date(`${isoDate}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

describe('an employee answers from an invitation card on a phone', { timeout: 180_000 }, () => {
  let server;
  let browser;
  let employer;
  let cardLinks = [];

  before(async () => {
    server = await startServer();
    browser = await launchBrowser();
    employer = await newPage(browser, 'desktop');
  });

  after(async () => {
    await employer?.context.close();
    await browser?.close();
    await server?.stop();
  });

  it('the employer prints three cards', async () => {
    const { page } = employer;
    await page.goto(`${server.baseURL}/werkgever/login`, { waitUntil: 'load' });
    await fillByLabel(page, { 'E-mailadres': EMPLOYER });
    await submitForm(page, 'Stuur mij een inloglink');
    const mail = await waitForMail(server.dataDir, { to: EMPLOYER, match: /\/werkgever\/inloggen\// });
    const mailed = mail.text.match(/https?:\/\/\S+\/werkgever\/inloggen\/[A-Za-z0-9_-]+/);
    await page.goto(onServer(mailed[0], server.baseURL), { waitUntil: 'load' });
    await submitForm(page, 'Inloggen', { exact: true });

    await page.goto(`${server.baseURL}/werkgever/scans/nieuw`, { waitUntil: 'load' });
    const min = await page.getByLabel('Sluitdatum').getAttribute('min');
    await fillByLabel(page, {
      'Naam van de organisatie': 'Kaartenfabriek',
      'Naam van het team': 'Hal 2',
      Sluitdatum: addDays(min, 14),
    });
    await page.getByLabel('Nederlands', { exact: true }).check();
    await page.getByLabel(/^Eén gedeelde link/).check();
    const created = await submitForm(page, 'Scan aanmaken');
    assert.equal(created?.status(), 200);

    await page.getByRole('link', { name: 'Naar de scan' }).click();
    await page.getByRole('link', { name: 'Uitnodigingskaarten afdrukken' }).click();
    await fillByLabel(page, { 'Aantal kaarten': 3 });
    const cards = await submitForm(page, 'Kaarten maken');
    assert.equal(cards?.status(), 200);
    assert.equal(cards.headers()['cache-control'], 'no-store');
    cardLinks = await page.locator('.card-url').allInnerTexts();
    assert.equal(cardLinks.length, 3);
    assert.equal(new Set(cardLinks).size, 3, 'every card has its own link');
    assert.equal(await page.locator('.card-qr svg').count(), 3, 'a QR code per card');
    await screenshot(page, 'cards-01-cards-desktop');
    // Printed: eight cards fit on an A4 sheet, so three fit on one page.
    await page.emulateMedia({ media: 'print' });
    const hidden = await page.locator('header').first().isHidden();
    assert.ok(hidden, 'the site header is not printed');
    await page.emulateMedia({ media: 'screen' });
  });

  it('an employee opens a card link on a phone, answers, and reads what the employer sees', async () => {
    const { context, page } = await newPage(browser, 'phone');
    const problems = collectPageProblems(page);
    try {
      const res = await page.goto(onServer(cardLinks[1].trim(), server.baseURL), { waitUntil: 'load' });
      assert.equal(res.status(), 200);
      await screenshot(page, 'cards-02-form-phone');
      for (const [i, key] of ASPECTS.entries()) {
        await page.locator(`fieldset#vraag-${key}`).getByText(ANSWERS[i], { exact: true }).tap();
      }
      // The form links to the page for employees (it opens in a new tab).
      const privacyLink = page.getByRole('link', { name: 'Wat je werkgever wel en niet ziet' });
      assert.equal(await privacyLink.getAttribute('href'), '/scan/wat-je-werkgever-ziet');
      const [tab] = await Promise.all([context.waitForEvent('page'), privacyLink.tap()]);
      await tab.waitForLoadState('load');
      assert.match(await tab.locator('h1').innerText(), /Wat je werkgever wel en niet ziet/);
      assert.match(await tab.locator('main, body').first().innerText(), /per browser, niet per persoon/);
      await screenshot(tab, 'cards-03-privacy-phone');
      await tab.close();

      // The answers are still there: send them.
      await Promise.all([
        page.waitForNavigation({ waitUntil: 'load' }),
        page.getByRole('button', { name: 'Verstuur mijn antwoorden' }).tap(),
      ]);
      assert.match(new URL(page.url()).pathname, /\/scan\/bedankt$/);
      assert.match(await page.locator('h1').innerText(), /[Bb]edankt|Dank/);
      await screenshot(page, 'cards-04-thanks-phone');
      assert.deepEqual(problems(), [], 'no console errors, page errors or failed requests');
    } finally {
      await context.close();
    }
  });
});
