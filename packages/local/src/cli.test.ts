import { execFile } from "node:child_process";
import { Config } from "@outdesk/core/config";
import { describe, expect, inject, it } from "vitest";
import { call } from "../../../test/api";
import { repoRoot } from "./paths";

function cli(...args: string[]) {
  const all = [...args, "--endpoint", inject("dynamoEndpoint"), "--table", Config.get("tableName")];
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) =>
    execFile(
      "node",
      ["--import", "tsx", "packages/local/src/cli.ts", ...all],
      { cwd: repoRoot },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    ),
  );
}

describe("CLI", () => {
  it("signs up a provider whose admin can log in through the API", async () => {
    const result = await cli(
      "signup",
      "--name",
      "Contoso Support",
      "--slug",
      "contoso",
      "--admin-name",
      "Cass",
      "--email",
      "cass@contoso.example",
      "--password",
      "a long cli password",
    );
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout).providerId).toMatch(/^prv_/);
    const login = await call(undefined, "POST", "/v1/auth/login", {
      provider: "contoso",
      email: "cass@contoso.example",
      password: "a long cli password",
    });
    expect(login.status).toBe(200);
  });

  it("generates a password when none is given, and refuses a taken slug with exit code 3", async () => {
    const first = await cli("signup", "--name", "Fabrikam", "--slug", "fabrikam", "--email", "f@fabrikam.example");
    expect(first.code, first.stderr).toBe(0);
    const { login } = JSON.parse(first.stdout);
    expect(login.password.length).toBeGreaterThanOrEqual(16);
    const reply = await call(undefined, "POST", "/v1/auth/login", login);
    expect(reply.status).toBe(200);
    const again = await cli("signup", "--name", "Other", "--slug", "fabrikam", "--email", "o@other.example");
    expect(again.code).toBe(3);
    expect(again.stderr).toContain("providerSlug");
  });

  it("names invalid fields with exit code 2", async () => {
    const result = await cli("signup", "--name", "Bad", "--slug", "Bad Slug", "--email", "nope");
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("providerSlug");
    expect(result.stderr).toContain("adminEmail");
  });

  it("generates a signing key for a deployed stage", async () => {
    const result = await cli("keygen");
    expect(JSON.parse(result.stdout)).toMatchObject({ kty: "OKP", crv: "Ed25519", alg: "EdDSA" });
    expect(JSON.parse(result.stdout).d).toBeTruthy();
  });

  it("seeds the demo provider once", async () => {
    expect((await cli("seed")).stdout).toContain("seeded");
    expect((await cli("seed")).stdout).toContain("already present");
    const login = await call(undefined, "POST", "/v1/auth/login", {
      provider: "northwind",
      email: "maya@northwind.example",
      password: "outdesk-demo",
    });
    expect(login.status).toBe(200);
  });
});
