import { ConfigurationError, formatLocation, MAX_INPUT_BYTES, tryReadInputFile, type Finding } from '../core/index.js';
import { compareFindings } from '../report/order.js';

/**
 * A baseline: the findings of one day, recorded by fingerprint, so that a project adopting
 * amiguard fails only on new findings. Fingerprints leave line numbers out (src/rules/engine.ts),
 * so a baseline survives edits that move the findings; they hold the file path as shown, so run
 * `amiguard lint --baseline` from the folder the baseline was recorded in.
 */
export interface Baseline {
  /** As shown to the user. */
  readonly file: string;
  readonly entries: readonly BaselineEntry[];
}

/** One finding; the rule, location and message are there for whoever reviews the file. */
export interface BaselineEntry {
  readonly fingerprint: string;
  readonly ruleId: string;
  readonly location: string;
  readonly message: string;
}

interface BaselineDocument {
  readonly version: 1;
  readonly tool: 'amiguard';
  readonly findings: readonly BaselineEntry[];
}

/** The baseline file's text: one entry per finding, in report order, so it diffs cleanly. */
export function formatBaseline(findings: readonly Finding[]): string {
  const document: BaselineDocument = {
    version: 1,
    tool: 'amiguard',
    findings: [...findings].sort(compareFindings).map((finding) => ({
      fingerprint: finding.fingerprint,
      ruleId: finding.ruleId,
      location: formatLocation(finding.location),
      message: finding.message,
    })),
  };
  return `${JSON.stringify(document, null, 2)}\n`;
}

export function loadBaseline(path: string, shown: string): Baseline {
  const read = tryReadInputFile(path, MAX_INPUT_BYTES.baseline);
  if (!read.ok) {
    throw new ConfigurationError(`cannot read baseline ${shown}: ${read.reason}`, { hint: 'record one from the findings of a lint run', detail: { kind: 'baseline-unreadable' } });
  }
  return parseBaseline(read.bytes.toString('utf8'), shown);
}

export function parseBaseline(text: string, file: string): Baseline {
  const invalid = (what: string): ConfigurationError =>
    new ConfigurationError(`${file}: not an amiguard baseline: ${what}`, { hint: 'record it again from the findings of a lint run', detail: { kind: 'not-a-baseline' } });
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw invalid(`invalid JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  if (!isRecord(document) || document['tool'] !== 'amiguard') throw invalid('expected {"version": 1, "tool": "amiguard", "findings": [...]}');
  if (document['version'] !== 1) throw invalid(`version ${JSON.stringify(document['version'])}; this amiguard reads version 1`);
  const findings = document['findings'];
  if (!Array.isArray(findings)) throw invalid('"findings" is not a list');
  const entries = findings.map((entry: unknown, index): BaselineEntry => {
    if (!isRecord(entry) || typeof entry['fingerprint'] !== 'string' || entry['fingerprint'] === '') {
      throw invalid(`findings[${index}] has no "fingerprint"`);
    }
    const text = (key: string): string => (typeof entry[key] === 'string' ? entry[key] : '');
    return { fingerprint: entry['fingerprint'], ruleId: text('ruleId'), location: text('location'), message: text('message') };
  });
  return { file, entries };
}

export interface BaselineApplied {
  readonly findings: Finding[];
  readonly suppressed: Finding[];
  /** Entries no finding matched any more (fixed, or moved to another file): the baseline can shrink. */
  readonly unmatched: number;
}

/**
 * Suppresses the findings the baseline records. Each entry matches one finding, so a second
 * finding with the same fingerprint (the same value added again) is new.
 */
export function applyBaseline(findings: readonly Finding[], baseline: Baseline): BaselineApplied {
  const remaining = new Map<string, number>();
  for (const entry of baseline.entries) remaining.set(entry.fingerprint, (remaining.get(entry.fingerprint) ?? 0) + 1);
  const result: BaselineApplied = { findings: [], suppressed: [], unmatched: 0 };
  for (const finding of findings) {
    const left = remaining.get(finding.fingerprint) ?? 0;
    if (left === 0) {
      result.findings.push(finding);
      continue;
    }
    remaining.set(finding.fingerprint, left - 1);
    result.suppressed.push({
      ...finding,
      suppression: { kind: 'external', justification: `recorded in the baseline ${baseline.file}` },
    });
  }
  let unmatched = 0;
  for (const left of remaining.values()) unmatched += left;
  return { ...result, unmatched };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
