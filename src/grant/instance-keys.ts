/**
 * An instance key as tofu and Terraform write it in an address: `[0]`, or `["key"]` with the
 * key quoted and escaped. A string key may hold `]`, `[`, `.` or an escaped `"`, so a key is
 * never "up to the next `]`": `module.m["a]b"]` is one key.
 */
const INSTANCE_KEY = /\[(?:\d+|"(?:[^"\\]|\\.)*")\]/g;
const LAST_INSTANCE_KEY = /\[(?:\d+|"(?:[^"\\]|\\.)*")\]$/;

/** `module.a["x"].module.b[0].t.n["k"]` -> `module.a.module.b.t.n`. */
export function withoutInstanceKeys(address: string): string {
  return address.replace(INSTANCE_KEY, "");
}

/** `module.a["x"].t.n["k"]` -> `module.a["x"].t.n`: the resource's own instance key dropped, its modules' kept. */
export function withoutLastInstanceKey(address: string): string {
  return address.charCodeAt(address.length - 1) === 0x5d ? address.replace(LAST_INSTANCE_KEY, "") : address;
}
