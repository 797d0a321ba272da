import { Worker } from "node:worker_threads";
import { workerEntry } from "../exec/worker-entry.js";
import type { UnitCheckData, UnitCheckRequest, UnitCheckResponse } from "./unit-check-worker.js";
import { unitBatchProblem, type UnitBatch, type UnitChecker } from "./unit-checks.js";

/**
 * Batches sent and not yet checked, at most: past it the walk checks the next batch itself.
 * The helper does more per byte than the walk, so it falls behind; this shares the work out
 * and bounds the text held in its queue (a batch is about a quarter of a chunk: json-units.ts).
 */
const MAX_QUEUED = 4;

/** Slot of the shared counter (unit-check-worker.ts's CHECKED; not imported: the worker's module runs on import). */
const CHECKED = 0;

/**
 * Starts a helper thread for one plan's batches. It keeps the process alive only while
 * something waits for it.
 */
export function startUnitChecker(): UnitChecker {
  const counters = new SharedArrayBuffer(4);
  const checked = new Int32Array(counters);
  const worker = new Worker(workerEntry("unit-check-worker", import.meta.url), {
    workerData: { counters } satisfies UnitCheckData,
  });
  let sent = 0;
  let stopped: Error | undefined;
  let waiting: { resolve: (problem: string | undefined) => void; reject: (error: Error) => void } | undefined;
  const fail = (error: Error) => {
    stopped ??= error;
    waiting?.reject(error);
    waiting = undefined;
  };
  worker.on("message", (response: UnitCheckResponse) => {
    worker.unref();
    waiting?.resolve(response.problem);
    waiting = undefined;
  });
  worker.on("error", fail);
  worker.on("exit", (code) => fail(new Error(`the plan check helper stopped (exit code ${code})`)));
  worker.unref();
  return {
    check(batch: UnitBatch): string | undefined {
      if (stopped !== undefined || sent - Atomics.load(checked, CHECKED) >= MAX_QUEUED)
        return unitBatchProblem(batch);
      sent += 1;
      worker.postMessage(batch satisfies UnitCheckRequest, [batch.units.buffer as ArrayBuffer]);
      return undefined;
    },
    drained(): Promise<string | undefined> {
      if (stopped) return Promise.reject(stopped);
      worker.ref();
      return new Promise((resolve, reject) => {
        waiting = { resolve, reject };
        worker.postMessage("drain" satisfies UnitCheckRequest);
      });
    },
    async close(): Promise<void> {
      await worker.terminate();
    },
  };
}
