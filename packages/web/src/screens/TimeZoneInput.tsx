import { type ReactNode, useId } from "react";

/** Every IANA zone the browser knows (UTC first): the picker's suggestions and its check. */
export const timeZones: readonly string[] = (() => {
  try {
    const zones = Intl.supportedValuesOf("timeZone");
    return zones.includes("UTC") ? zones : ["UTC", ...zones];
  } catch {
    return ["UTC"];
  }
})();
const known = new Set(timeZones);

/** "14:05, GMT+9" in a zone now, or null when the browser does not know it. */
function nowIn(zone: string): string | null {
  if (!known.has(zone)) return null;
  return new Intl.DateTimeFormat(undefined, {
    timeZone: zone,
    hour: "2-digit",
    minute: "2-digit",
    timeZoneName: "shortOffset",
  }).format(new Date());
}

/**
 * A time-zone field that searches as it is typed: the browser's list of zones offered by any
 * part of their name ("tokyo", "new york"), the current time there once a real zone is chosen,
 * and a word when what is typed is not one.
 */
export function TimeZoneInput({
  value,
  onChange,
  name = "timeZone",
  label = "Time zone",
  children,
}: {
  value: string;
  onChange: (zone: string) => void;
  name?: string;
  label?: string;
  /** The API's issue at the field, shown under it. */
  children?: ReactNode;
}) {
  const id = useId();
  const time = nowIn(value);
  return (
    <div className="zone-field">
      <label htmlFor={`${id}-input`}>{label}</label>
      <input
        id={`${id}-input`}
        name={name}
        list={`${id}-zones`}
        required
        autoComplete="off"
        spellCheck={false}
        value={value}
        aria-invalid={time === null}
        aria-describedby={`${id}-hint`}
        onChange={(e) => onChange(e.target.value)}
      />
      <datalist id={`${id}-zones`}>
        {timeZones.map((zone) => (
          <option key={zone} value={zone}>
            {zone.replaceAll("_", " ")}
          </option>
        ))}
      </datalist>
      <span id={`${id}-hint`} className="small muted" data-testid="zone-hint">
        {time ? `Now ${time} there` : "Type a city or region (Tokyo, New York) and pick a zone from the list"}
      </span>
      {children}
    </div>
  );
}
