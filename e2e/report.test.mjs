// The branded PDF report (issue 9): the demo employer downloads it from the results page's
// link, the PDF is rendered to PNG with `pdftoppm -png -r 60` (Debian's poppler-utils) and
// must have 2–4 pages; its text (pdftotext) names every aspect as the page does.
//
// The PNGs are kept with the other screenshots: e2e/screenshots/report-page-N.png.
// Run from the repo root: node --test e2e/report.test.mjs
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtemp, mkdir, readdir, copyFile, rm, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  startServer,
  launchBrowser,
  newPage,
  screenshot,
  collectPageProblems,
  fillByLabel,
  submitForm,
  SCREENSHOT_DIR,
} from './helpers.mjs';
import { onServer, waitForMail } from './support.mjs';

const EMPLOYER = 'werkgever@bakkerij-jansen.nl';
const ASPECTS = ['Eigen werkwijze', 'Sterke punten', 'Invloed op taken', 'Eerlijk je mening geven', 'Steun bij verandering'];

function hasTool(name) {
  try {
    execFileSync(name, ['-v'], { stdio: 'ignore' });
    return true;
  } catch (err) {
    return err.code !== 'ENOENT';
  }
}

describe('the PDF report', { timeout: 180_000 }, () => {
  let server;
  let browser;
  let employer;
  let problems;
  let work;

  before(async () => {
    server = await startServer({ demo: true });
    browser = await launchBrowser();
    employer = await newPage(browser, 'desktop', { acceptDownloads: true });
    problems = collectPageProblems(employer.page);
    work = await mkdtemp(path.join(tmpdir(), 'hrnexus-report-'));
  });

  after(async () => {
    await employer?.context.close();
    await browser?.close();
    await server?.stop();
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('downloads from the results page and renders to 2–4 pages', async (t) => {
    if (!hasTool('pdftoppm') || !hasTool('pdftotext')) {
      t.skip('pdftoppm/pdftotext are not installed (apt-get install poppler-utils)');
      return;
    }
    const { page } = employer;
    await page.goto(`${server.baseURL}/werkgever/login`, { waitUntil: 'load' });
    await fillByLabel(page, { 'E-mailadres': EMPLOYER });
    await submitForm(page, 'Stuur mij een inloglink');
    const mail = await waitForMail(server.dataDir, { to: EMPLOYER, match: /\/werkgever\/inloggen\// });
    const link = mail.text.match(/https?:\/\/\S+\/werkgever\/inloggen\/[A-Za-z0-9_-]+/)[0];
    await page.goto(onServer(link, server.baseURL), { waitUntil: 'load' });
    await submitForm(page, 'Inloggen', { exact: true });

    // Round 2 of the demo scan is closed and has a round before it: a trend.
    const res = await page.goto(`${server.baseURL}/werkgever/scans/1/resultaten?ronde=2`, { waitUntil: 'load' });
    assert.equal(res.status(), 200);
    const button = page.getByRole('link', { name: 'Download rapport (pdf)' });
    assert.equal(await button.count(), 1, 'the results page links the PDF');
    assert.match(await button.getAttribute('href'), /\/werkgever\/scans\/1\/rapport\.pdf\?ronde=2$/);
    await page.locator('.results-actions').scrollIntoViewIfNeeded();
    await screenshot(page, 'report-00-results-with-link');

    const [download] = await Promise.all([page.waitForEvent('download'), button.click()]);
    assert.equal(download.suggestedFilename(), 'autonomie-scan-1-ronde-2.pdf');
    const pdf = path.join(work, 'rapport.pdf');
    await download.saveAs(pdf);
    const bytes = await readFile(pdf);
    assert.equal(bytes.subarray(0, 5).toString('latin1'), '%PDF-');

    execFileSync('pdftoppm', ['-png', '-r', '60', pdf, path.join(work, 'page')]);
    const pngs = (await readdir(work)).filter((f) => f.endsWith('.png')).sort();
    assert.ok(pngs.length >= 2 && pngs.length <= 4, `2–4 pages, got ${pngs.length}: ${pngs}`);
    await mkdir(SCREENSHOT_DIR, { recursive: true });
    for (const [i, png] of pngs.entries()) {
      await copyFile(path.join(work, png), path.join(SCREENSHOT_DIR, `report-page-${i + 1}.png`));
    }

    const text = execFileSync('pdftotext', ['-enc', 'UTF-8', pdf, '-']).toString('utf8');
    assert.match(text, /Bakkerij Jansen B\.V\./);
    for (const aspect of ASPECTS) {
      assert.ok(text.split('\n').some((line) => line.includes(aspect)), `${aspect} in the PDF:\n${text}`);
    }
    assert.match(text, new RegExp(`Pagina ${pngs.length} van ${pngs.length}`));
    assert.deepEqual(problems(), []);
  });
});
