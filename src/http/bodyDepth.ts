/**
 * PROTOCOL §2: a body nested deeper than 32 levels of arrays/objects is not an API call (HTTP 400).
 * Checked right after parsing, before anything walks the body recursively (the canonical string of
 * §3 renders nested values with JSON.stringify, which overflows the stack at a few thousand levels).
 */
import { RequestHandler } from 'express';
import { ResultCode } from '../domain/resultCodes';

export const MAX_BODY_DEPTH = 32;

/**
 * Whether `value` nests arrays/objects deeper than `maxDepth` (the top-level object is level 1).
 * Iterative with an explicit stack, so any depth is measured without recursion; it stops at the first
 * container past the limit, so a deep body costs at most `maxDepth` levels of work per branch.
 */
export function nestsDeeperThan(value: unknown, maxDepth: number): boolean {
  const stack: Array<[unknown, number]> = [[value, 1]];
  while (stack.length > 0) {
    const [current, depth] = stack.pop() as [unknown, number];
    if (typeof current !== 'object' || current === null) continue;
    if (depth > maxDepth) return true;
    const children = Array.isArray(current) ? current : Object.values(current as Record<string, unknown>);
    for (const child of children) {
      if (typeof child === 'object' && child !== null) stack.push([child, depth + 1]);
    }
  }
  return false;
}

export const refuseDeepBodies: RequestHandler = (req, res, next) => {
  if (nestsDeeperThan(req.body, MAX_BODY_DEPTH)) {
    res.status(400).json({
      code: ResultCode.INVALID_PARAMETERS,
      message: `the body is nested deeper than ${MAX_BODY_DEPTH} levels`,
    });
    return;
  }
  next();
};
