import { Aws } from "../aws";
import { Config } from "../config";

/**
 * Where attachments live in the attachments bucket, and the S3 calls on them. Every key starts
 * with the provider and client: `<providerId>/<clientId>/<ticketId>/<attachmentId>` for a
 * message's attachment, `uploads/<providerId>/<clientId>/<uploadId>` for an upload not yet
 * claimed (the bucket expires that prefix after a day, so abandoned uploads cost nothing).
 */
export const UPLOADS_PREFIX = "uploads/";

export const objectKey = (providerId: string, clientId: string, ticketId: string, attachmentId: string) =>
  `${providerId}/${clientId}/${ticketId}/${attachmentId}`;

export const stagingKey = (providerId: string, clientId: string, uploadId: string) =>
  `${UPLOADS_PREFIX}${providerId}/${clientId}/${uploadId}`;

const bucket = () => Config.get("attachmentsBucket");

/**
 * The SDK adds a CRC32 of the (empty) body to PutObject unless told otherwise; in a presigned
 * URL that checksum would be signed and S3 would refuse the real file. Kept out of the URL.
 */
const CHECKSUM_HEADERS = new Set(["x-amz-checksum-crc32", "x-amz-sdk-checksum-algorithm"]);

const sdk = () => Promise.all([Aws.s3Client(), import("@aws-sdk/client-s3"), import("@aws-sdk/s3-request-presigner")]);

/** A PUT URL that accepts exactly this type and length (both are signed headers). */
export async function presignPut(key: string, contentType: string, size: number, seconds: number): Promise<string> {
  const [client, { PutObjectCommand }, { getSignedUrl }] = await sdk();
  return getSignedUrl(
    client,
    new PutObjectCommand({ Bucket: bucket(), Key: key, ContentType: contentType, ContentLength: size }),
    {
      expiresIn: seconds,
      signableHeaders: new Set(["content-type", "content-length"]),
      unhoistableHeaders: CHECKSUM_HEADERS,
      unsignableHeaders: CHECKSUM_HEADERS,
    },
  );
}

/** A GET URL whose response carries the given Content-Disposition and Content-Type, whatever the object says. */
export async function presignGet(
  key: string,
  response: { disposition: string; contentType: string; cacheControl: string },
  seconds: number,
): Promise<string> {
  const [client, { GetObjectCommand }, { getSignedUrl }] = await sdk();
  return getSignedUrl(
    client,
    new GetObjectCommand({
      Bucket: bucket(),
      Key: key,
      ResponseContentDisposition: response.disposition,
      ResponseContentType: response.contentType,
      ResponseCacheControl: response.cacheControl,
    }),
    { expiresIn: seconds },
  );
}

export interface ObjectHead {
  size: number;
  contentType: string | undefined;
  etag: string | undefined;
}

/** An object's size, type and ETag, or undefined when there is no such key. */
export async function headObject(key: string): Promise<ObjectHead | undefined> {
  const [client, { HeadObjectCommand }] = await sdk();
  try {
    const head = await client.send(new HeadObjectCommand({ Bucket: bucket(), Key: key }));
    return { size: head.ContentLength ?? 0, contentType: head.ContentType, etag: head.ETag };
  } catch (error) {
    const { name, $metadata } = error as { name?: string; $metadata?: { httpStatusCode?: number } };
    if (name === "NotFound" || name === "NoSuchKey" || $metadata?.httpStatusCode === 404) return undefined;
    throw error;
  }
}

/**
 * Copies within the bucket, only if the source is still the version that was checked (its
 * ETag): a second PUT to a still-valid upload URL cannot swap the content after the check.
 */
export async function copyObject(from: string, to: string, etag: string | undefined, contentType: string) {
  const [client, { CopyObjectCommand }] = await sdk();
  await client.send(
    new CopyObjectCommand({
      Bucket: bucket(),
      Key: to,
      CopySource: `${bucket()}/${from.split("/").map(encodeURIComponent).join("/")}`,
      ...(etag ? { CopySourceIfMatch: etag } : {}),
      MetadataDirective: "REPLACE",
      ContentType: contentType,
    }),
  );
}

export async function putObject(key: string, body: Uint8Array, contentType: string) {
  await Aws.putObject(bucket(), key, body, { contentType });
}

/**
 * The origin presigned URLs point at, for the console's Content-Security-Policy: the local
 * S3 endpoint (path-style URLs), else the bucket's virtual-hosted AWS origin.
 */
export function attachmentsOrigin(): string | undefined {
  const endpoint = Config.get("s3Endpoint");
  if (endpoint) return new URL(endpoint).origin;
  return bucketOrigin(Config.get("attachmentsBucket"), Config.get("region"));
}

export const bucketOrigin = (bucketName: string, region: string) => `https://${bucketName}.s3.${region}.amazonaws.com`;
