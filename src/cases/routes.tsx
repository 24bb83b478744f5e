import { Hono } from "hono";
import type { AppEnv } from "../http/context";

export const casesRoutes = new Hono<AppEnv>();
