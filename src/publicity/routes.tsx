import { Hono } from "hono";
import type { AppEnv } from "../http/context";

export const publicityRoutes = new Hono<AppEnv>();
