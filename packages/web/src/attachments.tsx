import { useCallback, useEffect, useRef, useState } from "react";
import { ApiError, api } from "./api";
import { displayFilename } from "./bidi";

/**
 * Attachments in the console: uploads go straight to S3 through presigned PUTs (the API only
 * signs them), downloads and inline images come from presigned GETs the API issues after its
 * authorization check. Nothing is served from our origin.
 */

/** A message's attachment as the API shows it (refs stored before uploads existed have no id). */
export interface AttachmentRef {
  id?: string;
  filename: string;
  contentType: string;
  size: number;
  contentId?: string;
  inline?: boolean;
}

/** The API's limits (core/attachment/policy.ts), checked here first to say so at once. */
export const MAX_ATTACHMENT_BYTES = 25 * 1024 * 1024;
export const MAX_ATTACHMENTS = 20;

const INLINE_TYPES = new Set(["image/png", "image/jpeg", "image/gif", "image/webp"]);

export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${Math.ceil(bytes / 1024)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

interface UploadGrant {
  uploadId: string;
  url: string;
  method: "PUT";
  headers: Record<string, string>;
}

export interface PendingFile {
  key: number;
  name: string;
  size: number;
  /** 0…1 while sending. */
  progress: number;
  uploadId?: string;
  error?: string;
}

/** PUTs the file to S3 with the signed headers; XHR rather than fetch for upload progress. */
function putFile(grant: UploadGrant, file: File, onProgress: (fraction: number) => void, signal: AbortSignal) {
  return new Promise<void>((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open(grant.method, grant.url);
    for (const [name, value] of Object.entries(grant.headers)) request.setRequestHeader(name, value);
    request.upload.onprogress = (event) => {
      if (event.lengthComputable) onProgress(event.loaded / event.total);
    };
    request.onload = () =>
      request.status >= 200 && request.status < 300
        ? resolve()
        : reject(new Error(`the storage refused the file (HTTP ${request.status})`));
    request.onerror = () => reject(new Error("the upload failed (network)"));
    request.onabort = () => reject(new Error("cancelled"));
    signal.addEventListener("abort", () => request.abort());
    request.send(file);
  });
}

let nextKey = 1;

/**
 * The files of one composer: each is granted an upload (POST `uploadPath`) and PUT to S3 at once;
 * the message then names the finished ones. Changing `uploadPath` (another client) drops them.
 */
export function useUploads(uploadPath: string) {
  const [files, setFiles] = useState<PendingFile[]>([]);
  const aborts = useRef(new Map<number, AbortController>());
  const update = useCallback((key: number, change: Partial<PendingFile>) => {
    setFiles((current) => current.map((file) => (file.key === key ? { ...file, ...change } : file)));
  }, []);

  const clear = useCallback(() => {
    for (const controller of aborts.current.values()) controller.abort();
    aborts.current.clear();
    setFiles([]);
  }, []);

  // biome-ignore lint/correctness/useExhaustiveDependencies: a new upload path (another client or ticket) drops the files
  useEffect(() => clear, [uploadPath, clear]);

  const add = useCallback(
    (list: FileList | File[]) => {
      for (const file of Array.from(list)) {
        const key = nextKey++;
        const entry: PendingFile = { key, name: file.name, size: file.size, progress: 0 };
        if (file.size > MAX_ATTACHMENT_BYTES) entry.error = "larger than 25 MB";
        setFiles((current) => [...current, entry]);
        if (entry.error) continue;
        const controller = new AbortController();
        aborts.current.set(key, controller);
        void (async () => {
          try {
            const grant = await api<UploadGrant>("POST", uploadPath, {
              filename: file.name,
              contentType: file.type || "application/octet-stream",
              size: file.size,
            });
            await putFile(grant, file, (progress) => update(key, { progress }), controller.signal);
            update(key, { progress: 1, uploadId: grant.uploadId });
          } catch (reason) {
            if (controller.signal.aborted) return;
            update(key, { error: reason instanceof ApiError ? reason.detail : String((reason as Error).message) });
          } finally {
            aborts.current.delete(key);
          }
        })();
      }
    },
    [uploadPath, update],
  );

  const remove = useCallback((key: number) => {
    aborts.current.get(key)?.abort();
    aborts.current.delete(key);
    setFiles((current) => current.filter((file) => file.key !== key));
  }, []);

  /** Drops the files a message took (others, added while it was sent, stay). */
  const sent = useCallback((attachments: { uploadId: string }[]) => {
    const ids = new Set(attachments.map((a) => a.uploadId));
    setFiles((current) => current.filter((file) => !file.uploadId || !ids.has(file.uploadId)));
  }, []);

  const ready = files.filter((file) => file.uploadId);
  return {
    files,
    add,
    remove,
    clear,
    sent,
    busy: files.some((file) => !file.uploadId && !file.error),
    failed: files.some((file) => file.error),
    tooMany: files.length > MAX_ATTACHMENTS,
    /** What a message body sends. */
    attachments: ready.map((file) => ({ uploadId: file.uploadId! })),
  };
}

export type Uploads = ReturnType<typeof useUploads>;

/** The file input and the list of files being sent with a message. */
export function AttachmentPicker({ uploads, disabled = false }: { uploads: Uploads; disabled?: boolean }) {
  const input = useRef<HTMLInputElement>(null);
  return (
    <div className="attachment-picker">
      <button
        type="button"
        className="link-button"
        disabled={disabled}
        onClick={() => input.current?.click()}
        data-testid="attach-files"
      >
        Attach files
      </button>
      <input
        ref={input}
        type="file"
        multiple
        hidden
        data-testid="attach-input"
        onChange={(event) => {
          if (event.target.files) uploads.add(event.target.files);
          event.target.value = "";
        }}
      />
      {uploads.files.length > 0 && (
        <ul className="attachments pending" aria-label="Files to send">
          {uploads.files.map((file) => (
            <li key={file.key} data-testid="pending-attachment" className={file.error ? "failed" : undefined}>
              <bdi>{displayFilename(file.name)}</bdi> <span className="muted small">{formatSize(file.size)}</span>{" "}
              {file.error ? (
                <span className="error-text small" role="alert">
                  {file.error}
                </span>
              ) : file.uploadId ? (
                <span className="muted small">ready</span>
              ) : (
                <progress max={1} value={file.progress} aria-label={`Uploading ${file.name}`} />
              )}
              <button
                type="button"
                className="link-button"
                aria-label={`Remove ${file.name}`}
                onClick={() => uploads.remove(file.key)}
              >
                ×
              </button>
            </li>
          ))}
        </ul>
      )}
      {uploads.tooMany && (
        <span className="error-text small" role="alert">
          At most {MAX_ATTACHMENTS} files per message
        </span>
      )}
    </div>
  );
}

interface Grant {
  url: string;
  expiresAt: string;
}

/** Inline image URLs by ticket and attachment, kept until shortly before they expire. */
const inlineUrls = new Map<string, Promise<Grant>>();

async function inlineUrl(ticketPath: string, attachmentId: string): Promise<string> {
  const key = `${ticketPath}/${attachmentId}`;
  const known = await inlineUrls.get(key)?.catch(() => undefined);
  if (known && Date.parse(known.expiresAt) - Date.now() > 60_000) return known.url;
  const pending = api<Grant>("GET", `${ticketPath}/attachments/${encodeURIComponent(attachmentId)}?inline=1`);
  inlineUrls.set(key, pending);
  pending.catch(() => inlineUrls.delete(key));
  return (await pending).url;
}

/** `cid:` references in sanitized HTML (images keep their source in data-src). */
export function referencedContentIds(html: string | null): Set<string> {
  const ids = new Set<string>();
  if (!html) return ids;
  for (const match of html.matchAll(/data-src="cid:([^"]+)"/gi)) {
    try {
      ids.add(decodeURIComponent(match[1]!.replace(/&amp;/g, "&")).toLowerCase());
    } catch {
      ids.add(match[1]!.toLowerCase());
    }
  }
  return ids;
}

const contentIdOf = (source: string) => {
  const raw = source.slice("cid:".length);
  try {
    return decodeURIComponent(raw).toLowerCase();
  } catch {
    return raw.toLowerCase();
  }
};

/**
 * The message HTML the frame shows: `cid:` images get their presigned inline URL, remote images
 * a source only when `remote` is on (http upgraded to https). Parsed with DOMParser, whose
 * document loads and runs nothing. Returns the HTML and how many remote images stay blocked.
 */
export function frameHtml(html: string, urls: ReadonlyMap<string, string>, remote: boolean) {
  const doc = new DOMParser().parseFromString(`<!doctype html><body>${html}`, "text/html");
  let blocked = 0;
  for (const image of Array.from(doc.querySelectorAll("img[data-src]"))) {
    const source = image.getAttribute("data-src") ?? "";
    image.removeAttribute("src");
    if (/^cid:/i.test(source)) {
      const url = urls.get(contentIdOf(source));
      if (url) image.setAttribute("src", url);
    } else if (/^https?:/i.test(source)) {
      if (remote) image.setAttribute("src", source.replace(/^http:/i, "https:"));
      else blocked++;
    }
  }
  return { html: doc.body.innerHTML, blocked };
}

/** Presigned inline URLs for the `cid:` images `html` shows, by lower-cased Content-ID. */
export function useInlineImages(ticketPath: string, html: string | null, attachments: AttachmentRef[]) {
  const [urls, setUrls] = useState<ReadonlyMap<string, string>>(new Map());
  const wanted = attachments.filter(
    (a) =>
      a.id &&
      a.contentId &&
      INLINE_TYPES.has(a.contentType) &&
      referencedContentIds(html).has(a.contentId.toLowerCase()),
  );
  const signature = wanted.map((a) => a.id).join(",");
  // biome-ignore lint/correctness/useExhaustiveDependencies: `signature` stands for `wanted`
  useEffect(() => {
    let live = true;
    if (!wanted.length) return;
    void Promise.all(
      wanted.map((a) =>
        inlineUrl(ticketPath, a.id!)
          .then((url) => [a.contentId!.toLowerCase(), url] as const)
          .catch(() => undefined),
      ),
    ).then((pairs) => {
      if (live) setUrls(new Map(pairs.filter((pair) => pair !== undefined)));
    });
    return () => {
      live = false;
    };
  }, [ticketPath, signature]);
  return urls;
}

/** A message's files: name, size and a download button (presigned URL, Content-Disposition: attachment). */
export function AttachmentList({
  ticketPath,
  attachments,
  html,
}: {
  ticketPath: string;
  attachments: AttachmentRef[];
  html: string | null;
}) {
  const [error, setError] = useState<string | null>(null);
  const shownInBody = referencedContentIds(html);
  // Inline images the body shows are not listed again.
  const listed = attachments.filter(
    (a) => !(a.inline && a.contentId && a.id && shownInBody.has(a.contentId.toLowerCase())),
  );
  if (listed.length === 0) return null;
  async function download(attachment: AttachmentRef) {
    setError(null);
    try {
      const grant = await api<Grant>("GET", `${ticketPath}/attachments/${encodeURIComponent(attachment.id ?? "")}`);
      // The URL answers with Content-Disposition: attachment, so the browser saves it and stays here.
      window.location.assign(grant.url);
    } catch (reason) {
      setError(reason instanceof ApiError ? reason.detail : "The download could not start");
    }
  }
  return (
    <>
      <ul className="attachments" aria-label="Attachments">
        {listed.map((attachment, index) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: names may repeat and old refs have no id; the list never reorders
          <li key={index} data-testid="attachment">
            <bdi>{displayFilename(attachment.filename)}</bdi>{" "}
            <span className="muted small">{formatSize(attachment.size)}</span>
            {attachment.id && (
              <button
                type="button"
                className="link-button"
                data-testid="download"
                aria-label={`Download ${displayFilename(attachment.filename)}`}
                onClick={() => void download(attachment)}
              >
                Download
              </button>
            )}
          </li>
        ))}
      </ul>
      {error && (
        <div className="error-text small" role="alert">
          {error}
        </div>
      )}
    </>
  );
}
