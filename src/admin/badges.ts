// Officers' badge numbers (警号), printed beside their names on the notices they send.
import { eq } from "drizzle-orm";
import { z } from "zod";
import { type AuditWho, recordAudit } from "../audit/service";
import { userInput } from "../auth/service";
import { type Db, transaction } from "../db";
import { users } from "../db/schema";

/** Digits and letters, 4–12 (a police badge number is usually 6 digits); empty clears it. */
const Badge = z
  .string()
  .trim()
  .regex(/^(|[0-9A-Za-z]{4,12})$/)
  .transform((s) => s || null);

export async function setBadge(db: Db, who: AuditWho, userId: number, input: string): Promise<string | null> {
  const parsed = Badge.safeParse(input);
  if (!parsed.success) throw userInput("user.bad_badge");
  const badgeNo = parsed.data;
  await transaction(db, async (tx) => {
    const done = await tx.update(users).set({ badgeNo }).where(eq(users.id, userId)).returning({ id: users.id }).all();
    if (done.length)
      await recordAudit(tx, who, { action: "update", entity: "user", entityId: userId, detail: { badgeNo } });
  });
  return badgeNo;
}
