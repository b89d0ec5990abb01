import type { Rule } from '../core/index.js';
import { blockPublicAccessOff } from './block-public-access-off.js';
import { blockedPublicSnapshot } from './blocked-public-snapshot.js';
import { encryptedShareDefaultKey } from './encrypted-share-default-key.js';
import { invalidSuppression } from './invalid-suppression.js';
import { invalidGrantee } from './invalid-grantee.js';
import { parseError } from './parse-error.js';
import { publicAmi } from './public-ami.js';
import { publicSnapshot } from './public-snapshot.js';
import { snapshotSharingMismatch } from './snapshot-sharing-mismatch.js';
import { unapprovedAccount } from './unapproved-account.js';
import { unapprovedOrganization } from './unapproved-organization.js';
import { unapprovedOu } from './unapproved-ou.js';
import { unresolvedSharing } from './unresolved-sharing.js';

/** Every rule, sorted by id. A meta-test checks that each id matches its file name. */
export const RULES: readonly Rule[] = [
  blockPublicAccessOff,
  blockedPublicSnapshot,
  encryptedShareDefaultKey,
  invalidGrantee,
  invalidSuppression,
  parseError,
  publicAmi,
  publicSnapshot,
  snapshotSharingMismatch,
  unapprovedAccount,
  unapprovedOrganization,
  unapprovedOu,
  unresolvedSharing,
];

export const RULE_IDS: readonly string[] = RULES.map((rule) => rule.id);

export { checkAll, runRules, severityOf, type RuleRun } from './engine.js';
