import { posix } from 'node:path';
import type { ClaimedFile, ReadUnit, TemplateFormat, UnitContext, UnitRead } from '../format.js';
import type { SourceFile, TemplateProblem } from '../model.js';
import { loadHclParser } from '../hcl/hcl-parser.js';
import { BASE_BUDGET, Budget, BUDGET_PER_CHARACTER } from '../hcl/value.js';
import { isJson, ModuleInstance, parseModule, type ReadSession } from './module.js';
import { isAutoVarFile, terraformVariableSources } from './variables.js';

function isTemplate(name: string): boolean {
  return name.endsWith('.tf') || name.endsWith('.tf.json');
}

/**
 * Terraform (issue 9): each folder with `.tf` / `.tf.json` files is read as a root module, with
 * its `terraform.tfvars` and `*.auto.tfvars(.json)`, `--var-file`s that are `.tfvars`, `--var`s
 * and, with --use-env, `TF_VAR_x`; local modules it calls are followed with their arguments.
 * Each instance of `aws_ami_launch_permission`, `aws_snapshot_create_volume_permission` and
 * `aws_imagebuilder_distribution_configuration` is a subject.
 */
export const terraformFormat: TemplateFormat = {
  id: 'terraform',
  reads: '*.tf and *.tf.json files (Terraform)',
  claim(file) {
    if (isTemplate(file.name)) return 'template';
    if (isAutoVarFile(file.name)) return 'companion';
    return undefined;
  },
  group(files) {
    const folders = new Map<string, ClaimedFile[]>();
    for (const file of files) {
      const folder = folders.get(file.folder) ?? [];
      folder.push(file);
      folders.set(file.folder, folder);
    }
    const units: ReadUnit[] = [];
    for (const folder of folders.values()) {
      // Auto var-files alone are no module: Terraform would find no configuration there.
      if (!folder.some((file) => file.claim === 'template')) continue;
      units.push({ format: 'terraform', files: folder.map((file) => file.path), read: readTerraform });
    }
    return units;
  },
};

/** Reads one root module (the given files of one folder) and the local modules it calls. */
export async function readTerraform(files: readonly string[], context: UnitContext): Promise<UnitRead> {
  const parser = await loadHclParser();
  const templates: SourceFile[] = [];
  const autoVarFiles: SourceFile[] = [];
  for (const path of files) {
    const name = posix.basename(path);
    const comments = isJson(path) ? 'hcl-json' : 'hcl';
    if (isTemplate(name)) {
      const file = context.load(path, 'template', comments);
      if (file !== undefined) templates.push(file);
    } else if (isAutoVarFile(name)) {
      const file = context.load(path, 'var-file', comments);
      if (file !== undefined) autoVarFiles.push(file);
    }
  }
  const problems: TemplateProblem[] = [];
  const [first] = files;
  const root = first === undefined ? '.' : posix.dirname(first);
  const size = [...templates, ...autoVarFiles].reduce((total, file) => total + file.text.length, 0);
  const session: ReadSession = { parser, context, problems, budget: new Budget(BASE_BUDGET + BUDGET_PER_CHARACTER * size), root };
  const config = parseModule(session, root, templates);
  const sources = terraformVariableSources(config.variables, { autoVarFiles, variables: context.variables, useEnv: context.useEnv, env: context.env });
  const subjects = new ModuleInstance(session, config, '', sources, undefined, []).subjects();
  // Terraform plans nothing from a configuration it rejects: a problem that is not only
  // amiguard's own limit means no resource is created, and the problem is the finding.
  const refused = problems.some((problem) => problem.unevaluated !== true);
  return { subjects: refused ? [] : subjects, problems };
}
