/**
 * `templatefile(path, vars)` (Packer's `hcl2template/function/templatefile.go`): the file, read
 * like `file()`, is an HCL template that sees only `vars`, not variables or locals, and cannot
 * call `templatefile` again.
 */
import { bind, Evaluator, type EvaluationEnvironment, type Scope } from '../evaluate.js';
import { error, sortedEntries, unknown, type Value } from '../value.js';
import { templateVariablePattern } from '../unicode-patterns.js';
import { readFile } from './files.js';
import { strict, type FunctionSpec } from './spec.js';

export const TEMPLATE_FUNCTIONS: ReadonlyMap<string, FunctionSpec> = new Map<string, FunctionSpec>([
  ['templatefile', strict(2, 2, ([path, vars], call) => {
    const { parseTemplate } = call.environment;
    if (parseTemplate === 'inside-templatefile') return error('function templatefile(): cannot recursively call templatefile from inside another template function');
    if (parseTemplate === undefined) return unknown('function templatefile() is not evaluated here');
    const bytes = readFile('templatefile', path, call);
    if (!Buffer.isBuffer(bytes)) return bytes;
    if (vars?.kind !== 'object') return error('function templatefile(): invalid vars value: must be a map');
    let scope: Scope | undefined;
    for (const [name, value] of sortedEntries(vars)) {
      if (!templateVariablePattern().test(name)) {
        return error(`function templatefile(): invalid template variable name ${JSON.stringify(name)}: must start with a letter, followed by zero or more letters, digits, and underscores`);
      }
      scope = bind(name, value, scope, false);
    }
    let text: string;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch {
      return error('function templatefile(): the template is not valid UTF-8');
    }
    const parsed = parseTemplate(text, call.loc);
    if (typeof parsed === 'string') return error(`function templatefile(): ${parsed}`);
    const environment: EvaluationEnvironment = {
      ...call.environment,
      parseTemplate: 'inside-templatefile',
      variable: (name) => error(`function templatefile(): the template cannot use var.${name}: it sees only the vars argument`),
      locals: new Map(),
    };
    const result: Value = new Evaluator(environment).evaluate(parsed, scope);
    return result;
  })],
]);
