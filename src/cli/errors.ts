/**
 * Library errors in the CLI's words: the library names no flag and carries the facts in the
 * error's `detail`; the CLI words them with its flags and commands.
 */
import { AmiguardError, type ErrorDetail } from '../core/index.js';

function detailOf(error: Error): ErrorDetail | undefined {
  return error instanceof AmiguardError ? error.detail : undefined;
}

/** The message of an error, or of an audit gap's `reason` with its `detail`, as the CLI says it. */
export function detailMessage(detail: ErrorDetail | undefined, message: string): string {
  switch (detail?.kind) {
    case 'no-region':
      return 'no AWS region: pass --region, or set AWS_REGION or a region in your profile';
    case 'no-role':
      return `account ${detail.account} is not the credentials' account (${detail.caller}): pass --role to reach it`;
    case 'no-selection':
      return 'name the AMIs: give AMI ids, or --name PATTERN';
    case 'ids-and-name':
      return 'give AMI ids or --name, not both';
    case 'no-name-match':
      return `no AMI owned by this account matches --name "${detail.pattern}" in ${detail.regions.join(', ')}`;
    default:
      return message;
  }
}

export function errorMessage(error: Error): string {
  return detailMessage(detailOf(error), error.message);
}

/** The hint of a known error in the CLI's words; the library's own hint otherwise. */
export function errorHint(error: AmiguardError): string | undefined {
  const detail = error.detail;
  switch (detail?.kind) {
    case 'no-credentials':
      return 'set credentials the usual way (AWS_PROFILE or --profile, environment variables, SSO), or try amiguard against the local sandbox: amiguard sandbox';
    case 'not-permitted':
      return `amiguard iam-policy${detail.command === undefined ? '' : ` ${detail.command}`} prints the least-privilege policy this command needs`;
    case 'unreachable':
      return 'check the network, --region and --endpoint-url';
    case 'ami-not-found':
      return 'AMIs are regional: pass the AMI\'s --region, or search several regions with --regions (or select by --name)';
    case 'not-owner':
      return 'only the AMI\'s owner can read or change its permissions: run this with the owning account\'s credentials (e.g. --profile), or ask its owner';
    case 'region-refused':
      return `check that ${detail.region ?? 'the region'} is enabled for the account (amiguard block-public-access status --regions all lists the enabled ones) and that the credentials are valid`;
    case 'region-not-enabled':
      return 'enable the region, or leave it out of --regions';
    case 'change-not-shown':
      return 'AWS accepted the change but does not show it: run the command again, then check with amiguard show';
    case 'image-block-public-access-on':
      return `if this AMI really must be public: amiguard block-public-access disable --images --regions ${detail.region} (takes up to 10 minutes to apply), then run make-public again`;
    case 'several-policies':
      return 'lint them in separate runs, or pass one policy with --config';
    case 'policy-unreadable':
      return 'pass a regular file with --config, or run without one to use the built-in default policy';
    case 'baseline-unreadable':
      return 'record one with: amiguard baseline --output FILE';
    case 'not-a-baseline':
      return 'record it again with: amiguard baseline --output FILE';
    default:
      return error.hint;
  }
}
