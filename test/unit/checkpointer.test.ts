import { afterEach, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Db, openDb } from "../../src/db";
import { SAFETY_NET_PAGES, startCheckpointer } from "../../src/db/checkpointer";
import { sqlOne, sqlRun } from "../helpers";

let dir: string;
let db: Db;
afterEach(() => {
  db.$client.close();
  rmSync(dir, { recursive: true, force: true });
});

async function open() {
  dir = mkdtempSync(join(tmpdir(), "fanzha-ckpt-"));
  const path = join(dir, "db.sqlite");
  // NORMAL: 2000 commits without 2000 fsyncs; the level does not change when checkpoints happen
  db = openDb(path, { synchronous: "NORMAL" });
  await sqlRun(db, "create table filler (id integer primary key, pad blob)");
  return path;
}

/** Writes ~2000 WAL pages in small commits, as requests do. */
function writeMany() {
  const ins = db.$client.prepare("insert into filler (pad) values (randomblob(4000))");
  for (let i = 0; i < 2000; i++) ins.run();
}

/** Frames in the WAL now, from a checkpoint that copies nothing new (`log` of pragma wal_checkpoint). */
const walFrames = async () => ((await sqlOne(db, "PRAGMA wal_checkpoint(PASSIVE)")) as { log: number }).log;

describe("background WAL checkpoints", () => {
  test("the worker copies the WAL into the database, so the next commit starts the WAL over", async () => {
    const path = await open();
    const stop = startCheckpointer(db, path, 20);
    expect(((await sqlOne(db, "PRAGMA wal_autocheckpoint")) as { wal_autocheckpoint: number }).wal_autocheckpoint).toBe(
      SAFETY_NET_PAGES,
    );
    writeMany();
    await Bun.sleep(300);
    await sqlRun(db, "insert into filler (pad) values (x'00')"); // rewinds the WAL once it is all copied
    expect(await walFrames()).toBeLessThan(10);
    stop();
  });

  test("without the worker the same writes are still in the WAL (the safety-net threshold is not reached)", async () => {
    await open();
    await sqlRun(db, `PRAGMA wal_autocheckpoint = ${SAFETY_NET_PAGES}`);
    writeMany();
    await Bun.sleep(100);
    await sqlRun(db, "insert into filler (pad) values (x'00')");
    expect(await walFrames()).toBeGreaterThan(2000);
  });
});
