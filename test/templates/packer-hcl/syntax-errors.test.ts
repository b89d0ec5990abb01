/**
 * A file that does not parse is a problem at the first error, with a message a person can act
 * on, and the rest of that file is not guessed; the other files of the folder are still read.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { only, readFiles, readFilesAsGiven, span } from './read-config.js';

async function firstProblem(text: string): Promise<{ message: string; at: string | undefined }> {
  const result = await readFilesAsGiven({ 'e.pkr.hcl': text });
  assert.deepEqual(result.images, [], 'a broken file yields no images');
  const problem = only(result.problems);
  return { message: problem.message, at: span(problem.location) };
}

describe('syntax errors', () => {
  it('reports an unclosed string at its opening quote', async () => {
    assert.deepEqual(await firstProblem('source "amazon-ebs" "x" {\n  ami_groups = ["all]\n}\n'), {
      message: 'missing closing quote: the string that starts here is never closed',
      at: 'e.pkr.hcl:2:17-2:18',
    });
  });

  it('reports an extra closing brace', async () => {
    assert.deepEqual(await firstProblem('source "amazon-ebs" "x" {\n  ami_groups = ["all"]\n}\n}\n'), {
      message: "unexpected '}'",
      at: 'e.pkr.hcl:4:1-4:2',
    });
  });

  it('reports a list left open before the end of its block', async () => {
    assert.deepEqual(await firstProblem('source "amazon-ebs" "x" {\n  ami_users = ["1",\n}\nbuild {\n}\n'), {
      message: "unexpected '}'",
      at: 'e.pkr.hcl:3:1-3:2',
    });
  });

  it('reports a block left open at the end of the file', async () => {
    assert.deepEqual(await firstProblem('source "amazon-ebs" "x" {\n  ami_groups = ["all"]\n'), {
      message: "missing '}' to close the '{' at line 1, column 1",
      at: 'e.pkr.hcl:3:1-3:1',
    });
  });

  it('reports an attribute without "="', async () => {
    assert.deepEqual(await firstProblem('source "amazon-ebs" "x" {\n  ami_groups ["all"]\n}\n'), {
      message: "unexpected '['",
      at: 'e.pkr.hcl:2:14-2:15',
    });
  });

  it('reports a missing operand', async () => {
    assert.deepEqual(await firstProblem('locals {\n  a = 1 +\n}\n'), { message: "unexpected '+'", at: 'e.pkr.hcl:2:9-2:10' });
    assert.deepEqual(await firstProblem('locals {\n  a = 1 +'), { message: 'unexpected end of file', at: 'e.pkr.hcl:2:10-2:10' });
  });

  it('reports a call cut off at the end of the file', async () => {
    assert.deepEqual(await firstProblem('locals {\n  a = concat(["x"],'), { message: 'unexpected end of file', at: 'e.pkr.hcl:2:20-2:20' });
  });

  it('reports a heredoc without its closing marker at the heredoc', async () => {
    assert.deepEqual(await firstProblem('locals {\n  a = <<EOT\n  text\n}\n'), {
      message: 'missing the heredoc\'s closing marker "EOT"',
      at: 'e.pkr.hcl:2:7-2:8',
    });
  });

  it('reports an interpolation left open', async () => {
    assert.deepEqual(await firstProblem('locals {\n  a = "${var.x"\n}\n'), { message: "missing '}' to close '${'", at: 'e.pkr.hcl:2:8-2:10' });
  });

  it('counts columns of errors in UTF-16 code units', async () => {
    assert.deepEqual(await firstProblem('locals {\n  a = "é😀" }\n}\n'), { message: "unexpected '}'", at: 'e.pkr.hcl:3:1-3:2' });
    assert.deepEqual(await firstProblem('locals {\n  a = ["é😀" "x"]\n}\n'), { message: 'unexpected \'"x"\'', at: 'e.pkr.hcl:2:14-2:17' });
  });

  it('refuses the whole configuration for one broken file, as Packer does: nothing is shared', async () => {
    const result = await readFiles({
      'broken.pkr.hcl': 'variable "x" {\n',
      'good.pkr.hcl': 'source "amazon-ebs" "x" {\n  ami_groups = ["all"]\n}\n',
    });
    assert.equal(only(result.problems).location.file, 'broken.pkr.hcl');
    assert.deepEqual(result.images, []);
  });

  it('reports invalid JSON in a .pkr.json file at its position', async () => {
    const result = await readFiles({ 'e.pkr.json': '{\n  "source": {\n    "amazon-ebs": { "x": { "ami_groups": ["all",] } }\n  }\n}\n' });
    const problem = only(result.problems);
    assert.match(problem.message, /^invalid JSON: /);
    assert.equal(problem.location.line, 3);
    assert.deepEqual(result.images, []);
  });
});
