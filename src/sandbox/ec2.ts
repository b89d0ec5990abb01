import {
  describeRegions,
  disableImageBlockPublicAccess,
  disableSnapshotBlockPublicAccess,
  enableImageBlockPublicAccess,
  enableSnapshotBlockPublicAccess,
  getImageBlockPublicAccessState,
  getSnapshotBlockPublicAccessState,
} from './ec2-account.js';
import type { Ec2Action } from './ec2-context.js';
import { describeImageAttribute, describeImages, modifyImageAttribute, resetImageAttribute } from './ec2-images.js';
import {
  describeSnapshotAttribute,
  describeSnapshots,
  modifySnapshotAttribute,
  resetSnapshotAttribute,
} from './ec2-snapshots.js';
import { escapeXml } from './xml.js';

/** The EC2 actions the sandbox implements, by their Query protocol name. */
export const EC2_ACTIONS: ReadonlyMap<string, Ec2Action> = new Map([
  ['DescribeImageAttribute', describeImageAttribute],
  ['DescribeImages', describeImages],
  ['DescribeRegions', describeRegions],
  ['DescribeSnapshotAttribute', describeSnapshotAttribute],
  ['DescribeSnapshots', describeSnapshots],
  ['DisableImageBlockPublicAccess', disableImageBlockPublicAccess],
  ['DisableSnapshotBlockPublicAccess', disableSnapshotBlockPublicAccess],
  ['EnableImageBlockPublicAccess', enableImageBlockPublicAccess],
  ['EnableSnapshotBlockPublicAccess', enableSnapshotBlockPublicAccess],
  ['GetImageBlockPublicAccessState', getImageBlockPublicAccessState],
  ['GetSnapshotBlockPublicAccessState', getSnapshotBlockPublicAccessState],
  ['ModifyImageAttribute', modifyImageAttribute],
  ['ModifySnapshotAttribute', modifySnapshotAttribute],
  ['ResetImageAttribute', resetImageAttribute],
  ['ResetSnapshotAttribute', resetSnapshotAttribute],
]);

const EC2_NAMESPACE = 'http://ec2.amazonaws.com/doc/2016-11-15/';

/** `<XActionResponse xmlns=...><requestId>..</requestId>...</XActionResponse>` */
export function ec2Response(action: string, requestId: string, inner: string): string {
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    `<${action}Response xmlns="${EC2_NAMESPACE}"><requestId>${requestId}</requestId>${inner}</${action}Response>`
  );
}

/** EC2's error document; see "Example error response" in the EC2 API error codes reference. */
export function ec2ErrorResponse(code: string, message: string, requestId: string): string {
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    `<Response><Errors><Error><Code>${escapeXml(code)}</Code><Message>${escapeXml(message)}</Message></Error></Errors>` +
    `<RequestID>${requestId}</RequestID></Response>`
  );
}
