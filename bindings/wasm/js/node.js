// @knik/wasm for Node: reads the package's .wasm from disk and instantiates it synchronously
// on import, so every function is usable at once.
import { readFileSync } from 'node:fs';

import * as glue from '../pkg/knik_wasm.js';
import { bind } from './common.js';

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
