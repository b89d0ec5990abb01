import { HCL_FUNCTIONS, type FunctionSet } from '../hcl/functions.js';
import { argumentError, needList, strict, type FunctionSpec } from '../hcl/functions/spec.js';
import { convert, describeType, DYNAMIC, type TypeSpec } from '../hcl/types.js';
import { equal, error, list, NULL } from '../hcl/value.js';

/**
 * Packer's functions that Terraform does not have: a configuration calling them is one
 * Terraform rejects (`Call to unknown function`).
 */
const PACKER_ONLY: ReadonlySet<string> = new Set(['env', 'convert', 'regex_replace', 'aws_secretsmanager', 'aws_secretsmanager_raw', 'vault', 'consul_key', 'legacy_isotime', 'legacy_strftime']);

/** `tolist(x)` and the like: cty's conversion to the type, an error when it does not convert. */
function conversion(name: string, type: TypeSpec): FunctionSpec {
  return {
    minArgs: 1,
    maxArgs: 1,
    mode: 'lenient',
    run: ([value]) => {
      if (value === undefined) return error(`function ${name}() needs an argument`);
      const converted = convert(value, type);
      if ('mismatch' in converted) return argumentError(name, 1, `cannot convert to ${describeType(type)}: ${converted.mismatch}`);
      return converted.value;
    },
  };
}

/** Terraform's functions that Packer lacks, as far as they can shape a grant. */
const TERRAFORM_ONLY: ReadonlyMap<string, FunctionSpec> = new Map<string, FunctionSpec>([
  ['tolist', conversion('tolist', { kind: 'list', element: DYNAMIC })],
  ['toset', conversion('toset', { kind: 'set', element: DYNAMIC })],
  ['tomap', conversion('tomap', { kind: 'map', element: DYNAMIC })],
  ['tostring', conversion('tostring', { kind: 'string' })],
  ['tonumber', conversion('tonumber', { kind: 'number' })],
  ['tobool', conversion('tobool', { kind: 'bool' })],
  // Sensitivity only hides a value in Terraform's output; the value is the same.
  ['sensitive', { minArgs: 1, maxArgs: 1, mode: 'lenient', run: ([value]) => value ?? NULL }],
  ['nonsensitive', { minArgs: 1, maxArgs: 1, mode: 'lenient', run: ([value]) => value ?? NULL }],
  ['one', {
    minArgs: 1,
    maxArgs: 1,
    mode: 'lenient',
    run: ([input]) => {
      const value = needList('one', input, 1);
      if (value.kind !== 'list') return value;
      if (value.items.some((item) => item.kind === 'unknown' && item.spread === true)) {
        return value.items.find((item) => item.kind === 'unknown') ?? NULL;
      }
      if (value.items.length > 1) return argumentError('one', 1, 'must be a list, set, or tuple value with either zero or one elements');
      return value.items[0] ?? NULL;
    },
  }],
  ['setsubtract', strict(2, 2, ([a, b]) => {
    const from = needList('setsubtract', a, 1);
    const without = needList('setsubtract', b, 2);
    if (from.kind !== 'list') return from;
    if (without.kind !== 'list') return without;
    return list(from.items.filter((item) => !without.items.some((other) => equal(item, other))));
  })],
]);

/** Terraform's functions amiguard leaves unknown, and why. */
const TERRAFORM_NOT_EVALUATED: ReadonlyMap<string, string> = new Map([
  ['timestamp', 'its value is the time of the apply'],
  ['plantimestamp', 'its value is the time of the plan'],
  ['uuid', 'its value is random'],
  ['bcrypt', 'its value uses a random salt'],
  ['rsadecrypt', 'it needs a private key'],
  ['formatdate', 'date formatting is not evaluated'],
  ['timeadd', 'date arithmetic is not evaluated'],
  ['timecmp', 'date comparison is not evaluated'],
  ['cidrhost', 'network address functions are not evaluated'],
  ['cidrnetmask', 'network address functions are not evaluated'],
  ['cidrsubnet', 'network address functions are not evaluated'],
  ['cidrsubnets', 'network address functions are not evaluated'],
  ['base64gzip', "its bytes depend on Go's gzip encoder"],
  ['base64sha256', 'hashes are not evaluated'],
  ['base64sha512', 'hashes are not evaluated'],
  ['filemd5', 'hashes are not evaluated'],
  ['filesha1', 'hashes are not evaluated'],
  ['filesha256', 'hashes are not evaluated'],
  ['filesha512', 'hashes are not evaluated'],
  ['filebase64sha256', 'hashes are not evaluated'],
  ['filebase64sha512', 'hashes are not evaluated'],
  ['textencodebase64', 'character set conversion is not evaluated'],
  ['textdecodebase64', 'character set conversion is not evaluated'],
  ['yamlencode', "its text depends on go-cty-yaml's layout"],
  ['templatestring', 'a template given as a value is not evaluated'],
  ['matchkeys', 'it is not evaluated'],
  ['transpose', 'it is not evaluated'],
  ['type', 'it is for the console only'],
  ['issensitive', 'sensitivity is not tracked'],
  ['ephemeralasnull', 'ephemeral values are not tracked'],
]);

/** Terraform's function set (Terraform 1.x `lang/functions.go`) as far as amiguard evaluates it. */
export const TERRAFORM_FUNCTIONS: FunctionSet = {
  tool: 'Terraform',
  specs: new Map<string, FunctionSpec>([...[...HCL_FUNCTIONS].filter(([name]) => !PACKER_ONLY.has(name)), ...TERRAFORM_ONLY]),
  notEvaluated: TERRAFORM_NOT_EVALUATED,
  namespaced: 'provider-defined functions run in the provider plugin',
};

