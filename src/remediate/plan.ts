/**
 * The remediation plan: what `amiguard fix` would change, computed from findings alone (no AWS
 * calls). Findings carry a RemediationAction (the audit annotates, the remediation consumes);
 * the plan groups those actions per resource so that each AMI or snapshot is changed by one call.
 */
import { describeGrantee, granteeKey, type Finding, type Grantee } from '../core/index.js';

export interface PlanOptions {
  /** Fix only the findings of these rule ids. */
  readonly only?: readonly string[];
  /** Turning block public access on changes a whole region: only when asked for. */
  readonly blockPublicAccess?: boolean;
}

export interface ResourceRef {
  readonly kind: 'image' | 'snapshot';
  readonly id: string;
}

export type BlockPublicAccessTarget = 'images' | 'snapshots';

/** The finding that asked for a change. */
export interface StepCause {
  readonly ruleId: string;
  readonly fingerprint: string;
}

/** Remove grants from one AMI (one ModifyImageAttribute call) or one snapshot (one ModifySnapshotAttribute call). */
export interface RemoveGrantsStep {
  readonly kind: 'remove-grants';
  /** Stable across runs: the same resource always has the same key. */
  readonly key: string;
  readonly account: string;
  readonly region: string;
  readonly resource: ResourceRef;
  /** Sorted, without duplicates. */
  readonly grantees: readonly Grantee[];
  readonly causes: readonly StepCause[];
}

/** Turn on block public access for AMIs or snapshots in one account and region. */
export interface EnableBlockPublicAccessStep {
  readonly kind: 'enable-block-public-access';
  readonly key: string;
  readonly account: string;
  readonly region: string;
  readonly target: BlockPublicAccessTarget;
  readonly causes: readonly StepCause[];
}

export type PlanStep = RemoveGrantsStep | EnableBlockPublicAccessStep;

/** A finding in scope that the plan does not fix: a person has to look at it. */
export interface UnfixableFinding {
  readonly ruleId: string;
  readonly fingerprint: string;
  readonly reason: string;
}

export interface Plan {
  readonly steps: readonly PlanStep[];
  readonly unfixable: readonly UnfixableFinding[];
  /** Findings whose fix is turning block public access on, left out because it was not asked for. */
  readonly blockPublicAccessWithheld: readonly StepCause[];
}

export function resourceStepKey(account: string, region: string, resource: ResourceRef): string {
  return `${resource.kind}:${account}/${region}/${resource.id}`;
}

export function blockPublicAccessStepKey(account: string, region: string, target: BlockPublicAccessTarget): string {
  return `block-public-access:${account}/${region}/${target}`;
}

interface Group {
  readonly step: Omit<RemoveGrantsStep, 'grantees' | 'causes'> | Omit<EnableBlockPublicAccessStep, 'causes'>;
  readonly grantees: Map<string, Grantee>;
  readonly causes: Map<string, StepCause>;
}

/**
 * Groups the findings' actions per resource. Pure: the same findings give the same plan, in a
 * deterministic order. It only ever removes grants or turns protection on, and only on
 * resources a finding names.
 */
export function planRemediation(findings: readonly Finding[], options: PlanOptions = {}): Plan {
  const only = options.only === undefined ? undefined : new Set(options.only);
  const groups = new Map<string, Group>();
  const unfixable: UnfixableFinding[] = [];
  const withheld = new Map<string, StepCause>();

  for (const finding of findings) {
    if (only !== undefined && !only.has(finding.ruleId)) continue;
    const cause: StepCause = { ruleId: finding.ruleId, fingerprint: finding.fingerprint };
    const action = finding.action;
    if (action === undefined) {
      unfixable.push({ ...cause, reason: 'no automatic fix' });
      continue;
    }
    if (action.kind === 'enable-block-public-access') {
      if (options.blockPublicAccess !== true) {
        withheld.set(causeKey(cause), cause);
        continue;
      }
      const key = blockPublicAccessStepKey(action.account, action.region, action.target);
      const group = groupFor(groups, key, () => ({
        kind: 'enable-block-public-access',
        key,
        account: action.account,
        region: action.region,
        target: action.target,
      }));
      group.causes.set(causeKey(cause), cause);
      continue;
    }
    // AWS-FACTS: snapshots take account ids and `all` only; such an action cannot be carried out.
    if (action.resource.kind === 'snapshot' && (action.grantee.kind === 'organization' || action.grantee.kind === 'ou')) {
      unfixable.push({ ...cause, reason: `a snapshot cannot carry a grant to an ${action.grantee.kind === 'ou' ? 'OU' : 'organization'}` });
      continue;
    }
    const resource: ResourceRef = { kind: action.resource.kind, id: action.resource.id };
    const key = resourceStepKey(action.account, action.region, resource);
    const group = groupFor(groups, key, () => ({ kind: 'remove-grants', key, account: action.account, region: action.region, resource }));
    group.grantees.set(granteeKey(action.grantee), action.grantee);
    group.causes.set(causeKey(cause), cause);
  }

  const steps = [...groups.values()].map(toStep).sort(compareByPlace(stepRank));
  return {
    steps,
    unfixable: unfixable.sort((a, b) => compareText(causeKey(a), causeKey(b))),
    blockPublicAccessWithheld: [...withheld.values()].sort((a, b) => compareText(causeKey(a), causeKey(b))),
  };
}

function groupFor(groups: Map<string, Group>, key: string, make: () => Group['step']): Group {
  const existing = groups.get(key);
  if (existing !== undefined) return existing;
  const group: Group = { step: make(), grantees: new Map(), causes: new Map() };
  groups.set(key, group);
  return group;
}

function toStep(group: Group): PlanStep {
  const causes = [...group.causes.values()].sort((a, b) => compareText(causeKey(a), causeKey(b)));
  if (group.step.kind === 'enable-block-public-access') return { ...group.step, causes };
  const grantees = [...group.grantees.entries()].sort(([a], [b]) => compareText(a, b)).map(([, grantee]) => grantee);
  return { ...group.step, grantees, causes };
}

function causeKey(cause: StepCause): string {
  return `${cause.ruleId}\u0000${cause.fingerprint}`;
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Per account and region: AMIs, then snapshots, then the region's block public access. */
function stepRank(step: PlanStep): number {
  if (step.kind === 'remove-grants') return step.resource.kind === 'image' ? 0 : 1;
  return step.target === 'images' ? 2 : 3;
}

interface Placed {
  readonly account: string;
  readonly region: string;
  readonly key: string;
}

/** Orders per account and region, then by rank (the kind of change), then by key. */
export function compareByPlace<T extends Placed>(rank: (item: T) => number): (a: T, b: T) => number {
  return (a, b) => compareText(a.account, b.account) || compareText(a.region, b.region) || rank(a) - rank(b) || compareText(a.key, b.key);
}

function describeTarget(target: BlockPublicAccessTarget): string {
  return target === 'images' ? 'AMIs' : 'snapshots';
}

/** The plan as text for the CLI: one line per change, grouped by account and region. */
export function describePlan(plan: Plan): string {
  const lines: string[] = [];
  if (plan.steps.length === 0) {
    lines.push('Nothing to fix.');
  } else {
    const resources = plan.steps.filter((step) => step.kind === 'remove-grants').length;
    const settings = plan.steps.length - resources;
    const parts = [
      ...(resources === 0 ? [] : [`${resources} ${resources === 1 ? 'AMI or snapshot' : 'AMIs or snapshots'}`]),
      ...(settings === 0 ? [] : [`${settings} block public access ${settings === 1 ? 'setting' : 'settings'}`]),
    ];
    lines.push(`Plan: ${plan.steps.length} ${plan.steps.length === 1 ? 'change' : 'changes'} (${parts.join(', ')})`);
    const width = Math.max(...plan.steps.map((step) => (step.kind === 'remove-grants' ? step.resource.id.length : 0)));
    let place = '';
    for (const step of plan.steps) {
      const here = `${step.account} ${step.region}`;
      if (here !== place) {
        lines.push('', here);
        place = here;
      }
      const rules = `[${[...new Set(step.causes.map((cause) => cause.ruleId))].join(', ')}]`;
      if (step.kind === 'remove-grants') {
        const what = step.resource.kind === 'image' ? 'launch permission' : 'create-volume permission';
        const plural = step.grantees.length === 1 ? '' : 's';
        const whom = step.grantees.map(describeGrantee).join(', ');
        lines.push(`  ${step.resource.id.padEnd(width)}  remove ${what}${plural}: ${whom}  ${rules}`);
      } else {
        lines.push(`  turn on block public access for ${describeTarget(step.target)}  ${rules}`);
      }
    }
  }
  if (plan.unfixable.length > 0) {
    const count = plan.unfixable.length;
    lines.push('', `${count} ${count === 1 ? 'finding needs' : 'findings need'} a person: amiguard has no automatic fix for ${count === 1 ? 'it' : 'them'}.`);
  }
  if (plan.blockPublicAccessWithheld.length > 0) {
    const count = plan.blockPublicAccessWithheld.length;
    lines.push(
      '',
      `${count} ${count === 1 ? 'finding asks' : 'findings ask'} to turn on block public access, which changes a whole region: not planned unless asked for.`,
    );
  }
  return `${lines.join('\n')}\n`;
}
