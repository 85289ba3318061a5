import type { IncomingMessage, RequestListener, Server, ServerResponse } from "node:http";
import { createRequire } from "node:module";
import { assertPortFree } from "../errors";

/**
 * aws-ses-v2-local, the local twin of SES v2 sending, with its web viewer at `/`. Its store keeps a
 * parsed digest of each mail; for SendEmail with Content.Raw that digest has no headers at all (no
 * Message-ID, In-Reply-To, References) and ignores the call's Destination, tags and configuration
 * set. So the twin also keeps, per SES MessageId, what the call carried: the raw MIME, the envelope
 * destination, the EmailTags and the configuration set. `GET /outdesk/sent` lists both together,
 * and the viewer's ".eml" download serves the raw MIME as sent instead of a re-rendering.
 * SendEmail bodies are read here, up to SES's 40 MB message (base64 in JSON), not the library's
 * 25 MB JSON limit: its parser skips a body already read.
 */

const requireCjs = createRequire(import.meta.url);
const startServer = (
  requireCjs("aws-ses-v2-local") as { default: (config: { host: string; port: number }) => Promise<Server> }
).default;
const store = requireCjs("aws-ses-v2-local/dist/store") as { getStoreReadonly(): { emails: StoredMail[] } };

/** One entry of aws-ses-v2-local's store. For Raw content its addresses are the header texts. */
interface StoredMail {
  messageId: string;
  from: string;
  replyTo: string[];
  destination: { to: string[]; cc: string[]; bcc: string[] };
  subject: string;
  body: { html?: string; text?: string };
  attachments: { content: string; contentType: string; filename?: string; size: number }[];
  /** Only for Simple and Template content: the Headers of the call. */
  headers?: { name: string; value: string }[];
  /** Epoch seconds. */
  at: number;
}

/** What the SendEmail call carried beyond the store's digest. */
interface CallRecord {
  /** Base64 of Content.Raw.Data, when the call sent raw MIME. */
  raw?: string;
  fromEmailAddress?: string;
  envelope: { to: string[]; cc: string[]; bcc: string[] };
  tags: Record<string, string>;
  configurationSet?: string;
}

interface SendEmailBody {
  Content?: { Raw?: { Data?: string } };
  FromEmailAddress?: string;
  Destination?: { ToAddresses?: string[]; CcAddresses?: string[]; BccAddresses?: string[] };
  EmailTags?: { Name: string; Value: string }[];
  ConfigurationSetName?: string;
}

const calls = new Map<string, CallRecord>();

function record(body: SendEmailBody | undefined, responseChunk: unknown) {
  if (!body || responseChunk === undefined) return;
  let messageId: unknown;
  try {
    messageId = (JSON.parse(String(responseChunk)) as { MessageId?: unknown }).MessageId;
  } catch {
    return;
  }
  if (typeof messageId !== "string") return;
  calls.set(messageId, {
    raw: body.Content?.Raw?.Data,
    fromEmailAddress: body.FromEmailAddress,
    envelope: {
      to: body.Destination?.ToAddresses ?? [],
      cc: body.Destination?.CcAddresses ?? [],
      bcc: body.Destination?.BccAddresses ?? [],
    },
    tags: Object.fromEntries((body.EmailTags ?? []).map((tag) => [tag.Name, tag.Value])),
    configurationSet: body.ConfigurationSetName,
  });
}

/** 40 MB of MIME as base64, with room for the rest of the JSON. */
const MAX_SEND_BODY_BYTES = Math.ceil((40 * 1024 * 1024 * 4) / 3) + 1024 * 1024;

async function readJson(req: IncomingMessage): Promise<SendEmailBody | undefined> {
  const chunks: Buffer[] = [];
  let bytes = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    bytes += chunk.length;
    if (bytes <= MAX_SEND_BODY_BYTES) chunks.push(chunk);
  }
  if (bytes > MAX_SEND_BODY_BYTES) return undefined;
  try {
    return JSON.parse(Buffer.concat(chunks).toString("utf8")) as SendEmailBody;
  } catch {
    return undefined;
  }
}

/** Reads the SendEmail call, lets the library handle it, and records it with the MessageId it answers. */
async function captureSend(req: IncomingMessage, res: ServerResponse, app: RequestListener) {
  const body = await readJson(req);
  if (!body) {
    res.writeHead(400, { "content-type": "application/json" });
    res.end(JSON.stringify({ message: "Bad Request Exception", detail: "not JSON, or over SES's 40 MB message size" }));
    return;
  }
  (req as IncomingMessage & { body?: unknown }).body = body;
  const end = res.end.bind(res) as (...args: unknown[]) => ServerResponse;
  res.end = ((...args: unknown[]) => {
    if (res.statusCode === 200) record(body, args[0]);
    return end(...args);
  }) as ServerResponse["end"];
  app(req, res);
}

function json(res: ServerResponse, body: unknown) {
  res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(body));
}

function sent(since: number, messageId: string | null) {
  return store
    .getStoreReadonly()
    .emails.filter((mail) => mail.at >= since && (messageId === null || mail.messageId === messageId))
    .map((mail) => ({
      ...mail,
      ...(calls.get(mail.messageId) ?? { envelope: { to: [], cc: [], bcc: [] }, tags: {} }),
    }));
}

function intercept(app: RequestListener): RequestListener {
  return (req, res) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    if (req.method === "GET" && url.pathname === "/outdesk/sent") {
      const since = Number(url.searchParams.get("since") ?? 0) || 0;
      return json(res, { emails: sent(since, url.searchParams.get("messageId")) });
    }
    if (req.method === "GET" && url.pathname === "/get-emlContent") {
      const messageId = url.searchParams.get("messageId") ?? "";
      const raw = calls.get(messageId)?.raw;
      const mail = store.getStoreReadonly().emails.find((email) => email.messageId === messageId);
      // The viewer downloads `body.data` (a JSON-serialized Buffer) as the .eml.
      if (raw && mail) return json(res, { messageId, fileName: mail.subject, body: Buffer.from(raw, "base64") });
    }
    if (req.method === "POST" && url.pathname === "/clear-store") calls.clear();
    if (req.method === "POST" && url.pathname === "/v2/email/outbound-emails") {
      captureSend(req, res, app).catch((error: Error) => res.destroy(error));
      return;
    }
    return app(req, res);
  };
}

export interface RunningSes {
  /** Where the SES v2 client sends (Config sesEndpoint). */
  endpoint: string;
  /** The web viewer of sent mail. */
  viewerUrl: string;
  stop(): Promise<void>;
}

export async function startSes(options: { port: number }): Promise<RunningSes> {
  await assertPortFree(options.port, "SES (aws-ses-v2-local)");
  const server = await startServer({ host: "127.0.0.1", port: options.port });
  const [app] = server.listeners("request") as RequestListener[];
  if (!app) throw new Error("aws-ses-v2-local started without a request handler");
  server.removeAllListeners("request");
  server.on("request", intercept(app));
  return {
    endpoint: `http://127.0.0.1:${options.port}`,
    viewerUrl: `http://localhost:${options.port}/`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** A mail sent through the local SES, as `sentMail` returns it. */
export interface SentMail {
  /** The MessageId SendEmail returned. */
  messageId: string;
  /** From the store: for Raw content, the parsed From header's text (e.g. `"Maya" <maya@x.example>`). */
  from: string;
  replyTo: string[];
  /** From the store: for Raw content, the To/Cc/Bcc header texts (one string per header). */
  destination: { to: string[]; cc: string[]; bcc: string[] };
  subject: string;
  body: { html?: string; text?: string };
  attachments: { content: string; contentType: string; filename?: string; size: number }[];
  /** Only for Simple and Template content; never for Raw (read `raw` then). */
  headers?: { name: string; value: string }[];
  /** Epoch seconds. */
  at: number;
  /** The raw MIME exactly as sent, when SendEmail used Content.Raw. */
  raw?: Buffer;
  /** SendEmail's FromEmailAddress parameter. */
  fromEmailAddress?: string;
  /** SendEmail's Destination parameter (the envelope; empty when the call gave none). */
  envelope: { to: string[]; cc: string[]; bcc: string[] };
  /** SendEmail's EmailTags, by name. */
  tags: Record<string, string>;
  configurationSet?: string;
}

/**
 * The mail sent through the local SES at `sesUrl`, oldest first: all of it, or since an epoch
 * second, or the one SendEmail answered `messageId` for. The store is shared by everything that
 * sends there (in tests: every test file), so look for your own mail.
 */
export async function sentMail(
  sesUrl: string,
  options: { since?: number; messageId?: string } = {},
): Promise<SentMail[]> {
  const query = new URLSearchParams({ since: String(options.since ?? 0) });
  if (options.messageId !== undefined) query.set("messageId", options.messageId);
  const response = await fetch(new URL(`/outdesk/sent?${query}`, sesUrl));
  if (!response.ok) throw new Error(`the local SES answered ${response.status} to /outdesk/sent`);
  const { emails } = (await response.json()) as { emails: (Omit<SentMail, "raw"> & { raw?: string })[] };
  return emails.map(({ raw, ...mail }) => ({
    ...mail,
    ...(raw === undefined ? {} : { raw: Buffer.from(raw, "base64") }),
  }));
}
