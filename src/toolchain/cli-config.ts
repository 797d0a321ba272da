import { MIRROR_HOSTS, PINS } from "./pins.js";

/**
 * Renders the tofu/terraform CLI configuration that installs providers only from the local
 * filesystem mirror. There is deliberately no `direct {}` block: `init` must never reach a
 * registry, and a provider missing from the mirror is an error rather than a download.
 */
export function renderCliConfig(mirrorDir: string): string {
  const provider = PINS.tempgrantProvider;
  const includes = MIRROR_HOSTS.map((host) => hclString(`${host}/${provider.namespace}/${provider.type}`));
  return [
    "# Written by tempgrant's toolchain bootstrap. Providers come from the local mirror only.",
    "provider_installation {",
    "  filesystem_mirror {",
    `    path    = ${hclString(mirrorDir)}`,
    `    include = [${includes.join(", ")}]`,
    "  }",
    "}",
    "",
  ].join("\n");
}

/** An HCL quoted string: JSON escaping plus HCL's own template escapes. */
export function hclString(value: string): string {
  // Function replacers: in a replacement string, "$$" would mean a single "$".
  return JSON.stringify(value)
    .replaceAll("${", () => "$${")
    .replaceAll("%{", () => "%%{");
}
