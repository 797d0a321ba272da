import { runCommand } from "../exec/run-command.js";

/**
 * Asks a tofu/terraform binary for its version (`version -json`). Returns undefined when the
 * binary cannot run or does not answer in the expected form.
 */
export async function terraformFamilyVersion(binary: string): Promise<string | undefined> {
  const result = await runCommand({
    program: binary,
    args: ["version", "-json"],
    env: { ...process.env, TF_CLI_CONFIG_FILE: "/dev/null", CHECKPOINT_DISABLE: "1" },
    timeoutMs: 30_000,
  });
  if (result.exitCode !== 0) return undefined;
  try {
    const parsed = JSON.parse(result.stdout) as { terraform_version?: unknown };
    return typeof parsed.terraform_version === "string" ? parsed.terraform_version : undefined;
  } catch {
    return undefined;
  }
}

/** Asks an opa binary for its version (`opa version`, first line `Version: X`). */
export async function opaVersion(binary: string): Promise<string | undefined> {
  const result = await runCommand({ program: binary, args: ["version"], timeoutMs: 30_000 });
  if (result.exitCode !== 0) return undefined;
  return /^Version:\s*v?(\S+)/m.exec(result.stdout)?.[1];
}
