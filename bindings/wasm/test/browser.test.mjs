// The browser entry of @knik/wasm in headless Chromium (playwright-core from
// web-extension/e2e), served by a small HTTP server on 127.0.0.1 from bindings/wasm/.
//
// What it proves: before `init()` every call throws KnikError NOT_INITIALIZED, also after an
// `init()` that failed (a missing .wasm), and a second `init()` then loads it; after it, a
// container signed by knik gets in the browser exactly the CLI's verdict, level and finding
// codes (B-LT with the loopback services, else B-B), a tampered copy DATA_DIGEST_MISMATCH as
// in Rust; a Web eID token validates with `ocsp: false` and one for another origin fails with
// WEBEID_SIGNATURE_INVALID; with the citizen OCSP responder running, the token validates with
// OCSP through a page callback (a same-origin relay, as a page would use: the responder sends
// no CORS headers) and the revoked holder is refused with WEBEID_CERT_REVOKED.
//
// Needs /usr/bin/chromium and web-extension/e2e/node_modules (test.sh runs `npm ci` there):
// without them it prints "SKIPPED" (KNIK_REQUIRE_SERVICES=1 makes that a failure).

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { pathToFileURL } from 'node:url';

import {
  ROOT,
  codes,
  knikVerify,
  pkiText,
  signWithKnik,
  tamper,
  webEidToken,
} from './helpers.mjs';

const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const PLAYWRIGHT = path.join(ROOT, 'web-extension/e2e/node_modules/playwright-core/index.mjs');
const PACKAGE_DIR = path.join(ROOT, 'bindings/wasm');
const ORIGIN = 'https://login.example.am';
const CITIZEN_OCSP = 'http://127.0.0.1:8881/';

const TYPES = { '.js': 'text/javascript', '.wasm': 'application/wasm', '.html': 'text/html' };

/** Whether `port` listens: `ss`, never a TCP probe (the OCSP responders exit on anything else). */
function listening(port) {
  const out = spawnSync('ss', ['-ltnH'], { encoding: 'utf8' }).stdout ?? '';
  return out.includes(`:${port} `);
}

let server;
let base;
let browser;
let page;
let relayed = 0;
let missing = null;

before(async () => {
  if (!existsSync(CHROMIUM)) missing = `${CHROMIUM} is missing`;
  else if (!existsSync(PLAYWRIGHT)) missing = 'playwright-core is not installed (npm ci in web-extension/e2e)';
  if (missing) return;

  server = http.createServer(async (request, response) => {
    const url = new URL(request.url, 'http://127.0.0.1');
    if (request.method === 'POST' && url.pathname === '/ocsp-relay') {
      // Forwards the page's OCSP request to the one responder the tests use.
      const chunks = [];
      for await (const chunk of request) chunks.push(chunk);
      relayed++;
      try {
        const answer = await fetch(CITIZEN_OCSP, {
          method: 'POST',
          headers: { 'Content-Type': 'application/ocsp-request' },
          body: Buffer.concat(chunks),
        });
        response.writeHead(answer.status, { 'Content-Type': 'application/ocsp-response' });
        response.end(Buffer.from(await answer.arrayBuffer()));
      } catch (e) {
        response.writeHead(502).end(String(e));
      }
      return;
    }
    if (url.pathname === '/favicon.ico') {
      response.writeHead(204).end();
      return;
    }
    if (url.pathname === '/') {
      response.writeHead(200, { 'Content-Type': 'text/html' }).end('<!doctype html><title>knik wasm</title>');
      return;
    }
    const file = path.join(PACKAGE_DIR, path.normalize(url.pathname));
    if (!file.startsWith(PACKAGE_DIR + path.sep) || !existsSync(file)) {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { 'Content-Type': TYPES[path.extname(file)] ?? 'application/octet-stream' });
    response.end(readFileSync(file));
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${server.address().port}`;

  const { chromium } = await import(pathToFileURL(PLAYWRIGHT).href);
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
  });
  page = await browser.newPage();
  page.on('console', (message) => {
    if (message.type() === 'error') console.error(`browser: ${message.text()}`);
  });
  await page.goto(base);
});

after(async () => {
  await browser?.close();
  server?.close();
});

function available(t) {
  if (!missing) return true;
  if (process.env.KNIK_REQUIRE_SERVICES === '1') throw new Error(`KNIK_REQUIRE_SERVICES=1 but ${missing}`);
  console.error(`SKIPPED: browser tests: ${missing}`);
  t.skip(missing);
  return false;
}

/** Runs `fn(knik, arg)` in the page with the package's browser entry imported. */
function inPage(fn, arg) {
  return page.evaluate(
    async ({ source, arg }) => {
      const knik = await import('/js/browser.js');
      return new Function('knik', 'arg', `return (${source})(knik, arg);`)(knik, arg);
    },
    { source: fn.toString(), arg },
  );
}

test('in Chromium: init, containers as in Rust, Web eID tokens', async (t) => {
  if (!available(t)) return;

  const before = await inPage((knik) => {
    try {
      knik.verifyContainer(new Uint8Array(4));
      return 'no error';
    } catch (e) {
      return `${e instanceof knik.KnikError} ${e.code}`;
    }
  });
  assert.equal(before, 'true NOT_INITIALIZED');
  // A failed load is not remembered: the next init() loads for real.
  const failed = await inPage(async (knik) => {
    try {
      await knik.init('/pkg/missing.wasm');
      return 'loaded';
    } catch {
      try {
        knik.version();
        return 'rejected, yet usable';
      } catch (e) {
        return `rejected, ${e.code}`;
      }
    }
  });
  assert.equal(failed, 'rejected, NOT_INITIALIZED');
  assert.match(await inPage(async (knik) => { await knik.init(); return knik.version(); }), /^\d+\.\d+\.\d+$/);

  const services = process.env.KNIK_SKIP_SERVICES !== '1' && listening(8881) && listening(8889);
  if (!services && process.env.KNIK_REQUIRE_SERVICES === '1' && process.env.KNIK_SKIP_SERVICES !== '1') throw new Error('KNIK_REQUIRE_SERVICES=1 but :8881/:8889 are down');
  const level = services ? 'LT' : 'B';
  const signed = signWithKnik(level);
  assert.ok(signed, `knik sign --level ${level}`);
  const rootPem = pkiText('root.pem');
  const verifyInPage = (bytes) =>
    inPage(
      (knik, { bytes, rootPem }) => {
        const report = knik.verifyContainer(new Uint8Array(bytes), { trustAnchors: [rootPem] });
        return {
          verdict: report.verdict,
          levels: report.signatures.map((s) => s.level),
          codes: [...report.container.findings, ...report.signatures.flatMap((s) => s.findings)].map((f) => f.code).sort(),
          psn: report.signatures[0]?.signer?.personal_number ?? null,
        };
      },
      { bytes: [...bytes], rootPem },
    );
  for (const [what, bytes] of [
    ['signed', signed],
    ['tampered', tamper(signed, 'hello.txt', (d) => Buffer.from(d.toString().replace('Hello', 'Jello')))],
  ]) {
    const browserReport = await verifyInPage(bytes);
    const rust = knikVerify(bytes);
    assert.equal(browserReport.verdict, rust.verdict, `${what}: verdict`);
    assert.deepEqual(browserReport.levels, rust.signatures.map((s) => s.level), `${what}: levels`);
    assert.deepEqual(browserReport.codes, codes(rust), `${what}: codes`);
    assert.equal(browserReport.psn, '2810770123');
  }
  if (services) assert.equal((await verifyInPage(signed)).verdict, 'valid');
  assert.ok((await verifyInPage(tamper(signed, 'hello.txt', (d) => Buffer.from('x' + d)))).codes.includes('DATA_DIGEST_MISMATCH'));

  const trusted = [pkiText('citizen-ca.pem')];
  const nonce = randomBytes(32).toString('base64');
  const validate = (json, ocsp) =>
    inPage(
      async (knik, { json, nonce, origin, trusted, ocsp }) => {
        try {
          const user = await knik.validateWebEidToken(json, nonce, {
            origin,
            trustedCertificateAuthorities: trusted,
            ocsp: ocsp
              ? {
                  fetch: async (url, request) => {
                    const answer = await fetch('/ocsp-relay', { method: 'POST', body: request });
                    if (answer.status !== 200) throw new Error(`HTTP ${answer.status}`);
                    return new Uint8Array(await answer.arrayBuffer());
                  },
                }
              : false,
          });
          return { psn: user.identity.personalNumber, responder: user.ocspResponder };
        } catch (e) {
          return { code: e instanceof knik.KnikError ? e.code : `not a KnikError: ${e}` };
        }
      },
      { json, nonce, origin: ORIGIN, trusted, ocsp },
    );
  assert.deepEqual(await validate(webEidToken('citizen', ORIGIN, nonce), false), { psn: '2810770123', responder: null });
  assert.deepEqual(await validate(webEidToken('citizen', 'https://evil.example.am', nonce), false), {
    code: 'WEBEID_SIGNATURE_INVALID',
  });
  if (services) {
    assert.deepEqual(await validate(webEidToken('citizen', ORIGIN, nonce), true), {
      psn: '2810770123',
      responder: CITIZEN_OCSP,
    });
    assert.equal(relayed, 1, 'one OCSP exchange through the page callback');
    assert.deepEqual(await validate(webEidToken('revoked', ORIGIN, nonce), true), { code: 'WEBEID_CERT_REVOKED' });
  } else {
    console.error('SKIPPED: OCSP through the page callback: :8881 is not listening');
  }
});
