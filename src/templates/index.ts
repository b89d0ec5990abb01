import { resolve } from 'node:path';
import { InputError, MAX_INPUT_BYTES, readInputText, sourceLocation, tryReadInputFile, type ImageSubject, type InputKind, type SuppressionDirective } from '../core/index.js';
import { scanDirectives } from '../suppress/inline.js';
import { discoverTemplates, type Discovered, type SkippedPath } from './discover.js';
import type { ReadOptions, SourceFile, TemplateImage, TemplateProblem, VariableInput } from './model.js';
import { readPackerHcl } from './packer-hcl/index.js';
import { readPackerJson } from './packer-json/index.js';
import { toImageSubject } from './subject.js';

export * from './model.js';
export { discoverTemplates, type Discovered, type HclConfiguration, type SkippedPath } from './discover.js';
export { sharingFromCalls, toImageSubject, type GrantCall } from './subject.js';

export interface TemplateReadRequest {
  readonly paths: readonly string[];
  readonly cwd: string;
  readonly variables: readonly VariableInput[];
  readonly useEnv: boolean;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Templates not to read (`--exclude`, the policy's `exclude:`), by absolute path. */
  readonly exclude?: (absolutePath: string) => boolean;
}

export interface TemplatesRead {
  readonly images: readonly TemplateImage[];
  readonly subjects: readonly ImageSubject[];
  readonly problems: readonly TemplateProblem[];
  /** Every template file read, as shown to the user. */
  readonly artifacts: readonly string[];
  readonly coverage: TemplateCoverage;
  /** The `amiguard-ignore` directives in the files read. */
  readonly directives: readonly SuppressionDirective[];
  /** Templates found but excluded, as shown to the user. */
  readonly excluded: readonly string[];
}

/**
 * What a lint run read and what it did not, as plain data for the report. `read` lists the
 * template and auto var-files read; `skipped` what was found and not read: from the walk
 * (unlistable folders, excluded folders, .json files that are not templates) and files the
 * bounded reader refused (over the size limit, not a regular file, binary), in path order.
 * Every `unreadable` entry is also a problem (a parse-error finding).
 */
export interface TemplateCoverage {
  readonly read: readonly string[];
  readonly skipped: readonly SkippedPath[];
}

/** One template reading: a legacy JSON file, or one folder's HCL configuration. */
export type ReadUnit =
  | { readonly kind: 'json'; readonly path: string }
  | { readonly kind: 'hcl'; readonly files: readonly string[]; readonly autoVarFiles: readonly string[] };

/** Finds the templates under `paths` and reads each the way Packer would evaluate it. */
export async function readTemplates(request: TemplateReadRequest): Promise<TemplatesRead> {
  for (const input of request.variables) {
    if (input.kind === 'var-file') readVarFile(resolve(request.cwd, input.path), input.path);
  }
  const discovered = await discoverTemplates(request.paths, request.cwd);
  const first = discovered.unreadable[0];
  if (first !== undefined) {
    throw new InputError(`cannot read ${first.path}: ${first.reason}`, { hint: 'check the path; run amiguard lint with no path to scan the current folder' });
  }
  const excluded: string[] = [];
  const keep = (path: string): boolean => {
    if (request.exclude?.(resolve(request.cwd, path)) !== true) return true;
    excluded.push(path);
    return false;
  };
  const units: ReadUnit[] = [
    ...discovered.jsonTemplates.filter(keep).map((path): ReadUnit => ({ kind: 'json', path })),
    ...discovered.hclConfigurations.flatMap((config): ReadUnit[] => {
      const files = config.files.filter(keep);
      return files.length === 0 ? [] : [{ kind: 'hcl', files, autoVarFiles: config.autoVarFiles }];
    }),
  ];
  // Nothing to read is never a pass: the wrong folder would otherwise lint clean.
  if (units.length === 0) throw noTemplateFound(request.paths, discovered, excluded);
  // One thread: worker threads were measured slower on 2 cores (each loads its own modules and
  // WASM parser, and the results are copied back), 1.3-1.5x the wall time for 5,000 files (issue 11).
  const context: ReadContext = { cwd: request.cwd, variables: request.variables, useEnv: request.useEnv, env: request.env };
  const read = await readUnits(units, context);
  const unlisted = discovered.skipped
    .filter((entry) => entry.kind === 'unreadable')
    .map((entry): TemplateProblem => ({ message: entry.reason, location: sourceLocation(entry.path, 1, 1) }));
  const refused = new Set(read.unread.map((entry) => entry.path));
  return {
    images: read.images,
    subjects: read.images.map(toImageSubject),
    problems: distinctProblems([...unlisted, ...read.problems]),
    artifacts: read.artifacts,
    coverage: {
      read: read.artifacts.filter((path) => !refused.has(path)),
      skipped: [...discovered.skipped, ...excluded.map(excludedEntry), ...read.unread].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)),
    },
    directives: read.directives,
    excluded,
  };
}

function excludedEntry(path: string): SkippedPath {
  return { path, kind: 'excluded', reason: 'excluded by the policy or --exclude' };
}

/** What lint looks for, and what it found instead, so that the user can tell a wrong path from a closed folder. */
function noTemplateFound(paths: readonly string[], discovered: Discovered, excluded: readonly string[]): InputError {
  const where = paths.length === 0 ? 'the current folder' : paths.join(', ');
  const skipped = [
    ...excluded.map(excludedEntry),
    ...discovered.skipped.filter((entry) => entry.kind !== 'excluded'),
  ];
  const shown = skipped.slice(0, 5).map((entry) => `${entry.path} (${entry.reason})`);
  if (skipped.length > shown.length) shown.push(`${skipped.length - shown.length} more`);
  return new InputError(
    `no Packer template found in ${where}: amiguard lint reads *.pkr.hcl and *.pkr.json files (HCL2) and *.json files with a top-level "builders" key (legacy JSON)${shown.length === 0 ? '' : `; skipped: ${shown.join(', ')}`}`,
    { hint: 'name the folder or files that hold the templates, e.g. amiguard lint packer/; node_modules and dot-folders are not searched' },
  );
}

export type ReadContext = Omit<TemplateReadRequest, 'paths'>;

export interface UnitsRead {
  readonly images: readonly TemplateImage[];
  readonly problems: readonly TemplateProblem[];
  readonly artifacts: readonly string[];
  /** Artifacts the bounded reader refused. */
  readonly unread: readonly SkippedPath[];
  readonly directives: readonly SuppressionDirective[];
}

/** Reads the units one after another, in order. */
export async function readUnits(units: readonly ReadUnit[], context: ReadContext): Promise<UnitsRead> {
  return joinReads(await readEachUnit(units, context));
}

/** One result per unit, in order. */
async function readEachUnit(units: readonly ReadUnit[], context: ReadContext): Promise<UnitsRead[]> {
  const options: ReadOptions = {
    variables: context.variables,
    useEnv: context.useEnv,
    env: context.env,
    readFile: (path) => readVarFile(resolve(context.cwd, path), path),
    cwd: context.cwd,
  };
  // Legacy JSON var-files are JSON; HCL configurations take both kinds.
  const jsonOptions: ReadOptions = {
    ...options,
    variables: context.variables.filter((input) => input.kind === 'var' || input.path.endsWith('.json')),
  };
  const results: UnitsRead[] = [];
  for (const unit of units) {
    const problems: TemplateProblem[] = [];
    const artifacts: string[] = [];
    const unread: SkippedPath[] = [];
    const directives: SuppressionDirective[] = [];
    const load = (path: string, kind: InputKind): SourceFile | undefined => {
      artifacts.push(path);
      const loaded = loadSource(resolve(context.cwd, path), path, kind);
      if ('problem' in loaded) {
        problems.push(loaded.problem);
        unread.push({ path, kind: 'unreadable', reason: loaded.problem.message });
        return undefined;
      }
      directives.push(...scanDirectives(path, loaded.text, unit.kind === 'json' ? 'packer-json' : path.endsWith('.json') ? 'hcl-json' : 'hcl'));
      return loaded;
    };
    let images: readonly TemplateImage[] = [];
    if (unit.kind === 'json') {
      const file = load(unit.path, 'template');
      if (file !== undefined) {
        const result = readPackerJson(file, jsonOptions);
        images = result.images;
        append(problems, result.problems);
      }
    } else {
      const files = loaded(unit.files.map((path) => load(path, 'template')));
      const autoVarFiles = loaded(unit.autoVarFiles.map((path) => load(path, 'var-file')));
      if (files.length > 0) {
        const result = await readPackerHcl(files, autoVarFiles, options);
        images = result.images;
        append(problems, result.problems);
      }
    }
    results.push({ images, problems: capPerFile(problems), artifacts, unread, directives });
  }
  return results;
}

function loaded(files: readonly (SourceFile | undefined)[]): SourceFile[] {
  return files.filter((file): file is SourceFile => file !== undefined);
}

/** `push(...items)` passes every item as an argument: a var-file with a million entries overflows the stack. */
function append<T>(target: T[], items: readonly T[]): void {
  for (const item of items) target.push(item);
}

function joinReads(reads: readonly UnitsRead[]): UnitsRead {
  return {
    images: reads.flatMap((read) => read.images),
    problems: reads.flatMap((read) => read.problems),
    artifacts: reads.flatMap((read) => read.artifacts),
    unread: reads.flatMap((read) => read.unread),
    directives: reads.flatMap((read) => read.directives),
  };
}

/** More problems than this in one file are summed up in one: a list of thousands helps no one. */
export const MAX_PROBLEMS_PER_FILE = 100;

function capPerFile(problems: readonly TemplateProblem[]): TemplateProblem[] {
  const counts = new Map<string, number>();
  const kept: TemplateProblem[] = [];
  for (const problem of problems) {
    const count = (counts.get(problem.location.file) ?? 0) + 1;
    counts.set(problem.location.file, count);
    if (count <= MAX_PROBLEMS_PER_FILE) kept.push(problem);
  }
  for (const [file, count] of counts) {
    if (count > MAX_PROBLEMS_PER_FILE) {
      kept.push({
        message: `${count - MAX_PROBLEMS_PER_FILE} more problems in this file are not listed (${count} in all)`,
        location: sourceLocation(file, 1, 1),
      });
    }
  }
  return kept;
}

/** A var-file's problem is found once per template that reads it; say it once. */
function distinctProblems(problems: readonly TemplateProblem[]): TemplateProblem[] {
  const seen = new Set<string>();
  return problems.filter((problem) => {
    const { file, line, column } = problem.location;
    const key = `${file}:${line}:${column}:${problem.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** A template or auto var-file through the bounded reader; one it refuses is a problem at its first line. */
function loadSource(absolute: string, path: string, kind: InputKind): SourceFile | { problem: TemplateProblem } {
  const at = sourceLocation(path, 1, 1);
  const read = tryReadInputFile(absolute, MAX_INPUT_BYTES[kind]);
  if (!read.ok) return { problem: { message: `cannot read ${kind}: ${read.reason}`, location: at } };
  if (read.bytes.subarray(0, 8192).includes(0)) {
    return { problem: { message: 'binary file (it contains NUL bytes), not a Packer template', location: at } };
  }
  return { path, text: read.bytes.toString('utf8') };
}

function readVarFile(absolute: string, path: string): string {
  return readInputText(absolute, 'var-file', path);
}
