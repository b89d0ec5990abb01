import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import type { Finding } from '../../src/core/index.js';
import { parsePolicy } from '../../src/policy/index.js';
import { describePlan, planRemediation, undecidedApproval, type RemoveGrantsStep } from '../../src/remediate/index.js';
import { RULE_IDS } from '../../src/rules/index.js';
import { finding, IDS, ORG_POLICY, PROTECTIONS, protectionFinding, REMOVALS, removalFinding } from './helpers.js';

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

describe('planRemediation acts only on what it knows', () => {
  const policy = ORG_POLICY;
  const outsiderShare = removalFinding({
    account: prod, region: 'us-east-1', resource: { kind: 'image', id: IDS.images.sharedWithOutsider }, grantee: { kind: 'account', id: IDS.accounts.outsider },
  });
  const devShare = removalFinding({
    account: prod, region: 'eu-west-1', resource: { kind: 'image', id: IDS.images.customerKeyShared }, grantee: { kind: 'account', id: dev },
  });
  const member = (accountId: string) => ({ membership: (id: string) => (id === accountId ? { known: true as const, organizationArn: IDS.organization.arn, ouArns: [] } : { known: true as const, ouArns: [] }) });

  it('leaves out, as needing review, a share whose approval depends on an organization it could not read', () => {
    for (const directory of [undefined, { unavailable: 'AccessDenied' }, { membership: () => ({ known: false as const, reason: 'not read' }) }]) {
      const plan = planRemediation([outsiderShare, devShare, ...REMOVALS.slice(0, 2).map(removalFinding)], {
        undecided: undecidedApproval(directory === undefined ? { policy } : { policy, directory }),
      });
      assert.deepEqual(plan.steps.map((step) => (step.kind === 'remove-grants' ? step.resource.id : step.key)), [IDS.images.publicDemo, IDS.snapshots.publicDemo]);
      assert.deepEqual(plan.needsReview.map((item) => item.ruleId), ['unapproved-account', 'unapproved-account']);
      assert.match(plan.needsReview.map((item) => item.reason).join('\n'), new RegExp(`${prod}/eu-west-1/${IDS.images.customerKeyShared}: account ${dev} may belong to an approved organization or OU`));
      assert.match(describePlan(plan), /^2 findings need review, left out of the plan because amiguard could not decide them:$/m);
    }
  });

  it('lists as needing review a finding the audit itself could not decide, and plans nothing for it', () => {
    const undecidedByAudit: Finding = { ...devShare };
    Reflect.deleteProperty(undecidedByAudit, 'action');
    const plan = planRemediation([outsiderShare, { ...undecidedByAudit, approval: { status: 'unknown', reason: 'Organizations could not be read: AccessDenied' } }]);
    assert.deepEqual(plan.steps.map((step) => (step.kind === 'remove-grants' ? step.resource.id : step.key)), [IDS.images.sharedWithOutsider]);
    assert.deepEqual(plan.needsReview.map((item) => item.reason), [`${prod}/eu-west-1/${IDS.images.customerKeyShared}: ${devShare.message}`]);
    assert.deepEqual(plan.unfixable, []);
  });

  it('plans a share it could decide, and not one the organization as read now approves', () => {
    const plan = planRemediation([outsiderShare, devShare], { undecided: undecidedApproval({ policy, directory: member(dev) }) });
    assert.deepEqual(plan.steps.map((step) => (step.kind === 'remove-grants' ? step.resource.id : step.key)), [IDS.images.sharedWithOutsider]);
    assert.match(plan.needsReview[0]?.reason ?? '', /belongs to an approved organization or OU as read now/);
    const noGroups = parsePolicy(`allow:\n  accounts: ["${management}"]\n`, 'amiguard.yaml', RULE_IDS);
    assert.equal(planRemediation([outsiderShare, devShare], { undecided: undecidedApproval({ policy: noGroups }) }).steps.length, 2);
  });

  it('without an allow list, plans public removals but not the removal of every share, unless asked', () => {
    const findings = REMOVALS.map(removalFinding);
    const plan = planRemediation(findings, { hasAllowList: false });
    const publicOnly = REMOVALS.filter((removal) => removal.grantee.kind === 'public').map((removal) => removal.resource.id).sort();
    assert.deepEqual(plan.steps.map((step) => (step.kind === 'remove-grants' ? step.resource.id : step.key)).sort(), publicOnly);
    assert.equal(plan.sharesWithheld.length, REMOVALS.length - publicOnly.length);
    assert.match(describePlan(plan), /5 shares are reported only because no policy approves any account, organization or OU: not planned.*set the removeUnapprovedShares option to remove them all\.$/m);
    assert.match(describePlan(plan, { removeUnapprovedShares: 'pass --remove-unapproved-shares' }), /pass --remove-unapproved-shares to remove them all\.$/m);
    assert.equal(planRemediation(findings, { hasAllowList: false, removeUnapprovedShares: true }).steps.length, 8);
  });
});
