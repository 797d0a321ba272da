import type { Document } from "yaml";

/**
 * How many alias expansions a YAML file may ask for. Grant files and tempgrant.yaml need
 * none; 100 leaves room for anchors used as shorthand, and stops a "billion laughs" document
 * (aliases of aliases, each multiplying the size) before it exhausts memory.
 */
export const MAX_YAML_ALIASES = 100;

/**
 * A parsed YAML document as plain values, or why it cannot be one (too many aliases: a
 * resource-exhaustion document; an alias to nothing). The one conversion every YAML reader
 * of tempgrant uses, so that none of them meets an exception from the yaml package.
 */
export function yamlValue(
  document: Document,
): { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly message: string } {
  try {
    return { ok: true, value: document.toJS({ maxAliasCount: MAX_YAML_ALIASES }) };
  } catch (error) {
    const reason = (error as Error).message;
    return {
      ok: false,
      message: /alias count/i.test(reason)
        ? `more than ${MAX_YAML_ALIASES} YAML alias expansions (a "billion laughs" document?): refused`
        : `YAML that cannot be read: ${reason.split("\n")[0]}`,
    };
  }
}
