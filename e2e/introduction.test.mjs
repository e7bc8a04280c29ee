// From a scan result to an accepted introduction, through the real pages in headless
// chromium, on the demo data (`serve --demo`):
//
//   1. the demo employer signs in, opens the results of a closed round and clicks
//      "Vraag hulp": the contact form comes pre-filled with the aspects and categories;
//   2. the employer sends the question (after a few seconds, as a person would: the form's
//      stamp refuses instant posts);
//   3. a beheerder signs in (password + two-step code), takes the intake up and proposes
//      the provider the matching ranks first, reading "waarom deze match";
//   4. the provider opens the proposal from its mail on a phone (what kind of help, not the
//      question or who asks) and accepts;
//   5. the employer's introduction mail names the provider.
//
// Screenshots go to e2e/screenshots/introduction-*.png.
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
import { onServer, waitForMail } from './support.mjs';

const EMPLOYER = 'werkgever@bakkerij-jansen.nl';
const STAFF = 'demo@hrnexus.nl';
const STAFF_PASSWORD = 'kompas-demo-2026';
const QUESTION = 'Onze leidinggevenden willen leren hoe ze medewerkers beter steunen bij veranderingen.';

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

describe('introduction: from "vraag hulp" to an accepted introduction', { timeout: 300_000 }, () => {
  let server;
  let browser;
  let employer;
  let staff;
  let problems;
  let providerEmail;

  before(async () => {
    server = await startServer({ demo: true });
    browser = await launchBrowser();
    employer = await newPage(browser, 'desktop');
    staff = await newPage(browser, 'desktop');
    problems = collectPageProblems(employer.page);
  });

  after(async () => {
    await employer?.context.close();
    await staff?.context.close();
    await browser?.close();
    await server?.stop();
  });

  it('the employer asks for help from a closed round and sends the pre-filled form', async () => {
    const { page } = employer;
    await page.goto(`${server.baseURL}/werkgever/login`, { waitUntil: 'load' });
    await fillByLabel(page, { 'E-mailadres': EMPLOYER });
    await submitForm(page, 'Stuur mij een inloglink');
    const mail = await waitForMail(server.dataDir, { to: EMPLOYER, match: /\/werkgever\/inloggen\// });
    const link = mail.text.match(/https?:\/\/\S+\/werkgever\/inloggen\/[A-Za-z0-9_-]+/)[0];
    await page.goto(onServer(link, server.baseURL), { waitUntil: 'load' });
    await submitForm(page, 'Inloggen', { exact: true });

    const res = await page.goto(`${server.baseURL}/werkgever/scans/1/resultaten?ronde=2`, { waitUntil: 'load' });
    assert.equal(res.status(), 200);
    const help = page.getByRole('link', { name: 'Vraag hulp bij deze onderwerpen' });
    await help.scrollIntoViewIfNeeded();
    await screenshot(page, 'introduction-01-results-help');
    await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), help.click()]);
    assert.equal(new URL(page.url()).pathname, '/contact');
    assert.match(await page.locator('.notice').first().innerText() + await page.locator('form').innerText(), /scan/i);
    const checked = await page.locator('input[name="categories"]:checked').count();
    assert.ok(checked > 0, 'categories that fit the weak aspects are ticked');
    assert.ok(await page.locator('input[name="aspect"]').count() > 0, 'aspects travel with the form');

    await fillByLabel(page, {
      Organisatie: 'Bakkerij Jansen',
      'Je naam': 'Anja Jansen',
      'E-mailadres': EMPLOYER,
      'Je vraag': QUESTION,
    }, { exact: true });
    await page.locator('input[name="company_size"][value="10-49"]').check();
    await page.getByLabel('Provincie').selectOption('noord-brabant');
    await page.locator('#consent').check();
    await screenshot(page, 'introduction-02-contact-prefilled');
    // A person takes longer than the form's minimum of three seconds.
    await sleep(3500);
    await submitForm(page, 'Vraag versturen');
    assert.equal(new URL(page.url()).pathname, '/contact/bedankt');
    await screenshot(page, 'introduction-03-contact-thanks');
    assert.deepEqual(problems(), []);
  });

  it('a beheerder takes it up and proposes the best match, seeing why', async () => {
    const { page } = staff;
    await page.goto(`${server.baseURL}/beheer/login`, { waitUntil: 'load' });
    await fillByLabel(page, { 'E-mailadres': STAFF, Wachtwoord: STAFF_PASSWORD });
    await submitForm(page, 'Inloggen', { exact: true });
    if (new URL(page.url()).pathname === '/beheer/twee-staps/instellen') {
      const secret = (await page.locator('code.secret').innerText()).trim();
      await page.locator('input[name="code"]').fill(totp(secret));
      await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.locator('form button[type="submit"]').last().click()]);
    }
    assert.equal(new URL(page.url()).pathname, '/beheer');

    await page.goto(`${server.baseURL}/beheer/intakes?status=new`, { waitUntil: 'load' });
    await Promise.all([
      page.waitForNavigation({ waitUntil: 'load' }),
      page.locator('table a', { hasText: 'Bakkerij Jansen' }).first().click(),
    ]);
    assert.match(await page.locator('main').innerText(), new RegExp(QUESTION.slice(0, 30)));
    await submitForm(page, 'In behandeling nemen');
    assert.match(await page.locator('main').innerText(), /Waarom deze match/);
    await screenshot(page, 'introduction-04-matches');
    const first = page.locator('ol.matches > li').first();
    const name = (await first.locator('h3').innerText()).trim();
    await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), first.getByRole('button').click()]);
    assert.match(await page.locator('.badge').innerText(), /Voorgesteld/);
    // The provider's address: from the proposal mail, which names the organisation.
    const mail = await waitForMail(server.dataDir, { match: /\/portaal\/voorstel\// });
    providerEmail = mail.headers.to;
    assert.ok(mail.text.includes(name) || mail.html?.includes(name), `the proposal greets ${name}`);
  });

  it('the provider accepts on its phone, and the employer is introduced', async () => {
    const mail = await waitForMail(server.dataDir, { to: providerEmail, match: /\/portaal\/voorstel\// });
    const link = mail.text.match(/https?:\/\/\S+\/portaal\/voorstel\/[A-Za-z0-9_-]+/)[0];
    const phone = await newPage(browser, 'phone');
    try {
      const { page } = phone;
      const res = await page.goto(onServer(link, server.baseURL), { waitUntil: 'load' });
      assert.equal(res.status(), 200);
      const text = await page.locator('main').innerText();
      assert.ok(!text.includes(QUESTION.slice(0, 30)), 'the question is shown only after accepting');
      assert.ok(!text.includes(EMPLOYER), 'who asked is told only after accepting');
      await screenshot(page, 'introduction-05-proposal-phone');
      await submitForm(page, 'Ja, wij nemen deze introductie aan');
      assert.match(await page.getByRole('status').innerText(), /geaccepteerd/);
      await screenshot(page, 'introduction-06-accepted-phone');
    } finally {
      await phone.context.close();
    }
    const introduced = await waitForMail(server.dataDir, { to: EMPLOYER, match: /\/dienstverleners\// });
    assert.match(introduced.headers.subject ?? '', /Introductie/);
  });
});
