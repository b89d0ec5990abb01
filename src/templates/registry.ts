import { ansibleFormat } from './ansible/index.js';
import { cloudFormation } from './cloudformation/index.js';
import type { TemplateFormat } from './format.js';
import { packerHclFormat } from './packer-hcl/format.js';
import { packerJsonFormat } from './packer-json/format.js';
import { ciFormat, pythonFormat, shellFormat } from './scripts/index.js';
import { terraformFormat } from './terraform/index.js';

/**
 * Every format amiguard reads, in the order discovery offers files to them: the first that claims
 * a file owns it, so formats that claim by name come before those that must look at content.
 */
export const FORMATS: readonly TemplateFormat[] = [packerJsonFormat, packerHclFormat, terraformFormat, cloudFormation, ansibleFormat, shellFormat, pythonFormat, ciFormat];
