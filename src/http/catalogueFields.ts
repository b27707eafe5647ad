/**
 * Field schemas of the catalogue (PROTOCOL §14), shared by `games/upsert`, `operators/create|update`,
 * `/v1/games/list` and `/v1/games/launch`, so each field means the same everywhere it appears.
 */
import { z } from 'zod';
import { isCountryCode } from '../domain/countries';

/** `type`, `category` and each feature: a short lowercase word. */
export const shortWordField = z
  .string({ error: 'must be a string' })
  .regex(/^[a-z0-9_-]{1,32}$/, 'must be a short lowercase word (1 to 32 of [a-z0-9_-])');

export const platformField = z.enum(['desktop', 'mobile'], { error: 'must be desktop or mobile' });

export const countryField = z
  .string({ error: 'must be a string' })
  .refine(isCountryCode, 'must be an ISO 3166-1 alpha-2 country code in upper case, such as DE');

/** A list without repeats: a repeated entry is a mistake worth saying, not something to fold silently. */
function distinct<T extends z.ZodType>(item: T, max: number, what: string) {
  return z
    .array(item)
    .max(max, `must list at most ${max} ${what}`)
    .refine((values) => new Set(values).size === values.length, `must not list one of the ${what} twice`);
}

export const MAX_FEATURES = 20;

/** The §14 metadata of a game in `games/upsert`; each is optional, and omitted keeps what the game has. */
export const gameMetadataFields = {
  category: shortWordField.nullable().optional(),
  thumbnailUrl: z
    .string({ error: 'must be a string' })
    .max(1024)
    .regex(/^https?:\/\/\S+$/, 'must be an http(s) URL')
    .nullable()
    .optional(),
  platforms: distinct(platformField, 2, 'platforms').min(1, 'must name at least one platform').optional(),
  volatility: z.enum(['low', 'medium', 'high'], { error: 'must be low, medium, high or null' }).nullable().optional(),
  features: distinct(shortWordField, MAX_FEATURES, 'features').optional(),
  releaseDate: z.iso.date({ error: 'must be a date YYYY-MM-DD' }).nullable().optional(),
  blockedCountries: distinct(countryField, 249, 'countries').optional(),
};

export const MAX_BLOCKS = 1000;

/** §14 `operators/create|update`: each list replaces the operator's blocks of that kind. */
export const operatorBlockFields = {
  blockedProviders: distinct(
    z.string().regex(/^[A-Za-z0-9_.:-]{1,64}$/, 'must be providerIDs'),
    MAX_BLOCKS,
    'providers',
  ).optional(),
  blockedGames: distinct(
    z.number({ error: 'must be gameIDs' }).int('must be gameIDs').positive('must be gameIDs'),
    MAX_BLOCKS,
    'games',
  ).optional(),
};
