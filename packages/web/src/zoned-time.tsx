/** The zone this browser shows times in. */
export const viewerZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone;

// dateStyle and timeStyle cannot be combined with timeZoneName: the fields one by one.
const format = (iso: string, timeZone?: string) =>
  new Date(iso).toLocaleString(undefined, {
    year: "numeric",
    month: "short",
    day: "numeric",
    hour: "2-digit",
    minute: "2-digit",
    timeZoneName: "short",
    timeZone,
  });

/**
 * A time in the viewer's zone, named ("4 Dec 2026, 14:05 GMT+1"); hovering shows it in the
 * client's zone and the requester's. Requesters have no zone of their own on record, so theirs
 * is the client's, and the title says so.
 */
export function ZonedTime({ at, clientZone, className }: { at: string; clientZone?: string; className?: string }) {
  const lines = [`Your time (${viewerZone()}): ${format(at)}`];
  if (clientZone) {
    lines.push(`Client's time (${clientZone}): ${format(at, clientZone)}`);
    lines.push(`Requester's time (taken as the client's zone): ${format(at, clientZone)}`);
  }
  return (
    <time className={className} dateTime={at} title={lines.join("\n")} data-testid="zoned-time">
      {format(at)}
    </time>
  );
}
