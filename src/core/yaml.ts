import { createRequire } from 'node:module';
import type * as Yaml from 'yaml';

let yamlModule: typeof Yaml | undefined;

/**
 * The yaml library, loaded on first use: it takes longer to load than the rest of `amiguard
 * lint` together (about 0.2 s of start-up), and only a policy file or `yamldecode()` needs it.
 */
export function yaml(): typeof Yaml {
  yamlModule ??= createRequire(import.meta.url)('yaml') as typeof Yaml;
  return yamlModule;
}
