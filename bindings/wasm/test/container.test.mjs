// verifyContainer in WebAssembly against the Rust CLI (`knik verify --json`) on the same bytes.
//
// What it proves: a B-LT container signed by `knik sign` (citizen key, the loopback TSA and
// OCSP responder) verifies in wasm as valid, level B-LT, signer PSN 2810770123, and the wasm
// report is the CLI's report (all of it but the file name and the validation time); tampered
// copies — a data file's bytes, the signed properties, the signature value — and inputs that
// are not a container (not a ZIP, truncated) get exactly the CLI's verdict and finding codes;
// bad options (also an options argument that is not an object) throw a KnikError with a stable
// code, while a bad container never throws.
//
// Signing needs the TSA (:8889) and the citizen OCSP responder (:8881): without them the
// tests that need the signed container print "SKIPPED" (KNIK_REQUIRE_SERVICES=1 makes them
// fail); the not-a-container cases and the option errors run anyway.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { before, describe, test } from 'node:test';

import { KnikError, findingCodes, verifyContainer } from '../js/node.js';
import {
  PKI,
  codes,
  knik,
  knikVerify,
  pkiText,
  rewrite,
  servicesUp,
  signWithKnik,
  tamper,
} from './helpers.mjs';

const ROOT_PEM = pkiText('root.pem');
const SERVICES = [8881, 8889];

/** The wasm report without what legitimately differs from the CLI's: the file name and "now". */
function comparable(report) {
  const { file: _file, validation_time: _time, ...rest } = report;
  return rest;
}

function verifyInWasm(bytes) {
  return verifyContainer(bytes, { trustAnchors: [ROOT_PEM] });
}

/** Verifies `bytes` in wasm and with the CLI; asserts the same verdict and finding codes. */
function assertSameAsRust(bytes, what) {
  const wasm = verifyInWasm(bytes);
  const rust = knikVerify(bytes);
  assert.equal(wasm.verdict, rust.verdict, `${what}: verdict`);
  assert.deepEqual(codes(wasm), codes(rust), `${what}: finding codes`);
  assert.deepEqual(
    wasm.signatures.map((s) => [s.verdict, s.level]),
    rust.signatures.map((s) => [s.verdict, s.level]),
    `${what}: per-signature verdicts and levels`,
  );
  return wasm;
}

let signed = null;

before(() => {
  assert.equal(knik(['--version']).status, 0, 'the knik CLI runs (cargo build -p knik-cli)');
  if (process.env.KNIK_SKIP_SERVICES !== '1') signed = signWithKnik('LT');
});

describe('a container signed by knik', () => {
  test('verifies in wasm: valid, B-LT, the citizen, the same report as the CLI', (t) => {
    if (!haveSigned(t)) return;
    const wasm = verifyInWasm(signed);
    assert.equal(wasm.verdict, 'valid');
    assert.equal(wasm.format, 'knik-verification-report/1');
    assert.equal(wasm.signatures.length, 1);
    const [signature] = wasm.signatures;
    assert.equal(signature.verdict, 'valid');
    assert.equal(signature.level, 'B-LT');
    assert.equal(signature.signer.personal_number, '2810770123');
    assert.equal(signature.signer.surname, 'PETROSYAN');
    assert.equal(signature.revocation.status, 'good');
    assert.deepEqual(signature.signed_files, ['hello.txt']);

    const rust = knikVerify(signed);
    assert.equal(rust.verdict, 'valid');
    assert.deepEqual(comparable(wasm), comparable(rust));
  });

  test('without a trust anchor it is indeterminate, as in Rust', (t) => {
    if (!haveSigned(t)) return;
    const wasm = verifyContainer(signed);
    assert.equal(wasm.verdict, 'indeterminate');
    assert.ok(codes(wasm).includes('SIGNER_NOT_TRUSTED'), codes(wasm).join());
  });

  test('the validation time is the one given', (t) => {
    if (!haveSigned(t)) return;
    const at = '2031-05-06T07:08:09Z';
    assert.equal(verifyContainer(signed, { trustAnchors: [ROOT_PEM], validationTime: at }).validation_time, at);
    const date = new Date('2030-01-02T03:04:05Z');
    assert.equal(
      verifyContainer(signed, { trustAnchors: [ROOT_PEM], validationTime: date }).validation_time,
      '2030-01-02T03:04:05Z',
    );
  });
});

describe('tampered copies fail in wasm with the CLI finding codes', () => {
  test('the rewriter itself changes nothing that matters (control)', (t) => {
    if (!haveSigned(t)) return;
    const copy = assertSameAsRust(rewrite(signed), 'rewritten copy');
    assert.equal(copy.verdict, 'valid');
  });

  test('a data file changed inside the ZIP: DATA_DIGEST_MISMATCH', (t) => {
    if (!haveSigned(t)) return;
    const changed = tamper(signed, 'hello.txt', (d) => Buffer.from(d.toString().replace('Hello', 'Jello')));
    const wasm = assertSameAsRust(changed, 'data file changed');
    assert.equal(wasm.verdict, 'invalid');
    assert.ok(codes(wasm).includes('DATA_DIGEST_MISMATCH'), codes(wasm).join());
  });

  test('the signed properties changed: the signature XML no longer matches', (t) => {
    if (!haveSigned(t)) return;
    // The claimed signing time one year earlier.
    const changed = tamper(signed, 'META-INF/signatures0.xml', (d) =>
      Buffer.from(
        d.toString().replace(/<xades:SigningTime>(\d{4})/, (_, year) => `<xades:SigningTime>${Number(year) - 1}`),
      ),
    );
    const wasm = assertSameAsRust(changed, 'signed properties changed');
    assert.equal(wasm.verdict, 'invalid');
    assert.ok(codes(wasm).includes('SIGNED_PROPERTIES_DIGEST_MISMATCH'), codes(wasm).join());
  });

  test('the signature value changed: SIGNATURE_VALUE_INVALID', (t) => {
    if (!haveSigned(t)) return;
    // The first base64 character of the value: another r.
    const changed = tamper(signed, 'META-INF/signatures0.xml', (d) =>
      Buffer.from(
        d.toString().replace(/(<ds:SignatureValue[^>]*>)(.)/, (_, open, c) => open + (c === 'A' ? 'B' : 'A')),
      ),
    );
    const wasm = assertSameAsRust(changed, 'signature value changed');
    assert.equal(wasm.verdict, 'invalid');
    assert.ok(codes(wasm).includes('SIGNATURE_VALUE_INVALID'), codes(wasm).join());
  });

  test('a truncated container', (t) => {
    if (!haveSigned(t)) return;
    const wasm = assertSameAsRust(signed.subarray(0, Math.floor(signed.length / 2)), 'truncated');
    assert.equal(wasm.verdict, 'invalid');
    assert.equal(wasm.container.structure, 'rejected');
  });
});

describe('inputs that are not containers', () => {
  test('bytes that are not a ZIP: ZIP_NOT_ZIP, as in Rust, and no exception', () => {
    const junk = new TextEncoder().encode('%PDF-1.7 this is not an ASiC-E container at all');
    const wasm = assertSameAsRust(junk, 'not a ZIP');
    assert.equal(wasm.verdict, 'invalid');
    assert.deepEqual(codes(wasm), ['ZIP_NOT_ZIP']);
  });

  test('an empty input', () => {
    const wasm = assertSameAsRust(new Uint8Array(0), 'empty');
    assert.equal(wasm.verdict, 'invalid');
  });
});

describe('options', () => {
  test('an unreadable trust anchor is a KnikError with knik-pki\'s code', () => {
    assert.throws(
      () => verifyContainer(new Uint8Array(10), { trustAnchors: ['not a certificate'] }),
      (e) => e instanceof KnikError && e.code === 'DER_MALFORMED' && /trustAnchors\[0\]/.test(e.message),
    );
    const broken = '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n';
    assert.throws(
      () => verifyContainer(new Uint8Array(10), { intermediates: [broken] }),
      (e) => e instanceof KnikError && typeof e.code === 'string' && e.code !== 'OPTIONS_INVALID',
    );
  });

  test('wrong types and dates are OPTIONS_INVALID', () => {
    const invalid = (e) => e instanceof KnikError && e.code === 'OPTIONS_INVALID';
    assert.throws(() => verifyContainer('not bytes'), invalid);
    assert.throws(() => verifyContainer(new Uint8Array(1), { trustAnchors: 'root.pem' }), invalid);
    assert.throws(() => verifyContainer(new Uint8Array(1), { trustAnchors: [42] }), invalid);
    assert.throws(() => verifyContainer(new Uint8Array(1), { validationTime: 'yesterday' }), invalid);
    assert.throws(() => verifyContainer(new Uint8Array(1), { validationTime: new Date(NaN) }), invalid);
  });

  test('options that are not an object are refused, not ignored: OPTIONS_INVALID', () => {
    const junk = new Uint8Array(1);
    for (const notAnObject of ['root.pem', 42, true, [pkiText('root.pem')], () => ({})]) {
      assert.throws(
        () => verifyContainer(junk, notAnObject),
        (e) => e instanceof KnikError && e.code === 'OPTIONS_INVALID' && /options must be an object/.test(e.message),
        `options: ${typeof notAnObject}`,
      );
    }
    // No options at all is fine: undefined or null.
    for (const none of [undefined, null]) {
      assert.equal(verifyContainer(junk, none).verdict, 'invalid');
    }
  });

  test('DER and PEM anchors are the same anchor', (t) => {
    if (!haveSigned(t)) return;
    const der = new Uint8Array(readFileSync(path.join(PKI, 'root.der')));
    const withDer = verifyContainer(signed, { trustAnchors: [der] });
    assert.equal(withDer.verdict, 'valid');
  });
});

test('findingCodes lists every layer\'s documented codes', () => {
  const list = findingCodes();
  for (const code of ['NO_SIGNATURES', 'SIGNER_NOT_TRUSTED', 'DATA_DIGEST_MISMATCH', 'SIGNATURE_VALUE_INVALID', 'MANIFEST_MISSING']) {
    assert.ok(list.includes(code), code);
  }
  assert.deepEqual([...list].sort(), list);
  assert.equal(new Set(list).size, list.length);
});

/** Whether the signing services listen; if so, the container made with them must exist. */
function haveSigned(t) {
  if (!servicesUp(t, SERVICES)) return false;
  assert.ok(signed, 'knik sign made the B-LT container (see its error above)');
  return true;
}
