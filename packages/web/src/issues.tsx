import { ApiError } from "./api";

/**
 * What the API said was wrong with a form: its `issues` (zod paths into the request body) shown
 * next to the fields they name, and a summary of all of them above the form, so an issue on a
 * path the form does not draw is never lost.
 */
export type Issue = { path: (string | number)[]; message: string };

export interface FormProblem {
  message: string;
  issues: Issue[];
  /** A stale version (409): the form must be reloaded before it can be saved. */
  conflict: boolean;
}

export function problemOf(reason: unknown): FormProblem {
  if (!(reason instanceof ApiError)) return { message: "Something went wrong", issues: [], conflict: false };
  return {
    message: reason.body.message,
    issues: reason.body.issues ?? [],
    conflict: reason.status === 409,
  };
}

const key = (path: readonly (string | number)[]) => path.join(".");

/** The messages of the issues at this path (`deep`: or below it, for a list edited as one field). */
export function issuesAt(problem: FormProblem | null, path: readonly (string | number)[], deep = false): string[] {
  if (!problem) return [];
  const wanted = key(path);
  return problem.issues
    .filter((issue) => {
      const at = key(issue.path);
      return at === wanted || (deep && at.startsWith(`${wanted}.`));
    })
    .map((issue) => issue.message);
}

export function FieldIssue({
  problem,
  at,
  deep = false,
}: {
  problem: FormProblem | null;
  at: readonly (string | number)[];
  deep?: boolean;
}) {
  const messages = issuesAt(problem, at, deep);
  if (messages.length === 0) return null;
  return (
    <span className="field-issue" role="alert" data-testid="field-issue" data-path={key(at)}>
      {messages.join("; ")}
    </span>
  );
}

/** The summary above a form: the API's message and each issue with the field it names. */
export function ProblemSummary({ problem, strip = 0 }: { problem: FormProblem | null; strip?: number }) {
  if (!problem) return null;
  return (
    <div className="error-note" role="alert" data-testid="form-problem">
      {problem.message}
      {problem.issues.length > 0 && (
        <ul className="issue-list">
          {problem.issues.map((issue) => (
            <li key={`${key(issue.path)}:${issue.message}`}>
              {issue.path.length > strip && <span className="mono">{key(issue.path.slice(strip))}: </span>}
              {issue.message}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
