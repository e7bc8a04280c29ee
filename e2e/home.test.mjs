// Home pages (Dutch and English), the pages about who runs the site, the Kompas archive and
// the Dutch 404 page, in headless chromium.
// Run from the repo root: node --test e2e/
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

const PAGES = [
  { name: 'home-nl', path: '/', lang: 'nl' },
  { name: 'home-en', path: '/en/', lang: 'en' },
  // Who is behind the site, and the Kompas archive: the same checks as the home pages.
  { name: 'about-nl', path: '/over-hrnexus', lang: 'nl' },
  { name: 'privacy-en', path: '/en/privacy', lang: 'en' },
  { name: 'agreement-nl', path: '/verwerkersovereenkomst', lang: 'nl' },
  { name: 'kompas-archive-nl', path: '/kompas/archief', lang: 'nl' },
];
const DEVICES = ['desktop', 'phone'];

describe('home pages', { timeout: 180_000 }, () => {
  let server;
  let browser;

  before(async () => {
    server = await startServer();
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  for (const pg of PAGES) {
    for (const device of DEVICES) {
      it(`${pg.path} renders with lang="${pg.lang}" on ${device}`, async () => {
        // Normal context: the site's CSP is enforced, as for a real visitor.
        const { context, page } = await newPage(browser, device);
        try {
          const problems = collectPageProblems(page);
          const res = await page.goto(server.baseURL + pg.path, { waitUntil: 'load' });
          assert.equal(res.status(), 200, `GET ${pg.path} status`);
          assert.match(res.headers()['content-type'] ?? '', /text\/html/);

          assert.equal(await htmlLang(page), pg.lang, `<html lang> on ${pg.path}`);

          const h1 = page.locator('h1');
          assert.ok((await h1.count()) >= 1, `${pg.path} has an <h1>`);
          assert.ok(await h1.first().isVisible(), `${pg.path}: first <h1> is visible`);
          const h1Text = (await h1.first().innerText()).trim();
          assert.ok(h1Text.length > 0, `${pg.path}: <h1> has text`);

          if (pg.lang === 'nl') {
            // A link to the English version: same-origin href under /en, or hreflang="en".
            const english = await page.$$eval('a[href]', (as) =>
              as
                .filter((a) => {
                  const u = new URL(a.href, location.href);
                  return (
                    a.getAttribute('hreflang') === 'en' ||
                    (u.origin === location.origin && /^\/en(\/|$)/.test(u.pathname))
                  );
                })
                .map((a) => a.outerHTML),
            );
            assert.ok(english.length > 0, 'Dutch home page links to the English version');
            if (device === 'desktop') {
              const visible = page.locator('a[href^="/en"], a[hreflang="en"]');
              let anyVisible = false;
              for (const el of await visible.all()) anyVisible ||= await el.isVisible();
              assert.ok(anyVisible, `a link to /en is visible on desktop; found: ${english.join(', ')}`);
            }
          }

          const file = await screenshot(page, `${pg.name}-${device}`);
          console.log(`screenshot: ${file}`);

          const found = problems();
          assert.deepEqual(
            found,
            [],
            `${pg.path} on ${device}: console errors / CSP violations / failed requests:\n  ${found.join('\n  ')}`,
          );
        } finally {
          await context.close();
        }
      });

      it(`${pg.path} has no axe violations of any impact on ${device}`, async () => {
        // axe-core is injected as an inline script: bypass the site's CSP for this check only.
        const { context, page } = await newPage(browser, device, { bypassCSP: true });
        try {
          const res = await page.goto(server.baseURL + pg.path, { waitUntil: 'load' });
          assert.equal(res.status(), 200);
          const violations = await axeViolations(page);
          const report = formatViolations(violations, `${pg.path} (${device})`);
          if (violations.length) console.log(report);
          assert.equal(violations.length, 0, report);
        } finally {
          await context.close();
        }
      });
    }
  }

  it('unknown path /bestaat-niet gives a Dutch 404 page', async () => {
    const raw = await fetch(server.baseURL + '/bestaat-niet');
    const body = await raw.text();
    assert.equal(raw.status, 404, 'status of GET /bestaat-niet');
    assert.match(raw.headers.get('content-type') ?? '', /text\/html/, 'content-type of the 404');
    assert.match(body, /<html[^>]*\blang="nl"/i, '404 page has <html lang="nl">');

    const { context, page } = await newPage(browser, 'desktop');
    try {
      const res = await page.goto(server.baseURL + '/bestaat-niet');
      assert.equal(res.status(), 404);
      assert.equal(await htmlLang(page), 'nl');
      const text = await page.locator('body').innerText();
      assert.match(
        text,
        /niet gevonden|bestaat niet|niet (meer )?(te )?vinden/i,
        `404 page text should be Dutch; got:\n${text.slice(0, 500)}`,
      );
      await screenshot(page, 'not-found-nl-desktop');
    } finally {
      await context.close();
    }
  });

  it('the 404 page has no axe violations of any impact', async () => {
    const { context, page } = await newPage(browser, 'desktop', { bypassCSP: true });
    try {
      await page.goto(server.baseURL + '/bestaat-niet');
      const violations = await axeViolations(page);
      const report = formatViolations(violations, '/bestaat-niet (desktop)');
      if (violations.length) console.log(report);
      assert.equal(violations.length, 0, report);
    } finally {
      await context.close();
    }
  });
});
