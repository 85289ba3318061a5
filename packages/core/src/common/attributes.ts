/** Attribute definitions every mutable entity shares. */
export const timestamps = {
  createdAt: { type: "string", required: true, readOnly: true, default: () => new Date().toISOString() },
  updatedAt: {
    type: "string",
    required: true,
    default: () => new Date().toISOString(),
    // Set on every write, so no operation can forget it.
    set: () => new Date().toISOString(),
    watch: "*",
  },
} as const;

/** Optimistic concurrency: writes are conditional on the version the caller read. */
export const version = { version: { type: "number", required: true, default: 1 } } as const;
