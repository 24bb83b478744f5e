import { Hono } from "hono";
import type { AppEnv } from "../http/context";

export const statsRoutes = new Hono<AppEnv>();
