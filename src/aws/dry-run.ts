import { isDryRunSuccess } from './errors.js';

/**
 * Sends a mutating call. With DryRun, AWS validates the request fully and answers
 * DryRunOperation when it would have succeeded: that answer is a success here.
 */
export async function sendMaybeDry(dryRun: boolean, send: () => Promise<unknown>): Promise<void> {
  try {
    await send();
  } catch (error) {
    if (dryRun && isDryRunSuccess(error)) return;
    throw error;
  }
}
