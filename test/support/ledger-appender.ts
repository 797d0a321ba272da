// One appender process of the ledger concurrency test:
//   node --import tsx test/support/ledger-appender.ts <ledger> <writer> <count>
// Appends <count> events one after the other, then prints when its appends began and ended.
import { appendLedgerEvent } from "../../src/audit/ledger/index.js";

const [ledger, writer, count] = process.argv.slice(2);
if (!ledger || !writer || !count) throw new Error("usage: ledger-appender.ts <ledger> <writer> <count>");
const started = Date.now();
for (let i = 0; i < Number(count); i++) {
  await appendLedgerEvent(ledger, {
    type: "verification",
    stack: `writer-${writer}`,
    now: "2026-11-25T18:00:00Z",
    grants: [`${writer}-${i}`],
    verified: true,
    method: "re-plan",
  });
}
process.stdout.write(`${JSON.stringify({ writer, started, ended: Date.now() })}\n`);
