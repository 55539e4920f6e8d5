import type { Messages } from '../i18n/zh-CN.ts';

/** A message key under `errors.scoring` of the shared catalog (checked against it at compile time). */
export type ScoringErrorKey = `errors.scoring.${keyof Messages['errors']['scoring'] & string}`;

/** One problem with scoring input: the message key, its parameters and, when known, the field. */
export interface ScoringIssue {
  key: ScoringErrorKey;
  /** interpolation values; a param ending in `Key` is itself a message key (e.g. `fieldKey`) */
  params: Record<string, string | number>;
  /** where in the caller's input, e.g. ['operating', 'exceptions'] (zod-style path) */
  path: (string | number)[];
}

/**
 * Thrown for input the scoring contract refuses. The server maps it with
 * `appError('BAD_REQUEST', err.key, err.params)`; a zod `superRefine` can add `err.issues`.
 */
export class ScoringError extends Error {
  readonly key: ScoringErrorKey;
  readonly params: Record<string, string | number>;
  readonly path: (string | number)[];
  constructor(
    issue: ScoringIssue,
    /** every problem found, the first one being `issue` */
    readonly issues: readonly ScoringIssue[] = [issue],
  ) {
    super(issue.key);
    this.name = 'ScoringError';
    this.key = issue.key;
    this.params = issue.params;
    this.path = issue.path;
  }
}

export function scoringIssue(key: ScoringErrorKey, params: ScoringIssue['params'] = {}, path: ScoringIssue['path'] = []): ScoringIssue {
  return { key, params, path };
}

export function fail(key: ScoringErrorKey, params: ScoringIssue['params'] = {}, path: ScoringIssue['path'] = []): never {
  throw new ScoringError(scoringIssue(key, params, path));
}
