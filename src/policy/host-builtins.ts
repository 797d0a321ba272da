import { loadPolicy, type LoadedPolicy } from "@open-policy-agent/opa-wasm";

/**
 * Builtins the JS SDK (@open-policy-agent/opa-wasm) implements on the host side. Every
 * other builtin must be compiled into the WASM module itself, or evaluation fails with
 * "not implemented". Checked against the SDK in a test.
 */
export const SDK_BUILTINS: readonly string[] = [
  "json.is_valid",
  "sprintf",
  "regex.split",
  "yaml.is_valid",
  "yaml.marshal",
  "yaml.unmarshal",
];

interface OpaExports {
  builtins(): number;
  opa_json_dump(address: number): number;
}

/** The builtins a compiled policy calls back into the host for (its `builtins()` export). */
export async function requiredHostBuiltins(wasm: Buffer | LoadedPolicy): Promise<string[]> {
  // The SDK keeps the instance and memory on the loaded policy; they are not in its types.
  const policy = (Buffer.isBuffer(wasm) ? await loadPolicy(wasm) : wasm) as unknown as {
    wasmInstance: { exports: unknown };
    mem: { buffer: ArrayBuffer };
  };
  const exports = policy.wasmInstance.exports as unknown as OpaExports;
  const address = exports.opa_json_dump(exports.builtins());
  const bytes = new Uint8Array(policy.mem.buffer);
  let end = address;
  while (bytes[end] !== 0) end += 1;
  const json = new TextDecoder().decode(bytes.subarray(address, end));
  return Object.keys(JSON.parse(json) as Record<string, number>).sort();
}
