import { describeGrantee, granteeKey, type Rule } from '../core/index.js';
import { describeSource, fixFor, isPublicGrant, originOf, remediationFor, withRemoval } from './helpers.js';

export const snapshotSharingMismatch: Rule = {
  id: 'snapshot-sharing-mismatch',
  meta: {
    description: 'An AMI\'s snapshots are shared more widely than the AMI itself (e.g. a private AMI with a public snapshot).',
    help:
      'Launching a shared AMI does not need its snapshots shared; only copying it does. A snapshot shared with ' +
      'someone who cannot launch the AMI exposes the disk\'s data for no use of the AMI: usually a leftover of an ' +
      'earlier share, or a public snapshot_groups set by mistake. Share snapshots with the same accounts as the ' +
      'AMI, or with none.',
    defaultSeverity: 'warning',
    docs: 'rule-snapshot-sharing-mismatch',
    messages: {
      publicSnapshotPrivateAmi: '{name}: {source} makes the snapshots public while the AMI itself is not public',
      accountWithoutLaunch: '{name}: {source} shares the snapshots with {what}, which cannot launch the AMI',
    },
  },
  checkImage(subject, context) {
    // A public snapshot that backs no AMI has no AMI to mismatch: public-snapshot reports it.
    if (subject.type === 'snapshot' || subject.launch.grants.some(isPublicGrant)) return;
    const launchable = new Set(subject.launch.grants.map((grant) => granteeKey(grant.grantee)));
    // An account may launch through an organization or OU share we cannot expand here, or through
    // a value not known: only report what is certainly a mismatch.
    const launchByGroup = subject.launch.grants.some((grant) => grant.grantee.kind === 'organization' || grant.grantee.kind === 'ou');
    const launchUnknown = subject.launch.unknowns.length > 0;
    for (const grant of subject.snapshot.grants) {
      if (grant.grantee.kind === 'public') {
        if (launchUnknown || subject.publicSnapshotsBlocked === true) continue;
        context.report({
          messageId: 'publicSnapshotPrivateAmi',
          data: { name: subject.name, source: describeSource(grant) },
          location: grant.location,
          related: originOf(grant),
          key: `${grant.field}:public`,
          remediation: remediationFor(grant, 'snapshot-sharing-mismatch', fixFor(grant, (field) => `remove "all" from ${field}`)),
          ...withRemoval(grant),
        });
      } else if (!launchable.has(granteeKey(grant.grantee)) && !launchByGroup && !launchUnknown) {
        context.report({
          messageId: 'accountWithoutLaunch',
          data: { name: subject.name, source: describeSource(grant), what: describeGrantee(grant.grantee) },
          location: grant.location,
          related: originOf(grant),
          key: `${grant.field}:${granteeKey(grant.grantee)}`,
          remediation: remediationFor(grant, 'snapshot-sharing-mismatch', 'share the snapshots with the accounts the AMI is shared with, or with none'),
          ...withRemoval(grant),
        });
      }
    }
  },
};
