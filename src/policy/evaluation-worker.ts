// A helper thread that evaluates parts of a large plan: the same compiled module and data
// as the main thread, one JSON document per message. Started by evaluation-helpers.ts.
import { parentPort, workerData } from "node:worker_threads";
import { errorMessage } from "./error-message.js";
import { FINISHED, READY } from "./evaluation-helpers.js";
import { wasmEvaluator } from "./wasm-evaluator.js";

/** What the main thread hands a helper when it starts it. */
export interface HelperData {
  readonly module: WebAssembly.Module;
  readonly data: unknown;
  readonly entrypoint: string;
  /**
   * Two Int32s, readable without the event loop: [0] counts the documents evaluated, [1]
   * turns 1 once the helper is ready for its first.
   */
  readonly counters: SharedArrayBuffer;
}

/** One document to evaluate, its bytes transferred. */
export interface HelperRequest {
  readonly id: number;
  readonly input: Uint8Array;
}

/** The raw result set, or why the evaluation failed. */
export type HelperResponse =
  { readonly id: number; readonly result: unknown } | { readonly id: number; readonly error: string };

const { module, data, entrypoint, counters } = workerData as HelperData;
const evaluator = wasmEvaluator(module, data, entrypoint);
const counter = new Int32Array(counters);

parentPort?.on("message", (request: HelperRequest) => {
  let response: HelperResponse;
  try {
    response = { id: request.id, result: evaluator.evaluate(request.input) };
  } catch (error) {
    response = { id: request.id, error: errorMessage(error) };
  }
  reply(response);
});

function reply(response: HelperResponse): void {
  Atomics.add(counter, FINISHED, 1);
  parentPort?.postMessage(response);
}

Atomics.store(counter, READY, 1);
