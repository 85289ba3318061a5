/**
 * What an attachment may be, what it is called and how it is served: limits, the type rules,
 * file-name hygiene and the response headers of download URLs. Pure functions, no I/O.
 */

export const MAX_ATTACHMENT_BYTES = 25 * 1024 * 1024;
export const MAX_MESSAGE_ATTACHMENTS = 20;
/**
 * All attachments of one message together: a reply with its files must still fit one SES mail
 * (40 MB, and base64 grows content by a third).
 */
export const MAX_MESSAGE_ATTACHMENT_BYTES = 25 * 1024 * 1024;

/** How long a presigned PUT may be used. */
export const UPLOAD_URL_SECONDS = 5 * 60;
/** How long an upload waits to be attached to a message (the staging object lives 1–2 days). */
export const UPLOAD_RECORD_SECONDS = 24 * 3600;
export const DOWNLOAD_URL_SECONDS = 5 * 60;
/** Inline images stay shown while the page is open, so their URLs live longer than a download's. */
export const INLINE_URL_SECONDS = 15 * 60;

/** Raster formats a browser decodes as images only. Never SVG: it is a document that can run script. */
export const INLINE_TYPES: ReadonlySet<string> = new Set(["image/png", "image/jpeg", "image/gif", "image/webp"]);

/**
 * Extensions refused on upload: programs, scripts, installers, shortcuts and disk images (the
 * list Gmail refuses). Inbound mail keeps what it carried: it is served as a download only.
 */
const BLOCKED_EXTENSIONS = new Set(
  (
    "ade adp apk appx appxbundle bat cab chm cmd com cpl diagcab diagcfg diagpack dll dmg ex ex_ exe hta img " +
    "ins iso isp jar jnlp js jse lib lnk mde mjs msc msi msix msixbundle msp mst nsh pif ps1 psm1 reg scf scr " +
    "sct shb sys vb vbe vbs vhd vhdx vxd wsc wsf wsh xll"
  ).split(" "),
);

const BLOCKED_TYPES = new Set([
  "application/x-msdownload",
  "application/x-msdos-program",
  "application/x-ms-installer",
  "application/x-msi",
  "application/vnd.microsoft.portable-executable",
  "application/x-dosexec",
  "application/x-executable",
  "application/x-sh",
  "application/x-csh",
  "application/x-bat",
  "application/hta",
  "application/x-ms-shortcut",
  "application/java-archive",
  "application/x-java-jnlp-file",
  "application/vnd.android.package-archive",
  "application/x-apple-diskimage",
  "application/javascript",
  "text/javascript",
]);

const MIME_TYPE = /^[a-z0-9][a-z0-9!#$&^_.+-]{0,63}\/[a-z0-9][a-z0-9!#$&^_.+-]{0,126}$/;

/** `Image/PNG; name=x` → `image/png`; anything that is not a MIME type → application/octet-stream. */
export function normalizeContentType(type: string | null | undefined): string {
  const bare = (type ?? "").split(";", 1)[0]!.trim().toLowerCase();
  return MIME_TYPE.test(bare) ? bare : "application/octet-stream";
}

export const isMimeType = (type: string) => MIME_TYPE.test(type);

const extensionOf = (filename: string) => /\.([^.]+)$/.exec(filename)?.[1]?.toLowerCase() ?? "";

/** Why an upload of this name and type is refused, or undefined when it may be uploaded. */
export function uploadRefusal(filename: string, contentType: string): string | undefined {
  if (BLOCKED_TYPES.has(contentType)) return `${contentType} files (programs and scripts) cannot be attached`;
  const extension = extensionOf(filename);
  if (BLOCKED_EXTENSIONS.has(extension)) return `.${extension} files (programs and scripts) cannot be attached`;
  return undefined;
}

/** Bidi embeddings, overrides, isolates and marks: they let `fdp.exe` display as `exe.pdf`. */
const BIDI = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is removed
const CONTROLS = /[\u0000-\u001f\u007f-\u009f\u200b\u2028\u2029\ufeff]/g;
/** Characters Windows refuses in names; replaced so a saved download keeps its name. */
const RESERVED = /[<>:"|?*]/g;
const WINDOWS_DEVICES = /^(con|prn|aux|nul|com\d|lpt\d)(\.|$)/i;
const MAX_NAME_CHARS = 200;

const FALLBACK_EXTENSIONS: Record<string, string> = {
  "image/png": "png",
  "image/jpeg": "jpg",
  "image/gif": "gif",
  "image/webp": "webp",
  "image/svg+xml": "svg",
  "application/pdf": "pdf",
  "text/plain": "txt",
  "text/html": "html",
  "text/calendar": "ics",
  "text/csv": "csv",
  "message/rfc822": "eml",
  "message/delivery-status": "txt",
  "application/zip": "zip",
  "application/json": "json",
};

/** A name for a part that has none: `image.png`, `message.eml`, `attachment.pdf`, `attachment`. */
export function fallbackFilename(contentType: string): string {
  const type = normalizeContentType(contentType);
  const extension = FALLBACK_EXTENSIONS[type];
  const base = type.startsWith("image/") ? "image" : type === "message/rfc822" ? "message" : "attachment";
  return extension ? `${base}.${extension}` : base;
}

/**
 * A file name that is safe to show and to save: the last path segment only, without bidi and
 * control characters, Windows-reserved characters or device names, leading dots or trailing
 * dots and spaces, at most 200 characters (the extension kept). Empty when nothing is left.
 */
export function cleanFilename(name: string | null | undefined): string {
  let clean = (name ?? "").normalize("NFC").replace(BIDI, "").replace(CONTROLS, "");
  clean = clean.split(/[/\\]/).pop() ?? "";
  clean = clean
    .replace(RESERVED, "_")
    .trim()
    .replace(/^\.+/, "")
    .replace(/[. ]+$/, "")
    .trim();
  if (WINDOWS_DEVICES.test(clean)) clean = `_${clean}`;
  const chars = [...clean];
  if (chars.length > MAX_NAME_CHARS) {
    const extension = extensionOf(clean);
    const keep = extension && extension.length < 20 ? `.${extension}` : "";
    clean = chars.slice(0, MAX_NAME_CHARS - [...keep].length).join("") + keep;
  }
  return clean;
}

/** A mail part's name: cleaned, or a name from its type when nothing usable is left. */
export function mailFilename(name: string | null | undefined, contentType: string): string {
  return cleanFilename(name) || fallbackFilename(contentType);
}

/** What a Content-ID may hold once its angle brackets are gone (RFC 2392 `cid:` URLs compare it). */
export function cleanContentId(contentId: string | undefined): string | undefined {
  if (!contentId) return undefined;
  const clean = contentId.replace(CONTROLS, "").trim().replace(/^<|>$/g, "").trim();
  return clean && clean.length <= 250 ? clean : undefined;
}

/**
 * The type a download is served with: the declared one when browsers only display or save it,
 * else application/octet-stream (never HTML, SVG, XML or script, whatever the sender said).
 */
const SAFE_DOWNLOAD =
  /^(image\/(png|jpeg|gif|webp|bmp|tiff|heic|heif|avif)|audio\/[\w.+-]+|video\/[\w.+-]+|text\/(plain|csv|calendar)|message\/rfc822|application\/(pdf|zip|gzip|x-7z-compressed|x-tar|json|rtf|msword|vnd\.ms-[\w.+-]+|vnd\.openxmlformats-officedocument\.[\w.+-]+|vnd\.oasis\.opendocument\.[\w.+-]+))$/;

export function downloadContentType(contentType: string): string {
  const type = normalizeContentType(contentType);
  return SAFE_DOWNLOAD.test(type) ? type : "application/octet-stream";
}

/** RFC 5987 `ext-value` characters: everything else is percent-encoded. */
const encodeExtValue = (value: string) =>
  encodeURIComponent(value).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/**
 * `attachment; filename="invoice_.pdf"; filename*=UTF-8''invoice%E2%82%AC.pdf` (RFC 6266): the
 * quoted ASCII fallback for old clients, the UTF-8 name for the rest.
 */
export function contentDisposition(kind: "attachment" | "inline", filename: string): string {
  const name = cleanFilename(filename) || "attachment";
  const ascii = name.replace(/[^\x20-\x7e]/g, "_").replace(/["\\%]/g, "_");
  return `${kind}; filename="${ascii}"; filename*=UTF-8''${encodeExtValue(name)}`;
}
