export * from './errors.js';
export * from './finding.js';
export * from './grantee.js';
export * from './location.js';
export type * from './policy.js';
export type * from './report.js';
export type * from './rule.js';
export * from './sharing.js';
export type * from './subject.js';
