import type { S3Client } from "@aws-sdk/client-s3";
import type { SESv2Client } from "@aws-sdk/client-sesv2";
import { Config } from "./config";

/**
 * S3 and SES v2 clients, loaded on first use (most API requests touch neither) and rebuilt when
 * the configuration changes. Locally they point at s3rver and aws-ses-v2-local.
 */
let s3: Promise<S3Client> | undefined;
let ses: Promise<SESv2Client> | undefined;

const localCredentials = { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" };

Config.onChange(() => {
  s3 = undefined;
  ses = undefined;
});

export namespace Aws {
  export function s3Client(): Promise<S3Client> {
    s3 ??= import("@aws-sdk/client-s3").then(({ S3Client }) => {
      const endpoint = Config.get("s3Endpoint");
      return new S3Client({
        region: Config.get("region"),
        ...(endpoint ? { endpoint, forcePathStyle: true, credentials: localCredentials } : {}),
      });
    });
    return s3;
  }

  export function sesClient(): Promise<SESv2Client> {
    ses ??= import("@aws-sdk/client-sesv2").then(({ SESv2Client }) => {
      const endpoint = Config.get("sesEndpoint");
      return new SESv2Client({
        region: Config.get("region"),
        ...(endpoint ? { endpoint, credentials: { accessKeyId: "local", secretAccessKey: "local" } } : {}),
      });
    });
    return ses;
  }

  /** An object's bytes, or undefined when there is no such key. */
  /**
   * The object's bytes, or undefined when there is no such key. Read into one buffer of the
   * object's size as the chunks arrive (transformToByteArray keeps every chunk and joins them at
   * the end: a 25 MB mail twice over); the buffer owns its whole ArrayBuffer, so a parser can
   * take that without copying.
   */
  export async function getObject(bucket: string, key: string): Promise<Uint8Array | undefined> {
    const [client, { GetObjectCommand }] = await Promise.all([s3Client(), import("@aws-sdk/client-s3")]);
    let output: import("@aws-sdk/client-s3").GetObjectCommandOutput;
    try {
      output = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    } catch (error) {
      if ((error as { name?: string }).name === "NoSuchKey") return undefined;
      throw error;
    }
    if (!output.Body) return new Uint8Array();
    const size = output.ContentLength;
    if (size === undefined) return output.Body.transformToByteArray();
    // Not from Buffer's shared pool (small buffers are slices of it); every byte is written below.
    const bytes = Buffer.allocUnsafeSlow(size);
    let offset = 0;
    for await (const chunk of output.Body as AsyncIterable<Uint8Array>) {
      if (offset + chunk.length > size) throw new Error(`${key} is longer than its ${size} bytes`);
      bytes.set(chunk, offset);
      offset += chunk.length;
    }
    if (offset !== size) throw new Error(`${key} ended after ${offset} of its ${size} bytes`);
    return new Uint8Array(bytes.buffer, 0, size);
  }

  export async function putObject(
    bucket: string,
    key: string,
    body: Uint8Array | string,
    options: { contentType?: string; contentDisposition?: string } = {},
  ): Promise<void> {
    const [client, { PutObjectCommand }] = await Promise.all([s3Client(), import("@aws-sdk/client-s3")]);
    await client.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: key,
        Body: body,
        ContentType: options.contentType,
        ContentDisposition: options.contentDisposition,
      }),
    );
  }

  /**
   * One raw MIME message through SES v2, in the stage's configuration set (its events feed delivery
   * states); `tags` name what it belongs to, so those events find their way back. SES's message id.
   */
  export async function sendRawMail(mail: {
    from: string;
    to: string[];
    cc?: string[];
    raw: Uint8Array;
    tags: Record<string, string>;
  }): Promise<string> {
    const [client, { SendEmailCommand }] = await Promise.all([sesClient(), import("@aws-sdk/client-sesv2")]);
    const configurationSet = Config.get("sesConfigurationSet");
    const output = await client.send(
      new SendEmailCommand({
        FromEmailAddress: mail.from,
        Destination: { ToAddresses: mail.to, CcAddresses: mail.cc?.length ? mail.cc : undefined },
        Content: { Raw: { Data: mail.raw } },
        ...(configurationSet ? { ConfigurationSetName: configurationSet } : {}),
        EmailTags: Object.entries(mail.tags).map(([Name, Value]) => ({ Name, Value })),
      }),
    );
    return output.MessageId ?? "";
  }
}
