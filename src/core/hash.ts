import { createRequire } from 'node:module';
import type * as Crypto from 'node:crypto';

let crypto: typeof Crypto | undefined;

/**
 * node:crypto's createHash, with node:crypto loaded on first use: importing it costs a one-file
 * lint several milliseconds of start-up, and a lint hashes only for findings (their fingerprints),
 * an HTML report, or a template that calls a hash function.
 */
export function createHash(algorithm: string): Crypto.Hash {
  crypto ??= createRequire(import.meta.url)('node:crypto') as typeof Crypto;
  return crypto.createHash(algorithm);
}
