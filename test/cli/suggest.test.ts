import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { nearest } from '../../src/cli/suggest.js';
import { runInProcess } from './run-cli.js';

describe('did you mean', () => {
  it('finds the nearest candidate when it is near enough, and nothing otherwise', () => {
    const commands = ['lint', 'show', 'share', 'unshare', 'audit', 'fix', 'undo'];
    assert.equal(nearest('shwo', commands), 'show');
    assert.equal(nearest('audti', commands), 'audit');
    assert.equal(nearest('unshar', commands), 'unshare');
    assert.equal(nearest('LINT', commands), 'lint');
    assert.equal(nearest('deploy', commands), undefined);
    assert.equal(nearest('x', commands), undefined);
    assert.equal(nearest('--formt', ['--format', '--output', '--fail-on']), '--format');
  });

  it('an unknown command suggests the nearest one, exit 2', async () => {
    const result = await runInProcess(['shwo', 'ami-12345678']);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /unknown command "shwo"\n {2}hint: did you mean "show"\? the commands are lint, /);
    const far = await runInProcess(['deploy']);
    assert.doesNotMatch(far.stderr, /did you mean/);
  });

  it('an unknown flag suggests the nearest flag of that command, exit 2', async () => {
    const result = await runInProcess(['lint', '--formt', 'json', 'examples']);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /amiguard lint: error: Unknown option '--formt'\n {2}hint: did you mean --format\? run: amiguard lint --help/);
    const withValue = await runInProcess(['lint', '--fail-onn=warning']);
    assert.match(withValue.stderr, /did you mean --fail-on\?/);
  });

  it('-V prints the version, as --version does', async () => {
    const [short, long] = await Promise.all([runInProcess(['-V']), runInProcess(['--version'])]);
    assert.equal(short.code, 0);
    assert.equal(short.stdout, long.stdout);
    assert.match(short.stdout, /^\d+\.\d+\.\d+\n$/);
  });
});
