import { apiRouter } from "../api/openapi";

export const publicityApi = apiRouter();
