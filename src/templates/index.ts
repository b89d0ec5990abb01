import { resolve } from 'node:path';
import { InputError, readInputText, sourceLocation, type ImageSubject, type SuppressionDirective } from '../core/index.js';
import { compare, discoverTemplates, UNSEARCHED_REASON, type Discovered, type SkippedPath } from './discover.js';
import type { ReadUnit, TemplateFormat } from './format.js';
import type { BuildFilter, TemplateImage, TemplateProblem, VariableInput } from './model.js';
import { progressGate, type ReadProgress } from './progress.js';
import { FORMATS } from './registry.js';
import { createUnitContext, type UnitLedger } from './unit-context.js';

export * from './model.js';
export { discoverTemplates, type Discovered, type SkippedPath } from './discover.js';
export type * from './format.js';
export { FORMATS } from './registry.js';
export { progressGate, PROGRESS_INTERVAL_MS, type ReadProgress } from './progress.js';
export { sharingFromCalls, toImageSubject, type GrantCall } from './subject.js';

export interface TemplateReadRequest {
  readonly paths: readonly string[];
  readonly cwd: string;
  readonly variables: readonly VariableInput[];
  readonly builds?: BuildFilter;
  readonly useEnv: boolean;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Templates not to read (`--exclude`, the policy's `exclude:`), by absolute path. */
  readonly exclude?: (absolutePath: string) => boolean;
  /** The formats to read; every format amiguard has by default. */
  readonly formats?: readonly TemplateFormat[];
  /**
   * Told how many template files are read, of how many: once found (0 read), then at most every
   * PROGRESS_INTERVAL_MS while reading, and once all are read.
   */
  readonly onProgress?: (progress: ReadProgress) => void;
}

export interface TemplatesRead {
  /** Packer's evaluated images (the Packer tests look at fields as Packer names them). */
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

/** Finds the templates under `paths` and reads each the way the tool that runs it would evaluate it. */
export async function readTemplates(request: TemplateReadRequest): Promise<TemplatesRead> {
  for (const input of request.variables) {
    if (input.kind === 'var-file') readInputText(resolve(request.cwd, input.path), 'var-file', input.path);
  }
  const formats = request.formats ?? FORMATS;
  const discovered = await discoverTemplates(request.paths, request.cwd, formats);
  const first = discovered.unreadable[0];
  if (first !== undefined) {
    throw new InputError(`cannot read ${first.path}: ${first.reason}`, { hint: 'check the path; give no path to scan the current folder' });
  }
  const excluded: string[] = [];
  const keep = (path: string): boolean => {
    if (request.exclude?.(resolve(request.cwd, path)) !== true) return true;
    excluded.push(path);
    return false;
  };
  const units = discovered.units.flatMap((unit): ReadUnit[] => {
    const files = unit.files.filter(keep);
    return files.length === 0 ? [] : [{ ...unit, files }];
  });
  // Nothing to read is never a pass: the wrong folder would otherwise lint clean.
  if (units.length === 0) throw noTemplateFound(request.paths, discovered, excluded, formats);
  // One thread: worker threads were measured slower on 2 cores (each loads its own modules and
  // WASM parser, and the results are copied back), 1.3-1.5x the wall time for 5,000 files (issue 11).
  const context: ReadContext = { cwd: request.cwd, variables: request.variables, useEnv: request.useEnv, env: request.env, ...(request.builds === undefined ? {} : { builds: request.builds }) };
  const total = units.reduce((sum, unit) => sum + unit.files.length, 0);
  const { onProgress } = request;
  let onRead: ((files: number) => void) | undefined;
  if (onProgress !== undefined) {
    const due = progressGate();
    onProgress({ read: 0, total });
    onRead = (files) => {
      if (files === total || due()) onProgress({ read: files, total });
    };
  }
  const read = await readUnits(units, context, formats, onRead);
  const unlisted = discovered.skipped
    .filter((entry) => entry.kind === 'unreadable')
    .map((entry): TemplateProblem => ({ message: entry.reason, location: sourceLocation(entry.path, 1, 1) }));
  const refused = new Set(read.unread.map((entry) => entry.path));
  return {
    images: read.images,
    subjects: read.subjects,
    problems: distinctProblems([...unlisted, ...read.problems]),
    artifacts: read.artifacts,
    coverage: {
      read: read.artifacts.filter((path) => !refused.has(path)),
      skipped: [...discovered.skipped, ...excluded.map(excludedEntry), ...read.unread].sort((a, b) => compare(a.path, b.path)),
    },
    directives: read.directives,
    excluded,
  };
}

function excludedEntry(path: string): SkippedPath {
  return { path, kind: 'excluded', reason: 'excluded by the policy or --exclude' };
}

/** What lint looks for, and what it found instead, so that the user can tell a wrong path from a closed folder. */
function noTemplateFound(paths: readonly string[], discovered: Discovered, excluded: readonly string[], formats: readonly TemplateFormat[]): InputError {
  const where = paths.length === 0 ? 'the current folder' : paths.join(', ');
  const skipped = [
    ...excluded.map(excludedEntry),
    ...discovered.skipped.filter((entry) => entry.kind !== 'excluded'),
  ];
  const shown = skipped.slice(0, 5).map((entry) => `${entry.path} (${entry.reason})`);
  if (skipped.length > shown.length) shown.push(`${skipped.length - shown.length} more`);
  return new InputError(
    `no template found in ${where}: amiguard reads ${formats.map((format) => format.reads).join('; ')}${shown.length === 0 ? '' : `; skipped: ${shown.join(', ')}`}`,
    { hint: `name the folder or files that hold the templates, e.g. packer/; ${UNSEARCHED_REASON}` },
  );
}

export type ReadContext = Omit<TemplateReadRequest, 'paths' | 'exclude' | 'formats' | 'onProgress'>;

export interface UnitsRead {
  readonly images: readonly TemplateImage[];
  readonly subjects: readonly ImageSubject[];
  readonly problems: readonly TemplateProblem[];
  readonly artifacts: readonly string[];
  /** Artifacts the bounded reader refused. */
  readonly unread: readonly SkippedPath[];
  readonly directives: readonly SuppressionDirective[];
}

/** Reads the units one after another, in order; `onRead` is told the files read so far after each unit. */
export async function readUnits(
  units: readonly ReadUnit[],
  context: ReadContext,
  formats: readonly TemplateFormat[] = FORMATS,
  onRead?: (files: number) => void,
): Promise<UnitsRead> {
  const results: UnitsRead[] = [];
  let files = 0;
  for (const unit of units) {
    const ledger: UnitLedger = { problems: [], artifacts: [], unread: [], directives: [] };
    const read = await unit.read(unit.files, createUnitContext(context, formats, ledger));
    append(ledger.problems, read.problems);
    results.push({
      images: read.images ?? [],
      subjects: read.subjects,
      problems: capPerFile(ledger.problems),
      artifacts: ledger.artifacts,
      unread: ledger.unread,
      directives: ledger.directives,
    });
    files += unit.files.length;
    onRead?.(files);
  }
  return joinReads(results);
}

/** `push(...items)` passes every item as an argument: a var-file with a million entries overflows the stack. */
function append<T>(target: T[], items: readonly T[]): void {
  for (const item of items) target.push(item);
}

function joinReads(reads: readonly UnitsRead[]): UnitsRead {
  return {
    images: reads.flatMap((read) => read.images),
    subjects: reads.flatMap((read) => read.subjects),
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
