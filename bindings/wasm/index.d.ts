// Types of @knik/wasm: verify ASiC-E containers and validate Web eID authentication tokens in
// browsers and Node. The same API from both entries; in browsers, `await init()` first.
//
// Self-contained: they compile with `lib: ["es2022"]` alone, without the DOM lib or
// @types/node. The platform types they name (URL, Request, Response, AbortSignal,
// WebAssembly.Module) are declared below as empty interfaces, which merge with the full
// declarations where the project has them (DOM lib, @types/node) and stand in otherwise.

declare global {
  interface URL {}
  interface Request {}
  interface Response {}
  interface AbortSignal {}
  namespace WebAssembly {
    interface Module {}
  }
}

/** A certificate as PEM text (one or more blocks) or DER/PEM bytes. */
export type CertificateInput = string | Uint8Array;

/** A validation time: a Date, an RFC 3339 string (`2026-03-01T12:00:00Z`) or ms since 1970. */
export type ValidationTime = Date | string | number;

/**
 * A failure with a stable machine code: the Rust error's code (`WEBEID_CERT_REVOKED`,
 * `WEBEID_SIGNATURE_INVALID`, `CERT_PEM_INVALID`, `DER_MALFORMED`, …) or one of the binding's
 * own (see {@link bindingErrorCodes}).
 */
export class KnikError extends Error {
  constructor(code: string, message: string);
  readonly name: 'KnikError';
  /** The stable code, never renamed. */
  readonly code: string;
}

/**
 * Loads the WebAssembly module. Required once in browsers before any other call; a no-op in
 * Node (the module loads on import). `input`: where the .wasm is (default: next to the
 * package's JavaScript).
 */
export function init(
  input?: string | URL | Request | Response | ArrayBuffer | ArrayBufferView | WebAssembly.Module,
): Promise<void>;

/** The package version. */
export function version(): string;

/** Every documented finding code a verification report can carry, sorted. */
export function findingCodes(): string[];

/** The codes of the binding's own errors: OPTIONS_INVALID, OCSP_PASSES_EXCEEDED, NOT_INITIALIZED, INTERNAL. */
export function bindingErrorCodes(): string[];

// ----- container verification -----

export type Verdict = 'valid' | 'indeterminate' | 'invalid';
export type Severity = 'info' | 'warning' | 'indeterminate' | 'error';

/** One observation, with a stable code (docs/verification.md). */
export interface Finding {
  code: string;
  severity: Severity;
  /** A sentence for people. */
  message: string;
}

/** The person (or seal) who signed, as the signing certificate names them. */
export interface SignerReport {
  given_name: string | null;
  surname: string | null;
  common_name: string | null;
  /** Personal number (PSN for Armenia), without the `PNOAM-` prefix. */
  personal_number: string | null;
  /** ISO 3166 alpha-2 country of the personal number. */
  country: string | null;
  /** `Armenian ID card`, … from the certificate policies. */
  document_kind: string | null;
  /** `citizen-id-card`, `residence-card`, `mobile-id`, … */
  document_kind_code: string | null;
  subject: string;
  issuer: string;
  /** Hex. */
  serial_number: string;
  /** RFC 3339. */
  valid_from: string;
  /** RFC 3339. */
  valid_until: string;
}

export interface TimestampReport {
  kind: 'signature' | 'archive';
  /** RFC 3339. */
  time: string;
  authority: string;
  intact: boolean;
}

export interface RevocationReport {
  status: 'good' | 'revoked' | 'unknown';
  /** RFC 3339. */
  produced_at: string;
  responder: string;
  revoked_at: string | null;
}

export interface SignatureReport {
  id: string;
  /** `META-INF/signatures0.xml`. */
  file: string;
  verdict: Verdict;
  /** `none` when the signature could not be read at all (then `id` is empty). */
  level: 'B-B' | 'B-T' | 'B-LT' | 'B-LTA' | 'none';
  signer: SignerReport | null;
  claimed_signing_time: string | null;
  proven_signing_time: string | null;
  timestamps: TimestampReport[];
  revocation: RevocationReport | null;
  signed_files: string[];
  signature_method: string | null;
  canonicalization: string | null;
  /** Worst first. */
  findings: Finding[];
}

export interface DataFileReport {
  name: string;
  media_type: string | null;
  size: number;
}

export interface ContainerReport {
  structure: 'sound' | 'tolerated' | 'defective' | 'rejected';
  data_files: DataFileReport[];
  findings: Finding[];
}

/** The report of `knik verify --json`, field for field. */
export interface Report {
  format: 'knik-verification-report/1';
  /** Always null here (no file path). */
  file: string | null;
  verdict: Verdict;
  /** RFC 3339. */
  validation_time: string;
  container: ContainerReport;
  signatures: SignatureReport[];
}

export interface VerifyOptions {
  /** Trust anchors (root CAs). Without any, a good signature is `indeterminate`. */
  trustAnchors?: CertificateInput[];
  /** CA certificates that may complete a signer's chain without being trusted themselves. */
  intermediates?: CertificateInput[];
  /** Default: now. */
  validationTime?: ValidationTime;
}

/**
 * Verifies an ASiC-E container. A bad container is a verdict in the report, never an
 * exception; throws a {@link KnikError} only for bad options.
 */
export function verifyContainer(container: Uint8Array | ArrayBuffer, options?: VerifyOptions): Report;

// ----- Web eID authentication tokens -----

/**
 * POSTs `request` (a DER OCSPRequest) to `url` and returns the body of the `200` answer.
 * Throw (or reject) when the responder cannot be reached or answers otherwise; honour
 * `signal`, which aborts when the exchange times out.
 */
export type OcspFetch = (
  url: string,
  /** A fresh copy over its own ArrayBuffer, so it can be a fetch body as it is. */
  request: Uint8Array<ArrayBuffer>,
  init: { signal: AbortSignal },
) => Promise<Uint8Array | ArrayBuffer> | Uint8Array | ArrayBuffer;

/** The default OCSP callback: the platform's `fetch` (browsers: the responder must allow CORS). */
export const ocspFetch: OcspFetch;

export interface WebEidOptions {
  /** The site origin, `https://host[:port]`, exactly as the browser reports it. */
  origin: string;
  /** The CAs trusted to issue authentication certificates (issuing CAs, and roots for 1.1 tokens). */
  trustedCertificateAuthorities: CertificateInput[];
  /** Developer mode: allow `http://localhost[:port]` and `http://127.0.0.1[:port]` origins. */
  allowHttpLocalhost?: boolean;
  /**
   * How OCSP requests are sent (default: {@link ocspFetch}); `false` turns the revocation check
   * off — dangerous: a revoked card then logs in.
   */
  ocsp?: false | { fetch: OcspFetch };
  /** How long one OCSP exchange may take (default 5000 ms, as the Rust validator). */
  ocspTimeoutMs?: number;
  /** Default: now. Fixed for the whole validation. */
  validationTime?: ValidationTime;
}

/** The person a certificate names. */
export interface Identity {
  givenName: string | null;
  surname: string | null;
  /** The national identifier, e.g. `2810770123`. */
  personalNumber: string;
  /** `PNO`, `IDC`, `PAS`, …; null for a legacy bare number. */
  identifierType: string | null;
  country: string | null;
  /** `citizen-id-card`, `residence-card`, `mobile-id`, `foreign-eid` or `unknown`. */
  documentKind: 'citizen-id-card' | 'residence-card' | 'mobile-id' | 'foreign-eid' | 'unknown';
  commonName: string | null;
  /** The subject serialNumber as written, e.g. `PNOAM-2810770123`. */
  semanticsIdentifier: string | null;
}

export interface CertificateInfo {
  der: Uint8Array<ArrayBuffer>;
  pem: string;
  subject: string;
  issuer: string;
  /** Hex. */
  serialNumber: string;
  /** RFC 3339. */
  notBefore: string;
  /** RFC 3339. */
  notAfter: string;
}

/** Who logged in: what a token that passed every check proves. */
export interface ValidatedUser {
  identity: Identity;
  /** The authentication certificate. */
  certificate: CertificateInfo;
  format: 'web-eid:1.0' | 'web-eid:1.1';
  /** `web-eid:1.1`: the holder's signing certificates (PEM), checked against the authentication certificate. */
  signingCertificates: string[];
  /** The OCSP responder that confirmed the certificate; null with `ocsp: false`. */
  ocspResponder: string | null;
}

/**
 * Validates a Web eID authentication token against the challenge nonce the server issued
 * (and has removed from its store: single use). Rejects with a {@link KnikError} carrying the
 * Rust validator's code (`WEBEID_NONCE_INVALID`, `WEBEID_TOKEN_PARSE`, `WEBEID_CERT_REVOKED`,
 * `WEBEID_CERT_NOT_TRUSTED`, `WEBEID_SIGNATURE_INVALID`, `WEBEID_OCSP_UNAVAILABLE`, …).
 */
export function validateWebEidToken(
  tokenJson: string,
  challengeNonce: string,
  options: WebEidOptions,
): Promise<ValidatedUser>;
