import { readFileSync } from "node:fs";
import { parse as parseShell } from "shell-quote";

/**
 * The runnable commands of a documentation page, found without guessing. Convention: every
 * fenced ```sh block is preceded (blank lines allowed) by one of
 *
 *   <!-- walk: STEP -->            the block is run by a walk test, which names what it
 *                                  expects of STEP;
 *   <!-- not walked: WHY -->       the block cannot run here, and why (needs GitHub, ...).
 *
 * A walked block is read with shell-quote, never run by a shell: one command per line
 * (a trailing `\` continues it), `&&` between commands, `> file` / `>> file` for standard
 * output, `# comments`, and `$NAME` from the walk's variables. Anything else a shell would
 * do (pipes, `;`, `$(...)`, globs) is refused, so a page only shows what a walk can check.
 */
export interface DocBlock {
  readonly page: string;
  /** 1-based line of the opening fence. */
  readonly line: number;
  /** `<!-- walk: STEP -->` */
  readonly step?: string;
  /** `<!-- not walked: WHY -->` */
  readonly notWalked?: string;
  /** The block's text, as on the page. */
  readonly text: string;
}

/** One command of a walked block: an argument vector, and where its standard output goes. */
export interface DocCommand {
  /** The command as written on the page (continuations joined, comment dropped). */
  readonly written: string;
  /** `page:line` of the command. */
  readonly where: string;
  readonly argv: readonly string[];
  readonly stdoutTo?: { readonly path: string; readonly append: boolean };
}

const MARKER = /^<!--\s*(walk|not walked):\s*(.*?)\s*-->$/;

/** Every ```sh block of a page, with the marker before it (if any). */
export function shellBlocks(path: string, page = path): DocBlock[] {
  const lines = readFileSync(path, "utf8").split("\n");
  const blocks: DocBlock[] = [];
  let marker: RegExpExecArray | null = null;
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index] ?? "";
    const fence = /^(\s*)```(\S*)\s*$/.exec(line);
    if (!fence) {
      const found = MARKER.exec(line.trim());
      if (found) marker = found;
      else if (line.trim() !== "") marker = null;
      continue;
    }
    const start = index;
    const body: string[] = [];
    for (index++; index < lines.length && !/^\s*```\s*$/.test(lines[index] ?? ""); index++)
      body.push(lines[index] ?? "");
    if (fence[2] === "sh" || fence[2] === "bash" || fence[2] === "shell") {
      blocks.push({
        page,
        line: start + 1,
        text: body.join("\n"),
        ...(marker?.[1] === "walk" ? { step: marker[2] } : {}),
        ...(marker?.[1] === "not walked" ? { notWalked: marker[2] } : {}),
      });
    }
    marker = null;
  }
  return blocks;
}

/**
 * The commands of a walked block as argument vectors, `$NAME` taken from `variables` (an
 * unknown one is an error, not an empty string). Throws, naming page and line, on anything
 * the walk cannot run without a shell.
 */
export function blockCommands(block: DocBlock, variables: Readonly<Record<string, string>>): DocCommand[] {
  const commands: DocCommand[] = [];
  const physical = block.text.split("\n");
  for (let index = 0; index < physical.length; index++) {
    const lineNumber = block.line + 1 + index;
    let text = physical[index] ?? "";
    while (/\\\s*$/.test(text) && index + 1 < physical.length) {
      text = `${text.replace(/\\\s*$/, " ")}${physical[++index] ?? ""}`;
    }
    const where = `${block.page}:${lineNumber}`;
    const tokens = parseShell(text, (name) => {
      const value = variables[name];
      if (value === undefined) throw new Error(`${where}: $${name} is not one of the walk's variables`);
      return value;
    });
    let argv: string[] = [];
    let stdoutTo: DocCommand["stdoutTo"];
    let written: string[] = [];
    const finish = () => {
      if (argv.length > 0)
        commands.push({ written: written.join(" "), where, argv, ...(stdoutTo ? { stdoutTo } : {}) });
      argv = [];
      written = [];
      stdoutTo = undefined;
    };
    for (let at = 0; at < tokens.length; at++) {
      const token = tokens[at];
      if (token === undefined) break;
      if (typeof token === "string") {
        argv.push(token);
        written.push(token);
      } else if ("comment" in token) {
        break;
      } else if ("op" in token && token.op === "&&") {
        finish();
      } else if ("op" in token && (token.op === ">" || token.op === ">>")) {
        const target = tokens[++at];
        if (typeof target !== "string") throw new Error(`${where}: ${token.op} without a file name`);
        stdoutTo = { path: target, append: token.op === ">>" };
        written.push(token.op, target);
      } else {
        throw new Error(`${where}: not walkable without a shell: ${JSON.stringify(token)}`);
      }
    }
    finish();
  }
  return commands;
}
