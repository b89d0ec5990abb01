import { readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { ClaimedFile, EmbeddedCode, FoundFile, ReadUnit, TemplateFormat, UnitContext, UnitRead } from '../format.js';
import type { SourceFile } from '../model.js';
import type { Grammar } from './grammars.js';
import type { SiblingSearch } from './python.js';
import type { OutsideValues } from './shell.js';
import { isPythonShebang, isShellShebang, PYTHON_NEEDLES, scanFile, SHELL_NEEDLES } from './sniff.js';

/**
 * The readers, their grammars and the YAML library are loaded when a script or CI file is read:
 * linting a Packer folder never loads them (start-up, issue 11).
 */
const shell = () => import('./shell.js');
const python = () => import('./python.js');
const text = () => import('./text.js');

const SHELL_NAME = /\.(?:sh|bash|ksh|zsh)$/;
const PYTHON_NAME = /\.py$/;
/** Extension-less files are scripts only with a shebang. */
const EXTENSIONLESS = /^[^.]+$/;
const WORKFLOW = /(?:^|\/)\.github\/workflows\/[^/]+\.ya?ml$/;
const BUILDSPEC = /^buildspec[^/]*\.ya?ml$/;
const BUILDKITE = /(?:^|\/)\.buildkite\/(?:[^/]+\/)*pipeline[^/]*\.ya?ml$/;
const YAML_NAME = /\.ya?ml$/;
/** What a Concourse pipeline's task says, besides a call: a task that runs a program with arguments. */
const CONCOURSE_MARKERS = [['path:'], ['args:'], ['task:', 'plan:']];

function oneFileUnits(format: 'shell' | 'python' | 'ci', read: (path: string, context: UnitContext) => Promise<UnitRead>) {
  return (files: readonly ClaimedFile[]): ReadUnit[] =>
    files.map((file) => ({
      format,
      files: [file.path],
      async read(paths: readonly string[], context: UnitContext): Promise<UnitRead> {
        const results = await Promise.all(paths.map((path) => read(path, context)));
        return { subjects: results.flatMap((result) => result.subjects), problems: results.flatMap((result) => result.problems) };
      },
    }));
}

/** Shell scripts: `*.sh`/`*.bash` files and extension-less files with a shell `#!`, that mention a sharing call. */
export const shellFormat: TemplateFormat = {
  id: 'shell',
  reads: '*.sh and *.bash files and scripts with a shell #! line that call aws ec2 modify-image-attribute or modify-snapshot-attribute',
  notMine: 'not a shell script that calls modify-image-attribute or modify-snapshot-attribute',
  claim: (file: FoundFile) => (SHELL_NAME.test(file.name) || EXTENSIONLESS.test(file.name) ? 'maybe' : undefined),
  sniff: (file: FoundFile) =>
    scanFile(file.absolute, { needles: SHELL_NEEDLES, ...(SHELL_NAME.test(file.name) ? {} : { shebang: isShellShebang }) }),
  // A script named on the command line is read even without a call: it then shares nothing, and says so by its silence.
  readsNamed: (file: FoundFile) => SHELL_NAME.test(file.name),
  group: oneFileUnits('shell', async (path, context) => {
    const source = context.load(path, 'template', 'hash');
    if (source === undefined) return { subjects: [], problems: [] };
    const [{ readShellText }, { fileLocator }] = await Promise.all([shell(), text()]);
    return readShellText(source.text, fileLocator(path, source.text), undefined, outsideValues(context));
  }),
  parseOnly: (files) => parseWith('bash', files),
  readsCode: {
    language: 'shell',
    async read(code: EmbeddedCode, context: UnitContext) {
      const [{ readShellText }, { embeddedLocator }] = await Promise.all([shell(), text()]);
      return readShellText(code.text, embeddedLocator(code), code.condition, outsideValues(context));
    },
  },
};

/** Python scripts: `*.py` files and extension-less files with a python `#!`, that mention a sharing call. */
export const pythonFormat: TemplateFormat = {
  id: 'python',
  reads: '*.py files that call boto3 or boto modify_image_attribute / modify_snapshot_attribute',
  notMine: 'not a Python file that calls modify_image_attribute or modify_snapshot_attribute',
  claim: (file: FoundFile) => (PYTHON_NAME.test(file.name) || EXTENSIONLESS.test(file.name) ? 'maybe' : undefined),
  sniff: (file: FoundFile) =>
    scanFile(file.absolute, { needles: PYTHON_NEEDLES, ...(PYTHON_NAME.test(file.name) ? {} : { shebang: isPythonShebang }) }),
  readsNamed: (file: FoundFile) => PYTHON_NAME.test(file.name),
  group: oneFileUnits('python', async (path, context) => {
    const source = context.load(path, 'template', 'hash');
    if (source === undefined) return { subjects: [], problems: [] };
    const [{ readPythonText }, { fileLocator }] = await Promise.all([python(), text()]);
    return readPythonText(source.text, fileLocator(path, source.text), undefined, packageSiblings(path, context), outsideValues(context));
  }),
  parseOnly: (files) => parseWith('python', files),
  readsCode: {
    language: 'python',
    async read(code: EmbeddedCode, context: UnitContext) {
      const [{ readPythonText }, { embeddedLocator }] = await Promise.all([python(), text()]);
      return readPythonText(code.text, embeddedLocator(code), code.condition, undefined, outsideValues(context));
    },
  },
};

/**
 * What the run says a shell variable holds: `--var NAME=value` (the last one wins) stands for the
 * value at the call, whatever the script assigns (a value it computes at run time); with
 * `--use-env`, a variable the script does not set is the environment's. Var-files are other
 * formats' (tfvars, CloudFormation parameters).
 */
function outsideValues(context: UnitContext): OutsideValues {
  return (name, setInScript) => {
    const given = context.variables.filter((input) => input.kind === 'var' && input.name === name).at(-1);
    if (given?.kind === 'var') return { value: given.value, via: `--var ${name}` };
    const value = context.useEnv && !setInScript ? context.env[name] : undefined;
    return value === undefined ? undefined : { value, via: 'the environment (--use-env)' };
  };
}

/** The most sibling modules searched for the use of a class or function. */
const MAX_SIBLINGS = 64;

/**
 * The other modules of a script's package that mention a name (where a plugin registers the task
 * class that makes the call), read through the context so that they count as read.
 */
function packageSiblings(path: string, context: UnitContext): SiblingSearch {
  return (name) => {
    const folder = dirname(path);
    let names: string[];
    try {
      names = readdirSync(resolve(context.cwd, folder)).filter((entry) => PYTHON_NAME.test(entry)).sort().slice(0, MAX_SIBLINGS);
    } catch {
      return [];
    }
    return names.flatMap((entry) => {
      const sibling = folder === '.' ? entry : join(folder, entry);
      if (sibling === path || scanFile(resolve(context.cwd, sibling), { needles: [name] }) !== true) return [];
      const source = context.load(sibling, 'template', 'hash');
      return source === undefined ? [] : [{ path: sibling, text: source.text }];
    });
  };
}

/**
 * CI files whose steps run scripts: GitHub workflows, CodeBuild buildspecs and Buildkite
 * pipelines by their place, Concourse pipelines by their content (a task that runs a shell).
 * Only one that mentions a sharing call is read.
 */
export const ciFormat: TemplateFormat = {
  id: 'ci',
  reads: 'CI files (GitHub workflows, buildspec.yml, Buildkite and Concourse pipelines) whose steps call modify-image-attribute or modify-snapshot-attribute',
  notMine: 'not a CI file with a step that calls modify-image-attribute or modify-snapshot-attribute',
  claim: (file: FoundFile) => (YAML_NAME.test(file.name) ? 'maybe' : undefined),
  sniff: (file: FoundFile) => scanFile(file.absolute, { needles: [...SHELL_NEEDLES, ...PYTHON_NEEDLES], ...(isCiPath(file) ? {} : { also: CONCOURSE_MARKERS }) }),
  readsNamed: isCiPath,
  group: oneFileUnits('ci', async (path, context) => {
    const source = context.load(path, 'template', 'hash');
    if (source === undefined) return { subjects: [], problems: [] };
    const { readCiText } = await import('./ci.js');
    return readCiText(path, source.text, context);
  }),
  parseOnly: async (files) => {
    const { yaml, yamlTooDeep } = await import('../../core/yaml.js');
    for (const file of files) if (yamlTooDeep(file.text) === undefined) yaml().parseAllDocuments(file.text);
  },
};

/** The bare parse of `npm run bench:lint`: the tree is built and freed. */
async function parseWith(grammar: Grammar, files: readonly SourceFile[]): Promise<void> {
  const { loadGrammar } = await import('./grammars.js');
  const parser = await loadGrammar(grammar);
  for (const file of files) parser.parse(file.text)?.delete();
}

/** A CI file by its place: a GitHub workflow, a CodeBuild buildspec, a Buildkite pipeline. */
function isCiPath(file: FoundFile): boolean {
  const path = file.absolute.replaceAll('\\', '/');
  return WORKFLOW.test(path) || BUILDSPEC.test(file.name) || BUILDKITE.test(path);
}
