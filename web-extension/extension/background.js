// knik eID service worker (Chromium) / background script (Firefox): runs one native host
// exchange per page request (shared/spec/browser.md "Extension and page library",
// shared/reference/web-eid.md §1.3–§1.7).
//
// For each request from a content script: connectNative("am.knik"), wait up to 5 s for the
// host's {"version"}, send one command with the origin of the frame that sent the request
// (never a value from the page), wait for the one answer up to the user-interaction timeout
// (120 s unless the page asks otherwise), disconnect. `status` sends `quit` and reports the
// versions.

"use strict";

const api = globalThis.browser ?? globalThis.chrome;

const HOST = "am.knik";
const NATIVE_APP_HANDSHAKE_TIMEOUT = 5000;
const DEFAULT_USER_INTERACTION_TIMEOUT = 120000;
const NATIVE_GRACEFUL_DISCONNECT_TIMEOUT = 2000;
// The host refuses larger messages (Web eID's NATIVE_MESSAGE_MAX_BYTES).
const NATIVE_MESSAGE_MAX_BYTES = 8192;

const ERROR_NAMES = {
  ERR_WEBEID_USER_TIMEOUT: "UserTimeoutError",
  ERR_WEBEID_NATIVE_UNAVAILABLE: "NativeUnavailableError",
  ERR_WEBEID_UNKNOWN_ERROR: "UnknownError",
  ERR_WEBEID_CONTEXT_INSECURE: "ContextInsecureError",
  ERR_WEBEID_USER_CANCELLED: "UserCancelledError",
  ERR_WEBEID_NATIVE_INVALID_ARGUMENT: "NativeInvalidArgumentError",
  ERR_WEBEID_NATIVE_FATAL: "NativeFatalError",
  ERR_WEBEID_MISSING_PARAMETER: "MissingParameterError",
};

class ExtensionError extends Error {
  constructor(code, message, details = {}) {
    super(message);
    this.code = code;
    this.details = details;
  }
}

/** What each action sends to the host, and what a good answer must hold. */
const ACTIONS = {
  "web-eid:authenticate": {
    command: "authenticate",
    required: ["challengeNonce"],
    args: (request, origin) => ({ challengeNonce: request.challengeNonce, origin }),
    answerFields: ["unverifiedCertificate", "algorithm", "signature", "format", "appVersion"],
  },
  "web-eid:get-signing-certificate": {
    command: "get-signing-certificate",
    required: [],
    args: (_request, origin) => ({ origin }),
    answerFields: ["certificate", "supportedSignatureAlgorithms"],
  },
  "web-eid:sign": {
    command: "sign",
    required: ["certificate", "hash", "hashFunction"],
    args: (request, origin) => ({
      hash: request.hash,
      hashFunction: request.hashFunction,
      certificate: request.certificate,
      origin,
    }),
    answerFields: ["signature", "signatureAlgorithm"],
  },
};

/** The origin of the frame whose content script sent the message: the browser's own record. */
function senderOrigin(sender) {
  if (typeof sender.origin === "string" && sender.origin !== "null") return sender.origin;
  try {
    const origin = new URL(sender.url).origin;
    return origin === "null" ? null : origin;
  } catch {
    return null;
  }
}

function userInteractionTimeout(request) {
  const t = request.options?.userInteractionTimeout;
  return typeof t === "number" && t > 0 ? t : DEFAULT_USER_INTERACTION_TIMEOUT;
}

/**
 * One exchange with the host: handshake, `command`, one answer. Resolves {version, answer};
 * rejects with an ExtensionError. `onReplyTimeout(version)` gives the outcome when the answer
 * does not come within `replyTimeout` ms.
 */
function nativeExchange(command, args, replyTimeout, onReplyTimeout) {
  return new Promise((resolve, reject) => {
    let port;
    try {
      port = api.runtime.connectNative(HOST);
    } catch (error) {
      reject(new ExtensionError("ERR_WEBEID_NATIVE_UNAVAILABLE", `native application unavailable: ${error.message}`));
      return;
    }
    let version = null;
    let done = false;
    let timer;
    const finish = (outcome) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      try {
        port.disconnect();
      } catch {
        // already disconnected
      }
      if (outcome instanceof Error) reject(outcome);
      else resolve(outcome);
    };
    timer = setTimeout(
      () =>
        finish(
          new ExtensionError(
            "ERR_WEBEID_NATIVE_UNAVAILABLE",
            `native application handshake timeout, ${NATIVE_APP_HANDSHAKE_TIMEOUT}ms`,
          ),
        ),
      NATIVE_APP_HANDSHAKE_TIMEOUT,
    );
    port.onMessage.addListener((message) => {
      if (version === null) {
        if (typeof message?.version !== "string") {
          finish(new ExtensionError("ERR_WEBEID_NATIVE_UNAVAILABLE", "the native application did not start with its version"));
          return;
        }
        version = message.version.replace(/^v/, "");
        clearTimeout(timer);
        timer = setTimeout(() => finish(onReplyTimeout(version)), replyTimeout);
        const frame = { command, arguments: args };
        if (new TextEncoder().encode(JSON.stringify(frame)).length > NATIVE_MESSAGE_MAX_BYTES) {
          finish(new ExtensionError("ERR_WEBEID_NATIVE_INVALID_ARGUMENT", "the request is too large for the native application"));
          return;
        }
        port.postMessage(frame);
        return;
      }
      finish({ version, answer: message });
    });
    port.onDisconnect.addListener((p) => {
      const reason = api.runtime.lastError?.message ?? p?.error?.message ?? "connection closed";
      finish(
        version === null
          ? new ExtensionError("ERR_WEBEID_NATIVE_UNAVAILABLE", `native application unavailable: ${reason}`)
          : new ExtensionError("ERR_WEBEID_NATIVE_FATAL", `the native application closed the connection before answering: ${reason}`),
      );
    });
  });
}

function failure(action, error, extra = {}) {
  const code = error instanceof ExtensionError ? error.code : "ERR_WEBEID_UNKNOWN_ERROR";
  return {
    action: `${action}-failure`,
    error: {
      name: ERROR_NAMES[code] ?? "UnknownError",
      code,
      message: error?.message ?? String(error),
      ...(error instanceof ExtensionError ? error.details : {}),
      ...extra,
    },
  };
}

async function status(request) {
  const extension = api.runtime.getManifest().version;
  const library = typeof request.libraryVersion === "string" ? request.libraryVersion : undefined;
  try {
    // `quit` lets the host exit by itself; no answer within the grace period is fine.
    const { version } = await nativeExchange("quit", {}, NATIVE_GRACEFUL_DISCONNECT_TIMEOUT, (v) => ({
      version: v,
    }));
    return { action: "web-eid:status-success", library, extension, nativeApp: version };
  } catch (error) {
    return failure("web-eid:status", error, { library, extension });
  }
}

async function operation(request, origin) {
  const spec = ACTIONS[request.action];
  for (const name of spec.required) {
    if (typeof request[name] !== "string" || request[name] === "") {
      return failure(request.action, new ExtensionError("ERR_WEBEID_MISSING_PARAMETER", `${request.action} requires ${name}`));
    }
  }
  const args = spec.args(request, origin);
  if (typeof request.options?.lang === "string") args.lang = request.options.lang;
  const timeout = userInteractionTimeout(request);
  try {
    const { answer } = await nativeExchange(
      spec.command,
      args,
      timeout,
      () => new ExtensionError("ERR_WEBEID_USER_TIMEOUT", `no answer from the user within ${timeout} ms`),
    );
    if (answer && typeof answer === "object" && answer.error) {
      const code =
        typeof answer.error.code === "string" && answer.error.code.startsWith("ERR_WEBEID_")
          ? answer.error.code
          : "ERR_WEBEID_NATIVE_FATAL";
      return failure(request.action, new ExtensionError(code, String(answer.error.message ?? "native application error")));
    }
    if (!answer || typeof answer !== "object" || !spec.answerFields.every((f) => f in answer)) {
      return failure(request.action, new ExtensionError("ERR_WEBEID_UNKNOWN_ERROR", "malformed answer from the native application"));
    }
    return { ...answer, action: `${request.action}-success` };
  } catch (error) {
    return failure(request.action, error);
  }
}

api.runtime.onMessage.addListener((request, sender, sendResponse) => {
  // Only this extension's content scripts, in tabs.
  if (sender.id !== api.runtime.id || !sender.tab) return false;
  const action = request?.action;
  if (action !== "web-eid:status" && !(action in ACTIONS)) return false;
  const origin = senderOrigin(sender);
  let outcome;
  if (action === "web-eid:status") {
    outcome = status(request);
  } else if (!origin || !/^(https|http):\/\//.test(origin)) {
    outcome = Promise.resolve(
      failure(action, new ExtensionError("ERR_WEBEID_CONTEXT_INSECURE", `the page's origin ${origin} cannot be used`)),
    );
  } else {
    outcome = operation(request, origin);
  }
  outcome.then((answer) => {
    console.info(`knik: ${action} from ${origin}: ${answer.action.endsWith("-success") ? "ok" : answer.error.code}`);
    sendResponse(answer);
  });
  return true;
});
