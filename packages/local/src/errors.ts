import { createServer } from "node:net";

/** A problem the person starting the stack can fix; printed as a message, not a stack trace. */
export class LocalStackError extends Error {
  override name = "LocalStackError";
}

export async function assertPortFree(port: number, what: string): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const server = createServer();
    server.once("error", (error: NodeJS.ErrnoException) =>
      reject(
        new LocalStackError(
          error.code === "EADDRINUSE"
            ? `Port ${port} (${what}) is already in use. Stop what uses it, or choose another port (see README: configuration).`
            : `Cannot listen on port ${port} (${what}): ${error.message}`,
        ),
      ),
    );
    server.listen(port, "127.0.0.1", () => server.close(() => resolve()));
  });
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
