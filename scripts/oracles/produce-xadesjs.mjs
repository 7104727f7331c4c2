#!/usr/bin/env node
// Produces an ASiC-E container signed by xadesjs 2.6.8 (XAdES-BES, detached references to the
// container's data files), as a producer independent of knik and of pyasice.
//
//   node scripts/oracles/produce-xadesjs.mjs OUT.asice --cert PEM --key PEM
//        [--c14n exc|inc] [--file PATH]...
//
// --key: PKCS#8 PEM ("BEGIN PRIVATE KEY"); EC P-256 (ECDSA-SHA256), P-384 (ECDSA-SHA384) or RSA
// (RSASSA-PKCS1-v1_5 with SHA-256). --c14n: SignedInfo canonicalization and the transform on the
// SignedProperties reference, exclusive (default) or inclusive C14N 1.0 (xadesjs has no 1.1).
// Without --file, two built-in data files are signed: "hello world.txt" and "Երևան.txt".
// ZIP: mimetype first and STORED, the data files, META-INF/manifest.xml, META-INF/signatures0.xml.
import nodeCrypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { loadXadesjs, writeZip } from './xadesjs/common.mjs';

const C14N = {
  exc: 'http://www.w3.org/2001/10/xml-exc-c14n#',
  inc: 'http://www.w3.org/TR/2001/REC-xml-c14n-20010315',
};

function usage(msg) {
  if (msg) console.error(`produce-xadesjs: ${msg}`);
  console.error('usage: produce-xadesjs.mjs OUT.asice --cert PEM --key PEM [--c14n exc|inc] [--file PATH]...');
  process.exit(2);
}

const args = process.argv.slice(2);
const opts = { c14n: 'exc', files: [] };
let out;
while (args.length) {
  const a = args.shift();
  if (a === '--cert' || a === '--key' || a === '--c14n') {
    if (!args.length) usage(`${a} needs a value`);
    opts[a.slice(2)] = args.shift();
  } else if (a === '--file') {
    if (!args.length) usage('--file needs a value');
    opts.files.push(args.shift());
  } else if (a.startsWith('-')) usage(`unknown option ${a}`);
  else if (out) usage(`unexpected argument ${a}`);
  else out = a;
}
if (!out || !opts.cert || !opts.key) usage();
if (!C14N[opts.c14n]) usage(`--c14n must be exc or inc, not ${opts.c14n}`);

const dataFiles = opts.files.length
  ? opts.files.map((p) => ({ name: path.basename(p), data: fs.readFileSync(p) }))
  : [
    { name: 'hello world.txt', data: Buffer.from('Hello from xadesjs!\n') },
    { name: 'Երևան.txt', data: Buffer.from('Բարև, Երևան։ Signed by xadesjs.\n') },
  ];
const mediaType = (n) => (n.endsWith('.txt') ? 'text/plain'
  : n.endsWith('.pdf') ? 'application/pdf' : 'application/octet-stream');

const { xadesjs, xmldsigjs, xmldom, crypto } = loadXadesjs();

// The signing certificate: the first one in the PEM file.
const certPem = fs.readFileSync(opts.cert, 'utf8');
const firstCert = certPem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/);
if (!firstCert) usage(`${opts.cert}: no certificate`);
const certB64 = firstCert[0].replace(/-----[^-]+-----|\s/g, '');

// The key: algorithm from node's own parser, then imported into WebCrypto as PKCS#8.
const keyObj = nodeCrypto.createPrivateKey(fs.readFileSync(opts.key));
const pkcs8 = keyObj.export({ type: 'pkcs8', format: 'der' });
let alg;
if (keyObj.asymmetricKeyType === 'ec') {
  const curve = { prime256v1: 'P-256', secp384r1: 'P-384', secp521r1: 'P-521' }[
    keyObj.asymmetricKeyDetails.namedCurve];
  if (!curve) usage(`unsupported curve ${keyObj.asymmetricKeyDetails.namedCurve}`);
  alg = { name: 'ECDSA', namedCurve: curve, hash: { 'P-256': 'SHA-256', 'P-384': 'SHA-384', 'P-521': 'SHA-512' }[curve] };
} else if (keyObj.asymmetricKeyType === 'rsa') {
  alg = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' };
} else usage(`unsupported key type ${keyObj.asymmetricKeyType}`);
const key = await crypto.subtle.importKey('pkcs8', pkcs8, alg, false, ['sign']);

// SignedProperties reference: xadesjs adds it without transforms (which means inclusive C14N 1.0);
// name the chosen canonicalization explicitly, as ETSI baseline signatures do.
class Signer extends xadesjs.SignedXml {
  async ApplySignOptions(signature, algorithm, k, options) {
    await super.ApplySignOptions(signature, algorithm, k, options);
    const refs = signature.SignedInfo.References;
    const xadesRef = refs.Item(refs.Count - 1);
    xadesRef.Transforms = new xmldsigjs.Transforms();
    xadesRef.Transforms.Add(this.ResolveTransform(opts.c14n === 'exc' ? 'exc-c14n' : 'c14n'));
  }
}

const doc = xadesjs.Parse('<asic:XAdESSignatures xmlns:asic="http://uri.etsi.org/02918/v1.2.1#"/>');
const sx = new Signer();
sx.XmlSignature.SignedInfo.CanonicalizationMethod.Algorithm = C14N[opts.c14n];
const byName = new Map(dataFiles.map((f) => [f.name, f.data]));
sx.contentHandler = async (ref) => {
  if (!ref.Uri || ref.Uri.startsWith('#')) return null;
  return new Uint8Array(byName.get(decodeURIComponent(ref.Uri)));
};
const signature = await sx.Sign({ name: alg.name, hash: alg.hash }, key, doc, {
  x509: [certB64],
  signingCertificateV2: certB64,
  // RFC 3986 percent-encoding of the ZIP entry names: space -> %20, UTF-8 bytes -> %XX.
  references: dataFiles.map((f) => ({ uri: encodeURIComponent(f.name), hash: alg.hash })),
  signingTime: { value: new Date(Math.floor(Date.now() / 1000) * 1000) },
});
doc.documentElement.appendChild(signature.GetXml());
const sigXml = '<?xml version="1.0" encoding="UTF-8"?>\n'
  + new xmldom.XMLSerializer().serializeToString(doc);

const esc = (s) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
const manifest = [
  '<?xml version="1.0" encoding="UTF-8" standalone="no" ?>',
  '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">',
  ' <manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.etsi.asic-e+zip"/>',
  ...dataFiles.map((f) => ` <manifest:file-entry manifest:full-path="${esc(f.name)}" manifest:media-type="${mediaType(f.name)}"/>`),
  '</manifest:manifest>',
  '',
].join('\n');

writeZip(out, [
  { name: 'mimetype', data: Buffer.from('application/vnd.etsi.asic-e+zip'), store: true },
  ...dataFiles.map((f) => ({ name: f.name, data: f.data })),
  { name: 'META-INF/manifest.xml', data: Buffer.from(manifest) },
  { name: 'META-INF/signatures0.xml', data: Buffer.from(sigXml) },
]);
console.log(`produce-xadesjs: wrote ${out} (${alg.name} ${alg.hash}${alg.namedCurve ? ` ${alg.namedCurve}` : ''}, `
  + `${opts.c14n === 'exc' ? 'exclusive' : 'inclusive 1.0'} C14N, ${dataFiles.length} data files)`);
