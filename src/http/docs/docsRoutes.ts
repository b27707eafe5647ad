/** `GET /docs`: the API reference (being written: OpenAPI document and interactive page). */
import { Router } from 'express';

export function docsRoutes(): Router {
  return Router();
}
