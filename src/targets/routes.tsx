import { Hono } from "hono";
import type { AppEnv } from "../http/context";

export const targetsRoutes = new Hono<AppEnv>();
