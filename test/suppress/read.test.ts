import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { readTemplates } from '../../src/templates/index.js';

describe('reading templates collects their directives', () => {
  it('in file order', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'amiguard-directives-'));
      writeFileSync(join(dir, 'a.json'), '{"_amiguard-ignore": "public-ami: first", "builders": []}\n');
      writeFileSync(join(dir, 'b.pkr.hcl'), '# amiguard-ignore public-snapshot: second\nlocals {}\n');
      writeFileSync(join(dir, 'c.json'), '{"builders": []}\n');
      const read = await readTemplates({ paths: [], cwd: dir, variables: [], useEnv: false, env: {} });
      assert.deepEqual(
        read.directives.map((directive) => [directive.location.file, directive.rules, directive.reason]),
        [
          ['a.json', ['public-ami'], 'first'],
          ['b.pkr.hcl', ['public-snapshot'], 'second'],
        ],
      );
  });
});
