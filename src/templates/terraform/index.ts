import { posix } from 'node:path';
import { parse as parseJson } from '@humanwhocodes/momoa';
import type { ReadUnit, TemplateFormat, UnitContext, UnitRead } from '../format.js';
import type { SourceFile, TemplateProblem } from '../model.js';
import { loadHclParser, parseHclTree } from '../hcl/hcl-parser.js';
import { BASE_BUDGET, Budget, BUDGET_PER_CHARACTER } from '../hcl/value.js';
import { markBlocked } from './block-public-access.js';
import { installedModules, isJson, ModuleInstance, parseModule, ROOT_PROVIDERS, type ReadSession } from './module.js';
import { isAutoVarFile, isTerraformVarFile, terraformVariableSources } from './variables.js';

function isTemplate(name: string): boolean {
  return name.endsWith('.tf') || name.endsWith('.tf.json');
}

/**
 * Terraform (issue 9): each folder with `.tf` / `.tf.json` files is read as a root module, with
 * its `terraform.tfvars` and `*.auto.tfvars(.json)`, `--var-file`s that are `.tfvars`, `--var`s
 * and, with --use-env, `TF_VAR_x`; local modules it calls are followed with their arguments.
 * Each instance of `aws_ami_launch_permission`, `aws_snapshot_create_volume_permission` and
 * `aws_imagebuilder_distribution_configuration` is a subject. A launch permission in the region of
 * an `aws_ec2_image_block_public_access` with `state = "block-new-sharing"` is marked
 * `publicLaunchBlocked`: AWS refuses to make the AMI public there.
 */
export const terraformFormat: TemplateFormat = {
  id: 'terraform',
  reads: '*.tf and *.tf.json files (Terraform)',
  claim(file) {
    if (isTemplate(file.name)) return 'template';
    if (isAutoVarFile(file.name)) return file.named ? { refuse: VARIABLES_FILE } : 'companion';
    if (file.named && isTerraformVarFile(file.name)) return { refuse: VARIABLES_FILE };
    return undefined;
  },
  group(files) {
    const folders = new Map<string, { templates: string[]; autoVarFiles: string[] }>();
    for (const file of files) {
      let folder = folders.get(file.folder);
      if (folder === undefined) {
        folder = { templates: [], autoVarFiles: [] };
        folders.set(file.folder, folder);
      }
      (file.claim === 'template' ? folder.templates : folder.autoVarFiles).push(file.path);
    }
    return [...folders.values()]
      // Auto var-files alone are no module: Terraform would find no configuration there.
      .filter((folder) => folder.templates.length > 0)
      .map((folder): ReadUnit => ({
        format: 'terraform',
        files: folder.templates,
        companions: folder.autoVarFiles,
        read: (templates, context) => readTerraform(templates, folder.autoVarFiles, context),
      }));
  },
  orphanReason: 'a Terraform variables file in a folder without *.tf or *.tf.json files',
  parseOnly: parseTerraformOnly,
};

/** Bare parse of the same files without evaluation, the benchmark's baseline: the HCL tree is built and freed, JSON parsed. */
async function parseTerraformOnly(files: readonly SourceFile[]): Promise<void> {
  const parser = await loadHclParser();
  for (const file of files) {
    if (!isJson(file.path)) {
      parseHclTree(parser, file.text);
      continue;
    }
    try {
      parseJson(file.text, { mode: 'json' });
    } catch {
      // Invalid JSON costs its parse all the same; the reader reports it.
    }
  }
}

const VARIABLES_FILE = 'a Terraform variables file, not a configuration: pass it with --var-file';

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
