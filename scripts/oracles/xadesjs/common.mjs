// Shared by verify-xadesjs.mjs and produce-xadesjs.mjs: loading xadesjs from the directory
// scripts/install-oracles.sh installed it in, and a small ZIP reader/writer (node's zlib only;
// enough for ASiC-E test containers: STORED and DEFLATE entries, no ZIP64, no encryption).
import { createRequire } from 'node:module';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';

/** xadesjs, xmldsigjs and friends, from $KNIK_ORACLES_DIR/xadesjs (default ~/.cache/knik-oracles). */
export function loadXadesjs() {
  const dir = process.env.KNIK_ORACLES_DIR || path.join(os.homedir(), '.cache', 'knik-oracles');
  const manifest = path.join(dir, 'xadesjs', 'package.json');
  if (!fs.existsSync(path.join(dir, 'xadesjs', 'node_modules', 'xadesjs'))) {
    console.error(`xadesjs is not installed in ${dir}/xadesjs: run scripts/install-oracles.sh`);
    process.exit(2);
  }
  const require = createRequire(manifest);
  const xadesjs = require('xadesjs');
  const xmldsigjs = require('xmldsigjs');
  const xmldom = require('@xmldom/xmldom');
  const xpath = require('xpath');
  const { Crypto } = require('@peculiar/webcrypto');
  xadesjs.setNodeDependencies({
    XMLSerializer: xmldom.XMLSerializer, DOMParser: xmldom.DOMParser,
    DOMImplementation: xmldom.DOMImplementation, xpath,
  });
  const crypto = new Crypto();
  xadesjs.Application.setEngine('NodeJS', crypto);
  return { xadesjs, xmldsigjs, xmldom, crypto };
}

/** Reads every entry of a ZIP file: [{ name, data }] in central-directory order. */
export function readZip(file) {
  const buf = fs.readFileSync(file);
  let eocd = -1;
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 22 - 65535); i--) {
    if (buf.readUInt32LE(i) === 0x06054b50) { eocd = i; break; }
  }
  if (eocd < 0) throw new Error(`${file}: not a ZIP file (no end of central directory)`);
  const count = buf.readUInt16LE(eocd + 10);
  let p = buf.readUInt32LE(eocd + 16);
  if (count === 0xffff || p === 0xffffffff) throw new Error(`${file}: ZIP64 is not supported here`);
  const entries = [];
  for (let n = 0; n < count; n++) {
    if (buf.readUInt32LE(p) !== 0x02014b50) throw new Error(`${file}: bad central directory`);
    const method = buf.readUInt16LE(p + 10);
    const csize = buf.readUInt32LE(p + 20);
    const nameLen = buf.readUInt16LE(p + 28);
    const extraLen = buf.readUInt16LE(p + 30);
    const commentLen = buf.readUInt16LE(p + 32);
    const local = buf.readUInt32LE(p + 42);
    const name = buf.subarray(p + 46, p + 46 + nameLen).toString('utf8');
    const start = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
    const raw = buf.subarray(start, start + csize);
    let data;
    if (method === 0) data = Buffer.from(raw);
    else if (method === 8) data = zlib.inflateRawSync(raw);
    else throw new Error(`${file}: ${name}: compression method ${method} is not supported`);
    entries.push({ name, data });
    p += 46 + nameLen + extraLen + commentLen;
  }
  return entries;
}

/** Writes a ZIP file from [{ name, data, store }] in the given order; UTF-8 name flag set. */
export function writeZip(file, entries) {
  const parts = [];
  const central = [];
  let offset = 0;
  const dosTime = 0; // 1980-01-01 00:00: deterministic output
  const dosDate = (0 << 9) | (1 << 5) | 1;
  for (const e of entries) {
    const name = Buffer.from(e.name, 'utf8');
    const body = e.store ? e.data : zlib.deflateRawSync(e.data);
    const method = e.store ? 0 : 8;
    const crc = zlib.crc32(e.data);
    const head = Buffer.alloc(30);
    head.writeUInt32LE(0x04034b50, 0);
    head.writeUInt16LE(20, 4);
    head.writeUInt16LE(0x0800, 6);
    head.writeUInt16LE(method, 8);
    head.writeUInt16LE(dosTime, 10);
    head.writeUInt16LE(dosDate, 12);
    head.writeUInt32LE(crc, 14);
    head.writeUInt32LE(body.length, 18);
    head.writeUInt32LE(e.data.length, 22);
    head.writeUInt16LE(name.length, 26);
    head.writeUInt16LE(0, 28);
    const cd = Buffer.alloc(46);
    cd.writeUInt32LE(0x02014b50, 0);
    cd.writeUInt16LE(20, 4);
    cd.writeUInt16LE(20, 6);
    cd.writeUInt16LE(0x0800, 8);
    cd.writeUInt16LE(method, 10);
    cd.writeUInt16LE(dosTime, 12);
    cd.writeUInt16LE(dosDate, 14);
    cd.writeUInt32LE(crc, 16);
    cd.writeUInt32LE(body.length, 20);
    cd.writeUInt32LE(e.data.length, 24);
    cd.writeUInt16LE(name.length, 28);
    cd.writeUInt32LE(offset, 42);
    parts.push(head, name, body);
    central.push(cd, name);
    offset += head.length + name.length + body.length;
  }
  const cdSize = central.reduce((s, b) => s + b.length, 0);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(cdSize, 12);
  end.writeUInt32LE(offset, 16);
  fs.writeFileSync(file, Buffer.concat([...parts, ...central, end]));
}
