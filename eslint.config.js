// Lint configuration: typescript-eslint's recommended rules, plus the import direction
// between the rooms of src/ (README, "Layout"), enforced here rather than by memory.
import js from "@eslint/js";
import tseslint from "typescript-eslint";

/**
 * The rooms of src/, lowest first: a room imports only from its own layer and the layers
 * below it, never from a layer above. Rooms in one layer may import each other (plan,
 * policy and approval build one check; audit's report uses report's CSV writer, report
 * formats audit's diffs). src/errors.ts and src/run-status.ts sit below every room;
 * src/index.ts, the library's entry, above. Keep README's Layout picture the same.
 */
export const ROOM_LAYERS = [
  ["exec"],
  ["grant"],
  ["scaffold", "toolchain", "runner", "testing"],
  ["plan", "policy", "approval"],
  ["constructs", "check"],
  ["audit", "report"],
  ["sweep", "apply"],
  ["cli"],
];

const MESSAGE = "imports point inward: see Layout in README (the rooms and their layers)";

/**
 * Forbids importing these rooms (and packages): static imports and re-exports
 * (no-restricted-imports), and `import()` expressions and `import("...")` types, which that
 * rule does not see (no-restricted-syntax); a package also by a call that names it
 * (`require("cdktn")`, `createRequire(url)("cdktn")`: how an optional one is loaded).
 */
const forbidRooms = (rooms, packages = []) => {
  const pattern = `(^|\\/)(${rooms.join("|")})\\/`;
  const packagePattern = packages.length > 0 ? `|^(${packages.join("|")})(\\/|$)` : "";
  const specifier = `/${pattern}${packagePattern}/`;
  return {
    "no-restricted-imports": [
      "error",
      {
        // A package by its exact name, and anything below it ("cdktf/lib/..."; a pattern with a
        // slash in it is anchored, so "../constructs/" stays the room's).
        paths: packages.map((name) => ({ name, message: MESSAGE })),
        patterns: [
          ...rooms.map((room) => ({ group: [`**/${room}/**`], message: MESSAGE })),
          ...packages.map((name) => ({ group: [`${name}/**`], message: MESSAGE })),
        ],
      },
    ],
    "no-restricted-syntax": [
      "error",
      { selector: `ImportExpression[source.value=${specifier}]`, message: MESSAGE },
      { selector: `TSImportType Literal[value=${specifier}]`, message: MESSAGE },
      ...(packages.length > 0
        ? [{ selector: `CallExpression[arguments.0.value=/${packagePattern.slice(1)}/]`, message: MESSAGE }]
        : []),
    ],
  };
};

/** One config block per room: every room of a higher layer is out of reach. */
const roomRules = ROOM_LAYERS.flatMap((layer, index) => {
  const above = ROOM_LAYERS.slice(index + 1).flat();
  return layer.map((room) => ({
    files: [`src/${room}/**/*.ts`],
    // The grant model is plain data and rules: no CDK library (cdktf, or its fork cdktn) either.
    rules: forbidRooms(above, room === "grant" ? ["cdktf", "cdktn", "constructs"] : []),
  }));
});

export default tseslint.config(
  {
    ignores: [
      "dist/",
      "node_modules/",
      "coverage/",
      ".tempgrant/",
      "cdktf.out/",
      "src/policy/config-validator.generated.ts",
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
    },
  },
  ...roomRules,
  {
    files: ["src/errors.ts", "src/run-status.ts"],
    rules: forbidRooms(ROOM_LAYERS.flat()),
  },
);
