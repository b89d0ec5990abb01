import type { ClaimedFile, ReadUnit, TemplateFormat, UnitContext, UnitRead } from '../format.js';
import { packerOptions } from '../packer-hcl/format.js';
import { looksLikeLegacyTemplate } from './sniff.js';

/** Legacy Packer JSON: any `.json` file with a top-level "builders" key, each read on its own. */
export const packerJsonFormat: TemplateFormat = {
  id: 'packer-json',
  reads: '*.json files with a top-level "builders" key (Packer legacy JSON)',
  claim(file) {
    if (/\.pkrvars\.json$|\.pkr\.json$|\.tfvars\.json$/.test(file.name)) return undefined;
    if (file.name.endsWith('.json')) return 'maybe';
    // A legacy template may have any name when it is named on the command line.
    return file.named && !file.name.endsWith('.hcl') ? 'maybe' : undefined;
  },
  sniff: (file) => looksLikeLegacyTemplate(file.absolute),
  notMine: 'a .json file without a top-level "builders" key',
  // One that does not look like a template is read anyway, so that the reader says why.
  readsNamed: (file) => file.name.endsWith('.json'),
  async parseOnly(files) {
    const { parsePackerJsonOnly } = await import('./index.js');
    for (const file of files) parsePackerJsonOnly(file);
  },
  group: (files: readonly ClaimedFile[]): ReadUnit[] =>
    files.map((file) => ({ format: 'packer-json', files: [file.path], read: (paths, context) => readUnit(paths, context) })),
};

async function readUnit(paths: readonly string[], context: UnitContext): Promise<UnitRead> {
  const [path] = paths;
  const file = path === undefined ? undefined : context.load(path, 'template', 'packer-json');
  if (file === undefined) return { subjects: [], problems: [] };
  // Legacy var-files are JSON.
  // The reader is loaded when a legacy template is read.
  const [{ readPackerJson }, { toImageSubject }] = await Promise.all([import('./index.js'), import('../subject.js')]);
  const result = readPackerJson(file, packerOptions(context, (varFile) => varFile.endsWith('.json') && !varFile.endsWith('.tfvars.json')));
  return { images: result.images, subjects: result.images.map(toImageSubject), problems: result.problems };
}
