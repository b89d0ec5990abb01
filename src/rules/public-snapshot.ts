import type { Rule } from '../core/index.js';
import { reportPublicGrants } from './helpers.js';

export const publicSnapshot: Rule = {
  id: 'public-snapshot',
  meta: {
    description: 'An AMI\'s snapshots are shared with everyone (create-volume permission group "all").',
    help:
      'Anyone can create a volume from a public snapshot and read every byte of the disk, even when the AMI ' +
      'itself is private. Launching from a shared AMI does not need its snapshots shared. Remove "all" from ' +
      'snapshot_groups. A public-exception covers snapshots only when it says snapshots: true.',
    defaultSeverity: 'error',
    docs: 'rule-public-snapshot',
    messages: {
      public:
        '{name}: {source} makes the AMI\'s snapshots public: anyone can create volumes from them and read the disk',
      expiredException:
        '{name}: {source} makes the snapshots public, and the policy exception that allowed it expired on {expires} ({reason})',
    },
  },
  checkImage(subject, context) {
    // Under block-all-sharing nobody can use the grant: blocked-public-snapshot reports it.
    if (subject.publicSnapshotsBlocked === true) return;
    reportPublicGrants('snapshots', subject, context, (field) => `remove "all" from ${field}`);
  },
};
