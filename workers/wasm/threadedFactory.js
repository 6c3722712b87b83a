// tfjs-backend-wasm's threaded build hands its pthread workers `factory.toString()` as their main
// script (dist/backend_wasm.js, init()). Bundled and minified, that function refers to variables of
// the bundle's closure, and each worker dies with "e is not defined". So the Emscripten factory is
// taken as raw text (which no minifier rewrites) and evaluated on its own, as the unbundled file would be.
import source from "../../node_modules/@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.js?raw";

export default new Function(`${source}\nreturn WasmBackendModuleThreadedSimd;`)();
