import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { PNG } from "pngjs";
import { list as listTar } from "tar";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { formatTimestamp } from "../../src/grant/index.js";
import { launchChromium } from "../support/chromium.js";
import { quote } from "shell-quote";
import { runCommand } from "../../src/exec/run-command.js";
import { runCli } from "../support/cli.js";
import { makeProject } from "../support/cdktf-project.js";

// `audit who`, `report` and `export` on a ledger written by real runs: real tofu applies and
// sweeps at moved clocks, then the HTML report rendered in a real headless Chromium.
const project = makeProject();
const ledger = join(project.dir, ".tempgrant", "ledger.jsonl");
const state = join(project.dir, "cdktf.out", "stacks", "ledger", "terraform.tfstate");
const stateBeforeSweep = join(project.dir, "state-before-sweep.tfstate");
afterAll(() => rmSync(project.dir, { recursive: true, force: true }));

const t0 = Math.floor(Date.now() / 60_000) * 60 + 60;
const at = (minutes: number) => formatTimestamp(t0 + minutes * 60);
const SCREENSHOTS = fileURLToPath(new URL("../../test-results", import.meta.url));
const MAIN = fileURLToPath(new URL("../../src/cli/main.ts", import.meta.url));
const cli = (args: string[]) => runCli([...args, "--ledger", ledger]);

interface WhoWindow {
  id: string;
  ending: string;
  revocationLagSeconds: number | null;
  approvedBy: string[];
  ticket: string | null;
  breakGlass: boolean;
}

beforeAll(async () => {
  // 10:00 three grants; 11:05 a sweep revokes ann (5 min late) and the break-glass cat
  // (35 min late); 11:10 eve is removed from the code before his expiry and dan is added.
  project.writeGrants([
    { id: "ann", expiresAt: at(60) },
    { id: "eve", expiresAt: at(120) },
    { id: "cat", expiresAt: at(30), breakGlass: true },
  ]);
  const first = await runCli(["apply", "--chdir", project.dir, "--now", at(0), "--ledger", ledger]);
  expect(first.exitCode, first.stderr).toBe(0);
  copyFileSync(state, stateBeforeSweep);
  const sweep = await runCli(["sweep", "--chdir", project.dir, "--now", at(65), "--ledger", ledger]);
  expect(sweep.exitCode, sweep.stderr).toBe(0);
  project.writeGrants([{ id: "dan", expiresAt: at(300) }]);
  const second = await runCli(["apply", "--chdir", project.dir, "--now", at(70), "--ledger", ledger]);
  expect(second.exitCode, second.stderr).toBe(0);
}, 240_000);

describe("audit who", () => {
  it("names everyone who had access to a target at an instant, break-glass marked", async () => {
    const result = await cli(["audit", "who", "--target", "ledger-db", "--at", at(20)]);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).toContain("3 access window(s) for target ledger-db");
    for (const id of ["ann", "eve", "cat"]) expect(result.stdout).toContain(`ledger/${id}`);
    expect(result.stdout).not.toContain("ledger/dan");
    expect(result.stdout).toMatch(/BREAK-GLASS/);
  });

  it("tells how each window of a principal ended, with requester, approvers and ticket", async () => {
    const ann = await cli([
      "audit",
      "who",
      "--principal",
      " ANN@example.com",
      "--from",
      at(0),
      "--to",
      at(180),
      "--json",
    ]);
    expect(ann.exitCode, ann.stderr).toBe(0);
    const annWindows = (JSON.parse(ann.stdout) as { windows: WhoWindow[] }).windows;
    expect(annWindows).toHaveLength(1);
    expect(annWindows[0]).toMatchObject({
      id: "ann",
      ending: "expired-verified",
      revocationLagSeconds: 300,
      approvedBy: ["bob@example.com"],
      ticket: "FIN-12",
    });
    const eve = await cli(["audit", "who", "--principal", "eve@example.com", "--at", at(69), "--json"]);
    expect((JSON.parse(eve.stdout) as { windows: WhoWindow[] }).windows[0]).toMatchObject({
      id: "eve",
      ending: "removed-early",
    });
    const afterEve = await cli(["audit", "who", "--principal", "eve@example.com", "--at", at(71), "--json"]);
    expect((JSON.parse(afterEve.stdout) as { windows: WhoWindow[] }).windows).toEqual([]);
  });

  it("cross-checks the ledger with a state, and flags a state that disagrees", async () => {
    const current = await cli(["audit", "who", "--target", "ledger-db", "--at", at(80), "--state", state]);
    expect(current.exitCode, current.stdout).toBe(0);
    expect(current.stdout).toContain("ledger/dan");
    const stale = await cli([
      "audit",
      "who",
      "--target",
      "ledger-db",
      "--at",
      at(80),
      "--state",
      stateBeforeSweep,
    ]);
    expect(stale.exitCode).toBe(1);
    expect(stale.stdout).toContain("MISMATCH: grant ann is in the state but no apply of it is in the ledger");
    expect(stale.stdout).toContain("MISMATCH: grant dan is open in the ledger but not in the state");
  });

  it("refuses a question it cannot answer, in one line", async () => {
    for (const args of [
      ["audit", "who", "--at", at(0)],
      ["audit", "who", "--target", "ledger-db", "--at", "yesterday"],
      ["audit", "who", "--target", "ledger-db", "--at", at(0), "--from", at(0)],
    ]) {
      const result = await cli(args);
      expect(result.exitCode, args.join(" ")).toBe(2);
      expect(result.stderr.trim().split("\n")).toHaveLength(1);
      expect(result.stderr).not.toMatch(/\n\s+at /);
    }
  });
});

describe("audit report", () => {
  it("renders a self-contained HTML timeline that Chromium draws, with the expected rows", async () => {
    const out = join(project.dir, "report.html");
    const result = await cli(["audit", "report", "--from", at(-10), "--to", at(290), "--out", out]);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stderr).toContain("4 grant(s), 1 break-glass, 1 late revocation(s)");
    expect(result.stdout).toBe(`wrote ${out}\n`);
    const html = readFileSync(out, "utf8");
    expect(html).not.toMatch(/<script|https?:\/\/|<link /);

    const browser = await launchChromium();
    try {
      const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
      const requests: string[] = [];
      page.on("request", (request) => requests.push(request.url()));
      await page.goto(pathToFileURL(out).href);
      expect(requests.filter((url) => !url.startsWith("file:"))).toEqual([]);
      const ids = await page.$$eval("tr[data-window-id]", (rows) =>
        rows.map((row) => row.getAttribute("data-window-id")),
      );
      expect(ids.sort()).toEqual(["ann", "cat", "dan", "eve"]);
      expect(await page.getAttribute('tr[data-window-id="cat"]', "class")).toBe("break-glass late");
      expect(await page.getAttribute('tr[data-window-id="ann"]', "class")).toBe("");
      // Every bar is drawn with a real size, inside its track.
      const bars = await page.$$eval(".bar", (elements) =>
        elements.map((element) => element.getBoundingClientRect()).map((box) => [box.width, box.height]),
      );
      expect(bars).toHaveLength(4);
      for (const [width, height] of bars) {
        expect(width).toBeGreaterThan(1);
        expect(height).toBeGreaterThan(10);
      }
      // Narrow and wide: no id, name, instant or duration breaks across lines, no lane label is cut.
      for (const width of [480, 1400]) {
        await page.setViewportSize({ width, height: 900 });
        const broken = await page.$$eval(".token", (elements) =>
          elements
            .filter((element) => element.getClientRects().length > 1)
            .map((element) => element.textContent),
        );
        expect(broken, `tokens broken across lines at ${width}px`).toEqual([]);
        const labels = await page.$$eval(".label", (elements) =>
          elements.map((element) => ({
            text: element.textContent,
            cut: element.scrollWidth > element.clientWidth + 1,
          })),
        );
        expect(labels.map((label) => label.text).sort()).toEqual(
          ["ann", "cat", "dan", "eve"].map((id) => `${id}@example.com → ledger-db`),
        );
        expect(labels.filter((label) => label.cut)).toEqual([]);
        mkdirSync(SCREENSHOTS, { recursive: true });
        await page.screenshot({ fullPage: true, path: join(SCREENSHOTS, `audit-report-${width}px.png`) });
      }
      await page.setViewportSize({ width: 1400, height: 900 });
      const screenshot = PNG.sync.read(await page.screenshot({ fullPage: true }));
      // Kept for people to look at (test-results/ is ignored by git).
      writeFileSync(join(SCREENSHOTS, "audit-report.png"), PNG.sync.write(screenshot));
      let coloured = 0;
      const colours = new Set<number>();
      for (let index = 0; index < screenshot.data.length; index += 4) {
        const [r, g, b] = [screenshot.data[index]!, screenshot.data[index + 1]!, screenshot.data[index + 2]!];
        if (r < 240 || g < 240 || b < 240) coloured += 1;
        colours.add((r << 16) | (g << 8) | b);
      }
      const pixels = screenshot.width * screenshot.height;
      // Not blank: text, borders and bars cover a visible share of the page, in many colours,
      // the break-glass red among them.
      expect(coloured / pixels).toBeGreaterThan(0.02);
      expect(colours.size).toBeGreaterThan(50);
      expect(colours.has(0xcf222e)).toBe(true);
    } finally {
      await browser.close();
    }
  }, 60_000);

  it("writes the same windows as CSV, Markdown and JSON", async () => {
    const csv = await cli(["audit", "report", "--from", at(-10), "--to", at(290), "--format", "csv"]);
    const lines = csv.stdout.trim().split("\n");
    expect(lines[0]).toMatch(
      /^grant,stack,principal,target,access,requested_by,approved_by,verified_approvers,digest,ticket,/,
    );
    expect(lines).toHaveLength(5);
    const md = await cli(["audit", "report", "--from", at(-10), "--to", at(290), "--format", "md"]);
    expect(md.stdout).toContain("| break-glass | 1 |");
    expect(md.stdout).toContain("| median / max revocation lag | 20m / 35m |");
    const json = await cli(["audit", "report", "--from", at(-10), "--to", at(290), "--format", "json"]);
    const parsed = JSON.parse(json.stdout) as { summary: Record<string, unknown> };
    expect(parsed.summary).toMatchObject({
      grants: 4,
      breakGlass: 1,
      lateRevocations: 1,
      open: 1,
      removedEarly: 1,
    });
  });
});

describe("audit report: its period, its counts and where it goes", () => {
  /** The JSON report of the period from -10 to 400, run with its clock at `now`. */
  const reportAt = async (now: number) => {
    const json = await cli([
      "audit",
      "report",
      "--from",
      at(-10),
      "--to",
      at(400),
      "--now",
      at(now),
      "--format",
      "json",
    ]);
    expect(json.exitCode, json.stderr).toBe(0);
    return JSON.parse(json.stdout) as {
      summary: Record<string, unknown>;
      windows: { id: string; late: boolean; overdue: boolean }[];
    };
  };

  it("counts as late only grants revoked late; a grant still in place past its expiry is counted apart", async () => {
    // At 400, dan (expiry 300) was never swept: overdue, not a late revocation.
    const parsed = await reportAt(400);
    expect(parsed.summary).toMatchObject({ lateRevocations: 1, overdue: 1, open: 1 });
    expect(parsed.windows.filter((window) => window.late).map((window) => window.id)).toEqual(["cat"]);
    expect(parsed.windows.filter((window) => window.overdue).map((window) => window.id)).toEqual(["dan"]);
  });

  it("a period not over yet judges open grants at the clock: dan, not expired yet at 100, is not overdue", async () => {
    const parsed = await reportAt(100);
    expect(parsed.summary).toMatchObject({ lateRevocations: 1, overdue: 0, open: 1 });
    expect(parsed.windows.find((window) => window.id === "dan")).toMatchObject({ overdue: false });
  });

  it("ends the default period at the run's clock (TEMPGRANT_NOW), not the machine's", async () => {
    const result = await runCli(["audit", "report", "--format", "json", "--ledger", ledger], {
      TEMPGRANT_NOW: at(400),
    });
    expect(result.exitCode, result.stderr).toBe(0);
    expect((JSON.parse(result.stdout) as { to: string }).to).toBe(at(400));
  });

  it("on a terminal, with no --out, writes a file and prints its path, not the HTML", async () => {
    const folder = join(project.dir, "terminal");
    mkdirSync(folder, { recursive: true });
    const command = [process.execPath, "--import", import.meta.resolve("tsx"), MAIN, "audit", "report"];
    // `script` gives the CLI a pseudo-terminal as standard output, as a person's shell would.
    const result = await runCommand({
      program: "script",
      args: ["-qec", quote([...command, "--ledger", ledger, "--to", at(290)]), "/dev/null"],
      cwd: folder,
      env: { ...process.env, NO_COLOR: "1", TEMPGRANT_NOW: "" },
    });
    expect(result.exitCode, result.stdout).toBe(0);
    const name = `tempgrant-report-${at(290).replace(/[-:]/g, "")}.html`;
    expect(result.stdout).toContain(`wrote ${name}`);
    expect(result.stdout).not.toContain("<!doctype");
    expect(readFileSync(join(folder, name), "utf8")).toMatch(/^<!doctype html>/);
  });
});

describe("audit export", () => {
  it("packs the ledger, its verification, the reports and the state, with sha256 sums", async () => {
    const out = join(project.dir, "evidence.tar.gz");
    const result = await cli(["audit", "export", "--out", out, "--to", at(320), "--state", state]);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).toContain("ledger chain intact");
    const names: string[] = [];
    await listTar({ file: out, onReadEntry: (entry) => names.push(entry.path) });
    expect(names.sort()).toEqual(
      [
        "MANIFEST.json",
        "ledger.jsonl",
        "report.csv",
        "report.html",
        "report.json",
        "report.md",
        "state-1-terraform.tfstate",
        "state-crosscheck.json",
        "verify.json",
      ].sort(),
    );
  });

  it("still packs a tampered ledger, says so, and exits 1", async () => {
    const tampered = join(project.dir, "tampered.jsonl");
    const lines = readFileSync(ledger, "utf8").split("\n");
    lines[0] = lines[0]!.replace("ann@example.com", "someone@example.com");
    writeFileSync(tampered, lines.join("\n"));
    const out = join(project.dir, "tampered.tar.gz");
    const result = await runCli(["audit", "export", "--out", out, "--ledger", tampered]);
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toContain("ledger chain BROKEN");
  });
});
