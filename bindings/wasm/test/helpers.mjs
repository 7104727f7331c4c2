// Shared helpers of the @knik/wasm Node tests: paths, the knik CLI (the Rust reference the
// wasm results are compared with), the loopback-services check and a small ZIP rewriter for
// tampered containers. Node's standard library only.

import { spawnSync } from 'node:child_process';
import { createHash, createPrivateKey, sign } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';

export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const PKI = path.join(ROOT, 'test-vectors/pki');
export const KNIK = path.join(ROOT, 'target/debug/knik');
export const PKG = path.join(ROOT, 'bindings/wasm/pkg');

/** A fresh temporary directory. */
export function tempDir() {
  return mkdtempSync(path.join(tmpdir(), 'knik-wasm-test-'));
}

export function pki(relative) {
  return readFileSync(path.join(PKI, relative));
}

export function pkiText(relative) {
  return readFileSync(path.join(PKI, relative), 'utf8');
}

/**
 * Whether the loopback services on `ports` listen (checked with `ss`, never by connecting:
 * the OCSP responders exit on anything but a well-formed request). When not, the test is
 * skipped with "SKIPPED: …" on stderr — or fails under KNIK_REQUIRE_SERVICES=1 (CI).
 */
export function servicesUp(t, ports) {
  if (process.env.KNIK_SKIP_SERVICES === '1') {
    console.error('SKIPPED: KNIK_SKIP_SERVICES=1');
    t.skip('KNIK_SKIP_SERVICES=1');
    return false;
  }
  const listening = spawnSync('ss', ['-ltnH'], { encoding: 'utf8' }).stdout ?? '';
  const missing = ports.filter((port) => !listening.includes(`:${port} `));
  if (missing.length === 0) return true;
  const why = `ports ${missing.join(', ')} are not listening (scripts/services.sh up)`;
  if (process.env.KNIK_REQUIRE_SERVICES === '1') {
    throw new Error(`KNIK_REQUIRE_SERVICES=1 but ${why}`);
  }
  console.error(`SKIPPED: ${why}`);
  t.skip(why);
  return false;
}

// The CLI reads no user configuration in the tests.
const CLI_ENV = { ...process.env, XDG_CONFIG_HOME: tempDir() };

/** Runs the knik CLI; returns { status, stdout, stderr }. */
export function knik(args) {
  const run = spawnSync(KNIK, args, { env: CLI_ENV, encoding: 'utf8' });
  if (run.error) throw run.error;
  return run;
}

/** `knik verify FILE --json --trust root.pem`: the Rust report of the same bytes. */
export function knikVerify(bytes) {
  const file = path.join(tempDir(), 'container.asice');
  writeFileSync(file, bytes);
  const run = knik(['verify', file, '--json', '--trust', path.join(PKI, 'root.pem')]);
  // 0 valid, 9 invalid, 10 indeterminate: all are reports.
  if (![0, 9, 10].includes(run.status)) {
    throw new Error(`knik verify exited ${run.status}: ${run.stderr}`);
  }
  return JSON.parse(run.stdout);
}

/** Every finding code of a report (container and signatures), sorted. */
export function codes(report) {
  return [
    ...report.container.findings,
    ...report.signatures.flatMap((s) => s.findings),
  ]
    .map((f) => f.code)
    .sort();
}

/**
 * A container of one text file signed by `knik sign` with the citizen's software key: B-LT
 * with the loopback TSA and OCSP responder, or B-B (`level: 'B'`, no services). Returns the
 * bytes, or null after printing why signing failed.
 */
export function signWithKnik(level = 'LT') {
  const dir = tempDir();
  const input = path.join(dir, 'hello.txt');
  const output = path.join(dir, 'signed.asice');
  writeFileSync(input, 'Hello from the knik WebAssembly tests.\n');
  const services = level === 'B' ? [] : [
    '--tsa', 'http://127.0.0.1:8889/',
    '--ocsp', 'http://127.0.0.1:8881/',
  ];
  const run = knik([
    'sign', input, '-o', output,
    '--key', path.join(PKI, 'holders/citizen/sign.key'),
    '--cert', path.join(PKI, 'holders/citizen/sign.pem'),
    '--level', level,
    ...services,
    '--chain', path.join(PKI, 'chain-citizen-ca.pem'),
  ]);
  if (run.status !== 0) {
    console.error(`knik sign --level ${level} failed (${run.status}): ${run.stderr}`);
    return null;
  }
  return new Uint8Array(readFileSync(output));
}

// ----- Web eID tokens -----

/**
 * A `web-eid:1.0` token as the extension sends it: the holder's authentication certificate
 * and an ES384 signature (IEEE P1363 r‖s) over SHA-384(SHA-384(origin) ‖ SHA-384(nonce)).
 */
export function webEidToken(holder, origin, nonce) {
  const sha384 = (text) => createHash('sha384').update(text, 'utf8').digest();
  const key = createPrivateKey(readFileSync(path.join(PKI, `holders/${holder}/auth.key`)));
  // crypto.sign hashes the message once more with SHA-384: the card's digest.
  const signature = sign('sha384', Buffer.concat([sha384(origin), sha384(nonce)]), {
    key,
    dsaEncoding: 'ieee-p1363',
  });
  return JSON.stringify({
    unverifiedCertificate: pki(`holders/${holder}/auth.der`).toString('base64'),
    algorithm: 'ES384',
    signature: signature.toString('base64'),
    format: 'web-eid:1.0',
    appVersion: 'https://web-eid.eu/web-eid-app/releases/2.5.0',
  });
}

// ----- ZIP rewriting (APPNOTE 4.3): enough for knik's own containers -----

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes) {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** The entries of a ZIP in central-directory order, with their uncompressed contents. */
export function readZip(zip) {
  const buf = Buffer.from(zip);
  let eocd = buf.length - 22;
  while (eocd >= 0 && buf.readUInt32LE(eocd) !== 0x06054b50) eocd--;
  if (eocd < 0) throw new Error('no end of central directory');
  const count = buf.readUInt16LE(eocd + 10);
  let at = buf.readUInt32LE(eocd + 16);
  const entries = [];
  for (let i = 0; i < count; i++) {
    if (buf.readUInt32LE(at) !== 0x02014b50) throw new Error('bad central directory');
    const method = buf.readUInt16LE(at + 10);
    const compressedSize = buf.readUInt32LE(at + 20);
    const nameLength = buf.readUInt16LE(at + 28);
    const extraLength = buf.readUInt16LE(at + 30);
    const commentLength = buf.readUInt16LE(at + 32);
    const local = buf.readUInt32LE(at + 42);
    const name = buf.toString('utf8', at + 46, at + 46 + nameLength);
    const dataStart = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
    const raw = buf.subarray(dataStart, dataStart + compressedSize);
    entries.push({
      name,
      method,
      time: buf.readUInt16LE(at + 12),
      date: buf.readUInt16LE(at + 14),
      flags: buf.readUInt16LE(at + 8) & ~0x0008,
      data: method === 8 ? zlib.inflateRawSync(raw) : Buffer.from(raw),
    });
    at += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

/** A ZIP of `entries` (same order, names, methods and times), without data descriptors. */
export function writeZip(entries) {
  const locals = [];
  const centrals = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.from(e.name, 'utf8');
    const stored = e.method === 8 ? zlib.deflateRawSync(e.data) : e.data;
    const crc = crc32(e.data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(e.flags, 6);
    local.writeUInt16LE(e.method, 8);
    local.writeUInt16LE(e.time, 10);
    local.writeUInt16LE(e.date, 12);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(stored.length, 18);
    local.writeUInt32LE(e.data.length, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(e.flags, 8);
    central.writeUInt16LE(e.method, 10);
    central.writeUInt16LE(e.time, 12);
    central.writeUInt16LE(e.date, 14);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(stored.length, 20);
    central.writeUInt32LE(e.data.length, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, stored);
    centrals.push(central, name);
    offset += local.length + name.length + stored.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return new Uint8Array(Buffer.concat([...locals, directory, end]));
}

/** A copy of the container with entry `name`'s contents replaced by `change(contents)`. */
export function tamper(zip, name, change) {
  const entries = readZip(zip);
  const entry = entries.find((e) => e.name === name);
  if (!entry) throw new Error(`no entry ${name}`);
  const changed = Buffer.from(change(Buffer.from(entry.data)));
  if (changed.equals(entry.data)) throw new Error(`tampering ${name} changed nothing`);
  entry.data = changed;
  return writeZip(entries);
}

/** The container written anew by this rewriter, unchanged: the control for `tamper`. */
export function rewrite(zip) {
  return writeZip(readZip(zip));
}
