/**
 * Library errors in the CLI's words: the library does not know the flags, the CLI names them.
 */
import type { NoRoleForAccount } from '../aws/no-role.js';

/** By name, not instanceof: importing src/aws here would load it for lint and --version too. */
function isNoRoleForAccount(error: Error): error is NoRoleForAccount {
  return error.name === 'NoRoleForAccount' && 'account' in error && 'caller' in error;
}

export function errorMessage(error: Error): string {
  if (error.name === 'NoRegion') return 'no AWS region: pass --region, or set AWS_REGION or a region in your profile';
  if (isNoRoleForAccount(error)) return `account ${error.account} is not the credentials' account (${error.caller}): pass --role to reach it`;
  return error.message;
}
