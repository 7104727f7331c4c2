// The TypeScript types (index.d.ts) as a dependent project compiles them.
//
// What it proves: a strict project (`module: nodenext`, no skipLibCheck) that imports
// @knik/wasm by name type-checks with `lib: ["es2022"]` alone — no DOM lib, no @types/node —
// and also with the DOM lib and with @types/node, where the platform types (URL, Response,
// AbortSignal, …) are the real ones: an OCSP callback passes the request and signal it gets
// straight to `fetch`. And tsc really checks the package's types: reading a signature's level
// as if `'none'` were not one of them is an error.
//
// Needs typescript and @types/node from the package's devDependencies (test.sh runs `npm ci`).

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { tempDir } from './helpers.mjs';

const PACKAGE_DIR = fileURLToPath(new URL('..', import.meta.url));
const TSC = path.join(PACKAGE_DIR, 'node_modules/typescript/bin/tsc');
const TYPE_ROOTS = path.join(PACKAGE_DIR, 'node_modules/@types');

/** Uses the whole API the way an application would; valid whatever the platform lib. */
const APP = `
import {
  init, version, findingCodes, bindingErrorCodes, verifyContainer, validateWebEidToken,
  ocspFetch, KnikError,
  type OcspFetch, type Report, type SignatureReport, type ValidatedUser, type WebEidOptions,
} from '@knik/wasm';

await init();
await init('https://cdn.example.am/knik_wasm_bg.wasm');
await init(new Uint8Array(8));
await init(new ArrayBuffer(8));
const names: string[] = [version(), ...findingCodes(), ...bindingErrorCodes()];
// (lib es2022 has no console.)
export const seen: unknown[] = [];

const report: Report = verifyContainer(new Uint8Array(1), {
  trustAnchors: ['-----BEGIN CERTIFICATE-----', new Uint8Array(1)],
  validationTime: new Date(),
});
const first: SignatureReport | undefined = report.signatures[0];
const level: 'B-B' | 'B-T' | 'B-LT' | 'B-LTA' | 'none' | undefined = first?.level;
verifyContainer(new ArrayBuffer(1), { validationTime: 1772366400000 });

const logged: OcspFetch = (url, request, { signal }) => ocspFetch(url, request, { signal });
const options: WebEidOptions = {
  origin: 'https://login.example.am',
  trustedCertificateAuthorities: ['-----BEGIN CERTIFICATE-----'],
  ocsp: { fetch: logged },
  ocspTimeoutMs: 3000,
  validationTime: '2026-03-01T12:00:00Z',
};
try {
  const user: ValidatedUser = await validateWebEidToken('{}', 'nonce', options);
  const who: string = user.identity.personalNumber;
  const der: Uint8Array = user.certificate.der;
  seen.push(names.length, level, who, der.length);
} catch (e) {
  if (e instanceof KnikError) {
    const code: string = e.code;
    seen.push(code, e.message);
  }
}
`;

/** With a platform lib: the real URL and fetch meet the package's types. */
const PLATFORM = `
import { init, validateWebEidToken } from '@knik/wasm';

await init(new URL('https://cdn.example.am/knik_wasm_bg.wasm'));
await init(await fetch('https://cdn.example.am/knik_wasm_bg.wasm'));
await validateWebEidToken('{}', 'nonce', {
  origin: 'https://login.example.am',
  trustedCertificateAuthorities: [],
  ocsp: {
    async fetch(url, request, { signal }) {
      const response = await fetch(url, { method: 'POST', body: request, signal });
      if (signal.aborted) throw new Error('timed out');
      return new Uint8Array(await response.arrayBuffer());
    },
  },
});
`;

/** Must not compile: a level of 'none' does not fit the four XAdES levels. */
const WRONG = `
import { verifyContainer } from '@knik/wasm';
export const level: 'B-B' | 'B-T' | 'B-LT' | 'B-LTA' = verifyContainer(new Uint8Array(1)).signatures[0].level;
`;

/** A project depending on @knik/wasm with `files` and the given compiler options; runs tsc. */
function compile(files, compilerOptions) {
  const project = tempDir();
  mkdirSync(path.join(project, 'node_modules/@knik'), { recursive: true });
  symlinkSync(PACKAGE_DIR, path.join(project, 'node_modules/@knik/wasm'), 'dir');
  writeFileSync(path.join(project, 'package.json'), '{"type": "module"}');
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(project, name), text);
  const tsconfig = {
    compilerOptions: {
      strict: true,
      module: 'nodenext',
      moduleResolution: 'nodenext',
      target: 'es2022',
      noEmit: true,
      skipLibCheck: false,
      ...compilerOptions,
    },
    files: Object.keys(files),
  };
  writeFileSync(path.join(project, 'tsconfig.json'), JSON.stringify(tsconfig));
  const run = spawnSync(process.execPath, [TSC, '-p', project], { encoding: 'utf8' });
  if (run.error) throw run.error;
  return { status: run.status, output: run.stdout + run.stderr };
}

function hasTypescript(t) {
  if (existsSync(TSC)) return true;
  // test.sh installs it; a bare `node --test` without `npm ci` has no compiler to run.
  t.skip('typescript is not installed (npm ci in bindings/wasm)');
  console.error('SKIPPED: typescript is not installed (npm ci in bindings/wasm)');
  return false;
}

test('the types compile with lib es2022 alone: no DOM, no @types/node', (t) => {
  if (!hasTypescript(t)) return;
  const { status, output } = compile({ 'app.ts': APP }, { lib: ['es2022'], types: [] });
  assert.equal(status, 0, output);
});

test('the types compile with the DOM lib, and fetch takes the callback\'s request and signal', (t) => {
  if (!hasTypescript(t)) return;
  const { status, output } = compile({ 'app.ts': APP, 'platform.ts': PLATFORM }, { lib: ['es2022', 'dom'], types: [] });
  assert.equal(status, 0, output);
});

test('the types compile with @types/node, and fetch takes the callback\'s request and signal', (t) => {
  if (!hasTypescript(t)) return;
  const { status, output } = compile(
    { 'app.ts': APP, 'platform.ts': PLATFORM },
    { lib: ['es2022'], types: ['node'], typeRoots: [TYPE_ROOTS] },
  );
  assert.equal(status, 0, output);
});

test('tsc checks against the package\'s types: a level of none is not one of the four levels', (t) => {
  if (!hasTypescript(t)) return;
  const { status, output } = compile({ 'wrong.ts': WRONG }, { lib: ['es2022'], types: [] });
  assert.notEqual(status, 0, 'the assignment must not compile');
  assert.match(output, /wrong\.ts\(3,\d+\): error TS2322: [^\n]*"none"/);
  // And nothing else is wrong.
  assert.equal(output.match(/error TS/g).length, 1, output);
});
