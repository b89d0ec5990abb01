/**
 * Errors the CLI words with its flags (src/cli/errors.ts, from their detail), kept apart from the
 * modules that load the SDK.
 */
import { AmiguardError, UsageError } from '../core/index.js';

/** An account other than the credentials' own, with no role given to reach it. */
export class NoRoleForAccount extends AmiguardError {
  constructor(
    readonly account: string,
    readonly caller: string,
  ) {
    super('USAGE', `account ${account} is not the credentials' account (${caller}) and no role was given to reach it`, { detail: { kind: 'no-role', account, caller } });
    this.name = 'NoRoleForAccount';
  }
}

/** No region given and none configured (AWS_REGION, the profile). */
export class NoRegion extends UsageError {
  constructor() {
    super('no AWS region: name one, or set AWS_REGION or a region in your profile', undefined, { kind: 'no-region' });
    this.name = 'NoRegion';
  }
}
