// Column types that store exactly what SQLite stores, so the services' raw SQL means the same on
// both engines: instants as bigint milliseconds since the epoch, flags as 0/1.
import { customType } from "drizzle-orm/pg-core";

/** An instant as integer milliseconds since the epoch (SQLite's integer { mode: "timestamp_ms" }). */
export const millis = customType<{ data: Date; driverData: number | string | bigint }>({
  dataType: () => "bigint",
  toDriver: (d) => d.getTime(),
  fromDriver: (v) => new Date(Number(v)),
});

/** A boolean as 0/1 (SQLite's integer { mode: "boolean" }): raw SQL compares it with 0 and 1 on both engines. */
export const flag = customType<{ data: boolean; driverData: number }>({
  dataType: () => "smallint",
  toDriver: (b) => (b ? 1 : 0),
  fromDriver: (v) => Number(v) === 1, // as drizzle's SQLite boolean reads it
});
