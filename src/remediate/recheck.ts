/**
 * The estate as a plan would leave it, checked again: removing grants only ever makes findings go
 * away, except where a rule compares an AMI with its snapshots (a public AMI made private whose
 * snapshot is still shared with an account is a new snapshot-sharing-mismatch). Checking those
 * rules on the simulated estate lets the plan fix the snapshot side in the same pass.
 */
import { granteeKey, type Finding, type Grantee, type ResolvedPolicy } from '../core/index.js';
import type { AuditedImage, Inventory } from '../audit/model.js';
import { inventorySubjects } from '../audit/rule-subjects.js';
import { runRules } from '../rules/index.js';
import { snapshotSharingMismatch } from '../rules/snapshot-sharing-mismatch.js';
import type { RemoveGrantAction } from './plan.js';

/** The rules whose findings a removal can create. */
const RELATIONAL_RULES = [snapshotSharingMismatch];

export function recheckAfterRemovals(inventory: Inventory, policy: ResolvedPolicy, now: Date): (removals: readonly RemoveGrantAction[]) => Finding[] {
  return (removals) => {
    const gone = new Set(removals.map((removal) => `${removal.account}/${removal.region}/${removal.resource.id}\u0000${granteeKey(removal.grantee)}`));
    const keep = (account: string, region: string, id: string) => (grantee: Grantee) => !gone.has(`${account}/${region}/${id}\u0000${granteeKey(grantee)}`);
    const after: Inventory = {
      ...inventory,
      regions: inventory.regions.map((region) => ({
        ...region,
        images: region.images.map(
          (image): AuditedImage => ({
            ...image,
            launch: image.launch.filter(keep(image.account, image.region, image.id)),
            snapshots: image.snapshots.map((snapshot) => ({ ...snapshot, permissions: snapshot.permissions.filter(keep(image.account, image.region, snapshot.id)) })),
          }),
        ),
      })),
    };
    const { subjects } = inventorySubjects(after);
    return runRules({ subjects, problems: [], policy, rules: RELATIONAL_RULES, now });
  };
}
