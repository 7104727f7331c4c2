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
// The responder tests print "SKIPPED" when :8881 is not listening (KNIK_REQUIRE_SERVICES=1
// makes them fail); the others need no network.

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';

import { KnikError, validateWebEidToken } from '../js/node.js';
import { ROOT, pki, pkiText, servicesUp, webEidToken as token } from './helpers.mjs';

const ORIGIN = 'https://login.example.am';
const CITIZEN_OCSP = 'http://127.0.0.1:8881/';

/** A fresh challenge nonce: 32 random bytes, base64 (44 characters). */
function freshNonce() {
  return randomBytes(32).toString('base64');
}

/** The issuing CA as PEM text and the root as DER bytes: both input forms. */
const TRUSTED = [pkiText('citizen-ca.pem'), new Uint8Array(pki('root.der'))];

/** An OCSP callback that POSTs with fetch and records every call. */
function countingOcsp() {
  const calls = [];
  return {
    calls,
    fetch: async (url, request) => {
      calls.push({ url, request });
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'Content-Type': 'application/ocsp-request' },
        body: request,
      });
      if (response.status !== 200) throw new Error(`HTTP ${response.status}`);
      return new Uint8Array(await response.arrayBuffer());
    },
  };
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
    await rejectsWith(validateWebEidToken(json, nonce, options({ ocsp: notBytes })), 'WEBEID_OCSP_UNAVAILABLE');

    const silent = { fetch: () => new Promise(() => {}) };
    await rejectsWith(
      validateWebEidToken(json, nonce, options({ ocsp: silent, ocspTimeoutMs: 100 })),
      'WEBEID_OCSP_TIMEOUT',
    );
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
