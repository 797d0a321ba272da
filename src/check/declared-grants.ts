import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { formatTimestamp, validateGrant, type Grant, type LocatedProblem } from "../grant/index.js";
import { readStackListing } from "./declared-listing.js";
import { synthApp } from "./synth-app.js";

/**
 * The grants a cdktf app declares, active or not: the app is run at `now` into a scratch
 * folder, and each stack's JSON lists its grants under the comment key "//".
 */
export async function declaredByApp(
  projectDir: string,
  now: number,
): Promise<{ declared: { grant: Grant; source: string }[]; problems: LocatedProblem[] }> {
  const outdir = mkdtempSync(join(tmpdir(), "tempgrant-grants-"));
  try {
    const stacks = await synthApp({ projectDir, outdir, now: formatTimestamp(now) });
    const declared: { grant: Grant; source: string }[] = [];
    const problems: LocatedProblem[] = [];
    for (const [stack, dir] of Object.entries(stacks)) {
      for (const [id, entry] of Object.entries(readStackListing(dir))) {
        const source = `${entry.source} (stack ${stack})`;
        const { grant, problems: found } = validateGrant(entry.spec ?? {}, "");
        if (grant && !entry.problems?.length) {
          declared.push({ grant, source });
          continue;
        }
        for (const problem of entry.problems?.length ? entry.problems : found) {
          problems.push({ ...problem, file: source, line: undefined, path: problem.path || id });
        }
      }
    }
    return { declared, problems };
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}
