import { Hono } from "hono";
import type { AppEnv } from "../http/context";

export const supervisionRoutes = new Hono<AppEnv>();
