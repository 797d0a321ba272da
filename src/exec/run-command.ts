import { spawn } from "node:child_process";
import { TempgrantError } from "../errors.js";
import { commandStarted, throwIfInterrupted } from "./interrupt.js";

/** What to run: a program and its argument vector. Never a shell string. */
export interface CommandSpec {
  readonly program: string;
  readonly args: readonly string[];
  /** Working directory; defaults to the current one. */
  readonly cwd?: string;
  /** Full environment for the child; defaults to this process's environment. */
  readonly env?: NodeJS.ProcessEnv;
  /** Text written to the child's standard input, which is otherwise closed. */
  readonly input?: string;
  /** Kill the child after this many milliseconds. */
  readonly timeoutMs?: number;
  /**
   * With `timeoutMs`: run the child as the leader of a process group of its own and SIGKILL
   * the whole group at the timeout, so that what it started (a compiler, a second node) dies too.
   */
  readonly killGroupOnTimeout?: boolean;
  /**
   * Runs even once the CLI has been asked to stop: only for putting back what the command
   * that was let finish broke (a state the engine left empty, runner/state-guard.ts).
   */
  readonly evenIfStopping?: boolean;
}

/** The outcome of a finished command. */
export interface CommandResult {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
  /** Both streams in the order they arrived, as a terminal would show them. */
  readonly output?: string;
  /** True when the command was killed because it ran past `timeoutMs`. */
  readonly timedOut?: boolean;
}

/** A command that ran and exited non-zero (or could not start). Carries its stderr. */
export class CommandFailedError extends TempgrantError {
  readonly result: CommandResult;

  constructor(spec: CommandSpec, result: CommandResult, hint = "") {
    const tail = lastLines(result.stderr.trim() || result.stdout.trim(), 30);
    super(
      "COMMAND_FAILED",
      `\`${describeCommand(spec)}\` exited with ${result.exitCode}` +
        (spec.cwd ? ` in ${spec.cwd}` : "") +
        (tail ? `:\n${tail}` : "") +
        (hint ? `\n${hint}` : ""),
    );
    this.result = result;
  }
}

/** Renders a command for a message, quoting arguments that need it. For display only. */
export function describeCommand(spec: Pick<CommandSpec, "program" | "args">): string {
  return [spec.program, ...spec.args]
    .map((part) => (/^[\w@%+=:,./-]+$/.test(part) ? part : JSON.stringify(part)))
    .join(" ");
}

function lastLines(text: string, count: number): string {
  const lines = text.split("\n");
  return lines.length <= count ? text : ["...", ...lines.slice(-count)].join("\n");
}

/**
 * Runs a command to completion and returns its output, whatever its exit code. Once the CLI
 * has been asked to stop (exec/interrupt.ts), no command starts: INTERRUPTED is thrown
 * instead. A command that was running is let finish and its result is returned, so that what
 * it did (an apply that went through) is still recorded.
 */
export async function runCommand(spec: CommandSpec): Promise<CommandResult> {
  if (spec.evenIfStopping !== true) throwIfInterrupted();
  const ended = commandStarted();
  try {
    return await runToCompletion(spec);
  } finally {
    ended();
  }
}

function runToCompletion(spec: CommandSpec): Promise<CommandResult> {
  return new Promise((resolve) => {
    const group = spec.killGroupOnTimeout === true && spec.timeoutMs !== undefined;
    const child = spawn(spec.program, [...spec.args], {
      cwd: spec.cwd,
      env: spec.env ?? process.env,
      stdio: [spec.input === undefined ? "ignore" : "pipe", "pipe", "pipe"],
      ...(group ? { detached: true } : { timeout: spec.timeoutMs }),
    });
    let timedOut = false;
    const timer = group
      ? setTimeout(() => {
          timedOut = true;
          try {
            if (child.pid !== undefined) process.kill(-child.pid, "SIGKILL");
          } catch {
            // already gone
          }
        }, spec.timeoutMs)
      : undefined;
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    const both: Buffer[] = [];
    child.stdout?.on("data", (chunk: Buffer) => both.push(chunk) && stdout.push(chunk));
    child.stderr?.on("data", (chunk: Buffer) => both.push(chunk) && stderr.push(chunk));
    if (spec.input !== undefined) child.stdin?.end(spec.input);
    child.on("error", (error) => {
      resolve({ exitCode: 127, stdout: "", stderr: `cannot start ${spec.program}: ${error.message}` });
    });
    child.on("close", (code, signal) => {
      if (timer) clearTimeout(timer);
      resolve({
        exitCode: code ?? 128,
        stdout: Buffer.concat(stdout).toString("utf8"),
        stderr: Buffer.concat(stderr).toString("utf8") + (signal ? `\nkilled by ${signal}` : ""),
        output: Buffer.concat(both).toString("utf8"),
        ...(timedOut ? { timedOut } : {}),
      });
    });
  });
}

/** Runs a command and throws {@link CommandFailedError} unless it exits 0. */
export async function runCommandOrThrow(spec: CommandSpec, hint?: string): Promise<CommandResult> {
  const result = await runCommand(spec);
  if (result.exitCode !== 0) throw new CommandFailedError(spec, result, hint);
  return result;
}

/** A command started as the leader of a process group of its own. */
export interface GroupCommand {
  readonly pid: number;
  /** Resolves when the command exits; `signal` is set when a signal ended it. */
  readonly exited: Promise<CommandResult & { readonly signal: NodeJS.Signals | null }>;
  /** Sends a signal to the whole group: the command and whatever it started. */
  killGroup(signal: NodeJS.Signals): void;
  /** Whether any process of the group is still alive. */
  alive(): boolean;
}

/**
 * Starts a command as the leader of a new process group (for fault injection: a signal to
 * the group reaches the engine it runs too). Output is collected as {@link runCommand} does.
 */
export function startInOwnGroup(spec: CommandSpec): GroupCommand {
  const child = spawn(spec.program, [...spec.args], {
    cwd: spec.cwd,
    env: spec.env ?? process.env,
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  const stdout: Buffer[] = [];
  const stderr: Buffer[] = [];
  child.stdout.on("data", (chunk: Buffer) => stdout.push(chunk));
  child.stderr.on("data", (chunk: Buffer) => stderr.push(chunk));
  const exited = new Promise<CommandResult & { signal: NodeJS.Signals | null }>((resolve) => {
    child.on("error", (error) =>
      resolve({
        exitCode: 127,
        stdout: "",
        stderr: `cannot start ${spec.program}: ${error.message}`,
        signal: null,
      }),
    );
    child.on("close", (code, signal) =>
      resolve({
        exitCode: code ?? 128,
        signal,
        stdout: Buffer.concat(stdout).toString("utf8"),
        stderr: Buffer.concat(stderr).toString("utf8"),
      }),
    );
  });
  if (child.pid === undefined) throw new TempgrantError("COMMAND_FAILED", `cannot start ${spec.program}`);
  const pid = child.pid;
  return {
    pid,
    exited,
    killGroup: (signal) => process.kill(-pid, signal),
    alive: () => {
      try {
        process.kill(-pid, 0);
        return true;
      } catch {
        return false;
      }
    },
  };
}
