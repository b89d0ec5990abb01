/**
 * Finds the CLI's flag names and commands in the string literals of library code (src/ outside
 * src/cli): the library speaks in its own terms, the CLI words results with its flags.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';

export interface CliWord {
  /** The file, relative to the repository, with `/` separators. */
  readonly file: string;
  readonly line: number;
  /** `--region`, or `amiguard sandbox`. */
  readonly word: string;
  /** The whole literal (its text parts for a template), to tell entries apart. */
  readonly literal: string;
}

function typescriptFiles(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) return typescriptFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** The text of every string literal and template part in a file; comments are not literals. */
function literals(path: string): { text: string; line: number }[] {
  const source = ts.createSourceFile(path, readFileSync(path, 'utf8'), ts.ScriptTarget.Latest, true);
  const found: { text: string; line: number }[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node) || ts.isTemplateHead(node) || ts.isTemplateMiddle(node) || ts.isTemplateTail(node)) {
      found.push({ text: node.text, line: source.getLineAndCharacterOfPosition(node.getStart()).line + 1 });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** Every `--flag` written in the CLI's own code (its options and help texts): the CLI's flag names. */
export function cliFlags(root: string): Set<string> {
  const flags = new Set<string>();
  for (const file of typescriptFiles(join(root, 'src/cli'))) {
    for (const { text } of literals(file)) for (const match of text.matchAll(/(?<![\w-])--([a-z][a-z0-9-]*)/g)) flags.add(`--${match[1] ?? ''}`);
  }
  return flags;
}

/** `amiguard COMMAND`, as a command to run: not after an article ("not an amiguard baseline" names a file kind). */
export function commandPattern(commands: readonly string[]): RegExp {
  return new RegExp(`(?<!\\ban? )\\bamiguard (${commands.join('|')})\\b`, 'g');
}

/** The CLI's flags and `amiguard COMMAND` phrases in library string literals. */
export function cliWordsInLibrary(root: string, flags: ReadonlySet<string>, commands: readonly string[]): CliWord[] {
  const command = commandPattern(commands);
  const words: CliWord[] = [];
  for (const path of typescriptFiles(join(root, 'src'))) {
    const file = relative(root, path).split('\\').join('/');
    if (file.startsWith('src/cli/')) continue;
    for (const { text, line } of literals(path)) {
      for (const match of text.matchAll(/(?<![\w-])--([a-z][a-z0-9-]*)/g)) {
        if (flags.has(match[0])) words.push({ file, line, word: match[0], literal: text });
      }
      for (const match of text.matchAll(command)) words.push({ file, line, word: match[0], literal: text });
    }
  }
  return words;
}
