import { constants } from "node:os";
import { TempgrantError } from "../errors.js";

/**
 * What tempgrant does when it is asked to stop (SIGTERM from a scheduler or a cancelled CI
 * job, SIGINT from a terminal). Dying at once is the dangerous answer: the tofu it runs writes
 * its output into pipes this process reads, so tofu would die of SIGPIPE at its next line,
 * possibly between truncating a local state file and writing it again (seen: an empty state
 * and a stale lock after a sweep was stopped mid-apply, which no later sweep can revoke from).
 * So while a command runs, the first signal is only noted: it is let finish (a tofu that got the
 * signal too shuts down gracefully and saves its state) and what it did is recorded as usual;
 * no new command starts: the next one throws INTERRUPTED (exit 1, and the sweep's failure
 * event). A second signal exits at once.
 */
const STOP_SIGNALS = ["SIGTERM", "SIGINT", "SIGHUP"] as const;

let received: NodeJS.Signals | undefined;
/** Commands running now (run-command.ts counts them): with none, a stop signal stops at once. */
let running = 0;

/** Counts a command in for the time it runs; call the returned function when it has exited. */
export function commandStarted(): () => void {
  running += 1;
  let ended = false;
  return () => {
    if (!ended) running -= 1;
    ended = true;
  };
}

/** Installs the handlers (the CLI's entry point calls it once). */
export function deferStopSignals(): void {
  for (const signal of STOP_SIGNALS) {
    process.on(signal, () => {
      // Nothing is running, or this is the second signal: stop now, as without a handler.
      if (received || running === 0) process.exit(128 + (constants.signals[signal] ?? 0));
      received = signal;
      process.stderr.write(
        `tempgrant: ${signal} received: letting the running command finish, then stopping (send it again to stop at once)\n`,
      );
    });
  }
}

/** Throws INTERRUPTED once a stop signal has arrived: called before every command starts. */
export function throwIfInterrupted(): void {
  if (received) {
    throw new TempgrantError(
      "INTERRUPTED",
      `stopped by ${received}: the running command was let finish, nothing more was started`,
    );
  }
}
