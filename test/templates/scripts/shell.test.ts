import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { shell, summarize } from './read-helpers.js';

const AWS = 'aws ec2 modify-image-attribute --image-id "$AMI"';

describe('shell reader: the forms of modify-image-attribute', () => {
  it('shorthand --launch-permission "Add=[{Group=all}]", located on the value', async () => {
    assert.deepEqual(summarize(await shell(`${AWS} --launch-permission "Add=[{Group=all}]"\n`)), ['launch public --launch-permission 1:83-1:86']);
  });

  it('JSON with escaped quotes inside a double-quoted string', async () => {
    const text = `${AWS} --launch-permission "{\\"Add\\": [{\\"Group\\":\\"all\\"}]}"\n`;
    assert.deepEqual(summarize(await shell(text)), ['launch public --launch-permission 1:95-1:98']);
  });

  it("single-quoted JSON, accounts and organizations too", async () => {
    const text = `${AWS} --launch-permission '{"Add": [{"Group": "all"}, {"UserId": "123456789012"}, {"OrganizationArn": "arn:aws:organizations::123456789012:organization/o-abcdefghij"}]}'\n`;
    const summary = summarize(await shell(text));
    assert.deepEqual(summary.map((line) => line.split(' ').slice(0, 3).join(' ')), [
      'launch public --launch-permission',
      'launch 123456789012 --launch-permission',
      'launch arn:aws:organizations::123456789012:organization/o-abcdefghij --launch-permission',
    ]);
  });

  it('Remove is not a grant; Add next to it is', async () => {
    const text = `${AWS} --launch-permission "Add=[{UserId=123456789012}],Remove=[{Group=all}]"\n`;
    assert.deepEqual(summarize(await shell(text)), ['launch 123456789012 --launch-permission 1:84-1:96']);
  });

  it('--operation-type add --user-groups all, over line continuations; remove grants nothing', async () => {
    const text = `${AWS} \\\n  --attribute launchPermission \\\n  --operation-type add \\\n  --user-groups all\n${AWS} --operation-type remove --user-groups all\n`;
    assert.deepEqual(summarize(await shell(text)), ['launch public --user-groups 4:17-4:20']);
  });

  it('--user-ids as several words, commas, or a JSON list', async () => {
    const text = `${AWS} --operation-type add --user-ids 111111111111 222222222222,333333333333\n${AWS} --operation-type add --user-ids '["444444444444"]'\n`;
    assert.deepEqual(
      summarize(await shell(text)).map((line) => line.split(' ').slice(1, 3).join(' ')),
      ['111111111111 --user-ids', '222222222222 --user-ids', '333333333333 --user-ids', '444444444444 --user-ids'],
    );
  });

  it('modify-snapshot-attribute --attribute createVolumePermission --operation-type add --group-names all', async () => {
    const text = 'aws ec2 modify-snapshot-attribute --snapshot-id "$S" --attribute createVolumePermission --operation-type add --group-names all\n';
    const read = await shell(text);
    assert.deepEqual(summarize(read), ['snapshot public --group-names 1:124-1:127']);
    assert.equal(read.subjects[0]?.type, 'snapshot');
    assert.equal(read.subjects[0]?.name, 'modify-snapshot-attribute call');
  });

  it('--create-volume-permission shorthand', async () => {
    const text = 'aws ec2 modify-snapshot-attribute --snapshot-id s --create-volume-permission "Add=[{Group=all}]"\n';
    assert.deepEqual(summarize(await shell(text)), ['snapshot public --create-volume-permission 1:91-1:94']);
  });

  it('another attribute, and --dry-run, grant nothing', async () => {
    const text = `${AWS} --attribute description --value x --user-groups all\n${AWS} --launch-permission "Add=[{Group=all}]" --dry-run\n`;
    assert.deepEqual(summarize(await shell(text)), []);
  });

  it('--cli-input-json with literal JSON is read; from a command it is unknown and names the variable', async () => {
    const text = [
      `${AWS} --cli-input-json '{"LaunchPermission": {"Add": [{"Group": "all"}]}}'`,
      'P=$(aws ec2 describe-image-attribute --image-id x --attribute launchPermission | jq .)',
      `${AWS} --attribute launchPermission --cli-input-json "$P"`,
      '',
    ].join('\n');
    assert.deepEqual(summarize(await shell(text)), [
      'launch public --cli-input-json LaunchPermission 1:109-1:112',
      'launch unknown(any) --cli-input-json 3:97-3:99: $P is set when the script runs (line 2)',
    ]);
  });

  it('a literal assignment in the script resolves; a variable it does not set is unknown and named', async () => {
    const text = `GROUP=all\n${AWS} --launch-permission "Add=[{Group=$GROUP}]"\n${AWS} --launch-permission "Add=[{UserId=\${ACCOUNT}}]"\n`;
    const read = await shell(text);
    assert.deepEqual(summarize(read), [
      'launch public --launch-permission 2:83-2:89',
      'launch unknown(account) --launch-permission 3:84-3:94: $ACCOUNT is not set in this script (an environment variable or the caller\'s value)',
    ]);
    const grant = read.subjects[0]?.launch.grants[0];
    assert.equal(grant?.via, '$GROUP');
    assert.deepEqual(grant?.origin, { kind: 'source', file: 'script.sh', line: 1, column: 7, endLine: 1, endColumn: 10 });
  });

  it('a variable set to several literals may be any of them', async () => {
    const text = `if [ "$ENV" = prod ]; then G=all; else G=none; fi\n${AWS} --operation-type add --user-groups "$G"\n`;
    assert.deepEqual(summarize(await shell(text)), ['launch unknown(group) --user-groups 2:86-2:88: $G is set to different values in this script (lines 1, 1) may be all|none']);
  });

  it('loops over regions: each call counts, with no condition', async () => {
    const text = `for region in us-east-1 eu-west-1; do\n  ${AWS} --region "$region" --launch-permission "Add=[{Group=all}]"\ndone\n`;
    assert.deepEqual(summarize(await shell(text)), ['launch public --launch-permission 2:104-2:107']);
  });
});

describe('shell reader: guards', () => {
  it('if, else, case and && name their condition', async () => {
    const call = `${AWS} --launch-permission "Add=[{Group=all}]"`;
    const text = [
      `if [ "$PUBLIC" = "true" ]; then`,
      `  ${call}`,
      'else',
      `  ${call}`,
      'fi',
      'case "$STAGE" in',
      `  prod|release) ${call} ;;`,
      'esac',
      `[ -n "$SHARE" ] && ${call}`,
      `check || ${call}`,
      '',
    ].join('\n');
    const conditions = (await shell(text)).subjects.map((subject) => subject.launch.grants[0]?.condition);
    assert.deepEqual(conditions, [
      '[ "$PUBLIC" = "true" ]',
      'not ([ "$PUBLIC" = "true" ])',
      '"$STAGE" matches prod|release',
      '[ -n "$SHARE" ]',
      'not (check)',
    ]);
  });

  it('a function takes the guards of its calls; one unguarded call makes it unguarded', async () => {
    const text = [
      `share() { ${AWS} --launch-permission "Add=[{Group=all}]"; }`,
      'publish() { share; }',
      'if [ "$X" = 1 ]; then share; fi',
      'if [ "$Y" = 1 ]; then publish; fi',
      `other() { ${AWS} --launch-permission "Add=[{Group=all}]"; }`,
      'other',
      '',
    ].join('\n');
    const conditions = (await shell(text)).subjects.map((subject) => subject.launch.grants[0]?.condition);
    assert.deepEqual(conditions, ['[ "$Y" = 1 ] (line 4) (line 2), or 1 other call', undefined]);
  });

  it('a function run through "$@" runs when the arguments name it', async () => {
    const text = `make_public() {\n  ${AWS} --launch-permission "Add=[{Group=all}]"\n}\n"$@"\n`;
    const [subject] = (await shell(text)).subjects;
    assert.equal(subject?.launch.grants[0]?.condition, `the script's arguments name make_public ("$@", line 4)`);
  });

  it('a string run by sh -c is read as a script, located in the file', async () => {
    const text = `sudo sh -c "aws ec2 modify-image-attribute --image-id x --launch-permission 'Add=[{Group=all}]'"\n`;
    assert.deepEqual(summarize(await shell(text)), ['launch public --launch-permission 1:90-1:93']);
  });
});

describe('shell reader: here-documents', () => {
  it('a here-document fed to ssh or a shell is read as a script; one given to cat is text', async () => {
    const text = [
      'G=all',
      'ssh host <<EOF',
      'aws ec2 modify-image-attribute --launch-permission "Add=[{Group=$G}]"',
      'EOF',
      "bash -s <<'X'",
      'aws ec2 modify-image-attribute --launch-permission "Add=[{Group=all}]"',
      'X',
      'cat <<EOF',
      'aws ec2 modify-image-attribute --launch-permission "Add=[{Group=all}]"',
      'EOF',
      '',
    ].join('\n');
    assert.deepEqual(summarize(await shell(text)), ['launch public --launch-permission 3:65-3:67', 'launch public --launch-permission 6:65-6:68']);
  });
});

describe('shell reader: what it cannot read', () => {
  it('a parse error is an unevaluated problem at its place, and the calls before it still count', async () => {
    const text = `${AWS} --launch-permission "Add=[{Group=all}]"\nif then fi (((\n`;
    const read = await shell(text);
    assert.equal(read.subjects.length, 1);
    assert.equal(read.problems.length, 1);
    assert.equal(read.problems[0]?.unevaluated, true);
    assert.equal(read.problems[0]?.location.line, 2);
  });

  it('a file:// structure is unknown, never nothing', async () => {
    assert.deepEqual(summarize(await shell(`${AWS} --launch-permission file://perm.json\n`)), [
      'launch unknown(any) --launch-permission 1:70-1:86: --launch-permission is read from file://perm.json when the script runs',
    ]);
  });

  it('a mention that is not a call (echo, a comment) makes no subject', async () => {
    assert.deepEqual((await shell('# aws ec2 modify-image-attribute --launch-permission "Add=[{Group=all}]"\necho modify-image-attribute\n')).subjects, []);
  });
});
