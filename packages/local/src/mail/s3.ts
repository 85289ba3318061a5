import { mkdirSync } from "node:fs";
import { Aws } from "@outdesk/core/aws";
import S3rver from "s3rver";
import { assertPortFree } from "../errors";

export interface MailBuckets {
  rawMail: string;
  attachments: string;
}

/** The local stack's buckets (on AWS, infra/email.ts names them). */
export const LOCAL_BUCKETS: MailBuckets = { rawMail: "outdesk-raw-mail", attachments: "outdesk-attachments" };

export interface RunningS3 {
  endpoint: string;
  stop(): Promise<void>;
}

/**
 * s3rver, the local twin of S3, on 127.0.0.1 only. Objects are files under `directory`, so they
 * survive restarts; requests must be signed with the S3RVER/S3RVER key Aws.s3Client() uses locally.
 * Path-style only: presigned URLs then name the bucket in the path, never in a localhost subdomain.
 */
export async function startS3(options: { port: number; directory: string }): Promise<RunningS3> {
  await assertPortFree(options.port, "S3 (s3rver)");
  mkdirSync(options.directory, { recursive: true });
  const server = new S3rver({
    address: "127.0.0.1",
    port: options.port,
    directory: options.directory,
    silent: true,
    vhostBuckets: false,
  });
  await server.run();
  return {
    endpoint: `http://127.0.0.1:${options.port}`,
    async stop() {
      const closed = server.close();
      server.httpServer?.closeAllConnections();
      await closed;
    },
  };
}

/**
 * Creates the raw-mail and attachments buckets through the S3 API at `Config.get("s3Endpoint")`
 * (existing ones are kept), and lets the console's origins PUT and GET attachments directly with
 * presigned URLs, as the attachments bucket's CORS rule does on AWS.
 */
export async function ensureBuckets(buckets: MailBuckets, consoleOrigins: string[] = []): Promise<void> {
  const [client, { CreateBucketCommand, PutBucketCorsCommand }] = await Promise.all([
    Aws.s3Client(),
    import("@aws-sdk/client-s3"),
  ]);
  for (const name of [buckets.rawMail, buckets.attachments]) {
    await client.send(new CreateBucketCommand({ Bucket: name })).catch((error: Error) => {
      if (error.name !== "BucketAlreadyExists" && error.name !== "BucketAlreadyOwnedByYou") throw error;
    });
  }
  if (consoleOrigins.length === 0) return;
  await client.send(
    new PutBucketCorsCommand({
      Bucket: buckets.attachments,
      CORSConfiguration: {
        CORSRules: [
          {
            AllowedOrigins: consoleOrigins,
            AllowedMethods: ["GET", "PUT", "HEAD"],
            AllowedHeaders: ["*"],
            ExposeHeaders: ["ETag"],
            MaxAgeSeconds: 3000,
          },
        ],
      },
    }),
  );
}
