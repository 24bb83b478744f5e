import { Hono } from "hono";
import type { AppEnv } from "../http/context";

export const requestsRoutes = new Hono<AppEnv>();
