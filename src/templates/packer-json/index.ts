import { refusedByPacker, type ReadOptions, type SourceFile, type TemplateProblem, type TemplateReadResult } from '../model.js';
import type { Evaluator } from './evaluate.js';
import { collectImages } from './images.js';
import { describeNode, duplicateKeyProblems, locationOf, ObjectIndex } from './json-tree.js';
import { parseJson, parseOnly } from './parse.js';
import { buildScope } from './variables.js';

/** The top-level keys read here. */
const TOP_LEVEL_KEYS: ReadonlySet<string> = new Set(['builders', 'post-processors', 'variables']);

/**
 * Reads a legacy Packer JSON template: one image per AMI-producing builder or post-processor,
 * with its sharing fields evaluated as Packer would (user variables, var-files, `--var`, comma
 * splitting) and the position of every value. Problems are returned, never thrown.
 */
export function readPackerJson(file: SourceFile, options: ReadOptions): TemplateReadResult {
  const parsed = parseJson(file.path, file.text);
  if (!parsed.ok) return { images: [], problems: [parsed.problem] };
  const body = parsed.document.body;
  if (body.type !== 'Object') {
    return {
      images: [],
      problems: [
        {
          message: `a Packer JSON template is an object with "builders", found ${describeNode(body)}`,
          location: locationOf(file.path, body),
        },
      ],
    };
  }
  const top = new ObjectIndex(body);
  const problems: TemplateProblem[] = duplicateKeyProblems(file.path, top, TOP_LEVEL_KEYS);
  if (!top.has('builders') && !top.has('post-processors')) {
    problems.push({
      message: 'no "builders" in this file: it is not a Packer JSON template',
      location: locationOf(file.path, body),
    });
  }
  const { scope, problems: variableProblems } = buildScope(file.path, top.get('variables')?.value, options);
  for (const problem of variableProblems) problems.push(problem);
  for (const problem of scope.resolveAll(locationOf(file.path, body))) problems.push(problem);
  const evaluator: Evaluator = { file: file.path, scope, problems };
  const images = collectImages(evaluator, top, options.builds);
  // Packer refuses a template with any of these problems before building: it shares nothing.
  return { images: refusedByPacker(problems) ? [] : images, problems };
}

/** Bare parse without evaluation (momoa parse only), for the benchmark's baseline. */
export function parsePackerJsonOnly(file: SourceFile): void {
  parseOnly(file.text);
}
