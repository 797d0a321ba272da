import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { quote } from "shell-quote";
import { grantDigest } from "../approval/digest.js";
import { quoteValue, TempgrantError } from "../errors.js";
import { runCommand } from "../exec/run-command.js";
import { resolveClock } from "../grant/clock.js";
import { formatDuration } from "../grant/duration.js";
import { parseGrantsFile } from "../grant/grants-file.js";
import { formatTimestampInZone, parseTimeInZone } from "../grant/local-time.js";
import { defaultGrantId, grantsFileText, requestedSpec } from "../grant/request.js";
import { offsetInZone } from "../grant/time.js";
import { durationOption, outputFileOption } from "./options.js";

/** The flags of `tempgrant request` (see commands/request.ts). */
export interface GrantRequestOptions {
  readonly id?: string;
  readonly principal?: string;
  readonly target: string;
  readonly access: string;
  readonly for?: string;
  readonly until?: string;
  readonly starts?: string;
  readonly reason: string;
  readonly ticket?: string;
  readonly requestedBy?: string;
  readonly approver: readonly string[];
  readonly out?: string;
  readonly tz?: string;
  readonly now?: string;
}

/** The flag that sets each field of the written grant, so a problem names what to change. */
const FLAG_OF_FIELD: Readonly<Record<string, string>> = {
  id: "--id",
  principal: "--principal",
  target: "--target",
  access: "--access",
  startsAt: "--starts",
  expiresAt: "--for/--until",
  reason: "--reason",
  ticket: "--ticket",
  requestedBy: "--requested-by",
  approvedBy: "--approver",
};

/**
 * Writes the grant an engineer asks for and returns what to print: the file, the grant, its
 * digest and the next steps. The exact text written is parsed and validated as every grants
 * file is (exit 2 naming the flag, nothing written, when it is not a valid grant).
 */
export async function writeGrantRequest(options: GrantRequestOptions): Promise<string> {
  const clock = resolveClock(options.now);
  const zone = timeZone(options.tz, clock.now);
  const time = (flag: string, text: string): number => {
    const parsed = parseTimeInZone(text, zone);
    if (!parsed.ok) throw new TempgrantError("USAGE", `${flag}: ${parsed.message}`);
    return parsed.instant.seconds;
  };
  if ((options.for === undefined) === (options.until === undefined)) {
    throw new TempgrantError("USAGE", "say how long: give either --for <duration> or --until <time>");
  }
  const startsAt = options.starts === undefined ? undefined : time("--starts", options.starts);
  const expiresAt =
    options.for !== undefined
      ? (startsAt ?? clock.now) + durationOption("--for", options.for)
      : time("--until", options.until ?? "");
  const requester =
    options.requestedBy !== undefined
      ? { name: options.requestedBy, from: "--requested-by" }
      : await whoIsAsking();
  const principal = options.principal ?? requester.name;
  const id = options.id ?? defaultGrantId(principal, options.target, options.access);
  const out = options.out ?? join("grants", `${id}.yaml`);
  const spec = requestedSpec({
    id,
    principal,
    target: options.target,
    access: options.access,
    startsAt,
    expiresAt,
    reason: options.reason,
    ticket: options.ticket,
    requestedBy: requester.name,
    approvedBy: options.approver,
    zone,
  });
  const text = grantsFileText(
    spec,
    ` Requested with \`tempgrant request\` (times in ${zone}). Approvals sign its content: a change voids them.`,
  );
  const parsed = parseGrantsFile(text, out);
  const problems = [...parsed.problems, ...parsed.entries.flatMap((entry) => entry.problems)];
  const grant = parsed.entries[0]?.grant;
  if (problems.length > 0 || !grant) {
    throw new TempgrantError(
      "USAGE",
      problems
        .map((problem) => {
          const field = problem.path.replace(/^grants\[0\]\.?/, "").split(/[.[]/)[0] ?? "";
          return `${FLAG_OF_FIELD[field] ?? field}: ${problem.message}`;
        })
        .join("\n") || `${out}: not a grant`,
    );
  }
  if (options.out !== undefined) outputFileOption("--out", out);
  else mkdirSync(dirname(out), { recursive: true });
  try {
    writeFileSync(out, text, { flag: "wx" });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    throw new TempgrantError(
      "USAGE",
      `${out} exists and is never overwritten: choose another --id or --out, or edit the file`,
    );
  }
  const window = `${startsAt === undefined ? "from its apply" : `from ${formatTimestampInZone(startsAt, zone)}`} until ${formatTimestampInZone(expiresAt, zone)}`;
  const length = formatDuration(expiresAt - (startsAt ?? clock.now));
  const asked = options.approver.length > 0 ? options.approver.join(", ") : "your approvers";
  return [
    `wrote ${out}`,
    `  grant        ${grant.id}: ${grant.access} on ${grant.target} for ${grant.principal}`,
    `  window       ${window} (${length}${startsAt === undefined ? " from now" : ""})`,
    `  requested by ${requester.name} (from ${requester.from})`,
    `  digest       ${grantDigest(grant)}`,
    "",
    "Next:",
    `  1. ${quote(["git", "add", out])} && ${quote(["git", "commit", "-m", `Request ${grant.access} on ${grant.target} for ${grant.principal}`])}`,
    "  2. push, and open a pull request: its check shows what the grant would create",
    `  3. ask ${asked} to approve: ${quote(["tempgrant", "approve", grant.id])}`,
    "",
  ].join("\n");
}

/** The zone times are read and written in: --tz, else TZ, else the system's; an unknown name is exit 2. */
function timeZone(option: string | undefined, now: number): string {
  const zone = option ?? (process.env.TZ || Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC");
  if (offsetInZone(zone, now) === undefined) {
    throw new TempgrantError(
      "USAGE",
      `${option !== undefined ? "--tz" : "TZ"} ${quoteValue(zone)} is not a time zone: use an IANA name such as Europe/Berlin or UTC`,
    );
  }
  return zone;
}

/** Who is asking: git config user.email, else user.name, else $USER, and which it was. */
async function whoIsAsking(): Promise<{ name: string; from: string }> {
  for (const key of ["user.email", "user.name"]) {
    const result = await runCommand({ program: "git", args: ["config", "--get", key] });
    const value = result.exitCode === 0 ? result.stdout.trim() : "";
    if (value) return { name: value, from: `git config ${key}` };
  }
  const user = process.env.USER?.trim();
  if (user) return { name: user, from: "$USER" };
  throw new TempgrantError(
    "USAGE",
    "--requested-by: who is asking? Set git config user.email, or pass --requested-by",
  );
}
