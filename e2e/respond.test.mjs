// An employee answers a scan on a phone: /scan/{token} in headless chromium.
//
// By default the test starts its own server with `serve --demo` (fresh data dir) and uses
// the shared link of the demo scan that the server prints on stdout, moved onto the
// server's real address (the printed one is built from base_url, http://localhost:8080).
//
// To test a scan on a server that is already running instead:
//   E2E_SCAN_URL  full address of a Dutch scan's invite or shared link on a running server,
//                 e.g. http://127.0.0.1:8080/scan/AbC…  An invite link is used up by one run;
//                 a shared link can be reused.
// Run from the repo root: node --test e2e/respond.test.mjs
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startServer,
  launchBrowser,
  newPage,
  screenshot,
  axeViolations,
  formatViolations,
  collectPageProblems,
  htmlLang,
} from './helpers.mjs';
import { demoScanURL } from './support.mjs';

const ASPECTS = ['werkwijze', 'sterke_punten', 'taakinvloed', 'open_mening', 'steun'];
// The answer each question gets, as the label text a person taps.
const ANSWERS = ['Eens', 'Helemaal eens', 'Weet ik niet', 'Oneens', 'Neutraal'];

/** The fieldset of one question. */
function question(page, key) {
  return page.locator(`fieldset#vraag-${key}`);
}

/** Tap the label of an answer in one question, as a person would. */
async function answer(page, key, label) {
  await question(page, key).getByText(label, { exact: true }).click();
}

describe('an employee answers the scan on a phone', { timeout: 120_000 }, () => {
  let browser;
  /** Our own demo server, when E2E_SCAN_URL does not name one. */
  let server;
  let scanURL = process.env.E2E_SCAN_URL;

  before(async () => {
    if (!scanURL) {
      server = await startServer({ demo: true });
      scanURL = await demoScanURL(server);
    }
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('the form has no axe violations of any impact', async () => {
    // axe is injected as an inline script: bypass the site's CSP for this check only.
    const { context, page } = await newPage(browser, 'phone', { bypassCSP: true });
    try {
      const res = await page.goto(scanURL, { waitUntil: 'load' });
      assert.equal(res.status(), 200, 'the link opens the form (is it still unused and open?)');
      const violations = await axeViolations(page);
      const report = formatViolations(violations, 'scan form (phone)');
      if (violations.length) console.log(report);
      assert.equal(violations.length, 0, report);
    } finally {
      await context.close();
    }
  });

  it('fills in all five questions, sees an error first, then thanks', async () => {
    // A normal context: the site's CSP applies, as for a real employee.
    const { context, page } = await newPage(browser, 'phone');
    try {
      const problems = collectPageProblems(page);
      const res = await page.goto(scanURL, { waitUntil: 'load' });
      assert.equal(res.status(), 200);
      assert.equal(res.headers()['cache-control'], 'no-store');
      assert.equal(res.headers()['referrer-policy'], 'strict-origin-when-cross-origin');
      assert.equal(await htmlLang(page), 'nl');

      // Five questions, each with "weet ik niet", numbered for the progress indicator.
      for (const [i, key] of ASPECTS.entries()) {
        const q = question(page, key);
        await q.waitFor();
        assert.match(await q.locator('legend').textContent(), new RegExp(`Vraag ${i + 1} van 5`));
        assert.equal(await q.getByText('Weet ik niet', { exact: true }).count(), 1);
      }
      // Nothing in the form needs more width than the phone has.
      const overflow = await page.evaluate(
        () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
      );
      assert.ok(overflow <= 0, `page is ${overflow}px wider than the phone`);
      // Answer targets are large enough to tap.
      const box = await question(page, 'werkwijze').locator('label').first().boundingBox();
      assert.ok(box.height >= 44, `answer label is ${box.height}px high`);
      await screenshot(page, 'respond-form-phone');

      // Four of five answered: the missing one is pointed out beside its question.
      for (const [i, key] of ASPECTS.entries()) {
        if (key !== 'taakinvloed') await answer(page, key, ANSWERS[i]);
      }
      await page.getByLabel(/Wil je nog iets kwijt/).fill('Meer ruimte voor eigen ideeën.');
      const [errorResponse] = await Promise.all([
        page.waitForNavigation({ waitUntil: 'load' }),
        page.getByRole('button', { name: 'Verstuur mijn antwoorden' }).click(),
      ]);
      assert.equal(errorResponse.status(), 422);
      const missing = question(page, 'taakinvloed');
      assert.match(await missing.locator('.field-error').innerText(), /Kies een antwoord/);
      assert.ok(await page.locator('.respond-problems').getByRole('link', { name: /Vraag 3/ }).isVisible());
      // Everything else is still filled in.
      assert.ok(await question(page, 'werkwijze').getByLabel('Eens', { exact: true }).isChecked());
      assert.equal(
        await page.getByLabel(/Wil je nog iets kwijt/).inputValue(),
        'Meer ruimte voor eigen ideeën.',
      );
      await missing.scrollIntoViewIfNeeded();
      await screenshot(page, 'respond-error-phone');

      // Answer the last one and send.
      await answer(page, 'taakinvloed', ANSWERS[2]);
      const [thanksResponse] = await Promise.all([
        page.waitForNavigation({ waitUntil: 'load' }),
        page.getByRole('button', { name: 'Verstuur mijn antwoorden' }).click(),
      ]);
      assert.equal(thanksResponse.status(), 200);
      const url = new URL(page.url());
      assert.equal(url.pathname, '/scan/bedankt', 'the thank-you page has no token in its address');
      assert.match(await page.locator('h1').innerText(), /Bedankt/);
      await screenshot(page, 'respond-thanks-phone');

      // The 422 of the deliberate error is expected; anything else is a problem.
      const found = problems().filter((p) => !/status of 422/.test(p));
      assert.deepEqual(found, [], `console errors / CSP violations:\n  ${found.join('\n  ')}`);
    } finally {
      await context.close();
    }
  });
});
