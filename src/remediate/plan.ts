/**
 * The remediation plan: what `amiguard fix` would change, computed from findings alone (no AWS
 * calls). Findings carry a RemediationAction (the audit annotates, the remediation consumes);
 * the plan groups those actions per resource so that each AMI or snapshot is changed by one call.
 */
import { describeGrantee, granteeKey, type Finding, type Grantee, type RemediationAction } from '../core/index.js';

export type RemoveGrantAction = Extract<RemediationAction, { readonly kind: 'remove-grant' }>;

export interface PlanOptions {
  /** Fix only the findings of these rule ids. */
  readonly only?: readonly string[];
  /** Turning block public access on changes a whole region: only when asked for. */
  readonly blockPublicAccess?: boolean;
  /**
   * Why a finding's verdict could not be decided, if it could not (e.g. whether an account
   * belongs to an approved organization, when Organizations could not be read). Such findings
   * are listed as needing review and never planned: change commands act only on known facts.
   */
  readonly undecided?: (finding: Finding) => string | undefined;
  /**
   * False when no policy approves any grantee: every share is then "unapproved", and removing
   * them all is planned only with `removeUnapprovedShares`.
   */
  readonly hasAllowList?: boolean;
  readonly removeUnapprovedShares?: boolean;
  /**
   * The findings the estate would have once these grants are removed. Removing a grant can make
   * a new finding (a private AMI whose snapshot is still shared); planning those in the same pass
   * lets one run of fix, even interrupted and re-run once, reach the state a second run would.
   */
  readonly recheck?: (removals: readonly RemoveGrantAction[]) => readonly Finding[];
}

/** The rules whose findings are shares with a named grantee, which only a policy can approve. */
const SHARE_RULES: ReadonlySet<string> = new Set(['unapproved-account', 'unapproved-organization', 'unapproved-ou']);

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
  /** Findings whose verdict could not be decided: left out, a person has to look. */
  readonly needsReview: readonly UnfixableFinding[];
  /** Shares reported only because no policy approves anything: left out unless asked for. */
  readonly sharesWithheld: readonly StepCause[];
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
  let all = findings;
  const seen = new Set(findings.map(findingKey));
  for (;;) {
    const plan = planOnce(all, options);
    if (options.recheck === undefined) return plan;
    const removals = plan.steps.flatMap((step): RemoveGrantAction[] =>
      step.kind === 'remove-grants'
        ? step.grantees.map((grantee) => ({ kind: 'remove-grant', account: step.account, region: step.region, resource: step.resource, grantee }))
        : [],
    );
    // Each pass removes at least as much as the one before, from a finite estate: this ends.
    const added = options.recheck(removals).filter((finding) => !seen.has(findingKey(finding)));
    if (added.length === 0) return plan;
    for (const finding of added) seen.add(findingKey(finding));
    all = [...all, ...added];
  }
}

function findingKey(finding: Finding): string {
  return `${finding.ruleId}\u0000${finding.fingerprint}`;
}

function planOnce(findings: readonly Finding[], options: PlanOptions): Plan {
  const only = options.only === undefined ? undefined : new Set(options.only);
  const groups = new Map<string, Group>();
  const unfixable: UnfixableFinding[] = [];
  const needsReview: UnfixableFinding[] = [];
  const withheld = new Map<string, StepCause>();
  const sharesWithheld = new Map<string, StepCause>();

  for (const finding of findings) {
    if (only !== undefined && !only.has(finding.ruleId)) continue;
    const cause: StepCause = { ruleId: finding.ruleId, fingerprint: finding.fingerprint };
    const action = finding.action;
    // The audit could not decide whether this grant is approved (Organizations unreadable): a
    // change acts only on facts, so it is for a person to review, never a removal.
    if (finding.approval !== undefined) {
      const { location } = finding;
      const where = location.kind === 'aws' ? `${location.account}/${location.region}/${location.resourceId}: ` : '';
      needsReview.push({ ...cause, reason: `${where}${finding.message}` });
      continue;
    }
    if (action === undefined) {
      unfixable.push({ ...cause, reason: 'no automatic fix' });
      continue;
    }
    const undecided = options.undecided?.(finding);
    if (undecided !== undefined) {
      needsReview.push({ ...cause, reason: undecided });
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
    if (options.hasAllowList === false && options.removeUnapprovedShares !== true && SHARE_RULES.has(finding.ruleId)) {
      sharesWithheld.set(causeKey(cause), cause);
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

  const byCause = (a: StepCause, b: StepCause) => compareText(causeKey(a), causeKey(b));
  const steps = [...groups.values()].map(toStep).sort(compareByPlace(stepRank));
  return {
    steps,
    unfixable: unfixable.sort(byCause),
    blockPublicAccessWithheld: [...withheld.values()].sort(byCause),
    needsReview: needsReview.sort((a, b) => compareText(a.reason, b.reason) || byCause(a, b)),
    sharesWithheld: [...sharesWithheld.values()].sort(byCause),
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

/** How the caller names the options a plan's text points to: the CLI names its flags. */
export interface PlanWords {
  /** Asking for every unapproved share to be removed when no policy approves any grantee. */
  readonly removeUnapprovedShares: string;
}

/** The library's own words: its option names. */
const OPTION_WORDS: PlanWords = { removeUnapprovedShares: 'set the removeUnapprovedShares option' };

/** The plan as text: one line per change, grouped by account and region. */
export function describePlan(plan: Plan, words: PlanWords = OPTION_WORDS): string {
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
  if (plan.needsReview.length > 0) {
    const count = plan.needsReview.length;
    lines.push('', `${count} ${count === 1 ? 'finding needs' : 'findings need'} review, left out of the plan because amiguard could not decide ${count === 1 ? 'it' : 'them'}:`);
    for (const item of plan.needsReview) lines.push(`  [${item.ruleId}] ${item.reason}`);
  }
  if (plan.sharesWithheld.length > 0) {
    const count = plan.sharesWithheld.length;
    lines.push(
      '',
      `${count} ${count === 1 ? 'share is' : 'shares are'} reported only because no policy approves any account, organization or OU: not planned, since fix would remove every share. List the grantees you mean under allow: in amiguard.yaml, or ${words.removeUnapprovedShares} to remove them all.`,
    );
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
