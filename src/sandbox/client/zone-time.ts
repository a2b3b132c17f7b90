/** A date and time as read in a zone, and back: what a datetime picker shows its user. */

function offsetMs(at: number, zone: string): number {
  const p = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    })
      .formatToParts(at)
      .map((x) => [x.type, x.value]),
  );
  const asUtc = Date.UTC(
    Number(p.year),
    Number(p.month) - 1,
    Number(p.day),
    Number(p.hour),
    Number(p.minute),
    Number(p.second),
  );
  return asUtc - Math.floor(at / 1000) * 1000;
}

/** `{ date: 'YYYY-MM-DD', time: 'HH:mm' }` in `zone` for Unix seconds. */
export function toLocal(seconds: number, zone: string): { date: string; time: string } {
  const local = new Date(seconds * 1000 + offsetMs(seconds * 1000, zone));
  const iso = local.toISOString();
  return { date: iso.slice(0, 10), time: iso.slice(11, 16) };
}

/** Unix seconds for a date and time read in `zone`. */
export function fromLocal(date: string, time: string, zone: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  const t = /^(\d{2}):(\d{2})$/.exec(time);
  if (!m || !t) return null;
  const guess = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(t[1]), Number(t[2]));
  const first = guess - offsetMs(guess, zone);
  return Math.floor((guess - offsetMs(first, zone)) / 1000);
}
