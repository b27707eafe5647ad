/** `/backoffice`: the back-office web page (being written). */
import { Router } from 'express';

export function backofficeRoutes(): Router {
  return Router();
}
