/** Kept apart from account-sessions.ts, which loads the SDK: the CLI's error boundary names it on every command. */
import { AmiguardError } from '../core/index.js';

/** An account other than the credentials' own, with no role given to reach it. */
export class NoRoleForAccount extends AmiguardError {
  constructor(
    readonly account: string,
    readonly caller: string,
  ) {
    super('USAGE', `account ${account} is not the credentials' account (${caller}) and no role was given to reach it`);
    this.name = 'NoRoleForAccount';
  }
}
