import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

function readVersion(): string {
  // One level up from src/ under tsx, two from dist/src once compiled.
  for (const candidate of ['../package.json', '../../package.json']) {
    try {
      const manifest = require(candidate) as { name?: string; version?: string };
      if (manifest.name === 'amiguard' && typeof manifest.version === 'string') return manifest.version;
    } catch {
      // not at this level
    }
  }
  return '0.0.0';
}

export const TOOL = {
  name: 'amiguard',
  version: readVersion(),
  informationUri: 'https://github.com/amiguard/amiguard',
} as const;
