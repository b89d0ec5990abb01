import type { UnitContext } from '../format.js';
import type { ParameterValue } from './evaluate.js';
import { child, type CfnNode } from './tree.js';

/**
 * The parameter values given on the command line, in CloudFormation's own terms: `--var name=value`
 * and `--var-file` files in the formats `aws cloudformation` and CodePipeline take,
 * `[{"ParameterKey": "K", "ParameterValue": "V"}]` or `{"Parameters": {"K": "V"}}`. Later wins, as
 * on the command line; var-files of other formats (tfvars, Packer's) are not CloudFormation's and
 * are left alone.
 */
export function givenParameters(context: UnitContext): ReadonlyMap<string, ParameterValue> {
  const given = new Map<string, ParameterValue>();
  for (const input of context.variables) {
    if (input.kind === 'var' || input.kind === 'parameter') {
      given.set(input.name, { value: input.value, source: `--${input.kind}` });
      continue;
    }
    if (!input.path.toLowerCase().endsWith('.json')) continue;
    for (const [name, value] of parseParametersFile(context.readVarFile(input.path))) {
      given.set(name, { value, source: input.path });
    }
  }
  return given;
}

/** The entries of a CloudFormation parameters file; none when the file is some other format's. */
export function parseParametersFile(text: string): [string, string][] {
  let data: unknown;
  try {
    data = JSON.parse(text.startsWith('\uFEFF') ? text.slice(1) : text) as unknown;
  } catch {
    return [];
  }
  if (Array.isArray(data)) {
    return data.flatMap((item: unknown): [string, string][] => {
      if (typeof item !== 'object' || item === null) return [];
      const { ParameterKey: key, ParameterValue: value } = item as Record<string, unknown>;
      return typeof key === 'string' && value !== undefined ? [[key, asText(value)]] : [];
    });
  }
  if (typeof data === 'object' && data !== null) {
    const parameters = (data as Record<string, unknown>).Parameters;
    if (typeof parameters === 'object' && parameters !== null && !Array.isArray(parameters)) {
      return Object.entries(parameters).map(([key, value]): [string, string] => [key, asText(value)]);
    }
  }
  return [];
}

/** A list given for a list parameter is its comma-separated form, as CloudFormation takes it. */
function asText(value: unknown): string {
  if (Array.isArray(value)) return value.map(asText).join(',');
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** A parameter's value: given, or its `Default`, or undefined when it has neither. */
export function parameterLookup(parameters: CfnNode | undefined, given: ReadonlyMap<string, ParameterValue>): (name: string) => ParameterValue | undefined {
  return (name) => {
    const value = given.get(name);
    if (value !== undefined) return value;
    const fallback = child(child(parameters, name), 'Default');
    if (fallback === undefined) return undefined;
    if (fallback.kind === 'scalar') return { value: fallback.value, origin: fallback.location, source: 'Default' };
    // A list written as a YAML sequence stands for its comma-separated form.
    if (fallback.kind === 'list') {
      return { value: fallback.items.map((item) => (item.kind === 'scalar' ? item.value : '')).join(','), origin: fallback.location, source: 'Default' };
    }
    return undefined;
  };
}
