// Types of @knik/web-eid (hand-written; index.js is the implementation).

/** This library's version, sent as `libraryVersion` with every request. */
export declare const LIBRARY_VERSION: string;

/** The window.postMessage action names (Web eID's). */
export declare const Action: {
  readonly STATUS: "web-eid:status";
  readonly STATUS_ACK: "web-eid:status-ack";
  readonly STATUS_SUCCESS: "web-eid:status-success";
  readonly STATUS_FAILURE: "web-eid:status-failure";
  readonly AUTHENTICATE: "web-eid:authenticate";
  readonly AUTHENTICATE_ACK: "web-eid:authenticate-ack";
  readonly AUTHENTICATE_SUCCESS: "web-eid:authenticate-success";
  readonly AUTHENTICATE_FAILURE: "web-eid:authenticate-failure";
  readonly GET_SIGNING_CERTIFICATE: "web-eid:get-signing-certificate";
  readonly GET_SIGNING_CERTIFICATE_ACK: "web-eid:get-signing-certificate-ack";
  readonly GET_SIGNING_CERTIFICATE_SUCCESS: "web-eid:get-signing-certificate-success";
  readonly GET_SIGNING_CERTIFICATE_FAILURE: "web-eid:get-signing-certificate-failure";
  readonly SIGN: "web-eid:sign";
  readonly SIGN_ACK: "web-eid:sign-ack";
  readonly SIGN_SUCCESS: "web-eid:sign-success";
  readonly SIGN_FAILURE: "web-eid:sign-failure";
  readonly WARNING: "web-eid:warning";
};

/** Web eID's codes and knik's finer native codes. */
export type ErrorCode =
  | "ERR_WEBEID_ACTION_TIMEOUT"
  | "ERR_WEBEID_USER_TIMEOUT"
  | "ERR_WEBEID_VERSION_MISMATCH"
  | "ERR_WEBEID_VERSION_INVALID"
  | "ERR_WEBEID_EXTENSION_UNAVAILABLE"
  | "ERR_WEBEID_NATIVE_UNAVAILABLE"
  | "ERR_WEBEID_UNKNOWN_ERROR"
  | "ERR_WEBEID_CONTEXT_INSECURE"
  | "ERR_WEBEID_USER_CANCELLED"
  | "ERR_WEBEID_NATIVE_INVALID_ARGUMENT"
  | "ERR_WEBEID_NATIVE_FATAL"
  | "ERR_WEBEID_ACTION_PENDING"
  | "ERR_WEBEID_MISSING_PARAMETER"
  | "ERR_WEBEID_NATIVE_NO_READER"
  | "ERR_WEBEID_NATIVE_NO_SUPPORTED_CARD"
  | "ERR_WEBEID_NATIVE_PIN_BLOCKED"
  | "ERR_WEBEID_NATIVE_WRONG_CERTIFICATE"
  | "ERR_WEBEID_NATIVE_CARD_REMOVED";

export declare const ErrorCode: { readonly [K in ErrorCode]: K };

/** Web eID's timeouts, in milliseconds. */
export interface Config {
  readonly MAX_EXTENSION_LOAD_DELAY: number;
  readonly EXTENSION_HANDSHAKE_TIMEOUT: number;
  readonly NATIVE_APP_HANDSHAKE_TIMEOUT: number;
  readonly DEFAULT_USER_INTERACTION_TIMEOUT: number;
}
export declare const config: Config;

/** Every failure: `code` says what happened; `name` is Web eID's error class name. */
export declare class WebEidError extends Error {
  constructor(code: ErrorCode | string, message: string, details?: Record<string, unknown>);
  readonly code: ErrorCode | string;
  /** status(): the versions known when it failed. */
  library?: string;
  extension?: string;
  nativeApp?: string;
  [detail: string]: unknown;
}

/** Turns the `error` of a "-failure" message into a WebEidError. */
export declare function errorFromWire(error: unknown): WebEidError;

export interface ActionOptions {
  /** How long the extension waits for the citizen, in ms (default 120 000). */
  userInteractionTimeout?: number;
  /** ISO 639-1 language of the native dialogs. */
  lang?: string;
}

export interface LibraryStatusResponse {
  library: string;
  extension: string;
  nativeApp: string;
}

/** The Web eID authentication token (`web-eid:1.0`; `web-eid:1.1` adds the signing certificates). */
export interface LibraryAuthenticateResponse {
  unverifiedCertificate: string;
  algorithm: "ES256" | "ES384" | "ES512" | "PS256" | "PS384" | "PS512" | "RS256" | "RS384" | "RS512";
  signature: string;
  format: string;
  appVersion: string;
  unverifiedSigningCertificates?: Array<{
    certificate: string;
    supportedSignatureAlgorithms: SignatureAlgorithm[];
  }>;
}

export interface SignatureAlgorithm {
  cryptoAlgorithm: "ECC" | "RSA";
  hashFunction:
    | "SHA-224" | "SHA-256" | "SHA-384" | "SHA-512"
    | "SHA3-224" | "SHA3-256" | "SHA3-384" | "SHA3-512";
  paddingScheme: "NONE" | "PKCS1.5" | "PSS";
}

export interface LibraryGetSigningCertificateResponse {
  /** Base64 DER. */
  certificate: string;
  supportedSignatureAlgorithms: SignatureAlgorithm[];
}

export interface LibrarySignResponse {
  /** Base64. */
  signature: string;
  signatureAlgorithm: SignatureAlgorithm;
}

export interface WebEid {
  status(): Promise<LibraryStatusResponse>;
  authenticate(challengeNonce: string, options?: ActionOptions): Promise<LibraryAuthenticateResponse>;
  getSigningCertificate(options?: ActionOptions): Promise<LibraryGetSigningCertificateResponse>;
  sign(
    certificate: string,
    hash: string,
    hashFunction: SignatureAlgorithm["hashFunction"],
    options?: ActionOptions,
  ): Promise<LibrarySignResponse>;
}

/** The window-like object a client talks through (the page's `window`). */
export interface MessageWindow {
  readonly isSecureContext: boolean;
  readonly location?: { readonly origin: string };
  postMessage(message: unknown, targetOrigin: string): void;
  addEventListener(type: "message", listener: (event: MessageEvent) => void): void;
}

export interface CreateOptions {
  /** Default: `globalThis.window`. */
  window?: MessageWindow;
  /** Overrides of {@link config}. */
  config?: Partial<Config>;
  /** When the library counts as loaded (ms since the epoch), for MAX_EXTENSION_LOAD_DELAY. */
  loadedAt?: number;
}

/** A client bound to one window (the module functions below use the page's). */
export declare function createWebEid(options?: CreateOptions): WebEid;

export declare function status(): Promise<LibraryStatusResponse>;
export declare function authenticate(
  challengeNonce: string,
  options?: ActionOptions,
): Promise<LibraryAuthenticateResponse>;
export declare function getSigningCertificate(
  options?: ActionOptions,
): Promise<LibraryGetSigningCertificateResponse>;
export declare function sign(
  certificate: string,
  hash: string,
  hashFunction: SignatureAlgorithm["hashFunction"],
  options?: ActionOptions,
): Promise<LibrarySignResponse>;
