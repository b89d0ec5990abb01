/**
 * amiguard as a library: functions return data (findings, reports); nothing here prints or
 * exits. The CLI in src/cli is one user of this API.
 */
export * from './core/index.js';
export { lint, type LintOptions, type LintResult } from './lint/index.js';
export { DEFAULT_POLICY, findAndLoadPolicy, loadPolicy, parsePolicy, matchPublicException } from './policy/index.js';
export { RULES, RULE_IDS, runRules, severityOf } from './rules/index.js';
export { formatHtml, formatReport, formatJson, formatSarif, formatText, OUTPUT_FORMATS, type OutputFormat } from './report/index.js';
export {
  readTemplates,
  toImageSubject,
  type ReadOptions,
  type TemplateImage,
  type TemplateReadRequest,
  type TemplatesRead,
  type VariableInput,
} from './templates/index.js';
export { TOOL } from './version.js';
