import { Hono } from "hono";
import type { AppEnv } from "../http/context";

// Bulk file imports (suspects, targets, baselines): upload, live progress, report, rejected rows.
export const importsRoutes = new Hono<AppEnv>();
