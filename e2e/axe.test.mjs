// axe-core on every page, every impact (minor included), on the demo data (`serve --demo`):
// a crawler follows the site's own links from the public home page, the employee's form,
// the employer's dashboard and the back office, in Dutch and English, and runs axe-core on
// each page it reaches. It also keeps screenshots of the demo scan's results overview
// (departments, a trend) on a desktop and a phone.
//
// Screenshots go to e2e/screenshots/axe-*.png.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';

import {
  startServer,
  launchBrowser,
  newPage,
  axeViolations,
  formatViolations,
  fillByLabel,
  submitForm,
} from './helpers.mjs';
import { demoScanURL, onServer, waitForMail } from './support.mjs';

const STAFF = 'demo@hrnexus.nl';
const STAFF_PASSWORD = 'kompas-demo-2026';
const EMPLOYER = 'werkgever@bakkerij-jansen.nl';
/** Pages per area at most: enough for every kind of page, not every article twice. */
const MAX_PAGES = 60;

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

/** Whether a link is a page to check: same site, a GET page, not a download or sign-out. */
function checkable(url, baseURL, { include, exclude = [] }) {
  const u = new URL(url, baseURL);
  if (u.origin !== new URL(baseURL).origin) return false;
  if (/\.(csv|pdf|txt|xml|svg|png|css|eml)$/.test(u.pathname)) return false;
  if (/uitloggen|afmelden|logout|\/static\//.test(u.pathname)) return false;
  const under = (p) => u.pathname === p || u.pathname.startsWith(p.endsWith('/') ? p : `${p}/`);
  return include.some(under) && !exclude.some(under);
}

/**
 * Visits `seeds` and every page reachable from them under `prefixes` (same query counts as
 * the same page), runs axe on each and returns a report line per page with violations.
 */
async function crawl(page, baseURL, seeds, area) {
  const visited = new Set();
  const queue = seeds.map((s) => new URL(s, baseURL).href);
  const failures = [];
  let checked = 0;
  while (queue.length > 0 && checked < MAX_PAGES) {
    const url = queue.shift();
    const key = url.replace(/#.*$/, '');
    if (visited.has(key)) continue;
    visited.add(key);
    const res = await page.goto(url, { waitUntil: 'load' });
    if (!res || !(res.headers()['content-type'] || '').includes('text/html')) continue;
    checked += 1;
    const violations = await axeViolations(page);
    if (violations.length > 0) {
      failures.push(formatViolations(violations, new URL(page.url()).pathname + new URL(page.url()).search));
    }
    const links = await page.$$eval('a[href]', (as) => as.map((a) => a.href));
    for (const link of links) {
      if (!checkable(link, baseURL, area)) continue;
      const next = link.replace(/#.*$/, '');
      if (!visited.has(next) && !queue.includes(next)) queue.push(next);
    }
  }
  return { failures, checked };
}

describe('axe-core finds nothing on any page, of any impact', { timeout: 600_000 }, () => {
  let server;
  let browser;

  before(async () => {
    server = await startServer({ demo: true });
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('public pages and the employee form, in Dutch and English', async () => {
    const { context, page } = await newPage(browser, 'desktop', { bypassCSP: true });
    try {
      const scan = await demoScanURL(server);
      const { failures, checked } = await crawl(
        page,
        server.baseURL,
        ['/', '/en/', '/autonomie-scan/snelle-check?werkwijze=4&sterke_punten=2&taakinvloed=3&open_mening=1&steun=weet_niet', '/werkgever/login', '/beheer/login', '/portaal/inloggen', onServer(scan, server.baseURL)],
        {
          include: ['/'],
          // Signed-in areas are crawled signed in, below; their sign-in pages are seeds.
          exclude: ['/werkgever', '/en/werkgever', '/beheer', '/en/beheer', '/portaal', '/en/portaal', '/api'],
        },
      );
      console.log(`axe: ${checked} public pages checked`);
      assert.ok(checked >= 25, `only ${checked} public pages reached`);
      assert.deepEqual(failures, [], failures.join('\n\n'));
    } finally {
      await context.close();
    }
  });

  it("the employer's pages, with the results overview on a desktop and a phone", async () => {
    const { context, page } = await newPage(browser, 'desktop', { bypassCSP: true });
    try {
      await page.goto(`${server.baseURL}/werkgever/login`, { waitUntil: 'load' });
      await fillByLabel(page, { 'E-mailadres': EMPLOYER });
      await submitForm(page, 'Stuur mij een inloglink');
      const mail = await waitForMail(server.dataDir, { to: EMPLOYER, match: /\/werkgever\/inloggen\// });
      const link = mail.text.match(/https?:\/\/\S+\/werkgever\/inloggen\/[A-Za-z0-9_-]+/)[0];
      await page.goto(onServer(link, server.baseURL), { waitUntil: 'load' });
      await submitForm(page, 'Inloggen', { exact: true });
      assert.equal(new URL(page.url()).pathname, '/werkgever');

      const { failures, checked } = await crawl(
        page,
        server.baseURL,
        ['/werkgever', '/en/werkgever'],
        { include: ['/werkgever', '/en/werkgever'] },
      );
      console.log(`axe: ${checked} employer pages checked`);
      assert.ok(checked >= 6, `only ${checked} employer pages reached`);

      // The demo scan's results: the overview first, on a desktop and on a phone.
      await page.goto(`${server.baseURL}/werkgever/scans/1/resultaten?ronde=2`, { waitUntil: 'load' });
      const overview = page.locator('.results-summary');
      assert.match(await overview.innerText(), /Eerst aanpakken/);
      assert.ok((await overview.locator('table.heatmap tbody tr').count()) >= 5, 'the whole scan and four departments');
      await overview.screenshot({ path: await screenshotPath('axe-results-overview-desktop') });
      const state = await context.storageState();
      const phone = await newPage(browser, 'phone', { storageState: state });
      try {
        await phone.page.goto(`${server.baseURL}/werkgever/scans/1/resultaten?ronde=2`, { waitUntil: 'load' });
        await phone.page.locator('.results-summary').screenshot({ path: await screenshotPath('axe-results-overview-phone') });
        const height = await phone.page.evaluate(() => document.documentElement.scrollHeight);
        console.log(`results page on a phone: ${height} px high`);
        // It was about 27,000 px before the overview and the folded details.
        assert.ok(height < 16_000, `the results page is ${height} px high on a phone`);
        const overflow = await phone.page.evaluate(
          () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
        );
        assert.ok(overflow <= 0, `results page is ${overflow}px wider than the phone`);
      } finally {
        await phone.context.close();
      }
      assert.deepEqual(failures, [], failures.join('\n\n'));
    } finally {
      await context.close();
    }
  });

  it('the back office', async () => {
    const { context, page } = await newPage(browser, 'desktop', { bypassCSP: true });
    try {
      await page.goto(`${server.baseURL}/beheer/login`, { waitUntil: 'load' });
      await fillByLabel(page, { 'E-mailadres': STAFF, Wachtwoord: STAFF_PASSWORD });
      await submitForm(page, 'Inloggen', { exact: true });
      if (new URL(page.url()).pathname === '/beheer/twee-staps/instellen') {
        const violations = await axeViolations(page);
        assert.deepEqual(violations, [], formatViolations(violations, 'two-step set-up'));
        const secret = (await page.locator('code.secret').innerText()).trim();
        await page.locator('input[name="code"]').fill(totp(secret));
        await Promise.all([
          page.waitForNavigation({ waitUntil: 'load' }),
          page.locator('form button[type="submit"]').last().click(),
        ]);
      }
      const { failures, checked } = await crawl(
        page,
        server.baseURL,
        ['/beheer', '/en/beheer'],
        { include: ['/beheer', '/en/beheer'] },
      );
      console.log(`axe: ${checked} back-office pages checked`);
      assert.ok(checked >= 8, `only ${checked} back-office pages reached`);
      assert.deepEqual(failures, [], failures.join('\n\n'));
    } finally {
      await context.close();
    }
  });
});

async function screenshotPath(name) {
  const { SCREENSHOT_DIR } = await import('./helpers.mjs');
  const { mkdir } = await import('node:fs/promises');
  await mkdir(SCREENSHOT_DIR, { recursive: true });
  return `${SCREENSHOT_DIR}/${name}.png`;
}
