import { ApiError, dryRunOperation } from './api-error.js';
import type { QueryParams } from './query.js';
import { exactParam } from './query.js';
import type { ThrottleClass } from './throttle.js';
import type { Principal, World } from './world.js';

/** One EC2 request, after authentication: who asks, in which region, with which parameters. */
export interface Ec2Context {
  readonly world: World;
  readonly principal: Principal;
  readonly accountId: string;
  readonly region: string;
  readonly params: QueryParams;
  readonly now: Date;
}

export interface Ec2Action {
  /** Parameter names the action defines besides Action and Version; others are UnknownParameter. */
  readonly params: readonly RegExp[];
  /** Which token bucket of AWS-FACTS.md's throttling table the request draws from. */
  throttleClass(params: QueryParams): ThrottleClass;
  /** Validates, answers DryRunOperation under DryRun, else acts; returns the response's inner XML. */
  run(context: Ec2Context): string;
}

export const DRY_RUN_PARAM = exactParam('DryRun');

/**
 * Called once a request is fully validated: under DryRun it answers DryRunOperation and
 * nothing changes. See "DryRun" in
 * https://docs.aws.amazon.com/AWSEC2/latest/APIReference/CommonParameters.html
 */
export function stopIfDryRun(context: Ec2Context): void {
  if (context.params.boolean('DryRun') === true) throw dryRunOperation();
}

/** The answer AWS gives a caller that can see a resource it does not own. */
export function notAuthorizedFor(kind: 'image' | 'snapshot', id: string): ApiError {
  return new ApiError('AuthFailure', `Not authorized for ${kind}:${id}`);
}

export const RETURN_TRUE = '<return>true</return>';

/** What a pagination token is bound to: the caller, the region and every parameter but the token. */
export function paginationKey(context: Ec2Context): string {
  const { params } = context;
  const names = params.names().filter((name) => name !== 'NextToken').sort();
  return `${context.accountId}/${context.region}?${names.map((name) => `${name}=${params.string(name) ?? ''}`).join('&')}`;
}
