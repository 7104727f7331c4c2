// validateWebEidToken in WebAssembly: Web eID tokens made here with node:crypto from the test
// PKI's authentication keys, OCSP through the JavaScript callback.
//
// What it proves: the citizen's `web-eid:1.0` ES384 token validates to PETROSYAN ANI
// 2810770123 with one OCSP exchange through the callback (the real citizen CA responder on
// :8881, asked with the request bytes the validator made); the revoked holder is refused with
// WEBEID_CERT_REVOKED; a token signed for another origin with WEBEID_SIGNATURE_INVALID (as the
// Rust validator's own tests); `ocsp: false` needs no network and lets the revoked holder
// through, as in Rust; a callback that throws, answers junk or never answers ends in the Rust
// validator's own codes (WEBEID_OCSP_UNAVAILABLE, _RESPONSE_MALFORMED, _TIMEOUT), never in an
// internal "waiting" result; every seed of fuzz/corpus/webeid_token ends in wasm exactly as the
// Rust corpus test (crates/knik-webeid/tests/validator.rs) says it does natively.
//
// The pass design's security claims (README, "How OCSP works through a JavaScript callback"):
// two validations running at once, their callbacks answering in the opposite order, each get
// their own verdict from their own request (different OCSP nonces); an answer fetched for
// another validation's request is refused with WEBEID_OCSP_NONCE_MISMATCH, as is an earlier
// good answer replayed, and another holder's answer with WEBEID_OCSP_CERT_MISMATCH.
//
// The JavaScript around the callback: an `ocsp` object's `fetch` is called as its method
// (`this` is the object); `ocspTimeoutMs` must be a whole number of ms from 1 to 2^31-1
// (OPTIONS_INVALID otherwise); the default ocspFetch reads at most 1 MiB of an answer (a
// bigger one, or a non-200, ends in WEBEID_OCSP_UNAVAILABLE as a bad answer); and on a Node
// without a global `crypto` (Node 18; here --no-experimental-global-webcrypto) the package
// still draws its OCSP nonces and validates with OCSP.
//
// The responder tests print "SKIPPED" when :8881 is not listening (KNIK_REQUIRE_SERVICES=1
// makes them fail); the others need no network.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { KnikError, ocspFetch, validateWebEidToken } from '../js/node.js';
import { ROOT, pki, pkiText, servicesUp, tempDir, webEidToken as token } from './helpers.mjs';

const ORIGIN = 'https://login.example.am';
const CITIZEN_OCSP = 'http://127.0.0.1:8881/';

/** A fresh challenge nonce: 32 random bytes, base64 (44 characters). */
function freshNonce() {
  return randomBytes(32).toString('base64');
}

/** The issuing CA as PEM text and the root as DER bytes: both input forms. */
const TRUSTED = [pkiText('citizen-ca.pem'), new Uint8Array(pki('root.der'))];

/** POSTs an OCSP request to the responder at `url`; the body of its 200 answer. */
async function post(url, request) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/ocsp-request' },
    body: request,
  });
  if (response.status !== 200) throw new Error(`HTTP ${response.status}`);
  return new Uint8Array(await response.arrayBuffer());
}

/** An OCSP callback that POSTs with fetch and records every call. */
function countingOcsp() {
  const calls = [];
  return {
    calls,
    fetch: async (url, request) => {
      calls.push({ url, request });
      return post(url, request);
    },
  };
}

/** Resolves after `ms`. */
function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function options(extra = {}) {
  return { origin: ORIGIN, trustedCertificateAuthorities: TRUSTED, ...extra };
}

/** Asserts that `promise` rejects with a KnikError of `code`; returns the error. */
async function rejectsWith(promise, code) {
  let caught;
  await assert.rejects(promise, (e) => {
    caught = e;
    return e instanceof KnikError && e.code === code;
  });
  return caught;
}

describe('with the citizen CA OCSP responder', () => {
  test('the citizen token validates, with one OCSP exchange through the callback', async (t) => {
    if (!servicesUp(t, [8881])) return;
    const nonce = freshNonce();
    const ocsp = countingOcsp();
    const user = await validateWebEidToken(token('citizen', ORIGIN, nonce), nonce, options({ ocsp }));
    assert.equal(user.identity.surname, 'PETROSYAN');
    assert.equal(user.identity.givenName, 'ANI');
    assert.equal(user.identity.personalNumber, '2810770123');
    assert.equal(user.identity.country, 'AM');
    assert.equal(user.identity.identifierType, 'PNO');
    assert.equal(user.identity.documentKind, 'citizen-id-card');
    assert.equal(user.format, 'web-eid:1.0');
    assert.equal(user.ocspResponder, CITIZEN_OCSP);
    assert.deepEqual(user.signingCertificates, []);
    assert.deepEqual(Buffer.from(user.certificate.der), pki('holders/citizen/auth.der'));
    assert.match(user.certificate.pem, /^-----BEGIN CERTIFICATE-----/);
    assert.match(user.certificate.subject, /PNOAM-2810770123/);

    assert.equal(ocsp.calls.length, 1, 'exactly one OCSP exchange');
    assert.equal(ocsp.calls[0].url, CITIZEN_OCSP);
    assert.ok(ocsp.calls[0].request instanceof Uint8Array);
    assert.equal(ocsp.calls[0].request[0], 0x30, 'a DER OCSPRequest');
  });

  test('each validation asks with its own nonce', async (t) => {
    if (!servicesUp(t, [8881])) return;
    const nonce = freshNonce();
    const ocsp = countingOcsp();
    const json = token('citizen', ORIGIN, nonce);
    await validateWebEidToken(json, nonce, options({ ocsp }));
    await validateWebEidToken(json, nonce, options({ ocsp }));
    assert.equal(ocsp.calls.length, 2);
    assert.notDeepEqual(ocsp.calls[0].request, ocsp.calls[1].request, 'OCSP nonces are fresh per validation');
  });

  test('the revoked holder is refused: WEBEID_CERT_REVOKED', async (t) => {
    if (!servicesUp(t, [8881])) return;
    const nonce = freshNonce();
    const ocsp = countingOcsp();
    const error = await rejectsWith(
      validateWebEidToken(token('revoked', ORIGIN, nonce), nonce, options({ ocsp })),
      'WEBEID_CERT_REVOKED',
    );
    assert.match(error.message, /HAKOBYAN/);
    assert.match(error.message, /2026-01-01T00:00:00Z/);
    assert.equal(ocsp.calls.length, 1);
  });

  test('the default OCSP callback (fetch) works too', async (t) => {
    if (!servicesUp(t, [8881])) return;
    const nonce = freshNonce();
    const user = await validateWebEidToken(token('citizen', ORIGIN, nonce), nonce, options());
    assert.equal(user.identity.personalNumber, '2810770123');
    assert.equal(user.ocspResponder, CITIZEN_OCSP);
  });

  test('two validations at once each get their own verdict from their own request', async (t) => {
    if (!servicesUp(t, [8881])) return;
    // The first to ask is the last to be answered, so the passes interleave.
    const slow = { ...countingOcsp(), delay: 150 };
    const fast = { ...countingOcsp(), delay: 10 };
    const delayed = (ocsp) => ({
      fetch: async (url, request) => {
        await sleep(ocsp.delay);
        return ocsp.fetch(url, request);
      },
    });
    const citizenNonce = freshNonce();
    const revokedNonce = freshNonce();
    const outcomes = await Promise.allSettled([
      validateWebEidToken(token('citizen', ORIGIN, citizenNonce), citizenNonce, options({ ocsp: delayed(slow) })),
      validateWebEidToken(token('revoked', ORIGIN, revokedNonce), revokedNonce, options({ ocsp: delayed(fast) })),
    ]);
    assert.equal(outcomes[0].status, 'fulfilled', String(outcomes[0].reason));
    assert.equal(outcomes[0].value.identity.personalNumber, '2810770123');
    assert.equal(outcomes[1].status, 'rejected');
    assert.ok(outcomes[1].reason instanceof KnikError);
    assert.equal(outcomes[1].reason.code, 'WEBEID_CERT_REVOKED');
    assert.equal(slow.calls.length, 1);
    assert.equal(fast.calls.length, 1);
    assert.notDeepEqual(slow.calls[0].request, fast.calls[0].request, 'each validation sends its own request');
  });

  test("the answer to another validation's request: WEBEID_OCSP_NONCE_MISMATCH", async (t) => {
    if (!servicesUp(t, [8881])) return;
    // Both validations are about the same certificate; only the OCSP nonces differ. The first
    // validation's callback answers with what the responder said to the second's request.
    let handOver;
    const secondAnswer = new Promise((resolve) => {
      handOver = resolve;
    });
    const swapped = { fetch: () => secondAnswer };
    const honest = {
      fetch: async (url, request) => {
        const answer = await post(url, request);
        handOver(answer.slice());
        return answer;
      },
    };
    const first = freshNonce();
    const second = freshNonce();
    const outcomes = await Promise.allSettled([
      validateWebEidToken(token('citizen', ORIGIN, first), first, options({ ocsp: swapped })),
      validateWebEidToken(token('citizen', ORIGIN, second), second, options({ ocsp: honest })),
    ]);
    assert.equal(outcomes[0].status, 'rejected');
    assert.ok(outcomes[0].reason instanceof KnikError);
    assert.equal(outcomes[0].reason.code, 'WEBEID_OCSP_NONCE_MISMATCH');
    assert.equal(outcomes[1].status, 'fulfilled', String(outcomes[1].reason));
    assert.equal(outcomes[1].value.identity.personalNumber, '2810770123');
  });

  test('an earlier good answer replayed: WEBEID_OCSP_NONCE_MISMATCH', async (t) => {
    if (!servicesUp(t, [8881])) return;
    const nonce = freshNonce();
    const json = token('citizen', ORIGIN, nonce);
    let earlier;
    await validateWebEidToken(json, nonce, options({ ocsp: { fetch: async (url, request) => (earlier = await post(url, request)) } }));
    assert.ok(earlier, 'the first validation fetched an answer');
    await rejectsWith(
      validateWebEidToken(json, nonce, options({ ocsp: { fetch: async () => earlier.slice() } })),
      'WEBEID_OCSP_NONCE_MISMATCH',
    );
  });

  test("another holder's good answer: WEBEID_OCSP_CERT_MISMATCH", async (t) => {
    if (!servicesUp(t, [8881])) return;
    const citizenNonce = freshNonce();
    let citizensAnswer;
    await validateWebEidToken(token('citizen', ORIGIN, citizenNonce), citizenNonce, options({
      ocsp: { fetch: async (url, request) => (citizensAnswer = await post(url, request)) },
    }));
    // The revoked holder's validation is handed the citizen's "good".
    const nonce = freshNonce();
    await rejectsWith(
      validateWebEidToken(token('revoked', ORIGIN, nonce), nonce, options({ ocsp: { fetch: async () => citizensAnswer.slice() } })),
      'WEBEID_OCSP_CERT_MISMATCH',
    );
  });

  test('on a Node without a global crypto (Node 18) the package brings its own and validates', async (t) => {
    if (!servicesUp(t, [8881])) return;
    const nonce = freshNonce();
    // Node 20+ has the global from the start; this flag takes it away as Node 18 does.
    const script = `
      const before = typeof globalThis.crypto;
      const knik = await import(${JSON.stringify(new URL('../js/node.js', import.meta.url).href)});
      const [token, nonce, trusted] = process.argv.slice(2);
      const user = await knik.validateWebEidToken(token, nonce, {
        origin: ${JSON.stringify(ORIGIN)},
        trustedCertificateAuthorities: [trusted],
      });
      console.log(JSON.stringify({ before, psn: user.identity.personalNumber, responder: user.ocspResponder }));
    `;
    // A file, not -e: eval code sees node:crypto as a global `crypto`.
    const file = path.join(tempDir(), 'no-global-crypto.mjs');
    writeFileSync(file, script);
    const out = execFileSync(
      process.execPath,
      ['--no-experimental-global-webcrypto', file, token('citizen', ORIGIN, nonce), nonce, pkiText('citizen-ca.pem')],
      { encoding: 'utf8' },
    );
    assert.deepEqual(JSON.parse(out), { before: 'undefined', psn: '2810770123', responder: CITIZEN_OCSP });
  });
});

describe('without network', () => {
  test('a token signed for another origin: WEBEID_SIGNATURE_INVALID', async () => {
    const nonce = freshNonce();
    await rejectsWith(
      validateWebEidToken(token('citizen', 'https://evil.example.am', nonce), nonce, options({ ocsp: false })),
      'WEBEID_SIGNATURE_INVALID',
    );
    // And over another nonce.
    await rejectsWith(
      validateWebEidToken(token('citizen', ORIGIN, freshNonce()), nonce, options({ ocsp: false })),
      'WEBEID_SIGNATURE_INVALID',
    );
  });

  test('ocsp: false validates without calling anything, even the revoked holder (as in Rust)', async () => {
    const nonce = freshNonce();
    const user = await validateWebEidToken(token('citizen', ORIGIN, nonce), nonce, options({ ocsp: false }));
    assert.equal(user.identity.personalNumber, '2810770123');
    assert.equal(user.ocspResponder, null);
    const revoked = await validateWebEidToken(token('revoked', ORIGIN, nonce), nonce, options({ ocsp: false }));
    assert.equal(revoked.identity.personalNumber, '3105850789');
  });

  test('callback failures end in the validator\'s own codes, never in a pending pass', async () => {
    const nonce = freshNonce();
    const json = token('citizen', ORIGIN, nonce);
    let calls = 0;
    const down = { fetch: async () => { calls++; throw new Error('connection refused'); } };
    const error = await rejectsWith(validateWebEidToken(json, nonce, options({ ocsp: down })), 'WEBEID_OCSP_UNAVAILABLE');
    assert.match(error.message, /connection refused/);
    assert.equal(calls, 1);

    const junk = { fetch: async () => new Uint8Array([1, 2, 3]) };
    await rejectsWith(validateWebEidToken(json, nonce, options({ ocsp: junk })), 'WEBEID_OCSP_RESPONSE_MALFORMED');

    const notBytes = { fetch: async () => 'a string' };
    const notBytesError = await rejectsWith(validateWebEidToken(json, nonce, options({ ocsp: notBytes })), 'WEBEID_OCSP_UNAVAILABLE');
    assert.match(notBytesError.message, /bad answer: the OCSP callback did not return bytes/);

    const silent = { fetch: () => new Promise(() => {}) };
    const timeout = await rejectsWith(
      validateWebEidToken(json, nonce, options({ ocsp: silent, ocspTimeoutMs: 100 })),
      'WEBEID_OCSP_TIMEOUT',
    );
    assert.match(timeout.message, /within 100 ms/, 'the wait the caller chose, not the default');
  });

  test("an ocsp object's fetch is called as its method", async () => {
    const nonce = freshNonce();
    class Responder {
      #calls = 0;
      get calls() {
        return this.#calls;
      }
      async fetch() {
        this.#calls++; // a TypeError if `this` were lost
        throw new Error('offline');
      }
    }
    const responder = new Responder();
    const error = await rejectsWith(
      validateWebEidToken(token('citizen', ORIGIN, nonce), nonce, options({ ocsp: responder })),
      'WEBEID_OCSP_UNAVAILABLE',
    );
    assert.match(error.message, /offline/);
    assert.equal(responder.calls, 1);
  });

  test('ocspTimeoutMs is a whole number of milliseconds from 1 to 2^31-1', async () => {
    const nonce = freshNonce();
    const json = token('citizen', ORIGIN, nonce);
    for (const bad of [0, -1, 1.5, NaN, Infinity, 2 ** 31, 3e9, '100', true, {}]) {
      const error = await rejectsWith(
        validateWebEidToken(json, nonce, options({ ocsp: false, ocspTimeoutMs: bad })),
        'OPTIONS_INVALID',
      );
      assert.match(error.message, /ocspTimeoutMs/, `ocspTimeoutMs: ${String(bad)}`);
    }
    for (const good of [1, 2 ** 31 - 1, undefined, null]) {
      const user = await validateWebEidToken(json, nonce, options({ ocsp: false, ocspTimeoutMs: good }));
      assert.equal(user.identity.personalNumber, '2810770123', `ocspTimeoutMs: ${good}`);
    }
  });

  test('bad options are KnikErrors with stable codes', async () => {
    const nonce = freshNonce();
    const json = token('citizen', ORIGIN, nonce);
    await rejectsWith(
      validateWebEidToken(json, nonce, { origin: 'http://login.example.am', trustedCertificateAuthorities: TRUSTED }),
      'WEBEID_VALIDATOR_CONFIG',
    );
    await rejectsWith(validateWebEidToken(json, nonce, { origin: ORIGIN, trustedCertificateAuthorities: [] }), 'WEBEID_VALIDATOR_CONFIG');
    await rejectsWith(validateWebEidToken(json, nonce, options({ ocsp: { fetch: 'no' } })), 'OPTIONS_INVALID');
    await rejectsWith(validateWebEidToken(json, nonce), 'OPTIONS_INVALID');
    for (const notAnObject of ['https://login.example.am', 42, [ORIGIN], null]) {
      await rejectsWith(validateWebEidToken(json, nonce, notAnObject), 'OPTIONS_INVALID');
    }
    await rejectsWith(validateWebEidToken(json, nonce, options({ ocsp: true })), 'OPTIONS_INVALID');
    await rejectsWith(validateWebEidToken(json, 'short', options({ ocsp: false })), 'WEBEID_NONCE_INVALID');
    // Developer mode lets http://localhost through the configuration.
    const local = 'http://localhost:8080';
    const user = await validateWebEidToken(token('citizen', local, nonce), nonce, {
      origin: local,
      trustedCertificateAuthorities: TRUSTED,
      allowHttpLocalhost: true,
      ocsp: false,
    });
    assert.equal(user.identity.personalNumber, '2810770123');
  });
});

describe('the default ocspFetch against a local HTTP server', () => {
  const CAP = 1024 * 1024;
  let server;
  let base;
  before(async () => {
    // /size/N answers N bytes; /chunked/N the same without a Content-Length; /status/N that
    // status.
    server = http.createServer((request, response) => {
      request.resume();
      const [, kind, number] = request.url.split('/');
      const n = Number(number);
      if (kind === 'status') {
        response.writeHead(n).end('no');
      } else if (kind === 'size') {
        response.writeHead(200, { 'Content-Type': 'application/ocsp-response', 'Content-Length': n });
        response.end(Buffer.alloc(n, 0x30));
      } else {
        response.writeHead(200, { 'Content-Type': 'application/ocsp-response' });
        // 64 KiB at a time, so the client sees the body grow.
        for (let sent = 0; sent < n; sent += 65536) response.write(Buffer.alloc(Math.min(65536, n - sent), 0x30));
        response.end();
      }
    });
    await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${server.address().port}`;
  });
  after(() => server?.close());

  const request = new Uint8Array([0x30, 0x00]);
  const signal = () => new AbortController().signal;

  test('reads an answer of exactly 1 MiB, with or without Content-Length', async () => {
    for (const kind of ['size', 'chunked']) {
      const answer = await ocspFetch(`${base}/${kind}/${CAP}`, request, { signal: signal() });
      assert.ok(answer instanceof Uint8Array);
      assert.equal(answer.length, CAP, kind);
    }
  });

  test('refuses an answer over 1 MiB, declared or not, and a non-200', async () => {
    await assert.rejects(ocspFetch(`${base}/size/${CAP + 1}`, request, { signal: signal() }), /1048577 bytes, over the 1048576 byte cap/);
    await assert.rejects(ocspFetch(`${base}/chunked/${4 * CAP}`, request, { signal: signal() }), /over the 1048576 byte cap/);
    await assert.rejects(ocspFetch(`${base}/status/500`, request, { signal: signal() }), /HTTP status 500/);
  });

  test('an oversized answer ends the validation in WEBEID_OCSP_UNAVAILABLE, as a bad answer', async () => {
    const nonce = freshNonce();
    const json = token('citizen', ORIGIN, nonce);
    for (const path of [`chunked/${2 * CAP}`, 'status/503']) {
      // The validator's request, sent to the local server instead of the responder.
      const ocsp = { fetch: (url, ocspRequest, init) => ocspFetch(`${base}/${path}`, ocspRequest, init) };
      const error = await rejectsWith(validateWebEidToken(json, nonce, options({ ocsp })), 'WEBEID_OCSP_UNAVAILABLE');
      assert.match(error.message, /bad answer/, path);
    }
  });
});

// ----- the Rust corpus, replayed in wasm -----

const CORPUS = path.join(ROOT, 'fuzz/corpus/webeid_token');
// knik_webeid::fuzzing::{TOKEN_ORIGIN, TOKEN_NONCE} and the validators' fixed time.
const CORPUS_ORIGIN = 'https://login.example.am';
const CORPUS_NONCE = 'qQ8w0bDzQ3Ff1H2n5yS7+0m9c8ZpT4kL6uV1xR3eA2Y=';
const CORPUS_TIME = '2030-01-01T00:00:00Z';

/** The outcomes the Rust corpus test expects, read from its table: name → PSN or code. */
function rustExpectations() {
  const source = readFileSync(path.join(ROOT, 'crates/knik-webeid/tests/validator.rs'), 'utf8');
  const table = source.slice(source.indexOf('fn fuzz_corpus_replays_and_every_seed_keeps_its_outcome'));
  const expected = new Map();
  for (const m of table.matchAll(/\(\s*"([^"]+)",\s*(?:ok\("(\d+)"\)|Err\("(WEBEID_\w+)"\))\s*,?\s*\)/g)) {
    expected.set(m[1], m[2] ?? m[3]);
  }
  return expected;
}

test('every Web eID corpus seed ends in wasm as in the Rust corpus test', async () => {
  const expected = rustExpectations();
  assert.ok(expected.size >= 50, `read ${expected.size} expectations from the Rust test`);
  const trusted = ['chain-citizen-ca.pem', 'chain-resident-ca.pem', 'chain-mobile-id-ca.pem'].map(pkiText);
  const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }) // keep a BOM: it is part of the seed;
  let checked = 0;
  for (const name of readdirSync(CORPUS).sort()) {
    assert.ok(expected.has(name), `the Rust test has an expectation for ${name}`);
    let text;
    try {
      text = decoder.decode(readFileSync(path.join(CORPUS, name)));
    } catch {
      continue; // not UTF-8: no JavaScript string can carry it
    }
    let outcome;
    try {
      const user = await validateWebEidToken(text, CORPUS_NONCE, {
        origin: CORPUS_ORIGIN,
        trustedCertificateAuthorities: trusted,
        ocsp: false,
        validationTime: CORPUS_TIME,
      });
      outcome = user.identity.personalNumber;
    } catch (e) {
      assert.ok(e instanceof KnikError, `${name}: ${e}`);
      outcome = e.code;
    }
    assert.equal(outcome, expected.get(name), `seed ${name}`);
    checked++;
  }
  assert.ok(checked >= 50, `checked ${checked} seeds`);
});
