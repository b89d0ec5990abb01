/**
 * Every reader under mutated real files: each file of the IaC corpus (Terraform, CloudFormation,
 * Ansible, shell, Python, CI files) is cut, spliced and sprinkled with its format's syntax at
 * seeded random places, then linted by name. Whatever the result, it is a reading or a clear
 * error: never an exception from inside a reader, and every place it names lies in the file.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { after, describe, it } from 'node:test';
import { InputError, type Location } from '../../src/core/index.js';
import { lint } from '../../src/lint/index.js';
import { Random } from '../../src/sandbox/random.js';

const CORPUS = resolve(import.meta.dirname, '../../../shared/corpus/iac');
const SEED = Number(process.env.AMIGUARD_FUZZ_SEED ?? 20261130);
const MUTANTS_PER_FILE = 3;

/** Syntax that matters to the readers: quotes, brackets, indentation, intrinsics, Jinja, heredocs. */
const TOKENS = [
  '"', "'", '{', '}', '[', ']', '(', ')', ':', ',', '\n', '\n  ', '  - ', '#', '\\', '$', '${', '%{', '{{', '}}', '|', '>',
  '!Ref ', '!Sub ', 'Fn::If', '*anchor', '&anchor ', '<<EOF\n', 'EOF\n', '"all"', 'all', 'Group=all', '--launch-permission ',
  "LaunchPermission={'Add': [", 'user_groups', 'group_names:', '\u0000', '\uFEFF', '\u202E',
];

function listFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? listFiles(path) : [path];
  });
}

function mutate(text: string, random: Random): string {
  const at = random.int(0, text.length);
  switch (random.int(0, 3)) {
    case 0:
      return text.slice(0, at);
    case 1:
      return text.slice(0, at) + text.slice(Math.min(text.length, at + 1 + random.int(0, 199)));
    case 2:
      return text.slice(0, at) + Array.from({ length: random.int(1, 4) }, () => random.pick(TOKENS)).join('') + text.slice(at);
    default: {
      const from = random.int(0, text.length);
      return text.slice(0, at) + text.slice(from, from + random.int(0, 399)) + text.slice(at);
    }
  }
}

function assertInFile(location: Location, lines: number, what: string): void {
  if (location.kind !== 'source') return;
  assert.ok(location.line >= 1 && location.column >= 1, `${what}: a 1-based place`);
  assert.ok(location.line <= lines + 1, `${what}: line ${location.line} is past the end (${lines} lines)`);
}

describe('readers under mutated corpus files', { skip: existsSync(CORPUS) ? false : `no corpus at ${CORPUS}` }, () => {
  const root = mkdtempSync(join(tmpdir(), 'amiguard-fuzz-'));
  after(() => rmSync(root, { recursive: true, force: true }));
  const files = existsSync(CORPUS) ? listFiles(CORPUS).filter((path) => /\/\d{3}-/.test(path) && !path.endsWith('README.md')) : [];

  it(`${files.length} files x ${MUTANTS_PER_FILE} mutants (seed ${SEED}; replay with AMIGUARD_FUZZ_SEED)`, async () => {
    const random = new Random(SEED);
    let readings = 0;
    let errors = 0;
    for (const [index, file] of files.entries()) {
      const original = readFileSync(file, 'utf8');
      for (let mutant = 0; mutant < MUTANTS_PER_FILE; mutant++) {
        const dir = join(root, `${index}-${mutant}`);
        mkdirSync(dir);
        const text = mutate(original, random);
        const name = basename(file);
        writeFileSync(join(dir, name), text);
        const lines = text.split('\n').length;
        try {
          const result = await lint({ paths: [name], cwd: dir, env: {} });
          readings++;
          for (const finding of [...result.findings, ...result.suppressed]) {
            assertInFile(finding.location, lines, `${file} mutant ${mutant}: ${finding.ruleId}`);
          }
        } catch (error) {
          // A file no reader takes any more is a clear error for the user, not a crash.
          if (!(error instanceof InputError)) throw new Error(`${file} mutant ${mutant} (seed ${SEED}) threw: ${String(error)}`, { cause: error });
          errors++;
        }
      }
    }
    assert.ok(readings > errors, `most mutants are still read (${readings} read, ${errors} refused by name)`);
  });
});
