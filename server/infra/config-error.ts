/**
 * A setting the server cannot start with. Its own file, so that the parts that read their own
 * settings (the channels, the broker, webhooks) need not import the whole configuration, which
 * imports them.
 */
export class ConfigError extends Error {
  override name = 'ConfigError';
}
