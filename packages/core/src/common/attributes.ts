/** Attribute definitions every mutable entity shares. */
export const timestamps = {
  createdAt: { type: "string", required: true, readOnly: true, default: () => new Date().toISOString() },
  // Operations set it explicitly on every update, so they can answer without reading back.
  updatedAt: { type: "string", required: true, default: () => new Date().toISOString() },
} as const;

/** Optimistic concurrency: writes are conditional on the version the caller read. */
export const version = { version: { type: "number", required: true, default: 1 } } as const;
