// Error catalogue: every error a user can see carries a stable `code` callers can match and
// a message that names the place (file:line, field) and what was expected.

export type ErrorCode =
  | 'EMPTY_INPUT'
  | 'BINARY_INPUT'
  | 'BAD_ENCODING'
  | 'NOT_A_LISTING'
  | 'FILE_NOT_FOUND'
  | 'INPUT_TOO_LARGE'
  | 'BAD_ARGUMENT'
  | 'UNKNOWN_CORPUS'
  | 'STORE_ERROR';

export class ConfscopeError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ConfscopeError';
    this.code = code;
  }
}

export function isConfscopeError(e: unknown): e is ConfscopeError {
  return e instanceof ConfscopeError;
}
