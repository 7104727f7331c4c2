// Browser end to end: the demo e-service's page → @knik/web-eid → knik's extension (content
// script, service worker) → connectNative("am.knik") → knik-native-host → pcscd → vpcd →
// knik-card-sim, with the scripted pinentry as the citizen; the demo service validates the token
// with knik-webeid (trust in the test PKI, OCSP at the loopback responders when they run).
//
// What it proves, in headless Chromium with a fresh profile per test:
//  1. the citizen card logs in: the page shows PETROSYAN ANI, 2810770123; the PIN dialog names
//     the page's own origin (localhost:PORT); screenshot target/e2e/login-citizen.png;
//  2. the residence card logs in: MÜLLER JONAS, 5210880456 (target/e2e/login-resident.png);
//  3. Cancel at the PIN prompt: the page gets ERR_WEBEID_USER_CANCELLED, nothing is posted;
//  4. a wrong PIN, then the right one: the dialog comes back with "2 tries left", then login;
//  5. no card: the page gets ERR_WEBEID_NATIVE_NO_SUPPORTED_CARD, no dialog; status() reports
//     the library, extension and host versions;
//  6. the same token posted twice: the second is refused (401 WEBEID_NONCE_NOT_FOUND), and after
//     a fresh challenge still refused (WEBEID_SIGNATURE_INVALID);
//  7. the raw window.postMessage protocol: "-ack" comes first, then "-failure"; an `origin` the
//     page slips into the request is ignored — the dialog names the real origin;
//  8. a revoked certificate (HAKOBYAN ARAM, revoked.toml) is refused through the citizen CA's
//     OCSP responder on loopback: /api/login answers 401 WEBEID_CERT_REVOKED, the page shows that
//     code and no identity (skipped when the responders are down, unless KNIK_REQUIRE_SERVICES=1);
//  9. a token made for another origin is refused: a second demo service (another port, so another
//     origin) issues the nonce, the page on the first service has the card sign it; posted to the
//     second service with its own session — the nonce matches, only the origin differs — it is
//     refused with 401 WEBEID_SIGNATURE_INVALID; the nonce is spent by then
//     (WEBEID_NONCE_NOT_FOUND on a retry) and the first service refuses the token too; the
//     control — a token made on the second service's own page — logs in there (200).
//
// Prerequisites: /usr/bin/chromium, pcscd with the vpcd readers, the three binaries built
// (run.sh does all that). Without them every test prints SKIPPED, unless KNIK_REQUIRE_SERVICES=1.
// Holds /tmp/knik-pcsc.lock for the whole file, like the Rust card tests.

import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";

import {
  SCREENSHOTS,
  extensionId,
  insertCard,
  launchBrowser,
  lockReaders,
  makeSandbox,
  missingPrerequisite,
  ocspRespondersUp,
  serviceClient,
  startDemoService,
} from "./harness.mjs";

const WRONG_PIN1 = "975318642097";
const TEST_LIMIT = 30000;

const missing = missingPrerequisite();
if (missing && process.env.KNIK_REQUIRE_SERVICES !== "1") {
  console.error(`SKIPPED: ${missing}`);
}
const skip = missing && process.env.KNIK_REQUIRE_SERVICES !== "1" ? missing : false;

let chromium;
let service;
let unlock;
let ocsp;

before(async () => {
  if (skip) return;
  if (missing) throw new Error(`KNIK_REQUIRE_SERVICES=1 but ${missing}`);
  ({ chromium } = await import("playwright-core"));
  ocsp = ocspRespondersUp();
  if (!ocsp) {
    if (process.env.KNIK_REQUIRE_SERVICES === "1") {
      throw new Error("KNIK_REQUIRE_SERVICES=1 but the OCSP responders on 8881/8882 are not listening");
    }
    console.error("SKIPPED (OCSP part): responders on 127.0.0.1:8881/8882 not listening; the demo service runs with OCSP off");
  }
  unlock = await lockReaders();
  service = await startDemoService({ ocsp });
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
});

after(async () => {
  await service?.stop();
  await unlock?.();
});

/**
 * One browser session: sandbox with `pins` as the pinentry's answers, `card` in the reader
 * (none when null), the demo page open. `body({page, sandbox})` does the test; everything is
 * torn down afterwards, with the host's and pinentry's logs printed when it failed.
 */
async function session({ card, pins }, body) {
  const started = Date.now();
  const sandbox = makeSandbox(pins);
  const inserted = card ? await insertCard(card, sandbox) : null;
  let browser;
  const consoleLines = [];
  try {
    browser = await launchBrowser(chromium, sandbox);
    assert.equal(
      browser.worker.url(),
      `chrome-extension://${extensionId()}/background.js`,
      "the extension runs under its fixed ID",
    );
    const page = await browser.context.newPage();
    page.on("console", (m) => consoleLines.push(`page: ${m.text()}`));
    await page.goto(`${service.url}/`);
    await body({ page, sandbox });
  } catch (error) {
    console.error(`--- host log:\n${sandbox.hostLog()}\n--- pinentry:\n${sandbox.pinentryCommands().join("\n")}`);
    console.error(`--- console:\n${consoleLines.join("\n")}\n--- demo service:\n${service.log()}`);
    throw error;
  } finally {
    await browser?.context.close();
    await inserted?.remove();
    sandbox.remove();
    console.log(`    (${Date.now() - started} ms)`);
  }
}

/** Clicks "Log in with ID card" and waits for the outcome: {state, name, number, code}. */
async function logIn(page) {
  await page.click("#login");
  await page.waitForFunction(
    () => ["logged-in", "failed"].includes(document.getElementById("status").dataset.state),
    null,
    { timeout: 15000 },
  );
  return page.evaluate(() => ({
    state: document.getElementById("status").dataset.state,
    name: document.getElementById("name").textContent,
    number: document.getElementById("personal-number").textContent,
    document: document.getElementById("document").textContent,
    ocsp: document.getElementById("ocsp").textContent,
    code: document.getElementById("error-code").textContent,
  }));
}

function assertLoggedIn(outcome, name, number, kind) {
  assert.equal(outcome.state, "logged-in", `login failed with ${outcome.code}`);
  assert.equal(outcome.name, name);
  assert.equal(outcome.number, number);
  assert.equal(outcome.document, kind);
  if (ocsp) assert.match(outcome.ocsp, /^http:\/\/127\.0\.0\.1:888[12]\/$/, "OCSP confirmed the certificate");
}

/** The PIN dialog's description lines. */
function descriptions(sandbox) {
  return sandbox.pinentryCommands().filter((c) => c.startsWith("SETDESC") || c.startsWith("SETERROR"));
}

const host = () => new URL(service.url).host;

test("1. the citizen card logs in", { skip, timeout: TEST_LIMIT }, async () => {
  await session({ card: "citizen", pins: "1234" }, async ({ page, sandbox }) => {
    assertLoggedIn(await logIn(page), "PETROSYAN ANI", "2810770123", "citizen-id-card");
    await page.screenshot({ path: path.join(SCREENSHOTS, "login-citizen.png") });
    assert.deepEqual(descriptions(sandbox), [
      `SETDESC Enter PIN1 to authenticate as PETROSYAN ANI, citizen ID card, at ${host()}`,
    ]);
    assert.match(sandbox.hostLog(), /authenticate/);
  });
});

test("2. the residence card logs in", { skip, timeout: TEST_LIMIT }, async () => {
  await session({ card: "resident", pins: "1234" }, async ({ page, sandbox }) => {
    assertLoggedIn(await logIn(page), "MÜLLER JONAS", "5210880456", "residence-card");
    await page.screenshot({ path: path.join(SCREENSHOTS, "login-resident.png") });
    assert.equal(sandbox.dialogsAnswered(), 1);
  });
});

test("3. Cancel at the PIN prompt reaches the page as ERR_WEBEID_USER_CANCELLED", { skip, timeout: TEST_LIMIT }, async () => {
  await session({ card: "citizen", pins: "cancel" }, async ({ page, sandbox }) => {
    const logBefore = service.log().length;
    const outcome = await logIn(page);
    assert.equal(outcome.state, "failed");
    assert.equal(outcome.code, "ERR_WEBEID_USER_CANCELLED");
    assert.equal(sandbox.dialogsAnswered(), 1);
    const requests = service.log().slice(logBefore);
    assert.match(requests, /POST \/api\/challenge -> 200/);
    assert.doesNotMatch(requests, /POST \/api\/login/, "no token, so nothing to post");
  });
});

test("4. a wrong PIN, then the right one, logs in", { skip, timeout: TEST_LIMIT }, async () => {
  await session({ card: "citizen", pins: `${WRONG_PIN1} 1234` }, async ({ page, sandbox }) => {
    assertLoggedIn(await logIn(page), "PETROSYAN ANI", "2810770123", "citizen-id-card");
    assert.deepEqual(descriptions(sandbox), [
      `SETDESC Enter PIN1 to authenticate as PETROSYAN ANI, citizen ID card, at ${host()}`,
      `SETDESC Enter PIN1 to authenticate as PETROSYAN ANI, citizen ID card, at ${host()} (2 tries left)`,
      "SETERROR 2 tries left",
    ]);
    assert.equal(sandbox.dialogsAnswered(), 2);
    assert.ok(!sandbox.hostLog().includes(WRONG_PIN1), "no PIN in the host's log");
  });
});

test("5. no card: the page gets the host's no-card code", { skip, timeout: TEST_LIMIT }, async () => {
  await session({ card: null, pins: "1234" }, async ({ page, sandbox }) => {
    const outcome = await logIn(page);
    assert.equal(outcome.state, "failed");
    assert.equal(outcome.code, "ERR_WEBEID_NATIVE_NO_SUPPORTED_CARD");
    assert.equal(sandbox.dialogsAnswered(), 0, "no PIN dialog without a card");
    const versions = await page.evaluate(async () => (await import("/web-eid.js")).status());
    assert.deepEqual(versions, { library: "0.1.0", extension: "0.1.0", nativeApp: "0.1.0" });
  });
});

test("6. the same token posted twice is refused the second time", { skip, timeout: TEST_LIMIT }, async () => {
  await session({ card: "citizen", pins: "1234" }, async ({ page }) => {
    assertLoggedIn(await logIn(page), "PETROSYAN ANI", "2810770123", "citizen-id-card");
    const replay = await page.evaluate(async () => {
      const post = async (path, body) => {
        const response = await fetch(path, { method: "POST", body: JSON.stringify(body) });
        return { status: response.status, ...(await response.json()) };
      };
      const again = await post("/api/login", { authToken: window.knikLastAuthToken });
      await post("/api/challenge", {});
      const afterFreshChallenge = await post("/api/login", { authToken: window.knikLastAuthToken });
      return { again, afterFreshChallenge };
    });
    assert.equal(replay.again.status, 401);
    assert.equal(replay.again.code, "WEBEID_NONCE_NOT_FOUND");
    assert.equal(replay.afterFreshChallenge.status, 401);
    assert.equal(replay.afterFreshChallenge.code, "WEBEID_SIGNATURE_INVALID");
  });
});

test("7. raw protocol: ack first, and a page-supplied origin is ignored", { skip, timeout: TEST_LIMIT }, async () => {
  await session({ card: "citizen", pins: "cancel" }, async ({ page, sandbox }) => {
    const received = await page.evaluate(
      () =>
        new Promise((resolve) => {
          const seen = [];
          window.addEventListener("message", (event) => {
            if (event.source !== window || !event.data?.action?.startsWith("web-eid:authenticate-")) return;
            seen.push(event.data);
            if (!event.data.action.endsWith("-ack")) resolve(seen);
          });
          window.postMessage(
            {
              action: "web-eid:authenticate",
              libraryVersion: "2.0.0",
              challengeNonce: "pZ1K0Tm5uJx0a3B8nQ2y5v6w7x8y9z0A1B2C3D4E5F4=",
              origin: "https://evil.example.am",
            },
            window.location.origin,
          );
        }),
    );
    assert.deepEqual(
      received.map((m) => m.action),
      ["web-eid:authenticate-ack", "web-eid:authenticate-failure"],
    );
    assert.equal(received[1].error.code, "ERR_WEBEID_USER_CANCELLED");
    assert.deepEqual(descriptions(sandbox), [
      `SETDESC Enter PIN1 to authenticate as PETROSYAN ANI, citizen ID card, at ${host()}`,
    ]);
    assert.doesNotMatch(sandbox.hostLog(), /evil/);
  });
});

test("8. a revoked certificate is refused through OCSP", { skip, timeout: TEST_LIMIT }, async (t) => {
  if (!ocsp) {
    console.error("SKIPPED: test 8 needs the OCSP responder on 127.0.0.1:8881 (scripts/services.sh up)");
    t.skip("the OCSP responders are not listening");
    return;
  }
  await session({ card: "revoked", pins: "1234" }, async ({ page, sandbox }) => {
    const loginResponse = page.waitForResponse((r) => r.url() === `${service.url}/api/login`);
    const outcome = await logIn(page);
    const response = await loginResponse;
    assert.equal(response.status(), 401);
    const body = await response.json();
    assert.equal(body.code, "WEBEID_CERT_REVOKED", body.message);
    assert.equal(outcome.state, "failed");
    assert.equal(outcome.code, "WEBEID_CERT_REVOKED");
    assert.equal(await page.isVisible("#error"), true, "the error is shown");
    assert.equal(await page.isVisible("#identity"), false, "no identity is shown");
    assert.equal(outcome.name, "", "no name was ever filled in");
    assert.equal(sandbox.dialogsAnswered(), 1, "the card did authenticate; the service refused");
    assert.match(service.log(), /login refused: WEBEID_CERT_REVOKED/);
  });
});

test("9. a token made for another origin is refused", { skip, timeout: TEST_LIMIT }, async () => {
  const other = await startDemoService({ ocsp });
  try {
    assert.notEqual(other.origin, service.origin, "two origins");
    await session({ card: "citizen", pins: "1234 1234" }, async ({ page, sandbox }) => {
      const client = serviceClient(other.url);
      const challenge = await client.post("/api/challenge", {});
      assert.equal(challenge.status, 200);
      // The page of the first service has the card sign the second service's nonce: the
      // extension binds the signature to the page's origin, not to whoever issued the nonce.
      const authToken = await page.evaluate(
        async (nonce) => (await import("/web-eid.js")).authenticate(nonce, { lang: "en" }),
        challenge.nonce,
      );
      assert.equal(sandbox.dialogsAnswered(), 1);
      assert.deepEqual(
        sandbox.pinentryCommands().filter((c) => c.startsWith("SETDESC")),
        [`SETDESC Enter PIN1 to authenticate as PETROSYAN ANI, citizen ID card, at ${host()}`],
        "the dialog names the first service's origin",
      );

      const refused = await client.post("/api/login", { authToken });
      assert.equal(refused.status, 401);
      assert.equal(refused.code, "WEBEID_SIGNATURE_INVALID", refused.message);
      assert.match(other.log(), /login refused: WEBEID_SIGNATURE_INVALID/);

      const retried = await client.post("/api/login", { authToken });
      assert.equal(retried.status, 401);
      assert.equal(retried.code, "WEBEID_NONCE_NOT_FOUND", "the nonce was spent by the refused login");

      const atFirst = await page.evaluate(async (token) => {
        const response = await fetch("/api/login", { method: "POST", body: JSON.stringify({ authToken: token }) });
        return { status: response.status, ...(await response.json()) };
      }, authToken);
      assert.equal(atFirst.status, 401, "the first service never issued that nonce");
      assert.equal(atFirst.code, "WEBEID_NONCE_NOT_FOUND");

      // The control: the same client, card and PIN, with the token made on the second
      // service's own page, logs in — so the origin alone was the difference.
      const ownPage = await page.context().newPage();
      await ownPage.goto(`${other.url}/`);
      const fresh = await client.post("/api/challenge", {});
      const ownToken = await ownPage.evaluate(
        async (nonce) => (await import("/web-eid.js")).authenticate(nonce, { lang: "en" }),
        fresh.nonce,
      );
      const accepted = await client.post("/api/login", { authToken: ownToken });
      assert.equal(accepted.status, 200, `${accepted.code}: ${accepted.message}`);
      assert.equal(accepted.name, "PETROSYAN ANI");
      assert.equal(sandbox.dialogsAnswered(), 2);
    });
  } catch (error) {
    console.error(`--- second demo service:\n${other.log()}`);
    throw error;
  } finally {
    await other.stop();
  }
});
