import type { Rule } from '../core/index.js';

export const encryptedShareDefaultKey: Rule = {
  id: 'encrypted-share-default-key',
  meta: {
    description: 'An encrypted AMI is shared but is encrypted with the default EBS key, which cannot be shared.',
    help:
      'Snapshots encrypted with the AWS managed key (aws/ebs) cannot be shared with other accounts. Packer ' +
      'refuses encrypt_boot = true with ami_users, ami_org_arns, ami_ou_arns or snapshot_users and no ' +
      'kms_key_id ("Cannot share AMI encrypted with default KMS key"). Encrypt with a customer managed key ' +
      '(kms_key_id, or region_kms_key_ids for every copy) and grant the target accounts use of that key.',
    defaultSeverity: 'error',
    docs: 'rule-encrypted-share-default-key',
    messages: {
      defaultKey:
        '{name}: encrypt_boot is true with no kms_key_id or region_kms_key_ids, but the AMI is shared through {fields}: AWS cannot share an AMI encrypted with the default key',
    },
  },
  checkImage(subject, context) {
    const encryption = subject.encryption;
    if (encryption === undefined || encryption.encrypted !== true || encryption.customerKey !== false) return;
    // Public sharing of an encrypted AMI is a different failure; this rule is about named grantees.
    const shares = [...subject.launch.grants, ...subject.snapshot.grants].filter((grant) => grant.grantee.kind !== 'public');
    if (shares.length === 0) return;
    const fields = [...new Set(shares.map((grant) => grant.field))].sort();
    context.report({
      messageId: 'defaultKey',
      data: { name: subject.name, fields: fields.join(', ') },
      location: encryption.location,
      related: shares.slice(0, 1).map((grant) => ({ message: `shared through ${grant.field} here`, location: grant.location })),
      key: 'encrypt_boot',
      remediation: 'set kms_key_id (and region_kms_key_ids for copies) to a customer managed key that the target accounts may use',
    });
  },
};
