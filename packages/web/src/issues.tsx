import { ApiError } from "./api";
import { issueInWords } from "./field-words";

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

const matching = (problem: FormProblem | null, path: readonly (string | number)[], deep: boolean) => {
  if (!problem) return [];
  const wanted = key(path);
  return problem.issues.filter((issue) => {
    const at = key(issue.path);
    return at === wanted || (deep && at.startsWith(`${wanted}.`));
  });
};

/** The messages of the issues at this path (`deep`: or below it, for a list edited as one field). */
export function issuesAt(problem: FormProblem | null, path: readonly (string | number)[], deep = false): string[] {
  return matching(problem, path, deep).map((issue) => issue.message);
}

/** The issues at a field, in words with its label ("Order ID is required…"; `label`: the form's own). */
export function FieldIssue({
  problem,
  at,
  deep = false,
  label,
}: {
  problem: FormProblem | null;
  at: readonly (string | number)[];
  deep?: boolean;
  label?: string;
}) {
  const found = matching(problem, at, deep);
  if (found.length === 0) return null;
  const labels = label ? { [key(at)]: label } : {};
  return (
    <span className="field-issue" role="alert" data-testid="field-issue" data-path={key(at)}>
      {found.map((issue) => issueInWords(issue, labels)).join("; ")}
    </span>
  );
}

/**
 * The summary above a form: each issue in words with the label of the field it names (`labels`:
 * the form's own, by dotted path; `strip` leading path parts the form adds), or the API's message.
 */
export function ProblemSummary({
  problem,
  strip = 0,
  labels = {},
}: {
  problem: FormProblem | null;
  strip?: number;
  labels?: Record<string, string>;
}) {
  if (!problem) return null;
  return (
    <div className="error-note" role="alert" data-testid="form-problem">
      {problem.issues.length > 0 ? "Please check:" : problem.message}
      {problem.issues.length > 0 && (
        <ul className="issue-list">
          {problem.issues.map((issue) => (
            <li key={`${key(issue.path)}:${issue.message}`}>
              {issueInWords({ path: issue.path.slice(strip), message: issue.message }, labels)}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
