import type { Settings } from './dependencies.js';

/**
 * An address on the configured forms URL (FORMS_BASE_URL: the custom domain, or the API's own address).
 * Never built from a request's Host or X-Forwarded-* headers, which whoever sends the request chooses.
 */
export const formsUrl = (settings: Pick<Settings, 'FORMS_BASE_URL'>, path: string) =>
  new URL(path, settings.FORMS_BASE_URL.replace(/\/?$/, '/')).toString();
