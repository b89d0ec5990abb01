import type { ReportRule } from '../core/index.js';
import { compareText } from './order.js';

export function sortRules(rules: readonly ReportRule[]): ReportRule[] {
  return [...rules].sort((a, b) => compareText(a.id, b.id));
}

/** Where a rule is documented: the tool's page at the rule's anchor. */
export function ruleHelpUri(informationUri: string, docs: string): string {
  return `${informationUri}#${docs.replace(/^#/, '')}`;
}
