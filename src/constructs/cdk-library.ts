import { createRequire } from "node:module";
import * as cdktf from "cdktf";
import type { IConstruct } from "constructs";
import { TempgrantError } from "../errors.js";

/**
 * The CDK library a stack is written with: cdktf (the default, what `tempgrant init` writes)
 * or CDK Terrain (`cdktn`, the maintained fork of cdktf). The two find each other's stacks
 * and elements (they share cdktf's marker symbols), but an element of one is not an element
 * of the other (cdktn's stack calls methods cdktf's elements lack, and each resolves its own
 * tokens), so a construct makes its Terraform elements with the classes of its stack's
 * library. cdktn keeps cdktf's API, so its classes are typed as cdktf's here.
 */
export interface CdkLibrary {
  readonly name: CdkLibraryName;
  readonly App: typeof cdktf.App;
  readonly TerraformStack: typeof cdktf.TerraformStack;
  readonly TerraformResource: typeof cdktf.TerraformResource;
  readonly TerraformProvider: typeof cdktf.TerraformProvider;
  readonly LocalBackend: typeof cdktf.LocalBackend;
}

/** The libraries a stack may be written with. */
export type CdkLibraryName = "cdktf" | "cdktn";

/** The classes tempgrant uses, from one library's exports. */
function libraryFrom(name: CdkLibraryName, exports: typeof cdktf): CdkLibrary {
  const { App, TerraformStack, TerraformResource, TerraformProvider, LocalBackend } = exports;
  return { name, App, TerraformStack, TerraformResource, TerraformProvider, LocalBackend };
}

const CDKTF = libraryFrom("cdktf", cdktf);

/** cdktn once loaded; `null` when it is not installed. cdktf users never load it. */
let terrain: CdkLibrary | null | undefined;

/** cdktn as tempgrant resolves it (an optional peer: the project's own copy), or `null`. */
function loadTerrain(): CdkLibrary | null {
  if (terrain !== undefined) return terrain;
  // cdktn is CommonJS (jsii); require keeps this synchronous, as construct constructors are.
  const require = createRequire(import.meta.url);
  let path: string;
  try {
    path = require.resolve("cdktn");
  } catch {
    return (terrain = null);
  }
  // Installed but failing to load (a dependency of its own missing) is an error, not "absent".
  terrain = libraryFrom("cdktn", require(path) as typeof cdktf);
  return terrain;
}

/** A library by name, for code that starts an app (see synth.ts); cdktn must be installed. */
export function cdkLibrary(name: CdkLibraryName): CdkLibrary {
  if (name === "cdktf") return CDKTF;
  const library = loadTerrain();
  if (!library) {
    throw new TempgrantError("USAGE", "cdktn is not installed: add it to the project (npm install cdktn)");
  }
  return library;
}

/**
 * The library of the stack a construct is in. A stack of neither library as tempgrant loads
 * them (cdktn missing, or a second copy of either) is refused: its elements would not be
 * synthesized, or not correctly.
 */
export function cdkLibraryOf(scope: IConstruct): CdkLibrary {
  const stack: IConstruct = cdktf.TerraformStack.of(scope);
  if (stack instanceof CDKTF.TerraformStack) return CDKTF;
  const library = loadTerrain();
  if (library && stack instanceof library.TerraformStack) return library;
  throw new TempgrantError(
    "USAGE",
    `${scope.node.path}: stack "${stack.node.path}" is a TerraformStack of neither the cdktf nor the ` +
      `cdktn that tempgrant loads${library ? "" : " (cdktn is not installed)"}: ` +
      "install one copy of the library, next to tempgrant",
  );
}

/**
 * A construct class written once over a library's classes: `define` makes it for one library
 * (once each); the constructor returned makes an instance of the one for the library of the
 * scope's stack, and `instanceof` holds for instances of every library's.
 */
export function perStackLibrary<Args extends [IConstruct, ...unknown[]], Instance extends object>(
  name: string,
  define: (library: CdkLibrary) => new (...args: Args) => Instance,
): new (...args: Args) => Instance {
  const classes = new Map<CdkLibrary, new (...args: Args) => Instance>();
  const classFor = (library: CdkLibrary) => {
    const made = classes.get(library) ?? define(library);
    classes.set(library, made);
    return made;
  };
  // A constructor that returns an object: `new` gives that object.
  const construct = function (...args: Args): Instance {
    return new (classFor(cdkLibraryOf(args[0])))(...args);
  };
  Object.defineProperty(construct, "name", { value: name });
  Object.defineProperty(construct, Symbol.hasInstance, {
    value: (value: unknown) => [...classes.values()].some((made) => value instanceof made),
  });
  return construct as unknown as new (...args: Args) => Instance;
}
