import { readFileSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { resolve } from 'node:path';
import { InputError, sourceLocation, type ImageSubject, type SuppressionDirective } from '../core/index.js';
import { scanDirectives } from '../suppress/inline.js';
import { discoverTemplates } from './discover.js';
import type { ReadOptions, SourceFile, TemplateImage, TemplateProblem, VariableInput } from './model.js';
import { readPackerHcl } from './packer-hcl/index.js';
import { readPackerJson } from './packer-json/index.js';
import { toImageSubject } from './subject.js';

export * from './model.js';
export { discoverTemplates } from './discover.js';
export { toImageSubject } from './subject.js';

/** Larger files are reported rather than read: no real template comes near this. */
export const MAX_TEMPLATE_BYTES = 64 * 1024 * 1024;

export interface TemplateReadRequest {
  readonly paths: readonly string[];
  readonly cwd: string;
  readonly variables: readonly VariableInput[];
  readonly useEnv: boolean;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Worker threads to read with; by default one per core for large trees, else none. */
  readonly workers?: number;
  /** Templates not to read (`--exclude`, the policy's `exclude:`), by absolute path. */
  readonly exclude?: (absolutePath: string) => boolean;
}

export interface TemplatesRead {
  readonly images: readonly TemplateImage[];
  readonly subjects: readonly ImageSubject[];
  readonly problems: readonly TemplateProblem[];
  /** Every template file read, as shown to the user. */
  readonly artifacts: readonly string[];
  /** The `amiguard-ignore` directives in the files read. */
  readonly directives: readonly SuppressionDirective[];
  /** Templates found but excluded, as shown to the user. */
  readonly excluded: readonly string[];
}

/** One template reading: a legacy JSON file, or one folder's HCL configuration. */
export type ReadUnit =
  | { readonly kind: 'json'; readonly path: string }
  | { readonly kind: 'hcl'; readonly files: readonly string[]; readonly autoVarFiles: readonly string[] };

/** From this many readings on, they are shared out among worker threads, one per core. */
const PARALLEL_FROM = 128;
const MAX_WORKERS = 4;

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
  const workers = request.workers ?? (units.length >= PARALLEL_FROM ? Math.min(availableParallelism(), MAX_WORKERS) : 1);
  const context: ReadContext = { cwd: request.cwd, variables: request.variables, useEnv: request.useEnv, env: request.env };
  const read = workers > 1 ? await readInWorkers(units, context, workers) : await readUnits(units, context);
  return { ...read, subjects: read.images.map(toImageSubject), problems: distinctProblems(read.problems), excluded };
}

export type ReadContext = Omit<TemplateReadRequest, 'paths' | 'workers'>;

export interface UnitsRead {
  readonly images: readonly TemplateImage[];
  readonly problems: readonly TemplateProblem[];
  readonly artifacts: readonly string[];
  readonly directives: readonly SuppressionDirective[];
}

/** Reads the units one after another, in order. */
export async function readUnits(units: readonly ReadUnit[], context: ReadContext): Promise<UnitsRead> {
  return joinReads(await readEachUnit(units, context));
}

/** One result per unit, in order: what a worker thread runs on its share. */
export async function readEachUnit(units: readonly ReadUnit[], context: ReadContext): Promise<UnitsRead[]> {
  const options: ReadOptions = {
    variables: context.variables,
    useEnv: context.useEnv,
    env: context.env,
    readFile: (path) => readVarFile(resolve(context.cwd, path), path),
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
    const directives: SuppressionDirective[] = [];
    const load = (path: string): SourceFile | undefined => {
      artifacts.push(path);
      const loaded = loadSource(resolve(context.cwd, path), path);
      if ('problem' in loaded) {
        problems.push(loaded.problem);
        return undefined;
      }
      directives.push(...scanDirectives(path, loaded.text, unit.kind === 'json' ? 'packer-json' : path.endsWith('.json') ? 'hcl-json' : 'hcl'));
      return loaded;
    };
    let images: readonly TemplateImage[] = [];
    if (unit.kind === 'json') {
      const file = load(unit.path);
      if (file !== undefined) {
        const result = readPackerJson(file, jsonOptions);
        images = result.images;
        problems.push(...result.problems);
      }
    } else {
      const files = unit.files.map(load).filter((file): file is SourceFile => file !== undefined);
      const autoVarFiles = unit.autoVarFiles.map(load).filter((file): file is SourceFile => file !== undefined);
      if (files.length > 0) {
        const result = await readPackerHcl(files, autoVarFiles, options);
        images = result.images;
        problems.push(...result.problems);
      }
    }
    results.push({ images, problems, artifacts, directives });
  }
  return results;
}

function joinReads(reads: readonly UnitsRead[]): UnitsRead {
  return {
    images: reads.flatMap((read) => read.images),
    problems: reads.flatMap((read) => read.problems),
    artifacts: reads.flatMap((read) => read.artifacts),
    directives: reads.flatMap((read) => read.directives),
  };
}

/**
 * Deals the units out to worker threads in turn (JSON templates parse far faster than HCL, so
 * contiguous shares would be uneven), and puts the results back in the units' order, so that
 * the output is the same as a sequential read. Parsing dominates lint time; each worker has its
 * own parser.
 */
async function readInWorkers(units: readonly ReadUnit[], context: ReadContext, workers: number): Promise<UnitsRead> {
  const shares = Array.from({ length: Math.min(workers, units.length) }, (_, worker) => units.filter((_unit, index) => index % workers === worker));
  const results = await Promise.all(shares.map((share) => runWorker(share, { ...context, env: { ...context.env } })));
  return joinReads(units.map((_unit, index) => results[index % workers]?.[Math.floor(index / workers)] ?? { images: [], problems: [], artifacts: [], directives: [] }));
}

function runWorker(units: readonly ReadUnit[], context: ReadContext): Promise<UnitsRead[]> {
  return new Promise((done, fail) => {
    const worker = startReadWorker({ units, context });
    worker.once('message', (result: UnitsRead[]) => {
      done(result);
      void worker.terminate();
    });
    worker.once('error', fail);
    worker.once('exit', (code) => {
      if (code !== 0) fail(new Error(`template reader worker exited with code ${code}`));
    });
  });
}

/** The compiled worker; from source (tests, benchmarks under tsx) the worker registers tsx first. */
function startReadWorker(workerData: { units: readonly ReadUnit[]; context: ReadContext }): Worker {
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL('./read-worker.js', import.meta.url), { workerData });
  const entry = new URL('./read-worker.ts', import.meta.url).href;
  const boot = `import { register } from ${JSON.stringify(import.meta.resolve('tsx/esm/api'))}; register(); await import(${JSON.stringify(entry)});`;
  return new Worker(new URL(`data:text/javascript,${encodeURIComponent(boot)}`), { workerData });
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

function loadSource(absolute: string, path: string): SourceFile | { problem: TemplateProblem } {
  const at = sourceLocation(path, 1, 1);
  let buffer: Buffer;
  try {
    const size = statSync(absolute).size;
    if (size > MAX_TEMPLATE_BYTES) {
      return { problem: { message: `file is ${Math.round(size / 1048576)} MB, over the ${MAX_TEMPLATE_BYTES / 1048576} MB that amiguard reads; not a template`, location: at } };
    }
    buffer = readFileSync(absolute);
  } catch (error) {
    return { problem: { message: `cannot read file: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, location: at } };
  }
  if (buffer.subarray(0, 8192).includes(0)) {
    return { problem: { message: 'binary file (it contains NUL bytes), not a Packer template', location: at } };
  }
  return { path, text: buffer.toString('utf8') };
}

function readVarFile(absolute: string, path: string): string {
  try {
    return readFileSync(absolute, 'utf8');
  } catch (error) {
    throw new InputError(`cannot read var-file ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, { cause: error });
  }
}
