import { count, isObject, malformed, type Provider } from './provider.js';

/** Anthropic requires max_tokens; this is used when the version sets none. */
export const ANTHROPIC_DEFAULT_MAX_TOKENS = 1024;

/**
 * Anthropic Messages (`POST {baseUrl}/v1/messages`, `x-api-key`, `anthropic-version: 2023-06-01`). System and
 * developer messages become the `system` text; tool results go as user turns. Input tokens reported by Anthropic
 * exclude cache reads, so they are added back (GenAI convention: input includes cached).
 */
export const anthropicMessages: Provider = {
  name: 'anthropic',
  httpCall: (baseUrl, secret, request) => {
    const s = request.settings;
    const text = (content: unknown) =>
      typeof content === 'string'
        ? content
        : (content as { text?: unknown }[]).map((p) => (typeof p.text === 'string' ? p.text : '')).join('');
    const system = request.messages
      .filter((m) => m.role === 'system' || m.role === 'developer')
      .map((m) => text(m.content))
      .join('\n\n');
    const messages = request.messages
      .filter((m) => m.role !== 'system' && m.role !== 'developer')
      .map((m) => ({ role: m.role === 'assistant' ? 'assistant' : 'user', content: m.content }));
    return {
      url: `${baseUrl}/v1/messages`,
      headers: {
        'content-type': 'application/json',
        'anthropic-version': '2023-06-01',
        ...(secret ? { 'x-api-key': secret } : {}),
      },
      body: {
        model: request.model,
        max_tokens: s.maxTokens ?? ANTHROPIC_DEFAULT_MAX_TOKENS,
        messages,
        ...(system ? { system } : {}),
        ...(s.temperature !== undefined ? { temperature: Math.min(1, s.temperature) } : {}),
        ...(s.topP !== undefined ? { top_p: s.topP } : {}),
        ...(s.stop !== undefined ? { stop_sequences: s.stop } : {}),
      },
    };
  },
  parseAnswer: (json) => {
    if (!isObject(json) || json.type !== 'message') throw malformed('not a message object');
    if (!Array.isArray(json.content)) throw malformed('content is not a list of blocks');
    const text = json.content
      .filter(
        (b): b is { type: 'text'; text: string } => isObject(b) && b.type === 'text' && typeof b.text === 'string',
      )
      .map((b) => b.text)
      .join('');
    const usage = isObject(json.usage) ? json.usage : {};
    const input = count(usage.input_tokens);
    const cacheRead = count(usage.cache_read_input_tokens);
    const cacheWrite = count(usage.cache_creation_input_tokens);
    return {
      text,
      responseModel: typeof json.model === 'string' ? json.model : '',
      finishReason: typeof json.stop_reason === 'string' ? json.stop_reason : '',
      inputTokens: input === null ? null : input + (cacheRead ?? 0) + (cacheWrite ?? 0),
      outputTokens: count(usage.output_tokens),
      cachedInputTokens: cacheRead,
    };
  },
  errorDetails: (json) => {
    const error = isObject(json) && isObject(json.error) ? json.error : {};
    return {
      message: typeof error.message === 'string' ? error.message : '',
      code: typeof error.type === 'string' ? error.type : '',
    };
  },
};
