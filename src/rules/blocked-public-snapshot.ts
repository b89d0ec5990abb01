import type { Rule } from '../core/index.js';
import { describeSource, isPublicGrant, remediationFor, withRemoval } from './helpers.js';

/**
 * A public snapshot in a region whose snapshot block public access is `block-all-sharing`: the
 * grant is still on the snapshot, but AWS lets no other account use it (AWS-FACTS "Snapshots").
 * Not an open disk, so a rule of its own with a low default severity; it becomes one the day
 * the setting is relaxed, which is why it is still worth removing.
 */
export const blockedPublicSnapshot: Rule = {
  id: 'blocked-public-snapshot',
  meta: {
    description: 'A snapshot has a public create-volume permission that block-all-sharing currently blocks.',
    help:
      'With snapshot block public access set to block-all-sharing, AWS hides public snapshots from other ' +
      'accounts without changing their permissions: nobody outside the account can create a volume from them ' +
      'today. The moment the setting is relaxed to block-new-sharing or turned off, the snapshot is public again. ' +
      'Remove the "all" group from the snapshot so that it does not depend on the setting.',
    defaultSeverity: 'note',
    docs: 'rule-blocked-public-snapshot',
    messages: {
      blocked:
        '{name}: {source} makes the snapshot public, but block-all-sharing in {region} keeps anyone outside the account from using it; it becomes public if the setting is relaxed',
    },
  },
  checkImage(subject, context) {
    if (subject.publicSnapshotsBlocked !== true) return;
    for (const grant of subject.snapshot.grants.filter(isPublicGrant)) {
      context.report({
        messageId: 'blocked',
        data: { name: subject.name, source: describeSource(grant), region: grant.location.kind === 'aws' ? grant.location.region : '' },
        location: grant.location,
        key: `${grant.field}:all`,
        remediation: remediationFor(grant, 'blocked-public-snapshot', 'remove "all" from the snapshot\'s permissions'),
        ...withRemoval(grant),
      });
    }
  },
};
