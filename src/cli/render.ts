/**
 * Text and JSON renderings of AWS views and change outcomes (pure functions to strings). Every
 * text line carries AWS values (names, descriptions, ARNs, messages): each is escaped whole.
 */
import { describeGrantee, type Grantee } from '../core/index.js';
import type { ChangeOutcome } from '../manage/change.js';
import type { ImageView } from '../manage/inspect.js';
import { printable } from './io.js';

export function grantList(grantees: readonly Grantee[]): string {
  return grantees.length === 0 ? 'no one but the owner' : grantees.map(describeGrantee).join(', ');
}

export function renderImageViews(views: readonly ImageView[]): string {
  return views
    .map((view) => {
      const { image } = view;
      const bpa = view.blockPublicAccess;
      const lines = [
        `${image.id}  "${image.name}"  ${image.region}  owner ${image.ownerId}  ${image.state}`,
        `  launch permission: ${grantList(view.launch)}`,
        ...view.snapshots.map((snapshot) => {
          const key = snapshot.encrypted ? `encrypted with ${snapshot.defaultKey ? 'the default key aws/ebs' : (snapshot.kmsKeyId ?? 'a KMS key')}` : 'not encrypted';
          return `  snapshot ${snapshot.id} (${key}): create-volume permission: ${grantList(snapshot.permissions)}`;
        }),
        `  block public access in ${image.region}: images ${bpa.images.state} (${bpa.images.managedBy}), snapshots ${bpa.snapshots.state} (${bpa.snapshots.managedBy})`,
        ...view.warnings.map((warning) => `  ! ${warning}`),
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

export function imageViewsJson(views: readonly ImageView[]): string {
  return `${JSON.stringify(
    {
      version: 1,
      images: views.map((view) => ({
        ...view.image,
        launchPermissions: view.launch.map(grantJson),
        snapshots: view.snapshots.map((snapshot) => ({ ...snapshot, permissions: snapshot.permissions.map(grantJson) })),
        blockPublicAccess: view.blockPublicAccess,
        warnings: view.warnings,
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
