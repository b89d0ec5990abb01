import { posix } from 'node:path';
import type { UnitContext, UnitRead } from '../format.js';
import type { SourceFile, TemplateProblem } from '../model.js';
import { withHclParser, type HclTreeParser } from '../hcl/hcl-parser.js';
import { BASE_BUDGET, Budget, BUDGET_PER_CHARACTER } from '../hcl/value.js';
import { markBlocked } from './block-public-access.js';
import { installedModules, isJson, ModuleInstance, parseModule, ROOT_PROVIDERS, type ReadSession } from './module.js';
import { terraformVariableSources } from './variables.js';



/**
 * Reads one root module (the given files of one folder, with its auto var-files) and the local
 * modules it calls.
 */
export function readTerraform(files: readonly string[], autoVarPaths: readonly string[], context: UnitContext): Promise<UnitRead> {
  // Read twice when tree-sitter is needed: `context.load` records each file once, however often it is loaded.
  return withHclParser((parser) => readWith(parser, files, autoVarPaths, context));
}

function readWith(parser: HclTreeParser, files: readonly string[], autoVarPaths: readonly string[], context: UnitContext): UnitRead {
  const load = (path: string, kind: 'template' | 'var-file'): SourceFile[] => {
    const file = context.load(path, kind, isJson(path) ? 'hcl-json' : 'hcl');
    return file === undefined ? [] : [file];
  };
  const templates = files.flatMap((path) => load(path, 'template'));
  const autoVarFiles = autoVarPaths.flatMap((path) => load(path, 'var-file'));
  const problems: TemplateProblem[] = [];
  const [first] = files;
  const root = first === undefined ? '.' : posix.dirname(first);
  const size = [...templates, ...autoVarFiles].reduce((total, file) => total + file.text.length, 0);
  let installed: ReadonlyMap<string, string> | undefined;
  const session: ReadSession = {
    parser,
    context,
    problems,
    budget: new Budget(BASE_BUDGET + BUDGET_PER_CHARACTER * size),
    root,
    installed: () => (installed ??= installedModules(root, context)),
    images: new Map(),
    blocks: [],
    awsConfigurations: new Set(),
  };
  const config = parseModule(session, root, templates);
  const sources = terraformVariableSources(config.variables, { autoVarFiles, variables: context.variables, useEnv: context.useEnv, env: context.env });
  const placed = new ModuleInstance(session, config, '', '', sources, undefined, [], ROOT_PROVIDERS).subjects();
  const subjects = markBlocked(placed, session.blocks, session.awsConfigurations);
  // Terraform plans nothing from a configuration it rejects: a problem that is not only
  // amiguard's own limit means no resource is created, and the problem is the finding.
  const refused = problems.some((problem) => problem.unevaluated !== true);
  return { subjects: refused ? [] : subjects, problems };
}
