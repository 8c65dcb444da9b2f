import { badRequest } from '../http/errors.js';
import { ATTRIBUTE_NAME, MAX_VALUE_CHARS } from './rules.js';

/**
 * The attributes a runtime sends with resolve for targeting rules: `attr.<name>=<value>` query parameters
 * (`?environment=production&key=u-42&attr.plan=pro&attr.region=eu-west`). At most MAX_ATTRIBUTES, names as in rules,
 * values up to MAX_VALUE_CHARS, each given once; anything else is a 400 naming the parameter.
 */
export const MAX_ATTRIBUTES = 20;
const PREFIX = 'attr.';

export function parseAttributes(query: Record<string, unknown>): Record<string, string> {
  const attributes: Record<string, string> = {};
  for (const [param, value] of Object.entries(query)) {
    if (!param.startsWith(PREFIX)) continue;
    const name = param.slice(PREFIX.length);
    if (!ATTRIBUTE_NAME.test(name)) {
      throw badRequest(`${param}: attribute names are letters, digits, "_", "." and "-", at most 64`, param);
    }
    if (typeof value !== 'string') throw badRequest(`${param}: must be given once`, param);
    if (value.length > MAX_VALUE_CHARS)
      throw badRequest(`${param}: must be at most ${MAX_VALUE_CHARS} characters`, param);
    attributes[name] = value;
    if (Object.keys(attributes).length > MAX_ATTRIBUTES) {
      throw badRequest(`${param}: at most ${MAX_ATTRIBUTES} attributes may be sent`, param);
    }
  }
  return attributes;
}
