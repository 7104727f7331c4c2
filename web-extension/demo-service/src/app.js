// The demo login page: challenge from the service, token from the card through knik's
// extension (page library /web-eid.js), identity back from the service.
import * as webeid from "/web-eid.js";

const $ = (id) => document.getElementById(id);

function show(state, text) {
  $("status").dataset.state = state;
  $("status").textContent = text;
}

function showError(code, message) {
  $("identity").hidden = true;
  $("error").hidden = false;
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
    show("logged-in", `Logged in as ${user.name}.`);
  } catch (error) {
    showError(error.code ?? "ERR_UNKNOWN", error.message);
  } finally {
    $("login").disabled = false;
  }
}

$("login").addEventListener("click", login);
