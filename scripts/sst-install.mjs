// Generates SST's platform types (.sst/platform) so sst.config.ts and infra/ typecheck. Runs
// offline: no AWS account, no Bun, no telemetry. Skipped when the installed version is current.
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";

const installed = existsSync(".sst/platform/version") ? readFileSync(".sst/platform/version", "utf8").trim() : "";
const wanted = JSON.parse(readFileSync("node_modules/sst/package.json", "utf8")).version;
if (installed !== wanted || !existsSync(".sst/platform/config.d.ts")) {
  execFileSync("npx", ["sst", "install", "--stage", "ci"], {
    stdio: "inherit",
    env: {
      ...process.env,
      SST_NO_BUN: "1",
      SST_SKIP_DEPENDENCY_CHECK: "1",
      SST_TELEMETRY_DISABLED: "1",
    },
  });
}
