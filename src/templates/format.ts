import type { ImageSubject, InputKind, SourceLocation } from '../core/index.js';
import type { DirectiveSyntax } from '../suppress/inline.js';
import type { BuildFilter, SourceFile, TemplateImage, TemplateProblem, VariableInput } from './model.js';

/**
 * The reader seam: every format (Packer HCL2, legacy Packer JSON, Terraform, CloudFormation,
 * Ansible, scripts) is one folder that exports a `TemplateFormat`. Discovery walks the paths and
 * offers each file to the formats in registry order; the first that claims it owns it; each
 * format groups its files into units (a Packer folder, a Terraform module, one CloudFormation
 * template, one playbook, one script), and each unit reads into the format-neutral
 * `ImageSubject` model. Discovery and lint know no format.
 */
export interface TemplateFormat {
  readonly id: FormatId;
  /** What it reads, for the "nothing found" message: `*.tf and *.tf.json files (Terraform)`. */
  readonly reads: string;
  /**
   * Whether a file is this format's, by its name (and whether it was named on the command line):
   * `template` (read as or in a unit), `companion` (read only with a unit of its folder, such as
   * an auto var-file), `maybe` (decided by `sniff`), or undefined (not this format's).
   * `{ refuse }` turns down a file named on the command line with a reason (`a variables file,
   * not a template: pass it with --var-file`).
   */
  claim(file: FoundFile): Claim | { readonly refuse: string } | undefined;
  /**
   * For a `maybe` claim: whether the content is this format's (a .json with "builders", a YAML
   * file with `AWSTemplateFormatVersion`, a script that calls modify-image-attribute). Reads at
   * most what it needs, through `readHead`. `{ reason }` when the file cannot be read.
   */
  sniff?(file: FoundFile): boolean | { readonly reason: string };
  /** Why a `maybe` file this format sniffed and refused is not read (listed as not-a-template). */
  readonly notMine?: string;
  /**
   * Whether this format reads a file named on the command line even when its sniff refuses it
   * (a `.json` without "builders"), so that the reader says what is wrong with it.
   */
  readsNamed?(file: FoundFile): boolean;
  /** Groups the files this format claimed (in path order, sniffed ones included) into units. */
  group(files: readonly ClaimedFile[]): readonly ReadUnit[];
  /** Why a companion file that no unit took is not read (listed as not-a-template). */
  readonly orphanReason?: string;
  /**
   * Parses files the way the reader does, without evaluating them or building subjects: the
   * baseline `npm run bench:lint` compares a full read with.
   */
  parseOnly?(files: readonly SourceFile[]): Promise<void>;
  /**
   * Reads code of this language embedded in another format's file (a Lambda `ZipFile`, a
   * workflow's `run:` step). Only script formats have it.
   */
  readonly readsCode?: { readonly language: CodeLanguage; read(code: EmbeddedCode, context: UnitContext): Promise<UnitRead> };
}

export type FormatId = 'packer-hcl' | 'packer-json' | 'terraform' | 'cloudformation' | 'ansible' | 'shell' | 'python' | 'ci';
export type CodeLanguage = 'shell' | 'python';
export type Claim = 'template' | 'companion' | 'maybe';

/** A file discovery found, as offered to the formats. */
export interface FoundFile {
  readonly absolute: string;
  /** As shown to the user: relative to the working folder with `/` when under it. */
  readonly path: string;
  /** The base name. */
  readonly name: string;
  /** The absolute folder it is in. */
  readonly folder: string;
  /** Named on the command line (always read by the first format that takes it), not found by a walk. */
  readonly named: boolean;
}

export interface ClaimedFile extends FoundFile {
  readonly claim: 'template' | 'companion';
}

/** One reading: every file in `files` is read together (a folder's configuration, one script). */
export interface ReadUnit {
  readonly format: FormatId;
  /** The templates it reads, as shown; `--exclude` and the policy's `exclude:` drop a unit's file before it is read. */
  readonly files: readonly string[];
  /** Files read only with the templates (auto var-files), as shown; not subject to exclusion. */
  readonly companions?: readonly string[];
  /** Reads the unit; `files` is what is left after exclusion (never empty). */
  read(files: readonly string[], context: UnitContext): Promise<UnitRead>;
}

/** What a reader may use: the inputs of the run, and a bounded, recorded way to read files. */
export interface UnitContext {
  readonly cwd: string;
  /** `--var` and `--var-file` in command-line order; each format applies those that are its own. */
  readonly variables: readonly VariableInput[];
  /** `--only` / `--except` (Packer's build filter); the formats that have no builds ignore it. */
  readonly builds?: BuildFilter;
  readonly useEnv: boolean;
  readonly env: Readonly<Record<string, string | undefined>>;
  /**
   * Reads a file of the unit (or one it references, such as a local module or an included task
   * file) through the bounded reader, records it as read, and collects its `amiguard-ignore`
   * directives written in `comments`. A file the reader refuses is recorded as unread with a
   * problem at its first line, and gives undefined.
   */
  load(path: string, kind: InputKind, comments: DirectiveSyntax): SourceFile | undefined;
  /** Reads a `--var-file` (or a var-file named by the template); throws InputError when it cannot. */
  readVarFile(path: string): string;
  /**
   * Reads embedded code with the format that reads that language. `code.at` is where the code
   * starts in its file, so that locations point into the enclosing file.
   */
  readCode(language: CodeLanguage, code: EmbeddedCode): Promise<UnitRead>;
}

/** Code found inside another file: a CloudFormation `ZipFile`, a workflow step's `run:`. */
export interface EmbeddedCode {
  /** The enclosing file, as shown. */
  readonly file: string;
  readonly text: string;
  /** Where `text` starts in `file`: line and column of its first character (1-based). */
  readonly at: { readonly line: number; readonly column: number };
  /** Columns removed from the start of every line after the first (a YAML block scalar's indentation). */
  readonly indent?: number;
  /** A runtime guard around the code (`if: github.ref == 'refs/heads/main'`), named in the messages. */
  readonly condition?: string;
}

export interface UnitRead {
  readonly subjects: readonly ImageSubject[];
  readonly problems: readonly TemplateProblem[];
  /** Packer's evaluated images, for the Packer tests and the differential test. */
  readonly images?: readonly TemplateImage[];
}

/** A location in embedded code, moved to where the code sits in its enclosing file. */
export function locateEmbedded(code: EmbeddedCode, line: number, column: number, endLine = line, endColumn = column): SourceLocation {
  const indent = code.indent ?? 0;
  const shift = (l: number, c: number): [number, number] =>
    l === 1 ? [code.at.line, code.at.column + c - 1] : [code.at.line + l - 1, c + indent];
  const [startLine, startColumn] = shift(line, column);
  const [stopLine, stopColumn] = shift(endLine, endColumn);
  return { kind: 'source', file: code.file, line: startLine, column: startColumn, endLine: stopLine, endColumn: stopColumn };
}
