/**
 * Inline code (Lambda `ZipFile`, SSM `aws:executeScript`) goes to the reader of its language, and
 * what that reader finds lands where the code is written in the template. A stand-in Python reader
 * reports every `modify_image_attribute` it sees, so that these tests hold whichever Python reader
 * is registered.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { locateEmbedded, type EmbeddedCode, type TemplateFormat } from '../../../src/templates/format.js';
import { sharingFromCalls } from '../../../src/templates/subject.js';
import { CORPUS, readWith } from './harness.js';

const CALL = 'modify_image_attribute';
const seen: EmbeddedCode[] = [];

const standInPython: TemplateFormat = {
  id: 'python',
  reads: 'stand-in',
  claim: () => undefined,
  group: () => [],
  readsCode: {
    language: 'python',
    read(code) {
      seen.push(code);
      const lines = code.text.split('\n');
      const subjects = lines.flatMap((line, index) => {
        const column = line.indexOf(CALL) + 1;
        if (column === 0) return [];
        const location = locateEmbedded(code, index + 1, column, index + 1, column + CALL.length);
        return [
          {
            origin: 'template' as const,
            name: 'modify_image_attribute call',
            type: 'boto3',
            file: code.file,
            location,
            launch: sharingFromCalls([{ field: 'UserIds', syntax: 'account', items: [{ kind: 'unknown', reason: 'runtime', location }] }]),
            snapshot: sharingFromCalls([]),
          },
        ];
      });
      return Promise.resolve({ subjects, problems: [] });
    },
  },
};

const dir = mkdtempSync(join(tmpdir(), 'amiguard-cfn-code-'));

/** Every place `modify_image_attribute` is written in a file, as [line, column]. */
function written(text: string): [number, number][] {
  return text.split('\n').flatMap((line, index): [number, number][] => (line.includes(CALL) ? [[index + 1, line.indexOf(CALL) + 1]] : []));
}

async function placesFound(name: string, text: string): Promise<[number, number][]> {
  writeFileSync(join(dir, name), text);
  const result = await readWith([name], dir, { formats: [standInPython] });
  assert.deepEqual(result.problems, []);
  return result.subjects.map((subject) => {
    const location = subject.launch.unknowns[0]?.location;
    assert.ok(location?.kind === 'source' && location.file === name);
    assert.equal(location.endColumn - location.column, CALL.length, 'the range covers the call name');
    return [location.line, location.column];
  });
}

describe('CloudFormation inline code', () => {
  it('a YAML literal block ZipFile: each place is exact', async () => {
    const text = `AWSTemplateFormatVersion: '2010-09-09'
Resources:
  Share:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: python3.12
      Code:
        ZipFile: |
          import boto3

          def handler(event, context):
              boto3.client('ec2').modify_image_attribute(ImageId='ami-1', LaunchPermission={'Add': [{'Group': 'all'}]})
`;
    assert.deepEqual(await placesFound('block.yaml', text), written(text));
    // The reader is told where the block is, so that the lines its messages name are the template's.
    assert.deepEqual([seen.at(-1)?.at, seen.at(-1)?.indent], [{ line: 9, column: 11 }, 10]);
  });

  it('a ZipFile in !Sub: substituted values do not shift what follows them', async () => {
    const text = `Parameters:
  Prefix:
    Type: String
    Default: p
Resources:
  Share:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: python3.12
      Code:
        ZipFile: !Sub |
          import boto3
          REGION = '\${AWS::Region}'; boto3.client('ec2').modify_image_attribute(ImageId='\${Prefix}')
          x = '\${Prefix}-\${!Literal}'; boto3.client('ec2').modify_image_attribute(ImageId='ami-1')
`;
    assert.deepEqual(await placesFound('sub.yaml', text), written(text));
    const code = seen.at(-1);
    assert.match(code?.text ?? '', /REGION = '\$\{AWS::Region\}'/, 'an unknown value keeps its expression');
    assert.match(code?.text ?? '', /x = 'p-\$\{Literal\}'/, 'a known value is substituted');
  });

  it('a JSON string ZipFile: escapes are counted in the columns', async () => {
    const template = {
      Resources: {
        Share: {
          Type: 'AWS::Lambda::Function',
          Properties: { Runtime: 'python3.12', Code: { ZipFile: "import boto3\nname = \"x\"; boto3.client('ec2').modify_image_attribute(ImageId='ami-1')\n" } },
        },
      },
    };
    const text = JSON.stringify(template, null, 2);
    assert.match(text, /name = \\"x\\"; boto3/, 'the call follows escapes on its line');
    assert.deepEqual(await placesFound('string.json', text), written(text));
  });

  it('a ZipFile built with Fn::Join (corpus case 019): the call is found where the template writes it', async () => {
    const cwd = join(CORPUS, '019-cfn-json-golden-ami-tenable-inline-lambda');
    const name = 'Gold-AMi-Stack-CFT-CI-Tenable.json';
    const result = await readWith([name], cwd, { formats: [standInPython] });
    const places = result.subjects.map((subject) => {
      const location = subject.launch.unknowns[0]?.location;
      return location?.kind === 'source' ? [location.line, location.column] : [];
    });
    assert.deepEqual(places, written(readFileSync(join(cwd, name), 'utf8')));
    // One piece per line: the code's lines are the template's from the first piece on.
    const code = seen.find((candidate) => candidate.text.includes('CopyToMultipleAccounts') || candidate.text.includes(`ec2Client.${CALL}`));
    const first = code?.text.split('\n').findIndex((line) => line.includes(CALL)) ?? -1;
    assert.equal((code?.at.line ?? 0) + first, places[0]?.[0]);
  });

  it('an SSM Automation aws:executeScript Script is read as Python', async () => {
    const text = `AWSTemplateFormatVersion: '2010-09-09'
Resources:
  Doc:
    Type: AWS::SSM::Document
    Properties:
      DocumentType: Automation
      Content:
        schemaVersion: '0.3'
        mainSteps:
          - name: approve
            action: aws:approve
          - name: share
            action: aws:executeScript
            inputs:
              Runtime: python3.11
              Handler: handler
              Script: |-
                def handler(events, context):
                    import boto3
                    boto3.client('ec2').modify_image_attribute(ImageId=events['ami'], LaunchPermission={'Add': [{'Group': 'all'}]})
`;
    assert.deepEqual(await placesFound('ssm.yaml', text), written(text));
  });

  it("a SAM function's InlineCode, with the runtime from Globals", async () => {
    const body = (runtime: string) => `Transform: AWS::Serverless-2016-10-31
Globals:
  Function:
    Runtime: ${runtime}
Resources:
  Share:
    Type: AWS::Serverless::Function
    Properties:
      Handler: index.handler
      InlineCode: |
        import boto3
        boto3.client('ec2').modify_image_attribute(ImageId='ami-1')
`;
    const text = body('python3.12');
    assert.deepEqual(await placesFound('sam.yaml', text), written(text));
    writeFileSync(join(dir, 'sam-node.yaml'), body('nodejs20.x'));
    const node = await readWith(['sam-node.yaml'], dir, { formats: [standInPython] });
    assert.deepEqual([node.subjects.length, node.problems.length, node.problems[0]?.unevaluated], [0, 1, true]);
  });

  it('a resource behind an undecided Condition passes it on; a false one is not read', async () => {
    const body = (condition: string) => `Parameters:
  Env:
    Type: String
    Default: dev
Conditions:
  IsProd: !Equals [!Ref Env, prod]
  InUsEast: !Equals [!Ref AWS::Region, us-east-1]
Resources:
  Share:
    Type: AWS::Lambda::Function
    Condition: ${condition}
    Properties:
      Runtime: python3.12
      Code:
        ZipFile: "import boto3; boto3.client('ec2').modify_image_attribute(ImageId='ami-1')"
`;
    seen.length = 0;
    assert.equal((await placesFound('false.yaml', body('IsProd'))).length, 0);
    assert.equal(seen.length, 0);
    assert.equal((await placesFound('undecided.yaml', body('InUsEast'))).length, 1);
    assert.equal(seen[0]?.condition, "the stack's condition InUsEast holds");
  });

  it('inline code of a runtime amiguard has no reader for: a problem when it changes permissions, nothing otherwise', async () => {
    const body = (code: string) => `Resources:
  Share:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: nodejs20.x
      Code:
        ZipFile: |
          ${code}
`;
    writeFileSync(join(dir, 'node.yaml'), body("await ec2.send(new ModifyImageAttributeCommand({ ImageId, LaunchPermission: { Add: [{ Group: 'all' }] } }));"));
    const flagged = await readWith(['node.yaml'], dir, { formats: [standInPython] });
    assert.equal(flagged.problems.length, 1);
    assert.equal(flagged.problems[0]?.unevaluated, true);
    assert.match(flagged.problems[0]?.message ?? '', /Share: inline nodejs20\.x code that changes image or snapshot permissions is not read/);
    assert.deepEqual([flagged.problems[0]?.location.line, flagged.problems[0]?.location.column], [7, 18]);
    writeFileSync(join(dir, 'node-quiet.yaml'), body("console.log('hello');"));
    assert.deepEqual((await readWith(['node-quiet.yaml'], dir, { formats: [standInPython] })).problems, []);
  });

  it('with no Python reader, inline Python is an unevaluated problem where the code starts, never a silent pass', async () => {
    const text = `Resources:
  Share:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: python3.12
      Code:
        ZipFile: |
          import boto3
`;
    writeFileSync(join(dir, 'no-reader.yaml'), text);
    const result = await readWith(['no-reader.yaml'], dir, { formats: [] });
    assert.equal(result.problems.length, 1);
    assert.equal(result.problems[0]?.unevaluated, true);
    assert.deepEqual([result.problems[0]?.location.line, result.problems[0]?.location.column], [8, 11]);
  });
});
