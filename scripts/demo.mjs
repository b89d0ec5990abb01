// The README's first command: amiguard's main job on its embedded default, with no AWS account
// and no network. Lints examples/ against examples/amiguard.yaml, then starts the sandbox with
// the sample estate, shows who can launch every AMI of each of its accounts, and audits the
// whole organization against examples/amiguard-estate.yaml.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { SAMPLE_CREDENTIALS, SAMPLE_ESTATE, startSandbox } from '../dist/src/sandbox/index.js';

const bin = fileURLToPath(new URL('../bin/amiguard.cjs', import.meta.url));
const root = fileURLToPath(new URL('..', import.meta.url));

function amiguard(args, env = {}) {
  console.log(`\n$ amiguard ${args.map((arg) => (/^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg}'`)).join(' ')}`);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
    child.on('error', reject);
    child.on('close', resolve);
  });
}

const failures = [];
// Lint exits 1 because the examples have findings on purpose; 2 would mean it could not run.
if ((await amiguard(['lint', 'examples', '--config', 'examples/amiguard.yaml'])) === 2) failures.push('lint');

const sandbox = await startSandbox({ estate: SAMPLE_ESTATE, speed: Infinity });
try {
  console.log(`\nSandbox with the sample estate at ${sandbox.url}`);
  for (const [who, keys] of Object.entries({ management: SAMPLE_CREDENTIALS.management, prod: SAMPLE_CREDENTIALS.prod, dev: SAMPLE_CREDENTIALS.dev })) {
    console.log(`\n# the ${who} account's AMIs`);
    const code = await amiguard(['show', '--name', '*', '--regions', 'all'], {
      AWS_ENDPOINT_URL: sandbox.url,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: keys.accessKeyId,
      AWS_SECRET_ACCESS_KEY: keys.secretAccessKey,
      AWS_EC2_METADATA_DISABLED: 'true',
    });
    if (code !== 0) failures.push(`show (${who})`);
  }
  console.log('\n# the whole organization, every region, against examples/amiguard-estate.yaml');
  const audit = await amiguard(['audit', '--organization', '--role', 'AmiguardAuditRole', '--config', 'examples/amiguard-estate.yaml'], {
    AWS_ENDPOINT_URL: sandbox.url,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: SAMPLE_CREDENTIALS.management.accessKeyId,
    AWS_SECRET_ACCESS_KEY: SAMPLE_CREDENTIALS.management.secretAccessKey,
    AWS_EC2_METADATA_DISABLED: 'true',
  });
  // Like lint, audit exits 1 when it finds something, as it does here on purpose.
  if (audit === 2) failures.push('audit');
} finally {
  await sandbox.close();
}

if (failures.length > 0) {
  console.error(`\ndemo: ${failures.join(', ')} did not run`);
  process.exit(1);
}
