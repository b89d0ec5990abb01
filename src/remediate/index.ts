/**
 * Remediation: plan (pure) from findings' actions, apply with a write-ahead journal, undo from
 * the journal. See DESIGN.md "Reliability and safety".
 */
export {
  blockPublicAccessStepKey,
  describePlan,
  planRemediation,
  resourceStepKey,
  type BlockPublicAccessTarget,
  type EnableBlockPublicAccessStep,
  type Plan,
  type PlanOptions,
  type PlanStep,
  type PlanWords,
  type RemoveGrantAction,
  type RemoveGrantsStep,
  type ResourceRef,
  type StepCause,
  type UnfixableFinding,
} from './plan.js';
export { applyPlan, type ApplyEvent, type ApplyOptions, type ApplyResult, type RecoveredStep, type StepResult, type StepStatus } from './apply.js';
export {
  PUBLIC_CONSENT_FLAG,
  PublicRestoreRefused,
  undoJournal,
  type PlaceRef,
  type UndoBlockPublicAccessResult,
  type UndoEvent,
  type UndoGrantsResult,
  type UndoOptions,
  type UndoResult,
  type UndoStatus,
  type UndoStepResult,
} from './undo.js';
export {
  JOURNAL_VERSION,
  JournalError,
  openSteps,
  readJournal,
  readJournalFile,
  type AfterRecord,
  type BeforeRecord,
  type BlockPublicAccessBeforeRecord,
  type Journal,
  type JournalOptions,
  type JournalRecord,
  type RemoveGrantsBeforeRecord,
  type RunRecord,
  type UndoRecord,
} from './journal.js';
export { recheckAfterRemovals } from './recheck.js';
export { approvesGroups, undecidedApproval, type ApprovalEvidence } from './review.js';
export { STATE_DIR_ENV, stateDirFrom } from './journal-key.js';
export { ApplyInterrupted, type InterruptOptions } from './interrupt.js';
export { REMEDIATION_OPERATIONS } from './resources.js';
export { approvalEvidence, irreversibleRemovals, planFix, type FixPlan, type FixPlanOptions, type IrreversibleRemoval } from './fix.js';
