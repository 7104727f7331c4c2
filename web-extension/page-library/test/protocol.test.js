// The page library's message protocol, against a fake window and a scripted stand-in for the
// extension's content script (`node --test`).
//
// What it proves: each call posts exactly web-eid.js 2.x's request message to the page's own
// origin; "-ack" then "-success" resolves with the native answer (without `action`); "-failure"
// rejects with a WebEidError carrying the extension's code (knik's finer codes pass through,
// malformed ones become ERR_WEBEID_UNKNOWN_ERROR); no ack → EXTENSION_UNAVAILABLE; ack without
// answer → ACTION_TIMEOUT after Web eID's budget (handshakes + 1× or 2× the user timeout);
// a second call of the same action → ACTION_PENDING; missing parameters and insecure pages fail
// before anything is posted; messages from other windows are ignored; every call waits
// MAX_EXTENSION_LOAD_DELAY after load.

import { test } from "node:test";
import assert from "node:assert/strict";

import { Action, ErrorCode, LIBRARY_VERSION, WebEidError, createWebEid } from "../index.js";

const ORIGIN = "https://login.example.am";
const NONCE = "pZ1K0Tm5uJx0a3B8nQ2y5v6w7x8y9z0A1B2C3D4E5F4=";
const TOKEN = {
  unverifiedCertificate: "MIIB",
  algorithm: "ES384",
  signature: "c2ln",
  format: "web-eid:1.0",
  appVersion: "https://example.invalid/knik/releases/0.1.0",
};

/** A window: postMessage delivers a copy asynchronously to its "message" listeners. */
class FakeWindow extends EventTarget {
  constructor({ secure = true } = {}) {
    super();
    this.isSecureContext = secure;
    this.location = { origin: ORIGIN };
    this.posted = [];
  }

  postMessage(data, targetOrigin) {
    this.posted.push({ data: structuredClone(data), targetOrigin });
    this.deliver(data, this);
  }

  /** Delivers `data` as a message event whose source is `source`. */
  deliver(data, source) {
    const event = new Event("message");
    Object.assign(event, { data: structuredClone(data), source, origin: ORIGIN });
    setTimeout(() => this.dispatchEvent(event), 0);
  }

  /** The requests the library posted (not the content script's answers). */
  requests() {
    return this.posted.map((p) => p.data).filter((d) => !/-(ack|success|failure)$/.test(d.action));
  }
}

/** Plays the content script: answers each request with `reply(request)` (null: stay silent). */
function contentScript(win, { ack = true, reply = () => null } = {}) {
  win.addEventListener("message", (event) => {
    const data = event.data;
    if (event.source !== win || /-(ack|success|failure)$/.test(data.action)) return;
    if (ack) win.postMessage({ action: `${data.action}-ack` }, ORIGIN);
    const answer = reply(data);
    if (answer) win.postMessage(answer, ORIGIN);
  });
}

const fast = { MAX_EXTENSION_LOAD_DELAY: 0, EXTENSION_HANDSHAKE_TIMEOUT: 40, NATIVE_APP_HANDSHAKE_TIMEOUT: 30 };

function client(win, config = {}) {
  return createWebEid({ window: win, config: { ...fast, ...config } });
}

async function rejection(promise) {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  assert.fail("expected a rejection");
}

test("authenticate posts web-eid.js's request and resolves with the token", async () => {
  const win = new FakeWindow();
  contentScript(win, { reply: (r) => ({ action: `${r.action}-success`, ...TOKEN }) });
  const token = await client(win).authenticate(NONCE, { lang: "hy" });
  assert.deepEqual(token, TOKEN);
  assert.deepEqual(win.requests(), [
    { action: "web-eid:authenticate", libraryVersion: LIBRARY_VERSION, challengeNonce: NONCE, options: { lang: "hy" } },
  ]);
  assert.equal(win.posted[0].targetOrigin, ORIGIN, "posted to the page's own origin only");
});

test("status, getSigningCertificate and sign send their own bodies", async () => {
  const win = new FakeWindow();
  contentScript(win, {
    reply: (r) =>
      ({
        [Action.STATUS]: { action: Action.STATUS_SUCCESS, library: r.libraryVersion, extension: "0.1.0", nativeApp: "0.1.0" },
        [Action.GET_SIGNING_CERTIFICATE]: { action: Action.GET_SIGNING_CERTIFICATE_SUCCESS, certificate: "Q0VSVA==", supportedSignatureAlgorithms: [] },
        [Action.SIGN]: { action: Action.SIGN_SUCCESS, signature: "U0lH", signatureAlgorithm: { cryptoAlgorithm: "ECC", hashFunction: "SHA-384", paddingScheme: "NONE" } },
      })[r.action],
  });
  const webeid = client(win);
  assert.deepEqual(await webeid.status(), { library: LIBRARY_VERSION, extension: "0.1.0", nativeApp: "0.1.0" });
  assert.equal((await webeid.getSigningCertificate()).certificate, "Q0VSVA==");
  assert.equal((await webeid.sign("Q0VSVA==", "aGFzaA==", "SHA-384")).signature, "U0lH");
  assert.deepEqual(win.requests(), [
    { action: "web-eid:status", libraryVersion: LIBRARY_VERSION },
    { action: "web-eid:get-signing-certificate", libraryVersion: LIBRARY_VERSION },
    { action: "web-eid:sign", libraryVersion: LIBRARY_VERSION, certificate: "Q0VSVA==", hash: "aGFzaA==", hashFunction: "SHA-384" },
  ]);
});

test("a failure becomes a WebEidError with the extension's code", async () => {
  for (const [error, code, name] of [
    [{ code: "ERR_WEBEID_USER_CANCELLED", message: "User cancelled" }, ErrorCode.ERR_WEBEID_USER_CANCELLED, "UserCancelledError"],
    [{ code: "ERR_WEBEID_NATIVE_NO_SUPPORTED_CARD", message: "No supported ID card" }, "ERR_WEBEID_NATIVE_NO_SUPPORTED_CARD", "NativeNoSupportedCardError"],
    [{ code: 42, message: "odd" }, ErrorCode.ERR_WEBEID_UNKNOWN_ERROR, "UnknownError"],
    [undefined, ErrorCode.ERR_WEBEID_UNKNOWN_ERROR, "UnknownError"],
  ]) {
    const win = new FakeWindow();
    contentScript(win, { reply: (r) => ({ action: `${r.action}-failure`, error }) });
    const failure = await rejection(client(win).authenticate(NONCE));
    assert.ok(failure instanceof WebEidError);
    assert.equal(failure.code, code);
    assert.equal(failure.name, name);
    assert.ok(failure.message.length > 0);
  }
});

test("no ack means the extension is unavailable", async () => {
  const win = new FakeWindow();
  const started = Date.now();
  const failure = await rejection(client(win).status());
  assert.equal(failure.code, ErrorCode.ERR_WEBEID_EXTENSION_UNAVAILABLE);
  assert.equal(failure.library, LIBRARY_VERSION, "status failures say the library version");
  assert.ok(Date.now() - started >= 35, "waited for the handshake");
});

test("an acked action with no answer times out after Web eID's budget", async () => {
  const win = new FakeWindow();
  contentScript(win);
  const webeid = client(win);
  let started = Date.now();
  const auth = await rejection(webeid.authenticate(NONCE, { userInteractionTimeout: 100 }));
  const authElapsed = Date.now() - started;
  assert.equal(auth.code, ErrorCode.ERR_WEBEID_ACTION_TIMEOUT);
  assert.ok(authElapsed >= 165 && authElapsed < 300, `1×UIT + handshakes = 170 ms, took ${authElapsed}`);
  started = Date.now();
  const sign = await rejection(webeid.sign("c2VydA==", "aGFzaA==", "SHA-256", { userInteractionTimeout: 100 }));
  const signElapsed = Date.now() - started;
  assert.equal(sign.code, ErrorCode.ERR_WEBEID_ACTION_TIMEOUT);
  assert.ok(signElapsed >= 265, `2×UIT + handshakes = 270 ms, took ${signElapsed}`);
});

test("a second call of a pending action is refused, another action is not", async () => {
  const win = new FakeWindow();
  let answer;
  contentScript(win, {
    reply: (r) => {
      if (r.action === Action.STATUS) return { action: Action.STATUS_SUCCESS, extension: "0.1.0", nativeApp: "0.1.0" };
      answer = () => win.postMessage({ action: `${r.action}-success`, ...TOKEN }, ORIGIN);
      return null;
    },
  });
  const webeid = client(win, { DEFAULT_USER_INTERACTION_TIMEOUT: 5000 });
  const first = webeid.authenticate(NONCE);
  const second = await rejection(webeid.authenticate(NONCE));
  assert.equal(second.code, ErrorCode.ERR_WEBEID_ACTION_PENDING);
  assert.equal((await webeid.status()).nativeApp, "0.1.0", "status is not blocked by authenticate");
  answer();
  assert.deepEqual(await first, TOKEN);
  assert.equal(win.requests().filter((r) => r.action === Action.AUTHENTICATE).length, 1);
});

test("missing parameters and insecure pages fail before anything is posted", async () => {
  const win = new FakeWindow();
  const webeid = client(win);
  assert.equal((await rejection(webeid.authenticate(""))).code, ErrorCode.ERR_WEBEID_MISSING_PARAMETER);
  assert.equal((await rejection(webeid.sign("c2VydA==", "", "SHA-256"))).code, ErrorCode.ERR_WEBEID_MISSING_PARAMETER);
  assert.equal((await rejection(webeid.sign("c2VydA==", "aGFzaA=="))).code, ErrorCode.ERR_WEBEID_MISSING_PARAMETER);
  const insecure = new FakeWindow({ secure: false });
  assert.equal((await rejection(client(insecure).authenticate(NONCE))).code, ErrorCode.ERR_WEBEID_CONTEXT_INSECURE);
  assert.equal(win.posted.length + insecure.posted.length, 0);
});

test("answers from another window are ignored", async () => {
  const win = new FakeWindow();
  const other = {};
  win.addEventListener("message", (event) => {
    if (event.source === win && event.data.action === Action.AUTHENTICATE) {
      // An iframe or another window forges a success; then the real content script answers.
      win.deliver({ action: Action.AUTHENTICATE_SUCCESS, ...TOKEN, signature: "Zm9yZ2Vk" }, other);
      setTimeout(() => win.postMessage({ action: Action.AUTHENTICATE_SUCCESS, ...TOKEN }, ORIGIN), 10);
    }
  });
  const token = await client(win, { EXTENSION_HANDSHAKE_TIMEOUT: 1000 }).authenticate(NONCE);
  assert.equal(token.signature, TOKEN.signature);
});

test("calls wait for MAX_EXTENSION_LOAD_DELAY after the library loaded", async () => {
  const win = new FakeWindow();
  contentScript(win, { reply: (r) => ({ action: `${r.action}-success`, ...TOKEN }) });
  const loadedAt = Date.now();
  const webeid = createWebEid({ window: win, loadedAt, config: { ...fast, MAX_EXTENSION_LOAD_DELAY: 120 } });
  await webeid.authenticate(NONCE);
  assert.ok(Date.now() - loadedAt >= 115, "the request waited for the content script to load");
});
