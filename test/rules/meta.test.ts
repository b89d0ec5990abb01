/** Checks every rule the way ESLint's meta-tests do: id matches file, messages used, docs exist. */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { RULES } from '../../src/rules/index.js';

const ROOT = resolve(import.meta.dirname, '../..');
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');
const HELPERS = readFileSync(join(ROOT, 'src/rules/helpers.ts'), 'utf8');

describe('rule registry', () => {
  it('is sorted by id, with no duplicates', () => {
    const ids = RULES.map((rule) => rule.id);
    assert.deepEqual(ids, [...new Set(ids)].sort());
  });

  for (const rule of RULES) {
    describe(rule.id, () => {
      const file = join(ROOT, 'src/rules', `${rule.id}.ts`);
      it('lives in a file named after its id', () => {
        assert.ok(existsSync(file), `expected ${file}`);
      });
      it('uses every message it declares', () => {
        const source = `${readFileSync(file, 'utf8')}\n${HELPERS}`;
        for (const id of Object.keys(rule.meta.messages)) {
          assert.match(source, new RegExp(`'${id}'`), `message "${id}" is never reported`);
        }
      });
      it('has a section in the README', () => {
        assert.match(README, new RegExp(`id="${rule.meta.docs}"`), `README needs <a id="${rule.meta.docs}">`);
      });
      it('checks something', () => {
        assert.ok(rule.checkImage !== undefined || rule.checkProblem !== undefined || rule.checkRegion !== undefined || rule.checkDirective !== undefined);
      });
    });
  }
});
