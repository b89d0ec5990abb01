import { HCL_FUNCTIONS, type FunctionSet } from '../hcl/functions.js';
import { LOCAL_NAMESPACE, unknownNamespace, VARIABLE_NAMESPACE, type Namespace } from '../hcl/evaluate.js';
import { at, error, str } from '../hcl/value.js';

/**
 * Packer's functions that amiguard leaves unknown, and why: their value is not in the files,
 * or it cannot shape who may launch an AMI.
 */
export const NOT_EVALUATED: ReadonlyMap<string, string> = new Map([
  ['aws_secretsmanager', 'it reads a secret from AWS Secrets Manager at build time'],
  ['aws_secretsmanager_raw', 'it reads a secret from AWS Secrets Manager at build time'],
  ['vault', 'it reads a secret from HashiCorp Vault at build time'],
  ['consul_key', 'it reads a key from Consul at build time'],
  ['timestamp', 'its value is the time of the build'],
  ['uuidv4', 'its value is random'],
  ['bcrypt', 'its value uses a random salt'],
  ['rsadecrypt', 'it needs a private key'],
  ['formatdate', 'date formatting is not evaluated'],
  ['timeadd', 'date arithmetic is not evaluated'],
  ['legacy_isotime', 'its value is the time of the build'],
  ['legacy_strftime', 'its value is the time of the build'],
  ['rfc3339_parse', 'date parsing is not evaluated'],
  ['unix_timestamp_parse', 'date parsing is not evaluated'],
  ['cidrhost', 'network address functions are not evaluated'],
  ['cidrnetmask', 'network address functions are not evaluated'],
  ['cidrsubnet', 'network address functions are not evaluated'],
  ['cidrsubnets', 'network address functions are not evaluated'],
  ['base64gzip', "its bytes depend on Go's gzip encoder"],
  ['textencodebase64', 'character set conversion is not evaluated'],
  ['textdecodebase64', 'character set conversion is not evaluated'],
  ['yamlencode', "its text depends on go-cty-yaml's layout"],
]);

/** Packer's functions (hcl2template/functions.go): every one amiguard evaluates. */
export const FUNCTIONS = HCL_FUNCTIONS;

export const PACKER_FUNCTIONS: FunctionSet = { tool: 'Packer', specs: FUNCTIONS, notEvaluated: NOT_EVALUATED };

/** `path.root` and `path.cwd`. */
const PATH_NAMESPACE: Namespace = {
  depth: 1,
  resolve: ([name = ''], loc, evaluator) => {
    if (name === 'root') return { value: str(evaluator.pathRoot, loc) };
    if (name === 'cwd') return { value: str(evaluator.cwd, loc) };
    return { value: at(error(`path.${name} does not exist (path.root and path.cwd do)`), loc) };
  },
};

/** Packer's namespaces; `source.x` and `build.x` are known only while Packer builds. */
const PACKER_NAMESPACES: ReadonlyMap<string, Namespace> = new Map([
  ['var', VARIABLE_NAMESPACE],
  ['local', LOCAL_NAMESPACE],
  ['path', PATH_NAMESPACE],
  ['data', unknownNamespace(2, (names) => `data source data.${names.join('.')} is not evaluated`)],
  ['source', unknownNamespace(1, ([name = '']) => `source.${name} is only known inside a source or a build`)],
  ['build', unknownNamespace(1, ([name = '']) => `build.${name} is only known during the build`)],
  ['packer', unknownNamespace(1, ([name = '']) => `packer.${name} is not evaluated`)],
]);

export function packerNamespace(root: string): Namespace | undefined {
  return PACKER_NAMESPACES.get(root);
}
