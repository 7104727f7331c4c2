// @knik/web-eid: the web page's side of knik's browser extension.
//
// Wire compatible with Web eID's web-eid.js 2.x (shared/reference/web-eid.md §1.7, §3): the page
// posts {action: "web-eid:<action>", libraryVersion, …} to its own window; the extension's
// content script answers "<action>-ack" at once, then "<action>-success" with the native
// host's answer or "<action>-failure" with {error: {code, message, …}}. One call per action at
// a time. The page never supplies the origin: the extension takes it from the sending frame.

/** This library's version, sent as `libraryVersion` with every request. */
export const LIBRARY_VERSION = "0.1.0";

/** The window.postMessage action names. */
export const Action = Object.freeze({
  STATUS: "web-eid:status",
  STATUS_ACK: "web-eid:status-ack",
  STATUS_SUCCESS: "web-eid:status-success",
  STATUS_FAILURE: "web-eid:status-failure",
  AUTHENTICATE: "web-eid:authenticate",
  AUTHENTICATE_ACK: "web-eid:authenticate-ack",
  AUTHENTICATE_SUCCESS: "web-eid:authenticate-success",
  AUTHENTICATE_FAILURE: "web-eid:authenticate-failure",
  GET_SIGNING_CERTIFICATE: "web-eid:get-signing-certificate",
  GET_SIGNING_CERTIFICATE_ACK: "web-eid:get-signing-certificate-ack",
  GET_SIGNING_CERTIFICATE_SUCCESS: "web-eid:get-signing-certificate-success",
  GET_SIGNING_CERTIFICATE_FAILURE: "web-eid:get-signing-certificate-failure",
  SIGN: "web-eid:sign",
  SIGN_ACK: "web-eid:sign-ack",
  SIGN_SUCCESS: "web-eid:sign-success",
  SIGN_FAILURE: "web-eid:sign-failure",
  WARNING: "web-eid:warning",
});

/** Web eID's error codes, and knik's finer native codes (which Web eID software sees as errors). */
export const ErrorCode = Object.freeze({
  ERR_WEBEID_ACTION_TIMEOUT: "ERR_WEBEID_ACTION_TIMEOUT",
  ERR_WEBEID_USER_TIMEOUT: "ERR_WEBEID_USER_TIMEOUT",
  ERR_WEBEID_VERSION_MISMATCH: "ERR_WEBEID_VERSION_MISMATCH",
  ERR_WEBEID_VERSION_INVALID: "ERR_WEBEID_VERSION_INVALID",
  ERR_WEBEID_EXTENSION_UNAVAILABLE: "ERR_WEBEID_EXTENSION_UNAVAILABLE",
  ERR_WEBEID_NATIVE_UNAVAILABLE: "ERR_WEBEID_NATIVE_UNAVAILABLE",
  ERR_WEBEID_UNKNOWN_ERROR: "ERR_WEBEID_UNKNOWN_ERROR",
  ERR_WEBEID_CONTEXT_INSECURE: "ERR_WEBEID_CONTEXT_INSECURE",
  ERR_WEBEID_USER_CANCELLED: "ERR_WEBEID_USER_CANCELLED",
  ERR_WEBEID_NATIVE_INVALID_ARGUMENT: "ERR_WEBEID_NATIVE_INVALID_ARGUMENT",
  ERR_WEBEID_NATIVE_FATAL: "ERR_WEBEID_NATIVE_FATAL",
  ERR_WEBEID_ACTION_PENDING: "ERR_WEBEID_ACTION_PENDING",
  ERR_WEBEID_MISSING_PARAMETER: "ERR_WEBEID_MISSING_PARAMETER",
  ERR_WEBEID_NATIVE_NO_READER: "ERR_WEBEID_NATIVE_NO_READER",
  ERR_WEBEID_NATIVE_NO_SUPPORTED_CARD: "ERR_WEBEID_NATIVE_NO_SUPPORTED_CARD",
  ERR_WEBEID_NATIVE_PIN_BLOCKED: "ERR_WEBEID_NATIVE_PIN_BLOCKED",
  ERR_WEBEID_NATIVE_WRONG_CERTIFICATE: "ERR_WEBEID_NATIVE_WRONG_CERTIFICATE",
  ERR_WEBEID_NATIVE_CARD_REMOVED: "ERR_WEBEID_NATIVE_CARD_REMOVED",
});

/** Web eID's timeouts in milliseconds (reference/web-eid.md §1.7). */
export const config = Object.freeze({
  /** Every call waits until this long after the library loaded, for the content script. */
  MAX_EXTENSION_LOAD_DELAY: 1000,
  /** No "-ack" within this time: the extension is missing. */
  EXTENSION_HANDSHAKE_TIMEOUT: 1000,
  /** The extension's wait for the native host's version message. */
  NATIVE_APP_HANDSHAKE_TIMEOUT: 5000,
  /** The extension's wait for the citizen (PIN, consent) unless the call says otherwise. */
  DEFAULT_USER_INTERACTION_TIMEOUT: 120000,
});

// Web eID's error class names, kept as `name` so that pages written for web-eid.js can switch
// on either the name or the code.
const ERROR_NAMES = {
  ERR_WEBEID_ACTION_TIMEOUT: "ActionTimeoutError",
  ERR_WEBEID_USER_TIMEOUT: "UserTimeoutError",
  ERR_WEBEID_VERSION_MISMATCH: "VersionMismatchError",
  ERR_WEBEID_VERSION_INVALID: "VersionInvalidError",
  ERR_WEBEID_EXTENSION_UNAVAILABLE: "ExtensionUnavailableError",
  ERR_WEBEID_NATIVE_UNAVAILABLE: "NativeUnavailableError",
  ERR_WEBEID_UNKNOWN_ERROR: "UnknownError",
  ERR_WEBEID_CONTEXT_INSECURE: "ContextInsecureError",
  ERR_WEBEID_USER_CANCELLED: "UserCancelledError",
  ERR_WEBEID_NATIVE_INVALID_ARGUMENT: "NativeInvalidArgumentError",
  ERR_WEBEID_NATIVE_FATAL: "NativeFatalError",
  ERR_WEBEID_ACTION_PENDING: "ActionPendingError",
  ERR_WEBEID_MISSING_PARAMETER: "MissingParameterError",
  ERR_WEBEID_NATIVE_NO_READER: "NativeNoReaderError",
  ERR_WEBEID_NATIVE_NO_SUPPORTED_CARD: "NativeNoSupportedCardError",
  ERR_WEBEID_NATIVE_PIN_BLOCKED: "NativePinBlockedError",
  ERR_WEBEID_NATIVE_WRONG_CERTIFICATE: "NativeWrongCertificateError",
  ERR_WEBEID_NATIVE_CARD_REMOVED: "NativeCardRemovedError",
};

/** Every failure of this library: `code` is one of {@link ErrorCode} (or a newer ERR_WEBEID_ code). */
export class WebEidError extends Error {
  constructor(code, message, details = {}) {
    super(message);
    for (const [key, value] of Object.entries(details)) {
      if (!["name", "message", "code", "stack"].includes(key)) this[key] = value;
    }
    this.name = ERROR_NAMES[code] ?? "UnknownError";
    this.code = code;
  }
}

/** The error an extension's "-failure" message carries, as a WebEidError. */
export function errorFromWire(error) {
  const code =
    typeof error?.code === "string" && error.code.startsWith("ERR_WEBEID_")
      ? error.code
      : ErrorCode.ERR_WEBEID_UNKNOWN_ERROR;
  const message =
    typeof error?.message === "string" && error.message !== ""
      ? error.message
      : "the extension reported an error without a message";
  return new WebEidError(code, message, error && typeof error === "object" ? error : {});
}

const SUFFIXES = ["-ack", "-success", "-failure"];

/**
 * A client bound to one window. The module's own functions use one bound to `globalThis.window`;
 * tests and embedders pass `{window, config, loadedAt}`.
 */
export function createWebEid(options = {}) {
  const target = options.window ?? globalThis.window;
  const settings = { ...config, ...options.config };
  const loadedAt = options.loadedAt ?? Date.now();
  const pending = new Map();
  const warnings = new Set();
  let listening = false;

  function settle(action, outcome) {
    const entry = pending.get(action);
    if (!entry) return;
    pending.delete(action);
    clearTimeout(entry.ackTimer);
    clearTimeout(entry.replyTimer);
    if (outcome instanceof Error) entry.reject(outcome);
    else entry.resolve(outcome);
  }

  function onMessage(event) {
    if (event.source !== target) return;
    const data = event.data;
    if (!data || typeof data !== "object" || typeof data.action !== "string") return;
    if (data.action === Action.WARNING) {
      for (const warning of Array.isArray(data.warnings) ? data.warnings : []) {
        if (!warnings.has(warning)) {
          warnings.add(warning);
          console.warn(warning);
        }
      }
      return;
    }
    const suffix = SUFFIXES.find((s) => data.action.endsWith(s));
    if (!suffix) return;
    const action = data.action.slice(0, -suffix.length);
    const entry = pending.get(action);
    if (!entry) return;
    if (suffix === "-ack") {
      clearTimeout(entry.ackTimer);
    } else if (suffix === "-success") {
      const { action: _, ...result } = data;
      settle(action, result);
    } else {
      settle(action, errorFromWire(data.error));
    }
  }

  async function send(message, replyTimeout) {
    const wait = loadedAt + settings.MAX_EXTENSION_LOAD_DELAY - Date.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    if (!target?.isSecureContext) {
      throw new WebEidError(
        ErrorCode.ERR_WEBEID_CONTEXT_INSECURE,
        "Secure context required: the page must be served over https (or from localhost)",
      );
    }
    const action = message.action;
    if (pending.has(action)) {
      throw new WebEidError(
        ErrorCode.ERR_WEBEID_ACTION_PENDING,
        `same action for Web eID browser extension is already pending: ${action}`,
      );
    }
    if (!listening) {
      target.addEventListener("message", onMessage);
      listening = true;
    }
    return new Promise((resolve, reject) => {
      const entry = { resolve, reject };
      entry.ackTimer = setTimeout(
        () =>
          settle(
            action,
            new WebEidError(
              ErrorCode.ERR_WEBEID_EXTENSION_UNAVAILABLE,
              `Web eID extension is not available (no answer to ${action} within ` +
                `${settings.EXTENSION_HANDSHAKE_TIMEOUT} ms)`,
            ),
          ),
        settings.EXTENSION_HANDSHAKE_TIMEOUT,
      );
      entry.replyTimer = setTimeout(
        () =>
          settle(
            action,
            new WebEidError(
              ErrorCode.ERR_WEBEID_ACTION_TIMEOUT,
              `${action} timed out after ${replyTimeout} ms`,
            ),
          ),
        replyTimeout,
      );
      pending.set(action, entry);
      const origin = target.location?.origin;
      target.postMessage(message, origin && origin !== "null" ? origin : "*");
    });
  }

  function userTimeout(options) {
    const t = options?.userInteractionTimeout;
    return typeof t === "number" && t > 0 ? t : settings.DEFAULT_USER_INTERACTION_TIMEOUT;
  }

  function withOptions(message, options) {
    return options === undefined ? message : { ...message, options };
  }

  const handshakes = () =>
    settings.EXTENSION_HANDSHAKE_TIMEOUT + settings.NATIVE_APP_HANDSHAKE_TIMEOUT;

  function missing(message) {
    return Promise.reject(new WebEidError(ErrorCode.ERR_WEBEID_MISSING_PARAMETER, message));
  }

  return {
    /** Versions of this library, the extension and the native host. */
    async status() {
      try {
        const reply = await send({ action: Action.STATUS, libraryVersion: LIBRARY_VERSION }, handshakes());
        return { library: LIBRARY_VERSION, extension: reply.extension, nativeApp: reply.nativeApp };
      } catch (error) {
        if (error instanceof WebEidError) error.library = LIBRARY_VERSION;
        throw error;
      }
    },

    /** A Web eID authentication token over `challengeNonce` and this page's origin. */
    authenticate(challengeNonce, options) {
      if (!challengeNonce) return missing("authenticate function requires a challengeNonce");
      const message = withOptions(
        { action: Action.AUTHENTICATE, libraryVersion: LIBRARY_VERSION, challengeNonce },
        options,
      );
      return send(message, handshakes() + userTimeout(options));
    },

    /** The signing certificate of the card, after the citizen agreed to release it. */
    getSigningCertificate(options) {
      const message = withOptions(
        { action: Action.GET_SIGNING_CERTIFICATE, libraryVersion: LIBRARY_VERSION },
        options,
      );
      return send(message, handshakes() + 2 * userTimeout(options));
    },

    /** A signature over `hash` by the card whose signing certificate is `certificate`. */
    sign(certificate, hash, hashFunction, options) {
      if (!certificate) return missing("sign function requires a certificate as parameter");
      if (!hash) return missing("sign function requires a hash as parameter");
      if (!hashFunction) return missing("sign function requires a hashFunction as parameter");
      const message = withOptions(
        { action: Action.SIGN, libraryVersion: LIBRARY_VERSION, certificate, hash, hashFunction },
        options,
      );
      return send(message, handshakes() + 2 * userTimeout(options));
    },
  };
}

// The module-level API, bound to the page's window; the load delay counts from module load.
const moduleLoadedAt = Date.now();
let defaultClient;
const client = () => (defaultClient ??= createWebEid({ loadedAt: moduleLoadedAt }));

/** Versions of this library, the extension and the native host. */
export const status = () => client().status();
/** A Web eID authentication token over `challengeNonce` and this page's origin. */
export const authenticate = (challengeNonce, options) => client().authenticate(challengeNonce, options);
/** The card's signing certificate and the signature algorithms it supports. */
export const getSigningCertificate = (options) => client().getSigningCertificate(options);
/** A signature over `hash` (base64) made by the card holding `certificate` (base64 DER). */
export const sign = (certificate, hash, hashFunction, options) =>
  client().sign(certificate, hash, hashFunction, options);
