/**
 * A region the user names is checked before any work, as a list of regions is: by its shape,
 * then against EC2's own list. A wrong name would otherwise surface later as a DNS failure
 * (no endpoint ec2.<region>.amazonaws.com) or an AuthFailure that reads like a disabled region.
 */
import { UsageError } from '../core/index.js';
import { listRegions } from './inventory-reads.js';
import type { AwsSession } from './session.js';

/** us-east-1, eu-central-2, us-gov-west-1, cn-north-1, ap-southeast-7 and the like. */
const REGION_NAME = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;

/**
 * A region of the named region's partition that always exists, to ask for the list of regions
 * when the named one may not exist (and so has no endpoint to ask).
 */
function anchorRegion(region: string): string {
  if (region.startsWith('cn-')) return 'cn-north-1';
  if (region.startsWith('us-gov-')) return 'us-gov-west-1';
  if (region.startsWith('us-iso-')) return 'us-iso-east-1';
  if (region.startsWith('us-isob-')) return 'us-isob-east-1';
  return 'us-east-1';
}

/**
 * Refuses a region that is not a region: a malformed name at once, an unknown one when EC2's
 * list (DescribeRegions with every region, opted-in or not) lacks it. When the list cannot be
 * read (no permission, no network), the region is left to the calls that use it.
 */
export async function checkRegion(session: AwsSession, region: string): Promise<void> {
  if (!REGION_NAME.test(region)) throw new UsageError(`"${region}" is not an AWS region name`, 'region names look like us-east-1 or eu-west-2');
  let names: string[];
  try {
    names = (await listRegions(session.ec2(anchorRegion(region)))).map((entry) => entry.name);
  } catch {
    // Asking is a courtesy: a failure here is not the user's region's fault.
    return;
  }
  if (names.length > 0 && !names.includes(region)) {
    throw new UsageError(`unknown region: ${region}`, `EC2's regions are: ${names.sort().join(', ')}`);
  }
}
