/** Reading an AWS estate for an audit: the inventory the rules check and the remediation plans from. */
export { audit, type AuditRequest } from './audit.js';
export { auditEstate, type AuditOptions, type AuditResult } from './audit-estate.js';
export { readInventory } from './read-inventory.js';
export type { AuditProgress, AuditScope, ReadOptions } from './read-inventory.js';
export { readOrganizationDirectory } from './organization.js';
export type { AuditedOrganization, OrganizationMember, OrganizationUnavailable, OrganizationUnit } from './organization.js';
export type * from './model.js';
export type { AwsCall } from '../aws/call-meter.js';
export type { BucketLimits, RateOptions, ThrottleClass } from '../aws/rate-limit.js';
