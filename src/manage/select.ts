import { listRegions } from '../aws/inventory-reads.js';
import { UsageError } from '../core/index.js';
import { describeImagesById, isAmiId, listOwnedImages, type ImageInfo } from '../aws/images.js';
import type { AwsSession } from '../aws/session.js';
import { toAmiguardError } from '../aws/errors.js';

/** Which AMIs a command acts on: ids in one region, or a name pattern across regions. */
export interface ImageSelection {
  readonly ids: readonly string[];
  readonly namePattern?: string;
  /** Region names, or `all`; empty means the default region. */
  readonly regions: readonly string[];
}

/** Validates AMI ids before any call, so that a typo costs nothing. */
export function checkSelection(selection: ImageSelection): void {
  const bad = selection.ids.filter((id) => !isAmiId(id));
  if (bad.length > 0) {
    throw new UsageError(
      `${bad.map((id) => `"${id}"`).join(', ')} ${bad.length === 1 ? 'is' : 'are'} not an AMI id: expected ami- followed by 8 or 17 hex characters`,
    );
  }
  if (selection.ids.length === 0 && selection.namePattern === undefined) {
    throw new UsageError('name the AMIs: give AMI ids, or a name pattern', undefined, { kind: 'no-selection' });
  }
  if (selection.ids.length > 0 && selection.namePattern !== undefined) {
    throw new UsageError('give AMI ids or a name pattern, not both', undefined, { kind: 'ids-and-name' });
  }
}

/**
 * The regions to act in: the default region, the named ones (checked against the account's
 * regions), or `all` enabled ones.
 */
export async function resolveRegions(session: AwsSession, requested: readonly string[], command: string): Promise<string[]> {
  const home = await session.defaultRegion();
  if (requested.length === 0) return [home];
  let regions;
  try {
    regions = await listRegions(session.ec2(home));
  } catch (error) {
    throw toAmiguardError(error, { service: 'ec2', action: 'DescribeRegions', region: home, command });
  }
  const enabled = regions
    .filter((region) => region.optInStatus !== 'not-opted-in')
    .map((region) => region.name)
    .sort();
  if (requested.length === 1 && requested[0] === 'all') return enabled;
  const known = new Set(regions.map((region) => region.name));
  const unknown = requested.filter((region) => !known.has(region));
  if (unknown.length > 0) {
    throw new UsageError(`unknown region${unknown.length === 1 ? '' : 's'}: ${unknown.join(', ')}`, `the account's regions are: ${enabled.join(', ')}`);
  }
  const disabled = requested.filter((region) => !enabled.includes(region));
  if (disabled.length > 0) {
    throw new UsageError(`region${disabled.length === 1 ? '' : 's'} not enabled for this account: ${disabled.join(', ')}`, 'enable the region, or leave it out of the regions to read', {
      kind: 'region-not-enabled',
      regions: disabled,
    });
  }
  return [...requested];
}

/** The selected AMIs, each with its region. Ids that do not exist are an error naming them. */
export async function selectImages(
  session: AwsSession,
  selection: ImageSelection,
  command: string,
  options: { readonly allowNoMatch?: boolean } = {},
): Promise<ImageInfo[]> {
  checkSelection(selection);
  const regions = await resolveRegions(session, selection.regions, command);
  const images: ImageInfo[] = [];
  for (const region of regions) {
    try {
      if (selection.namePattern !== undefined) {
        images.push(...(await listOwnedImages(session.ec2(region), region, selection.namePattern)));
      } else {
        // Several regions: each is searched, and an id is missing only if no region has it.
        images.push(...(await describeImagesById(session.ec2(region), region, selection.ids, { search: regions.length > 1 })));
      }
    } catch (error) {
      throw toAmiguardError(error, {
        service: 'ec2',
        action: 'DescribeImages',
        region,
        command,
        ...(selection.ids.length > 0 ? { resource: selection.ids.join(', ') } : {}),
      });
    }
  }
  // A change command that matches nothing is a mistake to report; a look (`show`) just finds nothing.
  if (selection.namePattern !== undefined && images.length === 0 && options.allowNoMatch !== true) {
    throw new UsageError(`no AMI owned by this account matches the name "${selection.namePattern}" in ${regions.join(', ')}`, 'names match AWS\'s name filter: * and ? are wildcards', {
      kind: 'no-name-match',
      pattern: selection.namePattern,
      regions,
    });
  }
  const found = new Set(images.map((image) => image.id));
  const missing = selection.ids.filter((id) => !found.has(id));
  if (missing.length > 0) {
    throw new UsageError(`AMI ${missing.join(', ')} not found in ${regions.join(', ')}`, 'AMIs are regional: look in the AMI\'s own region', { kind: 'ami-not-found', amis: missing, regions });
  }
  return images.sort((a, b) => (a.region === b.region ? a.id.localeCompare(b.id) : a.region.localeCompare(b.region)));
}
