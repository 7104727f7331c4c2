// The JavaScript API of @knik/wasm, shared by the Node and browser entries. The entries load
// the one .wasm file their own way and hand the initialised wasm-bindgen module to `bind`.

let glue = null;

/** Called by an entry once the wasm module is instantiated. */
export function bind(module) {
  glue = module;
}

function ready() {
  if (glue === null) {
    throw new KnikError('NOT_INITIALIZED', '@knik/wasm is not initialised: await init() first');
  }
  return glue;
}

/**
 * A failure with a stable machine code: the same code as the Rust error (`WEBEID_CERT_REVOKED`,
 * `CERT_PEM_INVALID`, ...) or one of the binding's own (`OPTIONS_INVALID`, ...).
 */
export class KnikError extends Error {
  constructor(code, message) {
    super(message);
    this.name = 'KnikError';
    this.code = code;
  }
}

// Rust throws plain `Error`s named KnikError with a `code` (wasm-bindgen cannot subclass);
// make them instances of the class above.
function typed(error) {
  if (error instanceof KnikError) return error;
  if (error && error.name === 'KnikError' && typeof error.code === 'string') {
    return new KnikError(error.code, error.message);
  }
  return error;
}

function call(fn) {
  try {
    return fn();
  } catch (error) {
    throw typed(error);
  }
}

function bytesOf(value) {
  if (value instanceof Uint8Array) return value;
  if (value instanceof ArrayBuffer) return new Uint8Array(value);
  if (ArrayBuffer.isView(value)) return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
  return null;
}

/**
 * The options argument as an object: `undefined` and `null` are no options; anything else that
 * is not an object (a string, a number, an array, a function) is refused rather than ignored.
 */
function optionsObject(options, where) {
  if (options === undefined || options === null) return {};
  if (typeof options !== 'object' || Array.isArray(options)) {
    throw new KnikError('OPTIONS_INVALID', `${where}: options must be an object, not ${typeName(options)}`);
  }
  return options;
}

function typeName(value) {
  return Array.isArray(value) ? 'an array' : typeof value;
}

/** The package version. */
export function version() {
  return ready().version();
}

/** Every documented finding code a verification report can carry, sorted. */
export function findingCodes() {
  return ready().findingCodes();
}

/** The codes of the binding's own errors (OPTIONS_INVALID, OCSP_PASSES_EXCEEDED, ...). */
export function bindingErrorCodes() {
  return ready().bindingErrorCodes();
}

/**
 * Verifies an ASiC-E container. Returns the report of `knik verify --json` as a plain object;
 * a bad container is a verdict in the report, never an exception. Throws a KnikError only for
 * bad options.
 */
export function verifyContainer(bytes, options = {}) {
  const g = ready();
  const data = bytesOf(bytes);
  if (data === null) {
    throw new KnikError('OPTIONS_INVALID', 'verifyContainer: the container must be a Uint8Array or ArrayBuffer');
  }
  const { trustAnchors, intermediates, validationTime } = optionsObject(options, 'verifyContainer');
  return call(() => g.verifyContainer(data, trustAnchors, intermediates, validationTime));
}

/** The largest OCSP answer ocspFetch reads: OCSP responses are a few KiB (as the Rust transport). */
const MAX_OCSP_RESPONSE_BYTES = 1024 * 1024;

/**
 * The responder answered, but not with something to give the validator (an HTTP status other
 * than 200, a body over the cap): a bad answer, not an unreachable responder.
 */
class BadOcspAnswer extends Error {}

/**
 * POSTs an OCSP request with the platform's fetch: the default `ocsp` of validateWebEidToken.
 * Reads at most 1 MiB of the answer. In browsers the responder must allow the page's origin
 * (CORS).
 */
export async function ocspFetch(url, request, { signal } = {}) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/ocsp-request', Accept: 'application/ocsp-response' },
    body: request,
    signal,
    redirect: 'error',
  });
  if (response.status !== 200) {
    response.body?.cancel().catch(() => {});
    throw new BadOcspAnswer(`HTTP status ${response.status}`);
  }
  const declared = Number(response.headers.get('content-length'));
  if (declared > MAX_OCSP_RESPONSE_BYTES) {
    response.body?.cancel().catch(() => {});
    throw new BadOcspAnswer(`the answer is ${declared} bytes, over the ${MAX_OCSP_RESPONSE_BYTES} byte cap`);
  }
  return readCapped(response.body, MAX_OCSP_RESPONSE_BYTES);
}

/** Reads a body chunk by chunk, giving up as soon as it grows over `limit` bytes. */
async function readCapped(body, limit) {
  if (body === null) return new Uint8Array(0);
  const reader = body.getReader();
  const chunks = [];
  let length = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    length += value.byteLength;
    if (length > limit) {
      reader.cancel().catch(() => {});
      throw new BadOcspAnswer(`the answer is over the ${limit} byte cap`);
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(length);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}

const TIMED_OUT = Symbol('timed out');

/**
 * Hands a failed exchange to the validation: `kind` is 'timeout' (WEBEID_OCSP_TIMEOUT),
 * 'unreachable' (the callback threw) or 'bad-answer' (the callback returned no bytes, or
 * ocspFetch got a non-200 or oversized answer); both of the last end in
 * WEBEID_OCSP_UNAVAILABLE with `reason`.
 */
function answerFailure(session, url, request, kind, reason) {
  if (kind === 'bad-answer') {
    session.answerBadAnswer(url, request, reason);
  } else {
    session.answerFailure(url, request, kind === 'timeout', reason);
  }
}

/**
 * One OCSP exchange through the caller's callback. Its outcome goes back to the validation:
 * the answer's bytes, or a failure that the Rust validator turns into its own code
 * (WEBEID_OCSP_TIMEOUT, WEBEID_OCSP_UNAVAILABLE, WEBEID_OCSP_RESPONSE_MALFORMED, ...).
 */
async function exchange(session, fetchOcsp, url, request, timeoutMs) {
  const controller = new AbortController();
  let timer;
  const timeout = new Promise((resolve) => {
    timer = setTimeout(() => resolve(TIMED_OUT), timeoutMs);
  });
  try {
    // The callback gets a copy: whatever it does to the bytes, the request stays the key.
    const answer = await Promise.race([
      Promise.resolve().then(() => fetchOcsp(url, request.slice(), { signal: controller.signal })),
      timeout,
    ]);
    if (answer === TIMED_OUT) {
      controller.abort();
      answerFailure(session, url, request, 'timeout', `no answer within ${timeoutMs} ms`);
      return;
    }
    const bytes = bytesOf(answer);
    if (bytes === null) {
      answerFailure(session, url, request, 'bad-answer', 'the OCSP callback did not return bytes');
    } else {
      session.answer(url, request, bytes);
    }
  } catch (error) {
    const kind = error instanceof BadOcspAnswer ? 'bad-answer' : 'unreachable';
    answerFailure(session, url, request, kind, String(error?.message ?? error));
  } finally {
    clearTimeout(timer);
  }
}

/** setTimeout's largest delay. */
const MAX_TIMEOUT_MS = 2 ** 31 - 1;

/** options.ocspTimeoutMs: an integer number of milliseconds, 1 ms to about 24.8 days. */
function ocspTimeout(value, g) {
  if (value === undefined || value === null) return g.TokenValidation.ocspTimeoutMs();
  if (!Number.isInteger(value) || value < 1 || value > MAX_TIMEOUT_MS) {
    throw new KnikError(
      'OPTIONS_INVALID',
      `validateWebEidToken: options.ocspTimeoutMs must be a whole number of milliseconds from 1 to ${MAX_TIMEOUT_MS}`,
    );
  }
  return value;
}

/**
 * Validates a Web eID authentication token against the challenge nonce the server issued
 * (and has removed from its store). Resolves to the authenticated user; rejects with a
 * KnikError carrying the Rust validator's code (WEBEID_CERT_REVOKED,
 * WEBEID_SIGNATURE_INVALID, ...).
 *
 * OCSP goes through `options.ocsp.fetch(url, request, { signal })` (default: ocspFetch), or
 * is off with `ocsp: false`. The Rust validator is synchronous, so the validation runs in
 * passes: a pass that needs an OCSP answer not fetched yet is discarded (never shown), the
 * answer is fetched, and the next pass uses it. The validation time and the OCSP nonces are
 * the same in every pass, so the requests repeat byte for byte (see src/replay.rs).
 */
export async function validateWebEidToken(tokenJson, challengeNonce, options) {
  const g = ready();
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new KnikError('OPTIONS_INVALID', 'validateWebEidToken: options { origin, trustedCertificateAuthorities } are required');
  }
  if (typeof tokenJson !== 'string' || typeof challengeNonce !== 'string' || typeof options.origin !== 'string') {
    throw new KnikError('OPTIONS_INVALID', 'validateWebEidToken: the token, the nonce and options.origin must be strings');
  }
  const { ocsp } = options;
  let fetchOcsp = null;
  if (ocsp === undefined) {
    fetchOcsp = ocspFetch;
  } else if (ocsp !== false) {
    if (ocsp === null || typeof ocsp.fetch !== 'function') {
      throw new KnikError('OPTIONS_INVALID', 'validateWebEidToken: options.ocsp must be false or { fetch(url, request) }');
    }
    // Called as a method, so a callback object's `this` is itself.
    const callback = ocsp.fetch;
    fetchOcsp = (url, request, init) => callback.call(ocsp, url, request, init);
  }
  const timeoutMs = ocspTimeout(options.ocspTimeoutMs, g);
  const session = call(
    () =>
      new g.TokenValidation(
        tokenJson,
        challengeNonce,
        options.origin,
        options.trustedCertificateAuthorities,
        options.allowHttpLocalhost === true,
        fetchOcsp !== null,
        options.validationTime,
        // What a WEBEID_OCSP_TIMEOUT says the wait was.
        timeoutMs,
      ),
  );
  try {
    // Rust bounds the passes (OCSP_PASSES_EXCEEDED), so this loop ends.
    for (;;) {
      const step = call(() => session.step());
      if (step.done) return step.user;
      await exchange(session, fetchOcsp, step.url, step.request, timeoutMs);
    }
  } finally {
    session.free();
  }
}
