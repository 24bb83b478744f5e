import { apiRouter } from "../api/openapi";

export const supervisionApi = apiRouter();
