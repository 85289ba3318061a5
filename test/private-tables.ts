/**
 * Test files that get a table (and S3 buckets) of their own; every other file shares one table and
 * one pair of buckets per run (test/setup.ts). Sharing is safe because tenants are random ids and
 * global names (provider slugs, support addresses) get a random suffix per file: a file sees only
 * what it wrote. A file belongs here when it reads or acts on what every tenant shares: it sweeps
 * or lists a global partition (the SLA index gsi9, the outbox, the provider directory), counts a
 * global limit, lists a bucket or measures capacity. Paths from the repo root, with the reason.
 */
export const privateTableFiles: Record<string, string> = {
  "packages/functions/src/sla-sweep.test.ts": "runs the SLA sweep over gsi9's shards, shared by every tenant",
  "packages/functions/src/api/sla-report.test.ts": "runs the SLA sweep over gsi9's shards",
  "packages/functions/src/api/tickets.test.ts": "runs auto-close, which walks the provider directory (every tenant)",
  "packages/functions/src/email-events.test.ts": "reads an outbox shard, a partition shared by every tenant",
  "packages/local/src/ses-events.test.ts": "applies the events of every mail in the local SES, whichever file sent it",
  "packages/local/src/mail.test.ts":
    "lists the raw-mail bucket, sets its CORS, and routes a fixed address to fixed ids",
  "packages/functions/src/api/signup.test.ts":
    "counts sign-ups against the global rate limits (and reuses fixed slugs)",
  "packages/local/src/cli.test.ts":
    "seeds the demo provider and signs up fixed slugs through the CLI, a process of its own",
  "packages/functions/src/api/search.test.ts":
    "runs the search indexer on the table's stream, which carries every tenant's writes",
  "bench/bundle.test.ts": "signs up a fixed slug from a fixed source address, in a process of its own",
};

/**
 * Files that also get a DynamoDB Local of their own: they pin request and capacity counts, which
 * must not depend on what the rest of the run left in the shared JVM. Late in a full run the
 * shared instance served this bench several times slower than a fresh one (over its 120 s budget
 * while every other file kept its pace), so it starts a JVM (about 3 s) for itself.
 */
export const ownDynamoFiles: Record<string, string> = {
  "bench/requests-per-operation.test.ts": "pins requests and consumed capacity per operation",
};
