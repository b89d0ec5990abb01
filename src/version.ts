import { readFileSync } from 'node:fs';

function readVersion(): string {
  // Two levels up once compiled (dist/src, and the bundled CLI in dist/cli), one from src/ under
  // tsx. Read as a file: loading the CommonJS require for it cost start-up (issue 11).
  for (const candidate of ['../../package.json', '../package.json']) {
    try {
      const manifest = JSON.parse(readFileSync(new URL(candidate, import.meta.url), 'utf8')) as { name?: string; version?: string };
      if (manifest.name === 'amiguard' && typeof manifest.version === 'string') return manifest.version;
    } catch {
      // not at this level
    }
  }
  return '0.0.0';
}

let version: string | undefined;

/** The version is read when first asked for: a lint that prints text never reads package.json. */
export const TOOL = {
  name: 'amiguard',
  get version(): string {
    version ??= readVersion();
    return version;
  },
  informationUri: 'https://github.com/amiguard/amiguard',
} as const;
