// test-runner: own process (it checks that nothing has loaded tree-sitter yet)
/**
 * Tree-sitter loads only when a read hands it a text (nesting too deep for the hand-written
 * parser): its grammar costs more than the whole lint of a small file (issue 11). The tests run
 * in this order, in a process where nothing has loaded it yet.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadHclParser, parseHclBody, parseHclBodyWithTreeSitter, withHclParser, type HclTreeParser } from '../../../src/templates/hcl/hcl-parser.js';
import type { BodySchema } from '../../../src/templates/hcl/syntax.js';

const EVERY_ATTRIBUTE: BodySchema = { blocks: new Map() };
const SHALLOW = 'a = [["1"]]\n';
const DEEP = `a = ${'('.repeat(5000)}"1"${')'.repeat(5000)}\n`;

/** Runs `text` through withHclParser, with the parsers each run of the read was given. */
async function read(text: string): Promise<{ outcome: ReturnType<typeof parseHclBody>; parsers: HclTreeParser[] }> {
  const parsers: HclTreeParser[] = [];
  const outcome = await withHclParser((parser) => {
    parsers.push(parser);
    return parseHclBody(parser, 'x.hcl', text, EVERY_ATTRIBUTE);
  });
  return { outcome, parsers };
}

describe('tree-sitter, loaded only for deep nesting', () => {
  it('reads a shallow text once, with no tree to give', async () => {
    const { outcome, parsers } = await read(SHALLOW);
    assert.equal(outcome.ok, true);
    assert.equal(parsers.length, 1);
    assert.equal(parsers[0]?.parse(SHALLOW), null, 'the stand-in, not tree-sitter');
  });

  it('reads deep nesting again with tree-sitter, and gives its reading', async () => {
    const { outcome, parsers } = await read(DEEP);
    assert.equal(parsers.length, 2);
    const parser = await loadHclParser();
    assert.equal(parsers[1], parser);
    assert.deepEqual(outcome, parseHclBodyWithTreeSitter(parser, 'x.hcl', DEEP, EVERY_ATTRIBUTE));
    assert.equal(outcome.ok, true);
  });

  it('reads once with tree-sitter once it is loaded', async () => {
    const { parsers } = await read(SHALLOW);
    assert.equal(parsers.length, 1);
    assert.equal(parsers[0], await loadHclParser());
  });
});
