// The npm package as a user gets it.
//
// What it proves: `npm pack` ships exactly the wrapper, the types, the wasm-bindgen glue and
// the one .wasm (no sources, no tests); a project that depends on @knik/wasm imports it by
// name in Node (the package.json "exports" resolve to the Node entry) and can use it at once;
// package.json's version is the crate's.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { tempDir } from './helpers.mjs';

const PACKAGE_DIR = fileURLToPath(new URL('..', import.meta.url));
const MANIFEST = JSON.parse(readFileSync(path.join(PACKAGE_DIR, 'package.json'), 'utf8'));

test('npm pack ships the wrapper, the types and one .wasm', () => {
  const [packed] = JSON.parse(
    execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: PACKAGE_DIR, encoding: 'utf8' }),
  );
  assert.equal(packed.name, '@knik/wasm');
  assert.deepEqual(packed.files.map((f) => f.path).sort(), [
    'README.md',
    'SIZE.md',
    'index.d.ts',
    'js/browser.js',
    'js/common.js',
    'js/node.js',
    'package.json',
    'pkg/knik_wasm.js',
    'pkg/knik_wasm_bg.wasm',
  ]);
  console.log(`npm package: ${packed.size} bytes packed, ${packed.unpackedSize} unpacked`);
});

test('a dependent project imports @knik/wasm by name in Node', () => {
  const project = tempDir();
  mkdirSync(path.join(project, 'node_modules/@knik'), { recursive: true });
  symlinkSync(PACKAGE_DIR, path.join(project, 'node_modules/@knik/wasm'), 'dir');
  writeFileSync(path.join(project, 'package.json'), '{"type": "module"}');
  writeFileSync(
    path.join(project, 'app.js'),
    `import { verifyContainer, version, KnikError } from '@knik/wasm';
     const report = verifyContainer(new Uint8Array([1, 2, 3]));
     console.log(JSON.stringify({ version: version(), verdict: report.verdict, error: typeof KnikError }));`,
  );
  const out = JSON.parse(execFileSync(process.execPath, ['app.js'], { cwd: project, encoding: 'utf8' }));
  // The crate's version (the workspace's) is the package's.
  assert.deepEqual(out, { version: MANIFEST.version, verdict: 'invalid', error: 'function' });
});
