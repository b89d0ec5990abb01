/**
 * Large HCL: the hand-written parser against tree-sitter, on a generated file of about 10 MB and
 * on the corpus's HCL files. Each measurement runs in a fresh process (bench/hcl-read.mjs: plain
 * node on the built modules, as the installed CLI runs), so that its peak RSS is its own: node,
 * the loaded modules, the warm-up and the text included; the idle figure is that floor.
 *
 *   npm run build && npm run bench:hcl              # a 10 MB file
 *   npm run bench:hcl -- 50                         # another size in MB
 *   npm run bench:hcl -- 10 --runs 9                # the hand-written modes' runs (default 5)
 *
 * Modes: tree-sitter's bare parse (the tree built and freed); tree-sitter parse + conversion to
 * the syntax tree (the reading before the switch); the hand-written parser's reading (every
 * expression read and checked, the blocks and attributes kept: an attribute reads its expression
 * again when it is evaluated); the full read of the configuration (read + evaluate + images),
 * which uses the hand-written parser.
 * Prints figures; it is not a test. Output folder: .bench/hcl (ignored by git).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { median } from './stats.js';

const ROOT = resolve(import.meta.dirname, '..');
const CORPUS = resolve(ROOT, '../shared/corpus');
const OUT = join(ROOT, '.bench/hcl');
const MIB = 1048576;
const MODES = ['idle', 'tree-sitter parse', 'tree-sitter read', 'hand-written read', 'full read'] as const;
type Mode = (typeof MODES)[number];

/** One unit of a realistic configuration: variables, locals, a source, a build with provisioners. */
function unit(index: number): string {
  const id = String(index).padStart(12, '0');
  return `variable "users_${index}" {
  type    = list(string)
  default = ["${id}", "${String(index + 1).padStart(12, '0')}"]
}

variable "region_${index}" {
  type    = string
  default = "eu-west-1"
}

locals {
  name_${index}   = "app-\${var.region_${index}}-${index}"
  shared_${index} = var.region_${index} == "us-east-1" ? [] : concat(var.users_${index}, ["${id}"])
  tags_${index}   = { for k, v in { Name = local.name_${index}, Team = "platform" } : k => upper(v) }
}

source "amazon-ebs" "s${index}" {
  ami_name      = "\${local.name_${index}}-{{timestamp}}"
  instance_type = "t3.micro"
  region        = var.region_${index}
  ami_users     = local.shared_${index}
  ami_groups    = [for g in ["x"] : g if g != "x"]
  tags          = local.tags_${index}
  source_ami_filter {
    filters = {
      name                = "al2023-ami-*-x86_64"
      root-device-type    = "ebs"
    }
    owners      = ["amazon"]
    most_recent = true
  }
}

build {
  sources = ["source.amazon-ebs.s${index}"]

  provisioner "shell" {
    inline = [
      "sudo dnf -y update",
      "echo \${local.name_${index}} > /etc/motd", # the image's name
    ]
  }

  provisioner "file" {
    content     = <<-EOT
      [service]
      name = %{ if index == 0 }first%{ else }app-${index}%{ endif }
      EOT
    destination = "/tmp/app.conf"
  }
}

`.replace('index == 0', index === 0 ? 'true' : 'false');
}

function generate(megabytes: number): string {
  mkdirSync(OUT, { recursive: true });
  const parts: string[] = [];
  let size = 0;
  for (let index = 0; size < megabytes * MIB; index += 1) {
    const text = unit(index);
    parts.push(text);
    size += text.length;
  }
  const path = join(OUT, `large-${megabytes}mb.pkr.hcl`);
  writeFileSync(path, parts.join(''));
  return path;
}

function hclFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return hclFiles(path);
    return name.endsWith('.hcl') ? [path] : [];
  });
}

/** Wall time, CPU time of the process (the garbage collector's threads included), peak RSS. */
interface Measured {
  readonly ms: number;
  readonly cpuMs: number;
  readonly rssMb: number;
  readonly images: number;
}

/** The newest modification time under `dir` of files ending with `suffix`. */
function newest(dir: string, suffix: string): number {
  return readdirSync(dir).reduce((latest, name) => {
    const path = join(dir, name);
    const stat = statSync(path);
    if (stat.isDirectory()) return Math.max(latest, newest(path, suffix));
    return name.endsWith(suffix) ? Math.max(latest, stat.mtimeMs) : latest;
  }, 0);
}

function run(mode: Mode, target: string, rounds: number): Measured {
  const output = execFileSync(process.execPath, [join(ROOT, 'bench/hcl-read.mjs'), mode, target, String(rounds)], {
    cwd: ROOT,
    encoding: 'utf8',
    maxBuffer: 1 << 20,
  });
  return JSON.parse(output) as Measured;
}


/**
 * The hand-written modes run `runs` times (medians, and the range of the peak RSS): when V8's
 * mark-compacts come varies with the machine's load, and with it the peak, by up to 10%. The
 * tree-sitter modes, 8-10 s each and reference figures only, run once.
 */
function measure(mode: Mode, target: string, rounds: number, runs: number): Measured & { rssRange: string } {
  const all = Array.from({ length: mode.startsWith('tree-sitter') || mode === 'idle' ? 1 : runs }, () => run(mode, target, rounds));
  const rss = all.map((each) => each.rssMb);
  return {
    ms: median(all.map((each) => each.ms)),
    cpuMs: median(all.map((each) => each.cpuMs)),
    rssMb: median(rss),
    images: all[0]?.images ?? 0,
    rssRange: all.length === 1 ? '' : `, peak ${Math.min(...rss).toFixed(0)}-${Math.max(...rss).toFixed(0)} MB in ${all.length} runs`,
  };
}

function report(title: string, bytes: number, rounds: number, target: string, runs: number): void {
  console.log(`\n${title}: ${(bytes / MIB).toFixed(2)} MiB${rounds > 1 ? ` read ${rounds} times` : ''}`);
  console.log(
    `  ${'mode'.padEnd(20)} ${'wall'.padStart(9)} ${'MiB/s'.padStart(7)} ${'CPU'.padStart(9)} ${'MiB/CPU-s'.padStart(9)} ${'peak RSS'.padStart(9)}  ${'RSS / source'.padStart(12)}`,
  );
  let idle = 0;
  for (const mode of MODES) {
    const { ms, cpuMs, rssMb, images, rssRange } = measure(mode, target, rounds, runs);
    if (mode === 'idle') {
      idle = rssMb;
      console.log(`  ${mode.padEnd(20)} ${''.padStart(9)} ${''.padStart(7)} ${''.padStart(9)} ${''.padStart(9)} ${`${rssMb.toFixed(0)} MB`.padStart(9)}  (node, the modules, the warm-up, the text)`);
      continue;
    }
    const rate = (bytes * rounds) / MIB / (ms / 1000);
    const cpuRate = (bytes * rounds) / MIB / (cpuMs / 1000);
    const ratio = `${((rssMb * 1024 * 1024) / bytes).toFixed(1)}x`;
    const extra = mode === 'full read' ? `  ${images} images` : '';
    console.log(
      `  ${mode.padEnd(20)} ${`${ms.toFixed(0)} ms`.padStart(9)} ${rate.toFixed(2).padStart(7)} ${`${cpuMs.toFixed(0)} ms`.padStart(9)} ${cpuRate.toFixed(2).padStart(9)} ${`${rssMb.toFixed(0)} MB`.padStart(9)}  ${ratio.padStart(12)}  (+${(rssMb - idle).toFixed(0)} MB over idle${rssRange})${extra}`,
    );
  }
}

function main(): void {
  const built = join(ROOT, 'dist/src/templates/hcl/parser/parser.js');
  if (!existsSync(built) || statSync(built).mtimeMs < newest(join(ROOT, 'src'), '.ts')) {
    throw new Error('run npm run build first: this measures the built modules, and src/ is newer than dist/');
  }
  const args = process.argv.slice(2);
  const at = args.indexOf('--runs');
  const runs = at < 0 ? 5 : Number(args[at + 1]);
  const megabytes = Number(args.find((arg, index) => !arg.startsWith('--') && args[index - 1] !== '--runs') ?? 10);
  if (!(runs >= 1) || !(megabytes > 0)) throw new Error('usage: npm run bench:hcl -- [MEGABYTES] [--runs N]');
  const path = generate(megabytes);
  console.log(
    `amiguard HCL parse benchmark (node ${process.version}, ${new Date().toISOString().slice(0, 10)}, one thread, load average ${loadavg()[0]?.toFixed(1)} on ${availableParallelism()} cores)`,
  );
  report(`generated file ${path.slice(ROOT.length + 1)}`, statSync(path).size, 1, path, runs);
  const corpus = hclFiles(CORPUS);
  const corpusBytes = corpus.reduce((sum, file) => sum + statSync(file).size, 0);
  report(`corpus: ${corpus.length} HCL files`, corpusBytes, 50, 'corpus', 1);
}

main();
