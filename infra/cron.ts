import { settings } from "./secrets";
import { table } from "./storage";

/** Hourly: close solved tickets past their client's auto-close period. */
export const autoClose = new sst.aws.Cron("AutoClose", {
  schedule: "rate(1 hour)",
  job: {
    handler: "packages/functions/src/auto-close.handler",
    runtime: "nodejs22.x",
    architecture: "arm64",
    timeout: "5 minutes",
    link: [table, settings],
  },
});
