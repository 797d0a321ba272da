import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { x as extractTar } from "tar";
import { makeDirectory } from "../exec/make-directory.js";
import { runCommandOrThrow } from "../exec/run-command.js";
import { TempgrantError } from "../errors.js";
import { PARTITIONABLE_ENTRYPOINT, VERDICTS_ENTRYPOINT } from "./bundle-location.js";
import { requiredHostBuiltins, SDK_BUILTINS } from "./host-builtins.js";

/** Options of {@link buildPolicyBundle}. */
export interface BuildBundleOptions {
  /** The opa binary. */
  readonly opa: string;
  /**
   * Rego sources: the shipped pack's folders plus an organisation's own. `*_test.rego` is
   * left out. Relative paths are resolved from `cwd`, and only they keep the bundle the same
   * across checkouts: opa records source paths in the module.
   */
  readonly sources: readonly string[];
  /** Folder the sources are relative to; default the current one. */
  readonly cwd?: string;
  /** Capabilities file: only builtins the WASM runtime really has. */
  readonly capabilities: string;
  /** Where to write policy.wasm. */
  readonly out: string;
}

/** What a build produced. */
export interface BuiltBundle {
  readonly path: string;
  readonly sha256: string;
  readonly bytes: number;
}

/**
 * Compiles Rego to a WASM bundle with `opa build -t wasm`, restricted by the capabilities
 * file so an unsupported builtin fails the build, then checks that every builtin the module
 * calls back into the host for is one the JS SDK implements. Deterministic: the same sources
 * give the same bytes.
 */
export async function buildPolicyBundle(options: BuildBundleOptions): Promise<BuiltBundle> {
  const scratch = mkdtempSync(join(tmpdir(), "tempgrant-policy-build-"));
  try {
    const archive = join(scratch, "bundle.tar.gz");
    await runCommandOrThrow({
      program: options.opa,
      args: [
        "build",
        "--target",
        "wasm",
        "--entrypoint",
        VERDICTS_ENTRYPOINT,
        "--entrypoint",
        PARTITIONABLE_ENTRYPOINT,
        "--capabilities",
        options.capabilities,
        "--ignore",
        "*_test.rego",
        "--output",
        archive,
        ...options.sources,
      ],
      ...(options.cwd ? { cwd: options.cwd } : {}),
    });
    // opa writes absolute member names (/policy.wasm); tar strips the slash, as wanted.
    await extractTar({
      file: archive,
      cwd: scratch,
      filter: (path) => path.replace(/^\/+/, "") === "policy.wasm",
    });
    const wasm = readFileSync(join(scratch, "policy.wasm"));
    const hostBuiltins = await requiredHostBuiltins(wasm);
    const unsupported = hostBuiltins.filter((name) => !SDK_BUILTINS.includes(name));
    if (unsupported.length > 0) {
      throw new TempgrantError(
        "POLICY_BUILD",
        `the bundle calls builtins the WASM runtime lacks: ${unsupported.join(", ")}; remove them from the Rego`,
      );
    }
    makeDirectory(dirname(options.out));
    // Written, not renamed: the scratch folder may be on another file system than `out`.
    writeFileSync(options.out, wasm);
    return { path: options.out, sha256: createHash("sha256").update(wasm).digest("hex"), bytes: wasm.length };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
