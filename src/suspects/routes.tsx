import { Hono } from "hono";
import type { AppEnv } from "../http/context";

export const suspectsRoutes = new Hono<AppEnv>();
