import { dirname } from 'node:path';
import type { ClaimedFile, ReadUnit, TemplateFormat, UnitContext, UnitRead } from '../format.js';
import type { ReadOptions, SourceFile, VariableInput } from '../model.js';

const TEMPLATE = /\.pkr\.(?:hcl|json)$/;
const AUTO_VAR_FILE = /\.auto\.pkrvars\.(?:hcl|json)$/;
const VAR_FILE = /\.pkrvars\.(?:hcl|json)$/;

/** Packer HCL2: a folder's `*.pkr.hcl` / `*.pkr.json` with its auto var-files, as `packer build <folder>` reads them. */
export const packerHclFormat: TemplateFormat = {
  id: 'packer-hcl',
  reads: '*.pkr.hcl and *.pkr.json files (Packer HCL2)',
  claim(file) {
    if (AUTO_VAR_FILE.test(file.name)) return file.named ? { refuse: VARIABLES_FILE } : 'companion';
    if (VAR_FILE.test(file.name)) return file.named ? { refuse: VARIABLES_FILE } : undefined;
    if (TEMPLATE.test(file.name)) return 'template';
    // `packer build x.hcl` reads any .hcl file it is given.
    if (file.named && file.name.endsWith('.hcl')) return 'template';
    return undefined;
  },
  group: groupByFolder,
  // The reader (the HCL engine, its parsers and functions) is loaded when an HCL file is read.
  parseOnly: async (files) => (await import('../hcl/parse-only.js')).parseHclOnly(files),
  orphanReason: 'an auto var-file in a folder without *.pkr.hcl or *.pkr.json',
};

const VARIABLES_FILE = 'a variables file, not a template: pass it with --var-file';

/**
 * One unit per folder; a file named on the command line is read alone, without its folder's
 * auto var-files, as `packer build x.pkr.hcl` reads it.
 */
function groupByFolder(files: readonly ClaimedFile[]): ReadUnit[] {
  const folders = new Map<string, { templates: string[]; autoVarFiles: string[] }>();
  const singles: string[] = [];
  for (const file of files) {
    if (file.claim === 'template' && file.named) {
      singles.push(file.path);
      continue;
    }
    let folder = folders.get(file.folder);
    if (folder === undefined) {
      folder = { templates: [], autoVarFiles: [] };
      folders.set(file.folder, folder);
    }
    (file.claim === 'template' ? folder.templates : folder.autoVarFiles).push(file.path);
  }
  const units = [...folders.values()]
    .filter((folder) => folder.templates.length > 0)
    .map((folder) => unit(folder.templates, folder.autoVarFiles));
  for (const path of singles) units.push(unit([path], []));
  // By folder, as `packer build` is run: the folder's shown path, then the first file.
  const key = (entry: ReadUnit): string => `${dirname(entry.files[0] ?? '')}\u0000${entry.files[0] ?? ''}`;
  return units.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

function unit(templates: readonly string[], autoVarFiles: readonly string[]): ReadUnit {
  return {
    format: 'packer-hcl',
    files: templates,
    companions: autoVarFiles,
    read: (files, context) => readUnit(files, autoVarFiles, context),
  };
}

async function readUnit(templates: readonly string[], autoVarFiles: readonly string[], context: UnitContext): Promise<UnitRead> {
  const files = loaded(templates.map((path) => context.load(path, 'template', path.endsWith('.json') ? 'hcl-json' : 'hcl')));
  const varFiles = loaded(autoVarFiles.map((path) => context.load(path, 'var-file', path.endsWith('.json') ? 'hcl-json' : 'hcl')));
  if (files.length === 0) return { subjects: [], problems: [] };
  const [{ readPackerHcl }, { toImageSubject }] = await Promise.all([import('./index.js'), import('../subject.js')]);
  const result = await readPackerHcl(files, varFiles, packerOptions(context, isPackerHclVarFile));
  return { images: result.images, subjects: result.images.map(toImageSubject), problems: result.problems };
}

/** Var-files of other tools (Terraform's .tfvars, Ansible's and CloudFormation's YAML) are not Packer's. */
function isPackerHclVarFile(path: string): boolean {
  return !/\.tfvars(?:\.json)?$|\.ya?ml$/.test(path);
}

/** The run's inputs as Packer's readers take them, with only the var-files `accepts`. */
export function packerOptions(context: UnitContext, accepts: (path: string) => boolean): ReadOptions {
  return {
    variables: context.variables.filter((input: VariableInput) => input.kind === 'var' || (input.kind === 'var-file' && accepts(input.path))),
    useEnv: context.useEnv,
    env: context.env,
    readFile: (path) => context.readVarFile(path),
    cwd: context.cwd,
    ...(context.builds === undefined ? {} : { builds: context.builds }),
  };
}

export function loaded(files: readonly (SourceFile | undefined)[]): SourceFile[] {
  return files.filter((file): file is SourceFile => file !== undefined);
}
