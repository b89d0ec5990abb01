import { resolve } from 'node:path';
import { readInputText, sourceLocation, tryReadInputFile, MAX_INPUT_BYTES, type InputKind, type SuppressionDirective } from '../core/index.js';
import { scanDirectives } from '../suppress/inline.js';
import type { SkippedPath } from './discover.js';
import type { CodeLanguage, EmbeddedCode, TemplateFormat, UnitContext, UnitRead } from './format.js';
import type { BuildFilter, SourceFile, TemplateProblem, VariableInput } from './model.js';

export interface RunInputs {
  readonly cwd: string;
  readonly variables: readonly VariableInput[];
  readonly builds?: BuildFilter;
  readonly useEnv: boolean;
  readonly env: Readonly<Record<string, string | undefined>>;
}

/** What one unit's reading touched: files read, files refused, directives found. */
export interface UnitLedger {
  readonly problems: TemplateProblem[];
  readonly artifacts: string[];
  readonly unread: SkippedPath[];
  readonly directives: SuppressionDirective[];
}

/**
 * The context a unit reads in: the run's inputs, and a `load` that reads through the bounded
 * reader and records what it read in `ledger`. `formats` supplies the readers of embedded code.
 */
export function createUnitContext(inputs: RunInputs, formats: readonly TemplateFormat[], ledger: UnitLedger): UnitContext {
  const loadedPaths = new Set<string>();
  const context: UnitContext = {
    ...inputs,
    load(path, kind, comments) {
      const loaded = loadSource(resolve(inputs.cwd, path), path, kind);
      if (!loadedPaths.has(path)) {
        loadedPaths.add(path);
        ledger.artifacts.push(path);
        if ('problem' in loaded) {
          ledger.problems.push(loaded.problem);
          ledger.unread.push({ path, kind: 'unreadable', reason: loaded.problem.message });
        } else {
          for (const directive of scanDirectives(path, loaded.text, comments)) ledger.directives.push(directive);
        }
      }
      return 'problem' in loaded ? undefined : loaded;
    },
    readVarFile: (path) => readInputText(resolve(inputs.cwd, path), 'var-file', path),
    readCode: (language, code) => readCode(formats, language, code, context),
  };
  return context;
}

async function readCode(formats: readonly TemplateFormat[], language: CodeLanguage, code: EmbeddedCode, context: UnitContext): Promise<UnitRead> {
  const reader = formats.find((format) => format.readsCode?.language === language)?.readsCode;
  if (reader !== undefined) return reader.read(code, context);
  // Never a silent pass: code amiguard cannot read is a part of the file it did not check.
  return {
    subjects: [],
    problems: [
      {
        message: `embedded ${language} code is not read by this build of amiguard: any sharing it does was not checked`,
        location: sourceLocation(code.file, code.at.line, code.at.column),
        unevaluated: true,
      },
    ],
  };
}

/** A template or var-file through the bounded reader; one it refuses is a problem at its first line. */
export function loadSource(absolute: string, path: string, kind: InputKind): SourceFile | { problem: TemplateProblem } {
  const at = sourceLocation(path, 1, 1);
  const read = tryReadInputFile(absolute, MAX_INPUT_BYTES[kind]);
  if (!read.ok) return { problem: { message: `cannot read ${kind}: ${read.reason}`, location: at } };
  if (read.bytes.subarray(0, 8192).includes(0)) {
    return { problem: { message: 'binary file (it contains NUL bytes), not a template', location: at } };
  }
  return { path, text: read.bytes.toString('utf8') };
}
