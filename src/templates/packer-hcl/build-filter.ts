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
  const only: Glob[] = [];
  const except: Glob[] = [];
  for (const [option, globs, into] of [['only', filter.only, only], ['except', filter.except, except]] as const) {
    for (const glob of globs) {
      const compiled = compileGlob(glob);
      if (typeof compiled === 'string') return { invalid: `Packer rejects the -${option} pattern "${glob}": ${compiled}` };
      if ('unsupported' in compiled) return { invalid: `amiguard cannot compare the -${option} pattern "${glob}": ${compiled.unsupported}` };
      into.push(compiled);
    }
  }
  const matches = (globs: readonly Glob[], name: string): boolean => globs.some((glob) => glob.test(name));
  return {
    runs: (name) => (only.length === 0 || matches(only, name)) && !matches(except, name),
    excludes: (name) => matches(except, name),
  };
}

/** A compiled glob: whether a whole name matches it. */
export interface Glob {
  test(name: string): boolean;
}

/** One character of a pattern: `*` (any text), or a test of exactly one character. */
type Token = '*' | ((character: string) => boolean);

/**
 * `{a,b}` alternatives are expanded into this many patterns at most; each is matched in time
 * linear in the pattern times the name, so a pattern cannot make a run hang.
 */
const MAX_EXPANSIONS = 4096;

/**
 * A gobwas/glob pattern: `*` any text, `?` one character, `[a-z]` and `[!a-z]` classes, `{a,b}`
 * alternatives, `\` escapes the next character. A pattern it cannot compile (an unclosed `[` or
 * `{`) gives the reason. Not a regular expression: `*a*a*a...b` against a long name backtracks
 * exponentially there; here each alternative is matched with the classic wildcard algorithm.
 */
export function compileGlob(pattern: string): Glob | { readonly unsupported: string } | string {
  const characters = [...pattern];
  let position = 0;
  let tooMany = false;
  const parse = (inAlternative: boolean): Token[][] | { error: string } => {
    let sequences: Token[][] = [[]];
    const append = (tokens: readonly Token[][]): void => {
      if (sequences.length * tokens.length > MAX_EXPANSIONS) {
        tooMany = true;
        return;
      }
      sequences = sequences.flatMap((sequence) => tokens.map((tail) => [...sequence, ...tail]));
    };
    while (position < characters.length) {
      const character = characters[position] ?? '';
      if (inAlternative && (character === ',' || character === '}')) return sequences;
      position += 1;
      switch (character) {
        case '*':
          append([['*']]);
          break;
        case '?':
          append([[() => true]]);
          break;
        case '\\': {
          const next = characters[position];
          if (next === undefined) return { error: 'unexpected end of pattern after "\\"' };
          position += 1;
          append([[(c) => c === next]]);
          break;
        }
        case '[': {
          const end = characters.indexOf(']', position);
          if (end === -1) return { error: 'unclosed "["' };
          const negated = characters[position] === '!';
          const body = characters.slice(negated ? position + 1 : position, end);
          if (body.length === 0) return { error: 'empty character class' };
          const inClass = classTest(body);
          append([[(c) => inClass(c) !== negated]]);
          position = end + 1;
          break;
        }
        case '{': {
          const options: Token[][] = [];
          for (;;) {
            const option = parse(true);
            if (!Array.isArray(option)) return option;
            options.push(...option);
            const separator = characters[position];
            position += 1;
            if (separator === '}') break;
            if (separator !== ',') return { error: 'unclosed "{"' };
          }
          append(options);
          break;
        }
        default:
          append([[(c) => c === character]]);
      }
    }
    return inAlternative ? { error: 'unclosed "{"' } : sequences;
  };
  const parsed = parse(false);
  if (!Array.isArray(parsed)) return parsed.error;
  if (tooMany) return { unsupported: `its alternatives make more than ${MAX_EXPANSIONS} patterns` };
  return { test: (name) => parsed.some((tokens) => wildcardMatch(tokens, [...name])) };
}

/** `a-z` ranges and single characters of a class, as gobwas/glob reads them. */
function classTest(body: readonly string[]): (character: string) => boolean {
  const tests: ((character: string) => boolean)[] = [];
  for (let index = 0; index < body.length; index += 1) {
    const from = body[index] ?? '';
    const to = body[index + 2];
    if (body[index + 1] === '-' && to !== undefined) {
      tests.push((c) => c >= from && c <= to);
      index += 2;
    } else {
      tests.push((c) => c === from);
    }
  }
  return (character) => tests.some((test) => test(character));
}

/**
 * Whether `name` matches `tokens` whole: the classic wildcard algorithm, which on a mismatch
 * goes back only to the last `*` (taking one more character into it), never further: O(n x m).
 */
function wildcardMatch(tokens: readonly Token[], name: readonly string[]): boolean {
  let t = 0;
  let n = 0;
  let star = -1;
  let resume = 0;
  while (n < name.length) {
    const token = tokens[t];
    if (token === '*') {
      star = t;
      resume = n;
      t += 1;
    } else if (token !== undefined && token(name[n] ?? '')) {
      t += 1;
      n += 1;
    } else if (star >= 0) {
      t = star + 1;
      resume += 1;
      n = resume;
    } else {
      return false;
    }
  }
  while (tokens[t] === '*') t += 1;
  return t === tokens.length;
}
