import { dirname } from 'node:path';
import { sourceLocation, type SourceLocation } from '../../core/index.js';
import { selectBuilds } from './build-filter.js';
import { refusedByPacker, type ReadOptions, type SourceFile, type TemplateProblem, type TemplateReadResult } from '../model.js';
import { assembleConfiguration, CONFIGURATION_SCHEMA } from './configuration.js';
import { Evaluator, type EvaluationEnvironment } from '../hcl/evaluate.js';
import { parseHclBody, parseHclTemplate, withHclParser, type HclTreeParser } from '../hcl/hcl-parser.js';
import { parseHclJson } from '../hcl/json-syntax.js';
import type { Attribute, Body } from '../hcl/syntax.js';
import { at, BASE_BUDGET, Budget, BUDGET_PER_CHARACTER, unknown } from '../hcl/value.js';
import { VariableValues } from '../hcl/variables.js';
import { packerNamespace, PACKER_FUNCTIONS } from './functions.js';
import { collectImages } from './images.js';
import { packerVariableSources, PACKER_VARIABLES } from './variables.js';

/**
 * Reads one Packer HCL2 configuration (the `*.pkr.hcl` and `*.pkr.json` files of a folder) and
 * returns every AMI-producing source as it is built, with its sharing fields evaluated and
 * located. Syntax errors and unusable inputs are problems, never exceptions; a configuration
 * Packer refuses before building (any problem but an unevaluated part) makes no image.
 */
export function readPackerHcl(files: readonly SourceFile[], autoVarFiles: readonly SourceFile[], options: ReadOptions): Promise<TemplateReadResult> {
  return withHclParser((parser) => readWith(parser, files, autoVarFiles, options));
}

function readWith(parser: HclTreeParser, files: readonly SourceFile[], autoVarFiles: readonly SourceFile[], options: ReadOptions): TemplateReadResult {
  const problems: TemplateProblem[] = [];
  const bodies: { file: string; body: Body }[] = [];
  // Packer reads a folder's files in lexical order.
  const sorted = [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  for (const file of sorted) {
    const parsed = isJson(file.path)
      ? parseHclJson(parser, file.path, file.text, CONFIGURATION_SCHEMA)
      : parseHclBody(parser, file.path, file.text, CONFIGURATION_SCHEMA);
    if (parsed.ok) bodies.push({ file: file.path, body: parsed.value });
    else problems.push(parsed.problem);
  }
  const configuration = assembleConfiguration(bodies, problems);

  const size = files.reduce((total, file) => total + file.text.length, 0);
  const base = {
    useEnv: options.useEnv,
    env: options.env,
    pathRoot: sorted[0] === undefined ? '.' : dirname(sorted[0].path),
    cwd: options.cwd ?? process.cwd(),
    parseTemplate: (text: string, loc: SourceLocation) => {
      const parsed = parseHclTemplate(parser, text, loc);
      return parsed.ok ? parsed.value : parsed.problem.message;
    },
    budget: new Budget(BASE_BUDGET + BUDGET_PER_CHARACTER * size),
    namespace: packerNamespace,
    functions: PACKER_FUNCTIONS,
  };
  // Defaults and var-files are values, not expressions over other variables.
  const literalEnvironment: EvaluationEnvironment = {
    ...base,
    variable: (name) => at(unknown(`var.${name} cannot be used in a variable's value`), undefined),
    locals: undefined,
  };
  const variables = new VariableValues(
    {
      parser,
      declarations: configuration.variables,
      sources: packerVariableSources(configuration.variables, autoVarFiles, options),
      convention: PACKER_VARIABLES,
      readFile: options.readFile,
      problems,
    },
    new Evaluator(literalEnvironment),
  );
  const evaluator = new Evaluator({ ...base, variable: (name) => variables.value(name), locals: configuration.locals });
  const selection = options.builds === undefined ? undefined : selectBuilds(options.builds);
  if (selection !== undefined && 'invalid' in selection) {
    problems.push({ message: selection.invalid, location: sourceLocation(sorted[0]?.path ?? '.', 1, 1) });
  }
  const images = collectImages(configuration, evaluator, problems, selection === undefined || 'invalid' in selection ? undefined : selection);
  reportFailingLocals(configuration.locals, evaluator, problems);
  return { images: refusedByPacker(problems) ? [] : images, problems };
}

/**
 * Packer evaluates every local before it builds, whether a source uses it or not: one that fails
 * (a type error, a function argument it rejects) stops the build.
 */
function reportFailingLocals(locals: ReadonlyMap<string, Attribute>, evaluator: Evaluator, problems: TemplateProblem[]): void {
  // Only the error matters here: a local no source uses is not kept once checked.
  for (const [name, definition] of locals) {
    const value = evaluator.local(name, false);
    if (value?.kind === 'error') problems.push({ message: `local.${name}: ${value.message}`, location: value.site ?? definition.expr.loc });
  }
}

function isJson(path: string): boolean {
  return path.endsWith('.json');
}
