/**
 * audit as a library, in one call: the policy found and loaded as lint finds it, the estate
 * read and checked. auditEstate is the same with a policy and session already in hand.
 */
import type { ResolvedPolicy } from '../core/index.js';
import { findAndLoadPolicy } from '../policy/index.js';
import { RULE_IDS } from '../rules/index.js';
import { AwsSession, type AwsOptions } from '../aws/session.js';
import { auditEstate, type AuditResult } from './audit-estate.js';
import type { ReadOptions } from './read-inventory.js';

export interface AuditRequest extends Omit<ReadOptions, 'session'> {
  /** A session to read with (left open); otherwise one is made from `aws` and closed after. */
  readonly session?: AwsSession;
  readonly aws?: AwsOptions;
  /** The policy; otherwise `configPath`, else the first amiguard.yaml upward from `cwd`, else the default. */
  readonly policy?: ResolvedPolicy;
  readonly configPath?: string;
  readonly cwd?: string;
  readonly now?: Date;
}

export async function audit(request: AuditRequest): Promise<AuditResult> {
  const { session: given, aws, policy: givenPolicy, configPath, cwd, ...rest } = request;
  const policy = givenPolicy ?? findAndLoadPolicy(configPath, cwd ?? process.cwd(), RULE_IDS);
  const session = given ?? new AwsSession(aws ?? {});
  try {
    return await auditEstate({ ...rest, session, policy });
  } finally {
    if (given === undefined) session.destroy();
  }
}
