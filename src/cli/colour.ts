/**
 * Colour only on a terminal, and never when NO_COLOR is set (FORCE_COLOR forces it).
 * Decided here, once, so formatters stay pure and CI logs and files stay plain.
 */
export function useColour(
  stream: NodeJS.WriteStream = process.stdout,
  env: NodeJS.ProcessEnv = process.env,
): boolean {
  if (env.NO_COLOR) return false;
  if (env.FORCE_COLOR && env.FORCE_COLOR !== "0") return true;
  return stream.isTTY === true && env.TERM !== "dumb";
}
