import { Log } from "@outdesk/core/log";
import { handler as autoClose } from "@outdesk/functions/auto-close";
import { handler as outbox } from "@outdesk/functions/outbox";
import { handler as slaSweep } from "@outdesk/functions/sla-sweep";

/** The local twin of infra/cron.ts: the same handlers, on setInterval instead of EventBridge. */
export function startTimers(): () => Promise<void> {
  const jobs = [
    { name: "auto-close", everyMs: 10 * 60 * 1000, run: autoClose },
    { name: "outbox", everyMs: 60 * 1000, run: outbox },
    { name: "sla-sweep", everyMs: 60 * 1000, run: slaSweep },
  ];
  const timers = jobs.map((job) => {
    const tick = () =>
      job
        .run({ time: new Date().toISOString() })
        .catch((error: Error) => Log.error("timer failed", { timer: job.name, error: error.message }));
    void tick();
    return setInterval(tick, job.everyMs);
  });
  return async () => {
    for (const timer of timers) clearInterval(timer);
  };
}
