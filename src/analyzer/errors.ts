/**
 * Errors are values with a code and a message a user can act on. The CLI prints `edgefit: <message>`
 * on one line and exits with `exitCode` (2 for bad input or usage). Nothing else should escape to the user.
 */
export type ErrorCode =
  | 'USAGE' // bad command line
  | 'FILE_NOT_FOUND'
  | 'FILE_TOO_LARGE' // above the size cap (option raises it)
  | 'NOT_A_MODEL' // foreign bytes: neither ONNX nor TFLite
  | 'TRUNCATED' // a model file that ends early
  | 'BAD_MODEL' // structurally invalid: cycle, dangling/missing input, duplicate names, bad attribute
  | 'BAD_SHAPE' // shapes that cannot be inferred or do not agree
  | 'DIM_OVERFLOW' // a dim product too large to be real
  | 'DYNAMIC_DIM' // a dim that cannot be resolved and has no default
  | 'EXTERNAL_DATA' // missing or unreadable external data
  | 'UNSAFE_PATH' // external-data location escaping the model folder
  | 'LIMIT' // a tensor or allocation above a cap
  | 'BAD_PROFILE' // invalid target profile
  | 'UNKNOWN_TARGET'
  | 'UNSUPPORTED';

export class EdgefitError extends Error {
  readonly code: ErrorCode;
  readonly exitCode: number;

  constructor(code: ErrorCode, message: string, exitCode = 2) {
    // one line whatever a file's names hold: control characters and line separators are shown escaped
    super(escapeControlChars(message));
    this.name = 'EdgefitError';
    this.code = code;
    this.exitCode = exitCode;
  }
}

/** Characters a name or message read from a file must not print raw: C0/C1 controls (newlines, ESC, CSI), DEL, line separators. */
export const CONTROL_CHARS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;
const CONTROL_CHARS_ALL = new RegExp(CONTROL_CHARS.source, 'g');

/** `message` with control characters (C0, DEL, C1) and line separators escaped (`\n`, `\u0007` …): it prints as one line and carries no terminal escape. */
export function escapeControlChars(message: string): string {
  return message.replace(CONTROL_CHARS_ALL, (c) => (c === '\n' ? '\\n' : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`));
}

export function isEdgefitError(e: unknown): e is EdgefitError {
  return e instanceof EdgefitError;
}

/** Throws a typed error; handy in expressions. */
export function fail(code: ErrorCode, message: string): never {
  throw new EdgefitError(code, message);
}
