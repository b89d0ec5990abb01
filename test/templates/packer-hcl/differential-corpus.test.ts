/**
 * Differential test against a real Packer (Debian's packer 1.6.6) on every HCL case of the
 * corpus: each sharing field of each image amiguard reads is evaluated again by `packer console`
 * (its expression as written, in the case's variables and locals, with the var-files the case
 * applies and the same environment), and both must agree, value for value, or both be unknown
 * (a variable with no value: 1.6.6's console says `<unknown>`, current Packer refuses to build).
 *
 * 1.6.6 differs from current Packer in ways that concern these cases (PACKER_1_6_6_DIFFERENCES
 * in differential.test.ts lists them all): it knows neither `packer { required_plugins }` nor `data` blocks, so it is
 * given only the `variable` and `locals` blocks, and each field's expression in a local.
 */
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { InputError } from '../../../src/core/index.js';
import type { EvaluatedField, VariableInput } from '../../../src/templates/model.js';
import { readPackerHcl } from '../../../src/templates/packer-hcl/index.js';
import { CORPUS, loadManifest, type CorpusCase } from '../../corpus/manifest.js';
import { consoleJson, packerEnv, packerVersion } from './packer-console.js';
import { fieldExpression, variablesAndLocals } from './packer-copy.js';

/**
 * Known open disagreements on corpus cases, as `case id / image / field`, each with its repro in
 * /work/notes/packer-diff-disagreements.md. Remove an entry when its fix lands.
 */
const KNOWN_DISAGREEMENTS: ReadonlySet<string> = new Set<string>([]);

const version = packerVersion();
const cases = loadManifest().filter((entry) => entry.format === 'hcl');
const skip =
  version === undefined
    ? 'packer is not installed (apt-get install packer; .ci/run does it through npm run setup)'
    : cases.length === 0
      ? `no corpus at ${CORPUS}`
      : false;

interface Compared {
  readonly key: string;
  readonly amiguard: string;
  readonly packer: string;
}

function amiguardValue(field: EvaluatedField): string {
  if (field.items.some((item) => item.kind === 'unknown')) return 'unknown';
  return JSON.stringify(field.items.map((item) => (item.kind === 'known' ? item.value : '')));
}

function packerValue(value: unknown): string {
  return JSON.stringify(value ?? []);
}

async function compareCase(entry: CorpusCase, root: string): Promise<Compared[]> {
  const dir = join(CORPUS, entry.id);
  const templates = entry.files
    .filter((file) => file.role === 'template')
    .map((file) => ({ path: file.file, text: readFileSync(join(dir, file.file), 'utf8') }));
  const env = packerEnv();
  const read = await readPackerHcl(templates, [], {
    variables: entry.var_files_applied.map((path): VariableInput => ({ kind: 'var-file', path })),
    useEnv: true,
    env,
    readFile: (path) => {
      try {
        return readFileSync(join(dir, path), 'utf8');
      } catch (error) {
        throw new InputError(`cannot read var-file ${path}`, { cause: error });
      }
    },
  });
  assert.deepEqual(read.problems, [], `${entry.id}: amiguard reports problems`);

  const folder = join(root, entry.id);
  mkdirSync(folder);
  const fields: { key: string; local: string; expression: string; field: EvaluatedField }[] = [];
  for (const template of templates) writeFileSync(join(folder, template.path), await variablesAndLocals(template.text));
  for (const path of entry.var_files_applied) copyFileSync(join(dir, path), join(folder, path));
  for (const image of read.images) {
    const key = /\[([^\]]+)\]$/.exec(image.name)?.[1];
    for (const field of Object.values(image.fields)) {
      const text = templates.find((template) => template.path === field.location.file)?.text ?? '';
      const expression = await fieldExpression(text, field.field, field.location.line, key);
      fields.push({ key: `${entry.id} / ${image.name} / ${field.field}`, local: `amiguard_field_${fields.length}`, expression, field });
    }
  }
  if (fields.length === 0) return [];
  writeFileSync(join(folder, 'zz-amiguard-fields.pkr.hcl'), `locals {\n${fields.map((entry) => `  ${entry.local} = ${entry.expression}\n`).join('')}}\n`);

  const args = entry.var_files_applied.map((path) => `-var-file=${path}`);
  const evaluate = (locals: readonly string[]) => consoleJson(folder, args, `jsonencode({ ${locals.map((local) => `${local} = convert(local.${local}, list(string))`).join(', ')} })`);
  const all = await evaluate(fields.map((entry) => entry.local));
  const results: Compared[] = [];
  for (const entry of fields) {
    // One unknown makes the whole object unknown (and in 1.6.6 a local over an unknown can be
    // missing, an error): then each field is asked for on its own.
    const outcome = 'value' in all ? all : await evaluate([entry.local]);
    const packer = 'error' in outcome ? `error: ${outcome.error}` : 'unknown' in outcome ? 'unknown' : packerValue((outcome.value as Record<string, unknown>)[entry.local]);
    results.push({ key: entry.key, amiguard: amiguardValue(entry.field), packer });
  }
  return results;
}

describe('amiguard agrees with packer console on the HCL corpus', { skip }, () => {
  it(`on every sharing field of the ${cases.length} HCL cases`, async (t) => {
    const root = mkdtempSync(join(tmpdir(), 'amiguard-diff-corpus-'));
    const compared = (await Promise.all(cases.map((entry) => compareCase(entry, root)))).flat();
    const differing = compared.filter((entry) => entry.amiguard !== entry.packer && !KNOWN_DISAGREEMENTS.has(entry.key));
    const stale = [...KNOWN_DISAGREEMENTS].filter((key) => compared.some((entry) => entry.key === key && entry.amiguard === entry.packer));
    t.diagnostic(`${version ?? ''}; ${compared.length} field comparisons over ${cases.length} HCL corpus cases`);
    if (differing.length === 0 && stale.length === 0) rmSync(root, { recursive: true, force: true });
    assert.deepEqual(
      differing.map((entry) => `${entry.key}: amiguard ${entry.amiguard}, packer ${entry.packer}`),
      [],
      `folders kept under ${root}`,
    );
    assert.deepEqual(stale, [], 'these known disagreements are fixed: remove them from KNOWN_DISAGREEMENTS');
    assert.ok(compared.length >= 40, `only ${compared.length} comparisons`);
  });
});
