import { sourceLocation } from '../../../src/core/index.js';
import { assembleConfiguration, CONFIGURATION_SCHEMA } from '../../../src/templates/packer-hcl/configuration.js';
import { Evaluator } from '../../../src/templates/hcl/evaluate.js';
import { loadHclParser, parseHclBody, parseHclTemplate } from '../../../src/templates/hcl/hcl-parser.js';
import { Budget, sortedEntries, type Value } from '../../../src/templates/hcl/value.js';
import { packerNamespace, PACKER_FUNCTIONS } from '../../../src/templates/packer-hcl/functions.js';

/** A value as plain data: unknowns and errors show their reason, errors also where they are. */
export type Plain = string | number | boolean | null | Plain[] | { [key: string]: Plain };

export function plain(value: Value): Plain {
  switch (value.kind) {
    case 'string':
    case 'number':
    case 'bool':
      return value.value;
    case 'null':
      return null;
    case 'list':
      return value.items.map(plain);
    case 'object':
      return Object.fromEntries(sortedEntries(value).map(([key, entry]) => [key, plain(entry)]));
    case 'unknown':
      return { unknown: value.reason };
    case 'error':
      return { error: value.message, at: value.site === undefined ? '?' : `${value.site.line}:${value.site.column}` };
  }
}

export interface ExpressionOptions {
  readonly cwd?: string;
  readonly pathRoot?: string;
  readonly budget?: number;
}

/** Evaluates `expr` as the value of a local in a file `main.pkr.hcl` (line 2, column 7). */
export async function evaluateExpression(expr: string, options: ExpressionOptions = {}): Promise<Value> {
  const parser = await loadHclParser();
  const parsed = parseHclBody(parser, 'main.pkr.hcl', `locals {\n  r = ${expr}\n}\n`, CONFIGURATION_SCHEMA);
  if (!parsed.ok) throw new Error(`${expr} does not parse: ${parsed.problem.message}`);
  const configuration = assembleConfiguration([{ file: 'main.pkr.hcl', body: parsed.value }], []);
  const local = configuration.locals.get('r');
  if (local === undefined) throw new Error('no local r');
  const evaluator = new Evaluator({
    useEnv: false,
    env: {},
    pathRoot: options.pathRoot ?? '.',
    cwd: options.cwd ?? process.cwd(),
    parseTemplate: (text, loc) => {
      const template = parseHclTemplate(parser, text, loc);
      return template.ok ? template.value : template.problem.message;
    },
    budget: new Budget(options.budget ?? 1_000_000),
    variable: () => undefined,
    locals: configuration.locals,
    namespace: packerNamespace,
    functions: PACKER_FUNCTIONS,
  });
  return evaluator.evaluate(local.expr);
}

/** `evaluateExpression` as plain data. */
export async function run(expr: string, options: ExpressionOptions = {}): Promise<Plain> {
  return plain(await evaluateExpression(expr, options));
}

export const AT = sourceLocation('main.pkr.hcl', 2, 7);
