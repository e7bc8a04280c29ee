// An issue of the HRnexus Kompas, through the real pages in headless chromium, on the demo
// data (`serve --demo`, which has published articles and three confirmed readers):
//
//   1. a beheerder signs in, writes a new issue with a recent article, sees the preview (the
//      HTML mail in a sandboxed frame) and sends a test mail to one address;
//   2. sends it now: the page shows sent / failed / remaining until it is done;
//   3. each confirmed reader of its language received it, with a one-click unsubscribe link;
//   4. the issue is in the public archive, readable on a phone.
//
// Screenshots go to e2e/screenshots/kompas-*.png.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  startServer,
  launchBrowser,
  newPage,
  screenshot,
  collectPageProblems,
  fillByLabel,
  submitForm,
} from './helpers.mjs';
import { readMails, waitForMail } from './support.mjs';

const STAFF = 'demo@hrnexus.nl';
const STAFF_PASSWORD = 'kompas-demo-2026';
const SUBJECT = 'Kompas januari: samen de koers bepalen';
const READERS = ['anna.jansen@voorbeeld.nl', 'pieter.bakker@voorbeeld.nl'];

/** RFC 6238 code (SHA-1, 6 digits, 30 s) for a base32 secret, as an authenticator app. */
function totp(secret) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const c of secret.replace(/=+$/, '').toUpperCase()) {
    bits += alphabet.indexOf(c).toString(2).padStart(5, '0');
  }
  const bytes = [];
  for (let i = 0; i + 8 <= bits.length; i += 8) bytes.push(parseInt(bits.slice(i, i + 8), 2));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(Date.now() / 1000 / 30)));
  const mac = createHmac('sha1', Buffer.from(bytes)).update(counter).digest();
  const offset = mac[mac.length - 1] & 0xf;
  const code = (mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000;
  return String(code).padStart(6, '0');
}

describe('Kompas: compose, preview, test and send an issue', { timeout: 300_000 }, () => {
  let server;
  let browser;
  let staff;
  let problems;
  let issuePath;

  before(async () => {
    server = await startServer({ demo: true, env: { HRNEXUS_NEWSLETTER__CHECK_SECONDS: '1' } });
    browser = await launchBrowser();
    staff = await newPage(browser, 'desktop');
    problems = collectPageProblems(staff.page);
  });

  after(async () => {
    await staff?.context.close();
    await browser?.close();
    await server?.stop();
  });

  it('a beheerder writes an issue, previews it and sends a test mail', async () => {
    const { page } = staff;
    await page.goto(`${server.baseURL}/beheer/login`, { waitUntil: 'load' });
    await fillByLabel(page, { 'E-mailadres': STAFF, Wachtwoord: STAFF_PASSWORD });
    await submitForm(page, 'Inloggen', { exact: true });
    if (new URL(page.url()).pathname === '/beheer/twee-staps/instellen') {
      const secret = (await page.locator('code.secret').innerText()).trim();
      await page.locator('input[name="code"]').fill(totp(secret));
      await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.locator('form button[type="submit"]').last().click()]);
    }
    await page.goto(`${server.baseURL}/beheer/kompas`, { waitUntil: 'load' });
    assert.match(await page.locator('main').innerText(), /Bevestigde abonnees/);
    await screenshot(page, 'kompas-01-issues');
    await Promise.all([
      page.waitForNavigation({ waitUntil: 'load' }),
      page.getByRole('link', { name: 'Nieuw nummer (Nederlands)' }).click(),
    ]);
    await page.getByLabel('Onderwerp').fill(SUBJECT);
    await page.getByLabel('Inleiding', { exact: true }).fill(
      'Beste lezer,\n\nIn januari maken veel teams plannen. Laat je mensen meedenken over de koers.',
    );
    const articles = page.locator('input[name="artikel"]');
    assert.ok((await articles.count()) > 0, 'published articles are offered');
    await articles.first().check();
    await submitForm(page, 'Opslaan', { exact: true });
    issuePath = new URL(page.url()).pathname;
    assert.match(issuePath, /^\/beheer\/kompas\/\d+$/);

    // The preview is the mail itself, in a frame that runs nothing.
    const frame = page.frameLocator('iframe.mail-preview');
    await frame.locator('h1').waitFor();
    assert.equal((await frame.locator('h1').innerText()).trim(), SUBJECT);
    assert.ok((await frame.locator('h2 a').count()) >= 1, 'the article is in the mail');
    await page.locator('iframe.mail-preview').scrollIntoViewIfNeeded();
    await screenshot(page, 'kompas-02-preview');

    await page.getByLabel('E-mailadres voor de test').fill('geen adres');
    await submitForm(page, 'Testmail versturen');
    assert.match(await page.locator('.field-error').first().innerText(), /geldig e-mailadres/);
    await page.getByLabel('E-mailadres voor de test').fill('redactie@hrnexus.nl');
    await submitForm(page, 'Testmail versturen');
    assert.match(await page.getByRole('status').first().innerText(), /testmail/i);
    const test = await waitForMail(server.dataDir, { to: 'redactie@hrnexus.nl', match: /In januari maken veel teams/ });
    assert.match(test.headers.subject ?? '', /^\[TEST\]/);
  });

  it('sends it now and shows the progress until it is done', async () => {
    const { page } = staff;
    await page.getByLabel('Nu versturen').check();
    assert.match(await page.locator('main').innerText(), /Gaat naar 2 bevestigde abonnees/);
    await submitForm(page, 'Versturen of inplannen');
    const deadline = Date.now() + 60_000;
    let text = '';
    while (Date.now() < deadline) {
      await page.goto(`${server.baseURL}${issuePath}`, { waitUntil: 'load' });
      text = await page.locator('main').innerText();
      if (/Status: Verstuurd/.test(text)) break;
      await sleep(500);
    }
    assert.match(text, /Status: Verstuurd/);
    assert.equal(await page.locator('[data-progress="sent"]').innerText(), String(READERS.length));
    assert.equal(await page.locator('[data-progress="remaining"]').innerText(), '0');
    await screenshot(page, 'kompas-03-sent');
    // The deliberate wrong test address answered 422; nothing else may have gone wrong.
    const unexpected = problems().filter((p) => !/status of 422 .*\/test\)$/.test(p));
    assert.deepEqual(unexpected, []);
  });

  it('every Dutch reader got it once, with a one-click unsubscribe link', async () => {
    for (const reader of READERS) {
      const mail = await waitForMail(server.dataDir, { to: reader, match: /In januari maken veel teams/ });
      assert.equal(mail.headers.subject, SUBJECT);
      assert.match(mail.headers['list-unsubscribe'] ?? '', /\/kompas\/afmelden\//);
      assert.equal(mail.headers['list-unsubscribe-post'], 'List-Unsubscribe=One-Click');
      assert.ok(mail.html?.includes('<table'), 'an HTML part in table layout');
    }
    const english = (await readMails(server.dataDir)).filter(
      (m) => (m.headers.to ?? '').includes('emma.smith@example.com') && m.headers.subject === SUBJECT,
    );
    assert.equal(english.length, 0, 'a Dutch issue goes to Dutch readers only');
  });

  it('the issue is in the public archive, on a phone', async () => {
    const phone = await newPage(browser, 'phone');
    try {
      const { page } = phone;
      await page.goto(`${server.baseURL}/kompas/archief`, { waitUntil: 'load' });
      await Promise.all([
        page.waitForNavigation({ waitUntil: 'load' }),
        page.getByRole('link', { name: SUBJECT }).click(),
      ]);
      assert.match(await page.locator('main').innerText(), /In januari maken veel teams/);
      await screenshot(page, 'kompas-04-archive-phone');
    } finally {
      await phone.context.close();
    }
  });
});
