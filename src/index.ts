/**
 * amiguard as a library: functions return data (findings, reports, outcomes); nothing here
 * prints or exits. The CLI in src/cli is one user of this API: everything it does is here.
 *
 * - lint: `lint`
 * - audit: `audit` (one call), or `auditEstate` with a session and policy in hand
 * - fix: `planFix` then `applyPlan` with `AccountSessions`; `undoJournal`
 * - show / share / unshare / make-private / make-public: `selectImages` + `readImage`,
 *   `changeImages`, `makeImagesPublic`
 * - block public access: `blockPublicAccess`
 * - the sandbox: `startSandbox` with `SAMPLE_ESTATE` or `loadEstate`
 */
export * from './core/index.js';
export { lint, type LintOptions, type LintProgress, type LintResult } from './lint/index.js';
export { DEFAULT_POLICY, findAndLoadPolicy, loadPolicy, parsePolicy, matchPublicException } from './policy/index.js';
export { RULES, RULE_IDS, runRules, severityOf } from './rules/index.js';
export { formatHtml, formatReport, formatJson, formatSarif, formatText, OUTPUT_FORMATS, type OutputFormat } from './report/index.js';
export {
  readTemplates,
  toImageSubject,
  type ReadOptions,
  type ReadProgress,
  type TemplateImage,
  type TemplateReadRequest,
  type TemplatesRead,
  type VariableInput,
} from './templates/index.js';
export { TOOL } from './version.js';
export { audit, auditEstate, readInventory, type AuditOptions, type AuditProgress, type AuditRequest, type AuditResult, type AuditScope, type Inventory } from './audit/index.js';
export {
  applyPlan,
  describePlan,
  irreversibleRemovals,
  planFix,
  planRemediation,
  PublicRestoreRefused,
  readJournalFile,
  stateDirFrom,
  undoJournal,
  type ApplyOptions,
  type ApplyResult,
  type FixPlan,
  type FixPlanOptions,
  type IrreversibleRemoval,
  type Plan,
  type PlanStep,
  type PlanWords,
  type StepResult,
  type UndoOptions,
  type UndoResult,
  type UndoStepResult,
} from './remediate/index.js';
export {
  blockPublicAccess,
  changeImages,
  InspectCache,
  makeImagesPublic,
  PublicConsentMissing,
  readImage,
  resolveRegions,
  selectImages,
  type BlockPublicAccessRequest,
  type ChangeOutcome,
  type ImageReading,
  type ImageSelection,
  type ImagesChange,
  type ImagesChangeResult,
  type MakePublicRequest,
  type RegionResult,
} from './manage/index.js';
export {
  AccountSessions,
  AWS_OPERATIONS,
  AwsSession,
  checkProfile,
  checkRegion,
  iamPolicyFor,
  NoRoleForAccount,
  type AccountReach,
  type AwsOperation,
  type AwsOptions,
  type IamPolicyDocument,
} from './aws/index.js';
export { loadEstate, SAMPLE_CREDENTIALS, SAMPLE_ESTATE, SAMPLE_IDS, startSandbox, type Estate, type Sandbox, type SandboxOptions } from './sandbox/index.js';
