/**
 * One problem with an input, located by its path (`attributes.score`, `members[2]`) and, for
 * an input read from text (a routing configuration file), by where it is in that text.
 */
export interface ValidationIssue {
  readonly path: string;
  readonly message: string;
  /** 1-based line of the node at fault in the source text. */
  readonly line?: number;
  /** 1-based column of the node at fault in the source text. */
  readonly column?: number;
}

/** Base of every Switchboard error. */
export class SwitchboardError extends Error {
  override name = 'SwitchboardError';
}

/** An input failed validation; nothing was changed. */
export class ValidationError extends SwitchboardError {
  override name = 'ValidationError';
  readonly issues: ReadonlyArray<ValidationIssue>;
  constructor(issues: ReadonlyArray<ValidationIssue>, options?: { cause?: unknown }) {
    super(issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; '), options);
    this.issues = issues;
  }
}

/** A referenced thing (rep, team, lead) does not exist. */
export class NotFoundError extends SwitchboardError {
  override name = 'NotFoundError';
  readonly kind: string;
  readonly ref: string;
  constructor(kind: string, ref: string, hint?: string, options?: { cause?: unknown }) {
    super(`${kind} "${ref}" does not exist${hint ? `: ${hint}` : ''}`, options);
    this.kind = kind;
    this.ref = ref;
  }
}

/** The request conflicts with the current state (a duplicate name, a stale version). */
export class ConflictError extends SwitchboardError {
  override name = 'ConflictError';
}
