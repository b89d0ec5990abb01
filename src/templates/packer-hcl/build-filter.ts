import type { BuildFilter } from '../model.js';

/**
 * Packer's `-only` / `-except` for an HCL2 configuration (hcl2template GetBuilds): each build of
 * a source runs when its name (`build-name.type.source-name`, or `type.source-name` for a build
 * without a name) matches an `only` glob, if any is given, and no `except` glob. The globs are
 * gobwas/glob's without separators: `*` matches any text, dots included.
 */
export interface BuildSelection {
  /** Whether the build of that name runs. */
  runs(buildName: string): boolean;
  /** Whether a post-processor of that name (its `name`, else its type) is excluded, which ends its chain. */
  excludes(postProcessor: string): boolean;
}

/** Compiles the filter's globs; the message of the first one gobwas/glob rejects, as Packer stops on it. */
export function selectBuilds(filter: BuildFilter): BuildSelection | { readonly invalid: string } {
  const only: RegExp[] = [];
  const except: RegExp[] = [];
  for (const [option, globs, into] of [['only', filter.only, only], ['except', filter.except, except]] as const) {
    for (const glob of globs) {
      const compiled = compileGlob(glob);
      if (typeof compiled === 'string') return { invalid: `Packer rejects the -${option} pattern "${glob}": ${compiled}` };
      into.push(compiled);
    }
  }
  const matches = (globs: readonly RegExp[], name: string): boolean => globs.some((glob) => glob.test(name));
  return {
    runs: (name) => (only.length === 0 || matches(only, name)) && !matches(except, name),
    excludes: (name) => matches(except, name),
  };
}

/**
 * A gobwas/glob pattern as a regular expression: `*` any text, `?` one character, `[a-z]` and
 * `[!a-z]` classes, `{a,b}` alternatives, `\` escapes the next character. A pattern it cannot
 * compile (an unclosed `[` or `{`) gives the reason.
 */
export function compileGlob(pattern: string): RegExp | string {
  const characters = [...pattern];
  let position = 0;
  const parse = (inAlternative: boolean): string | { error: string } => {
    let source = '';
    while (position < characters.length) {
      const character = characters[position] ?? '';
      if (inAlternative && (character === ',' || character === '}')) return source;
      position += 1;
      switch (character) {
        case '*':
          source += '.*';
          break;
        case '?':
          source += '.';
          break;
        case '\\': {
          const next = characters[position];
          if (next === undefined) return { error: 'unexpected end of pattern after "\\"' };
          position += 1;
          source += escape(next);
          break;
        }
        case '[': {
          const end = characters.indexOf(']', position);
          if (end === -1) return { error: 'unclosed "["' };
          const negated = characters[position] === '!';
          const body = characters.slice(negated ? position + 1 : position, end).map((item) => (item === '-' ? '-' : escape(item))).join('');
          if (body === '') return { error: 'empty character class' };
          source += `[${negated ? '^' : ''}${body}]`;
          position = end + 1;
          break;
        }
        case '{': {
          const options: string[] = [];
          for (;;) {
            const option = parse(true);
            if (typeof option !== 'string') return option;
            options.push(option);
            const separator = characters[position];
            position += 1;
            if (separator === '}') break;
            if (separator !== ',') return { error: 'unclosed "{"' };
          }
          source += `(?:${options.join('|')})`;
          break;
        }
        default:
          source += escape(character);
      }
    }
    return inAlternative ? { error: 'unclosed "{"' } : source;
  };
  const source = parse(false);
  return typeof source === 'string' ? new RegExp(`^${source}$`, 'su') : source.error;
}

/** A character as itself in a regular expression (in a class too: `-` is kept for ranges there). */
function escape(character: string): string {
  return character.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
