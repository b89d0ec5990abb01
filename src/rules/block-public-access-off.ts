import type { RegionSubject, RuleContext, Rule } from '../core/index.js';

export const blockPublicAccessOff: Rule = {
  id: 'block-public-access-off',
  meta: {
    description: 'Block public access for AMIs or snapshots is off in a region of an audited account.',
    help:
      'With block public access on, AWS refuses any new public sharing of AMIs (block-new-sharing) or snapshots ' +
      'in the region, whatever a template or a script asks for: the guard rail behind every other rule. Turn it ' +
      'on with amiguard block-public-access enable (or fix --block-public-access), and keep genuinely public AMIs ' +
      'in a region set aside for them.',
    defaultSeverity: 'warning',
    docs: 'rule-block-public-access-off',
    messages: {
      imagesOff: 'block public access for AMIs is off in {region}: any AMI there can be made public',
      snapshotsOff: 'block public access for snapshots is off in {region}: any snapshot there can be made public',
      managedOff: 'block public access for {target} is off in {region}, set by a declarative policy: only the organization can turn it on',
    },
  },
  checkRegion(region, context) {
    check(region, context, 'images', region.images);
    check(region, context, 'snapshots', region.snapshots);
  },
};

function check(region: RegionSubject, context: RuleContext, target: 'images' | 'snapshots', bpa: RegionSubject['images']): void {
  if (bpa.state !== 'unblocked') return;
  const managed = bpa.managedBy === 'declarative-policy';
  context.report({
    messageId: managed ? 'managedOff' : target === 'images' ? 'imagesOff' : 'snapshotsOff',
    data: { region: region.region, target: target === 'images' ? 'AMIs' : 'snapshots' },
    location: { kind: 'aws', account: region.account, region: region.region, resourceId: `${target === 'images' ? 'image' : 'snapshot'}-block-public-access` },
    key: target,
    remediation: managed
      ? 'change the declarative policy in the organization\'s management account'
      : `amiguard block-public-access enable --${target} --regions ${region.region}`,
    ...(managed ? {} : { action: { kind: 'enable-block-public-access' as const, account: region.account, region: region.region, target } }),
  });
}
