// @knik/wasm for Node: reads the package's .wasm from disk and instantiates it synchronously
// on import, so every function is usable at once.
import { webcrypto } from 'node:crypto';
import { readFileSync } from 'node:fs';

import * as glue from '../pkg/knik_wasm.js';
import { bind } from './common.js';

// The wasm draws its random bytes (OCSP nonces) from `globalThis.crypto.getRandomValues`.
// Node 18 has no global `crypto` by default (nor Node 20+ with
// --no-experimental-global-webcrypto): give it node:crypto's, which is the same object.
globalThis.crypto ??= webcrypto;

glue.initSync({ module: readFileSync(new URL('../pkg/knik_wasm_bg.wasm', import.meta.url)) });
bind(glue);

/** Already initialised in Node; kept so code written for both platforms can await it. */
export async function init() {}

export {
  KnikError,
  bindingErrorCodes,
  findingCodes,
  ocspFetch,
  validateWebEidToken,
  verifyContainer,
  version,
} from './common.js';
