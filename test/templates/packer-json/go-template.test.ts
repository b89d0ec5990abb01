import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseGoTemplate } from '../../../src/templates/packer-json/go-template.js';

describe('parseGoTemplate', () => {
  it('returns plain text as one part', () => {
    assert.deepEqual(parseGoTemplate('111122223333'), { ok: true, parts: [{ kind: 'text', text: '111122223333' }] });
    assert.deepEqual(parseGoTemplate(''), { ok: true, parts: [{ kind: 'text', text: '' }] });
  });

  it('reads user and env calls in backquotes or double quotes, with or without spaces', () => {
    assert.deepEqual(parseGoTemplate('a{{user `x`}}b{{ user "y z" }}{{env `HOME`}}{{user`w`}}'), {
      ok: true,
      parts: [
        { kind: 'text', text: 'a' },
        { kind: 'user', name: 'x' },
        { kind: 'text', text: 'b' },
        { kind: 'user', name: 'y z' },
        { kind: 'env', name: 'HOME' },
        { kind: 'user', name: 'w' },
      ],
    });
    assert.deepEqual(parseGoTemplate('{{user "a\\"b"}}'), { ok: true, parts: [{ kind: 'user', name: 'a"b' }] });
  });

  it('trims white space next to {{- and -}}, and drops comments', () => {
    assert.deepEqual(parseGoTemplate('a \n {{- user `x` -}} \t b{{/* note */}}c'), {
      ok: true,
      parts: [
        { kind: 'text', text: 'a' },
        { kind: 'user', name: 'x' },
        { kind: 'text', text: 'b' },
        { kind: 'text', text: 'c' },
      ],
    });
  });

  it('names the function of any other action, skipping user and env in a pipeline', () => {
    assert.deepEqual(parseGoTemplate('{{ isotime "2006-01-02 }}" }}'), {
      ok: true,
      parts: [{ kind: 'other', name: 'isotime', source: '{{ isotime "2006-01-02 }}" }}' }],
    });
    assert.deepEqual(parseGoTemplate('{{user `a` | clean_resource_name}}'), {
      ok: true,
      parts: [{ kind: 'other', name: 'clean_resource_name', source: '{{user `a` | clean_resource_name}}' }],
    });
    assert.deepEqual(parseGoTemplate('{{ .BuildRegion }}'), {
      ok: true,
      parts: [{ kind: 'other', name: '.BuildRegion', source: '{{ .BuildRegion }}' }],
    });
  });

  it('reports an unclosed action', () => {
    assert.deepEqual(parseGoTemplate('x{{user `a`'), { ok: false, problem: 'unclosed action "{{user `a`"' });
    assert.deepEqual(parseGoTemplate('{{user `a}}'), { ok: false, problem: 'unclosed action "{{user `a}}"' });
  });
});
