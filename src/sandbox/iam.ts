import { wildcard } from './filters.js';
import type { Principal } from './world.js';

/** Whether the estate denies the principal an IAM action such as `ec2:ModifyImageAttribute`. */
export function isDenied(principal: Principal, action: string): boolean {
  return principal.denyActions.some((pattern) => wildcard(pattern).test(action));
}

/** The wording of an IAM denial (the encoded authorization message is left out). */
export function denialMessage(principal: Principal, action: string): string {
  return `User: ${principal.arn} is not authorized to perform: ${action} because no identity-based policy allows the ${action} action`;
}
