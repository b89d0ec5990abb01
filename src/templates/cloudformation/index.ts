import type { Claim, FoundFile, ReadUnit, TemplateFormat } from '../format.js';
import { readHead } from '../sniff.js';

/** The reader and the YAML library are loaded when a template is read (start-up, issue 11). */
const reader = () => import('./read.js');

/** Names another format owns, or that are never templates, though they end like one. */
const OTHERS = /(?:\.pkr\.json|\.tf\.json|\.tfvars\.json|\.pkrvars\.json|^package(?:-lock)?\.json|^tsconfig.*\.json|^composer\.json)$/i;
const TEMPLATE_NAME = /\.(?:ya?ml|json|template)$/i;

/**
 * CloudFormation templates (YAML or JSON, CDK synth output): a `.yaml`, `.yml`, `.json` or
 * `.template` file is one when its head has `AWSTemplateFormatVersion`, or a top-level
 * `Resources` with `AWS::` types. Each template is a unit of its own.
 */
export const cloudFormation: TemplateFormat = {
  id: 'cloudformation',
  reads: '*.yaml, *.yml, *.json and *.template files with AWSTemplateFormatVersion or AWS:: resources (CloudFormation)',
  notMine: 'not a CloudFormation template (no AWSTemplateFormatVersion or AWS:: resources in its first 64 KB)',
  claim(file: FoundFile): Claim | undefined {
    if (OTHERS.test(file.name)) return undefined;
    return TEMPLATE_NAME.test(file.name) || file.named ? 'maybe' : undefined;
  },
  sniff(file) {
    const head = readHead(file.absolute, HEAD_BYTES);
    if (head === 'binary') return false;
    return 'reason' in head ? head : looksLikeCloudFormation(head.text);
  },
  async parseOnly(files) {
    const { parseTemplate } = await reader();
    for (const file of files) parseTemplate(file.path, file.text, /\.json$/i.test(file.path));
  },
  group(files): readonly ReadUnit[] {
    return files.map((file) => ({
      format: 'cloudformation',
      files: [file.path],
      read: async (paths, context) => (await reader()).readCloudFormation(paths, context),
    }));
  },
};

/** Enough for the head of any template: its version line, its Parameters, the start of its Resources. */
export const HEAD_BYTES = 64 * 1024;

/** Whether the head of a file says CloudFormation: its format version, or top-level Resources with AWS:: types. */
export function looksLikeCloudFormation(head: string): boolean {
  if (/^\uFEFF?\s*\{/.test(head)) {
    return /"AWSTemplateFormatVersion"\s*:/.test(head) || (/"Resources"\s*:\s*\{/.test(head) && /"Type"\s*:\s*"AWS::/.test(head));
  }
  return (
    /^["']?AWSTemplateFormatVersion["']?\s*:/m.test(head) ||
    (/^["']?Resources["']?\s*:/m.test(head) && /^[ \t-]+["']?Type["']?\s*:\s*["']?AWS::/m.test(head))
  );
}
