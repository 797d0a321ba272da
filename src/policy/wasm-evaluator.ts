import { loadPolicySync, type LoadedPolicy } from "./opa-sdk.js";

const PAGE = 64 * 1024;
const MAX_PAGES = 65_536;

/**
 * WASM pages to start with for an input: 16 MiB plus 40 times the input, at most 4 GiB.
 * An evaluation uses 13 to 21 times its input (more with many verdicts); running out and
 * growing costs 40x in time (a 12 MB input: 0.9 s with room, 39 s without).
 */
export function memoryPagesFor(inputBytes: number): number {
  return Math.min(MAX_PAGES, Math.ceil((16 * 1024 * 1024 + 40 * inputBytes) / PAGE));
}

/** Evaluates one entrypoint of a compiled bundle on JSON inputs, in this thread. */
export interface WasmEvaluator {
  /** The raw result set of the entrypoint for one UTF-8 JSON input. */
  evaluate(input: Uint8Array): unknown;
}

/**
 * An evaluator over one compiled module and its data (used on the main thread and in the
 * helper threads alike). OPA's WASM allocator slows down badly when its memory has to grow
 * many times during one evaluation (13 s instead of 0.8 s for 10k grants), and growing it
 * from outside does not help: so it instantiates the module again, with room for the input
 * from the start, whenever an input needs more than the current instance has.
 */
export function wasmEvaluator(module: WebAssembly.Module, data: unknown, entrypoint: string): WasmEvaluator {
  let instance: { policy: LoadedPolicy; pages: number } | undefined;
  return {
    evaluate(input: Uint8Array): unknown {
      const pages = memoryPagesFor(input.byteLength);
      if (!instance || pages > instance.pages) {
        const policy = loadPolicySync(module, { initial: pages });
        policy.setData(data as object);
        instance = { policy, pages };
      }
      // The SDK takes an ArrayBuffer as JSON text; hand it exactly the input's bytes.
      const bytes =
        input.byteOffset === 0 && input.byteLength === input.buffer.byteLength
          ? input.buffer
          : input.slice().buffer;
      return instance.policy.evaluate(bytes as ArrayBuffer, entrypoint);
    },
  };
}
