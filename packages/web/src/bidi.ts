/** Unicode's directional embeddings, overrides, isolates and marks (as in the core schema). */
const BIDI_CONTROLS = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/**
 * A user-supplied string wrapped in FIRST STRONG ISOLATE … POP DIRECTIONAL ISOLATE, for places
 * that take plain text only (`<option>`, `title`, joined lists): an unterminated override inside
 * it ends at the PDI. In markup, use `<bdi>` instead.
 */
export const isolate = (text: string) => `\u2068${text}\u2069`;

/** A file name as shown: without bidi controls, so `fdp.exe` with a U+202E cannot pass for `exe.pdf`. */
export const displayFilename = (name: string) => name.replace(BIDI_CONTROLS, "");
