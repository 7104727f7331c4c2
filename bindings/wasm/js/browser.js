// @knik/wasm for browsers (and bundlers): `await init()` fetches and instantiates the
// package's .wasm (next to this file's ../pkg/, or from `input`) before any other call.
import initWasm, * as glue from '../pkg/knik_wasm.js';
import { bind } from './common.js';

let loading = null;

/**
 * Loads the WebAssembly module once. `input` may be a URL, a Request, a Response, bytes
 * (ArrayBuffer or a view) or a WebAssembly.Module; by default the .wasm shipped in the package
 * is fetched. A failed load is not remembered: calling init() again tries again.
 */
export function init(input) {
  loading ??= initWasm({
    module_or_path: input ?? new URL('../pkg/knik_wasm_bg.wasm', import.meta.url),
  }).then(
    () => {
      bind(glue);
    },
    (error) => {
      loading = null;
      throw error;
    },
  );
  return loading;
}

export {
  KnikError,
  bindingErrorCodes,
  findingCodes,
  ocspFetch,
  validateWebEidToken,
  verifyContainer,
  version,
} from './common.js';
