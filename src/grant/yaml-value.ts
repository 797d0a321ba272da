import type { Document } from "yaml";
import { codePoint, LONE_SURROGATE } from "./identity.js";

/**
 * How many alias expansions a YAML file may ask for. Grant files and tempgrant.yaml need
 * none; 100 leaves room for anchors used as shorthand, and stops a "billion laughs" document
 * (aliases of aliases, each multiplying the size) before it exhausts memory.
 */
export const MAX_YAML_ALIASES = 100;

/** Why a YAML document cannot be plain values: its problem code and message. */
export interface YamlValueProblem {
  readonly ok: false;
  readonly code: "YAML_ALIASES" | "TEXT_NOT_UNICODE";
  readonly message: string;
}

/**
 * A parsed YAML document as plain values, or why it cannot be one (too many aliases: a
 * resource-exhaustion document; an alias to nothing; half of a surrogate pair, which a `"\ud800"`
 * escape writes and which is not text: every later comparison, hash and policy input would
 * trip over it). The one conversion every YAML reader of tempgrant uses, so that none of them
 * meets an exception from the yaml package.
 */
export function yamlValue(
  document: Document,
): { readonly ok: true; readonly value: unknown } | YamlValueProblem {
  let value: unknown;
  try {
    value = document.toJS({ maxAliasCount: MAX_YAML_ALIASES });
  } catch (error) {
    const reason = (error as Error).message;
    return {
      ok: false,
      code: "YAML_ALIASES",
      message: /alias count/i.test(reason)
        ? `more than ${MAX_YAML_ALIASES} YAML alias expansions (a "billion laughs" document?): refused`
        : `YAML that cannot be read: ${reason.split("\n")[0]}`,
    };
  }
  const lone = loneSurrogatePath(value, "");
  if (lone === undefined) return { ok: true, value };
  return {
    ok: false,
    code: "TEXT_NOT_UNICODE",
    message: `${lone.path || "the document"} holds half of a surrogate pair (${lone.unit}), not text: write it without one`,
  };
}

/** The first key or string holding half a surrogate pair, with its path (`approvals.allowed[0]`). */
function loneSurrogatePath(value: unknown, path: string): { path: string; unit: string } | undefined {
  if (typeof value === "string") {
    const found = LONE_SURROGATE.exec(value);
    return found ? { path, unit: codePoint(found[0]) } : undefined;
  }
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) {
      const found = loneSurrogatePath(item, `${path}[${index}]`);
      if (found) return found;
    }
    return undefined;
  }
  if (typeof value === "object" && value !== null) {
    for (const [key, item] of Object.entries(value)) {
      const at = path ? `${path}.${key}` : key;
      const found = loneSurrogatePath(key, at) ?? loneSurrogatePath(item, at);
      if (found) return found;
    }
  }
  return undefined;
}
