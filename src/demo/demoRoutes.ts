/** The demo world's HTTP side: sandbox operator wallet and demo studio (being written). */
import { Router } from 'express';

export function demoRoutes(): Router {
  return Router();
}
