// Shared helpers for the HRnexus browser tests (run with `node --test e2e/`).
//
// - startServer(): starts the hrnexus binary on a free loopback port with a
//   fresh temporary data dir and waits until /healthz answers 200.
// - launchBrowser() / newPage(): Debian's /usr/bin/chromium via playwright-core.
// - screenshot(): full-page PNG into e2e/screenshots/.
// - axeViolations() / formatViolations(): axe-core, every impact (minor included).
// - collectPageProblems(): console errors, page errors and CSP violations.
// - fillByLabel() / submitForm(): for tests that drive forms.
//
// Environment:
//   HRNEXUS_BIN       binary to start (default: target/debug/hrnexus from the repo root)
//   CHROMIUM_PATH     browser executable (default: /usr/bin/chromium)
//   E2E_SERVER_LOGS=1 echo the server's stdout/stderr while the tests run

import { spawn } from 'node:child_process';
import { mkdtemp, mkdir, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);

export const E2E_DIR = path.dirname(fileURLToPath(import.meta.url));
export const REPO_ROOT = path.resolve(E2E_DIR, '..');
export const SCREENSHOT_DIR = path.join(E2E_DIR, 'screenshots');

export const VIEWPORTS = {
  desktop: { viewport: { width: 1280, height: 800 } },
  phone: {
    viewport: { width: 390, height: 844 },
    deviceScaleFactor: 3,
    isMobile: true,
    hasTouch: true,
  },
};

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-quic',
  '--no-first-run',
  '--disable-component-update',
  '--disable-sync',
];

/** Environment variables for the test harness itself, not for the server. */
export const HARNESS_ONLY_ENV = ['HRNEXUS_BIN'];

export function binaryPath() {
  const bin = process.env.HRNEXUS_BIN || 'target/debug/hrnexus';
  return path.isAbsolute(bin) ? bin : path.resolve(REPO_ROOT, bin);
}

/** Ask the kernel for a free TCP port on 127.0.0.1. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/**
 * Start hrnexus on a free port with a fresh temp data dir.
 * Resolves to { baseURL, port, dataDir, proc, logs(), stop() } once
 * GET /healthz answers 200. `stop()` sends SIGTERM, waits for the exit
 * (SIGKILL after 10 s) and removes the data dir.
 *
 * options: { demo: bool, args: [extra CLI args], env: {extra env},
 *            timeoutMs: 30000 }
 */
export async function startServer(options = {}) {
  const { demo = false, args = [], env = {}, timeoutMs = 30_000 } = options;
  const bin = binaryPath();
  if (!existsSync(bin)) {
    throw new Error(
      `hrnexus binary not found at ${bin}: run \`cargo build\` first or set HRNEXUS_BIN`,
    );
  }

  let lastError;
  // A port from freePort() could in theory be taken before the server binds
  // it; retry a couple of times in that case.
  for (let attempt = 1; attempt <= 3; attempt++) {
    try {
      return await startServerOnce(bin, { demo, args, env, timeoutMs });
    } catch (err) {
      lastError = err;
      if (!/address (already )?in use|EADDRINUSE/i.test(String(err.message))) throw err;
    }
  }
  throw lastError;
}

async function startServerOnce(bin, { demo, args, env, timeoutMs }) {
  const port = await freePort();
  const dataDir = await mkdtemp(path.join(tmpdir(), 'hrnexus-e2e-'));
  const listen = `127.0.0.1:${port}`;
  const baseURL = `http://${listen}`;
  const cliArgs = ['serve', '--listen', listen, '--data-dir', dataDir];
  if (demo) cliArgs.push('--demo');
  cliArgs.push(...args);

  const output = [];
  const echo = process.env.E2E_SERVER_LOGS === '1';
  // The server reads every HRNEXUS_* variable as a setting and refuses unknown ones
  // ("configuration: unknown field `bin`"), so the variables meant for this harness
  // must not reach it.
  const inherited = { ...process.env };
  for (const key of HARNESS_ONLY_ENV) delete inherited[key];
  const proc = spawn(bin, cliArgs, {
    cwd: REPO_ROOT,
    env: {
      ...inherited,
      // The CLI flags win; make sure stray env from the caller can't redirect us.
      HRNEXUS_LISTEN: listen,
      HRNEXUS_DATA_DIR: dataDir,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const record = (stream) => (chunk) => {
    output.push(chunk.toString());
    if (echo) stream.write(chunk);
  };
  proc.stdout.on('data', record(process.stdout));
  proc.stderr.on('data', record(process.stderr));

  let exited = null;
  const exitPromise = new Promise((resolve) => {
    proc.on('exit', (code, signal) => {
      exited = { code, signal };
      resolve(exited);
    });
    proc.on('error', (err) => {
      output.push(`spawn error: ${err.message}\n`);
      exited = { code: null, signal: null, error: err };
      resolve(exited);
    });
  });

  const logs = () => output.join('');
  let stopped = false;
  const stop = async () => {
    if (stopped) return exitPromise;
    stopped = true;
    if (!exited) {
      proc.kill('SIGTERM');
      const timer = setTimeout(() => {
        if (!exited) proc.kill('SIGKILL');
      }, 10_000);
      await exitPromise;
      clearTimeout(timer);
    }
    await rm(dataDir, { recursive: true, force: true });
    return exited;
  };

  const deadline = Date.now() + timeoutMs;
  let lastProblem = 'no answer yet';
  while (Date.now() < deadline) {
    if (exited) {
      await rm(dataDir, { recursive: true, force: true });
      throw new Error(
        `hrnexus exited before it was healthy (code ${exited.code}, signal ${exited.signal}).\n` +
          `command: ${bin} ${cliArgs.join(' ')}\n--- server output ---\n${logs()}`,
      );
    }
    try {
      const res = await fetch(`${baseURL}/healthz`, { signal: AbortSignal.timeout(2_000) });
      await res.arrayBuffer();
      if (res.status === 200) {
        return { baseURL, port, dataDir, proc, logs, stop };
      }
      lastProblem = `GET /healthz answered ${res.status}`;
    } catch (err) {
      lastProblem = `GET /healthz failed: ${err.cause?.code || err.message}`;
    }
    await sleep(100);
  }
  await stop();
  throw new Error(
    `hrnexus did not become healthy within ${timeoutMs} ms (${lastProblem}).\n` +
      `command: ${bin} ${cliArgs.join(' ')}\n--- server output ---\n${logs()}`,
  );
}

/** Launch Debian's chromium headless through playwright-core. */
export async function launchBrowser(options = {}) {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    headless: true,
    args: CHROMIUM_ARGS,
    ...options,
  });
}

/**
 * New isolated context + page. `device` is a key of VIEWPORTS or an object of
 * context options. Extra context options (e.g. { bypassCSP: true, locale })
 * are merged in. Returns { context, page }; close the context when done.
 */
export async function newPage(browser, device = 'desktop', contextOptions = {}) {
  const deviceOptions = typeof device === 'string' ? VIEWPORTS[device] : device;
  if (!deviceOptions) throw new Error(`unknown device ${device}`);
  const context = await browser.newContext({
    locale: 'nl-NL',
    timezoneId: 'Europe/Amsterdam',
    ...deviceOptions,
    ...contextOptions,
  });
  context.setDefaultTimeout(10_000);
  context.setDefaultNavigationTimeout(15_000);
  const page = await context.newPage();
  return { context, page };
}

/** Full-page screenshot to e2e/screenshots/<name>.png; returns the path. */
export async function screenshot(page, name) {
  await mkdir(SCREENSHOT_DIR, { recursive: true });
  const file = path.join(SCREENSHOT_DIR, `${name}.png`);
  // With Debian's chromium (156) a full-page capture leaves the page's scroll position
  // out of step with where input lands: the next click or tap hits another element
  // (seen: the submit button's click landed on its <form>, nothing was sent). Putting
  // the scroll position back explicitly brings the two in line again.
  const scroll = await page.evaluate(() => [window.scrollX, window.scrollY]);
  await page.screenshot({ path: file, fullPage: true });
  await page.evaluate(([x, y]) => window.scrollTo(x, y), scroll);
  return file;
}

/**
 * Record console errors, uncaught page errors, failed requests and CSP
 * violations from the moment this is called. Returns a getter for the list.
 */
export function collectPageProblems(page) {
  const problems = [];
  page.on('console', (msg) => {
    if (msg.type() !== 'error') return;
    const where = msg.location()?.url || '';
    // The browser's own favicon probe is not the page's doing.
    if (/Failed to load resource/.test(msg.text()) && /\/favicon\.ico$/.test(where)) return;
    problems.push(`console error: ${msg.text()}${where ? ` (${where})` : ''}`);
  });
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.on('requestfailed', (req) => {
    const error = req.failure()?.errorText;
    // A navigation cancels what the page before it was still loading (its icon, say).
    if (error === 'net::ERR_ABORTED') return;
    problems.push(`request failed: ${req.url()} (${error})`);
  });
  return () => problems.slice();
}

const AXE_SOURCE = require('axe-core').source;

/**
 * Run axe-core in the page and return its violations of every impact. The site's CSP forbids inline scripts, so the page must come
 * from a context created with { bypassCSP: true }.
 *
 * options: { impacts: ['minor','moderate','serious','critical'], context: selector/obj for axe.run,
 *            runOptions: axe.run options }
 */
export async function axeViolations(page, options = {}) {
  const { impacts = ['minor', 'moderate', 'serious', 'critical'], context, runOptions = {} } = options;
  const loaded = await page.evaluate(() => typeof window.axe !== 'undefined');
  if (!loaded) {
    await page.addScriptTag({ content: AXE_SOURCE });
    const ok = await page.evaluate(() => typeof window.axe !== 'undefined');
    if (!ok) {
      throw new Error(
        'axe-core could not be injected (CSP?). Create the context with { bypassCSP: true }.',
      );
    }
  }
  const results = await page.evaluate(
    async ({ context, runOptions }) =>
      // eslint-disable-next-line no-undef
      axe.run(context ?? document, { resultTypes: ['violations'], ...runOptions }),
    { context, runOptions },
  );
  return results.violations.filter((v) => impacts.includes(v.impact));
}

/** Human-readable report of axe violations (rule, impact, elements, fix hints). */
export function formatViolations(violations, label = '') {
  if (!violations.length) return `${label}: no violations`;
  const lines = [`${label}: ${violations.length} axe violation(s)`];
  for (const v of violations) {
    lines.push('');
    lines.push(`[${v.impact}] ${v.id}: ${v.help}`);
    lines.push(`  ${v.helpUrl}`);
    for (const node of v.nodes.slice(0, 10)) {
      lines.push(`  - element: ${node.target.join(' ')}`);
      lines.push(`    html:    ${node.html.replace(/\s+/g, ' ').slice(0, 300)}`);
      if (node.failureSummary) {
        for (const l of node.failureSummary.split('\n')) lines.push(`    ${l.trim()}`);
      }
    }
    if (v.nodes.length > 10) lines.push(`  ... and ${v.nodes.length - 10} more element(s)`);
  }
  return lines.join('\n');
}

/**
 * Fill form fields by their accessible label: { 'E-mailadres': 'a@b.nl', ... }.
 * Checkboxes/radios take true/false; <select> takes the option label or value.
 */
export async function fillByLabel(page, fields, { exact = false } = {}) {
  for (const [label, value] of Object.entries(fields)) {
    const field = page.getByLabel(label, { exact });
    const tag = await field.evaluate((el) => el.tagName.toLowerCase());
    const type = await field.evaluate((el) => (el.getAttribute('type') || '').toLowerCase());
    if (typeof value === 'boolean' || type === 'checkbox' || type === 'radio') {
      await field.setChecked(Boolean(value));
    } else if (tag === 'select') {
      await field.selectOption(String(value));
    } else {
      await field.fill(String(value));
    }
  }
}

/**
 * Click a submit button by its accessible name and wait for the navigation
 * it triggers. Returns the main-frame response (may be null for same-document).
 */
export async function submitForm(page, buttonName, { exact = false } = {}) {
  const [response] = await Promise.all([
    page.waitForNavigation({ waitUntil: 'load' }).catch(() => null),
    page.getByRole('button', { name: buttonName, exact }).click(),
  ]);
  return response;
}

/** `<html lang>` of the current page. */
export function htmlLang(page) {
  return page.evaluate(() => document.documentElement.getAttribute('lang'));
}
