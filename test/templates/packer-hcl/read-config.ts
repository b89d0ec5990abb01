import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { InputError, type SourceLocation } from '../../../src/core/index.js';
import type { EvaluatedItem, ReadOptions, SharingField, SourceFile, TemplateImage, TemplateReadResult } from '../../../src/templates/model.js';
import { readPackerHcl } from '../../../src/templates/packer-hcl/index.js';

export const FIXTURES = join(import.meta.dirname, '../../fixtures/templates/packer-hcl');

/** Reads var-files from an in-memory map, failing the way the CLI's reader does. */
export function memoryReader(files: Readonly<Record<string, string>>): (path: string) => string {
  return (path) => {
    const text = files[path];
    if (text === undefined) throw new InputError(`cannot read var-file ${path}: ENOENT`);
    return text;
  };
}

export function options(overrides: Partial<ReadOptions> = {}): ReadOptions {
  return { variables: [], useEnv: false, env: {}, readFile: memoryReader({}), ...overrides };
}

function sources(files: Readonly<Record<string, string>>): SourceFile[] {
  return Object.entries(files).map(([path, text]) => ({ path, text }));
}

/**
 * Reads in-memory files as one configuration; `autoVarFiles` are the folder's *.auto.pkrvars.*.
 * A source no build uses is never built: when the HCL files have no `build` block, most tests
 * being about evaluation, a `zz-build.pkr.hcl` builds every amazon source they declare.
 */
export function readFiles(
  files: Readonly<Record<string, string>>,
  readOptions: ReadOptions = options(),
  autoVarFiles: Readonly<Record<string, string>> = {},
): Promise<TemplateReadResult> {
  return readPackerHcl(sources(withBuild(files)), sources(autoVarFiles), readOptions);
}

/** Reads the files exactly as given, without adding a build. */
export function readFilesAsGiven(
  files: Readonly<Record<string, string>>,
  readOptions: ReadOptions = options(),
  autoVarFiles: Readonly<Record<string, string>> = {},
): Promise<TemplateReadResult> {
  return readPackerHcl(sources(files), sources(autoVarFiles), readOptions);
}

/** The sources of a `*.pkr.json` file that parses as JSON (`{"source": {"amazon-ebs": {"x": ...}}}`). */
function jsonSourceNames(text: string): string[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return [];
  }
  const sourcesOf = (value: unknown): Record<string, unknown> => (typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {});
  return Object.entries(sourcesOf(sourcesOf(parsed)['source'])).flatMap(([type, named]) =>
    Object.keys(sourcesOf(named)).map((name) => `"source.${type}.${name}"`),
  );
}

function withBuild(files: Readonly<Record<string, string>>): Readonly<Record<string, string>> {
  const texts = Object.values(files);
  if (texts.some((text) => /^\s*build\s*\{|"build"\s*:/m.test(text))) return files;
  const names = Object.entries(files).flatMap(([path, text]) =>
    path.endsWith('.json')
      ? jsonSourceNames(text)
      : [...text.matchAll(/^\s*source\s+"(amazon-[a-z]+)"\s+"([^"]+)"/gm)].map((match) => `"source.${match[1] ?? ''}.${match[2] ?? ''}"`),
  );
  if (names.length === 0) return files;
  return { ...files, 'zz-build.pkr.hcl': `build {\n  sources = [${names.join(', ')}]\n}\n` };
}

/** One configuration file plus a source block with the given body, read on its own. */
export function readSource(body: string, prelude = '', readOptions: ReadOptions = options()): Promise<TemplateReadResult> {
  return readFiles({ 'main.pkr.hcl': `${prelude}\nsource "amazon-ebs" "x" {\n${body}\n}\n` }, readOptions);
}

/** A fixture folder under test/fixtures/templates/packer-hcl, its var-files read from the folder. */
export function readFixture(folder: string, overrides: Partial<ReadOptions> = {}): Promise<TemplateReadResult> {
  const dir = join(FIXTURES, folder);
  const names = readdirSync(dir).sort();
  const load = (name: string): SourceFile => ({ path: name, text: readFileSync(join(dir, name), 'utf8') });
  const configuration = names.filter((name) => name.endsWith('.pkr.hcl') || name.endsWith('.pkr.json')).map(load);
  const auto = names.filter((name) => /\.auto\.pkrvars\.(hcl|json)$/.test(name)).map(load);
  const readFile = (path: string): string => {
    try {
      return readFileSync(join(dir, path), 'utf8');
    } catch (error) {
      throw new InputError(`cannot read var-file ${path}`, { cause: error });
    }
  };
  return readPackerHcl(configuration, auto, options({ readFile, ...overrides }));
}

/** `"all"`, or `?` + reason: what a field evaluated to, compactly. */
export function values(image: TemplateImage | undefined, field: SharingField): string[] | undefined {
  return image?.fields[field]?.items.map(describeItem);
}

export function describeItem(item: EvaluatedItem): string {
  return item.kind === 'known' ? item.value : `?${item.reason}`;
}

/** `file:line:column-endLine:endColumn`, to compare locations in one string. */
export function span(location: SourceLocation | undefined): string | undefined {
  if (location === undefined) return undefined;
  return `${location.file}:${location.line}:${location.column}-${location.endLine}:${location.endColumn}`;
}

export function imageNamed(result: TemplateReadResult, name: string): TemplateImage {
  const image = result.images.find((candidate) => candidate.name === name);
  if (image === undefined) throw new Error(`no image named ${name}; found ${result.images.map((candidate) => candidate.name).join(', ')}`);
  return image;
}

export function only<T>(list: readonly T[]): T {
  if (list.length !== 1) throw new Error(`expected exactly one element, found ${list.length}`);
  const [first] = list;
  if (first === undefined) throw new Error('expected a defined element');
  return first;
}
