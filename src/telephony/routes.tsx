import { Hono } from "hono";
import type { AppEnv } from "../http/context";

// Twilio status callbacks (/webhooks/twilio/...) and the local outbox screen (/outbox).
export const webhookRoutes = new Hono<AppEnv>();
export const outboxRoutes = new Hono<AppEnv>();
