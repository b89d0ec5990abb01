/**
 * Named profiles, checked before any call: the SDK would otherwise fall through its credential
 * chain and fail later with "Could not load credentials from any providers", never naming the
 * profile that was asked for. Files and sections as the AWS CLI reads them:
 * https://docs.aws.amazon.com/cli/latest/userguide/cli-configure-files.html
 */
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { AmiguardError, readInputText } from '../core/index.js';

type Env = Readonly<Record<string, string | undefined>>;

/** The config and credentials files the SDK reads, with the environment variables that move them. */
export function profileFiles(env: Env): { readonly config: string; readonly credentials: string } {
  const home = env['HOME'] ?? homedir();
  return {
    config: env['AWS_CONFIG_FILE'] ?? join(home, '.aws', 'config'),
    credentials: env['AWS_SHARED_CREDENTIALS_FILE'] ?? join(home, '.aws', 'credentials'),
  };
}

/** Profile names in both files: `[profile NAME]` (or `[default]`) in config, `[NAME]` in credentials. */
export function listProfiles(env: Env): string[] {
  const files = profileFiles(env);
  const names = new Set<string>();
  for (const [path, kind] of [[files.config, 'config'], [files.credentials, 'credentials']] as const) {
    // A missing file defines no profile; one that is there but cannot be read (a FIFO, which a
    // plain read would wait on forever, a device, an oversized file) is said, not skipped.
    if (!existsSync(path)) continue;
    const text = readInputText(path, 'aws-config', path);
    for (const match of text.matchAll(/^\s*\[\s*([^\]]+?)\s*\]/gm)) {
      const section = match[1] ?? '';
      if (kind === 'credentials') names.add(section);
      else if (section === 'default') names.add(section);
      else if (/^profile\s+/.test(section)) names.add(section.replace(/^profile\s+/, ''));
    }
  }
  return [...names].sort();
}

/** Throws, naming the profile and the files looked in, when no config or credentials file defines it. */
export function checkProfile(profile: string, env: Env): void {
  const known = listProfiles(env);
  if (known.includes(profile)) return;
  const files = profileFiles(env);
  throw new AmiguardError('CREDENTIALS', `no AWS profile named "${profile}" in ${files.config} or ${files.credentials}`, {
    hint: known.length === 0 ? 'no profiles are defined: create one with aws configure --profile NAME, or use environment variables' : `the profiles there are: ${known.join(', ')}`,
  });
}
