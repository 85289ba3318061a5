import type * as z from "zod";
import { Dynamo } from "./dynamo";
import { OutdeskError, zodIssues } from "./error";

/**
 * An operation that validates its own input, so the API, the mail handler and the CLI get the
 * same checks. Bad input becomes a 400 naming the fields, before anything is read or written.
 */
export function fn<Schema extends z.ZodType, Result>(
  schema: Schema,
  impl: (input: z.output<Schema>) => Promise<Result>,
): ((input: z.input<Schema>) => Promise<Result>) & { schema: Schema } {
  const run = async (input: z.input<Schema>) => {
    const parsed = schema.safeParse(input);
    if (!parsed.success) {
      throw new OutdeskError("validation", "The request has invalid fields", { issues: zodIssues(parsed.error) });
    }
    await Dynamo.ready();
    return impl(parsed.data);
  };
  return Object.assign(run, { schema });
}
