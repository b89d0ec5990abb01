import type { ReadUnit, TemplateFormat } from '../format.js';
import { isAutoVarFile, isTerraformVarFile } from './variables.js';

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
        read: async (templates, context) => (await import('./read.js')).readTerraform(templates, folder.autoVarFiles, context),
      }));
  },
  orphanReason: 'a Terraform variables file in a folder without *.tf or *.tf.json files',
  // The reader is loaded when a Terraform file is read: linting a Packer folder never loads it.
  parseOnly: async (files) => (await import('../hcl/parse-only.js')).parseHclOnly(files),
};

const VARIABLES_FILE = 'a Terraform variables file, not a configuration: pass it with --var-file';
