import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { InputError, sourceLocation, type SourceLocation } from '../../../src/core/index.js';
import type { EvaluatedItem, ReadOptions, TemplateImage, TemplateReadResult, VariableInput } from '../../../src/templates/model.js';
import { readPackerJson } from '../../../src/templates/packer-json/index.js';

export const FIXTURES = join(import.meta.dirname, '../../fixtures/templates/packer-json');

/** Reads var-files relative to `dir`, failing the way the CLI's reader does. */
export function fileReader(dir: string): (path: string) => string {
  return (path) => {
    try {
      return readFileSync(join(dir, path), 'utf8');
    } catch (error) {
      throw new InputError(`cannot read var-file ${path}`, { cause: error });
    }
  };
}

export function options(overrides: Partial<ReadOptions> = {}): ReadOptions {
  return { variables: [], useEnv: false, env: {}, readFile: fileReader(FIXTURES), ...overrides };
}

export function readText(path: string, text: string, readOptions: ReadOptions = options()): TemplateReadResult {
  return readPackerJson({ path, text }, readOptions);
}

export function readFixture(name: string, readOptions: ReadOptions = options()): TemplateReadResult {
  return readText(name, readFileSync(join(FIXTURES, name), 'utf8'), readOptions);
}

export function varFiles(...paths: string[]): VariableInput[] {
  return paths.map((path) => ({ kind: 'var-file', path }));
}

/** `"all"`, or `?` + reason: what a field evaluated to, compactly. */
export function values(image: TemplateImage | undefined, field: keyof TemplateImage['fields']): string[] | undefined {
  return image?.fields[field]?.items.map(describeItem);
}

export function describeItem(item: EvaluatedItem): string {
  return item.kind === 'known' ? item.value : `?${item.reason}`;
}

export function at(file: string, line: number, column: number, endLine: number, endColumn: number): SourceLocation {
  return sourceLocation(file, line, column, endLine, endColumn);
}

export function only<T>(list: readonly T[]): T {
  if (list.length !== 1) throw new Error(`expected exactly one element, found ${list.length}`);
  const [first] = list;
  if (first === undefined) throw new Error('expected a defined element');
  return first;
}
