import type { ReadOptions, SourceFile } from '../model.js';
import { DYNAMIC, type TypeSpec } from '../hcl/types.js';
import type { Value } from '../hcl/value.js';
import type { VariableConvention, VariableDeclaration, VariableSource } from '../hcl/variables.js';

export const PACKER_VARIABLES: VariableConvention = {
  tool: 'Packer',
  refusal: 'Packer stops before building',
  typeOfDefault: (value, declaration) => typeOfValue(value, declaration.shorthand),
};

/**
 * The values Packer gives variables after their defaults, in its order (hcl2template
 * collectInputVariableValues), later winning: `PKR_VAR_x` (with --use-env), the
 * `*.auto.pkrvars.hcl` files then the `*.auto.pkrvars.json` files (each in lexical order), the
 * `--var-file`s in command-line order, and last every `--var`, wherever it stands on the command line.
 */
export function packerVariableSources(
  declarations: ReadonlyMap<string, VariableDeclaration>,
  autoVarFiles: readonly SourceFile[],
  options: ReadOptions,
): VariableSource[] {
  const sources: VariableSource[] = [];
  if (options.useEnv) {
    for (const name of declarations.keys()) {
      const text = options.env[`PKR_VAR_${name}`];
      if (text !== undefined) sources.push({ kind: 'text', name, text, from: `PKR_VAR_${name}` });
    }
  }
  const byPath = (a: SourceFile, b: SourceFile): number => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);
  const autoHcl = autoVarFiles.filter((file) => !file.path.endsWith('.json')).sort(byPath);
  const autoJson = autoVarFiles.filter((file) => file.path.endsWith('.json')).sort(byPath);
  for (const file of [...autoHcl, ...autoJson]) sources.push({ kind: 'file', file });
  for (const input of options.variables) if (input.kind === 'var-file') sources.push({ kind: 'var-file', path: input.path });
  for (const input of options.variables) if (input.kind === 'var') sources.push({ kind: 'text', name: input.name, text: input.value, from: `--var ${input.name}` });
  return sources;
}

/**
 * The cty type of a default value, as Packer gives an untyped variable: a list default makes
 * the variable a tuple of that length, a string default a string. `null`, `[]` and `{}` leave it
 * dynamic, except in the older `variables { }` block, which always takes the default's type.
 */
function typeOfValue(value: Value, keepEmpty: boolean): TypeSpec {
  switch (value.kind) {
    case 'string':
    case 'number':
    case 'bool':
      return { kind: value.kind };
    case 'list':
      if (value.items.length === 0 && !keepEmpty) return DYNAMIC;
      return { kind: 'tuple', elements: value.items.map((item) => typeOfValue(item, true)) };
    case 'object': {
      if (value.entries.size === 0 && !keepEmpty) return DYNAMIC;
      const attributes = new Map<string, { type: TypeSpec; optional: boolean }>();
      for (const [key, entry] of value.entries) attributes.set(key, { type: typeOfValue(entry, true), optional: false });
      return { kind: 'object', attributes };
    }
    default:
      return DYNAMIC;
  }
}
