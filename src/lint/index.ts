import type { Finding, Report, ResolvedPolicy, Rule } from '../core/index.js';
import { findAndLoadPolicy } from '../policy/index.js';
import { RULES, RULE_IDS, runRules, severityOf } from '../rules/index.js';
import { readTemplates, type VariableInput } from '../templates/index.js';
import { TOOL } from '../version.js';

export interface LintOptions {
  /** Files and folders; none means the working directory. */
  readonly paths?: readonly string[];
  readonly cwd?: string;
  /** `--var` and `--var-file` in command-line order. */
  readonly variables?: readonly VariableInput[];
  readonly useEnv?: boolean;
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** A policy file; otherwise amiguard.yaml in `cwd`, otherwise the built-in default. */
  readonly configPath?: string;
  readonly policy?: ResolvedPolicy;
  readonly now?: Date;
}

export interface LintResult {
  readonly findings: readonly Finding[];
  readonly report: Report;
  readonly policy: ResolvedPolicy;
  /** How many AMI-producing builders, sources and post-processors were checked. */
  readonly images: number;
}

/** Reads the templates, evaluates them as Packer would, and checks them against the policy. */
export async function lint(options: LintOptions = {}): Promise<LintResult> {
  const cwd = options.cwd ?? process.cwd();
  const policy = options.policy ?? findAndLoadPolicy(options.configPath, cwd, RULE_IDS);
  const read = await readTemplates({
    paths: options.paths ?? [],
    cwd,
    variables: options.variables ?? [],
    useEnv: options.useEnv ?? false,
    env: options.env ?? process.env,
  });
  const findings = runRules({
    subjects: read.subjects,
    problems: read.problems,
    policy,
    rules: RULES,
    now: options.now ?? new Date(),
  });
  return {
    findings,
    policy,
    images: read.subjects.length,
    report: { tool: TOOL, findings, rules: reportRules(RULES, policy), artifacts: read.artifacts },
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
