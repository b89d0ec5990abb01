import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { python, summarize } from './read-helpers.js';

describe('python reader: boto3', () => {
  it("LaunchPermission={'Add': [...]}: groups, accounts, organizations; Remove is not a grant", async () => {
    const text = [
      'import boto3',
      "ec2 = boto3.client('ec2')",
      "ec2.modify_image_attribute(ImageId=ami, LaunchPermission={'Add': [{'Group': 'all'}, {'UserId': '123456789012'}], 'Remove': [{'UserId': '210987654321'}]})",
      '',
    ].join('\n');
    const read = await python(text);
    assert.deepEqual(summarize(read), ['launch public LaunchPermission.Add 3:78-3:81', 'launch 123456789012 LaunchPermission.Add 3:97-3:109']);
    assert.equal(read.subjects[0]?.name, 'modify_image_attribute call');
  });

  it("CreateVolumePermission on modify_snapshot_attribute is a snapshot subject", async () => {
    const read = await python("ec2.modify_snapshot_attribute(SnapshotId=s, CreateVolumePermission={'Add': [{'Group': 'all'}]})\n");
    assert.deepEqual(summarize(read), ['snapshot public CreateVolumePermission.Add 1:88-1:91']);
    assert.equal(read.subjects[0]?.type, 'snapshot');
  });

  it("the older UserGroups= / UserIds= / OperationType= forms; OperationType='remove' grants nothing", async () => {
    const text = [
      "ec2.modify_image_attribute(ImageId=a, Attribute='launchPermission', OperationType='add', UserGroups=['all'], UserIds=['123456789012'])",
      "ec2.modify_image_attribute(ImageId=a, Attribute='launchPermission', OperationType='remove', UserGroups=['all'])",
      "ec2.modify_snapshot_attribute(SnapshotId=s, Attribute='createVolumePermission', OperationType='add', GroupNames=['all'])",
      '',
    ].join('\n');
    assert.deepEqual(summarize(await python(text)), [
      'launch 123456789012 UserIds 1:120-1:132',
      'launch public UserGroups 1:103-1:106',
      'snapshot public GroupNames 3:115-3:118',
    ]);
  });

  it("an Image resource's modify_attribute with a launch permission; an Instance's attribute is not a grant", async () => {
    const text = "ec2.Image(a).modify_attribute(LaunchPermission={'Add': [{'Group': 'all'}]})\nec2.Instance(i).modify_attribute(Attribute='userData', Value='x')\n";
    assert.deepEqual(summarize(await python(text)), ['launch public LaunchPermission.Add 1:68-1:71']);
  });

  it('literal values through simple local assignments; other values are unknown and named', async () => {
    const text = [
      "import os",
      "PUBLIC = 'all'",
      "ACCOUNTS = os.environ['TARGET_ACCOUNT_IDS']",
      'def share(ami, extra):',
      "    groups = [PUBLIC]",
      "    ec2.modify_image_attribute(ImageId=ami, OperationType='add', UserGroups=groups, UserIds=ACCOUNTS.split(','))",
      "    ec2.modify_image_attribute(ImageId=ami, OperationType='add', UserIds=[extra])",
      '',
    ].join('\n');
    const read = await python(text);
    assert.deepEqual(summarize(read), [
      'launch public UserGroups 6:77-6:83',
      "launch unknown(account) UserIds 6:93-6:112: ACCOUNTS = os.environ['TARGET_ACCOUNT_IDS'] is an environment variable, known only at run time (line 3)",
      'launch unknown(account) UserIds 7:75-7:80: extra is a parameter of share(), known only when it is called',
    ]);
    const origin = read.subjects[0]?.launch.grants[0]?.origin;
    assert.equal(origin?.kind === 'source' ? origin.line : undefined, 2);
  });
});

describe('python reader: Image Builder distributions', () => {
  it("a 'launchPermission' dictionary in code that updates a distribution configuration is a grant", async () => {
    const text = [
      'def distributions(accounts):',
      "    return [{'amiDistributionConfiguration': {'launchPermission': {'userIds': accounts, 'userGroups': ['all']}}}]",
      "client.update_distribution_configuration(distributionConfigurationArn=arn, distributions=distributions(ids))",
      '',
    ].join('\n');
    const read = await python(text);
    assert.equal(read.subjects[0]?.name, 'Image Builder launchPermission');
    assert.deepEqual(summarize(read), [
      'launch public launchPermission.userGroups 2:105-2:108',
      'launch unknown(account) launchPermission.userIds 2:79-2:87: accounts is a parameter of distributions(), known only when it is called',
    ]);
  });
});

describe('python reader: boto 2', () => {
  it("groups=['all'] and groups='all', by keyword and by position", async () => {
    const text = [
      "conn.modify_image_attribute(ami_id, attribute='launchPermission', operation='add', groups=['all'])",
      "conn.modify_image_attribute(ami_id, 'launchPermission', 'add', None, 'all')",
      "conn.modify_image_attribute(ami_id, user_ids=['123456789012'])",
      "conn.modify_image_attribute(ami_id, operation='remove', groups='all')",
      "conn.modify_snapshot_attribute(snap, groups='all')",
      '',
    ].join('\n');
    assert.deepEqual(summarize(await python(text)), [
      'launch public groups 1:93-1:96',
      'launch public groups 2:71-2:74',
      'launch 123456789012 user_ids 3:48-3:60',
      'snapshot public groups 5:46-5:49',
    ]);
  });
});

describe('python reader: guards', () => {
  it('if / else name the condition; if __name__ == "__main__" is no guard', async () => {
    const text = [
      'def publish(conn, ami):',
      "    conn.modify_image_attribute(ami, groups='all')",
      'def main():',
      '    if args.public:',
      '        publish(c, a)',
      '    else:',
      "        c.modify_image_attribute(a, user_ids=['123456789012'])",
      'if __name__ == "__main__":',
      '    main()',
      '',
    ].join('\n');
    const conditions = (await python(text)).subjects.map((subject) => subject.launch.grants[0]?.condition);
    assert.deepEqual(conditions, ['args.public (line 5)', 'not (args.public)']);
  });

  it('a handler nobody in the file calls has no guard', async () => {
    const text = "def handler(event, context):\n    ec2.modify_image_attribute(ImageId='x', LaunchPermission={'Add': [{'Group': 'all'}]})\n";
    assert.equal((await python(text)).subjects[0]?.launch.grants[0]?.condition, undefined);
  });
});

describe('python reader: what it cannot read', () => {
  it('a syntax error is a problem at its place; the calls it parsed are still read', async () => {
    const read = await python("conn.modify_image_attribute(a, groups='all')\ndef broken(:\n");
    assert.equal(read.subjects.length, 1);
    assert.equal(read.problems[0]?.location.line, 2);
    assert.equal(read.problems[0]?.unevaluated, undefined);
  });

  it('**params built at run time may grant anything', async () => {
    assert.deepEqual(summarize(await python('ec2.modify_image_attribute(**params)\n')), ['launch unknown(any) **params 1:30-1:36: params is not set in this file']);
  });

  it('an f-string is unknown', async () => {
    assert.deepEqual(summarize(await python("ec2.modify_image_attribute(ImageId=a, LaunchPermission={'Add': [{'UserId': f'{acct}'}]})\n")), [
      "launch unknown(account) LaunchPermission.Add 1:78-1:84: f'{acct}' is formatted at run time",
    ]);
  });
});
