// A helper thread that checks batches of a plan's text while the walk goes on (unit-checks.ts).
// Started by unit-check-helper.ts.
import { parentPort, workerData } from "node:worker_threads";
import { unitBatchProblem, type UnitBatch } from "./unit-checks.js";

/** What the main thread hands the helper when it starts it. */
export interface UnitCheckData {
  /** One Int32, readable without the event loop: the batches checked so far. */
  readonly counters: SharedArrayBuffer;
}

/** A batch to check, or the request to say the outcome once all before it are checked. */
export type UnitCheckRequest = UnitBatch | "drain";

/** The first problem found, once drained. */
export interface UnitCheckResponse {
  readonly problem: string | undefined;
}

export const CHECKED = 0;

const counters = new Int32Array((workerData as UnitCheckData).counters);
let problem: string | undefined;

parentPort!.on("message", (request: UnitCheckRequest) => {
  if (request === "drain") {
    parentPort!.postMessage({ problem } satisfies UnitCheckResponse);
    return;
  }
  // After a problem the walk is read again in place: the rest need no checking.
  if (problem === undefined) {
    try {
      problem = unitBatchProblem(request);
    } catch (error) {
      problem = `the check failed: ${(error as Error).message}`;
    }
  }
  Atomics.add(counters, CHECKED, 1);
});
