// Writes src/policy/config-validator.generated.ts from the tempgrant.yaml schema.
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { CONFIG_VALIDATOR_FILE, configValidatorSource } from "../src/policy/config-validator-source.js";

const out = fileURLToPath(new URL(`../src/policy/${CONFIG_VALIDATOR_FILE}`, import.meta.url));
writeFileSync(out, configValidatorSource());
console.log(`wrote ${out}`);
