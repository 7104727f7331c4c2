// What the browser end-to-end tests stand on: the pcscd reader lock, virtual cards in
// "Virtual PCD 00 00", the demo e-service, and a headless Chromium with knik's extension whose
// native host runs in a private HOME with the scripted pinentry
// (shared/reference/test-infra.md §5 is the recipe).

import { spawn, spawnSync } from "node:child_process";
import { once } from "node:events";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import readline from "node:readline";
import { fileURLToPath } from "node:url";

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
export const EXTENSION_DIR = path.join(REPO, "web-extension/extension");
export const CHROMIUM = process.env.CHROMIUM ?? "/usr/bin/chromium";
export const HOST = path.join(REPO, "target/debug/knik-native-host");
export const CARD_SIM = path.join(REPO, "target/debug/knik-card-sim");
export const DEMO_SERVICE = path.join(REPO, "target/debug/knik-demo-service");
/** The CLI, to verify what the browser signed. */
export const KNIK = path.join(REPO, "target/debug/knik");
export const SCREENSHOTS = path.join(REPO, "target/e2e");
export const PCSC_LOCK = "/tmp/knik-pcsc.lock";
export const READER = "Virtual PCD 00 00";
const READER_PORT = "35963";

/** The extension's ID, fixed by the "key" in its manifest: sha256(SPKI)[0..16] in a–p. */
export function extensionId() {
  const { key } = JSON.parse(fs.readFileSync(path.join(EXTENSION_DIR, "manifest.json"), "utf8"));
  const digest = spawnSync("sha256sum", { input: Buffer.from(key, "base64") }).stdout.toString();
  return [...digest.slice(0, 32)].map((c) => String.fromCharCode(97 + parseInt(c, 16))).join("");
}

/**
 * Why the tests cannot run here, or null. With KNIK_REQUIRE_SERVICES=1 the caller fails
 * instead of skipping.
 */
export function missingPrerequisite() {
  if (!fs.existsSync(CHROMIUM)) return `${CHROMIUM} is missing (apt-get install chromium)`;
  if (!fs.existsSync("/run/pcscd/pcscd.comm")) return "pcscd is not running (scripts/services.sh up)";
  for (const binary of [HOST, CARD_SIM, DEMO_SERVICE]) {
    if (!fs.existsSync(binary)) {
      return `${binary} is not built (cargo build -p knik-native-host -p knik-card-sim -p knik-demo-service)`;
    }
  }
  return null;
}

/** Whether the citizen and resident CAs' OCSP responders listen (never probes them). */
export function ocspRespondersUp() {
  return servicesUp([8881, 8882]);
}

/** Whether the loopback services on `ports` listen (asked of `ss`, never by connecting). */
export function servicesUp(ports) {
  if (process.env.KNIK_SKIP_SERVICES === "1") return false;
  const listening = spawnSync("ss", ["-ltn"]).stdout?.toString() ?? "";
  return ports.every((port) => listening.includes(`:${port} `));
}

/**
 * Holds /tmp/knik-pcsc.lock (flock, as the Rust card tests do) until the returned function is
 * called or this process dies.
 */
export async function lockReaders() {
  const holder = spawn("flock", ["-x", PCSC_LOCK, "-c", "echo locked; exec cat >/dev/null"], {
    stdio: ["pipe", "pipe", "inherit"],
  });
  const lines = readline.createInterface({ input: holder.stdout });
  const [line] = await Promise.race([
    once(lines, "line"),
    once(holder, "exit").then(() => {
      throw new Error("flock exited before taking the lock");
    }),
  ]);
  if (line !== "locked") throw new Error(`flock said ${line}`);
  return async () => {
    holder.stdin.end();
    if (holder.exitCode === null) await once(holder, "exit");
  };
}

/** The demo e-service on a free port: {url, origin, log(), stop()}. */
export async function startDemoService({ ocsp }) {
  const pki = path.join(REPO, "test-vectors/pki");
  const trust = ["root", "citizen-ca", "resident-ca"].flatMap((ca) => ["--trust", path.join(pki, `${ca}.pem`)]);
  const child = spawn(DEMO_SERVICE, ["--port", "0", "--ocsp", ocsp ? "aia" : "off", ...trust], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let log = "";
  child.stderr.on("data", (chunk) => (log += chunk));
  const lines = readline.createInterface({ input: child.stdout });
  const [line] = await Promise.race([
    once(lines, "line"),
    once(child, "exit").then(() => {
      throw new Error(`knik-demo-service did not start: ${log}`);
    }),
  ]);
  const url = line.match(/^listening on (http:\/\/localhost:\d+)$/)?.[1];
  if (!url) throw new Error(`unexpected first line from knik-demo-service: ${line}`);
  return {
    url,
    origin: url,
    log: () => log,
    async stop() {
      child.kill();
      if (child.exitCode === null && child.signalCode === null) await once(child, "exit");
    },
  };
}

/** Asks the native host's --diagnose whether READER holds a card. */
function readerHasCard(env) {
  const run = spawnSync(HOST, ["--diagnose", "--json"], { env, encoding: "utf8" });
  const checks = JSON.parse(run.stdout).checks;
  const line = checks.find((c) => c.area === "reader" && c.text.startsWith(`"${READER}":`));
  if (!line) throw new Error(`${READER} is not among the readers: ${run.stdout}`);
  return !line.text.endsWith(": no card");
}

async function waitReader(present, env) {
  const deadline = Date.now() + 5000;
  while (readerHasCard(env) !== present) {
    if (Date.now() > deadline) throw new Error(`${READER}: card present never became ${present}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Puts test-vectors/cards/<card>.toml into READER; `remove()` pulls it out again. */
export async function insertCard(card, sandbox) {
  const env = sandbox.hostEnv();
  await waitReader(false, env);
  const log = fs.openSync(path.join(sandbox.dir, `card-${card}.log`), "w");
  const sim = spawn(
    CARD_SIM,
    ["--card", path.join(REPO, `test-vectors/cards/${card}.toml`), "--port", READER_PORT],
    { stdio: ["ignore", "ignore", log] },
  );
  try {
    await waitReader(true, env);
  } catch (error) {
    sim.kill();
    throw error;
  }
  return {
    async remove() {
      if (sim.exitCode === null && sim.signalCode === null) {
        sim.kill();
        await once(sim, "exit");
      }
      fs.closeSync(log);
      await waitReader(false, env);
    },
  };
}

/**
 * A private world for one test: HOME, XDG directories with native-host.toml in developer mode,
 * the scripted pinentry with its answers, and the host manifest written by the host's own
 * installer into <user-data-dir>/NativeMessagingHosts (the user-data-dir is
 * $XDG_CONFIG_HOME/chromium, Chromium's per-user directory).
 */
export function makeSandbox(pinAnswers) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "knik-e2e-"));
  const home = path.join(dir, "home");
  const config = path.join(dir, "config");
  fs.mkdirSync(home);
  fs.mkdirSync(path.join(config, "knik"), { recursive: true });
  fs.writeFileSync(path.join(config, "knik/native-host.toml"), "allow_http_localhost = true\n");
  const pinentry = path.join(dir, "pinentry");
  fs.copyFileSync(path.join(REPO, "web-extension/native-host/tests/pinentry-script.sh"), pinentry);
  fs.chmodSync(pinentry, 0o755);

  const own = {
    HOME: home,
    XDG_CONFIG_HOME: config,
    XDG_STATE_HOME: path.join(dir, "state"),
    XDG_CACHE_HOME: path.join(dir, "cache"),
    KNIK_PINENTRY: pinentry,
    KNIK_TEST_PINENTRY_ANSWERS: pinAnswers,
    KNIK_TEST_PINENTRY_STATE: path.join(dir, "pinentry.state"),
    KNIK_TEST_PINENTRY_LOG: path.join(dir, "pinentry.log"),
  };
  const hostEnv = () => {
    const env = { ...process.env, ...own };
    // Nothing of the caller's that would change what the host does.
    for (const key of ["KNIK_HOST_CONFIG", "KNIK_HOST_READER", "KNIK_HOST_LOG", "KNIK_PIN1", "KNIK_PIN2", "DISPLAY", "WAYLAND_DISPLAY"]) {
      delete env[key];
    }
    return env;
  };
  const install = spawnSync(
    HOST,
    ["install", "--user", "--browser", "chromium", "--extension-id", extensionId()],
    { env: hostEnv(), encoding: "utf8" },
  );
  if (install.status !== 0) throw new Error(`knik-native-host install failed: ${install.stderr}`);
  const userDataDir = path.join(config, "chromium");
  const manifest = JSON.parse(fs.readFileSync(path.join(userDataDir, "NativeMessagingHosts/am.knik.json"), "utf8"));
  if (manifest.path !== HOST) throw new Error(`the host manifest points to ${manifest.path}`);

  const read = (name) => {
    try {
      return fs.readFileSync(path.join(dir, name), "utf8");
    } catch {
      return "";
    }
  };
  return {
    dir,
    userDataDir,
    hostEnv,
    /** Commands the scripted pinentry received (OPTION lines left out). */
    pinentryCommands: () => read("pinentry.log").split("\n").filter((l) => l && !l.startsWith("OPTION ")),
    /** How many dialogs it answered. */
    dialogsAnswered: () => Number(read("pinentry.state").trim() || 0),
    /** The native host's log. */
    hostLog: () => read("state/knik/native-host.log"),
    remove: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}

/** Headless Chromium with the unpacked extension; resolves when its service worker runs. */
export async function launchBrowser(chromium, sandbox) {
  const context = await chromium.launchPersistentContext(sandbox.userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    env: sandbox.hostEnv(),
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      `--disable-extensions-except=${EXTENSION_DIR}`,
      `--load-extension=${EXTENSION_DIR}`,
    ],
  });
  let [worker] = context.serviceWorkers();
  if (!worker) worker = await context.waitForEvent("serviceworker", { timeout: 10000 });
  return { context, worker };
}

/**
 * A client of a demo service outside the browser (Node's fetch) that keeps the session cookie
 * the service sets, as a browser would: `post(path, body)` → {status, ...json}.
 */
export function serviceClient(url) {
  let cookie = null;
  return {
    async post(pathname, body) {
      const response = await fetch(`${url}${pathname}`, {
        method: "POST",
        headers: { "Content-Type": "application/json", ...(cookie ? { Cookie: cookie } : {}) },
        body: JSON.stringify(body),
      });
      const set = response.headers.getSetCookie();
      if (set.length > 0) cookie = set.map((c) => c.split(";")[0]).join("; ");
      return { status: response.status, ...(await response.json()) };
    },
  };
}
