import { TempgrantError } from "../../errors.js";

/** An input file that is not a readable state or plan: exit 2, a one-line message naming the file. */
export function badInput(source: string, message: string): TempgrantError {
  return new TempgrantError("INVALID_INPUT", `${source}: ${message}`);
}
