export { applyDirectives, type Suppressed } from './apply.js';
export { applyBaseline, formatBaseline, loadBaseline, parseBaseline, type Baseline, type BaselineApplied, type BaselineEntry } from './baseline.js';
export { excludeMatcher } from './exclude.js';
export { checkRuleIds, parseDirective, scanDirectives, type DirectiveSyntax } from './inline.js';
