/**
 * Calendar keys in the user's local time zone: "today" and "this month" are what the person at the keyboard
 * calls today, not UTC's. Keys sort lexically in time order.
 */

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** `2026-03-07` for the local calendar day of `date`. */
export function localDayKey(date: Date): string {
  return `${pad(date.getFullYear(), 4)}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

/** `2026-03` for the local calendar month of `date`. */
export function localMonthKey(date: Date): string {
  return localDayKey(date).slice(0, 7);
}

/** The `count` local day keys ending with `end`'s day, oldest first (daylight-saving safe: steps by calendar day). */
export function lastDayKeys(end: Date, count: number): string[] {
  const keys: string[] = [];
  for (let back = count - 1; back >= 0; back--) {
    keys.push(localDayKey(new Date(end.getFullYear(), end.getMonth(), end.getDate() - back, 12)));
  }
  return keys;
}
