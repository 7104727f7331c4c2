#!/usr/bin/env node
// Verifies every XAdES signature of an ASiC-E container with xadesjs 2.6.8.
//
//   node scripts/oracles/verify-xadesjs.mjs CONTAINER
//
// Prints one line per signature; exit 0 only if there is at least one signature and all verify.
// xadesjs checks SignatureValue with the KeyInfo certificate, every Reference digest (data files
// are read from the container through contentHandler) and SignedProperties. It does not check the
// certificate chain, time-stamps or revocation, and it lacks C14N 1.1 (use exclusive or
// inclusive 1.0 when xadesjs must verify).
import fs from 'node:fs';
import { loadXadesjs, readZip } from './xadesjs/common.mjs';

const DS = 'http://www.w3.org/2000/09/xmldsig#';
const file = process.argv[2];
if (!file || process.argv.length > 3) {
  console.error('usage: verify-xadesjs.mjs CONTAINER');
  process.exit(2);
}
const { xadesjs } = loadXadesjs();
// xadesjs 2.6.x has no parser for xades:SigPolicyQualifier content (e.g. the SPURI pyasice and
// every Estonian BDOC signature carry) and throws XMLJS0018 while loading. Keep the element
// opaque: digests are computed over the original DOM, so verification does not change.
xadesjs.xml.SigPolicyQualifier.prototype.OnLoadXml = function () {};

if (!fs.existsSync(file)) {
  console.error(`xadesjs: ${file}: no such file`);
  process.exit(2);
}
let entries;
try {
  entries = new Map(readZip(file).map((e) => [e.name, e.data]));
} catch (e) {
  console.log(`xadesjs ${file}: FAIL not a readable ZIP container: ${e.message}`);
  process.exit(1);
}
const sigFiles = [...entries.keys()].filter((n) => /^META-INF\/[^/]*signatures[^/]*\.xml$/.test(n)).sort();
let total = 0;
let failures = 0;
for (const name of sigFiles) {
  const doc = xadesjs.Parse(entries.get(name).toString('utf8'));
  const sigs = doc.getElementsByTagNameNS(DS, 'Signature');
  for (let i = 0; i < sigs.length; i++) {
    total++;
    const sx = new xadesjs.SignedXml(doc);
    let ok = false;
    let why = '';
    try {
      sx.LoadXml(sigs[i]);
      sx.contentHandler = async (ref) => {
        if (!ref.Uri || ref.Uri.startsWith('#')) return null;
        const member = decodeURIComponent(ref.Uri);
        const data = entries.get(member);
        if (!data) throw new Error(`reference ${ref.Uri} not in the container`);
        return new Uint8Array(data);
      };
      ok = await sx.Verify();
      if (!ok) why = 'SignatureValue does not verify';
    } catch (e) {
      why = e.message;
    }
    const id = sigs[i].getAttribute('Id') || '';
    console.log(`xadesjs ${name}#${i} ${id}: ${ok ? 'OK' : `FAIL ${why}`}`);
    if (!ok) failures++;
  }
}
if (total === 0) {
  console.log(`xadesjs ${file}: FAIL no signature`);
  process.exit(1);
}
process.exit(failures ? 1 : 0);
