import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import { quoteValue, TempgrantError } from "../errors.js";
import { workerEntry } from "../exec/worker-entry.js";
import type { HelperData, HelperRequest, HelperResponse } from "./evaluation-worker.js";

/** The slots of a helper's shared counters: documents evaluated, and ready (1) or not. */
export const FINISHED = 0;
export const READY = 1;

/** A helper thread that evaluates documents with its own instance of the policy module. */
export interface EvaluationHelper {
  /** Whether the thread has started and can take documents; read without the event loop. */
  ready(): boolean;
  /** Documents sent and not yet evaluated; read without waiting for the event loop. */
  pending(): number;
  /** Evaluates one UTF-8 JSON document; its buffer is moved to the helper (unusable after). */
  evaluate(input: Uint8Array): Promise<unknown>;
  /** Ends the thread. */
  close(): Promise<void>;
}

/**
 * Helper threads to start for a large plan: `TEMPGRANT_POLICY_THREADS` when set (0 keeps the
 * check on one thread, for a runner shared with other jobs), else one per core beyond the
 * main thread's, at most 3.
 */
export function defaultHelperCount(env: NodeJS.ProcessEnv = process.env): number {
  const setting = env.TEMPGRANT_POLICY_THREADS;
  if (setting === undefined || setting === "") return Math.max(0, Math.min(3, availableParallelism() - 1));
  if (!/^\d+$/.test(setting) || Number(setting) > 16) {
    throw new TempgrantError(
      "INVALID_INPUT",
      `TEMPGRANT_POLICY_THREADS is ${quoteValue(setting)}: give a whole number of helper threads from 0 to 16`,
    );
  }
  return Number(setting);
}

/**
 * Starts a helper thread over the compiled module (shared, not compiled again). The thread
 * keeps the process alive only while it has work, so an idle helper never delays the exit.
 */
export function startHelper(module: WebAssembly.Module, data: unknown, entrypoint: string): EvaluationHelper {
  const counters = new SharedArrayBuffer(8);
  const counter = new Int32Array(counters);
  const worker = new Worker(workerEntry("evaluation-worker", import.meta.url), {
    workerData: { module, data, entrypoint, counters } satisfies HelperData,
  });
  let sent = 0;
  let nextId = 0;
  const waiting = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  const failAll = (error: Error) => {
    for (const { reject } of waiting.values()) reject(error);
    waiting.clear();
  };
  worker.on("message", (response: HelperResponse) => {
    const entry = waiting.get(response.id);
    waiting.delete(response.id);
    if (waiting.size === 0) worker.unref();
    if ("error" in response) entry?.reject(new Error(response.error));
    else entry?.resolve(response.result);
  });
  worker.on("error", (error) => failAll(error));
  worker.on("exit", (code) => failAll(new Error(`the policy helper thread stopped (exit code ${code})`)));
  // After the listeners: adding a message listener holds the process open again.
  worker.unref();
  return {
    ready: () => Atomics.load(counter, READY) === 1,
    pending: () => sent - Atomics.load(counter, FINISHED),
    evaluate(input: Uint8Array): Promise<unknown> {
      const id = nextId++;
      sent += 1;
      worker.ref();
      return new Promise((resolve, reject) => {
        waiting.set(id, { resolve, reject });
        worker.postMessage({ id, input } satisfies HelperRequest, [input.buffer as ArrayBuffer]);
      });
    },
    async close(): Promise<void> {
      await worker.terminate();
    },
  };
}
