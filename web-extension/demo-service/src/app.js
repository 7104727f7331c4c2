// The demo login page: challenge from the service, token from the card through knik's
// extension (page library /web-eid.js), identity back from the service. Once logged in, a
// small text document is signed: signing certificate from the card, digest from the service
// (/api/sign/prepare), signature from the card, container from the service
// (/api/sign/finish, /api/sign/container).
import * as webeid from "/web-eid.js";

const $ = (id) => document.getElementById(id);

function show(state, text) {
  $("status").dataset.state = state;
  $("status").textContent = text;
}

function showError(code, message) {
  $("identity").hidden = true;
  $("error").hidden = false;
  $("error-title").textContent = "Login failed:";
  $("error-code").textContent = code;
  $("error-message").textContent = message;
  show("failed", "Not logged in.");
}

async function postJson(path, body) {
  const response = await fetch(path, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
    credentials: "same-origin",
  });
  const json = await response.json();
  if (!response.ok) {
    throw Object.assign(new Error(json.message), { code: json.code, status: response.status });
  }
  return json;
}

async function login() {
  $("login").disabled = true;
  $("error").hidden = true;
  show("working", "Waiting for the ID card…");
  try {
    const { nonce } = await postJson("/api/challenge", {});
    const authToken = await webeid.authenticate(nonce, { lang: "en" });
    // Kept so that a developer (and the end-to-end test) can try replaying it.
    window.knikLastAuthToken = authToken;
    show("validating", "Checking the token…");
    const user = await postJson("/api/login", { authToken });
    $("name").textContent = user.name;
    $("personal-number").textContent = user.personalNumber;
    $("document").textContent = user.documentKind;
    $("ocsp").textContent = user.ocspResponder ?? "not checked (OCSP off)";
    $("identity").hidden = false;
    $("sign-form").hidden = false;
    show("logged-in", `Logged in as ${user.name}.`);
  } catch (error) {
    showError(error.code ?? "ERR_UNKNOWN", error.message);
  } finally {
    $("login").disabled = false;
  }
}

function showSignState(state, text) {
  $("sign-status").dataset.state = state;
  $("sign-status").textContent = text;
}

async function signDocument(event) {
  event.preventDefault();
  $("sign").disabled = true;
  $("error").hidden = true;
  $("signed").hidden = true;
  try {
    showSignState("working", "Waiting for the ID card's signing certificate…");
    const { certificate } = await webeid.getSigningCertificate({ lang: "en" });
    const { hash, hashFunction } = await postJson("/api/sign/prepare", {
      certificate,
      fileName: $("file-name").value,
      content: $("file-content").value,
    });
    showSignState("working", "Waiting for the signature (PIN2)…");
    const { signature } = await webeid.sign(certificate, hash, hashFunction, { lang: "en" });
    showSignState("working", "Time-stamping and checking the certificate…");
    const signed = await postJson("/api/sign/finish", { signature });
    $("signed-level").textContent = signed.level;
    $("signed-by").textContent = signed.signer;
    $("download").href = signed.download;
    $("signed").hidden = false;
    showSignState("signed", "Signed.");
  } catch (error) {
    $("error").hidden = false;
    $("error-title").textContent = "Signing failed:";
    $("error-code").textContent = error.code ?? "ERR_UNKNOWN";
    $("error-message").textContent = error.message;
    showSignState("failed", "Not signed.");
  } finally {
    $("sign").disabled = false;
  }
}

$("login").addEventListener("click", login);
$("sign-form").addEventListener("submit", signDocument);
