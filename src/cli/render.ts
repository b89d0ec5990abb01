/**
 * Text and JSON renderings of AWS views and change outcomes (pure functions to strings). Every
 * text line carries AWS values (names, descriptions, ARNs, messages): each is escaped whole.
 */
import { describeGap, describeGrantee, type Grantee } from '../core/index.js';
import type { BlockPublicAccessState } from '../aws/block-public-access.js';
import type { ChangeOutcome } from '../manage/change.js';
import type { ImageReading } from '../manage/inspect.js';
import { printable } from './io.js';

export function grantList(grantees: readonly Grantee[]): string {
  return grantees.length === 0 ? 'no one but the owner' : grantees.map(describeGrantee).join(', ');
}

/** `show`: each AMI as far as it was read; what was not is marked unknown, with the reason and IAM action. */
export function renderImageViews(readings: readonly ImageReading[]): string {
  return readings
    .map((reading) => {
      const { image } = reading;
      const bpa = reading.blockPublicAccess;
      const setting = (state: BlockPublicAccessState) => (state.unknown === undefined ? `${state.state} (${state.managedBy})` : 'unknown');
      const lines = [
        `${image.id}  "${image.name}"  ${image.region}  owner ${image.ownerId}  ${image.state}`,
        `  launch permission: ${reading.launch === undefined ? `unknown${image.public ? ' (public, says DescribeImages; there may be more)' : ''}` : grantList(reading.launch)}`,
        ...reading.snapshots.map((snapshot) => {
          const info = snapshot.info;
          const key =
            info === undefined
              ? 'encryption unknown'
              : info.encrypted
                ? `encrypted with ${snapshot.defaultKey ? 'the default key aws/ebs' : (info.kmsKeyId ?? 'a KMS key')}`
                : 'not encrypted';
          return `  snapshot ${snapshot.id} (${key}): create-volume permission: ${snapshot.permissions === undefined ? 'unknown' : grantList(snapshot.permissions)}`;
        }),
        `  block public access in ${image.region}: images ${setting(bpa.images)}, snapshots ${setting(bpa.snapshots)}`,
        ...reading.warnings.map((warning) => `  ! ${warning}`),
        ...reading.unread.map((gap) => `  ? ${describeGap(gap)}${gap.resource === undefined ? '' : ` of ${gap.resource}`} unknown: ${gap.reason}${gap.action === undefined ? '' : ` [${gap.action}]`}`),
      ];
      return lines.map(printable).join('\n');
    })
    .join('\n\n')
    .concat('\n');
}

export function grantJson(grantee: Grantee): Record<string, string> {
  switch (grantee.kind) {
    case 'account':
      return { kind: 'account', id: grantee.id };
    case 'organization':
      return { kind: 'organization', arn: grantee.arn };
    case 'ou':
      return { kind: 'ou', arn: grantee.arn };
    case 'public':
      return { kind: 'public' };
  }
}

/** Version 1 of show's JSON; an unknown part is `null` and named in `unread`, never left out. */
export function imageViewsJson(readings: readonly ImageReading[]): string {
  return `${JSON.stringify(
    {
      version: 1,
      complete: readings.every((reading) => reading.unread.length === 0),
      images: readings.map((reading) => ({
        ...reading.image,
        launchPermissions: reading.launch === undefined ? null : reading.launch.map(grantJson),
        snapshots: reading.snapshots.map((snapshot) => ({
          id: snapshot.id,
          ...(snapshot.info ?? { encrypted: null }),
          defaultKey: snapshot.defaultKey,
          permissions: snapshot.permissions === undefined ? null : snapshot.permissions.map(grantJson),
        })),
        blockPublicAccess: reading.blockPublicAccess,
        warnings: reading.warnings,
        unread: reading.unread,
      })),
    },
    null,
    2,
  )}\n`;
}

export function renderOutcomes(outcomes: readonly ChangeOutcome[]): string {
  return outcomes
    .map((outcome) => printable(outcomeLine(outcome)))
    .join('\n')
    .concat('\n');
}

function outcomeLine(outcome: ChangeOutcome): string {
  const what = outcome.resource.kind === 'image' ? `${outcome.imageId} (${outcome.region})` : `  snapshot ${outcome.resource.id}`;
  if (outcome.skipped !== undefined) return `${what}: skipped: ${outcome.skipped}`;
  const verb = outcome.dryRun ? 'would ' : '';
  const parts: string[] = [];
  if (outcome.added.length > 0) parts.push(`${verb}add ${grantList(outcome.added)}`);
  if (outcome.removed.length > 0) parts.push(`${verb}remove ${grantList(outcome.removed)}`);
  if (parts.length === 0) {
    const already = outcome.direction === 'add' ? 'already granted to' : 'not granted to';
    return `${what}: nothing to change${outcome.unchanged.length > 0 ? ` (${already} ${grantList(outcome.unchanged)})` : ''}`;
  }
  const after = outcome.after === undefined ? '' : `; now: ${grantList(outcome.after)}`;
  return `${what}: ${parts.join(', ')}${outcome.dryRun ? ' (dry run: AWS says the request would succeed; nothing changed)' : ''}${after}`;
}

export function outcomesJson(outcomes: readonly ChangeOutcome[]): string {
  return `${JSON.stringify(
    {
      version: 1,
      changes: outcomes.map((outcome) => ({
        ...outcome,
        added: outcome.added.map(grantJson),
        removed: outcome.removed.map(grantJson),
        unchanged: outcome.unchanged.map(grantJson),
        ...(outcome.after === undefined ? {} : { after: outcome.after.map(grantJson) }),
      })),
    },
    null,
    2,
  )}\n`;
}
