/**
 * The file-system functions: paths resolve as Packer resolves them (relative to `path.root`,
 * itself relative to `path.cwd`), files are read through one bounded reader, and hostile paths
 * (outside the tree, a FIFO, a huge file, a symbolic link out) give an unknown, never a hang.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { MAX_FUNCTION_FILE_BYTES } from '../../../src/templates/hcl/functions/file-system.js';
import { run } from './evaluate-expression.js';
import { FIXTURES, imageNamed, options, readFiles, values } from './read-config.js';

const CWD = join(FIXTURES, 'functions');
const AT_CONFIG = { cwd: CWD, pathRoot: 'config' };

describe('file', () => {
  it('reads a path relative to path.root, as Packer does', async () => {
    assert.equal(await run('file("users.txt")', AT_CONFIG), '111122223333\n444455556666\n');
    assert.equal(await run('file("sub/../users.txt")', AT_CONFIG), '111122223333\n444455556666\n');
  });

  it('joins path.root again when the path already starts with it, as Packer does', async () => {
    // Packer joins its base folder (path.root) with "config/users.txt": config/config/users.txt.
    assert.deepEqual(await run('file("${path.root}/users.txt")', AT_CONFIG), { error: 'function file(): no file exists at config/config/users.txt', at: '2:7' });
    assert.equal(await run('file("${path.root}/users.txt")', { cwd: join(CWD, 'config'), pathRoot: '.' }), '111122223333\n444455556666\n');
    assert.equal(await run('file("${path.cwd}/config/users.txt")', AT_CONFIG), '111122223333\n444455556666\n');
  });

  it('reads a file of the working directory outside path.root', async () => {
    assert.equal(await run('file("../shared.txt")', AT_CONFIG), 'outside the configuration folder, inside the working directory\n');
  });

  it('gives Packer\'s error for a missing file, at the call', async () => {
    assert.deepEqual(await run('file("missing.txt")', AT_CONFIG), { error: 'function file(): no file exists at config/missing.txt', at: '2:7' });
    assert.equal(await run('try(file("missing.txt"), "fallback")', AT_CONFIG), 'fallback');
  });

  it('leaves paths outside the working directory and the home directory unknown, naming the function', async () => {
    assert.deepEqual(await run('file("/etc/passwd")', AT_CONFIG), { unknown: 'file("/etc/passwd") is not read: the path is outside the working directory and the configuration\'s folder' });
    assert.deepEqual(await run('file("../../../../../../../../etc/passwd")', AT_CONFIG), { unknown: 'file("../../../../../../../../etc/passwd") is not read: the path is outside the working directory and the configuration\'s folder' });
    assert.deepEqual(await run('file("~/.aws/credentials")', AT_CONFIG), { unknown: 'file("~/.aws/credentials") is not evaluated: it names the home directory of the machine that runs Packer' });
  });

  it('decodes JSON and YAML files into values', async () => {
    assert.deepEqual(await run('jsondecode(file("users.json")).accounts', AT_CONFIG), ['111122223333', '444455556666']);
    assert.deepEqual(await run('yamldecode(file("users.yaml"))', AT_CONFIG), { accounts: [111122223333, '444455556666'], groups: [] });
  });
});

describe('filebase64, fileexists, fileset', () => {
  it('filebase64 encodes the bytes', async () => {
    assert.equal(await run('filebase64("sub/a.txt")', AT_CONFIG), 'YQo=');
  });

  it('fileexists tells files from missing paths, and a folder is an error', async () => {
    assert.deepEqual(await run('[fileexists("users.txt"), fileexists("nope.txt")]', AT_CONFIG), [true, false]);
    assert.deepEqual(await run('fileexists("sub")', AT_CONFIG), { error: 'function fileexists(): config/sub is not a regular file', at: '2:7' });
    assert.deepEqual(await run('fileexists("/etc/hostname")', AT_CONFIG), { unknown: 'fileexists("/etc/hostname") is not read: the path is outside the working directory and the configuration\'s folder' });
  });

  it('fileset globs with doublestar syntax, relative to its path argument, in lexical order', async () => {
    assert.deepEqual(await run('fileset(".", "*.txt")', AT_CONFIG), ['users.txt']);
    assert.deepEqual(await run('fileset(".", "**/*.txt")', AT_CONFIG), ['sub/a.txt', 'sub/deep/b.txt', 'users.txt']);
    assert.deepEqual(await run('fileset("sub", "**")', AT_CONFIG), ['a.txt', 'c.json', 'deep/b.txt']);
    assert.deepEqual(await run('fileset(".", "sub/{a.txt,c.json}")', AT_CONFIG), ['sub/a.txt', 'sub/c.json']);
    assert.deepEqual(await run('fileset(".", "users.?son")', AT_CONFIG), ['users.json']);
    assert.deepEqual(await run('fileset("missing", "*")', AT_CONFIG), []);
    assert.deepEqual(await run('fileset(".", "sub/{a")', AT_CONFIG), { error: 'function fileset(): failed to glob pattern (config/sub/{a): syntax error in pattern', at: '2:7' });
  });
});

describe('path functions', () => {
  it('abspath resolves against path.cwd; basename and dirname follow Go', async () => {
    assert.equal(await run('abspath("config/x")', AT_CONFIG), `${CWD}/config/x`);
    assert.deepEqual(await run('[basename("a/b.txt"), dirname("a/b.txt"), basename("a/"), dirname("/")]'), ['b.txt', 'a', 'a', '/']);
  });

  it('pathexpand leaves the home directory unknown', async () => {
    assert.equal(await run('pathexpand("/a/b")'), '/a/b');
    assert.deepEqual(await run('pathexpand("~/a")'), { unknown: 'pathexpand("~/a") is not evaluated: it names the home directory of the machine that runs Packer' });
  });

  it('path.root and path.cwd are the configuration folder and the working directory', async () => {
    assert.deepEqual(await run('[path.root, path.cwd]', AT_CONFIG), ['config', CWD]);
  });
});

describe('hostile files', () => {
  let root = '';

  before(() => {
    root = mkdtempSync(join(tmpdir(), 'amiguard-functions-'));
    mkdirSync(join(root, 'config'));
    execFileSync('mkfifo', [join(root, 'config', 'fifo')]);
    writeFileSync(join(root, 'config', 'huge.txt'), '');
    truncateSync(join(root, 'config', 'huge.txt'), MAX_FUNCTION_FILE_BYTES + 1);
    writeFileSync(join(root, 'config', 'latin1.txt'), Buffer.from([0x63, 0x61, 0x66, 0xe9]));
    writeFileSync(join(root, 'secret.txt'), 'secret');
    symlinkSync('/etc/hostname', join(root, 'config', 'link-out'));
    symlinkSync(join(root, 'config', 'latin1.txt'), join(root, 'config', 'link-in'));
    writeFileSync(join(root, 'config', 'deep.txt'), `${'['.repeat(200_000)}${']'.repeat(200_000)}`);
    // Eleven levels of nine aliases each: 9^12 nodes once expanded.
    const levels = Array.from({ length: 11 }, (_unused, index) => `l${index + 1}: &l${index + 1} [${Array(9).fill(`*l${index}`).join(', ')}]`);
    writeFileSync(join(root, 'config', 'bomb.yaml'), ['l0: &l0 [x, x, x, x, x, x, x, x, x]', ...levels, ''].join('\n'));
  });

  after(() => rmSync(root, { recursive: true, force: true }));

  const at = (): { cwd: string; pathRoot: string } => ({ cwd: root, pathRoot: 'config' });

  it('does not block on a FIFO', async () => {
    assert.deepEqual(await run('file("fifo")', at()), { unknown: 'file("fifo") is not read: not a regular file: a FIFO (named pipe)' });
    assert.deepEqual(await run('fileexists("fifo")', at()), { error: 'function fileexists(): config/fifo is not a regular file', at: '2:7' });
  });

  it('does not read a file over the size limit', async () => {
    assert.deepEqual(await run('file("huge.txt")', at()), { unknown: 'file("huge.txt") is not read: more than the 4 MB limit' });
  });

  it('does not follow a symbolic link out of the tree, but follows one inside it', async () => {
    assert.deepEqual(await run('file("link-out")', at()), { unknown: 'file("link-out") is not read: the path is outside the working directory and the configuration\'s folder' });
    assert.equal(await run('filebase64("link-in")', at()), 'Y2Fm6Q==');
  });

  it('gives Packer\'s error for a file that is not UTF-8', async () => {
    const value = await run('file("latin1.txt")', at());
    assert.ok(typeof value === 'object' && value !== null && 'error' in value && String(value.error).startsWith('function file(): contents of latin1.txt are not valid UTF-8'));
  });

  it('decodes deeply nested or alias-bombed documents to unknowns, not a crash', async () => {
    assert.deepEqual(await run('yamldecode(file("deep.txt"))', at()), { unknown: 'yamldecode() of a document nested this deeply is not evaluated' });
    assert.deepEqual(await run('yamldecode(file("bomb.yaml"))', at()), { unknown: 'yamldecode() of a document over 100000 nodes or 100 levels deep is not evaluated' });
    assert.deepEqual(await run('length(jsonencode(jsondecode(file("deep.txt"))))', at()), { unknown: 'a decoded document nested more than 100 levels deep is not evaluated' });
  });

  it('lists regular files only in fileset (a link to a file is one, as for Packer)', async () => {
    assert.deepEqual(await run('fileset(".", "*")', at()), ['bomb.yaml', 'deep.txt', 'huge.txt', 'latin1.txt', 'link-in', 'link-out']);
  });

  it('reads a file of the working directory when the configuration lies inside it', async () => {
    assert.equal(await run('file("../secret.txt")', at()), 'secret');
  });
});

describe('file functions in sharing fields', () => {
  it('turns a list of accounts read from files into known grantees, located at the call', async () => {
    const result = await readFiles(
      {
        'config/main.pkr.hcl': [
          'source "amazon-ebs" "text" {',
          '  ami_users = split("\\n", trimspace(file("users.txt")))',
          '}',
          'source "amazon-ebs" "json" {',
          '  ami_users = jsondecode(file("${path.cwd}/config/users.json")).accounts',
          '}',
          'source "amazon-ebs" "yaml" {',
          '  ami_users = yamldecode(file("users.yaml")).accounts',
          '  ami_groups = fileexists("public.flag") ? ["all"] : []',
          '}',
          '',
        ].join('\n'),
      },
      options({ cwd: CWD }),
    );
    assert.deepEqual(result.problems, []);
    assert.deepEqual(values(imageNamed(result, 'amazon-ebs.text'), 'ami_users'), ['111122223333', '444455556666']);
    assert.deepEqual(values(imageNamed(result, 'amazon-ebs.json'), 'ami_users'), ['111122223333', '444455556666']);
    assert.deepEqual(values(imageNamed(result, 'amazon-ebs.yaml'), 'ami_users'), ['111122223333', '444455556666']);
    assert.deepEqual(values(imageNamed(result, 'amazon-ebs.yaml'), 'ami_groups'), []);
    const item = imageNamed(result, 'amazon-ebs.text').fields.ami_users?.items[0];
    assert.equal(item?.location.line, 2);
  });

  it('makes a secret or an outside file an unknown grantee that names the function', async () => {
    const result = await readFiles(
      { 'config/main.pkr.hcl': 'source "amazon-ebs" "x" {\n  ami_users = [vault("secret/ami", "account"), file("/etc/hostname")]\n}\n' },
      options({ cwd: CWD }),
    );
    assert.deepEqual(values(imageNamed(result, 'amazon-ebs.x'), 'ami_users'), [
      '?function vault() is not evaluated: it reads a secret from HashiCorp Vault at build time',
      '?file("/etc/hostname") is not read: the path is outside the working directory and the configuration\'s folder',
    ]);
  });
});

describe('templatefile', () => {
  it('renders a template that sees only its vars', async () => {
    assert.deepEqual(await run('jsondecode(templatefile("users.json.tftpl", { accounts = ["1", "2"], prefix = "11112222333" }))', AT_CONFIG), ['111122223331', '111122223332']);
    assert.deepEqual(await run('templatefile("var.tftpl", {})', AT_CONFIG), { error: 'function templatefile(): the template cannot use var.x: it sees only the vars argument', at: '2:7' });
    assert.deepEqual(await run('templatefile("users.json.tftpl", {})', AT_CONFIG), { error: 'there is no variable named "accounts"', at: '2:7' });
  });

  it('refuses a nested templatefile, vars that are not a map, and invalid names, as Packer does', async () => {
    assert.deepEqual(await run('templatefile("nested.tftpl", {})', AT_CONFIG), { error: 'function templatefile(): cannot recursively call templatefile from inside another template function', at: '2:7' });
    assert.deepEqual(await run('templatefile("users.json.tftpl", "x")', AT_CONFIG), { error: 'function templatefile(): invalid vars value: must be a map', at: '2:7' });
    assert.deepEqual(await run('templatefile("users.json.tftpl", { "a b" = 1 })', AT_CONFIG), {
      error: 'function templatefile(): invalid template variable name "a b": must start with a letter, followed by zero or more letters, digits, and underscores',
      at: '2:7',
    });
    assert.deepEqual(await run('templatefile("missing.tftpl", {})', AT_CONFIG), { error: 'function templatefile(): no file exists at config/missing.tftpl', at: '2:7' });
  });

  it('reads the template through the same bounds as file()', async () => {
    assert.deepEqual(await run('templatefile("/etc/hostname", {})', AT_CONFIG), { unknown: 'templatefile("/etc/hostname") is not read: the path is outside the working directory and the configuration\'s folder' });
  });

  it('evaluates the template\'s directives', async () => {
    assert.deepEqual(await run('templatefile("directive.tftpl", { account = "1", public = false })', AT_CONFIG), 'account 1\n');
    assert.deepEqual(await run('templatefile("directive.tftpl", { account = "1", public = true })', AT_CONFIG), 'account 1 public\n');
  });
});
