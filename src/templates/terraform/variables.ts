import { basename } from 'node:path';
import type { SourceFile, VariableInput } from '../model.js';
import type { VariableConvention, VariableDeclaration, VariableSource } from '../hcl/variables.js';

/** Terraform leaves an untyped variable `any`: its default is not a type. */
export const TERRAFORM_VARIABLES: VariableConvention = { tool: 'Terraform', refusal: 'Terraform stops before planning' };

/** The var-files Terraform reads itself from the root module's folder. */
export function isAutoVarFile(name: string): boolean {
  return name === 'terraform.tfvars' || name === 'terraform.tfvars.json' || name.endsWith('.auto.tfvars') || name.endsWith('.auto.tfvars.json');
}

/** A `--var-file` that is Terraform's (`.tfvars`, `.tfvars.json`); other formats' var-files are theirs. */
export function isTerraformVarFile(path: string): boolean {
  return path.endsWith('.tfvars') || path.endsWith('.tfvars.json');
}

export interface RootInputs {
  readonly autoVarFiles: readonly SourceFile[];
  readonly variables: readonly VariableInput[];
  readonly useEnv: boolean;
  readonly env: Readonly<Record<string, string | undefined>>;
}

/**
 * The values Terraform gives a root module's variables after their defaults, later winning
 * (https://developer.hashicorp.com/terraform/language/values/variables#variable-definition-precedence):
 * `TF_VAR_x` (with --use-env), `terraform.tfvars`, `terraform.tfvars.json`, the
 * `*.auto.tfvars(.json)` files in lexical order of their names, then `--var` and `--var-file` in
 * command-line order. amiguard reads many roots in one run, so a `--var` for a variable a root
 * does not declare is left to the roots that do (Terraform rejects it for a single root).
 */
export function terraformVariableSources(declarations: ReadonlyMap<string, VariableDeclaration>, inputs: RootInputs): VariableSource[] {
  const sources: VariableSource[] = [];
  if (inputs.useEnv) {
    for (const name of declarations.keys()) {
      const text = inputs.env[`TF_VAR_${name}`];
      if (text !== undefined) sources.push({ kind: 'text', name, text, from: `TF_VAR_${name}` });
    }
  }
  const named = (name: string): SourceFile[] => inputs.autoVarFiles.filter((file) => basename(file.path) === name);
  const auto = inputs.autoVarFiles
    .filter((file) => basename(file.path).includes('.auto.'))
    .sort((a, b) => (basename(a.path) < basename(b.path) ? -1 : basename(a.path) > basename(b.path) ? 1 : 0));
  for (const file of [...named('terraform.tfvars'), ...named('terraform.tfvars.json'), ...auto]) sources.push({ kind: 'file', file });
  for (const input of inputs.variables) {
    if (input.kind === 'var-file') {
      if (isTerraformVarFile(input.path)) sources.push({ kind: 'var-file', path: input.path });
    } else if (input.kind === 'var' && declarations.has(input.name)) {
      sources.push({ kind: 'text', name: input.name, text: input.value, from: `--var ${input.name}` });
    }
  }
  return sources;
}
