// knik eID content script: relays the page's Web eID requests to the service worker and the
// answers back (shared/reference/web-eid.md §3.2).
//
// The page posts {action: "web-eid:<action>", …} to its own window; this script answers
// "<action>-ack" at once, forwards the request (known fields only) to the service worker, and
// posts the worker's "-success" / "-failure" answer back to the page's origin. The origin the
// card signs is never read here or from the page: the worker takes it from the sending frame.
(() => {
  "use strict";

  const api = globalThis.browser ?? globalThis.chrome;
  const REQUESTS = new Set([
    "web-eid:status",
    "web-eid:authenticate",
    "web-eid:get-signing-certificate",
    "web-eid:sign",
  ]);
  // What a request may carry besides its action (web-eid.js 2.x bodies).
  const FIELDS = ["libraryVersion", "challengeNonce", "certificate", "hash", "hashFunction"];

  function failure(action, code, message) {
    return { action: `${action}-failure`, error: { name: "Error", code, message } };
  }

  function request(data) {
    const out = { action: data.action };
    for (const field of FIELDS) {
      if (field in data) out[field] = data[field];
    }
    const options = data.options;
    if (options && typeof options === "object") {
      out.options = {};
      if ("lang" in options) out.options.lang = options.lang;
      if ("userInteractionTimeout" in options) {
        out.options.userInteractionTimeout = options.userInteractionTimeout;
      }
    }
    return out;
  }

  window.addEventListener("message", (event) => {
    if (event.source !== window) return;
    const data = event.data;
    if (!data || typeof data !== "object" || !REQUESTS.has(data.action)) return;
    const action = data.action;
    // postMessage cannot target an opaque origin; such a page is not a secure context anyway.
    const targetOrigin = event.origin && event.origin !== "null" ? event.origin : "*";
    const reply = (message) => window.postMessage(message, targetOrigin);
    if (!window.isSecureContext) {
      reply(
        failure(action, "ERR_WEBEID_CONTEXT_INSECURE", "Secure context required: the page must be served over https"),
      );
      return;
    }
    reply({ action: `${action}-ack` });
    let forwarded;
    try {
      forwarded = api.runtime.sendMessage(request(data));
    } catch (error) {
      // The extension was updated or removed while the page was open.
      forwarded = Promise.reject(error);
    }
    Promise.resolve(forwarded).then(
      (answer) =>
        reply(
          answer && typeof answer === "object" && typeof answer.action === "string"
            ? answer
            : failure(action, "ERR_WEBEID_UNKNOWN_ERROR", "the extension gave no answer"),
        ),
      (error) =>
        reply(
          failure(
            action,
            "ERR_WEBEID_EXTENSION_UNAVAILABLE",
            `the extension cannot be reached: ${error?.message ?? error}`,
          ),
        ),
    );
  });
})();
