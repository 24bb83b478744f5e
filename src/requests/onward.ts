// Onward stop-payments (level n+1): who sends one when the center has set ONWARD_AUTO_SEND.
import type { AuditWho } from "../audit/service";

/**
 * The system, not the desk that reported the transfer: the audit log names the setting, and the
 * notice's officers are the case's officer and the officer of the request it follows.
 */
export const onwardSender = (at: number): AuditWho => ({
  actor: null,
  ip: "job:onward",
  at,
  label: "system:onward-auto-send",
});
