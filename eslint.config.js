// Lint configuration: typescript-eslint's recommended rules, plus the import direction
// between rooms of src/ (cli -> sweep/audit -> policy/plan/runner -> grant), enforced
// here rather than by memory.
import js from "@eslint/js";
import tseslint from "typescript-eslint";

/** Rooms that a lower room must never import. */
const restrictedImports = (patterns) => ({
  "no-restricted-imports": [
    "error",
    {
      patterns: patterns.map((group) => ({
        group: [group],
        message: "imports point inward: see STYLE in README",
      })),
    },
  ],
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
  {
    files: ["src/grant/**/*.ts"],
    rules: restrictedImports([
      "**/cli/**",
      "**/runner/**",
      "**/constructs/**",
      "**/toolchain/**",
      "cdktf",
      "constructs",
    ]),
  },
  {
    files: ["src/runner/**/*.ts", "src/toolchain/**/*.ts"],
    rules: restrictedImports(["**/cli/**", "**/constructs/**"]),
  },
);
