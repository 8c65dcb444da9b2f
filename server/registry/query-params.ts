import { intParam } from '../http/validation.js';

/** Query-string values (always text) with the conversions the registry's list routes share. */

export const pageParams = {
  limit: intParam(1, 1000, 100),
  offset: intParam(0, 1_000_000, 0),
};
