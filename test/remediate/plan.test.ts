import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import type { Finding } from '../../src/core/index.js';
import { describePlan, planRemediation, type RemoveGrantsStep } from '../../src/remediate/index.js';
import { finding, IDS, PROTECTIONS, protectionFinding, REMOVALS, removalFinding } from './helpers.js';

const { dev, prod, management } = IDS.accounts;
const allFindings: Finding[] = [
  ...REMOVALS.map(removalFinding),
  ...PROTECTIONS.map(protectionFinding),
  finding('encrypted-share-default-key', prod, 'eu-west-1', IDS.images.defaultKeyEncrypted),
  finding('unresolved-sharing', dev, 'us-east-1', IDS.images.devPrivate),
];

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const item of Object.values(value)) deepFreeze(item);
    Object.freeze(value);
  }
  return value;
}

describe('planRemediation', () => {
  it('groups the grants of one resource into one step, with every finding that asked', () => {
    const plan = planRemediation(allFindings);
    const devTools = plan.steps.filter((step) => step.kind === 'remove-grants' && step.resource.id === IDS.images.devToolsShared);
    assert.equal(devTools.length, 1);
    const [step] = devTools as RemoveGrantsStep[];
    assert.deepEqual(step?.grantees, [
      { kind: 'account', id: prod },
      { kind: 'ou', arn: IDS.organization.devOuArn },
    ]);
    assert.deepEqual(
      step?.causes.map((cause) => cause.ruleId),
      ['unapproved-account', 'unapproved-ou'],
    );
    assert.equal(step?.key, `image:${dev}/us-east-1/${IDS.images.devToolsShared}`);
    // One step per resource named: 8 resources, grants only (block public access not asked for).
    assert.equal(plan.steps.length, 8);
    assert.ok(plan.steps.every((item) => item.kind === 'remove-grants'));
  });

  it('merges the same grant asked for by two findings', () => {
    const removal = REMOVALS[0];
    assert.ok(removal !== undefined);
    const twice = [removalFinding(removal), { ...removalFinding(removal), ruleId: 'other-rule', fingerprint: 'other' }];
    const plan = planRemediation(twice);
    assert.equal(plan.steps.length, 1);
    const [step] = plan.steps as RemoveGrantsStep[];
    assert.deepEqual(step?.grantees, [{ kind: 'public' }]);
    assert.equal(step?.causes.length, 2);
  });

  it('is pure and deterministic: same plan whatever the order of the findings, inputs untouched', () => {
    const frozen = deepFreeze(allFindings.map((item) => structuredClone(item)));
    const before = JSON.stringify(frozen);
    const plan = planRemediation(frozen, { blockPublicAccess: true });
    const reversed = planRemediation([...frozen].reverse(), { blockPublicAccess: true });
    const shuffled = planRemediation([...frozen].sort((a, b) => (a.fingerprint < b.fingerprint ? 1 : -1)), { blockPublicAccess: true });
    assert.deepEqual(reversed, plan);
    assert.deepEqual(shuffled, plan);
    assert.equal(JSON.stringify(frozen), before);
    // Ordered per account, region, then AMIs, snapshots, settings.
    assert.deepEqual(
      plan.steps.map((step) => step.key),
      [
        `image:${management}/ap-southeast-2/${IDS.images.goldenCopyOrgShared}`,
        `image:${management}/us-east-1/${IDS.images.publicDemo}`,
        `snapshot:${management}/us-east-1/${IDS.snapshots.publicDemo}`,
        `block-public-access:${management}/us-east-1/images`,
        `block-public-access:${management}/us-east-1/snapshots`,
        `image:${prod}/ap-southeast-2/${IDS.images.prodPublicOld}`,
        `block-public-access:${prod}/eu-west-1/images`,
        `image:${prod}/us-east-1/${IDS.images.sharedWithOutsider}`,
        `snapshot:${prod}/us-east-1/${IDS.snapshots.sharedWithOutsider}`,
        `image:${dev}/us-east-1/${IDS.images.devToolsShared}`,
        `snapshot:${dev}/us-east-1/${IDS.snapshots.privateWithPublicSnapshot}`,
        `block-public-access:${dev}/us-east-1/images`,
      ],
    );
  });

  it('counts the findings without an action as needing a person', () => {
    const plan = planRemediation(allFindings);
    assert.deepEqual(
      plan.unfixable.map((item) => item.ruleId),
      ['encrypted-share-default-key', 'unresolved-sharing'],
    );
  });

  it('plans block public access only when asked for, and says how many were held back', () => {
    const without = planRemediation(allFindings);
    assert.equal(without.steps.filter((step) => step.kind === 'enable-block-public-access').length, 0);
    assert.equal(without.blockPublicAccessWithheld.length, PROTECTIONS.length);
    const withIt = planRemediation(allFindings, { blockPublicAccess: true });
    assert.equal(withIt.steps.filter((step) => step.kind === 'enable-block-public-access').length, PROTECTIONS.length);
    assert.equal(withIt.blockPublicAccessWithheld.length, 0);
  });

  it('narrows to the rule ids of `only`, unfixable findings included', () => {
    const plan = planRemediation(allFindings, { only: ['public-ami', 'unresolved-sharing'], blockPublicAccess: true });
    assert.deepEqual(
      plan.steps.map((step) => (step.kind === 'remove-grants' ? step.resource.id : step.key)),
      [IDS.images.publicDemo, IDS.images.prodPublicOld],
    );
    assert.deepEqual(plan.unfixable.map((item) => item.ruleId), ['unresolved-sharing']);
    assert.deepEqual(plan.blockPublicAccessWithheld, []);
  });

  it('never adds, and never names a resource no finding names', () => {
    const plan = planRemediation(allFindings, { blockPublicAccess: true });
    const named = new Set(allFindings.flatMap((item) => (item.action?.kind === 'remove-grant' ? [item.action.resource.id] : [])));
    for (const step of plan.steps) {
      assert.ok(step.kind === 'remove-grants' || step.kind === 'enable-block-public-access');
      if (step.kind === 'remove-grants') assert.ok(named.has(step.resource.id), step.resource.id);
      assert.ok(!('add' in step));
    }
  });

  it('does not plan an organization grant on a snapshot, which AWS cannot hold', () => {
    const plan = planRemediation([
      finding('unapproved-organization', prod, 'us-east-1', IDS.snapshots.sharedWithOutsider, {
        kind: 'remove-grant',
        account: prod,
        region: 'us-east-1',
        resource: { kind: 'snapshot', id: IDS.snapshots.sharedWithOutsider },
        grantee: { kind: 'organization', arn: IDS.organization.arn },
      }),
    ]);
    assert.deepEqual(plan.steps, []);
    assert.equal(plan.unfixable.length, 1);
    assert.match(plan.unfixable[0]?.reason ?? '', /snapshot cannot carry a grant to an organization/);
  });
});

describe('describePlan', () => {
  it('lists every change by account and region, and what it leaves to a person', () => {
    const expected = readFileSync(new URL('../fixtures/remediate/plan.txt', import.meta.url), 'utf8');
    assert.equal(describePlan(planRemediation(allFindings, { blockPublicAccess: true })), expected);
  });

  it('says how many block public access changes were held back', () => {
    const text = describePlan(planRemediation(allFindings, { only: ['public-ami', 'block-public-access-off', 'unresolved-sharing'] }));
    assert.match(text, /^Plan: 2 changes \(2 AMIs or snapshots\)$/m);
    assert.match(text, /^1 finding needs a person: amiguard has no automatic fix for it\.$/m);
    assert.match(text, /^4 findings ask to turn on block public access, which changes a whole region: not planned unless asked for\.$/m);
  });

  it('says when there is nothing to fix', () => {
    assert.equal(describePlan(planRemediation([])), 'Nothing to fix.\n');
  });
});
