import type { Command } from "commander";
import { describe, expect, it } from "vitest";
import { buildProgram } from "./program.js";

/** Every command, nested ones included, with its full name. */
function allCommands(command: Command, prefix = ""): [string, Command][] {
  return command.commands.flatMap((sub) => {
    const name = `${prefix}${sub.name()}`;
    return [[name, sub] as [string, Command], ...allCommands(sub, `${name} `)];
  });
}

const commands = allCommands(await buildProgram("0.0.0"));

describe("--help", () => {
  it.each(commands.map(([name]) => name))("of %s shows examples", (name) => {
    const command = commands.find(([candidate]) => candidate === name)![1];
    let text = "";
    command.configureOutput({ writeOut: (chunk) => (text += chunk) });
    command.outputHelp();
    expect(text).toContain("\nExamples:\n");
    expect(text.split("\nExamples:\n")[1]).toMatch(/^\s+\$ .*tempgrant /m);
  });
});
