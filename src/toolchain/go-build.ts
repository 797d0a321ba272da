import { chmodSync, mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { runCommandOrThrow } from "../exec/run-command.js";
import { TempgrantError } from "../errors.js";
import { findAllOnPath } from "./find-on-path.js";
import { PINS } from "./pins.js";

/** Environment for every Go build: static binaries that run on any Linux of the same arch. */
function goEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return { ...process.env, CGO_ENABLED: "0", GOFLAGS: "-mod=mod", ...extra };
}

/** Finds the Go toolchain, or fails with a message that says how to do without it. */
export function requireGo(): string {
  const go = findAllOnPath("go")[0];
  if (!go) {
    throw new TempgrantError(
      "TOOLCHAIN_NO_GO",
      `Go is not installed, so tofu ${PINS.tofu.version}, opa ${PINS.opa.version} and the ` +
        `postgresql provider ${PINS.postgresqlProvider.version} cannot be built. Either install Go ` +
        "(https://go.dev/doc/install), or install the tools with your package manager " +
        "(for example `brew install opentofu opa`), put them on PATH, and point " +
        "TEMPGRANT_PROVIDER_MIRROR at a filesystem mirror that holds the provider.",
    );
  }
  return go;
}

/**
 * Moves a freshly built binary into place in one rename, so an interrupted build never
 * leaves a half-written tool in the cache.
 */
function installAtomically(built: string, destination: string): void {
  mkdirSync(dirname(destination), { recursive: true });
  chmodSync(built, 0o755);
  renameSync(built, destination);
}

/** A scratch folder beside the destination, so the final rename stays on one filesystem. */
function scratchBeside(destination: string): string {
  mkdirSync(dirname(destination), { recursive: true });
  return mkdtempSync(join(dirname(destination), ".build-"));
}

/**
 * Builds OpenTofu from its module as the main module. `go install …/cmd/tofu@v` cannot work
 * because tofu's go.mod has replace directives, which `go install` refuses.
 */
export async function buildTofu(go: string, destination: string): Promise<void> {
  const pin = PINS.tofu;
  const download = await runCommandOrThrow({
    program: go,
    args: ["mod", "download", "-json", `${pin.module}@v${pin.version}`],
    env: goEnv(),
  });
  const moduleDir = (JSON.parse(download.stdout) as { Dir?: string }).Dir;
  if (!moduleDir) throw new TempgrantError("TOOLCHAIN_BUILD_FAILED", "go mod download gave no module folder");
  const scratch = scratchBeside(destination);
  try {
    const output = join(scratch, "tofu");
    await runCommandOrThrow({
      program: go,
      args: [
        "build",
        "-mod=readonly",
        "-trimpath",
        "-ldflags",
        "-X github.com/opentofu/opentofu/version.dev=no",
        "-o",
        output,
        pin.package,
      ],
      cwd: moduleDir,
      env: goEnv({ GOFLAGS: "" }),
    });
    installAtomically(output, destination);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** Builds OPA with `go install` into a scratch GOBIN. */
export async function buildOpa(go: string, destination: string): Promise<void> {
  const pin = PINS.opa;
  const scratch = scratchBeside(destination);
  try {
    await runCommandOrThrow({
      program: go,
      args: ["install", "-trimpath", `${pin.module}@v${pin.version}`],
      env: goEnv({ GOBIN: scratch, GOFLAGS: "" }),
    });
    installAtomically(join(scratch, "opa"), destination);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/**
 * Builds the cyrilgdn/postgresql provider. Its go.mod still declares the old module path
 * (terraform-providers/…), so a throwaway wrapper module requires that path and replaces it
 * with the cyrilgdn module at the pinned version.
 */
export async function buildPostgresqlProvider(go: string, destination: string): Promise<void> {
  const pin = PINS.postgresqlProvider;
  const wrapper = mkdtempSync(join(tmpdir(), "tempgrant-provider-build-"));
  const scratch = scratchBeside(destination);
  try {
    writeFileSync(
      join(wrapper, "go.mod"),
      [
        "module tempgrant.invalid/provider-build",
        "",
        "go 1.22",
        "",
        `require ${pin.declaredModule} v${pin.version}`,
        "",
        `replace ${pin.declaredModule} => ${pin.sourceModule} v${pin.version}`,
        "",
      ].join("\n"),
    );
    const output = join(scratch, "provider");
    await runCommandOrThrow({
      program: go,
      args: ["build", "-trimpath", "-o", output, pin.declaredModule],
      cwd: wrapper,
      env: goEnv(),
    });
    installAtomically(output, destination);
  } finally {
    rmSync(wrapper, { recursive: true, force: true });
    rmSync(scratch, { recursive: true, force: true });
  }
}
