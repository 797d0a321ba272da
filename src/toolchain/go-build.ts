import { chmodSync, mkdirSync, mkdtempSync, renameSync, rmSync } from "node:fs";
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
        `tempgrant provider ${PINS.tempgrantProvider.version} cannot be built. Install Go ` +
        "(https://go.dev/doc/install), or install tofu and opa with your package manager, put " +
        "them on PATH, and point TEMPGRANT_PROVIDER_MIRROR at a filesystem mirror that holds the provider.",
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
 * Builds tempgrant's own provider from its module folder (`provider/` in this package),
 * with the versions its go.sum pins. Go's build cache makes a rebuild take seconds.
 */
export async function buildTempgrantProvider(
  go: string,
  sourceDir: string,
  destination: string,
): Promise<void> {
  const scratch = scratchBeside(destination);
  try {
    const output = join(scratch, "provider");
    await runCommandOrThrow({
      program: go,
      args: ["build", "-trimpath", "-buildvcs=false", "-o", output, "."],
      cwd: sourceDir,
      env: goEnv({ GOFLAGS: "-mod=readonly" }),
    });
    installAtomically(output, destination);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
