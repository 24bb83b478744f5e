// Working days on the Chinese calendar (法定节假日 and weekend make-up working days 调休) from the
// maintained `chinese-days` package, not a table of our own. Pure: the package ships its data.
import { isWorkday } from "chinese-days";
import { shanghaiDate, startOfShanghaiDay } from "./time";

const DAY_MS = 86_400_000;

/** Is this Shanghai calendar date (YYYY-MM-DD) a working day? Holidays off, make-up Saturdays/Sundays on. */
export function isWorkingDay(date: string): boolean {
  return isWorkday(date);
}

/**
 * The end of the `n`th working day after the day of `at` (Shanghai), as an instant: the
 * midnight that closes it. The day of `at` itself does not count ("on the spot, or within
 * n working days").
 */
export function workingDaysAfter(at: number, n: number): number {
  let day = startOfShanghaiDay(shanghaiDate(at));
  for (let left = n; left > 0; ) {
    day += DAY_MS; // Shanghai has no DST: every day is 24 h
    if (isWorkingDay(shanghaiDate(day))) left--;
  }
  return day + DAY_MS;
}
