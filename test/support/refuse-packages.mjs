// A module resolve hook (node:module register) that fails any import reaching one of the
// packages named in REFUSE_PACKAGES (comma-separated), naming the module that asked: a module
// graph that loads with it holds none of them.
import process from "node:process";

const refused = (process.env.REFUSE_PACKAGES ?? "").split(",").filter((name) => name !== "");
const pattern = new RegExp(`/node_modules/(${refused.join("|")})/`);

export async function resolve(specifier, context, next) {
  const resolved = await next(specifier, context);
  if (refused.length > 0 && pattern.test(resolved.url))
    throw new Error(
      `refused package in the module graph: ${resolved.url} (imported by ${context.parentURL})`,
    );
  return resolved;
}
