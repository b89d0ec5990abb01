import type { Document, Node as YamlNode, Pair, Scalar } from 'yaml';
import { yaml, yamlTooDeep } from '../../core/yaml.js';
import type { CodeLanguage, EmbeddedCode, UnitContext, UnitRead } from '../format.js';
import type { TemplateProblem } from '../model.js';
import { joinGuards } from './subjects.js';
import { LineIndex } from '../line-index.js';
import { oneLine } from './text.js';

/** Keys whose string (or list of strings) is a shell script: Buildkite `command(s)`, CodeBuild `commands`/`finally`, GitHub `run`. */
const SCRIPT_KEYS = new Set(['run', 'command', 'commands', 'finally']);
const SHELLS = new Set(['sh', 'bash', 'dash', 'ash', 'zsh', 'ksh']);
/** How deep the YAML is walked: far past any real pipeline, short of a stack a hostile file could exhaust. */
const MAX_DEPTH = 200;

interface Site {
  readonly language: CodeLanguage;
  readonly node: Scalar;
  readonly guards: readonly string[];
}

/**
 * Reads a CI file: GitHub workflow `run:` steps (with the step's and the job's `if:`), CodeBuild
 * buildspec `commands`, Buildkite `command`/`commands` (with the step's `if:`), and Concourse
 * tasks' `run: {path: sh, args: [-c, SCRIPT]}`. Each script is read as shell (a `shell: python`
 * step as Python) by the script readers, located in this file.
 */
export async function readCiText(path: string, text: string, context: UnitContext): Promise<UnitRead> {
  // Deep flow nesting makes the yaml library abort the whole process: refused before it parses.
  const deep = yamlTooDeep(text);
  if (deep !== undefined) {
    const location = { kind: 'source' as const, file: path, line: deep.line, column: deep.column, endLine: deep.line, endColumn: deep.column + 1 };
    return { subjects: [], problems: [{ message: 'the YAML is nested too deeply for amiguard to read: the steps in it were not checked', location, unevaluated: true }] };
  }
  const documents = yaml().parseAllDocuments(text, { uniqueKeys: false, prettyErrors: false });
  const lines = new LineIndex(text, path);
  const problems: TemplateProblem[] = [];
  const sites: Site[] = [];
  for (const document of Array.isArray(documents) ? documents : []) {
    const error = (document as Document).errors[0];
    if (error !== undefined) {
      const at = lines.position(error.pos[0]);
      const location = { kind: 'source' as const, file: path, line: at.line, column: at.column, endLine: at.line, endColumn: at.column + 1 };
      // The yaml library reports its own stack running out as an error: that is amiguard's limit, not the file's.
      if (error.message.includes('Maximum call stack')) {
        problems.push({ message: 'the YAML is nested too deeply for amiguard to read: the steps in it were not checked', location, unevaluated: true });
      } else {
        problems.push({ message: `YAML syntax error: ${oneLine(error.message.split('\n')[0] ?? '', 120)}; the pipeline is not run, and amiguard did not read it`, location });
      }
      continue;
    }
    collectSites(document.contents, sites, problems, path, lines);
  }
  if (problems.some((problem) => problem.unevaluated !== true)) return { subjects: [], problems };
  const subjects = [];
  for (const site of sites) {
    const read = await context.readCode(site.language, embedded(path, text, lines, site));
    subjects.push(...read.subjects);
    problems.push(...read.problems);
  }
  return { subjects, problems };
}

function collectSites(root: unknown, sites: Site[], problems: TemplateProblem[], path: string, lines: LineIndex): void {
  const { isMap, isSeq, isScalar } = yaml();
  const pending: { node: unknown; guards: readonly string[]; depth: number }[] = [{ node: root, guards: [], depth: 0 }];
  while (pending.length > 0) {
    const next = pending.pop();
    if (next === undefined) break;
    const { node, guards, depth } = next;
    if (depth > MAX_DEPTH) {
      const at = lines.position(rangeOf(node)?.[0] ?? 0);
      problems.push({ message: `the YAML is nested more than ${MAX_DEPTH} levels deep: amiguard did not read below this point`, location: { kind: 'source', file: path, line: at.line, column: at.column, endLine: at.line, endColumn: at.column + 1 }, unevaluated: true });
      continue;
    }
    if (isSeq(node)) {
      for (const item of [...node.items].reverse()) pending.push({ node: item, guards, depth: depth + 1 });
      continue;
    }
    if (!isMap(node)) continue;
    const pairs = node.items as Pair[];
    const value = (key: string): unknown => pairs.find((pair) => isScalar(pair.key) && pair.key.value === key)?.value;
    const condition = value('if');
    const inner = isScalar(condition) && condition.value !== null && condition.value !== '' ? [...guards, guardText(String(condition.value))] : guards;
    const shell = value('shell');
    const language: CodeLanguage = isScalar(shell) && /^python/.test(String(shell.value)) ? 'python' : 'shell';
    for (const pair of [...pairs].reverse()) {
      const key = isScalar(pair.key) ? String(pair.key.value) : '';
      const child = pair.value;
      if (SCRIPT_KEYS.has(key) && isScalar(child) && typeof child.value === 'string') {
        sites.push({ language, node: child, guards: inner });
        continue;
      }
      if ((key === 'commands' || key === 'command' || key === 'finally') && isSeq(child)) {
        for (const item of child.items) if (isScalar(item) && typeof item.value === 'string') sites.push({ language: 'shell', node: item, guards: inner });
        continue;
      }
      if (key === 'run' && isMap(child)) {
        const site = concourseScript(child as YamlNode, inner);
        if (site !== undefined) sites.push(site);
      }
      pending.push({ node: child, guards: inner, depth: depth + 1 });
    }
  }
  sites.sort((a, b) => (a.node.range?.[0] ?? 0) - (b.node.range?.[0] ?? 0));
}

/** A Concourse task's `run: {path: sh, args: [-exc, SCRIPT]}` (or `path: python3, args: [-c, CODE]`). */
function concourseScript(run: YamlNode, guards: readonly string[]): Site | undefined {
  const { isMap, isScalar, isSeq } = yaml();
  if (!isMap(run)) return undefined;
  const path = run.get('path', true);
  const args = run.get('args', true);
  if (!isScalar(path) || !isSeq(args)) return undefined;
  const program = String(path.value).slice(String(path.value).lastIndexOf('/') + 1);
  const language: CodeLanguage | undefined = SHELLS.has(program) ? 'shell' : /^python[0-9.]*$/.test(program) ? 'python' : undefined;
  if (language === undefined) return undefined;
  const flag = args.items.findIndex((item) => isScalar(item) && /^-[a-z]*c[a-z]*$/.test(String(item.value)));
  const script = flag === -1 ? undefined : args.items[flag + 1];
  return isScalar(script) && typeof script.value === 'string' ? { language, node: script, guards } : undefined;
}

/** `${{ github.ref == 'refs/heads/main' }}` as the expression itself. */
function guardText(raw: string): string {
  const trimmed = raw.trim();
  const inner = /^\$\{\{([\s\S]*)\}\}$/.exec(trimmed)?.[1];
  return oneLine(inner ?? trimmed);
}

function rangeOf(node: unknown): readonly number[] | undefined {
  const range = (node as { range?: unknown } | null)?.range;
  return Array.isArray(range) ? (range as number[]) : undefined;
}

/**
 * The script of a scalar, placed in the file. A block scalar (`run: |`) is taken from the file's
 * own lines without their indentation, so every line and column of the script is where it is
 * written; a quoted or plain scalar starts where its value starts.
 */
function embedded(file: string, text: string, lines: LineIndex, site: Site): EmbeddedCode {
  const { Scalar: ScalarClass } = yaml();
  const node = site.node;
  const [start = 0, end = start] = node.range ?? [];
  const condition = joinGuards(...site.guards);
  const base = { file, ...(condition === undefined ? {} : { condition }) };
  if (node.type === ScalarClass.BLOCK_LITERAL || node.type === ScalarClass.BLOCK_FOLDED) {
    const headerEnd = text.indexOf('\n', start);
    const bodyStart = headerEnd === -1 ? end : headerEnd + 1;
    const body = text.slice(bodyStart, Math.max(bodyStart, end)).split('\n');
    const firstLine = body.find((line) => line.trim() !== '') ?? '';
    const indent = firstLine.length - firstLine.trimStart().length;
    const at = lines.position(bodyStart);
    return { ...base, text: body.map((line) => line.slice(indent)).join('\n'), at: { line: at.line, column: indent + 1 }, indent };
  }
  const quoted = node.type === ScalarClass.QUOTE_DOUBLE || node.type === ScalarClass.QUOTE_SINGLE;
  const at = lines.position(start + (quoted ? 1 : 0));
  return { ...base, text: String(node.value), at };
}
