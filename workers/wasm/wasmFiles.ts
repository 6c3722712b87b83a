// Vite serves tfjs-backend-wasm's binaries at hashed URLs; tfjs must be told where they are. Imported
// for its effect by whatever runs the wasm backend in a browser (the training worker, the e2e harness).
// Under cross-origin isolation tfjs picks the threaded build: XNNPACK then runs the matmuls on half
// the logical cores, at most 8 (tfjs-backend-wasm's init_with_threads_count caps any count there).
import { setWasmPaths } from "@tensorflow/tfjs-backend-wasm";
import wasmPlain from "@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url";
import wasmSimd from "@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url";
import wasmThreaded from "@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url";

setWasmPaths({
  "tfjs-backend-wasm.wasm": wasmPlain,
  "tfjs-backend-wasm-simd.wasm": wasmSimd,
  "tfjs-backend-wasm-threaded-simd.wasm": wasmThreaded,
});
