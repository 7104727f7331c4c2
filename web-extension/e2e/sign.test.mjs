// Browser end to end, signing: after login, the demo e-service's "Sign a document" form →
// getSigningCertificate (consent dialog) → POST /api/sign/prepare (knik::two_phase) → sign
// (PIN2 dialog, the virtual citizen card's signing key) → POST /api/sign/finish (time-stamp
// from the loopback TSA, OCSP from the certificate's responder) → the .asice downloaded as a
// user downloads it, checked by the CLI (`knik verify --json --trust test-vectors/pki/root.pem`).
//
// What it proves, in headless Chromium with a fresh profile per test:
//  1. the citizen signs agreement.txt: the container verifies `valid` at B-LT, signed by
//     2810770123, over agreement.txt with the text typed; the dialogs are PIN1 (login), the
//     consent for the signing certificate and PIN2, each naming the page's origin; screenshot
//     target/e2e/signed.png;
//  2. Cancel at the consent dialog: the page gets ERR_WEBEID_USER_CANCELLED, nothing is posted
//     to /api/sign/…, no PIN2 dialog;
//  3. Cancel at the PIN2 dialog: ERR_WEBEID_USER_CANCELLED after the signature was prepared;
//     nothing is finished and there is no container to download.
//
// Prerequisites as login.test.mjs, plus target/debug/knik (run.sh builds it); test 1 needs the
// loopback TSA (8889) and the citizen CA's OCSP responder (8881). Without them the tests print
// SKIPPED, unless KNIK_REQUIRE_SERVICES=1. Holds /tmp/knik-pcsc.lock for the whole file.

import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

import {
  KNIK,
  REPO,
  SCREENSHOTS,
  insertCard,
  launchBrowser,
  lockReaders,
  makeSandbox,
  missingPrerequisite,
  servicesUp,
  startDemoService,
} from "./harness.mjs";

const TEST_LIMIT = 45000;
const DOCUMENT = "I, Ani Petrosyan, agree to the terms of service.";

const require = process.env.KNIK_REQUIRE_SERVICES === "1";
const missing = missingPrerequisite() ?? (fs.existsSync(KNIK) ? null : `${KNIK} is not built (cargo build -p knik-cli)`);
if (missing && !require) console.error(`SKIPPED: ${missing}`);
const skip = missing && !require ? missing : false;
const signingServices = servicesUp([8881, 8889]);
if (!skip && !signingServices && !require) {
  console.error("SKIPPED (test 1): the TSA on 127.0.0.1:8889 or the OCSP responder on 8881 is not listening");
}
const skipSigning = skip || (!signingServices && !require ? "TSA/OCSP not listening" : false);

let chromium;
let service;
let unlock;

before(async () => {
  if (skip) return;
  if (missing) throw new Error(`KNIK_REQUIRE_SERVICES=1 but ${missing}`);
  if (!signingServices) throw new Error("KNIK_REQUIRE_SERVICES=1 but the TSA (8889) or OCSP (8881) is not listening");
  ({ chromium } = await import("playwright-core"));
  unlock = await lockReaders();
  service = await startDemoService({ ocsp: servicesUp([8881, 8882]) });
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
});

after(async () => {
  await service?.stop();
  await unlock?.();
});

/** The citizen card in the reader, `pins` as the pinentry's answers, logged in on the demo page. */
async function loggedInSession(pins, body) {
  const sandbox = makeSandbox(pins);
  const inserted = await insertCard("citizen", sandbox);
  let browser;
  const consoleLines = [];
  try {
    browser = await launchBrowser(chromium, sandbox);
    const page = await browser.context.newPage();
    page.on("console", (m) => consoleLines.push(`page: ${m.text()}`));
    await page.goto(`${service.url}/`);
    await page.click("#login");
    await page.waitForFunction(() => document.getElementById("status").dataset.state === "logged-in", null, {
      timeout: 15000,
    });
    await body({ page, sandbox });
  } catch (error) {
    console.error(`--- host log:\n${sandbox.hostLog()}\n--- pinentry:\n${sandbox.pinentryCommands().join("\n")}`);
    console.error(`--- console:\n${consoleLines.join("\n")}\n--- demo service:\n${service.log()}`);
    throw error;
  } finally {
    await browser?.context.close();
    await inserted.remove();
    sandbox.remove();
  }
}

/** Fills the form, clicks "Sign with ID card", waits for the outcome: {state, level, code}. */
async function signDocument(page) {
  await page.fill("#file-name", "agreement.txt");
  await page.fill("#file-content", DOCUMENT);
  await page.click("#sign");
  await page.waitForFunction(
    () => ["signed", "failed"].includes(document.getElementById("sign-status").dataset.state),
    null,
    { timeout: 30000 },
  );
  return page.evaluate(() => ({
    state: document.getElementById("sign-status").dataset.state,
    level: document.getElementById("signed-level").textContent,
    signer: document.getElementById("signed-by").textContent,
    code: document.getElementById("error-code").textContent,
    message: document.getElementById("error-message").textContent,
  }));
}

/** The PIN and consent dialogs' description lines. */
function descriptions(sandbox) {
  return sandbox.pinentryCommands().filter((c) => c.startsWith("SETDESC"));
}

const host = () => new URL(service.url).host;

test("1. the citizen signs a document into a B-LT container", { skip: skipSigning, timeout: TEST_LIMIT }, async () => {
  await loggedInSession("1234 ok 12345", async ({ page, sandbox }) => {
    const outcome = await signDocument(page);
    assert.equal(outcome.state, "signed", `signing failed: ${outcome.code} ${outcome.message}`);
    assert.equal(outcome.level, "B-LT");
    assert.equal(outcome.signer, "PETROSYAN ANI");
    await page.screenshot({ path: path.join(SCREENSHOTS, "signed.png"), fullPage: true });

    const [download] = await Promise.all([page.waitForEvent("download"), page.click("#download")]);
    assert.equal(download.suggestedFilename(), "agreement.asice");
    const container = path.join(sandbox.dir, "agreement.asice");
    await download.saveAs(container);

    const run = spawnSync(KNIK, ["verify", "--json", "--trust", path.join(REPO, "test-vectors/pki/root.pem"), container], {
      encoding: "utf8",
    });
    assert.equal(run.status, 0, `knik verify exited ${run.status}: ${run.stdout}${run.stderr}`);
    const report = JSON.parse(run.stdout);
    assert.equal(report.verdict, "valid", run.stdout);
    assert.equal(report.signatures.length, 1);
    const [signature] = report.signatures;
    assert.equal(signature.level, "B-LT");
    assert.equal(signature.signer.personal_number, "2810770123");
    assert.deepEqual(signature.signed_files, ["agreement.txt"]);

    const extracted = spawnSync("unzip", ["-p", container, "agreement.txt"], { encoding: "utf8" });
    assert.equal(extracted.stdout, DOCUMENT, "the container holds the text typed");
    assert.deepEqual(descriptions(sandbox), [
      `SETDESC Enter PIN1 to authenticate as PETROSYAN ANI, citizen ID card, at ${host()}`,
      `SETDESC ${host()} asks for the signing certificate of PETROSYAN ANI, citizen ID card. ` +
        "It contains your name and personal number. Allow the site to read it?",
      `SETDESC Enter PIN2 to sign as PETROSYAN ANI, citizen ID card, at ${host()}`,
    ]);
    assert.equal(sandbox.dialogsAnswered(), 3);
  });
});

test("2. Cancel at the consent dialog: nothing is prepared", { skip, timeout: TEST_LIMIT }, async () => {
  await loggedInSession("1234 cancel", async ({ page, sandbox }) => {
    const logBefore = service.log().length;
    const outcome = await signDocument(page);
    assert.equal(outcome.state, "failed");
    assert.equal(outcome.code, "ERR_WEBEID_USER_CANCELLED");
    assert.doesNotMatch(service.log().slice(logBefore), /\/api\/sign\//, "nothing posted");
    assert.equal(sandbox.dialogsAnswered(), 2, "no PIN2 dialog");
  });
});

test("3. Cancel at PIN2: prepared, never finished, nothing to download", { skip, timeout: TEST_LIMIT }, async () => {
  await loggedInSession("1234 ok cancel", async ({ page, sandbox }) => {
    const logBefore = service.log().length;
    const outcome = await signDocument(page);
    assert.equal(outcome.state, "failed");
    assert.equal(outcome.code, "ERR_WEBEID_USER_CANCELLED");
    const requests = service.log().slice(logBefore);
    assert.match(requests, /POST \/api\/sign\/prepare -> 200/);
    assert.doesNotMatch(requests, /\/api\/sign\/finish/);
    assert.equal(sandbox.dialogsAnswered(), 3);
    const container = await page.evaluate(async () => {
      const response = await fetch("/api/sign/container");
      return { status: response.status, ...(await response.json()) };
    });
    assert.equal(container.status, 404);
    assert.equal(container.code, "DEMO_NO_CONTAINER");
  });
});
