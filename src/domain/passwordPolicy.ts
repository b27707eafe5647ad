/**
 * The staff password rule (PROTOCOL §10): 12 or more characters, not the username, and not easily
 * guessed by zxcvbn-ts (dictionaries of common passwords, names and words, keyboard walks, repeats,
 * sequences, dates, l33t). Pure: used by users/create, me/password and the ADMIN_PASSWORD check.
 */
import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import { adjacencyGraphs, dictionary as commonDictionary } from '@zxcvbn-ts/language-common';
import { dictionary as englishDictionary, translations } from '@zxcvbn-ts/language-en';

export const MIN_PASSWORD_LENGTH = 12;
/**
 * zxcvbn score 3 ("safely unguessable": about 10^8 guesses or more). Staff hashes are scrypt and
 * logins are limited to 5 failures per 15 minutes, so an online guesser gets far fewer than that; 4
 * would refuse many good passphrases of three common words.
 */
export const MIN_PASSWORD_SCORE = 3;
/** Longer inputs are refused before estimation: zxcvbn's cost grows with length. */
export const MAX_PASSWORD_LENGTH = 256;

let estimator: ZxcvbnFactory | undefined;
function zxcvbn(): ZxcvbnFactory {
  // Built on first use: loading the dictionaries takes a moment and most processes never need them.
  estimator ??= new ZxcvbnFactory({
    translations,
    graphs: adjacencyGraphs,
    dictionary: { ...commonDictionary, ...englishDictionary },
  });
  return estimator;
}

/** Why `password` is refused for `username`, or null when it is acceptable. */
export function passwordProblem(password: string, username: string): string | null {
  if (password.length < MIN_PASSWORD_LENGTH) return `must be at least ${MIN_PASSWORD_LENGTH} characters`;
  if (password.length > MAX_PASSWORD_LENGTH) return `must be at most ${MAX_PASSWORD_LENGTH} characters`;
  if (password.trim().toLowerCase() === username.trim().toLowerCase()) return 'must not be the username';
  const result = zxcvbn().check(password, [username]);
  if (result.score >= MIN_PASSWORD_SCORE) return null;
  const why = [result.feedback.warning, ...result.feedback.suggestions].filter(Boolean).join(' ');
  return `is too easy to guess${why ? `: ${why}` : ''}`;
}
