/**
 * The HCL patterns that name Unicode properties, each made on first use. V8 builds the set of a
 * `\p{...}` class through ICU when the literal is first evaluated, not when it first matches:
 * as module constants the first three cost every lint ~7 million instructions of start-up, for
 * patterns that only a non-ASCII identifier, a syntax error or a templatefile() call ever needs.
 */
let token: RegExp | undefined;
let idStart: RegExp | undefined;
let idContinue: RegExp | undefined;
let templateVariable: RegExp | undefined;

/** The token of `text` at `index` (an identifier, a number, a short string, an operator or one character), to name what a syntax error found. */
export function tokenAt(text: string, index: number): string {
  token ??= /[\p{ID_Start}_][\p{ID_Continue}-]*|\d+(?:\.\d+)?|"(?:[^"\\\n]|\\.){0,40}"|<<-?|=>|==|!=|<=|>=|&&|\|\||\.\.\.|\S/uy;
  token.lastIndex = index;
  return token.exec(text)?.[0] ?? text.charAt(index);
}

/** A character that can start an identifier. */
export function idStartPattern(): RegExp {
  idStart ??= /[\p{ID_Start}_]/u;
  return idStart;
}

/** A name templatefile() accepts for a template variable (Packer's and Terraform's check). */
export function templateVariablePattern(): RegExp {
  templateVariable ??= /^[\p{L}_][\p{L}\p{N}_-]*$/u;
  return templateVariable;
}

/** A character that can continue an identifier. */
export function idContinuePattern(): RegExp {
  idContinue ??= /[\p{ID_Continue}-]/u;
  return idContinue;
}
