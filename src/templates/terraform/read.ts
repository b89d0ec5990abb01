import { posix } from 'node:path';
import { parse as parseJson } from '@humanwhocodes/momoa';
import type { UnitContext, UnitRead } from '../format.js';
import type { SourceFile, TemplateProblem } from '../model.js';
import { loadHclParser } from '../hcl/hcl-parser.js';
import { readHclBody } from '../hcl/parser/index.js';
import type { BodySchema } from '../hcl/syntax.js';
import { BASE_BUDGET, Budget, BUDGET_PER_CHARACTER } from '../hcl/value.js';
import { markBlocked } from './block-public-access.js';
import { installedModules, isJson, ModuleInstance, parseModule, ROOT_PROVIDERS, type ReadSession } from './module.js';
import { terraformVariableSources } from './variables.js';

const NOTHING: BodySchema = { attributes: new Set(), blocks: new Map() };

/** Bare parse of the same files without evaluation, the benchmark's baseline: the parser in use checks the text and keeps nothing, as Packer's baseline does. */
export async function parseTerraformOnly(files: readonly SourceFile[]): Promise<void> {
  for (const file of files) {
    if (!isJson(file.path)) {
      readHclBody(file.path, file.text, NOTHING);
      continue;
    }
    try {
      parseJson(file.text, { mode: 'json' });
    } catch {
      // Invalid JSON costs its parse all the same; the reader reports it.
    }
  }
}


/**
 * Reads one root module (the given files of one folder, with its auto var-files) and the local
 * modules it calls.
 */
export async function readTerraform(files: readonly string[], autoVarPaths: readonly string[], context: UnitContext): Promise<UnitRead> {
  const parser = await loadHclParser();
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
