// Helpers for the end-to-end flow tests (not a test file itself):
//
// - onServer(): move an address the app printed or mailed (built from its configured
//   base_url, by default the address it listens on) onto the test server's real baseURL.
// - demoScanURL(): the shared scan link that `serve --demo` prints on stdout.
// - parseEml() / decodeQuotedPrintable(): just enough MIME to read the .eml files the
//   app writes to <dataDir>/mail/ when no SMTP server is configured.
// - waitForMail(): poll <dataDir>/mail/ for the newest message that matches.

import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/** `url` with the scheme, host and port of `baseURL` (path, query and fragment kept). */
export function onServer(url, baseURL) {
  const from = new URL(url);
  return new URL(from.pathname + from.search + from.hash, baseURL).href;
}

/**
 * The shared link of the demo scan, from the output of `hrnexus serve --demo`
 * ("demo scan, answer it as an employee: http://localhost:8080/scan/TOKEN"), moved onto
 * the server's real address. Throws with the output when the line is missing.
 */
export async function demoScanURL(server) {
  // Printed right after the site starts listening: give stdout a moment to arrive.
  const pattern = /demo scan, answer it as an employee: (\S+\/scan\/[A-Za-z0-9_-]+)/;
  for (let i = 0; i < 100 && !pattern.test(server.logs()); i++) await sleep(100);
  const match = server.logs().match(pattern);
  if (!match) {
    throw new Error(
      `hrnexus --demo printed no demo scan link (was the data dir fresh?)\n--- server output ---\n${server.logs()}`,
    );
  }
  return onServer(match[1], server.baseURL);
}

/** Decode a quoted-printable body (soft line breaks and =XX escapes) as UTF-8. */
export function decodeQuotedPrintable(text) {
  const joined = text.replace(/=\r?\n/g, '');
  const bytes = [];
  for (let i = 0; i < joined.length; i++) {
    const hex = joined.slice(i + 1, i + 3);
    if (joined[i] === '=' && /^[0-9A-Fa-f]{2}$/.test(hex)) {
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else {
      // Everything else in a QP body is 7-bit; encode anyway in case of stray 8-bit text.
      bytes.push(...Buffer.from(joined[i], 'utf8'));
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

function splitHeadersAndBody(raw) {
  const m = raw.match(/\r?\n\r?\n/);
  if (!m) return { headerText: raw, body: '' };
  return { headerText: raw.slice(0, m.index), body: raw.slice(m.index + m[0].length) };
}

function parseHeaders(headerText) {
  const headers = {};
  // Unfold continuation lines first (RFC 5322 §2.2.3).
  for (const line of headerText.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const i = line.indexOf(':');
    if (i > 0) headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
  }
  return headers;
}

function decodeBody(body, headers) {
  const encoding = (headers['content-transfer-encoding'] || '7bit').toLowerCase();
  if (encoding === 'quoted-printable') return decodeQuotedPrintable(body);
  if (encoding === 'base64') return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  return body;
}

/**
 * Parse one .eml into { headers, text, html }: the decoded text/plain and text/html parts
 * (multipart/alternative or a single part). Header names are lower case.
 */
export function parseEml(raw) {
  const { headerText, body } = splitHeadersAndBody(raw);
  const headers = parseHeaders(headerText);
  const result = { headers, text: null, html: null };
  const walk = (partHeaders, partBody) => {
    const type = (partHeaders['content-type'] || 'text/plain').toLowerCase();
    const boundary = /boundary="?([^";]+)"?/i.exec(partHeaders['content-type'] || '')?.[1];
    if (type.startsWith('multipart/') && boundary) {
      const pieces = partBody.split(`--${boundary}`);
      // pieces[0] is the preamble; the piece after the closing delimiter starts with "--".
      for (const piece of pieces.slice(1)) {
        if (piece.startsWith('--')) break;
        const { headerText: h, body: b } = splitHeadersAndBody(piece.replace(/^\r?\n/, ''));
        walk(parseHeaders(h), b.replace(/\r?\n$/, ''));
      }
    } else if (type.startsWith('text/html')) {
      result.html ??= decodeBody(partBody, partHeaders);
    } else if (type.startsWith('text/plain')) {
      result.text ??= decodeBody(partBody, partHeaders);
    }
  };
  walk(headers, body);
  return result;
}

/** All .eml files in <dataDir>/mail/, parsed, newest first: [{ file, mtimeMs, ...parseEml }]. */
export async function readMails(dataDir) {
  const dir = path.join(dataDir, 'mail');
  let names;
  try {
    names = await readdir(dir);
  } catch (err) {
    if (err.code === 'ENOENT') return [];
    throw err;
  }
  const mails = [];
  for (const name of names.filter((n) => n.endsWith('.eml'))) {
    const file = path.join(dir, name);
    const [{ mtimeMs }, raw] = await Promise.all([stat(file), readFile(file, 'utf8')]);
    mails.push({ file, mtimeMs, ...parseEml(raw) });
  }
  return mails.sort((a, b) => b.mtimeMs - a.mtimeMs);
}

/**
 * Wait until a mail to `to` whose text part matches `match` (a RegExp) is in
 * <dataDir>/mail/; resolves to the newest such mail. The mail worker is woken when a
 * message is queued, so this is normally quick.
 */
export async function waitForMail(dataDir, { to, match, timeoutMs = 15_000 }) {
  const deadline = Date.now() + timeoutMs;
  let seen = [];
  while (Date.now() < deadline) {
    const mails = await readMails(dataDir);
    seen = mails;
    const found = mails.find(
      (m) => (!to || (m.headers.to || '').toLowerCase().includes(to.toLowerCase())) && match.test(m.text ?? ''),
    );
    if (found) return found;
    await sleep(200);
  }
  throw new Error(
    `no mail to ${to} matching ${match} in ${path.join(dataDir, 'mail')} within ${timeoutMs} ms; ` +
      `found ${seen.length} other(s): ${seen.map((m) => `${m.headers.to} "${m.headers.subject}"`).join('; ')}`,
  );
}
