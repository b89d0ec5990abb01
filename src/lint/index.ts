import { resolve } from 'node:path';
import type { Finding, Report, ResolvedPolicy, Rule } from '../core/index.js';
import { findAndLoadPolicy } from '../policy/index.js';
import { RULES, RULE_IDS, checkAll, severityOf } from '../rules/index.js';
import { applyBaseline, applyDirectives, checkRuleIds, excludeMatcher, loadBaseline } from '../suppress/index.js';
import { readTemplates, type BuildFilter, type ReadProgress, type VariableInput } from '../templates/index.js';
import { TOOL } from '../version.js';

export interface LintOptions {
  /** Files and folders; none means the working directory. */
  readonly paths?: readonly string[];
  readonly cwd?: string;
  /** `--var` and `--var-file` in command-line order. */
  readonly variables?: readonly VariableInput[];
  /** `--only` / `--except`: the Packer builds that run. */
  readonly builds?: BuildFilter;
  readonly useEnv?: boolean;
  readonly env?: Readonly<Record<string, string | undefined>>;
  /**
   * A policy file; otherwise the first amiguard.yaml found upward from the scanned paths, then from
   * `cwd`; otherwise the built-in default.
   */
  readonly configPath?: string;
  readonly policy?: ResolvedPolicy;
  readonly now?: Date;
  /** `--exclude` globs, relative to `cwd`, added to the policy's `exclude:`. */
  readonly exclude?: readonly string[];
  /** `--baseline FILE`: findings it records are reported as suppressed. */
  readonly baselinePath?: string;
  /** Told as each stage of a long run starts, and how far reading is, for a progress display. */
  readonly onProgress?: (progress: LintProgress) => void;
}

/**
 * The stage a lint run is in: finding and reading the templates (`files`: how many are read, of
 * how many, at most every 100 ms), then checking what they build.
 */
export type LintProgress =
  | { readonly stage: 'reading' }
  | { readonly stage: 'files'; readonly read: number; readonly total: number }
  | { readonly stage: 'checking'; readonly images: number; readonly files: number };

export interface LintResult {
  /** The findings that count: not allowed by a public-exception, an inline directive or the baseline. */
  readonly findings: readonly Finding[];
  /** The findings that are allowed, each with its suppression. */
  readonly suppressed: readonly Finding[];
  readonly report: Report;
  readonly policy: ResolvedPolicy;
  /** How many AMI-producing builders, sources and post-processors were checked. */
  readonly images: number;
  /** Templates left out by `--exclude` or the policy's `exclude:`. */
  readonly excluded: readonly string[];
  /** Baseline entries that matched no finding (fixed since): the baseline can be recorded again. */
  readonly baselineUnmatched: number;
}

/** Reads the templates, evaluates them as Packer would, and checks them against the policy. */
export async function lint(options: LintOptions = {}): Promise<LintResult> {
  const cwd = options.cwd ?? process.cwd();
  const paths = options.paths ?? [];
  const policy = options.policy ?? findAndLoadPolicy(options.configPath, cwd, RULE_IDS, paths);
  const baseline = options.baselinePath === undefined ? undefined : loadBaseline(resolve(cwd, options.baselinePath), options.baselinePath);
  const exclude = excludeMatcher([...policy.exclude, ...(options.exclude ?? []).map((glob) => ({ glob, base: resolve(cwd) }))]);
  options.onProgress?.({ stage: 'reading' });
  const read = await readTemplates({
    paths,
    cwd,
    variables: options.variables ?? [],
    ...(options.builds === undefined ? {} : { builds: options.builds }),
    useEnv: options.useEnv ?? false,
    env: options.env ?? process.env,
    ...(exclude === undefined ? {} : { exclude }),
    ...(options.onProgress === undefined ? {} : { onProgress: ({ read, total }: ReadProgress) => options.onProgress?.({ stage: 'files', read, total }) }),
  });
  options.onProgress?.({ stage: 'checking', images: read.subjects.length, files: read.artifacts.length });
  const now = options.now ?? new Date();
  const directives = checkRuleIds(read.directives, RULE_IDS);
  const checked = checkAll({ subjects: read.subjects, problems: read.problems, directives, policy, rules: RULES, now });
  const inline = applyDirectives(checked.findings, directives, now);
  const baselined = baseline === undefined ? { findings: inline.findings, suppressed: [], unmatched: 0 } : applyBaseline(inline.findings, baseline);
  const findings = baselined.findings;
  const suppressed = [...checked.suppressed, ...inline.suppressed, ...baselined.suppressed];
  return {
    findings,
    suppressed,
    policy,
    images: read.subjects.length,
    excluded: read.excluded,
    baselineUnmatched: baselined.unmatched,
    report: {
      tool: TOOL,
      findings,
      suppressed,
      policy: policy.source,
      rules: reportRules(RULES, policy),
      artifacts: read.artifacts,
      // What the verdict rests on: files read, and those found but not read (each also a finding).
      coverage: {
        read: [{ kind: 'file', count: read.coverage.read.length }],
        unread: read.coverage.skipped
          .filter((entry) => entry.kind === 'unreadable')
          .map((entry) => ({ kind: 'file', resource: entry.path, reason: entry.reason })),
      },
    },
  };
}

export function reportRules(rules: readonly Rule[], policy: ResolvedPolicy): Report['rules'] {
  return rules.flatMap((rule) => {
    const severity = severityOf(rule, policy);
    return severity === 'off'
      ? []
      : [{ id: rule.id, description: rule.meta.description, help: rule.meta.help, docs: rule.meta.docs, severity }];
  });
}
