// A module resolve hook (node:module register) that fails any import reaching cdktf or
// constructs, naming the module that asked: a module graph that loads with it has neither.
export async function resolve(specifier, context, next) {
  const resolved = await next(specifier, context);
  if (/\/node_modules\/(cdktf|constructs)\//.test(resolved.url))
    throw new Error(`cdktf in the module graph: ${resolved.url} (imported by ${context.parentURL})`);
  return resolved;
}
